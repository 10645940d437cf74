//! Concentration of streams over items (tracks, artists, genres).
//!
//! A chart dominated by a handful of tracks, or a catalogue where most streams go to a few
//! titles, is the outcome chartsim is built to detect, and no single index captures it
//! fully: the Herfindahl–Hirschman index weights the largest items, the Gini coefficient
//! looks at the whole distribution including the items nobody played, the top-k share is
//! the number the industry quotes, and the effective number turns entropy into "how many
//! equally played items". All of them take one stream count per item.
//!
//! Inputs are `&[u64]` with one entry per item; zeros are allowed and mean an item that
//! exists but was not played (they matter for [`gini`] and [`lorenz_curve`], not for the
//! others). Unless a function says otherwise, an empty slice or a zero total gives 0.0.
//! Sums of counts are taken in `u128`, so they cannot overflow.

/// Sum of the counts, exact.
fn total(counts: &[u64]) -> u128 {
    counts.iter().map(|&c| u128::from(c)).sum()
}

/// Shannon entropy in nats of the distribution given by nonnegative counts.
///
/// Shared by [`shannon_entropy`] and the per-listener accumulator in
/// [`crate::metrics::diversity`], which holds `u32` counts. Terms are added in iteration order.
pub(crate) fn entropy_of<I>(counts: I) -> f64
where
    I: IntoIterator<Item = u64>,
    I::IntoIter: Clone,
{
    let iter = counts.into_iter();
    let total: u128 = iter.clone().map(u128::from).sum();
    if total == 0 {
        return 0.0;
    }
    let total = total as f64;
    let mut h = 0.0;
    for c in iter {
        if c > 0 {
            let p = c as f64 / total;
            h -= p * p.ln();
        }
    }
    h
}

/// Herfindahl–Hirschman index of the stream counts, on the 0..1 scale.
///
/// ```text
/// HHI = Σᵢ sᵢ²,   sᵢ = cᵢ / Σⱼ cⱼ   (sᵢ a fraction in 0..1, not a percentage)
/// ```
///
/// Dimensionless, in 1/n..1 for n items with a nonzero total: 1/n when all items are played
/// equally, 1 when one item has every stream. This is the competition-policy index divided
/// by 10,000 (which uses percentages). Zero counts contribute nothing. Returns 0.0 for an
/// empty slice or a zero total.
pub fn hhi(counts: &[u64]) -> f64 {
    let total = total(counts);
    if total == 0 {
        return 0.0;
    }
    let total = total as f64;
    counts
        .iter()
        .map(|&c| {
            let s = c as f64 / total;
            s * s
        })
        .sum()
}

/// Gini coefficient of the stream counts over all n items, zeros included.
///
/// ```text
/// G = Σᵢ Σⱼ |xᵢ − xⱼ| / (2 n² x̄)          (definition, x̄ = Σx / n)
///   = 2 Σᵢ i·x₍ᵢ₎ / (n Σx) − (n + 1) / n   (sorted form, x₍₁₎ ≤ … ≤ x₍ₙ₎, i = 1..n)
///   = Σᵢ (2i − n − 1)·x₍ᵢ₎ / (n Σx)       (as computed)
/// ```
///
/// Dimensionless, in 0..1 − 1/n: 0 when every item has the same count, 1 − 1/n when one
/// item has every stream. This is the population Gini, **without** the n/(n − 1) small-sample
/// correction, so it depends on how many unplayed items are included: pass the whole
/// catalogue (or the whole chart-eligible set) consistently.
///
/// Runs in O(n log n) (one sort of a copy); the numerator is summed exactly in integers.
/// Returns 0.0 for an empty slice or a zero total.
pub fn gini(counts: &[u64]) -> f64 {
    let total = total(counts);
    if total == 0 {
        return 0.0;
    }
    let mut sorted = counts.to_vec();
    sorted.sort_unstable();
    let n = sorted.len() as i128;
    // Σ (2i − n − 1)·x₍ᵢ₎ with 1-based i; nonnegative for ascending order.
    let numerator: i128 = sorted
        .iter()
        .zip(1_i128..)
        .map(|(&x, i)| (2 * i - n - 1) * i128::from(x))
        .sum();
    numerator as f64 / (n as f64 * total as f64)
}

