use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use super::*;

fn plan() -> Scenario {
    Scenario::embedded("plan.toml").unwrap()
}

fn tmp(name: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("peakpath-sens-test-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    d
}

fn args(
    method: Method,
    outcomes: &[&str],
    samples: Option<u64>,
    threads: u16,
    out: &Path,
) -> SensitivityArgs {
    SensitivityArgs {
        scenario: None,
        method: Some(method),
        outcomes: outcomes.iter().map(|s| s.to_string()).collect(),
        samples,
        seed: 7,
        threads: Some(threads),
        out: Some(out.to_path_buf()),
        png: false,
        lang: LangArg::En,
        force: false,
        resume: false,
        shard: None,
        merge: Vec::new(),
    }
}

/// Every file of a folder; `sensitivity.json` without its `elapsed_s` (wall time).
fn files(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    let mut m = BTreeMap::new();
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        let name = p.file_name().unwrap().to_string_lossy().to_string();
        let mut bytes = std::fs::read(&p).unwrap();
        if name == SUMMARY {
            let mut v: serde_json::Value = serde_json::from_slice(&bytes).unwrap();
            v["elapsed_s"] = serde_json::Value::Null;
            bytes = serde_json::to_vec(&v).unwrap();
        }
        m.insert(name, bytes);
    }
    m
}

fn read_csv(path: &Path) -> (Vec<String>, Vec<Vec<String>>) {
    let mut r = csv::Reader::from_path(path).unwrap();
    let h = r.headers().unwrap().iter().map(String::from).collect();
    let rows = r
        .records()
        .map(|x| x.unwrap().iter().map(String::from).collect())
        .collect();
    (h, rows)
}

fn col(rows: &[Vec<String>], i: usize) -> Vec<f64> {
    rows.iter().map(|r| r[i].parse::<f64>().unwrap()).collect()
}

fn sorted_desc(x: &[f64]) -> bool {
    x.windows(2).all(|w| w[0] >= w[1])
}

#[test]
fn outcome_parsing() {
    let sc = plan();
    assert_eq!(
        Outcome::parse("co2:2030", &sc).unwrap(),
        Outcome::Var(Var::Co2, 2030)
    );
    assert_eq!(
        Outcome::parse("nonfossil_share:2025", &sc).unwrap(),
        Outcome::Var(Var::NonfossilShare, 2025)
    );
    assert_eq!(Outcome::parse("peak_year", &sc).unwrap(), Outcome::PeakYear);
    // peaked_by_YYYY: 1 when the run's peak year (declining from the base year included) is
    // at most YYYY, as `run` counts P(peaked by …).
    let pb = Outcome::parse("peaked_by_2030", &sc).unwrap();
    assert_eq!(pb, Outcome::PeakedBy(2030));
    assert_eq!(
        (pb.spec(), pb.file_stem()),
        ("peaked_by_2030".into(), "peaked_by_2030".into())
    );
    assert!(Outcome::parse("peaked_by_2099", &sc).is_err());
    assert!(Outcome::parse("peaked_by_x", &sc).is_err());
    let med = sc.medians();
    let tr = crate::engine::central(&sc);
    let peak = tr.peak(&sc.spec.options);
    assert_eq!(pb.eval(&sc, &med, &tr), f64::from(u8::from(peak.peaked_by)));
    assert_eq!(
        Outcome::PeakedBy(sc.spec.y0).eval(&sc, &med, &tr),
        f64::from(u8::from(peak.year == Some(sc.spec.y0)))
    );
    let m = Outcome::parse("met:5:2025", &sc).unwrap();
    assert_eq!(
        m,
        Outcome::Met(
            indicators::find_in_default("5").unwrap(),
            0,
            (
                "5",
                "非化石能源消费比重",
                "Non-fossil share of energy consumption",
                2025
            )
        )
    );
    assert_eq!(m.spec(), "met:5:2025");
    assert_eq!(m.file_stem(), "met_5_2025");
    assert_eq!(
        Outcome::parse("co2:2030", &sc).unwrap().file_stem(),
        "co2_2030"
    );

    let err = |s: &str| {
        let e = Outcome::parse(s, &sc).unwrap_err();
        assert_eq!(e.exit_code(), 2, "{s}: {e}");
        e.to_string()
    };
    assert!(
        err("co3:2030").contains("did you mean `co2`"),
        "{}",
        err("co3:2030")
    );
    assert!(err("nonfossil_shar:2025").contains("did you mean `nonfossil_share`"));
    assert!(err("peakyear").contains("did you mean `peak_year`"));
    assert!(err("co2:1990").contains("outside the scenario's horizon"));
    assert!(err("co2:20x0").contains("expected a year"));
    assert!(err("met:99:2025").contains("unknown indicator"));
    assert!(err("met:5:2027").contains("expected a target year"));
    assert!(err("met:15:2025").contains("no 2025 target"));
    assert!(err("a:b:c:d").contains("expected VAR:YEAR"));
    let twice = parse_outcomes(&["co2:2030".into(), "co2:2030".into()], &sc).unwrap_err();
    assert!(twice.to_string().contains("given twice"));
}

