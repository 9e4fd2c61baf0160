//! PRIM — Patient Rule Induction Method (Friedman & Fisher 1999, "Bump hunting in
//! high-dimensional data", Statistics and Computing 9, 123–143), as used for scenario
//! discovery by Bryant & Lempert (2010, Technological Forecasting & Social Change 77).
//!
//! # Boxes
//!
//! A box is a hyper-rectangle `lower[j] ≤ x_j ≤ upper[j]` (both inclusive); `±∞` means the
//! dimension is unrestricted on that side. For a box `B` over `n` rows of which `n⁺` are
//! cases of interest (`y = true`):
//!
//! * **coverage** = (cases of interest in `B`) / `n⁺`,
//! * **density**  = (cases of interest in `B`) / (rows in `B`),
//! * **mass**     = (rows in `B`) / `n`.
//!
//! # Peeling (top-down)
//!
//! Starting from the unrestricted box, at each step and for each dimension `j` two peels are
//! considered, using the rows currently inside the box sorted by `x_j`
//! (`m = max(1, ⌊alpha · n_box⌋)`):
//!
//! * **bottom**: threshold `t` = the value at sorted position `m` (0-based), i.e. the
//!   `alpha`-quantile; rows with `x_j < t` are removed and `lower[j] = t`;
//! * **top**: threshold `t` = the value at position `n_box − 1 − m`; rows with `x_j > t` are
//!   removed and `upper[j] = t`.
//!
//! Ties/discrete values: all rows equal to `t` are kept, so fewer than `m` rows may be
//! removed; if that would remove nothing (the quantile equals the box minimum/maximum),
//! the threshold moves to the next distinct value, removing the whole tied block. A
//! dimension whose remaining values are all equal cannot be peeled. Hence each accepted
//! peel removes at least one row and the trajectory always shrinks.
//!
//! The peel giving the highest density of the remaining box is taken; ties are broken by
//! the lower dimension index, then bottom before top (strict `>` comparison in that scan
//! order). Peels leaving fewer than `⌈min_mass · n⌉` rows are not allowed; peeling
//! continues (even when density decreases, as in Friedman & Fisher's trajectory) until no
//! allowed peel remains. Every box, starting with the unrestricted one, is recorded.
//! There is no randomness.
//!
//! Complexity: per-dimension sorted index lists are built once (`O(k n log n)`); each step
//! filters them to the rows in the box and scans the candidate peels, `O(k · n_box)`.
//! As `n_box` shrinks geometrically, total work is about `k · n / alpha`. Measured
//! (release, n = 100 000, k = 60, defaults): 59 boxes in ≈ 0.54 s; with `paste = true`
//! (every box pasted) ≈ 1.6 s.
//!
//! # Pasting (bottom-up, optional)
//!
//! [`paste_box`] repeatedly enlarges one side of one restricted dimension by adding the
//! `m = max(1, ⌊paste_alpha · n_box⌋)` nearest outside rows that violate only that
//! dimension (plus ties), choosing the expansion with the highest resulting density, as
//! long as density strictly increases. A bound that reaches the data minimum/maximum
//! becomes `∓∞`. With `PrimParams::paste = true`, [`prim`] pastes every box of the
//! trajectory (the result need no longer be nested); alternatively paste only the
//! selected box with [`paste_box`].
//!
//! # Choosing a box
//!
//! [`select_box`] with the default rule [`SelectRule::MaxF1`]` { min_coverage: 0.5 }`
//! (a knee rule) returns the box maximising the harmonic mean `2·cov·dens/(cov+dens)`
//! among boxes with coverage ≥ `min_coverage`; this lands at the knee of the
//! coverage–density trade-off curve. [`SelectRule::MaxDensity`] returns the box of highest
//! density among those with coverage ≥ `min_coverage`. Under label noise the latter tends
//! to pick an over-peeled box: once inside the true region, further peels (also on
//! irrelevant dimensions) only chase noise, so densities fluctuate and the maximum is found
//! deep in the trajectory with spurious restrictions (observed in the planted-box test:
//! MaxDensity picks a box restricting dims {0, 2, 3, 4}; MaxF1 picks exactly {0, 2}).
//! Ties (equal score): higher coverage, then lower index.

