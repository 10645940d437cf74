//! Plot 6: counterfactual No. 1s. For every region whose `charts.csv` holds more than one
//! rule set, one row per rule set (headline on top) and one cell per week, coloured by the
//! week's No. 1 track (the same track has the same colour in every row), for replicate 0
//! under the baseline policy. A ringed cell is a week whose No. 1 differs from the
//! headline chart's, so the weeks where the rules disagree stand out.

use std::collections::BTreeMap;

use plotters::coord::Shift;
use plotters::coord::ranged1d::SegmentValue;
use plotters::prelude::*;

use super::data::{RegionChart, ResultData};
use super::style::{self, DrawResult, GREY, LegendItem, OrText, Swatch};

/// Cell colours: Okabe–Ito without black, then Paul Tol's "muted" scheme; a track's colour
/// is its order of first week at No. 1 (cycling), so consecutive No. 1s differ.
pub const TRACK_PALETTE: [RGBColor; 16] = [
    RGBColor(0x00, 0x72, 0xB2),
    RGBColor(0xD5, 0x5E, 0x00),
    RGBColor(0x00, 0x9E, 0x73),
    RGBColor(0xCC, 0x79, 0xA7),
    RGBColor(0xE6, 0x9F, 0x00),
    RGBColor(0x56, 0xB4, 0xE9),
    RGBColor(0xF0, 0xE4, 0x42),
    RGBColor(0x33, 0x22, 0x88),
    RGBColor(0x88, 0xCC, 0xEE),
    RGBColor(0x44, 0xAA, 0x99),
    RGBColor(0x11, 0x77, 0x33),
    RGBColor(0x99, 0x99, 0x33),
    RGBColor(0xDD, 0xCC, 0x77),
    RGBColor(0xCC, 0x66, 0x77),
    RGBColor(0x88, 0x22, 0x55),
    RGBColor(0xAA, 0x44, 0x99),
];

/// Height in pixels of one region's panel with `rows` rule sets.
pub fn panel_height(rows: usize) -> u32 {
    150 + 46 * rows as u32
}

/// Regions drawn: those with more than one rule set in `charts.csv`.
pub fn regions(data: &ResultData) -> Vec<&RegionChart> {
    data.charts
        .iter()
        .filter(|c| c.has_counterfactuals())
        .collect()
}

/// Tracks that were No. 1 in any row, in order of first week at No. 1 (then row order),
/// with their weeks at No. 1 in each row.
pub fn no1_tracks(chart: &RegionChart) -> Vec<(u32, Vec<usize>)> {
    let rows = chart.no1s.len();
    let mut first: BTreeMap<u32, (u32, usize)> = BTreeMap::new();
    let mut weeks: BTreeMap<u32, Vec<usize>> = BTreeMap::new();
    for (row, (_, no1)) in chart.no1s.iter().enumerate() {
        for (&week, &track) in no1 {
            let seen = first.entry(track).or_insert((week, row));
            *seen = (*seen).min((week, row));
            weeks.entry(track).or_insert_with(|| vec![0; rows])[row] += 1;
        }
    }
    let mut out: Vec<(u32, Vec<usize>)> = weeks.into_iter().collect();
    out.sort_by_key(|(track, _)| (first[track], *track));
    out
}

/// Weeks kept between two No. 1 songs of the same colour (unless the palette runs out).
pub const SPACING: u32 = 12;

/// A colour per No. 1 track: in order of first week at No. 1, the first palette colour not
/// taken by an earlier track whose weeks at No. 1 (first to last, any row) come within
/// [`SPACING`] weeks of its own, so songs that hold the top spot around the same time never
/// share a colour (the palette cycles only when more than 16 such songs crowd together).
pub fn track_colours(chart: &RegionChart, tracks: &[(u32, Vec<usize>)]) -> BTreeMap<u32, RGBColor> {
    let mut span: BTreeMap<u32, (u32, u32)> = BTreeMap::new();
    for (_, no1) in &chart.no1s {
        for (&week, &track) in no1 {
            let s = span.entry(track).or_insert((week, week));
            *s = (s.0.min(week), s.1.max(week));
        }
    }
    let mut given: Vec<((u32, u32), usize)> = Vec::new();
    let mut out = BTreeMap::new();
    for (i, (track, _)) in tracks.iter().enumerate() {
        let (a, b) = span[track];
        let taken: Vec<usize> = given
            .iter()
            .filter(|((c, d), _)| *c <= b + SPACING && a <= *d + SPACING)
            .map(|&(_, k)| k)
            .collect();
        let k = (0..TRACK_PALETTE.len())
            .find(|k| !taken.contains(k))
            .unwrap_or(i % TRACK_PALETTE.len());
        given.push(((a, b), k));
        out.insert(*track, TRACK_PALETTE[k]);
    }
    out
}

