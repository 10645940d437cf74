//! What the market knows each day: rolling stream windows and per-track utility terms.
//!
//! Everything about a track's utility that is the same for every listener of a region on
//! a day — appeal, home bias, novelty, social proof — is computed here once a day, so the
//! per-listener loop adds only the listener-specific parts (taste match, conformity,
//! library state, slate position).

use crate::policy::TrackTerms;
use crate::scenario::Scenario;
use crate::world::World;

/// Most days of daily streams a market keeps (the longest window any scorer may use).
pub const RING_DAYS: usize = 28;
/// Days of plays behind social proof.
pub const SOCIAL_WINDOW_DAYS: usize = 7;

/// Rolling windows of observed streams and the day's track terms.
#[derive(Clone, Debug)]
pub struct Market {
    n_tracks: usize,
    n_regions: usize,
    /// The last days' streams, as many days as the longest window: `(cell, streams)` for
    /// each region-major cell (`region × tracks + track`) played that day, at index
    /// `day % ring.len()`.
    ring: Vec<Vec<(u32, u32)>>,
    social_window: Vec<u32>,
    policy_window: Vec<u32>,
    policy_window_days: usize,
    terms: Vec<TrackTerms>,
    shared_base: Vec<f64>,
    novelty_by_age: Vec<f64>,
    per_thousand: Vec<f32>,
}

impl Market {
    /// An empty market for a world; `policy_window_days` is the scorer's window (0: none)
    /// and `longest_window_days` the longest it may switch to later (days of streams kept,
    /// with social proof's [`SOCIAL_WINDOW_DAYS`], up to [`RING_DAYS`]).
    pub fn new(
        world: &World,
        n_regions: usize,
        policy_window_days: u32,
        longest_window_days: u32,
    ) -> Self {
        let ring_days = (policy_window_days.max(longest_window_days) as usize)
            .clamp(SOCIAL_WINDOW_DAYS, RING_DAYS);
        let n_tracks = world.catalogue.len();
        let cells = n_regions * n_tracks;
        Self {
            n_tracks,
            n_regions,
            ring: vec![Vec::new(); ring_days],
            social_window: vec![0; cells],
            policy_window: vec![0; cells],
            policy_window_days: policy_window_days as usize,
            terms: vec![TrackTerms::default(); cells],
            shared_base: Vec::with_capacity(n_tracks),
            novelty_by_age: Vec::new(),
            per_thousand: world
                .listeners_by_region
                .iter()
                .map(|&n| if n == 0 { 0.0 } else { 1_000.0 / n as f32 })
                .collect(),
        }
    }

    /// Adds a finished day's streams, `(cell, streams)` for every region-major cell played
    /// that day, to the windows.
    pub fn record_day(&mut self, day: i32, played: impl IntoIterator<Item = (u32, u32)>) {
        let day = day as usize;
        let days = self.ring.len();
        let leaving = |window: usize| (window > 0 && day >= window).then(|| day - window);
        if let Some(old) = leaving(SOCIAL_WINDOW_DAYS) {
            sub_assign(&mut self.social_window, &self.ring[old % days]);
        }
        if let Some(old) = leaving(self.policy_window_days) {
            sub_assign(&mut self.policy_window, &self.ring[old % days]);
        }
        let now = &mut self.ring[day % days];
        now.clear();
        now.extend(played);
        add_assign(&mut self.social_window, now);
        if self.policy_window_days > 0 {
            add_assign(&mut self.policy_window, now);
        }
    }

    /// Switches the policy window to `days` days (0: none) from `day` on, rebuilding it
    /// from the stored days (a policy switch mid-run).
    ///
    /// # Panics
    ///
    /// If `days` is longer than the longest window given to [`Market::new`].
    pub fn set_policy_window(&mut self, day: i32, days: u32) {
        assert!(
            days as usize <= self.ring.len(),
            "invariant: a switched window fits the days kept"
        );
        self.policy_window_days = days as usize;
        self.policy_window.fill(0);
        let day = day as usize;
        for d in day.saturating_sub(self.policy_window_days)..day {
            add_assign(&mut self.policy_window, &self.ring[d % self.ring.len()]);
        }
    }

