//! Scenario discovery: which combinations of uncertain inputs make an outcome fail.
//!
//! * [`mod@prim`]: the Patient Rule Induction Method (PRIM; Friedman & Fisher 1999, as used
//!   for scenario discovery by Bryant & Lempert 2010), generic over data.
//! * [`experiments`]: Monte Carlo states drawn exactly as `peakpath run` draws them, and
//!   the outcome (`peaked_by_YYYY`, `met:ID:YEAR`) of each.
//! * [`run`]: the `peakpath discover` command.

mod command;
pub mod experiments;
pub mod prim;

pub use command::{DiscoverArgs, box_csv, run, trajectory_csv};
pub use experiments::{Experiments, Outcome, Resolved, experiments};
pub use prim::{
    PrimBox, PrimError, PrimParams, SelectRule, paste_box, prim, prim_columns, select_box,
};
