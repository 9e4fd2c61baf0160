//! `peakpath wedges`: which action buys the change from the parent scenario.

use std::path::{Path, PathBuf};
use std::time::Instant;

use crate::engine;
use crate::error::{Error, io};
use crate::output::{self, write_atomic};
use crate::report::charts::wedge::{TableSvg, WedgeChart, table_svg, wedge_chart};
use crate::report::{self, IndexBars, IndexSeries, Lang};
use crate::scenario::source::{Disk, EMBEDDED_PREFIX, Embedded, FileSystem};
use crate::terminal::{install_ctrlc, progress};

use super::evaluate::{self, Attribution, Kind};
use super::game::{Game, Status};
use super::output::{by_lead_csv, lead_sum, leads, wedges_csv, wedges_json};

/// Files `wedges` writes; a folder holding any of them holds another attribution.
const FILES: &[&str] = &[
    "wedges.csv",
    "wedges_by_lead.csv",
    "wedges.json",
    "wedges_co2.svg",
    "wedges_co2_2030.svg",
    "wedges_p_peak.svg",
    "wedges_by_lead.svg",
    "wedges_co2.png",
    "wedges_co2_2030.png",
    "wedges_p_peak.png",
    "wedges_by_lead.png",
];

/// Arguments of `peakpath wedges`.
#[derive(clap::Args, Debug, Clone)]
#[command(after_help = "Examples:\n  \
    peakpath wedges scenarios/plan.toml --out outputs/wedges-plan\n  \
    peakpath wedges scenarios/plan.toml --runs 10000 --out outputs/wedges-plan --png --lang en\n  \
    peakpath wedges scenarios/enhanced.toml --against scenarios/baseline.toml --out outputs/wedges-enhanced\n\n\
    Each action's share of the change from PARENT (by default the file SCENARIO extends) by exact \
    Shapley values over every combination of the actions that change something (at most 12, \
    i.e. 4,096 combinations), and the sequential wedges in the order the actions are listed.")]
pub struct WedgesArgs {
    /// Scenario file with [actions.*] tables (default: the plan scenario embedded in the binary).
    pub scenario: Option<PathBuf>,
    /// The scenario the change is measured from (default: the file SCENARIO extends).
    #[arg(long, value_name = "PARENT")]
    pub against: Option<PathBuf>,
    /// Output folder (default: outputs/wedges-<scenario id>).
    #[arg(long)]
    pub out: Option<PathBuf>,
    /// Monte Carlo runs per combination, for P(peaked) and P(binding targets met) (default: none).
    #[arg(long, value_parser = clap::value_parser!(u64).range(1..=100_000_000))]
    pub runs: Option<u64>,
    /// Seed of the random streams, the same for every combination.
    #[arg(long, default_value_t = engine::DEFAULT_SEED)]
    pub seed: u64,
    /// Worker threads (default: all cores). Results do not depend on it.
    #[arg(long, value_parser = clap::value_parser!(u16).range(1..=1024))]
    pub threads: Option<u16>,
    /// Language of the charts and of the lead departments in the CSV files.
    #[arg(long, value_enum, default_value_t = Lang::Zh)]
    pub lang: Lang,
    /// Also write the charts as PNG.
    #[arg(long)]
    pub png: bool,
    /// Overwrite an earlier attribution in the output folder.
    #[arg(long)]
    pub force: bool,
}

/// Set up the game of the arguments' scenario and parent.
pub fn game(a: &WedgesArgs) -> Result<Game, Error> {
    let (fs, path): (&dyn FileSystem, PathBuf) = match &a.scenario {
        Some(p) => (&Disk, p.clone()),
        None => (&Embedded, Path::new(EMBEDDED_PREFIX).join("plan.toml")),
    };
    Game::new(fs, &path, a.against.as_deref(), &Disk)
}

