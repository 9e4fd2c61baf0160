//! Per-series streaming accumulator (see [`SeriesStats`]).

use serde::{Deserialize, Serialize};

use super::QuantileSketch;

/// Fixed-point scale `2^32` used for the exact sum.
const SCALE: f64 = 4_294_967_296.0;

/// `round(x · 2^32)` (ties away from zero) as an integer. The common case avoids the
/// software `round` and `f64 → i128` conversion (no SSE4.1 assumed): below 2^52 the sum
/// `y ± 0.5` truncated toward zero rounds half away from zero; at or above 2^52 every f64 is
/// already an integer. Only the rare `y` within an ulp below a half can round the other way
/// than `f64::round`, a difference of 2^-32 in the sum, the same in every run of a build.
#[inline]
fn fixed(x: f64) -> i128 {
    let y = x * SCALE;
    let a = y.abs();
    if a < 4_503_599_627_370_496.0 {
        (y + 0.5f64.copysign(y)) as i64 as i128
    } else if a < 9.2e18 {
        y as i64 as i128
    } else {
        y.round() as i128
    }
}

/// Streaming per-series statistics: a [`QuantileSketch`] plus an exact,
/// order-independent mean.
///
/// The sum is kept in fixed point: each finite `x` adds
/// `round(x · 2^32) as i128` (wrapping addition, which is associative and
/// commutative, so merges are exactly deterministic). Each value is quantised
/// to `2^-32 ≈ 2.3e-10`; for `|x| ≤ ~1e9` the mean is exact to that
/// quantisation and the `i128` cannot overflow before ~4e19 samples. Larger
/// magnitudes stay deterministic but may lose accuracy (saturating cast /
/// wraparound beyond ~4e28). Non-finite values are skipped (counted as
/// invalid by the sketch).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct SeriesStats {
    sketch: QuantileSketch,
    sum_fixed: i128,
}

impl SeriesStats {
    /// Empty accumulator.
    pub fn new() -> Self {
        Self::default()
    }

    /// Add one value.
    #[inline]
    pub fn push(&mut self, x: f64) {
        if x.is_finite() {
            self.sum_fixed = self.sum_fixed.wrapping_add(fixed(x));
        }
        self.sketch.insert(x);
    }

    /// Merge another accumulator into `self` (exact, order independent). Counts whose sum
    /// does not fit are refused ([`super::CountOverflow`]); `self` is then unspecified.
    pub fn merge(&mut self, other: &SeriesStats) -> Result<(), super::CountOverflow> {
        self.sketch.merge(&other.sketch)?;
        self.sum_fixed = self.sum_fixed.wrapping_add(other.sum_fixed);
        Ok(())
    }

    /// Number of finite values pushed.
    pub fn count(&self) -> u64 {
        self.sketch.count()
    }

    /// Mean of the finite values (`sum_fixed / 2^32 / n`); NaN if empty.
    pub fn mean(&self) -> f64 {
        let n = self.sketch.count();
        if n == 0 {
            return f64::NAN;
        }
        self.sum_fixed as f64 / SCALE / n as f64
    }

    /// See [`QuantileSketch::quantile`].
    pub fn quantile(&self, q: f64) -> f64 {
        self.sketch.quantile(q)
    }

    /// The underlying sketch (min, max, invalid count, ...).
    pub fn sketch(&self) -> &QuantileSketch {
        &self.sketch
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::{RngExt, SeedableRng};
    use rand_chacha::ChaCha8Rng;

    #[test]
    fn mean_merge_serde() {
        let mut r = ChaCha8Rng::seed_from_u64(11);
        let v: Vec<f64> = (0..50_000)
            .map(|_| (r.random::<f64>() - 0.3) * 1e6)
            .collect();
        let mut all = SeriesStats::new();
        v.iter().for_each(|&x| all.push(x));
        let naive = v.iter().sum::<f64>() / v.len() as f64;
        assert!((all.mean() - naive).abs() <= 1e-9 * naive.abs());
        assert_eq!(all.count(), v.len() as u64);

        let mut parts = vec![SeriesStats::new(); 7];
        for &x in &v {
            parts[r.random_range(0..7usize)].push(x);
        }
        let mut m = SeriesStats::new();
        parts.iter().rev().for_each(|p| m.merge(p).unwrap());
        assert_eq!(m, all);
        assert_eq!(m.mean().to_bits(), all.mean().to_bits());
        assert_eq!(m.quantile(0.5).to_bits(), all.quantile(0.5).to_bits());
        let json = serde_json::to_string(&all).unwrap();
        assert_eq!(serde_json::to_string(&m).unwrap(), json);
        let back: SeriesStats = serde_json::from_str(&json).unwrap();
        assert_eq!(back, all);
    }

    #[test]
    fn fixed_point_rounds_half_away_from_zero() {
        for x in [
            0.0,
            1.0,
            -1.0,
            2.5 / SCALE,
            -2.5 / SCALE,
            1e-12,
            123.456,
            -9.87e8,
            1e15,
            -3e18,
            1e20,
        ] {
            assert_eq!(fixed(x), (x * SCALE).round() as i128, "{x}");
        }
    }

    #[test]
    fn i128_beyond_u64_round_trips() {
        let mut s = SeriesStats::new();
        for _ in 0..10 {
            s.push(1e9);
        }
        s.push(f64::NAN);
        assert!(s.sum_fixed > u64::MAX as i128);
        assert_eq!(s.mean(), 1e9);
        assert_eq!(s.count(), 10);
        assert_eq!(s.sketch().invalid(), 1);
        let json = serde_json::to_string(&s).unwrap();
        let back: SeriesStats = serde_json::from_str(&json).unwrap();
        assert_eq!(back, s);
        assert!(SeriesStats::new().mean().is_nan());
    }
}
