//! The `peakpath sensitivity` command: which uncertain inputs of a scenario drive an outcome.
//!
//! Inputs are the scenario's uncertain parameters ([`Scenario::uncertain`]), named by their
//! field paths. A sampler of the parent module gives a design in the unit cube; design row
//! `j` maps to a parameter vector through each input's quantile function
//! ([`crate::scenario::Dist::quantile`]), fixed parameters keep their value, and the model is
//! run once per row. Every row's outcomes are a pure function of the design, which depends
//! only on the seed, so results do not depend on the thread count, on interruptions
//! (`--resume`) or on sharding (`--shard K/N` + merge).
//!
//! Methods and estimators:
//!
//! * `tornado`: one input at a time at its 10th and 90th percentile, every other input at its
//!   median (`2k + 1` runs).
//! * `morris`: Morris (1991) elementary effects on `r` trajectories (`--samples`, default
//!   100), 4 levels, with the `μ*` measure of Campolongo, Cariboni & Saltelli (2007) and a
//!   bootstrap interval for `μ*`. Elementary effects are per unit of probability.
//! * `sobol`: Saltelli design on an Owen-scrambled Sobol' sequence with `N` base rows
//!   (`--samples`, default 2^12, a power of two; `N·(k+2)` runs); first-order indices by the
//!   Saltelli et al. (2010) estimator, total effects by Jansen (1999); 1000 bootstrap
//!   resamples, 95 % percentile intervals.
//!
//! Outputs (per outcome, `<method>_<outcome>.csv` and `.svg`, `.png` with `--png`) and
//! `sensitivity.json`. A checkpoint (`sensitivity_checkpoint.json`) holds the outputs
//! evaluated so far, in design order, as exact `f64` bit patterns.

use std::ops::Range;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Instant;

use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use super::{
    Design, MorrisOptions, SobolOptions, morris, morris_analyze, morris_design, rank_morris,
    rank_sobol, saltelli_base, saltelli_source, sobol_analyze, tornado_analyze, tornado_design,
};
use crate::engine::{self, Observer};
use crate::error::{Error, io as io_err};
use crate::indicators;
use crate::model::{self, Trajectory, VARS, Var};
use crate::output::{self, write_atomic};
use crate::report::{self, Lang};
use crate::runner;
use crate::scenario::Scenario;
use crate::terminal;

type Result<T> = std::result::Result<T, Error>;

/// Sensitivity method.
#[derive(clap::ValueEnum, Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Method {
    /// One at a time: each input at P10 and P90, the others at their medians.
    Tornado,
    /// Morris elementary effects (μ*, σ).
    Morris,
    /// Variance-based Sobol' indices (S1, ST).
    Sobol,
}

impl Method {
    fn name(self) -> &'static str {
        match self {
            Method::Tornado => "tornado",
            Method::Morris => "morris",
            Method::Sobol => "sobol",
        }
    }
}

/// Language of chart labels.
#[derive(clap::ValueEnum, Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum LangArg {
    Zh,
    En,
}

