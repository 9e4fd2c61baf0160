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
    Design, MorrisOptions, SaltelliBlock, SobolOptions, morris, morris_analyze, morris_design,
    rank_morris, rank_sobol, saltelli_base, saltelli_source, sobol_analyze, tornado_analyze,
    tornado_design,
};
use crate::engine::{self, Observer};
use crate::error::{Error, io as io_err};
use crate::indicators::{self, INDICATORS, TARGET_YEARS};
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
    nonfossil_share:2025), peak_year, or met:ID:YEAR (1 when indicator ID meets its target in \
    YEAR, else 0, e.g. met:5:2025). peak_year of a run that has not peaked within the horizon \
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
    /// chart across the years), peak_year or met:ID:YEAR.
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

// ------------------------------------------------------------------ outcomes

/// What a sensitivity analysis explains.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Outcome {
    /// A model variable in a year.
    Var(Var, i32),
    /// The peak year of energy CO₂.
    PeakYear,
    /// 1.0 when indicator `INDICATORS[i]` meets its target in `TARGET_YEARS[k]`, else 0.0.
    Met(usize, usize),
}

impl Outcome {
    /// Parse `VAR:YEAR`, `peak_year` or `met:ID:YEAR` against a scenario (exit-2 errors
    /// with a "did you mean" for unknown names, and for years outside the horizon).
    pub fn parse(text: &str, sc: &Scenario) -> Result<Outcome> {
        let s = text.trim();
        let forms = "expected VAR:YEAR (e.g. co2:2030), peak_year or met:ID:YEAR (e.g. met:5:2025)";
        let bad = |m: String| Error::Input(format!("--outcome {text}: {m}"));
        if s == "peak_year" {
            return Ok(Outcome::PeakYear);
        }
        let parts: Vec<&str> = s.split(':').collect();
        let year = |y: &str| -> Result<i32> {
            y.trim()
                .parse::<i32>()
                .map_err(|_| bad(format!("expected a year, found \"{y}\"")))
        };
        let mut names: Vec<&str> = VARS.iter().map(|v| v.name).collect();
        names.extend(["peak_year", "met"]);
        let hint = |name: &str| {
            crate::scenario::source::suggest(name, names.iter().copied())
                .map(|h| format!(" (did you mean `{h}`?)"))
                .unwrap_or_default()
        };
        match parts[..] {
            ["met", id, y] => {
                let Some(i) = indicators::find(id.trim()) else {
                    let ids = INDICATORS.iter().map(|d| d.id);
                    let h = crate::scenario::source::suggest(id.trim(), ids)
                        .map(|h| format!(" (did you mean `{h}`?)"))
                        .unwrap_or_default();
                    return Err(bad(format!(
                        "unknown indicator \"{id}\"{h}; `peakpath indicators` lists them"
                    )));
                };
                let y = year(y)?;
                let Some(k) = TARGET_YEARS.iter().position(|&t| t == y) else {
                    return Err(bad(format!(
                        "expected a target year ({}), found {y}",
                        TARGET_YEARS.map(|t| t.to_string()).join(" or ")
                    )));
                };
                let mut tr = Trajectory::new(&sc.spec);
                let med = sc.medians();
                model::simulate(&sc.spec, &med, &mut tr);
                if sc.indicators.met(i, k, &sc.spec, &med, &tr).is_none() {
                    return Err(bad(format!(
                        "indicator {id} has no {y} target or no value in scenario {}",
                        sc.info.id
                    )));
                }
                Ok(Outcome::Met(i, k))
            }
            [name, y] => {
                let Some(v) = Var::by_name(name.trim()) else {
                    return Err(bad(format!(
                        "unknown variable \"{name}\"{}; {forms}",
                        hint(name.trim())
                    )));
                };
                let y = year(y)?;
                if y < sc.spec.y0 || y > sc.spec.y1 {
                    return Err(bad(format!(
                        "year {y} is outside the scenario's horizon {}–{}",
                        sc.spec.y0, sc.spec.y1
                    )));
                }
                Ok(Outcome::Var(v, y))
            }
            [name] => Err(bad(format!(
                "unknown outcome \"{name}\"{}; {forms}",
                hint(name)
            ))),
            _ => Err(bad(forms.to_string())),
        }
    }

