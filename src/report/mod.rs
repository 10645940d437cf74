//! `report.html`: one self-contained page that explains a result directory.
//!
//! The page is built from the result files alone (like the plots): the scenario in plain
//! words, the comparison table with confidence intervals and differences against the
//! baseline, every plot inlined as SVG with a two-sentence caption, short metric
//! definitions and the command that reproduces the run. It needs no network and no
//! JavaScript.

use std::fmt::Write as _;
use std::path::Path;

use crate::plot::data::{HEADLINE_METRICS, ResultData, metric_label};
use crate::plot::lorenz::LorenzUnit;
use crate::plot::{PlotError, PlotKind, WrittenPlot, write_plots};

mod income;
mod redraw;
mod sweep;
pub use redraw::redraw;
pub use sweep::{Finding, write_sweep_report};

/// Reads the result files in `dir`, writes `dir/plots/*` and `dir/report.html`, in place
/// (for a fresh staging directory; [`redraw`] replaces those of a finished result).
pub fn write_plots_and_report(dir: &Path) -> Result<(), PlotError> {
    let data = ResultData::read(dir)?;
    write_drawn(&data, &dir.join("plots"), &dir.join("report.html"))
}

fn write_drawn(data: &ResultData, plots_dir: &Path, report: &Path) -> Result<(), PlotError> {
    let plots = write_plots(plots_dir, data)?;
    std::fs::write(report, render_html(data, &plots)).map_err(|source| PlotError::Write {
        path: report.to_owned(),
        source,
    })
}

/// Metrics in the report's comparison table.
const TABLE_METRICS: [&str; 6] = [
    "hhi_tracks",
    "top10_share",
    "local_share_streams",
    "local_share_top10",
    "genre_entropy_individual",
    "no1_max_weeks",
];

/// Short definitions, after `docs/METRICS.md`.
const DEFINITIONS: [(&str, &str); 6] = [
    (
        "hhi_tracks",
        "Herfindahl–Hirschman index of the week's streams by track: the sum of squared \
         stream shares, from 1/(number of tracks) to 1. Higher means a few songs take more \
         of the listening.",
    ),
    (
        "top10_share",
        "Share of the week's streams that went to the ten most-streamed tracks (0–1). \
         Higher means the ten biggest songs take more of the listening.",
    ),
    (
        "local_share_streams",
        "Share of streams whose artist comes from the listener's own region (0–1). Higher \
         means people listen more to artists from their own country.",
    ),
    (
        "local_share_top10",
        "Share of the entries in the region's headline chart Top 10 that are by local \
         artists (0–1). Higher means more of the country's Top 10 is home-grown.",
    ),
    (
        "genre_entropy_individual",
        "Mean over listeners of the Shannon entropy (nats) of each listener's own genre \
         mix that week. Higher means the typical person listens across more genres.",
    ),
    (
        "no1_max_weeks",
        "Most weeks any one track spent at No. 1 of the headline chart during the run, \
         consecutive or not. Higher means longer reigns at the top.",
    ),
];

