//! The Kaya-type identity of energy CO₂ used by `peakpath decompose`, and its additive
//! LMDI-I decomposition (Ang 2004; Ang 2005; zero values by Ang & Liu 2007).
//!
//! # Identity
//!
//! Energy CO₂ (MODEL.md §7) is direct CO₂ of coal, oil and gas plus the CO₂ of imported
//! electricity. With `Q` = GDP, `s` a sector and `f` a fossil fuel:
//!
//! ```text
//! direct    C[s,f]  = Q · S[s] · I[s] · w[s,f] · ef[f]
//! imported  C[s,el] = Q · S[s] · I[s] · w[s,el] · λ · m · g
//! exported  X[s,el] = Q · S[s] · I[s] · w[s,el] · λ · x · g      (only with credit_exports)
//! CO₂ = Σ_s Σ_f C[s,f] + Σ_s C[s,el] − Σ_s X[s,el]
//! ```
//!
//! * `S[s]`, **economic structure**: the share of GDP that is the sector's activity.
//!   Industry's activity is its value added, `S = industry_share` (MODEL.md §3). The model
//!   has no value added for buildings, transport and agriculture, so each of them has the
//!   non-industrial rest of GDP as activity, `S = 1 − industry_share`. (Splitting that rest
//!   among the three in fixed proportions would give exactly the same effects: a constant
//!   factor cancels in every log ratio.)
//! * `I[s] = D[s] / (Q · S[s])`, **energy intensity** of the sector: final energy (万tce,
//!   electricity at calorific value) per unit of its activity.
//! * `w[s,f]`, **fuel mix**: the fuel's share of the sector's final energy (for the
//!   electricity cells: the electricity share, i.e. electrification).
//! * `ef[f]`, **fuel emission factors** of coal, oil and gas (tCO₂/tce).
//! * `λ = 1 / (0.01229 · (1 − loss))`, **grid losses**: GWh consumed per 万tce of final
//!   electricity, so that `Σ_s Q·S·I·w[s,el]·λ = E`, the electricity consumed (GWh).
//! * `m = max(M, 0) / E`, **import share**: the share of the electricity consumed that is
//!   net-imported (`M = E − L`, MODEL.md §5); `x = max(−M, 0) / E` the exported share.
//! * `g = ef_grid / 10`, the **carbon factor of imported electricity** (万t CO₂ per GWh).
//!
//! Reading structure and intensity: industry's intensity is energy per value added, the
//! concept of indicator 14. In the reference model a sector's demand follows GDP through
//! its elasticity and does not depend on `industry_share`, so a structure effect is met by
//! an equal and opposite part of the same sectors' intensity effects; their sum per sector
//! is the change of the sector's final energy per unit of GDP.
//!
//! A factor that does not apply to a cell (`ef` for electricity, `λ, m, g` for fuels) is 1
//! in both states and so has no effect. Each of the eight factors is one effect; every
//! effect is also reported per sector (the sum over the sector's cells).
//!
//! # Negative terms
//!
//! LMDI works on logarithms, so a cell must not be negative. With `credit_exports` the
//! indirect term `M · g` is negative when the county exports; it is therefore written as
//! imports minus an export credit, `max(M,0)·g − max(−M,0)·g`. The (positive) credit cells
//! `X[s,el]` are decomposed by LMDI on their own and their effects are subtracted. A county
//! switching from importing to exporting is an import cell that disappears and a credit
//! cell that appears: both are assigned to the import/export share by the zero-value rules
//! of Ang & Liu (2007). Without `credit_exports` an exporting year simply has `m = 0`.
//!
//! Because LMDI-I is perfect per cell, the effects sum exactly (to rounding) to
//! `ΔCO₂ = CO₂(T) − CO₂(0)`.

use crate::decompose::lmdi::{LmdiError, LmdiInput, decompose_additive};
use crate::model::{ELEC, INDUSTRY, K_CAL, SECTORS, Trajectory, Var};
use crate::scenario::Scenario;

/// One effect (factor) of the identity.
#[derive(Debug, Clone, Copy)]
pub struct Effect {
    /// Machine name, as in `decomposition.csv`.
    pub id: &'static str,
    pub zh: &'static str,
    pub en: &'static str,
}

