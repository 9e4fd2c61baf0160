//! A chart with nothing to plot that says why in words.

use super::*;

/// A chart with nothing to plot that says why in words (e.g. an outcome that is the same
/// in every run has no sensitivity), instead of an empty frame.
pub fn message_chart(title: &str, message: &str) -> Result<String, ChartError> {
    let (w, h) = (WIDTH, 200);
    render(w, h, |root| {
        draw_title(root, title, w)?;
        let th = title_height(title, w);
        root.draw(&Rectangle::new(
            [(20, th + 10), (w as i32 - 20, h as i32 - 20)],
            RGBColor(250, 246, 230).filled(),
        ))?;
        root.draw(&Rectangle::new(
            [(20, th + 10), (w as i32 - 20, h as i32 - 20)],
            RGBColor(220, 180, 80).stroke_width(1),
        ))?;
        for (i, line) in wrap(message, w as f64 - 80.0, 15.0)
            .iter()
            .take(6)
            .enumerate()
        {
            root.draw(&Text::new(
                line.clone(),
                (40, th + 30 + 24 * i as i32),
                anchored(font(15.0), HPos::Left, VPos::Top),
            ))?;
        }
        Ok(())
    })
}
