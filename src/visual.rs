//! Charts and the HTML report of a run, built from the run's own output files.
//!
//! `run` writes its CSV and JSON files first; the charts and the report are then made from
//! those files only ([`RunData::read`]), so `peakpath report DIR` and `run --report` give
//! the same pages, in either language, without re-running anything.

use std::collections::BTreeMap;
use std::path::Path;

use crate::error::{Error, io};
use crate::output::write_atomic;
use crate::report::{self, BarChart, BoardRow, FanChart, FanSeries, Lang, StackedArea, Target};

/// Quantile columns of `summary.csv`: p5, p10, p25, p50, p75, p90, p95.
type Quantiles = [f64; 7];

/// One indicator row of `indicators.csv`.
#[derive(Debug, Clone)]
pub struct IndicatorRow {
    pub id: String,
    pub name_zh: String,
    pub name_en: String,
    pub unit: String,
    pub year: i32,
    pub value: Option<f64>,
    pub target: Option<f64>,
    pub binding: bool,
    pub met: String,
    pub p_met: Option<f64>,
}

/// Everything charts and reports need, read back from a run's folder.
#[derive(Debug, Clone)]
pub struct RunData {
    pub run: serde_json::Value,
    pub units: BTreeMap<String, String>,
    /// Central run: variable → year → value.
    pub central: BTreeMap<String, BTreeMap<i32, f64>>,
    /// Monte Carlo: variable → year → quantiles (absent for a central-only run).
    pub summary: BTreeMap<String, BTreeMap<i32, Quantiles>>,
    pub indicators: Vec<IndicatorRow>,
    pub peak: Vec<(i32, f64)>,
    pub parameters: Vec<[String; 5]>,
}

/// Read a CSV file that peakpath wrote, verified before use: its header starts with the
/// `columns` the reader relies on, every row has the header's length, every number in it is
/// finite, and it has at least `min_rows` rows. Anything else is bad input (exit 2) naming
/// the file and the row, never a panic or a chart of nonsense.
fn read_table(
    path: &Path,
    columns: &[&str],
    min_rows: usize,
) -> Result<Vec<csv::StringRecord>, Error> {
    let bad = |what: String| Error::Input(format!("{}: {what}", path.display()));
    let mut r = csv::Reader::from_path(path)
        .map_err(|e| Error::Input(format!("{}: cannot read: {e}", path.display())))?;
    let header = r
        .headers()
        .map_err(|e| bad(format!("expected a peakpath CSV file, found: {e}")))?
        .clone();
    if header.len() < columns.len() || header.iter().zip(columns).any(|(h, c)| h != *c) {
        return Err(bad(format!(
            "expected the columns {}, found {}",
            columns.join(","),
            header.iter().collect::<Vec<_>>().join(",")
        )));
    }
    let rows = r
        .records()
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| bad(format!("expected a peakpath CSV file, found: {e}")))?;
    for (i, row) in rows.iter().enumerate() {
        for (k, cell) in row.iter().enumerate() {
            if cell.parse::<f64>().is_ok_and(|x| !x.is_finite()) {
                return Err(bad(format!(
                    "row {}, column {}: expected a finite number, found {cell}",
                    i + 2,
                    header.get(k).unwrap_or("?")
                )));
            }
        }
    }
    if rows.len() < min_rows {
        return Err(bad(format!(
            "expected at least {min_rows} row(s) of data, found {}",
            rows.len()
        )));
    }
    Ok(rows)
}

fn f(s: &str) -> Option<f64> {
    s.parse().ok()
}

