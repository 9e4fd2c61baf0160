//! A county's plan as a file (issue 22): the indicator table, its notes and the scenario's
//! `plan = "…"`.

use crate::util::{TempDir, csv_rows, peakpath, read, read_string, root};

/// The shipped scenarios set targets and paths of Huzhu's ids, which another plan lacks: a
/// scenario on another plan writes its own `[indicators.*]` (and actions over them). Copies of
/// the baseline and plan scenarios without either, as `baseline.toml` and `parent.toml`.
fn parents_without_huzhu_ids(tmp: &TempDir) {
    let strip = |name: &str| -> String {
        let text = read_string(root().join("scenarios").join(name));
        text.split("\n[")
            .filter(|t| !t.starts_with("indicators.") && !t.starts_with("actions."))
            .collect::<Vec<_>>()
            .join("\n[")
    };
    std::fs::write(tmp.join("baseline.toml"), strip("baseline.toml")).unwrap();
    std::fs::write(tmp.join("parent.toml"), strip("plan.toml")).unwrap();
}

/// A scenario that names the embedded plan's own file gives the same bytes as one that names
/// none: the table moved out of the code unchanged.
#[test]
fn naming_the_huzhu_plan_file_changes_nothing() {
    let tmp = TempDir::new("plan-same");
    let plans = root().join("plans/huzhu-2023.toml");
    let scen = tmp.join("s.toml");
    std::fs::write(
        &scen,
        format!(
            "extends = {:?}\nplan = {:?}\n",
            root().join("scenarios/plan.toml").display().to_string(),
            plans.display().to_string()
        ),
    )
    .unwrap();
    peakpath([
        "run",
        "scenarios/plan.toml",
        "--central",
        "--out",
        &tmp.arg("a"),
    ])
    .ok();
    peakpath([
        "run",
        &scen.display().to_string(),
        "--central",
        "--out",
        &tmp.arg("b"),
    ])
    .ok();
    for f in ["trajectories.csv", "indicators.csv"] {
        assert!(
            read(tmp.join("a").join(f)) == read(tmp.join("b").join(f)),
            "{f}"
        );
    }
    let run: serde_json::Value =
        serde_json::from_str(&read_string(tmp.join("b/run.json"))).unwrap();
    assert_eq!(run["plan"]["id"], "huzhu-2023");
    assert_eq!(run["plan"]["notes"].as_array().unwrap().len(), 5);
}

/// A plan of its own: other ids, names and notes; its indicators are the ones judged, and the
/// scenario sets targets by the plan's ids.
#[test]
fn a_plan_of_its_own_is_what_the_run_judges() {
    let tmp = TempDir::new("plan-own");
    let plan = r#"
[plan]
id = "test-county"
name_zh = "测试县碳达峰实施方案"
name_en = "Test county carbon-peak plan"
target_years = [2025, 2030]

[[indicators]]
id = "E1"
category_zh = "综合"
category_en = "Overall"
name_zh = "单位GDP二氧化碳排放下降"
name_en = "CO2 intensity decline"
unit = "%"
base_text = "--"
targets = { 2025 = { value = 10.0, text = "10" }, 2030 = { text = "待定" } }
direction = "at_least"
binding = true
lead = "县发改局"
evaluate = "decline:co2_intensity"
kind = "modelled"

[[indicators]]
id = "coal-cap"
category_zh = "能源"
category_en = "Energy"
name_zh = "煤炭消费量"
name_en = "Coal use"
unit = "万t"
base_text = "23.92"
base = 23.92
targets = { 2025 = { value = 30.0, text = "30" }, 2030 = { value = 30.0, text = "30" } }
direction = "at_most"
binding = false
lead = "县住建局"
evaluate = "level:coal_t"
kind = "modelled"

[[notes]]
zh = "测试用的说明"
en = "A note for the test"
"#;
    std::fs::write(tmp.join("plan.toml"), plan).unwrap();
    parents_without_huzhu_ids(&tmp);
    std::fs::write(
        tmp.join("s.toml"),
        "extends = \"parent.toml\"\nplan = \"plan.toml\"\n[indicators.E1]\ntarget_2030 = 15\n",
    )
    .unwrap();
    let s = tmp.arg("s.toml");
    peakpath(["validate", "--lang", "en", &s]).ok();
    peakpath([
        "run",
        &s,
        "--runs",
        "500",
        "--no-charts",
        "--out",
        &tmp.arg("o"),
    ])
    .ok();
    let rows = csv_rows(tmp.join("o/indicators.csv"));
    let ids: Vec<&str> = rows.iter().map(|r| r["id"].as_str()).collect();
    assert_eq!(ids, ["E1", "E1", "coal-cap", "coal-cap"]);
    let e1_2030 = rows
        .iter()
        .find(|r| r["id"] == "E1" && r["year"] == "2030")
        .unwrap();
    assert_eq!(e1_2030["target"], "15");
    let run: serde_json::Value =
        serde_json::from_str(&read_string(tmp.join("o/run.json"))).unwrap();
    assert_eq!(run["plan"]["id"], "test-county");
    assert_eq!(
        run["monte_carlo"]["targets"]["2025"]["all_modelled_binding"]["indicators"],
        serde_json::json!(["E1"])
    );
    // The report lists this plan's notes, not Huzhu's.
    peakpath([
        "run",
        &s,
        "--runs",
        "200",
        "--report",
        "--lang",
        "en",
        "--out",
        &tmp.arg("r"),
    ])
    .ok();
    let html = read_string(tmp.join("r/report.html"));
    assert!(html.contains("A note for the test"));
    // The charts draw this plan's targets by how it evaluates them (`coal-cap` is
    // level:coal_t, at most 30), not by Huzhu's ids.
    let coal = read_string(tmp.join("r/charts/fan_coal_t.svg"));
    assert!(
        coal.contains("≤ 30"),
        "the coal chart draws coal-cap's ceiling"
    );
    assert!(!coal.contains("23.92"), "no Huzhu target on it");
    assert!(
        !html.contains("annex row 12"),
        "Huzhu's inconsistencies are not this plan's"
    );
    // `indicators SCENARIO` lists the scenario's plan.
    let t = peakpath(["indicators", &s, "--lang", "en"]).ok();
    assert!(
        t.stdout.contains("coal-cap") && !t.stdout.contains("Farmland"),
        "{}",
        t.stdout
    );
}

