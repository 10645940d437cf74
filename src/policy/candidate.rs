//! Candidates: tracks under consideration for one slate, with a score, and the buffers a
//! slate reuses so that nothing allocates per listener.

use crate::ids::TrackId;

/// A track being considered for a slate.
///
/// `score` holds the scorer's raw score (higher is better) until the candidate list is
/// ranked ([`rank_relevance`]); from then on it is the relevance, in 0..1, that curation
/// rules read and may rewrite (a discount or a boost changes it).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Candidate {
    /// The track.
    pub track: TrackId,
    /// Raw score, then relevance (see the type's docs).
    pub score: f32,
}

impl Candidate {
    /// A candidate with a score.
    pub fn new(track: TrackId, score: f32) -> Self {
        Self { track, score }
    }
}

/// Sorts best first and replaces raw scores by rank-based relevance in 0..1:
/// rel = 1 − r/(n − 1) for the candidate at rank r (0-based) of n, tied raw scores sharing
/// the relevance of their best rank; a single candidate gets 1.
///
/// Ranks, not min–max rescaled scores, so that every scorer hands the rules relevance on the
/// same scale: stream counts are heavy-tailed (min–max would squash all but the first few
/// candidates to near 0, and a popularity discount would then never reorder a popularity
/// ranking), while content distances are not. Rules that trade relevance against
/// something else (λ in MMR and calibration, a boost) thus mean the same for every scorer.
pub fn rank_relevance(candidates: &mut [Candidate]) {
    sort_best_first(candidates);
    let last = candidates.len().saturating_sub(1).max(1) as f32;
    let mut tie_start = 0;
    let mut previous = f32::NAN;
    for (r, c) in candidates.iter_mut().enumerate() {
        if c.score.total_cmp(&previous).is_ne() {
            tie_start = r;
            previous = c.score;
        }
        c.score = (last - tie_start as f32) / last;
    }
}

/// Sorts best first: score descending, ties to the lower track id (deterministic).
pub fn sort_best_first(candidates: &mut [Candidate]) {
    candidates.sort_unstable_by(|a, b| b.score.total_cmp(&a.score).then(a.track.cmp(&b.track)));
}

/// Buffers reused by every slate a worker fills (one per parallel chunk).
#[derive(Clone, Debug, Default)]
pub struct SlateScratch {
    /// The candidate list of the slate being filled.
    pub(super) candidates: Vec<Candidate>,
    /// Tracks drawn from candidate pools, before scoring.
    pub(super) extra: Vec<u32>,
    /// Scorer-specific per-slate state (collaborative score sums; content sort keys).
    pub(super) accum: Vec<(u32, f32)>,
    pub(super) keys: Vec<u64>,
    /// The organic slate while paid slots are mixed in.
    pub(super) extra_tracks: Vec<TrackId>,
    /// Genre mixes and positions for the sampled slate metrics.
    pub(super) history: Vec<f64>,
    pub(super) slate_mix: Vec<f64>,
    pub(super) tastes: Vec<crate::world::Taste>,
    /// Buffers for curation rules.
    pub(super) rules: RuleScratch,
}

/// Buffers for curation rules.
#[derive(Clone, Debug, Default)]
pub struct RuleScratch {
    pub(super) picks: Vec<usize>,
    pub(super) taken: Vec<bool>,
    pub(super) reordered: Vec<Candidate>,
    pub(super) values: Vec<f32>,
    pub(super) target: Vec<f64>,
    pub(super) mix: Vec<f64>,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn c(track: u32, score: f32) -> Candidate {
        Candidate::new(TrackId(track), score)
    }

    #[test]
    fn relevance_is_by_rank_with_ties_shared() {
        // Raw −4, −1, −2, 1000 → order 3, 1, 2, 0 → relevance 1, ⅔, ⅓, 0.
        let mut list = [c(0, -4.0), c(1, -1.0), c(2, -2.0), c(3, 1000.0)];
        rank_relevance(&mut list);
        assert_eq!(list.map(|c| c.track.0), [3, 1, 2, 0]);
        assert_eq!(list.map(|c| c.score), [1.0, 2.0 / 3.0, 1.0 / 3.0, 0.0]);
        // Ties share their best rank's relevance: 9, 5, 5, 1 → 1, ⅔, ⅔, 0.
        let mut tied = [c(0, 9.0), c(1, 5.0), c(2, 5.0), c(3, 1.0)];
        rank_relevance(&mut tied);
        assert_eq!(tied.map(|c| c.score), [1.0, 2.0 / 3.0, 2.0 / 3.0, 0.0]);
        let mut flat = [c(0, 5.0), c(1, 5.0)];
        rank_relevance(&mut flat);
        assert_eq!(flat.map(|c| c.score), [1.0, 1.0]);
        let mut one = [c(7, -3.0)];
        rank_relevance(&mut one);
        assert_eq!(one[0].score, 1.0);
    }

    #[test]
    fn ties_go_to_the_lower_track() {
        let mut list = [c(9, 0.5), c(3, 0.5), c(4, 0.9)];
        sort_best_first(&mut list);
        assert_eq!(list.map(|c| c.track.0), [4, 3, 9]);
    }
}
