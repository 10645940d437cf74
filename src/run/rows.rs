//! The records a run produces: one per week and region, one per chart position.
//!
//! Field order is column order in `metrics.csv` and `charts.csv`; every field's meaning
//! and unit is documented here and in `docs/METRICS.md`.

use serde::Serialize;

use crate::chart::Chart;

/// One row of `metrics.csv`: a region's (or all regions') week in one run.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct WeekRow {
    /// Run id: `replicate × policies + policy index`.
    pub run: u32,
    /// Replicate world (0-based).
    pub replicate: u32,
    /// Policy name.
    pub policy: String,
    /// Region name, or `all` for every region together.
    pub region: String,
    /// Chart week (0-based; week w covers days 7w..7w+6, Friday to Thursday).
    pub week: u32,
    /// Streams in the week (uncapped).
    pub streams: u64,
    /// Herfindahl–Hirschman index of streams by track, 0..1.
    pub hhi_tracks: f64,
    /// Herfindahl–Hirschman index of streams by lead artist, 0..1.
    pub hhi_artists: f64,
    /// Gini coefficient of streams over released tracks (zeros included), 0..1.
    pub gini_tracks: f64,
    /// Share of streams of the most-streamed track, 0..1.
    pub top1_share: f64,
    /// Share of streams of the 10 most-streamed tracks, 0..1.
    pub top10_share: f64,
    /// exp(Shannon entropy of streams by track): equally-played tracks giving the same entropy.
    pub effective_tracks: f64,
    /// Share of streams of tracks by artists from the listener's region, 0..1.
    pub local_share_streams: f64,
    /// Share of streams of tracks by artists on independent labels, 0..1.
    pub independent_share_streams: f64,
    /// Share of streams of tracks the streaming platform owns, 0..1 (empty when it owns
    /// none).
    pub platform_share_streams: Option<f64>,
    /// Share of the headline chart's Top 10 entries by local artists, 0..1 (empty for `all`).
    pub local_share_top10: Option<f64>,
    /// Share of the headline chart's Top 100 entries by local artists, 0..1 (empty for `all`).
    pub local_share_top100: Option<f64>,
    /// Share of the headline chart's entries the streaming platform owns, 0..1 (empty for
    /// `all` or when it owns none).
    pub platform_share_chart: Option<f64>,
    /// Shannon entropy (nats) of the genre mix of all the region's streams.
    pub genre_entropy_aggregate: f64,
    /// Mean over active listeners of the Shannon entropy (nats) of their own genre mix.
    pub genre_entropy_individual: Option<f64>,
    /// Share of released tracks streamed at least once this week, 0..1.
    pub catalogue_coverage: f64,
    /// Share of streams that came from the recommender's slate, 0..1.
    pub recommendation_share: f64,
    /// Share of choice occasions on which the listener chose not to stream, 0..1.
    pub outside_option_rate: f64,
    /// Track id at No. 1 on the headline chart (empty for `all` or an empty chart).
    pub no1_track: Option<u32>,
    /// Weeks the week's No. 1 has been at No. 1 so far this run, this week included.
    pub no1_weeks_so_far: Option<u32>,
    /// Chart units of the No. 1 under the headline rules.
    pub no1_units: Option<f64>,
    /// Headline-chart entries that were not on last week's headline chart (new entries and
    /// re-entries; every entry in week 0). For `all`: summed over the regions' headline
    /// charts. Empty when there are no entries.
    pub chart_new_entries: Option<u32>,
    /// Mean `weeks_on_chart` (this week included) of the headline chart's entries (for
    /// `all`: over every region's headline entries pooled).
    pub chart_mean_tenure_weeks: Option<f64>,
    /// Share of the headline chart's entries converted at the accelerated chart ratio, 0..1
    /// (for `all`: pooled over the regions' headline charts).
    pub chart_acr_share: Option<f64>,
    /// Share of the headline chart's units that came from organised fandom replay, 0..1
    /// (for `all`: pooled over the regions' headline charts).
    pub organised_share_chart: Option<f64>,
    /// Share of the headline No. 1's units that came from organised replay, 0..1 (empty
    /// for `all`).
    pub organised_share_no1: Option<f64>,
    /// Organised replays that counted (kept by the fraud filter), uncapped.
    pub organised_streams: u64,
    /// Organised replays discarded by the fraud filter.
    pub discarded_streams: u64,
    /// Bot farms' streams kept by the fraud filter (in `streams`).
    pub bot_streams: u64,
    /// Bot farms' streams the fraud filter discarded.
    pub bot_discarded_streams: u64,
    /// Streams per account this week of fandom members (ordinary, mixed-in and organised;
    /// each of a member's accounts counts); empty when there are no members.
    pub member_streams_per_account: Option<f64>,
    /// Streams per account this week of listeners outside every fandom.
    pub other_streams_per_account: Option<f64>,
    /// Share of the tracks shown on slates that are by artists from the listener's region
    /// (local exposure), 0..1; empty when no slate was shown.
    pub local_share_recommendations: Option<f64>,
    /// Share of the tracks shown on slates that the streaming platform owns, 0..1; empty
    /// when no slate was shown or it owns none.
    pub platform_share_recommendations: Option<f64>,
    /// Mean Jensen–Shannon divergence (bits, 0..1) between a slate's genre mix and the
    /// genre mix of the listener's library weighted by plays, over sampled listeners'
    /// slates (one listener in 64).
    pub slate_miscalibration: Option<f64>,
    /// Mean intra-list diversity of sampled slates: mean pairwise taste-space distance
    /// between a slate's tracks (taste units).
    pub slate_diversity: Option<f64>,
    /// Mean Jaccard index between a sampled listener's library and the most similar sampled
    /// library in their region, at the end of the week, 0..1 (Chaney et al. 2018).
    pub consumption_overlap: Option<f64>,
    /// Share of the released catalogue recommended at least once since the run began, 0..1.
    pub catalogue_recommended_share: Option<f64>,
    /// Mean utility of what sampled listeners chose per choice occasion, the outside option
    /// counted at its utility (utility units).
    pub mean_realised_utility: Option<f64>,
}

