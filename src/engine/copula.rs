//! Drawing one state of the world, with the Gaussian copula of MODEL.md §2 for correlated
//! inputs.
//!
//! Per run `i` of seed `s` (ChaCha8 on stream `i`): every uncorrelated parameter is drawn
//! with its own exact sampler, in parameter order; correlated parameters consume nothing in
//! that pass. Then `m` independent standard normals `n` are drawn (one per correlated
//! parameter, in parameter order), `z = L·n` with `L` the Cholesky factor of the Pearson
//! matrix, and each correlated parameter is `x = F⁻¹(Φ(z))`. Normal and lognormal
//! parameters map `z` exactly (`mean + sd·z`, `median·exp(σ·z)`); the others through a
//! table of `G(z) = F⁻¹(Φ(z))` at 4,096 equal steps of `z` over `[−7.5, 7.5]`, built from
//! the exact quantile function and interpolated by cubic Hermite with exact-table slopes
//! (largest error against the exact `F⁻¹(Φ(z))`, measured by the tests on 200,001 points of
//! `z ∈ [−7, 7]`: 6e-10 of the range for pert(0.5, 0.85, 1.1), 8e-8 for the very skewed
//! pert(0, 0.02, 1), 3e-8 for a triangular at its mode's kink, 2e-11 for uniform and
//! truncated normal; the tests hold every case below 1e-7 of the range).
//!
//! Uncorrelated parameters keep their exact samplers (so a scenario without correlations
//! draws exactly as before, MODEL.md's neutral setting), and the central run (medians) never
//! uses a table. `z` beyond ±7.5 (probability 6e-14) is clamped to the table's ends.
//! With no correlations every parameter keeps its exact sampler and the draws are those of
//! a scenario without `[[correlations]]`.

use std::sync::{Arc, Mutex};

use rand::Rng;
use rand_distr::{Distribution, StandardNormal};
use statrs::distribution::{Beta, Continuous, ContinuousCDF, Normal};

use crate::scenario::{Dist, Sampler, Scenario};

/// Tables kept for reuse (64 KiB each).
const CACHED: usize = 64;

/// Table range and resolution for `G(z) = F⁻¹(Φ(z))`.
const Z_MAX: f64 = 7.5;
const STEPS: usize = 4096;

/// `z ↦ x` for one correlated parameter.
#[derive(Debug, Clone)]
pub enum ZMap {
    Normal {
        mean: f64,
        sd: f64,
    },
    Lognormal {
        median: f64,
        sigma: f64,
    },
    /// `(x, h·dx/dz)` at `z_k = −Z_MAX + k·h`, `k = 0…STEPS` (side by side: one cache line
    /// per lookup).
    Table {
        nodes: Arc<[[f64; 2]]>,
    },
}

impl ZMap {
    /// The map of `d`. A table is a pure function of the distribution, so the tables built
    /// in this process are kept (up to [`CACHED`]) and shared: `peakpath serve` prepares the
    /// samplers once per request, and building a PERT table takes milliseconds.
    pub fn new(d: &Dist) -> ZMap {
        static TABLES: Mutex<Vec<(Dist, ZMap)>> = Mutex::new(Vec::new());
        // A poisoned lock only means another thread panicked while holding it; the list
        // itself is always whole.
        let tables = || TABLES.lock().unwrap_or_else(|e| e.into_inner());
        if let Some((_, m)) = tables().iter().find(|(k, _)| k == d) {
            return m.clone();
        }
        let m = ZMap::build(d);
        if matches!(m, ZMap::Table { .. }) {
            let mut t = tables();
            if t.len() >= CACHED {
                t.remove(0);
            }
            t.push((d.clone(), m.clone()));
        }
        m
    }

