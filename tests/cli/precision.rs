//! `run --precision H`: batches until every headline probability's Wilson 95 % half-width is
//! at most H; the same N and bytes on any thread count.

use crate::util::{TempDir, peakpath, read_string};

fn run_json(dir: &str) -> serde_json::Value {
    serde_json::from_str(&read_string(std::path::Path::new(dir).join("run.json"))).unwrap()
}

#[test]
fn precision_stops_at_the_first_precise_batch_whatever_the_threads() {
    let tmp = TempDir::new("precision");
    let (a, b) = (tmp.arg("t1"), tmp.arg("t2"));
    let out = peakpath([
        "run",
        "--precision",
        "0.007",
        "--threads",
        "1",
        "--no-charts",
        "--lang",
        "en",
        "--out",
        &a,
    ])
    .ok();
    assert!(
        out.stderr.contains("precision: every headline probability"),
        "{}",
        out.stderr
    );
    peakpath([
        "run",
        "--precision",
        "0.007",
        "--threads",
        "2",
        "--no-charts",
        "--out",
        &b,
    ])
    .ok();
    for f in ["summary.csv", "indicators.csv", "peak.csv"] {
        assert_eq!(
            read_string(tmp.join("t1").join(f)),
            read_string(tmp.join("t2").join(f)),
            "{f}"
        );
    }
    let (ja, jb) = (run_json(&a), run_json(&b));
    let p = &ja["monte_carlo"]["precision"];
    assert_eq!(p, &jb["monte_carlo"]["precision"]);
    let n = p["runs_used"].as_u64().unwrap();
    assert_eq!(n % 10_000, 0, "whole batches");
    assert!((10_000..100_000).contains(&n), "{n}");
    assert_eq!(p["reached"], true);
    assert!(p["worst_half_width"].as_f64().unwrap() <= 0.007);
    assert_eq!(ja["monte_carlo"]["runs"].as_u64(), Some(n));
    // One batch fewer is not precise enough: the run did not stop late (the same headline
    // probabilities after one batch fewer, with a target no run count reaches).
    if n > 10_000 {
        let c = tmp.arg("short");
        peakpath([
            "run",
            "--precision",
            "0.000001",
            "--max-runs",
            &(n - 10_000).to_string(),
            "--no-charts",
            "--out",
            &c,
        ])
        .ok();
        let j = run_json(&c);
        let half = j["monte_carlo"]["precision"]["worst_half_width"]
            .as_f64()
            .unwrap();
        assert!(half > 0.007, "{half} after {} runs", n - 10_000);
    }
}

#[test]
fn precision_refuses_shards_and_nonsense() {
    let tmp = TempDir::new("precision-bad");
    let o = tmp.arg("o");
    let out =
        peakpath(["run", "--precision", "0.01", "--shard", "1/2", "--out", &o]).expect_code(2);
    assert!(out.stderr.contains("--precision"), "{}", out.stderr);
    let out = peakpath(["run", "--precision", "0", "--out", &o]).expect_code(2);
    assert!(
        out.stderr.contains("half-width in (0, 0.5)"),
        "{}",
        out.stderr
    );
}
