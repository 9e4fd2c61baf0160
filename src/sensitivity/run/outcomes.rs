//! The outcomes a sensitivity analysis explains (`VAR:YEAR`, `peak_year`, `peaked_by_YYYY`,
//! `met:ID:YEAR`;
//! year ranges `VAR:FROM..TO` are expanded in `over_time`), parsed from the command line
//! and evaluated on a run.

use super::*;

/// What a sensitivity analysis explains.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Outcome {
    /// A model variable in a year.
    Var(Var, i32),
    /// The peak year of energy CO₂.
    PeakYear,
    /// 1.0 when the run peaked by the year (MODEL.md §7, declining from the base year
    /// included), else 0.0.
    PeakedBy(i32),
    /// 1.0 when indicator `i` of the scenario's plan meets its target in its plan's target
    /// year index `k`, else 0.0; the third field is its id, names (zh, en) and the target
    /// year, kept for labels.
    Met(
        usize,
        usize,
        (&'static str, &'static str, &'static str, i32),
    ),
}

impl Outcome {
    /// Parse `VAR:YEAR`, `peak_year` or `met:ID:YEAR` against a scenario (exit-2 errors
    /// with a "did you mean" for unknown names, and for years outside the horizon).
    pub fn parse(text: &str, sc: &Scenario) -> Result<Outcome> {
        let s = text.trim();
        let forms = "expected VAR:YEAR (e.g. co2:2030), peak_year, peaked_by_YYYY (e.g. peaked_by_2030) or met:ID:YEAR (e.g. met:5:2025)";
        let bad = |m: String| Error::Input(format!("--outcome {text}: {m}"));
        if s == "peak_year" {
            return Ok(Outcome::PeakYear);
        }
        if let Some(y) = s.strip_prefix("peaked_by_") {
            let y: i32 = y
                .parse()
                .map_err(|_| bad(format!("expected a year after peaked_by_, found \"{y}\"")))?;
            if y < sc.spec.y0 || y > sc.spec.y1 {
                return Err(bad(format!(
                    "year {y} is outside the scenario's horizon {}–{}",
                    sc.spec.y0, sc.spec.y1
                )));
            }
            return Ok(Outcome::PeakedBy(y));
        }
        let parts: Vec<&str> = s.split(':').collect();
        let year = |y: &str| -> Result<i32> {
            y.trim()
                .parse::<i32>()
                .map_err(|_| bad(format!("expected a year, found \"{y}\"")))
        };
        let mut names: Vec<&str> = VARS.iter().map(|v| v.name).collect();
        names.extend(["peak_year", "peaked_by_2030", "met"]);
        let hint = |name: &str| {
            crate::scenario::source::suggest(name, names.iter().copied())
                .map(|h| format!(" (did you mean `{h}`?)"))
                .unwrap_or_default()
        };
        match parts[..] {
            ["met", id, y] => {
                let Some(i) = sc.indicators.find(id.trim()) else {
                    let ids = sc.indicators.defs().iter().map(|d| d.id.as_str());
                    let h = crate::scenario::source::suggest(id.trim(), ids)
                        .map(|h| format!(" (did you mean `{h}`?)"))
                        .unwrap_or_default();
                    return Err(bad(format!(
                        "unknown indicator \"{id}\"{h}; `peakpath indicators` lists them"
                    )));
                };
                let y = year(y)?;
                let years = sc.indicators.years();
                let Some(k) = years.iter().position(|&t| t == y) else {
                    let years: Vec<String> = years.iter().map(|t| t.to_string()).collect();
                    return Err(bad(format!(
                        "expected a target year of the plan ({}), found {y}",
                        years.join(" or ")
                    )));
                };
                let mut tr = Trajectory::new(&sc.spec);
                let med = sc.medians();
                model::simulate(&sc.spec, &med, &mut tr);
                if sc.indicators.met(i, k, &sc.spec, &med, &tr).is_none() {
                    return Err(bad(format!(
                        "indicator {id} has no {y} target or no value in scenario {}",
                        sc.info.id
                    )));
                }
                let d = sc.indicators.def(i);
                let intern = indicators::plan::intern;
                Ok(Outcome::Met(
                    i,
                    k,
                    (intern(&d.id), intern(&d.name_zh), intern(&d.name_en), y),
                ))
            }
            [name, y] => {
                let Some(v) = Var::by_name(name.trim()) else {
                    return Err(bad(format!(
                        "unknown variable \"{name}\"{}; {forms}",
                        hint(name.trim())
                    )));
                };
                let y = year(y)?;
                if y < sc.spec.y0 || y > sc.spec.y1 {
                    return Err(bad(format!(
                        "year {y} is outside the scenario's horizon {}–{}",
                        sc.spec.y0, sc.spec.y1
                    )));
                }
                Ok(Outcome::Var(v, y))
            }
            [name] => Err(bad(format!(
                "unknown outcome \"{name}\"{}; {forms}",
                hint(name)
            ))),
            _ => Err(bad(forms.to_string())),
        }
    }

