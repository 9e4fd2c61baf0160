//! Glue between the command line and the library: load, validate, simulate, export.

use std::path::{Path, PathBuf};
use std::time::Instant;

use serde::{Deserialize, Serialize};

use crate::cli::{Cli, Command, CompareArgs, Lang, LookArgs, MergeArgs, RunArgs};
use peakpath::engine::{self, Accumulator};
use peakpath::output::{self, write_atomic};
use peakpath::scenario::Scenario;
use peakpath::stats::RELATIVE_ACCURACY;
use peakpath::terminal::{install_ctrlc, progress};

pub use peakpath::error::Error as AppError;

type Result<T> = std::result::Result<T, AppError>;

use peakpath::error::io as io_err;

pub fn run(cli: Cli) -> Result<()> {
    match cli.command {
        Command::Run(a) => cmd_run(a),
        Command::Merge(a) => cmd_merge(a),
        Command::Sensitivity(a) => peakpath::sensitivity::run::run(a),
        Command::Validate { files } => cmd_validate(&files),
        Command::Resolve { file } => {
            let (sc, _) = load(file.as_deref())?;
            let text = serde_json::to_string_pretty(&sc.resolved_json())
                .map_err(|e| AppError::Other(e.to_string()))?;
            println!("{text}");
            Ok(())
        }
        Command::Compare(a) => cmd_compare(a),
        Command::Decompose(a) => peakpath::decompose::run(a),
        Command::Discover(a) => peakpath::discover::run(a),
        Command::Report { dir, lang, with } => {
            peakpath::visual::write_report_with(&dir, lang.into(), &with)?;
            eprintln!("report written to {}", dir.join("report.html").display());
            Ok(())
        }
        Command::Indicators { lang } => {
            print!("{}", output::indicator_table(lang == Lang::Zh));
            Ok(())
        }
    }
}

fn load(file: Option<&Path>) -> Result<(Scenario, String)> {
    Ok(Scenario::load_or_plan(file)?)
}

fn cmd_validate(files: &[PathBuf]) -> Result<()> {
    let mut problems = Vec::new();
    for f in files {
        match Scenario::load(f) {
            Ok(sc) => eprintln!(
                "{}: ok ({} parameters, {} uncertain)",
                f.display(),
                sc.params.len(),
                sc.uncertain.len()
            ),
            Err(d) => problems.push(d.to_string()),
        }
    }
    if problems.is_empty() {
        Ok(())
    } else {
        Err(AppError::Input(problems.join("\n")))
    }
}

/// Files a run may write; a folder holding any of them holds another run's results.
const RUN_FILES: &[&str] = &[
    "run.json",
    "trajectories.csv",
    "indicators.csv",
    "summary.csv",
    "peak.csv",
    "parameters.csv",
    "shard.json",
    "report.html",
    "comparison.csv",
    "results.xlsx",
];
const CHECKPOINT: &str = "checkpoint.json";
const SHARD_FILE: &str = "shard.json";
const PARTIAL_FORMAT: &str = "peakpath-partial-1";

/// A partial Monte Carlo result: a shard's output or an interrupted run's checkpoint.
#[derive(Serialize, Deserialize)]
struct Partial {
    format: String,
    scenario_id: String,
    scenario_path: String,
    scenario_sha256: String,
    /// Every file of the scenario, so that `merge` rebuilds exactly the same scenario.
    sources: Vec<(String, String)>,
    seed: u64,
    runs: u64,
    shard: Option<(u64, u64)>,
    /// Run indices this partial covers: `start..end`; `next` is where a checkpoint resumes.
    start: u64,
    end: u64,
    next: u64,
    acc: Accumulator,
}

