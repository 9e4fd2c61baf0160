//! `peakpath init DIR`: a commented starting point for a new county — a plan file with one
//! indicator of each evaluation kind, a baseline and a plan scenario with every field explained
//! (unit, source tag, what to replace with the statistics bureau's figure), and an observed-
//! history template. The files validate and run as written.

use std::path::{Path, PathBuf};

use crate::error::Error;

/// The files `init` writes: (name, text).
pub const FILES: [(&str, &str); 4] = [
    ("plan.toml", include_str!("plan.toml")),
    ("baseline.toml", include_str!("baseline.toml")),
    ("scenario.toml", include_str!("scenario.toml")),
    ("observed.toml", include_str!("observed.toml")),
];

/// Write the starting point into `dir` (created if missing). Existing files are never
/// replaced: with any of them present nothing is written (exit 2), unless `force`.
pub fn init(dir: &Path, force: bool) -> Result<Vec<PathBuf>, Error> {
    if dir.exists() && !dir.is_dir() {
        return Err(Error::Input(format!(
            "{}: expected a folder for the new county's files, found a file",
            dir.display()
        )));
    }
    let present: Vec<String> = FILES
        .iter()
        .filter(|(n, _)| dir.join(n).exists())
        .map(|(n, _)| n.to_string())
        .collect();
    if !present.is_empty() && !force {
        return Err(Error::Input(format!(
            "{}: expected a folder without {}, found them (give --force to replace them)",
            dir.display(),
            present.join(", ")
        )));
    }
    std::fs::create_dir_all(dir)
        .map_err(|e| Error::Input(format!("{}: cannot create the folder: {e}", dir.display())))?;
    let mut written = Vec::new();
    for (name, text) in FILES {
        let path = dir.join(name);
        crate::output::write_atomic(&path, text.as_bytes())
            .map_err(|e| Error::Other(format!("{}: {e}", path.display())))?;
        written.push(path);
    }
    Ok(written)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::Scenario;

    #[test]
    fn the_starting_point_validates_and_uses_its_own_plan() {
        let dir = std::env::temp_dir().join(format!("peakpath-init-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        init(&dir, false).unwrap();
        assert!(
            init(&dir, false).is_err(),
            "existing files are never replaced"
        );
        for name in ["baseline.toml", "scenario.toml", "observed.toml"] {
            let sc = Scenario::load(&dir.join(name)).unwrap_or_else(|d| panic!("{name}: {d}"));
            assert_eq!(sc.indicators.plan.id, "my-county-2023", "{name}");
            let kinds: Vec<&str> = sc
                .indicators
                .defs()
                .iter()
                .map(|d| if d.modelled() { "modelled" } else { "assumed" })
                .collect();
            assert_eq!(
                kinds,
                [
                    "modelled", "modelled", "modelled", "modelled", "assumed", "assumed"
                ]
            );
        }
        let sc = Scenario::load(&dir.join("scenario.toml")).unwrap();
        assert!(sc.spec.cap.is_some() && !sc.checks.is_empty());
        let _ = std::fs::remove_dir_all(&dir);
    }
}
