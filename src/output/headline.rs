//! The headline answers of a run (MODEL.md §7–§9), for `run.json`, the terminal and the
//! report: the peak (with "not peaked" in words, never as a year), energy intensity as the
//! targets assess it (the rule named beside the value) and, per target year, the probability
//! that every binding **modelled** target is met, the indicator that blocks it most often and,
//! apart, the joint probability including the assumed indicators. Every probability carries
//! its Wilson 95 % interval.

use std::fmt::Write as _;

use serde_json::{Value, json};

use crate::engine::Accumulator;
use crate::model::{Peak, Trajectory, Var};
use crate::scenario::Scenario;
use crate::stats::{Z95, percent_with_interval, wilson};

/// A probability with its interval as JSON: `{ "p": …, "lo": …, "hi": …, "k": …, "n": … }`.
fn prob(k: u64, n: u64) -> Value {
    let (lo, hi) = wilson(k, n);
    json!({ "p": k as f64 / n.max(1) as f64, "lo": lo, "hi": hi, "k": k, "n": n })
}

/// The peak in words: the year, or "not peaked by 2035" (MODEL.md §7).
pub fn peak_label(p: &Peak, y1: i32, zh: bool) -> String {
    match (p.year, zh) {
        (Some(y), true) => format!("{y}年"),
        (Some(y), false) => y.to_string(),
        (None, true) => format!("{y1}年前未达峰"),
        (None, false) => format!("not peaked by {y1}"),
    }
}

fn ids<'a>(sc: &'a Scenario, set: &[usize]) -> Vec<&'a str> {
    set.iter()
        .map(|&i| sc.indicators.def(i).id.as_str())
        .collect()
}

/// Headline numbers of the central run, for `run.json`.
pub fn central_headline(sc: &Scenario, tr: &Trajectory) -> Value {
    let at = |v: Var, y: i32| tr.at(v, y);
    let o = &sc.spec.options;
    let peak = tr.peak(o);
    let ei = |y: i32| {
        json!({
            "physical_tce_per_wan_yuan": at(Var::EnergyIntensity, y),
            "assessed_tce_per_wan_yuan": crate::model::assessed_intensity(tr, o.rule(y), y),
            "assessment": o.rule(y).name(),
        })
    };
    // The base year and each target year of the plan.
    let years = report_years(sc);
    let by_year = |f: &dyn Fn(i32) -> Value, with_base: bool| {
        let mut m = serde_json::Map::new();
        for &y in years.iter().skip(usize::from(!with_base)) {
            m.insert(y.to_string(), f(y));
        }
        m
    };
    let mut co2 = by_year(&|y| json!(at(Var::Co2, y)), true);
    co2.insert("end".into(), json!(at(Var::Co2, sc.spec.y1)));
    json!({
        "co2_wan_t": co2,
        "peak": {
            "year": peak.year,
            "not_peaked": peak.year.is_none(),
            "label": peak_label(&peak, sc.spec.y1, false),
            "rebound": peak.rebound,
            "judged_on": o.peak_on.name(),
            "plateau_tolerance": o.peak_tolerance,
        },
        "peaked_by": { "year": o.peak_by, "value": peak.peaked_by },
        "energy_intensity": by_year(&|y| ei(y), false),
        "nonfossil_share_pct": by_year(&|y| json!(at(Var::NonfossilShare, y).map(|x| x * 100.0)), true),
        "coal_wan_t": by_year(&|y| json!(at(Var::CoalT, y)), true),
    })
}

/// The years the headlines report: the base year, then each target year of the plan after it.
pub fn report_years(sc: &Scenario) -> Vec<i32> {
    let y0 = sc.spec.y0;
    let mut years = vec![y0];
    years.extend(sc.indicators.years().iter().copied().filter(|&y| y > y0));
    years
}

/// The first target year of the plan after the base year (the end of the period the
/// declining-from-the-base-year warning looks at), else the base year's next.
pub fn first_target_year(sc: &Scenario) -> i32 {
    report_years(sc).get(1).copied().unwrap_or(sc.spec.y0 + 1)
}

