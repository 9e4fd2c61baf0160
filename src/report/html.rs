//! One self-contained HTML page: inline CSS and inline SVG, no external
//! requests (no URLs at all), readable offline and in print.

use super::Lang;

/// One row of the assumptions table.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Assumption {
    /// The input's display name in the report's language.
    pub parameter: String,
    /// Its field path as typed in scenario files (shown as code under the name).
    pub field: String,
    /// Value or distribution, e.g. "三角分布 (2.0, 3.5, 5.0)".
    pub value: String,
    pub unit: String,
    pub source: String,
}

/// Everything the report shows; all text already translated by the caller.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct ReportData {
    pub title: String,
    pub scenario: String,
    /// Date (and time) of the run, preformatted.
    pub run_date: String,
    /// Headline answers, key → value (shown in large type).
    pub headline: Vec<(String, String)>,
    /// What the headline means, in a planner's words (paragraphs under it).
    pub explanations: Vec<String>,
    /// Indicator-board SVG of the modelled indicators (from `charts::indicator_board`).
    pub board_svg: Option<String>,
    /// Board of the assumed indicators, shown apart.
    pub assumed_board_svg: Option<String>,
    /// Assumed indicators: (indicator and year, delivery assumption, P(met) as text).
    pub assumed: Vec<(String, String, String)>,
    /// (caption, SVG) per chart. SVGs are trusted output of `charts`.
    pub charts: Vec<(String, String)>,
    /// (caption, SVG) per chart read from outside this run (`report --with`): untrusted, so
    /// embedded as `<img src="data:image/svg+xml;base64,…">`, where a browser runs no script
    /// and loads nothing from the network, whatever the file holds.
    pub outside_charts: Vec<(String, String)>,
    pub assumptions: Vec<Assumption>,
    /// Inconsistencies of the plan that this scenario resolves.
    pub inconsistencies: Vec<String>,
    /// Methods / notes paragraphs for the footer.
    pub methods: Vec<String>,
}

/// HTML-escape text for element content and quoted attributes.
pub fn escape(s: &str) -> String {
    let mut o = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        match c {
            '&' => o.push_str("&amp;"),
            '<' => o.push_str("&lt;"),
            '>' => o.push_str("&gt;"),
            '"' => o.push_str("&quot;"),
            '\'' => o.push_str("&#39;"),
            _ => o.push(c),
        }
    }
    o
}

/// Prepare a chart SVG for inlining: drop the XML prolog and namespace
/// declarations (not needed in HTML5, and they are URLs) and any script.
pub(crate) fn inline_svg(svg: &str) -> String {
    let mut s = svg.trim().to_string();
    if s.starts_with("<?xml")
        && let Some(i) = s.find("?>")
    {
        s = s[i + 2..].trim_start().to_string();
    }
    for ns in [
        " xmlns=\"http://www.w3.org/2000/svg\"",
        " xmlns:xlink=\"http://www.w3.org/1999/xlink\"",
        " xmlns='http://www.w3.org/2000/svg'",
    ] {
        s = s.replace(ns, "");
    }
    // defence in depth: neutralise scripts and remaining URLs
    s.replace("<script", "&lt;script")
        .replace("http://", "")
        .replace("https://", "")
}

/// An SVG as a `data:` URI for an `<img>` element: inert (no script, no request).
pub fn svg_data_uri(svg: &str) -> String {
    use base64::Engine as _;
    format!(
        "data:image/svg+xml;base64,{}",
        base64::engine::general_purpose::STANDARD.encode(svg.as_bytes())
    )
}

