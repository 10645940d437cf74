//! A sweep's directory while it runs: what it is (`sweep.json`) and which tasks are done
//! (one file each in `runs.partial/`).
//!
//! **Why files per task.** A task's rows are written aside and renamed into place, so a
//! file in the journal is always whole, whatever moment the process was killed at; the
//! set of files *is* the record of what is done, with no index to get out of step. A
//! sweep never deletes what it did not write: it creates its directory (or takes an empty
//! one), refuses any other, and removes only its own journal files once the tables are
//! assembled.

use std::collections::HashSet;
use std::fs;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use super::{Options, Sweep, Task, TaskRows};
use crate::error::{Error, Result};
use crate::output::{SOURCE_REVISION, io};

/// The journal folder inside a sweep's directory.
pub const JOURNAL: &str = "runs.partial";

/// What a sweep's directory holds the results of, written first (`complete: false`) and
/// rewritten when the tables are whole. `--resume` continues only the same sweep: the same
/// chartsim, base scenario, swept keys and resolved scenario at every point.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Identity {
    /// chartsim version.
    pub chartsim_version: String,
    /// Source revision the binary was built from.
    pub source_revision: String,
    /// The scenario file (or `<built-in default>`).
    pub scenario_source: String,
    /// The base scenario after the sweep-wide `--set` overrides.
    pub base_scenario: String,
    /// `--seed` and `--replicates`, which replace the scenario's at every point.
    pub options: Options,
    /// The swept key paths.
    pub keys: Vec<String>,
    /// Each point's values of the swept keys.
    pub points: Vec<Vec<toml::Value>>,
    /// A fingerprint of each point's resolved scenario.
    pub point_fingerprints: Vec<String>,
    /// The part of the design this directory holds, for a shard (`--shard K/N`).
    pub shard: Option<Shard>,
    /// Whether the directory's work is done: the tables are whole, or, for a shard, every
    /// task of the shard is recorded.
    pub complete: bool,
    /// Runs that failed (rows of `errors.csv`), once complete.
    pub failed_runs: usize,
}

/// The `index`-th of `count` parts of a design (from 0): the tasks whose position in
/// design order leaves remainder `index` when divided by `count`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Shard {
    /// Which part, from 0.
    pub index: usize,
    /// How many parts.
    pub count: usize,
}

impl Shard {
    /// Whether the task at `position` in design order belongs to this shard.
    pub fn holds(self, position: usize) -> bool {
        position % self.count == self.index
    }
}

impl Identity {
    /// The identity of `sweep` (of its part `shard`, if given).
    pub fn new(sweep: &Sweep, shard: Option<Shard>) -> Self {
        Self {
            chartsim_version: env!("CARGO_PKG_VERSION").to_owned(),
            source_revision: SOURCE_REVISION.to_owned(),
            scenario_source: sweep.origin.clone(),
            base_scenario: sweep.base_text.clone(),
            options: sweep.options,
            keys: sweep.design.keys.clone(),
            points: sweep.design.points.clone(),
            point_fingerprints: sweep
                .scenarios
                .iter()
                .map(|s| {
                    let json = serde_json::to_vec(s).expect("invariant: a scenario serialises");
                    format!("{:016x}", crate::rng::fingerprint(&json))
                })
                .collect(),
            shard,
            complete: false,
            failed_runs: 0,
        }
    }

    /// A fingerprint of the sweep (whatever the shard), for a default folder name.
    pub fn fingerprint(&self) -> u64 {
        let json = serde_json::to_vec(&self.of_design()).expect("invariant: serialises");
        crate::rng::fingerprint(&json)
    }

    /// The fields that make the sweep, with the shard and progress blanked.
    pub fn of_design(&self) -> Self {
        Self {
            shard: None,
            complete: false,
            failed_runs: 0,
            ..self.clone()
        }
    }

    /// The first field in which `other` is a different sweep (or shard), as
    /// `field: there, now`.
    pub fn difference(&self, other: &Self) -> Option<String> {
        let field = |name: &str, x: String, y: String| {
            (x != y).then(|| {
                format!(
                    "{name}: {} there, {} now",
                    crate::error::shorten(&x),
                    crate::error::shorten(&y)
                )
            })
        };
        let (a, b) = (self, other);
        field(
            "chartsim_version",
            a.chartsim_version.clone(),
            b.chartsim_version.clone(),
        )
        .or_else(|| {
            field(
                "source_revision",
                a.source_revision.clone(),
                b.source_revision.clone(),
            )
        })
        .or_else(|| {
            field(
                "scenario_source",
                a.scenario_source.clone(),
                b.scenario_source.clone(),
            )
        })
        .or_else(|| field("swept keys", a.keys.join(","), b.keys.join(",")))
        .or_else(|| {
            (a.points != b.points).then(|| {
                format!(
                    "the design's points differ ({} there, {} now)",
                    a.points.len(),
                    b.points.len()
                )
            })
        })
        .or_else(|| {
            field(
                "options",
                format!("{:?}", a.options),
                format!("{:?}", b.options),
            )
        })
        .or_else(|| {
            field(
                "base scenario",
                a.base_scenario.clone(),
                b.base_scenario.clone(),
            )
        })
        .or_else(|| {
            (a.point_fingerprints != b.point_fingerprints)
                .then(|| "a point's resolved scenario".to_owned())
        })
        .or_else(|| field("shard", shard_text(a.shard), shard_text(b.shard)))
    }

