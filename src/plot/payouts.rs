//! Plots of creators' income, drawn when the run settled payouts: the share of payouts
//! by artist decile under each rule set, the Lorenz curve of payouts over artists, and
//! who gains and who loses against the reference rule set (by genre, local or foreign,
//! and label). All are the baseline policy's, every month and region of the run, from
//! `payouts.csv` and `tracks.csv` ([`PayoutData`]).

use plotters::coord::Shift;
use plotters::prelude::*;

use super::data::ResultData;
use super::lorenz::thin;
use super::payout_data::PayoutData;
use super::style::{self, DrawResult, GREY, LegendItem, OrText, Swatch};
use crate::metrics::{MeanCi, decile_shares, gini_of_amounts, lorenz_of_amounts, mean_ci95};

/// Smallest share the decile plot's log axis shows (0.001%); smaller shares sit on it.
const FLOOR: f64 = 1e-5;

fn payouts(data: &ResultData) -> Option<&PayoutData> {
    data.payouts.as_ref().filter(|p| !p.rules.is_empty())
}

/// A plot area and its legend area.
type Areas<DB> = (DrawingArea<DB, Shift>, DrawingArea<DB, Shift>);

/// The plot's frame: the title (with the baseline policy where `{policy}` stands), the
/// plot area and a legend area `legend` pixels wide.
fn frame<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    data: &ResultData,
    title: &str,
    legend: u32,
) -> Result<Areas<DB>, String> {
    let body = style::titled(root, &title.replace("{policy}", data.baseline()))?;
    let (w, _) = body.dim_in_pixel();
    Ok(body.split_horizontally(w.saturating_sub(legend)))
}

/// Share of payouts by artist decile (bottom tenth first), mean over replicate worlds,
/// one bar per rule set, on a log axis.
pub fn draw_deciles<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    data: &ResultData,
) -> DrawResult {
    let (plot_area, legend_area) = frame(
        root,
        data,
        "Share of payouts by artist decile under each payout rule (policy {policy}, all regions, whole run)",
        260,
    )?;
    let Some(payouts) = payouts(data) else {
        return style::no_data(&plot_area, "the run settled no payouts");
    };
    let shares: Vec<[f64; 10]> = payouts
        .worlds
        .iter()
        .map(|worlds| {
            let mut mean = [0.0; 10];
            for world in worlds {
                for (m, s) in mean.iter_mut().zip(decile_shares(&world.by_artist)) {
                    *m += s / worlds.len() as f64;
                }
            }
            mean
        })
        .collect();
    let mut chart = ChartBuilder::on(&plot_area)
        .margin(15)
        .x_label_area_size(55)
        .y_label_area_size(80)
        .build_cartesian_2d(-0.5..9.5, (FLOOR..1.0).log_scale())
        .or_text()?;
    chart
        .configure_mesh()
        .x_desc(
            "artists ranked by payout, in tenths (1 = the lowest-paid tenth, 10 = the best-paid)",
        )
        .y_desc("share of all payouts (log scale)")
        .axis_desc_style(style::axis_font())
        .label_style(style::small_font())
        .x_labels(10)
        .x_label_formatter(&|x: &f64| {
            let i = x.round();
            if (x - i).abs() < 1e-6 && (0.0..10.0).contains(&i) {
                format!("{}", i as u32 + 1)
            } else {
                String::new()
            }
        })
        .y_label_formatter(&|y| percent(*y))
        .disable_x_mesh()
        .light_line_style(WHITE.mix(0.0))
        .bold_line_style(GREY.mix(0.2))
        .draw()
        .or_text()?;
    let width = 0.8 / shares.len() as f64;
    for (k, deciles) in shares.iter().enumerate() {
        let colour = style::policy_colour(k);
        chart
            .draw_series(deciles.iter().enumerate().map(|(d, &s)| {
                let x0 = d as f64 - 0.4 + k as f64 * width;
                Rectangle::new(
                    [(x0, FLOOR), (x0 + width * 0.9, s.max(FLOOR))],
                    colour.filled(),
                )
            }))
            .or_text()?;
    }
    let items: Vec<LegendItem> = payouts
        .rules
        .iter()
        .zip(&shares)
        .enumerate()
        .map(|(k, (rule, deciles))| {
            LegendItem::new(
                format!("{rule}: top tenth {}", percent(deciles[9])),
                style::policy_colour(k),
                Swatch::Block,
            )
        })
        .collect();
    style::legend(&legend_area, "payout rule", &items)
}

/// Lorenz curve of payouts over artists (every replicate's artists pooled), one curve
/// per rule set, with the Gini in the legend.
pub fn draw_lorenz<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    data: &ResultData,
) -> DrawResult {
    let (plot_area, legend_area) = frame(
        root,
        data,
        "Lorenz curves of payouts over artists (policy {policy}, all regions, whole run, replicates pooled)",
        300,
    )?;
    let Some(payouts) = payouts(data) else {
        return style::no_data(&plot_area, "the run settled no payouts");
    };
    let mut chart = ChartBuilder::on(&plot_area)
        .margin(15)
        .x_label_area_size(50)
        .y_label_area_size(60)
        .build_cartesian_2d(0.0..1.0, 0.0..1.0)
        .or_text()?;
    chart
        .configure_mesh()
        .x_desc("share of artists, lowest-paid first")
        .y_desc("cumulative share of payouts")
        .axis_desc_style(style::axis_font())
        .label_style(style::small_font())
        .light_line_style(WHITE.mix(0.0))
        .bold_line_style(GREY.mix(0.2))
        .x_label_formatter(&|x| percent(*x))
        .y_label_formatter(&|y| percent(*y))
        .draw()
        .or_text()?;
    chart
        .draw_series(DashedLineSeries::new(
            [(0.0, 0.0), (1.0, 1.0)],
            6,
            4,
            GREY.stroke_width(1),
        ))
        .or_text()?;
    let mut items = Vec::new();
    for (k, (rule, worlds)) in payouts.rules.iter().zip(&payouts.worlds).enumerate() {
        let pooled: Vec<f64> = worlds
            .iter()
            .flat_map(|w| w.by_artist.iter().copied())
            .collect();
        let colour = style::policy_colour(k);
        chart
            .draw_series(LineSeries::new(
                thin(&lorenz_of_amounts(&pooled)),
                colour.stroke_width(2),
            ))
            .or_text()?;
        items.push(LegendItem::new(
            format!("{rule}: Gini {:.3}", gini_of_amounts(&pooled)),
            colour,
            Swatch::Line,
        ));
    }
    items.push(LegendItem::new("equal pay", GREY, Swatch::Dashed));
    style::legend(&legend_area, "payout rule: Gini", &items)
}

