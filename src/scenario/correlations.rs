//! Correlated inputs (MODEL.md §2): `[[correlations]]` entries of a scenario, checked into a
//! positive-definite Pearson matrix for the Gaussian copula.
//!
//! ```toml
//! [[correlations]]
//! between = ["economy.growth.2025", "economy.growth.2030"]
//! spearman = 0.6
//! ```
//!
//! Each Spearman rank correlation `ρ_s` becomes the Pearson correlation `R = 2·sin(π·ρ_s/6)`
//! of the normal scores (Kruskal 1958), which the copula imposes exactly on the ranks. The
//! matrix over the correlated parameters (1 on the diagonal, 0 where no pair is given) must
//! have its smallest eigenvalue above 1e-10; otherwise the error names the pairs of a
//! smallest set of parameters whose sub-matrix already fails. Nothing is repaired silently.

use serde::Serialize;

use super::ParamDef;
use super::source::{Diag, Kind, Loc, Node, Sources, show_num, suggest};

/// The smallest eigenvalue a correlation matrix may have (MODEL.md §2).
pub const MIN_EIGENVALUE: f64 = 1e-10;

/// One given pair.
#[derive(Debug, Clone, Serialize)]
pub struct Pair {
    /// Parameter indices into `Scenario::params`, as written.
    #[serde(skip)]
    pub a: usize,
    #[serde(skip)]
    pub b: usize,
    /// Field paths, as written.
    pub between: [String; 2],
    pub spearman: f64,
    /// `2·sin(π·ρ_s/6)`, imposed on the normal scores.
    pub pearson: f64,
    #[serde(skip)]
    pub at: Loc,
}

/// The correlations of a scenario, validated.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Correlations {
    pub pairs: Vec<Pair>,
    /// Correlated parameters (indices into `Scenario::params`), in parameter order.
    #[serde(skip)]
    pub members: Vec<usize>,
    /// Lower Cholesky factor of the Pearson matrix over `members`, row-major `m × m`.
    #[serde(skip)]
    pub cholesky: Vec<f64>,
}

impl Correlations {
    pub fn is_empty(&self) -> bool {
        self.pairs.is_empty()
    }

    /// The Pearson matrix over `members`, row-major.
    pub fn pearson_matrix(&self) -> Vec<f64> {
        matrix(&self.members, &self.pairs)
    }
}

fn matrix(members: &[usize], pairs: &[Pair]) -> Vec<f64> {
    let m = members.len();
    let mut r = vec![0.0; m * m];
    for i in 0..m {
        r[i * m + i] = 1.0;
    }
    let pos = |p: usize| members.iter().position(|&x| x == p);
    for p in pairs {
        if let (Some(i), Some(j)) = (pos(p.a), pos(p.b)) {
            r[i * m + j] = p.pearson;
            r[j * m + i] = p.pearson;
        }
    }
    r
}

/// `R = 2·sin(π·ρ_s/6)`: the Pearson correlation of normal scores whose Spearman rank
/// correlation is `ρ_s`.
pub fn pearson_of_spearman(rho_s: f64) -> f64 {
    2.0 * (std::f64::consts::PI * rho_s / 6.0).sin()
}

