//! `chartsim sweep`, driven through the real binary: a point equals the run with the same
//! `--set`, pairing across points, thread independence, resume after a real kill, failed
//! runs as error rows, and a bad design refused before any work.

mod common;

use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use common::{Table, assert_same_tables, chartsim, entries, read_bytes, tiny_path};

const SWEEP_TABLES: [&str; 4] = ["runs.csv", "points.csv", "errors.csv", "report.html"];

/// `chartsim sweep tests/data/tiny.toml --out OUT --quiet EXTRA...`.
fn sweep(out: &Path, extra: &[&str]) -> common::Outcome {
    sweep_into("--out", out, extra)
}

/// `chartsim sweep tests/data/tiny.toml FLAG DIR --quiet EXTRA...` (`--out` or `--resume`).
fn sweep_into(flag: &str, dir: &Path, extra: &[&str]) -> common::Outcome {
    chartsim(sweep_args(flag, dir, extra))
}

/// The arguments `sweep tests/data/tiny.toml FLAG DIR --quiet EXTRA...`.
fn sweep_args(flag: &str, dir: &Path, extra: &[&str]) -> Vec<String> {
    let tiny = tiny_path();
    let mut args: Vec<String> = [
        "sweep",
        tiny.to_str().unwrap(),
        flag,
        dir.to_str().unwrap(),
        "--quiet",
    ]
    .map(str::to_owned)
    .to_vec();
    args.extend(extra.iter().map(|e| (*e).to_owned()));
    args
}

/// The `chartsim sweep …` process of [`sweep_args`] with `--out DIR`, not yet started
/// (for a test that sets its environment or kills it).
fn sweep_command(out: &Path, extra: &[&str]) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_chartsim"));
    command.args(sweep_args("--out", out, extra));
    command
}

#[test]
fn a_point_is_the_run_with_the_same_settings() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("sweep");
    sweep(
        &out,
        &[
            "--grid",
            "utility.local=0.1,0.6",
            "--grid",
            "listening.slate_size=4,8",
        ],
    )
    .assert_success();
    let runs = Table::read(&out, "runs.csv");
    assert_eq!(
        runs.rows.len(),
        4 * 2 * 3 * 4,
        "points × replicates × policies × regions"
    );
    assert_eq!(
        &runs.headers[..6],
        [
            "point",
            "utility.local",
            "listening.slate_size",
            "replicate",
            "policy",
            "region"
        ]
    );
    // Point 2 is the third of the grid, the first axis varying slowest: local 0.6, slate 4.
    let run_dir = tmp.path().join("run");
    common::run_scenario(
        &tiny_path(),
        &run_dir,
        &[
            "--set",
            "utility.local=0.6",
            "--set",
            "listening.slate_size=4",
        ],
    )
    .assert_success();
    let summary = Table::read(&run_dir, "summary.csv");
    let points = Table::read(&out, "points.csv");
    let at_point: Vec<&csv::StringRecord> = points
        .rows
        .iter()
        .filter(|r| &r[points.col("point")] == "2")
        .collect();
    assert!(at_point.iter().all(|r| &r[1] == "0.6" && &r[2] == "4"));
    let key = |t: &Table, r: &csv::StringRecord| {
        (
            r[t.col("policy")].to_owned(),
            r[t.col("region")].to_owned(),
            r[t.col("metric")].to_owned(),
        )
    };
    let mut compared = 0;
    for row in &summary.rows {
        if &row[summary.col("metric")] == "unpredictability" {
            continue; // across worlds: not a per-run metric
        }
        let twin = at_point
            .iter()
            .find(|p| key(&points, p) == key(&summary, row))
            .unwrap_or_else(|| panic!("no points.csv row for {:?}", key(&summary, row)));
        for column in [
            "mean",
            "ci_low",
            "ci_high",
            "n",
            "diff_vs_baseline",
            "diff_ci_low",
            "diff_ci_high",
        ] {
            let (a, b) = (&row[summary.col(column)], &twin[points.col(column)]);
            assert_eq!(a, b, "{column} of {:?}: run, sweep", key(&summary, row));
        }
        compared += 1;
    }
    assert!(compared > 100, "{compared}");
}