/// Share of all streams held by the `k` items with the largest counts.
///
/// ```text
/// top_k_share = (sum of the k largest cᵢ) / Σᵢ cᵢ   (a fraction in 0..1)
/// ```
///
/// Ties at the boundary do not matter (the sum is the same whichever tied item is taken).
/// `k = 0` gives 0.0; `k ≥ n` gives 1.0 when the total is nonzero. Returns 0.0 for an empty
/// slice or a zero total. Runs in O(n) on average (selection on one copy, no full sort).
pub fn top_k_share(counts: &[u64], k: usize) -> f64 {
    let total = total(counts);
    if total == 0 || k == 0 {
        return 0.0;
    }
    if k >= counts.len() {
        return 1.0;
    }
    let mut v = counts.to_vec();
    let split = v.len() - k;
    // After this, v[split..] holds the k largest counts (in no particular order).
    v.select_nth_unstable(split);
    let top: u128 = v[split..].iter().map(|&c| u128::from(c)).sum();
    top as f64 / total as f64
}

/// Shannon entropy of the stream distribution, in nats.
///
/// ```text
/// H = −Σᵢ pᵢ ln pᵢ,   pᵢ = cᵢ / Σⱼ cⱼ,   over items with cᵢ > 0
/// ```
///
/// In nats (natural logarithm), in 0..ln(m) for m played items: 0 when one item has every
/// stream, ln m when m items are played equally. Returns 0.0 for an empty slice or a zero
/// total. See [`effective_number`] for an easier-to-read version.
pub fn shannon_entropy(counts: &[u64]) -> f64 {
    entropy_of(counts.iter().copied())
}

/// Effective number of items: `exp(H)` with `H` the [`shannon_entropy`] in nats.
///
/// ```text
/// N_eff = exp(−Σᵢ pᵢ ln pᵢ)   (a count of items, in 1..m for m played items)
/// ```
///
/// The number of equally played items that would have the same entropy (the Hill number of
/// order 1): 1 when one item has every stream, m when m items are played equally. Returns
/// 0.0 (no items are effectively played) for an empty slice or a zero total, where
/// `exp(0) = 1` would be misleading.
pub fn effective_number(counts: &[u64]) -> f64 {
    if total(counts) == 0 {
        return 0.0;
    }
    shannon_entropy(counts).exp()
}

