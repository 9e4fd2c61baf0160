//! The measures of every combination of actions, attributed to the actions.
//!
//! Energy CO₂ and the indicators come from the central run of each combination (every
//! distribution at its median). The probabilities come from Monte Carlo with common random
//! numbers: run `i` of every combination draws each uncertain parameter from ChaCha8 keyed
//! by the seed, on stream `i`, at a word position fixed by the parameter's field path, so a
//! parameter has the same draw in every combination that holds it with the same
//! distribution. Each run is a game of its own (a 0/1 outcome per combination); Shapley
//! values are linear, so the attribution is the mean of the runs' attributions, and its
//! Monte Carlo error is their standard error. `n!` times a run's Shapley values are
//! integers, summed exactly: the thread count does not change a single bit.

use std::sync::atomic::{AtomicBool, Ordering};

use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;
use rayon::prelude::*;

use crate::engine::{self, Observer};
use crate::error::Error;

use crate::model::{self, Trajectory, Var};
use crate::scenario::{Sampler, Scenario};

use super::adapter;
use super::game::Game;
use super::shapley::{factorial, sequential, shapley, shapley_scaled, weights};

/// What is measured.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Kind {
    /// Energy CO₂ in a year.
    Co2,
    /// Energy CO₂ summed over `from..=year`.
    Co2Cumulative { from: i32 },
    /// An indicator's value in a target year (index into the scenario's plan).
    Indicator(usize),
    /// P(energy CO₂ peaked by `options.peak_by`).
    PPeaked,
    /// P(every modelled binding target of the year met).
    PBindingMet,
}

/// One measure of `wedges.csv`.
#[derive(Debug, Clone)]
pub struct Measure {
    pub id: String,
    pub year: i32,
    pub unit: &'static str,
    pub zh: String,
    pub en: String,
    pub kind: Kind,
}

/// The measures of the central runs, for a horizon `y0..=y1`: energy CO₂ every year, its sum
/// over 2021–2030, and every modelled indicator of the plan (for Huzhu's: energy and CO₂
/// intensity, coal, the non-fossil share, industrial energy intensity) in each target year.
pub fn central_measures(y0: i32, y1: i32, ind: &crate::indicators::IndicatorSet) -> Vec<Measure> {
    let mut m: Vec<Measure> = (y0..=y1)
        .map(|y| Measure {
            id: "co2".into(),
            year: y,
            unit: "万t CO2",
            zh: format!("能源活动CO₂排放 {y}"),
            en: format!("Energy CO₂ {y}"),
            kind: Kind::Co2,
        })
        .collect();
    if y0 < 2021 && y1 >= 2030 {
        m.push(Measure {
            id: "co2_cumulative_2021_2030".into(),
            year: 2030,
            unit: "万t CO2",
            zh: "2021–2030年累计能源活动CO₂排放".into(),
            en: "Cumulative energy CO₂ 2021–2030".into(),
            kind: Kind::Co2Cumulative { from: 2021 },
        });
    }
    for (i, d) in ind.defs().iter().enumerate().filter(|(_, d)| d.modelled()) {
        let id = &d.id;
        for &y in ind.years() {
            m.push(Measure {
                id: format!("indicator_{id}"),
                year: y,
                unit: crate::indicators::plan::intern(&d.unit),
                zh: format!("指标{id} {} {y}", d.name_zh),
                en: format!("Indicator {id} {} {y}", d.name_en),
                kind: Kind::Indicator(i),
            });
        }
    }
    m
}

