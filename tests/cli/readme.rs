//! The README's quick start works as written.

use crate::util::{TempDir, peakpath, read_string, root};

/// The lines of the first ```sh block after the "Quick start" heading.
fn quick_start() -> Vec<String> {
    let text = read_string(root().join("README.md"));
    let mut lines = text.lines();
    lines
        .by_ref()
        .find(|l| {
            l.starts_with('#')
                && l.trim_start_matches('#')
                    .trim()
                    .eq_ignore_ascii_case("quick start")
        })
        .expect("README.md has a \"Quick start\" heading");
    lines
        .by_ref()
        .find(|l| l.trim() == "```sh")
        .expect("a ```sh block after \"Quick start\"");
    lines
        .take_while(|l| l.trim() != "```")
        .map(|l| l.trim().to_string())
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .collect()
}

#[test]
fn readme_quick_start_runs() {
    let cmds = quick_start();
    assert_eq!(
        cmds,
        [
            "cargo run --release -- run --out outputs/plan",
            "cargo test"
        ],
        "the quick start block"
    );
    // The first command, with the built binary and a temporary output folder.
    let args: Vec<&str> = cmds[0]
        .strip_prefix("cargo run --release -- ")
        .unwrap()
        .split_whitespace()
        .collect();
    let tmp = TempDir::new("readme");
    let out_dir = tmp.arg("plan");
    let args: Vec<&str> = args
        .iter()
        .enumerate()
        .map(|(i, a)| {
            if i > 0 && args[i - 1] == "--out" {
                out_dir.as_str()
            } else {
                a
            }
        })
        .collect();
    assert!(
        args.contains(&out_dir.as_str()),
        "the command names an --out folder: {args:?}"
    );
    let out = peakpath(&args).ok();
    for f in [
        "run.json",
        "trajectories.csv",
        "indicators.csv",
        "summary.csv",
        "peak.csv",
    ] {
        let p = tmp.join("plan").join(f);
        assert!(
            p.metadata().is_ok_and(|m| m.len() > 0),
            "{} missing or empty",
            p.display()
        );
    }
    // A Monte Carlo run of the default size, reported on the terminal.
    assert!(out.stderr.contains("10000 runs in"), "{}", out.stderr);
    let run: serde_json::Value =
        serde_json::from_str(&read_string(tmp.join("plan/run.json"))).unwrap();
    assert_eq!(run["monte_carlo"]["runs"], 10000);
    assert_eq!(
        run["model_options"]["grid_emission_factor_basis"],
        "provincial"
    );
}
