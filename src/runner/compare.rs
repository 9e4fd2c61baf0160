//! `compare`: several scenarios with the same seed, side by side.

use std::path::PathBuf;
use std::time::Instant;

use super::{CHECKPOINT, Look, RUN_FILES, Result, RunResult, finish, write_mc};
use crate::engine::{self, Accumulator};
use crate::error::{Error, io as io_err};
use crate::output::{self, write_atomic};
use crate::scenario::Scenario;
use crate::terminal::{install_ctrlc, progress};

/// What `peakpath compare` asks for.
#[derive(Debug, Clone)]
pub struct CompareRequest {
    /// Scenario files (two or more).
    pub scenarios: Vec<PathBuf>,
    pub runs: u64,
    pub seed: u64,
    pub threads: Option<u16>,
    pub out: PathBuf,
    pub force: bool,
    pub look: Look,
    /// Also write `results.xlsx` (the comparison's and each scenario's).
    pub xlsx: bool,
}

/// All runs of a scenario in one process, with progress; Ctrl-C stops without output.
fn mc_all(sc: &Scenario, seed: u64, runs: u64, pool: &rayon::ThreadPool) -> Result<Accumulator> {
    install_ctrlc();
    let obs = progress(runs, 0);
    let acc = pool.install(|| engine::monte_carlo(sc, seed, 0..runs, &obs));
    if let Some(b) = &obs.bar {
        b.finish_and_clear();
    }
    acc.ok_or_else(|| Error::Interrupted("interrupted: nothing was written".into()))
}

/// Run every scenario of `req` with the same seed; write each one's folder and the
/// comparison files. Returns each scenario's result, in the order given.
pub fn compare(req: &CompareRequest) -> Result<Vec<RunResult>> {
    let mut scs = Vec::new();
    for p in &req.scenarios {
        scs.push((Scenario::load(p)?, p.display().to_string()));
    }
    for (i, (s, p)) in scs.iter().enumerate() {
        if let Some((_, q)) = scs[..i].iter().find(|(t, _)| t.info.id == s.info.id) {
            return Err(Error::Input(format!(
                "{p}: scenario.id: expected ids that differ between compared scenarios, found \"{}\" also in {q}",
                s.info.id
            )));
        }
    }
    output::prepare_dir(&req.out, req.force, RUN_FILES).map_err(Error::Input)?;
    let _lock = output::DirLock::acquire(&req.out)?;
    // Each scenario's folder `OUT/<id>`, before any Monte Carlo, as `run --out` checks its
    // own: never a link planted there, never another run's results or unfinished checkpoint
    // without --force, and locked (a `run` writing there is waited for by no one: refused).
    let own: Vec<&str> = RUN_FILES.iter().copied().chain([CHECKPOINT]).collect();
    let mut dirs = Vec::new();
    let mut _locks = Vec::new();
    for (sc, _) in &scs {
        let dir = output::child_dir(&req.out, &sc.info.id)?;
        if dir
            .symlink_metadata()
            .is_ok_and(|m| m.file_type().is_symlink())
        {
            return Err(Error::Input(format!(
                "{}: expected the scenario's output folder, found a symbolic link (never followed); remove it or choose another --out",
                dir.display()
            )));
        }
        output::prepare_dir(&dir, req.force, &own).map_err(Error::Input)?;
        _locks.push(output::DirLock::acquire_no_follow(&dir)?);
        dirs.push(dir);
    }
    let pool = engine::pool(req.threads)?;
    let mut data = Vec::new();
    let mut rows = Vec::new();
    let mut peak_rows = Vec::new();
    let mut results = Vec::new();
    for ((sc, spath), dir) in scs.iter().zip(dirs) {
        let started = Instant::now();
        let acc = mc_all(sc, req.seed, req.runs, &pool)?;
        let tr = engine::central(sc);
        write_mc(
            sc,
            spath,
            &tr,
            &acc,
            req.seed,
            &dir,
            serde_json::json!({ "elapsed_s": started.elapsed().as_secs_f64(), "threads": pool.current_num_threads() }),
        )?;
        finish(&dir, req.look, false, req.xlsx)?;
        let written: Vec<&str> = super::history::own_files(sc, super::run::MC_FILES)
            .into_iter()
            .chain(req.xlsx.then_some(output::xlsx::WORKBOOK))
            .collect();
        output::remove_stale(&dir, &own, &written).map_err(io_err(&dir))?;
        rows.extend(output::comparison_rows(sc, &acc));
        peak_rows.extend(output::peak_rows(sc, &acc).into_iter().map(|r| {
            let mut row = vec![sc.info.id.clone()];
            row.extend(r);
            row
        }));
        data.push(crate::report::run::RunData::read(&dir)?);
        results.push(RunResult::MonteCarlo {
            sc: Box::new(sc.clone()),
            tr,
            acc: Box::new(acc),
            out: dir,
            elapsed_s: started.elapsed().as_secs_f64(),
            precision: None,
        });
    }
    write_atomic(
        &req.out.join("comparison.csv"),
        &output::comparison_csv(rows),
    )
    .map_err(io_err(&req.out))?;
    write_atomic(
        &req.out.join("comparison_peak.csv"),
        &output::csv_table(
            &[
                "scenario",
                "peak_year",
                "probability",
                "probability_lo",
                "probability_hi",
            ],
            peak_rows,
        ),
    )
    .map_err(io_err(&req.out))?;
    let refs: Vec<&Scenario> = scs.iter().map(|(s, _)| s).collect();
    write_atomic(
        &req.out.join("parameters.md"),
        output::parameters_diff(&refs).as_bytes(),
    )
    .map_err(io_err(&req.out))?;
    if req.xlsx {
        let ids: Vec<String> = scs.iter().map(|(s, _)| s.info.id.clone()).collect();
        output::xlsx::write_compare_workbook(&req.out, &ids, req.look.lang)?;
    }
    if !req.look.no_charts {
        let d: Vec<&crate::report::run::RunData> = data.iter().collect();
        crate::report::run::write_charts(&d, &req.out.join("charts"), req.look.lang, req.look.png)?;
    }
    Ok(results)
}
