//! Monte Carlo that also hands back one row per run (for `run --save-draws`): the same
//! draws, model runs and statistics as [`super::monte_carlo_with`], plus each run's inputs
//! and chosen outcomes in run-index order.

use std::ops::Range;
use std::sync::atomic::{AtomicBool, Ordering};

use rayon::prelude::*;

use super::{Accumulator, CHUNK, Draws, Job, Observer, chunks};
use crate::model::Trajectory;
use crate::scenario::Scenario;

/// What goes into a run's row besides its index and inputs: `(values, trajectory, kept)` →
/// outcome values appended to the row.
pub type RowFn<'a> = dyn Fn(&[f64], &Trajectory, bool, &mut Vec<f64>) + Sync + 'a;

/// Runs `range`: their merged statistics and their rows, `[index, uncertain inputs…,
/// outcomes…]` each, concatenated in index order; `None` if the observer asked to stop.
pub fn monte_carlo_rows(
    sc: &Scenario,
    draws: &Draws,
    seed: u64,
    range: Range<u64>,
    obs: &dyn Observer,
    row: &RowFn,
) -> Option<(Accumulator, Vec<f64>)> {
    let job = Job::new(sc, draws, seed);
    let chunks = chunks(range, CHUNK);
    let stopped = AtomicBool::new(false);
    let parts: Vec<Option<(Accumulator, Vec<f64>)>> = chunks
        .par_iter()
        .map_init(
            || (vec![0.0; sc.params.len()], Trajectory::new(&sc.spec)),
            |(values, tr), chunk| {
                if stopped.load(Ordering::Relaxed) || obs.should_stop() {
                    stopped.store(true, Ordering::Relaxed);
                    return None;
                }
                let mut acc = Accumulator::for_scenario(sc);
                let mut rows = Vec::new();
                for i in chunk.clone() {
                    let kept = job.run(i, &mut acc, values, tr);
                    rows.push(i as f64);
                    rows.extend(sc.uncertain.iter().map(|&p| values[p]));
                    row(values, tr, kept, &mut rows);
                }
                obs.advance(chunk.end - chunk.start);
                Some((acc, rows))
            },
        )
        .collect();
    if stopped.load(Ordering::Relaxed) || parts.iter().any(Option::is_none) {
        return None;
    }
    let mut acc = Accumulator::for_scenario(sc);
    let mut rows = Vec::new();
    for (a, r) in parts.into_iter().flatten() {
        acc.merge_drawn(&a);
        rows.extend(r);
    }
    Some((acc, rows))
}
