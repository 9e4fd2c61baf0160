//! A second county, end to end (issue 22): `examples/gonghe/` — its own plan file (ids `GH-1` …
//! `GH-8`), base year 2022, target years 2025, 2030 and 2035, a coal cap, a project, a check and
//! an observation — validated, run, compared with Huzhu's plan, reported in both languages,
//! served, listed and analysed, with nothing of Huzhu in what it writes.

use crate::util::{Server, TempDir, csv_rows, peakpath, read_string};

const DIR: &str = "examples/gonghe";
const PLAN: &str = "examples/gonghe/plan-scenario.toml";
const YEARS: [i64; 3] = [2025, 2030, 2035];
const IDS: [&str; 8] = [
    "GH-1", "GH-2", "GH-3", "GH-4", "GH-5", "GH-6", "GH-7", "GH-8",
];

/// Words of Huzhu's plan that must not reach another county's outputs: the county's name, an
/// indicator only Huzhu has, and its notes' figures and words.
const HUZHU: [&str; 8] = [
    "互助",
    "Huzhu",
    "青稞",
    "Highland barley",
    "118.74",
    "13.81",
    "附件第12行",
    "annex row 12",
];

fn assert_no_huzhu(what: &str, text: &str) {
    for w in HUZHU {
        assert!(!text.contains(w), "{what} mentions Huzhu's {w:?}");
    }
}

#[test]
fn every_file_of_the_example_validates() {
    for f in ["baseline.toml", "plan-scenario.toml", "observed.toml"] {
        let out = peakpath(["validate", &format!("{DIR}/{f}"), "--lang", "en"]).ok();
        let said = format!("{}{}", out.stdout, out.stderr);
        assert!(said.contains(": ok ("), "{f}: {said}");
        assert!(!said.contains("warning"), "{f}: {said}");
    }
}

#[test]
fn a_run_judges_the_countys_own_indicators_at_its_own_target_years() {
    let tmp = TempDir::new("county-run");
    let out = peakpath([
        "run",
        PLAN,
        "--runs",
        "2000",
        "--no-charts",
        "--out",
        &tmp.arg("o"),
    ])
    .ok();
    assert!(
        out.stdout.contains("(2022, 2025, 2030, 2035)"),
        "{}",
        out.stdout
    );
    assert!(out.stdout.contains("2035年目标"), "{}", out.stdout);
    assert_no_huzhu("the terminal", &out.stdout);

    let rows = csv_rows(tmp.join("o/indicators.csv"));
    let mut ids: Vec<&str> = rows.iter().map(|r| r["id"].as_str()).collect();
    ids.dedup();
    assert_eq!(ids, IDS, "the plan's indicators, in its order");
    for id in IDS {
        let years: Vec<i64> = rows
            .iter()
            .filter(|r| r["id"] == id)
            .map(|r| r["year"].parse().unwrap())
            .collect();
        assert_eq!(years, YEARS, "{id}");
    }
    let row = |id: &str, y: &str| {
        rows.iter()
            .find(|r| r["id"] == id && r["year"] == y)
            .unwrap()
    };
    // The 2021–25 decline begins before the base year: the plan gives it no number.
    assert_eq!(row("GH-2", "2025")["met"], "no target");
    // The scenario's own targets by the plan's ids, at the extra target year too.
    assert_eq!(row("GH-2", "2035")["target"], "17");
    assert_eq!(row("GH-1", "2030")["target"], "13.5");
    assert_eq!(row("GH-3", "2035")["target"], "60");
    assert_eq!(row("GH-8", "2035")["kind"], "assumed");
    assert!(row("GH-3", "2035")["p_met"].parse::<f64>().is_ok());

    let run: serde_json::Value =
        serde_json::from_str(&read_string(tmp.join("o/run.json"))).unwrap();
    assert_eq!(run["plan"]["id"], "gonghe-example");
    assert_eq!(run["plan"]["target_years"], serde_json::json!(YEARS));
    assert_eq!(run["plan"]["notes"].as_array().unwrap().len(), 3);
    let targets = run["monte_carlo"]["targets"].as_object().unwrap();
    let keys: Vec<&str> = targets.keys().map(String::as_str).collect();
    assert_eq!(keys, ["2025", "2030", "2035"]);
    for y in ["2025", "2030", "2035"] {
        let p = &targets[y]["all_modelled_binding"]["p_all_met"]["p"];
        assert!(p.as_f64().is_some(), "{y}: {}", targets[y]);
    }
    // The check the scenario states, compared with the runs.
    assert!(
        run.to_string().contains("gen_pv"),
        "run.json reports the check"
    );
    assert_no_huzhu("run.json", &run.to_string());
}

#[test]
fn the_review_keeps_the_runs_that_match_the_published_pv() {
    let tmp = TempDir::new("county-review");
    let out = peakpath([
        "run",
        &format!("{DIR}/observed.toml"),
        "--runs",
        "1000",
        "--no-charts",
        "--out",
        &tmp.arg("o"),
        "--lang",
        "en",
    ])
    .ok();
    assert!(out.stdout.contains("gonghe-review"), "{}", out.stdout);
    let run: serde_json::Value =
        serde_json::from_str(&read_string(tmp.join("o/run.json"))).unwrap();
    let kept = run["monte_carlo"]["runs"].as_u64().unwrap();
    assert!(kept > 0 && kept < 1000, "{kept} runs kept of 1000");
}

