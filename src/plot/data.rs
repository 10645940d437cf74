//! Reading a result directory's files into what the plots and the report need.
//!
//! Plots never see simulation state: everything comes from `manifest.json`,
//! `metrics.csv`, `summary.csv`, `charts.csv` and `tracks.csv`. `charts.csv` and
//! `tracks.csv` can be tens of megabytes, so each is read once, streaming, keeping only
//! what the plots use: the headline chart and every rule set's No. 1s of replicate 0 under
//! the baseline policy, and stream totals by track and by artist.

use std::collections::BTreeMap;
use std::path::Path;

use serde::Deserialize;

use super::PlotError;
use super::csv_read::{columns, for_each_row, malformed, open_csv};
use super::payout_data::PayoutData;

/// The metrics drawn week by week (plot 1) and compared across policies (plot 2).
pub const HEADLINE_METRICS: [&str; 4] = [
    "hhi_tracks",
    "top10_share",
    "local_share_streams",
    "local_share_top10",
];

/// What the report says about the scenario, from `manifest.json`.
#[derive(Clone, Debug, Deserialize)]
pub struct ScenarioInfo {
    /// Scenario name.
    pub name: String,
    /// Free-text description (may be empty).
    #[serde(default)]
    pub description: String,
    /// Master seed.
    pub seed: u64,
    /// Simulated days.
    pub days: u32,
    /// Replicate worlds.
    pub replicates: u32,
    /// Listeners in all regions together.
    pub listeners: u64,
    /// Weeks left out of the summary averages.
    pub burn_in_weeks: u32,
    /// Day every policy branched from the baseline's warm-up, if the run branched.
    #[serde(default)]
    pub branch_day: Option<i32>,
    /// Regions in scenario order.
    pub regions: Vec<RegionInfo>,
    /// Policies in scenario order; the first is the baseline.
    pub policies: Vec<PolicyInfo>,
    /// Payout rule sets settled, if any.
    #[serde(default)]
    pub payouts: Option<PayoutsInfo>,
}

/// The scenario's payout side (only the rule sets' names are needed here).
#[derive(Clone, Debug, Deserialize)]
pub struct PayoutsInfo {
    /// Rule sets in scenario order; the first is the reference.
    pub rules: Vec<NamedRules>,
    /// Monthly payout above which an artist earns a living from streams.
    pub living_line: f64,
}

impl ScenarioInfo {
    /// The first chart week in the summary averages.
    pub fn summary_start_week(&self) -> u32 {
        crate::scenario::summary_start_week(self.burn_in_weeks, self.branch_day)
    }
}

/// One region of the scenario.
#[derive(Clone, Debug, Deserialize)]
pub struct RegionInfo {
    /// Region name.
    pub name: String,
    /// Relative share of listeners.
    pub population_share: f64,
    /// Share of listeners with a paid account (0–1).
    pub premium_share: f64,
    /// Chart rule sets; the first is the headline chart.
    pub chart_rules: Vec<NamedRules>,
}

/// A chart rule set (only its name is needed here).
#[derive(Clone, Debug, Deserialize)]
pub struct NamedRules {
    /// Rule-set name, e.g. `uk`.
    pub name: String,
}

/// One recommender policy of the scenario.
#[derive(Clone, Debug, Deserialize)]
pub struct PolicyInfo {
    /// Policy name.
    pub name: String,
    /// Scorer: `popularity`, `content` or `random`.
    pub scorer: String,
    /// `regional` or `global`, for popularity scorers.
    #[serde(default)]
    pub scope: Option<String>,
    /// Popularity window in days, for popularity scorers.
    #[serde(default)]
    pub window_days: Option<u32>,
}

#[derive(Deserialize)]
struct ManifestFile {
    chartsim_version: String,
    #[serde(default)]
    source_revision: String,
    command: String,
    #[serde(default)]
    reproduce: String,
    scenario: ScenarioInfo,
}

