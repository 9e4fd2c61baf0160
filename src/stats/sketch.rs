//! Log-linear quantile sketch (see [`QuantileSketch`]).

use serde::{Deserialize, Serialize};

use super::ZERO_THRESHOLD;

/// Number of mantissa bits kept in a bucket index (bucket relative width
/// `2^-M = 1/128`).
const M: u32 = 7;
const SHIFT: u32 = 52 - M;
const SIGN: u64 = 1 << 63;
/// Bit pattern of `ZERO_THRESHOLD`: for non-negative finite floats the bit
/// pattern is order preserving, so `|x| < 1e-9  ⇔  abs_bits < ZERO_BITS`.
const ZERO_BITS: u64 = ZERO_THRESHOLD.to_bits();
/// Smallest bucket index a non-zero-bucket value can have.
const MIN_IDX: u64 = ZERO_BITS >> SHIFT;
/// Largest bucket index of a finite value (`f64::MAX`).
const MAX_IDX: u64 = f64::MAX.to_bits() >> SHIFT;
/// Minimal slack (in buckets) added when a store grows.
const MIN_SLACK: u64 = 16;

/// Bucket index of a positive finite `|x|` given by its bit pattern.
#[inline(always)]
fn bucket(abs_bits: u64) -> u64 {
    abs_bits >> SHIFT
}

/// Representative value of bucket `idx` (for `|x|`), minimising the worst
/// relative error over the bucket.
///
/// Bucket `idx` holds `[lo, hi)` with `lo = 2^e (1 + j/128)`,
/// `hi = 2^e (1 + (j+1)/128)`, `j = idx mod 128`. The harmonic mean
/// `r = 2·lo·hi/(lo+hi)` equalises the relative errors at both ends:
/// `(r − lo)/lo = (hi − r)/hi = (hi − lo)/(hi + lo) = 1/(257 + 2j) ≤ 1/257`,
/// and since `r/x` is monotone in `x` the error inside the bucket is smaller.
/// Written without overflow as `r = lo · (1 + 1/(257 + 2j))`; the computed
/// value has at most ~3 ulp extra relative error, giving the total bound
/// `1/257 · (1 + 4ε) < 1/256 = RELATIVE_ACCURACY`. (For the very top buckets
/// near `f64::MAX` the product may round to `inf`; `quantile` clamps into
/// `[min, max]`, which can only decrease the error.)
#[inline]
pub(crate) fn representative(idx: u64) -> f64 {
    let lo = f64::from_bits(idx << SHIFT);
    let j = (idx & ((1 << M) - 1)) as f64;
    lo * (1.0 + 1.0 / (257.0 + 2.0 * j))
}

/// Dense bucket store: `counts[i]` counts bucket index `offset + i`.
/// May contain zero padding at either end (slack for amortised growth);
/// equality and serialization only consider the trimmed non-zero range.
#[derive(Clone, Debug, Default)]
struct Store {
    offset: u64,
    counts: Vec<u64>,
}

impl Store {
    #[inline(always)]
    fn add(&mut self, idx: u64, c: u64) {
        let i = idx.wrapping_sub(self.offset) as usize;
        if let Some(slot) = self.counts.get_mut(i) {
            *slot += c;
        } else {
            self.add_slow(idx, c);
        }
    }

    #[cold]
    #[inline(never)]
    fn add_slow(&mut self, idx: u64, c: u64) {
        self.grow_to(idx, idx);
        self.counts[(idx - self.offset) as usize] += c;
    }

