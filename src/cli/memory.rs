//! The memory guard: a run that will not fit is refused before it starts.
//!
//! The estimate ([`chartsim::run::memory`]) comes from the resolved scenario alone and
//! lands within ±30% of measured peaks (`benches/MEMORY.md`). A run is refused when the
//! estimate exceeds the memory the system has available now (`MemAvailable`), or the
//! `--max-memory` the user gives instead; the message names the estimate, the limit and
//! the keys to lower.

use bytesize::ByteSize;
use chartsim::Scenario;
use chartsim::run::memory::{MemoryEstimate, available_bytes, estimate_peak_bytes};

/// Parses `--max-memory` (`24GB`, `1.5 GiB`, `800MB`, or bytes).
pub fn parse_max_memory(text: &str) -> Result<u64, String> {
    text.trim()
        .parse::<ByteSize>()
        .map(|b| b.as_u64())
        .ok()
        .filter(|&b| b > 0)
        .ok_or_else(|| {
            format!(
                "must be a size such as 16GB, 1.5GiB or 800MB, got '{}'",
                chartsim::output::shorten(text)
            )
        })
}

/// A byte count as people read it (`1.2 GB`).
pub fn human(bytes: u64) -> String {
    ByteSize(bytes).display().si().to_string()
}

/// One line for `check`: the estimate and its largest part.
pub fn describe(scenario: &Scenario, threads: usize) -> String {
    let estimate = estimate_peak_bytes(scenario, threads);
    let largest = estimate.largest();
    format!(
        "estimated peak memory {} with {threads} thread(s) (largest part: {} {})",
        human(estimate.peak_bytes),
        largest.component,
        human(largest.bytes)
    )
}

/// Refuses a run whose estimate exceeds `max_memory`, or else the available memory.
pub fn ensure_fits(
    scenario: &Scenario,
    threads: usize,
    max_memory: Option<u64>,
) -> anyhow::Result<MemoryEstimate> {
    let estimate = estimate_peak_bytes(scenario, threads);
    let (limit, what) = match max_memory {
        Some(limit) => (limit, "the --max-memory limit"),
        None => match available_bytes() {
            Some(available) => (available, "the memory available on this machine"),
            None => return Ok(estimate),
        },
    };
    if estimate.peak_bytes <= limit {
        return Ok(estimate);
    }
    let parts: Vec<String> = estimate
        .parts
        .iter()
        .take(3)
        .map(|p| format!("{} {}", p.component, human(p.bytes)))
        .collect();
    let mut keys: Vec<String> = estimate
        .driving_keys()
        .iter()
        .map(|k| (*k).to_owned())
        .collect();
    if estimate.live_runs > 1 && !keys.iter().any(|k| k == "--threads") {
        keys.push("--threads".to_owned());
    }
    anyhow::bail!(
        "this run needs about {} of memory (estimated; {}), more than {what} ({}); \
         lower {} — or, if you know better, raise the limit with --max-memory",
        human(estimate.peak_bytes),
        parts.join(", "),
        human(limit),
        keys.join(", ")
    )
}

/// Prints the process's measured peak memory and the estimate, with its breakdown, to
/// stderr (`CHARTSIM_REPORT_MEMORY=1`).
pub fn report(scenario: &Scenario, threads: usize) {
    use chartsim::run::memory::measured_peak_bytes;
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_parse_in_decimal_and_binary_units() {
        assert_eq!(parse_max_memory("16GB"), Ok(16_000_000_000));
        assert_eq!(parse_max_memory("1.5 GiB"), Ok(1_610_612_736));
        assert_eq!(parse_max_memory("800MB"), Ok(800_000_000));
        assert_eq!(parse_max_memory("4096"), Ok(4096));
        assert!(parse_max_memory("lots").is_err());
        assert!(parse_max_memory("0").is_err());
    }
}
