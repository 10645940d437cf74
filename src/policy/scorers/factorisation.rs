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
//! **Serving.** Candidates come from each track's `neighbours` nearest tracks in latent
//! space, found at retrain time (`latent_neighbours.rs`): the model's own one-track
//! recommendations. A slate folds the listener's *current* library into a factor x_u with
//! the exact listener step above (O(16 f² + f³)), takes the union of its tracks' neighbour
//! lists and ranks it by the prediction x_uᵀ y_j: a cost fixed by library size ×
//! `neighbours` × f, independent of the catalogue. Tracks predicted at or below 0 are dropped; a listener
//! with nothing left (an empty library, or only tracks nobody held at the last refit) is
//! padded from the regional popularity ranking, as in the item-item model.
//!
//! **Determinism.** Each listener's and track's solve reads only fixed inputs, so solving
//! them on any number of threads gives the same bits; the Gram matrices YᵀY and XᵀX are
//! summed sequentially in index order; rows are handed to workers in constant-size chunks.

use ndarray::Array2;
use rayon::prelude::*;

use super::cholesky::{cholesky, cholesky_solve, dot};
use super::latent_neighbours::latent_neighbours;
use super::neighbours::{Holdings, ItemNeighbours, LibraryScores};
use crate::policy::Factorisation;
use crate::rng::mix64;

/// Least number of sweeps of a run's first fit (from hashed factors, not warm-started).
pub const INITIAL_SWEEPS: u32 = 8;

/// Rows solved by one parallel task (a constant, so the partition never depends on the
/// number of threads).
const ROWS_PER_TASK: usize = 256;

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
    pub fn score_library(
        &self,
        history: &[u32],
        library: &[u32],
        best: usize,
        scores: &mut LibraryScores,
    ) {
        let mut user = std::mem::take(&mut scores.user);
        let mut system = std::mem::take(&mut scores.system);
        self.fold_in(history, &mut user, &mut system);
        let n = library.len()
            + history
                .iter()
                .map(|&i| self.neighbours.of(i).len())
                .sum::<usize>();
        scores.reset(n);
        for &i in library {
            scores.add(i, f32::NEG_INFINITY);
        }
        for &i in history {
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
        m.score_library(&[0, 2], &[0, 2], 5, &mut scores);
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
