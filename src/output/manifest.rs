//! `manifest.json`: what produced a result directory, enough to reproduce it.
//!
//! Besides the resolved scenario (what the report reads), it records the scenario as the
//! user gave it (`scenario_toml`, the file after `--set` overrides) with the seed and
//! replicate count actually used, so `chartsim run --manifest DIR/manifest.json` repeats
//! the run exactly; and the chartsim version and source revision that made it, since
//! results are promised identical only for the same version.

use std::path::Path;

use serde::{Deserialize, Serialize};

use super::io;
use crate::batch::BatchOutput;
use crate::error::{Error, Result};
use crate::scenario::{Scenario, ScenarioText};

/// The source revision chartsim was built from (`git describe`), or `unknown` when it
/// was built outside a git checkout.
pub const SOURCE_REVISION: &str = env!("CHARTSIM_SOURCE_REVISION");

/// Facts about a run that are not in the scenario itself.
#[derive(Clone, Debug, Default, Serialize)]
pub struct Manifest {
    /// The command line that produced the results, quoted for a POSIX shell.
    pub command: String,
    /// A command that repeats the run from this manifest alone.
    pub reproduce: String,
    /// Where the scenario came from (a path, or `<built-in default>`).
    pub scenario_source: String,
    /// The scenario as given, after `--set` overrides (before seed and replicate options).
    pub scenario_toml: String,
}

#[derive(Serialize)]
struct ManifestFile<'a> {
    chartsim_version: &'static str,
    source_revision: &'static str,
    command: &'a str,
    reproduce: &'a str,
    scenario_source: &'a str,
    master_seed: u64,
    replicates: u32,
    replicate_seeds: &'a [u64],
    runs: Vec<RunEntry<'a>>,
    files: Vec<&'static str>,
    scenario_toml: &'a str,
    scenario: &'a Scenario,
}

#[derive(Serialize)]
struct RunEntry<'a> {
    run: u32,
    replicate: u32,
    policy: &'a str,
}

/// What `chartsim run --manifest` needs from a manifest to repeat its run.
#[derive(Clone, Debug, Deserialize)]
pub struct RecordedRun {
    /// The chartsim version that made the result.
    pub chartsim_version: String,
    /// The scenario as given, after `--set` overrides.
    pub scenario_toml: String,
    /// Where that scenario came from.
    pub scenario_source: String,
    /// The master seed used.
    pub master_seed: u64,
    /// The number of replicate worlds used.
    pub replicates: u32,
}

impl RecordedRun {
    /// Reads the run recorded in a manifest file.
    pub fn read(path: &Path) -> Result<Self> {
        let text = std::fs::read_to_string(path).map_err(|source| Error::ReadScenario {
            path: path.to_owned(),
            source,
        })?;
        serde_json::from_str(&text).map_err(|e| Error::ParseScenario {
            origin: path.display().to_string(),
            message: format!(
                "not a chartsim manifest that can be re-run ({e}); manifests written by \
                 chartsim {} and later can",
                env!("CARGO_PKG_VERSION")
            ),
        })
    }

    /// The recorded scenario with `overrides` applied, validated, with the recorded seed
    /// and replicates; and its text, for the new run's own manifest.
    pub fn resolve(
        &self,
        overrides: &[crate::scenario::Override],
    ) -> Result<(Scenario, ScenarioText)> {
        let text = ScenarioText::new(self.scenario_toml.clone(), self.scenario_source.clone())
            .with_overrides(overrides)?;
        let scenario = text
            .validate()?
            .with_seed(self.master_seed)
            .with_replicates(self.replicates)?;
        Ok((scenario, text))
    }
}

impl Manifest {
    /// Writes the manifest (version, command, seeds, run plan and resolved scenario).
    pub fn write(&self, path: &Path, scenario: &Scenario, batch: &BatchOutput) -> Result<()> {
        let file = ManifestFile {
            chartsim_version: env!("CARGO_PKG_VERSION"),
            source_revision: SOURCE_REVISION,
            command: &self.command,
            reproduce: &self.reproduce,
            scenario_source: &self.scenario_source,
            master_seed: scenario.seed,
            replicates: scenario.replicates,
            replicate_seeds: &batch.replicate_seeds,
            runs: batch
                .runs
                .iter()
                .map(|r| RunEntry {
                    run: r.run,
                    replicate: r.replicate,
                    policy: &scenario.policies[r.policy_index].name,
                })
                .collect(),
            files: super::result_files(scenario),
            scenario_toml: &self.scenario_toml,
            scenario,
        };
        let mut text = serde_json::to_string_pretty(&file).expect("invariant: manifest serialises");
        text.push('\n');
        std::fs::write(path, text).map_err(|e| io(path, e))
    }
}
