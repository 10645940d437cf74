//! The weekly chart compiler: one week's counted streams in, one ranked chart out.
//!
//! The compiler is stateful because two rules look back in time: the accelerated chart
//! ratio and weeks-on-chart. It keeps that history in dense per-track columns and reuses
//! its working buffers, so compiling a week costs one pass over the catalogue plus a
//! partial selection of the top candidates, not a full sort.

use std::cmp::Ordering;

use serde::Serialize;

use super::acr::{AcrState, WeekChange};
use super::rules::RuleSet;
use crate::ids::{ArtistId, TrackId};

/// With an artist cap, the compiler first ranks `chart_size × this` candidates; only if
/// the cap skips so many of them that the chart is not full does it sort the rest.
const CAP_HEADROOM_FACTOR: usize = 2;

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
    /// Counted streams over all tracks in the last compiled week.
    market_prev: u64,
    /// Weeks compiled so far.
    weeks_compiled: u32,
    /// Reused buffer: this week's tracks with units > 0.
    candidates: Vec<Candidate>,
    /// Reused buffer: positions held per lead artist (index = artist), all 0 between calls.
    artist_positions: Vec<u32>,
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
            market_prev: 0,
            weeks_compiled: 0,
            candidates: Vec::new(),
            artist_positions: Vec::new(),
        }
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

    /// Counted streams over all tracks in the last compiled week (0 before the first).
    pub fn last_market(&self) -> u64 {
        self.market_prev
    }

    /// Compiles this week's chart and advances the history.
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

    /// Steps every track's ACR state, stores this week's counts as "last", and fills
    /// `candidates` with the tracks that have units.
    fn collect_candidates(&mut self, premium: &[u32], ad: &[u32], market: u64) {
        let rules = &self.rules;
        let standard = (rules.premium_streams_per_unit, rules.ad_streams_per_unit);
        let accelerated = rules
            .acr
            .as_ref()
            .map(|a| (a.premium_streams_per_unit, a.ad_streams_per_unit));
        self.candidates.clear();
        for t in 0..premium.len() {
            let (p, a) = (premium[t], ad[t]);
            let counted = u64::from(p) + u64::from(a);
            let last = std::mem::replace(&mut self.last_counted[t], counted);
            let mut ratios = standard;
            if let (Some(rule), Some(acc)) = (&rules.acr, accelerated) {
                let change = WeekChange::between(last, counted, self.market_prev, market);
                let state = self.acr[t].step(rule, self.weeks_on_chart[t], change);
                self.acr[t] = state;
                if state.on_acr {
                    ratios = acc;
                }
            }
            if counted == 0 {
                continue;
            }
            let units = f64::from(p) / ratios.0 + f64::from(a) / ratios.1;
            if units > 0.0 {
                self.candidates.push(Candidate {
                    units,
                    counted,
                    track: t as u32,
                });
            }
        }
    }

    /// Ranks `candidates` into a chart, skipping tracks whose lead artist is at the cap.
    fn rank(&mut self, lead_artist: &[ArtistId]) -> Chart {
        let size = self.rules.chart_size;
        let cap = self.rules.max_tracks_per_artist;
        let cands = &mut self.candidates;
        let head = match cap {
            Some(_) => size.saturating_mul(CAP_HEADROOM_FACTOR),
            None => size,
        }
        .min(cands.len());
        if head > 0 && head < cands.len() {
            cands.select_nth_unstable_by(head - 1, by_rank);
        }
        cands[..head].sort_unstable_by(by_rank);

        let mut fill = Filler {
            size,
            cap,
            lead_artist,
            acr: &self.acr,
            weeks_on_chart: &self.weeks_on_chart,
            artist_positions: &mut self.artist_positions,
            entries: Vec::with_capacity(head.min(size)),
        };
        fill.take(&cands[..head]);
        if fill.entries.len() < size && head < cands.len() {
            // the artist cap skipped too many of the head: rank the rest as well
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
