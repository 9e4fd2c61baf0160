//! MODEL.md v2 as a user meets it: neutral settings give v1's numbers bit for bit, the
//! headline on standard output, "not peaked" never shown as a year, modelled and assumed
//! indicators marked, intervals on probabilities, the new distributions and warnings.

use crate::util::{TempDir, csv_rows, peakpath, read_string, root};

/// Panic with the first differing line (whole files are too long to print).
#[track_caller]
fn same_lines(got: &str, want: &str, what: &str) {
    if got == want {
        return;
    }
    let (g, w): (Vec<&str>, Vec<&str>) = (got.lines().collect(), want.lines().collect());
    let i = g
        .iter()
        .zip(&w)
        .position(|(a, b)| a != b)
        .unwrap_or(g.len().min(w.len()));
    panic!(
        "{what}: line {} differs ({} vs {} lines)\n v1: {}\n v2: {}",
        i + 1,
        w.len(),
        g.len(),
        w.get(i).unwrap_or(&""),
        g.get(i).unwrap_or(&"")
    );
}

/// v1's `trajectories.csv` and `indicators.csv` of a shipped scenario, kept in
/// `tests/golden/v1/` from before the v2 change.
fn v1(scenario: &str, name: &str) -> String {
    read_string(root().join("tests/golden/v1").join(scenario).join(name))
}

/// Rows of a CSV text, as vectors of fields.
fn rows(text: &str) -> Vec<Vec<String>> {
    let mut r = csv::Reader::from_reader(text.as_bytes());
    let mut out = vec![r.headers().unwrap().iter().map(String::from).collect()];
    out.extend(
        r.records()
            .map(|x| x.unwrap().iter().map(String::from).collect()),
    );
    out
}

/// The rows of `v2` (a v2 CSV) restricted to v1's columns, in v1's column order.
fn project(v2: &[Vec<String>], columns: &[String]) -> Vec<Vec<String>> {
    let idx: Vec<usize> = columns
        .iter()
        .map(|c| v2[0].iter().position(|h| h == c).expect(c))
        .collect();
    v2.iter()
        .map(|r| idx.iter().map(|&i| r[i].clone()).collect())
        .collect()
}

#[test]
fn neutral_v2_central_runs_equal_v1_bit_for_bit() {
    for s in ["baseline", "plan", "enhanced"] {
        let out = TempDir::new(&format!("neutral-{s}"));
        let file = format!("tests/fixtures/valid/neutral_{s}.toml");
        peakpath(["run", &file, "--central", "--out", &out.arg("o")]).ok();
        // Every v1 variable, year and value, byte for byte (v2 only adds variables).
        let want = v1(s, "trajectories.csv");
        let got = read_string(out.join("o/trajectories.csv"));
        let v1_vars: std::collections::BTreeSet<&str> = want
            .lines()
            .skip(1)
            .map(|l| l.split(',').nth(1).unwrap())
            .collect();
        let kept: Vec<&str> = got
            .lines()
            .enumerate()
            .filter(|(i, l)| *i == 0 || v1_vars.contains(l.split(',').nth(1).unwrap()))
            .map(|(_, l)| l)
            .collect();
        same_lines(
            &(kept.join("\n") + "\n"),
            &want,
            &format!("{s}: trajectories"),
        );
        // Indicators: every v1 column, value and verdict.
        let want = rows(&v1(s, "indicators.csv"));
        let got = rows(&read_string(out.join("o/indicators.csv")));
        assert_eq!(
            project(&got, &want[0]),
            want,
            "{s}: indicators differ from v1"
        );
    }
}