/// The Monte Carlo measures of a scenario.
pub fn mc_measures(sc: &Scenario) -> Vec<Measure> {
    let by = sc.spec.options.peak_by;
    let mut m = vec![Measure {
        id: format!("p_peaked_by_{by}"),
        year: by,
        unit: "probability",
        zh: format!("{by}年前达峰的概率"),
        en: format!("P(peaked by {by})"),
        kind: Kind::PPeaked,
    }];
    for &y in adapter::binding_years(sc) {
        m.push(Measure {
            id: "p_all_binding_met".into(),
            year: y,
            unit: "probability",
            zh: format!("{y}年约束性目标全部达成的概率"),
            en: format!("P(all modelled binding {y} targets met)"),
            kind: Kind::PBindingMet,
        });
    }
    m
}

/// A central-run measure of one combination (NaN where the scenario cannot say).
fn central_value(sc: &Scenario, values: &[f64], tr: &Trajectory, m: &Measure) -> f64 {
    match m.kind {
        Kind::Co2 => tr.at(Var::Co2, m.year).unwrap_or(f64::NAN),
        Kind::Co2Cumulative { from } => (from..=m.year)
            .map(|y| tr.at(Var::Co2, y).unwrap_or(f64::NAN))
            .sum(),
        Kind::Indicator(i) => sc
            .indicators
            .value(i, &sc.spec, values, tr, m.year)
            .unwrap_or(f64::NAN),
        Kind::PPeaked | Kind::PBindingMet => f64::NAN,
    }
}

/// One measure attributed to the players (all players, in order; null players get 0).
#[derive(Debug, Clone)]
pub struct Attribution {
    pub measure: Measure,
    /// The measure with none of the actions (the parent) and with all (the scenario).
    pub parent: f64,
    pub scenario: f64,
    pub shapley: Vec<f64>,
    pub sequential: Vec<f64>,
    /// Monte Carlo standard errors (probabilities only).
    pub shapley_se: Option<Vec<f64>>,
    pub sequential_se: Option<Vec<f64>>,
    pub total_se: Option<f64>,
}

impl Attribution {
    pub fn total(&self) -> f64 {
        self.scenario - self.parent
    }
}

/// Spread the active players' values over all players (null players: exactly 0).
fn spread(game: &Game, active_vals: &[f64]) -> Vec<f64> {
    let mut out = vec![0.0; game.players.len()];
    for (j, &p) in game.active.iter().enumerate() {
        out[p] = active_vals[j];
    }
    out
}

/// Attribute the central-run measures.
pub fn attribute_central(game: &Game) -> Vec<Attribution> {
    let spec = &game.combos[0].spec;
    let measures = central_measures(spec.y0, spec.y1, &game.combos[0].indicators);
    let k = game.active.len();
    // values[mask][measure]
    let table: Vec<Vec<f64>> = game
        .combos
        .iter()
        .map(|sc| {
            let v = sc.medians();
            let tr = engine::central(sc);
            measures
                .iter()
                .map(|m| central_value(sc, &v, &tr, m))
                .collect()
        })
        .collect();
    measures
        .into_iter()
        .enumerate()
        .map(|(j, m)| {
            let v: Vec<f64> = table.iter().map(|row| row[j]).collect();
            Attribution {
                parent: v[0],
                scenario: v[v.len() - 1],
                shapley: spread(game, &shapley(k, &v)),
                sequential: spread(game, &sequential(k, &v)),
                shapley_se: None,
                sequential_se: None,
                total_se: None,
                measure: m,
            }
        })
        .collect()
}

/// The central run of the parent and of the scenario (for the charts).
pub fn end_trajectories(game: &Game) -> (Trajectory, Trajectory) {
    (
        engine::central(&game.combos[0]),
        engine::central(&game.combos[game.combos.len() - 1]),
    )
}

/// Each distinct (field path, distribution) of all combinations, with its sub-stream.
struct Crn {
    /// Word position in the run's ChaCha8 stream and the sampler.
    uniq: Vec<(u128, Sampler)>,
    /// `map[mask][param]`: index into `uniq`.
    map: Vec<Vec<usize>>,
}

/// FNV-1a, 64 bits: a stable hash of a field path (no dependence on the Rust version).
fn fnv1a(s: &str) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in s.bytes() {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    h
}

