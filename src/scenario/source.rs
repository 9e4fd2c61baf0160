//! Scenario files as text: loading, `extends` chains, and a spanned value tree.
//!
//! Each file is parsed with `toml`'s spanned parser into [`Node`]s that remember the file and
//! byte offset they came from, so that every later error can name `file:line:col`. Files
//! that extend another are merged table by table; a table whose keys are years (a path, a mix,
//! a set of periods) is replaced whole, never mixed milestone by milestone.

use std::collections::{BTreeMap, HashMap};
use std::fmt;
use std::path::{Path, PathBuf};

use toml::de::{DeTable, DeValue};

/// The largest scenario file accepted (a guard against junk, not a real limit).
pub const MAX_FILE_BYTES: usize = 4 << 20;
/// The longest `extends` chain accepted.
pub const MAX_EXTENDS_DEPTH: usize = 32;

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

/// One loaded file's text and where its lines start.
#[derive(Debug, Clone)]
pub struct SourceFile {
    /// As shown to the user: the path as given, or `<embedded>/plan.toml`.
    pub name: String,
    pub text: String,
    line_starts: Vec<usize>,
}

impl SourceFile {
    pub fn new(name: String, text: String) -> Self {
        let mut line_starts = vec![0];
        line_starts.extend(text.match_indices('\n').map(|(i, _)| i + 1));
        SourceFile {
            name,
            text,
            line_starts,
        }
    }

    /// 1-based line and column (in characters) of a byte offset.
    pub fn line_col(&self, offset: usize) -> (usize, usize) {
        let offset = offset.min(self.text.len());
        let line = self.line_starts.partition_point(|&s| s <= offset);
        let start = self.line_starts[line - 1];
        let col = self
            .text
            .get(start..offset)
            .map_or(1, |s| s.chars().count() + 1);
        (line, col)
    }
}

/// Where a value came from: file index into [`Sources`] and byte offset.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Loc {
    pub file: usize,
    pub offset: usize,
}

/// All files read for one scenario, the root first.
#[derive(Debug, Clone, Default)]
pub struct Sources {
    pub files: Vec<SourceFile>,
    /// The index in `files` of the plan file the scenario names (`plan = "…"`), if any.
    pub plan: Option<usize>,
}

impl Sources {
    pub fn diag(&self, at: Loc, field: &str, message: impl Into<String>) -> Diag {
        let f = &self.files[at.file];
        let (line, col) = f.line_col(at.offset);
        Diag {
            file: f.name.clone(),
            line,
            col,
            field: field.to_string(),
            message: message.into(),
        }
    }
}

/// A value of the merged tree.
#[derive(Debug, Clone)]
pub struct Node {
    pub at: Loc,
    pub kind: Kind,
}

#[derive(Debug, Clone)]
pub enum Kind {
    /// Entries in file order: key, where the key stands, value.
    Table(Vec<(String, Loc, Node)>),
    Str(String),
    Int(i64),
    Float(f64),
    Bool(bool),
    Array(Vec<Node>),
    Datetime,
}

impl Node {
    pub fn type_name(&self) -> &'static str {
        match &self.kind {
            Kind::Table(_) => "a table",
            Kind::Str(_) => "a string",
            Kind::Int(_) => "an integer",
            Kind::Float(_) => "a float",
            Kind::Bool(_) => "a boolean",
            Kind::Array(_) => "an array",
            Kind::Datetime => "a date-time",
        }
    }

    /// Short rendering of the value for "found …".
    pub fn found(&self) -> String {
        match &self.kind {
            Kind::Str(s) => {
                let s: String = s.chars().take(60).collect();
                format!("\"{s}\"")
            }
            Kind::Int(i) => i.to_string(),
            Kind::Float(f) => f.to_string(),
            Kind::Bool(b) => b.to_string(),
            other => Node {
                at: self.at,
                kind: other.clone(),
            }
            .type_name()
            .to_string(),
        }
    }

    pub fn entries(&self) -> Option<&[(String, Loc, Node)]> {
        match &self.kind {
            Kind::Table(e) => Some(e),
            _ => None,
        }
    }

    pub fn get(&self, key: &str) -> Option<&Node> {
        self.entries()?
            .iter()
            .find(|(k, _, _)| k == key)
            .map(|(_, _, n)| n)
    }
}

