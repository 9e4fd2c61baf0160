//! Messages in the user's language: the validator's and the server's errors and warnings.
//!
//! Every message of the validator, the loader and the server is written in one frame:
//! `expected …, found …`, after `unknown field:` / `warning:` / `note:`, with a
//! `(did you mean …?)` hint. [`zh`] renders such a message in Chinese: the frame's words,
//! then the phrases of [`PHRASES`] (the kinds of value a field expects or was given: a table,
//! a number or distribution, values in a range with their unit, a distribution's arguments,
//! a readable file, …). What no phrase covers stays as written (ids, field paths, numbers,
//! distribution syntax are the same in both languages). [`message_lang`] is the language of
//! the messages of this process, set from `--lang` by the command line.

use std::sync::atomic::{AtomicU8, Ordering};

use crate::report::Lang;

static LANG: AtomicU8 = AtomicU8::new(0);

/// The language of this process's error messages: English until the command line says
/// otherwise (a library caller gets the messages as written).
pub fn message_lang() -> Lang {
    if LANG.load(Ordering::Relaxed) == 0 && SET.load(Ordering::Relaxed) {
        Lang::Zh
    } else {
        Lang::En
    }
}

static SET: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);

/// Set the language of this process's error messages (the command's `--lang`); until then
/// they stay English.
pub fn init_message_lang(lang: Lang) {
    LANG.store(if lang == Lang::En { 1 } else { 0 }, Ordering::Relaxed);
    SET.store(true, Ordering::Relaxed);
}

/// A message in `lang`: as written in English, or [`zh`] of it.
pub fn localize(en: &str, lang: Lang) -> String {
    match lang {
        // Units as written in scenario files (万t, 亿元) in Latin words.
        Lang::En => crate::report::unit(en, Lang::En),
        Lang::Zh => zh(en),
    }
}

/// A problem of a scenario file in `lang`: the same `file:line:col: field:` frame, the
/// message in Chinese under `Lang::Zh` (see [`zh`]).
pub fn render(d: &crate::scenario::Diag, lang: Lang) -> String {
    let mut d = d.clone();
    d.message = localize(&d.message, lang);
    d.to_string()
}

/// Every problem in `lang`, one a line.
pub fn render_all(d: &crate::scenario::Diags, lang: Lang) -> String {
    d.0.iter()
        .map(|d| render(d, lang))
        .collect::<Vec<_>>()
        .join("\n")
}