impl RunData {
    pub fn read(dir: &Path) -> Result<RunData, Error> {
        let run_path = dir.join("run.json");
        let text = std::fs::read(&run_path).map_err(|e| {
            Error::Input(format!(
                "{}: expected a peakpath run folder, found no run.json ({e})",
                dir.display()
            ))
        })?;
        let run: serde_json::Value = serde_json::from_slice(&text).map_err(|e| {
            Error::Input(format!(
                "{}:{}:{}: invalid JSON: {e}",
                run_path.display(),
                e.line(),
                e.column()
            ))
        })?;
        if !run.is_object() {
            return Err(Error::Input(format!(
                "{}: expected a JSON object (a peakpath run.json), found {}",
                run_path.display(),
                match &run {
                    serde_json::Value::Array(_) => "an array",
                    serde_json::Value::String(_) => "a string",
                    serde_json::Value::Number(_) => "a number",
                    _ => "another value",
                }
            )));
        }
        let mut units = BTreeMap::new();
        let mut central: BTreeMap<String, BTreeMap<i32, f64>> = BTreeMap::new();
        for r in read_table(
            &dir.join("trajectories.csv"),
            &["scenario", "variable", "unit", "year", "value"],
            1,
        )? {
            units.insert(r[1].to_string(), r[2].to_string());
            if let (Ok(y), Some(v)) = (r[3].parse(), f(&r[4])) {
                central.entry(r[1].to_string()).or_default().insert(y, v);
            }
        }
        let mut summary: BTreeMap<String, BTreeMap<i32, Quantiles>> = BTreeMap::new();
        if dir.join("summary.csv").exists() {
            for r in read_table(
                &dir.join("summary.csv"),
                &[
                    "scenario", "variable", "unit", "year", "mean", "p5", "p10", "p25", "p50",
                    "p75", "p90", "p95",
                ],
                1,
            )? {
                let mut q = [f64::NAN; 7];
                for (k, x) in q.iter_mut().enumerate() {
                    *x = f(&r[5 + k]).unwrap_or(f64::NAN);
                }
                if let Ok(y) = r[3].parse() {
                    summary.entry(r[1].to_string()).or_default().insert(y, q);
                }
            }
        }
        let mut indicators = Vec::new();
        for r in read_table(
            &dir.join("indicators.csv"),
            &[
                "id",
                "name_zh",
                "name_en",
                "unit",
                "year",
                "value",
                "target",
                "direction",
                "binding",
                "met",
            ],
            1,
        )? {
            indicators.push(IndicatorRow {
                id: r[0].to_string(),
                name_zh: r[1].to_string(),
                name_en: r[2].to_string(),
                unit: r[3].to_string(),
                year: r[4].parse().unwrap_or(0),
                value: f(&r[5]),
                target: f(&r[6]),
                binding: &r[8] == "binding",
                met: r[9].to_string(),
                p_met: r.get(10).and_then(f),
            });
        }
        let peak = if dir.join("peak.csv").exists() {
            read_table(&dir.join("peak.csv"), &["peak_year", "probability"], 1)?
                .iter()
                .filter_map(|r| Some((r[0].parse().ok()?, f(&r[1])?)))
                .collect()
        } else {
            Vec::new()
        };
        let parameters = if dir.join("parameters.csv").exists() {
            read_table(
                &dir.join("parameters.csv"),
                &["parameter", "unit", "distribution", "median", "source"],
                0,
            )?
            .iter()
            .map(|r| [0, 1, 2, 3, 4].map(|k| r.get(k).unwrap_or("").to_string()))
            .collect()
        } else {
            Vec::new()
        };
        Ok(RunData {
            run,
            units,
            central,
            summary,
            indicators,
            peak,
            parameters,
        })
    }

    fn scenario_name(&self, lang: Lang) -> String {
        let s = &self.run["scenario"];
        let key = if lang == Lang::Zh {
            "name_zh"
        } else {
            "name_en"
        };
        s[key]
            .as_str()
            .filter(|x| !x.is_empty())
            .or(s["id"].as_str())
            .unwrap_or("")
            .to_string()
    }

    fn mc(&self) -> Option<&serde_json::Value> {
        self.run.get("monte_carlo")
    }
}

