//! Command-line interface: parsing and presentation only; the library does the work.

use std::fmt::Write as _;
use std::io::{IsTerminal, Write as _};
use std::path::{Path, PathBuf};

use anyhow::Context;
use clap::{Parser, Subcommand};
use indicatif::{ProgressBar, ProgressStyle};

use chartsim::batch::{BatchOutput, run_batch, simulated_weeks};
use chartsim::output::{Manifest, RecordedRun, prepare, write_results};
use chartsim::scenario::{Override, Scenario, ScenarioText};

mod interrupt;
mod memory;
mod sweep;

/// chartsim: what recommenders, fandoms and chart rules do to what a country hears.
#[derive(Parser)]
#[command(version, about, long_about = None)]
pub struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Run a scenario (the built-in default when no file is given) and write results.
    Run(RunArgs),
    /// Run a scenario at every point of a design (--grid, [[sweep.axis]] or --design),
    /// every policy on the same replicate worlds, streaming runs.csv and points.csv.
    Sweep(sweep::SweepArgs),
    /// Join the shard directories of one sweep (`sweep --shard K/N`) into OUT: the files
    /// one machine running the whole sweep would have written.
    Merge {
        /// The merged result directory (absent or empty).
        out: PathBuf,
        /// The shards' directories, all of the same sweep.
        #[arg(required = true)]
        shards: Vec<PathBuf>,
        /// No summary line.
        #[arg(long)]
        quiet: bool,
    },
    /// Validate a scenario file without running it.
    Check {
        /// Scenario file (TOML).
        scenario: PathBuf,
    },
    /// Print the built-in default scenario, a commented starting point for your own.
    New,
    /// Redraw DIR/plots/* and DIR/report.html from a result directory's files alone.
    Plot {
        /// Result directory written by `chartsim run`.
        dir: PathBuf,
    },
}

#[derive(clap::Args)]
struct RunArgs {
    /// Scenario file (TOML); the built-in default scenario when omitted.
    #[arg(conflicts_with = "manifest")]
    scenario: Option<PathBuf>,
    /// Repeat the run recorded in a result's manifest.json (its scenario, seed and
    /// replicates; other options still apply).
    #[arg(long, value_name = "FILE")]
    manifest: Option<PathBuf>,
    /// Result directory [default: results/<scenario name>/seed-<seed>, plus the
    /// overrides, e.g. seed-42+utility.local=1.0].
    #[arg(long)]
    out: Option<PathBuf>,
    /// Replace a result in --out even if it was made from a different scenario.
    #[arg(long)]
    force: bool,
    #[command(flatten)]
    knobs: Knobs,
}

/// The options `run` and `sweep` share.
#[derive(clap::Args)]
struct Knobs {
    /// Master seed, overriding the scenario's.
    #[arg(long)]
    seed: Option<u64>,
    /// Replicate worlds, overriding the scenario's.
    #[arg(long)]
    replicates: Option<u32>,
    /// Worker threads, 1 to 4 × the cores [default: all cores]. Results do not depend on it.
    #[arg(long, allow_negative_numbers = true, value_parser = parse_threads)]
    threads: Option<usize>,
    /// Most memory a run may use, e.g. 16GB [default: what the machine has available].
    /// A run estimated to need more is refused before it starts.
    #[arg(long, value_name = "SIZE", value_parser = memory::parse_max_memory)]
    max_memory: Option<u64>,
    /// No progress and no table or summary line.
    #[arg(long)]
    quiet: bool,
    /// Change one scenario key, e.g. `--set fraud_filter.detection=0.5`,
    /// `--set 'fandoms=[]'`, `--set listening.slate_size=5` (repeatable; array entries
    /// by index, `fandoms[0].replays_per_day=10`; values are TOML).
    #[arg(long = "set", value_name = "KEY=VALUE")]
    set: Vec<String>,
}

/// Most worker threads allowed: more than a few per core only adds overhead (1,024
/// threads made a small run 400 times slower), and far more exhausts the system.
fn max_threads() -> usize {
    4 * default_threads()
}

/// One worker thread per core.
fn default_threads() -> usize {
    std::thread::available_parallelism().map_or(1, usize::from)
}

fn parse_threads(text: &str) -> Result<usize, String> {
    let max = max_threads();
    let allowed = format!("must be a whole number from 1 to {max} (4 × the cores)");
    match text.trim().parse::<i64>() {
        Ok(n) if (1..=max as i64).contains(&n) => Ok(n as usize),
        Ok(n) => Err(format!("{allowed}, got {n}")),
        Err(_) => Err(format!(
            "{allowed}, got '{}'",
            chartsim::output::shorten(text)
        )),
    }
}