/// `peakpath sensitivity`: which uncertain inputs drive an outcome.
#[derive(clap::Args, Debug, Clone)]
#[command(
    after_help = "Outcomes: VAR:YEAR (a model variable of trajectories.csv, e.g. co2:2030, \
    nonfossil_share:2025), peak_year, peaked_by_YYYY (1 when the run peaked by YYYY, declining \
    from the base year included, else 0, e.g. peaked_by_2030), or met:ID:YEAR (1 when indicator \
    ID meets its target in YEAR, else 0, e.g. met:5:2025). peak_year of a run that has not peaked within the horizon \
    counts as the year after the horizon (2036 for 2020–2035): later than any peak, and finite \
    so that variances and effects exist; tables show it as \"not peaked\".\n\n\
    Shards: run every `--shard K/N` into its own folder, then `peakpath sensitivity --merge \
    DIR... --out OUT` (or `peakpath merge DIR... --out OUT`) writes the same files as one run."
)]
pub struct SensitivityArgs {
    /// Scenario file (default: the plan scenario embedded in the binary).
    pub scenario: Option<PathBuf>,
    /// Method: tornado (P10/P90 one at a time), morris (elementary effects), sobol (S1/ST).
    #[arg(long, value_enum, required_unless_present = "merge")]
    pub method: Option<Method>,
    /// Outcome to analyse (repeatable): VAR:YEAR, VAR:FROM..TO (every year, plus a table and
    /// chart across the years), peak_year, peaked_by_YYYY or met:ID:YEAR.
    #[arg(
        long = "outcome",
        value_name = "OUTCOME",
        required_unless_present = "merge"
    )]
    pub outcomes: Vec<String>,
    /// Morris: trajectories r (default 100). Sobol: base rows N, a power of two (default 4096).
    #[arg(long, allow_hyphen_values = true, value_parser = crate::terminal::positive::<1_000_000_000>)]
    pub samples: Option<u64>,
    /// Seed of the design (and of the bootstrap).
    #[arg(long, default_value_t = 20231001, allow_hyphen_values = true, value_parser = crate::terminal::seed)]
    pub seed: u64,
    /// Worker threads (default: all cores). Results do not depend on it.
    #[arg(long, allow_hyphen_values = true, value_parser = crate::terminal::positive_u16::<1024>)]
    pub threads: Option<u16>,
    /// Output folder (default: outputs/<scenario id>/sensitivity-<method>).
    #[arg(long)]
    pub out: Option<PathBuf>,
    /// Also write PNG charts.
    #[arg(long)]
    pub png: bool,
    /// Language of the chart labels.
    #[arg(long, value_enum, default_value_t = LangArg::Zh)]
    pub lang: LangArg,
    /// Overwrite the results of another analysis in the output folder.
    #[arg(long)]
    pub force: bool,
    /// Continue an interrupted analysis from DIR/sensitivity_checkpoint.json.
    #[arg(long)]
    pub resume: bool,
    /// Evaluate only shard K of N (a contiguous slice of the design rows) into DIR/sensitivity_shard.json, for --merge.
    #[arg(long, value_name = "K/N")]
    pub shard: Option<String>,
    /// Merge the shard folders DIR... (written with --shard K/N) into --out.
    #[arg(long, value_name = "DIR", num_args = 1.., conflicts_with_all = ["scenario", "method", "outcomes", "samples", "seed", "resume", "shard", "png", "lang"])]
    pub merge: Vec<PathBuf>,
}

/// The partial result of a shard, in its output folder.
pub const SHARD_FILE: &str = "sensitivity_shard.json";
/// The checkpoint of an interrupted analysis, in its output folder.
pub const CHECKPOINT: &str = "sensitivity_checkpoint.json";
/// The summary of a finished analysis.
pub const SUMMARY: &str = "sensitivity.json";
const OWN_FILES: &[&str] = &[SUMMARY, SHARD_FILE, CHECKPOINT];
const PARTIAL_FORMAT: &str = "peakpath-sensitivity-partial-2";

/// Tornado percentiles.
pub const TORNADO_LOW: f64 = 0.10;
pub const TORNADO_HIGH: f64 = 0.90;
/// Default Morris trajectories and Sobol' base rows.
pub const DEFAULT_MORRIS_R: u64 = 100;
pub const DEFAULT_SOBOL_N: u64 = 1 << 12;
/// Bootstrap resamples and confidence of the intervals.
pub const N_BOOT: usize = 1000;
pub const CONFIDENCE: f64 = 0.95;
/// Inputs shown in a chart (the CSV has all of them).
pub const CHART_ROWS: usize = 20;
/// Longest time between two checkpoints of a long analysis.
const CHECKPOINT_EVERY_S: u64 = 50;
/// Design rows per work item handed to a thread.
const ROW_CHUNK: u64 = 256;

