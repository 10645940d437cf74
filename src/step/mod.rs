//! One simulated day: every listener's choices, in parallel, reproducibly.
//!
//! This is the hot loop and the only place it lives. Listeners are processed in parallel
//! chunks; each listener-day draws from its own generator keyed by (replicate, day,
//! listener), and each chunk logs its plays into its own [`DayLog`], added into the week's
//! integer [`Tally`] at the end of the day. Integer sums do not depend on order, so the
//! result is identical on 1 or 64 threads and for any chunking.
//!
//! A listener's day: decide whether they listen at all; build the choice set (library,
//! recommender slate, chart picks, new releases) with utilities; draw the day's choice
//! occasions from the multinomial logit; then record the plays (chart counters with
//! per-user caps, weekly genre counts) and update the library and style profile.
//!
//! **Layer.** Drives the policy; reads the scenario, the world and the chart rules. The
//! shape of a listener's state and of the day's track terms is the policy layer's
//! (`policy::listener`, re-exported here); their updates live in this module.

mod bots;
mod choice;
mod fandom;
mod heard;
mod market;
mod month;
mod state;
mod tally;

use rand::{Rng, SeedableRng};
use rayon::prelude::*;

pub use crate::policy::{ListenerState, TrackTerms};
pub use choice::{ChoiceSet, Counts, MAX_CHOICES, MAX_TIE_INS, stochastic_round};
pub use fandom::{FandomDay, MAX_ACCOUNTS, ReplayPlan};
pub use heard::{HeardSet, SlotsHeard, listeners_by_track};
pub use market::{Market, RING_DAYS, SOCIAL_WINDOW_DAYS};
pub use month::MonthPlays;
pub use state::{
    Decay, FAMILIARITY_HALF_SATURATION, PlayTables, initial_states, pick_library_slots,
};
pub use tally::{CHANNELS, Caps, Channel, ChannelCounts, DayLog, OrganisedCounts, Tally};

use crate::ids::{ListenerId, TrackId};
use crate::policy::{
    DayContext, LibraryView, PolicySpec, Recommender, SlateRequest, SlateScratch, is_sampled,
};
use crate::rng::{Purpose, SeedKey, SimRng, fast_index};
use crate::scenario::{Scenario, Switch};
use crate::world::{MAX_LIBRARY_SLOTS, World, dist2, unit_f32};

/// Smallest chunk of listeners worth a parallel task.
const MIN_CHUNK: usize = 8_192;
/// Most chunks (enough for load balance; each keeps a log of its day's plays).
const MAX_CHUNKS: usize = 32;

/// One policy's simulation of one replicate world, advanced a day at a time.
///
/// A clone is an independent continuation of the same state (how runs branch from a
/// shared warm-up).
#[derive(Clone)]
pub struct Simulation<'a> {
    scenario: &'a Scenario,
    world: &'a World,
    recommender: Recommender,
    market: Market,
    states: Vec<ListenerState>,
    /// Each listener's library slots already logged as streamed.
    slots_heard: Vec<SlotsHeard>,
    /// Each listener's streamed tracks (empty with `listeners_per_track` off).
    heard: Vec<HeardSet>,
    /// Each listener's streams this accounting month (empty without payout rules).
    months: Vec<MonthPlays>,
    week_genres: Vec<u32>,
    chunk_size: usize,
    logs: Vec<DayLog>,
    /// Bot farms, in scenario order.
    farms: Vec<bots::FarmState>,
    /// Human streams per region so far this week, when the bot farms last streamed.
    farm_seen: Vec<u64>,
    bots_key: SeedKey,
    week: Tally,
    published: Vec<Vec<u32>>,
    decay: Decay,
    tables: PlayTables,
    listening_key: SeedKey,
    recommender_key: SeedKey,
    fandom_key: SeedKey,
    picks_key: SeedKey,
    fandom_day: FandomDay,
    /// `[fandom][region]`: a target is in the top of the region's published chart.
    contention: Vec<Vec<bool>>,
    /// This policy's recommender switches: (day, policy switched to).
    switches: Vec<(i32, usize)>,
    browse_positions: Option<Vec<u8>>,
    day: i32,
}

