//! One simulated day: every listener's choices, in parallel, reproducibly.
//!
//! This is the hot loop and the only place it lives. Listeners are processed in chunks of
//! a fixed size ([`CHUNK`], never derived from the thread count); each listener-day draws
//! from its own generator keyed by (replicate, day, listener), and each chunk counts into
//! its own integer [`Tally`]. The day's result is therefore identical on 1 or 64 threads.
//!
//! A listener's day: decide whether they listen at all; build the choice set (library,
//! recommender slate, chart picks, new releases) with utilities; draw the day's choice
//! occasions from the multinomial logit; then record the plays (chart counters with
//! per-user caps, weekly genre counts) and update the library and style profile.

mod choice;
mod market;
mod state;
mod tally;

use rand::RngExt;
use rayon::prelude::*;

pub use choice::{ChoiceSet, MAX_CHOICES, stochastic_round};
pub use market::{Market, RING_DAYS, SOCIAL_WINDOW_DAYS, TrackTerms};
pub use state::{Decay, ListenerState, initial_states};
pub use tally::{CHANNELS, Caps, Channel, Tally};

use crate::ids::TrackId;
use crate::policy::{DayContext, PolicySpec, Recommender, SlateRequest};
use crate::rng::{Purpose, SeedKey};
use crate::scenario::Scenario;
use crate::world::{World, dist2, unit_f32};

/// Listeners per parallel work unit. A constant, so results never depend on thread count.
pub const CHUNK: usize = 2_048;

/// One policy's simulation of one replicate world, advanced a day at a time.
pub struct Simulation<'a> {
    scenario: &'a Scenario,
    world: &'a World,
    recommender: Recommender,
    market: Market,
    states: Vec<ListenerState>,
    week_genres: Vec<u32>,
    chunk_tallies: Vec<Tally>,
    week: Tally,
    daily_streams: Vec<u32>,
    published: Vec<Vec<u32>>,
    decay: Decay,
    listening_key: SeedKey,
    recommender_key: SeedKey,
    day: i32,
}

impl<'a> Simulation<'a> {
    /// A simulation at day 0. `replicate_key` must be the key the world was generated
    /// from; `caps` lists the per-user caps the run's chart rule sets need.
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
        let n_chunks = n_listeners.div_ceil(CHUNK);
        Self {
            scenario,
            world,
            recommender: Recommender::new(policy),
            market: Market::new(world, n_regions, Recommender::window_days(policy)),
            states: initial_states(
                scenario,
                world,
                replicate_key.purpose(Purpose::World).child(3),
            ),
            week_genres: vec![0; n_listeners * scenario.genres.len()],
            chunk_tallies: (0..n_chunks)
                .map(|_| Tally::new(caps, n_regions, n_tracks))
                .collect(),
            week: Tally::new(caps, n_regions, n_tracks),
            daily_streams: vec![0; n_regions * n_tracks],
            published: vec![Vec::new(); n_regions],
            decay: Decay::new(scenario),
            listening_key: replicate_key.purpose(Purpose::Listening),
            recommender_key: replicate_key.purpose(Purpose::Recommender),
            day: 0,
        }
    }

    /// The next day to simulate.
    pub fn day(&self) -> i32 {
        self.day
    }

    /// Counters of the current chart week so far.
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

    /// Makes `top` the region's published chart (listeners pick from its head).
    pub fn publish_chart(&mut self, region: usize, top: impl Iterator<Item = TrackId>) {
        let picks = self.scenario.listening.chart_picks as usize;
        self.published[region] = top.take(picks).map(|t| t.0).collect();
    }

    /// Zeroes the weekly counters at the start of a new chart week.
    pub fn start_week(&mut self) {
        self.week.clear();
        self.week_genres.fill(0);
    }

    /// Simulates one day for every listener.
    pub fn step_day(&mut self) {
        let day = self.day;
        let n_tracks = self.world.catalogue.len();
        let n_regions = self.scenario.regions.len();
        let released = self.world.catalogue.released(day);
        self.market
            .prepare_terms(self.scenario, self.world, day, released);
        self.recommender.prepare_day(&DayContext {
            day,
            released,
            window_streams: self.market.policy_window(),
            n_tracks,
            n_regions,
            world: self.world,
            slate_size: self.scenario.listening.slate_size as usize,
            library_size: self.scenario.listening.library_size as usize,
        });

        let shared = DayShared {
            scenario: self.scenario,
            world: self.world,
            recommender: &self.recommender,
            market: &self.market,
            published: &self.published,
            decay: &self.decay,
            day,
            day_key: self.listening_key.child(day as u64),
            recommender_day_key: self.recommender_key.child(day as u64),
            new_release_ranges: new_release_ranges(self.scenario, self.world, day),
            outside_weight: (self.scenario.utility.outside as f32).exp(),
        };
        let genres = self.scenario.genres.len();
        self.states
            .par_chunks_mut(CHUNK)
            .zip(self.week_genres.par_chunks_mut(CHUNK * genres))
            .zip(self.chunk_tallies.par_iter_mut())
            .enumerate()
            .for_each(|(chunk, ((states, week_genres), tally))| {
                tally.clear();
                let mut scratch = Scratch::default();
                for (i, state) in states.iter_mut().enumerate() {
                    let genres_of = &mut week_genres[i * genres..(i + 1) * genres];
                    shared.listener_day(chunk * CHUNK + i, state, genres_of, tally, &mut scratch);
                }
            });

        self.daily_streams.fill(0);
        let mut streams = vec![0; n_tracks];
        for tally in &self.chunk_tallies {
            self.week.absorb(tally);
            for r in 0..n_regions {
                tally.streams_into(r, &mut streams);
                for (d, s) in self.daily_streams[r * n_tracks..(r + 1) * n_tracks]
                    .iter_mut()
                    .zip(&streams)
                {
                    *d += s;
                }
            }
        }
        self.market.record_day(day, &self.daily_streams);
        self.day += 1;
    }
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

