//! The popularity scorer: the most-streamed (or fastest-growing) tracks over a recent window.
//!
//! * `regional`: score(t) = streams of t in the listener's region over the last `w` days;
//! * `global`: the same summed over every region;
//! * `trending`: score(t) = s_w(t) − s′_w(t), the growth of the track's regional streams
//!   between the window before last (days d−2w … d−w−1) and the last one (d−w … d−1); ties
//!   go to the track with more recent streams.
//!
//! A ranking is the same for everyone in a scope, so it is computed once a day; a
//! listener's slate is its top minus their library (Chaney et al. 2018's "popularity"
//! recommender). With `random_slots = r` the last r slots are drawn uniformly from the rest
//! of the released catalogue instead (a "top k plus random" slate, which keeps some
//! exposure for tracks nobody plays yet). Ties (above all on the first days, when nothing has been played yet) go
//! in an order drawn once per world ([`crate::world::World::tie_break_seed`]): the same for
//! every policy on that world, different across worlds, so no track — the oldest, or the
//! lowest id — gets a head start in every world.

use crate::ids::TrackId;
use crate::policy::{Candidate, DayContext, PopularityScope, SlateRequest};
use crate::rng::SimRng;
use crate::rng::mix64;

/// Day state of the popularity scorer: one ranking per scope.
#[derive(Clone, Debug)]
pub struct PopularityDay {
    scope: PopularityScope,
    window_days: usize,
    /// Slots at the end of a slate drawn at random.
    random_slots: usize,
    /// Tracks released today (the random slots' range).
    released: usize,
    /// Top tracks per region (regional, trending) or a single list (global), best first.
    rankings: Vec<Vec<TrackId>>,
    scratch: Vec<((u64, u64), u32)>,
    growth: Vec<((i64, u64, u64), u32)>,
    /// Trending: the policy window as it stood on each of the last `w + 1` days (with the
    /// day it was stored).
    history: Vec<(i32, Vec<u32>)>,
    /// Every track's score per list (kept only when curation rules need any track's score).
    scores: Vec<f32>,
    keep_scores: bool,
    n_tracks: usize,
}

impl PopularityDay {
    pub(crate) fn new(
        scope: PopularityScope,
        window_days: u32,
        random_slots: u32,
        keep_scores: bool,
    ) -> Self {
        Self {
            scope,
            window_days: window_days as usize,
            random_slots: random_slots as usize,
            released: 0,
            rankings: Vec::new(),
            scratch: Vec::new(),
            growth: Vec::new(),
            history: Vec::new(),
            scores: Vec::new(),
            keep_scores,
            n_tracks: 0,
        }
    }

    /// Ranks the released tracks; `slate` is the longest list a slate asks for.
    pub(crate) fn prepare(&mut self, ctx: &DayContext, slate: usize) {
        let keep = slate + ctx.library_size;
        let n = ctx.n_tracks;
        self.n_tracks = n;
        self.released = ctx.released;
        let lists = match self.scope {
            PopularityScope::Regional | PopularityScope::Trending => ctx.n_regions,
            PopularityScope::Global => 1,
        };
        let previous = self.remember(ctx);
        let previous = previous.map(|slot| &self.history[slot].1);
        self.rankings.resize(lists, Vec::new());
        if self.keep_scores {
            self.scores.clear();
            self.scores.resize(lists * n, 0.0);
        }
        let seed = ctx.world.tie_break_seed;
        let tie = |t: usize| mix64(seed ^ t as u64);
        for (list, ranking) in self.rankings.iter_mut().enumerate() {
            let streams = |t: usize| -> u64 {
                match self.scope {
                    PopularityScope::Regional | PopularityScope::Trending => {
                        u64::from(ctx.window_streams[list * n + t])
                    }
                    PopularityScope::Global => (0..ctx.n_regions)
                        .map(|r| u64::from(ctx.window_streams[r * n + t]))
                        .sum(),
                }
            };
            ranking.clear();
            if self.scope == PopularityScope::Trending {
                self.growth.clear();
                for t in 0..ctx.released {
                    let before = previous.map_or(0, |p| u64::from(p[list * n + t]));
                    let now = streams(t);
                    let growth = now as i64 - before as i64;
                    self.growth.push(((growth, now, tie(t)), t as u32));
                    if self.keep_scores {
                        self.scores[list * n + t] = growth as f32;
                    }
                }
                top_by_key(&mut self.growth, keep);
                ranking.extend(self.growth.iter().map(|&(_, t)| TrackId(t)));
            } else {
                self.scratch.clear();
                for t in 0..ctx.released {
                    let s = streams(t);
                    self.scratch.push(((s, tie(t)), t as u32));
                    if self.keep_scores {
                        self.scores[list * n + t] = s as f32;
                    }
                }
                top_by_key(&mut self.scratch, keep);
                ranking.extend(self.scratch.iter().map(|&(_, t)| TrackId(t)));
            }
        }
    }

