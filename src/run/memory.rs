//! A batch's peak memory, estimated from the resolved scenario before anything is simulated.
//!
//! **Why.** Memory is decided by the scenario's sizes alone, and a batch that does not fit
//! fails late and abruptly: 50 million listeners abort after a minute on a 10.8 GB
//! allocation (the listener states of one run), ten million tracks on a 3.4 GB one (one
//! run's 28-day stream ring), 10,000 replicates after the collected results reach several
//! gigabytes. Everything that sets the size is known once the scenario is resolved, so
//! [`estimate_peak_bytes`] answers in microseconds, and a caller can warn or refuse before
//! simulating; [`MemoryEstimate::driving_keys`] names the scenario keys to change.
//!
//! **How.** The estimate follows the batch's structure
//! ([`run_batch`](crate::batch::run_batch), [`run_one`](super::run_one)):
//!
//! * each **live run** holds a `Simulation`: every listener's [`ListenerState`] and weekly
//!   genre counts; per region and track the market's windows and the day's
//!   [`TrackTerms`] and the week's counters; the cells played on each day of the longest
//!   window (the market's ring) and a day's plays (the chunks' logs), which grow with
//!   listening rather than with the catalogue (at most every track each day); one chart
//!   compiler per region and rule set with its week's candidates; the run's stream
//!   totals; and its recommender's state ([`policy_bytes`]);
//! * each **live world** holds its listener and track columns, and with a `branch_day`
//!   its baseline run at that day (a whole run state) while its policies branch from it;
//! * every run's **results** ([`WeekRow`]s and [`ChartRow`]s with their heap strings, and
//!   a compact [`TrackLine`] per released track plus a pair per track streamed in each
//!   region) are kept until the batch ends, because the result files are written only
//!   when every run is done; a run builds its track lines at its very end;
//! * after the simulation, drawing the plots reads `tracks.csv` back into per-track and
//!   per-artist totals while the results are still held.
//!
//! A rayon worker simulates one run at a time, so at most `min(threads, runs)` runs and
//! `min(threads, replicates)` worlds are live, each run's policy at most `replicates`
//! times. While `k` runs are live, all runs but `k − 1` have their track rows, so the
//! simulation's peak is the largest over `k` of
//!
//! ```text
//! baseline + worlds + (k largest run states) + all results − (k − 1) × one run's track rows
//! ```
//!
//! and the batch's peak is the larger of that and `plot baseline + all results + plot
//! data`. [`MemoryEstimate::parts`] break the peak down by component.
//!
//! Sizes are `std::mem::size_of` of the real element types, so the estimate follows the
//! code when a type grows; a heap string is counted as the chunk glibc's allocator gives
//! it. Arrays are counted where the code writes them (a `vec![0; n]` never written stays
//! an unmapped zero page). `benches/MEMORY.md` compares estimates with measured peaks.

use std::mem::size_of;

use crate::chart::ChartCompiler;
use crate::ids::{ArtistId, GenreId, RegionId, TrackId};
use crate::payout::TrackPlays;
use crate::policy::scorers::style_grid::{CELL_WIDTH, MAX_CELLS, Slot};
use crate::policy::{
    CollaborativeModel, HISTORY_TRACKS, PolicySpec, PopularityScope, Recommender, Scorer,
};
use crate::run::{
    ChartRow, ChartRunStats, PayoutLine, PayoutMonth, RegionTrack, TrackLine, WeekRow, caps_for,
};
use crate::scenario::Scenario;
use crate::step::{
    HeardSet, ListenerState, MonthPlays, RING_DAYS, SOCIAL_WINDOW_DAYS, SlotsHeard, TrackTerms,
};
use crate::world::{Label, TASTE_DIMS, Taste};

/// Resident memory of the process besides scenario-sized data while simulating: code,
/// libraries, thread stacks and allocator arenas (measured by difference with 200,000
/// listeners and a 100-track catalogue).
pub const PROCESS_BASELINE_BYTES: u64 = 6 << 20;

/// Resident memory besides scenario-sized data while the plots and the report are drawn
/// (fonts, bitmaps, SVG text); a 1,000-listener, one-week batch peaks at this.
pub const PLOTS_BASELINE_BYTES: u64 = 15 << 20;

/// Listeners per chunk tally at least, and most chunk tallies (as in `step`).
const MIN_CHUNK: u64 = 8_192;
const MAX_CHUNKS: u64 = 32;

/// When the peak happens.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Phase {
    /// While runs are simulated: their states and the results collected so far.
    Simulation,
    /// After the simulation, while the plots are drawn from the result files with every
    /// result still held.
    Plots,
}

/// One component of the estimate.
#[derive(Clone, Debug, PartialEq)]
pub struct MemoryPart {
    /// What the memory holds.
    pub component: &'static str,
    /// Bytes at the peak.
    pub bytes: u64,
    /// The scenario keys (and `--threads`) its size grows with.
    pub keys: &'static [&'static str],
}

