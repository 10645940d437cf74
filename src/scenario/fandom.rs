//! `[[fandoms]]` and `[fraud_filter]`: organised replay and the platform's answer to it.
//!
//! A fandom backs one named artist. Its members are a share of each region's listeners;
//! their devotion is heavy-tailed (Pareto), so a few members make most of the replay
//! (FACTS.md, Spotify for Artists Fan Study 2023: 2% of an artist's listeners make over
//! 18% of its streams). On a day a member is mobilised with the fandom's mobilisation
//! level — which rises after the artist's releases, while a target track is near the top
//! of a chart and during scheduled campaigns, and fades with a half-life — and then
//! replays the artist's tracks, mixes other songs in, and spreads the replay over several
//! accounts if they have them (FACTS.md, "organised replay").

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::Region;
use super::check::Check;
use super::named::NamedRelease;
use crate::error::Result;

/// A `[[fandoms]]` entry as written.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawFandom {
    /// Fandom name, unique.
    pub name: String,
    /// The named artist (`[[artists]]`) the fandom backs.
    pub artist: String,
    /// Share of each region's listeners who are members from day 0, by region name.
    #[serde(default)]
    pub membership: BTreeMap<String, f64>,
    /// Pareto tail index of devotion (smaller = heavier tail; must exceed 1).
    #[serde(default = "default_devotion_shape")]
    pub devotion_shape: f64,
    /// Organised replays a mobilised member of average devotion makes in a day.
    #[serde(default = "default_replays_per_day")]
    pub replays_per_day: f64,
    /// Share of a streaming session given to other songs, mixed in to look natural.
    #[serde(default = "default_mix_share")]
    pub mix_share: f64,
    /// Share of members who stream from several accounts.
    #[serde(default)]
    pub multi_account_share: f64,
    /// Accounts of a multi-account member (each counts as a user for chart caps).
    #[serde(default = "default_accounts")]
    pub accounts: i64,
    /// Named releases pushed hardest (default: none; replay spreads evenly).
    #[serde(default)]
    pub focus: Vec<String>,
    /// Share of replays that go to the focus tracks when any is out.
    #[serde(default = "default_focus_share")]
    pub focus_share: f64,
    /// Mobilisation dynamics.
    #[serde(default)]
    pub mobilisation: RawMobilisation,
    /// Scheduled campaigns (streaming parties).
    #[serde(default)]
    pub campaigns: Vec<RawCampaign>,
}

/// A fandom's `mobilisation` table as written.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct RawMobilisation {
    /// Share of members mobilised on an ordinary day.
    pub base: f64,
    /// Added on the day of one of the artist's releases, fading with the half-life.
    pub release: f64,
    /// Added while a target track is in the top `chart_push_top` of any published chart.
    pub chart_push: f64,
    /// Chart positions that count as "in contention".
    pub chart_push_top: i64,
    /// Half-life, in days, of the release and campaign boosts.
    pub fade_half_life_days: f64,
}

impl Default for RawMobilisation {
    fn default() -> Self {
        Self {
            base: 0.05,
            release: 0.5,
            chart_push: 0.25,
            chart_push_top: 10,
            fade_half_life_days: 7.0,
        }
    }
}

/// A `[[fandoms.campaigns]]` entry as written.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawCampaign {
    /// First day.
    pub day: i64,
    /// Length in days.
    #[serde(default = "default_campaign_days")]
    pub days: i64,
    /// Mobilisation added while it runs (then fading with the half-life).
    pub intensity: f64,
}

/// The `[fraud_filter]` table as written.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawFraudFilter {
    /// Share of organised replay detected and discarded.
    pub detection: f64,
    /// First day the filter runs.
    #[serde(default)]
    pub from_day: i64,
    /// A bot account's plays of one track in a day above which its day may be flagged.
    #[serde(default)]
    pub bot_track_day_limit: u32,
}

