//! Sweeps: one scenario at every point of a design, every policy at every point on the
//! same replicate worlds, results streamed to disk as runs finish.
//!
//! **Pairing.** A point is the scenario with the design's overrides; its replicate `r`
//! uses the same seed node as replicate `r` of every other point. So wherever the swept
//! key does not change the world (a policy's knob, a utility weight read only by
//! listeners' choices), every point runs on the very same worlds, and differences between
//! points, like those between policies at one point, are paired.
//!
//! **Streaming and resuming.** The unit of work is a task: one point's replicate world,
//! generated once, under every policy in turn. A finished task's rows go to their own
//! file in `DIR/runs.partial/` (written aside, then renamed, so a file there is always
//! whole); nothing else of the run is kept. `--resume` skips every task with a file
//! there. When every task is done, the tables are assembled from those files in design
//! order (see `tables.rs`), so the final bytes do not depend on threads, order of completion or
//! interruptions.
//!
//! **Memory.** Each worker thread takes one task at a time, so at most one world and one
//! run per thread are alive, as in a plain run at the same thread count.

mod journal;
mod merge;
mod tables;

use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};

use rayon::prelude::*;

pub use journal::{Identity, JOURNAL, SWEEP_FILE, Shard};
pub use merge::merge;
pub use tables::{ERROR_FILE, POINTS_FILE, RUNS_FILE, WEEKLY_FILE};

use crate::batch::{replicate_key, run_metric_names, run_metrics};
use crate::error::{Error, Result};
use crate::run::{Replicate, run_from, warm_up};
use crate::scenario::sweep::Design;
use crate::scenario::{Override, Scenario, ScenarioText};
use crate::world::World;

/// A validated sweep: the design and the scenario at each of its points.
#[derive(Clone, Debug)]
pub struct Sweep {
    /// The design (swept keys and their values at each point).
    pub design: Design,
    /// The scenario at each point, validated.
    pub scenarios: Vec<Scenario>,
    /// The file (or `<built-in default>`), for messages.
    pub origin: String,
    /// The base scenario's text after the sweep-wide `--set` overrides (recorded in
    /// `sweep.json`).
    pub base_text: String,
    /// What replaces the scenario's seed and replicates at every point.
    pub options: Options,
}

/// The command-line options that change every point's scenario.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Options {
    /// `--seed`.
    pub seed: Option<u64>,
    /// `--replicates`.
    pub replicates: Option<u32>,
    /// `--weekly`: also write every run's weekly rows (`weekly.csv`).
    #[serde(default)]
    pub weekly: bool,
}

fn rule_names(scenario: &Scenario) -> String {
    let names: Vec<&str> = scenario
        .payouts
        .rules
        .iter()
        .map(|r| r.name.as_str())
        .collect();
    format!("[{}]", names.join(", "))
}

/// One (point, replicate world) of a sweep: its policies run on one generated world.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Task {
    /// Design point.
    pub point: usize,
    /// Replicate world.
    pub replicate: u32,
}

impl Sweep {
    /// Checks every point of `design` on the scenario at `path` (the built-in default
    /// when `None`) with the sweep-wide `overrides`, as `check` would, before any work;
    /// `seed` and `replicates` replace the scenario's at every point. A bad point is named
    /// with its id, key path, value and what is allowed.
    pub fn plan(
        path: Option<&Path>,
        overrides: &[Override],
        design: Design,
        options: Options,
    ) -> Result<Self> {
        let base = ScenarioText::load(path, overrides)?;
        base.validate()?;
        Self::build(base, design, options)
    }

    /// The sweep a directory's `sweep.json` describes (to merge shards).
    pub fn from_identity(identity: &Identity) -> Result<Self> {
        let base = ScenarioText::new(
            identity.base_scenario.clone(),
            identity.scenario_source.clone(),
        );
        let design = Design {
            keys: identity.keys.clone(),
            points: identity.points.clone(),
        };
        Self::build(base, design, identity.options)
    }

    /// Each point is the base text with the design's overrides, validated.
    fn build(base: ScenarioText, design: Design, options: Options) -> Result<Self> {
        let mut scenarios = Vec::with_capacity(design.len());
        for point in 0..design.len() {
            let at_point = || -> Result<Scenario> {
                let mut scenario = base
                    .clone()
                    .with_overrides(&design.overrides(point))?
                    .validate()?;
                if let Some(seed) = options.seed {
                    scenario = scenario.with_seed(seed);
                }
                if let Some(replicates) = options.replicates {
                    scenario = scenario.with_replicates(replicates)?;
                }
                // A sweep keeps run-level metrics only, none of which reads the
                // distinct-listener sets behind tracks.csv: they would cost time and memory.
                scenario.measures.listeners_per_track = false;
                // Every point's rows have the same columns: the payout metrics' names
                // carry the rule sets' names.
                if let Some(first) = scenarios.first()
                    && run_metric_names(first) != run_metric_names(&scenario)
                {
                    return Err(Error::InvalidScenario {
                        origin: base.origin.clone(),
                        key: "payouts.rules".to_owned(),
                        message: format!(
                            "differs from point 0's {}: a sweep's points must settle the same \
                             payout rule sets (their knobs may vary)",
                            rule_names(first)
                        ),
                    });
                }
                Ok(scenario)
            };
            let scenario = at_point().map_err(|e| Error::InvalidPoint {
                point,
                settings: settings(&design, point),
                message: e.to_string(),
            })?;
            scenarios.push(scenario);
        }
        Ok(Self {
            design,
            scenarios,
            origin: base.origin,
            base_text: base.text,
            options,
        })
    }

