//! The attribution on the shipped scenarios: what a planner reading `wedges.csv` relies on.

use std::path::Path;

use super::evaluate::{Attribution, attribute_central, attribute_mc};
use super::game::{Game, Status};
use crate::engine::Silent;
use crate::error::Error;
use crate::scenario::EMBEDDED;
use crate::scenario::source::{Embedded, Memory};

fn embedded(name: &str) -> Game {
    let p = Path::new("<embedded>").join(name);
    Game::new(&Embedded, &p, None, &Embedded).unwrap()
}

fn text(name: &str) -> &'static str {
    EMBEDDED.iter().find(|(n, _)| *n == name).unwrap().1
}

/// A plan whose `[actions.*]` tables are listed in another order (the file's own text,
/// tables moved), next to the shipped baseline.
fn reordered_plan(order: &[&str]) -> Game {
    let plan = text("plan.toml");
    let start = plan.find("[actions.").unwrap();
    let (head, tables) = plan.split_at(start);
    let blocks: Vec<&str> = tables
        .split("\n[actions.")
        .map(|b| b.trim_start_matches("[actions."))
        .collect();
    let mut body = head.to_string();
    for key in order {
        let b = blocks
            .iter()
            .find(|b| b.starts_with(&format!("{key}]")))
            .unwrap();
        body += &format!("\n[actions.{b}\n");
    }
    let fs = Memory(vec![
        ("s/plan.toml".into(), body),
        ("s/baseline.toml".into(), text("baseline.toml").into()),
    ]);
    Game::new(&fs, Path::new("s/plan.toml"), None, &fs).unwrap()
}

fn check_efficiency(rows: &[Attribution], tol: f64) {
    for a in rows {
        let sum: f64 = a.shapley.iter().sum();
        let t = a.total();
        if t.is_nan() {
            continue;
        }
        assert!(
            (sum - t).abs() <= tol * (1.0 + t.abs()),
            "{} {}: Σ Shapley {sum} vs total {t}",
            a.measure.id,
            a.measure.year
        );
        let seq: f64 = a.sequential.iter().sum();
        assert!(
            (seq - t).abs() <= tol * (1.0 + t.abs()),
            "sequential {seq} vs {t}"
        );
    }
}

#[test]
fn shares_add_up_to_the_change_on_the_shipped_scenarios() {
    let plan = embedded("plan.toml");
    let keys: Vec<&str> = plan.players.iter().map(|p| p.key.as_str()).collect();
    assert_eq!(
        keys,
        [
            "energy",
            "agriculture",
            "industry",
            "ecology",
            "services",
            "buildings",
            "transport",
            "technology",
            "living",
        ]
    );
    let rows = attribute_central(&plan);
    check_efficiency(&rows, 1e-12);
    // The total is the change from the baseline's central run to the plan's.
    let co2 = rows
        .iter()
        .find(|a| a.measure.id == "co2" && a.measure.year == 2030)
        .unwrap();
    let at_2030 = |name: &str| {
        let sc = crate::scenario::Scenario::embedded(name).unwrap();
        crate::engine::central(&sc)
            .at(crate::model::Var::Co2, 2030)
            .unwrap()
    };
    let change = at_2030("plan.toml") - at_2030("baseline.toml");
    assert!(change < -10.0, "{change}");
    assert!(
        (co2.total() - change).abs() <= 1e-9 * change.abs(),
        "{} vs {change}",
        co2.total()
    );
    assert!(
        co2.shapley[0] < -5.0,
        "energy is the largest wedge: {:?}",
        co2.shapley
    );
    // Enhanced against its parent (the plan) and against the baseline.
    let enh = embedded("enhanced.toml");
    check_efficiency(&attribute_central(&enh), 1e-12);
    let enh_base = Game::new(
        &Embedded,
        &Path::new("<embedded>").join("enhanced.toml"),
        Some(&Path::new("<embedded>").join("baseline.toml")),
        &Embedded,
    )
    .unwrap();
    assert!(enh_base.changes.len() > enh.changes.len());
    check_efficiency(&attribute_central(&enh_base), 1e-12);
    // Monte Carlo: each run's integer attribution sums exactly to its change.
    let mc = attribute_mc(&plan, 300, 11, &Silent).unwrap().unwrap();
    check_efficiency(&mc, 1e-12);
    let p = &mc[0];
    assert!(p.total() > 0.2, "the plan raises P(peak): {}", p.total());
    assert!(
        p.shapley_se.as_ref().unwrap()[0] > 0.0,
        "a Monte Carlo error is reported"
    );
}

