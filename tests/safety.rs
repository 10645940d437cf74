//! Nothing lost, nothing overrun: one test per defect found by trying chartsim as a new
//! user would (result safety, input hardening, interruption), each driving the real
//! binary.

mod common;

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use common::{
    RESULT_FILES, Table, assert_same_tables, chartsim, chartsim_in, entries, manifest,
    partial_leftovers, read_bytes, run_scenario, run_tiny, tiny_path, tiny_text, tiny_with,
    write_file,
};

const TABLES: [&str; 4] = ["metrics.csv", "charts.csv", "summary.csv", "tracks.csv"];

// ------------------------------------------------------------------ 1. --out .

#[test]
fn out_dot_never_deletes_the_directorys_contents() {
    let tmp = tempfile::tempdir().unwrap();
    let here = tmp.path().join("work");
    std::fs::create_dir(&here).unwrap();
    write_file(&here, "manifest.json", "{}\n");
    write_file(&here, "notes.txt", "my notes\n");
    let tiny = tiny_path();
    let tiny = tiny.to_str().unwrap();
    for out in [".", "./", "..", &here.display().to_string()] {
        chartsim_in(&here, ["run", tiny, "--out", out, "--quiet"])
            .assert_user_error()
            .assert_stderr_mentions(&["refusing"]);
        assert_eq!(
            entries(&here),
            ["manifest.json", "notes.txt"],
            "--out {out}"
        );
        assert_eq!(
            std::fs::read_to_string(here.join("notes.txt")).unwrap(),
            "my notes\n"
        );
    }
    // An empty current directory is refused too, and nothing is created beside it.
    let empty = tmp.path().join("empty");
    std::fs::create_dir(&empty).unwrap();
    chartsim_in(&empty, ["run", tiny, "--out", ".", "--quiet"]).assert_user_error();
    assert!(entries(&empty).is_empty());
    assert_eq!(entries(tmp.path()), ["empty", "work"]);
}

#[test]
fn a_result_directory_holding_a_users_file_is_never_replaced() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out");
    run_tiny(&out, &["--replicates", "1"]);
    write_file(&out, "my-analysis.R", "summary(read.csv('summary.csv'))\n");
    run_scenario(&tiny_path(), &out, &["--replicates", "1", "--force"])
        .assert_user_error()
        .assert_stderr_mentions(&["my-analysis.R", "did not write"]);
    assert!(out.join("my-analysis.R").exists());
    std::fs::remove_file(out.join("my-analysis.R")).unwrap();
    write_file(&out.join("plots"), "annotated.pdf", "%PDF\n");
    run_scenario(&tiny_path(), &out, &["--replicates", "1", "--force"])
        .assert_user_error()
        .assert_stderr_mentions(&["annotated.pdf"]);
    assert!(out.join("plots/annotated.pdf").exists());
    assert!(partial_leftovers(tmp.path()).is_empty());
}

#[test]
fn a_file_named_manifest_json_does_not_make_a_directory_a_result() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out");
    std::fs::create_dir(&out).unwrap();
    write_file(&out, "manifest.json", "{\"mine\": true}\n");
    run_scenario(&tiny_path(), &out, &["--replicates", "1"])
        .assert_user_error()
        .assert_stderr_mentions(&["not a chartsim result"]);
    assert_eq!(entries(&out), ["manifest.json"]);
}

// ------------------------------------------------------------------ 2. empty tables

fn assert_every_table_has_its_header(out: &Path) {
    for table in TABLES {
        let t = Table::read(out, table);
        assert!(
            t.headers.len() > 5 && t.headers.contains(&"policy".to_owned()),
            "{table} has no header row: {:?}",
            t.headers
        );
    }
}

#[test]
fn a_valid_run_with_an_empty_chart_writes_headers_and_says_no_plays() {
    let tmp = tempfile::tempdir().unwrap();
    let scenario = write_file(
        tmp.path(),
        "silent.toml",
        &format!("{}\n[utility]\noutside = 20.0\n", tiny_text()),
    );
    chartsim(["check", scenario.to_str().unwrap()]).assert_success();
    let out = tmp.path().join("out");
    run_scenario(&scenario, &out, &[]).assert_success();
    assert_eq!(entries(&out), RESULT_FILES);
    assert_every_table_has_its_header(&out);
    assert!(Table::read(&out, "charts.csv").rows.is_empty());
    let report = std::fs::read_to_string(out.join("report.html")).unwrap();
    assert!(report.contains("No plays."), "the report does not say so");
    let svg = std::fs::read_to_string(out.join("plots/comparison.svg")).unwrap();
    assert!(svg.contains("no plays"), "the plot does not say so");
    // `plot` redraws it from the files alone.
    chartsim(["plot", out.to_str().unwrap()]).assert_success();

    let out = tmp.path().join("trickle");
    run_scenario(
        &tiny_path(),
        &out,
        &["--set", "listening.streams_per_day=1e-9"],
    )
    .assert_success();
    assert_every_table_has_its_header(&out);
}

