//! Drawing one state of the world, with the Gaussian copula of MODEL.md §2 for correlated
//! inputs.
//!
//! Per run `i` of seed `s` (ChaCha8 on stream `i`): every uncorrelated parameter is drawn
//! by its [`Sampler`], in parameter order; correlated parameters consume nothing in that
//! pass. Then `m` independent standard normals `n` are drawn (one per correlated parameter,
//! in parameter order), `z = L·n` with `L` the Cholesky factor of the Pearson matrix, and
//! each correlated parameter is `x = F⁻¹(Φ(z))`. Normal and lognormal parameters map `z`
//! exactly (`mean + sd·z`, `median·exp(σ·z)`); the others through the same [`ZTable`] of
//! `G(z) = F⁻¹(Φ(z))` that an uncorrelated PERT or truncated normal is drawn through
//! (4,096 equal steps of `z` over `[−7.5, 7.5]`, exact nodes and slopes, cubic Hermite;
//! within 1e-9 of the range for PERT and truncated normal, about 3e-8 for a triangular at
//! its mode's kink; the exact map beyond ±7.5). The central run (medians) never uses a
//! table. With no correlations every parameter keeps its own sampler and the draws are
//! those of a scenario without `[[correlations]]`.

use rand::Rng;
use rand_distr::{Distribution, StandardNormal};

use crate::scenario::dist::ZTable;
use crate::scenario::{Dist, Sampler, Scenario};

/// `z ↦ x` for one correlated parameter.
#[derive(Debug, Clone)]
pub enum ZMap {
    Normal { mean: f64, sd: f64 },
    Lognormal { median: f64, sigma: f64 },
    Table(ZTable),
}

impl ZMap {
    /// The map of `d` (tables are kept and shared, see [`ZTable::new`]).
    pub fn new(d: &Dist) -> ZMap {
        match *d {
            Dist::Lognormal { median, sigma } => ZMap::Lognormal { median, sigma },
            // A parameter fixed after the correlations were read (a caller's override).
            Dist::Fixed { value } => ZMap::Normal {
                mean: value,
                sd: 0.0,
            },
            Dist::Normal {
                mean,
                sd,
                min: None,
                max: None,
            } => ZMap::Normal { mean, sd },
            _ => ZMap::Table(ZTable::new(d).expect("bounded distributions have tables")),
        }
    }

    #[inline]
    pub fn map(&self, z: f64) -> f64 {
        match self {
            ZMap::Normal { mean, sd } => mean + sd * z,
            ZMap::Lognormal { median, sigma } => median * (sigma * z).exp(),
            ZMap::Table(t) => t.map(z),
        }
    }
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
    /// The parameters that draw, in parameter order, with their samplers.
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
    use std::sync::Arc;

    #[test]
    fn a_kept_table_is_the_table_built_afresh() {
        let d = Dist::Pert {
            min: 0.31,
            mode: 0.47,
            max: 0.93,
        };
        let (ZMap::Table(a), ZMap::Table(b)) = (ZMap::new(&d), ZMap::new(&d)) else {
            panic!("a PERT maps through a table");
        };
        let c = ZTable::build(&d);
        assert!(
            Arc::ptr_eq(a.nodes(), b.nodes()),
            "the second call reuses the first table"
        );
        let bits = |t: &[[f64; 2]]| t.iter().flatten().map(|x| x.to_bits()).collect::<Vec<_>>();
        assert_eq!(bits(a.nodes()), bits(c.nodes()));
    }

    #[test]
    fn triangular_and_uniform_tables_match_the_exact_map() {
        // Largest error of the tabulated F⁻¹(Φ(z)) over a fine grid of z, relative to the
        // parameter's range: the accuracy stated in the module docs (PERT and truncated
        // normal tables are held to 1e-9 by scenario::dist's tests).
        for d in [
            Dist::Triangular {
                min: 0.025,
                mode: 0.042,
                max: 0.055,
            },
            Dist::Uniform { min: 1.0, max: 3.0 },
        ] {
            let m = ZMap::new(&d);
            let (lo, hi) = d.support();
            let range = hi - lo;
            let mut worst = 0.0f64;
            for k in 0..=200_000 {
                let z = -7.0 + 14.0 * k as f64 / 200_000.0;
                worst = worst.max((m.map(z) - d.quantile_z(z)).abs() / range);
            }
            assert!(worst < 1e-7, "{d:?}: worst relative error {worst:e}");
        }
    }
}
