//! Display names of inputs in both languages (outside the scenario layer, which knows no
//! language: `Scenario::input_name` is defined here): the one table that turns a field path
//! (`economy.growth.2025`, `demand.industry.end_use_efficiency.coal`) into what a chart, a
//! table or a page shows (`GDP 增速 · 2025` / `GDP growth · 2025`). Field paths stay where a
//! user types them (scenario files, `--outcome`, CSV `field` columns); everything a reader
//! looks at names an input by [`display_name`].

use crate::report::Lang;

/// (pattern, Chinese, English). A pattern's segments are literal or a placeholder:
/// `<year>` a four-digit year, `<sector>` a demand sector, `<fuel>` a fuel, `<basis>` a grid
/// basis, `<tech>` a power technology, `<id>` a project id (its name where known), `<n>` an
/// indicator id (its name where known). The texts use the same placeholders in braces.
const NAMES: &[(&str, &str, &str)] = &[
    ("economy.gdp_base", "基准年 GDP", "GDP in the base year"),
    ("economy.gdp_2020", "基准年 GDP", "GDP in the base year"),
    (
        "economy.growth.<year>",
        "GDP 增速 · {year}",
        "GDP growth · {year}",
    ),
    (
        "economy.industry_share.<year>",
        "工业增加值占 GDP 比重 · {year}",
        "industry share of GDP · {year}",
    ),
    (
        "demand.<sector>.efficiency_gain.<year>",
        "{sector} · 能效年提升 · {year}",
        "{sector} · efficiency gain a year · {year}",
    ),
    (
        "demand.<sector>.elasticity",
        "{sector} · 能耗弹性",
        "{sector} · energy elasticity",
    ),
    (
        "demand.<sector>.end_use_efficiency.<fuel>",
        "{sector} · {fuel}终端利用效率",
        "{sector} · end-use efficiency of {fuel}",
    ),
    (
        "demand.<sector>.energy_base",
        "{sector} · 基准年终端能耗",
        "{sector} · final energy in the base year",
    ),
    (
        "demand.<sector>.energy_2020",
        "{sector} · 基准年终端能耗",
        "{sector} · final energy in the base year",
    ),
    (
        "demand.<sector>.mix.delivery",
        "{sector} · 用能结构调整落实程度",
        "{sector} · delivery of the fuel-mix shift",
    ),
    (
        "demand.industry.feedstock.<year>",
        "工业 · 原料用能 · {year}",
        "industry · feedstock energy · {year}",
    ),
    (
        "demand.industry.process_co2.<year>",
        "工业 · 工业过程 CO₂ · {year}",
        "industry · process CO₂ · {year}",
    ),
    (
        "caps.coal.compliance",
        "煤炭消费上限 · 执行程度",
        "coal cap · compliance",
    ),
    (
        "caps.coal.limit_t.<year>",
        "煤炭消费上限 · {year}",
        "coal cap · {year}",
    ),
    (
        "electricity.coal_equivalent_factor.<year>",
        "发电煤耗折算系数 · {year}",
        "coal-equivalent factor of electricity · {year}",
    ),
    ("electricity.loss", "电网线损率", "grid losses"),
    (
        "emission_factors.<fuel>",
        "{fuel}排放因子",
        "emission factor of {fuel}",
    ),
    (
        "grid.emission_factor.<basis>.<year>",
        "电网排放因子({basis}) · {year}",
        "grid emission factor ({basis}) · {year}",
    ),
    (
        "grid.nonfossil_share.<year>",
        "电网非化石电力占比 · {year}",
        "non-fossil share of grid power · {year}",
    ),
    (
        "indicators.<n>.path.<year>",
        "指标 {n} · {year}",
        "indicator {n} · {year}",
    ),
    (
        "indicators.<n>.path.delivery",
        "指标 {n} · 落实程度",
        "indicator {n} · delivery",
    ),
    (
        "power.<tech>.capacity_mw.<year>",
        "{tech}装机 · {year}",
        "{tech} capacity · {year}",
    ),
    (
        "power.<tech>.capacity_mw.delivery",
        "{tech}装机 · 落实程度",
        "{tech} capacity · delivery",
    ),
    (
        "power.<tech>.full_load_hours",
        "{tech}年利用小时数",
        "{tech} full-load hours",
    ),
    (
        "projects.<id>.energy.<fuel>",
        "项目 {id} · {fuel}用能",
        "project {id} · {fuel} use",
    ),
    (
        "projects.<id>.go",
        "项目 {id} · 是否建成",
        "project {id} · goes ahead",
    ),
    (
        "projects.<id>.start",
        "项目 {id} · 投产年份",
        "project {id} · start year",
    ),
    (
        "projects.<id>.value_added",
        "项目 {id} · 增加值",
        "project {id} · value added",
    ),
    (
        "projects.<id>.process_co2",
        "项目 {id} · 工业过程 CO₂",
        "project {id} · process CO₂",
    ),
    (
        "projects.<id>.ramp_years",
        "项目 {id} · 达产年数",
        "project {id} · ramp-up years",
    ),
    (
        "sinks.forest_cover.<year>",
        "森林覆盖率 · {year}",
        "forest cover · {year}",
    ),
    (
        "sinks.forest_cover.delivery",
        "森林覆盖率 · 落实程度",
        "forest cover · delivery",
    ),
    (
        "sinks.forest_rate",
        "森林固碳速率",
        "forest sequestration rate",
    ),
    (
        "sinks.grassland_cover.<year>",
        "草原综合植被盖度 · {year}",
        "grassland cover · {year}",
    ),
    (
        "sinks.grassland_cover.delivery",
        "草原综合植被盖度 · 落实程度",
        "grassland cover · delivery",
    ),
    (
        "sinks.grassland_rate",
        "草原固碳速率",
        "grassland sequestration rate",
    ),
    ("sinks.grassland_area_ha", "草原面积", "grassland area"),
    ("sinks.land_area_ha", "国土面积", "land area"),
    ("sinks.wetland_area_ha", "湿地面积", "wetland area"),
    (
        "sinks.wetland_rate",
        "湿地固碳速率",
        "wetland sequestration rate",
    ),
];

