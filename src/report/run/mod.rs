//! Charts and the HTML report of a run, built from the run's own output files.
//!
//! `run` writes its CSV and JSON files first; the charts and the report are then made from
//! those files only ([`RunData::read`]), so `peakpath report DIR` and `run --report` give
//! the same pages, in either language, without re-running anything.

use std::collections::BTreeMap;
use std::path::Path;

use crate::error::{Error, io};
use crate::report::{self, BarChart, BoardRow, Lang, StackedArea};

/// The target years of a run's plan, as `run.json` gives them (2025 and 2030 for a results
/// folder written before plans named them).
pub fn target_years(run: &serde_json::Value) -> Vec<i32> {
    match run["plan"]["target_years"].as_array() {
        Some(a) => a
            .iter()
            .filter_map(|y| y.as_i64())
            .map(|y| y as i32)
            .collect(),
        None => vec![2025, 2030],
    }
}

/// The ids of the indicators a run's plan assesses under a rule of docs/model.md §6a, as
/// `run.json` lists them (Huzhu's 1 and 14 for a results folder written before it did).
pub fn assessed_ids(run: &serde_json::Value) -> Vec<String> {
    match run["plan"]["indicators"].as_array() {
        Some(a) => a
            .iter()
            .filter(|i| {
                i["evaluate"]
                    .as_str()
                    .is_some_and(|e| e.starts_with("assessed:"))
            })
            .filter_map(|i| i["id"].as_str().map(String::from))
            .collect(),
        None => vec!["1".into(), "14".into()],
    }
}

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
    /// `modelled` or `assumed` (MODEL.md §8).
    pub kind: String,
    /// The assessment rule (indicators 1 and 14), else empty.
    pub assessment: String,
    /// The delivery assumption behind an assumed indicator, else empty.
    pub assumption: String,
    pub met: String,
    pub p_met: Option<f64>,
    /// Wilson 95 % interval of `p_met`.
    pub p_met_interval: Option<(f64, f64)>,
    /// Indicators 1 and 14: P(met) under each rule of MODEL.md §6a (rule, p), or the central
    /// run's value under each rule; empty for the others.
    pub rules: Vec<RuleCell>,
}

/// One assessment rule's cell of an indicator row: the rule, P(met) (or the central value),
/// and P(met)'s Wilson 95 % interval.
pub type RuleCell = (String, f64, Option<(f64, f64)>);