    /// Every task, in design order (point, then replicate).
    pub fn tasks(&self) -> Vec<Task> {
        self.scenarios
            .iter()
            .enumerate()
            .flat_map(|(point, s)| {
                (0..s.replicates).map(move |replicate| Task { point, replicate })
            })
            .collect()
    }

    /// Runs in the whole design: points × replicates × policies.
    pub fn runs(&self) -> u64 {
        self.scenarios
            .iter()
            .map(|s| u64::from(s.replicates) * s.policies.len() as u64)
            .sum()
    }

    /// The tasks of `shard` (every task for `None`), in design order.
    pub fn tasks_of(&self, shard: Option<Shard>) -> Vec<Task> {
        self.tasks()
            .into_iter()
            .enumerate()
            .filter(|&(i, _)| shard.is_none_or(|s| s.holds(i)))
            .map(|(_, t)| t)
            .collect()
    }

    /// Runs in the tasks of `shard` (all runs for `None`).
    pub fn runs_of(&self, shard: Option<Shard>) -> u64 {
        self.tasks_of(shard)
            .into_iter()
            .map(|t| self.runs_in(t))
            .sum()
    }

    /// Runs of `shard` (all for `None`) not yet recorded in the sweep directory `dir`:
    /// what a `--resume` still has to do.
    pub fn runs_left(&self, shard: Option<Shard>, dir: &Path) -> u64 {
        let done = journal::recorded_tasks(dir);
        self.tasks_of(shard)
            .into_iter()
            .filter(|t| !done.contains(&(t.point, t.replicate)))
            .map(|t| self.runs_in(t))
            .sum()
    }

    /// Runs in `task`: one per policy of its point.
    pub fn runs_in(&self, task: Task) -> u64 {
        self.scenarios[task.point].policies.len() as u64
    }

    /// The point with the most listeners × tracks: the one whose runs need most memory.
    pub fn largest_point(&self) -> &Scenario {
        self.scenarios
            .iter()
            .max_by_key(|s| u64::from(s.listeners) * u64::from(s.total_tracks()))
            .expect("invariant: a design has at least one point")
    }
}

