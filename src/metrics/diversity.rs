//! Diversity of listening: shares, genre entropy of the market and of individual listeners.
//!
//! The homogenisation question chartsim asks has two halves. A recommender can make every
//! listener's diet narrower (each person hears fewer genres) while the market as a whole
//! stays diverse, because different people are narrowed towards different genres; or it can
//! push everyone towards the same few genres, so the aggregate narrows while each person may
//! still sample several. Comparing the aggregate [`genre_entropy`] with the mean individual
//! entropy from [`IndividualEntropy`] separates the two (Fleder & Hosanagar 2009; Holtz et
//! al. 2020). The share functions give the headline numbers for local music: local share of
//! streams, catalogue coverage, and local share of chart entries.

use crate::metrics::concentration::{entropy_of, shannon_entropy};

/// `part / total` as a fraction, or 0.0 when `total` is 0.
///
/// ```text
/// share = part / total   (a fraction in 0..1 when part ≤ total)
/// ```
///
/// Used for the local share of streams (local streams / all streams) and catalogue coverage
/// (tracks played at least once / tracks in the catalogue). `part ≤ total` is the caller's
/// to ensure; it is not checked, and a larger `part` gives a value above 1.
pub fn share(part: u64, total: u64) -> f64 {
    if total == 0 {
        return 0.0;
    }
    part as f64 / total as f64
}

/// Genre diversity of a stream distribution: the Shannon entropy of per-genre stream counts,
/// in nats.
///
/// ```text
/// H = −Σ_g p_g ln p_g,   p_g = c_g / Σ_h c_h,   over genres with c_g > 0
/// ```
///
/// A thin wrapper over [`shannon_entropy`], named for what it measures: 0 when every stream
/// is in one genre, ln G when G genres are streamed equally. Applied to market-wide counts
/// this is the aggregate diversity; compare it with [`IndividualEntropy::mean`]. Returns 0.0
/// for an empty slice or a zero total.
pub fn genre_entropy(genre_counts: &[u64]) -> f64 {
    shannon_entropy(genre_counts)
}

/// Accumulates the mean per-listener genre entropy over one period.
///
/// Call [`add`](Self::add) once per listener with that listener's per-genre stream counts
/// for the period; [`mean`](Self::mean) is then
///
/// ```text
/// mean = (1 / L) Σ_ℓ H_ℓ,   H_ℓ = −Σ_g p_ℓg ln p_ℓg   (nats)
/// ```
///
/// over the L listeners who streamed at least once. Low mean individual entropy with high
/// aggregate [`genre_entropy`] means individuals are narrow but different from one another;
/// both falling together means the market is homogenising (Fleder & Hosanagar 2009; Holtz
/// et al. 2020).
///
/// Entropies are summed in the order `add` is called, so the result is deterministic for a
/// fixed order of listeners. To combine accumulators from parallel chunks, keep the chunk
/// order fixed.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct IndividualEntropy {
    sum: f64,
    listeners: u64,
}

impl IndividualEntropy {
    /// An empty accumulator (no listeners, mean 0.0).
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds one listener's per-genre stream counts for the period.
    ///
    /// A listener with no streams (empty slice or all zeros) is skipped: it is not counted in
    /// [`listeners`](Self::listeners) and does not pull the mean towards 0.
    pub fn add(&mut self, genre_counts: &[u32]) {
        if genre_counts.iter().all(|&c| c == 0) {
            return;
        }
        self.sum += entropy_of(genre_counts.iter().map(|&c| u64::from(c)));
        self.listeners += 1;
    }

    /// The accumulator holding one listener (or none, if they had no streams).
    pub fn of(genre_counts: &[u32]) -> Self {
        let mut one = Self::new();
        one.add(genre_counts);
        one
    }

    /// Adds another accumulator's listeners (their entropy sum and count).
    pub fn absorb(&mut self, other: &IndividualEntropy) {
        self.sum += other.sum;
        self.listeners += other.listeners;
    }

    /// Number of listeners added who had at least one stream.
    pub fn listeners(&self) -> u64 {
        self.listeners
    }

    /// Mean of the per-listener genre entropies, in nats; 0.0 if no listener was counted.
    pub fn mean(&self) -> f64 {
        if self.listeners == 0 {
            return 0.0;
        }
        self.sum / self.listeners as f64
    }
}

