//! Reading chartsim's own CSV files for the plots: columns found by name, rows
//! streamed, and errors that name the file, the line and what is wrong.

use std::fs::File;
use std::io::BufReader;
use std::path::Path;

use super::PlotError;

/// A malformed-file error for `path`.
pub(super) fn malformed(path: &Path, e: impl std::fmt::Display) -> PlotError {
    PlotError::Malformed {
        path: path.to_owned(),
        message: e.to_string(),
    }
}

pub(super) fn open_csv(path: &Path) -> Result<csv::Reader<BufReader<File>>, PlotError> {
    let file = File::open(path).map_err(|source| PlotError::Read {
        path: path.to_owned(),
        source,
    })?;
    let mut reader = csv::Reader::from_reader(BufReader::with_capacity(1 << 20, file));
    let header = reader.byte_headers().map_err(|e| malformed(path, e))?;
    if header.iter().all(<[u8]>::is_empty) {
        return Err(malformed(path, "the file is empty (no header row)"));
    }
    Ok(reader)
}

/// Index of each named column in the header, or an error naming the missing one.
pub(super) fn columns<const N: usize>(
    reader: &mut csv::Reader<BufReader<File>>,
    path: &Path,
    names: [&str; N],
) -> Result<[usize; N], PlotError> {
    let header = reader
        .byte_headers()
        .map_err(|e| malformed(path, e))?
        .clone();
    let mut out = [0; N];
    for (slot, name) in out.iter_mut().zip(names) {
        *slot = header
            .iter()
            .position(|h| h == name.as_bytes())
            .ok_or_else(|| malformed(path, format!("missing column '{name}'")))?;
    }
    Ok(out)
}

/// Calls `row` with the cells of every data row of a CSV file, stopping at the first error.
pub(super) fn for_each_row(
    reader: &mut csv::Reader<BufReader<File>>,
    path: &Path,
    mut row: impl FnMut(&Cells) -> Result<(), PlotError>,
) -> Result<(), PlotError> {
    let mut record = csv::ByteRecord::new();
    while reader
        .read_byte_record(&mut record)
        .map_err(|e| malformed(path, e))?
    {
        row(&Cells {
            path,
            record: &record,
        })?;
    }
    Ok(())
}

pub(super) struct Cells<'a> {
    pub(super) path: &'a Path,
    pub(super) record: &'a csv::ByteRecord,
}

impl Cells<'_> {
    pub(super) fn text(&self, i: usize) -> Result<&str, PlotError> {
        let bytes = self
            .record
            .get(i)
            .ok_or_else(|| self.bad("row is too short"))?;
        std::str::from_utf8(bytes).map_err(|_| self.bad("cell is not UTF-8"))
    }

    pub(super) fn number<T: std::str::FromStr>(&self, i: usize) -> Result<T, PlotError> {
        let text = self.text(i)?;
        text.parse()
            .map_err(|_| self.bad(&format!("cannot read '{text}' as a number")))
    }

    /// A finite float, or NaN for an empty cell (chartsim never writes NaN or infinity).
    pub(super) fn float_or_nan(&self, i: usize) -> Result<f64, PlotError> {
        let text = self.text(i)?;
        if text.is_empty() {
            return Ok(f64::NAN);
        }
        let x: f64 = self.number(i)?;
        if x.is_finite() {
            Ok(x)
        } else {
            Err(self.bad(&format!("'{text}' is not a finite number")))
        }
    }

    pub(super) fn bad(&self, what: &str) -> PlotError {
        let line = self.record.position().map_or(0, |p| p.line());
        malformed(self.path, format!("line {line}: {what}"))
    }
}
