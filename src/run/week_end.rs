//! The end of a chart week in a run: every region's charts compiled under each of its
//! rule sets from the week's plays, the headline chart published (listeners browse it
//! the next week), and the week's metric rows recorded.

use super::recommendations::{add_recommendation_columns, consumption_overlap};
use super::weekly::{RowKey, add_chart_columns, individual_entropies, week_row};
use super::{ChartRow, ChartTurnover, Run};
use crate::chart::{ChartEntry, RuleSet};
use crate::scenario::{Scenario, Switch};
use crate::step::Tally;
use crate::world::World;

impl Run<'_> {
    /// Records chart week `week`, just closed in the simulation.
    pub(super) fn close_week(&mut self, week: u32) {
        let (scenario, world) = (self.scenario, self.world);
        let weight = u64::from(scenario.accounts_per_listener);
        let lead_artist = &world.catalogue.tracks.artist;
        let all_regions: Vec<usize> = (0..scenario.regions.len()).collect();
        let policy = &scenario.policies[self.out.policy_index];
        let (run, replicate) = (self.out.run, self.out.replicate);
        let sim = &mut self.sim;
        let released = world.catalogue.released(sim.day() - 1);
        let tally = sim.week_tally();
        self.recommended.absorb(&tally.slates);
        let overlap = if scenario.measures.consumption_overlap {
            consumption_overlap(world, sim.states(), scenario.regions.len())
        } else {
            vec![None; scenario.regions.len() + 1]
        };
        let individual = if scenario.measures.listener_entropy {
            individual_entropies(world, scenario.regions.len(), sim.week_genres())
        } else {
            Vec::new()
        };
        for (r, totals) in self.track_streams.iter_mut().enumerate() {
            for (total, s) in totals.iter_mut().zip(tally.streams(r)) {
                *total += s;
            }
        }
        let (members, member_accounts) = members_by_region(scenario, world, sim.day() - 1);
        let key = RowKey {
            world,
            released,
            tally,
            individual: &individual,
            run,
            replicate,
            policy: &policy.name,
            week,
            weight,
            members: &members,
            member_accounts: &member_accounts,
        };
        let (scratch, counted, organised) = (&mut self.scratch, &mut self.counted, &self.organised);
        let (recommended, out, caps) = (&self.recommended, &mut self.out, &self.caps);
        let (compilers, previous, no1s) = (&mut self.compilers, &mut self.previous, &mut self.no1s);
        let mut headline = Vec::with_capacity(scenario.regions.len());
        let platform = world.has_platform();
        let mut pooled = ChartTurnover::default();
        let (mut pooled_units, mut pooled_organised) = (0.0, 0.0);
        for (r, region) in scenario.regions.iter().enumerate() {
            let mut row = week_row(&key, &region.name, &[r], scratch);
            let headline_index = headline_rules(scenario, r, week);
            add_recommendation_columns(
                &mut row,
                tally,
                &[r],
                released,
                recommended,
                overlap[r],
                platform,
            );
            for (k, compiler) in compilers[r].iter_mut().enumerate() {
                let cap = caps.index_of(compiler.rules().per_user_daily_cap);
                counted.premium.clear();
                counted.premium.extend(tally.counted(cap, true, r));
                counted.ad.clear();
                counted.ad.extend(tally.counted(cap, false, r));
                let chart = compiler.compile(&counted.premium, &counted.ad, lead_artist);
                let rules = compiler.rules();
                let from_replay: Vec<f64> = chart
                    .entries
                    .iter()
                    .map(|e| organised.of(e, rules, tally, cap, r))
                    .collect();
                out.charts.extend(
                    chart
                        .entries
                        .iter()
                        .zip(&from_replay)
                        .map(|(e, &o)| ChartRow {
                            run,
                            replicate,
                            policy: policy.name.clone(),
                            region: region.name.clone(),
                            rules: compiler.rules().name.clone(),
                            week,
                            rank: e.rank,
                            track: e.track.0,
                            artist: e.artist.0,
                            units: e.units * weight as f64,
                            counted_streams: e.counted_streams * weight,
                            on_acr: e.on_acr,
                            weeks_on_chart: e.weeks_on_chart,
                            local: world.catalogue.tracks.origin[e.track.index()].index() == r,
                            organised_units: o * weight as f64,
                            headline: k == headline_index,
                            title: organised.title(scenario, e.track.0).to_owned(),
                        }),
                );
                if k == headline_index {
                    add_chart_columns(&mut row, &chart, r, world, weight);
                    let units: f64 = chart.entries.iter().map(|e| e.units).sum();
                    let replayed: f64 = from_replay.iter().sum();
                    row.organised_share_chart = (units > 0.0).then(|| replayed / units);
                    row.organised_share_no1 =
                        chart.entries.first().map(|e| from_replay[0] / e.units);
                    pooled_units += units;
                    pooled_organised += replayed;
                    let turnover = ChartTurnover::of(&chart, previous[r].as_ref());
                    turnover.apply(&mut row);
                    pooled.add(turnover);
                    no1s[r].push(chart.number_one());
                    headline.push(chart);
                }
            }
            out.weeks.push(row);
        }
        let mut all_row = week_row(&key, "all", &all_regions, scratch);
        let all_overlap = overlap[scenario.regions.len()];
        add_recommendation_columns(
            &mut all_row,
            tally,
            &all_regions,
            released,
            recommended,
            all_overlap,
            platform,
        );
        pooled.apply(&mut all_row);
        all_row.organised_share_chart =
            (pooled_units > 0.0).then(|| pooled_organised / pooled_units);
        out.weeks.push(all_row);
        for (r, chart) in headline.iter().enumerate() {
            sim.publish_chart(r, chart.entries.iter().map(|e| e.track));
        }
        for (slot, chart) in previous.iter_mut().zip(headline) {
            *slot = Some(chart);
        }
    }
}

