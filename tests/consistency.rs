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

/// A track's distinct listeners in a region bound its streams there and its counts under
/// Melon's one stream per listener per day: over one week, each listener adds 1 to 7 days
/// of counted streams. The `all` row adds up the regions (a listener lives in one).
#[test]
fn distinct_listeners_bound_the_one_a_day_counts_and_add_up_over_regions() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out");
    run_tiny(
        &out,
        &[
            "--replicates",
            "1",
            "--set",
            "days=7",
            "--set",
            "burn_in_weeks=0",
        ],
    );
    let tracks = Table::read(&out, "tracks.csv");
    let (run, region, track) = (
        tracks.column("run"),
        tracks.column("region"),
        tracks.column("track"),
    );
    let (streams, listeners) = (
        tracks.parsed::<u64>("streams"),
        tracks.parsed::<u64>("listeners"),
    );
    let mut by_region: HashMap<(&str, &str, &str), u64> = HashMap::new();
    let mut sum_of_regions: HashMap<(&str, &str), u64> = HashMap::new();
    for i in 0..tracks.rows.len() {
        assert_eq!(streams[i] > 0, listeners[i] > 0, "row {i}");
        assert!(
            listeners[i] <= streams[i],
            "row {i}: more listeners than streams"
        );
        if region[i] != "all" {
            by_region.insert((run[i], region[i], track[i]), listeners[i]);
            *sum_of_regions.entry((run[i], track[i])).or_default() += listeners[i];
        }
    }
    for i in (0..tracks.rows.len()).filter(|&i| region[i] == "all") {
        let regions = sum_of_regions.get(&(run[i], track[i])).copied();
        assert_eq!(listeners[i], regions.unwrap_or(0), "track {}", track[i]);
    }

    let charts = Table::read(&out, "charts.csv");
    let (c_run, c_region, rules, c_track) = (
        charts.column("run"),
        charts.column("region"),
        charts.column("rules"),
        charts.column("track"),
    );
    let counted = charts.parsed::<u64>("counted_streams");
    let mut checked = 0;
    for i in (0..charts.rows.len()).filter(|&i| rules[i] == "melon") {
        let l = by_region[&(c_run[i], c_region[i], c_track[i])];
        assert!(
            l <= counted[i] && counted[i] <= 7 * l,
            "{} track {}: {l} listeners, {} counted streams",
            c_region[i],
            c_track[i],
            counted[i]
        );
        checked += 1;
    }
    assert!(checked >= 50, "only {checked} Melon chart entries");
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
            "--set",
            "measures.listeners_per_track=false",
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
    assert_eq!(
        read_bytes(&on, "charts.csv"),
        read_bytes(&off, "charts.csv")
    );
    let (a, b) = (
        Table::read(&on, "tracks.csv"),
        Table::read(&off, "tracks.csv"),
    );
    assert_eq!(a.headers, b.headers);
    for name in &a.headers {
        let (x, y) = (a.column(name), b.column(name));
        if name == "listeners" {
            assert!(x.iter().all(|v| !v.is_empty()), "listeners counted when on");
            assert!(y.iter().all(|v| v.is_empty()), "listeners empty when off");
        } else {
            assert_eq!(x, y, "tracks.csv column {name} differs");
        }
    }
}

/// Sum of a numeric column of `table` over the rows whose `key` column equals `value`.
fn column_sum(table: &Table, column: &str, key: &str, value: &str) -> f64 {
    let keys = table.column(key);
    table
        .parsed::<f64>(column)
        .iter()
        .zip(keys)
        .filter(|(_, k)| *k == value)
        .map(|(x, _)| x)
        .sum()
}

/// A population weight multiplies every reported count and nothing else: the same seed
/// with `accounts_per_listener = 3` gives the same charts with three times the units, and
/// three times the streams everywhere, while shares stay the same.
#[test]
fn a_population_weight_scales_reported_counts_exactly() {
    let tmp = tempfile::tempdir().unwrap();
    let (one, three) = (tmp.path().join("one"), tmp.path().join("three"));
    run_tiny(&one, &["--replicates", "1"]);
    run_tiny(
        &three,
        &["--replicates", "1", "--set", "accounts_per_listener=3"],
    );
    for (file, counts) in [
        (
            "metrics.csv",
            &["streams", "organised_streams", "no1_units"][..],
        ),
        (
            "charts.csv",
            &["units", "counted_streams", "organised_units"][..],
        ),
        ("tracks.csv", &["streams", "listeners"][..]),
    ] {
        let (a, b) = (Table::read(&one, file), Table::read(&three, file));
        assert_eq!(a.rows.len(), b.rows.len(), "{file}");
        for name in &a.headers {
            let (x, y) = (a.column(name), b.column(name));
            if counts.contains(&name.as_str()) {
                for (x, y) in x.iter().zip(&y) {
                    if x.is_empty() {
                        assert!(y.is_empty());
                        continue;
                    }
                    let (x, y): (f64, f64) = (x.parse().unwrap(), y.parse().unwrap());
                    assert!(
                        (y - 3.0 * x).abs() <= 1e-9 * y.abs().max(1.0),
                        "{file} {name}"
                    );
                }
            } else {
                assert_eq!(x, y, "{file}: column {name} changes with the weight");
            }
        }
    }
}

/// A weighted run matches an unweighted one in expectation: 5,000 simulated listeners
/// standing for 4 accounts each report about the streams of 20,000 listeners standing for
/// one each, region by region, and the same local share (over 4 replicate worlds).
#[test]
fn a_weighted_run_matches_an_unweighted_one_in_expectation() {
    let tmp = tempfile::tempdir().unwrap();
    let (small, big) = (tmp.path().join("small"), tmp.path().join("big"));
    let common = [
        "--replicates",
        "4",
        "--set",
        "days=28",
        "--set",
        "burn_in_weeks=0",
    ];
    let mut weighted = common.to_vec();
    weighted.extend([
        "--set",
        "listeners=5000",
        "--set",
        "accounts_per_listener=4",
    ]);
    let mut unweighted = common.to_vec();
    unweighted.extend(["--set", "listeners=20000"]);
    run_tiny(&small, &weighted);
    run_tiny(&big, &unweighted);
    let (a, b) = (
        Table::read(&small, "metrics.csv"),
        Table::read(&big, "metrics.csv"),
    );
    for region in tiny::REGIONS.iter().map(|r| r.0).chain(["all"]) {
        let (x, y) = (
            column_sum(&a, "streams", "region", region),
            column_sum(&b, "streams", "region", region),
        );
        // Region sizes and activity (log-normal, σ = 1) are drawn per listener: the
        // smallest region's total over 4 worlds has a standard deviation of about 2%
        // (1,250 listeners), so 10% is more than four of them.
        assert!((x / y - 1.0).abs() < 0.10, "{region}: {x} against {y}");
        eprintln!("{region}: weighted/unweighted streams {:.4}", x / y);
    }
    let mean = |t: &Table, name: &str| {
        let rows: Vec<f64> = t
            .parsed::<f64>(name)
            .into_iter()
            .zip(t.column("region"))
            .filter(|(_, r)| *r == "all")
            .map(|(x, _)| x)
            .collect();
        rows.iter().sum::<f64>() / rows.len() as f64
    };
    let (x, y) = (
        mean(&a, "local_share_streams"),
        mean(&b, "local_share_streams"),
    );
    assert!((x - y).abs() < 0.04, "local share {x} against {y}");
}
