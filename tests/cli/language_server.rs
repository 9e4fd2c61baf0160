//! `--lang` in the server's answers and where no font covers Chinese (the rest of the
//! language test is `language.rs`).

use crate::language::{is_cjk, message_text, stray_latin, stray_latin_strict, visible_text};
use crate::util::TempDir;

/// `peakpath serve`: `/api/scenario` gives every unit, input name and group title in both
/// languages, each in its own language; error bodies carry the message in both
/// (`error_en`, `error_zh`), `error` in Chinese for `?lang=zh`.
#[test]
fn the_server_answers_in_both_languages() {
    let srv = crate::util::Server::start(&["--runs", "200", "--threads", "2"]);
    let sc = srv.request("GET", "/api/scenario", "").json();
    let mut problems = Vec::new();
    let mut check = |what: String, zh: &str, en: &str| {
        let bad = stray_latin_strict(zh);
        if !bad.is_empty() {
            problems.push(format!("{what} zh {zh:?}: {bad:?}"));
        }
        if en.chars().any(is_cjk) {
            problems.push(format!("{what} en {en:?}"));
        }
    };
    let s = |v: &serde_json::Value| v.as_str().unwrap_or("").to_string();
    let levers = sc["levers"].as_array().unwrap();
    assert!(levers.len() > 100);
    for lv in levers {
        let p = s(&lv["path"]);
        for k in ["name", "group", "unit"] {
            assert!(lv[format!("{k}_en")].is_string(), "{p}: {k}_en missing");
            check(
                format!("lever {p} {k}"),
                &s(&lv[format!("{k}_zh")]),
                &s(&lv[format!("{k}_en")]),
            );
        }
    }
    for c in sc["charted"].as_array().unwrap() {
        check(
            format!("charted {}", c["name"]),
            &s(&c["unit_zh"]),
            &s(&c["unit_en"]),
        );
    }
    for d in sc["indicators"].as_array().unwrap() {
        check(
            format!("indicator {}", d["id"]),
            &s(&d["unit_zh"]),
            &s(&d["unit_en"]),
        );
    }
    // The group the issue saw as "终端需求 · 工业 · end_use_efficiency".
    let g = levers
        .iter()
        .find(|l| l["path"] == "demand.industry.end_use_efficiency.coal")
        .unwrap();
    assert_eq!(g["group_zh"], "终端需求 · 工业 · 终端利用效率");
    assert_eq!(g["name_en"], "industry · end-use efficiency of coal");
    // A run answers with units in both languages too.
    let run = srv.request("POST", "/api/run", r#"{"runs": 200}"#).json();
    check(
        "summary co2".into(),
        &s(&run["summary"]["co2"]["unit_zh"]),
        &s(&run["summary"]["co2"]["unit_en"]),
    );
    for r in run["indicators"].as_array().unwrap() {
        check(
            format!("run indicator {}", r["id"]),
            &s(&r["unit_zh"]),
            &s(&r["unit_en"]),
        );
    }
    // Bad overrides, as the page sends them: unknown field, out of range, bad distribution,
    // wrong type, too many runs.
    for body in [
        r#"{"overrides": {"economy.growht.2025": 0.05}}"#,
        r#"{"overrides": {"electricity.loss": 0.9}}"#,
        r#"{"overrides": {"electricity.loss": "tri(0.01, 0.02)"}}"#,
        r#"{"overrides": {"electricity.loss": "pert(0.1, 0.05, 0.06)"}}"#,
        r#"{"overrides": {"electricity.loss": [1, 2]}}"#,
        r#"{"runs": 100000000000}"#,
    ] {
        let en = srv.request("POST", "/api/run", body);
        assert_eq!(en.status, 400, "{body}: {}", en.body);
        let zh = srv.request("POST", "/api/run?lang=zh", body);
        assert_eq!(zh.status, 400);
        let (en, zh) = (en.json(), zh.json());
        assert_eq!(en["error"], en["error_en"], "{body}");
        assert_eq!(zh["error"], en["error_zh"], "{body}");
        let e = s(&en["error"]);
        if e.chars().any(is_cjk) {
            problems.push(format!("error en {body}: {e}"));
        }
        let z = s(&zh["error"]);
        let bad = stray_latin(&message_text(&z.replace("<overrides>", "overrides.toml")));
        if !bad.is_empty() {
            problems.push(format!("error zh {body}: {z}: {bad:?}"));
        }
    }
    // Not found, in Chinese too.
    let nf = srv.request("GET", "/nothing?lang=zh", "").json();
    assert!(s(&nf["error"]).chars().any(is_cjk), "{nf}");
    assert!(
        problems.is_empty(),
        "the server mixes languages:\n{}",
        problems.join("\n")
    );
}

/// With `--png` and no font covering Chinese, the SVGs keep `--lang zh`; only the PNGs are
/// drawn in English, and a warning says so.
#[test]
fn without_a_chinese_font_only_the_pngs_fall_back_to_english() {
    let tmp = TempDir::new("lang-png");
    let o = std::process::Command::new(env!("CARGO_BIN_EXE_peakpath"))
        .args([
            "run",
            "--central",
            "--png",
            "--lang",
            "zh",
            "--out",
            &tmp.arg("o"),
        ])
        .env("PEAKPATH_NO_CJK_FONT", "1")
        .current_dir(crate::util::root())
        .output()
        .unwrap();
    assert!(o.status.success());
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("PNG") && err.contains("SVG"), "{err}");
    let svg = visible_text(&tmp.join("o/charts/fan_co2.svg"));
    assert!(svg.chars().any(is_cjk), "the SVG stays Chinese: {svg}");
    assert!(tmp.join("o/charts/fan_co2.png").exists());
}
