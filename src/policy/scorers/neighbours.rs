//! What both collaborative models share: who holds what (`Holdings`), each track's
//! nearest tracks in compressed rows ([`ItemNeighbours`], filled by item-item
//! co-occurrence in `collaborative.rs` or by latent factors in `latent_neighbours.rs`),
//! and one slate's gathered scores ([`LibraryScores`]). It depends on neither model, so the
//! models depend on it and not on each other.

/// Each track's most similar tracks, in compressed rows.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ItemNeighbours {
    pub(super) offsets: Vec<u32>,
    pub(super) items: Vec<(u32, f32)>,
}

impl ItemNeighbours {
    /// Neighbours of `track`, most similar first (ties: lower id), as (track, similarity).
    pub fn of(&self, track: u32) -> &[(u32, f32)] {
        let t = track as usize;
        if t + 1 >= self.offsets.len() {
            return &[];
        }
        &self.items[self.offsets[t] as usize..self.offsets[t + 1] as usize]
    }

    /// Rows built elsewhere: `items[offsets[t]..offsets[t + 1]]` are track t's neighbours.
    pub(super) fn from_rows(offsets: Vec<u32>, items: Vec<(u32, f32)>) -> Self {
        debug_assert_eq!(offsets.last().copied(), Some(items.len() as u32));
        Self { offsets, items }
    }

    /// Scores every neighbour of `history` into `scores`: score(j) = Σ_{i ∈ history} s(i, j),
    /// tracks in `library` left out, the `best` highest ranked (see [`LibraryScores`]).
    pub fn score_library(
        &self,
        history: &[u32],
        library: &[u32],
        best: usize,
        scores: &mut LibraryScores,
    ) {
        let n = library.len() + history.iter().map(|&i| self.of(i).len()).sum::<usize>();
        scores.reset(n);
        // Library tracks go in first at −∞, which no sum can lift. Additions happen in
        // history then neighbour order, so each sum is reproducible.
        for &i in library {
            scores.add(i, f32::NEG_INFINITY);
        }
        for &i in history {
            for &(j, s) in self.of(i) {
                scores.add(j, s);
            }
        }
        scores.rank(best);
    }
}

/// Who holds what: the libraries flattened in listener order, and inverted (each track's
/// holders, in listener order). Both collaborative models fit to these.
#[derive(Clone, Debug, Default)]
pub(super) struct Holdings {
    /// `lib_items[lib_offsets[l]..lib_offsets[l + 1]]` is listener l's library.
    pub(super) lib_offsets: Vec<u32>,
    pub(super) lib_items: Vec<u32>,
    /// `holders[held_offsets[t]..held_offsets[t + 1]]` are the listeners holding track t.
    pub(super) held_offsets: Vec<u32>,
    pub(super) holders: Vec<u32>,
}

impl Holdings {
    /// Flattens and inverts `libraries` (track ids below `n_tracks`).
    pub(super) fn new<L: AsRef<[u32]>>(
        libraries: impl Iterator<Item = L>,
        n_tracks: usize,
    ) -> Self {
        let mut lib_offsets = vec![0u32];
        let mut lib_items = Vec::new();
        for library in libraries {
            lib_items.extend_from_slice(library.as_ref());
            lib_offsets.push(lib_items.len() as u32);
        }
        let mut held_offsets = vec![0u32; n_tracks + 1];
        for &t in &lib_items {
            held_offsets[t as usize + 1] += 1;
        }
        for t in 0..n_tracks {
            held_offsets[t + 1] += held_offsets[t];
        }
        let mut holders = vec![0u32; lib_items.len()];
        let mut fill = held_offsets.clone();
        for l in 0..lib_offsets.len() - 1 {
            for &t in &lib_items[lib_offsets[l] as usize..lib_offsets[l + 1] as usize] {
                holders[fill[t as usize] as usize] = l as u32;
                fill[t as usize] += 1;
            }
        }
        Self {
            lib_offsets,
            lib_items,
            held_offsets,
            holders,
        }
    }

    /// Number of listeners.
    pub(super) fn listeners(&self) -> usize {
        self.lib_offsets.len() - 1
    }

    /// Number of tracks.
    pub(super) fn tracks(&self) -> usize {
        self.held_offsets.len() - 1
    }