/// The estimated peak and its breakdown.
#[derive(Clone, Debug, PartialEq)]
pub struct MemoryEstimate {
    /// Estimated peak resident bytes of the whole process.
    pub peak_bytes: u64,
    /// The components resident at the peak, largest first; they add up to `peak_bytes`.
    pub parts: Vec<MemoryPart>,
    /// When the peak happens.
    pub at: Phase,
    /// Runs being simulated at the peak (at most one per thread).
    pub live_runs: u64,
    /// Replicate worlds held at the same time.
    pub live_worlds: u64,
}

impl MemoryEstimate {
    /// The component that takes the most memory.
    pub fn largest(&self) -> &MemoryPart {
        self.parts
            .first()
            .expect("invariant: an estimate has parts")
    }

    /// The keys behind the components that make up at least a quarter of the peak, largest
    /// component first, each key once.
    pub fn driving_keys(&self) -> Vec<&'static str> {
        let mut keys: Vec<&'static str> = Vec::new();
        for part in self
            .parts
            .iter()
            .filter(|p| p.bytes.saturating_mul(4) >= self.peak_bytes)
        {
            for key in part.keys {
                if !keys.contains(key) {
                    keys.push(key);
                }
            }
        }
        keys
    }

    /// Bytes of the named component (0 if there is none).
    pub fn bytes_of(&self, component: &str) -> u64 {
        self.parts
            .iter()
            .filter(|p| p.component == component)
            .map(|p| p.bytes)
            .sum()
    }
}

/// Component names, for [`MemoryEstimate::bytes_of`].
pub mod component {
    /// Code, libraries, stacks, allocator and drawing.
    pub const BASELINE: &str = "process baseline";
    /// Listener and catalogue columns of the live worlds.
    pub const WORLDS: &str = "worlds";
    /// Listener states and weekly genre counts of the live runs.
    pub const LISTENER_STATE: &str = "listener state";
    /// Each live run's (listener, track) pairs for `tracks.csv`'s distinct listeners.
    pub const HEARD: &str = "distinct-listener sets";
    /// Per-track market, tallies, charts and totals of the live runs.
    pub const TRACK_COUNTERS: &str = "track counters";
    /// Recommender state of the live runs.
    pub const RECOMMENDER: &str = "recommender";
    /// With a `branch_day`: each live world's baseline run at the branch day, kept while
    /// the policies branch from it.
    pub const WARM_UPS: &str = "shared warm-ups";
    /// `metrics.csv` rows of every run.
    pub const WEEK_ROWS: &str = "weekly rows";
    /// `charts.csv` rows of every run.
    pub const CHART_ROWS: &str = "chart rows";
    /// `tracks.csv` rows of every run.
    pub const TRACK_ROWS: &str = "track rows";
    /// Totals read back from `tracks.csv` to draw the plots.
    pub const PLOT_DATA: &str = "plot data";
}

