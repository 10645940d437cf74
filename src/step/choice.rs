//! The listener's choice: a multinomial logit over the day's choice set plus an outside
//! option, sampled once per choice occasion.
//!
//! P(item i) = exp(Uᵢ) / (exp(U₀) + Σⱼ exp(Uⱼ)) and P(outside) = exp(U₀) / (same). The
//! choice set is built once per active listener-day, so the day's occasions share one
//! cumulative weight table and each draw is a binary search.

use super::tally::Channel;
use rand::Rng;

use crate::rng::SimRng;
use crate::world::unit_f32;

/// Largest choice set: slate (≤ 50) + library picks (≤ [`MAX_LIBRARY_SLOTS`]) + chart
/// picks (≤ 20) + new releases (≤ 10) + seasonal picks (≤ 10) + media tie-ins
/// (≤ [`MAX_TIE_INS`]); item indices fit a `u8`.
pub const MAX_CHOICES: usize = 90 + MAX_LIBRARY_SLOTS + MAX_TIE_INS;
const _: () = assert!(MAX_CHOICES < 256);

use crate::scenario::limits::MAX_LIBRARY_SLOTS;

pub use crate::scenario::limits::MAX_TIE_INS;

/// One listener-day's choice set with cumulative MNL weights.
#[derive(Clone, Debug)]
pub struct ChoiceSet {
    track: [u32; MAX_CHOICES],
    channel: [Channel; MAX_CHOICES],
    utility: [f32; MAX_CHOICES],
    len: usize,
    /// Sampling tables, kept here so a listener-day initialises only the entries it uses.
    cumulative: [f32; MAX_CHOICES + 3],
    guide: [u8; 2 * (MAX_CHOICES + 1)],
    first_bucket: [u8; 2 * (MAX_CHOICES + 1) + 1],
    /// Bloom-style mask of hashed track ids, so most membership tests are one AND.
    mask: u128,
}

impl Default for ChoiceSet {
    fn default() -> Self {
        Self {
            track: [0; MAX_CHOICES],
            channel: [Channel::Slate; MAX_CHOICES],
            utility: [0.0; MAX_CHOICES],
            len: 0,
            cumulative: [f32::INFINITY; MAX_CHOICES + 3],
            guide: [0; 2 * (MAX_CHOICES + 1)],
            first_bucket: [0; 2 * (MAX_CHOICES + 1) + 1],
            mask: 0,
        }
    }
}

#[inline(always)]
fn bit(track: u32) -> u128 {
    1u128 << (track.wrapping_mul(0x9E37_79B1) >> 25)
}

impl ChoiceSet {
    /// Empties the set.
    #[inline]
    pub fn clear(&mut self) {
        self.len = 0;
        self.mask = 0;
    }

    /// Adds an item with utility `utility`. The caller ensures the track is not already
    /// in the set (see [`ChoiceSet::contains`]), so each track appears once.
    #[inline]
    pub fn push(&mut self, track: u32, channel: Channel, utility: f32) {
        debug_assert!(self.len < MAX_CHOICES);
        debug_assert!(!self.contains(track), "track {track} pushed twice");
        self.mask |= bit(track);
        self.track[self.len] = track;
        self.channel[self.len] = channel;
        self.utility[self.len] = utility;
        self.len += 1;
    }

    /// Number of items.
    #[inline]
    pub fn len(&self) -> usize {
        self.len
    }

    /// Whether the set is empty.
    #[inline]
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// Track of item `i`.
    #[inline]
    pub fn track(&self, i: usize) -> u32 {
        self.track[i]
    }

    /// Utility of item `i`.
    #[inline]
    pub fn utility(&self, i: usize) -> f32 {
        self.utility[i]
    }

    /// Channel of item `i`.
    #[inline]
    pub fn channel(&self, i: usize) -> Channel {
        self.channel[i]
    }

    /// Whether `track` is already in the set.
    #[inline]
    pub fn contains(&self, track: u32) -> bool {
        self.mask & bit(track) != 0 && self.track[..self.len].contains(&track)
    }

