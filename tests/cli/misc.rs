//! `resolve` and `indicators`.

use crate::util::peakpath;
use serde_json::Value;

/// Field paths of every number or distribution in the resolved content that the model
/// reads as a parameter (fuel shares and indicator targets are fixed inputs, not parameters).
fn leaves(v: &Value, path: &str, out: &mut Vec<String>) {
    match v {
        Value::Object(m) => {
            for (k, x) in m {
                let p = if path.is_empty() {
                    k.clone()
                } else {
                    format!("{path}.{k}")
                };
                leaves(x, &p, out);
            }
        }
        Value::Number(_) | Value::String(_) => out.push(path.to_string()),
        // [[projects]] (MODEL.md §4b): named by id; each draws `go ~ uniform(0, 1)`.
        Value::Array(items) if path == "projects" => {
            for it in items {
                let id = it["id"].as_str().unwrap();
                let p = format!("projects.{id}");
                out.push(format!("{p}.go"));
                for (k, x) in it.as_object().unwrap() {
                    if !["id", "name_zh", "name_en", "probability", "ramp_years"]
                        .contains(&k.as_str())
                    {
                        leaves(x, &format!("{p}.{k}"), out);
                    }
                }
            }
        }
        _ => {}
    }
}

fn is_parameter(path: &str) -> bool {
    let top = path.split('.').next().unwrap();
    // [actions.*] group the changes by the plan's actions (names, leads, field lists).
    // [checks.*] are figures the plan expects, compared with the runs (MODEL.md §10).
    if ["scenario", "options", "extends", "actions", "checks"].contains(&top) {
        return false;
    }
    // A cap's substitutes are fixed shares (MODEL.md §4a).
    if path.starts_with("caps.coal.substitutes.") {
        return false;
    }
    // demand.<sector>.mix.<year>.<fuel> are shares; mix.delivery is a parameter.
    if path.contains(".mix.") && !path.ends_with(".mix.delivery") {
        return false;
    }
    !(top == "indicators" && path.contains(".target_"))
}

#[test]
fn resolve_lists_every_parameter_with_its_distribution() {
    for file in ["scenarios/plan.toml", "scenarios/enhanced.toml"] {
        let out = peakpath(["resolve", file]).ok();
        let json: Value = serde_json::from_str(&out.stdout).expect("resolve prints JSON");
        let params = json["parameters"].as_array().expect("parameters");
        let paths: Vec<&str> = params.iter().map(|p| p["path"].as_str().unwrap()).collect();
        let mut want = Vec::new();
        leaves(&json["content"], "", &mut want);
        want.retain(|p| is_parameter(p));
        let mut got: Vec<&str> = paths.clone();
        got.sort_unstable();
        want.sort();
        assert_eq!(got, want, "{file}: parameters vs numbers in the content");
        // Every parameter says its distribution, with that distribution's fields.
        for p in params {
            let fields: &[&str] = match p["dist"].as_str().unwrap() {
                "fixed" => &["value"],
                "uniform" => &["min", "max"],
                "triangular" | "pert" => &["min", "mode", "max"],
                "normal" => &["mean", "sd"],
                "lognormal" => &["median", "sigma"],
                other => panic!("{file}: unknown dist {other} in {p}"),
            };
            for f in fields {
                assert!(p[f].is_number(), "{file}: {p} lacks {f}");
            }
        }
    }
    // One parameter checked in full: the plan's PV delivery (power.pv in plan.toml).
    let out = peakpath(["resolve", "scenarios/plan.toml"]).ok();
    let json: Value = serde_json::from_str(&out.stdout).unwrap();
    let pv = json["parameters"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["path"] == "power.pv.capacity_mw.delivery")
        .unwrap();
    assert_eq!(pv["dist"], "pert");
    assert_eq!(
        (pv["min"].as_f64(), pv["mode"].as_f64(), pv["max"].as_f64()),
        (Some(0.5), Some(0.9), Some(1.1))
    );
    assert_eq!(
        json["files"],
        serde_json::json!(["scenarios/plan.toml", "scenarios/baseline.toml"])
    );
    assert_eq!(json["options"]["grid_basis"], "provincial");
    // The embedded plan resolves to the same content.
    let embedded: Value = serde_json::from_str(&peakpath(["resolve"]).ok().stdout).unwrap();
    assert_eq!(embedded["content_sha256"], json["content_sha256"]);
}

#[test]
fn indicators_in_english_prints_29_rows() {
    let out = peakpath(["indicators", "--lang", "en"]).ok();
    let lines: Vec<&str> = out.stdout.lines().collect();
    assert_eq!(
        lines[0],
        "id\tindicator\tunit\t2020\t2025\t2030\ttype\tmodelled/assumed"
    );
    let rows = &lines[1..];
    assert_eq!(rows.len(), 29, "28 indicators, number 10 split in two");
    let ids: Vec<&str> = rows.iter().map(|r| r.split('\t').next().unwrap()).collect();
    assert_eq!(&ids[..3], ["1", "2", "3"]);
    assert!(ids.contains(&"10a") && ids.contains(&"10b"));
    let col = |r: &str, i: usize| r.split('\t').nth(i).unwrap_or("").to_string();
    for r in rows {
        assert_eq!(r.split('\t').count(), 8, "{r}");
        assert!(col(r, 6) == "binding" || col(r, 6) == "expected", "{r}");
        assert!(col(r, 7) == "modelled" || col(r, 7) == "assumed", "{r}");
    }
    assert_eq!(rows.iter().filter(|r| col(r, 6) == "binding").count(), 11);
    assert_eq!(rows.iter().filter(|r| col(r, 7) == "modelled").count(), 5);
    assert!(
        rows[3].starts_with("4\tPV installed capacity\tMW\t179.7\t300\t500\t"),
        "{}",
        rows[3]
    );
    // English only: the plan's Chinese cells and units are translated.
    assert!(
        !out.stdout
            .chars()
            .any(|c| ('\u{2e80}'..='\u{9fff}').contains(&c)),
        "Chinese in `indicators --lang en`:\n{}",
        out.stdout
    );
    assert!(rows[9].contains("\t40 and 30\t30 and 20\t"), "{}", rows[9]);
    assert!(
        rows[1].contains("as set by the province and city"),
        "{}",
        rows[1]
    );
    assert!(rows[2].contains("\t10⁴ t\t"), "{}", rows[2]);
    // Chinese is the default.
    let zh = peakpath(["indicators"]).ok();
    assert!(zh.stdout.starts_with("序号\t指标名称"), "{}", zh.stdout);
    assert_eq!(zh.stdout.lines().count(), 30);
}
