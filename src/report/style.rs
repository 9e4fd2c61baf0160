//! What every chart, report and workbook shares: the colour of each scenario (stable across
//! charts and comparisons, whatever the argument order) and units written in the chosen
//! language (Latin units in English, so a PNG drawn without a Chinese font shows no boxes).

use super::Lang;

/// Fixed colours of the shipped scenarios: baseline grey, plan blue, enhanced green.
const SHIPPED: [(&str, (u8, u8, u8)); 3] = [
    ("baseline", (105, 105, 105)),
    ("plan", (31, 119, 180)),
    ("enhanced", (44, 160, 44)),
];

/// Colours for other scenario ids, picked by a hash of the id (none of the shipped ones).
const OTHERS: [(u8, u8, u8); 7] = [
    (230, 85, 13),
    (148, 103, 189),
    (140, 86, 75),
    (214, 39, 140),
    (23, 160, 180),
    (188, 150, 0),
    (200, 40, 40),
];

/// The colour of a scenario id as RGB: fixed for `baseline`, `plan`, `enhanced`; for any
/// other id a colour chosen by a hash of the id (FNV-1a), so the same id has the same colour
/// in every chart, comparison and workbook.
pub fn scenario_rgb(id: &str) -> (u8, u8, u8) {
    if let Some((_, c)) = SHIPPED.iter().find(|(s, _)| *s == id) {
        return *c;
    }
    let mut h: u32 = 0x811c_9dc5;
    for b in id.bytes() {
        h ^= u32::from(b);
        h = h.wrapping_mul(0x0100_0193);
    }
    OTHERS[(h % OTHERS.len() as u32) as usize]
}

/// Pairs of (Chinese, English) unit spellings, longest first so that compound units are
/// replaced before their parts.
const UNITS: [(&str, &str, &str); 11] = [
    // (as written in the files, Chinese display, English display)
    (
        "亿元 (2020 prices)",
        "亿元(2020年价)",
        "10⁸ yuan (2020 prices)",
    ),
    ("万tce (calorific)", "万tce(当量值)", "10⁴ tce (calorific)"),
    ("t CO2/万元", "t CO₂/万元", "t CO₂/10⁴ yuan"),
    ("tce/万元", "tce/万元", "tce/10⁴ yuan"),
    ("万t CO2", "万t CO₂", "10⁴ t CO₂"),
    ("万t CO₂", "万t CO₂", "10⁴ t CO₂"),
    ("万tce", "万tce", "10⁴ tce"),
    ("亿kWh", "亿kWh", "10⁸ kWh"),
    ("亿元", "亿元", "10⁸ yuan"),
    ("万kW", "万kW", "10⁴ kW"),
    ("万t", "万t", "10⁴ t"),
];

/// A unit as written in the output files (`万t CO2`, `亿元 (2020 prices)`) in the words of
/// `lang`: Chinese keeps 万/亿 and says 2020年价; English writes 10⁴ and 10⁸ (no Chinese
/// character, so no missing-glyph box without a Chinese font).
pub fn unit(u: &str, lang: Lang) -> String {
    // Money in the prices of another base year: `亿元 (2022 prices)`.
    if let Some(y) = u
        .strip_prefix("亿元 (")
        .and_then(|r| r.strip_suffix(" prices)"))
        .filter(|y| y.len() == 4 && y.bytes().all(|b| b.is_ascii_digit()))
    {
        return match lang {
            Lang::Zh => format!("亿元({y}年价)"),
            Lang::En => format!("10⁸ yuan ({y} prices)"),
        };
    }
    if let Some((_, zh, en)) = UNITS.iter().find(|(f, _, _)| *f == u) {
        return if lang == Lang::Zh { zh } else { en }.to_string();
    }
    let mut s = u.to_string();
    if lang == Lang::En {
        for (f, _, en) in UNITS {
            s = s.replace(f, en);
        }
    } else {
        s = s
            .replace(" (2020 prices)", "(2020年价)")
            .replace("CO2", "CO₂");
    }
    match (u, lang) {
        ("share" | "fraction", Lang::Zh) => "比例".into(),
        ("fraction per year", Lang::Zh) => "比例/年".into(),
        ("fraction of GDP", Lang::Zh) => "占GDP比例".into(),
        ("ratio", Lang::Zh) => "比值".into(),
        ("useful/final", Lang::Zh) => "有用能/终端能".into(),
        ("unit", Lang::Zh) => "单位".into(),
        ("year", Lang::Zh) => "年".into(),
        ("h/yr", Lang::Zh) => "小时/年".into(),
        ("ha", Lang::Zh) => "公顷".into(),
        ("tCO2/ha/yr", Lang::Zh) => "t CO₂/公顷/年".into(),
        ("tCO2/ha/yr", Lang::En) => "t CO₂/ha/yr".into(),
        ("probability", Lang::Zh) => "概率".into(),
        _ => s.replace("tCO2", "t CO₂"),
    }
}

