//! What a result directory contains: the four files, a manifest that can reproduce the
//! run, and tables whose shape and values obey the documented invariants.

mod common;

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use common::{
    RESULT_FILES, Table, entries, manifest, partial_leftovers, run_scenario, run_tiny, tiny,
    tiny_with, write_file,
};

/// Runs of a batch: every policy on every replicate.
fn runs(replicates: usize) -> usize {
    replicates * tiny::POLICIES.len()
}

#[test]
fn result_directory_has_exactly_the_result_files_and_no_staging_leftovers() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out");
    run_tiny(&out, &["--replicates", "1"]);
    assert_eq!(entries(&out), RESULT_FILES);
    assert_eq!(
        entries(tmp.path()),
        ["out"],
        "only the result directory is left"
    );
    assert!(partial_leftovers(tmp.path()).is_empty());
}

#[test]
fn manifest_records_version_seeds_runs_and_resolved_scenario() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out");
    run_tiny(&out, &[]);
    let m = manifest(&out);

    assert_eq!(m["chartsim_version"], env!("CARGO_PKG_VERSION"));
    assert_eq!(m["master_seed"].as_u64(), Some(tiny::SEED));
    let seeds = m["replicate_seeds"]
        .as_array()
        .expect("replicate_seeds array");
    assert_eq!(seeds.len(), tiny::REPLICATES);
    assert!(
        seeds.iter().all(|s| s.as_u64().is_some()),
        "seeds are u64: {seeds:?}"
    );
    assert_ne!(seeds[0], seeds[1], "replicates have their own seeds");
    assert_eq!(
        m["runs"].as_array().map(Vec::len),
        Some(runs(tiny::REPLICATES))
    );
    let mut files: Vec<&str> = m["files"]
        .as_array()
        .expect("files array")
        .iter()
        .map(|f| f.as_str().unwrap())
        .collect();
    files.sort_unstable();
    assert_eq!(files, RESULT_FILES);

    let s = &m["scenario"];
    assert_eq!(s["name"], "tiny");
    assert_eq!(s["seed"].as_u64(), Some(tiny::SEED));
    assert_eq!(s["days"], 56);
    assert_eq!(s["listeners"], 3000);
    assert_eq!(s["replicates"].as_u64(), Some(tiny::REPLICATES as u64));
    let names = |key: &str| -> Vec<String> {
        s[key]
            .as_array()
            .unwrap_or_else(|| panic!("scenario.{key} is an array"))
            .iter()
            .map(|x| x["name"].as_str().unwrap().to_owned())
            .collect()
    };
    assert_eq!(names("regions"), tiny::REGIONS.map(|(r, _)| r));
    assert_eq!(names("policies"), tiny::POLICIES);
    // Resolved: keys left out of the file carry their defaults...
    let defaults = (
        chartsim::scenario::ListeningParams::default(),
        chartsim::scenario::UtilityParams::default(),
    );
    assert_eq!(s["listening"]["library_size"], defaults.0.library_size);
    assert_eq!(s["utility"]["outside"], defaults.1.outside);
    // ...relative shares are normalised (catalogue_share 1, 1, 1, 2, 1 → pop is 2/6)...
    let genres = s["genres"].as_array().unwrap();
    let total: f64 = genres
        .iter()
        .map(|g| g["catalogue_share"].as_f64().unwrap())
        .sum();
    assert!((total - 1.0).abs() < 1e-12, "genre shares sum to {total}");
    assert!((genres[3]["catalogue_share"].as_f64().unwrap() - 2.0 / 6.0).abs() < 1e-12);
    // ...and chart rule names are expanded into the rules themselves.
    assert_eq!(s["regions"][0]["chart_rules"][0]["name"], "uk");
    assert_eq!(
        s["regions"][0]["chart_rules"][0]["max_tracks_per_artist"],
        3
    );
}

