//! Plot 5: local share of streams by region and policy, as grouped bars with 95% CIs
//! (from `summary.csv`, weeks after burn-in).

use plotters::coord::Shift;
use plotters::prelude::*;

use super::data::ResultData;
use super::style::{self, DrawResult, GREY, LegendItem, OrText, Swatch};

const METRIC: &str = "local_share_streams";

/// Draws the grouped bars.
pub fn draw<DB: DrawingBackend>(root: &DrawingArea<DB, Shift>, data: &ResultData) -> DrawResult {
    let body = style::titled(
        root,
        "Local share of streams by region and policy (mean and 95% CI over replicates)",
    )?;
    let (w, _) = body.dim_in_pixel();
    let (plot_area, legend_area) = body.split_horizontally(w.saturating_sub(230));
    let groups: Vec<&str> = data.regions().chain(["all"]).collect();
    let policies: Vec<&str> = data.policies().collect();
    let value = |region: &str, policy: &str| {
        let s = data.summary_of(policy, region, METRIC)?;
        let m = s.mean.filter(|m| m.is_finite())?;
        Some((
            m,
            s.ci_low.filter(|v| v.is_finite()).unwrap_or(m).max(0.0),
            s.ci_high.filter(|v| v.is_finite()).unwrap_or(m).min(1.0),
        ))
    };
    let has_data = groups
        .iter()
        .any(|g| policies.iter().any(|p| value(g, p).is_some()));
    if !has_data {
        return style::no_data(&plot_area, "summary.csv has no local_share_streams rows");
    }
    let (_, hi) = style::padded_range(
        groups
            .iter()
            .flat_map(|g| policies.iter().filter_map(|p| value(g, p)))
            .flat_map(|(m, _, h)| [m, h])
            .chain([0.0]),
    );
    let hi = hi.min(1.0);
    let mut chart = ChartBuilder::on(&plot_area)
        .margin(15)
        .x_label_area_size(50)
        .y_label_area_size(70)
        .build_cartesian_2d(-0.5..groups.len() as f64 - 0.5, 0.0..hi)
        .or_text()?;
    let names = groups.clone();
    chart
        .configure_mesh()
        .x_desc("region (all = every listener together)")
        .y_desc("share of streams by local artists (fraction)")
        .axis_desc_style(style::axis_font())
        .label_style(style::panel_font())
        .x_labels(groups.len())
        .x_label_formatter(&|x| {
            let i = x.round();
            if (x - i).abs() < 1e-6 && i >= 0.0 {
                names
                    .get(i as usize)
                    .map_or(String::new(), |s| (*s).to_owned())
            } else {
                String::new()
            }
        })
        .y_label_formatter(&|y| format!("{y:.2}"))
        .disable_x_mesh()
        .light_line_style(WHITE.mix(0.0))
        .bold_line_style(GREY.mix(0.2))
        .draw()
        .or_text()?;
    let width = 0.8 / policies.len().max(1) as f64;
    for (gi, group) in groups.iter().enumerate() {
        for (pi, policy) in policies.iter().enumerate() {
            let Some((m, l, h)) = value(group, policy) else {
                continue;
            };
            let x0 = gi as f64 - 0.4 + pi as f64 * width;
            let (x1, mid) = (x0 + width * 0.9, x0 + width * 0.45);
            let colour = style::policy_colour(pi);
            chart
                .draw_series([Rectangle::new([(x0, 0.0), (x1, m)], colour.filled())])
                .or_text()?;
            let whisker = BLACK.stroke_width(2);
            chart
                .draw_series([
                    PathElement::new(vec![(mid, l), (mid, h)], whisker),
                    PathElement::new(
                        vec![(mid - width * 0.2, l), (mid + width * 0.2, l)],
                        whisker,
                    ),
                    PathElement::new(
                        vec![(mid - width * 0.2, h), (mid + width * 0.2, h)],
                        whisker,
                    ),
                ])
                .or_text()?;
        }
    }
    let mut items: Vec<LegendItem> = policies
        .iter()
        .enumerate()
        .map(|(i, p)| LegendItem::new(*p, style::policy_colour(i), Swatch::Block))
        .collect();
    items.push(LegendItem::new("whisker: 95% CI", BLACK, Swatch::Line));
    style::legend(&legend_area, "policy", &items)
}
