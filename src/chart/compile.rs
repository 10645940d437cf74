//! The weekly chart compiler: one week's counted streams in, one ranked chart out.
//!
//! The compiler is stateful because two rules look back in time: the accelerated chart
//! ratio and weeks-on-chart. It keeps that history in dense per-track columns and reuses
//! its working buffers, so compiling a week costs one pass over the catalogue plus a
//! partial selection of the top candidates, not a full sort.

use std::cmp::Ordering;
use std::sync::Arc;

use serde::Serialize;

use super::acr::{AcrState, WeekChange};
use super::rules::{RecurrentRule, RuleSet};
use crate::ids::{ArtistId, TrackId};

/// With an artist cap or a recurrent rule, the compiler first ranks `chart_size × this`
/// candidates; only if the rules skip so many of them that the chart is not full does it
/// sort the rest.
const CAP_HEADROOM_FACTOR: usize = 2;

/// The calendar date of simulated day 0: Friday 2 January 2026 (the first Friday of 2026).
/// Scenarios have no start date; this fixes the months used by calendar rules such as the
/// ACR January reset ([`super::AcrRule::january_reset`]).
pub const DAY0_DATE: (i32, u32, u32) = (2026, 1, 2);

/// Days from 1970-01-01 to the civil date `(y, m, d)` (proleptic Gregorian; H. Hinnant's
/// algorithm).
fn days_from_civil((y, m, d): (i32, u32, u32)) -> i64 {
    let y = i64::from(y) - i64::from(m <= 2);
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let m = i64::from(m);
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + i64::from(d) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// The civil date `(y, m, d)` of `days` after 1970-01-01 (inverse of [`days_from_civil`]).
fn civil_from_days(days: i64) -> (i32, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let y = yoe + era * 400 + i64::from(m <= 2);
    (y as i32, m, d)
}

/// The calendar date `(year, month, day)` of the first day (a Friday) of chart week
/// `week`, with day 0 on [`DAY0_DATE`]. A chart week belongs to the month of its first day.
pub fn week_start_date(week: u32) -> (i32, u32, u32) {
    civil_from_days(days_from_civil(DAY0_DATE) + 7 * i64::from(week))
}

/// The calendar date `(year, month, day)` of simulated day `day` (day 0 is [`DAY0_DATE`]).
pub fn date_of_day(day: i64) -> (i32, u32, u32) {
    civil_from_days(days_from_civil(DAY0_DATE) + day)
}

/// Christmas season intensity on simulated day `day`, in 0..1: 0 before 15 November,
/// rising linearly to 1 on 18 December, 1 through 31 December (the last two weeks, when
/// Christmas songs peak), falling linearly to 0 by 10 January, 0 for the rest of the year.
pub fn christmas_intensity(day: i64) -> f64 {
    let (y, m, _) = date_of_day(day);
    let season_year = match m {
        11 | 12 => y,
        1 => y - 1,
        _ => return 0.0,
    };
    let today = days_from_civil(date_of_day(day));
    let since = (today - days_from_civil((season_year, 11, 15))) as f64;
    let (peak, end, gone) = (33.0, 46.0, 56.0); // 18 December, 31 December, 10 January
    if since < 0.0 {
        0.0
    } else if since < peak {
        since / peak
    } else if since <= end {
        1.0
    } else {
        ((gone - since) / (gone - end)).max(0.0)
    }
}

/// Whether chart week `week` is the first chart week of a January (its Friday falls on
/// 1–7 January).
pub fn is_first_january_week(week: u32) -> bool {
    let (_, m, d) = week_start_date(week);
    m == 1 && d <= 7
}

/// Whether chart week `week` is a December week (its Friday falls in December).
pub fn is_december_week(week: u32) -> bool {
    week_start_date(week).1 == 12
}

/// One chart position.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ChartEntry {
    /// Position, 1-based (1 = number one).
    pub rank: u32,
    /// The charted track.
    pub track: TrackId,
    /// The track's lead artist (the one the artist cap counts).
    pub artist: ArtistId,
    /// Chart units this week (streams divided by the applicable streams-per-unit ratios).
    pub units: f64,
    /// Counted streams this week (premium + ad-supported, after the per-user daily cap).
    pub counted_streams: u64,
    /// Whether this week's units used the accelerated chart ratio.
    pub on_acr: bool,
    /// Weeks the track has appeared in this chart, including this week (1 = new entry).
    pub weeks_on_chart: u32,
}