/// Each path owns 2^24 words of the run's stream (far more than a draw consumes), at one
/// of 2^44 positions: ChaCha8 streams hold 2^68 words.
fn word_pos(path: &str) -> u128 {
    u128::from(fnv1a(path) & ((1 << 44) - 1)) << 24
}

fn crn(game: &Game) -> Result<Crn, Error> {
    let mut keys: Vec<(String, String)> = Vec::new();
    let mut uniq: Vec<(u128, Sampler)> = Vec::new();
    let mut map = Vec::with_capacity(game.combos.len());
    for sc in &game.combos {
        let mut m = Vec::with_capacity(sc.params.len());
        for p in &sc.params {
            let key = (p.path.clone(), p.dist.to_syntax());
            let u = match keys.iter().position(|k| *k == key) {
                Some(u) => u,
                None => {
                    keys.push(key);
                    uniq.push((word_pos(&p.path), Sampler::new(&p.dist)));
                    uniq.len() - 1
                }
            };
            m.push(u);
        }
        map.push(m);
    }
    for (i, a) in keys.iter().enumerate() {
        if let Some(b) = keys[..i]
            .iter()
            .find(|b| b.0 != a.0 && word_pos(&b.0) == word_pos(&a.0))
        {
            return Err(Error::Other(format!(
                "wedges: the random sub-streams of `{}` and `{}` coincide; rename one field",
                a.0, b.0
            )));
        }
    }
    Ok(Crn { uniq, map })
}

/// Exact integer sums over runs, per measure: `n!`·Shapley (k), sequential (k), total,
/// parent, scenario; each with its sum of squares.
#[derive(Clone)]
struct Sums {
    sum: Vec<i128>,
    sq: Vec<i128>,
}

impl Sums {
    fn new(len: usize) -> Sums {
        Sums {
            sum: vec![0; len],
            sq: vec![0; len],
        }
    }
    fn add(&mut self, i: usize, x: i64) {
        self.sum[i] += i128::from(x);
        self.sq[i] += i128::from(x) * i128::from(x);
    }
    fn merge(mut self, o: &Sums) -> Sums {
        for (a, b) in self.sum.iter_mut().zip(&o.sum) {
            *a += b;
        }
        for (a, b) in self.sq.iter_mut().zip(&o.sq) {
            *a += b;
        }
        self
    }
    /// Mean and standard error of the mean of slot `i`, divided by `scale`.
    fn mean_se(&self, i: usize, runs: u64, scale: f64) -> (f64, f64) {
        let n = runs as f64;
        let mean = self.sum[i] as f64 / n;
        let var = if runs > 1 {
            ((self.sq[i] as f64 / n - mean * mean) * n / (n - 1.0)).max(0.0)
        } else {
            0.0
        };
        (mean / scale, (var / n).sqrt() / scale)
    }
}

/// Runs per work item.
const CHUNK: u64 = 64;