/// Lorenz curve of the stream counts, for plots.
///
/// Items are sorted by count ascending; the curve has n + 1 points
///
/// ```text
/// (i / n,  Σ_{j ≤ i} x₍ⱼ₎ / Σx)   for i = 0..=n
/// ```
///
/// each a pair (cumulative share of items, cumulative share of streams), both fractions in
/// 0..1, starting at exactly (0, 0) and ending at exactly (1, 1). Twice the area between the
/// diagonal and this curve is the [`gini`] coefficient.
///
/// Degenerate inputs: an empty slice gives the two end points `[(0, 0), (1, 1)]`; a zero
/// total gives the line of equality `(i / n, i / n)` (consistent with a Gini of 0).
pub fn lorenz_curve(counts: &[u64]) -> Vec<(f64, f64)> {
    let n = counts.len();
    if n == 0 {
        return vec![(0.0, 0.0), (1.0, 1.0)];
    }
    let total = total(counts);
    let nf = n as f64;
    if total == 0 {
        return (0..=n).map(|i| (i as f64 / nf, i as f64 / nf)).collect();
    }
    let mut sorted = counts.to_vec();
    sorted.sort_unstable();
    let totalf = total as f64;
    let mut points = Vec::with_capacity(n + 1);
    points.push((0.0, 0.0));
    let mut cumulative: u128 = 0;
    for (i, &x) in sorted.iter().enumerate() {
        cumulative += u128::from(x);
        points.push(((i + 1) as f64 / nf, cumulative as f64 / totalf));
    }
    points
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn close(a: f64, b: f64, tol: f64) -> bool {
        (a - b).abs() <= tol
    }

    #[test]
    fn hhi_hand_checks() {
        // four equal items: 4 · (1/4)² = 0.25
        assert!(close(hhi(&[1, 1, 1, 1]), 0.25, 1e-15));
        // one item with everything: 1² = 1
        assert!(close(hhi(&[0, 0, 0, 4]), 1.0, 1e-15));
        // shares 3/4, 1/4: 9/16 + 1/16 = 10/16 = 0.625
        assert!(close(hhi(&[3, 1]), 0.625, 1e-15));
    }

    #[test]
    fn hhi_degenerate_inputs() {
        assert_eq!(hhi(&[]), 0.0);
        assert_eq!(hhi(&[0, 0, 0]), 0.0);
    }

    #[test]
    fn gini_hand_checks() {
        // all equal: every |xᵢ − xⱼ| = 0
        assert!(close(gini(&[1, 1, 1, 1]), 0.0, 1e-15));
        // [0,0,0,4]: Σ i·x₍ᵢ₎ = 4·4 = 16; 2·16/(4·4) − 5/4 = 2 − 1.25 = 0.75
        assert!(close(gini(&[0, 0, 0, 4]), 0.75, 1e-15));
        // [1,2,3]: ordered pairs Σ|xᵢ − xⱼ| = 2·(1 + 2 + 1) = 8; 2 n² x̄ = 2·9·2 = 36;
        // 8/36 = 2/9
        assert!(close(gini(&[1, 2, 3]), 2.0 / 9.0, 1e-15));
        // order of the input does not matter
        assert!(close(gini(&[3, 1, 2]), 2.0 / 9.0, 1e-15));
    }

    #[test]
    fn gini_degenerate_inputs() {
        assert_eq!(gini(&[]), 0.0);
        assert_eq!(gini(&[0, 0]), 0.0);
        // a single item is perfectly equal with itself: 1 − 1/1 = 0 is the maximum
        assert_eq!(gini(&[7]), 0.0);
    }

    #[test]
    fn top_k_share_hand_checks() {
        // total 10; largest 5 → 5/10
        assert!(close(top_k_share(&[5, 3, 2], 1), 0.5, 1e-15));
        // 5 + 3 = 8 → 8/10
        assert!(close(top_k_share(&[5, 3, 2], 2), 0.8, 1e-15));
        // input order does not matter: [2,5,3] top-2 = 5 + 3
        assert!(close(top_k_share(&[2, 5, 3], 2), 0.8, 1e-15));
        assert_eq!(top_k_share(&[5, 3, 2], 3), 1.0);
        assert_eq!(top_k_share(&[5, 3, 2], 100), 1.0);
        assert_eq!(top_k_share(&[5, 3, 2], 0), 0.0);
        // ties at the boundary: [4,4,2], top-1 = 4/10 whichever 4 is taken
        assert!(close(top_k_share(&[4, 4, 2], 1), 0.4, 1e-15));
    }

    #[test]
    fn top_k_share_degenerate_inputs() {
        assert_eq!(top_k_share(&[], 3), 0.0);
        assert_eq!(top_k_share(&[0, 0], 1), 0.0);
        assert_eq!(top_k_share(&[0, 0], 5), 0.0);
    }

    #[test]
    fn entropy_hand_checks() {
        // two equal items: −2·(½ ln ½) = ln 2
        assert!(close(
            shannon_entropy(&[1, 1]),
            std::f64::consts::LN_2,
            1e-15
        ));
        // one item: −1·ln 1 = 0 (zeros are ignored)
        assert_eq!(shannon_entropy(&[0, 5, 0]), 0.0);
        // [1,3]: −(¼ ln ¼ + ¾ ln ¾) = ¼·1.3862944 + ¾·0.2876821 = 0.3465736 + 0.2157616
        //       = 0.5623351
        assert!(close(shannon_entropy(&[1, 3]), 0.562_335_144_6, 1e-9));
        assert_eq!(shannon_entropy(&[]), 0.0);
        assert_eq!(shannon_entropy(&[0, 0]), 0.0);
    }

    #[test]
    fn effective_number_hand_checks() {
        // four equal: exp(ln 4) = 4
        assert!(close(effective_number(&[1, 1, 1, 1]), 4.0, 1e-12));
        // one item: exp(0) = 1
        assert_eq!(effective_number(&[0, 0, 0, 4]), 1.0);
        // zero total: defined as 0, not exp(0)
        assert_eq!(effective_number(&[0, 0]), 0.0);
        assert_eq!(effective_number(&[]), 0.0);
    }

    #[test]
    fn lorenz_hand_checks() {
        // [0,0,0,4]: cumulative streams 0,0,0,4 of 4 over item shares ¼, ½, ¾, 1
        assert_eq!(
            lorenz_curve(&[0, 0, 0, 4]),
            vec![(0.0, 0.0), (0.25, 0.0), (0.5, 0.0), (0.75, 0.0), (1.0, 1.0)]
        );
        // [3,1] sorted [1,3]: cumulative 1/4 then 4/4
        assert_eq!(
            lorenz_curve(&[3, 1]),
            vec![(0.0, 0.0), (0.5, 0.25), (1.0, 1.0)]
        );
        assert_eq!(lorenz_curve(&[]), vec![(0.0, 0.0), (1.0, 1.0)]);
        assert_eq!(
            lorenz_curve(&[0, 0]),
            vec![(0.0, 0.0), (0.5, 0.5), (1.0, 1.0)]
        );
    }

    /// Count vectors with plenty of zeros and some large values.
    fn counts_strategy() -> impl Strategy<Value = Vec<u64>> {
        prop::collection::vec(
            prop_oneof![3 => Just(0_u64), 5 => 0_u64..100, 2 => 0_u64..10_000_000],
            0..200,
        )
    }

    /// Naive O(n²) Gini straight from the definition, summed exactly in integers.
    fn gini_naive(x: &[u64]) -> f64 {
        let n = x.len() as u128;
        let total: u128 = x.iter().map(|&c| u128::from(c)).sum();
        if total == 0 {
            return 0.0;
        }
        let mut abs_diff: u128 = 0;
        for &a in x {
            for &b in x {
                abs_diff += u128::from(a.abs_diff(b));
            }
        }
        // 2 n² x̄ = 2 n Σx
        abs_diff as f64 / (2 * n * total) as f64
    }

    proptest! {
        #[test]
        fn gini_sorted_matches_naive(x in counts_strategy()) {
            let fast = gini(&x);
            let slow = gini_naive(&x);
            prop_assert!((fast - slow).abs() <= 1e-9 * slow.abs().max(f64::MIN_POSITIVE),
                "fast {fast} naive {slow}");
        }

        #[test]
        fn gini_in_bounds(x in counts_strategy()) {
            let g = gini(&x);
            prop_assert!(g >= 0.0);
            if !x.is_empty() {
                let n = x.len() as f64;
                prop_assert!(g <= 1.0 - 1.0 / n + 1e-12, "g {g} n {n}");
            }
        }

        #[test]
        fn hhi_in_bounds(x in counts_strategy()) {
            let h = hhi(&x);
            if x.iter().any(|&c| c > 0) {
                let n = x.len() as f64;
                prop_assert!(h >= 1.0 / n - 1e-12 && h <= 1.0 + 1e-12, "h {h} n {n}");
            } else {
                prop_assert_eq!(h, 0.0);
            }
        }

        #[test]
        fn effective_number_in_bounds(x in counts_strategy()) {
            let e = effective_number(&x);
            let nonzero = x.iter().filter(|&&c| c > 0).count() as f64;
            if nonzero == 0.0 {
                prop_assert_eq!(e, 0.0);
            } else {
                prop_assert!(e >= 1.0 && e <= nonzero * (1.0 + 1e-12), "e {e} m {nonzero}");
            }
        }

        #[test]
        fn top_k_share_in_unit_interval_and_monotone(x in counts_strategy()) {
            let mut previous = 0.0;
            for k in 0..=x.len() + 1 {
                let s = top_k_share(&x, k);
                prop_assert!((0.0..=1.0).contains(&s), "k {k} share {s}");
                prop_assert!(s >= previous, "k {k}: {s} < {previous}");
                previous = s;
            }
        }

        #[test]
        fn top_k_share_matches_full_sort(x in counts_strategy(), k in 0_usize..50) {
            let mut sorted = x.clone();
            sorted.sort_unstable_by(|a, b| b.cmp(a));
            let total: u128 = x.iter().map(|&c| u128::from(c)).sum();
            let top: u128 = sorted.iter().take(k).map(|&c| u128::from(c)).sum();
            let expected = if total == 0 { 0.0 } else { top as f64 / total as f64 };
            prop_assert_eq!(top_k_share(&x, k), expected);
        }

        #[test]
        fn lorenz_is_monotone_from_origin_to_one(x in counts_strategy()) {
            let curve = lorenz_curve(&x);
            prop_assert_eq!(curve.len(), x.len().max(1) + 1);
            prop_assert_eq!(curve[0], (0.0, 0.0));
            prop_assert_eq!(*curve.last().unwrap(), (1.0, 1.0));
            for pair in curve.windows(2) {
                let ((x0, y0), (x1, y1)) = (pair[0], pair[1]);
                prop_assert!(x1 > x0 && y1 >= y0);
                prop_assert!((0.0..=1.0).contains(&y1));
                // below (or on) the line of equality
                prop_assert!(y1 <= x1 + 1e-12);
            }
        }

        #[test]
        fn gini_is_twice_area_between_diagonal_and_lorenz(x in counts_strategy()) {
            // trapezoid area under the Lorenz curve, B; G = 1 − 2B (independent of the
            // sorted formula)
            let curve = lorenz_curve(&x);
            let area: f64 = curve
                .windows(2)
                .map(|p| (p[1].0 - p[0].0) * (p[0].1 + p[1].1) / 2.0)
                .sum();
            let from_curve = 1.0 - 2.0 * area;
            prop_assert!((gini(&x) - from_curve).abs() <= 1e-9, "{} vs {}", gini(&x), from_curve);
        }
    }
}
