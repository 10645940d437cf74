//! Chart rule sets as plain data.
//!
//! A [`RuleSet`] holds every number that turns streams into chart units and units into a
//! ranked chart. Keeping the rules as data (instead of code paths per country) is what
//! lets one simulated world be charted under several rule sets at once, and lets a
//! scenario file define rules that no real chart company uses.

use serde::{Deserialize, Serialize};

/// The rules of one weekly singles chart: how streams become chart units and how units
/// become positions.
///
/// The built-ins encode real rules:
///
/// * [`RuleSet::uk`] — Official Charts Company (UK). Chart week Friday→Thursday (2015);
///   100 premium streams or 600 ad-supported streams make one chart sale (OCC rules,
///   Music Week 2019); at most 10 counted streams per user per track per day (OCC, NME
///   2014); accelerated chart ratio for declining long-running tracks and at most 3 tracks
///   per lead artist in the Top 100 (OCC, July 2017).
/// * [`RuleSet::melon`] — Melon (South Korea, July 2020): one counted stream per user per
///   song per day, every counted stream is one unit.
/// * [`RuleSet::us`], [`RuleSet::us2025`], [`RuleSet::us2026`] — the streaming side of
///   the Billboard Hot 100: paid streams weigh 1 and ad-supported streams 2/3 (Billboard,
///   2018; `us`, `us2025`) or 1 : 2.5 (Billboard, Dec 2025, from January 2026; `us2026`),
///   no per-user cap, no artist cap, with the recurrent rule ([`RecurrentRule`]).
/// * [`RuleSet::raw`] — every stream is one unit, no caps: the baseline "what people
///   played" chart.
///
/// The chart week itself (which day it starts) is the caller's business: the compiler is
/// handed one week's totals at a time.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RuleSet {
    /// Name used in reports and output files (e.g. `"uk"`).
    pub name: String,
    /// Premium (paid-subscription) streams that make one chart unit (uk 100, melon/raw 1).
    pub premium_streams_per_unit: f64,
    /// Ad-supported (free-tier) streams that make one chart unit (uk 600, melon/raw 1).
    pub ad_streams_per_unit: f64,
    /// At most this many streams per user per track per day count toward the chart
    /// (uk `Some(10)`, melon `Some(1)`, raw `None` = no cap). Applied by the caller, which
    /// sees individual users; see [`RuleSet::counted_daily_streams`].
    pub per_user_daily_cap: Option<u32>,
    /// Accelerated chart ratio for declining long-running tracks (uk `Some`, others
    /// `None` = every track always uses the standard ratios).
    pub acr: Option<AcrRule>,
    /// At most this many tracks per lead artist in the chart (uk `Some(3)`, others
    /// `None` = no limit). Further tracks are skipped and their places go to the next
    /// tracks down.
    pub max_tracks_per_artist: Option<usize>,
    /// Number of chart positions (100 for every built-in).
    pub chart_size: usize,
    /// Billboard-style recurrent rule: long-running descending tracks below a rank are
    /// removed from the chart for good (the `us` rule sets `Some`, others `None`).
    pub recurrent: Option<RecurrentRule>,
}

/// One threshold of a [`RecurrentRule`]: a track that has spent at least
/// `min_weeks_on_chart` weeks in the chart before this week, is descending, and would be
/// ranked below No. `below_rank` is removed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RecurrentThreshold {
    /// Weeks the track has appeared in the chart before the current week (e.g. 52).
    pub min_weeks_on_chart: u32,
    /// The track is removed when its position would be numerically greater than this
    /// (e.g. 25 = "below No. 25", so No. 26 and lower).
    pub below_rank: u32,
}

