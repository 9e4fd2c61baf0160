//! `--lang` governs every word a user sees: each Chinese output (charts, reports, their
//! captions) is scanned for Latin words outside an allow-list (ids, units, method names), and
//! each English output for Chinese characters.

use std::path::{Path, PathBuf};

use crate::util::{TempDir, peakpath, read_string};

/// Latin words a Chinese page may show: units, method and estimator names, symbols, and
/// the distribution syntax of scenario files. Ids (field paths, file names, flags, anything
/// with a digit, `.`, `_` or a leading `-`) are allowed by their form.
const ALLOWED: &[&str] = &[
    // units
    "MW",
    "MWh",
    "GWh",
    "kWh",
    // per year in units such as 万tce/yr (a project's energy at full output)
    "yr",
    "kW",
    "GW",
    "t",
    "tce",
    "CO",
    "tCO",
    "ha",
    "GDP",
    "yuan",
    // the folder of the project's own documentation, cited as docs/model.md §n and
    // docs/sources.md (参考资料)
    "docs",
    // methods, estimators, symbols
    "PRIM",
    "LMDI",
    "Sobol",
    "Morris",
    "tornado",
    "Saltelli",
    "Jansen",
    "Wilson",
    "ChaCha",
    "P",
    "p",
    "S",
    "ST",
    "N",
    "k",
    "r",
    "A",
    "B",
    "AB",
    "i",
    "median",
    "min",
    "max",
    "sd",
    "sigma",
    // Chinese national standards are cited as GB/T NNNNN
    "GB",
    "T",
    // distribution syntax of scenario files (as in parameters.csv)
    "pert",
    "triangular",
    "uniform",
    "normal",
    "lognormal",
    "delivery",
    // outcome specs as typed on the command line (`met:ID:YEAR`)
    "met",
    // ids of the shipped scenarios (printed beside their Chinese names)
    "baseline",
    "plan",
    "enhanced",
    // correlated inputs in scenario files (`[[correlations]] between = …, spearman = …`)
    "between",
    "spearman",
];

/// The text a reader sees: SVG `<text>`/`<title>` content, or HTML without its tags, style
/// and entities.
fn visible_text(path: &Path) -> String {
    let raw = read_string(path);
    if path.extension().is_some_and(|e| e == "svg") {
        let doc = roxmltree::Document::parse(&raw).expect("SVG parses");
        return doc
            .descendants()
            .filter(|n| n.is_text())
            .filter_map(|n| n.text())
            .collect::<Vec<_>>()
            .join("\n");
    }
    let mut s = raw;
    while let (Some(a), Some(b)) = (s.find("<style>"), s.find("</style>")) {
        s.replace_range(a..b + "</style>".len(), " ");
    }
    // Ids (field paths) are typeset as <code>: not words of either language.
    while let Some(a) = s.find("<code>") {
        let b = s[a..]
            .find("</code>")
            .map_or(s.len(), |b| a + b + "</code>".len());
        s.replace_range(a..b, " ");
    }
    let mut out = String::new();
    let mut in_tag = false;
    for c in s.chars() {
        match c {
            '<' => in_tag = true,
            '>' if in_tag => {
                in_tag = false;
                out.push(' ');
            }
            _ if !in_tag => out.push(c),
            _ => {}
        }
    }
    out.replace("&amp;", "&")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
}

fn is_cjk(c: char) -> bool {
    matches!(c as u32, 0x2E80..=0x9FFF | 0xF900..=0xFAFF | 0xFF00..=0xFFEF)
}

/// Latin words of a Chinese text that are neither ids nor allowed.
fn stray_latin(text: &str) -> Vec<String> {
    let mut bad = Vec::new();
    let chunks = text.split(|c: char| {
        c.is_whitespace()
            || is_cjk(c)
            || "，。；：、（）()[]{}=≤≥<>\"'“”·,;:|/×+−–—*%?!".contains(c)
    });
    for chunk in chunks {
        if chunk.is_empty()
            || chunk.starts_with('-')
            || chunk
                .chars()
                .any(|c| c.is_ascii_digit() || c == '.' || c == '_')
        {
            continue;
        }
        // A word cut to fit ("triang…") is allowed when the whole word is.
        if let Some(head) = chunk.strip_suffix('…')
            && ALLOWED.iter().any(|a| a.starts_with(head))
        {
            continue;
        }
        let word: String = chunk.chars().filter(|c| c.is_ascii_alphabetic()).collect();
        let word = word.trim_end_matches('s');
        if word.is_empty() || ALLOWED.contains(&word) || ALLOWED.contains(&chunk) {
            continue;
        }
        bad.push(chunk.to_string());
    }
    bad.sort();
    bad.dedup();
    bad
}

/// Every chart and page under `dir`.
fn pages(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                stack.push(p);
            } else if p.extension().is_some_and(|e| e == "svg" || e == "html") {
                out.push(p);
            }
        }
    }
    out.sort();
    out
}