/// One week's chart, best position first.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct Chart {
    /// The positions in rank order: `entries[i].rank == i + 1`. Shorter than the rule
    /// set's `chart_size` when fewer tracks had any units.
    pub entries: Vec<ChartEntry>,
}

impl Chart {
    /// The track at number one, `None` for an empty chart.
    pub fn number_one(&self) -> Option<TrackId> {
        self.entries.first().map(|e| e.track)
    }

    /// The first `n` positions (all of them when the chart is shorter).
    pub fn top(&self, n: usize) -> &[ChartEntry] {
        &self.entries[..n.min(self.entries.len())]
    }

    /// The 1-based rank of `track`, `None` when it is not in the chart.
    pub fn rank_of(&self, track: TrackId) -> Option<u32> {
        self.entries
            .iter()
            .find(|e| e.track == track)
            .map(|e| e.rank)
    }
}

/// A track that has units this week, waiting to be ranked.
#[derive(Clone, Copy, Debug)]
struct Candidate {
    units: f64,
    counted: u64,
    track: u32,
    /// Units strictly below the track's units last week (for the recurrent rule).
    descending: bool,
}

/// Chart order: units descending, then counted streams descending, then track id
/// ascending. Total, since track ids are distinct.
fn by_rank(a: &Candidate, b: &Candidate) -> Ordering {
    b.units
        .total_cmp(&a.units)
        .then(b.counted.cmp(&a.counted))
        .then(a.track.cmp(&b.track))
}

/// Compiles one region's weekly chart under one rule set, week after week (it keeps the
/// per-track history that ACR and weeks-on-chart need). The catalogue is fixed for a run:
/// `n_tracks` covers every track, released or not (unreleased tracks simply have 0
/// streams).
///
/// To chart the same plays under several rule sets, keep one compiler per rule set and
/// feed each the same counts (capped with each rule set's own daily cap).
#[derive(Clone, Debug)]
pub struct ChartCompiler {
    rules: RuleSet,
    /// Weeks each track has appeared in the chart, before the next compile.
    weeks_on_chart: Vec<u32>,
    /// Each track's counted streams in the last compiled week.
    last_counted: Vec<u64>,
    /// Each track's ACR history (all default when the rules have no ACR).
    acr: Vec<AcrState>,
    /// Whether the track was put on ACR in a December week (for the January reset).
    acr_from_december: Vec<bool>,
    /// Each track's units in the last compiled week (0 when it had none).
    last_units: Vec<f64>,
    /// Tracks removed by the recurrent rule: never charted again.
    retired: Vec<bool>,
    /// Counted streams over all tracks in the last compiled week.
    market_prev: u64,
    /// Weeks compiled so far.
    weeks_compiled: u32,
    /// Reused buffer: this week's tracks with units > 0.
    candidates: Vec<Candidate>,
    /// Reused buffer: positions held per lead artist (index = artist), all 0 between calls.
    artist_positions: Vec<u32>,
    /// Each track's release day (for the ACR age rule); 0 unless set.
    release_day: Arc<[i32]>,
    /// Whether each track is a holiday song (exempt from a recurrent rule that says so).
    holiday: Arc<[bool]>,
}

impl ChartCompiler {
    /// A compiler with no history for a catalogue of `n_tracks` tracks (ids
    /// `0..n_tracks`).
    ///
    /// # Panics
    ///
    /// If `rules.validate()` fails (callers validate configuration first and report the
    /// error), or if `n_tracks` does not fit a [`TrackId`].
    pub fn new(rules: RuleSet, n_tracks: usize) -> Self {
        if let Err(e) = rules.validate() {
            panic!("invalid chart rule set {:?}: {e}", rules.name);
        }
        assert!(
            u32::try_from(n_tracks).is_ok(),
            "n_tracks {n_tracks} does not fit a track id"
        );
        Self {
            rules,
            weeks_on_chart: vec![0; n_tracks],
            last_counted: vec![0; n_tracks],
            acr: vec![AcrState::default(); n_tracks],
            acr_from_december: vec![false; n_tracks],
            last_units: vec![0.0; n_tracks],
            retired: vec![false; n_tracks],
            market_prev: 0,
            weeks_compiled: 0,
            candidates: Vec::new(),
            artist_positions: Vec::new(),
            release_day: vec![0; n_tracks].into(),
            holiday: vec![false; n_tracks].into(),
        }
    }