/// Rewrite the Monte Carlo files of `tests/golden/v1/plan/` in v1's layout from a neutral
/// v2 run (`PEAKPATH_BLESS=1`): v1's variables and indicator columns, v1's peak table (the
/// last year's row holding the runs that did not peak) and v1's `run.json` with its Monte
/// Carlo probability P(peaked by 2030) replaced.
fn bless_v1_monte_carlo(out: &std::path::Path, golden: &std::path::Path) {
    let summary = read_string(out.join("summary.csv"));
    let v1_vars: std::collections::BTreeSet<String> =
        read_string(golden.join("summary_seed7_3000.csv"))
            .lines()
            .skip(1)
            .map(|l| l.split(',').nth(1).unwrap().to_string())
            .collect();
    let kept: Vec<&str> = summary
        .lines()
        .enumerate()
        .filter(|(i, l)| *i == 0 || v1_vars.contains(l.split(',').nth(1).unwrap()))
        .map(|(_, l)| l)
        .collect();
    std::fs::write(
        golden.join("summary_seed7_3000.csv"),
        kept.join("\n") + "\n",
    )
    .unwrap();
    let columns = rows(&read_string(golden.join("indicators_seed7_3000.csv")))[0].clone();
    let projected = project(&rows(&read_string(out.join("indicators.csv"))), &columns);
    let mut w = csv::Writer::from_path(golden.join("indicators_seed7_3000.csv")).unwrap();
    for r in &projected {
        w.write_record(r).unwrap();
    }
    w.flush().unwrap();
    let p2 = csv_rows(out.join("peak.csv"));
    let mut peak = String::from("peak_year,probability\n");
    for (i, r) in p2.iter().enumerate().take(p2.len() - 1) {
        let p = if i == p2.len() - 2 {
            &p2[p2.len() - 1]["probability"]
        } else {
            &r["probability"]
        };
        peak.push_str(&format!("{},{p}\n", r["peak_year"]));
    }
    std::fs::write(golden.join("peak_seed7_3000.csv"), peak).unwrap();
    let path = golden.join("run_seed7_3000.json");
    let mut run1: serde_json::Value = serde_json::from_str(&read_string(&path)).unwrap();
    let run2: serde_json::Value = serde_json::from_str(&read_string(out.join("run.json"))).unwrap();
    // The only figure of v1's run.json the test compares.
    run1["monte_carlo"]["p_peaked_by_2030"] = run2["monte_carlo"]["p_peaked_by_2030"].clone();
    std::fs::write(&path, serde_json::to_string_pretty(&run1).unwrap() + "\n").unwrap();
}

#[test]
fn neutral_v2_monte_carlo_equals_v1() {
    // v1's plan at seed 7, 3000 runs (tests/golden/v1/plan/*_seed7_3000.*). These Monte Carlo
    // files were v1's own output under v1's sampler (PERT by Cheng's Beta); when the sampler
    // changed (PERT and truncated normals through inverse-CDF tables, MODEL.md §2) they were
    // rewritten from this neutral run with `PEAKPATH_BLESS=1`, after the same comparison had
    // passed against v1's files with the old sampler. The model's equality with v1 stays
    // pinned bit for bit by the central runs above.
    let out = TempDir::new("neutral-mc");
    peakpath([
        "run",
        "tests/fixtures/valid/neutral_plan.toml",
        "--runs",
        "3000",
        "--seed",
        "7",
        "--no-charts",
        "--out",
        &out.arg("o"),
    ])
    .ok();
    let golden = root().join("tests/golden/v1/plan");
    if crate::util::bless() {
        bless_v1_monte_carlo(&out.join("o"), &golden);
    }
    let want = read_string(golden.join("summary_seed7_3000.csv"));
    let got = read_string(out.join("o/summary.csv"));
    let v1_vars: std::collections::BTreeSet<&str> = want
        .lines()
        .skip(1)
        .map(|l| l.split(',').nth(1).unwrap())
        .collect();
    let kept: Vec<&str> = got
        .lines()
        .enumerate()
        .filter(|(i, l)| *i == 0 || v1_vars.contains(l.split(',').nth(1).unwrap()))
        .map(|(_, l)| l)
        .collect();
    same_lines(&(kept.join("\n") + "\n"), &want, "summary.csv");
    let want = rows(&read_string(golden.join("indicators_seed7_3000.csv")));
    let got = rows(&read_string(out.join("o/indicators.csv")));
    assert_eq!(
        project(&got, &want[0]),
        want,
        "indicators.csv differs from v1"
    );
    // P(peaked by 2030) is v1's; the peak distribution is v1's, except that v1's last-year
    // row ("peak 2035", i.e. still rising) is now the row "not peaked".
    let run1: serde_json::Value =
        serde_json::from_str(&read_string(golden.join("run_seed7_3000.json"))).unwrap();
    let run2: serde_json::Value =
        serde_json::from_str(&read_string(out.join("o/run.json"))).unwrap();
    assert_eq!(
        run1["monte_carlo"]["p_peaked_by_2030"],
        run2["monte_carlo"]["p_peaked_by_2030"]
    );
    let p1 = csv_rows(golden.join("peak_seed7_3000.csv"));
    let p2 = csv_rows(out.join("o/peak.csv"));
    assert_eq!(p2.len(), p1.len() + 1);
    for (a, b) in p1.iter().zip(&p2).take(p1.len() - 1) {
        // v3 names the base-year row for what it is (MODEL.md §7).
        let label = if a["peak_year"] == "2020" {
            "declining from 2020".to_string()
        } else {
            a["peak_year"].clone()
        };
        assert_eq!(
            (&label, &a["probability"]),
            (&b["peak_year"], &b["probability"])
        );
    }
    assert_eq!(
        p2[p1.len() - 1]["probability"],
        "0",
        "nobody peaks in the last year"
    );
    assert_eq!(p2[p1.len()]["peak_year"], "not peaked");
    assert_eq!(p2[p1.len()]["probability"], p1[p1.len() - 1]["probability"]);
}