/// Estimates the peak resident memory of `run_batch` on `scenario` with `threads` worker
/// threads, followed by writing its results, plots and report.
pub fn estimate_peak_bytes(scenario: &Scenario, threads: usize) -> MemoryEstimate {
    let s = Sizes::of(scenario);
    let threads = threads.max(1) as u64;
    let live_runs = threads.min(s.runs);
    let live_worlds = threads.min(u64::from(scenario.replicates));

    // One run's state besides its recommender, and each policy's recommender.
    let listener_state =
        s.listeners * (listener_bytes_per_run(scenario) + month_bytes_per_listener(scenario));
    let heard = s.listeners * heard_bytes_per_listener(scenario);
    let track_counters = s.tracks * track_bytes_per_run(scenario)
        + chart_candidate_bytes(scenario)
        + played_bytes_per_run(scenario);
    let mut recommenders: Vec<u64> = Vec::new();
    for policy in &scenario.policies {
        let one = policy_bytes(scenario, policy);
        // A policy runs once per replicate, so at most `replicates` of its runs are live.
        let copies = live_runs.min(u64::from(scenario.replicates));
        recommenders.extend(std::iter::repeat_n(one, copies as usize));
    }
    recommenders.sort_unstable_by_key(|&b| std::cmp::Reverse(b));

    let worlds = live_worlds * world_bytes(scenario);
    // A branched world keeps its warm-up (a whole run state at the branch day) while its
    // policies run.
    let warm_ups = scenario.branch_day.map_or(0, |day| {
        let weeks = day.cast_unsigned().div_ceil(7);
        live_worlds
            * (listener_state
                + s.listeners * heard_bytes_per_listener_after(scenario, weeks)
                + track_counters
                + policy_bytes(scenario, &scenario.policies[0]))
    });
    let week_rows = s.runs * week_rows_per_run(scenario);
    let chart_rows = s.runs * chart_rows_per_run(scenario);
    let track_rows_one = track_rows_per_run(scenario) + payout_lines_per_run(scenario);
    let results = week_rows + chart_rows + s.runs * track_rows_one;

    // A run builds its track rows at its very end, so while k runs are live at most
    // `runs − (k − 1)` runs have their track rows: the simulation peaks with all runs
    // live when a run's state outweighs its track rows, else with the last run alone.
    let (k, simulation) = (1..=live_runs)
        .map(|k| {
            let states = k * (listener_state + heard + track_counters)
                + recommenders.iter().take(k as usize).sum::<u64>();
            (k, states + results - (k - 1) * track_rows_one)
        })
        .max_by_key(|&(k, total)| (total, std::cmp::Reverse(k)))
        .unwrap_or((0, results));
    let simulation = simulation + worlds + warm_ups;
    let plots = results + s.runs * plot_bytes_per_run(scenario) + PLOTS_BASELINE_BYTES;
    let simulation = simulation + PROCESS_BASELINE_BYTES;

    let part = |component, bytes, keys| MemoryPart {
        component,
        bytes,
        keys,
    };
    let rows = [
        part(
            component::WEEK_ROWS,
            week_rows,
            &["replicates", "policies", "days", "regions"][..],
        ),
        part(
            component::CHART_ROWS,
            chart_rows,
            &["replicates", "policies", "days", "regions.chart_rules"],
        ),
    ];
    let track_row_keys: &'static [&'static str] = &[
        "replicates",
        "policies",
        "catalogue.back_catalogue_tracks",
        "catalogue.new_tracks_per_week",
    ];
    let mut parts = rows.to_vec();
    let at = if simulation >= plots {
        parts.extend([
            part(component::BASELINE, PROCESS_BASELINE_BYTES, &[]),
            part(
                component::TRACK_ROWS,
                (s.runs - (k - 1)) * track_rows_one,
                track_row_keys,
            ),
            part(
                component::WORLDS,
                worlds,
                &["listeners", "catalogue.back_catalogue_tracks", "--threads"],
            ),
            part(
                component::WARM_UPS,
                warm_ups,
                &["branch_day (remove it)", "listeners", "--threads"],
            ),
            part(
                component::LISTENER_STATE,
                k * listener_state,
                &["listeners", "--threads"],
            ),
            part(
                component::HEARD,
                k * heard,
                &[
                    "measures.listeners_per_track (switch it off)",
                    "listeners",
                    "days",
                    "--threads",
                ],
            ),
            part(
                component::TRACK_COUNTERS,
                k * track_counters,
                &[
                    "catalogue.back_catalogue_tracks",
                    "catalogue.new_tracks_per_week",
                    "regions",
                    "listeners",
                    "--threads",
                ],
            ),
            part(
                component::RECOMMENDER,
                recommenders.iter().take(k as usize).sum(),
                &[
                    "policies",
                    "listeners",
                    "catalogue.back_catalogue_tracks",
                    "--threads",
                ],
            ),
        ]);
        Phase::Simulation
    } else {
        parts.extend([
            part(component::BASELINE, PLOTS_BASELINE_BYTES, &[]),
            part(
                component::TRACK_ROWS,
                s.runs * track_rows_one,
                track_row_keys,
            ),
            part(
                component::PLOT_DATA,
                plots - results - PLOTS_BASELINE_BYTES,
                track_row_keys,
            ),
        ]);
        Phase::Plots
    };
    parts.sort_by_key(|p| std::cmp::Reverse(p.bytes));
    MemoryEstimate {
        peak_bytes: parts.iter().map(|p| p.bytes).sum(),
        parts,
        at,
        live_runs: k,
        live_worlds,
    }
}

/// Counts the formula needs, as `u64`.
struct Sizes {
    listeners: u64,
    tracks: u64,
    runs: u64,
}

impl Sizes {
    fn of(scenario: &Scenario) -> Self {
        Self {
            listeners: u64::from(scenario.listeners),
            tracks: u64::from(scenario.total_tracks()) + scenario.releases.len() as u64,
            runs: u64::from(scenario.replicates) * scenario.policies.len() as u64,
        }
    }
}

fn bytes<T>() -> u64 {
    size_of::<T>() as u64
}

/// The chunk glibc's `malloc` gives a heap string of `len` bytes: 8 bytes of header,
/// rounded up to 16, at least 32; nothing for an empty string.
pub fn heap_string_bytes(len: usize) -> u64 {
    if len == 0 {
        0
    } else {
        (((len + 8).div_ceil(16)) * 16).max(32) as u64
    }
}

/// Tracks per artist, for per-artist columns counted per track.
fn artists_per_track(scenario: &Scenario) -> f64 {
    1.0 / scenario.catalogue.tracks_per_artist.max(1.0)
}

/// One replicate world: listener columns, fandom columns, track and artist columns.
fn world_bytes(scenario: &Scenario) -> u64 {
    let s = Sizes::of(scenario);
    let listener = bytes::<RegionId>()
        + bytes::<Taste>()
        + bytes::<GenreId>()
        + 2 * bytes::<f32>()
        + bytes::<bool>()
        // fandom, join day, devotion, accounts
        + bytes::<u8>()
        + bytes::<i32>()
        + bytes::<f32>()
        + bytes::<u8>();
    let track = bytes::<ArtistId>()
        + bytes::<GenreId>()
        + bytes::<RegionId>()
        + bytes::<f32>()
        + bytes::<Taste>()
        + bytes::<i32>()
        + bytes::<bool>()
        + bytes::<TrackId>(); // by_genre
    let artist = bytes::<RegionId>() + bytes::<GenreId>() + bytes::<Label>();
    s.listeners * listener
        + s.tracks * track
        + (s.tracks as f64 * artists_per_track(scenario) * artist as f64) as u64
}

