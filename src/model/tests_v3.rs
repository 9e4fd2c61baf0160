//! Hand-computed checks of MODEL.md v3: paths after their last milestone (§1 `trend`),
//! industry on its value added (§4), caps with substitution (§4a), large projects (§3, §4b),
//! process CO₂ and the peak categories (§7) and the assessment rules side by side (§6a).

use super::tests::{G1, G2, IND_E0, IND_ELAST, ONE, ZERO, close, hand_spec, hand_values, run};
// The v2 switching model (tests_v2.rs): industry 50/50 coal/electricity → 20/80 in 2022,
// η(coal) = 0.5, η(electricity) = 2, η(gas) = 1 (not given); buildings η-neutral with 20 % coal.
// Industry's final energy: 2021 12.8625/1.475 = 8.72034, 2022 13.052221875/1.7 = 7.67778,
// 2023 13.052221875·1.01475/1.7 = 7.79102.
use super::tests_v2::switching;
use super::*;
use crate::indicators::{IndicatorSet, Setting, find_in_default as find};

/// Index of the hand model's 2022 industry share (0.40) in `hand_values()` (private in
/// tests.rs).
const SHARE22: P = 4;

/// `hand_values()` with `x` pushed onto it; the new value's index.
fn push(v: &mut Vec<f64>, x: f64) -> P {
    v.push(x);
    v.len() - 1
}

fn path(points: Vec<(i32, P)>, delivery: Option<P>, trend: Option<(f64, f64)>) -> PathSpec {
    PathSpec {
        points,
        delivery,
        bounds: PathSpec::UNBOUNDED,
        trend,
    }
}

// ---------------------------------------------------------------------------------------
// 1. Paths after their last milestone (MODEL.md §1, after_last_milestone = "trend").
// ---------------------------------------------------------------------------------------

#[test]
fn trend_value_continues_the_last_segment_held_at_its_bound() {
    let inf = f64::INFINITY;
    // Rising 0 (2020) → 10 (2025): +2 a year. 2030 = 10 + 5·10/5 = 20; no bound above.
    assert_eq!(trend_value(0.0, 10.0, 2020, 2025, 2030, (0.0, inf)), 20.0);
    assert_eq!(trend_value(0.0, 10.0, 2020, 2025, 2026, (0.0, inf)), 12.0);
    assert_eq!(trend_value(0.0, 10.0, 2020, 2025, 2040, (0.0, inf)), 40.0);
    // hi = 15: 2027 = 14 is below it; 2028 would be 16: held at 15 from then on.
    assert_eq!(trend_value(0.0, 10.0, 2020, 2025, 2027, (0.0, 15.0)), 14.0);
    for y in 2028..=2040 {
        assert_eq!(
            trend_value(0.0, 10.0, 2020, 2025, y, (0.0, 15.0)),
            15.0,
            "{y}"
        );
    }
    // Falling 10 → 5 over 2020–2025 (−1 a year): 2029 = 1, 2030 = 0, then held at lo = 0
    // (2031 would be −1).
    assert_eq!(trend_value(10.0, 5.0, 2020, 2025, 2029, (0.0, inf)), 1.0);
    assert_eq!(trend_value(10.0, 5.0, 2020, 2025, 2030, (0.0, inf)), 0.0);
    for y in 2031..=2040 {
        assert_eq!(
            trend_value(10.0, 5.0, 2020, 2025, y, (0.0, inf)),
            0.0,
            "{y}"
        );
    }
    // Already past the bound at m₂: rising to 20 with hi = 15 keeps v[m₂] = 20
    // (min(trend, max(15, 20)) = 20), never drops back to 15 and never rises further.
    assert_eq!(trend_value(0.0, 20.0, 2020, 2025, 2030, (0.0, 15.0)), 20.0);
    assert_eq!(trend_value(0.0, 20.0, 2020, 2025, 2026, (0.0, 15.0)), 20.0);
    // Falling to −1 with lo = 0 keeps −1 (max(trend, min(0, −1)) = −1).
    assert_eq!(trend_value(1.0, -1.0, 2020, 2025, 2030, (0.0, inf)), -1.0);
    // Equal last two milestones: flat.
    assert_eq!(trend_value(7.0, 7.0, 2020, 2025, 2035, (0.0, inf)), 7.0);
}

