//! The report of a `compare` folder (`peakpath report outputs/compare`): every scenario side
//! by side, made from the folder's own files like the report of a run; and the charts that
//! `report --with` adds, captioned in the report's language.

use std::path::{Path, PathBuf};

use crate::error::{Error, io};
use crate::output::write_atomic;
use crate::report::compare_page::{ComparisonPage, render_comparison};
use crate::report::run::RunData;
use crate::report::{Lang, option_value, scenario_rgb, unit};

/// Whether `dir` is a folder written by `peakpath compare` (its `comparison.csv`, no
/// `run.json` of its own).
pub fn is_comparison(dir: &Path) -> bool {
    dir.join("comparison.csv").is_file() && !dir.join("run.json").exists()
}

/// The compared scenario ids, in the order compared (first column of `comparison.csv`).
pub fn scenario_ids(dir: &Path) -> Result<Vec<String>, Error> {
    let path = dir.join("comparison.csv");
    let mut r = csv::Reader::from_path(&path)
        .map_err(|e| Error::Input(format!("{}: cannot read: {e}", path.display())))?;
    let mut ids: Vec<String> = Vec::new();
    for (i, rec) in r.records().enumerate() {
        let rec = rec.map_err(|e| {
            Error::Input(format!(
                "{}:{}: expected a row of a peakpath comparison, found: {e}",
                path.display(),
                i + 2
            ))
        })?;
        let id = rec.get(0).unwrap_or("").to_string();
        if !id.is_empty() && !ids.contains(&id) {
            ids.push(id);
        }
    }
    if ids.is_empty() {
        return Err(Error::Input(format!(
            "{}: expected the rows of at least one scenario, found none",
            path.display()
        )));
    }
    Ok(ids)
}

fn name(d: &RunData, lang: Lang) -> String {
    let key = if lang == Lang::Zh {
        "name_zh"
    } else {
        "name_en"
    };
    d.run["scenario"][key]
        .as_str()
        .filter(|s| !s.is_empty())
        .map_or_else(|| d.id(), str::to_string)
}

fn pct(x: Option<f64>) -> String {
    x.map_or("—".into(), |x| format!("{:.1} %", x * 100.0))
}

fn fixed(x: Option<f64>, digits: usize) -> String {
    x.map_or("—".into(), |x| format!("{x:.digits$}"))
}

/// The headline rows of the comparison: (what, one value per scenario).
fn headline(runs: &[RunData], lang: Lang) -> Vec<(String, Vec<String>)> {
    let zh = lang == Lang::Zh;
    let by = runs[0].run["model_options"]["peak_by"]
        .as_i64()
        .unwrap_or(2030);
    let central = |d: &RunData, v: &str, y: i32| d.central.get(v).and_then(|m| m.get(&y)).copied();
    let q = |d: &RunData, v: &str, y: i32, k: usize| {
        d.summary.get(v).and_then(|m| m.get(&y)).map(|q| q[k])
    };
    let co2 = unit("万t CO2", lang);
    let mut rows: Vec<(String, Vec<String>)> = Vec::new();
    let mut row = |k: String, f: &dyn Fn(&RunData) -> String| {
        rows.push((k, runs.iter().map(f).collect()));
    };
    row(
        if zh {
            format!("{by}年前碳达峰的概率")
        } else {
            format!("Probability that emissions peak by {by}")
        },
        &|d| pct(d.run["monte_carlo"][format!("p_peaked_by_{by}")].as_f64()),
    );
    for y in [2025, 2030] {
        row(
            if zh {
                format!("{y}年约束性模型指标全部达标的概率")
            } else {
                format!("Probability of meeting every modelled binding {y} target")
            },
            &|d| {
                pct(d.run["monte_carlo"]["targets"][y.to_string()]["all_modelled_binding"]
                    ["p_all_met"]["p"]
                    .as_f64())
            },
        );
        row(
            if zh {
                format!("{y}年全部约束性指标(含假设指标)达标的概率")
            } else {
                format!("Probability of meeting every binding {y} target, assumed ones included")
            },
            &|d| {
                pct(d.run["monte_carlo"]["targets"][y.to_string()]["all_binding_incl_assumed"]
                    ["p_all_met"]["p"]
                    .as_f64())
            },
        );
    }
    row(
        if zh {
            "中心情景达峰年份".into()
        } else {
            "Peak year, central run".into()
        },
        &|d| {
            let p = &d.run["central"]["peak"];
            match (p["not_peaked"].as_bool(), p["year"].as_i64()) {
                (Some(true), _) if zh => "未达峰".into(),
                (Some(true), _) => "not peaked".into(),
                (_, Some(y)) => y.to_string(),
                _ => "—".into(),
            }
        },
    );
    for y in [2025, 2030] {
        row(
            if zh {
                format!("{y}年能源活动CO₂排放, 中位数 [90 % 区间] ({co2})")
            } else {
                format!("Energy CO₂ {y}, median [90 % band] ({co2})")
            },
            &|d| {
                format!(
                    "{} [{}–{}]",
                    fixed(q(d, "co2", y, 3), 1),
                    fixed(q(d, "co2", y, 0), 1),
                    fixed(q(d, "co2", y, 6), 1)
                )
            },
        );
    }
    row(
        if zh {
            "非化石能源消费比重 2025 / 2030 (中心情景, %)".into()
        } else {
            "Non-fossil share 2025 / 2030 (central run, %)".into()
        },
        &|d| {
            format!(
                "{} / {}",
                fixed(central(d, "nonfossil_share", 2025).map(|x| x * 100.0), 1),
                fixed(central(d, "nonfossil_share", 2030).map(|x| x * 100.0), 1)
            )
        },
    );
    row(
        if zh {
            "电网排放因子口径".into()
        } else {
            "Grid emission-factor basis".into()
        },
        &|d| {
            option_value(
                d.run["model_options"]["grid_emission_factor_basis"]
                    .as_str()
                    .unwrap_or(""),
                lang,
            )
        },
    );
    row(
        if zh {
            "电力折标方法".into()
        } else {
            "Electricity in energy totals".into()
        },
        &|d| {
            option_value(
                d.run["model_options"]["electricity_accounting"]
                    .as_str()
                    .unwrap_or(""),
                lang,
            )
        },
    );
    rows
}

