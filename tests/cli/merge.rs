//! `merge`: a tree of partial merges gives the bytes of one run, the output folder is checked
//! before any shard is read, and memory does not grow with the number of shards.

use crate::util::{TempDir, peakpath, read, read_string, same_bytes};

const FILES: [&str; 6] = [
    "summary.csv",
    "indicators.csv",
    "peak.csv",
    "trajectories.csv",
    "parameters.csv",
    "charts/fan_co2.svg",
];

fn run_json(dir: &std::path::Path) -> serde_json::Value {
    let mut v: serde_json::Value = serde_json::from_slice(&read(dir.join("run.json"))).unwrap();
    let mc = v["monte_carlo"].as_object_mut().unwrap();
    mc.remove("elapsed_s");
    mc.remove("threads");
    v
}

#[test]
fn merges_of_merges_give_the_bytes_of_one_run() {
    let tmp = TempDir::new("tree");
    let run = |extra: &[&str], out: &str| {
        let mut a = vec![
            "run", "--runs", "3000", "--seed", "7", "--lang", "en", "--out", out,
        ];
        a.extend_from_slice(extra);
        peakpath(&a).ok();
    };
    run(&[], &tmp.arg("whole"));
    let s: Vec<String> = (1..=5).map(|k| tmp.arg(&format!("s{k}"))).collect();
    for (k, d) in s.iter().enumerate() {
        run(&["--shard", &format!("{}/5", k + 1)], d);
    }
    let merge = |args: &[&str]| {
        let mut a = vec!["merge", "--lang", "en"];
        a.extend_from_slice(args);
        peakpath(&a)
    };
    // One level.
    merge(&[&s[0], &s[1], &s[2], &s[3], &s[4], "--out", &tmp.arg("flat")]).ok();
    // A tree of two levels below the root: ((1 2) 3) and (4 5).
    let out = merge(&[&s[1], &s[0], "--partial", "--out", &tmp.arg("g12")]).ok();
    assert!(
        out.stderr
            .contains("merged 2 partial results into shards 1–2 of 5 (1200 runs)"),
        "{}",
        out.stderr
    );
    assert!(
        !tmp.join("g12/summary.csv").exists(),
        "a partial merge writes only shard.json"
    );
    merge(&[
        &tmp.arg("g12"),
        &s[2],
        "--partial",
        "--out",
        &tmp.arg("g123"),
    ])
    .ok();
    merge(&[&s[3], &s[4], "--partial", "--out", &tmp.arg("g45")]).ok();
    let out = merge(&[&tmp.arg("g45"), &tmp.arg("g123"), "--out", &tmp.arg("tree")]).ok();
    assert!(
        out.stderr
            .contains("merged 2 partial results (5 shards, 3000 runs)"),
        "{}",
        out.stderr
    );
    for f in FILES {
        same_bytes(&tmp.join("whole").join(f), &tmp.join("flat").join(f));
        same_bytes(&tmp.join("whole").join(f), &tmp.join("tree").join(f));
    }
    assert_eq!(run_json(&tmp.join("whole")), run_json(&tmp.join("tree")));

    // Groups must be consecutive, and a final merge needs every shard once.
    let bad = tmp.arg("bad");
    let out = merge(&[&s[0], &s[2], "--partial", "--out", &bad]).expect_code(2);
    assert!(
        out.stderr.contains("consecutive") && out.stderr.contains("missing 2/5"),
        "{}",
        out.stderr
    );
    let out = merge(&[&tmp.arg("g12"), &s[4], "--out", &bad]).expect_code(2);
    assert!(out.stderr.contains("missing 3/5–4/5"), "{}", out.stderr);
    let out = merge(&[&tmp.arg("g123"), &s[1], &tmp.arg("g45"), "--out", &bad]).expect_code(2);
    assert!(out.stderr.contains("overlaps"), "{}", out.stderr);
    assert!(!tmp.join("bad/summary.csv").exists() && !tmp.join("bad/shard.json").exists());
    // The output may not be one of the folders merged.
    let out = merge(&[&s[0], &s[1], "--partial", "--force", "--out", &s[0]]).expect_code(2);
    assert!(
        out.stderr.contains("other than the shard folders"),
        "{}",
        out.stderr
    );
    let shard1: serde_json::Value =
        serde_json::from_slice(&read(tmp.join("s1/shard.json"))).unwrap();
    assert_eq!(
        shard1["body"]["shard"],
        serde_json::json!([1, 5]),
        "s1 is untouched"
    );

    // The output folder is checked before any shard is read: a folder holding another run's
    // results is refused even though a shard is unreadable.
    std::fs::write(tmp.join("s2/shard.json"), b"{ not json").unwrap();
    let out = merge(&[&s[0], &s[1], &s[2], &s[3], &s[4], "--out", &tmp.arg("flat")]).expect_code(2);
    assert!(
        out.stderr.contains("expected an empty output folder")
            && !out.stderr.contains("s2/shard.json"),
        "{}",
        out.stderr
    );
    // With a free folder, the broken shard is named with its line and column.
    let out = merge(&[&s[0], &s[1], "--partial", "--out", &tmp.arg("free")]).expect_code(2);
    assert!(out.stderr.contains("s2/shard.json:1:"), "{}", out.stderr);
}