#[test]
fn points_share_worlds_where_the_swept_key_leaves_them_alone() {
    // The popularity window changes only the popularity policy: content and random
    // run on the same worlds at both points, so their rows are identical.
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("sweep");
    sweep(&out, &["--grid", "policies[0].window_days=7,28"]).assert_success();
    let runs = Table::read(&out, "runs.csv");
    let rows = |point: &str, policy: &str| -> Vec<Vec<String>> {
        runs.rows
            .iter()
            .filter(|r| &r[0] == point && &r[runs.col("policy")] == policy)
            .map(|r| r.iter().skip(2).map(str::to_owned).collect())
            .collect()
    };
    for policy in ["content", "random"] {
        assert_eq!(rows("0", policy), rows("1", policy), "{policy}");
    }
    assert_ne!(rows("0", "popularity"), rows("1", "popularity"));
}

#[test]
fn results_do_not_depend_on_threads() {
    let tmp = tempfile::tempdir().unwrap();
    let grid = ["--grid", "utility.local=0.1,0.6", "--replicates", "3"];
    let one = tmp.path().join("one");
    let two = tmp.path().join("two");
    sweep(&one, &[&grid[..], &["--threads", "1"]].concat()).assert_success();
    sweep(&two, &[&grid[..], &["--threads", "3"]].concat()).assert_success();
    assert_same_tables(&one, &two, &SWEEP_TABLES);
    assert_eq!(
        entries(&one),
        [
            "errors.csv",
            "plots",
            "points.csv",
            "report.html",
            "runs.csv",
            "sweep.json"
        ]
    );
    // The dose-response plots are drawn from the tables, so they are identical too.
    assert_same_tables(
        &one.join("plots"),
        &two.join("plots"),
        &[
            "sweep_local_share_streams.svg",
            "sweep_local_share_streams.png",
        ],
    );
}

#[test]
fn a_killed_sweep_resumed_gives_the_same_files() {
    let tmp = tempfile::tempdir().unwrap();
    let grid = [
        "--grid",
        "utility.local=0:0.9:0.1",
        "--replicates",
        "2",
        "--threads",
        "2",
    ];
    let whole = tmp.path().join("whole");
    sweep(&whole, &grid).assert_success();

    // Kill a real process at several moments: after its first, third and fifth task.
    for (attempt, after) in [1usize, 3, 5].into_iter().enumerate() {
        let out = tmp.path().join(format!("killed-{attempt}"));
        let mut child = sweep_command(&out, &grid)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let journal = out.join(chartsim::sweep::JOURNAL);
        let started = Instant::now();
        let recorded = || {
            std::fs::read_dir(&journal).map_or(0, |d| {
                d.filter_map(Result::ok)
                    .filter(|e| e.file_name().to_string_lossy().ends_with(".csv"))
                    .count()
            })
        };
        while recorded() < after && started.elapsed() < Duration::from_secs(120) {
            if child.try_wait().unwrap().is_some() {
                break;
            }
            std::thread::sleep(Duration::from_millis(5));
        }
        child.kill().unwrap();
        child.wait().unwrap();
        let killed_early = !out.join("runs.csv").exists();
        assert!(
            killed_early,
            "the sweep finished before it was killed; make it longer"
        );
        let left = entries(&out);
        assert!(
            !left.contains(&"points.csv".to_owned()),
            "an interrupted sweep must not look complete: {left:?}"
        );
        // Resuming without --resume is refused; with it the sweep completes.
        sweep(&out, &grid)
            .assert_user_error()
            .assert_stderr_mentions(&["--resume"]);
        sweep_into("--resume", &out, &grid).assert_success();
        assert_same_tables(&whole, &out, &SWEEP_TABLES);
        assert!(
            !journal.exists(),
            "the journal is removed once the tables are whole"
        );
        let identity: serde_json::Value =
            serde_json::from_slice(&read_bytes(&out, "sweep.json")).unwrap();
        assert_eq!(identity["complete"], true);
    }
}

