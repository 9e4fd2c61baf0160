//! What `POST /api/run` answers: headline probabilities with their Wilson 95 % intervals,
//! summary quantiles of the charted variables, and every indicator's P(met).

use serde_json::{Value, json};

use crate::engine::{Accumulator, QUANTILES};
use crate::indicators::{INDICATORS, TARGET_YEARS};
use crate::model::{Trajectory, Var};
use crate::scenario::Scenario;

/// z of a two-sided 95 % interval (MODEL.md §9).
pub const Z95: f64 = 1.959964;

/// The Wilson 95 % interval of `k` successes in `n` runs (MODEL.md §9):
/// `(p̂ + z²/2n ± z·√(p̂(1−p̂)/n + z²/4n²)) / (1 + z²/n)`, exactly 0 below at `k = 0` and
/// exactly 1 above at `k = n`. With no runs at all it is the whole of `[0, 1]`.
pub fn wilson(k: u64, n: u64) -> (f64, f64) {
    if n == 0 {
        return (0.0, 1.0);
    }
    let (k, nf) = (k.min(n), n as f64);
    let p = k as f64 / nf;
    let z2 = Z95 * Z95;
    let centre = p + z2 / (2.0 * nf);
    let half = Z95 * (p * (1.0 - p) / nf + z2 / (4.0 * nf * nf)).sqrt();
    let d = 1.0 + z2 / nf;
    let lo = if k == 0 {
        0.0
    } else {
        ((centre - half) / d).max(0.0)
    };
    let hi = if k == n {
        1.0
    } else {
        ((centre + half) / d).min(1.0)
    };
    (lo, hi)
}

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
            json!({ "name": i.name, "unit": unit, "zh": i.zh, "en": i.en })
        })
        .collect()
}

/// Whether indicator `i` can be judged in target year `k` by this scenario.
fn evaluable(sc: &Scenario, acc: &Accumulator, i: usize, k: usize) -> bool {
    sc.indicators.target(i, k).is_some() && acc.indicator_values[i * 2 + k].count() > 0
}

/// The answer to one run: `sc` with the overrides applied, its central run and Monte Carlo.
pub fn run_json(sc: &Scenario, tr: &Trajectory, acc: &Accumulator, seed: u64) -> Value {
    let n = acc.runs;
    let spec = &sc.spec;
    let years: Vec<i32> = (spec.y0..=spec.y1).collect();

    let summary: serde_json::Map<String, Value> = CHARTED
        .iter()
        .map(|&(v, scale, unit)| {
            let s = |t: usize| &acc.series[v as usize * acc.n_years + t];
            let q = |p: f64| -> Vec<f64> {
                (0..acc.n_years)
                    .map(|t| s(t).quantile(p) * scale)
                    .collect()
            };
            let mut o = json!({
                "unit": unit,
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
    for (i, d) in INDICATORS.iter().enumerate() {
        for (k, &year) in TARGET_YEARS.iter().enumerate() {
            let target = sc.indicators.target(i, k);
            let s = &acc.indicator_values[i * 2 + k];
            let status = if target.is_none() {
                "no target"
            } else if s.count() == 0 {
                "no value"
            } else {
                "evaluated"
            };
            let mut row = json!({
                "id": d.id, "name_zh": d.name_zh, "name_en": d.name_en, "unit": d.unit,
                "year": year, "binding": d.binding, "direction": d.direction.name(),
                "target": target, "status": status,
            });
            if status == "evaluated" {
                row["p_met"] = prob(acc.met[i][k], n);
                row["median"] = json!(s.quantile(0.5));
            }
            indicators.push(row);
        }
    }

    // Per target year: each binding target the scenario models, and (2025) all of them at once.
    let headlines: Vec<Value> = TARGET_YEARS
        .iter()
        .enumerate()
        .map(|(k, &year)| {
            let binding: Vec<Value> = (0..INDICATORS.len())
                .filter(|&i| INDICATORS[i].binding && evaluable(sc, acc, i, k))
                .map(|i| {
                    let d = &INDICATORS[i];
                    json!({ "id": d.id, "name_zh": d.name_zh, "name_en": d.name_en, "p_met": prob(acc.met[i][k], n) })
                })
                .collect();
            let all = (k == 0).then(|| prob(acc.all_binding_2025, n));
            json!({ "year": year, "all_binding_met": all, "binding": binding })
        })
        .collect();

    json!({
        "scenario": { "id": sc.info.id, "name_zh": sc.info.name_zh, "name_en": sc.info.name_en, "content_sha256": sc.hash },
        "runs": n,
        "seed": seed,
        "years": years,
        "peaked": { "by": spec.options.peak_by, "probability": prob(acc.peaked, n) },
        "peak_year": acc.peak_hist.iter().enumerate().map(|(t, &c)| json!({ "year": spec.y0 + t as i32, "p": c as f64 / n.max(1) as f64 })).collect::<Vec<_>>(),
        "headlines": headlines,
        "summary": summary,
        "indicators": indicators,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wilson_matches_the_formula_and_its_ends() {
        assert_eq!(wilson(0, 10_000).0, 0.0);
        assert_eq!(wilson(10_000, 10_000).1, 1.0);
        assert!(wilson(0, 10_000).1 > 0.0 && wilson(0, 10_000).1 < 0.001);
        assert!(wilson(10_000, 10_000).0 < 1.0 && wilson(10_000, 10_000).0 > 0.999);
        // k = 6260 of n = 10,000: by hand, (0.626 + z²/2n ± z·√(0.626·0.374/n + z²/4n²)) / (1 + z²/n).
        let (lo, hi) = wilson(6260, 10_000);
        assert!((lo - 0.616_470).abs() < 1e-5, "{lo}");
        assert!((hi - 0.635_433).abs() < 1e-5, "{hi}");
        // Small n: 1 of 3.
        let (lo, hi) = wilson(1, 3);
        assert!((lo - 0.061_492).abs() < 1e-5 && (hi - 0.792_340).abs() < 1e-5);
        assert_eq!(wilson(0, 0), (0.0, 1.0));
    }
}
