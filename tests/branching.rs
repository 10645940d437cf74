//! Branching from a shared warm-up (`branch_day`): every replicate world runs the baseline
//! policy up to the branch day once and every policy continues from that state.
//!
//! The reference is the same experiment without sharing: each policy simulated on its own
//! with a `[[switches]]` entry from the baseline's recommender to its own on the branch
//! day. The two must agree byte for byte.

mod common;

use std::path::Path;

use chartsim::batch::{replicate_key, run_batch, simulated_weeks};
use chartsim::run::run_one;
use chartsim::scenario::Scenario;
use chartsim::world::World;
use common::{Table, run_scenario, tiny_text, write_file};

/// A branch day in the middle of chart week 3 (day 24 is its fourth day), so the warm-up
/// ends with a week half simulated.
const BRANCH_DAY: i32 = 24;

fn tiny_branched(day: i32) -> String {
    format!("branch_day = {day}\n{}", tiny_text())
}

/// The tiny scenario's experiment written without branching: `content` and `random` have
/// the baseline's recommender (`popularity`, regional, 7-day window) and switch on the
/// branch day to copies of their own recommenders, `content-rule` and `random-rule`.
fn tiny_switched(day: i32) -> String {
    let text = tiny_text();
    let at = text
        .find("[[policies]]")
        .expect("tests/data/tiny.toml has [[policies]]");
    let baseline = "scorer = \"popularity\"\nscope = \"regional\"\nwindow_days = 7\n";
    format!(
        "{}\n[[policies]]\nname = \"popularity\"\n{baseline}\n\
         [[policies]]\nname = \"content\"\n{baseline}\n\
         [[policies]]\nname = \"random\"\n{baseline}\n\
         [[policies]]\nname = \"content-rule\"\nscorer = \"content\"\n\n\
         [[policies]]\nname = \"random-rule\"\nscorer = \"random\"\n\n\
         [[switches]]\nday = {day}\npolicy = \"content\"\nto = \"content-rule\"\n\n\
         [[switches]]\nday = {day}\npolicy = \"random\"\nto = \"random-rule\"\n",
        &text[..at]
    )
}

/// The lines of `dir/name` whose `policy` column is not one of `drop`, header included.
fn lines_without(dir: &Path, name: &str, drop: &[&str]) -> Vec<String> {
    let text = std::fs::read_to_string(dir.join(name)).unwrap();
    let mut lines = text.lines();
    let header = lines.next().unwrap();
    let policy = header.split(',').position(|h| h == "policy").unwrap();
    std::iter::once(header)
        .chain(lines.filter(|l| !drop.contains(&l.split(',').nth(policy).unwrap())))
        .map(str::to_owned)
        .collect()
}

#[test]
fn a_branched_run_equals_separate_runs_that_switch_on_the_branch_day_byte_for_byte() {
    let tmp = tempfile::tempdir().unwrap();
    let branched = write_file(tmp.path(), "branched.toml", &tiny_branched(BRANCH_DAY));
    let switched = write_file(tmp.path(), "switched.toml", &tiny_switched(BRANCH_DAY));
    let (a, b) = (tmp.path().join("a"), tmp.path().join("b"));
    // One replicate, so run ids (replicate × policies + policy) agree for the first three
    // policies whatever the number of policies; different thread counts on purpose.
    let one = ["--replicates", "1"];
    run_scenario(&branched, &a, &[&one[..], &["--threads", "2"]].concat()).assert_success();
    run_scenario(&switched, &b, &[&one[..], &["--threads", "1"]].concat()).assert_success();
    let extra = ["content-rule", "random-rule"];
    for table in ["metrics.csv", "charts.csv", "tracks.csv"] {
        let (x, y) = (
            lines_without(&a, table, &[]),
            lines_without(&b, table, &extra),
        );
        assert_eq!(x.len(), y.len(), "{table}: row counts differ");
        if let Some(i) = (0..x.len()).find(|&i| x[i] != y[i]) {
            panic!(
                "{table} line {} differs:\nbranched {}\nswitched {}",
                i + 1,
                x[i],
                y[i]
            );
        }
    }
}

#[test]
fn branched_batches_equal_each_policy_run_alone_on_every_replicate_and_thread_count() {
    // With payouts settled, so the accounting months are branched too.
    let text = format!(
        "{}\n[payouts]\nrules = [\"pro_rata\", \"user_centric\"]\n",
        tiny_branched(BRANCH_DAY)
    );
    let scenario = Scenario::from_toml_str(&text, "tiny").unwrap();
    let alone: Vec<_> = (0..scenario.replicates)
        .flat_map(|replicate| {
            let key = replicate_key(&scenario, replicate);
            let world = World::generate(&scenario, key);
            (0..scenario.policies.len())
                .map(|p| run_one(&scenario, &world, replicate, key, p, &|| {}))
                .collect::<Vec<_>>()
        })
        .collect();
    for threads in [1, 2] {
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .unwrap();
        let weeks = std::sync::atomic::AtomicU64::new(0);
        let batch = pool.install(|| {
            run_batch(&scenario, &|| {
                weeks.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            })
        });
        assert!(
            batch.runs == alone,
            "{threads} thread(s): branched runs differ"
        );
        assert!(batch.runs.iter().all(|r| !r.payouts.is_empty()));
        // 3 warm-up weeks once, then 5 weeks per policy, on each of 2 worlds.
        assert_eq!(weeks.into_inner(), 2 * (3 + 3 * 5));
        assert_eq!(simulated_weeks(&scenario), 2 * (3 + 3 * 5));
    }
}

