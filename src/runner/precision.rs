//! `run --precision H`: Monte Carlo in fixed, seed-determined batches until the Wilson 95 %
//! interval of every headline probability has a half-width of at most `H` (MODEL.md §9).
//!
//! Batches are the run indices `[b·B, (b+1)·B)` with `B` = [`BATCH`] drawn runs, whatever the
//! thread count; after each batch the headline counts are checked, so the number of runs
//! used, and every output byte, depend only on the scenario, the seed and `H`.

use crate::engine::Accumulator;
use crate::scenario::Scenario;

/// Drawn runs per precision batch.
pub const BATCH: u64 = 10_000;
/// The normal quantile of a 95 % interval (MODEL.md §9).
pub const Z95: f64 = 1.959964;
/// Default upper bound on drawn runs when `--precision` is given.
pub const DEFAULT_MAX_RUNS: u64 = 100_000_000;

/// The Wilson score interval for `k` successes in `n` trials at `z` (MODEL.md §9): exactly
/// 0 below at `k = 0` and exactly 1 above at `k = n`; `(0, 1)` for `n = 0`.
pub fn wilson(k: u64, n: u64, z: f64) -> (f64, f64) {
    if n == 0 {
        return (0.0, 1.0);
    }
    let nf = n as f64;
    let p = k as f64 / nf;
    let z2 = z * z;
    let centre = p + z2 / (2.0 * nf);
    let spread = z * (p * (1.0 - p) / nf + z2 / (4.0 * nf * nf)).sqrt();
    let d = 1.0 + z2 / nf;
    let lo = if k == 0 { 0.0 } else { (centre - spread) / d };
    let hi = if k == n { 1.0 } else { (centre + spread) / d };
    (lo, hi)
}

/// The headline probabilities as (name, successes) over `acc.runs` kept runs.
pub fn headlines(sc: &Scenario, acc: &Accumulator) -> Vec<(String, u64)> {
    vec![
        (
            format!("p_peaked_by_{}", sc.spec.options.peak_by),
            acc.peaked,
        ),
        ("p_all_binding_2025_met".into(), acc.all_binding_2025),
    ]
}

/// The largest Wilson 95 % half-width over the headline probabilities (1 with no kept run).
pub fn worst_half_width(sc: &Scenario, acc: &Accumulator) -> f64 {
    headlines(sc, acc)
        .iter()
        .map(|(_, k)| {
            let (lo, hi) = wilson(*k, acc.runs, Z95);
            (hi - lo) / 2.0
        })
        .fold(0.0, f64::max)
}

/// What `run.json` says about a precision run.
pub fn json(sc: &Scenario, acc: &Accumulator, target: f64, max_runs: u64) -> serde_json::Value {
    let h: serde_json::Map<String, serde_json::Value> = headlines(sc, acc)
        .into_iter()
        .map(|(name, k)| {
            let (lo, hi) = wilson(k, acc.runs, Z95);
            (
                name,
                serde_json::json!({ "successes": k, "runs": acc.runs, "wilson95": [lo, hi], "half_width": (hi - lo) / 2.0 }),
            )
        })
        .collect();
    let worst = worst_half_width(sc, acc);
    serde_json::json!({
        "target_half_width": target,
        "reached": worst <= target,
        "batch_runs": BATCH,
        "max_runs": max_runs,
        "runs_used": super::history::drawn(acc),
        "worst_half_width": worst,
        "headlines": h,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wilson_by_hand() {
        // k = 50 of n = 100: centre (0.5 + z²/200)/(1 + z²/100) = 0.5; half-width
        // z·√(0.0025 + z²/40000)/(1 + z²/100) = 0.096168…
        let (lo, hi) = wilson(50, 100, Z95);
        assert!((lo + hi - 1.0).abs() < 1e-12);
        assert!(((hi - lo) / 2.0 - 0.096_168_47).abs() < 1e-7, "{lo} {hi}");
        assert_eq!(wilson(0, 10, Z95).0, 0.0);
        assert_eq!(wilson(10, 10, Z95).1, 1.0);
        assert!(wilson(0, 10, Z95).1 > 0.2);
    }
}
