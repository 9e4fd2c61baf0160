//! Sensitivity over time: `--outcome co2:2021..2035` analyses `co2` in every year of the
//! range with the same model runs, then writes one long table and one chart across years.
//!
//! - `<method>_<var>_<y1>_<y2>.csv`: `input,year,` then the method's columns (`s1,s1_lo,…`
//!   for Sobol', `mu,mu_star,…` for Morris, `low_value,…,swing` for tornado), and the
//!   input's `unit` last; one row per input and year, years ascending, inputs in each
//!   year's order of importance.
//! - `<method>_<var>_<y1>_<y2>.svg`: the importance measure (ST, μ* or swing) of the inputs
//!   that rank in the top [`TOP`] in any year, one line each, across the years.
//!
//! Each year's own table and bar chart are written too, as for a single `VAR:YEAR`.

use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::error::{Error, io as io_err};
use crate::output::{csv_table, write_atomic};
use crate::report::{self, Lang};

/// Inputs drawn in the chart.
pub const TOP: usize = 6;

/// One `VAR:Y1..Y2` outcome.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Span {
    pub var: String,
    pub from: i32,
    pub to: i32,
}

impl Span {
    pub fn stem(&self, method: &str) -> String {
        format!("{method}_{}_{}_{}", self.var, self.from, self.to)
    }
}

/// Expand every `VAR:Y1..Y2` into `VAR:Y1`, …, `VAR:Y2`; other outcomes pass unchanged.
pub fn expand(texts: &[String]) -> Result<(Vec<String>, Vec<Span>), Error> {
    let mut out = Vec::new();
    let mut spans = Vec::new();
    for t in texts {
        let Some((var, range)) = t.trim().split_once(':').filter(|(_, r)| r.contains("..")) else {
            out.push(t.clone());
            continue;
        };
        let (a, b) = range.split_once("..").unwrap_or((range, ""));
        let bad = || {
            Error::Input(format!(
                "--outcome {t}: expected VAR:FROM..TO with years FROM < TO (e.g. co2:2021..2035), found \"{range}\""
            ))
        };
        let (from, to): (i32, i32) = (
            a.trim().parse().map_err(|_| bad())?,
            b.trim().parse().map_err(|_| bad())?,
        );
        if from >= to || to - from > 200 {
            return Err(bad());
        }
        for y in from..=to {
            out.push(format!("{}:{y}", var.trim()));
        }
        spans.push(Span {
            var: var.trim().to_string(),
            from,
            to,
        });
    }
    Ok((out, spans))
}

/// The measure charted across years, by method name, and its column in the CSV.
fn measure(method: &str) -> (&'static str, &'static str, &'static str) {
    match method {
        "sobol" => ("st", "总效应指数 ST", "total-effect index ST"),
        "morris" => (
            "mu_star",
            "μ*（平均绝对基本效应）",
            "μ* (mean absolute elementary effect)",
        ),
        _ => ("swing", "摆幅（P10→P90）", "swing (P10 → P90)"),
    }
}

