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
use super::neighbours::{Holdings, ItemNeighbours, LibraryScores};
use super::popularity::PopularityDay;
use crate::policy::PopularityScope;

/// Most holders of a track whose libraries are read when counting its co-occurrences.
pub const MAX_HOLDERS: usize = 48;

/// Days of plays behind the cold-start popularity fallback.
pub const FALLBACK_WINDOW_DAYS: u32 = 7;

impl ItemNeighbours {
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
            fallback: PopularityDay::new(PopularityScope::Regional, FALLBACK_WINDOW_DAYS, 0, false),
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
            let holdings = Holdings::new(ctx.listeners.iter().map(|s| s.history()), ctx.n_tracks);
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
            Model::ItemItem(model) => {
                model.score_library(request.history, request.library.tracks(), n, scores);
            }
            Model::Factorisation(model) => {
                model.score_library(request.history, request.library.tracks(), n, scores);
            }
        }
        let start = out.len();
        out.extend(scores.top().map(|(j, s)| Candidate::new(TrackId(j), s)));
        if out.len() - start < n {
            pad.clear();
            self.fallback.fill_top(request, n, pad);
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
        m.score_library(&[0, 3], &[0, 3], 2, &mut scores);
        assert_eq!(scores.top().collect::<Vec<_>>(), vec![(1, 3.0), (2, 1.0)]);
        assert_eq!(
            (scores.get(1), scores.get(2), scores.get(3)),
            (3.0, 1.0, f32::NEG_INFINITY)
        );
        assert_eq!(scores.get(99), 0.0, "a track no neighbour list holds");
        // Asked for the best one only.
        m.score_library(&[0, 3], &[0, 3], 1, &mut scores);
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