#[test]
fn a_failed_run_becomes_an_error_row_and_the_others_go_on() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("sweep");
    let output = sweep_command(&out, &["--grid", "utility.local=0.1,0.6"])
        .env(chartsim::sweep::FAIL_RUN_VARIABLE, "1/0/content")
        .output()
        .unwrap();
    assert_ne!(
        output.status.code(),
        Some(0),
        "a failed run must show in the exit code"
    );
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("1 of 12 runs failed"), "{stderr}");
    let errors = Table::read(&out, "errors.csv");
    assert_eq!(errors.rows.len(), 1);
    let row = &errors.rows[0];
    assert_eq!(
        (&row[0], &row[1], &row[2], &row[3]),
        ("1", "0.6", "0", "content")
    );
    assert!(row[errors.col("message")].contains("injected"));
    let runs = Table::read(&out, "runs.csv");
    assert_eq!(
        runs.rows.len(),
        (12 - 1) * 4,
        "every other run has its rows"
    );
    // The failed replicate counts as missing: n = 1 for content at point 1.
    let points = Table::read(&out, "points.csv");
    let n: Vec<&str> = points
        .rows
        .iter()
        .filter(|r| &r[0] == "1" && &r[points.col("policy")] == "content")
        .map(|r| &r[points.col("n")])
        .collect();
    assert!(!n.is_empty() && n.iter().all(|&n| n == "1"), "{n:?}");
}

#[test]
fn a_bad_design_is_refused_before_any_work() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("sweep");
    sweep(&out, &["--grid", "listening.slate_size=5,500"])
        .assert_user_error()
        .assert_stderr_mentions(&[
            "sweep point 1",
            "listening.slate_size=500",
            "must be between 0 and 50",
        ]);
    assert!(!out.exists(), "nothing is created for a refused design");
    sweep(
        &out,
        &["--grid", "utility.local=0:1:0.1", "--max-runs", "20"],
    )
    .assert_user_error()
    .assert_stderr_mentions(&["66 runs", "--max-runs allows 20"]);
    sweep(&out, &["--grid", "no_such.key=1,2"])
        .assert_user_error()
        .assert_stderr_mentions(&["sweep point 0", "no_such"]);
    sweep(
        &out,
        &[
            "--grid",
            "utility.local=0,1",
            "--zip",
            "utility.local,utility.taste",
        ],
    )
    .assert_user_error()
    .assert_stderr_mentions(&["utility.taste is not a swept key"]);
    let design = tmp.path().join("design.csv");
    std::fs::write(&design, "utility.local,utility.outside\n0.5,-1\n0.2\n").unwrap();
    sweep(&out, &["--design", design.to_str().unwrap()])
        .assert_user_error()
        .assert_stderr_mentions(&["line 3 has 1 values for 2 keys"]);
    assert!(!out.exists());
}

#[test]
fn a_design_file_and_a_file_sweep_table_give_their_points() {
    let tmp = tempfile::tempdir().unwrap();
    // As numpy.savetxt writes a sample matrix, with a header line of key paths.
    let design = tmp.path().join("design.csv");
    std::fs::write(
        &design,
        "utility.local,listening.slate_size\n1.000000000000000056e-01,4.000000000000000000e+00\n6.000000000000000000e-01,8.000000000000000000e+00\n",
    )
    .unwrap();
    let from_design = tmp.path().join("design");
    sweep(&from_design, &["--design", design.to_str().unwrap()]).assert_success();
    let runs = Table::read(&from_design, "runs.csv");
    assert_eq!(runs.column("listening.slate_size").first(), Some(&"4"));
    assert_eq!(runs.rows.len(), 2 * 2 * 3 * 4);

    // The same two points as zipped axes in the scenario file.
    let text = std::fs::read_to_string(tiny_path()).unwrap()
        + "\n[[sweep.axis]]\nkey = \"utility.local\"\nvalues = [0.1, 0.6]\ngroup = \"g\"\n\
           [[sweep.axis]]\nkey = \"listening.slate_size\"\nvalues = \"4:8:4\"\ngroup = \"g\"\n";
    let file = tmp.path().join("swept.toml");
    std::fs::write(&file, text).unwrap();
    let from_file = tmp.path().join("file");
    chartsim([
        "sweep",
        file.to_str().unwrap(),
        "--out",
        from_file.to_str().unwrap(),
        "--quiet",
    ])
    .assert_success();
    // (report.html names its scenario file, which differs)
    assert_same_tables(&from_design, &from_file, &SWEEP_TABLES[..3]);
    // `run` on the same file runs its base scenario, ignoring the sweep table.
    common::run_scenario(&file, &tmp.path().join("run"), &["--replicates", "1"]).assert_success();
}

