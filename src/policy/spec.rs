//! What a policy *is*, as a scenario declares it (no runtime state).

use serde::Serialize;

/// Which plays a popularity recommender counts.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum PopularityScope {
    /// Plays in all regions.
    Global,
    /// Plays in the listener's own region.
    Regional,
}

/// How a recommender ranks tracks for a listener's slate.
///
/// A closed set, matched in the hot loop; see the `policy` module docs for formulas.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(tag = "scorer", rename_all = "lowercase")]
pub enum Scorer {
    /// Uniform over the released catalogue: MusicLab's independent condition.
    Random,
    /// Most-streamed tracks over the last `window_days`, globally or in the listener's
    /// region, skipping tracks already in the listener's library.
    Popularity {
        /// Global or regional plays.
        scope: PopularityScope,
        /// Days of plays counted (1..=28).
        window_days: u32,
    },
    /// Tracks closest to the listener's profile, a moving average of the styles they
    /// played (content-based filtering).
    Content,
}

impl Scorer {
    /// Scorer names accepted in scenario files.
    pub const NAMES: &'static [&'static str] = &["random", "popularity", "content"];
}

/// A named recommender policy from the scenario.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct PolicySpec {
    /// Name used in tables and file rows.
    pub name: String,
    /// The slate scorer.
    #[serde(flatten)]
    pub scorer: Scorer,
}
