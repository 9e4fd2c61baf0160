//! `merge`: the partial results of shards (`run --shard K/N`, or `sensitivity --shard K/N`)
//! into the files of one run.

use std::path::PathBuf;

use super::run::read_partial;
use super::{Look, RUN_FILES, Result, SHARD_FILE, finish, write_mc};
use crate::engine::{self, Accumulator};
use crate::error::Error;
use crate::output;
use crate::scenario::Scenario;

/// What `peakpath merge` asks for.
#[derive(Debug, Clone)]
pub struct MergeRequest {
    /// Shard folders.
    pub dirs: Vec<PathBuf>,
    /// Output folder.
    pub out: PathBuf,
    pub force: bool,
}

/// What a merge did: shards merged, runs (or model runs) in all.
pub struct Merged {
    pub shards: usize,
    pub runs: u64,
}

/// Merge shard folders: Monte Carlo shards into a run's files, sensitivity shards into an
/// analysis's files. Returns `None` for sensitivity shards (which report themselves).
pub fn merge(req: &MergeRequest) -> Result<Option<Merged>> {
    if req
        .dirs
        .iter()
        .any(|d| d.join(crate::sensitivity::run::SHARD_FILE).exists())
    {
        crate::sensitivity::run::merge(&req.dirs, Some(&req.out), req.force, None)?;
        return Ok(None);
    }
    // The output folder first: a bad --out fails before any shard is read.
    output::prepare_dir(&req.out, req.force, RUN_FILES).map_err(Error::Input)?;
    let _lock = output::DirLock::acquire(&req.out)?;
    let mut parts = Vec::new();
    for d in &req.dirs {
        parts.push((d.clone(), read_partial(&d.join(SHARD_FILE))?));
    }
    let (d0, first) = &parts[0];
    for (d, p) in &parts[1..] {
        let same = p.scenario_sha256 == first.scenario_sha256
            && p.seed == first.seed
            && p.runs == first.runs;
        if !same {
            return Err(Error::Input(format!(
                "{}: expected a shard of the same run as {} (scenario {} {}, seed {}, runs {}), found scenario {} {}, seed {}, runs {}",
                d.join(SHARD_FILE).display(),
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
    let infos: Vec<engine::ShardInfo> = parts
        .iter()
        .map(|(d, p)| engine::ShardInfo {
            dir: d,
            shard: p.shard,
            start: p.start,
            next: p.next,
            end: p.end,
        })
        .collect();
    let n = engine::shard_order(&infos, "run", "run", "runs")?.len();
    let sc = Scenario::from_texts(&first.sources)?;
    if sc.hash != first.scenario_sha256 {
        return Err(Error::Other(
            "the scenario saved with the shards does not rebuild to the same content".into(),
        ));
    }
    for (d, p) in &parts {
        super::run::check_partial(p, &sc, &d.join(SHARD_FILE))?;
    }
    let mut acc = Accumulator::new(sc.spec.n_years());
    for (_, p) in &parts {
        acc.merge(&p.acc);
    }
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
    finish(&req.out, Look::default(), false, false)?;
    output::remove_stale(&req.out, RUN_FILES, super::run::MC_FILES)
        .map_err(crate::error::io(&req.out))?;
    Ok(Some(Merged {
        shards: n,
        runs: acc.runs,
    }))
}
