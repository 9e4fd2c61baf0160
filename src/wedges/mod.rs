//! Which action buys the peak: the change from a parent scenario attributed to the plan's
//! actions (重点任务) by exact Shapley values, with order-dependent sequential wedges for
//! comparison.
//!
//! * [`actions`]: `[actions.<key>]` tables in scenario files, read and checked with the
//!   rest of the scenario (`crate::scenario::actions`).
//! * [`changes`]: what a scenario changes against its parent, which action each change
//!   belongs to, and the scenario of any combination of actions.
//! * [`game`]: the players and the scenario of every combination.
//! * [`shapley`]: exact Shapley values and sequential wedges.
//! * [`adapter`]: what is asked of the model and the engine (one place to adapt).
//! * [`evaluate`]: the measures of every combination, central runs and Monte Carlo with
//!   common random numbers, attributed.
//! * [`output`] and [`run`]: the files and the `peakpath wedges` command.

pub use crate::scenario::actions;
pub mod adapter;
pub mod changes;
mod command;
pub mod evaluate;
pub mod game;
pub mod output;
pub mod shapley;

pub use actions::Action;
pub use command::{WedgesArgs, game as load_game, run};

#[cfg(test)]
mod tests;
