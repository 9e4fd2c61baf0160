//! Correlated inputs (MODEL.md §2) and observed history (MODEL.md §11), end to end: sample
//! Spearman correlations, unchanged marginals, determinism, observed.csv and the refusal when
//! no run is kept.

use peakpath::engine::{self, Draws};
use peakpath::scenario::{Dist, Scenario};
use statrs::distribution::{Beta, ContinuousCDF};

use crate::util::{TempDir, peakpath, read_string, root};

fn plan() -> Scenario {
    Scenario::load(&root().join("scenarios/plan.toml")).expect("plan loads")
}

/// Average ranks (1-based) of `x`.
fn ranks(x: &[f64]) -> Vec<f64> {
    let mut idx: Vec<usize> = (0..x.len()).collect();
    idx.sort_by(|&a, &b| x[a].total_cmp(&x[b]));
    let mut r = vec![0.0; x.len()];
    let mut i = 0;
    while i < idx.len() {
        let mut j = i;
        while j + 1 < idx.len() && x[idx[j + 1]] == x[idx[i]] {
            j += 1;
        }
        let avg = (i + j) as f64 / 2.0 + 1.0;
        for k in i..=j {
            r[idx[k]] = avg;
        }
        i = j + 1;
    }
    r
}

fn pearson(a: &[f64], b: &[f64]) -> f64 {
    let n = a.len() as f64;
    let (ma, mb) = (a.iter().sum::<f64>() / n, b.iter().sum::<f64>() / n);
    let (mut sab, mut saa, mut sbb) = (0.0, 0.0, 0.0);
    for (x, y) in a.iter().zip(b) {
        sab += (x - ma) * (y - mb);
        saa += (x - ma) * (x - ma);
        sbb += (y - mb) * (y - mb);
    }
    sab / (saa * sbb).sqrt()
}

/// The exact CDF of the distributions the plan's correlated inputs use.
fn cdf(d: &Dist, x: f64) -> f64 {
    match *d {
        Dist::Triangular { min, mode, max } => {
            if x <= min {
                0.0
            } else if x <= mode {
                (x - min).powi(2) / ((max - min) * (mode - min))
            } else if x < max {
                1.0 - (max - x).powi(2) / ((max - min) * (max - mode))
            } else {
                1.0
            }
        }
        Dist::Pert { min, mode, max } => {
            let r = max - min;
            let b = Beta::new(1.0 + 4.0 * (mode - min) / r, 1.0 + 4.0 * (max - mode) / r).unwrap();
            b.cdf(((x - min) / r).clamp(0.0, 1.0))
        }
        ref other => panic!("no CDF in this test for {other:?}"),
    }
}

/// Kolmogorov–Smirnov statistic of a sample against a CDF.
fn ks(mut x: Vec<f64>, f: impl Fn(f64) -> f64) -> f64 {
    x.sort_by(f64::total_cmp);
    let n = x.len() as f64;
    x.iter()
        .enumerate()
        .map(|(i, &v)| {
            let c = f(v);
            (c - i as f64 / n).abs().max(((i + 1) as f64 / n - c).abs())
        })
        .fold(0.0, f64::max)
}

#[test]
fn sample_spearman_hits_the_target_and_marginals_are_unchanged() {
    let sc = plan();
    let c = &sc.correlations;
    assert!(c.pairs.len() >= 4, "the plan correlates its growth periods");
    let n = 200_000u64;
    let draws = Draws::new(&sc);
    let mut cols: Vec<Vec<f64>> = vec![Vec::with_capacity(n as usize); sc.params.len()];
    let mut v = vec![0.0; sc.params.len()];
    for i in 0..n {
        engine::draw(&draws, 11, i, &mut v);
        for &j in &c.members {
            cols[j].push(v[j]);
        }
    }
    let ranked: Vec<Vec<f64>> = cols.iter().map(|c| ranks(c)).collect();
    for p in &c.pairs {
        let rho = pearson(&ranked[p.a], &ranked[p.b]);
        assert!(
            (rho - p.spearman).abs() <= 0.01,
            "{:?}: sample Spearman {rho:.4}, target {}",
            p.between,
            p.spearman
        );
    }
    // Marginals: KS against each parameter's own distribution; the 0.1 % critical value
    // for n = 200,000 is 1.95/√n ≈ 0.0044.
    for &j in &c.members {
        let d = &sc.params[j].dist;
        let stat = ks(cols[j].clone(), |x| cdf(d, x));
        assert!(
            stat < 1.95 / (n as f64).sqrt(),
            "{}: KS {stat:.5}",
            sc.params[j].path
        );
    }
    // An uncorrelated parameter keeps its exact sampler and its distribution.
    let j = sc
        .params
        .iter()
        .position(|p| p.path == "power.pv.capacity_mw.delivery")
        .unwrap();
    assert!(!c.members.contains(&j));
    let mut xs = Vec::new();
    for i in 0..50_000 {
        engine::draw(&draws, 11, i, &mut v);
        xs.push(v[j]);
    }
    let stat = ks(xs, |x| cdf(&sc.params[j].dist, x));
    assert!(stat < 1.95 / 50_000f64.sqrt(), "pv delivery: KS {stat:.5}");
}

