//! `[[policies]]` entries: the recommender policies a scenario compares.
//!
//! ```toml
//! [[policies]]
//! name = "quota40"
//! scorer = "popularity"            # random, popularity, content, collaborative, editorial, paid_promotion
//! scope = "regional"               # popularity: global, regional, trending
//! curation = [{ rule = "local_quota", share = 0.4, new_talent_share = 0.5 }]
//! ```
//!
//! Each scorer takes only its own keys (a key meant for another scorer is an error, not
//! silently ignored); `paid_promotion` takes its own keys plus those of its `base`. Each
//! curation rule likewise. Errors name the key path, e.g. `policies[2].curation[0].share`.

use serde::Deserialize;

use super::check::Check;
use super::policy_spec::{
    CollaborativeModel, ExposureGroup, Factorisation, PolicySpec, PopularityScope, Retrain, Rule,
    Scorer, Similarity,
};
use crate::error::Result;

/// A `[[policies]]` entry as written.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawPolicy {
    /// Policy name, unique in the scenario.
    pub name: String,
    /// Scorer: see [`Scorer::NAMES`].
    pub scorer: String,
    /// For `popularity`: `global`, `regional` or `trending`.
    pub scope: Option<String>,
    /// For `popularity`: days of plays counted.
    pub window_days: Option<i64>,
    /// For `popularity`: slate slots filled uniformly at random instead.
    pub random_slots: Option<i64>,
    /// For `collaborative`: `daily` or `weekly`.
    pub retrain: Option<String>,
    /// For `collaborative`: `item_item` or `factorisation`.
    pub model: Option<String>,
    /// For `collaborative` (`item_item`): `cooccurrence` or `cosine`.
    pub similarity: Option<String>,
    /// For `collaborative`: neighbours kept per track.
    pub neighbours: Option<i64>,
    /// For `collaborative` (`factorisation`): latent factors.
    pub factors: Option<i64>,
    /// For `collaborative` (`factorisation`): ridge penalty λ.
    pub regularisation: Option<f64>,
    /// For `collaborative` (`factorisation`): confidence α of a held track.
    pub confidence: Option<f64>,
    /// For `collaborative` (`factorisation`): sweeps per retrain.
    pub sweeps: Option<i64>,
    /// For `editorial`: tracks per regional playlist.
    pub playlist_length: Option<i64>,
    /// For `editorial`: share of the playlist reserved for local artists.
    pub local_share: Option<f64>,
    /// For `editorial`: share of the playlist reserved for new artists.
    pub new_artist_share: Option<f64>,
    /// For `paid_promotion`: the scorer of the organic slots.
    pub base: Option<String>,
    /// For `paid_promotion`: share of slots sold.
    pub share: Option<f64>,
    /// For `paid_promotion`: a major-label track's budget relative to an independent one.
    pub major_weight: Option<f64>,
    /// Curation rules, applied in order.
    #[serde(default)]
    pub curation: Vec<RawRule>,
}

/// A curation rule as written (an inline table in `curation = [...]`).
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawRule {
    /// Rule: see [`Rule::NAMES`].
    pub rule: String,
    /// `local_quota`: minimum local share of a slate.
    pub share: Option<f64>,
    /// `local_quota`: minimum share of the local slots from new artists.
    pub new_talent_share: Option<f64>,
    /// `mmr`, `calibrated`: trade-off weight.
    pub lambda: Option<f64>,
    /// `popularity_discount`: discount exponent.
    pub alpha: Option<f64>,
    /// `artist_cap`: tracks per artist.
    pub max: Option<i64>,
    /// `fair_exposure`: `independent`, `long_tail` or `platform`.
    pub group: Option<String>,
    /// `fair_exposure`: exposure floor.
    pub min_share: Option<f64>,
    /// `fair_exposure`: relevance boost.
    pub boost: Option<f64>,
    /// `fair_exposure`: exposure cap.
    pub max_share: Option<f64>,
}

/// The keys each scorer takes (besides `name`, `scorer` and `curation`).
fn scorer_keys(scorer: &str) -> &'static [&'static str] {
    match scorer {
        "popularity" => &["scope", "window_days", "random_slots"],
        "collaborative" => &[
            "retrain",
            "model",
            "neighbours",
            "similarity",
            "factors",
            "regularisation",
            "confidence",
            "sweeps",
        ],
        "editorial" => &["playlist_length", "local_share", "new_artist_share"],
        "paid_promotion" => &["base", "share", "major_weight"],
        _ => &[],
    }
}

