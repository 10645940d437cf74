//! Listeners as columns: who they are (fixed for a world) — not what they do.
//!
//! The mutable side of a listener (library, profile, weekly genre counts) lives in
//! [`crate::step::ListenerState`], so one world can be shared read-only by every policy
//! run on it.

use rand::RngExt;
use rand_distr::{Beta, Distribution, LogNormal, StandardNormal};

use super::catalogue::{cumulative, pick};
use super::taste::{Taste, around};
use crate::ids::{GenreId, RegionId};
use crate::rng::SeedKey;
use crate::scenario::Scenario;

/// Weight of a foreign region's local genre, relative to a global genre, when a listener
/// picks a non-local home genre. Foreign local music travels less than global genres.
/// Assumption.
const FOREIGN_GENRE_WEIGHT: f64 = 0.35;

/// Listener columns; all have the same length.
#[derive(Clone, Debug)]
pub struct Listeners {
    region: Vec<RegionId>,
    taste: Vec<Taste>,
    home_genre: Vec<GenreId>,
    occasions_per_active_day: Vec<f32>,
    conformity: Vec<f32>,
    premium: Vec<bool>,
}

impl Listeners {
    /// Generates a world's listeners. Regions get exact shares of the population (largest
    /// remainder), in contiguous blocks; each listener's attributes come from their own
    /// seed, so generation order does not matter.
    pub fn generate(scenario: &Scenario, centres: &[Taste], key: SeedKey) -> Self {
        let n = scenario.listeners as usize;
        let l = &scenario.listening;
        let counts = apportion(n, scenario.regions.iter().map(|r| r.population_share));

        // Activity: log-normal with the requested mean, rescaled to active days.
        let sigma = l.activity_sigma;
        let mean_active = l.streams_per_day / l.active_day_share;
        let mu = mean_active.ln() - sigma * sigma / 2.0;
        let activity = LogNormal::new(mu, sigma).expect("invariant: sigma validated");
        let kappa = 4.0;
        let (alpha, beta) = (kappa * l.conformity_mean, kappa * (1.0 - l.conformity_mean));
        let conformity =
            Beta::new(alpha, beta).expect("invariant: conformity_mean validated in (0, 1)");
        let rho = l.intensity_mainstream_correlation;
        let copula = (rho != 0.0).then(|| Copula::new(rho, sigma, mu, alpha, beta));

        let genre_pickers: Vec<(Vec<f64>, Vec<f64>)> = (0..scenario.regions.len())
            .map(|r| home_genre_weights(scenario, RegionId(r as u8)))
            .collect();

        let mut out = Self {
            region: Vec::with_capacity(n),
            taste: Vec::with_capacity(n),
            home_genre: Vec::with_capacity(n),
            occasions_per_active_day: Vec::with_capacity(n),
            conformity: Vec::with_capacity(n),
            premium: Vec::with_capacity(n),
        };
        for (r, &count) in counts.iter().enumerate() {
            let region = &scenario.regions[r];
            let (local_cdf, other_cdf) = &genre_pickers[r];
            for _ in 0..count {
                let mut rng = key.child(out.region.len() as u64).rng();
                let local = !local_cdf.is_empty()
                    && (other_cdf.is_empty() || rng.random_bool(region.local_taste_share));
                let cdf = if local { local_cdf } else { other_cdf };
                let genre = pick(cdf, &mut rng);
                out.region.push(RegionId(r as u8));
                out.home_genre.push(GenreId(genre as u16));
                out.taste.push(around(
                    &mut rng,
                    &centres[genre],
                    scenario.taste.listener_spread,
                ));
                let (occasions, conformity) = match &copula {
                    None => (activity.sample(&mut rng), conformity.sample(&mut rng)),
                    Some(copula) => copula.sample(&mut rng),
                };
                let intensity = scenario.genres[genre].listening_intensity;
                out.occasions_per_active_day
                    .push((occasions * intensity) as f32);
                out.conformity.push(conformity as f32);
                out.premium.push(rng.random_bool(region.premium_share));
            }
        }
        out
    }

    /// Number of listeners.
    pub fn len(&self) -> usize {
        self.region.len()
    }

    /// Whether there are no listeners.
    pub fn is_empty(&self) -> bool {
        self.region.is_empty()
    }

    /// Region of each listener.
    pub fn region(&self) -> &[RegionId] {
        &self.region
    }

    /// Taste point of each listener.
    pub fn taste(&self) -> &[Taste] {
        &self.taste
    }

    /// Home genre of each listener (the genre their taste point was drawn around).
    pub fn home_genre(&self) -> &[GenreId] {
        &self.home_genre
    }

    /// Mean choice occasions on a day the listener is active (heavy-tailed across listeners).
    pub fn occasions_per_active_day(&self) -> &[f32] {
        &self.occasions_per_active_day
    }

    /// Conformity in [0, 1]: the weight the listener puts on social proof.
    pub fn conformity(&self) -> &[f32] {
        &self.conformity
    }

