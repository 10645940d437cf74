//! Raw scenario → validated [`Scenario`], with messages naming file, key and allowed range.

use super::check::Check;
use super::events::{validate_switches, validate_tie_ins};
use super::fandom::{validate_fandoms, validate_fraud_filter};
use super::limits::MAX_LIBRARY_SLOTS;
use super::named::{validate_artists, validate_releases};
use super::payouts::validate_payouts;
use super::policies::validate_policies;
use super::raw::{OrNone, RawAcr, RawGenre, RawRegion, RawRuleSet, RawScenario};
use super::{Genre, Region, Scenario, Switch};
use crate::chart::{AcrRule, RecurrentRule, RuleSet};
use crate::error::Result;
use crate::ids::RegionId;

/// Most replicates a scenario may ask for.
pub const MAX_REPLICATES: u32 = 10_000;
const MAX_DAYS: i64 = 3_650;
/// Listeners in a world: 30 million need about 18 GB with two threads (benches/MEMORY.md);
/// the memory guard refuses what does not fit the machine at hand.
const MAX_LISTENERS: i64 = 30_000_000;
/// Most real accounts a simulated listener may stand for (a thousand simulated listeners
/// can then stand for a billion accounts, for quick looks at a large market).
const MAX_ACCOUNTS_PER_LISTENER: i64 = 1_000_000;
/// Tracks over a run: 5 million need about 11 GB for one run of one policy.
const MAX_TOTAL_TRACKS: u64 = 5_000_000;
const MAX_REGIONS: usize = 255;
const MAX_GENRES: usize = 1_000;

pub(super) fn validate(raw: RawScenario, origin: &str) -> Result<Scenario> {
    validate_with(raw, &Check::new(origin))
}

/// The whole-number ranges the validator checks, by key path, as seen while validating
/// the built-in default scenario.
pub(super) fn default_ranges() -> Vec<(String, i64, i64)> {
    let raw = super::strict::read(
        super::DEFAULT_SCENARIO_TOML
            .parse()
            .expect("invariant: the built-in default scenario is TOML"),
    )
    .expect("invariant: the built-in default scenario reads");
    let c = Check::new("<built-in default>");
    validate_with(raw, &c).expect("invariant: the built-in default scenario is valid");
    c.ranges.into_inner()
}

