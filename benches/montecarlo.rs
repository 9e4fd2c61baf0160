//! Throughput of Monte Carlo runs of the plan scenario (2020–2035, all summaries), by
//! thread count, and the three parts of one run: drawing its inputs, evaluating the model,
//! and adding its results to the statistics. `cargo bench` reports runs per second.

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use peakpath::engine::{self, Accumulator, Judged, Silent};
use peakpath::model::{self, Trajectory};
use peakpath::scenario::Scenario;

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
    let mut acc = Accumulator::new(sc.spec.n_years());
    let mut k = 0usize;
    c.bench_function("statistics_only", |b| {
        b.iter(|| {
            k = (k + 1) % runs.len();
            let (v, t) = &runs[k];
            acc.push(&sc, &judged, v, t);
        })
    });
}

criterion_group!(benches, monte_carlo, one_run);
criterion_main!(benches);
