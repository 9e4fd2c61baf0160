//! Glue between the command line and the library: turn parsed arguments into the library's
//! requests ([`peakpath::runner`] and the analysis commands) and print what they return.

use std::path::{Path, PathBuf};

use crate::cli::{Cli, Command, CompareArgs, Lang, LookArgs, MergeArgs, RunArgs, ServeArgs};
use peakpath::engine::Accumulator;
use peakpath::model::Trajectory;
use peakpath::output;
use peakpath::runner::{self, RunResult};
use peakpath::scenario::Scenario;

pub use peakpath::error::Error as AppError;

type Result<T> = std::result::Result<T, AppError>;

/// The language a command's messages are in (its `--lang`); English for the commands without one.
fn message_lang(c: &Command) -> Lang {
    use peakpath::sensitivity::run::LangArg;
    match c {
        Command::Run(a) => a.look.lang,
        Command::Merge(a) => a.lang,
        Command::Validate { lang, .. }
        | Command::Report { lang, .. }
        | Command::Init { lang, .. }
        | Command::Indicators { lang, .. } => *lang,
        Command::Compare(a) => a.look.lang,
        Command::Sensitivity(a) => match a.lang {
            LangArg::Zh => Lang::Zh,
            LangArg::En => Lang::En,
        },
        Command::Decompose(a) => lang_of(a.lang),
        Command::Discover(a) => lang_of(a.lang),
        Command::Wedges(a) => lang_of(a.lang),
        Command::Resolve { .. } | Command::Serve(_) => Lang::En,
    }
}

fn lang_of(l: peakpath::report::Lang) -> Lang {
    match l {
        peakpath::report::Lang::Zh => Lang::Zh,
        peakpath::report::Lang::En => Lang::En,
    }
}

pub fn run(cli: Cli) -> Result<()> {
    let lang = message_lang(&cli.command);
    peakpath::i18n::init_message_lang(lang.into());
    match cli.command {
        Command::Run(a) => cmd_run(a),
        Command::Merge(a) => cmd_merge(a),
        Command::Sensitivity(a) => peakpath::sensitivity::run::run(a),
        Command::Validate { files, lang } => cmd_validate(&files, lang.into()),
        Command::Resolve { file } => {
            let (sc, _) = Scenario::load_or_plan(file.as_deref())?;
            let text = serde_json::to_string_pretty(&sc.resolved_json())
                .map_err(|e| AppError::Other(e.to_string()))?;
            println!("{text}");
            Ok(())
        }
        Command::Compare(a) => cmd_compare(a),
        Command::Decompose(a) => peakpath::decompose::run(a),
        Command::Discover(a) => peakpath::discover::run(a),
        Command::Wedges(a) => peakpath::wedges::run(a),
        Command::Report { dir, lang, with } => {
            peakpath::report::run::write_report_with(&dir, lang.into(), &with)?;
            let f = dir.join("report.html");
            if lang == Lang::Zh {
                eprintln!("报告已写入 {}", f.display());
            } else {
                eprintln!("report written to {}", f.display());
            }
            Ok(())
        }
        Command::Serve(a) => cmd_serve(a),
        Command::Init { dir, force, lang } => {
            let written = peakpath::init::init(&dir, force)?;
            for p in &written {
                eprintln!("{}", p.display());
            }
            let d = dir.display();
            if lang == Lang::Zh {
                eprintln!(
                    "已写入新县的起点文件。下一步: 用统计局数据替换 {d}/baseline.toml 中的数值, 在 {d}/plan.toml 中录入规划的指标体系, 然后运行 peakpath validate {d}/scenario.toml 与 peakpath run {d}/scenario.toml --out {d}/out"
                );
            } else {
                eprintln!(
                    "A starting point for a new county is written. Next: replace the numbers of {d}/baseline.toml with the statistics bureau's, enter the plan's indicator table in {d}/plan.toml, then peakpath validate {d}/scenario.toml and peakpath run {d}/scenario.toml --out {d}/out"
                );
            }
            Ok(())
        }
        Command::Indicators { scenario, lang } => {
            let plan = match scenario {
                Some(f) => Scenario::load(&f)
                    .map_err(|d| AppError::Input(d.to_string()))?
                    .indicators
                    .plan
                    .clone(),
                None => peakpath::indicators::plan::HUZHU.clone(),
            };
            print!("{}", output::indicator_table(&plan, lang == Lang::Zh));
            Ok(())
        }
    }
}

fn look(l: LookArgs) -> runner::Look {
    runner::Look {
        lang: l.lang.into(),
        png: l.png,
        no_charts: l.no_charts,
    }
}

