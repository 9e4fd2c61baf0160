//! Variance-based (Sobol') sensitivity indices.
//!
//! **Sampler** — [`saltelli_design`]: the Saltelli scheme (Saltelli 2002;
//! Saltelli et al. 2010, "Variance based sensitivity analysis of model output.
//! Design and estimator for the total sensitivity index", *Comput. Phys. Commun.*
//! 181:259–270). Two `N × k` matrices `A` and `B` are the first and last `k`
//! columns of one `2k`-dimensional Owen-scrambled Sobol' sequence
//! (crate `sobol_burley`, Burley 2020 hash-based Owen scrambling with Joe–Kuo
//! direction numbers; seeded, at most 256 dimensions ⇒ `k <= 128`, at most
//! 2^16 points ⇒ `N <= 65536`). `sobol_burley` returns `f32` values on a 2^-23
//! grid; each value is jittered uniformly inside its 2^-23 cell with ChaCha8
//! (keeps the stratification, gives full `f64` resolution) and clamped to
//! `[U_MIN, U_MAX]`.
//!
//! Rows are ordered `[A; B; AB_1; …; AB_k]` (`N·(k+2)` rows), where `AB_i` is
//! `A` with column `i` taken from `B`.
//!
//! **Analyzer** — [`sobol_analyze`], on the outputs of that design in row order:
//!
//! * first order, Saltelli et al. (2010), Table 2 (b):
//!   `S1_i = mean_j( f(B)_j · (f(AB_i)_j − f(A)_j) ) / V`
//! * total effect, Jansen (1999), Table 2 (f):
//!   `ST_i = mean_j( (f(A)_j − f(AB_i)_j)^2 ) / 2 / V`
//! * `V` = population variance (divisor `2N`) of the `2N` values `[f(A); f(B)]`.
//!
//! Outputs are centred by the mean of `[f(A); f(B)]` first (exactly invariant for
//! `ST` and `V`, reduces the variance of the `S1` estimator; SALib does the same).
//! If `V` is zero (constant output, up to round-off relative to `max|y|`) all
//! indices and interval ends are reported as `0` — no NaN.
//!
//! Confidence intervals: non-parametric bootstrap resampling the `N` base rows
//! with replacement (the same row indices for `A`, `B` and every `AB_i`),
//! `n_boot` resamples, percentile interval at level `confidence`, seeded ChaCha8.
//! Sobol' points are not i.i.d., so these intervals are conservative.

use rand::{RngExt, SeedableRng};
use rand_chacha::ChaCha8Rng;

use super::{
    Design, SensitivityError, check_confidence, check_finite, clamp_unit, percentile_interval,
};

/// First-order and total-effect indices of one input, with bootstrap intervals.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct SobolIndex {
    /// First-order index (Saltelli 2010 estimator).
    pub s1: f64,
    /// Lower end of the bootstrap percentile interval of `s1`.
    pub s1_lo: f64,
    /// Upper end of the bootstrap percentile interval of `s1`.
    pub s1_hi: f64,
    /// Total-effect index (Jansen 1999 estimator).
    pub st: f64,
    /// Lower end of the bootstrap percentile interval of `st`.
    pub st_lo: f64,
    /// Upper end of the bootstrap percentile interval of `st`.
    pub st_hi: f64,
}

/// Options of [`sobol_analyze`].
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct SobolOptions {
    /// Number of bootstrap resamples (`0` ⇒ intervals collapse to the point estimate).
    pub n_boot: usize,
    /// Confidence level of the percentile intervals, in (0, 1).
    pub confidence: f64,
    /// Seed of the bootstrap resampling.
    pub seed: u64,
}

impl Default for SobolOptions {
    fn default() -> Self {
        Self {
            n_boot: 1000,
            confidence: 0.95,
            seed: 0,
        }
    }
}

/// Largest number of inputs the Saltelli design supports (`2k` Sobol' dimensions).
pub const MAX_SOBOL_INPUTS: usize = sobol_burley::NUM_DIMENSIONS as usize / 2;
/// Largest number of base rows `N` (length limit of the `sobol_burley` sequence).
pub const MAX_SOBOL_BASE_ROWS: usize = 1 << 16;

/// Saltelli design with `n` base rows for `k` inputs: `n·(k+2)` rows ordered
/// `[A; B; AB_1..AB_k]`. `n` must be a power of two (≥ 2, ≤ 2^16) and
/// `1 <= k <= 128`. Deterministic in `seed`.
///
/// The design holds `n·(k+2)·k` numbers; for large designs use [`saltelli_base`]
/// and [`saltelli_row`], which give the same rows without materialising them.
pub fn saltelli_design(k: usize, n: usize, seed: u64) -> Result<Design, SensitivityError> {
    let base = saltelli_base(k, n, seed)?;
    let rows = (0..n * (k + 2)).map(|j| saltelli_row(&base, j)).collect();
    Ok(Design { k, rows })
}

