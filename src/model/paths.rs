//! Paths over milestone years (MODEL.md §1): values and fuel-share vectors given at milestones,
//! moved by a delivery ratio, interpolated, and after the last milestone held or continued
//! (`after_last_milestone`); rates by plan period.

use super::P;

/// A path given at milestone years (MODEL.md §1), optionally with a delivery ratio.
#[derive(Debug, Clone)]
pub struct PathSpec {
    /// Milestones, strictly increasing, the first at `y0` (a cap's `limit_t` may start later).
    pub points: Vec<(i32, P)>,
    pub delivery: Option<P>,
    /// The field's admissible range: an achieved value is held inside it, since a delivery
    /// ratio above 1 (or below 0) can carry a valid milestone past it (a share above 1, a
    /// negative capacity, an industry share of 0 that would divide by zero).
    pub bounds: (f64, f64),
    /// After the last milestone: `None` holds the last value (v2); `Some((lo, hi))` continues
    /// the last segment's yearly change, held at `lo` or `hi` from the year it would cross
    /// it (MODEL.md §1, `after_last_milestone = "trend"`).
    pub trend: Option<(f64, f64)>,
}

/// The value of a path continued after its last milestone `m2` (value `b`) at the pace of its
/// last segment from `m1` (value `a`), held at its bound (MODEL.md §1).
#[inline]
pub fn trend_value(a: f64, b: f64, m1: i32, m2: i32, year: i32, (lo, hi): (f64, f64)) -> f64 {
    let t = b + f64::from(year - m2) * (b - a) / f64::from(m2 - m1);
    if b > a {
        t.min(hi.max(b))
    } else if b < a {
        t.max(lo.min(b))
    } else {
        b
    }
}

impl PathSpec {
    /// A path with no bounds on its achieved values.
    pub const UNBOUNDED: (f64, f64) = (f64::NEG_INFINITY, f64::INFINITY);

    /// The achieved path at `year`: milestones moved by the delivery ratio, interpolated
    /// linearly, after the last held or continued (`trend`), held inside `bounds`.
    #[inline]
    pub fn at(&self, v: &[f64], year: i32) -> f64 {
        let base = v[self.points[0].1];
        let r = self.delivery.map_or(1.0, |d| v[d]);
        let (lo, hi) = self.bounds;
        let ach = |p: P| (base + r * (v[p] - base)).clamp(lo, hi);
        let n = self.points.len();
        if let Some(tb) = self.trend
            && n >= 2
            && year > self.points[n - 1].0
        {
            let ((m1, a), (m2, b)) = (self.points[n - 2], self.points[n - 1]);
            return trend_value(ach(a), ach(b), m1, m2, year, tb);
        }
        interpolate(&self.points, year, |p| ach(*p))
    }

    /// The achieved path for the years `y0, y0 + 1, …`, one per element of `out`: the values
    /// [`at`](Self::at) gives year by year, bit for bit, in one pass over the milestones.
    pub fn fill(&self, v: &[f64], y0: i32, out: &mut [f64]) {
        let base = v[self.points[0].1];
        let r = self.delivery.map_or(1.0, |d| v[d]);
        let (lo, hi) = self.bounds;
        let ach = |p: P| (base + r * (v[p] - base)).clamp(lo, hi);
        let pts = &self.points;
        let n = pts.len();
        let trend = self.trend.filter(|_| n >= 2).map(|tb| {
            let ((m1, a), (m2, b)) = (pts[n - 2], pts[n - 1]);
            (ach(a), ach(b), m1, m2, tb)
        });
        // `i` is `partition_point(|(y, _)| *y <= year)`, advanced as the years go by.
        let mut i = 0;
        for (year, o) in (y0..).zip(out.iter_mut()) {
            while i < n && pts[i].0 <= year {
                i += 1;
            }
            *o = if i == 0 {
                ach(pts[0].1)
            } else if i == n {
                match trend {
                    Some((a, b, m1, m2, tb)) if year > m2 => trend_value(a, b, m1, m2, year, tb),
                    _ => ach(pts[n - 1].1),
                }
            } else {
                let ((ya, a), (yb, b)) = (pts[i - 1], pts[i]);
                let t = f64::from(year - ya) / f64::from(yb - ya);
                let (va, vb) = (ach(a), ach(b));
                va + t * (vb - va)
            };
        }
    }
}

/// Linear interpolation over milestones; flat before the first and after the last.
#[inline]
fn interpolate<T>(points: &[(i32, T)], year: i32, value: impl Fn(&T) -> f64) -> f64 {
    let i = points.partition_point(|(y, _)| *y <= year);
    if i == 0 {
        return value(&points[0].1);
    }
    if i == points.len() {
        return value(&points[i - 1].1);
    }
    let (ya, a) = &points[i - 1];
    let (yb, b) = &points[i];
    let t = f64::from(year - ya) / f64::from(yb - ya);
    let (va, vb) = (value(a), value(b));
    va + t * (vb - va)
}

