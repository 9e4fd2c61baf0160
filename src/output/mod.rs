//! Exporters: CSV and JSON files of a run, written atomically.
//!
//! Every file is rendered in memory, written to a temporary name in the output folder and
//! renamed into place, so an interrupted program never leaves a half-written file. Numbers
//! are printed with Rust's shortest round-trip formatting, so equal values give equal bytes.

pub mod xlsx;

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

mod headline;

pub use headline::{
    PeakParts, assessed_ids, assessed_words, cap_json, central_headline, check_line, checks_json,
    declining_warning, headline_text, mc_headline_json, peak_label, rules_json,
};

use crate::engine::{Accumulator, QUANTILES};
use crate::model::{Trajectory, VARS};
use crate::scenario::Scenario;
use crate::stats::wilson;

mod files;

pub use files::{
    DirLock, MARKER, child_dir, prepare_dir, read_json, read_sealed, remove_stale,
    remove_stale_charts, temp_file, write_atomic, write_new, write_sealed,
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

/// The first characters that make a spreadsheet read a cell as a formula (OWASP's list).
const FORMULA_LEADS: &[char] = &['=', '+', '-', '@', '\t', '\r'];

/// A CSV cell made formula-safe (OWASP's rule): text that starts with `=`, `+`, `-`, `@`,
/// tab or carriage return gets a leading `'`, so a spreadsheet shows it as text instead of
/// evaluating it. A cell that reads as a number (`-0.5`, `-inf`) is data and stays as it is.
/// Every CSV file peakpath writes passes through here ([`csv_bytes`], [`csv_records`]).
pub fn csv_safe(cell: &str) -> std::borrow::Cow<'_, str> {
    if cell.starts_with(FORMULA_LEADS) && cell.parse::<f64>().is_err() {
        std::borrow::Cow::Owned(format!("'{cell}"))
    } else {
        std::borrow::Cow::Borrowed(cell)
    }
}

/// A cell of a CSV file that peakpath wrote, as the text it was written from: the `'` that
/// [`csv_safe`] put before a formula-like cell is taken off again.
pub fn csv_unsafe(cell: &str) -> &str {
    match cell.strip_prefix('\'') {
        Some(rest) if rest.starts_with(FORMULA_LEADS) && rest.parse::<f64>().is_err() => rest,
        _ => cell,
    }
}

/// A CSV file in memory from records (the first is the header), `\n`-terminated, quoted
/// where needed, every cell made formula-safe by [`csv_safe`].
pub fn csv_records<R, C>(rows: impl IntoIterator<Item = R>) -> Vec<u8>
where
    R: IntoIterator<Item = C>,
    C: AsRef<str>,
{
    let mut w = csv::WriterBuilder::new()
        .terminator(csv::Terminator::Any(b'\n'))
        .from_writer(Vec::new());
    for r in rows {
        let cells: Vec<String> = r
            .into_iter()
            .map(|c| csv_safe(c.as_ref()).into_owned())
            .collect();
        w.write_record(&cells).expect("in-memory write");
    }
    w.into_inner().expect("in-memory flush")
}

/// A CSV file in memory from a header and rows (see [`csv_records`]).
fn csv_bytes(header: &[&str], rows: impl IntoIterator<Item = Vec<String>>) -> Vec<u8> {
    let header: Vec<String> = header.iter().map(|h| h.to_string()).collect();
    csv_records(std::iter::once(header).chain(rows))
}

/// `trajectories.csv`: `scenario,variable,unit,year,value` for every variable and year.
pub fn trajectories_csv(sc: &Scenario, tr: &Trajectory) -> Vec<u8> {
    let rows = VARS.iter().flat_map(|v| {
        let row = tr.row(v.var);
        (0..tr.n_years).map(move |t| {
            vec![
                sc.info.id.clone(),
                v.name.to_string(),
                crate::model::unit_in(v.unit, tr.y0).into_owned(),
                (tr.y0 + t as i32).to_string(),
                num(row[t]),
            ]
        })
    });
    csv_bytes(&["scenario", "variable", "unit", "year", "value"], rows)
}

/// Columns of `indicators.csv`; a Monte Carlo run adds `p_met`, `p_met_lo`, `p_met_hi`.
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
    "kind",
    "assessment",
    "assumption",
    "met",
    "value_total",
    "value_new_renewables_excluded",
    "value_fossil_only",
];

/// The columns a Monte Carlo run adds to `indicators.csv`: P(met) under the scenario's rule,
/// then, for indicators 1 and 14, P(met) under each rule of MODEL.md §6a.
pub const INDICATOR_MC_COLUMNS: &[&str] = &[
    "p_met",
    "p_met_lo",
    "p_met_hi",
    "p_met_total",
    "p_met_total_lo",
    "p_met_total_hi",
    "p_met_new_renewables_excluded",
    "p_met_new_renewables_excluded_lo",
    "p_met_new_renewables_excluded_hi",
    "p_met_fossil_only",
    "p_met_fossil_only_lo",
    "p_met_fossil_only_hi",
];

