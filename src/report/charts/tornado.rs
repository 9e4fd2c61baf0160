//! Tornado chart (one-at-a-time sensitivity).

use super::*;

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
        let plot = plot_area(root, &t.title, w, h, th, lh)?;
        let mut chart = row_chart(&plot, xr.clone(), n, lcw, &t.x_label, &x_fmt)?;
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::charts::tests::{check, texts};

    #[test]
    fn tornado_svg() {
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
    }
}
