//! Chart rule sets beyond the original built-ins: the `us` rule sets, rule sets defined in
//! the scenario file (`[[chart_rules]]`), and the headline chart-run columns.

mod common;

use std::collections::BTreeMap;

use chartsim::chart::{RecurrentRule, RuleSet};
use chartsim::scenario::Scenario;
use common::{Table, run_scenario, tiny_with, write_file};

/// The tiny scenario with the UK region's rule sets replaced by `rules` and `extra`
/// appended at the end of the file.
fn tiny_rules(rules: &str, extra: &str) -> String {
    let mut text = tiny_with(r#"chart_rules = ["uk", "raw"]"#, rules);
    text.push_str(extra);
    text
}

/// The validation error of a scenario text, as displayed.
fn error_of(text: &str) -> String {
    Scenario::from_toml_str(text, "t.toml")
        .expect_err("scenario must be rejected")
        .to_string()
}

const UK_CAP1: &str =
    "\n[[chart_rules]]\nname = \"uk-cap1\"\nbase = \"uk\"\nper_user_daily_cap = 1\n";

#[test]
fn custom_rule_set_resolves_from_its_base() {
    let text = tiny_rules(r#"chart_rules = ["uk-cap1", "us2026", "raw"]"#, UK_CAP1);
    let s = Scenario::from_toml_str(&text, "t.toml").expect("valid");
    let rules = &s.regions[0].chart_rules;
    let expected = RuleSet {
        name: "uk-cap1".to_string(),
        per_user_daily_cap: Some(1),
        ..RuleSet::uk()
    };
    assert_eq!(rules[0], expected);
    assert_eq!(rules[1], RuleSet::us2026());
    assert_eq!(rules[2], RuleSet::raw());
}

#[test]
fn custom_rule_set_with_every_field_and_none_words() {
    let extra = r#"
[[chart_rules]]
name = "mine"
premium_streams_per_unit = 2.0
ad_streams_per_unit = 8.0
chart_size = 40
recurrent = [{ min_weeks_on_chart = 10, below_rank = 20 }]
acr = { premium_streams_per_unit = 4.0, ad_streams_per_unit = 16.0, min_weeks_on_chart = 5, decline_weeks = 2, reset_growth_points = 0.1 }

[[chart_rules]]
name = "uk-open"
base = "uk"
per_user_daily_cap = "none"
max_tracks_per_artist = "none"
acr = { decline_weeks = 2 }
"#;
    let text = tiny_rules(r#"chart_rules = ["mine", "uk-open"]"#, extra);
    let s = Scenario::from_toml_str(&text, "t.toml").expect("valid");
    let mine = &s.regions[0].chart_rules[0];
    assert_eq!(mine.premium_streams_per_unit, 2.0);
    assert_eq!(mine.chart_size, 40);
    assert_eq!(mine.per_user_daily_cap, None);
    assert_eq!(mine.recurrent, Some(RecurrentRule::from_pairs(&[(10, 20)])));
    let acr = mine.acr.as_ref().expect("acr given");
    assert_eq!((acr.decline_weeks, acr.january_reset), (2, false));
    let open = &s.regions[0].chart_rules[1];
    assert_eq!(open.per_user_daily_cap, None);
    assert_eq!(open.max_tracks_per_artist, None);
    let acr = open.acr.as_ref().expect("uk acr merged");
    assert_eq!((acr.decline_weeks, acr.min_weeks_on_chart), (2, 9));
    assert!(acr.january_reset);
    assert_eq!(acr.premium_streams_per_unit, 200.0);
}

#[test]
fn custom_rule_set_errors_name_the_key_path() {
    let bad = "\n[[chart_rules]]\nname = \"z\"\nbase = \"uk\"\npremium_streams_per_unit = 0.0\n";
    assert_eq!(
        error_of(&tiny_rules(r#"chart_rules = ["z"]"#, bad)),
        "invalid scenario 't.toml': chart_rules[0].premium_streams_per_unit: must be positive, got 0"
    );
    let dup = format!("{UK_CAP1}{UK_CAP1}");
    assert_eq!(
        error_of(&tiny_rules(r#"chart_rules = ["uk-cap1"]"#, &dup)),
        "invalid scenario 't.toml': chart_rules[1].name: duplicate name \"uk-cap1\""
    );
    let e = error_of(&tiny_rules(r#"chart_rules = ["uk-cap2"]"#, UK_CAP1));
    assert!(
        e.contains("regions[0].chart_rules[0]: unknown rule set \"uk-cap2\""),
        "{e}"
    );
    assert!(e.contains("uk-cap1"), "custom names are listed: {e}");
    let shadow = "\n[[chart_rules]]\nname = \"uk\"\nbase = \"uk\"\n";
    assert!(
        error_of(&tiny_rules(r#"chart_rules = ["uk"]"#, shadow))
            .contains("chart_rules[0].name: \"uk\" is a built-in rule set")
    );
    let no_base = "\n[[chart_rules]]\nname = \"x\"\nad_streams_per_unit = 1.0\n";
    assert!(
        error_of(&tiny_rules(r#"chart_rules = ["x"]"#, no_base))
            .contains("chart_rules[0].premium_streams_per_unit: required")
    );
    let bad_base = "\n[[chart_rules]]\nname = \"x\"\nbase = \"billboard\"\n";
    assert!(
        error_of(&tiny_rules(r#"chart_rules = ["x"]"#, bad_base))
            .contains("chart_rules[0].base: unknown rule set \"billboard\"")
    );
    let bad_word = "\n[[chart_rules]]\nname = \"x\"\nbase = \"uk\"\nper_user_daily_cap = \"off\"\n";
    assert!(
        error_of(&tiny_rules(r#"chart_rules = ["x"]"#, bad_word))
            .contains("chart_rules[0].per_user_daily_cap: must be a number or \"none\"")
    );
    let zero_cap = "\n[[chart_rules]]\nname = \"x\"\nbase = \"uk\"\nper_user_daily_cap = 0\n";
    assert!(
        error_of(&tiny_rules(r#"chart_rules = ["x"]"#, zero_cap))
            .contains("chart_rules[0].per_user_daily_cap: must be between 1 and")
    );
    let zero_rank = "\n[[chart_rules]]\nname = \"x\"\nbase = \"us\"\nrecurrent = [{ min_weeks_on_chart = 5, below_rank = 0 }]\n";
    assert!(
        error_of(&tiny_rules(r#"chart_rules = ["x"]"#, zero_rank)).contains(
            "chart_rules[0].recurrent.thresholds[0].below_rank: must be at least 1, got 0"
        )
    );
    let no_acr = "\n[[chart_rules]]\nname = \"x\"\nbase = \"us\"\nacr = { decline_weeks = 2 }\n";
    assert!(
        error_of(&tiny_rules(r#"chart_rules = ["x"]"#, no_acr))
            .contains("chart_rules[0].acr.premium_streams_per_unit: required")
    );
}

#[test]
fn custom_and_us_rule_sets_run_end_to_end() {
    let tmp = tempfile::tempdir().unwrap();
    let text = tiny_rules(r#"chart_rules = ["uk-cap1", "us", "raw"]"#, UK_CAP1);
    let scenario = write_file(tmp.path(), "s.toml", &text);
    let out = tmp.path().join("out");
    run_scenario(&scenario, &out, &[]).assert_success();

    let charts = Table::read(&out, "charts.csv");
    let [region, rules, week, run, track, counted, weeks_on] = [
        "region",
        "rules",
        "week",
        "run",
        "track",
        "counted_streams",
        "weeks_on_chart",
    ]
    .map(|c| charts.col(c));
    let uk_rules: std::collections::BTreeSet<&str> = charts
        .rows
        .iter()
        .filter(|r| &r[region] == "UK")
        .map(|r| &r[rules])
        .collect();
    assert_eq!(
        uk_rules.into_iter().collect::<Vec<_>>(),
        vec!["raw", "uk-cap1", "us"]
    );
    // one stream per user per day counts under uk-cap1: never more than raw's count
    let mut raw_counts = BTreeMap::new();
    for r in charts
        .rows
        .iter()
        .filter(|r| &r[region] == "UK" && &r[rules] == "raw")
    {
        raw_counts.insert(
            (&r[run], &r[week], &r[track]),
            r[counted].parse::<u64>().unwrap(),
        );
    }
    for r in charts
        .rows
        .iter()
        .filter(|r| &r[region] == "UK" && &r[rules] == "uk-cap1")
    {
        if let Some(&raw) = raw_counts.get(&(&r[run], &r[week], &r[track])) {
            assert!(r[counted].parse::<u64>().unwrap() <= raw);
        }
    }

    // headline chart-run columns agree with charts.csv
    let metrics = Table::read(&out, "metrics.csv");
    let [m_region, m_run, m_week, new_entries, tenure, acr] = [
        "region",
        "run",
        "week",
        "chart_new_entries",
        "chart_mean_tenure_weeks",
        "chart_acr_share",
    ]
    .map(|c| metrics.col(c));
    let mut checked = 0;
    for m in metrics.rows.iter().filter(|m| &m[m_region] == "UK") {
        let chart: Vec<_> = charts
            .rows
            .iter()
            .filter(|r| {
                &r[region] == "UK"
                    && &r[rules] == "uk-cap1"
                    && r[run] == m[m_run]
                    && r[week] == m[m_week]
            })
            .collect();
        let w: u32 = m[m_week].parse().unwrap();
        let prev: Vec<&str> = charts
            .rows
            .iter()
            .filter(|r| {
                &r[region] == "UK"
                    && &r[rules] == "uk-cap1"
                    && r[run] == m[m_run]
                    && w > 0
                    && r[week].parse::<u32>().unwrap() == w - 1
            })
            .map(|r| &r[track])
            .collect();
        let expected_new = chart.iter().filter(|r| !prev.contains(&&r[track])).count();
        assert_eq!(m[new_entries].parse::<usize>().unwrap(), expected_new);
        let mean = chart
            .iter()
            .map(|r| r[weeks_on].parse::<f64>().unwrap())
            .sum::<f64>()
            / chart.len() as f64;
        assert!((m[tenure].parse::<f64>().unwrap() - mean).abs() < 1e-9);
        let share: f64 = m[acr].parse().unwrap();
        assert!((0.0..=1.0).contains(&share));
        checked += 1;
    }
    assert!(checked > 0);
    // the all-regions row pools the regions' headline charts: new entries add up
    let by_key = |m: &csv::StringRecord| (m[m_run].to_owned(), m[m_week].to_owned());
    let mut sums: BTreeMap<(String, String), u64> = BTreeMap::new();
    for m in metrics.rows.iter().filter(|m| &m[m_region] != "all") {
        *sums.entry(by_key(m)).or_default() += m[new_entries].parse::<u64>().unwrap();
    }
    for m in metrics.rows.iter().filter(|m| &m[m_region] == "all") {
        assert_eq!(m[new_entries].parse::<u64>().unwrap(), sums[&by_key(m)]);
        assert!(!m[tenure].is_empty() && !m[acr].is_empty());
    }

    let summary = Table::read(&out, "summary.csv");
    let names = summary.column("metric");
    for metric in [
        "chart_new_entries",
        "chart_mean_tenure_weeks",
        "chart_acr_share",
    ] {
        assert!(names.contains(&metric), "{metric} summarised");
    }
}
