//! Payout rules as data: how a month's revenue pool is split among artists.
//!
//! Every rule in use today is one point of a small space, so a rule set is a record of
//! knobs rather than an enum of algorithms, and a scenario can define its own from a
//! built-in base with overrides (as it can chart rules):
//!
//! - `user_centric` (λ): the weight of the user-centric split against the pro-rata one.
//!   Pro rata (market-centric) splits the whole pool by each artist's share of all
//!   (weighted) streams; user-centric splits each account's own payment over what that
//!   account played. λ between 0 and 1 is the hybrid family between them.
//! - `account_cap`: an account counts for at most this many streams a month (its streams
//!   scaled down in proportion), as in Deezer's artist-centric model (1,000).
//! - `engagement_boost`: the factor on streams the listener sought out (library, search,
//!   editorial) rather than took from the algorithm (Deezer: ×2).
//! - `professional`: a factor for artists with more than a number of streams a month from
//!   at least a number of unique listeners (Deezer: ×2 above 1,000 streams and 500
//!   listeners).
//! - `track_minimum`: tracks under a number of streams in twelve months earn nothing and
//!   their share returns to the pool (Spotify 2024: 1,000).
//!
//! Thresholds are written at the scale of the market the rule was set for
//! (`reference_accounts` accounts); [`PayoutRules::thresholds`] scales them to the
//! simulated market, so an artist just above the professional line in the real market is
//! just above it in a simulated market of any size. Sources: FACTS (Deezer 2023, Spotify
//! 2024, CNM/Deloitte 2021).

use serde::Serialize;

/// The professional-artist boost of an artist-centric rule.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ProfessionalBoost {
    /// Factor on the streams of a professional artist.
    pub factor: f64,
    /// More than this many streams in the month (at the reference market's scale) …
    pub min_streams: f64,
    /// … from at least this many unique listeners (at the reference market's scale).
    pub min_listeners: f64,
}

/// A payout rule set.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct PayoutRules {
    /// Name, used in `payouts.csv`'s `rules` column.
    pub name: String,
    /// λ: weight of the user-centric split (0 = pro rata, 1 = user-centric).
    pub user_centric: f64,
    /// Most streams an account counts for in a month, if capped.
    pub account_cap: Option<f64>,
    /// Factor on streams the listener sought out (1 = none).
    pub engagement_boost: f64,
    /// Professional-artist boost, if any.
    pub professional: Option<ProfessionalBoost>,
    /// Tracks under this many streams in twelve months (at the reference market's scale)
    /// earn nothing, if set.
    pub track_minimum: Option<f64>,
    /// Accounts of the market the thresholds were set for.
    pub reference_accounts: f64,
}

/// Names of the built-in rule sets.
pub const BUILTIN_PAYOUT_RULES: [&str; 5] = [
    "pro_rata",
    "user_centric",
    "artist_centric",
    "track_minimum",
    "hybrid",
];

/// Accounts of the market the built-in thresholds are taken to be set for: a national
/// market of about ten million streaming accounts (France: Deezer's and Spotify's home
/// markets together; assumption).
pub const REFERENCE_ACCOUNTS: f64 = 10_000_000.0;

impl PayoutRules {
    /// Pro rata: no knob set.
    fn plain(name: &str) -> Self {
        Self {
            name: name.to_owned(),
            user_centric: 0.0,
            account_cap: None,
            engagement_boost: 1.0,
            professional: None,
            track_minimum: None,
            reference_accounts: REFERENCE_ACCOUNTS,
        }
    }

    /// A built-in rule set by name: `pro_rata`, `user_centric`, `artist_centric` (Deezer
    /// 2023), `track_minimum` (Spotify 2024), `hybrid` (λ = 0.5).
    pub fn builtin(name: &str) -> Option<Self> {
        let mut rules = Self::plain(name);
        match name {
            "pro_rata" => {}
            "user_centric" => rules.user_centric = 1.0,
            "hybrid" => rules.user_centric = 0.5,
            "artist_centric" => {
                rules.account_cap = Some(1_000.0);
                rules.engagement_boost = 2.0;
                rules.professional = Some(ProfessionalBoost {
                    factor: 2.0,
                    min_streams: 1_000.0,
                    min_listeners: 500.0,
                });
            }
            "track_minimum" => rules.track_minimum = Some(1_000.0),
            _ => return None,
        }
        Some(rules)
    }

