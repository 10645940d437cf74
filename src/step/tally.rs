//! Integer counters of a day's or week's listening, laid out densely.
//!
//! Each parallel chunk of listeners fills its own [`ChunkTally`], whose counters for one
//! (region, track) sit together in one cell, so recording a listener's plays of a track
//! touches a single cache line. Once a week the chunks are added into a [`Tally`], laid
//! out as one contiguous array per (cap, account type, region), which is what chart
//! compilation and metrics read. Integer addition is associative, so the totals do not
//! depend on how many threads ran or in which order chunks finished.

use crate::chart::RuleSet;
use crate::policy::SlateStats;

/// Where a stream came from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[repr(u8)]
pub enum Channel {
    /// The recommender's slate.
    Slate = 0,
    /// The listener's own library.
    Library = 1,
    /// The region's published chart (search and chart browsing).
    Chart = 2,
    /// Recent releases in the listener's home genre (radio, friends, new-release lists).
    NewRelease = 3,
    /// Seasonal search and playlists (Christmas songs in season).
    Seasonal = 4,
    /// Looking up a film's or series' soundtrack after a media tie-in.
    Media = 5,
}

/// Number of [`Channel`]s.
pub const CHANNELS: usize = 6;

/// Per-region listening counts that are not per track.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ChannelCounts {
    /// `[region][channel]` streams.
    pub streams: Vec<u64>,
    /// `[region]` choice occasions.
    pub occasions: Vec<u64>,
    /// `[region]` occasions on which the outside option was chosen.
    pub outside: Vec<u64>,
    /// `[region]` organised replays of fandom targets kept by the fraud filter (they are
    /// in the per-track counts, not in `streams`).
    pub organised: Vec<u64>,
    /// `[region]` organised replays the fraud filter discarded (in no other count).
    pub discarded: Vec<u64>,
    /// `[region]` every stream played by fandom members (ordinary, mixed-in and organised,
    /// discarded included).
    pub member_streams: Vec<u64>,
}

impl ChannelCounts {
    /// Zeroed counts for `n_regions` regions.
    pub fn new(n_regions: usize) -> Self {
        Self {
            streams: vec![0; n_regions * CHANNELS],
            occasions: vec![0; n_regions],
            outside: vec![0; n_regions],
            organised: vec![0; n_regions],
            discarded: vec![0; n_regions],
            member_streams: vec![0; n_regions],
        }
    }

    /// Adds another set of counts into this one.
    pub fn add(&mut self, other: &ChannelCounts) {
        let pairs = [
            (&mut self.streams, &other.streams),
            (&mut self.occasions, &other.occasions),
            (&mut self.outside, &other.outside),
            (&mut self.organised, &other.organised),
            (&mut self.discarded, &other.discarded),
            (&mut self.member_streams, &other.member_streams),
        ];
        for (mine, theirs) in pairs {
            for (a, b) in mine.iter_mut().zip(theirs) {
                *a += b;
            }
        }
    }

    /// Sets every count to zero.
    pub fn clear(&mut self) {
        self.streams.fill(0);
        self.occasions.fill(0);
        self.outside.fill(0);
        self.organised.fill(0);
        self.discarded.fill(0);
        self.member_streams.fill(0);
    }
}

/// The distinct per-user daily caps the run's rule sets need; index 0 is "no cap".
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Caps(Vec<u32>);

impl Caps {
    /// Caps used by any of `rules`, after the uncapped count.
    pub fn from_rules<'a>(rules: impl Iterator<Item = &'a RuleSet>) -> Self {
        let mut caps = vec![u32::MAX];
        for r in rules {
            let cap = r.per_user_daily_cap.unwrap_or(u32::MAX);
            if !caps.contains(&cap) {
                caps.push(cap);
            }
        }
        Self(caps)
    }

    /// Index of the counter that applies `cap`.
    pub fn index_of(&self, cap: Option<u32>) -> usize {
        let cap = cap.unwrap_or(u32::MAX);
        self.0
            .iter()
            .position(|&c| c == cap)
            .expect("invariant: cap registered in Caps::from_rules")
    }

    /// Number of distinct caps (including "none").
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// Never empty: "no cap" is always present.
    pub fn is_empty(&self) -> bool {
        false
    }

    /// The caps, in counter order.
    pub fn values(&self) -> &[u32] {
        &self.0
    }
}

/// Stream counters by cap, account type, region and track, plus channel totals.
#[derive(Clone, Debug)]
pub struct Tally {
    n_tracks: usize,
    n_regions: usize,
    caps: Vec<u32>,
    /// `[cap][premium as usize][region][track]` counted streams.
    counted: Vec<u32>,
    /// Organised-replay part of `counted` for named releases (see [`OrganisedCounts`]).
    organised: OrganisedCounts,
    /// Streams by channel, choice occasions and outside choices per region.
    pub channels: ChannelCounts,
    /// What the slates showed.
    pub slates: SlateStats,
}