    /// Whether each listener has a premium (paid) account.
    pub fn premium(&self) -> &[bool] {
        &self.premium
    }

    /// Listeners per region.
    pub fn count_by_region(&self, n_regions: usize) -> Vec<u32> {
        let mut counts = vec![0; n_regions];
        for r in &self.region {
            counts[r.index()] += 1;
        }
        counts
    }
}

/// Activity and conformity drawn together with correlation `rho` between the normal
/// behind the log-normal activity and the normal score of the Beta conformity (a
/// Gaussian copula): each keeps its distribution, and heavy listeners lean mainstream
/// (`rho > 0`) or niche (`rho < 0`).
struct Copula {
    rho: f64,
    sigma: f64,
    mu: f64,
    /// The conformity distribution's quantiles at u = i / (len − 1), for interpolation.
    quantiles: Vec<f64>,
}

/// Points of the conformity quantile table: the interpolation error is far below what
/// the choice model can tell apart.
const QUANTILE_POINTS: usize = 1_025;

impl Copula {
    fn new(rho: f64, sigma: f64, mu: f64, alpha: f64, beta: f64) -> Self {
        use statrs::distribution::{Beta as BetaCdf, ContinuousCDF};
        let conformity = BetaCdf::new(alpha, beta).expect("invariant: validated shape");
        let last = (QUANTILE_POINTS - 1) as f64;
        let quantiles = (0..QUANTILE_POINTS)
            .map(|i| conformity.inverse_cdf(i as f64 / last))
            .collect();
        Self {
            rho,
            sigma,
            mu,
            quantiles,
        }
    }

    /// (mean occasions on an active day, conformity) of one listener.
    fn sample(&self, rng: &mut impl rand::Rng) -> (f64, f64) {
        use statrs::distribution::{ContinuousCDF, Normal};
        let z_activity: f64 = StandardNormal.sample(rng);
        let z_other: f64 = StandardNormal.sample(rng);
        let z = self.rho * z_activity + (1.0 - self.rho * self.rho).sqrt() * z_other;
        let u = Normal::standard().cdf(z);
        let at = u * (QUANTILE_POINTS - 1) as f64;
        let i = (at.floor() as usize).min(QUANTILE_POINTS - 2);
        let t = at - i as f64;
        let conformity = self.quantiles[i] * (1.0 - t) + self.quantiles[i + 1] * t;
        ((self.mu + self.sigma * z_activity).exp(), conformity)
    }
}

/// Cumulative weights of local genres and of the other genres for a region's listeners.
fn home_genre_weights(scenario: &Scenario, region: RegionId) -> (Vec<f64>, Vec<f64>) {
    let local = scenario.genres.iter().map(|g| {
        if g.origin == Some(region) {
            g.catalogue_share
        } else {
            0.0
        }
    });
    let other = scenario.genres.iter().map(|g| match g.origin {
        Some(o) if o == region => 0.0,
        Some(_) => g.catalogue_share * FOREIGN_GENRE_WEIGHT,
        None => g.catalogue_share,
    });
    let local = cumulative(local);
    let other = cumulative(other);
    let nonzero = |cdf: Vec<f64>| {
        if cdf.last().copied().unwrap_or(0.0) > 0.0 {
            cdf
        } else {
            Vec::new()
        }
    };
    (nonzero(local), nonzero(other))
}

/// Splits `n` into integer parts proportional to `shares` (largest remainder method), so
/// region sizes are exact and reproducible.
pub fn apportion(n: usize, shares: impl Iterator<Item = f64>) -> Vec<usize> {
    let shares: Vec<f64> = shares.collect();
    let total: f64 = shares.iter().sum();
    let quotas: Vec<f64> = shares.iter().map(|s| s / total * n as f64).collect();
    let mut counts: Vec<usize> = quotas.iter().map(|q| q.floor() as usize).collect();
    let mut order: Vec<usize> = (0..shares.len()).collect();
    order.sort_by(|&a, &b| {
        (quotas[b] - quotas[b].floor())
            .total_cmp(&(quotas[a] - quotas[a].floor()))
            .then(a.cmp(&b))
    });
    let missing = n - counts.iter().sum::<usize>();
    for &i in order.iter().take(missing) {
        counts[i] += 1;
    }
    counts
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn apportion_is_exact_and_proportional() {
        // 10 × (0.3, 0.45, 0.25) = 3, 4.5, 2.5 → floors 3, 4, 2 (sum 9); the one left goes
        // to the largest remainder, a tie of 0.5 broken by order → region 1.
        assert_eq!(apportion(10, [0.3, 0.45, 0.25].into_iter()), vec![3, 5, 2]);
        assert_eq!(apportion(0, [1.0, 2.0].into_iter()), vec![0, 0]);
        assert_eq!(apportion(7, [1.0].into_iter()), vec![7]);
    }
}