/// One row of `summary.csv`.
#[derive(Clone, Debug, Deserialize)]
pub struct SummaryEntry {
    /// Policy name.
    pub policy: String,
    /// Region name or `all`.
    pub region: String,
    /// Metric name.
    pub metric: String,
    /// Mean over replicates (NaN if empty).
    pub mean: Option<f64>,
    /// Lower end of the 95% CI.
    pub ci_low: Option<f64>,
    /// Upper end of the 95% CI.
    pub ci_high: Option<f64>,
    /// Replicates with a value.
    pub n: usize,
    /// Mean paired difference against the baseline policy.
    pub diff_vs_baseline: Option<f64>,
    /// Lower end of the difference's 95% CI.
    pub diff_ci_low: Option<f64>,
    /// Upper end of the difference's 95% CI.
    pub diff_ci_high: Option<f64>,
}

/// Weekly values of one headline metric, policy and region: `values[week]` holds one value
/// per replicate (empty cells left out).
pub type WeeklyValues = Vec<Vec<f64>>;

/// Ranks of the headline chart, week by week, for one region (replicate 0, baseline),
/// and the No. 1 of every rule set the region's charts were compiled under.
#[derive(Clone, Debug, Default)]
pub struct RegionChart {
    /// Region name.
    pub region: String,
    /// Headline rule set (first `rules` value for the region in `charts.csv`).
    pub rules: String,
    /// `(week, rank, track)` for every position of the headline chart (the `headline`
    /// rows of `charts.csv`: the first rule set, or the one a chart-rule switch made
    /// headline from its week on).
    pub positions: Vec<(u32, u32, u32)>,
    /// Every rule set of the region in `charts.csv` (any run), in order of first
    /// appearance (the headline first), with week → No. 1 track of replicate 0 under the
    /// baseline policy (weeks with an empty chart are absent).
    pub no1s: Vec<(String, BTreeMap<u32, u32>)>,
    /// Headline-chart entries of named releases (replicate 0, baseline), in file order.
    pub named: Vec<NamedEntry>,
}

/// A named release's position on a headline chart in one week.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct NamedEntry {
    /// Title.
    pub title: String,
    /// Chart week.
    pub week: u32,
    /// Position.
    pub rank: u32,
    /// Chart units.
    pub units: f64,
    /// Units from organised replay.
    pub organised: f64,
}

impl RegionChart {
    /// Whether `charts.csv` holds more than one rule set for the region.
    pub fn has_counterfactuals(&self) -> bool {
        self.no1s.len() > 1
    }

    /// For each rule set after the headline: `(rules, k, n)`, where `n` counts the
    /// weeks in which the headline chart or that rule set's chart has a No. 1 and `k`
    /// those in which the two No. 1s differ (one chart empty counts as differing).
    pub fn no1_differences(&self) -> Vec<(&str, usize, usize)> {
        let Some((_, headline)) = self.no1s.first() else {
            return Vec::new();
        };
        self.no1s
            .iter()
            .skip(1)
            .map(|(rules, no1)| {
                let weeks: std::collections::BTreeSet<u32> =
                    headline.keys().chain(no1.keys()).copied().collect();
                let differ = weeks
                    .iter()
                    .filter(|w| headline.get(w) != no1.get(w))
                    .count();
                (rules.as_str(), differ, weeks.len())
            })
            .collect()
    }
}

/// Stream totals over the whole run for one region (or `all`) and policy, every
/// replicate world pooled: one entry per (replicate, track) or (replicate, artist),
/// unstreamed tracks included as zeros.
#[derive(Clone, Debug, Default)]
pub struct CatalogueStreams {
    /// Streams of every released track.
    pub by_track: Vec<u64>,
    /// Streams of every artist with a released track (sum over their tracks).
    pub by_artist: Vec<u64>,
}