/// The part of counted streams that came from organised replay, per named release (slot),
/// region, cap and account type: `[slot][region][cap][premium]`. Under a cap, replay gets
/// what it adds on top of the account's ordinary plays: `min(o + r, cap) − min(o, cap)`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OrganisedCounts {
    n_regions: usize,
    n_caps: usize,
    counts: Vec<u32>,
}

impl OrganisedCounts {
    fn new(n_slots: usize, n_regions: usize, n_caps: usize) -> Self {
        Self {
            n_regions,
            n_caps,
            counts: vec![0; n_slots * n_regions * n_caps * 2],
        }
    }

    #[inline]
    fn index(&self, slot: usize, region: usize, cap: usize, premium: bool) -> usize {
        ((slot * self.n_regions + region) * self.n_caps + cap) * 2 + usize::from(premium)
    }

    /// Counted organised replays of named release `slot` in `region` under cap index `cap`
    /// by `premium` (or ad-supported) accounts.
    pub fn get(&self, slot: usize, region: usize, cap: usize, premium: bool) -> u32 {
        self.counts[self.index(slot, region, cap, premium)]
    }

    fn add(&mut self, other: &Self) {
        for (a, b) in self.counts.iter_mut().zip(&other.counts) {
            *a += b;
        }
    }

    fn clear(&mut self) {
        self.counts.fill(0);
    }
}

impl Tally {
    /// Zeroed counters; `n_slots` named releases get organised-replay counters.
    pub fn new(caps: &Caps, n_regions: usize, n_tracks: usize, n_slots: usize) -> Self {
        Self {
            n_tracks,
            n_regions,
            caps: caps.values().to_vec(),
            counted: vec![0; caps.len() * 2 * n_regions * n_tracks],
            organised: OrganisedCounts::new(n_slots, n_regions, caps.len()),
            channels: ChannelCounts::new(n_regions),
            slates: SlateStats::new(n_regions, n_tracks),
        }
    }

    /// The organised-replay part of the counts.
    pub fn organised(&self) -> &OrganisedCounts {
        &self.organised
    }

    #[inline]
    fn offset(&self, cap: usize, premium: bool, region: usize) -> usize {
        ((cap * 2 + premium as usize) * self.n_regions + region) * self.n_tracks
    }

    /// Counted streams per track for one cap index, account type and region.
    pub fn counted(&self, cap: usize, premium: bool, region: usize) -> &[u32] {
        let at = self.offset(cap, premium, region);
        &self.counted[at..at + self.n_tracks]
    }

    /// Uncapped streams (premium plus ad-supported) of every track in `region`, in track order.
    pub fn streams(&self, region: usize) -> impl Iterator<Item = u64> + '_ {
        let (premium, ad) = (
            self.counted(0, true, region),
            self.counted(0, false, region),
        );
        premium
            .iter()
            .zip(ad)
            .map(|(&p, &a)| u64::from(p) + u64::from(a))
    }

    /// Adds a chunk's week of counts into this tally.
    pub fn absorb(&mut self, chunk: &ChunkTally) {
        let cells = self.n_regions * self.n_tracks;
        for k in 0..self.caps.len() {
            for premium in [false, true] {
                let slot = 2 * k + usize::from(premium);
                let at = self.offset(k, premium, 0);
                let dest = &mut self.counted[at..at + cells];
                for (d, cell) in dest.iter_mut().zip(chunk.cells.chunks_exact(chunk.cell)) {
                    *d += cell[slot];
                }
            }
        }
        self.organised.add(&chunk.organised);
        self.channels.add(&chunk.channels);
        self.slates.add(&chunk.slates);
    }

    /// Sets every counter to zero, keeping the allocation.
    pub fn clear(&mut self) {
        self.counted.fill(0);
        self.organised.clear();
        self.channels.clear();
        self.slates.clear();
    }
}

/// One chunk's counters: per (region, track) a cell of `[cap][premium]` counted streams
/// for the week plus today's uncapped streams; channel totals as in [`Tally`].
#[derive(Clone, Debug)]
pub struct ChunkTally {
    n_tracks: usize,
    caps: Vec<u32>,
    cell: usize,
    cells: Vec<u32>,
    organised: OrganisedCounts,
    /// Streams by channel, choice occasions and outside choices per region.
    pub channels: ChannelCounts,
    /// What the slates showed.
    pub slates: SlateStats,
}

impl ChunkTally {
    /// Zeroed counters; `n_slots` named releases get organised-replay counters.
    pub fn new(caps: &Caps, n_regions: usize, n_tracks: usize, n_slots: usize) -> Self {
        let cell = caps.len() * 2 + 1;
        Self {
            n_tracks,
            caps: caps.values().to_vec(),
            cell,
            cells: vec![0; n_regions * n_tracks * cell],
            organised: OrganisedCounts::new(n_slots, n_regions, caps.len()),
            channels: ChannelCounts::new(n_regions),
            slates: SlateStats::new(n_regions, n_tracks),
        }
    }

