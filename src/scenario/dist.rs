//! Distributions of uncertain parameters (MODEL.md §2).
//!
//! A scenario number is either fixed or one of these. Three views of a distribution are used:
//! its median (the central run), its quantile function (tornado, Morris, Sobol designs map
//! unit-cube points through it) and a random draw (Monte Carlo). Draws are made with
//! `rand_distr` from a per-run ChaCha8 stream; truncated normals are drawn by inverse
//! transform so that they never loop.

use rand::RngExt;
use rand_distr::Distribution;
use serde::Serialize;
use statrs::distribution::{Beta, ContinuousCDF, Normal};

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
                    let n = Normal::new(mean, sd).map_err(|e| e.to_string())?;
                    if n.cdf(hi) - n.cdf(lo) < 1e-6 {
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
                let n = Normal::new(mean, sd).expect("validated sd > 0");
                let lo = min.map_or(0.0, |m| n.cdf(m));
                let hi = max.map_or(1.0, |m| n.cdf(m));
                let x = n.inverse_cdf(lo + p * (hi - lo));
                x.clamp(
                    min.unwrap_or(f64::NEG_INFINITY),
                    max.unwrap_or(f64::INFINITY),
                )
            }
            Dist::Lognormal { median, sigma } => {
                let z = Normal::new(0.0, 1.0)
                    .expect("standard normal")
                    .inverse_cdf(p);
                median * (sigma * z).exp()
            }
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

fn pert_shape(min: f64, mode: f64, max: f64) -> (f64, f64) {
    let r = max - min;
    (1.0 + 4.0 * (mode - min) / r, 1.0 + 4.0 * (max - mode) / r)
}

/// A distribution prepared for fast repeated draws.
#[derive(Debug, Clone)]
pub enum Sampler {
    Fixed(f64),
    Uniform(rand_distr::Uniform<f64>),
    Triangular(rand_distr::Triangular<f64>),
    /// Beta on [0, 1], then scaled.
    Pert(rand_distr::Beta<f64>, f64, f64),
    Normal(rand_distr::Normal<f64>),
    /// Inverse transform between the truncation points' probabilities.
    TruncNormal {
        mean: f64,
        sd: f64,
        plo: f64,
        phi: f64,
        lo: f64,
        hi: f64,
    },
    Lognormal(rand_distr::LogNormal<f64>),
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
            Dist::Pert { min, mode, max } => {
                let (a, b) = pert_shape(min, mode, max);
                Sampler::Pert(
                    rand_distr::Beta::new(a, b).expect("validated"),
                    min,
                    max - min,
                )
            }
            Dist::Normal {
                mean,
                sd,
                min: None,
                max: None,
            } => Sampler::Normal(rand_distr::Normal::new(mean, sd).expect("validated")),
            Dist::Normal { mean, sd, min, max } => {
                let n = Normal::new(mean, sd).expect("validated");
                let lo = min.unwrap_or(f64::NEG_INFINITY);
                let hi = max.unwrap_or(f64::INFINITY);
                Sampler::TruncNormal {
                    mean,
                    sd,
                    plo: n.cdf(lo),
                    phi: n.cdf(hi),
                    lo,
                    hi,
                }
            }
            Dist::Lognormal { median, sigma } => Sampler::Lognormal(
                rand_distr::LogNormal::new(median.ln(), sigma).expect("validated"),
            ),
        }
    }

    #[inline]
    pub fn draw<R: rand::Rng + ?Sized>(&self, rng: &mut R) -> f64 {
        match self {
            Sampler::Fixed(v) => *v,
            Sampler::Uniform(d) => d.sample(rng),
            Sampler::Triangular(d) => d.sample(rng),
            Sampler::Pert(d, min, range) => min + range * d.sample(rng),
            Sampler::Normal(d) => d.sample(rng),
            Sampler::TruncNormal {
                mean,
                sd,
                plo,
                phi,
                lo,
                hi,
            } => {
                let u: f64 = rng.random();
                let n = Normal::new(*mean, *sd).expect("validated");
                n.inverse_cdf((plo + u * (phi - plo)).clamp(1e-300, 1.0 - 1e-16))
                    .clamp(*lo, *hi)
            }
            Sampler::Lognormal(d) => d.sample(rng),
        }
    }
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
}