/// Phrases of messages and their Chinese, longest first where one contains another.
const PHRASES: &[(&str, &str)] = &[
    // the distribution syntax (dist::SYNTAX)
    (
        "a number, or one of uniform(min, max), triangular(min, mode, max), pert(min, mode, max), normal(mean, sd), normal(mean, sd, min, max), lognormal(median, sigma)",
        "一个数值, 或以下分布之一: uniform(min, max)、triangular(min, mode, max)、pert(min, mode, max)、normal(mean, sd)、normal(mean, sd, min, max)、lognormal(median, sigma)",
    ),
    (
        "a distribution name (uniform, triangular, pert, normal, lognormal)",
        "分布名称 (uniform、triangular、pert、normal、lognormal 之一)",
    ),
    (
        " of its draws outside (at most one in a million may be; give normal(mean, sd, min, max) to truncate it)",
        " 的抽样落在范围外 (至多百万分之一; 请用 normal(mean, sd, min, max) 截断)",
    ),
    (
        " with unbounded support (give min and max to truncate it)",
        " 取值无界 (请给出 min 与 max 以截断)",
    ),
    (
        "nothing (give it here or in the file this one extends)",
        "缺失 (请在本文件或它所继承的文件中给出)",
    ),
    ("a truncation range near the mean", "靠近均值的截断范围"),
    ("with almost no mass inside", "在范围内几乎没有概率"),
    (
        "finite numbers of magnitude below 1e15",
        "绝对值小于 1e15 的有限数值",
    ),
    ("a number as argument of ", "数值作为参数: "),
    (" arguments for ", " 个参数: "),
    ("a closing ')' in ", "右括号 ')': "),
    ("with min < max", "且 min < max"),
    ("with min ≤ mode ≤ max", "且 min ≤ mode ≤ max"),
    ("with sd > 0", "且 sd > 0"),
    ("with median > 0", "且 median > 0"),
    ("with 0 < sigma ≤ 5", "且 0 < sigma ≤ 5"),
    // files
    ("a readable scenario file at ", "可读取的情景文件 "),
    ("file not found", "文件不存在"),
    ("permission denied", "没有读取权限"),
    ("a file, found a directory", "文件, 实为目录"),
    ("UTF-8 text", "UTF-8 文本"),
    ("invalid bytes at byte", "无效字节, 位于字节"),
    ("(save the file as UTF-8)", "(请以 UTF-8 保存文件)"),
    ("a scenario file under", "小于以下大小的情景文件:"),
    ("a chain of files without a loop", "无循环的文件继承链"),
    ("a cycle", "循环"),
    ("levels of extends", "层 extends"),
    ("at most ", "至多 "),
    ("more than ", "超过 "),
    ("a file name as a string", "以字符串给出的文件名"),
    (
        "`extends` only at the top of the file (before any [table]), found it inside a table",
        "`extends` 只出现在文件开头 (任何 [表] 之前), 实为出现在表内",
    ),
    (
        "a scenario (TOML tables such as [economy])",
        "一个情景 (如 [economy] 等 TOML 表)",
    ),
    ("an empty file", "空文件"),
    ("only comments and blank lines", "只有注释和空行"),
    // kinds of values
    ("a number or distribution in ", "数值或分布, 单位 "),
    ("a number or distribution", "数值或分布"),
    ("a finite number", "有限数值"),
    ("a number in ", "数值, 范围 "),
    ("a path of milestones in ", "里程碑路径, 单位 "),
    (
        "rates by period ending in a milestone year, e.g. ",
        "按时段给出的比率 (各时段止于里程碑年份), 例如 ",
    ),
    ("periods covering ", "覆盖以下年份的各时段 "),
    ("the last period ending ", "最后一个时段止于 "),
    ("a whole year in ", "整数年份, 范围 "),
    ("a year of the horizon ", "模拟期内的年份 "),
    ("shares summing to 1", "合计为 1 的份额"),
    ("shares starting at the base year ", "从基准年开始的份额 "),
    (
        "a fixed share in [0, 1] (put uncertainty in the mix's delivery ratio)",
        "[0, 1] 内的固定份额 (不确定性请放在结构的 delivery 落实比例中)",
    ),
    ("a share in [0, 1]", "[0, 1] 内的份额"),
    ("a table of fuel shares", "各燃料份额的表"),
    ("values in ", "取值范围 "),
    (" reaching ", " 可达 "),
    ("true or false", "true 或 false"),
    ("a known field", "已知字段"),
    ("a table", "表"),
    ("an array", "数组"),
    ("a string that is too long", "过长的字符串"),
    ("a string", "字符串"),
    ("an integer", "整数"),
    ("a float", "浮点数"),
    ("a boolean", "布尔值"),
    ("a date-time", "日期时间"),
    ("a number", "数值"),
    ("one of ", "以下之一: "),
    ("found both", "实为两者都有"),
    ("(its old name)", "(旧名称)"),
    ("is the old name of", "是以下字段的旧名称:"),
    (
        "(the value of the base year, whatever it is); it is read as",
        "(基准年的值, 无论基准年是哪一年); 按以下字段读取:",
    ),
    ("looks wrong", "看起来有误"),
    ("it is used as written", "仍按所写使用"),
    ("a growth rate", "增速"),
    ("an efficiency gain", "能效年提升"),
    ("above ", "高于 "),
    ("inherited correlation dropped", "继承的相关性已删除"),
    ("is fixed at", "已固定为"),
    ("is no parameter of", "不是以下情景的参数:"),
    ("the central run gives", "中心情景给出"),
    (", observed ", ", 观测值 "),
    ("missed by", "偏差"),
    (
        "outside the tolerance (the scenario's calibration disagrees with what happened)",
        "超出容差 (情景的校准与实际不符)",
    ),
    // the server
    (
        " (the API is GET /api/scenario, POST /api/run, POST /api/save)",
        " (接口为 GET /api/scenario、POST /api/run、POST /api/save)",
    ),
    ("not found: ", "未找到: "),
    ("refused: ", "已拒绝: "),
    (
        "a Host header naming this server",
        "指明本服务器的 Host 请求头",
    ),
    ("is not this server's", "不是本服务器的"),
    ("is not this server", "不是本服务器"),
    (
        "a request for another name may be DNS rebinding",
        "请求其他名称可能是 DNS 重绑定攻击",
    ),
    (
        "a page of another site cannot drive it",
        "其他网站的页面不能操作本服务器",
    ),
    ("a request from another site", "来自其他网站的请求"),
    ("cannot drive this server", "不能操作本服务器"),
    ("header is not plain text", "请求头不是纯文本"),
    (
        ": exists; send \"overwrite\": true to replace it",
        ": 已存在; 如要替换请发送 \"overwrite\": true",
    ),
    (
        "is a file of the base scenario, which the saved scenario extends; choose another name",
        "是基础情景的文件 (保存的情景继承它); 请换一个名称",
    ),
    (
        "ASCII letters, digits, '-' and '_'",
        "个 ASCII 字母、数字、'-' 或 '_'",
    ),
    ("the name is also the scenario's id", "该名称也是情景的 id"),
    ("it whole within", "在以下时间内完整收到:"),
    ("found it unfinished", "实为未完成"),
    ("bytes, found more", "字节, 实为更多"),
    ("request body", "请求体"),
    ("a field path such as", "字段路径, 如"),
    ("a field path of 1 to", "字段路径, 长度 1 至"),
    (" characters such as ", " 个字符, 如 "),
    ("a distribution such as", "分布, 如"),
    ("or an option name", "或选项名"),
    ("true/false", "true 或 false"),
    ("is not a field of scenario", "不是以下情景的字段:"),
    ("conflicts with the override of", "与以下覆盖项冲突:"),
    ("not a table", "不是表"),
    (
        " runs (the server's --max-runs)",
        " 次运行 (服务器的 --max-runs)",
    ),
    ("应为 1 to ", "应为 1 至 "),
    (" fields", " 个字段"),
    ("busy: ", "繁忙: "),
    (
        " runs are waiting already; try again in a moment",
        " 个运行已在等待; 请稍后再试",
    ),
    ("run cancelled", "运行已取消"),
    ("run failed", "运行失败"),
    ("no such endpoint", "没有此接口"),
    ("forbidden", "禁止访问"),
    ("unknown field `", "未知字段 `"),
    ("unknown variable", "未知变量"),
    (
        "a variable of trajectories.csv",
        "trajectories.csv 中的变量",
    ),
    ("a relative tolerance in ", "相对容差, 范围 "),
    ("the observed value in ", "观测值, 单位 "),
    ("at least one observed year", "至少一个观测年份"),
    ("a year (", "年份 ("),
    (") or ", ") 或 "),
    ("found none", "实为没有"),
];