/// Everything a result directory says that the plots and the report use.
#[derive(Clone, Debug)]
pub struct ResultData {
    /// chartsim version that wrote the results.
    pub version: String,
    /// The source revision of that chartsim (empty if not recorded).
    pub source_revision: String,
    /// The command line that produced them.
    pub command: String,
    /// A command that repeats the run from the manifest (empty if not recorded).
    pub reproduce: String,
    /// The resolved scenario.
    pub scenario: ScenarioInfo,
    /// Number of chart weeks in `metrics.csv` (largest week + 1).
    pub weeks: u32,
    /// `(metric, region, policy)` → weekly values across replicates.
    pub weekly: BTreeMap<(String, String, String), WeeklyValues>,
    /// Every row of `summary.csv`, in file order.
    pub summary: Vec<SummaryEntry>,
    /// Headline chart of replicate 0 under the baseline policy, per region in scenario order.
    pub charts: Vec<RegionChart>,
    /// `(region or "all", policy)` → streams by track and by artist from `tracks.csv`.
    pub catalogue: BTreeMap<(String, String), CatalogueStreams>,
    /// The baseline's payouts by artist and group, when the run settled payouts.
    pub payouts: Option<PayoutData>,
}

impl ResultData {
    /// Reads `manifest.json`, `metrics.csv`, `summary.csv`, `charts.csv` and `tracks.csv`
    /// from `dir`.
    pub fn read(dir: &Path) -> Result<Self, PlotError> {
        let path = dir.join("manifest.json");
        let text = std::fs::read_to_string(&path).map_err(|source| PlotError::Read {
            path: path.clone(),
            source,
        })?;
        let manifest: ManifestFile =
            serde_json::from_str(&text).map_err(|e| malformed(&path, e))?;
        let scenario = manifest.scenario;
        let (weeks, weekly) = read_metrics(&dir.join("metrics.csv"))?;
        let summary = read_summary(&dir.join("summary.csv"))?;
        let charts = read_charts(&dir.join("charts.csv"), &scenario)?;
        let catalogue = read_tracks(&dir.join("tracks.csv"), &scenario)?;
        let payouts = match &scenario.payouts {
            Some(payouts) => Some(PayoutData::read(
                dir,
                payouts.rules.iter().map(|r| r.name.clone()).collect(),
                scenario.policies.first().map_or("", |p| p.name.as_str()),
                scenario.replicates as usize,
            )?),
            None => None,
        };
        Ok(Self {
            version: manifest.chartsim_version,
            source_revision: manifest.source_revision,
            command: manifest.command,
            reproduce: manifest.reproduce,
            scenario,
            weeks,
            weekly,
            summary,
            charts,
            catalogue,
            payouts,
        })
    }

    /// Region names in scenario order.
    pub fn regions(&self) -> impl Iterator<Item = &str> {
        self.scenario.regions.iter().map(|r| r.name.as_str())
    }

    /// Policy names in scenario order (the first is the baseline).
    pub fn policies(&self) -> impl Iterator<Item = &str> {
        self.scenario.policies.iter().map(|p| p.name.as_str())
    }

    /// The baseline policy's name (empty if the manifest lists no policy).
    pub fn baseline(&self) -> &str {
        self.scenario
            .policies
            .first()
            .map_or("", |p| p.name.as_str())
    }

    /// Whether any track was streamed at all (`tracks.csv`); a run whose listeners all
    /// took the outside option has nothing to plot.
    pub fn has_plays(&self) -> bool {
        self.catalogue
            .values()
            .any(|c| c.by_track.iter().any(|&s| s > 0))
    }

    /// The summary row of a policy, region and metric.
    pub fn summary_of(&self, policy: &str, region: &str, metric: &str) -> Option<&SummaryEntry> {
        self.summary
            .iter()
            .find(|s| s.policy == policy && s.region == region && s.metric == metric)
    }
}

type WeeklyMap = BTreeMap<(String, String, String), WeeklyValues>;

