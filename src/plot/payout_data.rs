//! What the payout plots and the report's creators' income section read: the baseline
//! policy's payouts by artist under each rule set (from `payouts.csv`, every month and
//! region of the run), with each artist's genre, origin and label (from `tracks.csv`),
//! per replicate world, so that differences between rules are paired within a world.

use std::collections::BTreeMap;
use std::path::Path;

use super::PlotError;
use super::csv_read::{columns, for_each_row, open_csv};

/// One replicate world's payouts under one rule set.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct WorldPayouts {
    /// Payout of every artist with a released track (zeros included), in artist order.
    pub by_artist: Vec<f64>,
    /// Payouts by group (`genre: NAME`, `origin: local` or `origin: foreign` — an artist
    /// paid in their own region or elsewhere —, `label: major` or `label: independent`).
    pub by_group: BTreeMap<String, f64>,
}

impl WorldPayouts {
    /// Everything paid.
    pub fn total(&self) -> f64 {
        self.by_artist.iter().sum()
    }

    /// Group `group`'s share of everything paid (0 when nothing was paid).
    pub fn share(&self, group: &str) -> f64 {
        let total = self.total();
        if total > 0.0 {
            self.by_group.get(group).copied().unwrap_or(0.0) / total
        } else {
            0.0
        }
    }
}

/// The baseline policy's payouts, per rule set and replicate world.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct PayoutData {
    /// Rule-set names in scenario order; the first is the reference.
    pub rules: Vec<String>,
    /// `worlds[rule][replicate]`.
    pub worlds: Vec<Vec<WorldPayouts>>,
    /// Every group name that occurs, sorted.
    pub groups: Vec<String>,
    /// The baseline policy's rows of `payout_summary.csv` for all regions together.
    pub summary: Vec<PayoutSummaryEntry>,
}

/// One row of `payout_summary.csv` (the baseline policy, all regions).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct PayoutSummaryEntry {
    /// Payout rule set.
    pub rules: String,
    /// Payout metric.
    pub metric: String,
    /// Mean over replicates and its 95% interval (missing when not computable).
    pub mean: Option<f64>,
    /// Lower end of the interval.
    pub ci_low: Option<f64>,
    /// Upper end of the interval.
    pub ci_high: Option<f64>,
    /// Paired difference against the reference rule set and its interval.
    pub diff: Option<f64>,
    /// Lower end of the difference's interval.
    pub diff_low: Option<f64>,
    /// Upper end of the difference's interval.
    pub diff_high: Option<f64>,
}

impl PayoutData {
    /// The summary entry of a rule set and metric.
    pub fn summary_of(&self, rules: &str, metric: &str) -> Option<&PayoutSummaryEntry> {
        self.summary
            .iter()
            .find(|e| e.rules == rules && e.metric == metric)
    }
}

/// An artist's attributes in one world.
struct Artist {
    genre: String,
    origin: String,
    label: String,
}

impl PayoutData {
    /// Reads `payouts.csv`, `payout_summary.csv` and `tracks.csv` of `dir`, written with
    /// rule sets `rules` over `replicates` worlds, for policy `baseline`.
    pub fn read(
        dir: &Path,
        rules: Vec<String>,
        baseline: &str,
        replicates: usize,
    ) -> Result<Self, PlotError> {
        let artists = read_artists(&dir.join("tracks.csv"), baseline)?;
        // (rule, replicate) → artist → payout; and → group → payout.
        let mut paid: Vec<Vec<BTreeMap<u32, f64>>> =
            vec![vec![BTreeMap::new(); replicates]; rules.len()];
        let mut groups: Vec<Vec<BTreeMap<String, f64>>> =
            vec![vec![BTreeMap::new(); replicates]; rules.len()];
        let path = dir.join("payouts.csv");
        let mut reader = open_csv(&path)?;
        let [replicate, policy, region, rule, artist, payout] = columns(
            &mut reader,
            &path,
            ["replicate", "policy", "region", "rules", "artist", "payout"],
        )?;
        for_each_row(&mut reader, &path, |cells| {
            if cells.text(policy)? != baseline {
                return Ok(());
            }
            let rep: usize = cells.number(replicate)?;
            let name = cells.text(rule)?;
            let (Some(k), true) = (rules.iter().position(|r| r == name), rep < replicates) else {
                return Err(cells.bad(&format!(
                    "rule set '{name}' or replicate {rep} is not in manifest.json"
                )));
            };
            let a: u32 = cells.number(artist)?;
            let amount: f64 = cells.number(payout)?;
            let Some(who) = artists.get(&(rep, a)) else {
                return Err(cells.bad(&format!("artist {a} has no track in tracks.csv")));
            };
            *paid[k][rep].entry(a).or_default() += amount;
            let origin = if who.origin == cells.text(region)? {
                "origin: local"
            } else {
                "origin: foreign"
            };
            let by_group = &mut groups[k][rep];
            for group in [
                format!("genre: {}", who.genre),
                origin.to_owned(),
                format!("label: {}", who.label),
            ] {
                *by_group.entry(group).or_default() += amount;
            }
            Ok(())
        })?;
        let mut names: Vec<String> = Vec::new();
        let worlds = paid
            .into_iter()
            .zip(groups)
            .map(|(paid, groups)| {
                paid.into_iter()
                    .zip(groups)
                    .enumerate()
                    .map(|(rep, (paid, by_group))| {
                        names.extend(by_group.keys().cloned());
                        let by_artist = artists
                            .range((rep, 0)..(rep + 1, 0))
                            .map(|(&(_, a), _)| paid.get(&a).copied().unwrap_or(0.0))
                            .collect();
                        WorldPayouts {
                            by_artist,
                            by_group,
                        }
                    })
                    .collect()
            })
            .collect();
        names.sort();
        names.dedup();
        let summary = read_summary(&dir.join("payout_summary.csv"), baseline)?;
        Ok(Self {
            rules,
            worlds,
            groups: names,
            summary,
        })
    }

