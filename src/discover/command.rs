//! `peakpath discover`: scenario discovery. Which combinations of uncertain inputs make an
//! outcome fail? Monte Carlo states as `run` draws them, then PRIM (Friedman & Fisher 1999;
//! Bryant & Lempert 2010) on the runs where the outcome fails.

use std::path::{Path, PathBuf};
use std::time::Instant;

use crate::discover::experiments::{Outcome, experiments};
use crate::discover::prim::{PrimBox, PrimParams, SelectRule, prim_columns, select_box};
use crate::engine::{self, DEFAULT_SEED};
use crate::error::{Error, io};
use crate::output::{self, num, write_atomic};
use crate::report::{self, Lang, XyChart, XySeries};
use crate::scenario::Scenario;

/// Files `discover` writes; a folder holding any of them holds another discovery.
const FILES: &[&str] = &[
    "discover.json",
    "prim_trajectory.csv",
    "prim_box.csv",
    "prim_trajectory.svg",
    "prim_trajectory.png",
];

/// The box chosen from the peeling trajectory.
const SELECT: SelectRule = SelectRule::MaxF1 { min_coverage: 0.5 };

/// Arguments of `peakpath discover`.
#[derive(clap::Args, Debug, Clone)]
#[command(
    after_help = "Example:\n  peakpath discover scenarios/plan.toml --outcome peaked_by_2030 --out outputs/discover-peak"
)]
pub struct DiscoverArgs {
    /// Scenario file (default: the plan scenario embedded in the binary).
    pub scenario: Option<PathBuf>,
    /// The outcome whose failures are explained: peaked_by_YYYY, or met:ID:YEAR (indicator
    /// ID meets its target of YEAR).
    #[arg(long)]
    pub outcome: Outcome,
    /// Number of Monte Carlo runs (runs 0..N of the seed, the same states as `run`). PRIM
    /// keeps every run in memory (about 20 bytes per uncertain input and run): runs that would
    /// need more than 2 GiB are refused.
    #[arg(long, default_value_t = 10_000, allow_hyphen_values = true, value_parser = crate::terminal::positive::<1_000_000>)]
    pub runs: u64,
    /// Seed of the random streams (as for `run`).
    #[arg(long, default_value_t = DEFAULT_SEED, allow_hyphen_values = true, value_parser = crate::terminal::seed)]
    pub seed: u64,
    /// Worker threads (default: all cores). Results do not depend on it.
    #[arg(long, allow_hyphen_values = true, value_parser = crate::terminal::positive_u16::<1024>)]
    pub threads: Option<u16>,
    /// Output folder.
    #[arg(long)]
    pub out: PathBuf,
    /// Also write the chart as PNG (Chinese labels need a system CJK font, else English).
    #[arg(long)]
    pub png: bool,
    /// Language of the chart labels.
    #[arg(long, value_enum, default_value_t = Lang::Zh)]
    pub lang: Lang,
    /// Overwrite an earlier discovery in the output folder.
    #[arg(long)]
    pub force: bool,
}

/// PRIM keeps every run in memory: each uncertain input's value (8 bytes), its sort order
/// (4 bytes) and working copies while peeling and pasting, about 20 bytes per input and run
/// (measured: 1.3 GB for 1,000,000 runs of the plan scenario's 65 inputs), plus the outcome.
pub const BYTES_PER_INPUT_RUN: u64 = 20;
/// The memory `discover` may plan for: 2 GiB.
pub const MEMORY_BOUND: u64 = 2 << 30;

/// Refuse a discovery whose runs would not fit in [`MEMORY_BOUND`].
fn check_memory(runs: u64, inputs: usize) -> Result<(), Error> {
    let per_run = BYTES_PER_INPUT_RUN * inputs as u64 + 16;
    let need = runs.saturating_mul(per_run);
    if need > MEMORY_BOUND {
        return Err(Error::Input(format!(
            "--runs: expected at most {} runs for a scenario with {inputs} uncertain inputs (PRIM keeps every run in memory, about {per_run} bytes a run; the bound is {} MiB), found {runs} (about {} MiB)",
            MEMORY_BOUND / per_run,
            MEMORY_BOUND >> 20,
            need >> 20
        )));
    }
    Ok(())
}

