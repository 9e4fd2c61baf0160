//! Streaming, mergeable, exactly deterministic statistics for Monte Carlo
//! series.
//!
//! * [`QuantileSketch`]: log-linear (HDR-histogram style) quantile sketch with
//!   integer bucket counts; merging is associative and commutative, so shards
//!   merged in any order give identical (`==`, and byte-identical JSON) states.
//! * [`SeriesStats`]: sketch + exact fixed-point mean.
//!
//! Relative accuracy of quantiles: [`RELATIVE_ACCURACY`] (= 1/256 ≈ 0.39 %),
//! see [`QuantileSketch::quantile`] for the proof.

mod series;
mod sketch;
mod wilson;

pub use series::SeriesStats;
pub use sketch::QuantileSketch;
pub use wilson::{Z95, percent_text, percent_with_interval, wilson};

/// Guaranteed relative accuracy of [`QuantileSketch::quantile`]:
/// `|q̂ − x₍ₖ₎| ≤ RELATIVE_ACCURACY · |x₍ₖ₎|` whenever `|x₍ₖ₎| ≥ 1e-9`
/// (and `|q̂ − x₍ₖ₎| < 1e-9` otherwise). The proven bound is
/// `1/257 · (1 + 4ε)` ≈ 0.3891 %, rounded up here to `1/256` ≈ 0.3906 %.
pub const RELATIVE_ACCURACY: f64 = 1.0 / 256.0;

/// Values with `|x| < ZERO_THRESHOLD` (including ±0) are counted in the zero
/// bucket and reported as `0.0` (clamped into `[min, max]`).
pub const ZERO_THRESHOLD: f64 = 1e-9;