/// The effects, in the order of the identity's factors.
pub const EFFECTS: [Effect; 8] = [
    Effect {
        id: "scale",
        zh: "经济规模",
        en: "Economic scale (GDP)",
    },
    Effect {
        id: "structure",
        zh: "产业结构",
        en: "Economic structure",
    },
    Effect {
        id: "intensity",
        zh: "部门能耗强度",
        en: "Sector energy intensity",
    },
    Effect {
        id: "fuel_mix",
        zh: "终端用能结构",
        en: "Fuel mix",
    },
    Effect {
        id: "fuel_emission_factors",
        zh: "燃料排放因子",
        en: "Fuel emission factors",
    },
    Effect {
        id: "grid_losses",
        zh: "电网线损",
        en: "Grid losses",
    },
    Effect {
        id: "import_share",
        zh: "外购电比例",
        en: "Import share of electricity",
    },
    Effect {
        id: "grid_emission_factor",
        zh: "外购电排放因子",
        en: "Carbon factor of imported electricity",
    },
];

const N_EFFECTS: usize = EFFECTS.len();
/// Fossil fuels with a direct emission factor (indices into `model::FUELS`).
const FOSSIL: [usize; 3] = [crate::model::COAL, crate::model::OIL, crate::model::GAS];

/// One state of the comparison: a scenario's parameter values and trajectory in one year.
#[derive(Debug, Clone, Copy)]
pub struct State<'a> {
    pub scenario: &'a Scenario,
    /// The parameter vector the trajectory was simulated with.
    pub values: &'a [f64],
    pub trajectory: &'a Trajectory,
    pub year: i32,
}

/// The factor values of every cell in one state.
#[derive(Debug, Clone, PartialEq)]
pub struct Cells {
    /// Cell labels `sector/fuel`; fuels are `coal`, `oil`, `gas`, `electricity`.
    pub labels: Vec<String>,
    /// Direct and imported-electricity cells: `[cell][factor]`.
    pub positive: Vec<Vec<f64>>,
    /// Export-credit cells (one per sector, labelled `sector/electricity`), subtracted.
    pub credit: Vec<Vec<f64>>,
}

impl Cells {
    /// The cells' total, `Σ positive − Σ credit`: energy CO₂ of the state (万t).
    pub fn co2(&self) -> f64 {
        let prod = |rows: &[Vec<f64>]| rows.iter().map(|r| r.iter().product::<f64>()).sum::<f64>();
        prod(&self.positive) - prod(&self.credit)
    }
}

/// Build the identity's cells for one state (see the module docs).
pub fn cells(st: &State) -> Result<Cells, String> {
    let sc = st.scenario;
    let spec = &sc.spec;
    let v = st.values;
    let tr = st.trajectory;
    let y = st.year;
    let at = |var: Var| {
        tr.at(var, y).ok_or_else(|| {
            format!(
                "scenario {}: year {y} is outside its years {}–{}",
                sc.info.id, spec.y0, spec.y1
            )
        })
    };
    let gdp = at(Var::Gdp)?;
    let ind_share = at(Var::VaIndustry)? / gdp;
    // Final energy by sector and fuel after the cap, projects in industry (MODEL.md §4a–b).
    let fuels = {
        let (_, by_year) = crate::model::sector_fuels(spec, v);
        by_year[usize::try_from(y - spec.y0).unwrap_or(0)]
    };
    let demand = fuels.map(|f| f.iter().sum::<f64>());
    let elec = at(Var::ElecConsumption)?;
    let import = at(Var::NetImport)?;
    let g = at(Var::EfGrid)? / 10.0;
    let ef = [v[spec.ef_fuel[0]], v[spec.ef_fuel[1]], v[spec.ef_fuel[2]]];
    let lambda = 1.0 / (K_CAL / 10.0 * (1.0 - v[spec.loss]));
    if elec.is_nan() || elec <= 0.0 {
        return Err(format!(
            "scenario {} {y}: electricity consumption is {elec} GWh; the import share is undefined",
            sc.info.id
        ));
    }
    let m = import.max(0.0) / elec;
    let x = if spec.options.credit_exports {
        (-import).max(0.0) / elec
    } else {
        0.0
    };

    let mut out = Cells {
        labels: Vec::new(),
        positive: Vec::new(),
        credit: Vec::new(),
    };
    for (s, name) in SECTORS.iter().enumerate() {
        let share = if s == INDUSTRY {
            ind_share
        } else {
            1.0 - ind_share
        };
        let activity = gdp * share;
        let intensity = if demand[s] == 0.0 {
            0.0
        } else if activity > 0.0 {
            demand[s] / activity
        } else {
            return Err(format!(
                "scenario {} {y}: sector {name} uses {} 万tce but has no activity (industry share {ind_share}); the identity needs a positive activity",
                sc.info.id, demand[s]
            ));
        };
        let w = if demand[s] > 0.0 {
            fuels[s].map(|x| x / demand[s])
        } else {
            let mut w = [0.0; 5];
            spec.sectors[s].mix.at(v, y, &mut w);
            w
        };
        for (k, &f) in FOSSIL.iter().enumerate() {
            out.labels
                .push(format!("{name}/{}", crate::model::FUELS[f]));
            out.positive
                .push(vec![gdp, share, intensity, w[f], ef[k], 1.0, 1.0, 1.0]);
        }
        out.labels.push(format!("{name}/electricity"));
        out.positive
            .push(vec![gdp, share, intensity, w[ELEC], 1.0, lambda, m, g]);
        out.credit
            .push(vec![gdp, share, intensity, w[ELEC], 1.0, lambda, x, g]);
    }
    Ok(out)
}

