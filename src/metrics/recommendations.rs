//! Measures of what recommendations look like and what they do to listening: divergence of
//! a slate's genre mix from the listener's history, intra-list diversity, and consumption
//! overlap between listeners.
//!
//! These are the numbers behind the per-policy questions "does a rule that forces diversity
//! actually diversify slates?" (intra-list diversity, miscalibration), "do feedback loops
//! make listeners consume alike?" (overlap, Chaney, Stewart & Engelhardt 2018) and "how much
//! of the catalogue does the recommender ever show?". Pure functions; no input is modified.

use crate::world::Taste;

/// Kullback–Leibler divergence KL(p ‖ q) = Σᵢ pᵢ·ln(pᵢ/qᵢ), in nats, of two probability
/// vectors of equal length. Terms with pᵢ = 0 contribute 0; a term with pᵢ > 0 and qᵢ = 0
/// makes it infinite. The caller normalises.
pub fn kl_divergence(p: &[f64], q: &[f64]) -> f64 {
    p.iter()
        .zip(q)
        .filter(|(p, _)| **p > 0.0)
        .map(|(&p, &q)| {
            if q > 0.0 {
                p * (p / q).ln()
            } else {
                f64::INFINITY
            }
        })
        .sum()
}

/// Jensen–Shannon divergence of two non-negative weight vectors (normalised here), in bits:
///
/// ```text
/// JS(P, Q) = ½·KL(P ‖ M) + ½·KL(Q ‖ M) / ln 2,   M = (P + Q) / 2
/// ```
///
/// Symmetric, finite, 0 for identical distributions and 1 for distributions with disjoint
/// support. Returns 0 when either vector sums to 0 (nothing to compare).
pub fn js_divergence(a: &[f64], b: &[f64]) -> f64 {
    let (sa, sb): (f64, f64) = (a.iter().sum(), b.iter().sum());
    if sa <= 0.0 || sb <= 0.0 {
        return 0.0;
    }
    let mut js = 0.0;
    for (&x, &y) in a.iter().zip(b) {
        let (p, q) = (x / sa, y / sb);
        let m = 0.5 * (p + q);
        if p > 0.0 {
            js += 0.5 * p * (p / m).ln();
        }
        if q > 0.0 {
            js += 0.5 * q * (q / m).ln();
        }
    }
    (js / std::f64::consts::LN_2).max(0.0)
}

/// Intra-list diversity: the mean Euclidean distance in taste space over all pairs of a
/// slate's tracks (taste units), 0 for fewer than two tracks.
pub fn intra_list_diversity(points: &[Taste]) -> f64 {
    let n = points.len();
    if n < 2 {
        return 0.0;
    }
    let mut total = 0.0;
    for i in 0..n {
        for j in i + 1..n {
            total += f64::from(crate::world::dist2(&points[i], &points[j])).sqrt();
        }
    }
    total / (n * (n - 1) / 2) as f64
}

/// Jaccard index |A ∩ B| / |A ∪ B| of two sets given as slices without repeats; 0 when both
/// are empty.
pub fn jaccard(a: &[u32], b: &[u32]) -> f64 {
    let common = a.iter().filter(|x| b.contains(x)).count();
    let union = a.len() + b.len() - common;
    if union == 0 {
        0.0
    } else {
        common as f64 / union as f64
    }
}

