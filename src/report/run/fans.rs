//! The fan charts of a run folder: one per charted variable, the plan's targets drawn on the
//! charts of the variables its indicators are evaluated on.

use super::{RunData, chart_err};
use crate::error::Error;
use crate::report::{self, FanChart, FanSeries, Lang, Target};

/// A chart of one model variable: name, Chinese and English title, scale for display.
pub(super) struct VarChart {
    pub(super) var: &'static str,
    pub(super) zh: &'static str,
    pub(super) en: &'static str,
    pub(super) scale: f64,
    pub(super) unit: Option<&'static str>,
    /// For a results folder whose `run.json` does not say how its plan's indicators are
    /// evaluated (written before it did: Huzhu's plan), the indicator whose targets are drawn
    /// and how a target maps to the variable's level. Otherwise the plan says (`targets_of`).
    targets: Option<(&'static str, TargetMap)>,
}

#[derive(Clone, Copy)]
enum TargetMap {
    Level,
    /// A % decline against the period's start: level = start · (1 − t/100); only the
    /// target of the given year when one is named (an assessed series belongs to one year).
    Decline(Option<i32>),
    /// A level not to be exceeded from the target's year on (drawn as a line).
    Ceiling,
}

pub(super) const FANS: &[VarChart] = &[
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
        targets: Some(("3", TargetMap::Ceiling)),
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
        zh: "单位GDP能耗(实物量, 全部能源)",
        en: "Energy intensity of GDP (physical, all energy)",
        scale: 1.0,
        unit: None,
        targets: None,
    },
    VarChart {
        var: "energy_intensity_assessed_2025",
        zh: "单位GDP能耗(2025年目标考核口径)",
        en: "Energy intensity as the 2025 target assesses it",
        scale: 1.0,
        unit: None,
        targets: Some(("1", TargetMap::Decline(Some(2025)))),
    },
    VarChart {
        var: "energy_intensity_assessed_2030",
        zh: "单位GDP能耗(2030年目标考核口径)",
        en: "Energy intensity as the 2030 target assesses it",
        scale: 1.0,
        unit: None,
        targets: Some(("1", TargetMap::Decline(Some(2030)))),
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

/// The indicators whose targets a chart of `vc.var` draws, and how each maps to its level:
/// from `run.json`'s list of how the plan evaluates each indicator (`level:VAR` at the chart's
/// scale, as a ceiling when the target is a maximum; `decline:VAR`; `assessed:energy` on the
/// assessed series of its year), else `vc.targets`.
fn targets_of(run: &serde_json::Value, vc: &VarChart) -> Vec<(String, TargetMap)> {
    let Some(list) = run["plan"]["indicators"].as_array() else {
        return vc
            .targets
            .iter()
            .map(|(id, m)| (id.to_string(), *m))
            .collect();
    };
    let assessed_year = vc
        .var
        .strip_prefix("energy_intensity_assessed_")
        .and_then(|y| y.parse::<i32>().ok());
    let mut out = Vec::new();
    for ind in list {
        let (Some(id), Some(eval)) = (ind["id"].as_str(), ind["evaluate"].as_str()) else {
            continue;
        };
        let map = match eval.split_once(':') {
            Some(("level", v)) if v == vc.var && ind["scale"].as_f64() == Some(vc.scale) => {
                if ind["direction"] == "at_most" {
                    TargetMap::Ceiling
                } else {
                    TargetMap::Level
                }
            }
            Some(("decline", v)) if v == vc.var => TargetMap::Decline(None),
            Some(("assessed", "energy")) if assessed_year.is_some() => {
                TargetMap::Decline(assessed_year)
            }
            _ => continue,
        };
        out.push((id.to_string(), map));
    }
    out
}

/// The fan chart of one variable, overlaying one fan per run folder.
pub(super) fn fan(runs: &[&RunData], vc: &VarChart, lang: Lang) -> Result<String, Error> {
    let first = runs[0];
    let unit = vc
        .unit
        .map(str::to_string)
        .unwrap_or_else(|| report::unit(first.units.get(vc.var).map_or("", String::as_str), lang));
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
            colour: Some(report::scenario_rgb(&d.id())),
        });
    }
    let base = first
        .central
        .get(vc.var)
        .and_then(|c| c.iter().next().map(|(y, v)| (*y, v * vc.scale)));
    let mut targets = Vec::new();
    for (id, map) in targets_of(&first.run, vc) {
        for row in first.indicators.iter().filter(|r| r.id == id) {
            let Some(t) = row.target else { continue };
            let mut label = String::new();
            let level = match map {
                TargetMap::Level | TargetMap::Ceiling => t,
                TargetMap::Decline(only) => {
                    if only.is_some_and(|y| y != row.year) {
                        continue;
                    }
                    let start = row.year - crate::model::PLAN_PERIOD;
                    let Some(x0) = first.central.get(vc.var).and_then(|c| c.get(&start)) else {
                        continue;
                    };
                    label = if lang == Lang::Zh {
                        format!("目标: 较{start}年下降{} %", report::charts::target_text(t))
                    } else {
                        format!("target: −{} % vs {start}", report::charts::target_text(t))
                    };
                    x0 * (1.0 - t / 100.0) * vc.scale
                }
            };
            targets.push(Target {
                year: row.year,
                value: level,
                label,
                ceiling: matches!(map, TargetMap::Ceiling),
            });
        }
    }
    let mut title = if lang == Lang::Zh { vc.zh } else { vc.en }.to_string();
    for y in [2025, 2030] {
        if vc.var.ends_with(&format!("assessed_{y}"))
            && let Some(rule) = first.run["model_options"][format!("assessment_{y}")].as_str()
        {
            // The rule's name in the chart's language (the id stays in run.json).
            let rule = match crate::model::Assessment::ALL
                .iter()
                .find(|(n, _)| *n == rule)
            {
                Some((_, a)) if lang == Lang::Zh => a.name_zh().to_string(),
                Some((n, _)) => n.replace('_', " "),
                None => rule.to_string(),
            };
            title = format!("{title} ({rule})");
        }
    }
    report::fan_chart(
        &FanChart {
            title,
            y_label: unit,
            series,
            base,
            targets,
        },
        lang,
    )
    .map_err(chart_err)
}
