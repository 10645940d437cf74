//! Organised replay: what a fandom's mobilised members add to a day's plays.
//!
//! Once a day [`FandomDay::prepare`] works out, for each fandom, its mobilisation (the
//! share of members who join in today) and its target tracks with their replay weights;
//! in the hot loop a member draws from their own generator whether they are mobilised,
//! how many replays they make (devotion × the fandom's daily replays), how many other
//! songs they mix in, which target each replay goes to, on which of their accounts, and
//! whether the fraud filter flags each account's replay for the day. Replays are recorded
//! on top of the member's ordinary plays of the same track, so a per-user cap applies to
//! an account's ordinary plays and replays together, and each extra account is a separate
//! user for the cap.
//!
//! Members' draws come from their own seed stream (purpose `Fandom`), so non-members'
//! listening draws are the same with or without fandoms in the scenario.

use super::choice::stochastic_round;
use crate::rng::{SeedKey, SimRng};
use crate::scenario::Scenario;
use crate::world::{Fans, World, unit_f32};

/// Most distinct accounts per member (validation caps `accounts` at this).
pub const MAX_ACCOUNTS: usize = 20;

/// A released target track of a fandom and its cumulative replay weight.
#[derive(Clone, Copy, Debug)]
struct Target {
    track: u32,
    /// Index of the named release (the slot of its organised-replay counters).
    slot: u32,
    cdf: f32,
}

/// One fandom's state for today.
#[derive(Clone, Debug, Default)]
struct FandomToday {
    mobilisation: f32,
    replays_per_day: f32,
    /// Other songs per replay: mix / (1 − mix).
    mix_per_replay: f32,
    targets: Vec<Target>,
}

/// What one mobilised member does today.
#[derive(Clone, Copy, Debug)]
pub struct ReplayPlan {
    fandom: usize,
    /// Organised replays of target tracks.
    pub replays: u32,
    /// Other songs mixed in (extra ordinary choice occasions).
    pub mix: u32,
    accounts: usize,
}

/// Every fandom's mobilisation and targets on one day.
#[derive(Clone, Debug, Default)]
pub struct FandomDay {
    fandoms: Vec<FandomToday>,
    /// Chance that the fraud filter flags an account's replay today.
    detection: f32,
    key: Option<SeedKey>,
}

impl FandomDay {
    /// Prepares `day`. `contention[f]`: whether one of fandom `f`'s targets is in the top
    /// of a published chart (from last week's charts).
    pub fn prepare(
        &mut self,
        scenario: &Scenario,
        world: &World,
        day: i32,
        contention: &[bool],
        fandom_key: SeedKey,
    ) {
        self.key = Some(fandom_key.child(day as u64));
        self.detection = match &scenario.fraud_filter {
            Some(f) if day >= f.from_day => f.detection as f32,
            _ => 0.0,
        };
        self.fandoms
            .resize_with(scenario.fandoms.len(), Default::default);
        for (f, fandom) in scenario.fandoms.iter().enumerate() {
            let m = &fandom.mobilisation;
            let fade =
                |age: i32| (-std::f64::consts::LN_2 * f64::from(age) / m.fade_half_life_days).exp();
            let mut level = m.base;
            let own = scenario
                .releases
                .iter()
                .filter(|r| r.artist == fandom.artist);
            for release in own.filter(|r| r.day <= day) {
                level += m.release * fade(day - release.day);
            }
            for c in &fandom.campaigns {
                let end = c.day + c.days as i32;
                if (c.day..end).contains(&day) {
                    level += c.intensity;
                } else if day >= end {
                    level += c.intensity * fade(day - end + 1);
                }
            }
            if contention[f] {
                level += m.chart_push;
            }
            let today = &mut self.fandoms[f];
            today.mobilisation = level.min(1.0) as f32;
            today.replays_per_day = fandom.replays_per_day as f32;
            today.mix_per_replay = (fandom.mix_share / (1.0 - fandom.mix_share)) as f32;
            today.targets.clear();
            let released: Vec<usize> = (0..scenario.releases.len())
                .filter(|&i| {
                    scenario.releases[i].artist == fandom.artist && scenario.releases[i].day <= day
                })
                .collect();
            let focus = released.iter().filter(|i| fandom.focus.contains(i)).count();
            let others = released.len() - focus;
            let (focus_w, other_w) = match (focus, others) {
                (0, _) => (0.0, 1.0 / others.max(1) as f64),
                (_, 0) => (1.0 / focus as f64, 0.0),
                _ => (
                    fandom.focus_share / focus as f64,
                    (1.0 - fandom.focus_share) / others as f64,
                ),
            };
            let mut total = 0.0;
            for &i in &released {
                total += if fandom.focus.contains(&i) {
                    focus_w
                } else {
                    other_w
                };
                today.targets.push(Target {
                    track: world.catalogue.named[i].0,
                    slot: i as u32,
                    cdf: total as f32,
                });
            }
        }
    }

    /// Whether any fandom exists (otherwise members never need checking).
    #[inline]
    pub fn is_empty(&self) -> bool {
        self.fandoms.is_empty()
    }

    /// Today's plan for listener `l`, a member on `day`: `None` unless mobilised (and the
    /// fandom has a released target). Also returns the member's generator for
    /// [`FandomDay::replays`].
    pub fn plan(&self, fans: &Fans, l: usize) -> Option<(ReplayPlan, SimRng)> {
        let fandom = usize::from(fans.fandom[l]);
        let today = &self.fandoms[fandom];
        if today.targets.is_empty() {
            return None;
        }
        let mut rng = self.key.expect("invariant: prepared").child(l as u64).rng();
        if unit_f32(&mut rng) >= today.mobilisation {
            return None;
        }
        let replays = stochastic_round(fans.devotion[l] * today.replays_per_day, &mut rng);
        let mix = stochastic_round(replays as f32 * today.mix_per_replay, &mut rng);
        Some((
            ReplayPlan {
                fandom,
                replays,
                mix,
                accounts: usize::from(fans.accounts[l]).clamp(1, MAX_ACCOUNTS),
            },
            rng,
        ))
    }

