//! `[indicators.<id>]`: what a scenario says of each indicator of its plan — a delivered path
//! for an indicator evaluated as one, and targets by the plan's target years
//! (`target_<year>`), which replace or supply the plan's.

use super::*;
use crate::indicators::Plan;

impl Reader<'_> {
    /// The scenario's setting of every indicator of `plan`, in the plan's order.
    pub(super) fn indicator_settings(&mut self, root: &Node, plan: &Plan) -> Vec<Setting> {
        let defs = &plan.indicators;
        let n_years = plan.target_years.len();
        let target_keys: Vec<String> = plan
            .target_years
            .iter()
            .map(|y| format!("target_{y}"))
            .collect();
        let mut settings = vec![
            Setting {
                path: None,
                target: vec![None; n_years],
            };
            defs.len()
        ];
        if let Some(it) = self.table(root, "indicators", "") {
            let ids: Vec<&str> = defs.iter().map(|d| d.id.as_str()).collect();
            self.keys(it, "indicators", &ids);
            for (i, d) in defs.iter().enumerate() {
                let path = format!("indicators.{}", d.id);
                let Some(t) = self.table(it, &d.id, "indicators") else {
                    continue;
                };
                let mut keys = vec!["path"];
                keys.extend(target_keys.iter().map(String::as_str));
                self.keys(t, &path, &keys);
                if t.get("path").is_some() {
                    if matches!(d.source, indicators::Source::Path) {
                        let unit = indicators::plan::intern(&d.unit);
                        let mut p = self.path(t, "path", &path, unit, ANY);
                        if d.unit == "%" {
                            p.trend = self.trend_bounds((0.0, 100.0));
                        }
                        settings[i].path = Some(p);
                    } else if let Some(n) = t.get("path") {
                        self.err(
                            n.at,
                            &join(&path, "path"),
                            format!(
                                "expected no path: indicator {} is computed by the model, found a path",
                                d.id
                            ),
                        );
                    }
                }
                for (k, key) in target_keys.iter().enumerate() {
                    if let Some(n) = t.get(key) {
                        if d.unit == "%"
                            && let Kind::Int(_) | Kind::Float(_) = n.kind
                        {
                            let x = match n.kind {
                                Kind::Int(x) => x as f64,
                                Kind::Float(x) => x,
                                _ => 0.0,
                            };
                            if x > 0.0 && x < 1.0 {
                                self.warn(
                                        n.at,
                                        &join(&path, key),
                                        format!(
                                            "warning: indicator {} is in %, and {} reads as {} % — a fraction? (write {} for {} %); it is used as written",
                                            d.id,
                                            show_num(x),
                                            show_num(x),
                                            fmt_num(x * 100.0),
                                            fmt_num(x * 100.0)
                                        ),
                                    );
                            }
                        }
                        match n.kind {
                            Kind::Int(x) => settings[i].target[k] = Some(x as f64),
                            Kind::Float(x) if x.is_finite() => settings[i].target[k] = Some(x),
                            _ => self.err(
                                n.at,
                                &join(&path, key),
                                format!(
                                    "expected a fixed target in {}, found {}",
                                    d.unit,
                                    n.found()
                                ),
                            ),
                        }
                    }
                }
            }
        }
        settings
    }
}
