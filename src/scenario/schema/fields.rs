//! Field readers of the scenario schema: fuel mixes, end-use efficiencies, plain options
//! (strings, years, choices, switches, numbers) and the plausibility warnings.

use super::super::source::{Kind, Loc, Node, show_num, suggest};
use super::{RATIO, Range, Reader, fmt_num, join};
use crate::model::{FUELS, MixSpec, P};

impl Reader<'_> {
    pub(super) fn warn(&mut self, at: Loc, field: &str, msg: impl Into<String>) {
        self.warnings.push(self.src.diag(at, field, msg));
    }

    /// Warn when parameter `p` can exceed `limit` (a valid value that looks like a slip).
    pub(super) fn warn_above(&mut self, p: P, limit: f64, what: &str) {
        let def = &self.params[p];
        let (_, mut hi) = def.dist.support();
        if def.dist.mass_outside(0.0, 1.0).is_some() {
            // An unbounded distribution reaches as far as its accepted draws do.
            hi = def.quantile(1.0 - 1e-6);
        }
        let Some(at) = def.at else { return };
        if hi > limit {
            let field = def.path.clone();
            let found = if def.dist.is_fixed() {
                show_num(hi)
            } else {
                format!("{} reaching {}", def.dist.to_syntax(), show_num(hi))
            };
            self.warn(
                at,
                &field,
                format!(
                    "warning: {what} above {} looks wrong (found {found}); it is used as written",
                    show_num(limit)
                ),
            );
        }
    }

    /// A plain number option in `[lo, hi]`.
    pub(super) fn number(
        &mut self,
        parent: &Node,
        key: &str,
        path: &str,
        lo: f64,
        hi: f64,
    ) -> Option<f64> {
        let n = parent.get(key)?;
        let x = match n.kind {
            Kind::Int(i) => i as f64,
            Kind::Float(f) => f,
            _ => f64::NAN,
        };
        if x >= lo && x <= hi {
            Some(x)
        } else {
            self.err(
                n.at,
                &join(path, key),
                format!(
                    "expected a number in [{}, {}], found {}",
                    show_num(lo),
                    show_num(hi),
                    n.found()
                ),
            );
            None
        }
    }

    /// A path of fuel-share vectors.
    pub(super) fn mix(&mut self, parent: &Node, path: &str) -> MixSpec {
        let (y0, y1) = (self.y0, self.y1);
        let field = join(path, "mix");
        let Some(n) = parent.get("mix") else {
            self.missing(parent, &field, "fuel shares by milestone year");
            return MixSpec {
                points: vec![(y0, [0.2; 5])],
                delivery: None,
                trend: false,
            };
        };
        let ys = self.years(n, &field, y0, y1, &["delivery"]);
        let mut points = Vec::new();
        for (y, _, v) in &ys {
            let f = join(&field, &y.to_string());
            let mut w = [0.0; 5];
            if v.entries().is_none() {
                self.err(v.at, &f, format!("expected a table of fuel shares {{ coal = …, oil = …, gas = …, electricity = …, biomass = … }}, found {}", v.found()));
                continue;
            }
            self.keys(v, &f, &FUELS);
            for (i, fuel) in FUELS.iter().enumerate() {
                let Some(x) = v.get(fuel) else { continue };
                let ff = join(&f, fuel);
                match &x.kind {
                    Kind::Int(i2) if (0..=1).contains(i2) => w[i] = *i2 as f64,
                    Kind::Float(x2) if (0.0..=1.0).contains(x2) => w[i] = *x2,
                    Kind::Str(_) => self.err(x.at, &ff, format!("expected a fixed share in [0, 1] (put uncertainty in the mix's delivery ratio), found {}", x.found())),
                    _ => self.err(x.at, &ff, format!("expected a share in [0, 1], found {}", x.found())),
                }
            }
            let sum: f64 = w.iter().sum();
            if (sum - 1.0).abs() > 1e-6 {
                self.err(
                    v.at,
                    &f,
                    format!("expected shares summing to 1, found {}", fmt_num(sum)),
                );
            }
            points.push((*y, w));
        }
        if points.first().map(|p| p.0) != Some(y0) {
            self.err(
                n.at,
                &field,
                format!(
                    "expected shares starting at the base year {y0}, found {}",
                    points
                        .first()
                        .map_or("none".to_string(), |p| format!("first milestone {}", p.0))
                ),
            );
            points.insert(0, (y0, [0.2; 5]));
        }
        let delivery = n
            .get("delivery")
            .map(|d| self.param_node(d, &join(&field, "delivery"), "ratio", RATIO));
        MixSpec {
            points,
            delivery,
            trend: self.after == crate::model::AfterLast::Trend,
        }
    }

    /// `[demand.<sector>.end_use_efficiency]`: one entry per fuel, each a number or a
    /// distribution (useful per final energy, MODEL.md §4); a fuel not given is 1.
    pub(super) fn eta(&mut self, parent: &Node, path: &str) -> [Option<P>; 5] {
        let mut out = [None; 5];
        let field = join(path, "end_use_efficiency");
        let Some(t) = self.table(parent, "end_use_efficiency", path) else {
            return out;
        };
        self.keys(t, &field, &FUELS);
        for (f, fuel) in FUELS.iter().enumerate() {
            if let Some(n) = t.get(fuel) {
                out[f] = Some(self.param_node(
                    n,
                    &join(&field, fuel),
                    "useful/final",
                    Range(0.01, 10.0),
                ));
            }
        }
        out
    }

    pub(super) fn string(&mut self, parent: &Node, key: &str, path: &str) -> Option<String> {
        let n = parent.get(key)?;
        match &n.kind {
            Kind::Str(s) => Some(s.clone()),
            _ => {
                self.err(
                    n.at,
                    &join(path, key),
                    format!("expected a string, found {}", n.found()),
                );
                None
            }
        }
    }

    pub(super) fn int(
        &mut self,
        parent: &Node,
        key: &str,
        path: &str,
        lo: i64,
        hi: i64,
    ) -> Option<i64> {
        let n = parent.get(key)?;
        match &n.kind {
            Kind::Int(i) if (lo..=hi).contains(i) => Some(*i),
            _ => {
                self.err(
                    n.at,
                    &join(path, key),
                    format!("expected a whole year in {lo}–{hi}, found {}", n.found()),
                );
                None
            }
        }
    }

    pub(super) fn choice<T: Copy>(
        &mut self,
        parent: &Node,
        key: &str,
        path: &str,
        options: &[(&str, T)],
        default: T,
    ) -> T {
        let Some(n) = parent.get(key) else {
            return default;
        };
        let names: Vec<&str> = options.iter().map(|(s, _)| *s).collect();
        if let Kind::Str(s) = &n.kind
            && let Some((_, v)) = options.iter().find(|(o, _)| o == s)
        {
            return *v;
        }
        let hint = match &n.kind {
            Kind::Str(s) => suggest(s, names.iter().copied())
                .map(|h| format!(" (did you mean \"{h}\"?)"))
                .unwrap_or_default(),
            _ => String::new(),
        };
        self.err(
            n.at,
            &join(path, key),
            format!(
                "expected one of \"{}\", found {}{hint}",
                names.join("\", \""),
                n.found()
            ),
        );
        default
    }

    pub(super) fn boolean(&mut self, parent: &Node, key: &str, path: &str) -> bool {
        match parent.get(key) {
            None => false,
            Some(Node {
                kind: Kind::Bool(b),
                ..
            }) => *b,
            Some(n) => {
                self.err(
                    n.at,
                    &join(path, key),
                    format!("expected true or false, found {}", n.found()),
                );
                false
            }
        }
    }
}
