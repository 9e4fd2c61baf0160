//! The HTML report of a run folder: headline block, boards, charts, assumptions.

use std::path::Path;

use super::{RunData, charts, json_pct, not_peaked_words};
use crate::error::{Error, io};
use crate::output::write_atomic;
use crate::report::{self, Lang};

/// The notes of the run's plan (its inconsistencies and how the scenarios resolve them), as
/// `run.json` carries them, in `lang`.
pub fn inconsistencies(run: &serde_json::Value, lang: Lang) -> Vec<String> {
    let key = if lang == Lang::Zh { "zh" } else { "en" };
    run["plan"]["notes"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|n| n[key].as_str().map(String::from))
        .collect()
}

/// The points a planner needs to read the headline, in words; `assessed` names the plan's
/// indicators assessed under a rule ("indicators 1 and 14" for Huzhu's).
pub fn explanations(lang: Lang, assessed: Option<&str>) -> Vec<String> {
    let which = assessed.map_or(String::new(), |w| format!("({w})"));
    let which_en = assessed.map_or(String::new(), |w| format!(" ({w})"));
    if lang == Lang::Zh {
        vec![
            "终端用能效率: 同一份服务(取暖、运输), 电力所需的终端能源远少于燃煤或燃油(热泵约为煤炉的4倍, 电动车约为燃油车的4倍)。模型按有用能(服务)推演需求, 因此以电代煤会降低能耗, 而不是像按终端能源不变推演那样提高能耗。".into(),
            format!("目标按考核口径评估: 能耗强度{which}的考核口径先后变化过三次(全口径; 扣除新增可再生能源; 仅计化石能源, 发改环资〔2024〕113号)。标题采用本情景口径, 另两种口径的达标概率并列给出; 同时给出实物量与考核口径两个数值。"),
            "“未达峰”与“自基准年起下降”单列: 到情景末年排放仍在最高点(平台)上的模拟, 记为“未达峰”, 不记作末年; 排放从未高于基准年的模拟, 记为“自基准年起下降”(模型无法判断更早的峰值年份)。达峰后到末年又高于达峰期限年份的, 记为“反弹”。".into(),
            "模型计算指标与假设指标分开: 能耗强度、碳强度、煤炭、非化石能源比重由模型从多项输入算出, 是模型的结论; 森林覆盖率、培训比例等只是一条交付路径, 其达标概率只是复述交付比例的假设。所有概率都附蒙特卡洛误差(Wilson 95 %区间)。".into(),
        ]
    } else {
        vec![
            "End-use efficiency: the same service (heat, transport) needs far less final energy from electricity than from coal or oil (a heat pump about four times less than a coal stove, an electric car about four times less than an engine). The model carries the service forward and derives final energy from the fuel mix, so switching to electricity lowers energy use instead of raising it.".into(),
            format!("Targets assessed as they are assessed: the energy counted by the energy-intensity targets{which_en} has changed three times (all energy; new renewables excluded; fossil energy only, the rule of the 2024 evaluation of the provinces). The headline uses the scenario's rule and gives the other two beside it; both the physical and the assessed value are shown."),
            "\"Not peaked\" and \"declining from the base year\" are answers of their own: a run whose emissions are still at their maximum (on the plateau) in the last year has not peaked within the horizon, and is never reported as that year; a run whose emissions never rise above the base year is declining from it (the model cannot say when such a peak was). A run that peaked by the deadline but ends above the deadline year's level is a rebound.".into(),
            "Modelled and assumed indicators apart: energy and CO₂ intensity, coal and the non-fossil share are computed by the model from many inputs and are findings; forest cover, training ratios and the like are one delivered path each, so their probability only restates the delivery assumption. Every probability carries its Monte Carlo error (Wilson 95 % interval).".into(),
        ]
    }
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
    let y1 = d.run["years"][1].as_i64().unwrap_or(2035);
    // The rule of year y by its name in the report's language (the id stays in run.json).
    let rule = |y: i32| {
        let id = d.run["model_options"][format!("assessment_{y}")]
            .as_str()
            .unwrap_or("total");
        match crate::model::Assessment::ALL.iter().find(|(n, _)| *n == id) {
            Some((_, a)) if zh => a.name_zh().to_string(),
            _ => id.replace('_', " "),
        }
    };
    let t_years = super::target_years(&d.run);
    let assessed_ids = super::assessed_ids(&d.run);
    let assessed: Vec<&str> = assessed_ids.iter().map(String::as_str).collect();
    let y0 = d.run["years"][0].as_i64().unwrap_or(2020) as i32;
    if let Some(mc) = d.mc() {
        let pk = &mc["peak"];
        let runs = mc["runs"].as_u64().unwrap_or(0);
        let p = |v: &serde_json::Value| json_pct(v).unwrap_or_else(|| "—".into());
        headline.push((
            if zh {
                format!("{by}年前碳达峰的概率")
            } else {
                format!("Probability that emissions peak by {by}")
            },
            p(&pk["p_peaked_by"]["p"]),
        ));
        headline.push((
            if zh {
                format!("其中: {}–{by}年间达峰 / 自{y0}年起下降", y0 + 1)
            } else {
                format!("of which: peak in {}–{by} / declining from {y0}", y0 + 1)
            },
            format!(
                "{} / {}",
                p(&pk["p_peak_in_window"]["p"]),
                p(&pk["p_declining_from_base_year"]["p"])
            ),
        ));
        if let Some(w) = pk[if zh {
            "declining_warning_zh"
        } else {
            "declining_warning"
        }]
        .as_str()
        {
            headline.push((
                if zh {
                    "警告".into()
                } else {
                    "Warning".into()
                },
                w.to_string(),
            ));
        }
        if let Some(n) = pk["after_last_milestone"].as_str() {
            headline.push((
                if zh {
                    "2030年后 (末个节点后) 的措施".into()
                } else {
                    "Measures after their last milestone".into()
                },
                match (n, zh) {
                    ("trend", true) => "按最后一段的速度延续".into(),
                    ("trend", false) => "continued at their last pace (trend)".into(),
                    (_, true) => "保持不变".into(),
                    (_, false) => "held at their last milestone (hold)".into(),
                },
            ));
        }
        headline.push((
            if zh {
                format!("{y1}年前仍未达峰的概率")
            } else {
                format!("Probability of not having peaked by {y1}")
            },
            p(&pk["p_not_peaked"]),
        ));
        headline.push((
            if zh {
                format!("{by}年前达峰后又反弹的概率({y1}年高于{by}年)")
            } else {
                format!("Probability of a rebound after peaking by {by} ({y1} above {by})")
            },
            p(&pk["p_rebound"]),
        ));
        for &y in &t_years {
            let t = &mc["targets"][y.to_string()];
            let m = &t["all_modelled_binding"];
            let r = rule(y);
            let ruled = crate::output::assessed_words(&assessed, zh).map_or(String::new(), |w| {
                if zh {
                    format!(" ({w}按 {r} 口径考核)")
                } else {
                    format!(" ({w} assessed as {r})")
                }
            });
            let key = if zh {
                format!("{y}年约束性模型计算指标全部达标的概率{ruled}")
            } else {
                format!("Probability of meeting every binding modelled {y} target{ruled}")
            };
            let ids = |v: &serde_json::Value| {
                v.as_array()
                    .map(|a| {
                        a.iter()
                            .filter_map(|x| x.as_str())
                            .collect::<Vec<_>>()
                            .join(", ")
                    })
                    .unwrap_or_default()
            };
            if m["p_all_met"].is_null() {
                headline.push((
                    key,
                    if zh {
                        "无目标".into()
                    } else {
                        "no target".into()
                    },
                ));
            } else {
                let mut v = format!("{} [{}]", p(&m["p_all_met"]), ids(&m["indicators"]));
                let f = &m["fails_most_often"];
                if let Some(id) = f["indicator"].as_str() {
                    let name = f[if zh { "name_zh" } else { "name_en" }]
                        .as_str()
                        .unwrap_or("");
                    v = if zh {
                        format!("{v}; 最常未达标: {id} {name}, 达标 {}", p(&f["p_met"]))
                    } else {
                        format!(
                            "{v}; fails most often: {id} {name}, met in {}",
                            p(&f["p_met"])
                        )
                    };
                }
                let nt = ids(&m["no_target"]);
                if !nt.is_empty() {
                    v = format!("{v}; {} {nt}", if zh { "无目标:" } else { "no target:" });
                }
                headline.push((key, v));
            }
            // Indicators 1 and 14 under every rule of MODEL.md §6a (the scenario's first).
            for r in mc["assessment_rules"].as_array().into_iter().flatten() {
                if r["year"].as_i64() != Some(i64::from(y)) {
                    continue;
                }
                let own = r["scenario_rule"].as_str().unwrap_or("");
                let mut names: Vec<&str> = vec![own];
                names.extend(
                    ["total", "new_renewables_excluded", "fossil_only"]
                        .into_iter()
                        .filter(|n| *n != own),
                );
                let cells: Vec<String> = names
                    .iter()
                    .map(|n| {
                        let shown = match crate::model::Assessment::ALL.iter().find(|(k, _)| k == n)
                        {
                            Some((_, a)) if zh => a.name_zh(),
                            _ => n,
                        };
                        format!("{shown} {}", p(&r["p_met"][*n]))
                    })
                    .collect();
                let id = r["indicator"].as_str().unwrap_or("");
                let name = r[if zh { "name_zh" } else { "name_en" }]
                    .as_str()
                    .unwrap_or("");
                headline.push((
                    if zh {
                        format!("{y}年指标{id} {name}: 三种考核口径下的达成概率 (第一项为本情景口径)")
                    } else {
                        format!("{y}, indicator {id} {name}: met under each assessment rule (the scenario's first)")
                    },
                    cells.join("; "),
                ));
            }
        }
        if let Some(years) = mc["cap"]["years"].as_array() {
            let cells: Vec<String> = years
                .iter()
                .filter(|c| {
                    c["year"]
                        .as_i64()
                        .is_some_and(|y| t_years.contains(&(y as i32)))
                })
                .map(|c| format!("{} {}", c["year"], p(&c["p_binds"])))
                .collect();
            headline.push((
                if zh {
                    "煤炭消费上限生效的概率".into()
                } else {
                    "Probability that the coal cap binds".into()
                },
                cells.join("; "),
            ));
        }
        for c in d.run["checks"].as_array().into_iter().flatten() {
            headline.push((
                if zh {
                    "核对 (规划预期值, 不是目标)".into()
                } else {
                    "Check (a figure the plan expects, not a target)".into()
                },
                crate::output::check_line(c, zh).trim().to_string(),
            ));
        }
        headline.push((
            if zh {
                "蒙特卡洛模拟次数 (概率括号内为Wilson 95 %区间)".into()
            } else {
                "Monte Carlo runs (Wilson 95 % intervals in brackets)".into()
            },
            runs.to_string(),
        ));
        // Observed history (MODEL.md §11): runs drawn, kept and the acceptance rate.
        let h = &mc["observed_history"];
        if h["observations"].as_array().is_some_and(|o| !o.is_empty()) {
            headline.push((
                if zh {
                    "观测历史: 抽样 / 保留 / 接受率".into()
                } else {
                    "Observed history: runs drawn / kept / acceptance".into()
                },
                format!(
                    "{} / {} / {:.1} %",
                    h["runs_drawn"].as_u64().unwrap_or(0),
                    h["runs_kept"].as_u64().unwrap_or(0),
                    h["acceptance_rate"].as_f64().unwrap_or(f64::NAN) * 100.0
                ),
            ));
        }
        if let Some(c) = d.run["correlations"].as_array().filter(|c| !c.is_empty()) {
            headline.push((
                if zh {
                    "相关输入(高斯连接函数)".into()
                } else {
                    "Correlated inputs (Gaussian copula)".into()
                },
                if zh {
                    format!("{} 对", c.len())
                } else {
                    format!("{} pairs", c.len())
                },
            ));
        }
    }
    let central = &d.run["central"];
    let cpeak = &central["peak"];
    headline.push((
        if zh {
            "中心情景达峰年份".into()
        } else {
            "Peak year, central run".into()
        },
        match cpeak["year"].as_i64() {
            Some(y) => y.to_string(),
            None => not_peaked_words(y1, lang),
        },
    ));
    for &y in &t_years {
        let ph = c("energy_intensity", y);
        let asd = d.run["central"]["energy_intensity"][y.to_string()]["assessed_tce_per_wan_yuan"]
            .as_f64()
            .or_else(|| c(&format!("energy_intensity_assessed_{y}"), y));
        headline.push((
            if zh {
                format!(
                    "{y}年单位GDP能耗 实物量 / 考核口径 ({}) (tce/万元)",
                    rule(y)
                )
            } else {
                format!(
                    "Energy intensity {y}, physical / assessed as {} (tce/10⁴ yuan)",
                    rule(y)
                )
            },
            format!("{} / {}", fmt(ph, 4), fmt(asd, 4)),
        ));
    }
    // The base year and each target year after it.
    let shown: Vec<i32> = std::iter::once(y0)
        .chain(t_years.iter().copied().filter(|&y| y > y0))
        .collect();
    let slash = |ys: &[i32]| {
        ys.iter()
            .map(|y| y.to_string())
            .collect::<Vec<_>>()
            .join(" / ")
    };
    let values = |ys: &[i32], f: &dyn Fn(i32) -> String| {
        ys.iter().map(|&y| f(y)).collect::<Vec<_>>().join(" / ")
    };
    headline.push((
        if zh {
            format!("能源活动CO₂排放 {} (万t)", slash(&shown))
        } else {
            format!("Energy CO₂ {} (10⁴ t)", slash(&shown))
        },
        values(&shown, &|y| fmt(c("co2", y), 1)),
    ));
    let targets = &shown[1..];
    headline.push((
        if zh {
            format!("非化石能源消费比重 {} (%)", slash(targets))
        } else {
            format!("Non-fossil share {} (%)", slash(targets))
        },
        values(targets, &|y| {
            fmt(c("nonfossil_share", y).map(|x| x * 100.0), 1)
        }),
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
        report::option_value(basis, lang),
    ));
    let all = charts(&[d], lang)?;
    let board_svg = all
        .iter()
        .find(|(s, _, _)| s == "indicator_board")
        .map(|(_, _, svg)| svg.clone());
    let assumed_board_svg = all
        .iter()
        .find(|(s, _, _)| s == "indicator_board_assumed")
        .map(|(_, _, svg)| svg.clone());
    let charts: Vec<(String, String)> = all
        .into_iter()
        .filter(|(s, _, _)| s != "indicator_board" && s != "indicator_board_assumed")
        .map(|(_, cap, svg)| (cap, svg))
        .collect();
    let assumptions = d
        .parameters
        .iter()
        .map(|p| report::html::Assumption {
            // The display name (parameters.csv's name_zh/name_en; a folder written before
            // they existed gets the generated name), the field path beside it.
            parameter: match (lang, p[5].is_empty()) {
                (_, true) => crate::names::display_name(&p[0], lang, &crate::names::NoNames),
                (Lang::Zh, false) => p[5].clone(),
                (Lang::En, false) => p[6].clone(),
            },
            field: p[0].clone(),
            value: p[2].clone(),
            unit: report::unit(&p[1], lang),
            source: crate::report::compare::source_text(&p[4], lang),
        })
        .collect();
    let methods = if zh {
        vec![
            "模型: 参考模型, 见 docs/model.md (逐年; 能源需求、燃料结构、本地光伏/水电/风电、电力调入、CO₂与碳汇)。".to_string(),
            format!(
                "电力折标: {}; 电网排放因子口径: {}。",
                report::option_value(d.run["model_options"]["electricity_accounting"].as_str().unwrap_or(""), lang),
                report::option_value(basis, lang)
            ),
            "来源: 情景文件中的标签: 已核实、推导、假设; 参考资料指 docs/sources.md, 规划指本县实施方案。各参数注释原文见 parameters.csv。".to_string(),
            "蒙特卡洛: 每次模拟由 (种子, 序号) 生成 ChaCha8 随机流; 分位数来自相对误差≤0.4%的可合并草图。".to_string(),
        ]
    } else {
        vec![
            "Model: the reference model as docs/model.md states it (yearly; energy demand, fuel mix, local PV/hydro/wind, grid imports, CO₂ and sinks).".to_string(),
            format!(
                "Electricity in energy totals: {}; grid emission-factor basis: {basis}.",
                report::option_value(d.run["model_options"]["electricity_accounting"].as_str().unwrap_or(""), lang)
            ),
            "Sources: the tags of the scenario files: [V] verified, [D] derived, [A] assumption; [REF §n] is section n of docs/sources.md, PLAN the county's plan. parameters.csv has each comment in full.".to_string(),
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
            "{} ({} {})",
            today(),
            if zh {
                "情景内容哈希"
            } else {
                "scenario content hash"
            },
            d.run["scenario"]["content_sha256"]
                .as_str()
                .map_or("", |h| &h[..12.min(h.len())])
        ),
        headline,
        explanations: explanations(
            lang,
            crate::output::assessed_words(&assessed, zh).as_deref(),
        ),
        board_svg,
        assumed_board_svg,
        assumed: d
            .indicators
            .iter()
            .filter(|r| r.assumed() && !r.assumption.is_empty())
            .map(|r| {
                (
                    format!(
                        "{} {} {}",
                        r.id,
                        if zh { &r.name_zh } else { &r.name_en },
                        r.year
                    ),
                    crate::report::compare::assumption_text(&r.assumption, lang),
                    match (r.p_met, r.p_met_interval) {
                        (Some(p), Some(iv)) => super::pct_interval(p, iv),
                        _ => crate::report::compare::met_text(&r.met, lang),
                    },
                )
            })
            .collect(),
        charts,
        outside_charts: extra,
        assumptions,
        inconsistencies: inconsistencies(&d.run, lang),
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
    if crate::report::compare::is_comparison(dir) {
        return crate::report::compare::write_report(dir, lang, with);
    }
    let d = RunData::read(dir)?;
    let extra = crate::report::compare::with_charts(with, lang)?;
    let html = report_html_with(&d, lang, extra)?;
    write_atomic(&dir.join("report.html"), html.as_bytes()).map_err(io(dir))
}

/// Today's date (UTC) as YYYY-MM-DD, from the system clock (civil-from-days, H. Hinnant).
pub(crate) fn today() -> String {
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