    /// Canonical text, e.g. `co2:2030`, `peak_year`, `met:5:2025`.
    pub fn spec(&self) -> String {
        match *self {
            Outcome::Var(v, y) => format!("{}:{y}", v.info().name),
            Outcome::PeakYear => "peak_year".into(),
            Outcome::PeakedBy(y) => format!("peaked_by_{y}"),
            Outcome::Met(_, _, (id, _, _, y)) => format!("met:{id}:{y}"),
        }
    }

    /// The outcome as part of a file name: `co2_2030`, `peak_year`, `met_5_2025`.
    pub fn file_stem(&self) -> String {
        self.spec()
            .chars()
            .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
            .collect()
    }

    /// Unit of the outcome.
    pub fn unit(&self, lang: Lang) -> &'static str {
        match *self {
            Outcome::Var(v, _) => v.info().unit,
            Outcome::PeakYear => {
                if lang == Lang::Zh {
                    "年"
                } else {
                    "year"
                }
            }
            Outcome::Met(..) | Outcome::PeakedBy(_) => "1/0",
        }
    }

    /// Display name.
    pub fn label(&self, lang: Lang) -> String {
        let zh = lang == Lang::Zh;
        match *self {
            Outcome::Var(v, y) if zh => format!("{} {y} 年", v.info().zh),
            Outcome::Var(v, y) => format!("{}, {y}", v.info().en),
            Outcome::PeakYear if zh => "达峰年份(末年仍未达峰的模拟记为末年+1)".into(),
            Outcome::PeakYear => {
                "Peak year (a run not peaked by the last year counts as the year after)".into()
            }
            Outcome::PeakedBy(y) if zh => format!("{y}年前达峰 (含自基准年起下降)"),
            Outcome::PeakedBy(y) => {
                format!("Peaked by {y} (declining from the base year included)")
            }
            Outcome::Met(_, _, (id, name_zh, _, y)) if zh => {
                format!("指标 {id} {name_zh} {y} 年达标")
            }
            Outcome::Met(_, _, (id, _, name_en, y)) => {
                format!("Indicator {id} met in {y} ({name_en})")
            }
        }
    }

    /// Value of the outcome in one run.
    #[inline]
    pub fn eval(&self, sc: &Scenario, values: &[f64], tr: &Trajectory) -> f64 {
        match *self {
            Outcome::Var(v, y) => tr.at(v, y).unwrap_or(f64::NAN),
            // A run that has not peaked within the horizon counts as the year after it
            // (y1 + 1): later than any peak, so "later is worse" orders the runs, and finite,
            // so means, variances and elementary effects exist. Tables and charts show it as
            // "not peaked", never as a year.
            Outcome::PeakYear => {
                f64::from(tr.peak(&sc.spec.options).year.unwrap_or(sc.spec.y1 + 1))
            }
            Outcome::PeakedBy(y) => {
                let p = tr.peak(&sc.spec.options);
                f64::from(u8::from(p.year.is_some_and(|py| py <= y)))
            }
            Outcome::Met(i, k, _) => match sc.indicators.met(i, k, &sc.spec, values, tr) {
                Some(true) => 1.0,
                Some(false) => 0.0,
                None => f64::NAN,
            },
        }
    }
}

/// Parse every `--outcome`, refusing duplicates.
pub fn parse_outcomes(texts: &[String], sc: &Scenario) -> Result<Vec<Outcome>> {
    let mut out: Vec<Outcome> = Vec::new();
    for t in texts {
        let o = Outcome::parse(t, sc)?;
        if out.contains(&o) {
            return Err(Error::Input(format!("--outcome {t}: given twice")));
        }
        out.push(o);
    }
    if out.is_empty() {
        return Err(Error::Input("expected at least one --outcome".into()));
    }
    Ok(out)
}