/// Split one Markdown table row into its cells (`\|` is a literal bar).
fn md_cells(line: &str) -> Vec<String> {
    let inner = line.trim().trim_start_matches('|').trim_end_matches('|');
    let mut cells = vec![String::new()];
    let mut chars = inner.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\\' if chars.peek() == Some(&'|') => {
                cells.last_mut().unwrap_or(&mut String::new()).push('|');
                chars.next();
            }
            '|' => cells.push(String::new()),
            _ => {
                if let Some(s) = cells.last_mut() {
                    s.push(c);
                }
            }
        }
    }
    cells.iter().map(|s| s.trim().replace('`', "")).collect()
}

/// The input differences of `parameters.md`: header (in `lang`) and rows.
fn differences(dir: &Path, names: &[String], lang: Lang) -> (Vec<String>, Vec<Vec<String>>) {
    let text = std::fs::read_to_string(dir.join("parameters.md")).unwrap_or_default();
    let mut header = if lang == Lang::Zh {
        vec!["字段".to_string(), "单位".to_string()]
    } else {
        vec!["field".to_string(), "unit".to_string()]
    };
    header.extend(names.iter().cloned());
    let all: Vec<Vec<String>> = text
        .lines()
        .filter(|l| l.starts_with("| `"))
        .map(md_cells)
        .collect();
    // Texts given in both languages (`name_zh`/`name_en`, `lead`/`lead_en`): only the row in
    // the page's language.
    let fields: Vec<&str> = all.iter().map(|c| c[0].as_str()).collect();
    let other_language = |f: &str| match lang {
        Lang::Zh => f.ends_with("_en"),
        Lang::En => f.ends_with("_zh") || fields.contains(&format!("{f}_en").as_str()),
    };
    let rows = all
        .iter()
        .filter(|c| !other_language(&c[0]))
        .map(|c| {
            let mut c = c.clone();
            // An input is named in the page's language, its field path under the name.
            c[0] = match crate::names::lookup(&c[0], lang, &crate::names::NoNames) {
                Some(n) => format!("{n}\n`{}`", c[0]),
                None => format!("`{}`", c[0]),
            };
            // A list of field paths (an action's `fields`) is ids too.
            for x in c.iter_mut().skip(2) {
                if let Ok(list) = serde_json::from_str::<Vec<String>>(x) {
                    *x = format!("`{}`", list.join(", "));
                } else if (x.starts_with('[') || x.starts_with('{'))
                    && serde_json::from_str::<serde_json::Value>(x).is_ok()
                {
                    // Tables as written in the files (correlations, say): code too.
                    *x = format!("`{x}`");
                }
            }
            if c.len() > 1 {
                c[1] = unit(&c[1], lang);
            }
            for x in c.iter_mut().skip(2) {
                *x = option_value(x, lang);
            }
            c
        })
        .filter(|c| c.len() == names.len() + 2)
        .collect();
    (header, rows)
}

