//! The levers the page shows: every parameter of the scenario, grouped by the table it is
//! written in, with its unit, distribution and a slider range; and the ranking of the
//! uncertain inputs by their Sobol' total effect on energy CO₂ in the peak year of the plan
//! (`co2:2030` for the shipped scenarios), computed once at start-up.

use std::time::Instant;

use rayon::prelude::*;
use serde_json::{Value, json};

use crate::model::{self, Trajectory, Var};
use crate::report::Lang;
use crate::scenario::source::is_year_key;
use crate::scenario::{Dist, Scenario};
use crate::sensitivity::{SobolOptions, saltelli_base, saltelli_source, sobol_analyze};

/// Sobol' base rows of the start-up ranking: `N·(k+2)` model runs (86,016 for the plan's 82
/// inputs), a fraction of a second; enough to order the inputs, not to quote their indices.
pub const RANK_SAMPLES: usize = 1024;

/// The ranking of the uncertain inputs for one outcome.
pub struct Influence {
    /// Outcome, e.g. `co2:2030`.
    pub outcome: String,
    /// `(parameter index, ST)`, largest ST first.
    pub ranking: Vec<(usize, f64)>,
    pub model_runs: usize,
    pub elapsed_s: f64,
}

/// Sobol' total effects (Jansen) of every uncertain input on energy CO₂ in `year`, on a
/// Saltelli design of [`RANK_SAMPLES`] base rows, evaluated on `pool`.
pub fn influence(sc: &Scenario, year: i32, seed: u64, pool: &rayon::ThreadPool) -> Influence {
    let started = Instant::now();
    let k = sc.uncertain.len();
    let n = RANK_SAMPLES;
    let outcome = format!("co2:{year}");
    let empty = |elapsed_s| Influence {
        outcome: outcome.clone(),
        ranking: Vec::new(),
        model_runs: 0,
        elapsed_s,
    };
    let Ok(base) = saltelli_base(k, n, seed) else {
        // No uncertain input (or more than the design supports): no ranking.
        return empty(started.elapsed().as_secs_f64());
    };
    let outputs: Vec<f64> = pool.install(|| {
        // Inputs of base row r (A | B) mapped through the quantile functions.
        let rows: Vec<Vec<f64>> = base
            .rows
            .par_iter()
            .map(|row| {
                row.iter()
                    .enumerate()
                    .map(|(c, &p)| sc.params[sc.uncertain[c % k]].dist.quantile(p))
                    .collect()
            })
            .collect();
        (0..n * (k + 2))
            .into_par_iter()
            .map_init(
                || (sc.medians(), Trajectory::new(&sc.spec)),
                |(values, tr), j| {
                    let (r, block) = saltelli_source(n, j);
                    let row = &rows[r];
                    for (c, &p) in sc.uncertain.iter().enumerate() {
                        values[p] = block.column(row, k, c);
                    }
                    model::simulate(&sc.spec, values, tr);
                    tr.at(Var::Co2, year).unwrap_or(0.0)
                },
            )
            .collect()
    });
    let opts = SobolOptions {
        n_boot: 0,
        confidence: 0.95,
        seed,
    };
    let Ok(idx) = sobol_analyze(k, &outputs, &opts) else {
        return empty(started.elapsed().as_secs_f64());
    };
    let mut ranking: Vec<(usize, f64)> = idx
        .iter()
        .enumerate()
        .map(|(c, s)| (sc.uncertain[c], s.st))
        .collect();
    ranking.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
    Influence {
        outcome,
        ranking,
        model_runs: outputs.len(),
        elapsed_s: started.elapsed().as_secs_f64(),
    }
}

/// The table a parameter is written in, as the page groups it: the path without its field
/// and the field's milestone or `delivery` (`power.pv.capacity_mw.2030` → `power.pv`,
/// `demand.industry.mix.delivery` → `demand.industry`, `economy.growth.2030` → `economy`).
pub fn group_of(path: &str) -> String {
    let segs: Vec<&str> = path.split('.').collect();
    let field = segs
        .iter()
        .rposition(|s| !is_year_key(s) && *s != "delivery")
        .unwrap_or(0);
    segs[..field].join(".")
}

/// A slider range for a parameter: the distribution's range when uncertain (±3 σ for an
/// untruncated normal or a lognormal); for a fixed value, [0, 1] for fractions, [0, 100] for
/// percentages, else from 0 to twice the value.
pub fn slider_range(unit: &str, d: &Dist) -> (f64, f64) {
    match *d {
        Dist::Fixed { value } => {
            if unit.starts_with("fraction")
                && (0.0..=1.0).contains(&value)
                && unit != "fraction per year"
            {
                (0.0, 1.0)
            } else if unit == "%" && (0.0..=100.0).contains(&value) {
                (0.0, 100.0)
            } else if value > 0.0 {
                (0.0, 2.0 * value)
            } else if value < 0.0 {
                (2.0 * value, 0.0)
            } else if unit.starts_with("fraction") {
                (0.0, 1.0)
            } else {
                (0.0, 100.0)
            }
        }
        Dist::Normal { mean, sd, min, max } => (
            min.unwrap_or(mean - 3.0 * sd),
            max.unwrap_or(mean + 3.0 * sd),
        ),
        Dist::Lognormal { median, sigma } => {
            (median * (-3.0 * sigma).exp(), median * (3.0 * sigma).exp())
        }
        _ => d.support(),
    }
}

