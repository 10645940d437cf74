//! Curation rules: re-rankers applied in order to a scorer's candidate list.
//!
//! Each rule reads the list best first and leaves it reordered (and, for a discount or a
//! boost, rescored) so that its first `size` candidates are the slate it wants; the
//! candidates it passed over stay behind, in order, for the next rule. Rules that need
//! tracks the scorer may not have proposed (a local quota, an exposure floor) ask for them
//! through candidate pools ([`Segment`]), drawn before any rule runs.

pub mod artist_cap;
pub mod calibrated;
pub mod fair_exposure;
pub mod local_quota;
pub mod mmr;
pub mod popularity_discount;
mod select;

use std::sync::Arc;

pub use artist_cap::ArtistCap;
pub use calibrated::Calibrated;
pub use fair_exposure::FairExposure;
pub use local_quota::LocalQuota;
pub use mmr::Mmr;
pub use popularity_discount::PopularityDiscount;

use super::candidate::RuleScratch;
use super::extend::{SlateContext, SlateRule};
use super::{Candidate, ExposureGroup, Rule, Segment, SlateRequest};

/// A policy's rule, ready to apply.
#[derive(Clone)]
pub(crate) enum RuleDay {
    LocalQuota(LocalQuota),
    Mmr(Mmr),
    Calibrated(Calibrated),
    FairExposure(FairExposure),
    PopularityDiscount(PopularityDiscount),
    ArtistCap(ArtistCap),
    Custom(Arc<dyn SlateRule>),
}

impl RuleDay {
    pub(crate) fn new(rule: &Rule) -> Self {
        match rule {
            Rule::LocalQuota {
                share,
                new_talent_share,
            } => Self::LocalQuota(LocalQuota {
                share: *share,
                new_talent_share: *new_talent_share,
            }),
            Rule::Mmr { lambda } => Self::Mmr(Mmr { lambda: *lambda }),
            Rule::Calibrated { lambda } => Self::Calibrated(Calibrated { lambda: *lambda }),
            Rule::FairExposure {
                group,
                min_share,
                boost,
                max_share,
            } => Self::FairExposure(FairExposure {
                group: *group,
                min_share: *min_share,
                boost: *boost,
                max_share: *max_share,
            }),
            Rule::SelfPreferencing { boost, share } => Self::FairExposure(FairExposure {
                group: ExposureGroup::Platform,
                min_share: *share,
                boost: *boost,
                max_share: 1.0,
            }),
            Rule::PopularityDiscount { alpha } => {
                Self::PopularityDiscount(PopularityDiscount { alpha: *alpha })
            }
            Rule::ArtistCap { max } => Self::ArtistCap(ArtistCap { max: *max }),
            Rule::Custom(custom) => Self::Custom(Arc::clone(custom.rule())),
        }
    }

    /// Candidate pools the rule draws from.
    pub(crate) fn sources(&self) -> Vec<Segment> {
        match self {
            Self::LocalQuota(q) if q.new_talent_share > 0.0 => {
                vec![Segment::Local, Segment::LocalNewTalent]
            }
            Self::LocalQuota(_) => vec![Segment::Local],
            Self::FairExposure(f) => vec![match f.group {
                ExposureGroup::Independent => Segment::Independent,
                ExposureGroup::LongTail => Segment::LongTail,
                ExposureGroup::Platform => Segment::Platform,
            }],
            Self::Custom(rule) => rule.sources().to_vec(),
            _ => Vec::new(),
        }
    }

    pub(crate) fn apply(
        &self,
        ctx: &SlateContext,
        request: &SlateRequest,
        list: &mut Vec<Candidate>,
        size: usize,
        scratch: &mut RuleScratch,
    ) {
        match self {
            Self::LocalQuota(r) => r.apply(ctx, request, list, size, scratch),
            Self::Mmr(r) => r.apply(ctx, request, list, size, scratch),
            Self::Calibrated(r) => r.apply(ctx, request, list, size, scratch),
            Self::FairExposure(r) => r.apply(ctx, request, list, size, scratch),
            Self::PopularityDiscount(r) => r.apply(ctx, request, list, scratch),
            Self::ArtistCap(r) => r.apply(ctx, request, list, size, scratch),
            Self::Custom(r) => r.rerank(ctx, request, list, size),
        }
    }
}