/// Read `[[correlations]]` from the merged tree; problems go to `diags`.
pub fn read(
    root: &Node,
    src: &Sources,
    params: &[ParamDef],
    diags: &mut Vec<Diag>,
    warnings: &mut Vec<Diag>,
) -> Correlations {
    let Some(node) = root.get("correlations") else {
        return Correlations::default();
    };
    let Kind::Array(items) = &node.kind else {
        diags.push(src.diag(
            node.at,
            "correlations",
            format!(
                "expected an array of tables ([[correlations]] with between = [\"a\", \"b\"] and spearman = ρ), found {}",
                node.found()
            ),
        ));
        return Correlations::default();
    };
    let uncertain: Vec<&str> = params
        .iter()
        .filter(|p| !p.dist.is_fixed())
        .map(|p| p.path.as_str())
        .collect();
    let mut pairs: Vec<Pair> = Vec::new();
    for (k, item) in items.iter().enumerate() {
        let field = format!("correlations[{k}]");
        let Some(entries) = item.entries() else {
            diags.push(src.diag(
                item.at,
                &field,
                format!(
                    "expected a table with between and spearman, found {}",
                    item.found()
                ),
            ));
            continue;
        };
        for (key, kl, _) in entries {
            if key != "between" && key != "spearman" {
                let hint = suggest(key, ["between", "spearman"])
                    .map(|s| format!(" (did you mean `{s}`?)"))
                    .unwrap_or_default();
                diags.push(src.diag(
                    *kl,
                    &format!("{field}.{key}"),
                    format!(
                        "unknown field: expected one of between, spearman, found `{key}`{hint}"
                    ),
                ));
            }
        }
        let between = read_between(item, &field, src, params, &uncertain, diags, warnings);
        let rho = match item.get("spearman") {
            None => {
                diags.push(src.diag(
                    item.at,
                    &format!("{field}.spearman"),
                    "expected a Spearman rank correlation in [-1, 1], found nothing",
                ));
                None
            }
            Some(n) => {
                let v = match n.kind {
                    Kind::Int(i) => Some(i as f64),
                    Kind::Float(f) => Some(f),
                    _ => None,
                };
                match v {
                    Some(v) if v.is_finite() && (-1.0..=1.0).contains(&v) => Some(v),
                    _ => {
                        diags.push(src.diag(
                            n.at,
                            &format!("{field}.spearman"),
                            format!(
                                "expected a Spearman rank correlation in [-1, 1], found {}",
                                v.map_or_else(|| n.found(), show_num)
                            ),
                        ));
                        None
                    }
                }
            }
        };
        let (Some((a, b, at)), Some(rho)) = (between, rho) else {
            continue;
        };
        if let Some(prev) = pairs
            .iter()
            .find(|p| (p.a, p.b) == (a, b) || (p.a, p.b) == (b, a))
        {
            let (line, _) = src.files[prev.at.file].line_col(prev.at.offset);
            diags.push(src.diag(
                at,
                &format!("{field}.between"),
                format!(
                    "expected each pair once, found {} and {} correlated again (first at line {line})",
                    params[a].path, params[b].path
                ),
            ));
            continue;
        }
        pairs.push(Pair {
            a,
            b,
            between: [params[a].path.clone(), params[b].path.clone()],
            spearman: rho,
            pearson: pearson_of_spearman(rho),
            at,
        });
    }
    if pairs.is_empty() {
        return Correlations::default();
    }
    let mut members: Vec<usize> = pairs.iter().flat_map(|p| [p.a, p.b]).collect();
    members.sort_unstable();
    members.dedup();
    let r = matrix(&members, &pairs);
    if min_eigenvalue(&r, members.len()) > MIN_EIGENVALUE {
        let cholesky = cholesky(&r, members.len()).unwrap_or_default();
        return Correlations {
            pairs,
            members,
            cholesky,
        };
    }
    let subset = smallest_offending_subset(&r, members.len());
    let sub: Vec<usize> = subset.iter().map(|&i| members[i]).collect();
    let sub_r = matrix(&sub, &pairs);
    let lambda = min_eigenvalue(&sub_r, sub.len());
    let named: Vec<&Pair> = pairs
        .iter()
        .filter(|p| sub.contains(&p.a) && sub.contains(&p.b))
        .collect();
    let list: Vec<String> = named
        .iter()
        .map(|p| {
            format!(
                "({}, {}) ρ_s = {}",
                p.between[0],
                p.between[1],
                show_num(p.spearman)
            )
        })
        .collect();
    let at = named.first().map_or(node.at, |p| p.at);
    diags.push(src.diag(
        at,
        "correlations",
        format!(
            "expected a positive-definite correlation matrix (smallest eigenvalue of R = 2·sin(π·ρ_s/6) above 1e-10), found smallest eigenvalue {lambda:.3e} (not above 1e-10) among {}: these pairs cannot hold together: {}",
            sub.iter().map(|&i| params[i].path.as_str()).collect::<Vec<_>>().join(", "),
            list.join("; ")
        ),
    ));
    Correlations::default()
}