/// The probabilities of a Monte Carlo run for `run.json`'s `monte_carlo` block: the peak
/// (P(peaked by …), P(not peaked), P(rebound)) and, per target year, the modelled binding
/// headline with the indicator that fails most often, and the joint probability including
/// assumed indicators, labelled as resting on delivery assumptions.
pub fn mc_headline_json(sc: &Scenario, acc: &Accumulator) -> Value {
    let n = acc.runs;
    let o = &sc.spec.options;
    let by = o.peak_by;
    let mut targets = serde_json::Map::new();
    let assessed = assessed_ids(sc);
    for (k, &year) in sc.indicators.years().iter().enumerate() {
        let m = sc.indicators.binding(k, true);
        let all = sc.indicators.binding(k, false);
        let blocking = acc.most_failing(&m.judged, k).map(|(i, met)| {
            {
                let d = sc.indicators.def(i);
                json!({ "indicator": d.id, "name_en": d.name_en, "name_zh": d.name_zh, "p_met": prob(met, n) })
            }
        });
        let modelled = if m.judged.is_empty() {
            json!({ "headline": "no target", "indicators": [], "no_target": ids(sc, &m.no_target), "no_value": ids(sc, &m.no_value) })
        } else {
            json!({
                "indicators": ids(sc, &m.judged),
                "no_target": ids(sc, &m.no_target),
                "no_value": ids(sc, &m.no_value),
                "p_all_met": prob(acc.all_modelled[k], n),
                "fails_most_often": blocking,
            })
        };
        let with_assumed = if all.judged.is_empty() {
            json!({ "headline": "no target", "indicators": [] })
        } else {
            json!({
                "label": "rests on delivery assumptions: assumed indicators restate their delivery ratio",
                "indicators": ids(sc, &all.judged),
                "assumed": ids(sc, &all.judged.iter().copied().filter(|&i| !sc.indicators.def(i).modelled()).collect::<Vec<_>>()),
                "p_all_met": prob(acc.all_binding[k], n),
            })
        };
        targets.insert(
            year.to_string(),
            json!({
                "assessment": o.rule(year).name(),
                "assessment_note": assessed_words(&assessed, false).map(|w| {
                    let verb = if assessed.len() == 1 { "is" } else { "are" };
                    format!("{w} {verb} assessed as `{}`: {}", o.rule(year).name(), o.rule(year).describe(false))
                }),
                "all_modelled_binding": modelled,
                "all_binding_incl_assumed": with_assumed,
            }),
        );
    }
    let (lo, hi) = wilson(acc.peaked, n);
    let y0 = sc.spec.y0;
    let parts = PeakParts::of(sc, acc);
    let warning = declining_warning(sc, acc, false);
    json!({
        format!("p_peaked_by_{by}"): acc.peaked as f64 / n.max(1) as f64,
        format!("p_peaked_by_{by}_interval"): [lo, hi],
        "interval": format!("Wilson score 95 % interval (z = {Z95}) on every probability"),
        "peak": {
            "judged_on": o.peak_on.name(),
            "plateau_tolerance": o.peak_tolerance,
            "horizon": [y0, sc.spec.y1],
            "after_last_milestone": o.after_last.name(),
            "after_last_milestone_note": o.after_last.describe(false),
            "p_peaked_by": { "year": by, "p": prob(acc.peaked, n) },
            "p_peak_in_window": { "from": y0 + 1, "to": by, "p": prob(parts.window, n) },
            "p_declining_from_base_year": { "base_year": y0, "p": prob(parts.declining, n) },
            "declining_warning": warning,
            "declining_warning_zh": declining_warning(sc, acc, true),
            "p_not_peaked": prob(acc.not_peaked, n),
            "p_rebound": prob(acc.rebound, n),
        },
        "assessment_rules": rules_json(sc, acc),
        "cap": cap_json(sc, acc),
        "targets": Value::Object(targets),
    })
}

/// P(peaked by `peak_by`) split as MODEL.md §7 reports it: runs whose peak year is in
/// `y0 + 1 … peak_by`, and runs declining from the base year `y0`.
pub struct PeakParts {
    pub window: u64,
    pub declining: u64,
}

impl PeakParts {
    pub fn of(sc: &Scenario, acc: &Accumulator) -> PeakParts {
        let by = usize::try_from(sc.spec.options.peak_by - sc.spec.y0).unwrap_or(0);
        PeakParts {
            window: acc.peak_hist.iter().take(by + 1).skip(1).sum(),
            declining: acc.peak_hist.first().copied().unwrap_or(0),
        }
    }
}

