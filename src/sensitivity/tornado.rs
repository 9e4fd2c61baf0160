//! One-at-a-time ("tornado") sensitivity.
//!
//! Classic decision-analysis tornado diagram (e.g. Howard 1988, "Decision
//! analysis: practice and promise", *Management Science* 34(6)); a local,
//! one-at-a-time screening around the medians.
//!
//! **Sampler** — [`tornado_design`]: `2k + 1` rows. Row 0 has every input at its
//! median (`u = 0.5`); rows `1 + 2i` and `2 + 2i` put input `i` at the low and
//! high probability (defaults [`DEFAULT_LOW`] = 0.10, [`DEFAULT_HIGH`] = 0.90)
//! with all other inputs at 0.5.
//!
//! **Analyzer** — [`tornado_analyze`]: per input the output at the low and high
//! quantile and the swing `|high − low|`; bars sorted by decreasing swing.

use super::{Design, SensitivityError, check_finite, clamp_unit};

/// Default low probability.
pub const DEFAULT_LOW: f64 = 0.10;
/// Default high probability.
pub const DEFAULT_HIGH: f64 = 0.90;

/// One bar of a tornado diagram.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct TornadoBar {
    /// Index of the input (column of the design).
    pub input: usize,
    /// Output with this input at the low probability, others at the median.
    pub low: f64,
    /// Output with this input at the high probability, others at the median.
    pub high: f64,
    /// `|high − low|`.
    pub swing: f64,
}

/// Result of [`tornado_analyze`].
#[derive(Debug, Clone, PartialEq)]
pub struct TornadoResult {
    /// Output with every input at its median (row 0).
    pub base: f64,
    /// One bar per input, sorted by decreasing swing (ties keep input order).
    pub bars: Vec<TornadoBar>,
}

/// One-at-a-time design: `2k + 1` rows (see module docs). `low < high`, both in
/// (0, 1) (clamped to `[U_MIN, U_MAX]`).
pub fn tornado_design(k: usize, low: f64, high: f64) -> Result<Design, SensitivityError> {
    if k == 0 {
        return Err(SensitivityError::InvalidParameter("k must be >= 1".into()));
    }
    if !(low > 0.0 && low < high && high < 1.0) {
        return Err(SensitivityError::InvalidParameter(format!(
            "tornado needs 0 < low < high < 1, got low = {low}, high = {high}"
        )));
    }
    let (low, high) = (clamp_unit(low), clamp_unit(high));
    let mut rows = Vec::with_capacity(2 * k + 1);
    rows.push(vec![0.5; k]);
    for i in 0..k {
        for u in [low, high] {
            let mut r = vec![0.5; k];
            r[i] = u;
            rows.push(r);
        }
    }
    Ok(Design { k, rows })
}

/// Tornado bars from the `2k + 1` outputs of a [`tornado_design`].
pub fn tornado_analyze(k: usize, outputs: &[f64]) -> Result<TornadoResult, SensitivityError> {
    if k == 0 {
        return Err(SensitivityError::InvalidParameter("k must be >= 1".into()));
    }
    if outputs.len() != 2 * k + 1 {
        return Err(SensitivityError::OutputLength {
            expected: 2 * k + 1,
            got: outputs.len(),
        });
    }
    check_finite(outputs)?;
    let mut bars: Vec<TornadoBar> = (0..k)
        .map(|i| {
            let (low, high) = (outputs[1 + 2 * i], outputs[2 + 2 * i]);
            TornadoBar {
                input: i,
                low,
                high,
                swing: (high - low).abs(),
            }
        })
        .collect();
    bars.sort_by(|a, b| b.swing.total_cmp(&a.swing));
    Ok(TornadoResult {
        base: outputs[0],
        bars,
    })
}

#[cfg(test)]
mod tests {
    use super::super::test_util::norm_ppf;
    use super::*;

    #[test]
    fn design_layout() {
        let d = tornado_design(3, DEFAULT_LOW, DEFAULT_HIGH).unwrap();
        assert_eq!(d.n_rows(), 7);
        assert_eq!(d.rows[0], vec![0.5; 3]);
        assert_eq!(d.rows[3], vec![0.5, 0.1, 0.5]);
        assert_eq!(d.rows[4], vec![0.5, 0.9, 0.5]);
        assert!(tornado_design(3, 0.9, 0.1).is_err());
        assert!(tornado_design(3, 0.0, 0.9).is_err());
    }

    #[test]
    fn linear_model_swings() {
        // y = 2 x1 - 5 x2 + 0.1 x3 + 1 x4; x1 ~ N(1, 3^2), x2 ~ U(0, 1), x3 ~ U(-10, 10), x4 ~ N(0, 1).
        let a = [2.0, -5.0, 0.1, 1.0];
        let q = |i: usize, u: f64| match i {
            0 => 1.0 + 3.0 * norm_ppf(u),
            1 => u,
            2 => -10.0 + 20.0 * u,
            _ => norm_ppf(u),
        };
        let d = tornado_design(4, DEFAULT_LOW, DEFAULT_HIGH).unwrap();
        let y: Vec<f64> = d
            .rows
            .iter()
            .map(|u| (0..4).map(|i| a[i] * q(i, u[i])).sum())
            .collect();
        let res = tornado_analyze(4, &y).unwrap();
        let base: f64 = (0..4).map(|i| a[i] * q(i, 0.5)).sum();
        assert!((res.base - base).abs() < 1e-12);
        for b in &res.bars {
            let want = a[b.input].abs() * (q(b.input, 0.9) - q(b.input, 0.1));
            assert!((b.swing - want).abs() < 1e-9, "input {}", b.input);
        }
        // swings: 2*3*2.563 = 15.4, 5*0.8 = 4, 0.1*16 = 1.6, 2.563
        assert_eq!(
            crate::sensitivity::rank_tornado(&res.bars),
            vec![0, 1, 3, 2]
        );
        assert_eq!(
            res.bars.iter().map(|b| b.input).collect::<Vec<_>>(),
            vec![0, 1, 3, 2]
        );
        // Negative coefficient: high probability lowers the output.
        let b1 = res.bars.iter().find(|b| b.input == 1).unwrap();
        assert!(b1.high < b1.low);
        assert!(tornado_analyze(4, &y[..8]).is_err());
    }
}