impl Cli {
    /// Runs the chosen subcommand.
    pub fn execute(self) -> anyhow::Result<()> {
        match self.command {
            Command::Run(args) => run(args),
            Command::Sweep(args) => sweep::sweep(args),
            Command::Merge { out, shards, quiet } => sweep::merge(&out, &shards, quiet),
            Command::Check { scenario } => {
                let s = Scenario::from_file(&scenario)?;
                println!(
                    "{}: ok — {} regions, {} genres, {} policies, {} listeners, {} days, {} replicates; {}",
                    scenario.display(),
                    s.regions.len(),
                    s.genres.len(),
                    s.policies.len(),
                    s.listeners,
                    s.days,
                    s.replicates,
                    memory::describe(&s, default_threads())
                );
                Ok(())
            }
            Command::Plot { dir } if dir.join(chartsim::sweep::SWEEP_FILE).is_file() => {
                chartsim::report::write_sweep_report(&dir)?;
                Ok(())
            }
            Command::Plot { dir } => {
                chartsim::report::redraw(&dir)?;
                Ok(())
            }
            Command::New => {
                print!("{}", new_scenario_text());
                Ok(())
            }
        }
    }
}

/// The default scenario as a starting point, under its own name so that running it
/// never writes over the default's results.
fn new_scenario_text() -> String {
    chartsim::scenario::DEFAULT_SCENARIO_TOML.replacen(
        "name = \"default\"",
        "name = \"my-scenario\"",
        1,
    )
}

/// The scenario to run and where it came from, from a file, the default or a manifest.
fn resolve(args: &RunArgs, overrides: &[Override]) -> anyhow::Result<(Scenario, ScenarioText)> {
    let (mut scenario, text) = match &args.manifest {
        Some(path) => {
            let recorded = RecordedRun::read(path)?;
            if recorded.chartsim_version != env!("CARGO_PKG_VERSION") {
                eprintln!(
                    "warning: {} was written by chartsim {}; this is {}, whose results may differ",
                    path.display(),
                    recorded.chartsim_version,
                    env!("CARGO_PKG_VERSION")
                );
            }
            recorded.resolve(overrides)?
        }
        None => {
            let text = ScenarioText::load(args.scenario.as_deref(), overrides)?;
            (text.validate()?, text)
        }
    };
    if let Some(seed) = args.knobs.seed {
        scenario = scenario.with_seed(seed);
    }
    if let Some(replicates) = args.knobs.replicates {
        scenario = scenario.with_replicates(replicates)?;
    }
    Ok((scenario, text))
}

/// `results/<name>/seed-<seed>`, followed by the overrides when there are any, so runs
/// that change a knob never share a folder with the plain run.
fn default_out(scenario: &Scenario, args: &RunArgs) -> PathBuf {
    let mut changes: Vec<String> = args.knobs.set.iter().map(|s| s.trim().to_owned()).collect();
    if let Some(replicates) = args.knobs.replicates {
        changes.push(format!("replicates={replicates}"));
    }
    let mut folder = format!("seed-{}", scenario.seed);
    if !changes.is_empty() {
        let joined = changes.join("+");
        let safe: String = joined
            .chars()
            .map(|c| {
                if c.is_ascii_alphanumeric() || "._=+-".contains(c) {
                    c
                } else {
                    '_'
                }
            })
            .collect();
        if safe.len() <= 80 {
            folder = format!("{folder}+{safe}");
        } else {
            let hash = chartsim::rng::fingerprint(joined.as_bytes());
            folder = format!("{folder}+set-{hash:016x}");
        }
    }
    Path::new("results").join(&scenario.name).join(folder)
}