    fn build(d: &Dist) -> ZMap {
        match *d {
            Dist::Normal {
                mean,
                sd,
                min: None,
                max: None,
            } => ZMap::Normal { mean, sd },
            Dist::Lognormal { median, sigma } => ZMap::Lognormal { median, sigma },
            // A parameter fixed after the correlations were read (a caller's override).
            Dist::Fixed { value } => ZMap::Normal {
                mean: value,
                sd: 0.0,
            },
            Dist::Pert { min, mode, max } => pert_table(min, mode, max),
            _ => {
                let h = 2.0 * Z_MAX / STEPS as f64;
                let xs: Vec<f64> = (0..=STEPS)
                    .map(|k| exact(d, -Z_MAX + k as f64 * h))
                    .collect();
                // Slopes by a fourth-order central difference of the exact map (one-sided
                // at the ends), so the interpolant is C¹ and O(h⁴) accurate where G is smooth.
                let ds: Vec<f64> = (0..=STEPS)
                    .map(|k| {
                        let z = -Z_MAX + k as f64 * h;
                        let e = h / 4.0;
                        let f = |dz: f64| exact(d, z + dz);
                        (8.0 * (f(e) - f(-e)) - (f(2.0 * e) - f(-2.0 * e))) / (12.0 * e)
                    })
                    .collect();
                ZMap::table(xs, ds)
            }
        }
    }

    fn table(xs: Vec<f64>, ds: Vec<f64>) -> ZMap {
        let h = 2.0 * Z_MAX / STEPS as f64;
        ZMap::Table {
            nodes: xs.iter().zip(&ds).map(|(x, d)| [*x, d * h]).collect(),
        }
    }

    #[inline]
    pub fn map(&self, z: f64) -> f64 {
        match self {
            ZMap::Normal { mean, sd } => mean + sd * z,
            ZMap::Lognormal { median, sigma } => median * (sigma * z).exp(),
            ZMap::Table { nodes } => {
                let h = 2.0 * Z_MAX / STEPS as f64;
                let t = ((z + Z_MAX) * (1.0 / h)).clamp(0.0, STEPS as f64);
                let k = (t as usize).min(STEPS - 1);
                let s = t - k as f64;
                let ([x0, d0], [x1, d1]) = (nodes[k], nodes[k + 1]);
                let s2 = s * s;
                let s3 = s2 * s;
                (2.0 * s3 - 3.0 * s2 + 1.0) * x0
                    + (s3 - 2.0 * s2 + s) * d0
                    + (-2.0 * s3 + 3.0 * s2) * x1
                    + (s3 - s2) * d1
            }
        }
    }
}

/// The table of a PERT's `G(z) = F⁻¹(Φ(z))`: at each node the Beta quantile is solved by
/// safeguarded Newton steps on the exact CDF (to 1e-15, starting from the previous node), and
/// the slope is exact, `G′(z) = φ(z) / f(G(z))`.
fn pert_table(min: f64, mode: f64, max: f64) -> ZMap {
    let r = max - min;
    let (a, b) = (1.0 + 4.0 * (mode - min) / r, 1.0 + 4.0 * (max - mode) / r);
    let beta = Beta::new(a, b).expect("validated shape");
    let std = Normal::new(0.0, 1.0).expect("standard normal");
    let h = 2.0 * Z_MAX / STEPS as f64;
    let mut xs = Vec::with_capacity(STEPS + 1);
    let mut ds = Vec::with_capacity(STEPS + 1);
    let mut u = 0.0f64;
    for k in 0..=STEPS {
        let z = -Z_MAX + k as f64 * h;
        let p = std.cdf(z);
        let (mut lo, mut hi) = (u, 1.0f64);
        if k == 0 {
            u = beta.inverse_cdf(p);
        } else {
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
        }
        xs.push(min + u * r);
        ds.push(r * (-0.5 * z * z).exp() / (2.0 * std::f64::consts::PI).sqrt() / beta.pdf(u));
    }
    ZMap::table(xs, ds)
}

/// The exact `F⁻¹(Φ(z))` of a distribution.
pub fn exact(d: &Dist, z: f64) -> f64 {
    let phi = Normal::new(0.0, 1.0).expect("standard normal").cdf(z);
    d.quantile(phi)
}

/// The copula part of a scenario's draws.
#[derive(Debug, Clone)]
pub struct Copula {
    /// Correlated parameters, in parameter order.
    pub members: Vec<usize>,
    /// Lower Cholesky factor, row-major `m × m`.
    pub l: Vec<f64>,
    pub maps: Vec<ZMap>,
}

