//! Files peakpath reads back (checkpoints, shard files, run folders), on hostile input.
//!
//! The first byte picks what the rest is:
//! * `0`: the body of a Monte Carlo shard file or checkpoint. The target seals it (SHA-256,
//!   as peakpath does) so that the fuzzer gets past the digest to the invariants, writes it
//!   and verifies it as `merge` and `--resume` do (`runner::verify_partial`);
//! * `1`: the same for a sensitivity shard file (`sensitivity::run::verify_partial`);
//! * `2`: a run folder: the rest split on `\n%%\n` into `run.json`, `trajectories.csv`,
//!   `indicators.csv`, `summary.csv`, `peak.csv` and `parameters.csv` (missing parts are
//!   missing files), read as `report` reads it (`visual::RunData::read`) and, if it reads,
//!   turned into the report with every chart (`visual::report_html`);
//! * anything else: the rest as a whole shard file, unsealed (the envelope parser and the
//!   digest check).
//!
//! Every refusal must be bad input (exit code 2) with a message; a panic is a crash.
#![no_main]

use std::path::PathBuf;

use libfuzzer_sys::fuzz_target;
use peakpath::report::Lang;
use peakpath::{runner, visual};
use sha2::{Digest, Sha256};

const SEP: &[u8] = b"\n%%\n";
const RUN_FILES: [&str; 6] = [
    "run.json",
    "trajectories.csv",
    "indicators.csv",
    "summary.csv",
    "peak.csv",
    "parameters.csv",
];

fn dir() -> PathBuf {
    let d = std::env::temp_dir().join(format!("peakpath-fuzz-{}", std::process::id()));
    let _ = std::fs::create_dir_all(&d);
    d
}

fn sealed(format: &str, body: &[u8]) -> Vec<u8> {
    let digest: String = Sha256::digest(body)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    let mut v = format!("{{\"format\":\"{format}\",\"sha256\":\"{digest}\",\"body\":").into_bytes();
    v.extend_from_slice(body);
    v.push(b'}');
    v
}

fn expect_input(r: Result<(), peakpath::error::Error>) {
    if let Err(e) = r {
        assert_eq!(e.exit_code(), 2, "not reported as bad input: {}", e.message());
        assert!(!e.message().is_empty());
    }
}

fuzz_target!(|data: &[u8]| {
    let Some((&mode, rest)) = data.split_first() else {
        return;
    };
    let d = dir();
    match mode {
        0 | 1 => {
            let (format, file) = if mode == 0 {
                ("peakpath-partial-2", d.join("shard.json"))
            } else {
                ("peakpath-sensitivity-partial-2", d.join("sensitivity_shard.json"))
            };
            std::fs::write(&file, sealed(format, rest)).unwrap();
            expect_input(if mode == 0 {
                runner::verify_partial(&file)
            } else {
                peakpath::sensitivity::run::verify_partial(&file)
            });
        }
        2 => {
            for f in RUN_FILES {
                let _ = std::fs::remove_file(d.join(f));
            }
            let mut parts = Vec::new();
            let mut s = rest;
            while let Some(i) = s.windows(SEP.len()).position(|w| w == SEP) {
                parts.push(&s[..i]);
                s = &s[i + SEP.len()..];
            }
            parts.push(s);
            for (f, p) in RUN_FILES.iter().zip(parts) {
                std::fs::write(d.join(f), p).unwrap();
            }
            expect_input(visual::RunData::read(&d).and_then(|rd| {
                visual::report_html(&rd, Lang::En)?;
                visual::report_html(&rd, Lang::Zh).map(|_| ())
            }));
        }
        _ => {
            let file = d.join("shard.json");
            std::fs::write(&file, rest).unwrap();
            expect_input(runner::verify_partial(&file));
        }
    }
});