impl<'a> Simulation<'a> {
    /// A simulation at day 0. `replicate_key` must be the key the world was generated
    /// from; `caps` lists the per-user caps the run's chart rule sets need.
    ///
    /// With the scenario's `branch_day`, a policy other than the baseline starts under the
    /// baseline's recommender and switches to its own on that day.
    pub fn new(
        scenario: &'a Scenario,
        world: &'a World,
        policy: &PolicySpec,
        replicate_key: SeedKey,
        caps: &Caps,
    ) -> Self {
        let n_regions = scenario.regions.len();
        let n_tracks = world.catalogue.len();
        let n_listeners = world.listeners.len();
        let n_slots = scenario.releases.len();
        let n_chunks = n_listeners.div_ceil(MIN_CHUNK).clamp(1, MAX_CHUNKS);
        let chunk_size = n_listeners.div_ceil(n_chunks).max(1);
        let (start, switches) = policy_plan(scenario, policy);
        Self {
            scenario,
            world,
            recommender: Recommender::new(start),
            market: Market::new(
                world,
                n_regions,
                Recommender::window_days(start),
                longest_window(scenario, policy),
            ),
            states: initial_states(
                scenario,
                world,
                replicate_key.purpose(Purpose::World).child(3),
            ),
            slots_heard: vec![SlotsHeard::default(); n_listeners],
            heard: vec![HeardSet::default(); n_listeners],
            months: vec![MonthPlays::default(); n_listeners],
            week_genres: vec![0; n_listeners * scenario.genres.len()],
            chunk_size,
            logs: (0..n_chunks)
                .map(|_| DayLog::new(n_regions, n_tracks))
                .collect(),
            week: Tally::new(caps, n_regions, n_tracks, n_slots),
            published: vec![Vec::new(); n_regions],
            decay: Decay::new(scenario),
            tables: PlayTables::new(scenario),
            listening_key: replicate_key.purpose(Purpose::Listening),
            farms: (0..scenario.bot_farms.len())
                .map(|i| bots::FarmState::new(scenario, world, i))
                .collect(),
            farm_seen: vec![0; scenario.regions.len()],
            bots_key: replicate_key.purpose(Purpose::Bots),
            recommender_key: replicate_key.purpose(Purpose::Recommender),
            fandom_key: replicate_key.purpose(Purpose::Fandom),
            picks_key: replicate_key.purpose(Purpose::LibraryPicks),
            fandom_day: FandomDay::default(),
            contention: vec![vec![false; n_regions]; scenario.fandoms.len()],
            switches,
            browse_positions: browse_positions(scenario),
            day: 0,
        }
    }

    /// The next day to simulate.
    pub fn day(&self) -> i32 {
        self.day
    }

    /// Continues this simulation as `policy`'s from today (a branch from a shared
    /// warm-up): the same switch that [`Simulation::new`] plans for it, taken today.
    pub fn branch_to(&mut self, policy: &PolicySpec) {
        let baseline = &self.scenario.policies[0];
        self.switches = if policy.name == baseline.name {
            Vec::new()
        } else {
            policy_plan(self.scenario, policy)
                .1
                .into_iter()
                .filter(|&(day, _)| day >= self.day)
                .collect()
        };
    }

    /// Adds up the chunks' per-region counts of the week just simulated; read the week
    /// with [`Simulation::week_tally`].
    pub fn close_week(&mut self) {
        self.week.absorb_week(&mut self.logs);
        self.farm_seen.fill(0);
    }

    /// The bot farms (their months' plays and accounts, for settlement).
    pub fn farms(&self) -> &[bots::FarmState] {
        &self.farms
    }

    /// Counters of the last closed chart week.
    pub fn week_tally(&self) -> &Tally {
        &self.week
    }

    /// Streams per listener and genre this week (listener-major, `genres` per listener).
    pub fn week_genres(&self) -> &[u32] {
        &self.week_genres
    }