fn default_devotion_shape() -> f64 {
    1.5
}
fn default_replays_per_day() -> f64 {
    30.0
}
fn default_mix_share() -> f64 {
    0.3
}
fn default_accounts() -> i64 {
    3
}
fn default_focus_share() -> f64 {
    0.6
}
fn default_campaign_days() -> i64 {
    1
}

/// A fandom, validated.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Fandom {
    /// Name.
    pub name: String,
    /// Index into [`super::Scenario::artists`].
    pub artist: usize,
    /// Share of each region's listeners who are members from day 0, indexed by region.
    pub membership: Vec<f64>,
    /// Pareto tail index of devotion (> 1; mean devotion is 1).
    pub devotion_shape: f64,
    /// Organised replays a day of a mobilised member of devotion 1.
    pub replays_per_day: f64,
    /// Share of a streaming session given to other songs.
    pub mix_share: f64,
    /// Share of members with several accounts.
    pub multi_account_share: f64,
    /// Accounts of a multi-account member.
    pub accounts: u32,
    /// Indices into [`super::Scenario::releases`] pushed hardest.
    pub focus: Vec<usize>,
    /// Share of replays that go to the focus tracks when any is out.
    pub focus_share: f64,
    /// Mobilisation dynamics.
    pub mobilisation: Mobilisation,
    /// Scheduled campaigns.
    pub campaigns: Vec<Campaign>,
}

/// How a fandom's share of mobilised members moves.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Mobilisation {
    /// Ordinary-day level.
    pub base: f64,
    /// Boost on a release day.
    pub release: f64,
    /// Boost while a target track is in contention on a chart.
    pub chart_push: f64,
    /// Positions that count as in contention.
    pub chart_push_top: u32,
    /// Half-life of release and campaign boosts, in days.
    pub fade_half_life_days: f64,
}

/// A scheduled streaming campaign.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Campaign {
    /// First day.
    pub day: i32,
    /// Length in days.
    pub days: u32,
    /// Boost while it runs.
    pub intensity: f64,
}

/// The platform's fraud filter.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct FraudFilter {
    /// Share of organised replay (account-days) detected and discarded.
    pub detection: f64,
    /// First day it runs.
    pub from_day: i32,
    /// A bot account's plays of one track in a day above which the filter may flag the
    /// account-day (0: any bot account-day may be flagged); staying at or under it is
    /// the dilution pattern.
    #[serde(skip_serializing_if = "is_zero_u32")]
    pub bot_track_day_limit: u32,
}

fn is_zero_u32(x: &u32) -> bool {
    *x == 0
}

/// Region shares keyed by region name → one share per region (missing regions get 0).
pub(super) fn region_shares(
    c: &Check,
    key: &str,
    raw: &BTreeMap<String, f64>,
    regions: &[Region],
) -> Result<Vec<f64>> {
    let mut shares = vec![0.0; regions.len()];
    for (name, &share) in raw {
        let r = c.lookup(
            &format!("{key}.{name}"),
            name,
            regions.iter().map(|r| r.name.as_str()),
        )?;
        c.real_in(&format!("{key}.{name}"), share, 0.0, 1.0)?;
        shares[r] = share;
    }
    Ok(shares)
}

