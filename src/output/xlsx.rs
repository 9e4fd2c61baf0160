//! `results.xlsx` (`--xlsx`): the tables of a run or comparison folder as one Excel workbook.
//!
//! The workbook is made from the folder's own CSV files (like the charts), so it holds exactly
//! what they hold: one sheet per file, named after it, the CSV's columns in the same order
//! (a fixed unit is added to the header, e.g. `probability (0–1)`), numbers as numbers and
//! text as text, the header row frozen. Indicators are coloured by P(met) like the indicator
//! board (≥ 90 % green, 50–90 % amber, < 50 % red), and a native Excel line chart draws the
//! CO₂ fan (p5, p25, median, p75, p95) from the summary sheet's cells. The document's creation
//! time is fixed, so the same run gives the same bytes.

use std::path::{Path, PathBuf};

use rust_xlsxwriter::{
    Chart, ChartLineDashType, ConditionalFormatBlank, ConditionalFormatCell,
    ConditionalFormatCellRule, DocProperties, ExcelDateTime, Format, Workbook, Worksheet,
    XlsxError,
};

use crate::error::{Error, io};
use crate::report::{Lang, scenario_rgb, unit};

/// File name of the workbook.
pub const WORKBOOK: &str = "results.xlsx";

/// The CSV files of a run folder that become sheets, in sheet order.
pub const RUN_SHEETS: &[&str] = &[
    "summary",
    "indicators",
    "peak",
    "trajectories",
    "parameters",
];

/// The CSV files of a comparison folder that become sheets (before one summary per scenario).
pub const COMPARE_SHEETS: &[&str] = &["comparison", "comparison_peak"];

/// Columns that hold text (ids, names, units, states) even where a value looks like a number.
const TEXT_COLUMNS: &[&str] = &[
    "scenario",
    "variable",
    "unit",
    "id",
    "indicator",
    "name_zh",
    "name_en",
    "direction",
    "binding",
    "met",
    "kind",
    "assessment",
    "assumption",
    "parameter",
    "distribution",
    "source",
];

/// The unit added to a column's header where the column has one unit (other columns hold
/// values in the unit of their row's `unit` column).
fn header_unit(col: &str, lang: Lang) -> Option<String> {
    let zh = lang == Lang::Zh;
    match col {
        "probability" | "p_met" | "probability_lo" | "probability_hi" | "p_met_lo" | "p_met_hi" => {
            Some(if zh { "概率 0–1" } else { "0–1" }.into())
        }
        "year" | "peak_year" => Some(if zh { "年" } else { "year" }.into()),
        _ => None,
    }
}

/// A CSV column's name in Chinese (the workbook's header under `--lang zh`); `None` for a
/// column no entry names (its CSV name is kept).
fn column_zh(col: &str) -> Option<String> {
    const NAMES: &[(&str, &str)] = &[
        ("scenario", "情景"),
        ("variable", "变量"),
        ("unit", "单位"),
        ("year", "年份"),
        ("mean", "均值"),
        ("value", "数值"),
        ("id", "编号"),
        ("name_zh", "中文名称"),
        ("name_en", "英文名称"),
        ("target", "目标值"),
        ("direction", "方向"),
        ("binding", "约束性/预期性"),
        ("kind", "类型"),
        ("assessment", "考核口径"),
        ("assumption", "假设"),
        ("met", "是否达标"),
        ("parameter", "参数"),
        ("distribution", "分布"),
        ("median", "中位数"),
        ("source", "来源"),
        ("peak_year", "达峰年份"),
        ("probability", "概率"),
        ("indicator", "指标"),
        ("p_met", "达标概率"),
    ];
    if let Some((_, z)) = NAMES.iter().find(|(c, _)| *c == col) {
        return Some(z.to_string());
    }
    // Quantiles: p5 … p95 (the CSV name is the usual symbol).
    if let Some(q) = col.strip_prefix('p')
        && q.parse::<u8>().is_ok()
    {
        return Some(format!("P{q}"));
    }
    // Interval bounds: `<column>_lo`, `<column>_hi`.
    for (suffix, word) in [("_lo", "下限"), ("_hi", "上限")] {
        if let Some(base) = col.strip_suffix(suffix) {
            return column_zh(base).map(|b| format!("{b}{word}"));
        }
    }
    // One column per assessment rule: `value_<rule>`, `p_met_<rule>`.
    for (prefix, word) in [("value_", "数值"), ("p_met_", "达标概率")] {
        if let Some(rule) = col.strip_prefix(prefix)
            && let Some((_, a)) = crate::model::Assessment::ALL
                .iter()
                .find(|(n, _)| *n == rule)
        {
            return Some(format!("{word}({})", a.name_zh()));
        }
    }
    None
}

