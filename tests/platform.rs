//! Platforms as labels: a catalogue the streaming platform owns, a `self_preferencing`
//! curation rule, and what it buys the platform (seeded worlds, paired 95% intervals
//! against the same recommender without the rule).

mod common;

use chartsim::{BatchOutput, Scenario, run_batch};

/// The tiny world with 5% of its artists owned by the platform, under the popularity
/// recommender and the same with `curation`, settled under pro rata and user-centric.
fn scenario(curation: &str) -> Scenario {
    let text = common::tiny_text();
    let text = &text[..text
        .find("[[policies]]\nname = \"content\"")
        .expect("tiny.toml lists the content policy after popularity")];
    let text = text
        .replacen("days = 56", "days = 119", 1)
        .replacen("replicates = 2", "replicates = 6", 1)
        .replacen("[catalogue]\n", "[catalogue]\nplatform_share = 0.05\n", 1)
        + &format!(
            "\n[[policies]]\nname = \"self-preferencing\"\nscorer = \"popularity\"\n\
             scope = \"regional\"\nwindow_days = 7\ncuration = [{curation}]\n\n\
             [payouts]\nrules = [\"pro_rata\", \"user_centric\"]\n"
        );
    Scenario::from_toml_str(&text, "platform").expect("a valid scenario")
}

/// The self-preferencing policy's paired difference against the plain recommender.
fn difference(batch: &BatchOutput, region: &str, metric: &str) -> (f64, f64, f64) {
    let row = batch
        .summary_of("self-preferencing", region, metric)
        .unwrap_or_else(|| panic!("{region} {metric}"));
    (row.diff_vs_baseline, row.diff_ci_low, row.diff_ci_high)
}

#[test]
fn self_preferencing_buys_the_platform_exposure_streams_chart_places_and_money() {
    let batch = run_batch(
        &scenario("{ rule = \"self_preferencing\", boost = 0.3 }"),
        &|| {},
    );
    for (region, metric) in [
        ("all", "platform_share_recommendations"),
        ("all", "platform_share_streams"),
        ("UK", "platform_share_chart"),
        ("all", "payout_platform_share[pro_rata]"),
        ("all", "payout_platform_share[user_centric]"),
    ] {
        let (diff, low, high) = difference(&batch, region, metric);
        assert!(
            low > 0.0,
            "{region} {metric}: {diff:+.4} [{low:+.4}, {high:+.4}]"
        );
    }
    // ... and other labels pay for it: independent artists' payouts fall.
    let (diff, low, high) = difference(&batch, "all", "payout_independent_share[pro_rata]");
    assert!(
        high < 0.0,
        "independent payouts: {diff:+.4} [{low:+.4}, {high:+.4}]"
    );
}

#[test]
fn a_reserved_share_of_slates_holds_the_platforms_exposure_at_least_there() {
    let batch = run_batch(
        &scenario("{ rule = \"self_preferencing\", share = 0.3 }"),
        &|| {},
    );
    // At least 3 of every 10 slate places go to the platform (it owns enough tracks).
    let row = batch
        .summary_of("self-preferencing", "all", "platform_share_recommendations")
        .unwrap();
    assert!(row.mean >= 0.3 - 1e-9, "{}", row.mean);
    let plain = batch
        .summary_of("popularity", "all", "platform_share_recommendations")
        .unwrap();
    assert!(plain.mean < 0.3, "without the rule: {}", plain.mean);
}

#[test]
fn platform_keys_are_checked_and_absent_by_default() {
    let text = common::tiny_text();
    let bad_rule = text.clone()
        + "\n[[policies]]\nname = \"x\"\nscorer = \"random\"\n\
           curation = [{ rule = \"self_preferencing\" }]\n";
    let message = Scenario::from_toml_str(&bad_rule, "bad.toml")
        .expect_err("a rule that does nothing is refused")
        .to_string();
    assert!(
        message.contains("self_preferencing needs boost or share"),
        "{message}"
    );
    let bad_share = text.replacen("[catalogue]\n", "[catalogue]\nplatform_share = 2\n", 1);
    let message = Scenario::from_toml_str(&bad_share, "bad.toml")
        .expect_err("refused")
        .to_string();
    assert!(message.contains("catalogue.platform_share"), "{message}");
    // Without platform artists the platform columns stay empty.
    let mut scenario = Scenario::from_toml_str(&text, "tiny.toml").unwrap();
    scenario.replicates = 1;
    let batch = run_batch(&scenario, &|| {});
    assert!(
        batch.runs[0]
            .weeks
            .iter()
            .all(|w| w.platform_share_streams.is_none())
    );
    assert!(
        batch
            .summary_of("popularity", "all", "platform_share_streams")
            .is_none()
    );
}
