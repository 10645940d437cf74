//! Command-line interface: parsing and presentation only; the library does the work.

use std::fmt::Write as _;
use std::io::{IsTerminal, Write as _};
use std::path::{Path, PathBuf};

use anyhow::Context;
use clap::{Parser, Subcommand};
use indicatif::{ProgressBar, ProgressStyle};

use chartsim::batch::{BatchOutput, run_batch};
use chartsim::output::{Manifest, check_replaceable, write_results};
use chartsim::scenario::{Override, Scenario};

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
    scenario: Option<PathBuf>,
    /// Result directory [default: results/<scenario name>/seed-<seed>].
    #[arg(long)]
    out: Option<PathBuf>,
    /// Master seed, overriding the scenario's.
    #[arg(long)]
    seed: Option<u64>,
    /// Replicate worlds, overriding the scenario's.
    #[arg(long)]
    replicates: Option<u32>,
    /// Worker threads [default: all cores]. Results do not depend on it.
    #[arg(long)]
    threads: Option<usize>,
    /// No progress bar and no table.
    #[arg(long)]
    quiet: bool,
    /// Change one scenario key, e.g. `--set fraud_filter.detection=0.5`,
    /// `--set 'fandoms=[]'`, `--set listening.slate_size=5` (repeatable; array entries
    /// by index, `fandoms[0].replays_per_day=10`; values are TOML).
    #[arg(long = "set", value_name = "KEY=VALUE")]
    set: Vec<String>,
}

impl Cli {
    /// Runs the chosen subcommand.
    pub fn execute(self) -> anyhow::Result<()> {
        match self.command {
            Command::Run(args) => run(args),
            Command::Check { scenario } => {
                let s = Scenario::from_file(&scenario)?;
                println!(
                    "{}: ok — {} regions, {} genres, {} policies, {} listeners, {} days, {} replicates",
                    scenario.display(),
                    s.regions.len(),
                    s.genres.len(),
                    s.policies.len(),
                    s.listeners,
                    s.days,
                    s.replicates
                );
                Ok(())
            }
            Command::Plot { dir } => {
                chartsim::report::write_plots_and_report(&dir)?;
                Ok(())
            }
            Command::New => {
                print!("{}", chartsim::scenario::DEFAULT_SCENARIO_TOML);
                Ok(())
            }
        }
    }
}

fn run(args: RunArgs) -> anyhow::Result<()> {
    let overrides = args
        .set
        .iter()
        .map(|o| Override::parse(o))
        .collect::<Result<Vec<_>, _>>()?;
    let mut scenario = Scenario::load_with(args.scenario.as_deref(), &overrides)?;
    let source = args.scenario.as_ref().map_or_else(
        || "<built-in default>".to_owned(),
        |p| p.display().to_string(),
    );
    if let Some(seed) = args.seed {
        scenario = scenario.with_seed(seed);
    }
    if let Some(replicates) = args.replicates {
        scenario = scenario.with_replicates(replicates)?;
    }
    if args.threads == Some(0) {
        anyhow::bail!("invalid option --threads: must be at least 1, got 0");
    }
    let out = args.out.clone().unwrap_or_else(|| {
        Path::new("results")
            .join(&scenario.name)
            .join(format!("seed-{}", scenario.seed))
    });
    check_replaceable(&out)?;

    let total = u64::from(scenario.replicates)
        * scenario.policies.len() as u64
        * u64::from(scenario.weeks());
    let bar = if args.quiet || !std::io::stderr().is_terminal() {
        ProgressBar::hidden()
    } else {
        ProgressBar::new(total).with_style(
            ProgressStyle::with_template(
                "{spinner} {elapsed_precise} [{bar:40}] {pos}/{len} run-weeks (eta {eta})",
            )
            .expect("invariant: valid template")
            .progress_chars("=> "),
        )
    };
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(args.threads.unwrap_or(0))
        .build()
        .context("cannot start worker threads")?;
    let started = std::time::Instant::now();
    let batch = pool.install(|| run_batch(&scenario, &|| bar.inc(1)));
    bar.finish_and_clear();
    let elapsed = started.elapsed();

    let manifest = Manifest {
        command: command_line(),
        scenario_source: source,
    };
    write_results(&out, &scenario, &batch, &manifest)?;
    if !args.quiet {
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
        report_memory(&scenario, pool.current_num_threads());
    }
    Ok(())
}

/// Prints the process's measured peak memory and the estimate, with its breakdown, to
/// stderr (`CHARTSIM_REPORT_MEMORY=1`).
fn report_memory(scenario: &Scenario, threads: usize) {
    use chartsim::run::memory::{estimate_peak_bytes, measured_peak_bytes};
    let mb = |bytes: u64| (bytes as f64 / 1e6).round() as u64;
    let estimate = estimate_peak_bytes(scenario, threads);
    let measured =
        measured_peak_bytes().map_or_else(|| "unknown".to_owned(), |b| mb(b).to_string());
    eprintln!(
        "peak memory {measured} MB, estimated {} MB",
        mb(estimate.peak_bytes)
    );
    for part in &estimate.parts {
        eprintln!("  {}: {} MB", part.component, mb(part.bytes));
    }
}

fn command_line() -> String {
    std::env::args()
        .map(|a| if a.contains(' ') { format!("'{a}'") } else { a })
        .collect::<Vec<_>>()
        .join(" ")
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
    let regions = scenario
        .regions
        .iter()
        .map(|r| r.name.as_str())
        .chain(["all"]);
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
