//! Global and local sensitivity analysis (SALib-style: sampling apart from analysis).
//!
//! Workflow:
//!
//! 1. A *sampler* ([`sobol::saltelli_design`], [`morris::morris_design`],
//!    [`tornado::tornado_design`]) produces a [`Design`] in the unit hypercube.
//!    Every coordinate is a probability `u` in the open interval (0, 1)
//!    (never exactly 0 or 1: values are clamped to `[U_MIN, U_MAX]` or placed on
//!    interior grid levels), so the caller can map `u` through each uncertain
//!    input's quantile function without producing infinities.
//! 2. The caller evaluates the model on every row (in any order, e.g. in
//!    parallel) and collects the outputs **in row order**.
//! 3. An *analyzer* ([`sobol::sobol_analyze`], [`morris::morris_analyze`],
//!    [`tornado::tornado_analyze`]) turns the outputs into indices. Analyzers
//!    never call a model.
//! 4. [`rank_sobol`], [`rank_morris`], [`rank_tornado`] order inputs by importance.
//!
//! Everything is deterministic given a `u64` seed (ChaCha8 for pseudo-random draws,
//! `sobol_burley` Owen-scrambled Sobol points for the Saltelli design).

pub mod dependence;
pub mod morris;
pub mod over_time;
pub mod run;
pub mod sobol;
pub mod tornado;

pub use morris::{MorrisIndex, MorrisOptions, morris_analyze, morris_design};
pub use sobol::{
    SaltelliBase, SaltelliBlock, SobolIndex, SobolOptions, saltelli_base, saltelli_design,
    saltelli_row, saltelli_source, sobol_analyze,
};
pub use tornado::{TornadoBar, TornadoResult, tornado_analyze, tornado_design};

use std::cmp::Ordering;
use std::fmt;

/// Smallest probability a sampler emits.
pub const U_MIN: f64 = 1e-12;
/// Largest probability a sampler emits.
pub const U_MAX: f64 = 1.0 - 1e-12;

/// A sampling design in the unit hypercube.
///
/// `rows[j][i]` is the probability (in `(0, 1)`) of uncertain input `i` in model
/// run `j`; every row has exactly `k` entries. The row order is meaningful to
/// the matching analyzer, so outputs must be returned in the same order.
#[derive(Debug, Clone, PartialEq)]
pub struct Design {
    /// Number of uncertain inputs (columns).
    pub k: usize,
    /// Model runs, each a vector of `k` probabilities.
    pub rows: Vec<Vec<f64>>,
}

impl Design {
    /// Number of model runs (rows).
    pub fn n_rows(&self) -> usize {
        self.rows.len()
    }
}

/// Errors from samplers and analyzers.
#[derive(Debug, Clone, PartialEq)]
pub enum SensitivityError {
    /// A sampler/analyzer parameter is out of range.
    InvalidParameter(String),
    /// The number of outputs does not match the design.
    OutputLength {
        /// What the design implies (or a multiple of it).
        expected: usize,
        /// What was given.
        got: usize,
    },
    /// An output is NaN or infinite.
    NonFiniteOutput {
        /// Row index of the offending output.
        row: usize,
    },
    /// The design does not have the structure the analyzer expects.
    InvalidDesign(String),
}

impl fmt::Display for SensitivityError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::InvalidParameter(m) => write!(f, "invalid sensitivity parameter: {m}"),
            Self::OutputLength { expected, got } => {
                write!(f, "expected {expected} model outputs, got {got}")
            }
            Self::NonFiniteOutput { row } => write!(f, "model output of row {row} is not finite"),
            Self::InvalidDesign(m) => write!(f, "invalid sensitivity design: {m}"),
        }
    }
}

impl std::error::Error for SensitivityError {}

/// Clamp a probability into `[U_MIN, U_MAX]`.
pub(crate) fn clamp_unit(u: f64) -> f64 {
    u.clamp(U_MIN, U_MAX)
}

/// Reject NaN / infinite outputs.
pub(crate) fn check_finite(y: &[f64]) -> Result<(), SensitivityError> {
    match y.iter().position(|v| !v.is_finite()) {
        Some(row) => Err(SensitivityError::NonFiniteOutput { row }),
        None => Ok(()),
    }
}

/// Validate a confidence level in (0, 1).
pub(crate) fn check_confidence(c: f64) -> Result<(), SensitivityError> {
    if c > 0.0 && c < 1.0 {
        Ok(())
    } else {
        Err(SensitivityError::InvalidParameter(format!(
            "confidence must be in (0, 1), got {c}"
        )))
    }
}

/// Percentile interval `[(1-c)/2, (1+c)/2]` of `samples` (sorted in place),
/// linear interpolation between order statistics (numpy's default).
/// Returns `(NaN, NaN)` only for an empty slice (never happens with `n_boot >= 1`).
pub(crate) fn percentile_interval(samples: &mut [f64], confidence: f64) -> (f64, f64) {
    if samples.is_empty() {
        return (f64::NAN, f64::NAN);
    }
    samples.sort_by(f64::total_cmp);
    let alpha = (1.0 - confidence) / 2.0;
    (
        quantile_sorted(samples, alpha),
        quantile_sorted(samples, 1.0 - alpha),
    )
}

fn quantile_sorted(x: &[f64], q: f64) -> f64 {
    let h = (x.len() - 1) as f64 * q;
    let lo = h.floor() as usize;
    let hi = (lo + 1).min(x.len() - 1);
    x[lo] + (h - lo as f64) * (x[hi] - x[lo])
}

