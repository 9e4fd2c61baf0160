//! `peakpath serve`: a lever explorer in the browser.
//!
//! A page (embedded in the binary, no request leaves the machine) shows the scenario's
//! parameters as levers, grouped as in the file, the inputs that matter most for energy CO₂ in
//! the peak year first (Sobol' total effects, computed at start-up); every change runs a new
//! Monte Carlo with the same seed and redraws the CO₂ fan, P(peaked by 2030) with its Wilson
//! interval, the binding targets' headlines and the indicator board. A JSON API serves the page
//! and scripts alike:
//!
//! * `GET /api/scenario`: the resolved scenario, its levers and the ranking;
//! * `POST /api/run` `{"overrides": {"power.pv.capacity_mw.2030": 600}, "runs": 10000}`:
//!   headline probabilities with intervals, summary quantiles, indicator P(met);
//! * `POST /api/save` `{"name": "pv600", "overrides": {…}, "overwrite": false}`: a TOML file
//!   that `extends` the base, only into the save folder.
//!
//! One concern a file: [`api`] (routes and handlers), [`assets`] (the page), [`overrides`]
//! (overrides → scenario), [`save`] (writing a scenario), [`safety`] (who may call, headers,
//! names), [`pool`] (bounded, cancellable runs), [`results`] (answers), [`levers`] (levers
//! and ranking).

mod api;
mod assets;
pub mod levers;
pub mod overrides;
pub mod pool;
pub mod results;
pub mod safety;
pub mod save;

use std::path::PathBuf;
use std::sync::Arc;

use serde_json::json;

use crate::engine;
use crate::error::Error;
use crate::scenario::Scenario;

/// Where the server logs (the command line passes a writer to stderr; the library never prints).
pub type Log = Arc<dyn Fn(String) + Send + Sync>;

/// Requests that may wait for a turn on the pool before the server answers "busy" (503).
pub const MAX_WAITING: usize = 256;

/// What `peakpath serve` asks for.
#[derive(Debug, Clone)]
pub struct ServeOptions {
    /// Scenario file (default: the plan scenario embedded in the binary).
    pub scenario: Option<PathBuf>,
    /// Address to listen on (default 127.0.0.1).
    pub host: Option<String>,
    /// Port (0: any free port).
    pub port: u16,
    /// Open the page in the default browser.
    pub open: bool,
    /// The only folder "Save as scenario" writes into.
    pub save_dir: PathBuf,
    /// Runs per change unless a request says otherwise.
    pub runs: u64,
    /// The most runs one request may ask for.
    pub max_runs: u64,
    pub seed: u64,
    pub threads: Option<u16>,
}

/// Load the scenario, rank its inputs, listen, and answer until Ctrl-C or SIGTERM.
pub fn serve(opts: ServeOptions, log: Log) -> Result<(), Error> {
    if opts.runs == 0 || opts.runs > opts.max_runs {
        return Err(Error::Input(format!(
            "--runs: expected 1 to --max-runs ({}) runs, found {}",
            opts.max_runs, opts.runs
        )));
    }
    let (base, shown) = Scenario::load_or_plan(opts.scenario.as_deref())?;
    let pool = engine::pool(opts.threads)?;
    let threads = pool.current_num_threads();
    let year = base.spec.options.peak_by;
    let inf = levers::influence(&base, year, opts.seed, &pool);
    log(format!(
        "ranked {} uncertain inputs by Sobol' total effect on {} (N = {}, {} model runs) in {:.2} s",
        inf.ranking.len(),
        inf.outcome,
        levers::RANK_SAMPLES,
        inf.model_runs,
        inf.elapsed_s
    ));
    let scenario_json = json!({
        "scenario": base.resolved_json(),
        "source": shown,
        "defaults": {
            "runs": opts.runs, "max_runs": opts.max_runs, "seed": opts.seed,
            "threads": threads, "save_dir": opts.save_dir.display().to_string(),
        },
        "influence": {
            "outcome": inf.outcome, "method": "sobol", "estimator": "total effect ST, Jansen (1999)",
            "samples": levers::RANK_SAMPLES, "model_runs": inf.model_runs, "elapsed_s": inf.elapsed_s,
            "ranking": inf.ranking.iter().map(|&(i, st)| json!({ "path": base.params[i].path, "st": st })).collect::<Vec<_>>(),
        },
        "levers": levers::levers(&base, &inf),
        "options": levers::options(&base),
        "charted": results::charted_meta(),
        "indicators": base.indicators.defs().iter().map(|d| json!({
            "id": d.id, "name_zh": d.name_zh, "name_en": d.name_en, "unit": d.unit, "binding": d.binding,
            "unit_zh": crate::report::unit(&d.unit, crate::report::Lang::Zh),
            "unit_en": crate::report::unit(&d.unit, crate::report::Lang::En),
        })).collect::<Vec<_>>(),
    });
    let pool = Arc::new(pool::RunPool::new(
        pool,
        threads.max(2),
        MAX_WAITING,
        log.clone(),
    ));
    let state = Arc::new(api::AppState {
        base_file: opts.scenario.clone(),
        base,
        shown,
        opts,
        scenario_json,
        pool,
        log,
    });
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .thread_name("peakpath-http")
        .enable_all()
        .build()
        .map_err(|e| Error::Other(format!("cannot start the server's runtime: {e}")))?;
    let r = rt.block_on(api::listen(state));
    // Runs still going were told to stop (their requests were dropped): do not wait on them.
    rt.shutdown_timeout(std::time::Duration::from_secs(2));
    r
}
