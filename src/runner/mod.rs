//! Run orchestration shared by every front end (the `run`, `merge`, `compare` and
//! `sensitivity` commands, and any other caller of the library): batches, checkpoints,
//! resume, shards and progress. The command-line layer only parses arguments into the
//! requests of this module and prints what they return.
//!
//! The core is [`drive`]: it advances a [`Resumable`] job over its index range in batches,
//! writes a checkpoint every so often and when the user interrupts, and reports progress
//! through an [`Observer`]. What a batch computes (Monte Carlo runs, sensitivity design rows)
//! is the job's business.

mod compare;
pub mod draws_file;
pub mod history;
mod merge;
pub mod precision;
mod run;

pub use compare::{CompareRequest, compare};
pub use merge::{MergeRequest, Merged, merge};
pub use run::{RunRequest, RunResult, run, verify_partial, write_mc};

use std::path::{Path, PathBuf};
use std::time::Instant;

use crate::engine::Observer;
use crate::error::{Error, io as io_err};
use crate::report::Lang;
use crate::terminal::Progress;

type Result<T> = std::result::Result<T, Error>;

/// Files a Monte Carlo run may write; a folder holding any of them holds another run's
/// results.
pub const RUN_FILES: &[&str] = &[
    "run.json",
    "trajectories.csv",
    "indicators.csv",
    "summary.csv",
    "peak.csv",
    "parameters.csv",
    "shard.json",
    "report.html",
    "comparison.csv",
    "observed.csv",
    crate::output::xlsx::WORKBOOK,
];
/// An interrupted run's state, in its output folder.
pub const CHECKPOINT: &str = "checkpoint.json";
/// A shard's partial result, in its output folder.
pub const SHARD_FILE: &str = "shard.json";
/// Format tag of [`SHARD_FILE`] and [`CHECKPOINT`].
pub const PARTIAL_FORMAT: &str = "peakpath-partial-2";

/// How charts look.
#[derive(Debug, Clone, Copy)]
pub struct Look {
    /// Language of every label, title and legend.
    pub lang: Lang,
    /// Also write PNG charts beside the SVG ones.
    pub png: bool,
    /// Write no charts at all.
    pub no_charts: bool,
}

impl Default for Look {
    fn default() -> Self {
        Look {
            lang: Lang::Zh,
            png: false,
            no_charts: false,
        }
    }
}

/// A job over the indices `start..end` that can stop between batches and go on later from
/// its checkpoint.
pub trait Resumable {
    /// `(start, next, end)`: the job's range and where it stands.
    fn cursor(&self) -> (u64, u64, u64);
    /// Evaluate `next..hi` and absorb the result; `false` when the observer asked to stop
    /// before the batch finished (nothing is absorbed then).
    fn advance(&mut self, hi: u64, obs: &dyn Observer) -> bool;
    /// Write a checkpoint of the job as it stands to `path`.
    fn save(&mut self, path: &Path) -> std::io::Result<()>;
}

/// How [`drive`] batches and checkpoints a job.
pub struct Schedule<'a> {
    /// Indices per batch (the stop flag is checked between a batch's chunks too).
    pub batch: u64,
    /// A checkpoint at least this often, seconds.
    pub checkpoint_every_s: u64,
    /// Where the checkpoint goes.
    pub checkpoint: PathBuf,
    /// What an index is, for messages ("runs", "model runs").
    pub unit: &'a str,
    /// Testing: stop as if interrupted once this many indices are done.
    pub interrupt_after: Option<u64>,
}

/// Advance `job` to its end in batches, with progress on `obs`. A checkpoint is written every
/// `checkpoint_every_s` seconds and, when the user interrupts, before returning
/// [`Error::Interrupted`] (exit 130) with the command to continue.
pub fn drive(job: &mut dyn Resumable, sched: &Schedule, obs: &Progress) -> Result<()> {
    let save = |job: &mut dyn Resumable| -> Result<()> {
        let dir = sched.checkpoint.parent().unwrap_or(Path::new("."));
        job.save(&sched.checkpoint).map_err(io_err(dir))
    };
    let mut last_checkpoint = Instant::now();
    loop {
        let (start, next, end) = job.cursor();
        if next >= end {
            break;
        }
        let hi = (next + sched.batch).min(end);
        let interrupted = !job.advance(hi, obs)
            || sched
                .interrupt_after
                .is_some_and(|n| hi - start >= n && hi < end);
        if interrupted {
            save(job)?;
            if let Some(b) = &obs.bar {
                b.abandon();
            }
            let (start, next, end) = job.cursor();
            return Err(Error::Interrupted(format!(
                "interrupted after {} of {} {}; the checkpoint is in {}: rerun the same command with --resume to continue",
                next - start,
                end - start,
                sched.unit,
                sched.checkpoint.display()
            )));
        }
        if last_checkpoint.elapsed().as_secs() >= sched.checkpoint_every_s && hi < end {
            save(job)?;
            last_checkpoint = Instant::now();
        }
    }
    if let Some(b) = &obs.bar {
        b.finish_and_clear();
    }
    Ok(())
}

/// The peak resident memory of this process so far (`VmHWM` of `/proc/self/status`), in
/// bytes; `None` where the system does not say (not Linux).
pub fn peak_memory_bytes() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kb: u64 = line
        .trim_start_matches("VmHWM:")
        .trim()
        .trim_end_matches("kB")
        .trim()
        .parse()
        .ok()?;
    Some(kb * 1024)
}

/// ", peak memory N MB" for a command's closing line (empty where unknown).
pub fn peak_memory_note() -> String {
    peak_memory_bytes().map_or(String::new(), |b| {
        format!(", peak memory {:.1} MB", b as f64 / 1e6)
    })
}

/// Charts (and the report) of a finished run folder, made from its files.
pub fn finish(out: &Path, look: Look, report: bool, xlsx: bool) -> Result<()> {
    if xlsx {
        let id = crate::report::run::RunData::read(out)?.id();
        crate::output::xlsx::write_run_workbook(out, &id, look.lang)?;
    }
    if !look.no_charts {
        let d = crate::report::run::RunData::read(out)?;
        crate::report::run::write_charts(&[&d], &out.join("charts"), look.lang, look.png)?;
    }
    if report {
        crate::report::run::write_report(out, look.lang)?;
    }
    Ok(())
}
