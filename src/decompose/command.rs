//! `peakpath decompose`: why two central runs differ in energy CO₂, by additive LMDI-I
//! (Ang 2004, 2005) on the identity of [`super::identity`].

use std::path::{Path, PathBuf};

use crate::decompose::identity::{self, Decomposition, EFFECTS, State};
use crate::engine;
use crate::error::{Error, io};
use crate::model::{SECTORS, Trajectory};
use crate::output::{self, num, write_atomic};
use crate::report::{self, Lang, Waterfall};
use crate::scenario::Scenario;

/// Files `decompose` writes; a folder holding any of them holds another decomposition.
const FILES: &[&str] = &[
    "decomposition.csv",
    "decomposition.json",
    "decomposition.svg",
    "decomposition.png",
];

/// Arguments of `peakpath decompose`.
#[derive(clap::Args, Debug, Clone)]
#[command(after_help = "Examples:\n  \
    peakpath decompose scenarios/baseline.toml scenarios/plan.toml --year 2030 --out outputs/why-plan\n  \
    peakpath decompose scenarios/plan.toml --from 2020 --to 2030 --out outputs/plan-2020-2030")]
pub struct DecomposeArgs {
    /// One scenario file (with --from and --to: two years of it) or two (with --year: the
    /// change from the first to the second).
    #[arg(required = true, num_args = 1..=2, value_name = "SCENARIO")]
    pub scenarios: Vec<PathBuf>,
    /// Year compared between two scenarios.
    #[arg(long)]
    pub year: Option<i32>,
    /// Start year, for one scenario.
    #[arg(long)]
    pub from: Option<i32>,
    /// End year, for one scenario.
    #[arg(long)]
    pub to: Option<i32>,
    /// Output folder.
    #[arg(long)]
    pub out: PathBuf,
    /// Also write the chart as PNG (Chinese labels need a system CJK font, else English).
    #[arg(long)]
    pub png: bool,
    /// Language of the chart labels.
    #[arg(long, value_enum, default_value_t = Lang::Zh)]
    pub lang: Lang,
    /// Overwrite an earlier decomposition in the output folder.
    #[arg(long)]
    pub force: bool,
}

/// What is compared: `(scenario index, year)` at the start and at the end.
fn plan_comparison(a: &DecomposeArgs) -> Result<[(usize, i32); 2], Error> {
    match (a.scenarios.len(), a.year, a.from, a.to) {
        (2, Some(y), None, None) => Ok([(0, y), (1, y)]),
        (1, None, Some(f), Some(t)) => Ok([(0, f), (0, t)]),
        (2, _, _, _) => Err(Error::Input(
            "decompose: with two scenarios, expected --year Y (and no --from/--to), e.g. decompose A.toml B.toml --year 2030".into(),
        )),
        _ => Err(Error::Input(
            "decompose: with one scenario, expected --from Y0 --to Y1 (and no --year), e.g. decompose A.toml --from 2020 --to 2030".into(),
        )),
    }
}

