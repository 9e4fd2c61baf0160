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

// ---------------------------------------------------------------- data types

/// One fan (quantile bands over years). All vectors have `years.len()` entries.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct FanSeries {
    pub label: String,
    pub years: Vec<i32>,
    pub p5: Vec<f64>,
    pub p25: Vec<f64>,
    pub p50: Vec<f64>,
    pub p75: Vec<f64>,
    pub p95: Vec<f64>,
    pub central: Option<Vec<f64>>,
    /// The series' colour (a scenario's, [`super::scenario_rgb`]); `None`: the palette's.
    pub colour: Option<(u8, u8, u8)>,
}

/// Target marker. `label` is drawn as given; if empty, "目标 300"/"target 300"
/// is generated from `value`, with the target's own precision (118.74, not 119).
/// A `ceiling` (e.g. coal ≤ 23.92 万t) is drawn as a dashed line from its year to the
/// end of the chart instead of a point.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Target {
    pub year: i32,
    pub value: f64,
    pub label: String,
    pub ceiling: bool,
}

/// A target value as written in the plan: up to 4 decimals, no trailing zeros.
pub fn target_text(v: f64) -> String {
    trim_zeros(format!("{v:.4}"))
}

/// Fan chart; several series overlay on the same axes (scenario comparison).
/// `y_label` must carry the unit, e.g. "排放量（万t CO₂）".
#[derive(Debug, Clone, PartialEq, Default)]
pub struct FanChart {
    pub title: String,
    pub y_label: String,
    pub series: Vec<FanSeries>,
    pub base: Option<(i32, f64)>,
    pub targets: Vec<Target>,
}

/// Probability bars over categories (peak-year distribution: one bar per year,
/// categories may also be e.g. "2060后"). Values are probabilities in 0..=1;
/// `percent` shows the axis in %. `note` is one line of text shown on the chart,
/// e.g. "P(2030年前达峰) = 73.2 %".
#[derive(Debug, Clone, PartialEq, Default)]
pub struct BarChart {
    pub title: String,
    pub x_label: String,
    pub y_label: String,
    pub bars: Vec<(String, f64)>,
    pub note: Option<String>,
    pub percent: bool,
}

/// One row of the indicator board. `p_met` in 0..=1; `None` = no target / no
/// value (drawn grey with `note`, or a generic "no target" text).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct BoardRow {
    pub label: String,
    pub p_met: Option<f64>,
    pub binding: bool,
    pub note: Option<String>,
    /// A central run: `p_met` is 1 (met) or 0 (not met), drawn as met / not met, not as a
    /// probability (a board whose rows are all central is a status board).
    pub central: bool,
}

/// Stacked areas: `layers[i].1` has `years.len()` non-negative values, stacked
/// bottom-up in the given order.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct StackedArea {
    pub title: String,
    pub y_label: String,
    pub years: Vec<i32>,
    pub layers: Vec<(String, Vec<f64>)>,
}

/// Tornado row: output value with the parameter at its low / high setting.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct TornadoRow {
    pub label: String,
    pub low: f64,
    pub high: f64,
}

/// One-at-a-time sensitivity; rows drawn top-down in the given order (caller
/// sorts by swing). `x_label` carries the output unit.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Tornado {
    pub title: String,
    pub x_label: String,
    pub base: f64,
    pub rows: Vec<TornadoRow>,
    /// Values at or above the threshold are a category, not a number: ticks and the base
    /// value there show the label instead (a peak year of a run that has not peaked).
    pub category_from: Option<(f64, String)>,
}

/// One index series (e.g. "S1", "ST", "μ*"): `values[i]` belongs to row i;
/// `ci` optional `(lo, hi)` per row drawn as whiskers.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct IndexSeries {
    pub name: String,
    pub values: Vec<f64>,
    pub ci: Option<Vec<(f64, f64)>>,
}

/// Grouped horizontal bars with optional CI whiskers (Sobol S1/ST, Morris μ*).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct IndexBars {
    pub title: String,
    pub x_label: String,
    pub rows: Vec<String>,
    pub series: Vec<IndexSeries>,
}

/// Waterfall (LMDI): start bar, effects (positive red, negative green), end
/// bar. `end` = None → start + Σ effects.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Waterfall {
    pub title: String,
    pub y_label: String,
    pub start: (String, f64),
    pub effects: Vec<(String, f64)>,
    pub end_label: String,
    pub end: Option<f64>,
}

/// One xy series; `point_labels` empty or one per point (empty strings skipped).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct XySeries {
    pub label: String,
    pub points: Vec<(f64, f64)>,
    pub point_labels: Vec<String>,
    pub line: bool,
}

/// Simple scatter/line chart (PRIM peeling trajectory: coverage vs density).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct XyChart {
    pub title: String,
    pub x_label: String,
    pub y_label: String,
    pub series: Vec<XySeries>,
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