impl RawPolicy {
    fn given(&self) -> [(&'static str, bool); 17] {
        [
            ("scope", self.scope.is_some()),
            ("window_days", self.window_days.is_some()),
            ("random_slots", self.random_slots.is_some()),
            ("retrain", self.retrain.is_some()),
            ("model", self.model.is_some()),
            ("similarity", self.similarity.is_some()),
            ("neighbours", self.neighbours.is_some()),
            ("factors", self.factors.is_some()),
            ("regularisation", self.regularisation.is_some()),
            ("confidence", self.confidence.is_some()),
            ("sweeps", self.sweeps.is_some()),
            ("playlist_length", self.playlist_length.is_some()),
            ("local_share", self.local_share.is_some()),
            ("new_artist_share", self.new_artist_share.is_some()),
            ("base", self.base.is_some()),
            ("share", self.share.is_some()),
            ("major_weight", self.major_weight.is_some()),
        ]
    }
}

impl RawRule {
    fn given(&self) -> [(&'static str, bool); 9] {
        [
            ("share", self.share.is_some()),
            ("new_talent_share", self.new_talent_share.is_some()),
            ("lambda", self.lambda.is_some()),
            ("alpha", self.alpha.is_some()),
            ("max", self.max.is_some()),
            ("group", self.group.is_some()),
            ("min_share", self.min_share.is_some()),
            ("boost", self.boost.is_some()),
            ("max_share", self.max_share.is_some()),
        ]
    }
}

fn rule_keys(rule: &str) -> &'static [&'static str] {
    match rule {
        "local_quota" => &["share", "new_talent_share"],
        "mmr" | "calibrated" => &["lambda"],
        "fair_exposure" => &["group", "min_share", "boost", "max_share"],
        "self_preferencing" => &["boost", "share"],
        "popularity_discount" => &["alpha"],
        "artist_cap" => &["max"],
        _ => &[],
    }
}

/// Rejects keys that `what` does not take.
fn only_keys(
    c: &Check,
    path: &str,
    what: &str,
    given: &[(&str, bool)],
    allowed: &[&str],
) -> Result<()> {
    for &(key, set) in given {
        if set && !allowed.contains(&key) {
            let takes = if allowed.is_empty() {
                "no other keys".to_owned()
            } else {
                allowed.join(", ")
            };
            return Err(c.err(
                format!("{path}.{key}"),
                format!("not a key of {what}; it takes {takes}"),
            ));
        }
    }
    Ok(())
}

fn one_of<T: Copy>(c: &Check, key: &str, value: &str, options: &[(&str, T)]) -> Result<T> {
    options
        .iter()
        .find(|(name, _)| *name == value)
        .map(|(_, v)| *v)
        .ok_or_else(|| {
            let names: Vec<String> = options.iter().map(|(n, _)| format!("{n:?}")).collect();
            c.err(
                key,
                format!(
                    "unknown value {value:?}; expected one of {}",
                    names.join(", ")
                ),
            )
        })
}

fn share(c: &Check, key: &str, value: Option<f64>, default: f64) -> Result<f64> {
    let v = value.unwrap_or(default);
    c.real_in(key, v, 0.0, 1.0)?;
    Ok(v)
}

/// Most slate slots a popularity policy may fill at random (the slate size's own maximum).
const MAX_RANDOM_SLOTS: i64 = 50;

/// The scorer named `name`, with its keys read from `p` (for `paid_promotion`, `name` is
/// the base's and `p`'s promotion keys are checked by the caller).
fn scorer(c: &Check, path: &str, name: &str, p: &RawPolicy) -> Result<Scorer> {
    Ok(match name {
        "none" => Scorer::None,
        "random" => Scorer::Random,
        "content" => Scorer::Content,
        "ideal" => Scorer::Ideal,
        "popularity" => {
            let scope = one_of(
                c,
                &format!("{path}.scope"),
                p.scope.as_deref().unwrap_or("regional"),
                &[
                    ("global", PopularityScope::Global),
                    ("regional", PopularityScope::Regional),
                    ("trending", PopularityScope::Trending),
                ],
            )?;
            // Trending compares two windows, which must both fit in the 28 days kept.
            let longest = if scope == PopularityScope::Trending {
                14
            } else {
                28
            };
            let window_days = c.int_in(
                &format!("{path}.window_days"),
                p.window_days.unwrap_or(7),
                1,
                longest,
            )?;
            let random_slots = c.int_in(
                &format!("{path}.random_slots"),
                p.random_slots.unwrap_or(0),
                0,
                MAX_RANDOM_SLOTS,
            )?;
            Scorer::Popularity {
                scope,
                window_days,
                random_slots,
            }
        }
        "collaborative" => Scorer::Collaborative {
            retrain: one_of(
                c,
                &format!("{path}.retrain"),
                p.retrain.as_deref().unwrap_or("weekly"),
                &[
                    ("daily", Retrain::Daily),
                    ("weekly", Retrain::Weekly),
                    ("once", Retrain::Once),
                ],
            )?,
            model: collaborative_model(c, path, p)?,
            neighbours: c.int_in(
                &format!("{path}.neighbours"),
                p.neighbours.unwrap_or(20),
                1,
                100,
            )?,
        },
        "editorial" => Scorer::Editorial {
            playlist_length: c.int_in(
                &format!("{path}.playlist_length"),
                p.playlist_length.unwrap_or(50),
                10,
                500,
            )?,
            // France's radio quota (FACTS.md): 40% local.
            local_share: share(c, &format!("{path}.local_share"), p.local_share, 0.4)?,
            new_artist_share: share(
                c,
                &format!("{path}.new_artist_share"),
                p.new_artist_share,
                0.2,
            )?,
        },
        other => {
            return Err(c.err(
                format!("{path}.scorer"),
                format!(
                    "unknown scorer {other:?}; expected one of {}",
                    Scorer::NAMES.join(", ")
                ),
            ));
        }
    })
}

/// The keys each collaborative model takes, besides `retrain`, `model` and `neighbours`.
fn model_keys(model: &str) -> &'static [&'static str] {
    match model {
        "item_item" => &["similarity"],
        _ => &["factors", "regularisation", "confidence", "sweeps"],
    }
}