/// Per listener in one live run: the state and the week's per-genre stream counts.
fn listener_bytes_per_run(scenario: &Scenario) -> u64 {
    bytes::<ListenerState>() + bytes::<SlotsHeard>() + scenario.genres.len() as u64 * bytes::<u32>()
}

/// (Listener, track) pairs a listener adds to the distinct-listener sets in a week after
/// the first, at most: measured on the default scenario, 3.5 a week under popularity, 5.7
/// under content filtering and 9.3 under random slates.
const HEARD_PER_WEEK: u64 = 10;

/// One listener's distinct-listener set (`[measures] listeners_per_track`): the first
/// week's streams of the starting library and two slates' worth of new tracks (about 15
/// tracks under popularity and 25 under random slates on the default), then
/// [`HEARD_PER_WEEK`] new tracks a week, in a hash table of 4-byte cells that is between
/// three eighths and three quarters full (counted as half full), and the set's header.
fn heard_bytes_per_listener(scenario: &Scenario) -> u64 {
    heard_bytes_per_listener_after(scenario, scenario.weeks())
}

/// [`heard_bytes_per_listener`] after `weeks` simulated weeks.
fn heard_bytes_per_listener_after(scenario: &Scenario, weeks: u32) -> u64 {
    if !scenario.measures.listeners_per_track {
        return 0;
    }
    let listening = &scenario.listening;
    let first_week = u64::from(listening.library_size / 2 + 2 * listening.slate_size);
    let tracks = first_week + HEARD_PER_WEEK * u64::from(weeks).saturating_sub(1);
    tracks * bytes::<u32>() * 2 + bytes::<HeardSet>()
}

/// Chunk tallies of one run (each a dense copy of the per-track counters).
fn chunks(scenario: &Scenario) -> u64 {
    u64::from(scenario.listeners)
        .div_ceil(MIN_CHUNK)
        .clamp(1, MAX_CHUNKS)
}

/// Per track in one live run: the market's windows and terms, the week's counters, the
/// chart compilers and the run's stream totals.
fn track_bytes_per_run(scenario: &Scenario) -> u64 {
    let regions = scenario.regions.len() as u64;
    let caps = caps_for(scenario).len() as u64;
    let u32b = bytes::<u32>();
    // A bit per (region, track) of what slates showed, in every chunk's log and in the run.
    let bits = |copies: u64| (copies * regions).div_ceil(8);
    // The policy window is written only for scorers that read one.
    let windows = if scenario
        .policies
        .iter()
        .any(|p| Recommender::window_days(p) > 0)
    {
        2
    } else {
        1
    };
    let market = regions * (windows * u32b + bytes::<TrackTerms>()) + bytes::<f64>();
    let week_tally = regions * (2 * caps + 1) * u32b;
    let compilers: u64 = scenario
        .regions
        .iter()
        .flat_map(|r| r.chart_rules.iter())
        .map(|rules| ChartCompiler::bytes_per_track(rules) as u64)
        .sum::<u64>()
        + (bytes::<i32>() + bytes::<bool>()); // release days and holiday flags, shared
    let totals = regions * bytes::<u64>();
    // Weekly metrics' per-track and per-artist sums.
    let scratch = bytes::<u64>() + (bytes::<u64>() as f64 * artists_per_track(scenario)) as u64;
    market + week_tally + compilers + totals + scratch + bits(chunks(scenario) + 2)
}

/// Streams of a region over `days` days.
fn region_streams(scenario: &Scenario, region: usize, days: f64) -> f64 {
    let total_share: f64 = scenario.regions.iter().map(|r| r.population_share).sum();
    f64::from(scenario.listeners)
        * scenario.listening.streams_per_day
        * days
        * scenario.regions[region].population_share
        / total_share
}

/// Distinct tracks among `streams` streams spread over `tracks` tracks: `T·(1 − e^(−S/T))`.
fn distinct_tracks(tracks: f64, streams: f64) -> f64 {
    tracks * (1.0 - (-streams / tracks.max(1.0)).exp())
}

/// What one live run keeps in proportion to what is played rather than to the catalogue:
/// the market's ring of the cells played on each day of the longest window, and the
/// chunks' logs of a day's plays (about one record per listener and track played that day,
/// in vectors grown by doubling).
fn played_bytes_per_run(scenario: &Scenario) -> u64 {
    let tracks = Sizes::of(scenario).tracks as f64;
    let longest = scenario
        .policies
        .iter()
        .map(|p| Recommender::window_days(p) as usize)
        .fold(SOCIAL_WINDOW_DAYS, usize::max)
        .min(RING_DAYS);
    let ring_days = (longest as u64).min(u64::from(scenario.days)) as f64;
    let cells_per_day: f64 = (0..scenario.regions.len())
        .map(|r| distinct_tracks(tracks, region_streams(scenario, r, 1.0)))
        .sum();
    let ring = ring_days * cells_per_day * bytes::<(u32, u32)>() as f64;
    let records = f64::from(scenario.listeners)
        * scenario.listening.active_day_share
        * scenario
            .listening
            .streams_per_day
            .min(PLAYED_TRACKS_PER_DAY);
    let logs = 1.5 * records * bytes::<(u32, u32)>() as f64;
    (ring + logs) as u64
}