#[test]
fn path_at_with_trend() {
    let inf = f64::INFINITY;
    // Values: 0, 10, 12, 0.5 (delivery), 5.
    let v = vec![0.0, 10.0, 12.0, 0.5, 5.0];
    // Rising 0 → 10, unbounded above: 2030 = 20.
    let p = path(vec![(2020, 0), (2025, 1)], None, Some((0.0, inf)));
    assert_eq!(p.at(&v, 2025), 10.0);
    assert_eq!(p.at(&v, 2030), 20.0);
    // The same path held at hi = 15 from 2028.
    let p = path(vec![(2020, 0), (2025, 1)], None, Some((0.0, 15.0)));
    assert_eq!(p.at(&v, 2027), 14.0);
    assert_eq!(p.at(&v, 2028), 15.0);
    assert_eq!(p.at(&v, 2040), 15.0);
    // The same with "hold" (v2): flat at 10.
    let p = path(vec![(2020, 0), (2025, 1)], None, None);
    assert_eq!(p.at(&v, 2030), 10.0);
    // Three milestones: the last segment (10 → 12 over 2025–2030, +0.4 a year) continues:
    // 2035 = 12 + 5·0.4 = 14.
    let p = path(
        vec![(2020, 0), (2025, 1), (2030, 2)],
        None,
        Some((0.0, inf)),
    );
    close(p.at(&v, 2035), 14.0);
    // The trend continues the *achieved* path: delivery 0.5 gives 0 → 5 over 2020–2025,
    // +1 a year: 2030 = 10 (not 20).
    let p = path(vec![(2020, 0), (2025, 1)], Some(3), Some((0.0, inf)));
    assert_eq!(p.at(&v, 2025), 5.0);
    assert_eq!(p.at(&v, 2030), 10.0);
    // A path with one milestone stays flat under "trend".
    let p = path(vec![(2020, 4)], None, Some((0.0, inf)));
    for y in [2020, 2025, 2030, 2040] {
        assert_eq!(p.at(&v, y), 5.0);
    }
    // Falling 10 → 5 (index 1 → 4) held at 0 from 2030.
    let p = path(vec![(2020, 1), (2025, 4)], None, Some((0.0, inf)));
    assert_eq!(p.at(&v, 2029), 1.0);
    assert_eq!(p.at(&v, 2030), 0.0);
    assert_eq!(p.at(&v, 2035), 0.0);
}

#[test]
fn fill_equals_at_bit_for_bit_for_trend_paths() {
    // Rising, falling, crossing a bound, past a bound, flat, one milestone, each with and
    // without a delivery ratio, over 2020–2040.
    let v = vec![0.0, 10.0, 12.0, 0.8, 5.0, 0.37, 1.3, 0.7, 20.0];
    type Case = (Vec<(i32, P)>, (f64, f64));
    let cases: Vec<Case> = vec![
        (vec![(2020, 0), (2025, 1)], (0.0, f64::INFINITY)),
        (vec![(2020, 0), (2025, 1)], (0.0, 15.0)),
        (vec![(2020, 1), (2025, 4)], (0.0, f64::INFINITY)),
        (vec![(2020, 0), (2025, 1), (2030, 2)], (0.0, 13.0)),
        (vec![(2020, 0), (2025, 8)], (0.0, 15.0)),
        (vec![(2020, 4), (2030, 4)], (0.0, 100.0)),
        (vec![(2020, 5)], (0.0, 1.0)),
        (vec![(2020, 5), (2023, 7), (2030, 6)], (0.0, 1.0)),
    ];
    for (k, (points, tb)) in cases.into_iter().enumerate() {
        for delivery in [None, Some(3), Some(6)] {
            let p = path(points.clone(), delivery, Some(tb));
            let mut out = vec![0.0; 21];
            p.fill(&v, 2020, &mut out);
            for (t, x) in out.iter().enumerate() {
                let y = 2020 + t as i32;
                assert_eq!(
                    x.to_bits(),
                    p.at(&v, y).to_bits(),
                    "case {k}, delivery {delivery:?}, {y}"
                );
            }
        }
    }
}

// ---------------------------------------------------------------------------------------
// 2. A fuel mix after its last milestone.
// ---------------------------------------------------------------------------------------

#[test]
fn trend_mix_moves_until_a_share_reaches_zero() {
    let a = [0.5, 0.0, 0.0, 0.5, 0.0];
    let b = [0.3, 0.0, 0.0, 0.7, 0.0];
    // Δ = (−0.2, 0, 0, +0.2, 0) per 5 years; coal reaches 0 at λ_max = 0.3/0.2 = 1.5
    // (2032.5).
    // 2030: λ = 1: (0.1, 0, 0, 0.9, 0).
    let w = trend_mix(&a, &b, 2020, 2025, 2030);
    for (x, want) in w.iter().zip([0.1, 0.0, 0.0, 0.9, 0.0]) {
        close(*x, want);
    }
    // 2027: λ = 0.4: (0.22, 0, 0, 0.78, 0).
    let w = trend_mix(&a, &b, 2020, 2025, 2027);
    for (x, want) in w.iter().zip([0.22, 0.0, 0.0, 0.78, 0.0]) {
        close(*x, want);
    }
    // 2035 and later: λ ≥ 1.5: coal exactly 0, electricity 0.7 + 1.5·0.2 = 1.
    for y in [2033, 2035, 2040, 2060] {
        let w = trend_mix(&a, &b, 2020, 2025, y);
        assert_eq!(w[COAL], 0.0, "{y}: coal exactly 0");
        assert_eq!([w[OIL], w[GAS], w[BIOMASS]], [0.0; 3]);
        close(w[ELEC], 1.0);
        assert!((w.iter().sum::<f64>() - 1.0).abs() <= 1e-15, "{y}: {w:?}");
        assert!(w.iter().all(|x| *x >= 0.0));
    }
    // The same at 2035 and 2040: the vector stays once a share reaches 0.
    assert_eq!(
        trend_mix(&a, &b, 2020, 2025, 2035),
        trend_mix(&a, &b, 2020, 2025, 2040)
    );
    // A constant mix stays (λ_max = ∞, Δ = 0).
    assert_eq!(trend_mix(&b, &b, 2020, 2025, 2040), b);
}