fn read_metrics(path: &Path) -> Result<(u32, WeeklyMap), PlotError> {
    let mut reader = open_csv(path)?;
    let [policy, region, week] = columns(&mut reader, path, ["policy", "region", "week"])?;
    let metric_cols = columns(&mut reader, path, HEADLINE_METRICS)?;
    let mut map = WeeklyMap::new();
    let mut weeks = 0;
    for_each_row(&mut reader, path, |cells| {
        let (p, r) = (cells.text(policy)?, cells.text(region)?);
        let w: u32 = cells.number(week)?;
        weeks = weeks.max(w + 1);
        for (metric, &col) in HEADLINE_METRICS.iter().zip(&metric_cols) {
            let value = cells.float_or_nan(col)?;
            let series = map
                .entry(((*metric).to_owned(), r.to_owned(), p.to_owned()))
                .or_default();
            if series.len() <= w as usize {
                series.resize(w as usize + 1, Vec::new());
            }
            if value.is_finite() {
                series[w as usize].push(value);
            }
        }
        Ok(())
    })?;
    Ok((weeks, map))
}

fn read_summary(path: &Path) -> Result<Vec<SummaryEntry>, PlotError> {
    let mut reader = open_csv(path)?;
    let entries = reader
        .deserialize()
        .collect::<Result<Vec<SummaryEntry>, _>>()
        .map_err(|e| malformed(path, e))?;
    for (line, e) in entries.iter().enumerate() {
        let cells = [
            e.mean,
            e.ci_low,
            e.ci_high,
            e.diff_vs_baseline,
            e.diff_ci_low,
            e.diff_ci_high,
        ];
        if cells.iter().flatten().any(|x| !x.is_finite()) {
            return Err(malformed(
                path,
                format!("line {}: a number is not finite", line + 2),
            ));
        }
    }
    Ok(entries)
}

fn read_charts(path: &Path, scenario: &ScenarioInfo) -> Result<Vec<RegionChart>, PlotError> {
    let mut reader = open_csv(path)?;
    let [
        replicate,
        policy,
        region,
        rules,
        week,
        rank,
        track,
        title,
        headline,
        units,
        organised,
    ] = columns(
        &mut reader,
        path,
        [
            "replicate",
            "policy",
            "region",
            "rules",
            "week",
            "rank",
            "track",
            "title",
            "headline",
            "units",
            "organised_units",
        ],
    )?;
    let baseline = scenario.policies.first().map(|p| p.name.as_bytes());
    let mut charts: Vec<RegionChart> = scenario
        .regions
        .iter()
        .map(|r| RegionChart {
            region: r.name.clone(),
            ..RegionChart::default()
        })
        .collect();
    for_each_row(&mut reader, path, |cells| {
        let r = cells.text(region)?;
        let Some(ri) = charts.iter().position(|c| c.region == r) else {
            return Err(cells.bad(&format!("region '{r}' is not in manifest.json")));
        };
        let rule = cells.text(rules)?;
        let chart = &mut charts[ri];
        let ki = match chart.no1s.iter().position(|(name, _)| name == rule) {
            Some(ki) => ki,
            None => {
                chart.no1s.push((rule.to_owned(), BTreeMap::new()));
                chart.no1s.len() - 1
            }
        };
        if chart.rules.is_empty() {
            chart.rules = rule.to_owned();
        }
        let rep: u32 = cells.number(replicate)?;
        if rep != 0 || cells.record.get(policy) != baseline {
            return Ok(());
        }
        let (w, k, t): (u32, u32, u32) = (
            cells.number(week)?,
            cells.number(rank)?,
            cells.number(track)?,
        );
        if k == 1 {
            chart.no1s[ki].1.insert(w, t);
        }
        let is_headline = cells.text(headline)? == "true";
        let name = cells.text(title)?;
        if !name.is_empty() && is_headline {
            let units: f64 = cells.number(units)?;
            let organised: f64 = cells.number(organised)?;
            chart.named.push(NamedEntry {
                title: name.to_owned(),
                week: w,
                rank: k,
                units,
                organised,
            });
        }
        if is_headline {
            chart.positions.push((w, k, t));
        }
        Ok(())
    })?;
    Ok(charts)
}