fn run(args: RunArgs) -> anyhow::Result<()> {
    let overrides = args
        .knobs
        .set
        .iter()
        .map(|o| Override::parse(o))
        .collect::<Result<Vec<_>, _>>()?;
    let (scenario, text) = resolve(&args, &overrides)?;
    let out = args
        .out
        .clone()
        .unwrap_or_else(|| default_out(&scenario, &args));
    let threads = args.knobs.threads.unwrap_or_else(default_threads);
    memory::ensure_fits(&scenario, threads, args.knobs.max_memory)?;
    let (staging, cleaned) = prepare(&out, &scenario, args.force)?;
    if !args.knobs.quiet {
        for sentence in cleaned {
            eprintln!("note: {sentence}");
        }
    }
    interrupt::watch(staging.handle(), out.clone())?;

    let total = simulated_weeks(&scenario);
    let bar = progress_bar(
        total,
        args.knobs.quiet,
        "{spinner} {elapsed_precise} [{bar:40}] {pos}/{len} run-weeks (eta {eta})",
    );
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build()
        .context("cannot start worker threads")?;
    let started = std::time::Instant::now();
    let batch = pool.install(|| run_batch(&scenario, &|| bar.inc(1)));
    bar.finish_and_clear();
    let elapsed = started.elapsed();

    let manifest = Manifest {
        command: command_line(),
        reproduce: quote(&[
            "chartsim",
            "run",
            "--manifest",
            &out.join("manifest.json").display().to_string(),
        ]),
        scenario_source: text.origin.clone(),
        scenario_toml: text.text,
    };
    write_results(staging, &out, &scenario, &batch, &manifest)?;
    if !args.knobs.quiet {
        let mut text = comparison_table(&scenario, &batch);
        writeln!(
            text,
            "\nsimulated {} runs ({} replicates × {} policies) in {:.1} s; results in {}",
            batch.runs.len(),
            scenario.replicates,
            scenario.policies.len(),
            elapsed.as_secs_f64(),
            out.display()
        )
        .expect("invariant: writing to a String cannot fail");
        std::io::stdout().lock().write_all(text.as_bytes())?;
    }
    if std::env::var_os("CHARTSIM_REPORT_MEMORY").is_some_and(|v| v == "1") {
        memory::report(&scenario, pool.current_num_threads());
    }
    Ok(())
}

/// A progress bar over `total` steps drawn with `template`, on a terminal only (hidden
/// when `quiet` or when stderr is not a terminal).
fn progress_bar(total: u64, quiet: bool, template: &str) -> ProgressBar {
    if quiet || !std::io::stderr().is_terminal() {
        return ProgressBar::hidden();
    }
    ProgressBar::new(total).with_style(
        ProgressStyle::with_template(template)
            .expect("invariant: valid template")
            .progress_chars("=> "),
    )
}

/// Words joined into one POSIX shell command line, each quoted where it needs it.
fn quote(words: &[&str]) -> String {
    shlex::try_join(words.iter().copied()).unwrap_or_else(|_| {
        // Only a NUL byte cannot be quoted, and no argument can contain one.
        words.join(" ")
    })
}

/// This invocation, as `chartsim ...` (not the path of the binary, which only works
/// where it was built), quoted so it can be pasted into a shell.
fn command_line() -> String {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let words: Vec<&str> = std::iter::once("chartsim")
        .chain(args.iter().map(String::as_str))
        .collect();
    quote(&words)
}

/// Headline metrics shown in the terminal table: (metric, column title, scale).
const TABLE: &[(&str, &str, f64)] = &[
    ("hhi_tracks", "HHI×1000", 1000.0),
    ("top10_share", "top-10 %", 100.0),
    ("local_share_streams", "local streams %", 100.0),
    ("local_share_top10", "local top-10 %", 100.0),
    ("genre_entropy_individual", "indiv. genre H", 1.0),
    ("no1_max_weeks", "max wks No.1", 1.0),
];

fn comparison_table(scenario: &Scenario, batch: &BatchOutput) -> String {
    let mut t = String::new();
    let _ = writeln!(
        t,
        "Policy comparison: mean ± 95% CI half-width over {} replicates (weeks after burn-in)",
        scenario.replicates
    );
    let regions = scenario.region_labels();
    for region in regions {
        let _ = write!(t, "\n{region}\n  {:<16}", "policy");
        for (_, title, _) in TABLE {
            let _ = write!(t, " {title:>16}");
        }
        let _ = writeln!(t);
        for policy in &scenario.policies {
            let _ = write!(t, "  {:<16}", policy.name);
            for (metric, _, scale) in TABLE {
                let cell = match batch.summary_of(&policy.name, region, metric) {
                    Some(s) if s.n > 1 => format!(
                        "{:.2} ± {:.2}",
                        s.mean * scale,
                        (s.ci_high - s.mean) * scale
                    ),
                    Some(s) => format!("{:.2}", s.mean * scale),
                    None => "—".to_owned(),
                };
                let _ = write!(t, " {cell:>16}");
            }
            let _ = writeln!(t);
        }
    }
    t
}