/// Like [`ellipsize`] but keeps the last space-separated token (e.g. the
/// target year in "8 绿色建筑占比 2025").
fn ellipsize_keep_tail(s: &str, max_px: f64, px: f64) -> String {
    if text_width(s, px) <= max_px {
        return s.to_string();
    }
    match s.trim_end().rsplit_once(' ') {
        Some((head, tail)) if text_width(tail, px) < max_px * 0.4 => {
            let head = ellipsize(head, max_px - text_width(tail, px) - 0.3 * px, px);
            format!("{head} {tail}")
        }
        _ => ellipsize(s, max_px, px),
    }
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

// ---------------------------------------------------------------- 1 fan chart

/// Fan chart: 90 % band (p5–p95), 50 % band (p25–p75), median, optional
/// central run (dashed), 2020 base marker, target markers with labels.
pub fn fan_chart(fc: &FanChart, lang: Lang) -> Result<String, ChartError> {
    fan_chart_sized(fc, lang, WIDTH, HEIGHT)
}

/// [`fan_chart`] with explicit size in px.
pub fn fan_chart_sized(fc: &FanChart, lang: Lang, w: u32, h: u32) -> Result<String, ChartError> {
    if fc.series.is_empty() {
        return Err(ChartError::InvalidData("fan chart without series".into()));
    }
    let mut xs: Vec<f64> = Vec::new();
    let mut ys: Vec<f64> = Vec::new();
    for s in &fc.series {
        let n = s.years.len();
        let lens = [
            s.p5.len(),
            s.p25.len(),
            s.p50.len(),
            s.p75.len(),
            s.p95.len(),
        ];
        if n == 0
            || lens.iter().any(|&l| l != n)
            || s.central.as_ref().is_some_and(|c| c.len() != n)
        {
            return Err(ChartError::InvalidData(format!(
                "fan series '{}': vectors must all have {} entries",
                s.label, n
            )));
        }
        xs.extend(s.years.iter().map(|&y| y as f64));
        for v in s.p5.iter().chain(&s.p95).chain(&s.p50) {
            ys.push(check_finite(&s.label, *v)?);
        }
        if let Some(c) = &s.central {
            ys.extend(c.iter().copied().filter(|v| v.is_finite()));
        }
    }
    if let Some((y, v)) = fc.base {
        xs.push(y as f64);
        ys.push(v);
    }
    for t in &fc.targets {
        xs.push(t.year as f64);
        ys.push(t.value);
    }
    let (x0, x1) = min_max(xs).unwrap_or((2020.0, 2030.0));
    let (y0, y1) = min_max(ys).unwrap_or((0.0, 1.0));
    let xr = (x0 - 0.5)..(x1 + 0.5);
    let yr = padded(y0, y1, 0.08, true);
    let dec = tick_decimals(yr.start, yr.end, 8);
    let y_fmt = move |v: &f64| fmt_tick(*v, dec);
    let x_fmt = |v: &f64| {
        if (v - v.round()).abs() < 1e-6 {
            format!("{v:.0}")
        } else {
            String::new()
        }
    };
    let yl = y_area_width(&[y_fmt(&yr.start), y_fmt(&yr.end)]);

    // legend
    let single = fc.series.len() == 1;
    let mut legend: Vec<LegendItem> = Vec::new();
    let series_c = |i: usize| {
        fc.series[i]
            .colour
            .map_or(color(i), |(r, g, b)| RGBColor(r, g, b))
    };
    // A series that matches an earlier one within 1 % of the value range (e.g. hydro in the
    // plan and enhanced scenarios) is not drawn over it: its median is dashed in its own
    // colour on the earlier one's, and the legend says "≈".
    let tol = 0.01 * (y1 - y0).abs();
    let same_as: Vec<Option<usize>> = fc
        .series
        .iter()
        .enumerate()
        .map(|(j, b)| {
            fc.series[..j].iter().position(|a| {
                a.years == b.years
                    && [
                        (&a.p5, &b.p5),
                        (&a.p25, &b.p25),
                        (&a.p50, &b.p50),
                        (&a.p75, &b.p75),
                        (&a.p95, &b.p95),
                    ]
                    .iter()
                    .all(|(x, y)| x.iter().zip(y.iter()).all(|(u, v)| (u - v).abs() <= tol))
            })
        })
        .collect();
    for (i, s) in fc.series.iter().enumerate() {
        if !s.label.is_empty() {
            let label = match same_as[i] {
                Some(k) if lang == Lang::Zh => format!("{}(≈{})", s.label, fc.series[k].label),
                Some(k) => format!("{} (≈ {})", s.label, fc.series[k].label),
                None => s.label.clone(),
            };
            legend.push(legend_item(&label, Swatch::Line, series_c(i)));
        }
    }
    let key_c = if single { series_c(0) } else { MUTED };
    legend.push(legend_item(
        lang.word(Word::Band90),
        Swatch::Rect(0.15),
        key_c,
    ));
    legend.push(legend_item(
        lang.word(Word::Band50),
        Swatch::Rect(0.38),
        key_c,
    ));
    legend.push(legend_item(lang.word(Word::Median), Swatch::Line, key_c));
    if fc.series.iter().any(|s| s.central.is_some()) {
        legend.push(legend_item(
            lang.word(Word::CentralRun),
            Swatch::Dashed,
            key_c,
        ));
    }
    if fc.base.is_some() {
        legend.push(legend_item(lang.word(Word::Base2020), Swatch::Dot, BLACK));
    }
    if fc.targets.iter().any(|t| !t.ceiling) {
        legend.push(legend_item(
            lang.word(Word::Target),
            Swatch::Bullseye,
            TARGET_C,
        ));
    }
    if fc.targets.iter().any(|t| t.ceiling) {
        legend.push(legend_item(
            lang.word(Word::Ceiling),
            Swatch::Dashed,
            TARGET_C,
        ));
    }

    let th = title_height(&fc.title, w);
    let lh = legend_height(&legend, w);
    render(w, h, |root| {
        draw_title(root, &fc.title, w)?;
        let (_, rest) = root.split_vertically(th);
        let (plot, _) = rest.split_vertically(h as i32 - th - lh);
        let mut chart = build(&plot, xr.clone(), yr.clone(), yl, 48)?;
        let span = (x1 - x0) as usize;
        draw_mesh(
            &mut chart,
            &Mesh {
                x_desc: lang.word(Word::Year),
                y_desc: &fc.y_label,
                x_fmt: &x_fmt,
                y_fmt: &y_fmt,
                nx: span.clamp(1, 10),
                ny: 8,
                x_grid: true,
            },
        )?;
        for (i, s) in fc.series.iter().enumerate() {
            if same_as[i].is_some() {
                continue;
            }
            let c = series_c(i);
            // Overlaid fans: lighter fills plus an outline of each band, so overlapping or
            // identical scenarios stay readable instead of blending into one band.
            let (a90, a50) = if single { (0.15, 0.38) } else { (0.10, 0.20) };
            for (lo, hi, a, dash) in [(&s.p5, &s.p95, a90, 3), (&s.p25, &s.p75, a50, 0)] {
                let mut poly: Vec<(f64, f64)> = s
                    .years
                    .iter()
                    .zip(hi)
                    .map(|(&y, &v)| (y as f64, v))
                    .collect();
                poly.extend(s.years.iter().zip(lo).rev().map(|(&y, &v)| (y as f64, v)));
                chart.draw_series(std::iter::once(Polygon::new(poly, c.mix(a).filled())))?;
                if !single {
                    for edge in [lo, hi] {
                        let pts = s.years.iter().zip(edge).map(|(&y, &v)| (y as f64, v));
                        if dash > 0 {
                            chart.draw_series(DashedLineSeries::new(
                                pts,
                                dash,
                                dash,
                                c.mix(0.7).stroke_width(1),
                            ))?;
                        } else {
                            chart.draw_series(LineSeries::new(pts, c.mix(0.7).stroke_width(1)))?;
                        }
                    }
                }
            }
        }
        for (i, s) in fc.series.iter().enumerate() {
            let c = series_c(i);
            let median = s.years.iter().zip(&s.p50).map(|(&y, &v)| (y as f64, v));
            if same_as[i].is_some() {
                chart.draw_series(DashedLineSeries::new(median, 10, 10, c.stroke_width(3)))?;
                continue;
            }
            // Earlier series' medians are wider, so a median lying on another still shows
            // as a coloured edge around it.
            let n = fc.series.len() as u32;
            chart.draw_series(LineSeries::new(
                median,
                c.stroke_width(2 + 2 * (n - 1 - i as u32)),
            ))?;
            if let Some(cen) = &s.central {
                let dark = RGBColor(c.0 / 2, c.1 / 2, c.2 / 2);
                chart.draw_series(DashedLineSeries::new(
                    s.years
                        .iter()
                        .zip(cen)
                        .filter(|(_, v)| v.is_finite())
                        .map(|(&y, &v)| (y as f64, v)),
                    6,
                    4,
                    dark.stroke_width(2),
                ))?;
            }
        }
        let (px_range, py_range) = chart.plotting_area().get_pixel_range();
        if let Some((y, v)) = fc.base {
            let p = chart.backend_coord(&(y as f64, v));
            root.draw(&Circle::new(p, 6, WHITE.filled()))?;
            root.draw(&Circle::new(p, 5, BLACK.filled()))?;
        }
        // targets: dedupe identical, label above (below if no room)
        let mut seen: Vec<(i32, i64)> = Vec::new();
        let mut boxes: Vec<(i32, i32, i32, i32)> = Vec::new();
        for t in &fc.targets {
            let key = (t.year, (t.value * 1e6).round() as i64);
            if seen.contains(&key) {
                continue;
            }
            seen.push(key);
            let p = chart.backend_coord(&(t.year as f64, t.value));
            if t.ceiling {
                // A ceiling holds from its year on: one dashed line, labelled once.
                if seen.iter().any(|&(y, v)| {
                    y < t.year && v == key.1 && fc.targets.iter().any(|o| o.ceiling && o.year == y)
                }) {
                    continue;
                }
                let end = chart.backend_coord(&(xr.end, t.value));
                root.draw(&DashedPathElement::new(
                    vec![p, end],
                    8,
                    5,
                    TARGET_C.stroke_width(2),
                ))?;
                root.draw(&Circle::new(p, 3, TARGET_C.filled()))?;
            } else {
                root.draw(&Circle::new(p, 7, TARGET_C.stroke_width(2)))?;
                root.draw(&Circle::new(p, 2, TARGET_C.filled()))?;
            }
            let label = if !t.label.is_empty() {
                t.label.clone()
            } else if t.ceiling {
                format!("{} ≤ {}", lang.word(Word::Target), target_text(t.value))
            } else {
                format!("{} {}", lang.word(Word::Target), target_text(t.value))
            };
            let tw = text_width(&label, 12.0) as i32;
            let mut cx =
                p.0.clamp(px_range.start + tw / 2 + 4, px_range.end - tw / 2 - 4);
            let mut cy = p.1 - 18;
            if cy - 10 < py_range.start {
                cy = p.1 + 18;
            }
            // avoid earlier target labels
            for _ in 0..3 {
                let clash = boxes.iter().any(|&(bx0, by0, bx1, by1)| {
                    cx - tw / 2 < bx1 && cx + tw / 2 > bx0 && cy - 9 < by1 && cy + 9 > by0
                });
                if !clash {
                    break;
                }
                cy -= 20;
                cx = cx.clamp(px_range.start + tw / 2 + 4, px_range.end - tw / 2 - 4);
            }
            boxes.push((cx - tw / 2, cy - 9, cx + tw / 2, cy + 9));
            boxed_text(root, &label, (cx, cy), 12.0, HPos::Center, TARGET_C)?;
        }
        draw_legend(root, &legend, h as i32 - lh + 6, w)?;
        Ok(())
    })
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

// ---------------------------------------------------------------- message chart

/// A chart with nothing to plot that says why in words (e.g. an outcome that is the same
/// in every run has no sensitivity), instead of an empty frame.
pub fn message_chart(title: &str, message: &str) -> Result<String, ChartError> {
    let (w, h) = (WIDTH, 200);
    render(w, h, |root| {
        draw_title(root, title, w)?;
        let th = title_height(title, w);
        root.draw(&Rectangle::new(
            [(20, th + 10), (w as i32 - 20, h as i32 - 20)],
            RGBColor(250, 246, 230).filled(),
        ))?;
        root.draw(&Rectangle::new(
            [(20, th + 10), (w as i32 - 20, h as i32 - 20)],
            RGBColor(220, 180, 80).stroke_width(1),
        ))?;
        for (i, line) in wrap(message, w as f64 - 80.0, 15.0)
            .iter()
            .take(6)
            .enumerate()
        {
            root.draw(&Text::new(
                line.clone(),
                (40, th + 30 + 24 * i as i32),
                anchored(font(15.0), HPos::Left, VPos::Top),
            ))?;
        }
        Ok(())
    })
}

// ---------------------------------------------------------------- 2 probability bars

/// Vertical probability bars over categories (peak-year distribution).
pub fn bar_chart_probabilities(bc: &BarChart, lang: Lang) -> Result<String, ChartError> {
    let _ = lang;
    let (w, h) = (WIDTH, HEIGHT);
    if bc.bars.is_empty() {
        return Err(ChartError::InvalidData("bar chart without bars".into()));
    }
    for (k, v) in &bc.bars {
        check_finite(k, *v)?;
    }
    let n = bc.bars.len();
    let vmax = bc.bars.iter().map(|b| b.1).fold(0.0, f64::max);
    let top = (vmax * 1.15).min(1.0).max(vmax).max(0.05);
    let percent = bc.percent;
    let dec = if percent {
        tick_decimals(0.0, top * 100.0, 6)
    } else {
        tick_decimals(0.0, top, 6)
    };
    let y_fmt = move |v: &f64| {
        if percent {
            fmt_tick(v * 100.0, dec)
        } else {
            fmt_tick(*v, dec)
        }
    };
    let x_fmt = |_: &f64| String::new();
    let yl = y_area_width(&[y_fmt(&top), y_fmt(&0.0)]);
    let th = title_height(&bc.title, w);
    let note_h = if bc.note.is_some() { 26 } else { 0 };
    render(w, h, |root| {
        draw_title(root, &bc.title, w)?;
        if let Some(note) = &bc.note {
            root.draw(&Text::new(
                note.clone(),
                ((w / 2) as i32, th + 2),
                anchored(font_bold(14.0), HPos::Center, VPos::Top).color(&RGBColor(20, 60, 120)),
            ))?;
        }
        let (_, plot) = root.split_vertically(th + note_h);
        let mut chart = build(&plot, -0.6..(n as f64 - 0.4), 0.0..top, yl, 48)?;
        draw_mesh(
            &mut chart,
            &Mesh {
                x_desc: &bc.x_label,
                y_desc: &bc.y_label,
                x_fmt: &x_fmt,
                y_fmt: &y_fmt,
                nx: 0,
                ny: 6,
                x_grid: false,
            },
        )?;
        let c = color(0);
        chart.draw_series(bc.bars.iter().enumerate().map(|(i, (_, v))| {
            Rectangle::new([(i as f64 - 0.38, 0.0), (i as f64 + 0.38, *v)], c.filled())
        }))?;
        let (pxr, _) = chart.plotting_area().get_pixel_range();
        let slot = (pxr.end - pxr.start) as f64 / n as f64;
        let maxw = bc
            .bars
            .iter()
            .map(|b| text_width(&b.0, LABEL_PX))
            .fold(0.0, f64::max);
        let step = ((maxw + 8.0) / slot).ceil().max(1.0) as usize;
        for (i, (k, v)) in bc.bars.iter().enumerate() {
            let (x, y) = chart.backend_coord(&(i as f64, 0.0));
            if (i % step == 0 && n - 1 - i >= step) || i == n - 1 {
                root.draw(&PathElement::new(
                    vec![(x, y), (x, y + 4)],
                    MUTED.stroke_width(1),
                ))?;
                root.draw(&Text::new(
                    k.clone(),
                    (x, y + 7),
                    anchored(font(LABEL_PX), HPos::Center, VPos::Top),
                ))?;
            }
            let vt = if percent { pct(*v) } else { fmt_num(*v) };
            if text_width(&vt, 11.0) + 4.0 < slot && *v > 0.0 {
                let (x, y) = chart.backend_coord(&(i as f64, *v));
                root.draw(&Text::new(
                    vt,
                    (x, y - 3),
                    anchored(font(11.0), HPos::Center, VPos::Bottom),
                ))?;
            }
        }
        Ok(())
    })
}

// ---------------------------------------------------------------- 3 indicator board

fn risk_color(p: Option<f64>) -> RGBColor {
    match p {
        Some(p) if p >= 0.9 => RISK_GREEN,
        Some(p) if p >= 0.5 => RISK_AMBER,
        Some(_) => RISK_RED,
        None => RISK_GREY,
    }
}

/// Indicator board: one horizontal bar per row (P(met) in %), risk colours,
/// binding rows marked "★" and bold. Rows drawn in the given order; height
/// grows with the number of rows.
pub fn indicator_board(rows: &[BoardRow], title: &str, lang: Lang) -> Result<String, ChartError> {
    let w = WIDTH;
    let row_h = 26;
    let label_px = 13.0;
    let max_label = 330.0;
    let labels: Vec<String> = rows
        .iter()
        .map(|r| {
            let l = if r.binding {
                format!("★ {}", r.label)
            } else {
                r.label.clone()
            };
            // "name year — assumption": shorten the name, keep the year and the assumption
            // whole when they fit in half the column; the full text goes into a <title>.
            let short = match l.split_once(" — ") {
                Some((head, tail))
                    if text_width(&l, label_px) > max_label
                        && text_width(tail, label_px) < 0.65 * max_label =>
                {
                    let tail = format!(" — {tail}");
                    let room = max_label - text_width(&tail, label_px);
                    format!("{}{tail}", ellipsize_keep_tail(head, room, label_px))
                }
                _ => ellipsize_keep_tail(&l, max_label, label_px),
            };
            shortened(short, &l)
        })
        .collect();
    let central = !rows.is_empty() && rows.iter().all(|r| r.central);
    let lw = labels
        .iter()
        .map(|l| text_width(l, label_px))
        .fold(80.0, f64::max)
        .min(max_label) as i32;
    let mut legend = if central {
        vec![
            legend_item(lang.word(Word::Met), Swatch::Rect(1.0), RISK_GREEN),
            legend_item(lang.word(Word::NotMet), Swatch::Rect(1.0), RISK_RED),
        ]
    } else {
        vec![
            legend_item(lang.word(Word::RiskHigh), Swatch::Rect(1.0), RISK_GREEN),
            legend_item(lang.word(Word::RiskMid), Swatch::Rect(1.0), RISK_AMBER),
            legend_item(lang.word(Word::RiskLow), Swatch::Rect(1.0), RISK_RED),
        ]
    };
    legend.extend([
        legend_item(lang.word(Word::NoTarget), Swatch::Rect(1.0), RISK_GREY),
        legend_item(
            &format!("★ {}", lang.word(Word::Binding)),
            Swatch::Rect(0.0),
            WHITE,
        ),
    ]);
    let th = title_height(title, w);
    let lh = legend_height(&legend, w);
    let top = th + 6;
    let axis_h = if central { 10 } else { 50 };
    let h = (top + row_h * rows.len().max(1) as i32 + axis_h + lh + 6) as u32;
    let x0 = 20 + lw + 12;
    let x1 = w as i32 - 70;
    let xp = |p: f64| x0 + ((x1 - x0) as f64 * p.clamp(0.0, 1.0)).round() as i32;
    let bottom = top + row_h * rows.len() as i32;
    let axis_label = match lang {
        Lang::Zh => "达标概率 (%)",
        Lang::En => "probability target met (%)",
    };
    render(w, h, |root| {
        draw_title(root, title, w)?;
        // stripes
        for i in 0..rows.len() as i32 {
            if i % 2 == 1 {
                root.draw(&Rectangle::new(
                    [
                        (10, top + i * row_h),
                        (w as i32 - 10, top + (i + 1) * row_h),
                    ],
                    RGBColor(246, 246, 246).filled(),
                ))?;
            }
        }
        // grid + ticks (a status board has no probability axis)
        for k in 0..=4 {
            if central {
                break;
            }
            let p = k as f64 / 4.0;
            let x = xp(p);
            root.draw(&PathElement::new(
                vec![(x, top), (x, bottom)],
                GRID.stroke_width(1),
            ))?;
            root.draw(&PathElement::new(
                vec![(x, bottom), (x, bottom + 4)],
                MUTED.stroke_width(1),
            ))?;
            root.draw(&Text::new(
                format!("{}", k * 25),
                (x, bottom + 7),
                anchored(font(LABEL_PX), HPos::Center, VPos::Top),
            ))?;
        }
        for p in [0.5, 0.9] {
            if central {
                break;
            }
            let x = xp(p);
            root.draw(&DashedPathElement::new(
                vec![(x, top), (x, bottom)],
                4,
                3,
                MUTED.stroke_width(1),
            ))?;
        }
        if !central {
            root.draw(&PathElement::new(
                vec![(x0, bottom), (x1, bottom)],
                MUTED.stroke_width(1),
            ))?;
            root.draw(&Text::new(
                axis_label.to_string(),
                ((x0 + x1) / 2, bottom + 26),
                anchored(font(DESC_PX), HPos::Center, VPos::Top),
            ))?;
        }
        for (i, (r, label)) in rows.iter().zip(&labels).enumerate() {
            let cy = top + i as i32 * row_h + row_h / 2;
            let style = if r.binding {
                font_bold(label_px)
            } else {
                font(label_px)
            };
            root.draw(&Text::new(
                label.clone(),
                (20, cy),
                anchored(style, HPos::Left, VPos::Center),
            ))?;
            match r.p_met {
                Some(p) if p.is_finite() && central => {
                    // Met / not met: a status chip and, beside it, the words and the note.
                    let met = p >= 0.5;
                    let (c, word) = if met {
                        (RISK_GREEN, lang.word(Word::Met))
                    } else {
                        (RISK_RED, lang.word(Word::NotMet))
                    };
                    let chip = x0 + 110;
                    root.draw(&Rectangle::new([(x0, cy - 9), (chip, cy + 9)], c.filled()))?;
                    root.draw(&Text::new(
                        format!("{} {word}", if met { "✓" } else { "✗" }),
                        ((x0 + chip) / 2, cy),
                        anchored(font_bold(12.0), HPos::Center, VPos::Center).color(&WHITE),
                    ))?;
                    if let Some(n) = &r.note {
                        let t = shortened(ellipsize(n, (w as i32 - 12 - chip - 8) as f64, 12.0), n);
                        root.draw(&Text::new(
                            t,
                            (chip + 8, cy),
                            anchored(font(12.0), HPos::Left, VPos::Center),
                        ))?;
                    }
                }
                Some(p) if p.is_finite() => {
                    let c = risk_color(Some(p));
                    root.draw(&Rectangle::new(
                        [(x0, cy - 8), (xp(p).max(x0 + 1), cy + 8)],
                        c.filled(),
                    ))?;
                    let mut t = pct(p);
                    if let Some(n) = &r.note {
                        t = format!("{t}  {n}");
                    }
                    // Beside the bar where it fits, else inside it (white on the bar's colour).
                    let room = (w as i32 - 12 - xp(p) - 6) as f64;
                    if text_width(&t, 12.0) <= room || xp(p) - x0 < 120 {
                        let short = shortened(ellipsize(&t, room, 12.0), &t);
                        root.draw(&Text::new(
                            short,
                            (xp(p) + 6, cy),
                            anchored(font(12.0), HPos::Left, VPos::Center),
                        ))?;
                    } else {
                        let inside = (xp(p) - x0 - 12) as f64;
                        let short = shortened(ellipsize(&t, inside, 12.0), &t);
                        root.draw(&Text::new(
                            short,
                            (xp(p) - 6, cy),
                            anchored(font(12.0), HPos::Right, VPos::Center).color(&WHITE),
                        ))?;
                    }
                }
                _ => {
                    root.draw(&Rectangle::new(
                        [(x0, cy - 8), (x1, cy + 8)],
                        RISK_GREY.mix(0.35).filled(),
                    ))?;
                    let t = r
                        .note
                        .clone()
                        .unwrap_or_else(|| lang.word(Word::NoTarget).to_string());
                    let t = shortened(ellipsize(&t, (x1 - x0 - 12) as f64, 12.0), &t);
                    root.draw(&Text::new(
                        t,
                        (x0 + 6, cy),
                        anchored(font(12.0), HPos::Left, VPos::Center).color(&RGBColor(80, 80, 80)),
                    ))?;
                }
            }
        }
        draw_legend(root, &legend, h as i32 - lh + 4, w)?;
        Ok(())
    })
}

// ---------------------------------------------------------------- 4 stacked area

/// Stacked areas over years with legend (e.g. energy CO₂ by source).
pub fn stacked_area(sa: &StackedArea, lang: Lang) -> Result<String, ChartError> {
    let (w, h) = (WIDTH, HEIGHT);
    let n = sa.years.len();
    if n == 0 || sa.layers.is_empty() {
        return Err(ChartError::InvalidData("stacked area without data".into()));
    }
    let mut cum = vec![0.0; n];
    let mut bands: Vec<(Vec<f64>, Vec<f64>)> = Vec::new();
    for (name, vals) in &sa.layers {
        if vals.len() != n {
            return Err(ChartError::InvalidData(format!(
                "layer '{name}': length != years"
            )));
        }
        let lo = cum.clone();
        for (c, v) in cum.iter_mut().zip(vals) {
            *c += check_finite(name, *v)?;
        }
        bands.push((lo, cum.clone()));
    }
    let (ymin, ymax) =
        min_max(bands.iter().flat_map(|(a, b)| a.iter().chain(b).copied())).unwrap_or((0.0, 1.0));
    let yr = padded(ymin.min(0.0), ymax, 0.06, true);
    let (x0, x1) = min_max(sa.years.iter().map(|&y| y as f64)).unwrap_or((0.0, 1.0));
    let dec = tick_decimals(yr.start, yr.end, 8);
    let y_fmt = move |v: &f64| fmt_tick(*v, dec);
    let x_fmt = |v: &f64| {
        if (v - v.round()).abs() < 1e-6 {
            format!("{v:.0}")
        } else {
            String::new()
        }
    };
    let yl = y_area_width(&[y_fmt(&yr.start), y_fmt(&yr.end)]);
    let legend: Vec<LegendItem> = sa
        .layers
        .iter()
        .enumerate()
        .map(|(i, (l, _))| legend_item(l, Swatch::Rect(0.85), color(i)))
        .collect();
    let th = title_height(&sa.title, w);
    let lh = legend_height(&legend, w);
    render(w, h, |root| {
        draw_title(root, &sa.title, w)?;
        let (_, rest) = root.split_vertically(th);
        let (plot, _) = rest.split_vertically(h as i32 - th - lh);
        let xr = if x1 > x0 {
            x0..x1
        } else {
            (x0 - 0.5)..(x1 + 0.5)
        };
        let mut chart = build(&plot, xr, yr.clone(), yl, 48)?;
        draw_mesh(
            &mut chart,
            &Mesh {
                x_desc: lang.word(Word::Year),
                y_desc: &sa.y_label,
                x_fmt: &x_fmt,
                y_fmt: &y_fmt,
                nx: ((x1 - x0) as usize).clamp(1, 10),
                ny: 8,
                x_grid: true,
            },
        )?;
        for (i, (lo, hi)) in bands.iter().enumerate() {
            let mut poly: Vec<(f64, f64)> = sa
                .years
                .iter()
                .zip(hi)
                .map(|(&y, &v)| (y as f64, v))
                .collect();
            poly.extend(sa.years.iter().zip(lo).rev().map(|(&y, &v)| (y as f64, v)));
            chart.draw_series(std::iter::once(Polygon::new(
                poly,
                color(i).mix(0.85).filled(),
            )))?;
            chart.draw_series(LineSeries::new(
                sa.years.iter().zip(hi).map(|(&y, &v)| (y as f64, v)),
                WHITE.stroke_width(1),
            ))?;
        }
        draw_legend(root, &legend, h as i32 - lh + 6, w)?;
        Ok(())
    })
}

// ---------------------------------------------------------------- 5 sensitivity

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

/// Tornado chart: per row, bars from the base value to the output at the
/// parameter's low (blue) and high (orange) setting; base drawn as a line.
pub fn tornado(t: &Tornado, lang: Lang) -> Result<String, ChartError> {
    let w = WIDTH;
    let n = t.rows.len();
    if n == 0 {
        return Err(ChartError::InvalidData("tornado without rows".into()));
    }
    let h = HEIGHT.max((140 + 30 * n) as u32);
    check_finite("base", t.base)?;
    for r in &t.rows {
        check_finite(&r.label, r.low)?;
        check_finite(&r.label, r.high)?;
    }
    let (lo, hi) =
        min_max(t.rows.iter().flat_map(|r| [r.low, r.high]).chain([t.base])).unwrap_or((0.0, 1.0));
    let xr = padded(lo, hi, 0.06, false);
    let dec = tick_decimals(xr.start, xr.end, 8);
    let category = t.category_from.clone();
    let shown = move |v: f64, f: &dyn Fn(f64) -> String| match &category {
        Some((from, label)) if v >= *from - 1e-9 => label.clone(),
        _ => f(v),
    };
    let x_fmt = |v: &f64| shown(*v, &|x| fmt_tick(x, dec));
    let y_fmt = |_: &f64| String::new();
    let rows: Vec<String> = t.rows.iter().map(|r| r.label.clone()).collect();
    let lcw = label_col_width(&rows);
    let (c_low, c_high) = (color(0), color(1));
    let legend = vec![
        legend_item(lang.word(Word::ParamLow), Swatch::Rect(1.0), c_low),
        legend_item(lang.word(Word::ParamHigh), Swatch::Rect(1.0), c_high),
        legend_item(
            &format!("{} {}", lang.word(Word::BaseValue), shown(t.base, &fmt_num)),
            Swatch::Line,
            TEXT,
        ),
    ];
    let th = title_height(&t.title, w);
    let lh = legend_height(&legend, w);
    render(w, h, |root| {
        draw_title(root, &t.title, w)?;
        let (_, rest) = root.split_vertically(th);
        let (plot, _) = rest.split_vertically(h as i32 - th - lh);
        let mut chart = build(
            &plot,
            xr.clone(),
            -0.6..(n as f64 - 0.4),
            (lcw + 16.0) as u32,
            48,
        )?;
        draw_mesh(
            &mut chart,
            &Mesh {
                x_desc: &t.x_label,
                y_desc: "",
                x_fmt: &x_fmt,
                y_fmt: &y_fmt,
                nx: 8,
                ny: 0,
                x_grid: true,
            },
        )?;
        for (i, r) in t.rows.iter().enumerate() {
            let y = (n - 1 - i) as f64;
            for (v, c) in [(r.low, c_low), (r.high, c_high)] {
                let (a, b) = if v < t.base { (v, t.base) } else { (t.base, v) };
                chart.draw_series(std::iter::once(Rectangle::new(
                    [(a, y - 0.32), (b, y + 0.32)],
                    c.filled(),
                )))?;
            }
        }
        chart.draw_series(std::iter::once(PathElement::new(
            vec![(t.base, -0.6), (t.base, n as f64 - 0.4)],
            TEXT.stroke_width(2),
        )))?;
        row_labels(root, &chart, &rows, t.base, lcw)?;
        draw_legend(root, &legend, h as i32 - lh + 6, w)?;
        Ok(())
    })
}

/// Grouped horizontal index bars with CI whiskers: Sobol (series "S1", "ST")
/// or Morris (series "μ*"). Rows top-down in the given order.
pub fn index_bars(ib: &IndexBars, lang: Lang) -> Result<String, ChartError> {
    let _ = lang;
    let w = WIDTH;
    let n = ib.rows.len();
    let k = ib.series.len();
    if n == 0 || k == 0 {
        return Err(ChartError::InvalidData("index bars without data".into()));
    }
    for s in &ib.series {
        if s.values.len() != n || s.ci.as_ref().is_some_and(|c| c.len() != n) {
            return Err(ChartError::InvalidData(format!(
                "series '{}': length != rows",
                s.name
            )));
        }
    }
    let h = HEIGHT.max((130 + (14 * k as i32 + 12) * n as i32) as u32);
    let all = ib.series.iter().flat_map(|s| {
        s.values
            .iter()
            .copied()
            .chain(s.ci.iter().flatten().flat_map(|&(a, b)| [a, b]))
    });
    let (lo, hi) = min_max(all.chain([0.0])).unwrap_or((0.0, 1.0));
    let xr = padded(lo, hi, 0.05, true);
    let dec = tick_decimals(xr.start, xr.end, 8);
    let x_fmt = move |v: &f64| fmt_tick(*v, dec);
    let y_fmt = |_: &f64| String::new();
    let lcw = label_col_width(&ib.rows);
    let legend: Vec<LegendItem> = ib
        .series
        .iter()
        .enumerate()
        .map(|(i, s)| legend_item(&s.name, Swatch::Rect(0.85), color(i)))
        .collect();
    let th = title_height(&ib.title, w);
    let lh = legend_height(&legend, w);
    render(w, h, |root| {
        draw_title(root, &ib.title, w)?;
        let (_, rest) = root.split_vertically(th);
        let (plot, _) = rest.split_vertically(h as i32 - th - lh);
        let mut chart = build(
            &plot,
            xr.clone(),
            -0.6..(n as f64 - 0.4),
            (lcw + 16.0) as u32,
            48,
        )?;
        draw_mesh(
            &mut chart,
            &Mesh {
                x_desc: &ib.x_label,
                y_desc: "",
                x_fmt: &x_fmt,
                y_fmt: &y_fmt,
                nx: 8,
                ny: 0,
                x_grid: true,
            },
        )?;
        let group = 0.8;
        let bh = group / k as f64;
        for (j, s) in ib.series.iter().enumerate() {
            let c = color(j);
            for i in 0..n {
                // first series on top within the group
                let yc = (n - 1 - i) as f64 + group / 2.0 - bh * (j as f64 + 0.5);
                let v = s.values[i];
                if v.is_finite() {
                    chart.draw_series(std::iter::once(Rectangle::new(
                        [(0.0, yc - bh * 0.42), (v, yc + bh * 0.42)],
                        c.mix(0.85).filled(),
                    )))?;
                }
                if let Some((a, b)) = s.ci.as_ref().map(|c| c[i])
                    && a.is_finite()
                    && b.is_finite()
                {
                    let cap = bh * 0.25;
                    let st = TEXT.stroke_width(1);
                    chart.draw_series([
                        PathElement::new(vec![(a, yc), (b, yc)], st),
                        PathElement::new(vec![(a, yc - cap), (a, yc + cap)], st),
                        PathElement::new(vec![(b, yc - cap), (b, yc + cap)], st),
                    ])?;
                }
            }
        }
        if xr.start < 0.0 {
            chart.draw_series(std::iter::once(PathElement::new(
                vec![(0.0, -0.6), (0.0, n as f64 - 0.4)],
                MUTED.stroke_width(1),
            )))?;
        }
        row_labels(root, &chart, &ib.rows, 0.0, lcw)?;
        draw_legend(root, &legend, h as i32 - lh + 6, w)?;
        Ok(())
    })
}

// ---------------------------------------------------------------- 6 waterfall

/// Waterfall (LMDI decomposition): start, effects (increase red, decrease
/// green), end.
pub fn waterfall(wf: &Waterfall, lang: Lang) -> Result<String, ChartError> {
    let (w, h) = (WIDTH, HEIGHT);
    check_finite(&wf.start.0, wf.start.1)?;
    for (k, v) in &wf.effects {
        check_finite(k, *v)?;
    }
    let end = wf
        .end
        .unwrap_or(wf.start.1 + wf.effects.iter().map(|e| e.1).sum::<f64>());
    check_finite(&wf.end_label, end)?;
    // bars: (label, from, to, colour)
    let mut bars: Vec<(String, f64, f64, RGBColor)> =
        vec![(wf.start.0.clone(), 0.0, wf.start.1, TOTAL_C)];
    let mut level = wf.start.1;
    for (k, v) in &wf.effects {
        let c = if *v >= 0.0 { RED_UP } else { GREEN_DOWN };
        bars.push((k.clone(), level, level + v, c));
        level += v;
    }
    bars.push((wf.end_label.clone(), 0.0, end, TOTAL_C));
    let n = bars.len();
    let levels: Vec<f64> = bars
        .iter()
        .skip(1)
        .take(n - 2)
        .flat_map(|b| [b.1, b.2])
        .chain([wf.start.1, end])
        .collect();
    let (lmin, lmax) = min_max(levels.iter().copied()).unwrap_or((0.0, 1.0));
    // Bars start at 0, always: a truncated axis would exaggerate the effects (the value
    // labels carry the exact numbers).
    let floor_zero = true;
    let span = (lmax - lmin).max(lmax.abs() * 1e-3).max(1e-9);
    let ylo = if floor_zero {
        lmin.min(0.0) - if lmin < 0.0 { 0.12 * span } else { 0.0 }
    } else {
        lmin - 0.25 * span
    };
    let yhi = lmax.max(0.0) + 0.12 * (lmax.max(0.0) - ylo);
    let ylo = if ylo < 0.0 {
        ylo - 0.05 * (yhi - ylo)
    } else {
        ylo
    };
    for b in bars.iter_mut() {
        if b.1 == 0.0 && !floor_zero {
            b.1 = ylo;
        }
    }
    let dec = tick_decimals(ylo, yhi, 8);
    let y_fmt = move |v: &f64| fmt_tick(*v, dec);
    let x_fmt = |_: &f64| String::new();
    let yl = y_area_width(&[y_fmt(&ylo), y_fmt(&yhi)]);
    let legend = vec![
        legend_item(lang.word(Word::Increase), Swatch::Rect(1.0), RED_UP),
        legend_item(lang.word(Word::Decrease), Swatch::Rect(1.0), GREEN_DOWN),
    ];
    let th = title_height(&wf.title, w);
    let lh = legend_height(&legend, w);
    // category labels may wrap to 3 lines
    let plot_w = w as f64 - yl as f64 - 36.0;
    let slot = plot_w / n as f64;
    let cat_lines: Vec<Vec<String>> = bars
        .iter()
        .map(|b| {
            let mut l = wrap(&b.0, slot - 6.0, LABEL_PX);
            if l.len() > 3 {
                l.truncate(3);
                l[2] = shortened(ellipsize(&format!("{}…", l[2]), slot - 6.0, LABEL_PX), &b.0);
            }
            l
        })
        .collect();
    let max_lines = cat_lines.iter().map(|l| l.len()).max().unwrap_or(1) as u32;
    let x_area = 12 + 16 * max_lines + 24;
    render(w, h, |root| {
        draw_title(root, &wf.title, w)?;
        let (_, rest) = root.split_vertically(th);
        let (plot, _) = rest.split_vertically(h as i32 - th - lh);
        let mut chart = build(&plot, -0.6..(n as f64 - 0.4), ylo..yhi, yl, x_area)?;
        draw_mesh(
            &mut chart,
            &Mesh {
                x_desc: "",
                y_desc: &wf.y_label,
                x_fmt: &x_fmt,
                y_fmt: &y_fmt,
                nx: 0,
                ny: 8,
                x_grid: false,
            },
        )?;
        for (i, (_, a, b, c)) in bars.iter().enumerate() {
            let x = i as f64;
            chart.draw_series(std::iter::once(Rectangle::new(
                [(x - 0.35, *a), (x + 0.35, *b)],
                c.filled(),
            )))?;
            if i + 1 < n {
                chart.draw_series(std::iter::once(DashedPathElement::new(
                    vec![(x + 0.35, *b), (x + 0.65, *b)],
                    3,
                    2,
                    MUTED.stroke_width(1),
                )))?;
            }
            let is_total = i == 0 || i == n - 1;
            let d = b - a;
            let txt = if is_total {
                fmt_num(*b)
            } else if d >= 0.0 {
                format!("+{}", fmt_num(d))
            } else {
                fmt_num(d)
            };
            let (px, py) = if is_total || d >= 0.0 {
                let p = chart.backend_coord(&(x, a.max(*b)));
                (p.0, p.1 - 4)
            } else {
                let p = chart.backend_coord(&(x, a.min(*b)));
                (p.0, p.1 + 14)
            };
            root.draw(&Text::new(
                txt,
                (px, py),
                anchored(font(11.5), HPos::Center, VPos::Bottom),
            ))?;
            let (cx, cy) = chart.backend_coord(&(x, ylo));
            for (li, line) in cat_lines[i].iter().enumerate() {
                root.draw(&Text::new(
                    line.clone(),
                    (cx, cy + 8 + 16 * li as i32),
                    anchored(font(LABEL_PX), HPos::Center, VPos::Top),
                ))?;
            }
        }
        if ylo < 0.0 {
            chart.draw_series(std::iter::once(PathElement::new(
                vec![(-0.6, 0.0), (n as f64 - 0.4, 0.0)],
                MUTED.stroke_width(1),
            )))?;
        }
        draw_legend(root, &legend, h as i32 - lh + 6, w)?;
        Ok(())
    })
}

// ---------------------------------------------------------------- 7 xy chart

/// Scatter/line chart with optional point labels (labels that would overlap
/// an earlier one are skipped).
pub fn line_xy(xy: &XyChart, lang: Lang) -> Result<String, ChartError> {
    let _ = lang;
    let (w, h) = (WIDTH, HEIGHT);
    if xy.series.iter().all(|s| s.points.is_empty()) {
        return Err(ChartError::InvalidData("xy chart without points".into()));
    }
    for s in &xy.series {
        if !s.point_labels.is_empty() && s.point_labels.len() != s.points.len() {
            return Err(ChartError::InvalidData(format!(
                "series '{}': labels != points",
                s.label
            )));
        }
    }
    let pts = || xy.series.iter().flat_map(|s| s.points.iter().copied());
    let (xa, xb) = min_max(pts().map(|p| p.0)).unwrap_or((0.0, 1.0));
    let (ya, yb) = min_max(pts().map(|p| p.1)).unwrap_or((0.0, 1.0));
    let xr = padded(xa, xb, 0.06, false);
    let yr = padded(ya, yb, 0.08, false);
    let xd = tick_decimals(xr.start, xr.end, 8);
    let yd = tick_decimals(yr.start, yr.end, 8);
    let x_fmt = move |v: &f64| fmt_tick(*v, xd);
    let y_fmt = move |v: &f64| fmt_tick(*v, yd);
    let yl = y_area_width(&[y_fmt(&yr.start), y_fmt(&yr.end)]);
    let legend: Vec<LegendItem> =
        if xy.series.len() > 1 || xy.series.iter().any(|s| !s.label.is_empty()) {
            xy.series
                .iter()
                .enumerate()
                .map(|(i, s)| {
                    legend_item(
                        &s.label,
                        if s.line { Swatch::Line } else { Swatch::Dot },
                        color(i),
                    )
                })
                .collect()
        } else {
            Vec::new()
        };
    let th = title_height(&xy.title, w);
    let lh = legend_height(&legend, w);
    render(w, h, |root| {
        draw_title(root, &xy.title, w)?;
        let (_, rest) = root.split_vertically(th);
        let (plot, _) = rest.split_vertically(h as i32 - th - lh);
        let mut chart = build(&plot, xr.clone(), yr.clone(), yl, 48)?;
        draw_mesh(
            &mut chart,
            &Mesh {
                x_desc: &xy.x_label,
                y_desc: &xy.y_label,
                x_fmt: &x_fmt,
                y_fmt: &y_fmt,
                nx: 8,
                ny: 8,
                x_grid: true,
            },
        )?;
        for (i, s) in xy.series.iter().enumerate() {
            let c = color(i);
            if s.line {
                chart.draw_series(LineSeries::new(s.points.iter().copied(), c.stroke_width(2)))?;
            }
            chart.draw_series(s.points.iter().map(|&p| Circle::new(p, 4, c.filled())))?;
        }
        let (pxr, pyr) = chart.plotting_area().get_pixel_range();
        let mut boxes: Vec<(i32, i32, i32, i32)> = xy
            .series
            .iter()
            .flat_map(|s| s.points.iter())
            .map(|p| {
                let (x, y) = chart.backend_coord(p);
                (x - 5, y - 5, x + 5, y + 5)
            })
            .collect();
        for s in &xy.series {
            for (p, l) in s.points.iter().zip(&s.point_labels) {
                if l.is_empty() {
                    continue;
                }
                let (x, y) = chart.backend_coord(p);
                let tw = text_width(l, 11.0) as i32;
                let cands = [
                    (x + 7, y - 10, HPos::Left),
                    (x - 7, y - 10, HPos::Right),
                    (x + 7, y + 10, HPos::Left),
                    (x - 7, y + 10, HPos::Right),
                ];
                for (lx, ly, hp) in cands {
                    let bx0 = if matches!(hp, HPos::Left) {
                        lx
                    } else {
                        lx - tw
                    };
                    let b = (bx0, ly - 7, bx0 + tw, ly + 7);
                    let inside =
                        b.0 >= pxr.start && b.2 <= pxr.end && b.1 >= pyr.start && b.3 <= pyr.end;
                    let clash = boxes
                        .iter()
                        .any(|o| b.0 < o.2 && b.2 > o.0 && b.1 < o.3 && b.3 > o.1);
                    if inside && !clash {
                        boxes.push(b);
                        boxed_text(root, l, (lx, ly), 11.0, hp, TEXT)?;
                        break;
                    }
                }
            }
        }
        draw_legend(root, &legend, h as i32 - lh + 6, w)?;
        Ok(())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(svg: &str) -> Vec<String> {
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

    fn check(svg: &str, title: &str, unit: &str) {
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

    fn fan_data() -> FanChart {
        let years: Vec<i32> = (2020..=2030).collect();
        let p50: Vec<f64> = years
            .iter()
            .map(|&y| 300.0 + (y - 2020) as f64 * 4.0)
            .collect();
        let s = |label: &str, d: f64| FanSeries {
            label: label.into(),
            years: years.clone(),
            p5: p50.iter().map(|v| v - 20.0 + d).collect(),
            p25: p50.iter().map(|v| v - 8.0 + d).collect(),
            p50: p50.iter().map(|v| v + d).collect(),
            p75: p50.iter().map(|v| v + 8.0 + d).collect(),
            p95: p50.iter().map(|v| v + 20.0 + d).collect(),
            central: Some(p50.iter().map(|v| v + 1.0 + d).collect()),
            colour: None,
        };
        FanChart {
            title: "碳排放扇形图".into(),
            y_label: "排放量（万t CO₂）".into(),
            series: vec![s("基准", 0.0), s("强化", -15.0)],
            base: Some((2020, 300.0)),
            targets: vec![
                Target {
                    ceiling: false,
                    year: 2025,
                    value: 310.0,
                    label: String::new(),
                },
                Target {
                    ceiling: false,
                    year: 2030,
                    value: 330.0,
                    label: "目标 330".into(),
                },
            ],
        }
    }

    #[test]
    fn fan_chart_svg() {
        for lang in [Lang::Zh, Lang::En] {
            let svg = fan_chart(&fan_data(), lang).unwrap();
            check(&svg, "碳排放扇形图", "万t CO₂");
            let t = texts(&svg);
            let target = format!("{} 310", lang.word(Word::Target));
            assert!(t.contains(&target), "{t:?}");
            assert!(t.contains(&lang.word(Word::Band90).to_string()));
            assert!(t.contains(&"强化".to_string()));
        }
    }

    #[test]
    fn fan_chart_rejects_bad_lengths() {
        let mut f = fan_data();
        f.series[0].p95.pop();
        assert!(matches!(
            fan_chart(&f, Lang::En),
            Err(ChartError::InvalidData(_))
        ));
        f.series.clear();
        assert!(fan_chart(&f, Lang::En).is_err());
    }

    #[test]
    fn bar_chart_svg() {
        let bc = BarChart {
            title: "达峰年份分布".into(),
            x_label: "年份".into(),
            y_label: "概率（%）".into(),
            bars: (2021..=2060).map(|y| (y.to_string(), 1.0 / 40.0)).collect(),
            note: Some("P(2030年前达峰) = 73.2 %".into()),
            percent: true,
        };
        let svg = bar_chart_probabilities(&bc, Lang::Zh).unwrap();
        check(&svg, "达峰年份分布", "概率（%）");
        let t = texts(&svg);
        assert!(t.contains(&"P(2030年前达峰) = 73.2 %".to_string()));
        assert!(t.contains(&"2060".to_string()), "last category labelled");
    }

    #[test]
    fn indicator_board_svg() {
        let mut rows: Vec<BoardRow> = (0..30)
            .map(|i| BoardRow {
                label: format!("{i} 非化石能源消费比重 {}", 2025 + 5 * (i % 2)),
                p_met: Some(i as f64 / 30.0),
                binding: i < 6,
                note: None,
                central: false,
            })
            .collect();
        rows[7].p_met = None;
        rows[7].note = Some("无目标".into());
        rows[8].label =
            "8 城镇新建建筑中绿色建筑占比（含装配式建筑及超低能耗建筑等等很长的标签） 2025".into();
        let svg = indicator_board(&rows, "指标看板 <&>", Lang::Zh).unwrap();
        check(&svg, "指标看板 <&>", "%");
        let t = texts(&svg);
        assert!(t.contains(&"★ 0 非化石能源消费比重 2025".to_string()));
        assert!(t.contains(&"无目标".to_string()));
        assert!(
            t.iter()
                .any(|s| s.starts_with("8 城镇") && s.ends_with("… 2025")),
            "{t:?}"
        );
        // The shortened label keeps its full text in a <title>.
        assert!(svg.contains(&format!("<title>{}</title>", rows[8].label)));
        // height grows with rows
        let doc = roxmltree::Document::parse(&svg).unwrap();
        let h: i32 = doc
            .root_element()
            .attribute("height")
            .unwrap()
            .parse()
            .unwrap();
        assert!(h > 30 * 26);
        assert!(svg.contains("fill=\"#D62728\"") || svg.contains("#D62728"));
    }

    #[test]
    fn stacked_area_svg() {
        let sa = StackedArea {
            title: "Energy CO₂ by source".into(),
            y_label: "emissions (10⁴ t CO₂)".into(),
            years: vec![2020, 2021, 2022],
            layers: vec![
                ("coal".into(), vec![1.0, 2.0, 3.0]),
                ("煤炭".into(), vec![1.0, 1.0, 1.0]),
            ],
        };
        let svg = stacked_area(&sa, Lang::En).unwrap();
        check(&svg, "Energy CO₂ by source", "10⁴ t CO₂");
        assert!(texts(&svg).contains(&"煤炭".to_string()));
    }

    #[test]
    fn tornado_and_index_bars_svg() {
        let t = Tornado {
            title: "敏感性".into(),
            x_label: "2030年排放（万t CO₂）".into(),
            base: 100.0,
            rows: vec![
                TornadoRow {
                    label: "GDP 增速".into(),
                    low: 90.0,
                    high: 115.0,
                },
                TornadoRow {
                    label: "能耗强度".into(),
                    low: 95.0,
                    high: 104.0,
                },
            ],
            category_from: None,
        };
        check(&tornado(&t, Lang::Zh).unwrap(), "敏感性", "万t CO₂");
        // A peak year: a run that has not peaked (2036 for 2020–2035) is shown in words.
        let py = Tornado {
            title: "peak".into(),
            x_label: "peak year".into(),
            base: 2036.0,
            rows: vec![TornadoRow {
                label: "growth".into(),
                low: 2027.0,
                high: 2036.0,
            }],
            category_from: Some((2036.0, "not peaked by 2035".into())),
        };
        let svg = tornado(&py, Lang::En).unwrap();
        let words = texts(&svg);
        assert!(
            words.iter().any(|w| w.contains("not peaked by 2035")),
            "{words:?}"
        );
        assert!(!words.iter().any(|w| w.contains("2036")), "{words:?}");
        let ib = IndexBars {
            title: "Sobol".into(),
            x_label: "index (–)".into(),
            rows: vec!["a".into(), "b".into()],
            series: vec![
                IndexSeries {
                    name: "S1".into(),
                    values: vec![0.5, 0.1],
                    ci: Some(vec![(0.4, 0.6), (0.0, 0.2)]),
                },
                IndexSeries {
                    name: "ST".into(),
                    values: vec![0.6, 0.2],
                    ci: None,
                },
            ],
        };
        let svg = index_bars(&ib, Lang::En).unwrap();
        check(&svg, "Sobol", "index (–)");
        assert!(texts(&svg).contains(&"ST".to_string()));
        let mut bad = ib.clone();
        bad.series[0].values.pop();
        assert!(index_bars(&bad, Lang::En).is_err());
    }

    #[test]
    fn waterfall_svg() {
        let wf = Waterfall {
            title: "LMDI 分解".into(),
            y_label: "排放变化（万t CO₂）".into(),
            start: ("2020".into(), 300.0),
            effects: vec![("规模效应".into(), 80.0), ("强度效应".into(), -50.0)],
            end_label: "2030".into(),
            end: None,
        };
        let svg = waterfall(&wf, Lang::Zh).unwrap();
        check(&svg, "LMDI 分解", "万t CO₂");
        let t = texts(&svg);
        assert!(
            t.contains(&"+80".to_string())
                && t.contains(&"-50".to_string())
                && t.contains(&"330".to_string())
        );
        // A zero-based axis: the totals stand on 0, not on a truncated axis.
        assert!(t.contains(&"0".to_string()), "{t:?}");
        // A label cut to fit keeps its full text in a <title>.
        let long = "Carbon factor of imported electricity from the provincial grid".to_string();
        let wf = Waterfall {
            effects: vec![(long.clone(), -5.0); 6],
            ..wf
        };
        let svg = waterfall(&wf, Lang::En).unwrap();
        let doc = roxmltree::Document::parse(&svg).unwrap();
        assert!(
            doc.descendants()
                .any(|n| n.has_tag_name("title") && n.text() == Some(long.as_str()))
        );
    }

    #[test]
    fn line_xy_svg() {
        let xy = XyChart {
            title: "PRIM 剥离轨迹".into(),
            x_label: "覆盖率（–）".into(),
            y_label: "密度（–）".into(),
            series: vec![XySeries {
                label: String::new(),
                points: vec![(1.0, 0.3), (0.8, 0.5), (0.5, 0.8)],
                point_labels: vec!["0".into(), String::new(), "2".into()],
                line: true,
            }],
        };
        let svg = line_xy(&xy, Lang::Zh).unwrap();
        check(&svg, "PRIM 剥离轨迹", "密度（–）");
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

/// Charts of `peakpath wedges`.
pub mod wedge;
