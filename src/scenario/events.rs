//! `[[tie_ins]]` and `[[switches]]`: things that happen on a given day.
//!
//! A media tie-in (a film or series premiere) raises awareness of its soundtrack: an
//! appeal shock that decays with a half-life, a share of viewers looking the songs up each
//! day (decaying the same way), and new fans joining the artist's fandom over the weeks
//! after the premiere. A switch changes the rules mid-run — a policy's recommender, or the
//! rule set of a region's headline chart — so "what if the rule changed in July?" is one
//! scenario rather than two.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::Region;
use super::check::Check;
use super::fandom::{Fandom, region_shares};
use super::named::NamedRelease;
use super::policy_spec::PolicySpec;
use crate::error::Result;

/// A `[[tie_ins]]` entry as written.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawTieIn {
    /// Name (the film or series), unique.
    pub name: String,
    /// Premiere day.
    pub day: i64,
    /// Titles of its soundtrack (named releases).
    pub releases: Vec<String>,
    /// Utility added to the soundtrack on the premiere day, halving every half-life.
    #[serde(default = "default_awareness")]
    pub awareness: f64,
    /// Days over which word of mouth builds the shock up to its full level.
    #[serde(default)]
    pub ramp_days: i64,
    /// Half-life of the shock once built up, in days.
    #[serde(default = "default_half_life")]
    pub half_life_days: f64,
    /// Share of listeners who look a soundtrack song up on the premiere day (decaying).
    #[serde(default = "default_reach")]
    pub reach: f64,
    /// Regions where it premieres (default: all).
    pub regions: Option<Vec<String>>,
    /// A fandom that gains members from it.
    pub fandom: Option<String>,
    /// Share of each region's listeners who join that fandom, over the weeks after.
    #[serde(default)]
    pub new_members: BTreeMap<String, f64>,
}

/// A `[[switches]]` entry as written: either `policy` + `to`, or `region` + `chart_rules`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawSwitch {
    /// Day the change takes effect.
    pub day: i64,
    /// A policy whose runs switch recommender.
    pub policy: Option<String>,
    /// The policy whose recommender they switch to.
    pub to: Option<String>,
    /// A region whose headline chart switches rule set.
    pub region: Option<String>,
    /// The rule set (built-in or `[[chart_rules]]`) the headline chart switches to.
    pub chart_rules: Option<String>,
}

fn default_awareness() -> f64 {
    1.5
}
fn default_half_life() -> f64 {
    30.0
}
fn default_reach() -> f64 {
    0.05
}

/// A media tie-in, validated.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct TieIn {
    /// Name.
    pub name: String,
    /// Premiere day.
    pub day: i32,
    /// Indices into [`super::Scenario::releases`].
    pub releases: Vec<usize>,
    /// Utility shock at its full level.
    pub awareness: f64,
    /// Days over which the shock builds up linearly to its full level (0: at once).
    pub ramp_days: u32,
    /// Half-life of the shock and of the reach once built up, in days.
    pub half_life_days: f64,
    /// Share of listeners looking a song up on the premiere day.
    pub reach: f64,
    /// Whether it premieres in each region.
    pub regions: Vec<bool>,
    /// Index into [`super::Scenario::fandoms`] of the fandom it feeds.
    pub fandom: Option<usize>,
    /// Share of each region's listeners who join that fandom.
    pub new_members: Vec<f64>,
}

