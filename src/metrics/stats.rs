//! Summaries over replicates: mean with a Student-t 95% confidence interval, and paired
//! differences against a baseline.
//!
//! Every experiment runs a handful of replicates (seeds) per policy, usually fewer than 30,
//! so the interval uses Student's t rather than the normal approximation. Policies are run
//! on common random numbers (the same seeds as the baseline), so the comparison that has
//! power is the paired one: the interval of the per-seed differences, not the overlap of
//! two separate intervals.

use statrs::distribution::{ContinuousCDF, StudentsT};

/// A sample mean with its two-sided 95% confidence interval.
///
/// All three values are in the units of the summarised metric.
#[derive(Clone, Copy, Debug, PartialEq, serde::Serialize)]
pub struct MeanCi {
    /// Sample mean of the values that were used.
    pub mean: f64,
    /// Lower end of the 95% confidence interval.
    pub ci_low: f64,
    /// Upper end of the 95% confidence interval.
    pub ci_high: f64,
    /// Number of values used (NaN inputs are not counted).
    pub n: usize,
}

/// The 0.975 quantile of Student's t with `df` degrees of freedom (`df ≥ 1`).
fn t975(df: usize) -> f64 {
    match StudentsT::new(0.0, 1.0, df as f64) {
        Ok(t) => t.inverse_cdf(0.975),
        Err(_) => f64::NAN,
    }
}

/// Mean and two-sided 95% Student-t confidence interval of `values`.
///
/// ```text
/// x̄ = Σᵢ xᵢ / n
/// s = sqrt(Σᵢ (xᵢ − x̄)² / (n − 1))          (sample standard deviation)
/// CI = x̄ ± t₀.₉₇₅,ₙ₋₁ · s / √n
/// ```
///
/// Units are those of the values. NaN values are skipped and not counted in `n` (a failed
/// or missing replicate should not poison the summary); infinities are kept and propagate.
/// Sums run sequentially in index order, so the result is deterministic.
///
/// Degenerate inputs: with no (non-NaN) value, every field is NaN and `n` is 0; with one
/// value, `ci_low = ci_high = mean`, since one replicate gives no interval (read `n` before
/// reading the interval as certainty).
pub fn mean_ci95(values: &[f64]) -> MeanCi {
    let mut n = 0_usize;
    let mut sum = 0.0;
    for &x in values.iter().filter(|x| !x.is_nan()) {
        sum += x;
        n += 1;
    }
    if n == 0 {
        return MeanCi {
            mean: f64::NAN,
            ci_low: f64::NAN,
            ci_high: f64::NAN,
            n: 0,
        };
    }
    let mean = sum / n as f64;
    if n == 1 {
        return MeanCi {
            mean,
            ci_low: mean,
            ci_high: mean,
            n,
        };
    }
    let mut squares = 0.0;
    for &x in values.iter().filter(|x| !x.is_nan()) {
        let d = x - mean;
        squares += d * d;
    }
    let sd = (squares / (n - 1) as f64).sqrt();
    let half_width = t975(n - 1) * sd / (n as f64).sqrt();
    MeanCi {
        mean,
        ci_low: mean - half_width,
        ci_high: mean + half_width,
        n,
    }
}

