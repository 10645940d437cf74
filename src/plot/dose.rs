//! A sweep's dose-response plots: a policy's paired difference against the baseline as
//! the first swept key varies, one panel per region, with its 95% band.
//!
//! **Why the difference, not the levels.** Levels of two policies overlap even where the
//! paired difference on the same worlds is clear; a policymaker asks how much a rule
//! changes things and whether that change is real, which is the band's distance from 0.
//! Each line is one non-baseline policy at one setting of the other swept keys; a design
//! without a grid (a sample from a design file) has no lines to draw through, so its
//! points are drawn as dots with whiskers. Read from `points.csv` alone.

use std::path::Path;

use plotters::coord::Shift;
use plotters::prelude::*;

use super::style::{self, DrawResult, GREY, LegendItem, OrText, Swatch};
use super::{PlotError, write_figure};

/// Metrics drawn, with their words and whether they are shares shown in points.
pub const DOSE_METRICS: [(&str, &str, bool); 4] = [
    ("local_share_streams", "local share of streams", true),
    (
        "local_share_recommendations",
        "local share of recommendations",
        true,
    ),
    (
        "mean_realised_utility",
        "listeners' realised utility",
        false,
    ),
    ("top10_share", "top-10 songs' share of streams", true),
];

/// Most lines one plot draws before it falls back to dots.
const MAX_LINES: usize = 8;

/// One row of a sweep's `points.csv`.
#[derive(Clone, Debug)]
pub struct PointRow {
    /// Design point.
    pub point: usize,
    /// The swept keys' values at the point, as written.
    pub cells: Vec<String>,
    /// Policy.
    pub policy: String,
    /// Region or `all`.
    pub region: String,
    /// Metric.
    pub metric: String,
    /// Paired difference against the point's baseline policy and its 95% interval.
    pub diff: Option<f64>,
    /// Lower end of the interval.
    pub low: Option<f64>,
    /// Upper end of the interval.
    pub high: Option<f64>,
}

/// A sweep's `points.csv`: the swept keys and the rows.
#[derive(Clone, Debug)]
pub struct Points {
    /// Swept key paths (the columns between `point` and `policy`).
    pub keys: Vec<String>,
    /// Rows in file order.
    pub rows: Vec<PointRow>,
}

impl Points {
    /// Reads `path` (a sweep's `points.csv`).
    pub fn read(path: &Path) -> Result<Self, PlotError> {
        let malformed = |message: String| PlotError::Malformed {
            path: path.to_owned(),
            message,
        };
        let mut reader = csv::Reader::from_path(path).map_err(|e| match e.into_kind() {
            csv::ErrorKind::Io(source) => PlotError::Read {
                path: path.to_owned(),
                source,
            },
            other => malformed(format!("{other:?}")),
        })?;
        let headers = reader
            .headers()
            .map_err(|e| malformed(e.to_string()))?
            .clone();
        let col = |name: &str| {
            headers
                .iter()
                .position(|h| h == name)
                .ok_or_else(|| malformed(format!("no column '{name}'")))
        };
        let [point, policy, region, metric, diff, low, high] = [
            "point",
            "policy",
            "region",
            "metric",
            "diff_vs_baseline",
            "diff_ci_low",
            "diff_ci_high",
        ]
        .map(col);
        let (point, policy, region, metric) = (point?, policy?, region?, metric?);
        let (diff, low, high) = (diff?, low?, high?);
        if policy <= point {
            return Err(malformed(
                "'policy' must come after 'point' and the swept keys".into(),
            ));
        }
        let keys: Vec<String> = headers
            .iter()
            .skip(point + 1)
            .take(policy - point - 1)
            .map(str::to_owned)
            .collect();
        let mut rows = Vec::new();
        for (line, record) in reader.records().enumerate() {
            let record = record.map_err(|e| malformed(e.to_string()))?;
            let number = |i: usize| {
                record
                    .get(i)
                    .and_then(|c| c.parse::<f64>().ok())
                    .filter(|x| x.is_finite())
            };
            rows.push(PointRow {
                point: record[point].parse().map_err(|_| {
                    malformed(format!(
                        "line {}: point '{}' is not a number",
                        line + 2,
                        &record[point]
                    ))
                })?,
                cells: (point + 1..policy).map(|i| record[i].to_owned()).collect(),
                policy: record[policy].to_owned(),
                region: record[region].to_owned(),
                metric: record[metric].to_owned(),
                diff: number(diff),
                low: number(low),
                high: number(high),
            });
        }
        Ok(Self { keys, rows })
    }

