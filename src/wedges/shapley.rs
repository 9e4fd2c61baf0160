//! Exact Shapley values by enumeration of every coalition, and sequential (order-dependent)
//! wedges for comparison.
//!
//! A game over `n` players is given by `v[S]` for every coalition `S`, a bit mask
//! (`bit i` = player `i`), so `v.len() == 2^n`. The Shapley value (Shapley 1953) of player
//! `i` is `Σ_{S ∌ i} |S|!·(n−|S|−1)!/n! · (v[S ∪ {i}] − v[S])`: it does not depend on the
//! order players are listed in, the values add up to `v[N] − v[∅]` (efficiency), and a
//! player that never changes `v` gets exactly 0. Enumeration is exact and costs `2^n` model
//! evaluations, so it is limited to [`MAX_PLAYERS`].

/// The most players (actions, "other" included) attributed exactly: 2^12 = 4,096 coalitions.
pub const MAX_PLAYERS: usize = 12;

/// `|S|!·(n−|S|−1)!` for `|S| = 0 … n−1`: the integer weights of a player's marginal
/// contributions, which sum (over coalitions) to `n!`.
pub fn weights(n: usize) -> Vec<i64> {
    let fact = |k: usize| (1..=k as i64).product::<i64>();
    (0..n).map(|s| fact(s) * fact(n - s - 1)).collect()
}

/// `n!`.
pub fn factorial(n: usize) -> i64 {
    (1..=n as i64).product()
}

fn check(n: usize, len: usize) {
    assert!(n <= MAX_PLAYERS, "at most {MAX_PLAYERS} players");
    assert_eq!(len, 1 << n, "one value per coalition");
}

/// Exact Shapley values of `v` (one per coalition mask).
pub fn shapley(n: usize, v: &[f64]) -> Vec<f64> {
    check(n, v.len());
    if n == 0 {
        return Vec::new();
    }
    let w = weights(n);
    let nf = factorial(n) as f64;
    (0..n)
        .map(|i| {
            let bit = 1usize << i;
            let mut sum = 0.0;
            for s in 0..v.len() {
                if s & bit == 0 {
                    let d = v[s | bit] - v[s];
                    // A player that changes nothing adds exact zeros.
                    if d != 0.0 {
                        sum += w[s.count_ones() as usize] as f64 * d;
                    }
                }
            }
            sum / nf
        })
        .collect()
}

/// `n!` times the Shapley values of an integer game (one Monte Carlo run's 0/1 outcome per
/// coalition): exact integers, so sums over runs are the same in any order.
pub fn shapley_scaled(n: usize, v: &[i64], w: &[i64], out: &mut [i64]) {
    check(n, v.len());
    for (i, o) in out.iter_mut().enumerate().take(n) {
        let bit = 1usize << i;
        let mut sum = 0i64;
        for s in 0..v.len() {
            if s & bit == 0 {
                let d = v[s | bit] - v[s];
                if d != 0 {
                    sum += w[s.count_ones() as usize] * d;
                }
            }
        }
        *o = sum;
    }
}

