//! The experiments scenario discovery works on: Monte Carlo states of the world drawn
//! exactly as `peakpath run` draws them, with the outcome of each.

use std::fmt;
use std::str::FromStr;

use rayon::prelude::*;

use crate::engine::{self, CHUNK};
use crate::model::{self, Trajectory};
use crate::scenario::Scenario;

/// An outcome of a run, as given on the command line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// `peaked_by_YYYY`: energy CO₂ peaked by the year (MODEL.md §7).
    PeakedBy(i32),
    /// `met:ID:YEAR`: indicator `ID` meets its target of `YEAR` (2025 or 2030).
    Met { id: String, year: i32 },
}

impl FromStr for Outcome {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        let bad = || {
            format!(
                "expected peaked_by_YYYY (e.g. peaked_by_2030) or met:ID:YEAR (e.g. met:5:2025), found \"{s}\""
            )
        };
        if let Some(y) = s.strip_prefix("peaked_by_") {
            return y.parse().map(Outcome::PeakedBy).map_err(|_| bad());
        }
        let mut parts = s.split(':');
        match (parts.next(), parts.next(), parts.next(), parts.next()) {
            (Some("met"), Some(id), Some(year), None) if !id.is_empty() => Ok(Outcome::Met {
                id: id.to_string(),
                year: year.parse().map_err(|_| bad())?,
            }),
            _ => Err(bad()),
        }
    }
}

impl fmt::Display for Outcome {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Outcome::PeakedBy(y) => write!(f, "peaked_by_{y}"),
            Outcome::Met { id, year } => write!(f, "met:{id}:{year}"),
        }
    }
}

impl Outcome {
    /// A short description of the outcome.
    pub fn describe(&self, zh: bool) -> String {
        match (self, zh) {
            (Outcome::PeakedBy(y), true) => format!("{y}年前碳达峰"),
            (Outcome::PeakedBy(y), false) => format!("peak by {y}"),
            (Outcome::Met { id, year }, true) => format!("指标{id}达到{year}年目标"),
            (Outcome::Met { id, year }, false) => format!("indicator {id} meets its {year} target"),
        }
    }

    /// Check the outcome against a scenario, so that every run can evaluate it.
    pub fn resolve(&self, sc: &Scenario) -> Result<Resolved, String> {
        let spec = &sc.spec;
        match self {
            Outcome::PeakedBy(y) => {
                if *y < spec.y0 || *y >= spec.y1 {
                    return Err(format!(
                        "--outcome {self}: expected a year from {} to {} (whether emissions peaked can only be judged from later years), found {y}",
                        spec.y0,
                        spec.y1 - 1
                    ));
                }
                Ok(Resolved::PeakedBy(*y))
            }
            Outcome::Met { id, year } => {
                let i = sc.indicators.find(id).ok_or_else(|| {
                    let ids: Vec<&str> =
                        sc.indicators.defs().iter().map(|d| d.id.as_str()).collect();
                    format!(
                        "--outcome {self}: no indicator \"{id}\"; expected one of {}",
                        ids.join(", ")
                    )
                })?;
                let k = engine::target_index(sc, *year).ok_or_else(|| {
                    format!(
                        "--outcome {self}: expected a target year of the plan {:?}, found {year}",
                        sc.indicators.years()
                    )
                })?;
                if sc.indicators.target(i, k).is_none() {
                    return Err(format!(
                        "--outcome {self}: indicator {id} has no {year} target in scenario {} (the plan leaves it to the province or city); give one in [indicators.{id}]",
                        sc.info.id
                    ));
                }
                // Modelled indicators are computed from the trajectory: judge them on the
                // simulated central run, not on an empty one.
                let medians = sc.medians();
                let mut probe = Trajectory::new(spec);
                model::simulate(spec, &medians, &mut probe);
                if sc
                    .indicators
                    .value(i, spec, &medians, &probe, *year)
                    .is_none()
                {
                    return Err(format!(
                        "--outcome {self}: scenario {} gives no path for indicator {id} ([indicators.{id}] path)",
                        sc.info.id
                    ));
                }
                Ok(Resolved::Met {
                    indicator: i,
                    target: k,
                })
            }
        }
    }
}

/// An outcome checked against a scenario.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Resolved {
    PeakedBy(i32),
    /// Indicator index into the scenario's plan and target-year index into its target years.
    Met {
        indicator: usize,
        target: usize,
    },
}

impl Resolved {
    /// Whether one run (its parameters and trajectory) achieves the outcome.
    pub fn holds(self, sc: &Scenario, values: &[f64], tr: &Trajectory) -> bool {
        match self {
            Resolved::PeakedBy(y) => {
                let mut o = sc.spec.options.clone();
                o.peak_by = y;
                tr.peak(&o).peaked_by
            }
            Resolved::Met { indicator, target } => {
                sc.indicators.met(indicator, target, &sc.spec, values, tr) == Some(true)
            }
        }
    }
}

/// Runs `0..runs` of `seed`: the uncertain inputs and whether the outcome failed.
#[derive(Debug, Clone, PartialEq)]
pub struct Experiments {
    /// Parameter indices of the inputs (the scenario's uncertain parameters, in order).
    pub inputs: Vec<usize>,
    /// `columns[j][run]`: the value of input `j` in each run.
    pub columns: Vec<Vec<f64>>,
    /// `failed[run]`: the outcome does not hold (the case of interest).
    pub failed: Vec<bool>,
}

