//! Tests of the chart compiler fed through its public API, with hand-computed expectations.

mod acr_weeks;
mod calendar;
mod props;
mod ranking;
mod units;
mod us;

use super::{Chart, ChartCompiler, RuleSet};
use crate::ids::{ArtistId, TrackId};

/// One track's week: (premium streams, ad-supported streams, lead artist).
type Week = (u32, u32, u32);

/// A compiler for `tracks.len()` tracks and one week compiled from `tracks`.
fn one_week(rules: RuleSet, tracks: &[Week]) -> Chart {
    ChartCompiler::new(rules, tracks.len()).compile_week(tracks)
}

impl ChartCompiler {
    /// Compiles one week given as per-track tuples.
    fn compile_week(&mut self, tracks: &[Week]) -> Chart {
        let premium: Vec<u32> = tracks.iter().map(|w| w.0).collect();
        let ad: Vec<u32> = tracks.iter().map(|w| w.1).collect();
        let artists: Vec<ArtistId> = tracks.iter().map(|w| ArtistId(w.2)).collect();
        self.compile(&premium, &ad, &artists)
    }
}

/// The charted track ids, in rank order.
fn tracks_of(chart: &Chart) -> Vec<u32> {
    chart.entries.iter().map(|e| e.track.0).collect()
}

/// The entry of `track`, panicking when it is not charted.
fn entry(chart: &Chart, track: u32) -> &super::ChartEntry {
    chart
        .entries
        .iter()
        .find(|e| e.track == TrackId(track))
        .expect("track is charted")
}