    /// Canonical text, e.g. `co2:2030`, `peak_year`, `met:5:2025`.
    pub fn spec(&self) -> String {
        match *self {
            Outcome::Var(v, y) => format!("{}:{y}", v.info().name),
            Outcome::PeakYear => "peak_year".into(),
            Outcome::Met(i, k) => format!("met:{}:{}", INDICATORS[i].id, TARGET_YEARS[k]),
        }
    }

    /// The outcome as part of a file name: `co2_2030`, `peak_year`, `met_5_2025`.
    pub fn file_stem(&self) -> String {
        self.spec()
            .chars()
            .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
            .collect()
    }

    /// Unit of the outcome.
    pub fn unit(&self, lang: Lang) -> &'static str {
        match *self {
            Outcome::Var(v, _) => v.info().unit,
            Outcome::PeakYear => {
                if lang == Lang::Zh {
                    "年"
                } else {
                    "year"
                }
            }
            Outcome::Met(..) => "1/0",
        }
    }

    /// Display name.
    pub fn label(&self, lang: Lang) -> String {
        let zh = lang == Lang::Zh;
        match *self {
            Outcome::Var(v, y) if zh => format!("{} {y} 年", v.info().zh),
            Outcome::Var(v, y) => format!("{}, {y}", v.info().en),
            Outcome::PeakYear if zh => "达峰年份(末年仍未达峰的模拟记为末年+1)".into(),
            Outcome::PeakYear => {
                "Peak year (a run not peaked by the last year counts as the year after)".into()
            }
            Outcome::Met(i, k) if zh => {
                format!(
                    "指标 {} {} {} 年达标",
                    INDICATORS[i].id, INDICATORS[i].name_zh, TARGET_YEARS[k]
                )
            }
            Outcome::Met(i, k) => {
                format!(
                    "Indicator {} met in {} ({})",
                    INDICATORS[i].id, TARGET_YEARS[k], INDICATORS[i].name_en
                )
            }
        }
    }

    /// Value of the outcome in one run.
    #[inline]
    pub fn eval(&self, sc: &Scenario, values: &[f64], tr: &Trajectory) -> f64 {
        match *self {
            Outcome::Var(v, y) => tr.at(v, y).unwrap_or(f64::NAN),
            // A run that has not peaked within the horizon counts as the year after it
            // (y1 + 1): later than any peak, so "later is worse" orders the runs, and finite,
            // so means, variances and elementary effects exist. Tables and charts show it as
            // "not peaked", never as a year.
            Outcome::PeakYear => {
                f64::from(tr.peak(&sc.spec.options).year.unwrap_or(sc.spec.y1 + 1))
            }
            Outcome::Met(i, k) => match sc.indicators.met(i, k, &sc.spec, values, tr) {
                Some(true) => 1.0,
                Some(false) => 0.0,
                None => f64::NAN,
            },
        }
    }
}

/// Parse every `--outcome`, refusing duplicates.
pub fn parse_outcomes(texts: &[String], sc: &Scenario) -> Result<Vec<Outcome>> {
    let mut out: Vec<Outcome> = Vec::new();
    for t in texts {
        let o = Outcome::parse(t, sc)?;
        if out.contains(&o) {
            return Err(Error::Input(format!("--outcome {t}: given twice")));
        }
        out.push(o);
    }
    if out.is_empty() {
        return Err(Error::Input("expected at least one --outcome".into()));
    }
    Ok(out)
}

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
        let chunks: Vec<Range<u64>> = (range.start..range.end)
            .step_by(ROW_CHUNK as usize)
            .map(|s| s..(s + ROW_CHUNK).min(range.end))
            .collect();
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
                                    values[p] = match block {
                                        SaltelliBlock::A => row[c],
                                        SaltelliBlock::B => row[k + c],
                                        SaltelliBlock::AB(i) => row[if i == c { k + c } else { c }],
                                    };
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