/// The Billboard Hot 100 recurrent rule: a long-running track that is **descending** (this
/// week's units strictly below its own units last week) and would be ranked below a
/// threshold rank for its age is removed from the chart. Removal is permanent in a run: the
/// compiler flags the track and never charts it again.
///
/// Thresholds are checked in list order; any match removes the track. The position tested
/// is the one the track would take at that point of filling the chart (after tracks above
/// it that were removed or skipped by an artist cap), and the tracks below move up.
///
/// Holiday songs (tracks tagged as Christmas songs) are exempt when `holiday_exempt` is set
/// (all built-ins): they are never removed, so they can return every season.
///
/// Sources (FACTS.md, "US recurrent rule"): legacy rule — drop when descending and below
/// No. 25 after 52 weeks or below No. 50 after 20 weeks; from late 2025 — below No. 5
/// after 78 weeks, No. 10 after 52, No. 25 after 26, No. 50 after 20 (Billboard via NPR
/// and others).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RecurrentRule {
    /// The thresholds (at least one).
    pub thresholds: Vec<RecurrentThreshold>,
    /// Whether holiday (Christmas) songs are exempt, so they can return each season.
    #[serde(default = "exempt_by_default")]
    pub holiday_exempt: bool,
}

fn exempt_by_default() -> bool {
    true
}

impl RecurrentRule {
    /// The legacy Hot 100 rule (until late 2025): below No. 25 after 52 weeks, below
    /// No. 50 after 20 weeks.
    pub fn legacy() -> Self {
        Self::from_pairs(&[(52, 25), (20, 50)])
    }

    /// The Hot 100 rule from late 2025: below No. 5 after 78 weeks, No. 10 after 52,
    /// No. 25 after 26, No. 50 after 20.
    pub fn y2025() -> Self {
        Self::from_pairs(&[(78, 5), (52, 10), (26, 25), (20, 50)])
    }

    /// A rule from `(min_weeks_on_chart, below_rank)` pairs.
    pub fn from_pairs(pairs: &[(u32, u32)]) -> Self {
        Self {
            thresholds: pairs
                .iter()
                .map(|&(min_weeks_on_chart, below_rank)| RecurrentThreshold {
                    min_weeks_on_chart,
                    below_rank,
                })
                .collect(),
            holiday_exempt: true,
        }
    }

    /// Whether a track with `weeks_on_chart` earlier chart weeks, that would take position
    /// `rank` (1-based) this week, is removed; `descending` = its units are below last
    /// week's.
    pub fn removes(&self, weeks_on_chart: u32, rank: u32, descending: bool) -> bool {
        descending
            && self
                .thresholds
                .iter()
                .any(|t| weeks_on_chart >= t.min_weeks_on_chart && rank > t.below_rank)
    }

    /// Checks the thresholds; the error names the field as `recurrent.thresholds[i].<field>`.
    fn validate(&self) -> Result<(), String> {
        if self.thresholds.is_empty() {
            return Err("recurrent.thresholds: must list at least one threshold".to_string());
        }
        for (i, t) in self.thresholds.iter().enumerate() {
            if t.min_weeks_on_chart == 0 {
                return Err(format!(
                    "recurrent.thresholds[{i}].min_weeks_on_chart: must be at least 1, got 0"
                ));
            }
            if t.below_rank == 0 {
                return Err(format!(
                    "recurrent.thresholds[{i}].below_rank: must be at least 1, got 0"
                ));
            }
        }
        Ok(())
    }
}

/// The accelerated chart ratio (ACR): a long-running track that keeps losing ground
/// against the whole streaming market is converted at a harsher ratio, so old hits make
/// room for new ones (OCC, July 2017: 200:1 premium, 1,200:1 ad-supported, after 3
/// consecutive weeks of decline relative to the market and not before 9 weeks in the
/// Top 100; back to the standard ratio when the track's growth beats the market by 25
/// percentage points).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AcrRule {
    /// Premium streams per chart unit while on ACR (uk 200).
    pub premium_streams_per_unit: f64,
    /// Ad-supported streams per chart unit while on ACR (uk 1,200).
    pub ad_streams_per_unit: f64,
    /// A track must have spent at least this many weeks in the chart (before the current
    /// week) to be moved onto ACR (uk 9).
    pub min_weeks_on_chart: u32,
    /// Consecutive weeks in which the track's week-on-week change is below the market's
    /// that move an eligible track onto ACR (uk 3).
    pub decline_weeks: u32,
    /// A track on ACR returns to the standard ratio when its week-on-week growth minus
    /// the market's is at least this much, as a fraction (uk 0.25 = 25 percentage points).
    pub reset_growth_points: f64,
    /// January reset (uk `true`): tracks put on ACR during a December chart week return to
    /// the standard ratio in the first chart week of January (FACTS: "December ACR reset
    /// in January", BuzzJack chart-rules FAQ, weak). Their decline streak restarts at 0.
    /// The calendar is fixed: day 0 is Friday 2 January 2026 and a chart week belongs to
    /// the month of its first day (see [`crate::chart::compile::week_start_date`]).
    pub january_reset: bool,
    /// Tracks released more than this many days before the chart week starts are always
    /// converted at the accelerated ratio (uk 1,095: FACTS, "tracks over 3 years old stay
    /// on ACR"); `None` for no age rule.
    #[serde(default)]
    pub old_track_days: Option<u32>,
}