type Catalogue = BTreeMap<(String, String), CatalogueStreams>;

fn read_tracks(path: &Path, scenario: &ScenarioInfo) -> Result<Catalogue, PlotError> {
    let mut reader = open_csv(path)?;
    let [replicate, policy, region, artist, streams] = columns(
        &mut reader,
        path,
        ["replicate", "policy", "region", "artist", "streams"],
    )?;
    let regions: Vec<&str> = scenario
        .regions
        .iter()
        .map(|r| r.name.as_str())
        .chain(["all"])
        .collect();
    let policies: Vec<&str> = scenario.policies.iter().map(|p| p.name.as_str()).collect();
    // (region index, policy index) → streams by track; (…, replicate, artist) → streams.
    let mut by_track: BTreeMap<(usize, usize), Vec<u64>> = BTreeMap::new();
    let mut by_artist: BTreeMap<(usize, usize, u32, u32), u64> = BTreeMap::new();
    for_each_row(&mut reader, path, |cells| {
        let r = cells.text(region)?;
        let Some(ri) = regions.iter().position(|&x| x == r) else {
            return Err(cells.bad(&format!("region '{r}' is not in manifest.json")));
        };
        let p = cells.text(policy)?;
        let Some(pi) = policies.iter().position(|&x| x == p) else {
            return Err(cells.bad(&format!("policy '{p}' is not in manifest.json")));
        };
        let s: u64 = cells.number(streams)?;
        by_track.entry((ri, pi)).or_default().push(s);
        *by_artist
            .entry((ri, pi, cells.number(replicate)?, cells.number(artist)?))
            .or_default() += s;
        Ok(())
    })?;
    // A region lists only the tracks streamed there: the rest of the catalogue (its `all`
    // rows) had 0 streams in it.
    let all = regions.len() - 1;
    for pi in 0..policies.len() {
        let released = by_track.get(&(all, pi)).map_or(0, Vec::len);
        for ri in 0..all {
            let counts = by_track.entry((ri, pi)).or_default();
            if counts.len() < released {
                counts.resize(released, 0);
            }
        }
    }
    let artists: Vec<(usize, u32, u32)> = by_artist
        .keys()
        .filter(|k| k.0 == all)
        .map(|&(_, pi, rep, artist)| (pi, rep, artist))
        .collect();
    for (pi, rep, artist) in artists {
        for ri in 0..all {
            by_artist.entry((ri, pi, rep, artist)).or_default();
        }
    }
    let mut out = Catalogue::new();
    let key = |ri: usize, pi: usize| (regions[ri].to_owned(), policies[pi].to_owned());
    for ((ri, pi), counts) in by_track {
        out.entry(key(ri, pi)).or_default().by_track = counts;
    }
    for ((ri, pi, _, _), s) in by_artist {
        out.entry(key(ri, pi)).or_default().by_artist.push(s);
    }
    Ok(out)
}

/// Plain name and axis description (with unit) of a metric.
pub fn metric_label(metric: &str) -> (&'static str, &'static str) {
    match metric {
        "hhi_tracks" => (
            "Concentration: HHI of streams by track",
            "HHI (0–1, higher = more concentrated)",
        ),
        "top10_share" => (
            "Concentration: share of streams taken by the 10 biggest songs",
            "top-10 share of streams (fraction)",
        ),
        "local_share_streams" => (
            "Local share of streams",
            "streams of local artists (fraction)",
        ),
        "local_share_top10" => (
            "Local share of the headline chart's Top 10",
            "local entries in Top 10 (fraction)",
        ),
        "genre_entropy_individual" => ("Genre entropy of the typical listener", "entropy (nats)"),
        "no1_max_weeks" => ("Most weeks any track spent at No. 1", "weeks"),
        _ => ("metric", "value"),
    }
}
