//! Every command block of README.md runs as written.
//!
//! The blocks are parsed from README.md itself (not a copy). Each command runs with `sh`, in
//! order, in one temporary folder holding a copy of `scenarios/` and `examples/gonghe/`, with
//! a stand-in `peakpath` first on the `PATH`: a small script that runs the binary `cargo test` built, capping
//! `--runs` and `--samples` so that the test stays fast on CI (2 cores, debug build). Every
//! command must exit 0 and write the files its command writes.

use std::path::{Path, PathBuf};
use std::process::Command;

use crate::util::{TempDir, read_string, root};

/// One ```sh block: its first line number in README.md and its text.
struct Block {
    line: usize,
    text: String,
}

fn sh_blocks(readme: &str) -> Vec<Block> {
    let mut out = Vec::new();
    let mut cur: Option<Block> = None;
    for (i, l) in readme.lines().enumerate() {
        let t = l.trim();
        match &mut cur {
            None if t == "```sh" => {
                cur = Some(Block {
                    line: i + 2,
                    text: String::new(),
                })
            }
            None => {}
            Some(_) if t == "```" => out.extend(cur.take()),
            Some(b) => {
                b.text.push_str(l);
                b.text.push('\n');
            }
        }
    }
    assert!(cur.is_none(), "README.md: a ```sh block is not closed");
    out
}

/// The commands of a block: continuation lines joined, comments and blank lines dropped.
fn commands(block: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut acc = String::new();
    for l in block.lines() {
        let t = l.trim();
        if acc.is_empty() && (t.is_empty() || t.starts_with('#')) {
            continue;
        }
        if let Some(head) = t.strip_suffix('\\') {
            acc.push_str(head.trim_end());
            acc.push(' ');
        } else {
            acc.push_str(t);
            out.push(std::mem::take(&mut acc));
        }
    }
    assert!(acc.is_empty(), "a command ends with a continuation: {acc}");
    out
}

fn cap(var: &str, default: u64) -> u64 {
    std::env::var(var)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

/// The stand-in `peakpath`: the test build, with `--runs` and `--samples` capped.
fn stand_in(dir: &Path) -> PathBuf {
    let bin = dir.join("bin");
    std::fs::create_dir_all(&bin).unwrap();
    let script = format!(
        "#!/bin/sh\n\
         # README test: the debug build, with --runs and --samples capped\n\
         prev=\n\
         for a do\n\
         \x20 shift\n\
         \x20 case \"$prev\" in\n\
         \x20   --runs) [ \"$a\" -gt {runs} ] 2>/dev/null && a={runs} ;;\n\
         \x20   --samples) [ \"$a\" -gt {samples} ] 2>/dev/null && a={samples} ;;\n\
         \x20 esac\n\
         \x20 set -- \"$@\" \"$a\"\n\
         \x20 prev=$a\n\
         done\n\
         exec '{exe}' \"$@\"\n",
        runs = cap("README_TEST_MAX_RUNS", 2000),
        samples = cap("README_TEST_MAX_SAMPLES", 128),
        exe = env!("CARGO_BIN_EXE_peakpath"),
    );
    let p = bin.join("peakpath");
    std::fs::write(&p, script).unwrap();
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(&p, std::fs::Permissions::from_mode(0o755)).unwrap();
    bin
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap() {
        let e = e.unwrap();
        std::fs::copy(e.path(), to.join(e.file_name())).unwrap();
    }
}

/// Run `text` with sh in `cwd`, the stand-in first on the PATH.
fn sh(text: &str, cwd: &Path, bin: &Path, env: &[(&str, String)]) -> std::process::Output {
    let path = format!(
        "{}:{}",
        bin.display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let mut c = Command::new("sh");
    c.arg("-c").arg(text).current_dir(cwd).env("PATH", path);
    for (k, v) in env {
        c.env(k, v);
    }
    c.output().expect("start sh")
}

/// The value of `--flag` in a command's words.
fn flag<'a>(words: &[&'a str], name: &str) -> Option<&'a str> {
    words
        .iter()
        .position(|w| *w == name)
        .and_then(|i| words.get(i + 1).copied())
}

