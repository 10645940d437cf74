//! The money side of a scenario: what accounts pay (per region), which payout rules are
//! settled from the plays (`[payouts]`), and rules a scenario defines itself
//! (`[[payout_rules]]`, a built-in base with overrides, as `[[chart_rules]]` are).

use serde::{Deserialize, Serialize};

use super::check::Check;
use crate::error::Result;
use crate::payout::{BUILTIN_PAYOUT_RULES, PayoutRules, ProfessionalBoost};

/// `[payouts]` as written.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawPayouts {
    /// Rule sets settled every month from the same plays (built-in or `[[payout_rules]]`
    /// names); none: payouts are not settled.
    #[serde(default)]
    pub rules: Vec<String>,
    /// Monthly payout (in the scenario's currency, at real-account scale) above which an
    /// artist counts as earning a living from streams.
    #[serde(default = "default_living_line")]
    pub living_line: f64,
}

/// A `[[payout_rules]]` entry as written: a name, a built-in or earlier entry to start
/// from, and any knob to override.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawPayoutRules {
    /// Rule-set name, unique, not a built-in name.
    pub name: String,
    /// Rule set to start from (default `pro_rata`).
    pub base: Option<String>,
    /// λ: weight of the user-centric split.
    pub user_centric: Option<f64>,
    /// Most streams an account counts for in a month, or `0` for no cap.
    pub account_cap: Option<f64>,
    /// Factor on streams the listener sought out.
    pub engagement_boost: Option<f64>,
    /// Factor for professional artists (1: none).
    pub professional_boost: Option<f64>,
    /// Streams a month above which an artist may be professional (reference scale).
    pub professional_min_streams: Option<f64>,
    /// Unique listeners a month a professional artist needs (reference scale).
    pub professional_min_listeners: Option<f64>,
    /// Streams in twelve months a track needs to earn (reference scale), or `0` for none.
    pub track_minimum: Option<f64>,
    /// Accounts of the market the thresholds are set for.
    pub reference_accounts: Option<f64>,
}

fn default_living_line() -> f64 {
    1_000.0
}

impl Default for RawPayouts {
    fn default() -> Self {
        Self {
            rules: Vec::new(),
            living_line: default_living_line(),
        }
    }
}

/// The payout side of a scenario, validated.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Payouts {
    /// Rule sets settled every month, in the order given (empty: none).
    pub rules: Vec<PayoutRules>,
    /// Monthly payout above which an artist earns a living from streams.
    pub living_line: f64,
}

impl Payouts {
    /// Whether any rule is settled.
    pub fn on(&self) -> bool {
        !self.rules.is_empty()
    }

    /// Whether no rule is settled (the default, left out of manifests).
    pub fn is_off(&self) -> bool {
        !self.on()
    }
}

impl Default for Payouts {
    fn default() -> Self {
        Self {
            rules: Vec::new(),
            living_line: default_living_line(),
        }
    }
}

/// Most `[[payout_rules]]` entries and rule sets settled.
pub const MAX_PAYOUT_RULES: usize = 16;

/// Validates `[payouts]` and `[[payout_rules]]`.
pub(super) fn validate_payouts(
    c: &Check,
    raw: &RawPayouts,
    custom: &[RawPayoutRules],
) -> Result<Payouts> {
    if custom.len() > MAX_PAYOUT_RULES || raw.rules.len() > MAX_PAYOUT_RULES {
        return Err(c.err(
            "payouts.rules",
            format!("at most {MAX_PAYOUT_RULES} payout rule sets"),
        ));
    }
    c.unique("payout_rules", custom.iter().map(|r| r.name.as_str()))?;
    let mut defined: Vec<PayoutRules> = Vec::with_capacity(custom.len());
    for (i, r) in custom.iter().enumerate() {
        let rules = resolve(c, i, r, &defined)?;
        defined.push(rules);
    }
    c.positive("payouts.living_line", raw.living_line, 1e12)?;
    let known = || {
        BUILTIN_PAYOUT_RULES
            .iter()
            .copied()
            .chain(defined.iter().map(|r| r.name.as_str()))
            .collect::<Vec<_>>()
            .join(", ")
    };
    let mut rules: Vec<PayoutRules> = Vec::with_capacity(raw.rules.len());
    for (j, name) in raw.rules.iter().enumerate() {
        let key = format!("payouts.rules[{j}]");
        let found = defined
            .iter()
            .find(|r| &r.name == name)
            .cloned()
            .or_else(|| PayoutRules::builtin(name))
            .ok_or_else(|| {
                c.err(
                    &key,
                    format!(
                        "unknown payout rule set {name:?}; expected one of {}",
                        known()
                    ),
                )
            })?;
        if rules.iter().any(|r| r.name == found.name) {
            return Err(c.err(&key, format!("duplicate payout rule set {name:?}")));
        }
        rules.push(found);
    }
    Ok(Payouts {
        rules,
        living_line: raw.living_line,
    })
}