const REFERENCES: &str = "Saltelli, A., Annoni, P., Azzini, I., Campolongo, F., Ratto, M., Tarantola, S. (2010). \
Variance based sensitivity analysis of model output. Design and estimator for the total sensitivity index. \
Comput. Phys. Commun. 181:259-270 (design; S1 estimator, Table 2 (b)). \
Jansen, M.J.W. (1999). Analysis of variance designs for model output. Comput. Phys. Commun. 117:35-43 (ST estimator, Table 2 (f) of Saltelli et al. 2010). \
Morris, M.D. (1991). Factorial sampling plans for preliminary computational experiments. Technometrics 33(2):161-174. \
Campolongo, F., Cariboni, J., Saltelli, A. (2007). An effective screening design for sensitivity analysis of large models. Environ. Model. Softw. 22:1509-1518 (mu*).";

// ------------------------------------------------------------------ the analysis

/// Everything that identifies an analysis: equal setups give equal files.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
struct Setup {
    method: Method,
    /// Morris r or Sobol' N; `None` for tornado.
    samples: Option<u64>,
    seed: u64,
    /// Canonical outcome specs.
    outcomes: Vec<String>,
    lang: LangArg,
    png: bool,
    /// Design rows (model evaluations).
    rows: u64,
    /// `VAR:FROM..TO` outcomes (expanded into `outcomes`), for the tables across years.
    #[serde(default)]
    over_time: Vec<super::over_time::Span>,
}

/// A partial result: a shard's output or an interrupted analysis's checkpoint.
#[derive(Serialize, Deserialize)]
struct Partial {
    scenario_id: String,
    scenario_path: String,
    scenario_sha256: String,
    /// Every file of the scenario, so that a merge rebuilds exactly the same scenario.
    sources: Vec<(String, String)>,
    setup: Setup,
    shard: Option<(u64, u64)>,
    /// The last shard this partial covers when it is a `merge --partial` of the consecutive
    /// shards `shard.0..=shard_last`; absent for one shard.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    shard_last: Option<u64>,
    /// Design rows this partial covers: `start..end`; `next` is where a checkpoint resumes.
    start: u64,
    end: u64,
    next: u64,
    /// Seconds spent evaluating so far.
    elapsed_s: f64,
    /// Outcomes of rows `start..next`, row-major (one per outcome), as `f64::to_bits`
    /// (exact round trip through JSON).
    outputs: Vec<u64>,
}

/// Uncertain-input values of every design row (probabilities already mapped through the
/// quantile functions).
enum Inputs {
    /// One vector of `k` values per design row.
    Rows(Vec<Vec<f64>>),
    /// Saltelli design: `n` base rows of `2k` values (`A_j` then `B_j`); rows are assembled
    /// on the fly (see [`saltelli_source`]).
    Saltelli { n: usize, base: Vec<Vec<f64>> },
}

struct Analysis<'a> {
    sc: &'a Scenario,
    setup: Setup,
    outcomes: Vec<Outcome>,
    /// The Morris design (needed by its analyzer).
    morris: Option<Design>,
}

fn bootstrap_seed(seed: u64) -> u64 {
    seed ^ 0x9E37_79B9_7F4A_7C15
}

fn sens_err(e: super::SensitivityError) -> Error {
    Error::Input(e.to_string())
}