    /// Resident bytes a compiler holds per catalogue track under `rules` (release days and
    /// holiday flags are shared with the caller, see [`ChartCompiler::with_tracks`]): the
    /// columns written for every track every week (the ACR columns only under an ACR rule; the
    /// weeks-on-chart and retired columns stay untouched zero pages except for charted
    /// tracks). Memory estimates count it; keep it in step with the fields.
    pub fn bytes_per_track(rules: &RuleSet) -> usize {
        use std::mem::size_of;
        let acr = if rules.acr.is_some() {
            size_of::<AcrState>() + size_of::<bool>()
        } else {
            0
        };
        size_of::<u64>() // last_counted
            + size_of::<f64>() // last_units
            + acr
    }

    /// Bytes of one ranking candidate (a track with units in the week).
    pub fn bytes_per_candidate() -> usize {
        std::mem::size_of::<Candidate>()
    }

    /// Gives the compiler each track's release day (day 0 = the first day of chart week 0;
    /// negative = before) and holiday-song flag, which the ACR age rule and the recurrent
    /// rule's holiday exemption need. Without it every track counts as released on day 0
    /// and none is a holiday song. Pass `Arc`s to share one copy between the compilers of a
    /// run (a slice is copied).
    ///
    /// # Panics
    ///
    /// If a slice's length differs from the catalogue size.
    #[must_use]
    pub fn with_tracks(
        mut self,
        release_day: impl Into<Arc<[i32]>>,
        holiday: impl Into<Arc<[bool]>>,
    ) -> Self {
        let (release_day, holiday) = (release_day.into(), holiday.into());
        assert_eq!(
            release_day.len(),
            self.n_tracks(),
            "one release day per track"
        );
        assert_eq!(holiday.len(), self.n_tracks(), "one holiday flag per track");
        self.release_day = release_day;
        self.holiday = holiday;
        self
    }

    /// The rule set this compiler applies.
    pub fn rules(&self) -> &RuleSet {
        &self.rules
    }

    /// Number of tracks in the catalogue.
    pub fn n_tracks(&self) -> usize {
        self.weeks_on_chart.len()
    }

    /// Weeks compiled so far.
    pub fn weeks_compiled(&self) -> u32 {
        self.weeks_compiled
    }

    /// Weeks `track` has appeared in the chart so far (including the last compiled week).
    ///
    /// # Panics
    ///
    /// If `track` is outside the catalogue.
    pub fn weeks_on_chart(&self, track: TrackId) -> u32 {
        self.weeks_on_chart[track.index()]
    }

    /// Whether `track` was converted at the accelerated ratio in the last compiled week
    /// (always `false` without an ACR rule). Tracks outside the chart keep their flag.
    ///
    /// # Panics
    ///
    /// If `track` is outside the catalogue.
    pub fn is_on_acr(&self, track: TrackId) -> bool {
        self.acr[track.index()].on_acr
    }

    /// Whether the recurrent rule has removed `track` from this chart (for good).
    ///
    /// # Panics
    ///
    /// If `track` is outside the catalogue.
    pub fn is_retired(&self, track: TrackId) -> bool {
        self.retired[track.index()]
    }

    /// Counted streams over all tracks in the last compiled week (0 before the first).
    pub fn last_market(&self) -> u64 {
        self.market_prev
    }

