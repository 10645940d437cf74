//! Raw scenario → validated [`Scenario`], with messages naming file, key and allowed range.

use std::collections::BTreeSet;

use super::raw::{RawGenre, RawPolicy, RawRegion, RawScenario};
use super::{Genre, Region, Scenario};
use crate::chart::RuleSet;
use crate::error::{Error, Result};
use crate::ids::RegionId;
use crate::policy::{PolicySpec, PopularityScope, Scorer};
use crate::world::MAX_LIBRARY_SLOTS;

/// Most replicates a scenario may ask for.
pub const MAX_REPLICATES: u32 = 10_000;
const MAX_DAYS: i64 = 3_650;
const MAX_LISTENERS: i64 = 50_000_000;
const MAX_REGIONS: usize = 255;
const MAX_GENRES: usize = 1_000;

/// Builds errors that carry the scenario's origin.
struct Check<'a> {
    origin: &'a str,
}

impl Check<'_> {
    fn err(&self, key: impl Into<String>, message: impl Into<String>) -> Error {
        Error::InvalidScenario {
            origin: self.origin.to_owned(),
            key: key.into(),
            message: message.into(),
        }
    }

    fn int_in(&self, key: &str, value: i64, lo: i64, hi: i64) -> Result<u32> {
        if value < lo || value > hi {
            return Err(self.err(key, format!("must be between {lo} and {hi}, got {value}")));
        }
        Ok(value as u32)
    }

    fn uint_in(&self, key: &str, value: u32, lo: u32, hi: u32) -> Result<()> {
        self.int_in(key, i64::from(value), i64::from(lo), i64::from(hi))
            .map(drop)
    }

    /// A finite value in `[lo, hi]`.
    fn real_in(&self, key: &str, value: f64, lo: f64, hi: f64) -> Result<()> {
        if !value.is_finite() || value < lo || value > hi {
            return Err(self.err(key, format!("must be between {lo} and {hi}, got {value}")));
        }
        Ok(())
    }

    /// A finite value greater than zero and at most `hi`.
    fn positive(&self, key: &str, value: f64, hi: f64) -> Result<()> {
        if !value.is_finite() || value <= 0.0 || value > hi {
            return Err(self.err(
                key,
                format!("must be greater than 0 and at most {hi}, got {value}"),
            ));
        }
        Ok(())
    }

    fn name(&self, key: &str, value: &str) -> Result<()> {
        let ok = !value.is_empty()
            && value.len() <= 64
            && value
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
        if !ok {
            return Err(self.err(
                key,
                format!("must be 1 to 64 characters of letters, digits, '-' or '_', got {value:?}"),
            ));
        }
        Ok(())
    }

    fn unique<'n>(&self, key: &str, names: impl Iterator<Item = &'n str>) -> Result<()> {
        let mut seen = BTreeSet::new();
        for (i, name) in names.enumerate() {
            if !seen.insert(name) {
                return Err(self.err(
                    format!("{key}[{i}].name"),
                    format!("duplicate name {name:?}"),
                ));
            }
        }
        Ok(())
    }
}

pub(super) fn validate(raw: RawScenario, origin: &str) -> Result<Scenario> {
    let c = Check { origin };
    c.name("name", &raw.name)?;
    let days = c.int_in("days", raw.days, 7, MAX_DAYS)?;
    if days % 7 != 0 {
        return Err(c.err(
            "days",
            format!("must be a whole number of chart weeks (a multiple of 7), got {days}"),
        ));
    }
    let replicates = c.int_in("replicates", raw.replicates, 1, i64::from(MAX_REPLICATES))?;
    let listeners = c.int_in("listeners", raw.listeners, 1, MAX_LISTENERS)?;
    let burn_in_weeks = c.int_in(
        "burn_in_weeks",
        raw.burn_in_weeks,
        0,
        i64::from(days / 7) - 1,
    )?;

    check_taste(&c, &raw)?;
    check_catalogue(&c, &raw)?;
    check_listening(&c, &raw)?;
    check_utility(&c, &raw)?;

    let regions = validate_regions(&c, &raw.regions)?;
    let genres = validate_genres(&c, &raw.genres, &raw.regions)?;
    let policies = validate_policies(&c, &raw.policies)?;

    let total_tracks = u64::from(raw.catalogue.back_catalogue_tracks)
        + u64::from(raw.catalogue.new_tracks_per_week) * u64::from(days / 7);
    if total_tracks == 0 || total_tracks > u64::from(u32::MAX / 2) {
        return Err(c.err(
            "catalogue",
            format!(
                "back_catalogue_tracks + new_tracks_per_week × weeks must be between 1 and {}, got {total_tracks}",
                u32::MAX / 2
            ),
        ));
    }
    if raw.catalogue.back_catalogue_tracks == 0 {
        return Err(c.err(
            "catalogue.back_catalogue_tracks",
            "must be at least 1, got 0",
        ));
    }

    Ok(Scenario {
        name: raw.name,
        description: raw.description,
        seed: raw.seed,
        days,
        replicates,
        listeners,
        burn_in_weeks,
        taste: raw.taste,
        catalogue: raw.catalogue,
        listening: raw.listening,
        utility: raw.utility,
        regions,
        genres,
        policies,
    })
}

