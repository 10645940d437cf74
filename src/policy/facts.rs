//! What a policy knows on a day beyond its own scorer: recent regional plays, which artists
//! are new, which tracks are in the head, and candidate pools per segment.
//!
//! Built once a day (cost proportional to the catalogue), so that a slate's cost does not
//! depend on the catalogue's size: a curation rule that needs local or long-tail candidates
//! draws a fixed number from a precomputed pool instead of scanning the catalogue.

use crate::ids::{RegionId, TrackId};
use crate::rng::{SimRng, fast_index};
use crate::world::{Label, World};

use super::DayContext;

/// An artist counts as new talent for this many days after their first release. France's
/// quota law leaves "new talent" to a sales criterion; observed plays give no career history,
/// so a debut within the last year stands in for it (assumption).
pub const NEW_TALENT_DAYS: i32 = 365;

/// Share of the released catalogue that forms a region's head (the rest is the long tail).
/// Assumption.
pub const HEAD_SHARE: f64 = 0.10;

/// Tracks kept in a pool's "top" list (the most-streamed members).
const POOL_TOP: usize = 64;

/// A group of tracks a rule can ask candidates from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Segment {
    /// Tracks by artists from the listener's region.
    Local,
    /// Local tracks by new artists (debut within [`NEW_TALENT_DAYS`]).
    LocalNewTalent,
    /// Tracks by artists on independent labels.
    Independent,
    /// Tracks outside the listener's region's head (see [`HEAD_SHARE`]).
    LongTail,
    /// Tracks the streaming platform owns.
    Platform,
}

const SEGMENTS: usize = 5;

/// One segment's released members in one region, and its most-streamed members.
#[derive(Clone, Debug, Default)]
struct Pool {
    members: Vec<u32>,
    top: Vec<u32>,
}

/// Day facts shared by every slate of a policy (see the module docs).
#[derive(Clone, Debug, Default)]
pub struct DayFacts {
    day: i32,
    released: usize,
    n_tracks: usize,
    n_regions: usize,
    recent: Vec<u32>,
    per_thousand: Vec<f32>,
    artist_debut: Vec<i32>,
    head_floor: Vec<u32>,
    /// `pools[segment][region]`; empty for segments nobody asked for.
    pools: Vec<Vec<Pool>>,
}

impl DayFacts {
    /// Recomputes the facts for `ctx`'s day, with pools for `segments`.
    pub(super) fn prepare(&mut self, ctx: &DayContext, segments: &[Segment]) {
        let world = ctx.world;
        self.day = ctx.day;
        self.released = ctx.released;
        self.n_tracks = ctx.n_tracks;
        self.n_regions = ctx.n_regions;
        self.recent.clear();
        self.recent.extend_from_slice(ctx.recent_streams);
        self.per_thousand = world
            .listeners_by_region
            .iter()
            .map(|&n| if n == 0 { 0.0 } else { 1_000.0 / n as f32 })
            .collect();
        if self.artist_debut.is_empty() {
            self.artist_debut = artist_debuts(world);
        }
        let k = ((HEAD_SHARE * ctx.released as f64).ceil() as usize).max(1);
        self.head_floor = (0..ctx.n_regions)
            .map(|r| {
                let mut counts = self.region_recent(r)[..ctx.released].to_vec();
                if counts.len() < k {
                    return 0;
                }
                let (_, kth, _) = counts.select_nth_unstable_by(k - 1, |a, b| b.cmp(a));
                *kth
            })
            .collect();
        self.pools.resize(SEGMENTS, Vec::new());
        for s in 0..SEGMENTS {
            self.pools[s].clear();
        }
        for &segment in segments {
            let pools = (0..ctx.n_regions)
                .map(|r| self.build_pool(world, segment, RegionId(r as u8)))
                .collect();
            self.pools[segment as usize] = pools;
        }
    }

    fn build_pool(&self, world: &World, segment: Segment, region: RegionId) -> Pool {
        let members: Vec<u32> = (0..self.released as u32)
            .filter(|&t| self.in_segment(world, segment, region, TrackId(t)))
            .collect();
        let recent = self.region_recent(region.index());
        let mut ranked: Vec<(u32, u32)> =
            members.iter().map(|&t| (recent[t as usize], t)).collect();
        let order = |a: &(u32, u32), b: &(u32, u32)| b.0.cmp(&a.0).then(a.1.cmp(&b.1));
        if ranked.len() > POOL_TOP {
            ranked.select_nth_unstable_by(POOL_TOP - 1, order);
            ranked.truncate(POOL_TOP);
        }
        ranked.sort_unstable_by(order);
        Pool {
            members,
            top: ranked.into_iter().map(|(_, t)| t).collect(),
        }
    }