fn cmd_run(a: RunArgs) -> Result<()> {
    let (sc, spath) = load(a.scenario.as_deref())?;
    let shard = a.shard.as_deref().map(engine::parse_shard).transpose()?;
    let out = a
        .out
        .clone()
        .unwrap_or_else(|| PathBuf::from("outputs").join(&sc.info.id));
    let options = serde_json::json!({ "central": a.central, "runs": if a.central { None } else { Some(a.runs) }, "seed": a.seed, "shard": a.shard });
    if !a.resume {
        output::prepare_dir(&out, a.force, RUN_FILES).map_err(AppError::Input)?;
    } else if !out.join(CHECKPOINT).exists() {
        return Err(AppError::Input(format!(
            "{}: --resume: expected a checkpoint file, found none",
            out.join(CHECKPOINT).display()
        )));
    }
    let tr = engine::central(&sc);
    if a.central {
        let mut run = output::run_json_base(&sc, &spath, options);
        run["central"] = output::central_headline(&sc, &tr);
        write_atomic(
            &out.join("trajectories.csv"),
            &output::trajectories_csv(&sc, &tr),
        )
        .map_err(io_err(&out))?;
        write_atomic(
            &out.join("indicators.csv"),
            &output::indicators_csv(&sc, &tr, None),
        )
        .map_err(io_err(&out))?;
        write_atomic(&out.join("parameters.csv"), &output::parameters_csv(&sc))
            .map_err(io_err(&out))?;
        write_atomic(&out.join("run.json"), &output::json_bytes(&run)).map_err(io_err(&out))?;
        finish(&out, a.look, a.report, a.xlsx)?;
        print_central(&sc, &tr, &out);
        return Ok(());
    }

    let range = match shard {
        Some((k, n)) => engine::shard_range(a.runs, k, n),
        None => 0..a.runs,
    };
    let mut partial = Partial {
        format: PARTIAL_FORMAT.into(),
        scenario_id: sc.info.id.clone(),
        scenario_path: spath.clone(),
        scenario_sha256: sc.hash.clone(),
        sources: sc.texts.clone(),
        seed: a.seed,
        runs: a.runs,
        shard,
        start: range.start,
        end: range.end,
        next: range.start,
        acc: Accumulator::new(sc.spec.n_years()),
    };
    if a.resume {
        let cp = read_partial(&out.join(CHECKPOINT))?;
        if cp.scenario_sha256 != partial.scenario_sha256
            || cp.seed != a.seed
            || cp.runs != a.runs
            || cp.shard != shard
        {
            return Err(AppError::Input(format!(
                "{}: --resume: the checkpoint is of another run (scenario {} seed {} runs {} shard {:?}), expected scenario {} seed {} runs {} shard {:?}",
                out.join(CHECKPOINT).display(),
                cp.scenario_id,
                cp.seed,
                cp.runs,
                cp.shard,
                sc.info.id,
                a.seed,
                a.runs,
                shard
            )));
        }
        partial = cp;
    }

    install_ctrlc();
    let pool = engine::pool(a.threads)?;
    let threads = pool.current_num_threads();
    let started = Instant::now();
    let obs = progress(partial.end - partial.start, partial.next - partial.start);
    let batch = engine::CHUNK * 16 * threads as u64;
    let mut last_checkpoint = Instant::now();
    while partial.next < partial.end {
        let hi = (partial.next + batch).min(partial.end);
        let got = pool.install(|| engine::monte_carlo(&sc, a.seed, partial.next..hi, &obs));
        match got {
            Some(acc) => {
                partial.acc.merge(&acc);
                partial.next = hi;
            }
            None => {
                write_atomic(
                    &out.join(CHECKPOINT),
                    &serde_json::to_vec(&partial).unwrap_or_default(),
                )
                .map_err(io_err(&out))?;
                if let Some(b) = &obs.bar {
                    b.abandon();
                }
                return Err(AppError::Interrupted(format!(
                    "interrupted after {} of {} runs; the checkpoint is in {}: rerun the same command with --resume to continue",
                    partial.next - partial.start,
                    partial.end - partial.start,
                    out.join(CHECKPOINT).display()
                )));
            }
        }
        if last_checkpoint.elapsed().as_secs() >= 30 && partial.next < partial.end {
            write_atomic(
                &out.join(CHECKPOINT),
                &serde_json::to_vec(&partial).unwrap_or_default(),
            )
            .map_err(io_err(&out))?;
            last_checkpoint = Instant::now();
        }
    }
    if let Some(b) = &obs.bar {
        b.finish_and_clear();
    }
    let elapsed = started.elapsed().as_secs_f64();

    if shard.is_some() {
        write_atomic(
            &out.join(SHARD_FILE),
            &serde_json::to_vec(&partial).unwrap_or_default(),
        )
        .map_err(io_err(&out))?;
        let _ = std::fs::remove_file(out.join(CHECKPOINT));
        eprintln!(
            "shard {} of {}: runs {}..{} written to {}",
            shard.map_or(0, |s| s.0),
            shard.map_or(0, |s| s.1),
            partial.start,
            partial.end,
            out.join(SHARD_FILE).display()
        );
        return Ok(());
    }
    write_mc(
        &sc,
        &spath,
        &tr,
        &partial.acc,
        a.seed,
        &out,
        serde_json::json!({ "elapsed_s": elapsed, "threads": threads }),
    )?;
    let _ = std::fs::remove_file(out.join(CHECKPOINT));
    finish(&out, a.look, a.report, a.xlsx)?;
    print_mc(&sc, &tr, &partial.acc, &out, elapsed);
    Ok(())
}

