//! `run --save-draws FILE.npz`: the experiments table and outcomes per run, read back with
//! ndarray-npy; a p_met of indicators.csv is re-derived from it.

use std::fs::File;

use ndarray::Array2;
use ndarray_npy::NpzReader;

use crate::util::{TempDir, peakpath, read};

fn load(path: &std::path::Path) -> (Array2<f64>, Array2<f64>) {
    let mut npz = NpzReader::new(File::open(path).unwrap()).unwrap();
    let mut names = npz.names().unwrap();
    names.sort();
    assert_eq!(
        names,
        [
            "experiments",
            "experiments_columns",
            "outcomes",
            "outcomes_columns"
        ]
    );
    (
        npz.by_name("experiments").unwrap(),
        npz.by_name("outcomes").unwrap(),
    )
}

/// The unicode column names (`<U{n}` arrays, which ndarray-npy does not read): decoded by hand.
pub(crate) fn columns(path: &std::path::Path, name: &str) -> Vec<String> {
    let mut z = zip::ZipArchive::new(File::open(path).unwrap()).unwrap();
    let mut bytes = Vec::new();
    std::io::Read::read_to_end(&mut z.by_name(name).unwrap(), &mut bytes).unwrap();
    let hlen = u16::from_le_bytes([bytes[8], bytes[9]]) as usize;
    let header = std::str::from_utf8(&bytes[10..10 + hlen]).unwrap();
    let n: usize = header
        .split("'<U")
        .nth(1)
        .unwrap()
        .split('\'')
        .next()
        .unwrap()
        .parse()
        .unwrap();
    bytes[10 + hlen..]
        .chunks(4 * n)
        .map(|c| {
            c.chunks(4)
                .map(|b| u32::from_le_bytes([b[0], b[1], b[2], b[3]]))
                .filter(|&u| u != 0)
                .filter_map(char::from_u32)
                .collect()
        })
        .collect()
}

#[test]
fn saved_draws_rederive_p_met_and_follow_the_run_indices() {
    let tmp = TempDir::new("save-draws");
    let file = tmp.join("d.npz");
    peakpath([
        "run",
        "scenarios/review-2025.toml",
        "--runs",
        "6000",
        "--threads",
        "2",
        "--no-charts",
        "--save-draws",
        file.to_str().unwrap(),
        "--out",
        &tmp.arg("o"),
    ])
    .ok();
    let (e, o) = load(&file);
    let ecols = columns(&file, "experiments_columns.npy");
    let ocols = columns(&file, "outcomes_columns.npy");
    assert_eq!(e.shape(), [6000, ecols.len()]);
    assert_eq!(o.shape(), [6000, ocols.len()]);
    assert_eq!(ecols[0], "run");
    assert_eq!(ecols[1], "economy.growth.2025");
    assert!(
        (0..6000).all(|i| e[[i, 0]] == i as f64),
        "rows in run-index order"
    );
    // Re-derive indicator 4's 2025 p_met (PV capacity) over the kept runs.
    let kept = ocols.iter().position(|c| c == "kept").unwrap();
    let met = ocols.iter().position(|c| c == "met_4_2025").unwrap();
    let (mut n, mut k) = (0u64, 0u64);
    for i in 0..6000 {
        if o[[i, kept]] == 1.0 {
            n += 1;
            k += o[[i, met]] as u64;
        }
    }
    let mut rd = csv::Reader::from_path(tmp.join("o/indicators.csv")).unwrap();
    let h = rd.headers().unwrap().clone();
    let col = |name: &str| h.iter().position(|c| c == name).unwrap();
    let (id, year, p_met) = (col("id"), col("year"), col("p_met"));
    let p: f64 = rd
        .records()
        .map(|r| r.unwrap())
        .find(|r| &r[id] == "4" && &r[year] == "2025")
        .unwrap()[p_met]
        .parse()
        .unwrap();
    assert!(n > 0 && n < 6000, "observations reject some runs: {n}");
    assert_eq!(p, k as f64 / n as f64, "p_met of indicator 4 in 2025");
    // One file per shard: the same rows, split.
    for s in 1..=2 {
        peakpath([
            "run",
            "scenarios/review-2025.toml",
            "--runs",
            "6000",
            "--threads",
            "1",
            "--shard",
            &format!("{s}/2"),
            "--save-draws",
            tmp.join(format!("s{s}.npz")).to_str().unwrap(),
            "--out",
            &tmp.arg(&format!("s{s}")),
        ])
        .ok();
    }
    let (e2, o2) = load(&tmp.join("s2.npz"));
    assert_eq!(e2.shape()[0], 3000);
    assert_eq!(e2.row(0), e.row(3000));
    assert_eq!(o2.row(17), o.row(3017));
    // Byte-identical whatever the thread count.
    peakpath([
        "run",
        "scenarios/review-2025.toml",
        "--runs",
        "6000",
        "--threads",
        "1",
        "--no-charts",
        "--save-draws",
        tmp.join("t1.npz").to_str().unwrap(),
        "--out",
        &tmp.arg("t1"),
    ])
    .ok();
    assert!(
        read(&file) == read(tmp.join("t1.npz")),
        "npz bytes differ across threads"
    );
}
