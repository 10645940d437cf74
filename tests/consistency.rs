//! The three tables of one result directory agree with each other, as documented in the
//! row and summary definitions: the headline chart columns of `metrics.csv` come from
//! `charts.csv`, and `summary.csv` summarises `metrics.csv`.

mod common;

use std::collections::{BTreeMap, HashMap};

use common::{Table, read_bytes, run_tiny, tiny};

/// The first (headline) rule set of each region of the tiny scenario.
fn headline_rules(region: &str) -> &'static str {
    tiny::REGIONS
        .iter()
        .find(|(r, _)| *r == region)
        .map(|(_, rules)| rules[0])
        .unwrap_or_else(|| panic!("unknown region {region}"))
}

/// A chart row: (run, region, rules, week).
type ChartKey = (String, String, String, u32);

/// The charts of `charts.csv`, each as its rows in rank order.
fn charts_by_key(charts: &Table) -> BTreeMap<ChartKey, Vec<&csv::StringRecord>> {
    let [run, region, rules, week] = ["run", "region", "rules", "week"].map(|c| charts.col(c));
    let mut map: BTreeMap<ChartKey, Vec<&csv::StringRecord>> = BTreeMap::new();
    for row in &charts.rows {
        let key = (
            row[run].to_owned(),
            row[region].to_owned(),
            row[rules].to_owned(),
            row[week].parse().unwrap(),
        );
        map.entry(key).or_default().push(row);
    }
    map
}

#[test]
fn headline_chart_columns_in_metrics_match_charts() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out");
    run_tiny(&out, &["--replicates", "1"]);
    let metrics = Table::read(&out, "metrics.csv");
    let charts = Table::read(&out, "charts.csv");
    let by_key = charts_by_key(&charts);
    let [c_track, c_units, c_local] = ["track", "units", "local"].map(|c| charts.col(c));
    let m = |name: &str| metrics.col(name);

    // Weeks each track has been No. 1 so far, per (run, region).
    let mut weeks_at_no1: HashMap<(String, String, String), u32> = HashMap::new();
    let mut checked = 0;
    for row in &metrics.rows {
        let region = &row[m("region")];
        if region == "all" {
            for column in ["local_share_top10", "local_share_top100", "no1_track"] {
                assert_eq!(
                    &row[m(column)],
                    "",
                    "{column} should be empty for all: {row:?}"
                );
            }
            continue;
        }
        let key = (
            row[m("run")].to_owned(),
            region.to_owned(),
            headline_rules(region).to_owned(),
            row[m("week")].parse().unwrap(),
        );
        let chart = &by_key[&key];
        assert_eq!(&row[m("no1_track")], &chart[0][c_track], "{row:?}");
        let no1_units: f64 = row[m("no1_units")].parse().unwrap();
        assert_eq!(
            no1_units,
            chart[0][c_units].parse::<f64>().unwrap(),
            "{row:?}"
        );
        for (column, n) in [("local_share_top10", 10), ("local_share_top100", 100)] {
            let top = &chart[..n.min(chart.len())];
            let local = top.iter().filter(|e| &e[c_local] == "true").count();
            let expected = local as f64 / top.len() as f64;
            let actual: f64 = row[m(column)].parse().unwrap();
            assert!(
                (actual - expected).abs() < 1e-12,
                "{column}: {actual} vs {expected}"
            );
        }
        let so_far = weeks_at_no1
            .entry((key.0, key.1, chart[0][c_track].to_owned()))
            .or_default();
        *so_far += 1;
        assert_eq!(
            row[m("no1_weeks_so_far")].parse::<u32>().unwrap(),
            *so_far,
            "{row:?}"
        );
        checked += 1;
    }
    assert_eq!(
        checked,
        tiny::POLICIES.len() * tiny::REGIONS.len() * tiny::WEEKS
    );
}

