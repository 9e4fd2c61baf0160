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

/// How the text beside a row's bar is laid out.
enum Value {
    /// One line beside the bar (or, with `inside`, in it, right-aligned, white).
    Line { text: String, inside: bool },
    /// The probability beside the bar and the note wrapped on lines under it.
    Below { head: String, lines: Vec<String> },
    /// Lines in place of a bar (a status chip's note, a row without a probability).
    Lines(Vec<String>),
}

const LINE_H: i32 = 15;
const NOTE_PX: f64 = 12.0;

/// Indicator board: one horizontal bar per row (P(met) in %), risk colours,
/// binding rows marked "★" and bold. Rows drawn in the given order; height
/// grows with the number of rows. No name is cut: a label wraps to as many lines as it
/// needs, and so does a note that does not fit beside its bar (the row grows).
pub fn indicator_board(rows: &[BoardRow], title: &str, lang: Lang) -> Result<String, ChartError> {
    let w = WIDTH;
    let label_px = 13.0;
    let max_label = 330.0;
    let labels: Vec<Vec<String>> = rows
        .iter()
        .map(|r| {
            let l = if r.binding {
                format!("★ {}", r.label)
            } else {
                r.label.clone()
            };
            wrap(&l, max_label, label_px)
        })
        .collect();
    let central = !rows.is_empty() && rows.iter().all(|r| r.central);
    let lw = labels
        .iter()
        .flatten()
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
    let x0 = 20 + lw + 12;
    let x1 = w as i32 - 70;
    let xp = |p: f64| x0 + ((x1 - x0) as f64 * p.clamp(0.0, 1.0)).round() as i32;
    let chip = x0 + 110;
    // The value beside each bar, laid out before the rows' heights are known.
    let values: Vec<Value> = rows
        .iter()
        .map(|r| match r.p_met {
            Some(p) if p.is_finite() && central => Value::Lines(match &r.note {
                Some(n) => wrap(n, (w as i32 - 12 - chip - 8) as f64, NOTE_PX),
                None => Vec::new(),
            }),
            Some(p) if p.is_finite() => {
                let head = pct(p);
                let t = match &r.note {
                    Some(n) => format!("{head}  {n}"),
                    None => head.clone(),
                };
                let room = (w as i32 - 12 - xp(p) - 6) as f64;
                let inside = (xp(p) - x0 - 12) as f64;
                if text_width(&t, NOTE_PX) <= room {
                    Value::Line {
                        text: t,
                        inside: false,
                    }
                } else if text_width(&t, NOTE_PX) <= inside {
                    Value::Line {
                        text: t,
                        inside: true,
                    }
                } else {
                    let n = r.note.as_deref().unwrap_or("");
                    Value::Below {
                        head,
                        lines: wrap(n.trim(), (w as i32 - 12 - x0) as f64, NOTE_PX),
                    }
                }
            }
            _ => {
                let t = r
                    .note
                    .clone()
                    .unwrap_or_else(|| lang.word(Word::NoTarget).to_string());
                Value::Lines(wrap(&t, (x1 - x0 - 12) as f64, NOTE_PX))
            }
        })
        .collect();
    // A row is as tall as its label or its value block, whichever is taller; 26 px for one line.
    let heights: Vec<i32> = labels
        .iter()
        .zip(&values)
        .map(|(l, v)| {
            let value_h = match v {
                Value::Line { .. } => 16,
                Value::Below { lines, .. } => 18 + LINE_H * lines.len() as i32,
                Value::Lines(lines) => 16.max(LINE_H * lines.len() as i32),
            };
            (LINE_H * l.len() as i32).max(value_h) + 10
        })
        .collect();
    let tops: Vec<i32> = heights
        .iter()
        .scan(top, |y, h| {
            let t = *y;
            *y += h;
            Some(t)
        })
        .collect();
    let bottom = top + heights.iter().sum::<i32>();
    let h = (bottom.max(top + 26) + axis_h + lh + 6) as u32;
    let axis_label = match lang {
        Lang::Zh => "达标概率 (%)",
        Lang::En => "probability target met (%)",
    };
    render(w, h, |root| {
        draw_title(root, title, w)?;
        // stripes
        for (i, (t, rh)) in tops.iter().zip(&heights).enumerate() {
            if i % 2 == 1 {
                root.draw(&Rectangle::new(
                    [(10, *t), (w as i32 - 10, t + rh)],
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
            let (rt, rh) = (tops[i], heights[i]);
            let mid = rt + rh / 2;
            let style = if r.binding {
                font_bold(label_px)
            } else {
                font(label_px)
            };
            // The label's lines, centred on the row.
            let ly = mid - LINE_H * (label.len() as i32 - 1) / 2;
            for (k, line) in label.iter().enumerate() {
                root.draw(&Text::new(
                    line.clone(),
                    (20, ly + LINE_H * k as i32),
                    anchored(style.clone(), HPos::Left, VPos::Center),
                ))?;
            }
            // Lines of a note, from `y` down.
            let lines_at = |lines: &[String], x: i32, y: i32, c: RGBColor| {
                for (k, line) in lines.iter().enumerate() {
                    root.draw(&Text::new(
                        line.clone(),
                        (x, y + LINE_H * k as i32),
                        anchored(font(NOTE_PX), HPos::Left, VPos::Center).color(&c),
                    ))?;
                }
                Ok::<_, ChartError>(())
            };
            match (r.p_met, &values[i]) {
                (Some(p), Value::Lines(lines)) if p.is_finite() && central => {
                    // Met / not met: a status chip and, beside it, the words and the note.
                    let met = p >= 0.5;
                    let (c, word) = if met {
                        (RISK_GREEN, lang.word(Word::Met))
                    } else {
                        (RISK_RED, lang.word(Word::NotMet))
                    };
                    root.draw(&Rectangle::new(
                        [(x0, mid - 9), (chip, mid + 9)],
                        c.filled(),
                    ))?;
                    root.draw(&Text::new(
                        format!("{} {word}", if met { "✓" } else { "✗" }),
                        ((x0 + chip) / 2, mid),
                        anchored(font_bold(12.0), HPos::Center, VPos::Center).color(&WHITE),
                    ))?;
                    let y = mid - LINE_H * (lines.len().max(1) as i32 - 1) / 2;
                    lines_at(lines, chip + 8, y, TEXT)?;
                }
                (Some(p), v) if p.is_finite() => {
                    let c = risk_color(Some(p));
                    let below = match v {
                        Value::Below { lines, .. } => lines.len() as i32,
                        _ => 0,
                    };
                    // The bar and the lines under it, centred on the row.
                    let cy = mid - LINE_H * below / 2;
                    root.draw(&Rectangle::new(
                        [(x0, cy - 8), (xp(p).max(x0 + 1), cy + 8)],
                        c.filled(),
                    ))?;
                    match v {
                        Value::Line { text, inside: true } => root.draw(&Text::new(
                            text.clone(),
                            (xp(p) - 6, cy),
                            anchored(font(NOTE_PX), HPos::Right, VPos::Center).color(&WHITE),
                        ))?,
                        Value::Line { text, .. } => root.draw(&Text::new(
                            text.clone(),
                            (xp(p) + 6, cy),
                            anchored(font(NOTE_PX), HPos::Left, VPos::Center),
                        ))?,
                        Value::Below { head, lines } => {
                            // The probability where it fits beside the bar, else in it.
                            let room = (w as i32 - 12 - xp(p) - 6) as f64;
                            if text_width(head, NOTE_PX) <= room {
                                root.draw(&Text::new(
                                    head.clone(),
                                    (xp(p) + 6, cy),
                                    anchored(font(NOTE_PX), HPos::Left, VPos::Center),
                                ))?;
                            } else {
                                root.draw(&Text::new(
                                    head.clone(),
                                    (xp(p) - 6, cy),
                                    anchored(font(NOTE_PX), HPos::Right, VPos::Center)
                                        .color(&WHITE),
                                ))?;
                            }
                            lines_at(lines, x0, cy + 8 + LINE_H / 2 + 2, TEXT)?;
                        }
                        Value::Lines(lines) => lines_at(lines, x0 + 6, cy, TEXT)?,
                    }
                }
                (_, v) => {
                    let lines = match v {
                        Value::Lines(l) => l.clone(),
                        _ => Vec::new(),
                    };
                    let n = lines.len().max(1) as i32;
                    let half = (LINE_H * n).max(16) / 2;
                    root.draw(&Rectangle::new(
                        [(x0, mid - half), (x1, mid + half)],
                        RISK_GREY.mix(0.35).filled(),
                    ))?;
                    lines_at(
                        &lines,
                        x0 + 6,
                        mid - LINE_H * (n - 1) / 2,
                        RGBColor(80, 80, 80),
                    )?;
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
        // No name is cut: the long label wraps, and its lines together are the whole name.
        assert!(t.iter().all(|s| !s.contains('…')), "{t:?}");
        let squeeze = |s: &str| s.chars().filter(|c| !c.is_whitespace()).collect::<String>();
        assert!(
            squeeze(&t.concat()).contains(&squeeze(&rows[8].label)),
            "{t:?}"
        );
        let first = t.iter().position(|s| s.starts_with("8 城镇")).unwrap();
        assert!(t[first + 1].ends_with("2025"), "{t:?}");
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
