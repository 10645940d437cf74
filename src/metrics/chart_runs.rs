//! Weeks at No. 1: totals, consecutive runs and spells, per track.
//!
//! Long reigns at No. 1 are the most visible symptom of a concentrated chart, and chart
//! rules (e.g. accelerated decline, streaming-to-sales ratios) are judged by them. Records
//! are counted both ways the industry does: total weeks at No. 1, consecutive or not ("ten
//! non-consecutive weeks at No. 1"), and the longest unbroken run.
//!
//! Input everywhere is the No. 1 of each chart week in order, `None` for a week whose chart
//! was empty. Weeks are counted by their 0-based position in that slice. A `None` week
//! breaks a run like any other No. 1 would.

use std::cmp::Reverse;
use std::collections::{BTreeMap, BTreeSet};

use crate::ids::TrackId;

/// One track's record at No. 1 over the weeks given.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct No1Record {
    /// The track.
    pub track: TrackId,
    /// Total weeks at No. 1, consecutive or not.
    pub total_weeks: u32,
    /// Longest unbroken run of consecutive weeks at No. 1.
    pub longest_run: u32,
    /// Number of separate spells (maximal runs of consecutive weeks) at No. 1.
    pub runs: u32,
    /// 0-based index of the first week at No. 1.
    pub first_week: u32,
}

/// Week index as `u32` (saturating; a simulation never runs 4 billion weeks).
fn week_index(w: usize) -> u32 {
    u32::try_from(w).unwrap_or(u32::MAX)
}

/// One [`No1Record`] per track that reached No. 1, most weeks first.
///
/// ```text
/// total_weeks = #{w : no1[w] = track}
/// runs        = #{w : no1[w] = track and (w = 0 or no1[w − 1] ≠ track)}
/// longest_run = length of the longest block of consecutive weeks with no1[w] = track
/// first_week  = min{w : no1[w] = track}
/// ```
///
/// Sorted by `total_weeks` descending, then `first_week` ascending (the earlier reign
/// first), then track id ascending. An empty or all-`None` input gives an empty `Vec`.
pub fn no1_records(no1_by_week: &[Option<TrackId>]) -> Vec<No1Record> {
    struct Acc {
        total: u32,
        longest: u32,
        runs: u32,
        first_week: u32,
        current: u32,
    }
    let mut by_track: BTreeMap<TrackId, Acc> = BTreeMap::new();
    let mut previous: Option<TrackId> = None;
    for (w, &week) in no1_by_week.iter().enumerate() {
        if let Some(track) = week {
            let acc = by_track.entry(track).or_insert(Acc {
                total: 0,
                longest: 0,
                runs: 0,
                first_week: week_index(w),
                current: 0,
            });
            acc.total += 1;
            if previous == Some(track) {
                acc.current += 1;
            } else {
                acc.runs += 1;
                acc.current = 1;
            }
            acc.longest = acc.longest.max(acc.current);
        }
        previous = week;
    }
    let mut records: Vec<No1Record> = by_track
        .into_iter()
        .map(|(track, acc)| No1Record {
            track,
            total_weeks: acc.total,
            longest_run: acc.longest,
            runs: acc.runs,
            first_week: acc.first_week,
        })
        .collect();
    records.sort_by_key(|r| (Reverse(r.total_weeks), r.first_week, r.track));
    records
}

/// For each week, the total weeks its No. 1 has spent at No. 1 so far, that week included.
///
/// ```text
/// so_far[w] = #{v ≤ w : no1[v] = no1[w]}   if no1[w] is Some, else 0
/// ```
///
/// Counts all earlier weeks at No. 1, consecutive or not, so a returning No. 1 continues its
/// count ("its sixth, non-consecutive, week at No. 1"). Same length as the input.
pub fn weeks_at_no1_so_far(no1_by_week: &[Option<TrackId>]) -> Vec<u32> {
    let mut weeks: BTreeMap<TrackId, u32> = BTreeMap::new();
    no1_by_week
        .iter()
        .map(|week| match week {
            Some(track) => {
                let count = weeks.entry(*track).or_insert(0);
                *count += 1;
                *count
            }
            None => 0,
        })
        .collect()
}

