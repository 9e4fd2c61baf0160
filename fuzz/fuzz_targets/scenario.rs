//! Scenario loading, validation, the central run and its CSV exports, on hostile input.
//!
//! The input is split on the first `\n%%\n` into `a.toml` (the root) and `b.toml`; without
//! the separator there is only `a.toml`. `a.toml` may say `extends = "b.toml"` (or name
//! itself, or a missing file). Both go through the in-memory file system exactly as
//! `peakpath merge` rebuilds a scenario (`Scenario::from_texts`). A valid scenario is then
//! run (`engine::central`) and exported (`indicators_csv`, `trajectories_csv`), and every
//! number of the central trajectory must be finite: a NaN or ∞ there is a model bug that
//! validation should have caught.
#![no_main]

use libfuzzer_sys::fuzz_target;
use peakpath::engine;
use peakpath::output;
use peakpath::scenario::Scenario;

const SEP: &[u8] = b"\n%%\n";

fuzz_target!(|data: &[u8]| {
    let (a, b) = match data.windows(SEP.len()).position(|w| w == SEP) {
        Some(i) => (&data[..i], Some(&data[i + SEP.len()..])),
        None => (data, None),
    };
    let mut texts = vec![(
        "a.toml".to_string(),
        String::from_utf8_lossy(a).into_owned(),
    )];
    if let Some(b) = b {
        texts.push((
            "b.toml".to_string(),
            String::from_utf8_lossy(b).into_owned(),
        ));
    }
    let sc = match Scenario::from_texts(&texts) {
        Ok(sc) => sc,
        Err(d) => {
            assert!(!d.0.is_empty(), "an error without a diagnostic");
            let _ = d.to_string();
            return;
        }
    };
    let _ = sc.resolved_json();
    for i in 0..sc.params.len() {
        let _ = sc.param_note(i);
    }
    let tr = engine::central(&sc);
    if let Some(bad) = tr.data.iter().position(|x| !x.is_finite()) {
        let var = &peakpath::model::VARS[bad / tr.n_years];
        panic!(
            "non-finite {} in {} (year {})",
            tr.data[bad],
            var.name,
            tr.y0 + (bad % tr.n_years) as i32
        );
    }
    let values = sc.medians();
    for (i, d) in peakpath::indicators::INDICATORS.iter().enumerate() {
        for year in peakpath::indicators::TARGET_YEARS {
            if let Some(x) = sc.indicators.value(i, &sc.spec, &values, &tr, year) {
                assert!(x.is_finite(), "indicator {} is {x} in {year}", d.id);
            }
        }
    }
    let _ = tr.peak_year();
    let _ = tr.peaked_by(sc.spec.options.peak_by);
    let _ = output::indicators_csv(&sc, &tr, None);
    let _ = output::trajectories_csv(&sc, &tr);
    let _ = output::parameters_csv(&sc);
});
