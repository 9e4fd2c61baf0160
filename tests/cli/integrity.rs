//! Integrity: no result is silently wrong, no file is written where it should not be, no
//! night's work is lost. Each test pins a promise that an adversarial review found broken.

use std::path::Path;

use crate::util::{TempDir, peakpath, read, read_string};
use peakpath::output::{read_sealed, write_sealed};

const PARTIAL: &str = "peakpath-partial-2";

/// `run --shard 1/2 --runs 2000` into `dir`: a sealed partial result to tamper with.
fn shard(dir: &str, k: u32) {
    peakpath([
        "run",
        "--runs",
        "2000",
        "--shard",
        &format!("{k}/2"),
        "--out",
        dir,
        "--no-charts",
    ])
    .ok();
}

/// Edit a sealed file's body and seal it again, as a careful forger would.
fn reseal(path: &Path, edit: impl FnOnce(&mut serde_json::Value)) {
    let mut v: serde_json::Value = read_sealed(path, PARTIAL, "partial").unwrap();
    edit(&mut v);
    write_sealed(path, PARTIAL, &v).unwrap();
}

#[test]
fn scenario_ids_are_names_not_paths() {
    for (file, found) in [
        ("tests/fixtures/invalid/id_path.toml", "\"../victrun\""),
        ("tests/fixtures/invalid/id_empty.toml", "\"\""),
    ] {
        let out = peakpath(["validate", file]).expect_code(2);
        assert!(
            out.stderr.contains(&format!("{file}:5:6: scenario.id:")) && out.stderr.contains(found),
            "{}",
            out.stderr
        );
    }
    // Nothing was written next to the comparison folder.
    let tmp = TempDir::new("idpath");
    peakpath([
        "compare",
        "scenarios/plan.toml",
        "tests/fixtures/invalid/id_path.toml",
        "--runs",
        "10",
        "--out",
        &tmp.arg("cmp"),
    ])
    .expect_code(2);
    assert!(!tmp.join("victrun").exists());
}

#[test]
fn an_edited_checkpoint_is_refused() {
    let tmp = TempDir::new("cp-edit");
    shard(&tmp.arg("s"), 1);
    std::fs::create_dir(tmp.join("r")).unwrap();
    std::fs::copy(tmp.join("s/shard.json"), tmp.join("r/checkpoint.json")).unwrap();
    let resume = |_: ()| {
        peakpath([
            "run",
            "--runs",
            "2000",
            "--shard",
            "1/2",
            "--out",
            &tmp.arg("r"),
            "--resume",
            "--no-charts",
        ])
    };
    // A byte changed by hand: the digest no longer matches.
    let text = read_string(tmp.join("r/checkpoint.json"));
    let edited = text.replacen("\"next\":1000", "\"next\":900", 1);
    assert_ne!(text, edited);
    std::fs::write(tmp.join("r/checkpoint.json"), &edited).unwrap();
    let out = resume(()).expect_code(2);
    assert!(
        out.stderr.contains("checkpoint.json: sha256:"),
        "{}",
        out.stderr
    );
    // Numbers that disagree, sealed again: refused by the invariants, never a wrong result.
    std::fs::copy(tmp.join("s/shard.json"), tmp.join("r/checkpoint.json")).unwrap();
    reseal(&tmp.join("r/checkpoint.json"), |v| v["next"] = 900.into());
    let out = resume(()).expect_code(2);
    assert!(
        out.stderr.contains("acc.runs: expected 900"),
        "{}",
        out.stderr
    );
    // One series removed: refused, not a panic.
    std::fs::copy(tmp.join("s/shard.json"), tmp.join("r/checkpoint.json")).unwrap();
    reseal(&tmp.join("r/checkpoint.json"), |v| {
        v["acc"]["series"].as_array_mut().unwrap().pop();
    });
    let out = resume(()).expect_code(2);
    assert!(
        out.stderr.contains("acc.series: expected"),
        "{}",
        out.stderr
    );
    assert!(!tmp.join("r/summary.csv").exists());
}

