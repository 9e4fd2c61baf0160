//! Files and folders, safely: every file is written to a fresh temporary file in its folder
//! (created exclusively, so a planted symlink is never followed) and renamed into place; an
//! output folder is locked while a command writes into it; files that peakpath reads back
//! (checkpoints, shard results) carry a SHA-256 of their content and are refused when it does
//! not match.

use std::fs::File;
use std::io::Write as _;
use std::path::{Path, PathBuf};

use serde::Serialize;
use serde::de::DeserializeOwned;
use sha2::{Digest, Sha256};

use crate::error::Error;

/// The folder of `path` (`.` for a bare file name).
fn parent_of(path: &Path) -> &Path {
    path.parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."))
}

/// Write `bytes` to `path` through a temporary file in the same folder and a rename. The
/// temporary file is created with `O_EXCL` under a random name (never through a link) and is
/// removed on every error path, a full disk included; the destination is replaced whole or
/// not at all.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let dir = parent_of(path);
    let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("out");
    let mut tmp = tempfile::Builder::new()
        .prefix(&format!(".{name}."))
        .suffix(".tmp")
        .tempfile_in(dir)?;
    tmp.write_all(bytes)?;
    tmp.as_file().sync_all()?;
    tmp.persist(path).map_err(|e| e.error)?;
    Ok(())
}

/// The marker that says a folder holds peakpath results.
pub const MARKER: &str = "run.json";

/// Make sure `dir` can take this command's files: create it, refuse one that holds another
/// run's results (any of `own_files`, an unfinished run's checkpoint among them) unless
/// `force`, and prove it is writable, before any long work starts. Nothing is removed here:
/// a command that fails later leaves the folder as it was; [`remove_stale`] clears what the
/// finished command did not rewrite.
pub fn prepare_dir(dir: &Path, force: bool, own_files: &[&str]) -> Result<(), String> {
    if dir.exists() && !dir.is_dir() {
        return Err(format!(
            "{}: expected an output folder, found a file",
            dir.display()
        ));
    }
    std::fs::create_dir_all(dir)
        .map_err(|e| format!("{}: cannot create the output folder: {e}", dir.display()))?;
    let existing: Vec<&str> = own_files
        .iter()
        .copied()
        .filter(|f| dir.join(f).symlink_metadata().is_ok())
        .collect();
    if !force && !existing.is_empty() {
        return Err(format!(
            "{}: expected an empty output folder, found another run's results ({}); use --force to overwrite them or choose another --out",
            dir.display(),
            existing.join(", ")
        ));
    }
    // Writable? A nameless temporary file, created exclusively.
    tempfile::tempfile_in(dir)
        .map_err(|e| format!("{}: output folder is not writable: {e}", dir.display()))?;
    Ok(())
}

/// After a command has written its files into `dir`: remove those of `own_files` that it did
/// not write (`written`), so that nothing stale (a shard file that could be merged, an old
/// report, another run's checkpoint) is left beside the new results.
pub fn remove_stale(dir: &Path, own_files: &[&str], written: &[&str]) -> std::io::Result<()> {
    for f in own_files.iter().filter(|f| !written.contains(f)) {
        match std::fs::remove_file(dir.join(f)) {
            Err(e) if e.kind() != std::io::ErrorKind::NotFound => return Err(e),
            _ => {}
        }
    }
    Ok(())
}

/// Remove the charts an earlier run left in `dir/charts` (its `.svg` and `.png` files), for a
/// run with `--force --no-charts` whose results they no longer show.
pub fn remove_stale_charts(dir: &Path) -> std::io::Result<()> {
    let charts = dir.join("charts");
    let Ok(entries) = std::fs::read_dir(&charts) else {
        return Ok(());
    };
    for e in entries {
        let p = e?.path();
        if p.extension()
            .is_some_and(|x| x == "svg" || x == "png" || x == "html")
            && p.symlink_metadata()?.is_file()
        {
            std::fs::remove_file(p)?;
        }
    }
    Ok(())
}

/// `parent/name` for a name that comes from a scenario (its id): refused unless it is a
/// plain name (see [`crate::scenario::check_id`]), so the path stays inside `parent`.
pub fn child_dir(parent: &Path, name: &str) -> Result<PathBuf, Error> {
    crate::scenario::check_id(name).map_err(|why| Error::Input(format!("scenario id: {why}")))?;
    let p = parent.join(name);
    debug_assert_eq!(p.parent(), Some(parent));
    Ok(p)
}

/// An output folder locked for the lifetime of the value (an OS advisory lock on
/// `dir/.peakpath.lock`): a second command writing into the same folder is refused at once.
#[derive(Debug)]
pub struct DirLock {
    _file: File,
}

