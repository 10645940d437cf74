//! Ranking order, chart size and the per-artist cap.

use super::{one_week, tracks_of};
use crate::chart::{ChartCompiler, RuleSet};
use crate::ids::TrackId;

/// Artist 0 holds the five best tracks (10,000 … 9,600 premium streams = 100 … 96 uk
/// units); artist 1 has track 5 (50 units), artist 2 track 6 (40 units).
fn five_track_artist() -> Vec<super::Week> {
    vec![
        (10_000, 0, 0),
        (9_900, 0, 0),
        (9_800, 0, 0),
        (9_700, 0, 0),
        (9_600, 0, 0),
        (5_000, 0, 1),
        (4_000, 0, 2),
    ]
}

#[test]
fn uk_caps_an_artist_at_three_positions() {
    let chart = one_week(RuleSet::uk(), &five_track_artist());
    // tracks 3 and 4 are skipped: number 4 goes to artist 1's track 5
    assert_eq!(tracks_of(&chart), vec![0, 1, 2, 5, 6]);
    assert_eq!(chart.entries[3].rank, 4);
    assert_eq!(chart.entries[3].units, 50.0);
    assert_eq!(chart.rank_of(TrackId(3)), None);
}

#[test]
fn raw_allows_all_five() {
    let chart = one_week(RuleSet::raw(), &five_track_artist());
    assert_eq!(tracks_of(&chart), vec![0, 1, 2, 3, 4, 5, 6]);
    let ranks: Vec<u32> = chart.entries.iter().map(|e| e.rank).collect();
    assert_eq!(ranks, vec![1, 2, 3, 4, 5, 6, 7]);
}

#[test]
fn cap_falls_back_past_the_headroom() {
    // chart of 3 with 1 track per artist: artist 0 holds the 8 best tracks, more than
    // the 3 × 2 = 6 head candidates, so the rest must be ranked too.
    let mut rules = RuleSet::raw();
    rules.chart_size = 3;
    rules.max_tracks_per_artist = Some(1);
    let mut week: Vec<super::Week> = (0..8).map(|i| (100 - i, 0, 0)).collect();
    week.extend([(10, 0, 1), (30, 0, 2), (20, 0, 3), (5, 0, 1)]);
    let chart = one_week(rules, &week);
    // artist 0's best (track 0, 100), then artist 2 (track 9, 30), artist 3 (track 10, 20)
    assert_eq!(tracks_of(&chart), vec![0, 9, 10]);
}

#[test]
fn ties_break_on_counted_streams_then_track_id() {
    // uk: track 0 = 100 / 100 = 1 unit (100 counted); track 1 = 600 / 600 = 1 unit (600
    // counted); track 2 = same as track 0; track 3 = 200 / 100 = 2 units.
    let week = [(100, 0, 0), (0, 600, 1), (100, 0, 2), (200, 0, 3)];
    let chart = one_week(RuleSet::uk(), &week);
    // 2 units first; among 1 unit: 600 counted before 100; then id 0 before id 2
    assert_eq!(tracks_of(&chart), vec![3, 1, 0, 2]);
}

#[test]
fn ties_are_stable_across_catalogue_order() {
    // 20 tracks with identical streams rank by id, even when the selection cuts the tie
    let mut rules = RuleSet::raw();
    rules.chart_size = 5;
    let week: Vec<super::Week> = (0..20).map(|i| (7, 3, i)).collect();
    let chart = one_week(rules, &week);
    assert_eq!(tracks_of(&chart), vec![0, 1, 2, 3, 4]);
}

#[test]
fn chart_is_cut_at_chart_size() {
    let mut rules = RuleSet::raw();
    rules.chart_size = 2;
    let chart = one_week(rules, &[(1, 0, 0), (3, 0, 1), (2, 0, 2), (4, 0, 3)]);
    assert_eq!(tracks_of(&chart), vec![3, 1]);
    assert_eq!(chart.number_one(), Some(TrackId(3)));
    assert_eq!(chart.top(1).len(), 1);
    assert_eq!(chart.top(10).len(), 2);
}

#[test]
fn same_plays_under_three_rule_sets() {
    // Track 0: 1,000 premium; track 1: 3,000 ad-supported.
    // uk: 1,000 / 100 = 10 units vs 3,000 / 600 = 5 units → track 0 first.
    // raw/melon: 1,000 vs 3,000 units → track 1 first.
    let week = [(1_000, 0, 0), (0, 3_000, 1)];
    let uk = one_week(RuleSet::uk(), &week);
    let raw = one_week(RuleSet::raw(), &week);
    let melon = one_week(RuleSet::melon(), &week);
    assert_eq!(uk.number_one(), Some(TrackId(0)));
    assert_eq!(raw.number_one(), Some(TrackId(1)));
    assert_eq!(melon.number_one(), Some(TrackId(1)));
    assert_eq!(ChartCompiler::new(RuleSet::uk(), 2).rules(), &RuleSet::uk());
}
