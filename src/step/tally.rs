//! Integer counters of a day's or week's listening.
//!
//! Listeners are simulated in parallel chunks, and each chunk writes what its listeners
//! played into its own [`DayLog`]: a short list of (region, track, plays) records, sorted
//! into buckets by cell range as they are written. At the end of the day
//! [`Tally::absorb_day`] adds every chunk's records into one dense week [`Tally`], one
//! bucket per parallel task, so no two tasks touch the same counter. Memory for plays is
//! therefore one copy of the per-track counters plus what was played that day, not one
//! copy per chunk. Integer addition is associative, so the totals do not depend on how
//! many threads ran, how listeners were chunked or in which order chunks finished.
//!
//! A (region, track) *cell* holds every cap's counted streams for premium and ad-supported
//! accounts and today's uncapped streams side by side, so recording a play touches one
//! cache line. The cells played today are returned as a sparse list, which is what the
//! market's rolling windows keep.

use rayon::prelude::*;

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

impl Channel {
    /// Whether a stream from this channel was sought out by the listener (their library,
    /// search, the chart, seasonal playlists, a soundtrack lookup) rather than suggested by
    /// an algorithm (the recommender's slate, new-release lists): what an artist-centric
    /// payout rule's engagement boost rewards.
    pub fn sought(self) -> bool {
        !matches!(self, Channel::Slate | Channel::NewRelease)
    }
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
    /// `[region]` bot farms' streams kept by the fraud filter (they are in the per-track
    /// counts, not in `streams`).
    pub bots: Vec<u64>,
    /// `[region]` bot farms' streams the fraud filter discarded.
    pub bots_discarded: Vec<u64>,
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
            bots: vec![0; n_regions],
            bots_discarded: vec![0; n_regions],
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
            (&mut self.bots, &other.bots),
            (&mut self.bots_discarded, &other.bots_discarded),
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
        self.bots.fill(0);
        self.bots_discarded.fill(0);
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

    fn clear(&mut self) {
        self.counts.fill(0);
    }
}

/// Premium flag in a [`Play`]'s `plays` word.
const PREMIUM: u32 = 1 << 31;

/// One listener's plays of one track on one day.
#[derive(Clone, Copy, Debug)]
struct Play {
    /// `region × tracks + track`.
    cell: u32,
    /// Plays, with [`PREMIUM`] set for a premium account.
    plays: u32,
}

/// One account's organised replays of a fandom target on one day.
#[derive(Clone, Copy, Debug)]
struct Replay {
    cell: u32,
    region: u32,
    slot: u32,
    premium: bool,
    /// The account's ordinary plays of the track that day (caps count what replay adds).
    ordinary: u32,
    replays: u32,
}

impl Replay {
    /// What the replays add to the account's counted streams under `cap`:
    /// `min(ordinary + replays, cap) − min(ordinary, cap)`.
    #[inline]
    fn counted_under(&self, cap: u32) -> u32 {
        (self.ordinary + self.replays).min(cap) - self.ordinary.min(cap)
    }
}

/// How cells are split into buckets: `cell >> shift` is a cell's bucket.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Buckets {
    shift: u32,
    count: usize,
}

impl Buckets {
    /// At most 64 buckets: enough parallel tasks for the end-of-day merge, few enough that
    /// a chunk's log stays a handful of short lists.
    fn for_cells(n_cells: usize) -> Self {
        let bits = usize::BITS - n_cells.max(1).leading_zeros();
        let shift = bits.saturating_sub(6);
        Self {
            shift,
            count: ((n_cells.max(1) - 1) >> shift) + 1,
        }
    }

    #[inline]
    fn of(self, cell: u32) -> usize {
        (cell >> self.shift) as usize
    }

    /// Cells per bucket.
    fn span(self) -> usize {
        1 << self.shift
    }
}

/// One chunk's record of a day's plays (bucketed by cell) and of the week's per-region
/// counts and slates.
#[derive(Clone, Debug)]
pub struct DayLog {
    n_tracks: usize,
    buckets: Buckets,
    plays: Vec<Vec<Play>>,
    replays: Vec<Replay>,
    /// Streams by channel, choice occasions and outside choices per region (the week's).
    pub channels: ChannelCounts,
    /// What the slates showed (the week's).
    pub slates: SlateStats,
}

