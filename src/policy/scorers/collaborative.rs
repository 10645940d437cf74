//! The collaborative scorer: collaborative filtering learned only from simulated plays,
//! refitted on the scenario's schedule, so its feedback loop is real. Two models share the
//! schedule, the candidate machinery and the cold-start fallback: item-item co-occurrence
//! (this file, `model = "item_item"`) and implicit matrix factorisation
//! (`factorisation.rs`, `model = "factorisation"`).
//!
//! **Model.** The implicit feedback is the listeners' libraries (the tracks each one played
//! enough to keep). For tracks i and j, C(i, j) is the number of listeners holding both;
//! n(i) the number holding i. Similarity is `cooccurrence`: s(i, j) = C(i, j) ("people who
//! played this also played", the sales-based recommender of Fleder & Hosanagar 2009, which
//! favours hits), or `cosine`: s(i, j) = C(i, j) / √(n(i)·n(j)) (Sarwar et al. 2001's
//! item-based filtering). Each track keeps its `neighbours` most similar tracks.
//!
//! **Scoring.** score(u, j) = Σ_{i ∈ library(u)} s(i, j) over the neighbour lists: at most
//! library size × `neighbours` terms, so a slate's cost does not depend on the catalogue.
//! Listeners whose library has no neighbours outside itself (cold start) get the slate
//! padded from the regional popularity ranking (7-day plays), as real systems fall back.
//!
//! **Training cost.** Counting C(i, ·) for a track held by n(i) listeners reads every one of
//! their libraries; for the most-held tracks that would dominate, so at most
//! [`MAX_HOLDERS`] holders are read, evenly spaced in listener order, and the counts scaled
//! by n(i) / holders read (an unbiased estimate; exact for tracks with fewer holders). A
//! refit thus costs at most (listeners × library size + tracks × `MAX_HOLDERS` × library
//! size) steps, independent of how popular anything is.

use crate::ids::TrackId;
use crate::policy::{Candidate, CollaborativeModel, DayContext, Retrain, Similarity, SlateRequest};

use super::factorisation::FactorModel;
use super::popularity::PopularityDay;
use crate::policy::PopularityScope;

/// Most holders of a track whose libraries are read when counting its co-occurrences.
pub const MAX_HOLDERS: usize = 48;

/// Days of plays behind the cold-start popularity fallback.
pub const FALLBACK_WINDOW_DAYS: u32 = 7;

/// Each track's most similar tracks, in compressed rows.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ItemNeighbours {
    offsets: Vec<u32>,
    items: Vec<(u32, f32)>,
}

impl ItemNeighbours {
    /// Neighbours of `track`, most similar first (ties: lower id), as (track, similarity).
    pub fn of(&self, track: u32) -> &[(u32, f32)] {
        let t = track as usize;
        if t + 1 >= self.offsets.len() {
            return &[];
        }
        &self.items[self.offsets[t] as usize..self.offsets[t + 1] as usize]
    }

    /// Rows built elsewhere: `items[offsets[t]..offsets[t + 1]]` are track t's neighbours.
    pub(super) fn from_rows(offsets: Vec<u32>, items: Vec<(u32, f32)>) -> Self {
        debug_assert_eq!(offsets.last().copied(), Some(items.len() as u32));
        Self { offsets, items }
    }

