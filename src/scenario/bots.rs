//! `[[bot_farms]]`: accounts that stream a fraudster's tracks, at a share of all streams
//! the user sets (FACTS: 1–3% of French streams in 2021, 8% of Deezer's in 2025).
//!
//! A farm's tracks are those of its `artists` least appealing generated artists (filler
//! uploaded to be streamed by bots, which nobody else seeks out). Each day, in each of its
//! regions, the farm streams `stream_share / (1 − stream_share)` times the region's human
//! streams that day, from as many bot accounts as that takes: each account plays
//! `tracks_per_account_day` of the farm's tracks `plays_per_track_day` times each. Few
//! plays of each of many tracks is the "dilution" pattern that stays under detection
//! thresholds: the fraud filter flags a bot account-day (with probability `detection`)
//! only when its plays of one track exceed `[fraud_filter] bot_track_day_limit`.

use serde::{Deserialize, Serialize};

use super::check::Check;
use super::{Region, Result};

/// A `[[bot_farms]]` entry as written.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawBotFarm {
    /// Farm name, unique.
    pub name: String,
    /// Regions where it streams (default: all).
    #[serde(default)]
    pub regions: Option<Vec<String>>,
    /// Bots' share of all streams in those regions.
    pub stream_share: f64,
    /// Generated artists whose tracks the farm streams.
    #[serde(default = "default_artists")]
    pub artists: u32,
    /// Tracks one bot account plays in a day.
    #[serde(default = "default_tracks_per_account_day")]
    pub tracks_per_account_day: u32,
    /// Plays of each of those tracks.
    #[serde(default = "default_plays_per_track_day")]
    pub plays_per_track_day: u32,
    /// Whether bot accounts pay as premium accounts (else as ad-supported ones).
    #[serde(default = "default_premium")]
    pub premium: bool,
}

fn default_artists() -> u32 {
    20
}
fn default_tracks_per_account_day() -> u32 {
    50
}
fn default_plays_per_track_day() -> u32 {
    2
}
fn default_premium() -> bool {
    true
}

/// A bot farm, validated.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct BotFarm {
    /// Farm name.
    pub name: String,
    /// Whether the farm streams in each region (scenario order).
    pub regions: Vec<bool>,
    /// Bots' share of all streams in those regions, in (0, 0.5].
    pub stream_share: f64,
    /// Generated artists whose tracks the farm streams (the least appealing ones).
    pub artists: u32,
    /// Tracks one bot account plays in a day.
    pub tracks_per_account_day: u32,
    /// Plays of each of those tracks by that account.
    pub plays_per_track_day: u32,
    /// Whether bot accounts pay as premium accounts.
    pub premium: bool,
}

/// Most `[[bot_farms]]` entries.
pub const MAX_BOT_FARMS: usize = 16;

/// Validates the `[[bot_farms]]` entries.
pub(super) fn validate_bot_farms(
    c: &Check,
    raw: &[RawBotFarm],
    regions: &[Region],
) -> Result<Vec<BotFarm>> {
    if raw.len() > MAX_BOT_FARMS {
        return Err(c.err(
            "bot_farms",
            format!("at most {MAX_BOT_FARMS} [[bot_farms]], got {}", raw.len()),
        ));
    }
    c.unique("bot_farms", raw.iter().map(|f| f.name.as_str()))?;
    raw.iter()
        .enumerate()
        .map(|(i, f)| {
            let key = |k: &str| format!("bot_farms[{i}].{k}");
            c.name(&key("name"), &f.name)?;
            c.real_in(&key("stream_share"), f.stream_share, 0.0, 0.5)?;
            if f.stream_share <= 0.0 {
                return Err(c.err(
                    key("stream_share"),
                    "must be above 0 (and at most 0.5), got 0",
                ));
            }
            c.uint_in(&key("artists"), f.artists, 1, 100_000)?;
            c.uint_in(
                &key("tracks_per_account_day"),
                f.tracks_per_account_day,
                1,
                10_000,
            )?;
            c.uint_in(&key("plays_per_track_day"), f.plays_per_track_day, 1, 1_000)?;
            let mut streams_in = vec![f.regions.is_none(); regions.len()];
            for name in f.regions.iter().flatten() {
                let r = regions
                    .iter()
                    .position(|r| &r.name == name)
                    .ok_or_else(|| {
                        let names: Vec<&str> = regions.iter().map(|r| r.name.as_str()).collect();
                        c.err(
                            key("regions"),
                            format!(
                                "unknown region {name:?}; expected one of {}",
                                names.join(", ")
                            ),
                        )
                    })?;
                streams_in[r] = true;
            }
            Ok(BotFarm {
                name: f.name.clone(),
                regions: streams_in,
                stream_share: f.stream_share,
                artists: f.artists,
                tracks_per_account_day: f.tracks_per_account_day,
                plays_per_track_day: f.plays_per_track_day,
                premium: f.premium,
            })
        })
        .collect()
}
