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
    assert!(read_bytes(&one, "payouts.csv") == read_bytes(&two, "payouts.csv"));
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