    /// Trending only: stores today's window and returns the slot of the one from `w` days
    /// ago (the window before last), if it was stored (the run is that old and that day
    /// was prepared).
    fn remember(&mut self, ctx: &DayContext) -> Option<usize> {
        if self.scope != PopularityScope::Trending {
            return None;
        }
        let ring = self.window_days + 1;
        self.history.resize(ring, (i32::MIN, Vec::new()));
        let day = ctx.day.max(0) as usize;
        let slot = &mut self.history[day % ring];
        slot.0 = ctx.day;
        slot.1.clear();
        slot.1.extend_from_slice(ctx.window_streams);
        let before = (day >= self.window_days).then(|| (day - self.window_days) % ring)?;
        (self.history[before].0 == ctx.day - self.window_days as i32).then_some(before)
    }

    fn list(&self, request: &SlateRequest) -> usize {
        match self.scope {
            PopularityScope::Regional | PopularityScope::Trending => request.region.index(),
            PopularityScope::Global => 0,
        }
    }

    /// Whether slates have random slots (and so draw random numbers).
    pub(crate) fn is_random(&self) -> bool {
        self.random_slots > 0
    }

    pub(crate) fn fill(
        &self,
        request: &SlateRequest,
        size: usize,
        rng: &mut SimRng,
        slate: &mut Vec<TrackId>,
    ) {
        self.fill_top(request, size.saturating_sub(self.random_slots), slate);
        self.fill_random(request, size, rng, slate);
    }

    /// Tops the slate up to `size` with released tracks drawn uniformly (nothing without
    /// random slots).
    fn fill_random(
        &self,
        request: &SlateRequest,
        size: usize,
        rng: &mut SimRng,
        slate: &mut Vec<TrackId>,
    ) {
        if self.random_slots > 0 {
            super::random::fill_uniform(self.released, request, size, rng, slate);
        }
    }

    /// The slate's popular part: the ranking's top outside the library, up to `size`.
    pub(crate) fn fill_top(&self, request: &SlateRequest, size: usize, slate: &mut Vec<TrackId>) {
        let Some(ranking) = self.rankings.get(self.list(request)) else {
            return;
        };
        for &t in ranking {
            if slate.len() >= size {
                break;
            }
            // A ranking has no repeats, so only the library needs checking.
            if !request.library.contains(t.0) {
                slate.push(t);
            }
        }
    }

    /// The top `n` of the ranking outside the library (less the random slots, drawn as a
    /// slate draws them), with their scores.
    pub(crate) fn candidates(
        &self,
        request: &SlateRequest,
        n: usize,
        rng: &mut SimRng,
        spare: &mut Vec<TrackId>,
        out: &mut Vec<Candidate>,
    ) {
        spare.clear();
        self.fill(request, n, rng, spare);
        out.extend(
            spare
                .drain(..)
                .map(|t| Candidate::new(t, self.score(request, t))),
        );
    }

    /// Any track's score (streams, or growth for `trending`).
    pub(crate) fn score(&self, request: &SlateRequest, track: TrackId) -> f32 {
        debug_assert!(self.keep_scores, "scores kept only for curated policies");
        self.scores
            .get(self.list(request) * self.n_tracks + track.index())
            .copied()
            .unwrap_or(0.0)
    }
}