#[test]
fn headline_goes_to_stdout_with_intervals_and_never_a_year_for_not_peaked() {
    let out = TempDir::new("headline");
    let r = peakpath([
        "run",
        "scenarios/baseline.toml",
        "--runs",
        "2000",
        "--no-charts",
        "--lang",
        "en",
        "--out",
        &out.arg("o"),
    ])
    .ok();
    // The answer is on stdout; where the files went is a note on stderr.
    assert!(r.stdout.contains("P(peaked by 2030) = "), "{}", r.stdout);
    assert!(
        r.stdout.contains("P(not peaked by 2035) = "),
        "{}",
        r.stdout
    );
    assert!(
        r.stdout.contains("P(rebound after peaking by 2030) = "),
        "{}",
        r.stdout
    );
    assert!(r.stdout.contains("assessed as fossil_only"), "{}", r.stdout);
    // v3: P(peaked by 2030) in its two parts; the joint probability including assumed
    // indicators is no headline (it stays in run.json and indicators.csv, labelled).
    assert!(r.stdout.contains("P(declining from 2020) "), "{}", r.stdout);
    assert!(
        !r.stdout.contains("including assumed indicators"),
        "{}",
        r.stdout
    );
    assert!(!r.stdout.contains("results in"));
    assert!(r.stderr.contains("results in"), "{}", r.stderr);
    // Every probability carries its interval: "x % (lo–hi %)".
    for line in r.stdout.lines().filter(|l| l.contains("P(")) {
        for part in line.split(" = ").skip(1) {
            assert!(part.contains(" % (") && part.contains("–"), "{line}");
        }
    }
    // The baseline's central run has not peaked by 2035: words, not "2035".
    assert!(
        r.stdout.contains("peak: not peaked by 2035"),
        "{}",
        r.stdout
    );
    let run: serde_json::Value =
        serde_json::from_str(&read_string(out.join("o/run.json"))).unwrap();
    assert_eq!(run["central"]["peak"]["year"], serde_json::Value::Null);
    assert_eq!(run["central"]["peak"]["not_peaked"], true);
    let t = &run["monte_carlo"]["targets"]["2025"];
    assert_eq!(t["assessment"], "fossil_only");
    let p = &t["all_modelled_binding"]["p_all_met"];
    let (pp, lo, hi) = (
        p["p"].as_f64().unwrap(),
        p["lo"].as_f64().unwrap(),
        p["hi"].as_f64().unwrap(),
    );
    assert!(lo <= pp && pp <= hi && hi > lo, "{p}");
    assert_eq!(
        t["all_modelled_binding"]["indicators"],
        serde_json::json!(["1", "2", "5", "14"])
    );
    // peak.csv: "not peaked" is a row of its own, with an interval on every row.
    let peak = csv_rows(out.join("o/peak.csv"));
    let last = peak.last().unwrap();
    assert_eq!(last["peak_year"], "not peaked");
    let np = run["monte_carlo"]["peak"]["p_not_peaked"]["p"]
        .as_f64()
        .unwrap();
    assert_eq!(last["probability"].parse::<f64>().unwrap(), np);
    for r in &peak {
        let lo: f64 = r["probability_lo"].parse().unwrap();
        let hi: f64 = r["probability_hi"].parse().unwrap();
        let p: f64 = r["probability"].parse().unwrap();
        assert!(lo <= p && p <= hi, "{r:?}");
    }
    let rows: f64 = peak
        .iter()
        .map(|r| r["probability"].parse::<f64>().unwrap())
        .sum();
    assert!((rows - 1.0).abs() < 1e-9, "the peak rows sum to {rows}");
}

#[test]
fn indicators_are_marked_modelled_or_assumed_with_their_assumption() {
    let out = TempDir::new("kinds");
    peakpath([
        "run",
        "scenarios/plan.toml",
        "--runs",
        "500",
        "--no-charts",
        "--out",
        &out.arg("o"),
    ])
    .ok();
    let rows = csv_rows(out.join("o/indicators.csv"));
    for r in &rows {
        let modelled = ["1", "2", "3", "5", "14"].contains(&r["id"].as_str());
        assert_eq!(
            r["kind"],
            if modelled { "modelled" } else { "assumed" },
            "{r:?}"
        );
        if !modelled && r["id"] != "15" && r["id"] != "24" {
            assert!(r["assumption"].contains(".delivery = "), "{r:?}");
        }
        if modelled {
            assert!(r["assumption"].is_empty());
        }
        if !r["p_met"].is_empty() {
            let p: f64 = r["p_met"].parse().unwrap();
            let lo: f64 = r["p_met_lo"].parse().unwrap();
            let hi: f64 = r["p_met_hi"].parse().unwrap();
            assert!(lo <= p && p <= hi, "{r:?}");
        }
    }
    let forest = rows.iter().find(|r| r["id"] == "16").unwrap();
    assert_eq!(
        forest["assumption"],
        "sinks.forest_cover.delivery = pert(0.6, 0.95, 1.1)"
    );
    let i1: Vec<_> = rows.iter().filter(|r| r["id"] == "1").collect();
    assert_eq!(i1[0]["assessment"], "fossil_only");
    assert_eq!(i1[1]["assessment"], "fossil_only");
    assert!(
        rows.iter()
            .filter(|r| r["id"] == "2")
            .all(|r| r["assessment"].is_empty())
    );
    // The indicator table says it too.
    let t = peakpath(["indicators", "--lang", "en"]).ok().stdout;
    assert!(t.lines().next().unwrap().ends_with("modelled/assumed"));
    assert!(
        t.lines()
            .any(|l| l.starts_with("16\t") && l.ends_with("\tassumed"))
    );
    assert!(
        t.lines()
            .any(|l| l.starts_with("5\t") && l.ends_with("\tmodelled"))
    );
}

