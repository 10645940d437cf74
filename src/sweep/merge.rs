//! `chartsim merge`: the shards of a sweep, run anywhere, joined into the directory one
//! machine running the whole sweep would have written, byte for byte.
//!
//! Each shard's directory holds its `sweep.json` and its journal of finished tasks. The
//! shards must be parts of the same sweep by the same chartsim (version and revision), and
//! together hold every task; the merge copies their task files into a new journal and
//! assembles the tables exactly as a single sweep does.

use std::path::{Path, PathBuf};

use super::journal::Journal;
use super::{Identity, Outcome, Sweep, tables};
use crate::error::{Error, Result};

/// Joins `shards` into `out` (absent or empty).
pub fn merge(out: &Path, shards: &[PathBuf]) -> Result<Outcome> {
    let refuse = |path: &Path, why: String| Error::OutputRefused {
        path: path.to_owned(),
        why,
    };
    let Some(first_dir) = shards.first() else {
        return Err(Error::InvalidOption {
            option: "merge".into(),
            message: "name the shard directories to merge".into(),
        });
    };
    let mut opened = Vec::with_capacity(shards.len());
    for dir in shards {
        opened.push(Journal::read_shard(dir)?);
    }
    let design = opened[0].0.of_design();
    for ((identity, _), dir) in opened.iter().zip(shards) {
        if let Some(difference) = design.difference(&identity.of_design()) {
            return Err(refuse(
                dir,
                format!(
                    "it is a shard of a different sweep than {} ({difference})",
                    first_dir.display()
                ),
            ));
        }
    }
    let sweep = Sweep::from_identity(&design)?;
    let whole = Identity::new(&sweep, None);
    if let Some(difference) = whole.difference(&design) {
        return Err(refuse(
            first_dir,
            format!(
                "this chartsim cannot merge it ({difference}); merge with the chartsim that ran the shards"
            ),
        ));
    }
    let tasks = sweep.tasks();
    let mut missing = Vec::new();
    let mut source = Vec::with_capacity(tasks.len());
    for (i, &task) in tasks.iter().enumerate() {
        match opened.iter().position(|(_, journal)| journal.has(task)) {
            Some(s) => source.push(s),
            None => missing.push((i, task)),
        }
    }
    if !missing.is_empty() {
        let count = opened[0].0.shard.map_or(1, |s| s.count);
        let named: Vec<String> = missing
            .iter()
            .take(10)
            .map(|&(i, t)| {
                format!(
                    "point {} replicate {} ({} runs, shard {}/{count})",
                    t.point,
                    t.replicate,
                    sweep.runs_in(t),
                    i % count
                )
            })
            .collect();
        let more = missing.len().saturating_sub(named.len());
        return Err(Error::InvalidOption {
            option: "merge".into(),
            message: format!(
                "{} of {} tasks are in none of the shards: {}{}; run those shards (or --resume them) and merge again",
                missing.len(),
                tasks.len(),
                named.join(", "),
                if more > 0 {
                    format!(" and {more} more")
                } else {
                    String::new()
                }
            ),
        });
    }
    let merged = Journal::open(out, &whole, false)?;
    for (&task, &s) in tasks.iter().zip(&source) {
        merged.record(task, &opened[s].1.read(task)?)?;
    }
    let failed_runs = tables::assemble(&sweep, &merged, &tasks)?;
    super::write_report(out)?;
    merged.finish(failed_runs)?;
    Ok(Outcome {
        skipped_tasks: 0,
        ran_tasks: 0,
        failed_runs,
    })
}