/// Write the long CSV and the chart of `span` from the per-year CSVs already in `out`;
/// returns the file names written.
pub fn write(
    method: &str,
    span: &Span,
    out: &Path,
    lang: Lang,
    png: bool,
) -> Result<Vec<String>, Error> {
    let mut header: Vec<String> = Vec::new();
    let mut rows: Vec<Vec<String>> = Vec::new();
    // (input, year, measure) for the chart.
    let mut points: Vec<(String, i32, f64)> = Vec::new();
    let mut top: Vec<String> = Vec::new();
    let (mcol, zh_name, en_name) = measure(method);
    for y in span.from..=span.to {
        let file = out.join(format!("{method}_{}_{y}.csv", span.var));
        let mut rd = csv::Reader::from_path(&file)
            .map_err(|e| Error::Other(format!("{}: {e}", file.display())))?;
        let h: Vec<String> = rd
            .headers()
            .map_err(|e| Error::Other(format!("{}: {e}", file.display())))?
            .iter()
            .map(String::from)
            .collect();
        let unit_col = h.iter().position(|c| c == "unit");
        let m_col = h.iter().position(|c| c == mcol);
        if header.is_empty() {
            header.push("input".into());
            header.push("year".into());
            header.extend(
                h.iter()
                    .enumerate()
                    .filter(|(i, _)| *i != 0 && Some(*i) != unit_col)
                    .map(|(_, c)| c.clone()),
            );
            header.push("unit".into());
        }
        for (rank, rec) in rd.records().enumerate() {
            let rec = rec.map_err(|e| Error::Other(format!("{}: {e}", file.display())))?;
            let input = rec.get(0).unwrap_or("").to_string();
            let mut row = vec![input.clone(), y.to_string()];
            row.extend(
                rec.iter()
                    .enumerate()
                    .filter(|(i, _)| *i != 0 && Some(*i) != unit_col)
                    .map(|(_, c)| c.to_string()),
            );
            row.push(unit_col.and_then(|u| rec.get(u)).unwrap_or("").to_string());
            rows.push(row);
            if let Some(v) = m_col
                .and_then(|m| rec.get(m))
                .and_then(|v| v.parse::<f64>().ok())
            {
                points.push((input.clone(), y, v));
            }
            if rank < TOP && !top.contains(&input) {
                top.push(input);
            }
        }
    }
    let stem = span.stem(method);
    let hdr: Vec<&str> = header.iter().map(String::as_str).collect();
    write_atomic(&out.join(format!("{stem}.csv")), &csv_table(&hdr, rows)).map_err(io_err(out))?;
    // Inputs that rank in the top TOP of some year, most important overall first.
    let peak = |i: &str| {
        points
            .iter()
            .filter(|p| p.0 == i)
            .map(|p| p.2.abs())
            .fold(0.0, f64::max)
    };
    top.sort_by(|a, b| peak(b).total_cmp(&peak(a)));
    top.truncate(TOP);
    let chart_in = |lang: Lang| {
        let zh = lang == Lang::Zh;
        let info = crate::model::Var::by_name(&span.var).map(|v| v.info());
        let name = info.map_or(span.var.as_str(), |i| if zh { i.zh } else { i.en });
        let chart = report::XyChart {
            title: if zh {
                format!(
                    "{name}：{}–{} 年逐年敏感性（{zh_name}）",
                    span.from, span.to
                )
            } else {
                format!("{name}, each year {}–{}: {en_name}", span.from, span.to)
            },
            x_label: if zh { "年份".into() } else { "year".into() },
            y_label: if zh { zh_name.into() } else { en_name.into() },
            series: top
                .iter()
                .map(|i| report::XySeries {
                    label: crate::names::display_name(i, lang, &crate::names::NoNames),
                    points: points
                        .iter()
                        .filter(|p| &p.0 == i)
                        .map(|p| (f64::from(p.1), p.2))
                        .collect(),
                    point_labels: Vec::new(),
                    line: true,
                })
                .collect(),
        };
        report::line_xy(&chart, lang).map_err(|e| Error::Other(e.to_string()))
    };
    let svg = chart_in(lang)?;
    write_atomic(&out.join(format!("{stem}.svg")), svg.as_bytes()).map_err(io_err(out))?;
    let mut files = vec![format!("{stem}.csv"), format!("{stem}.svg")];
    if png {
        // Without a system font covering Chinese, the PNG alone is drawn in English.
        let png_svg = if report::png_falls_back(lang, png) {
            chart_in(Lang::En)?
        } else {
            svg.clone()
        };
        let p = report::svg_to_png(&png_svg, 2.0)
            .map_err(|e| Error::Other(format!("{stem}.png: {e}")))?;
        write_atomic(&out.join(format!("{stem}.png")), &p).map_err(io_err(out))?;
        files.push(format!("{stem}.png"));
    }
    Ok(files)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ranges_expand_to_years() {
        let (t, s) = expand(&["co2:2021..2023".into(), "peak_year".into()]).unwrap();
        assert_eq!(t, ["co2:2021", "co2:2022", "co2:2023", "peak_year"]);
        assert_eq!(s[0].stem("sobol"), "sobol_co2_2021_2023");
        assert!(expand(&["co2:2030..2021".into()]).is_err());
        assert!(expand(&["co2:20x..2030".into()]).is_err());
    }
}
