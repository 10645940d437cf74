//! Plot 4: chart trajectories. Weekly rank of every song that reached the Top 10 of a
//! region's headline chart, for one representative run (replicate 0, baseline policy);
//! rank 1 is at the top and weeks at No. 1 are marked with a dot.

use std::collections::BTreeMap;

use plotters::coord::Shift;
use plotters::prelude::*;

use super::data::{RegionChart, ResultData};
use super::style::{self, DrawResult, GREY, LegendItem, OrText, Swatch};

/// Lowest rank drawn; a song below it (or off the chart) leaves a gap in its line.
pub const RANK_FLOOR: u32 = 30;

/// Legend rows per region before the rest are summarised.
const LEGEND_ROWS: usize = 12;

/// One track's weekly ranks: `(week, rank)` in week order.
type Trajectory = Vec<(u32, u32)>;

/// Tracks that reached the Top 10, with their ranks, in order of first Top-10 week.
pub fn top10_trajectories(chart: &RegionChart) -> Vec<(u32, Trajectory)> {
    let mut ranks: BTreeMap<u32, Trajectory> = BTreeMap::new();
    for &(week, rank, track) in &chart.positions {
        ranks.entry(track).or_default().push((week, rank));
    }
    let mut out: Vec<(u32, Trajectory)> = ranks
        .into_iter()
        .filter(|(_, t)| t.iter().any(|&(_, r)| r <= 10))
        .map(|(track, mut t)| {
            t.sort_unstable();
            (track, t)
        })
        .collect();
    let first_top10 = |t: &Trajectory| t.iter().find(|&&(_, r)| r <= 10).map(|&(w, _)| w);
    out.sort_by_key(|(track, t)| (first_top10(t), *track));
    out
}