/// A number as shown in a message: as written for ordinary magnitudes, in exponent form
/// when that is much shorter (`1e308`, not 309 digits).
pub fn show_num(x: f64) -> String {
    let plain = x.to_string();
    if plain.len() <= 15 {
        return plain;
    }
    let exp = format!("{x:e}");
    if exp.len() < plain.len() { exp } else { plain }
}

pub fn is_year_key(k: &str) -> bool {
    k.len() == 4 && k.bytes().all(|b| b.is_ascii_digit())
}

fn convert(v: &toml::Spanned<DeValue<'_>>, file: usize) -> Node {
    let at = Loc {
        file,
        offset: v.span().start,
    };
    let kind = match v.get_ref() {
        DeValue::String(s) => Kind::Str(s.to_string()),
        DeValue::Integer(i) => {
            let digits = i.as_str().replace('_', "");
            let (neg, body) = match digits.strip_prefix('-') {
                Some(b) => (true, b.to_string()),
                None => (false, digits.trim_start_matches('+').to_string()),
            };
            let body = body
                .trim_start_matches("0x")
                .trim_start_matches("0o")
                .trim_start_matches("0b")
                .to_string();
            match i64::from_str_radix(&body, i.radix()) {
                Ok(x) => Kind::Int(if neg { -x } else { x }),
                // Beyond i64: keep its magnitude so that range checks report the number
                // written (1e20), not "inf".
                Err(_) => {
                    let x = if i.radix() == 10 {
                        body.parse().unwrap_or(f64::INFINITY)
                    } else {
                        f64::INFINITY
                    };
                    Kind::Float(if neg { -x } else { x })
                }
            }
        }
        DeValue::Float(f) => {
            let s = f.as_str().replace('_', "");
            let x = match s.trim_start_matches('+') {
                "inf" => f64::INFINITY,
                "-inf" => f64::NEG_INFINITY,
                "nan" | "-nan" => f64::NAN,
                other => other.parse().unwrap_or(f64::NAN),
            };
            Kind::Float(x)
        }
        DeValue::Boolean(b) => Kind::Bool(*b),
        DeValue::Datetime(_) => Kind::Datetime,
        DeValue::Array(a) => Kind::Array(a.iter().map(|e| convert(e, file)).collect()),
        DeValue::Table(t) => Kind::Table(convert_table(t, file)),
    };
    Node { at, kind }
}

fn convert_table(t: &DeTable<'_>, file: usize) -> Vec<(String, Loc, Node)> {
    t.iter()
        .map(|(k, v)| {
            (
                k.get_ref().to_string(),
                Loc {
                    file,
                    offset: k.span().start,
                },
                convert(v, file),
            )
        })
        .collect()
}

/// Where scenario files are read from: the disk, or the set embedded in the binary.
pub trait FileSystem {
    fn read(&self, path: &Path) -> Result<String, String>;
    /// A stable identity of the file, for cycle detection.
    fn canonical(&self, path: &Path) -> PathBuf;
    fn display(&self, path: &Path) -> String {
        path.display().to_string()
    }
}

pub struct Disk;

impl FileSystem for Disk {
    fn read(&self, path: &Path) -> Result<String, String> {
        let meta = std::fs::metadata(path).map_err(|e| io_phrase(&e))?;
        if meta.is_dir() {
            return Err("expected a file, found a directory".into());
        }
        if meta.len() as usize > MAX_FILE_BYTES {
            return Err(format!(
                "expected a scenario file under {} MiB, found {} bytes",
                MAX_FILE_BYTES >> 20,
                meta.len()
            ));
        }
        // The length above is 0 for a device or a pipe (`extends = "/dev/zero"`), so the read
        // itself is bounded too: never more than one byte past the limit.
        let mut bytes = Vec::new();
        std::fs::File::open(path)
            .and_then(|f| {
                std::io::Read::read_to_end(
                    &mut std::io::Read::take(f, MAX_FILE_BYTES as u64 + 1),
                    &mut bytes,
                )
            })
            .map_err(|e| io_phrase(&e))?;
        if bytes.len() > MAX_FILE_BYTES {
            return Err(format!(
                "expected a scenario file under {} MiB, found more than {MAX_FILE_BYTES} bytes",
                MAX_FILE_BYTES >> 20
            ));
        }
        String::from_utf8(bytes).map_err(|e| {
            format!(
                "expected UTF-8 text, found invalid bytes at byte {} (save the file as UTF-8)",
                e.utf8_error().valid_up_to()
            )
        })
    }
    fn canonical(&self, path: &Path) -> PathBuf {
        std::fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf())
    }
}