/// The collaborative model and its settings; a key of the other model is an error.
fn collaborative_model(c: &Check, path: &str, p: &RawPolicy) -> Result<CollaborativeModel> {
    let key = |k: &str| format!("{path}.{k}");
    let name = p.model.as_deref().unwrap_or("item_item");
    one_of(
        c,
        &key("model"),
        name,
        &[("item_item", ()), ("factorisation", ())],
    )?;
    let mut allowed = vec!["retrain", "model", "neighbours"];
    allowed.extend_from_slice(model_keys(name));
    let given: Vec<_> = p
        .given()
        .into_iter()
        .filter(|(k, _)| scorer_keys("collaborative").contains(k))
        .collect();
    only_keys(c, path, &format!("model {name:?}"), &given, &allowed)?;
    if name == "item_item" {
        return Ok(CollaborativeModel::ItemItem {
            similarity: one_of(
                c,
                &key("similarity"),
                p.similarity.as_deref().unwrap_or("cooccurrence"),
                &[
                    ("cooccurrence", Similarity::Cooccurrence),
                    ("cosine", Similarity::Cosine),
                ],
            )?,
        });
    }
    // Defaults: see policy::scorers::factorisation and docs/MODEL.md.
    let regularisation = p.regularisation.unwrap_or(DEFAULT_REGULARISATION);
    c.real_in(&key("regularisation"), regularisation, 0.001, 1000.0)?;
    let confidence = p.confidence.unwrap_or(40.0);
    c.real_in(&key("confidence"), confidence, 0.0, 1000.0)?;
    Ok(CollaborativeModel::Factorisation(Factorisation {
        factors: c.int_in(&key("factors"), p.factors.unwrap_or(DEFAULT_FACTORS), 2, 64)?,
        regularisation,
        confidence,
        sweeps: c.int_in(&key("sweeps"), p.sweeps.unwrap_or(1), 1, 20)?,
    }))
}

/// Default number of latent factors of `model = "factorisation"`.
const DEFAULT_FACTORS: i64 = 8;

/// Default ridge penalty λ of `model = "factorisation"`.
const DEFAULT_REGULARISATION: f64 = 1.0;

