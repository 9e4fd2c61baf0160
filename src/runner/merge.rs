//! `merge`: the partial results of shards (`run --shard K/N`, or `sensitivity --shard K/N`)
//! into the files of one run, or (`--partial`) into one partial result of a group of
//! consecutive shards that merges again like a shard: a tree of merges.
//!
//! Streaming: the output folder is checked first, then the shards are read and folded into
//! one accumulator one at a time, so the memory is that of two accumulators and one shard
//! file, whatever the number of shards (plus a few bytes per shard for the checks).

use std::path::PathBuf;

use super::run::{MC_FILES, Partial, check_partial, read_partial};
use super::{Look, PARTIAL_FORMAT, RUN_FILES, Result, SHARD_FILE, finish, write_mc};
use crate::engine::{self, Accumulator, Coverage, ShardInfo, ShardSet};
use crate::error::{Error, io as io_err};
use crate::output;
use crate::scenario::Scenario;

/// What `peakpath merge` asks for.
#[derive(Debug, Clone)]
pub struct MergeRequest {
    /// Shard folders (or folders of partial results written by `merge --partial`).
    pub dirs: Vec<PathBuf>,
    /// Output folder.
    pub out: PathBuf,
    pub force: bool,
    /// Write a partial result of the (consecutive) shards instead of a run's files.
    pub partial: bool,
    /// Language of the merged run's charts.
    pub lang: crate::report::Lang,
}

/// What a merge did.
pub struct Merged {
    /// Partial results read.
    pub parts: usize,
    /// The shards they cover.
    pub coverage: Coverage,
    /// Runs (or model runs) in all.
    pub runs: u64,
    /// Whether a partial result was written (`--partial`).
    pub partial: bool,
}

/// Merge shard folders: Monte Carlo shards into a run's files, sensitivity shards into an
/// analysis's files (or, with `partial`, either into one partial result). Returns `None` for
/// sensitivity shards (which report themselves).
pub fn merge(req: &MergeRequest) -> Result<Option<Merged>> {
    if req.dirs.is_empty() {
        return Err(Error::Input(
            "merge: expected shard folders, found none".into(),
        ));
    }
    engine::check_out_not_input(&req.out, &req.dirs)?;
    if req
        .dirs
        .iter()
        .any(|d| d.join(crate::sensitivity::run::SHARD_FILE).exists())
    {
        crate::sensitivity::run::merge(&req.dirs, Some(&req.out), req.force, None, req.partial)?;
        return Ok(None);
    }
    // The output folder first: a merge of 10,000 shards should not fail at the end.
    output::prepare_dir(&req.out, req.force, RUN_FILES).map_err(Error::Input)?;
    let _lock = output::DirLock::acquire(&req.out)?;

    let mut set = ShardSet::new("run", "run", "runs");
    // The first part without its accumulator: what every other part must match.
    let mut head: Option<(PathBuf, Partial)> = None;
    let mut sc: Option<Scenario> = None;
    let mut acc: Option<Accumulator> = None;
    let mut elapsed_s = 0.0;
    for d in &req.dirs {
        let path = d.join(SHARD_FILE);
        let mut p = read_partial(&path)?;
        elapsed_s += p.elapsed_s;
        set.add(&ShardInfo {
            dir: d,
            shard: p.shard,
            last: p.shard_last,
            start: p.start,
            next: p.next,
            end: p.end,
        })?;
        match &head {
            None => {
                let s = Scenario::from_saved(&p.sources, &p.scenario_sha256, &path)?;
                sc = Some(s);
            }
            Some((d0, first)) => {
                let same = p.scenario_sha256 == first.scenario_sha256
                    && p.seed == first.seed
                    && p.runs == first.runs;
                if !same {
                    return Err(Error::Input(format!(
                        "{}: expected a shard of the same run as {} (scenario {} {}, seed {}, runs {}), found scenario {} {}, seed {}, runs {}",
                        path.display(),
                        d0.display(),
                        first.scenario_id,
                        &first.scenario_sha256[..12.min(first.scenario_sha256.len())],
                        first.seed,
                        first.runs,
                        p.scenario_id,
                        &p.scenario_sha256[..12.min(p.scenario_sha256.len())],
                        p.seed,
                        p.runs
                    )));
                }
            }
        }
        // Every part holds the statistics of the scenario's years (hence the same series).
        if let Some(s) = &sc {
            check_partial(&p, s, &path)?;
        }
        let part_acc = std::mem::replace(&mut p.acc, Accumulator::new(0, 0, 0));
        match &mut acc {
            None => acc = Some(part_acc),
            Some(a) => a
                .merge(&part_acc)
                .map_err(|why| Error::Input(format!("{}: {why}", path.display())))?,
        }
        if head.is_none() {
            head = Some((d.clone(), p));
        }
    }
    let coverage = set.finish(!req.partial)?;
    let (Some((_, first)), Some(sc), Some(acc)) = (head, sc, acc) else {
        return Err(Error::Input(
            "merge: expected shard folders, found none".into(),
        ));
    };
    let runs = acc.runs;
    if req.partial {
        let group = Partial {
            shard: Some((coverage.first, coverage.n)),
            shard_last: (coverage.last != coverage.first).then_some(coverage.last),
            start: coverage.start,
            end: coverage.end,
            next: coverage.end,
            elapsed_s,
            acc,
            ..first
        };
        output::write_sealed(&req.out.join(SHARD_FILE), PARTIAL_FORMAT, &group)
            .map_err(io_err(&req.out))?;
        output::remove_stale(&req.out, RUN_FILES, &[SHARD_FILE]).map_err(io_err(&req.out))?;
    } else {
        let tr = engine::central(&sc);
        write_mc(
            &sc,
            &first.scenario_path,
            &tr,
            &acc,
            first.seed,
            &req.out,
            serde_json::json!({ "elapsed_s": null, "threads": null }),
        )?;
        finish(
            &req.out,
            Look {
                lang: req.lang,
                ..Look::default()
            },
            false,
            false,
        )?;
        output::remove_stale(
            &req.out,
            RUN_FILES,
            &super::history::own_files(&sc, MC_FILES),
        )
        .map_err(io_err(&req.out))?;
    }
    Ok(Some(Merged {
        parts: coverage.parts,
        coverage,
        runs,
        partial: req.partial,
    }))
}
