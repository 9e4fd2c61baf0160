//! Distributions of uncertain parameters (MODEL.md §2).
//!
//! A scenario number is either fixed or one of these. Three views of a distribution are used:
//! its median (the central run), its quantile function (tornado, Morris, Sobol designs map
//! unit-cube points through it) and a random draw (Monte Carlo). Draws are made from a
//! per-run ChaCha8 stream by [`Sampler`]: uniform and triangular by their closed-form inverse
//! CDF, normal and lognormal exactly from a Ziggurat standard normal, PERT and truncated
//! normal by mapping a Ziggurat standard normal through a [`ZTable`] of `F⁻¹(Φ(z))`
//! (within 1e-9 of the range of the exact quantile). No sampler loops without bound.

use std::sync::{Arc, Mutex};

use rand_distr::{Distribution, StandardNormal};
use serde::Serialize;
use statrs::distribution::{Beta, Continuous, ContinuousCDF};

/// A parameter's distribution, validated at construction.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "dist", rename_all = "lowercase")]
pub enum Dist {
    Fixed {
        value: f64,
    },
    Uniform {
        min: f64,
        max: f64,
    },
    Triangular {
        min: f64,
        mode: f64,
        max: f64,
    },
    /// Beta-PERT with λ = 4 (Vose 2008): α = 1 + 4(mode−min)/(max−min), β = 1 + 4(max−mode)/(max−min).
    Pert {
        min: f64,
        mode: f64,
        max: f64,
    },
    /// Normal, optionally truncated to `[min, max]`.
    Normal {
        mean: f64,
        sd: f64,
        min: Option<f64>,
        max: Option<f64>,
    },
    /// Lognormal by its median and `sigma`, the standard deviation of ln X.
    Lognormal {
        median: f64,
        sigma: f64,
    },
}

/// The syntax a user writes, for messages.
pub const SYNTAX: &str = "a number, or one of uniform(min, max), triangular(min, mode, max), \
pert(min, mode, max), normal(mean, sd), normal(mean, sd, min, max), lognormal(median, sigma)";

impl Dist {
    /// Parse `name(a, b, ...)`. Errors are phrased as "expected …, found …".
    pub fn parse(text: &str) -> Result<Dist, String> {
        let t = text.trim();
        let open = t
            .find('(')
            .ok_or_else(|| format!("expected {SYNTAX}, found \"{text}\""))?;
        if !t.ends_with(')') {
            return Err(format!(
                "expected a closing ')' in \"{text}\", found \"{}\"",
                t.chars().last().unwrap_or(' ')
            ));
        }
        let name = t[..open].trim().to_ascii_lowercase();
        let inner = &t[open + 1..t.len() - 1];
        let mut args = Vec::new();
        for a in inner.split(',') {
            let a = a.trim();
            let v: f64 = a.replace('_', "").parse().map_err(|_| {
                format!("expected a number as argument of {name}(…), found \"{a}\"")
            })?;
            args.push(v);
        }
        let want = |n: &[usize]| -> Result<(), String> {
            if n.contains(&args.len()) {
                Ok(())
            } else {
                let s: Vec<String> = n.iter().map(|x| x.to_string()).collect();
                Err(format!(
                    "expected {} arguments for {name}(…), found {}",
                    s.join(" or "),
                    args.len()
                ))
            }
        };
        let d = match name.as_str() {
            "uniform" => {
                want(&[2])?;
                Dist::Uniform {
                    min: args[0],
                    max: args[1],
                }
            }
            "triangular" => {
                want(&[3])?;
                Dist::Triangular {
                    min: args[0],
                    mode: args[1],
                    max: args[2],
                }
            }
            "pert" => {
                want(&[3])?;
                Dist::Pert {
                    min: args[0],
                    mode: args[1],
                    max: args[2],
                }
            }
            "normal" => {
                want(&[2, 4])?;
                let (min, max) = if args.len() == 4 {
                    (Some(args[2]), Some(args[3]))
                } else {
                    (None, None)
                };
                Dist::Normal {
                    mean: args[0],
                    sd: args[1],
                    min,
                    max,
                }
            }
            "lognormal" => {
                want(&[2])?;
                Dist::Lognormal {
                    median: args[0],
                    sigma: args[1],
                }
            }
            _ => {
                let names = ["uniform", "triangular", "pert", "normal", "lognormal"];
                let hint = names
                    .iter()
                    .find(|n| strsim::levenshtein(n, &name) <= 2)
                    .map(|n| format!(" (did you mean {n}?)"))
                    .unwrap_or_default();
                return Err(format!(
                    "expected a distribution name (uniform, triangular, pert, normal, lognormal), found \"{name}\"{hint}"
                ));
            }
        };
        d.check()?;
        Ok(d)
    }

