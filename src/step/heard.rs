//! Which tracks each listener has streamed during the run: what `tracks.csv` counts as a
//! track's distinct listeners.
//!
//! **Why.** "How many people played it" separates a broad hit from a fandom's track (few
//! listeners, many streams each), and stream counts cannot tell them apart. The count is
//! exact: each listener keeps the set of tracks they have streamed ([`HeardSet`]), so
//! memory grows with the pairs the run produces (about 7 bytes each; a few hundred tracks
//! per listener in a year), not with the catalogue. `[measures] listeners_per_track =
//! false` turns it off for national-size runs.
//!
//! **Why it is cheap in the hot loop.** Most plays are replays of library tracks: a bit
//! per library slot ([`SlotsHeard`]) says whether the slot's track is already in the set,
//! so a replay costs one bit test. Any other play is one probe of an open-addressing table
//! of a few kilobytes that belongs to the listener whose day is being simulated, so there
//! is nothing to sort or merge afterwards and the sets never move once grown. A track
//! saved to the library was just streamed, so its slot's bit is set. The starting
//! library's tracks were heard before the run; they count once they are streamed in it.

/// The tracks one listener has streamed: an open-addressing hash set of track ids
/// (linear probing, at most three quarters full, doubling as it fills).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct HeardSet {
    /// A power-of-two table of track ids, [`EMPTY`] where free (empty before any play).
    table: Box<[u32]>,
    /// Tracks held.
    len: u32,
}

/// A free cell: no track has this id (catalogues are far below 2³² tracks).
const EMPTY: u32 = u32::MAX;

/// Cells of a set's first table.
const FIRST_CAPACITY: usize = 16;

impl HeardSet {
    /// Records a stream of `track`.
    #[inline]
    pub fn play(&mut self, track: u32) {
        if (self.len as usize + 1) * 4 > self.table.len() * 3 {
            self.grow();
        }
        if insert(&mut self.table, track) {
            self.len += 1;
        }
    }

    /// Asks the processor to bring the cell where `track` would start its probe into
    /// cache, so that a [`HeardSet::play`] of it a little later does not wait on memory
    /// (a listener's set is a few kilobytes, rarely in cache when their day starts).
    #[inline]
    pub fn prefetch(&self, track: u32) {
        if self.table.is_empty() {
            return;
        }
        #[cfg(all(target_arch = "x86_64", target_feature = "sse"))]
        safe_arch::prefetch_t0(&self.table[home(self.table.len(), track)]);
        #[cfg(not(all(target_arch = "x86_64", target_feature = "sse")))]
        let _ = track;
    }

    /// The tracks streamed so far, in no particular order.
    pub fn tracks(&self) -> impl Iterator<Item = u32> + '_ {
        self.table.iter().copied().filter(|&t| t != EMPTY)
    }

    /// Number of distinct tracks streamed.
    pub fn len(&self) -> usize {
        self.len as usize
    }

    /// Whether nothing has been streamed.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    #[cold]
    fn grow(&mut self) {
        let capacity = (self.table.len() * 2).max(FIRST_CAPACITY);
        let old = std::mem::replace(&mut self.table, vec![EMPTY; capacity].into_boxed_slice());
        for t in old.iter().copied().filter(|&t| t != EMPTY) {
            insert(&mut self.table, t);
        }
    }
}

/// Where `track`'s probe starts in a table of `capacity` cells (a power of two): Fibonacci
/// hashing, whose top bits spread consecutive ids apart. Shared with the accounting
/// months' tables ([`super::MonthPlays`]).
#[inline]
pub(super) fn home(capacity: usize, track: u32) -> usize {
    let shift = 64 - capacity.trailing_zeros();
    (u64::from(track).wrapping_mul(0x9E37_79B9_7F4A_7C15) >> shift) as usize
}

