//! `peakpath validate` on broken and valid scenario files.
//!
//! Each `tests/fixtures/invalid/NAME.toml` has a sibling `NAME.err` with the exact lines
//! `peakpath validate tests/fixtures/invalid/NAME.toml` must print (run from the crate root),
//! and must exit with 2. Files in `tests/fixtures/valid/` must validate with exit 0.
//! `PEAKPATH_BLESS=1` rewrites the `.err` files: read every changed line before committing.

use std::path::PathBuf;

use crate::util::{bless, peakpath, read_string, root};

fn fixtures(dir: &str) -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = std::fs::read_dir(root().join("tests/fixtures").join(dir))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "toml"))
        .collect();
    v.sort();
    v
}

fn rel(p: &std::path::Path) -> String {
    p.strip_prefix(root()).unwrap().display().to_string()
}

#[test]
fn every_invalid_fixture_fails_with_its_expected_message() {
    let files = fixtures("invalid");
    // The cases the suite promises to cover; a renamed or lost fixture fails here.
    for name in [
        "unknown_field",
        "wrong_type",
        "triangular_min_above_mode",
        "normal_sd_not_positive",
        "unknown_distribution",
        "shares_not_summing_to_one",
        "milestone_outside_horizon",
        "milestones_out_of_order",
        "path_not_starting_2020",
        "periods_not_covering_horizon",
        "missing_required_field",
        "cycle_a",
        "cycle_b",
        "extends_missing_file",
        "empty",
        "comments_only",
        "binary_junk",
        "nan",
        "inf",
        "huge_number",
        "negative_capacity",
        "deeply_nested_arrays",
        "cut_in_half",
        "bad_grid_basis",
        "grassland_cover_zero",
        "industry_share_zero",
        "no_final_energy",
        "rates_beyond_range",
        "correlation_not_positive_definite",
        "correlation_unknown_parameter",
        "correlation_fixed_parameter",
        "correlation_of_one",
        "observed_unknown_variable",
        "observed_without_tolerance",
    ] {
        assert!(
            files.iter().any(|f| f.file_stem().unwrap() == name),
            "fixture {name}.toml is missing"
        );
    }
    let mut failures = Vec::new();
    for f in &files {
        let arg = rel(f);
        let out = peakpath(["validate", "--lang", "en", &arg]);
        let err_file = f.with_extension("err");
        if bless() {
            std::fs::write(&err_file, &out.stderr).unwrap();
        }
        let want = read_string(&err_file);
        if out.code != 2 || out.stderr != want || !out.stdout.is_empty() {
            failures.push(format!(
                "{arg}: exit {} (expected 2)\n--- expected stderr\n{want}--- got stderr\n{}--- stdout\n{}",
                out.code, out.stderr, out.stdout
            ));
        }
        // One line per problem, each `FILE:LINE:COL: …`.
        for line in out.stderr.lines() {
            let mut parts = line.splitn(4, ':');
            let (file, l, c) = (
                parts.next().unwrap_or(""),
                parts.next().unwrap_or(""),
                parts.next().unwrap_or(""),
            );
            if !file.ends_with(".toml") || l.parse::<u32>().is_err() || c.parse::<u32>().is_err() {
                failures.push(format!(
                    "{arg}: line not of the form FILE:LINE:COL: …: {line}"
                ));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

#[test]
fn valid_fixtures_and_shipped_scenarios_validate() {
    let mut files: Vec<String> = fixtures("valid").iter().map(|f| rel(f)).collect();
    files.extend(
        [
            "scenarios/baseline.toml",
            "scenarios/plan.toml",
            "scenarios/enhanced.toml",
        ]
        .map(String::from),
    );
    for f in &files {
        let out = peakpath(["validate", "--lang", "en", f]).ok();
        assert!(
            out.stderr.starts_with(&format!("{f}: ok (")),
            "{f}: {}",
            out.stderr
        );
    }
}

#[test]
fn valid_fixtures_run_to_finite_numbers() {
    // The valid fixtures include edge cases that once gave NaN or ∞ (over-delivered paths,
    // no fossil fuel, rates at the edges of their ranges, a 60-year horizon): their central
    // run must give a number for every variable and year, and every indicator value must be
    // finite or absent ("no value"), never NaN or inf.
    for name in ["over_delivery", "no_fossil_fuel", "extreme_rates"] {
        assert!(
            fixtures("valid")
                .iter()
                .any(|f| f.file_stem().unwrap() == name),
            "fixture {name}.toml is missing"
        );
    }
    for f in fixtures("valid") {
        let arg = rel(&f);
        let tmp = crate::util::TempDir::new("finite");
        peakpath(["run", &arg, "--central", "--out", &tmp.arg("out")]).ok();
        for row in crate::util::csv_rows(tmp.join("out/trajectories.csv")) {
            let v = &row["value"];
            assert!(
                v.parse::<f64>().is_ok_and(f64::is_finite),
                "{arg}: {} {} = {v:?}",
                row["variable"],
                row["year"]
            );
        }
        for row in crate::util::csv_rows(tmp.join("out/indicators.csv")) {
            let v = &row["value"];
            assert!(
                v.is_empty() || v.parse::<f64>().is_ok_and(f64::is_finite),
                "{arg}: indicator {} in {} = {v:?}",
                row["id"],
                row["year"]
            );
        }
    }
}

#[cfg(unix)]
#[test]
fn extending_a_device_is_refused_without_reading_it_all() {
    // /dev/zero reports a length of 0 and never ends: the read must stop at the size limit
    // (it used to allocate until the process died).
    let tmp = crate::util::TempDir::new("dev-zero");
    std::fs::write(tmp.join("a.toml"), "extends = \"/dev/zero\"\n").unwrap();
    let out = peakpath(["validate", "--lang", "en", &tmp.arg("a.toml")]).expect_code(2);
    assert!(
        out.stderr.contains(
            "1:11: extends: expected a readable scenario file at /dev/zero, found: expected a scenario file under 4 MiB, found more than 4194304 bytes"
        ),
        "{}",
        out.stderr
    );
}

#[test]
fn a_byte_order_mark_changes_nothing() {
    // bom.toml is the plan with a BOM and another id: same parameters, same numbers.
    let out = peakpath([
        "validate",
        "--lang",
        "en",
        "tests/fixtures/valid/bom.toml",
        "scenarios/plan.toml",
    ])
    .ok();
    let counts: Vec<&str> = out
        .stderr
        .lines()
        .map(|l| l.split_once(": ok").unwrap().1)
        .collect();
    assert_eq!(counts[0], counts[1], "{}", out.stderr);
}

#[test]
fn validate_reports_every_file_and_fails_if_any_is_bad() {
    let out = peakpath([
        "validate",
        "--lang",
        "en",
        "scenarios/plan.toml",
        "tests/fixtures/invalid/nan.toml",
        "tests/fixtures/invalid/empty.toml",
    ])
    .expect_code(2);
    let lines: Vec<&str> = out.stderr.lines().collect();
    assert!(
        lines[0].starts_with("scenarios/plan.toml: ok"),
        "{}",
        out.stderr
    );
    assert!(
        lines
            .iter()
            .any(|l| l.starts_with("tests/fixtures/invalid/nan.toml:4:12: economy.gdp_2020:")),
        "{}",
        out.stderr
    );
    assert!(
        lines
            .iter()
            .any(|l| l.starts_with("tests/fixtures/invalid/empty.toml:1:1:")),
        "{}",
        out.stderr
    );
}

#[test]
fn a_bad_scenario_stops_run_with_the_same_message() {
    let tmp = crate::util::TempDir::new("bad-run");
    let out = peakpath([
        "run",
        "tests/fixtures/invalid/negative_capacity.toml",
        "--lang",
        "en",
        "--central",
        "--out",
        &tmp.arg("out"),
    ])
    .expect_code(2);
    assert_eq!(
        out.stderr,
        read_string(root().join("tests/fixtures/invalid/negative_capacity.err"))
    );
    assert!(
        !tmp.join("out").exists(),
        "no output folder for a scenario that does not load"
    );
}
