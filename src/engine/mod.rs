//! Running the model: the central run, and Monte Carlo over run indices.
//!
//! Run `i` of seed `s` draws its parameters from ChaCha8 (rand_chacha) keyed by
//! `SeedableRng::seed_from_u64(s)` on stream `i`: a named, portable generator whose output
//! depends only on `(s, i)`. Every statistic is accumulated exactly (integer bucket counts,
//! fixed-point sums), so partial results merge associatively: the same seed and number of runs
//! give the same bytes whatever the thread count, chunking or sharding.

pub mod copula;
pub mod export;

pub use copula::Draws;

use std::ops::Range;
use std::sync::atomic::{AtomicBool, Ordering};

use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;
use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use crate::model::{self, Trajectory, VARS};
use crate::scenario::Scenario;
use crate::stats::SeriesStats;

mod shards;
pub use shards::{Coverage, ShardInfo, ShardSet, check_out_not_input, shards_range, shards_text};

/// The seed `run` and `discover` use unless told otherwise.
pub const DEFAULT_SEED: u64 = 20231001;

/// A rayon pool with `threads` workers (default: one per core).
pub fn thread_pool(threads: Option<usize>) -> Result<rayon::ThreadPool, String> {
    let mut b = rayon::ThreadPoolBuilder::new();
    if let Some(t) = threads {
        b = b.num_threads(t);
    }
    b.build()
        .map_err(|e| format!("cannot start worker threads: {e}"))
}

/// A worker pool of `threads` (default: all cores), as a command's error.
pub fn pool(threads: Option<u16>) -> Result<rayon::ThreadPool, crate::error::Error> {
    thread_pool(threads.map(usize::from)).map_err(crate::error::Error::Other)
}

/// Parse `--shard K/N` (1 ≤ K ≤ N).
pub fn parse_shard(s: &str) -> Result<(u64, u64), crate::error::Error> {
    let bad = || {
        crate::error::Error::Input(format!(
            "--shard: expected K/N with 1 ≤ K ≤ N (e.g. 3/8), found \"{s}\""
        ))
    };
    let (k, n) = s.split_once('/').ok_or_else(bad)?;
    let k: u64 = k.trim().parse().map_err(|_| bad())?;
    let n: u64 = n.trim().parse().map_err(|_| bad())?;
    if k == 0 || n == 0 || k > n {
        return Err(bad());
    }
    Ok((k, n))
}

/// The generator of run `index` for `seed`.
pub fn run_rng(seed: u64, index: u64) -> ChaCha8Rng {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    rng.set_stream(index);
    rng
}

/// Draw one state of the world into `values` (one value per parameter, in order), with
/// the scenario's correlations (see [`copula`]).
#[inline]
pub fn draw(draws: &Draws, seed: u64, index: u64, values: &mut [f64]) {
    let mut rng = run_rng(seed, index);
    draws.fill(&mut rng, values);
}

/// The central run: every distribution at its median (MODEL.md §2).
pub fn central(sc: &Scenario) -> Trajectory {
    let mut tr = Trajectory::new(&sc.spec);
    model::simulate(&sc.spec, &sc.medians(), &mut tr);
    tr
}

/// What one run contributes; everything is an exact integer or fixed-point sum.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Accumulator {
    pub runs: u64,
    pub n_years: usize,
    /// `series[var · n_years + t]`.
    pub series: Vec<SeriesStats>,
    /// `met[indicator][target year]`: runs meeting the target (target years by index into
    /// the plan's `target_years`).
    pub met: Vec<Vec<u64>>,
    /// `indicator_values[indicator · n_target_years + target year]`: the indicator's value in
    /// each run.
    pub indicator_values: Vec<SeriesStats>,
    /// Runs whose peak year is `y0 + t` (runs that have not peaked are not here).
    pub peak_hist: Vec<u64>,
    /// Runs that have not peaked within the horizon (MODEL.md §7).
    pub not_peaked: u64,
    /// Runs that peaked by `options.peak_by` (MODEL.md §7).
    pub peaked: u64,
    /// Runs that peaked by `options.peak_by` and end above that year's value.
    pub rebound: u64,
    /// Per target year: runs meeting every binding **modelled** target that has a target and
    /// a value (MODEL.md §9).
    pub all_modelled: Vec<u64>,
    /// Per target year: runs meeting every binding target, assumed indicators included.
    pub all_binding: Vec<u64>,
    /// Runs drawn, kept or not (MODEL.md §11); `runs` counts the kept ones.
    #[serde(default)]
    pub drawn: u64,
    /// `rejected_by[k]`: runs outside the tolerance of observation `k`, whatever the others.
    #[serde(default)]
    pub rejected_by: Vec<u64>,
    /// `rules_met[indicator][target year][rule]`: runs meeting the target of an assessed
    /// indicator (1 and 14) under each rule of MODEL.md §6a, in `Assessment::ALL` order; zero
    /// for the other indicators.
    #[serde(default)]
    pub rules_met: Vec<Vec<[u64; 3]>>,
    /// `cap_binds[t]`: runs in which the coal cap removed coal in year `y0 + t` (MODEL.md §4a).
    #[serde(default)]
    pub cap_binds: Vec<u64>,
}