    /// Fits the model to `libraries` (one slice of track ids per listener, in listener
    /// order) over a catalogue of `n_tracks` tracks.
    pub fn fit<'l>(
        libraries: impl Iterator<Item = &'l [u32]>,
        n_tracks: usize,
        similarity: Similarity,
        neighbours: usize,
    ) -> Self {
        Self::fit_holdings(&Holdings::new(libraries, n_tracks), similarity, neighbours)
    }

    fn fit_holdings(h: &Holdings, similarity: Similarity, neighbours: usize) -> Self {
        let n_tracks = h.tracks();
        let n_of = |t: usize| h.holders(t).len();
        let mut counts = vec![0u32; n_tracks];
        let mut touched: Vec<u32> = Vec::new();
        let mut row: Vec<(f32, u32)> = Vec::new();
        let mut out = Self {
            offsets: Vec::with_capacity(n_tracks + 1),
            items: Vec::new(),
        };
        out.offsets.push(0);
        for i in 0..n_tracks {
            let mine = h.holders(i);
            let read = mine.len().min(MAX_HOLDERS);
            for k in 0..read {
                let l = mine[k * mine.len() / read] as usize;
                for &j in h.library(l) {
                    if j as usize != i {
                        if counts[j as usize] == 0 {
                            touched.push(j);
                        }
                        counts[j as usize] += 1;
                    }
                }
            }
            row.clear();
            let scale = if read == 0 {
                0.0
            } else {
                mine.len() as f64 / read as f64
            };
            for &j in &touched {
                let c = f64::from(counts[j as usize]) * scale;
                let s = match similarity {
                    Similarity::Cooccurrence => c,
                    Similarity::Cosine => c / ((mine.len() * n_of(j as usize)) as f64).sqrt(),
                };
                row.push((s as f32, j));
                counts[j as usize] = 0;
            }
            touched.clear();
            let order = |a: &(f32, u32), b: &(f32, u32)| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1));
            if row.len() > neighbours && neighbours > 0 {
                row.select_nth_unstable_by(neighbours - 1, order);
                row.truncate(neighbours);
            }
            row.sort_unstable_by(order);
            out.items.extend(row.iter().map(|&(s, j)| (j, s)));
            out.offsets.push(out.items.len() as u32);
        }
        out
    }

    /// Scores every neighbour of `library` into `scores`: score(j) = Σ_{i ∈ library} s(i, j),
    /// tracks in the library left out, the `best` highest ranked (see [`LibraryScores`]).
    pub fn score_library(&self, library: &[u32], best: usize, scores: &mut LibraryScores) {
        let n = library.len() + library.iter().map(|&i| self.of(i).len()).sum::<usize>();
        scores.reset(n);
        // Library tracks go in first at −∞, which no sum can lift. Additions happen in
        // library then neighbour order, so each sum is reproducible.
        for &i in library {
            scores.add(i, f32::NEG_INFINITY);
        }
        for &i in library {
            for &(j, s) in self.of(i) {
                scores.add(j, s);
            }
        }
        scores.rank(best);
    }
}

/// Who holds what: the libraries flattened in listener order, and inverted (each track's
/// holders, in listener order). Both collaborative models fit to these.
#[derive(Clone, Debug, Default)]
pub(super) struct Holdings {
    /// `lib_items[lib_offsets[l]..lib_offsets[l + 1]]` is listener l's library.
    pub(super) lib_offsets: Vec<u32>,
    pub(super) lib_items: Vec<u32>,
    /// `holders[held_offsets[t]..held_offsets[t + 1]]` are the listeners holding track t.
    pub(super) held_offsets: Vec<u32>,
    pub(super) holders: Vec<u32>,
}

impl Holdings {
    /// Flattens and inverts `libraries` (track ids below `n_tracks`).
    pub(super) fn new<'l>(libraries: impl Iterator<Item = &'l [u32]>, n_tracks: usize) -> Self {
        let mut lib_offsets = vec![0u32];
        let mut lib_items = Vec::new();
        for library in libraries {
            lib_items.extend_from_slice(library);
            lib_offsets.push(lib_items.len() as u32);
        }
        let mut held_offsets = vec![0u32; n_tracks + 1];
        for &t in &lib_items {
            held_offsets[t as usize + 1] += 1;
        }
        for t in 0..n_tracks {
            held_offsets[t + 1] += held_offsets[t];
        }
        let mut holders = vec![0u32; lib_items.len()];
        let mut fill = held_offsets.clone();
        for l in 0..lib_offsets.len() - 1 {
            for &t in &lib_items[lib_offsets[l] as usize..lib_offsets[l + 1] as usize] {
                holders[fill[t as usize] as usize] = l as u32;
                fill[t as usize] += 1;
            }
        }
        Self {
            lib_offsets,
            lib_items,
            held_offsets,
            holders,
        }
    }

    /// Number of listeners.
    pub(super) fn listeners(&self) -> usize {
        self.lib_offsets.len() - 1
    }

    /// Number of tracks.
    pub(super) fn tracks(&self) -> usize {
        self.held_offsets.len() - 1
    }

    /// Listener `l`'s library.
    pub(super) fn library(&self, l: usize) -> &[u32] {
        &self.lib_items[self.lib_offsets[l] as usize..self.lib_offsets[l + 1] as usize]
    }

    /// The listeners holding track `t`, in listener order.
    pub(super) fn holders(&self, t: usize) -> &[u32] {
        &self.holders[self.held_offsets[t] as usize..self.held_offsets[t + 1] as usize]
    }
}

/// One slate's collaborative scores: sums gathered in an open-addressing table (reused
/// from slate to slate, so nothing allocates), then the best ranked by one partial sort of
/// integer keys. Cost linear in library size × neighbours.
#[derive(Clone, Debug, Default)]
pub struct LibraryScores {
    sums: Vec<(u32, f32)>,
    slots: Vec<u32>,
    bits: u32,
    ranked: Vec<u64>,
    best: usize,
    /// Matrix factorisation: the listener's folded-in factor vector and the f × f system
    /// it solves (see `factorisation::FactorModel::fold_in`).
    pub(super) user: Vec<f64>,
    pub(super) system: Vec<f64>,
}

impl LibraryScores {
    const EMPTY: u32 = u32::MAX;