/// Target years come from the plan (issue 22): a third target year, 2035, is judged like
/// the others — declines from the year five years before, the rule of its own year or of the
/// latest earlier one, a headline of its own — and a year the plan does not have is refused.
#[test]
fn a_plan_with_a_third_target_year_is_judged_in_every_year() {
    let tmp = TempDir::new("plan-years");
    let plan = r#"
[plan]
id = "three-years"
name_zh = "三个目标年的测试方案"
name_en = "A test plan with three target years"
base_year = 2020
target_years = [2025, 2030, 2035]

[[indicators]]
id = "C1"
category_zh = "综合"
category_en = "Overall"
name_zh = "单位GDP二氧化碳排放下降"
name_en = "CO2 intensity decline"
unit = "%"
base_text = "--"
targets = { 2025 = { value = 10.0, text = "10" }, 2035 = { value = 5.0, text = "5" } }
direction = "at_least"
binding = true
lead = "县发改局"
evaluate = "decline:co2_intensity"
kind = "modelled"

[[indicators]]
id = "E1"
category_zh = "综合"
category_en = "Overall"
name_zh = "单位GDP能耗下降"
name_en = "Energy intensity decline"
unit = "%"
base_text = "--"
targets = { 2030 = { value = 12.0, text = "12" }, 2035 = { value = 10.0, text = "10" } }
direction = "at_least"
binding = true
lead = "县发改局"
evaluate = "assessed:energy"
kind = "modelled"
"#;
    std::fs::write(tmp.join("plan.toml"), plan).unwrap();
    parents_without_huzhu_ids(&tmp);
    // The parent assesses 2025 and 2030 as fossil_only; 2035 without a rule of its own
    // would take 2030's. This scenario gives 2035 its own.
    std::fs::write(
        tmp.join("s.toml"),
        "extends = \"parent.toml\"\nplan = \"plan.toml\"\n[options]\nassessment_2035 = \"total\"\n[indicators.C1]\ntarget_2030 = 15\n",
    )
    .unwrap();
    let s = tmp.arg("s.toml");
    peakpath(["validate", &s]).ok();
    peakpath([
        "run",
        &s,
        "--runs",
        "400",
        "--no-charts",
        "--out",
        &tmp.arg("o"),
    ])
    .ok();
    let rows = csv_rows(tmp.join("o/indicators.csv"));
    let keys: Vec<(String, String)> = rows
        .iter()
        .map(|r| (r["id"].clone(), r["year"].clone()))
        .collect();
    let want: Vec<(String, String)> = ["C1", "E1"]
        .iter()
        .flat_map(|id| ["2025", "2030", "2035"].map(|y| (id.to_string(), y.to_string())))
        .collect();
    assert_eq!(keys, want);
    let row = |id: &str, y: &str| {
        rows.iter()
            .find(|r| r["id"] == id && r["year"] == y)
            .unwrap()
    };
    assert_eq!(row("C1", "2030")["target"], "15", "the scenario's target");
    assert_eq!(row("C1", "2035")["target"], "5", "the plan's 2035 target");
    // C1 in 2035 is the decline of CO2 intensity from 2030, from the central trajectory.
    let traj = csv_rows(tmp.join("o/trajectories.csv"));
    let at = |v: &str, y: &str| -> f64 {
        traj.iter()
            .find(|r| r["variable"] == v && r["year"] == y)
            .unwrap()["value"]
            .parse()
            .unwrap()
    };
    let c1: f64 = row("C1", "2035")["value"].parse().unwrap();
    let want = 100.0 * (1.0 - at("co2_intensity", "2035") / at("co2_intensity", "2030"));
    assert!(
        (c1 - want).abs() < 1e-9 * want.abs().max(1.0),
        "{c1} vs {want}"
    );
    // Each year's rule: its own for 2035, the parent's for 2030.
    assert_eq!(row("E1", "2035")["assessment"], "total");
    assert_eq!(row("E1", "2030")["assessment"], "fossil_only");
    let e1: f64 = row("E1", "2035")["value"].parse().unwrap();
    let total: f64 = row("E1", "2035")["value_total"].parse().unwrap();
    assert_eq!(e1, total, "the scenario's rule is the value");
    // A headline per target year.
    let run: serde_json::Value =
        serde_json::from_str(&read_string(tmp.join("o/run.json"))).unwrap();
    assert_eq!(
        run["plan"]["target_years"],
        serde_json::json!([2025, 2030, 2035])
    );
    let t = &run["monte_carlo"]["targets"]["2035"];
    assert_eq!(t["assessment"], "total");
    assert_eq!(
        t["all_modelled_binding"]["indicators"],
        serde_json::json!(["C1", "E1"])
    );
    assert!(t["all_modelled_binding"]["p_all_met"]["p"].is_number());
    assert_eq!(
        run["monte_carlo"]["targets"]["2025"]["all_modelled_binding"]["no_target"],
        serde_json::json!(["E1"])
    );
    // `indicators` shows a column per target year; sensitivity and discover take the year.
    let t = peakpath(["indicators", &s, "--lang", "en"]).ok();
    assert!(
        t.stdout
            .lines()
            .next()
            .unwrap()
            .contains("2020\t2025\t2030\t2035"),
        "{}",
        t.stdout
    );
    peakpath([
        "sensitivity",
        &s,
        "--method",
        "tornado",
        "--outcome",
        "met:C1:2035",
        "--out",
        &tmp.arg("sens"),
    ])
    .ok();
    let r = peakpath([
        "sensitivity",
        &s,
        "--method",
        "tornado",
        "--outcome",
        "met:C1:2040",
        "--out",
        &tmp.arg("sens2"),
    ])
    .expect_code(2);
    assert!(r.stderr.contains("2025 or 2030 or 2035"), "{}", r.stderr);
    // A target year the plan does not have is refused, by field.
    std::fs::write(
        tmp.join("bad.toml"),
        "extends = \"s.toml\"\n[indicators.C1]\ntarget_2040 = 3\n",
    )
    .unwrap();
    let r = peakpath(["validate", &tmp.arg("bad.toml")]).expect_code(2);
    assert!(
        r.stderr.contains("bad.toml:3") && r.stderr.contains("indicators.C1.target_2040"),
        "{}",
        r.stderr
    );
    // A plan's target years must ascend.
    std::fs::write(
        tmp.join("plan.toml"),
        plan.replace("[2025, 2030, 2035]", "[2030, 2025]"),
    )
    .unwrap();
    let r = peakpath(["validate", &s]).expect_code(2);
    assert!(
        r.stderr.contains("plan.target_years") && r.stderr.contains("[2030, 2025]"),
        "{}",
        r.stderr
    );
}