    /// Samples `occasions` choices. Adds each item's count to `counts[i]` and the number of
    /// occasions that went to the outside option (weight `outside_weight = exp(U₀)`) to
    /// `counts[self.len()]`.
    ///
    /// For more than a few draws it uses a guide table (Chen's cutpoint method): bucket `j` of `m` equal slices of the
    /// total weight stores the first item whose cumulative weight passes the slice start.
    /// With two buckets per item, a draw almost always lands within two steps of its
    /// bucket's item, so the search is two branch-free steps (a loop only in the rare
    /// remaining case): no branch mispredictions in the common path.
    pub fn sample(
        &mut self,
        occasions: u32,
        outside_weight: f32,
        rng: &mut SimRng,
        counts: &mut Counts,
    ) {
        if occasions == 0 {
            return;
        }
        let len = self.len;
        // Logit weights exp(U) in one pass (vectorised), then their running sums, with
        // sentinels: index `len` is the outside option.
        let cumulative = &mut self.cumulative;
        for (c, &u) in cumulative[..len].iter_mut().zip(&self.utility[..len]) {
            *c = fast_exp(u);
        }
        let mut total = 0.0;
        for c in &mut cumulative[..len] {
            total += *c;
            *c = total;
        }
        cumulative[len..len + 3].fill(f32::INFINITY);
        let grand = total + outside_weight;
        if occasions <= FEW_OCCASIONS {
            // A draw's item is the number of running sums at or below it: counting them is
            // a short vectorised pass, cheaper than building a guide table for one or two
            // draws, and the same item the guide table finds.
            let locate = |u: f32| {
                let x = u * grand;
                cumulative[..len].iter().filter(|&&c| c <= x).count()
            };
            for _ in 0..occasions / 2 {
                let bits = rng.next_u64();
                counts[locate(UNIT_24 * (bits >> 40) as f32)] += 1;
                counts[locate(UNIT_24 * ((bits >> 8) & 0xFF_FFFF) as f32)] += 1;
            }
            if occasions % 2 == 1 {
                counts[locate(unit_f32(rng))] += 1;
            }
            return;
        }
        let buckets = 2 * (len + 1);
        // guide[j] = number of items whose cumulative weight is at most the start of bucket
        // j (= the first item passing it): item i counts from bucket ⌈cᵢ / step⌉ on. Built
        // by a histogram and a prefix sum, with no data-dependent branches.
        let per_weight = buckets as f32 / grand;
        let first_bucket = &mut self.first_bucket;
        first_bucket[..=buckets].fill(0);
        for &c in &cumulative[..len] {
            // ⌈y⌉ as ⌊y⌋ + 1: differs only for integral y, which the draw's steps correct.
            first_bucket[((c * per_weight) as usize + 1).min(buckets)] += 1;
        }
        let guide = &mut self.guide;
        let mut passed = 0u8;
        for (g, &n) in guide[..buckets].iter_mut().zip(first_bucket.iter()) {
            passed += n;
            *g = passed;
        }
        let table = Guide {
            cumulative,
            guide,
            buckets,
            scale: buckets as f32,
            grand,
        };
        // Two 24-bit uniforms from each 64-bit draw.
        for _ in 0..occasions / 2 {
            let bits = rng.next_u64();
            counts[table.locate(UNIT_24 * (bits >> 40) as f32)] += 1;
            counts[table.locate(UNIT_24 * ((bits >> 8) & 0xFF_FFFF) as f32)] += 1;
        }
        if occasions % 2 == 1 {
            counts[table.locate(unit_f32(rng))] += 1;
        }
    }
}

/// A built guide table over cumulative weights (see [`ChoiceSet::sample`]).
struct Guide<'g> {
    cumulative: &'g [f32; MAX_CHOICES + 3],
    guide: &'g [u8; 2 * (MAX_CHOICES + 1)],
    buckets: usize,
    scale: f32,
    grand: f32,
}

impl Guide<'_> {
    /// The item (or `len` for the outside option) that the uniform `u` selects.
    #[inline(always)]
    fn locate(&self, u: f32) -> usize {
        let cumulative = self.cumulative;
        let x = u * self.grand;
        let g = usize::from(self.guide[((u * self.scale) as usize).min(self.buckets - 1)]);
        // The guide may be one off where rounding puts x and a bucket start on either side
        // of a cumulative weight. The weights are sorted, so stepping forward equals counting
        // the entries at or below x: the loads below are independent and run in parallel.
        let back = usize::from(g > 0 && cumulative[g.saturating_sub(1)] > x);
        let mut i =
            g - back + usize::from(cumulative[g] <= x) + usize::from(cumulative[g + 1] <= x);
        while cumulative[i] <= x {
            i += 1;
        }
        i
    }
}

/// Up to this many draws, [`ChoiceSet::sample`] counts running sums instead of building a
/// guide table.
const FEW_OCCASIONS: u32 = 3;

/// 2⁻²⁴: turns 24 random bits into a uniform in [0, 1).
const UNIT_24: f32 = 1.0 / (1u32 << 24) as f32;

/// Per-item counts of a day's choices; the slot after the last item counts the outside option.
pub type Counts = [u32; MAX_CHOICES + 1];