/// The model options of `run.json`: `assessment_<year>` for 2025, 2030 and each target year
/// of the plan, as `Options::rule` gives it.
fn model_options(sc: &Scenario) -> serde_json::Value {
    let o = &sc.spec.options;
    let mut m = serde_json::json!({
        "grid_emission_factor_basis": o.grid_basis.name(),
        "electricity_accounting": o.accounting,
        "credit_exports": o.credit_exports,
        "peak_by": o.peak_by,
        "peak_tolerance": o.peak_tolerance,
        "peak_on": o.peak_on.name(),
        "after_last_milestone": o.after_last.name(),
        "industry_driver": o.industry_driver.name(),
    });
    let years = o
        .assessment
        .iter()
        .map(|r| r.0)
        .chain(sc.indicators.years().iter().copied());
    for y in years {
        m[format!("assessment_{y}")] = o.rule(y).name().into();
    }
    m
}

/// A probability and its Wilson 95 % interval as three CSV cells.
pub fn p_cells(k: u64, n: u64) -> [String; 3] {
    let (lo, hi) = wilson(k, n);
    [num(k as f64 / n.max(1) as f64), num(lo), num(hi)]
}

/// The assessment rule of indicator `i` in target year index `k`, or "" when the rule
/// does not apply to it.
pub fn assessment_of(sc: &Scenario, i: usize, k: usize) -> &'static str {
    if sc.indicators.def(i).assessed() {
        sc.spec.options.rule(sc.indicators.years()[k]).name()
    } else {
        ""
    }
}

/// `indicators.csv`: the central run's value, target and whether it is met, each indicator
/// marked `modelled` or `assumed` (with the delivery assumption behind an assumed one) and,
/// for indicators 1 and 14, the assessment rule of the year and the value under each of the
/// three rules of MODEL.md §6a (`value_total`, `value_new_renewables_excluded`,
/// `value_fossil_only`; `value` is the one of the scenario's rule); with a Monte Carlo
/// accumulator also `p_met`, the share of runs meeting the target, and its Wilson 95 %
/// interval, and for indicators 1 and 14 the same under each rule (`p_met_<rule>`).
pub fn indicators_csv(sc: &Scenario, tr: &Trajectory, acc: Option<&Accumulator>) -> Vec<u8> {
    let values = sc.medians();
    let mut header = INDICATOR_COLUMNS.to_vec();
    if acc.is_some() {
        header.extend(INDICATOR_MC_COLUMNS);
    }
    let mut rows = Vec::new();
    for (i, d) in sc.indicators.defs().iter().enumerate() {
        let assumption = sc.assumption(i).unwrap_or_default();
        for (k, &year) in sc.indicators.years().iter().enumerate() {
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
                d.kind().to_string(),
                assessment_of(sc, i, k).to_string(),
                assumption.clone(),
                met,
            ];
            let which = crate::indicators::assessed_index(d);
            for (_, rule) in crate::model::Assessment::ALL {
                let v = which.and_then(|w| crate::model::assessed_declines(tr, rule, year)[w]);
                r.push(v.map_or(String::new(), num));
            }
            if let Some(a) = acc {
                let evaluable = target.is_some() && value.is_some();
                let empty = || [String::new(), String::new(), String::new()];
                if evaluable {
                    r.extend(p_cells(a.met[i][k], a.runs));
                } else {
                    r.extend(empty());
                }
                for rule in 0..3 {
                    if evaluable && which.is_some() {
                        r.extend(p_cells(a.rules_met[i][k][rule], a.runs));
                    } else {
                        r.extend(empty());
                    }
                }
            }
            rows.push(r);
        }
    }
    csv_bytes(&header, rows)
}