#[test]
fn mix_spec_at_with_trend() {
    let v = hand_values();
    let mut mix = MixSpec {
        points: vec![
            (2020, [0.5, 0.0, 0.0, 0.5, 0.0]),
            (2025, [0.3, 0.0, 0.0, 0.7, 0.0]),
        ],
        delivery: Some(ONE),
        trend: true,
    };
    let mut w = [0.0; 5];
    // Inside the milestones nothing changes: 2025 is (0.3, 0, 0, 0.7, 0).
    mix.at(&v, 2025, &mut w);
    for (x, want) in w.iter().zip([0.3, 0.0, 0.0, 0.7, 0.0]) {
        close(*x, want);
    }
    mix.at(&v, 2030, &mut w);
    for (x, want) in w.iter().zip([0.1, 0.0, 0.0, 0.9, 0.0]) {
        close(*x, want);
    }
    for y in [2035, 2040] {
        mix.at(&v, y, &mut w);
        assert_eq!(w[COAL], 0.0, "{y}");
        close(w[ELEC], 1.0);
        assert!((w.iter().sum::<f64>() - 1.0).abs() <= 1e-15, "{y}: {w:?}");
    }
    // "hold" (v2): flat at the 2025 shares.
    mix.trend = false;
    mix.at(&v, 2035, &mut w);
    for (x, want) in w.iter().zip([0.3, 0.0, 0.0, 0.7, 0.0]) {
        close(*x, want);
    }
    // With a delivery of 0.5 the achieved 2025 mix is (0.4, 0, 0, 0.6, 0) and the trend
    // continues it: 2030 (0.3, 0, 0, 0.7, 0), coal 0 from 2045 (λ_max = 0.4/0.1 = 4).
    let mut v = hand_values();
    let half = push(&mut v, 0.5);
    let mix = MixSpec {
        delivery: Some(half),
        trend: true,
        ..mix
    };
    mix.at(&v, 2030, &mut w);
    for (x, want) in w.iter().zip([0.3, 0.0, 0.0, 0.7, 0.0]) {
        close(*x, want);
    }
    mix.at(&v, 2050, &mut w);
    assert_eq!(w[COAL], 0.0);
    close(w[ELEC], 1.0);
}

#[test]
fn the_hand_model_with_a_trending_industry_mix() {
    // The hand model's industry mix (0.5, 0.1, 0.1, 0.3, 0) → planned (0.3, 0.1, 0.1, 0.5, 0)
    // in 2022, delivered half: achieved 2022 (0.4, 0.1, 0.1, 0.4, 0). Continued in 2023:
    // λ = 1/2: (0.35, 0.1, 0.1, 0.45, 0). Industry's final energy is η-neutral and does not
    // change; its coal does: 2023 coal = 10.595793718125·0.35 + 1 (buildings).
    let mut spec = hand_spec();
    spec.sectors[INDUSTRY].mix.trend = true;
    let tr = run(&spec, &hand_values());
    let d23 = 10.595793718125;
    close(tr.at(Var::DemandIndustry, 2023).unwrap(), d23);
    close(tr.at(Var::FinalCoal, 2023).unwrap(), d23 * 0.35 + 1.0);
    close(
        tr.at(Var::FinalElectricity, 2023).unwrap(),
        d23 * 0.45 + 2.0,
    );
    // 2020–2022 are those of the v2 hand model, bit for bit.
    let v2 = run(&hand_spec(), &hand_values());
    for y in 2020..=2022 {
        assert_eq!(tr.at(Var::Co2, y), v2.at(Var::Co2, y), "{y}");
    }
}

// ---------------------------------------------------------------------------------------
// 3. Industry driven by its value added (MODEL.md §4).
// ---------------------------------------------------------------------------------------

#[test]
fn industry_driven_by_value_added_with_a_rising_share() {
    let v = hand_values();
    assert_eq!(
        (v[IND_E0], v[IND_ELAST], v[G1], v[G2]),
        (10.0, 0.5, 0.1, 0.05)
    );
    let mut spec = hand_spec();
    spec.options.industry_driver = IndustryDriver::ValueAdded;
    let tr = run(&spec, &v);
    // VA0 = GDP0 · share: 100·0.30 = 30, 110·0.35 = 38.5, 115.5·0.40 = 46.2, 121.275·0.40
    // = 48.51. g_ind: 38.5/30 − 1 = 17/60 = 0.28333…, 46.2/38.5 − 1 = 0.2, 48.51/46.2 − 1
    // = 0.05.
    // D_ind: 2021 10·(1 + 0.5·17/60)·0.98 = 10·(137/120)·0.98 = 11.18833…
    //        2022 ·(1 + 0.5·0.2)·0.99 = ·1.089
    //        2023 ·(1 + 0.5·0.05)·0.99 = ·1.01475
    let d21 = 10.0 * (137.0 / 120.0) * 0.98;
    close(d21, 11.188333333333333);
    let d22 = d21 * 1.1 * 0.99;
    let d23 = d22 * 1.025 * 0.99;
    let d = |y| tr.at(Var::DemandIndustry, y).unwrap();
    close(d(2020), 10.0);
    close(d(2021), d21);
    close(d(2022), d22);
    close(d(2023), d23);
    // Industry grows with its output: above the GDP-driven 10.29, 10.4417775, 10.5957937….
    assert!(d(2021) > 10.29 && d(2022) > 10.4417775);
    // Other sectors still follow GDP: bit for bit the v2 hand model's.
    let v2 = run(&hand_spec(), &v);
    for var in [
        Var::DemandBuildings,
        Var::DemandTransport,
        Var::Gdp,
        Var::VaIndustry,
    ] {
        assert_eq!(tr.row(var), v2.row(var), "{var:?}");
    }
}