fn io_phrase(e: &std::io::Error) -> String {
    match e.kind() {
        std::io::ErrorKind::NotFound => "file not found".into(),
        std::io::ErrorKind::PermissionDenied => "permission denied".into(),
        _ => e.to_string(),
    }
}

/// The scenarios shipped in `scenarios/`, embedded so that `peakpath run` works anywhere.
pub struct Embedded;

pub const EMBEDDED: &[(&str, &str)] = &[
    (
        "baseline.toml",
        include_str!("../../scenarios/baseline.toml"),
    ),
    ("plan.toml", include_str!("../../scenarios/plan.toml")),
    (
        "enhanced.toml",
        include_str!("../../scenarios/enhanced.toml"),
    ),
];

pub const EMBEDDED_PREFIX: &str = "<embedded>";

impl FileSystem for Embedded {
    fn read(&self, path: &Path) -> Result<String, String> {
        let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
        EMBEDDED
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(_, t)| t.to_string())
            .ok_or_else(|| "no such embedded scenario".to_string())
    }
    fn canonical(&self, path: &Path) -> PathBuf {
        path.to_path_buf()
    }
}

/// Files held in memory (name → text), as saved in a partial result.
pub struct Memory(pub Vec<(String, String)>);

impl FileSystem for Memory {
    fn read(&self, path: &Path) -> Result<String, String> {
        let key = path.display().to_string();
        self.0
            .iter()
            .find(|(n, _)| *n == key)
            .map(|(_, t)| t.clone())
            .ok_or_else(|| "not saved with the partial result".to_string())
    }
    fn canonical(&self, path: &Path) -> PathBuf {
        path.to_path_buf()
    }
}

/// Read a file and its `extends` chain, and merge them. The root file is `sources.files[0]`.
pub fn load_tree(fs: &dyn FileSystem, path: &Path) -> Result<(Node, Sources), Diags> {
    let mut sources = Sources::default();
    let mut stack: Vec<(PathBuf, String)> = Vec::new();
    let node = load_rec(fs, path, None, &mut sources, &mut stack)?;
    Ok((node, sources))
}

