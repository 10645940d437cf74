//! `fair_exposure { group, min_share, boost, max_share }`: an exposure floor and/or a capped
//! boost for independent-label or long-tail tracks.
//!
//! * boost: rel′(t) = rel(t) + `boost`·[t in group] (rel rescaled to 0..1), then re-sorted
//!   (ties: lower track id), at most ⌊`max_share`·n⌋ group tracks in a slate of n: the
//!   "capped boost" form of exposure fairness (a bonus that cannot take over the slate);
//! * floor: at least ⌈`min_share`·n⌉ group tracks whenever enough exist (the best ones), the
//!   "exposure floor" form, like a quota.
//!
//! Both can be combined (boost first, then floor and cap). `independent` means the artist
//! is on an independent label; `long_tail` means outside the region's head
//! ([`crate::policy::HEAD_SHARE`] of the released catalogue by 7-day plays). The rule adds
//! group tracks to the candidates from per-region pools.

use super::select::{Bound, at_least, at_most, move_to_front, pick_with_bounds, relevance};
use crate::policy::candidate::{RuleScratch, sort_best_first};
use crate::policy::extend::SlateContext;
use crate::policy::facts::{is_independent, is_platform};
use crate::policy::{Candidate, ExposureGroup, SlateRequest};

/// The exposure-fairness rule.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct FairExposure {
    /// The protected group.
    pub group: ExposureGroup,
    /// Minimum share of each slate from the group.
    pub min_share: f64,
    /// Relevance bonus of group tracks.
    pub boost: f64,
    /// Maximum share of each slate from the group.
    pub max_share: f64,
}

impl FairExposure {
    /// Reorders (and with a boost, rescores) `list`.
    pub fn apply(
        &self,
        ctx: &SlateContext,
        request: &SlateRequest,
        list: &mut Vec<Candidate>,
        size: usize,
        scratch: &mut RuleScratch,
    ) {
        let (world, facts, region) = (ctx.world, ctx.facts, request.region);
        let group = self.group;
        let member = move |c: &Candidate| match group {
            ExposureGroup::Independent => is_independent(world, c.track),
            ExposureGroup::LongTail => facts.is_long_tail(region, c.track),
            ExposureGroup::Platform => is_platform(world, c.track),
        };
        if self.boost > 0.0 {
            relevance(list, &mut scratch.values);
            for (c, &rel) in list.iter_mut().zip(&scratch.values) {
                c.score = rel + if member(c) { self.boost as f32 } else { 0.0 };
            }
            sort_best_first(list);
        }
        let floors = [Bound {
            count: at_least(self.min_share, size),
            member: &member,
        }];
        let caps = [Bound {
            count: at_most(self.max_share, size),
            member: &member,
        }];
        let mut picks = std::mem::take(&mut scratch.picks);
        pick_with_bounds(list, size, &floors, &caps, &mut picks, &mut scratch.taken);
        move_to_front(list, &picks, scratch);
        scratch.picks = picks;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::policy::curation::testkit::{Kit, T};

    fn kit() -> Kit {
        // Tracks 0..10 best first; 6..10 independent; 0..3 heavily streamed (the head).
        let tracks: Vec<T> = (0..10)
            .map(|t| T {
                independent: t >= 6,
                recent: if t < 3 { 500 } else { 0 },
                ..T::default()
            })
            .collect();
        Kit::new(&tracks)
    }

    /// The first `size` of ten candidates after the rule.
    fn slate(
        group: ExposureGroup,
        min_share: f64,
        boost: f64,
        max_share: f64,
        size: usize,
    ) -> Vec<u32> {
        let kit = kit();
        let mut list = kit.ranked(10);
        let rule = FairExposure {
            group,
            min_share,
            boost,
            max_share,
        };
        let mut scratch = RuleScratch::default();
        rule.apply(&kit.ctx(), &kit.request(0), &mut list, size, &mut scratch);
        kit.ids(&list[..size])
    }

    #[test]
    fn floor_guarantees_independent_exposure() {
        // 2 of 5 independent: the best two (6, 7), then the best three others.
        let ids = slate(ExposureGroup::Independent, 0.4, 0.0, 1.0, 5);
        assert_eq!(ids, vec![0, 1, 2, 6, 7]);
    }

    #[test]
    fn boost_is_capped() {
        // Relevance 1 − t/9; a boost of 1 lifts every independent track above the rest, but
        // at most 40% of a slate of 5 (2 tracks) may be independent.
        let ids = slate(ExposureGroup::Independent, 0.0, 1.0, 0.4, 5);
        assert_eq!(ids, vec![6, 7, 0, 1, 2]);
    }

    #[test]
    fn long_tail_floor() {
        // Ten released tracks: the head is the top ⌈10% × 10⌉ = 1 by plays, so its floor is
        // 500 streams and tracks 0..3 (500 each) are the head; a full floor skips them.
        assert_eq!(
            slate(ExposureGroup::LongTail, 1.0, 0.0, 1.0, 4),
            vec![3, 4, 5, 6]
        );
    }
}
