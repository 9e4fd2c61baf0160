//! # peakpath
//!
//! A scenario simulator for county and city carbon-peak plans (碳达峰实施方案): a yearly model
//! of GDP, sector energy demand and fuel mix, local PV, hydro and wind, grid imports, coal,
//! the non-fossil share, energy CO₂ and sinks (the reference model of `MODEL.md`), driven by
//! scenario files in TOML, with Monte Carlo over uncertain assumptions and the plan's
//! indicators evaluated in every run.
//!
//! ```
//! use peakpath::{model, scenario::Scenario};
//! let sc = Scenario::embedded("plan.toml").unwrap();
//! let mut tr = model::Trajectory::new(&sc.spec);
//! model::simulate(&sc.spec, &sc.medians(), &mut tr);
//! let coal_2020 = tr.at(model::Var::CoalT, 2020).unwrap();
//! assert!((coal_2020 - 23.92).abs() < 0.01); // the plan's 2020 coal use, 万t
//! ```

pub mod decompose;
pub mod discover;
pub mod engine;
pub mod error;
pub mod i18n;
pub mod indicators;
pub mod init;
pub mod model;
pub mod names;
pub mod output;
pub mod report;
pub mod runner;
pub mod scenario;
pub mod sensitivity;
pub mod serve;
pub mod stats;
pub mod terminal;
pub mod wedges;
