//! `popularity_discount { alpha }`: the popularity-discounted recommender of Fleder &
//! Hosanagar (2009), who show that discounting popular items lets a recommender lower
//! aggregate concentration instead of raising it.
//!
//! score′(t) = rel(t) / (1 + p(t))^α, where rel is the relevance rescaled to 0..1 and p(t)
//! the track's popularity in the listener's region: streams over the last 7 days per 1,000
//! of the region's listeners (the quantity behind social proof). α = 0 changes nothing; α = 1
//! divides by popularity; larger α pushes the slate further down the long tail. The list is
//! re-sorted by score′ (ties: lower track id), which later rules see as the relevance.

use super::select::relevance;
use crate::policy::candidate::{RuleScratch, sort_best_first};
use crate::policy::extend::SlateContext;
use crate::policy::{Candidate, SlateRequest};

/// The popularity discount rule.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct PopularityDiscount {
    /// Discount exponent α ≥ 0.
    pub alpha: f64,
}

impl PopularityDiscount {
    /// Rescores and re-sorts `list`.
    pub fn apply(
        &self,
        ctx: &SlateContext,
        request: &SlateRequest,
        list: &mut [Candidate],
        scratch: &mut RuleScratch,
    ) {
        relevance(list, &mut scratch.values);
        let alpha = self.alpha as f32;
        for (c, &rel) in list.iter_mut().zip(&scratch.values) {
            let p = ctx.facts.popularity(request.region, c.track);
            c.score = rel / (1.0 + p).powf(alpha);
        }
        sort_best_first(list);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::policy::curation::testkit::{Kit, T};

    #[test]
    fn discount_by_hand() {
        // Relevance 1, 0.5, 0 (three candidates); popularity per 1,000 listeners 3, 0, 0.
        // α = 1: 1/(1+3) = 0.25, 0.5/1 = 0.5, 0/1 = 0 → order 1, 0, 2.
        let kit = Kit::new(&[
            T {
                recent: 3,
                ..T::default()
            },
            T::default(),
            T::default(),
        ]);
        let mut list = kit.ranked(3);
        list[1].score = 0.5;
        list[2].score = 0.0;
        PopularityDiscount { alpha: 1.0 }.apply(
            &kit.ctx(),
            &kit.request(0),
            &mut list,
            &mut RuleScratch::default(),
        );
        assert_eq!(kit.ids(&list), vec![1, 0, 2]);
        assert!((list[0].score - 0.5).abs() < 1e-6 && (list[1].score - 0.25).abs() < 1e-6);
    }

    #[test]
    fn discount_lowers_the_slates_mean_popularity() {
        // Relevance falls with rank; popularity halves with rank over the top ten
        // (1,024, 512, …, 2) and is 0 below. Slate of 5.
        let tracks: Vec<T> = (0..20)
            .map(|t| T {
                recent: if t < 10 { 1 << (10 - t) } else { 0 },
                ..T::default()
            })
            .collect();
        let kit = Kit::new(&tracks);
        let region = kit.request(0).region;
        let mean_pop = |l: &[Candidate]| {
            l.iter()
                .map(|c| kit.facts.popularity(region, c.track))
                .sum::<f32>()
                / l.len() as f32
        };
        // α = 0: the top five, mean (1024 + 512 + 256 + 128 + 64) / 5 = 396.8.
        let undiscounted = mean_pop(&kit.ranked(20)[..5]);
        assert_eq!(undiscounted, 396.8);
        // α = ½: rel/√(1+p) puts tracks 10..=13 (p = 0) and 9 (9/19/√3 ≈ 0.30 > 5/19) first:
        // mean 2/5. α ≥ 1: only unplayed tracks, mean 0.
        let mut previous = undiscounted;
        for (alpha, expected) in [(0.5, 0.4), (1.0, 0.0), (2.0, 0.0)] {
            let mut after = kit.ranked(20);
            let rule = PopularityDiscount { alpha };
            rule.apply(
                &kit.ctx(),
                &kit.request(0),
                &mut after,
                &mut RuleScratch::default(),
            );
            let now = mean_pop(&after[..5]);
            assert!(
                (now - expected).abs() < 1e-6,
                "alpha {alpha}: mean popularity {now}"
            );
            assert!(now <= previous);
            previous = now;
        }
    }
}