fn load_rec(
    fs: &dyn FileSystem,
    path: &Path,
    from: Option<Loc>,
    sources: &mut Sources,
    stack: &mut Vec<(PathBuf, String)>,
) -> Result<Node, Diags> {
    let fail_at = |sources: &Sources, msg: String| -> Diags {
        match from {
            Some(at) => Diags(vec![sources.diag(at, "extends", msg)]),
            None => Diags(vec![Diag {
                file: fs.display(path),
                line: 1,
                col: 1,
                field: String::new(),
                message: msg,
            }]),
        }
    };
    let canon = fs.canonical(path);
    if let Some(pos) = stack.iter().position(|(p, _)| *p == canon) {
        // Name the files as the user wrote them (relative to where they were given), not by
        // their canonical absolute paths, which differ from machine to machine.
        let chain: Vec<String> = stack[pos..]
            .iter()
            .map(|(_, name)| name.clone())
            .chain([fs.display(path)])
            .collect();
        return Err(fail_at(
            sources,
            format!(
                "expected a chain of files without a loop, found a cycle: {}",
                chain.join(" → ")
            ),
        ));
    }
    if stack.len() >= MAX_EXTENDS_DEPTH {
        return Err(fail_at(
            sources,
            format!("expected at most {MAX_EXTENDS_DEPTH} levels of extends, found more"),
        ));
    }
    let text = fs.read(path).map_err(|e| {
        let msg = if from.is_some() {
            format!(
                "expected a readable scenario file at {}, found: {e}",
                fs.display(path)
            )
        } else {
            e
        };
        fail_at(sources, msg)
    })?;
    // A byte-order mark from a spreadsheet or Notepad is harmless: skip it.
    let body = text.strip_prefix('\u{feff}').unwrap_or(&text).to_string();
    let file = sources.files.len();
    let name = fs.display(path);
    if body.trim().is_empty() {
        return Err(Diags(vec![Diag {
            file: name,
            line: 1,
            col: 1,
            field: String::new(),
            message: "expected a scenario (TOML tables such as [economy]), found an empty file"
                .into(),
        }]));
    }
    sources.files.push(SourceFile::new(name, body));
    let parsed = {
        let text = &sources.files[file].text;
        match DeTable::parse(text) {
            Ok(t) => Ok(Node {
                at: Loc { file, offset: 0 },
                kind: Kind::Table(convert_table(t.get_ref(), file)),
            }),
            Err(e) => {
                let offset = e.span().map_or(0, |s| s.start);
                let msg = e.message().trim().replace('\n', " ");
                Err(offset_diag(
                    sources,
                    file,
                    offset,
                    format!("invalid TOML: {msg}"),
                ))
            }
        }
    }?;
    if parsed.entries().is_some_and(<[_]>::is_empty) {
        // Without this, a file of comments alone would list every missing field (dozens
        // of lines) instead of saying what is wrong.
        return Err(offset_diag(
            sources,
            file,
            0,
            "expected a scenario (TOML tables such as [economy]), found only comments and blank lines".into(),
        ));
    }
    // `extends` belongs at the top of a file; one inside a table would be dropped silently.
    if let Kind::Table(entries) = &parsed.kind {
        let mut nested = Vec::new();
        for (k, _, v) in entries {
            nested_extends(v, k, &mut nested);
        }
        if !nested.is_empty() {
            return Err(Diags(
                nested
                    .into_iter()
                    .map(|(field, at)| {
                        sources.diag(
                            at,
                            &field,
                            "expected `extends` only at the top of the file (before any [table]), found it inside a table",
                        )
                    })
                    .collect(),
            ));
        }
    }
    let Some(ext) = parsed.get("extends") else {
        return Ok(parsed);
    };
    let Kind::Str(rel) = &ext.kind else {
        return Err(Diags(vec![sources.diag(
            ext.at,
            "extends",
            format!("expected a file name as a string, found {}", ext.found()),
        )]));
    };
    let parent_path = path.parent().unwrap_or(Path::new("")).join(rel);
    stack.push((canon, fs.display(path)));
    let parent = load_rec(fs, &parent_path, Some(ext.at), sources, stack)?;
    stack.pop();
    Ok(merge(parent, parsed))
}

/// Every `extends` key below the top of a file, as (field path, where the key stands).
fn nested_extends(n: &Node, path: &str, out: &mut Vec<(String, Loc)>) {
    match &n.kind {
        Kind::Table(e) => {
            for (k, kl, v) in e {
                let p = format!("{path}.{k}");
                if k == "extends" {
                    out.push((p.clone(), *kl));
                }
                nested_extends(v, &p, out);
            }
        }
        Kind::Array(items) => {
            for (i, v) in items.iter().enumerate() {
                nested_extends(v, &format!("{path}[{i}]"), out);
            }
        }
        _ => {}
    }
}

fn offset_diag(sources: &Sources, file: usize, offset: usize, msg: String) -> Diags {
    Diags(vec![sources.diag(Loc { file, offset }, "", msg)])
}

