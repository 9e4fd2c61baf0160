//! `run --save-draws FILE.npz`: the experiments table and chosen outcomes of every drawn
//! run, for EMA Workbench, SALib or pandas.
//!
//! `FILE.npz` (NumPy's zip of `.npy` arrays, uncompressed) holds
//! - `experiments` (float64, runs × (1 + k)): the run index, then every uncertain input;
//! - `experiments_columns` (unicode, 1 + k): `run`, then the inputs' field paths;
//! - `outcomes` (float64, runs × m): `kept` (1 when the run lies within every observation's
//!   tolerance, MODEL.md §11; else 0), `peaked_by_<year>` (1/0), `peak_year` (NaN when not
//!   peaked within the horizon, MODEL.md §7), energy CO₂ of
//!   every target year (`co2_2025`, `co2_2030`, 万t), and `met_<id>_<year>` (1/0, NaN for no
//!   value) for every indicator with a target in the scenario;
//! - `outcomes_columns` (unicode, m).
//!
//! Rows are in run-index order, every run drawn (kept or not). While the run goes, rows are
//! written batch by batch into two `.npy` files beside `FILE` (created full-size and sparse
//! by `ndarray_npy::write_zeroed_npy`, each row written at its place), so memory does not
//! grow with the number of runs; at the end they are copied into `FILE.npz` and removed. A
//! shard writes the rows of its own run indices (give each shard its own file).
//!
//! Every file here is created as peakpath creates any file ([`crate::output::temp_file`]:
//! exclusively, under a random name in `FILE`'s folder, never through a planted link); the
//! parts' names are kept in the run's checkpoint, so `--resume` finds exactly them, and
//! `FILE.npz` is renamed into place whole. The target is checked before any run is drawn
//! ([`check_target`]).

use std::fs::{File, OpenOptions};
use std::io::{Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};

use ndarray::ArrayView2;
use ndarray_npy::WritableElement;

use crate::error::{Error, io as io_err};
use crate::model::{Trajectory, Var};
use crate::scenario::Scenario;

/// An open `--save-draws` target.
pub struct DrawsFile {
    path: PathBuf,
    parts: [PathBuf; 2],
    /// Row widths of `experiments` and `outcomes`.
    widths: [usize; 2],
    /// Run indices `start..end` go to rows `0..end-start`.
    start: u64,
    rows: u64,
    /// Where each part's data begins (after its `.npy` header).
    data_at: [u64; 2],
    files: [File; 2],
    pub experiment_columns: Vec<String>,
    pub outcome_columns: Vec<String>,
    /// `(indicator, target year)` of every `met_*` column.
    met: Vec<(usize, usize)>,
}

/// The folder of `path` (`.` for a bare file name).
fn folder_of(path: &Path) -> &Path {
    path.parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."))
}

/// Check a `--save-draws` target before any run is drawn: a name ending in `.npz`, not a
/// folder, in a folder that exists and can take new files. Anything else is bad input
/// (exit 2), found out before the Monte Carlo, not after it.
pub fn check_target(path: &Path) -> Result<(), Error> {
    if path.extension().and_then(|e| e.to_str()) != Some("npz") {
        return Err(Error::Input(format!(
            "--save-draws: expected a file name ending in .npz, found {}",
            path.display()
        )));
    }
    if path.is_dir() {
        return Err(Error::Input(format!(
            "--save-draws: expected a file name, found the folder {}",
            path.display()
        )));
    }
    let dir = folder_of(path);
    if !dir.is_dir() {
        return Err(Error::Input(format!(
            "--save-draws: expected {} in an existing folder, found no folder {}",
            path.display(),
            dir.display()
        )));
    }
    tempfile::tempfile_in(dir).map_err(|e| {
        Error::Input(format!(
            "--save-draws: {}: the folder cannot take new files: {e}",
            dir.display()
        ))
    })?;
    Ok(())
}

/// The parts of an unfinished draws file, recorded in the run's checkpoint: the target as
/// given and the names of its two parts in the target's folder.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct DrawsParts {
    pub file: PathBuf,
    pub parts: [String; 2],
}

/// Open a part recorded in a checkpoint: a plain name in `dir`, never through a link.
fn reopen(dir: &Path, name: &str) -> Result<(PathBuf, File), Error> {
    let p = dir.join(name);
    if name.contains('/') || name.contains('\\') || name.starts_with("..") || name.is_empty() {
        return Err(Error::Input(format!(
            "--resume --save-draws: expected the name of a part of the draws file, found {name:?}"
        )));
    }
    let mut o = OpenOptions::new();
    o.read(true).write(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        o.custom_flags(libc::O_NOFOLLOW);
    }
    let f = o.open(&p).map_err(|e| {
        Error::Input(format!(
            "{}: --resume --save-draws: expected the rows the interrupted run wrote, found none ({e}); rerun without --resume (and --force) to draw every run again",
            p.display()
        ))
    })?;
    Ok((p, f))
}