use std::fmt;

/// PRIM parameters.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct PrimParams {
    /// Share of the box's rows removed per peel (default 0.05).
    pub peel_alpha: f64,
    /// Minimum box mass as a share of all rows (default 0.05).
    pub min_mass: f64,
    /// Paste each trajectory box after peeling (default false).
    pub paste: bool,
    /// Share of the box's rows added per paste step (default 0.01).
    pub paste_alpha: f64,
}

impl Default for PrimParams {
    fn default() -> Self {
        PrimParams {
            peel_alpha: 0.05,
            min_mass: 0.05,
            paste: false,
            paste_alpha: 0.01,
        }
    }
}

/// One box of the trajectory.
#[derive(Debug, Clone, PartialEq)]
pub struct PrimBox {
    /// Inclusive lower limit per dimension (`-inf` = unrestricted).
    pub lower: Vec<f64>,
    /// Inclusive upper limit per dimension (`+inf` = unrestricted).
    pub upper: Vec<f64>,
    /// Cases of interest inside / all cases of interest.
    pub coverage: f64,
    /// Cases of interest inside / rows inside.
    pub density: f64,
    /// Rows inside / all rows.
    pub mass: f64,
    /// Number of dimensions with a finite lower or upper limit.
    pub n_restricted: usize,
    /// Rows inside the box.
    pub n_inside: usize,
    /// Cases of interest inside the box.
    pub n_interest_inside: usize,
}

impl PrimBox {
    /// Whether a row (length `k`) lies in the box.
    pub fn contains(&self, row: &[f64]) -> bool {
        row.iter()
            .zip(self.lower.iter().zip(&self.upper))
            .all(|(v, (lo, hi))| *v >= *lo && *v <= *hi)
    }

    /// Indices of restricted dimensions, ascending.
    pub fn restricted_dims(&self) -> Vec<usize> {
        (0..self.lower.len())
            .filter(|&j| self.lower[j].is_finite() || self.upper[j].is_finite())
            .collect()
    }
}

/// Errors from [`prim`].
#[derive(Debug, Clone, PartialEq)]
pub enum PrimError {
    /// No rows or no columns.
    Empty,
    /// Ragged rows or `y` of the wrong length.
    ShapeMismatch(String),
    /// A NaN or infinite input value.
    NonFinite {
        /// Row index.
        row: usize,
        /// Column index.
        col: usize,
    },
    /// `y` has no `true` entry (coverage undefined).
    NoCasesOfInterest,
    /// A parameter outside its valid range.
    InvalidParam(String),
}

impl fmt::Display for PrimError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            PrimError::Empty => write!(f, "PRIM: no rows or no columns"),
            PrimError::ShapeMismatch(s) => write!(f, "PRIM: shape mismatch: {s}"),
            PrimError::NonFinite { row, col } => {
                write!(f, "PRIM: non-finite value at row {row}, column {col}")
            }
            PrimError::NoCasesOfInterest => write!(f, "PRIM: no cases of interest"),
            PrimError::InvalidParam(s) => write!(f, "PRIM: invalid parameter: {s}"),
        }
    }
}

impl std::error::Error for PrimError {}

/// Rule for [`select_box`].
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum SelectRule {
    /// Highest density among boxes with coverage ≥ `min_coverage`.
    MaxDensity {
        /// Coverage threshold.
        min_coverage: f64,
    },
    /// Highest `2·cov·dens/(cov+dens)` among boxes with coverage ≥ `min_coverage`.
    MaxF1 {
        /// Coverage threshold.
        min_coverage: f64,
    },
}

impl Default for SelectRule {
    /// `MaxF1 { min_coverage: 0.5 }`.
    fn default() -> Self {
        SelectRule::MaxF1 { min_coverage: 0.5 }
    }
}