fn cmd_validate(files: &[PathBuf], lang: peakpath::report::Lang) -> Result<()> {
    let zh = lang == peakpath::report::Lang::Zh;
    let mut problems = Vec::new();
    for f in files {
        match Scenario::load(f) {
            Ok(sc) => {
                if zh {
                    eprintln!(
                        "{}: 通过 ({} 个参数, 其中 {} 个不确定{})",
                        f.display(),
                        sc.params.len(),
                        sc.uncertain.len(),
                        match sc.warnings.len() {
                            0 => String::new(),
                            n => format!(", {n} 条警告"),
                        }
                    );
                } else {
                    eprintln!(
                        "{}: ok ({} parameters, {} uncertain{})",
                        f.display(),
                        sc.params.len(),
                        sc.uncertain.len(),
                        match sc.warnings.len() {
                            0 => String::new(),
                            n => format!(", {n} warning{}", if n == 1 { "" } else { "s" }),
                        }
                    );
                }
                for w in &sc.warnings {
                    eprintln!("{}", peakpath::i18n::render(w, lang));
                }
            }
            Err(d) => problems.push(peakpath::i18n::render_all(&d, lang)),
        }
    }
    if problems.is_empty() {
        Ok(())
    } else {
        Err(AppError::Input(problems.join("\n")))
    }
}

fn cmd_run(a: RunArgs) -> Result<()> {
    print_warnings(a.scenario.as_deref());
    let req = runner::RunRequest {
        scenario: a.scenario,
        central: a.central,
        runs: if a.precision.is_some() {
            a.max_runs
        } else {
            a.runs
        },
        seed: a.seed,
        threads: a.threads,
        out: a.out,
        shard: a.shard,
        force: a.force,
        resume: a.resume,
        look: look(a.look),
        report: a.report,
        precision: a.precision,
        save_draws: a.save_draws.clone(),
        xlsx: a.xlsx,
    };
    let result = runner::run(&req)?;
    print_result(&result, req.look.lang == peakpath::report::Lang::Zh);
    if let Some(f) = &a.save_draws {
        if matches!(result, runner::RunResult::AlreadyComplete { .. }) {
            // Nothing was written now: the finished run's file is there (checked by run).
            if req.look.lang == peakpath::report::Lang::Zh {
                eprintln!("抽样与结果此前已写入 {}", f.display());
            } else {
                eprintln!("draws: {} (written by the finished run)", f.display());
            }
        } else if req.look.lang == peakpath::report::Lang::Zh {
            eprintln!("抽样与结果已写入 {}", f.display());
        } else {
            eprintln!("draws written to {} (experiments, outcomes)", f.display());
        }
    }
    Ok(())
}

fn cmd_compare(a: CompareArgs) -> Result<()> {
    let req = runner::CompareRequest {
        scenarios: a.scenarios,
        runs: a.runs,
        seed: a.seed,
        threads: a.threads,
        out: a.out,
        force: a.force,
        look: look(a.look),
        xlsx: a.xlsx,
    };
    for p in &req.scenarios {
        print_warnings(Some(p));
    }
    for r in runner::compare(&req)? {
        print_result(&r, req.look.lang == peakpath::report::Lang::Zh);
    }
    if req.look.lang == peakpath::report::Lang::Zh {
        eprintln!("对比结果已写入 {}", req.out.display());
    } else {
        eprintln!("comparison written to {}", req.out.display());
    }
    Ok(())
}

fn cmd_serve(a: ServeArgs) -> Result<()> {
    let opts = peakpath::serve::ServeOptions {
        scenario: a.scenario,
        host: a.host,
        port: a.port,
        open: a.open,
        save_dir: a.save_dir,
        runs: a.runs,
        max_runs: a.max_runs,
        seed: a.seed,
        threads: a.threads,
    };
    peakpath::serve::serve(opts, std::sync::Arc::new(|m: String| eprintln!("{m}")))
}

fn cmd_merge(a: MergeArgs) -> Result<()> {
    let req = runner::MergeRequest {
        dirs: a.dirs,
        out: a.out,
        force: a.force,
        partial: a.partial,
        lang: a.lang.into(),
    };
    let zh = a.lang == Lang::Zh;
    if let Some(m) = runner::merge(&req)? {
        let c = m.coverage;
        let mem = runner::peak_memory_note();
        let mem = if zh {
            mem.replace(", peak memory ", ", 内存峰值 ")
        } else {
            mem
        };
        if m.partial {
            let file = req.out.join(runner::SHARD_FILE);
            if zh {
                eprintln!(
                    "已将 {} 个部分结果合并为第 {}–{} 个分片 (共 {} 个, {} 次模拟), 写入 {}{mem}",
                    m.parts,
                    c.first,
                    c.last,
                    c.n,
                    m.runs,
                    file.display()
                );
            } else {
                eprintln!(
                    "merged {} partial results into shards {}–{} of {} ({} runs) in {}{mem}",
                    m.parts,
                    c.first,
                    c.last,
                    c.n,
                    m.runs,
                    file.display()
                );
            }
        } else if m.parts as u64 == c.last - c.first + 1 {
            if zh {
                eprintln!(
                    "已合并 {} 个分片 ({} 次模拟), 写入 {}{mem}",
                    m.parts,
                    m.runs,
                    req.out.display()
                );
            } else {
                eprintln!(
                    "merged {} shards ({} runs) into {}{mem}",
                    m.parts,
                    m.runs,
                    req.out.display()
                );
            }
        } else if zh {
            eprintln!(
                "已合并 {} 个部分结果 ({} 个分片, {} 次模拟), 写入 {}{mem}",
                m.parts,
                c.n,
                m.runs,
                req.out.display()
            );
        } else {
            eprintln!(
                "merged {} partial results ({} shards, {} runs) into {}{mem}",
                m.parts,
                c.n,
                m.runs,
                req.out.display()
            );
        }
    }
    Ok(())
}

