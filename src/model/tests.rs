//! Hand-computed checks of MODEL.md's equations.

use super::*;
use crate::scenario::Scenario;

fn plan() -> Scenario {
    Scenario::embedded("plan.toml").unwrap()
}

#[test]
fn base_year_reproduces_the_plans_2020_figures() {
    for name in ["baseline.toml", "plan.toml", "enhanced.toml"] {
        let sc = Scenario::embedded(name).unwrap();
        let mut tr = Trajectory::new(&sc.spec);
        simulate(&sc.spec, &sc.medians(), &mut tr);
        let at = |v| tr.at(v, 2020).unwrap();
        assert!(
            (at(Var::CoalT) - 23.92).abs() < 0.005,
            "{name}: coal {}",
            at(Var::CoalT)
        );
        assert!((at(Var::CapPv) - 179.7).abs() < 1e-9);
        assert!((at(Var::CapHydro) - 103.74).abs() < 1e-9);
        assert!((at(Var::ForestCover) * 100.0 - 42.34).abs() < 1e-9);
    }
}

#[test]
fn path_with_delivery_by_hand() {
    // Path 100 (2020) → 200 (2025) → 300 (2030), delivery 0.5:
    // achieved 100, 150, 200; 2027 = 150 + 2/5·50 = 170; flat after 2030.
    let v = vec![100.0, 200.0, 300.0, 0.5];
    let p = PathSpec {
        points: vec![(2020, 0), (2025, 1), (2030, 2)],
        delivery: Some(3),
        bounds: PathSpec::UNBOUNDED,
        trend: None,
    };
    assert_eq!(p.at(&v, 2020), 100.0);
    assert_eq!(p.at(&v, 2025), 150.0);
    assert!((p.at(&v, 2027) - 170.0).abs() < 1e-12);
    assert_eq!(p.at(&v, 2035), 200.0);
    let _ = plan();
}

#[test]
fn over_delivered_path_stays_in_its_bounds() {
    // Share 0.75 → 0.5 delivered three times over would reach 0 (and −0.25 past it); held at
    // the field's lower bound instead, and the base year is untouched.
    let v = vec![0.75, 0.5, 3.0];
    let p = PathSpec {
        points: vec![(2020, 0), (2030, 1)],
        delivery: Some(2),
        bounds: (1e-6, 1.0),
        trend: None,
    };
    assert_eq!(p.at(&v, 2020), 0.75);
    assert_eq!(p.at(&v, 2030), 1e-6);
    assert_eq!(p.at(&v, 2035), 1e-6);
    assert!((p.at(&v, 2025) - (0.75 + 1e-6) / 2.0).abs() < 1e-12);
}

#[test]
fn a_path_filled_for_every_year_equals_the_path_year_by_year_bit_for_bit() {
    // Milestones before, inside and after the horizon, uneven gaps, a delivery ratio that
    // carries some milestones past the bounds, and no delivery at all.
    use rand::{RngExt, SeedableRng};
    let mut r = rand_chacha::ChaCha8Rng::seed_from_u64(9);
    for case in 0..2_000 {
        let n = 1 + case % 5;
        let mut years: Vec<i32> = vec![2020];
        for _ in 1..n {
            let last = *years.last().unwrap();
            years.push(last + r.random_range(1..9));
        }
        let mut v: Vec<f64> = (0..n).map(|_| r.random_range(-1.0..3.0)).collect();
        v.push(r.random_range(-0.5..2.5));
        let p = PathSpec {
            points: years.iter().enumerate().map(|(k, &y)| (y, k)).collect(),
            delivery: (case % 3 != 0).then_some(n),
            bounds: if case % 2 == 0 {
                (0.0, 2.0)
            } else {
                PathSpec::UNBOUNDED
            },
            // Some paths continue their last segment after the last milestone (v3).
            trend: (case % 5 < 2).then_some((0.0, 2.5)),
        };
        let y0 = 2020 - (case % 4) as i32;
        let mut out = vec![0.0; 30];
        p.fill(&v, y0, &mut out);
        for (k, x) in out.iter().enumerate() {
            let want = p.at(&v, y0 + k as i32);
            assert_eq!(
                x.to_bits(),
                want.to_bits(),
                "case {case}, year {}",
                y0 + k as i32
            );
        }
    }
}