/// Attribute the Monte Carlo measures over runs `0..runs` of `seed`; `None` when the
/// observer asked to stop.
pub fn attribute_mc(
    game: &Game,
    runs: u64,
    seed: u64,
    obs: &dyn Observer,
) -> Result<Option<Vec<Attribution>>, Error> {
    let crn = crn(game)?;
    let measures = mc_measures(&game.scenario);
    let k = game.active.len();
    let nc = game.combos.len();
    let w = weights(k);
    let slots = 2 * k + 3;
    let binding: Vec<Vec<Vec<usize>>> = game.combos.iter().map(adapter::binding).collect();
    let max_params = game
        .combos
        .iter()
        .map(|c| c.params.len())
        .max()
        .unwrap_or(0);
    let chunks = engine::chunks(0..runs, CHUNK);
    let stopped = AtomicBool::new(false);
    let sums = chunks
        .par_iter()
        .fold(
            || {
                (
                    Sums::new(measures.len() * slots),
                    vec![0.0; crn.uniq.len()],
                    vec![0.0; max_params],
                    Trajectory::new(&game.combos[0].spec),
                    vec![vec![0i64; nc]; measures.len()],
                    vec![0i64; k],
                )
            },
            |(mut sums, mut draws, mut values, mut tr, mut out, mut phi), chunk| {
                if stopped.load(Ordering::Relaxed) || obs.should_stop() {
                    stopped.store(true, Ordering::Relaxed);
                    return (sums, draws, values, tr, out, phi);
                }
                for run in chunk.clone() {
                    let mut rng = ChaCha8Rng::seed_from_u64(seed);
                    rng.set_stream(run);
                    for (d, (pos, s)) in draws.iter_mut().zip(&crn.uniq) {
                        *d = match s {
                            Sampler::Fixed(v) => *v,
                            _ => {
                                rng.set_word_pos(*pos);
                                s.draw(&mut rng)
                            }
                        };
                    }
                    for (mask, sc) in game.combos.iter().enumerate() {
                        let v = &mut values[..sc.params.len()];
                        for (x, &u) in v.iter_mut().zip(&crn.map[mask]) {
                            *x = draws[u];
                        }
                        model::simulate(&sc.spec, v, &mut tr);
                        for (o, m) in out.iter_mut().zip(&measures) {
                            o[mask] = i64::from(match m.kind {
                                Kind::PPeaked => adapter::peaked(sc, &tr),
                                _ => {
                                    let years = adapter::binding_years(sc);
                                    let k = years.iter().position(|&y| y == m.year).unwrap_or(0);
                                    adapter::all_binding_met(sc, &binding[mask][k], k, v, &tr)
                                }
                            });
                        }
                    }
                    for (mi, o) in out.iter().enumerate() {
                        let base = mi * slots;
                        shapley_scaled(k, o, &w, &mut phi);
                        for (j, x) in phi.iter().enumerate() {
                            sums.add(base + j, *x);
                        }
                        for (j, x) in sequential(k, o).into_iter().enumerate() {
                            sums.add(base + k + j, x);
                        }
                        sums.add(base + 2 * k, o[nc - 1] - o[0]);
                        sums.add(base + 2 * k + 1, o[0]);
                        sums.add(base + 2 * k + 2, o[nc - 1]);
                    }
                }
                obs.advance(chunk.end - chunk.start);
                (sums, draws, values, tr, out, phi)
            },
        )
        .map(|t| t.0)
        .reduce(|| Sums::new(measures.len() * slots), |a, b| a.merge(&b));
    if stopped.load(Ordering::Relaxed) {
        return Ok(None);
    }
    let kf = factorial(k) as f64;
    Ok(Some(
        measures
            .into_iter()
            .enumerate()
            .map(|(mi, m)| {
                let base = mi * slots;
                let sh: Vec<(f64, f64)> =
                    (0..k).map(|j| sums.mean_se(base + j, runs, kf)).collect();
                let sq: Vec<(f64, f64)> = (0..k)
                    .map(|j| sums.mean_se(base + k + j, runs, 1.0))
                    .collect();
                let col = |v: &[(f64, f64)], se: bool| -> Vec<f64> {
                    let x: Vec<f64> = v.iter().map(|p| if se { p.1 } else { p.0 }).collect();
                    spread(game, &x)
                };
                Attribution {
                    parent: sums.mean_se(base + 2 * k + 1, runs, 1.0).0,
                    scenario: sums.mean_se(base + 2 * k + 2, runs, 1.0).0,
                    shapley: col(&sh, false),
                    sequential: col(&sq, false),
                    shapley_se: Some(col(&sh, true)),
                    sequential_se: Some(col(&sq, true)),
                    total_se: Some(sums.mean_se(base + 2 * k, runs, 1.0).1),
                    measure: m,
                }
            })
            .collect(),
    ))
}
