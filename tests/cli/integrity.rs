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
        let out = peakpath(["validate", "--lang", "en", file]).expect_code(2);
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
            "--lang",
            "en",
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
    // A link where older versions kept their lock file: the lock is on the folder itself
    // now, so the link is neither opened nor followed.
    std::fs::create_dir(tmp.join("p")).unwrap();
    std::os::unix::fs::symlink(tmp.join("victim"), tmp.join("p/.peakpath.lock")).unwrap();
    peakpath(["run", "--central", "--out", &tmp.arg("p"), "--no-charts"]).ok();
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
    let out = peakpath(["merge", "--lang", "en", &o, "--out", &tmp.arg("m")]).expect_code(2);
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

// ------------------------------------------------------------------ round 2 (issue 23)

/// A copy of the plan (and the baseline it extends) in `dir`, edited by `edit`.
fn plan_copy(dir: &Path, edit: impl FnOnce(String) -> String) -> String {
    let root = crate::util::root();
    std::fs::copy(
        root.join("scenarios/baseline.toml"),
        dir.join("baseline.toml"),
    )
    .unwrap();
    let text = read_string(root.join("scenarios/plan.toml"));
    std::fs::write(dir.join("plan.toml"), edit(text)).unwrap();
    dir.join("plan.toml").display().to_string()
}

