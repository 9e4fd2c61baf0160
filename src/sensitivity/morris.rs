//! Morris elementary-effects screening.
//!
//! Implements Morris (1991), "Factorial sampling plans for preliminary
//! computational experiments", *Technometrics* 33(2):161–174, with the `μ*`
//! (mean absolute elementary effect) measure of Campolongo, Cariboni & Saltelli
//! (2007), "An effective screening design for sensitivity analysis of large
//! models", *Environ. Model. Softw.* 22:1509–1518.
//!
//! **Sampler** — [`morris_design`]: `r` random trajectories of `k + 1` rows each
//! (`r·(k+1)` rows, trajectory `t` occupies rows `t(k+1) .. (t+1)(k+1)`), on a
//! `p`-level grid (`p` even, default [`DEFAULT_LEVELS`] = 4) with the standard
//! jump `Δ = p / (2(p−1))` of the `[0, 1]` grid, i.e. `p/2` grid steps. Each
//! trajectory is Morris's randomised orientation matrix `B*`: random base levels
//! in `{0, …, p/2 − 1}`, random jump signs, random order of the inputs; each
//! consecutive row changes exactly one input by `±p/2` levels.
//! Grid level `j ∈ {0, …, p−1}` is mapped to the interior probability
//! `u = (j + 0.5)/p`, so every jump is exactly `Δu = ±1/2` on the probability
//! scale and the caller's quantile maps stay finite.
//!
//! **Analyzer** — [`morris_analyze`] (needs the design to know which input moved
//! and in which direction). The elementary effect of input `i` in a trajectory is
//! `EE_i = (y_after − y_before) / (u_after − u_before)`: output change **per unit
//! of probability** (the jump is `Δu = ±1/2`, so `EE` is twice the output change
//! for an upward jump). Reported per input: `μ = mean(EE)`, `μ* = mean(|EE|)`,
//! `σ = sd(EE)` (divisor `r − 1`; `0` when `r = 1`), and a bootstrap percentile
//! interval for `μ*` (resampling trajectories with replacement, seeded ChaCha8).
//!
//! Caveat: because `Δu = 1/2` always, an input whose effect is periodic with
//! half the probability range (e.g. `sin²` of `x ~ U(−π, π)` in Ishigami) has
//! zero elementary effects.

use rand::{RngExt, SeedableRng};
use rand_chacha::ChaCha8Rng;

use super::{Design, SensitivityError, check_confidence, check_finite, percentile_interval};

/// Default number of grid levels `p`.
pub const DEFAULT_LEVELS: usize = 4;

/// Morris measures of one input.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct MorrisIndex {
    /// Mean elementary effect.
    pub mu: f64,
    /// Mean absolute elementary effect (Campolongo et al. 2007).
    pub mu_star: f64,
    /// Standard deviation of the elementary effects (divisor `r − 1`).
    pub sigma: f64,
    /// Lower end of the bootstrap percentile interval of `mu_star`.
    pub mu_star_lo: f64,
    /// Upper end of the bootstrap percentile interval of `mu_star`.
    pub mu_star_hi: f64,
}

/// Options of [`morris_analyze`].
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct MorrisOptions {
    /// Number of bootstrap resamples (`0` ⇒ interval collapses to `mu_star`).
    pub n_boot: usize,
    /// Confidence level of the interval, in (0, 1).
    pub confidence: f64,
    /// Seed of the bootstrap resampling.
    pub seed: u64,
}

impl Default for MorrisOptions {
    fn default() -> Self {
        Self {
            n_boot: 1000,
            confidence: 0.95,
            seed: 0,
        }
    }
}

/// Morris design: `r` trajectories on a `levels`-level grid for `k` inputs
/// (`r·(k+1)` rows). `levels` must be even and ≥ 2; `k, r ≥ 1`. Deterministic in `seed`.
pub fn morris_design(
    k: usize,
    r: usize,
    levels: usize,
    seed: u64,
) -> Result<Design, SensitivityError> {
    if k == 0 || r == 0 {
        return Err(SensitivityError::InvalidParameter(format!(
            "Morris design needs k >= 1 and r >= 1, got k = {k}, r = {r}"
        )));
    }
    if levels < 2 || levels % 2 != 0 {
        return Err(SensitivityError::InvalidParameter(format!(
            "Morris grid needs an even number of levels >= 2, got {levels}"
        )));
    }
    let half = levels / 2; // Δ in grid steps
    let to_u = |j: usize| (j as f64 + 0.5) / levels as f64;
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let mut rows = Vec::with_capacity(r * (k + 1));
    for _ in 0..r {
        let mut up = vec![true; k];
        let mut level: Vec<usize> = (0..k)
            .map(|i| {
                let base = rng.random_range(0..half);
                up[i] = rng.random::<bool>();
                if up[i] { base } else { base + half }
            })
            .collect();
        // Fisher–Yates random order of the inputs.
        let mut order: Vec<usize> = (0..k).collect();
        for m in (1..k).rev() {
            order.swap(m, rng.random_range(0..=m));
        }
        rows.push(level.iter().map(|&j| to_u(j)).collect());
        for &i in &order {
            level[i] = if up[i] {
                level[i] + half
            } else {
                level[i] - half
            };
            rows.push(level.iter().map(|&j| to_u(j)).collect());
        }
    }
    Ok(Design { k, rows })
}

