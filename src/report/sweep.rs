//! A sweep's `report.html`: what each policy did against the baseline across the design,
//! in plain sentences, and the paired differences point by point.
//!
//! **Why sentences.** A policymaker asks "does the quota help, and is that robust?". The
//! answer is a count over the design: at how many points a policy's paired difference
//! against the baseline is significantly positive, significantly negative or not
//! measurable (its 95% interval spans 0), with the size of the effect where it is real.
//! Everything is read from `points.csv` (and the scenario's name from `sweep.json`), so
//! `chartsim plot DIR` redraws the page from the files alone.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::Path;

use super::{CSS, esc};
use crate::plot::PlotError;
use crate::plot::dose::{PointRow, Points, write_dose_plots};
use crate::plot::heatmap::write_heatmaps;

/// The metrics the findings speak of: (column, words, whether it is a fraction shown in
/// percentage points).
const FINDING_METRICS: [(&str, &str, bool); 7] = [
    (
        "local_share_recommendations",
        "the local share of recommendations",
        true,
    ),
    ("local_share_streams", "the local share of streams", true),
    ("top10_share", "the top-10 songs' share of streams", true),
    (
        "genre_entropy_individual",
        "listeners' individual genre diversity (entropy)",
        false,
    ),
    (
        "mean_realised_utility",
        "listeners' realised utility",
        false,
    ),
    (
        "outside_option_rate",
        "how often listeners chose nothing (the outside option)",
        true,
    ),
    ("hhi_tracks", "the concentration of streams (HHI)", false),
];

/// What a policy did to a metric in a region over the design.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Finding {
    /// Points where the difference is significantly positive, with their differences.
    pub raised: Vec<f64>,
    /// Points where it is significantly negative.
    pub lowered: Vec<f64>,
    /// Points where the 95% interval spans 0 (or there is too little to tell).
    pub unclear: usize,
}

impl Finding {
    /// Points counted.
    pub fn total(&self) -> usize {
        self.raised.len() + self.lowered.len() + self.unclear
    }

    /// The finding as a sentence: "local-quota raised the local share of streams in UK at
    /// 9 of 12 points (by 5.1 to 23.0 points); at the other 3 it made no measurable
    /// difference."
    pub fn sentence(&self, policy: &str, what: &str, region: &str, percent: bool) -> String {
        let total = self.total();
        let size = |diffs: &[f64]| {
            let (lo, hi) = diffs
                .iter()
                .fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), &d| {
                    (a.min(d.abs()), b.max(d.abs()))
                });
            let f = |x: f64| {
                if percent {
                    format!("{:.1}", 100.0 * x)
                } else {
                    format!("{x:.3}")
                }
            };
            let unit = if percent { " points" } else { "" };
            if (hi - lo).abs() < 1e-12 {
                format!("by {}{unit}", f(lo))
            } else {
                format!("by {} to {}{unit}", f(lo), f(hi))
            }
        };
        let where_ = if region == "all" {
            "across all regions".to_owned()
        } else {
            format!("in {region}")
        };
        if self.unclear == total {
            return format!(
                "{policy} made no measurable difference to {what} {where_} at any of the {total} points."
            );
        }
        let mut parts = Vec::new();
        if !self.raised.is_empty() {
            parts.push(format!(
                "raised {what} {where_} at {} of {total} points ({})",
                self.raised.len(),
                size(&self.raised)
            ));
        }
        if !self.lowered.is_empty() {
            let object = if parts.is_empty() {
                format!("{what} {where_}")
            } else {
                "it".to_owned()
            };
            parts.push(format!(
                "lowered {object} at {} of {total} points ({})",
                self.lowered.len(),
                size(&self.lowered)
            ));
        }
        let mut sentence = format!("{policy} {}", parts.join(" and "));
        if self.unclear > 0 {
            let _ = write!(
                sentence,
                "; at the other {} it made no measurable difference",
                self.unclear
            );
        }
        sentence.push('.');
        sentence
    }
}

