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
    // peak memory of a merge
    "MB",
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
    "Shapley",
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
    "n",
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
    "mean",
    "mode",
    // TOML literals a field takes
    "true",
    "false",
    "delivery",
    // outcome specs as typed on the command line (`met:ID:YEAR`)
    "met",
    // the workbook's sheet the chart sheet points to (sheet names are ids)
    "summary",
    // ids of the shipped scenarios (printed beside their Chinese names)
    "baseline",
    "plan",
    "enhanced",
    // keys of scenario files (`extends = "plan.toml"`; correlated inputs:
    // `[[correlations]] between = …, spearman = …`)
    "extends",
    "between",
    "spearman",
];

/// The text a reader sees: SVG `<text>`/`<title>` content, or HTML without its tags, style
/// and entities.
pub(crate) fn visible_text(path: &Path) -> String {
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

pub(crate) fn is_cjk(c: char) -> bool {
    matches!(c as u32, 0x2E80..=0x9FFF | 0xF900..=0xFAFF | 0xFF00..=0xFFEF)
}

/// A file name (`parameters.csv`, `docs/model.md`), allowed in any text.
fn is_file_name(chunk: &str) -> bool {
    [
        ".csv", ".md", ".svg", ".png", ".json", ".toml", ".xlsx", ".npz", ".html",
    ]
    .iter()
    .any(|e| chunk.ends_with(e))
}

/// A field path or an id written with `_` (`economy.growth.2025`, `fossil_only`), which a
/// chart, a table a reader reads or a page must name by its display name.
fn is_field_id(chunk: &str) -> bool {
    let letters = chunk.chars().any(|c| c.is_ascii_alphabetic());
    let dotted = chunk.split('.').count() > 1
        && chunk
            .split('.')
            .next()
            .is_some_and(|h| h.len() > 1 && h.chars().all(|c| c.is_ascii_lowercase() || c == '_'));
    letters && !is_file_name(chunk) && (chunk.contains('_') || dotted)
}

/// Latin words of a text a reader reads (a chart, a page, a workbook) in Chinese: as
/// [`stray_latin`], and field paths and `_` ids too (they are typed, not read: such a text
/// names an input by its display name).
pub(crate) fn stray_latin_strict(text: &str) -> Vec<String> {
    let mut bad = stray_latin(text);
    for chunk in text.split(|c: char| {
        c.is_whitespace()
            || is_cjk(c)
            || "，。；：、（）()[]{}=≤≥<>\"'“”·,;:|/×+−–—*%?!`".contains(c)
    }) {
        if is_field_id(chunk) {
            bad.push(chunk.to_string());
        }
    }
    bad.sort();
    bad.dedup();
    bad
}

/// Latin words of a Chinese text that are neither ids nor allowed.
pub(crate) fn stray_latin(text: &str) -> Vec<String> {
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
    // The workbook of a run.
    keep(
        peakpath(
            [
                "run",
                "--runs",
                "100",
                "--threads",
                "2",
                "--no-charts",
                "--xlsx",
                "--out",
                &d("book"),
            ]
            .iter()
            .chain(&l),
        )
        .ok(),
    );
    // Morris and Sobol' charts.
    for (m, extra) in [("morris", "8"), ("sobol", "32")] {
        keep(
            peakpath(
                [
                    "sensitivity",
                    "--method",
                    m,
                    "--samples",
                    extra,
                    "--outcome",
                    "co2:2030",
                    "--out",
                    &d(m),
                ]
                .iter()
                .chain(&l),
            )
            .ok(),
        );
    }
    // Wedges (central), shards and their merge, validate with a plausibility warning.
    keep(
        peakpath(
            ["wedges", "scenarios/plan.toml", "--out", &d("wedges")]
                .iter()
                .chain(&l),
        )
        .ok(),
    );
    for k in ["1/2", "2/2"] {
        let shard = format!("shard{}", &k[..1]);
        keep(
            peakpath(
                [
                    "run",
                    "--runs",
                    "100",
                    "--threads",
                    "2",
                    "--shard",
                    k,
                    "--out",
                    &d(&shard),
                ]
                .iter()
                .chain(&l),
            )
            .ok(),
        );
    }
    keep(
        peakpath(
            ["merge", &d("shard1"), &d("shard2"), "--out", &d("merged")]
                .iter()
                .chain(&l),
        )
        .ok(),
    );
    let warned = tmp.join(format!("{lang}-warned.toml"));
    std::fs::write(
        &warned,
        format!(
            "extends = {:?}\n[economy.growth]\n2025 = 0.25\n2030 = 0.05\n2035 = 0.04\n",
            crate::util::root()
                .join("scenarios/plan.toml")
                .display()
                .to_string()
        ),
    )
    .unwrap();
    let v = peakpath(["validate", &warned.display().to_string()].iter().chain(&l)).ok();
    assert!(v.stderr.lines().count() >= 2, "a warning: {}", v.stderr);
    keep(v);
    (tmp.join(lang), printed)
}

/// Scenario files with the most common mistakes, and what `validate` and `run` print for
/// them (and for a missing file) in `lang`.
fn errors(tmp: &TempDir, lang: &str) -> String {
    let plan = crate::util::root().join("scenarios/plan.toml");
    let head = format!("extends = {:?}\n", plan.display().to_string());
    let cases = [
        ("unknown", "[economy]\ngrowht = 1\n"),
        ("type", "economy = 3\n"),
        ("range", "[electricity]\nloss = 0.9\n"),
        ("dist", "[electricity]\nloss = \"tri(0.01, 0.02)\"\n"),
        ("order", "[electricity]\nloss = \"pert(0.1, 0.05, 0.06)\"\n"),
        ("syntax", "[electricity]\nloss = \"abc\"\n"),
    ];
    let mut printed = String::new();
    for (name, body) in cases {
        let f = tmp.join(format!("{lang}-{name}.toml"));
        std::fs::write(&f, format!("{head}{body}")).unwrap();
        let o = peakpath(["validate", &f.display().to_string(), "--lang", lang]).expect_code(2);
        printed.push_str(&o.stderr);
        let o =
            peakpath(["run", "--central", &f.display().to_string(), "--lang", lang]).expect_code(2);
        printed.push_str(&o.stderr);
    }
    let missing = tmp.join("missing.toml").display().to_string();
    printed.push_str(
        &peakpath(["validate", &missing, "--lang", lang])
            .expect_code(2)
            .stderr,
    );
    let f = tmp.join(format!("{lang}-extends.toml"));
    std::fs::write(&f, "extends = \"nothere.toml\"\n").unwrap();
    printed.push_str(
        &peakpath(["validate", &f.display().to_string(), "--lang", lang])
            .expect_code(2)
            .stderr,
    );
    printed
}

/// Columns of the workbook that hold data written by the scenario's authors or given in one
/// language by definition (names in the other language, the sources' comments), or typed
/// ids (field paths, variable and scenario ids, distributions): not scanned.
const DATA_COLUMNS: &[&str] = &[
    "name_zh",
    "name_en",
    "source",
    "parameter",
    "distribution",
    "variable",
    "scenario",
    "id",
    "indicator",
];

/// Every text cell the workbook `book` writes in its language: headers, units, states (not
/// the [`DATA_COLUMNS`]); in `--lang zh` headers name the columns in Chinese, so the CSV
/// column each cell belongs to is read from the CSV beside the workbook.
fn workbook_text(book: &Path) -> String {
    use calamine::{Data, Reader, Xlsx, open_workbook};
    let mut wb: Xlsx<_> = open_workbook(book).unwrap();
    let mut out = String::new();
    let dir = book.parent().unwrap();
    for name in wb.sheet_names() {
        let range = wb.worksheet_range(&name).unwrap();
        let csv = dir.join(format!("{name}.csv"));
        let columns: Vec<String> = if csv.exists() {
            read_string(&csv)
                .lines()
                .next()
                .unwrap_or("")
                .split(',')
                .map(String::from)
                .collect()
        } else {
            Vec::new()
        };
        for (r, row) in range.rows().enumerate() {
            for (k, c) in row.iter().enumerate() {
                let col = columns.get(k).map_or("", String::as_str);
                if r > 0 && DATA_COLUMNS.contains(&col) {
                    continue;
                }
                if let Data::String(s) = c {
                    out.push_str(s);
                    out.push('\n');
                }
            }
        }
    }
    out
}

/// The messages of error lines, without their `file:line:col: field:` frame, the lists of
/// field names a message offers (after `以下之一:`) and quoted or back-quoted values (typed
/// ids and values as found).
pub(crate) fn message_text(printed: &str) -> String {
    printed
        .lines()
        .map(|l| {
            // file:line:col: field: message, or file:line:col: message
            let parts: Vec<&str> = l.splitn(5, ": ").collect();
            let msg = if parts.len() >= 3 && parts[0].split(':').count() >= 3 {
                parts[2..].join(": ")
            } else if parts.len() == 2 && parts[0].split(':').count() >= 3 {
                parts[1].to_string()
            } else {
                l.to_string()
            };
            let msg = match msg.split_once("以下之一: ") {
                Some((a, b)) => format!("{a}{}", b.split_once(", 实为").map_or("", |x| x.1)),
                None => msg,
            };
            let mut out = String::new();
            let mut quote = None;
            for c in msg.chars() {
                match quote {
                    Some(q) if c == q => quote = None,
                    Some(_) => {}
                    None if c == '`' || c == '"' => quote = Some(c),
                    None => out.push(c),
                }
            }
            out
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// What a terminal shows, file paths aside.
fn without_paths(printed: &str) -> String {
    printed
        .split_whitespace()
        .filter(|w| !w.contains('/'))
        .collect::<Vec<_>>()
        .join(" ")
}

#[test]
fn chinese_outputs_have_no_stray_latin_words() {
    let tmp = TempDir::new("lang-zh");
    let (dir, printed) = outputs(&tmp, "zh");
    let mut problems = Vec::new();
    // What the commands print with --lang zh, file paths aside.
    // Validator lines (warnings) name their field in a `file:line:col: field:` frame.
    let bad = stray_latin(&without_paths(&message_text(&printed)));
    if !bad.is_empty() {
        problems.push(format!("terminal: {bad:?}\n{printed}"));
    }
    // The validator's and the loader's errors.
    let errs = errors(&tmp, "zh");
    let bad = stray_latin(&without_paths(&message_text(&errs)));
    if !bad.is_empty() {
        problems.push(format!("errors: {bad:?}\n{errs}"));
    }
    // The workbook: headers, units, states (ids and field paths are its data).
    let book = workbook_text(&dir.join("book/results.xlsx"));
    let bad = stray_latin(&book);
    if !bad.is_empty() {
        problems.push(format!("results.xlsx: {bad:?}"));
    }
    let files = pages(&dir);
    assert!(files.len() >= 20, "only {} pages", files.len());
    for f in &files {
        let bad = stray_latin_strict(&visible_text(f));
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
    let errs = errors(&tmp, "en");
    let cjk: String = errs.chars().filter(|&c| is_cjk(c)).take(40).collect();
    if !cjk.is_empty() {
        problems.push(format!("errors: {cjk}\n{errs}"));
    }
    let book = workbook_text(&dir.join("book/results.xlsx"));
    let cjk: String = book.chars().filter(|&c| is_cjk(c)).take(40).collect();
    if !cjk.is_empty() {
        problems.push(format!("results.xlsx: {cjk}"));
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
    assert_eq!(
        stray_latin_strict("能耗 (fossil_only) economy.growth.2025 见 parameters.csv"),
        ["economy.growth.2025", "fossil_only"]
    );
}