fn check_taste(c: &Check, raw: &RawScenario) -> Result<()> {
    let t = &raw.taste;
    c.positive("taste.genre_spread", t.genre_spread, 100.0)?;
    c.real_in("taste.track_spread", t.track_spread, 0.0, 100.0)?;
    c.real_in("taste.listener_spread", t.listener_spread, 0.0, 100.0)
}

fn check_catalogue(c: &Check, raw: &RawScenario) -> Result<()> {
    let k = &raw.catalogue;
    c.uint_in(
        "catalogue.back_catalogue_tracks",
        k.back_catalogue_tracks,
        1,
        10_000_000,
    )?;
    c.uint_in(
        "catalogue.new_tracks_per_week",
        k.new_tracks_per_week,
        0,
        1_000_000,
    )?;
    c.real_in(
        "catalogue.tracks_per_artist",
        k.tracks_per_artist,
        1.0,
        1_000.0,
    )?;
    c.real_in("catalogue.independent_share", k.independent_share, 0.0, 1.0)?;
    c.real_in("catalogue.appeal_sd", k.appeal_sd, 0.0, 10.0)?;
    c.uint_in(
        "catalogue.back_catalogue_max_age_days",
        k.back_catalogue_max_age_days,
        1,
        36_500,
    )
}

fn check_listening(c: &Check, raw: &RawScenario) -> Result<()> {
    let l = &raw.listening;
    c.positive("listening.streams_per_day", l.streams_per_day, 1_000.0)?;
    c.real_in("listening.activity_sigma", l.activity_sigma, 0.0, 3.0)?;
    c.positive("listening.active_day_share", l.active_day_share, 1.0)?;
    c.real_in("listening.conformity_mean", l.conformity_mean, 0.01, 0.99)?;
    c.uint_in("listening.slate_size", l.slate_size, 0, 50)?;
    c.uint_in(
        "listening.library_size",
        l.library_size,
        0,
        MAX_LIBRARY_SLOTS as u32,
    )?;
    c.real_in(
        "listening.chart_browse_probability",
        l.chart_browse_probability,
        0.0,
        1.0,
    )?;
    c.uint_in("listening.chart_picks", l.chart_picks, 0, 20)?;
    c.uint_in("listening.chart_browse_depth", l.chart_browse_depth, 1, 100)?;
    c.uint_in("listening.new_release_picks", l.new_release_picks, 0, 10)?;
    c.uint_in(
        "listening.new_release_window_days",
        l.new_release_window_days,
        1,
        365,
    )?;
    c.real_in("listening.save_probability", l.save_probability, 0.0, 1.0)?;
    c.positive(
        "listening.familiarity_half_life_days",
        l.familiarity_half_life_days,
        3_650.0,
    )?;
    if l.slate_size + l.library_size + l.chart_picks + l.new_release_picks == 0 {
        return Err(c.err(
            "listening",
            "slate_size, library_size, chart_picks and new_release_picks are all 0: listeners would have nothing to play",
        ));
    }
    Ok(())
}

fn check_utility(c: &Check, raw: &RawScenario) -> Result<()> {
    let u = &raw.utility;
    for (key, value) in [
        ("utility.taste", u.taste),
        ("utility.appeal", u.appeal),
        ("utility.local", u.local),
        ("utility.social", u.social),
        ("utility.novelty", u.novelty),
        ("utility.familiarity", u.familiarity),
        ("utility.wear", u.wear),
        ("utility.satiation", u.satiation),
        ("utility.position", u.position),
        ("utility.outside", u.outside),
    ] {
        c.real_in(key, value, -20.0, 20.0)?;
    }
    c.positive(
        "utility.novelty_half_life_days",
        u.novelty_half_life_days,
        3_650.0,
    )?;
    c.positive(
        "utility.satiation_half_life_days",
        u.satiation_half_life_days,
        3_650.0,
    )
}

