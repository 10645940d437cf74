//! The ideal recommender: an oracle benchmark, not a platform's algorithm. It knows each
//! listener's true taste and conformity and the day's utility terms, and shows the tracks
//! outside the library that the listener would value most — the "ideal" recommender
//! against which Chaney, Stewart & Engelhardt (2018) measure homogenisation and utility.
//! Comparing a policy with it separates what the listeners' own preferences make them share
//! from what a recommender makes them share, and shows how much satisfaction a policy gives
//! up against the best slate anyone could pick.
//!
//! **Score.** The deterministic utility of a slate track without its position:
//! U(t) = base_rt + c·social_rt − β_taste·‖x − y_t‖², where base_rt = appeal + home bias +
//! novelty (+ season, + tie-in) and social_rt = social proof, both as the listeners
//! themselves see them today (docs/MODEL.md, "Utility"), c the listener's conformity, x
//! their true taste. The slate is the `size` tracks of highest U outside the library (ties:
//! lower track id).
//!
//! **Exact, by a scan that stops early.** First the listed tracks of the listener's
//! true-taste cell in a [`StyleGrid`] (nearest the cell's centre) are scored. Any other
//! track lies at least ρ = R − o from the listener (R: the distance of the cell list's last
//! track from the centre, o: the listener's distance from the centre), so its utility is at
//! most S_t − β·ρ², where S_t = base_rt + max(social_rt, 0) bounds what a listener of any
//! conformity c ∈ [0, 1] gets from the shared terms. Each day every region's released
//! tracks are sorted by S_t; a slate reads them in that order and stops at the first whose
//! bound cannot beat the slate's worst track. The slate is exactly the best one. This is
//! the one scorer whose cost grows with the catalogue (it reads the tracks whose shared
//! terms alone beat the slate's worst track: 396 of 4,565 released tracks on average over
//! a default year), because a benchmark must be exact.

use crate::ids::TrackId;
use crate::policy::{DayContext, SlateRequest};
use crate::world::{Taste, World, dist2};

use super::style_grid::StyleGrid;

/// Day state of the ideal recommender.
#[derive(Clone, Debug, Default)]
pub struct IdealDay {
    /// Nearest released tracks of every listener's true-taste cell (laid out on day 0).
    grid: Option<StyleGrid>,
    /// The day's `(base, social)` of every released track, region-major.
    terms: Vec<(f32, f32)>,
    /// Released tracks.
    released: usize,
    /// For each region, the released tracks by decreasing base + max(social, 0) (ties:
    /// lower id), the most any listener can get from the terms everyone shares, each with
    /// what scoring it needs, so the scan reads one contiguous run of memory.
    by_shared: Vec<Vec<Shared>>,
    /// β_taste.
    taste_weight: f32,
}

impl IdealDay {
    /// Takes the day's utility terms, sorts each region's released tracks by their shared
    /// terms and brings the true-taste grid (lists of 2 × (`longest` + library) tracks) up
    /// to the day's releases.
    pub(crate) fn prepare(&mut self, ctx: &DayContext, longest: usize) {
        if ctx.terms.len() < ctx.n_regions * ctx.n_tracks {
            *self = Self::default(); // no utility terms (outside a simulation): no slates
            return;
        }
        let per_list = 2 * (longest + ctx.library_size);
        let tastes = &ctx.world.catalogue.tracks.taste;
        let listeners = ctx.world.listeners.taste();
        // True tastes never change: their cells get lists on the first day, and later days
        // only add releases.
        let occupied = if self.grid.is_none() { listeners } else { &[] };
        let grid = self
            .grid
            .get_or_insert_with(|| StyleGrid::new(tastes, per_list));
        grid.update(tastes, ctx.released, occupied.iter());
        self.released = ctx.released;
        self.taste_weight = ctx.taste_weight;
        self.terms.clear();
        self.by_shared.resize(ctx.n_regions, Vec::new());
        for r in 0..ctx.n_regions {
            let row = &ctx.terms[r * ctx.n_tracks..r * ctx.n_tracks + ctx.released];
            self.terms.extend(row.iter().map(|t| (t.base, t.social)));
            // The most a listener of any conformity c ∈ [0, 1] gets from the shared terms.
            let order = &mut self.by_shared[r];
            order.clear();
            order.extend(row.iter().enumerate().map(|(t, terms)| Shared {
                bound: terms.base + terms.social.max(0.0),
                track: t as u32,
                base: terms.base,
                social: terms.social,
                taste: terms.taste,
            }));
            order.sort_unstable_by(|a, b| b.bound.total_cmp(&a.bound).then(a.track.cmp(&b.track)));
        }
    }