    /// Check the parameters are finite and ordered.
    pub fn check(&self) -> Result<(), String> {
        let all: Vec<f64> = match *self {
            Dist::Fixed { value } => vec![value],
            Dist::Uniform { min, max } => vec![min, max],
            Dist::Triangular { min, mode, max } | Dist::Pert { min, mode, max } => {
                vec![min, mode, max]
            }
            Dist::Normal { mean, sd, min, max } => {
                let mut v = vec![mean, sd];
                v.extend(min);
                v.extend(max);
                v
            }
            Dist::Lognormal { median, sigma } => vec![median, sigma],
        };
        if let Some(bad) = all.iter().find(|v| !v.is_finite() || v.abs() > 1e15) {
            return Err(format!(
                "expected finite numbers of magnitude below 1e15, found {}",
                super::source::show_num(*bad)
            ));
        }
        match *self {
            Dist::Fixed { .. } => Ok(()),
            Dist::Uniform { min, max } => {
                if min < max {
                    Ok(())
                } else {
                    Err(format!(
                        "expected uniform(min, max) with min < max, found min {min} ≥ max {max}"
                    ))
                }
            }
            Dist::Triangular { min, mode, max } | Dist::Pert { min, mode, max } => {
                let n = if matches!(self, Dist::Pert { .. }) {
                    "pert"
                } else {
                    "triangular"
                };
                // NaN was rejected above, so this is the negation of min < max.
                if min >= max {
                    Err(format!(
                        "expected {n}(min, mode, max) with min < max, found min {min} ≥ max {max}"
                    ))
                } else if mode < min {
                    Err(format!(
                        "expected {n}(min, mode, max) with min ≤ mode ≤ max, found min {min} > mode {mode}"
                    ))
                } else if mode > max {
                    Err(format!(
                        "expected {n}(min, mode, max) with min ≤ mode ≤ max, found mode {mode} > max {max}"
                    ))
                } else {
                    Ok(())
                }
            }
            Dist::Normal { mean, sd, min, max } => {
                if sd <= 0.0 {
                    return Err(format!(
                        "expected normal(mean, sd) with sd > 0, found sd {sd}"
                    ));
                }
                if let (Some(lo), Some(hi)) = (min, max) {
                    if lo >= hi {
                        return Err(format!(
                            "expected normal(mean, sd, min, max) with min < max, found min {lo} ≥ max {hi}"
                        ));
                    }
                    if mass_between((lo - mean) / sd, (hi - mean) / sd) < 1e-6 {
                        return Err(format!(
                            "expected a truncation range near the mean, found normal({mean}, {sd}) with almost no mass inside [{lo}, {hi}]"
                        ));
                    }
                }
                Ok(())
            }
            Dist::Lognormal { median, sigma } => {
                if median <= 0.0 {
                    Err(format!(
                        "expected lognormal(median, sigma) with median > 0, found median {median}"
                    ))
                } else if sigma <= 0.0 || sigma > 5.0 {
                    Err(format!(
                        "expected lognormal(median, sigma) with 0 < sigma ≤ 5, found sigma {sigma}"
                    ))
                } else {
                    Ok(())
                }
            }
        }
    }

    /// For an unbounded distribution (an untruncated normal, a lognormal): the probability
    /// that a draw falls outside `[lo, hi]`. `None` for every other distribution.
    pub fn mass_outside(&self, lo: f64, hi: f64) -> Option<f64> {
        match *self {
            Dist::Normal {
                mean,
                sd,
                min: None,
                max: None,
            } => Some(mass_outside((lo - mean) / sd, (hi - mean) / sd)),
            Dist::Lognormal { median, sigma } => {
                let below = if lo > 0.0 {
                    norm_cdf((lo.ln() - median.ln()) / sigma)
                } else {
                    0.0
                };
                Some(below + norm_sf((hi.ln() - median.ln()) / sigma))
            }
            _ => None,
        }
    }

    pub fn is_fixed(&self) -> bool {
        matches!(self, Dist::Fixed { .. })
    }

    /// Smallest and largest value the distribution can take (±∞ for an untruncated normal).
    pub fn support(&self) -> (f64, f64) {
        match *self {
            Dist::Fixed { value } => (value, value),
            Dist::Uniform { min, max }
            | Dist::Triangular { min, max, .. }
            | Dist::Pert { min, max, .. } => (min, max),
            Dist::Normal { min, max, .. } => (
                min.unwrap_or(f64::NEG_INFINITY),
                max.unwrap_or(f64::INFINITY),
            ),
            Dist::Lognormal { .. } => (0.0, f64::INFINITY),
        }
    }

    /// The quantile function at probability `p` in (0, 1).
    pub fn quantile(&self, p: f64) -> f64 {
        let p = p.clamp(1e-12, 1.0 - 1e-12);
        match *self {
            Dist::Fixed { value } => value,
            Dist::Uniform { min, max } => min + p * (max - min),
            Dist::Triangular { min, mode, max } => {
                let fc = (mode - min) / (max - min);
                if p < fc {
                    min + (p * (max - min) * (mode - min)).sqrt()
                } else {
                    max - ((1.0 - p) * (max - min) * (max - mode)).sqrt()
                }
            }
            Dist::Pert { min, mode, max } => {
                let (a, b) = pert_shape(min, mode, max);
                let beta = Beta::new(a, b).expect("validated shape");
                min + beta.inverse_cdf(p) * (max - min)
            }
            Dist::Normal { mean, sd, min, max } => {
                let a = min.map_or(f64::NEG_INFINITY, |m| (m - mean) / sd);
                let b = max.map_or(f64::INFINITY, |m| (m - mean) / sd);
                let x = mean + sd * truncated_std_quantile(a, b, p);
                x.clamp(
                    min.unwrap_or(f64::NEG_INFINITY),
                    max.unwrap_or(f64::INFINITY),
                )
            }
            Dist::Lognormal { median, sigma } => median * (sigma * norm_ppf(p)).exp(),
        }
    }

