//! The scenario file's schema: reading the merged tree into a validated [`Scenario`].
//!
//! Every field is read by name with its unit and admissible range; unknown fields, wrong
//! types, bad distributions, share vectors that do not sum to one and milestones outside the
//! horizon or out of order are reported with `file:line:col: field.path: expected …, found …`.

use super::dist::{Dist, SYNTAX};
use super::source::{Diag, Diags, Kind, Loc, Node, Sources, is_year_key, show_num, suggest};
use super::{ParamDef, Scenario, ScenarioInfo};
use crate::indicators::{self, IndicatorSet, Setting};
use crate::model::{
    Accounting, AfterLast, Assessment, GridBasis, IndustryDriver, ModelSpec, Options, P, PathSpec,
    PeakOn, Periods, SECTORS, SectorSpec, TECHS, TechSpec,
};

/// Admissible range of a field, inclusive.
#[derive(Clone, Copy)]
struct Range(f64, f64);

const SHARE: Range = Range(0.0, 1.0);
const RATIO: Range = Range(0.0, 3.0);
const NONNEG: Range = Range(0.0, 1e9);
const GROWTH: Range = Range(-0.3, 0.5);
const ANY: Range = Range(-1e9, 1e9);

mod fields;
mod paths;
mod settings;
mod v3;

struct Reader<'s> {
    src: &'s Sources,
    diags: Vec<Diag>,
    /// Plausibility warnings (valid values that look like slips).
    warnings: Vec<Diag>,
    params: Vec<ParamDef>,
    /// The horizon, once `[scenario]` is read: paths and periods are checked against it.
    y0: i32,
    y1: i32,
    /// `options.after_last_milestone`, once read: paths and mixes carry it.
    after: AfterLast,
}

impl<'s> Reader<'s> {
    fn err(&mut self, at: Loc, field: &str, msg: impl Into<String>) {
        self.diags.push(self.src.diag(at, field, msg));
    }

    /// Check a table's keys against the allowed ones; report unknown keys with a suggestion.
    fn keys(&mut self, node: &Node, path: &str, allowed: &[&str]) {
        let Some(entries) = node.entries() else {
            return;
        };
        for (k, kl, _) in entries {
            if allowed.contains(&k.as_str()) || (path.is_empty() && k == "extends") {
                continue;
            }
            let field = join(path, k);
            let hint = suggest(k, allowed.iter().copied())
                .map(|s| format!(" (did you mean `{s}`?)"))
                .unwrap_or_default();
            let expected = if allowed.len() <= 8 {
                format!("one of {}", allowed.join(", "))
            } else {
                "a known field".into()
            };
            self.err(
                *kl,
                &field,
                format!("unknown field: expected {expected}, found `{k}`{hint}"),
            );
        }
    }