/// Distinct tracks an active listener plays in a day, at most (most of a day's streams
/// are repeats of library favourites).
const PLAYED_TRACKS_PER_DAY: f64 = 8.0;

/// Chart candidates of one live run: every compiler ranks the tracks its region streamed in
/// the week, about `T·(1 − e^(−S/T))` of `T` tracks for `S` streams spread over them.
fn chart_candidate_bytes(scenario: &Scenario) -> u64 {
    let tracks = Sizes::of(scenario).tracks as f64;
    let candidates: f64 = scenario
        .regions
        .iter()
        .enumerate()
        .map(|(r, region)| {
            let distinct = distinct_tracks(tracks, region_streams(scenario, r, 7.0));
            distinct * region.chart_rules.len() as f64
        })
        .sum();
    (candidates * ChartCompiler::bytes_per_candidate() as f64) as u64
}

/// A policy's recommender state in one run, in bytes.
///
/// * popularity: a (score, track) pair per released track while ranking, and every
///   track's score per list when curation rules ask for scores; trending also keeps its
///   window as it stood on each of the last `window + 1` days;
/// * content and ideal: a style grid whose occupied cells each list `2 × (slate +
///   library)` tracks ([`occupied_cells`]: content's cells are those of listeners'
///   profiles, ideal's those of their true tastes); ideal also sorts every region's
///   released tracks by their shared terms;
/// * item-item collaborative filtering: each track's neighbour list (old and new while
///   refitting), the libraries flattened and inverted while refitting, and the fallback
///   popularity ranking;
/// * factorisation: the same plus a factor vector per listener and per track;
/// * curated policies and learned scorers also keep the day's facts (7-day plays per
///   region and track, and the curation pools).
pub fn policy_bytes(scenario: &Scenario, policy: &PolicySpec) -> u64 {
    let s = Sizes::of(scenario);
    let regions = scenario.regions.len() as u64;
    // Learned scorers fit to each listener's history, at most HISTORY_TRACKS of the library.
    let library = u64::from(scenario.listening.library_size).min(HISTORY_TRACKS as u64);
    let curated = !policy.curation.is_empty() || matches!(policy.scorer, Scorer::Custom(_));
    let slate = u64::from(scenario.listening.slate_size) * if curated { 3 } else { 1 };
    let u32b = bytes::<u32>();
    let popularity = |scope: PopularityScope, window: u32, keep_scores: bool| -> u64 {
        let lists = match scope {
            PopularityScope::Global => 1,
            _ => regions,
        };
        let mut b = bytes::<(u64, u32)>();
        if keep_scores {
            b += lists * bytes::<f32>();
        }
        if scope == PopularityScope::Trending {
            b += (u64::from(window) + 1) * regions * u32b + bytes::<((i64, u64), u32)>();
        }
        b * s.tracks
    };
    // The libraries flattened and inverted (track → holders) while refitting.
    let holdings = s.listeners * (u32b + 2 * library * u32b) + s.tracks * 2 * u32b;
    let facts = s.tracks * regions * 2 * u32b;
    let grid = |sd: f64| {
        let per_list = 2 * (slate + library) * bytes::<Slot>();
        (occupied_cells(scenario, sd) * per_list as f64) as u64 + grid_cells(scenario) * u32b
    };
    let t = &scenario.taste;
    let own = match &policy.scorer {
        Scorer::None | Scorer::Random | Scorer::Custom(_) => 0,
        Scorer::Popularity {
            scope, window_days, ..
        } => popularity(*scope, *window_days, curated),
        // A profile averages the tracks a listener played, which lie around their genre's
        // centre and near the listener: its spread combines both spreads.
        Scorer::Content => grid(
            1.0 / (1.0 / (t.track_spread * t.track_spread)
                + 1.0 / (t.listener_spread * t.listener_spread))
                .sqrt(),
        ),
        Scorer::Ideal => {
            grid(t.listener_spread)
                + s.tracks * regions * (2 * bytes::<f32>() + bytes::<IdealShared>())
        }
        Scorer::Collaborative {
            model, neighbours, ..
        } => {
            let rows = s.tracks * (u64::from(*neighbours) * bytes::<(u32, f32)>() + u32b);
            let fallback = popularity(PopularityScope::Regional, 7, false);
            let counts = s.tracks * u32b;
            let factors = match model {
                CollaborativeModel::ItemItem { .. } => 0,
                CollaborativeModel::Factorisation(f) => {
                    u64::from(f.factors) * bytes::<f64>() * (s.listeners + 2 * s.tracks)
                }
            };
            2 * rows + counts + holdings + fallback + facts + factors
        }
        Scorer::Editorial { .. } => s.tracks * (bytes::<(u32, i32, u32)>() + 2 * u32b) + facts,
        Scorer::PaidPromotion { base, .. } => {
            policy_bytes(scenario, &PolicySpec::new("", (**base).clone()))
                + facts
                + s.tracks * 2 * bytes::<f64>()
        }
    };
    own + if curated { facts } else { 0 }
}

