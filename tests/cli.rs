//! End-to-end tests of the `peakpath` binary: one test binary (so the crate is linked once),
//! its modules in `tests/cli/`. Every test runs the real executable on files in a fresh
//! temporary folder and checks what a user would see: exit codes, messages, output bytes.
//!
//! Golden files (`tests/golden/`) and expected validation messages (`tests/fixtures/invalid/*.err`)
//! are regenerated with `PEAKPATH_BLESS=1 cargo test --test cli`; review the diff before
//! committing it.

#[path = "cli/util.rs"]
mod util;

#[path = "cli/charts.rs"]
mod charts;
#[path = "cli/cluster.rs"]
mod cluster;
#[path = "cli/correlations.rs"]
mod correlations;
#[path = "cli/county.rs"]
mod county;
#[path = "cli/determinism.rs"]
mod determinism;
#[path = "cli/docs.rs"]
mod docs;
#[path = "cli/exit_codes.rs"]
mod exit_codes;
#[path = "cli/golden.rs"]
mod golden;
#[path = "cli/integrity.rs"]
mod integrity;
#[path = "cli/language.rs"]
mod language;
#[path = "cli/language_server.rs"]
mod language_server;
#[path = "cli/layout.rs"]
mod layout;
#[path = "cli/merge.rs"]
mod merge;
#[path = "cli/misc.rs"]
mod misc;
#[path = "cli/over_time.rs"]
mod over_time;
#[path = "cli/plans.rs"]
mod plans;
#[path = "cli/precision.rs"]
mod precision;
#[path = "cli/properties.rs"]
mod properties;
#[path = "cli/readme.rs"]
mod readme;
#[path = "cli/readme_figures.rs"]
mod readme_figures;
#[path = "cli/save_draws.rs"]
mod save_draws;
#[path = "cli/serve.rs"]
mod serve;
#[path = "cli/serve_browser.rs"]
mod serve_browser;
#[path = "cli/serve_load.rs"]
mod serve_load;
#[path = "cli/statistics.rs"]
mod statistics;
#[path = "cli/v2.rs"]
mod v2;
#[path = "cli/validate.rs"]
mod validate;
#[path = "cli/wedges.rs"]
mod wedges;
#[path = "cli/xlsx.rs"]
mod xlsx;
