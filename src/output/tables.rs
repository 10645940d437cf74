//! The tidy CSV tables of a result directory (one exporter per file).

use std::path::Path;

use serde::Serialize;

use super::io;
use crate::batch::BatchOutput;
use crate::error::{Error, Result};

fn write_rows<'a, T: Serialize + 'a>(path: &Path, rows: impl Iterator<Item = &'a T>) -> Result<()> {
    let file = std::fs::File::create(path).map_err(|e| io(path, e))?;
    let mut writer = csv::Writer::from_writer(std::io::BufWriter::with_capacity(1 << 20, file));
    let csv_error = |e: csv::Error| match e.into_kind() {
        csv::ErrorKind::Io(source) => io(path, source),
        other => Error::WriteResults {
            path: path.to_owned(),
            source: std::io::Error::other(format!("{other:?}")),
        },
    };
    for row in rows {
        writer.serialize(row).map_err(csv_error)?;
    }
    writer.flush().map_err(|e| io(path, e))
}

/// `metrics.csv`: one row per run, region (and `all`) and week.
pub fn write_metrics(path: &Path, batch: &BatchOutput) -> Result<()> {
    write_rows(path, batch.runs.iter().flat_map(|r| r.weeks.iter()))
}

/// `charts.csv`: one row per run, region, rule set, week and chart position.
pub fn write_charts(path: &Path, batch: &BatchOutput) -> Result<()> {
    write_rows(path, batch.runs.iter().flat_map(|r| r.charts.iter()))
}

/// `tracks.csv`: one row per run, region (and `all`) and released track.
pub fn write_tracks(path: &Path, batch: &BatchOutput) -> Result<()> {
    write_rows(path, batch.runs.iter().flat_map(|r| r.tracks.iter()))
}

/// `summary.csv`: one row per policy, region and metric.
pub fn write_summary(path: &Path, batch: &BatchOutput) -> Result<()> {
    write_rows(path, batch.summary.iter())
}
