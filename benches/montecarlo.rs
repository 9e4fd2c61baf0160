//! Throughput of Monte Carlo runs of the plan scenario (2020–2035, all summaries), by
//! thread count, and the three parts of one run: drawing its inputs, evaluating the model,
//! and adding its results to the statistics. `cargo bench` reports runs per second.
//!
//! `samplers` times one draw of each distribution kind by each candidate sampler (MODEL.md
//! §2): for PERT Cheng's BB Beta (the sampler before the tables), the exact Gamma ratio
//! `X/(X+Y)` and the inverse-CDF table; for a truncated normal the inverse transform through
//! AS 241 (before) and the table; for uniform and triangular their closed forms and the
//! table. Each iteration draws 1,000 values from one ChaCha8 stream, so the time per
//! iteration in µs is the time per draw in ns.

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use peakpath::engine::{self, Accumulator, Judged, Silent};
use peakpath::model::{self, Trajectory};
use peakpath::scenario::dist::{ZTable, norm_cdf, norm_ppf};
use peakpath::scenario::{Dist, Sampler, Scenario};
use rand::{RngExt, SeedableRng};
use rand_chacha::ChaCha8Rng;
use rand_distr::{Distribution, StandardNormal};

fn monte_carlo(c: &mut Criterion) {
    let sc = Scenario::embedded("plan.toml").expect("embedded plan");
    // The samplers are prepared once, as `run` does (their tables for correlated inputs
    // take tens of milliseconds): the figure is the throughput of runs.
    let draws = engine::Draws::new(&sc);
    let runs = 20_000u64;
    let mut g = c.benchmark_group("monte_carlo_plan");
    g.throughput(Throughput::Elements(runs));
    g.sample_size(10);
    let max = std::thread::available_parallelism().map_or(1, |n| n.get());
    for threads in [1usize, 2, 4, 8, 16].into_iter().filter(|t| *t <= max) {
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .expect("pool");
        g.bench_with_input(BenchmarkId::new("threads", threads), &threads, |b, _| {
            b.iter(|| pool.install(|| engine::monte_carlo_with(&sc, &draws, 1, 0..runs, &Silent)))
        });
    }
    g.finish();
}

fn one_run(c: &mut Criterion) {
    let sc = Scenario::embedded("plan.toml").expect("embedded plan");
    let samplers = engine::Draws::new(&sc);
    let mut values = vec![0.0; sc.params.len()];
    let mut tr = Trajectory::new(&sc.spec);
    let mut i = 0u64;
    c.bench_function("draw_and_simulate", |b| {
        b.iter(|| {
            i += 1;
            engine::draw(&samplers, 1, i, &mut values);
            model::simulate(&sc.spec, &values, &mut tr);
        })
    });
    c.bench_function("simulate_only", |b| {
        b.iter(|| model::simulate(&sc.spec, &values, &mut tr))
    });
    c.bench_function("draw_only", |b| {
        b.iter(|| {
            i += 1;
            engine::draw(&samplers, 1, i, &mut values);
        })
    });
    // Statistics of one run, over 256 distinct runs so that the sketches see spread values.
    let judged = Judged::of(&sc);
    let runs: Vec<(Vec<f64>, Trajectory)> = (0..256)
        .map(|k| {
            let mut v = vec![0.0; sc.params.len()];
            let mut t = Trajectory::new(&sc.spec);
            engine::draw(&samplers, 1, k, &mut v);
            model::simulate(&sc.spec, &v, &mut t);
            (v, t)
        })
        .collect();
    let mut acc = Accumulator::for_scenario(&sc);
    let mut k = 0usize;
    c.bench_function("statistics_only", |b| {
        b.iter(|| {
            k = (k + 1) % runs.len();
            let (v, t) = &runs[k];
            acc.push(&sc, &judged, v, t);
        })
    });
}

/// One candidate: a name and a draw.
type Candidate = (&'static str, Box<dyn Fn(&mut ChaCha8Rng) -> f64>);

fn candidates(d: &Dist) -> Vec<Candidate> {
    let mut out: Vec<Candidate> = Vec::new();
    match *d {
        Dist::Pert { min, mode, max } => {
            let r = max - min;
            let (a, b) = (1.0 + 4.0 * (mode - min) / r, 1.0 + 4.0 * (max - mode) / r);
            let beta = rand_distr::Beta::new(a, b).unwrap();
            out.push((
                "cheng_beta",
                Box::new(move |rng: &mut ChaCha8Rng| min + r * beta.sample(rng)),
            ));
            let (x, y) = (
                rand_distr::Gamma::new(a, 1.0).unwrap(),
                rand_distr::Gamma::new(b, 1.0).unwrap(),
            );
            out.push((
                "gamma_ratio",
                Box::new(move |rng: &mut ChaCha8Rng| {
                    let gx = x.sample(rng);
                    let gy = y.sample(rng);
                    min + r * (gx / (gx + gy))
                }),
            ));
        }
        Dist::Normal {
            mean,
            sd,
            min: Some(lo),
            max: Some(hi),
        } => {
            let (plo, phi) = (norm_cdf((lo - mean) / sd), norm_cdf((hi - mean) / sd));
            out.push((
                "inverse_transform",
                Box::new(move |rng: &mut ChaCha8Rng| {
                    let u: f64 = rng.random();
                    (mean + sd * norm_ppf((plo + u * (phi - plo)).clamp(1e-300, 1.0 - 1e-16)))
                        .clamp(lo, hi)
                }),
            ));
        }
        _ => {}
    }
    let s = Sampler::new(d);
    let exact = !matches!(s, Sampler::Table(_));
    out.push((
        if exact { "closed_form" } else { "table" },
        Box::new(move |rng: &mut ChaCha8Rng| s.draw(rng)),
    ));
    if exact && let Some(t) = ZTable::new(d) {
        out.push((
            "table",
            Box::new(move |rng: &mut ChaCha8Rng| t.map(StandardNormal.sample(rng))),
        ));
    }
    out
}

fn samplers(c: &mut Criterion) {
    let mut g = c.benchmark_group("samplers");
    for (name, text) in [
        ("pert", "pert(0.5, 0.85, 1.1)"),
        ("pert_skewed", "pert(0, 0.01, 1)"),
        ("truncated_normal", "normal(1, 0.2, 0.8, 1.5)"),
        ("uniform", "uniform(1, 3)"),
        ("triangular", "triangular(0.025, 0.042, 0.055)"),
        ("normal", "normal(0.05, 0.01)"),
        ("lognormal", "lognormal(1.2, 0.3)"),
    ] {
        let d = Dist::parse(text).unwrap();
        for (cand, f) in candidates(&d) {
            let mut rng = ChaCha8Rng::seed_from_u64(1);
            g.bench_function(BenchmarkId::new(name, cand), |b| {
                b.iter(|| {
                    let mut s = 0.0;
                    for _ in 0..1000 {
                        s += f(&mut rng);
                    }
                    std::hint::black_box(s)
                })
            });
        }
    }
    g.finish();
}

criterion_group!(benches, monte_carlo, one_run, samplers);
criterion_main!(benches);