impl TieIn {
    /// The shock's strength on `day`, as a fraction of its full level: 0 before the
    /// premiere, `(age + 1) / ramp_days` while word of mouth builds it up (age = days since
    /// the premiere), then halving every `half_life_days`.
    pub fn strength(&self, day: i32) -> f64 {
        if day < self.day {
            return 0.0;
        }
        let age = f64::from(day - self.day);
        let ramp = f64::from(self.ramp_days);
        if age < ramp {
            (age + 1.0) / ramp
        } else {
            (-std::f64::consts::LN_2 * (age - ramp) / self.half_life_days).exp()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strength_builds_over_the_ramp_then_halves_every_half_life() {
        let tie = TieIn {
            name: "film".into(),
            day: 100,
            releases: vec![0],
            awareness: 1.0,
            ramp_days: 4,
            half_life_days: 10.0,
            reach: 0.1,
            regions: vec![true],
            fandom: None,
            new_members: vec![0.0],
        };
        assert_eq!(tie.strength(99), 0.0);
        assert_eq!(tie.strength(100), 0.25);
        assert_eq!(tie.strength(103), 1.0);
        assert_eq!(tie.strength(104), 1.0);
        assert!((tie.strength(114) - 0.5).abs() < 1e-12);
        assert!((tie.strength(124) - 0.25).abs() < 1e-12);
        let at_once = TieIn {
            ramp_days: 0,
            ..tie
        };
        assert_eq!(at_once.strength(100), 1.0);
        assert!((at_once.strength(110) - 0.5).abs() < 1e-12);
    }
}

/// A mid-run change.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(tag = "switch", rename_all = "snake_case")]
pub enum Switch {
    /// Runs of policy `policy` use the recommender of policy `to` from `day`.
    Policy {
        /// Day it takes effect.
        day: i32,
        /// Index of the switching policy.
        policy: usize,
        /// Index of the policy switched to.
        to: usize,
    },
    /// Region `region`'s headline chart uses its rule set `rules` from the first chart
    /// week that starts on or after `day`.
    ChartRules {
        /// Day it takes effect.
        day: i32,
        /// Region index.
        region: usize,
        /// Index into the region's `chart_rules`.
        rules: usize,
    },
}

pub(super) fn validate_tie_ins(
    c: &Check,
    raw: &[RawTieIn],
    releases: &[NamedRelease],
    fandoms: &[Fandom],
    regions: &[Region],
    days: u32,
) -> Result<Vec<TieIn>> {
    if raw.len() > super::limits::MAX_TIE_INS {
        return Err(c.err(
            "tie_ins",
            format!(
                "at most {} media tie-ins, got {}",
                super::limits::MAX_TIE_INS,
                raw.len()
            ),
        ));
    }
    c.unique("tie_ins", raw.iter().map(|t| t.name.as_str()))?;
    raw.iter()
        .enumerate()
        .map(|(i, t)| {
            let key = |field: &str| format!("tie_ins[{i}].{field}");
            c.label(&key("name"), &t.name)?;
            let day = c.int_in_signed(&key("day"), t.day, 0, i64::from(days) - 1)?;
            if t.releases.is_empty() {
                return Err(c.err(key("releases"), "must name at least one [[releases]] title"));
            }
            let tracks = t
                .releases
                .iter()
                .enumerate()
                .map(|(k, title)| {
                    c.lookup(
                        &format!("tie_ins[{i}].releases[{k}]"),
                        title,
                        releases.iter().map(|r| r.title.as_str()),
                    )
                })
                .collect::<Result<Vec<_>>>()?;
            c.real_in(&key("awareness"), t.awareness, 0.0, 20.0)?;
            let ramp_days = c.int_in(&key("ramp_days"), t.ramp_days, 0, 365)?;
            c.positive(&key("half_life_days"), t.half_life_days, 3_650.0)?;
            c.real_in(&key("reach"), t.reach, 0.0, 1.0)?;
            let premieres = match &t.regions {
                None => vec![true; regions.len()],
                Some(names) => {
                    let mut on = vec![false; regions.len()];
                    for (k, name) in names.iter().enumerate() {
                        let r = c.lookup(
                            &format!("tie_ins[{i}].regions[{k}]"),
                            name,
                            regions.iter().map(|r| r.name.as_str()),
                        )?;
                        on[r] = true;
                    }
                    on
                }
            };
            let fandom = t
                .fandom
                .as_deref()
                .map(|name| {
                    c.lookup(
                        &key("fandom"),
                        name,
                        fandoms.iter().map(|f| f.name.as_str()),
                    )
                })
                .transpose()?;
            if fandom.is_none() && !t.new_members.is_empty() {
                return Err(c.err(
                    key("new_members"),
                    "needs `fandom`: which fandom do they join?",
                ));
            }
            let new_members = region_shares(c, &key("new_members"), &t.new_members, regions)?;
            Ok(TieIn {
                name: t.name.clone(),
                day,
                releases: tracks,
                awareness: t.awareness,
                ramp_days,
                half_life_days: t.half_life_days,
                reach: t.reach,
                regions: premieres,
                fandom,
                new_members,
            })
        })
        .collect()
}

/// Validates switches; a chart-rule switch to a rule set the region does not compile yet
/// adds it to the region's list (as a counterfactual until the switch).
pub(super) fn validate_switches(
    c: &Check,
    raw: &[RawSwitch],
    policies: &[PolicySpec],
    regions: &mut [Region],
    resolve_rules: &dyn Fn(&str) -> Option<crate::chart::RuleSet>,
    days: u32,
) -> Result<Vec<Switch>> {
    raw.iter()
        .enumerate()
        .map(|(i, s)| {
            let key = |field: &str| format!("switches[{i}].{field}");
            let day = c.int_in_signed(&key("day"), s.day, 1, i64::from(days) - 1)?;
            match (&s.policy, &s.to, &s.region, &s.chart_rules) {
                (Some(policy), Some(to), None, None) => {
                    let names = || policies.iter().map(|p| p.name.as_str());
                    let policy = c.lookup(&key("policy"), policy, names())?;
                    let to = c.lookup(&key("to"), to, names())?;
                    Ok(Switch::Policy { day, policy, to })
                }
                (None, None, Some(region), Some(rules)) => {
                    let r = c.lookup(&key("region"), region, regions.iter().map(|r| r.name.as_str()))?;
                    let list = &mut regions[r].chart_rules;
                    let k = match list.iter().position(|x| &x.name == rules) {
                        Some(k) => k,
                        None => {
                            let set = resolve_rules(rules).ok_or_else(|| {
                                c.err(key("chart_rules"), format!("unknown rule set {rules:?}; use a built-in (uk, us, us2025, us2026, melon, raw) or a [[chart_rules]] name"))
                            })?;
                            list.push(set);
                            list.len() - 1
                        }
                    };
                    Ok(Switch::ChartRules { day, region: r, rules: k })
                }
                _ => Err(c.err(
                    format!("switches[{i}]"),
                    "give either `policy` and `to` (a recommender switch) or `region` and `chart_rules` (a chart-rule switch)",
                )),
            }
        })
        .collect()
}
