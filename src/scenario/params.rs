//! Numeric parameter sections of a scenario, with their documented defaults.
//!
//! These sections are read straight from the file (missing keys take the defaults
//! below) and are range-checked by [`super::validate`]. Defaults cite `FACTS.md` where a
//! real figure grounds them; the rest are marked as modelling assumptions.

use serde::{Deserialize, Serialize};

/// How genres, tracks and listeners are placed in the taste space.
///
/// Positions are points in a [`crate::world::TASTE_DIMS`]-dimensional space; taste match
/// is the negative squared distance between a listener and a track.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct TasteParams {
    /// Distance of genre centres from the origin (taste units). Larger: genres further
    /// apart, so listeners stray less outside their home genre. Assumption.
    pub genre_spread: f64,
    /// Standard deviation of a track around its genre centre, per dimension. Assumption.
    pub track_spread: f64,
    /// Standard deviation of a listener around their home genre centre, per dimension.
    /// Assumption.
    pub listener_spread: f64,
}

impl Default for TasteParams {
    fn default() -> Self {
        Self {
            genre_spread: 1.0,
            track_spread: 0.45,
            listener_spread: 0.55,
        }
    }
}

/// How the catalogue is generated.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct CatalogueParams {
    /// Tracks already released on day 0 (released up to `back_catalogue_max_age_days` ago).
    pub back_catalogue_tracks: u32,
    /// New tracks released each week of the run, spread evenly over the days.
    pub new_tracks_per_week: u32,
    /// Mean number of tracks per artist.
    pub tracks_per_artist: f64,
    /// Share of artists on independent labels (the rest are on majors), in [0, 1].
    pub independent_share: f64,
    /// Share of generated artists owned by the streaming platform (its own label), in
    /// [0, 1]; drawn before the independent share, so the rest split as before. 0: none.
    #[serde(skip_serializing_if = "is_zero")]
    pub platform_share: f64,
    /// Standard deviation of latent appeal (utility units); half comes from the artist and
    /// half from the track, so an artist's tracks resemble each other.
    pub appeal_sd: f64,
    /// Oldest back-catalogue release, in days before day 0.
    pub back_catalogue_max_age_days: u32,
    /// Share of back-catalogue tracks that are Christmas songs (seasonal: they surge from
    /// mid-November, peak in the last two weeks of December and fall away in January).
    /// FACTS.md: Christmas songs return to the charts every December. Assumption: 1%.
    pub christmas_share: f64,
    /// Whether every replicate world has the same catalogue (the same artists and tracks
    /// with the same appeal and style; listeners and luck still differ), as MusicLab ran
    /// the same songs in several worlds. Off by default: each world draws its own.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub shared_across_worlds: bool,
    /// Prior popularity β: initial libraries and new-release discovery draw a genre's
    /// tracks with probability ∝ exp(β·appeal) (0: uniformly). See `world::Discovery`.
    #[serde(skip_serializing_if = "is_zero")]
    pub prior_popularity: f64,
}

/// Serde helper: leave a zero parameter out of the written scenario (its default).
fn is_zero(x: &f64) -> bool {
    *x == 0.0
}

impl Default for CatalogueParams {
    fn default() -> Self {
        Self {
            back_catalogue_tracks: 3_000,
            new_tracks_per_week: 60,
            tracks_per_artist: 4.0,
            independent_share: 0.4,
            platform_share: 0.0,
            appeal_sd: 1.0,
            back_catalogue_max_age_days: 3_650,
            christmas_share: 0.01,
            shared_across_worlds: false,
            prior_popularity: 0.0,
        }
    }
}

/// How much and how listeners listen.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ListeningParams {
    /// Mean choice occasions per listener per day, over all listeners and days. FACTS.md:
    /// about 19 streams per listener per day (IFPI Engaging with Music, derived).
    pub streams_per_day: f64,
    /// Log-normal sigma of listeners' activity: 1.0 gives a heavy tail in which the most
    /// active 10% of listeners make about 39% of all choice occasions (1 − Φ(1.2816 − σ)).
    /// Assumption.
    pub activity_sigma: f64,
    /// Probability that a listener listens at all on a given day; activity on active days
    /// is scaled up so the daily mean stays `streams_per_day`. 0.5 is in line with the
    /// daily-to-monthly active user ratios of about 0.4–0.5 that streaming services report
    /// (assumption: no figure in FACTS.md).
    pub active_day_share: f64,
    /// Mean conformity in [0, 1]: how much a listener weighs social proof (popularity).
    /// Listeners draw theirs from a Beta distribution with this mean. Assumption.
    pub conformity_mean: f64,
    /// Correlation between how much a listener streams and how much they follow what is
    /// popular (their conformity), from −0.95 to 0.95 (a Gaussian copula on activity and
    /// conformity; each keeps its own distribution). Positive: heavy listeners are the
    /// mainstream ones (as reported for France, CNM 2021); negative: heavy listeners play
    /// less popular artists (Denmark, Pedersen 2014). 0 (the default): independent.
    #[serde(skip_serializing_if = "is_zero")]
    pub intensity_mainstream_correlation: f64,
    /// Tracks the recommender shows each listener each active day.
    pub slate_size: u32,
    /// Tracks a listener keeps in their personal library (at most 64).
    pub library_size: u32,
    /// Library tracks a listener considers on an active day: when the library holds more,
    /// a fresh uniform draw of this many each day (the day's rotation: nobody weighs
    /// their whole library every day). At least the library's size, every library track
    /// is considered every day.
    pub library_picks: u32,
    /// Probability that an active listener browses the region's latest published chart on
    /// a given day (search and chart browsing). Assumption.
    pub chart_browse_probability: f64,
    /// Entries a browsing listener picks at random from the chart's head.
    pub chart_picks: u32,
    /// How far down the published chart browsing reaches (Top N).
    pub chart_browse_depth: u32,
    /// Position bias of chart browsing: position k (1-based) of the top
    /// `chart_browse_depth` is picked with probability ∝ k^(−decay). 0 (the default) picks
    /// uniformly; 1 is Zipf-like attention that falls with position, so a track climbing
    /// the chart gains exposure step by step rather than all at once when it enters the top.
    pub chart_browse_position_decay: f64,
    /// Recent releases from the listener's home genre that reach them outside the
    /// recommender each active day (radio, friends, browsing new releases).
    pub new_release_picks: u32,
    /// Christmas songs a listener looks up on an active day at the height of the season
    /// (each pick happens with probability equal to the season's intensity).
    pub seasonal_picks: u32,
    /// How recent a release must be to count as new, in days.
    pub new_release_window_days: u32,
    /// Probability that one stream of a track not yet in the library saves it there
    /// (replacing the least recently played track, the one with the lowest satiation, when
    /// the library is full). Assumption.
    pub save_probability: f64,
    /// Half-life of a library track's familiarity (decayed play count), in days. Assumption.
    pub familiarity_half_life_days: f64,
}

