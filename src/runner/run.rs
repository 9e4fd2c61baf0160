//! The `run` job: the central run, a Monte Carlo run (whole, one shard, or resumed from a
//! checkpoint), and the files of a finished run.

use std::path::{Path, PathBuf};
use std::time::Instant;

use serde::{Deserialize, Serialize};

use super::{
    CHECKPOINT, Look, PARTIAL_FORMAT, RUN_FILES, Result, Resumable, SHARD_FILE, Schedule,
    draws_file, drive, finish, history, precision,
};
use crate::engine::{self, Accumulator, Observer};
use crate::error::{Error, io as io_err};
use crate::model::Trajectory;
use crate::output::{self, write_atomic};
use crate::scenario::Scenario;
use crate::stats::RELATIVE_ACCURACY;
use crate::terminal::{install_ctrlc, progress};

/// What `peakpath run` asks for.
#[derive(Debug, Clone)]
pub struct RunRequest {
    /// Scenario file (default: the plan scenario embedded in the binary).
    pub scenario: Option<PathBuf>,
    /// Only the central run.
    pub central: bool,
    pub runs: u64,
    pub seed: u64,
    pub threads: Option<u16>,
    /// Output folder (default: `outputs/<scenario id>`).
    pub out: Option<PathBuf>,
    /// `K/N`: run only shard K of N.
    pub shard: Option<String>,
    pub force: bool,
    pub resume: bool,
    pub look: Look,
    pub report: bool,
    /// `--precision H`: run batches until every headline probability's Wilson 95 %
    /// half-width is at most `H`; `runs` is then the most runs drawn.
    pub precision: Option<f64>,
    /// `--save-draws FILE.npz`: every run's inputs and chosen outcomes (see [`draws_file`]).
    pub save_draws: Option<PathBuf>,
    /// Also write `results.xlsx`.
    pub xlsx: bool,
}

/// What a finished `run` leaves for the caller to show.
pub enum RunResult {
    /// The central run only.
    Central {
        sc: Box<Scenario>,
        tr: Trajectory,
        out: PathBuf,
    },
    /// A shard's partial result was written.
    Shard {
        k: u64,
        n: u64,
        start: u64,
        end: u64,
        file: PathBuf,
    },
    /// `--resume` found no checkpoint but the finished results of the same run (scenario,
    /// seed, runs, shard): nothing to do.
    AlreadyComplete { out: PathBuf, file: PathBuf },
    /// A whole Monte Carlo run.
    MonteCarlo {
        sc: Box<Scenario>,
        tr: Trajectory,
        acc: Box<Accumulator>,
        out: PathBuf,
        elapsed_s: f64,
        /// With `--precision`: what it reached (see [`precision::json`]).
        precision: Option<serde_json::Value>,
    },
}

/// A partial Monte Carlo result: a shard's output or an interrupted run's checkpoint,
/// written sealed ([`output::write_sealed`]) under the tag [`PARTIAL_FORMAT`].
#[derive(Serialize, Deserialize)]
pub(crate) struct Partial {
    pub scenario_id: String,
    pub scenario_path: String,
    pub scenario_sha256: String,
    /// Every file of the scenario, so that `merge` rebuilds exactly the same scenario.
    pub sources: Vec<(String, String)>,
    pub seed: u64,
    pub runs: u64,
    pub shard: Option<(u64, u64)>,
    /// The last shard this partial covers when it is a `merge --partial` of the consecutive
    /// shards `shard.0..=shard_last`; absent for one shard.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub shard_last: Option<u64>,
    /// Run indices this partial covers: `start..end`; `next` is where a checkpoint resumes.
    pub start: u64,
    pub end: u64,
    pub next: u64,
    /// Seconds spent on this job's runs so far (across interruptions).
    pub elapsed_s: f64,
    pub acc: Accumulator,
    /// `--precision H` of the run, if any (the end shrinks to where it was reached).
    #[serde(default)]
    pub precision: Option<f64>,
    /// In a checkpoint of a run with `--save-draws`: the draws file and the parts holding
    /// the rows of the runs done, which `--resume` continues; absent otherwise (and in a
    /// shard's result).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub draws: Option<draws_file::DrawsParts>,
}