    /// Ensure bucket indices `lo..=hi` are covered, adding slack.
    fn grow_to(&mut self, lo: u64, hi: u64) {
        if self.counts.is_empty() {
            let new_lo = lo.saturating_sub(MIN_SLACK).max(MIN_IDX);
            let new_hi = (hi + MIN_SLACK).min(MAX_IDX);
            self.offset = new_lo;
            self.counts = vec![0; (new_hi - new_lo + 1) as usize];
            return;
        }
        let cur_lo = self.offset;
        let cur_hi = self.offset + self.counts.len() as u64 - 1;
        let slack = (self.counts.len() as u64 / 2).max(MIN_SLACK);
        let new_lo = if lo < cur_lo {
            lo.saturating_sub(slack).max(MIN_IDX)
        } else {
            cur_lo
        };
        let new_hi = if hi > cur_hi {
            (hi + slack).min(MAX_IDX)
        } else {
            cur_hi
        };
        if new_lo < cur_lo {
            let mut v = vec![0u64; (new_hi - new_lo + 1) as usize];
            let start = (cur_lo - new_lo) as usize;
            v[start..start + self.counts.len()].copy_from_slice(&self.counts);
            self.counts = v;
            self.offset = new_lo;
        } else if new_hi > cur_hi {
            self.counts.resize((new_hi - new_lo + 1) as usize, 0);
        }
    }

    /// `(offset, counts)` of the trimmed non-zero range; `(0, [])` if empty.
    fn trimmed(&self) -> (u64, &[u64]) {
        match self.counts.iter().position(|&c| c != 0) {
            None => (0, &[]),
            Some(first) => {
                let last = self.counts.iter().rposition(|&c| c != 0).unwrap_or(first);
                (self.offset + first as u64, &self.counts[first..=last])
            }
        }
    }

    /// The sum of the counts; `None` when it does not fit in a `u64` (a tampered file).
    fn total(&self) -> Option<u64> {
        super::sum_counts(&self.counts).ok()
    }

    fn merge(&mut self, other: &Store) -> Result<(), super::CountOverflow> {
        let (off, counts) = other.trimmed();
        if counts.is_empty() {
            return Ok(());
        }
        self.grow_to(off, off + counts.len() as u64 - 1);
        let start = (off - self.offset) as usize;
        for (a, b) in self.counts[start..start + counts.len()]
            .iter_mut()
            .zip(counts)
        {
            super::add_count(a, *b)?;
        }
        Ok(())
    }
}

impl PartialEq for Store {
    fn eq(&self, other: &Self) -> bool {
        self.trimmed() == other.trimmed()
    }
}
impl Eq for Store {}

#[derive(Serialize)]
struct StoreRef<'a> {
    offset: u64,
    counts: &'a [u64],
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct StoreRepr {
    offset: u64,
    counts: Vec<u64>,
}

impl Serialize for Store {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let (offset, counts) = self.trimmed();
        StoreRef { offset, counts }.serialize(s)
    }
}

impl<'de> Deserialize<'de> for Store {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let r = StoreRepr::deserialize(d)?;
        let st = Store {
            offset: r.offset,
            counts: r.counts,
        };
        let (off, c) = st.trimmed();
        if !c.is_empty() && (off < MIN_IDX || off + c.len() as u64 - 1 > MAX_IDX) {
            return Err(serde::de::Error::custom("bucket index out of range"));
        }
        Ok(st)
    }
}

/// Mergeable log-linear quantile sketch with relative accuracy
/// [`RELATIVE_ACCURACY`](super::RELATIVE_ACCURACY) and exact determinism.
///
/// * Bucketing: for `|x| ≥ 1e-9` the bucket is `|x|.to_bits() >> 45` (exponent
///   and top 7 mantissa bits; relative width ≤ 1/128); separate stores for
///   positive and negative values. No `ln`/`exp` per insert.
/// * Values with `|x| < 1e-9` (incl. `±0`) go to a zero count and are reported
///   as `0.0` (clamped into `[min, max]`), i.e. absolute error `< 1e-9`.
/// * NaN / ±inf are not counted in the distribution: they only increment the
///   [`invalid`](Self::invalid) counter (never panics).
/// * All state is integer counts plus exact min/max, so `merge` is associative
///   and commutative: any split/order of inserts and merges yields `==` states
///   and identical serialized output (zero padding is trimmed; `-0.0` is
///   canonicalised to `0.0`).
#[derive(Clone, Debug, PartialEq)]
pub struct QuantileSketch {
    /// Number of finite values inserted.
    count: u64,
    /// Number of rejected non-finite values (NaN, ±inf).
    invalid: u64,
    /// Values with `|x| < 1e-9`.
    zero: u64,
    /// `+inf` when empty.
    min: f64,
    /// `-inf` when empty.
    max: f64,
    pos: Store,
    neg: Store,
}