impl Default for ListeningParams {
    fn default() -> Self {
        Self {
            streams_per_day: 19.0,
            activity_sigma: 1.0,
            active_day_share: 0.5,
            conformity_mean: 0.5,
            intensity_mainstream_correlation: 0.0,
            slate_size: 10,
            library_size: 10,
            library_picks: 16,
            chart_browse_probability: 0.3,
            chart_picks: 3,
            chart_browse_depth: 20,
            chart_browse_position_decay: 0.0,
            new_release_picks: 3,
            seasonal_picks: 2,
            new_release_window_days: 28,
            save_probability: 0.15,
            familiarity_half_life_days: 30.0,
        }
    }
}

/// Weights of the utility a listener derives from a stream (multinomial logit scale).
///
/// `U = −taste·d² + appeal·a + local·[local] + social·c·ln(1 + p) + novelty·2^(−age/h)
///      + familiarity·f/(f + 5) − wear·f − satiation·s − position·k`, and the outside option has
/// utility `outside`. See `docs/MODEL.md` for each term.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct UtilityParams {
    /// Weight on the squared taste distance d² between listener and track.
    pub taste: f64,
    /// Weight on the track's latent appeal a.
    pub appeal: f64,
    /// Bonus for a track whose artist comes from the listener's region (home bias).
    pub local: f64,
    /// Weight on social proof: conformity c times ln(1 + p), where p is the track's
    /// streams in the listener's region over the last 7 days per 1,000 listeners.
    pub social: f64,
    /// Weight on novelty, which halves every `novelty_half_life_days` after release.
    pub novelty: f64,
    /// Half-life of novelty in days. FACTS.md: 65% of Spotify Top 50 tracks peak within a
    /// week of release (Chartmetric), so novelty fades within weeks.
    pub novelty_half_life_days: f64,
    /// Weight on familiarity f/(f + 5), f being the listener's decayed play count of a
    /// library track (people like what they know; the effect saturates).
    pub familiarity: f64,
    /// Wear-out per unit of familiarity f: with `familiarity`, liking first rises with
    /// exposure and then falls (the inverted U of exposure and liking), so even favourites
    /// leave heavy rotation after weeks. Assumption.
    pub wear: f64,
    /// Weight on satiation s, the listener's recent plays of the track (decays with
    /// `satiation_half_life_days`): replaying a track lowers its utility for a while.
    pub satiation: f64,
    /// Half-life of satiation in days.
    pub satiation_half_life_days: f64,
    /// Utility lost per position down the recommender's slate (position bias).
    pub position: f64,
    /// Utility of the outside option (not streaming on this occasion).
    pub outside: f64,
    /// Seasonal utility of a Christmas song: `seasonal · (2·s − 1)` with s the season's
    /// intensity on the day (0 off-season, 1 from 18 to 31 December), so Christmas songs
    /// are out of favour for most of the year and in favour at Christmas. Assumption.
    pub seasonal: f64,
}

impl Default for UtilityParams {
    fn default() -> Self {
        Self {
            taste: 1.0,
            appeal: 0.8,
            local: 0.25,
            social: 0.35,
            novelty: 1.0,
            novelty_half_life_days: 14.0,
            familiarity: 0.6,
            wear: 0.02,
            satiation: 0.12,
            satiation_half_life_days: 14.0,
            position: 0.08,
            outside: -0.5,
            seasonal: 3.0,
        }
    }
}

/// Which of the weekly measures with a cost of their own a run computes. All are on by
/// default; a run that does not need them (a speed benchmark, a calibration search) can
/// switch them off, and their columns are then left empty.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Measures {
    /// `consumption_overlap`: sampled libraries compared every week.
    pub consumption_overlap: bool,
    /// `genre_entropy_individual`: each listener's genre mix every week.
    pub listener_entropy: bool,
    /// The slate columns (`local_share_recommendations`, `slate_miscalibration`,
    /// `slate_diversity`, `catalogue_recommended_share`): what every slate showed.
    pub slates: bool,
    /// `tracks.csv`'s `listeners`: each listener's streamed tracks, kept for the run.
    pub listeners_per_track: bool,
}

impl Default for Measures {
    fn default() -> Self {
        Self {
            consumption_overlap: true,
            listener_entropy: true,
            slates: true,
            listeners_per_track: true,
        }
    }
}

impl Measures {
    /// Whether every measure is on (the default, left out of written scenarios).
    pub fn all_on(&self) -> bool {
        *self == Self::default()
    }
}