    /// Each replicate's paired difference (rule `k` − the reference) of `of`.
    pub fn differences(&self, k: usize, of: impl Fn(&WorldPayouts) -> f64) -> Vec<f64> {
        self.worlds[k]
            .iter()
            .zip(&self.worlds[0])
            .map(|(x, reference)| of(x) - of(reference))
            .collect()
    }
}

/// `(replicate, artist)` → attributes, from the baseline's `all` rows of `tracks.csv`
/// (every released track).
fn read_artists(path: &Path, baseline: &str) -> Result<BTreeMap<(usize, u32), Artist>, PlotError> {
    let mut reader = open_csv(path)?;
    let [replicate, policy, region, artist, genre, origin, label] = columns(
        &mut reader,
        path,
        [
            "replicate",
            "policy",
            "region",
            "artist",
            "genre",
            "origin",
            "label",
        ],
    )?;
    let mut out = BTreeMap::new();
    for_each_row(&mut reader, path, |cells| {
        if cells.text(policy)? != baseline || cells.text(region)? != "all" {
            return Ok(());
        }
        let key = (cells.number(replicate)?, cells.number(artist)?);
        if let std::collections::btree_map::Entry::Vacant(slot) = out.entry(key) {
            slot.insert(Artist {
                genre: cells.text(genre)?.to_owned(),
                origin: cells.text(origin)?.to_owned(),
                label: cells.text(label)?.to_owned(),
            });
        }
        Ok(())
    })?;
    Ok(out)
}

/// The baseline's all-regions rows of `payout_summary.csv`.
fn read_summary(path: &Path, baseline: &str) -> Result<Vec<PayoutSummaryEntry>, PlotError> {
    let mut reader = open_csv(path)?;
    let [
        policy,
        region,
        rules,
        metric,
        mean,
        ci_low,
        ci_high,
        diff,
        diff_low,
        diff_high,
    ] = columns(
        &mut reader,
        path,
        [
            "policy",
            "region",
            "rules",
            "metric",
            "mean",
            "ci_low",
            "ci_high",
            "diff_vs_reference",
            "diff_ci_low",
            "diff_ci_high",
        ],
    )?;
    let mut out = Vec::new();
    for_each_row(&mut reader, path, |cells| {
        if cells.text(policy)? != baseline || cells.text(region)? != "all" {
            return Ok(());
        }
        let value = |i: usize| -> Result<Option<f64>, PlotError> {
            Ok(Some(cells.float_or_nan(i)?).filter(|x| !x.is_nan()))
        };
        out.push(PayoutSummaryEntry {
            rules: cells.text(rules)?.to_owned(),
            metric: cells.text(metric)?.to_owned(),
            mean: value(mean)?,
            ci_low: value(ci_low)?,
            ci_high: value(ci_high)?,
            diff: value(diff)?,
            diff_low: value(diff_low)?,
            diff_high: value(diff_high)?,
        });
        Ok(())
    })?;
    Ok(out)
}