/// Column-major validated data.
struct Data<'a> {
    cols: Vec<Vec<f64>>,
    y: &'a [bool],
    n: usize,
    n_interest: usize,
    min: Vec<f64>,
    max: Vec<f64>,
}

impl<'a> Data<'a> {
    fn from_rows(x: &[Vec<f64>], y: &'a [bool]) -> Result<Self, PrimError> {
        let n = x.len();
        if n == 0 || x[0].is_empty() {
            return Err(PrimError::Empty);
        }
        let k = x[0].len();
        let mut cols = vec![Vec::with_capacity(n); k];
        for (r, row) in x.iter().enumerate() {
            if row.len() != k {
                return Err(PrimError::ShapeMismatch(format!(
                    "row {r} has {} columns, expected {k}",
                    row.len()
                )));
            }
            for (c, v) in cols.iter_mut().zip(row) {
                c.push(*v);
            }
        }
        Self::new(cols, y)
    }

    fn new(cols: Vec<Vec<f64>>, y: &'a [bool]) -> Result<Self, PrimError> {
        if cols.is_empty() || cols[0].is_empty() {
            return Err(PrimError::Empty);
        }
        let n = cols[0].len();
        if y.len() != n {
            return Err(PrimError::ShapeMismatch(format!(
                "y has {} entries, expected {n}",
                y.len()
            )));
        }
        let mut min = Vec::with_capacity(cols.len());
        let mut max = Vec::with_capacity(cols.len());
        for (c, col) in cols.iter().enumerate() {
            if col.len() != n {
                return Err(PrimError::ShapeMismatch(format!(
                    "column {c} has {} rows, expected {n}",
                    col.len()
                )));
            }
            if let Some(row) = col.iter().position(|v| !v.is_finite()) {
                return Err(PrimError::NonFinite { row, col: c });
            }
            min.push(col.iter().copied().fold(f64::INFINITY, f64::min));
            max.push(col.iter().copied().fold(f64::NEG_INFINITY, f64::max));
        }
        let n_interest = y.iter().filter(|b| **b).count();
        if n_interest == 0 {
            return Err(PrimError::NoCasesOfInterest);
        }
        Ok(Data {
            cols,
            y,
            n,
            n_interest,
            min,
            max,
        })
    }

    fn k(&self) -> usize {
        self.cols.len()
    }

    fn make_box(&self, lower: Vec<f64>, upper: Vec<f64>, n_in: usize, i_in: usize) -> PrimBox {
        let n_restricted = lower
            .iter()
            .zip(&upper)
            .filter(|(l, u)| l.is_finite() || u.is_finite())
            .count();
        PrimBox {
            lower,
            upper,
            coverage: i_in as f64 / self.n_interest as f64,
            density: if n_in == 0 {
                0.0
            } else {
                i_in as f64 / n_in as f64
            },
            mass: n_in as f64 / self.n as f64,
            n_restricted,
            n_inside: n_in,
            n_interest_inside: i_in,
        }
    }
}

fn check_params(p: &PrimParams) -> Result<(), PrimError> {
    if !(p.peel_alpha > 0.0 && p.peel_alpha < 1.0) {
        return Err(PrimError::InvalidParam(format!(
            "peel_alpha must be in (0, 1), got {}",
            p.peel_alpha
        )));
    }
    if !(p.min_mass >= 0.0 && p.min_mass <= 1.0) {
        return Err(PrimError::InvalidParam(format!(
            "min_mass must be in [0, 1], got {}",
            p.min_mass
        )));
    }
    if p.paste && !(p.paste_alpha > 0.0 && p.paste_alpha < 1.0) {
        return Err(PrimError::InvalidParam(format!(
            "paste_alpha must be in (0, 1), got {}",
            p.paste_alpha
        )));
    }
    Ok(())
}

