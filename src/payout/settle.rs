//! Settling one month: each account's payment, the rule's weighted streams, and the
//! artists' payouts.
//!
//! For account *l* (standing for `accounts` real accounts, each paying `payment` to rights
//! holders) and track *t* of artist *a*, with `sought` and `suggested` streams:
//!
//! ```text
//! k_l      = min(1, cap · s_l / streams_l)     (account cap, s_l accounts; 1 without)
//! v_{l,t}  = (e · sought + suggested) · k_l · p_a · 1[t eligible]
//! V_l      = Σ_t v_{l,t}
//! pro rata      P_a = pool · Σ_l w_l v_{l,a} / Σ_l w_l V_l,  pool = Σ_l w_l c_l
//! user-centric  U_a = Σ_l w_l c_l v_{l,a} / V_l   (+ the payments of accounts with V_l = 0,
//!                                                    split pro rata)
//! payout_a      = λ U_a + (1 − λ) P_a
//! ```
//!
//! where `e` is the engagement boost, `p_a` the professional factor for an artist with
//! more streams than the threshold from at least the threshold of unique accounts (counted
//! on raw streams), and a track is eligible when its streams over twelve months reach the
//! track minimum. With no eligible stream at all the month's pool is unpaid. Sums run in
//! account order, then play order, so the result is deterministic.
//!
//! The money organised fandom replay captured is the same sum over its streams alone:
//! with `o_{l,t} = e · organised · k_l · p_a · 1[t eligible]` in place of `v_{l,t}` in
//! the numerators (`V_l` and the pro-rata denominator unchanged), summed over artists.

use super::rules::{PayoutRules, Thresholds};
use crate::ids::ArtistId;

/// One track's streams by one account in the month.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct TrackPlays {
    /// Track id.
    pub track: u32,
    /// Streams the listener sought out (library, search, editorial).
    pub sought: u32,
    /// Streams the recommender suggested.
    pub suggested: u32,
    /// Of the sought streams, those of organised fandom replay (a campaign's plays).
    pub organised: u32,
}

/// One simulated listener's month.
#[derive(Clone, Copy, Debug)]
pub struct AccountMonth<'a> {
    /// Real accounts the listener stands for (all alike).
    pub accounts: f64,
    /// Accounts one of them streams from (a fan with several accounts; 1 otherwise):
    /// the plays are spread over them, so a per-account cap applies to each.
    pub spread: f64,
    /// What each of those paid rights holders this month (for all their accounts).
    pub payment: f64,
    /// Whether these are a bot farm's accounts (their payouts are what fraud captured).
    pub bot: bool,
    /// The month's streams by track.
    pub plays: &'a [TrackPlays],
}

/// A month's payouts under one rule.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Settlement {
    /// Payout of each artist (index = artist id).
    pub payout: Vec<f64>,
    /// Raw streams of each artist (real-account scale).
    pub streams: Vec<f64>,
    /// The month's pool: every account's payment.
    pub pool: f64,
    /// Money nobody was paid (no eligible stream in the month).
    pub unpaid: f64,
    /// The part of the payouts that organised fandom replay captured: each payout's
    /// share earned by organised streams (under the rule's weights).
    pub organised: f64,
    /// The part of the payouts that bot accounts' streams captured.
    pub bots: f64,
}