    /// Listener states (libraries and profiles).
    pub fn states(&self) -> &[ListenerState] {
        &self.states
    }

    /// Each listener's streamed tracks (all empty with `listeners_per_track` off).
    pub fn heard(&self) -> &[HeardSet] {
        &self.heard
    }

    /// Each listener's streams this accounting month (all empty without payout rules).
    pub fn months(&self) -> &[MonthPlays] {
        &self.months
    }

    /// Empties every listener's and farm's month, once it has been settled.
    pub fn start_month(&mut self) {
        self.farms.iter_mut().for_each(bots::FarmState::start_month);
        self.months.par_iter_mut().for_each(MonthPlays::clear);
    }

    /// Makes `chart` (tracks in rank order) the region's published chart: browsing
    /// listeners pick from its head, and fandoms with a target near the top push harder.
    pub fn publish_chart(&mut self, region: usize, chart: impl Iterator<Item = TrackId>) {
        let chart: Vec<u32> = chart.map(|t| t.0).collect();
        let picks = self.scenario.listening.chart_browse_depth as usize;
        self.published[region] = chart.iter().take(picks).copied().collect();
        let named = &self.world.catalogue.named;
        for (f, fandom) in self.scenario.fandoms.iter().enumerate() {
            let top = &chart[..chart.len().min(fandom.mobilisation.chart_push_top as usize)];
            self.contention[f][region] = self
                .scenario
                .releases
                .iter()
                .zip(named)
                .any(|(r, t)| r.artist == fandom.artist && top.contains(&t.0));
        }
    }

    /// Zeroes the week's counters at the start of a new chart week.
    pub fn start_week(&mut self) {
        self.week_genres.fill(0);
        self.week.clear();
    }

    /// Simulates one day for every listener.
    pub fn step_day(&mut self) {
        let day = self.day;
        let n_tracks = self.world.catalogue.len();
        let n_regions = self.scenario.regions.len();
        let released = self.world.catalogue.released(day);
        for &(_, to) in self.switches.iter().filter(|s| s.0 == day) {
            let spec = &self.scenario.policies[to];
            self.recommender = Recommender::new(spec);
            self.market
                .set_policy_window(day, Recommender::window_days(spec));
        }
        self.market
            .prepare_terms(self.scenario, self.world, day, released);
        let contention: Vec<bool> = self.contention.iter().map(|r| r.contains(&true)).collect();
        self.fandom_day
            .prepare(self.scenario, self.world, day, &contention, self.fandom_key);
        self.recommender.prepare_day(&DayContext {
            day,
            released,
            window_streams: self.market.policy_window(),
            n_tracks,
            n_regions,
            world: self.world,
            slate_size: self.scenario.listening.slate_size as usize,
            library_size: self.scenario.listening.library_size as usize,
            recent_streams: self.market.social_window(),
            listeners: &self.states,
            terms: self.market.all_terms(),
            taste_weight: self.scenario.utility.taste as f32,
        });

        let shared = DayShared {
            scenario: self.scenario,
            world: self.world,
            recommender: &self.recommender,
            market: &self.market,
            published: &self.published,
            decay: &self.decay,
            tables: &self.tables,
            day,
            day_key: self.listening_key.child(day as u64),
            recommender_day_key: self.recommender_key.child(day as u64),
            picks_day_key: self.picks_key.child(day as u64),
            new_release_ranges: new_release_ranges(self.scenario, self.world, day),
            season: crate::chart::christmas_intensity(i64::from(day)) as f32,
            outside_weight: (self.scenario.utility.outside as f32).exp(),
            fandoms: &self.fandom_day,
            media: media_today(self.scenario, self.world, day, released),
            browse_positions: self.browse_positions.as_deref(),
            platform: self.world.has_platform(),
        };
        let genres = self.scenario.genres.len();
        let chunk_size = self.chunk_size;
        self.states
            .par_chunks_mut(chunk_size)
            .zip(self.slots_heard.par_chunks_mut(chunk_size))
            .zip(self.week_genres.par_chunks_mut(chunk_size * genres))
            .zip(self.heard.par_chunks_mut(chunk_size))
            .zip(self.months.par_chunks_mut(chunk_size))
            .zip(self.logs.par_iter_mut())
            .enumerate()
            .for_each(
                |(chunk, (((((states, slots_heard), week_genres), heard), months), tally))| {
                    let mut scratch = Scratch {
                        picks: [0; MAX_LIBRARY_SLOTS],
                        choices: ChoiceSet::default(),
                        counts: [0; MAX_CHOICES + 1],
                        slate: Vec::new(),
                        per_account: Vec::new(),
                        policy: SlateScratch::default(),
                    };
                    let listeners = slots_heard.iter_mut().zip(heard).zip(months);
                    for (i, ((slots, heard), month)) in listeners.enumerate() {
                        if let Some(next) = states.get(i + 1) {
                            next.prefetch();
                        }
                        let genres_of = &mut week_genres[i * genres..(i + 1) * genres];
                        shared.listener_day(
                            chunk * chunk_size + i,
                            &mut states[i],
                            (slots, heard, month),
                            genres_of,
                            tally,
                            &mut scratch,
                        );
                    }
                },
            );

        if !self.farms.is_empty() {
            self.stream_bots(day);
        }
        let played = self.week.absorb_day(&mut self.logs);
        self.market.record_day(day, played);
        self.day += 1;
    }
}