/// Monte Carlo runs of a scenario as a [`Resumable`] job on a thread pool.
struct McJob<'a> {
    p: Partial,
    sc: &'a Scenario,
    draws: engine::Draws,
    pool: &'a rayon::ThreadPool,
    save: Option<draws_file::DrawsFile>,
    /// An error writing the draws file, reported after the batch.
    save_error: Option<Error>,
    started: Instant,
    elapsed_before: f64,
}

impl Resumable for McJob<'_> {
    fn cursor(&self) -> (u64, u64, u64) {
        (self.p.start, self.p.next, self.p.end)
    }
    fn advance(&mut self, hi: u64, obs: &dyn Observer) -> bool {
        let (sc, seed, next, draws) = (self.sc, self.p.seed, self.p.next, &self.draws);
        let result = match &self.save {
            None => self
                .pool
                .install(|| engine::monte_carlo_with(sc, draws, seed, next..hi, obs)),
            Some(df) => {
                let row = |v: &[f64], tr: &Trajectory, kept: bool, out: &mut Vec<f64>| {
                    df.outcomes(sc, v, tr, kept, out)
                };
                let got = self.pool.install(|| {
                    engine::export::monte_carlo_rows(sc, draws, seed, next..hi, obs, &row)
                });
                got.and_then(|(acc, rows)| {
                    let df = self.save.as_mut()?;
                    if let Err(e) = df.write(next, &rows) {
                        self.save_error = Some(e);
                        return None;
                    }
                    Some(acc)
                })
            }
        };
        match result {
            Some(acc) => {
                // The checkpoint's counts were verified against its runs (check_acc), so
                // this sum fits; were it not to, the run stops rather than keep a wrapped one.
                if let Err(why) = self.p.acc.merge(&acc) {
                    self.save_error =
                        Some(Error::Input(format!("{}: {why}", self.p.scenario_path)));
                    return false;
                }
                self.p.next = hi;
                // --precision: stop at the end of the first batch that is precise enough.
                if let Some(h) = self.p.precision
                    && self.p.acc.runs > 0
                    && precision::worst_half_width(sc, &self.p.acc) <= h
                {
                    self.p.end = hi;
                }
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

/// Run a scenario as `req` says: write its files and return what to show.
pub fn run(req: &RunRequest) -> Result<RunResult> {
    let (sc, spath) = Scenario::load_or_plan(req.scenario.as_deref())?;
    if req.central && (req.shard.is_some() || req.resume) {
        return Err(Error::Input(
            "--central: expected no --shard or --resume with it (the central run is one run), found them together".into(),
        ));
    }
    let shard = req.shard.as_deref().map(engine::parse_shard).transpose()?;
    // The draws file's target before anything else: not after the whole Monte Carlo.
    if let Some(f) = &req.save_draws {
        draws_file::check_target(f)?;
    }
    let out = match &req.out {
        Some(o) => o.clone(),
        None => output::child_dir(Path::new("outputs"), &sc.info.id)?,
    };
    let options = serde_json::json!({ "central": req.central, "runs": if req.central { None } else { Some(req.runs) }, "seed": req.seed, "shard": req.shard });
    let own: Vec<&str> = RUN_FILES.iter().copied().chain([CHECKPOINT]).collect();
    if req.resume && !out.join(CHECKPOINT).exists() {
        if let Some(file) = finished_same_run(&out, &sc, req, shard)? {
            if let Some(f) = req.save_draws.as_ref().filter(|f| !f.is_file()) {
                return Err(Error::Input(format!(
                    "{}: --resume --save-draws: the run is already complete ({}) but its draws were not saved; rerun without --resume (and with --force) to save them",
                    f.display(),
                    file.display()
                )));
            }
            return Ok(RunResult::AlreadyComplete { out, file });
        }
        return Err(Error::Input(format!(
            "{}: --resume: expected a checkpoint file, found none",
            out.join(CHECKPOINT).display()
        )));
    }
    if !req.resume {
        output::prepare_dir(&out, req.force, &own).map_err(Error::Input)?;
    }
    let _lock = output::DirLock::acquire(&out)?;
    let tr = engine::central(&sc);
    if req.central {
        write_central(&sc, &spath, &tr, &out, options)?;
        finish(&out, req.look, req.report, req.xlsx)?;
        clean_up(&out, req, &history::own_files(&sc, CENTRAL_FILES))?;
        return Ok(RunResult::Central {
            sc: Box::new(sc),
            tr,
            out,
        });
    }

    if req.save_draws.is_some() && (req.central || req.precision.is_some()) {
        return Err(Error::Input(
            "--save-draws: expected a Monte Carlo run with a fixed --runs, found --central or --precision".into(),
        ));
    }
    if let Some(h) = req.precision {
        if !(h > 0.0 && h < 0.5) {
            return Err(Error::Input(format!(
                "--precision: expected a Wilson 95 % half-width in (0, 0.5), e.g. 0.005, found {h}"
            )));
        }
        if shard.is_some() {
            return Err(Error::Input(
                "--precision: expected no --shard (the number of runs is decided as the run goes; run it whole, or shard a fixed --runs)".into(),
            ));
        }
    }
    let range = match shard {
        Some((k, n)) => engine::shard_range(req.runs, k, n),
        None => 0..req.runs,
    };
    let mut partial = Partial {
        scenario_id: sc.info.id.clone(),
        scenario_path: spath.clone(),
        scenario_sha256: sc.hash.clone(),
        sources: sc.texts.clone(),
        seed: req.seed,
        runs: req.runs,
        shard,
        shard_last: None,
        start: range.start,
        end: range.end,
        next: range.start,
        elapsed_s: 0.0,
        acc: Accumulator::for_scenario(&sc),
        precision: req.precision,
        draws: None,
    };
    if req.resume {
        let path = out.join(CHECKPOINT);
        let cp = read_partial(&path)?;
        let mut differs = Vec::new();
        if cp.scenario_sha256 != partial.scenario_sha256 {
            differs.push(format!(
                "scenario: expected {} (sha256 {}), found {} (sha256 {})",
                sc.info.id,
                short(&sc.hash),
                cp.scenario_id,
                short(&cp.scenario_sha256)
            ));
        }
        if cp.seed != req.seed {
            differs.push(format!("seed: expected {}, found {}", req.seed, cp.seed));
        }
        if cp.runs != req.runs {
            differs.push(format!("runs: expected {}, found {}", req.runs, cp.runs));
        }
        if cp.shard != shard || cp.shard_last.is_some() {
            differs.push(format!(
                "shard: expected {}, found {}",
                shard_text(shard),
                engine::shards_text(cp.shard, cp.shard_last)
            ));
        }
        if cp.precision != req.precision {
            differs.push(format!(
                "precision: expected {:?}, found {:?}",
                req.precision, cp.precision
            ));
        }
        match (&req.save_draws, &cp.draws) {
            (None, Some(d)) => differs.push(format!(
                "save-draws: expected none, found {} (resume with --save-draws {0})",
                d.file.display()
            )),
            (Some(f), Some(d)) if *f != d.file => differs.push(format!(
                "save-draws: expected {}, found {}",
                f.display(),
                d.file.display()
            )),
            _ => {}
        }
        if !differs.is_empty() {
            return Err(Error::Input(format!(
                "{}: --resume: the checkpoint is of another run; rerun with the checkpoint's settings, or without --resume (and --force) to start over: {}",
                path.display(),
                differs.join("; ")
            )));
        }
        check_partial(&cp, &sc, &path)?;
        if req.save_draws.is_some() && cp.draws.is_none() && cp.next > cp.start {
            return Err(Error::Input(format!(
                "{}: --resume --save-draws: the runs {}..{} of this checkpoint were drawn without --save-draws, so their rows cannot be written; resume without --save-draws, or rerun without --resume (and with --force) to save every run's draws",
                path.display(),
                cp.start,
                cp.next
            )));
        }
        partial = cp;
    }

    install_ctrlc();
    let pool = engine::pool(req.threads)?;
    let threads = pool.current_num_threads();
    let started = Instant::now();
    let obs = progress(partial.end - partial.start, partial.next - partial.start);
    let sched = Schedule {
        // --precision checks after fixed batches of run indices, whatever the thread count.
        batch: if req.precision.is_some() {
            precision::BATCH
        } else if req.save_draws.is_some() {
            // Rows are held for one batch: keep it small.
            engine::CHUNK * 2 * threads as u64
        } else {
            engine::CHUNK * 16 * threads as u64
        },
        checkpoint_every_s: 30,
        checkpoint: out.join(CHECKPOINT),
        unit: "runs",
        interrupt_after: None,
    };
    let elapsed_before = partial.elapsed_s;
    let mut job = McJob {
        p: partial,
        sc: &sc,
        draws: engine::Draws::new(&sc),
        pool: &pool,
        started,
        elapsed_before,
        save: None,
        save_error: None,
    };
    if let Some(f) = &req.save_draws {
        let df =
            draws_file::DrawsFile::create(f, &sc, job.p.start, job.p.end, job.p.draws.as_ref())?;
        job.p.draws = Some(df.parts());
        job.save = Some(df);
    }
    let driven = drive(&mut job, &sched, &obs);
    if let Some(e) = job.save_error.take() {
        return Err(e);
    }
    driven?;
    let draws = job.save.take();
    // A checkpoint of the finished runs, kept when the draws file cannot be written at the
    // end (a full disk): `--resume --save-draws` then writes it without drawing again.
    let checkpoint = draws
        .as_ref()
        .map(|_| Resumable::save(&mut job, &out.join(CHECKPOINT)));
    let mut partial = job.p;
    let elapsed_s = elapsed_before + started.elapsed().as_secs_f64();
    partial.elapsed_s = elapsed_s;
    partial.draws = None;
    // The results first, then the draws file: a failure there keeps both the results and
    // the checkpoint.
    let finish_draws = |written: &[&str]| -> Result<()> {
        let Some(df) = draws else {
            return clean_up(&out, req, written);
        };
        match df.finish() {
            Ok(_) => clean_up(&out, req, written),
            Err(e) => {
                let mut kept: Vec<&str> = written.to_vec();
                if matches!(checkpoint, Some(Ok(()))) {
                    kept.push(CHECKPOINT);
                }
                clean_up(&out, req, &kept)?;
                Err(Error::Other(format!(
                    "{e}; the results are written in {}{}",
                    out.display(),
                    if matches!(checkpoint, Some(Ok(()))) {
                        format!(
                            ", and {} is kept: rerun with --resume --save-draws to write the draws file",
                            out.join(CHECKPOINT).display()
                        )
                    } else {
                        String::new()
                    }
                )))
            }
        }
    };

    if let Some((k, n)) = shard {
        output::write_sealed(&out.join(SHARD_FILE), PARTIAL_FORMAT, &partial)
            .map_err(io_err(&out))?;
        finish_draws(&[SHARD_FILE])?;
        return Ok(RunResult::Shard {
            k,
            n,
            start: partial.start,
            end: partial.end,
            file: out.join(SHARD_FILE),
        });
    }
    let precision = req
        .precision
        .map(|h| precision::json(&sc, &partial.acc, h, req.runs));
    write_mc(
        &sc,
        &spath,
        &tr,
        &partial.acc,
        req.seed,
        &out,
        serde_json::json!({ "elapsed_s": elapsed_s, "threads": threads, "precision": precision }),
    )?;
    finish(&out, req.look, req.report, req.xlsx)?;
    finish_draws(&history::own_files(&sc, MC_FILES))?;
    Ok(RunResult::MonteCarlo {
        sc: Box::new(sc),
        tr,
        acc: Box::new(partial.acc),
        out,
        elapsed_s,
        precision,
    })
}

/// With `--resume` and no checkpoint: the file of the finished results of this very run
/// (`run.json` of a whole run, `shard.json` of a shard) when the folder holds them; an error
/// when it holds the results of another run.
fn finished_same_run(
    out: &Path,
    sc: &Scenario,
    req: &RunRequest,
    shard: Option<(u64, u64)>,
) -> Result<Option<PathBuf>> {
    let (file, sha, seed, runs, got_shard) = if shard.is_some() {
        let f = out.join(SHARD_FILE);
        if !f.exists() {
            return Ok(None);
        }
        let p = read_partial(&f)?;
        (f, p.scenario_sha256, p.seed, p.runs, p.shard)
    } else {
        let f = out.join("run.json");
        if !f.exists() {
            return Ok(None);
        }
        let v: serde_json::Value = output::read_json(&f, "a peakpath run.json")?;
        let mc = &v["monte_carlo"];
        if mc.is_null() {
            return Ok(None);
        }
        (
            f,
            v["scenario"]["content_sha256"]
                .as_str()
                .unwrap_or("")
                .to_string(),
            mc["seed"].as_u64().unwrap_or(u64::MAX),
            mc["runs"].as_u64().unwrap_or(0),
            None,
        )
    };
    if sha == sc.hash && seed == req.seed && runs == req.runs && got_shard == shard {
        Ok(Some(file))
    } else {
        Err(Error::Input(format!(
            "{}: --resume: expected a checkpoint of this run, found no checkpoint and the finished results of another run (seed {seed}, runs {runs}); drop --resume and use --force to overwrite them",
            file.display()
        )))
    }
}

/// The files of a central run, of a Monte Carlo run (`report.html` with `--report`).
const CENTRAL_FILES: &[&str] = &[
    "trajectories.csv",
    "indicators.csv",
    "parameters.csv",
    "run.json",
    "report.html",
];
pub(crate) const MC_FILES: &[&str] = &[
    "summary.csv",
    "peak.csv",
    "indicators.csv",
    "trajectories.csv",
    "parameters.csv",
    "run.json",
    "report.html",
];

/// After a finished run: remove what an earlier run left that this one did not rewrite (its
/// checkpoint included), and with `--no-charts` the earlier run's charts.
fn clean_up(out: &Path, req: &RunRequest, written: &[&str]) -> Result<()> {
    let written: Vec<&str> = written
        .iter()
        .copied()
        .chain(req.xlsx.then_some(crate::output::xlsx::WORKBOOK))
        .filter(|f| *f != "report.html" || req.report)
        .collect();
    let own: Vec<&str> = RUN_FILES.iter().copied().chain([CHECKPOINT]).collect();
    output::remove_stale(out, &own, &written).map_err(io_err(out))?;
    if req.look.no_charts {
        output::remove_stale_charts(out).map_err(io_err(out))?;
    }
    Ok(())
}

fn short(h: &str) -> &str {
    &h[..12.min(h.len())]
}

fn shard_text(s: Option<(u64, u64)>) -> String {
    s.map_or_else(|| "none".into(), |(k, n)| format!("{k}/{n}"))
}

/// Read a shard file or checkpoint: sealed (its SHA-256 must match its content) and
/// internally consistent (see [`check_partial`] for what is checked against the scenario).
pub(crate) fn read_partial(path: &Path) -> Result<Partial> {
    let p: Partial = output::read_sealed(path, PARTIAL_FORMAT, "a peakpath partial result")?;
    let bad = |what: String| Err(Error::Input(format!("{}: {what}", path.display())));
    if !(p.start <= p.next && p.next <= p.end && p.end <= p.runs) {
        return bad(format!(
            "expected start ≤ next ≤ end ≤ runs, found start {}, next {}, end {}, runs {}",
            p.start, p.next, p.end, p.runs
        ));
    }
    let expected = match p.shard {
        Some((k, n)) => match engine::shards_range(p.runs, k, p.shard_last, n) {
            Ok(r) => r,
            Err(why) => return bad(why),
        },
        None if p.shard_last.is_some() => {
            return bad("shard_last: expected none for a whole run, found one".into());
        }
        None => 0..p.runs,
    };
    if expected != (p.start..p.end) {
        return bad(format!(
            "expected runs {}..{} for shard {}, found {}..{}",
            expected.start,
            expected.end,
            engine::shards_text(p.shard, p.shard_last),
            p.start,
            p.end
        ));
    }
    // Runs drawn cover the indices done; the kept ones (MODEL.md §11) are at most as many.
    let drawn = history::drawn(&p.acc);
    if drawn != p.next - p.start || (p.acc.drawn > 0 && p.acc.runs > p.acc.drawn) {
        return bad(format!(
            "acc.runs: expected {} drawn (the runs {}..{} done), found {} drawn, {} kept",
            p.next - p.start,
            p.start,
            p.next,
            drawn,
            p.acc.runs
        ));
    }
    check_acc(&p.acc).map_err(|why| Error::Input(format!("{}: {why}", path.display())))?;
    Ok(p)
}

/// Verify a shard file or checkpoint as `merge` and `--resume` do: its seal, its invariants,
/// and its statistics against the scenario rebuilt from the sources it holds. For tools
/// (and the fuzz target) that check files without running anything.
pub fn verify_partial(path: &Path) -> Result<()> {
    let p = read_partial(path)?;
    let sc = Scenario::from_saved(&p.sources, &p.scenario_sha256, path)?;
    check_partial(&p, &sc, path)
}

/// A partial result against the scenario it claims: the same number of years, hence the
/// same series.
pub(crate) fn check_partial(p: &Partial, sc: &Scenario, path: &Path) -> Result<()> {
    if p.acc.n_years != sc.spec.n_years() {
        return Err(Error::Input(format!(
            "{}: acc.n_years: expected {} (scenario {}), found {}",
            path.display(),
            sc.spec.n_years(),
            sc.info.id,
            p.acc.n_years
        )));
    }
    let n_ind = sc.indicators.defs().len();
    if p.acc.met.len() != n_ind {
        return Err(Error::Input(format!(
            "{}: acc.met: expected {n_ind} indicators (the plan of scenario {}), found {}",
            path.display(),
            sc.info.id,
            p.acc.met.len()
        )));
    }
    Ok(())
}

/// The invariants of a run's statistics: one series per variable and year, one count per
/// indicator and target year, every series holding one value per run, counts never above the
/// runs, and the peak-year histogram summing to the runs.
fn check_acc(acc: &Accumulator) -> std::result::Result<(), String> {
    use crate::model::VARS;
    let n = acc.runs;
    let want = VARS.len() * acc.n_years;
    if acc.series.len() != want {
        return Err(format!(
            "acc.series: expected {want} series ({} variables × {} years), found {}",
            VARS.len(),
            acc.n_years,
            acc.series.len()
        ));
    }
    let values = |s: &crate::stats::SeriesStats| s.count().checked_add(s.sketch().invalid());
    if let Some(i) = acc.series.iter().position(|s| values(s) != Some(n)) {
        let s = &acc.series[i];
        return Err(format!(
            "acc.series[{i}] ({} {}): expected {n} values (one per run), found {} finite and {} invalid",
            VARS[i / acc.n_years].name,
            i % acc.n_years,
            s.count(),
            s.sketch().invalid()
        ));
    }
    // One count, two value series and one rule count per indicator of the plan (checked
    // against the scenario's plan in `check_partial`).
    if acc.met.len() > crate::indicators::plan::MAX_INDICATORS
        || acc.indicator_values.len() != 2 * acc.met.len()
        || acc.rules_met.len() != acc.met.len()
    {
        return Err(format!(
            "acc.met: expected one count, two value series and one rule count per indicator (at most {}), found {} counts, {} value series and {} rule counts",
            crate::indicators::plan::MAX_INDICATORS,
            acc.met.len(),
            acc.indicator_values.len(),
            acc.rules_met.len()
        ));
    }
    if let Some(i) = acc.met.iter().position(|m| m[0] > n || m[1] > n) {
        return Err(format!(
            "acc.met[{i}]: expected counts of at most {n} runs, found {:?}",
            acc.met[i]
        ));
    }
    if let Some(i) = acc
        .indicator_values
        .iter()
        .position(|s| values(s).is_none_or(|v| v > n))
    {
        return Err(format!(
            "acc.indicator_values[{i}]: expected at most {n} values, found {}",
            acc.indicator_values[i].count()
        ));
    }
    if let Some(i) = acc
        .rules_met
        .iter()
        .position(|m| m.iter().flatten().any(|&c| c > n))
    {
        return Err(format!(
            "acc.rules_met[{i}]: expected counts of at most {n} runs, found {:?}",
            acc.rules_met[i]
        ));
    }
    if let Some(t) = acc.cap_binds.iter().position(|&c| c > n) {
        return Err(format!(
            "acc.cap_binds[{t}]: expected a count of at most {n} runs, found {}",
            acc.cap_binds[t]
        ));
    }
    let drawn = acc.drawn.max(n);
    if let Some(k) = acc.rejected_by.iter().position(|&c| c > drawn) {
        return Err(format!(
            "acc.rejected_by[{k}]: expected a count of at most {drawn} drawn runs, found {}",
            acc.rejected_by[k]
        ));
    }
    if acc.peak_hist.len() != acc.n_years {
        return Err(format!(
            "acc.peak_hist: expected {} years, found {}",
            acc.n_years,
            acc.peak_hist.len()
        ));
    }
    // Checked sums: counts raised by 2^63 must not wrap into the runs.
    let Some(peaks) = crate::stats::sum_counts(&acc.peak_hist)
        .ok()
        .and_then(|s| s.checked_add(acc.not_peaked))
    else {
        return Err(format!(
            "acc: expected the peak-year counts (not peaked included) to sum to the {n} runs, found counts whose sum does not fit in 64 bits"
        ));
    };
    let counts = [
        acc.peaked,
        acc.rebound,
        acc.all_modelled[0],
        acc.all_modelled[1],
        acc.all_binding[0],
        acc.all_binding[1],
    ];
    if peaks != n || counts.iter().any(|&c| c > n) || acc.rebound > acc.peaked {
        return Err(format!(
            "acc: expected the peak-year counts (not peaked included) to sum to the {n} runs, no count above it and no more rebounds than peaks, found {peaks} (peaked {}, rebound {}, all modelled binding met {:?}, all binding met {:?})",
            acc.peaked, acc.rebound, acc.all_modelled, acc.all_binding
        ));
    }
    Ok(())
}

/// Write the files of the central run.
fn write_central(
    sc: &Scenario,
    spath: &str,
    tr: &Trajectory,
    out: &Path,
    options: serde_json::Value,
) -> Result<()> {
    let mut run = output::run_json_base(sc, spath, options);
    run["central"] = output::central_headline(sc, tr);
    run["checks"] = output::checks_json(sc, tr, None);
    write_atomic(
        &out.join("trajectories.csv"),
        &output::trajectories_csv(sc, tr),
    )
    .map_err(io_err(out))?;
    write_atomic(
        &out.join("indicators.csv"),
        &output::indicators_csv(sc, tr, None),
    )
    .map_err(io_err(out))?;
    write_atomic(&out.join("parameters.csv"), &output::parameters_csv(sc)).map_err(io_err(out))?;
    write_observed(sc, tr, out, &mut run)?;
    write_atomic(&out.join("run.json"), &output::json_bytes(&run)).map_err(io_err(out))?;
    Ok(())
}

/// `observed.csv` of the central run, and the correlations and observations in `run.json`.
fn write_observed(
    sc: &Scenario,
    tr: &Trajectory,
    out: &Path,
    run: &mut serde_json::Value,
) -> Result<()> {
    if !sc.correlations.is_empty() {
        run["correlations"] = serde_json::json!(sc.correlations.pairs);
    }
    if sc.observed.is_empty() {
        return Ok(());
    }
    write_atomic(&out.join("observed.csv"), &history::observed_csv(sc, tr)).map_err(io_err(out))
}

/// Write the files of a finished Monte Carlo run (also used by `merge` and `compare`).
pub fn write_mc(
    sc: &Scenario,
    spath: &str,
    tr: &Trajectory,
    acc: &Accumulator,
    seed: u64,
    out: &Path,
    extra: serde_json::Value,
) -> Result<()> {
    history::check_kept(sc, acc)?;
    let mut run = output::run_json_base(
        sc,
        spath,
        serde_json::json!({ "runs": acc.runs, "seed": seed }),
    );
    let mut mc = serde_json::json!({
        "runs": acc.runs,
        "seed": seed,
        "rng": "ChaCha8 (rand_chacha 0.10): key = SeedableRng::seed_from_u64(seed), stream = run index",
        "quantile_relative_accuracy": RELATIVE_ACCURACY,
        "elapsed_s": extra["elapsed_s"],
        "threads": extra["threads"],
    });
    if let (Some(m), serde_json::Value::Object(h)) =
        (mc.as_object_mut(), output::mc_headline_json(sc, acc))
    {
        m.extend(h);
    }
    run["monte_carlo"] = mc;
    run["monte_carlo"]["observed_history"] = history::acceptance_json(sc, acc);
    if let Some(p) = extra.get("precision").filter(|p| !p.is_null()) {
        run["monte_carlo"]["precision"] = p.clone();
    }
    run["central"] = output::central_headline(sc, tr);
    run["checks"] = output::checks_json(sc, tr, Some(acc));
    write_observed(sc, tr, out, &mut run)?;
    write_atomic(&out.join("summary.csv"), &output::summary_csv(sc, acc)).map_err(io_err(out))?;
    write_atomic(&out.join("peak.csv"), &output::peak_csv(sc, acc)).map_err(io_err(out))?;
    write_atomic(
        &out.join("indicators.csv"),
        &output::indicators_csv(sc, tr, Some(acc)),
    )
    .map_err(io_err(out))?;
    write_atomic(
        &out.join("trajectories.csv"),
        &output::trajectories_csv(sc, tr),
    )
    .map_err(io_err(out))?;
    write_atomic(&out.join("parameters.csv"), &output::parameters_csv(sc)).map_err(io_err(out))?;
    write_atomic(&out.join("run.json"), &output::json_bytes(&run)).map_err(io_err(out))?;
    Ok(())
}
