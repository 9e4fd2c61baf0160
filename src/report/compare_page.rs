//! The self-contained HTML page of a scenario comparison: every scenario side by side
//! (headline table, overlay fans, one indicator board per scenario, what differs between
//! the scenarios' inputs). Same rules as [`super::html`]: inline CSS and SVG, no request.

use super::Lang;
use super::html::{CSS, escape, inline_svg};

/// Everything the comparison page shows; all text already in the page's language.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct ComparisonPage {
    pub title: String,
    /// Date of the page and the seed/runs line, preformatted.
    pub meta: String,
    /// Scenario names, in the order compared (the columns of the tables).
    pub scenarios: Vec<String>,
    /// Scenario colours (`#rrggbb`), one per scenario, as in the charts.
    pub colours: Vec<String>,
    /// Headline rows: what, then one value per scenario.
    pub headline: Vec<(String, Vec<String>)>,
    /// Overlay fan charts: (caption, SVG).
    pub fans: Vec<(String, String)>,
    /// One indicator board per scenario: (scenario name, SVG).
    pub boards: Vec<(String, String)>,
    /// Input differences: header (field, unit, one per scenario) and rows.
    pub differences: (Vec<String>, Vec<Vec<String>>),
    /// Further charts (`--with`): (caption, SVG).
    pub extra: Vec<(String, String)>,
    pub notes: Vec<String>,
}

struct Words {
    headline: &'static str,
    what: &'static str,
    fans: &'static str,
    boards: &'static str,
    differences: &'static str,
    extra: &'static str,
    notes: &'static str,
    none: &'static str,
}

fn words(lang: Lang) -> Words {
    match lang {
        Lang::Zh => Words {
            headline: "主要结论(各情景并列)",
            what: "项目",
            fans: "各情景分布对比",
            boards: "各情景指标达标看板",
            differences: "情景输入的差异",
            extra: "其他分析",
            notes: "说明",
            none: "无",
        },
        Lang::En => Words {
            headline: "Headline answers, side by side",
            what: "",
            fans: "The scenarios' distributions overlaid",
            boards: "Indicator board of each scenario",
            differences: "What differs between the scenarios' inputs",
            extra: "Further analyses",
            notes: "Notes",
            none: "none",
        },
    }
}

fn table(h: &mut String, header: &[String], rows: &[Vec<String>], colours: &[String]) {
    h.push_str("<table>\n<thead><tr>");
    for (i, t) in header.iter().enumerate() {
        // Scenario columns carry the scenario's colour, as in the charts.
        let style = i
            .checked_sub(header.len() - colours.len())
            .and_then(|k| colours.get(k))
            .map(|c| format!(" style=\"border-top:4px solid {c}\""))
            .unwrap_or_default();
        h.push_str(&format!("<th{style}>{}</th>", escape(t)));
    }
    h.push_str("</tr></thead>\n<tbody>\n");
    for r in rows {
        h.push_str("<tr>");
        for c in r {
            // A cell written as `…` holds ids (field paths): typeset as code; `name\n`…``
            // is a display name with its field path under it.
            let (name, c) = match c.split_once("\n`") {
                Some((n, rest)) => (Some(n), format!("`{rest}")),
                None => (None, c.clone()),
            };
            let name = name.map_or(String::new(), |n| format!("{}<br/>", escape(n)));
            match c.strip_prefix('`').and_then(|x| x.strip_suffix('`')) {
                Some(code) => h.push_str(&format!("<td>{name}<code>{}</code></td>", escape(code))),
                None => h.push_str(&format!("<td>{name}{}</td>", escape(&c))),
            }
        }
        h.push_str("</tr>\n");
    }
    h.push_str("</tbody>\n</table>\n");
}

fn figures(h: &mut String, figs: &[(String, String)], none: &str) {
    for (cap, svg) in figs {
        h.push_str(&format!(
            "<figure>{}<figcaption>{}</figcaption></figure>\n",
            inline_svg(svg),
            escape(cap)
        ));
    }
    if figs.is_empty() {
        h.push_str(&format!("<p>{none}</p>\n"));
    }
}