fn rule(c: &Check, path: &str, r: &RawRule) -> Result<Rule> {
    let allowed = rule_keys(&r.rule);
    if allowed.is_empty() {
        return Err(c.err(
            format!("{path}.rule"),
            format!(
                "unknown rule {:?}; expected one of {}",
                r.rule,
                Rule::NAMES.join(", ")
            ),
        ));
    }
    only_keys(c, path, &format!("rule {:?}", r.rule), &r.given(), allowed)?;
    let key = |k: &str| format!("{path}.{k}");
    Ok(match r.rule.as_str() {
        // Defaults: France's radio quota (FACTS.md), 40% local, half from new talent.
        "local_quota" => Rule::LocalQuota {
            share: share(c, &key("share"), r.share, 0.4)?,
            new_talent_share: share(c, &key("new_talent_share"), r.new_talent_share, 0.5)?,
        },
        "mmr" => Rule::Mmr {
            lambda: share(c, &key("lambda"), r.lambda, 0.5)?,
        },
        "calibrated" => Rule::Calibrated {
            lambda: share(c, &key("lambda"), r.lambda, 0.5)?,
        },
        "fair_exposure" => {
            let group = one_of(
                c,
                &key("group"),
                r.group.as_deref().unwrap_or("independent"),
                &[
                    ("independent", ExposureGroup::Independent),
                    ("long_tail", ExposureGroup::LongTail),
                    ("platform", ExposureGroup::Platform),
                ],
            )?;
            let min_share = share(c, &key("min_share"), r.min_share, 0.0)?;
            let boost = share(c, &key("boost"), r.boost, 0.0)?;
            let max_share = share(c, &key("max_share"), r.max_share, 1.0)?;
            if min_share == 0.0 && boost == 0.0 {
                return Err(c.err(path, "fair_exposure needs min_share or boost above 0"));
            }
            if min_share > max_share {
                return Err(c.err(
                    key("min_share"),
                    format!("must be at most max_share ({max_share}), got {min_share}"),
                ));
            }
            Rule::FairExposure {
                group,
                min_share,
                boost,
                max_share,
            }
        }
        "self_preferencing" => {
            let boost = share(c, &key("boost"), r.boost, 0.0)?;
            let slots = share(c, &key("share"), r.share, 0.0)?;
            if boost == 0.0 && slots == 0.0 {
                return Err(c.err(path, "self_preferencing needs boost or share above 0"));
            }
            Rule::SelfPreferencing {
                boost,
                share: slots,
            }
        }
        "popularity_discount" => {
            let alpha = r.alpha.unwrap_or(1.0);
            c.real_in(&key("alpha"), alpha, 0.0, 4.0)?;
            Rule::PopularityDiscount { alpha }
        }
        _ => Rule::ArtistCap {
            max: c.int_in(&key("max"), r.max.unwrap_or(1), 1, 50)?,
        },
    })
}

pub(super) fn validate_policies(c: &Check, raw: &[RawPolicy]) -> Result<Vec<PolicySpec>> {
    if raw.is_empty() {
        return Err(c.err("policies", "must list at least one [[policies]] entry"));
    }
    c.unique("policies", raw.iter().map(|p| p.name.as_str()))?;
    raw.iter()
        .enumerate()
        .map(|(i, p)| {
            let path = format!("policies[{i}]");
            c.name(&format!("{path}.name"), &p.name)?;
            let what = format!("scorer {:?}", p.scorer);
            let scorer = if p.scorer == "paid_promotion" {
                let Some(base) = p.base.as_deref() else {
                    return Err(c.err(format!("{path}.base"), "paid_promotion needs a base scorer"));
                };
                if base == "paid_promotion" {
                    return Err(c.err(
                        format!("{path}.base"),
                        "the base of paid_promotion cannot be paid_promotion",
                    ));
                }
                let mut allowed = scorer_keys("paid_promotion").to_vec();
                allowed.extend_from_slice(scorer_keys(base));
                only_keys(
                    c,
                    &path,
                    &format!("{what} with base {base:?}"),
                    &p.given(),
                    &allowed,
                )?;
                let share = p.share.unwrap_or(0.2);
                c.real_in(&format!("{path}.share"), share, 0.0, 1.0)?;
                let major_weight = p.major_weight.unwrap_or(4.0);
                c.real_in(&format!("{path}.major_weight"), major_weight, 1.0, 100.0)?;
                Scorer::PaidPromotion {
                    base: Box::new(
                        scorer(c, &path, base, p).map_err(|e| rename_scorer_key(e, &path))?,
                    ),
                    share,
                    major_weight,
                }
            } else {
                if Scorer::NAMES.contains(&p.scorer.as_str()) {
                    only_keys(c, &path, &what, &p.given(), scorer_keys(&p.scorer))?;
                }
                scorer(c, &path, &p.scorer, p)?
            };
            if matches!(scorer, Scorer::None) && !p.curation.is_empty() {
                return Err(c.err(
                    format!("{path}.curation"),
                    "a policy with scorer \"none\" recommends nothing, so it takes no \
                     curation rules",
                ));
            }
            let curation = p
                .curation
                .iter()
                .enumerate()
                .map(|(k, r)| rule(c, &format!("{path}.curation[{k}]"), r))
                .collect::<Result<Vec<_>>>()?;
            Ok(PolicySpec {
                name: p.name.clone(),
                scorer,
                curation,
            })
        })
        .collect()
}

