//! A grid over taste space that keeps, for every cell, the released tracks nearest its
//! centre: the per-segment precomputation behind content-based filtering.
//!
//! A content-based recommender ranks the whole released catalogue by closeness to the
//! listener's profile. Scanning the catalogue for every slate would make a slate's cost grow
//! with the catalogue, so — as production systems do with approximate nearest-neighbour
//! indexes — the taste space is cut into cubic cells of side [`CELL_WIDTH`] and each cell
//! keeps its `per_cell` nearest released tracks to its centre, nearest first. A slate ranks
//! only the list of the cell its profile falls in, by exact distance to the profile.
//!
//! The answer is exact for a profile at a cell's centre and approximate elsewhere: a track
//! among the profile's nearest can be missing from its cell's list only if it lies beyond
//! the list's last track seen from the centre, and no point of a cell is farther than
//! `CELL_WIDTH` (half the cell's diagonal in four dimensions) from the centre. Lists hold
//! twice the tracks a slate can use, so such misses are rare (measured in the tests).
//!
//! Crucially for feedback loops, listeners whose profiles share a cell are offered tracks
//! from one shared list: content filtering recommends the same tracks to people who played
//! alike, which is how it homogenises consumption (Chaney, Stewart & Engelhardt 2018).
//!
//! The grid is built on the first day from the back catalogue (cells in parallel, each
//! independent, so the result does not depend on the thread count) and then updated with
//! each day's releases: a new track enters every cell whose list it beats.

use rayon::prelude::*;

use crate::ids::TrackId;
use crate::world::{TASTE_DIMS, Taste, dist2};

/// Side of a grid cell in taste units: about one track spread (0.45 by default), so a cell
/// is one style's neighbourhood.
pub const CELL_WIDTH: f32 = 0.5;

/// Most cells a grid may have; wider taste spaces get proportionally wider cells.
pub const MAX_CELLS: usize = 1 << 15;

/// A track's taste position and id side by side, so a slate reads a cell's list as one
/// contiguous block.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct TasteEntry {
    /// Position in taste space.
    pub taste: Taste,
    /// The track.
    pub track: TrackId,
}

/// Nearest released tracks to each cell's centre.
#[derive(Clone, Debug, Default)]
pub struct StyleGrid {
    /// Lowest corner of the grid.
    origin: Taste,
    /// Cell side actually used (≥ [`CELL_WIDTH`]).
    width: f32,
    /// Cells along each dimension.
    shape: [usize; TASTE_DIMS],
    /// Tracks kept per cell.
    per_cell: usize,
    /// For each cell, `per_cell` slots of tracks with their taste positions (so a slate
    /// reads one contiguous block), nearest the centre first; `filled` says how many are used.
    lists: Vec<TasteEntry>,
    /// Squared distance of each slot's track from its cell's centre (∞ when unused): what
    /// a new release must beat.
    centre_d2: Vec<f32>,
    /// Used slots of each cell.
    filled: Vec<u32>,
    /// Tracks `0..indexed` have been offered to every cell.
    indexed: usize,
}

impl StyleGrid {
    /// Whether the grid has been built.
    pub fn is_built(&self) -> bool {
        !self.filled.is_empty()
    }