/// The files a `peakpath` command writes (relative to `cwd`), by what the README says each
/// command writes.
fn expected_files(words: &[&str], cwd: Option<&Path>) -> Vec<String> {
    let has = |f: &str| words.contains(&f);
    let sub = words.get(1).copied().unwrap_or("");
    // The first argument of `report` is its folder; the scenarios of `compare` end in .toml.
    let first_arg = words.get(2).copied().unwrap_or("");
    let tomls: Vec<&str> = words
        .iter()
        .copied()
        .filter(|w| w.ends_with(".toml"))
        .collect();
    let out = flag(words, "--out").map(str::to_string);
    let mut files: Vec<String> = Vec::new();
    let mut add = |dir: &str, names: &[&str]| {
        for n in names {
            files.push(format!("{dir}/{n}"));
        }
    };
    let charts = !has("--no-charts");
    match sub {
        "run" if flag(words, "--shard").is_some() => {
            add(out.as_deref().unwrap_or("outputs/plan"), &["shard.json"])
        }
        "run" | "merge" => {
            let d = out.unwrap_or_else(|| "outputs/plan".into());
            add(
                &d,
                &[
                    "run.json",
                    "trajectories.csv",
                    "indicators.csv",
                    "parameters.csv",
                ],
            );
            if !has("--central") {
                add(&d, &["summary.csv", "peak.csv"]);
            }
            if charts {
                add(&d, &["charts/fan_co2.svg", "charts/indicator_board.svg"]);
                if has("--png") {
                    add(&d, &["charts/fan_co2.png"]);
                }
            }
            if has("--report") {
                add(&d, &["report.html"]);
            }
            if let Some(f) = flag(words, "--save-draws") {
                add(".", &[f]);
            }
            if has("--xlsx") {
                add(&d, &["results.xlsx"]);
            }
        }
        "compare" => {
            let d = out.expect("compare has --out");
            add(
                &d,
                &["comparison.csv", "comparison_peak.csv", "parameters.md"],
            );
            if charts {
                add(&d, &["charts/fan_co2.svg"]);
                if has("--png") {
                    add(&d, &["charts/fan_co2.png"]);
                }
            }
            for s in &tomls {
                let id = Path::new(s).file_stem().unwrap().to_str().unwrap();
                add(&format!("{d}/{id}"), &["run.json", "summary.csv"]);
                if has("--xlsx") {
                    add(&format!("{d}/{id}"), &["results.xlsx"]);
                }
            }
            if has("--xlsx") {
                add(&d, &["results.xlsx"]);
            }
        }
        "report" => add(first_arg, &["report.html"]),
        "decompose" => add(
            &out.expect("decompose has --out"),
            &[
                "decomposition.csv",
                "decomposition.json",
                "decomposition.svg",
            ],
        ),
        "discover" => {
            // Always discover.json and the trajectory chart (which says so when the outcome
            // never fails); the box when there are failures to explain (discover.json says).
            let d = out.expect("discover has --out");
            add(&d, &["discover.json", "prim_trajectory.svg"]);
            if let Some(cwd) = cwd {
                let j: serde_json::Value =
                    serde_json::from_str(&read_string(cwd.join(&d).join("discover.json")))
                        .unwrap_or_default();
                if !j["box"].is_null() {
                    add(&d, &["prim_trajectory.csv", "prim_box.csv", "prim_box.svg"]);
                }
            }
        }
        "sensitivity" => {
            let d = out.expect("the README's sensitivity examples name --out");
            let method = flag(words, "--method").unwrap_or("");
            add(&d, &["sensitivity.json"]);
            for (i, w) in words.iter().enumerate() {
                if *w == "--outcome" {
                    let stem: String = words[i + 1]
                        .chars()
                        .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
                        .collect();
                    add(
                        &d,
                        &[
                            &format!("{method}_{stem}.csv"),
                            &format!("{method}_{stem}.svg"),
                        ],
                    );
                    if has("--png") {
                        add(&d, &[&format!("{method}_{stem}.png")]);
                    }
                }
            }
        }
        "wedges" => {
            let d = out.expect("wedges has --out");
            add(&d, &["wedges.csv", "wedges.json", "wedges_co2.svg"]);
            if has("--png") {
                add(&d, &["wedges_co2.png"]);
            }
        }
        "init" => add(
            first_arg,
            &[
                "plan.toml",
                "baseline.toml",
                "scenario.toml",
                "observed.toml",
            ],
        ),
        // Commands that print and write nothing.
        "validate" | "indicators" | "resolve" => {}
        other => panic!("README: a peakpath command this test does not know: {other}"),
    }
    files
}

