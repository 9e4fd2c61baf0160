//! The error a command ends with, and its exit code.

use std::fmt;

// The problems found in an input file (a scenario, a plan), each with its place: defined
// here, below every module that reports them.

/// One problem in a scenario file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diag {
    pub file: String,
    pub line: usize,
    pub col: usize,
    pub field: String,
    pub message: String,
}

impl fmt::Display for Diag {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.field.is_empty() {
            write!(
                f,
                "{}:{}:{}: {}",
                self.file, self.line, self.col, self.message
            )
        } else {
            write!(
                f,
                "{}:{}:{}: {}: {}",
                self.file, self.line, self.col, self.field, self.message
            )
        }
    }
}

/// All problems found in one load; never empty when returned as an error.
#[derive(Debug, Clone)]
pub struct Diags(pub Vec<Diag>);

impl fmt::Display for Diags {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, d) in self.0.iter().enumerate() {
            if i > 0 {
                writeln!(f)?;
            }
            write!(f, "{d}")?;
        }
        Ok(())
    }
}

impl std::error::Error for Diags {}

/// An error with its exit code: 2 for bad input or usage, 1 for anything else, 130 when
/// the user interrupted a long run (its checkpoint is kept).
#[derive(Debug)]
pub enum Error {
    Input(String),
    Other(String),
    Interrupted(String),
}

impl Error {
    pub fn exit_code(&self) -> i32 {
        match self {
            Error::Input(_) => 2,
            Error::Other(_) => 1,
            Error::Interrupted(_) => 130,
        }
    }
    pub fn message(&self) -> &str {
        match self {
            Error::Input(m) | Error::Other(m) | Error::Interrupted(m) => m,
        }
    }
}

impl std::fmt::Display for Error {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.message())
    }
}

impl std::error::Error for Error {}

impl From<Diags> for Error {
    fn from(d: Diags) -> Self {
        // As written; the command line prints it in its --lang (`i18n::localize`).
        Error::Input(d.to_string())
    }
}

/// An I/O error on `path`, as an `Error::Other`.
pub fn io(path: &std::path::Path) -> impl Fn(std::io::Error) -> Error + '_ {
    move |e| Error::Other(format!("{}: {e}", path.display()))
}
