//! Payouts settled from a run's plays: `[payouts]` rules, `payouts.csv`, and the checks a
//! reader of the table can make without the program (pools, stream shares, stream totals).

mod common;

use std::collections::BTreeMap;
use std::path::Path;

use common::{Table, manifest, read_bytes, run_scenario, tiny_text, write_file};

const RULES: &str = "[\"pro_rata\", \"user_centric\", \"artist_centric\", \"track_minimum\"]";

/// The tiny scenario over a whole year with the four built-in rules settled.
fn tiny_paid(extra: &str) -> String {
    let text = tiny_text().replacen("days = 56", "days = 364", 1);
    assert!(text.contains("days = 364"));
    format!("{extra}{text}\n[payouts]\nrules = {RULES}\n")
}

fn run_paid(dir: &Path, name: &str, text: &str, extra: &[&str]) -> std::path::PathBuf {
    let path = write_file(dir, &format!("{name}.toml"), text);
    let out = dir.join(name);
    run_scenario(&path, &out, extra).assert_success();
    out
}

/// `(run, region, rules, month)` → (streams, payout) of each artist, from `payouts.csv`.
type Months = BTreeMap<(String, String, String, String), Vec<(f64, f64)>>;

fn months(dir: &Path) -> Months {
    let t = Table::read(dir, "payouts.csv");
    let mut out = Months::new();
    for r in &t.rows {
        let key = |c: &str| r[t.col(c)].to_owned();
        out.entry((key("run"), key("region"), key("rules"), key("month")))
            .or_default()
            .push((
                r[t.col("streams")].parse().unwrap(),
                r[t.col("payout")].parse().unwrap(),
            ));
    }
    out
}

#[test]
fn every_rule_splits_the_same_pool_and_pro_rata_splits_it_by_share_of_streams() {
    let tmp = tempfile::tempdir().unwrap();
    let out = run_paid(tmp.path(), "paid", &tiny_paid(""), &["--replicates", "1"]);
    let files = manifest(&out)["files"].clone();
    assert!(files.as_array().unwrap().iter().any(|f| f == "payouts.csv"));
    let months = months(&out);
    // 3 policies × 3 regions × 4 rules × 12 months (2 January to 31 December).
    assert_eq!(months.len(), 3 * 3 * 4 * 12);
    let pool =
        |k: &(String, String, String, String)| -> f64 { months[k].iter().map(|&(_, p)| p).sum() };
    for (key, artists) in &months {
        let pro_rata = (
            key.0.clone(),
            key.1.clone(),
            "pro_rata".to_owned(),
            key.3.clone(),
        );
        let (total, same) = (pool(key), pool(&pro_rata));
        assert!(
            (total - same).abs() <= 1e-9 * same,
            "{key:?}: {total} against {same}"
        );
        if key.2 == "pro_rata" {
            let streams: f64 = artists.iter().map(|&(s, _)| s).sum();
            for &(s, p) in artists {
                assert!((p - total * s / streams).abs() <= 1e-9 * total, "{key:?}");
            }
        }
    }
    // The rules differ: user-centric moves money between artists.
    let key = |rules: &str| {
        (
            "0".to_owned(),
            "UK".to_owned(),
            rules.to_owned(),
            "2026-06".to_owned(),
        )
    };
    assert_ne!(months[&key("pro_rata")], months[&key("user_centric")]);
}

