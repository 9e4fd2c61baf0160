//! `peakpath wedges`: the files a planner opens, the report that shows them, bad actions.

use crate::util::{TempDir, csv_rows, peakpath, read_string, root, same_bytes};

const HEADER: &str =
    "action,lead,measure,year,shapley,sequential,unit,shapley_mc_se,sequential_mc_se,status";

#[test]
fn wedges_of_the_plan_and_the_report_that_shows_them() {
    let tmp = TempDir::new("wedges");
    let out = tmp.arg("w");
    let r = peakpath(["wedges", "scenarios/plan.toml", "--out", &out]).ok();
    // Every change of the v3 plan belongs to one of its actions: no "other" group.
    assert!(!r.stderr.contains("other:"), "{}", r.stderr);
    let csv = read_string(tmp.join("w/wedges.csv"));
    assert_eq!(csv.lines().next().unwrap(), HEADER);
    let rows = csv_rows(tmp.join("w/wedges.csv"));
    let get = |action: &str, measure: &str, year: &str| -> Vec<(f64, f64, String)> {
        rows.iter()
            .filter(|r| r["action"] == action && r["measure"] == measure && r["year"] == year)
            .map(|r| {
                (
                    r["shapley"].parse().unwrap(),
                    r["sequential"].parse().unwrap(),
                    r["status"].clone(),
                )
            })
            .collect()
    };
    // Nine actions in the plan's order (every change of the v3 plan belongs to one of them:
    // no "other" group), the total; shares add up.
    let total = get("total", "co2", "2030")[0].0;
    // The total is the change between the two central runs (trajectories.csv of each).
    let central_2030 = |scenario: &str| -> f64 {
        let dir = tmp.arg(&format!("central-{scenario}"));
        peakpath([
            "run",
            "--central",
            &format!("scenarios/{scenario}.toml"),
            "--out",
            &dir,
            "--no-charts",
        ])
        .ok();
        csv_rows(std::path::Path::new(&dir).join("trajectories.csv"))
            .iter()
            .find(|r| r["variable"] == "co2" && r["year"] == "2030")
            .unwrap()["value"]
            .parse()
            .unwrap()
    };
    let change = central_2030("plan") - central_2030("baseline");
    assert!(
        (total - change).abs() < 1e-9 * change.abs(),
        "{total} vs {change}"
    );
    let keys = [
        "energy",
        "agriculture",
        "industry",
        "ecology",
        "services",
        "buildings",
        "transport",
        "technology",
        "living",
    ];
    assert!(
        rows.iter().all(|r| r["action"] != "other"),
        "no \"other\" group"
    );
    let sum: f64 = keys.iter().map(|k| get(k, "co2", "2030")[0].0).sum();
    assert!((sum - total).abs() < 1e-9, "{sum} vs {total}");
    let services = &get("services", "co2", "2030")[0];
    assert_eq!((services.0, services.2.as_str()), (0.0, "not_quantified"));
    let energy = rows.iter().find(|r| r["action"] == "energy").unwrap();
    assert_eq!(energy["lead"], "县发展和改革局");
    for (m, y) in [
        ("co2_cumulative_2021_2030", "2030"),
        ("indicator_1", "2025"),
        ("indicator_2", "2030"),
        ("indicator_5", "2025"),
    ] {
        assert_eq!(get("total", m, y).len(), 1, "{m} {y}");
    }
    // Without --runs, no probabilities.
    assert!(!csv.contains("p_peaked_by_2030"));
    let lead = read_string(tmp.join("w/wedges_by_lead.csv"));
    assert!(lead.starts_with("lead,actions,measure,year,shapley,share,unit\n"));
    assert!(
        lead.contains("县农业农村和科技局,agriculture technology,co2,2030,"),
        "{lead}"
    );
    for f in [
        "wedges_co2.svg",
        "wedges_co2_2030.svg",
        "wedges_by_lead.svg",
        "wedges.json",
    ] {
        assert!(tmp.join("w").join(f).exists(), "{f}");
    }
    // The report of a run includes the wedge charts.
    let run = tmp.arg("run");
    peakpath([
        "run",
        "scenarios/plan.toml",
        "--central",
        "--no-charts",
        "--out",
        &run,
    ])
    .ok();
    peakpath(["report", &run, "--with", &out]).ok();
    let html = read_string(tmp.join("run/report.html"));
    // Charts from outside the run are embedded as inert data: URIs; decode them.
    let charts: Vec<String> = html
        .split("data:image/svg+xml;base64,")
        .skip(1)
        .map(|rest| {
            use base64::Engine as _;
            let b64: String = rest.chars().take_while(|c| *c != '"').collect();
            String::from_utf8(
                base64::engine::general_purpose::STANDARD
                    .decode(b64)
                    .unwrap(),
            )
            .unwrap()
        })
        .collect();
    assert!(
        charts.iter().any(|c| c.contains("各行动避免的能源活动CO")),
        "wedge chart in the report"
    );
    assert!(
        charts.iter().any(|c| c.contains("按牵头单位汇总的贡献")),
        "lead table in the report"
    );
    // An English run: English charts and lead departments.
    let en = tmp.arg("en");
    peakpath([
        "wedges",
        "scenarios/plan.toml",
        "--lang",
        "en",
        "--out",
        &en,
    ])
    .ok();
    assert!(
        read_string(tmp.join("en/wedges.csv"))
            .contains("energy,County Development and Reform Bureau,co2,")
    );
    assert!(
        read_string(tmp.join("en/wedges_by_lead.svg")).contains("Contribution by lead department")
    );
    // The folder is not overwritten without --force.
    let again = peakpath(["wedges", "scenarios/plan.toml", "--out", &out]).expect_code(2);
    assert!(again.stderr.contains("--force"), "{}", again.stderr);
}