/// Everything needed to draw run `i`'s parameter vector.
#[derive(Debug, Clone)]
pub struct Draws {
    /// Every parameter's value where it draws nothing (fixed, or correlated: a placeholder
    /// the copula overwrites); what the drawn ones start from.
    template: Vec<f64>,
    /// The parameters that draw, in parameter order, with their exact samplers.
    drawn: Vec<(usize, Sampler)>,
    pub copula: Option<Copula>,
}

impl Draws {
    pub fn new(sc: &Scenario) -> Draws {
        let c = &sc.correlations;
        let mut samplers = sc.samplers();
        let copula = if c.is_empty() {
            None
        } else {
            for &j in &c.members {
                samplers[j] = Sampler::Fixed(f64::NAN);
            }
            Some(Copula {
                members: c.members.clone(),
                l: c.cholesky.clone(),
                maps: c
                    .members
                    .iter()
                    .map(|&j| ZMap::new(&sc.params[j].dist))
                    .collect(),
            })
        };
        let template = samplers
            .iter()
            .map(|s| match s {
                Sampler::Fixed(v) => *v,
                _ => f64::NAN,
            })
            .collect();
        let drawn = samplers
            .into_iter()
            .enumerate()
            .filter(|(_, s)| !matches!(s, Sampler::Fixed(_)))
            .collect();
        Draws {
            template,
            drawn,
            copula,
        }
    }

    /// Fill `values` (one per parameter) for one run from its generator.
    #[inline]
    pub fn fill<R: Rng + ?Sized>(&self, rng: &mut R, values: &mut [f64]) {
        // A fixed parameter consumes nothing from the generator, so drawing only the others,
        // in parameter order, gives the same values as drawing every parameter in turn.
        values.copy_from_slice(&self.template);
        for (j, s) in &self.drawn {
            values[*j] = s.draw(rng);
        }
        if let Some(c) = &self.copula {
            let m = c.members.len();
            let mut n = [0.0f64; 64];
            let mut heap;
            let n: &mut [f64] = if m <= 64 {
                &mut n[..m]
            } else {
                heap = vec![0.0; m];
                &mut heap
            };
            for x in n.iter_mut() {
                *x = StandardNormal.sample(rng);
            }
            for i in 0..m {
                let row = &c.l[i * m..i * m + i + 1];
                let z: f64 = row.iter().zip(&n[..=i]).map(|(a, b)| a * b).sum();
                values[c.members[i]] = c.maps[i].map(z);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_kept_table_is_the_table_built_afresh() {
        let d = Dist::Pert {
            min: 0.31,
            mode: 0.47,
            max: 0.93,
        };
        let (ZMap::Table { nodes: a }, ZMap::Table { nodes: b }, ZMap::Table { nodes: c }) =
            (ZMap::new(&d), ZMap::new(&d), ZMap::build(&d))
        else {
            panic!("a PERT maps through a table");
        };
        assert!(
            Arc::ptr_eq(&a, &b),
            "the second call reuses the first table"
        );
        let bits = |t: &[[f64; 2]]| t.iter().flatten().map(|x| x.to_bits()).collect::<Vec<_>>();
        assert_eq!(bits(&a), bits(&c));
    }

    #[test]
    fn tables_match_the_exact_map() {
        // Largest error of the tabulated F⁻¹(Φ(z)) over a fine grid of z, relative to the
        // parameter's range: the accuracy stated in the module docs.
        for d in [
            Dist::Pert {
                min: 0.5,
                mode: 0.85,
                max: 1.1,
            },
            Dist::Pert {
                min: 0.0,
                mode: 0.02,
                max: 1.0,
            },
            Dist::Triangular {
                min: 0.025,
                mode: 0.042,
                max: 0.055,
            },
            Dist::Uniform { min: 1.0, max: 3.0 },
            Dist::Normal {
                mean: 1.0,
                sd: 0.2,
                min: Some(0.8),
                max: Some(1.5),
            },
        ] {
            let m = ZMap::new(&d);
            let (lo, hi) = d.support();
            let range = hi - lo;
            let mut worst = 0.0f64;
            for k in 0..=200_000 {
                let z = -7.0 + 14.0 * k as f64 / 200_000.0;
                worst = worst.max((m.map(z) - exact(&d, z)).abs() / range);
            }
            assert!(worst < 1e-7, "{d:?}: worst relative error {worst:e}");
        }
    }
}