#[test]
fn the_pool_is_what_the_accounts_pay_prorated_over_a_partial_first_month() {
    let tmp = tempfile::tempdir().unwrap();
    // Every account premium: 3,000 accounts × 4.8 × 0.67 a month in all regions together.
    let text = tiny_paid("")
        .replace("premium_share = 0.55", "premium_share = 1.0")
        .replace("premium_share = 0.50", "premium_share = 1.0")
        .replace("premium_share = 0.60", "premium_share = 1.0");
    let out = run_paid(tmp.path(), "premium", &text, &["--replicates", "1"]);
    let months = months(&out);
    let total = |month: &str| -> f64 {
        months
            .iter()
            .filter(|(k, _)| k.0 == "0" && k.2 == "pro_rata" && k.3 == month)
            .flat_map(|(_, v)| v.iter().map(|&(_, p)| p))
            .sum()
    };
    let full = 3_000.0 * 4.8 * 0.67;
    assert!(
        (total("2026-02") - full).abs() < 1e-6,
        "{}",
        total("2026-02")
    );
    // Day 0 is 2 January: 30 of January's 31 days are simulated.
    assert!((total("2026-01") - full * 30.0 / 31.0).abs() < 1e-6);
}

#[test]
fn a_years_payout_streams_are_the_runs_streams_by_artist() {
    let tmp = tempfile::tempdir().unwrap();
    let out = run_paid(tmp.path(), "paid", &tiny_paid(""), &[]);
    assert_streams_match_tracks(&out);
}

#[test]
fn fans_streaming_from_several_accounts_are_counted_once_per_play() {
    // The Golden scenario's fandom streams from three accounts a member.
    let tmp = tempfile::tempdir().unwrap();
    let golden = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/golden.toml");
    let text = std::fs::read_to_string(golden).unwrap()
        + "\n[payouts]\nrules = [\"pro_rata\", \"user_centric\"]\n";
    assert!(text.contains("accounts = 3"));
    let out = run_paid(
        tmp.path(),
        "golden",
        &text,
        &["--replicates", "1", "--set", "listeners=6000"],
    );
    assert_streams_match_tracks(&out);
}

#[test]
fn organised_replay_captures_less_under_user_centric_and_the_artist_centric_cap() {
    // The Golden scenario's fandom replays in organised campaigns: under pro rata their
    // streams take a share of everyone's pool; under user-centric only the members' own
    // payments; under the artist-centric cap (pro rata with each account counted for at
    // most 1,000 streams a month) a devoted member's replays are scaled down.
    let tmp = tempfile::tempdir().unwrap();
    let golden = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/golden.toml");
    let text = std::fs::read_to_string(golden).unwrap()
        + "\n[payouts]\nrules = [\"pro_rata\", \"user_centric\", \"capped\"]\n\
           [[payout_rules]]\nname = \"capped\"\naccount_cap = 1000\n";
    let out = run_paid(
        tmp.path(),
        "golden",
        &text,
        &["--replicates", "8", "--set", "listeners=6000"],
    );
    let summary = Table::read(&out, "payout_summary.csv");
    let row = |rules: &str| {
        summary
            .rows
            .iter()
            .find(|r| {
                &r[summary.col("region")] == "all"
                    && &r[summary.col("rules")] == rules
                    && &r[summary.col("metric")] == "payout_organised_share"
            })
            .unwrap_or_else(|| panic!("{rules}"))
            .clone()
    };
    let value = |r: &csv::StringRecord, c: &str| -> f64 { r[summary.col(c)].parse().unwrap() };
    let pro_rata = row("pro_rata");
    assert!(value(&pro_rata, "ci_low") > 0.0, "campaigns capture money");
    for rules in ["user_centric", "capped"] {
        let r = row(rules);
        assert!(
            value(&r, "diff_ci_high") < 0.0,
            "{rules}: {} [{}, {}] against pro rata {}",
            value(&r, "diff_vs_reference"),
            value(&r, "diff_ci_low"),
            value(&r, "diff_ci_high"),
            value(&pro_rata, "mean")
        );
    }
}