/// Run `peakpath decompose`.
pub fn run(a: DecomposeArgs) -> Result<(), Error> {
    let ends = plan_comparison(&a)?;
    let mut loaded: Vec<(Scenario, String, Vec<f64>, Trajectory)> = Vec::new();
    for p in &a.scenarios {
        let (sc, shown) = Scenario::load_or_plan(Some(p))?;
        let v = sc.medians();
        let tr = engine::central(&sc);
        loaded.push((sc, shown, v, tr));
    }
    for &(i, y) in &ends {
        let sc = &loaded[i].0;
        if y < sc.spec.y0 || y > sc.spec.y1 {
            return Err(Error::Input(format!(
                "decompose: year {y} is outside the years of scenario {} ({}–{})",
                sc.info.id, sc.spec.y0, sc.spec.y1
            )));
        }
    }
    output::prepare_dir(&a.out, a.force, FILES).map_err(Error::Input)?;
    let _lock = output::DirLock::acquire(&a.out)?;
    let state = |(i, y): (usize, i32)| {
        let (sc, _, v, tr) = &loaded[i];
        State {
            scenario: sc,
            values: v,
            trajectory: tr,
            year: y,
        }
    };
    let (s0, s1) = (state(ends[0]), state(ends[1]));
    let d = identity::decompose(&s0, &s1).map_err(Error::Other)?;

    let label = |s: &State, zh: bool| format!("{} {}", s.scenario.name(zh), s.year);
    write_atomic(&a.out.join("decomposition.csv"), &decomposition_csv(&d)).map_err(io(&a.out))?;
    let json = serde_json::json!({
        "method": "additive LMDI-I (Ang 2004, 2005), zero values by analytical limits (Ang & Liu 2007)",
        "identity": "CO2 = Σ_s Σ_{coal,oil,gas} GDP·S_s·I_s·w_sf·ef_f + Σ_s GDP·S_s·I_s·w_s,el·λ·m·g (− export credit with credit_exports); see decomposition.csv",
        "unit": "万t CO2",
        "from": end_json(&s0, &loaded[ends[0].0].1),
        "to": end_json(&s1, &loaded[ends[1].0].1),
        "co2_from": d.co2_0,
        "co2_to": d.co2_t,
        "change": d.total(),
        "effects": EFFECTS.iter().zip(d.effects).map(|(e, v)| (e.id.to_string(), serde_json::json!(v))).collect::<serde_json::Map<_, _>>(),
        "residual": d.residual(),
    });
    write_atomic(
        &a.out.join("decomposition.json"),
        &output::json_bytes(&json),
    )
    .map_err(io(&a.out))?;

    let (passes, warning) = report::chart_passes(a.lang, a.png);
    if let Some(w) = warning {
        eprintln!("{w}");
    }
    for pass in passes {
        let lang = pass.lang;
        let zh = lang == Lang::Zh;
        let wf = Waterfall {
            title: if zh {
                format!(
                    "能源活动CO₂变化的LMDI分解：{} → {}",
                    label(&s0, true),
                    label(&s1, true)
                )
            } else {
                format!(
                    "LMDI decomposition of energy CO₂: {} → {}",
                    label(&s0, false),
                    label(&s1, false)
                )
            },
            y_label: report::unit("万t CO2", lang),
            start: (label(&s0, zh), d.co2_0),
            // Effects that are exactly zero (a factor equal in both states) are left out of the chart.
            effects: EFFECTS
                .iter()
                .zip(d.effects)
                .filter(|(_, v)| *v != 0.0)
                .map(|(e, v)| ((if zh { e.zh } else { e.en }).to_string(), v))
                .collect(),
            end_label: label(&s1, zh),
            end: Some(d.co2_t),
        };
        let svg = report::waterfall(&wf, lang).map_err(|e| Error::Other(e.to_string()))?;
        output::write_chart(&a.out, "decomposition", &svg, pass)?;
    }

    print_summary(&d, &s0, &s1, &a.out, a.lang == Lang::Zh);
    Ok(())
}

fn end_json(s: &State, shown: &str) -> serde_json::Value {
    serde_json::json!({
        "scenario": s.scenario.info.id,
        "file": shown,
        "scenario_sha256": s.scenario.hash,
        "year": s.year,
        "grid_basis": s.scenario.spec.options.grid_basis.name(),
        "credit_exports": s.scenario.spec.options.credit_exports,
    })
}

/// `decomposition.csv`: `effect,sector,value_wan_t_co2`; each effect for `all` sectors and
/// per sector, then `total,all,ΔCO₂`.
pub fn decomposition_csv(d: &Decomposition) -> Vec<u8> {
    let mut rows = vec![[
        "effect".to_string(),
        "sector".into(),
        "value_wan_t_co2".into(),
    ]];
    for (k, e) in EFFECTS.iter().enumerate() {
        rows.push([e.id.into(), "all".into(), num(d.effects[k])]);
        for (s, name) in SECTORS.iter().enumerate() {
            rows.push([e.id.into(), (*name).into(), num(d.by_sector[s][k])]);
        }
    }
    rows.push(["total".into(), "all".into(), num(d.total())]);
    crate::output::csv_records(rows)
}