impl<'a> Analysis<'a> {
    fn new(
        sc: &'a Scenario,
        method: Method,
        samples: Option<u64>,
        seed: u64,
        outcomes: Vec<Outcome>,
        lang: LangArg,
        png: bool,
    ) -> Result<Self> {
        let k = sc.uncertain.len();
        if k == 0 {
            return Err(Error::Input(format!(
                "scenario {}: expected uncertain parameters, found none",
                sc.info.id
            )));
        }
        let (samples, rows, morris) = match method {
            Method::Tornado => {
                if samples.is_some() {
                    return Err(Error::Input(
                        "--samples: tornado has a fixed design (2k + 1 runs); leave --samples out"
                            .into(),
                    ));
                }
                (None, 2 * k as u64 + 1, None)
            }
            Method::Morris => {
                let r = samples.unwrap_or(DEFAULT_MORRIS_R);
                if r == 0 || r > 1_000_000 {
                    return Err(Error::Input(format!(
                        "--samples: expected 1 to 1000000 Morris trajectories, found {r}"
                    )));
                }
                let d =
                    morris_design(k, r as usize, morris::DEFAULT_LEVELS, seed).map_err(sens_err)?;
                (Some(r), d.n_rows() as u64, Some(d))
            }
            Method::Sobol => {
                let n = samples.unwrap_or(DEFAULT_SOBOL_N);
                let max = super::sobol::MAX_SOBOL_BASE_ROWS as u64;
                if n < 2 || !n.is_power_of_two() || n > max {
                    return Err(Error::Input(format!(
                        "--samples: expected a power of two from 2 to {max} Sobol' base rows, found {n}"
                    )));
                }
                if k > super::sobol::MAX_SOBOL_INPUTS {
                    return Err(Error::Input(format!(
                        "sobol: expected at most {} uncertain inputs, found {k}",
                        super::sobol::MAX_SOBOL_INPUTS
                    )));
                }
                (Some(n), n * (k as u64 + 2), None)
            }
        };
        let setup = Setup {
            method,
            samples,
            seed,
            outcomes: outcomes.iter().map(Outcome::spec).collect(),
            lang,
            png,
            rows,
            over_time: Vec::new(),
        };
        Ok(Analysis {
            sc,
            setup,
            outcomes,
            morris,
        })
    }

    fn k(&self) -> usize {
        self.sc.uncertain.len()
    }

    fn quantile(&self, c: usize, p: f64) -> f64 {
        self.sc.params[self.sc.uncertain[c]].quantile(p)
    }

    /// Map the design to input values (in parallel on the current pool; pure per row).
    fn inputs(&self) -> Result<Inputs> {
        let k = self.k();
        let map = |row: &Vec<f64>| -> Vec<f64> {
            row.iter()
                .enumerate()
                .map(|(c, &p)| self.quantile(c % k, p))
                .collect()
        };
        Ok(match self.setup.method {
            Method::Tornado => {
                let d = tornado_design(k, TORNADO_LOW, TORNADO_HIGH).map_err(sens_err)?;
                Inputs::Rows(d.rows.par_iter().map(map).collect())
            }
            Method::Morris => Inputs::Rows(
                self.morris
                    .as_ref()
                    .map(|d| d.rows.par_iter().map(map).collect())
                    .unwrap_or_default(),
            ),
            Method::Sobol => {
                let n = self.setup.samples.unwrap_or(DEFAULT_SOBOL_N) as usize;
                let b = saltelli_base(k, n, self.setup.seed).map_err(sens_err)?;
                Inputs::Saltelli {
                    n,
                    base: b.rows.par_iter().map(map).collect(),
                }
            }
        })
    }

    /// Evaluate design rows `range` on the current rayon pool: outcomes row-major, or
    /// `None` when the observer asked to stop first.
    fn evaluate(&self, inputs: &Inputs, range: Range<u64>, obs: &dyn Observer) -> Option<Vec<f64>> {
        let sc = self.sc;
        let k = self.k();
        let chunks = engine::chunks(range, ROW_CHUNK);
        let stopped = AtomicBool::new(false);
        let parts: Vec<Option<Vec<f64>>> = chunks
            .par_iter()
            .map_init(
                || (sc.medians(), Trajectory::new(&sc.spec)),
                |(values, tr), chunk| {
                    if stopped.load(Ordering::Relaxed) || obs.should_stop() {
                        stopped.store(true, Ordering::Relaxed);
                        return None;
                    }
                    let mut out = Vec::with_capacity(
                        (chunk.end - chunk.start) as usize * self.outcomes.len(),
                    );
                    for j in chunk.clone() {
                        let j = j as usize;
                        match inputs {
                            Inputs::Rows(rows) => {
                                for (c, &p) in sc.uncertain.iter().enumerate() {
                                    values[p] = rows[j][c];
                                }
                            }
                            Inputs::Saltelli { n, base } => {
                                let (r, block) = saltelli_source(*n, j);
                                let row = &base[r];
                                for (c, &p) in sc.uncertain.iter().enumerate() {
                                    values[p] = block.column(row, k, c);
                                }
                            }
                        }
                        model::simulate(&sc.spec, values, tr);
                        out.extend(self.outcomes.iter().map(|o| o.eval(sc, values, tr)));
                    }
                    obs.advance(chunk.end - chunk.start);
                    Some(out)
                },
            )
            .collect();
        if stopped.load(Ordering::Relaxed) || parts.iter().any(Option::is_none) {
            return None;
        }
        Some(parts.into_iter().flatten().flatten().collect())
    }
}

