//! Load test of `peakpath serve` on loopback, run by hand (ignored, so CI stays fast):
//!
//! ```sh
//! cargo build --release
//! PEAKPATH_SERVE_BIN=target/release/peakpath cargo test --test cli serve_load -- --ignored --nocapture
//! ```
//!
//! First 50 requests one after another (latency alone), then 20 concurrent clients × 50
//! requests each; every request is `POST /api/run` with 10,000 runs and its own override (so
//! nothing could be served from a cache). Reports p50/p95 latency, checks that every answer is
//! 200 and that the server's resident memory stays flat.

use std::time::{Duration, Instant};

use crate::util::{Server, TempDir, http};

fn rss_kib(pid: u32) -> u64 {
    std::fs::read_to_string(format!("/proc/{pid}/status"))
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmRSS:"))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|v| v.parse().ok())
        })
        .unwrap_or(0)
}

fn quantile(sorted: &[f64], q: f64) -> f64 {
    sorted[((sorted.len() as f64 - 1.0) * q).round() as usize]
}

fn body(i: usize) -> String {
    format!(
        r#"{{"overrides": {{"power.pv.capacity_mw.2030": {}}}, "runs": 10000}}"#,
        400 + i
    )
}

/// One request; its latency in ms, or the failure.
fn one(addr: &str, i: usize) -> Result<f64, String> {
    let t = Instant::now();
    let r = http(addr, "POST", "/api/run", &[], body(i).as_bytes());
    let ms = t.elapsed().as_secs_f64() * 1000.0;
    if r.status == 200 && r.body.contains("\"peaked\"") {
        Ok(ms)
    } else {
        Err(format!(
            "{} {}",
            r.status,
            r.body.chars().take(200).collect::<String>()
        ))
    }
}

fn report(label: &str, mut ms: Vec<f64>) -> (f64, f64) {
    ms.sort_by(f64::total_cmp);
    let (p50, p95) = (quantile(&ms, 0.5), quantile(&ms, 0.95));
    eprintln!(
        "{label}: {} requests, p50 {p50:.0} ms, p95 {p95:.0} ms, max {:.0} ms",
        ms.len(),
        ms[ms.len() - 1]
    );
    (p50, p95)
}

#[test]
#[ignore = "load test, run by hand (see the module's doc)"]
fn serve_load_20_clients_x_50_runs() {
    let dir = TempDir::new("serve-load");
    let srv = Server::start(&["--save-dir", &dir.arg("s")]);
    let addr = srv.addr.clone();
    let pid = srv.pid();
    for line in srv.log().lines().take(2) {
        eprintln!("server: {line}");
    }

    // Warm up, then alone.
    for i in 0..5 {
        one(&addr, i).unwrap();
    }
    let rss_before = rss_kib(pid);
    let alone: Vec<f64> = (0..50).map(|i| one(&addr, 1000 + i).unwrap()).collect();
    report("alone (sequential)", alone);

    // 20 concurrent clients × 50 requests.
    let started = Instant::now();
    let done = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    // Resident memory every 100 ms during the load.
    let sampler = {
        let done = done.clone();
        std::thread::spawn(move || {
            let mut samples = Vec::new();
            while !done.load(std::sync::atomic::Ordering::Relaxed) {
                samples.push(rss_kib(pid));
                std::thread::sleep(Duration::from_millis(100));
            }
            samples
        })
    };
    let clients: Vec<_> = (0..20)
        .map(|c| {
            let addr = addr.clone();
            std::thread::spawn(move || {
                (0..50)
                    .map(|i| one(&addr, 2000 + c * 50 + i))
                    .collect::<Vec<_>>()
            })
        })
        .collect();
    let results: Vec<Result<f64, String>> = clients
        .into_iter()
        .flat_map(|h| h.join().unwrap())
        .collect();
    let wall = started.elapsed().as_secs_f64();
    done.store(true, std::sync::atomic::Ordering::Relaxed);
    let samples = sampler.join().unwrap();
    let errors: Vec<&String> = results.iter().filter_map(|r| r.as_ref().err()).collect();
    assert!(
        errors.is_empty(),
        "{} errors, e.g. {}",
        errors.len(),
        errors[0]
    );
    let ms: Vec<f64> = results.into_iter().map(Result::unwrap).collect();
    report("under load (20 clients x 50)", ms);
    eprintln!(
        "under load: 1000 requests x 10,000 runs in {wall:.1} s = {:.1} requests/s, {:.0} runs/s",
        1000.0 / wall,
        1000.0 * 10_000.0 / wall
    );

    // Memory flat: after 1,000 runs of 10,000 the server holds what it held after 55.
    let alone_again: Vec<f64> = (0..10).map(|i| one(&addr, 5000 + i).unwrap()).collect();
    report("alone again", alone_again);
    let rss_after = rss_kib(pid);
    let peak = samples.iter().copied().max().unwrap_or(0);
    let quarter = samples[samples.len() / 4];
    let end = samples[samples.len() - 1];
    eprintln!(
        "server resident memory: {} MiB before, {} MiB a quarter into the load, {} MiB at its end (peak {} MiB), {} MiB after",
        rss_before / 1024,
        quarter / 1024,
        end / 1024,
        peak / 1024,
        rss_after / 1024
    );
    // Flat: the last three quarters of the load (750 requests) add nothing that stays.
    assert!(
        end <= quarter + quarter / 4 + 8 * 1024,
        "memory grew under load: {quarter} KiB → {end} KiB"
    );
    assert!(
        rss_after <= rss_before + rss_before / 2 + 32 * 1024,
        "memory grew: {rss_before} KiB → {rss_after} KiB"
    );
}