/// Run `peakpath wedges`.
pub fn run(a: WedgesArgs) -> Result<(), Error> {
    let started = Instant::now();
    let game = game(&a)?;
    let out = a.out.clone().unwrap_or_else(|| {
        PathBuf::from("outputs").join(format!("wedges-{}", game.scenario.info.id))
    });
    output::prepare_dir(&out, a.force, FILES).map_err(Error::Input)?;
    let _lock = output::DirLock::acquire(&out)?;
    for p in &game.players {
        if p.status == Status::Other {
            let fields: Vec<&str> = p
                .changes
                .iter()
                .map(|&c| game.changes[c].path.as_str())
                .collect();
            if a.lang == Lang::Zh {
                eprintln!(
                    "注：{} 个改动的字段不属于任何行动，归入“其他”：{}",
                    fields.len(),
                    fields.join(", ")
                );
            } else {
                eprintln!(
                    "note: {} changed field(s) belong to no action and are attributed as \"other\": {}",
                    fields.len(),
                    fields.join(", ")
                );
            }
        }
    }
    let sc = &game.scenario;
    if a.runs.is_some() && (!sc.correlations.is_empty() || !sc.observed.is_empty()) {
        if a.lang == Lang::Zh {
            eprintln!(
                "注：行动分解的蒙特卡洛对每个输入独立抽样并保留全部模拟：情景中的相关性和观测历史不参与（与敏感性分析相同）"
            );
        } else {
            eprintln!(
                "note: the wedges' Monte Carlo draws every input independently and keeps every run: the scenario's correlations and observed history are not imposed (as in sensitivity analysis)"
            );
        }
    }
    let central = evaluate::attribute_central(&game);
    let mc = match a.runs {
        None => None,
        Some(runs) => {
            install_ctrlc();
            let pool = engine::pool(a.threads)?;
            let obs = progress(runs, 0);
            let got = pool.install(|| evaluate::attribute_mc(&game, runs, a.seed, &obs))?;
            if let Some(b) = &obs.bar {
                b.finish_and_clear();
            }
            Some(got.ok_or_else(|| Error::Interrupted("interrupted: nothing was written".into()))?)
        }
    };
    let (passes, warning) = report::chart_passes(a.lang, a.png);
    if let Some(w) = warning {
        eprintln!("{w}");
    }
    let zh = a.lang == Lang::Zh;
    let mut rows: Vec<&Attribution> = central.iter().collect();
    rows.extend(mc.iter().flatten());
    write_atomic(&out.join("wedges.csv"), &wedges_csv(&game, &rows, zh)).map_err(io(&out))?;
    let headline: Vec<&Attribution> = rows
        .iter()
        .copied()
        .filter(|r| {
            r.measure.kind == Kind::Co2 && r.measure.year == 2030
                || matches!(
                    r.measure.kind,
                    Kind::Co2Cumulative { .. } | Kind::PPeaked | Kind::PBindingMet
                )
        })
        .collect();
    write_atomic(
        &out.join("wedges_by_lead.csv"),
        &by_lead_csv(&game, &headline, zh),
    )
    .map_err(io(&out))?;
    let json = wedges_json(
        &game,
        &rows,
        a.runs.map(|r| (r, a.seed)),
        started.elapsed().as_secs_f64(),
    );
    write_atomic(&out.join("wedges.json"), &output::json_bytes(&json)).map_err(io(&out))?;
    for pass in passes {
        charts(&game, &central, mc.as_deref(), &headline, &out, pass)?;
    }
    // A chart an earlier attribution in this folder wrote (P(peak) without --runs now, PNGs
    // without --png) would no longer match the CSV: remove it.
    let written: Vec<&str> = FILES
        .iter()
        .copied()
        .filter(|f| {
            (a.runs.is_some() || !f.starts_with("wedges_p_peak")) && (a.png || !f.ends_with(".png"))
        })
        .collect();
    output::remove_stale(&out, FILES, &written).map_err(io(&out))?;
    summary(&game, &rows, &out, zh);
    Ok(())
}

