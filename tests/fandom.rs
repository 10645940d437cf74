//! Fandoms, the fraud filter, media tie-ins and switches: seeded directional tests on the
//! shipped `scenarios/golden.toml` (2 replicate worlds), changed one key at a time with
//! the same overrides a user passes to `chartsim run --set`.

use std::path::Path;
use std::sync::OnceLock;

use chartsim::batch::{BatchOutput, run_batch};
use chartsim::run::ChartRow;
use chartsim::scenario::{Override, Scenario};

fn golden(overrides: &[&str]) -> Scenario {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/golden.toml");
    let overrides: Vec<Override> = ["replicates=2"]
        .iter()
        .chain(overrides)
        .map(|o| Override::parse(o).expect("valid override"))
        .collect();
    Scenario::load_with(Some(&path), &overrides).expect("golden scenario is valid")
}

fn run(overrides: &[&str]) -> BatchOutput {
    run_batch(&golden(overrides), &|| {})
}

/// The shipped scenario, run once for every test that needs it.
fn baseline() -> &'static BatchOutput {
    static RUN: OnceLock<BatchOutput> = OnceLock::new();
    RUN.get_or_init(|| run(&[]))
}

fn chart_rows<'a>(
    b: &'a BatchOutput,
    region: &'a str,
    rules: &'a str,
) -> impl Iterator<Item = &'a ChartRow> {
    b.runs
        .iter()
        .flat_map(|r| &r.charts)
        .filter(move |c| c.region == region && c.rules == rules)
}

/// Σ organised units / Σ units over every chart entry of `region` under `rules`.
fn organised_share(b: &BatchOutput, region: &str, rules: &str) -> f64 {
    let (mut organised, mut units) = (0.0, 0.0);
    for c in chart_rows(b, region, rules) {
        organised += c.organised_units;
        units += c.units;
    }
    organised / units
}

#[test]
fn per_user_caps_cut_the_fandoms_share_of_the_chart_and_melon_cuts_it_most() {
    let b = baseline();
    let (raw, uk, melon) = (
        organised_share(b, "UK", "raw"),
        organised_share(b, "UK", "uk"),
        organised_share(b, "UK", "melon"),
    );
    assert!(raw > 0.0, "the fandom replays: raw share {raw}");
    // Mobilised members replay dozens of times a day; ordinary listeners rarely reach 10
    // plays of one song a day, so a cap of 10 bites on replay, and 1 a day bites hardest.
    assert!(uk < 0.9 * raw, "uk {uk} vs raw {raw}");
    assert!(melon < 0.6 * uk, "melon {melon} vs uk {uk}");
}

#[test]
fn fans_stream_far_more_per_account_than_other_listeners() {
    let b = baseline();
    for region in ["UK", "US", "KR"] {
        let s = |metric| {
            b.summary_of("status-quo", region, metric)
                .expect("summary row")
                .mean
        };
        let (fans, others) = (
            s("member_streams_per_account"),
            s("other_streams_per_account"),
        );
        assert!(
            fans > 1.5 * others,
            "{region}: fans {fans} vs others {others} per account"
        );
    }
}

#[test]
fn the_fraud_filter_discards_replay_in_proportion_to_its_detection_rate() {
    let filtered = run(&["fraud_filter.detection=0.5"]);
    let (mut kept, mut discarded) = (0u64, 0u64);
    for week in filtered
        .runs
        .iter()
        .flat_map(|r| &r.weeks)
        .filter(|w| w.region == "all")
    {
        kept += week.organised_streams;
        discarded += week.discarded_streams;
    }
    // Half of the account-days are flagged: 0.5 of replays discarded (thousands of
    // account-days, so within a few points).
    let share = discarded as f64 / (kept + discarded) as f64;
    assert!((share - 0.5).abs() < 0.05, "discarded share {share}");
    let unfiltered: u64 = baseline()
        .runs
        .iter()
        .flat_map(|r| &r.weeks)
        .filter(|w| w.region == "all")
        .map(|w| w.discarded_streams)
        .sum();
    assert_eq!(unfiltered, 0, "no filter, nothing discarded");
    // Organised units on the raw chart fall roughly in proportion (feedback through the
    // chart and mobilisation may take them a little further).
    for region in ["UK", "US", "KR"] {
        let units = |b: &BatchOutput| {
            chart_rows(b, region, "raw")
                .map(|c| c.organised_units)
                .sum::<f64>()
        };
        let ratio = units(&filtered) / units(baseline());
        assert!(
            (0.3..0.7).contains(&ratio),
            "{region}: organised units ratio {ratio}"
        );
    }
}

