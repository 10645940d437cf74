//! Creators' income: payout rules as data, and the settlement of a month's revenue pool
//! among artists from the month's plays.
//!
//! Regulators compare payout models (pro rata, user-centric, artist-centric, minimum
//! thresholds) by simulating them on the same plays; here a rule set is a record of knobs
//! ([`PayoutRules`]) and [`settle`] splits one region's month under any of them, so
//! several rules can be settled from the same plays. The formulas are in [`settle`]'s
//! module docs and docs/MODEL.md, with the hand-worked example the tests check.
//!
//! **Layer.** Pure functions of accounts' plays and payments; reads only ids, so the
//! scenario can validate rule sets and runs can settle them.

mod rules;
mod settle;

pub use rules::{
    BUILTIN_PAYOUT_RULES, PayoutRules, ProfessionalBoost, REFERENCE_ACCOUNTS, Thresholds,
};
pub use settle::{AccountMonth, Settlement, TrackPlays, settle};
