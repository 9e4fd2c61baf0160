//! The results of a sensitivity analysis: each outcome's table, chart and terminal lines
//! from the evaluated design (`Analysis::table`), and the files of a finished analysis
//! (`Analysis::write`).

use super::*;

/// One outcome's analysed table, chart and headline.
struct Table {
    csv: Vec<u8>,
    svg: String,
    /// Top inputs, one line each, for the terminal.
    top: Vec<String>,
    extra: serde_json::Value,
}

fn chart_err(e: report::ChartError) -> Error {
    Error::Other(e.to_string())
}

fn shown(k: usize, lang: Lang) -> String {
    if k <= CHART_ROWS {
        String::new()
    } else if lang == Lang::Zh {
        format!("（前 {CHART_ROWS} / {k} 项）")
    } else {
        format!(" (top {CHART_ROWS} of {k})")
    }
}

impl Analysis<'_> {
    /// Analyse one outcome's outputs `y` (design order).
    fn table(&self, o: &Outcome, y: &[f64], lang: Lang) -> Result<Table> {
        let sc = self.sc;
        let k = self.k();
        let path = |c: usize| sc.params[sc.uncertain[c]].path.as_str();
        // What a reader sees: the input's display name in the output's language.
        let name = |c: usize| sc.input_name(sc.uncertain[c], lang);
        let name_in = |c: usize, l: Lang| sc.input_name(sc.uncertain[c], l);
        let unit = |c: usize| sc.params[sc.uncertain[c]].unit;
        let bad = |e: crate::sensitivity::SensitivityError| match e {
            crate::sensitivity::SensitivityError::NonFiniteOutput { row } => Error::Other(format!(
                "outcome {}: the model gave a non-finite value in design row {row}",
                o.spec()
            )),
            e => Error::Other(format!("outcome {}: {e}", o.spec())),
        };
        let zh = lang == Lang::Zh;
        let num = output::num;
        let label = o.label(lang);
        let ounit = report::unit(o.unit(lang), lang);
        let ounit = ounit.as_str();
        let y1 = self.sc.spec.y1;
        // The peak year of a run that has not peaked is y1 + 1 for the analysis; in words here.
        let shown_outcome = |x: f64| {
            if *o == Outcome::PeakYear && x > f64::from(y1) {
                crate::output::NOT_PEAKED.to_string()
            } else {
                num(x)
            }
        };
        match self.setup.method {
            Method::Tornado => {
                let res = tornado_analyze(k, y).map_err(bad)?;
                let rows = res.bars.iter().map(|b| {
                    let c = b.input;
                    vec![
                        path(c).into(),
                        name_in(c, Lang::Zh),
                        name_in(c, Lang::En),
                        unit(c).into(),
                        num(self.quantile(c, TORNADO_LOW)),
                        num(self.quantile(c, TORNADO_HIGH)),
                        shown_outcome(b.low),
                        shown_outcome(b.high),
                        num(b.swing),
                    ]
                });
                let csv = output::csv_table(
                    &[
                        "input",
                        "name_zh",
                        "name_en",
                        "unit",
                        "low_value",
                        "high_value",
                        "outcome_low",
                        "outcome_high",
                        "swing",
                    ],
                    rows,
                );
                let chart = report::Tornado {
                    title: if zh {
                        format!(
                            "{label}：单因素敏感性（P10 / P90，其余取中位数）{}",
                            shown(k, lang)
                        )
                    } else {
                        format!(
                            "{label}: one at a time (P10 / P90, others at medians){}",
                            shown(k, lang)
                        )
                    },
                    x_label: format!("{label} ({ounit})"),
                    base: res.base,
                    category_from: (*o == Outcome::PeakYear).then(|| {
                        (
                            f64::from(y1 + 1),
                            if zh {
                                format!("{y1}年前未达峰")
                            } else {
                                format!("not peaked by {y1}")
                            },
                        )
                    }),
                    rows: res
                        .bars
                        .iter()
                        .take(CHART_ROWS)
                        .map(|b| report::TornadoRow {
                            label: name(b.input),
                            low: b.low,
                            high: b.high,
                        })
                        .collect(),
                };
                let top = res
                    .bars
                    .iter()
                    .take(5)
                    .map(|b| {
                        format!(
                            "{:<45} P10 → {:<12} P90 → {:<12} {} {}",
                            name(b.input),
                            if *o == Outcome::PeakYear && b.low > f64::from(y1) {
                                shown_outcome(b.low)
                            } else {
                                fmt4(b.low)
                            },
                            if *o == Outcome::PeakYear && b.high > f64::from(y1) {
                                shown_outcome(b.high)
                            } else {
                                fmt4(b.high)
                            },
                            if lang == Lang::Zh { "摆幅" } else { "swing" },
                            fmt4(b.swing)
                        )
                    })
                    .collect();
                Ok(Table {
                    csv,
                    svg: report::tornado(&chart, lang).map_err(chart_err)?,
                    top,
                    extra: serde_json::json!({ "base": res.base }),
                })
            }
            Method::Morris => {
                let d = self
                    .morris
                    .as_ref()
                    .ok_or_else(|| Error::Other("morris design missing".into()))?;
                let opts = MorrisOptions {
                    n_boot: N_BOOT,
                    confidence: CONFIDENCE,
                    seed: bootstrap_seed(self.setup.seed),
                };
                let res = morris_analyze(d, y, &opts).map_err(bad)?;
                let order = rank_morris(&res);
                let rows = order.iter().map(|&c| {
                    let m = &res[c];
                    vec![
                        path(c).into(),
                        name_in(c, Lang::Zh),
                        name_in(c, Lang::En),
                        unit(c).into(),
                        num(m.mu),
                        num(m.mu_star),
                        num(m.mu_star_lo),
                        num(m.mu_star_hi),
                        num(m.sigma),
                    ]
                });
                let csv = output::csv_table(
                    &[
                        "input",
                        "name_zh",
                        "name_en",
                        "unit",
                        "mu",
                        "mu_star",
                        "mu_star_lo",
                        "mu_star_hi",
                        "sigma",
                    ],
                    rows,
                );
                let shown_idx: Vec<usize> = order.iter().copied().take(CHART_ROWS).collect();
                let r = self.setup.samples.unwrap_or(0);
                let chart = report::IndexBars {
                    title: if zh {
                        format!(
                            "{label}：Morris 筛选（r = {r}，4 水平，95 % 区间）{}",
                            shown(k, lang)
                        )
                    } else {
                        format!(
                            "{label}: Morris screening (r = {r}, 4 levels, 95 % interval){}",
                            shown(k, lang)
                        )
                    },
                    x_label: if zh {
                        format!("μ*、σ（{ounit} / 单位概率）")
                    } else {
                        format!("μ*, σ ({ounit} per unit probability)")
                    },
                    rows: shown_idx.iter().map(|&c| name(c)).collect(),
                    series: vec![
                        report::IndexSeries {
                            name: "μ*".into(),
                            values: shown_idx.iter().map(|&c| res[c].mu_star).collect(),
                            ci: Some(
                                shown_idx
                                    .iter()
                                    .map(|&c| (res[c].mu_star_lo, res[c].mu_star_hi))
                                    .collect(),
                            ),
                        },
                        report::IndexSeries {
                            name: "σ".into(),
                            values: shown_idx.iter().map(|&c| res[c].sigma).collect(),
                            ci: None,
                        },
                    ],
                };
                let top = order
                    .iter()
                    .take(5)
                    .map(|&c| {
                        let m = &res[c];
                        format!(
                            "{:<45} {} {} [{}, {}]  {} {}  {} {}",
                            name(c),
                            if zh { "μ*" } else { "mu*" },
                            fmt4(m.mu_star),
                            fmt4(m.mu_star_lo),
                            fmt4(m.mu_star_hi),
                            if zh { "μ" } else { "mu" },
                            fmt4(m.mu),
                            if zh { "σ" } else { "sigma" },
                            fmt4(m.sigma)
                        )
                    })
                    .collect();
                Ok(Table {
                    csv,
                    svg: report::index_bars(&chart, lang).map_err(chart_err)?,
                    top,
                    extra: serde_json::Value::Null,
                })
            }
            Method::Sobol => {
                let opts = SobolOptions {
                    n_boot: N_BOOT,
                    confidence: CONFIDENCE,
                    seed: bootstrap_seed(self.setup.seed),
                };
                let res = sobol_analyze(k, y, &opts).map_err(bad)?;
                let order = rank_sobol(&res);
                let rows = order.iter().map(|&c| {
                    let s = &res[c];
                    vec![
                        path(c).into(),
                        name_in(c, Lang::Zh),
                        name_in(c, Lang::En),
                        unit(c).into(),
                        num(s.s1),
                        num(s.s1_lo),
                        num(s.s1_hi),
                        num(s.st),
                        num(s.st_lo),
                        num(s.st_hi),
                    ]
                });
                let csv = output::csv_table(
                    &[
                        "input", "name_zh", "name_en", "unit", "s1", "s1_lo", "s1_hi", "st",
                        "st_lo", "st_hi",
                    ],
                    rows,
                );
                let shown_idx: Vec<usize> = order.iter().copied().take(CHART_ROWS).collect();
                let n = self.setup.samples.unwrap_or(0);
                let chart = report::IndexBars {
                    title: if zh {
                        format!(
                            "{label}：Sobol 指数（N = {n}，95 % 自助法区间）{}",
                            shown(k, lang)
                        )
                    } else {
                        format!(
                            "{label}: Sobol' indices (N = {n}, 95 % bootstrap interval){}",
                            shown(k, lang)
                        )
                    },
                    x_label: if zh {
                        "敏感性指数".into()
                    } else {
                        "sensitivity index".into()
                    },
                    rows: shown_idx.iter().map(|&c| name(c)).collect(),
                    series: vec![
                        report::IndexSeries {
                            name: if zh {
                                "一阶 S1".into()
                            } else {
                                "first order S1".into()
                            },
                            values: shown_idx.iter().map(|&c| res[c].s1).collect(),
                            ci: Some(
                                shown_idx
                                    .iter()
                                    .map(|&c| (res[c].s1_lo, res[c].s1_hi))
                                    .collect(),
                            ),
                        },
                        report::IndexSeries {
                            name: if zh {
                                "总效应 ST".into()
                            } else {
                                "total effect ST".into()
                            },
                            values: shown_idx.iter().map(|&c| res[c].st).collect(),
                            ci: Some(
                                shown_idx
                                    .iter()
                                    .map(|&c| (res[c].st_lo, res[c].st_hi))
                                    .collect(),
                            ),
                        },
                    ],
                };
                let top = order
                    .iter()
                    .take(5)
                    .map(|&c| {
                        let s = &res[c];
                        format!(
                            "{:<45} S1 {} [{}, {}]  ST {} [{}, {}]",
                            name(c),
                            fmt4(s.s1),
                            fmt4(s.s1_lo),
                            fmt4(s.s1_hi),
                            fmt4(s.st),
                            fmt4(s.st_lo),
                            fmt4(s.st_hi)
                        )
                    })
                    .collect();
                let sum_s1: f64 = res.iter().map(|s| s.s1).sum();
                Ok(Table {
                    csv,
                    svg: report::index_bars(&chart, lang).map_err(chart_err)?,
                    top,
                    extra: serde_json::json!({ "sum_s1": sum_s1 }),
                })
            }
        }
    }

    /// Analyse every outcome and write the files of a finished analysis.
    pub(super) fn write(
        &self,
        spath: &str,
        outputs: &[f64],
        out: &Path,
        elapsed: f64,
    ) -> Result<()> {
        let sc = self.sc;
        let m = self.outcomes.len();
        let rows = self.setup.rows as usize;
        if outputs.len() != rows * m {
            return Err(Error::Other(format!(
                "expected {} outputs, found {}",
                rows * m,
                outputs.len()
            )));
        }
        let lang = match self.setup.lang {
            LangArg::Zh => Lang::Zh,
            LangArg::En => Lang::En,
        };
        // SVGs keep the requested language; without a system font covering Chinese, the PNGs
        // alone are drawn in English.
        let (passes, warning) = report::chart_passes(lang, self.setup.png);
        if let Some(w) = warning {
            eprintln!("{w}");
        }
        let tables_in = |l: Lang| -> Vec<Result<Table>> {
            self.outcomes
                .par_iter()
                .enumerate()
                .map(|(o, oc)| {
                    let y: Vec<f64> = (0..rows).map(|j| outputs[j * m + o]).collect();
                    self.table(oc, &y, l)
                })
                .collect()
        };
        let tables = tables_in(lang);
        let png_lang = passes.iter().find(|p| p.png).map_or(lang, |p| p.lang);
        let mut png_tables: Vec<Option<Table>> = if png_lang == lang {
            Vec::new()
        } else {
            tables_in(png_lang).into_iter().map(|t| t.ok()).collect()
        };
        let method = self.setup.method.name();
        let mut files = Vec::new();
        for (oc, t) in self.outcomes.iter().zip(tables) {
            let mut t = t?;
            let o = self.outcomes.iter().position(|x| x == oc).unwrap_or(0);
            let y0 = outputs.get(o).copied().unwrap_or(f64::NAN);
            let differ = (0..rows).filter(|&j| outputs[j * m + o] != y0).count();
            let constant = differ == 0;
            // A peak year past the horizon is "not peaked", in words (MODEL.md §7).
            let y1 = self.sc.spec.y1;
            let shown = if *oc == Outcome::PeakYear && y0 > f64::from(y1) {
                format!("{} (not peaked by {y1})", crate::output::NOT_PEAKED)
            } else {
                y0.to_string()
            };
            // Sobol': the variance is estimated on the 2N rows of A and B only.
            let var_rows = match self.setup.method {
                Method::Sobol => 2 * self.setup.samples.unwrap_or(0) as usize,
                _ => rows,
            };
            let value = |zh: bool| match oc {
                Outcome::Met(..) if y0 == 1.0 && zh => "1(达标)".to_string(),
                Outcome::Met(..) if y0 == 1.0 => "1 (met)".to_string(),
                Outcome::Met(..) if y0 == 0.0 && zh => "0(未达标)".to_string(),
                Outcome::Met(..) if y0 == 0.0 => "0 (not met)".to_string(),
                Outcome::PeakYear if y0 > f64::from(y1) && zh => format!("{y1}年前未达峰"),
                Outcome::PeakYear if y0 > f64::from(y1) => format!("not peaked by {y1}"),
                _ => format!("{y0}"),
            };
            let var_constant = (0..var_rows.min(rows)).all(|j| outputs[j * m + o] == y0);
            // A chart that says in words why there is nothing to draw (None: draw the table's).
            let message = |l: Lang| -> Result<Option<String>> {
                let zh = l == Lang::Zh;
                let value = value(zh);
                let text = if constant {
                    if zh {
                        format!(
                            "该结果在全部 {rows} 次模型运行中都是 {value}: 没有哪个不确定输入能改变它, 因此各输入的敏感性均为 0, 无可绘制的内容。"
                        )
                    } else {
                        format!(
                            "This outcome is {value} in all {rows} model runs: no uncertain input changes it, so every input's sensitivity is 0 and there is nothing to draw."
                        )
                    }
                } else if var_constant {
                    if zh {
                        format!(
                            "该结果在样本矩阵 A 与 B 的全部 {var_rows} 行中都是 {value} (全部 {rows} 次运行中只有 {differ} 次不同), 方差估计为 0, 无法计算指数: 请增大 --samples。"
                        )
                    } else {
                        format!(
                            "This outcome is {value} in all {var_rows} rows of A and B (only {differ} of {rows} runs differ), so its variance estimate and every index are 0: use a larger --samples."
                        )
                    }
                } else {
                    return Ok(None);
                };
                Ok(Some(
                    report::message_chart(&oc.label(l), &text).map_err(chart_err)?,
                ))
            };
            let shown_zh = if *oc == Outcome::PeakYear && y0 > f64::from(y1) {
                format!("{y1}年前未达峰")
            } else {
                y0.to_string()
            };
            if constant {
                t.top.insert(
                    0,
                    if lang == Lang::Zh {
                        format!("注：结果在全部 {rows} 次运行中都是 {shown_zh}，所有指数均为 0（按输入顺序列出）")
                    } else {
                        format!("note: the outcome is {shown} in all {rows} runs, so every index is 0 (input order)")
                    },
                );
            } else if var_constant {
                t.top.insert(
                    0,
                    if lang == Lang::Zh {
                        format!("注：结果在样本矩阵 A 与 B 的全部 {var_rows} 行中都是 {shown_zh}（全部 {rows} 次运行中只有 {differ} 次不同），方差估计与所有指数均为 0；请增大 --samples")
                    } else {
                        format!("note: the outcome is {shown} in all {var_rows} rows of A and B (only {differ} of {rows} runs differ), so its variance estimate and every index are 0; use a larger --samples")
                    },
                );
            }
            if let Some(svg) = message(lang)? {
                t.svg = svg;
            }
            let png_svg = match png_tables.get_mut(o).and_then(Option::take) {
                Some(pt) => message(png_lang)?.unwrap_or(pt.svg),
                None => t.svg.clone(),
            };
            let stem = format!("{method}_{}", oc.file_stem());
            write_atomic(&out.join(format!("{stem}.csv")), &t.csv).map_err(io_err(out))?;
            write_atomic(&out.join(format!("{stem}.svg")), t.svg.as_bytes())
                .map_err(io_err(out))?;
            if self.setup.png {
                let png = report::svg_to_png(&png_svg, 2.0)
                    .map_err(|e| Error::Other(format!("{stem}.png: {e}")))?;
                write_atomic(&out.join(format!("{stem}.png")), &png).map_err(io_err(out))?;
            }
            if lang == Lang::Zh {
                eprintln!("{}（{}），影响最大的输入：", oc.spec(), oc.label(Lang::Zh));
            } else {
                eprintln!("{} ({}), top inputs:", oc.spec(), oc.label(Lang::En));
            }
            for l in &t.top {
                eprintln!("  {l}");
            }
            files.push(serde_json::json!({
                "outcome": oc.spec(),
                "name_zh": oc.label(Lang::Zh),
                "name_en": oc.label(Lang::En),
                "unit": oc.unit(Lang::En),
                "csv": format!("{stem}.csv"),
                "chart": format!("{stem}.svg"),
                "png": self.setup.png.then(|| format!("{stem}.png")),
                "summary": t.extra,
                "constant": constant.then_some(y0),
                "runs_differing_from_first": differ,
            }));
        }
        let k = self.k();
        let design = match self.setup.method {
            Method::Tornado => {
                serde_json::json!({ "low_probability": TORNADO_LOW, "high_probability": TORNADO_HIGH, "others": "median", "runs": "2k + 1" })
            }
            Method::Morris => serde_json::json!({
                "trajectories": self.setup.samples, "levels": morris::DEFAULT_LEVELS, "jump_probability": 0.5,
                "elementary_effect": "output change per unit of probability",
                "bootstrap_resamples": N_BOOT, "confidence": CONFIDENCE, "bootstrap_seed": bootstrap_seed(self.setup.seed),
                "rng": "ChaCha8 (rand_chacha 0.10), seed_from_u64(seed)",
            }),
            Method::Sobol => serde_json::json!({
                "base_rows": self.setup.samples, "runs": "N (k + 2)", "order": "[A; B; AB_1 .. AB_k]",
                "sequence": "Owen-scrambled Sobol' (sobol_burley 0.5, Joe-Kuo directions), seed (seed ^ seed >> 32) as u32, each point jittered in its 2^-23 cell with ChaCha8",
                "s1_estimator": "Saltelli et al. (2010)", "st_estimator": "Jansen (1999)",
                "bootstrap_resamples": N_BOOT, "confidence": CONFIDENCE, "bootstrap_seed": bootstrap_seed(self.setup.seed),
            }),
        };
        let inputs: Vec<serde_json::Value> = sc
            .uncertain
            .iter()
            .map(|&p| serde_json::json!({ "input": sc.params[p].path, "name_zh": sc.input_name(p, Lang::Zh), "name_en": sc.input_name(p, Lang::En), "unit": sc.params[p].unit, "distribution": sc.params[p].dist.to_syntax() }))
            .collect();
        let mut over_time = Vec::new();
        for span in &self.setup.over_time {
            let files =
                crate::sensitivity::over_time::write(method, span, out, lang, self.setup.png)?;
            if lang == Lang::Zh {
                eprintln!(
                    "{}:{}..{}：逐年指数见 {}",
                    span.var, span.from, span.to, files[0]
                );
            } else {
                eprintln!(
                    "{}:{}..{}: indices per year in {}",
                    span.var, span.from, span.to, files[0]
                );
            }
            over_time.push(serde_json::json!({ "outcome": format!("{}:{}..{}", span.var, span.from, span.to), "files": files }));
        }
        let summary = serde_json::json!({
            "format": "peakpath-sensitivity-1",
            "peakpath_version": env!("CARGO_PKG_VERSION"),
            "scenario": { "id": sc.info.id, "path": spath, "files": sc.files, "content_sha256": sc.hash },
            "method": method,
            "samples": self.setup.samples,
            "seed": self.setup.seed,
            "evaluations": self.setup.rows,
            "inputs_count": k,
            "elapsed_s": (elapsed * 1000.0).round() / 1000.0,
            "design": design,
            "references": REFERENCES,
            "outcomes": files,
            "inputs": inputs,
            "correlations": crate::sensitivity::dependence::json(sc),
            "over_time": over_time,
        });
        for l in crate::sensitivity::dependence::notes(sc, lang == Lang::Zh) {
            eprintln!("{l}");
        }
        write_atomic(&out.join(SUMMARY), &output::json_bytes(&summary)).map_err(io_err(out))?;
        Ok(())
    }
}

fn fmt4(x: f64) -> String {
    if x != 0.0 && (x.abs() >= 1e5 || x.abs() < 1e-3) {
        format!("{x:.3e}")
    } else {
        format!("{x:.4}")
    }
}