    /// Records `replays` organised replays of `track` (named release `slot`) by one
    /// account that also played it `ordinary` times today: each cap counts what the
    /// replays add, `min(ordinary + replays, cap) − min(ordinary, cap)`, both in the
    /// track's counts and in the organised-replay counts.
    pub fn add_replays(
        &mut self,
        region: usize,
        premium: bool,
        track: usize,
        slot: usize,
        ordinary: u32,
        replays: u32,
    ) {
        let at = (region * self.n_tracks + track) * self.cell;
        let cell = &mut self.cells[at..at + self.cell];
        for (k, &cap) in self.caps.iter().enumerate() {
            let added = (ordinary + replays).min(cap) - ordinary.min(cap);
            cell[2 * k + usize::from(premium)] += added;
            let i = self.organised.index(slot, region, k, premium);
            self.organised.counts[i] += added;
        }
        cell[self.cell - 1] += replays;
        self.channels.organised[region] += u64::from(replays);
    }

    /// Records one listener's `plays` streams of `track` on one day.
    #[inline]
    pub fn add_plays(&mut self, region: usize, premium: bool, track: usize, plays: u32) {
        let at = (region * self.n_tracks + track) * self.cell;
        let cell = &mut self.cells[at..at + self.cell];
        for (k, &cap) in self.caps.iter().enumerate() {
            cell[2 * k + usize::from(premium)] += plays.min(cap);
        }
        cell[self.cell - 1] += plays;
    }

    /// Adds today's uncapped streams (`[region][track]`) into `daily` and resets them.
    pub fn drain_today(&mut self, daily: &mut [u32]) {
        let today = self.cell - 1;
        for (d, cell) in daily.iter_mut().zip(self.cells.chunks_exact_mut(self.cell)) {
            *d += cell[today];
            cell[today] = 0;
        }
    }

    /// Sets every counter to zero, keeping the allocation.
    pub fn clear(&mut self) {
        self.cells.fill(0);
        self.organised.clear();
        self.channels.clear();
        self.slates.clear();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn caps_apply_per_listener_day() {
        let caps = Caps::from_rules([RuleSet::uk(), RuleSet::melon(), RuleSet::raw()].iter());
        assert_eq!(caps.values(), &[u32::MAX, 10, 1]);
        let mut chunk = ChunkTally::new(&caps, 1, 3, 0);
        chunk.add_plays(0, true, 2, 25); // a fan replaying 25 times in a day
        chunk.add_plays(0, true, 2, 4);
        let mut daily = vec![0; 3];
        chunk.drain_today(&mut daily);
        assert_eq!(daily, vec![0, 0, 29]);
        let mut t = Tally::new(&caps, 1, 3, 0);
        t.absorb(&chunk);
        // uncapped 29; UK cap 10 → 10 + 4 = 14; Melon cap 1 → 1 + 1 = 2
        assert_eq!(t.counted(caps.index_of(None), true, 0)[2], 29);
        assert_eq!(t.counted(caps.index_of(Some(10)), true, 0)[2], 14);
        assert_eq!(t.counted(caps.index_of(Some(1)), true, 0)[2], 2);
        assert_eq!(t.counted(0, false, 0)[2], 0);
    }

    #[test]
    fn replays_count_what_they_add_on_top_of_ordinary_plays() {
        let caps = Caps::from_rules([RuleSet::uk(), RuleSet::melon()].iter());
        let mut chunk = ChunkTally::new(&caps, 2, 4, 1);
        // One account: 4 ordinary plays, then 25 replays of the same track (slot 0).
        chunk.add_plays(1, false, 3, 4);
        chunk.add_replays(1, false, 3, 0, 4, 25);
        // A second account of the same member: 25 replays, no ordinary plays.
        chunk.add_replays(1, false, 3, 0, 0, 25);
        let mut t = Tally::new(&caps, 2, 4, 1);
        t.absorb(&chunk);
        let (none, uk, melon) = (
            caps.index_of(None),
            caps.index_of(Some(10)),
            caps.index_of(Some(1)),
        );
        // Uncapped: 4 + 25 + 25 = 54, of which 50 organised.
        assert_eq!(t.counted(none, false, 1)[3], 54);
        assert_eq!(t.organised().get(0, 1, none, false), 50);
        // UK cap 10: account 1 min(29, 10) = 10 (ordinary 4, replay adds 6); account 2: 10.
        assert_eq!(t.counted(uk, false, 1)[3], 20);
        assert_eq!(t.organised().get(0, 1, uk, false), 16);
        // Melon cap 1: the ordinary play already used account 1's count; account 2 adds 1.
        assert_eq!(t.counted(melon, false, 1)[3], 2);
        assert_eq!(t.organised().get(0, 1, melon, false), 1);
        assert_eq!(t.channels.organised, vec![0, 50]);
        assert_eq!(t.organised().get(0, 0, none, false), 0);
    }
}