fn esc(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// A plot inlined as a figure with its caption and file names.
fn figure(html: &mut String, plot: &WrittenPlot, data: &ResultData) {
    let stem = plot.kind.stem();
    let _ = writeln!(
        html,
        "<figure id=\"plot-{stem}\">{}<figcaption>{} <span class=\"file\">(plots/{stem}.png, \
         plots/{stem}.svg)</span></figcaption></figure>",
        inline_svg(&plot.svg),
        caption(plot.kind, data)
    );
}

fn caption(kind: PlotKind, data: &ResultData) -> String {
    let base = esc(data.baseline());
    match kind {
        PlotKind::PayoutDeciles | PlotKind::PayoutLorenz | PlotKind::PayoutWinners => {
            income::payout_caption(kind, data)
        }
        PlotKind::Weekly("hhi_tracks") => "Each line is one policy's weekly Herfindahl index \
             of streams by track, averaged over replicate worlds, with its 95% confidence band \
             (grey: burn-in weeks). Higher means a few songs take more of the listening."
            .to_owned(),
        PlotKind::Weekly("top10_share") => "Each line is the share of a region's streams \
             taken by its ten most-streamed songs that week, averaged over replicates, with a \
             95% band. Higher means the biggest hits take more of the listening."
            .to_owned(),
        PlotKind::Weekly("local_share_streams") => "Each line is the share of a region's \
             streams that went to artists from that region, averaged over replicates, with a \
             95% band. Higher means people listen more to their own country's artists."
            .to_owned(),
        PlotKind::Weekly(_) => "Each line is the share of the region's headline Top 10 \
             entries by local artists, averaged over replicates, with a 95% band. Higher means \
             more of the country's Top 10 is home-grown."
            .to_owned(),
        PlotKind::Comparison => format!(
            "Each dot is a policy's mean over the weeks after burn-in, averaged over replicate \
             worlds, and the whisker its 95% confidence interval; the dashed line marks the \
             baseline policy ({base}). A dot far from the dashed line, with a whisker that \
             does not reach it, is a policy that changes that measure."
        ),
        PlotKind::LocalShare => "Each bar is the share of streams that went to artists from \
             the listener's own region under one policy, with its 95% confidence interval. \
             Higher bars mean more listening to home-grown music."
            .to_owned(),
        PlotKind::Lorenz(unit) => {
            let (items, extra) = match unit {
                LorenzUnit::Tracks => (
                    "every released song",
                    "songs nobody played count as zeros, so this is the curve behind \
                     gini_tracks",
                ),
                LorenzUnit::Artists => (
                    "every artist with a released song",
                    "each artist's streams are the sum over their songs",
                ),
            };
            format!(
                "Each curve lines up {items} from least to most streamed over the whole run \
                 and shows what share of all streams the bottom part of them got, for all \
                 regions together and for each region, one curve per policy ({extra}; every \
                 replicate world is pooled, and the Gini in the legend is for the pooled \
                 curve). The further a curve sags below the dashed diagonal, and the higher \
                 its Gini, the more a few of them take most of the listening."
            )
        }
        PlotKind::Trajectories => format!(
            "Each line follows one song that reached the Top 10 of the region's headline \
             chart, week by week, in one representative world (replicate 0, policy {base}); \
             coloured lines are songs that reached No. 1, with a dot for every week at No. 1. \
             Many short coloured runs mean the top spot changes hands often; one long row of \
             dots is a song that holds it."
        ),
        PlotKind::CounterfactualNo1 => format!(
            "For every region whose charts were also compiled under other rules, each row is \
             one rule set (the headline chart on top) and each square is the week's No. 1 \
             song, in one representative world (replicate 0, policy {base}); the same song has \
             the same colour in every row, and the legend gives its weeks at No. 1 under each \
             rule set. A ringed square is a week in which that rule set would have crowned a \
             different No. 1 than the headline chart, from exactly the same listening."
        ),
    }
}

/// The table under the counterfactual No. 1 plot: per region and rule set, the weeks in
/// which its No. 1 differs from the headline chart's.
fn no1_table(html: &mut String, data: &ResultData) {
    let rows: Vec<(&str, &str, &str, usize, usize)> = data
        .charts
        .iter()
        .flat_map(|c| {
            let headline = c.no1s.first().map_or("", |(r, _)| r.as_str());
            c.no1_differences()
                .into_iter()
                .map(move |(rules, k, n)| (c.region.as_str(), headline, rules, k, n))
        })
        .collect();
    if rows.is_empty() {
        return;
    }
    let _ = writeln!(
        html,
        "<p>Weeks where the No. 1 differs from the headline rules (replicate 0, policy {}; \
         weeks in which either chart has a No. 1):</p><table id=\"no1-differences\">\
         <tr><th>region</th><th>headline rules</th><th>other rules</th>\
         <th>weeks with a different No. 1</th></tr>",
        esc(data.baseline())
    );
    for (region, headline, rules, k, n) in rows {
        let _ = writeln!(
            html,
            "<tr><td>{}</td><td>{}</td><td>{}</td><td>{k} of {n}</td></tr>",
            esc(region),
            esc(headline),
            esc(rules)
        );
    }
    let _ = writeln!(html, "</table>");
}

/// Named releases on each region's headline chart (replicate 0, baseline policy): peak,
/// weeks at No. 1 and in how many separate spells, weeks in the Top 10, and the share of
/// their chart units that came from organised fandom replay.
fn named_section(html: &mut String, data: &ResultData) {
    if data.charts.iter().all(|c| c.named.is_empty()) {
        return;
    }
    let _ = writeln!(
        html,
        "<section id=\"named\"><h2>Named releases on the headline charts</h2>\
         <p>Replicate 0, policy {}. Spells are separate runs of consecutive weeks at No. 1.</p>\
         <table id=\"named-releases\"><tr><th>region</th><th>title</th><th>first charted \
         (week)</th><th>peak</th><th>weeks at No. 1</th><th>spells at No. 1</th>\
         <th>weeks in Top 10</th><th>units from organised replay</th></tr>",
        esc(data.baseline())
    );
    for chart in &data.charts {
        let mut titles: Vec<&str> = Vec::new();
        for e in &chart.named {
            if !titles.contains(&e.title.as_str()) {
                titles.push(&e.title);
            }
        }
        for title in titles {
            let entries: Vec<_> = chart.named.iter().filter(|e| e.title == title).collect();
            let no1: Vec<u32> = entries
                .iter()
                .filter(|e| e.rank == 1)
                .map(|e| e.week)
                .collect();
            let spells = no1
                .iter()
                .enumerate()
                .filter(|&(i, &w)| i == 0 || no1[i - 1] + 1 != w)
                .count();
            let units: f64 = entries.iter().map(|e| e.units).sum();
            let organised: f64 = entries.iter().map(|e| e.organised).sum();
            let _ = writeln!(
                html,
                "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{spells}</td>\
                 <td>{}</td><td>{:.1}%</td></tr>",
                esc(&chart.region),
                esc(title),
                entries.iter().map(|e| e.week).min().unwrap_or(0),
                entries.iter().map(|e| e.rank).min().unwrap_or(0),
                no1.len(),
                entries.iter().filter(|e| e.rank <= 10).count(),
                if units > 0.0 {
                    100.0 * organised / units
                } else {
                    0.0
                }
            );
        }
    }
    let _ = writeln!(html, "</table></section>");
}

fn fmt(x: Option<f64>) -> String {
    match x {
        Some(v) if v.is_finite() => {
            if v.abs() >= 100.0 {
                format!("{v:.1}")
            } else if v.abs() >= 1.0 {
                format!("{v:.2}")
            } else {
                format!("{v:.4}")
            }
        }
        _ => "—".to_owned(),
    }
}

fn scenario_section(html: &mut String, data: &ResultData) {
    let s = &data.scenario;
    let _ = writeln!(html, "<section id=\"scenario\"><h2>The scenario</h2>");
    if !data.has_plays() {
        let _ = writeln!(
            html,
            "<p class=\"warn\"><strong>No plays.</strong> Listeners streamed nothing in this \
             run: every choice went to the outside option (see <code>utility.outside</code> \
             and <code>listening.streams_per_day</code>). Shares below are 0 by convention \
             and the plots are empty.</p>"
        );
    }
    let desc = if s.description.is_empty() {
        String::new()
    } else {
        format!(" ({})", esc(&s.description))
    };
    let left_out = match s.branch_day {
        Some(day) => format!(
            "every world ran the baseline policy until day {day} and every policy took over \
             from that shared state; the first {} weeks (burn-in and the weeks before each \
             policy took over) are left out of the averages",
            s.summary_start_week()
        ),
        None => format!(
            "the first {} treated as burn-in and left out of the averages",
            s.burn_in_weeks
        ),
    };
    let _ = writeln!(
        html,
        "<p>Scenario <strong>{}</strong>{desc}: {} simulated listeners over {} days ({} chart \
         weeks, {left_out}), in {} region(s). Every policy was run on the same {} independent \
         replicate world(s), generated from master seed {}.</p>",
        esc(&s.name),
        s.listeners,
        s.days,
        data.weeks,
        s.regions.len(),
        s.replicates,
        s.seed
    );
    let total: f64 = s.regions.iter().map(|r| r.population_share).sum();
    let _ = writeln!(
        html,
        "<table><tr><th>region</th><th>share of listeners</th><th>premium accounts</th>\
         <th>chart rules (headline first)</th></tr>"
    );
    for r in &s.regions {
        let rules: Vec<String> = r.chart_rules.iter().map(|c| esc(&c.name)).collect();
        let _ = writeln!(
            html,
            "<tr><td>{}</td><td>{:.0}%</td><td>{:.0}%</td><td>{}</td></tr>",
            esc(&r.name),
            100.0 * r.population_share / total.max(f64::MIN_POSITIVE),
            100.0 * r.premium_share,
            rules.join(", ")
        );
    }
    let _ = writeln!(html, "</table><p>Recommender policies compared:</p><ul>");
    for (i, p) in s.policies.iter().enumerate() {
        let how = scorer_in_words(&p.scorer, p.scope.as_deref(), p.window_days);
        let baseline = if i == 0 { " — the baseline" } else { "" };
        let _ = writeln!(
            html,
            "<li><strong>{}</strong>: {how}{baseline}</li>",
            esc(&p.name)
        );
    }
    let _ = writeln!(html, "</ul></section>");
}

/// A scorer described for a reader who does not know the code.
fn scorer_in_words(scorer: &str, scope: Option<&str>, window_days: Option<u32>) -> String {
    match scorer {
        "none" => {
            "recommends nothing: no slate, the counterfactual without a recommender".to_owned()
        }
        "random" => "recommends tracks drawn at random from the whole catalogue".to_owned(),
        "content" => {
            "recommends tracks closest in style to what the listener has played".to_owned()
        }
        "popularity" => {
            let scope = match scope {
                Some("global") => "in all regions",
                _ => "in the listener's region",
            };
            let days = window_days.map_or(String::new(), |d| format!(" over the last {d} days"));
            format!("recommends the most-streamed tracks {scope}{days}")
        }
        other => format!("scorer {}", esc(other)),
    }
}

fn table_section(html: &mut String, data: &ResultData) {
    let _ = writeln!(
        html,
        "<section id=\"comparison\"><h2>Policy comparison</h2><p>Mean over the weeks after \
         burn-in, averaged over replicate worlds, with its 95% confidence interval in \
         brackets. The second line (Δ) is the paired difference from the baseline policy \
         <strong>{}</strong> on the same worlds, with its 95% interval; an interval that \
         excludes 0 is a difference the replicates support.</p>",
        esc(data.baseline())
    );
    let regions: Vec<&str> = data.regions().chain(["all"]).collect();
    for region in regions {
        let _ = write!(html, "<h3>{}</h3><table><tr><th>policy</th>", esc(region));
        for m in TABLE_METRICS {
            let _ = write!(html, "<th>{m}</th>");
        }
        let _ = writeln!(html, "</tr>");
        for (pi, policy) in data.policies().enumerate() {
            let _ = write!(html, "<tr><td>{}</td>", esc(policy));
            for m in TABLE_METRICS {
                match data.summary_of(policy, region, m) {
                    Some(s) if s.mean.is_some_and(f64::is_finite) => {
                        let diff = if pi == 0 {
                            "baseline".to_owned()
                        } else {
                            format!(
                                "Δ {} [{}, {}]",
                                fmt(s.diff_vs_baseline),
                                fmt(s.diff_ci_low),
                                fmt(s.diff_ci_high)
                            )
                        };
                        let _ = write!(
                            html,
                            "<td>{} [{}, {}]<br><span class=\"diff\">{diff}</span></td>",
                            fmt(s.mean),
                            fmt(s.ci_low),
                            fmt(s.ci_high)
                        );
                    }
                    _ => html.push_str("<td>—</td>"),
                }
            }
            let _ = writeln!(html, "</tr>");
        }
        let _ = writeln!(html, "</table>");
    }
    let _ = writeln!(html, "</section>");
}

/// The SVG without any XML prolog (plotters writes a `viewBox`, so CSS can scale it).
fn inline_svg(svg: &str) -> String {
    let start = svg.find("<svg").unwrap_or(0);
    svg[start..].to_owned()
}

/// The whole report page.
pub fn render_html(data: &ResultData, plots: &[WrittenPlot]) -> String {
    let mut html = String::new();
    let title = format!("chartsim report: {}", esc(&data.scenario.name));
    let _ = writeln!(
        html,
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
         <title>{title}</title><style>{CSS}</style></head><body><main>\
         <h1>{title}</h1><p class=\"meta\">chartsim {} · seed {} · {} replicate(s)</p>\
         <nav>Sections: <a href=\"#scenario\">scenario</a> · <a href=\"#comparison\">\
         comparison</a> · {}<a href=\"#plots\">plots</a> · <a href=\"#definitions\">\
         definitions</a> · <a href=\"#reproduce\">reproduce</a></nav>",
        esc(&data.version),
        data.scenario.seed,
        data.scenario.replicates,
        if data.payouts.is_some() {
            "<a href=\"#income\">creators' income</a> · "
        } else {
            ""
        }
    );
    scenario_section(&mut html, data);
    table_section(&mut html, data);
    named_section(&mut html, data);
    income::income_section(&mut html, data, plots);
    let _ = writeln!(html, "<section id=\"plots\"><h2>Plots</h2>");
    for plot in plots.iter().filter(|p| !p.kind.is_payout()) {
        figure(&mut html, plot, data);
        if plot.kind == PlotKind::CounterfactualNo1 {
            no1_table(&mut html, data);
        }
    }
    let _ = writeln!(
        html,
        "</section><section id=\"definitions\"><h2>What the measures mean</h2><dl>"
    );
    for (metric, text) in DEFINITIONS {
        let (name, _) = metric_label(metric);
        let _ = writeln!(
            html,
            "<dt><code>{metric}</code> — {}</dt><dd>{}</dd>",
            esc(name),
            esc(text)
        );
    }
    debug_assert!(HEADLINE_METRICS.iter().all(|m| TABLE_METRICS.contains(m)));
    let _ = writeln!(
        html,
        "</dl><p>Shares are fractions from 0 to 1; entropies are in nats. Each run is reduced \
         to the mean of its weeks after burn-in; the interval is a Student-t 95% confidence \
         interval across replicate worlds. Full definitions: docs/METRICS.md.</p></section>\
         <section id=\"reproduce\"><h2>Reproduce this run</h2>\
         <p>The command that made it (chartsim {}{}):</p><pre><code>{}</code></pre>{}\
         <p>The same scenario, seed and chartsim version give byte-identical result files. \
         <code>chartsim plot DIR</code> redraws these plots and this page from the result \
         files alone.</p></section></main></body></html>",
        esc(&data.version),
        if data.source_revision.is_empty() {
            String::new()
        } else {
            format!(", source {}", esc(&data.source_revision))
        },
        esc(&data.command),
        if data.reproduce.is_empty() {
            String::new()
        } else {
            format!(
                "<p>To repeat it exactly from this directory's manifest alone:</p>\
                 <pre><code>{}</code></pre>",
                esc(&data.reproduce)
            )
        }
    );
    html
}

const CSS: &str = "body{font-family:sans-serif;margin:0;background:#fafafa;color:#222}\
main{max-width:1200px;margin:0 auto;padding:1.5em 2em;background:#fff}\
h1{font-size:1.7em;margin-bottom:0.2em}h2{border-bottom:2px solid #0072B2;padding-bottom:0.2em;margin-top:1.8em}\
.meta{color:#666;margin-top:0}.warn{background:#fff3cd;border:1px solid #e0c060;padding:0.6em}table{border-collapse:collapse;margin:0.5em 0 1em;font-size:0.9em}\
th,td{border:1px solid #ccc;padding:0.3em 0.6em;text-align:left;vertical-align:top}\
th{background:#eef3f8}.diff{color:#555;font-size:0.9em}\
figure{margin:1.5em 0;border:1px solid #ddd;padding:0.5em}figure svg{width:100%;height:auto;display:block}\
figcaption{margin-top:0.5em;line-height:1.4}.file{color:#777;font-size:0.85em}\
pre{background:#f2f2f2;padding:0.8em;overflow-x:auto;white-space:pre-wrap}dt{font-weight:bold;margin-top:0.6em}";