/// The binding indicators each headline is judged on, per target year.
#[derive(Debug, Clone)]
pub struct Judged {
    pub modelled: Vec<Vec<usize>>,
    pub all: Vec<Vec<usize>>,
}

impl Judged {
    pub fn of(sc: &Scenario) -> Judged {
        let ind = &sc.indicators;
        let k = 0..ind.years().len();
        Judged {
            modelled: k.clone().map(|k| ind.binding(k, true).judged).collect(),
            all: k.map(|k| ind.binding(k, false).judged).collect(),
        }
    }
}

impl Accumulator {
    /// An empty accumulator for a scenario's horizon and plan.
    pub fn for_scenario(sc: &Scenario) -> Self {
        Self::new(
            sc.spec.n_years(),
            sc.indicators.defs().len(),
            sc.indicators.years().len(),
        )
    }

    /// An empty accumulator for `n_years` years, `n_indicators` indicators and `n_targets`
    /// target years.
    pub fn new(n_years: usize, n_indicators: usize, n_targets: usize) -> Self {
        Accumulator {
            runs: 0,
            n_years,
            series: vec![SeriesStats::new(); VARS.len() * n_years],
            met: vec![vec![0; n_targets]; n_indicators],
            indicator_values: vec![SeriesStats::new(); n_indicators * n_targets],
            peak_hist: vec![0; n_years],
            not_peaked: 0,
            peaked: 0,
            rebound: 0,
            all_modelled: vec![0; n_targets],
            all_binding: vec![0; n_targets],
            drawn: 0,
            rejected_by: Vec::new(),
            rules_met: vec![vec![[0; 3]; n_targets]; n_indicators],
            cap_binds: vec![0; n_years],
        }
    }

    /// Kept runs over drawn runs (1 with no observations).
    pub fn acceptance(&self) -> f64 {
        if self.drawn == 0 {
            return 0.0;
        }
        self.runs as f64 / self.drawn as f64
    }

    /// Count one drawn run and the observations it fails.
    #[inline]
    fn reject_count(&mut self, n_obs: usize) {
        self.drawn += 1;
        if self.rejected_by.len() < n_obs {
            self.rejected_by.resize(n_obs, 0);
        }
    }