// ------------------------------------------------------------------ 3. arrays for tables

#[test]
fn an_array_where_a_table_belongs_is_refused() {
    let tmp = tempfile::tempdir().unwrap();
    let twenty = vec!["1.0"; 20].join(", ");
    for (text, key) in [
        (format!("taste = [1.0, 2.0]\n{}", tiny_text()), "taste"),
        (format!("utility = [{twenty}]\n{}", tiny_text()), "utility"),
        (
            tiny_with("chart_rules = [\"uk\", \"raw\"]", "chart_rules = { a = 1 }"),
            "regions[0].chart_rules",
        ),
    ] {
        let scenario = write_file(tmp.path(), "bad.toml", &text);
        chartsim(["check", scenario.to_str().unwrap()])
            .assert_user_error()
            .assert_stderr_mentions(&[key, "expected"]);
        let out = tmp.path().join("out");
        run_scenario(&scenario, &out, &[]).assert_user_error();
        assert!(!out.exists());
    }
}

// ------------------------------------------------------------------ 4. unwritable --out

#[test]
fn an_unwritable_out_is_refused_before_simulating() {
    let tmp = tempfile::tempdir().unwrap();
    let file = write_file(tmp.path(), "a-file", "x\n");
    let out = file.join("results");
    let started = Instant::now();
    // Two million listeners for a year would simulate for many minutes (and fit in
    // memory without the distinct-listener sets).
    run_scenario(
        &tiny_path(),
        &out,
        &[
            "--set",
            "listeners=2000000",
            "--set",
            "days=364",
            "--set",
            "measures.listeners_per_track=false",
        ],
    )
    .assert_user_error()
    .assert_stderr_mentions(&["cannot write results", &out.display().to_string()]);
    assert!(started.elapsed() < Duration::from_secs(60));
    assert_eq!(std::fs::read_to_string(&file).unwrap(), "x\n");
}

// ------------------------------------------------------------------ 5. --threads

#[test]
fn absurd_thread_counts_are_refused_with_the_allowed_range() {
    for threads in ["100000", "1024", "0", "-1", "many"] {
        let outcome = chartsim([
            "run",
            "--threads",
            threads,
            "--quiet",
            "--out",
            "/nonexistent/x",
        ]);
        assert_eq!(
            outcome.code,
            Some(2),
            "--threads {threads}: {}",
            outcome.stderr
        );
        outcome.assert_stderr_mentions(&["--threads", "from 1 to"]);
        assert!(!outcome.stderr.contains("-- -1"), "{}", outcome.stderr);
    }
}

// ------------------------------------------------------------------ 6. one knob

#[test]
fn changing_one_knob_never_replaces_the_plain_result() {
    let tmp = tempfile::tempdir().unwrap();
    let tiny = tiny_path();
    let tiny = tiny.to_str().unwrap();
    chartsim_in(tmp.path(), ["run", tiny, "--quiet", "--replicates", "1"]).assert_success();
    chartsim_in(tmp.path(), ["run", tiny, "--quiet"]).assert_success();
    chartsim_in(
        tmp.path(),
        ["run", tiny, "--quiet", "--set", "utility.local=1.0"],
    )
    .assert_success();
    let runs = tmp.path().join("results/tiny");
    assert_eq!(
        entries(&runs),
        [
            "seed-42",
            "seed-42+replicates=1",
            "seed-42+utility.local=1.0"
        ]
    );
    assert_eq!(
        manifest(&runs.join("seed-42"))["scenario"]["utility"]["local"],
        0.25
    );
    assert_eq!(
        manifest(&runs.join("seed-42+utility.local=1.0"))["scenario"]["utility"]["local"],
        1.0
    );
    // A copy of the default under its own name never lands in the default's folder.
    let new = chartsim(["new"]);
    new.assert_success();
    assert!(!new.stdout.contains("name = \"default\""));
}

// ------------------------------------------------------------------ 7. reproduce

