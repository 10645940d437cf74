//! Writing a result directory: complete or not at all, and never over a user's files.
//!
//! A run first [`prepare`]s its destination — refusing anything that is not absent,
//! empty or an earlier chartsim result of the same scenario (see [`destination`] for how
//! chartsim knows its own) and creating the hidden staging directory, which proves the
//! destination can be written — all before simulating. All files are then written into
//! the staging directory, which is moved onto the requested path only when every file is
//! complete. A crash, an error or an interruption therefore never leaves a directory that
//! looks like a finished result.

pub mod destination;
mod manifest;
mod staging;
mod tables;

pub use manifest::{Manifest, RecordedRun, SOURCE_REVISION};
pub use staging::{Staging, StagingHandle};

use std::fs;
use std::path::Path;

use crate::batch::BatchOutput;
pub use crate::error::shorten;
use crate::error::{Error, Result};
use crate::scenario::Scenario;
use destination::Existing;

/// Files (and the `plots` folder) a result directory may contain: all of them, but
/// the [`PAYOUT_FILES`] only when the scenario settles payouts ([`result_files`]).
pub const RESULT_FILES: &[&str] = &[
    "manifest.json",
    "metrics.csv",
    "charts.csv",
    "summary.csv",
    "tracks.csv",
    "payouts.csv",
    "payout_metrics.csv",
    "payout_summary.csv",
    "plots",
    "report.html",
];

/// The tables written only when the scenario settles payouts.
pub const PAYOUT_FILES: &[&str] = &["payouts.csv", "payout_metrics.csv", "payout_summary.csv"];

/// The files a result directory of `scenario` contains.
pub fn result_files(scenario: &Scenario) -> Vec<&'static str> {
    RESULT_FILES
        .iter()
        .copied()
        .filter(|f| !PAYOUT_FILES.contains(f) || scenario.payouts.on())
        .collect()
}

/// Checks the destination `dir` and creates its staging directory, before any work.
///
/// Removes staging directories of processes that no longer run (returned as sentences to
/// show the user). Refuses `dir` if it holds anything chartsim did not write, or an
/// earlier result of a different resolved scenario unless `force` is set.
pub fn prepare(dir: &Path, scenario: &Scenario, force: bool) -> Result<(Staging, Vec<String>)> {
    let cleaned = destination::clean_stale(dir)?;
    if let Existing::Result(old) = destination::inspect(dir)? {
        let new = serde_json::to_value(scenario).expect("invariant: a scenario serialises");
        let old = old.get("scenario").cloned().unwrap_or_default();
        if let (false, Some(difference)) = (force, first_difference(&old, &new, "")) {
            return Err(Error::OutputRefused {
                path: dir.to_owned(),
                why: format!(
                    "it holds the result of a different scenario ({difference}); \
                     use --force to replace it, or --out to write elsewhere"
                ),
            });
        }
    }
    let parent = destination::parent_of(dir);
    fs::create_dir_all(parent).map_err(|e| io(dir, e))?;
    let staging = Staging::create(destination::staging_path(dir)).map_err(|e| io(dir, e))?;
    Ok((staging, cleaned))
}

/// The first key path where two resolved scenarios differ, with both values (shortened).
fn first_difference(
    old: &serde_json::Value,
    new: &serde_json::Value,
    path: &str,
) -> Option<String> {
    use serde_json::Value;
    let join = |key: &str| {
        if path.is_empty() {
            key.to_owned()
        } else {
            format!("{path}.{key}")
        }
    };
    match (old, new) {
        (Value::Object(a), Value::Object(b)) => {
            let keys: std::collections::BTreeSet<&String> = a.keys().chain(b.keys()).collect();
            keys.into_iter().find_map(|k| {
                let null = Value::Null;
                first_difference(
                    a.get(k).unwrap_or(&null),
                    b.get(k).unwrap_or(&null),
                    &join(k),
                )
            })
        }
        (Value::Array(a), Value::Array(b)) if a.len() == b.len() => a
            .iter()
            .zip(b)
            .enumerate()
            .find_map(|(i, (x, y))| first_difference(x, y, &format!("{path}[{i}]"))),
        _ if old == new => None,
        _ => Some(format!(
            "{}: {} there, {} now",
            if path.is_empty() { "scenario" } else { path },
            shorten(&old.to_string()),
            shorten(&new.to_string())
        )),
    }
}

/// Writes the whole result into `staging` for a finished batch, then moves it onto `dir`.
pub fn write_results(
    staging: Staging,
    dir: &Path,
    scenario: &Scenario,
    batch: &BatchOutput,
    manifest: &Manifest,
) -> Result<()> {
    let path = staging.path().to_owned();
    let written = (|| {
        tables::write_metrics(&path.join("metrics.csv"), batch)?;
        tables::write_charts(&path.join("charts.csv"), batch)?;
        tables::write_summary(&path.join("summary.csv"), batch)?;
        tables::write_tracks(&path.join("tracks.csv"), scenario, batch)?;
        if scenario.payouts.on() {
            tables::write_payouts(&path.join("payouts.csv"), scenario, batch)?;
            tables::write_payout_metrics(&path.join("payout_metrics.csv"), scenario, batch)?;
            tables::write_payout_summary(&path.join("payout_summary.csv"), batch)?;
        }
        manifest.write(&path.join("manifest.json"), scenario, batch)?;
        // Plots and report are drawn from the files just written, never from `batch`.
        crate::report::write_plots_and_report(&path).map_err(|e| {
            // The plot error and its cause, in one line (`cannot write X: No space left`).
            let mut message = e.to_string();
            let mut source = std::error::Error::source(&e);
            while let Some(cause) = source {
                message = format!("{message}: {cause}");
                source = cause.source();
            }
            Error::WriteResults {
                path: path.clone(),
                source: std::io::Error::other(message),
            }
        })
    })();
    // Errors name the directory the user asked for, not the hidden staging path.
    written.map_err(|e| e.relocated(&path, dir))?;
    staging.commit(dir)
}

pub(crate) fn io(path: &Path, source: std::io::Error) -> Error {
    Error::WriteResults {
        path: path.to_owned(),
        source,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn first_difference_names_the_key_path_and_both_values() {
        let old = json!({"utility": {"local": 0.3, "outside": 1.0}, "policies": [{"name": "a"}]});
        let same = old.clone();
        assert_eq!(first_difference(&old, &same, ""), None);
        let knob = json!({"utility": {"local": 1.0, "outside": 1.0}, "policies": [{"name": "a"}]});
        assert_eq!(
            first_difference(&old, &knob, "").as_deref(),
            Some("utility.local: 0.3 there, 1.0 now")
        );
        let policy =
            json!({"utility": {"local": 0.3, "outside": 1.0}, "policies": [{"name": "b"}]});
        assert_eq!(
            first_difference(&old, &policy, "").as_deref(),
            Some("policies[0].name: \"a\" there, \"b\" now")
        );
    }

    #[test]
    fn shorten_keeps_short_text_and_cuts_long_text() {
        assert_eq!(shorten("0.5"), "0.5");
        let long = "9".repeat(309);
        assert_eq!(shorten(&long).chars().count(), 60);
        assert!(shorten(&long).ends_with('…'));
    }
}
