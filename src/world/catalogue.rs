//! The catalogue: artists and tracks as columns, tracks in release order.
//!
//! Tracks are sorted by release day, so the tracks released by any day form a prefix
//! `0..released(day)`; "is it out yet?" is one comparison and the released catalogue is
//! one slice. Every track of the run exists from the start (future releases simply have
//! no streams yet), so per-track arrays never grow during a run.

use rand::RngExt;
use rand::seq::SliceRandom;
use rand_distr::{Distribution, Normal};

use super::taste::{Taste, around};
use crate::ids::{ArtistId, GenreId, RegionId, TrackId};
use crate::rng::{SeedKey, SimRng};
use crate::scenario::Scenario;

pub use crate::scenario::Label;

/// Artists, one entry per column position.
#[derive(Clone, Debug, Default)]
pub struct Artists {
    /// The artist's region of origin.
    pub region: Vec<RegionId>,
    /// The artist's genre (all their tracks share it).
    pub genre: Vec<GenreId>,
    /// The artist's label tier.
    pub label: Vec<Label>,
}

/// Tracks, one entry per column position, sorted by release day.
#[derive(Clone, Debug, Default)]
pub struct Tracks {
    /// Lead artist.
    pub artist: Vec<ArtistId>,
    /// Genre (the artist's).
    pub genre: Vec<GenreId>,
    /// Region of origin (the artist's); "local" means equal to the listener's region.
    pub origin: Vec<RegionId>,
    /// Latent appeal in utility units (artist part plus track part).
    pub appeal: Vec<f32>,
    /// Position in taste space.
    pub taste: Vec<Taste>,
    /// Release day; negative for the back catalogue (released before day 0).
    pub release_day: Vec<i32>,
    /// Whether the track is a Christmas song (seasonal demand).
    pub christmas: Vec<bool>,
}

/// Artists and tracks of one world.
#[derive(Clone, Debug)]
pub struct Catalogue {
    /// Artist columns.
    pub artists: Artists,
    /// Track columns, sorted by release day.
    pub tracks: Tracks,
    /// For each genre, its tracks in release order.
    pub by_genre: Vec<Vec<TrackId>>,
    /// The Christmas songs.
    pub christmas: Vec<TrackId>,
    /// The track of each named release, indexed like [`Scenario::releases`].
    pub named: Vec<TrackId>,
}

