//! `wedges.csv`, `wedges_by_lead.csv` and `wedges.json`.

use crate::output::{csv_table, num};

use super::actions::TOTAL;
use super::evaluate::Attribution;
use super::game::{Game, Status};

/// The columns of `wedges.csv`: the six of the issue, then units, Monte Carlo errors and
/// why a share is what it is.
pub const COLUMNS: [&str; 10] = [
    "action",
    "lead",
    "measure",
    "year",
    "shapley",
    "sequential",
    "unit",
    "shapley_mc_se",
    "sequential_mc_se",
    "status",
];

fn opt(v: Option<f64>) -> String {
    v.map_or(String::new(), num)
}

/// `wedges.csv`: per measure, one row per player (actions in the plan's order, then
/// `other`) and a `total` row (the scenario minus the parent). Values are contributions to
/// the change: negative CO₂ is CO₂ avoided.
pub fn wedges_csv(game: &Game, rows: &[&Attribution], zh: bool) -> Vec<u8> {
    let mut out = Vec::new();
    for a in rows {
        let m = &a.measure;
        for (p, pl) in game.players.iter().enumerate() {
            out.push(vec![
                pl.key.clone(),
                pl.lead(zh).to_string(),
                m.id.clone(),
                m.year.to_string(),
                num(a.shapley[p]),
                num(a.sequential[p]),
                m.unit.to_string(),
                opt(a.shapley_se.as_ref().map(|s| s[p])),
                opt(a.sequential_se.as_ref().map(|s| s[p])),
                pl.status.id().to_string(),
            ]);
        }
        out.push(vec![
            TOTAL.into(),
            String::new(),
            m.id.clone(),
            m.year.to_string(),
            num(a.total()),
            num(a.total()),
            m.unit.to_string(),
            opt(a.total_se),
            opt(a.total_se),
            String::new(),
        ]);
    }
    csv_table(&COLUMNS, out)
}

/// Lead departments in order of first appearance, with the players each leads.
pub fn leads(game: &Game, zh: bool) -> Vec<(String, Vec<usize>)> {
    let mut out: Vec<(String, Vec<usize>)> = Vec::new();
    for (p, pl) in game.players.iter().enumerate() {
        let lead = pl.lead(zh).to_string();
        match out.iter_mut().find(|(l, _)| *l == lead) {
            Some((_, ps)) => ps.push(p),
            None => out.push((lead, vec![p])),
        }
    }
    out
}

/// One lead department's sum over its actions, and its share of the total (None when the
/// total is 0).
pub fn lead_sum(a: &Attribution, players: &[usize]) -> (f64, Option<f64>) {
    // `+ 0.0` turns a sum of zeros' -0 into 0.
    let s: f64 = players.iter().map(|&p| a.shapley[p]).sum::<f64>() + 0.0;
    let t = a.total();
    (s, (t != 0.0).then(|| s / t + 0.0))
}

/// `wedges_by_lead.csv`: `lead,actions,measure,year,shapley,share,unit` for the headline
/// measures (Shapley values summed over each department's actions).
pub fn by_lead_csv(game: &Game, headline: &[&Attribution], zh: bool) -> Vec<u8> {
    let mut out = Vec::new();
    for (lead, ps) in leads(game, zh) {
        let keys: Vec<&str> = ps.iter().map(|&p| game.players[p].key.as_str()).collect();
        for a in headline {
            let (s, share) = lead_sum(a, &ps);
            out.push(vec![
                lead.clone(),
                keys.join(" "),
                a.measure.id.clone(),
                a.measure.year.to_string(),
                num(s),
                opt(share),
                a.measure.unit.to_string(),
            ]);
        }
    }
    csv_table(
        &[
            "lead", "actions", "measure", "year", "shapley", "share", "unit",
        ],
        out,
    )
}

/// `wedges.json`: what was compared, the players and their changes, the method.
pub fn wedges_json(
    game: &Game,
    rows: &[&Attribution],
    mc: Option<(u64, u64)>,
    elapsed: f64,
) -> serde_json::Value {
    let players: Vec<serde_json::Value> = game
        .players
        .iter()
        .map(|p| {
            serde_json::json!({
                "key": p.key,
                "name_zh": p.name_zh,
                "name_en": p.name_en,
                "lead": p.lead,
                "lead_en": p.lead_en,
                "status": p.status.id(),
                "note_zh": (p.status != Status::Quantified).then(|| p.status.text(true)),
                "note_en": (p.status != Status::Quantified).then(|| p.status.text(false)),
                "changes": p.changes.iter().map(|&c| serde_json::json!({
                    "field": game.changes[c].path,
                    "at": game.change_at[c],
                })).collect::<Vec<_>>(),
            })
        })
        .collect();
    let levels: Vec<serde_json::Value> = rows
        .iter()
        .map(|a| {
            serde_json::json!({
                "measure": a.measure.id,
                "year": a.measure.year,
                "unit": a.measure.unit,
                "parent": a.parent,
                "scenario": a.scenario,
                "change": a.total(),
                "change_mc_se": a.total_se,
            })
        })
        .collect();
    serde_json::json!({
        "method": "exact Shapley values (Shapley 1953) over every combination of the actions that change something, each combination the parent with exactly those actions' changes applied; sequential wedges add the actions in the order listed (the plan's order), 'other' last",
        "scenario": { "file": game.scenario_file, "id": game.scenario.info.id, "content_sha256": game.scenario.hash },
        "parent": { "file": game.parent_file, "id": game.parent.info.id, "content_sha256": game.parent.hash },
        "combinations": game.n_combos(),
        "players": players,
        "targets_applied_in_every_combination": game.targets.iter().map(|&c| serde_json::json!({
            "field": game.changes[c].path,
            "at": game.change_at[c],
        })).collect::<Vec<_>>(),
        "central_measures": "central runs (every distribution at its median) of each combination",
        "monte_carlo": mc.map(|(runs, seed)| serde_json::json!({
            "runs": runs,
            "seed": seed,
            "rng": "ChaCha8 (rand_chacha 0.10): key = SeedableRng::seed_from_u64(seed), stream = run index, word position = FNV-1a(field path) mod 2^44 · 2^24: the same draw of a parameter in every combination (common random numbers)",
            "error": "shapley_mc_se: standard error of the mean of the runs' own Shapley values (each run a 0/1 game)",
            "inputs": "drawn independently: the scenario's correlations and observed history are not imposed (as in sensitivity analysis), so these probabilities differ from run's",
            "binding_measure": "p_all_binding_met: all binding modelled targets of the year met, the indicators the run headline judges (docs/model.md §9), decided exactly as run's all_modelled count",
        })),
        "levels": levels,
        "elapsed_s": elapsed,
    })
}
