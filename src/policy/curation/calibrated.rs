//! `calibrated { lambda }`: calibrated recommendations (Steck 2018): the slate's genre mix
//! should match the mix of what the listener has played.
//!
//! p(g) = Σᵢ wᵢ·[gᵢ = g] / Σᵢ wᵢ over the listener's library, wᵢ the track's familiarity
//! (decayed play count): the genre mix of their history. For a slate S, q(g) = share of S in
//! genre g, smoothed as q̃ = (1 − a)·q + a·p with a = 0.01 (Steck's choice, so the divergence
//! stays finite), and the miscalibration is C(p, q̃) = KL(p ‖ q̃) = Σ_g p(g)·ln(p(g)/q̃(g)).
//! The slate is built greedily (Steck's algorithm): each step adds the candidate that
//! maximises (1 − λ)·Σ_{i∈S} rel(i) − λ·C(p, q̃(S)), rel being relevance rescaled to 0..1.
//! λ = 0 keeps the scorer's ranking; λ near 1 favours the genre mix over relevance. A
//! listener with an empty history leaves the list unchanged.

use super::select::{move_to_front, relevance};
use crate::policy::candidate::RuleScratch;
use crate::policy::extend::SlateContext;
use crate::policy::{Candidate, SlateRequest};
use crate::world::World;

/// Smoothing of the slate's genre distribution towards the history (Steck 2018: 0.01).
pub const SMOOTHING: f64 = 0.01;

/// The calibration rule.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Calibrated {
    /// Weight on calibration, 0..1.
    pub lambda: f64,
}

/// The genre mix of a listener's history into `p` (one entry per genre; sums to 1, or all
/// zeros when the history is empty). Weights are the familiarity values, or 1 per track
/// when `familiarity` does not match the library.
pub fn history_mix(world: &World, request: &SlateRequest, p: &mut Vec<f64>) {
    let genre = &world.catalogue.tracks.genre;
    p.clear();
    p.resize(world.genre_centres.len(), 0.0);
    let library = request.library.tracks();
    let weighted = request.familiarity.len() == library.len();
    for (k, &t) in library.iter().enumerate() {
        let w = if weighted {
            f64::from(request.familiarity[k].max(0.0))
        } else {
            1.0
        };
        p[genre[t as usize].index()] += w;
    }
    let total: f64 = p.iter().sum();
    if total > 0.0 {
        p.iter_mut().for_each(|x| *x /= total);
    }
}

