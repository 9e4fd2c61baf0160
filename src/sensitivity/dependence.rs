//! What the sensitivity methods do with a scenario's correlations and observed history.
//!
//! Tornado, Morris and Sobol' (Saltelli/Jansen) estimators assume independent inputs: their
//! designs move one input, or one block of inputs, while the others stay where they are, and
//! the variance decomposition of Sobol' is only unique for independent inputs. So the designs
//! sample every input from its own marginal distribution, independently, and **ignore the
//! scenario's `[[correlations]]`**: the indices describe how the model responds to each input
//! over its own range, not the share of the output variance under the correlated joint
//! distribution (for that, see Kucherenko et al. 2012 or Mara & Tarantola 2012, not
//! implemented). Likewise the design rows are not filtered by `[observed.*]`: rejection
//! sampling would break the design's structure. `peakpath run` and `discover` use both.

use crate::scenario::Scenario;

/// The `correlations` entry of `sensitivity.json`.
pub fn json(sc: &Scenario) -> serde_json::Value {
    serde_json::json!({
        "given": sc.correlations.pairs.len(),
        "pairs": sc.correlations.pairs,
        "treatment": "ignored: every input is sampled independently from its own marginal distribution (the estimators assume independent inputs)",
        "observations_given": sc.observed.len(),
        "observations_treatment": "ignored: design rows are not filtered by the observed history",
    })
}

/// Notes for the terminal, in Chinese (`zh`) or English; empty when there is nothing to say.
pub fn notes(sc: &Scenario, zh: bool) -> Vec<String> {
    let mut v = Vec::new();
    let n = sc.correlations.pairs.len();
    if n > 0 && !zh {
        v.push(format!(
            "note: the scenario correlates {n} pairs of inputs; tornado, Morris and Sobol' assume independent inputs, so the design samples each input independently from its own distribution and ignores the correlations (see sensitivity.json: correlations)"
        ));
    }
    if n > 0 && zh {
        v.push(format!(
            "说明：情景给出了 {n} 对输入相关性；龙卷风图、Morris 和 Sobol' 方法假定输入相互独立，因此设计按各自分布独立抽样，忽略这些相关性"
        ));
    }
    if !sc.observed.is_empty() && !zh {
        v.push(format!(
            "note: the scenario's {} observations are not applied to the design rows (no rejection sampling in a sensitivity design)",
            sc.observed.len()
        ));
    }
    if !sc.observed.is_empty() && zh {
        v.push(format!(
            "说明：情景的 {} 个观测值不用于筛选敏感性分析的设计样本",
            sc.observed.len()
        ));
    }
    v
}