#[test]
fn with_a_constant_share_both_drivers_agree() {
    let mut v = hand_values();
    v[SHARE22] = 0.30;
    let gdp = run(&hand_spec(), &v);
    let mut spec = hand_spec();
    spec.options.industry_driver = IndustryDriver::ValueAdded;
    let va = run(&spec, &v);
    // VA0[y]/VA0[y−1] − 1 = GDP0[y]·0.3/(GDP0[y−1]·0.3) − 1 = g[y] up to rounding.
    for (a, b) in va.data.iter().zip(&gdp.data) {
        close(*a, *b);
    }
    close(va.at(Var::DemandIndustry, 2023).unwrap(), 10.595793718125);
}

// ---------------------------------------------------------------------------------------
// 4. Projects (MODEL.md §3, §4b, §7).
// ---------------------------------------------------------------------------------------

/// The hand model extended to 2025 (growth 5 % after 2023) with one project: probability
/// 0.8, `go`, `start`, ramp 2 years, at full output 1 万tce of electricity and 0.25 of gas,
/// 20 亿元 of value added and 3 万t of process CO₂.
fn with_project(go: f64, start: f64) -> (ModelSpec, Vec<f64>) {
    let mut spec = hand_spec();
    spec.y1 = 2025;
    let mut v = hand_values();
    let go = push(&mut v, go);
    let start = push(&mut v, start);
    let el = push(&mut v, 1.0);
    let gas = push(&mut v, 0.25);
    let va = push(&mut v, 20.0);
    let co2 = push(&mut v, 3.0);
    let mut energy = [None; 5];
    energy[ELEC] = Some(el);
    energy[GAS] = Some(gas);
    spec.projects.push(ProjectSpec {
        id: "plant".into(),
        name_zh: "工厂".into(),
        name_en: "Plant".into(),
        probability: 0.8,
        go,
        start,
        ramp_years: 2,
        energy,
        value_added: Some(va),
        process_co2: Some(co2),
    });
    (spec, v)
}

fn without_project() -> Trajectory {
    let mut spec = hand_spec();
    spec.y1 = 2025;
    run(&spec, &hand_values())
}

#[test]
fn project_output_shares() {
    // Built (go 0.5 < 0.8), start 2022, ramp 2: o = min(1, (y − 2022 + 1)/3):
    // 2020 0, 2021 0, 2022 1/3, 2023 2/3, 2024 1, 2025 1.
    let (spec, v) = with_project(0.5, 2022.0);
    let p = &spec.projects[0];
    assert!(p.built(&v));
    let o: Vec<f64> = (2020..=2027).map(|y| p.output(&v, y)).collect();
    assert_eq!(o[..2], [0.0, 0.0]);
    close(o[2], 1.0 / 3.0);
    close(o[3], 2.0 / 3.0);
    assert_eq!(o[4..], [1.0; 4]);
    // start 2023.7 floors to 2023: 2022 0, 2023 1/3, 2024 2/3, 2025 1.
    let (spec, v) = with_project(0.5, 2023.7);
    let p = &spec.projects[0];
    assert_eq!(p.output(&v, 2022), 0.0);
    close(p.output(&v, 2023), 1.0 / 3.0);
    close(p.output(&v, 2024), 2.0 / 3.0);
    assert_eq!(p.output(&v, 2025), 1.0);
    // Not built: go 0.9 ≥ 0.8, and go = 0.8 exactly (built ⇔ go < probability).
    for go in [0.9, 0.8] {
        let (spec, v) = with_project(go, 2022.0);
        let p = &spec.projects[0];
        assert!(!p.built(&v));
        assert!((2020..=2030).all(|y| p.output(&v, y) == 0.0));
    }
    // ramp_years 0: full output from the start year.
    let (mut spec, v) = with_project(0.5, 2022.0);
    spec.projects[0].ramp_years = 0;
    assert_eq!(spec.projects[0].output(&v, 2021), 0.0);
    assert_eq!(spec.projects[0].output(&v, 2022), 1.0);
}

