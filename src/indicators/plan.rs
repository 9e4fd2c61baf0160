//! A county's plan as data: its indicator table (指标体系), target years and notes, read from a
//! plan file (TOML). A scenario names its plan with `plan = "…"` (inherited through
//! `extends`); without one it uses the Huzhu plan embedded in the binary
//! (`plans/huzhu-2023.toml`). The file's format is documented at its top.

use std::collections::BTreeMap;
use std::sync::{Arc, LazyLock};

use serde::Deserialize;

use super::{Assessed, Direction, IndicatorDef, Source};
use crate::model::Var;

/// The plan embedded in the binary, the default of every scenario.
pub const DEFAULT_PLAN: &str = include_str!("../../plans/huzhu-2023.toml");
/// Its name as errors and `run.json` show it.
pub const DEFAULT_PLAN_NAME: &str = "<embedded>/plans/huzhu-2023.toml";

/// A plan: its indicators in the plan's order, and its notes.
#[derive(Debug, Clone, PartialEq)]
pub struct Plan {
    pub id: String,
    pub name_zh: String,
    pub name_en: String,
    /// The year of the table's base column (`[plan] base_year`; default: five years before
    /// the first target year).
    pub base_year: i32,
    /// The years the plan sets targets for, ascending (`[plan] target_years`).
    pub target_years: Vec<i32>,
    pub indicators: Vec<IndicatorDef>,
    /// Inconsistencies of the plan and how the scenarios resolve them (zh, en).
    pub notes: Vec<(String, String)>,
    /// Where it was read from.
    pub file: String,
}

