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
    const STACK: usize = 256;
    if candidates.len() > STACK {
        candidates.sort_unstable_by_key(|c| sort_key(c.score, c.track.0));
        return;
    }
    // Keys computed once and sorted as integers (a slate's list is short: on the stack).
    let mut keys = [0u64; STACK];
    let keys = &mut keys[..candidates.len()];
    for (k, c) in keys.iter_mut().zip(candidates.iter()) {
        *k = sort_key(c.score, c.track.0);
    }
    keys.sort_unstable();
    for (c, &k) in candidates.iter_mut().zip(keys.iter()) {
        let ordered = !((k >> 32) as u32);
        let bits = if ordered >> 31 == 1 {
            ordered & !(1 << 31)
        } else {
            !ordered
        };
        *c = Candidate::new(TrackId(k as u32), f32::from_bits(bits));
    }
}

/// One integer key per candidate: the score's bits mapped to an unsigned order (the order
/// of `f32::total_cmp`), inverted for descending, then the track id.
#[inline]
fn sort_key(score: f32, track: u32) -> u64 {
    let bits = score.to_bits();
    let ordered = if bits >> 31 == 1 {
        !bits
    } else {
        bits | 1 << 31
    };
    (u64::from(!ordered) << 32) | u64::from(track)
}

/// Buffers reused by every slate a worker fills (one per parallel chunk).
#[derive(Clone, Debug, Default)]
pub struct SlateScratch {
    /// The candidate list of the slate being filled.
    pub(super) candidates: Vec<Candidate>,
    /// Tracks drawn from candidate pools, before scoring.
    pub(super) extra: Vec<u32>,
    /// Collaborative score sums of the slate being filled.
    pub(super) cf: super::scorers::neighbours::LibraryScores,
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

    #[test]
    fn sort_orders_negative_scores_too() {
        let mut list = [
            c(1, -2.0),
            c(2, 0.0),
            c(3, -0.5),
            c(4, 3.0),
            c(5, f32::NEG_INFINITY),
        ];
        sort_best_first(&mut list);
        assert_eq!(list.map(|c| c.track.0), [4, 2, 3, 1, 5]);
        // Scores survive the round trip through the keys.
        assert_eq!(
            list.map(|c| c.score),
            [3.0, 0.0, -0.5, -2.0, f32::NEG_INFINITY]
        );
    }
}
