//! Overrides → scenario: a set of `field.path → value` changes becomes a TOML file that
//! `extends` the base scenario and holds only the changed fields, and that file is read by the
//! same loader and validator as any scenario file (so a bad value gets the validator's
//! `file:line:col: field: expected …, found …`).
//!
//! A field inside a path (a table keyed by years, such as `power.pv.capacity_mw` or a fuel mix)
//! cannot be overridden alone: `extends` replaces a path whole (README, "Scenario files"), so
//! the whole path is written, with the changed milestone.

use std::fmt::Write as _;
use std::path::Path;

use serde_json::{Map, Value};

use crate::scenario::source::{Memory, is_year_key, suggest};
use crate::scenario::{Diags, Scenario};

/// Name of the in-memory overrides file in messages (`<overrides>:3:14: field: …`).
pub const OVERRIDES_FILE: &str = "<overrides>";
/// The most overrides one request may carry.
pub const MAX_OVERRIDES: usize = 1000;
/// The longest field path and string value accepted.
pub const MAX_KEY_CHARS: usize = 200;

/// What a saved file says about itself in `[scenario]`, and its opening comment.
pub struct Header<'a> {
    pub id: &'a str,
    pub name_zh: &'a str,
    pub name_en: &'a str,
    pub description: &'a str,
    pub comment: &'a str,
}

/// Check the overrides' shape (not their values: the validator does that).
fn check(ov: &Map<String, Value>) -> Result<(), String> {
    if ov.len() > MAX_OVERRIDES {
        return Err(format!(
            "overrides: expected at most {MAX_OVERRIDES} fields, found {}",
            ov.len()
        ));
    }
    for (k, v) in ov {
        if k.chars().count() > MAX_KEY_CHARS || k.is_empty() {
            return Err(format!(
                "overrides: expected a field path of 1 to {MAX_KEY_CHARS} characters such as \"power.pv.capacity_mw.2030\", found \"{}\"",
                k.chars().take(60).collect::<String>()
            ));
        }
        if k.split('.').any(str::is_empty) || k.split('.').next() == Some("extends") {
            return Err(format!(
                "overrides: expected a field path such as \"power.pv.capacity_mw.2030\", found \"{k}\""
            ));
        }
        match v {
            Value::Number(_) | Value::Bool(_) => {}
            Value::String(s) if s.chars().count() <= MAX_KEY_CHARS => {}
            other => {
                return Err(format!(
                    "overrides: {k}: expected a number, a distribution such as \"triangular(0.02, 0.045, 0.06)\", true/false or an option name, found {}",
                    kind(other)
                ));
            }
        }
    }
    Ok(())
}

fn kind(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(s) if s.chars().count() > MAX_KEY_CHARS => "a string that is too long",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "a table",
    }
}

fn is_path_table(v: &Value) -> bool {
    matches!(v, Value::Object(m) if m.keys().any(|k| is_year_key(k)))
}

/// The child tree: only the overridden fields, each path table copied whole from the base.
fn child_tree(base: &Value, ov: &Map<String, Value>) -> Result<Map<String, Value>, String> {
    check(ov)?;
    let mut child = Map::new();
    for (key, val) in ov {
        let segs: Vec<&str> = key.split('.').collect();
        // The prefix replaced whole: the first path table on the way down, if any.
        let mut node = Some(base);
        let mut unit = None;
        for i in 0..segs.len() {
            match node {
                Some(v @ Value::Object(m)) => {
                    if i > 0 && is_path_table(v) {
                        unit = Some(i);
                        break;
                    }
                    node = m.get(segs[i]);
                }
                Some(v) => {
                    return Err(format!(
                        "overrides: {key}: {} is {}, not a table",
                        segs[..i].join("."),
                        kind(v)
                    ));
                }
                None => break,
            }
        }
        let mut at = &mut child;
        for (i, s) in segs[..segs.len() - 1].iter().enumerate() {
            let slot = at.entry(s.to_string()).or_insert_with(|| {
                // Entering a path table for the first time: start from the base's whole path.
                if unit.is_some_and(|u| i + 1 == u) {
                    lookup(base, &segs[..=i])
                        .cloned()
                        .unwrap_or(Value::Object(Map::new()))
                } else {
                    Value::Object(Map::new())
                }
            });
            at = match slot {
                Value::Object(m) => m,
                _ => {
                    return Err(format!(
                        "overrides: {key}: conflicts with the override of {}",
                        segs[..=i].join(".")
                    ));
                }
            };
        }
        at.insert(segs[segs.len() - 1].to_string(), val.clone());
    }
    Ok(child)
}

