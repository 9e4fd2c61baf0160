//! Properties of the model over random states of the world drawn from the plan scenario's
//! own distributions (`engine::draw` with random seeds and run indices).

use std::sync::OnceLock;

use peakpath::engine;
use peakpath::engine::Draws;
use peakpath::model::{self, Trajectory, Var};
use peakpath::scenario::Scenario;
use proptest::prelude::*;

fn plan() -> &'static (Scenario, Draws) {
    static PLAN: OnceLock<(Scenario, Draws)> = OnceLock::new();
    PLAN.get_or_init(|| {
        let sc =
            Scenario::load(&crate::util::root().join("scenarios/plan.toml")).expect("plan loads");
        let s = Draws::new(&sc);
        (sc, s)
    })
}

fn draw(seed: u64, index: u64) -> Vec<f64> {
    let (sc, samplers) = plan();
    let mut v = vec![0.0; sc.params.len()];
    engine::draw(samplers, seed, index, &mut v);
    v
}

fn simulate(v: &[f64]) -> Trajectory {
    let sc = &plan().0;
    let mut tr = Trajectory::new(&sc.spec);
    model::simulate(&sc.spec, v, &mut tr);
    tr
}

fn near(a: f64, b: f64) -> bool {
    (a - b).abs() <= 1e-9 * a.abs().max(b.abs()).max(1.0)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    #[test]
    fn shares_sum_to_one_and_energy_is_conserved(seed in any::<u64>(), index in 0u64..1_000_000) {
        let (sc, _) = plan();
        let v = draw(seed, index);
        let tr = simulate(&v);
        // Final energy by sector and fuel after the cap, projects in industry (MODEL.md §4a–b).
        let (_, by_sector) = model::sector_fuels(&sc.spec, &v);
        for (t, year) in sc.spec.years().enumerate() {
            for sector in &sc.spec.sectors {
                let mut w = [0.0; 5];
                sector.mix.at(&v, year, &mut w);
                prop_assert!(near(w.iter().sum(), 1.0), "{year}: shares {w:?}");
                prop_assert!(w.iter().all(|x| (-1e-12..=1.0 + 1e-12).contains(x)), "{year}: shares {w:?}");
            }
            let at = |var| tr.at(var, year).unwrap();
            let fuels: f64 = [Var::FinalCoal, Var::FinalOil, Var::FinalGas, Var::FinalElectricity, Var::FinalBiomass].map(at).iter().sum();
            let cells: f64 = by_sector[t].iter().flatten().sum();
            prop_assert!(near(fuels, cells), "{year}: fuels {fuels} vs sectors and projects {cells}");
            // Every sector but industry (which also holds the projects) is its own demand.
            for (k, var) in [Var::DemandBuildings, Var::DemandTransport, Var::DemandAgriculture].into_iter().enumerate() {
                let d: f64 = by_sector[t][k + 1].iter().sum();
                prop_assert!(near(at(var), d), "{year}: {var:?} {} vs {d}", at(var));
            }
            // Coal after the cap never exceeds coal before it.
            prop_assert!(at(Var::CoalT) <= at(Var::CoalUncappedT) * (1.0 + 1e-12), "{year}: coal above its uncapped value");
        }
    }

    #[test]
    fn co2_is_never_negative_without_export_credit(seed in any::<u64>(), index in 0u64..1_000_000) {
        let (sc, _) = plan();
        prop_assert!(!sc.spec.options.credit_exports);
        let tr = simulate(&draw(seed, index));
        for (t, x) in tr.row(Var::Co2).iter().enumerate() {
            prop_assert!(*x >= 0.0, "CO2 {x} in {}", sc.spec.y0 + t as i32);
            prop_assert!(tr.row(Var::Co2Indirect)[t] >= 0.0);
        }
        let share = tr.row(Var::NonfossilShare);
        prop_assert!(share.iter().all(|s| (0.0..=1.0).contains(s)), "{share:?}");
    }

    #[test]
    fn sinks_add_up(seed in any::<u64>(), index in 0u64..1_000_000) {
        let tr = simulate(&draw(seed, index));
        for t in 0..tr.n_years {
            let parts = tr.row(Var::SinkForest)[t] + tr.row(Var::SinkGrassland)[t] + tr.row(Var::SinkWetland)[t];
            prop_assert!(near(parts, tr.row(Var::SinkTotal)[t]));
            prop_assert!(near(tr.row(Var::NetEmissions)[t], tr.row(Var::Co2)[t] + tr.row(Var::Co2Process)[t] - tr.row(Var::SinkTotal)[t]));
        }
    }

    #[test]
    fn more_pv_never_raises_co2(seed in any::<u64>(), index in 0u64..1_000_000, scale in 1.0f64..5.0) {
        let (sc, _) = plan();
        let v = draw(seed, index);
        let mut more = v.clone();
        let mut scaled = 0;
        for (i, p) in sc.params.iter().enumerate() {
            let milestone = p.path.strip_prefix("power.pv.capacity_mw.").is_some_and(|k| k.len() == 4);
            if milestone {
                more[i] *= scale;
                scaled += 1;
            }
        }
        prop_assert_eq!(scaled, 3, "PV milestones 2020, 2025, 2030");
        let (a, b) = (simulate(&v), simulate(&more));
        for t in 0..a.n_years {
            let year = sc.spec.y0 + t as i32;
            prop_assert!(b.row(Var::CapPv)[t] >= a.row(Var::CapPv)[t]);
            prop_assert!(b.row(Var::Co2)[t] <= a.row(Var::Co2)[t] + 1e-9, "{year}: CO2 {} → {} with {scale}× PV", a.row(Var::Co2)[t], b.row(Var::Co2)[t]);
        }
        // Not vacuous: with more PV the 2030 generation is larger.
        if scale > 1.01 {
            prop_assert!(b.at(Var::GenPv, 2030).unwrap() > a.at(Var::GenPv, 2030).unwrap());
        }
    }

    /// A Monte Carlo run of one draw, with every parameter fixed at a state of the world,
    /// reports exactly that state's trajectory: the engine adds nothing to the model. With
    /// the state at the medians this is the central run.
    #[test]
    fn one_draw_monte_carlo_equals_the_model(seed in any::<u64>(), index in 0u64..1_000_000, at_medians in any::<bool>()) {
        let (sc, _) = plan();
        let v = if at_medians { sc.medians() } else { draw(seed, index) };
        let mut fixed = sc.clone();
        for (p, x) in fixed.params.iter_mut().zip(&v) {
            p.dist = peakpath::scenario::Dist::Fixed { value: *x };
        }
        let acc = engine::monte_carlo(&fixed, seed, 0..1, &engine::Silent).expect("not stopped");
        let tr = if at_medians { engine::central(sc) } else { simulate(&v) };
        let n = tr.n_years;
        for (k, s) in acc.series.iter().enumerate() {
            let x = tr.data[k];
            prop_assert_eq!(s.quantile(0.5), x, "series {} year {}", k / n, k % n);
            prop_assert_eq!(s.quantile(0.05), x);
            prop_assert!((s.mean() - x).abs() <= 2f64.powi(-32), "mean {} vs {}", s.mean(), x);
        }
        prop_assert_eq!(acc.peaked, u64::from(tr.peak(&sc.spec.options).peaked_by));
    }
}