    /// The exact `F⁻¹(Φ(z))` for any `z`, unclamped, computed from the tail `z` lies in
    /// (below the median through `Φ(z)`, above it through `1 − Φ(z) = Φ(−z)`, so that no
    /// probability is rounded near 1): the map [`ZTable`] interpolates, and what it computes
    /// beyond its range.
    pub fn quantile_z(&self, z: f64) -> f64 {
        let (p, q) = (norm_cdf(z), norm_sf(z));
        match *self {
            Dist::Fixed { value } => value,
            Dist::Uniform { min, max } => {
                if z <= 0.0 {
                    min + p * (max - min)
                } else {
                    max - q * (max - min)
                }
            }
            Dist::Triangular { min, mode, max } => {
                let r = max - min;
                let fc = (mode - min) / r;
                if (z <= 0.0 && p < fc) || (z > 0.0 && q > 1.0 - fc) {
                    let p = if z <= 0.0 { p } else { 1.0 - q };
                    min + (p * r * (mode - min)).sqrt()
                } else {
                    let q = if z <= 0.0 { 1.0 - p } else { q };
                    max - (q * r * (max - mode)).sqrt()
                }
            }
            Dist::Pert { min, mode, max } => {
                let (a, b) = pert_shape(min, mode, max);
                if z <= 0.0 {
                    let beta = Beta::new(a, b).expect("validated shape");
                    min + beta.inverse_cdf(p) * (max - min)
                } else {
                    let beta = Beta::new(b, a).expect("validated shape");
                    max - beta.inverse_cdf(q) * (max - min)
                }
            }
            Dist::Normal { mean, sd, min, max } => {
                let a = min.map_or(f64::NEG_INFINITY, |m| (m - mean) / sd);
                let b = max.map_or(f64::INFINITY, |m| (m - mean) / sd);
                if a == f64::NEG_INFINITY && b == f64::INFINITY {
                    return mean + sd * z;
                }
                let x = mean + sd * truncated_std_quantile_tails(a, b, p, q);
                x.clamp(
                    min.unwrap_or(f64::NEG_INFINITY),
                    max.unwrap_or(f64::INFINITY),
                )
            }
            Dist::Lognormal { median, sigma } => median * (sigma * z).exp(),
        }
    }

    /// The median, used by the central run.
    pub fn median(&self) -> f64 {
        match *self {
            Dist::Fixed { value } => value,
            Dist::Uniform { min, max } => 0.5 * (min + max),
            Dist::Normal {
                mean,
                min: None,
                max: None,
                ..
            } => mean,
            Dist::Lognormal { median, .. } => median,
            _ => self.quantile(0.5),
        }
    }

    /// How the user would write it (for tables and diffs).
    pub fn to_syntax(&self) -> String {
        match *self {
            Dist::Fixed { value } => format!("{value}"),
            Dist::Uniform { min, max } => format!("uniform({min}, {max})"),
            Dist::Triangular { min, mode, max } => format!("triangular({min}, {mode}, {max})"),
            Dist::Pert { min, mode, max } => format!("pert({min}, {mode}, {max})"),
            Dist::Normal {
                mean,
                sd,
                min: Some(lo),
                max: Some(hi),
            } => {
                format!("normal({mean}, {sd}, {lo}, {hi})")
            }
            Dist::Normal { mean, sd, .. } => format!("normal({mean}, {sd})"),
            Dist::Lognormal { median, sigma } => format!("lognormal({median}, {sigma})"),
        }
    }
}

/// The probability that a standard normal falls outside `[a, b]`, without cancellation.
pub fn mass_outside(a: f64, b: f64) -> f64 {
    norm_cdf(a) + norm_sf(b)
}

fn mass_between(a: f64, b: f64) -> f64 {
    if a > 0.0 {
        norm_sf(a) - norm_sf(b)
    } else {
        norm_cdf(b) - norm_cdf(a)
    }
}

/// Φ(x), the standard normal distribution function, to full relative precision in the
/// lower tail (through erfc).
pub fn norm_cdf(x: f64) -> f64 {
    0.5 * libm::erfc(-x / std::f64::consts::SQRT_2)
}

/// 1 − Φ(x), to full relative precision in the upper tail.
pub fn norm_sf(x: f64) -> f64 {
    0.5 * libm::erfc(x / std::f64::consts::SQRT_2)
}

fn norm_pdf(x: f64) -> f64 {
    (-0.5 * x * x).exp() / (2.0 * std::f64::consts::PI).sqrt()
}

/// Φ⁻¹(p): Wichura's algorithm AS 241 (PPND16, *Appl. Statist.* 37:477–484, 1988), about
/// 1e-16 relative. The coefficients are kept exactly as published.
#[allow(clippy::excessive_precision)]
pub fn norm_ppf(p: f64) -> f64 {
    const A: [f64; 8] = [
        3.387_132_872_796_366_608,
        1.331_416_678_917_843_774_5e2,
        1.971_590_950_306_551_442_7e3,
        1.373_169_376_550_946_112_5e4,
        4.592_195_393_154_987_145_7e4,
        6.726_577_092_700_870_085_3e4,
        3.343_057_558_358_812_810_5e4,
        2.509_080_928_730_122_672_7e3,
    ];
    const B: [f64; 8] = [
        1.0,
        4.231_333_070_160_091_125_2e1,
        6.871_870_074_920_579_083e2,
        5.394_196_021_424_751_107_7e3,
        2.121_379_430_158_659_586_7e4,
        3.930_789_580_009_271_061e4,
        2.872_908_573_572_194_267_4e4,
        5.226_495_278_852_854_561e3,
    ];
    const C: [f64; 8] = [
        1.423_437_110_749_683_577_34,
        4.630_337_846_156_545_295_9,
        5.769_497_221_460_691_405_5,
        3.647_848_324_763_204_605_04,
        1.270_458_252_452_368_382_58,
        2.417_807_251_774_506_117_7e-1,
        2.272_384_498_926_918_458_33e-2,
        7.745_450_142_783_414_076_4e-4,
    ];
    const D: [f64; 8] = [
        1.0,
        2.053_191_626_637_758_821_87,
        1.676_384_830_183_803_849_4,
        6.897_673_349_851_000_045_5e-1,
        1.481_039_764_274_800_745_9e-1,
        1.519_866_656_361_645_719_66e-2,
        5.475_938_084_995_344_946e-4,
        1.050_750_071_644_416_843_24e-9,
    ];
    const E: [f64; 8] = [
        6.657_904_643_501_103_777_2,
        5.463_784_911_164_114_369_9,
        1.784_826_539_917_291_335_8,
        2.965_605_718_285_048_912_3e-1,
        2.653_218_952_657_612_309_3e-2,
        1.242_660_947_388_078_438_6e-3,
        2.711_555_568_743_487_578_15e-5,
        2.010_334_399_292_288_132_65e-7,
    ];
    const F: [f64; 8] = [
        1.0,
        5.998_322_065_558_879_376_9e-1,
        1.369_298_809_227_358_053_1e-1,
        1.487_536_129_085_061_485_25e-2,
        7.868_691_311_456_132_591e-4,
        1.846_318_317_510_054_681_8e-5,
        1.421_511_758_316_445_888_7e-7,
        2.044_263_103_389_939_785_64e-15,
    ];
    fn poly(c: &[f64; 8], x: f64) -> f64 {
        c.iter().rev().fold(0.0, |acc, &k| acc * x + k)
    }
    if p <= 0.0 {
        return f64::NEG_INFINITY;
    }
    if p >= 1.0 {
        return f64::INFINITY;
    }
    let q = p - 0.5;
    if q.abs() <= 0.425 {
        let r = 0.180_625 - q * q;
        return q * poly(&A, r) / poly(&B, r);
    }
    let r = if q < 0.0 { p } else { 1.0 - p };
    let r = (-r.ln()).sqrt();
    let x = if r <= 5.0 {
        let r = r - 1.6;
        poly(&C, r) / poly(&D, r)
    } else {
        let r = r - 5.0;
        poly(&E, r) / poly(&F, r)
    };
    if q < 0.0 { -x } else { x }
}

