//! The payout rules compared with one another: `payout_summary.csv`.
//!
//! `summary.csv` pairs each policy with the baseline policy on the same worlds. The
//! question a payout comparison asks is another pairing: on the same plays (same run),
//! what does each rule set pay against the reference rule set (the first of `[payouts]
//! rules`)? Each row gives a payout metric's mean over replicates under one rule set,
//! and its paired difference against the reference rule set in the same runs.

use serde::Serialize;

use super::finite_or_empty;
use crate::metrics::{MeanCi, mean_ci95, paired_differences};
use crate::run::{PAYOUT_METRICS, RunOutput};
use crate::scenario::Scenario;

/// One row of `payout_summary.csv`: a payout metric of one policy, region and rule set
/// over the replicates, against the reference rule set on the same runs.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct PayoutSummaryRow {
    /// Policy name.
    pub policy: String,
    /// Region name or `all`.
    pub region: String,
    /// Payout rule set.
    pub rules: String,
    /// Payout metric (a column of `payout_metrics.csv`).
    pub metric: String,
    /// Mean across replicates of the run's value over its summarised months.
    #[serde(serialize_with = "finite_or_empty")]
    pub mean: f64,
    /// Lower end of the 95% confidence interval (Student t).
    #[serde(serialize_with = "finite_or_empty")]
    pub ci_low: f64,
    /// Upper end of the 95% confidence interval.
    #[serde(serialize_with = "finite_or_empty")]
    pub ci_high: f64,
    /// Replicates.
    pub n: usize,
    /// Mean paired difference against the reference rule set in the same runs.
    #[serde(serialize_with = "finite_or_empty")]
    pub diff_vs_reference: f64,
    /// Lower end of the difference's 95% confidence interval.
    #[serde(serialize_with = "finite_or_empty")]
    pub diff_ci_low: f64,
    /// Upper end of the difference's 95% confidence interval.
    #[serde(serialize_with = "finite_or_empty")]
    pub diff_ci_high: f64,
}

/// The rows of `payout_summary.csv` (empty without payout rules), ordered by policy,
/// region, metric and rule set.
pub fn summarise_payouts(scenario: &Scenario, runs: &[RunOutput]) -> Vec<PayoutSummaryRow> {
    let rules = &scenario.payouts.rules;
    let n_rules = rules.len();
    let mut rows = Vec::new();
    if n_rules == 0 {
        return rows;
    }
    for (p, policy) in scenario.policies.iter().enumerate() {
        let runs: Vec<&RunOutput> = runs.iter().filter(|r| r.policy_index == p).collect();
        for (r, region) in scenario.region_labels().into_iter().enumerate() {
            for metric in PAYOUT_METRICS {
                let values = |k: usize| -> Vec<f64> {
                    runs.iter()
                        .map(|run| {
                            run.payout_summary
                                .get(r * n_rules + k)
                                .and_then(|m| m.get(metric))
                                .unwrap_or(f64::NAN)
                        })
                        .collect()
                };
                let reference = values(0);
                for (k, rule) in rules.iter().enumerate() {
                    let values = values(k);
                    if values.iter().all(|x| x.is_nan()) {
                        continue;
                    }
                    let MeanCi {
                        mean,
                        ci_low,
                        ci_high,
                        n,
                    } = mean_ci95(&values);
                    let diff = paired_differences(&values, &reference);
                    rows.push(PayoutSummaryRow {
                        policy: policy.name.clone(),
                        region: region.to_owned(),
                        rules: rule.name.clone(),
                        metric: (*metric).to_owned(),
                        mean,
                        ci_low,
                        ci_high,
                        n,
                        diff_vs_reference: diff.mean,
                        diff_ci_low: diff.ci_low,
                        diff_ci_high: diff.ci_high,
                    });
                }
            }
        }
    }
    rows
}
