//! The content-based scorer: tracks whose style is closest to what the listener played.
//!
//! Score(t) = −‖profile − y_t‖², where the profile is an exponential moving average of the
//! taste positions of the tracks the listener streamed (their observed style, not their
//! true taste); the slate is the released tracks nearest the profile, outside the library
//! (content-based filtering as Chaney, Stewart & Engelhardt 2018 simulate it: the same
//! profile always gets the same ranking). To keep a slate's cost independent of catalogue
//! size, the ranking reads only the list of the profile's cell in a [`StyleGrid`] built
//! once a day, so listeners who played alike are offered tracks from one list.

use crate::ids::TrackId;
use crate::policy::{DayContext, SlateRequest};
use crate::world::{World, dist2};

use super::style_grid::{CellList, StyleGrid};

/// Day state of the content scorer: the style grid over the released tracks (laid out on
/// the first day).
#[derive(Clone, Debug, Default)]
pub struct ContentDay {
    grid: Option<StyleGrid>,
}

impl ContentDay {
    /// Lays the grid out on the first day (each list keeping twice the tracks the longest
    /// ranking could use: `longest` plus a full library of exclusions), then each day adds
    /// the releases and lists the cells of today's profiles.
    pub(crate) fn prepare(&mut self, ctx: &DayContext, longest: usize) {
        let tastes = &ctx.world.catalogue.tracks.taste;
        let grid = self
            .grid
            .get_or_insert_with(|| StyleGrid::new(tastes, 2 * (longest + ctx.library_size)));
        let profiles = ctx.listeners.iter().map(|s| &s.profile);
        grid.update(tastes, ctx.released, profiles);
    }

    /// Calls `take` with the `n` tracks of the profile's cell list nearest the profile
    /// that are not in the library, nearest first (ties: lower track id), scored −d².
    #[inline]
    pub(crate) fn rank(
        &self,
        world: &World,
        request: &SlateRequest,
        n: usize,
        take: impl FnMut(TrackId, f32),
    ) {
        let Some(grid) = &self.grid else {
            return; // not prepared: no slate
        };
        let tastes = &world.catalogue.tracks.taste;
        grid.with_list(request.profile, tastes, |listed| {
            best_outside_library(listed, request, n, take);
        });
    }

    /// Any track's score: −‖profile − y_t‖².
    pub(crate) fn score(world: &World, request: &SlateRequest, track: TrackId) -> f32 {
        -dist2(
            request.profile,
            &world.catalogue.tracks.taste[track.index()],
        )
    }
}

/// Calls `take` with the `n` listed tracks nearest the profile outside the library,
/// nearest first, scored −d².
#[inline]
fn best_outside_library(
    listed: CellList,
    request: &SlateRequest,
    n: usize,
    mut take: impl FnMut(TrackId, f32),
) {
    // The best `n` keys so far, ascending. The cell's list is ordered by distance to the
    // cell's centre, which is nearly the order by distance to the profile: after the
    // first `n` tracks an insertion is rare, and once the list passes the horizon of the
    // worst kept track nothing further can enter.
    let n = n.min(MAX_RANKED);
    if n == 0 {
        return;
    }
    let mut best = [0u64; MAX_RANKED];
    let mut len = 0;
    let mut horizon = f32::INFINITY;
    for slot in listed.slots {
        if slot.centre_d2 > horizon {
            break;
        }
        let t = slot.track;
        let key = sort_key(dist2(request.profile, &slot.taste), t);
        // The cheap test first: most tracks past the first few cannot beat the kept ones,
        // and need no library lookup.
        if len == n && key >= best[n - 1] {
            continue;
        }
        if request.library.contains(t) {
            continue;
        }
        if len == n {
            len -= 1;
        }
        let mut at = len;
        while at > 0 && best[at - 1] > key {
            best[at] = best[at - 1];
            at -= 1;
        }
        best[at] = key;
        len += 1;
        if len == n {
            horizon = listed.horizon(f32::from_bits((best[n - 1] >> 32) as u32));
        }
    }
    for &key in &best[..len] {
        take(TrackId(key as u32), -f32::from_bits((key >> 32) as u32));
    }
}

/// Longest ranking asked of the scorer: a curated slate's pool, 3 candidates for each of
/// at most 50 slots.
const MAX_RANKED: usize = crate::policy::POOL_PER_SLOT * 50;

/// A key that sorts by distance (ascending; distances are non-negative, so their IEEE
/// bits order like the numbers) and then by track id, compared in one instruction.
#[inline]
fn sort_key(distance2: f32, track: u32) -> u64 {
    (u64::from(distance2.to_bits()) << 32) | u64::from(track)
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
}