/// Figures named above, by a heading (a board per scenario: the reader sees whose board it
/// is before reading it).
fn headed_figures(h: &mut String, figs: &[(String, String)], none: &str) {
    for (name, svg) in figs {
        h.push_str(&format!(
            "<figure class=\"headed\"><h3>{}</h3>{}</figure>\n",
            escape(name),
            inline_svg(svg)
        ));
    }
    if figs.is_empty() {
        h.push_str(&format!("<p>{none}</p>\n"));
    }
}

/// Render the comparison page.
pub fn render_comparison(p: &ComparisonPage, lang: Lang) -> String {
    let w = words(lang);
    let e = escape;
    let html_lang = if lang == Lang::Zh { "zh-CN" } else { "en" };
    let mut h = String::with_capacity(256 * 1024);
    h.push_str(&format!(
        "<!DOCTYPE html>\n<html lang=\"{html_lang}\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <title>{}</title>\n<style>{CSS}</style>\n</head>\n<body>\n<main>\n",
        e(&p.title)
    ));
    h.push_str(&format!(
        "<header id=\"title\">\n<h1>{}</h1>\n<p class=\"meta\">{}</p>\n</header>\n",
        e(&p.title),
        e(&p.meta)
    ));
    h.push_str(&format!(
        "<section id=\"headline\" class=\"first\">\n<h2>{}</h2>\n",
        w.headline
    ));
    let mut header = vec![w.what.to_string()];
    header.extend(p.scenarios.iter().cloned());
    let rows: Vec<Vec<String>> = p
        .headline
        .iter()
        .map(|(k, v)| {
            std::iter::once(k.clone())
                .chain(v.iter().cloned())
                .collect()
        })
        .collect();
    table(&mut h, &header, &rows, &p.colours);
    h.push_str("</section>\n");
    h.push_str(&format!("<section id=\"fans\">\n<h2>{}</h2>\n", w.fans));
    figures(&mut h, &p.fans, w.none);
    h.push_str("</section>\n");
    h.push_str(&format!("<section id=\"boards\">\n<h2>{}</h2>\n", w.boards));
    headed_figures(&mut h, &p.boards, w.none);
    h.push_str("</section>\n");
    h.push_str(&format!(
        "<section id=\"differences\">\n<h2>{}</h2>\n",
        w.differences
    ));
    if p.differences.1.is_empty() {
        h.push_str(&format!("<p>{}</p>\n", w.none));
    } else {
        table(&mut h, &p.differences.0, &p.differences.1, &p.colours);
    }
    h.push_str("</section>\n");
    if !p.extra.is_empty() {
        h.push_str(&format!("<section id=\"extra\">\n<h2>{}</h2>\n", w.extra));
        figures(&mut h, &p.extra, w.none);
        h.push_str("</section>\n");
    }
    h.push_str(&format!("<footer id=\"methods\">\n<h2>{}</h2>\n", w.notes));
    for n in &p.notes {
        h.push_str(&format!("<p>{}</p>\n", e(n)));
    }
    h.push_str("</footer>\n</main>\n</body>\n</html>\n");
    h
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn page_has_every_section_and_escapes() {
        let p = ComparisonPage {
            title: "对比 <b>".into(),
            meta: "2026".into(),
            scenarios: vec!["基准".into(), "规划".into()],
            colours: vec!["#696969".into(), "#1f77b4".into()],
            headline: vec![("P".into(), vec!["1 %".into(), "2 %".into()])],
            fans: vec![("fan".into(), "<svg width='1'></svg>".into())],
            boards: vec![("规划情景".into(), "<svg width='2'></svg>".into())],
            differences: (
                vec!["f".into(), "u".into(), "a".into(), "b".into()],
                vec![vec!["x".into(), "".into(), "1".into(), "2".into()]],
            ),
            extra: vec![],
            notes: vec![],
        };
        let h = render_comparison(&p, Lang::Zh);
        // A board is named above it, by a heading, not only in a caption below.
        assert!(
            h.contains("<figure class=\"headed\"><h3>规划情景</h3><svg"),
            "{h}"
        );
        for id in [
            "title",
            "headline",
            "fans",
            "boards",
            "differences",
            "methods",
        ] {
            assert!(h.contains(&format!("id=\"{id}\"")), "{id}");
        }
        assert!(h.contains("对比 &lt;b&gt;"));
        assert!(h.contains("border-top:4px solid #1f77b4"));
        assert!(!h.contains("http"));
    }
}
