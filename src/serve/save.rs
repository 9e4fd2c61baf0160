//! "Save as scenario": the overrides as a TOML file that `extends` the base, written only into
//! the save folder, validated by the same loader and validator as any scenario file.

use std::io::Write as _;
use std::path::{Component, Path, PathBuf};

use serde_json::{Map, Value};

use super::overrides::{Header, to_toml};
use super::safety::save_name;
use crate::scenario::Scenario;

/// Why a save failed.
#[derive(Debug)]
pub enum SaveError {
    /// Bad name or overrides, or a file that does not validate: 400.
    Input(String),
    /// The file exists and the request did not confirm overwriting it: 409.
    Exists(String),
    /// The disk refused: 500.
    Io(String),
}

/// What a save wrote.
pub struct Saved {
    pub path: PathBuf,
    pub extends: String,
    pub text: String,
    /// Files of the base scenario copied into the save folder so that `extends` resolves
    /// there (only when the base is the embedded plan and the folder lacks it).
    pub also_written: Vec<PathBuf>,
    pub scenario: Scenario,
}

/// `to`, relative to the folder `from` (both absolute, canonical), with `/` separators.
fn relative(from: &Path, to: &Path) -> String {
    let a: Vec<Component> = from.components().collect();
    let b: Vec<Component> = to.components().collect();
    let common = a.iter().zip(&b).take_while(|(x, y)| x == y).count();
    let mut parts: Vec<String> = vec!["..".into(); a.len() - common];
    parts.extend(
        b[common..]
            .iter()
            .map(|c| c.as_os_str().to_string_lossy().into_owned()),
    );
    parts.join("/")
}

/// The resolved content without `[scenario]` (name and id differ by design).
fn content(sc: &Scenario) -> Value {
    let mut v = sc.resolved.clone();
    if let Value::Object(m) = &mut v {
        m.remove("scenario");
    }
    v
}