/// Counts behind the chart-run columns of [`WeekRow`] for one or more headline charts in
/// one week (for the `all` row: the regions' headline charts pooled).
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct ChartTurnover {
    /// Chart entries.
    pub entries: u64,
    /// Entries not on the same chart last week.
    pub new_entries: u64,
    /// Sum of the entries' `weeks_on_chart` (this week included).
    pub tenure_weeks: u64,
    /// Entries converted at the accelerated chart ratio.
    pub on_acr: u64,
}

impl ChartTurnover {
    /// The counts of this week's `chart` against last week's (`None` in week 0, when every
    /// entry is new).
    pub fn of(chart: &Chart, previous: Option<&Chart>) -> Self {
        let mut before: Vec<u32> = previous
            .map(|p| p.entries.iter().map(|e| e.track.0).collect())
            .unwrap_or_default();
        before.sort_unstable();
        let e = &chart.entries;
        Self {
            entries: e.len() as u64,
            new_entries: e
                .iter()
                .filter(|x| before.binary_search(&x.track.0).is_err())
                .count() as u64,
            tenure_weeks: e.iter().map(|x| u64::from(x.weeks_on_chart)).sum(),
            on_acr: e.iter().filter(|x| x.on_acr).count() as u64,
        }
    }

    /// Adds another chart's counts (pooling regions).
    pub fn add(&mut self, other: Self) {
        self.entries += other.entries;
        self.new_entries += other.new_entries;
        self.tenure_weeks += other.tenure_weeks;
        self.on_acr += other.on_acr;
    }

    /// Writes `chart_new_entries`, `chart_mean_tenure_weeks` and `chart_acr_share` into
    /// `row`; all stay empty when there are no entries.
    pub fn apply(&self, row: &mut WeekRow) {
        if self.entries == 0 {
            return;
        }
        let n = self.entries as f64;
        row.chart_new_entries = Some(u32::try_from(self.new_entries).unwrap_or(u32::MAX));
        row.chart_mean_tenure_weeks = Some(self.tenure_weeks as f64 / n);
        row.chart_acr_share = Some(self.on_acr as f64 / n);
    }
}

