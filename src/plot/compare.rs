//! Plot 2: policy comparison. Mean and 95% CI (from `summary.csv`) of each headline metric,
//! per region, as dot and whisker, with the baseline policy's mean as a dashed reference.

use plotters::coord::Shift;
use plotters::prelude::*;

use super::data::{HEADLINE_METRICS, ResultData, metric_label};
use super::style::{self, DrawResult, GREY, LegendItem, OrText, Swatch};

/// Draws the comparison grid: one row per headline metric, one column per region.
pub fn draw<DB: DrawingBackend>(root: &DrawingArea<DB, Shift>, data: &ResultData) -> DrawResult {
    let body = style::titled(
        root,
        "Policy comparison: mean and 95% CI over replicates (weeks after burn-in)",
    )?;
    let (w, _) = body.dim_in_pixel();
    let (grid, legend_area) = body.split_horizontally(w.saturating_sub(230));
    let regions: Vec<&str> = data.regions().collect();
    let policies: Vec<&str> = data.policies().collect();
    if regions.is_empty() || policies.is_empty() || data.summary.is_empty() {
        return style::no_data(&grid, "summary.csv has no rows for the scenario's regions");
    }
    let n = policies.len();
    let cells = grid.split_evenly((HEADLINE_METRICS.len(), regions.len()));
    for (row, metric) in HEADLINE_METRICS.iter().enumerate() {
        let (_, axis) = metric_label(metric);
        let values = |region: &str, policy: &str| {
            data.summary_of(policy, region, metric).and_then(|s| {
                let m = s.mean.filter(|m| m.is_finite())?;
                // Every headline metric is a fraction: whiskers are clipped to 0..1.
                let lo = s.ci_low.filter(|v| v.is_finite()).unwrap_or(m).max(0.0);
                let hi = s.ci_high.filter(|v| v.is_finite()).unwrap_or(m).min(1.0);
                Some((m, lo, hi))
            })
        };
        let (lo, hi) = style::padded_range(regions.iter().flat_map(|r| {
            policies
                .iter()
                .filter_map(|p| values(r, p))
                .flat_map(|(m, l, h)| [m, l, h])
                .collect::<Vec<_>>()
        }));
        for (col, region) in regions.iter().enumerate() {
            let panel = &cells[row * regions.len() + col];
            let mut chart = ChartBuilder::on(panel)
                .caption(format!("{region}: {metric}"), style::small_font())
                .margin(6)
                .x_label_area_size(38)
                .y_label_area_size(95)
                .build_cartesian_2d(lo..hi, -0.6..n as f64 - 0.4)
                .or_text()?;
            let names = policies.clone();
            chart
                .configure_mesh()
                .x_desc(axis)
                .axis_desc_style(style::small_font())
                .label_style(style::small_font())
                .x_labels(5)
                .y_labels(n)
                .x_label_formatter(&|x| format!("{x:.3}"))
                .y_label_formatter(&|y| {
                    // Baseline on top: row i from the top is policy i.
                    let i = (n as f64 - 1.0 - y).round();
                    if (i >= 0.0) && ((n as f64 - 1.0 - y) - i).abs() < 1e-6 {
                        names
                            .get(i as usize)
                            .map_or(String::new(), |s| (*s).to_owned())
                    } else {
                        String::new()
                    }
                })
                .light_line_style(WHITE.mix(0.0))
                .bold_line_style(GREY.mix(0.2))
                .draw()
                .or_text()?;
            let mut any = false;
            if let Some((base, _, _)) = values(region, policies[0]) {
                chart
                    .draw_series(DashedLineSeries::new(
                        [(base, -0.6), (base, n as f64 - 0.4)],
                        6,
                        4,
                        GREY.stroke_width(1),
                    ))
                    .or_text()?;
            }
            for (pi, policy) in policies.iter().enumerate() {
                let Some((m, l, h)) = values(region, policy) else {
                    continue;
                };
                any = true;
                let y = n as f64 - 1.0 - pi as f64;
                let colour = style::policy_colour(pi);
                chart
                    .draw_series(LineSeries::new([(l, y), (h, y)], colour.stroke_width(2)))
                    .or_text()?;
                chart
                    .draw_series([
                        PathElement::new(
                            vec![(l, y - 0.15), (l, y + 0.15)],
                            colour.stroke_width(2),
                        ),
                        PathElement::new(
                            vec![(h, y - 0.15), (h, y + 0.15)],
                            colour.stroke_width(2),
                        ),
                    ])
                    .or_text()?;
                chart
                    .draw_series([Circle::new((m, y), 5, colour.filled())])
                    .or_text()?;
            }
            if !any {
                style::no_data(panel, &format!("{metric} in {region}"))?;
            }
        }
    }
    let mut items: Vec<LegendItem> = policies
        .iter()
        .enumerate()
        .map(|(i, p)| LegendItem::new(*p, style::policy_colour(i), Swatch::Dot))
        .collect();
    items.push(LegendItem::new(
        format!("baseline mean ({})", policies[0]),
        GREY,
        Swatch::Dashed,
    ));
    items.push(LegendItem::new("whisker: 95% CI", GREY, Swatch::Line));
    style::legend(&legend_area, "policy", &items)
}