// ---------------------------------------------------------------------------------------
// A small hand-built model, 2020–2023, whose every number is chosen so that each equation
// of MODEL.md §3–§7 can be worked out on paper. Parameter indices are named below; `hand()`
// returns the spec and the parameter vector.
// ---------------------------------------------------------------------------------------

pub(super) const GDP0: P = 0; // 100 亿元
pub(super) const G1: P = 1; // growth of the period ending 2021: 10 %
pub(super) const G2: P = 2; // growth of the period ending 2023: 5 %
const SHARE20: P = 3; // industry share 2020: 0.30
const SHARE22: P = 4; // industry share 2022: 0.40
pub(super) const IND_E0: P = 5; // industry energy 2020: 10 万tce
pub(super) const IND_ELAST: P = 6; // industry elasticity 0.5
pub(super) const IND_A1: P = 7; // industry efficiency gain ≤ 2021: 2 %/yr
pub(super) const IND_A2: P = 8; // industry efficiency gain 2022–2023: 1 %/yr
pub(super) const IND_MIX_R: P = 9; // industry mix delivery 0.5
const BLD_E0: P = 10; // buildings energy 2020: 5 万tce
const TRN_E0: P = 11; // transport energy 2020: 2 万tce
pub(super) const ZERO: P = 12;
pub(super) const ONE: P = 13;
const LOSS: P = 14; // 20 % losses
const K_EQ: P = 15; // 0.3 tce/MWh
const PV20: P = 16; // 100 MW
const PV22: P = 17; // 300 MW planned for 2022
const PV_R: P = 18; // PV delivery 0.5 → 200 MW achieved in 2022
const PV_H: P = 19; // 1000 h
const HY_C: P = 20; // hydro 50 MW
const HY_H: P = 21; // 4000 h
const EF_GRID: P = 22; // 0.5 tCO2/MWh
const NF_GRID: P = 23; // 0.8
const EF_COAL: P = 24; // 2.6
const EF_OIL: P = 25; // 2.0
const EF_GAS: P = 26; // 1.6
const LAND: P = 27; // 10 000 ha
const FOREST20: P = 28; // cover 0.4
const FOREST23: P = 29; // cover 0.5 in 2023
const FOREST_RATE: P = 30; // 2 tCO2/ha/yr
const GRASS_HA: P = 31; // 5 000 ha
const GRASS20: P = 32; // cover 0.5
const GRASS22: P = 33; // cover 0.6 in 2022
const GRASS_RATE: P = 34; // 1 tCO2/ha/yr
const WET_HA: P = 35; // 200 ha
const WET_RATE: P = 36; // 5 tCO2/ha/yr

pub(super) fn hand_values() -> Vec<f64> {
    vec![
        100.0, 0.10, 0.05, 0.30, 0.40, // economy
        10.0, 0.5, 0.02, 0.01, 0.5, // industry
        5.0, 2.0, 0.0, 1.0, // buildings, transport, ZERO, ONE
        0.2, 0.3, // loss, k_eq
        100.0, 300.0, 0.5, 1000.0, 50.0, 4000.0, // PV, hydro
        0.5, 0.8, // grid
        2.6, 2.0, 1.6, // fuel factors
        10_000.0, 0.4, 0.5, 2.0, 5_000.0, 0.5, 0.6, 1.0, 200.0, 5.0, // sinks
    ]
}

fn flat(p: P) -> PathSpec {
    PathSpec {
        points: vec![(2020, p)],
        delivery: None,
        bounds: PathSpec::UNBOUNDED,
        trend: None,
    }
}