/// The header cell of a CSV column: the column's name in `lang` and, where fixed, its unit.
pub fn header_text(col: &str, lang: Lang) -> String {
    let name = match lang {
        Lang::Zh => column_zh(col).unwrap_or_else(|| col.to_string()),
        Lang::En => col.to_string(),
    };
    match header_unit(col, lang) {
        Some(u) => format!("{name} ({u})"),
        None => name,
    }
}

/// A text cell in `lang`: units in the words of the language; under `Lang::Zh` the values of
/// the indicator table's state columns in Chinese too (ids, field paths and distributions are
/// kept as written).
fn cell_text(col: &str, cell: &str, lang: Lang) -> String {
    if col == "unit" {
        return unit(cell, lang);
    }
    if lang == Lang::En {
        return cell.to_string();
    }
    let zh = match (col, cell) {
        ("direction", "at_least") => "不低于",
        ("direction", "at_most") => "不高于",
        ("binding", "binding") => "约束性",
        ("binding", "expected") => "预期性",
        ("kind", "modelled") => "模型计算",
        ("kind", "assumed") => "假设",
        ("met", "true") => "是",
        ("met", "false") => "否",
        ("met", "no target") => "无目标",
        ("assessment", rule) => {
            return crate::model::Assessment::ALL
                .iter()
                .find(|(n, _)| *n == rule)
                .map_or(cell.to_string(), |(_, a)| a.name_zh().to_string());
        }
        ("peak_year", "not peaked") => "未达峰",
        ("peak_year", d) if d.starts_with("declining from ") => {
            return format!("自{}年起下降", &d["declining from ".len()..]);
        }
        ("assumption", _) => return crate::report::compare::assumption_text(cell, lang),
        _ => cell,
    };
    zh.to_string()
}

/// A CSV table read back: header and rows of text.
struct Table {
    header: Vec<String>,
    rows: Vec<Vec<String>>,
}

fn read_table(path: &Path) -> Result<Table, Error> {
    let mut r = csv::Reader::from_path(path)
        .map_err(|e| Error::Input(format!("{}: cannot read: {e}", path.display())))?;
    let header = r
        .headers()
        .map_err(|e| Error::Input(format!("{}: expected a CSV header: {e}", path.display())))?
        .iter()
        .map(str::to_string)
        .collect();
    let mut rows = Vec::new();
    for rec in r.records() {
        let rec = rec.map_err(|e| {
            Error::Input(format!(
                "{}: expected a peakpath CSV file, found: {e}",
                path.display()
            ))
        })?;
        rows.push(
            rec.iter()
                .map(|c| super::csv_unsafe(c).to_string())
                .collect(),
        );
    }
    Ok(Table { header, rows })
}

fn xe(path: &Path) -> impl Fn(XlsxError) -> Error + '_ {
    move |e| Error::Other(format!("{}: {e}", path.display()))
}

