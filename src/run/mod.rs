//! One run: one policy simulated on one replicate world for the whole scenario.
//!
//! A run steps the [`Simulation`] day by day; at the end of each chart week it compiles
//! every region's charts under each of its rule sets from the same plays, publishes the
//! headline chart (listeners browse it the next week), and records the week's metrics.
//!
//! **Layer.** Above `step` (which it drives) and below `batch` (which runs many).

pub mod memory;
mod recommendations;
mod rows;
mod tracks;
mod weekly;

pub use rows::{ChartRow, ChartRunStats, ChartTurnover, TrackRow, WeekRow};
pub use tracks::{RegionTrack, TrackLine, TrackTotals};

use crate::chart::{ChartCompiler, ChartEntry, RuleSet};
use crate::ids::ArtistId;
use crate::metrics::{distinct_no1s, no1_records, weeks_at_no1_so_far};
use crate::policy::PolicySpec;
use crate::rng::SeedKey;
use crate::scenario::{Scenario, Switch};
use crate::step::{Caps, Simulation, Tally, listeners_by_track};
use crate::world::World;
use recommendations::{Recommended, add_recommendation_columns, consumption_overlap};
use weekly::{RowKey, WeekScratch, add_chart_columns, individual_entropies, week_row};

/// Everything one run produced.
#[derive(Clone, Debug)]
pub struct RunOutput {
    /// Run id: `replicate × policies + policy index`.
    pub run: u32,
    /// Replicate world.
    pub replicate: u32,
    /// Index of the policy in the scenario.
    pub policy_index: usize,
    /// Weekly metrics: for each week, one row per region then one for `all`.
    pub weeks: Vec<WeekRow>,
    /// Every chart position of every week, region and rule set.
    pub charts: Vec<ChartRow>,
    /// Headline-chart run statistics per region.
    pub chart_runs: Vec<ChartRunStats>,
    /// Streams by track over the run (the rows of `tracks.csv`).
    pub tracks: TrackTotals,
}

/// The per-user caps needed by every rule set of a scenario.
pub fn caps_for(scenario: &Scenario) -> Caps {
    Caps::from_rules(scenario.regions.iter().flat_map(|r| r.chart_rules.iter()))
}

/// Simulates `policy_index` on `world` (generated from `replicate_key`); `on_week` is
/// called after each simulated week (for progress reporting).
pub fn run_one(
    scenario: &Scenario,
    world: &World,
    replicate: u32,
    replicate_key: SeedKey,
    policy_index: usize,
    on_week: &(dyn Fn() + Sync),
) -> RunOutput {
    let policy: &PolicySpec = &scenario.policies[policy_index];
    let run = replicate * scenario.policies.len() as u32 + policy_index as u32;
    let caps = caps_for(scenario);
    // Reported counts are per real account: each simulated listener stands for `weight`.
    let weight = u64::from(scenario.accounts_per_listener);
    let mut sim = Simulation::new(scenario, world, policy, replicate_key, &caps);
    let n_tracks = world.catalogue.len();
    let lead_artist: &[ArtistId] = &world.catalogue.tracks.artist;
    let release_day: std::sync::Arc<[i32]> = world.catalogue.tracks.release_day.as_slice().into();
    let holiday: std::sync::Arc<[bool]> = world.catalogue.tracks.christmas.as_slice().into();
    let mut compilers: Vec<Vec<ChartCompiler>> = scenario
        .regions
        .iter()
        .map(|r| {
            r.chart_rules
                .iter()
                .map(|rules| {
                    ChartCompiler::new(rules.clone(), n_tracks)
                        .with_tracks(release_day.clone(), holiday.clone())
                })
                .collect()
        })
        .collect();
    let all_regions: Vec<usize> = (0..scenario.regions.len()).collect();
    let mut no1s: Vec<Vec<Option<crate::ids::TrackId>>> = vec![Vec::new(); scenario.regions.len()];
    let mut out = RunOutput {
        run,
        replicate,
        policy_index,
        weeks: Vec::new(),
        charts: Vec::new(),
        chart_runs: Vec::new(),
        tracks: TrackTotals::default(),
    };
    // Uncapped streams per region and track over the whole run.
    let mut track_streams = vec![vec![0u64; n_tracks]; scenario.regions.len()];
    let mut scratch = WeekScratch::default();
    let mut counted = CountedScratch::default();
    // Last week's headline chart per region (for the new-entries column).
    let mut previous: Vec<Option<crate::chart::Chart>> = vec![None; scenario.regions.len()];
    let organised = OrganisedUnits::new(world);
    let mut recommended = Recommended::new(scenario.regions.len());

    for week in 0..scenario.weeks() {
        sim.start_week();
        for _ in 0..7 {
            sim.step_day();
        }
        sim.close_week();
        let released = world.catalogue.released(sim.day() - 1);
        let tally = sim.week_tally();
        recommended.absorb(&tally.slates);
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
        for (r, totals) in track_streams.iter_mut().enumerate() {
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
        let mut headline = Vec::with_capacity(scenario.regions.len());
        let mut pooled = ChartTurnover::default();
        let (mut pooled_units, mut pooled_organised) = (0.0, 0.0);
        for (r, region) in scenario.regions.iter().enumerate() {
            let mut row = week_row(&key, &region.name, &[r], &mut scratch);
            let headline_index = headline_rules(scenario, r, week);
            add_recommendation_columns(&mut row, tally, &[r], released, &recommended, overlap[r]);
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
        let mut all_row = week_row(&key, "all", &all_regions, &mut scratch);
        let all_overlap = overlap[scenario.regions.len()];
        add_recommendation_columns(
            &mut all_row,
            tally,
            &all_regions,
            released,
            &recommended,
            all_overlap,
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
        on_week();
    }

    let listeners = scenario.measures.listeners_per_track.then(|| {
        let region = world.listeners.region();
        listeners_by_track(
            sim.heard(),
            |l| region[l].index(),
            scenario.regions.len(),
            n_tracks,
        )
    });
    drop(sim);
    out.tracks = TrackTotals::collect(scenario, world, &track_streams, listeners.as_deref(), |t| {
        organised.slot(t)
    });

    // Weeks at No. 1 so far, and run-level chart-run statistics.
    let rows_per_week = scenario.regions.len() + 1;
    for (r, region) in scenario.regions.iter().enumerate() {
        let so_far = weeks_at_no1_so_far(&no1s[r]);
        for (week, &n) in so_far.iter().enumerate() {
            let row = &mut out.weeks[week * rows_per_week + r];
            row.no1_weeks_so_far = row.no1_track.map(|_| n);
        }
        let records = no1_records(&no1s[r]);
        out.chart_runs.push(ChartRunStats {
            region: region.name.clone(),
            no1_max_weeks: records.first().map_or(0, |x| x.total_weeks),
            no1_longest_run: records.iter().map(|x| x.longest_run).max().unwrap_or(0),
            distinct_no1s: distinct_no1s(&no1s[r]) as u32,
        });
    }
    out
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
#[derive(Default)]
struct CountedScratch {
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
struct OrganisedUnits {
    /// Named-release slot of each named track.
    slot_of: std::collections::HashMap<u32, usize>,
}

impl OrganisedUnits {
    fn new(world: &World) -> Self {
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
    fn slot(&self, track: u32) -> Option<usize> {
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