    /// Spreads a plan's replays over targets and accounts (round robin) and calls
    /// `record(track, slot, account, replays, flagged)` for every (target, account) with
    /// replays; `flagged` says the fraud filter discards them.
    pub fn replays(
        &self,
        plan: &ReplayPlan,
        rng: &mut SimRng,
        per_account: &mut Vec<u32>,
        mut record: impl FnMut(u32, u32, usize, u32, bool),
    ) {
        let targets = &self.fandoms[plan.fandom].targets;
        let total = targets.last().map_or(0.0, |t| t.cdf);
        per_account.clear();
        per_account.resize(targets.len() * plan.accounts, 0);
        for j in 0..plan.replays as usize {
            let u = unit_f32(rng) * total;
            let k = targets
                .partition_point(|t| t.cdf <= u)
                .min(targets.len() - 1);
            per_account[k * plan.accounts + j % plan.accounts] += 1;
        }
        let mut flagged = [false; MAX_ACCOUNTS];
        for f in flagged.iter_mut().take(plan.accounts) {
            *f = unit_f32(rng) < self.detection;
        }
        for (k, target) in targets.iter().enumerate() {
            for a in 0..plan.accounts {
                let n = per_account[k * plan.accounts + a];
                if n > 0 {
                    record(target.track, target.slot, a, n, flagged[a]);
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::world::World;

    const STORY: &str = r#"
[[artists]]
name = "Group"
genre = "k-pop"

[[releases]]
title = "Lead"
artist = "Group"
day = 10

[[releases]]
title = "B-side"
artist = "Group"
day = 10

[[releases]]
title = "Later"
artist = "Group"
day = 40

[[fandoms]]
name = "fans"
artist = "Group"
membership = { KR = 0.5 }
focus = ["Lead"]
focus_share = 0.6

[fandoms.mobilisation]
base = 0.1
release = 0.4
chart_push = 0.2
fade_half_life_days = 5

[[fandoms.campaigns]]
day = 20
days = 3
intensity = 0.3
"#;

    fn prepared(day: i32, contention: bool) -> (Scenario, FandomDay) {
        let text =
            crate::scenario::DEFAULT_SCENARIO_TOML.replace("listeners = 30_000", "listeners = 300");
        let scenario = Scenario::from_toml_str(&format!("{text}\n{STORY}"), "test").expect("valid");
        let world = World::generate(&scenario, SeedKey::root(3));
        let mut fandoms = FandomDay::default();
        fandoms.prepare(&scenario, &world, day, &[contention], SeedKey::root(4));
        (scenario, fandoms)
    }

    #[test]
    fn mobilisation_adds_release_campaign_and_chart_boosts_by_hand() {
        // Day 5: nothing out yet → no targets, base level only.
        let (_, f) = prepared(5, false);
        assert!(f.fandoms[0].targets.is_empty());
        assert!((f.fandoms[0].mobilisation - 0.1).abs() < 1e-6);
        // Day 15: two releases 5 days old (one half-life): 0.1 + 2 · 0.4 · 0.5 = 0.5.
        let (_, f) = prepared(15, false);
        assert!((f.fandoms[0].mobilisation - 0.5).abs() < 1e-6);
        // Day 21, in the campaign, target in contention:
        // 0.1 + 2 · 0.4 · 2^(−11/5) + 0.3 + 0.2 = 0.6 + 0.8 · 0.2176 = 0.7741.
        let (_, f) = prepared(21, true);
        assert!((f.fandoms[0].mobilisation - 0.77411).abs() < 1e-4);
        // Day 24: the campaign ended on day 22 (last day), fading from day 23:
        // 0.1 + 0.8 · 2^(−14/5) + 0.3 · 2^(−2/5) = 0.1 + 0.11488 + 0.22736 = 0.44224.
        let (_, f) = prepared(24, false);
        assert!((f.fandoms[0].mobilisation - 0.44224).abs() < 1e-4);
        // Capped at 1.
        let (_, f) = prepared(40, true);
        assert!(f.fandoms[0].mobilisation <= 1.0);
    }

    #[test]
    fn replays_split_between_focus_and_other_tracks_as_declared() {
        // Day 50, all three out: Lead (focus) 0.6, B-side and Later 0.2 each.
        let (scenario, f) = prepared(50, false);
        let plan = ReplayPlan {
            fandom: 0,
            replays: 100_000,
            mix: 0,
            accounts: 4,
        };
        let mut rng = SeedKey::root(9).rng();
        let mut by_slot = [0u32; 3];
        let mut by_account = [0u32; 4];
        f.replays(
            &plan,
            &mut rng,
            &mut Vec::new(),
            |_, slot, account, n, flagged| {
                assert!(!flagged, "no fraud filter");
                by_slot[slot as usize] += n;
                by_account[account] += n;
            },
        );
        assert_eq!(by_slot.iter().sum::<u32>(), 100_000);
        let share = |s: usize| f64::from(by_slot[s]) / 100_000.0;
        // binomial sd √(0.6 · 0.4 / 100,000) ≈ 0.0015
        assert!((share(0) - 0.6).abs() < 0.01, "{}", share(0));
        assert!((share(1) - 0.2).abs() < 0.01 && (share(2) - 0.2).abs() < 0.01);
        // round robin over 4 accounts: 25,000 each
        assert_eq!(by_account, [25_000; 4]);
        assert_eq!(scenario.releases[0].title, "Lead");
    }
}
