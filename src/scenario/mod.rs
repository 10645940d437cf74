//! Scenarios: what a user declares about a world and the policies to compare in it.
//!
//! Two layers, built once: [`raw`] mirrors the TOML file; validation checks every value
//! and resolves names into a [`Scenario`], whose fields need no further checking. A
//! scenario comes from a file ([`Scenario::from_file`]), from a string
//! ([`Scenario::from_toml_str`]) or is the built-in default ([`Scenario::default_scenario`]).
//!
//! **Layer.** Plain data: the policy specifications ([`policy_spec`]), label tiers and the
//! limits the model is built for ([`limits`]) live here. It imports only the foundations
//! and the chart rules (plain data too), nothing of the model; every layer above reads it.

mod bots;
mod catalogue_file;
mod check;
mod events;
mod fandom;
pub mod limits;
mod named;
mod overrides;
mod params;
mod payouts;
mod policies;
pub mod policy_spec;
pub mod raw;
mod strict;
pub mod sweep;
mod validate;

use std::path::Path;

use serde::Serialize;

pub use bots::{BotFarm, MAX_BOT_FARMS};
pub use events::{Switch, TieIn};
pub use fandom::{Campaign, Fandom, FraudFilter, Mobilisation};
pub use named::{NamedArtist, NamedRelease};
pub use overrides::Override;
pub use params::{CatalogueParams, ListeningParams, Measures, TasteParams, UtilityParams};
pub use payouts::{MAX_PAYOUT_RULES, Payouts};

use crate::chart::RuleSet;
use crate::error::{Error, Result};
use crate::ids::RegionId;
use policy_spec::PolicySpec;

/// The built-in default scenario (also shipped as `scenarios/default.toml`).
pub const DEFAULT_SCENARIO_TOML: &str = include_str!("../../scenarios/default.toml");

/// A validated, fully resolved scenario.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Scenario {
    /// Scenario name (letters, digits, `-`, `_`); names the default results folder.
    pub name: String,
    /// Plain-language description.
    pub description: String,
    /// Master seed of the seed tree.
    pub seed: u64,
    /// Simulated days; day 0 is a Friday, the first day of chart week 0.
    pub days: u32,
    /// Independent worlds simulated under every policy.
    pub replicates: u32,
    /// Listeners in each world.
    pub listeners: u32,
    /// Weeks left out of run-level summaries (warm-up).
    pub burn_in_weeks: u32,
    /// Real accounts each simulated listener stands for (its population weight): reported
    /// streams and chart units are multiplied by it, per-account caps and shares are not.
    pub accounts_per_listener: u32,
    /// Taste-space geometry.
    pub taste: TasteParams,
    /// Catalogue generation.
    pub catalogue: CatalogueParams,
    /// Listening behaviour.
    pub listening: ListeningParams,
    /// Utility weights.
    pub utility: UtilityParams,
    /// Weekly measures computed (all by default).
    #[serde(skip_serializing_if = "Measures::all_on")]
    pub measures: Measures,
    /// Regions, indexed by [`RegionId`].
    pub regions: Vec<Region>,
    /// Genres, indexed by [`crate::ids::GenreId`].
    pub genres: Vec<Genre>,
    /// Policies; the first is the baseline of comparisons.
    pub policies: Vec<PolicySpec>,
    /// Named artists, after the generated ones in the catalogue.
    pub artists: Vec<NamedArtist>,
    /// Named tracks.
    pub releases: Vec<NamedRelease>,
    /// Fandoms.
    pub fandoms: Vec<Fandom>,
    /// The platform's fraud filter, if any.
    pub fraud_filter: Option<FraudFilter>,
    /// Bot farms streaming fraudsters' tracks.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub bot_farms: Vec<BotFarm>,
    /// Media tie-ins.
    pub tie_ins: Vec<TieIn>,
    /// Mid-run switches.
    pub switches: Vec<Switch>,
    /// With `Some(d)`, every replicate world runs the baseline policy up to day `d` once
    /// and every policy continues from that state: each policy's run is the baseline's
    /// until day `d` and its own from then on (a rule imposed on an existing market).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub branch_day: Option<i32>,
    /// Payout rules settled every month from the plays (none by default).
    #[serde(skip_serializing_if = "Payouts::is_off")]
    pub payouts: Payouts,
}

/// The first chart week in run-level summaries for a burn-in and a branch day (see
/// [`Scenario::summary_start_week`]).
pub fn summary_start_week(burn_in_weeks: u32, branch_day: Option<i32>) -> u32 {
    let branched = branch_day.map_or(0, |d| d.max(0).cast_unsigned().div_ceil(7));
    burn_in_weeks.max(branched)
}

/// A label tier (declared for named artists, drawn for generated ones), which decides
/// promotion budgets and the independent share of income.
///
/// The default (`Major`) only fills placeholder rows, such as the header of an empty table.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Label {
    /// One of the major labels.
    #[default]
    Major,
    /// An independent label or self-released.
    Independent,
    /// The streaming platform itself, acting as a label (its own catalogue: the seed is a
    /// video platform's film soundtrack in the music market).
    Platform,
}

