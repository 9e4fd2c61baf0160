//! Scatter/line chart (PRIM peeling trajectory).

use super::*;

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
        let plot = plot_area(root, &xy.title, w, h, th, lh)?;
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
    use crate::report::charts::tests::check;

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
}