    /// The baseline policy (the first row's).
    pub fn baseline(&self) -> &str {
        self.rows.first().map_or("", |r| r.policy.as_str())
    }

    /// Distinct values of a column of the rows, in order of appearance.
    fn distinct(&self, of: impl Fn(&PointRow) -> &str) -> Vec<&str> {
        let mut seen: Vec<&str> = Vec::new();
        for row in &self.rows {
            let v = of(row);
            if !seen.contains(&v) {
                seen.push(v);
            }
        }
        seen
    }

    /// Regions in file order.
    pub fn regions(&self) -> Vec<&str> {
        self.distinct(|r| r.region.as_str())
    }

    /// Policies in file order (the baseline first).
    pub fn policies(&self) -> Vec<&str> {
        self.distinct(|r| r.policy.as_str())
    }
}

/// One line (or set of dots): a policy at one setting of the other keys.
struct Series {
    label: String,
    /// (x, diff, low, high), sorted by x.
    points: Vec<(f64, f64, f64, f64)>,
}

/// The series of `metric` in `region`; x is the first key's value where every value is a
/// number, else its position among the first key's values.
fn series(points: &Points, metric: &str, region: &str, scale: f64) -> (Vec<Series>, Vec<String>) {
    let levels: Vec<String> = points
        .distinct(|r| r.cells.first().map_or("", String::as_str))
        .into_iter()
        .map(str::to_owned)
        .collect();
    let numeric = levels.iter().all(|l| l.parse::<f64>().is_ok());
    let x_of = |cell: &str| {
        if numeric {
            cell.parse::<f64>().unwrap_or(f64::NAN)
        } else {
            levels.iter().position(|l| l == cell).unwrap_or(0) as f64
        }
    };
    let baseline = points.baseline();
    let mut out: Vec<Series> = Vec::new();
    for row in points
        .rows
        .iter()
        .filter(|r| r.metric == metric && r.region == region && r.policy != baseline)
    {
        let (Some(d), Some(lo), Some(hi)) = (row.diff, row.low, row.high) else {
            continue;
        };
        let others: Vec<String> = points
            .keys
            .iter()
            .zip(&row.cells)
            .skip(1)
            .map(|(k, v)| format!("{k}={v}"))
            .collect();
        let label = if others.is_empty() {
            row.policy.clone()
        } else {
            format!("{}, {}", row.policy, others.join(", "))
        };
        let x = x_of(row.cells.first().map_or("", String::as_str));
        let p = (x, d * scale, lo * scale, hi * scale);
        match out.iter_mut().find(|s| s.label == label) {
            Some(s) => s.points.push(p),
            None => out.push(Series {
                label,
                points: vec![p],
            }),
        }
    }
    for s in &mut out {
        s.points.sort_by(|a, b| a.0.total_cmp(&b.0));
    }
    (out, if numeric { Vec::new() } else { levels })
}