impl Default for QuantileSketch {
    fn default() -> Self {
        Self::new()
    }
}

impl QuantileSketch {
    /// Empty sketch (no allocation until the first non-zero insert).
    pub fn new() -> Self {
        QuantileSketch {
            count: 0,
            invalid: 0,
            zero: 0,
            min: f64::INFINITY,
            max: f64::NEG_INFINITY,
            pos: Store::default(),
            neg: Store::default(),
        }
    }

    /// Insert one value. Non-finite values only bump [`invalid`](Self::invalid).
    #[inline]
    pub fn insert(&mut self, x: f64) {
        if !x.is_finite() {
            self.invalid += 1;
            return;
        }
        let x = x + 0.0; // canonicalise -0.0 to +0.0
        self.count += 1;
        if x < self.min {
            self.min = x;
        }
        if x > self.max {
            self.max = x;
        }
        let bits = x.to_bits();
        let abs = bits & !SIGN;
        if abs < ZERO_BITS {
            self.zero += 1;
        } else if bits & SIGN == 0 {
            self.pos.add(bucket(abs), 1);
        } else {
            self.neg.add(bucket(abs), 1);
        }
    }

    /// Add all of `other` into `self` (associative, commutative, exact). Counts whose sum
    /// does not fit are refused ([`super::CountOverflow`]); `self` is then unspecified and
    /// must be discarded.
    pub fn merge(&mut self, other: &QuantileSketch) -> Result<(), super::CountOverflow> {
        super::add_count(&mut self.count, other.count)?;
        super::add_count(&mut self.invalid, other.invalid)?;
        super::add_count(&mut self.zero, other.zero)?;
        if other.min < self.min {
            self.min = other.min;
        }
        if other.max > self.max {
            self.max = other.max;
        }
        self.pos.merge(&other.pos)?;
        self.neg.merge(&other.neg)
    }

    /// Number of (finite) values inserted.
    pub fn count(&self) -> u64 {
        self.count
    }

    /// Number of rejected non-finite values.
    pub fn invalid(&self) -> u64 {
        self.invalid
    }

    /// Exact minimum; NaN if empty.
    pub fn min(&self) -> f64 {
        if self.count == 0 { f64::NAN } else { self.min }
    }

    /// Exact maximum; NaN if empty.
    pub fn max(&self) -> f64 {
        if self.count == 0 { f64::NAN } else { self.max }
    }

    /// Estimate of the order statistic `x₍ₖ₎` (1-based, ascending) with
    /// `k = max(1, ceil(q·n))`; `q` is clamped into `[0, 1]` (so `q = 0` gives
    /// the min bucket, `q = 1` the max). Returns NaN if empty or `q` is NaN.
    ///
    /// Accuracy: the result is the representative of the bucket containing
    /// `x₍ₖ₎` (buckets are ordered, so counting ranks over buckets finds it
    /// exactly), which is within `1/257·(1+4ε)` relative error of every value
    /// in the bucket (see `representative`), then clamped into `[min, max]`;
    /// since `x₍ₖ₎ ∈ [min, max]` clamping never increases the error. Hence
    /// `|q̂ − x₍ₖ₎| ≤ RELATIVE_ACCURACY·|x₍ₖ₎|` for `|x₍ₖ₎| ≥ 1e-9`, and
    /// `|q̂ − x₍ₖ₎| < 1e-9` if `x₍ₖ₎` fell in the zero bucket. A constant
    /// series returns its value exactly.
    pub fn quantile(&self, q: f64) -> f64 {
        if self.count == 0 || q.is_nan() {
            return f64::NAN;
        }
        let n = self.count;
        let q = q.clamp(0.0, 1.0);
        let k = ((q * n as f64).ceil() as u64).clamp(1, n);
        let v = self.value_at_rank(k);
        v.clamp(self.min, self.max)
    }