/// Per-chunk buffers reused across listeners (nothing allocates per listener).
#[derive(Default)]
struct Scratch {
    choices: ChoiceSet,
    counts: Vec<u32>,
    slate: Vec<TrackId>,
    plays: Vec<(u32, u32, Channel)>,
}

/// Read-only inputs shared by every listener on one day.
struct DayShared<'s> {
    scenario: &'s Scenario,
    world: &'s World,
    recommender: &'s Recommender,
    market: &'s Market,
    published: &'s [Vec<u32>],
    decay: &'s Decay,
    day: i32,
    day_key: SeedKey,
    recommender_day_key: SeedKey,
    new_release_ranges: Vec<(usize, usize)>,
    outside_weight: f32,
}

impl DayShared<'_> {
    #[inline]
    fn listener_day(
        &self,
        l: usize,
        state: &mut ListenerState,
        week_genres: &mut [u32],
        tally: &mut Tally,
        scratch: &mut Scratch,
    ) {
        let listening = &self.scenario.listening;
        let utility = &self.scenario.utility;
        let listeners = &self.world.listeners;
        let tracks = &self.world.catalogue.tracks;

        let mut rng = self.day_key.child(l as u64).rng();
        if unit_f32(&mut rng) >= listening.active_day_share as f32 {
            return;
        }
        state.decay_to(self.day, self.decay);

        let region = listeners.region()[l].index();
        let taste = &listeners.taste()[l];
        let conformity = listeners.conformity()[l];
        let terms = self.market.terms(region);
        let taste_weight = utility.taste as f32;
        let common = |t: u32| {
            let term = terms[t as usize];
            term.base + conformity * term.social
                - taste_weight * dist2(taste, &tracks.taste[t as usize])
        };

        let choices = &mut scratch.choices;
        choices.clear();
        let (familiarity_w, satiation_w) = (utility.familiarity as f32, utility.satiation as f32);
        for (k, &t) in state.library().iter().enumerate() {
            let u = common(t) + familiarity_w * state.familiarity[k].ln_1p()
                - satiation_w * state.satiation[k];
            choices.push(t, Channel::Library, u);
        }

        let slate_size = listening.slate_size as usize;
        if slate_size > 0 {
            let mut rec_rng = self.recommender_day_key.child(l as u64).rng();
            let request = SlateRequest {
                region: listeners.region()[l],
                profile: &state.profile,
                library: state.library(),
            };
            self.recommender.fill_slate(
                self.world,
                &request,
                slate_size,
                &mut rec_rng,
                &mut scratch.slate,
            );
            let position_w = utility.position as f32;
            for (k, t) in scratch.slate.iter().enumerate() {
                choices.push(t.0, Channel::Slate, common(t.0) - position_w * k as f32);
            }
        }

        for &t in &self.published[region] {
            if state.slot_of(t).is_none() {
                choices.push(t, Channel::Chart, common(t));
            }
        }

        let home = &self.world.catalogue.by_genre[listeners.home_genre()[l].index()];
        let (lo, hi) = self.new_release_ranges[listeners.home_genre()[l].index()];
        for _ in 0..listening.new_release_picks {
            if hi > lo {
                let t = home[rng.random_range(lo..hi)].0;
                if state.slot_of(t).is_none() {
                    choices.push(t, Channel::NewRelease, common(t));
                }
            }
        }

        // Choice occasions of the day.
        let occasions = stochastic_round(listeners.occasions_per_active_day()[l], &mut rng);
        scratch.counts.clear();
        scratch.counts.resize(MAX_CHOICES, 0);
        let counts: &mut [u32; MAX_CHOICES] = (&mut scratch.counts[..])
            .try_into()
            .expect("invariant: MAX_CHOICES long");
        let outside = choices.sample(occasions, self.outside_weight, &mut rng, counts);
        tally.occasions[region] += u64::from(occasions);
        tally.outside[region] += u64::from(outside);

        // Merge items naming the same track (a slate pick that is also on the chart, …):
        // per-user caps apply to the listener's total plays of a track in the day.
        let plays = &mut scratch.plays;
        plays.clear();
        for (i, &c) in counts.iter().enumerate().take(choices.len()) {
            if c == 0 {
                continue;
            }
            let channel = choices.channel(i);
            tally.channel_streams[region * CHANNELS + channel as usize] += u64::from(c);
            let t = choices.track(i);
            match plays.iter_mut().find(|p| p.0 == t) {
                Some(p) => p.1 += c,
                None => plays.push((t, c, channel)),
            }
        }

        let premium = listeners.premium()[l];
        let capacity = listening.library_size as usize;
        for &(t, c, channel) in plays.iter() {
            tally.add_plays(region, premium, t as usize, c);
            week_genres[tracks.genre[t as usize].index()] += c;
            state.observe(&tracks.taste[t as usize], c);
            if channel == Channel::Library {
                let slot = state
                    .slot_of(t)
                    .expect("invariant: library items are in the library");
                state.replay(slot, c);
            } else {
                let keep = 1.0 - (1.0 - listening.save_probability).powi(c as i32);
                if rng.random_bool(keep) {
                    state.save(t, c, capacity);
                }
            }
        }
    }
}