/// The `p` quantile of a standard normal truncated to `[a, b]` (either may be infinite).
/// The target probability is formed in the tail it lies in (lower tail through Φ, upper
/// through 1 − Φ), inverted by AS 241 and polished by one Newton step, so that the
/// truncated-normal median is exact to about 1e-16 relative.
pub fn truncated_std_quantile(a: f64, b: f64, p: f64) -> f64 {
    truncated_std_quantile_tails(a, b, p, 1.0 - p)
}

/// [`truncated_std_quantile`] at `p`, given also `q = 1 − p` (more precisely than `1 − p`
/// when `p` is near 1): the upper tail's target is formed from `q`.
pub fn truncated_std_quantile_tails(a: f64, b: f64, p: f64, q: f64) -> f64 {
    let (pa, pb) = (norm_cdf(a), norm_cdf(b));
    let target = pa + p * (pb - pa);
    if target <= 0.5 {
        let mut z = norm_ppf(target);
        let d = norm_pdf(z);
        if d > 0.0 && z.is_finite() {
            z -= (norm_cdf(z) - target) / d;
        }
        z
    } else {
        let (qa, qb) = (norm_sf(a), norm_sf(b));
        let tail = qb + q * (qa - qb);
        let mut z = -norm_ppf(tail);
        let d = norm_pdf(z);
        if d > 0.0 && z.is_finite() {
            z += (norm_sf(z) - tail) / d;
        }
        z
    }
}

fn pert_shape(min: f64, mode: f64, max: f64) -> (f64, f64) {
    let r = max - min;
    (1.0 + 4.0 * (mode - min) / r, 1.0 + 4.0 * (max - mode) / r)
}

/// Range and resolution of the tables of `G(z) = F⁻¹(Φ(z))`: nodes at `z_k = −Z_MAX + k·H`,
/// `k = 0…STEPS` (`z = 0` is node `STEPS/2`).
pub const Z_MAX: f64 = 7.5;
pub const STEPS: usize = 4096;
const H: f64 = 2.0 * Z_MAX / STEPS as f64;

/// Tables kept for reuse (64 KiB each).
const CACHED: usize = 64;

/// A tabulated inverse CDF in standard-normal space: `x = G(z) = F⁻¹(Φ(z))` of one
/// distribution, at 4,097 equal steps of `z` over `[−7.5, 7.5]`, interpolated by cubic
/// Hermite with exact slopes (MODEL.md §2).
///
/// Nodes are exact: a PERT's Beta quantile is solved by safeguarded Newton steps on the
/// exact CDF (to 1e-15 relative), a truncated normal's by [`truncated_std_quantile`]; each
/// from the tail its node lies in (below the median through `Φ(z)` and the Beta(α, β) CDF,
/// above it through `1 − Φ(z)` and the reflected Beta(β, α), so no probability is ever
/// rounded near 1). Slopes are exact, `G′(z) = φ(z) / f(G(z))`. Beyond `|z| = 7.5`
/// (probability 6.4e-14) the exact `F⁻¹(Φ(z))` ([`Dist::quantile_z`]) is computed instead.
///
/// **Accuracy**: for PERT and truncated normals the table's quantile function
/// `u ↦ G(Φ⁻¹(u))` is within 1e-9 of the range of the exact [`Dist::quantile`] at every
/// `u ∈ [1e-12, 1 − 1e-12]` (tested on 10⁵ points per distribution, skewed PERTs such as
/// pert(0, 0.01, 1) included: the largest error found is 5e-14 of the range for PERT and
/// 3e-12 for truncated normals, so the bound holds with a wide margin). Uniform and
/// triangular tables are built by the same scheme with slopes from a fourth-order central
/// difference; the triangular's kink at its mode limits them to about 3e-8 of the range, so
/// they serve only correlated inputs (the copula), never the uncorrelated sampler.
#[derive(Debug, Clone)]
pub struct ZTable {
    /// `(x, H·dx/dz)` side by side: one cache line per lookup.
    nodes: Arc<[[f64; 2]]>,
    /// For `z` beyond the table.
    dist: Dist,
}