/// Every parameter as a lever, in file order, with its group and ST (uncertain ones).
pub fn levers(sc: &Scenario, inf: &Influence) -> Vec<Value> {
    sc.params
        .iter()
        .enumerate()
        .map(|(i, p)| {
            let (min, max) = slider_range(p.unit, &p.dist);
            let st = inf.ranking.iter().find(|(j, _)| *j == i).map(|r| r.1);
            let rank = inf.ranking.iter().position(|(j, _)| *j == i).map(|r| r + 1);
            json!({
                "path": p.path,
                "name_zh": sc.input_name(i, Lang::Zh),
                "name_en": sc.input_name(i, Lang::En),
                "group": group_of(&p.path),
                "group_zh": group_title(sc, &group_of(&p.path), Lang::Zh),
                "group_en": group_title(sc, &group_of(&p.path), Lang::En),
                "unit": p.unit,
                "unit_zh": crate::report::unit(p.unit, Lang::Zh),
                "unit_en": crate::report::unit(p.unit, Lang::En),
                "dist": p.dist.to_syntax(),
                "uncertain": !p.dist.is_fixed(),
                "median": p.dist.median(),
                "min": min,
                "max": max,
                "st": st,
                "rank": rank,
                "note": sc.param_note(i),
            })
        })
        .collect()
}

/// A group's title in `lang`: an indicator's id and name, a project's name, else the
/// group's path in words (see [`crate::names::group_name`]).
fn group_title(sc: &Scenario, group: &str, lang: Lang) -> String {
    use crate::names::{Known, group_name};
    let segs: Vec<&str> = group.split('.').collect();
    let head = group_name(segs[0], lang);
    match (segs.first(), segs.get(1)) {
        (Some(&"indicators"), Some(id)) => match sc.indicator(id, lang) {
            Some(n) => format!("{head} {id} {n}"),
            None => format!("{head} {id}"),
        },
        (Some(&"projects"), Some(id)) => match sc.project(id, lang) {
            Some(n) => format!("{head} · {n}"),
            None => group_name(group, lang),
        },
        _ => group_name(group, lang),
    }
}

/// The scenario's options the page offers as choices.
pub fn options(sc: &Scenario) -> Value {
    let o = &sc.spec.options;
    json!([
        { "path": "options.grid_basis", "value": o.grid_basis.name(), "choices": ["provincial", "regional", "national"] },
        { "path": "options.electricity_accounting", "value": sc.resolved["options"]["electricity_accounting"].as_str().unwrap_or("coal_equivalent"), "choices": ["coal_equivalent", "calorific"] },
        { "path": "options.credit_exports", "value": o.credit_exports, "choices": [false, true] },
    ])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn groups_are_the_tables_of_the_file() {
        assert_eq!(group_of("power.pv.capacity_mw.2030"), "power.pv");
        assert_eq!(group_of("demand.industry.mix.delivery"), "demand.industry");
        assert_eq!(group_of("economy.growth.2030"), "economy");
        assert_eq!(
            group_of("grid.emission_factor.provincial.2030"),
            "grid.emission_factor"
        );
        assert_eq!(group_of("indicators.10a.path.2025"), "indicators.10a");
        assert_eq!(group_of("electricity.loss"), "electricity");
    }

    #[test]
    fn growth_drives_co2_2030_more_than_wetlands() {
        let sc = Scenario::embedded("plan.toml").unwrap();
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(2)
            .build()
            .unwrap();
        let inf = influence(&sc, 2030, 1, &pool);
        assert_eq!(inf.ranking.len(), sc.uncertain.len());
        assert_eq!(inf.model_runs, RANK_SAMPLES * (sc.uncertain.len() + 2));
        let st = |path: &str| {
            let i = sc.params.iter().position(|p| p.path == path).unwrap();
            inf.ranking.iter().find(|r| r.0 == i).unwrap().1
        };
        // Wetland sinks do not enter energy CO₂ at all; growth to 2030 does, strongly.
        assert!(
            st("economy.growth.2030") > 0.05,
            "{}",
            st("economy.growth.2030")
        );
        assert!(st("sinks.wetland_rate").abs() < 1e-9);
        assert!(inf.ranking.windows(2).all(|w| w[0].1 >= w[1].1));
    }
}