pub(super) fn validate_fandoms(
    c: &Check,
    raw: &[RawFandom],
    artists: &[super::NamedArtist],
    releases: &[NamedRelease],
    regions: &[Region],
    days: u32,
) -> Result<Vec<Fandom>> {
    if raw.len() > super::limits::MAX_FANDOMS {
        return Err(c.err(
            "fandoms",
            format!(
                "at most {} fandoms, got {}",
                super::limits::MAX_FANDOMS,
                raw.len()
            ),
        ));
    }
    c.unique("fandoms", raw.iter().map(|f| f.name.as_str()))?;
    raw.iter()
        .enumerate()
        .map(|(i, f)| {
            let key = |field: &str| format!("fandoms[{i}].{field}");
            c.name(&key("name"), &f.name)?;
            let artist = c.lookup(
                &key("artist"),
                &f.artist,
                artists.iter().map(|a| a.name.as_str()),
            )?;
            let membership = region_shares(c, &key("membership"), &f.membership, regions)?;
            if f.devotion_shape <= 1.0 || f.devotion_shape > 100.0 || !f.devotion_shape.is_finite()
            {
                return Err(c.err(
                    key("devotion_shape"),
                    format!(
                        "must be greater than 1 (a finite mean) and at most 100, got {}",
                        f.devotion_shape
                    ),
                ));
            }
            c.real_in(&key("replays_per_day"), f.replays_per_day, 0.0, 1_000.0)?;
            c.real_in(&key("mix_share"), f.mix_share, 0.0, 0.95)?;
            c.real_in(&key("multi_account_share"), f.multi_account_share, 0.0, 1.0)?;
            let accounts = c.int_in(&key("accounts"), f.accounts, 1, 20)?;
            let focus = f
                .focus
                .iter()
                .enumerate()
                .map(|(k, title)| {
                    let key = format!("fandoms[{i}].focus[{k}]");
                    let r = c.lookup(&key, title, releases.iter().map(|r| r.title.as_str()))?;
                    if releases[r].artist != artist {
                        return Err(c.err(key, format!("{title:?} is not by {:?}", f.artist)));
                    }
                    Ok(r)
                })
                .collect::<Result<Vec<_>>>()?;
            c.real_in(&key("focus_share"), f.focus_share, 0.0, 1.0)?;
            let m = &f.mobilisation;
            for (field, v) in [
                ("base", m.base),
                ("release", m.release),
                ("chart_push", m.chart_push),
            ] {
                c.real_in(&key(&format!("mobilisation.{field}")), v, 0.0, 1.0)?;
            }
            let chart_push_top = c.int_in(
                &key("mobilisation.chart_push_top"),
                m.chart_push_top,
                1,
                100,
            )?;
            c.positive(
                &key("mobilisation.fade_half_life_days"),
                m.fade_half_life_days,
                3_650.0,
            )?;
            let campaigns = f
                .campaigns
                .iter()
                .enumerate()
                .map(|(k, p)| {
                    let key = |field: &str| format!("fandoms[{i}].campaigns[{k}].{field}");
                    c.real_in(&key("intensity"), p.intensity, 0.0, 1.0)?;
                    Ok(Campaign {
                        day: c.int_in_signed(&key("day"), p.day, 0, i64::from(days) - 1)?,
                        days: c.int_in(&key("days"), p.days, 1, 365)?,
                        intensity: p.intensity,
                    })
                })
                .collect::<Result<Vec<_>>>()?;
            Ok(Fandom {
                name: f.name.clone(),
                artist,
                membership,
                devotion_shape: f.devotion_shape,
                replays_per_day: f.replays_per_day,
                mix_share: f.mix_share,
                multi_account_share: f.multi_account_share,
                accounts,
                focus,
                focus_share: f.focus_share,
                mobilisation: Mobilisation {
                    base: m.base,
                    release: m.release,
                    chart_push: m.chart_push,
                    chart_push_top,
                    fade_half_life_days: m.fade_half_life_days,
                },
                campaigns,
            })
        })
        .collect()
}

pub(super) fn validate_fraud_filter(
    c: &Check,
    raw: Option<&RawFraudFilter>,
    days: u32,
) -> Result<Option<FraudFilter>> {
    raw.map(|f| {
        c.real_in("fraud_filter.detection", f.detection, 0.0, 1.0)?;
        let from_day =
            c.int_in_signed("fraud_filter.from_day", f.from_day, 0, i64::from(days) - 1)?;
        Ok(FraudFilter {
            detection: f.detection,
            from_day,
            bot_track_day_limit: f.bot_track_day_limit,
        })
    })
    .transpose()
}
