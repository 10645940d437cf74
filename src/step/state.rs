//! A listener's mutable state: personal library and observed style profile.
//!
//! Stored inline (fixed-size arrays, one `Vec` element per listener) so a day's work on a
//! listener touches one contiguous record and allocates nothing.

use crate::policy::ListenerState;
use crate::rng::{SeedKey, SimRng, fast_index};
use crate::scenario::Scenario;
use crate::world::{MAX_LIBRARY_SLOTS, TASTE_DIMS, Taste, World, dist2};

/// Weight of one stream in the listener's style profile (exponential moving average).
const PROFILE_RATE: f64 = 0.05;

/// Familiarity f enters utility as `familiarity · f / (f + FAMILIARITY_HALF_SATURATION)`:
/// it rises with plays and saturates, reaching half its weight at 5 (decayed) plays.
pub const FAMILIARITY_HALF_SATURATION: f32 = 5.0;

/// Daily play counts above this use the last table entry (the weights are ~1 by then).
const MAX_TABULATED_PLAYS: usize = 64;

impl ListenerState {
    /// Decays familiarity and satiation for the days since the listener was last active.
    #[inline]
    pub fn decay_to(&mut self, day: i32, decay: &Decay) {
        let elapsed = (day - self.last_active).max(0);
        self.last_active = day;
        let (f, s) = decay.factors(elapsed);
        for k in 0..self.library_len as usize {
            self.familiarity[k] *= f;
            self.satiation[k] *= s;
        }
    }

    /// Asks the processor to start fetching the lines a listener's day reads first (the
    /// record is several hundred bytes, and the listener before takes long enough for the
    /// lines to arrive).
    #[inline]
    pub fn prefetch(&self) {
        #[cfg(all(target_arch = "x86_64", target_feature = "sse"))]
        {
            use safe_arch::prefetch_t0;
            prefetch_t0(&self.last_active);
            prefetch_t0(&self.library[0]);
            prefetch_t0(&self.familiarity[0]);
            prefetch_t0(&self.satiation[0]);
        }
    }

    /// Records `plays` streams of a library slot.
    #[inline]
    pub fn replay(&mut self, slot: usize, plays: u32) {
        self.familiarity[slot] += plays as f32;
        self.satiation[slot] += plays as f32;
    }

    /// Saves a track to the library, replacing the least recently played one (lowest
    /// satiation) when full; returns the slot it went to (none with no library).
    pub fn save(&mut self, track: u32, plays: u32, capacity: usize) -> Option<usize> {
        let len = self.library_len as usize;
        let slot = if len < capacity {
            self.library_len += 1;
            len
        } else if capacity == 0 {
            return None;
        } else {
            (0..len)
                .min_by(|&a, &b| self.satiation[a].total_cmp(&self.satiation[b]))
                .expect("invariant: full library")
        };
        self.library[slot] = track;
        self.familiarity[slot] = plays as f32;
        self.satiation[slot] = plays as f32;
        Some(slot)
    }

    /// Moves the style profile a fraction `w` of the way towards a streamed track's
    /// position (`w` from [`PlayTables::profile_weight`]).
    #[inline]
    pub fn observe(&mut self, taste: &Taste, w: f32) {
        for (p, &x) in self.profile.iter_mut().zip(taste) {
            *p += w * (x - *p);
        }
    }
}

/// The library slots a listener considers on a day, in slot order: every slot when the
/// library holds at most `picks` tracks (no draw, so `rng` is not made), otherwise a
/// uniform draw of `picks` slots without replacement (a partial Fisher–Yates shuffle).
pub fn pick_library_slots(
    len: usize,
    picks: usize,
    rng: impl FnOnce() -> SimRng,
    slots: &mut [u8; MAX_LIBRARY_SLOTS],
) -> &[u8] {
    for (k, slot) in slots.iter_mut().enumerate().take(len) {
        *slot = k as u8;
    }
    if picks >= len {
        return &slots[..len];
    }
    let mut rng = rng();
    for j in 0..picks {
        let r = j + fast_index(&mut rng, len - j);
        slots.swap(j, r);
    }
    slots[..picks].sort_unstable();
    &slots[..picks]
}

/// Per-day decay factors for familiarity and satiation, tabulated by elapsed days.
#[derive(Clone, Debug)]
pub struct Decay {
    table: Vec<(f32, f32)>,
}