pub(super) fn hand_spec() -> ModelSpec {
    let const_periods = |p: P| Periods {
        ends: vec![(2023, p)],
    };
    let fixed_mix = |w: [f64; 5]| MixSpec {
        points: vec![(2020, w)],
        delivery: None,
        trend: false,
    };
    ModelSpec {
        y0: 2020,
        y1: 2023,
        options: Options {
            peak_by: 2021,
            ..Options::v1()
        },
        gdp0: GDP0,
        growth: Periods {
            ends: vec![(2021, G1), (2023, G2)],
        },
        industry_share: PathSpec {
            points: vec![(2020, SHARE20), (2022, SHARE22)],
            delivery: None,
            bounds: PathSpec::UNBOUNDED,
            trend: None,
        },
        sectors: [
            SectorSpec {
                energy0: IND_E0,
                elasticity: IND_ELAST,
                efficiency: Periods {
                    ends: vec![(2021, IND_A1), (2023, IND_A2)],
                },
                mix: MixSpec {
                    points: vec![
                        (2020, [0.5, 0.1, 0.1, 0.3, 0.0]),
                        (2022, [0.3, 0.1, 0.1, 0.5, 0.0]),
                    ],
                    delivery: Some(IND_MIX_R),
                    trend: false,
                },
                eta: [None; 5],
            },
            // Buildings: no growth (elasticity 0), no efficiency gain, a fixed mix.
            SectorSpec {
                energy0: BLD_E0,
                elasticity: ZERO,
                efficiency: const_periods(ZERO),
                mix: fixed_mix([0.2, 0.0, 0.2, 0.4, 0.2]),
                eta: [None; 5],
            },
            // Transport: grows one for one with GDP, all oil.
            SectorSpec {
                energy0: TRN_E0,
                elasticity: ONE,
                efficiency: const_periods(ZERO),
                mix: fixed_mix([0.0, 1.0, 0.0, 0.0, 0.0]),
                eta: [None; 5],
            },
            // Agriculture: nothing.
            SectorSpec {
                energy0: ZERO,
                elasticity: ONE,
                efficiency: const_periods(ZERO),
                mix: fixed_mix([1.0, 0.0, 0.0, 0.0, 0.0]),
                eta: [None; 5],
            },
        ],
        loss: LOSS,
        k_eq: flat(K_EQ),
        techs: [
            TechSpec {
                capacity: PathSpec {
                    points: vec![(2020, PV20), (2022, PV22)],
                    delivery: Some(PV_R),
                    bounds: PathSpec::UNBOUNDED,
                    trend: None,
                },
                hours: PV_H,
            },
            TechSpec {
                capacity: flat(HY_C),
                hours: HY_H,
            },
            TechSpec {
                capacity: flat(ZERO),
                hours: PV_H,
            },
        ],
        ef_grid: flat(EF_GRID),
        nf_grid: flat(NF_GRID),
        ef_fuel: [EF_COAL, EF_OIL, EF_GAS],
        land_ha: LAND,
        forest_cover: PathSpec {
            points: vec![(2020, FOREST20), (2023, FOREST23)],
            delivery: None,
            bounds: PathSpec::UNBOUNDED,
            trend: None,
        },
        forest_rate: FOREST_RATE,
        grass_ha: GRASS_HA,
        grass_cover: PathSpec {
            points: vec![(2020, GRASS20), (2022, GRASS22)],
            delivery: None,
            bounds: PathSpec::UNBOUNDED,
            trend: None,
        },
        grass_rate: GRASS_RATE,
        wetland_ha: WET_HA,
        wetland_rate: WET_RATE,
        feedstock: None,
        cap: None,
        projects: Vec::new(),
        process_co2: None,
    }
}

pub(super) fn run(spec: &ModelSpec, v: &[f64]) -> Trajectory {
    let mut tr = Trajectory::new(spec);
    simulate(spec, v, &mut tr);
    tr
}

pub(super) fn hand() -> Trajectory {
    run(&hand_spec(), &hand_values())
}

/// `a` equals `b` up to 1e-12 relative (rounding of a different but equivalent formula).
#[track_caller]
pub(super) fn close(a: f64, b: f64) {
    assert!(
        (a - b).abs() <= 1e-12 * b.abs().max(1.0),
        "got {a}, expected {b}"
    );
}

