//! The raw layer: a faithful mirror of the scenario file.
//!
//! Nothing here is interpreted; names stay strings and optional keys stay optional.
//! Validation turns this into a [`super::Scenario`] once, with messages that name
//! the key path, so nothing downstream ever sees an unresolved value.

use serde::Deserialize;

pub use super::events::{RawSwitch, RawTieIn};
pub use super::fandom::{RawCampaign, RawFandom, RawFraudFilter, RawMobilisation};
pub use super::named::{RawArtist, RawRelease};
use super::params::{CatalogueParams, ListeningParams, Measures, TasteParams, UtilityParams};
pub use super::payouts::{RawPayoutRules, RawPayouts};
pub use super::policies::RawPolicy;
use crate::chart::RecurrentThreshold;

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
    /// Real accounts each simulated listener stands for.
    #[serde(default = "default_accounts_per_listener")]
    pub accounts_per_listener: i64,
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
    /// Weekly measures computed.
    #[serde(default)]
    pub measures: Measures,
    /// Regions (markets).
    #[serde(default)]
    pub regions: Vec<RawRegion>,
    /// Genres.
    #[serde(default)]
    pub genres: Vec<RawGenre>,
    /// Recommender policies compared on the same worlds.
    #[serde(default)]
    pub policies: Vec<RawPolicy>,
    /// Chart rule sets defined by the scenario (`[[chart_rules]]`), usable by name in
    /// `regions[].chart_rules` beside the built-ins.
    #[serde(default)]
    pub chart_rules: Vec<RawRuleSet>,
    /// Named artists (`[[artists]]`).
    #[serde(default)]
    pub artists: Vec<RawArtist>,
    /// Named tracks released on given days (`[[releases]]`).
    #[serde(default)]
    pub releases: Vec<RawRelease>,
    /// Fandoms and their organised replay (`[[fandoms]]`).
    #[serde(default)]
    pub fandoms: Vec<RawFandom>,
    /// The platform's fraud filter (`[fraud_filter]`); off when absent.
    pub fraud_filter: Option<RawFraudFilter>,
    /// Bot farms (`[[bot_farms]]`).
    #[serde(default)]
    pub bot_farms: Vec<super::bots::RawBotFarm>,
    /// Media tie-ins (`[[tie_ins]]`).
    #[serde(default)]
    pub tie_ins: Vec<RawTieIn>,
    /// Mid-run switches of policy or chart rules (`[[switches]]`).
    #[serde(default)]
    pub switches: Vec<RawSwitch>,
    /// Day on which every policy branches from a shared warm-up under the baseline.
    pub branch_day: Option<i64>,
    /// Payout rules settled from the plays (`[payouts]`).
    #[serde(default)]
    pub payouts: RawPayouts,
    /// Payout rule sets defined by the scenario (`[[payout_rules]]`).
    #[serde(default)]
    pub payout_rules: Vec<RawPayoutRules>,
}

/// A value, or the word `"none"` to switch an optional rule off (TOML has no null).
#[derive(Debug, Deserialize)]
#[serde(untagged)]
pub enum OrNone<T> {
    /// A value.
    Value(T),
    /// A word; only `"none"` is valid.
    Word(String),
}

/// A `[[chart_rules]]` entry as written: a name, an optional built-in (or earlier
/// scenario) rule set to start from, and any [`crate::chart::RuleSet`] field to override.
/// Without `base`, `premium_streams_per_unit` and `ad_streams_per_unit` are required and
/// the optional rules default to off (`chart_size` to 100).
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawRuleSet {
    /// Rule-set name, unique, not a built-in name.
    pub name: String,
    /// Rule set to start from (a built-in or an earlier `[[chart_rules]]` entry).
    pub base: Option<String>,
    /// Premium streams per chart unit.
    pub premium_streams_per_unit: Option<f64>,
    /// Ad-supported streams per chart unit.
    pub ad_streams_per_unit: Option<f64>,
    /// Per-user daily cap, or `"none"`.
    pub per_user_daily_cap: Option<OrNone<i64>>,
    /// Accelerated chart ratio (a table, merged over the base's ACR), or `"none"`.
    pub acr: Option<OrNone<RawAcr>>,
    /// Most tracks per lead artist, or `"none"`.
    pub max_tracks_per_artist: Option<OrNone<i64>>,
    /// Chart positions.
    pub chart_size: Option<i64>,
    /// Recurrent thresholds (a list of `{ min_weeks_on_chart, below_rank }`), or `"none"`.
    pub recurrent: Option<OrNone<Vec<RecurrentThreshold>>>,
    /// Whether holiday songs are exempt from the recurrent rule (default `true`).
    pub recurrent_holiday_exempt: Option<bool>,
}

/// An `acr` table of a `[[chart_rules]]` entry: fields not given come from the base rule
/// set's ACR (all numeric fields are required when the base has none).
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawAcr {
    /// Premium streams per unit on ACR.
    pub premium_streams_per_unit: Option<f64>,
    /// Ad-supported streams per unit on ACR.
    pub ad_streams_per_unit: Option<f64>,
    /// Weeks on chart before ACR may apply.
    pub min_weeks_on_chart: Option<i64>,
    /// Weeks of relative decline that put a track on ACR.
    pub decline_weeks: Option<i64>,
    /// Growth gap over the market that takes a track off ACR.
    pub reset_growth_points: Option<f64>,
    /// December ACR decisions reset in the first chart week of January (default `false`
    /// without a base ACR).
    pub january_reset: Option<bool>,
    /// Tracks older than this many days stay on ACR, or `"none"` (default: the base's,
    /// none without a base ACR).
    pub old_track_days: Option<OrNone<i64>>,
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
    /// What a premium account pays a month.
    #[serde(default = "default_subscription_price")]
    pub subscription_price: f64,
    /// Advertising revenue an ad-supported account brings a month.
    #[serde(default = "default_ad_revenue")]
    pub ad_revenue_per_account: f64,
    /// Share of revenue paid to rights holders.
    #[serde(default = "default_rights_share")]
    pub rights_share: f64,
}

fn default_subscription_price() -> f64 {
    4.8
}
fn default_ad_revenue() -> f64 {
    0.43
}
fn default_rights_share() -> f64 {
    0.67
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
    /// How much the genre's listeners stream, relative to everyone's mean.
    #[serde(default = "default_listening_intensity")]
    pub listening_intensity: f64,
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
fn default_accounts_per_listener() -> i64 {
    1
}
fn default_chart_rules() -> Vec<String> {
    vec!["raw".to_owned()]
}
fn default_catalogue_share() -> f64 {
    1.0
}
fn default_listening_intensity() -> f64 {
    1.0
}
