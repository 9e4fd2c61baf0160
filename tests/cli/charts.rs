//! Charts, the HTML report and scenario comparison, as a planner would get them.

use crate::util::{TempDir, csv_rows, peakpath, read_string};

/// Every chart of a run parses as SVG and carries its title and its unit as text.
#[test]
fn run_charts_are_svg_with_titles_and_units() {
    let dir = TempDir::new("charts");
    peakpath([
        "run",
        "scenarios/plan.toml",
        "--runs",
        "2000",
        "--seed",
        "3",
        "--out",
        &dir.arg("zh"),
        "--report",
    ])
    .ok();
    let charts = dir.join("zh/charts");
    let expect = [
        ("fan_co2.svg", "能源活动CO₂排放", "万t CO₂"),
        ("fan_coal_t.svg", "煤炭消费量", "万t"),
        ("fan_nonfossil_share.svg", "非化石能源消费比重", "%"),
        ("fan_energy_intensity.svg", "单位GDP能耗", "tce/万元"),
        (
            "fan_energy_intensity_assessed_2025.svg",
            "单位GDP能耗(2025年目标考核口径) (仅计化石能源)",
            "tce/万元",
        ),
        (
            "fan_energy_intensity_assessed_2030.svg",
            "单位GDP能耗(2030年目标考核口径) (仅计化石能源)",
            "tce/万元",
        ),
        ("fan_cap_pv.svg", "光伏装机容量", "MW"),
        ("fan_cap_hydro.svg", "水电装机容量", "MW"),
        ("fan_gdp.svg", "地区生产总值", "亿元(2020年价)"),
        ("fan_sink_total.svg", "碳汇合计", "万t CO₂"),
        ("peak_year.svg", "达峰年份", "%"),
        ("indicator_board.svg", "模型计算指标的达标概率", "%"),
        ("indicator_board_assumed.svg", "假设指标", "%"),
        ("co2_by_source.svg", "CO₂", "万t CO₂"),
    ];
    for (file, title, unit) in expect {
        let svg = read_string(charts.join(file));
        let doc =
            roxmltree::Document::parse(&svg).unwrap_or_else(|e| panic!("{file}: not XML: {e}"));
        assert_eq!(doc.root_element().tag_name().name(), "svg", "{file}");
        let text: String = doc
            .descendants()
            .filter(|n| n.is_text())
            .map(|n| n.text().unwrap_or(""))
            .collect();
        assert!(
            text.contains(title),
            "{file}: title {title} missing in {text}"
        );
        assert!(text.contains(unit), "{file}: unit {unit} missing");
    }
    // The peak chart states P(peaked by 2030) as read in run.json.
    let run: serde_json::Value =
        serde_json::from_str(&read_string(dir.join("zh/run.json"))).unwrap();
    let p = &run["monte_carlo"]["peak"]["p_peaked_by"]["p"];
    let peak_svg = read_string(charts.join("peak_year.svg"));
    let shown = peakpath::report::run::pct_interval(
        p["p"].as_f64().unwrap(),
        (p["lo"].as_f64().unwrap(), p["hi"].as_f64().unwrap()),
    );
    assert!(peak_svg.contains(&shown), "{shown} not in the peak chart");
    // "Not peaked" is a labelled bar of its own, never the year 2035.
    assert!(peak_svg.contains("2035年前未达峰"));
    assert!(!peak_svg.contains(">2035<"));
    // The assessed energy-intensity fan carries the 2025 target of indicator 1 (the
    // physical one has no target: the target is not assessed on it).
    let fan25 = read_string(charts.join("fan_energy_intensity_assessed_2025.svg"));
    // The target is labelled as the plan states it: a decline with its own precision.
    assert!(
        fan25.contains("目标: 较2020年下降"),
        "no target in the assessed fan"
    );
    assert!(!read_string(charts.join("fan_energy_intensity.svg")).contains("目标"));
    // Assumed indicators are on a board of their own, their assumption visible.
    let board = read_string(charts.join("indicator_board_assumed.svg"));
    // The name whole in the label, the delivery assumption beside the probability.
    assert!(board.contains("★ 16 森林覆盖率 2025\n"));
    assert!(board.contains("交付比例 pert(0.6, 0.95, 1.1)"));

    // English labels with --lang en.
    peakpath([
        "run",
        "scenarios/plan.toml",
        "--central",
        "--out",
        &dir.arg("en"),
        "--lang",
        "en",
    ])
    .ok();
    let en = read_string(dir.join("en/charts/fan_co2.svg"));
    assert!(en.contains("Energy CO₂ emissions"));
    // English units are Latin, so a PNG without a Chinese font shows no missing glyph.
    assert!(en.contains("10⁴ t CO₂"), "English unit");
    assert!(read_string(dir.join("en/charts/fan_gdp.svg")).contains("10⁸ yuan (2020 prices)"));
    // A central run's board says met / not met, with value and target, and draws no
    // probability axis or risk bands.
    let board = svg_texts(&read_string(dir.join("en/charts/indicator_board.svg")));
    assert!(
        board
            .iter()
            .any(|t| t == "Central run: is each modelled target met? (★ binding)")
    );
    assert!(
        board.iter().any(|t| t == "✓ met" || t == "✗ not met"),
        "{board:?}"
    );
    assert!(
        board
            .iter()
            .any(|t| t.starts_with("central ") && t.contains("target 50 %"))
    );
    assert!(
        !board
            .iter()
            .any(|t| t.contains("probability") || t == "≥ 90 %"),
        "{board:?}"
    );

    // The report holds no external reference and carries the headline and inconsistencies.
    let html = read_string(dir.join("zh/report.html"));
    for bad in ["http://", "https://", "src=", "href=", "<script"] {
        assert!(!html.contains(bad), "report.html contains {bad}");
    }
    assert!(html.contains("2030年前碳达峰的概率"));
    assert!(
        html.contains("118.74"),
        "the hydro unit slip is listed among the inconsistencies"
    );
    open_in_chromium(&dir.join("zh/report.html"));

    // The report can carry the LMDI waterfall of `decompose`, with no external reference.
    peakpath([
        "decompose",
        "scenarios/baseline.toml",
        "scenarios/plan.toml",
        "--year",
        "2030",
        "--out",
        &dir.arg("lmdi"),
    ])
    .ok();
    peakpath(["report", &dir.arg("zh"), "--with", &dir.arg("lmdi")]).ok();
    let html = read_string(dir.join("zh/report.html"));
    // Charts from other folders are embedded as inert <img> data: URIs.
    use base64::Engine as _;
    let embedded: Vec<String> = html
        .split("src=\"data:image/svg+xml;base64,")
        .skip(1)
        .map(|s| {
            let b = base64::engine::general_purpose::STANDARD
                .decode(&s[..s.find('"').unwrap()])
                .unwrap();
            String::from_utf8(b).unwrap()
        })
        .collect();
    assert!(
        embedded.iter().any(|svg| svg.contains("LMDI")),
        "the waterfall is in the report"
    );
    assert!(!html.contains("http://") && !html.contains("href="));
    peakpath(["report", &dir.arg("zh"), "--with", &dir.arg("nothing-here")]).expect_code(2);

    // `report DIR --lang en` rewrites the report in English from the files alone.
    peakpath(["report", &dir.arg("zh"), "--lang", "en"]).ok();
    assert!(
        read_string(dir.join("zh/report.html")).contains("Probability that emissions peak by 2030")
    );
}

