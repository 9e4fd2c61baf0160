//! Helpers: running the binary, temporary folders, file comparisons.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::atomic::{AtomicUsize, Ordering};

/// The crate root: every command runs from here, so relative fixture paths match `.err` files.
pub fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// Whether golden and `.err` files should be rewritten instead of compared.
pub fn bless() -> bool {
    std::env::var_os("PEAKPATH_BLESS").is_some_and(|v| v == "1")
}

/// What a finished command left behind.
#[derive(Debug)]
pub struct Output {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl Output {
    /// Panic, showing everything, unless the exit code is `code`.
    #[track_caller]
    pub fn expect_code(self, code: i32) -> Self {
        assert_eq!(
            self.code, code,
            "expected exit code {code}\nstdout:\n{}\nstderr:\n{}",
            self.stdout, self.stderr
        );
        self
    }
    #[track_caller]
    pub fn ok(self) -> Self {
        self.expect_code(0)
    }
}

/// Run `peakpath ARGS` from the crate root with a clean environment for its own variables.
pub fn peakpath<I, S>(args: I) -> Output
where
    I: IntoIterator<Item = S>,
    S: AsRef<std::ffi::OsStr>,
{
    let out = Command::new(env!("CARGO_BIN_EXE_peakpath"))
        .args(args)
        .current_dir(root())
        .env_remove("PEAKPATH_BLESS")
        .output()
        .expect("start peakpath");
    Output {
        // A signal (no code) reads as -1, which no test expects.
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

/// A fresh folder under the system's temporary folder, removed when dropped.
pub struct TempDir(PathBuf);

impl TempDir {
    pub fn new(label: &str) -> TempDir {
        static N: AtomicUsize = AtomicUsize::new(0);
        let n = N.fetch_add(1, Ordering::Relaxed);
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.subsec_nanos());
        let p = std::env::temp_dir().join(format!(
            "peakpath-test-{label}-{}-{n}-{nanos}",
            std::process::id()
        ));
        std::fs::create_dir_all(&p).expect("create temp dir");
        TempDir(p)
    }
    pub fn join(&self, p: impl AsRef<Path>) -> PathBuf {
        self.0.join(p)
    }
    /// The folder's path as a command-line argument.
    pub fn arg(&self, p: &str) -> String {
        self.0.join(p).display().to_string()
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

pub fn read(p: impl AsRef<Path>) -> Vec<u8> {
    let p = p.as_ref();
    std::fs::read(p).unwrap_or_else(|e| panic!("{}: {e}", p.display()))
}

pub fn read_string(p: impl AsRef<Path>) -> String {
    String::from_utf8(read(p)).expect("UTF-8")
}

/// Assert two files have the same bytes; on failure, name the first differing line.
#[track_caller]
pub fn same_bytes(a: &Path, b: &Path) {
    let (x, y) = (read(a), read(b));
    if x != y {
        panic!(
            "{} and {} differ: {}",
            a.display(),
            b.display(),
            first_difference(&x, &y)
        );
    }
}

/// A short description of where two texts first differ.
pub fn first_difference(x: &[u8], y: &[u8]) -> String {
    let (x, y) = (String::from_utf8_lossy(x), String::from_utf8_lossy(y));
    for (i, (a, b)) in x.lines().zip(y.lines()).enumerate() {
        if a != b {
            return format!("line {}:\n  {a}\n  {b}", i + 1);
        }
    }
    format!(
        "one has {} lines, the other {}",
        x.lines().count(),
        y.lines().count()
    )
}

/// Parse a CSV file with a header into rows of (column → value).
pub fn csv_rows(p: impl AsRef<Path>) -> Vec<std::collections::HashMap<String, String>> {
    let text = read_string(p);
    let mut lines = text.lines();
    let header: Vec<String> = lines
        .next()
        .expect("header")
        .split(',')
        .map(str::to_string)
        .collect();
    lines
        .map(|l| {
            // The files tested here quote nothing in the columns looked at; split plainly
            // and keep the first header.len() fields.
            header.iter().cloned().zip(split_csv(l)).collect()
        })
        .collect()
}

/// Split one CSV line, honouring double quotes.
fn split_csv(line: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut quoted = false;
    let mut chars = line.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '"' if quoted && chars.peek() == Some(&'"') => {
                cur.push('"');
                chars.next();
            }
            '"' => quoted = !quoted,
            ',' if !quoted => out.push(std::mem::take(&mut cur)),
            _ => cur.push(c),
        }
    }
    out.push(cur);
    out
}
