//! Grouped horizontal index bars with CI whiskers (Sobol', Morris).

use super::*;

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
        let plot = plot_area(root, &ib.title, w, h, th, lh)?;
        let mut chart = row_chart(&plot, xr.clone(), n, lcw, &ib.x_label, &x_fmt)?;
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::charts::tests::{check, texts};

    #[test]
    fn index_bars_svg() {
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
}