/// Findings per (policy, region, metric) over the design, for every policy but the
/// baseline (the first policy of each point's rows).
fn findings(rows: &[PointRow]) -> BTreeMap<(String, String, String), Finding> {
    let baseline = rows.first().map(|r| r.policy.clone()).unwrap_or_default();
    let mut out: BTreeMap<(String, String, String), Finding> = BTreeMap::new();
    for row in rows.iter().filter(|r| r.policy != baseline) {
        let finding = out
            .entry((row.policy.clone(), row.region.clone(), row.metric.clone()))
            .or_default();
        match (row.diff, row.low, row.high) {
            (Some(d), Some(lo), _) if lo > 0.0 => finding.raised.push(d),
            (Some(d), _, Some(hi)) if hi < 0.0 => finding.lowered.push(d),
            _ => finding.unclear += 1,
        }
    }
    out
}

/// Writes `dir/report.html` for the sweep in `dir` (from `points.csv` and `sweep.json`).
pub fn write_sweep_report(dir: &Path) -> Result<(), PlotError> {
    let points = Points::read(&dir.join("points.csv"))?;
    let mut plots = write_dose_plots(dir, &points)?;
    plots.extend(write_heatmaps(dir, &points)?);
    let source = std::fs::read_to_string(dir.join("sweep.json"))
        .ok()
        .and_then(|t| serde_json::from_str::<serde_json::Value>(&t).ok())
        .and_then(|v| v["scenario_source"].as_str().map(str::to_owned))
        .unwrap_or_default();
    let html = render(&source, &points, &plots);
    let path = dir.join("report.html");
    let tmp = dir.join(".report.html.partial");
    std::fs::write(&tmp, html)
        .and_then(|()| std::fs::rename(&tmp, &path))
        .map_err(|source| PlotError::Write { path, source })
}

/// `key = value, …` of a row's point.
fn settings(keys: &[String], row: &PointRow) -> String {
    keys.iter()
        .zip(&row.cells)
        .map(|(k, v)| format!("{k} = {v}"))
        .collect::<Vec<_>>()
        .join(", ")
}