#[test]
fn the_tie_in_raises_the_soundtrack_after_the_premiere_and_not_before() {
    // Release the soundtrack on day 98 (chart week 14), ten weeks before the premiere
    // (day 169, week 24); compare with and without the film.
    let early = [
        "releases[0].day=98",
        "releases[1].day=98",
        "releases[2].day=98",
        "replicates=1",
    ];
    let with_film = run(&early);
    let mut without: Vec<&str> = early.to_vec();
    without.extend(["tie_ins=[]"]);
    let without_film = run(&without);
    let premiere_week = 169 / 7;
    let soundtrack = |b: &BatchOutput, before: bool| -> Vec<(u32, String, u64)> {
        chart_rows(b, "UK", "raw")
            .filter(|c| !c.title.is_empty() && (c.week <= premiere_week) == before)
            .map(|c| (c.week, c.title.clone(), c.counted_streams))
            .collect()
    };
    // Before the premiere (weeks up to the one it falls in, which starts on day 168) the
    // runs are the same plays: identical charts, soundtrack included.
    let before = soundtrack(&with_film, true);
    assert!(!before.is_empty(), "the soundtrack charts before the film");
    assert_eq!(before, soundtrack(&without_film, true));
    let all = |b: &BatchOutput| {
        chart_rows(b, "UK", "raw")
            .filter(|c| c.week < premiere_week)
            .count()
    };
    assert_eq!(all(&with_film), all(&without_film));
    // After it, the film lifts the soundtrack's streams.
    let after = |b: &BatchOutput| soundtrack(b, false).iter().map(|x| x.2).sum::<u64>();
    assert!(
        after(&with_film) > 2 * after(&without_film),
        "{} vs {}",
        after(&with_film),
        after(&without_film)
    );
}

#[test]
fn a_policy_switch_changes_nothing_before_its_day_and_something_after() {
    let scenario = golden(&[
        "replicates=1",
        "policies=[{ name = \"status-quo\", scorer = \"popularity\" }, { name = \"to-random\", scorer = \"popularity\" }, { name = \"random\", scorer = \"random\" }]",
        "switches=[{ day = 182, policy = \"to-random\", to = \"random\" }]",
    ]);
    let b = run_batch(&scenario, &|| {});
    let weeks = |policy: usize| &b.runs[policy].weeks;
    let switch_week = 182 / 7;
    let streams = |policy: usize, before: bool| -> Vec<u64> {
        weeks(policy)
            .iter()
            .filter(|w| (w.week < switch_week) == before)
            .map(|w| w.streams)
            .collect()
    };
    assert_eq!(
        streams(0, true),
        streams(1, true),
        "identical before the switch"
    );
    assert_ne!(streams(0, false), streams(1, false), "different after it");
    let slate_share = |policy: usize| {
        let after: Vec<f64> = weeks(policy)
            .iter()
            .filter(|w| w.week >= switch_week + 2 && w.region == "all")
            .map(|w| w.top10_share)
            .collect();
        after.iter().sum::<f64>() / after.len() as f64
    };
    // After switching to random slates, concentration falls towards the random policy's.
    assert!(
        slate_share(1) < slate_share(0),
        "{} vs {}",
        slate_share(1),
        slate_share(0)
    );
}

#[test]
fn a_chart_rule_switch_moves_the_headline_from_its_week_on() {
    let b = run(&[
        "replicates=1",
        "switches=[{ day = 180, region = \"UK\", chart_rules = \"melon\" }]",
    ]);
    // Day 180 is in week 25 (days 175–181); the first week starting on or after it is 26.
    for c in chart_rows(&b, "UK", "uk").filter(|c| c.rank == 1) {
        assert_eq!(c.headline, c.week < 26, "week {}", c.week);
    }
    for c in chart_rows(&b, "UK", "melon").filter(|c| c.rank == 1) {
        assert_eq!(c.headline, c.week >= 26, "week {}", c.week);
    }
}

#[test]
fn the_golden_shape_a_summer_no1_and_a_christmas_challenge() {
    let b = baseline();
    for run in &b.runs {
        let uk: Vec<&ChartRow> = run
            .charts
            .iter()
            .filter(|c| c.region == "UK" && c.rules == "uk" && c.rank == 1)
            .collect();
        let golden: Vec<u32> = uk
            .iter()
            .filter(|c| c.title == "Golden")
            .map(|c| c.week)
            .collect();
        assert!(
            !golden.is_empty(),
            "replicate {}: the lead single reaches UK No. 1",
            run.replicate
        );
        // Not before the film (premiere day 169, week 24) and first in the summer.
        assert!(
            golden[0] > 24 && golden[0] < 40,
            "first week at No. 1: {}",
            golden[0]
        );
        // Christmas songs take the last chart week of the year.
        let christmas: Vec<u32> = run
            .tracks
            .all
            .iter()
            .filter(|t| t.christmas)
            .map(|t| t.track)
            .collect();
        let last = uk.iter().find(|c| c.week == 51).expect("a week-51 No. 1");
        assert!(
            christmas.contains(&last.track),
            "replicate {}: week 51 No. 1 is a Christmas song",
            run.replicate
        );
    }
}