/// The warning of MODEL.md §7 when more than half the kept runs decline from the base year:
/// the answer rests on the trajectory from the base year to 2025, and the observations that
/// would test it. `None` otherwise.
pub fn declining_warning(sc: &Scenario, acc: &Accumulator, zh: bool) -> Option<String> {
    let parts = PeakParts::of(sc, acc);
    if acc.runs == 0 || 2 * parts.declining <= acc.runs {
        return None;
    }
    let y0 = sc.spec.y0;
    let y_end = first_target_year(sc);
    let observed = |v: &str, y: i32| {
        sc.observed
            .iter()
            .any(|o| o.variable.info().name == v && o.year == y)
    };
    let mut wanted = Vec::new();
    for v in ["coal_t", "elec_consumption", "tec", "gdp"] {
        let years: Vec<String> = ((y0 + 1)..=y_end)
            .filter(|&y| !observed(v, y))
            .map(|y| y.to_string())
            .collect();
        if !years.is_empty() {
            wanted.push(format!("{v} {}", years.join(", ")));
        }
    }
    let p = crate::stats::percent_with_interval(parts.declining, acc.runs);
    Some(if zh {
        format!(
            "警告: {p} 的模拟自{y0}年起即下降 (超过一半): 结论取决于{y0}–{y_end}年的轨迹; 可检验它的观测值 ([observed.*], docs/model.md §11): {}",
            wanted.join("; ")
        )
    } else {
        format!(
            "warning: {p} of the runs decline from the base year {y0} (more than half): the answer rests on the {y0}–{y_end} trajectory; the observations that would test it ([observed.*], docs/model.md §11): {}",
            wanted.join("; ")
        )
    })
}

/// Indicators 1 and 14 under every rule of MODEL.md §6a, per target year with a target.
pub fn rules_json(sc: &Scenario, acc: &Accumulator) -> Value {
    let n = acc.runs;
    let mut out = Vec::new();
    for (i, d) in sc.indicators.defs().iter().enumerate() {
        if crate::indicators::assessed_index(d).is_none() {
            continue;
        }
        for (k, &year) in sc.indicators.years().iter().enumerate() {
            let Some(target) = sc.indicators.target(i, k) else {
                continue;
            };
            let mut rules = serde_json::Map::new();
            for (r, (name, _)) in crate::model::Assessment::ALL.iter().enumerate() {
                rules.insert((*name).into(), prob(acc.rules_met[i][k][r], n));
            }
            out.push(json!({
                "indicator": d.id,
                "name_zh": d.name_zh,
                "name_en": d.name_en,
                "year": year,
                "target_pct": target,
                "scenario_rule": sc.spec.options.rule(year).name(),
                "p_met": Value::Object(rules),
            }));
        }
    }
    Value::Array(out)
}

/// P(cap binds) per capped year (MODEL.md §4a), or null without a cap.
pub fn cap_json(sc: &Scenario, acc: &Accumulator) -> Value {
    let Some(cap) = &sc.spec.cap else {
        return Value::Null;
    };
    let n = acc.runs;
    let years: Vec<Value> = sc
        .spec
        .years()
        .enumerate()
        .filter(|(_, y)| *y >= cap.from())
        .map(|(t, y)| json!({ "year": y, "p_binds": prob(acc.cap_binds.get(t).copied().unwrap_or(0), n) }))
        .collect();
    json!({ "fuel": "coal", "capped_from": cap.from(), "years": years })
}

/// The indicators the plan assesses under a rule of MODEL.md §6a, in words: "indicators 1
/// and 14" / "指标1、14" for Huzhu's plan; `None` when the plan has none.
pub fn assessed_words(ids: &[&str], zh: bool) -> Option<String> {
    match (ids, zh) {
        ([], _) => None,
        ([one], true) => Some(format!("指标{one}")),
        ([one], false) => Some(format!("indicator {one}")),
        (many, true) => Some(format!("指标{}", many.join("、"))),
        ([init @ .., last], false) => Some(format!("indicators {} and {last}", init.join(", "))),
    }
}