/// Words a placeholder stands for: (word as written in files, Chinese, English).
const WORDS: &[(&str, &str, &str)] = &[
    // <sector>
    ("industry", "工业", "industry"),
    ("buildings", "建筑", "buildings"),
    ("transport", "交通", "transport"),
    ("agriculture", "农业", "agriculture"),
    // <fuel>
    ("coal", "煤炭", "coal"),
    ("oil", "油品", "oil"),
    ("gas", "天然气", "gas"),
    ("electricity", "电力", "electricity"),
    ("biomass", "生物质", "biomass"),
    // <basis>
    ("provincial", "省级", "provincial"),
    ("regional", "区域", "regional"),
    ("national", "全国", "national"),
    // <tech>
    ("pv", "光伏", "PV"),
    ("wind", "风电", "wind"),
    ("hydro", "水电", "hydro"),
];

const SECTORS: [&str; 4] = ["industry", "buildings", "transport", "agriculture"];
const FUELS: [&str; 5] = ["coal", "oil", "gas", "electricity", "biomass"];
const BASES: [&str; 3] = ["provincial", "regional", "national"];
const TECHS: [&str; 3] = ["pv", "wind", "hydro"];

/// A word of [`WORDS`] in `lang`, else the word itself.
pub fn word(w: &str, lang: Lang) -> &str {
    WORDS
        .iter()
        .find(|(k, _, _)| *k == w)
        .map_or(w, |(_, zh, en)| if lang == Lang::Zh { zh } else { en })
}

/// The names a scenario gives to projects and indicators (`<id>`, `<n>`), if any.
pub trait Known {
    fn project(&self, id: &str, lang: Lang) -> Option<String>;
    fn indicator(&self, id: &str, lang: Lang) -> Option<String>;
}

/// No names known: projects and indicators are named by their ids.
pub struct NoNames;

impl Known for NoNames {
    fn project(&self, _: &str, _: Lang) -> Option<String> {
        None
    }
    fn indicator(&self, _: &str, _: Lang) -> Option<String> {
        None
    }
}

/// Placeholders bound by matching `path` against `pattern`, or `None` when it does not match.
fn bind<'a>(pattern: &str, path: &'a str) -> Option<Vec<(&'static str, &'a str)>> {
    let pat: Vec<&str> = pattern.split('.').collect();
    let segs: Vec<&str> = path.split('.').collect();
    if pat.len() != segs.len() {
        return None;
    }
    let mut out = Vec::new();
    for (p, s) in pat.iter().zip(&segs) {
        let ok = match *p {
            "<year>" => s.len() == 4 && s.bytes().all(|b| b.is_ascii_digit()),
            "<sector>" => SECTORS.contains(s),
            "<fuel>" => FUELS.contains(s),
            "<basis>" => BASES.contains(s),
            "<tech>" => TECHS.contains(s),
            "<id>" | "<n>" => !s.is_empty(),
            lit => lit == *s,
        };
        if !ok {
            return None;
        }
        if let Some(name) = p.strip_prefix('<').and_then(|p| p.strip_suffix('>')) {
            let name: &'static str = match name {
                "year" => "year",
                "sector" => "sector",
                "fuel" => "fuel",
                "basis" => "basis",
                "tech" => "tech",
                "id" => "id",
                _ => "n",
            };
            out.push((name, *s));
        }
    }
    Some(out)
}

