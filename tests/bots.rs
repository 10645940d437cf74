//! Bot farms (`[[bot_farms]]`): their share of streams is the one set, the fraud filter
//! catches concentrated farms but not diluted ones, and a bot account captures less money
//! under user-centric payment (only its own payment) than under pro rata (its share of
//! everyone's pool).

mod common;

use chartsim::metrics::{MeanCi, mean_ci95};
use chartsim::{BatchOutput, Scenario, run_batch};

/// The tiny world for 17 weeks under the popularity policy alone, one farm in the UK.
fn scenario(farm: &str, filter: &str) -> Scenario {
    let text = common::tiny_text();
    let text = &text[..text
        .find("[[policies]]\nname = \"content\"")
        .expect("tiny.toml lists the content policy after popularity")];
    let text =
        text.replacen("days = 56", "days = 119", 1)
            .replacen("replicates = 2", "replicates = 6", 1)
            + &format!(
                "\n[[bot_farms]]\nname = \"farm\"\nregions = [\"UK\"]\n{farm}\n{filter}\n\
             [payouts]\nrules = [\"pro_rata\", \"user_centric\", \"capped\"]\n\
             [[payout_rules]]\nname = \"capped\"\naccount_cap = 1000\n"
            );
    Scenario::from_toml_str(&text, "bots").expect("a valid scenario")
}

/// Bot streams kept, discarded, and all streams, in the UK over every run.
fn uk_streams(batch: &BatchOutput) -> (u64, u64, u64) {
    let rows = batch
        .runs
        .iter()
        .flat_map(|r| &r.weeks)
        .filter(|w| w.region == "UK");
    rows.fold((0, 0, 0), |(b, d, s), w| {
        (
            b + w.bot_streams,
            d + w.bot_discarded_streams,
            s + w.streams,
        )
    })
}

#[test]
fn a_farm_takes_the_share_of_streams_it_is_set_to_and_only_in_its_region() {
    let batch = run_batch(&scenario("stream_share = 0.05", ""), &|| {});
    let (bots, discarded, streams) = uk_streams(&batch);
    let share = bots as f64 / streams as f64;
    // Each day's bots stream 0.05/0.95 of the day's human streams, rounded up to whole
    // plays of a track (2 plays): within a few streams a day.
    assert!(
        (share - 0.05).abs() < 0.001,
        "bot share of UK streams {share}"
    );
    assert_eq!(discarded, 0, "no fraud filter");
    let elsewhere: u64 = batch
        .runs
        .iter()
        .flat_map(|r| &r.weeks)
        .filter(|w| w.region == "US" || w.region == "KR")
        .map(|w| w.bot_streams)
        .sum();
    assert_eq!(elsewhere, 0);
}

#[test]
fn the_fraud_filter_catches_concentrated_farms_but_not_diluted_ones() {
    let filter = "[fraud_filter]\ndetection = 0.5\nbot_track_day_limit = 2\n";
    // Diluted: 2 plays of each track a day, at the limit: nothing flagged.
    let diluted = run_batch(&scenario("stream_share = 0.05", filter), &|| {});
    let (_, discarded, _) = uk_streams(&diluted);
    assert_eq!(discarded, 0);
    // Concentrated: 10 plays of each of 10 tracks: about half the account-days flagged.
    let farm = "stream_share = 0.05\ntracks_per_account_day = 10\nplays_per_track_day = 10";
    let concentrated = run_batch(&scenario(farm, filter), &|| {});
    let (kept, discarded, _) = uk_streams(&concentrated);
    let caught = discarded as f64 / (kept + discarded) as f64;
    assert!(
        (caught - 0.5).abs() < 0.05,
        "share of bot streams discarded {caught}"
    );
}

#[test]
fn bots_capture_less_under_user_centric_and_the_account_cap_than_under_pro_rata() {
    let batch = run_batch(&scenario("stream_share = 0.05", ""), &|| {});
    // A bot account streams 100 times a day, 3,000 a month: the 1,000 cap bites.
    for rules in ["user_centric", "capped"] {
        let row = batch
            .payout_summary_of("popularity", "UK", rules, "payout_bots_share")
            .expect("a row");
        assert!(
            row.diff_ci_high < 0.0,
            "{rules}: {} [{}, {}]",
            row.diff_vs_reference,
            row.diff_ci_low,
            row.diff_ci_high
        );
    }
    // Under pro rata a stream is a stream: the bots' share of the UK's payouts is about
    // their share of its streams.
    let values: Vec<f64> = batch
        .runs
        .iter()
        .map(|r| {
            let uk = &r.payout_summary[0];
            uk.payout_bots_share
        })
        .collect();
    let MeanCi { mean, .. } = mean_ci95(&values);
    assert!((mean - 0.05).abs() < 0.005, "pro rata bots' share {mean}");
}