/// Name of the lock file in a locked output folder.
pub const LOCK_FILE: &str = ".peakpath.lock";

impl DirLock {
    /// Lock `dir` (which must exist) or fail with an exit-2 error naming it.
    pub fn acquire(dir: &Path) -> Result<DirLock, Error> {
        let path = dir.join(LOCK_FILE);
        let mut opts = std::fs::OpenOptions::new();
        opts.read(true).write(true).create(true).truncate(false);
        #[cfg(unix)]
        {
            use std::os::unix::fs::OpenOptionsExt;
            // O_NOFOLLOW: never opened through a planted symlink.
            opts.custom_flags(libc::O_NOFOLLOW);
        }
        let file = opts.open(&path).map_err(|e| {
            Error::Input(format!(
                "{}: cannot lock the output folder ({}: {e})",
                dir.display(),
                path.display()
            ))
        })?;
        match file.try_lock() {
            Ok(()) => Ok(DirLock { _file: file }),
            Err(std::fs::TryLockError::WouldBlock) => Err(Error::Input(format!(
                "{}: another peakpath command is writing into this folder (it holds {LOCK_FILE}); wait for it to finish or choose another --out",
                dir.display()
            ))),
            Err(std::fs::TryLockError::Error(e)) => Err(Error::Other(format!(
                "{}: cannot lock the output folder: {e}",
                dir.display()
            ))),
        }
    }
}

/// Read a JSON file written by peakpath: exit-2 errors that name the file, line and column.
pub fn read_json<T: DeserializeOwned>(path: &Path, what: &str) -> Result<T, Error> {
    let text = std::fs::read(path)
        .map_err(|e| Error::Input(format!("{}: cannot read: {e}", path.display())))?;
    parse_json(path, &text, what)
}

fn parse_json<T: DeserializeOwned>(path: &Path, text: &[u8], what: &str) -> Result<T, Error> {
    serde_json::from_slice(text).map_err(|e| {
        Error::Input(format!(
            "{}:{}:{}: expected {what}, found invalid content ({e})",
            path.display(),
            e.line(),
            e.column()
        ))
    })
}

/// A sealed file: the format tag, the SHA-256 of the body's exact bytes, and the body.
#[derive(serde::Deserialize)]
struct Envelope<'a> {
    format: String,
    sha256: String,
    #[serde(borrow)]
    body: &'a serde_json::value::RawValue,
}

fn hex(d: &[u8]) -> String {
    d.iter().map(|b| format!("{b:02x}")).collect()
}

/// Write `value` as a sealed JSON file: `{"format": …, "sha256": …, "body": …}`, where the
/// digest covers the body's bytes exactly as written.
pub fn write_sealed<T: Serialize>(path: &Path, format: &str, value: &T) -> std::io::Result<()> {
    let body = serde_json::to_string(value).map_err(std::io::Error::other)?;
    let digest = hex(&Sha256::digest(body.as_bytes()));
    let text = format!(
        "{{\"format\":{},\"sha256\":\"{digest}\",\"body\":{body}}}\n",
        serde_json::to_string(format).map_err(std::io::Error::other)?
    );
    write_atomic(path, text.as_bytes())
}

/// Read a sealed file written by [`write_sealed`]: refused (exit 2, naming the file) when it
/// is not of `format`, when its content does not match its digest (edited, truncated,
/// corrupted), or when the body is not `what`.
pub fn read_sealed<T: DeserializeOwned>(path: &Path, format: &str, what: &str) -> Result<T, Error> {
    let text = std::fs::read(path)
        .map_err(|e| Error::Input(format!("{}: cannot read: {e}", path.display())))?;
    let env: Envelope = serde_json::from_slice(&text).map_err(|e| {
        Error::Input(format!(
            "{}:{}:{}: expected {what}, found invalid content ({e})",
            path.display(),
            e.line(),
            e.column()
        ))
    })?;
    if env.format != format {
        return Err(Error::Input(format!(
            "{}: format: expected {format}, found {}",
            path.display(),
            env.format
        )));
    }
    let digest = hex(&Sha256::digest(env.body.get().as_bytes()));
    if digest != env.sha256 {
        return Err(Error::Input(format!(
            "{}: sha256: expected the digest of the file's content, {digest}, found {}: the file was edited or damaged after peakpath wrote it",
            path.display(),
            env.sha256
        )));
    }
    serde_json::from_str(env.body.get()).map_err(|e| {
        Error::Input(format!(
            "{}: body: expected {what}, found invalid content ({e})",
            path.display()
        ))
    })
}
