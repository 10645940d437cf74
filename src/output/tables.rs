//! The tidy CSV tables of a result directory (one exporter per file).

use std::path::Path;

use serde::Serialize;

use super::io;
use crate::batch::BatchOutput;
use crate::batch::{PayoutSummaryRow, SummaryRow};
use crate::error::{Error, Result};
use crate::run::{
    ArtistPaid, ChartRow, PayoutKeys, PayoutMeasures, PayoutMonthRow, PayoutRow, TrackRow, WeekRow,
};
use crate::scenario::Scenario;

/// Writes a table with its header row, whatever it holds (the header of an empty table
/// comes from a placeholder row, so readers always find every column).
fn write_rows<T: Serialize + Default>(
    path: &Path,
    rows: impl Iterator<Item = impl std::borrow::Borrow<T>>,
) -> Result<()> {
    write_with_header(path, &header_of::<T>(), rows)
}

/// Writes a table with the given header row; each row's fields, nested records
/// flattened in order, are its cells.
fn write_with_header<T: Serialize>(
    path: &Path,
    header: &csv::StringRecord,
    rows: impl Iterator<Item = impl std::borrow::Borrow<T>>,
) -> Result<()> {
    let file = std::fs::File::create(path).map_err(|e| io(path, e))?;
    let mut writer = csv::WriterBuilder::new()
        .has_headers(false)
        .from_writer(std::io::BufWriter::with_capacity(1 << 20, file));
    let csv_error = |e: csv::Error| {
        let message = e.to_string();
        match e.into_kind() {
            csv::ErrorKind::Io(source) => io(path, source),
            _ => Error::WriteResults {
                path: path.to_owned(),
                source: std::io::Error::other(message),
            },
        }
    };
    writer.write_record(header).map_err(csv_error)?;
    for row in rows {
        writer.serialize(row.borrow()).map_err(csv_error)?;
    }
    writer.flush().map_err(|e| io(path, e))
}

/// The column names of a row type, as the csv crate's serializer would write them.
fn header_of<T: Serialize + Default>() -> csv::StringRecord {
    let mut probe = csv::Writer::from_writer(Vec::new());
    probe
        .serialize(T::default())
        .expect("invariant: a placeholder row serialises");
    let bytes = probe
        .into_inner()
        .expect("invariant: writing to memory cannot fail");
    let mut reader = csv::Reader::from_reader(&bytes[..]);
    reader
        .headers()
        .expect("invariant: the probe wrote a header")
        .clone()
}

/// `metrics.csv`: one row per run, region (and `all`) and week.
pub fn write_metrics(path: &Path, batch: &BatchOutput) -> Result<()> {
    write_rows::<WeekRow>(path, batch.runs.iter().flat_map(|r| r.weeks.iter()))
}

/// `charts.csv`: one row per run, region, rule set, week and chart position.
pub fn write_charts(path: &Path, batch: &BatchOutput) -> Result<()> {
    write_rows::<ChartRow>(path, batch.runs.iter().flat_map(|r| r.charts.iter()))
}

/// `tracks.csv`: per run, one row per region and track streamed there, then one `all` row
/// per released track.
pub fn write_tracks(path: &Path, scenario: &Scenario, batch: &BatchOutput) -> Result<()> {
    let rows = batch
        .runs
        .iter()
        .flat_map(|r| r.tracks.rows(scenario, r.run, r.replicate, r.policy_index));
    write_rows::<TrackRow>(path, rows)
}

/// `payouts.csv`: per run, month, region and payout rule set, one row per artist streamed
/// or paid there.
pub fn write_payouts(path: &Path, scenario: &Scenario, batch: &BatchOutput) -> Result<()> {
    let rows = batch
        .runs
        .iter()
        .flat_map(|r| r.payouts.iter().map(move |line| line.row(scenario, r)));
    let mut header = header_of::<PayoutKeys>();
    header.extend(&header_of::<ArtistPaid>());
    write_with_header::<PayoutRow>(path, &header, rows)
}

/// `payout_metrics.csv`: per run and month, the payout measures of each region and of all
/// regions under each payout rule set.
pub fn write_payout_metrics(path: &Path, scenario: &Scenario, batch: &BatchOutput) -> Result<()> {
    let rows = batch.runs.iter().flat_map(|r| {
        r.payout_months
            .iter()
            .map(move |month| month.row(scenario, r))
    });
    let mut header = header_of::<PayoutKeys>();
    header.extend(&header_of::<PayoutMeasures>());
    write_with_header::<PayoutMonthRow>(path, &header, rows)
}

/// `payout_summary.csv`: per policy, region, payout metric and rule set, the mean over
/// replicates and the paired difference against the reference rule set.
pub fn write_payout_summary(path: &Path, batch: &BatchOutput) -> Result<()> {
    write_rows::<PayoutSummaryRow>(path, batch.payout_summary.iter())
}

/// `summary.csv`: one row per policy, region and metric.
pub fn write_summary(path: &Path, batch: &BatchOutput) -> Result<()> {
    write_rows::<SummaryRow>(path, batch.summary.iter())
}
