//! SVG → PNG with resvg. System fonts are loaded once (the only I/O of this
//! module). Chinese needs a CJK font, e.g. Debian `fonts-wqy-microhei`.

use std::sync::{Arc, OnceLock};

use resvg::tiny_skia;
use resvg::usvg::{self, fontdb};

/// Error from PNG rendering.
#[derive(Debug, Clone, PartialEq)]
pub enum PngError {
    Parse(String),
    Size(String),
    Encode(String),
}

impl std::fmt::Display for PngError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            PngError::Parse(s) => write!(f, "SVG parse error: {s}"),
            PngError::Size(s) => write!(f, "invalid PNG size: {s}"),
            PngError::Encode(s) => write!(f, "PNG encode error: {s}"),
        }
    }
}

impl std::error::Error for PngError {}

struct Fonts {
    db: Arc<fontdb::Database>,
    cjk_family: Option<String>,
}

/// Characters a face must cover to count as a usable Chinese font.
const CJK_PROBE: [char; 4] = ['中', '碳', '达', '峰'];

/// True when the face has a glyph for `c`.
fn face_has(db: &fontdb::Database, id: fontdb::ID, c: char) -> bool {
    use skrifa::MetadataProvider;
    db.with_face_data(id, |data, index| {
        skrifa::FontRef::from_index(data, index).is_ok_and(|f| f.charmap().map(c).is_some())
    })
    .unwrap_or(false)
}

fn face_has_cjk(db: &fontdb::Database, id: fontdb::ID) -> bool {
    use skrifa::MetadataProvider;
    // PEAKPATH_NO_CJK_FONT=1 acts as if no installed font covered Chinese (to see, or test,
    // what a machine without one writes).
    if std::env::var_os("PEAKPATH_NO_CJK_FONT").is_some_and(|v| v == "1") {
        return false;
    }
    db.with_face_data(id, |data, index| {
        skrifa::FontRef::from_index(data, index)
            .map(|f| {
                let cmap = f.charmap();
                CJK_PROBE.iter().all(|&c| cmap.map(c).is_some())
            })
            .unwrap_or(false)
    })
    .unwrap_or(false)
}

fn fonts() -> &'static Fonts {
    static FONTS: OnceLock<Fonts> = OnceLock::new();
    FONTS.get_or_init(|| {
        let mut db = fontdb::Database::new();
        db.load_system_fonts();
        // Prefer the families named in FONT_FAMILY, then any face covering CJK.
        let preferred = super::FONT_FAMILY.split(',').map(|s| s.trim());
        let mut cjk_family = None;
        'outer: for fam in preferred {
            for face in db.faces() {
                if face.families.iter().any(|(n, _)| n == fam) && face_has_cjk(&db, face.id) {
                    cjk_family = Some(fam.to_string());
                    break 'outer;
                }
            }
        }
        if cjk_family.is_none() {
            let ids: Vec<(fontdb::ID, String)> = db
                .faces()
                .filter_map(|f| f.families.first().map(|(n, _)| (f.id, n.clone())))
                .collect();
            cjk_family = ids
                .into_iter()
                .find(|(id, _)| face_has_cjk(&db, *id))
                .map(|(_, n)| n);
        }
        if let Some(f) = &cjk_family {
            db.set_sans_serif_family(f.clone());
        } else if db
            .faces()
            .any(|f| f.families.iter().any(|(n, _)| n == "DejaVu Sans"))
        {
            db.set_sans_serif_family("DejaVu Sans");
        }
        Fonts {
            db: Arc::new(db),
            cjk_family,
        }
    })
}

/// True when a system font covering Chinese was found (so PNGs can show
/// Chinese labels). Callers should fall back to English labels otherwise.
pub fn cjk_font_available() -> bool {
    fonts().cjk_family.is_some()
}

/// Family name of the CJK font used for PNG rendering, if any.
pub fn cjk_font_family() -> Option<&'static str> {
    fonts().cjk_family.as_deref()
}

/// True for a face of a serif, math or monospaced family (by its names), which a chart never
/// wants: every chart text is in one sans family.
fn not_sans(face: &fontdb::FaceInfo) -> bool {
    face.monospaced
        || face.families.iter().any(|(n, _)| {
            let n = n.to_ascii_lowercase();
            (n.contains("serif") && !n.contains("sans")) || n.contains("math") || n.contains("mono")
        })
}

