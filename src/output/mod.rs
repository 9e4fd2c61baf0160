//! Exporters: CSV and JSON files of a run, written atomically.
//!
//! Every file is rendered in memory, written to a temporary name in the output folder and
//! renamed into place, so an interrupted program never leaves a half-written file. Numbers
//! are printed with Rust's shortest round-trip formatting, so equal values give equal bytes.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use crate::engine::{self, Accumulator, QUANTILES};
use crate::indicators::{INDICATORS, TARGET_YEARS};
use crate::model::{Trajectory, VARS};
use crate::scenario::Scenario;

mod files;

pub use files::{
    DirLock, MARKER, child_dir, prepare_dir, read_json, read_sealed, remove_stale,
    remove_stale_charts, write_atomic, write_sealed,
};

/// `f64` as CSV text: shortest round-trip; empty for NaN.
pub fn num(x: f64) -> String {
    if x.is_nan() {
        String::new()
    } else {
        format!("{x}")
    }
}

/// A CSV file from a header and rows.
pub fn csv_table(header: &[&str], rows: impl IntoIterator<Item = Vec<String>>) -> Vec<u8> {
    csv_bytes(header, rows)
}

/// A CSV file in memory, `\n`-terminated, quoted where needed.
fn csv_bytes(header: &[&str], rows: impl IntoIterator<Item = Vec<String>>) -> Vec<u8> {
    let mut w = csv::WriterBuilder::new()
        .terminator(csv::Terminator::Any(b'\n'))
        .from_writer(Vec::new());
    w.write_record(header).expect("in-memory write");
    for r in rows {
        w.write_record(&r).expect("in-memory write");
    }
    w.into_inner().expect("in-memory flush")
}

/// `trajectories.csv`: `scenario,variable,unit,year,value` for every variable and year.
pub fn trajectories_csv(sc: &Scenario, tr: &Trajectory) -> Vec<u8> {
    let rows = VARS.iter().flat_map(|v| {
        let row = tr.row(v.var);
        (0..tr.n_years).map(move |t| {
            vec![
                sc.info.id.clone(),
                v.name.to_string(),
                v.unit.to_string(),
                (tr.y0 + t as i32).to_string(),
                num(row[t]),
            ]
        })
    });
    csv_bytes(&["scenario", "variable", "unit", "year", "value"], rows)
}

/// Columns of `indicators.csv`.
pub const INDICATOR_COLUMNS: &[&str] = &[
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
];

/// `indicators.csv`: the central run's value, target and whether it is met; with a Monte
/// Carlo accumulator also `p_met`, the share of runs meeting the target.
pub fn indicators_csv(sc: &Scenario, tr: &Trajectory, acc: Option<&Accumulator>) -> Vec<u8> {
    let values = sc.medians();
    let mut header = INDICATOR_COLUMNS.to_vec();
    if acc.is_some() {
        header.push("p_met");
    }
    let mut rows = Vec::new();
    for (i, d) in INDICATORS.iter().enumerate() {
        for (k, &year) in TARGET_YEARS.iter().enumerate() {
            let value = sc.indicators.value(i, &sc.spec, &values, tr, year);
            let target = sc.indicators.target(i, k);
            let met = match (value, target) {
                (_, None) => "no target".to_string(),
                (None, Some(_)) => "no value".to_string(),
                (Some(v), Some(t)) => d.direction.met(v, t).to_string(),
            };
            let mut r = vec![
                d.id.to_string(),
                d.name_zh.to_string(),
                d.name_en.to_string(),
                d.unit.to_string(),
                year.to_string(),
                value.map_or(String::new(), num),
                target.map_or(String::new(), num),
                d.direction.name().to_string(),
                if d.binding { "binding" } else { "expected" }.to_string(),
                met,
            ];
            if let Some(a) = acc {
                let evaluable = target.is_some() && value.is_some();
                r.push(if evaluable {
                    num(engine::p_met(a, i, k))
                } else {
                    String::new()
                });
            }
            rows.push(r);
        }
    }
    csv_bytes(&header, rows)
}

/// `parameters.csv`: every parameter of the resolved scenario, its distribution, median and
/// the comment that gives its source.
pub fn parameters_csv(sc: &Scenario) -> Vec<u8> {
    let rows = sc.params.iter().enumerate().map(|(i, p)| {
        vec![
            p.path.clone(),
            p.unit.to_string(),
            p.dist.to_syntax(),
            num(p.dist.median()),
            sc.param_note(i),
        ]
    });
    csv_bytes(
        &["parameter", "unit", "distribution", "median", "source"],
        rows,
    )
}

