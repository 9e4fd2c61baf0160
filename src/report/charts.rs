//! SVG charts drawn with plotters' SVG backend. Text stays `<text>` so Chinese
//! renders in any browser; layout uses a conservative text-width estimate
//! (CJK = 1 em) so labels do not overlap at the default 800 px width.

use std::ops::Range;

use plotters::coord::Shift;
use plotters::coord::types::RangedCoordf64;
use plotters::element::DashedPathElement;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use super::{ChartError, FONT_FAMILY, Lang, Word};

/// Default chart size in px.
pub const WIDTH: u32 = 800;
pub const HEIGHT: u32 = 500;

// One chart kind a file; this root holds what they share.
mod bar;
mod board;
mod fan;
mod index_bars;
mod message;
mod stacked;
mod tornado;
mod waterfall;
/// Charts of `peakpath wedges`.
pub mod wedge;
mod xy;

pub use bar::{BarChart, bar_chart_probabilities};
pub use board::{BoardRow, indicator_board};
pub use fan::{FanChart, FanSeries, Target, fan_chart, fan_chart_sized};
pub use index_bars::{IndexBars, IndexSeries, index_bars};
pub use message::message_chart;
pub use stacked::{StackedArea, stacked_area};
pub use tornado::{Tornado, TornadoRow, tornado};
pub use waterfall::{Waterfall, waterfall};
pub use xy::{XyChart, XySeries, line_xy};

/// A target value as written in the plan: up to 4 decimals, no trailing zeros.
pub fn target_text(v: f64) -> String {
    trim_zeros(format!("{v:.4}"))
}

// ---------------------------------------------------------------- styling

pub(crate) type Area<'a> = DrawingArea<SVGBackend<'a>, Shift>;
type Chart<'a, 'b> = ChartContext<'a, SVGBackend<'b>, Cartesian2d<RangedCoordf64, RangedCoordf64>>;

impl<E: std::error::Error + Send + Sync> From<DrawingAreaErrorKind<E>> for ChartError {
    fn from(e: DrawingAreaErrorKind<E>) -> Self {
        ChartError::Draw(e.to_string())
    }
}

const PALETTE: [RGBColor; 8] = [
    RGBColor(31, 119, 180),
    RGBColor(230, 85, 13),
    RGBColor(44, 160, 44),
    RGBColor(148, 103, 189),
    RGBColor(140, 86, 75),
    RGBColor(214, 39, 140),
    RGBColor(100, 100, 100),
    RGBColor(23, 190, 207),
];
const TEXT: RGBColor = RGBColor(33, 33, 33);
const MUTED: RGBColor = RGBColor(110, 110, 110);
const GRID: RGBColor = RGBColor(225, 225, 225);
const TARGET_C: RGBColor = RGBColor(200, 0, 0);
const RED_UP: RGBColor = RGBColor(214, 39, 40);
const GREEN_DOWN: RGBColor = RGBColor(44, 150, 44);
const TOTAL_C: RGBColor = RGBColor(90, 110, 140);
const RISK_GREEN: RGBColor = RGBColor(46, 160, 67);
const RISK_AMBER: RGBColor = RGBColor(240, 165, 0);
const RISK_RED: RGBColor = RGBColor(214, 39, 40);
const RISK_GREY: RGBColor = RGBColor(190, 190, 190);

fn color(i: usize) -> RGBColor {
    PALETTE[i % PALETTE.len()]
}

/// Text style with SVG font-size = `px` (plotters divides by 1.24).
pub(crate) fn font(px: f64) -> TextStyle<'static> {
    TextStyle::from(FontDesc::new(
        FontFamily::Name(FONT_FAMILY),
        px * 1.24,
        FontStyle::Normal,
    ))
    .color(&TEXT)
}

pub(crate) fn font_bold(px: f64) -> TextStyle<'static> {
    TextStyle::from(FontDesc::new(
        FontFamily::Name(FONT_FAMILY),
        px * 1.24,
        FontStyle::Bold,
    ))
    .color(&TEXT)
}

