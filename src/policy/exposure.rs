//! What the slates showed, counted during the day for the weekly metrics.
//!
//! Every slate adds to integer counters (slates, items, local items, and a bit per track
//! ever recommended), which is cheap. The costlier measures — slate miscalibration against
//! the listener's history, intra-list diversity, realised utility — are taken for a fixed
//! sample of listeners, one in [`SAMPLE_EVERY`] by a hash of the listener index, so they
//! cost almost nothing. Sums of real values are kept in integer millionths so that adding
//! chunks in any order gives the same bits.

use crate::ids::{RegionId, TrackId};
use crate::metrics::{intra_list_diversity, js_divergence};
use crate::rng::mix64;
use crate::world::World;

use super::curation::calibrated::history_mix;
use super::facts::is_platform;
use super::{SlateRequest, SlateScratch};

/// One listener in this many is sampled for the costlier slate measures.
pub const SAMPLE_EVERY: u64 = 64;

/// Fixed-point scale of the real-valued sums.
const MICRO: f64 = 1e6;

/// Whether listener `listener` is in the measured sample (a fixed subset, the same for every
/// policy and day, spread evenly over regions by hashing).
#[inline]
pub fn is_sampled(listener: usize) -> bool {
    mix64(listener as u64 ^ 0x5EED_51A7E).is_multiple_of(SAMPLE_EVERY)
}

/// Slate counters of a set of listeners over some days (a chunk's week, then a week).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SlateStats {
    words: usize,
    /// Slates shown, per region.
    pub slates: Vec<u64>,
    /// Tracks shown on slates, per region.
    pub items: Vec<u64>,
    /// Tracks on slates by artists from the listener's region, per region.
    pub local_items: Vec<u64>,
    /// Tracks on slates the streaming platform owns, per region (counted only when it
    /// owns any).
    pub platform_items: Vec<u64>,
    /// Sampled slates measured for miscalibration, per region.
    pub sampled: Vec<u64>,
    /// Sum of their Jensen–Shannon divergences (bits) in millionths, per region.
    pub miscalibration_micro: Vec<u64>,
    /// Sampled slates of two or more tracks, per region.
    pub diverse: Vec<u64>,
    /// Sum of their intra-list diversities (taste units) in millionths, per region.
    pub diversity_micro: Vec<u64>,
    /// Choice occasions of sampled listeners, per region.
    pub utility_occasions: Vec<u64>,
    /// Sum of the utility of what they chose (the outside option at its utility) in
    /// millionths, per region.
    pub utility_micro: Vec<i64>,
    /// A bit per (region, track) recommended at least once.
    recommended: Vec<u64>,
}

impl SlateStats {
    /// Zeroed counters for `n_regions` regions and `n_tracks` tracks.
    pub fn new(n_regions: usize, n_tracks: usize) -> Self {
        let words = n_tracks.div_ceil(64);
        Self {
            words,
            slates: vec![0; n_regions],
            items: vec![0; n_regions],
            local_items: vec![0; n_regions],
            platform_items: vec![0; n_regions],
            sampled: vec![0; n_regions],
            miscalibration_micro: vec![0; n_regions],
            diverse: vec![0; n_regions],
            diversity_micro: vec![0; n_regions],
            utility_occasions: vec![0; n_regions],
            utility_micro: vec![0; n_regions],
            recommended: vec![0; n_regions * words],
        }
    }

    /// Counts one slate shown to a listener of `region`; `platform`: whether the
    /// platform owns any artist (whose tracks are then counted).
    #[inline]
    pub fn record_slate(
        &mut self,
        world: &World,
        region: RegionId,
        slate: &[TrackId],
        platform: bool,
    ) {
        let r = region.index();
        let origin = &world.catalogue.tracks.origin;
        let bits = &mut self.recommended[r * self.words..(r + 1) * self.words];
        let mut local = 0;
        for t in slate {
            local += u64::from(origin[t.index()] == region);
            bits[t.index() / 64] |= 1 << (t.index() % 64);
        }
        self.slates[r] += 1;
        self.items[r] += slate.len() as u64;
        self.local_items[r] += local;
        if platform {
            let owned = slate.iter().filter(|&&t| is_platform(world, t)).count();
            self.platform_items[r] += owned as u64;
        }
    }

