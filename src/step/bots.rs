//! Bot farms' streams of the day (`[[bot_farms]]`, see `scenario::bots` for the model).
//!
//! After the listeners' day, each farm streams in each of its regions
//! `stream_share / (1 − stream_share)` times the region's human streams that day, from
//! `⌈that / (tracks_per_account_day × plays_per_track_day)⌉` bot accounts. Each account
//! draws its tracks from the farm's released tracks (its own seed: farm, region, day,
//! account) and its plays go into the day's log like a listener's, so per-user caps,
//! charts, popularity signals and `tracks.csv` see them as any account's. The fraud
//! filter discards a whole bot account-day with probability `detection` when its plays of
//! one track exceed `bot_track_day_limit`. Each farm keeps its month's plays per region
//! and the most accounts it used on a day, for settlement.

use crate::rng::{SeedKey, fast_index};
use crate::scenario::{BotFarm, Scenario};
use crate::world::{World, unit_f32};

use super::month::MonthPlays;
use super::tally::{CHANNELS, DayLog};

/// One farm in one run.
#[derive(Clone, Debug)]
pub struct FarmState {
    /// The farm's tracks, in release order.
    tracks: Vec<u32>,
    /// Its release days, for the released prefix.
    release_day: Vec<i32>,
    /// This month's plays per region.
    pub months: Vec<MonthPlays>,
    /// The most bot accounts used on one day this month, per region.
    pub accounts: Vec<u32>,
}

impl FarmState {
    /// Farm `index` of `scenario` on `world`: the tracks of the `farm.artists` least
    /// appealing generated artists after those of the farms before it.
    pub fn new(scenario: &Scenario, world: &World, index: usize) -> Self {
        let farm = &scenario.bot_farms[index];
        let tracks = &world.catalogue.tracks;
        let n_artists = world.catalogue.artists.label.len() - scenario.artists.len();
        // Mean appeal of each generated artist's tracks.
        let mut sum = vec![(0.0f64, 0u32); n_artists];
        for (a, &appeal) in tracks.artist.iter().zip(&tracks.appeal) {
            if let Some(s) = sum.get_mut(a.index()) {
                s.0 += f64::from(appeal);
                s.1 += 1;
            }
        }
        let mut ranked: Vec<(f64, u32)> = sum
            .iter()
            .enumerate()
            .filter(|(_, s)| s.1 > 0)
            .map(|(a, s)| (s.0 / f64::from(s.1), a as u32))
            .collect();
        ranked.sort_by(|x, y| x.0.total_cmp(&y.0).then(x.1.cmp(&y.1)));
        let before: usize = scenario.bot_farms[..index]
            .iter()
            .map(|f| f.artists as usize)
            .sum();
        let mut owned = vec![false; n_artists];
        for &(_, a) in ranked.iter().skip(before).take(farm.artists as usize) {
            owned[a as usize] = true;
        }
        let farm_tracks: Vec<u32> = (0..tracks.artist.len() as u32)
            .filter(|&t| owned.get(tracks.artist[t as usize].index()) == Some(&true))
            .collect();
        Self {
            release_day: farm_tracks
                .iter()
                .map(|&t| tracks.release_day[t as usize])
                .collect(),
            tracks: farm_tracks,
            months: vec![MonthPlays::default(); scenario.regions.len()],
            accounts: vec![0; scenario.regions.len()],
        }
    }

    /// Streams the farm's day `day` in every region it works in, into `log`;
    /// `human[r]` is region r's human streams today, `detection` the fraud filter's
    /// chance of flagging a bot account-day above `limit` plays of a track.
    #[allow(clippy::too_many_arguments)]
    pub fn stream_day(
        &mut self,
        farm: &BotFarm,
        key: SeedKey,
        day: i32,
        human: &[u64],
        (detection, limit): (f32, u32),
        settle: bool,
        log: &mut DayLog,
    ) {
        let released = self.release_day.partition_point(|&d| d <= day);
        if released == 0 {
            return;
        }
        let per_account =
            u64::from(farm.tracks_per_account_day) * u64::from(farm.plays_per_track_day);
        let flaggable = farm.plays_per_track_day > limit;
        for (r, &works) in farm.regions.iter().enumerate() {
            if !works {
                continue;
            }
            let target =
                (farm.stream_share / (1.0 - farm.stream_share) * human[r] as f64).round() as u64;
            let accounts = target.div_ceil(per_account);
            self.accounts[r] = self.accounts[r].max(accounts as u32);
            // Tracks still to play today: the last account plays only what is left.
            let mut left = target.div_ceil(u64::from(farm.plays_per_track_day));
            for k in 0..accounts {
                let tracks = left.min(u64::from(farm.tracks_per_account_day));
                left -= tracks;
                let streams = tracks * u64::from(farm.plays_per_track_day);
                let mut rng = key.child(r as u64).child(k).rng();
                if flaggable && unit_f32(&mut rng) < detection {
                    log.channels.bots_discarded[r] += streams;
                    continue;
                }
                for _ in 0..tracks {
                    let t = self.tracks[fast_index(&mut rng, released)];
                    log.add_plays(r, farm.premium, t as usize, farm.plays_per_track_day);
                    if settle {
                        self.months[r].play(t, true, farm.plays_per_track_day);
                    }
                }
                log.channels.bots[r] += streams;
            }
        }
    }

    /// Empties the month's plays and accounts, once settled.
    pub fn start_month(&mut self) {
        self.months.iter_mut().for_each(MonthPlays::clear);
        self.accounts.fill(0);
    }
}

/// Human streams per region so far this week: every log's ordinary streams and kept
/// organised replays.
pub fn human_streams(logs: &[DayLog], n_regions: usize) -> Vec<u64> {
    (0..n_regions)
        .map(|r| {
            logs.iter()
                .map(|l| {
                    let c = &l.channels;
                    c.streams[r * CHANNELS..(r + 1) * CHANNELS]
                        .iter()
                        .sum::<u64>()
                        + c.organised[r]
                })
                .sum()
        })
        .collect()
}