pub(crate) fn anchored(s: TextStyle<'static>, h: HPos, v: VPos) -> TextStyle<'static> {
    s.pos(Pos::new(h, v))
}

/// Conservative width (em) of one character for typical sans fonts.
fn char_em(c: char) -> f64 {
    match c {
        ' ' => 0.3,
        'i' | 'l' | 'j' | 'I' | '.' | ',' | ':' | ';' | '!' | '|' | '\'' => 0.3,
        '(' | ')' | '[' | ']' | 'f' | 't' | 'r' => 0.4,
        'm' | 'w' | 'M' | 'W' | '%' => 0.9,
        'A'..='Z' => 0.7,
        c if (c as u32) < 0x0370 => 0.6,
        c if (c as u32) < 0x2190 => 0.65,
        _ => 1.0,
    }
}

/// Estimated text width in px at font size `px`.
pub(crate) fn text_width(s: &str, px: f64) -> f64 {
    s.chars().map(char_em).sum::<f64>() * px
}

fn is_wide(c: char) -> bool {
    (c as u32) >= 0x2E80
}

/// Greedy wrap into lines no wider than `max_px` (CJK breaks anywhere, Latin at
/// spaces; over-long words are broken hard).
pub(crate) fn wrap(s: &str, max_px: f64, px: f64) -> Vec<String> {
    // tokens: each wide char alone; runs of narrow chars up to and incl. a space
    let mut tokens: Vec<String> = Vec::new();
    let mut cur = String::new();
    for c in s.chars() {
        if is_wide(c) {
            if !cur.is_empty() {
                tokens.push(std::mem::take(&mut cur));
            }
            tokens.push(c.to_string());
        } else {
            cur.push(c);
            if c == ' ' {
                tokens.push(std::mem::take(&mut cur));
            }
        }
    }
    if !cur.is_empty() {
        tokens.push(cur);
    }
    let mut lines: Vec<String> = Vec::new();
    let mut line = String::new();
    for t in tokens {
        let candidate = format!("{line}{t}");
        if text_width(candidate.trim_end(), px) <= max_px || line.is_empty() {
            if text_width(candidate.trim_end(), px) > max_px {
                // hard-break an over-long token
                for c in t.chars() {
                    let cand = format!("{line}{c}");
                    if text_width(&cand, px) > max_px && !line.is_empty() {
                        lines.push(std::mem::take(&mut line));
                    }
                    line.push(c);
                }
            } else {
                line = candidate;
            }
        } else {
            lines.push(line.trim_end().to_string());
            line = t.trim_start().to_string();
        }
    }
    if !line.trim().is_empty() {
        lines.push(line.trim_end().to_string());
    }
    if lines.is_empty() {
        lines.push(String::new());
    }
    lines
}

/// Truncate with "…" to fit `max_px`.
pub(crate) fn ellipsize(s: &str, max_px: f64, px: f64) -> String {
    if text_width(s, px) <= max_px {
        return s.to_string();
    }
    let mut out = String::new();
    for c in s.chars() {
        if text_width(&out, px) + char_em(c) * px + px > max_px {
            break;
        }
        out.push(c);
    }
    out.push('…');
    out
}

/// Human number: 3 significant-ish digits, trailing zeros trimmed.
pub(crate) fn fmt_num(v: f64) -> String {
    let a = v.abs();
    let s = if a >= 100.0 {
        format!("{v:.0}")
    } else if a >= 10.0 {
        format!("{v:.1}")
    } else if a >= 0.1 || a == 0.0 {
        format!("{v:.2}")
    } else {
        format!("{v:.3}")
    };
    trim_zeros(s)
}

pub(crate) fn trim_zeros(s: String) -> String {
    if s.contains('.') {
        let t = s.trim_end_matches('0').trim_end_matches('.');
        if t == "-0" { "0".into() } else { t.to_string() }
    } else {
        s
    }
}

fn pct(p: f64) -> String {
    format!("{:.1} %", p * 100.0)
}

/// Decimals needed for the tick labels plotters draws on `lo..hi` with at
/// most `n` ticks (mirrors its 1-2-5 step choice).
fn tick_decimals(lo: f64, hi: f64, n: usize) -> usize {
    let span = hi - lo;
    if span <= 0.0 || !span.is_finite() || n == 0 {
        return 0;
    }
    let count = |step: f64| ((hi / step).floor() - (lo / step).ceil()) as i64 + 1;
    let mut step = 10f64.powf(span.log10().floor() + 1.0);
    let mut base = step;
    'outer: for _ in 0..40 {
        for d in [2.0, 5.0, 10.0] {
            let s = base / d;
            if count(s) > n as i64 {
                break 'outer;
            }
            step = s;
        }
        base /= 10.0;
    }
    (-step.log10() - 1e-9).ceil().max(0.0) as usize
}

