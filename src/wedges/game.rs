//! The attribution game: the players (the scenario's actions and the "other" group) and the
//! scenario of every combination of them applied to the parent.

use std::path::{Path, PathBuf};

use crate::error::Error;
use crate::scenario::source::{self, FileSystem, Node, Sources};
use crate::scenario::{Diags, Scenario};

use super::actions::{Action, OTHER};
use super::changes::{self, Change};
use super::shapley::MAX_PLAYERS;

/// Why a player's share is what it is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    /// The action changes fields of the scenario.
    Quantified,
    /// The action lists no fields: the model does not represent it (模型未量化).
    NotQuantified,
    /// The action's fields are the parent's values: nothing to attribute.
    NoChange,
    /// The changed fields no action claims.
    Other,
}

impl Status {
    pub fn id(self) -> &'static str {
        match self {
            Status::Quantified => "quantified",
            Status::NotQuantified => "not_quantified",
            Status::NoChange => "no_change",
            Status::Other => "other",
        }
    }
    pub fn text(self, zh: bool) -> &'static str {
        match (self, zh) {
            (Status::Quantified, true) => "已量化",
            (Status::Quantified, false) => "quantified",
            (Status::NotQuantified, true) => "模型未量化",
            (Status::NotQuantified, false) => "not quantified by the model",
            (Status::NoChange, true) => "相对对比情景无变化",
            (Status::NoChange, false) => "no change against the parent",
            (Status::Other, true) => "未归入任何行动的变化",
            (Status::Other, false) => "changes no action claims",
        }
    }
}

/// One player of the game: an action, or the "other" group.
#[derive(Debug, Clone)]
pub struct Player {
    pub key: String,
    pub name_zh: String,
    pub name_en: String,
    pub lead: String,
    pub lead_en: String,
    pub status: Status,
    /// Indices into [`Game::changes`].
    pub changes: Vec<usize>,
}

impl Player {
    pub fn name(&self, zh: bool) -> &str {
        if zh { &self.name_zh } else { &self.name_en }
    }
    pub fn lead(&self, zh: bool) -> &str {
        if zh { &self.lead } else { &self.lead_en }
    }
}

/// A scenario, its parent and the scenarios of every combination of its actions.
pub struct Game {
    pub scenario: Scenario,
    pub scenario_file: String,
    pub parent: Scenario,
    pub parent_file: String,
    pub changes: Vec<Change>,
    /// Where each change is written, `file:line`.
    pub change_at: Vec<String>,
    /// Indicator targets the scenario sets: applied in every combination.
    pub targets: Vec<usize>,
    /// Declared actions in file order, then "other" when some change is unclaimed.
    pub players: Vec<Player>,
    /// Players that change something, in order: the game is played among them (the
    /// others are null players, whose Shapley value is exactly 0).
    pub active: Vec<usize>,
    /// `combos[mask]`: the parent with the changes of the active players in `mask`
    /// (bit `j` = `active[j]`) and the scenario's targets.
    pub combos: Vec<Scenario>,
}

fn load(fs: &dyn FileSystem, path: &Path) -> Result<(Node, Sources), Error> {
    source::load_tree(fs, path).map_err(Error::from)
}

