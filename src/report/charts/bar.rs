//! Probability bars over categories (peak-year distribution).

use super::*;

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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::charts::tests::{check, texts};

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
}
