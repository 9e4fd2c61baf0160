//! Fan chart: quantile bands over years, targets, base year.

use super::*;

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
    /// The series' colour (a scenario's, [`crate::report::scenario_rgb`]); `None`: the palette's.
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
    let x_fmt = year_tick;
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
                // One series: its line is the median, and one entry says both.
                None if single => format!("{} · {}", s.label, lang.word(Word::Median)),
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
    if !single || fc.series[0].label.is_empty() {
        legend.push(legend_item(lang.word(Word::Median), Swatch::Line, key_c));
    }
    if fc.series.iter().any(|s| s.central.is_some()) {
        legend.push(legend_item(
            lang.word(Word::CentralRun),
            Swatch::Dashed,
            key_c,
        ));
    }
    if let Some((y, _)) = fc.base {
        // "2020 基数" / "2020 base": the base year of the scenario, whatever it is.
        let label = format!("{y} {}", lang.word(Word::Base));
        legend.push(legend_item(&label, Swatch::Dot, BLACK));
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
        let plot = plot_area(root, &fc.title, w, h, th, lh)?;
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::charts::tests::{check, texts};

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

    /// One series: its line and the median are one legend entry, not two lines that look alike.
    #[test]
    fn one_series_one_median_entry() {
        for lang in [Lang::Zh, Lang::En] {
            let mut f = fan_data();
            f.series.truncate(1);
            let t = texts(&fan_chart(&f, lang).unwrap());
            let median = lang.word(Word::Median);
            assert_eq!(t.iter().filter(|s| s.contains(median)).count(), 1, "{t:?}");
            assert!(t.contains(&format!("基准 · {median}")), "{t:?}");
            assert!(!t.contains(&"基准".to_string()), "{t:?}");
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
}