fn fmt_tick(v: f64, dec: usize) -> String {
    let s = format!("{v:.dec$}");
    if s.starts_with('-') && s[1..].chars().all(|c| c == '0' || c == '.') {
        s[1..].to_string()
    } else {
        s
    }
}

/// Padded numeric range; `zero` forces inclusion of 0 when the data is
/// not far from it.
fn padded(lo: f64, hi: f64, pad: f64, zero: bool) -> Range<f64> {
    let (mut lo, mut hi) = (lo, hi);
    // A flat series (a capacity held constant, say) is drawn against a readable axis, not a
    // hair's breadth around its value (1,279.90–1,280.10): from 0 where 0 may be shown, else
    // ±10 % of its magnitude.
    let magnitude = hi.abs().max(lo.abs());
    if magnitude > 0.0 && (hi - lo).abs() < magnitude * 1e-3 {
        if zero && lo > 0.0 {
            return 0.0..hi * 1.1;
        }
        if zero && hi < 0.0 {
            return lo * 1.1..0.0;
        }
        return lo - 0.1 * magnitude..hi + 0.1 * magnitude;
    }
    if zero && lo >= 0.0 && lo < 0.35 * hi {
        lo = 0.0;
    }
    if zero && hi <= 0.0 && hi > 0.35 * lo {
        hi = 0.0;
    }
    let span = (hi - lo).abs().max(hi.abs().max(lo.abs()) * 1e-3).max(1e-9);
    let lo2 = if lo == 0.0 && zero {
        0.0
    } else {
        lo - pad * span
    };
    let hi2 = if hi == 0.0 && zero {
        0.0
    } else {
        hi + pad * span
    };
    lo2..hi2
}

fn check_finite(name: &str, v: f64) -> Result<f64, ChartError> {
    if v.is_finite() {
        Ok(v)
    } else {
        Err(ChartError::InvalidData(format!("{name}: non-finite value")))
    }
}

fn min_max(vals: impl IntoIterator<Item = f64>) -> Option<(f64, f64)> {
    let mut it = vals.into_iter().filter(|v| v.is_finite());
    let first = it.next()?;
    Some(it.fold((first, first), |(a, b), v| (a.min(v), b.max(v))))
}

// ---------------------------------------------------------------- frame helpers

thread_local! {
    /// Texts shortened while drawing the current chart: (as drawn, full text).
    static SHORTENED: std::cell::RefCell<Vec<(String, String)>> =
        const { std::cell::RefCell::new(Vec::new()) };
}

/// Note that `short` is drawn for `full`, so that the SVG gets the full text as a
/// `<title>`; returns `short`.
pub(crate) fn shortened(short: String, full: &str) -> String {
    if short != full {
        SHORTENED.with(|v| v.borrow_mut().push((short.clone(), full.to_string())));
    }
    short
}

