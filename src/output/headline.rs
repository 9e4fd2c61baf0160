//! The headline answers of a run (MODEL.md §7–§9), for `run.json`, the terminal and the
//! report: the peak (with "not peaked" in words, never as a year), energy intensity as the
//! targets assess it (the rule named beside the value) and, per target year, the probability
//! that every binding **modelled** target is met, the indicator that blocks it most often and,
//! apart, the joint probability including the assumed indicators. Every probability carries
//! its Wilson 95 % interval.

use std::fmt::Write as _;

use serde_json::{Value, json};

use crate::engine::Accumulator;
use crate::indicators::{INDICATORS, TARGET_YEARS};
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

fn ids(set: &[usize]) -> Vec<&'static str> {
    set.iter().map(|&i| INDICATORS[i].id).collect()
}

/// Headline numbers of the central run, for `run.json`.
pub fn central_headline(sc: &Scenario, tr: &Trajectory) -> Value {
    let at = |v: Var, y: i32| tr.at(v, y);
    let o = &sc.spec.options;
    let peak = tr.peak(o);
    let ei = |k: usize| {
        let y = TARGET_YEARS[k];
        let var = [Var::AssessedIntensity2025, Var::AssessedIntensity2030][k];
        json!({
            "physical_tce_per_wan_yuan": at(Var::EnergyIntensity, y),
            "assessed_tce_per_wan_yuan": at(var, y),
            "assessment": o.assessment[k].name(),
        })
    };
    json!({
        "co2_wan_t": { "2020": at(Var::Co2, 2020), "2025": at(Var::Co2, 2025), "2030": at(Var::Co2, 2030), "end": at(Var::Co2, sc.spec.y1) },
        "peak": {
            "year": peak.year,
            "not_peaked": peak.year.is_none(),
            "label": peak_label(&peak, sc.spec.y1, false),
            "rebound": peak.rebound,
            "judged_on": o.peak_on.name(),
            "plateau_tolerance": o.peak_tolerance,
        },
        "peaked_by": { "year": o.peak_by, "value": peak.peaked_by },
        "energy_intensity": { "2025": ei(0), "2030": ei(1) },
        "nonfossil_share_pct": { "2020": at(Var::NonfossilShare, 2020).map(|x| x * 100.0), "2025": at(Var::NonfossilShare, 2025).map(|x| x * 100.0), "2030": at(Var::NonfossilShare, 2030).map(|x| x * 100.0) },
        "coal_wan_t": { "2020": at(Var::CoalT, 2020), "2025": at(Var::CoalT, 2025), "2030": at(Var::CoalT, 2030) },
    })
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
    for (k, &year) in TARGET_YEARS.iter().enumerate() {
        let m = sc.indicators.binding(k, true);
        let all = sc.indicators.binding(k, false);
        let blocking = acc.most_failing(&m.judged, k).map(|(i, met)| {
            json!({ "indicator": INDICATORS[i].id, "name_en": INDICATORS[i].name_en, "name_zh": INDICATORS[i].name_zh, "p_met": prob(met, n) })
        });
        let modelled = if m.judged.is_empty() {
            json!({ "headline": "no target", "indicators": [], "no_target": ids(&m.no_target), "no_value": ids(&m.no_value) })
        } else {
            json!({
                "indicators": ids(&m.judged),
                "no_target": ids(&m.no_target),
                "no_value": ids(&m.no_value),
                "p_all_met": prob(acc.all_modelled[k], n),
                "fails_most_often": blocking,
            })
        };
        let with_assumed = if all.judged.is_empty() {
            json!({ "headline": "no target", "indicators": [] })
        } else {
            json!({
                "label": "rests on delivery assumptions: assumed indicators restate their delivery ratio",
                "indicators": ids(&all.judged),
                "assumed": ids(&all.judged.iter().copied().filter(|&i| !INDICATORS[i].modelled()).collect::<Vec<_>>()),
                "p_all_met": prob(acc.all_binding[k], n),
            })
        };
        targets.insert(
            year.to_string(),
            json!({
                "assessment": o.assessment[k].name(),
                "assessment_note": format!("indicators 1 and 14 are assessed as `{}`: {}", o.assessment[k].name(), o.assessment[k].describe(false)),
                "all_modelled_binding": modelled,
                "all_binding_incl_assumed": with_assumed,
            }),
        );
    }
    let (lo, hi) = wilson(acc.peaked, n);
    json!({
        format!("p_peaked_by_{by}"): acc.peaked as f64 / n.max(1) as f64,
        format!("p_peaked_by_{by}_interval"): [lo, hi],
        "interval": format!("Wilson score 95 % interval (z = {Z95}) on every probability"),
        "peak": {
            "judged_on": o.peak_on.name(),
            "plateau_tolerance": o.peak_tolerance,
            "horizon": [sc.spec.y0, sc.spec.y1],
            "p_peaked_by": { "year": by, "p": prob(acc.peaked, n) },
            "p_not_peaked": prob(acc.not_peaked, n),
            "p_rebound": prob(acc.rebound, n),
        },
        "targets": Value::Object(targets),
    })
}

