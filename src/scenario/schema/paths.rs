//! Path readers of the scenario schema: milestone years, paths with a delivery ratio and
//! rates by plan period (MODEL.md §1).

use super::*;

impl Reader<'_> {
    /// Year keys of a path-like table, checked for horizon and order.
    pub(super) fn years<'n>(
        &mut self,
        n: &'n Node,
        field: &str,
        y0: i32,
        y1: i32,
        extra: &[&str],
    ) -> Vec<(i32, Loc, &'n Node)> {
        let mut out: Vec<(i32, Loc, &Node)> = Vec::new();
        let Some(entries) = n.entries() else {
            self.err(n.at, field, format!("expected a table of milestone years such as {{ {y0} = …, 2030 = … }}, found {}", n.found()));
            return out;
        };
        for (k, kl, v) in entries {
            if extra.contains(&k.as_str()) {
                continue;
            }
            let f = join(field, k);
            if !is_year_key(k) {
                let hint = suggest(k, extra.iter().copied())
                    .map(|s| format!(" (did you mean `{s}`?)"))
                    .unwrap_or_default();
                let also = if extra.is_empty() {
                    String::new()
                } else {
                    format!(" or {}", extra.join(", "))
                };
                self.err(
                    *kl,
                    &f,
                    format!("expected a milestone year{also}, found `{k}`{hint}"),
                );
                continue;
            }
            let y: i32 = k.parse().unwrap_or(0);
            if y < y0 || y > y1 {
                self.err(
                    *kl,
                    &f,
                    format!("expected a milestone year within the horizon {y0}–{y1}, found {y}"),
                );
                continue;
            }
            if let Some((last, _, _)) = out.last()
                && y <= *last
            {
                self.err(
                    *kl,
                    &f,
                    format!("expected milestones in increasing order, found {y} after {last}"),
                );
                continue;
            }
            out.push((y, *kl, v));
        }
        out
    }

    /// A path `{ 2020 = …, 2025 = …, delivery = … }` starting at `y0`.
    pub(super) fn path_node(
        &mut self,
        n: &Node,
        field: &str,
        unit: &'static str,
        r: Range,
    ) -> PathSpec {
        let (y0, y1) = (self.y0, self.y1);
        let ys = self.years(n, field, y0, y1, &["delivery"]);
        let mut points = Vec::new();
        for (y, _, v) in &ys {
            points.push((
                *y,
                self.param_node(v, &join(field, &y.to_string()), unit, r),
            ));
        }
        if points.first().map(|p| p.0) != Some(y0) {
            self.err(
                n.at,
                field,
                format!(
                    "expected a path starting at the base year {y0}, found {}",
                    points
                        .first()
                        .map_or("no milestone".to_string(), |p| format!(
                            "first milestone {}",
                            p.0
                        ))
                ),
            );
            points.insert(0, (y0, self.dummy(field)));
        }
        let delivery = n
            .get("delivery")
            .map(|d| self.param_node(d, &join(field, "delivery"), "ratio", RATIO));
        PathSpec {
            points,
            delivery,
            bounds: (r.0, r.1),
            trend: self.trend_bounds((0.0, f64::INFINITY)),
        }
    }

    pub(super) fn path(
        &mut self,
        parent: &Node,
        key: &str,
        path: &str,
        unit: &'static str,
        r: Range,
    ) -> PathSpec {
        let y0 = self.y0;
        let field = join(path, key);
        match parent.get(key) {
            Some(n) => self.path_node(n, &field, unit, r),
            None => {
                self.missing(parent, &field, &format!("a path of milestones in {unit}"));
                PathSpec {
                    points: vec![(y0, self.dummy(&field))],
                    delivery: None,
                    bounds: PathSpec::UNBOUNDED,
                    trend: None,
                }
            }
        }
    }

    /// Rates by period `{ 2025 = …, 2030 = …, 2035 = … }` covering `y0+1 … y1`.
    pub(super) fn periods(
        &mut self,
        parent: &Node,
        key: &str,
        path: &str,
        unit: &'static str,
        r: Range,
    ) -> Periods {
        let (y0, y1) = (self.y0, self.y1);
        let field = join(path, key);
        let Some(n) = parent.get(key) else {
            self.missing(parent, &field, &format!("rates by period ending in a milestone year, e.g. {{ 2025 = …, 2030 = …, {y1} = … }} ({unit})"));
            return Periods {
                ends: vec![(y1, self.dummy(&field))],
            };
        };
        let ys = self.years(n, &field, y0 + 1, y1, &[]);
        let mut ends = Vec::new();
        for (y, _, v) in &ys {
            ends.push((
                *y,
                self.param_node(v, &join(&field, &y.to_string()), unit, r),
            ));
        }
        match ends.last() {
            Some((last, _)) if *last == y1 => {}
            Some((last, _)) => {
                self.err(
                    n.at,
                    &field,
                    format!(
                        "expected periods covering {}–{y1}, found the last period ending {last}",
                        y0 + 1
                    ),
                );
            }
            None => {
                self.err(
                    n.at,
                    &field,
                    "expected at least one period, found none".to_string(),
                );
                ends.push((y1, self.dummy(&field)));
            }
        }
        Periods { ends }
    }
}
