//! `chartsim plot DIR`: redraws a finished result's plots and report, all or nothing.
//!
//! The new plots and report are drawn beside the old ones under hidden names, then moved
//! into place; the old plot files are removed only after the new ones are in. A failure
//! (a malformed table, a full disk) leaves the old plots and report exactly as they were
//! and no hidden files behind.

use std::fs;
use std::path::{Path, PathBuf};

use super::write_drawn;
use crate::plot::{PlotError, ResultData, files};

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
        let _ = files::remove_drawn(&new_plots);
        let _ = fs::remove_file(&new_report);
    }
    drawn
}

/// Refuses to replace a `plots/` folder that holds anything chartsim does not draw.
fn refuse_foreign_plots(plots: &Path) -> Result<(), PlotError> {
    let foreign = files::not_drawn(plots);
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
        Some(old) => files::remove_drawn(&old).map_err(write_error(&old)),
        None => Ok(()),
    }
}
