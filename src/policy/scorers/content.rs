//! The content-based scorer: tracks whose style is closest to what the listener played.
//!
//! Score(t) = −‖profile − y_t‖², where the profile is an exponential moving average of the taste positions of
//! the tracks the listener streamed (their observed style, not their true taste). To keep
//! a slate's cost independent of catalogue size, candidates are a fixed-size random sample
//! from the released tracks of the two genres whose centres lie nearest the profile; the
//! best of them by score form the slate.

use rand::Rng;

use crate::ids::TrackId;
use crate::policy::{Candidate, DayContext, SlateRequest};
use crate::rng::SimRng;
use crate::world::{World, dist2};

/// Candidates scored per slate position, as a fraction (3/2): a slate of 10 ranks 15 sampled
/// tracks of the two genres nearest the profile.
const CANDIDATES_PER_SLOT: (usize, usize) = (3, 2);
/// Genres searched around the profile (the candidate draw uses one bit to pick one).
const GENRES_SEARCHED: usize = 2;
/// Most candidates scored for one slate (slates are at most 50 long).
const MAX_CANDIDATES: usize = 50 * CANDIDATES_PER_SLOT.0 / CANDIDATES_PER_SLOT.1;

/// Day state of the content scorer: how many tracks of each genre are out.
#[derive(Clone, Debug, Default)]
pub struct ContentDay {
    released_by_genre: Vec<usize>,
}

impl ContentDay {
    pub(crate) fn prepare(&mut self, ctx: &DayContext) {
        let release_day = &ctx.world.catalogue.tracks.release_day;
        self.released_by_genre.clear();
        self.released_by_genre.extend(
            ctx.world
                .catalogue
                .by_genre
                .iter()
                .map(|tracks| tracks.partition_point(|t| release_day[t.index()] <= ctx.day)),
        );
    }

    pub(crate) fn fill(
        &self,
        world: &World,
        request: &SlateRequest,
        size: usize,
        rng: &mut SimRng,
        slate: &mut Vec<TrackId>,
    ) {
        // Score every candidate, then sort once: cheaper than keeping a sorted list, whose
        // data-dependent branches mispredict on every insertion.
        let n = (size * CANDIDATES_PER_SLOT.0 / CANDIDATES_PER_SLOT.1).min(MAX_CANDIDATES);
        let mut candidates = [0u64; MAX_CANDIDATES];
        let drawn = self.draw_keys(world, request, rng, &mut candidates[..n]);
        let candidates = &mut candidates[..drawn];
        // Nearest first; ties (and repeated draws of one track) ordered by track id.
        candidates.sort_unstable();
        let mut previous = None;
        for &key in candidates.iter() {
            if slate.len() == size {
                break;
            }
            let t = key as u32;
            if previous != Some(t) && !request.library.contains(t) {
                slate.push(TrackId(t));
            }
            previous = Some(t);
        }
    }

    /// Draws `keys.len()` candidates (each from one of the two genres nearest the profile)
    /// and writes their sort keys; returns how many were drawn (genres with nothing out are
    /// skipped).
    #[inline]
    fn draw_keys(
        &self,
        world: &World,
        request: &SlateRequest,
        rng: &mut SimRng,
        keys: &mut [u64],
    ) -> usize {
        let nearest = nearest_genres(&world.genre_centres, request.profile);
        let mut drawn = 0;
        for _ in 0..keys.len() {
            let draw = rng.next_u64();
            let genre = nearest[(draw & 1) as usize];
            let out = self.released_by_genre[genre];
            if out == 0 {
                continue;
            }
            let index = (((draw >> 32) * out as u64) >> 32) as usize;
            let entry = &world.catalogue.by_genre_taste[genre][index];
            keys[drawn] = sort_key(dist2(request.profile, &entry.taste), entry.track.0);
            drawn += 1;
        }
        drawn
    }

    /// The best `n` of 1.5·n sampled candidates, scored −d².
    pub(crate) fn candidates(
        &self,
        world: &World,
        request: &SlateRequest,
        n: usize,
        rng: &mut SimRng,
        keys: &mut Vec<u64>,
        out: &mut Vec<Candidate>,
    ) {
        keys.clear();
        keys.resize(n * CANDIDATES_PER_SLOT.0 / CANDIDATES_PER_SLOT.1, 0);
        let drawn = self.draw_keys(world, request, rng, keys);
        let keys = &mut keys[..drawn];
        keys.sort_unstable();
        let start = out.len();
        let mut previous = None;
        for &key in keys.iter() {
            if out.len() - start == n {
                break;
            }
            let t = key as u32;
            if previous != Some(t) && !request.library.contains(t) {
                let d2 = f32::from_bits((key >> 32) as u32);
                out.push(Candidate::new(TrackId(t), -d2));
            }
            previous = Some(t);
        }
    }

    /// Any track's score: −‖profile − y_t‖².
    pub(crate) fn score(world: &World, request: &SlateRequest, track: TrackId) -> f32 {
        -dist2(
            request.profile,
            &world.catalogue.tracks.taste[track.index()],
        )
    }
}

/// A key that sorts by distance (ascending; distances are non-negative, so their IEEE
/// bits order like the numbers) and then by track id, compared in one instruction.
#[inline]
fn sort_key(distance2: f32, track: u32) -> u64 {
    (u64::from(distance2.to_bits()) << 32) | u64::from(track)
}

/// Indices of the genre centres nearest to `profile` (ties: lower index).
fn nearest_genres(
    centres: &[crate::world::Taste],
    profile: &crate::world::Taste,
) -> [usize; GENRES_SEARCHED] {
    let mut best = [(f32::INFINITY, 0usize); GENRES_SEARCHED];
    for (g, c) in centres.iter().enumerate() {
        let d = dist2(c, profile);
        if d < best[GENRES_SEARCHED - 1].0 {
            best[GENRES_SEARCHED - 1] = (d, g);
            best.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
        }
    }
    // With a single genre, search it twice.
    if best[1].0.is_infinite() {
        best[1] = best[0];
    }
    best.map(|(_, g)| g)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sort_keys_order_by_distance_then_track() {
        assert!(sort_key(0.5, 9) < sort_key(1.5, 1));
        assert!(sort_key(2.0, 3) < sort_key(2.0, 4));
        assert!(sort_key(0.0, 7) < sort_key(f32::MIN_POSITIVE, 0));
    }

    #[test]
    fn nearest_genres_are_sorted_by_distance() {
        let centres = [
            [0.0, 0.0, 0.0, 3.0],
            [1.0, 0.0, 0.0, 0.0],
            [0.0, 2.0, 0.0, 0.0],
        ];
        // distances² from the origin: 9, 1, 4 → nearest are genre 1 then genre 2.
        assert_eq!(nearest_genres(&centres, &[0.0; 4]), [1, 2]);
        assert_eq!(nearest_genres(&centres[..1], &[0.0; 4]), [0, 0]);
    }
}
