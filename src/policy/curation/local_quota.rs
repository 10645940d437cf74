//! `local_quota { share, new_talent_share }`: at least `share` of each slate by artists from
//! the listener's region, at least `new_talent_share` of those slots by new artists.
//!
//! Modelled on France's radio quota (FACTS.md: 40% French-language songs, half of them from
//! new talent, 1994/2016 broadcasting law): with a slate of n, the slate holds at least
//! m = ⌈share·n⌉ local tracks of which at least ⌈new_talent_share·m⌉ by artists who debuted
//! within a year ([`crate::policy::NEW_TALENT_DAYS`]). The rule takes the best new-talent local
//! candidates up to their floor, then the best local ones up to m, then the best of the rest;
//! the slate keeps relevance order. Where too few local candidates exist it takes them all.
//! The rule adds local (and local new-talent) tracks to the candidates from per-region pools,
//! so the quota can be met whatever the scorer proposed.

use super::select::{Bound, at_least, move_to_front, pick_with_bounds};
use crate::policy::candidate::RuleScratch;
use crate::policy::extend::SlateContext;
use crate::policy::{Candidate, SlateRequest};

/// The local quota rule.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct LocalQuota {
    /// Minimum share of local tracks in a slate, 0..1.
    pub share: f64,
    /// Minimum share of the local slots from new artists, 0..1.
    pub new_talent_share: f64,
}

impl LocalQuota {
    /// Reorders `list` so its first `size` candidates meet the quota.
    pub fn apply(
        &self,
        ctx: &SlateContext,
        request: &SlateRequest,
        list: &mut Vec<Candidate>,
        size: usize,
        scratch: &mut RuleScratch,
    ) {
        let local_slots = at_least(self.share, size);
        let new_slots = at_least(self.new_talent_share, local_slots);
        let (world, facts, region) = (ctx.world, ctx.facts, request.region);
        let local = |c: &Candidate| facts.is_local(world, region, c.track);
        let new_local = |c: &Candidate| local(c) && facts.is_new_talent(world, c.track);
        let floors = [
            Bound {
                count: new_slots,
                member: &new_local,
            },
            Bound {
                count: local_slots,
                member: &local,
            },
        ];
        let mut picks = std::mem::take(&mut scratch.picks);
        pick_with_bounds(list, size, &floors, &[], &mut picks, &mut scratch.taken);
        move_to_front(list, &picks, scratch);
        scratch.picks = picks;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::policy::curation::testkit::{Kit, T};

    #[test]
    fn quota_is_met_when_enough_local_candidates_exist() {
        // Ten candidates best first; region 0 listener; tracks 6..=9 local (8, 9 by new
        // artists). Slate of 5, share 0.4 → 2 local, new_talent_share 0.5 → 1 new.
        let tracks: Vec<T> = (0..10)
            .map(|t| T {
                origin: if t >= 6 { 0 } else { 1 },
                new_artist: t >= 8,
                ..T::default()
            })
            .collect();
        let kit = Kit::new(&tracks);
        let mut list = kit.ranked(10);
        let rule = LocalQuota {
            share: 0.4,
            new_talent_share: 0.5,
        };
        rule.apply(
            &kit.ctx(),
            &kit.request(0),
            &mut list,
            5,
            &mut RuleScratch::default(),
        );
        // New local: best is 8. Local up to 2: best local not taken is 6. Rest: 0, 1, 2.
        // Slate in relevance order: 0, 1, 2, 6, 8.
        assert_eq!(kit.ids(&list[..5]), vec![0, 1, 2, 6, 8]);
        // The others follow in their old order.
        assert_eq!(kit.ids(&list[5..]), vec![3, 4, 5, 7, 9]);
    }

    #[test]
    fn quota_takes_every_local_candidate_when_short() {
        let tracks: Vec<T> = (0..6)
            .map(|t| T {
                origin: if t == 5 { 0 } else { 1 },
                ..T::default()
            })
            .collect();
        let kit = Kit::new(&tracks);
        let mut list = kit.ranked(6);
        let rule = LocalQuota {
            share: 0.6,
            new_talent_share: 0.0,
        };
        rule.apply(
            &kit.ctx(),
            &kit.request(0),
            &mut list,
            5,
            &mut RuleScratch::default(),
        );
        // Only track 5 is local: it joins, and the four best others fill the slate.
        assert_eq!(kit.ids(&list[..5]), vec![0, 1, 2, 3, 5]);
    }

    #[test]
    fn quota_share_holds_for_every_slate_size() {
        // Half the candidates local, alternating: the quota holds for any share and size.
        let tracks: Vec<T> = (0..40)
            .map(|t| T {
                origin: (t % 2) as u8,
                ..T::default()
            })
            .collect();
        let kit = Kit::new(&tracks);
        for size in 1..=20 {
            for share in [0.0, 0.3, 0.4, 0.75, 1.0] {
                let mut list = kit.ranked(40);
                // Local tracks are the even ones; make them the worst-ranked half.
                list.sort_by_key(|c| (c.track.0 % 2 == 0, c.track.0));
                let rule = LocalQuota {
                    share,
                    new_talent_share: 0.0,
                };
                rule.apply(
                    &kit.ctx(),
                    &kit.request(0),
                    &mut list,
                    size,
                    &mut RuleScratch::default(),
                );
                let local = list[..size].iter().filter(|c| c.track.0 % 2 == 0).count();
                let need = (share * size as f64 - 1e-9).ceil() as usize;
                assert!(local >= need, "size {size} share {share}: {local} < {need}");
            }
        }
    }
}