fn print_summary(d: &Decomposition, s0: &State, s1: &State, out: &Path, zh: bool) {
    let mut order: Vec<usize> = (0..EFFECTS.len()).collect();
    order.sort_by(|&i, &j| d.effects[j].abs().total_cmp(&d.effects[i].abs()));
    let top: Vec<String> = order
        .iter()
        .take(3)
        .map(|&k| {
            let name = if zh { EFFECTS[k].zh } else { EFFECTS[k].id };
            format!("{name} {:+.2}", d.effects[k])
        })
        .collect();
    let (a, b) = (&s0.scenario.info.id, &s1.scenario.info.id);
    let (y0, y1, c0, c1, total) = (s0.year, s1.year, d.co2_0, d.co2_t, d.total());
    if zh {
        eprintln!(
            "能源活动CO₂ {a} {y0}年 {c0:.2} → {b} {y1}年 {c1:.2} 万t（变化 {total:+.2}）；影响最大的因素：{}",
            top.join(", ")
        );
        eprintln!("结果已写入 {}", out.display());
    } else {
        eprintln!(
            "energy CO2 {a} {y0} {c0:.2} → {b} {y1} {c1:.2} 10⁴ t (change {total:+.2}); largest effects: {}",
            top.join(", ")
        );
        eprintln!("results in {}", out.display());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scenario(name: &str) -> PathBuf {
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("scenarios")
            .join(name)
    }

    fn args(
        scenarios: Vec<PathBuf>,
        year: Option<i32>,
        from_to: Option<(i32, i32)>,
        out: &Path,
    ) -> DecomposeArgs {
        DecomposeArgs {
            scenarios,
            year,
            from: from_to.map(|x| x.0),
            to: from_to.map(|x| x.1),
            out: out.to_path_buf(),
            png: false,
            lang: Lang::Zh,
            force: true,
        }
    }

    /// `decomposition.csv` of both modes: every effect for all sectors and per sector, the
    /// per-sector rows sum to the effect, the effects to the `total` row, which is ΔCO₂ of
    /// the central runs.
    #[test]
    fn decompose_writes_effects_that_sum_to_the_change() {
        let out =
            std::env::temp_dir().join(format!("peakpath-test-decompose-{}", std::process::id()));
        let cases = [
            (
                vec![scenario("baseline.toml"), scenario("plan.toml")],
                Some(2030),
                None,
            ),
            (vec![scenario("plan.toml")], None, Some((2020, 2030))),
        ];
        for (files, year, from_to) in cases {
            run(args(files.clone(), year, from_to, &out)).unwrap();
            let text = std::fs::read_to_string(out.join("decomposition.csv")).unwrap();
            let mut rdr = csv::Reader::from_reader(text.as_bytes());
            assert_eq!(
                rdr.headers().unwrap(),
                vec!["effect", "sector", "value_wan_t_co2"]
            );
            let rows: Vec<(String, String, f64)> = rdr
                .records()
                .map(|r| r.unwrap())
                .map(|r| (r[0].to_string(), r[1].to_string(), r[2].parse().unwrap()))
                .collect();
            assert_eq!(rows.len(), EFFECTS.len() * (1 + SECTORS.len()) + 1);
            let (last, body) = rows.split_last().unwrap();
            assert_eq!((last.0.as_str(), last.1.as_str()), ("total", "all"));
            let sum_all: f64 = body.iter().filter(|r| r.1 == "all").map(|r| r.2).sum();
            assert!(
                (sum_all - last.2).abs() < 1e-9 * 100.0,
                "{sum_all} vs {}",
                last.2
            );
            for e in EFFECTS {
                let all = body.iter().find(|r| r.0 == e.id && r.1 == "all").unwrap().2;
                let per: f64 = body
                    .iter()
                    .filter(|r| r.0 == e.id && r.1 != "all")
                    .map(|r| r.2)
                    .sum();
                assert!((all - per).abs() < 1e-9, "{}: {all} vs {per}", e.id);
            }
            let sc: Vec<Scenario> = files.iter().map(|f| Scenario::load(f).unwrap()).collect();
            let co2 = |i: usize, y: i32| {
                engine::central(&sc[i])
                    .at(crate::model::Var::Co2, y)
                    .unwrap()
            };
            let expect = match (year, from_to) {
                (Some(y), _) => co2(1, y) - co2(0, y),
                (_, Some((a, b))) => co2(0, b) - co2(0, a),
                _ => unreachable!(),
            };
            assert!((last.2 - expect).abs() < 1e-9, "{} vs {expect}", last.2);
            let svg = std::fs::read_to_string(out.join("decomposition.svg")).unwrap();
            assert!(svg.contains("万t CO₂"));
        }
        let _ = std::fs::remove_dir_all(&out);
    }

    #[test]
    fn decompose_argument_errors() {
        let out = std::env::temp_dir().join("peakpath-never-written");
        let bad = [
            args(vec![scenario("plan.toml")], Some(2030), None, &out),
            args(
                vec![scenario("baseline.toml"), scenario("plan.toml")],
                None,
                Some((2020, 2030)),
                &out,
            ),
            args(vec![scenario("plan.toml")], None, Some((2020, 2099)), &out),
        ];
        for a in bad {
            match run(a) {
                Err(Error::Input(m)) => assert!(m.contains("decompose"), "{m}"),
                other => panic!("{other:?}"),
            }
        }
        assert!(!out.exists());
    }
}