fn validate_regions(c: &Check, raw: &[RawRegion]) -> Result<Vec<Region>> {
    if raw.is_empty() || raw.len() > MAX_REGIONS {
        return Err(c.err(
            "regions",
            format!(
                "must list 1 to {MAX_REGIONS} [[regions]], got {}",
                raw.len()
            ),
        ));
    }
    c.unique("regions", raw.iter().map(|r| r.name.as_str()))?;
    let population_total: f64 = raw.iter().map(|r| r.population_share).sum();
    let artist_total: f64 = raw.iter().map(|r| r.artist_share).sum();
    let mut regions = Vec::with_capacity(raw.len());
    for (i, r) in raw.iter().enumerate() {
        let key = |field: &str| format!("regions[{i}].{field}");
        c.name(&key("name"), &r.name)?;
        c.positive(&key("population_share"), r.population_share, 1e9)?;
        c.real_in(&key("premium_share"), r.premium_share, 0.0, 1.0)?;
        c.real_in(&key("local_taste_share"), r.local_taste_share, 0.0, 1.0)?;
        c.real_in(&key("artist_share"), r.artist_share, 0.0, 1e9)?;
        if r.chart_rules.is_empty() {
            return Err(c.err(
                key("chart_rules"),
                format!(
                    "must name at least one rule set, one of {}",
                    RuleSet::BUILTIN_NAMES.join(", ")
                ),
            ));
        }
        let mut chart_rules = Vec::with_capacity(r.chart_rules.len());
        for (j, name) in r.chart_rules.iter().enumerate() {
            let rules = RuleSet::builtin(name).ok_or_else(|| {
                c.err(
                    format!("regions[{i}].chart_rules[{j}]"),
                    format!(
                        "unknown rule set {name:?}; expected one of {}",
                        RuleSet::BUILTIN_NAMES.join(", ")
                    ),
                )
            })?;
            if chart_rules.iter().any(|x: &RuleSet| x.name == rules.name) {
                return Err(c.err(
                    format!("regions[{i}].chart_rules[{j}]"),
                    format!("duplicate rule set {name:?}"),
                ));
            }
            chart_rules.push(rules);
        }
        regions.push(Region {
            name: r.name.clone(),
            population_share: r.population_share / population_total,
            premium_share: r.premium_share,
            local_taste_share: r.local_taste_share,
            artist_share: if artist_total > 0.0 {
                r.artist_share / artist_total
            } else {
                1.0 / raw.len() as f64
            },
            chart_rules,
        });
    }
    Ok(regions)
}

fn validate_genres(c: &Check, raw: &[RawGenre], regions: &[RawRegion]) -> Result<Vec<Genre>> {
    if raw.is_empty() || raw.len() > MAX_GENRES {
        return Err(c.err(
            "genres",
            format!("must list 1 to {MAX_GENRES} [[genres]], got {}", raw.len()),
        ));
    }
    c.unique("genres", raw.iter().map(|g| g.name.as_str()))?;
    let total: f64 = raw.iter().map(|g| g.catalogue_share).sum();
    let mut genres = Vec::with_capacity(raw.len());
    for (i, g) in raw.iter().enumerate() {
        c.name(&format!("genres[{i}].name"), &g.name)?;
        c.positive(
            &format!("genres[{i}].catalogue_share"),
            g.catalogue_share,
            1e9,
        )?;
        let origin = if g.origin == "global" {
            None
        } else {
            let index = regions
                .iter()
                .position(|r| r.name == g.origin)
                .ok_or_else(|| {
                    let names: Vec<&str> = regions.iter().map(|r| r.name.as_str()).collect();
                    c.err(
                        format!("genres[{i}].origin"),
                        format!(
                            "unknown region {:?}; expected \"global\" or one of {}",
                            g.origin,
                            names.join(", ")
                        ),
                    )
                })?;
            Some(RegionId(index as u8))
        };
        genres.push(Genre {
            name: g.name.clone(),
            origin,
            catalogue_share: g.catalogue_share / total,
        });
    }
    Ok(genres)
}

fn validate_policies(c: &Check, raw: &[RawPolicy]) -> Result<Vec<PolicySpec>> {
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
