//! Files and folders, safely: every file is written to a fresh temporary file in its folder
//! ([`temp_file`]: created exclusively under a random name, so a planted symlink is never
//! followed and two writers never share one; readable by others as the umask allows, 0644
//! under the usual 022) and renamed into place ([`write_atomic`], [`write_new`]); an
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

/// The one way peakpath creates a file: a new temporary file in the folder of `path`, named
/// `.NAME.XXXXXX.tmp` (`suffix` replaces `.tmp`), created with `O_EXCL` under a random name
/// (never through a planted link, never shared by two writers) and removed when dropped
/// unless persisted, so every error path (a full disk included) leaves nothing behind. Its
/// mode is 0666 less the umask (0644 under the usual 022), as for any file a program creates,
/// so a results folder can be read by colleagues and web servers.
pub fn temp_file(path: &Path, suffix: &str) -> std::io::Result<tempfile::NamedTempFile> {
    let dir = parent_of(path);
    let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("out");
    let prefix = format!(".{name}.");
    let mut b = tempfile::Builder::new();
    b.prefix(&prefix).suffix(suffix);
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        // Passed to open(2), which applies the umask.
        b.permissions(std::fs::Permissions::from_mode(0o666));
    }
    b.tempfile_in(dir)
}

/// Write `bytes` to `path` through a [`temp_file`] in the same folder and a rename: the
/// destination is replaced whole or not at all.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let mut tmp = temp_file(path, ".tmp")?;
    tmp.write_all(bytes)?;
    tmp.as_file().sync_all()?;
    tmp.persist(path).map_err(|e| e.error)?;
    Ok(())
}

/// Write `bytes` to `path` through a [`temp_file`], never replacing a file that exists: the
/// file appears whole or not at all, and `AlreadyExists` when `path` is taken (even by a file
/// that appeared meanwhile).
pub fn write_new(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let mut tmp = temp_file(path, ".tmp")?;
    tmp.write_all(bytes)?;
    tmp.as_file().sync_all()?;
    tmp.persist_noclobber(path).map_err(|e| e.error)?;
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

/// An output folder locked for the lifetime of the value: an OS advisory lock (`flock`) on
/// the folder itself, so a second command writing into the same folder is refused at once and
/// no lock file is left in the folder. (Where folders cannot be opened as files, not Unix,
/// the lock is on `dir/.peakpath.lock`, opened without following links.)
#[derive(Debug)]
pub struct DirLock {
    _file: File,
}

/// Name of the lock file where a folder itself cannot be locked (not Unix).
#[cfg_attr(unix, allow(dead_code))]
pub const LOCK_FILE: &str = ".peakpath.lock";

impl DirLock {
    /// Lock `dir` (which must exist) or fail with an exit-2 error naming it.
    pub fn acquire(dir: &Path) -> Result<DirLock, Error> {
        Self::open_and_lock(dir, false)
    }

    /// Lock `dir`, a folder that peakpath chose inside one the user named (`compare`'s
    /// `OUT/<id>`): refused when `dir` is a symbolic link, which is never followed.
    pub fn acquire_no_follow(dir: &Path) -> Result<DirLock, Error> {
        Self::open_and_lock(dir, true)
    }

    fn open_and_lock(dir: &Path, no_follow: bool) -> Result<DirLock, Error> {
        let cannot = |e: std::io::Error| {
            Error::Input(format!(
                "{}: cannot lock the output folder ({e})",
                dir.display()
            ))
        };
        #[cfg(unix)]
        let file = {
            use std::os::unix::fs::OpenOptionsExt;
            let mut flags = libc::O_DIRECTORY;
            if no_follow {
                flags |= libc::O_NOFOLLOW;
            }
            std::fs::OpenOptions::new()
                .read(true)
                .custom_flags(flags)
                .open(dir)
                .map_err(cannot)?
        };
        #[cfg(not(unix))]
        let file = {
            if no_follow
                && dir
                    .symlink_metadata()
                    .is_ok_and(|m| m.file_type().is_symlink())
            {
                return Err(cannot(std::io::Error::other("a symbolic link")));
            }
            std::fs::OpenOptions::new()
                .read(true)
                .write(true)
                .create(true)
                .truncate(false)
                .open(dir.join(LOCK_FILE))
                .map_err(cannot)?
        };
        match file.try_lock() {
            Ok(()) => Ok(DirLock { _file: file }),
            Err(std::fs::TryLockError::WouldBlock) => Err(Error::Input(format!(
                "{}: another peakpath command is writing into this folder (it holds the folder's lock); wait for it to finish or choose another --out",
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