/// The ids of the scenario's plan's indicators assessed under a rule (MODEL.md §6a).
pub fn assessed_ids(sc: &Scenario) -> Vec<&str> {
    sc.indicators
        .defs()
        .iter()
        .filter(|d| d.assessed())
        .map(|d| d.id.as_str())
        .collect()
}

fn list(sc: &Scenario, set: &[usize]) -> String {
    ids(sc, set).join(", ")
}

/// The headline as text for standard output: the central run (peak in words, energy
/// intensity physical and assessed with the rule named) and, with a Monte Carlo
/// accumulator, every headline probability with its Wilson 95 % interval.
pub fn headline_text(
    sc: &Scenario,
    tr: &Trajectory,
    acc: Option<&Accumulator>,
    zh: bool,
) -> String {
    let mut s = String::new();
    let o = &sc.spec.options;
    let f = |v: Var, y: i32| tr.at(v, y).unwrap_or(f64::NAN);
    let peak = tr.peak(o);
    let series = match (o.peak_on, zh) {
        (crate::model::PeakOn::Net, true) => "净排放",
        (crate::model::PeakOn::Net, false) => "net emissions",
        (crate::model::PeakOn::EnergyAndProcess, true) => "能源活动及工业过程CO2",
        (crate::model::PeakOn::EnergyAndProcess, false) => "energy and process CO2",
        (_, true) => "能源活动CO2",
        (_, false) => "energy CO2",
    };
    let years = report_years(sc);
    let co2: Vec<String> = years
        .iter()
        .map(|&y| format!("{:.1}", f(Var::Co2, y)))
        .collect();
    let co2 = co2.join(" → ");
    let year_list: Vec<String> = years.iter().map(|y| y.to_string()).collect();
    let year_list = year_list.join(", ");
    let y_nf = first_target_year(sc);
    if zh {
        let _ = writeln!(
            s,
            "{} ({}) 中心情景: 能源活动CO2 {co2} 万t ({year_list}); 达峰: {} (按{series}判断, 平台容差 {}); {y_nf}年非化石能源比重 {:.1} %; 电网排放因子口径: {}",
            sc.info.id,
            sc.name(true),
            peak_label(&peak, sc.spec.y1, true),
            o.peak_tolerance,
            100.0 * f(Var::NonfossilShare, y_nf),
            crate::report::option_value(o.grid_basis.name(), crate::report::Lang::Zh)
        );
    } else {
        let _ = writeln!(
            s,
            "{} ({}), central run: energy CO2 {co2} 10⁴ t ({year_list}); peak: {} (judged on {series}, plateau tolerance {}); non-fossil share {y_nf} {:.1} %; grid factor basis: {}",
            sc.info.id,
            sc.name(false),
            peak_label(&peak, sc.spec.y1, false),
            o.peak_tolerance,
            100.0 * f(Var::NonfossilShare, y_nf),
            o.grid_basis.name()
        );
    }
    for &y in sc.indicators.years() {
        let rule = o.rule(y);
        let assessed = crate::model::assessed_intensity(tr, rule, y).unwrap_or(f64::NAN);
        if zh {
            let _ = writeln!(
                s,
                "  {y}年单位GDP能耗: 实物量 {:.4} tce/万元, 考核口径 {:.4} tce/万元 (口径 {}: {})",
                f(Var::EnergyIntensity, y),
                assessed,
                rule.name_zh(),
                rule.describe(true)
            );
        } else {
            let _ = writeln!(
                s,
                "  energy intensity {y}: physical {:.4} tce/10⁴ yuan, assessed {:.4} tce/10⁴ yuan (rule {}: {})",
                f(Var::EnergyIntensity, y),
                assessed,
                rule.name(),
                rule.describe(false)
            );
        }
    }
    let checks = checks_json(sc, tr, acc);
    for c in checks.as_array().into_iter().flatten() {
        let _ = writeln!(s, "{}", check_line(c, zh));
    }
    let Some(acc) = acc else { return s };
    let n = acc.runs;
    let pc = |k: u64| percent_with_interval(k, n);
    let by = o.peak_by;
    let y0 = sc.spec.y0;
    let parts = PeakParts::of(sc, acc);
    if zh {
        let _ = writeln!(
            s,
            "蒙特卡洛 {n} 次 (括号内为Wilson 95 %区间): P({by}年前达峰) = {} = P({}–{by}年间达峰) {} + P(自{y0}年起下降) {}; P({}年前未达峰) = {}; P({by}年前达峰后反弹) = {} ({})",
            pc(acc.peaked),
            y0 + 1,
            pc(parts.window),
            pc(parts.declining),
            sc.spec.y1,
            pc(acc.not_peaked),
            pc(acc.rebound),
            o.after_last.describe(true)
        );
    } else {
        let _ = writeln!(
            s,
            "Monte Carlo, {n} runs (Wilson 95 % intervals in brackets): P(peaked by {by}) = {} = P(peak in {}–{by}) {} + P(declining from {y0}) {}; P(not peaked by {}) = {}; P(rebound after peaking by {by}) = {} ({})",
            pc(acc.peaked),
            y0 + 1,
            pc(parts.window),
            pc(parts.declining),
            sc.spec.y1,
            pc(acc.not_peaked),
            pc(acc.rebound),
            o.after_last.describe(false)
        );
    }
    if let Some(w) = declining_warning(sc, acc, zh) {
        let _ = writeln!(s, "  {w}");
    }
    if let Some(cap) = &sc.spec.cap {
        let years: Vec<String> = sc
            .indicators
            .years()
            .iter()
            .filter(|&&y| y >= cap.from())
            .filter_map(|&y| {
                let t = usize::try_from(y - y0).ok()?;
                Some(format!("{y} {}", pc(*acc.cap_binds.get(t)?)))
            })
            .collect();
        if zh {
            let _ = writeln!(
                s,
                "  煤炭消费上限生效概率 P(封顶生效): {}",
                years.join("; ")
            );
        } else {
            let _ = writeln!(s, "  coal cap: P(cap binds) {}", years.join("; "));
        }
    }
    let assessed = assessed_ids(sc);
    for (k, &year) in sc.indicators.years().iter().enumerate() {
        let m = sc.indicators.binding(k, true);
        let rule = if zh {
            o.rule(year).name_zh()
        } else {
            o.rule(year).name()
        };
        // "(indicators 1 and 14 assessed as fossil_only)", naming the plan's own indicators.
        let ruled = assessed_words(&assessed, zh).map_or(String::new(), |w| {
            if zh {
                format!(" ({w}按 {rule} 口径考核)")
            } else {
                format!(" ({w} assessed as {rule})")
            }
        });
        let mut line = if m.judged.is_empty() {
            if zh {
                format!("  {year}年目标 (能耗口径 {rule}): 约束性模型指标: 无目标")
            } else {
                format!(
                    "  {year} targets (energy assessed as {rule}): binding modelled indicators: no target"
                )
            }
        } else {
            let head = if zh {
                format!(
                    "  {year}年目标{ruled}: P(约束性模型指标 {} 全部达成) = {}",
                    list(sc, &m.judged),
                    pc(acc.all_modelled[k])
                )
            } else {
                format!(
                    "  {year} targets{ruled}: P(all binding modelled targets met: {}) = {}",
                    list(sc, &m.judged),
                    pc(acc.all_modelled[k])
                )
            };
            let block = match acc.most_failing(&m.judged, k) {
                Some((i, met)) => {
                    let d = sc.indicators.def(i);
                    if zh {
                        format!("; 最常未达成: {} {} (达成 {})", d.id, d.name_zh, pc(met))
                    } else {
                        format!(
                            "; fails most often: {} {} (met in {})",
                            d.id,
                            d.name_en,
                            pc(met)
                        )
                    }
                }
                None => {
                    if zh {
                        "; 每次模拟全部达成".into()
                    } else {
                        "; every run meets them all".into()
                    }
                }
            };
            head + &block
        };
        if !m.no_target.is_empty() {
            let _ = write!(
                line,
                "{}{}",
                if zh { "; 无目标: " } else { "; no target: " },
                list(sc, &m.no_target)
            );
        }
        if !m.no_value.is_empty() {
            let _ = write!(
                line,
                "{}{}",
                if zh { "; 无数值: " } else { "; no value: " },
                list(sc, &m.no_value)
            );
        }
        let _ = writeln!(s, "{line}");
        for (i, d) in sc.indicators.defs().iter().enumerate() {
            if crate::indicators::assessed_index(d).is_none() {
                continue;
            }
            let Some(target) = sc.indicators.target(i, k) else {
                continue;
            };
            let rules: Vec<String> = crate::model::Assessment::ALL
                .iter()
                .enumerate()
                .map(|(r, (name, a))| {
                    let own = if *a == o.rule(year) {
                        if zh {
                            " (本情景口径)"
                        } else {
                            " (the scenario's rule)"
                        }
                    } else {
                        ""
                    };
                    let name = if zh { a.name_zh() } else { name };
                    format!("{name}{own} {}", pc(acc.rules_met[i][k][r]))
                })
                .collect();
            let name = if zh { &d.name_zh } else { &d.name_en };
            if zh {
                let _ = writeln!(
                    s,
                    "    指标{} {name} (目标 ≥ {target} %) 在三种考核口径下的达成概率: {}",
                    d.id,
                    rules.join("; ")
                );
            } else {
                let _ = writeln!(
                    s,
                    "    indicator {} {name} (target ≥ {target} %) met under each rule: {}",
                    d.id,
                    rules.join("; ")
                );
            }
        }
    }
    s
}