/// Puts `track` in `table` (a power of two in length, with a free cell); whether it was new.
#[inline]
fn insert(table: &mut [u32], track: u32) -> bool {
    let mask = table.len() - 1;
    let mut at = home(table.len(), track);
    loop {
        match table[at] {
            EMPTY => {
                table[at] = track;
                return true;
            }
            t if t == track => return false,
            _ => at = (at + 1) & mask,
        }
    }
}

/// Which of one listener's library slots hold a track already in their [`HeardSet`] (bit
/// `k` for slot `k`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct SlotsHeard(u64);

impl SlotsHeard {
    /// Records a stream of the track in library slot `slot`.
    #[inline]
    pub fn library_play(&mut self, set: &mut HeardSet, slot: usize, track: u32) {
        let bit = 1u64 << slot;
        if self.0 & bit == 0 {
            set.play(track);
            self.0 |= bit;
        }
    }

    /// A track just streamed (so in the set) now sits in library slot `slot`.
    #[inline]
    pub fn saved(&mut self, slot: usize) {
        self.0 |= 1u64 << slot;
    }
}

/// Distinct listeners per region and track (`[region][track]`; simulated listeners, not
/// weighted) from each listener's set and home region.
pub fn listeners_by_track(
    sets: &[HeardSet],
    region_of: impl Fn(usize) -> usize,
    n_regions: usize,
    n_tracks: usize,
) -> Vec<Vec<u32>> {
    let mut counts = vec![vec![0u32; n_tracks]; n_regions];
    for (listener, set) in sets.iter().enumerate() {
        let counts = &mut counts[region_of(listener)];
        for track in set.tracks() {
            counts[track as usize] += 1;
        }
    }
    counts
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_each_track_once_per_listener() {
        let mut sets = vec![HeardSet::default(), HeardSet::default()];
        let mut slots = SlotsHeard::default();
        slots.library_play(&mut sets[0], 0, 7); // a starting library track, first stream
        slots.library_play(&mut sets[0], 0, 7); // a replay: the bit says it is logged
        sets[0].play(3);
        sets[0].play(9);
        sets[1].play(9);
        sets[0].play(3); // heard before
        sets[1].play(2);
        slots.saved(1); // track 9 saved into slot 1
        slots.library_play(&mut sets[0], 1, 9);
        let mut zero: Vec<u32> = sets[0].tracks().collect();
        zero.sort_unstable();
        assert_eq!(zero, [3, 7, 9]);
        assert_eq!((sets[0].len(), sets[1].len()), (3, 2));

        // listener 0 in region 1, listener 1 in region 0
        let counts = listeners_by_track(&sets, |l| 1 - l, 2, 10);
        assert_eq!(counts[0][9], 1);
        assert_eq!(counts[1][9], 1);
        assert_eq!(counts[0][2], 1);
        assert_eq!(counts[0].iter().sum::<u32>(), 2);
        assert_eq!(counts[1].iter().sum::<u32>(), 3);
    }

    #[test]
    fn matches_a_set_through_growth() {
        use rand::{RngExt, SeedableRng};
        let mut rng = crate::rng::SimRng::seed_from_u64(7);
        let mut set = HeardSet::default();
        let mut expected = std::collections::BTreeSet::new();
        assert!(set.is_empty());
        for _ in 0..3_000 {
            // Clustered and far-apart ids, repeats included.
            let t = if rng.random_bool(0.5) {
                rng.random_range(0..500u32)
            } else {
                rng.random_range(0..5_000_000u32)
            };
            set.play(t);
            expected.insert(t);
            assert_eq!(set.len(), expected.len());
        }
        let mut got: Vec<u32> = set.tracks().collect();
        got.sort_unstable();
        assert!(got.iter().eq(expected.iter()));
        // At most three quarters full, at least three eighths after the last doubling.
        let capacity = set.table.len();
        assert!(capacity.is_power_of_two());
        assert!(set.len() * 4 <= capacity * 3 && set.len() * 8 >= capacity * 3);
    }
}