impl Catalogue {
    /// Generates the catalogue of one world from the scenario.
    pub fn generate(scenario: &Scenario, centres: &[Taste], key: SeedKey) -> Self {
        let mut rng = key.rng();
        let p = &scenario.catalogue;
        let n_tracks = scenario.total_tracks() as usize;
        // At least one artist per generated track set; none when the whole catalogue is
        // imported, so no trackless artist enters the artist-level measures.
        let n_artists = if n_tracks == 0 {
            0
        } else {
            ((n_tracks as f64 / p.tracks_per_artist).round() as usize).max(1)
        };

        let genre_cdf = cumulative(scenario.genres.iter().map(|g| g.catalogue_share));
        let region_cdf = cumulative(scenario.regions.iter().map(|r| r.artist_share));
        let half_sd = p.appeal_sd / std::f64::consts::SQRT_2;
        let appeal = Normal::new(0.0, half_sd).expect("invariant: appeal_sd validated finite");

        let mut artists = Artists::default();
        let mut artist_appeal = Vec::with_capacity(n_artists);
        for _ in 0..n_artists {
            let genre = pick(&genre_cdf, &mut rng);
            let region = match scenario.genres[genre].origin {
                Some(region) => region,
                None => RegionId(pick(&region_cdf, &mut rng) as u8),
            };
            // The platform's draw only when it owns artists, so other worlds are unchanged.
            let label = if p.platform_share > 0.0 && rng.random_bool(p.platform_share) {
                Label::Platform
            } else if rng.random_bool(p.independent_share) {
                Label::Independent
            } else {
                Label::Major
            };
            artists.genre.push(GenreId(genre as u16));
            artists.region.push(region);
            artists.label.push(label);
            artist_appeal.push(appeal.sample(&mut rng));
        }

        // Release days: the back catalogue spread over its age range, then new releases
        // spread evenly over the run's days. Generated in release order.
        let back = p.back_catalogue_tracks as usize;
        let new = n_tracks - back;
        let max_age = p.back_catalogue_max_age_days as f64;
        let run_days = f64::from(scenario.weeks() * 7);
        let release_days = (0..back)
            .map(|i| -((max_age * (1.0 - i as f64 / back as f64)).ceil() as i32))
            .chain((0..new).map(|i| (i as f64 * run_days / new as f64).floor() as i32));

        let mut tracks = Tracks::default();
        // Every artist gets at least one track; the rest go to random artists.
        let mut owners: Vec<usize> = (0..n_tracks)
            .map(|i| {
                if i < n_artists {
                    i
                } else {
                    rng.random_range(0..n_artists)
                }
            })
            .collect();
        owners.shuffle(&mut rng);
        for (release_day, a) in release_days.zip(owners) {
            let genre = artists.genre[a];
            tracks.artist.push(ArtistId(a as u32));
            tracks.genre.push(genre);
            tracks.origin.push(artists.region[a]);
            tracks
                .appeal
                .push((artist_appeal[a] + appeal.sample(&mut rng)) as f32);
            tracks.taste.push(around(
                &mut rng,
                &centres[genre.index()],
                scenario.taste.track_spread,
            ));
            tracks.release_day.push(release_day);
        }

        // Christmas tags come from their own stream, so the rest of the catalogue does not
        // depend on `christmas_share`.
        let mut season_rng = key.child(1).rng();
        tracks.christmas = (0..n_tracks)
            .map(|t| t < back && season_rng.random_bool(p.christmas_share))
            .collect();

        let (tracks, named) = with_named_releases(
            scenario,
            &mut artists,
            tracks,
            centres,
            half_sd,
            key.child(2),
        );

        let mut by_genre = vec![Vec::new(); scenario.genres.len()];
        for (t, g) in tracks.genre.iter().enumerate() {
            by_genre[g.index()].push(TrackId(t as u32));
        }
        let christmas = (0..tracks.christmas.len())
            .filter(|&t| tracks.christmas[t])
            .map(|t| TrackId(t as u32))
            .collect();
        Self {
            artists,
            tracks,
            by_genre,
            christmas,
            named,
        }
    }

    /// The artist id of named artist `i` (index into [`Scenario::artists`]): named artists
    /// follow the generated ones.
    pub fn named_artist(&self, scenario: &Scenario, i: usize) -> ArtistId {
        ArtistId((self.artists.region.len() - scenario.artists.len() + i) as u32)
    }

    /// Number of tracks (released or not).
    pub fn len(&self) -> usize {
        self.tracks.artist.len()
    }

    /// Whether the catalogue has no tracks.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Number of tracks released on or before `day` (they are `0..released(day)`).
    pub fn released(&self, day: i32) -> usize {
        self.tracks.release_day.partition_point(|&d| d <= day)
    }
}

/// Adds the scenario's named artists to `artists` and merges its named releases into the
/// generated `tracks` by release day (a named track comes after generated tracks of the
/// same day). Named tracks draw their taste positions from their own stream, so the
/// generated catalogue is the same with or without them. Returns the merged tracks and
/// each named release's track id.
fn with_named_releases(
    scenario: &Scenario,
    artists: &mut Artists,
    generated: Tracks,
    centres: &[Taste],
    half_sd: f64,
    key: SeedKey,
) -> (Tracks, Vec<TrackId>) {
    if scenario.releases.is_empty() && scenario.artists.is_empty() {
        return (generated, Vec::new());
    }
    let first_named = artists.region.len();
    for a in &scenario.artists {
        artists.region.push(a.region);
        artists.genre.push(a.genre);
        artists.label.push(a.label);
    }
    let mut rng = key.rng();
    let mut order: Vec<usize> = (0..scenario.releases.len()).collect();
    order.sort_by_key(|&i| scenario.releases[i].day);
    let mut merged = Tracks::default();
    let mut named = vec![TrackId(0); scenario.releases.len()];
    let mut next = order.iter().peekable();
    let n = generated.artist.len();
    for t in 0..=n {
        let day = generated.release_day.get(t).copied().unwrap_or(i32::MAX);
        while let Some(&&i) = next.peek() {
            let release = &scenario.releases[i];
            if release.day >= day && t < n {
                break;
            }
            let artist = &scenario.artists[release.artist];
            named[i] = TrackId(merged.artist.len() as u32);
            merged
                .artist
                .push(ArtistId((first_named + release.artist) as u32));
            merged.genre.push(artist.genre);
            merged.origin.push(artist.region);
            merged
                .appeal
                .push(((artist.appeal + release.appeal) * half_sd) as f32);
            merged.taste.push(around(
                &mut rng,
                &centres[release.style.index()],
                scenario.taste.track_spread,
            ));
            merged.release_day.push(release.day);
            merged.christmas.push(release.christmas);
            next.next();
        }
        if t < n {
            merged.artist.push(generated.artist[t]);
            merged.genre.push(generated.genre[t]);
            merged.origin.push(generated.origin[t]);
            merged.appeal.push(generated.appeal[t]);
            merged.taste.push(generated.taste[t]);
            merged.release_day.push(generated.release_day[t]);
            merged.christmas.push(generated.christmas[t]);
        }
    }
    (merged, named)
}