    /// Any released track's score U for this listener (−∞ for one not yet out).
    pub(crate) fn score(&self, world: &World, request: &SlateRequest, track: TrackId) -> f32 {
        let listener = Listener::of(world, request, self.taste_weight);
        self.utility(world, &listener, request.region.index(), track.0)
    }

    #[inline]
    fn utility(&self, world: &World, listener: &Listener, region: usize, track: u32) -> f32 {
        if track as usize >= self.released {
            return f32::NEG_INFINITY;
        }
        let (base, social) = self.terms[region * self.released + track as usize];
        let taste = &world.catalogue.tracks.taste[track as usize];
        base + listener.conformity * social - listener.taste_weight * dist2(listener.taste, taste)
    }

    /// Calls `take` with the `n` tracks of highest U outside the library, best first (ties:
    /// lower track id), scored by U; returns how many tracks the scan by shared terms read.
    pub(crate) fn rank(
        &self,
        world: &World,
        request: &SlateRequest,
        n: usize,
        mut take: impl FnMut(TrackId, f32),
    ) -> usize {
        let Some(grid) = &self.grid else {
            return 0; // not prepared: no slate
        };
        if n == 0 {
            return 0;
        }
        let listener = Listener::of(world, request, self.taste_weight);
        let region = request.region.index();
        let tastes = &world.catalogue.tracks.taste;
        let mut best = Best::new(n);
        // The tracks nearest the listener's cell first; any other track is at least
        // `reach` from the listener.
        let reach = grid.with_list(listener.taste, tastes, |listed| {
            for slot in listed.slots {
                if !request.library.contains(slot.track) {
                    best.offer(
                        slot.track,
                        self.utility(world, &listener, region, slot.track),
                    );
                }
            }
            match listed.slots.last() {
                Some(last) if listed.slots.len() < self.released => {
                    (last.centre_d2.sqrt() - listed.offset).max(0.0)
                }
                _ => f32::INFINITY, // every released track is listed
            }
        });
        let penalty = if reach.is_finite() {
            listener.taste_weight * reach * reach
        } else {
            f32::INFINITY
        };
        // Then the rest by decreasing shared terms, until none left can enter.
        let mut scanned = 0;
        for entry in &self.by_shared[region] {
            if best.beats(entry.bound - penalty) {
                break;
            }
            scanned += 1;
            if !request.library.contains(entry.track) {
                let taste = listener.taste_weight * dist2(listener.taste, &entry.taste);
                let u = entry.base + listener.conformity * entry.social - taste;
                best.offer(entry.track, u);
            }
        }
        for &(t, u) in &best.kept {
            take(TrackId(t), u);
        }
        scanned
    }
}

/// A released track in a region's scan order.
#[derive(Clone, Copy, Debug)]
struct Shared {
    /// base + max(social, 0): the most the shared terms give any listener.
    bound: f32,
    track: u32,
    base: f32,
    social: f32,
    taste: Taste,
}

/// What the oracle reads about the listener whose slate it fills.
struct Listener<'a> {
    taste: &'a Taste,
    conformity: f32,
    taste_weight: f32,
}

impl<'a> Listener<'a> {
    fn of(world: &'a World, request: &SlateRequest, taste_weight: f32) -> Self {
        let l = request.listener.index();
        Self {
            taste: &world.listeners.taste()[l],
            conformity: world.listeners.conformity()[l],
            taste_weight,
        }
    }
}

/// The best `n` (track, utility) pairs offered so far, best first (ties: lower id); a
/// track offered twice is kept once.
struct Best {
    n: usize,
    kept: Vec<(u32, f32)>,
}

impl Best {
    fn new(n: usize) -> Self {
        Self {
            n,
            kept: Vec::with_capacity(n + 1),
        }
    }

    #[inline]
    fn offer(&mut self, track: u32, u: f32) {
        let before = |k: &(u32, f32)| k.1 > u || (k.1 == u && k.0 < track);
        if self.kept.len() == self.n && self.kept.last().is_none_or(before) {
            return;
        }
        if u == f32::NEG_INFINITY || self.kept.iter().any(|k| k.0 == track) {
            return;
        }
        let at = self.kept.partition_point(before);
        self.kept.insert(at, (track, u));
        self.kept.truncate(self.n);
    }