impl Simulation<'_> {
    /// The bot farms' streams of `day`, after the listeners'.
    fn stream_bots(&mut self, day: i32) {
        let so_far = bots::human_streams(&self.logs, self.scenario.regions.len());
        let today: Vec<u64> = so_far
            .iter()
            .zip(&self.farm_seen)
            .map(|(now, before)| now - before)
            .collect();
        self.farm_seen = so_far;
        let filter = match &self.scenario.fraud_filter {
            Some(f) if day >= f.from_day => (f.detection as f32, f.bot_track_day_limit),
            _ => (0.0, 0),
        };
        let settle = self.scenario.payouts.on();
        let key = self.bots_key.child(day as u64);
        for (i, (farm, state)) in self
            .scenario
            .bot_farms
            .iter()
            .zip(&mut self.farms)
            .enumerate()
        {
            state.stream_day(
                farm,
                key.child(i as u64),
                day,
                &today,
                filter,
                settle,
                &mut self.logs[0],
            );
        }
    }
}

/// The recommender `policy`'s runs start with, and their recommender switches (day,
/// policy switched to): its `[[switches]]` entries, or with a `branch_day` the baseline's
/// recommender until that day and its own from then on.
fn policy_plan<'s>(
    scenario: &'s Scenario,
    policy: &'s PolicySpec,
) -> (&'s PolicySpec, Vec<(i32, usize)>) {
    let index = scenario.policies.iter().position(|p| p.name == policy.name);
    if let (Some(day), Some(index)) = (scenario.branch_day, index)
        && index > 0
    {
        return (&scenario.policies[0], vec![(day, index)]);
    }
    let switches = scenario
        .switches
        .iter()
        .filter_map(|s| match *s {
            Switch::Policy { day, policy: p, to } if scenario.policies[p].name == policy.name => {
                Some((day, to))
            }
            _ => None,
        })
        .collect();
    (policy, switches)
}

/// The longest policy window `policy`'s simulation may need: its own or that of a policy
/// a `[[switches]]` entry switches it to; with a `branch_day`, any policy's (a shared
/// warm-up must keep the days any branch will read).
fn longest_window(scenario: &Scenario, policy: &PolicySpec) -> u32 {
    if scenario.branch_day.is_some() {
        return scenario
            .policies
            .iter()
            .map(Recommender::window_days)
            .fold(Recommender::window_days(policy), u32::max);
    }
    policy_plan(scenario, policy)
        .1
        .iter()
        .map(|&(_, to)| Recommender::window_days(&scenario.policies[to]))
        .fold(Recommender::window_days(policy), u32::max)
}

/// A browse draw's top bits index [`browse_positions`]' table.
const BROWSE_TABLE_SHIFT: u32 = 20;