    /// Add `o`'s runs into `self`. Counts are added with checked arithmetic: counts read
    /// from a file (a shard, a checkpoint, a partial result) whose sums do not fit in a `u64`
    /// are refused with the field that overflowed, never kept as a wrapped sum; `self` is then
    /// unspecified and must be discarded.
    pub fn merge(&mut self, o: &Accumulator) -> Result<(), String> {
        use crate::stats::add_count;
        let field = |f: &'static str| move |e: crate::stats::CountOverflow| format!("acc.{f}: {e}");
        add_count(&mut self.runs, o.runs).map_err(field("runs"))?;
        for (a, b) in self.series.iter_mut().zip(&o.series) {
            a.merge(b).map_err(field("series"))?;
        }
        for (a, b) in self.met.iter_mut().zip(&o.met) {
            for (x, y) in a.iter_mut().zip(b) {
                add_count(x, *y).map_err(field("met"))?;
            }
        }
        for (a, b) in self.indicator_values.iter_mut().zip(&o.indicator_values) {
            a.merge(b).map_err(field("indicator_values"))?;
        }
        for (a, b) in self.peak_hist.iter_mut().zip(&o.peak_hist) {
            add_count(a, *b).map_err(field("peak_hist"))?;
        }
        add_count(&mut self.not_peaked, o.not_peaked).map_err(field("not_peaked"))?;
        add_count(&mut self.peaked, o.peaked).map_err(field("peaked"))?;
        add_count(&mut self.rebound, o.rebound).map_err(field("rebound"))?;
        for (x, y) in self.all_modelled.iter_mut().zip(&o.all_modelled) {
            add_count(x, *y).map_err(field("all_modelled"))?;
        }
        for (x, y) in self.all_binding.iter_mut().zip(&o.all_binding) {
            add_count(x, *y).map_err(field("all_binding"))?;
        }
        add_count(&mut self.drawn, o.drawn).map_err(field("drawn"))?;
        if self.rejected_by.len() < o.rejected_by.len() {
            self.rejected_by.resize(o.rejected_by.len(), 0);
        }
        for (a, b) in self.rejected_by.iter_mut().zip(&o.rejected_by) {
            add_count(a, *b).map_err(field("rejected_by"))?;
        }
        for (a, b) in self.rules_met.iter_mut().zip(&o.rules_met) {
            for (ak, bk) in a.iter_mut().zip(b) {
                for (x, y) in ak.iter_mut().zip(bk) {
                    add_count(x, *y).map_err(field("rules_met"))?;
                }
            }
        }
        for (a, b) in self.cap_binds.iter_mut().zip(&o.cap_binds) {
            add_count(a, *b).map_err(field("cap_binds"))?;
        }
        Ok(())
    }

    /// [`merge`](Self::merge) for the accumulators of runs drawn in this process: their counts
    /// are bounded by the number of run indices (a `u64`), so they always fit.
    pub fn merge_drawn(&mut self, o: &Accumulator) {
        self.merge(o)
            .expect("the counts of runs drawn in one process fit in a u64");
    }

    /// Add one run's results.
    pub fn push(&mut self, sc: &Scenario, judged: &Judged, values: &[f64], tr: &Trajectory) {
        self.runs += 1;
        for (s, x) in self.series.iter_mut().zip(&tr.data) {
            s.push(*x);
        }
        let spec = &sc.spec;
        // Whether each indicator meets its target in each target year (for the headlines).
        use crate::indicators::plan::{MAX_INDICATORS, MAX_TARGET_YEARS};
        let years = sc.indicators.years();
        let nk = years.len();
        // met_k[k][i / 64] bit i % 64: indicator i meets its target in target year k.
        let mut met_k = [[0u64; MAX_INDICATORS.div_ceil(64)]; MAX_TARGET_YEARS];
        for (i, m) in self.met.iter_mut().enumerate() {
            for (k, c) in m.iter_mut().enumerate() {
                let Some(x) = sc.indicators.value(i, spec, values, tr, years[k]) else {
                    continue;
                };
                self.indicator_values[i * nk + k].push(x);
                if sc
                    .indicators
                    .target(i, k)
                    .is_some_and(|t| sc.indicators.def(i).direction.met(x, t))
                {
                    *c += 1;
                    met_k[k][i / 64] |= 1 << (i % 64);
                }
            }
        }
        // Indicators 1 and 14 under every rule of MODEL.md §6a: each rule's two declines once
        // per target year, judged for every assessed indicator.
        for (k, &year) in years.iter().enumerate() {
            for (r, (_, rule)) in model::Assessment::ALL.iter().enumerate() {
                let mut declines = None;
                for (i, d) in sc.indicators.defs().iter().enumerate() {
                    let Some(which) = crate::indicators::assessed_index(d) else {
                        continue;
                    };
                    let Some(target) = sc.indicators.target(i, k) else {
                        continue;
                    };
                    let x = declines
                        .get_or_insert_with(|| model::assessed_declines(tr, *rule, year))[which];
                    if x.is_some_and(|x| d.direction.met(x, target)) {
                        self.rules_met[i][k][r] += 1;
                    }
                }
            }
        }
        if spec.cap.is_some() {
            for (c, &b) in self
                .cap_binds
                .iter_mut()
                .zip(tr.row(model::Var::CapBinding))
            {
                *c += u64::from(b == 1.0);
            }
        }
        let peak = tr.peak(&spec.options);
        match peak.year {
            Some(y) => self.peak_hist[(y - spec.y0) as usize] += 1,
            None => self.not_peaked += 1,
        }
        self.peaked += u64::from(peak.peaked_by);
        self.rebound += u64::from(peak.rebound);
        for (k, met) in met_k.iter().take(nk).enumerate() {
            let is_met = |&i: &usize| met[i / 64] >> (i % 64) & 1 == 1;
            self.all_modelled[k] += u64::from(judged.modelled[k].iter().all(is_met));
            self.all_binding[k] += u64::from(judged.all[k].iter().all(is_met));
        }
    }