/// The row of `var` for 2020–2023.
pub(super) fn row(tr: &Trajectory, var: Var) -> [f64; 4] {
    let r = tr.row(var);
    [r[0], r[1], r[2], r[3]]
}

#[track_caller]
pub(super) fn close_row(got: [f64; 4], want: [f64; 4]) {
    for (t, (g, w)) in got.iter().zip(want).enumerate() {
        assert!(
            (g - w).abs() <= 1e-9 * w.abs().max(1.0),
            "year {}: got {g}, expected {w}",
            2020 + t
        );
    }
}

#[test]
fn gdp_compounds_with_the_rate_of_the_period_holding_the_year() {
    let tr = hand();
    // 2020: the base 100. 2021 is in the period ending 2021 (10 %): 110.
    // 2022, 2023 are in the period ending 2023 (5 %): 115.5, 121.275.
    close_row(row(&tr, Var::Gdp), [100.0, 110.0, 115.5, 121.275]);
    // VA = GDP · share; share 0.30 (2020) → 0.40 (2022), 0.35 in 2021, flat 0.40 in 2023.
    close_row(
        row(&tr, Var::VaIndustry),
        [30.0, 110.0 * 0.35, 115.5 * 0.4, 121.275 * 0.4],
    );
    // 38.5, 46.2, 48.51 written out.
    close_row(row(&tr, Var::VaIndustry), [30.0, 38.5, 46.2, 48.51]);
}

#[test]
fn sector_demand_recursion_with_elasticity_and_efficiency() {
    let tr = hand();
    // Industry: D = D·(1 + 0.5·g)·(1 − a).
    // 2021: 10 · 1.05 · 0.98 = 10.29
    // 2022: 10.29 · 1.025 · 0.99 = 10.4417775
    // 2023: 10.4417775 · 1.025 · 0.99 = 10.595793718125
    close_row(
        row(&tr, Var::DemandIndustry),
        [10.0, 10.29, 10.4417775, 10.595793718125],
    );
    // Buildings: elasticity 0 and no efficiency gain: flat 5.
    close_row(row(&tr, Var::DemandBuildings), [5.0; 4]);
    // Transport: elasticity 1: grows with GDP, 2 → 2.2 → 2.31 → 2.4255.
    close_row(row(&tr, Var::DemandTransport), [2.0, 2.2, 2.31, 2.4255]);
    close_row(row(&tr, Var::DemandAgriculture), [0.0; 4]);
}

#[test]
fn fuel_shares_move_by_the_delivery_ratio() {
    let spec = hand_spec();
    let v = hand_values();
    let mix = &spec.sectors[INDUSTRY].mix;
    let mut w = [0.0; 5];
    // Planned 2022 shift: coal 0.5 → 0.3, electricity 0.3 → 0.5; half delivered:
    // 2022 coal 0.4, electricity 0.4; 2021 half-way between 2020 and 2022: 0.45, 0.35.
    mix.at(&v, 2020, &mut w);
    assert_eq!(w, [0.5, 0.1, 0.1, 0.3, 0.0]);
    mix.at(&v, 2021, &mut w);
    for (a, b) in w.iter().zip([0.45, 0.1, 0.1, 0.35, 0.0]) {
        close(*a, b);
    }
    // After the last milestone the shares stay flat.
    for year in [2022, 2023] {
        mix.at(&v, year, &mut w);
        for (a, b) in w.iter().zip([0.4, 0.1, 0.1, 0.4, 0.0]) {
            close(*a, b);
        }
    }
    // Final use by fuel, 2020: industry 10·(0.5, 0.1, 0.1, 0.3, 0) + buildings
    // 5·(0.2, 0, 0.2, 0.4, 0.2) + transport 2·(0, 1, 0, 0, 0) = (6, 3, 2, 5, 1).
    let tr = hand();
    let at = |v: Var, y: i32| tr.at(v, y).unwrap();
    for (var, want) in [
        (Var::FinalCoal, 6.0),
        (Var::FinalOil, 3.0),
        (Var::FinalGas, 2.0),
        (Var::FinalElectricity, 5.0),
        (Var::FinalBiomass, 1.0),
    ] {
        close(at(var, 2020), want);
    }
    // 2021: industry 10.29·(0.45, 0.1, 0.1, 0.35, 0): coal 4.6305 + 1 = 5.6305,
    // oil 1.029 + 2.2 = 3.229, gas 1.029 + 1 = 2.029, electricity 3.6015 + 2 = 5.6015.
    close(at(Var::FinalCoal, 2021), 5.6305);
    close(at(Var::FinalOil, 2021), 3.229);
    close(at(Var::FinalGas, 2021), 2.029);
    close(at(Var::FinalElectricity, 2021), 5.6015);
    close(at(Var::FinalBiomass, 2021), 1.0);
}

