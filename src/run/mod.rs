//! One run: one policy simulated on one replicate world for the whole scenario.
//!
//! A run steps the [`Simulation`] day by day; at the end of each chart week it compiles
//! every region's charts under each of its rule sets from the same plays, publishes the
//! headline chart (listeners browse it the next week), and records the week's metrics.
//!
//! A run can stop on any day and go on later, or go on twice from a clone: with the
//! scenario's `branch_day`, each world's baseline run is simulated to that day once and
//! every policy continues from a copy of it ([`run_policies`]), which gives exactly the
//! bytes of simulating each policy alone with a switch from the baseline on that day
//! ([`run_one`]) in a fraction of the time.
//!
//! **Layer.** Above `step` (which it drives) and below `batch` (which runs many).

pub mod memory;
mod payout_measures;
mod payouts;
mod recommendations;
mod rows;
mod tracks;
mod week_end;
mod weekly;

pub use payout_measures::{PAYOUT_METRICS, PayoutMeasures, PayoutTally};
pub use payouts::{ArtistPaid, PayoutKeys, PayoutLine, PayoutMonth, PayoutMonthRow, PayoutRow};
pub use rows::{ChartRow, ChartRunStats, ChartTurnover, TrackRow, WeekRow};
pub use tracks::{RegionTrack, TrackLine, TrackTotals};

use std::sync::Arc;

use rayon::prelude::*;

use crate::chart::{Chart, ChartCompiler};
use crate::ids::TrackId;
use crate::metrics::{distinct_no1s, no1_records, weeks_at_no1_so_far};
use crate::policy::PolicySpec;
use crate::rng::SeedKey;
use crate::scenario::Scenario;
use crate::step::{Caps, Simulation, listeners_by_track};
use crate::world::World;
use recommendations::Recommended;
use week_end::{CountedScratch, OrganisedUnits};
use weekly::WeekScratch;

/// Everything one run produced.
#[derive(Clone, Debug, PartialEq)]
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
    /// Each month's payouts by region, rule set and artist (the rows of `payouts.csv`;
    /// empty without payout rules).
    pub payouts: Vec<PayoutLine>,
    /// Each month's payout measures by region (then all regions) and rule set (the rows
    /// of `payout_metrics.csv`; empty without payout rules).
    pub payout_months: Vec<PayoutMonth>,
    /// The payout measures over the months the run summarises (those beginning on or
    /// after [`Scenario::summary_start_week`]), `[region × rules + rule]` with the
    /// regions in scenario order then all regions; empty without payout rules.
    pub payout_summary: Vec<PayoutMeasures>,
}

/// The per-user caps needed by every rule set of a scenario.
pub fn caps_for(scenario: &Scenario) -> Caps {
    Caps::from_rules(scenario.regions.iter().flat_map(|r| r.chart_rules.iter()))
}

/// A run in progress: the simulation and everything recorded so far, able to go on
/// from any day. A clone is an independent continuation, which is how every policy
/// branches from a shared warm-up ([`Run::branch`]).
#[derive(Clone)]
pub struct Run<'a> {
    scenario: &'a Scenario,
    world: &'a World,
    sim: Simulation<'a>,
    caps: Caps,
    /// Each region's chart compilers, one per rule set (they remember past weeks).
    compilers: Vec<Vec<ChartCompiler>>,
    /// Each region's headline No. 1 of every week so far.
    no1s: Vec<Vec<Option<TrackId>>>,
    /// Last week's headline chart per region (for the new-entries column).
    previous: Vec<Option<Chart>>,
    /// Uncapped streams per region and track so far.
    track_streams: Vec<Vec<u64>>,
    recommended: Recommended,
    organised: OrganisedUnits,
    scratch: WeekScratch,
    counted: CountedScratch,
    /// Payouts of the summarised months, `[region × rules + rule]` (all regions last).
    payout_year: Vec<PayoutTally>,
    /// Each artist's first release day (empty without payout rules).
    first_release: Vec<i32>,
    out: RunOutput,
}

