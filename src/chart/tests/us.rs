//! The Billboard-style `us` rule sets: stream weights and the recurrent rule.

use super::{entry, one_week, tracks_of};
use crate::chart::{ChartCompiler, RecurrentRule, RuleSet};
use crate::ids::TrackId;

#[test]
fn us_legacy_weights_paid_one_ad_two_thirds() {
    // 9,000 paid + 6,000 ad-supported: 9,000 / 1 + 6,000 / 1.5 = 9,000 + 4,000 = 13,000
    for rules in [RuleSet::us(), RuleSet::us2025()] {
        let chart = one_week(rules, &[(9_000, 6_000, 0)]);
        assert_eq!(entry(&chart, 0).units, 13_000.0);
        assert_eq!(entry(&chart, 0).counted_streams, 15_000);
    }
}

#[test]
fn us2026_weights_paid_to_ad_one_to_two_and_a_half() {
    // 9,000 / 1 + 6,000 / 2.5 = 9,000 + 2,400 = 11,400
    let chart = one_week(RuleSet::us2026(), &[(9_000, 6_000, 0)]);
    assert_eq!(entry(&chart, 0).units, 11_400.0);
    let us = RuleSet::us2026();
    assert_eq!(us.premium_streams_per_unit / us.ad_streams_per_unit, 0.4);
}

#[test]
fn us_rule_sets_have_no_caps_and_a_top_100() {
    for rules in [RuleSet::us(), RuleSet::us2025(), RuleSet::us2026()] {
        assert_eq!(rules.per_user_daily_cap, None);
        assert_eq!(rules.max_tracks_per_artist, None);
        assert_eq!(rules.acr, None);
        assert_eq!(rules.chart_size, 100);
        assert_eq!(rules.validate(), Ok(()));
    }
    assert_eq!(RuleSet::us().recurrent, Some(RecurrentRule::legacy()));
    assert_eq!(RuleSet::us2026().recurrent, Some(RecurrentRule::y2025()));
}

#[test]
fn recurrent_thresholds_by_hand() {
    let legacy = RecurrentRule::legacy();
    // No. 30 after 53 weeks, descending: below No. 25 after 52 → removed
    assert!(legacy.removes(53, 30, true));
    // the same track rising stays
    assert!(!legacy.removes(53, 30, false));
    // No. 25 is not "below No. 25"
    assert!(!legacy.removes(53, 25, true));
    // 20 weeks and No. 51 → removed; 19 weeks → stays
    assert!(legacy.removes(20, 51, true));
    assert!(!legacy.removes(19, 51, true));
    // legacy keeps a 78-week track at No. 6; the 2025 rule removes it (below No. 5)
    assert!(!legacy.removes(78, 6, true));
    let new = RecurrentRule::y2025();
    assert!(new.removes(78, 6, true));
    assert!(!new.removes(77, 6, true));
    assert!(new.removes(52, 11, true));
    assert!(new.removes(26, 26, true));
    assert!(!new.removes(26, 25, true));
}

/// 60 filler tracks (ids 1..=60, artist = id) with units 1,000 + 10 × id, so filler 60
/// is No. 1 and filler 31 is No. 30; track 0 (artist 0) gets `subject` premium streams.
fn week(subject: u32) -> Vec<(u32, u32, u32)> {
    let mut w = vec![(subject, 0, 0)];
    w.extend((1..=60).map(|id| (1_000 + 10 * id, 0, id)));
    w
}

/// Charts track 0 for 53 weeks at No. 1 (a steady 10,000 streams), then one week with
/// `last` streams; returns the compiler and the last chart.
fn after_53_weeks(rules: RuleSet, last: u32) -> (ChartCompiler, crate::chart::Chart) {
    let mut c = ChartCompiler::new(rules, 61);
    for _ in 0..53 {
        c.compile_week(&week(10_000));
    }
    assert_eq!(c.weeks_on_chart(TrackId(0)), 53);
    let chart = c.compile_week(&week(last));
    (c, chart)
}

