//! Everything `wedges` asks of the model and the engine, in one place, so that a change of
//! their API is adapted here and nowhere else.

use crate::engine::{Accumulator, Judged};
use crate::model::{Trajectory, Var};
use crate::scenario::Scenario;

/// Energy CO₂ of every year, 万t.
pub fn co2(tr: &Trajectory) -> &[f64] {
    tr.row(Var::Co2)
}

/// Whether the run has peaked by the scenario's `options.peak_by` (MODEL.md §7: on the series
/// `peak_on` names, with its plateau tolerance; "not peaked" is never a peak), as
/// `Accumulator::push` counts it.
pub fn peaked(sc: &Scenario, tr: &Trajectory) -> bool {
    tr.peak(&sc.spec.options).peaked_by
}

/// The target years "all modelled binding targets met" is judged in (MODEL.md §9): the
/// plan's.
pub fn binding_years(sc: &Scenario) -> &[i32] {
    sc.indicators.years()
}

/// Per target year, the binding **modelled** indicators the headline is judged on (those
/// with a target that year), as the engine's [`Judged`] has them.
pub fn binding(sc: &Scenario) -> Vec<Vec<usize>> {
    Judged::of(sc).modelled
}

/// Whether one run meets every binding modelled target of target year index `k` (`binding`
/// is that year's set), exactly as `Accumulator::push` decides `all_modelled[k]` (a test
/// holds the two together).
pub fn all_binding_met(
    sc: &Scenario,
    binding: &[usize],
    k: usize,
    values: &[f64],
    tr: &Trajectory,
) -> bool {
    binding.iter().all(|&i| {
        let Some(t) = sc.indicators.target(i, k) else {
            return false;
        };
        sc.indicators
            .value(i, &sc.spec, values, tr, sc.indicators.years()[k])
            .is_some_and(|x| sc.indicators.def(i).direction.met(x, t))
    })
}

/// The counts the engine keeps for the same measure, per target year (for the test that
/// ties them).
pub fn accumulator_binding_count(acc: &Accumulator) -> Vec<u64> {
    acc.all_modelled.clone()
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
        let samplers = engine::Draws::new(&sc);
        let b = binding(&sc);
        let judged = Judged::of(&sc);
        let mut acc = Accumulator::for_scenario(&sc);
        let mut values = vec![0.0; sc.params.len()];
        let mut tr = model::Trajectory::new(&sc.spec);
        let (mut met, mut pk) = (vec![0u64; 2], 0u64);
        for i in 0..400 {
            engine::draw(&samplers, 7, i, &mut values);
            model::simulate(&sc.spec, &values, &mut tr);
            acc.push(&sc, &judged, &values, &tr);
            for k in 0..2 {
                met[k] += u64::from(all_binding_met(&sc, &b[k], k, &values, &tr));
            }
            pk += u64::from(peaked(&sc, &tr));
        }
        assert_eq!(met, accumulator_binding_count(&acc));
        assert_eq!(pk, acc.peaked);
        // Both outcomes vary across runs, so the comparison could fail.
        assert!(pk > 0 && pk < 400, "{pk}");
    }
}