#[test]
fn tampered_shards_are_not_merged() {
    let tmp = TempDir::new("shard-edit");
    shard(&tmp.arg("a"), 1);
    shard(&tmp.arg("b"), 2);
    let merge = || {
        peakpath([
            "merge",
            &tmp.arg("a"),
            &tmp.arg("b"),
            "--out",
            &tmp.arg("m"),
            "--force",
        ])
    };
    merge().ok();
    let good = read(tmp.join("m/summary.csv"));
    let original = read(tmp.join("b/shard.json"));
    for (what, edit) in [
        (
            "acc.runs",
            Box::new(|v: &mut serde_json::Value| v["acc"]["runs"] = 1001.into())
                as Box<dyn Fn(&mut serde_json::Value)>,
        ),
        (
            "acc.series: expected",
            Box::new(|v: &mut serde_json::Value| {
                v["acc"]["series"].as_array_mut().unwrap().pop();
            }),
        ),
        (
            "acc.series: expected",
            Box::new(|v: &mut serde_json::Value| {
                let s = v["acc"]["series"][0].clone();
                v["acc"]["series"].as_array_mut().unwrap().push(s);
            }),
        ),
        (
            "acc: expected the peak-year counts",
            Box::new(|v: &mut serde_json::Value| v["acc"]["peak_hist"][0] = 5000.into()),
        ),
        (
            "expected runs 1000..2000 for shard 2/2",
            Box::new(|v: &mut serde_json::Value| v["start"] = 999.into()),
        ),
    ] {
        std::fs::write(tmp.join("b/shard.json"), &original).unwrap();
        reseal(&tmp.join("b/shard.json"), edit);
        let out = merge().expect_code(2);
        assert!(
            out.stderr.contains("shard.json") && out.stderr.contains(what),
            "{what}: {}",
            out.stderr
        );
    }
    std::fs::write(tmp.join("b/shard.json"), &original).unwrap();
    // Sources that are not the scenario the file names by its hash: refused too.
    let first = read(tmp.join("a/shard.json"));
    reseal(&tmp.join("a/shard.json"), |v| {
        v["scenario_sha256"] = "0".repeat(64).into();
    });
    let out = merge().expect_code(2);
    assert!(
        out.stderr
            .contains("a/shard.json: scenario_sha256: expected"),
        "{}",
        out.stderr
    );
    std::fs::write(tmp.join("a/shard.json"), first).unwrap();
    // The refused merges left the earlier results alone.
    assert_eq!(read(tmp.join("m/summary.csv")), good);
}

#[cfg(unix)]
#[test]
fn planted_links_are_never_followed() {
    let tmp = TempDir::new("links");
    std::fs::write(tmp.join("victim"), b"precious").unwrap();
    std::fs::create_dir(tmp.join("o")).unwrap();
    // A link where a result goes: the link is replaced, the file it points to is untouched.
    std::os::unix::fs::symlink(tmp.join("victim"), tmp.join("o/summary.csv")).unwrap();
    peakpath([
        "run",
        "--runs",
        "200",
        "--out",
        &tmp.arg("o"),
        "--force",
        "--no-charts",
    ])
    .ok();
    assert_eq!(read(tmp.join("victim")), b"precious");
    assert!(
        !tmp.join("o/summary.csv")
            .symlink_metadata()
            .unwrap()
            .is_symlink()
    );
    // A link where the lock file goes: refused, the file it points to untouched.
    std::fs::create_dir(tmp.join("p")).unwrap();
    std::os::unix::fs::symlink(tmp.join("victim"), tmp.join("p/.peakpath.lock")).unwrap();
    let out = peakpath(["run", "--central", "--out", &tmp.arg("p"), "--no-charts"]).expect_code(2);
    assert!(out.stderr.contains("cannot lock"), "{}", out.stderr);
    assert_eq!(read(tmp.join("victim")), b"precious");
    // No temporary file is left behind in either folder.
    for d in ["o", "p"] {
        for e in std::fs::read_dir(tmp.join(d)).unwrap() {
            let name = e.unwrap().file_name().to_string_lossy().into_owned();
            assert!(!name.ends_with(".tmp"), "{d}/{name} left behind");
        }
    }
}

#[test]
fn a_locked_folder_is_refused() {
    let tmp = TempDir::new("lock");
    std::fs::create_dir(tmp.join("o")).unwrap();
    let held = peakpath::output::DirLock::acquire(&tmp.join("o")).unwrap();
    let out = peakpath(["run", "--runs", "100", "--out", &tmp.arg("o")]).expect_code(2);
    assert!(
        out.stderr
            .contains("another peakpath command is writing into this folder"),
        "{}",
        out.stderr
    );
    assert!(!tmp.join("o/run.json").exists());
    drop(held);
    peakpath([
        "run",
        "--runs",
        "100",
        "--out",
        &tmp.arg("o"),
        "--no-charts",
    ])
    .ok();
}

#[test]
fn an_unfinished_runs_checkpoint_survives() {
    let tmp = TempDir::new("keepcp");
    shard(&tmp.arg("s"), 1);
    std::fs::create_dir(tmp.join("o")).unwrap();
    std::fs::copy(tmp.join("s/shard.json"), tmp.join("o/checkpoint.json")).unwrap();
    let out = peakpath(["run", "--runs", "100", "--out", &tmp.arg("o")]).expect_code(2);
    assert!(out.stderr.contains("checkpoint.json"), "{}", out.stderr);
    assert!(tmp.join("o/checkpoint.json").exists());
}

#[test]
fn force_leaves_nothing_stale() {
    let tmp = TempDir::new("stale");
    let o = tmp.arg("o");
    // A shard's file, then a whole run over it: the shard file goes, so it cannot be merged.
    shard(&o, 1);
    peakpath(["run", "--runs", "100", "--out", &o, "--force"]).ok();
    assert!(!tmp.join("o/shard.json").exists());
    assert!(tmp.join("o/charts").read_dir().unwrap().next().is_some());
    let out = peakpath(["merge", &o, "--out", &tmp.arg("m")]).expect_code(2);
    assert!(out.stderr.contains("shard.json"), "{}", out.stderr);
    // --force --no-charts: the previous run's charts go too.
    peakpath([
        "run",
        "--runs",
        "100",
        "--out",
        &o,
        "--force",
        "--no-charts",
    ])
    .ok();
    assert!(
        tmp.join("o/charts").read_dir().unwrap().next().is_none(),
        "stale charts left"
    );
}

