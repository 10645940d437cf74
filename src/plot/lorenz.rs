//! Plot 3: Lorenz curves per policy, one panel per region, with the Gini in the legend.
//!
//! The result files hold no per-track stream totals for the whole catalogue, only chart
//! positions. So this is the Lorenz curve of **counted chart streams over the tracks that
//! made the headline chart** (summed over all weeks, every replicate's tracks pooled), and
//! the title says so. It is not the Gini of `metrics.csv`, which counts every released
//! track, unplayed ones included.

use plotters::coord::Shift;
use plotters::prelude::*;

use super::data::ResultData;
use super::style::{self, DrawResult, GREY, LegendItem, OrText, Swatch};
use crate::metrics::{gini, lorenz_curve};

/// Draws the Lorenz panels.
pub fn draw<DB: DrawingBackend>(root: &DrawingArea<DB, Shift>, data: &ResultData) -> DrawResult {
    let body = style::titled(
        root,
        "Lorenz curves of counted chart streams over charted tracks (headline chart, all weeks)",
    )?;
    let (w, _) = body.dim_in_pixel();
    let (panels_area, legend_area) = body.split_horizontally(w.saturating_sub(300));
    let regions: Vec<&str> = data.regions().collect();
    let policies: Vec<&str> = data.policies().collect();
    if regions.is_empty() {
        return style::no_data(&panels_area, "no regions in manifest.json");
    }
    let mut items = Vec::new();
    for (panel, region) in panels_area
        .split_evenly((1, regions.len()))
        .iter()
        .zip(&regions)
    {
        let mut chart = ChartBuilder::on(panel)
            .caption(*region, style::panel_font())
            .margin(10)
            .x_label_area_size(45)
            .y_label_area_size(60)
            .build_cartesian_2d(0.0..1.0, 0.0..1.0)
            .or_text()?;
        chart
            .configure_mesh()
            .x_desc("cumulative share of charted tracks (fraction)")
            .y_desc("cumulative share of counted streams")
            .axis_desc_style(style::axis_font())
            .label_style(style::small_font())
            .light_line_style(WHITE.mix(0.0))
            .bold_line_style(GREY.mix(0.2))
            .x_label_formatter(&|x| format!("{x:.1}"))
            .y_label_formatter(&|y| format!("{y:.1}"))
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
        let mut any = false;
        for (pi, policy) in policies.iter().enumerate() {
            let Some(counts) = data
                .charted_streams
                .get(&((*region).to_owned(), (*policy).to_owned()))
                .filter(|c| !c.is_empty())
            else {
                continue;
            };
            any = true;
            let colour = style::policy_colour(pi);
            chart
                .draw_series(LineSeries::new(
                    lorenz_curve(counts),
                    colour.stroke_width(2),
                ))
                .or_text()?;
            items.push(LegendItem::new(
                format!("{region} {policy}: Gini {:.2}", gini(counts)),
                colour,
                Swatch::Line,
            ));
        }
        if !any {
            style::no_data(panel, &format!("no chart entries for {region}"))?;
        }
    }
    items.push(LegendItem::new("equal shares", GREY, Swatch::Dashed));
    style::legend(&legend_area, "region, policy: Gini", &items)
}
