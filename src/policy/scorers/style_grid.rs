//! A grid over taste space that keeps, for every cell a listener's profile occupies, the
//! released tracks nearest the cell's centre: the per-segment precomputation behind
//! content-based filtering.
//!
//! A content-based recommender ranks the whole released catalogue by closeness to the
//! listener's profile. Scanning the catalogue for every slate would make a slate's cost grow
//! with the catalogue, so — as production systems do with approximate nearest-neighbour
//! indexes — taste space is cut into cubic cells of side [`CELL_WIDTH`] and a cell keeps
//! its `per_cell` released tracks nearest its centre, nearest first. A slate ranks only the
//! list of the cell its profile falls in, by exact distance to the profile.
//!
//! The answer is exact for a profile at a cell's centre and approximate elsewhere: a track
//! among the profile's nearest can be missing from the list only if it lies beyond the
//! list's last track seen from the centre, and no point of a cell is farther than
//! `CELL_WIDTH` (half the cell's diagonal in four dimensions) from its centre. Cells are
//! small enough that a profile's nearest tracks are nearly always on its cell's list: 96%
//! of the nearest 10 even past a library full of nearer ones (measured in
//! `tests/policies.rs`; a grid twice as coarse found 72%).
//!
//! Fine cells are many (a few hundred thousand in the default taste space), but profiles
//! occupy few of them, so lists are materialised lazily: each day the cells of every
//! listener's profile that have no list yet get one (cells in parallel, each independent,
//! so nothing depends on the thread count), and every list takes in the day's releases. A
//! list is the same whenever it was made — built from the tracks out that day, or built
//! earlier and grown by the releases since — so the slates do not depend on when a cell was
//! first occupied. A profile whose cell has no list (a caller outside the simulation's
//! daily preparation) gets the same list built on the spot.
//!
//! Listeners whose profiles share a cell are offered tracks from one list: content
//! filtering recommends the same tracks to people who played alike, which is how it
//! homogenises consumption (Chaney, Stewart & Engelhardt 2018).

use rayon::prelude::*;

use crate::world::{TASTE_DIMS, Taste, dist2};

/// Side of a grid cell in taste units: about half the track spread (0.45 by default).
pub const CELL_WIDTH: f32 = 0.25;

/// Most cells a grid may span; wider taste spaces get proportionally wider cells.
pub const MAX_CELLS: usize = 1 << 20;

/// Marks a cell without a list.
const NO_LIST: u32 = u32::MAX;

/// Nearest released tracks to the centres of the occupied cells.
#[derive(Clone, Debug, Default)]
pub struct StyleGrid {
    /// Lowest corner of the grid.
    origin: Taste,
    /// Cell side actually used (≥ [`CELL_WIDTH`]).
    width: f32,
    /// Cells along each dimension.
    shape: [usize; TASTE_DIMS],
    /// Tracks kept per list.
    per_cell: usize,
    /// For each cell, its list's number, or [`NO_LIST`].
    list_of: Vec<u32>,
    /// For each list, its cell.
    cell_of_list: Vec<u32>,
    /// `per_cell` slots per list, nearest the cell's centre first; `filled` says how many
    /// are used. A slot carries its track's position, so ranking a list reads one
    /// contiguous run of memory rather than positions scattered over the catalogue.
    slots: Vec<Slot>,
    /// Used slots of each list.
    filled: Vec<u32>,
    /// Tracks `0..indexed` are in the lists.
    indexed: usize,
}

/// One listed track.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Slot {
    /// The track's id.
    pub track: u32,
    /// Its squared distance from the cell's centre (∞ when the slot is unused): what a new
    /// release must beat.
    pub centre_d2: f32,
    /// Its position in taste space.
    pub taste: Taste,
}

/// An unused list slot.
const UNUSED: Slot = Slot {
    track: u32::MAX,
    centre_d2: f32::INFINITY,
    taste: [0.0; TASTE_DIMS],
};

/// One cell's list, as a query point sees it.
#[derive(Clone, Copy, Debug)]
pub struct CellList<'a> {
    /// Listed tracks, nearest the cell's centre first.
    pub slots: &'a [Slot],
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

impl StyleGrid {
    /// An empty grid spanning every point of `tastes` whose lists will keep `per_cell`
    /// tracks.
    pub fn new(tastes: &[Taste], per_cell: usize) -> Self {
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
        Self {
            origin: lo,
            width,
            shape,
            per_cell: per_cell.max(1),
            list_of: vec![NO_LIST; shape.iter().product()],
            ..Self::default()
        }
    }

    /// Tracks `0..indexed` are in the lists.
    pub fn indexed(&self) -> usize {
        self.indexed
    }

    /// Lists built so far.
    pub fn lists(&self) -> usize {
        self.filled.len()
    }