#[test]
fn report_with_embeds_outside_svgs_inertly() {
    let tmp = TempDir::new("with");
    let o = tmp.arg("o");
    peakpath(["run", "--central", "--out", &o]).ok();
    std::fs::create_dir(tmp.join("evil")).unwrap();
    let payloads = [
        "<svg xmlns=\"http://www.w3.org/2000/svg\"><SCRIPT>alert(1)</SCRIPT></svg>",
        "<svg xmlns=\"http://www.w3.org/2000/svg\" onload=\"alert(2)\"><rect/></svg>",
        "<svg xmlns=\"http://www.w3.org/2000/svg\"><a href=\"javascript:alert(3)\"><text>x</text></a></svg>",
        "<svg xmlns=\"http://www.w3.org/2000/svg\"><image href=\"HTTPS://example.com/x.png\"/></svg>",
    ];
    for (i, p) in payloads.iter().enumerate() {
        std::fs::write(tmp.join(format!("evil/c{i}.svg")), p).unwrap();
    }
    peakpath(["report", &o, "--with", &tmp.arg("evil")]).ok();
    let html = read_string(tmp.join("o/report.html"));
    let lower = html.to_lowercase();
    for bad in ["<script", "onload=", "javascript:", "https://", "http://"] {
        assert!(!lower.contains(bad), "report holds {bad}");
    }
    // Each outside chart is an <img> of a data: URI holding exactly the file.
    use base64::Engine as _;
    let uris: Vec<&str> = html
        .split("src=\"data:image/svg+xml;base64,")
        .skip(1)
        .map(|s| &s[..s.find('"').unwrap()])
        .collect();
    assert_eq!(uris.len(), payloads.len());
    for (u, p) in uris.iter().zip(payloads) {
        let bytes = base64::engine::general_purpose::STANDARD.decode(u).unwrap();
        assert_eq!(bytes, p.as_bytes());
    }
    // Every src= is a data: URI: nothing is requested from anywhere.
    assert_eq!(html.matches("src=").count(), payloads.len());
}

#[test]
fn contradictory_flags_and_resumes_say_what_differs() {
    let tmp = TempDir::new("flags");
    for extra in [["--shard", "1/2"], ["--resume", "--force"]] {
        let mut args = vec!["run", "--central", "--out"];
        let o = tmp.arg("o");
        args.push(&o);
        args.extend(extra);
        let out = peakpath(&args).expect_code(2);
        assert!(out.stderr.contains("--central"), "{}", out.stderr);
    }
    shard(&tmp.arg("s"), 1);
    std::fs::create_dir(tmp.join("r")).unwrap();
    std::fs::copy(tmp.join("s/shard.json"), tmp.join("r/checkpoint.json")).unwrap();
    let out = peakpath([
        "run",
        "--runs",
        "2000",
        "--seed",
        "7",
        "--shard",
        "1/2",
        "--out",
        &tmp.arg("r"),
        "--resume",
    ])
    .expect_code(2);
    assert!(
        out.stderr.contains("seed: expected 7, found 20231001"),
        "{}",
        out.stderr
    );
    assert!(!out.stderr.contains("runs: expected"), "{}", out.stderr);
}

#[test]
fn bad_files_read_back_are_bad_input() {
    let tmp = TempDir::new("readback");
    let o = tmp.arg("o");
    peakpath(["run", "--runs", "200", "--out", &o, "--no-charts"]).ok();
    let original: Vec<(&str, Vec<u8>)> = ["peak.csv", "summary.csv", "indicators.csv", "run.json"]
        .into_iter()
        .map(|f| (f, read(tmp.join("o").join(f))))
        .collect();
    for (file, content, says) in [
        (
            "peak.csv",
            "",
            "peak.csv: expected the columns peak_year,probability",
        ),
        (
            "peak.csv",
            "peak_year,probability\n",
            "peak.csv: expected at least 1 row",
        ),
        (
            "peak.csv",
            "peak_year,probability\n2020,inf\n",
            "expected a finite number, found inf",
        ),
        (
            "summary.csv",
            "scenario,variable\nplan,co2\n",
            "summary.csv: expected the columns",
        ),
        (
            "indicators.csv",
            "id,name_zh\n1,2,3\n",
            "indicators.csv: expected the columns",
        ),
        ("run.json", "[1, 2]", "run.json: expected a JSON object"),
    ] {
        for (f, bytes) in &original {
            std::fs::write(tmp.join("o").join(f), bytes).unwrap();
        }
        std::fs::write(tmp.join("o").join(file), content).unwrap();
        let out = peakpath(["report", &o]).expect_code(2);
        assert!(
            out.stderr.contains(says),
            "{file} {content:?}: {}",
            out.stderr
        );
        assert!(!tmp.join("o/report.html").exists());
    }
}