/// Index into `regions[region].chart_rules` of the headline chart in chart week `week`:
/// the first rule set, or the latest `[[switches]]` chart-rule switch that has taken effect
/// (from the first chart week starting on or after its day).
fn headline_rules(scenario: &Scenario, region: usize, week: u32) -> usize {
    scenario
        .switches
        .iter()
        .filter_map(|s| match *s {
            Switch::ChartRules {
                day,
                region: r,
                rules,
            } if r == region && i64::from(week) * 7 >= i64::from(day) => Some((day, rules)),
            _ => None,
        })
        .max_by_key(|&(day, _)| day)
        .map_or(0, |(_, rules)| rules)
}

/// One region's counted streams per track under one cap, as the chart compiler reads them.
#[derive(Clone, Default)]
pub(super) struct CountedScratch {
    premium: Vec<u32>,
    ad: Vec<u32>,
}

/// Fandom members and their accounts by region on `day`.
fn members_by_region(scenario: &Scenario, world: &World, day: i32) -> (Vec<u64>, Vec<u64>) {
    let n = scenario.regions.len();
    let (mut members, mut accounts) = (vec![0; n], vec![0; n]);
    if scenario.fandoms.is_empty() {
        return (members, accounts);
    }
    for (l, region) in world.listeners.region().iter().enumerate() {
        if world.fans.is_member(l, day) {
            members[region.index()] += 1;
            accounts[region.index()] += u64::from(world.fans.accounts[l]);
        }
    }
    (members, accounts)
}

/// Converts a chart entry's organised replays into units with the ratio the entry used.
#[derive(Clone)]
pub(super) struct OrganisedUnits {
    /// Named-release slot of each named track.
    slot_of: std::collections::HashMap<u32, usize>,
}

impl OrganisedUnits {
    pub(super) fn new(world: &World) -> Self {
        Self {
            slot_of: world
                .catalogue
                .named
                .iter()
                .enumerate()
                .map(|(slot, t)| (t.0, slot))
                .collect(),
        }
    }

    /// The named-release slot of a track, `None` for a generated one.
    pub(super) fn slot(&self, track: u32) -> Option<usize> {
        self.slot_of.get(&track).copied()
    }

    /// The title of a named track, `""` for a generated one.
    fn title<'s>(&self, scenario: &'s Scenario, track: u32) -> &'s str {
        self.slot(track)
            .map_or("", |slot| scenario.releases[slot].title.as_str())
    }

    /// Units of `entry` from organised replay under `rules` (cap index `cap`, region `r`).
    fn of(&self, entry: &ChartEntry, rules: &RuleSet, tally: &Tally, cap: usize, r: usize) -> f64 {
        let Some(&slot) = self.slot_of.get(&entry.track.0) else {
            return 0.0;
        };
        let organised = tally.organised();
        let (premium, ad) = (
            organised.get(slot, r, cap, true),
            organised.get(slot, r, cap, false),
        );
        let (p_ratio, a_ratio) = match (&rules.acr, entry.on_acr) {
            (Some(acr), true) => (acr.premium_streams_per_unit, acr.ad_streams_per_unit),
            _ => (rules.premium_streams_per_unit, rules.ad_streams_per_unit),
        };
        f64::from(premium) / p_ratio + f64::from(ad) / a_ratio
    }
}
