//! Where a result directory goes, and the rules that keep a user's files safe there.
//!
//! chartsim never deletes anything it did not write. It knows a directory is one of its
//! own results by two facts together: its `manifest.json` is a chartsim manifest (JSON
//! with a `chartsim_version` field), and it holds nothing but the files chartsim writes
//! ([`super::RESULT_FILES`], with only `.svg` and `.png` files in `plots/`). Anything
//! else — a user's notes beside old results, the current directory, a file — is refused
//! before any simulation starts.
//!
//! Results are written into a hidden sibling staging directory `.NAME.partial-PID`,
//! created before the simulation (which also proves the destination is writable), and
//! moved onto the requested path only when complete. An earlier result is first moved
//! aside to `.NAME.old-PID`, then its known files are removed one by one. Staging
//! directories left by a process that no longer runs (a `kill -9`, a power cut) are
//! removed by the next run to the same destination, which says so.

use std::fs;
use std::path::{Path, PathBuf};

use super::{RESULT_FILES, io};
use crate::error::{Error, Result};
use crate::plot;

/// Why an existing `--out` cannot be replaced.
fn refuse(path: &Path, why: impl Into<String>) -> Error {
    Error::OutputRefused {
        path: path.to_owned(),
        why: why.into(),
    }
}

/// What is at the requested destination now.
#[derive(Debug)]
pub enum Existing {
    /// Nothing: the directory will be created.
    Nothing,
    /// An empty directory, replaced by the results.
    Empty,
    /// An earlier chartsim result; its parsed manifest.
    Result(Box<serde_json::Value>),
}

/// Inspects `dir` and refuses it unless it is absent, empty or a chartsim result.
pub fn inspect(dir: &Path) -> Result<Existing> {
    if dir.file_name().is_none() || is_current_dir_or_above(dir) {
        return Err(refuse(
            dir,
            "it is the current directory or one that contains it; \
             choose a new directory such as results/my-run",
        ));
    }
    let meta = match fs::symlink_metadata(dir) {
        Ok(meta) => meta,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Existing::Nothing),
        Err(e) => return Err(io(dir, e)),
    };
    if !meta.is_dir() {
        return Err(refuse(dir, "it exists and is not a directory"));
    }
    let names = list(dir)?;
    if names.is_empty() {
        return Ok(Existing::Empty);
    }
    let foreign: Vec<&String> = names
        .iter()
        .filter(|n| !RESULT_FILES.contains(&n.as_str()))
        .collect();
    if !foreign.is_empty() {
        return Err(refuse(
            dir,
            format!(
                "it holds files chartsim did not write ({}); choose another --out",
                shorten_list(&foreign)
            ),
        ));
    }
    let manifest = read_manifest(dir).ok_or_else(|| {
        refuse(
            dir,
            "it has no chartsim manifest.json, so it is not a chartsim result; \
             choose another --out",
        )
    })?;
    let strange = plot::files::not_drawn(&dir.join("plots"));
    if !strange.is_empty() {
        return Err(refuse(
            dir,
            format!(
                "its plots/ folder holds files chartsim did not write ({}); \
                 choose another --out",
                shorten_list(&strange.iter().collect::<Vec<_>>())
            ),
        ));
    }
    Ok(Existing::Result(Box::new(manifest)))
}

/// The parsed manifest of `dir`, if it is a chartsim manifest.
pub fn read_manifest(dir: &Path) -> Option<serde_json::Value> {
    let text = fs::read_to_string(dir.join("manifest.json")).ok()?;
    let value: serde_json::Value = serde_json::from_str(&text).ok()?;
    value.get("chartsim_version")?.as_str()?;
    Some(value)
}

fn shorten_list(names: &[&String]) -> String {
    let shown: Vec<&str> = names.iter().take(3).map(|n| n.as_str()).collect();
    let more = names.len().saturating_sub(3);
    if more > 0 {
        format!("{} and {more} more", shown.join(", "))
    } else {
        shown.join(", ")
    }
}

fn is_current_dir_or_above(dir: &Path) -> bool {
    let (Ok(cwd), Ok(target)) = (std::env::current_dir(), fs::canonicalize(dir)) else {
        return false;
    };
    cwd.starts_with(target)
}

fn list(dir: &Path) -> Result<Vec<String>> {
    let mut names = Vec::new();
    for entry in fs::read_dir(dir).map_err(|e| io(dir, e))? {
        let entry = entry.map_err(|e| io(dir, e))?;
        names.push(entry.file_name().to_string_lossy().into_owned());
    }
    names.sort();
    Ok(names)
}

/// The directory the destination lives in.
pub fn parent_of(dir: &Path) -> &Path {
    dir.parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."))
}

fn file_name(dir: &Path) -> String {
    dir.file_name()
        .map_or_else(|| "results".into(), |n| n.to_string_lossy().into_owned())
}

/// `.NAME.partial-PID` beside `dir`, for this process.
pub fn staging_path(dir: &Path) -> PathBuf {
    sibling(dir, "partial", std::process::id())
}