impl ZTable {
    /// The table of `d` (PERT, truncated normal, uniform or triangular; `None` for the others,
    /// which map `z` exactly). A table is a pure function of the distribution, so the tables
    /// built in this process are kept (up to 64) and shared: `peakpath serve` prepares the
    /// samplers once per request, and building a PERT table takes milliseconds.
    pub fn new(d: &Dist) -> Option<ZTable> {
        static TABLES: Mutex<Vec<ZTable>> = Mutex::new(Vec::new());
        if !matches!(
            d,
            Dist::Pert { .. }
                | Dist::Uniform { .. }
                | Dist::Triangular { .. }
                | Dist::Normal { min: Some(_), .. }
                | Dist::Normal { max: Some(_), .. }
        ) {
            return None;
        }
        // A poisoned lock only means another thread panicked while holding it; the list
        // itself is always whole.
        let tables = || TABLES.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(t) = tables().iter().find(|t| t.dist == *d) {
            return Some(t.clone());
        }
        let t = ZTable::build(d);
        let mut kept = tables();
        if kept.len() >= CACHED {
            kept.remove(0);
        }
        kept.push(t.clone());
        Some(t)
    }

    /// Build the table afresh (no cache).
    pub fn build(d: &Dist) -> ZTable {
        let zs = || (0..=STEPS).map(|k| -Z_MAX + k as f64 * H);
        let (xs, ds): (Vec<f64>, Vec<f64>) = match *d {
            Dist::Pert { min, mode, max } => pert_nodes(min, mode, max),
            Dist::Normal { mean, sd, min, max } => {
                let a = min.map_or(f64::NEG_INFINITY, |m| (m - mean) / sd);
                let b = max.map_or(f64::INFINITY, |m| (m - mean) / sd);
                let mass = mass_between(a, b);
                zs().map(|z| {
                    let x = d.quantile_z(z);
                    let t = (x - mean) / sd;
                    // dx/dz = sd · mass · φ(z) / φ(t).
                    (x, sd * mass * (0.5 * (t * t - z * z)).exp())
                })
                .unzip()
            }
            _ => zs()
                .map(|z| {
                    // Slopes by a fourth-order central difference of the exact map, so the
                    // interpolant is C¹ and O(h⁴) accurate where G is smooth.
                    let e = H / 4.0;
                    let f = |dz: f64| d.quantile_z(z + dz);
                    (
                        f(0.0),
                        (8.0 * (f(e) - f(-e)) - (f(2.0 * e) - f(-2.0 * e))) / (12.0 * e),
                    )
                })
                .unzip(),
        };
        ZTable {
            nodes: xs.iter().zip(&ds).map(|(x, d)| [*x, d * H]).collect(),
            dist: d.clone(),
        }
    }

    /// `G(z)`: the table's cubic Hermite interpolant, or the exact map beyond `|z| = 7.5`.
    #[inline]
    pub fn map(&self, z: f64) -> f64 {
        let t = (z + Z_MAX) * (1.0 / H);
        if !(0.0..=STEPS as f64).contains(&t) {
            return self.beyond(z);
        }
        let k = (t as usize).min(STEPS - 1);
        let s = t - k as f64;
        let ([x0, d0], [x1, d1]) = (self.nodes[k], self.nodes[k + 1]);
        let s2 = s * s;
        let s3 = s2 * s;
        (2.0 * s3 - 3.0 * s2 + 1.0) * x0
            + (s3 - 2.0 * s2 + s) * d0
            + (-2.0 * s3 + 3.0 * s2) * x1
            + (s3 - s2) * d1
    }

    #[cold]
    #[inline(never)]
    fn beyond(&self, z: f64) -> f64 {
        self.dist.quantile_z(z)
    }

    /// The nodes `(x, H·dx/dz)`, for tests.
    pub fn nodes(&self) -> &Arc<[[f64; 2]]> {
        &self.nodes
    }
}

/// A PERT's nodes `x_k` and slopes `dx/dz`: below the median the Beta(α, β) quantile of
/// `Φ(z)`, above it `max − r·y` with `y` the Beta(β, α) quantile of `1 − Φ(z) = Φ(−z)`; each
/// half solved outward-in from its far end by safeguarded Newton steps on the exact CDF,
/// starting from the previous node.
fn pert_nodes(min: f64, mode: f64, max: f64) -> (Vec<f64>, Vec<f64>) {
    let r = max - min;
    let (a, b) = pert_shape(min, mode, max);
    let lower = Beta::new(a, b).expect("validated shape");
    let upper = Beta::new(b, a).expect("validated shape");
    let half = STEPS / 2;
    // Probabilities Φ(z) of the lower half's nodes, k = 0…STEPS/2 (z ≤ 0), increasing; the
    // upper half's tail probabilities Φ(−z) are the same numbers (the grid is symmetric).
    let ps: Vec<f64> = (0..=half)
        .map(|k| norm_cdf(-Z_MAX + k as f64 * H))
        .collect();
    let lo = beta_quantiles(&lower, &ps);
    let hi = beta_quantiles(&upper, &ps);
    let phi = |z: f64| (-0.5 * z * z).exp() / (2.0 * std::f64::consts::PI).sqrt();
    let mut xs = Vec::with_capacity(STEPS + 1);
    let mut ds = Vec::with_capacity(STEPS + 1);
    for (k, &u) in lo.iter().enumerate() {
        let z = -Z_MAX + k as f64 * H;
        xs.push(min + u * r);
        ds.push(r * phi(z) / lower.pdf(u));
    }
    // Node STEPS/2 (z = 0) is the lower half's; the upper half is k = STEPS/2+1 … STEPS,
    // mirror of k' = STEPS − k.
    for k in half + 1..=STEPS {
        let m = STEPS - k;
        let y = hi[m];
        let z = -Z_MAX + k as f64 * H;
        xs.push(max - y * r);
        ds.push(r * phi(z) / upper.pdf(y));
    }
    (xs, ds)
}