#[test]
fn a_built_project_adds_its_energy_value_added_and_process_co2() {
    let (spec, v) = with_project(0.5, 2022.0);
    let tr = run(&spec, &v);
    let base = without_project();
    let o = [0.0, 0.0, 1.0 / 3.0, 2.0 / 3.0, 1.0, 1.0];
    for (t, y) in (2020..=2025).enumerate() {
        let g = |var| tr.at(var, y).unwrap();
        let b = |var| base.at(var, y).unwrap();
        // §4b: F[el] += o·1, F[gas] += o·0.25; E[y] += o·1 / (0.01229·(1 − 0.2)) GWh.
        close(
            g(Var::FinalElectricity),
            b(Var::FinalElectricity) + o[t] * 1.0,
        );
        close(g(Var::FinalGas), b(Var::FinalGas) + o[t] * 0.25);
        close(
            g(Var::ElecConsumption),
            b(Var::ElecConsumption) + o[t] * 1.0 / (0.01229 * 0.8),
        );
        // §3: GDP = GDP0 + o·20 and VA = GDP0·share + o·20.
        close(g(Var::Gdp), b(Var::Gdp) + o[t] * 20.0);
        close(g(Var::VaIndustry), b(Var::VaIndustry) + o[t] * 20.0);
        // §7: process CO₂ = o·3 (no path of its own); net emissions include it.
        close(g(Var::Co2Process), o[t] * 3.0);
        close(
            g(Var::NetEmissions),
            g(Var::Co2) + g(Var::Co2Process) - g(Var::SinkTotal),
        );
        // §8: industry's energy counts the project's, electricity at k_eq/k_cal = 0.3/0.1229.
        close(
            g(Var::IndustryEnergy),
            b(Var::IndustryEnergy) + o[t] * (0.25 + 1.0 * 0.3 / 0.1229),
        );
        // The county imports: the extra electricity is imported at 0.5 t/MWh.
        close(
            g(Var::Co2Indirect),
            b(Var::Co2Indirect) + o[t] / (0.01229 * 0.8) * 0.05,
        );
        // §4: D[ind] stays the sector alone; GDP0 still drives it (projects drive no
        // sector): bit for bit.
        assert_eq!(g(Var::DemandIndustry), b(Var::DemandIndustry), "{y}");
        assert_eq!(g(Var::FinalCoal), b(Var::FinalCoal), "{y}");
    }
    // Before the start nothing at all differs.
    for y in [2020, 2021] {
        let t = (y - 2020) as usize;
        for var in VARS.iter().map(|i| i.var) {
            assert_eq!(
                tr.row(var)[t].to_bits(),
                base.row(var)[t].to_bits(),
                "{var:?} {y}"
            );
        }
    }
    // Energy intensity: TEC over GDP with the project's value added.
    close(
        tr.at(Var::EnergyIntensity, 2025).unwrap(),
        tr.at(Var::Tec, 2025).unwrap() / (base.at(Var::Gdp, 2025).unwrap() + 20.0),
    );
}

#[test]
fn a_project_not_built_changes_nothing_bit_for_bit() {
    let base = without_project();
    for go in [0.9, 0.8] {
        let (spec, v) = with_project(go, 2022.0);
        assert_eq!(run(&spec, &v).data, base.data, "go {go}");
    }
}

#[test]
fn a_project_starting_in_2023_7_starts_in_2023() {
    let (spec, v) = with_project(0.5, 2023.7);
    let tr = run(&spec, &v);
    let base = without_project();
    assert_eq!(tr.at(Var::Gdp, 2022), base.at(Var::Gdp, 2022));
    close(
        tr.at(Var::Gdp, 2023).unwrap(),
        base.at(Var::Gdp, 2023).unwrap() + 20.0 / 3.0,
    );
    close(tr.at(Var::Co2Process, 2023).unwrap(), 1.0);
    close(tr.at(Var::Co2Process, 2025).unwrap(), 3.0);
}

// ---------------------------------------------------------------------------------------
// 5. A cap on coal with substitution (MODEL.md §4a).
// ---------------------------------------------------------------------------------------

/// `switching()` with `[caps.coal]`: limit_t 3 万t in 2022, 10 in 2023 (so 2023 is not
/// binding), compliance `c`, substitutes gas 0.4, electricity 0.6.
fn capped(c: f64) -> (ModelSpec, Vec<f64>) {
    let (mut spec, mut v) = switching();
    let l22 = push(&mut v, 3.0);
    let l23 = push(&mut v, 10.0);
    let comp = push(&mut v, c);
    spec.cap = Some(CapSpec {
        limit: PathSpec {
            points: vec![(2022, l22), (2023, l23)],
            delivery: None,
            bounds: (0.0, f64::INFINITY),
            trend: None,
        },
        compliance: comp,
        substitutes: [0.0, 0.0, 0.4, 0.6, 0.0],
    });
    (spec, v)
}