impl<'a> Run<'a> {
    /// `policy_index`'s run on `world` (generated from `replicate_key`), at day 0.
    pub fn new(
        scenario: &'a Scenario,
        world: &'a World,
        replicate: u32,
        replicate_key: SeedKey,
        policy_index: usize,
    ) -> Self {
        let policy: &PolicySpec = &scenario.policies[policy_index];
        let caps = caps_for(scenario);
        let n_tracks = world.catalogue.len();
        let release_day: Arc<[i32]> = world.catalogue.tracks.release_day.as_slice().into();
        let holiday: Arc<[bool]> = world.catalogue.tracks.christmas.as_slice().into();
        let compilers = scenario
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
        let n_regions = scenario.regions.len();
        let n_artists = world.catalogue.artists.region.len();
        let payout_cells = (n_regions + 1) * scenario.payouts.rules.len();
        Self {
            scenario,
            world,
            sim: Simulation::new(scenario, world, policy, replicate_key, &caps),
            caps,
            compilers,
            no1s: vec![Vec::new(); n_regions],
            previous: vec![None; n_regions],
            track_streams: vec![vec![0u64; n_tracks]; n_regions],
            recommended: Recommended::new(n_regions),
            organised: OrganisedUnits::new(world),
            scratch: WeekScratch::default(),
            counted: CountedScratch::default(),
            payout_year: vec![PayoutTally::new(n_artists); payout_cells],
            first_release: if scenario.payouts.on() {
                payout_measures::first_release_days(world)
            } else {
                Vec::new()
            },
            out: RunOutput {
                run: run_id(scenario, replicate, policy_index),
                replicate,
                policy_index,
                weeks: Vec::new(),
                charts: Vec::new(),
                chart_runs: Vec::new(),
                tracks: TrackTotals::default(),
                payouts: Vec::new(),
                payout_months: Vec::new(),
                payout_summary: Vec::new(),
            },
        }
    }

    /// The next day to simulate.
    pub fn day(&self) -> i32 {
        self.sim.day()
    }

    /// Simulates the days before `until` (at most to the end of the scenario), closing
    /// every chart week that ends on the way; `on_week` is called after each.
    pub fn advance(&mut self, until: i32, on_week: &(dyn Fn() + Sync)) {
        let end = (self.scenario.weeks() * 7) as i32;
        while self.sim.day() < until.min(end) {
            let day = self.sim.day();
            if day % 7 == 0 {
                self.sim.start_week();
            }
            self.sim.step_day();
            if day % 7 == 6 {
                self.sim.close_week();
                self.close_week((day / 7) as u32);
                on_week();
            }
            self.settle_month_ending(day, end - 1);
        }
    }

    /// This baseline run, simulated up to the scenario's `branch_day`, continued as
    /// `policy_index`'s run: what it recorded so far is relabelled as that run's (it is
    /// what that run would have recorded, having had the baseline's recommender until
    /// today), and the policy's recommender takes over today.
    ///
    /// # Panics
    ///
    /// If this is not the baseline's run at the branch day.
    pub fn branch(&self, policy_index: usize) -> Self {
        assert!(
            self.out.policy_index == 0 && Some(self.day()) == self.scenario.branch_day,
            "invariant: runs branch from the baseline's run at the branch day"
        );
        let mut run = self.clone();
        let policy = &self.scenario.policies[policy_index];
        run.sim.branch_to(policy);
        run.out.policy_index = policy_index;
        run.out.run = run_id(self.scenario, self.out.replicate, policy_index);
        for row in &mut run.out.weeks {
            row.run = run.out.run;
            row.policy.clone_from(&policy.name);
        }
        for row in &mut run.out.charts {
            row.run = run.out.run;
            row.policy.clone_from(&policy.name);
        }
        run
    }