impl AcrRule {
    /// The Official Charts Company's ACR (July 2017): 200:1 premium, 1,200:1
    /// ad-supported, after 3 weeks of relative decline and 9 weeks on the chart, reset at
    /// 25 percentage points above the market.
    pub fn uk() -> Self {
        Self {
            premium_streams_per_unit: 200.0,
            ad_streams_per_unit: 1200.0,
            min_weeks_on_chart: 9,
            decline_weeks: 3,
            reset_growth_points: 0.25,
            january_reset: true,
            old_track_days: Some(3 * 365),
        }
    }

    /// Checks the numbers; the error names the field as `acr.<field>`.
    fn validate(&self) -> Result<(), String> {
        positive(
            "acr.premium_streams_per_unit",
            self.premium_streams_per_unit,
        )?;
        positive("acr.ad_streams_per_unit", self.ad_streams_per_unit)?;
        if self.decline_weeks == 0 {
            return Err("acr.decline_weeks: must be at least 1, got 0".to_string());
        }
        let r = self.reset_growth_points;
        if !r.is_finite() || r < 0.0 {
            return Err(format!(
                "acr.reset_growth_points: must be a finite fraction >= 0, got {r}"
            ));
        }
        Ok(())
    }
}

impl RuleSet {
    /// Names of the built-in rule sets, in the order they are documented (for error
    /// messages and `--help` text).
    pub const BUILTIN_NAMES: &'static [&'static str] =
        &["uk", "us", "us2025", "us2026", "melon", "raw"];

    /// Official Charts Company (UK) rules: 100 premium / 600 ad-supported streams per
    /// unit, 10 streams per user per track per day, [`AcrRule::uk`], at most 3 tracks per
    /// lead artist, Top 100.
    pub fn uk() -> Self {
        Self {
            name: "uk".to_string(),
            premium_streams_per_unit: 100.0,
            ad_streams_per_unit: 600.0,
            per_user_daily_cap: Some(10),
            acr: Some(AcrRule::uk()),
            max_tracks_per_artist: Some(3),
            chart_size: 100,
            recurrent: None,
        }
    }

    /// Billboard Hot 100 streaming rules, 2018–2025: a paid stream is 1 unit and an
    /// ad-supported stream 2/3 of a unit (Billboard, 2018), expressed as 1 premium stream
    /// per unit and 1.5 ad-supported streams per unit; no per-user cap and no artist cap
    /// (none sourced); the legacy [`RecurrentRule::legacy`]; Top 100. Units are therefore
    /// paid-stream equivalents. Programmed (radio-like) streams, weighted 1/2, do not exist
    /// in the model.
    pub fn us() -> Self {
        Self {
            name: "us".to_string(),
            premium_streams_per_unit: 1.0,
            ad_streams_per_unit: 1.5,
            per_user_daily_cap: None,
            acr: None,
            max_tracks_per_artist: None,
            chart_size: 100,
            recurrent: Some(RecurrentRule::legacy()),
        }
    }

    /// [`RuleSet::us`] with the late-2025 recurrent rule ([`RecurrentRule::y2025`]) and the
    /// 2018–2025 stream weights (paid 1, ad-supported 2/3).
    pub fn us2025() -> Self {
        Self {
            name: "us2025".to_string(),
            recurrent: Some(RecurrentRule::y2025()),
            ..Self::us()
        }
    }

    /// Billboard Hot 100 streaming rules from January 2026: paid : ad-supported = 1 : 2.5
    /// (Billboard, Dec 2025), i.e. 1 premium stream or 2.5 ad-supported streams per unit
    /// (an ad-supported stream weighs 0.4), with the late-2025 recurrent rule
    /// ([`RecurrentRule::y2025`]); no per-user or artist cap; Top 100.
    pub fn us2026() -> Self {
        Self {
            name: "us2026".to_string(),
            ad_streams_per_unit: 2.5,
            ..Self::us2025()
        }
    }

    /// Melon (South Korea, July 2020) rules: one counted stream per user per song per
    /// day, one unit per counted stream whatever the tier, no ACR, no artist cap, Top 100.
    pub fn melon() -> Self {
        Self {
            name: "melon".to_string(),
            premium_streams_per_unit: 1.0,
            ad_streams_per_unit: 1.0,
            per_user_daily_cap: Some(1),
            acr: None,
            max_tracks_per_artist: None,
            chart_size: 100,
            recurrent: None,
        }
    }

    /// The baseline: every stream is one unit, no per-user cap, no ACR, no artist cap,
    /// Top 100.
    pub fn raw() -> Self {
        Self {
            name: "raw".to_string(),
            premium_streams_per_unit: 1.0,
            ad_streams_per_unit: 1.0,
            per_user_daily_cap: None,
            acr: None,
            max_tracks_per_artist: None,
            chart_size: 100,
            recurrent: None,
        }
    }

    /// The built-in rule set called `name` (one of [`RuleSet::BUILTIN_NAMES`]), `None`
    /// for any other name.
    pub fn builtin(name: &str) -> Option<Self> {
        match name {
            "uk" => Some(Self::uk()),
            "us" => Some(Self::us()),
            "us2025" => Some(Self::us2025()),
            "us2026" => Some(Self::us2026()),
            "melon" => Some(Self::melon()),
            "raw" => Some(Self::raw()),
            _ => None,
        }
    }

    /// How many of `streams` plays by one user of one track on one day count toward the
    /// chart under [`RuleSet::per_user_daily_cap`].
    #[inline]
    pub fn counted_daily_streams(&self, streams: u32) -> u32 {
        match self.per_user_daily_cap {
            Some(cap) => streams.min(cap),
            None => streams,
        }
    }

    /// Checks the numbers: a non-empty name, finite positive stream ratios (standard and
    /// ACR), `chart_size >= 1`, caps `>= 1`, `acr.decline_weeks >= 1`, a finite
    /// non-negative `acr.reset_growth_points`, and a non-empty recurrent threshold list
    /// with every number `>= 1`.
    ///
    /// # Errors
    ///
    /// A description of the first problem found, naming the field, e.g.
    /// `"premium_streams_per_unit: must be positive, got 0"`.
    pub fn validate(&self) -> Result<(), String> {
        if self.name.trim().is_empty() {
            return Err("name: must not be empty".to_string());
        }
        positive("premium_streams_per_unit", self.premium_streams_per_unit)?;
        positive("ad_streams_per_unit", self.ad_streams_per_unit)?;
        if self.per_user_daily_cap == Some(0) {
            return Err("per_user_daily_cap: must be at least 1 when set, got 0".to_string());
        }
        if let Some(acr) = &self.acr {
            acr.validate()?;
        }
        if self.max_tracks_per_artist == Some(0) {
            return Err("max_tracks_per_artist: must be at least 1 when set, got 0".to_string());
        }
        if self.chart_size == 0 {
            return Err("chart_size: must be at least 1, got 0".to_string());
        }
        if let Some(rec) = &self.recurrent {
            rec.validate()?;
        }
        Ok(())
    }
}

