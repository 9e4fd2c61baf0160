//! The central run of each shipped scenario against committed golden files, byte for byte.
//!
//! A model change that moves any number of any variable, year or indicator shows up here.
//! After a deliberate change, regenerate with
//!
//! ```sh
//! PEAKPATH_BLESS=1 cargo test --test cli golden
//! ```
//!
//! and review `git diff tests/golden` before committing.

use crate::util::{TempDir, bless, first_difference, peakpath, read, root};

const FILES: [&str; 2] = ["trajectories.csv", "indicators.csv"];

fn check(scenario: &str) {
    let out = TempDir::new(&format!("golden-{scenario}"));
    let file = format!("scenarios/{scenario}.toml");
    peakpath(["run", &file, "--central", "--out", &out.arg("")]).ok();
    let golden = root().join("tests/golden").join(scenario);
    for name in FILES {
        let got = read(out.join(name));
        let path = golden.join(name);
        if bless() {
            std::fs::create_dir_all(&golden).unwrap();
            std::fs::write(&path, &got).unwrap();
            continue;
        }
        let want = read(&path);
        assert!(
            got == want,
            "{scenario}: {name} differs from {} ({}); if the change is intended, rerun with PEAKPATH_BLESS=1",
            path.display(),
            first_difference(&want, &got)
        );
    }
}

#[test]
fn baseline_central_run_matches_golden_files() {
    check("baseline");
}

#[test]
fn plan_central_run_matches_golden_files() {
    check("plan");
}

#[test]
fn enhanced_central_run_matches_golden_files() {
    check("enhanced");
}

#[test]
fn embedded_plan_is_the_shipped_plan() {
    // `peakpath run` without a file uses the plan embedded in the binary: same numbers as
    // scenarios/plan.toml (only the scenario path in run.json differs).
    let a = TempDir::new("embedded");
    let b = TempDir::new("file");
    peakpath(["run", "--central", "--out", &a.arg("")]).ok();
    peakpath([
        "run",
        "scenarios/plan.toml",
        "--central",
        "--out",
        &b.arg(""),
    ])
    .ok();
    for name in FILES {
        crate::util::same_bytes(&a.join(name), &b.join(name));
    }
}