/// Runs PRIM on row-major data `x` (`n` rows × `k` columns) with labels `y`
/// (`true` = case of interest). Returns the trajectory; element 0 is the unrestricted box.
pub fn prim(x: &[Vec<f64>], y: &[bool], params: &PrimParams) -> Result<Vec<PrimBox>, PrimError> {
    check_params(params)?;
    let data = Data::from_rows(x, y)?;
    Ok(run(&data, params))
}

/// As [`prim`], with column-major data (`cols[j][row]`).
pub fn prim_columns(
    cols: &[Vec<f64>],
    y: &[bool],
    params: &PrimParams,
) -> Result<Vec<PrimBox>, PrimError> {
    check_params(params)?;
    let data = Data::new(cols.to_vec(), y)?;
    Ok(run(&data, params))
}

/// Pastes one box (see the module docs) on row-major data.
pub fn paste_box(
    x: &[Vec<f64>],
    y: &[bool],
    b: &PrimBox,
    paste_alpha: f64,
) -> Result<PrimBox, PrimError> {
    if !(paste_alpha > 0.0 && paste_alpha < 1.0) {
        return Err(PrimError::InvalidParam(format!(
            "paste_alpha must be in (0, 1), got {paste_alpha}"
        )));
    }
    let data = Data::from_rows(x, y)?;
    if b.lower.len() != data.k() || b.upper.len() != data.k() {
        return Err(PrimError::ShapeMismatch(format!(
            "box has {} dimensions, data {}",
            b.lower.len(),
            data.k()
        )));
    }
    Ok(paste(&data, b, paste_alpha))
}

fn run(data: &Data, params: &PrimParams) -> Vec<PrimBox> {
    let mut traj = peel(data, params);
    if params.paste {
        for b in traj.iter_mut().skip(1) {
            *b = paste(data, b, params.paste_alpha);
        }
    }
    traj
}

#[derive(Clone, Copy)]
struct Peel {
    density: f64,
    dim: usize,
    bottom: bool,
    threshold: f64,
    /// Bottom: number of sorted rows removed from the front. Top: number kept.
    cut: usize,
    removed_interest: usize,
}

fn peel(data: &Data, params: &PrimParams) -> Vec<PrimBox> {
    let n = data.n;
    let k = data.k();
    let y = data.y;
    // Small epsilon so that e.g. 0.3 · 10 counts as 3 rows despite rounding.
    let min_rows = ((params.min_mass * n as f64 - 1e-9).ceil() as usize).max(1);

    // Per-dimension row order, ties broken by row index (deterministic).
    let mut order: Vec<Vec<u32>> = data
        .cols
        .iter()
        .map(|col| {
            let mut o: Vec<u32> = (0..n as u32).collect();
            o.sort_unstable_by(|&a, &b| {
                col[a as usize].total_cmp(&col[b as usize]).then(a.cmp(&b))
            });
            o
        })
        .collect();
    let mut in_box = vec![true; n];
    let mut lower = vec![f64::NEG_INFINITY; k];
    let mut upper = vec![f64::INFINITY; k];
    let mut n_in = n;
    let mut i_in = data.n_interest;
    let mut traj = vec![data.make_box(lower.clone(), upper.clone(), n_in, i_in)];

    loop {
        let mut best: Option<Peel> = None;
        for (j, o) in order.iter().enumerate() {
            let col = &data.cols[j];
            let nb = o.len();
            debug_assert_eq!(nb, n_in);
            let m = ((params.peel_alpha * nb as f64).floor() as usize).max(1);
            let val = |p: usize| col[o[p] as usize];

            // Bottom peel.
            if m < nb {
                let vmin = val(0);
                let mut p = m;
                let t = val(m);
                if t == vmin {
                    // Whole tied block at the minimum: remove it.
                    while p < nb && val(p) == vmin {
                        p += 1;
                    }
                } else {
                    while p > 0 && val(p - 1) == t {
                        p -= 1;
                    }
                }
                if p < nb && nb - p >= min_rows {
                    let removed_interest = o[..p].iter().filter(|&&r| y[r as usize]).count();
                    let density = (i_in - removed_interest) as f64 / (nb - p) as f64;
                    if best.is_none_or(|b| density > b.density) {
                        best = Some(Peel {
                            density,
                            dim: j,
                            bottom: true,
                            threshold: val(p),
                            cut: p,
                            removed_interest,
                        });
                    }
                }
            }

            // Top peel: keep sorted positions [0, keep).
            if m < nb {
                let vmax = val(nb - 1);
                let idx = nb - 1 - m;
                let t = val(idx);
                let mut keep = idx + 1;
                if t == vmax {
                    keep = idx;
                    while keep > 0 && val(keep - 1) == vmax {
                        keep -= 1;
                    }
                } else {
                    while keep < nb && val(keep) == t {
                        keep += 1;
                    }
                }
                if keep > 0 && keep >= min_rows {
                    let removed_interest = o[keep..].iter().filter(|&&r| y[r as usize]).count();
                    let density = (i_in - removed_interest) as f64 / keep as f64;
                    if best.is_none_or(|b| density > b.density) {
                        best = Some(Peel {
                            density,
                            dim: j,
                            bottom: false,
                            threshold: val(keep - 1),
                            cut: keep,
                            removed_interest,
                        });
                    }
                }
            }
        }

        let Some(p) = best else { break };
        let o = &order[p.dim];
        let removed: &[u32] = if p.bottom {
            lower[p.dim] = p.threshold;
            &o[..p.cut]
        } else {
            upper[p.dim] = p.threshold;
            &o[p.cut..]
        };
        for &r in removed {
            in_box[r as usize] = false;
        }
        n_in -= removed.len();
        i_in -= p.removed_interest;
        for o in order.iter_mut() {
            o.retain(|&r| in_box[r as usize]);
        }
        traj.push(data.make_box(lower.clone(), upper.clone(), n_in, i_in));
    }
    traj
}