/// Sequential wedges: players added one after another in index order, each credited with
/// the change it makes on top of those before it.
pub fn sequential<T: Copy + std::ops::Sub<Output = T>>(n: usize, v: &[T]) -> Vec<T> {
    check(n, v.len());
    (0..n)
        .map(|i| {
            let before = (1usize << i) - 1;
            v[before | (1 << i)] - v[before]
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The textbook three-player game with an interaction: v({1}) = 10, v({2}) = 20,
    /// v({3}) = 30, v({1,2}) = 40 (10 more together than apart), v({1,3}) = 40,
    /// v({2,3}) = 50, v(N) = 80 (an extra 20). Worked by hand over the 6 orders:
    /// orders 123, 132, 213, 231, 312, 321:
    /// φ1 = (10+10+20+30+10+30)/6 = 110/6, φ2 = (30+40+20+20+40+20)/6 = 170/6,
    /// φ3 = (40+30+40+30+30+30)/6 = 200/6.
    #[test]
    fn three_player_game_with_an_interaction() {
        let v = [0.0, 10.0, 20.0, 40.0, 30.0, 40.0, 50.0, 80.0];
        let phi = shapley(3, &v);
        let want = [110.0 / 6.0, 170.0 / 6.0, 200.0 / 6.0];
        for (a, b) in phi.iter().zip(want) {
            assert!((a - b).abs() < 1e-12, "{phi:?}");
        }
        assert!((phi.iter().sum::<f64>() - 80.0).abs() < 1e-12);
        // Sequential in the order 1, 2, 3 gives the whole interaction to the later ones.
        assert_eq!(sequential(3, &v), vec![10.0, 30.0, 40.0]);
        // The integer form: 3! · φ.
        let vi: Vec<i64> = v.iter().map(|x| *x as i64).collect();
        let mut out = [0i64; 3];
        shapley_scaled(3, &vi, &weights(3), &mut out);
        assert_eq!(out, [110, 170, 200]);
    }

    /// Glove game (a classic with a closed form): players 0 and 1 hold left gloves, player 2
    /// a right one; a pair is worth 1. φ = (1/6, 1/6, 2/3).
    #[test]
    fn glove_game() {
        let v: Vec<f64> = (0..8usize)
            .map(|s| {
                let left = (s & 1 != 0) || (s & 2 != 0);
                f64::from(u8::from(left && s & 4 != 0))
            })
            .collect();
        let phi = shapley(3, &v);
        for (a, b) in phi.iter().zip([1.0 / 6.0, 1.0 / 6.0, 2.0 / 3.0]) {
            assert!((a - b).abs() < 1e-12, "{phi:?}");
        }
    }

    /// Relabelling the players permutes their Shapley values and nothing else.
    #[test]
    fn invariant_to_the_order_players_are_listed() {
        let n = 5;
        let val = |s: usize| -> f64 {
            let bits: Vec<f64> = (0..n)
                .map(|i| f64::from(u8::from(s >> i & 1 == 1)))
                .collect();
            3.0 * bits[0] - 2.0 * bits[1]
                + 1.5 * bits[2] * bits[3]
                + 0.7 * bits[4] * bits[0] * bits[1]
        };
        let v: Vec<f64> = (0..1usize << n).map(val).collect();
        let phi = shapley(n, &v);
        let perm = [3usize, 0, 4, 2, 1]; // new index j holds old player perm[j]
        let vp: Vec<f64> = (0..1usize << n)
            .map(|s| {
                let old = (0..n)
                    .filter(|j| s >> j & 1 == 1)
                    .map(|j| 1 << perm[j])
                    .sum();
                val(old)
            })
            .collect();
        let phip = shapley(n, &vp);
        for j in 0..n {
            assert!((phip[j] - phi[perm[j]]).abs() < 1e-12);
        }
        // Sequential wedges do depend on the order.
        let (sq, sqp) = (sequential(n, &v), sequential(n, &vp));
        assert!((0..n).any(|j| (sqp[j] - sq[perm[j]]).abs() > 1e-9));
    }

    /// A player that changes nothing gets exactly zero, whatever the others do.
    #[test]
    fn a_null_player_gets_exactly_zero() {
        let n = 4;
        let v: Vec<f64> = (0..16usize)
            .map(|s| {
                let s = s & !0b0100; // player 2 is null
                (s as f64).sqrt() * 1.37 + if s == 0b1011 { 0.1 } else { 0.0 }
            })
            .collect();
        let phi = shapley(n, &v);
        assert_eq!(phi[2], 0.0);
        assert_eq!(phi[2].to_bits(), 0.0f64.to_bits());
        assert!((phi.iter().sum::<f64>() - (v[15] - v[0])).abs() < 1e-12);
    }

    #[test]
    fn twelve_players_is_the_bound() {
        let n = MAX_PLAYERS;
        let v: Vec<f64> = (0..1usize << n).map(|s| s.count_ones() as f64).collect();
        let phi = shapley(n, &v);
        assert!(phi.iter().all(|x| (x - 1.0).abs() < 1e-12));
        assert_eq!(1 << MAX_PLAYERS, 4096);
        // 12! fits the integer weights with room for per-run sums.
        assert_eq!(factorial(12), 479_001_600);
        let w = weights(12);
        assert_eq!(w[0], factorial(11));
        // Over all coalitions without a player (C(11, s) of each size) the weights sum to 12!.
        let binom = |n: i64, k: i64| (1..=k).fold(1i64, |acc, j| acc * (n - k + j) / j);
        let total: i64 = (0..12).map(|s| binom(11, s as i64) * w[s]).sum();
        assert_eq!(total, factorial(12));
    }

    #[test]
    #[should_panic(expected = "at most 12 players")]
    fn more_than_twelve_players_is_refused() {
        let v = vec![0.0; 1 << 13];
        let _ = shapley(13, &v);
    }
}