/// The additive LMDI-I decomposition of ΔCO₂ between two states.
#[derive(Debug, Clone, PartialEq)]
pub struct Decomposition {
    /// Energy CO₂ of state 0 and T, from the trajectories (万t).
    pub co2_0: f64,
    pub co2_t: f64,
    /// The identity's sum in each state (equal to `co2_0`, `co2_t` to rounding).
    pub identity_0: f64,
    pub identity_t: f64,
    /// Effect of each factor of [`EFFECTS`] (万t CO₂); sums to `co2_t − co2_0`.
    pub effects: [f64; N_EFFECTS],
    /// `by_sector[s][k]`: sector `s`'s part of effect `k`; sums over `s` to `effects[k]`.
    pub by_sector: [[f64; N_EFFECTS]; 4],
}

impl Decomposition {
    /// `ΔCO₂` from the trajectories.
    pub fn total(&self) -> f64 {
        self.co2_t - self.co2_0
    }
    /// `ΔCO₂ − Σ effects` (zero up to rounding).
    pub fn residual(&self) -> f64 {
        self.total() - self.effects.iter().sum::<f64>()
    }
}

fn lmdi(
    labels: &[String],
    x0: Vec<Vec<f64>>,
    xt: Vec<Vec<f64>>,
) -> Result<([f64; N_EFFECTS], [[f64; N_EFFECTS]; 4]), LmdiError> {
    let r = decompose_additive(&LmdiInput {
        factors: EFFECTS.iter().map(|e| e.id.to_string()).collect(),
        cells: labels.to_vec(),
        x0,
        xt,
    })?;
    let mut effects = [0.0; N_EFFECTS];
    effects.copy_from_slice(&r.factor_effects);
    let mut by_sector = [[0.0; N_EFFECTS]; 4];
    for (s, name) in SECTORS.iter().enumerate() {
        let prefix = format!("{name}/");
        by_sector[s].copy_from_slice(&r.effects_for_cells(|c| c.starts_with(&prefix)));
    }
    Ok((effects, by_sector))
}