/// Headless Chromium loads the report without errors (skipped, loudly, when Chromium is
/// missing: `.ci/run` installs it).
fn open_in_chromium(path: &std::path::Path) {
    let Some(bin) = ["chromium", "chromium-browser", "google-chrome"]
        .into_iter()
        .find(|b| {
            std::process::Command::new(b)
                .arg("--version")
                .output()
                .is_ok_and(|o| o.status.success())
        })
    else {
        eprintln!("NOTE: Chromium not found; the report was not opened in a browser");
        return;
    };
    let profile = TempDir::new("chromium");
    let out = std::process::Command::new(bin)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--enable-logging=stderr",
            "--v=0",
        ])
        .arg(format!("--user-data-dir={}", profile.join("p").display()))
        .arg("--dump-dom")
        .arg(format!("file://{}", path.display()))
        .output()
        .expect("start chromium");
    assert!(
        out.status.success(),
        "chromium failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let dom = String::from_utf8_lossy(&out.stdout);
    assert!(
        dom.contains("碳达峰情景分析报告"),
        "the report's title is not in the loaded page"
    );
    let log = String::from_utf8_lossy(&out.stderr);
    assert!(
        !log.contains("Uncaught"),
        "script errors while loading the report: {log}"
    );
    assert!(
        !log.contains("Failed to load resource"),
        "the report requested a resource: {log}"
    );
}