/// Run `peakpath discover`.
pub fn run(a: DiscoverArgs) -> Result<(), Error> {
    let (sc, shown) = Scenario::load_or_plan(a.scenario.as_deref())?;
    let outcome = a.outcome.resolve(&sc).map_err(Error::Input)?;
    if sc.uncertain.is_empty() {
        return Err(Error::Input(format!(
            "{shown}: expected uncertain parameters to discover with, found every parameter fixed"
        )));
    }
    check_memory(a.runs, sc.uncertain.len())?;
    output::prepare_dir(&a.out, a.force, FILES).map_err(Error::Input)?;
    let _lock = output::DirLock::acquire(&a.out)?;
    let pool = engine::pool(a.threads)?;
    let started = Instant::now();
    let ex = pool.install(|| experiments(&sc, outcome, a.seed, a.runs));
    let n_failed = ex.failed.iter().filter(|f| **f).count();
    let failure_rate = n_failed as f64 / a.runs as f64;
    let mut json = serde_json::json!({
        "scenario": sc.info.id,
        "file": shown,
        "scenario_sha256": sc.hash,
        "outcome": a.outcome.to_string(),
        "outcome_description": a.outcome.describe(false),
        "case_of_interest": "the outcome fails",
        "runs": a.runs,
        "seed": a.seed,
        "rng": "the states of `peakpath run` with the same seed: runs 0..N, ChaCha8 keyed by the seed, stream = run index",
        "n_inputs": ex.inputs.len(),
        "n_failed": n_failed,
        "failure_rate": failure_rate,
    });
    // An outcome that holds in every run, or fails in every run, has no inputs that decide it.
    let all_fail = n_failed as u64 == a.runs;
    if n_failed == 0 || all_fail {
        json["box"] = serde_json::Value::Null;
        json["note"] = if all_fail {
            "the outcome fails in every run: no input range decides it".into()
        } else {
            "the outcome holds in every run: there is nothing to discover".into()
        };
        write_atomic(&a.out.join("discover.json"), &output::json_bytes(&json))
            .map_err(io(&a.out))?;
        // A chart that says so in words, not an empty frame.
        let (passes, warning) = report::chart_passes(a.lang, a.png);
        if let Some(w) = warning {
            eprintln!("{w}");
        }
        for pass in passes {
            let lang = pass.lang;
            let zh = lang == Lang::Zh;
            let svg = report::message_chart(
                &if zh {
                    format!("PRIM: {}", a.outcome.describe(true))
                } else {
                    format!("PRIM: {}", a.outcome.describe(false))
                },
                &match (zh, all_fail) {
                    (true, false) => format!(
                        "该结果在全部 {} 次运行中都成立, 没有失败的情形, 因此没有需要找出的输入区间。",
                        a.runs
                    ),
                    (true, true) => format!(
                        "该结果在全部 {} 次运行中都不成立, 没有成立的情形, 因此没有能决定它的输入区间。",
                        a.runs
                    ),
                    (false, false) => format!(
                        "The outcome holds in all {} runs: no run fails, so there is no input range to find.",
                        a.runs
                    ),
                    (false, true) => format!(
                        "The outcome fails in all {} runs: no run holds, so no input range decides it.",
                        a.runs
                    ),
                },
            )
            .map_err(|e| Error::Other(e.to_string()))?;
            output::write_chart(&a.out, "prim_trajectory", &svg, pass)?;
        }
        eprintln!(
            "{}: {} {} in all {} runs; nothing to discover (discover.json in {})",
            sc.info.id,
            a.outcome,
            if all_fail { "fails" } else { "holds" },
            a.runs,
            a.out.display()
        );
        return Ok(());
    }

    let params = PrimParams::default();
    let traj =
        prim_columns(&ex.columns, &ex.failed, &params).map_err(|e| Error::Other(e.to_string()))?;
    let chosen = select_box(&traj, SELECT).unwrap_or(0);
    let b = &traj[chosen];
    let limits: Vec<serde_json::Value> = b
        .restricted_dims()
        .into_iter()
        .map(|j| {
            let p = &sc.params[ex.inputs[j]];
            serde_json::json!({
                "input": p.path,
                "name_zh": sc.input_name(ex.inputs[j], Lang::Zh),
                "name_en": sc.input_name(ex.inputs[j], Lang::En),
                "unit": p.unit,
                "lower": finite(b.lower[j]),
                "upper": finite(b.upper[j]),
                "distribution": p.dist,
            })
        })
        .collect();
    json["prim"] = serde_json::json!({
        "method": "PRIM peeling (Friedman & Fisher 1999) as in scenario discovery (Bryant & Lempert 2010)",
        "peel_alpha": params.peel_alpha,
        "min_mass": params.min_mass,
        "paste": params.paste,
        "selection": "highest 2·coverage·density/(coverage+density) among boxes with coverage ≥ 0.5",
        "trajectory_steps": traj.len(),
    });
    json["box"] = serde_json::json!({
        "step": chosen,
        "coverage": b.coverage,
        "density": b.density,
        "mass": b.mass,
        "n_restricted": b.n_restricted,
        "n_inside": b.n_inside,
        "n_failed_inside": b.n_interest_inside,
        "limits": limits,
    });
    write_atomic(&a.out.join("prim_trajectory.csv"), &trajectory_csv(&traj)).map_err(io(&a.out))?;
    write_atomic(&a.out.join("prim_box.csv"), &box_csv(&sc, &ex.inputs, b)).map_err(io(&a.out))?;
    write_atomic(&a.out.join("discover.json"), &output::json_bytes(&json)).map_err(io(&a.out))?;

    let (passes, warning) = report::chart_passes(a.lang, a.png);
    if let Some(w) = warning {
        eprintln!("{w}");
    }
    for pass in passes {
        let lang = pass.lang;
        let svg = report::line_xy(&chart(&a.outcome, &traj, chosen, lang), lang)
            .map_err(|e| Error::Other(e.to_string()))?;
        output::write_chart(&a.out, "prim_trajectory", &svg, pass)?;
        let bc = box_chart(&sc, &a.outcome, &ex, b, lang);
        // A chosen box that restricts no input (the outcome fails almost everywhere) is said in
        // words, not drawn as an empty frame.
        let svg = if bc.rows.is_empty() {
            let zh = lang == Lang::Zh;
            report::message_chart(
                &bc.title,
                if zh {
                    "选定的区域不限制任何输入: 没有一组输入区间能解释这些失败。"
                } else {
                    "The chosen box restricts no input: no set of input ranges explains the failures."
                },
            )
        } else {
            report::box_chart(&bc)
        }
        .map_err(|e| Error::Other(e.to_string()))?;
        output::write_chart(&a.out, "prim_box", &svg, pass)?;
    }

    print_summary(
        &sc,
        &a,
        failure_rate,
        &traj,
        chosen,
        &ex.inputs,
        started,
        &a.out,
    );
    Ok(())
}

