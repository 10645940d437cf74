//! Which tracks each listener has streamed during the run: what `tracks.csv` counts as a
//! track's distinct listeners.
//!
//! **Why.** "How many people played it" separates a broad hit from a fandom's track (few
//! listeners, many streams each), and stream counts cannot tell them apart. The count is
//! exact: each chunk of listeners keeps the sorted set of its (listener, track) pairs, so
//! memory grows with the pairs the run produces (8 bytes each; a few hundred tracks per
//! listener in a year), not with the catalogue. `[measures] listeners_per_track = false`
//! turns it off for national-size runs.
//!
//! **Why it is cheap in the hot loop.** A play only goes into the chunk's log of the week
//! (in order among the listener's few plays of the day); the log is sorted, deduplicated
//! and merged into the set once a week, in one sequential pass per chunk. Most plays are replays of library tracks: a bit per library
//! slot ([`SlotsHeard`]) says whether the slot's track has been logged, so a replay costs
//! one bit test. A track saved to the library was just streamed, so its slot's bit is set.
//! The starting library's tracks were heard before the run; they count once they are
//! streamed in it.

/// One chunk of listeners' streamed (listener, track) pairs.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct HeardLog {
    /// This week's plays as `listener << 32 | track`: each day's in order, each listener's
    /// once a day (listeners are simulated in id order within a chunk).
    week: Vec<u64>,
    /// Every pair streamed in closed weeks, sorted, each once.
    pairs: Vec<u64>,
}

impl HeardLog {
    /// Records a stream of `track` by `listener`.
    #[inline]
    pub fn play(&mut self, listener: u32, track: u32) {
        let p = u64::from(listener) << 32 | u64::from(track);
        // Insertion among the listener's own few plays of the day (earlier listeners'
        // pairs are smaller; yesterday's last listeners start a new run).
        let week = &mut self.week;
        let mut at = week.len();
        while at > 0 && week[at - 1] > p && (week[at - 1] >> 32) as u32 == listener {
            at -= 1;
        }
        if at == 0 || week[at - 1] != p {
            week.insert(at, p);
        }
    }

    /// Merges the week's plays into the set.
    pub fn close_week(&mut self) {
        if self.week.is_empty() {
            return;
        }
        // Seven sorted runs, one a day: the stable sort merges runs it finds.
        self.week.sort();
        self.week.dedup();
        // Most of a week's pairs were heard before: keep the new ones, each with where it
        // goes in the set (searched forward from the previous one's place).
        let (pairs, week) = (&mut self.pairs, &mut self.week);
        let mut places: Vec<usize> = Vec::new();
        let mut at = 0;
        week.retain(|&p| {
            // A listener holds a few hundred pairs and hears about ten of them a week:
            // the next one is a few cache lines on, so a forward scan beats a search.
            while at < pairs.len() && pairs[at] < p {
                at += 1;
            }
            let new = pairs.get(at) != Some(&p);
            if new {
                places.push(at);
            }
            new
        });
        // Insert from the back, so that every old pair moves once, in blocks.
        let old = pairs.len();
        pairs.resize(old + week.len(), 0);
        let mut end = old;
        for (j, (&p, &at)) in week.iter().zip(&places).enumerate().rev() {
            pairs.copy_within(at..end, at + j + 1);
            pairs[at + j] = p;
            end = at;
        }
        week.clear();
    }

    /// The (listener, track) pairs of closed weeks, in order.
    pub fn pairs(&self) -> impl Iterator<Item = (u32, u32)> + '_ {
        self.pairs.iter().map(|&p| ((p >> 32) as u32, p as u32))
    }
}

/// Which of one listener's library slots hold a track already in the chunk's log (bit
/// `k` for slot `k`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct SlotsHeard(u64);

impl SlotsHeard {
    /// Records a stream of the track in library slot `slot`.
    #[inline]
    pub fn library_play(&mut self, log: &mut HeardLog, listener: u32, slot: usize, track: u32) {
        let bit = 1u64 << slot;
        if self.0 & bit == 0 {
            log.play(listener, track);
            self.0 |= bit;
        }
    }

    /// A track just streamed (so logged) now sits in library slot `slot`.
    #[inline]
    pub fn saved(&mut self, slot: usize) {
        self.0 |= 1u64 << slot;
    }
}

/// Distinct listeners per region and track (`[region][track]`; simulated listeners, not
/// weighted) from the chunks' logs and each listener's home region.
pub fn listeners_by_track(
    logs: &[HeardLog],
    region_of: impl Fn(usize) -> usize,
    n_regions: usize,
    n_tracks: usize,
) -> Vec<Vec<u32>> {
    let mut counts = vec![vec![0u32; n_tracks]; n_regions];
    for (listener, track) in logs.iter().flat_map(HeardLog::pairs) {
        counts[region_of(listener as usize)][track as usize] += 1;
    }
    counts
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_each_track_once_per_listener() {
        let mut log = HeardLog::default();
        let mut slots = SlotsHeard::default();
        slots.library_play(&mut log, 0, 0, 7); // a starting library track, first stream
        slots.library_play(&mut log, 0, 0, 7); // a replay: the bit says it is logged
        log.play(0, 3);
        log.play(0, 9);
        log.play(1, 9);
        log.close_week();
        log.play(0, 3); // heard in an earlier week
        log.play(1, 2);
        slots.saved(1); // track 9 saved into slot 1
        slots.library_play(&mut log, 0, 1, 9);
        log.close_week();
        let pairs: Vec<(u32, u32)> = log.pairs().collect();
        assert_eq!(pairs, [(0, 3), (0, 7), (0, 9), (1, 2), (1, 9)]);

        // listener 0 in region 1, listener 1 in region 0
        let counts = listeners_by_track(&[log], |l| 1 - l, 2, 10);
        assert_eq!(counts[0][9], 1);
        assert_eq!(counts[1][9], 1);
        assert_eq!(counts[0][2], 1);
        assert_eq!(counts[0].iter().sum::<u32>(), 2);
        assert_eq!(counts[1].iter().sum::<u32>(), 3);
    }

    #[test]
    fn weekly_merge_matches_a_set() {
        use rand::{RngExt, SeedableRng};
        let mut rng = crate::rng::SimRng::seed_from_u64(7);
        let mut log = HeardLog::default();
        let mut expected = std::collections::BTreeSet::new();
        for _ in 0..20 {
            for _ in 0..rng.random_range(0..300) {
                let (l, t) = (rng.random_range(0..40u32), rng.random_range(0..60u32));
                log.play(l, t);
                expected.insert((l, t));
            }
            log.close_week();
            assert!(log.pairs().eq(expected.iter().copied()));
        }
    }
}
