//! The box PRIM chose, drawn: one row per restricted input, its sampled range as a grey bar
//! and the box's part of it in colour, with the bounds written out (full text in `<title>`).

use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, VPos};

use super::ChartError;
use super::charts::{
    WIDTH, anchored, draw_title, ellipsize, font, render, shortened, target_text, text_width,
    title_height,
};

/// One input of the box: its name, the range its runs span, the box's bounds (`None`: that
/// side is unrestricted) and the bounds as text (e.g. "≥ 0.0335 fraction per year").
#[derive(Debug, Clone, PartialEq)]
pub struct BoxRow {
    pub label: String,
    pub min: f64,
    pub max: f64,
    pub lower: Option<f64>,
    pub upper: Option<f64>,
    pub text: String,
}

/// The PRIM box chart; `note` is one line under the title (coverage, density).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct BoxChart {
    pub title: String,
    pub note: String,
    pub rows: Vec<BoxRow>,
}

const ROW: i32 = 46;
const LABEL_W: f64 = 290.0;

/// Draw the box chart: 800 px wide, one 46 px row per input.
pub fn box_chart(bc: &BoxChart) -> Result<String, ChartError> {
    if bc.rows.is_empty() {
        return Err(ChartError::InvalidData("a box without inputs".into()));
    }
    let w = WIDTH;
    let th = title_height(&bc.title, w);
    let top = th + 30;
    let h = (top + ROW * bc.rows.len() as i32 + 20) as u32;
    let (x0, x1) = (LABEL_W as i32 + 20, w as i32 - 30);
    render(w, h, |root| {
        draw_title(root, &bc.title, w)?;
        root.draw(&Text::new(
            bc.note.clone(),
            ((w / 2) as i32, th + 2),
            anchored(font(13.0), HPos::Center, VPos::Top),
        ))?;
        for (i, r) in bc.rows.iter().enumerate() {
            let y = top + ROW * i as i32;
            root.draw(&Text::new(
                shortened(ellipsize(&r.label, LABEL_W, 13.0), &r.label),
                (x0 - 10, y + 9),
                anchored(font(13.0), HPos::Right, VPos::Center),
            ))?;
            let span = (r.max - r.min).max(f64::MIN_POSITIVE);
            let px = |v: f64| x0 + (((v - r.min) / span).clamp(0.0, 1.0) * (x1 - x0) as f64) as i32;
            root.draw(&Rectangle::new(
                [(x0, y + 3), (x1, y + 15)],
                RGBColor(225, 225, 225).filled(),
            ))?;
            let (a, b) = (px(r.lower.unwrap_or(r.min)), px(r.upper.unwrap_or(r.max)));
            root.draw(&Rectangle::new(
                [(a, y), (b.max(a + 2), y + 18)],
                RGBColor(214, 39, 40).mix(0.75).filled(),
            ))?;
            for (v, anchor, x) in [(r.min, HPos::Left, x0), (r.max, HPos::Right, x1)] {
                root.draw(&Text::new(
                    target_text(v),
                    (x, y + 22),
                    anchored(
                        font(11.0).color(&RGBColor(110, 110, 110)),
                        anchor,
                        VPos::Top,
                    ),
                ))?;
            }
            let tw = text_width(&r.text, 12.0) as i32;
            let cx = ((a + b) / 2).clamp(x0 + tw / 2 + 40, x1 - tw / 2 - 40);
            root.draw(&Text::new(
                r.text.clone(),
                (cx, y + 22),
                anchored(
                    font(12.0).color(&RGBColor(160, 20, 20)),
                    HPos::Center,
                    VPos::Top,
                ),
            ))?;
        }
        Ok(())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn box_chart_draws_each_input_with_its_bounds() {
        let long = "grid.emission_factor.provincial.2030.a.very.long.field.path.name".to_string();
        let svg = box_chart(&BoxChart {
            title: "PRIM box".into(),
            note: "coverage 0.77, density 0.62".into(),
            rows: vec![
                BoxRow {
                    label: "economy.growth.2025".into(),
                    min: 0.025,
                    max: 0.055,
                    lower: Some(0.0335),
                    upper: None,
                    text: "≥ 0.0335".into(),
                },
                BoxRow {
                    label: long.clone(),
                    min: 0.0,
                    max: 1.0,
                    lower: None,
                    upper: Some(0.4),
                    text: "≤ 0.4".into(),
                },
            ],
        })
        .unwrap();
        let doc = roxmltree::Document::parse(&svg).unwrap();
        let texts: Vec<&str> = doc
            .descendants()
            .filter(|n| n.is_text() && !n.parent().is_some_and(|p| p.has_tag_name("title")))
            .filter_map(|n| n.text())
            .map(str::trim)
            .collect();
        assert!(
            texts.contains(&"≥ 0.0335") && texts.contains(&"≤ 0.4"),
            "{texts:?}"
        );
        assert!(texts.contains(&"economy.growth.2025"));
        // The shortened label keeps its full text in a <title>.
        let titles: Vec<&str> = doc
            .descendants()
            .filter(|n| n.has_tag_name("title"))
            .filter_map(|n| n.text())
            .collect();
        assert_eq!(titles, [long.as_str()]);
        assert!(
            !texts.contains(&long.as_str()),
            "the long label is shortened"
        );
    }
}