#[test]
fn a_binding_cap_by_hand() {
    let (spec, v) = capped(1.0);
    let (nspec, nv) = switching();
    let (tr, by) = sector_fuels(&spec, &v);
    let (free, free_by) = sector_fuels(&nspec, &nv);
    let d22 = 13.052221875 / 1.7;
    close(free.at(Var::DemandIndustry, 2022).unwrap(), d22);
    // Uncapped coal 2022: industry 0.2·7.67778 = 1.53556, buildings 5·0.2 = 1: 2.53556 万tce
    // = 3.54971 万t > 3: binding. K = 3·1·0.7143 = 2.1429.
    let coal = 0.2 * d22 + 1.0;
    close(free.at(Var::FinalCoal, 2022).unwrap(), coal);
    close(free.at(Var::FinalCoal, 2022).unwrap(), 2.535555514705883);
    let g = |var| tr.at(var, 2022).unwrap();
    // Exactly, not to rounding.
    assert_eq!(g(Var::FinalCoal), 3.0 * 1.0 * COAL_TCE_PER_T);
    assert_eq!(g(Var::CoalT), 3.0 * 1.0);
    assert_eq!(g(Var::CapBinding), 1.0);
    close(g(Var::CoalUncappedT), coal / 0.7143);
    close(g(Var::CoalUncappedT), 3.5497067264537066);
    // R = 2.53556 − 2.1429 = 0.39266; industry gives up x_ind = R·1.53556/2.53556 = 0.23780,
    // buildings x_bld = R·1/2.53556 = 0.15486.
    let r = coal - 3.0 * 0.7143;
    close(r, 0.3926555147058828);
    let x_ind = r * (0.2 * d22) / coal;
    let x_bld = r * 1.0 / coal;
    close(x_ind, 0.2377957561920055);
    close(x_bld, 0.15485975851387726);
    // Industry (η coal 0.5, gas 1, electricity 2): gas gains x·0.5·0.4/1 = 0.2·x = 0.047559,
    // electricity x·0.5·0.6/2 = 0.15·x = 0.035669.
    let (ind, fi) = (by[2][INDUSTRY], free_by[2][INDUSTRY]);
    close(ind[COAL], fi[COAL] - x_ind);
    close(ind[GAS] - fi[GAS], 0.2 * x_ind);
    close(ind[GAS] - fi[GAS], 0.0475591512384011);
    close(ind[ELEC] - fi[ELEC], 0.15 * x_ind);
    close(ind[ELEC] - fi[ELEC], 0.035669363428800824);
    // Buildings (every η 1): gas gains 0.4·x = 0.061944, electricity 0.6·x = 0.092916.
    let (bld, fb) = (by[2][1], free_by[2][1]);
    close(bld[COAL], fb[COAL] - x_bld);
    close(bld[GAS] - fb[GAS], 0.4 * x_bld);
    close(bld[GAS] - fb[GAS], 0.06194390340555091);
    close(bld[ELEC] - fb[ELEC], 0.6 * x_bld);
    close(bld[ELEC] - fb[ELEC], 0.09291585510832635);
    // Sector totals: industry gives up 0.65·x_ind of final energy (a unit of coal's service
    // needs 0.35 of the substitutes), buildings none.
    close(g(Var::DemandIndustry), d22 - 0.65 * x_ind);
    close(g(Var::DemandBuildings), 5.0);
    // Fuel totals and electricity with losses follow the adjusted amounts.
    close(
        g(Var::FinalGas),
        free.at(Var::FinalGas, 2022).unwrap() + 0.2 * x_ind + 0.4 * x_bld,
    );
    close(
        g(Var::FinalElectricity),
        free.at(Var::FinalElectricity, 2022).unwrap() + 0.15 * x_ind + 0.6 * x_bld,
    );
    close(
        g(Var::ElecConsumption),
        g(Var::FinalElectricity) / (0.01229 * 0.8),
    );
    close(g(Var::Co2Coal), 3.0 * 0.7143 * 2.6);
}

#[test]
fn a_cap_does_not_carry_over_and_waits_for_its_first_milestone() {
    let (spec, v) = capped(1.0);
    let tr = run(&spec, &v);
    let (nspec, nv) = switching();
    let free = run(&nspec, &nv);
    // 2021 is before the cap's first milestone (2022): not capped, although its coal
    // (0.35·8.72034 + 1 = 4.05212 万tce = 5.673 万t) is above 3 万t.
    close(
        free.at(Var::FinalCoal, 2021).unwrap(),
        0.35 * 12.8625 / 1.475 + 1.0,
    );
    assert!(free.at(Var::CoalT, 2021).unwrap() > 3.0);
    for y in [2020, 2021] {
        assert_eq!(tr.at(Var::CapBinding, y), Some(0.0));
        assert_eq!(tr.at(Var::CoalT, y), free.at(Var::CoalT, y));
        assert_eq!(tr.at(Var::CoalUncappedT, y), tr.at(Var::CoalT, y));
    }
    // 2023 (limit 10 万t, coal 3.58 万t): not binding; it starts again from the uncapped
    // recursion, so every variable of 2023 is the no-cap run's, bit for bit.
    assert_eq!(tr.at(Var::CapBinding, 2023), Some(0.0));
    assert_eq!(
        tr.at(Var::DemandIndustry, 2023),
        free.at(Var::DemandIndustry, 2023)
    );
    close(
        tr.at(Var::DemandIndustry, 2023).unwrap(),
        13.052221875 * 1.025 * 0.99 / 1.7,
    );
    for var in VARS.iter().map(|i| i.var) {
        assert_eq!(
            tr.at(var, 2023).unwrap().to_bits(),
            free.at(var, 2023).unwrap().to_bits(),
            "{var:?}"
        );
    }
}

#[test]
fn compliance_raises_the_effective_cap() {
    // c = 1.05: the cap is 3.15 万t, K = 3.15·0.7143 = 2.250045 万tce, still below the
    // uncapped 2.53556: binding at the overshot cap.
    let (spec, v) = capped(1.05);
    let tr = run(&spec, &v);
    assert_eq!(tr.at(Var::CoalT, 2022), Some(3.0 * 1.05));
    assert_eq!(
        tr.at(Var::FinalCoal, 2022),
        Some(3.0 * 1.05 * COAL_TCE_PER_T)
    );
    close(tr.at(Var::FinalCoal, 2022).unwrap(), 2.250045);
    assert_eq!(tr.at(Var::CapBinding, 2022), Some(1.0));
    // More coal than under c = 1.
    let (spec, v) = capped(1.0);
    assert!(tr.at(Var::FinalCoal, 2022) > run(&spec, &v).at(Var::FinalCoal, 2022));
    // c = 1.2: 3.6 万t is above the uncapped 3.54971 万t: not binding, the no-cap run's.
    let (spec, v) = capped(1.2);
    let tr = run(&spec, &v);
    let (nspec, nv) = switching();
    let free = run(&nspec, &nv);
    assert_eq!(tr.at(Var::CapBinding, 2022), Some(0.0));
    assert_eq!(tr.at(Var::CoalT, 2022), free.at(Var::CoalT, 2022));
    assert_eq!(tr.at(Var::FinalCoal, 2022), free.at(Var::FinalCoal, 2022));
    assert_eq!(tr.at(Var::CoalUncappedT, 2022), free.at(Var::CoalT, 2022));
}

