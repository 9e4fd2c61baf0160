//! Energy as the targets assess it (MODEL.md §6a, docs/model.md §6a): the assessed energy of
//! every year under each rule, the assessed series of the 2025 and 2030 targets, and the
//! declines that indicators 1 and 14 (or a plan's `assessed:*` indicators) are judged on.

use super::{Assessment, ModelSpec, Trajectory, Var};

/// Energy as the targets assess it (MODEL.md §6a): for the 2025 and 2030 targets, the
/// assessed energy and energy intensity of every year under the rule of that target year and
/// its period's first year `b` (clamped to the horizon), and industry's assessed intensity.
/// (Other target years are assessed where they are judged: [`assessed_declines`].)
pub(super) fn assess(s: &ModelSpec, out: &mut Trajectory) {
    use Var::*;
    const VARS_K: [(i32, [Var; 3]); 2] = [
        (
            2025,
            [
                AssessedEnergy2025,
                AssessedIntensity2025,
                AssessedIndustry2025,
            ],
        ),
        (
            2030,
            [
                AssessedEnergy2030,
                AssessedIntensity2030,
                AssessedIndustry2030,
            ],
        ),
    ];
    for (year, [ve, vi, vind]) in VARS_K {
        let rule = s.options.rule(year);
        let tb = period_start(out, year);
        for t in 0..out.n_years {
            let (energy, ind) = assessed_at(out, rule, tb, t);
            out.set(ve, t, energy);
            out.set(vi, t, energy / out.get(Gdp, t));
            out.set(vind, t, ind / out.get(VaIndustry, t));
        }
    }
}

/// The length of a plan period in years: a target's decline is measured from `year −
/// PLAN_PERIOD` (MODEL.md §8: 2020 for 2025, 2025 for 2030).
pub const PLAN_PERIOD: i32 = 5;

/// The index of the first year `b` of target year `year`'s plan period, clamped to the
/// horizon.
fn period_start(out: &Trajectory, year: i32) -> usize {
    let b = year - PLAN_PERIOD;
    usize::try_from(b - out.y0)
        .unwrap_or(0)
        .min(out.n_years - 1)
}

/// The energy `rule` counts in year index `t` (less feedstock), and industry's energy as it
/// counts it, for a plan period starting at index `tb` (MODEL.md §6a).
#[inline]
fn assessed_at(out: &Trajectory, rule: Assessment, tb: usize, t: usize) -> (f64, f64) {
    use Var::*;
    let phi = |t: usize| {
        let e = out.get(ElecConsumption, t);
        if e > 0.0 {
            out.get(NonfossilElec, t) / e
        } else {
            0.0
        }
    };
    let kk = out.get(KElec, t) / 10.0;
    let fs = out.get(Feedstock, t);
    let nfe = out.get(NonfossilElec, t);
    let counted = match rule {
        Assessment::Total => out.get(Tec, t),
        Assessment::NewRenewablesExcluded => {
            out.get(Tec, t) - kk * (nfe - out.get(NonfossilElec, tb)).max(0.0)
        }
        Assessment::FossilOnly => {
            out.get(FinalCoal, t)
                + out.get(FinalOil, t)
                + out.get(FinalGas, t)
                + kk * (out.get(ElecConsumption, t) - nfe)
        }
    };
    let energy = counted - fs;
    let ind_nf = out.get(ElecIndustry, t) * phi(t);
    let x = out.get(IndustryEnergy, t) - fs;
    let ind = match rule {
        Assessment::Total => x,
        Assessment::NewRenewablesExcluded => {
            let ind_nf_b = out.get(ElecIndustry, tb) * phi(tb);
            x - kk * (ind_nf - ind_nf_b).max(0.0)
        }
        Assessment::FossilOnly => x - kk * ind_nf,
    };
    (energy, ind)
}

/// Energy intensity as target year `y` assesses it (MODEL.md §6a): year `y`'s assessed energy
/// under `rule`, for `y`'s plan period, over GDP (tce/万元). For 2025 and 2030 under the
/// scenario's rules this is `assessed_intensity_2025` and `_2030` of trajectories.csv.
/// `None` outside the horizon.
pub fn assessed_intensity(out: &Trajectory, rule: Assessment, y: i32) -> Option<f64> {
    let t = out.index(y)?;
    let (e, _) = assessed_at(out, rule, period_start(out, y), t);
    Some(e / out.get(Var::Gdp, t))
}

/// Indicators 1 (energy intensity) and 14 (industrial energy per value added) of target year
/// `y` under `rule`, as % declines over the plan period (MODEL.md §6a, §8): the values
/// the indicator table gives under the scenario's own rule, and the other two rules beside
/// them. `None` where the period's start is outside the horizon or its value is 0.
pub fn assessed_declines(out: &Trajectory, rule: Assessment, y: i32) -> [Option<f64>; 2] {
    use Var::*;
    let start = y - PLAN_PERIOD;
    let (Some(t1), Some(t0)) = (out.index(y), out.index(start)) else {
        return [None, None];
    };
    let tb = period_start(out, y);
    let intensity = |t: usize| {
        let (e, ind) = assessed_at(out, rule, tb, t);
        [e / out.get(Gdp, t), ind / out.get(VaIndustry, t)]
    };
    let (a, b) = (intensity(t0), intensity(t1));
    [0, 1].map(|i| (a[i] != 0.0).then(|| 100.0 * (1.0 - b[i] / a[i])))
}