#[test]
fn bounded_ratio_keeps_every_share_in_the_unit_interval() {
    let base = [0.5, 0.1, 0.1, 0.3, 0.0];
    let m = [0.3, 0.1, 0.1, 0.5, 0.0];
    // Coal falls by 0.2 per unit ratio, electricity rises by 0.2: coal hits 0 at r = 2.5
    // (electricity 0.8 then) and electricity hits 0 at r = −1.5 (coal 0.8).
    close(bounded_ratio(&base, &m, 1.0), 1.0);
    close(bounded_ratio(&base, &m, 0.0), 0.0);
    close(bounded_ratio(&base, &m, 3.0), 2.5);
    close(bounded_ratio(&base, &m, -2.0), -1.5);
    // Electricity reaching 1 is the binding bound when it grows faster: 0.3 → 0.9 with coal
    // 0.5 → 0 hits coal 0 at r = 1 and electricity 1 at r = 7/6: the tighter, 1, wins.
    close(bounded_ratio(&base, &[0.0, 0.1, 0.0, 0.9, 0.0], 1.1), 1.0);
    // Through MixSpec with an over-delivery of 3: shares at the clamp, still summing to one.
    let mix = MixSpec {
        points: vec![(2020, base), (2022, m)],
        delivery: Some(0),
        trend: false,
    };
    let mut w = [0.0; 5];
    mix.at(&[3.0], 2022, &mut w);
    assert!(
        w.iter().all(|x| (-1e-15..=1.0 + 1e-15).contains(x)),
        "{w:?}"
    );
    close(w[0], 0.0);
    close(w[3], 0.8);
    close(w.iter().sum(), 1.0);
    // Halfway (2021) it is half the clamped shift, not half the requested one.
    mix.at(&[3.0], 2021, &mut w);
    close(w[0], 0.25);
    close(w[3], 0.55);
}

#[test]
fn electricity_includes_losses() {
    let tr = hand();
    // E = F_el / (0.01229 · (1 − 0.2)): 2020 5 / 0.009832 = 508.543531326… GWh.
    close(
        tr.at(Var::ElecConsumption, 2020).unwrap(),
        5.0 / (0.01229 * 0.8),
    );
    close(
        tr.at(Var::ElecConsumption, 2020).unwrap(),
        508.5435313262815,
    );
    close(
        tr.at(Var::ElecConsumption, 2021).unwrap(),
        5.6015 / 0.009832,
    );
}

#[test]
fn generation_half_year_rule_and_base_year_rule() {
    let tr = hand();
    // PV capacity: 100 → planned 300 in 2022, half delivered: 100, 150, 200, 200 MW.
    close_row(row(&tr, Var::CapPv), [100.0, 150.0, 200.0, 200.0]);
    // 2020 (y0): C·h = 100 MW · 1000 h = 100 GWh. Later: mean of last and this year's MW:
    // 2021 (100+150)/2 = 125, 2022 (150+200)/2 = 175, 2023 200 GWh.
    close_row(row(&tr, Var::GenPv), [100.0, 125.0, 175.0, 200.0]);
    // Hydro 50 MW · 4000 h = 200 GWh every year; wind 0.
    close_row(row(&tr, Var::GenHydro), [200.0; 4]);
    close_row(row(&tr, Var::GenWind), [0.0; 4]);
    close_row(row(&tr, Var::LocalGen), [300.0, 325.0, 375.0, 400.0]);
    // Net import M = E − L: 2020 508.5435… − 300 = 208.5435…
    close(tr.at(Var::NetImport, 2020).unwrap(), 5.0 / 0.009832 - 300.0);
    close(
        tr.at(Var::NetImport, 2023).unwrap(),
        tr.at(Var::ElecConsumption, 2023).unwrap() - 400.0,
    );
}

