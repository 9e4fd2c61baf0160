//! Additive LMDI-I decomposition (logarithmic mean Divisia index, method I).
//!
//! References:
//! * B.W. Ang (2004), "Decomposition analysis for policymaking in energy: which is the
//!   preferred method?", Energy Policy 32, 1131–1139.
//! * B.W. Ang (2005), "The LMDI approach to decomposition analysis: a practical guide",
//!   Energy Policy 33, 867–871.
//! * B.W. Ang & N. Liu (2007), "Handling zero values in the logarithmic mean Divisia
//!   index decomposition approach", Energy Policy 35, 238–246.
//!
//! # Identity
//!
//! The aggregate is `V = Σ_i V_i` with `V_i = Π_k x_{i,k}` over cells `i` (e.g.
//! sector × fuel) and factors `k` (e.g. activity, structure, intensity, mix, emission
//! factor). Between period/scenario `0` and `T` the additive LMDI-I effect of factor `k`
//! is
//!
//! ```text
//! ΔV_k = Σ_i L(V_i^T, V_i^0) · ln(x_{i,k}^T / x_{i,k}^0),
//! L(a, b) = (a − b) / (ln a − ln b),   L(a, a) = a.
//! ```
//!
//! # Why the decomposition is perfect (no residual)
//!
//! For a cell with `V_i^0, V_i^T > 0`,
//! `Σ_k ln(x_{i,k}^T / x_{i,k}^0) = ln(Π_k x_{i,k}^T / Π_k x_{i,k}^0) = ln(V_i^T / V_i^0)`,
//! hence `Σ_k L(V_i^T, V_i^0) · ln(x_{i,k}^T / x_{i,k}^0) = L(V_i^T, V_i^0) · ln(V_i^T / V_i^0)
//! = V_i^T − V_i^0` by the definition of `L`. The zero-value rules below preserve this per
//! cell as well, so `Σ_k ΔV_k = Σ_i (V_i^T − V_i^0) = V^T − V^0`. In floating point the
//! only discrepancy is rounding (sum of logs versus log of the product ratio), i.e. a few
//! ulps of `Σ_{i,k} |effect|`.
//!
//! # Zero values
//!
//! With [`ZeroStrategy::AnalyticalLimit`] (the default), each cell is handled via the
//! analytical limits of Ang & Liu (2007), obtained by letting the zero factor values tend
//! to zero (`x = δ → 0`, the same `δ` for all zero entries):
//!
//! * `V_i^0 = V_i^T = 0` (some factor is zero in both periods): the cell contributes 0 to
//!   every factor (`L(δ', δ'') → 0` while the log ratios stay bounded or cancel).
//! * `V_i^0 = 0 < V_i^T` (the cell appears, e.g. a fuel absent in period 0): let `Z` be
//!   the `m ≥ 1` factors with `x_{i,k}^0 = 0`. Each `k ∈ Z` receives `V_i^T / m`, every other
//!   factor 0. Derivation: with `x^0 = δ` for `k ∈ Z`, `V_i^0 = c·δ^m` and
//!   `L(V_i^T, V_i^0) · ln(x^T_k/δ) = (V_i^T − cδ^m) · (ln x^T_k − ln δ) / (ln V_i^T − ln c − m ln δ)
//!   → V_i^T / m`, whereas for `k ∉ Z` the log ratio is bounded and `L → 0`.
//! * `V_i^0 > 0 = V_i^T` (the cell disappears): symmetrically each factor that became zero
//!   receives `−V_i^0 / m`.
//!
//! With [`ZeroStrategy::SmallValue`]`(δ)` every zero factor value is replaced by `δ`
//! (Ang & Liu 2007 recommend `10^-10 … 10^-20`) and the ordinary formula is applied.
//! This converges to the analytical limit as `δ → 0`, but only logarithmically: the error
//! of the split between factors is `O(V_i^T · |ln r| / |ln δ|)` where `r` is the change of
//! the other factors of the cell (e.g. 0.2% of the cell's change for `δ = 1e-20`, `r = 1.1`).
//! The effects still sum to `ΔV` (up to `c·δ`). The analytical limit is therefore preferred;
//! the small-value path exists for comparison with published results and tests.
//!
//! # Negative values
//!
//! Logarithms of negative numbers are undefined, so any negative (or non-finite) factor
//! value is rejected with an error naming the cell and factor. Decompose negative terms
//! (e.g. a negative indirect-emission correction) separately.

