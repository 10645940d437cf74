//! Extending the policy suite from Rust: a scorer or a curation rule of your own.
//!
//! The built-in scorers and rules are a closed `enum`, matched in the hot loop. A library
//! user's own implements [`TrackScorer`] or [`SlateRule`] and enters a scenario through
//! [`Scorer::Custom`](super::Scorer::Custom) or [`Rule::Custom`](super::Rule::Custom). They
//! are called through a trait object once per slate (not per track), which costs a few
//! nanoseconds against the microseconds a slate takes, so the house rule of "no trait
//! objects in the hot loop" is bent here on purpose: the alternative, making the whole
//! simulation generic over the policy, would spread a type parameter through every layer.
//!
//! A custom policy always goes through the candidate pipeline: the scorer proposes scored
//! candidates (the pipeline drops library tracks and repeats, adds any pool candidates the
//! rules ask for, scores those with [`TrackScorer::score`] and turns every score into
//! rank-based relevance in 0..1), then the rules re-rank in order, and the slate is the first `slate_size`.
//!
//! ```
//! use chartsim::ids::TrackId;
//! use chartsim::policy::{
//!     Candidate, CustomRule, CustomScorer, PolicySpec, Rule, Scorer, SlateContext,
//!     SlateRequest, SlateRule, TrackScorer,
//! };
//! use chartsim::rng::SimRng;
//! use chartsim::{Scenario, run_batch};
//!
//! /// Recommends the newest releases: score = release day.
//! struct Newest;
//!
//! impl TrackScorer for Newest {
//!     fn candidates(
//!         &self,
//!         ctx: &SlateContext,
//!         request: &SlateRequest,
//!         n: usize,
//!         _rng: &mut SimRng,
//!         out: &mut Vec<Candidate>,
//!     ) {
//!         // Tracks are in release order, so the newest are the last released.
//!         let released = ctx.facts.released();
//!         let wanted = n + request.library.tracks().len();
//!         for t in (0..released).rev().take(wanted) {
//!             let track = TrackId(t as u32);
//!             out.push(Candidate::new(track, self.score(ctx, request, track)));
//!         }
//!     }
//!
//!     fn score(&self, ctx: &SlateContext, _request: &SlateRequest, track: TrackId) -> f32 {
//!         ctx.world.catalogue.tracks.release_day[track.index()] as f32
//!     }
//! }
//!
//! /// Keeps Christmas songs off every slate.
//! struct NoChristmas;
//!
//! impl SlateRule for NoChristmas {
//!     fn rerank(
//!         &self,
//!         ctx: &SlateContext,
//!         _request: &SlateRequest,
//!         candidates: &mut Vec<Candidate>,
//!         _size: usize,
//!     ) {
//!         candidates.retain(|c| !ctx.world.catalogue.tracks.christmas[c.track.index()]);
//!     }
//! }
//!
//! let mut scenario = Scenario::default_scenario();
//! scenario.listeners = 1_500;
//! scenario.days = 28;
//! scenario.burn_in_weeks = 1;
//! scenario.replicates = 1;
//! scenario.policies = vec![
//!     PolicySpec::new("newest", Scorer::Custom(CustomScorer::new("newest", Newest)))
//!         .with_rule(Rule::Custom(CustomRule::new("no-christmas", NoChristmas))),
//! ];
//! let batch = run_batch(&scenario, &|| {});
//! let share = batch.summary_of("newest", "all", "recommendation_share").unwrap();
//! assert!(share.mean > 0.0, "listeners played some of the newest releases");
//! ```

use std::sync::Arc;

use super::facts::Segment;
use super::{Candidate, CustomRule, CustomScorer, DayFacts, SlateRequest};
use crate::ids::TrackId;
use crate::rng::SimRng;
use crate::world::World;

/// What a scorer or rule may read about the day besides the listener's request.
#[derive(Clone, Copy)]
pub struct SlateContext<'a> {
    /// The world (catalogue columns: artist, genre, origin, taste, release day…).
    pub world: &'a World,
    /// The day's observed facts: recent plays by region, new artists, head and long tail.
    pub facts: &'a DayFacts,
}

/// A slate scorer written in Rust (see the module docs for an example).
pub trait TrackScorer: Send + Sync {
    /// Appends about `n` candidates for the listener to `out`, each with its raw score
    /// (higher is better; any scale). Library tracks and repeats may be included: the
    /// pipeline drops them. Randomness must come from `rng` (keyed by listener and day),
    /// never from a thread-local generator, or results stop being reproducible.
    fn candidates(
        &self,
        ctx: &SlateContext,
        request: &SlateRequest,
        n: usize,
        rng: &mut SimRng,
        out: &mut Vec<Candidate>,
    );

    /// The raw score of any released track, on the scale of `candidates` (used for tracks
    /// a curation rule's pool adds).
    fn score(&self, ctx: &SlateContext, request: &SlateRequest, track: TrackId) -> f32;
}

/// A curation rule written in Rust (see the module docs for an example).
pub trait SlateRule: Send + Sync {
    /// Reorders (may rescore, drop or keep) `candidates`, whose scores are relevance in 0..1
    /// on entry (as earlier rules left them), so that the first `size` are the slate this
    /// rule wants.
    fn rerank(
        &self,
        ctx: &SlateContext,
        request: &SlateRequest,
        candidates: &mut Vec<Candidate>,
        size: usize,
    );

    /// Candidate pools the rule needs drawn into the list before any rule runs.
    fn sources(&self) -> &[Segment] {
        &[]
    }
}

impl CustomScorer {
    /// Wraps `scorer` under `name`.
    pub fn new(name: impl Into<String>, scorer: impl TrackScorer + 'static) -> Self {
        let scorer: Arc<dyn TrackScorer> = Arc::new(scorer);
        Self {
            name: name.into(),
            implementation: Arc::new(scorer),
        }
    }

    /// The scorer it wraps.
    pub(crate) fn scorer(&self) -> &Arc<dyn TrackScorer> {
        self.implementation
            .downcast_ref()
            .expect("invariant: a CustomScorer is only built by CustomScorer::new")
    }
}

impl CustomRule {
    /// Wraps `rule` under `name`.
    pub fn new(name: impl Into<String>, rule: impl SlateRule + 'static) -> Self {
        let rule: Arc<dyn SlateRule> = Arc::new(rule);
        Self {
            name: name.into(),
            implementation: Arc::new(rule),
        }
    }

    /// The rule it wraps.
    pub(crate) fn rule(&self) -> &Arc<dyn SlateRule> {
        self.implementation
            .downcast_ref()
            .expect("invariant: a CustomRule is only built by CustomRule::new")
    }
}