/// The two parameters of `between`: indices and where the entry stands.
fn read_between(
    item: &Node,
    field: &str,
    src: &Sources,
    params: &[ParamDef],
    uncertain: &[&str],
    diags: &mut Vec<Diag>,
    warnings: &mut Vec<Diag>,
) -> Option<(usize, usize, Loc)> {
    let f = format!("{field}.between");
    let Some(n) = item.get("between") else {
        diags.push(src.diag(
            item.at,
            &f,
            "expected two parameter field paths, e.g. between = [\"economy.growth.2025\", \"economy.growth.2030\"], found nothing",
        ));
        return None;
    };
    let names: Vec<(&str, Loc)> = match &n.kind {
        Kind::Array(a) if a.len() == 2 => a
            .iter()
            .filter_map(|x| match &x.kind {
                Kind::Str(s) => Some((s.as_str(), x.at)),
                _ => None,
            })
            .collect(),
        _ => Vec::new(),
    };
    if names.len() != 2 {
        diags.push(src.diag(
            n.at,
            &f,
            format!(
                "expected an array of two parameter field paths (strings), found {}",
                n.found()
            ),
        ));
        return None;
    }
    let mut idx = Vec::new();
    for (name, at) in &names {
        match params.iter().position(|p| p.path == *name) {
            Some(i) if !params[i].dist.is_fixed() => idx.push(i),
            // A parameter whose own value was refused (already reported): nothing to add.
            Some(i) if params[i].at.is_none() => return None,
            // A correlation inherited from a file this one extends, whose parameter this
            // file fixed (a file extending the plan that fixes its growth, say): it no
            // longer applies; dropped with a warning.
            Some(i) if at.file != 0 => {
                warnings.push(src.diag(
                    *at,
                    &f,
                    format!(
                        "warning: inherited correlation dropped: `{name}` is fixed at {} in {}",
                        params[i].dist.to_syntax(),
                        params[i].at.map_or(String::new(), |l| src.files[l.file].name.clone())
                    ),
                ));
                return None;
            }
            // Likewise an inherited correlation of a parameter that this file's own values
            // removed (a path replaced without its `delivery`, say).
            None if at.file != 0 => {
                warnings.push(src.diag(
                    *at,
                    &f,
                    format!(
                        "warning: inherited correlation dropped: `{name}` is no parameter of {}",
                        src.files[0].name
                    ),
                ));
                return None;
            }
            Some(i) => {
                let hint = suggest(name, uncertain.iter().copied().filter(|u| u != name))
                    .map(|s| format!("; did you mean `{s}`?"))
                    .unwrap_or_default();
                diags.push(src.diag(
                    *at,
                    &f,
                    format!(
                        "expected an uncertain parameter, found `{name}` fixed at {} (give it a distribution to correlate it){hint}",
                        params[i].dist.to_syntax()
                    ),
                ));
            }
            None => {
                let hint = suggest(name, uncertain.iter().copied())
                    .map(|s| format!(" (did you mean `{s}`?)"))
                    .unwrap_or_default();
                diags.push(src.diag(
                    *at,
                    &f,
                    format!("unknown parameter: expected the field path of an uncertain parameter (see `peakpath resolve`), found `{name}`{hint}"),
                ));
            }
        }
    }
    if idx.len() != 2 {
        return None;
    }
    if idx[0] == idx[1] {
        diags.push(src.diag(
            n.at,
            &f,
            format!(
                "expected two different parameters, found `{}` twice",
                names[0].0
            ),
        ));
        return None;
    }
    Some((idx[0], idx[1], n.at))
}

/// Lower Cholesky factor of a symmetric positive-definite `n × n` matrix (row-major).
pub fn cholesky(a: &[f64], n: usize) -> Option<Vec<f64>> {
    let mut l = vec![0.0; n * n];
    for i in 0..n {
        for j in 0..=i {
            let mut s = a[i * n + j];
            for k in 0..j {
                s -= l[i * n + k] * l[j * n + k];
            }
            if i == j {
                if s <= 0.0 {
                    return None;
                }
                l[i * n + i] = s.sqrt();
            } else {
                l[i * n + j] = s / l[j * n + j];
            }
        }
    }
    Some(l)
}