/// Peak resident memory of a merge, from its closing line ("…, peak memory 12.3 MB").
fn peak_mb(stderr: &str) -> Option<f64> {
    let (_, rest) = stderr.split_once("peak memory ")?;
    rest.split_whitespace().next()?.parse().ok()
}

/// `merge` folds shards one at a time: 2,000 shards need no more memory than 200. The shards
/// are copies of one real shard (one run of the plan, 157 kB) given the places of shards
/// 1…N, which is all a merge looks at; the old merge, which held every shard, grew by about
/// 0.4 MB a shard here.
#[test]
fn merge_memory_stays_flat_from_200_to_2000_shards() {
    let tmp = TempDir::new("flat");
    peakpath([
        "run",
        "--runs",
        "2000",
        "--seed",
        "7",
        "--shard",
        "1/2000",
        "--out",
        &tmp.arg("real"),
    ])
    .ok();
    // The sealed file: {"format":…,"sha256":…,"body":BODY}; each copy gets its own place in
    // BODY and the digest of the new BODY.
    let text = read_string(tmp.join("real/shard.json"));
    let at = text.find(r#","body":"#).expect("a sealed shard file") + r#","body":"#.len();
    let (head, body) = (
        &text[..at],
        text[at..].trim_end().strip_suffix('}').unwrap(),
    );
    let head = &head[..head.find(r#""sha256":"#).unwrap()];
    let key = r#""runs":2000,"shard":[1,2000],"start":0,"end":1,"next":1,"#;
    assert_eq!(
        body.matches(key).count(),
        1,
        "shard.json layout: {}",
        &body[..300.min(body.len())]
    );
    let seal = |body: &str| {
        use sha2::Digest as _;
        let digest: String = sha2::Sha256::digest(body.as_bytes())
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect();
        format!(r#"{head}"sha256":"{digest}","body":{body}}}"#) + "\n"
    };
    assert_eq!(
        seal(body),
        text,
        "the seal is recomputed as peakpath computes it"
    );
    let mut peaks = Vec::new();
    for n in [200u64, 2000] {
        let dirs: Vec<String> = (1..=n)
            .map(|k| {
                let d = tmp.join(format!("n{n}/{k}"));
                std::fs::create_dir_all(&d).unwrap();
                let place = format!(
                    r#""runs":{n},"shard":[{k},{n}],"start":{},"end":{k},"next":{k},"#,
                    k - 1
                );
                std::fs::write(d.join("shard.json"), seal(&body.replacen(key, &place, 1))).unwrap();
                d.display().to_string()
            })
            .collect();
        let out_dir = tmp.arg(&format!("merged{n}"));
        let mut args = vec!["merge", "--lang", "en"];
        args.extend(dirs.iter().map(String::as_str));
        args.extend(["--out", &out_dir]);
        let out = peakpath(&args).ok();
        assert!(
            out.stderr
                .contains(&format!("merged {n} shards ({n} runs)")),
            "{}",
            out.stderr
        );
        let run: serde_json::Value =
            serde_json::from_slice(&read(tmp.join(format!("merged{n}/run.json")))).unwrap();
        assert_eq!(run["monte_carlo"]["runs"], n);
        let Some(mb) = peak_mb(&out.stderr) else {
            use std::io::Write as _;
            let _ = writeln!(
                std::io::stderr().lock(),
                "NOTE: merge_memory_stays_flat: this system reports no peak memory; only the merge was checked"
            );
            return;
        };
        peaks.push(mb);
        let _ = std::fs::remove_dir_all(tmp.join(format!("n{n}")));
    }
    let (m200, m2000) = (peaks[0], peaks[1]);
    assert!(
        m2000 <= m200 + 8.0 && m2000 < 64.0,
        "peak memory {m200} MB for 200 shards, {m2000} MB for 2000"
    );
}