#[test]
fn bad_samples_and_shards() {
    let d = tmp("bad");
    let mut a = args(Method::Sobol, &["co2:2030"], Some(100), 1, &d);
    assert_eq!(run(a.clone()).unwrap_err().exit_code(), 2);
    a.samples = None;
    a.method = Some(Method::Tornado);
    a.samples = Some(10);
    assert_eq!(run(a.clone()).unwrap_err().exit_code(), 2);
    a.samples = None;
    a.shard = Some("3/2".into());
    assert_eq!(run(a).unwrap_err().exit_code(), 2);
    let _ = std::fs::remove_dir_all(d);
}

#[test]
fn tornado_and_sobol_on_the_plan_threads_invariant() {
    let k = plan().uncertain.len();
    for (method, samples) in [(Method::Tornado, None), (Method::Sobol, Some(256))] {
        let (d1, d2) = (tmp(&format!("{method:?}-1")), tmp(&format!("{method:?}-2")));
        run(args(method, &["co2:2030"], samples, 1, &d1)).unwrap();
        run(args(method, &["co2:2030"], samples, 2, &d2)).unwrap();
        let (f1, f2) = (files(&d1), files(&d2));
        assert_eq!(f1, f2, "{method:?}: threads 1 vs 2");
        let stem = format!("{}_co2_2030", method.name());
        assert!(f1.contains_key(&format!("{stem}.svg")) && f1.contains_key(SUMMARY));
        let (h, rows) = read_csv(&d1.join(format!("{stem}.csv")));
        assert_eq!(rows.len(), k);
        match method {
            Method::Tornado => {
                assert_eq!(
                    h,
                    [
                        "input",
                        "name_zh",
                        "name_en",
                        "unit",
                        "low_value",
                        "high_value",
                        "outcome_low",
                        "outcome_high",
                        "swing"
                    ]
                );
                assert!(sorted_desc(&col(&rows, 8)));
                assert!(
                    col(&rows, 4)
                        .iter()
                        .zip(col(&rows, 5))
                        .all(|(lo, hi)| *lo <= hi)
                );
            }
            _ => {
                assert_eq!(
                    h,
                    [
                        "input", "name_zh", "name_en", "unit", "s1", "s1_lo", "s1_hi", "st",
                        "st_lo", "st_hi"
                    ]
                );
                let st = col(&rows, 7);
                assert!(sorted_desc(&st));
                assert!(st[0] > 0.05, "some input matters for co2:2030");
                for r in &rows {
                    let v: Vec<f64> = r[4..].iter().map(|x| x.parse().unwrap()).collect();
                    assert!(
                        v[1] <= v[0] && v[0] <= v[2] && v[4] <= v[3] && v[3] <= v[5],
                        "{r:?}"
                    );
                }
            }
        }
        let j: serde_json::Value =
            serde_json::from_slice(&std::fs::read(d1.join(SUMMARY)).unwrap()).unwrap();
        assert_eq!(j["method"], method.name());
        assert_eq!(
            j["evaluations"],
            if samples.is_some() {
                256 * (k as u64 + 2)
            } else {
                2 * k as u64 + 1
            }
        );
        assert!(j["elapsed_s"].is_number());
        // A second run refuses the folder without --force.
        assert_eq!(
            run(args(method, &["co2:2030"], samples, 1, &d1))
                .unwrap_err()
                .exit_code(),
            2
        );
        let _ = std::fs::remove_dir_all(d1);
        let _ = std::fs::remove_dir_all(d2);
    }
}

