//! Many runs: every policy on every replicate world, in parallel, then summarised.
//!
//! The plan is fixed up front — replicate r's world is generated from its own seed and
//! every policy is run on it (common random numbers) — and results are collected in run
//! order, so the outcome is independent of scheduling. Summaries reduce each run's
//! weekly metrics to one value per (policy, region, metric) and give the mean and 95%
//! confidence interval across replicates, plus the paired difference to the baseline
//! (the first policy) on the same worlds.

mod payouts;

pub use payouts::{PayoutSummaryRow, summarise_payouts};

use rayon::prelude::*;
use serde::Serialize;

use crate::metrics::{MeanCi, mean_ci95, paired_differences};
use crate::rng::SeedKey;
use crate::run::{PAYOUT_METRICS, Replicate, RunOutput, WeekRow, run_policies};
use crate::scenario::Scenario;
use crate::world::World;

/// A run-level metric: its name, plain-language meaning, and how to read it from a row.
pub struct WeeklyMetric {
    /// Column name in `metrics.csv` and metric name in `summary.csv`.
    pub name: &'static str,
    /// Reads the metric from a weekly row (`None` where it does not apply).
    pub read: fn(&WeekRow) -> Option<f64>,
}

/// The weekly metrics summarised per run (mean over the weeks after burn-in).
pub const WEEKLY_METRICS: &[WeeklyMetric] = &[
    WeeklyMetric {
        name: "hhi_tracks",
        read: |r| Some(r.hhi_tracks),
    },
    WeeklyMetric {
        name: "hhi_artists",
        read: |r| Some(r.hhi_artists),
    },
    WeeklyMetric {
        name: "gini_tracks",
        read: |r| Some(r.gini_tracks),
    },
    WeeklyMetric {
        name: "top1_share",
        read: |r| Some(r.top1_share),
    },
    WeeklyMetric {
        name: "top10_share",
        read: |r| Some(r.top10_share),
    },
    WeeklyMetric {
        name: "effective_tracks",
        read: |r| Some(r.effective_tracks),
    },
    WeeklyMetric {
        name: "local_share_streams",
        read: |r| Some(r.local_share_streams),
    },
    WeeklyMetric {
        name: "independent_share_streams",
        read: |r| Some(r.independent_share_streams),
    },
    WeeklyMetric {
        name: "platform_share_streams",
        read: |r| r.platform_share_streams,
    },
    WeeklyMetric {
        name: "local_share_top10",
        read: |r| r.local_share_top10,
    },
    WeeklyMetric {
        name: "local_share_top100",
        read: |r| r.local_share_top100,
    },
    WeeklyMetric {
        name: "platform_share_chart",
        read: |r| r.platform_share_chart,
    },
    WeeklyMetric {
        name: "genre_entropy_aggregate",
        read: |r| Some(r.genre_entropy_aggregate),
    },
    WeeklyMetric {
        name: "genre_entropy_individual",
        read: |r| r.genre_entropy_individual,
    },
    WeeklyMetric {
        name: "catalogue_coverage",
        read: |r| Some(r.catalogue_coverage),
    },
    WeeklyMetric {
        name: "recommendation_share",
        read: |r| Some(r.recommendation_share),
    },
    WeeklyMetric {
        name: "outside_option_rate",
        read: |r| Some(r.outside_option_rate),
    },
    WeeklyMetric {
        name: "chart_new_entries",
        read: |r| r.chart_new_entries.map(f64::from),
    },
    WeeklyMetric {
        name: "chart_mean_tenure_weeks",
        read: |r| r.chart_mean_tenure_weeks,
    },
    WeeklyMetric {
        name: "chart_acr_share",
        read: |r| r.chart_acr_share,
    },
    WeeklyMetric {
        name: "organised_share_chart",
        read: |r| r.organised_share_chart,
    },
    WeeklyMetric {
        name: "organised_share_no1",
        read: |r| r.organised_share_no1,
    },
    WeeklyMetric {
        name: "member_streams_per_account",
        read: |r| r.member_streams_per_account,
    },
    WeeklyMetric {
        name: "other_streams_per_account",
        read: |r| r.other_streams_per_account,
    },
    WeeklyMetric {
        name: "local_share_recommendations",
        read: |r| r.local_share_recommendations,
    },
    WeeklyMetric {
        name: "platform_share_recommendations",
        read: |r| r.platform_share_recommendations,
    },
    WeeklyMetric {
        name: "slate_miscalibration",
        read: |r| r.slate_miscalibration,
    },
    WeeklyMetric {
        name: "slate_diversity",
        read: |r| r.slate_diversity,
    },
    WeeklyMetric {
        name: "consumption_overlap",
        read: |r| r.consumption_overlap,
    },
    WeeklyMetric {
        name: "catalogue_recommended_share",
        read: |r| r.catalogue_recommended_share,
    },
    WeeklyMetric {
        name: "mean_realised_utility",
        read: |r| r.mean_realised_utility,
    },
];

