//! Outcome metrics: how concentrated the charts and streams are, and how diverse listening is.
//!
//! chartsim exists to ask whether recommender policies, fandom behaviour and chart rules make
//! the charts more concentrated (a few tracks taking most of the streams, long reigns at No. 1)
//! and whether they homogenise taste (local and niche genres losing share). Every experiment
//! reports the same small set of numbers so that policies can be compared on common random
//! numbers, and this module is the single place where those numbers are defined.
//!
//! - [`concentration`]: inequality of per-item stream counts: Herfindahl–Hirschman index,
//!   Gini coefficient, top-k share, Shannon entropy and its effective number, Lorenz curve.
//! - [`diversity`]: shares (local share of streams, catalogue coverage, local share of chart
//!   entries), genre entropy of the whole market, and mean per-listener genre entropy; the
//!   two entropies together separate homogenisation of individuals from homogenisation of
//!   the market.
//! - [`stats`]: mean and Student-t 95% confidence interval over replicates, and paired
//!   differences against a baseline run on the same seeds.
//! - [`recommendations`]: what slates look like and do: miscalibration (KL and
//!   Jensen–Shannon divergence against the listener's history), intra-list diversity, and
//!   consumption overlap with the most similar listener (Chaney et al. 2018).
//! - [`money`]: inequality of payouts to artists (Gini, top-k and decile shares, Lorenz
//!   curve of real amounts).
//! - [`chart_runs`]: weeks at No. 1, runs and spells, so that records such as "ten
//!   non-consecutive weeks at No. 1" can be answered.
//!
//! Conventions: every function is pure and deterministic (sums run in a fixed order, no hash
//! map iteration reaches a result), never panics on empty input, and returns 0.0 where a
//! quantity is undefined for lack of data unless its docs say otherwise. Shares are
//! fractions in 0..1, not percentages; entropies are in nats (natural logarithm).
//!
//! **Layer.** Pure functions of plays, charts and counts; reads only the world's
//! catalogue below it, so recommenders and runs alike can use them.

pub mod chart_runs;
pub mod concentration;
pub mod diversity;
pub mod money;
pub mod recommendations;
pub mod stats;
pub mod unpredictability;

pub use chart_runs::{No1Record, distinct_no1s, no1_records, weeks_at_no1_so_far};
pub use concentration::{effective_number, gini, hhi, lorenz_curve, shannon_entropy, top_k_share};
pub use diversity::{IndividualEntropy, genre_entropy, local_entry_share, share};
pub use money::{decile_shares, gini_of_amounts, lorenz_of_amounts, top_k_share_of_amounts};
pub use recommendations::{
    intra_list_diversity, jaccard, js_divergence, kl_divergence, overlap_with_most_similar,
};
pub use stats::{MeanCi, mean_ci95, paired_differences};
pub use unpredictability::unpredictability;