fn render(source: &str, points_csv: &Points, plots: &[(String, String)]) -> String {
    let (keys, rows) = (&points_csv.keys, &points_csv.rows[..]);
    let points = rows.iter().map(|r| r.point).max().map_or(0, |p| p + 1);
    let baseline = rows.first().map(|r| r.policy.as_str()).unwrap_or("");
    let mut regions: Vec<&str> = Vec::new();
    let mut policies: Vec<&str> = Vec::new();
    for r in rows {
        if !regions.contains(&r.region.as_str()) {
            regions.push(&r.region);
        }
        if !policies.contains(&r.policy.as_str()) {
            policies.push(&r.policy);
        }
    }
    let title = format!("chartsim sweep: {}", esc(source));
    let mut html = String::new();
    let _ = write!(
        html,
        "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\">\
         <title>{title}</title><style>{CSS}</style></head><body><main><h1>{title}</h1>\
         <p class=\"meta\">chartsim {} · {points} design points over {} · policies {} \
         (baseline: <strong>{}</strong>)</p>",
        env!("CARGO_PKG_VERSION"),
        esc(&keys.join(", ")),
        esc(&policies.join(", ")),
        esc(baseline)
    );
    let _ = write!(
        html,
        "<section id=\"findings\"><h2>What the sweep shows</h2><p>For each policy against \
         <strong>{}</strong>, at how many of the {points} points its paired difference on \
         the same worlds is significantly positive or negative (its 95% interval excludes \
         0), with the size of the effect there; elsewhere the replicates cannot tell it \
         from no difference.</p>",
        esc(baseline)
    );
    let found = findings(rows);
    for region in &regions {
        let _ = write!(html, "<h3>{}</h3><ul>", esc(region));
        for policy in policies.iter().filter(|p| **p != baseline) {
            for (metric, what, percent) in FINDING_METRICS {
                let key = (
                    (*policy).to_owned(),
                    (*region).to_owned(),
                    metric.to_owned(),
                );
                if let Some(f) = found.get(&key).filter(|f| f.total() > 0) {
                    let _ = write!(
                        html,
                        "<li>{}</li>",
                        esc(&f.sentence(policy, what, region, percent))
                    );
                }
            }
        }
        html.push_str("</ul>");
    }
    html.push_str("</section><section id=\"plots\"><h2>Dose and response</h2>");
    for (stem, svg) in plots {
        let start = svg.find("<svg").unwrap_or(0);
        let _ = write!(
            html,
            "<figure>{}<figcaption>plots/{stem}.svg: each line is one policy at one setting \
             of the other swept keys; the band is the 95% interval of its paired difference \
             against {}, so where the band leaves the grey zero line the change is real.\
             </figcaption></figure>",
            &svg[start..],
            esc(baseline)
        );
    }
    html.push_str("</section>");
    let _ = write!(
        html,
        "<section id=\"points\"><h2>Point by point</h2><p>The paired difference against \
         {} at every point (percentage points for shares), with its 95% interval; \
         <strong>bold</strong> where the interval excludes 0.</p>",
        esc(baseline)
    );
    for (metric, what, percent) in FINDING_METRICS
        .iter()
        .take(3)
        .chain(FINDING_METRICS.iter().skip(4).take(1))
    {
        for region in &regions {
            let _ = write!(
                html,
                "<h3>{} — {}</h3><table><tr><th>point</th><th>settings</th>",
                esc(what),
                esc(region)
            );
            for policy in policies.iter().filter(|p| **p != baseline) {
                let _ = write!(html, "<th>{}</th>", esc(policy));
            }
            html.push_str("</tr>");
            for point in 0..points {
                let at: Vec<&PointRow> = rows
                    .iter()
                    .filter(|r| r.point == point && r.region == *region && r.metric == *metric)
                    .collect();
                let Some(first) = at.first() else { continue };
                let _ = write!(
                    html,
                    "<tr><td>{point}</td><td>{}</td>",
                    esc(&settings(keys, first))
                );
                for policy in policies.iter().filter(|p| **p != baseline) {
                    let cell =
                        at.iter()
                            .find(|r| r.policy == *policy)
                            .map_or("—".to_owned(), |r| {
                                let s = if *percent { 100.0 } else { 1.0 };
                                let f = |x: Option<f64>| {
                                    x.map_or("—".to_owned(), |x| format!("{:+.2}", s * x))
                                };
                                let text = format!("{} [{}, {}]", f(r.diff), f(r.low), f(r.high));
                                let real = r.low.is_some_and(|l| l > 0.0)
                                    || r.high.is_some_and(|h| h < 0.0);
                                if real {
                                    format!("<strong>{text}</strong>")
                                } else {
                                    text
                                }
                            });
                    let _ = write!(html, "<td>{cell}</td>");
                }
                html.push_str("</tr>");
            }
            html.push_str("</table>");
        }
    }
    html.push_str(
        "</section><p class=\"meta\">Every number here is in points.csv (and each run's in \
         runs.csv); chartsim plot DIR redraws this page from those files.</p></main></body></html>\n",
    );
    html
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sentences_count_points_and_give_the_effect_size() {
        let f = Finding {
            raised: vec![0.051, 0.23, 0.12],
            lowered: vec![],
            unclear: 1,
        };
        assert_eq!(
            f.sentence("quota", "the local share of streams", "UK", true),
            "quota raised the local share of streams in UK at 3 of 4 points (by 5.1 to 23.0 points); \
             at the other 1 it made no measurable difference."
        );
        let none = Finding {
            unclear: 12,
            ..Finding::default()
        };
        assert_eq!(
            none.sentence("quota", "listeners' realised utility", "all", false),
            "quota made no measurable difference to listeners' realised utility across all regions at any of the 12 points."
        );
        let both = Finding {
            raised: vec![0.5],
            lowered: vec![-0.25, -0.75],
            unclear: 0,
        };
        assert_eq!(
            both.sentence("mmr", "x", "KR", false),
            "mmr raised x in KR at 1 of 3 points (by 0.500) and lowered it at 2 of 3 points (by 0.250 to 0.750)."
        );
    }
}
