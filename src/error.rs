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
    /// The output directory cannot safely be replaced.
    #[error("refusing to write results to '{path}': {why}")]
    OutputRefused {
        /// The directory that would have been replaced.
        path: PathBuf,
        /// Why, and what to do instead.
        why: String,
    },
    /// A point of a sweep's design is not a valid scenario.
    #[error("sweep point {point} ({settings}): {message}")]
    InvalidPoint {
        /// The point's id (row of the design, from 0).
        point: usize,
        /// The point's swept keys and values.
        settings: String,
        /// What is wrong with the scenario there.
        message: String,
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

impl Error {
    /// The same error, naming `to` wherever it named the hidden staging directory `from`
    /// (users asked for `to` and never see the staging path).
    pub fn relocated(self, from: &std::path::Path, to: &std::path::Path) -> Self {
        let swap =
            |text: &str| text.replace(&from.display().to_string(), &to.display().to_string());
        match self {
            Self::WriteResults { path, source } => Self::WriteResults {
                path: match path.strip_prefix(from) {
                    Ok(rest) if !rest.as_os_str().is_empty() => to.join(rest),
                    _ => to.to_owned(),
                },
                source: std::io::Error::new(source.kind(), swap(&source.to_string())),
            },
            other => other,
        }
    }
}

/// `text`, cut to at most 60 characters with an ellipsis, for echoing a user's value.
pub fn shorten(text: &str) -> String {
    const MAX: usize = 60;
    if text.chars().count() <= MAX {
        text.to_owned()
    } else {
        format!("{}…", text.chars().take(MAX - 1).collect::<String>())
    }
}

/// A number as a message shows it: plain where that is short (`0.25`, `3000`), in
/// scientific notation where plain digits would run long (`1e308`, `1e-9`).
pub fn number(x: f64) -> String {
    let plain = format!("{x}");
    if plain.len() <= 12 {
        plain
    } else {
        format!("{x:e}")
    }
}

/// Shorthand for results whose error is [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;
