//! What a recommender may read of the simulation: a listener's state as of the start of
//! the day ([`ListenerState`]: library, familiarity, observed style profile) and the day's
//! utility terms of each track ([`TrackTerms`]).
//!
//! Both are records the hot loop (`step`) owns and updates; their shape lives here, one
//! layer down, because recommenders read them. The updates (decay, plays, profile) are in
//! `step`; nothing here changes them.

use crate::world::{MAX_LIBRARY_SLOTS, Taste};

/// One listener's state between days.
#[derive(Clone, Debug)]
pub struct ListenerState {
    /// Tracks in the library; only the first `library_len` are valid.
    pub library: [u32; MAX_LIBRARY_SLOTS],
    /// Decayed play count of each library track.
    pub familiarity: [f32; MAX_LIBRARY_SLOTS],
    /// Recent plays of each library track, decaying with the satiation half-life.
    pub satiation: [f32; MAX_LIBRARY_SLOTS],
    /// Number of valid library slots.
    pub library_len: u8,
    /// Last day the listener was active (for lazy decay); starts at day −1.
    pub last_active: i32,
    /// Running mean taste position of streamed tracks: what a recommender can observe.
    pub profile: Taste,
}

impl ListenerState {
    /// The valid library tracks.
    #[inline]
    pub fn library(&self) -> &[u32] {
        &self.library[..self.library_len as usize]
    }

    /// Slot of `track` in the library, if there.
    #[inline]
    pub fn slot_of(&self, track: u32) -> Option<usize> {
        self.library().iter().position(|&t| t == track)
    }

    /// The listening history a recommender learns from and scores with: the whole library
    /// when it holds at most [`HISTORY_TRACKS`] tracks, otherwise the [`HISTORY_TRACKS`]
    /// with the highest familiarity (the most played lately; ties to the lower slot), in
    /// slot order.
    pub fn history(&self) -> History {
        let len = self.library().len();
        let mut history = History {
            tracks: [0; HISTORY_TRACKS],
            len: len.min(HISTORY_TRACKS) as u8,
        };
        if len <= HISTORY_TRACKS {
            history.tracks[..len].copy_from_slice(self.library());
            return history;
        }
        let mut slots: [u8; MAX_LIBRARY_SLOTS] = std::array::from_fn(|k| k as u8);
        let by_familiarity = |a: &u8, b: &u8| {
            let (a, b) = (usize::from(*a), usize::from(*b));
            self.familiarity[b]
                .total_cmp(&self.familiarity[a])
                .then(a.cmp(&b))
        };
        slots[..len].select_nth_unstable_by(HISTORY_TRACKS - 1, by_familiarity);
        let top = &mut slots[..HISTORY_TRACKS];
        top.sort_unstable();
        for (out, &k) in history.tracks.iter_mut().zip(top.iter()) {
            *out = self.library[usize::from(k)];
        }
        history
    }
}

/// Most library tracks a recommender learns from per listener: recommendation services
/// weight what a listener plays now, not everything they ever saved, and it keeps a
/// slate's cost independent of the library's size.
pub const HISTORY_TRACKS: usize = 16;

/// A listener's listening history as a recommender sees it ([`ListenerState::history`]).
#[derive(Clone, Copy, Debug)]
pub struct History {
    tracks: [u32; HISTORY_TRACKS],
    len: u8,
}

impl std::ops::Deref for History {
    type Target = [u32];
    fn deref(&self) -> &[u32] {
        &self.tracks[..usize::from(self.len)]
    }
}

impl AsRef<[u32]> for History {
    fn as_ref(&self) -> &[u32] {
        self
    }
}

/// Day-shared utility terms of one track in one region, packed with the track's taste
/// position so that scoring a choice item touches one cache line.
#[derive(Clone, Copy, Debug, Default)]
pub struct TrackTerms {
    /// `appeal·a + local·1[local] + novelty·2^(−age/h)`; `NEG_INFINITY` before release.
    pub base: f32,
    /// `social·ln(1 + p)`, p = streams in the region over 7 days per 1,000 listeners; the
    /// listener multiplies it by their conformity.
    pub social: f32,
    /// The track's position in taste space.
    pub taste: Taste,
    /// The track's genre index.
    pub genre: u32,
}