fn paste(data: &Data, b: &PrimBox, paste_alpha: f64) -> PrimBox {
    let n = data.n;
    let k = data.k();
    let y = data.y;
    let mut lower = b.lower.clone();
    let mut upper = b.upper.clone();
    // violated[r] = number of violated dims; which[r] = last violated dim.
    let mut violated = vec![0u32; n];
    let mut which = vec![0u32; n];
    loop {
        violated.iter_mut().for_each(|v| *v = 0);
        for j in 0..k {
            let (lo, hi) = (lower[j], upper[j]);
            if lo == f64::NEG_INFINITY && hi == f64::INFINITY {
                continue;
            }
            for (r, v) in data.cols[j].iter().enumerate() {
                if *v < lo || *v > hi {
                    violated[r] += 1;
                    which[r] = j as u32;
                }
            }
        }
        let n_in = violated.iter().filter(|v| **v == 0).count();
        let i_in = (0..n).filter(|&r| violated[r] == 0 && y[r]).count();
        let cur_density = if n_in == 0 {
            0.0
        } else {
            i_in as f64 / n_in as f64
        };
        let m = ((paste_alpha * n_in as f64).floor() as usize).max(1);

        // (density, dim, is_lower, new_bound)
        let mut best: Option<(f64, usize, bool, f64)> = None;
        for j in 0..k {
            for is_lower in [true, false] {
                let bound = if is_lower { lower[j] } else { upper[j] };
                if !bound.is_finite() {
                    continue;
                }
                // Candidate (value, interest) rows outside only in dim j, on this side.
                let col = &data.cols[j];
                let mut cand: Vec<(f64, bool)> = (0..n)
                    .filter(|&r| {
                        violated[r] == 1
                            && which[r] as usize == j
                            && if is_lower {
                                col[r] < bound
                            } else {
                                col[r] > bound
                            }
                    })
                    .map(|r| (col[r], y[r]))
                    .collect();
                if cand.is_empty() {
                    continue;
                }
                // Nearest first.
                if is_lower {
                    cand.sort_unstable_by(|a, b| b.0.total_cmp(&a.0));
                } else {
                    cand.sort_unstable_by(|a, b| a.0.total_cmp(&b.0));
                }
                let mut take = m.min(cand.len());
                let t = cand[take - 1].0;
                while take < cand.len() && cand[take].0 == t {
                    take += 1;
                }
                let added_i = cand[..take].iter().filter(|c| c.1).count();
                let density = (i_in + added_i) as f64 / (n_in + take) as f64;
                let new_bound = if is_lower && t <= data.min[j] {
                    f64::NEG_INFINITY
                } else if !is_lower && t >= data.max[j] {
                    f64::INFINITY
                } else {
                    t
                };
                if density > cur_density && best.is_none_or(|b| density > b.0) {
                    best = Some((density, j, is_lower, new_bound));
                }
            }
        }
        match best {
            Some((_, j, true, nb)) => lower[j] = nb,
            Some((_, j, false, nb)) => upper[j] = nb,
            None => return data.make_box(lower, upper, n_in, i_in),
        }
    }
}

