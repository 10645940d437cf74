//! `[catalogue] from = "tracks.csv"`: real artists and tracks imported from a CSV file.
//!
//! A researcher who has a real catalogue (a national chart's artists, a label's releases)
//! wants them in the world by name, beside or instead of generated tracks. Each row is one
//! track; each distinct artist becomes an `[[artists]]` entry and each row a `[[releases]]`
//! entry, so imported tracks go through exactly the validation and the mechanisms of named
//! ones. The file is read when the scenario is loaded and its rows are written into the
//! scenario document itself, so a result's manifest holds them and `run --manifest` needs
//! no other file.
//!
//! Columns (a header row names them; order is free; unknown columns are refused):
//!
//! | column | required | meaning |
//! |---|---|---|
//! | `artist` | yes | artist name |
//! | `title` | yes | track title, unique |
//! | `genre` | yes | one of the scenario's `[[genres]]` |
//! | `release_day` | yes | day of release: 0 = the first simulated day, negative = before the run |
//! | `region` | no | the artist's region (default: the genre's region; required for a global genre) |
//! | `label` | no | `major` (default) or `independent` |
//! | `artist_appeal` | no | the artist's appeal in standard deviations (default 0) |
//! | `appeal` | no | the track's appeal on top of the artist's (default 0) |
//! | `christmas` | no | `true` for a Christmas song (default `false`) |
//!
//! An artist's `genre`, `region`, `label` and `artist_appeal` must agree on all its rows.
//! Errors name the file, the row (as a spreadsheet numbers it, the header being row 1) and
//! the column.

use std::collections::BTreeMap;
use std::path::Path;

use toml::{Table, Value};

use crate::error::{Error, Result};

const REQUIRED: [&str; 4] = ["artist", "title", "genre", "release_day"];
const OPTIONAL: [&str; 5] = ["region", "label", "artist_appeal", "appeal", "christmas"];

/// Where the imported entries came from, so that a validation error about one of them
/// (`releases[7].day`) names the file's row and column instead.
#[derive(Clone, Debug, PartialEq)]
pub struct Imported {
    file: String,
    first_artist: usize,
    artist_rows: Vec<usize>,
    first_release: usize,
    release_rows: Vec<usize>,
}

impl Imported {
    /// `key` (`releases[K].field`, `artists[K].field`) as a place in the file, if it is
    /// one of the imported entries.
    pub fn locate(&self, key: &str) -> Option<String> {
        let (array, rest) = key.split_once('[')?;
        let (index, field) = rest.split_once("].")?;
        let index: usize = index.parse().ok()?;
        let (first, rows) = match array {
            "artists" => (self.first_artist, &self.artist_rows),
            "releases" => (self.first_release, &self.release_rows),
            _ => return None,
        };
        let row = rows.get(index.checked_sub(first)?)?;
        let column = match (array, field) {
            ("artists", "name") => "artist",
            ("artists", "appeal") => "artist_appeal",
            ("releases", "day") => "release_day",
            (_, other) => other,
        };
        Some(format!(
            "catalogue.from ({}): {}",
            self.file,
            at(*row, column)
        ))
    }
}

/// Replaces `catalogue.from` in `doc` by the file's artists and releases, appended to any
/// the document declares. `base` is the folder relative paths start from.
pub(super) fn expand(doc: &mut Table, base: &Path, origin: &str) -> Result<Option<Imported>> {
    let Some(Value::Table(catalogue)) = doc.get_mut("catalogue") else {
        return Ok(None);
    };
    let Some(from) = catalogue.remove("from") else {
        return Ok(None);
    };
    let Value::String(file) = from else {
        return Err(Error::InvalidScenario {
            origin: origin.to_owned(),
            key: "catalogue.from".into(),
            message: "must be the path of a CSV file, e.g. \"tracks.csv\"".into(),
        });
    };
    let path = base.join(&file);
    let text = std::fs::read_to_string(&path).map_err(|source| Error::ReadScenario {
        path: path.clone(),
        source,
    })?;
    let rows = read(&text, &names(doc, "genres"), &names(doc, "regions")).map_err(|message| {
        Error::InvalidScenario {
            origin: origin.to_owned(),
            key: format!("catalogue.from ({})", path.display()),
            message,
        }
    })?;
    let imported = Imported {
        file: path.display().to_string(),
        first_artist: append(doc, "artists", rows.artists),
        artist_rows: rows.artist_rows,
        first_release: append(doc, "releases", rows.releases),
        release_rows: (2..2 + rows.release_count).collect(),
    };
    Ok(Some(imported))
}