/// `compare` gives the numbers of separate runs with the same seed.
#[test]
fn comparison_equals_separate_runs() {
    let dir = TempDir::new("compare");
    peakpath([
        "compare",
        "scenarios/baseline.toml",
        "scenarios/plan.toml",
        "--runs",
        "1500",
        "--seed",
        "5",
        "--out",
        &dir.arg("cmp"),
        "--no-charts",
    ])
    .ok();
    peakpath([
        "run",
        "scenarios/plan.toml",
        "--runs",
        "1500",
        "--seed",
        "5",
        "--out",
        &dir.arg("plan"),
        "--no-charts",
    ])
    .ok();
    let cmp = csv_rows(dir.join("cmp/comparison.csv"));
    let single = csv_rows(dir.join("plan/indicators.csv"));
    let mut checked = 0;
    for r in single.iter().filter(|r| !r["p_met"].is_empty()) {
        let c = cmp
            .iter()
            .find(|c| {
                c["scenario"] == "plan" && c["indicator"] == r["id"] && c["year"] == r["year"]
            })
            .expect("row in comparison.csv");
        // The comparison names each indicator, in both languages, as indicators.csv does.
        assert_eq!(
            (&c["name_zh"], &c["name_en"]),
            (&r["name_zh"], &r["name_en"])
        );
        assert!(!c["name_zh"].is_empty());
        assert_eq!(
            c["p_met"], r["p_met"],
            "indicator {} {}",
            r["id"], r["year"]
        );
        checked += 1;
    }
    assert!(checked > 40);
    for f in ["summary.csv", "peak.csv", "indicators.csv"] {
        assert_eq!(
            read_string(dir.join("cmp/plan").join(f)),
            read_string(dir.join("plan").join(f)),
            "{f}"
        );
    }
    let md = read_string(dir.join("cmp/parameters.md"));
    assert!(
        md.contains("power.pv.capacity_mw.2025"),
        "the PV path differs between baseline and plan"
    );
    assert!(
        !md.contains("`emission_factors.coal`"),
        "equal parameters are not listed"
    );
}

fn svg_texts(svg: &str) -> Vec<String> {
    let doc = roxmltree::Document::parse(svg).expect("SVG parses");
    doc.descendants()
        .filter(|n| n.is_text())
        .filter_map(|n| n.text().map(|t| t.trim().to_string()))
        .filter(|t| !t.is_empty())
        .collect()
}

/// A scenario keeps its colour whatever the order of the compared files; the coal target is a
/// ceiling line and the hydro target keeps its precision (118.74, not 119).
#[test]
fn scenario_colours_are_stable_and_targets_exact() {
    let dir = TempDir::new("colours");
    for (name, order) in [
        ("a", ["scenarios/plan.toml", "scenarios/baseline.toml"]),
        ("b", ["scenarios/baseline.toml", "scenarios/plan.toml"]),
    ] {
        peakpath([
            "compare",
            order[0],
            order[1],
            "--runs",
            "100",
            "--out",
            &dir.arg(name),
            "--lang",
            "en",
        ])
        .ok();
    }
    let plan_blue = "#1F77B4";
    for name in ["a", "b"] {
        let svg = read_string(dir.join(format!("{name}/charts/fan_co2.svg")));
        assert!(
            svg.to_uppercase().contains(plan_blue),
            "{name}: plan is not blue"
        );
    }
    let coal = read_string(dir.join("a/charts/fan_coal_t.svg"));
    let texts = svg_texts(&coal);
    assert!(texts.iter().any(|t| t == "target ≤ 23.92"), "{texts:?}");
    assert!(
        texts.iter().any(|t| t == "ceiling (target)"),
        "legend: {texts:?}"
    );
    let hydro = svg_texts(&read_string(dir.join("a/charts/fan_cap_hydro.svg")));
    assert!(hydro.iter().any(|t| t == "target 118.74"), "{hydro:?}");
}