/// Draws one panel per region.
pub fn draw<DB: DrawingBackend>(root: &DrawingArea<DB, Shift>, data: &ResultData) -> DrawResult {
    let body = style::titled(
        root,
        &format!(
            "Chart trajectories of songs that reached the Top 10 (replicate 0, policy {})",
            data.baseline()
        ),
    )?;
    if data.charts.is_empty() {
        return style::no_data(&body, "no regions in manifest.json");
    }
    let weeks = data.weeks.max(1);
    let panels = body.split_evenly((data.charts.len(), 1));
    for (panel, chart_data) in panels.iter().zip(&data.charts) {
        let (w, _) = panel.dim_in_pixel();
        let (plot_area, legend_area) = panel.split_horizontally(w.saturating_sub(230));
        let tracks = top10_trajectories(chart_data);
        let mut chart = ChartBuilder::on(&plot_area)
            .caption(
                format!("{} ({} chart)", chart_data.region, chart_data.rules),
                style::panel_font(),
            )
            .margin(10)
            .x_label_area_size(42)
            .y_label_area_size(60)
            .build_cartesian_2d(
                -0.5..f64::from(weeks) - 0.5,
                -(f64::from(RANK_FLOOR) + 0.5)..-0.5,
            )
            .or_text()?;
        chart
            .configure_mesh()
            .x_desc("chart week")
            .y_desc("chart position (1 = No. 1)")
            .axis_desc_style(style::axis_font())
            .label_style(style::small_font())
            .light_line_style(WHITE.mix(0.0))
            .bold_line_style(GREY.mix(0.15))
            .x_label_formatter(&|x| format!("{x:.0}"))
            .y_label_formatter(&|y| format!("{:.0}", -y))
            .draw()
            .or_text()?;
        // The Top 10 boundary.
        chart
            .draw_series(DashedLineSeries::new(
                [(-0.5, -10.5), (f64::from(weeks) - 0.5, -10.5)],
                5,
                5,
                GREY.stroke_width(1),
            ))
            .or_text()?;
        if tracks.is_empty() {
            style::no_data(
                &plot_area,
                &format!("no chart entries for {}", chart_data.region),
            )?;
            continue;
        }
        let mut items = Vec::new();
        let mut colour_index = 0;
        // Songs that never reached No. 1 first, in grey, so the No. 1s are drawn on top.
        let (no1s, others): (Vec<_>, Vec<_>) = tracks
            .iter()
            .partition(|(_, t)| t.iter().any(|&(_, r)| r == 1));
        for (track, trajectory) in others.iter().chain(&no1s) {
            let weeks_at_1 = trajectory.iter().filter(|&&(_, r)| r == 1).count();
            let colour = if weeks_at_1 > 0 {
                let c = style::PALETTE[colour_index % (style::PALETTE.len() - 1)];
                colour_index += 1;
                c
            } else {
                style::tint(GREY, 0.6)
            };
            let width = if weeks_at_1 > 0 { 3 } else { 1 };
            for segment in segments(trajectory) {
                chart
                    .draw_series(LineSeries::new(
                        segment.iter().map(|&(w, r)| (f64::from(w), -f64::from(r))),
                        colour.stroke_width(width),
                    ))
                    .or_text()?;
            }
            if weeks_at_1 > 0 {
                chart
                    .draw_series(
                        trajectory
                            .iter()
                            .filter(|&&(_, r)| r == 1)
                            .map(|&(w, _)| Circle::new((f64::from(w), -1.0), 6, colour.filled())),
                    )
                    .or_text()?;
                items.push((
                    weeks_at_1,
                    LegendItem::new(
                        format!("track {track}: {weeks_at_1} wk at No. 1"),
                        colour,
                        Swatch::Dot,
                    ),
                ));
            }
        }
        // Longest reigns first, so a truncated legend keeps them (stable: ties by track).
        items.sort_by_key(|(weeks, _)| std::cmp::Reverse(*weeks));
        let mut items: Vec<LegendItem> = items.into_iter().map(|(_, item)| item).collect();
        if items.len() > LEGEND_ROWS {
            let more = items.len() - LEGEND_ROWS;
            items.truncate(LEGEND_ROWS);
            items.push(LegendItem::new(
                format!("… {more} more No. 1s"),
                WHITE,
                Swatch::Block,
            ));
        }
        items.push(LegendItem::new(
            format!("{} other Top 10 songs", others.len()),
            style::tint(GREY, 0.6),
            Swatch::Line,
        ));
        style::legend(&legend_area, "No. 1 songs (dot = week at No. 1)", &items)?;
    }
    Ok(())
}

/// Splits a trajectory into runs of consecutive weeks at or above [`RANK_FLOOR`].
fn segments(trajectory: &[(u32, u32)]) -> Vec<Vec<(u32, u32)>> {
    let mut out: Vec<Vec<(u32, u32)>> = Vec::new();
    let mut previous: Option<u32> = None;
    for &(week, rank) in trajectory {
        if rank > RANK_FLOOR {
            previous = None;
            continue;
        }
        match (previous, out.last_mut()) {
            (Some(p), Some(last)) if p + 1 == week => last.push((week, rank)),
            _ => out.push(vec![(week, rank)]),
        }
        previous = Some(week);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn segments_break_at_gaps_and_below_the_floor() {
        let t = [(0, 5), (1, 3), (3, 2), (4, RANK_FLOOR + 1), (5, 9)];
        assert_eq!(
            segments(&t),
            vec![vec![(0, 5), (1, 3)], vec![(3, 2)], vec![(5, 9)]]
        );
    }

    #[test]
    fn only_tracks_that_reached_the_top_10_are_kept() {
        let chart = RegionChart {
            region: "UK".into(),
            rules: "uk".into(),
            positions: vec![(0, 1, 7), (0, 11, 8), (1, 12, 8), (1, 10, 9), (1, 2, 7)],
            no1s: Vec::new(),
            named: Vec::new(),
        };
        let got = top10_trajectories(&chart);
        assert_eq!(got, vec![(7, vec![(0, 1), (1, 2)]), (9, vec![(1, 10)])]);
    }
}