impl DayLog {
    /// An empty log for `n_regions` regions of `n_tracks` tracks.
    pub fn new(n_regions: usize, n_tracks: usize) -> Self {
        let buckets = Buckets::for_cells(n_regions * n_tracks);
        Self {
            n_tracks,
            buckets,
            plays: vec![Vec::new(); buckets.count],
            replays: Vec::new(),
            channels: ChannelCounts::new(n_regions),
            slates: SlateStats::new(n_regions, n_tracks),
        }
    }

    /// Records one listener's `plays` streams of `track` on one day.
    #[inline]
    pub fn add_plays(&mut self, region: usize, premium: bool, track: usize, plays: u32) {
        let cell = (region * self.n_tracks + track) as u32;
        let flag = if premium { PREMIUM } else { 0 };
        self.plays[self.buckets.of(cell)].push(Play {
            cell,
            plays: plays | flag,
        });
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
        self.replays.push(Replay {
            cell: (region * self.n_tracks + track) as u32,
            region: region as u32,
            slot: slot as u32,
            premium,
            ordinary,
            replays,
        });
        self.channels.organised[region] += u64::from(replays);
    }

    /// Forgets the day's plays (keeping the allocations and the week's counts).
    fn clear_day(&mut self) {
        self.plays.iter_mut().for_each(Vec::clear);
        self.replays.clear();
    }

    /// Sets every count to zero, keeping the allocations.
    pub fn clear(&mut self) {
        self.clear_day();
        self.channels.clear();
        self.slates.clear();
    }
}

/// Stream counters by (region, track) cell, cap and account type, plus channel totals.
#[derive(Clone, Debug)]
pub struct Tally {
    n_tracks: usize,
    caps: Vec<u32>,
    buckets: Buckets,
    /// Counters per cell: `[cap][premium]` counted streams this week, then today's
    /// uncapped streams.
    cells: Vec<u32>,
    /// Per bucket, the cells played today (reused buffers).
    today: Vec<Vec<(u32, u32)>>,
    /// Organised-replay part of the counts for named releases (see [`OrganisedCounts`]).
    organised: OrganisedCounts,
    /// Streams by channel, choice occasions and outside choices per region.
    pub channels: ChannelCounts,
    /// What the slates showed.
    pub slates: SlateStats,
}

impl Tally {
    /// Zeroed counters; `n_slots` named releases get organised-replay counters.
    pub fn new(caps: &Caps, n_regions: usize, n_tracks: usize, n_slots: usize) -> Self {
        let buckets = Buckets::for_cells(n_regions * n_tracks);
        Self {
            n_tracks,
            caps: caps.values().to_vec(),
            buckets,
            cells: vec![0; n_regions * n_tracks * Self::width_for(caps.len())],
            today: vec![Vec::new(); buckets.count],
            organised: OrganisedCounts::new(n_slots, n_regions, caps.len()),
            channels: ChannelCounts::new(n_regions),
            slates: SlateStats::new(n_regions, n_tracks),
        }
    }

    /// Counters per cell for `n_caps` caps: premium and ad-supported per cap, then today.
    fn width_for(n_caps: usize) -> usize {
        2 * n_caps + 1
    }

    fn width(&self) -> usize {
        Self::width_for(self.caps.len())
    }

    /// The organised-replay part of the counts.
    pub fn organised(&self) -> &OrganisedCounts {
        &self.organised
    }

