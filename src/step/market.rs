//! What the market knows each day: rolling stream windows and per-track utility terms.
//!
//! Everything about a track's utility that is the same for every listener of a region on
//! a day — appeal, home bias, novelty, social proof — is computed here once a day, so the
//! per-listener loop adds only the listener-specific parts (taste match, conformity,
//! library state, slate position).

use crate::scenario::Scenario;
use crate::world::{Taste, World};

/// Days of daily streams kept (the longest window any scorer may use).
pub const RING_DAYS: usize = 28;
/// Days of plays behind social proof.
pub const SOCIAL_WINDOW_DAYS: usize = 7;

/// Day-shared utility terms of one track in one region, packed with the track's taste
/// position so that scoring a choice item touches one cache line.
#[derive(Clone, Copy, Debug, Default)]
pub struct TrackTerms {
    /// `appeal·a + local·1[local] + novelty·2^(−age/h)`; `NEG_INFINITY` before release.
    pub base: f32,
    /// `social·ln(1 + p)`, p = streams in the region over 7 days per 1,000 listeners; the
    /// listener multiplies it by their conformity.
    pub social: f32,
    /// The track's position in taste space.
    pub taste: Taste,
    /// The track's genre index.
    pub genre: u32,
}

/// Rolling windows of observed streams and the day's track terms.
#[derive(Clone, Debug)]
pub struct Market {
    n_tracks: usize,
    n_regions: usize,
    ring: Vec<u32>,
    social_window: Vec<u32>,
    policy_window: Vec<u32>,
    policy_window_days: usize,
    terms: Vec<TrackTerms>,
    shared_base: Vec<f64>,
    per_thousand: Vec<f32>,
}

impl Market {
    /// An empty market for a world; `policy_window_days` is the scorer's window (0: none).
    pub fn new(world: &World, n_regions: usize, policy_window_days: u32) -> Self {
        let n_tracks = world.catalogue.len();
        let cells = n_regions * n_tracks;
        Self {
            n_tracks,
            n_regions,
            ring: vec![0; RING_DAYS * cells],
            social_window: vec![0; cells],
            policy_window: vec![0; cells],
            policy_window_days: policy_window_days as usize,
            terms: vec![TrackTerms::default(); cells],
            shared_base: Vec::with_capacity(n_tracks),
            per_thousand: world
                .listeners_by_region
                .iter()
                .map(|&n| if n == 0 { 0.0 } else { 1_000.0 / n as f32 })
                .collect(),
        }
    }

    /// Adds a finished day's streams (region-major `[region][track]`) to the windows.
    pub fn record_day(&mut self, day: i32, streams: &[u32]) {
        let cells = self.n_regions * self.n_tracks;
        assert_eq!(
            streams.len(),
            cells,
            "invariant: one count per region and track"
        );
        let day = day as usize;
        let slot = |d: usize| (d % RING_DAYS) * cells;
        let leaving = |window: usize| (window > 0 && day >= window).then(|| slot(day - window));
        if let Some(old) = leaving(SOCIAL_WINDOW_DAYS) {
            sub_assign(&mut self.social_window, &self.ring[old..old + cells]);
        }
        if let Some(old) = leaving(self.policy_window_days) {
            sub_assign(&mut self.policy_window, &self.ring[old..old + cells]);
        }
        add_assign(&mut self.social_window, streams);
        if self.policy_window_days > 0 {
            add_assign(&mut self.policy_window, streams);
        }
        let now = slot(day);
        self.ring[now..now + cells].copy_from_slice(streams);
    }

    /// Recomputes every track's terms for `day` (tracks `0..released` are out).
    pub fn prepare_terms(&mut self, scenario: &Scenario, world: &World, day: i32, released: usize) {
        let u = &scenario.utility;
        let tracks = &world.catalogue.tracks;
        let novelty_rate = std::f64::consts::LN_2 / u.novelty_half_life_days;
        // Region-independent part first (one exp per track, not per region and track).
        self.shared_base.clear();
        self.shared_base.extend((0..released).map(|t| {
            let age = f64::from(day - tracks.release_day[t]);
            u.appeal * f64::from(tracks.appeal[t]) + u.novelty * (-novelty_rate * age).exp()
        }));
        for r in 0..self.n_regions {
            let row = &mut self.terms[r * self.n_tracks..(r + 1) * self.n_tracks];
            let window = &self.social_window[r * self.n_tracks..(r + 1) * self.n_tracks];
            let per_thousand = self.per_thousand[r];
            for (t, terms) in row.iter_mut().enumerate() {
                if t >= released {
                    *terms = TrackTerms {
                        base: f32::NEG_INFINITY,
                        social: 0.0,
                        taste: tracks.taste[t],
                        genre: u32::from(tracks.genre[t].0),
                    };
                    continue;
                }
                let local = if tracks.origin[t].index() == r {
                    u.local
                } else {
                    0.0
                };
                let p = window[t] as f32 * per_thousand;
                *terms = TrackTerms {
                    base: (self.shared_base[t] + local) as f32,
                    social: u.social as f32 * p.ln_1p(),
                    taste: tracks.taste[t],
                    genre: u32::from(tracks.genre[t].0),
                };
            }
        }
    }

    /// The day's terms of region `region`, indexed by track.
    #[inline]
    pub fn terms(&self, region: usize) -> &[TrackTerms] {
        &self.terms[region * self.n_tracks..(region + 1) * self.n_tracks]
    }

    /// Streams over the policy's window, region-major.
    pub fn policy_window(&self) -> &[u32] {
        &self.policy_window
    }
}

fn add_assign(acc: &mut [u32], x: &[u32]) {
    for (a, b) in acc.iter_mut().zip(x) {
        *a += b;
    }
}

fn sub_assign(acc: &mut [u32], x: &[u32]) {
    for (a, b) in acc.iter_mut().zip(x) {
        *a -= b;
    }
}