/// Chooses a box from a trajectory; returns its index, or `None` if no box satisfies the
/// coverage threshold. Ties: higher coverage, then lower index.
pub fn select_box(traj: &[PrimBox], rule: SelectRule) -> Option<usize> {
    let (min_cov, score): (f64, fn(&PrimBox) -> f64) = match rule {
        SelectRule::MaxDensity { min_coverage } => (min_coverage, |b| b.density),
        SelectRule::MaxF1 { min_coverage } => (min_coverage, |b| {
            let s = b.coverage + b.density;
            if s > 0.0 {
                2.0 * b.coverage * b.density / s
            } else {
                0.0
            }
        }),
    };
    let mut best: Option<usize> = None;
    for (i, b) in traj.iter().enumerate() {
        if b.coverage < min_cov {
            continue;
        }
        let better = match best {
            None => true,
            Some(bi) => {
                let (s, sb) = (score(b), score(&traj[bi]));
                s > sb || (s == sb && b.coverage > traj[bi].coverage)
            }
        };
        if better {
            best = Some(i);
        }
    }
    best
}

#[cfg(test)]
mod tests {
    use super::*;

    struct XorShift(u64);
    impl XorShift {
        fn next_u64(&mut self) -> u64 {
            self.0 ^= self.0 << 13;
            self.0 ^= self.0 >> 7;
            self.0 ^= self.0 << 17;
            self.0
        }
        fn next_f64(&mut self) -> f64 {
            (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64
        }
    }

    fn planted(n: usize, noise: f64, seed: u64) -> (Vec<Vec<f64>>, Vec<bool>) {
        let mut rng = XorShift(seed);
        let mut x = Vec::with_capacity(n);
        let mut y = Vec::with_capacity(n);
        for _ in 0..n {
            let row: Vec<f64> = (0..5).map(|_| rng.next_f64()).collect();
            let mut lab = row[0] > 0.7 && row[2] < 0.3;
            if rng.next_f64() < noise {
                lab = !lab;
            }
            x.push(row);
            y.push(lab);
        }
        (x, y)
    }

    fn check_planted(b: &PrimBox) {
        assert_eq!(b.restricted_dims(), vec![0, 2], "{b:?}");
        assert!((b.lower[0] - 0.7).abs() < 0.05, "{b:?}");
        assert_eq!(b.upper[0], f64::INFINITY);
        assert_eq!(b.lower[2], f64::NEG_INFINITY);
        assert!((b.upper[2] - 0.3).abs() < 0.05, "{b:?}");
        assert!(b.density > 0.9, "{b:?}");
    }