/// A model option's value (`options.grid_basis`, `options.electricity_accounting`, as written
/// in scenario files and `run.json`) in the words of `lang`.
pub fn option_value(v: &str, lang: Lang) -> String {
    let zh = lang == Lang::Zh;
    match v {
        "provincial" if zh => "省级".into(),
        "regional" if zh => "区域".into(),
        "national" if zh => "全国".into(),
        "coal_equivalent" if zh => "等价值(发电煤耗法)".into(),
        "coal_equivalent" => "coal equivalent (power-plant coal use)".into(),
        "calorific" if zh => "当量值(电热当量法)".into(),
        "calorific" => "calorific value".into(),
        "true" if zh => "是".into(),
        "false" if zh => "否".into(),
        "true" => "yes".into(),
        "false" => "no".into(),
        other => other.to_string(),
    }
}

/// Whether a text contains a CJK character (Han, CJK punctuation, full-width forms).
pub fn has_cjk(s: &str) -> bool {
    s.chars().any(|c| {
        matches!(c as u32, 0x2E80..=0x9FFF | 0xF900..=0xFAFF | 0xFF00..=0xFFEF | 0x20000..=0x2FFFF)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scenario_colours_are_stable_and_distinct_for_shipped_ids() {
        assert_eq!(scenario_rgb("plan"), (31, 119, 180));
        assert_ne!(scenario_rgb("plan"), scenario_rgb("baseline"));
        assert_ne!(scenario_rgb("plan"), scenario_rgb("enhanced"));
        assert_eq!(scenario_rgb("my-county"), scenario_rgb("my-county"));
        for id in ["a", "b", "county-x", "plan2"] {
            assert!(!SHIPPED.iter().any(|(_, c)| *c == scenario_rgb(id)), "{id}");
        }
    }

    #[test]
    fn money_is_in_the_prices_of_the_base_year() {
        assert_eq!(unit("亿元 (2022 prices)", Lang::Zh), "亿元(2022年价)");
        assert_eq!(
            unit("亿元 (2022 prices)", Lang::En),
            "10⁸ yuan (2022 prices)"
        );
        assert_eq!(
            crate::model::unit_in("亿元 (2020 prices)", 2022),
            "亿元 (2022 prices)"
        );
        assert_eq!(
            crate::model::unit_in("亿元 (2020 prices)", 2020),
            "亿元 (2020 prices)"
        );
        assert_eq!(crate::model::unit_in("万t", 2022), "万t");
    }

    #[test]
    fn english_units_have_no_chinese() {
        for u in [
            "万t CO2",
            "亿元 (2020 prices)",
            "tce/万元",
            "t CO2/万元",
            "万tce (calorific)",
            "万t",
            "万tce",
        ] {
            let en = unit(u, Lang::En);
            assert!(!has_cjk(&en), "{u} → {en}");
            assert!(!unit(u, Lang::Zh).contains("prices"), "{u}");
        }
        assert_eq!(unit("亿元 (2020 prices)", Lang::Zh), "亿元(2020年价)");
        assert_eq!(unit("万t CO2", Lang::En), "10⁴ t CO₂");
        assert_eq!(unit("MW", Lang::Zh), "MW");
    }
}
