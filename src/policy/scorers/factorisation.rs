//! Implicit-feedback matrix factorisation for the collaborative scorer (`model =
//! "factorisation"`): listeners and tracks get latent factor vectors fitted to who holds
//! what, so a listener can be shown tracks that nobody with their exact library holds, as
//! long as the tracks' holders overlap in taste. Item-item co-occurrence can only recommend
//! tracks co-held with one of the listener's own; factorisation generalises, which is why
//! platforms moved to it (Hu, Koren & Volinsky 2008; Spotify's early recommender was
//! implicit ALS).
//!
//! **Model** (Hu, Koren & Volinsky 2008, "Collaborative Filtering for Implicit Feedback
//! Datasets", ICDM). Preference p_ui = 1 if track i is in listener u's library, else 0;
//! confidence c_ui = 1 + α for a held track, 1 otherwise (α = `confidence`, 40 by default
//! as in the paper). Binary rather than play-weighted confidence: a library already holds
//! only the tracks a listener played enough to keep, its familiarity values decay lazily
//! (stale for listeners inactive that day), and the slate-time fold-in must weigh a
//! library exactly as the fit did. The factors x_u, y_i ∈ ℝᶠ (f = `factors`) minimise
//!
//! L = Σ_u Σ_i c_ui (p_ui − x_uᵀ y_i)² + λ (Σ_u ‖x_u‖² + Σ_i ‖y_i‖²)   (λ = `regularisation`)
//!
//! over *all* (listener, track) pairs, by alternating least squares: with the track factors
//! fixed each listener's factor has the closed form
//!
//! x_u = (YᵀY + λI + Σ_{i ∈ lib(u)} α y_i y_iᵀ)⁻¹ (1 + α) Σ_{i ∈ lib(u)} y_i,
//!
//! and symmetrically for tracks over their holders. YᵀY is computed once per half-sweep
//! (the paper's trick), so a listener's solve costs O(|lib| f² + f³) instead of
//! O(tracks · f²). Each step minimises L exactly in its block, so L never increases.
//!
//! **Schedule.** Refits follow the scenario's `retrain`. The first fit of a run starts from
//! track factors drawn from a hash of (track id, factor), uniform in ±1/√f, and runs
//! `max(sweeps, INITIAL_SWEEPS)` sweeps (listener step, then track step); later fits
//! start from the previous track factors (warm start) and run `sweeps` (default 1).
//! Tracks nobody holds get y = 0 exactly and are never recommended.
//!
//! **Serving.** Candidates come from each track's `neighbours` nearest tracks, found at
//! retrain time: s(i, j) = y_iᵀ (YᵀY + λI)⁻¹ y_j, which (Sherman–Morrison) ranks j exactly
//! as the model's prediction for a listener holding only i does, so the lists are the
//! model's own one-track recommendations. Found exactly over all held tracks in whitened
//! coordinates w = L⁻¹y (YᵀY + λI = LLᵀ, single precision), at most O(held² f) per refit
//! but mostly far less: tracks are visited by decreasing ‖w‖ and a track's scan stops
//! where s(i, j) ≤ ‖w_i‖‖w_j‖ says nothing further can enter its list. A slate folds the listener's *current* library into a factor x_u with the exact
//! listener step above (O(16 f² + f³)), takes the union of its tracks' neighbour lists and
//! ranks it by the prediction x_uᵀ y_j: a cost fixed by library size × `neighbours` × f,
//! independent of the catalogue. Tracks predicted at or below 0 are dropped; a listener
//! with nothing left (an empty library, or only tracks nobody held at the last refit) is
//! padded from the regional popularity ranking, as in the item-item model.
//!
//! **Determinism.** Each listener's and track's solve reads only fixed inputs, so solving
//! them on any number of threads gives the same bits; the Gram matrices YᵀY and XᵀX are
//! summed sequentially in index order; rows are handed to workers in constant-size chunks.

use ndarray::Array2;
use rayon::prelude::*;

use super::collaborative::{Holdings, ItemNeighbours, LibraryScores};
use crate::policy::Factorisation;
use crate::rng::mix64;

