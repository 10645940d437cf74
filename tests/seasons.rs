//! Christmas seasonality: Christmas songs enter the UK chart in December and leave by late
//! January (issue: "tracks tagged as Christmas songs surge from mid-November, peak in the
//! last two weeks of December and fall away in January").

use chartsim::batch::{replicate_key, run_batch};
use chartsim::policy::{PolicySpec, PopularityScope, Scorer};
use chartsim::scenario::Scenario;
use chartsim::world::World;

/// Mean number of Christmas songs in the UK Top 100 (headline `uk` chart) per week,
/// over replicates.
fn christmas_entries_by_week(scenario: &Scenario) -> Vec<f64> {
    let batch = run_batch(scenario, &|| {});
    let weeks = scenario.weeks() as usize;
    let mut counts = vec![0.0; weeks];
    for run in &batch.runs {
        let world = World::generate(scenario, replicate_key(scenario, run.replicate));
        for row in run
            .charts
            .iter()
            .filter(|r| r.region == "UK" && r.rules == "uk")
        {
            if world.catalogue.tracks.christmas[row.track as usize] {
                counts[row.week as usize] += 1.0 / f64::from(scenario.replicates);
            }
        }
    }
    counts
}

#[test]
fn christmas_songs_chart_in_december_and_leave_by_late_january() {
    let mut s = Scenario::default_scenario();
    s.listeners = 6_000;
    s.days = 420; // 60 weeks: 2 January 2026 to 25 February 2027
    s.replicates = 2;
    s.catalogue.back_catalogue_tracks = 1_500;
    s.catalogue.new_tracks_per_week = 30;
    s.catalogue.christmas_share = 0.02; // about 30 Christmas songs
    s.policies = vec![PolicySpec::new(
        "popularity",
        Scorer::Popularity {
            scope: PopularityScope::Regional,
            window_days: 7,
            random_slots: 0,
        },
    )];
    let by_week = christmas_entries_by_week(&s);
    let mean = |weeks: std::ops::Range<usize>| {
        let n = weeks.len() as f64;
        weeks.map(|w| by_week[w]).sum::<f64>() / n
    };
    // Weeks start on Fridays: week 10 = 13 March, 40 = 9 October, 50 = 18 December,
    // 51 = 25 December, 56 = 29 January 2027, 59 = 19 February 2027.
    let (summer, christmas, late_january) = (mean(10..40), mean(50..52), mean(56..60));
    eprintln!(
        "Christmas songs in the UK Top 100: Mar–Oct {summer:.2}, 18–31 Dec {christmas:.2}, from 29 Jan {late_january:.2}"
    );
    assert!(
        christmas >= 5.0,
        "too few Christmas songs at Christmas: {christmas:.2}"
    );
    assert!(
        summer <= 0.5,
        "Christmas songs chart out of season: {summer:.2}"
    );
    assert!(
        late_january <= 0.5,
        "Christmas songs still charting in late January: {late_january:.2}"
    );
}
