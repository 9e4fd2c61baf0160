//! Checks (MODEL.md §10): `[checks.<variable>]` tables of a scenario.
//!
//! ```toml
//! [checks.elec_consumption]
//! 2025 = 1381                      # GWh: the plan's 13.81 亿kWh
//! source = "plan (一) 4"
//! ```
//!
//! A figure the plan expects is a check, never a knob: the outputs give the expected value,
//! the central run's value and the 5–95 % band of the kept runs, flagged when the expected
//! value lies outside the band. A check never rejects runs (that is `[observed.*]`) and is no
//! target.

use serde::Serialize;

use super::observed::{horizon_year, number, variable};
use super::source::{Diag, Kind, Loc, Node, Sources, is_year_key};
use crate::model::Var;

/// One expected figure.
#[derive(Debug, Clone, Serialize)]
pub struct Check {
    pub variable: Var,
    pub year: i32,
    /// In the variable's unit.
    pub expected: f64,
    /// Where the figure comes from, as the scenario says.
    pub source: String,
    #[serde(skip)]
    pub at: Loc,
}

impl Check {
    /// `checks.elec_consumption.2025`, for messages.
    pub fn label(&self) -> String {
        format!("checks.{}.{}", self.variable.info().name, self.year)
    }
}

/// Read `[checks.*]`; problems go to `diags`.
pub fn read(root: &Node, src: &Sources, y0: i32, y1: i32, diags: &mut Vec<Diag>) -> Vec<Check> {
    let mut out = Vec::new();
    let Some(node) = root.get("checks") else {
        return out;
    };
    let Some(vars) = node.entries() else {
        diags.push(src.diag(
            node.at,
            "checks",
            format!(
                "expected tables [checks.<variable>] with an expected value per year, found {}",
                node.found()
            ),
        ));
        return out;
    };
    for (name, kl, t) in vars {
        let field = format!("checks.{name}");
        let Some(var) = variable(
            src,
            diags,
            name,
            *kl,
            &field,
            "elec_consumption, coal_t, tec",
        ) else {
            continue;
        };
        let Some(entries) = t.entries() else {
            diags.push(src.diag(
                t.at,
                &field,
                format!(
                    "expected a table of years and a source, e.g. {{ 2025 = 1381, source = \"…\" }}, found {}",
                    t.found()
                ),
            ));
            continue;
        };
        let source = match t.get("source") {
            None => String::new(),
            Some(Node {
                kind: Kind::Str(s), ..
            }) => s.clone(),
            Some(n) => {
                diags.push(src.diag(
                    n.at,
                    &format!("{field}.source"),
                    format!("expected a string, found {}", n.found()),
                ));
                String::new()
            }
        };
        let mut any = false;
        for (k, kl, v) in entries {
            if k == "source" {
                continue;
            }
            let f = format!("{field}.{k}");
            let Some(year) = horizon_year(src, diags, k, *kl, &f, (y0, y1), "source") else {
                continue;
            };
            let Some(expected) = number(v) else {
                diags.push(src.diag(
                    v.at,
                    &f,
                    format!(
                        "expected the expected value in {} (a finite number), found {}",
                        var.info().unit,
                        v.found()
                    ),
                ));
                continue;
            };
            any = true;
            out.push(Check {
                variable: var,
                year,
                expected,
                source: source.clone(),
                at: v.at,
            });
        }
        if !any && !entries.iter().any(|(k, _, _)| is_year_key(k)) {
            diags.push(src.diag(
                t.at,
                &field,
                "expected at least one year, e.g. 2025 = 1381, found none",
            ));
        }
    }
    out
}