#[test]
fn every_readme_command_block_runs() {
    let readme = read_string(root().join("README.md"));
    let blocks = sh_blocks(&readme);
    assert!(blocks.len() >= 6, "only {} ```sh blocks", blocks.len());
    // The quick start: two commands, the main job on the shipped plan scenario and the tests.
    let quick = commands(&blocks[0].text);
    assert_eq!(
        quick,
        [
            "cargo run --release -- run --out outputs/plan",
            "cargo test"
        ],
        "the quick start block"
    );
    let tmp = TempDir::new("readme");
    let cwd = tmp.join("work");
    copy_dir(&root().join("scenarios"), &cwd.join("scenarios"));
    // The second county's example (issue 22), run by its own block.
    copy_dir(
        &root().join("examples/gonghe"),
        &cwd.join("examples/gonghe"),
    );
    let bin = stand_in(&tmp.join("."));
    // The cluster scripts (```bash blocks) run on a real Slurm in tests/cli/cluster.rs.
    let mut ran = 0;
    let started = std::time::Instant::now();
    for b in &blocks {
        for cmd in commands(&b.text) {
            // `cargo run --release -- ARGS` is `peakpath ARGS` with the test's build.
            let cmd = match cmd.strip_prefix("cargo run --release -- ") {
                Some(args) => format!("peakpath {args}"),
                None => cmd,
            };
            let words: Vec<&str> = cmd.split_whitespace().collect();
            match words[0] {
                "cargo" => {
                    // The test binary is the build, and `cargo test` is what runs this test:
                    // neither is run again here.
                    assert!(
                        [
                            "cargo install --path .",
                            "cargo build --release",
                            "cargo test"
                        ]
                        .contains(&cmd.as_str()),
                        "README.md:{}: a cargo command this test does not know: {cmd}",
                        b.line
                    );
                    continue;
                }
                "peakpath" => {}
                other => panic!(
                    "README.md:{}: a command this test does not know: {other}",
                    b.line
                ),
            }
            let t = std::time::Instant::now();
            let o = sh(&cmd, &cwd, &bin, &[]);
            assert!(
                o.status.success(),
                "README.md:{}: `{cmd}` exited with {:?}:\n{}",
                b.line,
                o.status.code(),
                String::from_utf8_lossy(&o.stderr)
            );
            for f in expected_files(&words, Some(&cwd)) {
                let p = cwd.join(&f);
                assert!(
                    p.metadata().is_ok_and(|m| m.len() > 0),
                    "README.md:{}: `{cmd}` did not write {f}",
                    b.line
                );
                // The README names what it promises (sensitivity files by their pattern).
                let name = Path::new(&f).file_name().unwrap().to_str().unwrap();
                let sensitivity = ["tornado_", "morris_", "sobol_"]
                    .iter()
                    .any(|m| name.starts_with(m));
                assert!(
                    readme.contains(name)
                        || (sensitivity && readme.contains("`<method>_<outcome>.csv`"))
                        || f.contains("/charts/")
                        || name.ends_with(".png")
                        || name.ends_with(".svg"),
                    "README.md never mentions {f}"
                );
            }
            eprintln!(
                "README.md:{}: {cmd} ({:.1} s)",
                b.line,
                t.elapsed().as_secs_f64()
            );
            ran += 1;
        }
    }
    assert!(ran >= 12, "only {ran} README commands ran");
    eprintln!(
        "{ran} README commands in {:.1} s",
        started.elapsed().as_secs_f64()
    );
    // The quick start's run has the default size: 10,000 runs.
    let run: serde_json::Value =
        serde_json::from_str(&read_string(cwd.join("outputs/plan/run.json"))).unwrap();
    assert_eq!(run["monte_carlo"]["runs"], 10000);
}

#[test]
fn block_parsing_joins_continuations_and_drops_comments() {
    let b =
        sh_blocks("x\n```sh\n# c\npeakpath a \\\n    --b c\n\npeakpath d\n```\n```yaml\nno\n```\n");
    assert_eq!(b.len(), 1);
    assert_eq!(commands(&b[0].text), ["peakpath a --b c", "peakpath d"]);
    let f = expected_files(&["peakpath", "report", "outputs/x", "--lang", "en"], None);
    assert_eq!(f, ["outputs/x/report.html"]);
    let f = expected_files(
        &[
            "peakpath",
            "sensitivity",
            "--method",
            "sobol",
            "--outcome",
            "met:4:2025",
            "--out",
            "o",
        ],
        None,
    );
    assert_eq!(
        f,
        [
            "o/sensitivity.json",
            "o/sobol_met_4_2025.csv",
            "o/sobol_met_4_2025.svg"
        ]
    );
}
