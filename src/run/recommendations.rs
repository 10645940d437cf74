//! The weekly recommendation columns of a [`WeekRow`]: what the slates exposed, how they
//! fitted listeners, how alike listeners' consumption became, and what it cost them.

use super::rows::WeekRow;
use crate::metrics::{overlap_with_most_similar, share};
use crate::policy::{SlateStats, is_sampled};
use crate::step::{ListenerState, Tally};
use crate::world::World;

/// Tracks ever recommended in a run, per region (bits), for the catalogue column.
#[derive(Clone)]
pub struct Recommended {
    ever: Vec<Vec<u64>>,
}

impl Recommended {
    /// Nothing recommended yet.
    pub fn new(n_regions: usize) -> Self {
        Self {
            ever: vec![Vec::new(); n_regions],
        }
    }

    /// Adds a week's slates.
    pub fn absorb(&mut self, stats: &SlateStats) {
        for (r, ever) in self.ever.iter_mut().enumerate() {
            let week = stats.recommended(r);
            ever.resize(week.len(), 0);
            ever.iter_mut().zip(week).for_each(|(a, b)| *a |= b);
        }
    }

    /// Tracks among `0..released` recommended at least once in any of `regions`.
    fn count(&self, regions: &[usize], released: usize) -> u64 {
        let words = released.div_ceil(64);
        let mut n = 0;
        for w in 0..words {
            let mut bits = regions.iter().fold(0u64, |acc, &r| {
                acc | self.ever[r].get(w).copied().unwrap_or(0)
            });
            if w == words - 1 && !released.is_multiple_of(64) {
                bits &= (1u64 << (released % 64)) - 1;
            }
            n += u64::from(bits.count_ones());
        }
        n
    }
}

/// Most sampled listeners per region whose libraries are compared for the consumption
/// overlap: the first ones in listener order. A fixed number keeps the measure the same
/// quantity at every population size (the most similar of more libraries is more similar)
/// and its cost bounded.
pub const OVERLAP_SAMPLE: usize = 500;

/// Consumption overlap of the sampled listeners (at most [`OVERLAP_SAMPLE`] per region):
/// for each, the Jaccard index of their library with the most similar sampled library in
/// their region (Chaney, Stewart & Engelhardt 2018), averaged per region and then over
/// every sampled listener (last entry); `None` where fewer than two listeners were sampled.
pub fn consumption_overlap(
    world: &World,
    states: &[ListenerState],
    n_regions: usize,
) -> Vec<Option<f64>> {
    let regions = world.listeners.region();
    let mut by_region: Vec<Vec<&[u32]>> = vec![Vec::new(); n_regions];
    for (l, state) in states.iter().enumerate() {
        let sets = &mut by_region[regions[l].index()];
        if is_sampled(l) && sets.len() < OVERLAP_SAMPLE {
            sets.push(state.library());
        }
    }
    let (mut all_sum, mut all_n) = (0.0, 0usize);
    let mut out: Vec<Option<f64>> = by_region
        .iter()
        .map(|sets| {
            if sets.len() < 2 {
                return None;
            }
            let best = overlap_with_most_similar(sets);
            let sum: f64 = best.iter().sum();
            all_sum += sum;
            all_n += best.len();
            Some(sum / best.len() as f64)
        })
        .collect();
    out.push((all_n > 0).then(|| all_sum / all_n as f64));
    out
}

/// Fills the recommendation columns of a row covering `regions` (`overlap` is this week's
/// [`consumption_overlap`] entry for the row).
pub fn add_recommendation_columns(
    row: &mut WeekRow,
    tally: &Tally,
    regions: &[usize],
    released: usize,
    ever: &Recommended,
    overlap: Option<f64>,
    platform: bool,
) {
    let s = &tally.slates;
    let sum = |v: &[u64]| regions.iter().map(|&r| v[r]).sum::<u64>();
    let sum_signed = |v: &[i64]| regions.iter().map(|&r| i128::from(v[r])).sum::<i128>();
    let items = sum(&s.items);
    row.local_share_recommendations = (items > 0).then(|| share(sum(&s.local_items), items));
    row.platform_share_recommendations =
        (items > 0 && platform).then(|| share(sum(&s.platform_items), items));
    row.slate_miscalibration =
        SlateStats::mean(i128::from(sum(&s.miscalibration_micro)), sum(&s.sampled));
    row.slate_diversity = SlateStats::mean(i128::from(sum(&s.diversity_micro)), sum(&s.diverse));
    row.consumption_overlap = overlap;
    let recommended = ever.count(regions, released);
    row.catalogue_recommended_share =
        (recommended > 0).then(|| share(recommended, released as u64));
    row.mean_realised_utility =
        SlateStats::mean(sum_signed(&s.utility_micro), sum(&s.utility_occasions));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ever_recommended_counts_released_tracks_across_regions() {
        let mut ever = Recommended::new(2);
        // Region 0 was shown track 3; region 1 tracks 3 and 129 (word 2, bit 1).
        ever.ever = vec![vec![1 << 3, 0, 0], vec![1 << 3, 0, 1 << 1]];
        // Track 3 counts once for both regions together; track 129 only once released.
        assert_eq!(ever.count(&[0, 1], 130), 2);
        assert_eq!(ever.count(&[0, 1], 129), 1);
        assert_eq!(ever.count(&[0], 130), 1);
        ever.absorb(&SlateStats::new(2, 130));
        assert_eq!(
            ever.count(&[1], 130),
            2,
            "absorbing an empty week changes nothing"
        );
    }
}
