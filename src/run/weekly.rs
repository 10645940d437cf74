//! Turning a week's counters into a [`WeekRow`] per region (and one for all regions).

use super::rows::WeekRow;
use crate::chart::Chart;
use crate::metrics::{
    IndividualEntropy, effective_number, genre_entropy, gini, hhi, local_entry_share, share,
    top_k_share,
};
use crate::step::{CHANNELS, Channel, Tally};
use crate::world::{Label, World};

/// Reusable buffers for weekly metrics.
#[derive(Clone, Default)]
pub struct WeekScratch {
    streams: Vec<u64>,
    artists: Vec<u64>,
    genres: Vec<u64>,
}

/// What identifies a row, and the week's shared inputs.
pub struct RowKey<'a> {
    /// The world.
    pub world: &'a World,
    /// Tracks released by the end of the week.
    pub released: usize,
    /// The week's counters.
    pub tally: &'a Tally,
    /// Mean individual genre entropy of each region's active listeners, then of all of
    /// them (see [`individual_entropies`]); empty when the measure is off.
    pub individual: &'a [IndividualEntropy],
    /// Run id.
    pub run: u32,
    /// Replicate.
    pub replicate: u32,
    /// Policy name.
    pub policy: &'a str,
    /// Week.
    pub week: u32,
    /// Real accounts per simulated listener (reported counts are multiplied by it).
    pub weight: u64,
    /// Fandom members by region at the end of the week.
    pub members: &'a [u64],
    /// Their accounts by region.
    pub member_accounts: &'a [u64],
}

/// Each listener's genre entropy this week, added (in listener order) to their region's
/// accumulator and to the all-regions one (last): one pass, one entropy per listener.
pub fn individual_entropies(
    world: &World,
    n_regions: usize,
    week_genres: &[u32],
) -> Vec<IndividualEntropy> {
    let n_genres = world.genre_centres.len();
    let mut out = vec![IndividualEntropy::new(); n_regions + 1];
    let regions = world.listeners.region();
    for (l, counts) in week_genres.chunks_exact(n_genres).enumerate() {
        let single = IndividualEntropy::of(counts);
        out[regions[l].index()].absorb(&single);
        out[n_regions].absorb(&single);
    }
    out
}

