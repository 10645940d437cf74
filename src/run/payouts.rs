//! Settling each accounting month of a run: every region's revenue pool split among
//! artists under each of the scenario's payout rules, from the same plays.
//!
//! Months are the calendar months of the simulated year (day 0 is [`DAY0_DATE`]); a month
//! is settled after its last simulated day, or at the end of the run. Each simulated
//! listener stands for `accounts_per_listener` real accounts (a fan streaming from several
//! accounts pays for each of them), and each of those accounts pays its region's
//! `subscription_price` (premium) or `ad_revenue_per_account` (ad-supported) times
//! `rights_share`, prorated by the share of the month simulated (the first and last
//! months of a run may be partial). A track's streams over twelve months, for a track
//! minimum, are its streams in every region in the chart weeks closed so far, scaled to
//! 52 weeks. Known simplification: a fan's several accounts are settled as one account
//! paying for all of them (their plays are not split by account).

use serde::Serialize;

use super::{Run, RunOutput};
use crate::chart::date_of_day;
use crate::payout::{AccountMonth, TrackPlays, settle};
use crate::scenario::Scenario;

/// One row of `payouts.csv`: an artist's streams and payout in one region and month
/// under one payout rule set.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct PayoutRow {
    /// Run id.
    pub run: u32,
    /// Replicate world.
    pub replicate: u32,
    /// Policy name.
    pub policy: String,
    /// Region name.
    pub region: String,
    /// Payout rule set.
    pub rules: String,
    /// Calendar month, `YYYY-MM`.
    pub month: String,
    /// Artist id.
    pub artist: u32,
    /// The artist's streams in the region and month (real-account scale).
    pub streams: f64,
    /// The artist's payout.
    pub payout: f64,
}

/// One artist's streams and payout in one region and month under one rule set, kept
/// compactly until the run's rows are written ([`PayoutLine::row`]).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct PayoutLine {
    /// Region index.
    pub region: u16,
    /// Index into the scenario's payout rules.
    pub rules: u16,
    /// Calendar month: `year × 12 + month − 1`.
    pub month: u32,
    /// Artist id.
    pub artist: u32,
    /// The artist's streams (real-account scale).
    pub streams: f64,
    /// The artist's payout.
    pub payout: f64,
}

impl PayoutLine {
    /// The `payouts.csv` row of this line in run `run`.
    pub fn row(&self, scenario: &Scenario, run: &RunOutput) -> PayoutRow {
        PayoutRow {
            run: run.run,
            replicate: run.replicate,
            policy: scenario.policies[run.policy_index].name.clone(),
            region: scenario.regions[usize::from(self.region)].name.clone(),
            rules: scenario.payouts.rules[usize::from(self.rules)].name.clone(),
            month: format!("{:04}-{:02}", self.month / 12, self.month % 12 + 1),
            artist: self.artist,
            streams: self.streams,
            payout: self.payout,
        }
    }
}

/// Days in calendar month `(year, month)`.
fn days_in_month(year: i32, month: u32) -> u32 {
    match month {
        2 if (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

impl Run<'_> {
    /// Settles the month whose last simulated day is `day` if `day` ends a month or the
    /// run, then empties the listeners' months.
    pub(super) fn settle_month_ending(&mut self, day: i32, last_day: i32) {
        if self.scenario.payouts.is_off() {
            return;
        }
        let (year, month, day_of_month) = date_of_day(i64::from(day));
        if date_of_day(i64::from(day) + 1).1 == month && day != last_day {
            return;
        }
        // The month's simulated days: up to today, from its first or from day 0.
        let simulated = (day + 1).min(day_of_month.cast_signed());
        let share = f64::from(simulated) / f64::from(days_in_month(year, month));
        self.settle(share, year.cast_unsigned() * 12 + month - 1);
        self.sim.start_month();
    }

    fn settle(&mut self, share_of_month: f64, month: u32) {
        let (scenario, world) = (self.scenario, self.world);
        let weight = f64::from(scenario.accounts_per_listener);
        let listeners = &world.listeners;
        let accounts_total = weight * f64::from(scenario.listeners);
        // Chart weeks closed so far (a week closes on its seventh day).
        let weeks = self.sim.day() / 7;
        let year_scale = if weeks == 0 {
            0.0
        } else {
            52.0 / f64::from(weeks)
        };
        let n_tracks = world.catalogue.len();
        let year_streams: Vec<f64> = (0..n_tracks)
            .map(|t| {
                let streams: u64 = self.track_streams.iter().map(|r| r[t]).sum();
                streams as f64 * weight * year_scale
            })
            .collect();
        let n_artists = world.catalogue.artists.region.len();
        let artist_of = &world.catalogue.tracks.artist;
        let months = self.sim.months();
        for (r, region) in scenario.regions.iter().enumerate() {
            // The region's accounts and their plays, in listener order.
            let mut plays: Vec<TrackPlays> = Vec::new();
            let mut spans: Vec<(f64, f64, usize, usize)> = Vec::new();
            for (l, month_plays) in months.iter().enumerate() {
                if listeners.region()[l].index() != r {
                    continue;
                }
                let price = if listeners.premium()[l] {
                    region.subscription_price
                } else {
                    region.ad_revenue_per_account
                };
                // A fan streaming from several accounts pays for each; their plays are
                // already all in their month, so the plays are weighted once.
                let own = f64::from(world.fans.accounts.get(l).copied().unwrap_or(1).max(1));
                let start = plays.len();
                plays.extend(month_plays.tracks());
                spans.push((
                    weight,
                    own * price * region.rights_share * share_of_month,
                    start,
                    plays.len(),
                ));
            }
            let accounts: Vec<AccountMonth<'_>> = spans
                .iter()
                .map(|&(accounts, payment, start, end)| AccountMonth {
                    accounts,
                    payment,
                    plays: &plays[start..end],
                })
                .collect();
            for (k, rules) in scenario.payouts.rules.iter().enumerate() {
                let thresholds = rules.thresholds(accounts_total);
                let settled = settle(rules, &thresholds, &accounts, artist_of, n_artists, &|t| {
                    year_streams[t as usize]
                });
                self.out.payouts.extend(
                    (0..n_artists)
                        .filter(|&a| settled.streams[a] > 0.0 || settled.payout[a] > 0.0)
                        .map(|a| PayoutLine {
                            region: r as u16,
                            rules: k as u16,
                            month,
                            artist: a as u32,
                            streams: settled.streams[a],
                            payout: settled.payout[a],
                        }),
                );
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn month_lengths_follow_the_calendar() {
        let lengths: Vec<u32> = (1..=12).map(|m| days_in_month(2026, m)).collect();
        assert_eq!(lengths, [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]);
        assert_eq!(days_in_month(2028, 2), 29);
        assert_eq!(days_in_month(2100, 2), 28);
        assert_eq!(days_in_month(2000, 2), 29);
    }
}