    /// Brings the grid to a day with tracks `0..released` out: every list takes in the
    /// new releases, and every cell holding one of `profiles` gets a list.
    pub fn update<'p>(
        &mut self,
        tastes: &[Taste],
        released: usize,
        profiles: impl Iterator<Item = &'p Taste>,
    ) {
        self.add_releases(tastes, released);
        let mut wanted: Vec<u32> = profiles
            .map(|p| self.locate(p).0 as u32)
            .filter(|&cell| self.list_of[cell as usize] == NO_LIST)
            .collect();
        wanted.sort_unstable();
        wanted.dedup();
        let first = self.filled.len();
        for (k, &cell) in wanted.iter().enumerate() {
            self.list_of[cell as usize] = (first + k) as u32;
        }
        self.cell_of_list.extend_from_slice(&wanted);
        let (per_cell, geometry) = (self.per_cell, (self.shape, self.origin, self.width));
        self.slots.resize((first + wanted.len()) * per_cell, UNUSED);
        self.filled.resize(first + wanted.len(), 0);
        let released_tastes = &tastes[..self.indexed];
        self.slots[first * per_cell..]
            .par_chunks_mut(per_cell)
            .zip(self.filled[first..].par_iter_mut())
            .zip(wanted.par_iter())
            .for_each_init(Vec::new, |scratch, ((list, filled), &cell)| {
                let centre = centre_of(cell as usize, &geometry.0, &geometry.1, geometry.2);
                *filled = nearest_into(&centre, released_tastes, list, scratch);
            });
    }

    /// Offers tracks `indexed..released` to every list.
    fn add_releases(&mut self, tastes: &[Taste], released: usize) {
        if released <= self.indexed {
            return;
        }
        let new = self.indexed..released;
        let (per_cell, geometry) = (self.per_cell, (self.shape, self.origin, self.width));
        self.slots
            .par_chunks_mut(per_cell)
            .zip(self.filled.par_iter_mut())
            .zip(self.cell_of_list.par_iter())
            .for_each(|((list, filled), &cell)| {
                let centre = centre_of(cell as usize, &geometry.0, &geometry.1, geometry.2);
                for t in new.clone() {
                    let slot = Slot {
                        track: t as u32,
                        centre_d2: dist2(&centre, &tastes[t]),
                        taste: tastes[t],
                    };
                    if insert(list, slot) {
                        *filled = (*filled + 1).min(per_cell as u32);
                    }
                }
            });
        self.indexed = released;
    }

    /// The cell `profile` falls in (points outside the grid go to the nearest cell) and
    /// its distance from that cell's centre.
    #[inline]
    fn locate(&self, profile: &Taste) -> (usize, f32) {
        let mut cell = 0;
        let mut offset2 = 0.0;
        for (k, &x) in profile.iter().enumerate() {
            // Truncation floors the non-negative steps (and is one instruction, where
            // `floor` may be a library call on the baseline x86-64 target).
            let steps = (x - self.origin[k]) / self.width;
            let i = (steps.max(0.0) as usize).min(self.shape[k] - 1);
            cell = cell * self.shape[k] + i;
            let d = x - (self.origin[k] + (i as f32 + 0.5) * self.width);
            offset2 += d * d;
        }
        (cell, offset2.sqrt())
    }

    /// Calls `read` with the list of the cell `profile` falls in, nearest its centre first
    /// (it may hold fewer than `per_cell` tracks). A cell without a list gets one built on
    /// the spot from `tastes` (the same list [`StyleGrid::update`] would have made).
    #[inline]
    pub fn with_list<R>(
        &self,
        profile: &Taste,
        tastes: &[Taste],
        read: impl FnOnce(CellList) -> R,
    ) -> R {
        let (cell, offset) = self.locate(profile);
        let list = self.list_of[cell];
        if list != NO_LIST {
            let start = list as usize * self.per_cell;
            let used = self.filled[list as usize] as usize;
            return read(CellList {
                slots: &self.slots[start..start + used],
                offset,
            });
        }
        let centre = centre_of(cell, &self.shape, &self.origin, self.width);
        let mut slots = vec![UNUSED; self.per_cell];
        let used = nearest_into(
            &centre,
            &tastes[..self.indexed],
            &mut slots,
            &mut Vec::new(),
        );
        read(CellList {
            slots: &slots[..used as usize],
            offset,
        })
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

/// Fills `list` with the `list.len()` tracks of `tastes` nearest `centre`, nearest first
/// (ties: lower track id); returns how many slots were filled.
fn nearest_into(
    centre: &Taste,
    tastes: &[Taste],
    list: &mut [Slot],
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
    for (slot, &(d, t)) in list.iter_mut().zip(scratch.iter()) {
        *slot = Slot {
            track: t,
            centre_d2: d,
            taste: tastes[t as usize],
        };
    }
    keep as u32
}

/// Inserts `slot` into a list sorted nearest the centre first if it beats the last slot
/// (a later track loses ties, as in [`nearest_into`], since it has a higher id); returns
/// whether it went in.
#[inline]
fn insert(list: &mut [Slot], slot: Slot) -> bool {
    let last = list.len() - 1;
    if slot.centre_d2 >= list[last].centre_d2 {
        return false;
    }
    let at = list.partition_point(|x| x.centre_d2 <= slot.centre_d2);
    list.copy_within(at..last, at + 1);
    list[at] = slot;
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

    fn listed(grid: &StyleGrid, p: &Taste, tastes: &[Taste]) -> (Vec<u32>, f32) {
        grid.with_list(p, tastes, |list| {
            let ids = list.slots.iter().map(|s| s.track).collect();
            (ids, list.offset)
        })
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
        let at = |track, centre_d2| Slot {
            track,
            centre_d2,
            taste: [track as f32; TASTE_DIMS],
        };
        let mut list = [at(1, 1.0), at(3, 3.0), UNUSED];
        assert!(insert(&mut list, at(7, 2.0)));
        assert_eq!(list, [at(1, 1.0), at(7, 2.0), at(3, 3.0)]);
        // Ties the last: a later track loses.
        assert!(!insert(&mut list, at(9, 3.0)));
        assert!(insert(&mut list, at(4, 0.5)));
        assert_eq!(list, [at(4, 0.5), at(1, 1.0), at(7, 2.0)]);
    }

    #[test]
    fn a_cell_centre_gets_its_exact_nearest_tracks() {
        let tastes = random_tastes(2_000, 1);
        let mut grid = StyleGrid::new(&tastes, 20);
        let cells = grid.list_of.len();
        let centres: Vec<Taste> = [0, 17, 400, cells - 1]
            .iter()
            .map(|&c| centre_of(c, &grid.shape, &grid.origin, grid.width))
            .collect();
        grid.update(&tastes, 2_000, centres.iter());
        assert_eq!(grid.lists(), 4);
        for centre in &centres {
            let (ids, offset) = listed(&grid, centre, &tastes);
            assert!(offset < 1e-5);
            assert_eq!(ids, brute_force(centre, &tastes, 2_000, 20));
        }
    }

    #[test]
    fn lists_do_not_depend_on_when_a_cell_was_first_occupied() {
        let tastes = random_tastes(1_500, 2);
        let profiles = random_tastes(50, 3);
        // Occupied from the start, then grown by two days of releases...
        let mut early = StyleGrid::new(&tastes, 16);
        early.update(&tastes, 1_000, profiles.iter());
        early.update(&tastes, 1_200, std::iter::empty());
        early.update(&tastes, 1_500, std::iter::empty());
        // ...occupied only on the last day...
        let mut late = StyleGrid::new(&tastes, 16);
        late.update(&tastes, 1_000, std::iter::empty());
        late.update(&tastes, 1_500, profiles.iter());
        // ...or never (built on the spot): all give the same lists.
        let mut never = StyleGrid::new(&tastes, 16);
        never.update(&tastes, 1_500, std::iter::empty());
        assert_eq!(
            (early.indexed(), late.lists(), never.lists()),
            (1_500, 50, 0)
        );
        for p in &profiles {
            let e = listed(&early, p, &tastes);
            assert_eq!(e, listed(&late, p, &tastes));
            assert_eq!(e, listed(&never, p, &tastes));
        }
    }

    #[test]
    fn few_tracks_leave_short_lists() {
        let tastes = random_tastes(5, 3);
        let mut grid = StyleGrid::new(&tastes, 8);
        grid.update(&tastes, 3, [[0.0; 4]].iter());
        assert_eq!(listed(&grid, &[0.0; 4], &tastes).0.len(), 3);
    }

    /// For random profiles, the nearest 10 tracks found by ranking the cell's list of 40
    /// against brute force over the catalogue: the list is exact at the centre, and
    /// profiles off-centre lose few of their true nearest.
    #[test]
    fn off_centre_profiles_find_nearly_all_their_nearest_tracks() {
        let tastes = random_tastes(4_000, 4);
        let profiles = random_tastes(300, 5);
        let mut grid = StyleGrid::new(&tastes, 40);
        grid.update(&tastes, 4_000, profiles.iter());
        let (mut found, mut total) = (0, 0);
        for p in &profiles {
            let mut ranked: Vec<(f32, u32)> = grid.with_list(p, &tastes, |list| {
                list.slots
                    .iter()
                    .map(|s| (dist2(p, &s.taste), s.track))
                    .collect()
            });
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
        assert!(recall > 0.97, "recall {recall:.3}");
    }
}
