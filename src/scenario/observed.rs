//! Observed history (MODEL.md §11): `[observed.<variable>]` tables of a scenario.
//!
//! ```toml
//! [observed.gdp]
//! 2021 = 123.9
//! 2022 = { value = 127.0, tolerance = 0.05 }
//! tolerance = 0.03          # relative
//! ```
//!
//! The variable is any of `trajectories.csv`; a year may override the variable's tolerance.
//! A Monte Carlo run is kept only when every observation `o` holds `|x − o| ≤ tol·|o|`.

use serde::Serialize;

use super::source::{Diag, Kind, Loc, Node, Sources, is_year_key, show_num, suggest};
use crate::model::{Trajectory, VARS, Var};

/// One observed value.
#[derive(Debug, Clone, Serialize)]
pub struct Observation {
    pub variable: Var,
    pub year: i32,
    pub value: f64,
    /// Relative tolerance: a run is kept when `|x − value| ≤ tolerance·|value|`.
    pub tolerance: f64,
    #[serde(skip)]
    pub at: Loc,
}

impl Observation {
    /// The run's value of the observed variable and year.
    pub fn model(&self, tr: &Trajectory) -> f64 {
        tr.at(self.variable, self.year).unwrap_or(f64::NAN)
    }

    /// Whether the run's trajectory lies within tolerance.
    #[inline]
    pub fn holds(&self, tr: &Trajectory) -> bool {
        (self.model(tr) - self.value).abs() <= self.tolerance * self.value.abs()
    }

    /// `gdp 2021`, for messages.
    pub fn label(&self) -> String {
        format!("observed.{}.{}", self.variable.info().name, self.year)
    }
}

/// Whether every observation holds; the index of each that fails goes to `failed`.
#[inline]
pub fn check(obs: &[Observation], tr: &Trajectory, mut failed: impl FnMut(usize)) -> bool {
    let mut ok = true;
    for (k, o) in obs.iter().enumerate() {
        if !o.holds(tr) {
            failed(k);
            ok = false;
        }
    }
    ok
}

pub(super) fn number(n: &Node) -> Option<f64> {
    match n.kind {
        Kind::Int(i) => Some(i as f64),
        Kind::Float(f) if f.is_finite() => Some(f),
        _ => None,
    }
}

/// The variable of a `[observed.<variable>]` or `[checks.<variable>]` table, or an error with
/// a "did you mean" (`table` names the table in the message).
pub(super) fn variable(
    src: &Sources,
    diags: &mut Vec<Diag>,
    name: &str,
    at: Loc,
    field: &str,
    example: &str,
) -> Option<Var> {
    Var::by_name(name).or_else(|| {
        let names: Vec<&str> = VARS.iter().map(|v| v.name).collect();
        let hint = suggest(name, names.iter().copied())
            .map(|s| format!(" (did you mean `{s}`?)"))
            .unwrap_or_default();
        diags.push(src.diag(
            at,
            field,
            format!("unknown variable: expected a variable of trajectories.csv (e.g. {example}), found `{name}`{hint}"),
        ));
        None
    })
}

/// A year key of such a table, inside the horizon `y0..=y1`; `other` is the one non-year key
/// the table also takes (`tolerance`, `source`), for the message.
pub(super) fn horizon_year(
    src: &Sources,
    diags: &mut Vec<Diag>,
    key: &str,
    at: Loc,
    field: &str,
    (y0, y1): (i32, i32),
    other: &str,
) -> Option<i32> {
    if !is_year_key(key) {
        let hint = suggest(key, [other])
            .map(|s| format!(" (did you mean `{s}`?)"))
            .unwrap_or_default();
        diags.push(src.diag(
            at,
            field,
            format!("unknown field: expected a year ({y0}–{y1}) or {other}, found `{key}`{hint}"),
        ));
        return None;
    }
    let year: i32 = key.parse().unwrap_or(0);
    if year < y0 || year > y1 {
        diags.push(src.diag(
            at,
            field,
            format!("expected a year of the horizon {y0}–{y1}, found {year}"),
        ));
        return None;
    }
    Some(year)
}