    /// The rule's thresholds in a simulated market of `accounts` accounts.
    pub fn thresholds(&self, accounts: f64) -> Thresholds {
        let scale = accounts / self.reference_accounts;
        Thresholds {
            professional_streams: self.professional.as_ref().map(|p| p.min_streams * scale),
            professional_listeners: self.professional.as_ref().map(|p| p.min_listeners * scale),
            track_minimum: self.track_minimum.map(|m| m * scale),
        }
    }

    /// Checks the knobs' ranges; the message names the knob.
    ///
    /// # Errors
    ///
    /// The first knob out of range, with its value and what is allowed.
    pub fn validate(&self) -> Result<(), String> {
        if !(0.0..=1.0).contains(&self.user_centric) {
            return Err(format!(
                "user_centric must be between 0 and 1, got {}",
                self.user_centric
            ));
        }
        if let Some(cap) = self.account_cap
            && !(cap >= 1.0 && cap.is_finite())
        {
            return Err(format!("account_cap must be at least 1, got {cap}"));
        }
        if !(self.engagement_boost >= 1.0 && self.engagement_boost <= 100.0) {
            return Err(format!(
                "engagement_boost must be between 1 and 100, got {}",
                self.engagement_boost
            ));
        }
        if let Some(p) = &self.professional {
            if !(p.factor >= 1.0 && p.factor <= 100.0) {
                return Err(format!(
                    "professional_boost must be between 1 and 100, got {}",
                    p.factor
                ));
            }
            if !(p.min_streams >= 0.0 && p.min_listeners >= 0.0) {
                return Err("professional thresholds must be at least 0".to_owned());
            }
        }
        if let Some(m) = self.track_minimum
            && !(m >= 0.0 && m.is_finite())
        {
            return Err(format!("track_minimum must be at least 0, got {m}"));
        }
        if !(self.reference_accounts >= 1.0 && self.reference_accounts.is_finite()) {
            return Err(format!(
                "reference_accounts must be at least 1, got {}",
                self.reference_accounts
            ));
        }
        Ok(())
    }
}

/// A rule's thresholds in the simulated market (see [`PayoutRules::thresholds`]).
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Thresholds {
    /// A professional artist has more streams in the month than this …
    pub professional_streams: Option<f64>,
    /// … from at least this many unique accounts.
    pub professional_listeners: Option<f64>,
    /// Tracks with fewer streams in twelve months earn nothing.
    pub track_minimum: Option<f64>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_builtin_is_valid_and_named_as_asked() {
        for name in BUILTIN_PAYOUT_RULES {
            let rules = PayoutRules::builtin(name).unwrap();
            assert_eq!(rules.name, name);
            rules.validate().unwrap();
        }
        assert!(PayoutRules::builtin("pro-rata").is_none());
    }

    #[test]
    fn thresholds_scale_with_the_simulated_market() {
        let rules = PayoutRules::builtin("artist_centric").unwrap();
        // A market of 30,000 accounts is 0.3% of the reference 10 million.
        let t = rules.thresholds(30_000.0);
        assert!((t.professional_streams.unwrap() - 3.0).abs() < 1e-12);
        assert!((t.professional_listeners.unwrap() - 1.5).abs() < 1e-12);
        assert_eq!(t.track_minimum, None);
        let t = PayoutRules::builtin("track_minimum")
            .unwrap()
            .thresholds(REFERENCE_ACCOUNTS);
        assert_eq!(t.track_minimum, Some(1_000.0));
    }

    #[test]
    fn knobs_out_of_range_are_named() {
        let mut rules = PayoutRules::builtin("pro_rata").unwrap();
        rules.user_centric = 1.5;
        assert!(rules.validate().unwrap_err().contains("user_centric"));
        let mut rules = PayoutRules::builtin("pro_rata").unwrap();
        rules.account_cap = Some(0.0);
        assert!(rules.validate().unwrap_err().contains("account_cap"));
        let mut rules = PayoutRules::builtin("pro_rata").unwrap();
        rules.engagement_boost = 0.5;
        assert!(rules.validate().unwrap_err().contains("engagement_boost"));
    }
}
