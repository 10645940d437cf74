//! The editorial scorer: a curated regional playlist, as a public broadcaster's or a
//! platform editor's list, refreshed once a week.
//!
//! **The list.** On the first day of each chart week (and on the run's first day) an editor
//! in each region ranks the released tracks by the region's streams over the last 7 days
//! (ties: the newer release, then the lower track id) and fills a playlist of
//! `playlist_length` tracks in three passes over that ranking: first ⌈`new_artist_share` ×
//! length⌉ tracks by new artists (debut within a year, [`crate::policy::NEW_TALENT_DAYS`]),
//! then local tracks until ⌈`local_share` × length⌉ of the list is local (local flavour:
//! the default 0.4 follows France's 40% radio quota, FACTS.md), then the best of the rest.
//! The playlist keeps ranking order. Editors see plays, as the algorithms do, but choose by
//! rule rather than by a listener's history: the list is the same for the whole region.
//!
//! **The slate.** Each listener is shown `slate_size` tracks drawn uniformly without
//! replacement from the playlist (outside their library), in playlist order, as when a
//! playlist is played on shuffle. score(t) = length − rank for a playlist track, 0 for the
//! rest.

use crate::ids::TrackId;
use crate::policy::{DayContext, DayFacts, SlateRequest, admissible};
use crate::rng::{SimRng, fast_index};

/// Day state of the editorial scorer: each region's playlist.
#[derive(Clone, Debug)]
pub struct EditorialDay {
    length: usize,
    local_share: f64,
    new_artist_share: f64,
    /// Per region, the playlist best first.
    playlists: Vec<Vec<TrackId>>,
    /// Per region, (track, rank) sorted by track, for scoring any track.
    ranks: Vec<Vec<(u32, u32)>>,
    ranked: Vec<(u32, i32, u32)>,
}

impl EditorialDay {
    pub(crate) fn new(length: u32, local_share: f64, new_artist_share: f64) -> Self {
        Self {
            length: length as usize,
            local_share,
            new_artist_share,
            playlists: Vec::new(),
            ranks: Vec::new(),
            ranked: Vec::new(),
        }
    }

    /// Refreshes the playlists on the first day of a week.
    pub(crate) fn prepare(&mut self, ctx: &DayContext, facts: &DayFacts) {
        if ctx.day.rem_euclid(7) != 0 && !self.playlists.is_empty() {
            return;
        }
        let world = ctx.world;
        let release_day = &world.catalogue.tracks.release_day;
        self.playlists.resize(ctx.n_regions, Vec::new());
        self.ranks.resize(ctx.n_regions, Vec::new());
        for r in 0..ctx.n_regions {
            let region = crate::ids::RegionId(r as u8);
            self.ranked.clear();
            self.ranked.extend((0..ctx.released as u32).map(|t| {
                (
                    facts.recent_streams(region, TrackId(t)),
                    release_day[t as usize],
                    t,
                )
            }));
            self.ranked
                .sort_unstable_by(|a, b| b.0.cmp(&a.0).then(b.1.cmp(&a.1)).then(a.2.cmp(&b.2)));
            let need_new = (self.new_artist_share * self.length as f64).ceil() as usize;
            let need_local = (self.local_share * self.length as f64).ceil() as usize;
            let mut picked = vec![false; self.ranked.len()];
            let (mut count, mut new, mut local) = (0, 0, 0);
            let is_local = |t: u32| facts.is_local(world, region, TrackId(t));
            // Pass 0: new artists; pass 1: local artists; pass 2: the best of the rest.
            for pass in 0..3 {
                for (k, &(_, _, t)) in self.ranked.iter().enumerate() {
                    if count == self.length {
                        break;
                    }
                    let wanted = match pass {
                        0 => new < need_new && facts.is_new_talent(world, TrackId(t)),
                        1 => local < need_local && is_local(t),
                        _ => true,
                    };
                    if wanted && !picked[k] {
                        picked[k] = true;
                        count += 1;
                        new += usize::from(pass == 0);
                        local += usize::from(is_local(t));
                    }
                }
            }
            let playlist = &mut self.playlists[r];
            playlist.clear();
            playlist.extend(
                self.ranked
                    .iter()
                    .zip(&picked)
                    .filter(|(_, p)| **p)
                    .map(|(&(_, _, t), _)| TrackId(t)),
            );
            let ranks = &mut self.ranks[r];
            ranks.clear();
            ranks.extend(playlist.iter().enumerate().map(|(k, t)| (t.0, k as u32)));
            ranks.sort_unstable();
        }
    }

    /// Draws `size` playlist tracks outside the library, in playlist order.
    pub(crate) fn fill(
        &self,
        request: &SlateRequest,
        size: usize,
        rng: &mut SimRng,
        slate: &mut Vec<TrackId>,
    ) {
        let Some(playlist) = self.playlists.get(request.region.index()) else {
            return;
        };
        if playlist.is_empty() {
            return;
        }
        let start = slate.len();
        let mut attempts = 0;
        while slate.len() - start < size && attempts < size * 8 {
            attempts += 1;
            let t = playlist[fast_index(rng, playlist.len())];
            if admissible(t.0, request, &slate[start..]) {
                slate.push(t);
            }
        }
        let rank = |t: &TrackId| self.rank(request, *t);
        slate[start..].sort_unstable_by_key(rank);
    }

    fn rank(&self, request: &SlateRequest, track: TrackId) -> u32 {
        let ranks = &self.ranks[request.region.index()];
        ranks
            .binary_search_by_key(&track.0, |&(t, _)| t)
            .map_or(u32::MAX, |i| ranks[i].1)
    }

    /// Any track's score: length − rank on the region's playlist, 0 off it.
    pub(crate) fn score(&self, request: &SlateRequest, track: TrackId) -> f32 {
        match self.rank(request, track) {
            u32::MAX => 0.0,
            rank => (self.length - rank as usize) as f32,
        }
    }

    /// The region's playlist, best first.
    pub fn playlist(&self, region: usize) -> &[TrackId] {
        self.playlists.get(region).map_or(&[], Vec::as_slice)
    }
}
