//! What `POST /api/run` answers: headline probabilities with their Wilson 95 % intervals
//! (MODEL.md §9, [`crate::stats::wilson`]), summary quantiles of the charted variables, and
//! every indicator's P(met).

use serde_json::{Value, json};

use crate::engine::{Accumulator, QUANTILES};
use crate::model::{Trajectory, Var};
use crate::report::{self, Lang};
use crate::scenario::Scenario;
use crate::stats::wilson;

/// A probability as `{k, n, p, lo, hi}`.
pub fn prob(k: u64, n: u64) -> Value {
    let (lo, hi) = wilson(k, n);
    json!({ "k": k, "n": n, "p": k as f64 / n.max(1) as f64, "lo": lo, "hi": hi })
}

/// The variables the page can chart (the fan charts of `peakpath run`, plus net emissions),
/// with a display scale (fractions as %).
pub const CHARTED: &[(Var, f64, &str)] = &[
    (Var::Co2, 1.0, "万t CO2"),
    (Var::NetEmissions, 1.0, "万t CO2"),
    (Var::CoalT, 1.0, "万t"),
    (Var::NonfossilShare, 100.0, "%"),
    (Var::EnergyIntensity, 1.0, "tce/万元"),
    (Var::CapPv, 1.0, "MW"),
    (Var::Gdp, 1.0, "亿元 (2020 prices)"),
    (Var::SinkTotal, 1.0, "万t CO2"),
];

/// Charted variables' names, units and titles (for `GET /api/scenario`).
pub fn charted_meta() -> Value {
    CHARTED
        .iter()
        .map(|&(v, _, unit)| {
            let i = v.info();
            json!({
                "name": i.name, "unit": unit, "zh": i.zh, "en": i.en,
                "unit_zh": report::unit(unit, Lang::Zh), "unit_en": report::unit(unit, Lang::En),
            })
        })
        .collect()
}

/// Whether indicator `i` can be judged in target year `k` by this scenario.
fn evaluable(sc: &Scenario, acc: &Accumulator, i: usize, k: usize) -> bool {
    sc.indicators.target(i, k).is_some()
        && acc.indicator_values[i * sc.indicators.years().len() + k].count() > 0
}

