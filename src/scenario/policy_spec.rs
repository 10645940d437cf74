//! What a policy *is*, as a scenario declares it (no runtime state): a scorer, optionally
//! wrapped in paid promotion, and a list of curation rules applied in order.
//!
//! This is plain data of the scenario layer. A scorer or rule written in Rust is held
//! here as an opaque object: the traits it implements belong to the policy layer above
//! (`crate::policy::extend`), which builds and reads these entries.

use std::fmt;
use std::sync::Arc;

use std::any::Any;

use serde::{Serialize, Serializer};

/// Which plays a popularity recommender counts.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum PopularityScope {
    /// Plays in all regions.
    Global,
    /// Plays in the listener's own region.
    Regional,
    /// Growth of plays in the listener's region: the last window against the one before.
    Trending,
}

/// When a learned scorer refits its model to the plays observed so far.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Retrain {
    /// Every day, before the day's slates.
    Daily,
    /// On the first day of every chart week (days 0, 7, 14, …).
    Weekly,
    /// Once, on the first day the policy recommends (day 0: from the libraries listeners
    /// start with, before any recommendation), and never again: no feedback loop (Chaney
    /// et al. 2018's "single training").
    Once,
}

/// How item-item co-occurrence counts become similarities.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Similarity {
    /// Raw co-occurrence: listeners who hold both tracks ("people who played this also
    /// played"), the sales-based recommender of Fleder & Hosanagar (2009); favours hits.
    Cooccurrence,
    /// Co-occurrence over √(holders of i × holders of j): cosine similarity of the two
    /// tracks' listener sets, which discounts popular tracks.
    Cosine,
}

/// What a collaborative scorer learns from the listeners' libraries.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
#[serde(tag = "model", rename_all = "snake_case")]
pub enum CollaborativeModel {
    /// Item-item neighbours from co-occurrence counts (`policy::scorers::collaborative`).
    ItemItem {
        /// Co-occurrence counts or cosine similarity.
        similarity: Similarity,
    },
    /// Implicit-feedback matrix factorisation by alternating least squares
    /// (`policy::scorers::factorisation`).
    Factorisation(Factorisation),
}

/// Settings of the implicit matrix factorisation (Hu, Koren & Volinsky 2008).
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct Factorisation {
    /// Latent factors per listener and per track (2..=64).
    pub factors: u32,
    /// Ridge penalty λ on every factor vector (0.001..=1000).
    pub regularisation: f64,
    /// Confidence α: a held track weighs 1 + α in the loss, every other track 1 (0..=1000).
    pub confidence: f64,
    /// Alternating sweeps per retrain, warm-started from the previous fit (1..=20); the
    /// first fit of a run takes at least `factorisation::INITIAL_SWEEPS`.
    pub sweeps: u32,
}

/// Which tracks an exposure-fairness rule protects.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ExposureGroup {
    /// Tracks by artists on independent labels.
    Independent,
    /// Tracks outside the head: below the top 10% of released tracks by the listener's
    /// region's streams over the last 7 days.
    LongTail,
    /// Tracks the streaming platform owns (label `platform`).
    Platform,
}

/// How a recommender ranks tracks for a listener's slate.
///
/// A closed set, matched in the hot loop; each variant's module documents its formula and
/// source. [`Scorer::Custom`] is the open door for scorers written in Rust.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(tag = "scorer", rename_all = "snake_case")]
pub enum Scorer {
    /// No recommendation: an empty slate every day. Listeners still play from their
    /// library, the chart and new releases; run beside the others on the same worlds, it
    /// makes "recommendation against none" a paired difference.
    None,
    /// Uniform over the released catalogue: MusicLab's independent condition.
    Random,
    /// Most-streamed tracks over the last `window_days`, globally or in the listener's
    /// region, or fastest-growing in the region (`trending`); skips library tracks.
    Popularity {
        /// Global, regional or trending.
        scope: PopularityScope,
        /// Days of plays counted (1..=28; 1..=14 for trending, which compares two windows).
        window_days: u32,
        /// Slots at the end of the slate filled uniformly at random from the rest of the
        /// released catalogue (a "top k plus random" slate); 0 by default.
        #[serde(skip_serializing_if = "is_zero")]
        random_slots: u32,
    },
    /// Tracks closest to the listener's profile, a moving average of the styles they
    /// played (content-based filtering).
    Content,
    /// An oracle benchmark, not a platform's algorithm: the tracks each listener would
    /// value most today, from their true taste and the day's utility terms (Chaney et al.
    /// 2018's "ideal" recommender).
    Ideal,
    /// Collaborative filtering learned from simulated libraries: item-item neighbours or
    /// implicit matrix factorisation.
    Collaborative {
        /// When the model is refitted.
        retrain: Retrain,
        /// Item-item co-occurrence or matrix factorisation, with its settings.
        #[serde(flatten)]
        model: CollaborativeModel,
        /// Neighbours kept per track (1..=100): the candidate sources of a slate.
        neighbours: u32,
    },
    /// A regional editor's playlist, refreshed weekly, sampled into each slate.
    Editorial {
        /// Tracks on each region's playlist (10..=500).
        playlist_length: u32,
        /// Share of the playlist reserved for local artists, 0..1.
        local_share: f64,
        /// Share of the playlist reserved for new artists, 0..1.
        new_artist_share: f64,
    },
    /// A share of each slate sold to recently released tracks with a promotion budget,
    /// mixed into another scorer's slate.
    PaidPromotion {
        /// The scorer that fills the organic slots (never itself paid promotion).
        base: Box<Scorer>,
        /// Share of slate slots sold, 0..1 (rounded to whole slots).
        share: f64,
        /// Promotion budget of a major-label track relative to an independent one (≥ 1).
        major_weight: f64,
    },
    /// A scorer written in Rust (see [`TrackScorer`](crate::policy::TrackScorer)).
    #[serde(untagged)]
    Custom(CustomScorer),
}