fn sibling(dir: &Path, kind: &str, pid: u32) -> PathBuf {
    parent_of(dir).join(format!(".{}.{kind}-{pid}", file_name(dir)))
}

/// Removes `.NAME.partial-PID` and `.NAME.old-PID` siblings of `dir` left by processes
/// that no longer run, and returns one sentence per thing done. An `.old` directory whose
/// result never got replaced (the process died between the two renames) is put back.
/// Only directories holding nothing but chartsim's files are touched.
pub fn clean_stale(dir: &Path) -> Result<Vec<String>> {
    let parent = parent_of(dir);
    let Ok(entries) = fs::read_dir(parent) else {
        return Ok(Vec::new());
    };
    let name = file_name(dir);
    let mut said = Vec::new();
    for entry in entries.flatten() {
        let entry_name = entry.file_name().to_string_lossy().into_owned();
        let Some((kind, pid)) = stale_kind(&entry_name, &name) else {
            continue;
        };
        if pid == std::process::id() || process_runs(pid) != Some(false) {
            continue;
        }
        let path = entry.path();
        if !holds_only_result_files(&path) {
            continue;
        }
        if kind == "old" && !dir.exists() {
            fs::rename(&path, dir).map_err(|e| io(dir, e))?;
            said.push(format!(
                "restored the earlier result {} that process {pid} had moved aside before it \
                 was stopped",
                dir.display()
            ));
        } else {
            remove_result_files(&path)?;
            said.push(format!(
                "removed {}, unfinished results left by process {pid}, which no longer runs",
                path.display()
            ));
        }
    }
    said.sort();
    Ok(said)
}

fn stale_kind(entry: &str, name: &str) -> Option<(&'static str, u32)> {
    let rest = entry.strip_prefix('.')?.strip_prefix(name)?;
    for kind in ["partial", "old"] {
        if let Some(pid) = rest.strip_prefix('.').and_then(|r| r.strip_prefix(kind)) {
            return Some((kind, pid.strip_prefix('-')?.parse().ok()?));
        }
    }
    None
}

/// Whether process `pid` runs; `None` where the system cannot tell (no `/proc`).
fn process_runs(pid: u32) -> Option<bool> {
    if !Path::new("/proc/self").exists() {
        return None;
    }
    Some(Path::new(&format!("/proc/{pid}")).exists())
}

fn holds_only_result_files(dir: &Path) -> bool {
    let Ok(names) = list(dir) else { return false };
    names.iter().all(|n| RESULT_FILES.contains(&n.as_str()))
        && plot::files::not_drawn(&dir.join("plots")).is_empty()
}

/// Removes chartsim's own files from `dir`, then `dir` itself. Fails, keeping the rest,
/// if anything else is there.
pub fn remove_result_files(dir: &Path) -> Result<()> {
    let plots = dir.join("plots");
    plot::files::remove_drawn(&plots).map_err(|e| io(&plots, e))?;
    for name in RESULT_FILES.iter().filter(|n| **n != "plots") {
        let path = dir.join(name);
        match fs::remove_file(&path) {
            Ok(()) => {}
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => return Err(io(&path, e)),
        }
    }
    fs::remove_dir(dir).map_err(|e| io(dir, e))
}

/// Moves the complete `staging` directory onto `dir`, replacing what [`inspect`] found
/// there; an earlier result is moved aside first and restored if the move fails.
pub fn commit(staging: &Path, dir: &Path) -> Result<()> {
    match inspect(dir)? {
        Existing::Nothing => fs::rename(staging, dir).map_err(|e| io(dir, e)),
        Existing::Empty => {
            fs::remove_dir(dir).map_err(|e| io(dir, e))?;
            fs::rename(staging, dir).map_err(|e| io(dir, e))
        }
        Existing::Result(_) => {
            let old = sibling(dir, "old", std::process::id());
            fs::rename(dir, &old).map_err(|e| io(dir, e))?;
            if let Err(e) = fs::rename(staging, dir) {
                let _ = fs::rename(&old, dir);
                return Err(io(dir, e));
            }
            remove_result_files(&old)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stale_names_are_parsed_for_this_destination_only() {
        assert_eq!(stale_kind(".out.partial-12", "out"), Some(("partial", 12)));
        assert_eq!(stale_kind(".out.old-7", "out"), Some(("old", 7)));
        assert_eq!(stale_kind(".output.partial-12", "out"), None);
        assert_eq!(stale_kind(".out.partial-x", "out"), None);
        assert_eq!(stale_kind("out.partial-12", "out"), None);
    }

    #[test]
    fn the_current_directory_is_never_a_destination() {
        assert!(matches!(
            inspect(Path::new(".")),
            Err(Error::OutputRefused { .. })
        ));
        assert!(matches!(
            inspect(Path::new("..")),
            Err(Error::OutputRefused { .. })
        ));
    }
}