/// One row of `charts.csv`: a chart position.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct ChartRow {
    /// Run id.
    pub run: u32,
    /// Replicate world.
    pub replicate: u32,
    /// Policy name.
    pub policy: String,
    /// Region name.
    pub region: String,
    /// Rule set the chart was compiled under.
    pub rules: String,
    /// Chart week.
    pub week: u32,
    /// Position, 1 = No. 1.
    pub rank: u32,
    /// Track id.
    pub track: u32,
    /// Lead artist id.
    pub artist: u32,
    /// Chart units (sales-equivalent under the rules; streams under `raw`).
    pub units: f64,
    /// Streams counted after per-user caps.
    pub counted_streams: u64,
    /// Whether the accelerated chart ratio applied.
    pub on_acr: bool,
    /// Weeks on this chart, this week included.
    pub weeks_on_chart: u32,
    /// Whether the artist is from this region.
    pub local: bool,
    /// Units from organised fandom replay (a part of `units`).
    pub organised_units: f64,
    /// Whether this chart was the region's headline chart this week (the first rule set,
    /// or the one a `[[switches]]` entry switched to).
    pub headline: bool,
    /// Title of a named release; empty for generated tracks.
    pub title: String,
}

/// One row of `tracks.csv`: a track's streams over the whole run in one region (or `all`).
///
/// Every released track has an `all` row, streamed or not, so Lorenz curves and Gini
/// coefficients over the catalogue can be computed from this file alone; a region lists
/// only the tracks streamed there (the others had 0 streams in it).
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct TrackRow {
    /// Run id.
    pub run: u32,
    /// Replicate world.
    pub replicate: u32,
    /// Policy name.
    pub policy: String,
    /// Region name, or `all`.
    pub region: String,
    /// Track id.
    pub track: u32,
    /// Lead artist id.
    pub artist: u32,
    /// Genre name.
    pub genre: String,
    /// Region the artist comes from.
    pub origin: String,
    /// `major` or `independent`.
    pub label: crate::world::Label,
    /// Release day (negative: back catalogue, released before day 0).
    pub release_day: i32,
    /// Whether the track is a Christmas song.
    pub christmas: bool,
    /// Latent appeal in utility units (artist part plus track part; the catalogue's
    /// `appeal_sd` sets its spread).
    pub appeal: f32,
    /// Streams over all simulated weeks (uncapped).
    pub streams: u64,
    /// Distinct listeners who streamed it over the run, per real account (simulated
    /// listeners × `accounts_per_listener`); empty with `[measures] listeners_per_track`
    /// off.
    pub listeners: Option<u64>,
    /// Title of a named release; empty for generated tracks.
    pub title: String,
}

/// Run-level chart-run statistics of one region's headline chart.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ChartRunStats {
    /// Region name.
    pub region: String,
    /// Most weeks any track spent at No. 1 (not necessarily consecutive).
    pub no1_max_weeks: u32,
    /// Longest consecutive run at No. 1.
    pub no1_longest_run: u32,
    /// Number of different No. 1s.
    pub distinct_no1s: u32,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::chart::ChartEntry;
    use crate::ids::{ArtistId, TrackId};

    fn chart(entries: &[(u32, u32, bool)]) -> Chart {
        Chart {
            entries: entries
                .iter()
                .enumerate()
                .map(|(i, &(track, weeks, acr))| ChartEntry {
                    rank: i as u32 + 1,
                    track: TrackId(track),
                    artist: ArtistId(0),
                    units: 10.0 - i as f64,
                    counted_streams: 10,
                    on_acr: acr,
                    weeks_on_chart: weeks,
                })
                .collect(),
        }
    }

    #[test]
    fn turnover_by_hand() {
        let last = chart(&[(1, 3, false), (2, 1, false), (3, 9, false)]);
        // tracks 1 and 3 were on last week's chart; 7 and 8 were not
        let this = chart(&[(3, 10, true), (7, 1, false), (1, 4, false), (8, 2, false)]);
        let t = ChartTurnover::of(&this, Some(&last));
        assert_eq!(
            t,
            ChartTurnover {
                entries: 4,
                new_entries: 2,
                tenure_weeks: 17,
                on_acr: 1
            }
        );
        // week 0: every entry is new
        assert_eq!(ChartTurnover::of(&this, None).new_entries, 4);
        let mut pooled = t;
        pooled.add(ChartTurnover::of(&last, None));
        assert_eq!((pooled.entries, pooled.new_entries), (7, 5));
        assert_eq!(
            ChartTurnover::of(&Chart::default(), Some(&last)),
            ChartTurnover::default()
        );
    }
}