#[test]
fn csv_cells_from_user_text_are_formula_safe() {
    // The rule itself: text that a spreadsheet would evaluate gets a leading quote; numbers
    // (negative ones included) stay numbers.
    use peakpath::output::{csv_safe, csv_unsafe};
    for (cell, safe) in [
        ("=1+2", "'=1+2"),
        ("+x", "'+x"),
        ("-x", "'-x"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tx", "'\tx"),
        ("\rx", "'\rx"),
        ("-0.5", "-0.5"),
        ("-1e-3", "-1e-3"),
        ("plain", "plain"),
        ("", ""),
    ] {
        assert_eq!(csv_safe(cell), safe, "{cell:?}");
        assert_eq!(csv_unsafe(safe), cell, "{safe:?}");
    }
    let tmp = TempDir::new("formula");
    const EVIL: &str = "=HYPERLINK(\"http://evil.example\",\"click\")";
    let plan = plan_copy(&tmp.join(""), |t| {
        t.replacen(
            "# share of the planned shift delivered [A]",
            &format!("# {EVIL}"),
            1,
        )
        .replacen(
            "lead = \"县发展和改革局\"\nlead_en = \"County Development and Reform Bureau\"",
            &format!("lead = '{EVIL}'\nlead_en = '{EVIL}'"),
            1,
        )
    });
    peakpath([
        "run",
        "--central",
        &plan,
        "--out",
        &tmp.arg("c"),
        "--no-charts",
    ])
    .ok();
    peakpath(["wedges", &plan, "--out", &tmp.arg("w")]).ok();
    for f in ["c/parameters.csv", "w/wedges.csv", "w/wedges_by_lead.csv"] {
        let text = read_string(tmp.join(f));
        assert!(
            text.contains("'=HYPERLINK(\"\"http://evil.example\"\""),
            "{f}: expected the neutralised cell, found:\n{text}"
        );
        let rows = crate::util::csv_rows(tmp.join(f));
        for r in &rows {
            for (k, v) in r {
                assert!(
                    !v.starts_with(['=', '+', '@', '\t', '\r'])
                        && (!v.starts_with('-') || v.parse::<f64>().is_ok()),
                    "{f}: {k} = {v:?} would be a formula"
                );
            }
        }
    }
    // Numbers stay numbers: the central run's negative medians are written as such.
    let params = read_string(tmp.join("c/parameters.csv"));
    assert!(
        !params.contains(",'-0") && !params.contains(",'-1"),
        "{params}"
    );
}

#[test]
fn counts_that_would_wrap_are_refused() {
    let tmp = TempDir::new("wrap");
    shard(&tmp.arg("a"), 1);
    shard(&tmp.arg("b"), 2);
    let original = read(tmp.join("b/shard.json"));
    const BIG: u64 = 1 << 63;
    let raise = |v: &serde_json::Value| (v.as_u64().unwrap() + BIG).into();
    for (what, edit) in [
        // Two counts raised by 2^63: their sum wraps back to the runs.
        (
            "does not fit in 64 bits",
            Box::new(move |v: &mut serde_json::Value| {
                v["acc"]["peak_hist"][0] = raise(&v["acc"]["peak_hist"][0]);
                v["acc"]["not_peaked"] = raise(&v["acc"]["not_peaked"]);
            }) as Box<dyn Fn(&mut serde_json::Value)>,
        ),
        (
            "acc.rules_met[0]",
            Box::new(move |v: &mut serde_json::Value| {
                v["acc"]["rules_met"][0][0][0] = raise(&v["acc"]["rules_met"][0][0][0]);
            }),
        ),
        (
            "acc.cap_binds",
            Box::new(move |v: &mut serde_json::Value| {
                v["acc"]["cap_binds"][5] = raise(&v["acc"]["cap_binds"][5]);
            }),
        ),
    ] {
        std::fs::write(tmp.join("b/shard.json"), &original).unwrap();
        reseal(&tmp.join("b/shard.json"), edit);
        let out = peakpath([
            "merge",
            "--lang",
            "en",
            &tmp.arg("a"),
            &tmp.arg("b"),
            "--out",
            &tmp.arg("m"),
        ])
        .expect_code(2);
        assert!(
            out.stderr.contains("b/shard.json") && out.stderr.contains(what),
            "{what}: {}",
            out.stderr
        );
        assert!(!tmp.join("m/summary.csv").exists());
    }
}

#[cfg(unix)]
#[test]
fn files_others_can_read() {
    use std::os::unix::fs::PermissionsExt;
    let tmp = TempDir::new("umask");
    for (umask, want) in [("022", 0o644), ("077", 0o600)] {
        let out = tmp.arg(umask);
        let st = std::process::Command::new("sh")
            .args([
                "-c",
                &format!(
                    "umask {umask} && exec \"$0\" run --central --out \"$1\" --no-charts --xlsx"
                ),
                env!("CARGO_BIN_EXE_peakpath"),
                &out,
            ])
            .current_dir(crate::util::root())
            .status()
            .unwrap();
        assert!(st.success());
        let mut n = 0;
        for e in std::fs::read_dir(tmp.join(umask)).unwrap() {
            let e = e.unwrap();
            let name = e.file_name().to_string_lossy().into_owned();
            assert_ne!(name, ".peakpath.lock", "no lock file is left in the folder");
            let mode = e.metadata().unwrap().permissions().mode() & 0o777;
            if e.file_type().unwrap().is_file() {
                assert_eq!(mode, want, "umask {umask}: {name} has mode {mode:o}");
                n += 1;
            }
        }
        assert!(n >= 4, "{n} files");
    }
}

#[cfg(unix)]
#[test]
fn fixed_temporary_names_are_gone() {
    let tmp = TempDir::new("fixed-tmp");
    std::fs::write(tmp.join("victim"), b"precious").unwrap();
    // --save-draws: links at the names the old code opened are never followed.
    for name in [
        "d.npz.tmp",
        "d.npz.experiments.npy.part",
        "d.npz.outcomes.npy.part",
    ] {
        std::os::unix::fs::symlink(tmp.join("victim"), tmp.join(name)).unwrap();
    }
    peakpath([
        "run",
        "--runs",
        "300",
        "--out",
        &tmp.arg("o"),
        "--no-charts",
        "--save-draws",
        &tmp.arg("d.npz"),
    ])
    .ok();
    assert_eq!(read(tmp.join("victim")), b"precious");
    assert!(tmp.join("d.npz").symlink_metadata().unwrap().is_file());
    // No part or temporary file is left (the planted links are still there, untouched).
    for e in std::fs::read_dir(tmp.join("")).unwrap() {
        let e = e.unwrap();
        let name = e.file_name().to_string_lossy().into_owned();
        if name.ends_with(".part") || name.ends_with(".tmp") {
            assert!(e.file_type().unwrap().is_symlink(), "{name} left behind");
        }
    }
    // The server's save: a link at the old fixed name is not followed either.
    let saves = tmp.join("saves");
    std::fs::create_dir(&saves).unwrap();
    let srv = crate::util::Server::start(&[
        "--save-dir",
        &tmp.arg("saves"),
        "--runs",
        "100",
        "--threads",
        "2",
    ]);
    std::os::unix::fs::symlink(
        tmp.join("victim"),
        saves.join(format!(".mine.toml.{}.tmp", srv.pid())),
    )
    .unwrap();
    let r = srv.request(
        "POST",
        "/api/save",
        r#"{"name":"mine","overrides":{"power.pv.capacity_mw.2030":800}}"#,
    );
    assert_eq!(r.status, 201, "{}", r.body);
    assert_eq!(read(tmp.join("victim")), b"precious");
    assert!(read_string(saves.join("mine.toml")).contains("800"));
    // Concurrent saves of one name: each through its own temporary file; one is placed,
    // the others are told the name is taken, and the file on disk is whole.
    let answers: Vec<u16> = std::thread::scope(|s| {
        let hs: Vec<_> = (0..6)
            .map(|i| {
                let srv = &srv;
                s.spawn(move || {
                    srv.request(
                        "POST",
                        "/api/save",
                        &format!(
                            r#"{{"name":"same","overrides":{{"power.pv.capacity_mw.2030":{}}}}}"#,
                            500 + i
                        ),
                    )
                    .status
                })
            })
            .collect();
        hs.into_iter().map(|h| h.join().unwrap()).collect()
    });
    assert_eq!(
        answers.iter().filter(|&&s| s == 201).count(),
        1,
        "{answers:?}"
    );
    assert!(answers.iter().all(|&s| s == 201 || s == 409), "{answers:?}");
    peakpath([
        "validate",
        "--lang",
        "en",
        &saves.join("same.toml").display().to_string(),
    ])
    .ok();
}

#[test]
fn a_bad_draws_target_is_refused_before_the_work() {
    let tmp = TempDir::new("draws-target");
    std::fs::create_dir(tmp.join("dir.npz")).unwrap();
    for (target, found) in [
        (tmp.arg("dir.npz"), "found the folder"),
        (tmp.arg("missing/d.npz"), "found no folder"),
    ] {
        let started = std::time::Instant::now();
        let out = peakpath([
            "run",
            "--runs",
            "200000",
            "--out",
            &tmp.arg("o"),
            "--no-charts",
            "--save-draws",
            &target,
        ])
        .expect_code(2);
        assert!(out.stderr.contains(found), "{}", out.stderr);
        assert!(
            started.elapsed().as_secs() < 60,
            "refused before the Monte Carlo"
        );
        assert!(!tmp.join("o/checkpoint.json").exists());
        assert!(!tmp.join("o/run.json").exists());
    }
}

#[test]
fn resume_with_draws_keeps_its_word() {
    let tmp = TempDir::new("resume-draws");
    // A checkpoint of runs drawn without --save-draws: their rows cannot be written.
    shard(&tmp.arg("s"), 1);
    std::fs::create_dir(tmp.join("r")).unwrap();
    std::fs::copy(tmp.join("s/shard.json"), tmp.join("r/checkpoint.json")).unwrap();
    let out = peakpath([
        "run",
        "--runs",
        "2000",
        "--shard",
        "1/2",
        "--out",
        &tmp.arg("r"),
        "--resume",
        "--no-charts",
        "--save-draws",
        &tmp.arg("d.npz"),
    ])
    .expect_code(2);
    assert!(
        out.stderr.contains("drawn without --save-draws"),
        "{}",
        out.stderr
    );
    assert!(!tmp.join("d.npz").exists());
    assert!(tmp.join("r/checkpoint.json").exists());
    // A finished run saved no draws: --resume --save-draws does not claim it wrote them.
    let run = |extra: &[&str]| {
        let mut a = vec![
            "run".to_string(),
            "--runs".into(),
            "200".into(),
            "--out".into(),
            tmp.arg("f"),
            "--no-charts".into(),
            "--lang".into(),
            "en".into(),
        ];
        a.extend(extra.iter().map(|s| s.to_string()));
        peakpath(a)
    };
    run(&[]).ok();
    let out = run(&["--resume", "--save-draws", &tmp.arg("f.npz")]).expect_code(2);
    assert!(!out.stderr.contains("draws written"), "{}", out.stderr);
    assert!(
        out.stderr.contains("draws were not saved"),
        "{}",
        out.stderr
    );
    assert!(!tmp.join("f.npz").exists());
    // A finished run that did save them: nothing to do, and it says the file is the old one.
    run(&["--force", "--save-draws", &tmp.arg("g.npz")]).ok();
    let out = run(&["--resume", "--save-draws", &tmp.arg("g.npz")]).ok();
    assert!(
        out.stderr.contains("written by the finished run"),
        "{}",
        out.stderr
    );
}

#[test]
fn a_finished_sensitivity_resumes_like_run() {
    let tmp = TempDir::new("sens-done");
    let args = |resume: bool| {
        let mut v: Vec<String> = [
            "sensitivity",
            "--method",
            "tornado",
            "--outcome",
            "peak_year",
            "--lang",
            "en",
        ]
        .map(String::from)
        .to_vec();
        v.push("--out".into());
        v.push(tmp.arg("s"));
        if resume {
            v.push("--resume".into());
        }
        v
    };
    peakpath(args(false)).ok();
    let out = peakpath(args(true)).expect_code(0);
    assert!(out.stderr.contains("already complete"), "{}", out.stderr);
}

#[cfg(unix)]
#[test]
fn compare_keeps_out_of_folders_that_are_not_its_own() {
    let tmp = TempDir::new("cmp-folders");
    let compare = |c: &str, force: bool| {
        let mut a = vec![
            "compare".to_string(),
            "scenarios/baseline.toml".into(),
            "scenarios/plan.toml".into(),
            "--runs".into(),
            "20".into(),
            "--out".into(),
            tmp.arg(c),
            "--no-charts".into(),
        ];
        if force {
            a.push("--force".into());
        }
        peakpath(a)
    };
    // Another run's results in C/plan: refused without --force, left as they were.
    peakpath([
        "run",
        "--central",
        "scenarios/plan.toml",
        "--out",
        &tmp.arg("c/plan"),
        "--no-charts",
    ])
    .ok();
    let before = read(tmp.join("c/plan/run.json"));
    let out = compare("c", false).expect_code(2);
    assert!(
        out.stderr.contains("c/plan") && out.stderr.contains("another run's results"),
        "{}",
        out.stderr
    );
    assert_eq!(read(tmp.join("c/plan/run.json")), before);
    // A run's unfinished checkpoint there: kept, refused too; with --force it is not left
    // beside the new results.
    std::fs::write(tmp.join("c/plan/checkpoint.json"), b"{}").unwrap();
    compare("c", false).expect_code(2);
    assert!(tmp.join("c/plan/checkpoint.json").exists());
    compare("c", true).ok();
    assert!(!tmp.join("c/plan/checkpoint.json").exists());
    // A folder locked by a run: refused.
    std::fs::create_dir_all(tmp.join("l/plan")).unwrap();
    let held = peakpath::output::DirLock::acquire(&tmp.join("l/plan")).unwrap();
    let out = compare("l", false).expect_code(2);
    assert!(
        out.stderr
            .contains("another peakpath command is writing into this folder"),
        "{}",
        out.stderr
    );
    drop(held);
    // A link planted at C/<id>: never followed, even with --force.
    std::fs::create_dir_all(tmp.join("victim")).unwrap();
    std::fs::create_dir_all(tmp.join("k")).unwrap();
    std::os::unix::fs::symlink(tmp.join("victim"), tmp.join("k/plan")).unwrap();
    let out = compare("k", true).expect_code(2);
    assert!(out.stderr.contains("symbolic link"), "{}", out.stderr);
    assert_eq!(std::fs::read_dir(tmp.join("victim")).unwrap().count(), 0);
}

#[test]
fn a_nested_extends_is_refused() {
    let tmp = TempDir::new("nested-extends");
    std::fs::write(
        tmp.join("s.toml"),
        "extends = \"x.toml\"\n\n[economy]\nextends = \"y.toml\"\n",
    )
    .unwrap();
    let f = tmp.arg("s.toml");
    let out = peakpath(["validate", "--lang", "en", &f]).expect_code(2);
    assert!(
        out.stderr.contains(&format!("{f}:4:1")) && out.stderr.contains("economy.extends"),
        "{}",
        out.stderr
    );
}

#[cfg(unix)]
#[test]
fn the_server_times_out_half_sent_requests_and_stops_in_bounded_time() {
    use std::io::{Read, Write};
    let tmp = TempDir::new("serve-timeouts");
    let mut srv = crate::util::Server::start(&[
        "--save-dir",
        &tmp.arg("s"),
        "--runs",
        "100",
        "--threads",
        "2",
    ]);
    // 413 is JSON like every other error.
    let big = format!("{{\"overrides\":{{\"x\":\"{}\"}}}}", "a".repeat(100_000));
    let r = srv.request("POST", "/api/run", &big);
    assert_eq!(r.status, 413, "{}", r.body);
    assert!(r.error().contains("at most"), "{}", r.body);
    // Half-sent headers: the server closes the connection after its header timeout.
    let mut half = std::net::TcpStream::connect(&srv.addr).unwrap();
    half.write_all(b"GET /api/scenario HTTP/1.1\r\nHost: ")
        .unwrap();
    half.set_read_timeout(Some(std::time::Duration::from_secs(30)))
        .unwrap();
    let started = std::time::Instant::now();
    let mut buf = [0u8; 64];
    let n = half.read(&mut buf).unwrap_or(0);
    let _ = n;
    assert!(
        started.elapsed().as_secs() < 25,
        "a half-sent request was not timed out"
    );
    // A half-sent body: 408, in JSON.
    let mut body = std::net::TcpStream::connect(&srv.addr).unwrap();
    body.write_all(
        format!(
            "POST /api/run HTTP/1.1\r\nHost: {}\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{{\"over",
            srv.addr
        )
        .as_bytes(),
    )
    .unwrap();
    body.set_read_timeout(Some(std::time::Duration::from_secs(30)))
        .unwrap();
    let mut raw = Vec::new();
    let _ = body.read_to_end(&mut raw);
    let text = String::from_utf8_lossy(&raw);
    assert!(text.starts_with("HTTP/1.1 408"), "{text}");
    assert!(text.contains("\"error\""), "{text}");
    // Everyone else is still answered.
    assert_eq!(srv.request("GET", "/api/scenario", "").status, 200);
    // A half-open connection does not keep a stopping server alive.
    let mut open = std::net::TcpStream::connect(&srv.addr).unwrap();
    open.write_all(b"POST /api/run HTTP/1.1\r\n").unwrap();
    std::process::Command::new("kill")
        .args(["-TERM", &srv.pid().to_string()])
        .status()
        .unwrap();
    assert_eq!(srv.wait_exit(20), Some(0), "{}", srv.log());
}

/// Answers that differ by front end (issue 23): Observations that reject every run are bad input for the server too (422, JSON, naming the
/// observation), as they are for `run` (exit 2), never a probability of 0.
#[test]
fn serve_refuses_a_run_whose_observations_reject_every_run() {
    let dir = crate::util::TempDir::new("serve-rejects");
    let file = dir.join("impossible.toml");
    std::fs::write(
        &file,
        format!(
            "extends = {:?}\n[observed.gdp]\n2021 = 1.0\ntolerance = 0.01\n",
            crate::util::root()
                .join("scenarios/plan.toml")
                .display()
                .to_string()
        ),
    )
    .unwrap();
    let srv = crate::util::Server::start(&[&file.display().to_string(), "--runs", "200"]);
    let r = srv.request(
        "POST",
        "/api/run",
        &serde_json::json!({ "overrides": {} }).to_string(),
    );
    assert_eq!(r.status, 422, "{}", r.body);
    let j = r.json();
    assert!(
        j["error"]
            .as_str()
            .is_some_and(|e| e.contains("observed.gdp.2021")),
        "{}",
        r.body
    );
}

// Links that change what they do not show (issue 23): a `set.KEY` the page cannot show as a
// changed lever or option is not applied and the page says so — tested in a real browser,
// `serve_browser::serve_in_a_real_browser` (the page's JavaScript decides it).
