//! A run's streams by track, kept compactly until `tracks.csv` is written.
//!
//! A national catalogue has millions of tracks, most of them streamed in few regions or
//! none, so a run keeps one compact line per released track (its attributes and streams in
//! all regions together) and, per region, only the tracks streamed there. Names (policy,
//! region, genre, origin, title) are attached when the rows are written, from the
//! scenario, instead of being stored as strings in every row.

use super::rows::TrackRow;
use crate::scenario::{Label, Scenario};
use crate::world::World;

/// No named release (a generated track).
const UNNAMED: u32 = u32::MAX;

/// One released track and its streams over the run in all regions together.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct TrackLine {
    /// Track id.
    pub track: u32,
    /// Lead artist id.
    pub artist: u32,
    /// Genre index.
    pub genre: u16,
    /// Origin region index.
    pub origin: u16,
    /// Major or independent.
    pub label: Label,
    /// Whether it is a Christmas song.
    pub christmas: bool,
    /// Release day (negative: back catalogue).
    pub release_day: i32,
    /// Latent appeal (utility units).
    pub appeal: f32,
    /// Index of its named release, or [`UNNAMED`].
    named: u32,
    /// Uncapped streams over the run, all regions.
    pub streams: u64,
    /// Distinct simulated listeners who streamed it, all regions (0 when not measured).
    pub listeners: u32,
}

/// One track streamed in one region: its line in [`TrackTotals::all`], its streams and
/// its distinct simulated listeners there.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct RegionTrack {
    /// Index into [`TrackTotals::all`] (the track id).
    pub line: u32,
    /// Uncapped streams in the region, per real account.
    pub streams: u64,
    /// Distinct simulated listeners in the region (0 when not measured).
    pub listeners: u32,
}

/// Streams by track of one run: every released track once, and each region's streamed
/// tracks.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct TrackTotals {
    /// Every track released by the end of the run, in track order.
    pub all: Vec<TrackLine>,
    /// Per region (scenario order): each track streamed there, in track order.
    pub by_region: Vec<Vec<RegionTrack>>,
    /// Whether distinct listeners were counted (`[measures] listeners_per_track`).
    pub listeners_measured: bool,
}

impl TrackTotals {
    /// The totals of a run from its simulated streams per region and track
    /// (`streams[region][track]`) over the tracks released by the end of the run, reported
    /// per real account (× `accounts_per_listener`), with its distinct simulated listeners
    /// per region and track if counted; `named_slot` gives a track's named release, if any.
    pub fn collect(
        scenario: &Scenario,
        world: &World,
        streams: &[Vec<u64>],
        listeners: Option<&[Vec<u32>]>,
        named_slot: impl Fn(u32) -> Option<usize>,
    ) -> Self {
        let listeners_of = |r: usize, t: usize| listeners.map_or(0, |l| l[r][t]);
        let weight = u64::from(scenario.accounts_per_listener);
        let tracks = &world.catalogue.tracks;
        let released = world.catalogue.released(scenario.weeks() as i32 * 7 - 1);
        let all = (0..released)
            .map(|t| {
                let artist = tracks.artist[t];
                TrackLine {
                    track: t as u32,
                    artist: artist.0,
                    genre: tracks.genre[t].0,
                    origin: u16::from(tracks.origin[t].0),
                    label: world.catalogue.artists.label[artist.index()],
                    christmas: tracks.christmas[t],
                    release_day: tracks.release_day[t],
                    appeal: tracks.appeal[t],
                    named: named_slot(t as u32).map_or(UNNAMED, |slot| slot as u32),
                    streams: streams.iter().map(|s| s[t]).sum::<u64>() * weight,
                    listeners: (0..streams.len()).map(|r| listeners_of(r, t)).sum(),
                }
            })
            .collect();
        let by_region = streams
            .iter()
            .enumerate()
            .map(|(r, s)| {
                s[..released]
                    .iter()
                    .enumerate()
                    .filter(|&(_, &n)| n > 0)
                    .map(|(t, &n)| RegionTrack {
                        line: t as u32,
                        streams: n * weight,
                        listeners: listeners_of(r, t),
                    })
                    .collect()
            })
            .collect();
        Self {
            all,
            by_region,
            listeners_measured: listeners.is_some(),
        }
    }

    /// Streams of every released track in `region` (`None`: all regions), in track order.
    pub fn dense(&self, region: Option<usize>) -> Vec<u64> {
        match region {
            None => self.all.iter().map(|t| t.streams).collect(),
            Some(r) => {
                let mut out = vec![0; self.all.len()];
                for t in &self.by_region[r] {
                    out[t.line as usize] = t.streams;
                }
                out
            }
        }
    }

    /// The `tracks.csv` rows of run `run` (replicate `replicate`, policy `policy`): each
    /// region's streamed tracks, then every released track for `all`.
    pub fn rows<'a>(
        &'a self,
        scenario: &'a Scenario,
        run: u32,
        replicate: u32,
        policy: usize,
    ) -> impl Iterator<Item = TrackRow> + 'a {
        let regions = self
            .by_region
            .iter()
            .enumerate()
            .flat_map(move |(r, list)| {
                list.iter().map(move |t| {
                    let line = &self.all[t.line as usize];
                    (
                        scenario.regions[r].name.as_str(),
                        line,
                        t.streams,
                        t.listeners,
                    )
                })
            });
        let all = self
            .all
            .iter()
            .map(|line| ("all", line, line.streams, line.listeners));
        let weight = u64::from(scenario.accounts_per_listener);
        let measured = self.listeners_measured;
        regions
            .chain(all)
            .map(move |(region, line, streams, listeners)| TrackRow {
                run,
                replicate,
                policy: scenario.policies[policy].name.clone(),
                region: region.to_owned(),
                track: line.track,
                artist: line.artist,
                genre: scenario.genres[usize::from(line.genre)].name.clone(),
                origin: scenario.regions[usize::from(line.origin)].name.clone(),
                label: line.label,
                release_day: line.release_day,
                christmas: line.christmas,
                appeal: line.appeal,
                streams,
                listeners: measured.then(|| u64::from(listeners) * weight),
                title: match line.named {
                    UNNAMED => String::new(),
                    slot => scenario.releases[slot as usize].title.clone(),
                },
            })
    }
}