use std::fmt;

/// Input of an additive LMDI decomposition.
///
/// `x0[i][k]` / `xt[i][k]` is the value of factor `k` in cell `i` at period/scenario 0 / T.
/// The cell value is the product of its factor values.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct LmdiInput {
    /// Factor names (length `K`).
    pub factors: Vec<String>,
    /// Cell labels (length `N`), e.g. `"industry/coal"`.
    pub cells: Vec<String>,
    /// Factor values at period 0, `N × K`.
    pub x0: Vec<Vec<f64>>,
    /// Factor values at period T, `N × K`.
    pub xt: Vec<Vec<f64>>,
}

/// How zero factor values are treated.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub enum ZeroStrategy {
    /// Analytical limits (Ang & Liu 2007); see the module docs. Default.
    #[default]
    AnalyticalLimit,
    /// Replace each zero factor value by the given small positive `δ` (e.g. `1e-20`).
    SmallValue(f64),
}

/// Which period a value belongs to (used in errors).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Period {
    /// Period/scenario 0 (base).
    Base,
    /// Period/scenario T (target).
    Target,
}

/// Errors from [`decompose_additive`].
#[derive(Debug, Clone, PartialEq)]
pub enum LmdiError {
    /// No factors were given.
    NoFactors,
    /// Dimensions of `cells`, `x0`, `xt` and `factors` disagree.
    ShapeMismatch(String),
    /// A factor value is negative: logarithmic decomposition is impossible.
    Negative {
        /// Cell label.
        cell: String,
        /// Factor name.
        factor: String,
        /// Period of the offending value.
        period: Period,
        /// The value.
        value: f64,
    },
    /// A factor value is NaN or infinite.
    NonFinite {
        /// Cell label.
        cell: String,
        /// Factor name.
        factor: String,
        /// Period of the offending value.
        period: Period,
    },
    /// `ZeroStrategy::SmallValue(δ)` with `δ` not finite and positive.
    InvalidDelta(f64),
}

impl fmt::Display for LmdiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            LmdiError::NoFactors => write!(f, "LMDI: no factors given"),
            LmdiError::ShapeMismatch(s) => write!(f, "LMDI: shape mismatch: {s}"),
            LmdiError::Negative {
                cell,
                factor,
                period,
                value,
            } => write!(
                f,
                "LMDI: negative value {value} of factor '{factor}' in cell '{cell}' \
                 ({period:?}); logarithmic decomposition requires non-negative values"
            ),
            LmdiError::NonFinite {
                cell,
                factor,
                period,
            } => write!(
                f,
                "LMDI: non-finite value of factor '{factor}' in cell '{cell}' ({period:?})"
            ),
            LmdiError::InvalidDelta(d) => {
                write!(f, "LMDI: small value δ must be finite and > 0, got {d}")
            }
        }
    }
}

impl std::error::Error for LmdiError {}

/// Result of an additive LMDI decomposition.
#[derive(Debug, Clone, PartialEq)]
pub struct LmdiResult {
    /// Factor names (copied from the input).
    pub factors: Vec<String>,
    /// Cell labels (copied from the input).
    pub cells: Vec<String>,
    /// Aggregate at period 0, `V^0 = Σ_i V_i^0`.
    pub v0: f64,
    /// Aggregate at period T.
    pub vt: f64,
    /// Cell values at period 0 (`V_i^0`).
    pub cell_v0: Vec<f64>,
    /// Cell values at period T.
    pub cell_vt: Vec<f64>,
    /// `ΔV = V^T − V^0`.
    pub total_change: f64,
    /// Effect of each factor, `ΔV_k` (length `K`); sums to `total_change`.
    pub factor_effects: Vec<f64>,
    /// Per-cell contributions `[i][k]`; `factor_effects[k] = Σ_i cell_effects[i][k]`,
    /// and `Σ_k cell_effects[i][k] = V_i^T − V_i^0`.
    pub cell_effects: Vec<Vec<f64>>,
}

impl LmdiResult {
    /// `ΔV − Σ_k ΔV_k` (zero up to rounding).
    pub fn residual(&self) -> f64 {
        self.total_change - self.factor_effects.iter().sum::<f64>()
    }

