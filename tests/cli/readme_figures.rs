//! The README's deterministic figures are the code's (issue 24): counts of uncertain inputs
//! and parameters, the model runs of tornado (2k + 1), Morris (r·(k + 1)) and Sobol'
//! (N·(k + 2)), `discover`'s counts, the columns of a draws file, the correlated pairs and the
//! shape of the outputs. Each figure is found in README.md by the sentence around it (a
//! template whose `{}` stand for numbers) and compared with what the commands produce here;
//! a sentence the README no longer has fails too, so that a reworded figure is brought back
//! under the test rather than dropped from it. Figures that depend on the machine (times,
//! speeds, memory) are measured and dated by hand instead.

use std::collections::HashSet;

use crate::util::{TempDir, csv_rows, peakpath, read_string, root};

/// README.md with every run of whitespace (line breaks included) as one space.
fn flat_readme() -> String {
    read_string(root().join("README.md"))
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

/// A number as the README writes it at `s`: digits grouped by ',' or a space (`1,753,088`,
/// `1 753 088`, `10 000`), an optional decimal part. Returns its digits (and '.') and its length.
fn number_at(s: &str) -> Option<(String, usize)> {
    let b = s.as_bytes();
    let mut i = 0;
    while i < b.len() && b[i].is_ascii_digit() {
        i += 1;
    }
    if i == 0 {
        return None;
    }
    let mut digits = s[..i].to_string();
    // groups of three after a separator
    loop {
        let sep = match b.get(i) {
            Some(b',') | Some(b' ') => 1,
            _ => 0,
        };
        if sep == 0 {
            break;
        }
        let g = &b[i + 1..];
        if g.len() >= 3
            && g[..3].iter().all(u8::is_ascii_digit)
            && !g.get(3).is_some_and(u8::is_ascii_digit)
        {
            digits.push_str(&s[i + 1..i + 4]);
            i += 4;
        } else {
            break;
        }
    }
    if b.get(i) == Some(&b'.') && b.get(i + 1).is_some_and(u8::is_ascii_digit) {
        let start = i;
        i += 1;
        while i < b.len() && b[i].is_ascii_digit() {
            i += 1;
        }
        digits.push_str(&s[start..i]);
    }
    Some((digits, i))
}

/// Every place `template` matches in `text`: the numbers in place of its `{}`, in order.
fn matches(text: &str, template: &str) -> Vec<Vec<String>> {
    let parts: Vec<&str> = template.split("{}").collect();
    assert!(
        !parts[0].is_empty(),
        "a template starts with words: {template}"
    );
    let mut out = Vec::new();
    let mut from = 0;
    while let Some(p) = text[from..].find(parts[0]) {
        let start = from + p;
        from = start + parts[0].len().max(1);
        let mut at = start + parts[0].len();
        let mut nums = Vec::new();
        let mut ok = true;
        for lit in &parts[1..] {
            match number_at(&text[at..]) {
                Some((n, len)) if text[at + len..].starts_with(lit) => {
                    nums.push(n);
                    at += len + lit.len();
                }
                _ => {
                    ok = false;
                    break;
                }
            }
        }
        if ok {
            out.push(nums);
        }
    }
    out
}

/// The README's figure in `template` must be `expected` (the `{}` in order) wherever the
/// sentence is, and the sentence must be there.
fn check(readme: &str, template: &str, expected: &[String], errors: &mut Vec<String>) {
    let found = matches(readme, template);
    if found.is_empty() {
        errors.push(format!(
            "README.md no longer says \"{template}\": bring the figure back under this test (tests/cli/readme_figures.rs)"
        ));
    }
    for f in found {
        if f != expected {
            errors.push(format!(
                "README.md: \"{template}\" says {f:?}; the code gives {expected:?}"
            ));
        }
    }
}

fn json(p: impl AsRef<std::path::Path>) -> serde_json::Value {
    serde_json::from_str(&read_string(p)).unwrap()
}

/// (parameters, uncertain) as `peakpath validate` counts them.
fn counts(file: &str) -> (u64, u64) {
    let o = peakpath(["validate", file, "--lang", "en"]).ok();
    let s = format!("{}{}", o.stdout, o.stderr);
    // "FILE: ok (202 parameters, 105 uncertain)"
    let inner = s
        .split_once(" parameters, ")
        .map(|(a, b)| {
            let a = a.rsplit_once('(').map_or(a, |x| x.1);
            let b = b.split_once(' ').map_or(b, |x| x.0);
            format!("{a} {b}")
        })
        .unwrap_or_else(|| panic!("validate: {s}"));
    let n: Vec<u64> = inner
        .split(' ')
        .map(|w| w.parse().unwrap_or_else(|_| panic!("validate: {s}")))
        .collect();
    (n[0], n[1])
}

/// `n` as the README groups it: 1,753,088 (`sep` ',') or 1 753 088 (`sep` ' ') — compared
/// by digits, so the separator does not matter here.
fn s(n: impl ToString) -> String {
    n.to_string()
}

fn dec3(x: &serde_json::Value) -> String {
    format!("{:.3}", x.as_f64().unwrap())
}

#[test]
fn readme_figures_are_the_codes() {
    let readme = flat_readme();
    let tmp = TempDir::new("readme-figures");
    let d = |p: &str| tmp.arg(p);
    let mut errors = Vec::new();

    // Inputs and parameters.
    let (params, k) = counts("scenarios/plan.toml");
    let (_, k_v2) = counts("tests/fixtures/v2/plan.toml");
    check(
        &readme,
        "model v3, {} uncertain inputs of {} parameters as `peakpath validate` counts them, so k = {}: tornado 2k + 1 = {} runs",
        &[s(k), s(params), s(k), s(2 * k + 1)],
        &mut errors,
    );

    // Tornado and Morris at the README's sizes (cheap); Sobol' at a small N for its rows a
    // base row, then the README's N.
    peakpath([
        "sensitivity",
        "--method",
        "tornado",
        "--outcome",
        "co2:2030",
        "--out",
        &d("tornado"),
    ])
    .ok();
    let tornado = json(tmp.join("tornado/sensitivity.json"))["evaluations"]
        .as_u64()
        .unwrap();
    assert_eq!(tornado, 2 * k + 1, "tornado runs 2k + 1");
    check(
        &readme,
        "| tornado, `co2:2030` | {} |",
        &[s(tornado)],
        &mut errors,
    );
    peakpath([
        "sensitivity",
        "--method",
        "morris",
        "--samples",
        "100",
        "--outcome",
        "co2:2030",
        "--outcome",
        "peak_year",
        "--out",
        &d("morris"),
    ])
    .ok();
    let morris = json(tmp.join("morris/sensitivity.json"))["evaluations"]
        .as_u64()
        .unwrap();
    assert_eq!(morris, 100 * (k + 1), "Morris runs r·(k + 1)");
    check(
        &readme,
        "| morris r = 100, `co2:2030` + `peak_year` | {} |",
        &[s(morris)],
        &mut errors,
    );
    peakpath([
        "sensitivity",
        "scenarios/plan.toml",
        "--method",
        "sobol",
        "--samples",
        "64",
        "--outcome",
        "co2:2030",
        "--out",
        &d("sobol"),
    ])
    .ok();
    let per_row = json(tmp.join("sobol/sensitivity.json"))["evaluations"]
        .as_u64()
        .unwrap()
        / 64;
    assert_eq!(per_row, k + 2, "Sobol' runs N·(k + 2)");
    check(
        &readme,
        "| sobol N = 2^14, `co2:2030` + `met:4:2025` | {} |",
        &[s(16384 * per_row)],
        &mut errors,
    );
    check(
        &readme,
        "N = 4096, {} inputs, {} model runs",
        &[s(k), s(4096 * per_row)],
        &mut errors,
    );
    check(
        &readme,
        "--samples 4096`: {} inputs, {} runs",
        &[s(k), s(4096 * per_row)],
        &mut errors,
    );
    // `serve`'s ranking at start-up: N = 1024 (v3), and the v2 figure beside it.
    check(
        &readme,
        "N = 1024 base rows, {} model runs for the plan's {} inputs",
        &[s(1024 * per_row), s(k)],
        &mut errors,
    );
    check(
        &readme,
        "model v2: {} runs for {} inputs",
        &[s(1024 * (k_v2 + 2)), s(k_v2)],
        &mut errors,
    );

    // Speed: the shape of the plan's run.
    peakpath(["run", "--runs", "200", "--no-charts", "--out", &d("run")]).ok();
    let summary = csv_rows(tmp.join("run/summary.csv"));
    let vars: HashSet<&str> = summary.iter().map(|r| r["variable"].as_str()).collect();
    let years: HashSet<&str> = summary.iter().map(|r| r["year"].as_str()).collect();
    let ids: HashSet<String> = csv_rows(tmp.join("run/indicators.csv"))
        .into_iter()
        .map(|r| r["id"].clone())
        .collect();
    let resolved: serde_json::Value =
        serde_json::from_str(&peakpath(["resolve", "scenarios/plan.toml"]).ok().stdout).unwrap();
    let pairs = resolved["correlations"].as_array().unwrap().len();
    check(
        &readme,
        "`plan.toml`, {} variables × {} years, {} indicators, {} uncertain inputs, {} correlated pairs",
        &[s(vars.len()), s(years.len()), s(ids.len()), s(k), s(pairs)],
        &mut errors,
    );
    check(
        &readme,
        "(`tests/fixtures/v2/plan.toml`, {} uncertain inputs)",
        &[s(k_v2)],
        &mut errors,
    );

    // discover, at the README's 10,000 runs.
    peakpath([
        "discover",
        "scenarios/plan.toml",
        "--outcome",
        "peaked_by_2030",
        "--runs",
        "10000",
        "--out",
        &d("peak"),
    ])
    .ok();
    let j = json(tmp.join("peak/discover.json"));
    let b = &j["box"];
    let last_step = j["prim"]["trajectory_steps"].as_u64().unwrap() - 1;
    check(
        &readme,
        "the 2030 peak is missed in {} % of runs ({} of {}); the chosen box (step {} of {}) has {} restrictions",
        &[
            format!("{:.1}", 100.0 * j["failure_rate"].as_f64().unwrap()),
            s(&j["n_failed"]),
            s(&j["runs"]),
            s(&b["step"]),
            s(last_step),
            s(&b["n_restricted"]),
        ],
        &mut errors,
    );
    check(
        &readme,
        "holds {} % of the misses (coverage {}) while {} % of the runs inside it miss (density {}; {} of {})",
        &[
            format!("{:.0}", 100.0 * b["coverage"].as_f64().unwrap()),
            dec3(&b["coverage"]),
            format!("{:.0}", 100.0 * b["density"].as_f64().unwrap()),
            dec3(&b["density"]),
            s(&b["n_failed_inside"]),
            s(&b["n_inside"]),
        ],
        &mut errors,
    );
    check(
        &readme,
        "the plan misses a peak by 2030 in {} % of {} runs; the chosen box (coverage {}, density {})",
        &[
            format!("{:.1}", 100.0 * j["failure_rate"].as_f64().unwrap()),
            s(&j["runs"]),
            dec3(&b["coverage"]),
            dec3(&b["density"]),
        ],
        &mut errors,
    );
    peakpath([
        "discover",
        "scenarios/plan.toml",
        "--outcome",
        "met:2:2030",
        "--runs",
        "10000",
        "--out",
        &d("met2"),
    ])
    .ok();
    let j = json(tmp.join("met2/discover.json"));
    let b = &j["box"];
    check(
        &readme,
        "fails in {} % of the plan's {} runs ({}); PRIM's box (step {} of {}) has {} restrictions",
        &[
            format!("{:.1}", 100.0 * j["failure_rate"].as_f64().unwrap()),
            s(&j["runs"]),
            s(&j["n_failed"]),
            s(&b["step"]),
            s(j["prim"]["trajectory_steps"].as_u64().unwrap() - 1),
            s(&b["n_restricted"]),
        ],
        &mut errors,
    );
    check(
        &readme,
        "with coverage {} and density {} (drawn in",
        &[dec3(&b["coverage"]), dec3(&b["density"])],
        &mut errors,
    );

    // The draws file of review-2025: its columns (its rows are the runs).
    peakpath([
        "run",
        "scenarios/review-2025.toml",
        "--runs",
        "200",
        "--no-charts",
        "--save-draws",
        &d("d.npz"),
        "--out",
        &d("draws"),
    ])
    .ok();
    let cols = |name: &str| crate::save_draws::columns(&tmp.join("d.npz"), name).len();
    check(
        &readme,
        "the arrays are 100,000 × {} and 100,000 × {}",
        &[
            s(cols("experiments_columns.npy")),
            s(cols("outcomes_columns.npy")),
        ],
        &mut errors,
    );

    assert!(errors.is_empty(), "{}", errors.join("\n"));
}

#[test]
fn numbers_and_templates_as_the_readme_writes_them() {
    assert_eq!(number_at("1 753 088 |"), Some(("1753088".into(), 9)));
    assert_eq!(number_at("1,183 of"), Some(("1183".into(), 5)));
    assert_eq!(number_at("10 000 runs"), Some(("10000".into(), 6)));
    assert_eq!(number_at("0.514)"), Some(("0.514".into(), 5)));
    assert_eq!(number_at("2030 under"), Some(("2030".into(), 4)));
    assert_eq!(
        matches("a 12 of 1,505 b; a 3 of 4 b", "a {} of {} b"),
        [
            vec!["12".to_string(), "1505".into()],
            vec!["3".into(), "4".into()]
        ]
    );
    assert!(matches("a x of 4 b", "a {} of {} b").is_empty());
}