fn lookup<'a>(v: &'a Value, segs: &[&str]) -> Option<&'a Value> {
    segs.iter().try_fold(v, |n, s| n.get(s))
}

/// Every leaf field path of a resolved scenario (for "did you mean").
pub fn leaf_paths(v: &Value) -> Vec<String> {
    fn walk(prefix: &str, v: &Value, out: &mut Vec<String>) {
        match v {
            Value::Object(m) => {
                for (k, x) in m {
                    let p = if prefix.is_empty() {
                        k.clone()
                    } else {
                        format!("{prefix}.{k}")
                    };
                    walk(&p, x, out);
                }
            }
            _ => out.push(prefix.to_string()),
        }
    }
    let mut out = Vec::new();
    walk("", v, &mut out);
    out
}

fn toml_key(k: &str) -> String {
    if !k.is_empty()
        && k.chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
    {
        k.to_string()
    } else {
        serde_json::to_string(k).unwrap_or_default()
    }
}

/// A value written inline. TOML basic strings take the same escapes as JSON strings.
fn inline(v: &Value) -> String {
    match v {
        Value::Object(m) => {
            let items: Vec<String> = m
                .iter()
                .map(|(k, x)| format!("{} = {}", toml_key(k), inline(x)))
                .collect();
            format!("{{ {} }}", items.join(", "))
        }
        Value::Array(a) => {
            let items: Vec<String> = a.iter().map(inline).collect();
            format!("[{}]", items.join(", "))
        }
        Value::String(s) => serde_json::to_string(s).unwrap_or_default(),
        Value::Number(n) => n.to_string(),
        Value::Bool(b) => b.to_string(),
        Value::Null => "\"\"".into(),
    }
}

/// Write a table's entries: values and paths (inline) first, then its sub-tables as sections.
fn emit(out: &mut String, prefix: &[String], m: &Map<String, Value>) {
    let section = |v: &Value| v.is_object() && !is_path_table(v);
    let plain: Vec<(&String, &Value)> = m.iter().filter(|(_, v)| !section(v)).collect();
    if !plain.is_empty() && !prefix.is_empty() {
        let head: Vec<String> = prefix.iter().map(|k| toml_key(k)).collect();
        let _ = writeln!(out, "\n[{}]", head.join("."));
    }
    for (k, v) in plain {
        let _ = writeln!(out, "{} = {}", toml_key(k), inline(v));
    }
    for (k, v) in m.iter().filter(|(_, v)| section(v)) {
        let mut p = prefix.to_vec();
        p.push(k.clone());
        if let Value::Object(sub) = v {
            emit(out, &p, sub);
        }
    }
}

/// The TOML text of a scenario that `extends` the file `extends` (relative to the new file)
/// and holds only the overridden fields (whole paths where a milestone changed).
pub fn to_toml(
    base: &Scenario,
    ov: &Map<String, Value>,
    extends: &str,
    header: Option<&Header>,
) -> Result<String, String> {
    let mut child = child_tree(&base.resolved, ov)?;
    let mut out = String::new();
    if let Some(h) = header {
        for line in h.comment.lines() {
            let _ = writeln!(out, "# {line}");
        }
        let sc = child
            .entry("scenario".to_string())
            .or_insert_with(|| Value::Object(Map::new()));
        if let Value::Object(m) = sc {
            m.insert("id".into(), h.id.into());
            m.insert("name_zh".into(), h.name_zh.into());
            m.insert("name_en".into(), h.name_en.into());
            m.insert("description".into(), h.description.into());
        }
    }
    let _ = writeln!(out, "extends = {}", inline(&Value::String(extends.into())));
    emit(&mut out, &[], &child);
    Ok(out)
}

/// The validator's message for a failed overrides file, with a "did you mean" naming the
/// whole field path for every overridden field that the base scenario does not have.
fn explain(d: &Diags, base: &Scenario, ov: &Map<String, Value>) -> String {
    let mut msg = d.to_string();
    let known = leaf_paths(&base.resolved);
    for k in ov.keys() {
        if lookup(&base.resolved, &k.split('.').collect::<Vec<_>>()).is_some() {
            continue;
        }
        if let Some(s) = suggest(k, known.iter().map(String::as_str)) {
            let _ = write!(
                msg,
                "\noverrides: \"{k}\" is not a field of scenario {} (did you mean \"{s}\"?)",
                base.info.id
            );
        }
    }
    msg
}