    fn check_trajectory(x: &[Vec<f64>], y: &[bool], traj: &[PrimBox]) {
        let n_int = y.iter().filter(|b| **b).count();
        for b in traj {
            let inside: Vec<usize> = (0..x.len()).filter(|&r| b.contains(&x[r])).collect();
            let i_in = inside.iter().filter(|&&r| y[r]).count();
            assert_eq!(inside.len(), b.n_inside);
            assert_eq!(i_in, b.n_interest_inside);
            assert_eq!(b.coverage, i_in as f64 / n_int as f64);
            assert_eq!(b.mass, inside.len() as f64 / x.len() as f64);
        }
    }

    #[test]
    fn recovers_planted_box() {
        // 2% label noise everywhere: the planted region holds ≈ 0.09·0.98 of the rows as
        // cases of interest, flips outside add ≈ 0.91·0.02, so coverage ≤ ≈ 0.83.
        for seed in [0x1234_5678_9abc_def1, 99, 2024] {
            planted_case(seed);
        }
    }

    fn planted_case(seed: u64) {
        let (x, y) = planted(4000, 0.02, seed);
        let params = PrimParams::default();
        let traj = prim(&x, &y, &params).unwrap();
        assert!(traj.len() > 10);
        // Trajectory shrinks strictly and respects min mass.
        for w in traj.windows(2) {
            assert!(w[1].n_inside < w[0].n_inside);
        }
        assert!(traj.last().unwrap().mass >= 0.05);
        check_trajectory(&x, &y, &traj);

        let i = select_box(&traj, SelectRule::default()).unwrap();
        check_planted(&traj[i]);
        assert!(traj[i].coverage > 0.75, "{:?}", traj[i]);

        // Deterministic.
        assert_eq!(prim(&x, &y, &params).unwrap(), traj);
    }

    #[test]
    fn recovers_planted_box_with_pasting() {
        let (x, y) = planted(3000, 0.02, 42);
        let params = PrimParams {
            paste: true,
            ..PrimParams::default()
        };
        let traj = prim(&x, &y, &params).unwrap();
        check_trajectory(&x, &y, &traj);
        let i = select_box(&traj, SelectRule::MaxF1 { min_coverage: 0.5 }).unwrap();
        check_planted(&traj[i]);
        // Pasting never lowers density.
        let plain = prim(&x, &y, &PrimParams::default()).unwrap();
        assert_eq!(plain.len(), traj.len());
        for (a, b) in plain.iter().zip(&traj) {
            assert!(b.density >= a.density);
        }
        // paste_box on a peeled box equals the pasted trajectory entry.
        assert_eq!(paste_box(&x, &y, &plain[i], 0.01).unwrap(), traj[i]);
    }