fn print_result(r: &RunResult, zh: bool) {
    match r {
        RunResult::Central { sc, tr, out } => print_central(sc, tr, out, zh),
        RunResult::Shard {
            k,
            n,
            start,
            end,
            file,
        } => {
            if zh {
                eprintln!(
                    "分片 {k}/{n}：第 {start}..{end} 次模拟已写入 {}",
                    file.display()
                )
            } else {
                eprintln!(
                    "shard {k} of {n}: runs {start}..{end} written to {}",
                    file.display()
                )
            }
        }
        RunResult::MonteCarlo {
            sc,
            tr,
            acc,
            out,
            elapsed_s,
            precision,
        } => {
            print_mc(sc, tr, acc, out, *elapsed_s, zh);
            if let Some(p) = precision {
                print_precision(p, zh);
            }
        }
        RunResult::AlreadyComplete { out, file } => {
            if zh {
                eprintln!(
                    "{}：该运行已完成（{}），无需继续",
                    out.display(),
                    file.display()
                )
            } else {
                eprintln!(
                    "{}: the run is already complete ({}): nothing to resume",
                    out.display(),
                    file.display()
                )
            }
        }
    }
}

/// The headline goes to standard output (so `peakpath run … > result.txt` keeps it);
/// where the files are and how fast it ran are notes, on standard error.
fn print_central(sc: &Scenario, tr: &Trajectory, out: &Path, zh: bool) {
    print!("{}", output::headline_text(sc, tr, None, zh));
    if zh {
        eprintln!("结果已写入 {}", out.display());
    } else {
        eprintln!("results in {}", out.display());
    }
}

fn print_mc(sc: &Scenario, tr: &Trajectory, acc: &Accumulator, out: &Path, elapsed: f64, zh: bool) {
    print!("{}", output::headline_text(sc, tr, Some(acc), zh));
    let drawn = runner::history::drawn(acc);
    let rate = drawn as f64 / elapsed.max(1e-9);
    if zh {
        eprintln!(
            "{drawn} 次模拟，用时 {elapsed:.1} s（每秒 {rate:.0} 次）；结果已写入 {}",
            out.display()
        );
    } else {
        eprintln!(
            "{drawn} runs in {elapsed:.1} s ({rate:.0} runs/s); results in {}",
            out.display()
        );
    }
    if !sc.observed.is_empty() {
        let line = runner::history::acceptance_line(acc, zh);
        if zh {
            eprintln!("观测历史：{line}");
        } else {
            eprintln!("observed history: {line}");
        }
    }
    if !sc.correlations.is_empty() {
        let n = sc.correlations.pairs.len();
        if zh {
            eprintln!("相关输入：{n} 对（高斯连接函数，docs/model.md §2）");
        } else {
            eprintln!("correlated inputs: {n} pairs (Gaussian copula, docs/model.md §2)");
        }
    }
}

fn print_precision(p: &serde_json::Value, zh: bool) {
    let used = p["runs_used"].as_u64().unwrap_or(0);
    let target = p["target_half_width"].as_f64().unwrap_or(f64::NAN);
    let worst = p["worst_half_width"].as_f64().unwrap_or(f64::NAN);
    let reached = p["reached"].as_bool() == Some(true);
    match (reached, zh) {
        (true, false) => eprintln!(
            "precision: every headline probability within ±{worst:.4} (Wilson 95 %, target ±{target}) after {used} runs"
        ),
        (true, true) => eprintln!(
            "精度：{used} 次抽样后所有主要概率的 Wilson 95 % 区间半宽 ≤ ±{worst:.4}（目标 ±{target}）"
        ),
        (false, false) => eprintln!(
            "warning: precision ±{target} not reached: widest Wilson 95 % half-width ±{worst:.4} after the maximum of {used} runs (--max-runs)"
        ),
        (false, true) => eprintln!(
            "警告：达到最大抽样次数 {used}（--max-runs）仍未达到精度 ±{target}：最宽的 Wilson 95 % 半宽为 ±{worst:.4}"
        ),
    }
}

/// Plausibility warnings of a scenario (valid values that look like slips), on stderr.
fn print_warnings(file: Option<&Path>) {
    if let Ok((sc, _)) = Scenario::load_or_plan(file) {
        for w in &sc.warnings {
            eprintln!(
                "{}",
                peakpath::i18n::render(w, peakpath::i18n::message_lang())
            );
        }
    }
}