/// `exp(x)` for the logit weights, by Cody–Waite range reduction (x = n·ln 2 + r with
/// ln 2 split in a high and a low part, |r| ≤ ½·ln 2) and a degree-6 Taylor polynomial for
/// eʳ: relative error about 2·10⁻⁷ (a few f32 ulps) for x in [−87, 88]. Plain arithmetic,
/// so it vectorises and does not depend on the C library's `expf` (which may differ
/// between libm versions) in the hottest loop.
#[inline(always)]
pub fn fast_exp(x: f32) -> f32 {
    const ROUND: f32 = 12_582_912.0; // 1.5 · 2²³: adding and subtracting rounds to an integer
    const LN2_HI: f32 = 0.693_145_75; // exact in 15 bits, so n · LN2_HI is exact
    const LN2_LO: f32 = 1.428_606_8e-6;
    let x = x.clamp(-87.0, 88.0);
    let n = (x * std::f32::consts::LOG2_E + ROUND) - ROUND;
    let r = (x - n * LN2_HI) - n * LN2_LO;
    const C: [f32; 7] = [
        1.0,
        1.0,
        0.5,
        1.0 / 6.0,
        1.0 / 24.0,
        1.0 / 120.0,
        1.0 / 720.0,
    ];
    let p = C[0] + r * (C[1] + r * (C[2] + r * (C[3] + r * (C[4] + r * (C[5] + r * C[6])))));
    let scale = f32::from_bits((((n as i32) + 127) as u32) << 23);
    p * scale
}

/// Stochastic rounding: `floor(x)` plus one with probability `frac(x)`; mean exactly `x`.
#[inline]
pub fn stochastic_round(x: f32, rng: &mut SimRng) -> u32 {
    let floor = x.floor();
    floor as u32 + u32::from(unit_f32(rng) < x - floor)
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;

    #[test]
    fn sampling_matches_logit_probabilities() {
        // Utilities ln 1, ln 2, ln 3 and an outside option of weight 4: P = 0.1, 0.2, 0.3, 0.4.
        let mut set = ChoiceSet::default();
        set.push(7, Channel::Slate, 1f32.ln());
        set.push(8, Channel::Library, 2f32.ln());
        set.push(9, Channel::Chart, 3f32.ln());
        let mut rng = SimRng::seed_from_u64(1);
        let mut counts = [0; MAX_CHOICES + 1];
        let n = 200_000;
        set.sample(n, 4.0, &mut rng, &mut counts);
        let outside = counts[3];
        let expected = [0.1, 0.2, 0.3];
        for (i, p) in expected.iter().enumerate() {
            let share = f64::from(counts[i]) / f64::from(n);
            // binomial sd ≤ sqrt(0.25/200000) ≈ 0.0011; allow 5 sd
            assert!((share - p).abs() < 0.0056, "item {i}: {share} vs {p}");
        }
        assert!((f64::from(outside) / f64::from(n) - 0.4).abs() < 0.0056);
    }

    #[test]
    fn sampling_handles_tiny_and_dominant_weights() {
        // One item with weight e^10 ≈ 22026 against an outside weight of 1: P(outside) ≈ 4.5e-5.
        let mut set = ChoiceSet::default();
        set.push(1, Channel::Slate, 10.0);
        set.push(2, Channel::Slate, -30.0);
        let mut rng = SimRng::seed_from_u64(5);
        let mut counts = [0; MAX_CHOICES + 1];
        set.sample(100_000, 1.0, &mut rng, &mut counts);
        let outside = counts[2];
        assert!(outside < 30, "outside {outside}");
        assert_eq!(counts[1], 0);
        assert_eq!(counts[0] + outside, 100_000);
        // An empty set sends every occasion outside.
        let mut empty = ChoiceSet::default();
        let mut counts = [0; MAX_CHOICES + 1];
        empty.sample(17, 1.0, &mut rng, &mut counts);
        assert_eq!(counts[0], 17);
    }

    #[test]
    fn fast_exp_matches_exp() {
        let mut worst = 0f64;
        for i in -8000..=8000 {
            let x = i as f32 * 0.01; // −80 … 80
            let exact = f64::from(x).exp();
            let rel = ((f64::from(fast_exp(x)) - exact) / exact).abs();
            worst = worst.max(rel);
        }
        assert!(worst < 4e-7, "worst relative error {worst:e}");
        assert_eq!(fast_exp(0.0), 1.0);
        assert!(fast_exp(-1000.0) > 0.0 && fast_exp(-1000.0) < 1e-37);
    }

    #[test]
    fn stochastic_round_has_the_right_mean() {
        let mut rng = SimRng::seed_from_u64(2);
        let n = 100_000;
        let total: u64 = (0..n)
            .map(|_| u64::from(stochastic_round(2.3, &mut rng)))
            .sum();
        // mean 2.3; sd of the fractional part's Bernoulli(0.3) mean ≈ 0.00145; allow 5 sd
        assert!((total as f64 / n as f64 - 2.3).abs() < 0.0073);
        assert_eq!(stochastic_round(4.0, &mut rng), 4);
    }
}
