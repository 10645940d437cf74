//! A sweep's tables: `runs.csv` (one row per point, replicate, policy and region),
//! `points.csv` (per point, policy, region and metric: mean, 95% CI, n, and the paired
//! difference against the point's baseline policy) and `errors.csv` (one row per failed
//! run).
//!
//! They are assembled from the journal in design order, one point at a time, so memory
//! holds one point's runs however large the design, and the bytes are the same whatever
//! order the tasks finished in.

use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::Path;

use super::journal::Journal;
use super::{Sweep, Task};
use serde::Serialize;

use crate::batch::{SummaryRow, WEEKLY_METRICS, run_metric_names};
use crate::error::Result;
use crate::output::io;
use crate::run::RunOutput;
use crate::scenario::Scenario;
use crate::scenario::sweep::Design;

/// One row per point, replicate, policy and region.
pub const RUNS_FILE: &str = "runs.csv";
/// Per point, policy, region and metric: mean, CI, n and the paired difference.
pub const POINTS_FILE: &str = "points.csv";
/// One row per failed run.
pub const ERROR_FILE: &str = "errors.csv";
/// With `--weekly`: one row per point, replicate, policy, region and week.
pub const WEEKLY_FILE: &str = "weekly.csv";

/// The first fields of a task's rows: point, the swept keys' values, replicate.
pub fn row_prefix(design: &Design, task: Task) -> Vec<String> {
    let mut fields = vec![task.point.to_string()];
    fields.extend(design.cells(task.point));
    fields.push(task.replicate.to_string());
    fields
}

/// One CSV line (quoted where needed, with its newline) of a serialisable record: a
/// tuple of fields, lists and rows, flattened; numbers as `summary.csv` writes them.
fn line(record: impl Serialize) -> String {
    let mut writer = csv::WriterBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_writer(Vec::new());
    writer
        .serialize(record)
        .expect("invariant: writing to memory cannot fail");
    String::from_utf8(writer.into_inner().expect("invariant: in memory"))
        .expect("invariant: fields are UTF-8")
}

/// Appends a run's rows (one per region, then `all`) to `out`; NaN is an empty cell.
pub fn push_runs(
    out: &mut String,
    prefix: &[String],
    scenario: &Scenario,
    policy: &str,
    values: &[Vec<f64>],
) {
    for (region, values) in scenario.region_labels().into_iter().zip(values) {
        let cells: Vec<Option<f64>> = values.iter().map(|v| v.is_finite().then_some(*v)).collect();
        out.push_str(&line((prefix, policy, region, cells)));
    }
}

/// A run's weekly rows (`weekly.csv`): the prefix, policy, region, week and every weekly
/// metric, in the run's row order (week by week, regions then `all`).
pub fn weekly_lines(prefix: &[String], run: &RunOutput) -> String {
    let mut out = String::new();
    for row in &run.weeks {
        let cells: Vec<Option<f64>> = WEEKLY_METRICS
            .iter()
            .map(|m| (m.read)(row).filter(|v| v.is_finite()))
            .collect();
        out.push_str(&line((prefix, &row.policy, &row.region, row.week, cells)));
    }
    out
}

/// Appends a failed run's error row to `out`.
pub fn push_error(out: &mut String, prefix: &[String], policy: &str, message: &str) {
    out.push_str(&line((prefix, policy, message.replace('\n', " "))));
}