#[test]
fn compare_with_huzhus_plan() {
    let tmp = TempDir::new("county-compare");
    peakpath([
        "compare",
        PLAN,
        "scenarios/plan.toml",
        "--runs",
        "1000",
        "--no-charts",
        "--out",
        &tmp.arg("c"),
    ])
    .ok();
    let rows = csv_rows(tmp.join("c/comparison.csv"));
    let has = |s: &str, id: &str, y: &str| {
        rows.iter()
            .any(|r| r["scenario"] == s && r["indicator"] == id && r["year"] == y)
    };
    // Each scenario is judged against its own plan, at its own target years.
    assert!(has("gonghe-plan", "GH-3", "2035"));
    assert!(has("plan", "13", "2025"));
    assert!(!has("gonghe-plan", "13", "2025"));
    assert!(!has("plan", "GH-3", "2030"));
    // Huzhu's indicators stop at its last target year, 2030.
    assert!(
        !rows
            .iter()
            .any(|r| r["scenario"] == "plan" && r["indicator"] == "5" && r["year"] == "2035")
    );
    for lang in ["zh", "en"] {
        peakpath(["report", &tmp.arg("c"), "--lang", lang]).ok();
        let html = read_string(tmp.join("c/report.html"));
        assert!(html.contains("GH-8"), "{lang}");
    }
}

#[test]
fn the_report_speaks_of_the_county_in_both_languages() {
    let tmp = TempDir::new("county-report");
    peakpath([
        "run",
        PLAN,
        "--runs",
        "1000",
        "--out",
        &tmp.arg("o"),
        "--report",
        "--lang",
        "zh",
    ])
    .ok();
    let zh = read_string(tmp.join("o/report.html"));
    for w in [
        "共和县规划情景",
        "光伏园区植被覆盖度",
        "草原综合植被盖度",
        "龙羊峡",
        "GH-8",
        "2035",
    ] {
        assert!(zh.contains(w), "the Chinese report lacks {w:?}");
    }
    assert_no_huzhu("the Chinese report", &zh);

    peakpath(["report", &tmp.arg("o"), "--lang", "en"]).ok();
    let en = read_string(tmp.join("o/report.html"));
    for w in [
        "Gonghe plan",
        "Vegetation cover inside the PV park",
        "Grassland vegetation cover",
        "Longyangxia",
        "GH-8",
        "2035",
    ] {
        assert!(en.contains(w), "the English report lacks {w:?}");
    }
    assert_no_huzhu("the English report", &en);
    // Nothing says 2020 where the base year is 2022: money in 2022 prices, the fans' base
    // point named 2022, the central line from 2022 (issue 22, item 4).
    let traj = read_string(tmp.join("o/trajectories.csv"));
    assert!(
        traj.contains("gdp,亿元 (2022 prices),2022,"),
        "GDP in base-year prices"
    );
    assert!(!traj.contains("2020"), "trajectories.csv names 2020");
    let fan = read_string(tmp.join("o/charts/fan_gdp.svg"));
    assert!(
        fan.contains("2022 基数") && fan.contains("2022年价"),
        "zh GDP fan"
    );
    for (what, text) in [("zh", &zh), ("en", &en)] {
        assert!(
            !text.contains("2020 prices")
                && !text.contains("2020年价")
                && !text.contains("2020 基数")
                && !text.contains("2020 base"),
            "the {what} report speaks of 2020"
        );
    }
    assert!(en.contains("2022 prices"), "en: GDP in 2022 prices");
}

#[test]
fn the_indicator_table_lists_the_extra_target_year() {
    let out = peakpath(["indicators", PLAN, "--lang", "en"]).ok();
    let head = out.stdout.lines().next().unwrap();
    for col in ["2022", "2025", "2030", "2035"] {
        assert!(head.contains(col), "{head}");
    }
    for id in IDS {
        assert!(out.stdout.contains(id), "{id}: {}", out.stdout);
    }
    assert_no_huzhu("peakpath indicators", &out.stdout);
}

#[test]
fn sensitivity_of_a_target_at_the_extra_year() {
    let tmp = TempDir::new("county-sens");
    let out = peakpath([
        "sensitivity",
        PLAN,
        "--method",
        "tornado",
        "--outcome",
        "met:GH-3:2035",
        "--outcome",
        "co2:2035",
        "--out",
        &tmp.arg("s"),
        "--lang",
        "en",
    ])
    .ok();
    let said = format!("{}{}", out.stdout, out.stderr);
    assert!(said.contains("met:GH-3:2035"), "{said}");
    assert!(tmp.join("s/tornado_met_GH_3_2035.csv").exists());
    assert!(tmp.join("s/tornado_co2_2035.csv").exists());
    // A year the plan does not target is refused, saying so.
    let bad = peakpath([
        "sensitivity",
        PLAN,
        "--method",
        "tornado",
        "--outcome",
        "met:GH-3:2027",
        "--out",
        &tmp.arg("bad"),
    ])
    .expect_code(2);
    assert!(bad.stderr.contains("2027"), "{}", bad.stderr);
}

#[test]
fn serve_answers_for_the_countys_scenario() {
    let srv = Server::start(&[PLAN, "--runs", "500", "--threads", "2"]);
    let sc = srv.request("GET", "/api/scenario", "").json();
    assert_eq!(sc["scenario"]["scenario"]["id"], "gonghe-plan");
    assert!(
        sc["levers"]
            .as_array()
            .unwrap()
            .iter()
            .any(|l| l["path"] == "power.pv.capacity_mw.2035")
    );
    let r = srv.request("POST", "/api/run", "{}");
    assert_eq!(r.status, 200, "{}", r.body);
    let r = r.json();
    let years: Vec<i64> = r["headlines"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| h["year"].as_i64().unwrap())
        .collect();
    assert_eq!(years, YEARS);
    let ind = r["indicators"].as_array().unwrap();
    assert!(ind.iter().any(|i| i["id"] == "GH-8" && i["year"] == 2035));
    assert!(!ind.iter().any(|i| i["id"] == "13"));
    assert_no_huzhu("the served run", &r.to_string());
}
