//! Hand-computed checks of MODEL.md v2: end-use efficiencies (§4), energy as the targets
//! assess it (§6a) and the peak with a plateau, "not peaked" and rebounds (§7).

use super::tests::{G1, G2, IND_E0, IND_ELAST, ONE, close, hand_spec, hand_values, run};
use super::*;
use crate::indicators::find_in_default as find;
use crate::scenario::Scenario;

/// The hand model with industry as a two-fuel sector switching from coal to electricity:
/// mix 50/50 in 2020 → 20/80 in 2022 (fully delivered), η(coal) = 0.5, η(electricity) = 2.
pub(super) fn switching() -> (ModelSpec, Vec<f64>) {
    let mut spec = hand_spec();
    let mut v = hand_values();
    let eta_coal = v.len();
    v.push(0.5);
    let eta_el = v.len();
    v.push(2.0);
    let ind = &mut spec.sectors[INDUSTRY];
    ind.mix = MixSpec {
        points: vec![
            (2020, [0.5, 0.0, 0.0, 0.5, 0.0]),
            (2022, [0.2, 0.0, 0.0, 0.8, 0.0]),
        ],
        delivery: Some(ONE),
        trend: false,
    };
    ind.eta[COAL] = Some(eta_coal);
    ind.eta[ELEC] = Some(eta_el);
    (spec, v)
}

#[test]
fn fuel_switching_with_end_use_efficiencies_by_hand() {
    let (spec, v) = switching();
    assert_eq!(
        (v[IND_E0], v[IND_ELAST], v[G1], v[G2]),
        (10.0, 0.5, 0.10, 0.05)
    );
    let tr = run(&spec, &v);
    let d = |y| tr.at(Var::DemandIndustry, y).unwrap();
    // Useful energy 2020: U = 10 · (0.5·0.5 + 0.5·2) = 12.5; final energy 12.5 / 1.25 = 10,
    // the 2020 input (the base year is unchanged).
    close(d(2020), 10.0);
    // 2021: the mix is halfway, 35/65: mean η = 0.35·0.5 + 0.65·2 = 1.475.
    // U = 12.5 · (1 + 0.5·0.10) · (1 − 0.02) = 12.8625; D = 12.8625 / 1.475 = 8.7203…
    close(d(2021), 12.8625 / 1.475);
    // 2022: 20/80, mean η = 0.1 + 1.6 = 1.7; U = 12.8625 · 1.025 · 0.99 = 13.052221875.
    close(d(2022), 13.052221875 / 1.7);
    // 2023: same mix; U = 13.052221875 · 1.025 · 0.99.
    close(d(2023), 13.052221875 * 1.025 * 0.99 / 1.7);
    // Fuels follow from the mix: coal 2022 = D · 0.2, electricity = D · 0.8.
    close(tr.at(Var::FinalCoal, 2022).unwrap() - d(2022) * 0.2, {
        // the other sectors' coal: buildings 5 · 0.2 = 1 (fixed), agriculture 0
        1.0
    });
    // Switching to the efficient fuel lowers final energy: v1 (η = 1) grows instead,
    // 10 · 1.05 · 0.98 = 10.29 in 2021.
    let v1 = run(&hand_spec(), &hand_values());
    close(v1.at(Var::DemandIndustry, 2021).unwrap(), 10.29);
    assert!(d(2021) < 10.0 && d(2022) < d(2021));
}

#[test]
fn every_eta_one_is_v1_bit_for_bit() {
    // η given for every fuel of every sector, all exactly 1: the same bytes as no η at all.
    let mut spec = hand_spec();
    let mut v = hand_values();
    let one = v.len();
    v.push(1.0);
    for sec in spec.sectors.iter_mut() {
        sec.eta = [Some(one); 5];
    }
    let a = run(&spec, &v);
    let b = run(&hand_spec(), &hand_values());
    assert_eq!(a.data, b.data);
    // With η ≠ 1 in one sector, v2 differs.
    let (spec, v) = switching();
    assert_ne!(run(&spec, &v).data, b.data);
}

