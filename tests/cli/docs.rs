//! The project documents its own model: every "docs/model.md §n" and "docs/sources.md §n"
//! that the README, the source (terminal messages, report text, chart notes, `--help`), the
//! shipped scenarios, the docs themselves or a run's output cite resolves to a heading
//! ("## §n …" or "### §n …") of that file, and nothing a user reads cites MODEL.md or
//! REFERENCE.md, which are not in the repository.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use crate::util::{TempDir, peakpath, read_string, root};

/// The documentation files citations may point to.
const DOCS: [&str; 2] = ["docs/model.md", "docs/sources.md"];

/// The section ids a file's headings define: "## §4a Caps …" gives "4a".
fn headings(file: &str) -> BTreeSet<String> {
    read_string(root().join(file))
        .lines()
        .filter_map(|l| l.strip_prefix("### §").or_else(|| l.strip_prefix("## §")))
        .filter_map(|rest| rest.split_whitespace().next())
        .map(str::to_string)
        .collect()
}

/// Every citation `<doc> §<id>` in `text` (whitespace runs read as one space, so a citation
/// broken over two lines counts), with `<id>` one or more digits and an optional lowercase
/// letter: "docs/model.md §6a" gives ("docs/model.md", "6a").
fn citations(text: &str) -> Vec<(&'static str, String)> {
    let text = text.split_whitespace().collect::<Vec<_>>().join(" ");
    let mut out = Vec::new();
    for doc in DOCS {
        let needle = format!("{doc} §");
        for (i, _) in text.match_indices(&needle) {
            let rest = &text[i + needle.len()..];
            let digits: String = rest.chars().take_while(char::is_ascii_digit).collect();
            if digits.is_empty() {
                continue;
            }
            let mut id = digits.clone();
            let mut after = rest[digits.len()..].chars();
            if let Some(c) = after.next()
                && c.is_ascii_lowercase()
                && !after.next().is_some_and(|d| d.is_ascii_alphanumeric())
            {
                id.push(c);
            }
            out.push((doc, id));
        }
    }
    out
}

/// Every file under `dir`, recursively, sorted.
fn files(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                stack.push(p);
            } else {
                out.push(p);
            }
        }
    }
    out.sort();
    out
}

/// "MODEL.md §" or "REFERENCE.md §" in `text`, outside `//` comments (the code may cite the
/// specification it implements; a user never reads it there).
fn stale(text: &str) -> Vec<String> {
    text.lines()
        .filter(|l| !l.trim_start().starts_with("//"))
        .filter(|l| l.contains("MODEL.md §") || l.contains("REFERENCE.md §"))
        .map(|l| l.trim().to_string())
        .collect()
}

#[test]
fn both_files_have_the_sections_the_outputs_cite() {
    let model = headings("docs/model.md");
    for id in [
        "1", "2", "3", "4", "4a", "4b", "5", "6", "6a", "7", "8", "9", "10", "11",
    ] {
        assert!(model.contains(id), "docs/model.md has no heading §{id}");
    }
    let sources = headings("docs/sources.md");
    for id in 1..=10 {
        assert!(
            sources.contains(&id.to_string()),
            "docs/sources.md has no heading §{id}"
        );
    }
}

#[test]
fn every_cited_section_resolves() {
    let mut texts: Vec<(String, String)> = Vec::new();
    for f in ["README.md", "docs/model.md", "docs/sources.md"] {
        texts.push((f.to_string(), read_string(root().join(f))));
    }
    for dir in ["src", "scenarios"] {
        for p in files(&root().join(dir)) {
            let Ok(text) = std::fs::read_to_string(&p) else {
                continue;
            };
            let name = p.strip_prefix(root()).unwrap().display().to_string();
            texts.push((name, text));
        }
    }
    // What a user sees of a run: the terminal (a central run, and a small Monte Carlo of the
    // embedded plan, whose correlated inputs are announced with their section) and run.json.
    let tmp = TempDir::new("docs-citations");
    for (label, args) in [
        ("run --central", vec!["--central"]),
        ("run --runs 200", vec!["--runs", "200"]),
    ] {
        let out_dir = tmp.arg(&label.replace([' ', '-'], ""));
        let mut a = vec!["run", "--out", out_dir.as_str()];
        a.extend(args);
        let out = peakpath(&a).ok();
        texts.push((format!("`peakpath {label}` (stdout)"), out.stdout));
        texts.push((format!("`peakpath {label}` (stderr)"), out.stderr));
        let json = read_string(Path::new(&out_dir).join("run.json"));
        texts.push((format!("`peakpath {label}` (run.json)"), json));
    }
    let help = peakpath(["--help"]).ok();
    texts.push(("`peakpath --help`".to_string(), help.stdout));

    let defined = DOCS.map(headings);
    let mut checked = 0;
    let mut unresolved = Vec::new();
    let mut by_doc = [0usize; 2];
    let mut in_outputs = 0;
    for (name, text) in &texts {
        for (doc, id) in citations(text) {
            checked += 1;
            let k = DOCS.iter().position(|d| *d == doc).unwrap();
            by_doc[k] += 1;
            if name.starts_with('`') {
                in_outputs += 1;
            }
            if !defined[k].contains(&id) {
                unresolved.push(format!("{name}: {doc} §{id}"));
            }
        }
    }
    assert!(
        unresolved.is_empty(),
        "citations with no heading in their file:\n{}",
        unresolved.join("\n")
    );
    // The scan must find the citations it is meant to check: the README's, the code's, the
    // scenario files' and at least the Monte Carlo run's announcement of correlated inputs.
    assert!(
        checked >= 60,
        "only {checked} citations found: the scan no longer sees them"
    );
    assert!(
        by_doc[0] >= 40 && by_doc[1] >= 5,
        "citations of docs/model.md: {}, of docs/sources.md: {}",
        by_doc[0],
        by_doc[1]
    );
    assert!(
        in_outputs >= 1,
        "no citation in the run's output: the terminal should name docs/model.md §2"
    );

    // Nothing a user reads cites the files that are not in the repository.
    let found: Vec<String> = texts
        .iter()
        .flat_map(|(name, text)| stale(text).into_iter().map(move |l| format!("{name}: {l}")))
        .collect();
    assert!(
        found.is_empty(),
        "user-visible citations of MODEL.md or REFERENCE.md:\n{}",
        found.join("\n")
    );
}

#[test]
fn no_user_visible_string_in_the_source_cites_the_missing_files() {
    // In Rust and JavaScript sources only comments may cite MODEL.md or REFERENCE.md.
    let mut bad = Vec::new();
    for p in files(&root().join("src")) {
        let Ok(text) = std::fs::read_to_string(&p) else {
            continue;
        };
        for l in stale(&text) {
            bad.push(format!("{}: {l}", p.display()));
        }
    }
    assert!(
        bad.is_empty(),
        "strings citing MODEL.md or REFERENCE.md:\n{}",
        bad.join("\n")
    );
}

#[test]
fn citations_are_read_as_written() {
    assert_eq!(
        citations("see docs/model.md §6a, docs/sources.md §9 and docs/model.md\n  §11."),
        vec![
            ("docs/model.md", "6a".to_string()),
            ("docs/model.md", "11".to_string()),
            ("docs/sources.md", "9".to_string()),
        ]
    );
    // "§n" (a placeholder) and a word after the number are no section ids.
    assert_eq!(
        citations("docs/sources.md §n; docs/model.md §4ab"),
        vec![("docs/model.md", "4".to_string())]
    );
}