/// Layout of the ideal scorer's scan entries (bound, track, base, social, taste).
#[allow(dead_code)]
struct IdealShared {
    bound: f32,
    track: u32,
    base: f32,
    social: f32,
    taste: Taste,
}

/// Expected style-grid cells occupied by the scenario's listeners when each listener's
/// point lies around their home genre's centre with standard deviation `sd` per
/// dimension. A genre's points spread over about `(2πe·sd²)^(d/2)` of taste space (the
/// volume of a normal distribution's typical set), i.e. `n` cells of side
/// [`CELL_WIDTH`]; `l` listeners drawn into them occupy `n·(1 − e^(−l/n))`. Overlaps
/// between genres are not subtracted, so this errs high.
pub fn occupied_cells(scenario: &Scenario, sd: f64) -> f64 {
    let width = f64::from(CELL_WIDTH);
    let d = TASTE_DIMS as i32;
    let n = (2.0 * std::f64::consts::PI * std::f64::consts::E * sd * sd).powf(f64::from(d) / 2.0)
        / width.powi(d);
    let total_share: f64 = scenario.genres.iter().map(|g| g.catalogue_share).sum();
    let listeners = f64::from(scenario.listeners);
    let cells: f64 = scenario
        .genres
        .iter()
        .map(|g| {
            let l = listeners * g.catalogue_share / total_share;
            n * (1.0 - (-l / n).exp())
        })
        .sum();
    cells.min(listeners).min(MAX_CELLS as f64)
}

/// Cells of the style grid (each has a list index): the catalogue's extent, genre centres
/// plus 4.5 track spreads either way, in cells of [`CELL_WIDTH`].
fn grid_cells(scenario: &Scenario) -> u64 {
    let t = &scenario.taste;
    let per_dim = (2.0 * (t.genre_spread + 4.5 * t.track_spread) / f64::from(CELL_WIDTH)).ceil();
    (per_dim.powi(TASTE_DIMS as i32) as u64).min(MAX_CELLS as u64)
}

/// Heap bytes of `name` as a result row's `String`.
fn name_bytes(name: &str) -> u64 {
    heap_string_bytes(name.len())
}

fn policy_name_bytes(scenario: &Scenario) -> f64 {
    let n = scenario.policies.len().max(1) as f64;
    scenario
        .policies
        .iter()
        .map(|p| name_bytes(&p.name) as f64)
        .sum::<f64>()
        / n
}

/// `metrics.csv` rows of one run: one per week and region, plus `all`.
fn week_rows_per_run(scenario: &Scenario) -> u64 {
    let weeks = u64::from(scenario.weeks());
    let regions: u64 = scenario
        .regions
        .iter()
        .map(|r| name_bytes(&r.name))
        .sum::<u64>()
        + name_bytes("all");
    let rows = scenario.regions.len() as u64 + 1;
    let stats = scenario
        .regions
        .iter()
        .map(|r| bytes::<ChartRunStats>() + name_bytes(&r.name))
        .sum::<u64>();
    weeks * (rows * (bytes::<WeekRow>() + policy_name_bytes(scenario) as u64) + regions) + stats
}

/// `charts.csv` rows of one run: every position of every region's charts every week.
fn chart_rows_per_run(scenario: &Scenario) -> u64 {
    let weeks = u64::from(scenario.weeks());
    let tracks = Sizes::of(scenario).tracks;
    let per_week: u64 = scenario
        .regions
        .iter()
        .flat_map(|r| {
            r.chart_rules.iter().map(move |rules| {
                let entries = (rules.chart_size as u64).min(tracks);
                entries
                    * (bytes::<ChartRow>()
                        + policy_name_bytes(scenario) as u64
                        + name_bytes(&r.name)
                        + name_bytes(&rules.name))
            })
        })
        .sum();
    weeks * per_week
}

/// Each listener's accounting month for payout rules ([`MonthPlays`]): the tracks of a
/// month (as [`heard_bytes_per_listener_after`] counts a year's, over five weeks), in
/// 16-byte cells. Nothing without payout rules.
fn month_bytes_per_listener(scenario: &Scenario) -> u64 {
    if scenario.payouts.is_off() {
        return bytes::<MonthPlays>();
    }
    let listening = &scenario.listening;
    let tracks =
        u64::from(listening.library_size / 2 + 2 * listening.slate_size) + HEARD_PER_WEEK * 4;
    tracks * bytes::<TrackPlays>() * 2 + bytes::<MonthPlays>()
}

/// A run's payout lines (at most every artist in every region, month and rule set), its
/// monthly measures, and its payout tallies by artist (the summarised months' and one
/// month's for all regions, per region and rule set).
fn payout_lines_per_run(scenario: &Scenario) -> u64 {
    if scenario.payouts.is_off() {
        return 0;
    }
    let artists = Sizes::of(scenario).tracks as f64 * artists_per_track(scenario);
    let months = f64::from(scenario.days).div_euclid(28.0) + 2.0;
    let cells = scenario.regions.len() * scenario.payouts.rules.len();
    let lines = artists * months * cells as f64 * bytes::<PayoutLine>() as f64;
    let with_all = (scenario.regions.len() + 1) * scenario.payouts.rules.len();
    let measures = months * with_all as f64 * bytes::<PayoutMonth>() as f64;
    let tallies = 2.0 * with_all as f64 * artists * bytes::<f64>() as f64;
    (lines + measures + tallies) as u64
}