    /// Unclamped representative of the bucket holding rank `k` (1..=n).
    fn value_at_rank(&self, k: u64) -> f64 {
        let mut seen = 0u64;
        // Negatives: most negative (largest |x| bucket) first.
        for (i, &c) in self.neg.counts.iter().enumerate().rev() {
            seen += c;
            if seen >= k {
                return -representative(self.neg.offset + i as u64);
            }
        }
        seen += self.zero;
        if seen >= k {
            return 0.0;
        }
        for (i, &c) in self.pos.counts.iter().enumerate() {
            seen += c;
            if seen >= k {
                return representative(self.pos.offset + i as u64);
            }
        }
        // Unreachable for consistent state (sum of buckets == count).
        self.max
    }
}

#[derive(Serialize)]
struct SketchRef<'a> {
    count: u64,
    invalid: u64,
    zero: u64,
    min: Option<f64>,
    max: Option<f64>,
    pos: &'a Store,
    neg: &'a Store,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct SketchRepr {
    count: u64,
    invalid: u64,
    zero: u64,
    min: Option<f64>,
    max: Option<f64>,
    pos: Store,
    neg: Store,
}

impl Serialize for QuantileSketch {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let nonempty = self.count > 0;
        SketchRef {
            count: self.count,
            invalid: self.invalid,
            zero: self.zero,
            min: nonempty.then_some(self.min),
            max: nonempty.then_some(self.max),
            pos: &self.pos,
            neg: &self.neg,
        }
        .serialize(s)
    }
}

