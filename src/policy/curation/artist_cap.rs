//! `artist_cap { max }`: at most `max` tracks by one lead artist in a slate.
//!
//! Walks the candidates best first and skips any whose artist already has `max` tracks on
//! the slate (the same idea as the UK chart's three-tracks-per-lead-artist cap, FACTS.md,
//! applied to a slate).

use super::select::move_to_front;
use crate::policy::candidate::RuleScratch;
use crate::policy::extend::SlateContext;
use crate::policy::{Candidate, SlateRequest};

/// The artist cap rule.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ArtistCap {
    /// Tracks per artist allowed on a slate, ≥ 1.
    pub max: u32,
}

impl ArtistCap {
    /// Reorders `list` so its first `size` candidates respect the cap (when enough
    /// candidates exist).
    pub fn apply(
        &self,
        ctx: &SlateContext,
        _request: &SlateRequest,
        list: &mut Vec<Candidate>,
        size: usize,
        scratch: &mut RuleScratch,
    ) {
        let artist = &ctx.world.catalogue.tracks.artist;
        let mut picks = std::mem::take(&mut scratch.picks);
        picks.clear();
        for (i, c) in list.iter().enumerate() {
            if picks.len() == size {
                break;
            }
            let a = artist[c.track.index()];
            let same = picks
                .iter()
                .filter(|&&p| artist[list[p].track.index()] == a)
                .count();
            if same < self.max as usize {
                picks.push(i);
            }
        }
        move_to_front(list, &picks, scratch);
        scratch.picks = picks;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::policy::curation::testkit::{Kit, T};

    #[test]
    fn no_artist_exceeds_the_cap() {
        // Artists by rank: A A A B A B C C → with max 2 and a slate of 5: 0 1 3 5 6.
        let artists = [1, 1, 1, 2, 1, 2, 3, 3];
        let tracks: Vec<T> = artists
            .iter()
            .map(|&a| T {
                artist: a,
                ..T::default()
            })
            .collect();
        let kit = Kit::new(&tracks);
        let mut list = kit.ranked(8);
        ArtistCap { max: 2 }.apply(
            &kit.ctx(),
            &kit.request(0),
            &mut list,
            5,
            &mut RuleScratch::default(),
        );
        assert_eq!(kit.ids(&list[..5]), vec![0, 1, 3, 5, 6]);
        ArtistCap { max: 1 }.apply(
            &kit.ctx(),
            &kit.request(0),
            &mut list,
            5,
            &mut RuleScratch::default(),
        );
        assert_eq!(
            kit.ids(&list[..3]),
            vec![0, 3, 6],
            "one per artist, three artists"
        );
    }
}