/// Run-level chart-run metrics (from the whole year's headline No. 1s).
pub const CHART_RUN_METRICS: &[&str] = &["no1_max_weeks", "no1_longest_run", "distinct_no1s"];

/// Writes a number, or an empty cell where there is none (a mean over no replicate that
/// has the metric is NaN in memory; tables never hold NaN or infinities).
fn finite_or_empty<S: serde::Serializer>(x: &f64, s: S) -> Result<S::Ok, S::Error> {
    if x.is_finite() {
        s.serialize_some(x)
    } else {
        s.serialize_none()
    }
}

/// One row of `summary.csv`.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct SummaryRow {
    /// Policy name.
    pub policy: String,
    /// Region name or `all`.
    pub region: String,
    /// Metric name.
    pub metric: String,
    /// Mean across replicates of the run-level value.
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
    /// Mean paired difference against the baseline policy on the same worlds.
    #[serde(serialize_with = "finite_or_empty")]
    pub diff_vs_baseline: f64,
    /// Lower end of the difference's 95% confidence interval.
    #[serde(serialize_with = "finite_or_empty")]
    pub diff_ci_low: f64,
    /// Upper end of the difference's 95% confidence interval.
    #[serde(serialize_with = "finite_or_empty")]
    pub diff_ci_high: f64,
}

impl SummaryRow {
    /// The row of one policy, region and metric from its run-level `values` (one per
    /// replicate, NaN where missing) and the baseline's on the same worlds; none when no
    /// replicate has a value.
    pub fn of(
        policy: &str,
        region: &str,
        metric: &str,
        values: &[f64],
        baseline: &[f64],
    ) -> Option<Self> {
        if values.iter().all(|x| x.is_nan()) {
            return None;
        }
        let MeanCi {
            mean,
            ci_low,
            ci_high,
            n,
        } = mean_ci95(values);
        let diff = paired_differences(values, baseline);
        Some(Self {
            policy: policy.to_owned(),
            region: region.to_owned(),
            metric: metric.to_owned(),
            mean,
            ci_low,
            ci_high,
            n,
            diff_vs_baseline: diff.mean,
            diff_ci_low: diff.ci_low,
            diff_ci_high: diff.ci_high,
        })
    }
}

/// Everything a batch produced, in run order.
#[derive(Clone, Debug)]
pub struct BatchOutput {
    /// Runs, ordered by run id.
    pub runs: Vec<RunOutput>,
    /// Per-replicate seeds (the replicate nodes of the seed tree).
    pub replicate_seeds: Vec<u64>,
    /// Summary rows ordered by policy (scenario order), region (scenario order, then
    /// `all`) and metric.
    pub summary: Vec<SummaryRow>,
    /// Payout rule sets against the reference rule set (empty without payout rules).
    pub payout_summary: Vec<PayoutSummaryRow>,
}

impl BatchOutput {
    /// The summary row for a policy, region and metric.
    pub fn summary_of(&self, policy: &str, region: &str, metric: &str) -> Option<&SummaryRow> {
        self.summary
            .iter()
            .find(|r| r.policy == policy && r.region == region && r.metric == metric)
    }