/// Who gains and who loses: each group's change in its share of payouts under each rule
/// set against the reference (percentage points, mean and 95% CI of the paired
/// differences over replicate worlds).
pub fn draw_winners<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    data: &ResultData,
) -> DrawResult {
    let reference = payouts(data).map_or("", |p| p.rules[0].as_str());
    let (plot_area, legend_area) = frame(
        root,
        data,
        &format!(
            "Who gains and who loses: change in share of payouts against {reference} (policy {{policy}}, points, 95% CI)"
        ),
        260,
    )?;
    let Some(payouts) = payouts(data).filter(|p| p.rules.len() > 1) else {
        return style::no_data(&plot_area, "one payout rule: nothing to compare");
    };
    let groups = &payouts.groups;
    // changes[rule − 1][group] = (mean, low, high) in percentage points.
    let changes: Vec<Vec<(f64, f64, f64)>> = (1..payouts.rules.len())
        .map(|k| {
            groups
                .iter()
                .map(|g| {
                    let MeanCi {
                        mean,
                        ci_low,
                        ci_high,
                        ..
                    } = mean_ci95(&payouts.differences(k, |w| w.share(g)));
                    let or_mean = |x: f64| if x.is_finite() { x } else { mean };
                    (
                        100.0 * mean,
                        100.0 * or_mean(ci_low),
                        100.0 * or_mean(ci_high),
                    )
                })
                .collect()
        })
        .collect();
    let (lo, hi) = style::padded_range(
        changes
            .iter()
            .flatten()
            .flat_map(|&(m, l, h)| [m, l, h])
            .chain([0.0]),
    );
    let n = groups.len();
    let mut chart = ChartBuilder::on(&plot_area)
        .margin(15)
        .x_label_area_size(50)
        .y_label_area_size(190)
        .build_cartesian_2d(lo..hi, -0.5..n as f64 - 0.5)
        .or_text()?;
    let names = groups.clone();
    chart
        .configure_mesh()
        .x_desc(format!(
            "change in share of all payouts against {reference} (percentage points)"
        ))
        .axis_desc_style(style::axis_font())
        .label_style(style::small_font())
        .y_labels(n)
        .y_label_formatter(&|y| {
            // First group on top.
            let i = (n as f64 - 1.0 - y).round();
            if i >= 0.0 && ((n as f64 - 1.0 - y) - i).abs() < 1e-6 {
                names.get(i as usize).cloned().unwrap_or_default()
            } else {
                String::new()
            }
        })
        .x_label_formatter(&|x| format!("{x:+.1}"))
        .light_line_style(WHITE.mix(0.0))
        .bold_line_style(GREY.mix(0.2))
        .draw()
        .or_text()?;
    chart
        .draw_series([PathElement::new(
            vec![(0.0, -0.5), (0.0, n as f64 - 0.5)],
            BLACK.stroke_width(1),
        )])
        .or_text()?;
    let height = 0.8 / changes.len() as f64;
    for (j, by_group) in changes.iter().enumerate() {
        let colour = style::policy_colour(j + 1);
        for (gi, &(m, l, h)) in by_group.iter().enumerate() {
            let y0 = (n - 1 - gi) as f64 + 0.4 - (j + 1) as f64 * height;
            let mid = y0 + height * 0.45;
            chart
                .draw_series([
                    Rectangle::new([(0.0, y0), (m, y0 + height * 0.9)], colour.filled()),
                    Rectangle::new([(l, mid - 0.01), (h, mid + 0.01)], BLACK.filled()),
                ])
                .or_text()?;
        }
    }
    let mut items: Vec<LegendItem> = payouts
        .rules
        .iter()
        .enumerate()
        .skip(1)
        .map(|(k, rule)| LegendItem::new(rule.clone(), style::policy_colour(k), Swatch::Block))
        .collect();
    items.push(LegendItem::new("line: 95% CI", BLACK, Swatch::Line));
    style::legend(&legend_area, "payout rule", &items)
}

/// A share as a percentage with as many decimals as it needs (`12%`, `0.5%`, `0.001%`).
pub fn percent(share: f64) -> String {
    let p = 100.0 * share;
    if p >= 10.0 || p == 0.0 {
        format!("{p:.0}%")
    } else if p >= 1.0 {
        format!("{p:.1}%")
    } else {
        let decimals = (-p.log10()).ceil() as usize + 1;
        format!("{p:.decimals$}%")
    }
}

#[cfg(test)]
mod tests {
    use super::percent;

    #[test]
    fn percentages_keep_their_significant_digit() {
        assert_eq!(percent(0.5), "50%");
        assert_eq!(percent(0.034), "3.4%");
        assert_eq!(percent(0.005), "0.50%");
        assert_eq!(percent(0.00001), "0.0010%");
        assert_eq!(percent(0.0), "0%");
    }
}
