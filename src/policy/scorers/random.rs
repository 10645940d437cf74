//! The random scorer: every released track equally likely (MusicLab's independent world).
//!
//! Score(t) = 0 for every released track, so the slate is a uniform sample of the released
//! catalogue outside the library (Salganik, Dodds & Watts 2006's independent condition;
//! Chaney, Stewart & Engelhardt 2018's "random" recommender).

use crate::ids::TrackId;
use crate::policy::{DayContext, SlateRequest, admissible};
use crate::rng::{SimRng, fast_index};

/// Day state of the random scorer: how many tracks are out.
#[derive(Clone, Debug, Default)]
pub struct RandomDay {
    released: usize,
}

impl RandomDay {
    pub(crate) fn prepare(&mut self, ctx: &DayContext) {
        self.released = ctx.released;
    }

    /// Draws distinct released tracks uniformly, outside the library.
    pub(crate) fn fill(
        &self,
        request: &SlateRequest,
        size: usize,
        rng: &mut SimRng,
        slate: &mut Vec<TrackId>,
    ) {
        fill_uniform(self.released, request, size, rng, slate);
    }
}

/// Tops `slate` up to `size` with distinct tracks drawn uniformly from the first
/// `released`, outside the library and the slate. Gives up after a bounded number of
/// rejections, so a tiny catalogue yields a shorter slate.
pub(crate) fn fill_uniform(
    released: usize,
    request: &SlateRequest,
    size: usize,
    rng: &mut SimRng,
    slate: &mut Vec<TrackId>,
) {
    if released == 0 {
        return;
    }
    let mut attempts = 0;
    while slate.len() < size && attempts < size * 8 {
        attempts += 1;
        let t = fast_index(rng, released) as u32;
        if admissible(t, request, slate) {
            slate.push(TrackId(t));
        }
    }
}