/// Smallest eigenvalue of a symmetric `n × n` matrix (cyclic Jacobi rotations).
pub fn min_eigenvalue(a: &[f64], n: usize) -> f64 {
    let mut m = a.to_vec();
    for _sweep in 0..100 {
        let off: f64 = (0..n)
            .flat_map(|i| (0..n).filter(move |&j| j != i).map(move |j| (i, j)))
            .map(|(i, j)| m[i * n + j] * m[i * n + j])
            .sum();
        if off < 1e-30 {
            break;
        }
        for p in 0..n {
            for q in p + 1..n {
                let apq = m[p * n + q];
                if apq.abs() < 1e-300 {
                    continue;
                }
                let theta = (m[q * n + q] - m[p * n + p]) / (2.0 * apq);
                let t = theta.signum() / (theta.abs() + (theta * theta + 1.0).sqrt());
                let t = if theta == 0.0 { 1.0 } else { t };
                let c = 1.0 / (t * t + 1.0).sqrt();
                let s = t * c;
                for k in 0..n {
                    let akp = m[k * n + p];
                    let akq = m[k * n + q];
                    m[k * n + p] = c * akp - s * akq;
                    m[k * n + q] = s * akp + c * akq;
                }
                for k in 0..n {
                    let apk = m[p * n + k];
                    let aqk = m[q * n + k];
                    m[p * n + k] = c * apk - s * aqk;
                    m[q * n + k] = s * apk + c * aqk;
                }
            }
        }
    }
    (0..n).map(|i| m[i * n + i]).fold(f64::INFINITY, f64::min)
}

/// The first (in size, then lexicographic order) set of indices whose sub-matrix is not
/// positive definite. Gives up on exhaustive search past 200,000 subsets and returns all.
fn smallest_offending_subset(r: &[f64], n: usize) -> Vec<usize> {
    let mut budget: u64 = 200_000;
    for size in 2..n {
        let mut idx: Vec<usize> = (0..size).collect();
        loop {
            if budget == 0 {
                return (0..n).collect();
            }
            budget -= 1;
            let sub: Vec<f64> = idx
                .iter()
                .flat_map(|&i| idx.iter().map(move |&j| r[i * n + j]))
                .collect();
            if min_eigenvalue(&sub, size) <= MIN_EIGENVALUE {
                return idx;
            }
            // Next combination.
            let mut k = size;
            while k > 0 && idx[k - 1] == n - size + k - 1 {
                k -= 1;
            }
            if k == 0 {
                break;
            }
            idx[k - 1] += 1;
            for j in k..size {
                idx[j] = idx[j - 1] + 1;
            }
        }
    }
    (0..n).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spearman_to_pearson() {
        assert!((pearson_of_spearman(0.6) - 0.618_033_988_749_895).abs() < 1e-12);
        assert_eq!(pearson_of_spearman(0.0), 0.0);
        assert!((pearson_of_spearman(1.0) - 1.0).abs() < 1e-15);
    }

    #[test]
    fn eigenvalues_and_cholesky_by_hand() {
        // [[1, .5], [.5, 1]] has eigenvalues 0.5 and 1.5.
        let a = [1.0, 0.5, 0.5, 1.0];
        assert!((min_eigenvalue(&a, 2) - 0.5).abs() < 1e-12);
        let l = cholesky(&a, 2).unwrap();
        assert!((l[2] - 0.5).abs() < 1e-15 && (l[3] - 0.75f64.sqrt()).abs() < 1e-15);
        // Three parameters pairwise at -0.9 cannot hold together.
        let r = -0.9;
        let b = [1.0, r, r, r, 1.0, r, r, r, 1.0];
        assert!((min_eigenvalue(&b, 3) - (1.0 + 2.0 * r)).abs() < 1e-12);
        assert!(cholesky(&b, 3).is_none());
    }

    #[test]
    fn offending_subset_is_the_smallest() {
        // 0–1–2 inconsistent; 3 correlated mildly with 0. The subset {0, 1, 2} is named.
        let n = 4;
        let mut r = vec![0.0; 16];
        for i in 0..n {
            r[i * n + i] = 1.0;
        }
        let set = |r: &mut Vec<f64>, i: usize, j: usize, v: f64| {
            r[i * n + j] = v;
            r[j * n + i] = v;
        };
        set(&mut r, 0, 1, 0.9);
        set(&mut r, 1, 2, 0.9);
        set(&mut r, 0, 2, -0.9);
        set(&mut r, 0, 3, 0.2);
        assert_eq!(smallest_offending_subset(&r, n), vec![0, 1, 2]);
    }
}