/// The answer to one run: `sc` with the overrides applied, its central run and Monte Carlo.
pub fn run_json(sc: &Scenario, tr: &Trajectory, acc: &Accumulator, seed: u64) -> Value {
    let n = acc.runs;
    let spec = &sc.spec;
    let years: Vec<i32> = (spec.y0..=spec.y1).collect();

    let summary: serde_json::Map<String, Value> = CHARTED
        .iter()
        .map(|&(v, scale, unit)| {
            let unit = crate::model::unit_in(unit, spec.y0);
            let unit = unit.as_ref();
            let s = |t: usize| &acc.series[v as usize * acc.n_years + t];
            let q = |p: f64| -> Vec<f64> {
                (0..acc.n_years)
                    .map(|t| s(t).quantile(p) * scale)
                    .collect()
            };
            let mut o = json!({
                "unit": unit,
                "unit_zh": report::unit(unit, Lang::Zh),
                "unit_en": report::unit(unit, Lang::En),
                "mean": (0..acc.n_years).map(|t| s(t).mean() * scale).collect::<Vec<_>>(),
                "central": years.iter().map(|&y| tr.at(v, y).map(|x| x * scale)).collect::<Vec<_>>(),
            });
            for (&p, name) in QUANTILES
                .iter()
                .zip(["p5", "p10", "p25", "p50", "p75", "p90", "p95"])
            {
                o[name] = json!(q(p));
            }
            (v.info().name.to_string(), o)
        })
        .collect();

    let mut indicators = Vec::new();
    for (i, d) in sc.indicators.defs().iter().enumerate() {
        let nk = sc.indicators.years().len();
        for (k, &year) in sc.indicators.years().iter().enumerate() {
            let target = sc.indicators.target(i, k);
            let s = &acc.indicator_values[i * nk + k];
            let status = if target.is_none() {
                "no target"
            } else if s.count() == 0 {
                "no value"
            } else {
                "evaluated"
            };
            let mut row = json!({
                "id": d.id, "name_zh": d.name_zh, "name_en": d.name_en, "unit": d.unit,
                "unit_zh": report::unit(&d.unit, Lang::Zh), "unit_en": report::unit(&d.unit, Lang::En),
                "year": year, "binding": d.binding, "kind": d.kind(), "direction": d.direction.name(),
                "target": target, "status": status,
            });
            if status == "evaluated" {
                row["p_met"] = prob(acc.met[i][k], n);
                row["median"] = json!(s.quantile(0.5));
            }
            indicators.push(row);
        }
    }

    // Per target year: all modelled binding targets met (the headline), all binding targets
    // met including the assumed indicators (resting on delivery assumptions), and each binding
    // target with a target and a value.
    let headlines: Vec<Value> = sc
        .indicators
        .years()
        .iter()
        .enumerate()
        .map(|(k, &year)| {
            let modelled = sc.indicators.binding(k, true);
            let all = sc.indicators.binding(k, false);
            let binding: Vec<Value> = all
                .judged
                .iter()
                .filter(|&&i| evaluable(sc, acc, i, k))
                .map(|&i| {
                    let d = sc.indicators.def(i);
                    json!({ "id": d.id, "name_zh": d.name_zh, "name_en": d.name_en, "kind": d.kind(), "p_met": prob(acc.met[i][k], n) })
                })
                .collect();
            json!({
                "year": year,
                "all_modelled_met": (!modelled.judged.is_empty()).then(|| prob(acc.all_modelled[k], n)),
                "all_binding_met_incl_assumed": (!all.judged.is_empty()).then(|| prob(acc.all_binding[k], n)),
                "binding": binding,
            })
        })
        .collect();

    let parts = crate::output::PeakParts::of(sc, acc);
    let share = |c: u64| c as f64 / n.max(1) as f64;
    let mut peak_bars: Vec<Value> = acc
        .peak_hist
        .iter()
        .enumerate()
        .map(|(t, &c)| {
            let kind = if t == 0 { "declining" } else { "year" };
            json!({ "year": spec.y0 + t as i32, "kind": kind, "p": share(c) })
        })
        .collect();
    peak_bars
        .push(json!({ "year": Value::Null, "kind": "not_peaked", "p": share(acc.not_peaked) }));
    json!({
        "scenario": { "id": sc.info.id, "name_zh": sc.info.name_zh, "name_en": sc.info.name_en, "content_sha256": sc.hash },
        "runs": n,
        "seed": seed,
        "years": years,
        "peaked": {
            "by": spec.options.peak_by,
            "probability": prob(acc.peaked, n),
            // P(peaked by …) in its two parts (MODEL.md §7).
            "in_window": { "from": spec.y0 + 1, "to": spec.options.peak_by, "p": prob(parts.window, n) },
            "declining_from_base_year": { "base_year": spec.y0, "p": prob(parts.declining, n) },
            "declining_warning": { "en": crate::output::declining_warning(sc, acc, false), "zh": crate::output::declining_warning(sc, acc, true) },
            "not_peaked": prob(acc.not_peaked, n),
            "rebound": prob(acc.rebound, n),
            "after_last_milestone": spec.options.after_last.name(),
        },
        // Every peak category has its bar: declining from the base year, each later year, not
        // peaked within the horizon.
        "peak_year": peak_bars,
        "assessment_rules": crate::output::rules_json(sc, acc),
        "cap": crate::output::cap_json(sc, acc),
        "checks": checks_both_languages(crate::output::checks_json(sc, tr, Some(acc))),
        "headlines": headlines,
        "summary": summary,
        "indicators": indicators,
    })
}

/// The checks of `run.json`, each with its variable's name and unit in both languages.
fn checks_both_languages(mut checks: Value) -> Value {
    for c in checks.as_array_mut().into_iter().flatten() {
        let Some(v) = c["variable"].as_str().and_then(crate::model::Var::by_name) else {
            continue;
        };
        let i = v.info();
        c["name_zh"] = json!(i.zh);
        c["name_en"] = json!(i.en);
        c["unit_zh"] = json!(report::unit(i.unit, Lang::Zh));
        c["unit_en"] = json!(report::unit(i.unit, Lang::En));
    }
    checks
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn probabilities_carry_the_wilson_interval_of_model_md() {
        let p = prob(6260, 10_000);
        assert_eq!(
            (p["k"].as_u64(), p["n"].as_u64()),
            (Some(6260), Some(10_000))
        );
        assert!((p["lo"].as_f64().unwrap() - 0.616_470).abs() < 1e-5);
        assert!((p["hi"].as_f64().unwrap() - 0.635_433).abs() < 1e-5);
        assert_eq!(prob(0, 500)["lo"].as_f64(), Some(0.0));
        assert_eq!(prob(500, 500)["hi"].as_f64(), Some(1.0));
    }
}