/// `key=value, key=value` of a point, for messages.
fn settings(design: &Design, point: usize) -> String {
    design
        .keys
        .iter()
        .zip(design.cells(point))
        .map(|(k, v)| format!("{k}={v}"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// What happened to the tasks of one call to [`run_sweep`].
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Outcome {
    /// Tasks already recorded in the directory (skipped).
    pub skipped_tasks: usize,
    /// Tasks run now.
    pub ran_tasks: usize,
    /// Runs that failed (an error row each), over the whole design.
    pub failed_runs: usize,
}

/// Runs every task of `sweep` not yet recorded in `dir` (created, or a directory of the
/// same sweep when `resume`), then assembles the tables (a shard, whose `identity` names
/// it, runs only its tasks and leaves the tables to [`merge`]). `on_task` is called with the
/// runs of each task as it finishes, from any thread; work is spread over the current
/// rayon pool, one task per thread at a time.
pub fn run_sweep(
    sweep: &Sweep,
    identity: &Identity,
    dir: &Path,
    resume: bool,
    on_task: &(dyn Fn(u64) + Sync),
) -> Result<Outcome> {
    let journal = journal::Journal::open(dir, identity, resume)?;
    let tasks = sweep.tasks();
    let shard = identity.shard;
    let mine = sweep.tasks_of(shard);
    let todo: Vec<Task> = mine.iter().copied().filter(|&t| !journal.has(t)).collect();
    let skipped = mine.len() - todo.len();
    if journal.complete() {
        return Ok(Outcome {
            skipped_tasks: mine.len(),
            ran_tasks: 0,
            failed_runs: journal.failed_runs(),
        });
    }

    let next = AtomicUsize::new(0);
    let failure: Mutex<Option<Error>> = Mutex::new(None);
    let lanes = rayon::current_num_threads().min(todo.len()).max(1);
    (0..lanes).into_par_iter().for_each(|_| {
        loop {
            if failure.lock().map(|f| f.is_some()).unwrap_or(true) {
                return;
            }
            let i = next.fetch_add(1, Ordering::Relaxed);
            let Some(&task) = todo.get(i) else {
                return;
            };
            let rows = run_task(sweep, task);
            if let Err(e) = journal.record(task, &rows) {
                if let Ok(mut f) = failure.lock() {
                    f.get_or_insert(e);
                }
                return;
            }
            on_task(sweep.runs_in(task));
        }
    });
    if let Some(e) = failure.into_inner().ok().flatten() {
        return Err(e);
    }
    let failed_runs = if shard.is_some() {
        // A shard's tables are made by `chartsim merge`; count its failed runs.
        let mut failed = 0;
        for &task in &mine {
            failed += journal.read(task)?.errors.lines().count();
        }
        failed
    } else {
        let failed = tables::assemble(sweep, &journal, &tasks)?;
        write_report(dir)?;
        failed
    };
    journal.finish(failed_runs)?;
    Ok(Outcome {
        skipped_tasks: skipped,
        ran_tasks: todo.len(),
        failed_runs,
    })
}

/// Writes the sweep's `report.html` from its tables.
fn write_report(dir: &Path) -> Result<()> {
    crate::report::write_sweep_report(dir).map_err(|e| Error::WriteResults {
        path: dir.join("report.html"),
        source: std::io::Error::other(e.to_string()),
    })
}

/// One task's rows: a `runs.csv` line per policy and region, and an error line per
/// policy whose run failed.
pub struct TaskRows {
    /// Lines of `runs.csv` (each ending in a newline).
    pub runs: String,
    /// Lines of `errors.csv`.
    pub errors: String,
    /// Lines of `weekly.csv` (with `--weekly`).
    pub weekly: String,
}

/// Generates the task's world and runs every policy of its point on it.
fn run_task(sweep: &Sweep, task: Task) -> TaskRows {
    let scenario = &sweep.scenarios[task.point];
    let key = replicate_key(scenario, task.replicate);
    let prefix = tables::row_prefix(&sweep.design, task);
    let mut rows = TaskRows {
        runs: String::new(),
        errors: String::new(),
        weekly: String::new(),
    };
    let world = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        World::generate(scenario, key)
    }))
    .map_err(|payload| format!("generating the world: {}", panic_message(payload.as_ref())));
    let replicate = |world| Replicate {
        scenario,
        world,
        index: task.replicate,
        key,
    };
    let warm = match &world {
        Ok(world) => std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            warm_up(&replicate(world), &|| {})
        }))
        .map_err(|payload| {
            format!(
                "the baseline's warm-up to the branch day: {}",
                panic_message(payload.as_ref())
            )
        }),
        Err(message) => Err(message.clone()),
    };
    for (p, policy) in scenario.policies.iter().enumerate() {
        let outcome = match (&world, &warm) {
            (Ok(world), Ok(warm)) => std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                if injected_failure(task, &policy.name) {
                    panic!("failure injected by {FAIL_RUN_VARIABLE}");
                }
                let run = run_from(warm.as_ref(), &replicate(world), p, &|| {});
                let weekly = if sweep.options.weekly {
                    tables::weekly_lines(&prefix, &run)
                } else {
                    String::new()
                };
                (run_metrics(scenario, &run), weekly)
            }))
            .map_err(|payload| panic_message(payload.as_ref())),
            (Err(message), _) | (_, Err(message)) => Err(message.clone()),
        };
        match outcome {
            Ok((values, weekly)) => {
                tables::push_runs(&mut rows.runs, &prefix, scenario, &policy.name, &values);
                rows.weekly.push_str(&weekly);
            }
            Err(message) => tables::push_error(&mut rows.errors, &prefix, &policy.name, &message),
        }
    }
    rows
}

/// Fault injection for testing how a sweep records a failed run: with
/// `CHARTSIM_FAIL_RUN=POINT/REPLICATE/POLICY` set, that run stops as a failing run would.
pub const FAIL_RUN_VARIABLE: &str = "CHARTSIM_FAIL_RUN";

fn injected_failure(task: Task, policy: &str) -> bool {
    std::env::var(FAIL_RUN_VARIABLE)
        .is_ok_and(|v| v == format!("{}/{}/{policy}", task.point, task.replicate))
}

/// The text of a panic's payload.
fn panic_message(payload: &(dyn std::any::Any + Send)) -> String {
    payload
        .downcast_ref::<&str>()
        .map(|s| (*s).to_owned())
        .or_else(|| payload.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "the run stopped with an unknown error".to_owned())
}

/// Where a sweep's results go by default: `results/<name>/sweep-<design hash>`.
pub fn default_dir(sweep: &Sweep, identity: &Identity) -> PathBuf {
    Path::new("results")
        .join(&sweep.scenarios[0].name)
        .join(format!("sweep-{:016x}", identity.fingerprint()))
}