#[test]
fn metrics_have_one_row_per_run_region_and_week() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out");
    run_tiny(&out, &[]);
    let metrics = Table::read(&out, "metrics.csv");
    assert_eq!(
        metrics.headers[..5],
        ["run", "replicate", "policy", "region", "week"]
    );
    let expected_rows = runs(tiny::REPLICATES) * tiny::METRIC_REGIONS.len() * tiny::WEEKS;
    assert_eq!(metrics.rows.len(), expected_rows);

    let mut seen = BTreeSet::new();
    let (run, replicate, policy, region, week) = (
        metrics.col("run"),
        metrics.col("replicate"),
        metrics.col("policy"),
        metrics.col("region"),
        metrics.col("week"),
    );
    for row in &metrics.rows {
        let key = (
            row[run].parse::<usize>().unwrap(),
            row[region].to_owned(),
            row[week].parse::<usize>().unwrap(),
        );
        assert!(
            key.0 < runs(tiny::REPLICATES),
            "run id {} out of range",
            key.0
        );
        assert!(
            tiny::METRIC_REGIONS.contains(&key.1.as_str()),
            "region {}",
            key.1
        );
        assert!(key.2 < tiny::WEEKS, "week {} out of range", key.2);
        // Run id = replicate × policies + policy index.
        let r: usize = row[replicate].parse().unwrap();
        let p = tiny::POLICIES
            .iter()
            .position(|&n| n == &row[policy])
            .unwrap();
        assert_eq!(key.0, r * tiny::POLICIES.len() + p, "run id of {row:?}");
        assert!(seen.insert(key.clone()), "duplicate metrics row {key:?}");
    }
}

#[test]
fn days_must_be_whole_chart_weeks() {
    // 60 days would leave 4 days outside any chart week: refused rather than dropped.
    let tmp = tempfile::tempdir().unwrap();
    let scenario = write_file(tmp.path(), "s.toml", &tiny_with("days = 56", "days = 60"));
    let out = tmp.path().join("out");
    run_scenario(&scenario, &out, &["--replicates", "1"])
        .assert_user_error()
        .assert_stderr_mentions(&["days", "multiple of 7", "60"]);
    assert!(!out.exists());
}

fn is_fraction_column(name: &str) -> bool {
    name.contains("_share")
        || name.ends_with("_rate")
        || name.ends_with("coverage")
        || name.starts_with("hhi_")
        || name.starts_with("gini_")
}

#[test]
fn shares_rates_and_concentration_indices_lie_between_0_and_1() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out");
    run_tiny(&out, &["--replicates", "1"]);
    let metrics = Table::read(&out, "metrics.csv");
    let region = metrics.col("region");
    let fractions: Vec<(usize, &String)> = metrics
        .headers
        .iter()
        .enumerate()
        .filter(|(_, h)| is_fraction_column(h))
        .collect();
    assert!(fractions.len() >= 10, "fraction columns: {fractions:?}");
    for row in &metrics.rows {
        for &(i, name) in &fractions {
            let cell = &row[i];
            // The headline chart's local shares are empty for `all` (it has no chart).
            let chart_only = name.starts_with("local_share_top") || name == "organised_share_no1";
            if cell.is_empty() && row[region] == *"all" && chart_only {
                continue;
            }
            // The platform's shares are empty when it owns no artist (tiny: none).
            if cell.is_empty() && name.starts_with("platform_share") {
                continue;
            }
            let x: f64 = cell
                .parse()
                .unwrap_or_else(|_| panic!("{name} = {cell:?} in {row:?}"));
            assert!(
                (0.0..=1.0).contains(&x),
                "{name} = {x} outside [0, 1] in {row:?}"
            );
        }
    }
}

#[test]
fn summary_intervals_contain_the_mean_and_count_every_replicate() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out");
    run_tiny(&out, &[]);
    check_summary(&out, tiny::REPLICATES);
}

fn check_summary(out: &Path, replicates: usize) {
    let summary = Table::read(out, "summary.csv");
    assert_eq!(
        summary.headers[..7],
        [
            "policy", "region", "metric", "mean", "ci_low", "ci_high", "n"
        ]
    );
    assert!(!summary.rows.is_empty());
    let metric = summary.col("metric");
    let cell = |row: &csv::StringRecord, name: &str| row[summary.col(name)].parse::<f64>();
    for row in &summary.rows {
        // Unpredictability is one value over all worlds: no interval.
        if &row[metric] == "unpredictability" {
            assert!(row[summary.col("ci_low")].is_empty(), "{row:?}");
            assert!(
                cell(row, "mean").is_ok_and(|u| (0.0..=1.0).contains(&u)),
                "{row:?}"
            );
            continue;
        }
        let (mean, low, high) = (
            cell(row, "mean").unwrap(),
            cell(row, "ci_low").unwrap(),
            cell(row, "ci_high").unwrap(),
        );
        assert!(
            low <= mean && mean <= high,
            "interval does not contain the mean: {row:?}"
        );
    }
    for (row, n) in summary.rows.iter().zip(summary.parsed::<usize>("n")) {
        assert_eq!(n, replicates, "n should be the replicate count: {row:?}");
    }
    let pairs: BTreeSet<(&str, &str)> = summary
        .column("policy")
        .into_iter()
        .zip(summary.column("region"))
        .collect();
    let expected: BTreeSet<(&str, &str)> = tiny::POLICIES
        .iter()
        .flat_map(|&p| tiny::METRIC_REGIONS.map(|r| (p, r)))
        .collect();
    assert_eq!(pairs, expected, "summary covers every policy and region");
}

