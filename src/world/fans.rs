//! Who belongs to a fandom, how devoted they are and how many accounts they stream from.
//!
//! Fixed for a world, like the rest of a listener's identity. A listener belongs to at
//! most one fandom: the first whose membership draw they pass, either from day 0 or from
//! a day in the weeks after a media tie-in (the join day is uniform over the tie-in's
//! ramp plus an exponential wait with its half-life as median, so new fans arrive while
//! the film's buzz builds and fades). Devotion is
//! Pareto with the fandom's tail index and mean 1 (FACTS.md: 2% of an artist's listeners
//! make over 18% of its streams), capped at [`MAX_DEVOTION`] so one draw cannot dominate a
//! small world.

use rand::RngExt;

use super::Listeners;
use crate::rng::SeedKey;
use crate::scenario::Scenario;

/// `fandom[l]` of a listener outside every fandom.
pub const NO_FANDOM: u8 = u8::MAX;
/// Largest devotion drawn (mean devotion is 1).
pub const MAX_DEVOTION: f32 = 200.0;
pub use crate::scenario::limits::MAX_FANDOMS;

/// Fandom membership columns, one entry per listener.
#[derive(Clone, Debug, Default)]
pub struct Fans {
    /// Fandom index, or [`NO_FANDOM`].
    pub fandom: Vec<u8>,
    /// First day of membership (`i32::MIN` for members from the start).
    pub join_day: Vec<i32>,
    /// Devotion (mean 1 over members); 0 outside fandoms.
    pub devotion: Vec<f32>,
    /// Accounts the listener streams from (1 for most).
    pub accounts: Vec<u8>,
}

impl Fans {
    /// Draws every listener's membership; each listener has their own seed.
    pub fn generate(scenario: &Scenario, listeners: &Listeners, key: SeedKey) -> Self {
        let n = listeners.len();
        let mut fans = Self {
            fandom: vec![NO_FANDOM; n],
            join_day: vec![i32::MAX; n],
            devotion: vec![0.0; n],
            accounts: vec![1; n],
        };
        if scenario.fandoms.is_empty() {
            return fans;
        }
        for l in 0..n {
            let region = listeners.region()[l].index();
            let mut rng = key.child(l as u64).rng();
            let mut joined = None;
            for (f, fandom) in scenario.fandoms.iter().enumerate() {
                if rng.random::<f64>() < fandom.membership[region] {
                    joined = Some((f, i32::MIN));
                    break;
                }
                let later = scenario.tie_ins.iter().filter(|t| t.fandom == Some(f));
                for tie in later {
                    let (u, wait, ramp) = (
                        rng.random::<f64>(),
                        rng.random::<f64>(),
                        rng.random::<f64>(),
                    );
                    if tie.regions[region] && u < tie.new_members[region] {
                        // Uniform over the ramp, then an exponential wait whose median is
                        // the half-life.
                        let days = f64::from(tie.ramp_days) * ramp
                            - tie.half_life_days * (1.0 - wait).log2();
                        joined = Some((f, tie.day.saturating_add(days.min(1e6) as i32)));
                        break;
                    }
                }
                if joined.is_some() {
                    break;
                }
            }
            let Some((f, day)) = joined else { continue };
            let fandom = &scenario.fandoms[f];
            let alpha = fandom.devotion_shape;
            let scale = (alpha - 1.0) / alpha;
            let u: f64 = rng.random();
            fans.fandom[l] = f as u8;
            fans.join_day[l] = day;
            fans.devotion[l] = ((scale * (1.0 - u).powf(-1.0 / alpha)) as f32).min(MAX_DEVOTION);
            if rng.random::<f64>() < fandom.multi_account_share {
                fans.accounts[l] = fandom.accounts as u8;
            }
        }
        fans
    }

    /// Whether listener `l` is a member of some fandom on `day`.
    #[inline]
    pub fn is_member(&self, l: usize, day: i32) -> bool {
        self.fandom[l] != NO_FANDOM && self.join_day[l] <= day
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rng::SeedKey;

    fn scenario(extra: &str) -> Scenario {
        let text = format!(
            "{}\n{extra}",
            crate::scenario::DEFAULT_SCENARIO_TOML
                .replace("listeners = 30_000", "listeners = 40_000")
        );
        Scenario::from_toml_str(&text, "test").expect("valid")
    }

    const FANDOM: &str = r#"
[[artists]]
name = "Group"
genre = "k-pop"

[[releases]]
title = "Song"
artist = "Group"
day = 10

[[fandoms]]
name = "fans"
artist = "Group"
membership = { UK = 0.1, KR = 0.3 }
devotion_shape = 1.5
multi_account_share = 0.2
accounts = 4
"#;

    #[test]
    fn membership_shares_devotion_mean_and_accounts_match_the_scenario() {
        let s = scenario(FANDOM);
        let world = crate::world::World::generate(&s, SeedKey::root(7));
        let fans = &world.fans;
        let (mut members, mut by_region) = (Vec::new(), vec![0usize; 3]);
        for l in 0..world.listeners.len() {
            if fans.fandom[l] != NO_FANDOM {
                members.push(l);
                by_region[world.listeners.region()[l].index()] += 1;
            }
        }
        let share = |r: usize| by_region[r] as f64 / f64::from(world.listeners_by_region[r]);
        // UK 0.1 of 12,000 listeners: sd √(0.1·0.9/12,000) ≈ 0.0027.
        assert!((share(0) - 0.1).abs() < 0.012, "UK {}", share(0));
        assert_eq!(by_region[1], 0, "no US membership declared");
        assert!((share(2) - 0.3).abs() < 0.02, "KR {}", share(2));
        // Pareto(α = 1.5) with mean 1: the median is x_m·2^(1/α) = (1/3)·2^(2/3) ≈ 0.529.
        let mut d: Vec<f32> = members.iter().map(|&l| fans.devotion[l]).collect();
        d.sort_by(f32::total_cmp);
        let median = d[d.len() / 2];
        assert!((median - 0.529).abs() < 0.03, "median devotion {median}");
        let multi = members.iter().filter(|&&l| fans.accounts[l] == 4).count();
        let multi_share = multi as f64 / members.len() as f64;
        assert!(
            (multi_share - 0.2).abs() < 0.03,
            "multi-account share {multi_share}"
        );
        assert!(members.iter().all(|&l| fans.join_day[l] == i32::MIN));
    }

    #[test]
    fn tie_in_recruits_join_after_the_premiere_with_the_half_life_as_median_wait() {
        let s = scenario(&format!(
            "{FANDOM}\n[[tie_ins]]\nname = \"Film\"\nday = 100\nreleases = [\"Song\"]\nhalf_life_days = 20\nfandom = \"fans\"\nnew_members = {{ US = 0.2 }}\n"
        ));
        let world = crate::world::World::generate(&s, SeedKey::root(7));
        let fans = &world.fans;
        let mut waits: Vec<i32> = (0..world.listeners.len())
            .filter(|&l| world.listeners.region()[l].index() == 1 && fans.fandom[l] != NO_FANDOM)
            .map(|l| fans.join_day[l] - 100)
            .collect();
        waits.sort_unstable();
        assert!(waits[0] >= 0, "nobody joins before the premiere");
        let share = waits.len() as f64 / f64::from(world.listeners_by_region[1]);
        assert!((share - 0.2).abs() < 0.015, "US recruits {share}");
        // Exponential with median 20 days (floored to whole days: median 19.5 ± noise).
        let median = waits[waits.len() / 2];
        assert!((18..=21).contains(&median), "median wait {median}");
    }
}
