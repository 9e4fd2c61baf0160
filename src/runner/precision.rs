//! `run --precision H`: Monte Carlo in fixed, seed-determined batches until the Wilson 95 %
//! interval of every headline probability has a half-width of at most `H` (MODEL.md §9).
//!
//! Intervals are `crate::stats::wilson` (MODEL.md §9, z = 1.959964).
//!
//! Batches are the run indices `[b·B, (b+1)·B)` with `B` = [`BATCH`] drawn runs, whatever the
//! thread count; after each batch the headline counts are checked, so the number of runs
//! used, and every output byte, depend only on the scenario, the seed and `H`.

use crate::engine::Accumulator;
use crate::scenario::Scenario;
use crate::stats::wilson;

/// Drawn runs per precision batch.
pub const BATCH: u64 = 10_000;
/// Default upper bound on drawn runs when `--precision` is given.
pub const DEFAULT_MAX_RUNS: u64 = 100_000_000;

/// The headline probabilities of MODEL.md §9 as (name, successes) over `acc.runs` kept runs:
/// P(peaked by …), P(not peaked), P(rebound) and, for each target year with a judged
/// binding indicator, P(all modelled binding targets met) and P(all binding targets met,
/// assumed indicators included).
pub fn headlines(sc: &Scenario, acc: &Accumulator) -> Vec<(String, u64)> {
    let mut v = vec![
        (
            format!("p_peaked_by_{}", sc.spec.options.peak_by),
            acc.peaked,
        ),
        ("p_not_peaked".into(), acc.not_peaked),
        ("p_rebound".into(), acc.rebound),
    ];
    // P(peaked by …) in its two parts (MODEL.md §7).
    let parts = crate::output::PeakParts::of(sc, acc);
    v.push(("p_peak_in_window".into(), parts.window));
    v.push(("p_declining_from_base_year".into(), parts.declining));
    for (k, y) in sc.indicators.years().iter().enumerate() {
        if !sc.indicators.binding(k, true).judged.is_empty() {
            v.push((
                format!("p_all_modelled_binding_{y}_met"),
                acc.all_modelled[k],
            ));
        }
    }
    v
}

/// The largest Wilson 95 % half-width over the headline probabilities (1 with no kept run).
pub fn worst_half_width(sc: &Scenario, acc: &Accumulator) -> f64 {
    headlines(sc, acc)
        .iter()
        .map(|(_, k)| {
            let (lo, hi) = wilson(*k, acc.runs);
            (hi - lo) / 2.0
        })
        .fold(0.0, f64::max)
}

/// What `run.json` says about a precision run.
pub fn json(sc: &Scenario, acc: &Accumulator, target: f64, max_runs: u64) -> serde_json::Value {
    let h: serde_json::Map<String, serde_json::Value> = headlines(sc, acc)
        .into_iter()
        .map(|(name, k)| {
            let (lo, hi) = wilson(k, acc.runs);
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