/// A chart: (run, region, rules, week).
type ChartKey = (usize, String, String, usize);

#[test]
fn charts_are_ranked_from_1_with_non_increasing_units() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out");
    run_tiny(&out, &["--replicates", "1"]);
    let charts = Table::read(&out, "charts.csv");
    let [run, region, rules, week, rank, units] =
        ["run", "region", "rules", "week", "rank", "units"].map(|c| charts.col(c));

    // (run, region, rules, week) → [(rank, units)] in file order.
    let mut groups: BTreeMap<ChartKey, Vec<(usize, f64)>> = BTreeMap::new();
    for row in &charts.rows {
        groups
            .entry((
                row[run].parse().unwrap(),
                row[region].to_owned(),
                row[rules].to_owned(),
                row[week].parse().unwrap(),
            ))
            .or_default()
            .push((row[rank].parse().unwrap(), row[units].parse().unwrap()));
    }
    // Every run charts every region under each of its declared rule sets, every week.
    let rule_sets: usize = tiny::REGIONS.iter().map(|(_, r)| r.len()).sum();
    assert_eq!(groups.len(), runs(1) * rule_sets * tiny::WEEKS);
    let declared: BTreeSet<(String, String)> = tiny::REGIONS
        .iter()
        .flat_map(|(region, rules)| rules.iter().map(|r| (region.to_string(), r.to_string())))
        .collect();
    let found: BTreeSet<(String, String)> = groups
        .keys()
        .map(|(_, g, r, _)| (g.clone(), r.clone()))
        .collect();
    assert_eq!(found, declared);

    for (key, entries) in &groups {
        let k = entries.len();
        assert!((1..=100).contains(&k), "{key:?} has {k} entries");
        let ranks: Vec<usize> = entries.iter().map(|e| e.0).collect();
        assert_eq!(ranks, (1..=k).collect::<Vec<_>>(), "ranks of {key:?}");
        for pair in entries.windows(2) {
            assert!(
                pair[0].1 >= pair[1].1,
                "{key:?}: rank {} has {} units but rank {} has {}",
                pair[0].0,
                pair[0].1,
                pair[1].0,
                pair[1].1
            );
        }
    }
}

#[test]
fn uk_charts_have_at_most_three_entries_per_artist() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out");
    run_tiny(&out, &["--replicates", "1"]);
    let charts = Table::read(&out, "charts.csv");
    let [run, region, rules, week, artist] =
        ["run", "region", "rules", "week", "artist"].map(|c| charts.col(c));
    let mut entries: BTreeMap<(&str, &str, &str, &str), usize> = BTreeMap::new();
    let mut uk_charts = 0;
    for row in charts.rows.iter().filter(|r| r[rules] == *"uk") {
        let n = entries
            .entry((&row[run], &row[region], &row[week], &row[artist]))
            .or_default();
        *n += 1;
        uk_charts += 1;
        assert!(
            *n <= 3,
            "artist {} has {n} entries in {row:?}",
            &row[artist]
        );
    }
    assert!(uk_charts > 0, "the tiny scenario has uk charts");
}

#[test]
fn replicates_option_overrides_the_scenario() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out");
    run_tiny(&out, &["--replicates", "3"]);
    let m = manifest(&out);
    assert_eq!(m["replicate_seeds"].as_array().map(Vec::len), Some(3));
    assert_eq!(m["scenario"]["replicates"], 3);
    assert_eq!(m["runs"].as_array().map(Vec::len), Some(runs(3)));
    let metrics = Table::read(&out, "metrics.csv");
    assert_eq!(
        metrics.rows.len(),
        runs(3) * tiny::METRIC_REGIONS.len() * tiny::WEEKS
    );
    let replicates: BTreeSet<usize> = metrics.parsed("replicate").into_iter().collect();
    assert_eq!(replicates, (0..3).collect());
    check_summary(&out, 3);
}

#[test]
fn seed_option_overrides_the_scenario() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out");
    run_tiny(&out, &["--seed", "7"]);
    let m = manifest(&out);
    assert_eq!(m["master_seed"], 7);
    assert_eq!(m["scenario"]["seed"], 7);
    assert_eq!(
        m["replicate_seeds"].as_array().map(Vec::len),
        Some(tiny::REPLICATES)
    );
    assert_eq!(
        Table::read(&out, "metrics.csv").rows.len(),
        runs(tiny::REPLICATES) * tiny::METRIC_REGIONS.len() * tiny::WEEKS
    );
}