/// Write `dir/report.html` for a `compare` folder.
pub fn write_report(dir: &Path, lang: Lang, with: &[PathBuf]) -> Result<(), Error> {
    let zh = lang == Lang::Zh;
    let ids = scenario_ids(dir)?;
    let mut runs = Vec::new();
    for id in &ids {
        runs.push(RunData::read(&dir.join(id))?);
    }
    let names: Vec<String> = runs.iter().map(|d| name(d, lang)).collect();
    let refs: Vec<&RunData> = runs.iter().collect();
    let fans = crate::report::run::charts(&refs, lang)?
        .into_iter()
        .filter(|(stem, _, _)| stem.starts_with("fan_"))
        .map(|(_, cap, svg)| (cap, svg))
        .collect();
    let mut boards = Vec::new();
    for (d, n) in runs.iter().zip(&names) {
        let (modelled, assumed) = if zh {
            ("模型计算指标", "假设指标(交付路径)")
        } else {
            (
                "modelled indicators",
                "assumed indicators (delivered paths)",
            )
        };
        boards.push((
            format!("{n}: {modelled}"),
            crate::report::run::board(d, lang, false)?,
        ));
        boards.push((
            format!("{n}: {assumed}"),
            crate::report::run::board(d, lang, true)?,
        ));
    }
    let mc = &runs[0].run["monte_carlo"];
    let (n_runs, seed) = (
        mc["runs"].as_u64().unwrap_or(0),
        mc["seed"].as_u64().unwrap_or(0),
    );
    let page = ComparisonPage {
        title: if zh {
            format!("情景对比报告 — {}", names.join("、"))
        } else {
            format!("Scenario comparison — {}", names.join(", "))
        },
        meta: if zh {
            format!(
                "{} · 每个情景 {n_runs} 次蒙特卡洛模拟, 随机种子 {seed} (各情景相同)",
                crate::report::run::today()
            )
        } else {
            format!(
                "{} · {n_runs} Monte Carlo runs per scenario, seed {seed} (the same for every scenario)",
                crate::report::run::today()
            )
        },
        colours: ids
            .iter()
            .map(|id| {
                let (r, g, b) = scenario_rgb(id);
                format!("#{r:02x}{g:02x}{b:02x}")
            })
            .collect(),
        headline: headline(&runs, lang),
        fans,
        boards,
        differences: differences(dir, &names, lang),
        extra: with_charts(with, lang)?,
        notes: vec![if zh {
            "各情景使用相同的随机种子, 因此差异来自情景输入而非抽样。扇形图: 浅色带为 90 % 区间 (p5–p95), 深色带为 50 % 区间, 实线为中位数; 每个情景的颜色在所有图表中固定。".to_string()
        } else {
            "Every scenario uses the same seed, so differences come from the scenarios' inputs, not from sampling. Fans: light band 90 % (p5–p95), dark band 50 %, line the median; each scenario keeps its colour in every chart.".to_string()
        }],
        scenarios: names,
    };
    let html = render_comparison(&page, lang);
    write_atomic(&dir.join("report.html"), html.as_bytes()).map_err(io(dir))
}

/// The source comment of a parameter (`parameters.csv`) for a table in `lang`. Chinese: the
/// comment's tags in words (参考资料 §6, i.e. docs/sources.md §6, 假设; the free text is in parameters.csv); English: the
/// comment without its Chinese words.
pub fn source_text(src: &str, lang: Lang) -> String {
    let tags: Vec<&str> = src
        .split('[')
        .skip(1)
        .filter_map(|s| s.split_once(']').map(|(t, _)| t))
        .flat_map(|t| t.split(','))
        .collect();
    if lang == Lang::Zh {
        // Each tag in words: its kind (the first word: V, V2, M, D, A, PLAN, REF), then what it
        // points at where that is written without Latin words ("§6", "(三) 4", "GB/T 32150-2015");
        // free text ("annex row 9", "for 2022") stays in parameters.csv. Bracketed words that
        // are no tag (a table name such as [[projects]]) are dropped.
        let mut out: Vec<String> = Vec::new();
        for t in tags {
            let t = t.trim();
            let head_len = t
                .find(|c: char| c.is_whitespace() || c == ':')
                .unwrap_or(t.len());
            let (head, rest) = t.split_at(head_len);
            let word = match head {
                "V" => "已核实",
                "V2" => "多个公开来源",
                "M" => "广泛引用、未复核",
                "D" => "推导",
                "A" => "假设",
                "PLAN" => "规划",
                "REF" => "参考资料",
                "NDRC" => "国家发展改革委",
                _ => continue,
            };
            let kept: Vec<&str> = rest
                .split([';', ':'])
                .map(str::trim)
                .filter(|x| !x.is_empty() && !x.chars().any(|c| c.is_ascii_lowercase()))
                .collect();
            let text = match (kept.is_empty(), rest.trim_start().starts_with(':')) {
                (true, _) => word.to_string(),
                (false, true) => format!("{word}: {}", kept.join("; ")),
                (false, false) => format!("{word} {}", kept.join("; ")),
            };
            if !out.contains(&text) {
                out.push(text);
            }
        }
        return if out.is_empty() {
            "情景文件注释未标注来源类别 (原文见 parameters.csv)".to_string()
        } else {
            out.join("、")
        };
    }
    // English: drop Chinese words (and the punctuation they leave), keep the rest.
    let mut out = String::new();
    for c in src.chars() {
        if !crate::report::has_cjk(&c.to_string()) {
            out.push(c);
        }
    }
    let out = out.split_whitespace().collect::<Vec<_>>().join(" ");
    out.trim_start_matches([':', ',', ';', ' ']).to_string()
}