/// `tracks.csv` rows of one run, held compactly: a line per released track, and per
/// region a pair per track streamed there over the run.
fn track_rows_per_run(scenario: &Scenario) -> u64 {
    let tracks = Sizes::of(scenario).tracks as f64;
    let days = f64::from(scenario.days);
    let streamed: f64 = (0..scenario.regions.len())
        .map(|r| distinct_tracks(tracks, region_streams(scenario, r, days)))
        .sum();
    (tracks * bytes::<TrackLine>() as f64 + streamed * bytes::<RegionTrack>() as f64) as u64
}

/// Bytes of one B-tree map entry (key and value, in nodes of 11 about two-thirds full).
fn btree_entry_bytes(key_and_value: u64) -> u64 {
    key_and_value * 3 / 2
}

/// Plot data read back from `tracks.csv` for one run: streams per track row, and streams
/// per (region, policy, replicate, artist) in a B-tree map, then copied out per artist.
fn plot_bytes_per_run(scenario: &Scenario) -> u64 {
    let tracks = Sizes::of(scenario).tracks as f64;
    let rows = scenario.regions.len() as f64 + 1.0;
    let artists = tracks * artists_per_track(scenario);
    let entry = btree_entry_bytes(bytes::<(usize, usize, u32, u32)>() + bytes::<u64>());
    (rows * (tracks * bytes::<u64>() as f64 + artists * (entry + bytes::<u64>()) as f64)) as u64
}

/// Peak resident memory of this process so far (`VmHWM` in `/proc/self/status`), in
/// bytes; `None` where that file does not exist (off Linux) or lacks the line.
pub fn measured_peak_bytes() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    parse_vm_hwm(&status)
}

/// Memory the system can give a new process without swapping (`MemAvailable` in
/// `/proc/meminfo`), in bytes; `None` where the system does not say (off Linux).
pub fn available_bytes() -> Option<u64> {
    let meminfo = std::fs::read_to_string("/proc/meminfo").ok()?;
    parse_kb_line(&meminfo, "MemAvailable:")
}

/// The `VmHWM:   1234 kB` line of a `/proc/<pid>/status` text, in bytes.
fn parse_vm_hwm(status: &str) -> Option<u64> {
    parse_kb_line(status, "VmHWM:")
}