impl<'de> Deserialize<'de> for QuantileSketch {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        use serde::de::Error;
        let r = SketchRepr::deserialize(d)?;
        let total = (|| {
            r.zero
                .checked_add(r.pos.total()?)?
                .checked_add(r.neg.total()?)
        })();
        if total != Some(r.count) {
            return Err(D::Error::custom("bucket counts do not sum to count"));
        }
        let (min, max) = match (r.count, r.min, r.max) {
            (0, None, None) => (f64::INFINITY, f64::NEG_INFINITY),
            (n, Some(lo), Some(hi)) if n > 0 && lo.is_finite() && hi.is_finite() && lo <= hi => {
                (lo + 0.0, hi + 0.0) // canonicalise -0.0
            }
            _ => return Err(D::Error::custom("inconsistent min/max")),
        };
        Ok(QuantileSketch {
            count: r.count,
            invalid: r.invalid,
            zero: r.zero,
            min,
            max,
            pos: r.pos,
            neg: r.neg,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::stats::RELATIVE_ACCURACY;
    use rand::{RngExt, SeedableRng};
    use rand_chacha::ChaCha8Rng;
    use rand_distr::{Distribution, LogNormal, Normal};

    fn rng(seed: u64) -> ChaCha8Rng {
        ChaCha8Rng::seed_from_u64(seed)
    }

    /// Checks every q = i/1000 (plus extremes) against the exact order statistic.
    fn check_quantiles(values: &[f64], skip_below: f64) {
        let mut s = QuantileSketch::new();
        for &x in values {
            s.insert(x);
        }
        let mut sorted = values.to_vec();
        sorted.sort_by(f64::total_cmp);
        let n = sorted.len();
        assert_eq!(s.count(), n as u64);
        assert_eq!(s.min(), sorted[0]);
        assert_eq!(s.max(), sorted[n - 1]);
        let mut checked = 0;
        let mut worst: f64 = 0.0;
        for i in 0..=1000 {
            let q = i as f64 / 1000.0;
            let k = ((q * n as f64).ceil() as usize).clamp(1, n);
            let exact = sorted[k - 1];
            let est = s.quantile(q);
            if exact.abs() < ZERO_THRESHOLD {
                assert!(
                    (est - exact).abs() < ZERO_THRESHOLD,
                    "q={q} {est} vs {exact}"
                );
            }
            if exact.abs() < skip_below {
                continue;
            }
            let rel = (est - exact).abs() / exact.abs();
            assert!(
                rel <= RELATIVE_ACCURACY,
                "q={q} est={est} exact={exact} rel={rel}"
            );
            worst = worst.max(rel);
            checked += 1;
        }
        assert!(checked > 900);
        println!("worst relative quantile error: {worst:.6}");
    }

    #[test]
    fn uniform_1_2() {
        let mut r = rng(1);
        let v: Vec<f64> = (0..100_000).map(|_| 1.0 + r.random::<f64>()).collect();
        check_quantiles(&v, 0.0);
    }

    #[test]
    fn lognormal() {
        let mut r = rng(2);
        let d = LogNormal::new(0.0, 2.0).unwrap();
        let v: Vec<f64> = (0..100_000).map(|_| d.sample(&mut r)).collect();
        check_quantiles(&v, 0.0);
    }

    #[test]
    fn normal_crossing_zero() {
        let mut r = rng(3);
        let d = Normal::new(0.0, 1.0).unwrap();
        let mut v: Vec<f64> = (0..100_000).map(|_| d.sample(&mut r)).collect();
        v.extend([0.0, -0.0, 1e-12, -1e-12, 5e-10]);
        check_quantiles(&v, 1e-6);
        // shifted so the median sits right at zero-ish and negatives dominate
        let w: Vec<f64> = v.iter().map(|x| x * 1e3 - 500.0).collect();
        check_quantiles(&w, 1e-6);
    }

    #[test]
    fn constant_series_exact() {
        for c in [0.1234567, -42.5, 7e8, 0.0, 3e-10, f64::MAX, -f64::MAX] {
            let mut s = QuantileSketch::new();
            for _ in 0..1000 {
                s.insert(c);
            }
            for q in [0.0, 0.01, 0.5, 0.99, 1.0] {
                assert_eq!(s.quantile(q), c);
            }
        }
    }

    #[test]
    fn empty_and_invalid() {
        let mut s = QuantileSketch::new();
        assert!(s.quantile(0.5).is_nan());
        assert!(s.min().is_nan() && s.max().is_nan());
        for x in [f64::NAN, f64::INFINITY, f64::NEG_INFINITY] {
            s.insert(x);
        }
        assert_eq!((s.count(), s.invalid()), (0, 3));
        assert!(s.quantile(0.5).is_nan());
        s.insert(2.0);
        assert_eq!(s.quantile(0.5), 2.0);
        assert!(s.quantile(f64::NAN).is_nan());
        assert_eq!(s.quantile(-1.0), 2.0);
        assert_eq!(s.quantile(2.0), 2.0);
    }

    #[test]
    fn analytic_bound() {
        let mut r = rng(4);
        let mut worst: f64 = 0.0;
        let mut tested = 0;
        while tested < 200_000 {
            // random bit patterns: covers every exponent and mantissa
            let x = f64::from_bits(r.random::<u64>());
            if !x.is_finite() || x.abs() < ZERO_THRESHOLD {
                continue;
            }
            let a = x.abs();
            let rep = representative(bucket(a.to_bits())).min(f64::MAX);
            worst = worst.max((rep - a).abs() / a);
            tested += 1;
        }
        // bucket edges (worst cases) for every mantissa slot of several exponents
        for e in [-29i32, -1, 0, 1, 50, 1000] {
            for j in 0..128u64 {
                let idx = (((e + 1023) as u64) << M) | j;
                let lo = f64::from_bits(idx << SHIFT);
                let hi_below = f64::from_bits(((idx + 1) << SHIFT) - 1);
                let rep = representative(idx);
                for a in [lo, hi_below] {
                    assert_eq!(bucket(a.to_bits()), idx);
                    worst = worst.max((rep - a).abs() / a);
                }
            }
        }
        assert!(worst <= RELATIVE_ACCURACY, "worst {worst}");
        assert!(
            worst <= 1.0 / 257.0 * (1.0 + 4.0 * f64::EPSILON),
            "worst {worst}"
        );
        assert!(worst > 0.99 / 257.0, "edges should approach 1/257: {worst}");
    }

    fn mixed_values(seed: u64, n: usize) -> Vec<f64> {
        let mut r = rng(seed);
        let d = Normal::new(0.0, 1.0).unwrap();
        let ln = LogNormal::new(3.0, 3.0).unwrap();
        (0..n)
            .map(|i| match i % 5 {
                0 => d.sample(&mut r) * 1e3,
                1 => -ln.sample(&mut r),
                2 => ln.sample(&mut r),
                3 => [0.0, -0.0, 1e-12, -3e-10, f64::NAN][r.random_range(0..5usize)],
                _ => d.sample(&mut r) * 1e-7,
            })
            .collect()
    }

    fn split(values: &[f64], parts: usize, seed: u64) -> Vec<QuantileSketch> {
        let mut r = rng(seed);
        let mut sk = vec![QuantileSketch::new(); parts];
        for &x in values {
            sk[r.random_range(0..parts)].insert(x);
        }
        sk
    }

    #[test]
    fn merge_determinism() {
        let values = mixed_values(5, 50_000);
        let mut single = QuantileSketch::new();
        for &x in &values {
            single.insert(x);
        }
        let single_json = serde_json::to_string(&single).unwrap();
        let mut rev = values.clone();
        rev.reverse();
        let mut single_rev = QuantileSketch::new();
        for &x in &rev {
            single_rev.insert(x);
        }
        assert_eq!(single_rev, single);
        assert_eq!(serde_json::to_string(&single_rev).unwrap(), single_json);
        for parts in [1, 2, 7] {
            for seed in 0..3 {
                let sk = split(&values, parts, 100 + seed);
                // forward
                let mut a = QuantileSketch::new();
                sk.iter().for_each(|s| a.merge(s).unwrap());
                // reverse
                let mut b = QuantileSketch::new();
                sk.iter().rev().for_each(|s| b.merge(s).unwrap());
                // pairwise tree, starting from the last part
                let mut level = sk.clone();
                while level.len() > 1 {
                    let mut next = Vec::new();
                    for pair in level.chunks(2).rev() {
                        let mut m = pair[pair.len() - 1].clone();
                        if pair.len() == 2 {
                            m.merge(&pair[0]).unwrap();
                        }
                        next.push(m);
                    }
                    level = next;
                }
                let c = level.pop().unwrap();
                for m in [&a, &b, &c] {
                    assert_eq!(m, &single);
                    assert_eq!(serde_json::to_string(m).unwrap(), single_json);
                    for q in [0.0, 0.1, 0.5, 0.9, 1.0] {
                        assert_eq!(m.quantile(q).to_bits(), single.quantile(q).to_bits());
                    }
                }
            }
        }
    }

    #[test]
    fn serde_round_trip() {
        for s in [
            QuantileSketch::new(),
            split(&mixed_values(6, 10_000), 1, 0).remove(0),
        ] {
            let json = serde_json::to_string(&s).unwrap();
            let back: QuantileSketch = serde_json::from_str(&json).unwrap();
            assert_eq!(back, s);
            assert_eq!(serde_json::to_string(&back).unwrap(), json);
            assert_eq!(back.quantile(0.3).to_bits(), s.quantile(0.3).to_bits());
        }
        let bad = r#"{"count":5,"invalid":0,"zero":1,"min":0.0,"max":0.0,
            "pos":{"offset":0,"counts":[]},"neg":{"offset":0,"counts":[]}}"#;
        assert!(serde_json::from_str::<QuantileSketch>(bad).is_err());
    }

    /// `cargo test --release -- --ignored --nocapture insert_speed`
    #[test]
    #[ignore]
    fn insert_speed() {
        use std::hint::black_box;
        use std::time::Instant;
        let mut r = rng(7);
        let d = LogNormal::new(0.0, 1.0).unwrap();
        let v: Vec<f64> = (0..1 << 20).map(|_| d.sample(&mut r)).collect();
        let mut s = QuantileSketch::new();
        let reps = 50;
        let t = Instant::now();
        for _ in 0..reps {
            for &x in &v {
                s.insert(black_box(x));
            }
        }
        let ns = t.elapsed().as_nanos() as f64 / (reps * v.len()) as f64;
        black_box(&s);
        println!("insert: {ns:.2} ns/insert");
    }
}