// ---------------------------------------------------------------------------------------
// 6. Peak categories (MODEL.md §7).
// ---------------------------------------------------------------------------------------

#[test]
fn declining_from_the_base_year_and_not_peaked() {
    // Falling from y0: the first year on the plateau is 2020: declining from the base year,
    // peaked by any deadline from 2020, no rebound.
    let p = peak_of(&[5.0, 4.0, 3.0, 2.0, 1.0], 2020, 0.0, 2030);
    assert_eq!(p.year, Some(2020));
    assert!(p.peaked_by && !p.rebound);
    // With τ = 5 %: rising 3 % above 2020 and then falling is still declining from the base
    // year (10 ≥ 10.3 − 0.515 = 9.785).
    let p = peak_of(&[10.0, 10.3, 9.0, 8.0, 7.0], 2020, 0.05, 2030);
    assert_eq!(p.year, Some(2020));
    assert!(p.peaked_by);
    // Rising to the last year: not peaked, never "peak 2024".
    let p = peak_of(&[1.0, 2.0, 3.0, 4.0, 5.0], 2020, 0.0, 2030);
    assert_eq!(p.year, None);
    assert!(!p.peaked_by && !p.rebound);
    // Not peaked takes precedence over declining from the base year: 2020 and 2024 both on
    // the plateau.
    let p = peak_of(&[10.0, 9.0, 8.0, 9.0, 9.8], 2020, 0.05, 2030);
    assert_eq!(p.year, None);
    assert!(!p.peaked_by);
}

#[test]
fn peak_on_energy_and_process() {
    // The hand model's energy CO₂ 35.23, 36.58, 36.10, 35.61: peaked in 2021 and falling.
    // Process CO₂ rises 0 → 3 万t over 2020–2023 (+1 a year, faster than energy CO₂ falls):
    // the sum 35.23, 37.58, 38.10, 38.61 has not peaked.
    let mut spec = hand_spec();
    let mut v = hand_values();
    let p3 = push(&mut v, 3.0);
    spec.process_co2 = Some(path(vec![(2020, ZERO), (2023, p3)], None, None));
    let tr = run(&spec, &v);
    for (t, y) in (2020..=2023).enumerate() {
        close(tr.at(Var::Co2Process, y).unwrap(), t as f64);
    }
    // Process CO₂ is no part of energy CO₂ nor of its intensity: bit for bit the v2 model's.
    let v2 = run(&hand_spec(), &hand_values());
    assert_eq!(tr.row(Var::Co2), v2.row(Var::Co2));
    assert_eq!(tr.row(Var::Co2Intensity), v2.row(Var::Co2Intensity));
    close(tr.at(Var::Co2, 2021).unwrap(), 36.57976590724166);
    for y in 2020..=2023 {
        close(
            tr.at(Var::NetEmissions, y).unwrap(),
            v2.at(Var::NetEmissions, y).unwrap() + f64::from(y - 2020),
        );
    }
    let energy = Options {
        peak_by: 2023,
        ..Options::v1()
    };
    assert_eq!(tr.peak(&energy).year, Some(2021));
    assert!(tr.peak(&energy).peaked_by);
    let both = Options {
        peak_on: PeakOn::EnergyAndProcess,
        ..energy.clone()
    };
    let p = tr.peak(&both);
    assert_eq!(p.year, None, "energy + process CO₂ rises to 2023");
    assert!(!p.peaked_by);
    let sum: Vec<f64> = (2020..=2023)
        .map(|y| tr.at(Var::Co2, y).unwrap() + tr.at(Var::Co2Process, y).unwrap())
        .collect();
    assert!(sum.windows(2).all(|w| w[1] > w[0]), "{sum:?}");
    assert_eq!(p, peak_of(&sum, 2020, 0.0, 2023));
    // Without process CO₂ the two series are the same.
    assert_eq!(v2.peak(&both), v2.peak(&energy));
}

// ---------------------------------------------------------------------------------------
// 7. Indicators 1 and 14 under each rule (MODEL.md §6a, §8).
// ---------------------------------------------------------------------------------------

fn to_2025(rules: [Assessment; 2], feedstock: Option<f64>) -> (ModelSpec, Vec<f64>, Trajectory) {
    let mut spec = hand_spec();
    spec.y1 = 2025;
    spec.options.assessment = vec![(2025, rules[0]), (2030, rules[1])];
    let mut v = hand_values();
    if let Some(fs) = feedstock {
        let p = push(&mut v, fs);
        spec.feedstock = Some(path(vec![(2020, p)], None, None));
    }
    let tr = run(&spec, &v);
    (spec, v, tr)
}