#[test]
fn correlations_change_the_joint_draws_only() {
    // Without correlations, growth 2025 and 2030 are independent (sample Spearman ≈ 0).
    let mut sc = plan();
    sc.correlations = Default::default();
    let draws = Draws::new(&sc);
    let (a, b) = (
        sc.params
            .iter()
            .position(|p| p.path == "economy.growth.2025")
            .unwrap(),
        sc.params
            .iter()
            .position(|p| p.path == "economy.growth.2030")
            .unwrap(),
    );
    let mut v = vec![0.0; sc.params.len()];
    let (mut xa, mut xb) = (Vec::new(), Vec::new());
    for i in 0..50_000 {
        engine::draw(&draws, 3, i, &mut v);
        xa.push(v[a]);
        xb.push(v[b]);
    }
    let rho = pearson(&ranks(&xa), &ranks(&xb));
    assert!(rho.abs() < 0.02, "independent growth periods: {rho}");
}

#[test]
fn resolve_lists_the_correlations() {
    let out = peakpath(["resolve", "scenarios/plan.toml"]).ok();
    let v: serde_json::Value = serde_json::from_str(&out.stdout).unwrap();
    let c = v["correlations"]
        .as_array()
        .expect("correlations in resolve");
    assert!(c.iter().any(|p| p["between"][0] == "economy.growth.2025"
        && p["between"][1] == "economy.growth.2030"
        && p["spearman"] == 0.6));
}

#[test]
fn review_scenario_is_reproducible_and_states_drawn_and_kept() {
    let tmp = TempDir::new("review");
    let run = |dir: &str, extra: &[&str]| {
        let mut a = vec![
            "run",
            "scenarios/review-2025.toml",
            "--runs",
            "9000",
            "--no-charts",
            "--lang",
            "en",
            "--out",
            dir,
        ];
        a.extend_from_slice(extra);
        peakpath(&a).ok()
    };
    let out = run(&tmp.arg("t1"), &["--threads", "1"]);
    assert!(
        out.stderr.contains("runs drawn 9,000, kept "),
        "{}",
        out.stderr
    );
    run(&tmp.arg("t2"), &["--threads", "2"]);
    for k in 1..=2 {
        run(&tmp.arg(&format!("s{k}")), &["--shard", &format!("{k}/2")]);
    }
    peakpath([
        "merge",
        "--lang",
        "en",
        &tmp.arg("s2"),
        &tmp.arg("s1"),
        "--out",
        &tmp.arg("m"),
    ])
    .ok();
    for f in ["summary.csv", "indicators.csv", "peak.csv", "observed.csv"] {
        let a = read_string(tmp.join("t1").join(f));
        assert_eq!(a, read_string(tmp.join("t2").join(f)), "{f}: threads");
        assert_eq!(a, read_string(tmp.join("m").join(f)), "{f}: shards");
    }
    let j: serde_json::Value = serde_json::from_str(&read_string(tmp.join("t1/run.json"))).unwrap();
    let h = &j["monte_carlo"]["observed_history"];
    let (drawn, kept) = (
        h["runs_drawn"].as_u64().unwrap(),
        h["runs_kept"].as_u64().unwrap(),
    );
    assert_eq!(drawn, 9000);
    assert!(kept > 0 && kept < drawn, "some runs rejected: {kept}");
    assert_eq!(j["monte_carlo"]["runs"].as_u64(), Some(kept));
    assert!((h["acceptance_rate"].as_f64().unwrap() - kept as f64 / 9000.0).abs() < 1e-12);
    // The central run's residuals.
    let csv = read_string(tmp.join("t1/observed.csv"));
    let mut lines = csv.lines();
    assert_eq!(
        lines.next(),
        Some("variable,year,observed,model,residual,relative")
    );
    let row: Vec<&str> = lines.next().unwrap().split(',').collect();
    assert_eq!(&row[..3], ["ef_grid", "2021", "0.1326"]);
    let (obs, model, res): (f64, f64, f64) = (
        row[2].parse().unwrap(),
        row[3].parse().unwrap(),
        row[4].parse().unwrap(),
    );
    assert!((model - obs - res).abs() < 1e-9);
    assert!((res / obs - row[5].parse::<f64>().unwrap()).abs() < 1e-12);
}

#[test]
fn nothing_kept_exits_2_naming_the_observation_that_rejects_most() {
    let tmp = TempDir::new("reject");
    let file = tmp.join("impossible.toml");
    std::fs::write(
        &file,
        format!(
            "extends = \"{}\"\n[observed.gdp]\n2021 = 123.9\n2023 = 200.0\ntolerance = 0.03\n",
            root().join("scenarios/plan.toml").display()
        ),
    )
    .unwrap();
    let out = peakpath([
        "run",
        file.to_str().unwrap(),
        "--runs",
        "500",
        "--out",
        &tmp.arg("o"),
    ])
    .expect_code(2);
    assert!(
        out.stderr.contains("no run is kept") && out.stderr.contains("observed.gdp.2023"),
        "{}",
        out.stderr
    );
    assert!(
        out.stderr.contains("rejects 500 of 500 runs"),
        "{}",
        out.stderr
    );
}
