//! Recommender policies: how the slate a listener sees each day is chosen.
//!
//! Policymakers compare curation rules with chartsim, so a policy is built the way a
//! platform's recommendations are: **candidate sources + a scorer + curation rules applied
//! in order** ([`PolicySpec`]). The scorer ([`Scorer`], one file each under `scorers/`)
//! proposes and scores candidates; each curation rule ([`Rule`], one file each under
//! `curation/`) re-ranks the list the previous one left; rules that need tracks the scorer
//! did not propose (a local quota, an exposure floor) draw them from per-segment pools
//! built once a day ([`DayFacts`]); paid promotion sells slots in the final slate. A
//! library user adds a scorer or a rule through the traits in [`extend`].
//!
//! At the start of each day the runtime ([`Recommender`]) precomputes what every slate on
//! that day shares (rankings, released ranges, playlists, the collaborative model when it
//! is due, pools); filling one listener's slate then costs a fixed amount, independent of
//! the catalogue's size. A policy without curation rules takes each scorer's direct path.
//!
//! Recommenders see only *observed plays* (stream counts, the listener's library with its
//! play counts and the running style profile of what they played), never the listener's
//! true taste point or a track's latent appeal: that separation is what lets feedback
//! loops form.
//!
//! Every scorer leaves out tracks already in the listener's library (they reach the
//! listener through the library channel), so a track enters a listener's choice set once.
//!
//! **Layer.** Reads the scenario (its [`PolicySpec`]s, re-exported here), the world,
//! metrics, and [`listener`]: the records of a listener's state and of the day's track
//! terms that the hot loop updates and recommenders read. Never `step` itself.

pub mod candidate;
pub mod curation;
pub mod exposure;
pub mod extend;
pub mod facts;
pub mod listener;
pub mod scorers;

pub use crate::scenario::policy_spec::{
    CollaborativeModel, CustomRule, CustomScorer, ExposureGroup, Factorisation, PolicySpec,
    PopularityScope, Retrain, Rule, Scorer, Similarity,
};
pub use candidate::{Candidate, SlateScratch};
pub use exposure::{SlateStats, is_sampled};
pub use extend::{SlateContext, SlateRule, TrackScorer};
pub use facts::{DayFacts, HEAD_SHARE, NEW_TALENT_DAYS, Segment, is_platform};

use crate::ids::{ListenerId, RegionId, TrackId};
use crate::rng::SimRng;
use crate::world::{Taste, World};
use curation::RuleDay;
pub use listener::{HISTORY_TRACKS, History, ListenerState, TrackTerms};
use scorers::ScorerDay;
use scorers::promotion::PromotionDay;

/// Candidates a curated slate starts from, per slate position: rules re-rank three times as
/// many candidates as the slate holds.
pub const POOL_PER_SLOT: usize = 3;

/// A listener's library as a slate sees it: the tracks plus a 128-bit mask of hashed
/// track ids, so most "is it in the library?" questions are answered by one AND.
#[derive(Clone, Copy, Debug)]
pub struct LibraryView<'a> {
    tracks: &'a [u32],
    mask: u128,
}

impl<'a> LibraryView<'a> {
    /// A view of `tracks`.
    #[inline]
    pub fn new(tracks: &'a [u32]) -> Self {
        let mask = tracks.iter().fold(0u128, |m, &t| m | Self::bit(t));
        Self { tracks, mask }
    }

    #[inline(always)]
    fn bit(track: u32) -> u128 {
        1u128 << (track.wrapping_mul(0x9E37_79B1) >> 25)
    }

    /// Whether `track` is in the library.
    #[inline(always)]
    pub fn contains(&self, track: u32) -> bool {
        self.mask & Self::bit(track) != 0 && self.tracks.contains(&track)
    }

    /// The tracks.
    pub fn tracks(&self) -> &'a [u32] {
        self.tracks
    }
}