    /// Whether no track scoring at most `bound` could enter: the list is full and its
    /// worst beats `bound` strictly.
    fn beats(&self, bound: f32) -> bool {
        self.kept.len() == self.n && self.kept.last().is_some_and(|k| k.1 > bound)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ids::ListenerId;
    use crate::policy::LibraryView;
    use crate::policy::TrackTerms;
    use crate::rng::SeedKey;
    use crate::rng::SimRng;
    use crate::scenario::Scenario;
    use rand::{RngExt, SeedableRng};

    /// Slates of the ideal recommender in a default world, with day terms drawn at random
    /// (base ~ U(−1, 2), social ~ U(0, 2), a few tracks boosted as hits), equal the best
    /// tracks found by scoring the whole catalogue with the formula written out.
    #[test]
    fn slates_are_the_best_tracks_of_the_whole_catalogue() {
        let scenario = Scenario::default_scenario();
        let world = World::generate(&scenario, SeedKey::replicate(scenario.seed, 0));
        let (n_tracks, n_regions) = (world.catalogue.len(), scenario.regions.len());
        let released = world.catalogue.released(100);
        let mut rng = SimRng::seed_from_u64(7);
        let terms: Vec<TrackTerms> = (0..n_regions * n_tracks)
            .map(|i| {
                let t = i % n_tracks;
                let hit = if rng.random_bool(0.01) { 3.0 } else { 0.0 };
                TrackTerms {
                    base: rng.random_range(-1.0f32..2.0) + hit,
                    social: rng.random_range(0.0f32..2.0),
                    taste: world.catalogue.tracks.taste[t],
                    genre: 0,
                }
            })
            .collect();
        let ctx = DayContext {
            day: 100,
            released,
            window_streams: &[],
            recent_streams: &[],
            n_tracks,
            n_regions,
            world: &world,
            slate_size: 10,
            library_size: 16,
            listeners: &[],
            terms: &terms,
            taste_weight: 1.0,
        };
        let mut day = IdealDay::default();
        day.prepare(&ctx, 10);
        let (mut scanned, mut checked) = (0, 0);
        for l in (0..world.listeners.len()).step_by(15) {
            let library: Vec<u32> = (0..16)
                .map(|_| rng.random_range(0..released as u32))
                .collect();
            let request = SlateRequest {
                listener: ListenerId(l as u32),
                region: world.listeners.region()[l],
                profile: &[0.0; 4],
                library: LibraryView::new(&library),
                history: &library,
                familiarity: &[],
            };
            let mut got = Vec::new();
            scanned += day.rank(&world, &request, 10, |t, _| got.push(t.0));
            // Brute force, with the formula written out.
            let (x, c) = (&world.listeners.taste()[l], world.listeners.conformity()[l]);
            let r = request.region.index();
            let mut all: Vec<(f32, u32)> = (0..released as u32)
                .filter(|t| !library.contains(t))
                .map(|t| {
                    let term = &terms[r * n_tracks + t as usize];
                    let u = term.base + c * term.social - dist2(x, &term.taste);
                    (u, t)
                })
                .collect();
            all.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
            let want: Vec<u32> = all.iter().take(10).map(|&(_, t)| t).collect();
            assert_eq!(got, want, "listener {l}");
            checked += 1;
        }
        let mean = scanned as f64 / checked as f64;
        println!("tracks read by shared terms: {mean:.0} per slate of {released} released");
    }

    #[test]
    fn without_utility_terms_there_is_no_slate() {
        let scenario = Scenario::default_scenario();
        let world = World::generate(&scenario, SeedKey::replicate(scenario.seed, 0));
        let ctx = DayContext {
            day: 0,
            released: world.catalogue.released(0),
            window_streams: &[],
            recent_streams: &[],
            n_tracks: world.catalogue.len(),
            n_regions: scenario.regions.len(),
            world: &world,
            slate_size: 10,
            library_size: 16,
            listeners: &[],
            terms: &[],
            taste_weight: 1.0,
        };
        let mut day = IdealDay::default();
        day.prepare(&ctx, 10);
        let request = SlateRequest {
            listener: ListenerId(0),
            region: world.listeners.region()[0],
            profile: &[0.0; 4],
            library: LibraryView::new(&[]),
            history: &[],
            familiarity: &[],
        };
        let mut slate = Vec::new();
        day.rank(&world, &request, 10, |t, _| slate.push(t));
        assert!(slate.is_empty());
    }

    #[test]
    fn best_keeps_the_top_once_in_order() {
        let mut best = Best::new(3);
        for (t, u) in [(5, 1.0), (2, 3.0), (9, 3.0), (2, 3.0), (4, 0.5), (1, 2.0)] {
            best.offer(t, u);
        }
        // 2 and 9 tie at 3.0: the lower id first; the repeated 2 is kept once.
        assert_eq!(best.kept, vec![(2, 3.0), (9, 3.0), (1, 2.0)]);
        assert!(best.beats(1.9) && !best.beats(2.0));
        best.offer(7, f32::NEG_INFINITY);
        assert!(!Best::new(2).beats(f32::NEG_INFINITY));
    }
}