/// The chosen box as a chart: each restricted input's sampled range and the box's part.
fn box_chart(
    sc: &Scenario,
    outcome: &Outcome,
    ex: &crate::discover::Experiments,
    b: &PrimBox,
    lang: Lang,
) -> report::BoxChart {
    let zh = lang == Lang::Zh;
    let rows = b
        .restricted_dims()
        .into_iter()
        .map(|j| {
            let p = &sc.params[ex.inputs[j]];
            let col = &ex.columns[j];
            let (min, max) = col
                .iter()
                .fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), &x| {
                    (lo.min(x), hi.max(x))
                });
            let (lower, upper) = (finite(b.lower[j]), finite(b.upper[j]));
            let u = report::unit(p.unit, lang);
            let t = report::charts::target_text;
            let text = match (lower, upper) {
                (Some(l), Some(h)) => format!("{} – {} {u}", t(l), t(h)),
                (Some(l), None) => format!("≥ {} {u}", t(l)),
                (None, Some(h)) => format!("≤ {} {u}", t(h)),
                (None, None) => String::new(),
            };
            report::BoxRow {
                label: sc.input_name(ex.inputs[j], lang),
                min,
                max,
                lower,
                upper,
                text,
            }
        })
        .collect();
    report::BoxChart {
        title: if zh {
            format!(
                "PRIM 选定的输入区间: 未能{}的情形集中于此",
                outcome.describe(true)
            )
        } else {
            format!(
                "The input box PRIM chose: where runs fail to {}",
                outcome.describe(false)
            )
        },
        note: if zh {
            format!(
                "覆盖率 {:.2} (失败情形中落在区间内的比例), 密度 {:.2} (区间内失败的比例); 灰条为抽样范围",
                b.coverage, b.density
            )
        } else {
            format!(
                "coverage {:.2} (share of failures inside), density {:.2} (share failing inside); grey: the sampled range",
                b.coverage, b.density
            )
        },
        rows,
    }
}

fn finite(x: f64) -> Option<f64> {
    x.is_finite().then_some(x)
}

fn csv_bytes(rows: Vec<Vec<String>>) -> Vec<u8> {
    crate::output::csv_records(rows)
}