    /// Compiles this week's chart and advances the history. The `k`-th call (0-based)
    /// compiles chart week `k`, whose calendar month ([`week_start_date`]) drives the ACR
    /// January reset.
    ///
    /// `premium[t]` / `ad[t]`: this week's counted streams of track `t` by premium /
    /// ad-supported accounts, already capped per user per day by the caller using
    /// [`RuleSet::per_user_daily_cap`] (the compiler never sees individual users).
    /// `lead_artist[t]`: the track's lead artist.
    ///
    /// # Panics
    ///
    /// If any slice length differs from the catalogue size given to
    /// [`ChartCompiler::new`].
    pub fn compile(&mut self, premium: &[u32], ad: &[u32], lead_artist: &[ArtistId]) -> Chart {
        let n = self.n_tracks();
        assert_eq!(premium.len(), n, "premium streams: one count per track");
        assert_eq!(ad.len(), n, "ad-supported streams: one count per track");
        assert_eq!(lead_artist.len(), n, "lead artists: one per track");

        let market: u64 = premium
            .iter()
            .zip(ad)
            .map(|(&p, &a)| u64::from(p) + u64::from(a))
            .sum();
        self.collect_candidates(premium, ad, market);
        let chart = self.rank(lead_artist);

        for e in &chart.entries {
            self.weeks_on_chart[e.track.index()] += 1;
        }
        self.market_prev = market;
        self.weeks_compiled += 1;
        chart
    }

    /// Steps every track's ACR state (with the January reset), stores this week's counts
    /// and units as "last", and fills `candidates` with the tracks that have units and
    /// were not removed by the recurrent rule.
    fn collect_candidates(&mut self, premium: &[u32], ad: &[u32], market: u64) {
        let rules = &self.rules;
        let standard = (rules.premium_streams_per_unit, rules.ad_streams_per_unit);
        let accelerated = rules
            .acr
            .as_ref()
            .map(|a| (a.premium_streams_per_unit, a.ad_streams_per_unit));
        let week = self.weeks_compiled;
        let (january_reset, december) = match &rules.acr {
            Some(a) if a.january_reset => (is_first_january_week(week), is_december_week(week)),
            _ => (false, false),
        };
        // Released before this day: old enough to stay on ACR whatever its trend.
        let old_before = rules
            .acr
            .as_ref()
            .and_then(|a| a.old_track_days)
            .map(|days| i64::from(week) * 7 - i64::from(days));
        self.candidates.clear();
        for t in 0..premium.len() {
            let (p, a) = (premium[t], ad[t]);
            let counted = u64::from(p) + u64::from(a);
            let last = std::mem::replace(&mut self.last_counted[t], counted);
            let mut ratios = standard;
            if let (Some(rule), Some(acc)) = (&rules.acr, accelerated) {
                if january_reset && self.acr_from_december[t] {
                    self.acr[t] = AcrState::default();
                    self.acr_from_december[t] = false;
                }
                let was_on = self.acr[t].on_acr;
                let change = WeekChange::between(last, counted, self.market_prev, market);
                let mut state = self.acr[t].step(rule, self.weeks_on_chart[t], change);
                if old_before.is_some_and(|d| i64::from(self.release_day[t]) < d) {
                    state.on_acr = true;
                }
                self.acr[t] = state;
                if !state.on_acr {
                    self.acr_from_december[t] = false;
                } else if !was_on && december {
                    self.acr_from_december[t] = true;
                }
                if state.on_acr {
                    ratios = acc;
                }
            }
            if counted == 0 {
                self.last_units[t] = 0.0;
                continue;
            }
            let units = f64::from(p) / ratios.0 + f64::from(a) / ratios.1;
            let last_units = std::mem::replace(&mut self.last_units[t], units);
            if units > 0.0 && !self.retired[t] {
                self.candidates.push(Candidate {
                    units,
                    counted,
                    track: t as u32,
                    descending: units < last_units,
                });
            }
        }
    }