/// `Ok` when `value` is finite and > 0, otherwise an error naming `field`.
fn positive(field: &str, value: f64) -> Result<(), String> {
    if value.is_finite() && value > 0.0 {
        Ok(())
    } else {
        Err(format!("{field}: must be positive, got {value}"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builtins_are_valid_and_found_by_name() {
        for name in RuleSet::BUILTIN_NAMES {
            let rules = RuleSet::builtin(name).expect("every listed name resolves");
            assert_eq!(rules.name, *name);
            assert_eq!(rules.validate(), Ok(()));
        }
        assert_eq!(RuleSet::builtin("uk"), Some(RuleSet::uk()));
        assert_eq!(RuleSet::builtin("UK"), None);
        assert_eq!(RuleSet::builtin("billboard"), None);
    }

    #[test]
    fn uk_numbers_match_the_occ_rules() {
        let uk = RuleSet::uk();
        assert_eq!(uk.premium_streams_per_unit, 100.0);
        assert_eq!(uk.ad_streams_per_unit, 600.0);
        assert_eq!(uk.per_user_daily_cap, Some(10));
        assert_eq!(uk.max_tracks_per_artist, Some(3));
        assert_eq!(uk.chart_size, 100);
        let acr = uk.acr.expect("uk has acr");
        assert_eq!(acr.premium_streams_per_unit, 200.0);
        assert_eq!(acr.ad_streams_per_unit, 1200.0);
        assert_eq!((acr.min_weeks_on_chart, acr.decline_weeks), (9, 3));
        assert_eq!(acr.reset_growth_points, 0.25);
        assert!(acr.january_reset);
        assert_eq!(uk.recurrent, None);
    }

    #[test]
    fn daily_cap_is_applied_per_rule_set() {
        assert_eq!(RuleSet::uk().counted_daily_streams(25), 10);
        assert_eq!(RuleSet::uk().counted_daily_streams(4), 4);
        assert_eq!(RuleSet::melon().counted_daily_streams(25), 1);
        assert_eq!(RuleSet::melon().counted_daily_streams(0), 0);
        assert_eq!(RuleSet::raw().counted_daily_streams(25), 25);
    }

    #[test]
    fn validate_names_the_first_bad_field() {
        let mut r = RuleSet::uk();
        r.premium_streams_per_unit = 0.0;
        assert_eq!(
            r.validate(),
            Err("premium_streams_per_unit: must be positive, got 0".to_string())
        );

        let mut r = RuleSet::uk();
        r.ad_streams_per_unit = f64::NAN;
        assert_eq!(
            r.validate(),
            Err("ad_streams_per_unit: must be positive, got NaN".to_string())
        );

        let mut r = RuleSet::raw();
        r.chart_size = 0;
        assert_eq!(
            r.validate(),
            Err("chart_size: must be at least 1, got 0".to_string())
        );

        let mut r = RuleSet::melon();
        r.per_user_daily_cap = Some(0);
        assert!(r.validate().unwrap_err().starts_with("per_user_daily_cap:"));

        let mut r = RuleSet::uk();
        r.max_tracks_per_artist = Some(0);
        assert!(
            r.validate()
                .unwrap_err()
                .starts_with("max_tracks_per_artist:")
        );

        let mut r = RuleSet::uk();
        r.name = " ".to_string();
        assert_eq!(r.validate(), Err("name: must not be empty".to_string()));
    }

    #[test]
    fn validate_checks_the_acr_rule() {
        let with_acr = |f: fn(&mut AcrRule)| {
            let mut r = RuleSet::uk();
            f(r.acr.as_mut().expect("uk has acr"));
            r.validate().unwrap_err()
        };
        assert_eq!(
            with_acr(|a| a.premium_streams_per_unit = -200.0),
            "acr.premium_streams_per_unit: must be positive, got -200"
        );
        assert_eq!(
            with_acr(|a| a.ad_streams_per_unit = f64::INFINITY),
            "acr.ad_streams_per_unit: must be positive, got inf"
        );
        assert_eq!(
            with_acr(|a| a.decline_weeks = 0),
            "acr.decline_weeks: must be at least 1, got 0"
        );
        assert_eq!(
            with_acr(|a| a.reset_growth_points = -0.1),
            "acr.reset_growth_points: must be a finite fraction >= 0, got -0.1"
        );
    }

    #[test]
    fn error_strings_are_lowercase_without_trailing_period() {
        let mut r = RuleSet::uk();
        r.chart_size = 0;
        let e = r.validate().unwrap_err();
        assert!(!e.ends_with('.'));
        assert_eq!(e.chars().next().map(|c| c.is_lowercase()), Some(true));
    }
}