    /// Writes `sweep.json` into `dir`.
    pub fn write(&self, dir: &Path) -> Result<()> {
        let text = serde_json::to_string_pretty(self).expect("invariant: serialises") + "\n";
        write_aside(&dir.join(SWEEP_FILE), text.as_bytes())
    }
}

/// The file that says what a sweep's directory holds.
pub const SWEEP_FILE: &str = "sweep.json";

/// An open sweep directory.
pub struct Journal {
    dir: PathBuf,
    identity: Identity,
    done: HashSet<(usize, u32)>,
}

impl Journal {
    /// Creates the sweep's directory (or takes an empty one), or with `resume` reopens a
    /// directory of the same sweep; refuses anything else before any work.
    pub fn open(dir: &Path, identity: &Identity, resume: bool) -> Result<Self> {
        let refuse = |why: String| Error::OutputRefused {
            path: dir.to_owned(),
            why,
        };
        let entries: Vec<PathBuf> = match fs::read_dir(dir) {
            Ok(read) => read
                .map(|e| e.map(|e| e.path()))
                .collect::<std::io::Result<_>>()
                .map_err(|e| io(dir, e))?,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Vec::new(),
            Err(e) => return Err(io(dir, e)),
        };
        let journal = dir.join(JOURNAL);
        let mut identity = identity.clone();
        if entries.is_empty() {
            if resume {
                return Err(refuse("there is no sweep there to resume".into()));
            }
            fs::create_dir_all(&journal).map_err(|e| io(dir, e))?;
            identity.write(dir)?;
        } else {
            let recorded = fs::read_to_string(dir.join(SWEEP_FILE))
                .ok()
                .and_then(|t| serde_json::from_str::<Identity>(&t).ok());
            let Some(recorded) = recorded else {
                return Err(refuse(
                    "it holds files that are not a chartsim sweep; choose an empty or new --out"
                        .into(),
                ));
            };
            if !resume {
                return Err(refuse(
                    "it holds a sweep already; add --resume to continue it, or choose another --out"
                        .into(),
                ));
            }
            if let Some(difference) = recorded.difference(&identity) {
                return Err(refuse(format!(
                    "it holds a different sweep ({difference}); choose another --out"
                )));
            }
            identity.complete = recorded.complete;
            identity.failed_runs = recorded.failed_runs;
            if !recorded.complete {
                fs::create_dir_all(&journal).map_err(|e| io(dir, e))?;
            }
        }
        if journal.is_dir() {
            for (path, name) in files_in(&journal)? {
                if name.ends_with(".tmp") && parse_task(name.trim_end_matches(".tmp")).is_some() {
                    // Ours, from a process killed while writing it.
                    fs::remove_file(&path).map_err(|e| io(&path, e))?;
                }
            }
        }
        let done = recorded_tasks(dir);
        Ok(Self {
            dir: dir.to_owned(),
            identity,
            done,
        })
    }

    /// Opens a shard's directory to read what it recorded (for `chartsim merge`).
    pub fn read_shard(dir: &Path) -> Result<(Identity, Self)> {
        let refuse = |why: &str| Error::OutputRefused {
            path: dir.to_owned(),
            why: why.to_owned(),
        };
        let identity = fs::read_to_string(dir.join(SWEEP_FILE))
            .ok()
            .and_then(|t| serde_json::from_str::<Identity>(&t).ok())
            .ok_or_else(|| {
                refuse("it is not a chartsim sweep directory (no readable sweep.json)")
            })?;
        if identity.shard.is_none() {
            return Err(refuse("it is a whole sweep, not a shard (--shard K/N)"));
        }
        let journal = Self {
            dir: dir.to_owned(),
            identity: Identity {
                complete: false,
                ..identity.clone()
            },
            done: recorded_tasks(dir),
        };
        Ok((identity, journal))
    }

    /// Whether the directory already holds the complete sweep.
    pub fn complete(&self) -> bool {
        self.identity.complete
    }

    /// Runs that failed, in a complete sweep.
    pub fn failed_runs(&self) -> usize {
        self.identity.failed_runs
    }

    /// Whether `task` is recorded.
    pub fn has(&self, task: Task) -> bool {
        self.complete() || self.done.contains(&(task.point, task.replicate))
    }

    /// Records a finished task: its error rows, then its run rows (whose file marks the
    /// task done).
    pub fn record(&self, task: Task, rows: &TaskRows) -> Result<()> {
        let errors = self.error_file(task);
        if !rows.errors.is_empty() {
            write_aside(&errors, rows.errors.as_bytes())?;
        } else if errors.exists() {
            // Left by an earlier attempt at this task that was killed before it finished.
            fs::remove_file(&errors).map_err(|e| io(&errors, e))?;
        }
        let weekly = self.weekly_file(task);
        if !rows.weekly.is_empty() {
            write_aside(&weekly, rows.weekly.as_bytes())?;
        }
        write_aside(&self.run_file(task), rows.runs.as_bytes())
    }