/// Writes `runs.csv`, `points.csv` and `errors.csv` from the journal (each written aside
/// and renamed into place); returns the number of failed runs.
pub fn assemble(sweep: &Sweep, journal: &Journal, tasks: &[Task]) -> Result<usize> {
    let dir = journal.dir();
    let keys = &sweep.design.keys;
    let names = run_metric_names(&sweep.scenarios[0]);
    let metrics: Vec<&str> = names.iter().map(String::as_str).collect();
    let header = |middle: &[&str], tail: &[&str]| {
        let mut fields: Vec<&str> = vec!["point"];
        fields.extend(keys.iter().map(String::as_str));
        fields.extend(middle);
        fields.extend(tail);
        line(fields)
    };
    let mut runs = Table::create(dir, RUNS_FILE)?;
    let mut errors = Table::create(dir, ERROR_FILE)?;
    let mut points = Table::create(dir, POINTS_FILE)?;
    runs.write(&header(&["replicate", "policy", "region"], &metrics))?;
    errors.write(&header(&["replicate", "policy", "message"], &[]))?;
    points.write(&header(
        &["policy", "region", "metric"],
        &[
            "mean",
            "ci_low",
            "ci_high",
            "n",
            "diff_vs_baseline",
            "diff_ci_low",
            "diff_ci_high",
        ],
    ))?;
    let mut weekly = if sweep.options.weekly {
        let mut table = Table::create(dir, WEEKLY_FILE)?;
        let names: Vec<&str> = WEEKLY_METRICS.iter().map(|m| m.name).collect();
        table.write(&header(&["replicate", "policy", "region", "week"], &names))?;
        Some(table)
    } else {
        None
    };
    let mut failed = 0;
    for (point, scenario) in sweep.scenarios.iter().enumerate() {
        let mut at_point = String::new();
        for &task in tasks.iter().filter(|t| t.point == point) {
            let rows = journal.read(task)?;
            failed += rows.errors.lines().count();
            errors.write(&rows.errors)?;
            runs.write(&rows.runs)?;
            if let Some(table) = weekly.as_mut() {
                table.write(&rows.weekly)?;
            }
            at_point.push_str(&rows.runs);
        }
        points.write(&point_rows(
            sweep,
            point,
            scenario,
            &at_point,
            metrics.len(),
        ))?;
    }
    runs.commit()?;
    if let Some(table) = weekly {
        table.commit()?;
    }
    errors.commit()?;
    points.commit()?;
    Ok(failed)
}

/// `points.csv` rows of one point from its `runs.csv` rows: per policy, region and
/// metric, the columns of `summary.csv` over the point's replicates.
fn point_rows(
    sweep: &Sweep,
    point: usize,
    scenario: &Scenario,
    runs: &str,
    n_metrics: usize,
) -> String {
    let regions = scenario.region_labels();
    let replicates = scenario.replicates as usize;
    let n_keys = sweep.design.keys.len();
    // values[policy][region][metric][replicate]; NaN where a run failed or does not apply.
    let mut values = vec![
        vec![vec![vec![f64::NAN; replicates]; n_metrics]; regions.len()];
        scenario.policies.len()
    ];
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .from_reader(runs.as_bytes());
    for record in reader.records() {
        let record = record.expect("invariant: chartsim wrote these rows");
        let replicate: usize = record[1 + n_keys].parse().expect("invariant: a replicate");
        let policy = scenario
            .policies
            .iter()
            .position(|p| p.name == record[2 + n_keys])
            .expect("invariant: a policy of the point");
        let region = regions
            .iter()
            .position(|r| *r == &record[3 + n_keys])
            .expect("invariant: a region of the point");
        for (m, cell) in record.iter().skip(4 + n_keys).enumerate() {
            values[policy][region][m][replicate] = cell.parse().unwrap_or(f64::NAN);
        }
    }
    let mut prefix = vec![point.to_string()];
    prefix.extend(sweep.design.cells(point));
    let mut out = String::new();
    for (p, policy) in scenario.policies.iter().enumerate() {
        for (r, region) in regions.iter().enumerate() {
            for (m, metric) in run_metric_names(scenario).iter().enumerate() {
                let row = SummaryRow::of(
                    &policy.name,
                    region,
                    metric,
                    &values[p][r][m],
                    &values[0][r][m],
                );
                if let Some(row) = row {
                    out.push_str(&line((&prefix, row)));
                }
            }
        }
    }
    out
}

/// A table being written aside (`NAME.tmp`), renamed into place when whole.
struct Table {
    path: std::path::PathBuf,
    tmp: std::path::PathBuf,
    writer: BufWriter<File>,
}

impl Table {
    fn create(dir: &Path, name: &str) -> Result<Self> {
        let path = dir.join(name);
        let tmp = dir.join(format!("{name}.tmp"));
        let file = File::create(&tmp).map_err(|e| io(&path, e))?;
        Ok(Self {
            path,
            tmp,
            writer: BufWriter::with_capacity(1 << 20, file),
        })
    }

    fn write(&mut self, text: &str) -> Result<()> {
        self.writer
            .write_all(text.as_bytes())
            .map_err(|e| io(&self.path, e))
    }

    fn commit(mut self) -> Result<()> {
        self.writer.flush().map_err(|e| io(&self.path, e))?;
        std::fs::rename(&self.tmp, &self.path).map_err(|e| io(&self.path, e))
    }
}