/// `prim_trajectory.csv`: `step,coverage,density,mass,n_restricted`, step 0 unrestricted.
pub fn trajectory_csv(traj: &[PrimBox]) -> Vec<u8> {
    let mut rows = vec![
        ["step", "coverage", "density", "mass", "n_restricted"]
            .map(String::from)
            .to_vec(),
    ];
    rows.extend(traj.iter().enumerate().map(|(i, b)| {
        vec![
            i.to_string(),
            num(b.coverage),
            num(b.density),
            num(b.mass),
            b.n_restricted.to_string(),
        ]
    }));
    csv_bytes(rows)
}

/// `prim_box.csv`: `input,name_zh,name_en,unit,lower,upper` for each restricted input of the
/// box, by the scenario's field path, its display names and unit; an unrestricted side is
/// empty.
pub fn box_csv(sc: &Scenario, inputs: &[usize], b: &PrimBox) -> Vec<u8> {
    let side = |x: f64| if x.is_finite() { num(x) } else { String::new() };
    let mut rows = vec![
        ["input", "name_zh", "name_en", "unit", "lower", "upper"]
            .map(String::from)
            .to_vec(),
    ];
    rows.extend(b.restricted_dims().into_iter().map(|j| {
        let p = &sc.params[inputs[j]];
        vec![
            p.path.clone(),
            sc.input_name(inputs[j], Lang::Zh),
            sc.input_name(inputs[j], Lang::En),
            p.unit.to_string(),
            side(b.lower[j]),
            side(b.upper[j]),
        ]
    }));
    csv_bytes(rows)
}

fn chart(outcome: &Outcome, traj: &[PrimBox], chosen: usize, lang: Lang) -> XyChart {
    let zh = lang == Lang::Zh;
    let b = &traj[chosen];
    let chosen_label = if zh {
        format!(
            "选定的盒子（第{chosen}步）：覆盖率 {:.2}，密度 {:.2}",
            b.coverage, b.density
        )
    } else {
        format!(
            "chosen box (step {chosen}): coverage {:.2}, density {:.2}",
            b.coverage, b.density
        )
    };
    XyChart {
        title: if zh {
            format!("PRIM 剥离轨迹：未能{}的情形", outcome.describe(true))
        } else {
            format!(
                "PRIM peeling trajectory: runs that fail to {}",
                outcome.describe(false)
            )
        },
        x_label: if zh { "覆盖率" } else { "coverage" }.into(),
        y_label: if zh { "密度" } else { "density" }.into(),
        series: vec![
            XySeries {
                label: if zh {
                    "剥离轨迹"
                } else {
                    "peeling trajectory"
                }
                .into(),
                points: traj.iter().map(|b| (b.coverage, b.density)).collect(),
                point_labels: Vec::new(),
                line: true,
            },
            XySeries {
                label: chosen_label,
                points: vec![(b.coverage, b.density)],
                point_labels: Vec::new(),
                line: false,
            },
        ],
    }
}