#[test]
fn tec_and_nonfossil_share_coal_equivalent() {
    let tr = hand();
    let e = 5.0 / 0.009832; // 508.5435… GWh
    // TEC = coal + oil + gas + biomass + E·k_eq/10 = 6 + 3 + 2 + 1 + 508.54·0.03 = 27.2563…
    let tec = 12.0 + e * 0.3 / 10.0;
    close(tr.at(Var::Tec, 2020).unwrap(), tec);
    close(tr.at(Var::Tec, 2020).unwrap(), 27.256305939788444);
    // NF = biomass + k/10·(min(L, E) + max(M, 0)·nf_grid) = 1 + 0.03·(300 + 208.54·0.8) = 15.005…
    let nf = 1.0 + 0.03 * (300.0 + (e - 300.0) * 0.8);
    close(tr.at(Var::NonfossilEnergy, 2020).unwrap(), nf);
    close(
        tr.at(Var::NonfossilEnergy, 2020).unwrap(),
        15.005044751830756,
    );
    close(tr.at(Var::NonfossilShare, 2020).unwrap(), nf / tec);
    close(tr.at(Var::KElec, 2020).unwrap(), 0.3);
    // EI = TEC / GDP.
    close(tr.at(Var::EnergyIntensity, 2020).unwrap(), tec / 100.0);
    close(
        tr.at(Var::EnergyIntensity, 2021).unwrap(),
        tr.at(Var::Tec, 2021).unwrap() / 110.0,
    );
}

#[test]
fn tec_and_nonfossil_share_calorific() {
    let mut spec = hand_spec();
    spec.options.accounting = Accounting::Calorific;
    let tr = run(&spec, &hand_values());
    let e = 5.0 / 0.009832;
    // At k_cal, E·0.1229/10 = F_el/(1 − loss) = 5/0.8 = 6.25: TEC = 12 + 6.25 = 18.25.
    close(tr.at(Var::Tec, 2020).unwrap(), 18.25);
    close(tr.at(Var::KElec, 2020).unwrap(), K_CAL);
    let nf = 1.0 + 0.01229 * (300.0 + (e - 300.0) * 0.8);
    close(tr.at(Var::NonfossilEnergy, 2020).unwrap(), nf);
    close(tr.at(Var::NonfossilShare, 2020).unwrap(), nf / 18.25);
}

/// The hand model with 500 MW of hydro: 2000 GWh a year, far more than the county uses.
fn exporting(credit: bool) -> Trajectory {
    let mut spec = hand_spec();
    spec.options.credit_exports = credit;
    let mut v = hand_values();
    v[HY_C] = 500.0;
    run(&spec, &v)
}

#[test]
fn exported_electricity_is_not_counted_as_nonfossil() {
    let tr = exporting(false);
    let e = 5.0 / 0.009832;
    // L = 100 + 2000 = 2100 GWh > E: M = E − 2100 < 0, the county exports.
    close(tr.at(Var::LocalGen, 2020).unwrap(), 2100.0);
    close(tr.at(Var::NetImport, 2020).unwrap(), e - 2100.0);
    // NF counts min(L, E) = E and nothing from the grid: 1 + 0.03·E; not 1 + 0.03·2100.
    close(tr.at(Var::NonfossilEnergy, 2020).unwrap(), 1.0 + 0.03 * e);
    // Electricity is then entirely non-fossil: NF share = (1 + 0.03E) / (12 + 0.03E) < 1.
    let share = tr.at(Var::NonfossilShare, 2020).unwrap();
    close(share, (1.0 + 0.03 * e) / (12.0 + 0.03 * e));
    assert!(share < 1.0);
}