/// Stream metrics of a set of regions (one region, or all of them) for one week.
pub fn week_row(
    key: &RowKey,
    region_name: &str,
    regions: &[usize],
    scratch: &mut WeekScratch,
) -> WeekRow {
    let RowKey {
        world,
        released,
        tally,
        ..
    } = *key;
    let tracks = &world.catalogue.tracks;
    let n_genres = world.genre_centres.len();
    scratch.streams.clear();
    scratch.streams.resize(released, 0);
    let mut local = 0u64;
    for &r in regions {
        for (t, s) in tally.streams(r).take(released).enumerate() {
            scratch.streams[t] += s;
            if tracks.origin[t].index() == r {
                local += s;
            }
        }
    }
    let streams = &scratch.streams;
    let total: u64 = streams.iter().sum();

    scratch.artists.clear();
    scratch
        .artists
        .resize(world.catalogue.artists.genre.len(), 0);
    scratch.genres.clear();
    scratch.genres.resize(n_genres, 0);
    let labels = &world.catalogue.artists.label;
    let (mut independent, mut platform) = (0u64, 0u64);
    for (t, &s) in streams.iter().enumerate() {
        let artist = tracks.artist[t].index();
        scratch.artists[artist] += s;
        match labels[artist] {
            Label::Independent => independent += s,
            Label::Platform => platform += s,
            Label::Major => {}
        }
        scratch.genres[tracks.genre[t].index()] += s;
    }

    let individual = match regions {
        [r] => key.individual.get(*r),
        _ => key.individual.last(),
    };

    let (mut slate, mut all_channels, mut occasions, mut outside) = (0, 0, 0, 0);
    let (mut organised, mut discarded, mut member_streams) = (0, 0, 0);
    let (mut bots, mut bots_discarded) = (0, 0);
    let (mut member_accounts, mut others) = (0u64, 0u64);
    for &r in regions {
        let channels = &tally.channels;
        let row = &channels.streams[r * CHANNELS..(r + 1) * CHANNELS];
        slate += row[Channel::Slate as usize];
        all_channels += row.iter().sum::<u64>();
        occasions += channels.occasions[r];
        outside += channels.outside[r];
        organised += channels.organised[r];
        discarded += channels.discarded[r];
        bots += channels.bots[r];
        bots_discarded += channels.bots_discarded[r];
        member_streams += channels.member_streams[r];
        member_accounts += key.member_accounts[r];
        others += u64::from(world.listeners_by_region[r]) - key.members[r];
    }
    // Everything played: ordinary listening (channels) plus organised replay, kept or not.
    let played = all_channels + organised + discarded;
    let per_account =
        |streams: u64, accounts: u64| (accounts > 0).then(|| streams as f64 / accounts as f64);

    WeekRow {
        run: key.run,
        replicate: key.replicate,
        policy: key.policy.to_owned(),
        region: region_name.to_owned(),
        week: key.week,
        streams: total * key.weight,
        hhi_tracks: hhi(streams),
        hhi_artists: hhi(&scratch.artists),
        gini_tracks: gini(streams),
        top1_share: top_k_share(streams, 1),
        top10_share: top_k_share(streams, 10),
        effective_tracks: effective_number(streams),
        local_share_streams: share(local, total),
        independent_share_streams: share(independent, total),
        platform_share_streams: world.has_platform().then(|| share(platform, total)),
        local_share_top10: None,
        local_share_top100: None,
        platform_share_chart: None,
        genre_entropy_aggregate: genre_entropy(&scratch.genres),
        genre_entropy_individual: individual.map(IndividualEntropy::mean),
        catalogue_coverage: share(
            streams.iter().filter(|&&s| s > 0).count() as u64,
            released as u64,
        ),
        recommendation_share: share(slate, all_channels),
        outside_option_rate: share(outside, occasions),
        no1_track: None,
        no1_weeks_so_far: None,
        no1_units: None,
        chart_new_entries: None,
        chart_mean_tenure_weeks: None,
        chart_acr_share: None,
        organised_share_chart: None,
        organised_share_no1: None,
        organised_streams: organised * key.weight,
        discarded_streams: discarded * key.weight,
        bot_streams: bots * key.weight,
        bot_discarded_streams: bots_discarded * key.weight,
        member_streams_per_account: per_account(member_streams, member_accounts),
        other_streams_per_account: per_account(played - member_streams, others),
        local_share_recommendations: None,
        platform_share_recommendations: None,
        slate_miscalibration: None,
        slate_diversity: None,
        consumption_overlap: None,
        catalogue_recommended_share: None,
        mean_realised_utility: None,
    }
}

/// Adds the headline chart's columns to a region's row (`weight`: real accounts per
/// simulated listener).
pub fn add_chart_columns(
    row: &mut WeekRow,
    chart: &Chart,
    region: usize,
    world: &World,
    weight: u64,
) {
    let origin = &world.catalogue.tracks.origin;
    let is_local = |n: usize| {
        chart
            .top(n)
            .iter()
            .map(|e| origin[e.track.index()].index() == region)
            .collect::<Vec<_>>()
    };
    let any = !chart.entries.is_empty();
    row.local_share_top10 = any.then(|| local_entry_share(is_local(10)));
    row.local_share_top100 = any.then(|| local_entry_share(is_local(100)));
    if any && world.has_platform() {
        let owned = chart
            .entries
            .iter()
            .filter(|e| crate::policy::is_platform(world, e.track))
            .count();
        row.platform_share_chart = Some(owned as f64 / chart.entries.len() as f64);
    }
    row.no1_track = chart.number_one().map(|t| t.0);
    row.no1_units = chart.entries.first().map(|e| e.units * weight as f64);
}