/// One `[[payout_rules]]` entry: its base with the entry's overrides applied.
fn resolve(
    c: &Check,
    i: usize,
    r: &RawPayoutRules,
    earlier: &[PayoutRules],
) -> Result<PayoutRules> {
    let key = |field: &str| format!("payout_rules[{i}].{field}");
    c.name(&key("name"), &r.name)?;
    if PayoutRules::builtin(&r.name).is_some() {
        return Err(c.err(
            key("name"),
            format!(
                "{:?} is a built-in payout rule set; choose another name (use base = {:?} to start from it)",
                r.name, r.name
            ),
        ));
    }
    let base = r.base.as_deref().unwrap_or("pro_rata");
    let mut rules = PayoutRules::builtin(base)
        .or_else(|| earlier.iter().find(|x| x.name == base).cloned())
        .ok_or_else(|| {
            c.err(
                key("base"),
                format!(
                    "unknown payout rule set {base:?}; expected a built-in ({}) or an earlier [[payout_rules]] name",
                    BUILTIN_PAYOUT_RULES.join(", ")
                ),
            )
        })?;
    rules.name.clone_from(&r.name);
    if let Some(x) = r.user_centric {
        c.real_in(&key("user_centric"), x, 0.0, 1.0)?;
        rules.user_centric = x;
    }
    if let Some(x) = r.account_cap {
        c.real_in(&key("account_cap"), x, 0.0, 1e9)?;
        rules.account_cap = (x > 0.0).then_some(x.max(1.0));
    }
    if let Some(x) = r.engagement_boost {
        c.real_in(&key("engagement_boost"), x, 1.0, 100.0)?;
        rules.engagement_boost = x;
    }
    let professional = [
        r.professional_boost,
        r.professional_min_streams,
        r.professional_min_listeners,
    ];
    if professional.iter().any(Option::is_some) {
        let mut boost = rules.professional.clone().unwrap_or(ProfessionalBoost {
            factor: 1.0,
            min_streams: 0.0,
            min_listeners: 0.0,
        });
        if let Some(x) = r.professional_boost {
            c.real_in(&key("professional_boost"), x, 1.0, 100.0)?;
            boost.factor = x;
        }
        if let Some(x) = r.professional_min_streams {
            c.real_in(&key("professional_min_streams"), x, 0.0, 1e12)?;
            boost.min_streams = x;
        }
        if let Some(x) = r.professional_min_listeners {
            c.real_in(&key("professional_min_listeners"), x, 0.0, 1e12)?;
            boost.min_listeners = x;
        }
        rules.professional = (boost.factor != 1.0).then_some(boost);
    }
    if let Some(x) = r.track_minimum {
        c.real_in(&key("track_minimum"), x, 0.0, 1e12)?;
        rules.track_minimum = (x > 0.0).then_some(x);
    }
    if let Some(x) = r.reference_accounts {
        c.real_in(&key("reference_accounts"), x, 1.0, 1e12)?;
        rules.reference_accounts = x;
    }
    rules
        .validate()
        .map_err(|message| c.err(format!("payout_rules[{i}]"), message))?;
    Ok(rules)
}