#[test]
fn before_the_branch_day_every_policy_has_the_baselines_weeks_and_summaries_leave_them_out() {
    let tmp = tempfile::tempdir().unwrap();
    // Branch at the start of week 5 (day 35): weeks 0–4 are the baseline's in every run.
    let path = write_file(tmp.path(), "branched.toml", &tiny_branched(35));
    let out = tmp.path().join("out");
    run_scenario(&path, &out, &[]).assert_success();
    let metrics = Table::read(&out, "metrics.csv");
    let (run, policy, week) = (
        metrics.col("run"),
        metrics.col("policy"),
        metrics.col("week"),
    );
    let unlabelled = |row: &csv::StringRecord| -> Vec<String> {
        (0..row.len())
            .filter(|&i| i != run && i != policy)
            .map(|i| row[i].to_owned())
            .collect()
    };
    let row_of = |p: &str, replicate: &str, w: u32, region: &str| {
        metrics
            .rows
            .iter()
            .find(|r| {
                &r[policy] == p
                    && &r[metrics.col("replicate")] == replicate
                    && r[week].parse::<u32>().unwrap() == w
                    && &r[metrics.col("region")] == region
            })
            .unwrap_or_else(|| panic!("no row {p} {replicate} {w} {region}"))
    };
    let mut differs_after = false;
    for replicate in ["0", "1"] {
        for region in ["UK", "US", "KR", "all"] {
            for w in 0..8 {
                let base = unlabelled(row_of("popularity", replicate, w, region));
                for p in ["content", "random"] {
                    let other = unlabelled(row_of(p, replicate, w, region));
                    if w < 5 {
                        assert_eq!(base, other, "{p} week {w} {region} is not the baseline's");
                    } else {
                        differs_after |= base != other;
                    }
                }
            }
        }
    }
    assert!(
        differs_after,
        "no policy differs from the baseline after the branch"
    );

    // summary.csv's mean is the mean over replicates of each run's mean over weeks 5–7
    // (burn-in is 2 weeks, the branch day leaves out weeks 0–4), computed here from
    // metrics.csv independently of the program's summariser.
    let summary = Table::read(&out, "summary.csv");
    let metric = metrics.col("hhi_tracks");
    for p in ["popularity", "content", "random"] {
        let run_means: Vec<f64> = ["0", "1"]
            .iter()
            .map(|replicate| {
                (5..8)
                    .map(|w| {
                        row_of(p, replicate, w, "UK")[metric]
                            .parse::<f64>()
                            .unwrap()
                    })
                    .sum::<f64>()
                    / 3.0
            })
            .collect();
        let expected = (run_means[0] + run_means[1]) / 2.0;
        let row = summary
            .rows
            .iter()
            .find(|r| &r[0] == p && &r[1] == "UK" && &r[2] == "hhi_tracks")
            .unwrap();
        let mean: f64 = row[summary.col("mean")].parse().unwrap();
        assert!(
            (mean - expected).abs() <= 1e-12 * expected.abs(),
            "{p}: summary mean {mean}, weeks 5–7 give {expected}"
        );
    }
}

#[test]
fn a_bad_branch_day_is_refused_before_any_work() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out");
    // 8 weeks: the last branch day that leaves a whole week to compare is 49.
    for day in [0, 50, 400] {
        let path = write_file(tmp.path(), "bad.toml", &tiny_branched(day));
        run_scenario(&path, &out, &[])
            .assert_user_error()
            .assert_stderr_mentions(&["branch_day", "between 1 and 49", &day.to_string()]);
        assert!(!out.exists());
    }
    let with_switch = format!(
        "{}\n[[switches]]\nday = 30\npolicy = \"content\"\nto = \"random\"\n",
        tiny_branched(14)
    );
    let path = write_file(tmp.path(), "switch.toml", &with_switch);
    run_scenario(&path, &out, &[])
        .assert_user_error()
        .assert_stderr_mentions(&["switches[0]", "branch_day"]);
    assert!(!out.exists());
}

#[test]
fn a_sweep_can_branch_and_a_branched_point_is_the_branched_run() {
    let tmp = tempfile::tempdir().unwrap();
    let (sweep, run) = (tmp.path().join("sweep"), tmp.path().join("run"));
    common::chartsim([
        "sweep",
        common::tiny_path().to_str().unwrap(),
        "--grid",
        "branch_day=14,35",
        "--quiet",
        "--out",
        sweep.to_str().unwrap(),
    ])
    .assert_success();
    run_scenario(&common::tiny_path(), &run, &["--set", "branch_day=35"]).assert_success();
    let summary = std::fs::read_to_string(run.join("summary.csv")).unwrap();
    let points = std::fs::read_to_string(sweep.join("points.csv")).unwrap();
    let at_35: Vec<&str> = points
        .lines()
        .filter_map(|l| l.strip_prefix("1,35,"))
        .collect();
    // Every (policy, region, metric) row of the point is the run's summary row.
    let key = |line: &str| line.splitn(4, ',').take(3).collect::<Vec<_>>().join(",");
    let rows: std::collections::HashMap<String, &str> =
        summary.lines().skip(1).map(|l| (key(l), l)).collect();
    assert!(at_35.len() > 300, "only {} rows at point 1", at_35.len());
    for line in at_35 {
        assert_eq!(
            Some(&line),
            rows.get(&key(line)),
            "point 1 differs from the run"
        );
    }
}