fn validate_with(raw: RawScenario, c: &Check<'_>) -> Result<Scenario> {
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

    let accounts_per_listener = c.int_in(
        "accounts_per_listener",
        raw.accounts_per_listener,
        1,
        MAX_ACCOUNTS_PER_LISTENER,
    )?;

    check_taste(c, &raw)?;
    check_catalogue(c, &raw)?;
    check_listening(c, &raw)?;
    check_utility(c, &raw)?;

    let custom_rules = validate_chart_rules(c, &raw.chart_rules)?;
    let mut regions = validate_regions(c, &raw.regions, &custom_rules)?;
    let genres = validate_genres(c, &raw.genres, &raw.regions)?;
    let policies = validate_policies(c, &raw.policies)?;
    let artists = validate_artists(c, &raw.artists, &regions, &genres)?;
    let releases = validate_releases(
        c,
        &raw.releases,
        &artists,
        &genres,
        days,
        raw.catalogue.back_catalogue_max_age_days,
    )?;
    let fandoms = validate_fandoms(c, &raw.fandoms, &artists, &releases, &regions, days)?;
    let fraud_filter = validate_fraud_filter(c, raw.fraud_filter.as_ref(), days)?;
    let bot_farms = super::bots::validate_bot_farms(c, &raw.bot_farms, &regions)?;
    let tie_ins = validate_tie_ins(c, &raw.tie_ins, &releases, &fandoms, &regions, days)?;
    let resolve = |name: &str| {
        custom_rules
            .iter()
            .find(|r| r.name == name)
            .cloned()
            .or_else(|| RuleSet::builtin(name))
    };
    let switches = validate_switches(c, &raw.switches, &policies, &mut regions, &resolve, days)?;
    let branch_day = validate_branch_day(c, raw.branch_day, &switches, days)?;
    let payouts = validate_payouts(c, &raw.payouts, &raw.payout_rules)?;

    // Generated and named tracks together: a catalogue may be wholly imported
    // (`back_catalogue_tracks = 0`, `new_tracks_per_week = 0`, `from = "tracks.csv"`).
    let total_tracks = u64::from(raw.catalogue.back_catalogue_tracks)
        + u64::from(raw.catalogue.new_tracks_per_week) * u64::from(days / 7)
        + releases.len() as u64;
    if total_tracks == 0 || total_tracks > MAX_TOTAL_TRACKS {
        return Err(c.err(
            "catalogue",
            format!(
                "back_catalogue_tracks + new_tracks_per_week × weeks + named releases must be between 1 and {MAX_TOTAL_TRACKS}, got {total_tracks}"
            ),
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
        accounts_per_listener,
        taste: raw.taste,
        catalogue: raw.catalogue,
        listening: raw.listening,
        measures: raw.measures,
        utility: raw.utility,
        regions,
        genres,
        policies,
        artists,
        releases,
        fandoms,
        fraud_filter,
        bot_farms,
        tie_ins,
        switches,
        branch_day,
        payouts,
    })
}

/// `branch_day`: a day inside the run that leaves at least one chart week to compare;
/// it replaces recommender switches (every policy already switches from the baseline).
fn validate_branch_day(
    c: &Check<'_>,
    day: Option<i64>,
    switches: &[Switch],
    days: u32,
) -> Result<Option<i32>> {
    let Some(day) = day else {
        return Ok(None);
    };
    let day = c.int_in_signed("branch_day", day, 1, i64::from(days) - 7)?;
    if let Some(i) = switches
        .iter()
        .position(|s| matches!(s, Switch::Policy { .. }))
    {
        return Err(c.err(
            format!("switches[{i}]"),
            "a recommender switch cannot be combined with `branch_day`, where every policy \
             already switches from the baseline on that day; drop one of them (chart-rule \
             switches are fine)",
        ));
    }
    Ok(Some(day))
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
        0,
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
    c.real_in("catalogue.platform_share", k.platform_share, 0.0, 1.0)?;
    c.real_in("catalogue.appeal_sd", k.appeal_sd, 0.0, 10.0)?;
    c.real_in("catalogue.christmas_share", k.christmas_share, 0.0, 1.0)?;
    c.real_in("catalogue.prior_popularity", k.prior_popularity, 0.0, 10.0)?;
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
    c.real_in(
        "listening.intensity_mainstream_correlation",
        l.intensity_mainstream_correlation,
        -0.95,
        0.95,
    )?;
    c.uint_in("listening.slate_size", l.slate_size, 0, 50)?;
    c.uint_in(
        "listening.library_size",
        l.library_size,
        0,
        MAX_LIBRARY_SLOTS as u32,
    )?;
    c.uint_in(
        "listening.library_picks",
        l.library_picks,
        1,
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
    c.real_in(
        "listening.chart_browse_position_decay",
        l.chart_browse_position_decay,
        0.0,
        5.0,
    )?;
    c.uint_in("listening.new_release_picks", l.new_release_picks, 0, 10)?;
    c.uint_in("listening.seasonal_picks", l.seasonal_picks, 0, 10)?;
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
        ("utility.seasonal", u.seasonal),
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

/// Most `[[chart_rules]]` entries a scenario may define.
const MAX_CUSTOM_RULE_SETS: usize = 100;
/// Largest chart a rule set may ask for.
const MAX_CHART_SIZE: i64 = 100_000;

/// Resolves the scenario's `[[chart_rules]]` into rule sets, in file order.
fn validate_chart_rules(c: &Check, raw: &[RawRuleSet]) -> Result<Vec<RuleSet>> {
    if raw.len() > MAX_CUSTOM_RULE_SETS {
        return Err(c.err(
            "chart_rules",
            format!(
                "must list at most {MAX_CUSTOM_RULE_SETS} [[chart_rules]], got {}",
                raw.len()
            ),
        ));
    }
    c.unique("chart_rules", raw.iter().map(|r| r.name.as_str()))?;
    let mut out: Vec<RuleSet> = Vec::with_capacity(raw.len());
    for (i, r) in raw.iter().enumerate() {
        let rules = resolve_rule_set(c, i, r, &out)?;
        out.push(rules);
    }
    Ok(out)
}

/// One `[[chart_rules]]` entry: its base (if any) with the entry's overrides applied.
fn resolve_rule_set(c: &Check, i: usize, r: &RawRuleSet, earlier: &[RuleSet]) -> Result<RuleSet> {
    let key = |field: &str| format!("chart_rules[{i}].{field}");
    c.name(&key("name"), &r.name)?;
    if RuleSet::builtin(&r.name).is_some() {
        return Err(c.err(
            key("name"),
            format!(
                "{:?} is a built-in rule set; choose another name (use base = {:?} to start from it)",
                r.name, r.name
            ),
        ));
    }
    let base = match &r.base {
        Some(name) => Some(
            RuleSet::builtin(name)
                .or_else(|| earlier.iter().find(|x| &x.name == name).cloned())
                .ok_or_else(|| {
                    c.err(
                        key("base"),
                        format!(
                            "unknown rule set {name:?}; expected a built-in ({}) or an earlier [[chart_rules]] name",
                            RuleSet::BUILTIN_NAMES.join(", ")
                        ),
                    )
                })?,
        ),
        None => None,
    };
    let required = |field: &str, value: Option<f64>, from_base: Option<f64>| {
        value.or(from_base).ok_or_else(|| {
            c.err(
                key(field),
                "required when the rule set has no base (or give base = \"uk\" etc.)",
            )
        })
    };
    let count = |field: &str, value: i64| -> Result<u32> {
        if value < 1 || value > i64::from(u32::MAX) {
            return Err(c.err(
                key(field),
                format!(
                    "must be between 1 and {} or \"none\", got {value}",
                    u32::MAX
                ),
            ));
        }
        Ok(value as u32)
    };
    let none_word = |field: &str, word: &str| -> Result<()> {
        if word == "none" {
            Ok(())
        } else {
            Err(c.err(
                key(field),
                format!("must be a number or \"none\", got {word:?}"),
            ))
        }
    };

    let mut rules = base.clone().unwrap_or(RuleSet {
        name: String::new(),
        premium_streams_per_unit: f64::NAN,
        ad_streams_per_unit: f64::NAN,
        per_user_daily_cap: None,
        acr: None,
        max_tracks_per_artist: None,
        chart_size: 100,
        recurrent: None,
    });
    rules.name = r.name.clone();
    let from_base = base.as_ref();
    rules.premium_streams_per_unit = required(
        "premium_streams_per_unit",
        r.premium_streams_per_unit,
        from_base.map(|b| b.premium_streams_per_unit),
    )?;
    rules.ad_streams_per_unit = required(
        "ad_streams_per_unit",
        r.ad_streams_per_unit,
        from_base.map(|b| b.ad_streams_per_unit),
    )?;
    match &r.per_user_daily_cap {
        None => {}
        Some(OrNone::Value(v)) => rules.per_user_daily_cap = Some(count("per_user_daily_cap", *v)?),
        Some(OrNone::Word(w)) => {
            none_word("per_user_daily_cap", w)?;
            rules.per_user_daily_cap = None;
        }
    }
    match &r.max_tracks_per_artist {
        None => {}
        Some(OrNone::Value(v)) => {
            rules.max_tracks_per_artist = Some(count("max_tracks_per_artist", *v)? as usize);
        }
        Some(OrNone::Word(w)) => {
            none_word("max_tracks_per_artist", w)?;
            rules.max_tracks_per_artist = None;
        }
    }
    if let Some(size) = r.chart_size {
        if !(1..=MAX_CHART_SIZE).contains(&size) {
            return Err(c.err(
                key("chart_size"),
                format!("must be between 1 and {MAX_CHART_SIZE}, got {size}"),
            ));
        }
        rules.chart_size = size as usize;
    }
    match &r.acr {
        None => {}
        Some(OrNone::Word(w)) => {
            none_word("acr", w)?;
            rules.acr = None;
        }
        Some(OrNone::Value(a)) => rules.acr = Some(merge_acr(c, i, a, rules.acr.as_ref())?),
    }
    match &r.recurrent {
        None => {}
        Some(OrNone::Word(w)) => {
            none_word("recurrent", w)?;
            rules.recurrent = None;
        }
        Some(OrNone::Value(t)) => {
            rules.recurrent = Some(RecurrentRule {
                thresholds: t.clone(),
                holiday_exempt: rules.recurrent.as_ref().is_none_or(|b| b.holiday_exempt),
            });
        }
    }
    if let Some(exempt) = r.recurrent_holiday_exempt {
        match rules.recurrent.as_mut() {
            Some(rec) => rec.holiday_exempt = exempt,
            None => {
                return Err(c.err(
                    key("recurrent_holiday_exempt"),
                    "applies only with a recurrent rule (give `recurrent` or a base that has one)",
                ));
            }
        }
    }
    rules.validate().map_err(|e| match e.split_once(": ") {
        Some((field, message)) => c.err(key(field), message),
        None => c.err(format!("chart_rules[{i}]"), e),
    })?;
    Ok(rules)
}

/// An `acr` table merged over the base rule set's ACR (`base`), every numeric field
/// required when there is none.
fn merge_acr(c: &Check, i: usize, a: &RawAcr, base: Option<&AcrRule>) -> Result<AcrRule> {
    let missing = |field: &str| {
        c.err(
            format!("chart_rules[{i}].acr.{field}"),
            "required when the base rule set has no ACR",
        )
    };
    let weeks = |field: &str, v: i64| -> Result<u32> {
        if !(0..=i64::from(u32::MAX)).contains(&v) {
            return Err(c.err(
                format!("chart_rules[{i}].acr.{field}"),
                format!("must be between 0 and {}, got {v}", u32::MAX),
            ));
        }
        Ok(v as u32)
    };
    Ok(AcrRule {
        premium_streams_per_unit: a
            .premium_streams_per_unit
            .or(base.map(|b| b.premium_streams_per_unit))
            .ok_or_else(|| missing("premium_streams_per_unit"))?,
        ad_streams_per_unit: a
            .ad_streams_per_unit
            .or(base.map(|b| b.ad_streams_per_unit))
            .ok_or_else(|| missing("ad_streams_per_unit"))?,
        min_weeks_on_chart: match a.min_weeks_on_chart {
            Some(v) => weeks("min_weeks_on_chart", v)?,
            None => base
                .map(|b| b.min_weeks_on_chart)
                .ok_or_else(|| missing("min_weeks_on_chart"))?,
        },
        decline_weeks: match a.decline_weeks {
            Some(v) => weeks("decline_weeks", v)?,
            None => base
                .map(|b| b.decline_weeks)
                .ok_or_else(|| missing("decline_weeks"))?,
        },
        reset_growth_points: a
            .reset_growth_points
            .or(base.map(|b| b.reset_growth_points))
            .ok_or_else(|| missing("reset_growth_points"))?,
        january_reset: a
            .january_reset
            .or(base.map(|b| b.january_reset))
            .unwrap_or(false),
        old_track_days: match &a.old_track_days {
            None => base.and_then(|b| b.old_track_days),
            Some(OrNone::Value(v)) => Some(weeks("old_track_days", *v)?),
            Some(OrNone::Word(w)) if w == "none" => None,
            Some(OrNone::Word(w)) => {
                return Err(c.err(
                    format!("chart_rules[{i}].acr.old_track_days"),
                    format!("must be a number of days or \"none\", got {w:?}"),
                ));
            }
        },
    })
}

fn validate_regions(c: &Check, raw: &[RawRegion], custom: &[RuleSet]) -> Result<Vec<Region>> {
    let mut known: Vec<&str> = RuleSet::BUILTIN_NAMES.to_vec();
    known.extend(custom.iter().map(|r| r.name.as_str()));
    let known = known.join(", ");
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
        if r.name.eq_ignore_ascii_case("all") {
            return Err(c.err(
                key("name"),
                "must not be \"all\", which names the all-regions rows of the result tables",
            ));
        }
        c.positive(&key("population_share"), r.population_share, 1e9)?;
        c.real_in(&key("premium_share"), r.premium_share, 0.0, 1.0)?;
        c.real_in(&key("local_taste_share"), r.local_taste_share, 0.0, 1.0)?;
        c.real_in(&key("artist_share"), r.artist_share, 0.0, 1e9)?;
        c.real_in(&key("subscription_price"), r.subscription_price, 0.0, 1e6)?;
        c.real_in(
            &key("ad_revenue_per_account"),
            r.ad_revenue_per_account,
            0.0,
            1e6,
        )?;
        c.real_in(&key("rights_share"), r.rights_share, 0.0, 1.0)?;
        if r.chart_rules.is_empty() {
            return Err(c.err(
                key("chart_rules"),
                format!("must name at least one rule set, one of {known}"),
            ));
        }
        let mut chart_rules = Vec::with_capacity(r.chart_rules.len());
        for (j, name) in r.chart_rules.iter().enumerate() {
            let rules = custom
                .iter()
                .find(|x| &x.name == name)
                .cloned()
                .or_else(|| RuleSet::builtin(name))
                .ok_or_else(|| {
                    c.err(
                        format!("regions[{i}].chart_rules[{j}]"),
                        format!("unknown rule set {name:?}; expected one of {known}"),
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
            subscription_price: r.subscription_price,
            ad_revenue_per_account: r.ad_revenue_per_account,
            rights_share: r.rights_share,
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
        c.real_in(
            &format!("genres[{i}].listening_intensity"),
            g.listening_intensity,
            0.1,
            10.0,
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
            listening_intensity: g.listening_intensity,
        });
    }
    Ok(genres)
}
