//! Charts of `peakpath wedges`: the wedge chart (CO₂ avoided by each action, stacked
//! between the parent's and the scenario's paths) and a plain table as SVG (who leads how
//! much), so that `report --with` shows both.

use super::*;
use crate::report::html::escape;

/// Wedges of avoided CO₂ between two paths. `wedges[i].1[t]` is the CO₂ action `i`
/// avoids in `years[t]` (negative: it adds CO₂). Positive wedges are stacked upwards from
/// the scenario's path, negative ones downwards, so with no negative wedge the stack fills
/// exactly the gap up to the parent's path.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct WedgeChart {
    pub title: String,
    pub y_label: String,
    pub years: Vec<i32>,
    pub parent: (String, Vec<f64>),
    pub scenario: (String, Vec<f64>),
    pub wedges: Vec<(String, Vec<f64>)>,
    /// A year marked by a vertical line, with its label (the year the peak is due).
    pub mark: Option<(i32, String)>,
    /// Label of each path's peak marker, e.g. "峰值" / "peak".
    pub peak_label: String,
    /// Label of a path still at its highest in the last year, e.g. "至2035年未达峰".
    pub no_peak_label: String,
}

fn peak(v: &[f64]) -> usize {
    let mut best = 0;
    for (t, &x) in v.iter().enumerate() {
        if x > v[best] {
            best = t;
        }
    }
    best
}

/// The wedge chart.
pub fn wedge_chart(wc: &WedgeChart, lang: Lang) -> Result<String, ChartError> {
    let (w, h) = (WIDTH, HEIGHT + 60);
    let n = wc.years.len();
    if n == 0 || wc.parent.1.len() != n || wc.scenario.1.len() != n {
        return Err(ChartError::InvalidData(
            "wedge chart: paths != years".into(),
        ));
    }
    let mut bands: Vec<(usize, Vec<f64>, Vec<f64>)> = Vec::new();
    let mut up = wc.scenario.1.clone();
    let mut down = wc.scenario.1.clone();
    for (i, (name, vals)) in wc.wedges.iter().enumerate() {
        if vals.len() != n {
            return Err(ChartError::InvalidData(format!(
                "wedge '{name}': length != years"
            )));
        }
        if vals.iter().all(|v| *v == 0.0) {
            continue;
        }
        let (mut lo, mut hi) = (vec![0.0; n], vec![0.0; n]);
        for t in 0..n {
            let a = check_finite(name, vals[t])?;
            if a >= 0.0 {
                lo[t] = up[t];
                up[t] += a;
                hi[t] = up[t];
            } else {
                hi[t] = down[t];
                down[t] += a;
                lo[t] = down[t];
            }
        }
        bands.push((i, lo, hi));
    }
    for v in wc.parent.1.iter().chain(&wc.scenario.1) {
        check_finite("path", *v)?;
    }
    let all = up
        .iter()
        .chain(&down)
        .chain(&wc.parent.1)
        .chain(&wc.scenario.1)
        .copied();
    let (lo, hi) = min_max(all).unwrap_or((0.0, 1.0));
    let yr = padded(lo, hi, 0.08, false);
    let (x0, x1) = (wc.years[0] as f64, wc.years[n - 1] as f64);
    let dec = tick_decimals(yr.start, yr.end, 8);
    let y_fmt = move |v: &f64| fmt_tick(*v, dec);
    let x_fmt = year_tick;
    let yl = y_area_width(&[y_fmt(&yr.start), y_fmt(&yr.end)]);
    let mut legend: Vec<LegendItem> = bands
        .iter()
        .map(|(i, _, _)| legend_item(&wc.wedges[*i].0, Swatch::Rect(0.8), color(*i)))
        .collect();
    legend.push(legend_item(&wc.parent.0, Swatch::Dashed, TEXT));
    legend.push(legend_item(&wc.scenario.0, Swatch::Line, TEXT));
    let th = title_height(&wc.title, w);
    let lh = legend_height(&legend, w);
    render(w, h, |root| {
        let plot = plot_area(root, &wc.title, w, h, th, lh)?;
        let xr = year_range(x0, x1);
        let mut chart = build(&plot, xr, yr.clone(), yl, 48)?;
        draw_mesh(
            &mut chart,
            &Mesh {
                x_desc: lang.word(Word::Year),
                y_desc: &wc.y_label,
                x_fmt: &x_fmt,
                y_fmt: &y_fmt,
                nx: ((x1 - x0) as usize).clamp(1, 16),
                ny: 8,
                x_grid: true,
            },
        )?;
        let pts = |v: &[f64]| -> Vec<(f64, f64)> {
            wc.years
                .iter()
                .zip(v)
                .map(|(&y, &x)| (f64::from(y), x))
                .collect()
        };
        for (i, lo, hi) in &bands {
            let mut poly = pts(hi);
            poly.extend(pts(lo).into_iter().rev());
            chart.draw_series(std::iter::once(Polygon::new(
                poly,
                color(*i).mix(0.8).filled(),
            )))?;
        }
        chart.draw_series(std::iter::once(DashedPathElement::new(
            pts(&wc.parent.1),
            6,
            4,
            TEXT.stroke_width(2),
        )))?;
        chart.draw_series(LineSeries::new(pts(&wc.scenario.1), TEXT.stroke_width(2)))?;
        if let Some((y, label)) = &wc.mark {
            let x = f64::from(*y);
            chart.draw_series(std::iter::once(DashedPathElement::new(
                vec![(x, yr.start), (x, yr.end)],
                4,
                3,
                TARGET_C.stroke_width(2),
            )))?;
            let (px, py) = chart.backend_coord(&(x, yr.end));
            boxed_text(
                root,
                label,
                (px - 6, py + 12),
                LABEL_PX,
                HPos::Right,
                TARGET_C,
            )?;
        }
        let xpix = chart.plotting_area().get_pixel_range().0;
        let (plot_l, plot_r) = (xpix.start, xpix.end);
        for v in [&wc.parent.1, &wc.scenario.1] {
            let t = peak(v);
            let p = (f64::from(wc.years[t]), v[t]);
            let (px, py) = chart.backend_coord(&p);
            let label = if t + 1 == n && n > 1 {
                wc.no_peak_label.clone()
            } else {
                chart.draw_series(std::iter::once(Circle::new(p, 5, TARGET_C.filled())))?;
                format!("{} {} ({})", wc.peak_label, wc.years[t], fmt_num(v[t]))
            };
            let half = (text_width(&label, LABEL_PX) / 2.0) as i32 + 4;
            let (x, pos) = if px + half > plot_r {
                (px - 4, HPos::Right)
            } else if px - half < plot_l {
                (px + 4, HPos::Left)
            } else {
                (px, HPos::Center)
            };
            boxed_text(root, &label, (x, py - 14), LABEL_PX, pos, TEXT)?;
        }
        draw_legend(root, &legend, h as i32 - lh + 6, w)?;
        Ok(())
    })
}

