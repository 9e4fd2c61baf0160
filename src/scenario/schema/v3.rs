//! The v3 instruments of a scenario (MODEL.md §4a, §4b): `[caps.coal]` and `[[projects]]`.
//! Their parameters are read after all of v2's, in the order MODEL.md's note gives, so that
//! a scenario without them draws exactly what it drew under v2.

use super::*;
use crate::model::{COAL, CapSpec, FUELS, ProjectSpec};

impl Reader<'_> {
    /// `[caps.coal]`: `limit_t` (a path in 万t whose first milestone is after the base
    /// year), `compliance`, `substitutes`.
    pub(super) fn caps(&mut self, root: &Node) -> Option<CapSpec> {
        let caps = self.table(root, "caps", "")?;
        self.keys(caps, "caps", &["coal"]);
        let t = self.table(caps, "coal", "caps")?;
        let path = "caps.coal";
        self.keys(t, path, &["limit_t", "compliance", "substitutes"]);
        let field = join(path, "limit_t");
        let limit = match t.get("limit_t") {
            None => {
                self.missing(
                    t,
                    &field,
                    "the cap's path in 万t, e.g. { 2025 = 23.92, 2030 = 23.92 }",
                );
                None
            }
            Some(n) => {
                let (y0, y1) = (self.y0, self.y1);
                let ys = self.years(n, &field, y0, y1, &[]);
                let mut points = Vec::new();
                for (y, kl, v) in &ys {
                    if *y <= y0 {
                        self.err(
                            *kl,
                            &join(&field, &y.to_string()),
                            format!(
                                "expected a first capped year after the base year {y0} (the base year is observed, not capped), found {y}"
                            ),
                        );
                        continue;
                    }
                    points.push((
                        *y,
                        self.param_node(v, &join(&field, &y.to_string()), "万t", NONNEG),
                    ));
                }
                if points.is_empty() && ys.iter().all(|(y, _, _)| *y > y0) {
                    self.err(
                        n.at,
                        &field,
                        "expected at least one capped year, e.g. { 2025 = 23.92 }, found none",
                    );
                }
                (!points.is_empty()).then(|| PathSpec {
                    points,
                    delivery: None,
                    bounds: (NONNEG.0, NONNEG.1),
                    trend: self.trend_bounds((0.0, f64::INFINITY)),
                })
            }
        };
        let compliance = self.param(t, "compliance", path, "ratio", Range(0.0, 3.0));
        let mut substitutes = [0.0; 5];
        let sf = join(path, "substitutes");
        match self.table(t, "substitutes", path) {
            None => {
                if t.get("substitutes").is_none() {
                    self.missing(t, &sf, "the shares of the displaced useful energy, e.g. { gas = 0.4, electricity = 0.6 }");
                }
            }
            Some(s) => {
                let others: Vec<&str> = FUELS.iter().copied().filter(|f| *f != "coal").collect();
                self.keys(s, &sf, &others);
                for (f, fuel) in FUELS.iter().enumerate() {
                    if f == COAL {
                        continue;
                    }
                    if let Some(x) = self.number(s, fuel, &sf, 0.0, 1.0) {
                        substitutes[f] = x;
                    }
                }
                let sum: f64 = substitutes.iter().sum();
                if (sum - 1.0).abs() > 1e-9 {
                    self.err(
                        s.at,
                        &sf,
                        format!(
                            "expected shares summing to 1 (within 1e-9), found {}",
                            fmt_num(sum)
                        ),
                    );
                }
            }
        }
        Some(CapSpec {
            limit: limit?,
            compliance,
            substitutes,
        })
    }

    /// `[[projects]]`, in file order.
    pub(super) fn projects(&mut self, root: &Node) -> Vec<ProjectSpec> {
        let mut out: Vec<ProjectSpec> = Vec::new();
        let Some(node) = root.get("projects") else {
            return out;
        };
        let Kind::Array(items) = &node.kind else {
            self.err(
                node.at,
                "projects",
                format!(
                    "expected an array of tables [[projects]], found {}",
                    node.found()
                ),
            );
            return out;
        };
        let (y0, y1) = (self.y0, self.y1);
        for (i, t) in items.iter().enumerate() {
            let at = format!("projects[{i}]");
            if !matches!(t.kind, Kind::Table(_)) {
                self.err(t.at, &at, format!("expected a table, found {}", t.found()));
                continue;
            }
            self.keys(
                t,
                &at,
                &[
                    "id",
                    "name_zh",
                    "name_en",
                    "probability",
                    "start",
                    "ramp_years",
                    "energy",
                    "value_added",
                    "process_co2",
                ],
            );
            let id = match self.string(t, "id", &at) {
                Some(id) => id,
                None => {
                    if t.get("id").is_none() {
                        self.missing(
                            t,
                            &join(&at, "id"),
                            "an id of 1 to 64 letters, digits, '-' and '_'",
                        );
                    }
                    continue;
                }
            };
            let idl = t.get("id").map_or(t.at, |n| n.at);
            if let Err(why) = check_id(&id) {
                self.err(idl, &join(&at, "id"), why);
                continue;
            }
            if out.iter().any(|p| p.id == id) {
                self.err(
                    idl,
                    &join(&at, "id"),
                    format!("expected a project id used once, found `{id}` a second time"),
                );
                continue;
            }
            let path = format!("projects.{id}");
            let probability = match t.get("probability") {
                None => {
                    self.missing(
                        t,
                        &join(&path, "probability"),
                        "the probability that it is built, a number in [0, 1]",
                    );
                    0.0
                }
                Some(_) => self
                    .number(t, "probability", &path, 0.0, 1.0)
                    .unwrap_or(0.0),
            };
            // Parameters in the order of MODEL.md: go, start, energy by fuel, value added,
            // process CO₂.
            let go = self.push(
                &join(&path, "go"),
                "",
                Dist::Uniform { min: 0.0, max: 1.0 },
                SHARE,
                Some(t.at),
            );
            let start = self.param(
                t,
                "start",
                &path,
                "year",
                Range(f64::from(y0 + 1), f64::from(y1 + 1)),
            );
            let ramp_years = match t.get("ramp_years") {
                None => 0,
                Some(n) => match n.kind {
                    Kind::Int(r) if (0..=60).contains(&r) => r as u32,
                    _ => {
                        self.err(
                            n.at,
                            &join(&path, "ramp_years"),
                            format!(
                                "expected a whole number of years in 0–60, found {}",
                                n.found()
                            ),
                        );
                        0
                    }
                },
            };
            let mut energy = [None; 5];
            let ef = join(&path, "energy");
            match self.table(t, "energy", &path) {
                Some(e) => {
                    self.keys(e, &ef, &FUELS);
                    for (f, fuel) in FUELS.iter().enumerate() {
                        if let Some(n) = e.get(fuel) {
                            energy[f] =
                                Some(self.param_node(n, &join(&ef, fuel), "万tce/yr", NONNEG));
                        }
                    }
                }
                None => {
                    if t.get("energy").is_none() {
                        self.missing(t, &ef, "final energy at full output by fuel in 万tce/yr, e.g. { electricity = 3.7 }");
                    }
                }
            }
            let value_added = t
                .get("value_added")
                .map(|n| self.param_node(n, &join(&path, "value_added"), "亿元/yr", NONNEG));
            let process_co2 = t
                .get("process_co2")
                .map(|n| self.param_node(n, &join(&path, "process_co2"), "万t CO2/yr", NONNEG));
            let name_zh = self
                .string(t, "name_zh", &path)
                .unwrap_or_else(|| id.clone());
            let name_en = self
                .string(t, "name_en", &path)
                .unwrap_or_else(|| id.clone());
            out.push(ProjectSpec {
                id,
                name_zh,
                name_en,
                probability,
                go,
                start,
                ramp_years,
                energy,
                value_added,
                process_co2,
            });
        }
        out
    }

    /// The trend bounds of a path under `after_last_milestone`: `None` under "hold".
    pub(super) fn trend_bounds(&self, bounds: (f64, f64)) -> Option<(f64, f64)> {
        (self.after == AfterLast::Trend).then_some(bounds)
    }
}
