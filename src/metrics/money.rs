//! Inequality of money: the Gini coefficient, top-k shares, decile shares and the Lorenz
//! curve of amounts paid to artists.
//!
//! The stream measures of [`super::concentration`] work on integer counts; payouts are
//! real amounts (a share of a revenue pool), so these take `f64`s. Amounts are
//! nonnegative; every function sorts a copy with [`f64::total_cmp`], so the result does
//! not depend on the input's order, and returns 0.0 (or an even split) for an empty
//! slice or a zero total.

/// Gini coefficient of nonnegative amounts over every item given (zeros included).
///
/// ```text
/// G = Σᵢ (2i − n − 1) x₍ᵢ₎ / (n Σᵢ xᵢ),   x₍₁₎ ≤ … ≤ x₍ₙ₎,  i = 1..n
/// ```
///
/// 0 when every item gets the same, (n − 1)/n when one item gets everything.
pub fn gini_of_amounts(amounts: &[f64]) -> f64 {
    let sorted = sorted(amounts);
    let total: f64 = sorted.iter().sum();
    if total <= 0.0 {
        return 0.0;
    }
    let n = sorted.len() as f64;
    let numerator: f64 = sorted
        .iter()
        .zip(1..)
        .map(|(&x, i)| (2.0 * f64::from(i) - n - 1.0) * x)
        .sum();
    numerator / (n * total)
}

/// Share of the total held by the `k` largest amounts (0..1; 1 when `k ≥ n`).
pub fn top_k_share_of_amounts(amounts: &[f64], k: usize) -> f64 {
    let sorted = sorted(amounts);
    let total: f64 = sorted.iter().sum();
    if total <= 0.0 || k == 0 {
        return 0.0;
    }
    let top: f64 = sorted.iter().rev().take(k).sum();
    top / total
}

/// Share of the total held by each tenth of the items ranked from the smallest amount
/// to the largest (decile 1 is the bottom tenth). With n items, decile d holds items
/// ⌊(d − 1)n/10⌋ … ⌊dn/10⌋ − 1, so deciles of an n < 10 set can be empty. Zero total:
/// every share 0.
pub fn decile_shares(amounts: &[f64]) -> [f64; 10] {
    let sorted = sorted(amounts);
    let total: f64 = sorted.iter().sum();
    let mut shares = [0.0; 10];
    if total <= 0.0 {
        return shares;
    }
    let n = sorted.len();
    for (d, share) in shares.iter_mut().enumerate() {
        let (from, to) = (d * n / 10, (d + 1) * n / 10);
        *share = sorted[from..to].iter().sum::<f64>() / total;
    }
    shares
}

/// Lorenz curve of the amounts: n + 1 points (share of items, share of the total) from
/// (0, 0) to (1, 1), items sorted from the smallest amount; the diagonal for a zero total.
pub fn lorenz_of_amounts(amounts: &[f64]) -> Vec<(f64, f64)> {
    let sorted = sorted(amounts);
    let n = sorted.len() as f64;
    let total: f64 = sorted.iter().sum();
    let mut points = vec![(0.0, 0.0)];
    let mut cumulative = 0.0;
    for (i, &x) in sorted.iter().enumerate() {
        cumulative += x;
        let y = if total > 0.0 {
            cumulative / total
        } else {
            (i + 1) as f64 / n
        };
        points.push(((i + 1) as f64 / n, y));
    }
    points
}

fn sorted(amounts: &[f64]) -> Vec<f64> {
    let mut sorted = amounts.to_vec();
    sorted.sort_unstable_by(f64::total_cmp);
    sorted
}

#[cfg(test)]
mod tests {
    use super::*;

    fn close(a: f64, b: f64) -> bool {
        (a - b).abs() < 1e-12
    }

    #[test]
    fn gini_by_hand() {
        // 0, 1, 2, 7 (total 10): Σ (2i − 5) x = −3·0 − 1·1 + 1·2 + 3·7 = 22; G = 22 / 40.
        assert!(close(gini_of_amounts(&[7.0, 0.0, 2.0, 1.0]), 0.55));
        assert!(close(gini_of_amounts(&[3.0; 5]), 0.0));
        assert!(close(gini_of_amounts(&[0.0, 0.0, 0.0, 5.0]), 0.75));
        assert_eq!(gini_of_amounts(&[]), 0.0);
        assert_eq!(gini_of_amounts(&[0.0, 0.0]), 0.0);
    }

    #[test]
    fn gini_matches_the_mean_absolute_difference_formula() {
        // G = Σᵢ Σⱼ |xᵢ − xⱼ| / (2 n² mean), an independent formula.
        let x = [0.5, 3.25, 0.0, 9.0, 1.5, 1.5, 12.0];
        let n = x.len() as f64;
        let mean = x.iter().sum::<f64>() / n;
        let pairs: f64 = x
            .iter()
            .flat_map(|a| x.iter().map(move |b| (a - b).abs()))
            .sum();
        assert!(close(gini_of_amounts(&x), pairs / (2.0 * n * n * mean)));
    }

    #[test]
    fn top_k_and_decile_shares_by_hand() {
        let x = [7.0, 0.0, 2.0, 1.0];
        assert!(close(top_k_share_of_amounts(&x, 1), 0.7));
        assert!(close(top_k_share_of_amounts(&x, 2), 0.9));
        assert!(close(top_k_share_of_amounts(&x, 9), 1.0));
        assert_eq!(top_k_share_of_amounts(&x, 0), 0.0);
        // 1..=20: decile d holds 2d − 1 and 2d, of a total of 210.
        let x: Vec<f64> = (1..=20).map(f64::from).collect();
        let deciles = decile_shares(&x);
        for (d, share) in deciles.iter().enumerate() {
            assert!(close(*share, (4 * d + 3) as f64 / 210.0), "decile {d}");
        }
        assert!(close(deciles.iter().sum(), 1.0));
        assert_eq!(decile_shares(&[0.0; 4]), [0.0; 10]);
    }

    #[test]
    fn lorenz_by_hand() {
        let got = lorenz_of_amounts(&[3.0, 1.0]);
        assert_eq!(got, vec![(0.0, 0.0), (0.5, 0.25), (1.0, 1.0)]);
        assert_eq!(
            lorenz_of_amounts(&[0.0, 0.0]),
            vec![(0.0, 0.0), (0.5, 0.5), (1.0, 1.0)]
        );
    }
}
