//! Everything `wedges` asks of the model and the engine, in one place, so that a change of
//! their API (the model's v2: "not peaked" as its own category, per-year counts of "all
//! modelled binding targets met") is adapted here and nowhere else.

use crate::engine::Accumulator;
use crate::indicators::{INDICATORS, TARGET_YEARS};
use crate::model::{Trajectory, Var};
use crate::scenario::Scenario;

/// Energy CO₂ of every year, 万t.
pub fn co2(tr: &Trajectory) -> &[f64] {
    tr.row(Var::Co2)
}

/// Whether energy CO₂ has peaked by the scenario's `options.peak_by` (MODEL.md §7), as
/// `Accumulator::push` counts it.
pub fn peaked(sc: &Scenario, tr: &Trajectory) -> bool {
    tr.peaked_by(sc.spec.options.peak_by)
}

/// The target years "all modelled binding targets met" is judged in.
///
/// TO BE SWITCHED with the model's v2: the Accumulator then counts runs meeting every
/// modelled binding target per year (2025 and 2030); until then it counts 2025 only
/// (`Accumulator::all_binding_2025`), and so does this adapter.
pub const BINDING_YEARS: [i32; 1] = [2025];

/// The binding indicators the scenario can evaluate in 2025 (see [`BINDING_YEARS`]).
pub fn binding(sc: &Scenario) -> Vec<usize> {
    sc.indicators.binding_2025()
}

/// Whether one run meets every binding target of [`BINDING_YEARS`], exactly as
/// `Accumulator::push` decides `all_binding_2025` (a test holds the two together).
/// TO BE SWITCHED with the model's v2 (per-year "all modelled binding targets met").
pub fn all_binding_met(sc: &Scenario, binding: &[usize], values: &[f64], tr: &Trajectory) -> bool {
    binding.iter().all(|&i| {
        let Some(t) = sc.indicators.target(i, 0) else {
            return false;
        };
        sc.indicators
            .value(i, &sc.spec, values, tr, TARGET_YEARS[0])
            .is_some_and(|x| INDICATORS[i].direction.met(x, t))
    })
}

/// The count the engine keeps for the same measure (for the test that ties them).
pub fn accumulator_binding_count(acc: &Accumulator) -> u64 {
    acc.all_binding_2025
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine;
    use crate::model;

    /// The adapter's per-run verdicts add up to the engine's own counts, run for run.
    #[test]
    fn per_run_verdicts_match_the_accumulator() {
        let sc = Scenario::embedded("plan.toml").unwrap();
        let samplers = sc.samplers();
        let b = binding(&sc);
        let mut acc = Accumulator::new(sc.spec.n_years());
        let mut values = vec![0.0; sc.params.len()];
        let mut tr = model::Trajectory::new(&sc.spec);
        let (mut met, mut pk) = (0u64, 0u64);
        for i in 0..400 {
            engine::draw(&samplers, 7, i, &mut values);
            model::simulate(&sc.spec, &values, &mut tr);
            acc.push(&sc, &b, &values, &tr);
            met += u64::from(all_binding_met(&sc, &b, &values, &tr));
            pk += u64::from(peaked(&sc, &tr));
        }
        assert_eq!(met, accumulator_binding_count(&acc));
        assert_eq!(pk, acc.peaked);
        // Both outcomes vary across runs, so the comparison could fail.
        assert!(pk > 0 && pk < 400, "{pk}");
    }
}