struct Words {
    scenario: &'static str,
    run_date: &'static str,
    headline: &'static str,
    board: &'static str,
    assumed: &'static str,
    assumed_th: [&'static str; 3],
    charts: &'static str,
    assumptions: &'static str,
    th: [&'static str; 4],
    inconsistencies: &'static str,
    methods: &'static str,
    none: &'static str,
}

fn words(lang: Lang) -> Words {
    match lang {
        Lang::Zh => Words {
            scenario: "情景",
            run_date: "运行日期",
            headline: "主要结论",
            board: "指标达标看板",
            assumed: "假设指标(达标概率只是交付比例假设的复述, 不是模型结论)",
            assumed_th: ["指标", "假设(交付比例)", "达标概率"],
            charts: "图表",
            assumptions: "主要假设",
            th: ["参数", "取值 / 分布", "单位", "来源"],
            inconsistencies: "本情景处理的规划不一致之处",
            methods: "方法与说明",
            none: "无",
        },
        Lang::En => Words {
            scenario: "Scenario",
            run_date: "Run date",
            headline: "Headline answers",
            board: "Indicator board",
            assumed: "Assumed indicators (the probability restates the delivery assumption; it is not a finding)",
            assumed_th: ["Indicator", "Assumption (delivery ratio)", "P(met)"],
            charts: "Charts",
            assumptions: "Assumptions",
            th: ["Parameter", "Value / distribution", "Unit", "Source"],
            inconsistencies: "Plan inconsistencies resolved by this scenario",
            methods: "Methods and notes",
            none: "none",
        },
    }
}

pub(crate) const CSS: &str = r#"
*{box-sizing:border-box}
body{font-family:"Noto Sans CJK SC","Noto Sans SC","Source Han Sans SC","WenQuanYi Micro Hei","Microsoft YaHei","PingFang SC",sans-serif;color:#222;margin:0;background:#fff;line-height:1.5}
main{max-width:900px;margin:0 auto;padding:24px}
h1{font-size:1.8em;margin:0 0 .2em}
h2{font-size:1.3em;border-bottom:2px solid #1f77b4;padding-bottom:.2em;margin-top:1.6em}
.meta{color:#555;margin:0}
.headline{list-style:none;padding:0;display:grid;grid-template-columns:repeat(auto-fit,minmax(260px,1fr));gap:12px}
.headline li{border:1px solid #ddd;border-left:6px solid #1f77b4;padding:10px 14px;background:#f8fafc}
.headline .k{display:block;color:#555;font-size:.95em}
.headline .v{display:block;font-size:1.3em;font-weight:bold}
.explain{color:#333;font-size:.95em}
figure{margin:1em 0;break-inside:avoid;page-break-inside:avoid}
figcaption{color:#444;font-size:.95em;margin-top:.3em}
figure h3{font-size:1.1em;margin:0 0 .3em}
svg{max-width:100%;height:auto;display:block}
table{border-collapse:collapse;width:100%;font-size:.95em}
th,td{border:1px solid #ccc;padding:4px 8px;text-align:left;vertical-align:top;overflow-wrap:anywhere}
code{overflow-wrap:anywhere;word-break:break-all}
th{background:#eef3f8}
tr{break-inside:avoid;page-break-inside:avoid}
footer{margin-top:2em;color:#444;font-size:.9em;border-top:1px solid #ccc}
@media print{
main{max-width:none;padding:0}
section{break-before:page;page-break-before:always}
section.first{break-before:auto;page-break-before:auto}
h2{break-after:avoid;page-break-after:avoid}
.headline li{background:none}
}
"#;

/// Render the full report page.
pub fn render_report(d: &ReportData, lang: Lang) -> String {
    let w = words(lang);
    let e = escape;
    let mut h = String::with_capacity(64 * 1024);
    let html_lang = match lang {
        Lang::Zh => "zh-CN",
        Lang::En => "en",
    };
    h.push_str(&format!(
        "<!DOCTYPE html>\n<html lang=\"{html_lang}\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <title>{}</title>\n<style>{CSS}</style>\n</head>\n<body>\n<main>\n",
        e(&d.title)
    ));
    // title + headline
    h.push_str("<header id=\"title\">\n");
    h.push_str(&format!("<h1>{}</h1>\n", e(&d.title)));
    h.push_str(&format!(
        "<p class=\"meta\">{}: <strong>{}</strong> · {}: {}</p>\n</header>\n",
        w.scenario,
        e(&d.scenario),
        w.run_date,
        e(&d.run_date)
    ));
    h.push_str(&format!(
        "<section id=\"headline\" class=\"first\">\n<h2>{}</h2>\n<ul class=\"headline\">\n",
        w.headline
    ));
    for (k, v) in &d.headline {
        h.push_str(&format!(
            "<li><span class=\"k\">{}</span><span class=\"v\">{}</span></li>\n",
            e(k),
            e(v)
        ));
    }
    if d.headline.is_empty() {
        h.push_str(&format!("<li>{}</li>\n", w.none));
    }
    h.push_str("</ul>\n");
    for p in &d.explanations {
        h.push_str(&format!("<p class=\"explain\">{}</p>\n", e(p)));
    }
    h.push_str("</section>\n");
    // board
    h.push_str(&format!("<section id=\"board\">\n<h2>{}</h2>\n", w.board));
    match &d.board_svg {
        Some(svg) => h.push_str(&format!("<figure>{}</figure>\n", inline_svg(svg))),
        None => h.push_str(&format!("<p>{}</p>\n", w.none)),
    }
    if d.assumed_board_svg.is_some() || !d.assumed.is_empty() {
        h.push_str(&format!("<h3 id=\"assumed\">{}</h3>\n", w.assumed));
        if let Some(svg) = &d.assumed_board_svg {
            h.push_str(&format!("<figure>{}</figure>\n", inline_svg(svg)));
        }
        if !d.assumed.is_empty() {
            h.push_str("<table>\n<thead><tr>");
            for t in w.assumed_th {
                h.push_str(&format!("<th>{t}</th>"));
            }
            h.push_str("</tr></thead>\n<tbody>\n");
            for (ind, a, p) in &d.assumed {
                // `field = distribution` as typed in a scenario file: code.
                let a = match (a.split_once(" = "), a.split_once(": ")) {
                    (Some((f, dist)), _) if !f.contains(' ') => {
                        format!("<code>{}</code> = <code>{}</code>", e(f), e(dist))
                    }
                    (_, Some((f, rest))) if !f.contains(' ') && f.contains('.') => {
                        format!("<code>{}</code>: {}", e(f), e(rest))
                    }
                    _ => e(a),
                };
                h.push_str(&format!(
                    "<tr><td>{}</td><td>{a}</td><td>{}</td></tr>\n",
                    e(ind),
                    e(p)
                ));
            }
            h.push_str("</tbody>\n</table>\n");
        }
    }
    h.push_str("</section>\n");
    // charts
    h.push_str(&format!("<section id=\"charts\">\n<h2>{}</h2>\n", w.charts));
    for (cap, svg) in &d.charts {
        h.push_str(&format!(
            "<figure>{}<figcaption>{}</figcaption></figure>\n",
            inline_svg(svg),
            e(cap)
        ));
    }
    for (cap, svg) in &d.outside_charts {
        h.push_str(&format!(
            "<figure><img alt=\"{}\" src=\"{}\"><figcaption>{}</figcaption></figure>\n",
            e(cap),
            svg_data_uri(svg),
            e(cap)
        ));
    }
    if d.charts.is_empty() && d.outside_charts.is_empty() {
        h.push_str(&format!("<p>{}</p>\n", w.none));
    }
    h.push_str("</section>\n");
    // assumptions
    h.push_str(&format!(
        "<section id=\"assumptions\">\n<h2>{}</h2>\n<table>\n<thead><tr>",
        w.assumptions
    ));
    for t in w.th {
        h.push_str(&format!("<th>{t}</th>"));
    }
    h.push_str("</tr></thead>\n<tbody>\n");
    for a in &d.assumptions {
        h.push_str(&format!(
            "<tr><td>{}{}</td><td>{}</td><td>{}</td><td>{}</td></tr>\n",
            e(&a.parameter),
            if a.field.is_empty() {
                String::new()
            } else {
                format!("<br/><code>{}</code>", e(&a.field))
            },
            e(&a.value),
            e(&a.unit),
            e(&a.source)
        ));
    }
    h.push_str("</tbody>\n</table>\n</section>\n");
    // inconsistencies
    h.push_str(&format!(
        "<section id=\"inconsistencies\">\n<h2>{}</h2>\n<ul>\n",
        w.inconsistencies
    ));
    for s in &d.inconsistencies {
        h.push_str(&format!("<li>{}</li>\n", e(s)));
    }
    if d.inconsistencies.is_empty() {
        h.push_str(&format!("<li>{}</li>\n", w.none));
    }
    h.push_str("</ul>\n</section>\n");
    // methods footer
    h.push_str(&format!(
        "<footer id=\"methods\">\n<h2>{}</h2>\n",
        w.methods
    ));
    for p in &d.methods {
        h.push_str(&format!("<p>{}</p>\n", e(p)));
    }
    h.push_str("</footer>\n</main>\n</body>\n</html>\n");
    h
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::charts::{BoardRow, indicator_board};

    fn sample() -> ReportData {
        let board = indicator_board(
            &[BoardRow {
                label: "1 单位GDP二氧化碳排放降低 2025".into(),
                p_met: Some(0.8),
                binding: true,
                note: None,
                central: false,
            }],
            "指标看板",
            Lang::Zh,
        )
        .unwrap();
        ReportData {
            title: "某县碳达峰情景 <script>alert(1)</script>".into(),
            scenario: "强化 & \"低碳\"".into(),
            run_date: "2026-11-30".into(),
            headline: vec![("P(2030年前达峰)".into(), "73.2 % (72.3–74.1 %)".into())],
            explanations: vec!["未达峰单列 <不记作末年>".into()],
            board_svg: Some(board.clone()),
            assumed_board_svg: None,
            assumed: vec![(
                "16 森林覆盖率 2025".into(),
                "sinks.forest_cover.delivery = pert(0.6, 0.95, 1.1)".into(),
                "20.0 % (19.2–20.8 %)".into(),
            )],
            charts: vec![("排放扇形图 <b>".into(), board)],
            outside_charts: Vec::new(),
            assumptions: vec![Assumption {
                parameter: "GDP 增速".into(),
                field: "economy.growth.2025".into(),
                value: "N(5.0, 1.0)".into(),
                unit: "%/a".into(),
                source: "十四五规划 p.3".into(),
            }],
            inconsistencies: vec!["能耗目标与 GDP 目标不一致".into()],
            methods: vec!["Monte Carlo, n = 10000; LMDI".into()],
        }
    }

    #[test]
    fn report_is_self_contained_and_escaped() {
        for lang in [Lang::Zh, Lang::En] {
            let html = render_report(&sample(), lang);
            assert!(!html.contains("http://"));
            assert!(!html.contains("https://"));
            assert!(!html.contains("//"), "no protocol-relative refs");
            assert!(!html.contains("src="));
            assert!(!html.contains("href="));
            assert!(!html.contains("<script>"));
            assert!(html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"));
            assert!(html.contains("强化 &amp; &quot;低碳&quot;"));
            assert!(html.contains("排放扇形图 &lt;b&gt;"));
            for id in [
                "title",
                "headline",
                "board",
                "charts",
                "assumptions",
                "inconsistencies",
                "methods",
            ] {
                assert!(html.contains(&format!("id=\"{id}\"")), "section {id}");
            }
            assert!(html.contains("@media print"));
            assert!(html.contains("73.2 % (72.3–74.1 %)"));
            assert!(html.contains("未达峰单列 &lt;不记作末年&gt;"));
            assert!(html.contains("id=\"assumed\""));
            assert!(html.contains(
                "<code>sinks.forest_cover.delivery</code> = <code>pert(0.6, 0.95, 1.1)</code>"
            ));
            assert!(html.contains("十四五规划 p.3"));
            assert_eq!(html.matches("<svg").count(), 2);
        }
    }

    #[test]
    fn sections_parse_as_xml_fragments() {
        // the body between <main> and </main> is well-formed (our own output)
        let html = render_report(&sample(), Lang::En);
        let a = html.find("<main>").unwrap();
        let b = html.find("</main>").unwrap() + "</main>".len();
        let doc = roxmltree::Document::parse(&html[a..b]).expect("well-formed body");
        let ids: Vec<&str> = doc
            .descendants()
            .filter_map(|n| n.attribute("id"))
            .collect();
        for id in [
            "title",
            "headline",
            "board",
            "charts",
            "assumptions",
            "inconsistencies",
            "methods",
        ] {
            assert!(ids.contains(&id));
        }
        let tds = doc.descendants().filter(|n| n.has_tag_name("td")).count();
        assert_eq!(tds, 7, "4 assumption cells and 3 assumed-indicator cells");
    }
}