/// What a scorer may know about the listener whose slate it fills.
pub struct SlateRequest<'a> {
    /// The listener whose slate it is. Platform scorers see them only through the fields
    /// below; the `ideal` benchmark reads their true taste from the world.
    pub listener: ListenerId,
    /// The listener's region.
    pub region: RegionId,
    /// The listener's style profile: moving average (weight 0.05 per stream) of the taste positions of the tracks they
    /// played (observed behaviour, not their true taste).
    pub profile: &'a Taste,
    /// Tracks in the listener's library (excluded from the slate).
    pub library: LibraryView<'a>,
    /// The library tracks learned scorers score from ([`ListenerState::history`]).
    pub history: &'a [u32],
    /// Decayed play count of each library track, in library order (the listener's history
    /// as calibration reads it); may be empty.
    pub familiarity: &'a [f32],
}

/// Inputs to a recommender's daily preparation: observed plays and the released catalogue.
pub struct DayContext<'a> {
    /// The day being simulated.
    pub day: i32,
    /// Tracks `0..released` are out.
    pub released: usize,
    /// For each region, each track's streams over the scorer's window (flat, region-major).
    pub window_streams: &'a [u32],
    /// For each region, each track's streams over the last 7 days (flat, region-major).
    pub recent_streams: &'a [u32],
    /// Number of tracks (stride of `window_streams`).
    pub n_tracks: usize,
    /// Number of regions.
    pub n_regions: usize,
    /// The world.
    pub world: &'a World,
    /// Slate length.
    pub slate_size: usize,
    /// Library capacity (how many extra candidates a ranking needs for exclusions).
    pub library_size: usize,
    /// Every listener's state as of the start of the day (libraries: what learned scorers
    /// train on).
    pub listeners: &'a [ListenerState],
    /// The day's utility terms of every track as listeners see them, region-major (only
    /// the `ideal` benchmark reads them; may be empty outside a simulation, and the
    /// `ideal` benchmark then gives no slates).
    pub terms: &'a [TrackTerms],
    /// The weight of taste match in utility (`utility.taste`), for the `ideal` benchmark.
    pub taste_weight: f32,
}

/// The day-level state of a policy, shared by all of that day's slates.
#[derive(Clone)]
pub struct Recommender {
    scorer: ScorerDay,
    rules: Vec<RuleDay>,
    promotion: Option<PromotionDay>,
    facts: DayFacts,
    uses_facts: bool,
    segments: Vec<Segment>,
    random: bool,
}

impl std::fmt::Debug for Recommender {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Recommender")
            .field("rules", &self.rules.len())
            .field("promotion", &self.promotion.is_some())
            .finish_non_exhaustive()
    }
}

impl Recommender {
    /// A recommender for `spec` with empty day state.
    pub fn new(spec: &PolicySpec) -> Self {
        let rules: Vec<RuleDay> = spec.curation.iter().map(RuleDay::new).collect();
        let curated = !rules.is_empty() || matches!(spec.scorer, Scorer::Custom(_));
        let scorer = ScorerDay::new(&spec.scorer, curated);
        let promotion = match &spec.scorer {
            Scorer::PaidPromotion {
                share,
                major_weight,
                ..
            } => Some(PromotionDay::new(*share, *major_weight)),
            _ => None,
        };
        let mut segments: Vec<Segment> = rules.iter().flat_map(RuleDay::sources).collect();
        segments.sort_unstable();
        segments.dedup();
        let uses_facts = curated
            || promotion.is_some()
            || matches!(
                scorer,
                ScorerDay::Collaborative(_) | ScorerDay::Editorial(_)
            );
        let random = scorer.is_random() || curated || promotion.is_some();
        Self {
            scorer,
            rules,
            promotion,
            facts: DayFacts::default(),
            uses_facts,
            segments,
            random,
        }
    }

    /// Days of plays the scorer's popularity window covers (0 if it uses none).
    pub fn window_days(spec: &PolicySpec) -> u32 {
        match &spec.scorer {
            Scorer::Popularity { window_days, .. } => *window_days,
            Scorer::Collaborative { .. } => scorers::collaborative::FALLBACK_WINDOW_DAYS,
            Scorer::PaidPromotion { base, .. } => {
                Self::window_days(&PolicySpec::new("", (**base).clone()))
            }
            Scorer::None
            | Scorer::Random
            | Scorer::Content
            | Scorer::Ideal
            | Scorer::Editorial { .. }
            | Scorer::Custom(_) => 0,
        }
    }

    /// Whether filling a slate draws random numbers.
    pub fn is_random(&self) -> bool {
        self.random
    }