impl Decay {
    /// Tables for up to a year of inactivity (longer gaps use the last entry).
    pub fn new(scenario: &Scenario) -> Self {
        let f = 0.5f64.powf(1.0 / scenario.listening.familiarity_half_life_days);
        let s = 0.5f64.powf(1.0 / scenario.utility.satiation_half_life_days);
        Self {
            table: (0..=366)
                .map(|k| (f.powi(k) as f32, s.powi(k) as f32))
                .collect(),
        }
    }

    #[inline]
    fn factors(&self, elapsed: i32) -> (f32, f32) {
        self.table[(elapsed as usize).min(self.table.len() - 1)]
    }
}

/// Per-play weights tabulated by the number of plays in a day (no `powf` in the hot loop).
#[derive(Clone, Debug)]
pub struct PlayTables {
    profile: Vec<f32>,
    save: Vec<f32>,
}

impl PlayTables {
    /// Tables for the scenario's save probability and the profile rate.
    pub fn new(scenario: &Scenario) -> Self {
        let keep = 1.0 - scenario.listening.save_probability;
        let plays = 0..=MAX_TABULATED_PLAYS as i32;
        Self {
            profile: plays
                .clone()
                .map(|c| (1.0 - (1.0 - PROFILE_RATE).powi(c)) as f32)
                .collect(),
            save: plays.map(|c| (1.0 - keep.powi(c)) as f32).collect(),
        }
    }

    /// Profile weight of `plays` streams: `1 − (1 − 0.05)^plays`.
    #[inline]
    pub fn profile_weight(&self, plays: u32) -> f32 {
        self.profile[(plays as usize).min(MAX_TABULATED_PLAYS)]
    }

    /// Probability that `plays` streams of a new track save it: `1 − (1 − p)^plays`.
    #[inline]
    pub fn save_probability(&self, plays: u32) -> f32 {
        self.save[(plays as usize).min(MAX_TABULATED_PLAYS)]
    }
}