    /// Effect of the factor with the given name.
    pub fn effect(&self, factor: &str) -> Option<f64> {
        self.factors
            .iter()
            .position(|f| f == factor)
            .map(|k| self.factor_effects[k])
    }

    /// Sum of the per-cell contributions over the cells selected by `pred` (e.g. all
    /// cells of one sector), per factor.
    pub fn effects_for_cells<F: Fn(&str) -> bool>(&self, pred: F) -> Vec<f64> {
        let mut out = vec![0.0; self.factors.len()];
        for (label, row) in self.cells.iter().zip(&self.cell_effects) {
            if pred(label) {
                for (o, v) in out.iter_mut().zip(row) {
                    *o += v;
                }
            }
        }
        out
    }
}

/// Logarithmic mean `L(a, b) = (a − b) / (ln a − ln b)`, `L(a, a) = a`, `L(a, 0) = 0`.
///
/// Defined for `a, b ≥ 0`; numerically stable when `a ≈ b` (uses `ln_1p` there).
pub fn log_mean(a: f64, b: f64) -> f64 {
    if a == b {
        a
    } else if a <= 0.0 || b <= 0.0 {
        0.0
    } else {
        let d = a - b;
        let rel = d / b;
        // ln_1p is accurate for a ≈ b; for a ≪ b forming `d / b` would lose the digits of
        // a / b, so use the plain log ratio there.
        if rel.abs() < 0.5 {
            d / rel.ln_1p()
        } else {
            d / (a / b).ln()
        }
    }
}

/// Additive LMDI-I decomposition with analytical zero-value limits.
pub fn decompose_additive(input: &LmdiInput) -> Result<LmdiResult, LmdiError> {
    decompose_additive_with(input, ZeroStrategy::AnalyticalLimit)
}

/// Additive LMDI-I decomposition with an explicit zero-value strategy.
pub fn decompose_additive_with(
    input: &LmdiInput,
    zeros: ZeroStrategy,
) -> Result<LmdiResult, LmdiError> {
    let nk = input.factors.len();
    let ni = input.cells.len();
    if nk == 0 {
        return Err(LmdiError::NoFactors);
    }
    if input.x0.len() != ni || input.xt.len() != ni {
        return Err(LmdiError::ShapeMismatch(format!(
            "{} cells but x0 has {} rows and xt has {} rows",
            ni,
            input.x0.len(),
            input.xt.len()
        )));
    }
    if let ZeroStrategy::SmallValue(d) = zeros
        && !(d.is_finite() && d > 0.0)
    {
        return Err(LmdiError::InvalidDelta(d));
    }
    for (i, cell) in input.cells.iter().enumerate() {
        for (period, row) in [(Period::Base, &input.x0[i]), (Period::Target, &input.xt[i])] {
            if row.len() != nk {
                return Err(LmdiError::ShapeMismatch(format!(
                    "cell '{cell}' ({period:?}) has {} values, expected {nk}",
                    row.len()
                )));
            }
            for (k, &v) in row.iter().enumerate() {
                if !v.is_finite() {
                    return Err(LmdiError::NonFinite {
                        cell: cell.clone(),
                        factor: input.factors[k].clone(),
                        period,
                    });
                }
                if v < 0.0 {
                    return Err(LmdiError::Negative {
                        cell: cell.clone(),
                        factor: input.factors[k].clone(),
                        period,
                        value: v,
                    });
                }
            }
        }
    }

    let mut cell_v0 = Vec::with_capacity(ni);
    let mut cell_vt = Vec::with_capacity(ni);
    let mut cell_effects = Vec::with_capacity(ni);
    let mut factor_effects = vec![0.0; nk];
    for i in 0..ni {
        // Reported cell values always use the original data.
        let v0: f64 = input.x0[i].iter().product();
        let vt: f64 = input.xt[i].iter().product();
        cell_v0.push(v0);
        cell_vt.push(vt);
        let eff = match zeros {
            ZeroStrategy::AnalyticalLimit => cell_effects_limit(&input.x0[i], &input.xt[i]),
            ZeroStrategy::SmallValue(d) => {
                let r = |x: &f64| if *x == 0.0 { d } else { *x };
                let a: Vec<f64> = input.x0[i].iter().map(r).collect();
                let b: Vec<f64> = input.xt[i].iter().map(r).collect();
                cell_effects_positive(&a, &b)
            }
        };
        for (f, e) in factor_effects.iter_mut().zip(&eff) {
            *f += e;
        }
        cell_effects.push(eff);
    }
    let v0: f64 = cell_v0.iter().sum();
    let vt: f64 = cell_vt.iter().sum();
    Ok(LmdiResult {
        factors: input.factors.clone(),
        cells: input.cells.clone(),
        v0,
        vt,
        cell_v0,
        cell_vt,
        total_change: vt - v0,
        factor_effects,
        cell_effects,
    })
}

