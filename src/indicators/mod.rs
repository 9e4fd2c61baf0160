//! A plan's indicators (指标体系) and how each is evaluated (MODEL.md §8).
//!
//! The table is data: a plan file (`plan.rs`; the default is Huzhu's, `plans/huzhu-2023.toml`,
//! re-keyed from the plan's text). Targets the plan leaves to the province or city
//! (完成省市下达目标) or gives without a number (稳中有降) have no value: a scenario may supply
//! them; without one the indicator reports "no target".

use std::sync::Arc;

use serde::Serialize;

use crate::model::{ModelSpec, PathSpec, Trajectory, Var};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Direction {
    /// Met when value ≥ target.
    AtLeast,
    /// Met when value ≤ target.
    AtMost,
}

impl Direction {
    pub fn name(self) -> &'static str {
        match self {
            Direction::AtLeast => "at_least",
            Direction::AtMost => "at_most",
        }
    }
    /// MODEL.md §8: on the right side of the target, exactly.
    #[inline]
    pub fn met(self, value: f64, target: f64) -> bool {
        match self {
            Direction::AtLeast => value >= target,
            Direction::AtMost => value <= target,
        }
    }
}

/// How an indicator's value is obtained.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub enum Source {
    /// Decline over the five-year period, in %: `100·(1 − X[end]/X[start])`.
    Decline(Var),
    /// A decline as the target year's assessment rule counts it (MODEL.md §6a), both ends
    /// under the same rule: energy per GDP (indicator 1) or industrial energy per value
    /// added (indicator 14).
    AssessedDecline(Assessed),
    /// A model variable at the year, times a scale (100 for fractions shown as %).
    Level(Var, f64),
    /// The scenario's own path for the indicator (`[indicators."N"] path = …`).
    Path,
}

impl Source {
    /// The plan file's `evaluate` text of this source (`scale` apart).
    pub fn text(&self) -> String {
        let name = |v: &Var| v.info().name;
        match self {
            Source::Decline(v) => format!("decline:{}", name(v)),
            Source::AssessedDecline(Assessed::Energy) => "assessed:energy".into(),
            Source::AssessedDecline(Assessed::Industry) => "assessed:industry".into(),
            Source::Level(v, _) => format!("level:{}", name(v)),
            Source::Path => "path".into(),
        }
    }
}

/// What an assessed decline measures (MODEL.md §6a, §8).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum Assessed {
    /// Assessed energy per GDP (indicator 1).
    Energy,
    /// Industry's assessed energy per value added (indicator 14).
    Industry,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct IndicatorDef {
    pub id: String,
    pub category_zh: String,
    pub category_en: String,
    pub name_zh: String,
    pub name_en: String,
    pub unit: String,
    /// The base year's column as the plan prints it.
    pub base_text: String,
    pub base: Option<f64>,
    /// The target of each of the plan's target years (`Plan::target_years`), `None` where
    /// the plan gives no number.
    pub targets: Vec<Option<f64>>,
    /// The target columns as the plan prints them, one per target year.
    pub target_text: Vec<String>,
    pub direction: Direction,
    /// 约束性 (binding) or 预期性 (expected).
    pub binding: bool,
    pub lead_zh: String,
    pub source: Source,
    /// MODEL.md §8: computed by the model from several inputs (`modelled`: intensities, coal,
    /// the non-fossil share), or one delivered path (`assumed`), whose probability restates
    /// the delivery assumption. The plan file says which.
    pub is_modelled: bool,
}

pub mod plan;
pub use plan::Plan;

impl IndicatorDef {
    /// Whether the model computes the indicator (`modelled`) or it restates a delivered
    /// path (`assumed`).
    pub fn modelled(&self) -> bool {
        self.is_modelled
    }
    /// `modelled` or `assumed`, as written in `indicators.csv`.
    pub fn kind(&self) -> &'static str {
        if self.modelled() {
            "modelled"
        } else {
            "assumed"
        }
    }
    /// The assessment rule applies to this indicator (1 and 14, MODEL.md §6a).
    pub fn assessed(&self) -> bool {
        matches!(self.source, Source::AssessedDecline(_))
    }
}

