//! Indicator board: one horizontal P(met) bar per indicator.

use super::*;

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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::charts::tests::{check, texts};

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
}
