//! Paid promotion: a share of slate slots sold to tracks with a promotion budget, mixed into
//! another scorer's slate.
//!
//! **Who pays.** Tracks released in the last [`PROMOTION_WINDOW_DAYS`] days (a release
//! campaign) carry a budget: `major_weight` for a major-label track, 1 for an independent
//! one (majors buy more; assumption, the ratio is the scenario's knob). A sold slot goes to
//! a campaign track drawn with probability proportional to its budget.
//!
//! **Where.** k = round(`share` × slate size) slots are sold, at positions
//! ⌊(j + ½)·size / k⌋ for j = 0 … k − 1 (spread over the slate, as sponsored items are
//! interleaved in a feed); the base scorer's slate, curation rules applied, fills the rest
//! in order. Sold slots come after the curation rules: they are advertising, outside the
//! organic recommendations that a curation rule regulates.

use rand::RngExt;

use crate::ids::TrackId;
use crate::policy::{DayContext, SlateRequest, admissible};
use crate::rng::SimRng;
use crate::world::Label;

/// Days after release during which a track's campaign buys slots.
pub const PROMOTION_WINDOW_DAYS: i32 = 28;

/// Day state of paid promotion: the campaign tracks and their cumulative budgets.
#[derive(Clone, Debug)]
pub struct PromotionDay {
    share: f64,
    major_weight: f64,
    campaigns: Vec<TrackId>,
    cumulative: Vec<f64>,
}

impl PromotionDay {
    pub(crate) fn new(share: f64, major_weight: f64) -> Self {
        Self {
            share,
            major_weight,
            campaigns: Vec::new(),
            cumulative: Vec::new(),
        }
    }

    pub(crate) fn prepare(&mut self, ctx: &DayContext) {
        let tracks = &ctx.world.catalogue.tracks;
        let labels = &ctx.world.catalogue.artists.label;
        let first = tracks
            .release_day
            .partition_point(|&d| d <= ctx.day - PROMOTION_WINDOW_DAYS);
        self.campaigns.clear();
        self.cumulative.clear();
        let mut total = 0.0;
        for t in first..ctx.released {
            total += match labels[tracks.artist[t].index()] {
                Label::Major | Label::Platform => self.major_weight,
                Label::Independent => 1.0,
            };
            self.campaigns.push(TrackId(t as u32));
            self.cumulative.push(total);
        }
    }

    /// Slots sold in a slate of `size`.
    pub fn slots(&self, size: usize) -> usize {
        ((self.share * size as f64).round() as usize).min(size)
    }

    /// Inserts the sold slots into `slate` (the organic slate, at most `size − slots` long).
    pub(crate) fn mix(
        &self,
        request: &SlateRequest,
        size: usize,
        rng: &mut SimRng,
        slate: &mut Vec<TrackId>,
        organic: &mut Vec<TrackId>,
    ) {
        let k = self.slots(size);
        let Some(&total) = self.cumulative.last() else {
            return;
        };
        if k == 0 {
            return;
        }
        organic.clear();
        organic.append(slate);
        // Draw the sponsored tracks first (into `slate`, temporarily).
        let mut attempts = 0;
        while slate.len() < k && attempts < k * 8 {
            attempts += 1;
            let u = rng.random::<f64>() * total;
            let i = self
                .cumulative
                .partition_point(|&c| c <= u)
                .min(self.campaigns.len() - 1);
            let t = self.campaigns[i];
            if admissible(t.0, request, slate) && !organic.contains(&t) {
                slate.push(t);
            }
        }
        let sponsored = slate.len();
        // Interleave: sponsored j at ⌊(j + ½)·size / k⌋.
        let mut paid = 0;
        let mut free = 0;
        let mut merged = [TrackId(0); 64];
        let mut n = 0;
        for position in 0..size {
            let due = paid < sponsored && position == (2 * paid + 1) * size / (2 * k);
            if due {
                merged[n] = slate[paid];
                paid += 1;
            } else if free < organic.len() {
                merged[n] = organic[free];
                free += 1;
            } else if paid < sponsored {
                merged[n] = slate[paid];
                paid += 1;
            } else {
                break;
            }
            n += 1;
        }
        slate.clear();
        slate.extend_from_slice(&merged[..n]);
        organic.clear();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ids::RegionId;
    use crate::policy::LibraryView;
    use rand::SeedableRng;

    fn day() -> PromotionDay {
        // Track 100 is a major's (budget 4), track 101 an independent's (budget 1).
        PromotionDay {
            share: 0.2,
            major_weight: 4.0,
            campaigns: vec![TrackId(100), TrackId(101)],
            cumulative: vec![4.0, 5.0],
        }
    }

    fn request(library: &[u32]) -> SlateRequest<'_> {
        SlateRequest {
            listener: crate::ids::ListenerId(0),
            region: RegionId(0),
            profile: &[0.0; 4],
            library: LibraryView::new(library),
            history: library,
            familiarity: &[],
        }
    }

    #[test]
    fn sold_slots_are_spread_over_the_slate() {
        // 20% of 10 = 2 slots, at ⌊0.5·10/2⌋ = 2 and ⌊1.5·10/2⌋ = 7; the organic slate of
        // 8 fills the rest in order.
        let mut rng = SimRng::seed_from_u64(1);
        let mut slate: Vec<TrackId> = (0..8).map(TrackId).collect();
        day().mix(&request(&[]), 10, &mut rng, &mut slate, &mut Vec::new());
        let ids: Vec<u32> = slate.iter().map(|t| t.0).collect();
        assert_eq!(ids.len(), 10);
        let mut paid = vec![ids[2], ids[7]];
        paid.sort_unstable();
        assert_eq!(paid, vec![100, 101]);
        let organic: Vec<u32> = ids.iter().copied().filter(|&t| t < 100).collect();
        assert_eq!(organic, (0..8).collect::<Vec<_>>());
    }

    #[test]
    fn majors_buy_slots_in_proportion_to_budget() {
        // One sold slot in a slate of 5 (share 0.2): the major's track should take it with
        // probability 4/5. 10,000 slates: sd of the share ≈ 0.004; allow 5 sd.
        let mut rng = SimRng::seed_from_u64(2);
        let mut major = 0;
        for _ in 0..10_000 {
            let mut slate: Vec<TrackId> = (0..4).map(TrackId).collect();
            day().mix(&request(&[]), 5, &mut rng, &mut slate, &mut Vec::new());
            major += usize::from(slate.contains(&TrackId(100)));
        }
        assert!((7_800..=8_200).contains(&major), "{major} of 10,000");
    }

    #[test]
    fn library_tracks_are_not_sold() {
        let mut rng = SimRng::seed_from_u64(3);
        let mut slate: Vec<TrackId> = (0..4).map(TrackId).collect();
        day().mix(&request(&[100]), 5, &mut rng, &mut slate, &mut Vec::new());
        assert!(slate.contains(&TrackId(101)) && !slate.contains(&TrackId(100)));
    }
}