    /// Recomputes every track's terms for `day` (tracks `0..released` are out).
    pub fn prepare_terms(&mut self, scenario: &Scenario, world: &World, day: i32, released: usize) {
        let u = &scenario.utility;
        let tracks = &world.catalogue.tracks;
        // Region-independent part first (novelty by age from a table, built once per run).
        if self.novelty_by_age.is_empty() {
            let rate = std::f64::consts::LN_2 / u.novelty_half_life_days;
            let oldest = (day - tracks.release_day.first().copied().unwrap_or(0)).max(0) as usize;
            let horizon = oldest + scenario.days as usize + 1;
            self.novelty_by_age = (0..horizon)
                .map(|age| u.novelty * (-rate * age as f64).exp())
                .collect();
        }
        self.shared_base.clear();
        // Christmas songs: out of favour off-season (−seasonal), in favour at the height of
        // the season (+seasonal): seasonal · (2·intensity − 1).
        let season = u.seasonal * (2.0 * crate::chart::christmas_intensity(i64::from(day)) - 1.0);
        self.shared_base.extend((0..released).map(|t| {
            let age = (day - tracks.release_day[t]).max(0) as usize;
            let novelty = self.novelty_by_age.get(age).copied().unwrap_or(0.0);
            let seasonal = if tracks.christmas[t] { season } else { 0.0 };
            u.appeal * f64::from(tracks.appeal[t]) + novelty + seasonal
        }));
        for r in 0..self.n_regions {
            let row = &mut self.terms[r * self.n_tracks..(r + 1) * self.n_tracks];
            let window = &self.social_window[r * self.n_tracks..(r + 1) * self.n_tracks];
            let per_thousand = self.per_thousand[r];
            for (t, terms) in row.iter_mut().enumerate() {
                if t >= released {
                    *terms = TrackTerms {
                        base: f32::NEG_INFINITY,
                        social: 0.0,
                        taste: tracks.taste[t],
                        genre: u32::from(tracks.genre[t].0),
                    };
                    continue;
                }
                let local = if tracks.origin[t].index() == r {
                    u.local
                } else {
                    0.0
                };
                let p = window[t] as f32 * per_thousand;
                *terms = TrackTerms {
                    base: (self.shared_base[t] + local) as f32,
                    social: u.social as f32 * fast_ln_1p(p),
                    taste: tracks.taste[t],
                    genre: u32::from(tracks.genre[t].0),
                };
            }
        }
        // Media tie-ins: the soundtrack's appeal shock where the film has premiered.
        for tie in &scenario.tie_ins {
            let shock = (tie.awareness * tie.strength(day)) as f32;
            if shock == 0.0 {
                continue;
            }
            for &i in &tie.releases {
                let t = world.catalogue.named[i].index();
                for r in (0..self.n_regions).filter(|&r| tie.regions[r] && t < released) {
                    self.terms[r * self.n_tracks + t].base += shock;
                }
            }
        }
    }

    /// The day's terms of every region, region-major.
    pub fn all_terms(&self) -> &[TrackTerms] {
        &self.terms
    }

    /// The day's terms of region `region`, indexed by track.
    #[inline]
    pub fn terms(&self, region: usize) -> &[TrackTerms] {
        &self.terms[region * self.n_tracks..(region + 1) * self.n_tracks]
    }

    /// Streams over the last [`SOCIAL_WINDOW_DAYS`] days, region-major (social proof).
    pub fn social_window(&self) -> &[u32] {
        &self.social_window
    }

    /// Streams over the policy's window, region-major.
    pub fn policy_window(&self) -> &[u32] {
        &self.policy_window
    }
}

