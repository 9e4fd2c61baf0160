//! Stacked areas over years.

use super::*;

/// Stacked areas: `layers[i].1` has `years.len()` non-negative values, stacked
/// bottom-up in the given order.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct StackedArea {
    pub title: String,
    pub y_label: String,
    pub years: Vec<i32>,
    pub layers: Vec<(String, Vec<f64>)>,
}

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
    let x_fmt = year_tick;
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
        let plot = plot_area(root, &sa.title, w, h, th, lh)?;
        let xr = year_range(x0, x1);
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::charts::tests::{check, texts};

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
}
