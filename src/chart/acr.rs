//! The accelerated chart ratio (ACR) as a per-track state machine.
//!
//! Whether a track is converted at the standard or the accelerated ratio depends on its
//! history (weeks on chart, a streak of weeks losing ground to the market), so the
//! decision is a small state machine. It is kept apart from the compiler, as a pure
//! [`AcrState::step`], so each transition can be tested on its own and further
//! history-dependent rules (such as a January reset) can be added beside it.

use super::rules::AcrRule;

/// A rounding allowance for the reset test, so that a growth gap of exactly
/// `reset_growth_points` is not lost to floating-point error in the subtraction.
const RESET_TOLERANCE: f64 = 1e-9;

/// One week's change of a track and of the whole market, as fractions of last week
/// (`-0.1` = down 10%).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct WeekChange {
    /// (this week's counted streams − last week's) / last week's, for the track.
    pub track_change: f64,
    /// (this week's market total − last week's) / last week's, for all tracks together.
    pub market_change: f64,
}

impl WeekChange {
    /// The change from `last` to `this` counted streams of a track against the change from
    /// `market_prev` to `market` counted streams over all tracks. `None` when either last
    /// value is 0 (no base to compare against).
    pub fn between(last: u64, this: u64, market_prev: u64, market: u64) -> Option<Self> {
        if last == 0 || market_prev == 0 {
            return None;
        }
        Some(Self {
            track_change: relative_change(last, this),
            market_change: relative_change(market_prev, market),
        })
    }

    /// Whether the track did worse than the market (its change is strictly below the
    /// market's).
    #[inline]
    pub fn declined_vs_market(&self) -> bool {
        self.track_change < self.market_change
    }

    /// The track's change minus the market's, as a fraction (0.25 = 25 percentage points).
    #[inline]
    pub fn growth_gap(&self) -> f64 {
        self.track_change - self.market_change
    }
}

/// (this − last) / last; `last` must be > 0. Counts below 2^53 convert exactly, so equal
/// ratios give equal floats.
fn relative_change(last: u64, this: u64) -> f64 {
    (this as f64 - last as f64) / last as f64
}

/// The ACR history of one track.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct AcrState {
    /// Consecutive weeks (up to and including the last step) in which the track's change
    /// was below the market's.
    pub decline_streak: u32,
    /// Whether the track is converted at the accelerated ratio.
    pub on_acr: bool,
}

impl AcrState {
    /// The state after one week.
    ///
    /// * `weeks_on_chart`: weeks the track has appeared in the chart before this week.
    /// * `change`: this week's change against last week, `None` when last week's track or
    ///   market total was 0.
    ///
    /// Transitions, in order:
    /// 1. `None` change: the streak resets to 0 and the flag is unchanged.
    /// 2. The streak grows by one if the track declined relative to the market, else
    ///    resets to 0.
    /// 3. On ACR: off when `track_change − market_change ≥ reset_growth_points` (the
    ///    streak resets to 0).
    /// 4. Not on ACR: on when `weeks_on_chart ≥ min_weeks_on_chart` and
    ///    `streak ≥ decline_weeks`.
    ///
    /// The result applies to this week's units.
    #[must_use]
    pub fn step(self, rule: &AcrRule, weeks_on_chart: u32, change: Option<WeekChange>) -> Self {
        let Some(change) = change else {
            return Self {
                decline_streak: 0,
                on_acr: self.on_acr,
            };
        };
        let decline_streak = if change.declined_vs_market() {
            self.decline_streak.saturating_add(1)
        } else {
            0
        };
        if self.on_acr {
            if change.growth_gap() >= rule.reset_growth_points - RESET_TOLERANCE {
                Self {
                    decline_streak: 0,
                    on_acr: false,
                }
            } else {
                Self {
                    decline_streak,
                    on_acr: true,
                }
            }
        } else {
            Self {
                decline_streak,
                on_acr: weeks_on_chart >= rule.min_weeks_on_chart
                    && decline_streak >= rule.decline_weeks,
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rule() -> AcrRule {
        AcrRule::uk()
    }

    /// Track down 10%, market down 5%: a relative decline.
    fn decline() -> Option<WeekChange> {
        WeekChange::between(1000, 900, 20_000, 19_000)
    }

    #[test]
    fn week_change_fractions() {
        // (900 − 1000) / 1000 = −0.1; (19,000 − 20,000) / 20,000 = −0.05.
        let c = decline().expect("both bases are positive");
        assert_eq!(c.track_change, -0.1);
        assert_eq!(c.market_change, -0.05);
        assert!(c.declined_vs_market());
        assert_eq!(WeekChange::between(0, 900, 20_000, 19_000), None);
        assert_eq!(WeekChange::between(1000, 900, 0, 19_000), None);
    }

    #[test]
    fn equal_changes_are_not_a_decline() {
        // −10 / 100 and −1,000 / 10,000 are the same rational, so the same float.
        let c = WeekChange::between(100, 90, 10_000, 9_000).expect("positive bases");
        assert!(!c.declined_vs_market());
        assert_eq!(
            AcrState::default()
                .step(&rule(), 20, Some(c))
                .decline_streak,
            0
        );
    }

    #[test]
    fn three_declines_after_nine_weeks_go_on() {
        let mut s = AcrState::default();
        for week in 1..=3 {
            s = s.step(&rule(), 9, decline());
            assert_eq!(s.decline_streak, week);
            assert_eq!(s.on_acr, week == 3, "week {week}");
        }
    }

    #[test]
    fn eight_weeks_on_chart_is_too_few() {
        let mut s = AcrState::default();
        for _ in 0..20 {
            s = s.step(&rule(), 8, decline());
        }
        assert!(!s.on_acr);
        assert_eq!(s.decline_streak, 20);
        // the first step with 9 weeks and a long streak goes on at once
        assert!(s.step(&rule(), 9, decline()).on_acr);
    }

    #[test]
    fn a_missing_base_resets_the_streak_but_keeps_the_flag() {
        let on = AcrState {
            decline_streak: 5,
            on_acr: true,
        };
        assert_eq!(
            on.step(&rule(), 30, None),
            AcrState {
                decline_streak: 0,
                on_acr: true
            }
        );
        let off = AcrState {
            decline_streak: 2,
            on_acr: false,
        };
        assert_eq!(off.step(&rule(), 30, None), AcrState::default());
    }

    #[test]
    fn reset_needs_a_gap_of_25_points() {
        let on = AcrState {
            decline_streak: 4,
            on_acr: true,
        };
        // track +30%, market +5%: gap exactly 0.25 → off
        let exact = WeekChange::between(1000, 1300, 20_000, 21_000);
        assert_eq!(on.step(&rule(), 12, exact), AcrState::default());
        // track +29.9%, market +5%: gap 0.249 → stays on, streak resets (no decline)
        let short = WeekChange::between(1000, 1299, 20_000, 21_000);
        assert_eq!(
            on.step(&rule(), 12, short),
            AcrState {
                decline_streak: 0,
                on_acr: true
            }
        );
        // a further decline keeps it on and lengthens the streak
        assert_eq!(
            on.step(&rule(), 12, decline()),
            AcrState {
                decline_streak: 5,
                on_acr: true
            }
        );
    }
}