/// The default plan, parsed once.
pub static HUZHU: LazyLock<Arc<Plan>> = LazyLock::new(|| {
    Arc::new(parse(DEFAULT_PLAN, DEFAULT_PLAN_NAME).expect("the embedded plan is valid"))
});

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct PlanFile {
    plan: Head,
    indicators: Vec<Ind>,
    #[serde(default)]
    notes: Vec<Note>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Head {
    id: String,
    name_zh: String,
    name_en: String,
    #[serde(default)]
    base_year: Option<i32>,
    target_years: Vec<i32>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Note {
    zh: String,
    en: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Target {
    value: Option<f64>,
    text: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Ind {
    id: String,
    category_zh: String,
    category_en: String,
    name_zh: String,
    name_en: String,
    unit: String,
    base_text: String,
    base: Option<f64>,
    targets: BTreeMap<String, Target>,
    direction: String,
    binding: bool,
    lead: String,
    evaluate: String,
    scale: Option<f64>,
    kind: String,
}

/// The most indicators a plan may have (each run keeps a flag per indicator on the stack).
pub const MAX_INDICATORS: usize = 200;
/// The most target years a plan may have (each run keeps a flag per indicator and target year
/// on the stack).
pub const MAX_TARGET_YEARS: usize = 8;

/// A problem in a plan file: where (1-based line and column), which field, what.
#[derive(Debug, Clone, PartialEq)]
pub struct PlanError {
    pub line: usize,
    pub col: usize,
    pub field: String,
    pub message: String,
}

/// Line and column (1-based) of a byte offset.
fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let before = &text[..offset.min(text.len())];
    let line = before.matches('\n').count() + 1;
    let col = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    (line, col)
}

/// Read a plan file (`file` names it in the plan). Every problem is returned, each with its
/// place, field and an "expected …, found …" message.
pub fn parse(text: &str, file: &str) -> Result<Plan, Vec<PlanError>> {
    let raw: PlanFile = toml::from_str(text).map_err(|e| {
        let (line, col) = e.span().map_or((1, 1), |s| line_col(text, s.start));
        vec![PlanError {
            line,
            col,
            field: String::new(),
            message: e.message().trim().replace('\n', " "),
        }]
    })?;
    let mut errs = Vec::new();
    // Where an indicator's table starts, for messages about its values.
    let mut push = |id: &str, field: &str, message: String| {
        let key = format!("id = \"{id}\"");
        let (line, col) = text.find(&key).map_or((1, 1), |o| line_col(text, o));
        errs.push(PlanError {
            line,
            col,
            field: if id.is_empty() {
                field.to_string()
            } else {
                format!("indicators.{id}.{field}")
            },
            message,
        });
    };
    let years = raw.plan.target_years.clone();
    if years.is_empty()
        || years.len() > MAX_TARGET_YEARS
        || years.windows(2).any(|w| w[0] >= w[1])
        || years.iter().any(|y| !(1990..=2100).contains(y))
    {
        push(
            "",
            "plan.target_years",
            format!(
                "expected 1 to {MAX_TARGET_YEARS} years between 1990 and 2100, ascending, each once, found {years:?}"
            ),
        );
    }
    let mut indicators = Vec::new();
    for ind in raw.indicators {
        if ind.id.is_empty() || ind.id.len() > 32 || ind.id.contains(char::is_whitespace) {
            push(
                "",
                "indicators.id",
                format!(
                    "expected an id of 1 to 32 characters without spaces, found {:?}",
                    ind.id
                ),
            );
            continue;
        }
        if indicators.iter().any(|d: &IndicatorDef| d.id == ind.id) {
            push(
                &ind.id,
                "id",
                format!("expected each id once, found `{}` again", ind.id),
            );
            continue;
        }
        let direction = match ind.direction.as_str() {
            "at_least" => Direction::AtLeast,
            "at_most" => Direction::AtMost,
            other => {
                push(
                    &ind.id,
                    "direction",
                    format!("expected \"at_least\" or \"at_most\", found {other:?}"),
                );
                continue;
            }
        };
        let var = |name: &str| Var::by_name(name);
        let source = match ind.evaluate.split_once(':') {
            None if ind.evaluate == "path" => Some(Source::Path),
            Some(("decline", v)) => var(v).map(Source::Decline),
            Some(("level", v)) => var(v).map(|v| Source::Level(v, ind.scale.unwrap_or(1.0))),
            Some(("assessed", "energy")) => Some(Source::AssessedDecline(Assessed::Energy)),
            Some(("assessed", "industry")) => Some(Source::AssessedDecline(Assessed::Industry)),
            _ => None,
        };
        let Some(source) = source else {
            push(
                &ind.id,
                "evaluate",
                format!(
                    "expected path, decline:VAR, level:VAR, assessed:energy or assessed:industry (VAR a variable of trajectories.csv), found {:?}",
                    ind.evaluate
                ),
            );
            continue;
        };
        let modelled = match ind.kind.as_str() {
            "modelled" => true,
            "assumed" => false,
            other => {
                push(
                    &ind.id,
                    "kind",
                    format!("expected \"modelled\" or \"assumed\", found {other:?}"),
                );
                continue;
            }
        };
        if modelled && matches!(source, Source::Path) {
            push(
                &ind.id,
                "kind",
                "expected \"assumed\" for an indicator evaluated as a delivered path, found \"modelled\"".into(),
            );
            continue;
        }
        let mut target = vec![None; years.len()];
        let mut target_text = vec![String::new(); years.len()];
        for (y, t) in &ind.targets {
            match years.iter().position(|ty| y == &ty.to_string()) {
                Some(k) => {
                    target[k] = t.value;
                    target_text[k] = t.text.clone();
                }
                None => push(
                    &ind.id,
                    "targets",
                    format!(
                        "expected a target year of the plan ({}), found {y}",
                        years
                            .iter()
                            .map(|y| y.to_string())
                            .collect::<Vec<_>>()
                            .join(", ")
                    ),
                ),
            }
        }
        indicators.push(IndicatorDef {
            id: ind.id,
            category_zh: ind.category_zh,
            category_en: ind.category_en,
            name_zh: ind.name_zh,
            name_en: ind.name_en,
            unit: ind.unit,
            base_text: ind.base_text,
            base: ind.base,
            targets: target,
            target_text,
            direction,
            binding: ind.binding,
            lead_zh: ind.lead,
            source,
            is_modelled: modelled,
        });
    }
    if indicators.len() > MAX_INDICATORS {
        push(
            "",
            "indicators",
            format!(
                "expected at most {MAX_INDICATORS} indicators, found {}",
                indicators.len()
            ),
        );
    }
    if indicators.is_empty() {
        push(
            "",
            "indicators",
            "expected at least one [[indicators]], found none".into(),
        );
    }
    if !errs.is_empty() {
        return Err(errs);
    }
    Ok(Plan {
        id: raw.plan.id,
        name_zh: raw.plan.name_zh,
        name_en: raw.plan.name_en,
        base_year: raw
            .plan
            .base_year
            .unwrap_or(years[0] - crate::model::PLAN_PERIOD),
        target_years: years,
        indicators,
        notes: raw.notes.into_iter().map(|n| (n.zh, n.en)).collect(),
        file: file.to_string(),
    })
}

/// A plan's text (a unit, an id, a name) as the `'static` text parameters and outcomes carry:
/// each distinct text is kept once for the life of the process (a plan has a few dozen).
pub fn intern(unit: &str) -> &'static str {
    use std::collections::HashSet;
    use std::sync::Mutex;
    static UNITS: LazyLock<Mutex<HashSet<&'static str>>> = LazyLock::new(Default::default);
    let mut set = UNITS.lock().unwrap_or_else(|e| e.into_inner());
    if let Some(u) = set.get(unit) {
        return u;
    }
    let u: &'static str = Box::leak(unit.to_string().into_boxed_str());
    set.insert(u);
    u
}