    /// A recorded task's rows.
    pub fn read(&self, task: Task) -> Result<TaskRows> {
        let read = |path: PathBuf| -> Result<String> {
            match fs::read_to_string(&path) {
                Ok(text) => Ok(text),
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(String::new()),
                Err(e) => Err(io(&path, e)),
            }
        };
        Ok(TaskRows {
            runs: read(self.run_file(task))?,
            errors: read(self.error_file(task))?,
            weekly: read(self.weekly_file(task))?,
        })
    }

    /// The sweep's directory.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// Marks the sweep complete in `sweep.json`, then removes the journal's files (its
    /// own, by name; anything else found there is left, and so is the folder); a shard
    /// keeps its journal, which `chartsim merge` reads.
    pub fn finish(mut self, failed_runs: usize) -> Result<()> {
        self.identity.complete = true;
        self.identity.failed_runs = failed_runs;
        self.identity.write(&self.dir)?;
        if self.identity.shard.is_some() {
            return Ok(()); // a shard's journal is its result, for `chartsim merge`
        }
        let journal = self.dir.join(JOURNAL);
        for (path, name) in files_in(&journal)? {
            if parse_task(&name).is_some() {
                fs::remove_file(&path).map_err(|e| io(&path, e))?;
            }
        }
        // Fails, harmlessly, if a file chartsim did not write is in there.
        let _ = fs::remove_dir(&journal);
        Ok(())
    }

    fn run_file(&self, task: Task) -> PathBuf {
        self.dir
            .join(JOURNAL)
            .join(format!("{}.csv", task_name(task)))
    }

    fn weekly_file(&self, task: Task) -> PathBuf {
        self.dir
            .join(JOURNAL)
            .join(format!("{}.weekly", task_name(task)))
    }

    fn error_file(&self, task: Task) -> PathBuf {
        self.dir
            .join(JOURNAL)
            .join(format!("{}.errors", task_name(task)))
    }
}

/// The tasks recorded in the journal of the sweep directory `dir` (none if it has none),
/// read without changing anything.
pub fn recorded_tasks(dir: &Path) -> HashSet<(usize, u32)> {
    files_in(&dir.join(JOURNAL))
        .unwrap_or_default()
        .into_iter()
        .filter(|(_, name)| name.ends_with(".csv"))
        .filter_map(|(_, name)| parse_task(&name))
        .collect()
}

/// The entries of `dir` with their names (non-UTF-8 names as empty: never ours).
fn files_in(dir: &Path) -> Result<Vec<(PathBuf, String)>> {
    let mut files = Vec::new();
    for entry in fs::read_dir(dir).map_err(|e| io(dir, e))? {
        let path = entry.map_err(|e| io(dir, e))?.path();
        let name = path
            .file_name()
            .and_then(|n| n.to_str())
            .unwrap_or_default()
            .to_owned();
        files.push((path, name));
    }
    Ok(files)
}

/// `K/N`, or `whole` for a sweep that is not a shard.
fn shard_text(shard: Option<Shard>) -> String {
    shard.map_or("whole".to_owned(), |s| format!("{}/{}", s.index, s.count))
}

fn task_name(task: Task) -> String {
    format!("p{:06}-r{:04}", task.point, task.replicate)
}

/// The task of a journal file name (`p000012-r0003.csv` or `.errors`).
fn parse_task(name: &str) -> Option<(usize, u32)> {
    let stem = name
        .strip_suffix(".csv")
        .or_else(|| name.strip_suffix(".errors"))
        .or_else(|| name.strip_suffix(".weekly"))?;
    let (p, r) = stem.strip_prefix('p')?.split_once("-r")?;
    Some((p.parse().ok()?, r.parse().ok()?))
}

/// Writes `bytes` to `path` through a `.tmp` file renamed into place, so `path` is never
/// seen half-written.
pub(super) fn write_aside(path: &Path, bytes: &[u8]) -> Result<()> {
    let mut tmp = path.as_os_str().to_owned();
    tmp.push(".tmp");
    let tmp = PathBuf::from(tmp);
    fs::write(&tmp, bytes).map_err(|e| io(path, e))?;
    fs::rename(&tmp, path).map_err(|e| io(path, e))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn task_files_name_their_point_and_replicate() {
        let t = Task {
            point: 12,
            replicate: 3,
        };
        assert_eq!(task_name(t), "p000012-r0003");
        assert_eq!(parse_task("p000012-r0003.csv"), Some((12, 3)));
        assert_eq!(parse_task("p000012-r0003.errors"), Some((12, 3)));
        assert_eq!(parse_task("notes.csv"), None);
        assert_eq!(parse_task("p12-rx.csv"), None);
    }
}