    /// The binding indicator of `set` that fails most often in target year index `k`, with
    /// its number of runs meeting the target; ties go to the first in the plan's table;
    /// `None` when every run meets them all (MODEL.md §9).
    pub fn most_failing(&self, set: &[usize], k: usize) -> Option<(usize, u64)> {
        let mut best: Option<(usize, u64)> = None;
        for &i in set {
            let fails = self.runs - self.met[i][k];
            if fails > 0 && best.is_none_or(|(b, _)| fails > self.runs - self.met[b][k]) {
                best = Some((i, self.met[i][k]));
            }
        }
        best
    }
}

/// Receives progress from a long run; the library never prints.
pub trait Observer: Sync {
    /// `done` more runs have finished.
    fn advance(&self, _done: u64) {}
    /// Whether the user asked to stop (Ctrl-C); checked between chunks.
    fn should_stop(&self) -> bool {
        false
    }
}

/// An observer that does nothing.
pub struct Silent;
impl Observer for Silent {}

/// A stop flag shared with a signal handler.
pub struct StopFlag<'a>(pub &'a AtomicBool);
impl Observer for StopFlag<'_> {
    fn should_stop(&self) -> bool {
        self.0.load(Ordering::Relaxed)
    }
}

/// Runs per work item handed to a thread.
pub const CHUNK: u64 = 4096;

/// `range` cut into pieces of `size` runs (the last may be shorter): the work items handed to
/// threads.
pub fn chunks(range: Range<u64>, size: u64) -> Vec<Range<u64>> {
    (range.start..range.end)
        .step_by(size as usize)
        .map(|s| s..(s + size).min(range.end))
        .collect()
}

/// What every run of one Monte Carlo job shares: the scenario, its samplers, the indicator
/// sets the headlines judge and the seed.
pub(crate) struct Job<'a> {
    sc: &'a Scenario,
    draws: &'a Draws,
    judged: Judged,
    seed: u64,
}

impl<'a> Job<'a> {
    pub(crate) fn new(sc: &'a Scenario, draws: &'a Draws, seed: u64) -> Self {
        Job {
            sc,
            draws,
            judged: Judged::of(sc),
            seed,
        }
    }

    /// Draw run `i` into `values` and evaluate it into `tr`; count it as drawn in `acc`, and
    /// add it there if the observed history keeps it (MODEL.md §11). Whether it was kept.
    #[inline]
    pub(crate) fn run(
        &self,
        i: u64,
        acc: &mut Accumulator,
        values: &mut [f64],
        tr: &mut Trajectory,
    ) -> bool {
        let sc = self.sc;
        draw(self.draws, self.seed, i, values);
        model::simulate(&sc.spec, values, tr);
        acc.reject_count(sc.observed.len());
        let kept = crate::scenario::observed::check(&sc.observed, tr, |k| {
            acc.rejected_by[k] += 1;
        });
        if kept {
            acc.push(sc, &self.judged, values, tr);
        }
        kept
    }
}

/// Evaluate runs `range` of `seed` in parallel on the current rayon pool and return their
/// merged statistics, or `None` if the observer asked to stop first.
pub fn monte_carlo(
    sc: &Scenario,
    seed: u64,
    range: Range<u64>,
    obs: &dyn Observer,
) -> Option<Accumulator> {
    monte_carlo_with(sc, &Draws::new(sc), seed, range, obs)
}

