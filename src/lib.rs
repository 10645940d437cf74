//! chartsim: a parallel agent-based simulator of what recommender policies, listening
//! habits and chart rules do to chart concentration and local-genre diversity.
//!
//! Listeners in several regions choose, day by day, from their own library, a
//! recommender's slate, the published chart and new releases (a multinomial logit with
//! an outside option). The plays are compiled into official-style weekly charts under
//! data-driven rule sets, and each week is measured: concentration (HHI, Gini, top-k
//! shares), local-genre diversity, chart runs. Every policy runs on the same replicate
//! worlds (common random numbers), so policy differences come with paired confidence
//! intervals. `docs/MODEL.md` and `docs/METRICS.md` give the model and every metric.
//!
//! # Library use
//!
//! The CLI is a thin layer over this crate; a researcher can do the same from Rust:
//!
//! ```
//! use chartsim::{Scenario, run_batch};
//!
//! // The built-in default scenario, shrunk so this example runs in a second.
//! let mut scenario = Scenario::default_scenario();
//! scenario.listeners = 2_000;
//! scenario.days = 56;
//! scenario.burn_in_weeks = 2;
//! scenario.replicates = 2;
//!
//! let batch = run_batch(&scenario, &|| {}); // the closure is called after every week
//! let popular = batch.summary_of("popularity", "UK", "top10_share").unwrap();
//! let random = batch.summary_of("random", "UK", "top10_share").unwrap();
//! println!(
//!     "top-10 share of UK streams: popularity {:.3} [{:.3}, {:.3}], random {:.3}",
//!     popular.mean, popular.ci_low, popular.ci_high, random.mean
//! );
//! assert_eq!(popular.n, 2);
//! // Weekly rows, as written to metrics.csv:
//! let first = &batch.runs[0].weeks[0];
//! assert_eq!((first.region.as_str(), first.week), ("UK", 0));
//! ```
//!
//! Scenarios also load from TOML: [`Scenario::from_file`] and [`Scenario::from_toml_str`]
//! validate everything up front and report the file, key and allowed range of any error.
//!
//! # Crate map
//!
//! Layers, from the bottom up; a module imports only from its own layer or below
//! (`tests/layers.rs` checks it):
//!
//! 1. [`error`], [`ids`], [`rng`] (the seed tree that makes results thread-independent);
//! 2. [`chart`]: rule sets as plain data and weekly compilation, pure functions of plays;
//!    [`payout`]: payout rules as data and a month's settlement, pure functions of plays;
//! 3. [`scenario`]: file → validated scenario, including policy specifications
//!    ([`scenario::policy_spec`]), label tiers and limits; nothing of the model;
//! 4. [`world`]: a replicate's generated catalogue, listeners and fans;
//! 5. [`metrics`]: pure measures;
//! 6. [`policy`]: recommenders, reading the world and [`policy::listener`]'s view of a
//!    listener's state;
//! 7. [`step`]: one simulated day, the hot loop, driving the policy;
//! 8. [`run`] (one policy on one world), then [`batch`] (replicates × policies,
//!    summaries);
//! 9. [`plot`], [`report`], [`output`] (result directory): exporters that read results.

pub mod batch;
pub mod chart;
pub mod error;
pub mod ids;
pub mod metrics;
pub mod output;
pub mod payout;
pub mod plot;
pub mod policy;
pub mod report;
pub mod rng;
pub mod run;
pub mod scenario;
pub mod step;
pub mod sweep;
pub mod world;

pub use batch::{BatchOutput, SummaryRow, run_batch};

/// Compiles the README's Rust example, so it cannot drift from the API.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
pub struct ReadmeDoctests;
pub use error::{Error, Result};
pub use scenario::Scenario;
