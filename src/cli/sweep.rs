//! `chartsim sweep`: the design from the file's `[[sweep.axis]]` tables, `--grid` or
//! `--design`, checked whole before anything runs, then run with progress and streamed
//! to the result directory.

use std::io::IsTerminal;
use std::path::PathBuf;
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use anyhow::{Context, bail};
use indicatif::ProgressBar;

use chartsim::scenario::sweep::{Axis, Design, parse_grid, take_axes};
use chartsim::scenario::{Override, ScenarioText};
use chartsim::sweep::{Identity, Options, Shard, Sweep, default_dir, run_sweep};

use super::{Knobs, default_threads, memory, progress_bar};

#[derive(clap::Args)]
pub struct SweepArgs {
    /// Scenario file (TOML) with its [[sweep.axis]] tables; the built-in default when
    /// omitted.
    scenario: Option<PathBuf>,
    /// An axis: KEY=VALUES, a list (`0,0.2,0.4`, `uk,raw`) or an inclusive range
    /// (`0:0.6:0.1`); any key `--set` takes (repeatable). Replaces the file's axis of the
    /// same key; the grid is the full product of the axes.
    #[arg(long, value_name = "KEY=VALUES")]
    grid: Vec<String>,
    /// Axes that vary together instead of being crossed: `--zip KEY,KEY` (repeatable;
    /// the axes need the same number of values).
    #[arg(long, value_name = "KEY,KEY")]
    zip: Vec<String>,
    /// A design file instead of axes: a header of key paths, then one row per point
    /// (a SALib or scipy.stats.qmc sample matrix; see the README).
    #[arg(long, value_name = "FILE.csv", conflicts_with_all = ["grid", "zip"])]
    design: Option<PathBuf>,
    /// Result directory [default: results/<scenario name>/sweep-<design hash>].
    #[arg(long, conflicts_with = "resume")]
    out: Option<PathBuf>,
    /// Continue the sweep in DIR, skipping every run recorded there.
    #[arg(long, value_name = "DIR")]
    resume: Option<PathBuf>,
    /// Also write every run's weekly rows to weekly.csv (large: weeks × regions rows a run).
    #[arg(long)]
    weekly: bool,
    /// Refuse designs of more runs (points × replicates × policies).
    #[arg(long, value_name = "N")]
    max_runs: Option<u64>,
    /// Run only part K of N of the design (K from 0), into its own directory, for
    /// `chartsim merge`. `--shard N` takes K from $SLURM_ARRAY_TASK_ID, else
    /// $JOB_COMPLETION_INDEX (Kubernetes Indexed Jobs).
    #[arg(long, value_name = "K/N")]
    shard: Option<String>,
    #[command(flatten)]
    knobs: Knobs,
}

pub fn sweep(args: SweepArgs) -> anyhow::Result<()> {
    let overrides = args
        .knobs
        .set
        .iter()
        .map(|o| Override::parse(o))
        .collect::<Result<Vec<_>, _>>()?;
    let design = match &args.design {
        Some(file) => Design::from_csv(file)?,
        None => Design::grid(&axes(&args, &overrides)?)?,
    };
    let sweep = Sweep::plan(
        args.scenario.as_deref(),
        &overrides,
        design,
        Options {
            seed: args.knobs.seed,
            replicates: args.knobs.replicates,
            weekly: args.weekly,
        },
    )?;
    let runs = sweep.runs();
    if let Some(max) = args.max_runs
        && runs > max
    {
        bail!(
            "the design has {runs} runs ({} points); --max-runs allows {max}",
            sweep.design.len()
        );
    }
    let threads = args.knobs.threads.unwrap_or_else(default_threads);
    // One task (a world and one run) per thread at a time.
    let largest = sweep
        .largest_point()
        .clone()
        .with_replicates(threads as u32)?;
    memory::ensure_fits(&largest, threads, args.knobs.max_memory)?;

    let shard = args.shard.as_deref().map(parse_shard).transpose()?;
    let identity = Identity::new(&sweep, shard);
    let (dir, resume) = match (&args.resume, &args.out) {
        (Some(dir), _) => (dir.clone(), true),
        (None, Some(dir)) => (dir.clone(), false),
        (None, None) => {
            let dir = default_dir(&sweep, &identity);
            match shard {
                Some(s) => (dir.join(format!("shard-{}-of-{}", s.index, s.count)), false),
                None => (dir, false),
            }
        }
    };
    let scenario = &sweep.scenarios[0];
    if !args.knobs.quiet {
        let part = shard.map_or(String::new(), |s| {
            format!(
                " (shard {}/{}: {} of them)",
                s.index,
                s.count,
                sweep.runs_of(shard)
            )
        });
        eprintln!(
            "sweep: {} points × {} replicates × {} policies = {runs} runs{part}; results in {}",
            sweep.design.len(),
            scenario.replicates,
            scenario.policies.len(),
            dir.display()
        );
    }

    let progress = Progress::new(sweep.runs_left(shard, &dir), args.knobs.quiet);
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build()
        .context("cannot start worker threads")?;
    let started = Instant::now();
    let outcome =
        pool.install(|| run_sweep(&sweep, &identity, &dir, resume, &|n| progress.add(n)))?;
    progress.finish();
    if !args.knobs.quiet {
        let skipped = if outcome.skipped_tasks > 0 {
            format!(" ({} tasks were already done)", outcome.skipped_tasks)
        } else {
            String::new()
        };
        let part = shard.map_or(String::new(), |s| {
            format!(" (shard {}/{})", s.index, s.count)
        });
        println!(
            "swept {} points{part} in {:.1} s{skipped}; results in {}",
            sweep.design.len(),
            started.elapsed().as_secs_f64(),
            dir.display()
        );
    }
    failed_runs(outcome.failed_runs, &format!(" of {runs}"), &dir)
}