#[test]
fn direct_and_indirect_co2() {
    let tr = hand();
    // Direct 2020: 6·2.6 + 3·2.0 + 2·1.6 = 15.6 + 6 + 3.2 = 24.8.
    close(tr.at(Var::Co2Coal, 2020).unwrap(), 15.6);
    close(tr.at(Var::Co2Oil, 2020).unwrap(), 6.0);
    close(tr.at(Var::Co2Gas, 2020).unwrap(), 3.2);
    close(tr.at(Var::Co2Direct, 2020).unwrap(), 24.8);
    // Indirect: M·ef_grid/10 = 208.5435…·0.05 = 10.4271…
    let m = 5.0 / 0.009832 - 300.0;
    close(tr.at(Var::Co2Indirect, 2020).unwrap(), m * 0.05);
    close(tr.at(Var::Co2, 2020).unwrap(), 24.8 + m * 0.05);
    close(tr.at(Var::Co2, 2020).unwrap(), 35.22717656631407);
    close(
        tr.at(Var::Co2Intensity, 2020).unwrap(),
        (24.8 + m * 0.05) / 100.0,
    );
    // Credit for exports changes nothing while the county imports.
    let mut spec = hand_spec();
    spec.options.credit_exports = true;
    assert_eq!(run(&spec, &hand_values()), tr);
}

#[test]
fn exports_earn_a_credit_only_with_credit_exports() {
    let e = 5.0 / 0.009832;
    let m = e - 2100.0; // negative
    let plain = exporting(false);
    close(plain.at(Var::Co2Indirect, 2020).unwrap(), 0.0);
    close(plain.at(Var::Co2, 2020).unwrap(), 24.8);
    let credited = exporting(true);
    // M·ef/10 with M < 0: (508.54 − 2100)·0.05 = −79.57…: energy CO2 becomes negative.
    close(credited.at(Var::Co2Indirect, 2020).unwrap(), m * 0.05);
    close(credited.at(Var::Co2, 2020).unwrap(), 24.8 + m * 0.05);
    assert!(credited.at(Var::Co2, 2020).unwrap() < 0.0);
}

#[test]
fn coal_in_physical_tonnes() {
    let tr = hand();
    // 6 万tce / 0.7143 = 8.39983… 万t; 2021: 5.6305 / 0.7143.
    close(tr.at(Var::CoalT, 2020).unwrap(), 6.0 / 0.7143);
    close(tr.at(Var::CoalT, 2020).unwrap(), 8.399832003359933);
    close(tr.at(Var::CoalT, 2021).unwrap(), 5.6305 / 0.7143);
}

#[test]
fn sinks_by_hand() {
    let tr = hand();
    // Forest: 10 000 ha · cover · 2 t/ha / 1e4; cover 0.4 → 0.5 over 2020–2023:
    // 0.4, 0.4333…, 0.4666…, 0.5 → 0.8, 0.8666…, 0.9333…, 1.0 万t.
    close_row(
        row(&tr, Var::SinkForest),
        [0.8, 0.8 + 0.2 / 3.0, 0.8 + 0.4 / 3.0, 1.0],
    );
    // Grassland: 5 000 ha · 1 t/ha · cover/cover[2020] / 1e4; cover 0.5, 0.55, 0.6, 0.6:
    // 0.5, 0.55, 0.6, 0.6 万t.
    close_row(row(&tr, Var::SinkGrassland), [0.5, 0.55, 0.6, 0.6]);
    // Wetland: 200 ha · 5 t/ha / 1e4 = 0.1 万t.
    close_row(row(&tr, Var::SinkWetland), [0.1; 4]);
    close_row(
        row(&tr, Var::SinkTotal),
        [1.4, 0.8 + 0.2 / 3.0 + 0.65, 0.8 + 0.4 / 3.0 + 0.7, 1.7],
    );
    // Net = energy CO2 − sinks.
    for y in 2020..=2023 {
        close(
            tr.at(Var::NetEmissions, y).unwrap(),
            tr.at(Var::Co2, y).unwrap() - tr.at(Var::SinkTotal, y).unwrap(),
        );
    }
    // Grassland sink depends on cover relative to 2020: doubling both covers leaves it alone.
    let mut v = hand_values();
    v[GRASS20] = 0.25;
    v[GRASS22] = 0.3;
    close_row(
        row(&run(&hand_spec(), &v), Var::SinkGrassland),
        [0.5, 0.55, 0.6, 0.6],
    );
}

