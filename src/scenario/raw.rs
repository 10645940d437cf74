//! The raw layer: a faithful mirror of the scenario file.
//!
//! Nothing here is interpreted; names stay strings and optional keys stay optional.
//! Validation turns this into a [`super::Scenario`] once, with messages that name
//! the key path, so nothing downstream ever sees an unresolved value.

use serde::Deserialize;

use super::params::{CatalogueParams, ListeningParams, TasteParams, UtilityParams};

/// A scenario file as written.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawScenario {
    /// Scenario name; also the default results folder name.
    pub name: String,
    /// Plain-language description.
    #[serde(default)]
    pub description: String,
    /// Master seed.
    #[serde(default = "default_seed")]
    pub seed: u64,
    /// Simulated days.
    #[serde(default = "default_days")]
    pub days: i64,
    /// Independent worlds per policy.
    #[serde(default = "default_replicates")]
    pub replicates: i64,
    /// Number of listeners in the world.
    pub listeners: i64,
    /// Weeks left out of the run-level summary while libraries and charts fill up.
    #[serde(default = "default_burn_in_weeks")]
    pub burn_in_weeks: i64,
    /// Taste-space geometry.
    #[serde(default)]
    pub taste: TasteParams,
    /// Catalogue generation.
    #[serde(default)]
    pub catalogue: CatalogueParams,
    /// Listening behaviour.
    #[serde(default)]
    pub listening: ListeningParams,
    /// Utility weights.
    #[serde(default)]
    pub utility: UtilityParams,
    /// Regions (markets).
    #[serde(default)]
    pub regions: Vec<RawRegion>,
    /// Genres.
    #[serde(default)]
    pub genres: Vec<RawGenre>,
    /// Recommender policies compared on the same worlds.
    #[serde(default)]
    pub policies: Vec<RawPolicy>,
}

/// A `[[regions]]` entry as written.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawRegion {
    /// Short name, e.g. `UK`.
    pub name: String,
    /// Relative share of the listeners (normalised over regions).
    pub population_share: f64,
    /// Share of listeners with a premium (paid) account.
    pub premium_share: f64,
    /// Share of listeners whose home genre is one of the region's local genres.
    pub local_taste_share: f64,
    /// Relative share of global-genre artists who come from this region.
    #[serde(default)]
    pub artist_share: f64,
    /// Chart rule sets compiled for this region; the first is the headline chart.
    #[serde(default = "default_chart_rules")]
    pub chart_rules: Vec<String>,
}

/// A `[[genres]]` entry as written.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawGenre {
    /// Genre name.
    pub name: String,
    /// Region the genre is local to, or `"global"`.
    pub origin: String,
    /// Relative share of the catalogue's artists in this genre.
    #[serde(default = "default_catalogue_share")]
    pub catalogue_share: f64,
}

/// A `[[policies]]` entry as written.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawPolicy {
    /// Policy name, unique in the scenario.
    pub name: String,
    /// Scorer: `random`, `popularity` or `content`.
    pub scorer: String,
    /// For `popularity`: `global` or `regional`.
    pub scope: Option<String>,
    /// For `popularity`: days of plays counted.
    pub window_days: Option<i64>,
}

fn default_seed() -> u64 {
    42
}
fn default_days() -> i64 {
    364
}
fn default_replicates() -> i64 {
    5
}
fn default_burn_in_weeks() -> i64 {
    4
}
fn default_chart_rules() -> Vec<String> {
    vec!["raw".to_owned()]
}
fn default_catalogue_share() -> f64 {
    1.0
}
