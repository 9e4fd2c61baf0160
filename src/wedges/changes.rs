//! What a scenario changes against its parent, which action each change belongs to, and the
//! scenario of any combination of actions.
//!
//! Both files are compared as resolved trees (after `extends`). A change is a value, or a
//! path of milestones (a fuel mix) as a whole, that differs between the two. The scenario
//! of a combination of actions is the parent's resolved tree with exactly the changes of
//! those actions applied, validated like any scenario file: the model itself is untouched.

use crate::scenario::source::{self, Kind, Loc, Node, Sources};

use super::actions::{Action, NOT_MEASURES, is_whole};

/// One changed field.
#[derive(Debug, Clone)]
pub struct Change {
    /// Dotted path, e.g. `power.pv.capacity_mw`.
    pub path: String,
    pub segs: Vec<String>,
    /// The scenario's value; `None` when the scenario lacks a field its parent has.
    pub value: Option<Node>,
    /// Where it is written (in the scenario, else in the parent).
    pub at: Loc,
}

impl Change {
    /// An indicator target: the yardstick, applied in every combination.
    pub fn is_target(&self) -> bool {
        self.segs.len() == 3 && self.segs[0] == "indicators" && self.segs[2].starts_with("target_")
    }
}

/// The scenario's changes against its parent, in the scenario's order.
/// Top-level tables that describe the uncertainty, not what the plan does: how inputs depend
/// on each other and what was observed. They are no action's change; the Monte Carlo of
/// `wedges` draws inputs independently and keeps every run (the command says so).
/// Checks (MODEL.md §10) are figures the plan expects, compared with the runs: no change either.
pub const NOT_LEVERS: &[&str] = &["correlations", "observed", "checks"];

pub fn diff(parent: &Node, child: &Node) -> Vec<Change> {
    let mut out = Vec::new();
    diff_rec(Some(parent), Some(child), &mut Vec::new(), &mut out);
    out
}

fn diff_rec(p: Option<&Node>, c: Option<&Node>, path: &mut Vec<String>, out: &mut Vec<Change>) {
    // A table (not a path) on both sides, or on one side with nothing on the other, is
    // compared key by key: a new `[indicators.2]` holds a target and nothing else.
    let table = |n: Option<&Node>| n.is_none_or(|n| n.entries().is_some() && !is_whole(n));
    if table(p) && table(c) && (p.is_some() || c.is_some()) || path.is_empty() {
        let (pe, ce) = (
            p.and_then(Node::entries).unwrap_or(&[]),
            c.and_then(Node::entries).unwrap_or(&[]),
        );
        let mut keys: Vec<&str> = ce.iter().map(|(k, _, _)| k.as_str()).collect();
        for (k, _, _) in pe {
            if !keys.contains(&k.as_str()) {
                keys.push(k);
            }
        }
        for k in keys {
            if path.is_empty() && (NOT_MEASURES.contains(&k) || NOT_LEVERS.contains(&k)) {
                continue;
            }
            path.push(k.to_string());
            diff_rec(
                p.and_then(|n| n.get(k)),
                c.and_then(|n| n.get(k)),
                path,
                out,
            );
            path.pop();
        }
        return;
    }
    let same = match (p, c) {
        (Some(a), Some(b)) => source::to_json(a) == source::to_json(b),
        (None, None) => true,
        _ => false,
    };
    if !same {
        out.push(Change {
            path: path.join("."),
            segs: path.clone(),
            value: c.cloned(),
            at: c.or(p).map_or(Loc { file: 0, offset: 0 }, |n| n.at),
        });
    }
}

/// Which action each change belongs to: `Some(index into actions)`, or `None` for the
/// "other" group. A change that two actions claim parts of cannot be split: an error.
pub fn assign(actions: &[Action], changes: &[Change]) -> Result<Vec<Option<usize>>, String> {
    changes
        .iter()
        .map(|ch| {
            let claim: Vec<usize> = actions
                .iter()
                .enumerate()
                .filter(|(_, a)| {
                    a.fields.iter().any(|f| {
                        f.covers(&ch.segs)
                            || ch.segs.len() < f.segs.len() && f.segs.starts_with(&ch.segs)
                    })
                })
                .map(|(i, _)| i)
                .collect();
            match claim.as_slice() {
                [] => Ok(None),
                [i] => Ok(Some(*i)),
                many => Err(format!(
                    "the change of `{}` is claimed by actions {}; it is applied as a whole, so list it under one of them",
                    ch.path,
                    many.iter()
                        .map(|&i| format!("`{}`", actions[i].key))
                        .collect::<Vec<_>>()
                        .join(" and ")
                )),
            }
        })
        .collect()
}

