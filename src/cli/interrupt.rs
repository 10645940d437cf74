//! Ctrl-C and `kill`: stop, remove the unfinished results, say so, exit non-zero.
//!
//! A watcher thread waits for SIGINT or SIGTERM. It removes the run's staging directory
//! (never the destination: an earlier result there stays as it was), prints one line and
//! exits with the shell convention 128 + signal (130 for Ctrl-C, 143 for `kill`).

use chartsim::output::StagingHandle;

/// Starts the watcher for one run's staging directory.
#[cfg(unix)]
pub fn watch(staging: StagingHandle, out: std::path::PathBuf) -> anyhow::Result<()> {
    use signal_hook::consts::{SIGINT, SIGTERM};
    let mut signals = signal_hook::iterator::Signals::new([SIGINT, SIGTERM])?;
    std::thread::Builder::new()
        .name("interrupt".into())
        .spawn(move || {
            if let Some(signal) = signals.forever().next() {
                let name = if signal == SIGINT {
                    "SIGINT"
                } else {
                    "SIGTERM"
                };
                let said = match staging.abandon() {
                    Some(_) => format!(
                        "interrupted ({name}): stopped and removed the unfinished results; \
                         nothing was written to {}",
                        out.display()
                    ),
                    None => format!(
                        "interrupted ({name}) after the results were complete in {}",
                        out.display()
                    ),
                };
                eprintln!("{said}");
                std::process::exit(128 + signal);
            }
        })?;
    Ok(())
}

/// Elsewhere the default handlers stay; the staging directory of an interrupted run is
/// removed by the next run to the same destination.
#[cfg(not(unix))]
pub fn watch(_staging: StagingHandle, _out: std::path::PathBuf) -> anyhow::Result<()> {
    Ok(())
}