#[test]
fn lognormal_and_untruncated_normal_on_real_fields() {
    let out = TempDir::new("unbounded");
    let f = "tests/fixtures/valid/unbounded_dists.toml";
    peakpath(["validate", "--lang", "en", f]).ok();
    peakpath([
        "run",
        f,
        "--runs",
        "3000",
        "--no-charts",
        "--out",
        &out.arg("o"),
    ])
    .ok();
    let params = csv_rows(out.join("o/parameters.csv"));
    let get = |p: &str| params.iter().find(|r| r["parameter"] == p).unwrap().clone();
    let g = get("economy.growth.2025");
    assert_eq!(
        (g["distribution"].as_str(), g["median"].as_str()),
        ("normal(0.042, 0.008)", "0.042")
    );
    let s = get("sinks.forest_rate");
    assert_eq!(
        (s["distribution"].as_str(), s["median"].as_str()),
        ("lognormal(1.5, 0.4)", "1.5")
    );
    // The sink spreads as a lognormal does: the forest sink's p95/p50 over p50/p5 is about
    // 1 (equal log-distances, exp(1.645·0.4) both ways), unlike a symmetric distribution.
    let summary = csv_rows(out.join("o/summary.csv"));
    let row = summary
        .iter()
        .find(|r| r["variable"] == "sink_forest" && r["year"] == "2020")
        .unwrap();
    let q = |k: &str| row[k].parse::<f64>().unwrap();
    let (up, down) = (q("p95") / q("p50"), q("p50") / q("p5"));
    assert!((up / down - 1.0).abs() < 0.08, "{up} vs {down}");
    assert!((up - (1.645f64 * 0.4).exp()).abs() < 0.1, "{up}");
    // Too wide for the field: refused, saying how much falls outside.
    let e = peakpath([
        "validate",
        "--lang",
        "en",
        "tests/fixtures/invalid/normal_too_wide.toml",
    ])
    .expect_code(2);
    assert!(
        e.stderr.contains("5.5 % of its draws outside"),
        "{}",
        e.stderr
    );
}

#[test]
fn plausibility_warnings_name_file_and_line_and_never_stop_a_run() {
    let f = "tests/fixtures/valid/plausibility.toml";
    let v = peakpath(["validate", "--lang", "en", f]).ok();
    let warnings: Vec<&str> = v
        .stderr
        .lines()
        .filter(|l| l.contains("warning:"))
        .collect();
    assert_eq!(warnings.len(), 4, "{}", v.stderr);
    assert!(warnings[0].starts_with(&format!(
        "{f}:5:19: economy.growth.2025: warning: a growth rate above 0.2"
    )));
    assert!(warnings[1].starts_with(&format!(
        "{f}:8:70: demand.buildings.efficiency_gain.2030: warning: an efficiency gain above 0.1"
    )));
    assert!(warnings[2].starts_with(&format!(
        "{f}:11:15: indicators.2.target_2030: warning: indicator 2 is in %"
    )));
    assert!(warnings[2].contains("write 17 for 17 %"));
    assert!(warnings[3].contains("write 7 for 7 %"), "{}", warnings[3]);
    let out = TempDir::new("plausible");
    let r = peakpath([
        "run",
        f,
        "--lang",
        "en",
        "--central",
        "--no-charts",
        "--out",
        &out.arg("o"),
    ])
    .ok();
    assert_eq!(r.stderr.matches("warning:").count(), 4, "{}", r.stderr);
    // The shipped scenarios give none.
    for s in ["baseline", "plan", "enhanced"] {
        let v = peakpath(["validate", "--lang", "en", &format!("scenarios/{s}.toml")]).ok();
        assert!(!v.stderr.contains("warning"), "{}", v.stderr);
    }
}