/// The `assumption` column of `indicators.csv` in `lang` (field paths and distributions
/// are kept as written).
pub fn assumption_text(a: &str, lang: Lang) -> String {
    match a.split_once(": no delivery ratio (the path as written)") {
        Some((field, _)) if lang == Lang::Zh => format!("{field}: 无交付比例(按方案所写路径)"),
        _ => a.to_string(),
    }
}

/// The `met` column of `indicators.csv` in words of `lang`.
pub fn met_text(met: &str, lang: Lang) -> String {
    let zh = lang == Lang::Zh;
    match met {
        "true" if zh => "达标",
        "true" => "met",
        "false" if zh => "未达标",
        "false" => "not met",
        "no target" if zh => "无目标",
        "no value" if zh => "无数值",
        other => other,
    }
    .to_string()
}

/// The caption of a chart file of peakpath (by its file stem) in `lang`.
pub fn chart_caption(stem: &str, lang: Lang) -> String {
    let zh = lang == Lang::Zh;
    let fixed: &[(&str, &str, &str)] = &[
        (
            "decomposition",
            "能源活动CO₂排放变化的LMDI分解",
            "LMDI decomposition of the change in energy CO₂",
        ),
        (
            "prim_trajectory",
            "PRIM 剥离轨迹(覆盖率与密度)",
            "PRIM peeling trajectory (coverage and density)",
        ),
        (
            "prim_box",
            "PRIM 选定的输入区间",
            "The input box chosen by PRIM",
        ),
        ("peak_year", "达峰年份分布", "Peak year"),
        ("indicator_board", "指标看板", "Indicator board"),
        ("co2_by_source", "排放来源", "CO₂ by source"),
        (
            "wedges_co2",
            "行动楔形图: 能源活动CO₂",
            "Wedges: energy CO₂ by action",
        ),
        (
            "wedges_co2_2030",
            "2030年能源活动CO₂: 各行动的Shapley值",
            "Energy CO₂ 2030: the Shapley value of each action",
        ),
        (
            "wedges_p_peak",
            "2030年前达峰概率: 各行动的贡献",
            "P(peaked by 2030): each action's part",
        ),
        ("wedges_by_lead", "按牵头部门汇总", "By lead department"),
        (
            "indicator_board_assumed",
            "指标看板: 假设指标",
            "Indicator board: assumed indicators",
        ),
    ];
    if let Some((_, z, e)) = fixed.iter().find(|(s, _, _)| *s == stem) {
        return if zh { z } else { e }.to_string();
    }
    if let Some(var) = stem.strip_prefix("fan_") {
        let v = crate::model::Var::by_name(var).map(|v| v.info());
        return match (v, zh) {
            (Some(i), true) => format!("{}: 分布", i.zh),
            (Some(i), false) => format!("{}: distribution", i.en),
            (None, _) => var.to_string(),
        };
    }
    for (method, zm, em) in [
        ("tornado", "龙卷风图", "Tornado"),
        ("morris", "Morris 筛选", "Morris screening"),
        ("sobol", "Sobol' 指数", "Sobol' indices"),
    ] {
        if let Some(outcome) = stem.strip_prefix(method).and_then(|s| s.strip_prefix('_')) {
            let o = outcome_words(outcome, lang);
            return if zh {
                format!("{zm}: {o}")
            } else {
                format!("{em}: {o}")
            };
        }
    }
    stem.replace('_', " ")
}