/// Keeps the `keep` items with the largest keys, sorted best first (ties: lower id first).
fn top_by_key<K: Ord + Copy>(items: &mut Vec<(K, u32)>, keep: usize) {
    let order = |a: &(K, u32), b: &(K, u32)| b.0.cmp(&a.0).then(a.1.cmp(&b.1));
    if items.len() > keep && keep > 0 {
        items.select_nth_unstable_by(keep - 1, order);
        items.truncate(keep);
    }
    items.sort_unstable_by(order);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn top_by_key_orders_and_breaks_ties_by_id() {
        let mut items = vec![(5u64, 0), (9, 1), (5, 2), (1, 3), (9, 4)];
        top_by_key(&mut items, 3);
        // 9 (id 1), 9 (id 4), 5 (id 0): the ties at 9 go to the lower id first.
        assert_eq!(items, vec![(9, 1), (9, 4), (5, 0)]);
    }

    #[test]
    fn trending_prefers_growth_then_volume() {
        // (growth, recent streams): +5 beats +3 whatever the volume; equal growth → more streams.
        let mut items = vec![
            ((3i64, 100u64), 0),
            ((5, 6), 1),
            ((3, 200), 2),
            ((-4, 900), 3),
        ];
        top_by_key(&mut items, 4);
        assert_eq!(
            items.iter().map(|x| x.1).collect::<Vec<_>>(),
            vec![1, 2, 0, 3]
        );
    }

    #[test]
    fn trending_ranks_growth_against_the_window_before_last() {
        use crate::ids::RegionId;
        use crate::policy::LibraryView;
        use crate::policy::curation::testkit::Kit;
        let kit = Kit::new(&[Default::default(); 3]);
        let world = &kit.world;
        let (n, regions) = (world.catalogue.len(), world.listeners_by_region.len());
        // Window of 2 days. Track 0: 100 streams in both windows; track 1: 10 then 60;
        // track 2: 30 then 20.
        let window = |a: u32, b: u32, c: u32| {
            let mut w = vec![0u32; regions * n];
            w[..3].copy_from_slice(&[a, b, c]);
            w
        };
        fn ctx<'a>(world: &'a crate::world::World, day: i32, w: &'a [u32]) -> DayContext<'a> {
            DayContext {
                day,
                released: 3,
                window_streams: w,
                recent_streams: w,
                n_tracks: world.catalogue.len(),
                n_regions: world.listeners_by_region.len(),
                world,
                slate_size: 3,
                library_size: 0,
                listeners: &[],
                terms: &[],
                taste_weight: 1.0,
            }
        }
        let (before, now) = (window(100, 10, 30), window(100, 60, 20));
        let request = SlateRequest {
            listener: crate::ids::ListenerId(0),
            region: RegionId(0),
            profile: &[0.0; 4],
            library: LibraryView::new(&[]),
            history: &[],
            familiarity: &[],
        };
        let slate = |day: &PopularityDay| {
            let mut s = Vec::new();
            day.fill_top(&request, 3, &mut s);
            s.iter().map(|t| t.0).collect::<Vec<_>>()
        };
        let mut trending = PopularityDay::new(PopularityScope::Trending, 2, 0, true);
        trending.prepare(&ctx(world, 5, &before), 3);
        trending.prepare(&ctx(world, 6, &window(0, 0, 0)), 3);
        trending.prepare(&ctx(world, 7, &now), 3);
        // Growth: track 1 +50, track 0 0, track 2 −10.
        assert_eq!(slate(&trending), vec![1, 0, 2]);
        assert_eq!(trending.score(&request, TrackId(2)), -10.0);
        // The same plays ranked by volume.
        let mut regional = PopularityDay::new(PopularityScope::Regional, 2, 0, false);
        regional.prepare(&ctx(world, 7, &now), 3);
        assert_eq!(slate(&regional), vec![0, 1, 2]);
        // A day whose window before last was never prepared compares with nothing.
        let mut fresh = PopularityDay::new(PopularityScope::Trending, 2, 0, true);
        fresh.prepare(&ctx(world, 7, &now), 3);
        assert_eq!(slate(&fresh), vec![0, 1, 2]);
    }
}