/// `summary.csv`: mean and quantiles of every variable and year.
pub fn summary_csv(sc: &Scenario, acc: &Accumulator) -> Vec<u8> {
    let n = acc.n_years;
    let rows = VARS.iter().flat_map(|v| {
        (0..n).map(move |t| {
            let s = &acc.series[v.var as usize * n + t];
            let mut r = vec![
                sc.info.id.clone(),
                v.name.to_string(),
                v.unit.to_string(),
                (sc.spec.y0 + t as i32).to_string(),
                num(s.mean()),
            ];
            r.extend(QUANTILES.iter().map(|&q| num(s.quantile(q))));
            r
        })
    });
    csv_bytes(
        &[
            "scenario", "variable", "unit", "year", "mean", "p5", "p10", "p25", "p50", "p75",
            "p90", "p95",
        ],
        rows,
    )
}

/// `peak.csv`: the distribution of the peak year over the horizon.
pub fn peak_csv(sc: &Scenario, acc: &Accumulator) -> Vec<u8> {
    let rows = acc.peak_hist.iter().enumerate().map(|(t, &c)| {
        vec![
            (sc.spec.y0 + t as i32).to_string(),
            num(c as f64 / acc.runs.max(1) as f64),
        ]
    });
    csv_bytes(&["peak_year", "probability"], rows)
}

/// Headline numbers of the central run, for `run.json` and the terminal.
pub fn central_headline(sc: &Scenario, tr: &Trajectory) -> serde_json::Value {
    use crate::model::Var;
    let at = |v: Var, y: i32| tr.at(v, y);
    serde_json::json!({
        "co2_wan_t": { "2020": at(Var::Co2, 2020), "2025": at(Var::Co2, 2025), "2030": at(Var::Co2, 2030), "end": at(Var::Co2, sc.spec.y1) },
        "peak_year": tr.peak_year(),
        "peaked_by": { "year": sc.spec.options.peak_by, "value": tr.peaked_by(sc.spec.options.peak_by) },
        "nonfossil_share_pct": { "2020": at(Var::NonfossilShare, 2020).map(|x| x * 100.0), "2025": at(Var::NonfossilShare, 2025).map(|x| x * 100.0), "2030": at(Var::NonfossilShare, 2030).map(|x| x * 100.0) },
        "coal_wan_t": { "2020": at(Var::CoalT, 2020), "2025": at(Var::CoalT, 2025), "2030": at(Var::CoalT, 2030) },
    })
}

/// The part of `run.json` that describes the scenario and options.
pub fn run_json_base(
    sc: &Scenario,
    scenario_path: &str,
    options: serde_json::Value,
) -> serde_json::Value {
    serde_json::json!({
        "program": "peakpath",
        "version": env!("CARGO_PKG_VERSION"),
        "scenario": { "id": sc.info.id, "name_zh": sc.info.name_zh, "name_en": sc.info.name_en, "path": scenario_path, "files": sc.files, "content_sha256": sc.hash },
        "years": [sc.spec.y0, sc.spec.y1],
        "model_options": {
            "grid_emission_factor_basis": sc.spec.options.grid_basis.name(),
            "electricity_accounting": sc.spec.options.accounting,
            "credit_exports": sc.spec.options.credit_exports,
            "peak_by": sc.spec.options.peak_by,
        },
        "options": options,
    })
}

/// Render JSON with a trailing newline.
pub fn json_bytes(v: &serde_json::Value) -> Vec<u8> {
    let mut s = serde_json::to_string_pretty(v).unwrap_or_default();
    s.push('\n');
    s.into_bytes()
}

/// A table of the plan's indicators as text, for `peakpath indicators`.
pub fn indicator_table(zh: bool) -> String {
    let mut s = String::new();
    let (h_id, h_name, h_unit, h_base, h_25, h_30, h_bind) = if zh {
        (
            "序号",
            "指标名称",
            "单位",
            "2020年",
            "2025年",
            "2030年",
            "属性",
        )
    } else {
        ("id", "indicator", "unit", "2020", "2025", "2030", "type")
    };
    let _ = writeln!(
        s,
        "{h_id}\t{h_name}\t{h_unit}\t{h_base}\t{h_25}\t{h_30}\t{h_bind}"
    );
    for d in INDICATORS {
        let name = if zh { d.name_zh } else { d.name_en };
        let bind = match (zh, d.binding) {
            (true, true) => "约束性",
            (true, false) => "预期性",
            (false, true) => "binding",
            (false, false) => "expected",
        };
        let _ = writeln!(
            s,
            "{}\t{}\t{}\t{}\t{}\t{}\t{}",
            d.id, name, d.unit, d.base_text, d.target_text[0], d.target_text[1], bind
        );
    }
    s
}

/// Paths of the files a run writes.
pub fn out_file(dir: &Path, name: &str) -> PathBuf {
    dir.join(name)
}