/// `report` of a compare folder: one page with every scenario side by side.
#[test]
fn report_of_a_compare_folder_shows_every_scenario() {
    let dir = TempDir::new("compare-report");
    let out = dir.arg("c");
    peakpath([
        "compare",
        "scenarios/baseline.toml",
        "scenarios/plan.toml",
        "scenarios/enhanced.toml",
        "--runs",
        "200",
        "--out",
        &out,
        "--no-charts",
    ])
    .ok();
    peakpath(["report", &out, "--lang", "en"]).ok();
    let html = read_string(dir.join("c/report.html"));
    for id in ["headline", "fans", "boards", "differences"] {
        assert!(html.contains(&format!("id=\"{id}\"")), "section {id}");
    }
    // The headline table has one column per scenario, the boards one chart per scenario.
    let head = &html[html.find("id=\"headline\"").unwrap()..html.find("id=\"fans\"").unwrap()];
    for (name, colour) in [
        ("Baseline", "#696969"),
        ("Plan", "#1f77b4"),
        ("Enhanced", "#2ca02c"),
    ] {
        assert!(
            head.contains(&format!("border-top:4px solid {colour}\">{name}")),
            "{name}: a column in its colour"
        );
    }
    let boards =
        &html[html.find("id=\"boards\"").unwrap()..html.find("id=\"differences\"").unwrap()];
    // Two boards per scenario: modelled and assumed indicators.
    assert_eq!(boards.matches("<svg").count(), 6);
    let fans = &html[html.find("id=\"fans\"").unwrap()..html.find("id=\"boards\"").unwrap()];
    assert!(fans.matches("<svg").count() >= 6);
    assert!(html.contains("Probability that emissions peak by 2030"));
    // What differs: the enhanced scenario's PV path, for one.
    let diff = &html[html.find("id=\"differences\"").unwrap()..];
    assert!(diff.contains("<td>"), "no input difference listed");
}

/// A constant outcome's chart says so in words; PRIM's box is drawn.
#[test]
fn constant_outcomes_say_so_and_prim_box_is_drawn() {
    let dir = TempDir::new("constant");
    peakpath([
        "sensitivity",
        "--method",
        "tornado",
        "--outcome",
        "met:5:2025",
        "--out",
        &dir.arg("s"),
        "--lang",
        "en",
    ])
    .ok();
    let t = svg_texts(&read_string(dir.join("s/tornado_met_5_2025.svg"))).join(" ");
    assert!(
        t.contains("0 (not met) in all") && t.contains("nothing to draw"),
        "{t}"
    );
    peakpath([
        "discover",
        "--outcome",
        "met:5:2025",
        "--runs",
        "500",
        "--out",
        &dir.arg("d"),
    ])
    .ok();
    let t = svg_texts(&read_string(dir.join("d/prim_trajectory.svg"))).join("");
    // Indicator 5 (non-fossil share) fails its 2025 target in (nearly) every run of the v3
    // plan: either constant, said in words, or a trajectory.
    assert!(
        t.contains("该结果在全部 500 次运行中都不成立") || t.contains("PRIM"),
        "{t}"
    );
    peakpath([
        "discover",
        "--outcome",
        "peaked_by_2030",
        "--runs",
        "2000",
        "--out",
        &dir.arg("p"),
        "--lang",
        "en",
    ])
    .ok();
    let t = svg_texts(&read_string(dir.join("p/prim_box.svg")));
    let rows = csv_rows(dir.join("p/prim_box.csv"));
    assert!(!rows.is_empty());
    for r in &rows {
        assert!(
            t.iter().any(|x| x == &r["name_en"]),
            "{} not drawn: {t:?}",
            r["name_en"]
        );
    }
}