/// A market with its own listeners, local genres and charts.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Region {
    /// Short name, e.g. `UK`.
    pub name: String,
    /// Share of all listeners, normalised so the regions sum to 1.
    pub population_share: f64,
    /// Share of listeners with a premium account, in [0, 1].
    pub premium_share: f64,
    /// Share of listeners whose home genre is local to this region, in [0, 1].
    pub local_taste_share: f64,
    /// Share of global-genre artists from this region, normalised over regions.
    pub artist_share: f64,
    /// Chart rule sets compiled from this region's plays; the first is the headline chart.
    pub chart_rules: Vec<RuleSet>,
    /// What a premium account pays a month (FACTS: about €4.8, Spotify Q4 2024).
    pub subscription_price: f64,
    /// Advertising revenue an ad-supported account brings a month (FACTS: about €0.43).
    pub ad_revenue_per_account: f64,
    /// Share of revenue paid to rights holders (FACTS: about two-thirds).
    pub rights_share: f64,
}

/// A genre: a cluster in taste space, local to one region or global.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Genre {
    /// Genre name.
    pub name: String,
    /// The region whose artists make it, or `None` for a global genre.
    pub origin: Option<RegionId>,
    /// Share of the catalogue's artists in this genre, normalised over genres.
    pub catalogue_share: f64,
    /// Factor on the choice occasions of listeners whose home genre this is (1: as
    /// everyone; 2: they stream twice as much). It scales `streams_per_day` for them, so
    /// the market's mean moves with it. Payout rules split money differently when some
    /// genres' listeners stream more (CNM 2021: under user-centric, genres of heavy
    /// listeners lose, genres of light listeners gain).
    #[serde(skip_serializing_if = "is_one")]
    pub listening_intensity: f64,
}

fn is_one(x: &f64) -> bool {
    *x == 1.0
}

/// The whole-number range the validator allows for `key` (array indices ignored), for
/// values too far out of range to be read at all (`slate_size = -1`).
fn documented_range(key: &str) -> Option<(i64, i64)> {
    static RANGES: std::sync::OnceLock<Vec<(String, i64, i64)>> = std::sync::OnceLock::new();
    let general = |k: &str| {
        let mut out = String::new();
        let mut in_index = false;
        for ch in k.chars() {
            match ch {
                '[' => in_index = true,
                ']' => in_index = false,
                _ if !in_index => out.push(ch),
                _ => {}
            }
        }
        out
    };
    let wanted = general(key);
    RANGES
        .get_or_init(validate::default_ranges)
        .iter()
        .find(|(k, _, _)| general(k) == wanted)
        .map(|&(_, lo, hi)| (lo, hi))
}

/// A scenario as the user gave it: the TOML text after `--set` overrides, and where it
/// came from. This is what a result's manifest records, so a run can be repeated from
/// the manifest alone.
#[derive(Clone, Debug, PartialEq)]
pub struct ScenarioText {
    /// The TOML document: the file as written when nothing was overridden, otherwise the
    /// edited document.
    pub text: String,
    /// The file (or `<built-in default>`), for messages.
    pub origin: String,
    /// Entries imported from a catalogue file, to name its rows in messages.
    imported: Option<catalogue_file::Imported>,
}

impl ScenarioText {
    /// Scenario text as given (a file's contents, or a manifest's `scenario_toml`).
    pub fn new(text: String, origin: String) -> Self {
        Self {
            text,
            origin,
            imported: None,
        }
    }

    /// Reads a scenario file (or the built-in default when `path` is `None`) and applies
    /// `--set` overrides in order.
    pub fn load(path: Option<&Path>, overrides: &[Override]) -> Result<Self> {
        let (text, origin) = match path {
            Some(path) => (
                std::fs::read_to_string(path).map_err(|source| Error::ReadScenario {
                    path: path.to_owned(),
                    source,
                })?,
                path.display().to_string(),
            ),
            None => (
                DEFAULT_SCENARIO_TOML.to_owned(),
                "<built-in default>".to_owned(),
            ),
        };
        let base = path
            .and_then(Path::parent)
            .filter(|p| !p.as_os_str().is_empty())
            .unwrap_or(Path::new("."));
        Self::new(text, origin).resolved(overrides, base)
    }

    /// The same scenario with `--set` overrides applied in order (a catalogue file it
    /// names is read relative to the current directory).
    pub fn with_overrides(self, overrides: &[Override]) -> Result<Self> {
        self.resolved(overrides, Path::new("."))
    }

