//! Dense symmetric positive definite solves of the small (f × f, f ≤ 64) systems of the
//! matrix factorisation: the normal equations of each listener's and track's least-squares
//! step, and the whitening of track factors for the neighbour search. A hand-written
//! Cholesky keeps these in the caller's scratch buffers, with no allocation per slate and
//! no linear-algebra backend to install.

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
pub(super) fn forward_substitute(l: &[f64], f: usize, b: &mut [f64]) {
    for i in 0..f {
        let s = b[i] - dot(&l[i * f..i * f + i], &b[..i]);
        b[i] = s / l[i * f + i];
    }
}

#[inline]
pub(super) fn dot(a: &[f64], b: &[f64]) -> f64 {
    a.iter().zip(b).map(|(x, y)| x * y).sum()
}

#[cfg(test)]
mod tests {
    use super::*;

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
}