#[test]
fn weeks_on_chart_count_the_tracks_appearances_in_that_chart() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out");
    run_tiny(&out, &["--replicates", "1"]);
    let charts = Table::read(&out, "charts.csv");
    let [track, weeks_on_chart] = ["track", "weeks_on_chart"].map(|c| charts.col(c));
    // BTreeMap order: run, region, rules, then week ascending.
    let mut appearances: HashMap<(String, String, String, String), u32> = HashMap::new();
    for ((run, region, rules, _), chart) in charts_by_key(&charts) {
        for entry in chart {
            let n = appearances
                .entry((
                    run.clone(),
                    region.clone(),
                    rules.clone(),
                    entry[track].to_owned(),
                ))
                .or_default();
            *n += 1;
            assert_eq!(
                entry[weeks_on_chart].parse::<u32>().unwrap(),
                *n,
                "{entry:?}"
            );
        }
    }
}

#[test]
fn units_are_counted_streams_under_raw_and_melon_and_fewer_under_uk() {
    // raw and melon: one unit per counted stream; uk: at least 100 streams per unit.
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out");
    run_tiny(&out, &["--replicates", "1"]);
    let charts = Table::read(&out, "charts.csv");
    let rules = charts.column("rules");
    let units = charts.parsed::<f64>("units");
    let counted = charts.parsed::<f64>("counted_streams");
    for i in 0..charts.rows.len() {
        match rules[i] {
            "raw" | "melon" => assert_eq!(units[i], counted[i], "{:?}", charts.rows[i]),
            "uk" => assert!(
                units[i] <= counted[i] / 100.0 + 1e-9,
                "{:?}",
                charts.rows[i]
            ),
            other => panic!("unexpected rule set {other}"),
        }
    }
}

#[test]
fn all_regions_streams_are_the_sum_of_the_regions() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out");
    run_tiny(&out, &["--replicates", "1"]);
    let metrics = Table::read(&out, "metrics.csv");
    let (run, region, week) = (
        metrics.column("run"),
        metrics.column("region"),
        metrics.column("week"),
    );
    let streams = metrics.parsed::<u64>("streams");
    let mut regions: HashMap<(&str, &str), u64> = HashMap::new();
    let mut all: HashMap<(&str, &str), u64> = HashMap::new();
    for i in 0..metrics.rows.len() {
        let target = if region[i] == "all" {
            &mut all
        } else {
            &mut regions
        };
        *target.entry((run[i], week[i])).or_default() += streams[i];
    }
    assert_eq!(all.len(), tiny::POLICIES.len() * tiny::WEEKS);
    assert_eq!(all, regions);
}

#[test]
fn track_totals_add_up_to_the_weekly_streams() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out");
    run_tiny(&out, &["--replicates", "1"]);
    let sum_by = |file: &str| -> BTreeMap<(String, String), u64> {
        let table = Table::read(&out, file);
        let (run, region) = (table.column("run"), table.column("region"));
        let mut sums = BTreeMap::new();
        for (i, s) in table.parsed::<u64>("streams").into_iter().enumerate() {
            *sums
                .entry((run[i].to_owned(), region[i].to_owned()))
                .or_default() += s;
        }
        sums
    };
    let (tracks, weekly) = (sum_by("tracks.csv"), sum_by("metrics.csv"));
    // One total per run and region (and `all`), equal to that region's weekly streams summed.
    assert_eq!(
        tracks.len(),
        tiny::POLICIES.len() * (tiny::REGIONS.len() + 1)
    );
    assert_eq!(tracks, weekly);
    // `all` lists every released track, streamed or not; a region only its streamed ones.
    let table = Table::read(&out, "tracks.csv");
    let (run, region, streams) = (
        table.column("run"),
        table.column("region"),
        table.parsed::<u64>("streams"),
    );
    let mut all_rows: HashMap<&str, usize> = HashMap::new();
    for i in 0..table.rows.len() {
        if region[i] == "all" {
            *all_rows.entry(run[i]).or_default() += 1;
        } else {
            assert!(streams[i] > 0, "row {i}: a region row with no streams");
        }
    }
    let counts: std::collections::BTreeSet<usize> = all_rows.values().copied().collect();
    assert_eq!(
        counts.len(),
        1,
        "released tracks per run differ: {counts:?}"
    );
    assert!(
        table.parsed::<u64>("streams").contains(&0),
        "some released track is never streamed in the tiny world"
    );
}