    /// Simulates the rest of the scenario and returns everything the run produced.
    pub fn finish(mut self, on_week: &(dyn Fn() + Sync)) -> RunOutput {
        self.advance(i32::MAX, on_week);
        let scenario = self.scenario;
        let n_tracks = self.world.catalogue.len();
        let listeners = scenario.measures.listeners_per_track.then(|| {
            let region = self.world.listeners.region();
            listeners_by_track(
                self.sim.heard(),
                |l| region[l].index(),
                scenario.regions.len(),
                n_tracks,
            )
        });
        drop(self.sim);
        let mut out = self.out;
        let last_day = (scenario.weeks() * 7) as i32 - 1;
        out.payout_summary = self
            .payout_year
            .iter()
            .filter(|tally| !tally.is_empty())
            .map(|tally| {
                tally.measures(
                    self.world,
                    &self.first_release,
                    last_day,
                    scenario.payouts.living_line,
                )
            })
            .collect();
        let organised = &self.organised;
        out.tracks = TrackTotals::collect(
            scenario,
            self.world,
            &self.track_streams,
            listeners.as_deref(),
            |t| organised.slot(t),
        );

        // Weeks at No. 1 so far, and run-level chart-run statistics.
        let rows_per_week = scenario.regions.len() + 1;
        for (r, region) in scenario.regions.iter().enumerate() {
            let no1s = &self.no1s[r];
            for (week, &n) in weeks_at_no1_so_far(no1s).iter().enumerate() {
                let row = &mut out.weeks[week * rows_per_week + r];
                row.no1_weeks_so_far = row.no1_track.map(|_| n);
            }
            let records = no1_records(no1s);
            out.chart_runs.push(ChartRunStats {
                region: region.name.clone(),
                no1_max_weeks: records.first().map_or(0, |x| x.total_weeks),
                no1_longest_run: records.iter().map(|x| x.longest_run).max().unwrap_or(0),
                distinct_no1s: distinct_no1s(no1s) as u32,
            });
        }
        out
    }
}

/// Run id of a policy on a replicate: `replicate × policies + policy index`.
fn run_id(scenario: &Scenario, replicate: u32, policy_index: usize) -> u32 {
    replicate * scenario.policies.len() as u32 + policy_index as u32
}

/// Simulates `policy_index` on `world` (generated from `replicate_key`); `on_week` is
/// called after each simulated week (for progress reporting).
///
/// With a `branch_day`, the run is the baseline's until that day and the policy's from
/// then on, computed on its own: [`run_policies`] gives the same bytes from one warm-up.
pub fn run_one(
    scenario: &Scenario,
    world: &World,
    replicate: u32,
    replicate_key: SeedKey,
    policy_index: usize,
    on_week: &(dyn Fn() + Sync),
) -> RunOutput {
    Run::new(scenario, world, replicate, replicate_key, policy_index).finish(on_week)
}

/// One replicate world and where it came from: what every run on it needs.
#[derive(Clone, Copy)]
pub struct Replicate<'a> {
    /// The scenario.
    pub scenario: &'a Scenario,
    /// The world, generated from `key`.
    pub world: &'a World,
    /// Replicate number.
    pub index: u32,
    /// The replicate's seed node.
    pub key: SeedKey,
}

/// The baseline's run on `replicate` simulated up to the scenario's `branch_day`, from
/// which every policy branches; `None` without one.
pub fn warm_up<'a>(replicate: &Replicate<'a>, on_week: &(dyn Fn() + Sync)) -> Option<Run<'a>> {
    let day = replicate.scenario.branch_day?;
    let Replicate {
        scenario,
        world,
        index,
        key,
    } = *replicate;
    let mut run = Run::new(scenario, world, index, key, 0);
    run.advance(day, on_week);
    Some(run)
}

/// `policy_index`'s run on `replicate`: branched from `warm_up` when there is one, else
/// from day 0.
pub fn run_from(
    warm_up: Option<&Run<'_>>,
    replicate: &Replicate<'_>,
    policy_index: usize,
    on_week: &(dyn Fn() + Sync),
) -> RunOutput {
    let r = replicate;
    match warm_up {
        Some(warm) => warm.branch(policy_index).finish(on_week),
        None => run_one(r.scenario, r.world, r.index, r.key, policy_index, on_week),
    }
}

/// Every policy's run on `replicate`, in parallel, in policy order; with a `branch_day`,
/// from one shared warm-up under the baseline.
pub fn run_policies(replicate: &Replicate<'_>, on_week: &(dyn Fn() + Sync)) -> Vec<RunOutput> {
    let warm = warm_up(replicate, on_week);
    (0..replicate.scenario.policies.len())
        .into_par_iter()
        .map(|p| run_from(warm.as_ref(), replicate, p, on_week))
        .collect()
}