/// Units as the validator writes them, in Chinese (report::unit for the rest).
const UNITS: &[&str] = &[
    "fraction per year",
    "fraction of GDP",
    "tCO2/ha/yr",
    "useful/final",
    "fraction",
    "ratio",
    "h/yr",
];

/// A message of the validator, the loader or the server in Chinese (see the module doc), line
/// by line. A line the phrases do not cover (English words would be left beside Chinese
/// ones) stays as written: one language per line, never a mixture.
pub fn zh(en: &str) -> String {
    en.lines()
        .map(|l| {
            let (frame, msg) = split_frame(l);
            let z = zh_line(msg);
            if leftover_english(&z) {
                l.to_string()
            } else {
                format!("{frame}{z}")
            }
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// Words a Chinese message may keep: units, symbols, distribution syntax, literals.
const KEPT: &[&str] = &[
    "min",
    "max",
    "mode",
    "mean",
    "sd",
    "sigma",
    "median",
    "uniform",
    "triangular",
    "pert",
    "normal",
    "lognormal",
    "true",
    "false",
    "MW",
    "MWh",
    "GWh",
    "kWh",
    "tce",
    "CO",
    "GDP",
    "NaN",
    "inf",
    "MiB",
    "GET",
    "POST",
    "API",
    "DNS",
    "Host",
    "Origin",
    "Sec",
    "Fetch",
    "Site",
    "TOML",
    "UTF",
    "ASCII",
    "id",
    "extends",
    "yr",
    "t",
    "ha",
    "kW",
    "e",
    "g",
];

/// Whether a (translated) line still has English words: outside quotes and back-quotes, a
/// run of two or more Latin letters that is no id (no digit, `.`, `_`, `-`, `/`, `<`, `>`,
/// `[`) and not in [`KEPT`].
fn leftover_english(line: &str) -> bool {
    // A list of the names a field may take ("one of a, b, c") is ids.
    let line = match line.split_once("以下之一: ") {
        Some((a, b)) => format!("{a}{}", b.split_once(", 实为").map_or("", |x| x.1)),
        None => line.to_string(),
    };
    let mut outside = String::new();
    let mut quote = None;
    for c in line.chars() {
        match quote {
            Some(q) if c == q => quote = None,
            Some(_) => {}
            None if c == '`' || c == '"' => quote = Some(c),
            None => outside.push(c),
        }
    }
    outside
        .split(|c: char| c.is_whitespace() || !c.is_ascii() || "(),;:!?'=+*×≤≥{}…".contains(c))
        .filter(|w| !w.is_empty())
        .filter(|w| {
            !w.chars()
                .any(|c| c.is_ascii_digit() || "._-/<>[]$%#@&|\\".contains(c))
        })
        .any(|w| w.chars().filter(char::is_ascii_alphabetic).count() >= 2 && !KEPT.contains(&w))
}

/// A line's `file:line:col: field: ` frame (ids, kept) and its message.
fn split_frame(line: &str) -> (&str, &str) {
    // `…:LINE:COL: ` — the first ": " after two colon-separated numbers.
    let b = line.as_bytes();
    let mut i = 0;
    while let Some(p) = line[i..].find(": ") {
        let at = i + p;
        let head = &line[..at];
        let mut parts = head.rsplitn(3, ':');
        let (col, row) = (parts.next().unwrap_or(""), parts.next().unwrap_or(""));
        let num = |x: &str| !x.is_empty() && x.bytes().all(|c| c.is_ascii_digit());
        if num(col) && num(row) && parts.next().is_some() {
            let mut end = at + 2;
            // A field path follows when the next ": " comes before any space.
            if let Some(q) = line[end..].find(": ")
                && !line[end..end + q].contains(' ')
                && b.get(end).is_some_and(u8::is_ascii_alphabetic)
            {
                end += q + 2;
            }
            return (&line[..end], &line[end..]);
        }
        i = at + 2;
    }
    ("", line)
}

fn zh_line(en: &str) -> String {
    let mut s = en.to_string();
    // Labels at the start of a line: the request's field, the save name.
    for (e, z) in [
        ("overrides: ", "覆盖项: "),
        ("runs: ", "运行次数: "),
        ("name: ", "名称: "),
    ] {
        if let Some(rest) = s.strip_prefix(e) {
            s = format!("{z}{rest}");
        }
    }
    // The frame first: labels, then "expected …, found …", then the hint.
    for (e, z) in [
        ("unknown field: ", "未知字段: "),
        ("warning: ", "警告: "),
        ("note: ", "注: "),
        ("error: ", "错误: "),
    ] {
        s = s.replace(e, z);
    }
    s = s
        .replace("expected ", "应为 ")
        .replace(", found: ", ", 实为: ")
        .replace(", found ", ", 实为 ")
        .replace("(found ", "(实为 ")
        .replace(" (did you mean ", " (是否想写 ")
        .replace("did you mean ", "是否想写 ");
    for u in UNITS {
        let z = crate::report::unit(u, Lang::Zh);
        s = s
            .replace(&format!(" {u}"), &format!(" {z}"))
            .replace(&format!("({u})"), &format!("({z})"));
    }
    // A scenario's id after "is not a field of scenario" is an id: quoted.
    if let Some(i) = s.find(" is not a field of scenario ") {
        let start = i + " is not a field of scenario ".len();
        let end = s[start..].find(' ').map_or(s.len(), |j| start + j);
        let id = s[start..end].to_string();
        s.replace_range(i..end, &format!(" 不是情景 `{id}` 的字段"));
    }
    for (e, z) in PHRASES {
        s = s.replace(e, z);
    }
    // "… is fixed at X in FILE": the file a value comes from.
    if s.contains("继承的相关性已删除") {
        s = s.replace(" in ", " 于 ");
    }
    s = s.replace(", e.g. ", ", 例如 ").replace(" e.g. ", " 例如 ");
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_frame_and_common_messages_read_in_chinese() {
        assert_eq!(
            zh(
                "unknown field: expected one of gdp_base, growth, found `growht` (did you mean `growth`?)"
            ),
            "未知字段: 应为 以下之一: gdp_base, growth, 实为 `growht` (是否想写 `growth`?)"
        );
        assert_eq!(
            zh("expected values in [-0.3, 0.5] fraction per year, found 0.9"),
            "应为 取值范围 [-0.3, 0.5] 比例/年, 实为 0.9"
        );
        assert_eq!(
            zh("expected a readable scenario file at x.toml, found: file not found"),
            "应为 可读取的情景文件 x.toml, 实为: 文件不存在"
        );
        assert_eq!(zh("expected a table, found 3"), "应为 表, 实为 3");
        assert_eq!(
            zh("a.toml:2:11: economy: expected a table, found 3"),
            "a.toml:2:11: economy: 应为 表, 实为 3"
        );
        // What the phrases do not cover stays English, whole.
        let en =
            "r/checkpoint.json: acc.runs: expected 900 drawn (the runs 0..900 done), found 1000";
        assert_eq!(zh(en), en);
    }
}
