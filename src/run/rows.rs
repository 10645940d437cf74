//! The records a run produces: one per week and region, one per chart position.
//!
//! Field order is column order in `metrics.csv` and `charts.csv`; every field's meaning
//! and unit is documented here and in `docs/METRICS.md`.

use serde::Serialize;

/// One row of `metrics.csv`: a region's (or all regions') week in one run.
#[derive(Clone, Debug, PartialEq, Serialize)]
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
    /// Share of the headline chart's Top 10 entries by local artists, 0..1 (empty for `all`).
    pub local_share_top10: Option<f64>,
    /// Share of the headline chart's Top 100 entries by local artists, 0..1 (empty for `all`).
    pub local_share_top100: Option<f64>,
    /// Shannon entropy (nats) of the genre mix of all the region's streams.
    pub genre_entropy_aggregate: f64,
    /// Mean over active listeners of the Shannon entropy (nats) of their own genre mix.
    pub genre_entropy_individual: f64,
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
}

/// One row of `charts.csv`: a chart position.
#[derive(Clone, Debug, PartialEq, Serialize)]
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