#[test]
fn the_recorded_command_and_the_manifest_reproduce_the_run() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("first run");
    let quota = r#"policies[1].curation=[{rule="local_quota",share=0.5}]"#;
    run_tiny(&out, &["--set", quota, "--seed", "7", "--replicates", "1"]);
    let recorded = manifest(&out);
    let command = recorded["command"].as_str().unwrap();
    assert!(command.starts_with("chartsim run "), "{command}");
    assert!(
        recorded["source_revision"]
            .as_str()
            .is_some_and(|r| !r.is_empty())
    );

    // The command, pasted into a shell, runs the same thing (into a new folder).
    let words = shlex::split(command).expect("the command is valid shell");
    assert!(words.iter().any(|w| w == quota), "{words:?}");
    let again = tmp.path().join("again");
    let mut args: Vec<String> = words[1..].to_vec();
    let at = args.iter().position(|w| w == "--out").unwrap();
    args[at + 1] = again.display().to_string();
    chartsim(&args).assert_success();
    assert_same_tables(&out, &again, &TABLES);

    // So does the manifest alone.
    let from_manifest = tmp.path().join("from manifest");
    let reproduce = recorded["reproduce"].as_str().unwrap();
    let words = shlex::split(reproduce).unwrap();
    assert_eq!(&words[..3], ["chartsim", "run", "--manifest"]);
    chartsim([
        "run",
        "--manifest",
        &words[3],
        "--out",
        from_manifest.to_str().unwrap(),
        "--quiet",
    ])
    .assert_success();
    assert_same_tables(&out, &from_manifest, &TABLES);
}

// ------------------------------------------------------------------ interruption

/// Starts `chartsim run` of the default scenario (tens of seconds) into `out` and waits
/// until its staging directory exists.
fn start_long_run(out: &Path, extra: &[&str]) -> (std::process::Child, PathBuf) {
    let child = Command::new(env!("CARGO_BIN_EXE_chartsim"))
        .args(["run", "--quiet", "--out"])
        .arg(out)
        .args(extra)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let staging = out
        .parent()
        .unwrap()
        .join(format!(".out.partial-{}", child.id()));
    let started = Instant::now();
    while !staging.exists() {
        assert!(
            started.elapsed() < Duration::from_secs(30),
            "no staging directory"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
    (child, staging)
}

fn send(signal: &str, child: &std::process::Child) {
    let status = Command::new("kill")
        .args([signal, &child.id().to_string()])
        .status()
        .unwrap();
    assert!(status.success());
}

#[test]
fn sigint_and_sigterm_remove_the_staging_directory_and_exit_non_zero() {
    for (signal, code) in [("-INT", 130), ("-TERM", 143)] {
        let tmp = tempfile::tempdir().unwrap();
        let out = tmp.path().join("out");
        let (child, staging) = start_long_run(&out, &[]);
        send(signal, &child);
        let output = child.wait_with_output().unwrap();
        let stderr = String::from_utf8(output.stderr).unwrap();
        assert_eq!(output.status.code(), Some(code), "{signal}: {stderr}");
        assert!(
            stderr.contains("interrupted") && stderr.contains("removed"),
            "{stderr}"
        );
        assert!(!staging.exists());
        assert!(entries(tmp.path()).is_empty(), "{:?}", entries(tmp.path()));
    }
}

#[test]
fn an_interrupted_run_leaves_an_earlier_result_as_it_was() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out");
    run_scenario(&tiny_path(), &out, &["--replicates", "1"]).assert_success();
    let before = read_bytes(&out, "summary.csv");
    let (child, staging) = start_long_run(&out, &["--force"]);
    send("-INT", &child);
    assert_eq!(child.wait_with_output().unwrap().status.code(), Some(130));
    assert!(!staging.exists());
    assert_eq!(read_bytes(&out, "summary.csv"), before);
    assert_eq!(entries(tmp.path()), ["out"]);
}

#[test]
fn after_sigkill_the_next_run_removes_the_stale_staging_directory_and_says_so() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out");
    let (mut child, staging) = start_long_run(&out, &[]);
    child.kill().unwrap(); // SIGKILL: no chance to clean up
    child.wait().unwrap();
    assert!(staging.exists());
    let outcome = chartsim([
        "run",
        tiny_path().to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
        "--replicates",
        "1",
    ]);
    outcome.assert_success().assert_stderr_mentions(&[
        "removed",
        &staging.display().to_string(),
        "no longer runs",
    ]);
    assert!(!staging.exists());
    assert_eq!(entries(tmp.path()), ["out"]);
}

// ------------------------------------------------------------------ messages

#[test]
fn messages_name_the_key_path_the_value_and_what_is_allowed() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out");
    for (set, mentions) in [
        (
            "catalogue.new_tracks_per_week=-1",
            &["catalogue.new_tracks_per_week", "between 0 and", "got -1"][..],
        ),
        (
            "listening.slate_size=-1",
            &["listening.slate_size", "between 0 and 50", "got -1"][..],
        ),
        (
            r#"policies[0].curation=[{rule="mmr",colour=1}]"#,
            &["policies[0].curation[0]", "colour", "lambda"][..],
        ),
        (
            "listening.streams_per_day=1e308",
            &["listening.streams_per_day", "1e308"][..],
        ),
        ("days=\"x\"", &["days", "whole number"][..]),
    ] {
        let outcome = run_scenario(&tiny_path(), &out, &["--set", set]);
        outcome.assert_user_error().assert_stderr_mentions(mentions);
        for rust in ["u32", "u64", "usize", "f64", "i64", "struct ", "OrNone"] {
            assert!(!outcome.stderr.contains(rust), "{set}: {}", outcome.stderr);
        }
        assert!(outcome.stderr.len() < 600, "{set}: {}", outcome.stderr);
    }
    assert!(!out.exists());
}