/// The `n` base rows of the Saltelli design: row `j` holds `2k` probabilities, the
/// `j`-th row of `A` (first `k`) followed by the `j`-th row of `B` (last `k`).
/// Same parameter checks as [`saltelli_design`].
pub fn saltelli_base(k: usize, n: usize, seed: u64) -> Result<SaltelliBase, SensitivityError> {
    if k == 0 || k > MAX_SOBOL_INPUTS {
        return Err(SensitivityError::InvalidParameter(format!(
            "Saltelli design needs 1 <= k <= {MAX_SOBOL_INPUTS}, got k = {k}"
        )));
    }
    if n < 2 || !n.is_power_of_two() || n > MAX_SOBOL_BASE_ROWS {
        return Err(SensitivityError::InvalidParameter(format!(
            "Saltelli base size N must be a power of two in [2, {MAX_SOBOL_BASE_ROWS}], got {n}"
        )));
    }
    let sobol_seed = (seed ^ (seed >> 32)) as u32;
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    const CELL: f64 = 1.0 / (1u64 << 23) as f64;
    let rows: Vec<Vec<f64>> = (0..n as u32)
        .map(|j| {
            (0..2 * k as u32)
                .map(|d| {
                    let s = f64::from(sobol_burley::sample(j, d, sobol_seed));
                    clamp_unit(s + rng.random::<f64>() * CELL)
                })
                .collect()
        })
        .collect();
    Ok(SaltelliBase { k, n, rows })
}

/// The `A | B` base rows of a Saltelli design (see [`saltelli_base`]).
#[derive(Debug, Clone, PartialEq)]
pub struct SaltelliBase {
    /// Number of inputs.
    pub k: usize,
    /// Number of base rows `N`.
    pub n: usize,
    /// `rows[j]` = `A_j` (first `k`) then `B_j` (last `k`).
    pub rows: Vec<Vec<f64>>,
}

/// Where design row `j` (`0 <= j < N·(k+2)`) of a Saltelli design takes its values
/// from: `(base row, column taken from B)`. Row `j` is `A_r` when `None` and block 0,
/// `B_r` for block 1, and `A_r` with column `i` from `B_r` for block `2 + i`.
pub fn saltelli_source(n: usize, j: usize) -> (usize, SaltelliBlock) {
    let (block, r) = (j / n, j % n);
    let b = match block {
        0 => SaltelliBlock::A,
        1 => SaltelliBlock::B,
        i => SaltelliBlock::AB(i - 2),
    };
    (r, b)
}

/// The block of a Saltelli design row (see [`saltelli_source`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SaltelliBlock {
    /// A row of `A`.
    A,
    /// A row of `B`.
    B,
    /// A row of `AB_i`: `A` with column `i` from `B`.
    AB(usize),
}

impl SaltelliBlock {
    /// Column `c` of this block's design row, from a base row holding `A`'s `k` columns then
    /// `B`'s.
    #[inline]
    pub fn column(self, row: &[f64], k: usize, c: usize) -> f64 {
        match self {
            SaltelliBlock::A => row[c],
            SaltelliBlock::B => row[k + c],
            SaltelliBlock::AB(i) => row[if i == c { k + c } else { c }],
        }
    }
}

/// Design row `j` of the Saltelli design with base `base`.
pub fn saltelli_row(base: &SaltelliBase, j: usize) -> Vec<f64> {
    let k = base.k;
    let (r, b) = saltelli_source(base.n, j);
    let row = &base.rows[r];
    (0..k).map(|c| b.column(row, k, c)).collect()
}

/// Point estimates of (S1, ST) for all inputs on the base rows `idx`.
fn estimate(y: &[f64], n: usize, k: usize, idx: &[usize], s1: &mut [f64], st: &mut [f64]) {
    let (fa, rest) = y.split_at(n);
    let fb = &rest[..n];
    let m = idx.len() as f64;
    let (mut sum, mut sum2, mut scale) = (0.0, 0.0, 0.0_f64);
    for &j in idx {
        sum += fa[j] + fb[j];
        sum2 += fa[j] * fa[j] + fb[j] * fb[j];
        scale = scale.max(fa[j].abs()).max(fb[j].abs());
    }
    let mean = sum / (2.0 * m);
    let var = (sum2 / (2.0 * m) - mean * mean).max(0.0);
    let tiny = (1e-12 * scale).powi(2);
    for i in 0..k {
        if var <= tiny {
            s1[i] = 0.0;
            st[i] = 0.0;
            continue;
        }
        let fab = &y[(2 + i) * n..(3 + i) * n];
        let (mut a1, mut at) = (0.0, 0.0);
        for &j in idx {
            let d = fab[j] - fa[j];
            a1 += fb[j] * d;
            at += d * d;
        }
        s1[i] = a1 / m / var;
        st[i] = at / m / 2.0 / var;
    }
}