/// With position bias (`chart_browse_position_decay` > 0): for each of the 4,096 equal
/// quantiles of a 32-bit draw, the chart position it picks, from the inverse of the
/// distribution P(k) ∝ k^(−decay) over positions 1..=depth (taken at the quantile's
/// midpoint). `None` for uniform browsing, which keeps the exact multiply-shift pick.
fn browse_positions(scenario: &Scenario) -> Option<Vec<u8>> {
    let l = &scenario.listening;
    if l.chart_browse_position_decay == 0.0 {
        return None;
    }
    let weights: Vec<f64> = (1..=l.chart_browse_depth)
        .map(|k| f64::from(k).powf(-l.chart_browse_position_decay))
        .collect();
    let total: f64 = weights.iter().sum();
    let mut cdf = Vec::with_capacity(weights.len());
    let mut acc = 0.0;
    for w in &weights {
        acc += w / total;
        cdf.push(acc);
    }
    let slots = 1usize << (32 - BROWSE_TABLE_SHIFT);
    Some(
        (0..slots)
            .map(|i| {
                let u = (i as f64 + 0.5) / slots as f64;
                cdf.partition_point(|&c| c <= u).min(cdf.len() - 1) as u8
            })
            .collect(),
    )
}

/// For each genre, the index range of its tracks released in the new-release window.
fn new_release_ranges(scenario: &Scenario, world: &World, day: i32) -> Vec<(usize, usize)> {
    let window = scenario.listening.new_release_window_days as i32;
    let release_day = &world.catalogue.tracks.release_day;
    world
        .catalogue
        .by_genre
        .iter()
        .map(|tracks| {
            let lo = tracks.partition_point(|t| release_day[t.index()] <= day - window);
            let hi = tracks.partition_point(|t| release_day[t.index()] <= day);
            (lo, hi)
        })
        .collect()
}

impl DayShared<'_> {
    /// Records a mobilised member's organised replays (after their ordinary plays, which
    /// are still in `scratch`). Kept out of line: few listener-days take this path.
    #[inline(never)]
    #[allow(clippy::too_many_arguments)]
    fn record_replays(
        &self,
        plan: &ReplayPlan,
        rng: &mut SimRng,
        region: usize,
        premium: bool,
        terms: &[TrackTerms],
        mut heard: Option<&mut HeardSet>,
        mut month: Option<&mut MonthPlays>,
        week_genres: &mut [u32],
        tally: &mut DayLog,
        scratch: &mut Scratch,
    ) {
        let (choices, counts) = (&scratch.choices, &scratch.counts);
        self.fandoms.replays(
            plan,
            rng,
            &mut scratch.per_account,
            |t, slot, account, n, flagged| {
                week_genres[terms[t as usize].genre as usize] += n;
                if flagged {
                    tally.channels.discarded[region] += u64::from(n);
                    return;
                }
                if let Some(set) = heard.as_mut() {
                    set.play(t);
                }
                if let Some(month) = month.as_mut() {
                    month.play_organised(t, n);
                }
                // The member's ordinary plays are on their first account.
                let ordinary = if account == 0 {
                    (0..choices.len())
                        .find(|&i| choices.track(i) == t)
                        .map_or(0, |i| counts[i])
                } else {
                    0
                };
                tally.add_replays(region, premium, t as usize, slot as usize, ordinary, n);
            },
        );
    }
}

/// A media tie-in's soundtrack lookups today.
struct MediaToday {
    /// Released soundtrack tracks.
    tracks: Vec<u32>,
    /// Chance a listener looks one up today (reach × the shock's strength).
    probability: f32,
    /// Whether it has premiered in each region.
    regions: Vec<bool>,
}

/// The tie-ins whose shock is still live on `day`, with their released tracks.
fn media_today(scenario: &Scenario, world: &World, day: i32, released: usize) -> Vec<MediaToday> {
    scenario
        .tie_ins
        .iter()
        .filter(|t| day >= t.day)
        .map(|t| MediaToday {
            tracks: t
                .releases
                .iter()
                .map(|&i| world.catalogue.named[i].0)
                .filter(|&track| (track as usize) < released)
                .collect(),
            probability: (t.reach * t.strength(day)) as f32,
            regions: t.regions.clone(),
        })
        .filter(|m| !m.tracks.is_empty())
        .collect()
}

