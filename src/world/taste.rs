//! The taste space: genres, tracks and listeners as points; match is closeness.
//!
//! A handful of dimensions is enough to give every genre its own neighbourhood while
//! keeping the hot loop's distance computation to a few multiply-adds. The number of
//! dimensions is a compile-time constant so distances are unrolled and vectorised.

use rand::RngExt;
use rand_distr::{Distribution, StandardNormal};

use crate::rng::SimRng;

/// Dimensions of the taste space.
pub const TASTE_DIMS: usize = 4;

/// A point in taste space.
pub type Taste = [f32; TASTE_DIMS];

/// Squared Euclidean distance between two taste points.
#[inline(always)]
pub fn dist2(a: &Taste, b: &Taste) -> f32 {
    let mut s = 0.0;
    for k in 0..TASTE_DIMS {
        let d = a[k] - b[k];
        s += d * d;
    }
    s
}

/// A point at distance `radius` from the origin in a uniformly random direction.
pub fn on_sphere(rng: &mut SimRng, radius: f64) -> Taste {
    loop {
        let v: [f64; TASTE_DIMS] = std::array::from_fn(|_| StandardNormal.sample(rng));
        let norm = v.iter().map(|x| x * x).sum::<f64>().sqrt();
        if norm > 1e-9 {
            return std::array::from_fn(|k| (v[k] / norm * radius) as f32);
        }
    }
}

/// `centre` plus independent normal noise with standard deviation `sd` per dimension.
pub fn around(rng: &mut SimRng, centre: &Taste, sd: f64) -> Taste {
    std::array::from_fn(|k| {
        let z: f64 = StandardNormal.sample(rng);
        centre[k] + (z * sd) as f32
    })
}

/// A uniform draw in [0, 1) as `f32`, for the hot loop.
#[inline(always)]
pub fn unit_f32(rng: &mut SimRng) -> f32 {
    rng.random::<f32>()
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;

    #[test]
    fn dist2_is_squared_euclidean() {
        // (1-0)² + (2-0)² + (0-3)² + (4-4)² = 1 + 4 + 9 + 0 = 14
        assert_eq!(dist2(&[1.0, 2.0, 0.0, 4.0], &[0.0, 0.0, 3.0, 4.0]), 14.0);
    }

    #[test]
    fn sphere_points_have_the_radius() {
        let mut rng = SimRng::seed_from_u64(7);
        for _ in 0..100 {
            let p = on_sphere(&mut rng, 2.0);
            let r = dist2(&p, &[0.0; TASTE_DIMS]).sqrt();
            assert!((r - 2.0).abs() < 1e-5, "radius {r}");
        }
    }
}
