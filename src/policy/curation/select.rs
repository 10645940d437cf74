//! Selection helpers shared by the curation rules: constrained picks from a ranked list and
//! the reordering that puts a slate's picks first.

use crate::policy::Candidate;
use crate::policy::candidate::RuleScratch;

/// Moves the candidates at `picks` (indices into `list`, in the order given) to the front;
/// the others follow in their previous order, so later rules can still use them.
pub(super) fn move_to_front(list: &mut Vec<Candidate>, picks: &[usize], scratch: &mut RuleScratch) {
    let RuleScratch {
        taken, reordered, ..
    } = scratch;
    taken.clear();
    taken.resize(list.len(), false);
    reordered.clear();
    for &i in picks {
        taken[i] = true;
        reordered.push(list[i]);
    }
    reordered.extend(
        list.iter()
            .zip(taken.iter())
            .filter(|(_, t)| !**t)
            .map(|(c, _)| *c),
    );
    std::mem::swap(list, reordered);
}

/// A group of candidates and how many of them a slate must hold (a floor) or may hold (a
/// cap).
pub(super) struct Bound<'f> {
    pub count: usize,
    pub member: &'f dyn Fn(&Candidate) -> bool,
}

/// Picks up to `size` candidates from `list` (best first in list order) so that every floor
/// is met where enough members exist, and no cap is exceeded: for each floor in turn, the
/// best members not yet picked are added until the floor holds; then the best remaining
/// candidates fill the slate. Picks are returned in list order, so a floor changes *which*
/// tracks make the slate, not the order among them.
pub(super) fn pick_with_bounds(
    list: &[Candidate],
    size: usize,
    floors: &[Bound],
    caps: &[Bound],
    picks: &mut Vec<usize>,
    taken: &mut Vec<bool>,
) {
    picks.clear();
    taken.clear();
    taken.resize(list.len(), false);
    let within_caps = |picks: &[usize], c: &Candidate| {
        caps.iter().all(|cap| {
            !(cap.member)(c)
                || picks.iter().filter(|&&i| (cap.member)(&list[i])).count() < cap.count
        })
    };
    for floor in floors {
        let mut have = picks.iter().filter(|&&i| (floor.member)(&list[i])).count();
        for (i, c) in list.iter().enumerate() {
            if have >= floor.count || picks.len() == size {
                break;
            }
            if !taken[i] && (floor.member)(c) && within_caps(picks, c) {
                taken[i] = true;
                picks.push(i);
                have += 1;
            }
        }
    }
    for (i, c) in list.iter().enumerate() {
        if picks.len() == size {
            break;
        }
        if !taken[i] && within_caps(picks, c) {
            taken[i] = true;
            picks.push(i);
        }
    }
    picks.sort_unstable();
}

/// Relevance of each candidate rescaled to 0..1 (min–max over the list) into `values`.
pub(super) fn relevance(list: &[Candidate], values: &mut Vec<f32>) {
    values.clear();
    values.extend(list.iter().map(|c| c.score));
    let (lo, hi) = values
        .iter()
        .fold((f32::INFINITY, f32::NEG_INFINITY), |(lo, hi), &v| {
            (lo.min(v), hi.max(v))
        });
    let span = hi - lo;
    for v in values.iter_mut() {
        *v = if span > 0.0 && span.is_finite() {
            (*v - lo) / span
        } else {
            1.0
        };
    }
}

/// ⌈share × size⌉ with a tolerance for shares like 0.3 × 10 that floats put just above 3.
pub(super) fn at_least(share: f64, size: usize) -> usize {
    ((share * size as f64) - 1e-9).ceil().max(0.0) as usize
}

/// ⌊share × size⌋ with the same tolerance.
pub(super) fn at_most(share: f64, size: usize) -> usize {
    ((share * size as f64) + 1e-9).floor() as usize
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ids::TrackId;

    fn list(n: u32) -> Vec<Candidate> {
        (0..n)
            .map(|t| Candidate::new(TrackId(t), 1.0 - t as f32 / 10.0))
            .collect()
    }

    #[test]
    fn floors_take_the_best_members_and_keep_list_order() {
        let l = list(8);
        let even = |c: &Candidate| c.track.0.is_multiple_of(2) && c.track.0 >= 4;
        let (mut picks, mut taken) = (Vec::new(), Vec::new());
        // Slate of 3 with at least 2 of {4, 6}: 4 and 6, then the best other (0).
        pick_with_bounds(
            &l,
            3,
            &[Bound {
                count: 2,
                member: &even,
            }],
            &[],
            &mut picks,
            &mut taken,
        );
        assert_eq!(picks, vec![0, 4, 6]);
    }

    #[test]
    fn caps_skip_members_beyond_the_cap() {
        let l = list(6);
        let low = |c: &Candidate| c.track.0 < 3;
        let (mut picks, mut taken) = (Vec::new(), Vec::new());
        pick_with_bounds(
            &l,
            4,
            &[],
            &[Bound {
                count: 1,
                member: &low,
            }],
            &mut picks,
            &mut taken,
        );
        assert_eq!(picks, vec![0, 3, 4, 5]);
    }

    #[test]
    fn move_to_front_keeps_the_rest_in_order() {
        let mut l = list(5);
        move_to_front(&mut l, &[3, 1], &mut RuleScratch::default());
        assert_eq!(
            l.iter().map(|c| c.track.0).collect::<Vec<_>>(),
            vec![3, 1, 0, 2, 4]
        );
    }

    #[test]
    fn rounding_of_shares() {
        assert_eq!(at_least(0.3, 10), 3);
        assert_eq!(at_least(0.4, 10), 4);
        assert_eq!(at_least(0.25, 10), 3);
        assert_eq!(at_least(0.0, 10), 0);
        assert_eq!(at_most(0.3, 10), 3);
        assert_eq!(at_most(0.25, 10), 2);
    }
}