    /// Measures a sampled listener's slate: miscalibration (JS divergence in bits between
    /// the slate's genre mix and the history's, as [`super::curation::calibrated`] defines
    /// the history) and intra-list diversity.
    pub fn record_sample(
        &mut self,
        world: &World,
        request: &SlateRequest,
        slate: &[TrackId],
        scratch: &mut SlateScratch,
    ) {
        let r = request.region.index();
        if slate.is_empty() {
            return;
        }
        let genre = &world.catalogue.tracks.genre;
        history_mix(world, request, &mut scratch.history);
        if scratch.history.iter().any(|&x| x > 0.0) {
            scratch.slate_mix.clear();
            scratch.slate_mix.resize(scratch.history.len(), 0.0);
            for t in slate {
                scratch.slate_mix[genre[t.index()].index()] += 1.0;
            }
            let js = js_divergence(&scratch.history, &scratch.slate_mix);
            self.sampled[r] += 1;
            self.miscalibration_micro[r] += (js * MICRO).round() as u64;
        }
        if slate.len() >= 2 {
            scratch.tastes.clear();
            let taste = &world.catalogue.tracks.taste;
            scratch
                .tastes
                .extend(slate.iter().map(|t| taste[t.index()]));
            self.diverse[r] += 1;
            self.diversity_micro[r] +=
                (intra_list_diversity(&scratch.tastes) * MICRO).round() as u64;
        }
    }

    /// Adds a sampled listener-day's choices: `occasions` choice occasions whose chosen
    /// options' utilities sum to `utility`.
    #[inline]
    pub fn record_utility(&mut self, region: RegionId, occasions: u32, utility: f64) {
        self.utility_occasions[region.index()] += u64::from(occasions);
        self.utility_micro[region.index()] += (utility * MICRO).round() as i64;
    }

    /// Adds another set of counters into this one.
    pub fn add(&mut self, other: &SlateStats) {
        let sums = [
            (&mut self.slates, &other.slates),
            (&mut self.items, &other.items),
            (&mut self.local_items, &other.local_items),
            (&mut self.platform_items, &other.platform_items),
            (&mut self.sampled, &other.sampled),
            (&mut self.miscalibration_micro, &other.miscalibration_micro),
            (&mut self.diverse, &other.diverse),
            (&mut self.diversity_micro, &other.diversity_micro),
            (&mut self.utility_occasions, &other.utility_occasions),
        ];
        for (mine, theirs) in sums {
            mine.iter_mut().zip(theirs).for_each(|(a, b)| *a += b);
        }
        for (a, b) in self.utility_micro.iter_mut().zip(&other.utility_micro) {
            *a += b;
        }
        for (a, b) in self.recommended.iter_mut().zip(&other.recommended) {
            *a |= b;
        }
    }

    /// Zeroes every counter, keeping the allocations.
    pub fn clear(&mut self) {
        for v in [
            &mut self.slates,
            &mut self.items,
            &mut self.local_items,
            &mut self.platform_items,
            &mut self.sampled,
            &mut self.miscalibration_micro,
            &mut self.diverse,
            &mut self.diversity_micro,
            &mut self.utility_occasions,
            &mut self.recommended,
        ] {
            v.fill(0);
        }
        self.utility_micro.fill(0);
    }

    /// The bits of the tracks recommended in `region` (bit t of word t / 64).
    pub fn recommended(&self, region: usize) -> &[u64] {
        &self.recommended[region * self.words..(region + 1) * self.words]
    }

    /// Mean of a millionths sum over a count, `None` when the count is 0.
    pub fn mean(micro: i128, count: u64) -> Option<f64> {
        (count > 0).then(|| micro as f64 / MICRO / count as f64)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sample_is_about_one_in_64() {
        let n = (0..64_000).filter(|&l| is_sampled(l)).count();
        // Expect 1,000 (sd ≈ 31): allow 5 sd.
        assert!((845..=1_155).contains(&n), "{n} sampled");
    }

    #[test]
    fn counters_add_and_clear() {
        let mut a = SlateStats::new(2, 130);
        let mut b = SlateStats::new(2, 130);
        a.slates[0] = 2;
        a.recommended[0] = 0b101;
        b.slates[0] = 3;
        b.recommended[0] = 0b011;
        b.utility_micro[1] = -7;
        a.add(&b);
        assert_eq!(a.slates[0], 5);
        assert_eq!(a.recommended(0)[0], 0b111);
        assert_eq!(a.utility_micro[1], -7);
        assert_eq!(a.recommended(1).len(), 3, "130 tracks need 3 words");
        a.clear();
        assert_eq!(a, SlateStats::new(2, 130));
        assert_eq!(SlateStats::mean(3_000_000, 2), Some(1.5));
        assert_eq!(SlateStats::mean(0, 0), None);
    }
}