    /// Listener `l`'s library.
    pub(super) fn library(&self, l: usize) -> &[u32] {
        &self.lib_items[self.lib_offsets[l] as usize..self.lib_offsets[l + 1] as usize]
    }

    /// The listeners holding track `t`, in listener order.
    pub(super) fn holders(&self, t: usize) -> &[u32] {
        &self.holders[self.held_offsets[t] as usize..self.held_offsets[t + 1] as usize]
    }
}

/// One slate's collaborative scores: sums gathered in an open-addressing table (reused
/// from slate to slate, so nothing allocates), then the best ranked by one partial sort of
/// integer keys. Cost linear in library size × neighbours.
#[derive(Clone, Debug, Default)]
pub struct LibraryScores {
    sums: Vec<(u32, f32)>,
    slots: Vec<u32>,
    bits: u32,
    ranked: Vec<u64>,
    best: usize,
    /// Matrix factorisation: the listener's folded-in factor vector and the f × f system
    /// it solves (see `factorisation::FactorModel::fold_in`).
    pub(super) user: Vec<f64>,
    pub(super) system: Vec<f64>,
}

impl LibraryScores {
    const EMPTY: u32 = u32::MAX;

    pub(super) fn reset(&mut self, entries: usize) {
        self.sums.clear();
        self.bits = (2 * entries).max(16).next_power_of_two().trailing_zeros();
        self.slots.clear();
        self.slots.resize(1 << self.bits, Self::EMPTY);
    }

    #[inline]
    fn slot(&self, track: u32) -> usize {
        (track.wrapping_mul(0x9E37_79B1) >> (32 - self.bits)) as usize
    }

    /// The entry of `track`, created with score 0 if absent; `true` if it was created.
    #[inline]
    fn entry(&mut self, track: u32) -> (&mut f32, bool) {
        let mask = self.slots.len() - 1;
        let mut h = self.slot(track);
        loop {
            let slot = self.slots[h];
            if slot == Self::EMPTY {
                self.slots[h] = self.sums.len() as u32;
                self.sums.push((track, 0.0));
                let last = self.sums.len() - 1;
                return (&mut self.sums[last].1, true);
            }
            if self.sums[slot as usize].0 == track {
                return (&mut self.sums[slot as usize].1, false);
            }
            h = (h + 1) & mask;
        }
    }

    #[inline]
    pub(super) fn add(&mut self, track: u32, s: f32) {
        *self.entry(track).0 += s;
    }

    /// Sets the score of `track` to `score()` unless it already has one.
    #[inline]
    pub(super) fn insert_with(&mut self, track: u32, score: impl FnOnce() -> f32) {
        if let (entry, true) = self.entry(track) {
            *entry = score();
        }
    }

    /// Ranks the scored tracks: key = (descending score, ascending id) packed in a `u64`
    /// (similarities are positive, so their bits order like the numbers).
    pub(super) fn rank(&mut self, best: usize) {
        self.ranked.clear();
        self.ranked.extend(
            self.sums
                .iter()
                .filter(|(_, s)| *s > 0.0 && s.is_finite())
                .map(|&(j, s)| (u64::from(u32::MAX - s.to_bits()) << 32) | u64::from(j)),
        );
        if self.ranked.len() > best && best > 0 {
            self.ranked.select_nth_unstable(best - 1);
        }
        self.best = best.min(self.ranked.len());
        self.ranked[..self.best].sort_unstable();
    }

    /// The best tracks, best first, as (track, score).
    pub fn top(&self) -> impl Iterator<Item = (u32, f32)> + '_ {
        self.ranked[..self.best]
            .iter()
            .map(|&k| (k as u32, f32::from_bits(u32::MAX - (k >> 32) as u32)))
    }

    /// Any track's score (0 if no neighbour of the library; −∞ for a library track).
    pub fn get(&self, track: u32) -> f32 {
        if self.slots.is_empty() {
            return 0.0;
        }
        let mask = self.slots.len() - 1;
        let mut h = self.slot(track);
        loop {
            match self.slots[h] {
                Self::EMPTY => return 0.0,
                slot if self.sums[slot as usize].0 == track => return self.sums[slot as usize].1,
                _ => h = (h + 1) & mask,
            }
        }
    }
}