#[test]
fn shards_merged_give_the_bytes_of_one_machine() {
    let tmp = tempfile::tempdir().unwrap();
    let grid = ["--grid", "utility.local=0.1,0.3,0.6", "--replicates", "3"];
    let whole = tmp.path().join("whole");
    sweep(&whole, &grid).assert_success();
    // Four parts: two given as K/N, two taking K from an array job's environment.
    let shards: Vec<std::path::PathBuf> = (0..4)
        .map(|k| tmp.path().join(format!("shard-{k}")))
        .collect();
    for (k, dir) in shards.iter().enumerate() {
        let mut command = sweep_command(dir, &grid);
        command
            .env_remove("SLURM_ARRAY_TASK_ID")
            .env_remove("JOB_COMPLETION_INDEX");
        match k {
            0 | 1 => command.args(["--shard", &format!("{k}/4")]),
            2 => command
                .args(["--shard", "4"])
                .env("SLURM_ARRAY_TASK_ID", "2"),
            _ => command
                .args(["--shard", "/4"])
                .env("JOB_COMPLETION_INDEX", "3"),
        };
        let status = command.status().unwrap();
        assert!(status.success(), "shard {k}");
        assert!(
            !dir.join("runs.csv").exists(),
            "a shard leaves the tables to merge"
        );
    }
    let merge = |out: &Path, parts: &[&std::path::PathBuf]| {
        let mut args = vec![
            "merge".to_owned(),
            out.display().to_string(),
            "--quiet".to_owned(),
        ];
        args.extend(parts.iter().map(|p| p.display().to_string()));
        chartsim(args)
    };
    let merged = tmp.path().join("merged");
    // A missing shard is named, and nothing is written.
    merge(&merged, &[&shards[0], &shards[1], &shards[3]])
        .assert_user_error()
        .assert_stderr_mentions(&["2 of 9 tasks are in none of the shards", "shard 2/4"]);
    assert!(!merged.exists());
    merge(&merged, &[&shards[3], &shards[1], &shards[0], &shards[2]]).assert_success();
    assert_same_tables(
        &whole,
        &merged,
        &[&SWEEP_TABLES[..], &["sweep.json"]].concat(),
    );

    // A shard of another design is refused; so is a whole sweep.
    let other = tmp.path().join("other");
    sweep(
        &other,
        &["--grid", "utility.local=0.1,0.3", "--shard", "0/4"],
    )
    .assert_success();
    merge(&tmp.path().join("m2"), &[&shards[0], &other])
        .assert_user_error()
        .assert_stderr_mentions(&["different sweep"]);
    merge(&tmp.path().join("m3"), &[&whole])
        .assert_user_error()
        .assert_stderr_mentions(&["not a shard"]);
    sweep(
        &tmp.path().join("bad"),
        &["--grid", "utility.local=0.1", "--shard", "4/4"],
    )
    .assert_user_error()
    .assert_stderr_mentions(&["from 0 to 3"]);
}

