//! `[[policies]]` entries: the recommender policies a scenario compares.

use serde::Deserialize;

use super::check::Check;
use crate::error::Result;
use crate::policy::{PolicySpec, PopularityScope, Scorer};

/// A `[[policies]]` entry as written.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawPolicy {
    /// Policy name, unique in the scenario.
    pub name: String,
    /// Scorer: `random`, `popularity` or `content`.
    pub scorer: String,
    /// For `popularity`: `global` or `regional`.
    pub scope: Option<String>,
    /// For `popularity`: days of plays counted.
    pub window_days: Option<i64>,
}

pub(super) fn validate_policies(c: &Check, raw: &[RawPolicy]) -> Result<Vec<PolicySpec>> {
    if raw.is_empty() {
        return Err(c.err("policies", "must list at least one [[policies]] entry"));
    }
    c.unique("policies", raw.iter().map(|p| p.name.as_str()))?;
    raw.iter()
        .enumerate()
        .map(|(i, p)| {
            c.name(&format!("policies[{i}].name"), &p.name)?;
            let scorer = match p.scorer.as_str() {
                "random" | "content" => {
                    if p.scope.is_some() || p.window_days.is_some() {
                        return Err(c.err(
                            format!("policies[{i}]"),
                            format!("scope and window_days apply only to scorer \"popularity\", not {:?}", p.scorer),
                        ));
                    }
                    if p.scorer == "random" { Scorer::Random } else { Scorer::Content }
                }
                "popularity" => {
                    let scope = match p.scope.as_deref().unwrap_or("regional") {
                        "global" => PopularityScope::Global,
                        "regional" => PopularityScope::Regional,
                        other => {
                            return Err(c.err(
                                format!("policies[{i}].scope"),
                                format!("unknown scope {other:?}; expected \"global\" or \"regional\""),
                            ));
                        }
                    };
                    let window_days =
                        c.int_in(&format!("policies[{i}].window_days"), p.window_days.unwrap_or(7), 1, 28)?;
                    Scorer::Popularity { scope, window_days }
                }
                other => {
                    return Err(c.err(
                        format!("policies[{i}].scorer"),
                        format!("unknown scorer {other:?}; expected one of {}", Scorer::NAMES.join(", ")),
                    ));
                }
            };
            Ok(PolicySpec { name: p.name.clone(), scorer })
        })
        .collect()
}
