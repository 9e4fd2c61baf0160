//! The `run` job: the central run, a Monte Carlo run (whole, one shard, or resumed from a
//! checkpoint), and the files of a finished run.

use std::path::{Path, PathBuf};
use std::time::Instant;

use serde::{Deserialize, Serialize};

use super::{
    CHECKPOINT, Look, PARTIAL_FORMAT, RUN_FILES, Result, Resumable, SHARD_FILE, Schedule, drive,
    finish,
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
    /// A whole Monte Carlo run.
    MonteCarlo {
        sc: Box<Scenario>,
        tr: Trajectory,
        acc: Box<Accumulator>,
        out: PathBuf,
        elapsed_s: f64,
    },
}

/// A partial Monte Carlo result: a shard's output or an interrupted run's checkpoint.
#[derive(Serialize, Deserialize)]
pub(crate) struct Partial {
    pub format: String,
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
    pub acc: Accumulator,
}

/// Monte Carlo runs of a scenario as a [`Resumable`] job on a thread pool.
struct McJob<'a> {
    p: Partial,
    sc: &'a Scenario,
    pool: &'a rayon::ThreadPool,
}

impl Resumable for McJob<'_> {
    fn cursor(&self) -> (u64, u64, u64) {
        (self.p.start, self.p.next, self.p.end)
    }
    fn advance(&mut self, hi: u64, obs: &dyn Observer) -> bool {
        let (sc, seed, next) = (self.sc, self.p.seed, self.p.next);
        match self
            .pool
            .install(|| engine::monte_carlo(sc, seed, next..hi, obs))
        {
            Some(acc) => {
                self.p.acc.merge(&acc);
                self.p.next = hi;
                true
            }
            None => false,
        }
    }
    fn checkpoint_bytes(&mut self) -> Vec<u8> {
        serde_json::to_vec(&self.p).unwrap_or_default()
    }
}

/// Run a scenario as `req` says: write its files and return what to show.
pub fn run(req: &RunRequest) -> Result<RunResult> {
    let (sc, spath) = Scenario::load_or_plan(req.scenario.as_deref())?;
    let shard = req.shard.as_deref().map(engine::parse_shard).transpose()?;
    let out = req
        .out
        .clone()
        .unwrap_or_else(|| PathBuf::from("outputs").join(&sc.info.id));
    let options = serde_json::json!({ "central": req.central, "runs": if req.central { None } else { Some(req.runs) }, "seed": req.seed, "shard": req.shard });
    if !req.resume {
        output::prepare_dir(&out, req.force, RUN_FILES).map_err(Error::Input)?;
    } else if !out.join(CHECKPOINT).exists() {
        return Err(Error::Input(format!(
            "{}: --resume: expected a checkpoint file, found none",
            out.join(CHECKPOINT).display()
        )));
    }
    let tr = engine::central(&sc);
    if req.central {
        write_central(&sc, &spath, &tr, &out, options)?;
        finish(&out, req.look, req.report)?;
        return Ok(RunResult::Central {
            sc: Box::new(sc),
            tr,
            out,
        });
    }

    let range = match shard {
        Some((k, n)) => engine::shard_range(req.runs, k, n),
        None => 0..req.runs,
    };
    let mut partial = Partial {
        format: PARTIAL_FORMAT.into(),
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
        acc: Accumulator::new(sc.spec.n_years()),
    };
    if req.resume {
        let cp = read_partial(&out.join(CHECKPOINT))?;
        if cp.scenario_sha256 != partial.scenario_sha256
            || cp.seed != req.seed
            || cp.runs != req.runs
            || cp.shard != shard
        {
            return Err(Error::Input(format!(
                "{}: --resume: the checkpoint is of another run (scenario {} seed {} runs {} shard {:?}), expected scenario {} seed {} runs {} shard {:?}",
                out.join(CHECKPOINT).display(),
                cp.scenario_id,
                cp.seed,
                cp.runs,
                cp.shard,
                sc.info.id,
                req.seed,
                req.runs,
                shard
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
        batch: engine::CHUNK * 16 * threads as u64,
        checkpoint_every_s: 30,
        checkpoint: out.join(CHECKPOINT),
        unit: "runs",
        interrupt_after: None,
    };
    let mut job = McJob {
        p: partial,
        sc: &sc,
        pool: &pool,
    };
    drive(&mut job, &sched, &obs)?;
    let partial = job.p;
    let elapsed_s = started.elapsed().as_secs_f64();

    if let Some((k, n)) = shard {
        write_atomic(
            &out.join(SHARD_FILE),
            &serde_json::to_vec(&partial).unwrap_or_default(),
        )
        .map_err(io_err(&out))?;
        let _ = std::fs::remove_file(out.join(CHECKPOINT));
        return Ok(RunResult::Shard {
            k,
            n,
            start: partial.start,
            end: partial.end,
            file: out.join(SHARD_FILE),
        });
    }
    write_mc(
        &sc,
        &spath,
        &tr,
        &partial.acc,
        req.seed,
        &out,
        serde_json::json!({ "elapsed_s": elapsed_s, "threads": threads }),
    )?;
    let _ = std::fs::remove_file(out.join(CHECKPOINT));
    finish(&out, req.look, req.report)?;
    Ok(RunResult::MonteCarlo {
        sc: Box::new(sc),
        tr,
        acc: Box::new(partial.acc),
        out,
        elapsed_s,
    })
}

/// Read a shard file or checkpoint.
pub(crate) fn read_partial(path: &Path) -> Result<Partial> {
    let p: Partial = output::read_json(path, "a peakpath partial result")?;
    if p.format != PARTIAL_FORMAT {
        return Err(Error::Input(format!(
            "{}: format: expected {PARTIAL_FORMAT}, found {}",
            path.display(),
            p.format
        )));
    }
    Ok(p)
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
    write_atomic(&out.join("run.json"), &output::json_bytes(&run)).map_err(io_err(out))?;
    Ok(())
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
    let peak_by = sc.spec.options.peak_by;
    let binding: Vec<&str> = sc
        .indicators
        .binding_2025()
        .iter()
        .map(|&i| crate::indicators::INDICATORS[i].id)
        .collect();
    let mut run = output::run_json_base(
        sc,
        spath,
        serde_json::json!({ "runs": acc.runs, "seed": seed }),
    );
    run["monte_carlo"] = serde_json::json!({
        "runs": acc.runs,
        "seed": seed,
        "rng": "ChaCha8 (rand_chacha 0.10): key = SeedableRng::seed_from_u64(seed), stream = run index",
        format!("p_peaked_by_{peak_by}"): acc.peaked as f64 / acc.runs as f64,
        "p_all_binding_2025_met": acc.all_binding_2025 as f64 / acc.runs as f64,
        "binding_2025_indicators": binding,
        "quantile_relative_accuracy": RELATIVE_ACCURACY,
        "elapsed_s": extra["elapsed_s"],
        "threads": extra["threads"],
    });
    run["central"] = output::central_headline(sc, tr);
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