/// What a catalogue file holds, as scenario tables, with the row each artist first
/// appears on.
struct Rows {
    artists: Vec<Value>,
    artist_rows: Vec<usize>,
    releases: Vec<Value>,
    release_count: usize,
}

fn names(doc: &Table, array: &str) -> Vec<String> {
    let Some(Value::Array(items)) = doc.get(array) else {
        return Vec::new();
    };
    items
        .iter()
        .filter_map(|i| i.get("name")?.as_str().map(str::to_owned))
        .collect()
}

/// Appends `items` to the document's array `array`; returns the index of the first.
fn append(doc: &mut Table, array: &str, items: Vec<Value>) -> usize {
    let entry = doc.entry(array).or_insert_with(|| Value::Array(Vec::new()));
    match entry {
        Value::Array(existing) => {
            let first = existing.len();
            existing.extend(items);
            first
        }
        // Not an array: validation will say so about the document's own key.
        _ => 0,
    }
}

/// One CSV cell's place, for messages.
fn at(row: usize, column: &str) -> String {
    format!("row {row}, column '{column}'")
}

/// The artists and releases of a catalogue CSV, as scenario tables; an error says where.
fn read(text: &str, genres: &[String], regions: &[String]) -> std::result::Result<Rows, String> {
    let mut reader = csv::ReaderBuilder::new()
        .trim(csv::Trim::All)
        .from_reader(text.as_bytes());
    let header: Vec<String> = reader
        .headers()
        .map_err(|e| format!("cannot read the header row: {e}"))?
        .iter()
        .map(str::to_owned)
        .collect();
    for name in &header {
        if !REQUIRED.contains(&name.as_str()) && !OPTIONAL.contains(&name.as_str()) {
            return Err(format!(
                "row 1: unknown column '{name}'; the columns are {} (required) and {}",
                REQUIRED.join(", "),
                OPTIONAL.join(", ")
            ));
        }
    }
    for name in REQUIRED {
        if !header.iter().any(|h| h == name) {
            return Err(format!("row 1: the required column '{name}' is missing"));
        }
    }
    let column = |name: &str| header.iter().position(|h| h == name);
    let mut artists: BTreeMap<String, (usize, Table)> = BTreeMap::new();
    let mut order: Vec<String> = Vec::new();
    let mut releases = Vec::new();
    for (i, record) in reader.records().enumerate() {
        let row = i + 2;
        let record = record.map_err(|e| format!("row {row}: {e}"))?;
        let cell = |name: &str| {
            column(name)
                .and_then(|c| record.get(c))
                .filter(|v| !v.is_empty())
        };
        let required =
            |name: &str| cell(name).ok_or_else(|| format!("{}: is empty", at(row, name)));
        let number = |name: &str| -> std::result::Result<Option<f64>, String> {
            cell(name)
                .map(|v| {
                    v.parse::<f64>()
                        .ok()
                        .filter(|x| x.is_finite())
                        .ok_or_else(|| format!("{}: must be a number, got '{v}'", at(row, name)))
                })
                .transpose()
        };
        let artist = required("artist")?.to_owned();
        let title = required("title")?.to_owned();
        let genre = required("genre")?.to_owned();
        if !genres.contains(&genre) {
            return Err(format!(
                "{}: no genre '{genre}' in the scenario; its genres are {}",
                at(row, "genre"),
                genres.join(", ")
            ));
        }
        let day_text = required("release_day")?;
        let day: i64 = day_text.parse().map_err(|_| {
            format!(
                "{}: must be a whole number of days, got '{day_text}'",
                at(row, "release_day")
            )
        })?;
        let mut entry = Table::new();
        entry.insert("name".into(), Value::String(artist.clone()));
        entry.insert("genre".into(), Value::String(genre));
        if let Some(region) = cell("region") {
            if !regions.iter().any(|r| r == region) {
                return Err(format!(
                    "{}: no region '{region}' in the scenario; its regions are {}",
                    at(row, "region"),
                    regions.join(", ")
                ));
            }
            entry.insert("region".into(), Value::String(region.to_owned()));
        }
        let label = cell("label").unwrap_or("major");
        if !["major", "independent"].contains(&label) {
            return Err(format!(
                "{}: must be major or independent, got '{label}'",
                at(row, "label")
            ));
        }
        entry.insert("label".into(), Value::String(label.to_owned()));
        entry.insert(
            "appeal".into(),
            Value::Float(number("artist_appeal")?.unwrap_or(0.0)),
        );
        match artists.get(&artist) {
            Some((first, known)) if known != &entry => {
                return Err(format!(
                    "row {row}: artist '{artist}' has a different genre, region, label or \
                     artist_appeal than on row {first}"
                ));
            }
            Some(_) => {}
            None => {
                order.push(artist.clone());
                artists.insert(artist.clone(), (row, entry));
            }
        }
        let christmas = match cell("christmas") {
            None | Some("false") => false,
            Some("true") => true,
            Some(other) => {
                return Err(format!(
                    "{}: must be true or false, got '{other}'",
                    at(row, "christmas")
                ));
            }
        };
        let mut release = Table::new();
        release.insert("title".into(), Value::String(title));
        release.insert("artist".into(), Value::String(artist));
        release.insert("day".into(), Value::Integer(day));
        release.insert(
            "appeal".into(),
            Value::Float(number("appeal")?.unwrap_or(0.0)),
        );
        release.insert("christmas".into(), Value::Boolean(christmas));
        releases.push(Value::Table(release));
    }
    if releases.is_empty() {
        return Err("the file has no track rows".into());
    }
    Ok(Rows {
        artist_rows: order.iter().map(|name| artists[name].0).collect(),
        artists: order
            .iter()
            .map(|name| Value::Table(artists[name].1.clone()))
            .collect(),
        release_count: releases.len(),
        releases,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn genres() -> Vec<String> {
        vec!["uk-pop".into(), "k-pop".into(), "pop".into()]
    }

    fn regions() -> Vec<String> {
        vec!["UK".into(), "KR".into()]
    }

    #[test]
    fn rows_become_one_artist_each_and_one_release_per_row() {
        let text = "artist,title,genre,release_day,label,appeal\n\
                    Band A,Song 1,uk-pop,-30,independent,0.5\n\
                    Band A,Song 2,uk-pop,7,independent,\n\
                    Group B,Hit,k-pop,0,,1\n";
        let Rows {
            artists, releases, ..
        } = read(text, &genres(), &regions()).unwrap();
        assert_eq!(artists.len(), 2);
        assert_eq!(artists[0]["name"].as_str(), Some("Band A"));
        assert_eq!(artists[0]["label"].as_str(), Some("independent"));
        assert_eq!(artists[1]["label"].as_str(), Some("major"));
        assert_eq!(releases.len(), 3);
        assert_eq!(releases[0]["day"].as_integer(), Some(-30));
        assert_eq!(releases[0]["appeal"].as_float(), Some(0.5));
        assert_eq!(releases[1]["appeal"].as_float(), Some(0.0));
        assert_eq!(releases[2]["artist"].as_str(), Some("Group B"));
    }

    #[test]
    fn errors_name_the_row_and_the_column() {
        let bad = |text: &str| read(text, &genres(), &regions()).err().unwrap();
        let e = bad("artist,title,genre,release_day\nA,S,uk-pop,soon\n");
        assert!(
            e.contains("row 2, column 'release_day'") && e.contains("soon"),
            "{e}"
        );
        let e = bad("artist,title,genre,release_day\nA,S,uk-pop,1\nB,T,jazz,1\n");
        assert!(
            e.contains("row 3, column 'genre'") && e.contains("jazz"),
            "{e}"
        );
        let e = bad("artist,title,genre,release_day,region\nA,S,pop,1,FR\n");
        assert!(
            e.contains("row 2, column 'region'") && e.contains("FR"),
            "{e}"
        );
        let e = bad("artist,title,genre\nA,S,pop\n");
        assert!(e.contains("'release_day' is missing"), "{e}");
        let e = bad("artist,title,genre,release_day,colour\nA,S,pop,1,red\n");
        assert!(e.contains("unknown column 'colour'"), "{e}");
        let e = bad("artist,title,genre,release_day\nA,S,pop,1\nA,T,k-pop,2\n");
        assert!(e.contains("row 3") && e.contains("row 2"), "{e}");
        let e = bad("artist,title,genre,release_day,appeal\nA,S,pop,1,NaN\n");
        assert!(e.contains("row 2, column 'appeal'"), "{e}");
        assert!(bad("artist,title,genre,release_day\n").contains("no track rows"));
    }
}