/// Move every location of `n` to file index `+ by` (a tree joined to another's sources).
pub fn shift(n: &mut Node, by: usize) {
    n.at.file += by;
    match &mut n.kind {
        Kind::Table(e) => {
            for (_, kl, v) in e {
                kl.file += by;
                shift(v, by);
            }
        }
        Kind::Array(a) => a.iter_mut().for_each(|v| shift(v, by)),
        _ => {}
    }
}

/// The parent's tree with `changes` applied (without `[actions]`: a combination is judged
/// as a scenario, not as a plan of actions).
pub fn apply<'a>(parent: &Node, changes: impl IntoIterator<Item = &'a Change>) -> Node {
    let mut tree = parent.clone();
    if let Kind::Table(e) = &mut tree.kind {
        e.retain(|(k, _, _)| k != "actions");
    }
    for ch in changes {
        set(&mut tree, &ch.segs, ch.value.as_ref());
    }
    tree
}

fn set(n: &mut Node, segs: &[String], value: Option<&Node>) {
    let at = n.at;
    if !matches!(n.kind, Kind::Table(_)) {
        n.kind = Kind::Table(Vec::new());
    }
    let Kind::Table(entries) = &mut n.kind else {
        return;
    };
    let pos = entries.iter().position(|(k, _, _)| *k == segs[0]);
    if segs.len() == 1 {
        match (pos, value) {
            (Some(i), Some(v)) => entries[i].2 = v.clone(),
            (Some(i), None) => {
                entries.remove(i);
            }
            (None, Some(v)) => entries.push((segs[0].clone(), v.at, v.clone())),
            (None, None) => {}
        }
        return;
    }
    let i = match pos {
        Some(i) => i,
        None => {
            if value.is_none() {
                return;
            }
            let loc = value.map_or(at, |v| v.at);
            entries.push((
                segs[0].clone(),
                loc,
                Node {
                    at: loc,
                    kind: Kind::Table(Vec::new()),
                },
            ));
            entries.len() - 1
        }
    };
    set(&mut entries[i].2, &segs[1..], value);
}

/// Sources of a child tree followed by its parent's (whose locations were shifted past them).
pub fn join_sources(child: &Sources, parent: &Sources) -> Sources {
    let mut s = child.clone();
    s.files.extend(parent.files.iter().cloned());
    s
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::source::{Embedded, load_tree};
    use std::path::Path;

    fn tree(name: &str) -> Node {
        load_tree(&Embedded, &Path::new("<embedded>").join(name))
            .unwrap()
            .0
    }

    #[test]
    fn the_plan_changes_what_its_file_writes() {
        let (base, plan) = (tree("baseline.toml"), tree("plan.toml"));
        let ch = diff(&base, &plan);
        let paths: Vec<&str> = ch.iter().map(|c| c.path.as_str()).collect();
        for p in [
            "caps.coal.limit_t",
            "caps.coal.compliance",
            "demand.industry.efficiency_gain",
            "demand.industry.mix",
            "power.pv.capacity_mw",
            "indicators.2.target_2030",
            "indicators.28.path",
        ] {
            assert!(paths.contains(&p), "{p} missing from {paths:?}");
        }
        // Unchanged fields and the file's description are not changes.
        for p in [
            "scenario.id",
            "power.pv.full_load_hours",
            "indicators.24.path",
            "checks.elec_consumption",
        ] {
            assert!(!paths.contains(&p), "{p}");
        }
        // All changes applied give the plan's content; none give the baseline's.
        let all = apply(&base, &ch);
        let mut plan_json = source::to_json(&plan);
        let mut all_json = source::to_json(&all);
        for j in [&mut plan_json, &mut all_json] {
            let m = j.as_object_mut().unwrap();
            m.remove("scenario");
            m.remove("actions");
            for k in NOT_LEVERS {
                m.remove(*k);
            }
        }
        assert_eq!(all_json, plan_json);
        assert!(diff(&base, &apply(&base, [])).is_empty());
    }

    #[test]
    fn removed_and_added_fields_round_trip() {
        let (base, enh) = (tree("baseline.toml"), tree("enhanced.toml"));
        // Against an unrelated parent the other way round, fields can disappear too.
        let ch = diff(&enh, &base);
        let back = apply(&enh, &ch);
        assert!(diff(&back, &base).is_empty());
    }
}