/// Sobol' indices from the outputs of a [`saltelli_design`] with `k` inputs
/// (`outputs.len()` must be `N·(k+2)`, in design row order).
pub fn sobol_analyze(
    k: usize,
    outputs: &[f64],
    opts: &SobolOptions,
) -> Result<Vec<SobolIndex>, SensitivityError> {
    if k == 0 {
        return Err(SensitivityError::InvalidParameter("k must be >= 1".into()));
    }
    check_confidence(opts.confidence)?;
    let n = outputs.len() / (k + 2);
    if n == 0 || !outputs.len().is_multiple_of(k + 2) {
        return Err(SensitivityError::OutputLength {
            expected: (n.max(1)) * (k + 2),
            got: outputs.len(),
        });
    }
    check_finite(outputs)?;
    // Centre by the mean of [f(A); f(B)].
    let mean = outputs[..2 * n].iter().sum::<f64>() / (2 * n) as f64;
    let y: Vec<f64> = outputs.iter().map(|v| v - mean).collect();

    let all: Vec<usize> = (0..n).collect();
    let (mut s1, mut st) = (vec![0.0; k], vec![0.0; k]);
    estimate(&y, n, k, &all, &mut s1, &mut st);

    let mut boot_s1 = vec![Vec::with_capacity(opts.n_boot); k];
    let mut boot_st = vec![Vec::with_capacity(opts.n_boot); k];
    let mut rng = ChaCha8Rng::seed_from_u64(opts.seed);
    let mut idx = vec![0usize; n];
    let (mut b1, mut bt) = (vec![0.0; k], vec![0.0; k]);
    for _ in 0..opts.n_boot {
        for v in idx.iter_mut() {
            *v = rng.random_range(0..n);
        }
        estimate(&y, n, k, &idx, &mut b1, &mut bt);
        for i in 0..k {
            boot_s1[i].push(b1[i]);
            boot_st[i].push(bt[i]);
        }
    }

    Ok((0..k)
        .map(|i| {
            let (s1_lo, s1_hi) = if opts.n_boot == 0 {
                (s1[i], s1[i])
            } else {
                percentile_interval(&mut boot_s1[i], opts.confidence)
            };
            let (st_lo, st_hi) = if opts.n_boot == 0 {
                (st[i], st[i])
            } else {
                percentile_interval(&mut boot_st[i], opts.confidence)
            };
            SobolIndex {
                s1: s1[i],
                s1_lo,
                s1_hi,
                st: st[i],
                st_lo,
                st_hi,
            }
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::super::test_util::{ishigami, ishigami_analytic, norm_ppf, to_pi};
    use super::*;

    fn opts() -> SobolOptions {
        SobolOptions {
            n_boot: 300,
            confidence: 0.95,
            seed: 7,
        }
    }

    #[test]
    fn design_shape_and_determinism() {
        let (k, n) = (5, 64);
        let d1 = saltelli_design(k, n, 42).unwrap();
        let d2 = saltelli_design(k, n, 42).unwrap();
        let d3 = saltelli_design(k, n, 43).unwrap();
        assert_eq!(d1, d2);
        assert_ne!(d1, d3);
        assert_eq!(d1.k, k);
        assert_eq!(d1.n_rows(), n * (k + 2));
        assert!(d1.rows.iter().all(|r| r.len() == k));
        assert!(d1.rows.iter().flatten().all(|&u| u > 0.0 && u < 1.0));
        // AB_i = A with column i from B.
        for i in 0..k {
            for j in 0..n {
                let ab = &d1.rows[(2 + i) * n + j];
                for (c, &v) in ab.iter().enumerate() {
                    let src = if c == i { n + j } else { j };
                    assert_eq!(v, d1.rows[src][c]);
                }
            }
        }
        // Stratification: each column of A has exactly one point per 1/n cell.
        for c in 0..k {
            let mut cells: Vec<usize> = (0..n)
                .map(|j| (d1.rows[j][c] * n as f64) as usize)
                .collect();
            cells.sort_unstable();
            assert_eq!(cells, (0..n).collect::<Vec<_>>());
        }
        assert!(saltelli_design(3, 100, 0).is_err());
        assert!(saltelli_design(0, 64, 0).is_err());
        assert!(saltelli_design(129, 64, 0).is_err());
        assert!(saltelli_design(80, 4, 0).is_ok());
    }

    #[test]
    fn ishigami_indices() {
        let k = 3;
        let d = saltelli_design(k, 1 << 14, 2024).unwrap();
        let y: Vec<f64> = d.rows.iter().map(|r| ishigami(&to_pi(r))).collect();
        let res = sobol_analyze(k, &y, &opts()).unwrap();
        let (s1, st) = ishigami_analytic();
        for i in 0..k {
            let r = res[i];
            eprintln!(
                "x{}: S1 {:.4} [{:.4},{:.4}] (true {:.4})  ST {:.4} [{:.4},{:.4}] (true {:.4})",
                i + 1,
                r.s1,
                r.s1_lo,
                r.s1_hi,
                s1[i],
                r.st,
                r.st_lo,
                r.st_hi,
                st[i]
            );
            assert!(r.s1_lo <= s1[i] && s1[i] <= r.s1_hi, "S1 CI x{}", i + 1);
            assert!(r.st_lo <= st[i] && st[i] <= r.st_hi, "ST CI x{}", i + 1);
            assert!((r.s1 - s1[i]).abs() < 0.03);
            assert!((r.st - st[i]).abs() < 0.03);
            assert!(r.s1_lo <= r.s1 && r.s1 <= r.s1_hi);
        }
        assert_eq!(crate::sensitivity::rank_sobol(&res), vec![0, 1, 2]);
    }

    #[test]
    fn linear_model_indices() {
        // y = 3 x1 - 2 x2 + 1 x3 + 0.5 x4, x1 ~ N(0, 1), x2 ~ U(0, 2), x3 ~ N(5, 2^2), x4 ~ U(-3, 3).
        let a = [3.0, -2.0, 1.0, 0.5];
        let var = [1.0, 4.0 / 12.0, 4.0, 36.0 / 12.0];
        let total: f64 = (0..4).map(|i| a[i] * a[i] * var[i]).sum();
        let d = saltelli_design(4, 1 << 12, 11).unwrap();
        let y: Vec<f64> = d
            .rows
            .iter()
            .map(|u| {
                let x = [
                    norm_ppf(u[0]),
                    2.0 * u[1],
                    5.0 + 2.0 * norm_ppf(u[2]),
                    -3.0 + 6.0 * u[3],
                ];
                (0..4).map(|i| a[i] * x[i]).sum()
            })
            .collect();
        let res = sobol_analyze(4, &y, &opts()).unwrap();
        for i in 0..4 {
            let want = a[i] * a[i] * var[i] / total;
            let r = res[i];
            eprintln!("x{}: S1 {:.4} ST {:.4} want {:.4}", i + 1, r.s1, r.st, want);
            assert!(r.s1_lo <= want && want <= r.s1_hi, "S1 CI x{}", i + 1);
            assert!(r.st_lo <= want && want <= r.st_hi, "ST CI x{}", i + 1);
            assert!((r.s1 - want).abs() < 0.02 && (r.st - want).abs() < 0.02);
        }
        assert_eq!(crate::sensitivity::rank_sobol(&res), vec![0, 2, 1, 3]);
    }

    #[test]
    fn constant_output_gives_zero() {
        let k = 3;
        let d = saltelli_design(k, 64, 1).unwrap();
        let y = vec![4.2; d.n_rows()];
        for r in sobol_analyze(k, &y, &opts()).unwrap() {
            assert_eq!(
                r,
                SobolIndex {
                    s1: 0.0,
                    s1_lo: 0.0,
                    s1_hi: 0.0,
                    st: 0.0,
                    st_lo: 0.0,
                    st_hi: 0.0
                }
            );
        }
    }

    #[test]
    fn analyzer_rejects_bad_input() {
        assert!(matches!(
            sobol_analyze(3, &[0.0; 11], &opts()),
            Err(SensitivityError::OutputLength { .. })
        ));
        let mut y = vec![1.0; 10];
        y[4] = f64::NAN;
        assert_eq!(
            sobol_analyze(3, &y, &opts()),
            Err(SensitivityError::NonFiniteOutput { row: 4 })
        );
        let bad = SobolOptions {
            confidence: 1.0,
            ..opts()
        };
        assert!(sobol_analyze(3, &[0.0; 10], &bad).is_err());
    }
}
