//! Observed history in a run's outputs (MODEL.md §11): `observed.csv` of the central run,
//! runs drawn, kept and the acceptance rate, and the error when no run is kept.

use crate::engine::Accumulator;
use crate::error::Error;
use crate::model::Trajectory;
use crate::output::{csv_table, num};
use crate::scenario::Scenario;

/// `observed.csv`: `variable,year,observed,model,residual,relative` for the central run,
/// with `residual = model − observed` and `relative = residual / observed`.
pub fn observed_csv(sc: &Scenario, tr: &Trajectory) -> Vec<u8> {
    csv_table(
        &[
            "variable", "year", "observed", "model", "residual", "relative",
        ],
        sc.observed.iter().map(|o| {
            let x = o.model(tr);
            let r = x - o.value;
            vec![
                o.variable.info().name.to_string(),
                o.year.to_string(),
                num(o.value),
                num(x),
                num(r),
                if o.value == 0.0 {
                    String::new()
                } else {
                    num(r / o.value)
                },
            ]
        }),
    )
}

/// A finished run's own files: `files`, and `observed.csv` when the scenario observes
/// history (so that cleaning up after a run keeps it, and removes a stale one otherwise).
pub fn own_files(sc: &Scenario, files: &[&'static str]) -> Vec<&'static str> {
    let mut v = files.to_vec();
    if !sc.observed.is_empty() {
        v.push("observed.csv");
    }
    v
}

/// Runs drawn (every index of the range; also for results written before observations
/// were counted).
pub fn drawn(acc: &Accumulator) -> u64 {
    acc.drawn.max(acc.runs)
}

/// Runs drawn, kept and the acceptance rate, with each observation's own rejections, for
/// `run.json`.
pub fn acceptance_json(sc: &Scenario, acc: &Accumulator) -> serde_json::Value {
    let d = drawn(acc);
    serde_json::json!({
        "runs_drawn": d,
        "runs_kept": acc.runs,
        "acceptance_rate": if d == 0 { 0.0 } else { acc.runs as f64 / d as f64 },
        "runs_counts": "drawn: --runs N draws run indices 0..N; statistics are over the kept runs",
        "observations": sc.observed.iter().enumerate().map(|(k, o)| serde_json::json!({
            "variable": o.variable.info().name,
            "year": o.year,
            "observed": o.value,
            "tolerance": o.tolerance,
            "runs_rejected": acc.rejected_by.get(k).copied().unwrap_or(0),
        })).collect::<Vec<_>>(),
    })
}

/// A line for the terminal: `runs drawn 10,000, kept 2,345 (acceptance 23.5 %)`.
pub fn acceptance_line(acc: &Accumulator, zh: bool) -> String {
    let d = drawn(acc);
    let rate = if d == 0 {
        0.0
    } else {
        100.0 * acc.runs as f64 / d as f64
    };
    if zh {
        format!(
            "抽样 {} 次，保留 {} 次（接受率 {rate:.1} %）",
            thousands(d),
            thousands(acc.runs)
        )
    } else {
        format!(
            "runs drawn {}, kept {} (acceptance {rate:.1} %)",
            thousands(d),
            thousands(acc.runs)
        )
    }
}

fn thousands(n: u64) -> String {
    let s = n.to_string();
    let mut out = String::new();
    for (i, c) in s.chars().enumerate() {
        if i > 0 && (s.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// Exit 2 when observations reject every run, naming the one that on its own rejects the
/// most runs (ties: the first given).
pub fn check_kept(sc: &Scenario, acc: &Accumulator) -> Result<(), Error> {
    if acc.runs > 0 || sc.observed.is_empty() {
        return Ok(());
    }
    let mut worst = 0;
    for k in 1..sc.observed.len() {
        if acc.rejected_by.get(k) > acc.rejected_by.get(worst) {
            worst = k;
        }
    }
    let o = &sc.observed[worst];
    let d = drawn(acc);
    let n = acc.rejected_by.get(worst).copied().unwrap_or(0);
    Err(Error::Input(format!(
        "observed history: no run is kept: all {d} runs drawn lie outside some observation's tolerance; \
         {} = {} (tolerance {}) on its own rejects {n} of {d} runs ({:.1} %): check the value and its unit ({}), widen its tolerance, \
         or widen the distributions that drive it \
         (观测历史：没有一次抽样落在容差之内；{} 单独就排除了 {n}/{d} 次)",
        o.label(),
        num(o.value),
        num(o.tolerance),
        100.0 * n as f64 / d.max(1) as f64,
        o.variable.info().unit,
        o.label()
    )))
}
