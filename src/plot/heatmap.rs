//! A two-key sweep's heatmap: where does a rule help, hurt, or do nothing measurable?
//!
//! One cell per combination of the first two swept keys, coloured by the policy's paired
//! difference against the baseline (orange above 0, blue below, deeper for larger), and
//! grey where the 95% interval spans 0; each cell is labelled with the difference. One
//! panel per region, one row of panels per non-baseline policy. Drawn only for designs
//! that hold every combination of two keys once (a grid), from `points.csv` alone.

use std::path::Path;

use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use super::PlotError;
use super::dose::{DOSE_METRICS, Points};
use super::style::{self, DrawResult, GREY, OrText};

/// The levels of key `k` in order of appearance.
fn levels(points: &Points, k: usize) -> Vec<String> {
    let mut seen: Vec<String> = Vec::new();
    for row in &points.rows {
        if let Some(v) = row.cells.get(k)
            && !seen.contains(v)
        {
            seen.push(v.clone());
        }
    }
    seen
}

/// Whether the design is a grid of exactly two keys: each pair of levels at one point.
pub fn is_two_key_grid(points: &Points) -> bool {
    if points.keys.len() != 2 {
        return false;
    }
    let (a, b) = (levels(points, 0), levels(points, 1));
    let mut pairs: Vec<(&str, &str, usize)> = points
        .rows
        .iter()
        .map(|r| (r.cells[0].as_str(), r.cells[1].as_str(), r.point))
        .collect();
    pairs.sort_unstable();
    pairs.dedup();
    pairs.len() == a.len() * b.len() && a.len() > 1 && b.len() > 1
}

/// The level whose cell is centred on tick `at` (none between cells).
fn level_at(levels: &[String], at: f64) -> String {
    if (at - at.round()).abs() > 1e-6 || at < -0.5 {
        return String::new();
    }
    levels.get(at.round() as usize).cloned().unwrap_or_default()
}

/// Orange for positive, blue for negative, by `t` in [0, 1] of the largest difference.
fn colour(d: f64, largest: f64) -> RGBColor {
    let t = if largest > 0.0 {
        (d.abs() / largest).min(1.0)
    } else {
        0.0
    };
    let (r, g, b) = if d >= 0.0 {
        (0xD5, 0x5E, 0x00)
    } else {
        (0x00, 0x72, 0xB2)
    };
    let mix = |c: u8| (255.0 - (255.0 - f64::from(c)) * (0.15 + 0.85 * t)).round() as u8;
    RGBColor(mix(r), mix(g), mix(b))
}