/// Read `[observed.*]`; problems go to `diags`.
pub fn read(
    root: &Node,
    src: &Sources,
    y0: i32,
    y1: i32,
    diags: &mut Vec<Diag>,
) -> Vec<Observation> {
    let mut out = Vec::new();
    let Some(node) = root.get("observed") else {
        return out;
    };
    let Some(vars) = node.entries() else {
        diags.push(src.diag(
            node.at,
            "observed",
            format!("expected tables [observed.<variable>] with a value per year and a tolerance, found {}", node.found()),
        ));
        return out;
    };
    for (name, kl, t) in vars {
        let field = format!("observed.{name}");
        let Some(var) = variable(src, diags, name, *kl, &field, "gdp, co2, tec") else {
            continue;
        };
        let Some(entries) = t.entries() else {
            diags.push(src.diag(
                t.at,
                &field,
                format!("expected a table of years and a tolerance, e.g. {{ 2021 = 123.9, tolerance = 0.03 }}, found {}", t.found()),
            ));
            continue;
        };
        let tol_ok = |x: f64| (0.0..=10.0).contains(&x);
        let tolerance = match t.get("tolerance") {
            None => None,
            Some(n) => match number(n) {
                Some(x) if tol_ok(x) => Some(x),
                _ => {
                    diags.push(src.diag(
                        n.at,
                        &format!("{field}.tolerance"),
                        format!(
                            "expected a relative tolerance in [0, 10] (0.03 = ±3 %), found {}",
                            n.found()
                        ),
                    ));
                    continue;
                }
            },
        };
        let mut any = false;
        for (k, kl, v) in entries {
            if k == "tolerance" {
                continue;
            }
            let f = format!("{field}.{k}");
            let Some(year) = horizon_year(src, diags, k, *kl, &f, (y0, y1), "tolerance") else {
                continue;
            };
            let (value, tol) = match &v.kind {
                Kind::Table(_) => {
                    for (kk, kkl, _) in v.entries().unwrap_or_default() {
                        if kk != "value" && kk != "tolerance" {
                            let hint = suggest(kk, ["value", "tolerance"])
                                .map(|s| format!(" (did you mean `{s}`?)"))
                                .unwrap_or_default();
                            diags.push(src.diag(
                                *kkl,
                                &format!("{f}.{kk}"),
                                format!("unknown field: expected one of value, tolerance, found `{kk}`{hint}"),
                            ));
                        }
                    }
                    let value = v.get("value").and_then(number);
                    let tol = match v.get("tolerance") {
                        None => tolerance,
                        Some(n) => match number(n) {
                            Some(x) if tol_ok(x) => Some(x),
                            _ => {
                                diags.push(src.diag(
                                    n.at,
                                    &format!("{f}.tolerance"),
                                    format!(
                                        "expected a relative tolerance in [0, 10], found {}",
                                        n.found()
                                    ),
                                ));
                                continue;
                            }
                        },
                    };
                    if value.is_none() {
                        diags.push(src.diag(
                            v.at,
                            &format!("{f}.value"),
                            format!(
                                "expected the observed value in {}, found {}",
                                var.info().unit,
                                v.get("value").map_or("nothing".into(), |n| n.found())
                            ),
                        ));
                        continue;
                    }
                    (value, tol)
                }
                _ => (number(v), tolerance),
            };
            let Some(value) = value else {
                diags.push(src.diag(
                    v.at,
                    &f,
                    format!(
                        "expected the observed value in {} (a finite number), found {}",
                        var.info().unit,
                        v.found()
                    ),
                ));
                continue;
            };
            let Some(tol) = tol else {
                diags.push(src.diag(
                    v.at,
                    &f,
                    format!(
                        "expected a tolerance for observed {name} {year} (tolerance = 0.03 in [observed.{name}], or {{ value = {}, tolerance = … }}), found none",
                        show_num(value)
                    ),
                ));
                continue;
            };
            any = true;
            out.push(Observation {
                variable: var,
                year,
                value,
                tolerance: tol,
                at: v.at,
            });
        }
        if !any && !entries.iter().any(|(k, _, _)| is_year_key(k)) {
            diags.push(src.diag(
                t.at,
                &field,
                "expected at least one observed year, e.g. 2021 = 123.9, found none",
            ));
        }
    }
    out
}
