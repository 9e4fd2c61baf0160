//! The house follows the data (issue 22): the core modules form layers, each importing only
//! from the layers below it, and every report lives in `src/report/`.
//!
//! error ← model ← indicators ← scenario ← engine ← (output, report, runner, commands)

use std::path::Path;

use crate::util::root;

/// The `crate::<module>` names a file's non-test code uses.
fn imports(text: &str) -> Vec<String> {
    // Code after the first `#[cfg(test)]` is a test module (the house style puts it last).
    let code = text.split("#[cfg(test)]").next().unwrap_or("");
    let mut out = Vec::new();
    for (i, _) in code.match_indices("crate::") {
        let rest = &code[i + 7..];
        let name: String = rest
            .chars()
            .take_while(|c| c.is_ascii_lowercase() || *c == '_')
            .collect();
        if !name.is_empty() {
            out.push(name);
        }
    }
    // `use crate::{a, b::c}` lists.
    for (i, _) in code.match_indices("use crate::{") {
        let list = &code[i + 12..];
        let list = &list[..list.find('}').unwrap_or(0)];
        for part in list.split(',') {
            let name: String = part
                .trim()
                .chars()
                .take_while(|c| c.is_ascii_lowercase() || *c == '_')
                .collect();
            if !name.is_empty() {
                out.push(name);
            }
        }
    }
    out
}

/// The non-test Rust files of a module (a file or a folder), relative to the repository.
fn files(module: &str) -> Vec<std::path::PathBuf> {
    let src = root().join("src");
    let file = src.join(format!("{module}.rs"));
    if file.is_file() {
        return vec![file];
    }
    let mut out = Vec::new();
    let mut stack = vec![src.join(module)];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap_or_else(|e| panic!("{}: {e}", d.display())) {
            let p = e.unwrap().path();
            let name = p.file_name().unwrap().to_string_lossy().to_string();
            if p.is_dir() {
                stack.push(p);
            } else if name.ends_with(".rs") && !name.starts_with("tests") {
                out.push(p);
            }
        }
    }
    out.sort();
    out
}

#[test]
fn core_modules_import_only_the_layers_below_them() {
    let layers: &[(&str, &[&str])] = &[
        ("error", &[]),
        ("model", &[]),
        ("indicators", &["model", "error"]),
        ("scenario", &["indicators", "model", "error"]),
        (
            "engine",
            &["scenario", "indicators", "model", "error", "stats"],
        ),
    ];
    let mut bad = Vec::new();
    for (module, allowed) in layers {
        let fs = files(module);
        assert!(!fs.is_empty(), "no files for src/{module}");
        for f in fs {
            let text = std::fs::read_to_string(&f).unwrap();
            for m in imports(&text) {
                if m != *module && !allowed.contains(&m.as_str()) {
                    bad.push(format!(
                        "{}: uses crate::{m} (src/{module} may use only {allowed:?})",
                        f.strip_prefix(root()).unwrap_or(&f).display()
                    ));
                }
            }
        }
    }
    bad.sort();
    bad.dedup();
    assert!(
        bad.is_empty(),
        "imports against the layers:\n{}",
        bad.join("\n")
    );
}

#[test]
fn every_report_lives_in_src_report() {
    let src = root().join("src");
    for gone in ["visual", "comparison.rs"] {
        assert!(
            !src.join(gone).exists(),
            "src/{gone} should be in src/report/"
        );
    }
    // Pages and charts are made in src/report only (the serve page is a static asset).
    let mut stray = Vec::new();
    let mut stack = vec![src.clone()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                if p != src.join("report") {
                    stack.push(p);
                }
                continue;
            }
            if p.extension().is_none_or(|x| x != "rs") {
                continue;
            }
            let text = std::fs::read_to_string(&p).unwrap();
            if text.contains("<!DOCTYPE") || text.contains("plotters::") {
                stray.push(p.strip_prefix(root()).unwrap().display().to_string());
            }
        }
    }
    assert!(
        stray.is_empty(),
        "pages or charts made outside src/report: {stray:?}"
    );
}

#[test]
fn the_import_scan_sees_what_it_should() {
    let text = "use crate::model::Var;\nuse crate::{error::Error, stats};\nfn f() { crate::engine::x(); }\n#[cfg(test)]\nmod tests { use crate::runner; }\n";
    let mut got = imports(text);
    got.sort();
    assert_eq!(got, ["engine", "error", "model", "stats"]);
    assert!(Path::new(&root()).join("src/report/run/mod.rs").is_file());
}