    /// Whether the policy re-ranks candidates (curation rules or a custom scorer).
    fn curated(&self) -> bool {
        !self.rules.is_empty() || matches!(self.scorer, ScorerDay::Custom(_))
    }

    /// Precomputes the day's shared state.
    pub fn prepare_day(&mut self, ctx: &DayContext) {
        if self.uses_facts {
            self.facts.prepare(ctx, &self.segments);
        }
        let longest = if self.curated() {
            ctx.slate_size * POOL_PER_SLOT
        } else {
            ctx.slate_size
        };
        self.scorer.prepare(ctx, &self.facts, longest);
        if let Some(promotion) = &mut self.promotion {
            promotion.prepare(ctx);
        }
    }

    /// The day's facts (empty for policies that need none).
    pub fn facts(&self) -> &DayFacts {
        &self.facts
    }

    /// Fills `slate` (cleared first) with at most `size` tracks for one listener, best first.
    #[inline]
    pub fn fill_slate(
        &self,
        world: &World,
        request: &SlateRequest,
        size: usize,
        rng: &mut SimRng,
        scratch: &mut SlateScratch,
        slate: &mut Vec<TrackId>,
    ) {
        slate.clear();
        if size == 0 {
            return;
        }
        let organic = size - self.promotion.as_ref().map_or(0, |p| p.slots(size));
        if organic > 0
            && (self.curated()
                || !self
                    .scorer
                    .fill(world, request, organic, rng, scratch, slate))
        {
            self.curate(world, request, organic, rng, scratch, slate);
        }
        if let Some(promotion) = &self.promotion {
            let mut organic = std::mem::take(&mut scratch.extra_tracks);
            promotion.mix(request, size, rng, slate, &mut organic);
            scratch.extra_tracks = organic;
        }
    }

    /// The candidate pipeline: scorer candidates, pool candidates, relevance, rules.
    fn curate(
        &self,
        world: &World,
        request: &SlateRequest,
        size: usize,
        rng: &mut SimRng,
        scratch: &mut SlateScratch,
        slate: &mut Vec<TrackId>,
    ) {
        let ctx = SlateContext {
            world,
            facts: &self.facts,
        };
        scratch.candidates.clear();
        self.scorer
            .candidates(&ctx, request, size * POOL_PER_SLOT, rng, scratch, slate);
        slate.clear();
        // Drop library tracks and repeats (a custom scorer may propose them), then add the
        // pools' tracks; a hashed 128-bit mask answers most "already listed?" questions.
        let bit = |t: u32| 1u128 << (t.wrapping_mul(0x9E37_79B1) >> 25);
        let listed = |mask: u128, list: &[Candidate], t: u32| {
            mask & bit(t) != 0 && list.iter().any(|c| c.track.0 == t)
        };
        let mut mask = 0u128;
        let mut kept = 0;
        for i in 0..scratch.candidates.len() {
            let c = scratch.candidates[i];
            let t = c.track.0;
            if !request.library.contains(t) && !listed(mask, &scratch.candidates[..kept], t) {
                scratch.candidates[kept] = c;
                kept += 1;
                mask |= bit(t);
            }
        }
        scratch.candidates.truncate(kept);
        scratch.extra.clear();
        for &segment in &self.segments {
            self.facts
                .draw(segment, request.region, size, rng, &mut scratch.extra);
        }
        for k in 0..scratch.extra.len() {
            let t = scratch.extra[k];
            if request.library.contains(t) || listed(mask, &scratch.candidates, t) {
                continue;
            }
            let score = self.scorer.score(&ctx, request, &scratch.cf, TrackId(t));
            scratch.candidates.push(Candidate::new(TrackId(t), score));
            mask |= bit(t);
        }
        candidate::rank_relevance(&mut scratch.candidates);
        for rule in &self.rules {
            rule.apply(
                &ctx,
                request,
                &mut scratch.candidates,
                size,
                &mut scratch.rules,
            );
        }
        slate.extend(scratch.candidates.iter().take(size).map(|c| c.track));
    }
}

/// Whether `track` may join a slate: not in the library and not already chosen.
#[inline]
pub(crate) fn admissible(track: u32, request: &SlateRequest, slate: &[TrackId]) -> bool {
    !request.library.contains(track) && !slate.iter().any(|t| t.0 == track)
}