    /// The `payout_summary.csv` row for a policy, region, payout rule set and metric.
    pub fn payout_summary_of(
        &self,
        policy: &str,
        region: &str,
        rules: &str,
        metric: &str,
    ) -> Option<&PayoutSummaryRow> {
        self.payout_summary.iter().find(|r| {
            r.policy == policy && r.region == region && r.rules == rules && r.metric == metric
        })
    }
}

/// The seed node of replicate `replicate`.
pub fn replicate_key(scenario: &Scenario, replicate: u32) -> SeedKey {
    SeedKey::replicate(scenario.seed, replicate)
}

/// Chart weeks a batch simulates, the calls to `on_week` of [`run_batch`]: every
/// policy's weeks on every replicate world, the weeks of a shared warm-up once.
pub fn simulated_weeks(scenario: &Scenario) -> u64 {
    let weeks = u64::from(scenario.weeks());
    let shared = scenario
        .branch_day
        .map_or(0, |day| u64::from(day.cast_unsigned() / 7));
    let policies = scenario.policies.len() as u64;
    u64::from(scenario.replicates) * (shared + policies * (weeks - shared))
}

/// Runs every policy on every replicate world. `on_week` is called after every simulated
/// week ([`simulated_weeks`] calls), from any thread.
pub fn run_batch(scenario: &Scenario, on_week: &(dyn Fn() + Sync)) -> BatchOutput {
    let replicates: Vec<u32> = (0..scenario.replicates).collect();
    let runs: Vec<RunOutput> = replicates
        .par_iter()
        .flat_map_iter(|&replicate| {
            let key = replicate_key(scenario, replicate);
            let world = World::generate(scenario, key);
            let replicate = Replicate {
                scenario,
                world: &world,
                index: replicate,
                key,
            };
            run_policies(&replicate, on_week)
        })
        .collect();
    let summary = summarise(scenario, &runs);
    let payout_summary = summarise_payouts(scenario, &runs);
    BatchOutput {
        runs,
        payout_summary,
        replicate_seeds: replicates
            .iter()
            .map(|&r| replicate_key(scenario, r).seed())
            .collect(),
        summary,
    }
}

/// Names of the run-level metrics of `scenario`, in the order [`run_metrics`] gives
/// them: the weekly metrics, the chart-run metrics, then each payout metric under each
/// payout rule set, named `metric[rules]` (none without payout rules).
pub fn run_metric_names(scenario: &Scenario) -> Vec<String> {
    let fixed = WEEKLY_METRICS
        .iter()
        .map(|m| m.name)
        .chain(CHART_RUN_METRICS.iter().copied())
        .map(str::to_owned);
    let payouts = PAYOUT_METRICS.iter().flat_map(|metric| {
        scenario
            .payouts
            .rules
            .iter()
            .map(move |rules| payout_metric_name(metric, &rules.name))
    });
    fixed.chain(payouts).collect()
}

/// The run-level name of payout metric `metric` under rule set `rules`.
pub fn payout_metric_name(metric: &str, rules: &str) -> String {
    format!("{metric}[{rules}]")
}