/// Write everything a planner looks at in `lang` under `tmp/<lang>`; returns the folder
/// and what the commands printed.
fn outputs(tmp: &TempDir, lang: &str) -> (PathBuf, String) {
    let mut printed = String::new();
    let mut keep = |o: crate::util::Output| {
        printed.push_str(&o.stdout);
        printed.push_str(&o.stderr);
    };
    let d = |n: &str| tmp.arg(&format!("{lang}/{n}"));
    let l = ["--lang", lang];
    keep(
        peakpath(
            [
                "run",
                "--runs",
                "300",
                "--threads",
                "2",
                "--report",
                "--out",
                &d("run"),
            ]
            .iter()
            .chain(&l),
        )
        .ok(),
    );
    keep(
        peakpath(
            [
                "compare",
                "scenarios/baseline.toml",
                "scenarios/plan.toml",
                "--runs",
                "200",
                "--threads",
                "2",
                "--out",
                &d("compare"),
            ]
            .iter()
            .chain(&l),
        )
        .ok(),
    );
    keep(peakpath(["report", &d("compare")].iter().chain(&l)).ok());
    keep(
        peakpath(
            [
                "discover",
                "--outcome",
                "peaked_by_2030",
                "--runs",
                "1000",
                "--out",
                &d("discover"),
            ]
            .iter()
            .chain(&l),
        )
        .ok(),
    );
    keep(
        peakpath(
            [
                "decompose",
                "scenarios/baseline.toml",
                "scenarios/plan.toml",
                "--year",
                "2030",
                "--out",
                &d("decompose"),
            ]
            .iter()
            .chain(&l),
        )
        .ok(),
    );
    keep(
        peakpath(
            [
                "sensitivity",
                "--method",
                "tornado",
                "--outcome",
                "co2:2030",
                "--outcome",
                "met:5:2025",
                "--out",
                &d("tornado"),
            ]
            .iter()
            .chain(&l),
        )
        .ok(),
    );
    keep(
        peakpath(
            [
                "report",
                &d("run"),
                "--with",
                &d("discover"),
                "--with",
                &d("decompose"),
                "--with",
                &d("tornado"),
            ]
            .iter()
            .chain(&l),
        )
        .ok(),
    );
    (tmp.join(lang), printed)
}

#[test]
fn chinese_outputs_have_no_stray_latin_words() {
    let tmp = TempDir::new("lang-zh");
    let (dir, printed) = outputs(&tmp, "zh");
    let mut problems = Vec::new();
    // What the commands print with --lang zh, file paths aside.
    let words: Vec<&str> = printed
        .split_whitespace()
        .filter(|w| !w.contains('/'))
        .collect();
    let bad = stray_latin(&words.join(" "));
    if !bad.is_empty() {
        problems.push(format!("terminal: {bad:?}\n{printed}"));
    }
    let files = pages(&dir);
    assert!(files.len() >= 20, "only {} pages", files.len());
    for f in &files {
        let bad = stray_latin(&visible_text(f));
        if !bad.is_empty() {
            problems.push(format!(
                "{}: {bad:?}",
                f.strip_prefix(&dir).unwrap().display()
            ));
        }
    }
    assert!(
        problems.is_empty(),
        "Latin words in Chinese output:\n{}",
        problems.join("\n")
    );
}

#[test]
fn english_outputs_have_no_chinese() {
    let tmp = TempDir::new("lang-en");
    let (dir, printed) = outputs(&tmp, "en");
    let mut problems = Vec::new();
    for f in pages(&dir) {
        let text = visible_text(&f);
        let cjk: String = text.chars().filter(|&c| is_cjk(c)).take(40).collect();
        if !cjk.is_empty() {
            problems.push(format!(
                "{}: {cjk}",
                f.strip_prefix(&dir).unwrap().display()
            ));
        }
    }
    // What the commands print with --lang en (headlines, summaries, notes).
    let cjk: String = printed.chars().filter(|&c| is_cjk(c)).take(40).collect();
    if !cjk.is_empty() {
        problems.push(format!("terminal: {cjk}\n{printed}"));
    }
    let table = peakpath(["indicators", "--lang", "en"]).ok().stdout;
    if table.chars().any(is_cjk) {
        problems.push("indicators --lang en".into());
    }
    assert!(
        problems.is_empty(),
        "Chinese in English output:\n{}",
        problems.join("\n")
    );
}

#[test]
fn the_scan_finds_what_it_should() {
    assert_eq!(stray_latin("电网排放因子口径: provincial"), ["provincial"]);
    assert!(
        stray_latin("economy.growth.2025 ≥ 0.0335 比例/年, 300 MW, pert(0.5, 0.9, 1.1)").is_empty()
    );
    assert!(stray_latin("请增大 --samples。").is_empty());
}
