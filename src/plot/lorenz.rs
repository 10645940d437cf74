//! Plot 3: Lorenz curves of streams over the whole catalogue, by track and by artist.
//!
//! Read from `tracks.csv`, which lists every released track once (its `all` rows, streamed
//! or not) and, per region, the tracks streamed there (the rest had 0 streams in it). One panel for all regions together, then one per region;
//! one curve per policy, with the Gini in the legend. Every replicate world's catalogue is
//! pooled: each (replicate, track) — or (replicate, artist) — is one item. Curves are thinned
//! to at most [`MAX_POINTS`] points so the SVGs stay small.

use plotters::coord::Shift;
use plotters::prelude::*;

use super::data::{CatalogueStreams, ResultData};
use super::style::{self, DrawResult, GREY, LegendItem, OrText, Swatch};
use crate::metrics::{gini, lorenz_curve};

/// Most points drawn per curve.
pub const MAX_POINTS: usize = 500;

/// What the items of a Lorenz curve are.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LorenzUnit {
    /// Every released track.
    Tracks,
    /// Every artist with a released track (streams summed over their tracks).
    Artists,
}

impl LorenzUnit {
    /// Plural noun: `tracks` or `artists`.
    pub fn noun(self) -> &'static str {
        match self {
            LorenzUnit::Tracks => "tracks",
            LorenzUnit::Artists => "artists",
        }
    }

    fn counts(self, streams: &CatalogueStreams) -> &[u64] {
        match self {
            LorenzUnit::Tracks => &streams.by_track,
            LorenzUnit::Artists => &streams.by_artist,
        }
    }
}

/// Keeps the first and last point and, in between, a point whenever the curve has moved
/// at least `2 / (MAX_POINTS - 2)` (in |Δx| + |Δy|) since the last kept one. A Lorenz curve
/// runs from (0, 0) to (1, 1) with x and y rising, so its total |Δx| + |Δy| is 2 and at most
/// [`MAX_POINTS`] points are kept; steep stretches (the hits) keep more points than flat ones.
pub fn thin(points: &[(f64, f64)]) -> Vec<(f64, f64)> {
    if points.len() <= MAX_POINTS {
        return points.to_vec();
    }
    let step = 2.0 / (MAX_POINTS - 2) as f64;
    let mut out = vec![points[0]];
    let mut last = points[0];
    for &p in &points[1..points.len() - 1] {
        if (p.0 - last.0).abs() + (p.1 - last.1).abs() >= step {
            out.push(p);
            last = p;
        }
    }
    out.push(points[points.len() - 1]);
    out
}

/// Draws the Lorenz panels of `unit`.
pub fn draw<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    data: &ResultData,
    unit: LorenzUnit,
) -> DrawResult {
    let noun = unit.noun();
    let body = style::titled(
        root,
        &format!(
            "Lorenz curves of streams by {} over the whole catalogue (all weeks, replicates pooled)",
            &noun[..noun.len() - 1]
        ),
    )?;
    let (w, _) = body.dim_in_pixel();
    let (panels_area, legend_area) = body.split_horizontally(w.saturating_sub(290));
    let regions: Vec<&str> = ["all"].into_iter().chain(data.regions()).collect();
    let policies: Vec<&str> = data.policies().collect();
    let mut items = Vec::new();
    for (panel, region) in panels_area
        .split_evenly((1, regions.len()))
        .iter()
        .zip(&regions)
    {
        let name = if *region == "all" {
            "all regions".to_owned()
        } else {
            (*region).to_owned()
        };
        let mut chart = ChartBuilder::on(panel)
            .caption(&name, style::panel_font())
            .margin(10)
            .x_label_area_size(45)
            .y_label_area_size(55)
            .build_cartesian_2d(0.0..1.0, 0.0..1.0)
            .or_text()?;
        chart
            .configure_mesh()
            .x_desc(format!("share of {noun}, least streamed first"))
            .y_desc("cumulative share of streams")
            .axis_desc_style(style::axis_font())
            .label_style(style::small_font())
            .light_line_style(WHITE.mix(0.0))
            .bold_line_style(GREY.mix(0.2))
            .x_labels(6)
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
                .catalogue
                .get(&((*region).to_owned(), (*policy).to_owned()))
                .map(|c| unit.counts(c))
                .filter(|c| c.iter().any(|&s| s > 0))
            else {
                continue;
            };
            any = true;
            let colour = style::policy_colour(pi);
            chart
                .draw_series(LineSeries::new(
                    thin(&lorenz_curve(counts)),
                    colour.stroke_width(2),
                ))
                .or_text()?;
            items.push(LegendItem::new(
                format!("{name}, {policy}: Gini {:.3}", gini(counts)),
                colour,
                Swatch::Line,
            ));
        }
        if !any {
            style::no_data(panel, &format!("no streams in tracks.csv for {region}"))?;
        }
    }
    items.push(LegendItem::new("equal shares", GREY, Swatch::Dashed));
    style::legend(&legend_area, "region, policy: Gini", &items)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn thinning_keeps_ends_and_at_most_max_points() {
        let counts: Vec<u64> = (0..20_000_u64).map(|i| i * i % 977 + i / 50).collect();
        let curve = lorenz_curve(&counts);
        let thinned = thin(&curve);
        assert!(thinned.len() <= MAX_POINTS, "{}", thinned.len());
        assert!(thinned.len() > MAX_POINTS / 2);
        assert_eq!(thinned.first(), curve.first());
        assert_eq!(thinned.last(), curve.last());
        let short = lorenz_curve(&[1, 2, 3]);
        assert_eq!(thin(&short), short);
    }
}
