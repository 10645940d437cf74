//! Each track's nearest tracks in the latent space of the matrix factorisation: the
//! candidate lists a factorisation slate draws from, found once per refit.
//!
//! s(i, j) = y_iᵀ (YᵀY + λI)⁻¹ y_j ranks j exactly as the model's prediction for a listener
//! holding only i does (Sherman–Morrison), so the lists are the model's own one-track
//! recommendations. The search is exact but pruned by Cauchy–Schwarz, and blocked so that
//! four tracks' similarities to eight others are computed together in registers.

use ndarray::Array2;
use rayon::prelude::*;

use super::cholesky::{cholesky, dot, forward_substitute};
use super::neighbours::ItemNeighbours;

/// Tracks whose neighbour lists one parallel task finds (a multiple of `ROWS`; a constant,
/// so the partition never depends on the number of threads).
const NEIGHBOUR_ROWS_PER_TASK: usize = 32;

/// Tracks whose similarities are computed together, sharing each load of the others'.
const ROWS: usize = 4;

/// Tracks in one block of the neighbour search (two 4-lane vectors).
const COLUMNS: usize = 8;

/// Each track's `k` nearest tracks by s(i, j) = y_iᵀ G⁻¹ y_j (G = YᵀY + λI), positive
/// similarities only, most similar first, ties to the lower id: exact, over all tracks with
/// a non-zero factor, in whitened single-precision coordinates w = L⁻¹y (G = LLᵀ, so
/// s(i, j) = w_i·w_j).
///
/// Tracks are visited in descending ‖w‖, and a track's scan stops at the first block whose
/// largest norm ‖w_j‖ cannot reach its list: s(i, j) ≤ ‖w_i‖‖w_j‖ (Cauchy–Schwarz), so no
/// later track can either. Factor norms are heavy-tailed (held-by-many tracks have long
/// vectors), so most of the all-pairs work is skipped, and the result is the same.
pub(super) fn latent_neighbours(items: &Array2<f64>, gram: &[f64], k: usize) -> ItemNeighbours {
    let (n, f) = items.dim();
    let flat = items.as_slice().expect("invariant: factors are contiguous");
    let mut l = gram.to_vec();
    cholesky(&mut l, f);
    let mut w = vec![0.0; f];
    let mut tracks: Vec<(u32, Vec<f32>, f32)> = Vec::new();
    for t in 0..n {
        let y = &flat[t * f..(t + 1) * f];
        if y.iter().all(|&v| v == 0.0) {
            continue;
        }
        w.copy_from_slice(y);
        forward_substitute(&l, f, &mut w);
        let norm = dot(&w, &w).sqrt() as f32;
        tracks.push((t as u32, w.iter().map(|&v| v as f32).collect(), norm));
    }
    tracks.sort_by(|a, b| b.2.total_cmp(&a.2).then(a.0.cmp(&b.0)));
    let m = tracks.len();
    // Stored in blocks of COLUMNS tracks, each block factor-major (position c's w[p] at
    // (c / COLUMNS)·f·COLUMNS + p·COLUMNS + c % COLUMNS), zero-padded to whole blocks and
    // whole groups of ROWS: one track's similarities to a block are f multiply-adds of
    // contiguous vectors, computed for ROWS tracks at once in registers.
    let blocks = m.div_ceil(COLUMNS).max(1);
    let padded = (blocks * COLUMNS).max(m.div_ceil(ROWS) * ROWS);
    let mut whitened = vec![0f32; padded.div_ceil(COLUMNS) * f * COLUMNS];
    for (c, (_, w, _)) in tracks.iter().enumerate() {
        for (p, &v) in w.iter().enumerate() {
            whitened[(c / COLUMNS) * f * COLUMNS + p * COLUMNS + c % COLUMNS] = v;
        }
    }
    // A block's largest norm is its first (norms descend), inflated to cover rounding in
    // the single-precision dot products (error ≤ f·ε·‖a‖‖b‖ ≪ 10⁻⁴‖a‖‖b‖ for f ≤ 64).
    let reach: Vec<f32> = (0..blocks)
        .map(|b| tracks.get(b * COLUMNS).map_or(0.0, |t| t.2) * (1.0 + 1e-4))
        .collect();
    let norm = |c: usize| tracks.get(c).map_or(0.0, |t| t.2);
    let factor =
        |c: usize, p: usize| whitened[(c / COLUMNS) * f * COLUMNS + p * COLUMNS + c % COLUMNS];
    let found: Vec<Vec<Vec<(u32, f32)>>> = (0..m.div_ceil(NEIGHBOUR_ROWS_PER_TASK))
        .into_par_iter()
        .map(|task| {
            let first = task * NEIGHBOUR_ROWS_PER_TASK;
            let last = (first + NEIGHBOUR_ROWS_PER_TASK).min(m);
            let mut rows = Vec::with_capacity(last - first);
            let mut mine = vec![0f32; ROWS * f];
            for group in (first..last).step_by(ROWS) {
                for r in 0..ROWS {
                    for p in 0..f {
                        mine[r * f + p] = factor(group + r, p);
                    }
                }
                let mut best: [Vec<(u32, f32)>; ROWS] = Default::default();
                for b in 0..blocks {
                    let reachable =
                        (0..ROWS).any(|r| norm(group + r) * reach[b] > floor(&best[r], k));
                    if !reachable {
                        break;
                    }
                    let block = &whitened[b * f * COLUMNS..(b + 1) * f * COLUMNS];
                    let mut acc = [[0f32; COLUMNS]; ROWS];
                    for (p, w) in block.chunks_exact(COLUMNS).enumerate() {
                        for (r, acc) in acc.iter_mut().enumerate() {
                            let a = mine[r * f + p];
                            for (s, &v) in acc.iter_mut().zip(w) {
                                *s += a * v;
                            }
                        }
                    }
                    for (r, acc) in acc.iter().enumerate() {
                        let floor = floor(&best[r], k);
                        if !acc.iter().fold(false, |any, &s| any | (s >= floor)) {
                            continue;
                        }
                        for (q, &s) in acc.iter().enumerate() {
                            let c = b * COLUMNS + q;
                            if c < m && c != group + r {
                                offer(&mut best[r], k, tracks[c].0, s);
                            }
                        }
                    }
                }
                rows.extend(best.into_iter().take(last - group));
            }
            rows
        })
        .collect();
    // Back to track order.
    let mut by_track: Vec<Vec<(u32, f32)>> = vec![Vec::new(); n];
    for (c, row) in found.into_iter().flatten().enumerate() {
        by_track[tracks[c].0 as usize] = row;
    }
    let mut offsets = Vec::with_capacity(n + 1);
    offsets.push(0);
    let mut neighbours = Vec::new();
    for row in by_track {
        neighbours.extend(row);
        offsets.push(neighbours.len() as u32);
    }
    ItemNeighbours::from_rows(offsets, neighbours)
}

/// The similarity a track must reach to join a top-`k` list (positive similarities only;
/// at a tie, the lower id wins, see [`offer`]).
#[inline]
fn floor(best: &[(u32, f32)], k: usize) -> f32 {
    if best.len() == k {
        best.last().map_or(f32::INFINITY, |b| b.1)
    } else {
        f32::MIN_POSITIVE
    }
}

/// Offers `track` with similarity `s` to the top-`k` list `best`, kept in the order
/// (similarity descending, id ascending) whatever order tracks are offered in.
#[inline]
fn offer(best: &mut Vec<(u32, f32)>, k: usize, track: u32, s: f32) {
    let before = |b: &(u32, f32)| b.1 > s || (b.1 == s && b.0 < track);
    if s <= 0.0 || (best.len() == k && best.last().is_none_or(before)) {
        return;
    }
    let at = best.partition_point(before);
    best.insert(at, (track, s));
    best.truncate(k);
}