/// A long name cut to `max` characters, with "…".
fn cut(s: &str, max: usize) -> String {
    if s.chars().count() <= max {
        s.to_string()
    } else {
        let mut t: String = s.chars().take(max - 1).collect();
        t.push('…');
        t
    }
}

/// The entry of the table for `path` in `lang`, or `None` when no pattern matches.
pub fn lookup(path: &str, lang: Lang, known: &dyn Known) -> Option<String> {
    let zh = lang == Lang::Zh;
    NAMES.iter().find_map(|(pat, tzh, ten)| {
        let vars = bind(pat, path)?;
        let mut s = if zh { *tzh } else { *ten }.to_string();
        for (k, v) in vars {
            let shown = match k {
                "id" => known
                    .project(v, lang)
                    .map(|n| cut(&n, if zh { 12 } else { 28 }))
                    .unwrap_or_else(|| v.to_string()),
                "n" => known
                    .indicator(v, lang)
                    .map(|n| format!("{v} {}", cut(&n, if zh { 12 } else { 28 })))
                    .unwrap_or_else(|| v.to_string()),
                "year" => v.to_string(),
                _ => word(v, lang).to_string(),
            };
            s = s.replace(&format!("{{{k}}}"), &shown);
        }
        Some(s)
    })
}

/// The display name of an input in `lang`: its entry in the table; for a path no entry
/// matches, a readable name generated from its segments (words translated where known,
/// `_` and `.` turned into spaces and " · "), never the raw path.
pub fn display_name(path: &str, lang: Lang, known: &dyn Known) -> String {
    lookup(path, lang, known).unwrap_or_else(|| generated(path, lang))
}

/// A readable name for a path outside the table.
fn generated(path: &str, lang: Lang) -> String {
    let parts: Vec<String> = path
        .split('.')
        .map(|s| {
            let w = word(s, lang);
            if w != s {
                w.to_string()
            } else {
                s.replace('_', " ")
            }
        })
        .collect();
    let text = parts.join(" · ");
    if lang == Lang::Zh {
        format!("输入 {text}")
    } else {
        text
    }
}

/// The display name with its unit in `lang`, e.g. `GDP 增速 · 2025 (比例/年)`.
pub fn display_name_with_unit(path: &str, unit: &str, lang: Lang, known: &dyn Known) -> String {
    let name = display_name(path, lang, known);
    let u = crate::report::unit(unit, lang);
    if u.is_empty() {
        name
    } else {
        format!("{name} ({u})")
    }
}

impl Known for crate::scenario::Scenario {
    fn project(&self, id: &str, lang: Lang) -> Option<String> {
        let p = self.spec.projects.iter().find(|p| p.id == id)?;
        let n = if lang == Lang::Zh {
            &p.name_zh
        } else {
            &p.name_en
        };
        // A name that is the id itself (none given) says nothing more than the id.
        (n != id && !n.is_empty()).then(|| n.clone())
    }
    fn indicator(&self, id: &str, lang: Lang) -> Option<String> {
        let d = self.indicators.def(self.indicators.find(id)?);
        let n = if lang == Lang::Zh {
            &d.name_zh
        } else {
            &d.name_en
        };
        (!n.is_empty()).then(|| n.clone())
    }
}

impl crate::scenario::Scenario {
    /// The display name of parameter `i` in `lang` (see [`display_name`]).
    pub fn input_name(&self, i: usize, lang: Lang) -> String {
        display_name(&self.params[i].path, lang, self)
    }
}

