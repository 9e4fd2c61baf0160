//! Waterfall (LMDI decomposition).

use super::*;

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
        let plot = plot_area(root, &wf.title, w, h, th, lh)?;
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::charts::tests::{check, texts};

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
}