/// [`monte_carlo`] with the scenario's samplers prepared once (their tables for correlated
/// inputs take a moment to build), for callers that run many batches.
pub fn monte_carlo_with(
    sc: &Scenario,
    draws: &Draws,
    seed: u64,
    range: Range<u64>,
    obs: &dyn Observer,
) -> Option<Accumulator> {
    let job = Job::new(sc, draws, seed);
    let n_years = sc.spec.n_years();
    let n_ind = sc.indicators.defs().len();
    let n_k = sc.indicators.years().len();
    let chunks = chunks(range, CHUNK);
    let stopped = AtomicBool::new(false);
    let acc = chunks
        .par_iter()
        .fold(
            || {
                (
                    Accumulator::new(n_years, n_ind, n_k),
                    vec![0.0; sc.params.len()],
                    Trajectory::new(&sc.spec),
                )
            },
            |(mut acc, mut values, mut tr), chunk| {
                if stopped.load(Ordering::Relaxed) || obs.should_stop() {
                    stopped.store(true, Ordering::Relaxed);
                    return (acc, values, tr);
                }
                for i in chunk.clone() {
                    job.run(i, &mut acc, &mut values, &mut tr);
                }
                obs.advance(chunk.end - chunk.start);
                (acc, values, tr)
            },
        )
        .map(|(acc, _, _)| acc)
        .reduce(
            || Accumulator::new(n_years, n_ind, n_k),
            |mut a, b| {
                a.merge_drawn(&b);
                a
            },
        );
    if stopped.load(Ordering::Relaxed) {
        None
    } else {
        Some(acc)
    }
}

/// The run indices of shard `k` of `n` (1-based) out of `runs`: contiguous and balanced.
pub fn shard_range(runs: u64, k: u64, n: u64) -> Range<u64> {
    let lo = (u128::from(runs) * u128::from(k - 1) / u128::from(n)) as u64;
    let hi = (u128::from(runs) * u128::from(k) / u128::from(n)) as u64;
    lo..hi
}

/// The quantile levels reported in `summary.csv`.
pub const QUANTILES: [f64; 7] = [0.05, 0.10, 0.25, 0.50, 0.75, 0.90, 0.95];

/// Indicator summary for one target year.
pub fn p_met(acc: &Accumulator, i: usize, k: usize) -> f64 {
    acc.met[i][k] as f64 / acc.runs.max(1) as f64
}

/// Target-year index of a year of the scenario's plan, if it is one.
pub fn target_index(sc: &Scenario, year: i32) -> Option<usize> {
    sc.indicators.years().iter().position(|&y| y == year)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::indicators::find_in_default as find;

    #[test]
    fn most_failing_binding_indicator_ties_go_to_the_first_in_the_table() {
        let mut acc = Accumulator::new(16, 29, 2);
        acc.runs = 100;
        let (i1, i2, i5, i14) = (
            find("1").unwrap(),
            find("2").unwrap(),
            find("5").unwrap(),
            find("14").unwrap(),
        );
        for i in [i1, i2, i5, i14] {
            acc.met[i] = vec![100, 100];
        }
        let set = [i1, i2, i5, i14];
        assert_eq!(acc.most_failing(&set, 0), None, "every run meets them all");
        acc.met[i5][0] = 60;
        acc.met[i14][0] = 60;
        acc.met[i2][0] = 80;
        assert_eq!(
            acc.most_failing(&set, 0),
            Some((i5, 60)),
            "tie of 5 and 14: 5"
        );
        acc.met[i14][0] = 59;
        assert_eq!(acc.most_failing(&set, 0), Some((i14, 59)));
        assert_eq!(acc.most_failing(&set, 1), None);
    }

    #[test]
    fn headline_sets_of_the_plan() {
        let sc = Scenario::embedded("plan.toml").unwrap();
        let ids = |v: &[usize]| {
            v.iter()
                .map(|&i| sc.indicators.def(i).id.as_str())
                .collect::<Vec<_>>()
        };
        let m25 = sc.indicators.binding(0, true);
        assert_eq!(ids(&m25.judged), ["1", "2", "5", "14"]);
        let m30 = sc.indicators.binding(1, true);
        assert_eq!(ids(&m30.judged), ["2", "5"]);
        assert_eq!(ids(&m30.no_target), ["1", "14"]);
        let all25 = sc.indicators.binding(0, false);
        assert_eq!(
            ids(&all25.judged),
            ["1", "2", "5", "12", "14", "16", "17", "18", "23", "28"]
        );
        assert_eq!(ids(&all25.no_target), ["15"]);
    }
}