// ------------------------------------------------------------------ the command

/// Verify a sensitivity shard file or checkpoint without running anything: its seal and its
/// invariants (for tools and the fuzz target).
pub fn verify_partial(path: &Path) -> Result<()> {
    read_partial(path).map(|_| ())
}

/// Read a sensitivity shard file or checkpoint: sealed (its digest must match) and
/// consistent (`start ≤ next ≤ end ≤ rows`, a shard's range is its share of the design, and
/// one output per outcome and evaluated row).
fn read_partial(path: &Path) -> Result<Partial> {
    let p: Partial = output::read_sealed(
        path,
        PARTIAL_FORMAT,
        "a peakpath sensitivity partial result",
    )?;
    let bad = |what: String| Err(Error::Input(format!("{}: {what}", path.display())));
    if !(p.start <= p.next && p.next <= p.end && p.end <= p.setup.rows) {
        return bad(format!(
            "expected start ≤ next ≤ end ≤ rows, found start {}, next {}, end {}, rows {}",
            p.start, p.next, p.end, p.setup.rows
        ));
    }
    let expected = match p.shard {
        Some((k, n)) => match engine::shards_range(p.setup.rows, k, p.shard_last, n) {
            Ok(r) => r,
            Err(why) => return bad(why),
        },
        None if p.shard_last.is_some() => {
            return bad("shard_last: expected none for a whole analysis, found one".into());
        }
        None => 0..p.setup.rows,
    };
    if expected != (p.start..p.end) {
        return bad(format!(
            "expected design rows {}..{} for shard {}, found {}..{}",
            expected.start,
            expected.end,
            engine::shards_text(p.shard, p.shard_last),
            p.start,
            p.end
        ));
    }
    if p.outputs.len() as u64 != (p.next - p.start) * p.setup.outcomes.len() as u64 {
        return bad(format!(
            "expected {} outputs, found {}",
            (p.next - p.start) * p.setup.outcomes.len() as u64,
            p.outputs.len()
        ));
    }
    Ok(p)
}

/// Design rows of an analysis as a [`runner::Resumable`] job on a thread pool.
struct SensJob<'a> {
    p: Partial,
    an: &'a Analysis<'a>,
    inputs: &'a Inputs,
    pool: &'a rayon::ThreadPool,
    started: Instant,
    elapsed_before: f64,
}

impl runner::Resumable for SensJob<'_> {
    fn cursor(&self) -> (u64, u64, u64) {
        (self.p.start, self.p.next, self.p.end)
    }
    fn advance(&mut self, hi: u64, obs: &dyn Observer) -> bool {
        let (an, inputs, next) = (self.an, self.inputs, self.p.next);
        match self.pool.install(|| an.evaluate(inputs, next..hi, obs)) {
            Some(o) => {
                self.p.outputs.extend(o.iter().map(|x| x.to_bits()));
                self.p.next = hi;
                true
            }
            None => false,
        }
    }
    fn save(&mut self, path: &Path) -> std::io::Result<()> {
        self.p.elapsed_s = self.elapsed_before + self.started.elapsed().as_secs_f64();
        output::write_sealed(path, PARTIAL_FORMAT, &self.p)
    }
}

