//! `chartsim plot DIR`: redraws a finished result's plots and report, all or nothing.
//!
//! The new plots and report are drawn beside the old ones under hidden names, then moved
//! into place; the old plot files are removed only after the new ones are in. A failure
//! (a malformed table, a full disk) leaves the old plots and report exactly as they were
//! and no hidden files behind.

use std::fs;
use std::path::{Path, PathBuf};

use super::write_drawn;
use crate::plot::{PlotError, ResultData};

fn write_error(path: &Path) -> impl FnOnce(std::io::Error) -> PlotError {
    let path = path.to_owned();
    move |source| PlotError::Write { path, source }
}

/// Reads the result files in `dir` (refusing malformed ones) and replaces `dir/plots/`
/// and `dir/report.html` with freshly drawn ones.
pub fn redraw(dir: &Path) -> Result<(), PlotError> {
    let data = ResultData::read(dir)?;
    refuse_foreign_plots(&dir.join("plots"))?;
    let pid = std::process::id();
    let new_plots = dir.join(format!(".plots.partial-{pid}"));
    let new_report = dir.join(format!(".report.html.partial-{pid}"));
    let drawn = write_drawn(&data, &new_plots, &new_report)
        .and_then(|()| swap_in(dir, &new_plots, &new_report));
    if drawn.is_err() {
        let _ = remove_plot_dir(&new_plots);
        let _ = fs::remove_file(&new_report);
    }
    drawn
}

fn is_drawn(path: &Path) -> bool {
    matches!(
        path.extension().and_then(|e| e.to_str()),
        Some("svg" | "png")
    ) && fs::symlink_metadata(path).is_ok_and(|m| m.is_file())
}

/// Refuses to replace a `plots/` folder that holds anything chartsim does not draw.
fn refuse_foreign_plots(plots: &Path) -> Result<(), PlotError> {
    let Ok(entries) = fs::read_dir(plots) else {
        return Ok(());
    };
    let mut foreign: Vec<String> = entries
        .flatten()
        .filter(|e| !is_drawn(&e.path()))
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    foreign.sort();
    match foreign.first() {
        None => Ok(()),
        Some(first) => Err(PlotError::Malformed {
            path: plots.to_owned(),
            message: format!(
                "it holds {} file(s) chartsim did not draw (first: {first}); move them \
                 elsewhere before redrawing",
                foreign.len()
            ),
        }),
    }
}

fn swap_in(dir: &Path, new_plots: &Path, new_report: &Path) -> Result<(), PlotError> {
    let plots = dir.join("plots");
    let old_plots: Option<PathBuf> = if plots.exists() {
        let old = dir.join(format!(".plots.old-{}", std::process::id()));
        fs::rename(&plots, &old).map_err(write_error(&plots))?;
        Some(old)
    } else {
        None
    };
    if let Err(source) = fs::rename(new_plots, &plots) {
        if let Some(old) = &old_plots {
            let _ = fs::rename(old, &plots);
        }
        return Err(PlotError::Write {
            path: plots,
            source,
        });
    }
    let report = dir.join("report.html");
    fs::rename(new_report, &report).map_err(write_error(&report))?;
    match old_plots {
        Some(old) => remove_plot_dir(&old),
        None => Ok(()),
    }
}

/// Removes the `.svg` and `.png` files chartsim draws, then the folder; anything else in
/// it stays, and so does the folder.
fn remove_plot_dir(dir: &Path) -> Result<(), PlotError> {
    let Ok(entries) = fs::read_dir(dir) else {
        return Ok(());
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if is_drawn(&path) {
            fs::remove_file(&path).map_err(write_error(&path))?;
        }
    }
    fs::remove_dir(dir).map_err(write_error(dir))
}