/// For an indicator assessed under the rules of MODEL.md §6a, which of
/// [`model::assessed_declines`](crate::model::assessed_declines)' two values it is: 0 for
/// energy per GDP (indicator 1), 1 for industrial energy per value added (indicator 14).
pub fn assessed_index(d: &IndicatorDef) -> Option<usize> {
    match d.source {
        Source::AssessedDecline(a) => Some(usize::from(a == Assessed::Industry)),
        _ => None,
    }
}

/// The index of indicator `id` in the embedded default plan (for tests and examples; a
/// scenario's own plan is `IndicatorSet::find`).
pub fn find_in_default(id: &str) -> Option<usize> {
    plan::HUZHU.indicators.iter().position(|d| d.id == id)
}

/// What a scenario says about one indicator.
#[derive(Debug, Clone, Default)]
pub struct Setting {
    /// The indicator's own path (for `Source::Path` indicators).
    pub path: Option<PathSpec>,
    /// Targets that replace or supply the plan's, by target year index (empty: none).
    pub target: Vec<Option<f64>>,
}

/// The indicators as one scenario evaluates them: its plan's table and what the scenario
/// says of each.
#[derive(Debug, Clone)]
pub struct IndicatorSet {
    pub plan: Arc<Plan>,
    pub settings: Vec<Setting>,
    /// The scenario's first and last year: a value outside them, or a decline whose period
    /// starts before the first, cannot be formed ("no value").
    pub horizon: (i32, i32),
}

impl IndicatorSet {
    /// The plan's indicators, in its order.
    pub fn defs(&self) -> &[IndicatorDef] {
        &self.plan.indicators
    }

    /// The index of indicator `id`.
    pub fn find(&self, id: &str) -> Option<usize> {
        self.defs().iter().position(|d| d.id == id)
    }

    /// Indicator `i`.
    pub fn def(&self, i: usize) -> &IndicatorDef {
        &self.plan.indicators[i]
    }

    /// The plan's target years, in order: target year index `k` is `years()[k]`.
    pub fn years(&self) -> &[i32] {
        &self.plan.target_years
    }

    /// The target of indicator `i` in target year index `k`: the scenario's, else the plan's.
    pub fn target(&self, i: usize, k: usize) -> Option<f64> {
        let own = self.settings[i].target.get(k).copied().flatten();
        own.or_else(|| self.def(i).targets.get(k).copied().flatten())
    }

    /// Value of indicator `i` at `year`, or `None` when the scenario cannot say.
    pub fn value(
        &self,
        i: usize,
        spec: &ModelSpec,
        v: &[f64],
        tr: &Trajectory,
        year: i32,
    ) -> Option<f64> {
        let d = self.def(i);
        match d.source {
            Source::AssessedDecline(a) => {
                // 2025 and 2030 have their assessed series in the trajectory (under the same
                // rule and period): read, not recomputed. Other years are computed.
                let var = match (year, a) {
                    (2025, Assessed::Energy) => Some(Var::AssessedIntensity2025),
                    (2025, Assessed::Industry) => Some(Var::AssessedIndustry2025),
                    (2030, Assessed::Energy) => Some(Var::AssessedIntensity2030),
                    (2030, Assessed::Industry) => Some(Var::AssessedIndustry2030),
                    _ => None,
                };
                match var {
                    Some(var) => {
                        let x0 = tr.at(var, year - crate::model::PLAN_PERIOD)?;
                        let x1 = tr.at(var, year)?;
                        (x0 != 0.0).then(|| 100.0 * (1.0 - x1 / x0))
                    }
                    None => {
                        let rule = spec.options.rule(year);
                        crate::model::assessed_declines(tr, rule, year)
                            [usize::from(a == Assessed::Industry)]
                    }
                }
            }
            Source::Decline(var) => {
                let start = year - crate::model::PLAN_PERIOD;
                let x0 = tr.at(var, start)?;
                let x1 = tr.at(var, year)?;
                // A decline from zero (no CO₂ at all, no industrial energy) is undefined.
                (x0 != 0.0).then(|| 100.0 * (1.0 - x1 / x0))
            }
            Source::Level(var, scale) => tr.at(var, year).map(|x| x * scale),
            Source::Path => {
                let p = self.settings[i].path.as_ref()?;
                (year >= spec.y0 && year <= spec.y1).then(|| p.at(v, year))
            }
        }
    }

