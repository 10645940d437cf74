//! Weekly singles charts, compiled from streams under data-driven rule sets.
//!
//! A chart is not a neutral measure of listening: the same plays give different charts
//! depending on how many streams make a "sale", how many plays per listener count, whether
//! old hits are converted at a harsher ratio, and how many tracks one artist may hold.
//! chartsim's question is how much those rules (together with recommender policies and
//! fandoms) shape chart concentration, so the rules are plain data ([`RuleSet`]) rather
//! than code paths per country. One simulated world's plays can then be compiled under
//! several rule sets side by side — the UK's, Melon's, a raw count, or a scenario's own —
//! giving counterfactual charts of exactly the same listening.
//!
//! * [`rules`]: [`RuleSet`], [`AcrRule`] and [`RecurrentRule`], with the built-ins `uk`,
//!   `us`, `us2025`, `us2026`, `melon` and `raw` and the real rules they encode.
//! * [`acr`]: the accelerated chart ratio as a per-track state machine ([`AcrState`]).
//! * [`compile`]: [`ChartCompiler`], which turns one week's counted streams per track
//!   into a [`Chart`] and keeps the history (weeks on chart, ACR, recurrent removals) the
//!   rules need, and the fixed calendar ([`compile::week_start_date`]) of calendar rules.
//!
//! Per-user daily caps need individual plays, which only the simulation sees: the caller
//! applies [`RuleSet::counted_daily_streams`] before summing a week's counts.
//!
//! **Layer.** Imports only the foundations (`ids`): the scenario holds rule sets as plain
//! data, and `step` and `run` compile charts from plays.

pub mod acr;
pub mod compile;
pub mod rules;

#[cfg(test)]
mod tests;

pub use acr::{AcrState, WeekChange};
pub use compile::{Chart, ChartCompiler, ChartEntry, christmas_intensity, date_of_day};
pub use rules::{AcrRule, RecurrentRule, RecurrentThreshold, RuleSet};