impl DrawsFile {
    /// Prepare `path` for runs `start..end` of `sc`; with the parts of an interrupted run
    /// (`resume`, from its checkpoint), keep the rows already written.
    pub fn create(
        path: &Path,
        sc: &Scenario,
        start: u64,
        end: u64,
        resume: Option<&DrawsParts>,
    ) -> Result<Self, Error> {
        check_target(path)?;
        let mut experiment_columns = vec!["run".to_string()];
        experiment_columns.extend(sc.uncertain.iter().map(|&p| sc.params[p].path.clone()));
        let mut outcome_columns = vec![
            "kept".to_string(),
            format!("peaked_by_{}", sc.spec.options.peak_by),
            "peak_year".into(),
        ];
        let years = sc.indicators.years();
        outcome_columns.extend(years.iter().map(|y| format!("co2_{y}")));
        let mut met = Vec::new();
        for (i, d) in sc.indicators.defs().iter().enumerate() {
            for (k, y) in years.iter().enumerate() {
                if sc.indicators.target(i, k).is_some() {
                    met.push((i, k));
                    outcome_columns.push(format!("met_{}_{y}", d.id));
                }
            }
        }
        let widths = [experiment_columns.len(), outcome_columns.len()];
        let rows = end - start;
        let dir = folder_of(path);
        let mut data_at = [0u64; 2];
        let mut open = Vec::new();
        let mut parts = Vec::new();
        for (j, name) in ["experiments", "outcomes"].iter().enumerate() {
            let bytes = rows * widths[j] as u64 * 8;
            let (p, f) = match resume {
                Some(r) => {
                    let (p, f) = reopen(dir, &r.parts[j])?;
                    let len = f.metadata().map_err(io_err(&p))?.len();
                    if !(len >= bytes && len - bytes < 4096) {
                        return Err(Error::Input(format!(
                            "{}: --resume --save-draws: expected a part of {bytes} bytes of rows and its header, found {len} bytes; rerun without --resume (and --force) to draw every run again",
                            p.display()
                        )));
                    }
                    (p, f)
                }
                None => {
                    let t = crate::output::temp_file(path, &format!(".{name}.npy.part"))
                        .map_err(io_err(dir))?;
                    // Kept past this process: an interrupted run resumes into it.
                    let (f, p) = t.keep().map_err(|e| io_err(dir)(e.error))?;
                    ndarray_npy::write_zeroed_npy::<f64, _>(&f, (rows as usize, widths[j]))
                        .map_err(|e| {
                            let _ = std::fs::remove_file(&p);
                            Error::Other(format!("{}: {e}", p.display()))
                        })?;
                    (p, f)
                }
            };
            let len = f.metadata().map_err(io_err(&p))?.len();
            data_at[j] = len - bytes;
            open.push(f);
            parts.push(p);
        }
        let parts: [PathBuf; 2] = parts
            .try_into()
            .map_err(|_| Error::Other("draws file".into()))?;
        let [a, b]: [File; 2] = open
            .try_into()
            .map_err(|_| Error::Other("draws file".into()))?;
        Ok(DrawsFile {
            path: path.to_path_buf(),
            parts,
            widths,
            start,
            rows,
            data_at,
            files: [a, b],
            experiment_columns,
            outcome_columns,
            met,
        })
    }

    /// The outcome values of one run (see the module docs).
    pub fn outcomes(
        &self,
        sc: &Scenario,
        values: &[f64],
        tr: &Trajectory,
        kept: bool,
        out: &mut Vec<f64>,
    ) {
        out.push(if kept { 1.0 } else { 0.0 });
        let peak = tr.peak(&sc.spec.options);
        out.push(if peak.peaked_by { 1.0 } else { 0.0 });
        out.push(peak.year.map_or(f64::NAN, f64::from));
        out.extend(
            sc.indicators
                .years()
                .iter()
                .map(|&y| tr.at(Var::Co2, y).unwrap_or(f64::NAN)),
        );
        for &(i, k) in &self.met {
            out.push(match sc.indicators.met(i, k, &sc.spec, values, tr) {
                Some(true) => 1.0,
                Some(false) => 0.0,
                None => f64::NAN,
            });
        }
    }