/// An unknown base scorer is reported at `base`, not at `scorer`.
fn rename_scorer_key(e: crate::error::Error, path: &str) -> crate::error::Error {
    match e {
        crate::error::Error::InvalidScenario {
            origin,
            key,
            message,
        } if key == format!("{path}.scorer") => crate::error::Error::InvalidScenario {
            origin,
            key: format!("{path}.base"),
            message,
        },
        other => other,
    }
}

#[cfg(test)]
mod tests {
    use crate::scenario::Scenario;
    use crate::scenario::policy_spec::{
        CollaborativeModel, ExposureGroup, PopularityScope, Retrain, Rule, Scorer, Similarity,
    };

    /// The built-in default with its policies replaced by `policies` (TOML).
    fn with(policies: &str) -> crate::error::Result<Scenario> {
        let base = crate::scenario::DEFAULT_SCENARIO_TOML;
        let cut = base.find("[[policies]]").expect("default has policies");
        Scenario::from_toml_str(&format!("{}{policies}", &base[..cut]), "test.toml")
    }

    fn error(policies: &str) -> String {
        with(policies).expect_err("should be rejected").to_string()
    }

    #[test]
    fn parses_every_scorer_and_rule() {
        let s = with(
            r#"
[[policies]]
name = "quota40"
scorer = "popularity"
scope = "trending"
window_days = 14
curation = [
  { rule = "local_quota", share = 0.4, new_talent_share = 0.5 },
  { rule = "mmr", lambda = 0.7 },
  { rule = "calibrated" },
  { rule = "fair_exposure", group = "long_tail", min_share = 0.2, max_share = 0.5 },
  { rule = "popularity_discount", alpha = 0.5 },
  { rule = "artist_cap", max = 2 },
]

[[policies]]
name = "cf"
scorer = "collaborative"
retrain = "daily"
similarity = "cosine"

[[policies]]
name = "radio"
scorer = "editorial"
local_share = 0.6

[[policies]]
name = "ads"
scorer = "paid_promotion"
base = "popularity"
scope = "global"
share = 0.3
"#,
        )
        .unwrap();
        let p = &s.policies;
        assert_eq!(
            p[0].scorer,
            Scorer::Popularity {
                scope: PopularityScope::Trending,
                window_days: 14,
                random_slots: 0,
            }
        );
        assert_eq!(
            p[0].curation,
            vec![
                Rule::LocalQuota {
                    share: 0.4,
                    new_talent_share: 0.5
                },
                Rule::Mmr { lambda: 0.7 },
                Rule::Calibrated { lambda: 0.5 },
                Rule::FairExposure {
                    group: ExposureGroup::LongTail,
                    min_share: 0.2,
                    boost: 0.0,
                    max_share: 0.5
                },
                Rule::PopularityDiscount { alpha: 0.5 },
                Rule::ArtistCap { max: 2 },
            ]
        );
        assert_eq!(
            p[1].scorer,
            Scorer::Collaborative {
                retrain: Retrain::Daily,
                model: CollaborativeModel::ItemItem {
                    similarity: Similarity::Cosine
                },
                neighbours: 20
            }
        );
        assert_eq!(
            p[2].scorer,
            Scorer::Editorial {
                playlist_length: 50,
                local_share: 0.6,
                new_artist_share: 0.2
            }
        );
        assert_eq!(
            p[3].scorer,
            Scorer::PaidPromotion {
                base: Box::new(Scorer::Popularity {
                    scope: PopularityScope::Global,
                    window_days: 7,
                    random_slots: 0,
                }),
                share: 0.3,
                major_weight: 4.0
            }
        );
    }

