//! Index decomposition analysis: why two runs differ in energy CO₂.
//!
//! * [`lmdi`]: the additive LMDI-I method (Ang 2004; Ang 2005; Ang & Liu 2007), generic
//!   over cells and factors.
//! * [`identity`]: the identity of the model's energy CO₂ (scale, structure, intensity,
//!   fuel mix, emission factors, imported electricity) and its decomposition.
//! * [`run`]: the `peakpath decompose` command.

mod command;
pub mod identity;
pub mod lmdi;

pub use command::{DecomposeArgs, run};
pub use lmdi::{
    LmdiError, LmdiInput, LmdiResult, Period, ZeroStrategy, decompose_additive,
    decompose_additive_with, log_mean,
};