/// With `--resume` and no checkpoint: the file of the finished results of this very analysis
/// (`sensitivity.json` of a whole analysis, the shard file of a shard) when the folder holds
/// them; `None` when it holds neither.
fn finished_same_analysis(out: &Path, sc: &Scenario, p: &Partial) -> Result<Option<PathBuf>> {
    if p.shard.is_some() {
        let f = out.join(SHARD_FILE);
        if !f.exists() {
            return Ok(None);
        }
        let done = read_partial(&f)?;
        let same = done.scenario_sha256 == p.scenario_sha256
            && done.setup == p.setup
            && done.shard == p.shard
            && done.shard_last.is_none()
            && done.next == done.end;
        return Ok(same.then_some(f));
    }
    let f = out.join(SUMMARY);
    if !f.exists() {
        return Ok(None);
    }
    let v: serde_json::Value = output::read_json(&f, "a peakpath sensitivity.json")?;
    let s = &p.setup;
    let same = v["scenario"]["content_sha256"].as_str() == Some(sc.hash.as_str())
        && v["method"].as_str() == Some(s.method.name())
        && v["samples"].as_u64() == s.samples
        && v["seed"].as_u64() == Some(s.seed)
        && v["evaluations"].as_u64() == Some(s.rows);
    Ok(same.then_some(f))
}

fn default_out(sc: &Scenario, method: Method) -> Result<PathBuf> {
    Ok(output::child_dir(Path::new("outputs"), &sc.info.id)?
        .join(format!("sensitivity-{}", method.name())))
}

/// Run `peakpath sensitivity`.
pub fn run(args: SensitivityArgs) -> Result<()> {
    run_with(args, &Hooks::default())
}

/// Test hooks: interrupt after some rows as if Ctrl-C was pressed; smaller batches.
#[derive(Default)]
pub(crate) struct Hooks {
    pub interrupt_after: Option<u64>,
    pub batch: Option<u64>,
}