    /// Builds a grid spanning every point of `tastes` that keeps `per_cell` tracks per cell,
    /// from tracks `0..released`.
    pub fn build(tastes: &[Taste], released: usize, per_cell: usize) -> Self {
        let mut lo = [f32::INFINITY; TASTE_DIMS];
        let mut hi = [f32::NEG_INFINITY; TASTE_DIMS];
        for t in tastes {
            for k in 0..TASTE_DIMS {
                lo[k] = lo[k].min(t[k]);
                hi[k] = hi[k].max(t[k]);
            }
        }
        if tastes.is_empty() {
            (lo, hi) = ([0.0; TASTE_DIMS], [0.0; TASTE_DIMS]);
        }
        let shape_for = |width: f32| -> [usize; TASTE_DIMS] {
            std::array::from_fn(|k| (((hi[k] - lo[k]) / width).ceil() as usize).max(1))
        };
        let mut width = CELL_WIDTH;
        while shape_for(width).iter().product::<usize>() > MAX_CELLS {
            width *= 1.25;
        }
        let shape = shape_for(width);
        let cells: usize = shape.iter().product();
        let per_cell = per_cell.max(1);
        let unused = TasteEntry {
            taste: [0.0; TASTE_DIMS],
            track: TrackId(u32::MAX),
        };
        let mut grid = Self {
            origin: lo,
            width,
            shape,
            per_cell,
            lists: vec![unused; cells * per_cell],
            centre_d2: vec![f32::INFINITY; cells * per_cell],
            filled: vec![0; cells],
            indexed: released,
        };
        let released_tastes = &tastes[..released];
        let geometry = (grid.shape, grid.origin, grid.width);
        grid.lists
            .par_chunks_mut(per_cell)
            .zip(grid.centre_d2.par_chunks_mut(per_cell))
            .zip(grid.filled.par_iter_mut())
            .enumerate()
            .for_each_init(Vec::new, |scratch, (cell, ((list, d2), filled))| {
                let centre = centre_of(cell, &geometry.0, &geometry.1, geometry.2);
                *filled = nearest_into(&centre, released_tastes, list, d2, scratch);
            });
        grid
    }

    /// Offers tracks `indexed..released` to every cell.
    pub fn add_releases(&mut self, tastes: &[Taste], released: usize) {
        if released <= self.indexed {
            return;
        }
        let new = self.indexed..released;
        let (shape, origin, width) = (self.shape, self.origin, self.width);
        let per_cell = self.per_cell;
        for (cell, filled) in self.filled.iter_mut().enumerate() {
            let centre = centre_of(cell, &shape, &origin, width);
            let slots = cell * per_cell..(cell + 1) * per_cell;
            let (list, d2) = (&mut self.lists[slots.clone()], &mut self.centre_d2[slots]);
            for t in new.clone() {
                let entry = TasteEntry {
                    taste: tastes[t],
                    track: TrackId(t as u32),
                };
                if insert(list, d2, dist2(&centre, &tastes[t]), entry) {
                    *filled = (*filled + 1).min(per_cell as u32);
                }
            }
        }
        self.indexed = released;
    }

    /// Tracks `0..indexed` have been offered to the cells.
    pub fn indexed(&self) -> usize {
        self.indexed
    }

    /// The tracks listed for the cell `profile` falls in (points outside the grid use the
    /// nearest cell), nearest its centre first; may hold fewer than `per_cell` tracks.
    #[inline]
    pub fn nearest(&self, profile: &Taste) -> CellList<'_> {
        let mut cell = 0;
        let mut offset2 = 0.0;
        for (k, &x) in profile.iter().enumerate() {
            let steps = ((x - self.origin[k]) / self.width).floor();
            let i = (steps.max(0.0) as usize).min(self.shape[k] - 1);
            cell = cell * self.shape[k] + i;
            let d = x - (self.origin[k] + (i as f32 + 0.5) * self.width);
            offset2 += d * d;
        }
        let slots = cell * self.per_cell..cell * self.per_cell + self.filled[cell] as usize;
        CellList {
            entries: &self.lists[slots.clone()],
            centre_d2: &self.centre_d2[slots],
            offset: offset2.sqrt(),
        }
    }
}

/// One cell's list, as a query point sees it.
#[derive(Clone, Copy, Debug)]
pub struct CellList<'a> {
    /// Tracks, nearest the cell's centre first.
    pub entries: &'a [TasteEntry],
    /// Their squared distances from the centre.
    pub centre_d2: &'a [f32],
    /// Distance of the query point from the centre.
    pub offset: f32,
}