/// Least number of sweeps of a run's first fit (from hashed factors, not warm-started).
pub const INITIAL_SWEEPS: u32 = 8;

/// Rows solved by one parallel task (a constant, so the partition never depends on the
/// number of threads).
const ROWS_PER_TASK: usize = 256;

/// Tracks whose neighbour lists one parallel task finds (a multiple of `ROWS`).
const NEIGHBOUR_ROWS_PER_TASK: usize = 32;

/// Tracks whose similarities are computed together, sharing each load of the others'.
const ROWS: usize = 4;

/// Tracks in one block of the neighbour search (two 4-lane vectors).
const COLUMNS: usize = 8;

/// Key of the hash behind the initial track factors.
const INIT_KEY: u64 = 0x6d66_5f69_6e69_7400;

/// The fitted factorisation: factor matrices, the Gram matrix slates fold in against, and
/// each track's neighbours in latent space.
#[derive(Clone, Debug)]
pub struct FactorModel {
    settings: Factorisation,
    /// Listener factors X (listeners × f), as of the last fit.
    users: Array2<f64>,
    /// Track factors Y (tracks × f).
    items: Array2<f64>,
    /// YᵀY + λI, f × f, row-major.
    gram: Vec<f64>,
    neighbours: ItemNeighbours,
}

impl FactorModel {
    /// An unfitted model.
    pub fn new(settings: Factorisation) -> Self {
        let f = settings.factors as usize;
        Self {
            settings,
            users: Array2::zeros((0, f)),
            items: Array2::zeros((0, f)),
            gram: Vec::new(),
            neighbours: ItemNeighbours::default(),
        }
    }

    fn f(&self) -> usize {
        self.settings.factors as usize
    }

    /// Track factors Y (tracks × factors).
    pub fn items(&self) -> &Array2<f64> {
        &self.items
    }

    /// Listener factors X (listeners × factors) of the last fit.
    pub fn users(&self) -> &Array2<f64> {
        &self.users
    }

    /// Each track's nearest tracks in latent space.
    pub fn neighbours(&self) -> &ItemNeighbours {
        &self.neighbours
    }

    /// Refits to `h`: warm-started `sweeps` sweeps, or at least [`INITIAL_SWEEPS`] from
    /// hashed factors the first time; then the Gram matrix and `neighbours` per track.
    pub(super) fn fit(&mut self, h: &Holdings, neighbours: usize) {
        let sweeps = if self.items.nrows() == h.tracks() {
            self.settings.sweeps
        } else {
            self.items = initial_items(h.tracks(), self.f());
            self.settings.sweeps.max(INITIAL_SWEEPS)
        };
        for _ in 0..sweeps {
            self.sweep(h);
        }
        self.gram = gram(&self.items, self.settings.regularisation);
        self.neighbours = latent_neighbours(&self.items, &self.gram, neighbours);
    }

    /// One ALS sweep: every listener's factor given the tracks', then every track's given
    /// the listeners'.
    pub(super) fn sweep(&mut self, h: &Holdings) {
        let (lambda, alpha) = (self.settings.regularisation, self.settings.confidence);
        if self.users.nrows() != h.listeners() {
            self.users = Array2::zeros((h.listeners(), self.f()));
        }
        let g = gram(&self.items, lambda);
        half_step(
            &mut self.users,
            &self.items,
            &g,
            &h.lib_offsets,
            &h.lib_items,
            alpha,
        );
        let g = gram(&self.users, lambda);
        half_step(
            &mut self.items,
            &self.users,
            &g,
            &h.held_offsets,
            &h.holders,
            alpha,
        );
    }

    /// The factor of a listener holding `library`, by the exact listener step against the
    /// fitted tracks, into `user`; `system` is the f × f workspace.
    pub fn fold_in(&self, library: &[u32], user: &mut Vec<f64>, system: &mut Vec<f64>) {
        let f = self.f();
        user.clear();
        user.resize(f, 0.0);
        if self.gram.is_empty() {
            return;
        }
        system.resize(f * f, 0.0);
        let items = self
            .items
            .as_slice()
            .expect("invariant: factors are contiguous");
        solve_row(
            &self.gram,
            items,
            library,
            self.settings.confidence,
            system,
            user,
        );
    }

