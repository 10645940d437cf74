//! The popularity scorer: the most-streamed tracks over a recent window.
//!
//! Score(t) = streams of t over the last `window_days` days, in the listener's region
//! (`regional`) or everywhere (`global`). The ranking is the same for everyone in a scope,
//! so it is computed once a day; a listener's slate is the top of it minus their library
//! (Chaney et al. 2018's "popularity" recommender). Ties go to the lower track id.

use super::{DayContext, PopularityScope, SlateRequest};
use crate::ids::TrackId;

/// Day state of the popularity scorer: one ranking per scope.
#[derive(Clone, Debug)]
pub struct PopularityDay {
    scope: PopularityScope,
    /// Top tracks per region (regional) or a single list (global), best first.
    rankings: Vec<Vec<TrackId>>,
    scratch: Vec<(u64, u32)>,
}

impl PopularityDay {
    pub(super) fn new(scope: PopularityScope) -> Self {
        Self {
            scope,
            rankings: Vec::new(),
            scratch: Vec::new(),
        }
    }

    pub(super) fn prepare(&mut self, ctx: &DayContext) {
        let keep = ctx.slate_size + ctx.library_size;
        let n = ctx.n_tracks;
        let lists = match self.scope {
            PopularityScope::Regional => ctx.n_regions,
            PopularityScope::Global => 1,
        };
        self.rankings.resize(lists, Vec::new());
        for (list, ranking) in self.rankings.iter_mut().enumerate() {
            self.scratch.clear();
            for t in 0..ctx.released {
                let streams: u64 = match self.scope {
                    PopularityScope::Regional => u64::from(ctx.window_streams[list * n + t]),
                    PopularityScope::Global => (0..ctx.n_regions)
                        .map(|r| u64::from(ctx.window_streams[r * n + t]))
                        .sum(),
                };
                self.scratch.push((streams, t as u32));
            }
            top_by_streams(&mut self.scratch, keep);
            ranking.clear();
            ranking.extend(self.scratch.iter().map(|&(_, t)| TrackId(t)));
        }
    }

    pub(super) fn fill(&self, request: &SlateRequest, size: usize, slate: &mut Vec<TrackId>) {
        let list = match self.scope {
            PopularityScope::Regional => request.region.index(),
            PopularityScope::Global => 0,
        };
        let Some(ranking) = self.rankings.get(list) else {
            return;
        };
        for &t in ranking {
            if slate.len() == size {
                break;
            }
            // A ranking has no repeats, so only the library needs checking.
            if !request.library.contains(t.0) {
                slate.push(t);
            }
        }
    }
}

/// Keeps the `keep` items with most streams, sorted best first (ties: lower id first).
fn top_by_streams(items: &mut Vec<(u64, u32)>, keep: usize) {
    let order = |a: &(u64, u32), b: &(u64, u32)| b.0.cmp(&a.0).then(a.1.cmp(&b.1));
    if items.len() > keep && keep > 0 {
        items.select_nth_unstable_by(keep - 1, order);
        items.truncate(keep);
    }
    items.sort_unstable_by(order);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn top_by_streams_orders_and_breaks_ties_by_id() {
        let mut items = vec![(5, 0), (9, 1), (5, 2), (1, 3), (9, 4)];
        top_by_streams(&mut items, 3);
        // 9 (id 1), 9 (id 4), 5 (id 0): the ties at 9 go to the lower id first.
        assert_eq!(items, vec![(9, 1), (9, 4), (5, 0)]);
    }
}