/// The quantiles of `beta` at increasing probabilities `ps`, each solved by safeguarded
/// Newton steps on the exact CDF (to 1e-15 relative) from the previous one.
fn beta_quantiles(beta: &Beta, ps: &[f64]) -> Vec<f64> {
    let mut out = Vec::with_capacity(ps.len());
    let mut u = beta.inverse_cdf(ps[0]);
    let mut floor = 0.0f64;
    for &p in ps {
        let (mut lo, mut hi) = (floor, 1.0f64);
        if !(u > lo && u < hi) {
            u = 0.5 * (lo + hi);
        }
        for _ in 0..100 {
            let f = beta.cdf(u) - p;
            if f > 0.0 {
                hi = u;
            } else {
                lo = u;
            }
            let d = beta.pdf(u);
            let mut next = u - f / d;
            if !(next > lo && next < hi && next.is_finite()) {
                next = 0.5 * (lo + hi);
            }
            let done = (next - u).abs() <= 1e-15 * u.max(1e-300) || hi - lo < 1e-300;
            u = next;
            if done {
                break;
            }
        }
        out.push(u);
        floor = u;
    }
    out
}

/// A distribution prepared for fast repeated draws (MODEL.md §2: any sampler whose quantile
/// function is exact to 1e-9 of the distribution's range).
///
/// - uniform and triangular: their closed-form inverse CDF at one uniform `u` (rand_distr's
///   `Uniform`, `Triangular`), exact;
/// - normal and lognormal: `mean + sd·z` and `median·exp(σ·z)` of one standard normal `z`
///   (rand_distr's Ziggurat), exact;
/// - PERT and truncated normal: one standard normal `z` (Ziggurat) mapped through the
///   [`ZTable`] of `G(z) = F⁻¹(Φ(z))`, within 1e-9 of the range of the exact quantile.
///
/// Every kind consumes the generator deterministically, so run `i`'s draws depend only on
/// `(seed, i)`.
#[derive(Debug, Clone)]
pub enum Sampler {
    Fixed(f64),
    Uniform(rand_distr::Uniform<f64>),
    Triangular(rand_distr::Triangular<f64>),
    /// PERT or truncated normal: a standard normal through the inverse-CDF table.
    Table(ZTable),
    Normal(rand_distr::Normal<f64>),
    Lognormal(rand_distr::LogNormal<f64>),
    /// An unbounded distribution held inside `[lo, hi]`.
    Clamped(ClampedInner, f64, f64),
}

impl Sampler {
    pub fn new(d: &Dist) -> Sampler {
        match *d {
            Dist::Fixed { value } => Sampler::Fixed(value),
            Dist::Uniform { min, max } => {
                Sampler::Uniform(rand_distr::Uniform::new(min, max).expect("validated"))
            }
            Dist::Triangular { min, mode, max } => {
                Sampler::Triangular(rand_distr::Triangular::new(min, max, mode).expect("validated"))
            }
            Dist::Normal {
                mean,
                sd,
                min: None,
                max: None,
            } => Sampler::Normal(rand_distr::Normal::new(mean, sd).expect("validated")),
            Dist::Lognormal { median, sigma } => Sampler::Lognormal(
                rand_distr::LogNormal::new(median.ln(), sigma).expect("validated"),
            ),
            Dist::Pert { .. } | Dist::Normal { .. } => {
                Sampler::Table(ZTable::new(d).expect("PERT and truncated normals have tables"))
            }
        }
    }

    /// Hold draws of an unbounded distribution (untruncated normal, lognormal) inside a
    /// field's admissible range `[lo, hi]` (README: at most one draw in a million falls
    /// outside, or the field refuses the distribution).
    pub fn within(self, lo: f64, hi: f64) -> Sampler {
        match self {
            Sampler::Normal(d) | Sampler::Clamped(ClampedInner::Normal(d), _, _) => {
                Sampler::Clamped(ClampedInner::Normal(d), lo, hi)
            }
            Sampler::Lognormal(d) | Sampler::Clamped(ClampedInner::Lognormal(d), _, _) => {
                Sampler::Clamped(ClampedInner::Lognormal(d), lo, hi)
            }
            other => other,
        }
    }

    #[inline]
    pub fn draw<R: rand::Rng + ?Sized>(&self, rng: &mut R) -> f64 {
        match self {
            Sampler::Fixed(v) => *v,
            Sampler::Uniform(d) => d.sample(rng),
            Sampler::Triangular(d) => d.sample(rng),
            Sampler::Table(t) => t.map(StandardNormal.sample(rng)),
            Sampler::Normal(d) => d.sample(rng),
            Sampler::Lognormal(d) => d.sample(rng),
            Sampler::Clamped(inner, lo, hi) => match inner {
                ClampedInner::Normal(d) => d.sample(rng),
                ClampedInner::Lognormal(d) => d.sample(rng),
            }
            .clamp(*lo, *hi),
        }
    }
}

