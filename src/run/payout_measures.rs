//! What a payout rule did, in numbers: for a region (or all regions) and a period (one
//! accounting month, or the months a run summarises), how concentrated the payouts were,
//! who got them (independent and local artists), how many artists reached the living
//! line, what a stream earned and what organised fandom replay captured.
//!
//! Measures are taken over the artists with a track released by the period's end, zeros
//! included (an artist nobody paid is part of the distribution, as an unplayed track is
//! part of `gini_tracks`). Shares are of the money paid out (the pool less what no
//! eligible stream claimed). Column names contain `payout`, and `docs/METRICS.md`
//! defines each one.

use serde::Serialize;

use crate::ids::RegionId;
use crate::metrics::{gini_of_amounts, top_k_share_of_amounts};
use crate::payout::Settlement;
use crate::scenario::Label;
use crate::world::World;

/// The payout measures of one region (or all) and period under one rule set; the field
/// order is the column order of `payout_metrics.csv` after its keys.
#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize)]
pub struct PayoutMeasures {
    /// Streams settled (real-account scale).
    pub streams: f64,
    /// Revenue to rights holders: every account's payment.
    pub pool: f64,
    /// Money no eligible stream claimed.
    pub unpaid: f64,
    /// Money paid per stream settled (currency units).
    pub payout_per_stream: f64,
    /// Share of the payouts going to the 10 best-paid artists, 0..1.
    pub payout_top10_share: f64,
    /// Share of the payouts going to the best-paid 1% of released artists, 0..1.
    pub payout_top1pct_share: f64,
    /// Gini coefficient of payouts over released artists (zeros included), 0..1.
    pub payout_gini: f64,
    /// Share of the payouts going to artists on independent labels, 0..1.
    pub payout_independent_share: f64,
    /// Share of the payouts going to artists from the region where the money was paid, 0..1.
    pub payout_local_share: f64,
    /// Artists whose payout per month reached the scenario's `living_line`.
    pub payout_living_artists: f64,
    /// Share of the payouts captured by organised fandom replay, 0..1.
    pub payout_organised_share: f64,
    /// Share of the payouts going to artists the streaming platform owns, 0..1.
    pub payout_platform_share: f64,
    /// Share of the payouts captured by bot farms' streams, 0..1.
    pub payout_bots_share: f64,
}

/// The columns of [`PayoutMeasures`] summarised per run, in order: every field but the
/// three totals (streams, pool and unpaid money depend on the world's size, not on the rule).
pub const PAYOUT_METRICS: &[&str] = &[
    "payout_per_stream",
    "payout_top10_share",
    "payout_top1pct_share",
    "payout_gini",
    "payout_independent_share",
    "payout_local_share",
    "payout_living_artists",
    "payout_organised_share",
    "payout_platform_share",
    "payout_bots_share",
];

impl PayoutMeasures {
    /// The value of the [`PAYOUT_METRICS`] column `name`.
    pub fn get(&self, name: &str) -> Option<f64> {
        Some(match name {
            "payout_per_stream" => self.payout_per_stream,
            "payout_top10_share" => self.payout_top10_share,
            "payout_top1pct_share" => self.payout_top1pct_share,
            "payout_gini" => self.payout_gini,
            "payout_independent_share" => self.payout_independent_share,
            "payout_local_share" => self.payout_local_share,
            "payout_living_artists" => self.payout_living_artists,
            "payout_organised_share" => self.payout_organised_share,
            "payout_platform_share" => self.payout_platform_share,
            "payout_bots_share" => self.payout_bots_share,
            _ => return None,
        })
    }
}

/// Payouts by artist accumulated over one or more regions' months under one rule set.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct PayoutTally {
    /// Payout of each artist.
    pub payout: Vec<f64>,
    streams: f64,
    pool: f64,
    unpaid: f64,
    /// Money paid to artists from the region that paid it.
    local: f64,
    organised: f64,
    bots: f64,
    /// Months settled, a partial month counting as its simulated share.
    months: f64,
}

impl PayoutTally {
    /// An empty tally over `n_artists` artists.
    pub fn new(n_artists: usize) -> Self {
        Self {
            payout: vec![0.0; n_artists],
            ..Self::default()
        }
    }

    /// Adds `region`'s settlement of a month of which `share` was simulated; `months`
    /// counts it only once for all regions (pass `share` for the first region, 0 after).
    pub fn add(&mut self, settled: &Settlement, region: RegionId, world: &World, months: f64) {
        let origin = &world.catalogue.artists.region;
        for (a, (sum, &paid)) in self.payout.iter_mut().zip(&settled.payout).enumerate() {
            *sum += paid;
            if origin[a] == region {
                self.local += paid;
            }
        }
        self.streams += settled.streams.iter().sum::<f64>();
        self.pool += settled.pool;
        self.unpaid += settled.unpaid;
        self.organised += settled.organised;
        self.bots += settled.bots;
        self.months += months;
    }

    /// Whether nothing was settled.
    pub fn is_empty(&self) -> bool {
        self.months == 0.0
    }

    /// The measures of this tally over the artists with a track released by `day`, with a
    /// living line of `living_line` a month.
    pub fn measures(
        &self,
        world: &World,
        first_release: &[i32],
        day: i32,
        living_line: f64,
    ) -> PayoutMeasures {
        let released: Vec<f64> = self
            .payout
            .iter()
            .zip(first_release)
            .filter(|&(_, &d)| d <= day)
            .map(|(&p, _)| p)
            .collect();
        let paid: f64 = self.payout.iter().sum();
        let share = |x: f64| if paid > 0.0 { x / paid } else { 0.0 };
        let labels = &world.catalogue.artists.label;
        let of_label = |label: Label| -> f64 {
            self.payout
                .iter()
                .zip(labels)
                .filter(|&(_, &l)| l == label)
                .map(|(&p, _)| p)
                .sum()
        };
        let living = if self.months > 0.0 {
            let line = living_line * self.months;
            self.payout
                .iter()
                .filter(|&&p| p > 0.0 && p >= line)
                .count() as f64
        } else {
            0.0
        };
        PayoutMeasures {
            streams: self.streams,
            pool: self.pool,
            unpaid: self.unpaid,
            payout_per_stream: if self.streams > 0.0 {
                paid / self.streams
            } else {
                0.0
            },
            payout_top10_share: top_k_share_of_amounts(&released, 10),
            payout_top1pct_share: top_k_share_of_amounts(&released, released.len().div_ceil(100)),
            payout_gini: gini_of_amounts(&released),
            payout_independent_share: share(of_label(Label::Independent)),
            payout_local_share: share(self.local),
            payout_living_artists: living,
            payout_organised_share: share(self.organised),
            payout_platform_share: share(of_label(Label::Platform)),
            payout_bots_share: share(self.bots),
        }
    }
}

/// Each artist's first release day (`i32::MAX` for an artist with no track).
pub fn first_release_days(world: &World) -> Vec<i32> {
    let catalogue = &world.catalogue;
    let mut first = vec![i32::MAX; catalogue.artists.region.len()];
    for (artist, &day) in catalogue
        .tracks
        .artist
        .iter()
        .zip(&catalogue.tracks.release_day)
    {
        let d = &mut first[artist.index()];
        *d = (*d).min(day);
    }
    first
}
