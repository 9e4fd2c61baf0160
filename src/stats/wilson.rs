//! The Monte Carlo error of a probability (MODEL.md §9).

/// The normal quantile of a two-sided 95 % interval, as MODEL.md §9 fixes it.
pub const Z95: f64 = 1.959964;

/// The Wilson score 95 % interval for `k` successes in `n` runs (Wilson 1927, *JASA*
/// 22:209–212): `(p̂ + z²/2n ± z·√(p̂(1−p̂)/n + z²/4n²)) / (1 + z²/n)`, with the lower bound
/// exactly 0 at `k = 0` and the upper bound exactly 1 at `k = n`. `n = 0` gives `(0, 1)`.
pub fn wilson(k: u64, n: u64) -> (f64, f64) {
    if n == 0 {
        return (0.0, 1.0);
    }
    let nf = n as f64;
    let p = k as f64 / nf;
    let z2 = Z95 * Z95;
    let centre = p + z2 / (2.0 * nf);
    let half = Z95 * (p * (1.0 - p) / nf + z2 / (4.0 * nf * nf)).sqrt();
    let d = 1.0 + z2 / nf;
    let lo = if k == 0 {
        0.0
    } else {
        ((centre - half) / d).max(0.0)
    };
    let hi = if k >= n {
        1.0
    } else {
        ((centre + half) / d).min(1.0)
    };
    (lo, hi)
}

/// A probability with its interval in percent, e.g. `62.5 % (62.2–62.8 %)`: enough
/// decimals that the interval's width shows (one at least, four at most).
pub fn percent_with_interval(k: u64, n: u64) -> String {
    let p = if n == 0 {
        f64::NAN
    } else {
        k as f64 / n as f64
    };
    let (lo, hi) = wilson(k, n);
    percent_text(p, lo, hi)
}

/// `p` with its interval `[lo, hi]` (all in 0..=1) as `62.5 % (62.2–62.8 %)`.
pub fn percent_text(p: f64, lo: f64, hi: f64) -> String {
    let width = (hi - lo) * 100.0;
    let mut digits = 1;
    while digits < 4 && width < 10f64.powi(-(digits as i32)) * 2.0 {
        digits += 1;
    }
    format!(
        "{:.d$} % ({:.d$}–{:.d$} %)",
        p * 100.0,
        lo * 100.0,
        hi * 100.0,
        d = digits
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn close(a: f64, b: f64) {
        assert!((a - b).abs() <= 1e-15 * b.abs().max(1e-300), "{a} vs {b}");
    }

    #[test]
    fn known_values() {
        // References computed with 40-digit arithmetic (mpmath) from the formula.
        let (lo, hi) = wilson(5, 10);
        close(lo, 0.23659308901147938);
        close(hi, 0.7634069109885206);
        let (lo, hi) = wilson(625_000, 1_000_000);
        close(lo, 0.6240506580290935);
        close(hi, 0.6259483816098753);
        let (lo, hi) = wilson(81, 263);
        close(lo, 0.25528851948901576);
        close(hi, 0.3662095774580194);
        let (lo, hi) = wilson(1, 1_000_000);
        assert!((lo - 1.7652457479622383e-07).abs() < 1e-20);
        assert!((hi - 5.6649118668618774e-06).abs() < 1e-19);
    }

    #[test]
    fn bounds_are_exact_at_zero_and_n() {
        let (lo, hi) = wilson(0, 10);
        assert_eq!(lo, 0.0);
        close(hi, 0.2775328030260577);
        let (lo, hi) = wilson(10, 10);
        close(lo, 0.7224671969739422);
        assert_eq!(hi, 1.0);
        for n in [1, 7, 1000, 1_000_000, 123_456_789] {
            assert_eq!(wilson(0, n).0, 0.0);
            assert_eq!(wilson(n, n).1, 1.0);
        }
        assert_eq!(wilson(0, 0), (0.0, 1.0));
    }

    #[test]
    fn percent_text() {
        assert_eq!(
            percent_with_interval(625_000, 1_000_000),
            "62.50 % (62.41–62.59 %)"
        );
        assert_eq!(percent_with_interval(5, 10), "50.0 % (23.7–76.3 %)");
        assert_eq!(
            percent_with_interval(0, 1_000_000),
            "0.0000 % (0.0000–0.0004 %)"
        );
    }
}