fn list(set: &[usize]) -> String {
    ids(set).join(", ")
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
    let series = match (o.peak_on.name(), zh) {
        ("net", true) => "净排放",
        ("net", false) => "net emissions",
        (_, true) => "能源活动CO2",
        (_, false) => "energy CO2",
    };
    if zh {
        let _ = writeln!(
            s,
            "{} ({}) 中心情景: 能源活动CO2 {:.1} → {:.1} → {:.1} 万t (2020, 2025, 2030); 达峰: {} (按{series}判断, 平台容差 {}); 2025年非化石能源比重 {:.1} %; 电网排放因子口径: {}",
            sc.info.id,
            sc.name(true),
            f(Var::Co2, 2020),
            f(Var::Co2, 2025),
            f(Var::Co2, 2030),
            peak_label(&peak, sc.spec.y1, true),
            o.peak_tolerance,
            100.0 * f(Var::NonfossilShare, 2025),
            crate::report::option_value(o.grid_basis.name(), crate::report::Lang::Zh)
        );
    } else {
        let _ = writeln!(
            s,
            "{} ({}), central run: energy CO2 {:.1} → {:.1} → {:.1} 10⁴ t (2020, 2025, 2030); peak: {} (judged on {series}, plateau tolerance {}); non-fossil share 2025 {:.1} %; grid factor basis: {}",
            sc.info.id,
            sc.name(false),
            f(Var::Co2, 2020),
            f(Var::Co2, 2025),
            f(Var::Co2, 2030),
            peak_label(&peak, sc.spec.y1, false),
            o.peak_tolerance,
            100.0 * f(Var::NonfossilShare, 2025),
            o.grid_basis.name()
        );
    }
    for (k, &y) in TARGET_YEARS.iter().enumerate() {
        let var = [Var::AssessedIntensity2025, Var::AssessedIntensity2030][k];
        let rule = o.assessment[k];
        if zh {
            let _ = writeln!(
                s,
                "  {y}年单位GDP能耗: 实物量 {:.4} tce/万元, 考核口径 {:.4} tce/万元 (口径 {}: {})",
                f(Var::EnergyIntensity, y),
                f(var, y),
                rule.name(),
                rule.describe(true)
            );
        } else {
            let _ = writeln!(
                s,
                "  energy intensity {y}: physical {:.4} tce/10⁴ yuan, assessed {:.4} tce/10⁴ yuan (rule {}: {})",
                f(Var::EnergyIntensity, y),
                f(var, y),
                rule.name(),
                rule.describe(false)
            );
        }
    }
    let Some(acc) = acc else { return s };
    let n = acc.runs;
    let pc = |k: u64| percent_with_interval(k, n);
    let by = o.peak_by;
    if zh {
        let _ = writeln!(
            s,
            "蒙特卡洛 {n} 次 (括号内为Wilson 95 %区间): P({by}年前达峰) = {}; P({}年前未达峰) = {}; P({by}年前达峰后反弹) = {}",
            pc(acc.peaked),
            sc.spec.y1,
            pc(acc.not_peaked),
            pc(acc.rebound)
        );
    } else {
        let _ = writeln!(
            s,
            "Monte Carlo, {n} runs (Wilson 95 % intervals in brackets): P(peaked by {by}) = {}; P(not peaked by {}) = {}; P(rebound after peaking by {by}) = {}",
            pc(acc.peaked),
            sc.spec.y1,
            pc(acc.not_peaked),
            pc(acc.rebound)
        );
    }
    for (k, &year) in TARGET_YEARS.iter().enumerate() {
        let m = sc.indicators.binding(k, true);
        let all = sc.indicators.binding(k, false);
        let rule = o.assessment[k].name();
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
                    "  {year}年目标 (指标1、14按 {rule} 口径考核): P(约束性模型指标 {} 全部达成) = {}",
                    list(&m.judged),
                    pc(acc.all_modelled[k])
                )
            } else {
                format!(
                    "  {year} targets (indicators 1 and 14 assessed as {rule}): P(all binding modelled targets met: {}) = {}",
                    list(&m.judged),
                    pc(acc.all_modelled[k])
                )
            };
            let block = match acc.most_failing(&m.judged, k) {
                Some((i, met)) => {
                    let d = &INDICATORS[i];
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
                list(&m.no_target)
            );
        }
        if !m.no_value.is_empty() {
            let _ = write!(
                line,
                "{}{}",
                if zh { "; 无数值: " } else { "; no value: " },
                list(&m.no_value)
            );
        }
        let _ = writeln!(s, "{line}");
        if !all.judged.is_empty() {
            if zh {
                let _ = writeln!(
                    s,
                    "    含假设指标 (取决于交付比例假设, 非模型结论): P(全部约束性目标达成) = {}",
                    pc(acc.all_binding[k])
                );
            } else {
                let _ = writeln!(
                    s,
                    "    including assumed indicators (rests on delivery assumptions, not a model finding): P(all binding targets met) = {}",
                    pc(acc.all_binding[k])
                );
            }
        }
    }
    s
}