pub(crate) fn render<F>(w: u32, h: u32, f: F) -> Result<String, ChartError>
where
    F: FnOnce(&Area<'_>) -> Result<(), ChartError>,
{
    // Texts may be shortened before drawing starts (layout), so nothing is cleared here;
    // the list is emptied when the chart is done.
    let mut s = String::new();
    {
        let root = SVGBackend::with_string(&mut s, (w, h)).into_drawing_area();
        root.fill(&WHITE)?;
        f(&root)?;
        root.present()?;
    }
    let pairs = SHORTENED.with(|v| std::mem::take(&mut *v.borrow_mut()));
    Ok(add_titles(s, &pairs))
}

const TITLE_PX: f64 = 18.0;
const LABEL_PX: f64 = 12.0;
const DESC_PX: f64 = 13.0;
const LEGEND_PX: f64 = 12.5;

fn title_lines(title: &str, w: u32) -> Vec<String> {
    let mut l = wrap(title, w as f64 - 40.0, TITLE_PX);
    l.truncate(2);
    l
}

pub(crate) fn title_height(title: &str, w: u32) -> i32 {
    10 + 24 * title_lines(title, w).len() as i32 + 6
}

pub(crate) fn draw_title(root: &Area<'_>, title: &str, w: u32) -> Result<(), ChartError> {
    for (i, line) in title_lines(title, w).iter().enumerate() {
        root.draw(&Text::new(
            line.clone(),
            ((w / 2) as i32, 10 + 24 * i as i32),
            anchored(font_bold(TITLE_PX), HPos::Center, VPos::Top),
        ))?;
    }
    Ok(())
}

#[derive(Clone, Copy)]
enum Swatch {
    Rect(f64),
    Line,
    Dashed,
    Dot,
    Bullseye,
}

struct LegendItem {
    label: String,
    swatch: Swatch,
    color: RGBColor,
}

fn legend_item(label: &str, swatch: Swatch, color: RGBColor) -> LegendItem {
    LegendItem {
        label: label.to_string(),
        swatch,
        color,
    }
}

const LEGEND_ROW: i32 = 20;

/// Positions (x, row) for each item; rows wrap at `w - 2*margin`.
fn legend_layout(items: &[LegendItem], w: u32) -> (Vec<(i32, i32)>, i32) {
    let margin = 20.0;
    let avail = w as f64 - 2.0 * margin;
    let mut pos = Vec::new();
    let (mut x, mut row) = (0.0, 0);
    for it in items {
        let iw = 30.0 + text_width(&it.label, LEGEND_PX) + 16.0;
        if x > 0.0 && x + iw > avail {
            x = 0.0;
            row += 1;
        }
        pos.push(((margin + x) as i32, row));
        x += iw;
    }
    let rows = if items.is_empty() { 0 } else { row + 1 };
    (pos, rows)
}

fn legend_height(items: &[LegendItem], w: u32) -> i32 {
    let (_, rows) = legend_layout(items, w);
    if rows == 0 { 0 } else { rows * LEGEND_ROW + 16 }
}

fn draw_legend(root: &Area<'_>, items: &[LegendItem], y0: i32, w: u32) -> Result<(), ChartError> {
    let (pos, _) = legend_layout(items, w);
    for (it, (x, row)) in items.iter().zip(pos) {
        let cy = y0 + row * LEGEND_ROW + LEGEND_ROW / 2;
        let c = it.color;
        match it.swatch {
            Swatch::Rect(a) => {
                root.draw(&Rectangle::new(
                    [(x, cy - 6), (x + 24, cy + 6)],
                    c.mix(a).filled(),
                ))?;
            }
            Swatch::Line => {
                root.draw(&PathElement::new(
                    vec![(x, cy), (x + 24, cy)],
                    c.stroke_width(3),
                ))?;
            }
            Swatch::Dashed => {
                root.draw(&DashedPathElement::new(
                    vec![(x, cy), (x + 24, cy)],
                    5,
                    3,
                    c.stroke_width(2),
                ))?;
            }
            Swatch::Dot => {
                root.draw(&Circle::new((x + 12, cy), 5, c.filled()))?;
            }
            Swatch::Bullseye => {
                root.draw(&Circle::new((x + 12, cy), 6, c.stroke_width(2)))?;
                root.draw(&Circle::new((x + 12, cy), 2, c.filled()))?;
            }
        }
        root.draw(&Text::new(
            it.label.clone(),
            (x + 30, cy),
            anchored(font(LEGEND_PX), HPos::Left, VPos::Center),
        ))?;
    }
    Ok(())
}

/// Width needed for y tick labels + rotated y description.
fn y_area_width(labels: &[String]) -> u32 {
    let m = labels
        .iter()
        .map(|s| text_width(s, LABEL_PX))
        .fold(0.0, f64::max);
    (m + DESC_PX * 1.5 + 22.0).ceil() as u32
}

struct Mesh<'s> {
    x_desc: &'s str,
    y_desc: &'s str,
    x_fmt: &'s dyn Fn(&f64) -> String,
    y_fmt: &'s dyn Fn(&f64) -> String,
    nx: usize,
    ny: usize,
    x_grid: bool,
}