/// Draws the heatmap of `metric`.
pub fn draw<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    points: &Points,
    (metric, words, percent): (&str, &str, bool),
) -> DrawResult {
    let scale = if percent { 100.0 } else { 1.0 };
    let baseline = points.baseline();
    let body = style::titled(
        root,
        &format!(
            "Change in {words} against {baseline}{}: grey where the 95% CI spans 0",
            if percent { " (percentage points)" } else { "" }
        ),
    )?;
    let (xs, ys) = (levels(points, 0), levels(points, 1));
    let regions = points.regions();
    let policies: Vec<&str> = points
        .policies()
        .into_iter()
        .filter(|p| *p != baseline)
        .collect();
    if regions.is_empty() || policies.is_empty() {
        return style::no_data(&body, "no policy besides the baseline");
    }
    let cells: Vec<_> = points.rows.iter().filter(|r| r.metric == metric).collect();
    let largest = cells
        .iter()
        .filter_map(|r| r.diff)
        .map(|d| (d * scale).abs())
        .fold(0.0, f64::max);
    let panels = body.split_evenly((policies.len(), regions.len()));
    for (i, panel) in panels.iter().enumerate() {
        let (policy, region) = (policies[i / regions.len()], regions[i % regions.len()]);
        let mut chart = ChartBuilder::on(panel)
            .caption(format!("{policy} — {region}"), style::panel_font())
            .margin(10)
            .x_label_area_size(45)
            .y_label_area_size(80)
            .build_cartesian_2d(-0.5..xs.len() as f64 - 0.5, -0.5..ys.len() as f64 - 0.5)
            .or_text()?;
        chart
            .configure_mesh()
            .disable_mesh()
            .x_desc(points.keys[0].as_str())
            .y_desc(points.keys[1].as_str())
            .axis_desc_style(style::axis_font())
            .label_style(style::small_font())
            .x_labels(xs.len() + 1)
            .y_labels(ys.len() + 1)
            .x_label_formatter(&|x| level_at(&xs, *x))
            .y_label_formatter(&|y| level_at(&ys, *y))
            .draw()
            .or_text()?;
        for row in cells
            .iter()
            .filter(|r| r.policy == policy && r.region == region)
        {
            let (Some(x), Some(y)) = (
                xs.iter().position(|v| *v == row.cells[0]),
                ys.iter().position(|v| *v == row.cells[1]),
            ) else {
                continue;
            };
            let (x, y) = (x as f64 - 0.5, y as f64 - 0.5);
            let real = row.low.is_some_and(|l| l > 0.0) || row.high.is_some_and(|h| h < 0.0);
            let (fill, text) = match row.diff {
                Some(d) if real => (colour(d * scale, largest), format!("{:+.1}", d * scale)),
                Some(d) => (RGBColor(0xEE, 0xEE, 0xEE), format!("{:+.1}", d * scale)),
                None => (RGBColor(0xFF, 0xFF, 0xFF), "—".to_owned()),
            };
            chart
                .draw_series([Rectangle::new([(x, y), (x + 1.0, y + 1.0)], fill.filled())])
                .or_text()?;
            let ink = if real { BLACK } else { GREY };
            chart
                .draw_series([Text::new(
                    text,
                    (x + 0.5, y + 0.5),
                    style::small_font()
                        .color(&ink)
                        .pos(Pos::new(HPos::Center, VPos::Center)),
                )])
                .or_text()?;
        }
    }
    Ok(())
}

/// Draws the heatmaps of a two-key grid sweep into `dir/plots/` (none for other designs),
/// returning (file stem, SVG) for the report.
pub fn write_heatmaps(dir: &Path, points: &Points) -> Result<Vec<(String, String)>, PlotError> {
    if !is_two_key_grid(points) {
        return Ok(Vec::new());
    }
    let plots = dir.join("plots");
    let rows = points.policies().len().saturating_sub(1).max(1) as u32;
    let size = (1500, 80 + 330 * rows);
    let mut written = Vec::new();
    for spec in DOSE_METRICS {
        if !points.rows.iter().any(|r| r.metric == spec.0) {
            continue;
        }
        let stem = format!("sweep_heatmap_{}", spec.0);
        let svg = super::write_figure(
            &plots,
            &stem,
            size,
            |root| draw(root, points, spec),
            |root| draw(root, points, spec),
        )?;
        written.push((stem, svg));
    }
    Ok(written)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::plot::dose::PointRow;

    fn points(keys: usize, cells: &[&[&str]]) -> Points {
        Points {
            keys: (0..keys).map(|k| format!("k{k}")).collect(),
            rows: cells
                .iter()
                .enumerate()
                .map(|(point, c)| PointRow {
                    point,
                    cells: c.iter().map(|s| (*s).to_owned()).collect(),
                    policy: "b".into(),
                    region: "UK".into(),
                    metric: "m".into(),
                    diff: None,
                    low: None,
                    high: None,
                })
                .collect(),
        }
    }

    #[test]
    fn heatmaps_need_every_pair_of_two_keys() {
        assert!(is_two_key_grid(&points(
            2,
            &[&["0", "a"], &["0", "b"], &["1", "a"], &["1", "b"]]
        )));
        assert!(!is_two_key_grid(&points(
            2,
            &[&["0", "a"], &["0", "b"], &["1", "a"]]
        )));
        assert!(!is_two_key_grid(&points(1, &[&["0"], &["1"]])));
        assert!(!is_two_key_grid(&points(
            3,
            &[&["0", "a", "x"], &["1", "b", "y"]]
        )));
        assert_eq!(level_at(&["0.1".into(), "0.2".into()], 1.0), "0.2");
        assert_eq!(level_at(&["0.1".into(), "0.2".into()], 0.5), "");
    }
}