    /// A sub-table; `None` (with an error) when it has the wrong type, `None` silently when absent.
    fn table<'n>(&mut self, parent: &'n Node, key: &str, path: &str) -> Option<&'n Node> {
        let n = parent.get(key)?;
        if matches!(n.kind, Kind::Table(_)) {
            Some(n)
        } else {
            self.err(
                n.at,
                &join(path, key),
                format!("expected a table, found {}", n.found()),
            );
            None
        }
    }

    fn missing(&mut self, parent: &Node, field: &str, what: &str) {
        self.err(
            parent.at,
            field,
            format!(
                "expected {what}, found nothing (give it here or in the file this one extends)"
            ),
        );
    }

    fn dummy(&mut self, field: &str) -> P {
        self.push(
            field,
            "",
            Dist::Fixed { value: 1.0 },
            Range(f64::MIN, f64::MAX),
            None,
        )
    }

    fn push(
        &mut self,
        field: &str,
        unit: &'static str,
        dist: Dist,
        r: Range,
        at: Option<Loc>,
    ) -> P {
        self.params.push(ParamDef {
            path: field.to_string(),
            unit,
            dist,
            at,
            range: (r.0, r.1),
        });
        self.params.len() - 1
    }

    /// A number or a distribution.
    fn param_node(&mut self, n: &Node, field: &str, unit: &'static str, r: Range) -> P {
        let dist = match &n.kind {
            Kind::Int(i) => Ok(Dist::Fixed { value: *i as f64 }),
            Kind::Float(f) if f.is_finite() => Ok(Dist::Fixed { value: *f }),
            Kind::Float(f) => Err(format!("expected a finite number, found {}", show_num(*f))),
            Kind::Str(s) => Dist::parse(s),
            _ => Err(format!("expected {SYNTAX}, found {}", n.found())),
        };
        let dist = match dist {
            Ok(d) => d,
            Err(e) => {
                self.err(n.at, field, e);
                return self.dummy(field);
            }
        };
        let (lo, hi) = dist.support();
        // An untruncated normal or a lognormal is accepted where at most one draw in a
        // million falls outside the field's range (those draws are held at its edge).
        let median = dist.median();
        let rare = dist
            .mass_outside(r.0, r.1)
            .is_some_and(|m| m <= 1e-6 && median >= r.0 && median <= r.1);
        if (lo < r.0 || hi > r.1) && !rare {
            if let Some(m) = dist.mass_outside(r.0, r.1) {
                self.err(
                    n.at,
                    field,
                    format!(
                        "expected values in [{}, {}] {unit}, found {} with {} of its draws outside (at most one in a million may be; give normal(mean, sd, min, max) to truncate it)",
                        show_num(r.0),
                        show_num(r.1),
                        dist.to_syntax(),
                        if m >= 1e-3 { format!("{:.1} %", m * 100.0) } else { format!("{m:.2e}") }
                    ),
                );
                return self.dummy(field);
            }
            let what = if dist.is_fixed() {
                show_num(lo)
            } else if lo.is_infinite() || hi.is_infinite() {
                format!(
                    "{} with unbounded support (give min and max to truncate it)",
                    dist.to_syntax()
                )
            } else {
                format!(
                    "{} reaching {}",
                    dist.to_syntax(),
                    show_num(if lo < r.0 { lo } else { hi })
                )
            };
            self.err(
                n.at,
                field,
                format!(
                    "expected values in [{}, {}] {unit}, found {what}",
                    show_num(r.0),
                    show_num(r.1)
                ),
            );
            return self.dummy(field);
        }
        self.push(field, unit, dist, r, Some(n.at))
    }

    /// A field named after the base year (`gdp_base`, `energy_base`), also accepted under its
    /// old name (`gdp_2020`, `energy_2020`) with a note; both at once is an error.
    fn param_renamed(
        &mut self,
        parent: &Node,
        key: &str,
        old: &str,
        path: &str,
        unit: &'static str,
        r: Range,
    ) -> P {
        // Files merge before they are read: where both names are given, the one of the file
        // that extends the other wins (files are numbered root first); both in one file is an
        // error.
        let older_overrides = match (parent.get(key), parent.get(old)) {
            (Some(k), Some(o)) if k.at.file == o.at.file => {
                self.err(
                    o.at,
                    &join(path, old),
                    format!("expected one of `{key}` and `{old}` (its old name), found both"),
                );
                return self.param(parent, key, path, unit, r);
            }
            _ => renamed_key(parent, key, old) == old,
        };
        match parent.get(old).filter(|_| older_overrides) {
            Some(n) => {
                self.warn(
                    n.at,
                    &join(path, old),
                    format!(
                        "note: `{old}` is the old name of `{key}` (the value of the base year, whatever it is); it is read as `{key}`"
                    ),
                );
                self.param(parent, old, path, unit, r)
            }
            None => self.param(parent, key, path, unit, r),
        }
    }

    fn param(&mut self, parent: &Node, key: &str, path: &str, unit: &'static str, r: Range) -> P {
        let field = join(path, key);
        match parent.get(key) {
            Some(n) => self.param_node(n, &field, unit, r),
            None => {
                self.missing(
                    parent,
                    &field,
                    &format!("a number or distribution in {unit}"),
                );
                self.dummy(&field)
            }
        }
    }
}

fn join(path: &str, key: &str) -> String {
    if path.is_empty() {
        key.to_string()
    } else {
        format!("{path}.{key}")
    }
}

/// Which of a renamed field's names a table's value is read from: the old name where it alone is
/// given, or where it is given in a file that extends the one giving the new name (files are
/// numbered root first); else the new name.
fn renamed_key<'k>(t: &Node, key: &'k str, old: &'k str) -> &'k str {
    match (t.get(key), t.get(old)) {
        (None, Some(_)) => old,
        (Some(k), Some(o)) if o.at.file < k.at.file => old,
        _ => key,
    }
}