/// Read `text` as a scenario file placed beside the base's root file (its `extends` resolve
/// against the base's own files, held in memory).
pub fn load_text(base: &Scenario, name: &str, text: String) -> Result<Scenario, Diags> {
    let mut files = vec![(name.to_string(), text)];
    files.extend(base.texts.iter().cloned());
    Scenario::load_from(&Memory(files), Path::new(name))
}

/// The base scenario with the overrides applied, validated; the error is the validator's
/// message (`<overrides>:LINE:COL: field: expected …, found …`).
pub fn apply(base: &Scenario, ov: &Map<String, Value>) -> Result<Scenario, String> {
    if ov.is_empty() {
        return Ok(base.clone());
    }
    let root = base.texts.first().map(|(n, _)| n.as_str()).unwrap_or("");
    let text = to_toml(base, ov, root, None)?;
    load_text(base, OVERRIDES_FILE, text).map_err(|d| explain(&d, base, ov))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn plan() -> Scenario {
        Scenario::embedded("plan.toml").unwrap()
    }

    fn ov(pairs: &[(&str, Value)]) -> Map<String, Value> {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.clone()))
            .collect()
    }

    #[test]
    fn a_milestone_rewrites_its_whole_path_and_nothing_else() {
        let base = plan();
        let o = ov(&[("power.pv.capacity_mw.2030", 600.into())]);
        let text = to_toml(&base, &o, "plan.toml", None).unwrap();
        assert_eq!(
            text,
            "extends = \"plan.toml\"\n\n[power.pv]\ncapacity_mw = { 2020 = 179.7, 2025 = 300, 2030 = 600, delivery = \"pert(0.5, 0.9, 1.1)\" }\n"
        );
        let sc = apply(&base, &o).unwrap();
        let p = |s: &Scenario, path: &str| {
            s.params
                .iter()
                .find(|p| p.path == path)
                .unwrap()
                .dist
                .clone()
        };
        assert_eq!(
            p(&sc, "power.pv.capacity_mw.2030"),
            crate::scenario::Dist::Fixed { value: 600.0 }
        );
        // Every other parameter is the base's.
        for (a, b) in sc.params.iter().zip(&base.params) {
            if a.path != "power.pv.capacity_mw.2030" {
                assert_eq!((&a.path, &a.dist), (&b.path, &b.dist));
            }
        }
    }

    #[test]
    fn distributions_options_and_scalars() {
        let base = plan();
        let o = ov(&[
            ("economy.growth.2030", "triangular(0.01, 0.03, 0.04)".into()),
            ("options.grid_basis", "regional".into()),
            ("electricity.loss", 0.05.into()),
        ]);
        let sc = apply(&base, &o).unwrap();
        assert_eq!(sc.spec.options.grid_basis.name(), "regional");
        let loss = sc
            .params
            .iter()
            .find(|p| p.path == "electricity.loss")
            .unwrap();
        assert!(loss.dist.is_fixed());
    }

    #[test]
    fn bad_values_get_the_validators_message() {
        let base = plan();
        let e = apply(&base, &ov(&[("power.pv.capacity_mw.2030", (-5).into())])).unwrap_err();
        assert!(e.starts_with("<overrides>:"), "{e}");
        assert!(e.contains("power.pv.capacity_mw"), "{e}");
        assert!(e.contains("-5"), "{e}");
        let e = apply(
            &base,
            &ov(&[("economy.growth.2030", "triangulr(1, 2, 3)".into())]),
        )
        .unwrap_err();
        assert!(e.contains("did you mean triangular"), "{e}");
    }

    #[test]
    fn unknown_fields_get_did_you_mean() {
        let base = plan();
        let e = apply(&base, &ov(&[("power.pv.capacity_mv.2030", 600.into())])).unwrap_err();
        assert!(
            e.contains("did you mean \"power.pv.capacity_mw.2030\""),
            "{e}"
        );
        let e = apply(&base, &ov(&[("economy.gdp_base.x", 1.into())])).unwrap_err();
        assert!(
            e.contains("economy.gdp_base is a number, not a table"),
            "{e}"
        );
        let e = apply(&base, &ov(&[("economy.growth.2030", Value::Array(vec![]))])).unwrap_err();
        assert!(e.contains("found an array"), "{e}");
    }
}