#[test]
fn summary_means_average_the_post_burn_in_weeks_of_each_replicate() {
    const BURN_IN_WEEKS: u32 = 2; // tests/data/tiny.toml
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out");
    run_tiny(&out, &[]);
    let metrics = Table::read(&out, "metrics.csv");
    let summary = Table::read(&out, "summary.csv");
    let m = |name: &str| metrics.col(name);
    let s = |name: &str| summary.col(name);

    let mut checked = 0;
    for row in &summary.rows {
        let (policy, region, metric) = (&row[s("policy")], &row[s("region")], &row[s("metric")]);
        let Some(column) = metrics.headers.iter().position(|h| h == metric) else {
            continue; // chart-run metrics are not weekly columns
        };
        // Per replicate: mean of the metric over the weeks after burn-in.
        let mut per_replicate: BTreeMap<&str, (f64, u32)> = BTreeMap::new();
        for r in &metrics.rows {
            if &r[m("policy")] != policy
                || &r[m("region")] != region
                || r[m("week")].parse::<u32>().unwrap() < BURN_IN_WEEKS
                || r[column].is_empty()
            {
                continue;
            }
            let e = per_replicate.entry(&r[m("replicate")]).or_default();
            e.0 += r[column].parse::<f64>().unwrap();
            e.1 += 1;
        }
        assert_eq!(per_replicate.len(), tiny::REPLICATES, "{row:?}");
        let means: Vec<f64> = per_replicate
            .values()
            .map(|(s, n)| s / f64::from(*n))
            .collect();
        let expected = means.iter().sum::<f64>() / means.len() as f64;
        let mean: f64 = row[s("mean")].parse().unwrap();
        assert!(
            (mean - expected).abs() <= 1e-9 * expected.abs().max(1.0),
            "{policy}/{region}/{metric}: summary mean {mean}, from metrics.csv {expected}"
        );
        if policy == tiny::POLICIES[0] {
            let diff: f64 = row[s("diff_vs_baseline")].parse().unwrap();
            assert_eq!(diff, 0.0, "the baseline differs from itself: {row:?}");
        }
        checked += 1;
    }
    assert!(checked > 100, "only {checked} summary rows checked");
}

/// `[measures]` switches leave their columns empty and change nothing else: the same
/// listeners make the same choices, so every other column is byte-identical.
#[test]
fn measures_switched_off_leave_their_columns_empty_and_the_rest_identical() {
    let tmp = tempfile::tempdir().unwrap();
    let (on, off) = (tmp.path().join("on"), tmp.path().join("off"));
    run_tiny(&on, &["--replicates", "1"]);
    run_tiny(
        &off,
        &[
            "--replicates",
            "1",
            "--set",
            "measures.consumption_overlap=false",
            "--set",
            "measures.listener_entropy=false",
            "--set",
            "measures.slates=false",
        ],
    );
    let switched = [
        "consumption_overlap",
        "genre_entropy_individual",
        "local_share_recommendations",
        "slate_miscalibration",
        "slate_diversity",
        "catalogue_recommended_share",
    ];
    let (a, b) = (
        Table::read(&on, "metrics.csv"),
        Table::read(&off, "metrics.csv"),
    );
    assert_eq!(a.headers, b.headers);
    assert_eq!(a.rows.len(), b.rows.len());
    for (c, name) in a.headers.iter().enumerate() {
        let (x, y): (Vec<&str>, Vec<&str>) = (a.column(name), b.column(name));
        if switched.contains(&name.as_str()) {
            assert!(
                x.iter().any(|v| !v.is_empty()),
                "{name} is measured when on"
            );
            assert!(y.iter().all(|v| v.is_empty()), "{name} is empty when off");
        } else {
            assert_eq!(x, y, "column {c} ({name}) differs");
        }
    }
    for file in ["charts.csv", "tracks.csv"] {
        assert_eq!(read_bytes(&on, file), read_bytes(&off, file), "{file}");
    }
}
