//! Plot 1: a headline metric week by week, one line per policy with its 95% confidence
//! band across replicates, one panel per region.

use plotters::coord::Shift;
use plotters::prelude::*;

use super::data::{ResultData, metric_label};
use super::style::{self, DrawResult, GREY, LegendItem, OrText, Swatch};
use crate::metrics::mean_ci95;

/// Per-week mean and 95% CI: `(week, mean, ci_low, ci_high)` for weeks with a value.
pub fn weekly_ci(values: &[Vec<f64>]) -> Vec<(u32, f64, f64, f64)> {
    values
        .iter()
        .enumerate()
        .filter_map(|(w, v)| {
            let ci = mean_ci95(v);
            // Every headline metric is a fraction: the band is clipped to 0..1.
            let clip = |x: f64| if x.is_finite() { x.clamp(0.0, 1.0) } else { x };
            ci.mean
                .is_finite()
                .then_some((w as u32, ci.mean, clip(ci.ci_low), clip(ci.ci_high)))
        })
        .collect()
}

/// Draws the weekly plot of `metric`.
pub fn draw<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    data: &ResultData,
    metric: &str,
) -> DrawResult {
    let (title, axis) = metric_label(metric);
    let body = style::titled(
        root,
        &format!("{title}, week by week (mean and 95% CI over replicates)"),
    )?;
    let (w, _) = body.dim_in_pixel();
    let (panels_area, legend_area) = body.split_horizontally(w.saturating_sub(230));
    let regions: Vec<&str> = data.regions().collect();
    if regions.is_empty() || data.weeks == 0 {
        return style::no_data(&panels_area, "no regions or weeks in the result files");
    }
    let series = |region: &str, policy: &str| {
        data.weekly
            .get(&(metric.to_owned(), region.to_owned(), policy.to_owned()))
            .map(|v| weekly_ci(v))
            .unwrap_or_default()
    };
    let (lo, hi) = style::padded_range(regions.iter().flat_map(|r| {
        data.policies()
            .flat_map(|p| series(r, p))
            .flat_map(|(_, m, l, h)| [m, l, h])
            .collect::<Vec<_>>()
    }));
    let x_max = data.weeks as f64 - 0.5;
    let burn_in = f64::from(data.scenario.summary_start_week().min(data.weeks)) - 0.5;
    for (panel, region) in panels_area
        .split_evenly((1, regions.len()))
        .iter()
        .zip(&regions)
    {
        let mut chart = ChartBuilder::on(panel)
            .caption(*region, style::panel_font())
            .margin(10)
            .x_label_area_size(45)
            .y_label_area_size(70)
            .build_cartesian_2d(-0.5..x_max, lo..hi)
            .or_text()?;
        chart
            .configure_mesh()
            .x_desc("chart week")
            .y_desc(axis)
            .axis_desc_style(style::axis_font())
            .label_style(style::small_font())
            .light_line_style(WHITE.mix(0.0))
            .x_label_formatter(&|x| format!("{x:.0}"))
            .y_label_formatter(&|y| format!("{y:.3}"))
            .draw()
            .or_text()?;
        if burn_in > -0.5 {
            chart
                .draw_series([Rectangle::new(
                    [(-0.5, lo), (burn_in, hi)],
                    GREY.mix(0.15).filled(),
                )])
                .or_text()?;
        }
        let mut any = false;
        for (pi, policy) in data.policies().enumerate() {
            let points = series(region, policy);
            if points.is_empty() {
                continue;
            }
            any = true;
            let colour = style::policy_colour(pi);
            let band: Vec<(f64, f64)> = points
                .iter()
                .map(|&(w, _, l, _)| (f64::from(w), l))
                .chain(points.iter().rev().map(|&(w, _, _, h)| (f64::from(w), h)))
                .filter(|(_, y)| y.is_finite())
                .collect();
            if band.len() > 2 {
                chart
                    .draw_series([Polygon::new(band, colour.mix(0.18).filled())])
                    .or_text()?;
            }
            chart
                .draw_series(LineSeries::new(
                    points.iter().map(|&(w, m, _, _)| (f64::from(w), m)),
                    colour.stroke_width(2),
                ))
                .or_text()?;
        }
        if !any {
            style::no_data(panel, &format!("{region} has no values of {metric}"))?;
        }
    }
    let mut items: Vec<LegendItem> = data
        .policies()
        .enumerate()
        .map(|(i, p)| LegendItem::new(p, style::policy_colour(i), Swatch::Line))
        .collect();
    items.push(LegendItem::new(
        "95% CI (shaded)",
        style::tint(style::policy_colour(0), 0.3),
        Swatch::Block,
    ));
    let left_out = if data.scenario.branch_day.is_some() {
        "before the branch"
    } else {
        "burn-in weeks"
    };
    items.push(LegendItem::new(
        left_out,
        style::tint(GREY, 0.3),
        Swatch::Block,
    ));
    style::legend(&legend_area, "policy", &items)
}