/// Rows of `comparison.csv` for one scenario: every indicator and target year with
/// P(met), median, p5 and p95 of its value, and P(peaked by …).
pub fn comparison_rows(sc: &Scenario, acc: &Accumulator) -> Vec<Vec<String>> {
    let mut rows = Vec::new();
    for (i, d) in INDICATORS.iter().enumerate() {
        for (k, &year) in TARGET_YEARS.iter().enumerate() {
            let s = &acc.indicator_values[i * 2 + k];
            let has_value = s.count() > 0;
            let p = if has_value && sc.indicators.target(i, k).is_some() {
                num(engine::p_met(acc, i, k))
            } else {
                String::new()
            };
            let q = |x: f64| {
                if has_value {
                    num(s.quantile(x))
                } else {
                    String::new()
                }
            };
            rows.push(vec![
                sc.info.id.clone(),
                d.id.to_string(),
                d.unit.to_string(),
                year.to_string(),
                p,
                q(0.5),
                q(0.05),
                q(0.95),
            ]);
        }
    }
    let by = sc.spec.options.peak_by;
    rows.push(vec![
        sc.info.id.clone(),
        format!("peaked_by_{by}"),
        "probability".into(),
        by.to_string(),
        num(acc.peaked as f64 / acc.runs.max(1) as f64),
        String::new(),
        String::new(),
        String::new(),
    ]);
    rows
}

/// `comparison.csv` from the rows of every scenario.
pub fn comparison_csv(rows: Vec<Vec<String>>) -> Vec<u8> {
    csv_bytes(
        &[
            "scenario",
            "indicator",
            "unit",
            "year",
            "p_met",
            "median",
            "p5",
            "p95",
        ],
        rows,
    )
}

/// Every leaf of a resolved scenario's content as `field.path → value text`.
fn flatten(
    prefix: &str,
    v: &serde_json::Value,
    out: &mut std::collections::BTreeMap<String, String>,
) {
    match v {
        serde_json::Value::Object(m) => {
            for (k, x) in m {
                let p = if prefix.is_empty() {
                    k.clone()
                } else {
                    format!("{prefix}.{k}")
                };
                flatten(&p, x, out);
            }
        }
        serde_json::Value::String(s) => {
            out.insert(prefix.to_string(), s.clone());
        }
        other => {
            out.insert(prefix.to_string(), other.to_string());
        }
    }
}

/// `parameters.md`: every field whose value differs between the compared scenarios (after
/// `extends`): distributions, fixed numbers, fuel shares and options, with units.
pub fn parameters_diff(scs: &[&Scenario]) -> String {
    use std::collections::{BTreeMap, BTreeSet};
    let flat: Vec<BTreeMap<String, String>> = scs
        .iter()
        .map(|sc| {
            let mut m = BTreeMap::new();
            flatten("", &sc.resolved, &mut m);
            m
        })
        .collect();
    let units: BTreeMap<&str, &str> = scs
        .iter()
        .flat_map(|sc| sc.params.iter().map(|p| (p.path.as_str(), p.unit)))
        .collect();
    let keys: BTreeSet<&String> = flat
        .iter()
        .flat_map(|m| m.keys())
        .filter(|k| !k.starts_with("scenario."))
        .collect();
    let mut s = String::from("# What differs between the compared scenarios\n\n");
    let _ = writeln!(
        s,
        "| field | unit | {} |",
        scs.iter()
            .map(|sc| format!("{} ({})", sc.info.id, sc.info.name_zh))
            .collect::<Vec<_>>()
            .join(" | ")
    );
    let _ = writeln!(s, "|---|---|{}", "---|".repeat(scs.len()));
    let mut n = 0;
    for k in keys {
        let vals: Vec<Option<&String>> = flat.iter().map(|m| m.get(k)).collect();
        if vals.iter().all(|v| *v == vals[0]) {
            continue;
        }
        n += 1;
        let unit = units
            .get(k.as_str())
            .copied()
            .unwrap_or_else(|| if k.contains(".mix.") { "share" } else { "" });
        let cells: Vec<String> = vals
            .iter()
            .map(|v| v.map_or("—".to_string(), |x| x.replace('|', "\\|")))
            .collect();
        let _ = writeln!(s, "| `{k}` | {unit} | {} |", cells.join(" | "));
    }
    let _ = writeln!(
        s,
        "\n{n} fields differ (\"—\": not set in that scenario). Grid emission-factor basis: {}.",
        scs.iter()
            .map(|sc| format!("{} {}", sc.info.id, sc.spec.options.grid_basis.name()))
            .collect::<Vec<_>>()
            .join(", ")
    );
    s
}

/// Write a chart as `dir/STEM.svg`, and `dir/STEM.png` too when `png`.
pub fn write_chart(
    dir: &Path,
    stem: &str,
    svg: &str,
    png: bool,
) -> Result<(), crate::error::Error> {
    use crate::error::{Error, io};
    let path = dir.join(format!("{stem}.svg"));
    write_atomic(&path, svg.as_bytes()).map_err(io(&path))?;
    if png {
        let path = dir.join(format!("{stem}.png"));
        let bytes = crate::report::svg_to_png(svg, 2.0)
            .map_err(|e| Error::Other(format!("{}: {e}", path.display())))?;
        write_atomic(&path, &bytes).map_err(io(&path))?;
    }
    Ok(())
}