#[test]
fn actions_that_change_nothing_get_exactly_zero() {
    let plan = embedded("plan.toml");
    let rows = attribute_central(&plan);
    let mc = attribute_mc(&plan, 100, 3, &Silent).unwrap().unwrap();
    for key in ["services", "technology"] {
        let p = plan.players.iter().position(|p| p.key == key).unwrap();
        assert_eq!(plan.players[p].status, Status::NotQuantified);
        for a in rows.iter().chain(&mc) {
            assert_eq!(
                a.shapley[p].to_bits(),
                0.0f64.to_bits(),
                "{key} {}",
                a.measure.id
            );
            assert_eq!(a.sequential[p].to_bits(), 0.0f64.to_bits());
        }
    }
    // Sinks do not enter energy CO₂: the ecology action changes the plan (forest and
    // grassland cover) yet gets exactly zero in every CO₂ measure.
    let eco = plan
        .players
        .iter()
        .position(|p| p.key == "ecology")
        .unwrap();
    assert_eq!(plan.players[eco].status, Status::Quantified);
    for a in rows.iter().filter(|a| a.measure.id.starts_with("co2")) {
        assert_eq!(a.shapley[eco], 0.0, "{} {}", a.measure.id, a.measure.year);
    }
    // An action whose fields the scenario leaves at the parent's values: no change, zero.
    let child = "extends = \"baseline.toml\"\n[scenario]\nid = \"c\"\n\
        [power.pv]\ncapacity_mw = { 2020 = 179.7, 2030 = 400 }\n\
        [actions.pv]\nname_zh = \"光伏\"\nname_en = \"PV\"\nlead = \"县发展和改革局\"\nfields = [\"power.pv\"]\n\
        [actions.hydro]\nname_zh = \"水电\"\nname_en = \"Hydro\"\nlead = \"县发展和改革局\"\nfields = [\"power.hydro\"]\n";
    let fs = Memory(vec![
        ("s/c.toml".into(), child.into()),
        ("s/baseline.toml".into(), text("baseline.toml").into()),
    ]);
    let g = Game::new(&fs, Path::new("s/c.toml"), None, &fs).unwrap();
    assert_eq!(g.players[1].status, Status::NoChange);
    assert_eq!(g.n_combos(), 2);
    for a in attribute_central(&g) {
        assert_eq!(a.shapley[1].to_bits(), 0.0f64.to_bits());
        assert_eq!(a.shapley[0], a.total());
    }
}

#[test]
fn shapley_values_do_not_depend_on_the_order_actions_are_listed() {
    let shipped = [
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
    let reversed: Vec<&str> = shipped.iter().rev().copied().collect();
    let (a, b) = (reordered_plan(&shipped), reordered_plan(&reversed));
    let (ra, rb) = (attribute_central(&a), attribute_central(&b));
    let mut seq_differs = false;
    for (x, y) in ra.iter().zip(&rb) {
        for (pa, pl) in a.players.iter().enumerate() {
            let pb = b.players.iter().position(|q| q.key == pl.key).unwrap();
            assert!(
                (x.shapley[pa] - y.shapley[pb]).abs() <= 1e-9 * (1.0 + x.shapley[pa].abs()),
                "{} {} {}: {} vs {}",
                pl.key,
                x.measure.id,
                x.measure.year,
                x.shapley[pa],
                y.shapley[pb]
            );
            seq_differs |= (x.sequential[pa] - y.sequential[pb]).abs() > 1e-6;
        }
    }
    assert!(
        seq_differs,
        "sequential wedges depend on the order, so the test can fail"
    );
    // The same holds for the Monte Carlo terms (common random numbers: the same draws).
    let (ma, mb) = (
        attribute_mc(&a, 128, 5, &Silent).unwrap().unwrap(),
        attribute_mc(&b, 128, 5, &Silent).unwrap().unwrap(),
    );
    for (x, y) in ma.iter().zip(&mb) {
        for (pa, pl) in a.players.iter().enumerate() {
            let pb = b.players.iter().position(|q| q.key == pl.key).unwrap();
            assert!((x.shapley[pa] - y.shapley[pb]).abs() < 1e-12, "{}", pl.key);
        }
    }
}

#[test]
fn monte_carlo_terms_are_the_same_on_any_number_of_threads() {
    let plan = embedded("plan.toml");
    let run = |threads: usize| {
        let pool = crate::engine::thread_pool(Some(threads)).unwrap();
        // 200 runs = 4 chunks of 64: the threads really split the work.
        pool.install(|| attribute_mc(&plan, 200, 9, &Silent).unwrap().unwrap())
    };
    let (a, b) = (run(1), run(3));
    for (x, y) in a.iter().zip(&b) {
        let bits = |v: &[f64]| v.iter().map(|x| x.to_bits()).collect::<Vec<_>>();
        assert_eq!(bits(&x.shapley), bits(&y.shapley));
        assert_eq!(bits(&x.sequential), bits(&y.sequential));
        assert_eq!(
            x.shapley_se.as_ref().map(|v| bits(v)),
            y.shapley_se.as_ref().map(|v| bits(v))
        );
    }
    // Another seed gives other draws, so the comparison above could fail.
    let c = attribute_mc(&plan, 200, 10, &Silent).unwrap().unwrap();
    assert_ne!(a[0].shapley, c[0].shapley);
}

#[test]
fn more_than_twelve_acting_actions_are_refused() {
    let ids = [
        "7", "8", "9", "10a", "10b", "11", "12", "13", "18", "19", "20", "21", "22",
    ];
    let mut child = String::from("extends = \"baseline.toml\"\n");
    for id in ids {
        child += &format!("[indicators.{id}]\npath = {{ 2020 = 1, 2030 = 2 }}\n");
    }
    for (i, id) in ids.iter().enumerate() {
        child += &format!(
            "[actions.a{i}]\nname_zh = \"行动{i}\"\nname_en = \"Action {i}\"\nlead = \"县\"\nfields = [\"indicators.{id}\"]\n"
        );
    }
    let fs = Memory(vec![
        ("s/c.toml".into(), child),
        ("s/baseline.toml".into(), text("baseline.toml").into()),
    ]);
    match Game::new(&fs, Path::new("s/c.toml"), None, &fs) {
        Err(Error::Input(m)) => {
            assert!(m.contains("at most 12 actions"), "{m}");
            assert!(m.contains("4096 combinations"), "{m}");
            assert!(m.contains("found 13"), "{m}");
        }
        Err(e) => panic!("{e}"),
        Ok(_) => panic!("13 acting actions were accepted"),
    }
}

#[test]
fn a_scenario_without_a_parent_is_refused() {
    match Game::new(
        &Embedded,
        &Path::new("<embedded>").join("baseline.toml"),
        None,
        &Embedded,
    ) {
        Err(Error::Input(m)) => assert!(m.contains("--against"), "{m}"),
        _ => panic!("expected an input error"),
    }
}