    /// Whether `track` belongs to `segment` for a listener in `region`.
    pub fn in_segment(
        &self,
        world: &World,
        segment: Segment,
        region: RegionId,
        track: TrackId,
    ) -> bool {
        match segment {
            Segment::Local => self.is_local(world, region, track),
            Segment::LocalNewTalent => {
                self.is_local(world, region, track) && self.is_new_talent(world, track)
            }
            Segment::Independent => is_independent(world, track),
            Segment::LongTail => self.is_long_tail(region, track),
            Segment::Platform => is_platform(world, track),
        }
    }

    /// The day these facts describe.
    pub fn day(&self) -> i32 {
        self.day
    }

    /// Tracks `0..released` are out.
    pub fn released(&self) -> usize {
        self.released
    }

    fn region_recent(&self, region: usize) -> &[u32] {
        &self.recent[region * self.n_tracks..(region + 1) * self.n_tracks]
    }

    /// The track's streams in `region` over the last 7 days.
    #[inline]
    pub fn recent_streams(&self, region: RegionId, track: TrackId) -> u32 {
        self.recent[region.index() * self.n_tracks + track.index()]
    }

    /// The track's popularity in `region`: streams over the last 7 days per 1,000 of the
    /// region's listeners (the quantity behind social proof in utility).
    #[inline]
    pub fn popularity(&self, region: RegionId, track: TrackId) -> f32 {
        self.recent_streams(region, track) as f32 * self.per_thousand[region.index()]
    }

    /// Whether the track's artist comes from `region`.
    #[inline]
    pub fn is_local(&self, world: &World, region: RegionId, track: TrackId) -> bool {
        world.catalogue.tracks.origin[track.index()] == region
    }

    /// Whether the track's artist debuted within the last [`NEW_TALENT_DAYS`].
    #[inline]
    pub fn is_new_talent(&self, world: &World, track: TrackId) -> bool {
        let artist = world.catalogue.tracks.artist[track.index()];
        self.artist_debut[artist.index()] > self.day - NEW_TALENT_DAYS
    }

    /// Whether the track is outside the head of `region`: streamed less, over the last
    /// 7 days, than the track at the [`HEAD_SHARE`] quantile of the released catalogue (or
    /// not streamed at all).
    #[inline]
    pub fn is_long_tail(&self, region: RegionId, track: TrackId) -> bool {
        let s = self.recent_streams(region, track);
        s == 0 || s < self.head_floor[region.index()]
    }

    /// Appends `k` tracks of `segment` for a listener in `region`: half the pool's
    /// most-streamed members in order, half uniform draws from all its members (so that
    /// scorers that ignore popularity still see the whole segment). Cost O(k).
    pub fn draw(
        &self,
        segment: Segment,
        region: RegionId,
        k: usize,
        rng: &mut SimRng,
        out: &mut Vec<u32>,
    ) {
        let Some(pool) = self
            .pools
            .get(segment as usize)
            .and_then(|p| p.get(region.index()))
        else {
            return;
        };
        if pool.members.is_empty() {
            return;
        }
        let from_top = k / 2;
        out.extend(pool.top.iter().take(from_top));
        for _ in 0..k - from_top {
            out.push(pool.members[fast_index(rng, pool.members.len())]);
        }
    }
}

/// Whether the track's artist is on an independent label.
#[inline]
pub fn is_independent(world: &World, track: TrackId) -> bool {
    let artist = world.catalogue.tracks.artist[track.index()];
    world.catalogue.artists.label[artist.index()] == Label::Independent
}

/// Whether the streaming platform owns the track's artist.
#[inline]
pub fn is_platform(world: &World, track: TrackId) -> bool {
    let artist = world.catalogue.tracks.artist[track.index()];
    world.catalogue.artists.label[artist.index()] == Label::Platform
}

/// Each artist's first release day.
fn artist_debuts(world: &World) -> Vec<i32> {
    let tracks = &world.catalogue.tracks;
    let mut debut = vec![i32::MAX; world.catalogue.artists.label.len()];
    for (a, &d) in tracks.artist.iter().zip(&tracks.release_day) {
        debut[a.index()] = debut[a.index()].min(d);
    }
    debut
}
