//! `[actions.<key>]` tables: a scenario's changes grouped into the plan's actions.
//!
//! ```toml
//! [actions.energy]          # (一) 突出结构优化，加快能源低碳转型行动
//! name_zh = "能源低碳转型行动"
//! name_en = "Low-carbon energy transition"
//! lead = "县发展和改革局"
//! lead_en = "County Development and Reform Bureau"     # optional
//! fields = ["power", "demand.industry.mix", "demand.*.efficiency_gain"]
//! ```
//!
//! A field is a dotted path of the scenario file or a prefix of one (`power` covers every
//! `power.*`); `*` stands for any one key. A path of milestones (`{ 2020 = …, 2030 = … }`) and
//! a fuel mix change as a whole, so a field may not point inside one. No field may be claimed
//! by two actions. Actions are listed in file order (the plan's order); an `extends` chain
//! merges them like any other table. Validation runs with the rest of the schema, so
//! `peakpath validate` reports `file:line:col: actions.energy.fields: …` with a "did you mean".

use crate::scenario::source::{Diag, Kind, Loc, Node, Sources, is_year_key, suggest};

/// The group of changed fields that no action claims.
pub const OTHER: &str = "other";
/// The row of the whole change in `wedges.csv`.
pub const TOTAL: &str = "total";
/// Top-level tables that describe the file, not the model: never a measure.
pub const NOT_MEASURES: &[&str] = &["scenario", "actions", "extends"];
const KEYS: &[&str] = &["name_zh", "name_en", "lead", "lead_en", "fields"];

/// One field pattern of an action, as written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldPattern {
    pub text: String,
    pub segs: Vec<String>,
    pub at: Loc,
}

impl FieldPattern {
    /// Whether this pattern covers the field at `path` (a prefix, `*` matching any one key).
    pub fn covers(&self, path: &[String]) -> bool {
        self.segs.len() <= path.len() && self.segs.iter().zip(path).all(|(p, k)| p == "*" || p == k)
    }

    /// Whether some field could be covered by both patterns.
    pub fn overlaps(&self, other: &FieldPattern) -> bool {
        self.segs
            .iter()
            .zip(&other.segs)
            .all(|(a, b)| a == b || a == "*" || b == "*")
    }
}

/// One of the plan's actions (重点任务) as a scenario file declares it.
#[derive(Debug, Clone)]
pub struct Action {
    pub key: String,
    pub name_zh: String,
    pub name_en: String,
    /// Lead department (牵头单位) as the plan names it.
    pub lead: String,
    /// Its English name (the Chinese one when the file gives none).
    pub lead_en: String,
    /// Empty: an action the model does not quantify.
    pub fields: Vec<FieldPattern>,
    pub at: Loc,
}

impl Action {
    pub fn name(&self, zh: bool) -> &str {
        if zh { &self.name_zh } else { &self.name_en }
    }
    pub fn lead(&self, zh: bool) -> &str {
        if zh { &self.lead } else { &self.lead_en }
    }
}

/// A table whose keys are milestone years: a path or a fuel mix, changed as a whole.
pub fn is_whole(n: &Node) -> bool {
    n.entries()
        .is_some_and(|e| e.iter().any(|(k, _, _)| is_year_key(k)))
}

