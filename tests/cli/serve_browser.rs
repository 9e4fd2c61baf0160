//! `peakpath serve` in a real browser: headless Chromium driven over WebDriver (chromedriver,
//! through the `fantoccini` crate). Reported by `cargo test` as ignored, with the reason, where
//! Chromium or chromedriver is missing (build.rs looks; `.ci/run` installs both: Debian's
//! `chromium` and `chromium-driver`).

use std::time::{Duration, Instant};

use fantoccini::{Client, ClientBuilder, Locator, key::Key};
use serde_json::json;

use crate::util::{Server, TempDir, peakpath, read_string};

fn on_path(names: &[&'static str]) -> Option<&'static str> {
    names.iter().copied().find(|b| {
        std::process::Command::new(b)
            .arg("--version")
            .output()
            .is_ok_and(|o| o.status.success())
    })
}

/// chromedriver on a free port, killed when dropped.
struct Driver(std::process::Child, u16);
impl Drop for Driver {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn start_driver(bin: &str) -> Driver {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free port");
    let child = std::process::Command::new(bin)
        .arg(format!("--port={port}"))
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .expect("start chromedriver");
    let until = Instant::now() + Duration::from_secs(30);
    while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(Instant::now() < until, "chromedriver did not listen");
        std::thread::sleep(Duration::from_millis(50));
    }
    Driver(child, port)
}

/// Wait until the page has finished a run (`body[data-state=done]`) and return P(peaked).
async fn settled(c: &Client, not: Option<&str>) -> String {
    let until = Instant::now() + Duration::from_secs(300);
    loop {
        let state = c
            .execute("return document.body.dataset.state", vec![])
            .await
            .expect("script");
        let p = c
            .find(Locator::Id("p-peak"))
            .await
            .expect("#p-peak")
            .text()
            .await
            .expect("text");
        if state == "done" && Some(p.as_str()) != not {
            return p;
        }
        if state == "error" {
            let e = c
                .find(Locator::Id("error"))
                .await
                .unwrap()
                .text()
                .await
                .unwrap();
            panic!("the page shows an error: {e}");
        }
        assert!(
            Instant::now() < until,
            "no new result (state {state}, P {p})"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

fn percent(s: &str) -> f64 {
    s.trim_end_matches('%')
        .trim()
        .parse()
        .unwrap_or_else(|_| panic!("not a percentage: {s:?}"))
}

#[test]
#[cfg_attr(
    not(peakpath_has_browser),
    ignore = "needs Chromium and chromedriver (Debian: chromium chromium-driver; .ci/run installs them)"
)]
fn serve_in_a_real_browser() {
    let (Some(chromium), Some(driver)) = (
        on_path(&["chromium", "chromium-browser", "google-chrome"]),
        on_path(&["chromedriver"]),
    ) else {
        eprintln!(
            "SKIPPED serve_in_a_real_browser: Chromium and chromedriver are needed (Debian: apt-get install chromium chromium-driver; .ci/run installs them)"
        );
        return;
    };
    let saves = TempDir::new("serve-browser");
    let srv = Server::start(&["--save-dir", &saves.arg("s"), "--runs", "2000"]);
    let drv = start_driver(driver);
    let profile = TempDir::new("serve-browser-profile");
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let addr = srv.addr.clone();
    rt.block_on(async move {
        let caps = json!({ "goog:chromeOptions": {
            "binary": which(chromium),
            "args": ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                     "--window-size=1280,900", "--no-first-run", "--disable-background-networking",
                     format!("--user-data-dir={}", profile.join("p").display())],
        }});
        let caps = caps.as_object().unwrap().clone();
        let c = ClientBuilder::new(hyper_util::client::legacy::connect::HttpConnector::new())
            .capabilities(caps)
            .connect(&format!("http://127.0.0.1:{}", drv.1))
            .await
            .expect("a WebDriver session");

        // Open the page: the first run shows P(peaked by 2030) with its interval.
        c.goto(&format!("http://{addr}/?lang=en")).await.unwrap();
        let p0 = settled(&c, None).await;
        let ci = c
            .find(Locator::Id("p-peak-ci"))
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        assert!(ci.contains("95 % interval"), "{ci}");
        assert!(
            c.find(Locator::Css("#fan svg path")).await.is_ok(),
            "the CO2 fan is drawn"
        );
        assert!(
            c.find(Locator::Css("#board tr[data-indicator]"))
                .await
                .is_ok()
        );
        // Every peak category has its bar: declining from the base year, the years, not
        // peaked within the horizon (even where its share is 0).
        for kind in ["declining", "year", "not_peaked"] {
            assert!(
                c.find(Locator::Css(&format!("#peak-hist rect[data-kind={kind}]")))
                    .await
                    .is_ok(),
                "no {kind} bar in the peak-year chart"
            );
        }
        // Nothing is stale after a run.
        assert_eq!(stale(&c).await, "");

        // Move a lever with the keyboard: GDP growth to 2030 at the top of its range.
        let slider = c
            .find(Locator::Css(
                r#"details[data-group="*top"] input[type=range][data-path="economy.growth.2030"]"#,
            ))
            .await
            .expect("the growth lever among the most influential");
        slider.send_keys(&Key::End.to_string()).await.unwrap();
        let p1 = settled(&c, Some(&p0)).await;
        assert!(
            percent(&p1) < percent(&p0) - 2.0,
            "faster growth makes a 2030 peak less likely: {p0} → {p1}"
        );

        eprintln!("browser: P(peaked by 2030) {p0} → {p1} with economy.growth.2030 at 0.06");

        // At 1024×768 the page fits: no horizontal scrolling, the fan drawn at a readable
        // size, the binding-target tables (2030 included) and the board inside their cards.
        fits_at_1024(&c).await;

        // Stale numbers are visibly stale: greyed with a note, while a run is pending and
        // after an error (the previous run's numbers stay on screen, under the banner).
        let pending: serde_json::Value = c
            .execute(
                r#"const f = document.querySelector('input[type=text][data-path="economy.growth.2030"]');
                   f.value = 'triangular(0.06, 0.02, 0.01)';
                   f.dispatchEvent(new Event('change'));
                   return document.getElementById('results').dataset.stale;"#,
                vec![],
            )
            .await
            .unwrap();
        assert_eq!(pending, "pending", "a pending run greys the numbers at once");
        let until = Instant::now() + Duration::from_secs(60);
        while c
            .execute("return document.body.dataset.state", vec![])
            .await
            .unwrap()
            != "error"
        {
            assert!(Instant::now() < until, "the bad input got no error");
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        assert_eq!(stale(&c).await, "error");
        let (note, opacity): (String, f64) = {
            let v = c
                .execute(
                    r#"const n = document.getElementById('stale-note');
                       return [n.hidden ? '' : n.textContent,
                               Number(getComputedStyle(document.querySelector('#results .top')).opacity)];"#,
                    vec![],
                )
                .await
                .unwrap();
            (v[0].as_str().unwrap().to_string(), v[1].as_f64().unwrap())
        };
        assert!(note.contains("stale"), "the note says the numbers are stale: {note:?}");
        assert!(opacity < 0.7, "the old numbers are greyed (opacity {opacity})");
        eprintln!("browser: after a bad input: {note} (opacity {opacity})");
        c.goto(&format!("http://{addr}/?lang=en&set.economy.growth.2030=0.06"))
            .await
            .unwrap();
        assert_eq!(settled(&c, None).await, p1);
        assert_eq!(stale(&c).await, "", "a finished run is not stale");

        // The view is in the URL: the link reproduces it.
        let url = c.current_url().await.unwrap().to_string();
        assert!(url.contains("set.economy.growth.2030=0.06"), "{url}");
        c.goto(&url).await.unwrap();
        let p2 = settled(&c, None).await;
        assert_eq!(p2, p1, "the link reproduces the view");

        // A link that sets what the page cannot show as a changed lever is not applied, and the
        // page says so (issue 23): the answer is the base's, not a silently changed one.
        c.goto(&format!(
            "http://{addr}/?lang=en&set.options.peak_tolerance=0.5"
        ))
        .await
        .unwrap();
        let p3 = settled(&c, None).await;
        assert_eq!(p3, p0, "the unshown key changed nothing");
        let note = c
            .find(Locator::Id("error"))
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        assert!(
            note.contains("set.options.peak_tolerance") && note.contains("not applied"),
            "{note}"
        );
        c.goto(&url).await.unwrap();
        assert_eq!(settled(&c, None).await, p1);

        // Save as scenario.
        c.find(Locator::Id("save-name"))
            .await
            .unwrap()
            .send_keys("fast-growth")
            .await
            .unwrap();
        c.find(Locator::Id("save-title"))
            .await
            .unwrap()
            .send_keys("快速增长")
            .await
            .unwrap();
        c.find(Locator::Id("save-btn"))
            .await
            .unwrap()
            .click()
            .await
            .unwrap();
        let until = Instant::now() + Duration::from_secs(60);
        loop {
            let m = c
                .find(Locator::Id("save-msg"))
                .await
                .unwrap()
                .text()
                .await
                .unwrap();
            if m.starts_with('✓') {
                assert!(m.contains("fast-growth.toml"), "{m}");
                break;
            }
            assert!(
                Instant::now() < until && !m.contains("expected"),
                "save failed: {m}"
            );
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        c.close().await.unwrap();
    });
    let file = saves.join("s/fast-growth.toml");
    let text = read_string(&file);
    assert!(
        text.contains("extends = \"plan.toml\"")
            && text.contains("2030 = 0.06")
            && text.contains("id = \"fast-growth\"")
            && text.contains("name_zh = \"快速增长\""),
        "{text}"
    );
    peakpath(["validate", &file.display().to_string()]).ok();
}

/// The compare report fits a 1,400 px window and an A4 page's width (794 px at 96 dpi): no
/// table wider than the page, nothing off-screen (issue 24: the "what differs" table was
/// 2,128 px wide in a 1,400 px window, its last scenario column lost in print).
#[test]
#[cfg_attr(
    not(peakpath_has_browser),
    ignore = "needs Chromium and chromedriver (Debian: chromium chromium-driver; .ci/run installs them)"
)]
fn compare_report_fits_the_window() {
    let (Some(chromium), Some(driver)) = (
        on_path(&["chromium", "chromium-browser", "google-chrome"]),
        on_path(&["chromedriver"]),
    ) else {
        eprintln!("SKIPPED compare_report_fits_the_window: Chromium and chromedriver are needed");
        return;
    };
    let dir = TempDir::new("report-width");
    peakpath([
        "compare",
        "scenarios/baseline.toml",
        "scenarios/plan.toml",
        "scenarios/enhanced.toml",
        "--runs",
        "300",
        "--out",
        &dir.arg("cmp"),
    ])
    .ok();
    let drv = start_driver(driver);
    let profile = TempDir::new("report-width-profile");
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    rt.block_on(async move {
        let caps = json!({ "goog:chromeOptions": {
            "binary": which(chromium),
            "args": ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                     "--window-size=1400,900", "--no-first-run", "--disable-background-networking",
                     format!("--user-data-dir={}", profile.join("p").display())],
        }});
        let c = ClientBuilder::new(hyper_util::client::legacy::connect::HttpConnector::new())
            .capabilities(caps.as_object().unwrap().clone())
            .connect(&format!("http://127.0.0.1:{}", drv.1))
            .await
            .expect("a WebDriver session");
        for lang in ["zh", "en"] {
            peakpath(["report", &dir.arg("cmp"), "--lang", lang]).ok();
            for width in [1400, 794] {
                c.set_window_size(width, 900).await.unwrap();
                c.goto(&format!("file://{}", dir.join("cmp/report.html").display()))
                    .await
                    .unwrap();
                let m = c
                    .execute(
                        r#"const r = { inner: window.innerWidth, scroll: document.documentElement.scrollWidth, tables: [] };
                           for (const t of document.querySelectorAll('table')) {
                             const b = t.getBoundingClientRect();
                             r.tables.push([t.closest('section') ? t.closest('section').id : '', Math.round(b.right), t.scrollWidth, t.parentElement.clientWidth]);
                           }
                           return r;"#,
                        vec![],
                    )
                    .await
                    .unwrap();
                eprintln!("compare report, {lang}, {width} px window: {m}");
                let inner = m["inner"].as_f64().unwrap();
                assert!(m["scroll"].as_f64().unwrap() <= inner, "{lang} {width}: the page scrolls sideways: {m}");
                let tables = m["tables"].as_array().unwrap();
                assert!(tables.len() >= 2, "{m}");
                for t in tables {
                    assert!(
                        t[1].as_f64().unwrap() <= inner && t[2].as_f64().unwrap() <= t[3].as_f64().unwrap() + 1.0,
                        "{lang} {width}: table {} does not fit: {m}",
                        t[0]
                    );
                }
            }
        }
        c.close().await.unwrap();
    });
}

/// Why the page's numbers are stale ("pending", "error"), or "" when they are current.
async fn stale(c: &Client) -> String {
    c.execute(
        "return document.getElementById('results').dataset.stale || ''",
        vec![],
    )
    .await
    .unwrap()
    .as_str()
    .unwrap()
    .to_string()
}

/// At a 1024×768 window: no horizontal overflow, a readable fan, tables inside their cards.
async fn fits_at_1024(c: &Client) {
    c.set_window_size(1024, 768).await.unwrap();
    tokio::time::sleep(Duration::from_millis(600)).await; // the fan is redrawn at its new width
    let m = c
        .execute(
            r#"const r = { inner: window.innerWidth, scroll: document.documentElement.scrollWidth, over: [] };
               const fan = document.querySelector('#fan svg');
               r.fan = fan.getBoundingClientRect().width;
               r.font = Math.min(...[...fan.querySelectorAll('text')].map((t) => t.getBoundingClientRect().height));
               for (const sel of ['#headlines', '#board', '#fan', '.card.main', '.top']) {
                 const e = document.querySelector(sel);
                 if (e.scrollWidth > e.clientWidth + 1) r.over.push(sel + ' ' + e.scrollWidth + ' > ' + e.clientWidth);
               }
               const box = document.getElementById('headlines').getBoundingClientRect();
               for (const tb of document.querySelectorAll('#headlines table')) {
                 const b = tb.getBoundingClientRect();
                 if (b.right > box.right + 1) r.over.push(tb.rows[0].textContent + ' ends at ' + b.right + ' > ' + box.right);
               }
               return r;"#,
            vec![],
        )
        .await
        .unwrap();
    eprintln!("browser at 1024×768: {m}");
    let inner = m["inner"].as_f64().unwrap();
    assert!(inner <= 1024.0, "{m}");
    assert!(
        m["scroll"].as_f64().unwrap() <= inner,
        "the page scrolls sideways: {m}"
    );
    assert!(m["over"].as_array().unwrap().is_empty(), "clipped: {m}");
    assert!(
        m["fan"].as_f64().unwrap() >= 560.0,
        "the fan is squeezed: {m}"
    );
    assert!(
        m["font"].as_f64().unwrap() >= 11.0,
        "the fan's text is too small: {m}"
    );
    c.set_window_size(1280, 900).await.unwrap();
}

/// The browser's full path (chromedriver wants one).
fn which(bin: &str) -> String {
    std::env::var_os("PATH")
        .and_then(|p| {
            std::env::split_paths(&p)
                .map(|d| d.join(bin))
                .find(|f| f.is_file())
        })
        .map_or_else(|| bin.to_string(), |p| p.display().to_string())
}

/// The page as a reader sees it, in each language: English shows no Chinese (units
/// included); Chinese shows no stray English, and lever names and group titles no field
/// paths; an error after a bad input reads in the page's language.
#[test]
#[cfg_attr(
    not(peakpath_has_browser),
    ignore = "needs Chromium and chromedriver (Debian: chromium chromium-driver; .ci/run installs them)"
)]
fn serve_page_in_one_language() {
    use crate::language::{is_cjk, stray_latin, stray_latin_strict};
    let (Some(chromium), Some(driver)) = (
        on_path(&["chromium", "chromium-browser", "google-chrome"]),
        on_path(&["chromedriver"]),
    ) else {
        eprintln!("SKIPPED serve_page_in_one_language: Chromium and chromedriver are needed");
        return;
    };
    let srv = Server::start(&["--runs", "500", "--threads", "2"]);
    let drv = start_driver(driver);
    let profile = TempDir::new("serve-lang-profile");
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let addr = srv.addr.clone();
    rt.block_on(async move {
        let caps = json!({ "goog:chromeOptions": {
            "binary": which(chromium),
            "args": ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                     "--window-size=1280,900", "--no-first-run", "--disable-background-networking",
                     format!("--user-data-dir={}", profile.join("p").display())],
        }});
        let caps = caps.as_object().unwrap().clone();
        let c = ClientBuilder::new(hyper_util::client::legacy::connect::HttpConnector::new())
            .capabilities(caps)
            .connect(&format!("http://127.0.0.1:{}", drv.1))
            .await
            .expect("a WebDriver session");
        let text = |sel: &'static str| {
            let c = c.clone();
            async move {
                let v = c
                    .execute(
                        &format!(
                            "const out = []; for (const r of document.querySelectorAll('{sel}')) {{ const w = document.createTreeWalker(r, NodeFilter.SHOW_TEXT); while (w.nextNode()) out.push(w.currentNode.nodeValue); }} return out.join('\\n')"
                        ),
                        vec![],
                    )
                    .await
                    .expect("script");
                v.as_str().unwrap_or("").to_string()
            }
        };
        // Open every group so that every lever's text is in the page.
        let open_all = "for (const d of document.querySelectorAll('details')) d.open = true; return 1";

        c.goto(&format!("http://{addr}/?lang=en")).await.unwrap();
        settled(&c, None).await;
        c.execute(open_all, vec![]).await.unwrap();
        // The language switch names the other language in that language ("中文").
        c.execute("document.getElementById('lang').remove(); return 1", vec![])
            .await
            .unwrap();
        let body = text("body").await;
        let cjk: String = body.chars().filter(|&ch| is_cjk(ch)).take(60).collect();
        assert!(cjk.is_empty(), "Chinese on the English page: {cjk}");
        assert!(body.contains("10⁴ t"), "English units on the English page");

        c.goto(&format!("http://{addr}/?lang=zh")).await.unwrap();
        settled(&c, None).await;
        c.execute(open_all, vec![]).await.unwrap();
        // Field paths are shown as what a user types (`.field`), not read: left out.
        c.execute(
            "for (const e of document.querySelectorAll('#lang, .field, input, select, script, style')) e.remove(); return 1",
            vec![],
        )
        .await
        .unwrap();
        let body = text("body").await;
        // Folders (the save folder) are paths, not words.
        let words: Vec<&str> = body.split_whitespace().filter(|w| !w.contains('/')).collect();
        let bad = stray_latin(&words.join(" "));
        assert!(bad.is_empty(), "Latin words on the Chinese page: {bad:?}\n{body}");
        let names = text("summary, .lname .label, #fan svg text").await;
        let bad = stray_latin_strict(&names);
        assert!(bad.is_empty(), "field paths in the Chinese page's names: {bad:?}");

        // A bad input: the error reads in Chinese.
        c.goto(&format!("http://{addr}/?lang=zh&set.electricity.loss=0.9"))
            .await
            .unwrap();
        let until = Instant::now() + Duration::from_secs(120);
        let err = loop {
            let e = text("#error").await;
            if !e.trim().is_empty() {
                break e;
            }
            assert!(Instant::now() < until, "no error shown");
            tokio::time::sleep(Duration::from_millis(100)).await;
        };
        assert!(err.chars().any(is_cjk), "the error in Chinese: {err}");
        c.close().await.unwrap();
    });
}
