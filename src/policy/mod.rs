//! Recommender policies: how the slate a listener sees each day is chosen.
//!
//! A policy is a [`Scorer`] (declared in a scenario as a [`PolicySpec`]). At the start of
//! each day the runtime ([`Recommender`]) precomputes what every slate on that day shares
//! (popularity rankings, released ranges per genre); filling one listener's slate then
//! costs a fixed amount, independent of the catalogue's size.
//!
//! Recommenders see only *observed plays* (stream counts, the listener's library and the
//! running style profile of what they played), never the listener's true taste point or
//! a track's latent appeal: that separation is what lets feedback loops form.
//!
//! Every scorer leaves out tracks already in the listener's library (they reach the
//! listener through the library channel), so a track enters a listener's choice set once.

mod content;
mod popularity;
mod random;
mod spec;

pub use spec::{PolicySpec, PopularityScope, Scorer};

use crate::ids::{RegionId, TrackId};
use crate::rng::SimRng;
use crate::world::{Taste, World};

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
    /// The listener's region.
    pub region: RegionId,
    /// The listener's style profile: moving average (weight 0.05 per stream) of the taste positions of the tracks they
    /// played (observed behaviour, not their true taste).
    pub profile: &'a Taste,
    /// Tracks in the listener's library (excluded from the slate).
    pub library: LibraryView<'a>,
}

/// The day-level state of a policy, shared by all of that day's slates.
#[derive(Clone, Debug)]
pub enum Recommender {
    /// See [`Scorer::Random`].
    Random(random::RandomDay),
    /// See [`Scorer::Popularity`].
    Popularity(popularity::PopularityDay),
    /// See [`Scorer::Content`].
    Content(content::ContentDay),
}

/// Inputs to a recommender's daily preparation: observed plays and the released catalogue.
pub struct DayContext<'a> {
    /// The day being simulated.
    pub day: i32,
    /// Tracks `0..released` are out.
    pub released: usize,
    /// For each region, each track's streams over the scorer's window (flat, region-major).
    pub window_streams: &'a [u32],
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
}

impl Recommender {
    /// A recommender for `spec` with empty day state.
    pub fn new(spec: &PolicySpec) -> Self {
        match spec.scorer {
            Scorer::Random => Self::Random(random::RandomDay::default()),
            Scorer::Popularity { scope, .. } => {
                Self::Popularity(popularity::PopularityDay::new(scope))
            }
            Scorer::Content => Self::Content(content::ContentDay::default()),
        }
    }

    /// Days of plays the scorer's popularity window covers (0 if it uses none).
    pub fn window_days(spec: &PolicySpec) -> u32 {
        match spec.scorer {
            Scorer::Popularity { window_days, .. } => window_days,
            Scorer::Random | Scorer::Content => 0,
        }
    }

    /// Whether filling a slate draws random numbers.
    pub fn is_random(&self) -> bool {
        matches!(self, Self::Random(_) | Self::Content(_))
    }

    /// Precomputes the day's shared state.
    pub fn prepare_day(&mut self, ctx: &DayContext) {
        match self {
            Self::Random(day) => day.prepare(ctx),
            Self::Popularity(day) => day.prepare(ctx),
            Self::Content(day) => day.prepare(ctx),
        }
    }

    /// Fills `slate` (cleared first) with at most `size` tracks for one listener, best first.
    #[inline]
    pub fn fill_slate(
        &self,
        world: &World,
        request: &SlateRequest,
        size: usize,
        rng: &mut SimRng,
        slate: &mut Vec<TrackId>,
    ) {
        slate.clear();
        if size == 0 {
            return;
        }
        match self {
            Self::Random(day) => day.fill(request, size, rng, slate),
            Self::Popularity(day) => day.fill(request, size, slate),
            Self::Content(day) => day.fill(world, request, size, rng, slate),
        }
    }
}

/// Whether `track` may join a slate: not in the library and not already chosen.
#[inline]
pub(crate) fn admissible(track: u32, request: &SlateRequest, slate: &[TrackId]) -> bool {
    !request.library.contains(track) && !slate.iter().any(|t| t.0 == track)
}