/// One run's value of every run-level metric, `[region][metric]` (regions in scenario
/// order, then all regions; NaN where a metric does not apply): each weekly metric's mean
/// over the weeks from [`Scenario::summary_start_week`] on, summed in week order, then
/// the chart-run metrics, then the payout metrics of the summarised months (as
/// [`run_metric_names`] orders them).
pub fn run_metrics(scenario: &Scenario, run: &RunOutput) -> Vec<Vec<f64>> {
    let n_regions = scenario.regions.len() + 1;
    (0..n_regions)
        .map(|region| {
            let mut values = Vec::with_capacity(WEEKLY_METRICS.len() + CHART_RUN_METRICS.len());
            for metric in WEEKLY_METRICS {
                let mut sum = 0.0;
                let mut n = 0usize;
                let first = scenario.summary_start_week();
                for row in run.weeks.iter().skip(region).step_by(n_regions) {
                    if row.week < first {
                        continue;
                    }
                    if let Some(v) = (metric.read)(row) {
                        sum += v;
                        n += 1;
                    }
                }
                values.push(if n == 0 { f64::NAN } else { sum / n as f64 });
            }
            let stats = run.chart_runs.get(region);
            for name in CHART_RUN_METRICS {
                values.push(stats.map_or(f64::NAN, |s| match *name {
                    "no1_max_weeks" => f64::from(s.no1_max_weeks),
                    "no1_longest_run" => f64::from(s.no1_longest_run),
                    _ => f64::from(s.distinct_no1s),
                }));
            }
            let n_rules = scenario.payouts.rules.len();
            for metric in PAYOUT_METRICS {
                for k in 0..n_rules {
                    let measures = run.payout_summary.get(region * n_rules + k);
                    values.push(measures.and_then(|m| m.get(metric)).unwrap_or(f64::NAN));
                }
            }
            values
        })
        .collect()
}

/// Run-level value of every metric: `values[policy][region][metric][replicate]`.
fn run_values(scenario: &Scenario, runs: &[RunOutput]) -> Vec<Vec<Vec<Vec<f64>>>> {
    let n_regions = scenario.regions.len() + 1;
    let n_metrics = run_metric_names(scenario).len();
    let mut values = vec![vec![vec![Vec::new(); n_metrics]; n_regions]; scenario.policies.len()];
    for run in runs {
        let of_run = run_metrics(scenario, run);
        for (values, of_region) in values[run.policy_index].iter_mut().zip(of_run) {
            for (values, v) in values.iter_mut().zip(of_region) {
                values.push(v);
            }
        }
    }
    values
}

fn summarise(scenario: &Scenario, runs: &[RunOutput]) -> Vec<SummaryRow> {
    let values = run_values(scenario, runs);
    let region_names: Vec<&str> = scenario.region_labels();
    let metric_names = run_metric_names(scenario);
    // Across-world U of every policy and region, computed once (the baseline's is reused).
    let unpredictable: Vec<Vec<Option<f64>>> = (0..scenario.policies.len())
        .map(|p| {
            (0..region_names.len())
                .map(|r| across_worlds(runs, p, (r < scenario.regions.len()).then_some(r)))
                .collect()
        })
        .collect();
    let mut rows = Vec::new();
    for (p, policy) in scenario.policies.iter().enumerate() {
        for (r, region) in region_names.iter().enumerate() {
            for (m, metric) in metric_names.iter().enumerate() {
                rows.extend(SummaryRow::of(
                    &policy.name,
                    region,
                    metric,
                    &values[p][r][m],
                    &values[0][r][m],
                ));
            }
            if let Some(u) = unpredictable[p][r] {
                let baseline = unpredictable[0][r].unwrap_or(f64::NAN);
                rows.push(SummaryRow {
                    policy: policy.name.clone(),
                    region: (*region).to_owned(),
                    metric: UNPREDICTABILITY.to_owned(),
                    mean: u,
                    ci_low: f64::NAN,
                    ci_high: f64::NAN,
                    n: scenario.replicates as usize,
                    diff_vs_baseline: u - baseline,
                    diff_ci_low: f64::NAN,
                    diff_ci_high: f64::NAN,
                });
            }
        }
    }
    rows
}

/// The across-world metric of `summary.csv`: one value per policy and region from all of
/// its replicate worlds together, so it has no confidence interval.
pub const UNPREDICTABILITY: &str = "unpredictability";

/// MusicLab's U ([`crate::metrics::unpredictability`]) of policy `p` in `region` over its
/// replicate worlds, from each run's whole-run streams by track (`tracks.csv`).
fn across_worlds(runs: &[RunOutput], p: usize, region: Option<usize>) -> Option<f64> {
    let worlds: Vec<Vec<u64>> = runs
        .iter()
        .filter(|r| r.policy_index == p)
        .map(|r| r.tracks.dense(region))
        .collect();
    crate::metrics::unpredictability(&worlds)
}