/// Settles a month of `accounts` under `rules` with `thresholds` (in the simulated
/// market's scale); `artist_of[t]` is track `t`'s artist, `n_artists` the number of
/// artists and `year_streams(t)` track `t`'s streams over twelve months (read only under a
/// track minimum).
pub fn settle(
    rules: &PayoutRules,
    thresholds: &Thresholds,
    accounts: &[AccountMonth<'_>],
    artist_of: &[ArtistId],
    n_artists: usize,
    year_streams: &dyn Fn(u32) -> f64,
) -> Settlement {
    let artist = |t: u32| artist_of[t as usize].index();
    let mut out = Settlement {
        payout: vec![0.0; n_artists],
        streams: vec![0.0; n_artists],
        pool: 0.0,
        unpaid: 0.0,
        organised: 0.0,
        bots: 0.0,
    };
    // Pass 1: raw streams and unique accounts per artist (for the professional line).
    let mut listeners = vec![0.0; n_artists];
    let mut last_account = vec![usize::MAX; n_artists];
    for (l, account) in accounts.iter().enumerate() {
        out.pool += account.accounts * account.payment;
        for p in account.plays {
            let a = artist(p.track);
            out.streams[a] += account.accounts * f64::from(p.sought + p.suggested);
            if last_account[a] != l && p.sought + p.suggested > 0 {
                last_account[a] = l;
                listeners[a] += account.accounts;
            }
        }
    }
    let factor: Vec<f64> = (0..n_artists)
        .map(|a| match (&rules.professional, thresholds) {
            (
                Some(boost),
                Thresholds {
                    professional_streams: Some(streams),
                    professional_listeners: Some(min_listeners),
                    ..
                },
            ) if out.streams[a] > *streams && listeners[a] >= *min_listeners => boost.factor,
            _ => 1.0,
        })
        .collect();
    let eligible = |t: u32| {
        thresholds
            .track_minimum
            .is_none_or(|minimum| year_streams(t) >= minimum)
    };

    // Pass 2: weighted streams; pro-rata weights and user-centric shares.
    let mut weight = vec![0.0; n_artists];
    let mut user = vec![0.0; n_artists];
    let mut unallocated = 0.0;
    // Organised streams' part of the pro-rata weights and of the user-centric shares.
    let (mut organised_weight, mut organised_user) = (0.0, 0.0);
    let (mut bot_weight, mut bot_user) = (0.0, 0.0);
    let mut values: Vec<(usize, f64)> = Vec::new();
    for account in accounts {
        let raw: f64 = account
            .plays
            .iter()
            .map(|p| f64::from(p.sought + p.suggested))
            .sum();
        let cap = rules
            .account_cap
            .map(|cap| cap * account.spread)
            .filter(|&cap| raw > cap)
            .map_or(1.0, |cap| cap / raw);
        values.clear();
        values.extend(account.plays.iter().filter(|p| eligible(p.track)).map(|p| {
            let a = artist(p.track);
            let streams = rules.engagement_boost * f64::from(p.sought) + f64::from(p.suggested);
            (a, streams * cap * factor[a])
        }));
        let total: f64 = values.iter().map(|&(_, v)| v).sum();
        if total > 0.0 {
            for &(a, v) in &values {
                weight[a] += account.accounts * v;
                user[a] += account.accounts * account.payment * v / total;
            }
            let organised: f64 = account
                .plays
                .iter()
                .filter(|p| p.organised > 0 && eligible(p.track))
                .map(|p| {
                    let a = artist(p.track);
                    rules.engagement_boost * f64::from(p.organised) * cap * factor[a]
                })
                .sum();
            organised_weight += account.accounts * organised;
            organised_user += account.accounts * account.payment * organised / total;
            if account.bot {
                bot_weight += account.accounts * total;
                bot_user += account.accounts * account.payment;
            }
        } else {
            unallocated += account.accounts * account.payment;
        }
    }
    let all: f64 = weight.iter().sum();
    if all == 0.0 {
        out.unpaid = out.pool;
        return out;
    }
    let lambda = rules.user_centric;
    for a in 0..n_artists {
        let pro_rata = out.pool * weight[a] / all;
        let user_centric = user[a] + unallocated * weight[a] / all;
        out.payout[a] = lambda * user_centric + (1.0 - lambda) * pro_rata;
    }
    let organised_pro_rata = out.pool * organised_weight / all;
    let organised_user_centric = organised_user + unallocated * organised_weight / all;
    out.organised = lambda * organised_user_centric + (1.0 - lambda) * organised_pro_rata;
    let bots_pro_rata = out.pool * bot_weight / all;
    let bots_user_centric = bot_user + unallocated * bot_weight / all;
    out.bots = lambda * bots_user_centric + (1.0 - lambda) * bots_pro_rata;
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The worked example of docs/MODEL.md: three listeners, four artists (track t is
    /// artist t's only track), one month. A pays 6 and streams artist 0 ten times on the
    /// recommender's suggestion; B pays 6 and seeks out artists 1 and 2 once each; C pays
    /// 0.5 and is suggested artists 0 and 3 five times each. The pool is 12.5.
    fn example() -> [Vec<TrackPlays>; 3] {
        let play = |track, sought, suggested| TrackPlays {
            track,
            sought,
            suggested,
            organised: 0,
        };
        [
            vec![play(0, 0, 10)],
            vec![play(1, 1, 0), play(2, 1, 0)],
            vec![play(0, 0, 5), play(3, 0, 5)],
        ]
    }

    /// The example's accounts: one real account each, paying 6, 6 and 0.5.
    fn accounts_of(plays: &[Vec<TrackPlays>; 3]) -> Vec<AccountMonth<'_>> {
        plays
            .iter()
            .zip([6.0, 6.0, 0.5])
            .map(|(plays, payment)| AccountMonth {
                accounts: 1.0,
                spread: 1.0,
                payment,
                bot: false,
                plays,
            })
            .collect()
    }

    fn settle_example(rules: &PayoutRules, thresholds: &Thresholds) -> Settlement {
        let plays = example();
        let accounts = accounts_of(&plays);
        let artists: Vec<ArtistId> = (0..4).map(ArtistId).collect();
        let year: [f64; 4] = [15.0, 1.0, 1.0, 5.0];
        settle(rules, thresholds, &accounts, &artists, 4, &|t| {
            year[t as usize]
        })
    }

    fn assert_payouts(got: &Settlement, want: [f64; 4]) {
        for (a, (g, w)) in got.payout.iter().zip(want).enumerate() {
            assert!((g - w).abs() < 1e-12, "artist {a}: got {g}, want {w}");
        }
    }

    #[test]
    fn pro_rata_splits_the_pool_by_share_of_all_streams() {
        let rules = PayoutRules::builtin("pro_rata").unwrap();
        let got = settle_example(&rules, &Thresholds::default());
        // 22 streams: 15, 1, 1, 5.
        assert_payouts(
            &got,
            [
                12.5 * 15.0 / 22.0,
                12.5 / 22.0,
                12.5 / 22.0,
                12.5 * 5.0 / 22.0,
            ],
        );
        assert_eq!(got.streams, vec![15.0, 1.0, 1.0, 5.0]);
        assert_eq!((got.pool, got.unpaid), (12.5, 0.0));
    }

    #[test]
    fn user_centric_splits_each_payment_over_what_that_account_played() {
        let rules = PayoutRules::builtin("user_centric").unwrap();
        let got = settle_example(&rules, &Thresholds::default());
        // A's 6 to artist 0; B's 6 halved; C's 0.5 halved.
        assert_payouts(&got, [6.25, 3.0, 3.0, 0.25]);
    }

    #[test]
    fn a_hybrid_is_the_mix_of_the_two() {
        let mut rules = PayoutRules::builtin("hybrid").unwrap();
        rules.user_centric = 0.25;
        let got = settle_example(&rules, &Thresholds::default());
        let pro = [
            12.5 * 15.0 / 22.0,
            12.5 / 22.0,
            12.5 / 22.0,
            12.5 * 5.0 / 22.0,
        ];
        let user = [6.25, 3.0, 3.0, 0.25];
        let want: Vec<f64> = pro
            .iter()
            .zip(user)
            .map(|(p, u)| 0.25 * u + 0.75 * p)
            .collect();
        assert_payouts(&got, [want[0], want[1], want[2], want[3]]);
    }

    #[test]
    fn artist_centric_caps_accounts_and_boosts_sought_streams_and_professionals() {
        let mut rules = PayoutRules::builtin("artist_centric").unwrap();
        rules.account_cap = Some(8.0);
        // Professional: more than 10 streams from at least 2 accounts: artist 0 only.
        let thresholds = Thresholds {
            professional_streams: Some(10.0),
            professional_listeners: Some(2.0),
            track_minimum: None,
        };
        let got = settle_example(&rules, &thresholds);
        // A: 10 streams capped to 8 (k = 0.8), professional ×2: 16.
        // B: 2 streams, sought ×2: 2 and 2.  C: capped k = 0.8: artist 0 5·0.8·2 = 8,
        // artist 3 5·0.8 = 4. Weights 24, 2, 2, 4 of 32.
        assert_payouts(&got, [9.375, 0.78125, 0.78125, 1.5625]);
    }

    #[test]
    fn a_cap_applies_to_each_of_the_accounts_a_listener_streams_from() {
        let mut rules = PayoutRules::builtin("pro_rata").unwrap();
        rules.account_cap = Some(8.0);
        let plays = example();
        let artists: Vec<ArtistId> = (0..4).map(ArtistId).collect();
        let mut accounts = accounts_of(&plays);
        // A streams from two accounts: 10 streams under a cap of 2 × 8 are not capped;
        // C's 10 on one account are (k = 0.8). Weights 10 + 4, 1, 1, 4 of 20.
        accounts[0].spread = 2.0;
        let got = settle(
            &rules,
            &Thresholds::default(),
            &accounts,
            &artists,
            4,
            &|_| 0.0,
        );
        let pool = 12.5;
        assert_payouts(
            &got,
            [
                pool * 14.0 / 20.0,
                pool / 20.0,
                pool / 20.0,
                pool * 4.0 / 20.0,
            ],
        );
    }

    #[test]
    fn organised_replay_captures_its_streams_share_of_each_rule() {
        // B's sought stream of artist 1 was a campaign's replay.
        let mut plays = example();
        plays[1][0].organised = 1;
        let accounts = accounts_of(&plays);
        let artists: Vec<ArtistId> = (0..4).map(ArtistId).collect();
        let captured = |name: &str| {
            let rules = PayoutRules::builtin(name).unwrap();
            settle(
                &rules,
                &Thresholds::default(),
                &accounts,
                &artists,
                4,
                &|_| 0.0,
            )
            .organised
        };
        // Pro rata: 1 stream of 22 in a pool of 12.5. User-centric: half of B's 6.
        assert!((captured("pro_rata") - 12.5 / 22.0).abs() < 1e-12);
        assert!((captured("user_centric") - 3.0).abs() < 1e-12);
    }

    #[test]
    fn a_track_minimum_returns_small_tracks_shares_to_the_pool() {
        let thresholds = Thresholds {
            track_minimum: Some(6.0),
            ..Thresholds::default()
        };
        for name in ["track_minimum", "user_centric"] {
            let mut rules = PayoutRules::builtin(name).unwrap();
            rules.track_minimum = Some(6.0);
            // Only artist 0's track has 6 or more streams in the year; under user-centric
            // B played nothing eligible, so B's payment is split pro rata (all to 0).
            assert_payouts(&settle_example(&rules, &thresholds), [12.5, 0.0, 0.0, 0.0]);
        }
    }

    #[test]
    fn a_month_with_no_eligible_stream_pays_nobody() {
        let thresholds = Thresholds {
            track_minimum: Some(100.0),
            ..Thresholds::default()
        };
        let got = settle_example(&PayoutRules::builtin("track_minimum").unwrap(), &thresholds);
        assert_payouts(&got, [0.0; 4]);
        assert_eq!(got.unpaid, 12.5);
    }

    #[test]
    fn a_bot_account_moves_only_its_own_payment_under_user_centric() {
        // A bot account paying 0.5 streams artist 3 a thousand times.
        let plays = example();
        let bot = [TrackPlays {
            track: 3,
            sought: 0,
            suggested: 1_000,
            organised: 0,
        }];
        let artists: Vec<ArtistId> = (0..4).map(ArtistId).collect();
        let run = |rules: &PayoutRules, with_bot: bool| {
            let mut accounts = accounts_of(&plays);
            if with_bot {
                accounts.push(AccountMonth {
                    accounts: 1.0,
                    spread: 1.0,
                    payment: 0.5,
                    plays: &bot,
                    bot: true,
                });
            }
            settle(
                rules,
                &Thresholds::default(),
                &accounts,
                &artists,
                4,
                &|_| 0.0,
            )
        };
        let user = PayoutRules::builtin("user_centric").unwrap();
        let (clean, botted) = (run(&user, false), run(&user, true));
        // Everyone else's payouts are untouched; the bot's artist gains exactly 0.5.
        assert_payouts(
            &botted,
            [
                clean.payout[0],
                clean.payout[1],
                clean.payout[2],
                clean.payout[3] + 0.5,
            ],
        );
        assert!(
            (botted.bots - 0.5).abs() < 1e-12,
            "it captured its own payment"
        );
        let pro = PayoutRules::builtin("pro_rata").unwrap();
        let (clean, botted) = (run(&pro, false), run(&pro, true));
        // Under pro rata it takes from everyone: artist 0 falls from 8.52 to 13·15/1022.
        assert!((botted.payout[0] - 13.0 * 15.0 / 1022.0).abs() < 1e-12);
        assert!((botted.bots - 13.0 * 1_000.0 / 1_022.0).abs() < 1e-12);
        assert!(botted.payout[0] < clean.payout[0] / 10.0);
    }
}