    /// Tiny hand case, 1 dimension, 10 rows with values 0..9;
    /// cases of interest at values 7, 8, 9 and 2.
    #[test]
    fn tiny_hand_case_definitions() {
        let x: Vec<Vec<f64>> = (0..10).map(|v| vec![v as f64]).collect();
        let y: Vec<bool> = (0..10).map(|v| v >= 7 || v == 2).collect();
        let params = PrimParams {
            peel_alpha: 0.1,
            min_mass: 0.3,
            ..PrimParams::default()
        };
        let traj = prim(&x, &y, &params).unwrap();
        // Box 0: everything: coverage 4/4, density 4/10, mass 1.
        assert_eq!(traj[0].coverage, 1.0);
        assert_eq!(traj[0].density, 0.4);
        assert_eq!(traj[0].mass, 1.0);
        assert_eq!(traj[0].n_restricted, 0);
        // Step 1 (m = 1): bottom removes {0} → 4/9; top removes {9} → 3/9. Bottom wins:
        // lower = 1, coverage 1, density 4/9, mass 0.9.
        assert_eq!(traj[1].lower[0], 1.0);
        assert_eq!(traj[1].upper[0], f64::INFINITY);
        assert_eq!(traj[1].density, 4.0 / 9.0);
        assert_eq!(traj[1].coverage, 1.0);
        assert_eq!(traj[1].n_restricted, 1);
        // Step 2: remove {1} → 4/8 (vs top 3/8): lower = 2.
        assert_eq!(traj[2].lower[0], 2.0);
        assert_eq!(traj[2].density, 0.5);
        // Step 3: bottom removes {2} (a case) → 3/7; top removes {9} → 3/7. Tie → bottom.
        assert_eq!(traj[3].lower[0], 3.0);
        assert_eq!(traj[3].coverage, 0.75);
        assert_eq!(traj[3].density, 3.0 / 7.0);
        // Continues down to min mass 3 rows: values 7..9, density 1, coverage 3/4.
        let last = traj.last().unwrap();
        assert_eq!(last.n_inside, 3);
        assert_eq!(
            (last.lower[0], last.density, last.coverage),
            (7.0, 1.0, 0.75)
        );
        assert_eq!(last.mass, 0.3);
        check_trajectory(&x, &y, &traj);
        // Selection: max density with coverage ≥ 0.5 is the last box; with coverage ≥ 0.9
        // the densest full-coverage box is lower = 2 (density 0.5).
        assert_eq!(
            select_box(&traj, SelectRule::MaxDensity { min_coverage: 0.5 }),
            Some(traj.len() - 1)
        );
        // F1 = 2·cov·dens/(cov+dens): last box 2·0.75/1.75 = 0.857 is the maximum
        // (e.g. lower = 2: 2·0.5/1.5 = 0.667; lower = 6: 2·0.75·0.75/1.5 = 0.75).
        assert_eq!(
            select_box(&traj, SelectRule::default()),
            Some(traj.len() - 1)
        );
        assert_eq!(
            select_box(&traj, SelectRule::MaxDensity { min_coverage: 0.9 }),
            Some(2)
        );
        assert_eq!(
            select_box(&traj, SelectRule::MaxDensity { min_coverage: 1.1 }),
            None
        );
    }

    #[test]
    fn discrete_ties_always_shrink() {
        // Column 0 has only values {0, 1}; column 1 is constant (cannot be peeled).
        let x: Vec<Vec<f64>> = (0..40).map(|i| vec![(i % 2) as f64, 5.0]).collect();
        let y: Vec<bool> = (0..40).map(|i| i % 2 == 1 && i < 30).collect();
        let traj = prim(&x, &y, &PrimParams::default()).unwrap();
        assert_eq!(traj.len(), 2);
        assert_eq!(traj[1].lower, vec![1.0, f64::NEG_INFINITY]);
        assert_eq!(traj[1].upper, vec![f64::INFINITY, f64::INFINITY]);
        assert_eq!(traj[1].density, 15.0 / 20.0);
        check_trajectory(&x, &y, &traj);
    }

    #[test]
    fn errors() {
        let x = vec![vec![0.0, 1.0], vec![1.0]];
        assert!(matches!(
            prim(&x, &[true, false], &PrimParams::default()),
            Err(PrimError::ShapeMismatch(_))
        ));
        let x = vec![vec![0.0], vec![f64::NAN]];
        assert_eq!(
            prim(&x, &[true, false], &PrimParams::default()),
            Err(PrimError::NonFinite { row: 1, col: 0 })
        );
        let x = vec![vec![0.0], vec![1.0]];
        assert_eq!(
            prim(&x, &[false, false], &PrimParams::default()),
            Err(PrimError::NoCasesOfInterest)
        );
        assert_eq!(
            prim(&[], &[], &PrimParams::default()),
            Err(PrimError::Empty)
        );
        let bad = PrimParams {
            peel_alpha: 0.0,
            ..PrimParams::default()
        };
        assert!(matches!(
            prim(&x, &[true, false], &bad),
            Err(PrimError::InvalidParam(_))
        ));
        // Column-major entry point agrees with row-major.
        let (xr, y) = planted(300, 0.0, 7);
        let cols: Vec<Vec<f64>> = (0..5).map(|j| xr.iter().map(|r| r[j]).collect()).collect();
        assert_eq!(
            prim_columns(&cols, &y, &PrimParams::default()).unwrap(),
            prim(&xr, &y, &PrimParams::default()).unwrap()
        );
    }
}