    pub(super) fn reset(&mut self, entries: usize) {
        self.sums.clear();
        self.bits = (2 * entries).max(16).next_power_of_two().trailing_zeros();
        self.slots.clear();
        self.slots.resize(1 << self.bits, Self::EMPTY);
    }

    #[inline]
    fn slot(&self, track: u32) -> usize {
        (track.wrapping_mul(0x9E37_79B1) >> (32 - self.bits)) as usize
    }

    /// The entry of `track`, created with score 0 if absent; `true` if it was created.
    #[inline]
    fn entry(&mut self, track: u32) -> (&mut f32, bool) {
        let mask = self.slots.len() - 1;
        let mut h = self.slot(track);
        loop {
            let slot = self.slots[h];
            if slot == Self::EMPTY {
                self.slots[h] = self.sums.len() as u32;
                self.sums.push((track, 0.0));
                let last = self.sums.len() - 1;
                return (&mut self.sums[last].1, true);
            }
            if self.sums[slot as usize].0 == track {
                return (&mut self.sums[slot as usize].1, false);
            }
            h = (h + 1) & mask;
        }
    }

    #[inline]
    pub(super) fn add(&mut self, track: u32, s: f32) {
        *self.entry(track).0 += s;
    }

    /// Sets the score of `track` to `score()` unless it already has one.
    #[inline]
    pub(super) fn insert_with(&mut self, track: u32, score: impl FnOnce() -> f32) {
        if let (entry, true) = self.entry(track) {
            *entry = score();
        }
    }

    /// Ranks the scored tracks: key = (descending score, ascending id) packed in a `u64`
    /// (similarities are positive, so their bits order like the numbers).
    pub(super) fn rank(&mut self, best: usize) {
        self.ranked.clear();
        self.ranked.extend(
            self.sums
                .iter()
                .filter(|(_, s)| *s > 0.0 && s.is_finite())
                .map(|&(j, s)| (u64::from(u32::MAX - s.to_bits()) << 32) | u64::from(j)),
        );
        if self.ranked.len() > best && best > 0 {
            self.ranked.select_nth_unstable(best - 1);
        }
        self.best = best.min(self.ranked.len());
        self.ranked[..self.best].sort_unstable();
    }

    /// The best tracks, best first, as (track, score).
    pub fn top(&self) -> impl Iterator<Item = (u32, f32)> + '_ {
        self.ranked[..self.best]
            .iter()
            .map(|&k| (k as u32, f32::from_bits(u32::MAX - (k >> 32) as u32)))
    }

    /// Any track's score (0 if no neighbour of the library; −∞ for a library track).
    pub fn get(&self, track: u32) -> f32 {
        if self.slots.is_empty() {
            return 0.0;
        }
        let mask = self.slots.len() - 1;
        let mut h = self.slot(track);
        loop {
            match self.slots[h] {
                Self::EMPTY => return 0.0,
                slot if self.sums[slot as usize].0 == track => return self.sums[slot as usize].1,
                _ => h = (h + 1) & mask,
            }
        }
    }
}

/// The model a collaborative scorer serves from, as last fitted.
#[derive(Clone, Debug)]
enum Model {
    ItemItem(ItemNeighbours),
    Factorisation(FactorModel),
}

/// Day state of the collaborative scorer.
#[derive(Clone, Debug)]
pub struct CollaborativeDay {
    retrain: Retrain,
    settings: CollaborativeModel,
    neighbours: usize,
    model: Model,
    trained: bool,
    fallback: PopularityDay,
}

impl CollaborativeDay {
    pub(crate) fn new(retrain: Retrain, settings: CollaborativeModel, neighbours: u32) -> Self {
        let model = match settings {
            CollaborativeModel::ItemItem { .. } => Model::ItemItem(ItemNeighbours::default()),
            CollaborativeModel::Factorisation(mf) => Model::Factorisation(FactorModel::new(mf)),
        };
        Self {
            retrain,
            settings,
            neighbours: neighbours as usize,
            model,
            trained: false,
            fallback: PopularityDay::new(PopularityScope::Regional, FALLBACK_WINDOW_DAYS, false),
        }
    }

    /// Refits the model when the schedule says so, and ranks the fallback.
    pub(crate) fn prepare(&mut self, ctx: &DayContext, slate: usize) {
        let due = match self.retrain {
            Retrain::Daily => true,
            Retrain::Weekly => ctx.day.rem_euclid(7) == 0,
            Retrain::Once => false,
        };
        if due || !self.trained {
            let holdings = Holdings::new(ctx.listeners.iter().map(|s| s.library()), ctx.n_tracks);
            match (&mut self.model, self.settings) {
                (Model::ItemItem(model), CollaborativeModel::ItemItem { similarity }) => {
                    *model = ItemNeighbours::fit_holdings(&holdings, similarity, self.neighbours);
                }
                (Model::Factorisation(model), _) => model.fit(&holdings, self.neighbours),
                (Model::ItemItem(_), CollaborativeModel::Factorisation(_)) => {
                    unreachable!("invariant: the model matches its settings")
                }
            }
            self.trained = true;
        }
        self.fallback.prepare(ctx, slate);
    }