/// Read and check `[actions.*]` of a merged tree; problems go to `diags`.
pub fn read(root: &Node, src: &Sources, diags: &mut Vec<Diag>) -> Vec<Action> {
    let Some(table) = root.get("actions") else {
        return Vec::new();
    };
    let Some(entries) = table.entries() else {
        diags.push(src.diag(
            table.at,
            "actions",
            format!("expected tables [actions.<key>], found {}", table.found()),
        ));
        return Vec::new();
    };
    let mut out: Vec<Action> = Vec::new();
    for (key, kl, t) in entries {
        let path = format!("actions.{key}");
        if key == OTHER || key == TOTAL {
            diags.push(src.diag(
                *kl,
                &path,
                format!("expected an action key other than `{key}`, found `{key}` (reserved: `other` groups the changes no action claims, `total` is the whole change)"),
            ));
            continue;
        }
        if key.is_empty()
            || !key
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
        {
            diags.push(src.diag(
                *kl,
                &path,
                format!(
                    "expected an action key of lower-case letters, digits and _, found `{key}`"
                ),
            ));
            continue;
        }
        let Some(fields) = t.entries() else {
            diags.push(src.diag(
                t.at,
                &path,
                format!(
                    "expected a table with name_zh, name_en, lead and fields, found {}",
                    t.found()
                ),
            ));
            continue;
        };
        for (k, kl2, _) in fields {
            if !KEYS.contains(&k.as_str()) {
                let hint = suggest(k, KEYS.iter().copied())
                    .map(|s| format!(" (did you mean `{s}`?)"))
                    .unwrap_or_default();
                diags.push(src.diag(
                    *kl2,
                    &format!("{path}.{k}"),
                    format!(
                        "unknown field: expected one of {}, found `{k}`{hint}",
                        KEYS.join(", ")
                    ),
                ));
            }
        }
        let mut text = |k: &str, required: bool| -> Option<String> {
            match t.get(k) {
                Some(Node {
                    kind: Kind::Str(s), ..
                }) if !s.trim().is_empty() => Some(s.clone()),
                Some(n) => {
                    diags.push(src.diag(
                        n.at,
                        &format!("{path}.{k}"),
                        format!("expected a non-empty string, found {}", n.found()),
                    ));
                    None
                }
                None if required => {
                    diags.push(src.diag(
                        t.at,
                        &format!("{path}.{k}"),
                        "expected a non-empty string, found nothing".to_string(),
                    ));
                    None
                }
                None => None,
            }
        };
        let name_zh = text("name_zh", true);
        let name_en = text("name_en", true);
        let lead = text("lead", true);
        let lead_en = text("lead_en", false);
        let patterns = match t.get("fields") {
            None => {
                diags.push(src.diag(
                    t.at,
                    &format!("{path}.fields"),
                    "expected an array of field paths (empty for an action the model does not quantify), found nothing".to_string(),
                ));
                None
            }
            Some(n) => read_fields(root, src, n, &format!("{path}.fields"), diags),
        };
        let (Some(name_zh), Some(name_en), Some(lead), Some(fields)) =
            (name_zh, name_en, lead, patterns)
        else {
            continue;
        };
        out.push(Action {
            key: key.clone(),
            name_zh,
            name_en,
            lead_en: lead_en.unwrap_or_else(|| lead.clone()),
            lead,
            fields,
            at: *kl,
        });
    }
    // Overlaps: no field may belong to two actions.
    for (i, a) in out.iter().enumerate() {
        for b in &out[..i] {
            for p in &a.fields {
                if let Some(q) = b.fields.iter().find(|q| q.overlaps(p)) {
                    let (file, line) = {
                        let d = src.diag(q.at, "", "");
                        (d.file, d.line)
                    };
                    diags.push(src.diag(
                        p.at,
                        &format!("actions.{}.fields", a.key),
                        format!(
                            "expected each field in one action only, found `{}` overlapping `{}` of action `{}` ({file}:{line})",
                            p.text, q.text, b.key
                        ),
                    ));
                }
            }
        }
    }
    out
}

fn read_fields(
    root: &Node,
    src: &Sources,
    n: &Node,
    field: &str,
    diags: &mut Vec<Diag>,
) -> Option<Vec<FieldPattern>> {
    let Kind::Array(items) = &n.kind else {
        diags.push(src.diag(
            n.at,
            field,
            format!(
                "expected an array of field paths such as [\"power.pv\", \"demand.*.mix\"], found {}",
                n.found()
            ),
        ));
        return None;
    };
    let mut out = Vec::new();
    let mut ok = true;
    for it in items {
        let Kind::Str(s) = &it.kind else {
            diags.push(src.diag(
                it.at,
                field,
                format!("expected a field path as a string, found {}", it.found()),
            ));
            ok = false;
            continue;
        };
        match check_pattern(root, s) {
            Ok(segs) => out.push(FieldPattern {
                text: s.clone(),
                segs,
                at: it.at,
            }),
            Err(msg) => {
                diags.push(src.diag(it.at, field, msg));
                ok = false;
            }
        }
    }
    ok.then_some(out)
}