/// `parameters.csv`: every parameter of the resolved scenario, its distribution, median, the
/// comment that gives its source, and its display names in both languages.
pub fn parameters_csv(sc: &Scenario) -> Vec<u8> {
    use crate::report::Lang;
    let rows = sc.params.iter().enumerate().map(|(i, p)| {
        vec![
            p.path.clone(),
            p.unit.to_string(),
            p.dist.to_syntax(),
            num(p.dist.median()),
            sc.param_note(i),
            sc.input_name(i, Lang::Zh),
            sc.input_name(i, Lang::En),
        ]
    });
    csv_bytes(
        &[
            "parameter",
            "unit",
            "distribution",
            "median",
            "source",
            "name_zh",
            "name_en",
        ],
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
                crate::model::unit_in(v.unit, sc.spec.y0).into_owned(),
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

/// Label of the "not peaked within the horizon" row of `peak.csv` (MODEL.md §7).
pub const NOT_PEAKED: &str = "not peaked";

/// Label of the "declining from the base year" row of `peak.csv` (MODEL.md §7): runs whose
/// series never rose above its base-year value, so that the model cannot say in which
/// earlier year the peak was.
pub fn declining_label(y0: i32) -> String {
    format!("declining from {y0}")
}

/// Rows `peak_year, probability, probability_lo, probability_hi`: the runs declining from
/// the base year as a row of their own (`declining from <y0>`), one row per later year of
/// the horizon, then the runs that have not peaked as a row of their own (`not peaked`),
/// never as the last year.
pub fn peak_rows(sc: &Scenario, acc: &Accumulator) -> Vec<Vec<String>> {
    let mut rows: Vec<Vec<String>> = acc
        .peak_hist
        .iter()
        .enumerate()
        .map(|(t, &c)| {
            let y = sc.spec.y0 + t as i32;
            let label = if t == 0 {
                declining_label(y)
            } else {
                y.to_string()
            };
            let mut r = vec![label];
            r.extend(p_cells(c, acc.runs));
            r
        })
        .collect();
    let mut r = vec![NOT_PEAKED.to_string()];
    r.extend(p_cells(acc.not_peaked, acc.runs));
    rows.push(r);
    rows
}

/// `peak.csv`: the distribution of the peak year over the horizon, with "not peaked" as a
/// row of its own and a Wilson 95 % interval on every probability.
pub fn peak_csv(sc: &Scenario, acc: &Accumulator) -> Vec<u8> {
    csv_bytes(
        &[
            "peak_year",
            "probability",
            "probability_lo",
            "probability_hi",
        ],
        peak_rows(sc, acc),
    )
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
        // The plan whose indicators the run judges, and its notes (inconsistencies of the
        // plan and how the scenarios resolve them), which the report lists.
        "plan": {
            "id": sc.indicators.plan.id,
            "name_zh": sc.indicators.plan.name_zh,
            "name_en": sc.indicators.plan.name_en,
            "file": sc.indicators.plan.file,
            "target_years": sc.indicators.years(),
            // How each indicator is evaluated, for the charts that draw its targets.
            "indicators": sc.indicators.defs().iter().map(|d| serde_json::json!({
                "id": d.id,
                "evaluate": d.source.text(),
                "scale": match d.source { crate::indicators::Source::Level(_, s) => Some(s), _ => None },
                "direction": d.direction.name(),
            })).collect::<Vec<_>>(),
            "notes": sc.indicators.plan.notes.iter().map(|(zh, en)| serde_json::json!({ "zh": zh, "en": en })).collect::<Vec<_>>(),
        },
        "model_options": model_options(sc),
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
pub fn indicator_table(plan: &crate::indicators::Plan, zh: bool) -> String {
    let mut s = String::new();
    let (h_id, h_name, h_unit, h_bind, h_kind) = if zh {
        ("序号", "指标名称", "单位", "属性", "模型计算/假设")
    } else {
        ("id", "indicator", "unit", "type", "modelled/assumed")
    };
    // The base year's column and one per target year, as the plan's table has them.
    let year = |y: i32| if zh { format!("{y}年") } else { y.to_string() };
    let years: Vec<String> = std::iter::once(plan.base_year)
        .chain(plan.target_years.iter().copied())
        .map(year)
        .collect();
    let _ = writeln!(
        s,
        "{h_id}\t{h_name}\t{h_unit}\t{}\t{h_bind}\t{h_kind}",
        years.join("\t")
    );
    for d in &plan.indicators {
        let name = if zh { &d.name_zh } else { &d.name_en };
        let lang = if zh {
            crate::report::Lang::Zh
        } else {
            crate::report::Lang::En
        };
        let text = |t: &str| plan_text(t, lang);
        let bind = match (zh, d.binding) {
            (true, true) => "约束性",
            (true, false) => "预期性",
            (false, true) => "binding",
            (false, false) => "expected",
        };
        let kind = match (zh, d.modelled()) {
            (true, true) => "模型计算",
            (true, false) => "假设(交付路径)",
            (false, true) => "modelled",
            (false, false) => "assumed",
        };
        let targets: Vec<String> = d.target_text.iter().map(|t| text(t)).collect();
        let _ = writeln!(
            s,
            "{}\t{}\t{}\t{}\t{}\t{}\t{}",
            d.id,
            name,
            crate::report::unit(&d.unit, lang),
            text(&d.base_text),
            targets.join("\t"),
            bind,
            kind
        );
    }
    s
}

/// A cell of the plan's indicator table in `lang`: the plan's Chinese words (完成省市下达目标,
/// 40和30, 70以上, …) in English for `En`, unchanged for `Zh`.
pub fn plan_text(t: &str, lang: crate::report::Lang) -> String {
    if lang == crate::report::Lang::Zh {
        return t.to_string();
    }
    match t {
        "完成省市下达目标" => "as set by the province and city".into(),
        "稳中有降" => "stable or falling".into(),
        "二级以上" => "grade II or better".into(),
        _ => {
            if let Some(x) = t.strip_suffix("以上") {
                format!("≥{x}")
            } else if let Some((a, b)) = t.split_once('和') {
                format!("{a} and {b}")
            } else {
                t.to_string()
            }
        }
    }
}

/// Paths of the files a run writes.
pub fn out_file(dir: &Path, name: &str) -> PathBuf {
    dir.join(name)
}

/// Rows of `comparison.csv` for one scenario: every indicator (id and names) and target year with
/// P(met) and its Wilson 95 % interval, median, p5 and p95 of its value; then P(peaked by …),
/// P(not peaked), P(rebound) and, per target year, P(all modelled binding targets met) and
/// P(all binding targets met, assumed indicators included).
pub fn comparison_rows(sc: &Scenario, acc: &Accumulator) -> Vec<Vec<String>> {
    let mut rows = Vec::new();
    let none = || [String::new(), String::new(), String::new()];
    for (i, d) in sc.indicators.defs().iter().enumerate() {
        let nk = sc.indicators.years().len();
        for (k, &year) in sc.indicators.years().iter().enumerate() {
            let s = &acc.indicator_values[i * nk + k];
            let has_value = s.count() > 0;
            let p = if has_value && sc.indicators.target(i, k).is_some() {
                p_cells(acc.met[i][k], acc.runs)
            } else {
                none()
            };
            let q = |x: f64| {
                if has_value {
                    num(s.quantile(x))
                } else {
                    String::new()
                }
            };
            let mut r = vec![
                sc.info.id.clone(),
                d.id.to_string(),
                d.name_zh.clone(),
                d.name_en.clone(),
                d.unit.to_string(),
                year.to_string(),
            ];
            r.extend(p);
            r.extend([q(0.5), q(0.05), q(0.95)]);
            rows.push(r);
        }
    }
    let by = sc.spec.options.peak_by;
    let mut prob = |name: String, year: i32, k: u64| {
        let mut r = vec![
            sc.info.id.clone(),
            name,
            String::new(),
            String::new(),
            "probability".into(),
            year.to_string(),
        ];
        r.extend(p_cells(k, acc.runs));
        r.extend(none());
        rows.push(r);
    };
    prob(format!("peaked_by_{by}"), by, acc.peaked);
    prob("not_peaked".into(), sc.spec.y1, acc.not_peaked);
    prob(
        format!("rebound_after_peak_by_{by}"),
        sc.spec.y1,
        acc.rebound,
    );
    for (k, &year) in sc.indicators.years().iter().enumerate() {
        if !sc.indicators.binding(k, true).judged.is_empty() {
            prob("all_modelled_binding_met".into(), year, acc.all_modelled[k]);
        }
        if !sc.indicators.binding(k, false).judged.is_empty() {
            prob(
                "all_binding_met_incl_assumed".into(),
                year,
                acc.all_binding[k],
            );
        }
    }
    rows
}

/// `comparison.csv` from the rows of every scenario.
pub fn comparison_csv(rows: Vec<Vec<String>>) -> Vec<u8> {
    csv_bytes(
        &[
            "scenario",
            "indicator",
            "name_zh",
            "name_en",
            "unit",
            "year",
            "p_met",
            "p_met_lo",
            "p_met_hi",
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
        // A check's source is a note on where the figure comes from, not an input.
        .filter(|k| {
            !(k.starts_with("scenario.") || (k.starts_with("checks.") && k.ends_with(".source")))
        })
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

/// Write a chart as `dir/STEM.svg` and/or `dir/STEM.png`, as `out` says (a `bool`: the SVG,
/// and the PNG too when true).
pub fn write_chart(
    dir: &Path,
    stem: &str,
    svg: &str,
    out: impl Into<crate::report::ChartOut>,
) -> Result<(), crate::error::Error> {
    use crate::error::{Error, io};
    let out = out.into();
    if out.svg {
        let path = dir.join(format!("{stem}.svg"));
        write_atomic(&path, svg.as_bytes()).map_err(io(&path))?;
    }
    if out.png {
        let path = dir.join(format!("{stem}.png"));
        let bytes = crate::report::svg_to_png(svg, 2.0)
            .map_err(|e| Error::Other(format!("{}: {e}", path.display())))?;
        write_atomic(&path, &bytes).map_err(io(&path))?;
    }
    Ok(())
}