fn charts(
    game: &Game,
    central: &[Attribution],
    mc: Option<&[Attribution]>,
    headline: &[&Attribution],
    out: &Path,
    png: report::ChartOut,
) -> Result<(), Error> {
    let lang = png.lang;
    let zh = lang == Lang::Zh;
    let chart_err = |e: report::ChartError| Error::Other(e.to_string());
    let co2: Vec<&Attribution> = central
        .iter()
        .filter(|a| a.measure.kind == Kind::Co2)
        .collect();
    let years: Vec<i32> = co2.iter().map(|a| a.measure.year).collect();
    let names = |zh: bool| -> Vec<String> {
        game.players
            .iter()
            .map(|p| p.name(zh).to_string())
            .collect()
    };
    let peak_by = game.scenario.spec.options.peak_by;
    let (pname, sname) = (
        game.parent.name(zh).to_string(),
        game.scenario.name(zh).to_string(),
    );
    let wc = WedgeChart {
        title: if zh {
            format!("各行动避免的能源活动CO₂排放（Shapley值）：{pname} → {sname}")
        } else {
            format!("Energy CO₂ avoided by each action (Shapley values): {pname} → {sname}")
        },
        y_label: if zh {
            "能源活动CO₂排放（万t CO₂）"
        } else {
            "Energy CO₂ (10⁴ t CO₂)"
        }
        .into(),
        years,
        parent: (pname.clone(), co2.iter().map(|a| a.parent).collect()),
        scenario: (sname.clone(), co2.iter().map(|a| a.scenario).collect()),
        wedges: names(zh)
            .into_iter()
            .enumerate()
            .map(|(p, n)| (n, co2.iter().map(|a| -a.shapley[p]).collect()))
            .collect(),
        mark: Some((
            peak_by,
            if zh {
                format!("{peak_by}年前达峰")
            } else {
                format!("peak by {peak_by}")
            },
        )),
        peak_label: if zh { "峰值" } else { "peak" }.into(),
        no_peak_label: {
            let y1 = game.scenario.spec.y1;
            if zh {
                format!("至{y1}年仍在上升，未达峰")
            } else {
                format!("still rising in {y1}: no peak")
            }
        },
    };
    output::write_chart(
        out,
        "wedges_co2",
        &wedge_chart(&wc, lang).map_err(chart_err)?,
        png,
    )?;

    let bars = |a: &Attribution, scale: f64, title: String, x_label: String| IndexBars {
        title,
        x_label,
        rows: names(zh),
        series: vec![
            IndexSeries {
                name: if zh { "Shapley值" } else { "Shapley value" }.into(),
                values: a.shapley.iter().map(|x| x * scale).collect(),
                ci: a.shapley_se.as_ref().map(|se| {
                    a.shapley
                        .iter()
                        .zip(se)
                        .map(|(x, s)| ((x - 1.96 * s) * scale, (x + 1.96 * s) * scale))
                        .collect()
                }),
            },
            IndexSeries {
                name: if zh {
                    "依次叠加（规划顺序）"
                } else {
                    "sequential (plan order)"
                }
                .into(),
                values: a.sequential.iter().map(|x| x * scale).collect(),
                ci: None,
            },
        ],
    };
    if let Some(a) = central
        .iter()
        .find(|a| a.measure.kind == Kind::Co2 && a.measure.year == 2030)
    {
        let t = -a.total();
        let title = if zh {
            format!("2030年各行动避免的CO₂排放（合计 {:.2} 万t）", t)
        } else {
            format!("CO₂ avoided in 2030 by action (total {t:.2} 10⁴ t)")
        };
        let x = if zh {
            "避免的CO₂排放（万t CO₂）"
        } else {
            "CO₂ avoided (10⁴ t CO₂)"
        };
        let svg = report::index_bars(&bars(a, -1.0, title, x.into()), lang).map_err(chart_err)?;
        output::write_chart(out, "wedges_co2_2030", &svg, png)?;
    }
    if let Some(a) = mc.and_then(|m| m.iter().find(|a| a.measure.kind == Kind::PPeaked)) {
        let (t, se) = (a.total() * 100.0, a.total_se.unwrap_or(0.0) * 100.0);
        let title = if zh {
            format!(
                "各行动对{peak_by}年前达峰概率变化的贡献（合计 {t:+.1} ± {se:.1} 个百分点，误差线为95%蒙特卡洛区间）"
            )
        } else {
            format!(
                "Each action's share of the change in P(peaked by {peak_by}) (total {t:+.1} ± {se:.1} points; whiskers: 95 % Monte Carlo interval)"
            )
        };
        let x = if zh {
            "概率变化（百分点）"
        } else {
            "change in probability (percentage points)"
        };
        let svg = report::index_bars(&bars(a, 100.0, title, x.into()), lang).map_err(chart_err)?;
        output::write_chart(out, "wedges_p_peak", &svg, png)?;
    }

    let mut header = vec![
        if zh {
            "牵头单位"
        } else {
            "Lead department"
        }
        .to_string(),
        if zh { "行动" } else { "Actions" }.to_string(),
    ];
    for a in headline {
        let m = &a.measure;
        let (name, unit) = match m.kind {
            Kind::Co2 => (
                if zh {
                    format!("{}年CO₂", m.year)
                } else {
                    format!("CO₂ {}", m.year)
                },
                if zh { "万t" } else { "10⁴ t" },
            ),
            Kind::Co2Cumulative { from } => (
                if zh {
                    format!("{from}–{}年累计CO₂", m.year)
                } else {
                    format!("CO₂ {from}–{}", m.year)
                },
                if zh { "万t" } else { "10⁴ t" },
            ),
            Kind::PPeaked => (
                if zh {
                    format!("{}年前达峰概率", m.year)
                } else {
                    format!("P(peak by {})", m.year)
                },
                if zh { "百分点" } else { "points" },
            ),
            _ => (
                if zh {
                    format!("{}年约束性目标全达成概率", m.year)
                } else {
                    format!("P(binding {} met)", m.year)
                },
                if zh { "百分点" } else { "points" },
            ),
        };
        header.push(format!("{name} ({unit})"));
        header.push(if zh { "占比" } else { "share" }.into());
    }
    let mut trows = Vec::new();
    for (lead, ps) in leads(game, zh) {
        let mut r = vec![
            lead,
            ps.iter()
                .map(|&p| game.players[p].name(zh))
                .collect::<Vec<_>>()
                .join(if zh { "、" } else { "; " }),
        ];
        for a in headline {
            let scale = if a.measure.unit == "probability" {
                100.0
            } else {
                1.0
            };
            let (s, share) = lead_sum(a, &ps);
            r.push(format!("{:+.2}", s * scale));
            r.push(share.map_or("—".into(), |x| format!("{:.1} %", 100.0 * x)));
        }
        trows.push(r);
    }
    let cols = header.len();
    let zero: Vec<String> = game
        .players
        .iter()
        .filter(|p| matches!(p.status, Status::NotQuantified | Status::NoChange))
        .map(|p| {
            if zh {
                format!("{}（{}）", p.name(true), p.status.text(true))
            } else {
                format!("{} ({})", p.name(false), p.status.text(false))
            }
        })
        .collect();
    let table = TableSvg {
        title: if zh {
            format!("按牵头单位汇总的贡献（Shapley值，{pname} → {sname}）")
        } else {
            format!("Contribution by lead department (Shapley values, {pname} → {sname})")
        },
        header,
        rows: trows,
        right: (0..cols).map(|c| c >= 2).collect(),
        note: (!zero.is_empty()).then(|| {
            if zh {
                format!("贡献为零：{}", zero.join("、"))
            } else {
                format!("Zero: {}", zero.join("; "))
            }
        }),
    };
    output::write_chart(
        out,
        "wedges_by_lead",
        &table_svg(&table).map_err(chart_err)?,
        png,
    )?;
    Ok(())
}