/// Initial states: each library holds half its capacity of back-catalogue tracks from the
/// listener's home genre: the best of a few random candidates by `appeal − d²` plus Gumbel
/// noise (a random-utility draw, unweighted), so a run does not start from empty
/// libraries and listeners of one genre do not all start with the same favourites. The
/// profile starts as a moving average of those tracks' positions.
pub fn initial_states(scenario: &Scenario, world: &World, key: SeedKey) -> Vec<ListenerState> {
    use rand::RngExt;
    let capacity = scenario.listening.library_size as usize;
    let start = capacity / 2;
    let tracks = &world.catalogue.tracks;
    let listeners = &world.listeners;
    (0..listeners.len())
        .map(|l| {
            let mut state = ListenerState {
                library: [0; MAX_LIBRARY_SLOTS],
                familiarity: [0.0; MAX_LIBRARY_SLOTS],
                satiation: [0.0; MAX_LIBRARY_SLOTS],
                library_len: 0,
                last_active: -1,
                profile: [0.0; TASTE_DIMS],
            };
            let home = listeners.home_genre()[l].index();
            let genre = &world.catalogue.by_genre[home];
            let back = genre.partition_point(|t| tracks.release_day[t.index()] < 0);
            if back == 0 || start == 0 {
                return state;
            }
            let mut rng = key.child(l as u64).rng();
            let taste = &listeners.taste()[l];
            let mut candidates: Vec<(f32, u32)> = (0..start * 3)
                .map(|_| {
                    let t = if world.discovery.is_uniform() {
                        genre[rng.random_range(0..back)].0
                    } else {
                        genre[world.discovery.pick(home, 0, back, &mut rng)].0
                    };
                    let gumbel = -(-rng.random::<f32>().max(f32::MIN_POSITIVE).ln()).ln();
                    let u = tracks.appeal[t as usize] - dist2(taste, &tracks.taste[t as usize]);
                    (u + gumbel, t)
                })
                .collect();
            candidates.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
            candidates.dedup_by_key(|c| c.1);
            for &(_, t) in candidates.iter().take(start) {
                if state.slot_of(t).is_none() {
                    state.save(t, 3, capacity);
                    state.observe(&tracks.taste[t as usize], 0.6);
                }
            }
            state
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;

    fn empty() -> ListenerState {
        ListenerState {
            library: [0; MAX_LIBRARY_SLOTS],
            familiarity: [0.0; MAX_LIBRARY_SLOTS],
            satiation: [0.0; MAX_LIBRARY_SLOTS],
            library_len: 0,
            last_active: 0,
            profile: [0.0; TASTE_DIMS],
        }
    }

    #[test]
    fn full_library_replaces_least_recently_played() {
        let mut s = empty();
        s.save(10, 5, 2);
        s.save(11, 2, 2);
        s.save(12, 1, 2); // full: replaces track 11 (satiation 2 < 5)
        assert_eq!(s.library(), &[10, 12]);
        assert_eq!(s.familiarity[1], 1.0);
    }

    #[test]
    fn history_is_the_most_familiar_sixteen_in_slot_order() {
        let mut s = empty();
        for t in 0..20u32 {
            s.save(100 + t, 1, MAX_LIBRARY_SLOTS);
        }
        let first: Vec<u32> = (100..116).collect();
        assert_eq!(&s.history()[..], &first[..], "ties go to the lower slots");
        // Slots 2, 5 and 19 played most; slot 0 least: it and the three highest of the
        // tied rest (slots 16, 17, 18) drop out of the 16.
        s.familiarity[2] = 9.0;
        s.familiarity[5] = 8.0;
        s.familiarity[19] = 7.0;
        s.familiarity[0] = 0.5;
        let mut want: Vec<u32> = (1..16).map(|k| 100 + k).collect();
        want.push(119);
        assert_eq!(&s.history()[..], &want[..]);
        // At most 16 tracks: the whole library, as it is.
        let mut small = empty();
        small.save(7, 1, 4);
        small.save(3, 1, 4);
        assert_eq!(&small.history()[..], &[7, 3]);
    }

    #[test]
    fn library_picks_are_the_whole_small_library_or_a_uniform_draw() {
        let mut slots = [0u8; MAX_LIBRARY_SLOTS];
        let no_draw = || -> SimRng { panic!("no draw when every slot is considered") };
        assert_eq!(
            pick_library_slots(5, 16, no_draw, &mut slots),
            &[0, 1, 2, 3, 4]
        );
        assert_eq!(
            pick_library_slots(16, 16, no_draw, &mut slots),
            &(0..16).collect::<Vec<u8>>()[..]
        );
        // 16 of 40: distinct, in order, each slot with probability 16/40 = 0.4 a day.
        let mut times = [0u32; 40];
        for day in 0..5_000u64 {
            let picked = pick_library_slots(40, 16, || SimRng::seed_from_u64(day), &mut slots);
            assert_eq!(picked.len(), 16);
            assert!(picked.windows(2).all(|w| w[0] < w[1]));
            assert!(picked.iter().all(|&k| k < 40));
            for &k in picked {
                times[usize::from(k)] += 1;
            }
        }
        // Binomial(5,000, 0.4): sd ≈ 34.6, so ±5 sd is 2,000 ± 173.
        for (k, &n) in times.iter().enumerate() {
            assert!((1_827..=2_173).contains(&n), "slot {k} picked {n} times");
        }
    }

    #[test]
    fn profile_moves_towards_played_taste() {
        let scenario = Scenario::default_scenario();
        let tables = PlayTables::new(&scenario);
        let mut s = empty();
        s.observe(&[1.0, 0.0, 0.0, 0.0], tables.profile_weight(1));
        // one play moves it by PROFILE_RATE = 0.05 of the distance
        assert!((s.profile[0] - 0.05).abs() < 1e-6);
        s.observe(&[1.0, 0.0, 0.0, 0.0], tables.profile_weight(2));
        // two plays: weight 1 − 0.95² = 0.0975 of the remaining 0.95 → 0.05 + 0.092625
        assert!((s.profile[0] - 0.142625).abs() < 1e-6);
    }

    #[test]
    fn save_probability_compounds_per_play() {
        let scenario = Scenario::default_scenario(); // save_probability 0.15
        let tables = PlayTables::new(&scenario);
        assert!((tables.save_probability(1) - 0.15).abs() < 1e-6);
        // 1 − 0.85³ = 1 − 0.614125 = 0.385875
        assert!((tables.save_probability(3) - 0.385875).abs() < 1e-6);
        assert_eq!(tables.save_probability(0), 0.0);
    }
}
