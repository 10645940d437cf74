//! Which files in a `plots/` folder chartsim drew, and removing just those.
//!
//! Both the result directory (replacing an old result) and `chartsim plot` (redrawing in
//! place) must never delete a file a user put beside the plots; this is the one rule
//! they share.

use std::fs;
use std::path::Path;

/// Whether `path` is a file chartsim draws: a regular `.svg` or `.png` file.
pub fn is_drawn(path: &Path) -> bool {
    matches!(
        path.extension().and_then(|e| e.to_str()),
        Some("svg" | "png")
    ) && fs::symlink_metadata(path).is_ok_and(|m| m.is_file())
}

/// Names of the entries of `plots` that chartsim did not draw, sorted; none when the
/// folder does not exist.
pub fn not_drawn(plots: &Path) -> Vec<String> {
    let Ok(entries) = fs::read_dir(plots) else {
        return Vec::new();
    };
    let mut names: Vec<String> = entries
        .flatten()
        .filter(|e| !is_drawn(&e.path()))
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

/// Removes the files chartsim drew in `plots`, then the folder; anything else stays, and
/// so does the folder (an error). A missing folder is nothing to remove.
pub fn remove_drawn(plots: &Path) -> std::io::Result<()> {
    let Ok(entries) = fs::read_dir(plots) else {
        return Ok(());
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if is_drawn(&path) {
            fs::remove_file(&path)?;
        }
    }
    fs::remove_dir(plots)
}
