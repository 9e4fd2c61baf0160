//! Scenarios: files, inheritance, distributions and the validated [`Scenario`].
//!
//! A scenario file is TOML. It is read into a spanned tree (`source`), merged with the files
//! it `extends`, then read field by field into a [`Scenario`] (`schema`) that nothing
//! downstream re-checks. Every number of the model becomes a [`ParamDef`]: a named field path
//! with its distribution; a run is then just a vector of values, one per parameter.

pub mod checks;
pub mod correlations;
pub mod dist;
pub mod observed;
mod schema;
pub mod source;

use std::path::Path;

use serde::Serialize;
use sha2::{Digest, Sha256};

pub use dist::{Dist, Sampler};
pub use schema::check_id;
pub use source::{
    Diag, Diags, Disk, EMBEDDED, EMBEDDED_PREFIX, Embedded, Loc, SourceFile, Sources,
};

use crate::indicators::IndicatorSet;
use crate::model::ModelSpec;

/// One number of the scenario: its field path, unit and distribution.
#[derive(Debug, Clone, Serialize)]
pub struct ParamDef {
    /// Field path as written in the file, e.g. `power.pv.capacity_mw.delivery`.
    pub path: String,
    pub unit: &'static str,
    #[serde(flatten)]
    pub dist: Dist,
    #[serde(skip)]
    pub at: Option<Loc>,
    /// The field's admissible range: draws of an unbounded distribution are held inside it.
    #[serde(skip)]
    pub range: (f64, f64),
}

impl ParamDef {
    /// The quantile function at `p`, held inside the field's range.
    pub fn quantile(&self, p: f64) -> f64 {
        self.dist.quantile(p).clamp(self.range.0, self.range.1)
    }
}

#[derive(Debug, Clone, Serialize, Default)]
pub struct ScenarioInfo {
    pub id: String,
    pub name_zh: String,
    pub name_en: String,
    pub description: String,
}

/// A validated scenario, ready to run.
#[derive(Debug, Clone)]
pub struct Scenario {
    pub info: ScenarioInfo,
    pub spec: ModelSpec,
    pub indicators: IndicatorSet,
    pub params: Vec<ParamDef>,
    /// Indices of the parameters that are uncertain (not fixed).
    pub uncertain: Vec<usize>,
    /// The files read, root first.
    pub files: Vec<String>,
    /// The merged file content, as JSON (for `resolve`, diffs and the hash).
    pub resolved: serde_json::Value,
    /// SHA-256 of the resolved content (hex).
    pub hash: String,
    /// The text of every file read (name, text), so that a partial result can rebuild it.
    pub texts: Vec<(String, String)>,
    /// Rank correlations between uncertain parameters (MODEL.md §2).
    pub correlations: correlations::Correlations,
    /// Observed history (MODEL.md §11).
    pub observed: Vec<observed::Observation>,
    /// Figures the plan expects, checked against the runs (MODEL.md §10).
    pub checks: Vec<checks::Check>,
    /// Plausibility warnings: valid values that look like a slip (a % target given as a
    /// fraction, a growth rate above 0.2, an efficiency gain above 0.1 a year), each
    /// `file:line:col: field: …`. Nothing here stops a run.
    pub warnings: Vec<Diag>,
    /// The plan's actions the file groups its changes into (`[actions.<key>]`), in file order.
    pub actions: Vec<crate::wedges::Action>,
}

impl Scenario {
    fn assemble(
        info: ScenarioInfo,
        spec: ModelSpec,
        indicators: IndicatorSet,
        params: Vec<ParamDef>,
        warnings: Vec<Diag>,
    ) -> Scenario {
        let uncertain = params
            .iter()
            .enumerate()
            .filter(|(_, p)| !p.dist.is_fixed())
            .map(|(i, _)| i)
            .collect();
        Scenario {
            info,
            spec,
            indicators,
            params,
            uncertain,
            files: Vec::new(),
            resolved: serde_json::Value::Null,
            hash: String::new(),
            texts: Vec::new(),
            correlations: Default::default(),
            observed: Vec::new(),
            checks: Vec::new(),
            warnings,
            actions: Vec::new(),
        }
    }

    /// Load a scenario file and everything it extends, from disk.
    pub fn load(path: &Path) -> Result<Scenario, Diags> {
        Self::load_from(&Disk, path)
    }

    /// Load a scenario file, or the plan scenario embedded in the binary when `file` is
    /// `None`; also returns the path as shown to the user.
    pub fn load_or_plan(file: Option<&Path>) -> Result<(Scenario, String), Diags> {
        match file {
            Some(p) => Ok((Self::load(p)?, p.display().to_string())),
            None => Ok((
                Self::embedded("plan.toml")?,
                format!("{EMBEDDED_PREFIX}/plan.toml"),
            )),
        }
    }

    /// Load one of the scenarios embedded in the binary (`plan.toml`, `baseline.toml`, `enhanced.toml`).
    pub fn embedded(name: &str) -> Result<Scenario, Diags> {
        Self::load_from(&Embedded, &Path::new(EMBEDDED_PREFIX).join(name))
    }

    pub fn load_from(fs: &dyn source::FileSystem, path: &Path) -> Result<Scenario, Diags> {
        let (tree, mut sources) = source::load_tree(fs, path)?;
        load_plan(fs, &tree, &mut sources)?;
        Self::from_tree(&tree, &sources)
    }