/// Each artist's payout streams over the year equal its streams in `tracks.csv`, per run
/// and region.
fn assert_streams_match_tracks(out: &Path) {
    let payouts = Table::read(out, "payouts.csv");
    let mut by_artist: BTreeMap<(String, String, String), f64> = BTreeMap::new();
    for r in &payouts.rows {
        if &r[payouts.col("rules")] == "pro_rata" {
            let key = (
                r[payouts.col("run")].to_owned(),
                r[payouts.col("region")].to_owned(),
                r[payouts.col("artist")].to_owned(),
            );
            *by_artist.entry(key).or_default() += r[payouts.col("streams")].parse::<f64>().unwrap();
        }
    }
    let tracks = Table::read(out, "tracks.csv");
    let mut from_tracks: BTreeMap<(String, String, String), f64> = BTreeMap::new();
    for r in &tracks.rows {
        if &r[tracks.col("region")] != "all" {
            let key = (
                r[tracks.col("run")].to_owned(),
                r[tracks.col("region")].to_owned(),
                r[tracks.col("artist")].to_owned(),
            );
            *from_tracks.entry(key).or_default() +=
                r[tracks.col("streams")].parse::<f64>().unwrap();
        }
    }
    from_tracks.retain(|_, s| *s > 0.0);
    assert!(by_artist.len() > 1_000);
    assert_eq!(by_artist, from_tracks);
}

#[test]
fn payouts_do_not_depend_on_threads() {
    let tmp = tempfile::tempdir().unwrap();
    let text = tiny_paid("");
    let one = run_paid(tmp.path(), "one", &text, &["--threads", "1"]);
    let two = run_paid(tmp.path(), "two", &text, &["--threads", "2"]);
    for table in ["payouts.csv", "payout_metrics.csv", "payout_summary.csv"] {
        assert!(
            read_bytes(&one, table) == read_bytes(&two, table),
            "{table}"
        );
    }
}

#[test]
fn bad_payout_rules_are_refused_with_their_key() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out");
    let cases = [
        (
            tiny_text() + "\n[payouts]\nrules = [\"pro-rata\"]\n",
            vec!["payouts.rules[0]", "pro_rata"],
        ),
        (
            tiny_text()
                + "\n[payouts]\nrules = [\"mix\"]\n\n[[payout_rules]]\nname = \"mix\"\nbase = \"hybrid\"\nuser_centric = 1.5\n",
            vec!["payout_rules[0].user_centric", "1.5"],
        ),
        (
            tiny_text() + "\n[[payout_rules]]\nname = \"user_centric\"\n",
            vec!["payout_rules[0].name", "built-in"],
        ),
        (
            tiny_with_region_key("rights_share = 1.5"),
            vec!["regions[0].rights_share", "1.5"],
        ),
    ];
    for (text, needles) in cases {
        let path = write_file(tmp.path(), "bad.toml", &text);
        run_scenario(&path, &out, &[])
            .assert_user_error()
            .assert_stderr_mentions(&needles);
        assert!(!out.exists());
    }
}

fn tiny_with_region_key(line: &str) -> String {
    common::tiny_with("name = \"UK\"\n", &format!("name = \"UK\"\n{line}\n"))
}

/// Gini of amounts by the mean absolute difference (an independent formula).
fn gini_by_pairs(x: &[f64]) -> f64 {
    let n = x.len() as f64;
    let mean = x.iter().sum::<f64>() / n;
    if mean == 0.0 {
        return 0.0;
    }
    let pairs: f64 = x
        .iter()
        .flat_map(|a| x.iter().map(move |b| (a - b).abs()))
        .sum();
    pairs / (2.0 * n * n * mean)
}