/// Write one CSV table into a fresh sheet; returns the sheet's row count (header included).
fn table_sheet(
    ws: &mut Worksheet,
    name: &str,
    t: &Table,
    lang: Lang,
    wb_path: &Path,
) -> Result<u32, Error> {
    let err = xe(wb_path);
    ws.set_name(name).map_err(&err)?;
    let bold = Format::new().set_bold().set_background_color(0xE8EEF4);
    let pct = Format::new().set_num_format("0.0%");
    for (c, h) in t.header.iter().enumerate() {
        ws.write_string_with_format(0, c as u16, header_text(h, lang), &bold)
            .map_err(&err)?;
    }
    for (r, row) in t.rows.iter().enumerate() {
        let r = r as u32 + 1;
        for (c, cell) in row.iter().enumerate() {
            let col = t.header.get(c).map_or("", String::as_str);
            let c = c as u16;
            if cell.is_empty() {
                continue;
            }
            let number = (!TEXT_COLUMNS.contains(&col))
                .then(|| cell.parse::<f64>().ok())
                .flatten()
                .filter(|x| x.is_finite());
            match number {
                Some(x) if col.starts_with("p_met") || col.starts_with("probability") => {
                    ws.write_number_with_format(r, c, x, &pct).map_err(&err)?;
                }
                Some(x) => {
                    ws.write_number(r, c, x).map_err(&err)?;
                }
                None => {
                    ws.write_string(r, c, cell_text(col, cell, lang))
                        .map_err(&err)?;
                }
            }
        }
    }
    ws.set_freeze_panes(1, 0).map_err(&err)?;
    ws.autofit();
    ws.set_autofit_max_width(420);
    // P(met) coloured as on the indicator board.
    if let Some(c) = t.header.iter().position(|h| h == "p_met")
        && !t.rows.is_empty()
    {
        let c = c as u16;
        let last = t.rows.len() as u32;
        // Blank cells (no target, no value) stay white: Excel would read them as 0 (red).
        let blank = ConditionalFormatBlank::new()
            .set_stop_if_true(true)
            .set_format(Format::new());
        ws.add_conditional_format(1, c, last, c, &blank)
            .map_err(&err)?;
        let rules = [
            (
                ConditionalFormatCellRule::GreaterThanOrEqualTo(0.9),
                0xC6EFCE,
            ),
            (ConditionalFormatCellRule::Between(0.5, 0.9), 0xFFEB9C),
            (ConditionalFormatCellRule::LessThan(0.5), 0xFFC7CE),
        ];
        for (rule, colour) in rules {
            let cf = ConditionalFormatCell::new()
                .set_rule(rule)
                .set_stop_if_true(true)
                .set_format(Format::new().set_background_color(colour));
            ws.add_conditional_format(1, c, last, c, &cf)
                .map_err(&err)?;
        }
    }
    Ok(t.rows.len() as u32 + 1)
}

/// Rows (first, last; 0-based sheet rows) of variable `var` in a summary table.
fn var_rows(t: &Table, var: &str) -> Option<(u32, u32)> {
    let col = t.header.iter().position(|h| h == "variable")?;
    let rows: Vec<u32> = t
        .rows
        .iter()
        .enumerate()
        .filter(|(_, r)| r.get(col).is_some_and(|v| v == var))
        .map(|(i, _)| i as u32 + 1)
        .collect();
    Some((*rows.first()?, *rows.last()?))
}

/// Add the CO₂ fan of one summary sheet to `chart`: p5/p95 thin dashed, p25/p75 thin, the
/// median thick, all in the scenario's colour.
fn add_fan_series(chart: &mut Chart, sheet: &str, t: &Table, label: &str, id: &str) -> bool {
    let Some((r0, r1)) = var_rows(t, "co2") else {
        return false;
    };
    let year_col = t.header.iter().position(|h| h == "year").unwrap_or(3) as u16;
    let (r, g, b) = scenario_rgb(id);
    let rgb = (u32::from(r) << 16) | (u32::from(g) << 8) | u32::from(b);
    for (q, width, dash, named) in [
        ("p5", 0.75, Some(ChartLineDashType::Dash), false),
        ("p25", 1.0, None, false),
        ("p50", 2.5, None, true),
        ("p75", 1.0, None, false),
        ("p95", 0.75, Some(ChartLineDashType::Dash), false),
    ] {
        let Some(c) = t.header.iter().position(|h| h == q) else {
            continue;
        };
        let s = chart.add_series();
        s.set_categories((sheet, r0, year_col, r1, year_col))
            .set_values((sheet, r0, c as u16, r1, c as u16))
            .set_name(&format!("{label} {q}"));
        let mut line = rust_xlsxwriter::ChartLine::new();
        line.set_color(rgb).set_width(width);
        if let Some(d) = dash {
            line.set_dash_type(d);
        }
        s.set_format(&mut line);
        if !named {
            s.delete_from_legend(true);
        }
    }
    true
}

fn fan_chart(lang: Lang) -> Chart {
    let zh = lang == Lang::Zh;
    let mut chart = Chart::new_line();
    chart.title().set_name(if zh {
        "能源活动CO₂排放 (p5、p25、中位数、p75、p95)"
    } else {
        "Energy CO₂ emissions (p5, p25, median, p75, p95)"
    });
    chart.x_axis().set_name(if zh { "年份" } else { "year" });
    chart.y_axis().set_name(&unit("万t CO2", lang));
    chart.set_width(900).set_height(520);
    chart
}

fn workbook() -> Workbook {
    let mut wb = Workbook::new();
    // A fixed creation time: the same results give the same bytes.
    if let Ok(t) = ExcelDateTime::from_ymd(2020, 1, 1) {
        wb.set_properties(
            &DocProperties::new()
                .set_title("peakpath results")
                .set_creation_datetime(&t),
        );
    }
    wb
}