/// Draws one panel per region with counterfactual charts.
pub fn draw<DB: DrawingBackend>(root: &DrawingArea<DB, Shift>, data: &ResultData) -> DrawResult {
    let body = style::titled(
        root,
        &format!(
            "Counterfactual No. 1s: the No. 1 each week under each chart rule set (replicate 0, policy {})",
            data.baseline()
        ),
    )?;
    let shown = regions(data);
    if shown.is_empty() {
        return style::no_data(
            &body,
            "no region has more than one chart rule set in charts.csv",
        );
    }
    let weeks = data.weeks.max(1);
    let mut rest = body;
    for chart_data in shown {
        let rows = chart_data.no1s.len();
        let (panel, below) = rest.split_vertically(panel_height(rows));
        rest = below;
        let (w, h) = panel.dim_in_pixel();
        let (plot_area, legend_area) = panel.split_horizontally(w.saturating_sub(250));
        let headline = &chart_data.no1s[0].0;
        let diffs = chart_data.no1_differences();
        let labels: Vec<String> = chart_data
            .no1s
            .iter()
            .enumerate()
            .map(|(i, (rules, _))| {
                if i == 0 {
                    format!("{rules} (headline)")
                } else {
                    let (_, k, n) = diffs[i - 1];
                    format!("{rules}: differs {k} of {n} wk")
                }
            })
            .collect();
        let row_label = |v: &SegmentValue<usize>| match v {
            SegmentValue::CenterOf(s) | SegmentValue::Exact(s) if *s < rows => {
                labels[rows - 1 - s].clone()
            }
            _ => String::new(),
        };
        let mut chart = ChartBuilder::on(&plot_area)
            .caption(
                format!(
                    "{} (ringed: No. 1 differs from the {headline} chart that week)",
                    chart_data.region
                ),
                style::panel_font(),
            )
            .margin(10)
            .x_label_area_size(42)
            .y_label_area_size(210)
            .build_cartesian_2d(-0.5..f64::from(weeks) - 0.5, (0..rows - 1).into_segmented())
            .or_text()?;
        chart
            .configure_mesh()
            .disable_y_mesh()
            .x_desc("chart week")
            .axis_desc_style(style::axis_font())
            .label_style(style::small_font())
            .light_line_style(WHITE.mix(0.0))
            .bold_line_style(GREY.mix(0.15))
            .x_label_formatter(&|x| format!("{x:.0}"))
            .y_labels(rows)
            .y_label_formatter(&row_label)
            .draw()
            .or_text()?;
        let tracks = no1_tracks(chart_data);
        let colour_of = track_colours(chart_data, &tracks);
        let top = &chart_data.no1s[0].1;
        for (row, (_, no1)) in chart_data.no1s.iter().enumerate() {
            let s = rows - 1 - row;
            chart
                .draw_series(no1.iter().flat_map(|(&week, track)| {
                    let x = f64::from(week);
                    let corners = [
                        (x - 0.5, SegmentValue::Exact(s)),
                        (x + 0.5, SegmentValue::Exact(s + 1)),
                    ];
                    [
                        Rectangle::new(corners.clone(), colour_of[track].filled()),
                        Rectangle::new(corners, WHITE.stroke_width(2)),
                    ]
                }))
                .or_text()?;
            if row == 0 {
                continue;
            }
            let differ: Vec<f64> = (0..weeks)
                .filter(|w| top.get(w) != no1.get(w))
                .map(f64::from)
                .collect();
            chart
                .draw_series(differ.iter().flat_map(|&x| {
                    [
                        Circle::new((x, SegmentValue::CenterOf(s)), 6, BLACK.filled()),
                        Circle::new((x, SegmentValue::CenterOf(s)), 4, WHITE.filled()),
                    ]
                }))
                .or_text()?;
        }
        if tracks.is_empty() {
            style::no_data(
                &plot_area,
                &format!("no chart entries for {}", chart_data.region),
            )?;
        }
        let names: Vec<&str> = chart_data.no1s.iter().map(|(r, _)| r.as_str()).collect();
        let fits = (h.saturating_sub(90) / 22).max(2) as usize;
        // Longest reigns first, so a truncated legend keeps them (stable: ties in colour order).
        let mut ordered: Vec<&(u32, Vec<usize>)> = tracks.iter().collect();
        ordered.sort_by_key(|(_, per_row)| std::cmp::Reverse(per_row.iter().sum::<usize>()));
        let mut items: Vec<LegendItem> = ordered
            .into_iter()
            .map(|(t, per_row)| {
                let counts: Vec<String> = per_row.iter().map(usize::to_string).collect();
                LegendItem::new(
                    format!("track {t}: {}", counts.join(" · ")),
                    colour_of[t],
                    Swatch::Block,
                )
            })
            .collect();
        if items.len() > fits {
            let more = items.len() - (fits - 1);
            items.truncate(fits - 1);
            items.push(LegendItem::new(
                format!("… {more} more No. 1s"),
                WHITE,
                Swatch::Block,
            ));
        }
        style::legend(
            &legend_area,
            &format!("wk at No. 1 ({})", names.join(" · ")),
            &items,
        )?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tracks_are_ordered_by_first_week_at_no1_with_weeks_per_row() {
        let chart = RegionChart {
            region: "UK".into(),
            rules: "uk".into(),
            positions: Vec::new(),
            no1s: vec![
                ("uk".into(), BTreeMap::from([(0, 9), (1, 9), (2, 4)])),
                ("raw".into(), BTreeMap::from([(0, 5), (1, 9), (3, 4)])),
            ],
            named: Vec::new(),
        };
        assert_eq!(
            no1_tracks(&chart),
            vec![(9, vec![2, 1]), (5, vec![0, 1]), (4, vec![1, 1])]
        );
        // Weeks 0, 2 and 3 differ (one chart empty in weeks 2 and 3); 4 weeks have a No. 1.
        assert_eq!(chart.no1_differences(), vec![("raw", 3, 4)]);
    }
}