#[test]
fn plot_refuses_malformed_tables_and_leaves_the_old_plots_as_they_were() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out");
    run_tiny(&out, &["--replicates", "1"]);
    let svg_before = read_bytes(&out.join("plots"), "comparison.svg");
    let report_before = read_bytes(&out, "report.html");
    let metrics = std::fs::read_to_string(out.join("metrics.csv")).unwrap();
    let mut lines: Vec<String> = metrics.lines().map(str::to_owned).collect();
    let column = lines[0].split(',').position(|h| h == "hhi_tracks").unwrap();
    let mut cells: Vec<String> = lines[1].split(',').map(str::to_owned).collect();
    for bad in ["NaN", "inf", "-inf"] {
        cells[column] = bad.to_owned();
        lines[1] = cells.join(",");
        std::fs::write(out.join("metrics.csv"), lines.join("\n") + "\n").unwrap();
        chartsim(["plot", out.to_str().unwrap()])
            .assert_user_error()
            .assert_stderr_mentions(&["metrics.csv", "not a finite number"]);
    }
    std::fs::write(out.join("metrics.csv"), metrics).unwrap();
    std::fs::write(out.join("summary.csv"), "").unwrap();
    chartsim(["plot", out.to_str().unwrap()])
        .assert_user_error()
        .assert_stderr_mentions(&["summary.csv", "empty"]);
    assert_eq!(read_bytes(&out.join("plots"), "comparison.svg"), svg_before);
    assert_eq!(read_bytes(&out, "report.html"), report_before);
    assert_eq!(entries(&out), RESULT_FILES, "hidden files left behind");
}

// ------------------------------------------------------------------ resource guard

#[test]
fn a_run_that_will_not_fit_is_refused_before_it_starts() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out");
    run_scenario(&tiny_path(), &out, &["--max-memory", "10MB"])
        .assert_user_error()
        .assert_stderr_mentions(&["needs about", "MB", "--max-memory limit (10.0 MB)", "lower"]);
    assert!(entries(tmp.path()).is_empty());
    // The same run with room to spare goes ahead.
    run_scenario(&tiny_path(), &out, &["--max-memory", "4GB"]).assert_success();
    // `check` says what a run will need.
    let check = chartsim(["check", tiny_path().to_str().unwrap()]);
    check.assert_success();
    assert!(
        check.stdout.contains("estimated peak memory"),
        "{}",
        check.stdout
    );
    // The documented ranges are sizes that can run on a 24 GB machine.
    run_scenario(&tiny_path(), &out, &["--set", "listeners=50000000"])
        .assert_user_error()
        .assert_stderr_mentions(&["listeners", "between 1 and 30000000"]);
}

// ------------------------------------------------------------------ a full disk

/// A 3 MB tmpfs, unmounted on drop; `None` where this process may not mount (not root,
/// or no CAP_SYS_ADMIN in a container).
struct SmallDisk(tempfile::TempDir);

impl SmallDisk {
    fn mount() -> Option<Self> {
        let dir = tempfile::tempdir().ok()?;
        let mounted = Command::new("mount")
            .args(["-t", "tmpfs", "-o", "size=3m", "tmpfs"])
            .arg(dir.path())
            .stderr(Stdio::null())
            .status()
            .is_ok_and(|s| s.success());
        mounted.then_some(Self(dir))
    }
}

impl Drop for SmallDisk {
    fn drop(&mut self) {
        let _ = Command::new("umount").arg(self.0.path()).status();
    }
}

#[test]
fn a_full_disk_is_reported_plainly_and_leaves_nothing_behind() {
    let Some(disk) = SmallDisk::mount() else {
        eprintln!("skipped: this process may not mount a small tmpfs (needs root)");
        return;
    };
    let out = disk.0.path().join("out");
    for extra in [
        &[][..],
        // Small enough that the tables fit and the plots do not.
        &[
            "--set",
            "listeners=300",
            "--set",
            "catalogue.back_catalogue_tracks=100",
        ][..],
    ] {
        let outcome = run_scenario(&tiny_path(), &out, extra);
        outcome
            .assert_user_error()
            .assert_stderr_mentions(&[&out.display().to_string(), "No space left on device"]);
        for leak in [".partial-", "Custom {", "IoError(", "ImageError"] {
            assert!(!outcome.stderr.contains(leak), "{}", outcome.stderr);
        }
        assert!(
            entries(disk.0.path()).is_empty(),
            "{:?}",
            entries(disk.0.path())
        );
    }
}
