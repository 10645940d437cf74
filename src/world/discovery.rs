//! How listeners come across tracks outside recommendation and charts: which back-catalogue
//! tracks fill a new listener's library and which new releases reach them.
//!
//! By default every track of a genre is equally likely (`catalogue.prior_popularity = 0`).
//! Real discovery is not uniform: labels, radio, press and word of mouth make a few tracks
//! known to many people and most tracks known to almost nobody (88% of tracks had under
//! 1,000 streams in 2025, FACTS). With a prior popularity β > 0 a track is drawn with
//! probability ∝ exp(β·appeal): better tracks are far more likely to be come across, and
//! the tail of a large catalogue goes unheard, as it does in reality.

use crate::rng::SimRng;
use crate::world::{Catalogue, unit_f32};

/// Per genre, running sums of exp(β·appeal) over its tracks in release order (empty when
/// β = 0: uniform draws).
#[derive(Clone, Debug, Default)]
pub struct Discovery {
    cumulative: Vec<Vec<f64>>,
}

impl Discovery {
    /// The discovery weights of `catalogue` for prior popularity `beta`.
    pub fn new(catalogue: &Catalogue, beta: f64) -> Self {
        if beta == 0.0 {
            return Self::default();
        }
        let appeal = &catalogue.tracks.appeal;
        let cumulative = catalogue
            .by_genre
            .iter()
            .map(|tracks| {
                let mut total = 0.0;
                std::iter::once(0.0)
                    .chain(tracks.iter().map(|t| {
                        total += (beta * f64::from(appeal[t.index()])).exp();
                        total
                    }))
                    .collect()
            })
            .collect();
        Self { cumulative }
    }

    /// Whether draws are uniform (β = 0).
    pub fn is_uniform(&self) -> bool {
        self.cumulative.is_empty()
    }

    /// A position in `lo..hi` of `genre`'s tracks (release order), drawn with probability
    /// ∝ exp(β·appeal), or uniformly when β = 0. `hi > lo`.
    #[inline]
    pub fn pick(&self, genre: usize, lo: usize, hi: usize, rng: &mut SimRng) -> usize {
        debug_assert!(hi > lo);
        let Some(c) = self.cumulative.get(genre) else {
            return lo + crate::rng::fast_index(rng, hi - lo);
        };
        let x = c[lo] + f64::from(unit_f32(rng)) * (c[hi] - c[lo]);
        // The first position whose running sum passes x (within lo..hi, rounding aside).
        (lo + c[lo + 1..=hi].partition_point(|&s| s <= x)).min(hi - 1)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ids::TrackId;
    use rand::SeedableRng;

    fn catalogue(appeal: &[f32]) -> Catalogue {
        let mut scenario = crate::scenario::Scenario::default_scenario();
        scenario.listeners = 10;
        let mut c =
            crate::world::World::generate(&scenario, crate::rng::SeedKey::root(1)).catalogue;
        c.tracks.appeal[..appeal.len()].copy_from_slice(appeal);
        c.by_genre = vec![(0..appeal.len() as u32).map(TrackId).collect()];
        c
    }

    #[test]
    fn draws_follow_exp_beta_appeal() {
        // Appeals 0, ln 2, ln 3 with β = 1: weights 1, 2, 3 → P = 1/6, 2/6, 3/6.
        let c = catalogue(&[0.0, 2f32.ln(), 3f32.ln()]);
        let d = Discovery::new(&c, 1.0);
        let mut rng = SimRng::seed_from_u64(3);
        let n = 60_000;
        let mut counts = [0u32; 3];
        for _ in 0..n {
            counts[d.pick(0, 0, 3, &mut rng)] += 1;
        }
        for (k, p) in [1.0 / 6.0, 2.0 / 6.0, 3.0 / 6.0].iter().enumerate() {
            let share = f64::from(counts[k]) / f64::from(n);
            // sd ≤ sqrt(0.25 / 60,000) ≈ 0.002; allow 5 sd
            assert!((share - p).abs() < 0.01, "track {k}: {share} vs {p}");
        }
        // A window: positions 1..3 only, P = 2/5, 3/5.
        let mut in_window = [0u32; 3];
        for _ in 0..n {
            in_window[d.pick(0, 1, 3, &mut rng)] += 1;
        }
        assert_eq!(in_window[0], 0);
        assert!((f64::from(in_window[1]) / f64::from(n) - 0.4).abs() < 0.01);
    }

    #[test]
    fn beta_zero_is_uniform() {
        let c = catalogue(&[5.0, 0.0]);
        let d = Discovery::new(&c, 0.0);
        assert!(d.is_uniform());
        let mut rng = SimRng::seed_from_u64(4);
        let ones = (0..10_000)
            .filter(|_| d.pick(0, 0, 2, &mut rng) == 1)
            .count();
        assert!((ones as f64 / 10_000.0 - 0.5).abs() < 0.03, "{ones}");
    }
}
