//! The built-in scorers, one file each, and the enum that dispatches to them in the hot loop.
//!
//! Every scorer offers two ways to be asked: `fill` (the slate directly, the fast path when
//! a policy has no curation rules) and `candidates` + `score` (a scored candidate list for
//! the rules to re-rank, and the score of any track a rule's pool adds).

mod cholesky;
pub mod collaborative;
pub mod content;
pub mod editorial;
pub mod factorisation;
pub mod ideal;
mod latent_neighbours;
pub mod neighbours;
pub mod popularity;
pub mod promotion;
pub mod random;
pub mod style_grid;

use std::sync::Arc;

use super::candidate::SlateScratch;
use super::extend::{SlateContext, TrackScorer};
use super::{Candidate, DayContext, DayFacts, Scorer, SlateRequest};
use crate::ids::TrackId;
use crate::rng::SimRng;
use crate::world::World;

/// For scorers that rank (track, score) pairs best first: the slate keeps the tracks...
#[inline]
fn push_track(slate: &mut Vec<TrackId>) -> impl FnMut(TrackId, f32) + '_ {
    move |track, _| slate.push(track)
}

/// ...and a candidate list keeps them with their scores.
#[inline]
fn push_candidate(out: &mut Vec<Candidate>) -> impl FnMut(TrackId, f32) + '_ {
    move |track, score| out.push(Candidate::new(track, score))
}

/// The day state of a policy's scorer.
#[derive(Clone)]
pub(crate) enum ScorerDay {
    /// No recommendation.
    None,
    Random(random::RandomDay),
    Popularity(popularity::PopularityDay),
    Content(content::ContentDay),
    Ideal(ideal::IdealDay),
    Collaborative(Box<collaborative::CollaborativeDay>),
    Editorial(editorial::EditorialDay),
    Custom(Arc<dyn TrackScorer>),
}

impl ScorerDay {
    /// Day state for `scorer` (never `PaidPromotion`, which wraps a base scorer);
    /// `curated` says whether curation rules will ask for any track's score.
    pub(crate) fn new(scorer: &Scorer, curated: bool) -> Self {
        match scorer {
            Scorer::None => Self::None,
            Scorer::Random => Self::Random(random::RandomDay::default()),
            Scorer::Popularity {
                scope,
                window_days,
                random_slots,
            } => Self::Popularity(popularity::PopularityDay::new(
                *scope,
                *window_days,
                *random_slots,
                curated,
            )),
            Scorer::Content => Self::Content(content::ContentDay::default()),
            Scorer::Ideal => Self::Ideal(ideal::IdealDay::default()),
            Scorer::Collaborative {
                retrain,
                model,
                neighbours,
            } => Self::Collaborative(Box::new(collaborative::CollaborativeDay::new(
                *retrain,
                *model,
                *neighbours,
            ))),
            Scorer::Editorial {
                playlist_length,
                local_share,
                new_artist_share,
            } => Self::Editorial(editorial::EditorialDay::new(
                *playlist_length,
                *local_share,
                *new_artist_share,
            )),
            Scorer::PaidPromotion { base, .. } => Self::new(base, curated),
            Scorer::Custom(custom) => Self::Custom(Arc::clone(custom.scorer())),
        }
    }

    /// Whether filling a slate draws random numbers.
    pub(crate) fn is_random(&self) -> bool {
        match self {
            Self::Popularity(day) => day.is_random(),
            _ => matches!(self, Self::Random(_) | Self::Editorial(_) | Self::Custom(_)),
        }
    }

    pub(crate) fn prepare(&mut self, ctx: &DayContext, facts: &DayFacts, slate: usize) {
        match self {
            Self::None => {}
            Self::Random(day) => day.prepare(ctx),
            Self::Popularity(day) => day.prepare(ctx, slate),
            Self::Content(day) => day.prepare(ctx, slate),
            Self::Ideal(day) => day.prepare(ctx, slate),
            Self::Collaborative(day) => day.prepare(ctx, slate),
            Self::Editorial(day) => day.prepare(ctx, facts),
            Self::Custom(_) => {}
        }
    }

    /// Fills the slate directly (no curation rules); `false` if this scorer has no fast
    /// path (custom scorers).
    #[inline]
    pub(crate) fn fill(
        &self,
        world: &World,
        request: &SlateRequest,
        size: usize,
        rng: &mut SimRng,
        scratch: &mut SlateScratch,
        slate: &mut Vec<TrackId>,
    ) -> bool {
        match self {
            Self::None => slate.clear(),
            Self::Random(day) => day.fill(request, size, rng, slate),
            Self::Popularity(day) => day.fill(request, size, rng, slate),
            Self::Content(day) => day.rank(world, request, size, push_track(slate)),
            Self::Ideal(day) => {
                day.rank(world, request, size, push_track(slate));
            }
            Self::Collaborative(day) => {
                let mut candidates = std::mem::take(&mut scratch.candidates);
                candidates.clear();
                day.candidates(request, size, &mut scratch.cf, &mut candidates, slate);
                slate.clear();
                slate.extend(candidates.iter().map(|c| c.track));
                scratch.candidates = candidates;
            }
            Self::Editorial(day) => day.fill(request, size, rng, slate),
            Self::Custom(_) => return false,
        }
        true
    }

    /// Appends up to `n` scored candidates outside the library to `scratch.candidates`.
    pub(crate) fn candidates(
        &self,
        ctx: &SlateContext,
        request: &SlateRequest,
        n: usize,
        rng: &mut SimRng,
        scratch: &mut SlateScratch,
        spare: &mut Vec<TrackId>,
    ) {
        let out = &mut scratch.candidates;
        // Random and editorial candidates are drawn exactly as their slates are.
        let mut drawn = |fill: &dyn Fn(&mut SimRng, &mut Vec<TrackId>),
                         score: &dyn Fn(TrackId) -> f32| {
            spare.clear();
            fill(rng, spare);
            out.extend(spare.drain(..).map(|t| Candidate::new(t, score(t))));
        };
        match self {
            Self::None => {}
            Self::Random(day) => drawn(&|rng, s| day.fill(request, n, rng, s), &|_| 0.0),
            Self::Popularity(day) => day.candidates(request, n, rng, spare, out),
            Self::Content(day) => day.rank(ctx.world, request, n, push_candidate(out)),
            Self::Ideal(day) => {
                day.rank(ctx.world, request, n, push_candidate(out));
            }
            Self::Collaborative(day) => day.candidates(request, n, &mut scratch.cf, out, spare),
            Self::Editorial(day) => drawn(&|rng, s| day.fill(request, n, rng, s), &|t| {
                day.score(request, t)
            }),
            Self::Custom(scorer) => scorer.candidates(ctx, request, n, rng, out),
        }
    }

    /// The raw score of any track (after `candidates` for this slate).
    pub(crate) fn score(
        &self,
        ctx: &SlateContext,
        request: &SlateRequest,
        cf: &neighbours::LibraryScores,
        track: TrackId,
    ) -> f32 {
        match self {
            Self::None | Self::Random(_) => 0.0,
            Self::Popularity(day) => day.score(request, track),
            Self::Content(_) => content::ContentDay::score(ctx.world, request, track),
            Self::Ideal(day) => day.score(ctx.world, request, track),
            Self::Collaborative(day) => day.score(cf, track),
            Self::Editorial(day) => day.score(request, track),
            Self::Custom(scorer) => scorer.score(ctx, request, track),
        }
    }
}
