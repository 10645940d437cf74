//! `[[artists]]` and `[[releases]]`: named artists and tracks placed in the catalogue.
//!
//! The generated catalogue is anonymous; a story needs names. A named artist (say, a
//! virtual group) joins the artist columns with a chosen genre, region, label and appeal,
//! and each named release becomes a track on a chosen day. Everything else — taste
//! position, discovery, charts — treats them like any other artist and track, so a named
//! hit has to earn its place through the same mechanisms.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::Label;
use super::check::Check;
use super::{Genre, Region};
use crate::error::Result;
use crate::ids::{GenreId, RegionId};

/// An `[[artists]]` entry as written.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawArtist {
    /// Artist name, unique.
    pub name: String,
    /// Genre name.
    pub genre: String,
    /// Region of origin; defaults to the genre's origin (required for a global genre).
    pub region: Option<String>,
    /// `"major"` or `"independent"`.
    #[serde(default = "default_label")]
    pub label: String,
    /// Artist appeal in standard deviations of the catalogue's appeal (0 = average).
    #[serde(default)]
    pub appeal: f64,
}

/// A `[[releases]]` entry as written.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawRelease {
    /// Track title, unique.
    pub title: String,
    /// A named artist (`[[artists]]`).
    pub artist: String,
    /// Release day (0 = the first day; negative = already out before the run).
    pub day: i64,
    /// Track appeal on top of the artist's, in standard deviations of the catalogue's appeal.
    #[serde(default)]
    pub appeal: f64,
    /// Whether it is a Christmas song.
    #[serde(default)]
    pub christmas: bool,
    /// Genre whose style the track has (its taste position is drawn around that genre's
    /// centre): a crossover single. Default: the artist's genre.
    pub style: Option<String>,
}

fn default_label() -> String {
    "major".to_owned()
}

/// A named artist.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct NamedArtist {
    /// Name.
    pub name: String,
    /// Genre.
    pub genre: GenreId,
    /// Region of origin.
    pub region: RegionId,
    /// Label tier.
    pub label: Label,
    /// Appeal in standard deviations of the catalogue's appeal.
    pub appeal: f64,
}

/// A named track.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct NamedRelease {
    /// Title.
    pub title: String,
    /// Index into [`super::Scenario::artists`].
    pub artist: usize,
    /// Release day.
    pub day: i32,
    /// Appeal on top of the artist's, in standard deviations of the catalogue's appeal.
    pub appeal: f64,
    /// Whether it is a Christmas song.
    pub christmas: bool,
    /// The genre whose centre the track's taste position is drawn around.
    pub style: GenreId,
}

pub(super) fn validate_artists(
    c: &Check,
    raw: &[RawArtist],
    regions: &[Region],
    genres: &[Genre],
) -> Result<Vec<NamedArtist>> {
    c.unique("artists", raw.iter().map(|a| a.name.as_str()))?;
    raw.iter()
        .enumerate()
        .map(|(i, a)| {
            let key = |field: &str| format!("artists[{i}].{field}");
            c.label(&key("name"), &a.name)?;
            let genre = c.lookup(&key("genre"), &a.genre, genres.iter().map(|g| g.name.as_str()))?;
            let region = match (&a.region, genres[genre].origin) {
                (Some(name), origin) => {
                    let r = c.lookup(&key("region"), name, regions.iter().map(|r| r.name.as_str()))?;
                    if origin.is_some_and(|o| o.index() != r) {
                        return Err(c.err(
                            key("region"),
                            format!(
                                "genre {:?} is local to {}; its artists must come from there, got {name:?}",
                                a.genre,
                                regions[origin.map_or(0, RegionId::index)].name
                            ),
                        ));
                    }
                    RegionId(r as u8)
                }
                (None, Some(origin)) => origin,
                (None, None) => {
                    return Err(c.err(
                        key("region"),
                        format!("required: genre {:?} is global, so say where the artist comes from", a.genre),
                    ));
                }
            };
            let label = match a.label.as_str() {
                "major" => Label::Major,
                "independent" => Label::Independent,
                "platform" => Label::Platform,
                other => {
                    return Err(c.err(
                        key("label"),
                        format!("unknown label {other:?}; expected \"major\", \"independent\" or \"platform\""),
                    ));
                }
            };
            c.real_in(&key("appeal"), a.appeal, -10.0, 10.0)?;
            Ok(NamedArtist {
                name: a.name.clone(),
                genre: GenreId(genre as u16),
                region,
                label,
                appeal: a.appeal,
            })
        })
        .collect()
}

pub(super) fn validate_releases(
    c: &Check,
    raw: &[RawRelease],
    artists: &[NamedArtist],
    genres: &[Genre],
    days: u32,
    max_age_days: u32,
) -> Result<Vec<NamedRelease>> {
    let mut seen = BTreeMap::new();
    raw.iter()
        .enumerate()
        .map(|(i, r)| {
            let key = |field: &str| format!("releases[{i}].{field}");
            c.label(&key("title"), &r.title)?;
            if seen.insert(r.title.as_str(), i).is_some() {
                return Err(c.err(key("title"), format!("duplicate title {:?}", r.title)));
            }
            let artist = c.lookup(
                &key("artist"),
                &r.artist,
                artists.iter().map(|a| a.name.as_str()),
            )?;
            let day = c.int_in_signed(
                &key("day"),
                r.day,
                -i64::from(max_age_days),
                i64::from(days) - 1,
            )?;
            c.real_in(&key("appeal"), r.appeal, -10.0, 10.0)?;
            let style = match &r.style {
                Some(name) => GenreId(c.lookup(
                    &key("style"),
                    name,
                    genres.iter().map(|g| g.name.as_str()),
                )? as u16),
                None => artists[artist].genre,
            };
            Ok(NamedRelease {
                title: r.title.clone(),
                artist,
                day,
                appeal: r.appeal,
                christmas: r.christmas,
                style,
            })
        })
        .collect()
}
