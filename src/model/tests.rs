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
    };
    assert_eq!(p.at(&v, 2020), 100.0);
    assert_eq!(p.at(&v, 2025), 150.0);
    assert!((p.at(&v, 2027) - 170.0).abs() < 1e-12);
    assert_eq!(p.at(&v, 2035), 200.0);
    let _ = plan();
}