    /// Applies `overrides`, then writes the rows of a `catalogue.from` file (relative to
    /// `base`) into the document. Text with neither stays exactly as written.
    fn resolved(self, overrides: &[Override], base: &Path) -> Result<Self> {
        let mut doc: toml::Table =
            self.text
                .parse()
                .map_err(|e: toml::de::Error| Error::ParseScenario {
                    origin: self.origin.clone(),
                    message: e.to_string().trim_end().to_owned(),
                })?;
        for o in overrides {
            o.apply(&mut doc, &self.origin)?;
        }
        let imports = doc.get("catalogue").and_then(|c| c.get("from")).is_some();
        if overrides.is_empty() && !imports {
            return Ok(self);
        }
        let imported = catalogue_file::expand(&mut doc, base, &self.origin)?.or(self.imported);
        Ok(Self {
            text: toml::to_string(&doc).expect("invariant: a TOML table serialises"),
            origin: self.origin,
            imported,
        })
    }

    /// Parses and validates the text; an error about an imported entry names the
    /// catalogue file's row and column.
    pub fn validate(&self) -> Result<Scenario> {
        Scenario::from_toml_str(&self.text, &self.origin).map_err(|e| match (e, &self.imported) {
            (
                Error::InvalidScenario {
                    origin,
                    key,
                    message,
                },
                Some(imported),
            ) => Error::InvalidScenario {
                origin,
                key: imported.locate(&key).unwrap_or(key),
                message,
            },
            (e, _) => e,
        })
    }
}

impl Scenario {
    /// The built-in default scenario.
    pub fn default_scenario() -> Self {
        Self::from_toml_str(DEFAULT_SCENARIO_TOML, "<built-in default>")
            .expect("invariant: the built-in default scenario is valid")
    }

    /// Reads and validates a scenario file (with the catalogue file it may import).
    pub fn from_file(path: &Path) -> Result<Self> {
        ScenarioText::load(Some(path), &[])?.validate()
    }

    /// Parses and validates scenario TOML; `origin` names the source in error messages.
    pub fn from_toml_str(text: &str, origin: &str) -> Result<Self> {
        // Syntax first (its errors carry the line), then the shape, key by key.
        let mut doc: toml::Table =
            text.parse()
                .map_err(|e: toml::de::Error| Error::ParseScenario {
                    origin: origin.to_owned(),
                    message: e.to_string().trim_end().to_owned(),
                })?;
        // A sweep's design is read by `chartsim sweep`; it is not part of the scenario.
        sweep::take_axes(&mut doc, origin)?;
        let raw: raw::RawScenario = strict::read(doc).map_err(|(key, message)| {
            let message = documented_range(&key)
                .filter(|_| message.contains("expected a whole number from 0"))
                .map_or(message.clone(), |(lo, hi)| {
                    let got = message.split('`').nth(1).unwrap_or("?");
                    format!("must be between {lo} and {hi}, got {got}")
                });
            if key == "." {
                Error::ParseScenario {
                    origin: origin.to_owned(),
                    message,
                }
            } else {
                Error::InvalidScenario {
                    origin: origin.to_owned(),
                    key,
                    message,
                }
            }
        })?;
        validate::validate(raw, origin)
    }

    /// Reads a scenario file (or the built-in default when `path` is `None`), applies
    /// `--set` overrides in order, then validates it as a file would be.
    pub fn load_with(path: Option<&Path>, overrides: &[Override]) -> Result<Self> {
        ScenarioText::load(path, overrides)?.validate()
    }

    /// The region names in scenario order, then `all`: the regions of every table's
    /// per-region rows.
    pub fn region_labels(&self) -> Vec<&str> {
        self.regions
            .iter()
            .map(|r| r.name.as_str())
            .chain(["all"])
            .collect()
    }

    /// Number of chart weeks simulated (complete weeks only).
    pub fn weeks(&self) -> u32 {
        self.days / 7
    }

    /// The first chart week in run-level summaries: after the burn-in and, with a
    /// `branch_day`, the first week wholly under each policy's own recommender (before
    /// it every policy's run is the baseline's, so differences there are zero by design).
    pub fn summary_start_week(&self) -> u32 {
        summary_start_week(self.burn_in_weeks, self.branch_day)
    }

    /// Total tracks in the catalogue over the run (back catalogue plus new releases).
    pub fn total_tracks(&self) -> u32 {
        self.catalogue.back_catalogue_tracks + self.catalogue.new_tracks_per_week * self.weeks()
    }

    /// Applies a command-line seed override.
    pub fn with_seed(mut self, seed: u64) -> Self {
        self.seed = seed;
        self
    }

    /// Applies a command-line replicate-count override (1..=10,000).
    pub fn with_replicates(mut self, replicates: u32) -> Result<Self> {
        if !(1..=validate::MAX_REPLICATES).contains(&replicates) {
            return Err(Error::InvalidOption {
                option: "--replicates".into(),
                message: format!(
                    "must be between 1 and {}, got {replicates}",
                    validate::MAX_REPLICATES
                ),
            });
        }
        self.replicates = replicates;
        Ok(self)
    }
}