/// `ln(1 + p)` for p ≥ 0, from the exponent and mantissa of `1 + p` (mantissa reduced to
/// [√½, √2)) and the series ln m = 2·atanh((m−1)/(m+1)): absolute error below 10⁻⁶,
/// plain arithmetic (no libm call per track and day).
#[inline]
pub fn fast_ln_1p(p: f32) -> f32 {
    let y = 1.0 + p.max(0.0);
    let bits = y.to_bits();
    let mut exponent = ((bits >> 23) & 0xFF) as i32 - 127;
    let mut m = f32::from_bits((bits & 0x007F_FFFF) | 0x3F80_0000); // in [1, 2)
    if m > std::f32::consts::SQRT_2 {
        m *= 0.5;
        exponent += 1;
    }
    let s = (m - 1.0) / (m + 1.0);
    let s2 = s * s;
    let series = 1.0 + s2 * (1.0 / 3.0 + s2 * (1.0 / 5.0 + s2 * (1.0 / 7.0 + s2 / 9.0)));
    exponent as f32 * std::f32::consts::LN_2 + 2.0 * s * series
}

fn add_assign(window: &mut [u32], day: &[(u32, u32)]) {
    for &(cell, streams) in day {
        window[cell as usize] += streams;
    }
}

fn sub_assign(window: &mut [u32], day: &[(u32, u32)]) {
    for &(cell, streams) in day {
        window[cell as usize] -= streams;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn windows_hold_the_last_days_streams() {
        let mut scenario = crate::scenario::Scenario::default_scenario();
        scenario.listeners = 30;
        let world = World::generate(&scenario, crate::rng::SeedKey::root(1));
        let regions = scenario.regions.len();
        let mut market = Market::new(&world, regions, 3, 0);
        // Day d: track 0 of region 0 gets d + 1 streams, everything else nothing.
        for day in 0..10 {
            market.record_day(day, [(0, day as u32 + 1)]);
        }
        // After days 0..=9 (streams 1..=10): the 7-day window holds days 3..=9 =
        // 4 + 5 + … + 10 = 49; the 3-day policy window days 7..=9 = 8 + 9 + 10 = 27.
        assert_eq!(market.social_window()[0], 49);
        assert_eq!(market.policy_window()[0], 27);
        assert!(market.social_window()[1..].iter().all(|&s| s == 0));
    }

    #[test]
    fn a_28_day_window_reuses_its_ring_slot_correctly() {
        let mut scenario = crate::scenario::Scenario::default_scenario();
        scenario.listeners = 30;
        let world = World::generate(&scenario, crate::rng::SeedKey::root(1));
        let regions = scenario.regions.len();
        let mut market = Market::new(&world, regions, RING_DAYS as u32, 0);
        for day in 0..40 {
            market.record_day(day, [(0, 1)]);
        }
        // One stream a day: a full 28-day window holds 28.
        assert_eq!(market.policy_window()[0], 28);
    }

    #[test]
    fn a_switched_policy_window_is_rebuilt_from_the_stored_days() {
        let mut scenario = crate::scenario::Scenario::default_scenario();
        scenario.listeners = 30;
        let world = World::generate(&scenario, crate::rng::SeedKey::root(1));
        let regions = scenario.regions.len();
        let mut market = Market::new(&world, regions, 0, 0);
        for day in 0..20 {
            market.record_day(day, [(0, day as u32 + 1)]);
        }
        // From day 20 a 5-day window: days 15..=19 hold 16 + 17 + 18 + 19 + 20 = 90.
        market.set_policy_window(20, 5);
        assert_eq!(market.policy_window()[0], 90);
        market.record_day(20, [(0, 21)]);
        // Day 15 (16) leaves, day 20 (21) enters: 95.
        assert_eq!(market.policy_window()[0], 95);
    }

    #[test]
    fn fast_ln_1p_matches_ln_1p() {
        let mut worst = 0f64;
        let mut p = 0f32;
        while p < 1e7 {
            let exact = f64::from(p).ln_1p();
            worst = worst.max((f64::from(fast_ln_1p(p)) - exact).abs() / exact.max(1.0));
            p = p * 1.01 + 0.001;
        }
        assert!(worst < 1e-6, "worst error {worst:e}");
        assert_eq!(fast_ln_1p(0.0), 0.0);
    }
}