/// Mean and 95% confidence interval of the paired differences `values[i] − baseline[i]`.
///
/// ```text
/// dᵢ = valuesᵢ − baselineᵢ   for every i where both are finite
/// result = mean_ci95(d)
/// ```
///
/// For policy-versus-baseline comparisons on common random numbers: index i is the same seed
/// in both runs. Pairs where either side is NaN or infinite are dropped (and not counted in
/// `n`). An interval that excludes 0 means the policy moved the metric. See [`mean_ci95`]
/// for the interval and the degenerate cases.
///
/// # Panics
///
/// If `values.len() != baseline.len()`: pairing vectors of different lengths is a
/// programming error, not a data condition.
pub fn paired_differences(values: &[f64], baseline: &[f64]) -> MeanCi {
    assert_eq!(
        values.len(),
        baseline.len(),
        "paired_differences: values and baseline must have the same length (one per seed)"
    );
    let differences: Vec<f64> = values
        .iter()
        .zip(baseline)
        .filter(|(v, b)| v.is_finite() && b.is_finite())
        .map(|(v, b)| v - b)
        .collect();
    mean_ci95(&differences)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn t_quantiles_match_closed_forms_and_tables() {
        // df = 1 is the Cauchy distribution: t = tan(π (p − ½)) = tan(0.475 π) = 12.7062047
        let cauchy = (std::f64::consts::PI * 0.475).tan();
        assert!((t975(1) - cauchy).abs() < 1e-6 * cauchy);
        assert!((t975(1) - 12.706_204_7).abs() < 1e-5);
        // df = 2: t = (2p − 1) / sqrt(2 p (1 − p)) = 0.95 / sqrt(0.04875) = 4.3026527
        let closed = 0.95 / (2.0_f64 * 0.975 * 0.025).sqrt();
        assert!((t975(2) - closed).abs() < 1e-6);
        // df = 4 from the t table
        assert!((t975(4) - 2.776_445).abs() < 1e-5);
        // df = 10, 30 from the t table (4 decimals)
        assert!((t975(10) - 2.2281).abs() < 1e-4);
        assert!((t975(30) - 2.0423).abs() < 1e-4);
    }

    #[test]
    fn mean_ci95_hand_check() {
        // [1,2,3,4,5]: mean 3; Σ(x − 3)² = 4+1+0+1+4 = 10; s = sqrt(10/4) = 1.5811388;
        // s/√5 = sqrt(0.5) = 0.7071068; half-width = 2.776445 · 0.7071068 = 1.963243
        let r = mean_ci95(&[1.0, 2.0, 3.0, 4.0, 5.0]);
        assert_eq!(r.n, 5);
        assert!((r.mean - 3.0).abs() < 1e-12);
        assert!((r.ci_high - r.mean - 1.963_243).abs() < 1e-5);
        assert!((r.mean - r.ci_low - 1.963_243).abs() < 1e-5);
    }

    #[test]
    fn mean_ci95_skips_nan() {
        // same as [1,2,3,4,5] once the NaNs are dropped
        let r = mean_ci95(&[f64::NAN, 1.0, 2.0, 3.0, f64::NAN, 4.0, 5.0]);
        assert_eq!(r, mean_ci95(&[1.0, 2.0, 3.0, 4.0, 5.0]));
    }

    #[test]
    fn mean_ci95_degenerate_inputs() {
        let empty = mean_ci95(&[]);
        assert_eq!(empty.n, 0);
        assert!(empty.mean.is_nan() && empty.ci_low.is_nan() && empty.ci_high.is_nan());
        let all_nan = mean_ci95(&[f64::NAN, f64::NAN]);
        assert_eq!(all_nan.n, 0);
        assert!(all_nan.mean.is_nan());
        let one = mean_ci95(&[2.5]);
        assert_eq!(
            one,
            MeanCi {
                mean: 2.5,
                ci_low: 2.5,
                ci_high: 2.5,
                n: 1
            }
        );
        // constant values: s = 0, zero-width interval
        let constant = mean_ci95(&[7.0, 7.0, 7.0]);
        assert_eq!((constant.ci_low, constant.ci_high), (7.0, 7.0));
    }

    #[test]
    fn paired_differences_hand_check() {
        // differences [1,2,3,4,5] (pairs with a NaN or infinity dropped)
        let values = [11.0, 12.0, f64::NAN, 13.0, 14.0, 15.0, f64::INFINITY];
        let baseline = [10.0, 10.0, 3.0, 10.0, 10.0, 10.0, 1.0];
        let r = paired_differences(&values, &baseline);
        assert_eq!(r.n, 5);
        assert!((r.mean - 3.0).abs() < 1e-12);
        assert!((r.ci_high - r.mean - 1.963_243).abs() < 1e-5);
    }

    #[test]
    fn paired_differences_empty_is_nan() {
        let r = paired_differences(&[], &[]);
        assert_eq!(r.n, 0);
        assert!(r.mean.is_nan());
    }

    #[test]
    #[should_panic(expected = "same length")]
    fn paired_differences_length_mismatch_panics() {
        paired_differences(&[1.0, 2.0], &[1.0]);
    }

    proptest! {
        #[test]
        fn interval_contains_mean(values in prop::collection::vec(-1e6_f64..1e6, 1..40)) {
            let r = mean_ci95(&values);
            prop_assert_eq!(r.n, values.len());
            prop_assert!(r.ci_low <= r.mean && r.mean <= r.ci_high);
        }

        #[test]
        fn paired_with_itself_is_zero(values in prop::collection::vec(-1e6_f64..1e6, 2..40)) {
            let r = paired_differences(&values, &values);
            prop_assert_eq!((r.mean, r.ci_low, r.ci_high), (0.0, 0.0, 0.0));
        }

        #[test]
        fn shift_moves_interval(values in prop::collection::vec(-1e3_f64..1e3, 2..40), shift in -1e3_f64..1e3) {
            // shifting every value moves the mean and both ends by the shift, width unchanged
            let shifted: Vec<f64> = values.iter().map(|v| v + shift).collect();
            let a = mean_ci95(&values);
            let b = mean_ci95(&shifted);
            prop_assert!((b.mean - a.mean - shift).abs() < 1e-6);
            prop_assert!(((b.ci_high - b.ci_low) - (a.ci_high - a.ci_low)).abs() < 1e-6);
        }
    }
}