impl Game {
    /// Set up the game of `scenario` against `parent` (default: the file it extends).
    pub fn new(
        fs: &dyn FileSystem,
        scenario: &Path,
        parent: Option<&Path>,
        parent_fs: &dyn FileSystem,
    ) -> Result<Game, Error> {
        let sc = Scenario::load_from(fs, scenario)?;
        let (child_tree, child_src) = load(fs, scenario)?;
        let parent_path: PathBuf = match parent {
            Some(p) => p.to_path_buf(),
            None => match child_src.files.get(1) {
                Some(f) => PathBuf::from(&f.name),
                None => {
                    return Err(Error::Input(format!(
                        "wedges: {}: expected a scenario that extends another (or --against PARENT), found no `extends`",
                        fs.display(scenario)
                    )));
                }
            },
        };
        let pfs = if parent.is_some() { parent_fs } else { fs };
        let psc = Scenario::load_from(pfs, &parent_path)?;
        let (mut parent_tree, parent_src) = load(pfs, &parent_path)?;
        changes::shift(&mut parent_tree, child_src.files.len());
        let sources = changes::join_sources(&child_src, &parent_src);

        let changes = changes::diff(&parent_tree, &child_tree);
        let change_at: Vec<String> = changes
            .iter()
            .map(|c| {
                let d = sources.diag(c.at, "", "");
                format!("{}:{}", d.file, d.line)
            })
            .collect();
        let measures: Vec<usize> = (0..changes.len())
            .filter(|&i| !changes[i].is_target())
            .collect();
        let targets: Vec<usize> = (0..changes.len())
            .filter(|&i| changes[i].is_target())
            .collect();
        let measure_changes: Vec<Change> = measures.iter().map(|&i| changes[i].clone()).collect();
        let owner = changes::assign(&sc.actions, &measure_changes)
            .map_err(|e| Error::Input(format!("wedges: {}: {e}", fs.display(scenario))))?;
        let mut players: Vec<Player> = sc
            .actions
            .iter()
            .enumerate()
            .map(|(a, act)| player(act, a, &owner, &measures))
            .collect();
        let other: Vec<usize> = measures
            .iter()
            .zip(&owner)
            .filter(|(_, o)| o.is_none())
            .map(|(&i, _)| i)
            .collect();
        if !other.is_empty() {
            players.push(Player {
                key: OTHER.into(),
                name_zh: "其他(未归入行动)".into(),
                name_en: "Other (no action)".into(),
                lead: "—".into(),
                lead_en: "—".into(),
                status: Status::Other,
                changes: other,
            });
        }
        let active: Vec<usize> = (0..players.len())
            .filter(|&p| !players[p].changes.is_empty())
            .collect();
        if active.len() > MAX_PLAYERS {
            return Err(Error::Input(format!(
                "wedges: expected at most {MAX_PLAYERS} actions that change the scenario (exact Shapley values need all 2^{MAX_PLAYERS} = {} combinations, each a scenario built and run), found {}: {}; group some of them into one action",
                1usize << MAX_PLAYERS,
                active.len(),
                active
                    .iter()
                    .map(|&p| players[p].key.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            )));
        }
        let mut combos = Vec::with_capacity(1 << active.len());
        for mask in 0..1usize << active.len() {
            let chosen = active
                .iter()
                .enumerate()
                .filter(|(j, _)| mask >> j & 1 == 1)
                .flat_map(|(_, &p)| players[p].changes.iter().copied());
            let idx: Vec<usize> = targets.iter().copied().chain(chosen).collect();
            let tree = changes::apply(&parent_tree, idx.iter().map(|&i| &changes[i]));
            let combo = Scenario::from_tree(&tree, &sources).map_err(|d: Diags| {
                let names: Vec<&str> = active
                    .iter()
                    .enumerate()
                    .filter(|(j, _)| mask >> j & 1 == 1)
                    .map(|(_, &p)| players[p].key.as_str())
                    .collect();
                Error::Input(format!(
                    "wedges: the changes of {{{}}} applied to {} do not make a valid scenario (an action needs a field another one changes; group them into one action):\n{d}",
                    names.join(", "),
                    pfs.display(&parent_path)
                ))
            })?;
            combos.push(combo);
        }
        Ok(Game {
            scenario_file: fs.display(scenario),
            scenario: sc,
            parent_file: pfs.display(&parent_path),
            parent: psc,
            changes,
            change_at,
            targets,
            players,
            active,
            combos,
        })
    }

    /// The number of combinations evaluated.
    pub fn n_combos(&self) -> usize {
        self.combos.len()
    }
}

fn player(act: &Action, a: usize, owner: &[Option<usize>], measures: &[usize]) -> Player {
    let changes: Vec<usize> = measures
        .iter()
        .zip(owner)
        .filter(|(_, o)| **o == Some(a))
        .map(|(&i, _)| i)
        .collect();
    let status = if act.fields.is_empty() {
        Status::NotQuantified
    } else if changes.is_empty() {
        Status::NoChange
    } else {
        Status::Quantified
    };
    Player {
        key: act.key.clone(),
        name_zh: act.name_zh.clone(),
        name_en: act.name_en.clone(),
        lead: act.lead.clone(),
        lead_en: act.lead_en.clone(),
        status,
        changes,
    }
}