    /// Validate a merged tree (as [`source::load_tree`] returns it, or assembled from one)
    /// into a scenario; errors name the files of `sources`.
    pub fn from_tree(tree: &source::Node, sources: &Sources) -> Result<Scenario, Diags> {
        let mut sc = schema::read(tree, sources)?;
        sc.files = sources.files.iter().map(|f| f.name.clone()).collect();
        sc.texts = sources
            .files
            .iter()
            .map(|f| (f.name.clone(), f.text.clone()))
            .collect();
        sc.resolved = source::to_json(tree);
        let mut text = serde_json::to_string(&sc.resolved).unwrap_or_default();
        // A plan file of its own is part of what the scenario is.
        if let Some(i) = sources.plan {
            text.push('\n');
            text.push_str(&sources.files[i].text);
        }
        sc.hash = Sha256::digest(text.as_bytes())
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect();
        Ok(sc)
    }

    /// Rebuild a scenario from the texts saved with a partial result.
    pub fn from_texts(texts: &[(String, String)]) -> Result<Scenario, Diags> {
        let root = texts.first().map(|(n, _)| n.clone()).unwrap_or_default();
        Self::load_from(&source::Memory(texts.to_vec()), Path::new(&root))
    }

    /// Rebuild the scenario a partial result (`file`, a shard or checkpoint) was made from,
    /// from the sources saved in it, and check that it is the scenario the file names by its
    /// content hash `sha256`: a file whose sources and hash disagree is bad input (exit 2).
    pub fn from_saved(
        texts: &[(String, String)],
        sha256: &str,
        file: &Path,
    ) -> Result<Scenario, crate::error::Error> {
        let sc = Self::from_texts(texts)?;
        if sc.hash != sha256 {
            return Err(crate::error::Error::Input(format!(
                "{}: scenario_sha256: expected {} (the hash of the sources it holds), found {sha256}",
                file.display(),
                sc.hash
            )));
        }
        Ok(sc)
    }

    /// The comment at the end of the line that sets parameter `i` (its source or
    /// "[A]"), or, failing that, the comment on the line above.
    pub fn param_note(&self, i: usize) -> String {
        let Some(at) = self.params[i].at else {
            return String::new();
        };
        let Some((_, text)) = self.texts.get(at.file) else {
            return String::new();
        };
        let start = text[..at.offset.min(text.len())]
            .rfind('\n')
            .map_or(0, |p| p + 1);
        let line = text[start..].lines().next().unwrap_or("");
        let comment = |l: &str| l.split_once(" #").map(|(_, c)| c.trim().to_string());
        comment(line)
            .or_else(|| {
                let prev = text[..start.saturating_sub(1)]
                    .rsplit('\n')
                    .next()
                    .unwrap_or("");
                prev.trim_start()
                    .strip_prefix('#')
                    .map(|c| c.trim().to_string())
            })
            .unwrap_or_default()
    }

    /// The parameter vector of the central run: every distribution at its median.
    pub fn medians(&self) -> Vec<f64> {
        self.params.iter().map(|p| p.dist.median()).collect()
    }

    /// Samplers for every parameter, in order.
    pub fn samplers(&self) -> Vec<Sampler> {
        self.params
            .iter()
            .map(|p| Sampler::new(&p.dist).within(p.range.0, p.range.1))
            .collect()
    }

    /// A display name: Chinese or English name, else the id.
    pub fn name(&self, zh: bool) -> &str {
        let n = if zh {
            &self.info.name_zh
        } else {
            &self.info.name_en
        };
        if n.is_empty() { &self.info.id } else { n }
    }

    /// Every parameter with its distribution, as JSON (for `resolve`).
    pub fn resolved_json(&self) -> serde_json::Value {
        serde_json::json!({
            "scenario": self.info,
            "files": self.files,
            "content_sha256": self.hash,
            "options": self.spec.options,
            "years": [self.spec.y0, self.spec.y1],
            "parameters": self.params,
            "correlations": self.correlations.pairs,
            "observed": self.observed,
            "content": self.resolved,
        })
    }
}

/// Read the plan file a scenario names (`plan = "…"`, relative to the file that says it) into
/// `sources`, where the schema finds it; without `plan` the embedded Huzhu plan is used.
fn load_plan(
    fs: &dyn source::FileSystem,
    tree: &source::Node,
    sources: &mut Sources,
) -> Result<(), Diags> {
    let Some(n) = tree.get("plan") else {
        return Ok(());
    };
    let source::Kind::Str(rel) = &n.kind else {
        return Err(Diags(vec![sources.diag(
            n.at,
            "plan",
            format!(
                "expected the plan file's name as a string, found {}",
                n.found()
            ),
        )]));
    };
    let declared = Path::new(&sources.files[n.at.file].name)
        .parent()
        .unwrap_or(Path::new(""))
        .join(rel);
    let text = fs.read(&declared).map_err(|e| {
        Diags(vec![sources.diag(
            n.at,
            "plan",
            format!(
                "expected a readable plan file at {}, found: {e}",
                fs.display(&declared)
            ),
        )])
    })?;
    let text = text.strip_prefix('\u{feff}').unwrap_or(&text).to_string();
    sources.plan = Some(sources.files.len());
    sources
        .files
        .push(SourceFile::new(fs.display(&declared), text));
    Ok(())
}