/// `--png` writes each chart at print resolution: twice the SVG's 800 px width.
#[test]
fn png_charts_are_at_print_resolution() {
    let dir = TempDir::new("png-size");
    peakpath([
        "run",
        "--central",
        "--png",
        "--lang",
        "en",
        "--out",
        &dir.arg("o"),
    ])
    .ok();
    let png = std::fs::read(dir.join("o/charts/fan_co2.png")).unwrap();
    assert_eq!(&png[1..4], b"PNG");
    let width = u32::from_be_bytes([png[16], png[17], png[18], png[19]]);
    let height = u32::from_be_bytes([png[20], png[21], png[22], png[23]]);
    assert_eq!(width, 1600, "width");
    assert!(height >= 1000, "height {height}");
}

/// The indicator boards never cut a name (issue 24): every indicator of the shipped plan
/// appears whole on a board, in both languages; a long name wraps onto a second line.
#[test]
fn indicator_boards_show_every_name_whole() {
    let dir = TempDir::new("board-names");
    for lang in ["zh", "en"] {
        peakpath([
            "run",
            "--runs",
            "300",
            "--lang",
            lang,
            "--out",
            &dir.arg(lang),
        ])
        .ok();
        // The boards' drawn text (not the <title> of a shortened text), whitespace dropped:
        // a name wrapped onto two lines reads whole when its lines are joined.
        let squeeze = |s: &str| s.chars().filter(|c| !c.is_whitespace()).collect::<String>();
        let mut drawn = String::new();
        for file in ["indicator_board.svg", "indicator_board_assumed.svg"] {
            let svg = read_string(dir.join(format!("{lang}/charts/{file}")));
            let doc = roxmltree::Document::parse(&svg).unwrap();
            for t in doc.descendants().filter(|n| n.has_tag_name("text")) {
                let s: String = t.children().filter_map(|c| c.text()).collect();
                assert!(!s.contains('…'), "{lang} {file}: a cut text: {s}");
                drawn.push_str(&squeeze(&s));
            }
        }
        let rows = csv_rows(dir.join(format!("{lang}/indicators.csv")));
        assert!(rows.len() >= 50, "{}", rows.len());
        for r in &rows {
            let name = &r[&format!("name_{lang}")];
            let label = squeeze(&format!("{} {name} {}", r["id"], r["year"]));
            assert!(
                drawn.contains(&label),
                "{lang}: the boards do not show {:?} whole",
                format!("{} {name} {}", r["id"], r["year"])
            );
        }
    }
}

/// Every parameter of the shipped scenarios has its source in the report, not a pointer to
/// `parameters.csv` (issue 24): a source written over several comment lines is read whole,
/// and a run of tables under one comment shares it.
#[test]
fn report_gives_every_parameter_its_source() {
    let dir = TempDir::new("sources");
    for sc in ["baseline", "plan", "enhanced", "review-2025"] {
        let out = dir.arg(sc);
        peakpath([
            "run",
            &format!("scenarios/{sc}.toml"),
            "--central",
            "--no-charts",
            "--report",
            "--lang",
            "zh",
            "--out",
            &out,
        ])
        .ok();
        let rows = csv_rows(dir.join(format!("{sc}/parameters.csv")));
        for r in &rows {
            assert!(
                r["source"].contains('['),
                "{sc}: {} has no tagged source: {:?}",
                r["parameter"],
                r["source"]
            );
        }
        let html = read_string(dir.join(format!("{sc}/report.html")));
        assert!(
            !html.contains(">见 parameters.csv<") && !html.contains("未标注来源"),
            "{sc}: a parameter without its source in the report"
        );
    }
}