/// Per-chunk buffers reused across listeners (nothing allocates per listener).
struct Scratch {
    /// The library slots a listener considers today ([`DayShared::library_picks`]).
    picks: [u8; MAX_LIBRARY_SLOTS],
    choices: ChoiceSet,
    counts: Counts,
    slate: Vec<TrackId>,
    per_account: Vec<u32>,
    policy: SlateScratch,
}

/// Read-only inputs shared by every listener on one day.
struct DayShared<'s> {
    scenario: &'s Scenario,
    world: &'s World,
    recommender: &'s Recommender,
    market: &'s Market,
    published: &'s [Vec<u32>],
    decay: &'s Decay,
    tables: &'s PlayTables,
    day: i32,
    day_key: SeedKey,
    recommender_day_key: SeedKey,
    picks_day_key: SeedKey,
    new_release_ranges: Vec<(usize, usize)>,
    /// Christmas season intensity today, 0..1.
    season: f32,
    outside_weight: f32,
    fandoms: &'s FandomDay,
    media: Vec<MediaToday>,
    /// Chart position (0-based) for each quantile of a browse draw, with position bias;
    /// `None` for uniform browsing.
    browse_positions: Option<&'s [u8]>,
    /// Whether the platform owns any artist (its slate share is then counted).
    platform: bool,
}

