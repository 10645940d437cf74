//! Seeded random streams, arranged as a tree so results never depend on thread count.
//!
//! Every random draw in chartsim comes from a generator seeded by a *key path*:
//! master seed → replicate → purpose → day → listener. A listener's draws on a given day
//! are therefore the same whichever thread runs it, whatever chunk it falls in, and —
//! because the policy is not part of the key — whichever policy is being simulated
//! (common random numbers: policy comparisons are paired on identical luck).
//!
//! The algorithm is named ([`Xoshiro256PlusPlus`]), never `StdRng`/`SmallRng`, whose
//! algorithms may change between `rand` releases.

use rand::SeedableRng;
pub use rand::rngs::Xoshiro256PlusPlus;

/// The generator used everywhere in the simulation.
pub type SimRng = Xoshiro256PlusPlus;

/// SplitMix64's finaliser: a bijective 64-bit mixer with full avalanche.
///
/// Used to derive independent seeds from structured keys; chaining `mix64(mix64(a) ^ b)`
/// keeps `(a, b)` and `(b, a)` apart, which a plain XOR of keys would not.
#[inline]
pub fn mix64(mut z: u64) -> u64 {
    z = z.wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// A stable 64-bit fingerprint of some bytes (the chained [`mix64`] of each byte and the
/// length), for names that must tell inputs apart across versions and machines.
pub fn fingerprint(bytes: &[u8]) -> u64 {
    let folded = bytes.iter().fold(0, |h, &b| mix64(h ^ u64::from(b)));
    mix64(folded ^ bytes.len() as u64)
}

/// What a stream of random numbers is used for; part of every key so that, e.g., world
/// generation and daily listening never share draws.
#[derive(Clone, Copy, Debug)]
#[repr(u64)]
pub enum Purpose {
    /// Genre positions, catalogue and listener generation.
    World = 1,
    /// A listener's choices on one day.
    Listening = 2,
    /// A recommender's own randomness (e.g. random slates), keyed by day and listener.
    Recommender = 3,
    /// A fandom member's organised replay on one day, keyed by day and listener.
    Fandom = 4,
    /// The library tracks a listener considers on one day, keyed by day and listener (a
    /// stream of its own, so the listening stream stays aligned across policies whose
    /// libraries differ in size).
    LibraryPicks = 5,
    /// A bot farm's accounts on one day, keyed by farm, day, region and account.
    Bots = 6,
}

/// A node of the seed tree: derive children with [`SeedKey::child`], then make a generator.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SeedKey(u64);

impl SeedKey {
    /// The root of the tree for a scenario's master seed.
    pub fn root(master_seed: u64) -> Self {
        Self(mix64(master_seed))
    }

    /// The node of replicate world `replicate` under a master seed: every policy's run on
    /// that world starts here.
    pub fn replicate(master_seed: u64, replicate: u32) -> Self {
        Self::root(master_seed).child(u64::from(replicate))
    }

    /// A child node keyed by `part` (a replicate index, a day, a listener index…).
    #[inline]
    pub fn child(self, part: u64) -> Self {
        Self(mix64(self.0 ^ mix64(part)))
    }

    /// A child node for a [`Purpose`].
    #[inline]
    pub fn purpose(self, purpose: Purpose) -> Self {
        self.child(purpose as u64)
    }

    /// The 64-bit seed of this node (recorded in the manifest for replicates).
    pub fn seed(self) -> u64 {
        self.0
    }

    /// A generator seeded from this node.
    #[inline]
    pub fn rng(self) -> SimRng {
        SimRng::seed_from_u64(self.0)
    }
}

/// A uniform index in `0..n` from one 32-bit draw (Lemire's multiply-shift, without the
/// rejection step). Its bias is below `n / 2³²` — under 10⁻⁵ for catalogues of 40,000
/// tracks — far below the model's other approximations, and it costs one multiply.
#[inline(always)]
pub fn fast_index<R: rand::Rng + ?Sized>(rng: &mut R, n: usize) -> usize {
    debug_assert!(n > 0 && n <= u32::MAX as usize);
    ((u64::from(rng.next_u32()) * n as u64) >> 32) as usize
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::Rng;

    #[test]
    fn mix64_matches_splitmix64_reference() {
        // SplitMix64 seeded with 0 yields 0xE220A8397B1DCDAF as its first output
        // (reference value from Vigna's splitmix64.c): that output is mix64(0).
        assert_eq!(mix64(0), 0xE220_A839_7B1D_CDAF);
    }

    #[test]
    fn generator_stream_is_pinned() {
        // Pins the generator so a dependency upgrade that changes streams is caught.
        // Xoshiro256++ seeded through seed_from_u64(0) (SplitMix64 state fill).
        let mut rng = SimRng::seed_from_u64(0);
        let first = rng.next_u64();
        let mut again = SimRng::seed_from_u64(0);
        assert_eq!(first, again.next_u64());
        assert_eq!(first, GOLDEN_FIRST_U64);
    }

    /// First output of Xoshiro256++ after `seed_from_u64(0)`; computed independently from
    /// the reference algorithm below (state filled by SplitMix64, then one ++ step).
    const GOLDEN_FIRST_U64: u64 = reference_first_output(0);

    const fn reference_first_output(seed: u64) -> u64 {
        // seed_from_u64 fills the four state words with successive SplitMix64 outputs.
        let mut state = seed;
        let mut s = [0u64; 4];
        let mut i = 0;
        while i < 4 {
            state = state.wrapping_add(0x9E37_79B9_7F4A_7C15);
            let mut z = state;
            z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
            z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
            s[i] = z ^ (z >> 31);
            i += 1;
        }
        // xoshiro256++ output: rotl(s0 + s3, 23) + s0
        s[0].wrapping_add(s[3]).rotate_left(23).wrapping_add(s[0])
    }

    #[test]
    fn fast_index_is_in_range_and_uniform() {
        let mut rng = SimRng::seed_from_u64(3);
        let mut counts = [0u32; 7];
        for _ in 0..70_000 {
            counts[fast_index(&mut rng, 7)] += 1;
        }
        // each bucket expects 10,000 (sd ≈ 93); allow 5 sd
        assert!(
            counts.iter().all(|&c| (c as i32 - 10_000).abs() < 465),
            "{counts:?}"
        );
    }

    #[test]
    fn child_keys_are_order_sensitive() {
        let root = SeedKey::root(42);
        assert_ne!(root.child(1).child(2), root.child(2).child(1));
        assert_ne!(root.child(0), root);
    }
}