#[test]
fn shards_merge_and_resume_are_identical() {
    let outcomes = ["co2:2030", "met:5:2025", "peak_year"];
    let whole = tmp("whole");
    run(args(Method::Morris, &outcomes, Some(8), 2, &whole)).unwrap();
    let want = files(&whole);
    assert!(
        want.contains_key("morris_met_5_2025.csv") && want.contains_key("morris_peak_year.svg")
    );

    // Three shards, merged in a shuffled order.
    let dirs: Vec<PathBuf> = (1..=3).map(|k| tmp(&format!("shard{k}"))).collect();
    for (k, d) in dirs.iter().enumerate() {
        let mut a = args(Method::Morris, &outcomes, Some(8), 1, d);
        a.shard = Some(format!("{}/3", k + 1));
        run(a).unwrap();
        assert!(d.join(SHARD_FILE).exists());
    }
    let merged = tmp("merged");
    let bad = merge(&dirs[..2], Some(&merged), false, Some(1), false).unwrap_err();
    assert!(bad.to_string().contains("missing 3/3"), "{bad}");
    merge(
        &[dirs[2].clone(), dirs[0].clone(), dirs[1].clone()],
        Some(&merged),
        false,
        Some(1),
        false,
    )
    .unwrap();
    assert_eq!(files(&merged), want, "merged shards");

    // A tree: shards 2–3 into a partial result, merged with shard 1.
    let group = tmp("group");
    merge(&dirs[1..], Some(&group), false, Some(1), true).unwrap();
    assert!(group.join(SHARD_FILE).exists() && !group.join(SUMMARY).exists());
    let g = read_partial(&group.join(SHARD_FILE)).unwrap();
    assert_eq!(
        (g.shard, g.shard_last, g.end),
        (
            Some((2, 3)),
            Some(3),
            8 * (plan().uncertain.len() as u64 + 1)
        ),
        "Morris r = 8: r (k + 1) rows, the last of them in shard 3"
    );
    let bad = tmp("bad");
    let gap = merge(
        &[dirs[0].clone(), dirs[2].clone()],
        Some(&bad),
        false,
        Some(1),
        true,
    );
    assert!(gap.unwrap_err().to_string().contains("missing 2/3"));
    let twice = merge(
        &[dirs[2].clone(), group.clone()],
        Some(&bad),
        false,
        Some(1),
        false,
    );
    assert!(twice.unwrap_err().to_string().contains("overlaps"));
    assert!(!bad.join(SHARD_FILE).exists() && !bad.join(SUMMARY).exists());
    let tree = tmp("tree");
    merge(
        &[group.clone(), dirs[0].clone()],
        Some(&tree),
        false,
        Some(1),
        false,
    )
    .unwrap();
    assert_eq!(
        files(&tree),
        want,
        "shard 1 merged with the group of shards 2-3"
    );

    // Interrupted after the first batch, then resumed.
    let res = tmp("resume");
    let hooks = Hooks {
        interrupt_after: Some(100),
        batch: Some(100),
    };
    let e = run_with(args(Method::Morris, &outcomes, Some(8), 2, &res), &hooks).unwrap_err();
    assert_eq!(e.exit_code(), 130);
    assert!(res.join(CHECKPOINT).exists() && !res.join(SUMMARY).exists());
    let mut a = args(Method::Morris, &outcomes, Some(8), 1, &res);
    a.resume = true;
    let mut other = a.clone();
    other.seed = 8;
    assert_eq!(
        run(other).unwrap_err().exit_code(),
        2,
        "resume of another analysis"
    );
    run_with(
        a,
        &Hooks {
            interrupt_after: None,
            batch: Some(100),
        },
    )
    .unwrap();
    assert!(!res.join(CHECKPOINT).exists());
    assert_eq!(files(&res), want, "resumed");

    for d in dirs
        .iter()
        .chain([&whole, &merged, &res, &group, &tree, &bad])
    {
        let _ = std::fs::remove_dir_all(d);
    }
}
