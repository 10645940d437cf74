//! The accelerated chart ratio over multi-week sequences fed to the real compiler.
//!
//! Track 0 is the subject (artist 0); track 1 is a steady 100,000-premium-stream filler
//! (artist 1) that sets the market, so the market moves by track 0's change only.

use crate::chart::{ChartCompiler, RuleSet};
use crate::ids::TrackId;

const FILLER: u32 = 100_000;

/// Feeds track 0's premium streams week by week; returns, per week, track 0's (units,
/// on_acr) as charted.
fn run(rules: RuleSet, subject: &[u32]) -> (ChartCompiler, Vec<(f64, bool)>) {
    let mut c = ChartCompiler::new(rules, 2);
    let mut out = Vec::new();
    for &p in subject {
        let chart = c.compile_week(&[(p, 0, 0), (FILLER, 0, 1)]);
        let e = super::entry(&chart, 0);
        out.push((e.units, e.on_acr));
    }
    (c, out)
}

#[test]
fn long_runner_declining_three_weeks_goes_on_then_resets() {
    let mut subject = vec![12_000; 9]; // weeks 1–9: flat, as flat as the market
    subject.extend([
        10_000, // week 10: −16.7% vs market 110,000/112,000 −1.8% → streak 1
        8_000,  // week 11: −20% vs −1.8% → streak 2
        6_000,  // week 12: −25% vs −1.9% → streak 3, 11 weeks on chart → ON
        6_000,  // week 13: 0% vs 0% → streak 0, stays on
        7_200,  // week 14: +20% vs 107,200/106,000 +1.1% → gap 18.9 points, stays on
        9_600,  // week 15: +33.3% vs 109,600/107,200 +2.2% → gap 31.1 points → OFF
    ]);
    let (c, weeks) = run(RuleSet::uk(), &subject);
    let flags: Vec<bool> = weeks.iter().map(|w| w.1).collect();
    let mut expected = vec![false; 11];
    expected.extend([true, true, true, false]);
    assert_eq!(flags, expected);
    // units: standard p / 100, on ACR p / 200
    assert_eq!(weeks[10].0, 80.0); // week 11: 8,000 / 100
    assert_eq!(weeks[11].0, 30.0); // week 12: 6,000 / 200
    assert_eq!(weeks[12].0, 30.0); // week 13: 6,000 / 200
    assert_eq!(weeks[13].0, 36.0); // week 14: 7,200 / 200
    assert_eq!(weeks[14].0, 96.0); // week 15: 9,600 / 100
    assert!(!c.is_on_acr(TrackId(0)));

    // the same streams without ACR: week 13's 6,000 streams are 60 units, twice 30
    let mut no_acr = RuleSet::uk();
    no_acr.acr = None;
    let (_, plain) = run(no_acr, &subject);
    assert_eq!(plain[12].0, 60.0);
    assert_eq!(weeks[12].0 * 2.0, plain[12].0);
    assert!(plain.iter().all(|w| !w.1));
}

#[test]
fn no_acr_before_nine_weeks_on_chart() {
    // declines relative to the market every week from week 2: 100,000, 95,000, …
    let subject: Vec<u32> = (0..12).map(|w| 100_000 - 5_000 * w).collect();
    let (_, weeks) = run(RuleSet::uk(), &subject);
    let flags: Vec<bool> = weeks.iter().map(|w| w.1).collect();
    // week w has w − 1 weeks on chart before it: weeks 1–9 have at most 8 → off;
    // week 10 has 9 and a streak of 9 → on
    let mut expected = vec![false; 9];
    expected.extend([true, true, true]);
    assert_eq!(flags, expected);
    // week 10: 55,000 / 200 = 275 units (standard would be 550)
    assert_eq!(weeks[9].0, 275.0);
}

#[test]
fn a_track_that_never_charts_never_goes_on() {
    // chart of 1 held by the filler: track 0 declines for 20 weeks but has 0 weeks on chart
    let mut rules = RuleSet::uk();
    rules.chart_size = 1;
    let mut c = ChartCompiler::new(rules, 2);
    for w in 0..20 {
        let chart = c.compile_week(&[(50_000 - 2_000 * w, 0, 0), (FILLER, 0, 1)]);
        assert_eq!(super::tracks_of(&chart), vec![1]);
        assert!(!c.is_on_acr(TrackId(0)));
    }
    assert_eq!(c.weeks_on_chart(TrackId(0)), 0);
    assert_eq!(c.weeks_on_chart(TrackId(1)), 20);
}

#[test]
fn a_track_outgrowing_the_market_never_goes_on() {
    // +1,000 a week: track growth 1,000 / x beats market growth 1,000 / (x + 100,000)
    let subject: Vec<u32> = (0..30).map(|w| 10_000 + 1_000 * w).collect();
    let (c, weeks) = run(RuleSet::uk(), &subject);
    assert!(weeks.iter().all(|w| !w.1));
    assert_eq!(weeks[29].0, 390.0); // 39,000 / 100
    assert_eq!(c.weeks_on_chart(TrackId(0)), 30);
}

#[test]
fn rule_sets_without_acr_never_flag() {
    let subject: Vec<u32> = (0..15).map(|w| 100_000 - 5_000 * w).collect();
    for rules in [RuleSet::melon(), RuleSet::raw()] {
        let (_, weeks) = run(rules, &subject);
        assert!(weeks.iter().all(|w| !w.1));
        // units = counted streams: week 15 has 30,000
        assert_eq!(weeks[14].0, 30_000.0);
    }
}

#[test]
fn a_track_over_three_years_old_is_on_acr_from_its_first_week() {
    // Track 0 released 1,096 days before day 0 (over 3 × 365 = 1,095), track 1 on day −1,095
    // (exactly 3 years: not over). Same 12,000 premium streams each, week 0 of the run.
    let release = [-1_096, -1_095];
    let mut c = ChartCompiler::new(RuleSet::uk(), 2).with_tracks(release, [false, false]);
    let chart = c.compile_week(&[(12_000, 0, 0), (12_000, 0, 1)]);
    let (old, young) = (super::entry(&chart, 0), super::entry(&chart, 1));
    assert!(old.on_acr && !young.on_acr);
    assert_eq!(old.units, 60.0); // 12,000 / 200
    assert_eq!(young.units, 120.0); // 12,000 / 100
    // a week later (chart week 1 starts on day 7) the younger track is over 3 years too
    let chart = c.compile_week(&[(12_000, 0, 0), (12_000, 0, 1)]);
    assert!(super::entry(&chart, 1).on_acr);
    // and growth cannot take an old track off ACR
    let chart = c.compile_week(&[(48_000, 0, 0), (12_000, 0, 1)]);
    assert_eq!(super::entry(&chart, 0).units, 240.0);
    // without the age rule, neither is on ACR in week 0
    let mut rules = RuleSet::uk();
    rules.acr.as_mut().expect("uk has acr").old_track_days = None;
    let mut c = ChartCompiler::new(rules, 2).with_tracks(release, [false, false]);
    let chart = c.compile_week(&[(12_000, 0, 0), (12_000, 0, 1)]);
    assert!(chart.entries.iter().all(|e| !e.on_acr));
}