/// Rates by plan period: `ends[k]` is the last year of period k; years after the previous
/// end up to and including it use its rate.
#[derive(Debug, Clone)]
pub struct Periods {
    pub ends: Vec<(i32, P)>,
}

impl Periods {
    #[inline]
    pub fn at(&self, v: &[f64], year: i32) -> f64 {
        let i = self.ends.partition_point(|(end, _)| *end < year);
        v[self.ends[i.min(self.ends.len() - 1)].1]
    }
}

/// A path of fuel-share vectors for one sector, with the sector's delivery ratio.
#[derive(Debug, Clone)]
pub struct MixSpec {
    pub points: Vec<(i32, [f64; 5])>,
    pub delivery: Option<P>,
    /// After the last milestone: hold (v2) or move along the last segment's change until a
    /// share reaches 0 (MODEL.md §1, `after_last_milestone = "trend"`).
    pub trend: bool,
}

/// A share vector continued after its last milestone `m2` (shares `b`) along the change from
/// `m1` (shares `a`) until its first component reaches 0, then held; still summing to one
/// (MODEL.md §1).
#[inline]
pub fn trend_mix(a: &[f64; 5], b: &[f64; 5], m1: i32, m2: i32, year: i32) -> [f64; 5] {
    let mut lambda_max = f64::INFINITY;
    for f in 0..5 {
        let d = b[f] - a[f];
        if d < 0.0 {
            lambda_max = lambda_max.min(-b[f] / d);
        }
    }
    let lambda = f64::from(year - m2) / f64::from(m2 - m1);
    let mut w = [0.0; 5];
    if lambda >= lambda_max {
        for f in 0..5 {
            let d = b[f] - a[f];
            // The component(s) that reach 0 are exactly 0.
            w[f] = if d < 0.0 && -b[f] / d == lambda_max {
                0.0
            } else {
                b[f] + lambda_max * d
            };
        }
    } else {
        for f in 0..5 {
            w[f] = b[f] + lambda * (b[f] - a[f]);
        }
    }
    w
}

impl MixSpec {
    /// Achieved shares at milestone `m` (MODEL.md §4). The delivery ratio is bounded at each
    /// milestone so that no share leaves [0, 1]; the shares still sum to one because one
    /// ratio moves every fuel.
    #[inline]
    pub(super) fn achieved(&self, v: &[f64], m: usize) -> [f64; 5] {
        let r = self.delivery.map_or(1.0, |d| v[d]);
        let base = &self.points[0].1;
        let target = &self.points[m].1;
        let rr = bounded_ratio(base, target, r);
        let mut w = [0.0; 5];
        for f in 0..5 {
            w[f] = base[f] + rr * (target[f] - base[f]);
        }
        w
    }

    /// Achieved shares at `year`: milestones moved by the delivery ratio, interpolated
    /// linearly, after the last held or continued (`trend`).
    pub fn at(&self, v: &[f64], year: i32, out: &mut [f64; 5]) {
        self.interpolate(year, |m| self.achieved(v, m), out);
    }

    /// Interpolate between achieved milestones given by `ach(m)`.
    #[inline]
    pub(super) fn interpolate(
        &self,
        year: i32,
        ach: impl Fn(usize) -> [f64; 5],
        out: &mut [f64; 5],
    ) {
        let n = self.points.len();
        let i = self.points.partition_point(|(y, _)| *y <= year);
        if i == 0 || i == n {
            if self.trend && i == n && n >= 2 && year > self.points[n - 1].0 {
                let (m1, m2) = (self.points[n - 2].0, self.points[n - 1].0);
                *out = trend_mix(&ach(n - 2), &ach(n - 1), m1, m2, year);
                return;
            }
            *out = ach(i.saturating_sub(1));
            return;
        }
        let (ya, yb) = (self.points[i - 1].0, self.points[i].0);
        let t = f64::from(year - ya) / f64::from(yb - ya);
        let (wa, wb) = (ach(i - 1), ach(i));
        for f in 0..5 {
            out[f] = wa[f] + t * (wb[f] - wa[f]);
        }
    }
}

/// The ratio `r` limited to the interval that keeps `base + r·(m − base)` inside [0, 1].
#[inline]
pub fn bounded_ratio(base: &[f64; 5], m: &[f64; 5], r: f64) -> f64 {
    let (mut lo, mut hi) = (f64::NEG_INFINITY, f64::INFINITY);
    for f in 0..5 {
        let d = m[f] - base[f];
        if d > 0.0 {
            hi = hi.min((1.0 - base[f]) / d);
            lo = lo.max(-base[f] / d);
        } else if d < 0.0 {
            hi = hi.min(-base[f] / d);
            lo = lo.max((1.0 - base[f]) / d);
        }
    }
    r.clamp(lo.min(hi), hi.max(lo))
}