/// A table drawn as SVG text: `header`, then `rows`; columns in `right` are right-aligned
/// (numbers). `note` is one line under the table.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct TableSvg {
    pub title: String,
    pub header: Vec<String>,
    pub rows: Vec<Vec<String>>,
    pub right: Vec<bool>,
    pub note: Option<String>,
}

/// Render a [`TableSvg`]; column widths follow the longest cell.
pub fn table_svg(t: &TableSvg) -> Result<String, ChartError> {
    let cols = t.header.len();
    if cols == 0 || t.rows.iter().any(|r| r.len() != cols) {
        return Err(ChartError::InvalidData("table: rows != header".into()));
    }
    let px = LABEL_PX + 0.5;
    let widths: Vec<f64> = (0..cols)
        .map(|c| {
            t.rows
                .iter()
                .map(|r| &r[c])
                .chain([&t.header[c]])
                .map(|s| text_width(s, px))
                .fold(40.0, f64::max)
                + 24.0
        })
        .collect();
    let table_w: f64 = widths.iter().sum();
    let w = (table_w + 40.0).max(f64::from(WIDTH)).ceil() as u32;
    let title = title_lines(&t.title, w);
    let row_h = 26.0;
    let top = 16.0 + 24.0 * title.len() as f64;
    let h = (top + row_h * (t.rows.len() + 1) as f64 + 44.0).ceil() as u32;
    let mut s = format!(
        "<svg width=\"{w}\" height=\"{h}\" viewBox=\"0 0 {w} {h}\" xmlns=\"http://www.w3.org/2000/svg\">\n\
         <rect x=\"0\" y=\"0\" width=\"{w}\" height=\"{h}\" fill=\"#FFFFFF\"/>\n"
    );
    let font = FONT_FAMILY;
    for (i, line) in title.iter().enumerate() {
        s += &format!(
            "<text x=\"{}\" y=\"{}\" text-anchor=\"middle\" font-family=\"{font}\" font-size=\"{TITLE_PX}\" font-weight=\"bold\" fill=\"#212121\">{}</text>\n",
            w / 2,
            28.0 + 24.0 * i as f64,
            escape(line)
        );
    }
    let x0 = (f64::from(w) - table_w) / 2.0;
    for (r, row) in std::iter::once(&t.header).chain(&t.rows).enumerate() {
        let y = top + row_h * r as f64;
        if r == 0 {
            s += &format!(
                "<rect x=\"{x0}\" y=\"{y}\" width=\"{table_w}\" height=\"{row_h}\" fill=\"#E8EEF5\"/>\n"
            );
        } else if r % 2 == 0 {
            s += &format!(
                "<rect x=\"{x0}\" y=\"{y}\" width=\"{table_w}\" height=\"{row_h}\" fill=\"#F6F6F6\"/>\n"
            );
        }
        let mut x = x0;
        for (c, cell) in row.iter().enumerate() {
            let right = t.right.get(c).copied().unwrap_or(false);
            let (tx, anchor) = if right {
                (x + widths[c] - 12.0, "end")
            } else {
                (x + 12.0, "start")
            };
            let weight = if r == 0 { " font-weight=\"bold\"" } else { "" };
            s += &format!(
                "<text x=\"{tx}\" y=\"{}\" text-anchor=\"{anchor}\" font-family=\"{font}\" font-size=\"{px}\"{weight} fill=\"#212121\">{}</text>\n",
                y + row_h * 0.68,
                escape(cell)
            );
            x += widths[c];
        }
    }
    if let Some(note) = &t.note {
        s += &format!(
            "<text x=\"{x0}\" y=\"{}\" font-family=\"{font}\" font-size=\"{}\" fill=\"#6E6E6E\">{}</text>\n",
            top + row_h * (t.rows.len() + 1) as f64 + 24.0,
            LABEL_PX,
            escape(note)
        );
    }
    s += "</svg>\n";
    Ok(s)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn chart() -> WedgeChart {
        WedgeChart {
            title: "各行动避免的能源活动CO₂".into(),
            y_label: "万t CO₂".into(),
            years: vec![2020, 2025, 2030],
            parent: ("基准情景".into(), vec![100.0, 110.0, 120.0]),
            scenario: ("规划情景".into(), vec![100.0, 100.0, 95.0]),
            wedges: vec![
                ("能源".into(), vec![0.0, 8.0, 20.0]),
                ("交通".into(), vec![0.0, 3.0, 6.0]),
                ("工业".into(), vec![0.0, -1.0, -1.0]),
                ("服务".into(), vec![0.0, 0.0, 0.0]),
            ],
            mark: Some((2030, "2030 达峰".into())),
            peak_label: "峰值".into(),
            no_peak_label: "至2030年未达峰".into(),
        }
    }

    #[test]
    fn wedges_fill_the_gap_and_zero_wedges_are_left_out() {
        let svg = wedge_chart(&chart(), Lang::Zh).unwrap();
        assert!(svg.starts_with("<svg"));
        for s in [
            "能源",
            "交通",
            "工业",
            "基准情景",
            "规划情景",
            "2030 达峰",
            "至2030年未达峰",
            "峰值 2020 (100)",
            "万t CO₂",
        ] {
            assert!(svg.contains(s), "{s}");
        }
        assert!(
            !svg.contains("服务"),
            "an all-zero wedge has no area and no legend entry"
        );
        let mut bad = chart();
        bad.wedges[0].1.pop();
        assert!(wedge_chart(&bad, Lang::Zh).is_err());
    }

    #[test]
    fn table_escapes_and_aligns() {
        let t = TableSvg {
            title: "牵头单位".into(),
            header: vec!["单位".into(), "ΔCO₂ (万t)".into()],
            rows: vec![vec!["县发展和改革局 <&>".into(), "-12.5".into()]],
            right: vec![false, true],
            note: Some("note".into()),
        };
        let svg = table_svg(&t).unwrap();
        assert!(svg.contains("县发展和改革局 &lt;&amp;&gt;"));
        assert!(svg.contains("text-anchor=\"end\""));
        assert!(roxmltree::Document::parse(&svg).is_ok());
    }
}