/// Draws the dose-response plot of `metric`.
pub fn draw<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    points: &Points,
    (metric, words, percent): (&str, &str, bool),
) -> DrawResult {
    let key = points.keys.first().map_or("point", String::as_str);
    let unit = if percent { " (percentage points)" } else { "" };
    let body = style::titled(
        root,
        &format!(
            "Change in {words} against {} as {key} varies (paired, 95% CI)",
            points.baseline()
        ),
    )?;
    let (w, _) = body.dim_in_pixel();
    let (panels_area, legend_area) = body.split_horizontally(w.saturating_sub(300));
    let regions = points.regions();
    if regions.is_empty() {
        return style::no_data(&panels_area, "no rows in points.csv");
    }
    let scale = if percent { 100.0 } else { 1.0 };
    let per_region: Vec<(Vec<Series>, Vec<String>)> = regions
        .iter()
        .map(|r| series(points, metric, r, scale))
        .collect();
    let lines = per_region.iter().map(|(s, _)| s.len()).max().unwrap_or(0);
    let as_lines = lines <= MAX_LINES
        && per_region
            .iter()
            .any(|(s, _)| s.iter().any(|s| s.points.len() > 1));
    let (lo, hi) = style::padded_range(
        per_region
            .iter()
            .flat_map(|(s, _)| {
                s.iter()
                    .flat_map(|s| s.points.iter().flat_map(|p| [p.2, p.3]))
            })
            .chain([0.0]),
    );
    let (x_lo, x_hi) = {
        let xs: Vec<f64> = per_region
            .iter()
            .flat_map(|(s, _)| s.iter().flat_map(|s| s.points.iter().map(|p| p.0)))
            .collect();
        let (a, b) = xs
            .iter()
            .fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), &x| {
                (a.min(x), b.max(x))
            });
        if a.is_finite() {
            let pad = ((b - a) * 0.05).max(0.05);
            (a - pad, b + pad)
        } else {
            (0.0, 1.0)
        }
    };
    let mut labels: Vec<String> = Vec::new();
    for ((series, levels), (panel, region)) in per_region.iter().zip(
        panels_area
            .split_evenly((1, regions.len()))
            .iter()
            .zip(&regions),
    ) {
        let mut chart = ChartBuilder::on(panel)
            .caption(*region, style::panel_font())
            .margin(10)
            .x_label_area_size(45)
            .y_label_area_size(70)
            .build_cartesian_2d(x_lo..x_hi, lo..hi)
            .or_text()?;
        let level_label = |x: &f64| {
            if levels.is_empty() {
                let text = format!("{x:.3}");
                text.trim_end_matches('0').trim_end_matches('.').to_owned()
            } else {
                levels.get(x.round() as usize).cloned().unwrap_or_default()
            }
        };
        chart
            .configure_mesh()
            .x_desc(key)
            .y_desc(format!("difference{unit}"))
            .axis_desc_style(style::axis_font())
            .label_style(style::small_font())
            .light_line_style(WHITE.mix(0.0))
            .x_labels(7)
            .x_label_formatter(&level_label)
            .y_label_formatter(&|y| {
                if percent {
                    format!("{y:.1}")
                } else {
                    format!("{y:.2}")
                }
            })
            .draw()
            .or_text()?;
        chart
            .draw_series([PathElement::new(
                vec![(x_lo, 0.0), (x_hi, 0.0)],
                GREY.stroke_width(1),
            )])
            .or_text()?;
        if series.is_empty() {
            style::no_data(panel, &format!("{region} has no differences of {metric}"))?;
        }
        for s in series {
            let i = match labels.iter().position(|l| *l == s.label) {
                Some(i) => i,
                None => {
                    labels.push(s.label.clone());
                    labels.len() - 1
                }
            };
            let colour = style::policy_colour(if as_lines { i + 1 } else { 1 });
            if as_lines {
                let band: Vec<(f64, f64)> = s
                    .points
                    .iter()
                    .map(|p| (p.0, p.2))
                    .chain(s.points.iter().rev().map(|p| (p.0, p.3)))
                    .collect();
                if band.len() > 2 {
                    chart
                        .draw_series([Polygon::new(band, colour.mix(0.15).filled())])
                        .or_text()?;
                }
                chart
                    .draw_series(LineSeries::new(
                        s.points.iter().map(|p| (p.0, p.1)),
                        colour.stroke_width(2),
                    ))
                    .or_text()?;
            }
            for p in &s.points {
                chart
                    .draw_series([PathElement::new(
                        vec![(p.0, p.2), (p.0, p.3)],
                        colour.stroke_width(1),
                    )])
                    .or_text()?;
                chart
                    .draw_series([Circle::new((p.0, p.1), 3, colour.filled())])
                    .or_text()?;
            }
        }
    }
    let items: Vec<LegendItem> = if as_lines {
        labels
            .iter()
            .enumerate()
            .map(|(i, l)| LegendItem::new(l.clone(), style::policy_colour(i + 1), Swatch::Line))
            .collect()
    } else {
        vec![LegendItem::new(
            "each design point (95% CI whisker)",
            style::policy_colour(1),
            Swatch::Dot,
        )]
    };
    style::legend(&legend_area, "against the baseline", &items)
}

/// Draws every dose-response plot of the sweep in `dir` into `dir/plots/`, returning
/// (file stem, SVG) for the report.
pub fn write_dose_plots(dir: &Path, points: &Points) -> Result<Vec<(String, String)>, PlotError> {
    let plots = dir.join("plots");
    std::fs::create_dir_all(&plots).map_err(|source| PlotError::Write {
        path: plots.clone(),
        source,
    })?;
    let mut written = Vec::new();
    for spec in DOSE_METRICS {
        if !points.rows.iter().any(|r| r.metric == spec.0) {
            continue;
        }
        let stem = format!("sweep_{}", spec.0);
        let svg = write_figure(
            &plots,
            &stem,
            (1500, 520),
            |root| draw(root, points, spec),
            |root| draw(root, points, spec),
        )?;
        written.push((stem, svg));
    }
    Ok(written)
}