    /// Whether indicator `i` meets its target in year index `k`: `None` for "no target" or
    /// no value.
    pub fn met(
        &self,
        i: usize,
        k: usize,
        spec: &ModelSpec,
        v: &[f64],
        tr: &Trajectory,
    ) -> Option<bool> {
        let t = self.target(i, k)?;
        let x = self.value(i, spec, v, tr, self.years()[k])?;
        Some(self.def(i).direction.met(x, t))
    }

    /// Whether the scenario can give indicator `i` a value in target year index `k`: a
    /// `Path` indicator needs its path; the year must be in the horizon, and a decline's
    /// period (`year − 5 … year`) too.
    pub fn has_value(&self, i: usize, k: usize) -> bool {
        let (y0, y1) = self.horizon;
        let year = self.years()[k];
        let first = match self.def(i).source {
            Source::Decline(_) | Source::AssessedDecline(_) => year - crate::model::PLAN_PERIOD,
            _ => year,
        };
        let path = !matches!(self.def(i).source, Source::Path) || self.settings[i].path.is_some();
        path && first >= y0 && year <= y1
    }

    /// The binding indicators of target year index `k`, sorted as
    /// MODEL.md §9 lists them; `modelled_only` leaves out the assumed ones.
    pub fn binding(&self, k: usize, modelled_only: bool) -> BindingSet {
        let mut set = BindingSet::default();
        for (i, d) in self.defs().iter().enumerate() {
            if !d.binding || (modelled_only && !d.modelled()) {
                continue;
            }
            if self.target(i, k).is_none() {
                set.no_target.push(i);
            } else if !self.has_value(i, k) {
                set.no_value.push(i);
            } else {
                set.judged.push(i);
            }
        }
        set
    }
}

/// The binding indicators of one target year, split as the headline reports them.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct BindingSet {
    /// With a target and a value: "all binding targets met" is judged on these.
    pub judged: Vec<usize>,
    /// Without a target that year ("no target").
    pub no_target: Vec<usize>,
    /// With a target but no value in this scenario ("no value").
    pub no_value: Vec<usize>,
}