#[allow(clippy::too_many_arguments)]
fn print_summary(
    sc: &Scenario,
    a: &DiscoverArgs,
    failure_rate: f64,
    traj: &[PrimBox],
    chosen: usize,
    inputs: &[usize],
    started: Instant,
    out: &Path,
) {
    let b = &traj[chosen];
    let zh = a.lang == Lang::Zh;
    let (steps, secs) = (traj.len() - 1, started.elapsed().as_secs_f64());
    if zh {
        eprintln!(
            "{}：{}在 {} 次模拟（种子 {}）中有 {:.1} % 未实现；PRIM 框（第 {chosen}/{steps} 步）：覆盖率 {:.3}，密度 {:.3}，质量 {:.3}（{secs:.1} s）",
            sc.info.id,
            a.outcome.describe(true),
            a.runs,
            a.seed,
            100.0 * failure_rate,
            b.coverage,
            b.density,
            b.mass
        );
    } else {
        eprintln!(
            "{}: {} fails in {:.1} % of {} runs (seed {}); PRIM box at step {chosen} of {steps}: coverage {:.3}, density {:.3}, mass {:.3} ({secs:.1} s)",
            sc.info.id,
            a.outcome,
            100.0 * failure_rate,
            a.runs,
            a.seed,
            b.coverage,
            b.density,
            b.mass
        );
    }
    for j in b.restricted_dims() {
        let p = &sc.params[inputs[j]];
        let lo = if b.lower[j].is_finite() {
            format!("{:.4}", b.lower[j])
        } else {
            "−∞".into()
        };
        let hi = if b.upper[j].is_finite() {
            format!("{:.4}", b.upper[j])
        } else {
            "+∞".into()
        };
        let unit = crate::report::style::unit(
            p.unit,
            if zh {
                crate::report::Lang::Zh
            } else {
                crate::report::Lang::En
            },
        );
        let l = if zh {
            crate::report::Lang::Zh
        } else {
            crate::report::Lang::En
        };
        eprintln!(
            "  {lo} ≤ {} ≤ {hi} {unit}   ({})",
            sc.input_name(inputs[j], l),
            p.path
        );
    }
    if zh {
        eprintln!("结果已写入 {}", out.display());
    } else {
        eprintln!("results in {}", out.display());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tmp(name: &str) -> PathBuf {
        let d = std::env::temp_dir().join(format!("peakpath-test-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&d);
        d
    }

    fn args(threads: u16, out: &Path) -> DiscoverArgs {
        DiscoverArgs {
            scenario: Some(Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/plan.toml")),
            outcome: "peaked_by_2030".parse().unwrap(),
            runs: 2000,
            seed: 11,
            threads: Some(threads),
            out: out.to_path_buf(),
            png: false,
            lang: Lang::En,
            force: false,
        }
    }

    /// A small discovery on the plan writes every file, and the same bytes with 1 and 2
    /// threads.
    #[test]
    fn memory_bound_refuses_what_would_not_fit() {
        // The plan's 65 inputs: 1,000,000 runs fit (about 1.3 GB), 2,000,000 do not.
        check_memory(1_000_000, 65).unwrap();
        let err = check_memory(2_000_000, 65).unwrap_err();
        assert_eq!(err.exit_code(), 2);
        let max = MEMORY_BOUND / (BYTES_PER_INPUT_RUN * 65 + 16);
        assert!(
            err.message()
                .contains(&format!("expected at most {max} runs")),
            "{}",
            err.message()
        );
        check_memory(max, 65).unwrap();
        check_memory(max + 1, 65).unwrap_err();
    }

    #[test]
    fn discover_plan_files_and_determinism_across_threads() {
        let (d1, d2) = (tmp("discover-1"), tmp("discover-2"));
        run(args(1, &d1)).unwrap();
        run(args(2, &d2)).unwrap();
        for f in [
            "discover.json",
            "prim_trajectory.csv",
            "prim_box.csv",
            "prim_trajectory.svg",
        ] {
            let (a, b) = (
                std::fs::read(d1.join(f)).unwrap(),
                std::fs::read(d2.join(f)).unwrap(),
            );
            assert!(!a.is_empty(), "{f}");
            assert_eq!(a, b, "{f} differs between 1 and 2 threads");
        }
        let json: serde_json::Value =
            serde_json::from_slice(&std::fs::read(d1.join("discover.json")).unwrap()).unwrap();
        assert_eq!(json["runs"], 2000);
        let rate = json["failure_rate"].as_f64().unwrap();
        assert!(rate > 0.0 && rate < 1.0, "{json}");
        let cov = json["box"]["coverage"].as_f64().unwrap();
        let dens = json["box"]["density"].as_f64().unwrap();
        assert!(cov >= 0.5 && dens > rate, "{json}");
        let traj = std::fs::read_to_string(d1.join("prim_trajectory.csv")).unwrap();
        assert!(
            traj.starts_with("step,coverage,density,mass,n_restricted\n0,1,"),
            "{traj}"
        );
        let boxes = std::fs::read_to_string(d1.join("prim_box.csv")).unwrap();
        let n = json["box"]["n_restricted"].as_u64().unwrap() as usize;
        assert!(n > 0);
        assert_eq!(boxes.lines().count(), 1 + n, "{boxes}");
        assert!(boxes.starts_with("input,name_zh,name_en,unit,lower,upper\n"));
        // Every restricted input is a field of the scenario.
        let sc = Scenario::load(&Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/plan.toml"))
            .unwrap();
        for line in boxes.lines().skip(1) {
            let input = line.split(',').next().unwrap();
            assert!(sc.params.iter().any(|p| p.path == input), "{input}");
        }
        // A second run into the same folder needs --force.
        assert!(matches!(run(args(1, &d1)), Err(Error::Input(_))));
        let _ = std::fs::remove_dir_all(&d1);
        let _ = std::fs::remove_dir_all(&d2);
    }
}