    /// The predicted preference x_uᵀ y_track (0 for a track outside the catalogue).
    #[inline]
    fn predict(&self, user: &[f64], track: u32) -> f32 {
        let f = user.len();
        let t = track as usize;
        if t >= self.items.nrows() {
            return 0.0;
        }
        let items = self
            .items
            .as_slice()
            .expect("invariant: factors are contiguous");
        dot(user, &items[t * f..(t + 1) * f]) as f32
    }

    /// Folds `library` in and ranks the union of its tracks' neighbours by prediction into
    /// `scores` (library tracks at −∞), the `best` highest first.
    pub fn score_library(&self, library: &[u32], best: usize, scores: &mut LibraryScores) {
        let mut user = std::mem::take(&mut scores.user);
        let mut system = std::mem::take(&mut scores.system);
        self.fold_in(library, &mut user, &mut system);
        let n = library.len()
            + library
                .iter()
                .map(|&i| self.neighbours.of(i).len())
                .sum::<usize>();
        scores.reset(n);
        for &i in library {
            scores.add(i, f32::NEG_INFINITY);
        }
        for &i in library {
            for &(j, _) in self.neighbours.of(i) {
                scores.insert_with(j, || self.predict(&user, j));
            }
        }
        scores.user = user;
        scores.system = system;
        scores.rank(best);
    }

    /// The prediction for any track, for the listener `score_library` last folded in.
    pub fn score(&self, scores: &LibraryScores, track: u32) -> f32 {
        if scores.user.len() == self.f() {
            self.predict(&scores.user, track)
        } else {
            0.0
        }
    }
}

/// Track factors before the first fit: uniform in ±1/√f from a hash of (track, factor), so
/// they depend on nothing but the ids.
fn initial_items(n_tracks: usize, f: usize) -> Array2<f64> {
    let scale = 2.0 / (f as f64).sqrt();
    Array2::from_shape_fn((n_tracks, f), |(t, k)| {
        let h = mix64(mix64(INIT_KEY ^ t as u64) ^ k as u64);
        ((h >> 11) as f64 / (1u64 << 53) as f64 - 0.5) * scale
    })
}

/// MᵀM + λI (f × f, row-major), summed over M's rows in order.
fn gram(m: &Array2<f64>, lambda: f64) -> Vec<f64> {
    let f = m.ncols();
    let mut g = vec![0.0; f * f];
    for row in m
        .as_slice()
        .expect("invariant: factors are contiguous")
        .chunks_exact(f)
    {
        for p in 0..f {
            let rp = row[p];
            for q in 0..=p {
                g[p * f + q] += rp * row[q];
            }
        }
    }
    for p in 0..f {
        g[p * f + p] += lambda;
        for q in 0..p {
            g[q * f + p] = g[p * f + q];
        }
    }
    g
}

/// One half of an ALS sweep: row r of `out` solves against `other` over the rows
/// `index[offsets[r]..offsets[r + 1]]` it holds (or is held by); `gram` = otherᵀother + λI.
fn half_step(
    out: &mut Array2<f64>,
    other: &Array2<f64>,
    gram: &[f64],
    offsets: &[u32],
    index: &[u32],
    alpha: f64,
) {
    let f = out.ncols();
    let other = other.as_slice().expect("invariant: factors are contiguous");
    let out = out
        .as_slice_mut()
        .expect("invariant: factors are contiguous");
    out.par_chunks_mut(ROWS_PER_TASK * f)
        .enumerate()
        .for_each(|(task, rows)| {
            let mut system = vec![0.0; f * f];
            for (k, x) in rows.chunks_exact_mut(f).enumerate() {
                let r = task * ROWS_PER_TASK + k;
                let held = &index[offsets[r] as usize..offsets[r + 1] as usize];
                solve_row(gram, other, held, alpha, &mut system, x);
            }
        });
}