    /// The `n` best-scored tracks, padded from the regional popularity ranking (score 0).
    pub(crate) fn candidates(
        &self,
        request: &SlateRequest,
        n: usize,
        scores: &mut LibraryScores,
        out: &mut Vec<Candidate>,
        pad: &mut Vec<TrackId>,
    ) {
        match &self.model {
            Model::ItemItem(model) => model.score_library(request.library.tracks(), n, scores),
            Model::Factorisation(model) => {
                model.score_library(request.library.tracks(), n, scores);
            }
        }
        let start = out.len();
        out.extend(scores.top().map(|(j, s)| Candidate::new(TrackId(j), s)));
        if out.len() - start < n {
            pad.clear();
            self.fallback.fill(request, n, pad);
            for &t in pad.iter() {
                if out.len() - start == n {
                    break;
                }
                if !out[start..].iter().any(|c| c.track == t) {
                    out.push(Candidate::new(t, 0.0));
                }
            }
            pad.clear();
        }
    }

    /// Any track's score, from what `candidates` left in `scores`: the neighbour sum, or
    /// the factorisation's predicted preference (0 when not positive).
    pub(crate) fn score(&self, scores: &LibraryScores, track: TrackId) -> f32 {
        match &self.model {
            Model::ItemItem(_) => scores.get(track.0).max(0.0),
            Model::Factorisation(model) => model.score(scores, track.0).max(0.0),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cooccurrence_counts_by_hand() {
        // Listeners: {0,1,2}, {0,1}, {1,3}. C(1,0) = 2, C(1,2) = 1, C(1,3) = 1; n(1) = 3.
        let libs: Vec<Vec<u32>> = vec![vec![0, 1, 2], vec![0, 1], vec![1, 3]];
        let m = ItemNeighbours::fit(
            libs.iter().map(|l| l.as_slice()),
            4,
            Similarity::Cooccurrence,
            10,
        );
        assert_eq!(m.of(1), &[(0, 2.0), (2, 1.0), (3, 1.0)]);
        assert_eq!(m.of(3), &[(1, 1.0)]);
        // cosine: C(1,0)/√(3·2) = 2/√6; C(1,2)/√(3·1); C(1,3)/√(3·1)
        let c = ItemNeighbours::fit(libs.iter().map(|l| l.as_slice()), 4, Similarity::Cosine, 2);
        let row = c.of(1);
        assert_eq!(row.len(), 2, "two neighbours kept");
        assert!((row[0].1 - 2.0 / 6f32.sqrt()).abs() < 1e-6);
        assert!((row[1].1 - 1.0 / 3f32.sqrt()).abs() < 1e-6 && row[1].0 == 2);
    }

    #[test]
    fn library_scores_sum_neighbours_and_skip_the_library() {
        let libs: Vec<Vec<u32>> = vec![vec![0, 1, 2], vec![0, 1], vec![1, 3]];
        let m = ItemNeighbours::fit(
            libs.iter().map(|l| l.as_slice()),
            4,
            Similarity::Cooccurrence,
            10,
        );
        let mut scores = LibraryScores::default();
        // Library {0, 3}: track 1 gets C(0,1) + C(3,1) = 2 + 1; track 2 gets C(0,2) = 1.
        m.score_library(&[0, 3], 2, &mut scores);
        assert_eq!(scores.top().collect::<Vec<_>>(), vec![(1, 3.0), (2, 1.0)]);
        assert_eq!(
            (scores.get(1), scores.get(2), scores.get(3)),
            (3.0, 1.0, f32::NEG_INFINITY)
        );
        assert_eq!(scores.get(99), 0.0, "a track no neighbour list holds");
        // Asked for the best one only.
        m.score_library(&[0, 3], 1, &mut scores);
        assert_eq!(scores.top().collect::<Vec<_>>(), vec![(1, 3.0)]);
    }

    #[test]
    fn holders_are_subsampled_with_scaling() {
        // 200 listeners all hold {0, 1}: n(0) = 200 > MAX_HOLDERS, C(0,1) estimated exactly.
        let libs: Vec<Vec<u32>> = (0..200).map(|_| vec![0, 1]).collect();
        let m = ItemNeighbours::fit(
            libs.iter().map(|l| l.as_slice()),
            2,
            Similarity::Cooccurrence,
            5,
        );
        assert_eq!(m.of(0), &[(1, 200.0)]);
    }
}