#[test]
fn industry_energy_recounts_electricity_at_k() {
    let tr = hand();
    // 2020: 10 · (1 − 0.3 + 0.3 · 0.3/0.1229) = 10 · (0.7 + 0.73230…) = 14.3230…
    let want = 10.0 * (1.0 - 0.3 + 0.3 * 0.3 / 0.1229);
    close(tr.at(Var::IndustryEnergy, 2020).unwrap(), want);
    close(tr.at(Var::IndustryIntensity, 2020).unwrap(), want / 30.0);
}

#[test]
fn peak_year_of_the_hand_model() {
    // Energy CO2: 35.23, 36.58, 36.10, 35.61: the peak is 2021 and 2023 is below it.
    let tr = hand();
    close(tr.at(Var::Co2, 2021).unwrap(), 36.57976590724166);
    let o = hand_spec().options;
    assert_eq!(tr.peak(&o).year, Some(2021));
    assert!(tr.peak(&o).peaked_by, "peak 2021 by 2021");
    let o2020 = Options { peak_by: 2020, ..o };
    assert!(!tr.peak(&o2020).peaked_by, "peak 2021 is after 2020");
}

/// The v1 peak rules (τ = 0) on a series of 2020–2024.
fn v1_peak(s: [f64; 5], by: i32) -> Peak {
    peak_of(&s, 2020, 0.0, by)
}

#[test]
fn peak_is_the_first_maximum_and_must_hold_to_the_end() {
    // Tie: 3 in 2021 and 2022: the first one, 2021; the end (2) is below it.
    let s = [1.0, 3.0, 3.0, 2.5, 2.0];
    assert_eq!(v1_peak(s, 2030).year, Some(2021));
    assert!(v1_peak(s, 2021).peaked_by);
    assert!(v1_peak(s, 2030).peaked_by);
    assert!(!v1_peak(s, 2020).peaked_by);
    // Back at the maximum in the last year: on the plateau at the end, so not peaked (v1
    // called its peak year 2021 but did not count it as peaked).
    let p = v1_peak([1.0, 3.0, 2.0, 2.5, 3.0], 2030);
    assert_eq!(p.year, None, "CO2[y1] = max is not a peak");
    assert!(!p.peaked_by);
    // A hair below the peak at the end is a peak.
    assert!(v1_peak([1.0, 3.0, 2.0, 2.5, 3.0 - 1e-9], 2030).peaked_by);
    // Still rising: not peaked, never "peak 2024".
    let p = v1_peak([1.0, 2.0, 3.0, 4.0, 5.0], 2030);
    assert_eq!(p.year, None);
    assert!(!p.peaked_by);
    // Flat: every year on the plateau, the last too: not peaked.
    assert_eq!(v1_peak([2.0; 5], 2030).year, None);
    // Falling from the start: the base year is the peak.
    let p = v1_peak([5.0, 4.0, 3.0, 2.0, 1.0], 2020);
    assert_eq!(p.year, Some(2020));
    assert!(p.peaked_by);
}

#[test]
fn periods_pick_the_period_holding_the_year() {
    let v = [0.1, 0.2, 0.3];
    let p = Periods {
        ends: vec![(2025, 0), (2030, 1), (2035, 2)],
    };
    assert_eq!(p.at(&v, 2021), 0.1);
    assert_eq!(p.at(&v, 2025), 0.1);
    assert_eq!(p.at(&v, 2026), 0.2);
    assert_eq!(p.at(&v, 2030), 0.2);
    assert_eq!(p.at(&v, 2031), 0.3);
    assert_eq!(p.at(&v, 2035), 0.3);
}
