//! `peakpath serve`: every endpoint and every refusal, over real HTTP on an ephemeral port.
//! (The browser test is in `serve_browser.rs`, the load test, ignored, in `serve_load.rs`.)

use serde_json::{Value, json};

use crate::util::{Server, TempDir, csv_rows, http, peakpath, read_string};

const RUNS: &str = "2000";

fn prob(v: &Value) -> (u64, u64, f64, f64, f64) {
    (
        v["k"].as_u64().unwrap(),
        v["n"].as_u64().unwrap(),
        v["p"].as_f64().unwrap(),
        v["lo"].as_f64().unwrap(),
        v["hi"].as_f64().unwrap(),
    )
}

/// MODEL.md §9, written out again here.
fn wilson(k: u64, n: u64) -> (f64, f64) {
    let (p, n) = (k as f64 / n as f64, n as f64);
    let z = 1.959964_f64;
    let c = p + z * z / (2.0 * n);
    let h = z * (p * (1.0 - p) / n + z * z / (4.0 * n * n)).sqrt();
    ((c - h) / (1.0 + z * z / n), (c + h) / (1.0 + z * z / n))
}

fn p_peaked(r: &Value) -> f64 {
    r["peaked"]["probability"]["p"].as_f64().unwrap()
}

#[test]
fn serve_api_end_to_end() {
    let saves = TempDir::new("serve-saves");
    let srv = Server::start(&[
        "--save-dir",
        &saves.arg("saved"),
        "--runs",
        RUNS,
        "--threads",
        "2",
    ]);
    assert!(
        !srv.log().contains("warning"),
        "no warning on loopback: {}",
        srv.log()
    );
    assert!(srv.addr.starts_with("127.0.0.1:"), "{}", srv.addr);

    // The page and its assets: embedded, hardened, nothing fetched from elsewhere.
    let page = srv.request("GET", "/", "");
    assert_eq!(page.status, 200);
    assert!(
        page.header("content-type")
            .unwrap()
            .starts_with("text/html")
    );
    let csp = page.header("content-security-policy").unwrap();
    assert!(csp.contains("default-src 'none'") && csp.contains("connect-src 'self'"));
    for path in ["/", "/app.js", "/style.css"] {
        let r = srv.request("GET", path, "");
        assert_eq!(r.status, 200, "{path}");
        let external = r
            .body
            .replace("http://www.w3.org/2000/svg", "")
            .contains("http");
        assert!(!external, "{path} refers to another server");
    }
    assert_eq!(srv.request("GET", "/nothing", "").status, 404);

    // GET /api/scenario: the resolved scenario, its levers, the ranking.
    let sc = srv.request("GET", "/api/scenario", "").json();
    assert_eq!(sc["scenario"]["scenario"]["id"], "plan");
    assert_eq!(
        sc["scenario"]["content"]["power"]["pv"]["capacity_mw"]["2030"],
        500
    );
    let levers = sc["levers"].as_array().unwrap();
    let pv = levers
        .iter()
        .find(|l| l["path"] == "power.pv.capacity_mw.2030")
        .unwrap();
    assert_eq!(pv["group"], "power.pv");
    assert_eq!(pv["unit"], "MW");
    let growth = levers
        .iter()
        .find(|l| l["path"] == "economy.growth.2030")
        .unwrap();
    assert_eq!(
        (growth["min"].as_f64(), growth["max"].as_f64()),
        (Some(0.01), Some(0.06))
    );
    let ranking = sc["influence"]["ranking"].as_array().unwrap();
    let uncertain = levers.iter().filter(|l| l["uncertain"] == true).count();
    assert!(uncertain > 50, "{uncertain}");
    assert_eq!(ranking.len(), uncertain);
    assert!(
        ranking[0]["path"]
            .as_str()
            .unwrap()
            .starts_with("economy.growth"),
        "GDP growth matters most for CO2 2030: {}",
        ranking[0]
    );
    assert_eq!(sc["defaults"]["runs"], 2000);

    // POST /api/run: the base, then with more PV.
    let base = srv.request("POST", "/api/run", "{}");
    assert_eq!(base.status, 200, "{}", base.body);
    let base = base.json();
    assert_eq!(base["runs"], 2000);
    let (k, n, p, lo, hi) = prob(&base["peaked"]["probability"]);
    assert_eq!(n, 2000);
    assert_eq!(p, k as f64 / n as f64);
    let (wl, wh) = wilson(k, n);
    assert!(
        (lo - wl).abs() < 1e-12 && (hi - wh).abs() < 1e-12,
        "{lo} {hi} vs {wl} {wh}"
    );
    assert!(lo < p && p < hi);
    let co2 = &base["summary"]["co2"];
    for t in 0..16 {
        let q = |name: &str| co2[name][t].as_f64().unwrap();
        assert!(q("p5") <= q("p25") && q("p25") <= q("p50") && q("p50") <= q("p95"));
    }
    let ind = base["indicators"].as_array().unwrap();
    let i5 = ind
        .iter()
        .find(|r| r["id"] == "5" && r["year"] == 2025)
        .unwrap();
    assert_eq!(i5["status"], "evaluated");
    assert!(i5["p_met"]["p"].as_f64().is_some());
    let h25 = &base["headlines"][0];
    assert_eq!(h25["year"], 2025);
    assert!(h25["all_modelled_met"]["p"].as_f64().is_some());
    assert!(h25["all_binding_met_incl_assumed"]["p"].as_f64().is_some());
    assert!(base["peaked"]["not_peaked"]["p"].as_f64().is_some());
    assert!(base["peaked"]["rebound"]["p"].as_f64().is_some());

    // The same numbers as `peakpath run` with the same seed and runs.
    let out = TempDir::new("serve-cli");
    peakpath([
        "run",
        "--runs",
        RUNS,
        "--out",
        &out.arg("plan"),
        "--no-charts",
    ])
    .ok();
    let run_json: Value = serde_json::from_str(&read_string(out.join("plan/run.json"))).unwrap();
    assert_eq!(
        run_json["monte_carlo"]["p_peaked_by_2030"]
            .as_f64()
            .unwrap(),
        p
    );
    let mc = &run_json["monte_carlo"];
    for (k, year) in [(0, "2025"), (1, "2030")] {
        let h = &base["headlines"][k];
        assert_eq!(
            h["all_modelled_met"]["p"],
            mc["targets"][year]["all_modelled_binding"]["p_all_met"]["p"],
            "{year}"
        );
        assert_eq!(
            h["all_binding_met_incl_assumed"]["p"],
            mc["targets"][year]["all_binding_incl_assumed"]["p_all_met"]["p"],
            "{year}"
        );
    }
    assert_eq!(base["peaked"]["rebound"]["p"], mc["peak"]["p_rebound"]["p"]);
    // v3: P(peaked by 2030) in its two parts, every peak category a bar, the rules side by
    // side, the cap and the checks: the same numbers as `run`.
    assert_eq!(
        base["peaked"]["in_window"]["p"]["p"],
        mc["peak"]["p_peak_in_window"]["p"]["p"]
    );
    assert_eq!(
        base["peaked"]["declining_from_base_year"]["p"]["p"],
        mc["peak"]["p_declining_from_base_year"]["p"]["p"]
    );
    let bars = base["peak_year"].as_array().unwrap();
    assert_eq!(bars[0]["kind"], "declining");
    assert_eq!(bars[bars.len() - 1]["kind"], "not_peaked");
    let total: f64 = bars.iter().map(|b| b["p"].as_f64().unwrap()).sum();
    assert!((total - 1.0).abs() < 1e-9, "{total}");
    assert_eq!(base["assessment_rules"], mc["assessment_rules"]);
    assert_eq!(base["cap"], mc["cap"]);
    // The server's checks add each variable's name and unit in both languages.
    let mut checks = base["checks"].clone();
    for c in checks.as_array_mut().unwrap() {
        for k in ["name_zh", "name_en", "unit_zh", "unit_en"] {
            assert!(c.as_object_mut().unwrap().remove(k).is_some(), "{k}");
        }
    }
    assert_eq!(checks, run_json["checks"]);
    let row = csv_rows(out.join("plan/summary.csv"))
        .into_iter()
        .find(|r| r["variable"] == "co2" && r["year"] == "2030")
        .unwrap();
    let p50: f64 = row["p50"].parse().unwrap();
    assert!((p50 - co2["p50"][10].as_f64().unwrap()).abs() <= 1e-9 * p50.abs());

    let more_pv = json!({ "overrides": { "power.pv.capacity_mw.2030": 800 } }).to_string();
    let a = srv.request("POST", "/api/run", &more_pv);
    assert_eq!(a.status, 200, "{}", a.body);
    let (a, b) = (a.json(), srv.request("POST", "/api/run", &more_pv).json());
    let co2_2030 = |r: &Value| r["summary"]["co2"]["p50"][10].as_f64().unwrap();
    assert!(
        co2_2030(&a) < co2_2030(&base) - 1.0 && p_peaked(&a) >= p_peaked(&base),
        "800 MW of PV by 2030 lowers CO2 2030 and does not make a peak less likely: {} vs {} 万t, P {} vs {}",
        co2_2030(&a),
        co2_2030(&base),
        p_peaked(&a),
        p_peaked(&base)
    );
    let fast = srv
        .request(
            "POST",
            "/api/run",
            r#"{"overrides": {"economy.growth.2030": 0.06}}"#,
        )
        .json();
    assert!(
        p_peaked(&fast) < p_peaked(&base) - 0.02,
        "6 % growth to 2030 makes a 2030 peak less likely: {} vs {}",
        p_peaked(&fast),
        p_peaked(&base)
    );
    assert_eq!(a["overrides"]["power.pv.capacity_mw.2030"], 800);
    // Same request, same seed: the same answer, but for the time taken.
    let strip = |mut v: Value| {
        v["elapsed_ms"] = Value::Null;
        v
    };
    assert_eq!(strip(a.clone()), strip(b));
    let r = srv
        .request("POST", "/api/run", r#"{"overrides": {}, "runs": 1000}"#)
        .json();
    assert_eq!(r["peaked"]["probability"]["n"], 1000);

    // Bad input: 400 with the validator's message; unknown fields get "did you mean".
    let bad = |body: Value| {
        let r = srv.request("POST", "/api/run", &body.to_string());
        assert_eq!(r.status, 400, "{body}: {}", r.body);
        r.error()
    };
    let e = bad(json!({ "overrides": { "power.pv.capacity_mw.2030": -5 } }));
    assert!(
        e.starts_with("<overrides>:") && e.contains("power.pv.capacity_mw") && e.contains("-5"),
        "{e}"
    );
    let e = bad(json!({ "overrides": { "power.pv.capacity_mv.2030": 600 } }));
    assert!(
        e.contains("did you mean \"power.pv.capacity_mw.2030\""),
        "{e}"
    );
    let e = bad(json!({ "overrides": { "economy.growth.2030": "triangulr(0.01, 0.02, 0.03)" } }));
    assert!(e.contains("did you mean triangular"), "{e}");
    let e = bad(json!({ "overrides": { "options.grid_basis": "provincal" } }));
    assert!(
        e.contains("options.grid_basis") && e.contains("provincial"),
        "{e}"
    );
    let e = bad(json!({ "overides": {} }));
    assert!(e.contains("did you mean \"overrides\""), "{e}");
    let e = bad(json!({ "overrides": { "economy.growth.2030": [1] } }));
    assert!(e.contains("found an array"), "{e}");
    let r = srv.request("POST", "/api/run", "{not json");
    assert_eq!(r.status, 400);

    // Bounds: runs, body size.
    let e = bad(json!({ "runs": 100_001 }));
    assert!(e.contains("runs: expected 1 to 100000 runs"), "{e}");
    bad(json!({ "runs": 0 }));
    let huge = format!(
        r#"{{"overrides": {{}}, "pad": "{}"}}"#,
        "x".repeat(70 * 1024)
    );
    assert_eq!(srv.request("POST", "/api/run", &huge).status, 413);

    // Refusals: foreign Origin, foreign Host, cross-site fetches.
    let port = srv.addr.rsplit(':').next().unwrap();
    let r = http(
        &srv.addr,
        "POST",
        "/api/run",
        &[("Origin", "http://evil.example")],
        b"{}",
    );
    assert_eq!(r.status, 403);
    assert!(
        r.error().contains("Origin \"http://evil.example\""),
        "{}",
        r.body
    );
    let r = http(
        &srv.addr,
        "POST",
        "/api/save",
        &[("Origin", "null")],
        br#"{"name":"x"}"#,
    );
    assert_eq!(r.status, 403);
    let host = format!("evil.example:{port}");
    let r = http(&srv.addr, "GET", "/api/scenario", &[("Host", &host)], b"");
    assert_eq!(r.status, 403);
    assert!(r.error().contains("Host"), "{}", r.body);
    let r = http(&srv.addr, "GET", "/", &[("Host", &host)], b"");
    assert_eq!(
        r.status, 403,
        "even the page is refused under a foreign name"
    );
    let r = http(
        &srv.addr,
        "GET",
        "/api/scenario",
        &[("Sec-Fetch-Site", "cross-site"), ("Sec-Fetch-Mode", "cors")],
        b"",
    );
    assert_eq!(r.status, 403);
    let own = format!("http://localhost:{port}");
    let r = http(
        &srv.addr,
        "POST",
        "/api/run",
        &[("Host", &format!("localhost:{port}")), ("Origin", &own)],
        br#"{"runs": 100}"#,
    );
    assert_eq!(r.status, 200, "{}", r.body);
    assert!(
        srv.log()
            .contains("refused: Origin \"http://evil.example\"")
    );

    // Save as scenario: only into the save folder, validated, never overwritten unasked.
    let save = |body: Value| srv.request("POST", "/api/save", &body.to_string());
    let pv800 = json!({ "power.pv.capacity_mw.2030": 800 });
    let r = save(json!({ "name": "pv800", "overrides": pv800 }));
    assert_eq!(r.status, 201, "{}", r.body);
    let saved = r.json();
    let file = saves.join("saved/pv800.toml");
    assert_eq!(saved["path"], file.display().to_string());
    let text = read_string(&file);
    assert!(text.contains("extends = \"plan.toml\""), "{text}");
    // The id is the ASCII name; without a display name, the shown names are the base's and the id.
    assert!(text.contains("id = \"pv800\""), "{text}");
    assert!(text.contains("name_zh = \"规划情景 · pv800\""), "{text}");
    assert!(text.contains("capacity_mw = { 2020 = 179.7, 2025 = 300, 2030 = 800, delivery = \"pert(0.5, 0.9, 1.1)\" }"), "{text}");
    assert!(
        !text.contains("[economy]") && !text.contains("[grid]"),
        "only the changed fields: {text}"
    );
    // The embedded base was copied beside it, so that `extends` resolves.
    assert!(saves.join("saved/plan.toml").exists() && saves.join("saved/baseline.toml").exists());
    peakpath(["validate", "--lang", "en", &file.display().to_string()]).ok();
    // The saved file runs to exactly what the page showed for the same changes.
    peakpath([
        "run",
        &file.display().to_string(),
        "--runs",
        RUNS,
        "--out",
        &out.arg("pv800"),
        "--no-charts",
    ])
    .ok();
    let saved_run: Value = serde_json::from_str(&read_string(out.join("pv800/run.json"))).unwrap();
    assert_eq!(
        saved_run["monte_carlo"]["p_peaked_by_2030"]
            .as_f64()
            .unwrap(),
        p_peaked(&a)
    );

    let r = save(json!({ "name": "pv800", "overrides": { "power.pv.capacity_mw.2030": 900 } }));
    assert_eq!(r.status, 409, "{}", r.body);
    assert!(r.error().contains("overwrite"));
    assert!(
        read_string(&file).contains("2030 = 800"),
        "not overwritten unasked"
    );
    let r = save(
        json!({ "name": "pv800", "overrides": { "power.pv.capacity_mw.2030": 900 }, "overwrite": true }),
    );
    assert_eq!(r.status, 201, "{}", r.body);
    assert!(read_string(&file).contains("2030 = 900"));
    // A display name may be Chinese; the id may not (and the refusal says where it goes).
    let r = save(
        json!({ "name": "pv800", "display_name": "光伏 800 兆瓦", "overrides": pv800, "overwrite": true }),
    );
    assert_eq!(r.status, 201, "{}", r.body);
    let text = read_string(&file);
    assert!(
        text.contains("id = \"pv800\"") && text.contains("name_zh = \"光伏 800 兆瓦\""),
        "{text}"
    );
    let r = save(json!({ "name": "光伏800", "overrides": pv800 }));
    assert_eq!(r.status, 400, "{}", r.body);
    assert!(r.error().contains("display_name"), "{}", r.body);
    for name in ["../evil", "a/b", "..\\evil", ".hidden", "plan", "baseline"] {
        let r = save(json!({ "name": name, "overrides": pv800, "overwrite": true }));
        assert_eq!(r.status, 400, "{name}: {}", r.body);
    }
    assert!(
        save(json!({ "name": "a/b" }))
            .error()
            .contains("no path separators")
    );
    assert!(!saves.join("evil.toml").exists() && !saves.join("saved/a").exists());
    let r = save(json!({ "name": "bad", "overrides": { "power.pv.capacity_mw.2030": -1 } }));
    assert_eq!(r.status, 400);
    assert!(!saves.join("saved/bad.toml").exists());
    let names: Vec<String> = std::fs::read_dir(saves.join("saved"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    let mut names = names;
    names.sort();
    assert_eq!(
        names,
        ["baseline.toml", "plan.toml", "pv800.toml"],
        "no stray files"
    );
}

#[test]
fn serve_a_scenario_file_and_save_beside_it() {
    let dir = TempDir::new("serve-file");
    let srv = Server::start(&[
        "scenarios/enhanced.toml",
        "--save-dir",
        &dir.arg("mine"),
        "--runs",
        "500",
    ]);
    let sc = srv.request("GET", "/api/scenario", "").json();
    assert_eq!(sc["scenario"]["scenario"]["id"], "enhanced");
    let r = srv.request(
        "POST",
        "/api/save",
        &json!({ "name": "wind", "overrides": { "power.wind.capacity_mw.2030": 80, "options.grid_basis": "national" } }).to_string(),
    );
    assert_eq!(r.status, 201, "{}", r.body);
    let text = read_string(dir.join("mine/wind.toml"));
    let extends = crate::util::root().join("scenarios/enhanced.toml");
    let rel = r.json()["extends"].as_str().unwrap().to_string();
    assert!(text.contains(&format!("extends = \"{rel}\"")), "{text}");
    assert_eq!(
        std::fs::canonicalize(dir.join("mine").join(&rel)).unwrap(),
        std::fs::canonicalize(extends).unwrap()
    );
    assert!(text.contains("grid_basis = \"national\""));
    assert!(r.json()["also_written"].as_array().unwrap().is_empty());
    peakpath(["validate", "--lang", "en", &dir.arg("mine/wind.toml")]).ok();
}

#[test]
fn a_long_run_neither_starves_others_nor_outlives_its_client() {
    let dir = TempDir::new("serve-cancel");
    let srv = Server::start(&[
        "--save-dir",
        &dir.arg("s"),
        "--threads",
        "1",
        "--max-runs",
        "5000000",
    ]);
    // A run of 5,000,000 takes far longer than this test (minutes even in a release build).
    let mut long = std::net::TcpStream::connect(&srv.addr).unwrap();
    {
        use std::io::Write;
        let body = r#"{"runs": 5000000}"#;
        write!(
            long,
            "POST /api/run HTTP/1.1\r\nHost: {}\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n{body}",
            srv.addr,
            body.len()
        )
        .unwrap();
    }
    std::thread::sleep(std::time::Duration::from_millis(500));
    // Meanwhile a small run is answered: the long one works in batches on the shared pool.
    let started = std::time::Instant::now();
    let r = srv.request("POST", "/api/run", r#"{"runs": 200}"#);
    assert_eq!(r.status, 200, "{}", r.body);
    let waited = started.elapsed();
    assert!(waited.as_secs() < 60, "{waited:?}");
    assert!(!srv.log().contains("run cancelled"), "{}", srv.log());
    // The client of the long run hangs up: its run stops.
    drop(long);
    assert!(
        srv.wait_for_log("run cancelled: the client went away", 30),
        "{}",
        srv.log()
    );
    eprintln!("a 200-run request answered in {waited:?} beside a 5,000,000-run one");
}

#[test]
fn serve_warns_when_listening_beyond_loopback() {
    let dir = TempDir::new("serve-host");
    let srv = Server::start(&[
        "--host",
        "0.0.0.0",
        "--save-dir",
        &dir.arg("s"),
        "--runs",
        "100",
    ]);
    assert!(
        srv.log()
            .contains("warning: --host 0.0.0.0: listening on 0.0.0.0:")
            && srv.log().contains("reachable from other machines"),
        "{}",
        srv.log()
    );
    // Still answers to its own address, still refuses foreign names.
    assert_eq!(srv.request("GET", "/api/scenario", "").status, 200);
    let port = srv.addr.rsplit(':').next().unwrap();
    let r = http(
        &srv.addr,
        "GET",
        "/api/scenario",
        &[("Host", &format!("attacker.example:{port}"))],
        b"",
    );
    assert_eq!(r.status, 403);
}

#[test]
fn serve_rejects_bad_flags() {
    let e = peakpath(["serve", "--runs", "200", "--max-runs", "100", "--port", "0"]).expect_code(2);
    assert!(
        e.stderr
            .contains("--runs: expected 1 to --max-runs (100) runs, found 200"),
        "{}",
        e.stderr
    );
    let e = peakpath(["serve", "missing.toml", "--port", "0"]).expect_code(2);
    assert!(
        e.stderr.contains("missing.toml:1:1: file not found"),
        "{}",
        e.stderr
    );
}

#[cfg(unix)]
#[test]
fn serve_stops_cleanly_on_sigterm() {
    let dir = TempDir::new("serve-term");
    let mut srv = Server::start(&["--save-dir", &dir.arg("s"), "--runs", "100"]);
    assert_eq!(srv.request("POST", "/api/run", "{}").status, 200);
    let kill = std::process::Command::new("kill")
        .args(["-TERM", &srv.pid().to_string()])
        .status()
        .expect("kill");
    assert!(kill.success());
    assert_eq!(srv.wait_exit(60), Some(0), "{}", srv.log());
    assert!(srv.wait_for_log("stopped", 10), "{}", srv.log());
}