#[test]
fn assessed_declines_under_the_scenarios_own_rule_are_the_indicator_values() {
    use Assessment::*;
    let set = IndicatorSet {
        plan: crate::indicators::plan::HUZHU.clone(),
        settings: vec![Setting::default(); crate::indicators::plan::HUZHU.indicators.len()],
        horizon: (2020, 2035),
    };
    let (i1, i14) = (find("1").unwrap(), find("14").unwrap());
    for rule in [Total, NewRenewablesExcluded, FossilOnly] {
        for fs in [None, Some(0.7)] {
            let (spec, v, tr) = to_2025([rule, FossilOnly], fs);
            let g = |var, y| tr.at(var, y).unwrap();
            let [a1, a14] = assessed_declines(&tr, rule, 2025);
            let want1 = 100.0
                * (1.0 - g(Var::AssessedIntensity2025, 2025) / g(Var::AssessedIntensity2025, 2020));
            let want14 = 100.0
                * (1.0 - g(Var::AssessedIndustry2025, 2025) / g(Var::AssessedIndustry2025, 2020));
            assert_eq!(a1.unwrap().to_bits(), want1.to_bits(), "{rule:?} {fs:?}");
            assert_eq!(a14.unwrap().to_bits(), want14.to_bits(), "{rule:?} {fs:?}");
            // The indicator table's value is the same number.
            let got1 = set.value(i1, &spec, &v, &tr, 2025).unwrap();
            let got14 = set.value(i14, &spec, &v, &tr, 2025).unwrap();
            assert_eq!(got1.to_bits(), want1.to_bits());
            assert_eq!(got14.to_bits(), want14.to_bits());
            // No 2030 in the horizon: no value.
            assert_eq!(assessed_declines(&tr, rule, 2030), [None, None]);
        }
    }
}

#[test]
fn assessed_declines_under_total_are_the_energy_intensity_decline() {
    use Assessment::*;
    // Under another rule of its own, the scenario's `total` column is 100·(1 − EI[2025]/
    // EI[2020]) with feedstock 0, and industry's is 100·(1 − II[2025]/II[2020]).
    let (_, _, tr) = to_2025([FossilOnly, FossilOnly], None);
    let g = |var, y| tr.at(var, y).unwrap();
    let [a1, a14] = assessed_declines(&tr, Total, 2025);
    let want1 = 100.0 * (1.0 - g(Var::EnergyIntensity, 2025) / g(Var::EnergyIntensity, 2020));
    let want14 = 100.0 * (1.0 - g(Var::IndustryIntensity, 2025) / g(Var::IndustryIntensity, 2020));
    assert_eq!(a1.unwrap().to_bits(), want1.to_bits());
    assert_eq!(a14.unwrap().to_bits(), want14.to_bits());
    // By hand: TEC 2020 = 12 + 508.54·0.03 = 27.2563 over GDP 100.
    close(g(Var::EnergyIntensity, 2020), 27.256305939788444 / 100.0);
    // And the other two rules differ from it here (new renewables and fossil-only both
    // leave out non-fossil electricity).
    let [f1, _] = assessed_declines(&tr, FossilOnly, 2025);
    assert_ne!(f1, a1);
}

#[test]
fn a_projects_coal_is_capped_with_industrys_efficiencies() {
    // capped(1.0) plus a project built from 2021 at full output (ramp 0) burning 0.5 万tce
    // of coal. 2022: uncapped coal 2.53556 + 0.5 = 3.03556 万tce; R = 3.03556 − 2.1429 =
    // 0.89266, taken in proportion: industry x_ind = R·1.53556/3.03556, buildings
    // x_bld = R·1/3.03556, the project x_j = R·0.5/3.03556, which is substituted with
    // industry's η: gas gains 0.2·x_j, electricity 0.15·x_j.
    let (mut spec, mut v) = capped(1.0);
    let go = push(&mut v, 0.0);
    let start = push(&mut v, 2021.0);
    let coal_p = push(&mut v, 0.5);
    let mut energy = [None; 5];
    energy[COAL] = Some(coal_p);
    spec.projects.push(ProjectSpec {
        id: "kiln".into(),
        name_zh: "窑".into(),
        name_en: "Kiln".into(),
        probability: 1.0,
        go,
        start,
        ramp_years: 0,
        energy,
        value_added: None,
        process_co2: None,
    });
    let (nspec, nv) = switching();
    let free = run(&nspec, &nv);
    let (tr, by) = sector_fuels(&spec, &v);
    let d22 = 13.052221875 / 1.7;
    let c_ind = 0.2 * d22;
    let coal = c_ind + 1.0 + 0.5;
    let r = coal - 3.0 * 0.7143;
    close(r, 0.8926555147058828);
    let (x_ind, x_bld, x_j) = (r * c_ind / coal, r * 1.0 / coal, r * 0.5 / coal);
    let g = |var| tr.at(var, 2022).unwrap();
    assert_eq!(g(Var::FinalCoal), 3.0 * COAL_TCE_PER_T);
    assert_eq!(g(Var::CoalT), 3.0);
    close(g(Var::CoalUncappedT), coal / 0.7143);
    close(
        g(Var::FinalGas),
        free.at(Var::FinalGas, 2022).unwrap() + 0.2 * (x_ind + x_j) + 0.4 * x_bld,
    );
    close(
        g(Var::FinalElectricity),
        free.at(Var::FinalElectricity, 2022).unwrap() + 0.15 * (x_ind + x_j) + 0.6 * x_bld,
    );
    // D[ind] stays the sector alone (after the cap); the project's amounts are industry's in
    // the decomposition: coal 1.53556 − x_ind + 0.5 − x_j.
    close(g(Var::DemandIndustry), d22 - 0.65 * x_ind);
    close(by[2][INDUSTRY][COAL], c_ind - x_ind + 0.5 - x_j);
    close(by[2][1][COAL], 1.0 - x_bld);
    // 2021 is before the cap: the project's coal is simply added.
    close(
        tr.at(Var::FinalCoal, 2021).unwrap(),
        free.at(Var::FinalCoal, 2021).unwrap() + 0.5,
    );
}