/// The value of a `Name:   1234 kB` line, in bytes.
fn parse_kb_line(text: &str, name: &str) -> Option<u64> {
    let line = text.lines().find(|l| l.starts_with(name))?;
    let mut fields = line[name.len()..].split_whitespace();
    let value: u64 = fields.next()?.parse().ok()?;
    match fields.next() {
        Some("kB") | None => Some(value * 1024),
        Some(_) => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scenario(listeners: u32, back_catalogue: u32, replicates: u32) -> Scenario {
        let mut s = Scenario::default_scenario();
        s.listeners = listeners;
        s.catalogue.back_catalogue_tracks = back_catalogue;
        s.replicates = replicates;
        s
    }

    #[test]
    fn heap_strings_are_counted_as_malloc_chunks() {
        assert_eq!(heap_string_bytes(0), 0);
        assert_eq!(heap_string_bytes(1), 32);
        assert_eq!(heap_string_bytes(24), 32);
        assert_eq!(heap_string_bytes(25), 48);
        assert_eq!(heap_string_bytes(40), 48);
        assert_eq!(heap_string_bytes(41), 64);
    }

    #[test]
    fn parts_add_up_to_the_peak() {
        for s in [scenario(1_000, 3_000, 5), scenario(1_000_000, 3_000, 1)] {
            let e = estimate_peak_bytes(&s, 2);
            assert_eq!(e.parts.iter().map(|p| p.bytes).sum::<u64>(), e.peak_bytes);
            assert!(e.parts.windows(2).all(|w| w[0].bytes >= w[1].bytes));
        }
    }

    #[test]
    fn doubling_listeners_doubles_the_listener_part() {
        let one = estimate_peak_bytes(&scenario(1_000_000, 3_000, 1), 2);
        let two = estimate_peak_bytes(&scenario(2_000_000, 3_000, 1), 2);
        let (a, b) = (
            one.bytes_of(component::LISTENER_STATE),
            two.bytes_of(component::LISTENER_STATE),
        );
        assert_eq!(b, 2 * a);
        // 2 live runs × 1M × (ListenerState + 64 slot bits + 10 genre counts + the empty
        // accounting month's header, a boxed slice and a length: 24 bytes)
        assert_eq!(
            a,
            2 * 1_000_000 * (size_of::<ListenerState>() as u64 + 8 + 40 + 24)
        );
        // Heard tracks: 52 weeks, library 10 and slate 10 by default, so 5 + 20 in the
        // first week and 10 in each of the other 51, 4-byte cells half full, and a 24-byte
        // header (a boxed slice and a length).
        let heard = (5 + 20 + 10 * 51) * 4 * 2 + 24;
        assert_eq!(one.bytes_of(component::HEARD), 2 * 1_000_000 * heard);
        let mut off = scenario(1_000_000, 3_000, 1);
        off.measures.listeners_per_track = false;
        let off = estimate_peak_bytes(&off, 2);
        assert_eq!(off.bytes_of(component::HEARD), 0);
        assert_eq!(one.peak_bytes - off.peak_bytes, 2 * 1_000_000 * heard);
        let ratio = two.peak_bytes as f64 / one.peak_bytes as f64;
        assert!((1.8..2.0).contains(&ratio), "{ratio}");
        assert_eq!(off.largest().component, component::LISTENER_STATE);
        assert_eq!(off.driving_keys()[0], "listeners");
        assert_eq!(one.largest().component, component::HEARD);
        assert_eq!(
            one.driving_keys()[0],
            "measures.listeners_per_track (switch it off)"
        );
    }

    #[test]
    fn a_branched_batch_holds_one_warm_up_per_live_world_sized_at_the_branch_day() {
        let mut s = scenario(1_000_000, 3_000, 1);
        let plain = estimate_peak_bytes(&s, 2);
        assert_eq!(plain.bytes_of(component::WARM_UPS), 0);
        s.branch_day = Some(182);
        let branched = estimate_peak_bytes(&s, 2);
        let warm_up = branched.bytes_of(component::WARM_UPS);
        // One world (one replicate): a whole run state with the sets heard by week 26.
        let state = plain.bytes_of(component::LISTENER_STATE) / plain.live_runs
            + plain.bytes_of(component::TRACK_COUNTERS) / plain.live_runs
            + s.listeners as u64 * heard_bytes_per_listener_after(&s, 26)
            + policy_bytes(&s, &s.policies[0]);
        assert_eq!(warm_up, state);
        assert!(
            heard_bytes_per_listener_after(&s, 26) < heard_bytes_per_listener(&s),
            "a warm-up to mid-year has heard fewer tracks than a whole year"
        );
        assert_eq!(branched.peak_bytes, plain.peak_bytes + warm_up);
    }

    #[test]
    fn each_thread_holds_a_live_run_up_to_the_number_of_runs() {
        let s = scenario(1_000_000, 3_000, 1); // 3 runs
        let by_threads: Vec<MemoryEstimate> = [1, 2, 3, 8]
            .iter()
            .map(|&t| estimate_peak_bytes(&s, t))
            .collect();
        let live: Vec<u64> = by_threads.iter().map(|e| e.live_runs).collect();
        assert_eq!(live, vec![1, 2, 3, 3]);
        let listener_part: Vec<u64> = by_threads
            .iter()
            .map(|e| e.bytes_of(component::LISTENER_STATE))
            .collect();
        assert_eq!(listener_part[1], 2 * listener_part[0]);
        assert_eq!(listener_part[2], 3 * listener_part[0]);
        assert_eq!(listener_part[3], listener_part[2]);
        // one world: a single replicate
        assert!(by_threads.iter().all(|e| e.live_worlds == 1));
    }

    #[test]
    fn a_big_catalogue_peaks_on_the_live_runs_track_counters() {
        let e = estimate_peak_bytes(&scenario(20_000, 1_000_000, 1), 2);
        assert_eq!(e.at, Phase::Simulation);
        // track rows are compact, so a run's state outweighs them: both runs live at once
        assert_eq!(e.live_runs, 2);
        assert_eq!(e.largest().component, component::TRACK_COUNTERS);
        assert!(
            e.driving_keys()
                .contains(&"catalogue.back_catalogue_tracks")
        );
    }

    #[test]
    fn many_replicates_peak_while_drawing_the_plots() {
        let e = estimate_peak_bytes(&scenario(2_000, 3_000, 1_000), 2);
        assert_eq!(e.at, Phase::Plots);
        assert!(e.driving_keys().contains(&"replicates"));
        let more = estimate_peak_bytes(&scenario(2_000, 3_000, 2_000), 2);
        let ratio =
            more.bytes_of(component::CHART_ROWS) as f64 / e.bytes_of(component::CHART_ROWS) as f64;
        assert!((ratio - 2.0).abs() < 1e-9);
    }

    #[test]
    fn grid_cells_saturate() {
        let s = scenario(1_000, 3_000, 1);
        let few = occupied_cells(&s, 0.35);
        assert!(few <= 1_000.0 && few > 500.0, "{few}");
        let many = occupied_cells(&scenario(50_000_000, 3_000, 1), 0.35);
        assert!(many < 20_000.0, "{many}");
    }

    #[test]
    fn reads_the_high_water_mark() {
        let status = "Name:\tchartsim\nVmPeak:\t  9000 kB\nVmHWM:\t    1234 kB\nVmRSS:\t 1000 kB\n";
        assert_eq!(parse_vm_hwm(status), Some(1234 * 1024));
        assert_eq!(parse_vm_hwm("Name:\tx\n"), None);
        if cfg!(target_os = "linux") {
            assert!(measured_peak_bytes().is_some_and(|b| b > 0));
        }
    }
}