/// x = (G + α Σ_{i ∈ held} y_i y_iᵀ)⁻¹ (1 + α) Σ_{i ∈ held} y_i, with y_i the rows of
/// `other` (f = `x.len()` wide): the minimiser of Σ_i c_i (p_i − xᵀy_i)² + λ‖x‖² over
/// all rows when G = YᵀY + λI. `system` (f × f) is overwritten.
fn solve_row(
    gram: &[f64],
    other: &[f64],
    held: &[u32],
    alpha: f64,
    system: &mut [f64],
    x: &mut [f64],
) {
    let f = x.len();
    x.fill(0.0);
    if held.is_empty() {
        return;
    }
    system.copy_from_slice(gram);
    for &i in held {
        let y = &other[i as usize * f..(i as usize + 1) * f];
        // Whole rows (not just the lower triangle Cholesky reads): contiguous, so they
        // vectorise, which is faster than the triangle's half the multiplications.
        for (row, &yp) in system.chunks_exact_mut(f).zip(y) {
            let ay = alpha * yp;
            for (a, &yq) in row.iter_mut().zip(y) {
                *a += ay * yq;
            }
        }
        for (xp, &yp) in x.iter_mut().zip(y) {
            *xp += yp;
        }
    }
    for v in x.iter_mut() {
        *v *= 1.0 + alpha;
    }
    cholesky(system, f);
    cholesky_solve(system, f, x);
}

/// In-place Cholesky factorisation A = LLᵀ of a symmetric positive definite f × f matrix
/// (row-major; only the lower triangle is read, and L is written over it). A pivot that
/// rounding drives to 0 or below is clamped to the smallest positive value, so the solve
/// stays finite (the systems here are YᵀY + λI plus positive semidefinite terms).
pub fn cholesky(a: &mut [f64], f: usize) {
    for j in 0..f {
        let d = a[j * f + j] - dot(&a[j * f..j * f + j], &a[j * f..j * f + j]);
        let d = d.max(f64::MIN_POSITIVE).sqrt();
        a[j * f + j] = d;
        // One division per column, not per entry: a slate's fold-in is latency-bound.
        let inverse = 1.0 / d;
        for i in j + 1..f {
            let s = a[i * f + j] - dot(&a[i * f..i * f + j], &a[j * f..j * f + j]);
            a[i * f + j] = s * inverse;
        }
    }
}

/// Solves LLᵀx = b in place (`l` from [`cholesky`]).
pub fn cholesky_solve(l: &[f64], f: usize, b: &mut [f64]) {
    forward_substitute(l, f, b);
    for i in (0..f).rev() {
        let mut s = b[i];
        for k in i + 1..f {
            s -= l[k * f + i] * b[k];
        }
        b[i] = s / l[i * f + i];
    }
}

/// Solves Lz = b in place.
fn forward_substitute(l: &[f64], f: usize, b: &mut [f64]) {
    for i in 0..f {
        let s = b[i] - dot(&l[i * f..i * f + i], &b[..i]);
        b[i] = s / l[i * f + i];
    }
}

#[inline]
fn dot(a: &[f64], b: &[f64]) -> f64 {
    a.iter().zip(b).map(|(x, y)| x * y).sum()
}