#[test]
fn wedges_monte_carlo_is_the_same_on_any_number_of_threads() {
    let tmp = TempDir::new("wedges-threads");
    for t in ["1", "2"] {
        let out = tmp.arg(&format!("t{t}"));
        peakpath([
            "wedges",
            "scenarios/plan.toml",
            "--runs",
            "130",
            "--seed",
            "3",
            "--threads",
            t,
            "--out",
            &out,
        ])
        .ok();
    }
    for f in [
        "wedges.csv",
        "wedges_by_lead.csv",
        "wedges_p_peak.svg",
        "wedges_co2.svg",
    ] {
        same_bytes(&tmp.join("t1").join(f), &tmp.join("t2").join(f));
    }
    let rows = csv_rows(tmp.join("t1/wedges.csv"));
    let p = rows
        .iter()
        .find(|r| r["action"] == "energy" && r["measure"] == "p_peaked_by_2030")
        .unwrap();
    assert!(
        p["shapley_mc_se"].parse::<f64>().unwrap() > 0.0,
        "Monte Carlo error reported"
    );
    assert!(
        rows.iter()
            .any(|r| r["measure"] == "p_all_binding_met" && r["year"] == "2025")
    );
    // Rerun without --runs: the P(peak) chart of the earlier attribution is removed.
    peakpath([
        "wedges",
        "scenarios/plan.toml",
        "--force",
        "--out",
        &tmp.arg("t1"),
    ])
    .ok();
    assert!(!tmp.join("t1/wedges_p_peak.svg").exists());
    assert!(!read_string(tmp.join("t1/wedges.csv")).contains("p_peaked_by_2030"));
}

#[test]
fn a_misspelt_action_field_is_an_input_error_with_its_line() {
    let tmp = TempDir::new("wedges-bad");
    let plan = root().join("scenarios/plan.toml");
    let file = tmp.join("child.toml");
    std::fs::write(
        &file,
        format!(
            "extends = \"{}\"\n[power.wind]\ncapacity_mw = {{ 2020 = 0.0, 2030 = 30 }}\n[actions.wind]\nname_zh = \"风电\"\nname_en = \"Wind\"\nlead = \"县发展和改革局\"\nfields = [\"power.wnd\"]\n",
            plan.display()
        ),
    )
    .unwrap();
    let f = file.display().to_string();
    let r = peakpath(["wedges", &f, "--lang", "en", "--out", &tmp.arg("o")]).expect_code(2);
    assert!(
        r.stderr
            .contains(&format!("{f}:8:11: actions.wind.fields:")),
        "{}",
        r.stderr
    );
    assert!(
        r.stderr.contains("did you mean `power.wind`?"),
        "{}",
        r.stderr
    );
    peakpath(["validate", "--lang", "en", &f]).expect_code(2);
    // Fixed, the field overlaps the plan's energy action, which lists all of `power`.
    let text = std::fs::read_to_string(&file)
        .unwrap()
        .replace("power.wnd", "power.wind");
    std::fs::write(&file, text).unwrap();
    let r = peakpath(["wedges", &f, "--lang", "en", "--out", &tmp.arg("o")]).expect_code(2);
    assert!(
        r.stderr.contains("overlapping `power` of action `energy`"),
        "{}",
        r.stderr
    );
    assert!(r.stderr.contains("plan.toml:"), "{}", r.stderr);
}
