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

use std::fs::{File, OpenOptions};
use std::io::{Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};

use ndarray::ArrayView2;
use ndarray_npy::WritableElement;

use crate::error::{Error, io as io_err};
use crate::indicators::TARGET_YEARS;
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

fn part(path: &Path, name: &str) -> PathBuf {
    let mut s = path.as_os_str().to_owned();
    s.push(format!(".{name}.npy.part"));
    PathBuf::from(s)
}

impl DrawsFile {
    /// Prepare `path` for runs `start..end` of `sc`; with `resume`, keep rows already written.
    pub fn create(
        path: &Path,
        sc: &Scenario,
        start: u64,
        end: u64,
        resume: bool,
    ) -> Result<Self, Error> {
        if path.extension().and_then(|e| e.to_str()) != Some("npz") {
            return Err(Error::Input(format!(
                "--save-draws: expected a file name ending in .npz, found {}",
                path.display()
            )));
        }
        let mut experiment_columns = vec!["run".to_string()];
        experiment_columns.extend(sc.uncertain.iter().map(|&p| sc.params[p].path.clone()));
        let mut outcome_columns = vec![
            "kept".to_string(),
            format!("peaked_by_{}", sc.spec.options.peak_by),
            "peak_year".into(),
        ];
        outcome_columns.extend(TARGET_YEARS.iter().map(|y| format!("co2_{y}")));
        let mut met = Vec::new();
        for (i, d) in sc.indicators.defs().iter().enumerate() {
            for (k, y) in TARGET_YEARS.iter().enumerate() {
                if sc.indicators.target(i, k).is_some() {
                    met.push((i, k));
                    outcome_columns.push(format!("met_{}_{y}", d.id));
                }
            }
        }
        let widths = [experiment_columns.len(), outcome_columns.len()];
        let rows = end - start;
        let parts = [part(path, "experiments"), part(path, "outcomes")];
        let mut data_at = [0u64; 2];
        let mut open = Vec::new();
        for (j, p) in parts.iter().enumerate() {
            let bytes = rows * widths[j] as u64 * 8;
            let reuse = resume
                && std::fs::metadata(p).is_ok_and(|m| m.len() >= bytes && m.len() - bytes < 4096);
            let f = if reuse {
                OpenOptions::new()
                    .read(true)
                    .write(true)
                    .open(p)
                    .map_err(io_err(p))?
            } else {
                let f = File::create(p).map_err(io_err(p))?;
                ndarray_npy::write_zeroed_npy::<f64, _>(&f, (rows as usize, widths[j]))
                    .map_err(|e| Error::Other(format!("{}: {e}", p.display())))?;
                f
            };
            let len = f.metadata().map_err(io_err(p))?.len();
            data_at[j] = len - bytes;
            open.push(f);
        }
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
            TARGET_YEARS
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

    /// Copy the parts into `FILE.npz` with the column names, and remove them.
    pub fn finish(self) -> Result<PathBuf, Error> {
        let out = &self.path;
        let tmp = {
            let mut s = out.as_os_str().to_owned();
            s.push(".tmp");
            PathBuf::from(s)
        };
        let err = |e: zip::result::ZipError| Error::Other(format!("{}: {e}", out.display()));
        let opts = zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Stored)
            .large_file(true)
            .last_modified_time(zip::DateTime::default());
        let mut z = zip::ZipWriter::new(File::create(&tmp).map_err(io_err(&tmp))?);
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
        std::fs::rename(&tmp, out).map_err(io_err(out))?;
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