fn save(mut wb: Workbook, path: &Path) -> Result<(), Error> {
    let bytes = wb.save_to_buffer().map_err(xe(path))?;
    crate::output::write_atomic(path, &bytes).map_err(io(path))
}

fn chart_sheet(wb: &mut Workbook, chart: &Chart, lang: Lang, path: &Path) -> Result<(), Error> {
    let ws = wb.add_worksheet();
    ws.set_name("co2_fan").map_err(xe(path))?;
    ws.write_string(
        0,
        0,
        if lang == Lang::Zh {
            "能源活动CO₂排放的分布(蒙特卡洛), 数据见 summary 工作表"
        } else {
            "Energy CO₂ emissions across Monte Carlo runs; data in the summary sheet"
        },
    )
    .map_err(xe(path))?;
    ws.insert_chart(2, 0, chart).map_err(xe(path))?;
    Ok(())
}

/// Write `dir/results.xlsx` from the CSV files of a run folder (`summary`, `indicators`,
/// `peak`, `trajectories`, `parameters`; a central-only run has no summary, peak or chart).
pub fn write_run_workbook(dir: &Path, id: &str, lang: Lang) -> Result<PathBuf, Error> {
    let path = dir.join(WORKBOOK);
    let mut wb = workbook();
    let mut chart = fan_chart(lang);
    let mut has_fan = false;
    for name in RUN_SHEETS {
        let csv = dir.join(format!("{name}.csv"));
        if !csv.exists() {
            continue;
        }
        let t = read_table(&csv)?;
        let ws = wb.add_worksheet();
        table_sheet(ws, name, &t, lang, &path)?;
        if *name == "summary" {
            has_fan = add_fan_series(&mut chart, name, &t, id, id);
        }
    }
    if has_fan {
        chart_sheet(&mut wb, &chart, lang, &path)?;
    }
    save(wb, &path)?;
    Ok(path)
}

/// Write `dir/results.xlsx` of a comparison: `comparison`, `comparison_peak`, then the
/// summary of each scenario (`summary_<id>`, from `dir/<id>/summary.csv`) and one chart with
/// every scenario's CO₂ fan in its own colour.
pub fn write_compare_workbook(dir: &Path, ids: &[String], lang: Lang) -> Result<PathBuf, Error> {
    let path = dir.join(WORKBOOK);
    let mut wb = workbook();
    for name in COMPARE_SHEETS {
        let t = read_table(&dir.join(format!("{name}.csv")))?;
        table_sheet(wb.add_worksheet(), name, &t, lang, &path)?;
    }
    let mut chart = fan_chart(lang);
    let mut has_fan = false;
    for id in ids {
        let name = summary_sheet_name(id);
        let t = read_table(&dir.join(id).join("summary.csv"))?;
        table_sheet(wb.add_worksheet(), &name, &t, lang, &path)?;
        has_fan |= add_fan_series(&mut chart, &name, &t, id, id);
    }
    if has_fan {
        chart_sheet(&mut wb, &chart, lang, &path)?;
    }
    save(wb, &path)?;
    Ok(path)
}

/// The sheet holding a compared scenario's summary: `summary_<id>`, cut to Excel's 31
/// characters, with the characters Excel forbids in sheet names replaced.
pub fn summary_sheet_name(id: &str) -> String {
    format!("summary_{id}")
        .chars()
        .map(|c| if "[]:*?/\\".contains(c) { '_' } else { c })
        .take(31)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn headers_carry_fixed_units_in_the_language() {
        assert_eq!(header_text("p_met", Lang::En), "p_met (0–1)");
        assert_eq!(header_text("peak_year", Lang::Zh), "达峰年份 (年)");
        assert_eq!(
            header_text("p_met_fossil_only_lo", Lang::Zh),
            "达标概率(仅计化石能源)下限"
        );
        assert_eq!(header_text("p95", Lang::Zh), "P95");
        assert_eq!(cell_text("unit", "万t CO2", Lang::En), "10⁴ t CO₂");
        assert_eq!(header_text("value", Lang::En), "value");
    }

    #[test]
    fn sheet_names_fit_excel() {
        assert_eq!(summary_sheet_name("plan"), "summary_plan");
        let long = summary_sheet_name(&"x".repeat(60));
        assert_eq!(long.chars().count(), 31);
        assert_eq!(summary_sheet_name("a/b"), "summary_a_b");
    }
}