/// The group of a field path as the serve page shows it (`demand.industry.mix.delivery` →
/// `终端需求 · 工业`), in `lang`.
pub fn group_name(group: &str, lang: Lang) -> String {
    let zh = lang == Lang::Zh;
    let head: &[(&str, &str, &str)] = &[
        ("economy", "经济", "economy"),
        ("demand", "终端需求", "final demand"),
        ("caps", "总量控制", "caps"),
        ("electricity", "电力折算", "electricity accounting"),
        ("emission_factors", "排放因子", "emission factors"),
        ("grid", "电网", "grid"),
        ("indicators", "指标", "indicators"),
        ("power", "本地发电", "local power"),
        ("projects", "项目", "projects"),
        ("sinks", "碳汇", "sinks"),
    ];
    group
        .split('.')
        .enumerate()
        .map(|(i, s)| {
            if i == 0
                && let Some((_, z, e)) = head.iter().find(|(k, _, _)| *k == s)
            {
                return if zh { z } else { e }.to_string();
            }
            let w = word(s, lang);
            if w != s {
                return w.to_string();
            }
            match (s, zh) {
                ("end_use_efficiency", true) => "终端利用效率".into(),
                ("efficiency_gain", true) => "能效年提升".into(),
                ("emission_factor", true) => "排放因子".into(),
                ("nonfossil_share", true) => "非化石电力占比".into(),
                ("capacity_mw", true) => "装机".into(),
                ("coal_equivalent_factor", true) => "发电煤耗折算系数".into(),
                ("industry_share", true) => "工业增加值占比".into(),
                ("growth", true) => "GDP 增速".into(),
                ("mix", true) => "用能结构".into(),
                ("path", true) => "路径".into(),
                ("limit_t", true) => "上限".into(),
                ("energy", true) => "用能".into(),
                _ if zh
                    && s.bytes()
                        .all(|b| b.is_ascii_digit() || b.is_ascii_lowercase())
                    && s.bytes().any(|b| b.is_ascii_digit()) =>
                {
                    s.to_string()
                }
                _ if zh => format!("输入 {}", s.replace('_', " ")),
                _ => s.replace('_', " "),
            }
        })
        .collect::<Vec<_>>()
        .join(" · ")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::has_cjk;

    #[test]
    fn names_follow_the_table() {
        assert_eq!(
            display_name("economy.growth.2025", Lang::Zh, &NoNames),
            "GDP 增速 · 2025"
        );
        assert_eq!(
            display_name(
                "demand.industry.end_use_efficiency.coal",
                Lang::En,
                &NoNames
            ),
            "industry · end-use efficiency of coal"
        );
        assert_eq!(
            display_name("grid.emission_factor.provincial.2030", Lang::Zh, &NoNames),
            "电网排放因子(省级) · 2030"
        );
        assert_eq!(
            display_name_with_unit(
                "economy.growth.2025",
                "fraction per year",
                Lang::Zh,
                &NoNames
            ),
            "GDP 增速 · 2025 (比例/年)"
        );
    }

    #[test]
    fn an_unmapped_path_gets_a_readable_name() {
        let en = display_name("economy.new_thing.2025", Lang::En, &NoNames);
        assert_eq!(en, "economy · new thing · 2025");
        let zh = display_name("economy.new_thing.2025", Lang::Zh, &NoNames);
        assert!(has_cjk(&zh) && !zh.contains('_'), "{zh}");
    }

    #[test]
    fn every_input_of_the_shipped_scenarios_has_a_name_in_both_languages() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        let mut files: Vec<_> = std::fs::read_dir(root.join("scenarios"))
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| p.extension().is_some_and(|e| e == "toml"))
            .collect();
        files.extend(
            std::fs::read_dir(root.join("tests/fixtures/v2"))
                .into_iter()
                .flatten()
                .map(|e| e.unwrap().path())
                .filter(|p| p.extension().is_some_and(|e| e == "toml")),
        );
        assert!(files.len() >= 4);
        let mut missing = Vec::new();
        let mut n = 0;
        for f in &files {
            let Ok(sc) = crate::scenario::Scenario::load(f) else {
                continue;
            };
            for (i, p) in sc.params.iter().enumerate() {
                n += 1;
                let (Some(zh), Some(en)) = (
                    lookup(&p.path, Lang::Zh, &sc),
                    lookup(&p.path, Lang::En, &sc),
                ) else {
                    missing.push(p.path.clone());
                    continue;
                };
                assert!(has_cjk(&zh), "{}: {zh}", p.path);
                assert!(!has_cjk(&en), "{}: {en}", p.path);
                assert_eq!(sc.input_name(i, Lang::En), en);
            }
        }
        assert!(n > 150, "{n} inputs");
        missing.sort();
        missing.dedup();
        assert!(
            missing.is_empty(),
            "inputs without a display name: {missing:?}"
        );
    }

    #[test]
    fn groups_read_in_one_language() {
        assert_eq!(
            group_name("demand.industry.end_use_efficiency", Lang::Zh),
            "终端需求 · 工业 · 终端利用效率"
        );
        assert_eq!(
            group_name("demand.industry.end_use_efficiency", Lang::En),
            "final demand · industry · end use efficiency"
        );
        assert!(!has_cjk(&group_name("indicators.10a", Lang::En)));
    }
}