impl CellList<'_> {
    /// Squared distance from the centre beyond which no listed track can be within
    /// squared distance `d2` of the query point (triangle inequality:
    /// ‖p − t‖ ≥ ‖c − t‖ − ‖p − c‖), so a scan in list order may stop there.
    #[inline]
    pub fn horizon(&self, d2: f32) -> f32 {
        let r = d2.sqrt() + self.offset;
        r * r
    }
}

/// Centre of cell number `cell` (row-major, last dimension fastest).
fn centre_of(cell: usize, shape: &[usize; TASTE_DIMS], origin: &Taste, width: f32) -> Taste {
    let mut rest = cell;
    let mut centre = [0.0; TASTE_DIMS];
    for k in (0..TASTE_DIMS).rev() {
        let i = rest % shape[k];
        rest /= shape[k];
        centre[k] = origin[k] + (i as f32 + 0.5) * width;
    }
    centre
}

/// Fills `list` (and the distances `d2`) with the `list.len()` tracks of `tastes` nearest
/// `centre`, nearest first (ties: lower track id); returns how many slots were filled.
fn nearest_into(
    centre: &Taste,
    tastes: &[Taste],
    list: &mut [TasteEntry],
    d2: &mut [f32],
    scratch: &mut Vec<(f32, u32)>,
) -> u32 {
    scratch.clear();
    scratch.extend(
        tastes
            .iter()
            .enumerate()
            .map(|(t, y)| (dist2(centre, y), t as u32)),
    );
    let keep = list.len().min(scratch.len());
    let order = |a: &(f32, u32), b: &(f32, u32)| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1));
    if keep < scratch.len() {
        scratch.select_nth_unstable_by(keep, order);
    }
    scratch.truncate(keep);
    scratch.sort_unstable_by(order);
    for (slot, &(d, t)) in scratch.iter().enumerate() {
        list[slot] = TasteEntry {
            taste: tastes[t as usize],
            track: TrackId(t),
        };
        d2[slot] = d;
    }
    keep as u32
}