fn build<'a, 'b>(
    area: &'a Area<'b>,
    x: Range<f64>,
    y: Range<f64>,
    y_area: u32,
    x_area: u32,
) -> Result<Chart<'a, 'b>, ChartError> {
    Ok(ChartBuilder::on(area)
        .margin_top(8)
        .margin_right(28)
        .margin_left(8)
        .x_label_area_size(x_area)
        .y_label_area_size(y_area)
        .build_cartesian_2d(x, y)?)
}

fn draw_mesh(chart: &mut Chart<'_, '_>, m: &Mesh<'_>) -> Result<(), ChartError> {
    let mut mesh = chart.configure_mesh();
    mesh.x_desc(m.x_desc)
        .y_desc(m.y_desc)
        .x_labels(m.nx)
        .y_labels(m.ny)
        .x_label_formatter(m.x_fmt)
        .y_label_formatter(m.y_fmt)
        .label_style(font(LABEL_PX))
        .axis_desc_style(font(DESC_PX))
        .bold_line_style(GRID.stroke_width(1))
        .max_light_lines(0)
        .axis_style(MUTED.stroke_width(1));
    if !m.x_grid {
        mesh.disable_x_mesh();
    }
    mesh.draw()?;
    Ok(())
}

/// Text with a translucent white box behind it (for labels over data).
fn boxed_text(
    root: &Area<'_>,
    s: &str,
    (x, y): (i32, i32),
    px: f64,
    h: HPos,
    col: RGBColor,
) -> Result<(), ChartError> {
    let w = text_width(s, px) as i32;
    let x0 = match h {
        HPos::Left => x,
        HPos::Center => x - w / 2,
        HPos::Right => x - w,
    };
    let hh = (px * 0.7) as i32 + 2;
    root.draw(&Rectangle::new(
        [(x0 - 3, y - hh), (x0 + w + 3, y + hh)],
        WHITE.mix(0.8).filled(),
    ))?;
    root.draw(&Text::new(
        s.to_string(),
        (x, y),
        anchored(font(px), h, VPos::Center).color(&col),
    ))?;
    Ok(())
}

/// Give each shortened text of an SVG its full text as a `<title>` (shown on hover):
/// `pairs` are (text as drawn, full text); texts drawn whole are left alone.
pub(crate) fn add_titles(mut svg: String, pairs: &[(String, String)]) -> String {
    let esc = |s: &str| {
        s.replace('&', "&amp;")
            .replace('<', "&lt;")
            .replace('>', "&gt;")
            .replace('"', "&quot;")
    };
    for (short, full) in pairs {
        if short == full {
            continue;
        }
        // plotters writes a text's content on its own line.
        let needle = format!(">\n{}\n</text>", esc(short));
        if let Some(i) = svg.find(&needle) {
            let with = format!("><title>{}</title>\n{}\n</text>", esc(full), esc(short));
            svg.replace_range(i..i + needle.len(), &with);
        }
    }
    svg
}

/// Draw the title and return the plot area: below the title (`th` px high), above the
/// legend (`lh` px high).
fn plot_area<'a>(
    root: &Area<'a>,
    title: &str,
    w: u32,
    h: u32,
    th: i32,
    lh: i32,
) -> Result<Area<'a>, ChartError> {
    draw_title(root, title, w)?;
    let (_, rest) = root.split_vertically(th);
    let (plot, _) = rest.split_vertically(h as i32 - th - lh);
    Ok(plot)
}

/// Tick label of a year axis: whole numbers only, nothing in between.
fn year_tick(v: &f64) -> String {
    if (v - v.round()).abs() < 1e-6 {
        format!("{v:.0}")
    } else {
        String::new()
    }
}

/// X range of a year axis from the first to the last year (a single year: ± 0.5).
fn year_range(x0: f64, x1: f64) -> Range<f64> {
    if x1 > x0 {
        x0..x1
    } else {
        (x0 - 0.5)..(x1 + 0.5)
    }
}

// ---------------------------------------------------------------- horizontal-bar rows