impl Scorer {
    /// Scorer names accepted in scenario files.
    pub const NAMES: &'static [&'static str] = &[
        "none",
        "random",
        "popularity",
        "content",
        "collaborative",
        "editorial",
        "paid_promotion",
        "ideal",
    ];
}

/// A curation rule (re-ranker) with its knob. Rules apply in the order listed, each to the
/// candidate list the previous one left, so a later rule may undo an earlier one's work
/// (as when a platform layers rules); see `policy::curation` for the formulas.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(tag = "rule", rename_all = "snake_case")]
pub enum Rule {
    /// At least `share` of each slate local to the listener's region, of which at least
    /// `new_talent_share` by new artists (France's radio quota: 0.4 and 0.5).
    LocalQuota {
        /// Minimum share of local tracks, 0..1.
        share: f64,
        /// Minimum share of the local slots from new artists, 0..1.
        new_talent_share: f64,
    },
    /// Maximal marginal relevance (Carbonell & Goldstein 1998).
    Mmr {
        /// Weight on relevance against novelty with respect to the slate so far, 0..1.
        lambda: f64,
    },
    /// Calibrated recommendations (Steck 2018): the slate's genre mix near the listener's.
    Calibrated {
        /// Weight on calibration against relevance, 0..1.
        lambda: f64,
    },
    /// An exposure floor and/or a capped boost for a group of tracks.
    FairExposure {
        /// Independent-label or long-tail tracks.
        group: ExposureGroup,
        /// Minimum share of each slate from the group, 0..1.
        min_share: f64,
        /// Added to a group track's relevance (relevance is scaled to 0..1), 0..1.
        boost: f64,
        /// Most of each slate the group may take through the boost, 0..1.
        max_share: f64,
    },
    /// The platform favours its own catalogue: a relevance boost for platform-owned
    /// tracks and/or a share of every slate reserved for them (a `fair_exposure` for the
    /// platform's label, named for what it is).
    SelfPreferencing {
        /// Added to a platform track's relevance (relevance is scaled to 0..1), 0..1.
        boost: f64,
        /// Share of each slate given to platform tracks whenever enough exist, 0..1.
        share: f64,
    },
    /// Relevance divided by (1 + popularity)^alpha (Fleder & Hosanagar 2009).
    PopularityDiscount {
        /// Discount exponent, 0..=4.
        alpha: f64,
    },
    /// At most `max` tracks per lead artist in a slate.
    ArtistCap {
        /// Tracks per artist, ≥ 1.
        max: u32,
    },
    /// A rule written in Rust (see [`SlateRule`](crate::policy::SlateRule)).
    #[serde(untagged)]
    Custom(CustomRule),
}

impl Rule {
    /// Rule names accepted in scenario files.
    pub const NAMES: &'static [&'static str] = &[
        "local_quota",
        "mmr",
        "calibrated",
        "fair_exposure",
        "self_preferencing",
        "popularity_discount",
        "artist_cap",
    ];
}

/// A named recommender policy from the scenario.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct PolicySpec {
    /// Name used in tables and file rows.
    pub name: String,
    /// The slate scorer.
    #[serde(flatten)]
    pub scorer: Scorer,
    /// Curation rules applied in order to the scorer's candidates (empty: none).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub curation: Vec<Rule>,
}

impl PolicySpec {
    /// A policy with no curation rules.
    pub fn new(name: impl Into<String>, scorer: Scorer) -> Self {
        Self {
            name: name.into(),
            scorer,
            curation: Vec::new(),
        }
    }

    /// The same policy with `rule` appended to its curation rules.
    pub fn with_rule(mut self, rule: Rule) -> Self {
        self.curation.push(rule);
        self
    }
}

/// A scorer implemented in Rust, with the name it goes by in manifests; built by
/// `CustomScorer::new` in the policy layer.
#[derive(Clone)]
pub struct CustomScorer {
    pub(crate) name: String,
    /// The `Arc<dyn TrackScorer>` behind it, opaque at this layer.
    pub(crate) implementation: Arc<dyn Any + Send + Sync>,
}

/// A curation rule implemented in Rust, with the name it goes by in manifests; built by
/// `CustomRule::new` in the policy layer.
#[derive(Clone)]
pub struct CustomRule {
    pub(crate) name: String,
    /// The `Arc<dyn SlateRule>` behind it, opaque at this layer.
    pub(crate) implementation: Arc<dyn Any + Send + Sync>,
}

macro_rules! custom_impls {
    ($ty:ident, $field:ident, $tag:literal) => {
        impl fmt::Debug for $ty {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.debug_struct(stringify!($ty))
                    .field("name", &self.name)
                    .finish_non_exhaustive()
            }
        }

        /// Two custom entries are equal when they share the same implementation object.
        impl PartialEq for $ty {
            fn eq(&self, other: &Self) -> bool {
                self.name == other.name && Arc::ptr_eq(&self.$field, &other.$field)
            }
        }

        /// Serialised as `{"<tag>": "custom", "name": …}` (the code itself cannot be).
        impl Serialize for $ty {
            fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                use serde::ser::SerializeStruct;
                let mut st = s.serialize_struct(stringify!($ty), 2)?;
                st.serialize_field($tag, "custom")?;
                st.serialize_field("name", &self.name)?;
                st.end()
            }
        }
    };
}

custom_impls!(CustomScorer, implementation, "scorer");
custom_impls!(CustomRule, implementation, "rule");

/// Serde helper: leave a zero count out of the written scenario (it is the default).
fn is_zero(n: &u32) -> bool {
    *n == 0
}