/// Inserts `entry`, at squared distance `d` from the centre, into a list sorted nearest
/// first if it beats the last slot (a later track loses ties, as in [`nearest_into`], since
/// it has a higher id); returns whether it went in.
#[inline]
fn insert(list: &mut [TasteEntry], d2: &mut [f32], d: f32, entry: TasteEntry) -> bool {
    let last = list.len() - 1;
    if d >= d2[last] {
        return false;
    }
    let at = d2.partition_point(|&x| x <= d);
    list.copy_within(at..last, at + 1);
    d2.copy_within(at..last, at + 1);
    list[at] = entry;
    d2[at] = d;
    true
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rng::SimRng;
    use rand::{RngExt, SeedableRng};

    fn random_tastes(n: usize, seed: u64) -> Vec<Taste> {
        let mut rng = SimRng::seed_from_u64(seed);
        (0..n)
            .map(|_| std::array::from_fn(|_| rng.random_range(-2.0f32..2.0)))
            .collect()
    }

    /// The `k` nearest of `tastes[..released]` to `p`, by brute force.
    fn brute_force(p: &Taste, tastes: &[Taste], released: usize, k: usize) -> Vec<u32> {
        let mut all: Vec<(f32, u32)> = (0..released)
            .map(|t| (dist2(p, &tastes[t]), t as u32))
            .collect();
        all.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
        all.iter().take(k).map(|&(_, t)| t).collect()
    }

    #[test]
    fn cells_and_centres_by_hand() {
        // A 2×2×1×1 grid of side 1 from the origin: cell 3 is (1, 1, 0, 0) → centre
        // (1.5, 1.5, 0.5, 0.5); cell 2 is (1, 0, 0, 0).
        let shape = [2, 2, 1, 1];
        assert_eq!(centre_of(3, &shape, &[0.0; 4], 1.0), [1.5, 1.5, 0.5, 0.5]);
        assert_eq!(centre_of(2, &shape, &[0.0; 4], 1.0), [1.5, 0.5, 0.5, 0.5]);
    }

    #[test]
    fn insert_keeps_the_list_sorted_and_bounded() {
        let entry = |t: u32| TasteEntry {
            taste: [t as f32; TASTE_DIMS],
            track: TrackId(t),
        };
        let mut list = [entry(1), entry(3), entry(u32::MAX)];
        let mut d2 = [1.0, 3.0, f32::INFINITY];
        let ids = |list: &[TasteEntry]| list.iter().map(|e| e.track.0).collect::<Vec<_>>();
        assert!(insert(&mut list, &mut d2, 2.0, entry(7)));
        assert_eq!((ids(&list), d2), (vec![1, 7, 3], [1.0, 2.0, 3.0]));
        // Ties the last: a later track loses.
        assert!(!insert(&mut list, &mut d2, 3.0, entry(9)));
        assert!(insert(&mut list, &mut d2, 0.5, entry(4)));
        assert_eq!((ids(&list), d2), (vec![4, 1, 7], [0.5, 1.0, 2.0]));
        assert_eq!(list[0].taste, [4.0; TASTE_DIMS]);
    }

    #[test]
    fn a_cell_centre_gets_its_exact_nearest_tracks() {
        let tastes = random_tastes(2_000, 1);
        let grid = StyleGrid::build(&tastes, 2_000, 20);
        // Tracks at the extremes span the grid; every centre's list is the brute-force top 20.
        for cell in [0, 17, 400, grid.filled.len() - 1] {
            let centre = centre_of(cell, &grid.shape, &grid.origin, grid.width);
            let list = grid.nearest(&centre);
            assert_eq!(list.offset, 0.0);
            let got: Vec<u32> = list.entries.iter().map(|e| e.track.0).collect();
            assert_eq!(got, brute_force(&centre, &tastes, 2_000, 20), "cell {cell}");
        }
    }

    #[test]
    fn releases_added_later_give_the_same_grid_as_building_with_them() {
        let tastes = random_tastes(1_500, 2);
        let mut grown = StyleGrid::build(&tastes, 1_000, 16);
        grown.add_releases(&tastes, 1_200);
        grown.add_releases(&tastes, 1_500);
        let built = StyleGrid::build(&tastes, 1_500, 16);
        assert_eq!(grown.indexed(), 1_500);
        assert!(grown.lists == built.lists && grown.filled == built.filled);
    }

    #[test]
    fn few_tracks_leave_short_lists() {
        let tastes = random_tastes(5, 3);
        let grid = StyleGrid::build(&tastes, 3, 8);
        assert_eq!(grid.nearest(&[0.0; 4]).entries.len(), 3);
    }

    /// For random profiles, the nearest 10 tracks found by ranking the cell's list of 40
    /// against brute force over the catalogue: the list is exact at the centre, and
    /// profiles off-centre lose at most a few of their true nearest.
    #[test]
    fn off_centre_profiles_find_nearly_all_their_nearest_tracks() {
        let tastes = random_tastes(4_000, 4);
        let grid = StyleGrid::build(&tastes, 4_000, 40);
        let profiles = random_tastes(300, 5);
        let (mut found, mut total) = (0, 0);
        for p in &profiles {
            let mut ranked: Vec<(f32, u32)> = grid
                .nearest(p)
                .entries
                .iter()
                .map(|e| (dist2(p, &e.taste), e.track.0))
                .collect();
            ranked.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
            let truth = brute_force(p, &tastes, 4_000, 10);
            found += ranked
                .iter()
                .take(10)
                .filter(|e| truth.contains(&e.1))
                .count();
            total += 10;
        }
        let recall = found as f64 / total as f64;
        println!("recall of the nearest 10: {recall:.3}");
        assert!(recall > 0.9, "recall {recall:.3}");
    }
}