/// Save `ov` as `dir/NAME.toml`, extending `base` (read from `base_file` on disk, or the
/// embedded plan when `None`).
pub fn save(
    base: &Scenario,
    base_file: Option<&Path>,
    dir: &Path,
    name: &str,
    display_name: Option<&str>,
    ov: &Map<String, Value>,
    overwrite: bool,
) -> Result<Saved, SaveError> {
    let file = save_name(name).map_err(SaveError::Input)?;
    let stem = file.trim_end_matches(".toml").to_string();
    // The id is ASCII (it is the file's name); the display name may be in any language. Without
    // one, the base's name and the id: "规划情景 · pv600", "Plan · pv600".
    let (name_zh, name_en) = match display_name.map(str::trim).filter(|d| !d.is_empty()) {
        Some(d) => {
            if d.chars().count() > 80 || d.chars().any(char::is_control) {
                return Err(SaveError::Input(format!(
                    "display_name: expected at most 80 characters without control characters, found \"{}\"",
                    d.chars()
                        .filter(|c| !c.is_control())
                        .take(80)
                        .collect::<String>()
                )));
            }
            (d.to_string(), d.to_string())
        }
        None => (
            format!("{} · {stem}", base.name(true)),
            format!("{} · {stem}", base.name(false)),
        ),
    };
    std::fs::create_dir_all(dir).map_err(|e| {
        SaveError::Io(format!(
            "{}: cannot create the save folder: {e}",
            dir.display()
        ))
    })?;
    let dir_abs =
        std::fs::canonicalize(dir).map_err(|e| SaveError::Io(format!("{}: {e}", dir.display())))?;
    let target = dir.join(&file);

    // The files the saved scenario extends, as they lie (or will lie) in the save folder.
    let (extends, chain): (String, Vec<PathBuf>) = match base_file {
        Some(f) => {
            let root = std::fs::canonicalize(f)
                .map_err(|e| SaveError::Io(format!("{}: {e}", f.display())))?;
            let chain = base
                .files
                .iter()
                .filter_map(|n| std::fs::canonicalize(n).ok())
                .collect();
            (relative(&dir_abs, &root), chain)
        }
        None => {
            let names: Vec<PathBuf> = base
                .texts
                .iter()
                .filter_map(|(n, _)| Path::new(n).file_name().map(|f| dir_abs.join(f)))
                .collect();
            let root = names
                .first()
                .and_then(|p| p.file_name())
                .map(|f| f.to_string_lossy().into_owned())
                .unwrap_or_default();
            (root, names)
        }
    };
    if chain.contains(&dir_abs.join(&file)) {
        return Err(SaveError::Input(format!(
            "name: \"{file}\" is a file of the base scenario, which the saved scenario extends; choose another name"
        )));
    }
    if target.exists() && !overwrite {
        return Err(SaveError::Exists(format!(
            "{}: exists; send \"overwrite\": true to replace it",
            target.display()
        )));
    }

    let comment = format!(
        "Saved by `peakpath serve` from scenario {} ({}): only the fields changed on the page.\n\
         A path (a table of years) is written whole: `extends` replaces a path, never one milestone.",
        base.info.id,
        base.files.first().map_or("", String::as_str)
    );
    let description = format!(
        "{} with {} changed field(s), saved by peakpath serve",
        base.name(false),
        ov.len()
    );
    let header = Header {
        id: &stem,
        name_zh: &name_zh,
        name_en: &name_en,
        description: &description,
        comment: &comment,
    };
    let text = to_toml(base, ov, &extends, Some(&header)).map_err(SaveError::Input)?;
    // The scenario as the page ran it (validated in memory against the base the server runs) …
    let in_memory = super::overrides::apply(base, ov).map_err(SaveError::Input)?;

    // Files of an embedded base, so that `extends` resolves in the save folder.
    let mut also_written = Vec::new();
    if base_file.is_none() {
        for ((_, t), p) in base.texts.iter().zip(&chain) {
            if !p.exists() {
                match write_new(p, t.as_bytes()) {
                    Ok(()) => also_written.push(p.clone()),
                    // Written meanwhile by a concurrent save: the check from disk below
                    // compares what it holds.
                    Err(SaveError::Exists(_)) => {}
                    Err(e) => return Err(e),
                }
            }
        }
    }

    // … then from disk, exactly as `peakpath validate` would read it, through a temporary file
    // beside the target (same folder, so `extends` resolves the same way).
    // The temporary file is peakpath's one kind (output::temp_file): exclusive, randomly
    // named, never through a planted link, never shared by two saves, removed on every error.
    let io = |e: std::io::Error| SaveError::Io(format!("{}: {e}", target.display()));
    let mut tmp = crate::output::temp_file(&target, ".toml").map_err(io)?;
    tmp.write_all(text.as_bytes()).map_err(io)?;
    tmp.as_file().sync_all().map_err(io)?;
    let on_disk = Scenario::load(tmp.path());
    let checked = match on_disk {
        Err(d) => Err(SaveError::Input(d.to_string().replace(
            &tmp.path().display().to_string(),
            &target.display().to_string(),
        ))),
        Ok(sc) if content(&sc) != content(&in_memory) => Err(SaveError::Input(format!(
            "{}: the scenario it extends on disk ({extends}) differs from the one this server runs; save under another folder (--save-dir) or restart the server on that file",
            target.display()
        ))),
        Ok(sc) => Ok(sc),
    };
    let scenario = checked?;
    if overwrite {
        tmp.persist(&target).map_err(|e| io(e.error))?;
    } else {
        // Never replace a file that appeared meanwhile (a concurrent save of the same name).
        tmp.persist_noclobber(&target)
            .map_err(|e| exists_or_io(&target, e.error))?;
    }
    Ok(Saved {
        path: target,
        extends,
        text,
        also_written,
        scenario,
    })
}

/// A new file written whole or not at all (a full disk leaves nothing), never replacing one.
fn write_new(p: &Path, bytes: &[u8]) -> Result<(), SaveError> {
    crate::output::write_new(p, bytes).map_err(|e| exists_or_io(p, e))
}

fn exists_or_io(p: &Path, e: std::io::Error) -> SaveError {
    if e.kind() == std::io::ErrorKind::AlreadyExists {
        SaveError::Exists(format!(
            "{}: exists; send \"overwrite\": true to replace it",
            p.display()
        ))
    } else {
        SaveError::Io(format!("{}: {e}", p.display()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn relative_paths() {
        assert_eq!(
            relative(Path::new("/a/b/saved"), Path::new("/a/b/plan.toml")),
            "../plan.toml"
        );
        assert_eq!(
            relative(Path::new("/a/b"), Path::new("/a/b/plan.toml")),
            "plan.toml"
        );
        assert_eq!(
            relative(Path::new("/x/y"), Path::new("/a/plan.toml")),
            "../../a/plan.toml"
        );
    }
}