/// Axes of a horizontal-bar chart whose y coordinate is `n-1-i` for row i: the values
/// along x with grid lines, no y ticks, and room for row labels `lcw` px wide on the left.
fn row_chart<'a, 'b>(
    plot: &'a Area<'b>,
    xr: Range<f64>,
    n: usize,
    lcw: f64,
    x_desc: &str,
    x_fmt: &dyn Fn(&f64) -> String,
) -> Result<Chart<'a, 'b>, ChartError> {
    let y_fmt = |_: &f64| String::new();
    let mut chart = build(plot, xr, -0.6..(n as f64 - 0.4), (lcw + 16.0) as u32, 48)?;
    draw_mesh(
        &mut chart,
        &Mesh {
            x_desc,
            y_desc: "",
            x_fmt,
            y_fmt: &y_fmt,
            nx: 8,
            ny: 0,
            x_grid: true,
        },
    )?;
    Ok(chart)
}

/// Draw row labels (right-aligned, ellipsized) left of the plot for a
/// horizontal-bar chart whose y coordinate is `n-1-i` for row i.
fn row_labels(
    root: &Area<'_>,
    chart: &Chart<'_, '_>,
    rows: &[String],
    x_at: f64,
    max_px: f64,
) -> Result<(), ChartError> {
    let n = rows.len();
    for (i, r) in rows.iter().enumerate() {
        let (_, y) = chart.backend_coord(&(x_at, (n - 1 - i) as f64));
        let (pxr, _) = chart.plotting_area().get_pixel_range();
        root.draw(&Text::new(
            shortened(ellipsize(r, max_px, LABEL_PX + 0.5), r),
            (pxr.start - 8, y),
            anchored(font(LABEL_PX + 0.5), HPos::Right, VPos::Center),
        ))?;
    }
    Ok(())
}

fn label_col_width(rows: &[String]) -> f64 {
    rows.iter()
        .map(|r| text_width(r, LABEL_PX + 0.5))
        .fold(60.0, f64::max)
        .min(300.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    pub(super) fn texts(svg: &str) -> Vec<String> {
        let doc = roxmltree::Document::parse(svg).expect("SVG parses as XML");
        assert_eq!(doc.root_element().tag_name().name(), "svg");
        doc.descendants()
            .filter(|n| n.has_tag_name("text"))
            // The drawn text, not the full text of a <title> child.
            .map(|n| {
                n.children()
                    .filter(|c| c.is_text())
                    .filter_map(|c| c.text())
                    .collect::<String>()
                    .trim()
                    .to_string()
            })
            .collect()
    }

    pub(super) fn check(svg: &str, title: &str, unit: &str) {
        let t = texts(svg);
        assert!(
            t.iter().any(|s| s == title),
            "title {title:?} missing in {t:?}"
        );
        assert!(
            t.iter().any(|s| s.contains(unit)),
            "unit {unit:?} missing in {t:?}"
        );
        assert!(svg.contains(FONT_FAMILY));
    }

    #[test]
    fn a_flat_series_gets_a_readable_axis() {
        // A capacity held at 1,280 MW: from 0, not 1,279.90–1,280.10.
        assert_eq!(padded(1280.0, 1280.0, 0.08, true), 0.0..1408.0);
        let r = padded(1280.0, 1280.0, 0.08, false);
        assert_eq!(r, 1152.0..1408.0);
        assert_eq!(padded(-5.0, -5.0, 0.08, true), -5.5..0.0);
        // A varying series keeps its padding.
        let r = padded(100.0, 200.0, 0.1, false);
        assert!((r.start - 90.0).abs() < 1e-9 && (r.end - 210.0).abs() < 1e-9);
    }

    #[test]
    fn helpers() {
        assert_eq!(fmt_num(300.0), "300");
        assert_eq!(fmt_num(12.34), "12.3");
        assert_eq!(fmt_num(0.5), "0.5");
        assert_eq!(tick_decimals(0.0, 400.0, 8), 0);
        assert_eq!(tick_decimals(0.25, 0.95, 8), 1);
        assert_eq!(tick_decimals(0.0, 0.06, 8), 2);
        let lines = wrap("energy intensity effect", 90.0, 12.0);
        assert!(lines.len() >= 2 && lines.iter().all(|l| text_width(l, 12.0) <= 90.0));
        assert_eq!(wrap("能源强度效应", 40.0, 12.0), vec!["能源强", "度效应"]);
        assert!(text_width("中文", 10.0) > text_width("ab", 10.0));
    }
}