/// An unbounded distribution whose draws are held inside a field's range.
#[derive(Debug, Clone)]
pub enum ClampedInner {
    Normal(rand_distr::Normal<f64>),
    Lognormal(rand_distr::LogNormal<f64>),
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_and_checks() {
        assert_eq!(
            Dist::parse("triangular(0.6, 0.85, 1.0)").unwrap(),
            Dist::Triangular {
                min: 0.6,
                mode: 0.85,
                max: 1.0
            }
        );
        let e = Dist::parse("triangular(0.9, 0.8, 1.0)").unwrap_err();
        assert!(e.contains("min 0.9 > mode 0.8"), "{e}");
        let e = Dist::parse("trianglar(0.9, 0.8, 1.0)").unwrap_err();
        assert!(e.contains("did you mean triangular"), "{e}");
        assert!(Dist::parse("normal(1, 0)").unwrap_err().contains("sd > 0"));
        assert!(Dist::parse("uniform(1, nan)").is_err());
        assert!(
            Dist::parse("uniform(1)")
                .unwrap_err()
                .contains("expected 2 arguments")
        );
    }

    #[test]
    fn medians_by_hand() {
        // Triangular(0, 1, 1): F(x) = x², median = √0.5.
        let t = Dist::Triangular {
            min: 0.0,
            mode: 1.0,
            max: 1.0,
        };
        assert!((t.median() - 0.5f64.sqrt()).abs() < 1e-12);
        // Symmetric PERT: median = mode.
        let p = Dist::Pert {
            min: 0.0,
            mode: 0.5,
            max: 1.0,
        };
        assert!((p.median() - 0.5).abs() < 1e-9);
        // Truncated symmetric normal: median = mean.
        let n = Dist::Normal {
            mean: 2.0,
            sd: 1.0,
            min: Some(1.0),
            max: Some(3.0),
        };
        assert!((n.median() - 2.0).abs() < 1e-9);
        let l = Dist::Lognormal {
            median: 3.0,
            sigma: 0.4,
        };
        assert!((l.quantile(0.5) - 3.0).abs() < 1e-9);
        // Normal(0,1) 90 % quantile = 1.281551…
        let z = Dist::Normal {
            mean: 0.0,
            sd: 1.0,
            min: None,
            max: None,
        };
        assert!((z.quantile(0.9) - 1.2815515655).abs() < 1e-8);
    }

    #[test]
    fn truncated_normal_median_is_exact() {
        // References: 50-digit arithmetic (mpmath) on the same binary inputs, rounded to f64.
        for ((mean, sd, lo, hi), want) in [
            ((0.0, 1.0, -1.0, 2.0), 0.17116391801782477),
            ((0.04, 0.01, 0.03, 0.08), 0.04200133189036242),
            ((100.0, 15.0, 110.0, 200.0), 117.16474262723949),
            ((0.0, 1.0, 3.0, 4.0), 3.1984741317619534),
            ((0.0, 1.0, -4.0, -3.0), -3.1984741317619534),
            ((0.042, 0.008, 0.0, 0.06), 0.041877427131784925),
        ] {
            let d = Dist::Normal {
                mean,
                sd,
                min: Some(lo),
                max: Some(hi),
            };
            let got = d.median();
            assert!(
                (got - want).abs() <= 1e-15 * want.abs(),
                "normal({mean}, {sd}, {lo}, {hi}): median {got:e}, exact {want:e}, relative {:e}",
                (got - want).abs() / want.abs()
            );
        }
        // The inverse normal itself (AS 241) at known points.
        assert!((norm_ppf(0.975) - 1.959963984540054).abs() < 1e-15 * 1.96);
        assert!((norm_ppf(1e-10) + 6.361340902404056).abs() < 1e-14 * 6.4);
        assert_eq!(norm_ppf(0.5), 0.0);
    }

    #[test]
    fn unbounded_distributions_report_their_mass_outside_a_range() {
        let n = Dist::Normal {
            mean: 0.0,
            sd: 1.0,
            min: None,
            max: None,
        };
        // P(|Z| > 1.959963984540054) = 0.05.
        let m = n
            .mass_outside(-1.959963984540054, 1.959963984540054)
            .unwrap();
        assert!((m - 0.05).abs() < 1e-15, "{m}");
        let l = Dist::Lognormal {
            median: 1.0,
            sigma: 1.0,
        };
        // P(X > e) = P(Z > 1) = 0.15865525393145707.
        let m = l.mass_outside(0.0, std::f64::consts::E).unwrap();
        assert!((m - 0.15865525393145707).abs() < 1e-15, "{m}");
        assert_eq!(Dist::Fixed { value: 1.0 }.mass_outside(0.0, 1.0), None);
    }

    #[test]
    fn draws_stay_in_support() {
        use rand::SeedableRng;
        let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(1);
        for d in [
            Dist::Pert {
                min: 0.5,
                mode: 0.9,
                max: 1.1,
            },
            Dist::Triangular {
                min: 1.0,
                mode: 1.0,
                max: 2.0,
            },
            Dist::Normal {
                mean: 0.0,
                sd: 1.0,
                min: Some(-0.1),
                max: Some(0.2),
            },
        ] {
            let s = Sampler::new(&d);
            let (lo, hi) = d.support();
            for _ in 0..10_000 {
                let x = s.draw(&mut rng);
                assert!(x >= lo && x <= hi, "{x} outside {lo}..{hi}");
            }
        }
    }

    #[test]
    fn pert_quantiles_invert_the_beta_cdf_to_machine_precision() {
        // The central run uses these medians: an independent implementation must find the
        // same numbers, so the inversion has to be exact, not a loose bisection.
        for (min, mode, max) in [
            (0.5, 0.9, 1.1),
            (0.6, 0.95, 1.1),
            (0.4, 0.8, 1.1),
            (0.0, 0.1, 1.0),
        ] {
            let d = Dist::Pert { min, mode, max };
            let (a, b) = pert_shape(min, mode, max);
            let beta = Beta::new(a, b).unwrap();
            for p in [0.1, 0.5, 0.9] {
                let x = d.quantile(p);
                let back = beta.cdf((x - min) / (max - min));
                assert!(
                    (back - p).abs() < 1e-12,
                    "pert({min}, {mode}, {max}) at {p}: cdf(q) = {back}"
                );
            }
        }
    }

