//! A Monte Carlo result with an analytic answer.
//!
//! `tests/fixtures/valid/pv_uniform.toml` is the plan with PV capacity 179.7 → 300 (2025) →
//! 500 MW (2030) delivered with a ratio r ~ uniform(0.5, 1.1). The 2025 capacity is
//! 179.7 + r·120.3, so P(PV 2025 ≥ 300) = P(r ≥ 1) = 0.1/0.6 = 1/6, and its median is
//! 179.7 + 0.8·120.3 = 275.94 MW.

use crate::util::{TempDir, csv_rows, peakpath};

#[test]
fn pv_target_probability_and_median_match_the_analytic_values() {
    let tmp = TempDir::new("stats");
    let n: f64 = 20_000.0;
    peakpath([
        "run",
        "tests/fixtures/valid/pv_uniform.toml",
        "--runs",
        "20000",
        "--seed",
        "11",
        "--out",
        &tmp.arg("o"),
    ])
    .ok();

    let rows = csv_rows(tmp.join("o/indicators.csv"));
    let row = |year: &str| {
        rows.iter()
            .find(|r| r["id"] == "4" && r["year"] == year)
            .unwrap_or_else(|| panic!("indicator 4, {year}"))
    };
    let p = 1.0 / 6.0;
    // 99.9 % two-sided binomial interval, normal approximation: p ± 3.29·√(p(1−p)/n).
    let half = 3.29 * (p * (1.0 - p) / n).sqrt();
    for year in ["2025", "2030"] {
        // r ≥ 1 also meets the 2030 target (179.7 + r·320.3 ≥ 500): the same probability.
        let p_met: f64 = row(year)["p_met"].parse().unwrap();
        assert!(
            (p_met - p).abs() <= half,
            "{year}: p_met {p_met}, expected {p} ± {half}"
        );
    }
    // The central run uses the median r = 0.8: 275.94 MW, target missed.
    let central: f64 = row("2025")["value"].parse().unwrap();
    assert!((central - 275.94).abs() < 1e-9, "{central}");
    assert_eq!(row("2025")["met"], "false");

    let summary = csv_rows(tmp.join("o/summary.csv"));
    let pv = summary
        .iter()
        .find(|r| r["variable"] == "cap_pv" && r["year"] == "2025")
        .unwrap();
    let median = 179.7 + 0.8 * 120.3;
    let p50: f64 = pv["p50"].parse().unwrap();
    assert!(
        (p50 / median - 1.0).abs() < 0.005,
        "p50 {p50}, analytic median {median}"
    );
    // Quantiles of a uniform: p5 = 179.7 + 0.53·120.3, p95 = 179.7 + 1.07·120.3 (±0.5 %).
    for (col, r) in [("p5", 0.53), ("p95", 1.07)] {
        let q: f64 = pv[col].parse().unwrap();
        let want = 179.7 + r * 120.3;
        assert!((q / want - 1.0).abs() < 0.005, "{col} {q}, analytic {want}");
    }
    let mean: f64 = pv["mean"].parse().unwrap();
    // Mean 275.94 too; its standard error is 0.6·120.3/√12/√n ≈ 0.147 MW: allow 5 of them.
    assert!((mean - median).abs() < 0.75, "mean {mean}");
}