/// A number to four significant decimals, for messages.
fn show_num_short(x: f64) -> String {
    fmt_num((x * 1e4).round() / 1e4)
}

fn fmt_num(x: f64) -> String {
    let s = format!("{x:.6}");
    s.trim_end_matches('0').trim_end_matches('.').to_string()
}

const TOP: &[&str] = &[
    "scenario",
    "options",
    "economy",
    "demand",
    "electricity",
    "power",
    "grid",
    "emission_factors",
    "sinks",
    "indicators",
    "correlations",
    "observed",
    "actions",
    "caps",
    "projects",
    "checks",
    "plan",
];

/// Read a merged tree into a validated scenario.
pub fn read(root: &Node, src: &Sources) -> Result<Scenario, Diags> {
    let mut r = Reader {
        src,
        diags: Vec::new(),
        warnings: Vec::new(),
        params: Vec::new(),
        y0: 2020,
        y1: 2035,
        after: AfterLast::Hold,
    };
    r.keys(root, "", TOP);

    // [scenario]
    let empty = Node {
        at: root.at,
        kind: Kind::Table(Vec::new()),
    };
    let sc = r.table(root, "scenario", "").unwrap_or(&empty);
    r.keys(
        sc,
        "scenario",
        &[
            "id",
            "name_zh",
            "name_en",
            "description",
            "start_year",
            "end_year",
        ],
    );
    let y0 = r
        .int(sc, "start_year", "scenario", 1990, 2100)
        .unwrap_or(2020) as i32;
    let y1 = r
        .int(sc, "end_year", "scenario", 1990, 2200)
        .unwrap_or(2035) as i32;
    if y1 < y0 + 10 || y1 > y0 + 60 {
        let at = sc.get("end_year").map_or(sc.at, |n| n.at);
        r.err(at, "scenario.end_year", format!("expected an end year 10 to 60 years after the start year {y0} (the 2025 and 2030 targets must be inside), found {y1}"));
        return Err(Diags(r.diags));
    }
    if y0 > 2025 || y1 < 2030 {
        r.err(
            sc.at,
            "scenario.start_year",
            format!("expected a horizon containing 2025 and 2030, found {y0}–{y1}"),
        );
        return Err(Diags(r.diags));
    }
    (r.y0, r.y1) = (y0, y1);
    let id = r
        .string(sc, "id", "scenario")
        .unwrap_or_else(|| "scenario".into());
    if let Err(why) = check_id(&id) {
        let at = sc.get("id").map_or(sc.at, |n| n.at);
        r.err(at, "scenario.id", why);
    }
    let info = ScenarioInfo {
        id,
        name_zh: r.string(sc, "name_zh", "scenario").unwrap_or_default(),
        name_en: r.string(sc, "name_en", "scenario").unwrap_or_default(),
        description: r.string(sc, "description", "scenario").unwrap_or_default(),
    };

    // The plan the scenario names (read into `src` by the loader), else the embedded one.
    let plan = match src.plan {
        None => indicators::plan::HUZHU.clone(),
        Some(i) => {
            let f = &src.files[i];
            match indicators::plan::parse(&f.text, &f.name) {
                Ok(p) => std::sync::Arc::new(p),
                Err(errs) => {
                    for e in errs {
                        r.diags.push(Diag {
                            file: f.name.clone(),
                            line: e.line,
                            col: e.col,
                            field: e.field,
                            message: e.message,
                        });
                    }
                    return Err(Diags(r.diags));
                }
            }
        }
    };
    // [options]
    let op = r.table(root, "options", "").unwrap_or(&empty);
    // `assessment_<year>` for 2025 and 2030 (the assessed series) and each target year of
    // the plan.
    let mut rule_years = vec![2025, 2030];
    rule_years.extend(plan.target_years.iter().copied());
    rule_years.sort_unstable();
    rule_years.dedup();
    let rule_keys: Vec<String> = rule_years
        .iter()
        .map(|y| format!("assessment_{y}"))
        .collect();
    let mut option_keys = vec![
        "grid_basis",
        "electricity_accounting",
        "credit_exports",
        "peak_by",
        "peak_tolerance",
        "peak_on",
        "after_last_milestone",
        "industry_driver",
    ];
    option_keys.extend(rule_keys.iter().map(String::as_str));
    r.keys(op, "options", &option_keys);
    // A target year without a rule of its own takes the latest earlier year's
    // (`Options::rule`): only years the scenario names, and 2025 and 2030, are kept.
    let assessment = rule_years
        .iter()
        .zip(&rule_keys)
        .filter(|(y, key)| [2025, 2030].contains(*y) || op.get(key).is_some())
        .map(|(&y, key)| {
            (
                y,
                r.choice(op, key, "options", &Assessment::ALL, Assessment::Total),
            )
        })
        .collect();
    let options = Options {
        accounting: r.choice(
            op,
            "electricity_accounting",
            "options",
            &[
                ("coal_equivalent", Accounting::CoalEquivalent),
                ("calorific", Accounting::Calorific),
            ],
            Accounting::CoalEquivalent,
        ),
        grid_basis: r.choice(
            op,
            "grid_basis",
            "options",
            &GridBasis::ALL,
            GridBasis::Provincial,
        ),
        credit_exports: r.boolean(op, "credit_exports", "options"),
        peak_by: r
            .int(op, "peak_by", "options", i64::from(y0), i64::from(y1))
            .unwrap_or(2030) as i32,
        assessment,
        peak_tolerance: r
            .number(op, "peak_tolerance", "options", 0.0, 0.5)
            .unwrap_or(0.0),
        peak_on: r.choice(op, "peak_on", "options", &PeakOn::ALL, PeakOn::Energy),
        after_last: r.choice(
            op,
            "after_last_milestone",
            "options",
            &AfterLast::ALL,
            AfterLast::Hold,
        ),
        industry_driver: r.choice(
            op,
            "industry_driver",
            "options",
            &IndustryDriver::ALL,
            IndustryDriver::Gdp,
        ),
    };
    r.after = options.after_last;

    // [economy]
    let ec = r.table(root, "economy", "").unwrap_or(&empty);
    r.keys(
        ec,
        "economy",
        &["gdp_base", "gdp_2020", "growth", "industry_share"],
    );
    let gdp0 = r.param_renamed(
        ec,
        "gdp_base",
        "gdp_2020",
        "economy",
        "亿元",
        Range(1e-6, 1e9),
    );
    let growth = r.periods(ec, "growth", "economy", "fraction per year", GROWTH);
    for &(_, p) in &growth.ends {
        r.warn_above(p, 0.2, "a growth rate");
    }
    let mut industry_share = r.path(
        ec,
        "industry_share",
        "economy",
        "fraction of GDP",
        Range(1e-6, 1.0),
    );
    // Bounded below by the field's own range (1e-6), not 0: value added stays positive.
    industry_share.trend = r.trend_bounds((1e-6, 1.0));

    // [demand.<sector>]
    let de = r.table(root, "demand", "").unwrap_or(&empty);
    r.keys(de, "demand", &SECTORS);
    let sectors = SECTORS.map(|s| {
        let path = format!("demand.{s}");
        let t = match r.table(de, s, "demand") {
            Some(t) => t,
            None => {
                if de.get(s).is_none() {
                    r.missing(de, &path, "a table for the sector");
                }
                &empty
            }
        };
        let mut allowed = vec![
            "energy_base",
            "energy_2020",
            "elasticity",
            "efficiency_gain",
            "mix",
            "end_use_efficiency",
        ];
        if s == "industry" {
            allowed.push("feedstock");
            allowed.push("process_co2");
        }
        r.keys(t, &path, &allowed);
        // Parameters in file order (Monte Carlo draws follow it): do not reorder.
        let sec = SectorSpec {
            energy0: r.param_renamed(t, "energy_base", "energy_2020", &path, "万tce", NONNEG),
            elasticity: r.param(t, "elasticity", &path, "ratio", Range(-2.0, 3.0)),
            efficiency: r.periods(
                t,
                "efficiency_gain",
                &path,
                "fraction per year",
                Range(-0.2, 0.5),
            ),
            mix: r.mix(t, &path),
            eta: r.eta(t, &path),
        };
        for &(_, p) in &sec.efficiency.ends {
            r.warn_above(p, 0.1, "an efficiency gain");
        }
        sec
    });
    let feedstock = de
        .get("industry")
        .filter(|t| t.get("feedstock").is_some())
        .map(|t| r.path(t, "feedstock", "demand.industry", "万tce", NONNEG));

    // With no final energy anywhere the total energy consumption is 0 every year and every
    // share and intensity of it is 0/0: say so here rather than run a model of nothing.
    if sectors
        .iter()
        .all(|sec| r.params[sec.energy0].dist.support().1 <= 0.0)
    {
        let ind = de.get("industry");
        let key = ind.map_or("energy_base", |t| {
            renamed_key(t, "energy_base", "energy_2020")
        });
        let at = ind.and_then(|t| t.get(key)).map_or(de.at, |n| n.at);
        r.err(
            at,
            &format!("demand.industry.{key}"),
            format!(
                "expected a positive base-year final energy in at least one sector, found 0 in {}",
                SECTORS.join(", ")
            ),
        );
    }

    // [electricity]
    let el = r.table(root, "electricity", "").unwrap_or(&empty);
    r.keys(el, "electricity", &["loss", "coal_equivalent_factor"]);
    let loss = r.param(el, "loss", "electricity", "fraction", Range(0.0, 0.5));
    let k_eq = r.path(
        el,
        "coal_equivalent_factor",
        "electricity",
        "tce/MWh",
        Range(0.05, 1.0),
    );

    // [power.<tech>]
    let pw = r.table(root, "power", "").unwrap_or(&empty);
    r.keys(pw, "power", &TECHS);
    let techs = TECHS.map(|p| {
        let path = format!("power.{p}");
        let t = match r.table(pw, p, "power") {
            Some(t) => t,
            None => {
                if pw.get(p).is_none() {
                    r.missing(pw, &path, "a table for the technology");
                }
                &empty
            }
        };
        r.keys(t, &path, &["capacity_mw", "full_load_hours"]);
        TechSpec {
            capacity: r.path(t, "capacity_mw", &path, "MW", NONNEG),
            hours: r.param(t, "full_load_hours", &path, "h/yr", Range(0.0, 8760.0)),
        }
    });

    // [grid]
    let gr = r.table(root, "grid", "").unwrap_or(&empty);
    r.keys(gr, "grid", &["emission_factor", "nonfossil_share"]);
    let basis = options.grid_basis.name();
    let ef_grid = match r.table(gr, "emission_factor", "grid") {
        Some(t) => {
            r.keys(
                t,
                "grid.emission_factor",
                &["provincial", "regional", "national"],
            );
            let mut chosen = None;
            for (name, _) in GridBasis::ALL {
                if t.get(name).is_some() {
                    let p = r.path(t, name, "grid.emission_factor", "tCO2/MWh", Range(0.0, 2.0));
                    if name == basis {
                        chosen = Some(p);
                    }
                }
            }
            chosen.unwrap_or_else(|| {
                r.missing(
                    t,
                    &format!("grid.emission_factor.{basis}"),
                    "the path of the basis chosen in options.grid_basis",
                );
                PathSpec {
                    points: vec![(y0, 0)],
                    delivery: None,
                    bounds: PathSpec::UNBOUNDED,
                    trend: None,
                }
            })
        }
        None => {
            r.missing(
                gr,
                "grid.emission_factor",
                "a table of emission-factor paths by basis",
            );
            PathSpec {
                points: vec![(y0, r.dummy("grid.emission_factor"))],
                delivery: None,
                bounds: PathSpec::UNBOUNDED,
                trend: None,
            }
        }
    };
    let mut nf_grid = r.path(gr, "nonfossil_share", "grid", "fraction", SHARE);
    nf_grid.trend = r.trend_bounds((0.0, 1.0));

    // [emission_factors]
    let ef = r.table(root, "emission_factors", "").unwrap_or(&empty);
    r.keys(ef, "emission_factors", &["coal", "oil", "gas"]);
    let ef_fuel = ["coal", "oil", "gas"]
        .map(|f| r.param(ef, f, "emission_factors", "tCO2/tce", Range(0.0, 5.0)));

    // [sinks]
    let sk = r.table(root, "sinks", "").unwrap_or(&empty);
    r.keys(
        sk,
        "sinks",
        &[
            "land_area_ha",
            "forest_cover",
            "forest_rate",
            "grassland_area_ha",
            "grassland_cover",
            "grassland_rate",
            "wetland_area_ha",
            "wetland_rate",
        ],
    );
    let rate = Range(-20.0, 50.0);
    let land_ha = r.param(sk, "land_area_ha", "sinks", "ha", NONNEG);
    let mut forest_cover = r.path(sk, "forest_cover", "sinks", "fraction", SHARE);
    forest_cover.trend = r.trend_bounds((0.0, 1.0));
    let forest_rate = r.param(sk, "forest_rate", "sinks", "tCO2/ha/yr", rate);
    let grass_ha = r.param(sk, "grassland_area_ha", "sinks", "ha", NONNEG);
    let mut grass_cover = r.path(sk, "grassland_cover", "sinks", "fraction", Range(1e-6, 1.0));
    grass_cover.trend = r.trend_bounds((0.0, 1.0));
    let grass_rate = r.param(sk, "grassland_rate", "sinks", "tCO2/ha/yr", rate);
    let wetland_ha = r.param(sk, "wetland_area_ha", "sinks", "ha", NONNEG);
    let wetland_rate = r.param(sk, "wetland_rate", "sinks", "tCO2/ha/yr", rate);

    // [indicators.<id>]
    let settings = r.indicator_settings(root, &plan);

    // v3 (MODEL.md §4a, §4b, §7): parameters drawn after all of v2's, in this order.
    let cap = r.caps(root);
    let projects = r.projects(root);
    let process_co2 = de
        .get("industry")
        .filter(|t| t.get("process_co2").is_some())
        .map(|t| r.path(t, "process_co2", "demand.industry", "万t CO2", NONNEG));
    let checks = super::checks::read(root, src, y0, y1, &mut r.diags);

    // [[correlations]] and [observed.*] (MODEL.md §2, §11): read in their own modules.
    let correlations =
        super::correlations::read(root, src, &r.params, &mut r.diags, &mut r.warnings);
    let observed = super::observed::read(root, src, y0, y1, &mut r.diags);
    // [actions.<key>]: which of the plan's actions each changed field belongs to.
    let actions = super::actions::read(root, src, &mut r.diags);

    if !r.diags.is_empty() {
        return Err(Diags(r.diags));
    }
    let spec = ModelSpec {
        y0,
        y1,
        options,
        gdp0,
        growth,
        industry_share,
        sectors,
        loss,
        k_eq,
        techs,
        ef_grid,
        nf_grid,
        ef_fuel,
        land_ha,
        forest_cover,
        forest_rate,
        grass_ha,
        grass_cover,
        grass_rate,
        wetland_ha,
        wetland_rate,
        feedstock,
        cap,
        projects,
        process_co2,
    };
    let mut sc = Scenario::assemble(
        info,
        spec,
        IndicatorSet {
            plan,
            settings,
            horizon: (y0, y1),
        },
        r.params,
        r.warnings,
    );
    sc.actions = actions;
    sc.correlations = correlations;
    sc.observed = observed;
    sc.checks = checks;
    // MODEL.md §11: the central run's calibration against what happened.
    if !sc.observed.is_empty() {
        let mut tr = crate::model::Trajectory::new(&sc.spec);
        crate::model::simulate(&sc.spec, &sc.medians(), &mut tr);
        for o in &sc.observed {
            if !o.holds(&tr) {
                let x = o.model(&tr);
                sc.warnings.push(src.diag(
                    o.at,
                    &o.label(),
                    format!(
                        "warning: the central run gives {} {}, observed {} ± {} %: missed by {:+.1} %, outside the tolerance (the scenario's calibration disagrees with what happened)",
                        show_num_short(x),
                        o.variable.info().unit,
                        show_num(o.value),
                        show_num_short(o.tolerance * 100.0),
                        100.0 * (x - o.value) / o.value.abs()
                    ),
                ));
            }
        }
    }
    Ok(sc)
}

/// The longest scenario id.
pub const ID_MAX: usize = 64;

/// A scenario id names folders (`outputs/<id>`, a comparison's `<out>/<id>`), so it is a
/// name, never a path: 1 to 64 ASCII letters, digits, `-` and `_`, not starting with `-`.
pub fn check_id(id: &str) -> Result<(), String> {
    let ok_char = |c: char| c.is_ascii_alphanumeric() || c == '-' || c == '_';
    if id.is_empty() || id.len() > ID_MAX || id.starts_with('-') || !id.chars().all(ok_char) {
        return Err(format!(
            "expected a name of 1 to {ID_MAX} ASCII letters, digits, '-' and '_' (not starting with '-'), found {id:?}"
        ));
    }
    Ok(())
}
