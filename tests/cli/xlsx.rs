//! `--xlsx`: results.xlsx read back with calamine equals the CSV files, cell by cell.

use std::path::Path;

use calamine::{Data, Reader, Xlsx, open_workbook};

use crate::util::{TempDir, peakpath, read, read_string};

/// The CSV file as header + rows of text (the csv crate, so quoted fields are honoured).
fn csv_table(p: &Path) -> (Vec<String>, Vec<Vec<String>>) {
    let text = read_string(p);
    let mut r = csv::Reader::from_reader(text.as_bytes());
    let header = r.headers().unwrap().iter().map(str::to_string).collect();
    let rows = r
        .records()
        .map(|x| x.unwrap().iter().map(str::to_string).collect())
        .collect();
    (header, rows)
}

/// Sheet `sheet` of `book` holds exactly the table of `csv`: the header names (a unit in
/// parentheses may follow), every cell (numbers as numbers equal to the CSV's, text as
/// text, empty as empty).
#[track_caller]
fn sheet_equals_csv(book: &Path, sheet: &str, csv: &Path) {
    let mut wb: Xlsx<_> = open_workbook(book).unwrap();
    let range = wb
        .worksheet_range(sheet)
        .unwrap_or_else(|e| panic!("{}: no sheet {sheet}: {e}", book.display()));
    assert_eq!(range.start(), Some((0, 0)), "{sheet}");
    let (header, rows) = csv_table(csv);
    let mut it = range.rows();
    let head = it.next().expect("a header row");
    assert_eq!(head.len(), header.len(), "{sheet}: columns");
    for (cell, name) in head.iter().zip(&header) {
        let Data::String(h) = cell else {
            panic!("{sheet}: header {name}: {cell:?}")
        };
        assert!(
            h == name || h.starts_with(&format!("{name} (")),
            "{sheet}: header {h:?} for column {name}"
        );
    }
    let got: Vec<&[Data]> = it.collect();
    assert_eq!(got.len(), rows.len(), "{sheet}: rows");
    let mut numbers = 0;
    for (i, (row, want)) in got.iter().zip(&rows).enumerate() {
        for (j, w) in want.iter().enumerate() {
            let cell = row.get(j).unwrap_or(&Data::Empty);
            let ok = match cell {
                Data::Empty => w.is_empty(),
                Data::Float(x) => {
                    numbers += 1;
                    w.parse::<f64>() == Ok(*x)
                }
                Data::Int(x) => {
                    numbers += 1;
                    w.parse::<f64>() == Ok(*x as f64)
                }
                // Units in the words of the workbook's language (English here).
                Data::String(s) if header[j] == "unit" => {
                    *s == peakpath::report::unit(w, peakpath::report::Lang::En)
                }
                Data::String(s) => s == w && !(header[j] == "value" && w.parse::<f64>().is_ok()),
                other => panic!("{sheet} row {}: {other:?}", i + 2),
            };
            assert!(
                ok,
                "{sheet} row {} column {}: xlsx {cell:?}, csv {w:?}",
                i + 2,
                header[j]
            );
        }
    }
    assert!(numbers > 0 || rows.is_empty(), "{sheet}: no numeric cell");
}

/// The workbook holds a native chart (the zip's directory names its part).
fn has_chart(book: &Path) -> bool {
    let bytes = read(book);
    bytes.windows(20).any(|w| w == b"xl/charts/chart1.xml")
}

#[test]
fn run_xlsx_equals_csvs() {
    let tmp = TempDir::new("xlsx-run");
    let out = tmp.arg("r");
    peakpath([
        "run",
        "--runs",
        "300",
        "--seed",
        "5",
        "--threads",
        "2",
        "--no-charts",
        "--xlsx",
        "--lang",
        "en",
        "--out",
        &out,
    ])
    .ok();
    let book = tmp.join("r/results.xlsx");
    let wb: Xlsx<_> = open_workbook(&book).unwrap();
    assert_eq!(
        wb.sheet_names(),
        [
            "summary",
            "indicators",
            "peak",
            "trajectories",
            "parameters",
            "co2_fan"
        ]
    );
    for s in [
        "summary",
        "indicators",
        "peak",
        "trajectories",
        "parameters",
    ] {
        sheet_equals_csv(&book, s, &tmp.join(format!("r/{s}.csv")));
    }
    assert!(has_chart(&book), "no chart in {}", book.display());
    // The same run gives the same workbook, byte for byte.
    let out2 = tmp.arg("r2");
    peakpath([
        "run",
        "--runs",
        "300",
        "--seed",
        "5",
        "--threads",
        "1",
        "--no-charts",
        "--xlsx",
        "--lang",
        "en",
        "--out",
        &out2,
    ])
    .ok();
    assert!(
        read(&book) == read(tmp.join("r2/results.xlsx")),
        "workbooks differ"
    );
}

#[test]
fn compare_xlsx_equals_csvs() {
    let tmp = TempDir::new("xlsx-compare");
    let out = tmp.arg("c");
    peakpath([
        "compare",
        "scenarios/baseline.toml",
        "scenarios/plan.toml",
        "--runs",
        "100",
        "--no-charts",
        "--xlsx",
        "--lang",
        "en",
        "--out",
        &out,
    ])
    .ok();
    let book = tmp.join("c/results.xlsx");
    let wb: Xlsx<_> = open_workbook(&book).unwrap();
    assert_eq!(
        wb.sheet_names(),
        [
            "comparison",
            "comparison_peak",
            "summary_baseline",
            "summary_plan",
            "co2_fan"
        ]
    );
    sheet_equals_csv(&book, "comparison", &tmp.join("c/comparison.csv"));
    sheet_equals_csv(&book, "comparison_peak", &tmp.join("c/comparison_peak.csv"));
    sheet_equals_csv(&book, "summary_plan", &tmp.join("c/plan/summary.csv"));
    sheet_equals_csv(
        &book,
        "summary_baseline",
        &tmp.join("c/baseline/summary.csv"),
    );
    assert!(has_chart(&book));
    // Each scenario's folder has its own workbook.
    sheet_equals_csv(
        &tmp.join("c/plan/results.xlsx"),
        "indicators",
        &tmp.join("c/plan/indicators.csv"),
    );
}