#[test]
fn the_report_counts_points_as_points_csv_does() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("sweep");
    sweep(
        &out,
        &["--grid", "utility.local=0.1,0.35,0.6", "--replicates", "3"],
    )
    .assert_success();
    // Count, from points.csv, the points where random's paired difference in the UK local
    // share of streams has a 95% interval above 0, below 0, or spanning it.
    let points = Table::read(&out, "points.csv");
    let (mut up, mut down, mut unclear) = (0, 0, 0);
    for row in &points.rows {
        if (
            &row[points.col("policy")],
            &row[points.col("region")],
            &row[points.col("metric")],
        ) != ("random", "UK", "local_share_streams")
        {
            continue;
        }
        let low: f64 = row[points.col("diff_ci_low")].parse().unwrap();
        let high: f64 = row[points.col("diff_ci_high")].parse().unwrap();
        if low > 0.0 {
            up += 1;
        } else if high < 0.0 {
            down += 1;
        } else {
            unclear += 1;
        }
    }
    assert_eq!(up + down + unclear, 3);
    let report = String::from_utf8(read_bytes(&out, "report.html")).unwrap();
    let sentence = report
        .split("<li>")
        .map(|s| s.split("</li>").next().unwrap())
        .find(|s| s.starts_with("random") && s.contains("local share of streams in UK"))
        .expect("a finding for random's local share of UK streams");
    if up + down == 0 {
        assert!(
            sentence.contains("no measurable difference")
                && sentence.contains("any of the 3 points"),
            "{sentence}"
        );
    } else {
        if up > 0 {
            assert!(
                sentence.contains(&format!(
                    "raised the local share of streams in UK at {up} of 3 points"
                )),
                "{sentence}"
            );
        }
        if down > 0 {
            assert!(
                sentence.contains(&format!("at {down} of 3 points")),
                "{sentence}"
            );
        }
        if unclear > 0 {
            assert!(
                sentence.contains(&format!(
                    "at the other {unclear} it made no measurable difference"
                )),
                "{sentence}"
            );
        }
    }
    // `chartsim plot DIR` redraws the same page from the files.
    let before = read_bytes(&out, "report.html");
    std::fs::remove_file(out.join("report.html")).unwrap();
    chartsim(["plot", out.to_str().unwrap()]).assert_success();
    assert_eq!(read_bytes(&out, "report.html"), before);
}

#[test]
fn weekly_rows_come_only_with_weekly_and_average_to_the_run_rows() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("sweep");
    sweep(&out, &["--grid", "utility.local=0.1,0.6", "--weekly"]).assert_success();
    let weekly = Table::read(&out, "weekly.csv");
    // 2 points × 2 replicates × 3 policies × 4 regions (with all) × 8 weeks
    assert_eq!(weekly.rows.len(), 2 * 2 * 3 * 4 * 8);
    assert_eq!(
        &weekly.headers[..6],
        [
            "point",
            "utility.local",
            "replicate",
            "policy",
            "region",
            "week"
        ]
    );
    // The run row's value is the mean over the weeks after burn-in (2 in tiny.toml).
    let runs = Table::read(&out, "runs.csv");
    let pick = |t: &Table, r: &csv::StringRecord| {
        (&r[0] == "1")
            && (&r[t.col("replicate")] == "1")
            && (&r[t.col("policy")] == "content")
            && (&r[t.col("region")] == "UK")
    };
    let weeks: Vec<f64> = weekly
        .rows
        .iter()
        .filter(|r| pick(&weekly, r) && r[weekly.col("week")].parse::<u32>().unwrap() >= 2)
        .map(|r| r[weekly.col("top10_share")].parse().unwrap())
        .collect();
    assert_eq!(weeks.len(), 6);
    let mean = weeks.iter().sum::<f64>() / weeks.len() as f64;
    let run = runs.rows.iter().find(|r| pick(&runs, r)).unwrap();
    let value: f64 = run[runs.col("top10_share")].parse().unwrap();
    assert!((mean - value).abs() < 1e-12, "{mean} vs {value}");
}