/// `child` overrides `parent`, table by table; paths (year-keyed tables) replace whole.
pub fn merge(parent: Node, child: Node) -> Node {
    match (parent.kind, child.kind) {
        // A table whose keys look like years is a path: replaced whole when overridden.
        (Kind::Table(mut pe), Kind::Table(ce)) if !ce.iter().any(|(k, _, _)| is_year_key(k)) => {
            // Keys are looked up by hash: a linear search per key made a file of 200,000
            // keys take minutes (quadratic) to merge.
            let mut index: HashMap<String, usize> = HashMap::with_capacity(pe.len());
            for (i, (k, _, _)) in pe.iter().enumerate() {
                index.entry(k.clone()).or_insert(i);
            }
            for (k, kl, cv) in ce {
                if k == "extends" {
                    continue;
                }
                if let Some(slot) = index.get(&k).map(|&i| &mut pe[i]) {
                    let old = std::mem::replace(
                        &mut slot.2,
                        Node {
                            at: cv.at,
                            kind: Kind::Bool(false),
                        },
                    );
                    slot.2 = merge(old, cv);
                    slot.1 = kl;
                } else {
                    index.insert(k.clone(), pe.len());
                    pe.push((k, kl, cv));
                }
            }
            Node {
                at: child.at,
                kind: Kind::Table(pe),
            }
        }
        (_, ck) => Node {
            at: child.at,
            kind: ck,
        },
    }
}

/// Turn the merged tree back into plain JSON (for `resolve` and hashing).
pub fn to_json(n: &Node) -> serde_json::Value {
    match &n.kind {
        Kind::Table(e) => {
            let m: serde_json::Map<String, serde_json::Value> =
                e.iter().map(|(k, _, v)| (k.clone(), to_json(v))).collect();
            serde_json::Value::Object(m)
        }
        Kind::Str(s) => s.clone().into(),
        Kind::Int(i) => (*i).into(),
        Kind::Float(f) => {
            serde_json::Number::from_f64(*f).map_or(serde_json::Value::Null, Into::into)
        }
        Kind::Bool(b) => (*b).into(),
        Kind::Array(a) => a.iter().map(to_json).collect(),
        Kind::Datetime => serde_json::Value::Null,
    }
}

/// Keys that a table may hold, with a "did you mean" for near misses.
pub fn suggest<'a>(key: &str, allowed: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    let mut best: BTreeMap<usize, &str> = BTreeMap::new();
    for a in allowed {
        let d = strsim::damerau_levenshtein(key, a);
        if d <= 2 || (d <= 3 && key.len() > 8) || a.starts_with(key) && key.len() >= 3 {
            best.entry(d).or_insert(a);
        }
    }
    best.into_values().next()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_col_counts_characters() {
        let f = SourceFile::new("x".into(), "a = 1\n中文 = 2\n".into());
        assert_eq!(f.line_col(0), (1, 1));
        assert_eq!(f.line_col(6), (2, 1));
        assert_eq!(f.line_col(6 + "中文 ".len()), (2, 4));
    }

    #[test]
    fn numbers_in_messages_stay_short() {
        assert_eq!(show_num(1e308), "1e308");
        assert_eq!(show_num(-2.5e20), "-2.5e20");
        assert_eq!(show_num(1e9), "1000000000");
        assert_eq!(show_num(0.1 + 0.2), "0.30000000000000004");
        assert_eq!(show_num(1e-6), "0.000001");
        assert_eq!(show_num(f64::NAN), "NaN");
    }

    #[test]
    fn merging_many_keys_is_not_quadratic() {
        // 200,000 new keys merged into a table: minutes with a linear search per key.
        let n = 200_000;
        let at = Loc { file: 0, offset: 0 };
        let table = |keys: Vec<String>| Node {
            at,
            kind: Kind::Table(
                keys.into_iter()
                    .map(|k| {
                        (
                            k,
                            at,
                            Node {
                                at,
                                kind: Kind::Int(1),
                            },
                        )
                    })
                    .collect(),
            ),
        };
        let parent = table(vec!["a".into(), "k7".into()]);
        let child = table((0..n).map(|i| format!("k{i}")).collect());
        let start = std::time::Instant::now();
        let merged = merge(parent, child);
        assert_eq!(merged.entries().unwrap().len(), n + 1);
        assert_eq!(merged.entries().unwrap()[1].0, "k7");
        assert!(start.elapsed().as_secs() < 30, "{:?}", start.elapsed());
    }

    #[test]
    fn suggestions() {
        assert_eq!(
            suggest("delivry", ["delivery", "capacity_mw"]),
            Some("delivery")
        );
        assert_eq!(suggest("zzz", ["delivery"]), None);
    }
}