/// Decompose the change of energy CO₂ from state `a` to state `b`.
pub fn decompose(a: &State, b: &State) -> Result<Decomposition, String> {
    let (ca, cb) = (cells(a)?, cells(b)?);
    let co2 = |st: &State| st.trajectory.at(Var::Co2, st.year).unwrap_or(f64::NAN);
    let (mut effects, mut by_sector) =
        lmdi(&ca.labels, ca.positive.clone(), cb.positive.clone()).map_err(|e| e.to_string())?;
    let credit_labels: Vec<String> = SECTORS.iter().map(|s| format!("{s}/electricity")).collect();
    let (ce, cs) =
        lmdi(&credit_labels, ca.credit.clone(), cb.credit.clone()).map_err(|e| e.to_string())?;
    for k in 0..N_EFFECTS {
        effects[k] -= ce[k];
        for s in 0..SECTORS.len() {
            by_sector[s][k] -= cs[s][k];
        }
    }
    Ok(Decomposition {
        co2_0: co2(a),
        co2_t: co2(b),
        identity_0: ca.co2(),
        identity_t: cb.co2(),
        effects,
        by_sector,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine;

    fn state<'a>(sc: &'a Scenario, v: &'a [f64], tr: &'a Trajectory, year: i32) -> State<'a> {
        State {
            scenario: sc,
            values: v,
            trajectory: tr,
            year,
        }
    }

    fn check(d: &Decomposition) {
        let scale = d.co2_0.abs().max(d.co2_t.abs());
        assert!(
            d.residual().abs() <= 1e-9 * scale,
            "residual {} of {d:?}",
            d.residual()
        );
        for k in 0..N_EFFECTS {
            let s: f64 = d.by_sector.iter().map(|r| r[k]).sum();
            assert!(
                (s - d.effects[k]).abs() <= 1e-9 * scale,
                "{}: sectors {s} vs {}",
                EFFECTS[k].id,
                d.effects[k]
            );
        }
    }

    /// The identity reproduces the central run's energy CO₂ in every year of every shipped
    /// scenario, and the effects sum to ΔCO₂ for baseline → plan (2030) and plan 2020 → 2030.
    #[test]
    fn identity_equals_model_co2_and_effects_sum_to_the_change() {
        let names = ["baseline.toml", "plan.toml", "enhanced.toml"];
        let scs: Vec<Scenario> = names
            .iter()
            .map(|n| Scenario::embedded(n).unwrap())
            .collect();
        let runs: Vec<(Vec<f64>, Trajectory)> = scs
            .iter()
            .map(|sc| (sc.medians(), engine::central(sc)))
            .collect();
        for ((sc, (v, tr)), name) in scs.iter().zip(&runs).zip(names) {
            for y in sc.spec.years() {
                let c = cells(&state(sc, v, tr, y)).unwrap();
                let model = tr.at(Var::Co2, y).unwrap();
                assert!(
                    (c.co2() - model).abs() <= 1e-10 * model,
                    "{name} {y}: identity {} vs model {model}",
                    c.co2()
                );
            }
            let d = decompose(&state(sc, v, tr, 2020), &state(sc, v, tr, 2030)).unwrap();
            check(&d);
            // Growth raises emissions from 2020 to 2030 in every scenario.
            assert!(d.effects[0] > 0.0, "{name}: {d:?}");
        }
        for (i, j) in [(0, 1), (0, 2), (1, 2)] {
            let (a, b) = (&runs[i], &runs[j]);
            let d = decompose(
                &state(&scs[i], &a.0, &a.1, 2030),
                &state(&scs[j], &b.0, &b.1, 2030),
            )
            .unwrap();
            check(&d);
            // Same growth outlook: no scale effect between scenarios.
            assert!(d.effects[0].abs() < 1e-9 * d.co2_0, "{d:?}");
        }
    }

    /// With credit for exports, a county that turns from importing to exporting has a
    /// negative indirect term; the effects still sum to ΔCO₂ and the switch lands on the
    /// import/export share.
    #[test]
    fn export_credit_is_decomposed_separately() {
        let mut sc = Scenario::embedded("enhanced.toml").unwrap();
        sc.spec.options.credit_exports = true;
        // Lots of local generation: find a parameter vector that exports by 2035.
        let mut v = sc.medians();
        for t in &sc.spec.techs {
            v[t.capacity.points.last().unwrap().1] *= 20.0;
        }
        let mut tr = Trajectory::new(&sc.spec);
        crate::model::simulate(&sc.spec, &v, &mut tr);
        let m0 = tr.at(Var::NetImport, 2020).unwrap();
        let m1 = tr.at(Var::NetImport, sc.spec.y1).unwrap();
        assert!(m0 > 0.0 && m1 < 0.0, "imports {m0} → {m1}");
        assert!(tr.at(Var::Co2Indirect, sc.spec.y1).unwrap() < 0.0);
        let c = cells(&state(&sc, &v, &tr, sc.spec.y1)).unwrap();
        assert!((c.co2() - tr.at(Var::Co2, sc.spec.y1).unwrap()).abs() < 1e-9);
        let d = decompose(&state(&sc, &v, &tr, 2020), &state(&sc, &v, &tr, sc.spec.y1)).unwrap();
        check(&d);
        assert!(d.effects[6] < 0.0, "{d:?}");
    }
}