    #[test]
    fn errors_name_the_key_path_and_what_is_allowed() {
        let e = error(
            r#"
[[policies]]
name = "a"
scorer = "random"

[[policies]]
name = "b"
scorer = "popularity"

[[policies]]
name = "c"
scorer = "content"
curation = [{ rule = "mmr" }, { rule = "local_quota", share = 1.5 }]
"#,
        );
        assert!(e.contains("policies[2].curation[1].share"), "{e}");
        assert!(e.contains("between 0 and 1, got 1.5"), "{e}");

        let e = error(
            "[[policies]]\nname = \"a\"\nscorer = \"content\"\ncuration = [{ rule = \"mmr\", alpha = 1.0 }]\n",
        );
        assert!(
            e.contains("policies[0].curation[0].alpha") && e.contains("it takes lambda"),
            "{e}"
        );

        let e = error(
            "[[policies]]\nname = \"a\"\nscorer = \"content\"\ncuration = [{ rule = \"quota\" }]\n",
        );
        assert!(
            e.contains("policies[0].curation[0].rule") && e.contains("local_quota, mmr"),
            "{e}"
        );

        let e = error("[[policies]]\nname = \"a\"\nscorer = \"popularity\"\nretrain = \"daily\"\n");
        assert!(
            e.contains("policies[0].retrain") && e.contains("scope, window_days"),
            "{e}"
        );

        let e =
            error("[[policies]]\nname = \"a\"\nscorer = \"collaborative\"\nretrain = \"hourly\"\n");
        assert!(
            e.contains("policies[0].retrain") && e.contains("\"daily\", \"weekly\", \"once\""),
            "{e}"
        );
        let ideal = with("[[policies]]\nname = \"oracle\"\nscorer = \"ideal\"\n").unwrap();
        assert_eq!(ideal.policies[0].scorer, Scorer::Ideal);
        let e = error("[[policies]]\nname = \"a\"\nscorer = \"ideal\"\nneighbours = 5\n");
        assert!(
            e.contains("policies[0].neighbours") && e.contains("no other keys"),
            "{e}"
        );
        let once =
            with("[[policies]]\nname = \"a\"\nscorer = \"collaborative\"\nretrain = \"once\"\n")
                .unwrap();
        assert!(matches!(
            once.policies[0].scorer,
            Scorer::Collaborative {
                retrain: Retrain::Once,
                ..
            }
        ));

        let e = error("[[policies]]\nname = \"a\"\nscorer = \"paid_promotion\"\n");
        assert!(e.contains("policies[0].base"), "{e}");

        let e =
            error("[[policies]]\nname = \"a\"\nscorer = \"paid_promotion\"\nbase = \"magic\"\n");
        assert!(
            e.contains("policies[0].base") && e.contains("unknown scorer \"magic\""),
            "{e}"
        );

        let e = error(
            "[[policies]]\nname = \"a\"\nscorer = \"paid_promotion\"\nbase = \"content\"\nscope = \"global\"\n",
        );
        assert!(
            e.contains("policies[0].scope") && e.contains("base \"content\""),
            "{e}"
        );

        let e = error(
            "[[policies]]\nname = \"a\"\nscorer = \"popularity\"\nscope = \"trending\"\nwindow_days = 20\n",
        );
        assert!(
            e.contains("policies[0].window_days") && e.contains("between 1 and 14"),
            "{e}"
        );

        let e = error(
            "[[policies]]\nname = \"a\"\nscorer = \"random\"\ncuration = [{ rule = \"fair_exposure\" }]\n",
        );
        assert!(
            e.contains("policies[0].curation[0]") && e.contains("min_share or boost"),
            "{e}"
        );
    }