/// A character the chart's font lacks (the "⁸" of "10⁸ yuan", say) is taken from a sans face
/// that has it, of the same style where there is one; resvg's own choice is the first face
/// of the database that has it, which may be a serif one (the English GDP axis was drawn in
/// a serif font). A serif face only when no sans face has the character.
fn sans_fallback() -> usvg::FallbackSelectionFn<'static> {
    Box::new(|c, used, db| {
        let base = db.face(*used.first()?)?;
        let (style, weight) = (base.style, base.weight);
        let candidates = || {
            db.faces()
                .filter(|f| !used.contains(&f.id) && face_has(db, f.id, c))
        };
        candidates()
            .filter(|f| !not_sans(f))
            .max_by_key(|f| (f.style == style, f.weight == weight))
            .or_else(|| candidates().next())
            .map(|f| f.id)
    })
}

/// Rasterise an SVG string to PNG bytes; `scale` multiplies the SVG's size
/// (e.g. 2.0 for a 1600 px wide image from an 800 px chart).
pub fn svg_to_png(svg: &str, scale: f32) -> Result<Vec<u8>, PngError> {
    if !(scale.is_finite() && scale > 0.0) {
        return Err(PngError::Size(format!("scale {scale}")));
    }
    let f = fonts();
    let opt = usvg::Options {
        fontdb: Arc::clone(&f.db),
        font_family: f.cjk_family.clone().unwrap_or_else(|| "sans-serif".into()),
        font_resolver: usvg::FontResolver {
            select_font: usvg::FontResolver::default_font_selector(),
            select_fallback: sans_fallback(),
        },
        ..usvg::Options::default()
    };
    let tree = usvg::Tree::from_str(svg, &opt).map_err(|e| PngError::Parse(e.to_string()))?;
    let size = tree.size();
    let w = (size.width() * scale).ceil() as u32;
    let h = (size.height() * scale).ceil() as u32;
    let mut pixmap =
        tiny_skia::Pixmap::new(w, h).ok_or_else(|| PngError::Size(format!("{w}×{h}")))?;
    pixmap.fill(tiny_skia::Color::WHITE);
    resvg::render(
        &tree,
        tiny_skia::Transform::from_scale(scale, scale),
        &mut pixmap.as_mut(),
    );
    pixmap
        .encode_png()
        .map_err(|e| PngError::Encode(e.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::Lang;
    use crate::report::charts::{FanChart, FanSeries, Target, fan_chart};

    #[test]
    fn fan_chart_png_has_magic() {
        let years: Vec<i32> = (2020..=2030).collect();
        let p50: Vec<f64> = years
            .iter()
            .map(|&y| 300.0 + (y - 2020) as f64 * 3.0)
            .collect();
        let fc = FanChart {
            title: "碳排放 fan".into(),
            y_label: "万t CO₂".into(),
            series: vec![FanSeries {
                label: "基准".into(),
                years: years.clone(),
                p5: p50.iter().map(|v| v - 20.0).collect(),
                p25: p50.iter().map(|v| v - 8.0).collect(),
                p75: p50.iter().map(|v| v + 8.0).collect(),
                p95: p50.iter().map(|v| v + 20.0).collect(),
                p50,
                central: None,
                colour: None,
            }],
            base: Some((2020, 300.0)),
            targets: vec![Target {
                year: 2025,
                value: 310.0,
                label: String::new(),
                ceiling: false,
            }],
        };
        let svg = fan_chart(&fc, Lang::Zh).unwrap();
        let png = svg_to_png(&svg, 1.0).unwrap();
        assert_eq!(&png[..8], b"\x89PNG\r\n\x1a\n");
        assert!(png.len() > 1000);
    }

    /// Every chart text in one sans family: a character the chart's font lacks comes from a
    /// sans face, not the first face that has it (a serif one drew the English GDP axis).
    #[test]
    fn missing_characters_fall_back_to_a_sans_face() {
        let f = fonts();
        let mut db = Arc::clone(&f.db);
        let family = f.cjk_family.clone().unwrap_or_else(|| "DejaVu Sans".into());
        let Some(base) = db.query(&fontdb::Query {
            families: &[fontdb::Family::Name(&family)],
            ..fontdb::Query::default()
        }) else {
            return; // no font to speak of on this machine
        };
        let select = sans_fallback();
        for c in ['⁸', '⁴', '₂', '≤'] {
            if face_has(&db, base, c) {
                continue;
            }
            let sans_has = db.faces().any(|x| !not_sans(x) && face_has(&db, x.id, c));
            if let Some(id) = select(c, &[base], &mut db) {
                let face = db.face(id).unwrap();
                assert!(
                    !sans_has || !not_sans(face),
                    "{c:?} from {:?}",
                    face.families
                );
            }
        }
    }

    #[test]
    fn bad_scale_rejected() {
        assert!(
            svg_to_png(
                "<svg xmlns='http://www.w3.org/2000/svg' width='10' height='10'/>",
                0.0
            )
            .is_err()
        );
    }
}