/// Every check of the scenario (MODEL.md §10): the expected value, the central run's, and
/// with a Monte Carlo run the 5–95 % band of the kept runs, flagged when the expected value
/// lies outside it.
pub fn checks_json(sc: &Scenario, tr: &Trajectory, acc: Option<&Accumulator>) -> Value {
    let items: Vec<Value> = sc
        .checks
        .iter()
        .map(|c| {
            let info = c.variable.info();
            let central = tr.at(c.variable, c.year);
            let band = acc.and_then(|a| {
                let t = usize::try_from(c.year - sc.spec.y0).ok()?;
                let st = a.series.get(c.variable as usize * a.n_years + t)?;
                (st.count() > 0).then(|| (st.quantile(0.05), st.quantile(0.95)))
            });
            json!({
                "variable": info.name,
                "unit": info.unit,
                "year": c.year,
                "expected": c.expected,
                "source": c.source,
                "central": central,
                "p5": band.map(|b| b.0),
                "p95": band.map(|b| b.1),
                "outside_band": band.map(|(lo, hi)| c.expected < lo || c.expected > hi),
                "central_relative_difference": central.map(|x| (x - c.expected) / c.expected.abs()),
            })
        })
        .collect();
    Value::Array(items)
}

/// One check as a line of the terminal headline.
pub fn check_line(c: &Value, zh: bool) -> String {
    let id = c["variable"].as_str().unwrap_or("");
    // The variable's name in the language (its id stays in run.json).
    let var = match crate::model::Var::by_name(id) {
        Some(v) if zh => v.info().zh.to_string(),
        _ => id.to_string(),
    };
    let unit = c["unit"].as_str().unwrap_or("");
    let year = c["year"].as_i64().unwrap_or(0);
    let f = |v: &Value| v.as_f64().map_or("—".to_string(), |x| format!("{x:.1}"));
    let rel = c["central_relative_difference"]
        .as_f64()
        .map_or(String::new(), |r| format!(" ({:+.1} %)", 100.0 * r));
    let band = if c["p5"].is_null() {
        String::new()
    } else if zh {
        format!("; 5–95 %区间 {}–{}", f(&c["p5"]), f(&c["p95"]))
    } else {
        format!("; 5–95 % band {}–{}", f(&c["p5"]), f(&c["p95"]))
    };
    let flag = match (c["outside_band"].as_bool(), zh) {
        (Some(true), false) => " — OUTSIDE the band: the scenario does not reach it",
        (Some(true), true) => " — 超出区间: 本情景达不到该预期",
        _ => "",
    };
    // The check's source is the scenario's own text (in whatever language it was written):
    // it stays in run.json.
    if zh {
        format!(
            "  核对 {var} {year}: 规划预期 {} {unit}, 中心情景 {}{rel}{band}{flag}",
            f(&c["expected"]),
            f(&c["central"])
        )
    } else {
        format!(
            "  check {var} {year}: expected {} {unit}, central run {}{rel}{band}{flag}",
            f(&c["expected"]),
            f(&c["central"])
        )
    }
}