fn summary(game: &Game, rows: &[&Attribution], out: &Path, zh: bool) {
    if zh {
        eprintln!(
            "{} 相对于 {}：{} 项行动，其中 {} 项有改动；{} 种组合",
            game.scenario_file,
            game.parent_file,
            game.players.len(),
            game.active.len(),
            game.n_combos()
        );
    } else {
        eprintln!(
            "{} against {}: {} actions, {} change something; {} combinations",
            game.scenario_file,
            game.parent_file,
            game.players.len(),
            game.active.len(),
            game.n_combos()
        );
    }
    for a in rows.iter().filter(|a| {
        a.measure.kind == Kind::Co2 && a.measure.year == 2030 || a.measure.kind == Kind::PPeaked
    }) {
        let mut order: Vec<usize> = (0..game.players.len()).collect();
        order.sort_by(|&i, &j| a.shapley[j].abs().total_cmp(&a.shapley[i].abs()));
        let top: Vec<String> = order
            .iter()
            .take(3)
            .map(|&p| {
                // The action's name in the language (cut to fit a line), not its key.
                let name = game.players[p].name(zh);
                let max = if zh { 16 } else { 40 };
                let shown: String = if name.chars().count() > max {
                    name.chars().take(max - 1).chain(['…']).collect()
                } else {
                    name.to_string()
                };
                format!("{shown} {:+.3}", a.shapley[p])
            })
            .collect();
        let (what, largest) = if zh {
            (&a.measure.zh, "贡献最大")
        } else {
            (&a.measure.en, "largest shares")
        };
        eprintln!(
            "{what}: {:.3} → {:.3} ({:+.3} {}); {largest}: {}",
            a.parent,
            a.scenario,
            a.total(),
            crate::report::unit(a.measure.unit, if zh { Lang::Zh } else { Lang::En }),
            top.join(if zh { "；" } else { "; " })
        );
    }
    if zh {
        eprintln!("结果已写入 {}", out.display());
    } else {
        eprintln!("results in {}", out.display());
    }
}
