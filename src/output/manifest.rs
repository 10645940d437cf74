//! `manifest.json`: what produced a result directory, enough to reproduce it.

use std::path::Path;

use serde::Serialize;

use super::io;
use crate::batch::BatchOutput;
use crate::error::Result;
use crate::scenario::Scenario;

/// Facts about a run that are not in the scenario itself.
#[derive(Clone, Debug, Default, Serialize)]
pub struct Manifest {
    /// The command line that produced the results (for the report's "reproduce" line).
    pub command: String,
    /// Where the scenario came from (a path, or `<built-in default>`).
    pub scenario_source: String,
}

#[derive(Serialize)]
struct ManifestFile<'a> {
    chartsim_version: &'static str,
    command: &'a str,
    scenario_source: &'a str,
    master_seed: u64,
    replicate_seeds: &'a [u64],
    runs: Vec<RunEntry<'a>>,
    files: &'static [&'static str],
    scenario: &'a Scenario,
}

#[derive(Serialize)]
struct RunEntry<'a> {
    run: u32,
    replicate: u32,
    policy: &'a str,
}

impl Manifest {
    /// Writes the manifest (version, command, seeds, run plan and resolved scenario).
    pub fn write(&self, path: &Path, scenario: &Scenario, batch: &BatchOutput) -> Result<()> {
        let file = ManifestFile {
            chartsim_version: env!("CARGO_PKG_VERSION"),
            command: &self.command,
            scenario_source: &self.scenario_source,
            master_seed: scenario.seed,
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
            files: super::RESULT_FILES,
            scenario,
        };
        let mut text = serde_json::to_string_pretty(&file).expect("invariant: manifest serialises");
        text.push('\n');
        std::fs::write(path, text).map_err(|e| io(path, e))
    }
}
