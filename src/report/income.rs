//! The report's "Creators' income" section, when the run settled payouts: the payout
//! rules compared on the same plays (from `payout_summary.csv`), then the payout plots.

use std::fmt::Write as _;

use super::{esc, figure};
use crate::plot::payouts::percent;
use crate::plot::{PlotKind, ResultData, WrittenPlot};

/// The rows of the comparison table: metric, plain name, and how to show its values.
const ROWS: [(&str, &str, Unit); 10] = [
    (
        "payout_top10_share",
        "share of payouts to the 10 best-paid artists",
        Unit::Share,
    ),
    (
        "payout_top1pct_share",
        "share of payouts to the best-paid 1% of artists",
        Unit::Share,
    ),
    (
        "payout_gini",
        "Gini of payouts over artists (0 = all paid alike)",
        Unit::Index,
    ),
    (
        "payout_independent_share",
        "share of payouts to independent artists",
        Unit::Share,
    ),
    (
        "payout_local_share",
        "share of payouts to artists from the paying region",
        Unit::Share,
    ),
    (
        "payout_living_artists",
        "artists paid at least the living line a month",
        Unit::Count,
    ),
    ("payout_per_stream", "payout per stream", Unit::Money),
    (
        "payout_organised_share",
        "share of payouts captured by organised fandom replay",
        Unit::Share,
    ),
    (
        "payout_platform_share",
        "share of payouts to the platform's own artists",
        Unit::Share,
    ),
    (
        "payout_bots_share",
        "share of payouts captured by bot farms",
        Unit::Share,
    ),
];

#[derive(Clone, Copy)]
enum Unit {
    Share,
    Index,
    Count,
    Money,
}

impl Unit {
    /// What follows a difference and its interval.
    fn suffix(self) -> &'static str {
        match self {
            Unit::Share => " points",
            _ => "",
        }
    }

    fn show(self, x: f64) -> String {
        match self {
            Unit::Share => percent(x),
            Unit::Index => format!("{x:.3}"),
            Unit::Count => format!("{x:.1}"),
            Unit::Money => format!("{x:.5}"),
        }
    }

    /// A difference: percentage points for shares (the unit is written after its
    /// interval, [`Unit::suffix`]).
    fn show_difference(self, x: f64) -> String {
        match self {
            Unit::Share => format!("{:+.2}", 100.0 * x),
            Unit::Index => format!("{x:+.3}"),
            Unit::Count => format!("{x:+.1}"),
            Unit::Money => format!("{x:+.5}"),
        }
    }
}

/// Writes the section (nothing when the run settled no payouts).
pub fn income_section(html: &mut String, data: &ResultData, plots: &[WrittenPlot]) {
    let Some(payouts) = &data.payouts else {
        return;
    };
    let reference = payouts.rules.first().map_or("", String::as_str);
    let _ = writeln!(
        html,
        "<section id=\"income\"><h2>Creators' income</h2><p>Every payout rule split the same \
         plays' money (policy {}, all regions, the months after burn-in; mean over {} \
         replicate worlds with its 95% interval). Under each rule after the first, the \
         second line is its difference from {} in the same worlds: a difference whose \
         interval does not include 0 is one the rule made.</p>\
         <table id=\"payout-rules\"><tr><th>measure</th>",
        esc(data.baseline()),
        data.scenario.replicates,
        esc(reference)
    );
    for rule in &payouts.rules {
        let _ = write!(html, "<th>{}</th>", esc(rule));
    }
    let _ = writeln!(html, "</tr>");
    for (metric, name, unit) in ROWS {
        let _ = write!(html, "<tr><td>{}</td>", esc(name));
        for (k, rule) in payouts.rules.iter().enumerate() {
            let cell = payouts.summary_of(rule, metric).map_or_else(
                || "—".to_owned(),
                |e| {
                    let interval =
                        |lo: Option<f64>, hi: Option<f64>, show: &dyn Fn(f64) -> String| match (
                            lo, hi,
                        ) {
                            (Some(lo), Some(hi)) => format!(" [{}, {}]", show(lo), show(hi)),
                            _ => String::new(),
                        };
                    let mut cell = e.mean.map_or("—".to_owned(), |m| {
                        unit.show(m) + &interval(e.ci_low, e.ci_high, &|x| unit.show(x))
                    });
                    if k > 0
                        && let Some(d) = e.diff
                    {
                        let _ = write!(
                            cell,
                            "<br><span class=\"diff\">{}{}{}</span>",
                            unit.show_difference(d),
                            interval(e.diff_low, e.diff_high, &|x| unit.show_difference(x)),
                            unit.suffix()
                        );
                    }
                    cell
                },
            );
            let _ = write!(html, "<td>{cell}</td>");
        }
        let _ = writeln!(html, "</tr>");
    }
    let living = data
        .scenario
        .payouts
        .as_ref()
        .map_or(0.0, |p| p.living_line);
    let _ = writeln!(
        html,
        "</table><p>The living line is {living} a month (<code>payouts.living_line</code>). \
         Money is at real-account scale, in the currency of the regions' prices. Monthly \
         values per region: payout_metrics.csv; every artist's payout: payouts.csv.</p>"
    );
    for plot in plots.iter().filter(|p| p.kind.is_payout()) {
        figure(html, plot, data);
    }
    let _ = writeln!(html, "</section>");
}

/// Captions of the payout plots.
pub fn payout_caption(kind: PlotKind, data: &ResultData) -> String {
    let base = esc(data.baseline());
    match kind {
        PlotKind::PayoutDeciles => format!(
            "Artists are ranked by what they were paid over the whole run (policy {base}, all \
             regions) and cut into tenths; each bar is the share of all payouts that tenth got \
             under one payout rule, averaged over replicate worlds, on a log scale (an empty \
             tenth sits on the axis). Bars that rise on the left and fall on the right mean a \
             rule moves money from the best-paid artists to the rest."
        ),
        PlotKind::PayoutLorenz => format!(
            "Each curve lines up every artist with a released song from lowest to best paid \
             (policy {base}, all regions, whole run, replicate worlds pooled) and shows the \
             share of all payouts the bottom part of them got, one curve per payout rule. The \
             closer a curve to the dashed diagonal, and the lower its Gini, the more evenly \
             the money was shared."
        ),
        _ => format!(
            "Each bar is how much a group's share of all payouts changed under a payout rule \
             against the first rule listed, in percentage points (policy {base}, whole run): \
             by genre, by whether an artist was paid by listeners of their own region (local) \
             or elsewhere, and by label. The black line is the 95% interval of the paired \
             difference over replicate worlds; a bar whose line does not cross 0 is a gain or \
             loss the rule made."
        ),
    }
}