impl IndicatorSet {
    /// The delivered path behind an assumed indicator (its own, or the scenario's capacity or
    /// cover path it reads); `None` for modelled indicators. `Scenario::assumption` names it.
    pub fn delivered_path<'a>(&'a self, i: usize, spec: &'a ModelSpec) -> Option<&'a PathSpec> {
        let d = self.def(i);
        if d.modelled() {
            return None;
        }
        match d.source {
            Source::Path => self.settings[i].path.as_ref(),
            Source::Level(Var::CapPv, _) => Some(&spec.techs[0].capacity),
            Source::Level(Var::CapHydro, _) => Some(&spec.techs[1].capacity),
            Source::Level(Var::ForestCover, _) => Some(&spec.forest_cover),
            Source::Level(Var::GrassCover, _) => Some(&spec.grass_cover),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_embedded_plan_matches_the_plans_table() {
        let plan = &plan::HUZHU;
        let defs = &plan.indicators;
        assert_eq!(defs.len(), 29, "28 indicators with 10 split in two");
        let binding = defs.iter().filter(|d| d.binding).count();
        assert_eq!(binding, 11, "the table marks 11 binding indicators");
        let modelled: Vec<&str> = defs
            .iter()
            .filter(|d| d.modelled())
            .map(|d| d.id.as_str())
            .collect();
        assert_eq!(modelled, ["1", "2", "3", "5", "14"]);
        let find = |id: &str| defs.iter().find(|d| d.id == id).unwrap();
        // Cross-check against the re-keyed CSV of the plan.
        let csv = include_str!("../../tests/data/plan_indicators.csv");
        let mut rdr = csv::Reader::from_reader(csv.as_bytes());
        for rec in rdr.records() {
            let rec = rec.unwrap();
            let id = &rec[0];
            let ids: Vec<&str> = if id == "10" {
                vec!["10a", "10b"]
            } else {
                vec![id]
            };
            for id in ids {
                let d = find(id);
                assert_eq!(d.base_text, &rec[6], "base of {id}");
                assert_eq!(d.binding, &rec[10] == "约束性", "binding of {id}");
                assert_eq!(d.direction.name(), &rec[9], "direction of {id}");
                let num = |s: &str| {
                    s.trim_start_matches('≥')
                        .trim_start_matches('≤')
                        .trim_end_matches("以上")
                        .parse::<f64>()
                        .ok()
                };
                if id != "10a" && id != "10b" {
                    assert_eq!(d.targets[0], num(&rec[7]), "2025 target of {id}");
                    assert_eq!(d.targets[1], num(&rec[8]), "2030 target of {id}");
                }
            }
        }
        assert_eq!(plan.notes.len(), 5);
        assert_eq!(plan.target_years, [2025, 2030]);
    }

    #[test]
    fn a_bad_plan_file_names_the_file_line_and_field() {
        let text =
            plan::DEFAULT_PLAN.replacen("direction = \"at_least\"", "direction = \"above\"", 1);
        let e = &plan::parse(&text, "p.toml").unwrap_err()[0];
        assert_eq!(e.field, "indicators.1.direction");
        assert!(
            e.message.contains("found \"above\"") && e.line > 20,
            "{e:?}"
        );
        let e = &plan::parse("[plan]\nid = 1\n", "p.toml").unwrap_err()[0];
        assert_eq!(e.line, 2, "{e:?}");
        let text = plan::DEFAULT_PLAN.replacen(
            "evaluate = \"decline:co2_intensity\"",
            "evaluate = \"decline:co3\"",
            1,
        );
        let e = &plan::parse(&text, "p.toml").unwrap_err()[0];
        assert_eq!(e.field, "indicators.2.evaluate");
    }

    /// A decline whose period starts before the scenario's first year has no value: the
    /// headline lists it as "no value", never as a target missed in every run.
    #[test]
    fn a_decline_from_before_the_base_year_has_no_value() {
        let n = plan::HUZHU.indicators.len();
        let set = |horizon| IndicatorSet {
            plan: plan::HUZHU.clone(),
            settings: vec![Setting::default(); n],
            horizon,
        };
        let ids = |s: &IndicatorSet, v: &[usize]| -> Vec<String> {
            v.iter().map(|&i| s.def(i).id.clone()).collect()
        };
        let from_2020 = set((2020, 2035));
        let b = from_2020.binding(0, true);
        assert_eq!(ids(&from_2020, &b.judged), ["1", "2", "5", "14"]);
        assert!(b.no_value.is_empty());
        let from_2022 = set((2022, 2035));
        let b = from_2022.binding(0, true);
        assert_eq!(ids(&from_2022, &b.judged), ["5"]);
        assert_eq!(ids(&from_2022, &b.no_value), ["1", "2", "14"]);
        // 2030's targets (the plan gives a number for 5 only) are inside the horizon.
        let b = from_2022.binding(1, true);
        assert_eq!(ids(&from_2022, &b.judged), ["5"]);
        assert!(b.no_value.is_empty());
        // A horizon ending before a target year: no value either.
        let short = set((2020, 2028));
        assert_eq!(ids(&short, &short.binding(1, true).no_value), ["5"]);
    }

    #[test]
    fn met_is_exact_at_the_target() {
        assert!(Direction::AtLeast.met(50.0, 50.0));
        assert!(!Direction::AtLeast.met(49.999_999, 50.0));
        assert!(Direction::AtMost.met(23.92, 23.92));
        assert!(!Direction::AtMost.met(23.920_001, 23.92));
    }
}
