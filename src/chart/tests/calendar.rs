//! The fixed calendar and the ACR January reset.

use crate::chart::compile::{is_december_week, is_first_january_week, week_start_date};
use crate::chart::{ChartCompiler, RuleSet};
use crate::ids::TrackId;

#[test]
fn day_zero_is_friday_2_january_2026() {
    assert_eq!(week_start_date(0), (2026, 1, 2));
    assert_eq!(week_start_date(1), (2026, 1, 9));
    assert_eq!(week_start_date(8), (2026, 2, 27));
    assert_eq!(week_start_date(9), (2026, 3, 6));
    // 2 Jan 2026 + 48 × 7 = 336 days = 4 Dec 2026; + 52 weeks = 1 Jan 2027
    assert_eq!(week_start_date(47), (2026, 11, 27));
    assert_eq!(week_start_date(48), (2026, 12, 4));
    assert_eq!(week_start_date(51), (2026, 12, 25));
    assert_eq!(week_start_date(52), (2027, 1, 1));
    assert_eq!(week_start_date(53), (2027, 1, 8));
    // 2028 is a leap year: 29 February is a Friday
    assert_eq!(week_start_date(112), (2028, 2, 25));
    assert_eq!(week_start_date(113), (2028, 3, 3));
    assert!(is_first_january_week(0) && is_first_january_week(52));
    assert!(!is_first_january_week(1) && !is_first_january_week(53));
    let decembers: Vec<u32> = (0..60).filter(|&w| is_december_week(w)).collect();
    assert_eq!(decembers, vec![48, 49, 50, 51]);
}

/// Track 0 (artist 0) gets `subject[w]` premium streams in week w; track 1 (artist 1) is a
/// steady 100,000-stream filler. Returns track 0's on_acr flag per week.
fn acr_flags(rules: RuleSet, subject: &[u32]) -> (ChartCompiler, Vec<bool>) {
    let mut c = ChartCompiler::new(rules, 2);
    let flags = subject
        .iter()
        .map(|&p| {
            let chart = c.compile_week(&[(p, 0, 0), (100_000, 0, 1)]);
            chart
                .entries
                .iter()
                .any(|e| e.track == TrackId(0) && e.on_acr)
        })
        .collect();
    (c, flags)
}

/// Weeks 0–47 flat at 50,000, then declining 10% a week from week 48 (4 December 2026):
/// the third decline (week 50, 18 December) puts the track on ACR.
fn december_decline(weeks: usize) -> Vec<u32> {
    let mut s = vec![50_000u32; 48];
    let mut p = 50_000u32;
    while s.len() < weeks {
        p = p / 10 * 9;
        s.push(p);
    }
    s
}

#[test]
fn december_acr_is_reset_in_the_first_january_week() {
    let subject = december_decline(55);
    let (_, flags) = acr_flags(RuleSet::uk(), &subject);
    // on from week 50 (third relative decline), still on in week 51 (25 December)
    assert_eq!(&flags[47..52], &[false, false, false, true, true]);
    // week 52 (Friday 1 January 2027): back to the standard ratio, streak restarted at 0
    // (this week's decline makes it 1); week 53: streak 2; week 54: streak 3 → on again
    assert_eq!(&flags[52..55], &[false, false, true]);
}

#[test]
fn without_january_reset_december_acr_stays() {
    let subject = december_decline(55);
    let mut rules = RuleSet::uk();
    rules.acr.as_mut().expect("uk has acr").january_reset = false;
    let (_, flags) = acr_flags(rules, &subject);
    assert!(flags[50..55].iter().all(|&f| f));
}

#[test]
fn acr_from_before_december_is_not_reset() {
    // decline from week 44 (6 November): third decline in week 46 (20 November) → on;
    // the January week does not reset it.
    let mut subject = vec![50_000u32; 44];
    let mut p = 50_000u32;
    while subject.len() < 55 {
        p = p / 10 * 9;
        subject.push(p);
    }
    assert_eq!(week_start_date(46), (2026, 11, 20));
    let (_, flags) = acr_flags(RuleSet::uk(), &subject);
    assert!(!flags[45]);
    assert!(flags[46..55].iter().all(|&f| f));
}