/// Check one pattern against the merged tree: it must name at least one field, none of them
/// inside a path or mix, and no indicator target.
fn check_pattern(root: &Node, text: &str) -> Result<Vec<String>, String> {
    let segs: Vec<String> = text.split('.').map(|s| s.trim().to_string()).collect();
    if text.trim().is_empty() || segs.iter().any(String::is_empty) {
        return Err(format!(
            "expected a dotted field path such as \"power.pv\", found \"{text}\""
        ));
    }
    if NOT_MEASURES.contains(&segs[0].as_str()) {
        return Err(format!(
            "expected a model field, found `{text}` ([{}] describes the file, not the model)",
            segs[0]
        ));
    }
    if segs.len() >= 3 && segs[0] == "indicators" && segs[2].starts_with("target_") {
        return Err(format!(
            "expected a measure, found the indicator target `{text}`: targets are the yardstick every combination of actions is judged against, so they are applied in all of them"
        ));
    }
    let mut nodes: Vec<&Node> = vec![root];
    for (i, seg) in segs.iter().enumerate() {
        let here = segs[..i].join(".");
        if let Some(whole) = nodes.iter().find(|n| is_whole(n) || n.entries().is_none()) {
            let what = if is_whole(whole) {
                "a path of milestones (or a fuel mix), which changes as a whole"
            } else {
                "a single value"
            };
            return Err(format!(
                "expected a field that changes as a whole, found `{text}` inside `{here}`, {what} (did you mean `{here}`?)"
            ));
        }
        let mut next: Vec<&Node> = Vec::new();
        for n in &nodes {
            for (k, _, v) in n.entries().unwrap_or(&[]) {
                if (seg == "*" || k == seg) && !(i == 0 && NOT_MEASURES.contains(&k.as_str())) {
                    next.push(v);
                }
            }
        }
        if next.is_empty() {
            let keys: Vec<&str> = nodes
                .iter()
                .flat_map(|n| {
                    n.entries()
                        .unwrap_or(&[])
                        .iter()
                        .map(|(k, _, _)| k.as_str())
                })
                .filter(|k| !(i == 0 && NOT_MEASURES.contains(k)))
                .collect();
            let prefix = if here.is_empty() {
                String::new()
            } else {
                format!("{here}.")
            };
            let hint = suggest(seg, keys.iter().copied())
                .map(|s| format!(" (did you mean `{prefix}{s}`?)"))
                .unwrap_or_default();
            let mut uniq: Vec<&str> = keys.clone();
            uniq.sort_unstable();
            uniq.dedup();
            let expected = if uniq.len() <= 8 && !uniq.is_empty() {
                format!(
                    "one of {}",
                    uniq.iter()
                        .map(|k| format!("{prefix}{k}"))
                        .collect::<Vec<_>>()
                        .join(", ")
                )
            } else {
                "a field of this scenario".to_string()
            };
            return Err(format!("expected {expected}, found `{text}`{hint}"));
        }
        nodes = next;
    }
    Ok(segs)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::source::Memory;
    use std::path::Path;

    fn load(text: &str) -> Result<crate::scenario::Scenario, String> {
        let base = crate::scenario::EMBEDDED
            .iter()
            .find(|(n, _)| *n == "baseline.toml")
            .unwrap()
            .1;
        let fs = Memory(vec![
            ("dir/child.toml".into(), text.into()),
            ("dir/baseline.toml".into(), base.into()),
        ]);
        crate::scenario::Scenario::load_from(&fs, Path::new("dir/child.toml"))
            .map_err(|d| d.to_string())
    }

    const HEAD: &str =
        "extends = \"baseline.toml\"\n[power.pv]\ncapacity_mw = { 2020 = 179.7, 2030 = 400 }\n";

    #[test]
    fn actions_are_read_in_file_order() {
        let sc = load(&format!(
            "{HEAD}[actions.pv]\nname_zh = \"光伏\"\nname_en = \"PV\"\nlead = \"县发展和改革局\"\nfields = [\"power.pv\"]\n\
             [actions.talk]\nname_zh = \"宣传\"\nname_en = \"Talk\"\nlead = \"县委宣传部\"\nlead_en = \"Publicity\"\nfields = []\n"
        ))
        .unwrap();
        let keys: Vec<&str> = sc.actions.iter().map(|a| a.key.as_str()).collect();
        assert_eq!(keys, ["pv", "talk"]);
        assert_eq!(sc.actions[0].lead_en, "县发展和改革局");
        assert_eq!(sc.actions[1].lead(false), "Publicity");
        assert!(sc.actions[1].fields.is_empty());
    }

    #[test]
    fn bad_fields_name_the_line_and_suggest() {
        let act = |fields: &str| {
            format!(
                "{HEAD}[actions.a]\nname_zh = \"甲\"\nname_en = \"A\"\nlead = \"县\"\nfields = [{fields}]\n"
            )
        };
        let e = load(&act("\"power.pvv\"")).unwrap_err();
        assert!(e.starts_with("dir/child.toml:8:"), "{e}");
        assert!(e.contains("actions.a.fields"), "{e}");
        assert!(e.contains("did you mean `power.pv`?"), "{e}");
        let e = load(&act("\"power.pv.capacity_mw.2030\"")).unwrap_err();
        assert!(e.contains("changes as a whole"), "{e}");
        assert!(e.contains("did you mean `power.pv.capacity_mw`?"), "{e}");
        let e = load(&act("\"scenario.id\"")).unwrap_err();
        assert!(e.contains("describes the file"), "{e}");
        let e = load(&act("\"indicators.2.target_2030\"")).unwrap_err();
        assert!(e.contains("yardstick"), "{e}");
        let e = load(&act("3")).unwrap_err();
        assert!(
            e.contains("expected a field path as a string, found 3"),
            "{e}"
        );
        let e = load(&format!(
            "{HEAD}[actions.a]\nname_zh = \"甲\"\nname_en = \"A\"\nleed = \"县\"\nfields = []\n"
        ))
        .unwrap_err();
        assert!(e.contains("did you mean `lead`?"), "{e}");
        assert!(
            e.contains("actions.a.lead: expected a non-empty string, found nothing"),
            "{e}"
        );
        let e = load(&format!(
            "{HEAD}[actions.other]\nname_zh = \"甲\"\nname_en = \"A\"\nlead = \"县\"\nfields = []\n"
        ))
        .unwrap_err();
        assert!(e.contains("reserved"), "{e}");
    }

    #[test]
    fn overlapping_fields_are_errors() {
        let e = load(&format!(
            "{HEAD}[actions.a]\nname_zh = \"甲\"\nname_en = \"A\"\nlead = \"县\"\nfields = [\"power\"]\n\
             [actions.b]\nname_zh = \"乙\"\nname_en = \"B\"\nlead = \"县\"\nfields = [\"demand.*.mix\", \"power.pv\"]\n"
        ))
        .unwrap_err();
        assert!(e.contains("dir/child.toml:13:"), "{e}");
        assert!(
            e.contains("found `power.pv` overlapping `power` of action `a` (dir/child.toml:8)"),
            "{e}"
        );
        // A wildcard overlaps the keys it stands for.
        let p = |s: &str| FieldPattern {
            text: s.into(),
            segs: s.split('.').map(String::from).collect(),
            at: Loc { file: 0, offset: 0 },
        };
        assert!(p("demand.*.mix").overlaps(&p("demand.industry")));
        assert!(!p("demand.*.mix").overlaps(&p("demand.industry.efficiency_gain")));
        assert!(p("demand.*.mix").covers(&["demand".into(), "transport".into(), "mix".into()]));
        assert!(!p("demand.*.mix").covers(&["demand".into(), "transport".into()]));
    }
}