    /// Counted streams this week per track for one cap index, account type and region,
    /// in track order.
    pub fn counted(
        &self,
        cap: usize,
        premium: bool,
        region: usize,
    ) -> impl ExactSizeIterator<Item = u32> + '_ {
        let width = self.width();
        let at = region * self.n_tracks * width;
        let slot = 2 * cap + usize::from(premium);
        self.cells[at..at + self.n_tracks * width]
            .chunks_exact(width)
            .map(move |cell| cell[slot])
    }

    /// Uncapped streams this week (premium plus ad-supported) of every track in `region`,
    /// in track order.
    pub fn streams(&self, region: usize) -> impl ExactSizeIterator<Item = u64> + '_ {
        self.counted(0, true, region)
            .zip(self.counted(0, false, region))
            .map(|(p, a)| u64::from(p) + u64::from(a))
    }

    /// Adds the day's logs into the week's counters (one parallel task per bucket of
    /// cells), clears the logs' plays, and returns the cells played today with their
    /// uncapped streams (bucket by bucket, in the order the chunks first played them).
    pub fn absorb_day(&mut self, logs: &mut [DayLog]) -> impl Iterator<Item = (u32, u32)> + '_ {
        let width = self.width();
        let today = width - 1;
        let caps = &self.caps;
        let buckets = self.buckets;
        let span = buckets.span();
        let logs_ref: &[DayLog] = logs;
        self.cells
            .par_chunks_mut(span * width)
            .zip(self.today.par_iter_mut())
            .enumerate()
            .for_each(|(b, (cells, played))| {
                let first = (b * span) as u32;
                played.clear();
                for log in logs_ref {
                    for play in &log.plays[b] {
                        let at = (play.cell - first) as usize * width;
                        let cell = &mut cells[at..at + width];
                        let premium = usize::from(play.plays & PREMIUM != 0);
                        let plays = play.plays & !PREMIUM;
                        for (k, &cap) in caps.iter().enumerate() {
                            cell[2 * k + premium] += plays.min(cap);
                        }
                        if cell[today] == 0 {
                            played.push((play.cell, 0));
                        }
                        cell[today] += plays;
                    }
                }
                for log in logs_ref {
                    let mine = log.replays.iter().filter(|r| buckets.of(r.cell) == b);
                    for r in mine {
                        let at = (r.cell - first) as usize * width;
                        let cell = &mut cells[at..at + width];
                        for (k, &cap) in caps.iter().enumerate() {
                            let added = r.counted_under(cap);
                            cell[2 * k + usize::from(r.premium)] += added;
                        }
                        if cell[today] == 0 {
                            played.push((r.cell, 0));
                        }
                        cell[today] += r.replays;
                    }
                }
                for (cell, streams) in played.iter_mut() {
                    let at = (*cell - first) as usize * width + today;
                    *streams = cells[at];
                    cells[at] = 0;
                }
            });
        for log in logs.iter() {
            for r in &log.replays {
                for (k, &cap) in self.caps.iter().enumerate() {
                    let added = r.counted_under(cap);
                    let i = self
                        .organised
                        .index(r.slot as usize, r.region as usize, k, r.premium);
                    self.organised.counts[i] += added;
                }
            }
        }
        logs.iter_mut().for_each(DayLog::clear_day);
        self.today.iter().flatten().copied()
    }

    /// Adds the chunks' per-region counts and slates of the week into this tally and
    /// clears them in the chunks.
    pub fn absorb_week(&mut self, logs: &mut [DayLog]) {
        for log in logs {
            self.channels.add(&log.channels);
            self.slates.add(&log.slates);
            log.clear();
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

    fn counted(t: &Tally, cap: usize, premium: bool, region: usize) -> Vec<u32> {
        t.counted(cap, premium, region).collect()
    }

    #[test]
    fn caps_apply_per_listener_day() {
        let caps = Caps::from_rules([RuleSet::uk(), RuleSet::melon(), RuleSet::raw()].iter());
        assert_eq!(caps.values(), &[u32::MAX, 10, 1]);
        let mut logs = vec![DayLog::new(1, 3), DayLog::new(1, 3)];
        logs[0].add_plays(0, true, 2, 25); // a fan replaying 25 times in a day
        logs[1].add_plays(0, true, 2, 4);
        let mut t = Tally::new(&caps, 1, 3, 0);
        let today: Vec<(u32, u32)> = t.absorb_day(&mut logs).collect();
        assert_eq!(today, vec![(2, 29)]);
        // uncapped 29; UK cap 10 → 10 + 4 = 14; Melon cap 1 → 1 + 1 = 2
        assert_eq!(counted(&t, caps.index_of(None), true, 0)[2], 29);
        assert_eq!(counted(&t, caps.index_of(Some(10)), true, 0)[2], 14);
        assert_eq!(counted(&t, caps.index_of(Some(1)), true, 0)[2], 2);
        assert_eq!(counted(&t, 0, false, 0)[2], 0);
        // The next day starts from no plays today but keeps the week's counts.
        logs[0].add_plays(0, false, 0, 3);
        let today: Vec<(u32, u32)> = t.absorb_day(&mut logs).collect();
        assert_eq!(today, vec![(0, 3)]);
        assert_eq!(t.streams(0).collect::<Vec<_>>(), vec![3, 0, 29]);
    }

    #[test]
    fn every_bucket_of_a_large_tally_is_merged() {
        let caps = Caps::from_rules([RuleSet::raw()].iter());
        let (regions, tracks) = (3, 50_000);
        let mut logs: Vec<DayLog> = (0..5).map(|_| DayLog::new(regions, tracks)).collect();
        // Chunk c plays track t in region t % 3 (t + c) % 4 times, for every 7th track.
        for (c, log) in logs.iter_mut().enumerate() {
            for t in (0..tracks).step_by(7) {
                log.add_plays(t % regions, t % 2 == 0, t, ((t + c) % 4) as u32);
            }
        }
        let mut t = Tally::new(&caps, regions, tracks, 0);
        let today: u64 = t.absorb_day(&mut logs).map(|(_, s)| u64::from(s)).sum();
        // Independent sum: Σ over every 7th track of Σ_c (t + c) mod 4.
        let expected: u64 = (0..tracks)
            .step_by(7)
            .map(|tr| (0..5).map(|c| ((tr + c) % 4) as u64).sum::<u64>())
            .sum();
        assert_eq!(today, expected);
        let week: u64 = (0..regions).map(|r| t.streams(r).sum::<u64>()).sum();
        assert_eq!(week, expected);
        assert_eq!(
            t.streams(7 % regions).nth(7),
            Some((7..12).map(|x| (x % 4) as u64).sum())
        );
    }

    #[test]
    fn replays_count_what_they_add_on_top_of_ordinary_plays() {
        let caps = Caps::from_rules([RuleSet::uk(), RuleSet::melon()].iter());
        let mut logs = vec![DayLog::new(2, 4)];
        // One account: 4 ordinary plays, then 25 replays of the same track (slot 0).
        logs[0].add_plays(1, false, 3, 4);
        logs[0].add_replays(1, false, 3, 0, 4, 25);
        // A second account of the same member: 25 replays, no ordinary plays.
        logs[0].add_replays(1, false, 3, 0, 0, 25);
        let mut t = Tally::new(&caps, 2, 4, 1);
        let today: Vec<(u32, u32)> = t.absorb_day(&mut logs).collect();
        assert_eq!(today, vec![(4 + 3, 54)]);
        t.absorb_week(&mut logs);
        let (none, uk, melon) = (
            caps.index_of(None),
            caps.index_of(Some(10)),
            caps.index_of(Some(1)),
        );
        // Uncapped: 4 + 25 + 25 = 54, of which 50 organised.
        assert_eq!(counted(&t, none, false, 1)[3], 54);
        assert_eq!(t.organised().get(0, 1, none, false), 50);
        // UK cap 10: account 1 min(29, 10) = 10 (ordinary 4, replay adds 6); account 2: 10.
        assert_eq!(counted(&t, uk, false, 1)[3], 20);
        assert_eq!(t.organised().get(0, 1, uk, false), 16);
        // Melon cap 1: the ordinary play already used account 1's count; account 2 adds 1.
        assert_eq!(counted(&t, melon, false, 1)[3], 2);
        assert_eq!(t.organised().get(0, 1, melon, false), 1);
        assert_eq!(t.channels.organised, vec![0, 50]);
        assert_eq!(t.organised().get(0, 0, none, false), 0);
    }
}