#[test]
fn descending_long_runner_at_30_is_removed_under_legacy() {
    // week 54: 1,315 streams puts track 0 below fillers 32..=60 (1,320 … 1,600, 29
    // tracks): No. 30 — and it is down from 10,000, so descending → removed.
    let (mut c, chart) = after_53_weeks(RuleSet::us(), 1_315);
    assert_eq!(chart.rank_of(TrackId(0)), None);
    assert!(c.is_retired(TrackId(0)));
    // the tracks below move up: filler 31 (1,310) takes No. 30; 60 fillers remain
    assert_eq!(chart.rank_of(TrackId(31)), Some(30));
    assert_eq!(chart.entries.len(), 60);
    // removal is for good: even a return to No. 1 does not bring it back
    let later = c.compile_week(&week(10_000));
    assert_eq!(later.rank_of(TrackId(0)), None);
    assert_eq!(c.weeks_on_chart(TrackId(0)), 53);
}

#[test]
fn rising_long_runner_at_30_stays() {
    // 53 flat weeks at 1,200 streams (No. 41, never descending, so never removed), then
    // the same No. 30 as above reached while rising: it stays
    let mut c = ChartCompiler::new(RuleSet::us(), 61);
    for _ in 0..53 {
        let chart = c.compile_week(&week(1_200));
        assert_eq!(chart.rank_of(TrackId(0)), Some(41));
    }
    let chart = c.compile_week(&week(1_315));
    assert_eq!(chart.rank_of(TrackId(0)), Some(30));
    assert_eq!(entry(&chart, 0).weeks_on_chart, 54);
    assert!(!c.is_retired(TrackId(0)));
    // and a fall back to 1,200 (descending, No. 41 after 54 weeks) removes it
    let chart = c.compile_week(&week(1_200));
    assert_eq!(chart.rank_of(TrackId(0)), None);
}

#[test]
fn descending_at_25_stays_under_legacy_but_goes_under_2025() {
    // 1,365 streams: below fillers 37..=60 (1,370 … 1,600, 24 tracks) → No. 25;
    // 1,355: also below filler 36 (1,360) → No. 26.
    let (_, chart) = after_53_weeks(RuleSet::us(), 1_365);
    assert_eq!(chart.rank_of(TrackId(0)), Some(25));
    let (_, chart) = after_53_weeks(RuleSet::us(), 1_355);
    assert_eq!(chart.rank_of(TrackId(0)), None);
    // 2025 rule: below No. 10 after 52 weeks → No. 25 goes
    let (c, chart) = after_53_weeks(RuleSet::us2025(), 1_365);
    assert_eq!(chart.rank_of(TrackId(0)), None);
    assert!(c.is_retired(TrackId(0)));
    assert_eq!(tracks_of(&chart).len(), 60);
}

#[test]
fn recurrent_validation_names_the_field() {
    let mut r = RuleSet::us();
    r.recurrent = Some(RecurrentRule::from_pairs(&[]));
    assert_eq!(
        r.validate(),
        Err("recurrent.thresholds: must list at least one threshold".to_string())
    );
    r.recurrent = Some(RecurrentRule::from_pairs(&[(52, 25), (20, 0)]));
    assert_eq!(
        r.validate(),
        Err("recurrent.thresholds[1].below_rank: must be at least 1, got 0".to_string())
    );
    r.recurrent = Some(RecurrentRule::from_pairs(&[(0, 25)]));
    assert!(
        r.validate()
            .unwrap_err()
            .starts_with("recurrent.thresholds[0].min_weeks_on_chart:")
    );
}

#[test]
fn a_holiday_song_is_exempt_from_the_recurrent_rule() {
    // The same 53 weeks and the same descending No. 30 as above, but track 0 is tagged as
    // a holiday song: it stays (FACTS: "holiday songs may return").
    let holiday: Vec<bool> = (0..61).map(|t| t == 0).collect();
    let mut c = ChartCompiler::new(RuleSet::us(), 61).with_tracks([0; 61], holiday.as_slice());
    for _ in 0..53 {
        c.compile_week(&week(10_000));
    }
    let chart = c.compile_week(&week(1_315));
    assert_eq!(chart.rank_of(TrackId(0)), Some(30));
    assert!(!c.is_retired(TrackId(0)));
    // with the exemption switched off it goes, as an untagged track does
    let mut rules = RuleSet::us();
    rules.recurrent.as_mut().expect("us has one").holiday_exempt = false;
    let mut c = ChartCompiler::new(rules, 61).with_tracks([0; 61], holiday.as_slice());
    for _ in 0..53 {
        c.compile_week(&week(10_000));
    }
    assert_eq!(c.compile_week(&week(1_315)).rank_of(TrackId(0)), None);
}