/// Indices `0..scores.len()` sorted by decreasing score; ties (and NaNs, which go
/// last) keep input order.
fn rank_desc(scores: &[f64]) -> Vec<usize> {
    let mut idx: Vec<usize> = (0..scores.len()).collect();
    idx.sort_by(|&a, &b| match (scores[a].is_nan(), scores[b].is_nan()) {
        (false, false) => scores[b].total_cmp(&scores[a]),
        (true, false) => Ordering::Greater,
        (false, true) => Ordering::Less,
        (true, true) => Ordering::Equal,
    });
    idx
}

/// Input indices ordered by decreasing total-effect index `st`.
pub fn rank_sobol(indices: &[SobolIndex]) -> Vec<usize> {
    rank_desc(&indices.iter().map(|s| s.st).collect::<Vec<_>>())
}

/// Input indices ordered by decreasing `mu_star`.
pub fn rank_morris(indices: &[MorrisIndex]) -> Vec<usize> {
    rank_desc(&indices.iter().map(|m| m.mu_star).collect::<Vec<_>>())
}

/// Input indices (the bars' `input` fields) ordered by decreasing swing.
pub fn rank_tornado(bars: &[TornadoBar]) -> Vec<usize> {
    let order = rank_desc(&bars.iter().map(|b| b.swing).collect::<Vec<_>>());
    order.into_iter().map(|j| bars[j].input).collect()
}

#[cfg(test)]
pub(crate) mod test_util {
    /// Ishigami function, inputs already on (-pi, pi).
    pub fn ishigami(x: &[f64]) -> f64 {
        let (a, b) = (7.0, 0.1);
        x[0].sin() + a * x[1].sin().powi(2) + b * x[2].powi(4) * x[0].sin()
    }

    /// Map a unit-cube row to (-pi, pi)^k.
    pub fn to_pi(u: &[f64]) -> Vec<f64> {
        u.iter()
            .map(|&v| -std::f64::consts::PI + 2.0 * std::f64::consts::PI * v)
            .collect()
    }

    /// Analytic Ishigami (a = 7, b = 0.1) first-order and total indices.
    pub fn ishigami_analytic() -> ([f64; 3], [f64; 3]) {
        let (a, b) = (7.0_f64, 0.1_f64);
        let pi = std::f64::consts::PI;
        let v1 = 0.5 * (1.0 + b * pi.powi(4) / 5.0).powi(2);
        let v2 = a * a / 8.0;
        let v13 = b * b * pi.powi(8) * (1.0 / 18.0 - 1.0 / 50.0);
        let v = v1 + v2 + v13;
        ([v1 / v, v2 / v, 0.0], [(v1 + v13) / v, v2 / v, v13 / v])
    }

    /// Standard normal quantile (Acklam's rational approximation, |rel err| < 1.2e-9).
    pub fn norm_ppf(p: f64) -> f64 {
        const A: [f64; 6] = [
            -3.969683028665376e1,
            2.209460984245205e2,
            -2.759285104469687e2,
            1.38357751867269e2,
            -3.066479806614716e1,
            2.506628277459239,
        ];
        const B: [f64; 5] = [
            -5.447609879822406e1,
            1.615858368580409e2,
            -1.556989798598866e2,
            6.680131188771972e1,
            -1.328068155288572e1,
        ];
        const C: [f64; 6] = [
            -7.784894002430293e-3,
            -3.223964580411365e-1,
            -2.400758277161838,
            -2.549732539343734,
            4.374664141464968,
            2.938163982698783,
        ];
        const D: [f64; 4] = [
            7.784695709041462e-3,
            3.224671290700398e-1,
            2.445134137142996,
            3.754408661907416,
        ];
        let pl = 0.02425;
        if p < pl {
            let q = (-2.0 * p.ln()).sqrt();
            (((((C[0] * q + C[1]) * q + C[2]) * q + C[3]) * q + C[4]) * q + C[5])
                / ((((D[0] * q + D[1]) * q + D[2]) * q + D[3]) * q + 1.0)
        } else if p <= 1.0 - pl {
            let q = p - 0.5;
            let r = q * q;
            (((((A[0] * r + A[1]) * r + A[2]) * r + A[3]) * r + A[4]) * r + A[5]) * q
                / (((((B[0] * r + B[1]) * r + B[2]) * r + B[3]) * r + B[4]) * r + 1.0)
        } else {
            -norm_ppf(1.0 - p)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ranking_helpers() {
        let s = vec![
            SobolIndex {
                s1: 0.1,
                s1_lo: 0.0,
                s1_hi: 0.2,
                st: 0.2,
                st_lo: 0.1,
                st_hi: 0.3,
            },
            SobolIndex {
                s1: 0.5,
                s1_lo: 0.4,
                s1_hi: 0.6,
                st: 0.7,
                st_lo: 0.6,
                st_hi: 0.8,
            },
            SobolIndex {
                s1: 0.0,
                s1_lo: 0.0,
                s1_hi: 0.0,
                st: f64::NAN,
                st_lo: 0.0,
                st_hi: 0.0,
            },
        ];
        assert_eq!(rank_sobol(&s), vec![1, 0, 2]);
        let bars = vec![
            TornadoBar {
                input: 3,
                low: 0.0,
                high: 1.0,
                swing: 1.0,
            },
            TornadoBar {
                input: 0,
                low: 0.0,
                high: 5.0,
                swing: 5.0,
            },
        ];
        assert_eq!(rank_tornado(&bars), vec![0, 3]);
    }

    #[test]
    fn percentile_matches_numpy() {
        let mut x: Vec<f64> = (0..=100).rev().map(f64::from).collect();
        let (lo, hi) = percentile_interval(&mut x, 0.95);
        assert!((lo - 2.5).abs() < 1e-12 && (hi - 97.5).abs() < 1e-12);
    }
}