    #[test]
    fn random_slots_are_read_and_bounded() {
        let policy = |slots: &str| {
            format!("[[policies]]\nname = \"a\"\nscorer = \"popularity\"\nrandom_slots = {slots}\n")
        };
        let s = with(&policy("2")).expect("valid");
        assert!(matches!(
            s.policies[0].scorer,
            Scorer::Popularity {
                random_slots: 2,
                ..
            }
        ));
        let e = error(&policy("51"));
        assert!(
            e.contains("policies[0].random_slots") && e.contains("between 0 and 50"),
            "{e}"
        );
    }

    #[test]
    fn factorisation_keys_are_read_defaulted_and_checked() {
        let s = with(
            r#"
[[policies]]
name = "mf"
scorer = "collaborative"
model = "factorisation"
retrain = "daily"
factors = 8
confidence = 10.0

[[policies]]
name = "mf-ads"
scorer = "paid_promotion"
base = "collaborative"
model = "factorisation"
"#,
        )
        .unwrap();
        let mf = |factors, confidence| Scorer::Collaborative {
            retrain: Retrain::Daily,
            model: CollaborativeModel::Factorisation(crate::scenario::policy_spec::Factorisation {
                factors,
                regularisation: 1.0,
                confidence,
                sweeps: 1,
            }),
            neighbours: 20,
        };
        assert_eq!(s.policies[0].scorer, mf(8, 10.0));
        let Scorer::PaidPromotion { base, .. } = &s.policies[1].scorer else {
            panic!("paid promotion expected");
        };
        let Scorer::Collaborative { model, .. } = &**base else {
            panic!("collaborative base expected");
        };
        assert_eq!(
            *model,
            CollaborativeModel::Factorisation(crate::scenario::policy_spec::Factorisation {
                factors: 8,
                regularisation: 1.0,
                confidence: 40.0,
                sweeps: 1,
            })
        );
        let json = serde_json::to_string(&s.policies[0]).unwrap();
        assert_eq!(
            json,
            r#"{"name":"mf","scorer":"collaborative","retrain":"daily","model":"factorisation","factors":8,"regularisation":1.0,"confidence":10.0,"sweeps":1,"neighbours":20}"#
        );

        let policy = |extra: &str| {
            error(&format!(
                "[[policies]]\nname = \"a\"\nscorer = \"collaborative\"\n{extra}\n"
            ))
        };
        // (extra keys, what the message must say): each bad value names its key and range,
        // and a key of the other model is rejected, naming what the model takes.
        let cases: [(&str, &[&str]); 7] = [
            (
                "model = \"factorisation\"\nfactors = 1",
                &["policies[0].factors", "between 2 and 64, got 1"],
            ),
            (
                "model = \"factorisation\"\nregularisation = 0.0",
                &["policies[0].regularisation", "between 0.001 and 1000"],
            ),
            (
                "model = \"factorisation\"\nconfidence = -1.0",
                &["policies[0].confidence", "between 0 and 1000, got -1"],
            ),
            (
                "model = \"factorisation\"\nsweeps = 0",
                &["policies[0].sweeps", "between 1 and 20"],
            ),
            (
                "model = \"svd\"",
                &["policies[0].model", "\"item_item\", \"factorisation\""],
            ),
            (
                "model = \"factorisation\"\nsimilarity = \"cosine\"",
                &[
                    "policies[0].similarity",
                    "not a key of model \"factorisation\"",
                    "factors, regularisation, confidence, sweeps",
                ],
            ),
            (
                "factors = 8",
                &["policies[0].factors", "model \"item_item\""],
            ),
        ];
        for (extra, needles) in cases {
            let e = policy(extra);
            assert!(needles.iter().all(|n| e.contains(n)), "{extra}: {e}");
        }
        // The keys stay collaborative's own.
        let e = error("[[policies]]\nname = \"a\"\nscorer = \"content\"\nfactors = 8\n");
        assert!(e.contains("policies[0].factors"), "{e}");
    }

    #[test]
    fn default_policies_serialise_as_before() {
        // No curation key appears for a policy without rules (manifests stay unchanged).
        let s = Scenario::default_scenario();
        let json = serde_json::to_string(&s.policies[0]).unwrap();
        assert_eq!(
            json,
            r#"{"name":"popularity","scorer":"popularity","scope":"regional","window_days":7}"#
        );
    }
}