/// A chart of one model variable: name, Chinese and English title, scale for display.
struct VarChart {
    var: &'static str,
    zh: &'static str,
    en: &'static str,
    scale: f64,
    unit: Option<&'static str>,
    /// Indicator whose targets are drawn, and how a target maps to the variable's level.
    targets: Option<(&'static str, TargetMap)>,
}

#[derive(Clone, Copy)]
enum TargetMap {
    Level,
    /// A % decline against the period's start: level = start · (1 − t/100).
    Decline,
}

const FANS: &[VarChart] = &[
    VarChart {
        var: "co2",
        zh: "能源活动CO₂排放",
        en: "Energy CO₂ emissions",
        scale: 1.0,
        unit: None,
        targets: None,
    },
    VarChart {
        var: "coal_t",
        zh: "煤炭消费量",
        en: "Coal consumption",
        scale: 1.0,
        unit: None,
        targets: Some(("3", TargetMap::Level)),
    },
    VarChart {
        var: "nonfossil_share",
        zh: "非化石能源消费比重",
        en: "Non-fossil share of energy consumption",
        scale: 100.0,
        unit: Some("%"),
        targets: Some(("5", TargetMap::Level)),
    },
    VarChart {
        var: "energy_intensity",
        zh: "单位GDP能耗",
        en: "Energy intensity of GDP",
        scale: 1.0,
        unit: None,
        targets: Some(("1", TargetMap::Decline)),
    },
    VarChart {
        var: "cap_pv",
        zh: "光伏装机容量",
        en: "PV capacity",
        scale: 1.0,
        unit: None,
        targets: Some(("4", TargetMap::Level)),
    },
    VarChart {
        var: "cap_hydro",
        zh: "水电装机容量",
        en: "Hydro capacity",
        scale: 1.0,
        unit: None,
        targets: Some(("6", TargetMap::Level)),
    },
    VarChart {
        var: "gdp",
        zh: "地区生产总值",
        en: "GDP",
        scale: 1.0,
        unit: None,
        targets: None,
    },
    VarChart {
        var: "sink_total",
        zh: "碳汇合计(森林、草原、湿地)",
        en: "Carbon sinks (forest, grassland, wetland)",
        scale: 1.0,
        unit: None,
        targets: None,
    },
];

fn chart_err(e: report::ChartError) -> Error {
    Error::Other(format!("chart: {e:?}"))
}

/// The fan chart of one variable, overlaying one fan per run folder.
fn fan(runs: &[&RunData], vc: &VarChart, lang: Lang) -> Result<String, Error> {
    let first = runs[0];
    let unit = vc
        .unit
        .map(str::to_string)
        .unwrap_or_else(|| first.units.get(vc.var).cloned().unwrap_or_default());
    let mut series = Vec::new();
    for d in runs {
        let Some(c) = d.central.get(vc.var) else {
            continue;
        };
        let years: Vec<i32> = c.keys().copied().collect();
        let q = |k: usize| -> Vec<f64> {
            years
                .iter()
                .map(|y| {
                    d.summary
                        .get(vc.var)
                        .and_then(|m| m.get(y))
                        .map_or(c[y], |qq| qq[k])
                        * vc.scale
                })
                .collect()
        };
        series.push(FanSeries {
            label: d.scenario_name(lang),
            years: years.clone(),
            p5: q(0),
            p25: q(2),
            p50: q(3),
            p75: q(4),
            p95: q(6),
            central: Some(years.iter().map(|y| c[y] * vc.scale).collect()),
        });
    }
    let base = first
        .central
        .get(vc.var)
        .and_then(|c| c.iter().next().map(|(y, v)| (*y, v * vc.scale)));
    let mut targets = Vec::new();
    if let Some((id, map)) = vc.targets {
        for row in first.indicators.iter().filter(|r| r.id == id) {
            let Some(t) = row.target else { continue };
            let level = match map {
                TargetMap::Level => t,
                TargetMap::Decline => {
                    let start = if row.year <= 2025 { 2020 } else { row.year - 5 };
                    let Some(x0) = first.central.get(vc.var).and_then(|c| c.get(&start)) else {
                        continue;
                    };
                    x0 * (1.0 - t / 100.0) * vc.scale
                }
            };
            targets.push(Target {
                year: row.year,
                value: level,
                label: String::new(),
            });
        }
    }
    let title = if lang == Lang::Zh { vc.zh } else { vc.en };
    report::fan_chart(
        &FanChart {
            title: title.to_string(),
            y_label: unit,
            series,
            base,
            targets,
        },
        lang,
    )
    .map_err(chart_err)
}

fn peak_chart(d: &RunData, lang: Lang) -> Result<Option<String>, Error> {
    let Some(mc) = d.mc() else { return Ok(None) };
    let by = d.run["model_options"]["peak_by"].as_i64().unwrap_or(2030);
    let p = mc[format!("p_peaked_by_{by}")].as_f64().unwrap_or(f64::NAN);
    let (title, note) = if lang == Lang::Zh {
        (
            "碳排放达峰年份分布",
            format!("P({by}年前达峰) = {:.1} %", p * 100.0),
        )
    } else {
        (
            "Distribution of the peak year",
            format!("P(peaked by {by}) = {:.1} %", p * 100.0),
        )
    };
    let bc = BarChart {
        title: title.into(),
        x_label: if lang == Lang::Zh {
            "达峰年份 (年)".into()
        } else {
            "peak year".into()
        },
        y_label: if lang == Lang::Zh {
            "概率 (%)".into()
        } else {
            "probability (%)".into()
        },
        bars: d.peak.iter().map(|(y, p)| (y.to_string(), *p)).collect(),
        note: Some(note),
        percent: true,
    };
    report::bar_chart_probabilities(&bc, lang)
        .map(Some)
        .map_err(chart_err)
}

fn board(d: &RunData, lang: Lang) -> Result<String, Error> {
    let mut rows: Vec<&IndicatorRow> = d.indicators.iter().collect();
    rows.sort_by_key(|r| !r.binding);
    let board: Vec<BoardRow> = rows
        .iter()
        .map(|r| {
            let name = if lang == Lang::Zh {
                &r.name_zh
            } else {
                &r.name_en
            };
            let central_met = match r.met.as_str() {
                "true" => Some(1.0),
                "false" => Some(0.0),
                _ => None,
            };
            let p = r.p_met.or(central_met);
            let note = match r.met.as_str() {
                "no target" => Some(
                    if lang == Lang::Zh {
                        "无目标(待省市下达)"
                    } else {
                        "no target"
                    }
                    .to_string(),
                ),
                "no value" => Some(
                    if lang == Lang::Zh {
                        "情景未给出"
                    } else {
                        "not modelled"
                    }
                    .to_string(),
                ),
                _ => None,
            };
            BoardRow {
                label: format!("{} {} {}", r.id, name, r.year),
                p_met: if note.is_some() { None } else { p },
                binding: r.binding,
                note,
            }
        })
        .collect();
    let title = if lang == Lang::Zh {
        "指标达标概率 (★ 约束性)"
    } else {
        "Probability of meeting each target (★ binding)"
    };
    report::indicator_board(&board, title, lang).map_err(chart_err)
}

fn co2_sources(d: &RunData, lang: Lang) -> Result<String, Error> {
    let names: [(&str, &str, &str); 4] = [
        ("co2_coal", "煤炭", "coal"),
        ("co2_oil", "石油", "oil"),
        ("co2_gas", "天然气", "gas"),
        ("co2_indirect", "调入电力", "imported electricity"),
    ];
    let years: Vec<i32> = d
        .central
        .get("co2")
        .map(|c| c.keys().copied().collect())
        .unwrap_or_default();
    let layers = names
        .iter()
        .map(|(v, zh, en)| {
            let c = d.central.get(*v);
            let label = if lang == Lang::Zh { zh } else { en };
            (
                label.to_string(),
                years
                    .iter()
                    .map(|y| c.and_then(|c| c.get(y)).copied().unwrap_or(0.0).max(0.0))
                    .collect(),
            )
        })
        .collect();
    let title = if lang == Lang::Zh {
        "能源活动CO₂排放来源(中心情景)"
    } else {
        "Energy CO₂ by source (central run)"
    };
    report::stacked_area(
        &StackedArea {
            title: title.into(),
            y_label: "万t CO₂".into(),
            years,
            layers,
        },
        lang,
    )
    .map_err(chart_err)
}

/// All charts of one or more runs: (file stem, caption, SVG). With several runs the fans
/// overlay one per run (scenario comparison); the other charts are drawn for the first.
pub fn charts(runs: &[&RunData], lang: Lang) -> Result<Vec<(String, String, String)>, Error> {
    let mut out = Vec::new();
    for vc in FANS {
        if runs[0].central.contains_key(vc.var) {
            let cap = if lang == Lang::Zh { vc.zh } else { vc.en };
            out.push((
                format!("fan_{}", vc.var),
                cap.to_string(),
                fan(runs, vc, lang)?,
            ));
        }
    }
    if runs.len() == 1 {
        let d = runs[0];
        if let Some(svg) = peak_chart(d, lang)? {
            out.push((
                "peak_year".into(),
                if lang == Lang::Zh {
                    "达峰年份分布"
                } else {
                    "Peak year"
                }
                .into(),
                svg,
            ));
        }
        out.push((
            "indicator_board".into(),
            if lang == Lang::Zh {
                "指标看板"
            } else {
                "Indicator board"
            }
            .into(),
            board(d, lang)?,
        ));
        out.push((
            "co2_by_source".into(),
            if lang == Lang::Zh {
                "排放来源"
            } else {
                "CO₂ by source"
            }
            .into(),
            co2_sources(d, lang)?,
        ));
    }
    Ok(out)
}

/// Write charts as `dir/NAME.svg` (and `.png` with `png`). Returns the language actually
/// used: PNG in Chinese needs a CJK font; without one, labels fall back to English.
pub fn write_charts(runs: &[&RunData], dir: &Path, lang: Lang, png: bool) -> Result<Lang, Error> {
    let lang = effective_lang(lang, png);
    std::fs::create_dir_all(dir).map_err(io(dir))?;
    for (stem, _, svg) in charts(runs, lang)? {
        write_atomic(&dir.join(format!("{stem}.svg")), svg.as_bytes()).map_err(io(dir))?;
        if png {
            let bytes = report::svg_to_png(&svg, 1.0)
                .map_err(|e| Error::Other(format!("{stem}.png: {e:?}")))?;
            write_atomic(&dir.join(format!("{stem}.png")), &bytes).map_err(io(dir))?;
        }
    }
    Ok(lang)
}

/// Chinese PNGs need a CJK font; fall back to English labels, with a warning, without one.
pub fn effective_lang(lang: Lang, png: bool) -> Lang {
    if png && lang == Lang::Zh && !report::cjk_font_available() {
        eprintln!(
            "warning: no font that renders Chinese was found (install fonts-wqy-microhei); PNG labels fall back to English"
        );
        return Lang::En;
    }
    lang
}

/// The inconsistencies of the plan and how the shipped scenarios resolve them.
pub fn inconsistencies(lang: Lang) -> Vec<String> {
    let zh = [
        "光伏装机2025年目标: 指标表与正文为300 MW, 附件第12行为500 MW。规划情景采用300 MW (2030年500 MW), 强化情景采用附件的500 MW。",
        "水电装机: 指标表为118.74 MW, 正文与附件第19行为“118.74万千瓦”(1187.4 MW)。按2020年基数103.74 MW判断为单位笔误, 采用MW。",
        "约束性指标个数: 表注称12项约束性、16项预期性, 表中实际标注11项约束性、17项预期性。以表中标注为准(11项)。",
        "指标10: 2020年列为“40和30”, 目标为较2018年减少“30和20”。拆分为10a(化肥)与10b(农药); 2020年基数含义不明, 情景中按假设给出。",
        "多项指标缺少2020年基数(“--”、“二级以上”、“70以上”), 多项目标为“完成省市下达目标”: 均作为情景输入; 未给出时报告为“无目标”。",
    ];
    let en = [
        "PV capacity 2025: 300 MW in the indicator table and main text, 500 MW in annex row 12. The plan scenario uses 300 MW (500 MW by 2030); the enhanced scenario takes the annex's 500 MW by 2025.",
        "Hydro capacity: 118.74 MW in the table, \"118.74 万kW\" (1,187.4 MW) in the text and annex row 19. The 2020 base of 103.74 MW shows a unit slip; MW is used.",
        "Binding indicators: the note says 12 binding and 16 expected, the table marks 11 and 17. The table's marks (11 binding) are used.",
        "Indicator 10: the 2020 column reads \"40和30\" while the targets are \"30和20\" reductions vs 2018. Split into 10a (fertiliser) and 10b (pesticide); the 2020 bases are assumptions in the scenarios.",
        "Missing or non-numeric 2020 baselines (\"--\", \"二级以上\", \"70以上\") and targets \"完成省市下达目标\" are scenario inputs; without one an indicator reports \"no target\".",
    ];
    (if lang == Lang::Zh {
        zh.to_vec()
    } else {
        en.to_vec()
    })
    .into_iter()
    .map(String::from)
    .collect()
}

/// Build the self-contained HTML report of a run folder.
pub fn report_html(d: &RunData, lang: Lang) -> Result<String, Error> {
    report_html_with(d, lang, Vec::new())
}

/// The report with extra (caption, SVG) charts after the run's own.
pub fn report_html_with(
    d: &RunData,
    lang: Lang,
    extra: Vec<(String, String)>,
) -> Result<String, Error> {
    let zh = lang == Lang::Zh;
    let mut headline = Vec::new();
    let c = |v: &str, y: i32| d.central.get(v).and_then(|m| m.get(&y)).copied();
    let fmt =
        |x: Option<f64>, digits: usize| x.map_or("—".to_string(), |x| format!("{x:.digits$}"));
    let by = d.run["model_options"]["peak_by"].as_i64().unwrap_or(2030);
    if let Some(mc) = d.mc() {
        let p = mc[format!("p_peaked_by_{by}")].as_f64();
        let pb = mc["p_all_binding_2025_met"].as_f64();
        let runs = mc["runs"].as_u64().unwrap_or(0);
        headline.push((
            if zh {
                format!("{by}年前碳达峰的概率")
            } else {
                format!("Probability that emissions peak by {by}")
            },
            format!("{} %", fmt(p.map(|x| x * 100.0), 1)),
        ));
        headline.push((
            if zh {
                "2025年约束性目标全部达成的概率".into()
            } else {
                "Probability of meeting every binding 2025 target".into()
            },
            format!("{} %", fmt(pb.map(|x| x * 100.0), 1)),
        ));
        headline.push((
            if zh {
                "蒙特卡洛模拟次数".into()
            } else {
                "Monte Carlo runs".into()
            },
            runs.to_string(),
        ));
    }
    let central = &d.run["central"];
    headline.push((
        if zh {
            "中心情景达峰年份".into()
        } else {
            "Peak year, central run".into()
        },
        central["peak_year"].to_string(),
    ));
    headline.push((
        if zh {
            "能源活动CO₂排放 2020 / 2025 / 2030 (万t)".into()
        } else {
            "Energy CO₂ 2020 / 2025 / 2030 (万t)".into()
        },
        format!(
            "{} / {} / {}",
            fmt(c("co2", 2020), 1),
            fmt(c("co2", 2025), 1),
            fmt(c("co2", 2030), 1)
        ),
    ));
    headline.push((
        if zh {
            "非化石能源消费比重 2025 / 2030 (%)".into()
        } else {
            "Non-fossil share 2025 / 2030 (%)".into()
        },
        format!(
            "{} / {}",
            fmt(c("nonfossil_share", 2025).map(|x| x * 100.0), 1),
            fmt(c("nonfossil_share", 2030).map(|x| x * 100.0), 1)
        ),
    ));
    let basis = d.run["model_options"]["grid_emission_factor_basis"]
        .as_str()
        .unwrap_or("");
    headline.push((
        if zh {
            "电网排放因子口径".into()
        } else {
            "Grid emission-factor basis".into()
        },
        basis.to_string(),
    ));
    let all = charts(&[d], lang)?;
    let board_svg = all
        .iter()
        .find(|(s, _, _)| s == "indicator_board")
        .map(|(_, _, svg)| svg.clone());
    let charts: Vec<(String, String)> = all
        .into_iter()
        .filter(|(s, _, _)| s != "indicator_board")
        .map(|(_, cap, svg)| (cap, svg))
        .collect();
    let assumptions = d
        .parameters
        .iter()
        .map(|p| report::html::Assumption {
            parameter: p[0].clone(),
            value: p[2].clone(),
            unit: p[1].clone(),
            source: p[4].clone(),
        })
        .collect();
    let methods = if zh {
        vec![
            "模型: MODEL.md 参考模型(逐年; 能源需求、燃料结构、本地光伏/水电/风电、电力调入、CO₂与碳汇)。".to_string(),
            format!("电力折标: {}; 电网排放因子口径: {basis}。", d.run["model_options"]["electricity_accounting"].as_str().unwrap_or("")),
            "蒙特卡洛: 每次模拟由 (种子, 序号) 生成 ChaCha8 随机流; 分位数来自相对误差≤0.4%的可合并草图。".to_string(),
        ]
    } else {
        vec![
            "Model: the reference model of MODEL.md (yearly; energy demand, fuel mix, local PV/hydro/wind, grid imports, CO₂ and sinks).".to_string(),
            format!("Electricity in energy totals: {}; grid emission-factor basis: {basis}.", d.run["model_options"]["electricity_accounting"].as_str().unwrap_or("")),
            "Monte Carlo: run i draws from a ChaCha8 stream keyed by (seed, i); quantiles from a mergeable sketch with ≤ 0.4 % relative error.".to_string(),
        ]
    };
    let data = report::ReportData {
        title: if zh {
            format!("碳达峰情景分析报告 — {}", d.scenario_name(lang))
        } else {
            format!("Carbon-peak scenario report — {}", d.scenario_name(lang))
        },
        scenario: d.scenario_name(lang),
        run_date: format!(
            "{} (scenario sha256 {})",
            today(),
            d.run["scenario"]["content_sha256"]
                .as_str()
                .map_or("", |h| &h[..12.min(h.len())])
        ),
        headline,
        board_svg,
        charts,
        outside_charts: extra,
        assumptions,
        inconsistencies: inconsistencies(lang),
        methods,
    };
    Ok(report::render_report(&data, lang))
}

/// Write `dir/report.html` from the run folder `dir`.
pub fn write_report(dir: &Path, lang: Lang) -> Result<(), Error> {
    write_report_with(dir, lang, &[])
}

/// Write `dir/report.html`, adding the SVG charts found in the folders `with` (LMDI
/// waterfall, PRIM trajectory, sensitivity charts, comparison overlays), in name order.
pub fn write_report_with(dir: &Path, lang: Lang, with: &[std::path::PathBuf]) -> Result<(), Error> {
    let d = RunData::read(dir)?;
    let mut extra = Vec::new();
    for w in with {
        let charts = if w.join("charts").is_dir() {
            w.join("charts")
        } else {
            w.clone()
        };
        let mut files: Vec<std::path::PathBuf> = std::fs::read_dir(&charts)
            .map_err(|e| {
                Error::Input(format!(
                    "{}: --with: expected a folder of charts, found: {e}",
                    w.display()
                ))
            })?
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.extension().is_some_and(|x| x == "svg"))
            .collect();
        files.sort();
        if files.is_empty() {
            return Err(Error::Input(format!(
                "{}: --with: expected SVG charts, found none",
                w.display()
            )));
        }
        for f in files {
            let svg = std::fs::read_to_string(&f).map_err(io(&f))?;
            if !svg.trim_start().starts_with("<svg") && !svg.trim_start().starts_with("<?xml") {
                return Err(Error::Input(format!(
                    "{}: expected an SVG chart, found other content",
                    f.display()
                )));
            }
            let caption = f
                .file_stem()
                .and_then(|s| s.to_str())
                .unwrap_or("")
                .replace('_', " ");
            extra.push((caption, svg));
        }
    }
    let html = report_html_with(&d, lang, extra)?;
    write_atomic(&dir.join("report.html"), html.as_bytes()).map_err(io(dir))
}

/// Today's date (UTC) as YYYY-MM-DD, from the system clock (civil-from-days, H. Hinnant).
fn today() -> String {
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    let z = (secs / 86_400) as i64 + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    format!("{y:04}-{m:02}-{d:02}")
}
