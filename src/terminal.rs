//! Terminal support shared by the commands: a progress bar (only on a terminal) that is
//! also the engine's [`Observer`], and Ctrl-C handling that asks long runs to stop between
//! chunks so that they can checkpoint.

use std::io::IsTerminal;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};

use crate::engine::Observer;

/// Progress bar on a terminal, nothing otherwise; Ctrl-C sets the stop flag.
pub struct Progress {
    pub bar: Option<indicatif::ProgressBar>,
    pub stop: &'static AtomicBool,
    pub done: AtomicU64,
}

impl Observer for Progress {
    fn advance(&self, n: u64) {
        self.done.fetch_add(n, Ordering::Relaxed);
        if let Some(b) = &self.bar {
            b.inc(n);
        }
    }
    fn should_stop(&self) -> bool {
        self.stop.load(Ordering::Relaxed)
    }
}

pub static STOP: AtomicBool = AtomicBool::new(false);

pub fn install_ctrlc() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        let _ = ctrlc::set_handler(|| STOP.store(true, Ordering::SeqCst));
    });
}

pub fn progress(total: u64, already: u64) -> Progress {
    let bar = std::io::stderr().is_terminal().then(|| {
        let b = indicatif::ProgressBar::new(total);
        b.set_style(
            indicatif::ProgressStyle::with_template(
                "{bar:40} {human_pos}/{human_len} runs  {rate}  ETA {eta}",
            )
            .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar())
            .with_key(
                "rate",
                |s: &indicatif::ProgressState, w: &mut dyn std::fmt::Write| {
                    let _ = write!(w, "{:.0} runs/s", s.per_sec());
                },
            ),
        );
        b.set_position(already);
        b
    });
    Progress {
        bar,
        stop: &STOP,
        done: AtomicU64::new(0),
    }
}

/// Command-line value parser for counts (`--runs`, `--samples`): a whole number from 1 to
/// `MAX`. Negative numbers reach it too (their flags allow a leading hyphen), so `--runs -5`
/// says "expected a positive integer" instead of clap's tip about `--`.
pub fn positive<const MAX: u64>(s: &str) -> Result<u64, String> {
    let t = s.trim();
    match t.parse::<i128>() {
        Ok(n) if n >= 1 && n <= i128::from(MAX) => Ok(n as u64),
        Ok(n) if n >= 1 => Err(format!(
            "expected a positive integer up to {MAX}, found {n}"
        )),
        _ => Err(format!("expected a positive integer, found \"{s}\"")),
    }
}

/// Command-line value parser for `--seed`: a whole number from 0 to 2^64 − 1 (negative
/// numbers reach it and get a clear message).
pub fn seed(s: &str) -> Result<u64, String> {
    s.trim().parse::<u64>().map_err(|_| {
        format!(
            "expected a non-negative integer (0 to {}), found \"{s}\"",
            u64::MAX
        )
    })
}

/// [`positive`] for `--threads` (1 to `MAX` worker threads).
pub fn positive_u16<const MAX: u16>(s: &str) -> Result<u16, String> {
    positive::<{ u16::MAX as u64 }>(s).and_then(|n| {
        if n <= u64::from(MAX) {
            Ok(n as u16)
        } else {
            Err(format!(
                "expected a positive integer up to {MAX}, found {n}"
            ))
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_are_positive_integers() {
        assert_eq!(positive::<10>("7"), Ok(7));
        assert!(
            positive::<10>("-5")
                .unwrap_err()
                .contains("expected a positive integer")
        );
        assert!(
            positive::<10>("0")
                .unwrap_err()
                .contains("expected a positive integer")
        );
        assert!(positive::<10>("11").unwrap_err().contains("up to 10"));
        assert!(positive::<10>("x").is_err());
        assert_eq!(positive_u16::<1024>("2"), Ok(2));
        assert!(seed("-1").unwrap_err().contains("non-negative integer"));
        assert_eq!(seed("7"), Ok(7));
        assert!(positive_u16::<1024>("2000").is_err());
    }
}