/// A bad plan file is bad input: exit 2, naming the file, line, field, expected and found.
#[test]
fn a_bad_plan_file_is_named_with_its_line_and_field() {
    let tmp = TempDir::new("plan-bad");
    let text = read_string(root().join("plans/huzhu-2023.toml")).replacen(
        "evaluate = \"decline:co2_intensity\"",
        "evaluate = \"decline:co2_intensty\"",
        1,
    );
    std::fs::write(tmp.join("p.toml"), text).unwrap();
    std::fs::write(
        tmp.join("s.toml"),
        format!(
            "extends = {:?}\nplan = \"p.toml\"\n",
            root().join("scenarios/plan.toml").display().to_string()
        ),
    )
    .unwrap();
    let r = peakpath(["validate", "--lang", "en", &tmp.arg("s.toml")]).expect_code(2);
    assert!(
        r.stderr.contains("p.toml:")
            && r.stderr.contains("indicators.2.evaluate")
            && r.stderr.contains("co2_intensty"),
        "{}",
        r.stderr
    );
    let r = peakpath(["validate", "--lang", "en", &tmp.arg("missing.toml")]).expect_code(2);
    assert!(!r.stderr.is_empty());
    std::fs::write(
        tmp.join("m.toml"),
        format!(
            "extends = {:?}\nplan = \"nowhere.toml\"\n",
            root().join("scenarios/plan.toml").display().to_string()
        ),
    )
    .unwrap();
    let r = peakpath(["validate", "--lang", "en", &tmp.arg("m.toml")]).expect_code(2);
    assert!(
        r.stderr.contains("plan") && r.stderr.contains("nowhere.toml"),
        "{}",
        r.stderr
    );
}

