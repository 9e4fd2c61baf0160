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
