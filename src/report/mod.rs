//! Every report, in one home: charts (SVG via plotters), PNG rasterisation (resvg), the
//! self-contained HTML pages, and the two builders that make them from a results folder.
//!
//! * [`run`]: the charts and the report of a run folder, made from its own files.
//! * [`compare`]: the report of a `compare` folder, and the charts `report --with` adds.
//! * [`charts`], [`boxchart`]: one chart kind a file, plain data in, SVG out.
//! * [`html`], [`compare_page`]: the pages, plain data in, HTML out.
//!
//! The renderers take plain data and return strings/bytes (the only I/O there is the
//! system-font discovery in [`png`]); only [`run`] and [`compare`] read and write files. All
//! user-facing labels are passed in already translated, except the generic chart words in
//! [`Word`], which are translated here via [`Lang`].

pub mod boxchart;
pub mod charts;
pub mod compare;
pub mod compare_page;
pub mod html;
pub mod png;
pub mod run;
pub mod style;

pub use boxchart::{BoxChart, BoxRow, box_chart};
pub use charts::{
    BarChart, BoardRow, FanChart, FanSeries, IndexBars, IndexSeries, StackedArea, Target, Tornado,
    TornadoRow, Waterfall, XyChart, XySeries, bar_chart_probabilities, fan_chart, index_bars,
    indicator_board, line_xy, message_chart, stacked_area, tornado, waterfall,
};
pub use html::{ReportData, render_report};
pub use png::{PngError, cjk_font_available, svg_to_png};
pub use style::{has_cjk, option_value, scenario_rgb, unit};

/// Font-family list written into every SVG `<text>`. CJK fonts first so that
/// Chinese renders in browsers and in resvg; the generic fallback last.
pub const FONT_FAMILY: &str = "Noto Sans CJK SC, Noto Sans SC, Source Han Sans SC, WenQuanYi Micro Hei, Microsoft YaHei, PingFang SC, Hiragino Sans GB, sans-serif";

/// Language of the generic chart words (also a command-line value: `zh`, `en`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum Lang {
    #[default]
    Zh,
    En,
}

/// Which files one drawing of a chart writes: the SVG, the PNG, or both, and in which
/// language it is drawn.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ChartOut {
    pub lang: Lang,
    pub svg: bool,
    pub png: bool,
}

impl From<bool> for ChartOut {
    /// The SVG, and the PNG when `png`, in the language the chart was drawn in.
    fn from(png: bool) -> Self {
        ChartOut {
            lang: Lang::Zh,
            svg: true,
            png,
        }
    }
}

/// The drawings of each chart, with a warning for the user. SVGs always keep the requested
/// language (a browser or viewer renders them with its own fonts). Chinese labels in a PNG
/// need a system font covering Chinese: without one (`cjk_font_available()` false) the PNGs
/// alone are drawn a second time, in English, and the warning says so.
pub fn chart_passes(lang: Lang, png: bool) -> (Vec<ChartOut>, Option<String>) {
    if lang == Lang::Zh && png && !cjk_font_available() {
        let w = "warning: no system font covering Chinese was found, so the PNG charts are labelled in English (the SVGs stay in Chinese; \
                 install e.g. fonts-wqy-microhei or fonts-noto-cjk for Chinese PNGs, or use --lang en)";
        (
            vec![
                ChartOut {
                    lang,
                    svg: true,
                    png: false,
                },
                ChartOut {
                    lang: Lang::En,
                    svg: false,
                    png: true,
                },
            ],
            Some(w.to_string()),
        )
    } else {
        (
            vec![ChartOut {
                lang,
                svg: true,
                png,
            }],
            None,
        )
    }
}

/// Whether PNGs of `lang` fall back to English (no system font covering Chinese).
pub fn png_falls_back(lang: Lang, png: bool) -> bool {
    lang == Lang::Zh && png && !cjk_font_available()
}

/// Generic chart words translated by this module.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Word {
    Median,
    Band50,
    Band90,
    CentralRun,
    /// The base year's value (the chart names the year beside it).
    Base,
    Target,
    Ceiling,
    Met,
    NotMet,
    Probability,
    Binding,
    NoTarget,
    RiskHigh,
    RiskMid,
    RiskLow,
    Increase,
    Decrease,
    Total,
    ParamLow,
    ParamHigh,
    BaseValue,
    Year,
}

impl Lang {
    pub fn word(self, w: Word) -> &'static str {
        use Word::*;
        match self {
            Lang::Zh => match w {
                Median => "中位数",
                Band50 => "50 % 区间",
                Band90 => "90 % 区间",
                CentralRun => "中心情景",
                Base => "基数",
                Target => "目标",
                Ceiling => "上限目标",
                Met => "达标",
                NotMet => "未达标",
                Probability => "概率",
                Binding => "约束性",
                NoTarget => "无目标/无数据",
                RiskHigh => "≥ 90 %",
                RiskMid => "50–90 %",
                RiskLow => "< 50 %",
                Increase => "增加",
                Decrease => "减少",
                Total => "合计",
                ParamLow => "参数取低值",
                ParamHigh => "参数取高值",
                BaseValue => "基准值",
                Year => "年份",
            },
            Lang::En => match w {
                Median => "median",
                Band50 => "50 % band",
                Band90 => "90 % band",
                CentralRun => "central run",
                Base => "base",
                Target => "target",
                Ceiling => "ceiling (target)",
                Met => "met",
                NotMet => "not met",
                Probability => "probability",
                Binding => "binding",
                NoTarget => "no target / no data",
                RiskHigh => "≥ 90 %",
                RiskMid => "50–90 %",
                RiskLow => "< 50 %",
                Increase => "increase",
                Decrease => "decrease",
                Total => "total",
                ParamLow => "parameter low",
                ParamHigh => "parameter high",
                BaseValue => "base value",
                Year => "year",
            },
        }
    }
}

/// Error from chart rendering.
#[derive(Debug, Clone, PartialEq)]
pub enum ChartError {
    /// Input data is inconsistent (length mismatch, nothing to draw, NaN ...).
    InvalidData(String),
    /// plotters failed while drawing.
    Draw(String),
}

impl std::fmt::Display for ChartError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ChartError::InvalidData(s) => write!(f, "invalid chart data: {s}"),
            ChartError::Draw(s) => write!(f, "chart drawing failed: {s}"),
        }
    }
}

impl std::error::Error for ChartError {}
