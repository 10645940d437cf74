//! The errors a user can cause, with messages that say how to fix the input.
//!
//! Everything a user supplies is validated up front; once a scenario is valid the
//! simulation itself cannot fail, so these are the only errors the library returns.

use std::path::PathBuf;

/// Anything that stops chartsim from doing what it was asked.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The scenario file could not be read.
    #[error("cannot read scenario '{path}'")]
    ReadScenario {
        /// The file that was asked for.
        path: PathBuf,
        /// Why reading failed.
        source: std::io::Error,
    },
    /// The scenario is not valid TOML, or has unknown keys or values of the wrong type.
    #[error("invalid scenario '{origin}': {message}")]
    ParseScenario {
        /// The file (or `<built-in default>`).
        origin: String,
        /// What the TOML parser said, with line and column.
        message: String,
    },
    /// A value in the scenario is outside what is allowed.
    #[error("invalid scenario '{origin}': {key}: {message}")]
    InvalidScenario {
        /// The file (or `<built-in default>`).
        origin: String,
        /// The key path, e.g. `regions[0].population_share`.
        key: String,
        /// What is wrong and what is allowed, e.g. `must be in (0, 1], got 0`.
        message: String,
    },
    /// Writing results failed.
    #[error("cannot write results to '{path}'")]
    WriteResults {
        /// The file or directory being written.
        path: PathBuf,
        /// Why writing failed.
        source: std::io::Error,
    },
    /// The output directory exists and does not look like an earlier chartsim result.
    #[error(
        "refusing to overwrite '{path}': it exists and is not a chartsim result directory \
         (no manifest.json); choose another --out or remove it"
    )]
    OutputNotResults {
        /// The directory that would have been replaced.
        path: PathBuf,
    },
    /// A command-line override is out of range.
    #[error("invalid option {option}: {message}")]
    InvalidOption {
        /// The option, e.g. `--replicates`.
        option: String,
        /// What is wrong and what is allowed.
        message: String,
    },
}

/// Shorthand for results whose error is [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;
