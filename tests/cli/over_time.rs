//! `sensitivity --outcome VAR:FROM..TO`: indices per year in one long table and a chart.

use crate::util::{TempDir, peakpath, read_string};

#[test]
fn a_year_range_gives_one_long_table_and_a_chart_across_years() {
    let tmp = TempDir::new("over-time");
    for (method, extra, col) in [
        ("morris", vec!["--samples", "10"], "mu"),
        ("tornado", vec![], "low_value"),
    ] {
        let out = tmp.arg(method);
        let mut args = vec![
            "sensitivity",
            "--method",
            method,
            "--outcome",
            "co2:2021..2023",
            "--outcome",
            "peak_year",
            "--out",
            &out,
            "--lang",
            "en",
        ];
        args.extend(extra);
        peakpath(&args).ok();
        let long = read_string(tmp.join(method).join(format!("{method}_co2_2021_2023.csv")));
        let mut lines = long.lines();
        let header = lines.next().unwrap();
        assert!(
            header.starts_with(&format!("input,year,name_zh,name_en,{col},")),
            "{header}"
        );
        assert!(header.ends_with(",unit"), "{header}");
        let rows: Vec<&str> = lines.collect();
        // Every uncertain input of the plan in every year (3), as in each year's own table;
        // the rows of 2022 are those of co2_2022's own table, with the year put in.
        let own = read_string(tmp.join(method).join(format!("{method}_co2_2022.csv")));
        assert_eq!(rows.len(), (own.lines().count() - 1) * 3, "{method}");
        let first = own.lines().nth(1).unwrap();
        let cells: Vec<&str> = first.split(',').collect();
        // The unit column moves to the end of the long table.
        let u = own
            .lines()
            .next()
            .unwrap()
            .split(',')
            .position(|c| c == "unit")
            .unwrap();
        let rest: Vec<&str> = cells
            .iter()
            .enumerate()
            .filter(|&(i, _)| i != 0 && i != u)
            .map(|(_, c)| *c)
            .collect();
        let expect = format!("{},2022,{},{}", cells[0], rest.join(","), cells[u]);
        assert!(rows.contains(&expect.as_str()), "{expect}");
        let svg = read_string(tmp.join(method).join(format!("{method}_co2_2021_2023.svg")));
        assert!(svg.contains("2021–2023"), "chart title names the years");
        let j: serde_json::Value =
            serde_json::from_str(&read_string(tmp.join(method).join("sensitivity.json"))).unwrap();
        assert_eq!(j["over_time"][0]["outcome"], "co2:2021..2023");
    }
    let out = peakpath([
        "sensitivity",
        "--method",
        "tornado",
        "--outcome",
        "co2:2030..2021",
    ])
    .expect_code(2);
    assert!(out.stderr.contains("FROM < TO"), "{}", out.stderr);
}