impl Calibrated {
    /// Reorders `list` so its first `size` candidates are the calibrated slate, in
    /// selection order.
    pub fn apply(
        &self,
        ctx: &SlateContext,
        request: &SlateRequest,
        list: &mut Vec<Candidate>,
        size: usize,
        scratch: &mut RuleScratch,
    ) {
        history_mix(ctx.world, request, &mut scratch.target);
        if scratch.target.iter().all(|&x| x == 0.0) {
            return;
        }
        let genre = &ctx.world.catalogue.tracks.genre;
        relevance(list, &mut scratch.values);
        let p = &scratch.target;
        let lambda = self.lambda;
        let a = SMOOTHING;
        let n_genres = p.len();
        let self_entropy: f64 = p.iter().filter(|&&x| x > 0.0).map(|&x| x * x.ln()).sum();
        // counts[g]: slate tracks of genre g so far; mix[g] holds ln q̃ terms (see below).
        let mix = &mut scratch.mix;
        mix.clear();
        mix.resize(3 * n_genres, 0.0);
        let (counts, rest) = mix.split_at_mut(n_genres);
        let (without, with) = rest.split_at_mut(n_genres);
        let n = list.len();
        let mut picks = std::mem::take(&mut scratch.picks);
        picks.clear();
        let taken = &mut scratch.taken;
        taken.clear();
        taken.resize(n, false);
        let mut relevance_sum = 0.0;
        while picks.len() < size.min(n) {
            // Adding a track of genre g to a slate of k: q̃(x) = (1−a)(counts[x] + [x=g])/(k+1)
            // + a·p(x). Σₓ p(x) ln q̃(x) = Σₓ without[x] + (with[g] − without[g]).
            let k1 = (picks.len() + 1) as f64;
            for x in 0..n_genres {
                if p[x] > 0.0 {
                    without[x] = p[x] * ((1.0 - a) * counts[x] / k1 + a * p[x]).ln();
                    with[x] = p[x] * ((1.0 - a) * (counts[x] + 1.0) / k1 + a * p[x]).ln();
                } else {
                    without[x] = 0.0;
                    with[x] = 0.0;
                }
            }
            let base: f64 = without.iter().sum();
            let mut best = usize::MAX;
            let mut best_value = f64::NEG_INFINITY;
            for i in 0..n {
                if taken[i] {
                    continue;
                }
                let g = genre[list[i].track.index()].index();
                let kl = self_entropy - (base + with[g] - without[g]);
                let value =
                    (1.0 - lambda) * (relevance_sum + f64::from(scratch.values[i])) - lambda * kl;
                if value > best_value {
                    best = i;
                    best_value = value;
                }
            }
            taken[best] = true;
            picks.push(best);
            relevance_sum += f64::from(scratch.values[best]);
            counts[genre[list[best].track.index()].index()] += 1.0;
        }
        move_to_front(list, &picks, scratch);
        scratch.picks = picks;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::metrics::kl_divergence;
    use crate::policy::curation::testkit::{Kit, T};

    /// History: 3 plays of genre 0 and 1 of genre 1 (p = ¾, ¼). Candidates best first: six of
    /// genre 0 then four of genre 1, then two of genre 2.
    fn kit() -> Kit {
        let genres = [0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 0, 1];
        let tracks: Vec<T> = genres
            .iter()
            .map(|&g| T {
                genre: g,
                ..T::default()
            })
            .collect();
        let mut kit = Kit::new(&tracks);
        kit.library = vec![12, 13];
        kit.familiarity = vec![3.0, 1.0];
        kit
    }

    fn miscalibration(kit: &Kit, slate: &[Candidate]) -> f64 {
        let mut q = [0.0; 3];
        for c in slate {
            q[kit.world.catalogue.tracks.genre[c.track.index()].index()] += 1.0;
        }
        let n: f64 = q.iter().sum();
        let p = [0.75, 0.25, 0.0];
        let q: Vec<f64> = q
            .iter()
            .zip(p)
            .map(|(x, p)| 0.99 * x / n + 0.01 * p)
            .collect();
        kl_divergence(&p, &q)
    }

    #[test]
    fn history_mix_weights_by_familiarity() {
        let kit = kit();
        let mut p = Vec::new();
        history_mix(&kit.world, &kit.request(0), &mut p);
        assert_eq!(&p[..3], &[0.75, 0.25, 0.0]);
    }

    #[test]
    fn calibration_lowers_the_divergence() {
        let kit = kit();
        let before = kit.ranked(12);
        let mut after = before.clone();
        Calibrated { lambda: 0.9 }.apply(
            &kit.ctx(),
            &kit.request(0),
            &mut after,
            4,
            &mut RuleScratch::default(),
        );
        // The top four are all genre 0; calibrated, three of genre 0 and one of genre 1
        // (exactly ¾ and ¼).
        let genre = |c: &Candidate| kit.world.catalogue.tracks.genre[c.track.index()].index();
        let mut mix: Vec<usize> = after[..4].iter().map(genre).collect();
        mix.sort_unstable();
        assert_eq!(mix, vec![0, 0, 0, 1]);
        assert!(miscalibration(&kit, &after[..4]) < miscalibration(&kit, &before[..4]));
        // λ = 0 is the ranking itself.
        let mut same = before.clone();
        Calibrated { lambda: 0.0 }.apply(
            &kit.ctx(),
            &kit.request(0),
            &mut same,
            4,
            &mut RuleScratch::default(),
        );
        assert_eq!(kit.ids(&same[..4]), vec![0, 1, 2, 3]);
    }
}