/// Share of the items that are `true`, by number of items; 0.0 for no items.
///
/// ```text
/// local_entry_share = #{entries that are local} / #{entries}   (a fraction in 0..1)
/// ```
///
/// Used for "local share of the chart Top 10 / Top 100", which counts chart entries, not
/// streams: pass one `bool` per chart position (e.g. the Top 10 entries' "is local" flags).
pub fn local_entry_share(is_local: impl IntoIterator<Item = bool>) -> f64 {
    let (local, all) = is_local
        .into_iter()
        .fold((0_u64, 0_u64), |(local, all), b| {
            (local + u64::from(b), all + 1)
        });
    share(local, all)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn share_hand_checks() {
        assert_eq!(share(1, 4), 0.25);
        assert_eq!(share(0, 4), 0.0);
        assert_eq!(share(4, 4), 1.0);
        assert_eq!(share(0, 0), 0.0);
        assert_eq!(share(3, 0), 0.0);
    }

    #[test]
    fn genre_entropy_hand_checks() {
        // four equal genres: ln 4
        assert!((genre_entropy(&[2, 2, 2, 2]) - 4_f64.ln()).abs() < 1e-15);
        // one genre only: 0
        assert_eq!(genre_entropy(&[0, 9, 0]), 0.0);
        assert_eq!(genre_entropy(&[]), 0.0);
    }

    #[test]
    fn individual_entropy_hand_checks() {
        let mut acc = IndividualEntropy::new();
        assert_eq!(acc.listeners(), 0);
        assert_eq!(acc.mean(), 0.0);
        // listener 1: one genre → H = 0
        acc.add(&[0, 5, 0]);
        // listener 2: two genres equally → H = ln 2
        acc.add(&[3, 3, 0]);
        // silent listeners are skipped
        acc.add(&[0, 0, 0]);
        acc.add(&[]);
        assert_eq!(acc.listeners(), 2);
        // mean = (0 + ln 2) / 2
        let expected = std::f64::consts::LN_2 / 2.0;
        assert!((acc.mean() - expected).abs() < 1e-15);
    }

    #[test]
    fn individual_vs_aggregate_entropy_separates_homogenisation() {
        // two specialists in different genres: individuals narrow (mean H = 0), market
        // diverse (aggregate [5,5] → ln 2)
        let mut acc = IndividualEntropy::new();
        acc.add(&[5, 0]);
        acc.add(&[0, 5]);
        assert_eq!(acc.mean(), 0.0);
        assert!((genre_entropy(&[5, 5]) - std::f64::consts::LN_2).abs() < 1e-15);
    }

    #[test]
    fn local_entry_share_hand_checks() {
        // 3 local of 10 entries
        let top10 = [
            true, false, false, true, false, false, false, true, false, false,
        ];
        assert_eq!(local_entry_share(top10), 0.3);
        assert_eq!(local_entry_share(Vec::<bool>::new()), 0.0);
        assert_eq!(local_entry_share([true; 4]), 1.0);
        // works on any iterator, e.g. a mapped slice
        let regions = [1_u8, 2, 1, 1];
        assert_eq!(local_entry_share(regions.iter().map(|&r| r == 1)), 0.75);
    }

    proptest! {
        #[test]
        fn share_in_unit_interval(total in 0_u64..1_000_000_000, frac in 0.0_f64..=1.0) {
            let part = (total as f64 * frac) as u64;
            let s = share(part.min(total), total);
            prop_assert!((0.0..=1.0).contains(&s));
        }

        #[test]
        fn local_entry_share_in_unit_interval(flags in prop::collection::vec(any::<bool>(), 0..200)) {
            let s = local_entry_share(flags.iter().copied());
            prop_assert!((0.0..=1.0).contains(&s));
            let expected = if flags.is_empty() {
                0.0
            } else {
                flags.iter().filter(|&&b| b).count() as f64 / flags.len() as f64
            };
            prop_assert_eq!(s, expected);
        }

        #[test]
        fn individual_mean_is_mean_of_entropies(
            listeners in prop::collection::vec(prop::collection::vec(0_u32..20, 0..8), 0..50)
        ) {
            let mut acc = IndividualEntropy::new();
            let mut entropies = Vec::new();
            for l in &listeners {
                acc.add(l);
                let as_u64: Vec<u64> = l.iter().map(|&c| u64::from(c)).collect();
                if as_u64.iter().any(|&c| c > 0) {
                    entropies.push(genre_entropy(&as_u64));
                }
            }
            prop_assert_eq!(acc.listeners(), entropies.len() as u64);
            let expected = if entropies.is_empty() {
                0.0
            } else {
                entropies.iter().sum::<f64>() / entropies.len() as f64
            };
            prop_assert!((acc.mean() - expected).abs() <= 1e-12);
            prop_assert!(acc.mean() >= 0.0 && acc.mean() <= (8_f64).ln() + 1e-12);
        }
    }
}