/// Cumulative sums of non-negative weights (last element is the total).
pub(crate) fn cumulative(weights: impl Iterator<Item = f64>) -> Vec<f64> {
    let mut total = 0.0;
    weights
        .map(|w| {
            total += w;
            total
        })
        .collect()
}

/// Index drawn with probability proportional to its weight, given cumulative weights.
pub(crate) fn pick(cdf: &[f64], rng: &mut SimRng) -> usize {
    let total = *cdf.last().expect("invariant: non-empty weights");
    let u = rng.random::<f64>() * total;
    cdf.partition_point(|&c| c <= u).min(cdf.len() - 1)
}

#[cfg(test)]
mod tests {
    use crate::rng::SeedKey;
    use crate::scenario::Scenario;
    use crate::world::World;

    fn world(extra: &str) -> (Scenario, World) {
        let text =
            crate::scenario::DEFAULT_SCENARIO_TOML.replace("listeners = 30_000", "listeners = 100");
        let scenario = Scenario::from_toml_str(&format!("{text}\n{extra}"), "test").expect("valid");
        let world = World::generate(&scenario, SeedKey::root(5));
        (scenario, world)
    }

    #[test]
    fn named_releases_join_the_catalogue_in_release_order_without_moving_the_rest() {
        let (plain_scenario, plain) = world("");
        let (scenario, named) = world(
            r#"
[[artists]]
name = "Group"
genre = "k-pop"
appeal = 2.0

[[releases]]
title = "Summer"
artist = "Group"
day = 100
appeal = 1.0
style = "pop"

[[releases]]
title = "Old Carol"
artist = "Group"
day = -50
christmas = true
"#,
        );
        let (a, b) = (&plain.catalogue, &named.catalogue);
        assert_eq!(b.len(), a.len() + 2);
        assert_eq!(b.artists.region.len(), a.artists.region.len() + 1);
        let days = &b.tracks.release_day;
        assert!(
            days.windows(2).all(|w| w[0] <= w[1]),
            "still in release order"
        );
        let [summer, carol] = [b.named[0].index(), b.named[1].index()];
        assert_eq!((days[summer], days[carol]), (100, -50));
        // after every generated track of its day, before the next day's
        assert!(days[summer - 1] <= 100);
        assert!(days[summer + 1] > 100);
        assert!(b.tracks.christmas[carol] && !b.tracks.christmas[summer]);
        let group = b.named_artist(&scenario, 0);
        assert_eq!(b.tracks.artist[summer], group);
        // appeal: (artist 2 + track 1) standard deviations of a half-variance component
        let half_sd = scenario.catalogue.appeal_sd / std::f64::consts::SQRT_2;
        assert!((f64::from(b.tracks.appeal[summer]) - 3.0 * half_sd).abs() < 1e-6);
        // the generated tracks are the same, in the same order
        let generated: Vec<usize> = (0..b.len())
            .filter(|&t| t != summer && t != carol)
            .collect();
        assert_eq!(generated.len(), a.len());
        for (i, &t) in generated.iter().enumerate() {
            assert_eq!(b.tracks.appeal[t], a.tracks.appeal[i]);
            assert_eq!(b.tracks.release_day[t], a.tracks.release_day[i]);
        }
        assert_eq!(plain_scenario.releases.len(), 0);
        assert!(b.christmas.contains(&b.named[1]));
    }
}
