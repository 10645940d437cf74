//! Writing a result directory: complete or not at all.
//!
//! All files are written into a hidden sibling staging directory, which is renamed onto
//! the requested path only when every file is complete. A crash or an error therefore
//! never leaves a directory that looks like a finished result. An existing directory is
//! replaced only if it is itself a chartsim result (it has a `manifest.json`) or empty.

mod manifest;
mod tables;

pub use manifest::Manifest;

use std::fs;
use std::path::{Path, PathBuf};

use crate::batch::BatchOutput;
use crate::error::{Error, Result};
use crate::scenario::Scenario;

/// Files (and the `plots` folder) every result directory contains.
pub const RESULT_FILES: &[&str] = &[
    "manifest.json",
    "metrics.csv",
    "charts.csv",
    "summary.csv",
    "tracks.csv",
    "plots",
    "report.html",
];

/// Writes the whole result directory `dir` for a finished batch.
pub fn write_results(
    dir: &Path,
    scenario: &Scenario,
    batch: &BatchOutput,
    manifest: &Manifest,
) -> Result<()> {
    check_replaceable(dir)?;
    let staging = staging_path(dir);
    // Errors name the directory the user asked for, not the hidden staging path.
    let result = (|| {
        if staging.exists() {
            fs::remove_dir_all(&staging).map_err(|e| io(&staging, e))?;
        }
        fs::create_dir_all(&staging).map_err(|e| io(&staging, e))?;
        tables::write_metrics(&staging.join("metrics.csv"), batch)?;
        tables::write_charts(&staging.join("charts.csv"), batch)?;
        tables::write_summary(&staging.join("summary.csv"), batch)?;
        tables::write_tracks(&staging.join("tracks.csv"), batch)?;
        manifest.write(&staging.join("manifest.json"), scenario, batch)?;
        // Plots and report are drawn from the files just written, never from `batch`.
        crate::report::write_plots_and_report(&staging)
            .map_err(|e| io(&staging, std::io::Error::other(e)))?;
        if dir.exists() {
            fs::remove_dir_all(dir).map_err(|e| io(dir, e))?;
        }
        fs::rename(&staging, dir).map_err(|e| io(dir, e))
    })();
    if result.is_err() {
        let _ = fs::remove_dir_all(&staging);
    }
    result.map_err(|e| match e {
        Error::WriteResults { source, .. } => Error::WriteResults {
            path: dir.to_owned(),
            source,
        },
        other => other,
    })
}

/// Checked before a run starts, so a bad `--out` fails in seconds, not after the
/// simulation: fails if `dir` exists and is neither empty nor an earlier chartsim result,
/// or if its parent cannot be created.
pub fn check_replaceable(dir: &Path) -> Result<()> {
    if !dir.exists() {
        let parent = dir
            .parent()
            .filter(|p| !p.as_os_str().is_empty())
            .unwrap_or(Path::new("."));
        return fs::create_dir_all(parent).map_err(|e| io(dir, e));
    }
    let is_dir = dir.is_dir();
    let empty = is_dir && fs::read_dir(dir).map_err(|e| io(dir, e))?.next().is_none();
    if is_dir && (empty || dir.join("manifest.json").is_file()) {
        return Ok(());
    }
    Err(Error::OutputNotResults {
        path: dir.to_owned(),
    })
}

fn staging_path(dir: &Path) -> PathBuf {
    let name = dir
        .file_name()
        .map_or_else(|| "results".into(), |n| n.to_string_lossy().into_owned());
    let parent = dir
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    parent.join(format!(".{name}.partial-{}", std::process::id()))
}

pub(crate) fn io(path: &Path, source: std::io::Error) -> Error {
    Error::WriteResults {
        path: path.to_owned(),
        source,
    }
}