/// Draw runs `0..runs` exactly as `peakpath run` does (`engine::draw` with the same seed),
/// simulate each and evaluate the outcome; in parallel on the current rayon pool. The result
/// depends only on the scenario, the outcome, the seed and the number of runs.
pub fn experiments(sc: &Scenario, outcome: Resolved, seed: u64, runs: u64) -> Experiments {
    let draws = engine::Draws::new(sc);
    let inputs = sc.uncertain.clone();
    let chunks = engine::chunks(0..runs, CHUNK);
    let parts: Vec<(Vec<bool>, Vec<f64>)> = chunks
        .par_iter()
        .map(|chunk| {
            let (lo, hi) = (chunk.start, chunk.end);
            let mut values = vec![0.0; sc.params.len()];
            let mut tr = Trajectory::new(&sc.spec);
            let mut failed = Vec::with_capacity((hi - lo) as usize);
            let mut rows = Vec::with_capacity((hi - lo) as usize * inputs.len());
            for i in lo..hi {
                engine::draw(&draws, seed, i, &mut values);
                model::simulate(&sc.spec, &values, &mut tr);
                // Runs outside the observed history are not states of the world (MODEL.md §11).
                if !crate::scenario::observed::check(&sc.observed, &tr, |_| {}) {
                    continue;
                }
                failed.push(!outcome.holds(sc, &values, &tr));
                rows.extend(inputs.iter().map(|&p| values[p]));
            }
            (failed, rows)
        })
        .collect();
    let n: usize = parts.iter().map(|p| p.0.len()).sum();
    let mut columns = vec![Vec::with_capacity(n); inputs.len()];
    let mut failed = Vec::with_capacity(n);
    for (f, rows) in parts {
        failed.extend(f);
        for row in rows.chunks(inputs.len().max(1)) {
            for (c, x) in columns.iter_mut().zip(row) {
                c.push(*x);
            }
        }
    }
    Experiments {
        inputs,
        columns,
        failed,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn outcome_syntax() {
        assert_eq!("peaked_by_2030".parse(), Ok(Outcome::PeakedBy(2030)));
        assert_eq!(
            "met:10a:2025".parse(),
            Ok(Outcome::Met {
                id: "10a".into(),
                year: 2025
            })
        );
        for bad in [
            "peaked_by_",
            "peak",
            "met:5",
            "met::2025",
            "met:5:2025:x",
            "met:5:y",
        ] {
            assert!(bad.parse::<Outcome>().is_err(), "{bad}");
        }
        assert_eq!(
            Outcome::Met {
                id: "5".into(),
                year: 2030
            }
            .to_string(),
            "met:5:2030"
        );
        let sc = Scenario::embedded("plan.toml").unwrap();
        assert!(Outcome::PeakedBy(2035).resolve(&sc).is_err());
        assert!(
            "met:99:2025"
                .parse::<Outcome>()
                .unwrap()
                .resolve(&sc)
                .is_err()
        );
        assert!(
            "met:5:2027"
                .parse::<Outcome>()
                .unwrap()
                .resolve(&sc)
                .is_err()
        );
        assert!(
            "met:5:2025"
                .parse::<Outcome>()
                .unwrap()
                .resolve(&sc)
                .is_ok()
        );
    }

    /// Every indicator that `run` evaluates (a target and a value in the central run) is a
    /// valid `met:ID:YEAR` outcome, modelled ones (computed from the trajectory) included.
    #[test]
    fn every_evaluated_indicator_resolves() {
        for file in ["baseline.toml", "plan.toml", "enhanced.toml"] {
            let sc = Scenario::embedded(file).unwrap();
            let tr = engine::central(&sc);
            let med = sc.medians();
            let mut n = 0;
            for (i, d) in sc.indicators.defs().iter().enumerate() {
                for (k, &year) in sc.indicators.years().iter().enumerate() {
                    if sc.indicators.met(i, k, &sc.spec, &med, &tr).is_none() {
                        continue;
                    }
                    n += 1;
                    let o = Outcome::Met {
                        id: d.id.to_string(),
                        year,
                    };
                    assert!(o.resolve(&sc).is_ok(), "{file}: {o}: {:?}", o.resolve(&sc));
                }
            }
            assert!(n >= 10, "{file}: only {n} evaluated indicators");
        }
        let sc = Scenario::embedded("plan.toml").unwrap();
        assert!(
            "met:2:2030"
                .parse::<Outcome>()
                .unwrap()
                .resolve(&sc)
                .is_ok()
        );
    }

    /// The failure rate of `peaked_by_2030` is 1 − P(peaked by 2030) of `run` with the same
    /// seed: the same draws.
    #[test]
    fn same_draws_as_run() {
        let sc = Scenario::embedded("plan.toml").unwrap();
        let runs = 1500;
        let e = experiments(&sc, Outcome::PeakedBy(2030).resolve(&sc).unwrap(), 7, runs);
        let acc = engine::monte_carlo(&sc, 7, 0..runs, &engine::Silent).unwrap();
        let fails = e.failed.iter().filter(|f| **f).count() as u64;
        assert_eq!(fails, runs - acc.peaked);
        assert_eq!(e.columns.len(), sc.uncertain.len());
        assert!(e.columns.iter().all(|c| c.len() == runs as usize));
        let mut v = vec![0.0; sc.params.len()];
        engine::draw(&engine::Draws::new(&sc), 7, 1234, &mut v);
        assert_eq!(e.columns[0][1234], v[sc.uncertain[0]]);
    }
}