/// A sensitivity outcome given as a file stem (`co2_2030`, `met_4_2025`, `peak_year`).
fn outcome_words(stem: &str, lang: Lang) -> String {
    let zh = lang == Lang::Zh;
    if stem == "peak_year" {
        return if zh { "达峰年份" } else { "peak year" }.into();
    }
    if let Some(rest) = stem.strip_prefix("met_")
        && let Some((id, year)) = rest.rsplit_once('_')
    {
        return if zh {
            format!("指标{id}达到{year}年目标")
        } else {
            format!("indicator {id} meets its {year} target")
        };
    }
    if let Some((var, year)) = stem.rsplit_once('_')
        && let Some(v) = crate::model::Var::by_name(var)
    {
        let i = v.info();
        return if zh {
            format!("{year}年{}", i.zh)
        } else {
            format!("{}, {year}", i.en)
        };
    }
    stem.replace('_', " ")
}

/// The SVG charts of the `--with` folders (their `charts/` subfolder where there is one),
/// in name order, captioned in `lang`. A chart drawn in the other language is kept, with a
/// warning that says how to redraw it.
pub fn with_charts(with: &[PathBuf], lang: Lang) -> Result<Vec<(String, String)>, Error> {
    let mut extra = Vec::new();
    for w in with {
        let charts = if w.join("charts").is_dir() {
            w.join("charts")
        } else {
            w.clone()
        };
        let mut files: Vec<PathBuf> = std::fs::read_dir(&charts)
            .map_err(|e| {
                Error::Input(format!(
                    "{}: --with: expected a folder of charts, found: {e}",
                    w.display()
                ))
            })?
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.extension().is_some_and(|x| x == "svg"))
            .collect();
        files.sort();
        if files.is_empty() {
            return Err(Error::Input(format!(
                "{}: --with: expected SVG charts, found none",
                w.display()
            )));
        }
        for f in files {
            let svg = std::fs::read_to_string(&f).map_err(io(&f))?;
            if !svg.trim_start().starts_with("<svg") && !svg.trim_start().starts_with("<?xml") {
                return Err(Error::Input(format!(
                    "{}: expected an SVG chart, found other content",
                    f.display()
                )));
            }
            if lang == Lang::En && crate::report::has_cjk(&svg) {
                eprintln!(
                    "warning: {} is labelled in Chinese; rerun the command that wrote it with --lang en for an English report",
                    f.display()
                );
            }
            let stem = f.file_stem().and_then(|s| s.to_str()).unwrap_or("");
            extra.push((chart_caption(stem, lang), svg));
        }
    }
    Ok(extra)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn captions_are_in_the_language() {
        assert_eq!(
            chart_caption("sobol_co2_2030", Lang::En),
            "Sobol' indices: Energy CO₂ emissions, 2030"
                .replace("Energy CO₂ emissions", crate::model::Var::Co2.info().en)
        );
        assert!(!crate::report::has_cjk(&chart_caption(
            "fan_cap_hydro",
            Lang::En
        )));
        assert!(crate::report::has_cjk(&chart_caption(
            "fan_cap_hydro",
            Lang::Zh
        )));
        assert!(crate::report::has_cjk(&chart_caption(
            "tornado_met_4_2025",
            Lang::Zh
        )));
        assert_eq!(
            chart_caption("morris_peak_year", Lang::En),
            "Morris screening: peak year"
        );
    }

    #[test]
    fn sources_in_the_language() {
        let s = "节能降碳增效行动: industrial efficiency programme [PLAN]; pace [A].";
        assert_eq!(source_text(s, Lang::Zh), "规划、假设");
        let en = source_text(s, Lang::En);
        assert!(!crate::report::has_cjk(&en), "{en}");
        assert!(en.starts_with("industrial efficiency programme"), "{en}");
        assert_eq!(
            source_text("亿元, 2020 [REF §6, V]", Lang::Zh),
            "参考资料 §6、已核实"
        );
        // What a tag points at is kept where it has no Latin words; free text is not.
        assert_eq!(
            source_text(
                "x [PLAN (一) 4; annex row 17] y [REF §3: V for 2022, V2 for 2021] [REF §1, D: GB/T 32150-2015] [D from 33.79 万 residents, A] [[projects]] [REF §2, V, NDRC]",
                Lang::Zh
            ),
            "规划 (一) 4、参考资料 §3、多个公开来源、参考资料 §1、推导: GB/T 32150-2015、推导、假设、参考资料 §2、已核实、国家发展改革委"
        );
    }

    #[test]
    fn markdown_cells_keep_escaped_bars() {
        assert_eq!(
            md_cells("| `a.b` | MW | x \\| y | 2 |"),
            ["a.b", "MW", "x | y", "2"]
        );
    }
}