#[test]
fn payout_metrics_are_what_a_reader_computes_from_payouts_and_tracks() {
    let tmp = tempfile::tempdir().unwrap();
    // A living line that some artists reach in a month of the tiny world.
    let text = tiny_paid("").replace("[payouts]\n", "[payouts]\nliving_line = 40.0\n");
    let out = run_paid(tmp.path(), "paid", &text, &["--replicates", "1"]);
    // Artists of run 0: origin, label and first release day, from tracks.csv's `all` rows.
    let tracks = Table::read(&out, "tracks.csv");
    let mut artists: BTreeMap<String, (String, String, i32)> = BTreeMap::new();
    for r in tracks
        .rows
        .iter()
        .filter(|r| &r[0] == "0" && &r[tracks.col("region")] == "all")
    {
        let day: i32 = r[tracks.col("release_day")].parse().unwrap();
        let entry = artists
            .entry(r[tracks.col("artist")].to_owned())
            .or_insert_with(|| {
                (
                    r[tracks.col("origin")].to_owned(),
                    r[tracks.col("label")].to_owned(),
                    day,
                )
            });
        entry.2 = entry.2.min(day);
    }
    // payouts.csv has no artist column in `months`: read it again with the artist.
    let payouts = Table::read(&out, "payouts.csv");
    let metrics = Table::read(&out, "payout_metrics.csv");
    let mut checked = 0;
    for m in metrics
        .rows
        .iter()
        .filter(|r| &r[0] == "0" && &r[4] != "track_minimum")
    {
        let get = |c: &str| m[metrics.col(c)].to_owned();
        let (region, rules, month) = (get("region"), get("rules"), get("month"));
        // Full months only: February to November 2026 (day 0 is 2 January).
        if !("2026-02".."2026-12").contains(&month.as_str()) || region == "all" {
            continue;
        }
        // The month's last day, as a day number (1 January 2026 is day −1).
        let month_number: u32 = month[5..].parse().unwrap();
        let days_before: [i32; 12] = [0, 31, 59, 90, 120, 151, 181, 212, 243, 273, 304, 334];
        let last_day = days_before[month_number as usize] - 2;
        let mut paid: BTreeMap<&str, f64> = BTreeMap::new();
        for p in payouts.rows.iter().filter(|p| {
            &p[0] == "0"
                && p[payouts.col("region")] == *region
                && p[payouts.col("rules")] == *rules
                && p[payouts.col("month")] == *month
        }) {
            *paid.entry(&p[payouts.col("artist")]).or_default() +=
                p[payouts.col("payout")].parse::<f64>().unwrap();
        }
        let total: f64 = paid.values().sum();
        let released: Vec<f64> = artists
            .iter()
            .filter(|(_, a)| a.2 <= last_day)
            .map(|(id, _)| paid.get(id.as_str()).copied().unwrap_or(0.0))
            .collect();
        let mut sorted = released.clone();
        sorted.sort_by(|a, b| b.total_cmp(a));
        let top = |k: usize| sorted.iter().take(k).sum::<f64>() / total;
        let share_of = |keep: &dyn Fn(&(String, String, i32)) -> bool| {
            paid.iter()
                .filter(|(id, _)| keep(&artists[**id]))
                .map(|(_, p)| p)
                .sum::<f64>()
                / total
        };
        let want = [
            ("payout_top10_share", top(10)),
            ("payout_top1pct_share", top(released.len().div_ceil(100))),
            ("payout_gini", gini_by_pairs(&released)),
            ("payout_local_share", share_of(&|a| a.0 == region)),
            (
                "payout_independent_share",
                share_of(&|a| a.1 == "independent"),
            ),
            (
                "payout_living_artists",
                paid.values().filter(|&&p| p >= 40.0).count() as f64,
            ),
        ];
        for (column, want) in want {
            let got: f64 = get(column).parse().unwrap();
            assert!(
                (got - want).abs() <= 1e-9 * want.abs().max(1.0),
                "{region} {rules} {month} {column}: got {got}, want {want}"
            );
        }
        checked += 1;
    }
    // 3 regions × 3 rules × 10 months.
    assert_eq!(checked, 90);
    let living: f64 = metrics
        .rows
        .iter()
        .map(|r| {
            r[metrics.col("payout_living_artists")]
                .parse::<f64>()
                .unwrap()
        })
        .sum();
    assert!(living > 0.0, "the living line is reached somewhere");
}