    /// Ranks `candidates` into a chart, skipping tracks whose lead artist is at the cap.
    fn rank(&mut self, lead_artist: &[ArtistId]) -> Chart {
        let size = self.rules.chart_size;
        let cap = self.rules.max_tracks_per_artist;
        let cands = &mut self.candidates;
        let recurrent = self.rules.recurrent.as_ref();
        let head = if cap.is_some() || recurrent.is_some() {
            size.saturating_mul(CAP_HEADROOM_FACTOR)
        } else {
            size
        }
        .min(cands.len());
        if head > 0 && head < cands.len() {
            cands.select_nth_unstable_by(head - 1, by_rank);
        }
        cands[..head].sort_unstable_by(by_rank);

        let mut fill = Filler {
            size,
            cap,
            recurrent,
            retired: &mut self.retired,
            holiday: &self.holiday,
            lead_artist,
            acr: &self.acr,
            weeks_on_chart: &self.weeks_on_chart,
            artist_positions: &mut self.artist_positions,
            entries: Vec::with_capacity(head.min(size)),
        };
        fill.take(&cands[..head]);
        if fill.entries.len() < size && head < cands.len() {
            // the artist cap or recurrent rule skipped too many of the head: rank the rest
            cands[head..].sort_unstable_by(by_rank);
            fill.take(&cands[head..]);
        }
        let entries = fill.entries;
        if cap.is_some() {
            for e in &entries {
                self.artist_positions[e.artist.index()] = 0;
            }
        }
        Chart { entries }
    }
}

/// Walks ranked candidates into chart entries.
struct Filler<'a> {
    size: usize,
    cap: Option<usize>,
    recurrent: Option<&'a RecurrentRule>,
    retired: &'a mut [bool],
    holiday: &'a [bool],
    lead_artist: &'a [ArtistId],
    acr: &'a [AcrState],
    weeks_on_chart: &'a [u32],
    artist_positions: &'a mut Vec<u32>,
    entries: Vec<ChartEntry>,
}

impl Filler<'_> {
    /// Appends `ranked` (already in chart order) until the chart is full.
    fn take(&mut self, ranked: &[Candidate]) {
        for c in ranked {
            if self.entries.len() >= self.size {
                return;
            }
            let t = c.track as usize;
            if let Some(rule) = self
                .recurrent
                .filter(|r| !(r.holiday_exempt && self.holiday[t]))
            {
                let rank = self.entries.len() as u32 + 1;
                if rule.removes(self.weeks_on_chart[t], rank, c.descending) {
                    self.retired[t] = true;
                    continue;
                }
            }
            let artist = self.lead_artist[t];
            if let Some(cap) = self.cap {
                let a = artist.index();
                if a >= self.artist_positions.len() {
                    self.artist_positions.resize(a + 1, 0);
                }
                if self.artist_positions[a] as usize >= cap {
                    continue;
                }
                self.artist_positions[a] += 1;
            }
            self.entries.push(ChartEntry {
                rank: self.entries.len() as u32 + 1,
                track: TrackId(c.track),
                artist,
                units: c.units,
                counted_streams: c.counted,
                on_acr: self.acr[t].on_acr,
                weeks_on_chart: self.weeks_on_chart[t] + 1,
            });
        }
    }
}

#[cfg(test)]
mod season_tests {
    use super::*;

    #[test]
    fn christmas_season_follows_the_calendar() {
        // Day 0 is Friday 2 January 2026, so day d is 2 January + d days.
        assert_eq!(date_of_day(0), (2026, 1, 2));
        assert_eq!(date_of_day(317), (2026, 11, 15)); // 29 days left in January, … = day 317
        assert_eq!(christmas_intensity(317), 0.0); // 15 November: the season starts
        assert!((christmas_intensity(317 + 11) - 11.0 / 33.0).abs() < 1e-12); // 26 November
        assert_eq!(christmas_intensity(350), 1.0); // 18 December
        assert_eq!(date_of_day(363), (2026, 12, 31));
        assert_eq!(christmas_intensity(363), 1.0); // 31 December
        assert!((christmas_intensity(368) - 0.5).abs() < 1e-12); // 5 January 2027: halfway down
        assert_eq!(christmas_intensity(373), 0.0); // 10 January 2027
        assert_eq!(christmas_intensity(200), 0.0); // July
        // 5 January 2026 is 51 days after 15 November 2025: the 2025 season's tail,
        // (56 − 51) / 10 = 0.5.
        assert!((christmas_intensity(3) - 0.5).abs() < 1e-12);
    }
}
