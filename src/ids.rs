//! Typed identifiers for the things chartsim simulates.
//!
//! Every entity lives in a dense column (`Vec` indexed by position), so an identifier is
//! just an index. The newtypes stop a track index from being used where a listener index
//! was meant, which is the most common bug in struct-of-arrays code.

use serde::{Deserialize, Serialize};

macro_rules! dense_id {
    ($(#[$doc:meta])* $name:ident($inner:ty)) => {
        $(#[$doc])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
        pub struct $name(pub $inner);

        impl $name {
            /// The position of this entity in its column.
            #[inline]
            pub fn index(self) -> usize {
                self.0 as usize
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                write!(f, "{}", self.0)
            }
        }
    };
}

dense_id!(
    /// A track in the catalogue (index into the catalogue's columns).
    TrackId(u32)
);
dense_id!(
    /// An artist (index into the artist columns). A track has exactly one lead artist.
    ArtistId(u32)
);
dense_id!(
    /// A region (country/market), in the order the scenario lists them.
    RegionId(u8)
);
dense_id!(
    /// A genre, in the order the scenario lists them.
    GenreId(u16)
);
dense_id!(
    /// A listener (index into the listener columns).
    ListenerId(u32)
);
