//! Streams → units under each built-in rule set.

use super::{entry, one_week};
use crate::chart::{Chart, ChartCompiler, RuleSet};
use crate::ids::{ArtistId, TrackId};

#[test]
fn uk_standard_ratio() {
    // 9,000 / 100 + 6,000 / 600 = 90 + 10 = 100 units
    let chart = one_week(RuleSet::uk(), &[(9_000, 6_000, 0)]);
    let e = entry(&chart, 0);
    assert_eq!(e.units, 100.0);
    assert_eq!(e.counted_streams, 15_000);
    assert!(!e.on_acr);
    assert_eq!((e.rank, e.weeks_on_chart), (1, 1));
}

#[test]
fn uk_accelerated_ratio_halves_units() {
    // on ACR: 9,000 / 200 + 6,000 / 1,200 = 45 + 5 = 50 units, exactly half of 100.
    // Reach ACR directly: a custom rule set that needs no weeks and one relative decline.
    let mut rules = RuleSet::uk();
    let acr = rules.acr.as_mut().expect("uk has acr");
    acr.min_weeks_on_chart = 0;
    acr.decline_weeks = 1;
    let mut c = ChartCompiler::new(rules, 2);
    // week 1: track 0 at 18,000 + 12,000 = 30,000; track 1 at 30,000 (market 60,000)
    c.compile_week(&[(18_000, 12_000, 0), (30_000, 0, 1)]);
    // week 2: track 0 halves (−50%) while the market only falls to 45,000 (−25%)
    let chart = c.compile_week(&[(9_000, 6_000, 0), (30_000, 0, 1)]);
    let e = entry(&chart, 0);
    assert!(e.on_acr);
    assert_eq!(e.units, 50.0);
    // track 1 (+0% vs market −25%) stays standard: 30,000 / 100 = 300
    assert_eq!(entry(&chart, 1).units, 300.0);
}

#[test]
fn melon_and_raw_count_every_stream_as_a_unit() {
    for rules in [RuleSet::melon(), RuleSet::raw()] {
        // 7 + 5 = 12 counted streams = 12 units; 3 + 0 = 3 units
        let chart = one_week(rules, &[(7, 5, 0), (3, 0, 1)]);
        assert_eq!(entry(&chart, 0).units, 12.0);
        assert_eq!(entry(&chart, 0).counted_streams, 12);
        assert_eq!(entry(&chart, 1).units, 3.0);
    }
}

#[test]
fn tracks_without_streams_are_not_charted() {
    let chart = one_week(RuleSet::raw(), &[(0, 0, 0), (1, 0, 0), (0, 0, 1)]);
    assert_eq!(chart.entries.len(), 1);
    assert_eq!(chart.number_one(), Some(TrackId(1)));
    assert_eq!(chart.rank_of(TrackId(0)), None);
}

#[test]
fn empty_week_gives_an_empty_chart() {
    let chart = one_week(RuleSet::uk(), &[(0, 0, 0), (0, 0, 1)]);
    assert_eq!(chart, Chart::default());
    assert_eq!(chart.number_one(), None);
    assert!(chart.top(10).is_empty());
}

#[test]
fn weeks_on_chart_counts_charted_weeks_only() {
    let mut rules = RuleSet::raw();
    rules.chart_size = 1;
    let mut c = ChartCompiler::new(rules, 2);
    // week 1: track 0 is number one; week 2: track 1 is; week 3: track 0 again
    c.compile_week(&[(10, 0, 0), (5, 0, 1)]);
    c.compile_week(&[(4, 0, 0), (5, 0, 1)]);
    let chart = c.compile_week(&[(10, 0, 0), (5, 0, 1)]);
    assert_eq!(entry(&chart, 0).weeks_on_chart, 2);
    assert_eq!(c.weeks_on_chart(TrackId(0)), 2);
    assert_eq!(c.weeks_on_chart(TrackId(1)), 1);
    assert_eq!(c.weeks_compiled(), 3);
    assert_eq!(c.last_market(), 15);
}

#[test]
#[should_panic(expected = "ad-supported streams: one count per track")]
fn mismatched_lengths_panic() {
    let mut c = ChartCompiler::new(RuleSet::uk(), 3);
    c.compile(&[1, 2, 3], &[1, 2], &[ArtistId(0); 3]);
}

#[test]
#[should_panic(expected = "chart_size: must be at least 1, got 0")]
fn invalid_rules_panic_in_new() {
    let mut rules = RuleSet::raw();
    rules.chart_size = 0;
    let _ = ChartCompiler::new(rules, 3);
}
