//! Merging sensitivity shards: into one analysis's files, or (`partial`) into one partial
//! result of a group of consecutive shards that merges again like a shard.
//!
//! Streaming: the output folder is checked before any shard is read (when `--out` is given;
//! the default folder depends on the scenario, so then after the first shard), then the
//! shards are read one at a time and only their outputs are kept. Memory: the design's
//! outputs (8 bytes per row and outcome, which the analysis needs anyway) plus one shard
//! file, whatever the number of shards.

use std::path::{Path, PathBuf};

use super::{
    Analysis, OWN_FILES, PARTIAL_FORMAT, Partial, SHARD_FILE, default_out, parse_outcomes,
    read_partial,
};
use crate::engine::{self, ShardInfo, ShardSet};
use crate::error::{Error, io as io_err};
use crate::output;
use crate::scenario::Scenario;

type Result<T> = std::result::Result<T, Error>;

/// Merge the shard folders `dirs` (each holding [`SHARD_FILE`], a shard's or a group's) into
/// the files of one analysis in `out` (default: the analysis's default folder), or with
/// `partial` into `out/`[`SHARD_FILE`] covering the group.
pub fn merge(
    dirs: &[PathBuf],
    out: Option<&Path>,
    force: bool,
    threads: Option<u16>,
    partial: bool,
) -> Result<()> {
    if dirs.is_empty() {
        return Err(Error::Input(
            "--merge: expected shard folders, found none".into(),
        ));
    }
    if partial && out.is_none() {
        return Err(Error::Input(
            "--partial: expected an --out folder for the partial result, found none".into(),
        ));
    }
    // Held until the end, on --out or on the default folder once the first shard named it.
    let mut lock = None;
    if let Some(o) = out {
        engine::check_out_not_input(o, dirs)?;
        output::prepare_dir(o, force, OWN_FILES).map_err(Error::Input)?;
        lock = Some(output::DirLock::acquire(o)?);
    }
    let mut set = ShardSet::new("sensitivity", "analysis", "rows");
    // The first part without its outputs; every other part must be of the same analysis.
    let mut head: Option<(PathBuf, Partial)> = None;
    let mut an_sc: Option<Scenario> = None;
    // Outputs of each part, by first row; only the numbers are kept.
    let mut pieces: Vec<(u64, Vec<u64>)> = Vec::new();
    let mut elapsed = 0.0;
    for d in dirs {
        let mut p = read_partial(&d.join(SHARD_FILE))?;
        set.add(&ShardInfo {
            dir: d,
            shard: p.shard,
            last: p.shard_last,
            start: p.start,
            next: p.next,
            end: p.end,
        })?;
        elapsed += p.elapsed_s;
        pieces.push((p.start, std::mem::take(&mut p.outputs)));
        match &head {
            None => {
                let sc = Scenario::from_saved(&p.sources, &p.scenario_sha256, &d.join(SHARD_FILE))?;
                if out.is_none() {
                    let o = default_out(&sc, p.setup.method)?;
                    engine::check_out_not_input(&o, dirs)?;
                    output::prepare_dir(&o, force, OWN_FILES).map_err(Error::Input)?;
                    lock = Some(output::DirLock::acquire(&o)?);
                }
                an_sc = Some(sc);
                head = Some((d.clone(), p));
            }
            Some((d0, first)) => {
                if p.scenario_sha256 != first.scenario_sha256 || p.setup != first.setup {
                    return Err(Error::Input(format!(
                        "{}: expected a shard of the same analysis as {} (scenario {}, {:?}), found scenario {}, {:?}",
                        d.join(SHARD_FILE).display(),
                        d0.display(),
                        first.scenario_id,
                        first.setup,
                        p.scenario_id,
                        p.setup
                    )));
                }
            }
        }
    }
    let coverage = set.finish(!partial)?;
    let (Some((_, first)), Some(sc)) = (head, an_sc) else {
        return Err(Error::Input(
            "--merge: expected shard folders, found none".into(),
        ));
    };
    // The outputs in design order (the set checked that the parts follow on).
    pieces.sort_by_key(|(start, _)| *start);
    let total: usize = pieces.iter().map(|(_, o)| o.len()).sum();
    let mut outputs = Vec::with_capacity(total);
    for (_, o) in pieces {
        outputs.extend_from_slice(&o);
    }
    let rows = coverage.end - coverage.start;
    if partial {
        let out = out.unwrap_or(Path::new("."));
        let group = Partial {
            shard: Some((coverage.first, coverage.n)),
            shard_last: (coverage.last != coverage.first).then_some(coverage.last),
            start: coverage.start,
            end: coverage.end,
            next: coverage.end,
            elapsed_s: elapsed,
            outputs,
            ..first
        };
        output::write_sealed(&out.join(SHARD_FILE), PARTIAL_FORMAT, &group).map_err(io_err(out))?;
        eprintln!(
            "merged {} partial results into shards {}–{} of {} ({rows} model runs) in {}{}",
            coverage.parts,
            coverage.first,
            coverage.last,
            coverage.n,
            out.join(SHARD_FILE).display(),
            crate::runner::peak_memory_note()
        );
        return Ok(());
    }
    let s = &first.setup;
    let outcomes = parse_outcomes(&s.outcomes, &sc)?;
    let mut an = Analysis::new(&sc, s.method, s.samples, s.seed, outcomes, s.lang, s.png)?;
    an.setup.over_time = s.over_time.clone();
    if an.setup != *s {
        return Err(Error::Other(
            "the shards' analysis does not rebuild to the same design".into(),
        ));
    }
    let out = match out {
        Some(o) => o.to_path_buf(),
        None => default_out(&sc, s.method)?,
    };
    let outputs: Vec<f64> = outputs.into_iter().map(f64::from_bits).collect();
    engine::pool(threads)?.install(|| an.write(&first.scenario_path, &outputs, &out, elapsed))?;
    let what = if coverage.parts as u64 == coverage.n {
        format!("{} shards", coverage.parts)
    } else {
        format!("{} partial results ({} shards)", coverage.parts, coverage.n)
    };
    eprintln!(
        "merged {what} ({} model runs) into {}{}",
        s.rows,
        out.display(),
        crate::runner::peak_memory_note()
    );
    drop(lock);
    Ok(())
}