/// Number of distinct tracks that were No. 1 in at least one week (empty weeks not counted).
pub fn distinct_no1s(no1_by_week: &[Option<TrackId>]) -> usize {
    no1_by_week.iter().flatten().collect::<BTreeSet<_>>().len()
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    const A: Option<TrackId> = Some(TrackId(7));
    const B: Option<TrackId> = Some(TrackId(3));

    /// Weeks 0..8: A A B A A A – A
    fn hand_weeks() -> Vec<Option<TrackId>> {
        vec![A, A, B, A, A, A, None, A]
    }

    #[test]
    fn records_hand_check() {
        // A: weeks 0,1,3,4,5,7 → total 6; spells {0,1}, {3,4,5}, {7} → runs 3, longest 3;
        //    first week 0
        // B: week 2 → total 1, one spell of 1, first week 2
        let records = no1_records(&hand_weeks());
        assert_eq!(
            records,
            vec![
                No1Record {
                    track: TrackId(7),
                    total_weeks: 6,
                    longest_run: 3,
                    runs: 3,
                    first_week: 0
                },
                No1Record {
                    track: TrackId(3),
                    total_weeks: 1,
                    longest_run: 1,
                    runs: 1,
                    first_week: 2
                },
            ]
        );
    }

    #[test]
    fn so_far_hand_check() {
        // A counts 1,2 · B 1 · A 3,4,5 · empty 0 · A 6
        assert_eq!(
            weeks_at_no1_so_far(&hand_weeks()),
            vec![1, 2, 1, 3, 4, 5, 0, 6]
        );
    }

    #[test]
    fn distinct_hand_check() {
        assert_eq!(distinct_no1s(&hand_weeks()), 2);
    }

    #[test]
    fn ten_non_consecutive_weeks_is_answerable() {
        // A at No. 1 in 10 weeks, never two in a row
        let weeks: Vec<Option<TrackId>> = (0..20).map(|w| if w % 2 == 0 { A } else { B }).collect();
        let records = no1_records(&weeks);
        let a = records.iter().find(|r| Some(r.track) == A).unwrap();
        assert_eq!((a.total_weeks, a.longest_run, a.runs), (10, 1, 10));
    }

    #[test]
    fn sort_order_ties() {
        // total weeks descending first, then first week ascending (two tracks cannot share
        // a first week, so the track-id tie-break never decides between records)
        let c = Some(TrackId(9));
        let d = Some(TrackId(1));
        let e = Some(TrackId(5));
        let weeks = vec![c, c, d, d, e, d];
        let order: Vec<u32> = no1_records(&weeks).iter().map(|r| r.track.0).collect();
        // d: 3 weeks; c: 2 weeks; e: 1 week
        assert_eq!(order, vec![1, 9, 5]);
        let weeks = vec![c, d, c, d];
        let order: Vec<u32> = no1_records(&weeks).iter().map(|r| r.track.0).collect();
        // both 2 weeks; c first at week 0
        assert_eq!(order, vec![9, 1]);
    }

    #[test]
    fn empty_inputs() {
        assert!(no1_records(&[]).is_empty());
        assert!(no1_records(&[None, None]).is_empty());
        assert!(weeks_at_no1_so_far(&[]).is_empty());
        assert_eq!(weeks_at_no1_so_far(&[None, None]), vec![0, 0]);
        assert_eq!(distinct_no1s(&[]), 0);
        assert_eq!(distinct_no1s(&[None]), 0);
    }

    #[test]
    fn none_breaks_a_run() {
        let records = no1_records(&[A, None, A]);
        assert_eq!((records[0].runs, records[0].longest_run), (2, 1));
    }

    fn weeks_strategy() -> impl Strategy<Value = Vec<Option<TrackId>>> {
        prop::collection::vec(
            prop::option::weighted(0.9, (0_u32..5).prop_map(TrackId)),
            0..100,
        )
    }

    proptest! {
        #[test]
        fn records_are_consistent(weeks in weeks_strategy()) {
            let records = no1_records(&weeks);
            let so_far = weeks_at_no1_so_far(&weeks);
            prop_assert_eq!(records.len(), distinct_no1s(&weeks));
            let filled = weeks.iter().filter(|w| w.is_some()).count() as u32;
            prop_assert_eq!(records.iter().map(|r| r.total_weeks).sum::<u32>(), filled);
            for r in &records {
                prop_assert!(1 <= r.longest_run && r.longest_run <= r.total_weeks);
                prop_assert!(1 <= r.runs && r.runs <= r.total_weeks);
                // runs of total length total_weeks, the longest at most total − (runs − 1)
                prop_assert!(r.longest_run + r.runs - 1 <= r.total_weeks);
                prop_assert_eq!(weeks[r.first_week as usize], Some(r.track));
                // the so-far count at the last week of this track equals its total
                let last = weeks.iter().rposition(|w| *w == Some(r.track)).unwrap();
                prop_assert_eq!(so_far[last], r.total_weeks);
                prop_assert_eq!(so_far.iter().zip(&weeks)
                    .filter(|(_, w)| **w == Some(r.track)).map(|(s, _)| *s).max(), Some(r.total_weeks));
            }
            for pair in records.windows(2) {
                let key = |r: &No1Record| (Reverse(r.total_weeks), r.first_week, r.track);
                prop_assert!(key(&pair[0]) < key(&pair[1]));
            }
        }
    }
}
