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
//! paying for all of them, their plays spread evenly over them (a per-account cap
//! applies to each).

use serde::Serialize;

use super::payout_measures::{PayoutMeasures, PayoutTally};
use super::{Run, RunOutput};
use crate::chart::date_of_day;
use crate::ids::RegionId;
use crate::payout::{AccountMonth, TrackPlays, settle};
use crate::scenario::Scenario;

/// The keys of a `payouts.csv` or `payout_metrics.csv` row: which run, region, rule
/// set and month.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct PayoutKeys {
    /// Run id.
    pub run: u32,
    /// Replicate world.
    pub replicate: u32,
    /// Policy name.
    pub policy: String,
    /// Region name, or `all` (`payout_metrics.csv` only).
    pub region: String,
    /// Payout rule set.
    pub rules: String,
    /// Calendar month, `YYYY-MM`.
    pub month: String,
}

impl PayoutKeys {
    /// The keys of region index `region` (the number of regions for `all`), rule set
    /// index `rules` and month `month` (`year × 12 + month − 1`) in run `run`.
    fn of(scenario: &Scenario, run: &RunOutput, region: u16, rules: u16, month: u32) -> Self {
        Self {
            run: run.run,
            replicate: run.replicate,
            policy: scenario.policies[run.policy_index].name.clone(),
            region: scenario.region_labels()[usize::from(region)].to_owned(),
            rules: scenario.payouts.rules[usize::from(rules)].name.clone(),
            month: format!("{:04}-{:02}", month / 12, month % 12 + 1),
        }
    }
}

/// An artist's streams and payout: the columns of `payouts.csv` after its keys.
#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize)]
pub struct ArtistPaid {
    /// Artist id.
    pub artist: u32,
    /// The artist's streams in the region and month (real-account scale).
    pub streams: f64,
    /// The artist's payout.
    pub payout: f64,
}

/// One row of `payouts.csv`: an artist's streams and payout in one region and month
/// under one payout rule set.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct PayoutRow {
    /// Which run, region, rule set and month.
    pub keys: PayoutKeys,
    /// The artist and what they were paid.
    pub paid: ArtistPaid,
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
            keys: PayoutKeys::of(scenario, run, self.region, self.rules, self.month),
            paid: ArtistPaid {
                artist: self.artist,
                streams: self.streams,
                payout: self.payout,
            },
        }
    }
}

/// One region's (or all regions') payout measures in one month under one rule set,
/// kept compactly until written ([`PayoutMonth::row`]).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct PayoutMonth {
    /// Region index; the number of regions for all regions together.
    pub region: u16,
    /// Index into the scenario's payout rules.
    pub rules: u16,
    /// Calendar month: `year × 12 + month − 1`.
    pub month: u32,
    /// The month's measures.
    pub measures: PayoutMeasures,
}

/// One row of `payout_metrics.csv`: its keys, then the measures' columns.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct PayoutMonthRow {
    /// Which run, region, rule set and month.
    pub keys: PayoutKeys,
    /// The month's measures.
    pub measures: PayoutMeasures,
}

impl PayoutMonth {
    /// The `payout_metrics.csv` row of this month in run `run`.
    pub fn row(&self, scenario: &Scenario, run: &RunOutput) -> PayoutMonthRow {
        PayoutMonthRow {
            keys: PayoutKeys::of(scenario, run, self.region, self.rules, self.month),
            measures: self.measures,
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
        let first_day = day + 1 - simulated;
        let summarised = first_day >= self.scenario.summary_start_week().cast_signed() * 7;
        self.settle(
            share,
            year.cast_unsigned() * 12 + month - 1,
            day,
            summarised,
        );
        self.sim.start_month();
    }

    /// Settles the month `month` (of which `share_of_month` was simulated, up to `day`)
    /// in every region under every rule set: its lines, its measures, and (when the run
    /// summarises it) the run's payout tallies.
    fn settle(&mut self, share_of_month: f64, month: u32, day: i32, summarised: bool) {
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
        let n_regions = scenario.regions.len();
        let n_rules = scenario.payouts.rules.len();
        let living_line = scenario.payouts.living_line;
        let mut everywhere = vec![PayoutTally::new(n_artists); n_rules];
        for (r, region) in scenario.regions.iter().enumerate() {
            // The region's accounts and their plays, in listener order.
            let mut plays: Vec<TrackPlays> = Vec::new();
            let mut spans: Vec<(f64, f64, f64, usize, usize, bool)> = Vec::new();
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
                    own,
                    own * price * region.rights_share * share_of_month,
                    start,
                    plays.len(),
                    false,
                ));
            }
            // Each bot farm's accounts in the region: as many as it used on its busiest
            // day, each paying like an account of its kind, their plays spread over them.
            for (farm, state) in scenario.bot_farms.iter().zip(self.sim.farms()) {
                let bots = state.accounts[r];
                if bots == 0 {
                    continue;
                }
                let price = if farm.premium {
                    region.subscription_price
                } else {
                    region.ad_revenue_per_account
                };
                let start = plays.len();
                plays.extend(state.months[r].tracks());
                spans.push((
                    weight,
                    f64::from(bots),
                    f64::from(bots) * price * region.rights_share * share_of_month,
                    start,
                    plays.len(),
                    true,
                ));
            }
            let accounts: Vec<AccountMonth<'_>> = spans
                .iter()
                .map(
                    |&(accounts, spread, payment, start, end, bot)| AccountMonth {
                        accounts,
                        spread,
                        payment,
                        bot,
                        plays: &plays[start..end],
                    },
                )
                .collect();
            for (k, rules) in scenario.payouts.rules.iter().enumerate() {
                let thresholds = rules.thresholds(accounts_total);
                let settled = settle(rules, &thresholds, &accounts, artist_of, n_artists, &|t| {
                    year_streams[t as usize]
                });
                let id = RegionId(r as u8);
                // A month counts once for all regions: with the first region's settlement.
                let once = if r == 0 { share_of_month } else { 0.0 };
                let mut here = PayoutTally::new(n_artists);
                here.add(&settled, id, world, share_of_month);
                self.out.payout_months.push(PayoutMonth {
                    region: r as u16,
                    rules: k as u16,
                    month,
                    measures: here.measures(world, &self.first_release, day, living_line),
                });
                everywhere[k].add(&settled, id, world, once);
                if summarised {
                    self.payout_year[r * n_rules + k].add(&settled, id, world, share_of_month);
                    self.payout_year[n_regions * n_rules + k].add(&settled, id, world, once);
                }
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
        for (k, tally) in everywhere.iter().enumerate() {
            self.out.payout_months.push(PayoutMonth {
                region: n_regions as u16,
                rules: k as u16,
                month,
                measures: tally.measures(world, &self.first_release, day, living_line),
            });
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