/// Each track's `k` nearest tracks by s(i, j) = y_iᵀ G⁻¹ y_j (G = YᵀY + λI), positive
/// similarities only, most similar first, ties to the lower id: exact, over all tracks with
/// a non-zero factor, in whitened single-precision coordinates w = L⁻¹y (G = LLᵀ, so
/// s(i, j) = w_i·w_j).
///
/// Tracks are visited in descending ‖w‖, and a track's scan stops at the first block whose
/// largest norm ‖w_j‖ cannot reach its list: s(i, j) ≤ ‖w_i‖‖w_j‖ (Cauchy–Schwarz), so no
/// later track can either. Factor norms are heavy-tailed (held-by-many tracks have long
/// vectors), so most of the all-pairs work is skipped, and the result is the same.
fn latent_neighbours(items: &Array2<f64>, gram: &[f64], k: usize) -> ItemNeighbours {
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rng::SimRng;
    use rand::{RngExt, SeedableRng};

    fn settings(factors: u32, regularisation: f64, confidence: f64) -> Factorisation {
        Factorisation {
            factors,
            regularisation,
            confidence,
            sweeps: 1,
        }
    }

    /// A model whose track factors are set by hand (`items` row-major, f wide).
    fn with_items(s: Factorisation, items: Vec<f64>, neighbours: usize) -> FactorModel {
        let f = s.factors as usize;
        let mut m = FactorModel::new(s);
        m.items = Array2::from_shape_vec((items.len() / f, f), items).unwrap();
        m.gram = gram(&m.items, s.regularisation);
        m.neighbours = latent_neighbours(&m.items, &m.gram, neighbours);
        m
    }

    #[test]
    fn cholesky_solves_hand_checked_systems() {
        // [[4, 2], [2, 3]] = LLᵀ with L = [[2, 0], [1, √2]]; 4x + 2y = 2, 2x + 3y = 1 has
        // x = (2·3 − 2·1)/8 = 0.5, y = (4·1 − 2·2)/8 = 0 (Cramer's rule, det = 8).
        let mut a = vec![4.0, 2.0, 2.0, 3.0];
        cholesky(&mut a, 2);
        assert_eq!((a[0], a[2]), (2.0, 1.0));
        assert!((a[3] - 2f64.sqrt()).abs() < 1e-15);
        let mut b = vec![2.0, 1.0];
        cholesky_solve(&a, 2, &mut b);
        assert!((b[0] - 0.5).abs() < 1e-15 && b[1].abs() < 1e-15, "{b:?}");
        // The textbook 3 × 3 case: L = [[2, 0, 0], [6, 1, 0], [−8, 5, 3]]; b = A·(1, 1, 1).
        let mut a = vec![
            4.0, 12.0, -16.0, //
            12.0, 37.0, -43.0, //
            -16.0, -43.0, 98.0,
        ];
        cholesky(&mut a, 3);
        for (got, want) in [(a[0], 2.0), (a[3], 6.0), (a[4], 1.0)] {
            assert!((got - want).abs() < 1e-12);
        }
        for (got, want) in [(a[6], -8.0), (a[7], 5.0), (a[8], 3.0)] {
            assert!((got - want).abs() < 1e-12);
        }
        let mut b = vec![0.0, 6.0, 39.0];
        cholesky_solve(&a, 3, &mut b);
        for v in b {
            assert!((v - 1.0).abs() < 1e-12, "{v}");
        }
    }

    #[test]
    fn one_factor_user_step_has_the_closed_form() {
        // f = 1, y = (1, 2, 0.5), λ = 0.5, α = 3, the listener holds tracks 0 and 2. Every
        // track counts in the loss (c = 1, p = 0 for track 1), so
        // x = Σ c_i p_i y_i / (Σ_i c_i y_i² + λ) = (4·1 + 4·0.5) / (4·1 + 1·4 + 4·0.25 + 0.5)
        //   = 6 / 9.5.
        let m = with_items(settings(1, 0.5, 3.0), vec![1.0, 2.0, 0.5], 5);
        let (mut x, mut system) = (Vec::new(), Vec::new());
        m.fold_in(&[0, 2], &mut x, &mut system);
        assert!((x[0] - 6.0 / 9.5).abs() < 1e-15, "{x:?}");
        // Predictions x·y: the unheld track 1 scores 2·6/9.5.
        let mut scores = LibraryScores::default();
        m.score_library(&[0, 2], 5, &mut scores);
        let top: Vec<(u32, f32)> = scores.top().collect();
        assert_eq!(top, vec![(1, (12.0 / 9.5) as f32)]);
        // Nothing held: no factor, nothing recommended.
        m.fold_in(&[], &mut x, &mut system);
        assert_eq!(x, vec![0.0]);
    }

    #[test]
    fn two_factor_user_step_matches_the_dense_normal_equations() {
        // Independent check: form YᵀCY + λI and YᵀCp over every track directly and invert
        // the 2 × 2 matrix by its adjugate.
        let y = [[1.0, 0.0], [0.5, 1.0], [-1.0, 2.0], [0.0, 0.0]];
        let (lambda, alpha) = (0.1, 4.0);
        let held = [1u32, 2];
        let (mut a, mut b) = ([[lambda, 0.0], [0.0, lambda]], [0.0; 2]);
        for (i, yi) in y.iter().enumerate() {
            let p = if held.contains(&(i as u32)) { 1.0 } else { 0.0 };
            let c = 1.0 + alpha * p;
            for r in 0..2 {
                b[r] += c * p * yi[r];
                for s in 0..2 {
                    a[r][s] += c * yi[r] * yi[s];
                }
            }
        }
        let det = a[0][0] * a[1][1] - a[0][1] * a[1][0];
        let want = [
            (a[1][1] * b[0] - a[0][1] * b[1]) / det,
            (a[0][0] * b[1] - a[1][0] * b[0]) / det,
        ];
        let m = with_items(settings(2, lambda, alpha), y.concat(), 3);
        let (mut x, mut system) = (Vec::new(), Vec::new());
        m.fold_in(&held, &mut x, &mut system);
        for r in 0..2 {
            assert!((x[r] - want[r]).abs() < 1e-12, "{x:?} vs {want:?}");
        }
    }

    #[test]
    fn neighbours_rank_by_the_whitened_similarity() {
        // s(i, j) = y_iᵀ G⁻¹ y_j with G = YᵀY + λI, computed here with the explicit 2 × 2
        // inverse; track 3 has a zero factor (nobody held it) and is nobody's neighbour.
        let y = [[1.0, 0.2], [0.9, 0.4], [-0.3, 1.0], [0.0, 0.0], [0.8, -0.1]];
        let lambda = 0.5;
        let mut g = [[lambda, 0.0], [0.0, lambda]];
        for yi in &y {
            for r in 0..2 {
                for s in 0..2 {
                    g[r][s] += yi[r] * yi[s];
                }
            }
        }
        let det = g[0][0] * g[1][1] - g[0][1] * g[1][0];
        let inv = [
            [g[1][1] / det, -g[0][1] / det],
            [-g[1][0] / det, g[0][0] / det],
        ];
        let s = |i: usize, j: usize| {
            let z = [
                inv[0][0] * y[j][0] + inv[0][1] * y[j][1],
                inv[1][0] * y[j][0] + inv[1][1] * y[j][1],
            ];
            y[i][0] * z[0] + y[i][1] * z[1]
        };
        let m = with_items(settings(2, lambda, 1.0), y.concat(), 2);
        for i in [0usize, 1, 2, 4] {
            let mut want: Vec<(u32, f64)> = [0usize, 1, 2, 4]
                .into_iter()
                .filter(|&j| j != i && s(i, j) > 0.0)
                .map(|j| (j as u32, s(i, j)))
                .collect();
            want.sort_by(|a, b| b.1.total_cmp(&a.1));
            want.truncate(2);
            let got = m.neighbours().of(i as u32);
            assert_eq!(got.len(), want.len(), "track {i}");
            for (g, w) in got.iter().zip(&want) {
                assert_eq!(g.0, w.0, "track {i}");
                assert!((f64::from(g.1) - w.1).abs() < 1e-5, "track {i}");
            }
        }
        assert!(m.neighbours().of(3).is_empty());
    }

    #[test]
    fn pruned_neighbour_search_finds_the_all_pairs_top_lists() {
        // A fitted model on random libraries (norms spread out, so the Cauchy–Schwarz stop
        // fires); the lists must hold the k largest positive y_iᵀ G⁻¹ y_j found by brute
        // force in double precision (compared by value: near-ties may swap ids).
        let libs = random_libraries(500, 300, 11);
        let h = Holdings::new(libs.iter().map(|l| l.as_slice()), 300);
        let mut m = FactorModel::new(settings(4, 1.0, 20.0));
        m.fit(&h, 7);
        let (f, g) = (4, &m.gram);
        let y = |t: usize| m.items.row(t).to_vec();
        let solve = |v: &[f64]| {
            let mut a = g.clone();
            cholesky(&mut a, f);
            let mut x = v.to_vec();
            cholesky_solve(&a, f, &mut x);
            x
        };
        let mut checked = 0;
        for i in 0..300 {
            let gi = solve(&y(i));
            let mut want: Vec<f64> = (0..300)
                .filter(|&j| j != i)
                .map(|j| dot(&gi, &y(j)))
                .filter(|&s| s > 1e-9)
                .collect();
            want.sort_by(|a, b| b.total_cmp(a));
            want.truncate(7);
            let got = m.neighbours().of(i as u32);
            assert_eq!(got.len(), want.len(), "track {i}");
            for (g, w) in got.iter().zip(&want) {
                assert!(
                    (f64::from(g.1) - w).abs() <= 1e-4 * w.abs().max(1e-3),
                    "track {i}"
                );
            }
            checked += got.len();
        }
        assert!(
            checked > 1_000,
            "most tracks have lists ({checked} entries)"
        );
    }

    /// Random libraries of 1–6 of `n_tracks` tracks for `n` listeners.
    fn random_libraries(n: usize, n_tracks: u32, seed: u64) -> Vec<Vec<u32>> {
        let mut rng = SimRng::seed_from_u64(seed);
        (0..n)
            .map(|_| {
                let len = rng.random_range(1..=6);
                let mut lib: Vec<u32> = Vec::new();
                while lib.len() < len {
                    let t = rng.random_range(0..n_tracks);
                    if !lib.contains(&t) {
                        lib.push(t);
                    }
                }
                lib
            })
            .collect()
    }

    /// The weighted loss L of the module docs, summed naively over every pair.
    fn loss(m: &FactorModel, libs: &[Vec<u32>]) -> f64 {
        let (lambda, alpha) = (m.settings.regularisation, m.settings.confidence);
        let mut total = 0.0;
        for (u, lib) in libs.iter().enumerate() {
            for i in 0..m.items.nrows() {
                let p = if lib.contains(&(i as u32)) { 1.0 } else { 0.0 };
                let pred = m.users.row(u).dot(&m.items.row(i));
                total += (1.0 + alpha * p) * (p - pred) * (p - pred);
            }
        }
        let norms = |a: &Array2<f64>| a.iter().map(|v| v * v).sum::<f64>();
        total + lambda * (norms(&m.users) + norms(&m.items))
    }

    #[test]
    fn sweeps_never_increase_the_weighted_loss() {
        let libs = random_libraries(60, 25, 3);
        let h = Holdings::new(libs.iter().map(|l| l.as_slice()), 25);
        let mut m = FactorModel::new(settings(3, 0.1, 10.0));
        m.items = initial_items(25, 3);
        let mut previous = f64::INFINITY;
        let mut first = None;
        for sweep in 0..15 {
            m.sweep(&h);
            let l = loss(&m, &libs);
            assert!(
                l <= previous * (1.0 + 1e-12),
                "sweep {sweep}: {previous} -> {l}"
            );
            first.get_or_insert(l);
            previous = l;
        }
        assert!(previous < 0.9 * first.unwrap(), "the fit made progress");
    }

    #[test]
    fn fit_is_thread_count_independent() {
        // 1,100 listeners make five listener tasks; 400 tracks thirteen neighbour tasks.
        let libs = random_libraries(1_100, 400, 5);
        let h = Holdings::new(libs.iter().map(|l| l.as_slice()), 400);
        let fit = |threads: usize| {
            let pool = rayon::ThreadPoolBuilder::new()
                .num_threads(threads)
                .build()
                .unwrap();
            pool.install(|| {
                let mut m = FactorModel::new(settings(8, 1.0, 40.0));
                m.fit(&h, 10);
                m.fit(&h, 10);
                m
            })
        };
        let (one, three) = (fit(1), fit(3));
        assert_eq!(one.items, three.items);
        assert_eq!(one.users, three.users);
        assert_eq!(one.neighbours, three.neighbours);
        assert!(
            (0..400).any(|t| one.neighbours.of(t).len() == 10),
            "lists were found"
        );
    }
}