fn read_partial(path: &Path) -> Result<Partial> {
    let p: Partial = output::read_json(path, "a peakpath partial result")?;
    if p.format != PARTIAL_FORMAT {
        return Err(AppError::Input(format!(
            "{}: format: expected {PARTIAL_FORMAT}, found {}",
            path.display(),
            p.format
        )));
    }
    Ok(p)
}

/// Write the files of a finished Monte Carlo run (also used by `merge`).
fn write_mc(
    sc: &Scenario,
    spath: &str,
    tr: &peakpath::model::Trajectory,
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
        .map(|&i| peakpath::indicators::INDICATORS[i].id)
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

/// Charts (and the report) of a finished run folder, made from its files.
fn finish(out: &Path, look: LookArgs, report: bool, xlsx: bool) -> Result<()> {
    if xlsx {
        let id = peakpath::visual::RunData::read(out)?.id();
        peakpath::output::xlsx::write_run_workbook(out, &id, look.lang.into())?;
    }
    if !look.no_charts {
        let d = peakpath::visual::RunData::read(out)?;
        peakpath::visual::write_charts(&[&d], &out.join("charts"), look.lang.into(), look.png)?;
    }
    if report {
        peakpath::visual::write_report(
            out,
            peakpath::visual::effective_lang(look.lang.into(), false),
        )?;
    }
    Ok(())
}

/// All runs of a scenario in one process, with progress; Ctrl-C stops without output.
fn mc_all(sc: &Scenario, seed: u64, runs: u64, pool: &rayon::ThreadPool) -> Result<Accumulator> {
    install_ctrlc();
    let obs = progress(runs, 0);
    let acc = pool.install(|| engine::monte_carlo(sc, seed, 0..runs, &obs));
    if let Some(b) = &obs.bar {
        b.finish_and_clear();
    }
    acc.ok_or_else(|| AppError::Interrupted("interrupted: nothing was written".into()))
}

fn cmd_compare(a: CompareArgs) -> Result<()> {
    let mut scs = Vec::new();
    for p in &a.scenarios {
        scs.push((Scenario::load(p)?, p.display().to_string()));
    }
    for (i, (s, p)) in scs.iter().enumerate() {
        if let Some((_, q)) = scs[..i].iter().find(|(t, _)| t.info.id == s.info.id) {
            return Err(AppError::Input(format!(
                "{p}: scenario.id: expected ids that differ between compared scenarios, found \"{}\" also in {q}",
                s.info.id
            )));
        }
    }
    output::prepare_dir(&a.out, a.force, RUN_FILES).map_err(AppError::Input)?;
    let pool = engine::pool(a.threads)?;
    let mut data = Vec::new();
    let mut rows = Vec::new();
    let mut peak_rows = Vec::new();
    for (sc, spath) in &scs {
        let started = Instant::now();
        let acc = mc_all(sc, a.seed, a.runs, &pool)?;
        let tr = engine::central(sc);
        let dir = a.out.join(&sc.info.id);
        output::prepare_dir(&dir, true, RUN_FILES).map_err(AppError::Input)?;
        write_mc(
            sc,
            spath,
            &tr,
            &acc,
            a.seed,
            &dir,
            serde_json::json!({ "elapsed_s": started.elapsed().as_secs_f64(), "threads": pool.current_num_threads() }),
        )?;
        finish(&dir, a.look, false, a.xlsx)?;
        rows.extend(output::comparison_rows(sc, &acc));
        peak_rows.extend(acc.peak_hist.iter().enumerate().map(|(t, c)| {
            vec![
                sc.info.id.clone(),
                (sc.spec.y0 + t as i32).to_string(),
                output::num(*c as f64 / acc.runs as f64),
            ]
        }));
        data.push(peakpath::visual::RunData::read(&dir)?);
        print_mc(sc, &tr, &acc, &dir, started.elapsed().as_secs_f64());
    }
    write_atomic(&a.out.join("comparison.csv"), &output::comparison_csv(rows))
        .map_err(io_err(&a.out))?;
    write_atomic(
        &a.out.join("comparison_peak.csv"),
        &output::csv_table(&["scenario", "peak_year", "probability"], peak_rows),
    )
    .map_err(io_err(&a.out))?;
    let refs: Vec<&Scenario> = scs.iter().map(|(s, _)| s).collect();
    write_atomic(
        &a.out.join("parameters.md"),
        output::parameters_diff(&refs).as_bytes(),
    )
    .map_err(io_err(&a.out))?;
    if a.xlsx {
        let ids: Vec<String> = scs.iter().map(|(s, _)| s.info.id.clone()).collect();
        output::xlsx::write_compare_workbook(&a.out, &ids, a.look.lang.into())?;
    }
    if !a.look.no_charts {
        let d: Vec<&peakpath::visual::RunData> = data.iter().collect();
        peakpath::visual::write_charts(&d, &a.out.join("charts"), a.look.lang.into(), a.look.png)?;
    }
    eprintln!("comparison written to {}", a.out.display());
    Ok(())
}

fn cmd_merge(a: MergeArgs) -> Result<()> {
    if a.dirs
        .iter()
        .any(|d| d.join(peakpath::sensitivity::run::SHARD_FILE).exists())
    {
        return peakpath::sensitivity::run::merge(&a.dirs, Some(&a.out), a.force, None);
    }
    let mut parts = Vec::new();
    for d in &a.dirs {
        parts.push((d.clone(), read_partial(&d.join(SHARD_FILE))?));
    }
    let (d0, first) = &parts[0];
    for (d, p) in &parts[1..] {
        let same = p.scenario_sha256 == first.scenario_sha256
            && p.seed == first.seed
            && p.runs == first.runs;
        if !same {
            return Err(AppError::Input(format!(
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
        return Err(AppError::Other(
            "the scenario saved with the shards does not rebuild to the same content".into(),
        ));
    }
    output::prepare_dir(&a.out, a.force, RUN_FILES).map_err(AppError::Input)?;
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
        &a.out,
        serde_json::json!({ "elapsed_s": null, "threads": null }),
    )?;
    finish(
        &a.out,
        LookArgs {
            lang: Lang::Zh,
            png: false,
            no_charts: false,
        },
        false,
        false,
    )?;
    eprintln!(
        "merged {n} shards ({} runs) into {}",
        acc.runs,
        a.out.display()
    );
    Ok(())
}

fn print_central(sc: &Scenario, tr: &peakpath::model::Trajectory, out: &Path) {
    use peakpath::model::Var;
    let f = |v: Var, y: i32| tr.at(v, y).unwrap_or(f64::NAN);
    eprintln!(
        "{} ({}): energy CO2 {:.1} → {:.1} → {:.1} 万t (2020, 2025, 2030); peak {}; non-fossil share 2025 {:.1} %; grid factor basis: {}",
        sc.info.id,
        sc.name(true),
        f(Var::Co2, 2020),
        f(Var::Co2, 2025),
        f(Var::Co2, 2030),
        tr.peak_year(),
        100.0 * f(Var::NonfossilShare, 2025),
        sc.spec.options.grid_basis.name()
    );
    eprintln!("results in {}", out.display());
}

fn print_mc(
    sc: &Scenario,
    tr: &peakpath::model::Trajectory,
    acc: &Accumulator,
    out: &Path,
    elapsed: f64,
) {
    print_central(sc, tr, out);
    eprintln!(
        "{} runs in {:.1} s ({:.0} runs/s): P(peaked by {}) = {:.3}, P(all binding 2025 targets met) = {:.3}",
        acc.runs,
        elapsed,
        acc.runs as f64 / elapsed.max(1e-9),
        sc.spec.options.peak_by,
        acc.peaked as f64 / acc.runs as f64,
        acc.all_binding_2025 as f64 / acc.runs as f64
    );
}