pub(crate) fn run_with(a: SensitivityArgs, hooks: &Hooks) -> Result<()> {
    if !a.merge.is_empty() {
        return merge(&a.merge, a.out.as_deref(), a.force, a.threads, false);
    }
    let method = a
        .method
        .ok_or_else(|| Error::Input("--method: expected tornado, morris or sobol".into()))?;
    let (sc, spath) = Scenario::load_or_plan(a.scenario.as_deref())?;
    let (texts, spans) = super::over_time::expand(&a.outcomes)?;
    let outcomes = parse_outcomes(&texts, &sc)?;
    let shard = a.shard.as_deref().map(engine::parse_shard).transpose()?;
    let mut an = Analysis::new(&sc, method, a.samples, a.seed, outcomes, a.lang, a.png)?;
    an.setup.over_time = spans;
    let out = match &a.out {
        Some(o) => o.clone(),
        None => default_out(&sc, method)?,
    };
    let range = match shard {
        Some((k, n)) => crate::engine::shard_range(an.setup.rows, k, n),
        None => 0..an.setup.rows,
    };
    let mut partial = Partial {
        scenario_id: sc.info.id.clone(),
        scenario_path: spath.clone(),
        scenario_sha256: sc.hash.clone(),
        sources: sc.texts.clone(),
        setup: an.setup.clone(),
        shard,
        shard_last: None,
        start: range.start,
        end: range.end,
        next: range.start,
        elapsed_s: 0.0,
        outputs: Vec::new(),
    };
    if a.resume {
        let cpath = out.join(CHECKPOINT);
        if !cpath.exists() {
            // A finished analysis of the same setup: nothing to resume (exit 0, like `run`).
            if let Some(file) = finished_same_analysis(&out, &sc, &partial)? {
                if a.lang == LangArg::Zh {
                    eprintln!(
                        "{}：该分析已完成（{}），无需继续",
                        out.display(),
                        file.display()
                    );
                } else {
                    eprintln!(
                        "{}: the analysis is already complete ({}): nothing to resume",
                        out.display(),
                        file.display()
                    );
                }
                return Ok(());
            }
            return Err(Error::Input(format!(
                "{}: --resume: expected a checkpoint file, found none",
                cpath.display()
            )));
        }
        let cp = read_partial(&cpath)?;
        if cp.scenario_sha256 != partial.scenario_sha256
            || cp.setup != partial.setup
            || cp.shard != shard
            || cp.shard_last.is_some()
        {
            return Err(Error::Input(format!(
                "{}: --resume: the checkpoint is of another analysis (scenario {}, {:?}, shard {:?}); expected scenario {}, {:?}, shard {:?}",
                cpath.display(),
                cp.scenario_id,
                cp.setup,
                cp.shard,
                sc.info.id,
                partial.setup,
                shard
            )));
        }
        partial = cp;
    } else {
        output::prepare_dir(&out, a.force, OWN_FILES).map_err(Error::Input)?;
    }
    let _lock = output::DirLock::acquire(&out)?;

    terminal::install_ctrlc();
    let pool = engine::pool(a.threads)?;
    let threads = pool.current_num_threads();
    let started = Instant::now();
    let elapsed_before = partial.elapsed_s;
    let inputs = pool.install(|| an.inputs())?;
    let obs = terminal::progress(partial.end - partial.start, partial.next - partial.start);
    let sched = runner::Schedule {
        batch: hooks.batch.unwrap_or(ROW_CHUNK * 64 * threads as u64),
        checkpoint_every_s: CHECKPOINT_EVERY_S,
        checkpoint: out.join(CHECKPOINT),
        unit: "model runs",
        interrupt_after: hooks.interrupt_after,
    };
    let mut job = SensJob {
        p: partial,
        an: &an,
        inputs: &inputs,
        pool: &pool,
        started,
        elapsed_before,
    };
    // This session's model runs: from where the checkpoint stopped (all of them when fresh).
    let next_before = job.p.next;
    runner::drive(&mut job, &sched, &obs)?;
    let mut partial = job.p;
    let evaluated = partial.next.saturating_sub(next_before);
    let eval_s = started.elapsed().as_secs_f64();
    partial.elapsed_s = elapsed_before + eval_s;

    if let Some((k, n)) = shard {
        output::write_sealed(&out.join(SHARD_FILE), PARTIAL_FORMAT, &partial)
            .map_err(io_err(&out))?;
        let _ = std::fs::remove_file(out.join(CHECKPOINT));
        eprintln!(
            "shard {k} of {n}: design rows {}..{} written to {}",
            partial.start,
            partial.end,
            out.join(SHARD_FILE).display()
        );
        return Ok(());
    }
    let outputs: Vec<f64> = partial.outputs.iter().map(|&b| f64::from_bits(b)).collect();
    pool.install(|| {
        an.write(
            &spath,
            &outputs,
            &out,
            elapsed_before + started.elapsed().as_secs_f64(),
        )
    })?;
    let _ = std::fs::remove_file(out.join(CHECKPOINT));
    let total_s = started.elapsed().as_secs_f64();
    let (m, id, k, rows) = (method.name(), &sc.info.id, an.k(), an.setup.rows);
    let rate = evaluated as f64 / eval_s.max(1e-9);
    if a.lang == LangArg::Zh {
        let m = match method {
            Method::Tornado => "龙卷风图",
            Method::Morris => "Morris",
            Method::Sobol => "Sobol'",
        };
        eprintln!(
            "情景 {id} 的 {m} 分析：{k} 个输入，{rows} 次模型运行（本次 {evaluated} 次，用时 {eval_s:.1} s，{threads} 线程每秒 {rate:.0} 次）；共 {total_s:.1} s；结果已写入 {}",
            out.display()
        );
    } else {
        eprintln!(
            "{m} of scenario {id}: {k} inputs, {rows} model runs ({evaluated} this session in {eval_s:.1} s, {rate:.0} runs/s on {threads} threads); {total_s:.1} s in all; results in {}",
            out.display()
        );
    }
    Ok(())
}

mod merge;
mod outcomes;
mod results;
pub use merge::merge;
pub use outcomes::{Outcome, parse_outcomes};

#[cfg(test)]
mod tests;
