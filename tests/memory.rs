//! The peak-memory estimate against the peak a real `chartsim run` reaches.
//!
//! Each test runs the binary in its own process with `CHARTSIM_REPORT_MEMORY=1`, which
//! makes it print `peak memory M MB, estimated E MB` to stderr (M from the kernel's
//! high-water mark of the process's resident memory), and checks that the estimate is
//! within 30% of the measurement. The three sizes stress different parts of the formula —
//! listener state, a large catalogue, many runs' collected results — and are large enough
//! that the run's own data outweighs the process's fixed few megabytes. Run them in
//! release mode (`cargo test --release`): a few seconds each.

use std::path::Path;
use std::process::Command;

/// Largest relative error allowed between the estimate and the measured peak.
const TOLERANCE: f64 = 0.30;

/// Runs the default scenario with `sets` (`KEY=VALUE`) on 2 threads and returns the
/// (measured, estimated) peak in MB, or `None` where the peak cannot be measured.
fn peaks(sets: &[&str]) -> Option<(f64, f64)> {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let scenario = Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/default.toml");
    let mut command = Command::new(env!("CARGO_BIN_EXE_chartsim"));
    command
        .arg("run")
        .arg(&scenario)
        .arg("--out")
        .arg(dir.path().join("out"))
        .args(["--quiet", "--threads", "2"])
        .env("CHARTSIM_REPORT_MEMORY", "1");
    for set in sets {
        command.args(["--set", set]);
    }
    let output = command
        .output()
        .expect("the chartsim binary can be started");
    let stderr = String::from_utf8(output.stderr).expect("stderr is UTF-8");
    assert!(output.status.success(), "chartsim run failed:\n{stderr}");
    let line = stderr
        .lines()
        .find(|l| l.starts_with("peak memory "))
        .unwrap_or_else(|| panic!("no peak memory line in:\n{stderr}"));
    // "peak memory 123 MB, estimated 130 MB"
    let numbers: Vec<&str> = line.split([' ', ',']).filter(|w| !w.is_empty()).collect();
    let estimated: f64 = numbers[5].parse().expect("an estimate in MB");
    let measured: f64 = match numbers[2].parse() {
        Ok(m) => m,
        Err(_) => {
            eprintln!("peak memory not measurable here: {line}");
            return None;
        }
    };
    Some((measured, estimated))
}

fn assert_close(label: &str, sets: &[&str]) {
    let Some((measured, estimated)) = peaks(sets) else {
        return;
    };
    let error = (measured - estimated).abs() / measured;
    eprintln!(
        "{label}: measured {measured} MB, estimated {estimated} MB ({:+.0}%)",
        (estimated - measured) / measured * 100.0
    );
    assert!(
        error <= TOLERANCE,
        "{label}: estimated {estimated} MB against a measured peak of {measured} MB \
         ({:.0}% off, more than {:.0}%)",
        error * 100.0,
        TOLERANCE * 100.0
    );
}

#[test]
fn listener_state_dominates_with_many_listeners() {
    // 2 live runs × 300,000 listeners × ~256 bytes, plus the world: ~180 MB.
    assert_close(
        "300k listeners",
        &[
            "listeners=300000",
            "days=7",
            "burn_in_weeks=0",
            "replicates=1",
        ],
    );
}

#[test]
fn track_rows_and_counters_dominate_with_a_large_catalogue() {
    // 3 runs × 4 × 200,000 track rows (~670 MB), and one run's per-track counters.
    assert_close(
        "200k-track catalogue",
        &[
            "listeners=5000",
            "days=7",
            "burn_in_weeks=0",
            "replicates=1",
            "catalogue.back_catalogue_tracks=200000",
        ],
    );
}

#[test]
fn collected_results_dominate_with_many_replicates() {
    // 60 runs' chart and track rows, held while the plots are drawn: ~270 MB.
    assert_close(
        "20 replicates",
        &[
            "listeners=2000",
            "days=28",
            "burn_in_weeks=0",
            "replicates=20",
        ],
    );
}