    /// The distributions the sampler tests hold: every kind, skewed PERTs, truncated normals
    /// near and far from their means.
    fn kinds() -> Vec<Dist> {
        [
            "uniform(1, 3)",
            "triangular(0.025, 0.042, 0.055)",
            "triangular(0, 0, 1)",
            "pert(0.5, 0.85, 1.1)",
            "pert(0, 0.01, 1)",
            "pert(0, 0.99, 1)",
            "pert(0, 0, 1)",
            "pert(0, 1, 1)",
            "pert(0.31, 0.47, 0.93)",
            "pert(-3, 2, 100)",
            "normal(1, 0.2, 0.8, 1.5)",
            "normal(0, 1, -1, 2)",
            "normal(0.042, 0.008, 0, 0.06)",
            "normal(0, 1, 3, 4)",
            "normal(0, 1, -8, 8)",
            "normal(100, 15, 110, 200)",
            "normal(0.05, 0.01)",
            "lognormal(1.2, 0.3)",
        ]
        .iter()
        .map(|t| Dist::parse(t).unwrap())
        .collect()
    }

    #[test]
    fn table_quantiles_are_within_1e_9_of_the_range() {
        // The sampler's quantile function for a table, u ↦ G(Φ⁻¹(u)), against the exact
        // quantile at 100,001 points: 60,001 equal steps of u, and 20,000 in each tail,
        // log-spaced from 1e-12 to 0.01 (the exact quantile clamps u to [1e-12, 1 − 1e-12]).
        let mut us: Vec<f64> = (0..=60_000).map(|k| k as f64 / 60_000.0).collect();
        us[0] = 1e-12;
        us[60_000] = 1.0 - 1e-12;
        for k in 0..20_000 {
            let t = 10f64.powf(-12.0 + 10.0 * k as f64 / 20_000.0);
            us.push(t);
            us.push(1.0 - t);
        }
        let mut report = Vec::new();
        for d in kinds() {
            let Sampler::Table(t) = Sampler::new(&d) else {
                continue;
            };
            let (lo, hi) = d.support();
            let range = hi - lo;
            let (mut worst, mut at) = (0.0f64, 0.0);
            for &u in &us {
                let e = (t.map(norm_ppf(u)) - d.quantile(u)).abs() / range;
                if e > worst {
                    (worst, at) = (e, u);
                }
            }
            report.push(format!("{}: {worst:.1e} at u = {at:e}", d.to_syntax()));
            assert!(
                worst <= 1e-9,
                "{}: table quantile off by {worst:e} of the range at u = {at:e}",
                d.to_syntax()
            );
            // Beyond the table the exact map is used.
            for z in [-12.0, -9.0, -7.6, 7.6, 9.0, 12.0] {
                assert_eq!(t.map(z), d.quantile_z(z));
            }
        }
        println!("{}", report.join("\n"));
        assert_eq!(
            report.len(),
            13,
            "every PERT and truncated normal has a table"
        );
    }

    #[test]
    fn quantile_z_is_the_quantile_of_phi() {
        // F⁻¹(Φ(z)) from the tail z lies in agrees with the quantile function where the
        // latter is well conditioned.
        for d in kinds() {
            let (lo, hi) = d.support();
            let range = if (hi - lo).is_finite() { hi - lo } else { 1.0 };
            for k in 0..=200 {
                let z = -3.0 + 6.0 * k as f64 / 200.0;
                let (a, b) = (d.quantile_z(z), d.quantile(norm_cdf(z)));
                assert!(
                    (a - b).abs() <= 1e-12 * range.max(a.abs()),
                    "{}: z = {z}: {a} vs {b}",
                    d.to_syntax()
                );
            }
        }
    }

    #[test]
    fn draws_follow_the_distribution() {
        // 100,000 draws of each kind (fixed seed) against the exact quantile function: the
        // Kolmogorov–Smirnov distance on a grid of 999 quantiles stays below 1.95/√n (the
        // 0.1 % critical value); PERT's mean and variance against the Beta-PERT formulas,
        // mean = (min + 4·mode + max)/6 and variance = (mean − min)(max − mean)/7.
        use rand::SeedableRng;
        let n = 100_000usize;
        for (i, d) in kinds().into_iter().enumerate() {
            let s = Sampler::new(&d);
            let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(i as u64);
            let mut xs: Vec<f64> = (0..n).map(|_| s.draw(&mut rng)).collect();
            xs.sort_by(f64::total_cmp);
            let mut ks = 0.0f64;
            for k in 1..1000 {
                let p = k as f64 / 1000.0;
                let q = d.quantile(p);
                let below = xs.partition_point(|x| *x <= q) as f64 / n as f64;
                ks = ks.max((below - p).abs());
            }
            assert!(
                ks < 1.95 / (n as f64).sqrt(),
                "{}: KS distance {ks}",
                d.to_syntax()
            );
            if let Dist::Pert { min, mode, max } = d {
                let mean = (min + 4.0 * mode + max) / 6.0;
                let var = (mean - min) * (max - mean) / 7.0;
                let m = xs.iter().sum::<f64>() / n as f64;
                let v = xs.iter().map(|x| (x - m) * (x - m)).sum::<f64>() / (n - 1) as f64;
                assert!(
                    (m - mean).abs() < 4.0 * (var / n as f64).sqrt(),
                    "{}: mean {m}, exact {mean}",
                    d.to_syntax()
                );
                assert!(
                    (v / var - 1.0).abs() < 0.025,
                    "{}: variance {v}, exact {var}",
                    d.to_syntax()
                );
            }
        }
    }
}
