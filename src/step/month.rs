//! What each listener streamed this accounting month, track by track: what payout rules
//! settle (`payout::settle`).
//!
//! **Why per listener.** A user-centric rule splits each account's payment over what that
//! account played, and an artist-centric one caps each account's streams, so settlement
//! needs every (listener, track) count of the month, not only the market's totals. Each
//! listener keeps an open-addressing table of the month's tracks (linear probing, at most
//! three quarters full, doubling as it fills) that belongs to the listener whose day is
//! being simulated, so recording a play touches nothing shared; the tables are emptied,
//! not freed, when a month is settled. With no payout rule in the scenario nothing is
//! recorded and the tables stay empty.

use super::heard::home;
use crate::payout::TrackPlays;

/// One listener's streams this month by track, split into streams they sought out and
/// streams a recommender suggested.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct MonthPlays {
    /// A power-of-two table; a cell whose track is [`EMPTY`] is free.
    table: Box<[TrackPlays]>,
    /// Tracks held.
    len: u32,
}

/// The track id of a free cell (catalogues are far below 2³² tracks).
const EMPTY: u32 = u32::MAX;

/// Cells of a table's first allocation.
const FIRST_CAPACITY: usize = 16;

impl MonthPlays {
    /// Records `n` streams of `track`, sought out by the listener or suggested to them.
    #[inline]
    pub fn play(&mut self, track: u32, sought: bool, n: u32) {
        if (self.len as usize + 1) * 4 > self.table.len() * 3 {
            self.grow();
        }
        let cell = cell_of(&mut self.table, track);
        if cell.track == EMPTY {
            cell.track = track;
            self.len += 1;
        }
        if sought {
            cell.sought += n;
        } else {
            cell.suggested += n;
        }
    }

    /// Records `n` streams of `track` replayed in an organised campaign (sought streams,
    /// counted apart so settlement can say what campaigns captured).
    #[inline]
    pub fn play_organised(&mut self, track: u32, n: u32) {
        self.play(track, true, n);
        cell_of(&mut self.table, track).organised += n;
    }

    /// Asks the processor to bring the cell where `track`'s probe starts into cache, so
    /// that a [`MonthPlays::play`] of it after the day's draws does not wait on memory.
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

    /// The month's tracks with their streams, in table order (the same for the same plays).
    pub fn tracks(&self) -> impl Iterator<Item = TrackPlays> + '_ {
        self.table.iter().copied().filter(|c| c.track != EMPTY)
    }

    /// Number of distinct tracks streamed this month.
    pub fn len(&self) -> usize {
        self.len as usize
    }

    /// Whether nothing was streamed this month.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// Empties the table for a new month, keeping its cells.
    pub fn clear(&mut self) {
        if self.len > 0 {
            self.table.fill(free());
            self.len = 0;
        }
    }

    #[cold]
    fn grow(&mut self) {
        let capacity = (self.table.len() * 2).max(FIRST_CAPACITY);
        let old = std::mem::replace(&mut self.table, vec![free(); capacity].into_boxed_slice());
        for c in old.iter().filter(|c| c.track != EMPTY) {
            *cell_of(&mut self.table, c.track) = *c;
        }
    }
}

fn free() -> TrackPlays {
    TrackPlays {
        track: EMPTY,
        sought: 0,
        suggested: 0,
        organised: 0,
    }
}

/// The cell holding `track`, or the free cell where it goes (`table` has a free cell).
#[inline]
fn cell_of(table: &mut [TrackPlays], track: u32) -> &mut TrackPlays {
    let mask = table.len() - 1;
    let mut at = home(table.len(), track);
    while table[at].track != EMPTY && table[at].track != track {
        at = (at + 1) & mask;
    }
    &mut table[at]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_each_tracks_sought_and_suggested_streams_through_growth_and_clearing() {
        let mut month = MonthPlays::default();
        assert!(month.is_empty());
        // 100 tracks (several doublings), each played twice sought and once suggested.
        for round in 0..3 {
            for t in 0..100u32 {
                month.play(t * 7_919, round < 2, 1 + t % 3);
            }
        }
        assert_eq!(month.len(), 100);
        let mut got: Vec<TrackPlays> = month.tracks().collect();
        got.sort_by_key(|c| c.track);
        for (t, c) in got.iter().enumerate() {
            let n = 1 + t as u32 % 3;
            assert_eq!(
                *c,
                TrackPlays {
                    track: t as u32 * 7_919,
                    sought: 2 * n,
                    suggested: n,
                    organised: 0,
                }
            );
        }
        month.clear();
        assert!(month.is_empty() && month.tracks().next().is_none());
        month.play(5, false, 4);
        month.play_organised(5, 3);
        assert_eq!(
            month.tracks().collect::<Vec<_>>(),
            vec![TrackPlays {
                track: 5,
                sought: 3,
                suggested: 4,
                organised: 3,
            }]
        );
    }
}