/// An error (so a non-zero exit) when runs failed: how many of `of_total`, and where
/// their rows are.
fn failed_runs(failed: usize, of_total: &str, dir: &std::path::Path) -> anyhow::Result<()> {
    if failed > 0 {
        bail!(
            "{failed}{of_total} runs failed; their rows are in {}",
            dir.join(chartsim::sweep::ERROR_FILE).display()
        );
    }
    Ok(())
}

/// `K/N` (K from 0), or `N` or `/N` with K from the array job's environment.
fn parse_shard(text: &str) -> anyhow::Result<Shard> {
    let bad = |message: String| anyhow::anyhow!("invalid option --shard {text}: {message}");
    let (k, n) = text.split_once('/').unwrap_or(("", text));
    let count: usize = n.trim().parse().ok().filter(|&n| n >= 1).ok_or_else(|| {
        bad(format!(
            "N must be a whole number of parts, at least 1, got '{n}'"
        ))
    })?;
    let (index, from) = if k.trim().is_empty() {
        let (variable, value) = ["SLURM_ARRAY_TASK_ID", "JOB_COMPLETION_INDEX"]
            .iter()
            .find_map(|v| std::env::var(v).ok().map(|value| (*v, value)))
            .ok_or_else(|| {
                bad("K is not given and neither $SLURM_ARRAY_TASK_ID nor $JOB_COMPLETION_INDEX is set".into())
            })?;
        (value, format!(" (from ${variable})"))
    } else {
        (k.trim().to_owned(), String::new())
    };
    match index.parse::<usize>() {
        Ok(index) if index < count => Ok(Shard { index, count }),
        _ => Err(bad(format!(
            "K{from} must be a whole number from 0 to {}, got '{index}'",
            count - 1
        ))),
    }
}

/// The file's axes, with `--grid` axes replacing those of the same key or added after
/// them, and `--zip` groups applied.
fn axes(args: &SweepArgs, overrides: &[Override]) -> anyhow::Result<Vec<Axis>> {
    let text = ScenarioText::load(args.scenario.as_deref(), overrides)?;
    let mut doc: toml::Table = text.text.parse().context("the scenario is not TOML")?;
    let mut axes = take_axes(&mut doc, &text.origin)?;
    for grid in &args.grid {
        let axis = parse_grid(grid)?;
        match axes.iter_mut().find(|a| a.key == axis.key) {
            Some(existing) => existing.values = axis.values,
            None => axes.push(axis),
        }
    }
    for (g, zip) in args.zip.iter().enumerate() {
        let keys: Vec<&str> = zip.split(',').map(str::trim).collect();
        if keys.len() < 2 {
            bail!("invalid option --zip {zip}: name at least two swept keys, e.g. --zip a.b,c.d");
        }
        for key in keys {
            let Some(axis) = axes.iter_mut().find(|a| a.key == key) else {
                bail!("invalid option --zip {zip}: {key} is not a swept key (give it with --grid)");
            };
            axis.group = Some(format!("--zip {g}"));
        }
    }
    if axes.is_empty() {
        bail!(
            "nothing to sweep: give axes with --grid KEY=VALUES, [[sweep.axis]] tables in the file, or --design FILE.csv"
        );
    }
    Ok(axes)
}

/// Progress over runs: a bar with an estimate on a terminal, otherwise a plain line every
/// ten seconds (cluster logs).
struct Progress {
    bar: ProgressBar,
    plain: bool,
    total: u64,
    done: AtomicU64,
    started: Instant,
    last_line: Mutex<Instant>,
}

impl Progress {
    fn new(total: u64, quiet: bool) -> Self {
        let terminal = std::io::stderr().is_terminal();
        let bar = progress_bar(
            total,
            quiet,
            "{elapsed_precise} [{bar:30}] {pos}/{len} runs, {eta} left",
        );
        Self {
            bar,
            plain: !quiet && !terminal,
            total,
            done: AtomicU64::new(0),
            started: Instant::now(),
            last_line: Mutex::new(Instant::now()),
        }
    }

    fn add(&self, runs: u64) {
        self.bar.inc(runs);
        let done = self.done.fetch_add(runs, Ordering::Relaxed) + runs;
        if !self.plain {
            return;
        }
        let Ok(mut last) = self.last_line.lock() else {
            return;
        };
        if last.elapsed() >= Duration::from_secs(10) || done == self.total {
            *last = Instant::now();
            let elapsed = self.started.elapsed().as_secs_f64();
            let left = elapsed / done as f64 * (self.total - done) as f64;
            eprintln!(
                "sweep: {done}/{} runs after {elapsed:.0} s, about {left:.0} s left",
                self.total
            );
        }
    }

    fn finish(&self) {
        self.bar.finish_and_clear();
    }
}

/// `chartsim merge OUT SHARD...`.
pub fn merge(out: &std::path::Path, shards: &[PathBuf], quiet: bool) -> anyhow::Result<()> {
    let outcome = chartsim::sweep::merge(out, shards)?;
    if !quiet {
        println!(
            "merged {} shards; results in {}",
            shards.len(),
            out.display()
        );
    }
    failed_runs(outcome.failed_runs, "", out)
}