/// Morris measures from the outputs of a [`morris_design`] (in row order).
pub fn morris_analyze(
    design: &Design,
    outputs: &[f64],
    opts: &MorrisOptions,
) -> Result<Vec<MorrisIndex>, SensitivityError> {
    let k = design.k;
    if k == 0 {
        return Err(SensitivityError::InvalidDesign("k must be >= 1".into()));
    }
    check_confidence(opts.confidence)?;
    let n_rows = design.rows.len();
    if n_rows == 0 || n_rows % (k + 1) != 0 {
        return Err(SensitivityError::InvalidDesign(format!(
            "{n_rows} rows is not a positive multiple of k + 1 = {}",
            k + 1
        )));
    }
    if outputs.len() != n_rows {
        return Err(SensitivityError::OutputLength {
            expected: n_rows,
            got: outputs.len(),
        });
    }
    check_finite(outputs)?;
    let r = n_rows / (k + 1);

    // ee[i][t]: elementary effect of input i in trajectory t.
    let mut ee = vec![vec![f64::NAN; r]; k];
    #[allow(clippy::needless_range_loop)] // ee is indexed [input][trajectory]
    for t in 0..r {
        for m in 0..k {
            let (j0, j1) = (t * (k + 1) + m, t * (k + 1) + m + 1);
            let (a, b) = (&design.rows[j0], &design.rows[j1]);
            if a.len() != k || b.len() != k {
                return Err(SensitivityError::InvalidDesign(format!(
                    "row {j0} or {j1} does not have k = {k} entries"
                )));
            }
            let moved: Vec<usize> = (0..k).filter(|&c| (b[c] - a[c]).abs() > 1e-12).collect();
            let [i] = moved[..] else {
                return Err(SensitivityError::InvalidDesign(format!(
                    "rows {j0} -> {j1} change {} inputs, expected exactly one",
                    moved.len()
                )));
            };
            if !ee[i][t].is_nan() {
                return Err(SensitivityError::InvalidDesign(format!(
                    "input {i} moves twice in trajectory {t}"
                )));
            }
            ee[i][t] = (outputs[j1] - outputs[j0]) / (b[i] - a[i]);
        }
    }

    let mut rng = ChaCha8Rng::seed_from_u64(opts.seed);
    let mut boot = vec![Vec::with_capacity(opts.n_boot); k];
    let mut idx = vec![0usize; r];
    for _ in 0..opts.n_boot {
        for v in idx.iter_mut() {
            *v = rng.random_range(0..r);
        }
        for i in 0..k {
            boot[i].push(idx.iter().map(|&t| ee[i][t].abs()).sum::<f64>() / r as f64);
        }
    }

    Ok((0..k)
        .map(|i| {
            let e = &ee[i];
            let rf = r as f64;
            let mu = e.iter().sum::<f64>() / rf;
            let mu_star = e.iter().map(|v| v.abs()).sum::<f64>() / rf;
            let sigma = if r > 1 {
                (e.iter().map(|v| (v - mu).powi(2)).sum::<f64>() / (rf - 1.0)).sqrt()
            } else {
                0.0
            };
            let (mu_star_lo, mu_star_hi) = if opts.n_boot == 0 {
                (mu_star, mu_star)
            } else {
                percentile_interval(&mut boot[i], opts.confidence)
            };
            MorrisIndex {
                mu,
                mu_star,
                sigma,
                mu_star_lo,
                mu_star_hi,
            }
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::super::test_util::{ishigami, to_pi};
    use super::*;
    use crate::sensitivity::rank_morris;

    fn opts() -> MorrisOptions {
        MorrisOptions {
            n_boot: 500,
            confidence: 0.95,
            seed: 3,
        }
    }

    #[test]
    fn design_shape_and_determinism() {
        let (k, r) = (6, 10);
        let d = morris_design(k, r, 4, 9).unwrap();
        assert_eq!(d, morris_design(k, r, 4, 9).unwrap());
        assert_ne!(d, morris_design(k, r, 4, 10).unwrap());
        assert_eq!(d.n_rows(), r * (k + 1));
        let levels = [0.125, 0.375, 0.625, 0.875];
        assert!(d.rows.iter().flatten().all(|u| levels.contains(u)));
        for t in 0..r {
            let mut seen = vec![false; k];
            for m in 0..k {
                let (a, b) = (&d.rows[t * (k + 1) + m], &d.rows[t * (k + 1) + m + 1]);
                let moved: Vec<usize> = (0..k).filter(|&c| a[c] != b[c]).collect();
                assert_eq!(moved.len(), 1);
                assert!(((b[moved[0]] - a[moved[0]]).abs() - 0.5).abs() < 1e-15);
                seen[moved[0]] = true;
            }
            assert!(seen.iter().all(|&s| s));
        }
        assert!(morris_design(3, 5, 3, 0).is_err());
        let d6 = morris_design(3, 5, 6, 0).unwrap();
        assert!(d6.rows.iter().flatten().all(|&u| u > 0.0 && u < 1.0));
    }

    #[test]
    fn ishigami_ranking() {
        // Analytic for p = 4 (x ∈ {±π/4, ±3π/4}, every jump is Δx = π, Δu = 1/2):
        //  * x2: sin²(x + π) = sin²(x)  ⇒ EE2 = 0 exactly (μ*2 = 0);
        //  * x3: |Δ x3⁴| = (3π/4)⁴ − (π/4)⁴, |sin x1| = √2/2 ⇒ |EE3| = 2·0.1·(√2/2)·((3π/4)⁴ − (π/4)⁴) ≈ 4.305 always;
        //  * x1: |EE1| = 2·√2·(1 + 0.1·x3⁴) ∈ {2.94, 11.54}, E = 7.24.
        // Hence μ*: x1 > x3 > x2.
        let pi = std::f64::consts::PI;
        let ee3 = 2.0 * 0.1 * (0.5_f64).sqrt() * ((0.75 * pi).powi(4) - (0.25 * pi).powi(4));
        let d = morris_design(3, 100, 4, 5).unwrap();
        let y: Vec<f64> = d.rows.iter().map(|r| ishigami(&to_pi(r))).collect();
        let res = morris_analyze(&d, &y, &opts()).unwrap();
        for (i, m) in res.iter().enumerate() {
            eprintln!(
                "x{}: mu {:.4} mu* {:.4} [{:.4},{:.4}] sigma {:.4}",
                i + 1,
                m.mu,
                m.mu_star,
                m.mu_star_lo,
                m.mu_star_hi,
                m.sigma
            );
        }
        assert_eq!(rank_morris(&res), vec![0, 2, 1]);
        assert!(res[1].mu_star < 1e-12);
        assert!((res[2].mu_star - ee3).abs() < 1e-9);
        let mu1 =
            2.0 * 2f64.sqrt() * (1.0 + 0.1 * ((0.25 * pi).powi(4) + (0.75 * pi).powi(4)) / 2.0);
        assert!(res[0].mu_star_lo <= mu1 && mu1 <= res[0].mu_star_hi);
        assert!(res[0].mu_star_lo > res[2].mu_star);
    }

    #[test]
    fn linear_model_exact() {
        // y = Σ a_i x_i with x_i ~ U(lo_i, hi_i): EE_i = a_i (hi_i − lo_i) in every trajectory.
        let a = [1.0, -4.0, 0.5, 2.0, 0.0];
        let lo = [0.0, -1.0, 10.0, 0.0, 0.0];
        let hi = [10.0, 1.0, 30.0, 3.0, 1.0];
        // |a|·range = 10, 8, 10 (tie → input order), 6, 0
        let d = morris_design(5, 20, 4, 1).unwrap();
        let y: Vec<f64> = d
            .rows
            .iter()
            .map(|u| {
                (0..5)
                    .map(|i| a[i] * (lo[i] + (hi[i] - lo[i]) * u[i]))
                    .sum()
            })
            .collect();
        let res = morris_analyze(&d, &y, &opts()).unwrap();
        for i in 0..5 {
            let want = a[i] * (hi[i] - lo[i]);
            assert!((res[i].mu - want).abs() < 1e-9);
            assert!((res[i].mu_star - want.abs()).abs() < 1e-9);
            assert!(res[i].sigma < 1e-9);
        }
        let a2 = [1.0, -4.0, 0.6, 2.0, 0.0]; // break the tie: 10, 8, 12, 6, 0
        let y2: Vec<f64> = d
            .rows
            .iter()
            .map(|u| {
                (0..5)
                    .map(|i| a2[i] * (lo[i] + (hi[i] - lo[i]) * u[i]))
                    .sum()
            })
            .collect();
        let res2 = morris_analyze(&d, &y2, &opts()).unwrap();
        assert_eq!(rank_morris(&res2), vec![2, 0, 1, 3, 4]);
        assert_eq!(rank_morris(&res), vec![0, 2, 1, 3, 4]);
    }

    #[test]
    fn analyzer_rejects_bad_input() {
        let d = morris_design(2, 3, 4, 0).unwrap();
        assert!(morris_analyze(&d, &[0.0; 8], &opts()).is_err());
        let bad = Design {
            k: 2,
            rows: vec![vec![0.1, 0.1], vec![0.6, 0.6], vec![0.6, 0.1]],
        };
        assert!(matches!(
            morris_analyze(&bad, &[0.0; 3], &opts()),
            Err(SensitivityError::InvalidDesign(_))
        ));
    }
}