/// The plan scenario's central run with the given rules and a constant feedstock (万tce).
/// The v2 plan (kept in tests/fixtures/v2/: no cap, no projects) with the given rules and a
/// flat feedstock.
fn plan_with(rules: [Assessment; 2], feedstock: f64) -> (Scenario, Trajectory) {
    let file = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/v2/plan.toml");
    let mut sc = Scenario::load(&file).unwrap();
    sc.spec.options.assessment = vec![(2025, rules[0]), (2030, rules[1])];
    let mut v = sc.medians();
    let fs = v.len();
    v.push(feedstock);
    sc.spec.feedstock = Some(PathSpec {
        points: vec![(2020, fs), (2030, fs)],
        delivery: None,
        bounds: PathSpec::UNBOUNDED,
        trend: None,
    });
    let mut tr = Trajectory::new(&sc.spec);
    simulate(&sc.spec, &v, &mut tr);
    (sc, tr)
}

#[test]
fn assessed_energy_under_each_rule() {
    use Assessment::*;
    let rules = [NewRenewablesExcluded, FossilOnly];
    let (_, tr) = plan_with(rules, 2.0);
    let g = |var, y| tr.at(var, y).unwrap();
    for y in 2020..=2035 {
        let k = g(Var::KElec, y) / 10.0;
        let nfe = g(Var::LocalGen, y).min(g(Var::ElecConsumption, y))
            + g(Var::NetImport, y).max(0.0) * g(Var::NfGrid, y);
        close(g(Var::NonfossilElec, y), nfe);
        // 2025 rule: TEC less the non-fossil electricity above 2020's, less feedstock.
        let want = g(Var::Tec, y) - k * (nfe - g(Var::NonfossilElec, 2020)).max(0.0) - 2.0;
        close(g(Var::AssessedEnergy2025, y), want);
        close(g(Var::AssessedIntensity2025, y), want / g(Var::Gdp, y));
        // 2030 rule: fossil fuels and the fossil part of electricity, less feedstock.
        let fossil = g(Var::FinalCoal, y)
            + g(Var::FinalOil, y)
            + g(Var::FinalGas, y)
            + k * (g(Var::ElecConsumption, y) - nfe)
            - 2.0;
        close(g(Var::AssessedEnergy2030, y), fossil);
    }
    // total: TEC less feedstock; with no feedstock, exactly TEC.
    let (_, tr) = plan_with([Total, Total], 0.0);
    for y in 2020..=2035 {
        assert_eq!(tr.at(Var::AssessedEnergy2025, y), tr.at(Var::Tec, y), "{y}");
        assert_eq!(
            tr.at(Var::AssessedIntensity2030, y),
            tr.at(Var::EnergyIntensity, y)
        );
        assert_eq!(
            tr.at(Var::AssessedIndustry2025, y),
            tr.at(Var::IndustryIntensity, y)
        );
    }
    // Biomass growth stays counted under new_renewables_excluded; fossil_only drops it.
    let (_, tr) = plan_with([NewRenewablesExcluded, FossilOnly], 0.0);
    assert!(tr.at(Var::AssessedEnergy2030, 2025) < tr.at(Var::AssessedEnergy2025, 2025));
}

#[test]
fn industry_assessed_like_total_energy() {
    use Assessment::*;
    let (_, tr) = plan_with([NewRenewablesExcluded, FossilOnly], 1.5);
    let g = |var, y| tr.at(var, y).unwrap();
    let phi = |y| g(Var::NonfossilElec, y) / g(Var::ElecConsumption, y);
    for y in [2020, 2024, 2025, 2030, 2035] {
        let k = g(Var::KElec, y) / 10.0;
        let e_ind = g(Var::DemandIndustry, y) * {
            // industry's electricity share is X's recount: X = D(1 − w + w·k/k_cal)
            (g(Var::IndustryEnergy, y) / g(Var::DemandIndustry, y) - 1.0) / (k * 10.0 / K_CAL - 1.0)
        } / 0.01229;
        close(g(Var::ElecIndustry, y), e_ind);
        let x = g(Var::IndustryEnergy, y) - 1.5;
        // 2025 rule, b = 2020.
        let want = x - k * (e_ind * phi(y) - g(Var::ElecIndustry, 2020) * phi(2020)).max(0.0);
        close(
            g(Var::AssessedIndustry2025, y),
            want / g(Var::VaIndustry, y),
        );
        // 2030 rule: all of industry's non-fossil electricity is left out.
        close(
            g(Var::AssessedIndustry2030, y),
            (x - k * e_ind * phi(y)) / g(Var::VaIndustry, y),
        );
    }
}