impl IndicatorRow {
    pub fn assumed(&self) -> bool {
        self.kind == "assumed"
    }
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
    /// `peak.csv`: (peak year or "not peaked", probability, interval).
    pub peak: Vec<(String, f64, (f64, f64))>,
    pub parameters: Vec<[String; 7]>,
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
        .map(|rec| rec.map(|rec| rec.iter().map(crate::output::csv_unsafe).collect()))
        .collect::<Result<Vec<csv::StringRecord>, _>>()
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
        let path = dir.join("indicators.csv");
        let mut rdr = csv::Reader::from_path(&path)
            .map_err(|e| Error::Input(format!("{}: cannot read: {e}", path.display())))?;
        let header = rdr
            .headers()
            .map_err(|e| Error::Input(format!("{}: {e}", path.display())))?
            .clone();
        let col = |name: &str| header.iter().position(|h| h == name);
        let get = |r: &csv::StringRecord, name: &str| -> String {
            col(name).and_then(|i| r.get(i)).unwrap_or("").to_string()
        };
        for r in read_table(&path, crate::output::INDICATOR_COLUMNS, 1)? {
            let lo = f(&get(&r, "p_met_lo"));
            let hi = f(&get(&r, "p_met_hi"));
            indicators.push(IndicatorRow {
                id: get(&r, "id"),
                name_zh: get(&r, "name_zh"),
                name_en: get(&r, "name_en"),
                unit: get(&r, "unit"),
                year: get(&r, "year").parse().unwrap_or(0),
                value: f(&get(&r, "value")),
                target: f(&get(&r, "target")),
                binding: get(&r, "binding") == "binding",
                kind: get(&r, "kind"),
                assessment: get(&r, "assessment"),
                assumption: get(&r, "assumption"),
                met: get(&r, "met"),
                p_met: f(&get(&r, "p_met")),
                p_met_interval: lo.zip(hi),
                rules: crate::model::Assessment::ALL
                    .iter()
                    .filter_map(|(name, _)| {
                        let ci = f(&get(&r, &format!("p_met_{name}_lo")))
                            .zip(f(&get(&r, &format!("p_met_{name}_hi"))));
                        let p = f(&get(&r, &format!("p_met_{name}")))
                            .or_else(|| f(&get(&r, &format!("value_{name}"))))?;
                        Some((name.to_string(), p, ci))
                    })
                    .collect(),
            });
        }
        let peak = if dir.join("peak.csv").exists() {
            read_table(&dir.join("peak.csv"), &["peak_year", "probability"], 1)?
                .iter()
                .filter_map(|r| {
                    let p = f(r.get(1)?)?;
                    let lo = r.get(2).and_then(f).unwrap_or(p);
                    let hi = r.get(3).and_then(f).unwrap_or(p);
                    Some((r.get(0)?.to_string(), p, (lo, hi)))
                })
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
            .map(|r| [0, 1, 2, 3, 4, 5, 6].map(|k| r.get(k).unwrap_or("").to_string()))
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

    /// The scenario's id (from `run.json`).
    pub fn id(&self) -> String {
        self.run["scenario"]["id"]
            .as_str()
            .unwrap_or("")
            .to_string()
    }
}

fn chart_err(e: report::ChartError) -> Error {
    Error::Other(format!("chart: {e:?}"))
}

/// A probability with its Wilson interval as text, from `p` and `(lo, hi)` in 0..=1.
pub fn pct_interval(p: f64, (lo, hi): (f64, f64)) -> String {
    crate::stats::percent_text(p, lo, hi)
}

/// A probability of `run.json` (`{ "p", "lo", "hi" }`) as text with its interval.
pub fn json_pct(v: &serde_json::Value) -> Option<String> {
    Some(pct_interval(
        v["p"].as_f64()?,
        (v["lo"].as_f64()?, v["hi"].as_f64()?),
    ))
}

/// "Not peaked within the horizon" in words (MODEL.md §7), for a chart or a report.
pub fn not_peaked_words(y1: i64, lang: Lang) -> String {
    if lang == Lang::Zh {
        format!("{y1}年前未达峰")
    } else {
        format!("not peaked by {y1}")
    }
}

/// "Declining from the base year" in words (MODEL.md §7), for a chart or a report.
pub fn declining_words(y0: &str, lang: Lang) -> String {
    if lang == Lang::Zh {
        format!("自{y0}年起下降")
    } else {
        format!("declining from {y0}")
    }
}

fn peak_chart(d: &RunData, lang: Lang) -> Result<Option<String>, Error> {
    let Some(mc) = d.mc() else { return Ok(None) };
    let by = d.run["model_options"]["peak_by"].as_i64().unwrap_or(2030);
    let y1 = d.run["years"][1].as_i64().unwrap_or(2035);
    let pk = &mc["peak"];
    let p_by = json_pct(&pk["p_peaked_by"]["p"]).unwrap_or_default();
    let p_not = json_pct(&pk["p_not_peaked"]).unwrap_or_default();
    let y0 = d.run["years"][0].as_i64().unwrap_or(2020);
    let p_dec = json_pct(&pk["p_declining_from_base_year"]["p"]).unwrap_or_default();
    let trend = pk["after_last_milestone"].as_str() == Some("trend");
    let (title, note) = if lang == Lang::Zh {
        (
            format!(
                "碳排放达峰年份分布 (末个节点后措施{})",
                if trend {
                    "按最后速度延续"
                } else {
                    "保持不变"
                }
            ),
            format!("P({by}年前达峰) {p_by}, 其中自{y0}年起下降 {p_dec}; 未达峰 {p_not}"),
        )
    } else {
        (
            format!(
                "Distribution of the peak year (measures {} after their last milestone)",
                if trend { "continued" } else { "held" }
            ),
            format!(
                "P(peaked by {by}) {p_by}, of which declining from {y0} {p_dec}; not peaked {p_not}"
            ),
        )
    };
    let bc = BarChart {
        title,
        x_label: if lang == Lang::Zh {
            "达峰年份 (年); 最左一栏: 自基准年起下降; 最右一栏: 未达峰".into()
        } else {
            "peak year; first bar: declining from the base year; last bar: not peaked".into()
        },
        y_label: if lang == Lang::Zh {
            "概率 (%)".into()
        } else {
            "probability (%)".into()
        },
        bars: d
            .peak
            .iter()
            .map(|(y, p, _)| {
                let label = if y.parse::<i32>().is_ok() {
                    y.clone()
                } else if let Some(y0) = y.strip_prefix("declining from ") {
                    declining_words(y0, lang)
                } else {
                    not_peaked_words(y1, lang)
                };
                (label, *p)
            })
            .collect(),
        note: Some(note),
        percent: true,
    };
    report::bar_chart_probabilities(&bc, lang)
        .map(Some)
        .map_err(chart_err)
}

/// The indicator board of one kind: `assumed = false` the modelled indicators (the model's
/// findings), `true` the assumed ones, each with the delivery assumption it restates.
pub(crate) fn board(d: &RunData, lang: Lang, assumed: bool) -> Result<String, Error> {
    let mut rows: Vec<&IndicatorRow> = d
        .indicators
        .iter()
        .filter(|r| r.assumed() == assumed)
        .collect();
    rows.sort_by_key(|r| !r.binding);
    let zh = lang == Lang::Zh;
    let board: Vec<BoardRow> = rows
        .iter()
        .flat_map(|r| {
            let name = if zh { &r.name_zh } else { &r.name_en };
            let central_met = match r.met.as_str() {
                "true" => Some(1.0),
                "false" => Some(0.0),
                _ => None,
            };
            let p = r.p_met.or(central_met);
            let missing = match r.met.as_str() {
                "no target" => Some(
                    if zh {
                        "无目标(待省市下达)"
                    } else {
                        "no target"
                    }
                    .to_string(),
                ),
                "no value" => Some(if zh { "情景未给出" } else { "no value" }.to_string()),
                _ => None,
            };
            let mut note = Vec::new();
            if let Some((lo, hi)) = r.p_met_interval.filter(|_| missing.is_none()) {
                note.push(format!("({:.1}–{:.1} %)", lo * 100.0, hi * 100.0));
            }
            // A central run: the value against the target, in the target's precision.
            if r.p_met.is_none()
                && missing.is_none()
                && let (Some(v), Some(t)) = (r.value, r.target)
            {
                let u = report::unit(&r.unit, lang);
                let t = report::charts::target_text(t);
                note.push(if zh {
                    format!("中心值 {v:.2}, 目标 {t} {u}")
                } else {
                    format!("central {v:.2}, target {t} {u}")
                });
            }
            if !r.assessment.is_empty() {
                let rule_name = |n: &str| {
                    crate::model::Assessment::ALL
                        .iter()
                        .find(|(k, _)| *k == n)
                        .map_or(n.to_string(), |(k, a)| {
                            if zh {
                                a.name_zh().to_string()
                            } else {
                                k.to_string()
                            }
                        })
                };
                note.push(if zh {
                    format!("口径 {}", rule_name(&r.assessment))
                } else {
                    format!("assessed: {}", r.assessment)
                });
                // The central run: the other two rules' values beside it (a Monte Carlo board
                // gives them rows of their own, below).
                if r.p_met.is_none() {
                    let others: Vec<String> = r
                        .rules
                        .iter()
                        .filter(|(n, _, _)| *n != r.assessment)
                        .map(|(n, v, _)| format!("{} {v:.2}", rule_name(n)))
                        .collect();
                    if !others.is_empty() {
                        note.push(if zh {
                            format!("其他口径: {}", others.join(", "))
                        } else {
                            format!("other rules: {}", others.join(", "))
                        });
                    }
                }
            }

            // An assumed indicator shows the delivery assumption it restates beside its
            // probability (the label keeps the indicator's name readable).
            match r.assumption.split_once(" = ") {
                Some((_, dist)) if assumed => note.push(if zh {
                    format!("交付比例 {dist}")
                } else {
                    format!("delivery {dist}")
                }),
                _ if assumed && !r.assumption.is_empty() => note.push(
                    if zh {
                        "按规划路径(无交付比例)"
                    } else {
                        "the planned path as written"
                    }
                    .to_string(),
                ),
                _ => {}
            }
            let note = match missing {
                Some(m) => Some(m),
                None if note.is_empty() => None,
                None => Some(note.join(" · ")),
            };
            let main = BoardRow {
                label: format!("{} {} {}", r.id, name, r.year),
                p_met: if r.met == "no target" || r.met == "no value" {
                    None
                } else {
                    p
                },
                binding: r.binding,
                note,
                central: r.p_met.is_none(),
            };
            // Indicators 1 and 14 under the other two rules of MODEL.md §6a, a row each.
            let mut rows = vec![main];
            if r.p_met.is_some() {
                for (n, pr, ci) in r.rules.iter().filter(|(n, _, _)| *n != r.assessment) {
                    let shown = crate::model::Assessment::ALL
                        .iter()
                        .find(|(k, _)| k == n)
                        .map_or(n.to_string(), |(k, a)| {
                            if zh {
                                a.name_zh().to_string()
                            } else {
                                k.to_string()
                            }
                        });
                    rows.push(BoardRow {
                        label: if zh {
                            format!("    ↳ {} {}年, {shown}", r.id, r.year)
                        } else {
                            format!("    ↳ {} {} under {shown}", r.id, r.year)
                        },
                        p_met: Some(*pr),
                        binding: false,
                        note: Some(match (ci, zh) {
                            (Some((lo, hi)), true) => {
                                format!("({:.1}–{:.1} %) · 其他考核口径", lo * 100.0, hi * 100.0)
                            }
                            (Some((lo, hi)), false) => format!(
                                "({:.1}–{:.1} %) · another assessment rule",
                                lo * 100.0,
                                hi * 100.0
                            ),
                            (None, true) => "其他考核口径".into(),
                            (None, false) => "another assessment rule".into(),
                        }),
                        central: false,
                    });
                }
            }
            rows
        })
        .collect();
    let central = d.mc().is_none();
    let title = match (zh, assumed) {
        (true, false) if central => "中心情景: 模型计算指标是否达标 (★ 约束性)",
        (false, false) if central => "Central run: is each modelled target met? (★ binding)",
        (true, true) if central => {
            "中心情景: 假设指标是否达标 (按交付比例中位数, 不是模型结论; ★ 约束性)"
        }
        (false, true) if central => {
            "Central run: assumed indicators met? (at the median delivery, not a finding; ★ binding)"
        }
        (true, false) => "模型计算指标的达标概率 (★ 约束性)",
        (false, false) => "Modelled indicators: probability of meeting each target (★ binding)",
        (true, true) => "假设指标: 达标概率只是交付比例假设的复述, 不是模型结论 (★ 约束性)",
        (false, true) => {
            "Assumed indicators: the probability restates the delivery assumption, not a finding (★ binding)"
        }
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
            y_label: report::unit("万t CO2", lang),
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
                "指标看板: 模型计算指标"
            } else {
                "Indicator board: modelled indicators"
            }
            .into(),
            board(d, lang, false)?,
        ));
        out.push((
            "indicator_board_assumed".into(),
            if lang == Lang::Zh {
                "指标看板: 假设指标(交付路径)"
            } else {
                "Indicator board: assumed indicators (delivered paths)"
            }
            .into(),
            board(d, lang, true)?,
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

/// Write charts as `dir/NAME.svg` (and `.png` at twice the size with `png`), the SVGs in
/// `lang`. Chinese PNGs need a CJK font: without one, the PNGs alone are labelled in English
/// (with a warning). Returns the language of the SVGs.
pub fn write_charts(runs: &[&RunData], dir: &Path, lang: Lang, png: bool) -> Result<Lang, Error> {
    let (passes, warning) = report::chart_passes(lang, png);
    if let Some(w) = warning {
        eprintln!("{w}");
    }
    std::fs::create_dir_all(dir).map_err(io(dir))?;
    for pass in passes {
        for (stem, _, svg) in charts(runs, pass.lang)? {
            crate::output::write_chart(dir, &stem, &svg, pass)?;
        }
    }
    Ok(lang)
}

mod fans;
use fans::{FANS, fan};
mod page;

pub(crate) use page::today;
pub use page::{inconsistencies, report_html, report_html_with, write_report, write_report_with};