/// Hand-built worlds for the rules' tests: a generated world whose first tracks are
/// overwritten with chosen attributes.
#[cfg(test)]
pub(crate) mod testkit {
    use crate::ids::{ArtistId, GenreId, RegionId, TrackId};
    use crate::policy::extend::SlateContext;
    use crate::policy::{Candidate, DayContext, DayFacts, LibraryView, SlateRequest};
    use crate::scenario::Scenario;
    use crate::world::{Label, Taste, World};

    /// A test track's attributes.
    #[derive(Clone, Copy, Debug, Default)]
    pub struct T {
        pub origin: u8,
        /// Artist index; 0 means "its own artist" (one per track).
        pub artist: u32,
        pub genre: u16,
        pub taste: Taste,
        pub independent: bool,
        pub new_artist: bool,
        /// Streams in region 0 over the last 7 days (region 0 has 1,000 listeners, so this
        /// is also the popularity per 1,000).
        pub recent: u32,
    }

    pub struct Kit {
        pub world: World,
        pub facts: DayFacts,
        pub library: Vec<u32>,
        pub familiarity: Vec<f32>,
        profile: Taste,
        n: usize,
    }

    pub const DAY: i32 = 400;

    impl Kit {
        pub fn new(tracks: &[T]) -> Self {
            let mut scenario = Scenario::default_scenario();
            scenario.listeners = 30;
            let mut world = World::generate(&scenario, crate::rng::SeedKey::root(9));
            let n_artists = world.catalogue.artists.label.len();
            let all = world.catalogue.len();
            assert!(tracks.len() * 2 < n_artists, "test worlds are small");
            let spare = ArtistId(n_artists as u32 - 1);
            let c = &mut world.catalogue;
            for t in 0..all {
                c.tracks.artist[t] = spare;
                c.tracks.release_day[t] = -1_000;
            }
            for (t, x) in tracks.iter().enumerate() {
                let artist = if x.artist == 0 {
                    t as u32 + 1_000
                } else {
                    x.artist
                };
                let artist = ArtistId(artist % (n_artists as u32 - 1));
                c.tracks.artist[t] = artist;
                c.tracks.origin[t] = RegionId(x.origin);
                c.tracks.genre[t] = GenreId(x.genre);
                c.tracks.taste[t] = x.taste;
                c.tracks.release_day[t] = if x.new_artist { DAY - 30 } else { -1_000 };
                c.artists.label[artist.index()] = if x.independent {
                    Label::Independent
                } else {
                    Label::Major
                };
            }
            world.listeners_by_region = vec![1_000; world.listeners_by_region.len()];
            let n_regions = world.listeners_by_region.len();
            let mut recent = vec![0u32; n_regions * all];
            for (t, x) in tracks.iter().enumerate() {
                recent[t] = x.recent;
            }
            let mut facts = DayFacts::default();
            let window = vec![0u32; n_regions * all];
            facts.prepare(
                &DayContext {
                    day: DAY,
                    released: tracks.len(),
                    window_streams: &window,
                    recent_streams: &recent,
                    n_tracks: all,
                    n_regions,
                    world: &world,
                    slate_size: 10,
                    library_size: 10,
                    listeners: &[],
                    terms: &[],
                    taste_weight: 1.0,
                },
                &[],
            );
            Self {
                world,
                facts,
                library: Vec::new(),
                familiarity: Vec::new(),
                profile: [0.0; 4],
                n: tracks.len(),
            }
        }

        pub fn ctx(&self) -> SlateContext<'_> {
            SlateContext {
                world: &self.world,
                facts: &self.facts,
            }
        }

        pub fn request(&self, region: u8) -> SlateRequest<'_> {
            SlateRequest {
                listener: crate::ids::ListenerId(0),
                region: RegionId(region),
                profile: &self.profile,
                library: LibraryView::new(&self.library),
                history: &self.library,
                familiarity: &self.familiarity,
            }
        }

        /// Candidates 0..n best first, with relevance (n − 1 − t)/(n − 1).
        pub fn ranked(&self, n: usize) -> Vec<Candidate> {
            assert!(n <= self.n);
            let mut list: Vec<Candidate> = (0..n)
                .map(|t| Candidate::new(TrackId(t as u32), (n - 1 - t) as f32))
                .collect();
            crate::policy::candidate::rank_relevance(&mut list);
            list
        }

        pub fn ids(&self, list: &[Candidate]) -> Vec<u32> {
            list.iter().map(|c| c.track.0).collect()
        }

        pub fn tastes(&self, list: &[Candidate]) -> Vec<Taste> {
            list.iter()
                .map(|c| self.world.catalogue.tracks.taste[c.track.index()])
                .collect()
        }
    }
}