impl DayShared<'_> {
    /// The library slots listener `l` considers today ([`pick_library_slots`], from the
    /// day's own seed stream).
    #[inline]
    fn library_picks<'p>(
        &self,
        l: usize,
        state: &ListenerState,
        slots: &'p mut [u8; MAX_LIBRARY_SLOTS],
    ) -> &'p [u8] {
        pick_library_slots(
            state.library().len(),
            self.scenario.listening.library_picks as usize,
            || self.picks_day_key.child(l as u64).rng(),
            slots,
        )
    }

    #[inline]
    fn listener_day(
        &self,
        l: usize,
        state: &mut ListenerState,
        (slots_heard, heard, month): (&mut SlotsHeard, &mut HeardSet, &mut MonthPlays),
        week_genres: &mut [u32],
        tally: &mut DayLog,
        scratch: &mut Scratch,
    ) {
        let listening = &self.scenario.listening;
        let utility = &self.scenario.utility;
        let listeners = &self.world.listeners;

        let mut rng = self.day_key.child(l as u64).rng();
        let active = unit_f32(&mut rng) < listening.active_day_share as f32;
        let fans = &self.world.fans;
        let member = !self.fandoms.is_empty() && fans.is_member(l, self.day);
        let mut fan = if member {
            self.fandoms.plan(fans, l)
        } else {
            None
        };
        if !active && fan.is_none() {
            return;
        }
        state.decay_to(self.day, self.decay);

        let region = listeners.region()[l].index();
        let taste = &listeners.taste()[l];
        let conformity = listeners.conformity()[l];
        let terms = self.market.terms(region);
        let taste_weight = utility.taste as f32;
        let common = |t: u32| {
            let term = &terms[t as usize];
            term.base + conformity * term.social - taste_weight * dist2(taste, &term.taste)
        };

        let library_view = LibraryView::new(state.library());
        let picks = self.library_picks(l, state, &mut scratch.picks);
        let choices = &mut scratch.choices;
        choices.clear();
        let (familiarity_w, satiation_w) = (utility.familiarity as f32, utility.satiation as f32);
        let wear_w = utility.wear as f32;
        for &k in picks {
            let k = usize::from(k);
            let t = state.library[k];
            let f = state.familiarity[k];
            let u = common(t) + familiarity_w * f / (f + FAMILIARITY_HALF_SATURATION)
                - wear_w * f
                - satiation_w * state.satiation[k];
            choices.push(t, Channel::Library, u);
        }

        let slate_size = listening.slate_size as usize;
        let sampled = is_sampled(l);
        if slate_size > 0 {
            // Seeding costs a few dozen instructions: skip it for deterministic scorers.
            let mut rec_rng = if self.recommender.is_random() {
                self.recommender_day_key.child(l as u64).rng()
            } else {
                SimRng::seed_from_u64(0)
            };
            let request = SlateRequest {
                listener: ListenerId(l as u32),
                region: listeners.region()[l],
                profile: &state.profile,
                library: library_view,
                history: &state.history(),
                familiarity: &state.familiarity[..state.library().len()],
            };
            self.recommender.fill_slate(
                self.world,
                &request,
                slate_size,
                &mut rec_rng,
                &mut scratch.policy,
                &mut scratch.slate,
            );
            if self.scenario.measures.slates {
                let slates = &mut tally.slates;
                slates.record_slate(self.world, request.region, &scratch.slate, self.platform);
                if sampled {
                    slates.record_sample(self.world, &request, &scratch.slate, &mut scratch.policy);
                }
            }
            let position_w = utility.position as f32;
            for (k, t) in scratch.slate.iter().enumerate() {
                choices.push(t.0, Channel::Slate, common(t.0) - position_w * k as f32);
            }
        }

        // Chart browsing: the draws are made whether or not the listener browses, so the
        // listening stream stays aligned across policies (common random numbers).
        let browses = unit_f32(&mut rng) < listening.chart_browse_probability as f32;
        let chart = &self.published[region];
        for _ in 0..listening.chart_picks {
            let draw = rng.next_u32();
            if browses && !chart.is_empty() {
                let at = match &self.browse_positions {
                    None => ((u64::from(draw) * chart.len() as u64) >> 32) as usize,
                    Some(table) => usize::from(table[(draw >> BROWSE_TABLE_SHIFT) as usize]),
                };
                if let Some(&t) = chart.get(at)
                    && !library_view.contains(t)
                    && !choices.contains(t)
                {
                    choices.push(t, Channel::Chart, common(t));
                }
            }
        }

        let genre = listeners.home_genre()[l].index();
        let home = &self.world.catalogue.by_genre[genre];
        let (lo, hi) = self.new_release_ranges[genre];
        for _ in 0..listening.new_release_picks {
            if hi > lo {
                let t = home[self.world.discovery.pick(genre, lo, hi, &mut rng)].0;
                if !library_view.contains(t) && !choices.contains(t) {
                    choices.push(t, Channel::NewRelease, common(t));
                }
            }
        }

        // Seasonal search: Christmas songs, looked up with the season's intensity. The
        // draws are made whatever the season, keeping the stream aligned across days.
        let christmas = &self.world.catalogue.christmas;
        for _ in 0..listening.seasonal_picks {
            let (u, draw) = (unit_f32(&mut rng), rng.next_u32());
            if u < self.season && !christmas.is_empty() {
                let t = christmas[((u64::from(draw) * christmas.len() as u64) >> 32) as usize].0;
                if !library_view.contains(t) && !choices.contains(t) {
                    choices.push(t, Channel::Seasonal, common(t));
                }
            }
        }

        // Media tie-ins: viewers look up a soundtrack song while the film's buzz lasts.
        for media in &self.media {
            if media.regions[region] && unit_f32(&mut rng) < media.probability {
                let t = media.tracks[fast_index(&mut rng, media.tracks.len())];
                if !library_view.contains(t) && !choices.contains(t) {
                    choices.push(t, Channel::Media, common(t));
                }
            }
        }

        // Choice occasions of the day (a mobilised fan adds the songs mixed into replay).
        let ordinary = if active {
            stochastic_round(listeners.occasions_per_active_day()[l], &mut rng)
        } else {
            0
        };
        let occasions = ordinary + fan.as_ref().map_or(0, |(plan, _)| plan.mix);
        let count_listeners = self.scenario.measures.listeners_per_track;
        let settle = self.scenario.payouts.on();
        if count_listeners {
            // Any item beyond the library picks may be played: start fetching where the
            // listener's set holds it while the day's choices are drawn.
            for i in picks.len()..choices.len() {
                heard.prefetch(choices.track(i));
            }
        }
        if settle {
            // Any item may be played, and every play is counted in the month.
            for i in 0..choices.len() {
                month.prefetch(choices.track(i));
            }
        }
        let counts = &mut scratch.counts;
        counts[..=choices.len()].fill(0);
        choices.sample(occasions, self.outside_weight, &mut rng, counts);
        let outside = counts[choices.len()];
        if sampled {
            let chosen: f64 = (0..choices.len())
                .map(|i| f64::from(counts[i]) * f64::from(choices.utility(i)))
                .sum();
            let total = chosen + f64::from(outside) * utility.outside;
            tally
                .slates
                .record_utility(listeners.region()[l], occasions, total);
        }
        tally.channels.occasions[region] += u64::from(occasions);
        tally.channels.outside[region] += u64::from(outside);

        // Every track appears once in the choice set, so an item's count is the listener's
        // plays of that track today (per-user caps apply to exactly that).
        let premium = listeners.premium()[l];
        let capacity = listening.library_size as usize;
        // The day's library picks were pushed first, so item i < picks.len() is library
        // slot picks[i]; replays are recorded before any save can evict a slot.
        let picked = picks.len();
        // Indices of the items played today, gathered without branches (about half the
        // items are not played, so testing each one would mispredict constantly).
        let mut played = [0u8; MAX_CHOICES];
        let mut n_played = 0;
        for (i, &c) in counts.iter().enumerate().take(choices.len()) {
            played[n_played] = i as u8;
            n_played += usize::from(c > 0);
        }
        for &i in &played[..n_played] {
            let i = usize::from(i);
            let c = counts[i];
            let channel = choices.channel(i);
            tally.channels.streams[region * CHANNELS + channel as usize] += u64::from(c);
            let t = choices.track(i);
            let term = &terms[t as usize];
            tally.add_plays(region, premium, t as usize, c);
            if settle {
                month.play(t, channel.sought(), c);
            }
            week_genres[term.genre as usize] += c;
            state.observe(&term.taste, self.tables.profile_weight(c));
            if i < picked {
                let slot = usize::from(picks[i]);
                state.replay(slot, c);
                if count_listeners {
                    slots_heard.library_play(heard, slot, t);
                }
            } else {
                if count_listeners {
                    heard.play(t);
                }
                if unit_f32(&mut rng) < self.tables.save_probability(c)
                    && let Some(slot) = state.save(t, c, capacity)
                    && count_listeners
                {
                    slots_heard.saved(slot);
                }
            }
        }

        if member {
            tally.channels.member_streams[region] += u64::from(occasions - outside);
        }
        if let Some((plan, fan_rng)) = &mut fan {
            tally.channels.member_streams[region] += u64::from(plan.replays);
            self.record_replays(
                plan,
                fan_rng,
                region,
                premium,
                terms,
                count_listeners.then_some(heard),
                settle.then_some(month),
                week_genres,
                tally,
                scratch,
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn position_biased_browsing_follows_one_over_position() {
        let mut scenario = Scenario::default_scenario();
        assert_eq!(browse_positions(&scenario), None, "uniform by default");
        scenario.listening.chart_browse_depth = 3;
        scenario.listening.chart_browse_position_decay = 1.0;
        let table = browse_positions(&scenario).expect("a table");
        // P ∝ 1, 1/2, 1/3 → 6/11, 3/11, 2/11 of 4,096 slots (± one slot at each boundary)
        let count = |k: u8| table.iter().filter(|&&p| p == k).count() as f64;
        for (k, p) in [(0, 6.0 / 11.0), (1, 3.0 / 11.0), (2, 2.0 / 11.0)] {
            assert!(
                (count(k) - p * 4_096.0).abs() <= 1.0,
                "position {k}: {}",
                count(k)
            );
        }
        assert!(table.windows(2).all(|w| w[0] <= w[1]));
    }
}