    /// What a checkpoint records to resume into these parts.
    pub fn parts(&self) -> DrawsParts {
        let name = |p: &PathBuf| {
            p.file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default()
        };
        DrawsParts {
            file: self.path.clone(),
            parts: [name(&self.parts[0]), name(&self.parts[1])],
        }
    }

    /// Row width as [`crate::engine::export::monte_carlo_rows`] produces it.
    pub fn width(&self) -> usize {
        self.widths[0] + self.widths[1]
    }

    /// Write the rows of runs `from..` (as produced, `width()` values each) at their place.
    pub fn write(&mut self, from: u64, rows: &[f64]) -> Result<(), Error> {
        let w = self.width();
        let n = rows.len() / w;
        let view = ArrayView2::from_shape((n, w), rows)
            .map_err(|e| Error::Other(format!("--save-draws: {e}")))?;
        let first = from - self.start;
        for j in 0..2 {
            let cols = if j == 0 {
                0..self.widths[0]
            } else {
                self.widths[0]..w
            };
            let block = view.slice(ndarray::s![.., cols]).to_owned();
            let f = &mut self.files[j];
            f.seek(SeekFrom::Start(
                self.data_at[j] + first * self.widths[j] as u64 * 8,
            ))
            .map_err(io_err(&self.parts[j]))?;
            let mut buf = std::io::BufWriter::new(&mut *f);
            f64::write_slice(block.as_slice().unwrap_or_default(), &mut buf)
                .map_err(|e| Error::Other(format!("{}: {e}", self.parts[j].display())))?;
            buf.flush().map_err(io_err(&self.parts[j]))?;
        }
        Ok(())
    }

    /// Copy the parts into `FILE.npz` with the column names (through a [`temp_file`] renamed
    /// into place: on any error nothing is left but the parts), and remove the parts.
    ///
    /// [`temp_file`]: crate::output::temp_file
    pub fn finish(self) -> Result<PathBuf, Error> {
        let out = &self.path;
        let tmp = crate::output::temp_file(out, ".tmp").map_err(io_err(out))?;
        let err = |e: zip::result::ZipError| Error::Other(format!("{}: {e}", out.display()));
        let opts = zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Stored)
            .large_file(true)
            .last_modified_time(zip::DateTime::default());
        let mut z = zip::ZipWriter::new(tmp.as_file());
        for (j, name) in ["experiments", "outcomes"].iter().enumerate() {
            z.start_file(format!("{name}.npy"), opts).map_err(err)?;
            let mut f = File::open(&self.parts[j]).map_err(io_err(&self.parts[j]))?;
            std::io::copy(&mut f, &mut z).map_err(io_err(out))?;
            let cols = if j == 0 {
                &self.experiment_columns
            } else {
                &self.outcome_columns
            };
            z.start_file(format!("{name}_columns.npy"), opts)
                .map_err(err)?;
            z.write_all(&unicode_npy(cols)).map_err(io_err(out))?;
        }
        z.finish().map_err(err)?;
        tmp.as_file().sync_all().map_err(io_err(out))?;
        tmp.persist(out).map_err(|e| io_err(out)(e.error))?;
        for p in &self.parts {
            let _ = std::fs::remove_file(p);
        }
        let _ = self.rows;
        Ok(out.clone())
    }
}

/// A one-dimensional NumPy unicode array (`<U{n}`, UTF-32 little endian) as `.npy` bytes.
fn unicode_npy(items: &[String]) -> Vec<u8> {
    let n = items
        .iter()
        .map(|s| s.chars().count())
        .max()
        .unwrap_or(1)
        .max(1);
    let dict = format!(
        "{{'descr': '<U{n}', 'fortran_order': False, 'shape': ({},), }}",
        items.len()
    );
    // Magic, version 1.0, header length; the header is padded with spaces to a multiple of
    // 64 bytes in all, ending in a newline (NEP 1 / numpy.lib.format).
    let unpadded = 10 + dict.len() + 1;
    let total = unpadded.div_ceil(64) * 64;
    let mut out = b"\x93NUMPY\x01\x00".to_vec();
    out.extend_from_slice(&((total - 10) as u16).to_le_bytes());
    out.extend_from_slice(dict.as_bytes());
    out.resize(total - 1, b' ');
    out.push(b'\n');
    for s in items {
        let mut k = 0;
        for c in s.chars() {
            out.extend_from_slice(&(c as u32).to_le_bytes());
            k += 1;
        }
        for _ in k..n {
            out.extend_from_slice(&0u32.to_le_bytes());
        }
    }
    out
}
