//! Exit codes: 0 success, 2 bad input or usage, 1 anything else; and that a refused command
//! says why and touches nothing.

use crate::util::{TempDir, peakpath, read};

#[test]
fn usage_errors_exit_2() {
    for args in [
        vec![],
        vec!["frobnicate"],
        vec!["run", "--no-such-flag"],
        vec!["run", "--runs", "0"],
        vec!["run", "--runs", "many"],
        vec!["run", "--threads", "0"],
        vec!["indicators", "--lang", "fr"],
        vec!["validate"],
        vec!["merge", "--lang", "en", "somewhere"],
    ] {
        let out = peakpath(&args);
        assert_eq!(out.code, 2, "peakpath {args:?}: {}", out.stderr);
        assert!(!out.stderr.is_empty(), "peakpath {args:?} says nothing");
    }
}

#[test]
fn help_and_version_exit_0() {
    let out = peakpath(["--help"]).ok();
    assert!(out.stdout.contains("Usage"), "{}", out.stdout);
    let out = peakpath(["--version"]).ok();
    assert!(out.stdout.starts_with("peakpath "), "{}", out.stdout);
}

#[test]
fn bad_shard_specs_exit_2() {
    let tmp = TempDir::new("shard");
    for spec in ["0/3", "4/3", "1/0", "3", "a/b", "-1/3"] {
        let out = peakpath([
            "run",
            "--runs",
            "10",
            &format!("--shard={spec}"),
            "--out",
            &tmp.arg("o"),
        ]);
        assert_eq!(out.code, 2, "--shard {spec}: {}", out.stderr);
        assert!(
            out.stderr.contains("--shard"),
            "--shard {spec}: {}",
            out.stderr
        );
        assert!(!tmp.join("o/shard.json").exists());
    }
}

#[test]
fn missing_scenario_file_exits_2_and_names_it() {
    let tmp = TempDir::new("missing");
    let out = peakpath([
        "run",
        "no/such/scenario.toml",
        "--lang",
        "en",
        "--central",
        "--out",
        &tmp.arg("o"),
    ])
    .expect_code(2);
    assert_eq!(
        out.stderr.trim_end(),
        "no/such/scenario.toml:1:1: file not found"
    );
    peakpath(["resolve", "no/such/scenario.toml"]).expect_code(2);
    peakpath(["validate", "--lang", "en", "no/such/scenario.toml"]).expect_code(2);
    // A folder is not a scenario file.
    let out = peakpath(["validate", "--lang", "en", "scenarios"]).expect_code(2);
    assert!(
        out.stderr.contains("expected a file, found a directory"),
        "{}",
        out.stderr
    );
}

#[test]
fn output_folder_that_is_a_file_exits_2() {
    let tmp = TempDir::new("outfile");
    let file = tmp.join("results");
    std::fs::write(&file, b"not a folder").unwrap();
    let out = peakpath(["run", "--central", "--out", &tmp.arg("results")]).expect_code(2);
    assert!(
        out.stderr
            .contains("expected an output folder, found a file"),
        "{}",
        out.stderr
    );
    assert_eq!(read(&file), b"not a folder");
}

#[test]
fn existing_results_need_force() {
    let tmp = TempDir::new("force");
    let dir = tmp.arg("o");
    peakpath(["run", "--central", "--out", &dir]).ok();
    let before = read(tmp.join("o/trajectories.csv"));
    // Another scenario into the same folder: refused, files untouched.
    let out =
        peakpath(["run", "scenarios/baseline.toml", "--central", "--out", &dir]).expect_code(2);
    assert!(out.stderr.contains("--force"), "{}", out.stderr);
    assert!(out.stderr.contains("trajectories.csv"), "{}", out.stderr);
    assert_eq!(read(tmp.join("o/trajectories.csv")), before);
    // With --force it is overwritten.
    peakpath([
        "run",
        "scenarios/baseline.toml",
        "--central",
        "--out",
        &dir,
        "--force",
    ])
    .ok();
    assert_ne!(read(tmp.join("o/trajectories.csv")), before);
}

#[test]
fn merge_of_a_folder_without_a_shard_exits_2() {
    let tmp = TempDir::new("noshard");
    std::fs::create_dir_all(tmp.join("empty")).unwrap();
    let out = peakpath([
        "merge",
        "--lang",
        "en",
        &tmp.arg("empty"),
        "--out",
        &tmp.arg("m"),
    ])
    .expect_code(2);
    assert!(out.stderr.contains("shard.json"), "{}", out.stderr);
}

/// Negative and zero counts get a plain message (not clap's tip about `--`), exit 2.
#[test]
fn negative_numbers_say_expected_a_positive_integer() {
    for args in [
        vec!["run", "--runs", "-5"],
        vec!["compare", "a.toml", "b.toml", "--out", "x", "--runs", "-5"],
        vec!["run", "--threads", "-2"],
        vec![
            "discover",
            "--outcome",
            "peaked_by_2030",
            "--out",
            "x",
            "--runs",
            "-1",
        ],
        vec![
            "sensitivity",
            "--method",
            "morris",
            "--outcome",
            "co2:2030",
            "--samples",
            "-3",
        ],
    ] {
        let out = peakpath(&args).expect_code(2);
        assert!(
            out.stderr.contains("expected a positive integer"),
            "peakpath {args:?}: {}",
            out.stderr
        );
        assert!(!out.stderr.contains("tip:"), "{}", out.stderr);
    }
    let out = peakpath(["run", "--seed", "-1"]).expect_code(2);
    assert!(
        out.stderr.contains("expected a non-negative integer"),
        "{}",
        out.stderr
    );
}

/// Every `--help` text is whole: no description stops on a word that needs a continuation.
#[test]
fn every_help_text_is_whole() {
    let dangling = [
        "a", "an", "the", "and", "or", "of", "to", "for", "with", "in", "partial", "by", "from",
    ];
    for cmd in [
        "",
        "run",
        "merge",
        "validate",
        "resolve",
        "compare",
        "report",
        "decompose",
        "discover",
        "sensitivity",
        "indicators",
    ] {
        let args: Vec<&str> = [cmd, "--help"]
            .into_iter()
            .filter(|a| !a.is_empty())
            .collect();
        let out = peakpath(&args).ok();
        for line in out.stdout.lines() {
            let last = line
                .trim_end_matches(|c: char| c == '.' || c.is_whitespace())
                .rsplit(' ')
                .next()
                .unwrap_or("");
            assert!(
                !dangling.contains(&last.to_lowercase().as_str()),
                "peakpath {cmd} --help: a line stops mid-sentence: {line:?}"
            );
        }
    }
}

/// `--resume` on a finished run says so and exits 0 (nothing rewritten); on the finished
/// results of another run it stops with exit 2.
#[test]
fn resume_of_a_finished_run_says_already_complete() {
    let tmp = TempDir::new("resume-done");
    let out = tmp.arg("r");
    let args = [
        "run",
        "--runs",
        "200",
        "--seed",
        "3",
        "--no-charts",
        "--out",
        &out,
    ];
    peakpath(args).ok();
    let before = read(tmp.join("r/summary.csv"));
    let again = peakpath(args.iter().copied().chain(["--resume", "--lang", "en"])).ok();
    assert!(
        again.stderr.contains("already complete"),
        "{}",
        again.stderr
    );
    assert_eq!(read(tmp.join("r/summary.csv")), before);
    let other = peakpath([
        "run",
        "--runs",
        "300",
        "--seed",
        "3",
        "--no-charts",
        "--out",
        &out,
        "--resume",
    ])
    .expect_code(2);
    assert!(other.stderr.contains("another run"), "{}", other.stderr);
}
