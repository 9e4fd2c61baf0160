//! Which optional tools the tests need are on this machine, as cfgs: a test that needs one
//! that is missing is reported by `cargo test` as ignored, with the reason, instead of passing
//! without running. `.ci/run` installs them all before it builds and sets `PEAKPATH_CI=1`,
//! under which every such test is compiled to run (and fails if its tool is missing after all).

use std::path::{Path, PathBuf};

/// The folders on PATH, and the CI's Python venv for kubernetes-validate.
fn folders() -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> =
        std::env::split_paths(&std::env::var_os("PATH").unwrap_or_default()).collect();
    let manifest = std::env::var_os("CARGO_MANIFEST_DIR").unwrap_or_default();
    v.push(Path::new(&manifest).join("target/ci-venv/bin"));
    v
}

fn found(folders: &[PathBuf], names: &[&str]) -> bool {
    names
        .iter()
        .any(|n| folders.iter().any(|d| d.join(n).is_file()))
}

fn main() {
    let f = folders();
    println!("cargo::rerun-if-env-changed=PATH");
    println!("cargo::rerun-if-env-changed=PEAKPATH_CI");
    let ci = std::env::var_os("PEAKPATH_CI").is_some_and(|v| v == "1");
    // A tool installed later changes its folder: look again then.
    for d in &f {
        if d.is_dir() {
            println!("cargo::rerun-if-changed={}", d.display());
        }
    }
    println!("cargo::rerun-if-changed=build.rs");
    let tools: [(&str, bool); 3] = [
        ("peakpath_has_slurm", found(&f, &["sbatch"])),
        (
            "peakpath_has_kubernetes_validate",
            found(&f, &["kubernetes-validate"]),
        ),
        (
            "peakpath_has_browser",
            found(&f, &["chromium", "chromium-browser", "google-chrome"])
                && found(&f, &["chromedriver"]),
        ),
    ];
    for (cfg, present) in tools {
        println!("cargo::rustc-check-cfg=cfg({cfg})");
        if present || ci {
            println!("cargo::rustc-cfg={cfg}");
        }
    }
}