#[test]
fn a_decline_compares_both_ends_under_the_same_rule_and_base() {
    use Assessment::*;
    let (sc, tr) = plan_with([NewRenewablesExcluded, NewRenewablesExcluded], 2.0);
    let v = {
        let mut v = sc.medians();
        v.push(2.0);
        v
    };
    let i1 = find("1").unwrap();
    let g = |var, y| tr.at(var, y).unwrap();
    // 2030 target, b = 2025: the period's first year is its own TEC less feedstock[2025].
    let start = (g(Var::Tec, 2025) - 2.0) / g(Var::Gdp, 2025);
    close(g(Var::AssessedIntensity2030, 2025), start);
    let got = sc.indicators.value(i1, &sc.spec, &v, &tr, 2030).unwrap();
    close(
        got,
        100.0 * (1.0 - g(Var::AssessedIntensity2030, 2030) / start),
    );
    // Not the 2025 target's series, which already leaves out 2020→2025's new renewables.
    let naive =
        100.0 * (1.0 - g(Var::AssessedIntensity2030, 2030) / g(Var::AssessedIntensity2025, 2025));
    assert!((got - naive).abs() > 1e-3, "{got} vs {naive}");
    // 2025 target, b = 2020.
    let got = sc.indicators.value(i1, &sc.spec, &v, &tr, 2025).unwrap();
    let start = (g(Var::Tec, 2020) - 2.0) / g(Var::Gdp, 2020);
    close(
        got,
        100.0 * (1.0 - g(Var::AssessedIntensity2025, 2025) / start),
    );
    // Indicator 14 the same way, over industry's value added.
    let i14 = find("14").unwrap();
    let got = sc.indicators.value(i14, &sc.spec, &v, &tr, 2030).unwrap();
    let start = (g(Var::IndustryEnergy, 2025) - 2.0) / g(Var::VaIndustry, 2025);
    close(
        got,
        100.0 * (1.0 - g(Var::AssessedIndustry2030, 2030) / start),
    );
    assert!(sc.indicators.def(i1).assessed() && sc.indicators.def(i14).assessed());
}

#[test]
fn plateau_not_peaked_and_rebound() {
    // Plateau: with τ = 5 % every year within 5 % of the maximum 100 is on it.
    let s = [90.0, 96.0, 100.0, 97.0, 94.0];
    let p = peak_of(&s, 2020, 0.05, 2022);
    assert_eq!(
        p.year,
        Some(2021),
        "96 ≥ 95 is on the plateau: the first year on it"
    );
    assert!(p.peaked_by && !p.rebound);
    // τ = 0 (v1): the first maximum.
    assert_eq!(peak_of(&s, 2020, 0.0, 2022).year, Some(2022));
    // The last year within the tolerance: still on the plateau, not peaked.
    let s = [90.0, 100.0, 97.0, 96.0, 95.5];
    let p = peak_of(&s, 2020, 0.05, 2030);
    assert_eq!(p.year, None);
    assert!(!p.peaked_by && !p.rebound);
    assert_eq!(peak_of(&s, 2020, 0.0, 2030).year, Some(2021));
    // Rebound: peaked by 2022 (100 in 2021), but 2024 (98) is above 2022 (95).
    let s = [90.0, 100.0, 95.0, 97.0, 98.0];
    let p = peak_of(&s, 2020, 0.0, 2022);
    assert_eq!(p.year, Some(2021));
    assert!(p.peaked_by && p.rebound);
    // No rebound when the end is below the deadline year's level.
    assert!(!peak_of(&[90.0, 100.0, 95.0, 94.0, 93.0], 2020, 0.0, 2022).rebound);
    // A peak after the deadline is no rebound either: it did not peak by then.
    let p = peak_of(&[90.0, 95.0, 96.0, 100.0, 93.0], 2020, 0.0, 2022);
    assert_eq!(p.year, Some(2023));
    assert!(!p.peaked_by && !p.rebound);
    // Negative maximum: the tolerance is a fraction of |max|.
    let p = peak_of(&[-10.0, -5.0, -5.2, -6.0, -7.0], 2020, 0.05, 2030);
    assert_eq!(
        p.year,
        Some(2021),
        "−5.2 ≥ −5.25 is on the plateau but after 2021"
    );
}

#[test]
fn peak_on_net_emissions() {
    let tr = run(&hand_spec(), &hand_values());
    let o = Options {
        peak_on: PeakOn::Net,
        peak_by: 2023,
        ..Options::v1()
    };
    let net = tr.row(Var::NetEmissions);
    assert_eq!(tr.peak(&o), peak_of(net, 2020, 0.0, 2023));
}