/// Effects of one cell, all factor values strictly positive.
fn cell_effects_positive(x0: &[f64], xt: &[f64]) -> Vec<f64> {
    let v0: f64 = x0.iter().product();
    let vt: f64 = xt.iter().product();
    let l = if v0 > 0.0 && vt > 0.0 && v0.is_finite() && vt.is_finite() {
        log_mean(vt, v0)
    } else {
        // Product under/overflowed (e.g. tiny δ): use sums of logs.
        let l0: f64 = x0.iter().map(|x| x.ln()).sum();
        let lt: f64 = xt.iter().map(|x| x.ln()).sum();
        if l0 == lt { v0 } else { (vt - v0) / (lt - l0) }
    };
    x0.iter()
        .zip(xt)
        .map(|(a, b)| if a == b { 0.0 } else { l * (b / a).ln() })
        .collect()
}

/// Effects of one cell, with the analytical zero-value limits.
fn cell_effects_limit(x0: &[f64], xt: &[f64]) -> Vec<f64> {
    let z0 = x0.iter().filter(|v| **v == 0.0).count();
    let zt = xt.iter().filter(|v| **v == 0.0).count();
    match (z0, zt) {
        (0, 0) => cell_effects_positive(x0, xt),
        (_, 0) => {
            // Cell appears: V^T split among the factors that were zero.
            let vt: f64 = xt.iter().product();
            let share = vt / z0 as f64;
            x0.iter()
                .map(|v| if *v == 0.0 { share } else { 0.0 })
                .collect()
        }
        (0, _) => {
            // Cell disappears: −V^0 split among the factors that became zero.
            let v0: f64 = x0.iter().product();
            let share = -v0 / zt as f64;
            xt.iter()
                .map(|v| if *v == 0.0 { share } else { 0.0 })
                .collect()
        }
        _ => vec![0.0; x0.len()],
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const FACTORS: [&str; 5] = [
        "activity",
        "structure",
        "intensity",
        "mix",
        "emission_factor",
    ];

    fn input(cells: &[&str], x0: Vec<Vec<f64>>, xt: Vec<Vec<f64>>) -> LmdiInput {
        LmdiInput {
            factors: FACTORS.iter().map(|s| s.to_string()).collect(),
            cells: cells.iter().map(|s| s.to_string()).collect(),
            x0,
            xt,
        }
    }

    fn close(a: f64, b: f64, tol: f64) -> bool {
        (a - b).abs() <= tol
    }

    /// Sum property: `|ΔV − Σ effects| ≤ 1e-9 · max(|ΔV|, Σ_ik|effect_ik|, V^0, V^T)`, also per
    /// cell. `|V^0|` is in the scale because `ΔV` itself is a difference of rounded
    /// products: for a nearly unchanged cell it carries an absolute error of ~1 ulp of `V`.
    fn assert_sum(r: &LmdiResult) {
        let scale = r
            .total_change
            .abs()
            .max(r.cell_effects.iter().flatten().map(|e| e.abs()).sum())
            .max(r.v0.abs())
            .max(r.vt.abs())
            .max(1e-300);
        assert!(
            r.residual().abs() <= 1e-9 * scale,
            "residual {} vs scale {}",
            r.residual(),
            scale
        );
        for (i, row) in r.cell_effects.iter().enumerate() {
            let d = r.cell_vt[i] - r.cell_v0[i];
            let s: f64 = row.iter().sum();
            let sc = d
                .abs()
                .max(row.iter().map(|e| e.abs()).sum())
                .max(r.cell_v0[i].abs())
                .max(r.cell_vt[i].abs())
                .max(1e-300);
            assert!((d - s).abs() <= 1e-9 * sc, "cell {i}: {d} vs {s}");
        }
    }

    /// Hand-worked two-sector (Ind, Tra) × two-fuel (Coal, Gas) CO2 example.
    ///
    /// `C_ij = Q · S_i · I_i · M_ij · U_j` (activity, structure, intensity, mix, EF).
    ///
    /// ```text
    ///            Q    S     I     M     U   |  V^0   |   Q    S     I     M     U  |  V^T
    /// Ind/Coal  100  0.6   2.0   0.7   4.0 | 336.0  |  130  0.5   1.8   0.6   4.0 | 280.8
    /// Ind/Gas   100  0.6   2.0   0.3   2.0 |  72.0  |  130  0.5   1.8   0.4   2.0 |  93.6
    /// Tra/Coal  100  0.4   1.5   0.2   4.0 |  48.0  |  130  0.5   1.4   0.25  4.0 |  91.0
    /// Tra/Gas   100  0.4   1.5   0.8   2.0 |  96.0  |  130  0.5   1.4   0.75  2.0 | 136.5
    /// V^0 = 552.0, V^T = 601.9, ΔV = 49.9
    ///
    /// L(V^T,V^0):  Ind/Coal (280.8−336)/ln(280.8/336) = −55.2/−0.179470 = 307.5749
    ///              Ind/Gas  21.6/ln(1.3)            = 21.6/0.262364 = 82.32829
    ///              Tra/Coal 43/ln(91/48)            = 43/0.639653   = 67.22337
    ///              Tra/Gas  40.5/ln(136.5/96)       = 40.5/0.351971 = 115.0645
    /// log ratios:  ln(130/100)=0.262364; ln(.5/.6)=−0.182322; ln(.5/.4)=0.223144;
    ///              ln(1.8/2)=−0.105361; ln(1.4/1.5)=−0.068993;
    ///              mix: ln(.6/.7)=−0.154151, ln(.4/.3)=0.287682,
    ///                   ln(.25/.2)=0.223144, ln(.75/.8)=−0.064539; EF: 0.
    /// cell effects (Q, S, I, M):
    ///   Ind/Coal  80.69666  −56.07753  −32.40625  −47.41288
    ///   Ind/Gas   21.60000  −15.01022   −8.67415   23.68437
    ///   Tra/Coal  17.63701   15.00046   −4.63793   15.00046
    ///   Tra/Gas   30.18882   25.67591   −7.93863   −7.42609
    /// totals:    150.12249  −30.41139  −53.65697  −16.15414   0   (sum 49.9000)
    /// ```
    #[test]
    fn hand_worked_two_sector_two_fuel() {
        let inp = input(
            &["Ind/Coal", "Ind/Gas", "Tra/Coal", "Tra/Gas"],
            vec![
                vec![100.0, 0.6, 2.0, 0.7, 4.0],
                vec![100.0, 0.6, 2.0, 0.3, 2.0],
                vec![100.0, 0.4, 1.5, 0.2, 4.0],
                vec![100.0, 0.4, 1.5, 0.8, 2.0],
            ],
            vec![
                vec![130.0, 0.5, 1.8, 0.6, 4.0],
                vec![130.0, 0.5, 1.8, 0.4, 2.0],
                vec![130.0, 0.5, 1.4, 0.25, 4.0],
                vec![130.0, 0.5, 1.4, 0.75, 2.0],
            ],
        );
        let r = decompose_additive(&inp).unwrap();
        assert!(close(r.v0, 552.0, 1e-9));
        assert!(close(r.vt, 601.9, 1e-9));
        assert!(close(r.total_change, 49.9, 1e-9));
        let expect = [150.12249, -30.41139, -53.65697, -16.15414, 0.0];
        for (k, e) in expect.iter().enumerate() {
            assert!(
                close(r.factor_effects[k], *e, 1e-4),
                "{}: {} vs {}",
                FACTORS[k],
                r.factor_effects[k],
                e
            );
        }
        assert_eq!(r.effect("emission_factor"), Some(0.0));
        let cell_expect = [
            [80.69666, -56.07753, -32.40625, -47.41288],
            [21.60000, -15.01022, -8.67415, 23.68437],
            [17.63701, 15.00046, -4.63793, 15.00046],
            [30.18882, 25.67591, -7.93863, -7.42609],
        ];
        for (i, row) in cell_expect.iter().enumerate() {
            for (k, e) in row.iter().enumerate() {
                assert!(close(r.cell_effects[i][k], *e, 1e-4), "cell {i} factor {k}");
            }
        }
        // Per-sector aggregation: industry effects.
        let ind = r.effects_for_cells(|c| c.starts_with("Ind/"));
        assert!(close(ind[0], 80.69666 + 21.6, 1e-4));
        assert_sum(&r);
    }

    struct XorShift(u64);
    impl XorShift {
        fn next_f64(&mut self) -> f64 {
            self.0 ^= self.0 << 13;
            self.0 ^= self.0 >> 7;
            self.0 ^= self.0 << 17;
            (self.0 >> 11) as f64 / (1u64 << 53) as f64
        }
    }

    #[test]
    fn sum_property_random_positive() {
        let mut rng = XorShift(0x9E37_79B9_7F4A_7C15);
        for trial in 0..200 {
            let ni = 1 + trial % 13;
            let nk = 1 + trial % 6;
            let gen_rows = |rng: &mut XorShift| -> Vec<Vec<f64>> {
                (0..ni)
                    .map(|_| {
                        (0..nk)
                            .map(|_| (rng.next_f64() * 8.0 - 4.0).exp())
                            .collect()
                    })
                    .collect()
            };
            let x0 = gen_rows(&mut rng);
            let mut xt = gen_rows(&mut rng);
            // Some cells unchanged, some nearly unchanged (exercise L(a, a) paths).
            if ni > 2 {
                xt[0] = x0[0].clone();
                xt[1] = x0[1].iter().map(|v| v * (1.0 + 1e-13)).collect();
            }
            let inp = LmdiInput {
                factors: (0..nk).map(|k| format!("f{k}")).collect(),
                cells: (0..ni).map(|i| format!("c{i}")).collect(),
                x0,
                xt,
            };
            let r = decompose_additive(&inp).unwrap();
            assert_sum(&r);
            // factor_effects is the column sum of cell_effects.
            for k in 0..nk {
                let s: f64 = r.cell_effects.iter().map(|row| row[k]).sum();
                assert!(close(s, r.factor_effects[k], 1e-12 * (1.0 + s.abs())));
            }
        }
    }

    /// Industry adds hydrogen at T (mix 0 → 0.1): the cell appears.
    fn appearing_fuel() -> LmdiInput {
        input(
            &["Ind/Coal", "Ind/H2"],
            vec![
                vec![100.0, 1.0, 2.0, 1.0, 4.0],
                vec![100.0, 1.0, 2.0, 0.0, 0.5],
            ],
            vec![
                vec![110.0, 1.0, 1.9, 0.9, 4.0],
                vec![110.0, 1.0, 1.9, 0.1, 0.5],
            ],
        )
    }

    #[test]
    fn zero_fuel_absent_at_base_present_at_target() {
        let inp = appearing_fuel();
        let r = decompose_additive(&inp).unwrap();
        // H2 cell: V^0 = 0, V^T = 110·1·1.9·0.1·0.5 = 10.45, all attributed to "mix".
        assert!(close(r.cell_vt[1], 10.45, 1e-12));
        assert_eq!(r.cell_effects[1], vec![0.0, 0.0, 0.0, r.cell_vt[1], 0.0]);
        assert!(r.factor_effects.iter().all(|e| e.is_finite()));
        assert_sum(&r);

        // Small value strategy converges (slowly, ~1/|ln δ|) to the analytical limit.
        let mut prev_err = f64::INFINITY;
        for delta in [1e-10, 1e-20, 1e-100, 1e-300] {
            let s = decompose_additive_with(&inp, ZeroStrategy::SmallValue(delta)).unwrap();
            assert_sum(&s);
            let err: f64 = s
                .factor_effects
                .iter()
                .zip(&r.factor_effects)
                .map(|(a, b)| (a - b).abs())
                .fold(0.0, f64::max);
            assert!(err < prev_err, "δ={delta}: err {err} !< {prev_err}");
            prev_err = err;
            if delta == 1e-20 {
                // L(V^T, V^0) = 10.45 / ln(10.45 / (100·2·1e-20·0.5)) = 10.45/43.79 ≈ 0.239,
                // so activity wrongly gets 0.239·ln 1.1 ≈ 0.0227 (the largest error).
                assert!(err < 0.03, "err {err}");
            }
        }
        assert!(prev_err < 2e-3);
    }

    #[test]
    fn zero_fuel_disappearing_and_both_zero() {
        let inp = input(
            &["Ind/Oil", "Ind/None", "Ind/Gas"],
            vec![
                vec![100.0, 1.0, 2.0, 0.2, 3.0],
                vec![100.0, 1.0, 2.0, 0.0, 3.0],
                vec![100.0, 1.0, 2.0, 0.8, 2.0],
            ],
            vec![
                vec![100.0, 1.0, 2.0, 0.0, 0.0],
                vec![120.0, 1.0, 2.0, 0.0, 3.0],
                vec![100.0, 1.0, 2.0, 1.0, 2.0],
            ],
        );
        let r = decompose_additive(&inp).unwrap();
        // Oil: V^0 = 120 disappears; two factors become zero → −60 each.
        assert_eq!(r.cell_effects[0], vec![0.0, 0.0, 0.0, -60.0, -60.0]);
        assert_eq!(r.cell_effects[1], vec![0.0; 5]);
        assert_sum(&r);
        assert!(close(r.total_change, -120.0 + 80.0, 1e-9));
    }

    #[test]
    fn single_factor_change_gets_everything() {
        let x0 = vec![
            vec![100.0, 0.6, 2.0, 0.7, 4.0],
            vec![100.0, 0.4, 1.5, 0.3, 2.0],
        ];
        let mut xt = x0.clone();
        xt[0][2] = 1.7;
        xt[1][2] = 1.6;
        let r = decompose_additive(&input(&["a", "b"], x0, xt)).unwrap();
        for (k, e) in r.factor_effects.iter().enumerate() {
            if k == 2 {
                assert!(close(*e, r.total_change, 1e-12 * r.v0));
            } else {
                assert_eq!(*e, 0.0);
            }
        }
        assert!(r.total_change != 0.0);
    }

    #[test]
    fn negative_value_is_error_naming_cell() {
        let mut inp = appearing_fuel();
        inp.xt[1][4] = -0.3;
        let err = decompose_additive(&inp).unwrap_err();
        match &err {
            LmdiError::Negative {
                cell,
                factor,
                period,
                ..
            } => {
                assert_eq!(cell, "Ind/H2");
                assert_eq!(factor, "emission_factor");
                assert_eq!(*period, Period::Target);
            }
            e => panic!("unexpected {e:?}"),
        }
        assert!(err.to_string().contains("Ind/H2"));
        inp.xt[1][4] = f64::NAN;
        assert!(matches!(
            decompose_additive(&inp),
            Err(LmdiError::NonFinite { .. })
        ));
    }

    #[test]
    fn shape_and_param_errors() {
        let mut inp = appearing_fuel();
        inp.x0[0].pop();
        assert!(matches!(
            decompose_additive(&inp),
            Err(LmdiError::ShapeMismatch(_))
        ));
        let inp = appearing_fuel();
        assert!(matches!(
            decompose_additive_with(&inp, ZeroStrategy::SmallValue(0.0)),
            Err(LmdiError::InvalidDelta(_))
        ));
        assert_eq!(
            decompose_additive(&LmdiInput::default()),
            Err(LmdiError::NoFactors)
        );
    }

    #[test]
    fn log_mean_properties() {
        assert_eq!(log_mean(3.0, 3.0), 3.0);
        assert_eq!(log_mean(3.0, 0.0), 0.0);
        assert!(close(log_mean(2.0, 1.0), 1.0 / 2f64.ln(), 1e-15));
        assert!(close(log_mean(1.0, 2.0), log_mean(2.0, 1.0), 1e-15));
        // Continuity near a == b.
        let a = 5.0;
        let b = 5.0 * (1.0 + 1e-12);
        assert!(close(log_mean(a, b), 5.0 * (1.0 + 0.5e-12), 1e-12));
        // Very unequal arguments: L(1, 1e-11) = (1 − 1e-11)/ln(1e11).
        let l = log_mean(1.0, 1e-11);
        assert!(close(l, (1.0 - 1e-11) / 1e11f64.ln(), 1e-15 * l));
    }
}