// ------------------------------------------------------------------ results

/// One outcome's analysed table, chart and headline.
struct Table {
    csv: Vec<u8>,
    svg: String,
    /// Top inputs, one line each, for the terminal.
    top: Vec<String>,
    extra: serde_json::Value,
}

fn chart_err(e: report::ChartError) -> Error {
    Error::Other(e.to_string())
}

fn shown(k: usize, lang: Lang) -> String {
    if k <= CHART_ROWS {
        String::new()
    } else if lang == Lang::Zh {
        format!("（前 {CHART_ROWS} / {k} 项）")
    } else {
        format!(" (top {CHART_ROWS} of {k})")
    }
}

impl Analysis<'_> {
    /// Analyse one outcome's outputs `y` (design order).
    fn table(&self, o: &Outcome, y: &[f64], lang: Lang) -> Result<Table> {
        let sc = self.sc;
        let k = self.k();
        let path = |c: usize| sc.params[sc.uncertain[c]].path.as_str();
        let unit = |c: usize| sc.params[sc.uncertain[c]].unit;
        let bad = |e: super::SensitivityError| match e {
            super::SensitivityError::NonFiniteOutput { row } => Error::Other(format!(
                "outcome {}: the model gave a non-finite value in design row {row}",
                o.spec()
            )),
            e => Error::Other(format!("outcome {}: {e}", o.spec())),
        };
        let zh = lang == Lang::Zh;
        let num = output::num;
        let label = o.label(lang);
        let ounit = report::unit(o.unit(lang), lang);
        let ounit = ounit.as_str();
        let y1 = self.sc.spec.y1;
        // The peak year of a run that has not peaked is y1 + 1 for the analysis; in words here.
        let shown_outcome = |x: f64| {
            if *o == Outcome::PeakYear && x > f64::from(y1) {
                crate::output::NOT_PEAKED.to_string()
            } else {
                num(x)
            }
        };
        match self.setup.method {
            Method::Tornado => {
                let res = tornado_analyze(k, y).map_err(bad)?;
                let rows = res.bars.iter().map(|b| {
                    let c = b.input;
                    vec![
                        path(c).into(),
                        unit(c).into(),
                        num(self.quantile(c, TORNADO_LOW)),
                        num(self.quantile(c, TORNADO_HIGH)),
                        shown_outcome(b.low),
                        shown_outcome(b.high),
                        num(b.swing),
                    ]
                });
                let csv = output::csv_table(
                    &[
                        "input",
                        "unit",
                        "low_value",
                        "high_value",
                        "outcome_low",
                        "outcome_high",
                        "swing",
                    ],
                    rows,
                );
                let chart = report::Tornado {
                    title: if zh {
                        format!(
                            "{label}：单因素敏感性（P10 / P90，其余取中位数）{}",
                            shown(k, lang)
                        )
                    } else {
                        format!(
                            "{label}: one at a time (P10 / P90, others at medians){}",
                            shown(k, lang)
                        )
                    },
                    x_label: format!("{label} ({ounit})"),
                    base: res.base,
                    category_from: (*o == Outcome::PeakYear).then(|| {
                        (
                            f64::from(y1 + 1),
                            if zh {
                                format!("{y1}年前未达峰")
                            } else {
                                format!("not peaked by {y1}")
                            },
                        )
                    }),
                    rows: res
                        .bars
                        .iter()
                        .take(CHART_ROWS)
                        .map(|b| report::TornadoRow {
                            label: path(b.input).into(),
                            low: b.low,
                            high: b.high,
                        })
                        .collect(),
                };
                let top = res
                    .bars
                    .iter()
                    .take(5)
                    .map(|b| {
                        format!(
                            "{:<45} P10 → {:<12} P90 → {:<12} {} {}",
                            path(b.input),
                            if *o == Outcome::PeakYear && b.low > f64::from(y1) {
                                shown_outcome(b.low)
                            } else {
                                fmt4(b.low)
                            },
                            if *o == Outcome::PeakYear && b.high > f64::from(y1) {
                                shown_outcome(b.high)
                            } else {
                                fmt4(b.high)
                            },
                            if lang == Lang::Zh { "摆幅" } else { "swing" },
                            fmt4(b.swing)
                        )
                    })
                    .collect();
                Ok(Table {
                    csv,
                    svg: report::tornado(&chart, lang).map_err(chart_err)?,
                    top,
                    extra: serde_json::json!({ "base": res.base }),
                })
            }
            Method::Morris => {
                let d = self
                    .morris
                    .as_ref()
                    .ok_or_else(|| Error::Other("morris design missing".into()))?;
                let opts = MorrisOptions {
                    n_boot: N_BOOT,
                    confidence: CONFIDENCE,
                    seed: bootstrap_seed(self.setup.seed),
                };
                let res = morris_analyze(d, y, &opts).map_err(bad)?;
                let order = rank_morris(&res);
                let rows = order.iter().map(|&c| {
                    let m = &res[c];
                    vec![
                        path(c).into(),
                        unit(c).into(),
                        num(m.mu),
                        num(m.mu_star),
                        num(m.mu_star_lo),
                        num(m.mu_star_hi),
                        num(m.sigma),
                    ]
                });
                let csv = output::csv_table(
                    &[
                        "input",
                        "unit",
                        "mu",
                        "mu_star",
                        "mu_star_lo",
                        "mu_star_hi",
                        "sigma",
                    ],
                    rows,
                );
                let shown_idx: Vec<usize> = order.iter().copied().take(CHART_ROWS).collect();
                let r = self.setup.samples.unwrap_or(0);
                let chart = report::IndexBars {
                    title: if zh {
                        format!(
                            "{label}：Morris 筛选（r = {r}，4 水平，95 % 区间）{}",
                            shown(k, lang)
                        )
                    } else {
                        format!(
                            "{label}: Morris screening (r = {r}, 4 levels, 95 % interval){}",
                            shown(k, lang)
                        )
                    },
                    x_label: if zh {
                        format!("μ*、σ（{ounit} / 单位概率）")
                    } else {
                        format!("μ*, σ ({ounit} per unit probability)")
                    },
                    rows: shown_idx.iter().map(|&c| path(c).to_string()).collect(),
                    series: vec![
                        report::IndexSeries {
                            name: "μ*".into(),
                            values: shown_idx.iter().map(|&c| res[c].mu_star).collect(),
                            ci: Some(
                                shown_idx
                                    .iter()
                                    .map(|&c| (res[c].mu_star_lo, res[c].mu_star_hi))
                                    .collect(),
                            ),
                        },
                        report::IndexSeries {
                            name: "σ".into(),
                            values: shown_idx.iter().map(|&c| res[c].sigma).collect(),
                            ci: None,
                        },
                    ],
                };
                let top = order
                    .iter()
                    .take(5)
                    .map(|&c| {
                        let m = &res[c];
                        format!(
                            "{:<45} mu* {} [{}, {}]  mu {}  sigma {}",
                            path(c),
                            fmt4(m.mu_star),
                            fmt4(m.mu_star_lo),
                            fmt4(m.mu_star_hi),
                            fmt4(m.mu),
                            fmt4(m.sigma)
                        )
                    })
                    .collect();
                Ok(Table {
                    csv,
                    svg: report::index_bars(&chart, lang).map_err(chart_err)?,
                    top,
                    extra: serde_json::Value::Null,
                })
            }
            Method::Sobol => {
                let opts = SobolOptions {
                    n_boot: N_BOOT,
                    confidence: CONFIDENCE,
                    seed: bootstrap_seed(self.setup.seed),
                };
                let res = sobol_analyze(k, y, &opts).map_err(bad)?;
                let order = rank_sobol(&res);
                let rows = order.iter().map(|&c| {
                    let s = &res[c];
                    vec![
                        path(c).into(),
                        unit(c).into(),
                        num(s.s1),
                        num(s.s1_lo),
                        num(s.s1_hi),
                        num(s.st),
                        num(s.st_lo),
                        num(s.st_hi),
                    ]
                });
                let csv = output::csv_table(
                    &[
                        "input", "unit", "s1", "s1_lo", "s1_hi", "st", "st_lo", "st_hi",
                    ],
                    rows,
                );
                let shown_idx: Vec<usize> = order.iter().copied().take(CHART_ROWS).collect();
                let n = self.setup.samples.unwrap_or(0);
                let chart = report::IndexBars {
                    title: if zh {
                        format!(
                            "{label}：Sobol 指数（N = {n}，95 % 自助法区间）{}",
                            shown(k, lang)
                        )
                    } else {
                        format!(
                            "{label}: Sobol' indices (N = {n}, 95 % bootstrap interval){}",
                            shown(k, lang)
                        )
                    },
                    x_label: if zh {
                        "敏感性指数".into()
                    } else {
                        "sensitivity index".into()
                    },
                    rows: shown_idx.iter().map(|&c| path(c).to_string()).collect(),
                    series: vec![
                        report::IndexSeries {
                            name: if zh {
                                "一阶 S1".into()
                            } else {
                                "first order S1".into()
                            },
                            values: shown_idx.iter().map(|&c| res[c].s1).collect(),
                            ci: Some(
                                shown_idx
                                    .iter()
                                    .map(|&c| (res[c].s1_lo, res[c].s1_hi))
                                    .collect(),
                            ),
                        },
                        report::IndexSeries {
                            name: if zh {
                                "总效应 ST".into()
                            } else {
                                "total effect ST".into()
                            },
                            values: shown_idx.iter().map(|&c| res[c].st).collect(),
                            ci: Some(
                                shown_idx
                                    .iter()
                                    .map(|&c| (res[c].st_lo, res[c].st_hi))
                                    .collect(),
                            ),
                        },
                    ],
                };
                let top = order
                    .iter()
                    .take(5)
                    .map(|&c| {
                        let s = &res[c];
                        format!(
                            "{:<45} S1 {} [{}, {}]  ST {} [{}, {}]",
                            path(c),
                            fmt4(s.s1),
                            fmt4(s.s1_lo),
                            fmt4(s.s1_hi),
                            fmt4(s.st),
                            fmt4(s.st_lo),
                            fmt4(s.st_hi)
                        )
                    })
                    .collect();
                let sum_s1: f64 = res.iter().map(|s| s.s1).sum();
                Ok(Table {
                    csv,
                    svg: report::index_bars(&chart, lang).map_err(chart_err)?,
                    top,
                    extra: serde_json::json!({ "sum_s1": sum_s1 }),
                })
            }
        }
    }

    /// Analyse every outcome and write the files of a finished analysis.
    fn write(&self, spath: &str, outputs: &[f64], out: &Path, elapsed: f64) -> Result<()> {
        let sc = self.sc;
        let m = self.outcomes.len();
        let rows = self.setup.rows as usize;
        if outputs.len() != rows * m {
            return Err(Error::Other(format!(
                "expected {} outputs, found {}",
                rows * m,
                outputs.len()
            )));
        }
        let mut lang = match self.setup.lang {
            LangArg::Zh => Lang::Zh,
            LangArg::En => Lang::En,
        };
        if self.setup.png && lang == Lang::Zh && !report::cjk_font_available() {
            eprintln!(
                "warning: no font with Chinese characters found for the PNG charts; labels in English"
            );
            lang = Lang::En;
        }
        let tables: Vec<Result<Table>> = self
            .outcomes
            .par_iter()
            .enumerate()
            .map(|(o, oc)| {
                let y: Vec<f64> = (0..rows).map(|j| outputs[j * m + o]).collect();
                self.table(oc, &y, lang)
            })
            .collect();
        let method = self.setup.method.name();
        let mut files = Vec::new();
        for (oc, t) in self.outcomes.iter().zip(tables) {
            let mut t = t?;
            let o = self.outcomes.iter().position(|x| x == oc).unwrap_or(0);
            let y0 = outputs.get(o).copied().unwrap_or(f64::NAN);
            let differ = (0..rows).filter(|&j| outputs[j * m + o] != y0).count();
            let constant = differ == 0;
            // A peak year past the horizon is "not peaked", in words (MODEL.md §7).
            let y1 = self.sc.spec.y1;
            let shown = if *oc == Outcome::PeakYear && y0 > f64::from(y1) {
                format!("{} (not peaked by {y1})", crate::output::NOT_PEAKED)
            } else {
                y0.to_string()
            };
            // Sobol': the variance is estimated on the 2N rows of A and B only.
            let var_rows = match self.setup.method {
                Method::Sobol => 2 * self.setup.samples.unwrap_or(0) as usize,
                _ => rows,
            };
            let zh = lang == Lang::Zh;
            let value = match oc {
                Outcome::Met(..) if y0 == 1.0 && zh => "1(达标)".to_string(),
                Outcome::Met(..) if y0 == 1.0 => "1 (met)".to_string(),
                Outcome::Met(..) if y0 == 0.0 && zh => "0(未达标)".to_string(),
                Outcome::Met(..) if y0 == 0.0 => "0 (not met)".to_string(),
                Outcome::PeakYear if y0 > f64::from(y1) && zh => format!("{y1}年前未达峰"),
                Outcome::PeakYear if y0 > f64::from(y1) => format!("not peaked by {y1}"),
                _ => format!("{y0}"),
            };
            if constant {
                t.top.insert(
                    0,
                    if lang == Lang::Zh {
                        format!("注：结果在全部 {rows} 次运行中都是 {shown}，所有指数均为 0（按输入顺序列出）")
                    } else {
                        format!("note: the outcome is {shown} in all {rows} runs, so every index is 0 (input order)")
                    },
                );
                // Say so in words instead of an empty frame.
                t.svg = report::message_chart(
                    &oc.label(lang),
                    &if zh {
                        format!("该结果在全部 {rows} 次模型运行中都是 {value}: 没有哪个不确定输入能改变它, 因此各输入的敏感性均为 0, 无可绘制的内容。")
                    } else {
                        format!("This outcome is {value} in all {rows} model runs: no uncertain input changes it, so every input's sensitivity is 0 and there is nothing to draw.")
                    },
                )
                .map_err(chart_err)?;
            } else if (0..var_rows.min(rows)).all(|j| outputs[j * m + o] == y0) {
                t.top.insert(0, format!(
                    "note: the outcome is {shown} in all {var_rows} rows of A and B (only {differ} of {rows} runs differ), so its variance estimate and every index are 0; use a larger --samples"
                ));
                t.svg = report::message_chart(
                    &oc.label(lang),
                    &if zh {
                        format!("该结果在样本矩阵 A 与 B 的全部 {var_rows} 行中都是 {value} (全部 {rows} 次运行中只有 {differ} 次不同), 方差估计为 0, 无法计算指数: 请增大 --samples。")
                    } else {
                        format!("This outcome is {value} in all {var_rows} rows of A and B (only {differ} of {rows} runs differ), so its variance estimate and every index are 0: use a larger --samples.")
                    },
                )
                .map_err(chart_err)?;
            }
            let stem = format!("{method}_{}", oc.file_stem());
            write_atomic(&out.join(format!("{stem}.csv")), &t.csv).map_err(io_err(out))?;
            write_atomic(&out.join(format!("{stem}.svg")), t.svg.as_bytes())
                .map_err(io_err(out))?;
            if self.setup.png {
                let png = report::svg_to_png(&t.svg, 2.0)
                    .map_err(|e| Error::Other(format!("{stem}.png: {e}")))?;
                write_atomic(&out.join(format!("{stem}.png")), &png).map_err(io_err(out))?;
            }
            if lang == Lang::Zh {
                eprintln!("{}（{}），影响最大的输入：", oc.spec(), oc.label(Lang::Zh));
            } else {
                eprintln!("{} ({}), top inputs:", oc.spec(), oc.label(Lang::En));
            }
            for l in &t.top {
                eprintln!("  {l}");
            }
            files.push(serde_json::json!({
                "outcome": oc.spec(),
                "name_zh": oc.label(Lang::Zh),
                "name_en": oc.label(Lang::En),
                "unit": oc.unit(Lang::En),
                "csv": format!("{stem}.csv"),
                "chart": format!("{stem}.svg"),
                "png": self.setup.png.then(|| format!("{stem}.png")),
                "summary": t.extra,
                "constant": constant.then_some(y0),
                "runs_differing_from_first": differ,
            }));
        }
        let k = self.k();
        let design = match self.setup.method {
            Method::Tornado => {
                serde_json::json!({ "low_probability": TORNADO_LOW, "high_probability": TORNADO_HIGH, "others": "median", "runs": "2k + 1" })
            }
            Method::Morris => serde_json::json!({
                "trajectories": self.setup.samples, "levels": morris::DEFAULT_LEVELS, "jump_probability": 0.5,
                "elementary_effect": "output change per unit of probability",
                "bootstrap_resamples": N_BOOT, "confidence": CONFIDENCE, "bootstrap_seed": bootstrap_seed(self.setup.seed),
                "rng": "ChaCha8 (rand_chacha 0.10), seed_from_u64(seed)",
            }),
            Method::Sobol => serde_json::json!({
                "base_rows": self.setup.samples, "runs": "N (k + 2)", "order": "[A; B; AB_1 .. AB_k]",
                "sequence": "Owen-scrambled Sobol' (sobol_burley 0.5, Joe-Kuo directions), seed (seed ^ seed >> 32) as u32, each point jittered in its 2^-23 cell with ChaCha8",
                "s1_estimator": "Saltelli et al. (2010)", "st_estimator": "Jansen (1999)",
                "bootstrap_resamples": N_BOOT, "confidence": CONFIDENCE, "bootstrap_seed": bootstrap_seed(self.setup.seed),
            }),
        };
        let inputs: Vec<serde_json::Value> = sc
            .uncertain
            .iter()
            .map(|&p| serde_json::json!({ "input": sc.params[p].path, "unit": sc.params[p].unit, "distribution": sc.params[p].dist.to_syntax() }))
            .collect();
        let mut over_time = Vec::new();
        for span in &self.setup.over_time {
            let files = super::over_time::write(method, span, out, lang, self.setup.png)?;
            if lang == Lang::Zh {
                eprintln!(
                    "{}:{}..{}：逐年指数见 {}",
                    span.var, span.from, span.to, files[0]
                );
            } else {
                eprintln!(
                    "{}:{}..{}: indices per year in {}",
                    span.var, span.from, span.to, files[0]
                );
            }
            over_time.push(serde_json::json!({ "outcome": format!("{}:{}..{}", span.var, span.from, span.to), "files": files }));
        }
        let summary = serde_json::json!({
            "format": "peakpath-sensitivity-1",
            "peakpath_version": env!("CARGO_PKG_VERSION"),
            "scenario": { "id": sc.info.id, "path": spath, "files": sc.files, "content_sha256": sc.hash },
            "method": method,
            "samples": self.setup.samples,
            "seed": self.setup.seed,
            "evaluations": self.setup.rows,
            "inputs_count": k,
            "elapsed_s": (elapsed * 1000.0).round() / 1000.0,
            "design": design,
            "references": REFERENCES,
            "outcomes": files,
            "inputs": inputs,
            "correlations": super::dependence::json(sc),
            "over_time": over_time,
        });
        for l in super::dependence::notes(sc, lang == Lang::Zh) {
            eprintln!("{l}");
        }
        write_atomic(&out.join(SUMMARY), &output::json_bytes(&summary)).map_err(io_err(out))?;
        Ok(())
    }
}

fn fmt4(x: f64) -> String {
    if x != 0.0 && (x.abs() >= 1e5 || x.abs() < 1e-3) {
        format!("{x:.3e}")
    } else {
        format!("{x:.4}")
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
    runner::drive(&mut job, &sched, &obs)?;
    let mut partial = job.p;
    let evaluated = partial.end - partial.start;
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
pub use merge::merge;

#[cfg(test)]
mod tests;