/// Fields named after the base year (issue 22): `gdp_base`, `energy_base`; the old names
/// (`gdp_2020`, `energy_2020`) are still read, with a note, and both at once is an error.
#[test]
fn base_year_field_names_and_their_old_names() {
    let r = peakpath([
        "validate",
        "--lang",
        "en",
        "tests/fixtures/v2/baseline.toml",
    ])
    .ok();
    assert!(
        r.stderr
            .contains("economy.gdp_2020: note: `gdp_2020` is the old name of `gdp_base`"),
        "{}",
        r.stderr
    );
    assert!(
        r.stderr.contains("demand.industry.energy_2020: note:"),
        "{}",
        r.stderr
    );
    let tmp = TempDir::new("base-names");
    // An old name in a file that extends one with the new name overrides it, with the note.
    std::fs::write(
        tmp.join("old.toml"),
        format!(
            "extends = {:?}\n[economy]\ngdp_2020 = 120.0\n",
            root().join("scenarios/plan.toml").display().to_string()
        ),
    )
    .unwrap();
    let r = peakpath([
        "run",
        &tmp.arg("old.toml"),
        "--lang",
        "en",
        "--central",
        "--out",
        &tmp.arg("o"),
    ])
    .ok();
    assert!(r.stderr.contains("economy.gdp_2020: note:"), "{}", r.stderr);
    let gdp = csv_rows(tmp.join("o/trajectories.csv"))
        .into_iter()
        .find(|r| r["variable"] == "gdp" && r["year"] == "2020")
        .unwrap();
    assert_eq!(gdp["value"], "120");
    // Both names in one file: an error.
    std::fs::write(
        tmp.join("both.toml"),
        format!(
            "extends = {:?}\n[economy]\ngdp_base = 118.0\ngdp_2020 = 118.0\n",
            root().join("scenarios/plan.toml").display().to_string()
        ),
    )
    .unwrap();
    let r = peakpath(["validate", "--lang", "en", &tmp.arg("both.toml")]).expect_code(2);
    assert!(
        r.stderr.contains(
            "economy.gdp_2020: expected one of `gdp_base` and `gdp_2020` (its old name), found both"
        ),
        "{}",
        r.stderr
    );
}

/// `peakpath init DIR`: a starting point that validates and runs as written, judged by its own
/// plan; never replaces files without --force.
#[test]
fn init_writes_a_starting_point_that_validates_and_runs() {
    let tmp = TempDir::new("init");
    let dir = tmp.arg("county");
    peakpath(["init", &dir, "--lang", "en"]).ok();
    for f in [
        "plan.toml",
        "baseline.toml",
        "scenario.toml",
        "observed.toml",
    ] {
        assert!(tmp.join("county").join(f).is_file(), "{f}");
    }
    for f in ["baseline.toml", "scenario.toml", "observed.toml"] {
        peakpath(["validate", "--lang", "en", &tmp.arg(&format!("county/{f}"))]).ok();
    }
    let s = tmp.arg("county/scenario.toml");
    let r = peakpath([
        "run",
        &s,
        "--runs",
        "500",
        "--report",
        "--lang",
        "en",
        "--out",
        &tmp.arg("out"),
    ])
    .ok();
    assert!(
        r.stdout.contains("check elec_consumption 2025"),
        "{}",
        r.stdout
    );
    let rows = csv_rows(tmp.join("out/indicators.csv"));
    let ids: Vec<&str> = rows.iter().map(|r| r["id"].as_str()).collect();
    assert_eq!(
        ids,
        ["1", "1", "2", "2", "3", "3", "4", "4", "5", "5", "6", "6"]
    );
    let html = read_string(tmp.join("out/report.html"));
    assert!(
        html.contains("and its table disagree"),
        "the plan's own notes"
    );
    // Nothing is replaced without --force.
    let r = peakpath(["init", &dir]).expect_code(2);
    assert!(r.stderr.contains("--force"), "{}", r.stderr);
    peakpath(["init", &dir, "--force"]).ok();
}