/// For each set, its Jaccard index with the most similar *other* set (Chaney, Stewart &
/// Engelhardt 2018 measure homogenisation as the overlap of a user's consumption with their
/// nearest neighbour's). With fewer than two sets the result is all zeros.
///
/// Sets sharing no item have Jaccard 0, so only pairs that share something are compared:
/// an inverted index (item → sets holding it) counts each set's common items with every
/// other set, in parallel over sets. The work is the sum over items of their holders
/// squared, not the number of pairs of sets, and the counts are exact.
pub fn overlap_with_most_similar(sets: &[&[u32]]) -> Vec<f64> {
    use rayon::prelude::*;
    let mut holders: std::collections::HashMap<u32, Vec<u32>> = std::collections::HashMap::new();
    for (i, set) in sets.iter().enumerate() {
        for &item in *set {
            holders.entry(item).or_default().push(i as u32);
        }
    }
    (0..sets.len())
        .into_par_iter()
        .map_init(
            || (vec![0u32; sets.len()], Vec::new()),
            |(common, touched), i| {
                for item in sets[i] {
                    for &j in &holders[item] {
                        let j = j as usize;
                        if j != i {
                            if common[j] == 0 {
                                touched.push(j);
                            }
                            common[j] += 1;
                        }
                    }
                }
                let mut best = 0.0f64;
                for &j in touched.iter() {
                    let c = common[j] as usize;
                    let union = sets[i].len() + sets[j].len() - c;
                    best = best.max(c as f64 / union as f64);
                    common[j] = 0;
                }
                touched.clear();
                best
            },
        )
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kl_by_hand() {
        // KL((½,½) ‖ (¼,¾)) = ½ ln 2 + ½ ln(2/3) = ½ ln(4/3)
        let kl = kl_divergence(&[0.5, 0.5], &[0.25, 0.75]);
        assert!((kl - 0.5 * (4.0f64 / 3.0).ln()).abs() < 1e-12);
        assert_eq!(kl_divergence(&[1.0, 0.0], &[1.0, 0.0]), 0.0);
        assert!(kl_divergence(&[0.5, 0.5], &[1.0, 0.0]).is_infinite());
    }

    #[test]
    fn js_by_hand() {
        assert_eq!(js_divergence(&[2.0, 2.0], &[1.0, 1.0]), 0.0);
        // Disjoint supports: 1 bit.
        assert!((js_divergence(&[1.0, 0.0], &[0.0, 3.0]) - 1.0).abs() < 1e-12);
        // P = (1, 0), Q = (½, ½): M = (¾, ¼); KL(P‖M) = ln(4/3);
        // KL(Q‖M) = ½ ln(⅔) + ½ ln 2 = ½ ln(4/3); JS = ¾ ln(4/3) / ln 2 ≈ 0.311278.
        let js = js_divergence(&[1.0, 0.0], &[1.0, 1.0]);
        assert!((js - 0.75 * (4.0f64 / 3.0).log2()).abs() < 1e-12);
        assert_eq!(js_divergence(&[0.0, 0.0], &[1.0, 1.0]), 0.0);
    }

    #[test]
    fn ild_by_hand() {
        // A 3-4-5 triangle: distances 3, 4, 5 → mean 4.
        let pts = [
            [0.0, 0.0, 0.0, 0.0],
            [3.0, 0.0, 0.0, 0.0],
            [0.0, 4.0, 0.0, 0.0],
        ];
        assert!((intra_list_diversity(&pts) - 4.0).abs() < 1e-6);
        assert_eq!(intra_list_diversity(&pts[..1]), 0.0);
    }

    #[test]
    fn jaccard_and_nearest_overlap_by_hand() {
        assert_eq!(jaccard(&[1, 2, 3], &[2, 3, 4]), 0.5); // {2,3} / {1,2,3,4}
        assert_eq!(jaccard(&[], &[]), 0.0);
        let (a, b, c): (&[u32], &[u32], &[u32]) = (&[1, 2, 3], &[2, 3, 4], &[9]);
        // a–b 0.5, a–c 0, b–c 0 → a: 0.5, b: 0.5, c: 0
        assert_eq!(overlap_with_most_similar(&[a, b, c]), vec![0.5, 0.5, 0.0]);
        assert_eq!(overlap_with_most_similar(&[a]), vec![0.0]);
    }

    #[test]
    fn nearest_overlap_matches_every_pair_compared() {
        // 300 sets of 5..40 items from 0..200, from a fixed linear congruential sequence.
        let mut x = 12_345u64;
        let mut next = |n: u64| {
            x = x.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1);
            (x >> 33) % n
        };
        let sets: Vec<Vec<u32>> = (0..300)
            .map(|_| {
                let mut s: Vec<u32> = (0..5 + next(36)).map(|_| next(200) as u32).collect();
                s.sort_unstable();
                s.dedup();
                s
            })
            .collect();
        let refs: Vec<&[u32]> = sets.iter().map(Vec::as_slice).collect();
        // Every pair, with the plain Jaccard.
        let expected: Vec<f64> = (0..refs.len())
            .map(|i| {
                (0..refs.len())
                    .filter(|&j| j != i)
                    .map(|j| jaccard(refs[i], refs[j]))
                    .fold(0.0, f64::max)
            })
            .collect();
        assert_eq!(overlap_with_most_similar(&refs), expected);
    }
}
