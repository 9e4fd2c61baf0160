//! The central run of each shipped scenario against committed golden files, byte for byte,
//! and the v2 scenarios (kept in `tests/fixtures/v2/`) against their v2 golden files: every
//! v3 addition is neutral there, so v3 reproduces v2's central runs exactly (MODEL.md v3).
//!
//! A model change that moves any number of any variable, year or indicator shows up here.
//! After a deliberate change, regenerate with
//!
//! ```sh
//! PEAKPATH_BLESS=1 cargo test --test cli golden
//! ```
//!
//! and review `git diff tests/golden` before committing.

use crate::util::{TempDir, bless, first_difference, peakpath, read, read_string, root};

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

/// v3 with the v2 scenario files: every v2 row of `trajectories.csv` and every v2 column of
/// `indicators.csv` byte for byte; v3's own variables at their neutral values (no cap, no
/// projects, no process CO₂).
fn check_v2(scenario: &str) {
    let out = TempDir::new(&format!("golden-v2-{scenario}"));
    let file = format!("tests/fixtures/v2/{scenario}.toml");
    peakpath(["run", &file, "--central", "--out", &out.arg("")]).ok();
    let golden = root().join("tests/golden/v2").join(scenario);
    let want = read_string(golden.join("trajectories.csv"));
    let got = read_string(out.join("trajectories.csv"));
    let v2_vars: std::collections::BTreeSet<&str> = want
        .lines()
        .skip(1)
        .map(|l| l.split(',').nth(1).unwrap())
        .collect();
    let mut kept = Vec::new();
    let mut coal_t = std::collections::BTreeMap::new();
    for (i, l) in got.lines().enumerate() {
        let f: Vec<&str> = l.split(',').collect();
        if i == 0 || v2_vars.contains(f[1]) {
            kept.push(l);
        }
        if i == 0 {
            continue;
        }
        match f[1] {
            "coal_t" => {
                coal_t.insert(f[3].to_string(), f[4].to_string());
            }
            "coal_uncapped_t" => assert_eq!(
                coal_t[f[3]], f[4],
                "{scenario}: no cap, so coal_uncapped_t = coal_t ({l})"
            ),
            "cap_binding" | "co2_process" => assert_eq!(f[4], "0", "{scenario}: {l}"),
            v => assert!(
                v2_vars.contains(v),
                "{scenario}: a variable v2 did not have: {v}"
            ),
        }
    }
    let kept = kept.join("\n") + "\n";
    assert!(
        kept == want,
        "{scenario}: v3 with the v2 file differs from v2's trajectories.csv ({})",
        first_difference(want.as_bytes(), kept.as_bytes())
    );
    let rows = |t: &str| -> Vec<Vec<String>> {
        let mut r = csv::Reader::from_reader(t.as_bytes());
        let mut out = vec![r.headers().unwrap().iter().map(String::from).collect()];
        out.extend(
            r.records()
                .map(|x| x.unwrap().iter().map(String::from).collect()),
        );
        out
    };
    let want = rows(&read_string(golden.join("indicators.csv")));
    let got = rows(&read_string(out.join("indicators.csv")));
    let idx: Vec<usize> = want[0]
        .iter()
        .map(|c| got[0].iter().position(|h| h == c).expect(c))
        .collect();
    let projected: Vec<Vec<String>> = got
        .iter()
        .map(|r| idx.iter().map(|&i| r[i].clone()).collect())
        .collect();
    assert_eq!(projected, want, "{scenario}: indicators differ from v2");
}

#[test]
fn v2_baseline_central_run_is_v2s() {
    check_v2("baseline");
}

#[test]
fn v2_plan_central_run_is_v2s() {
    check_v2("plan");
}

#[test]
fn v2_enhanced_central_run_is_v2s() {
    check_v2("enhanced");
}

/// The enhanced scenario is at least as strong as the plan in every year of the central runs:
/// coal no higher, a non-fossil share no lower, energy CO₂ no higher (issue 21).
#[test]
fn enhanced_is_at_least_as_strong_as_the_plan_in_every_year() {
    let central = |s: &str| {
        let out = TempDir::new(&format!("strength-{s}"));
        let file = format!("scenarios/{s}.toml");
        peakpath(["run", &file, "--central", "--out", &out.arg("")]).ok();
        let text = read_string(out.join("trajectories.csv"));
        let mut m = std::collections::BTreeMap::new();
        for l in text.lines().skip(1) {
            let f: Vec<&str> = l.split(',').collect();
            m.insert(
                (f[1].to_string(), f[3].parse::<i32>().unwrap()),
                f[4].parse::<f64>().unwrap(),
            );
        }
        m
    };
    let (plan, enhanced) = (central("plan"), central("enhanced"));
    for y in 2020..=2035 {
        let at =
            |m: &std::collections::BTreeMap<(String, i32), f64>, v: &str| m[&(v.to_string(), y)];
        assert!(at(&enhanced, "coal_t") <= at(&plan, "coal_t"), "coal {y}");
        assert!(
            at(&enhanced, "nonfossil_share") >= at(&plan, "nonfossil_share"),
            "non-fossil share {y}"
        );
        assert!(at(&enhanced, "co2") <= at(&plan, "co2"), "energy CO2 {y}");
    }
}
