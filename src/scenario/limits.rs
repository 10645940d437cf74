//! Sizes the model is built for, which a scenario is validated against.
//!
//! They live in the scenario layer because validation needs them and the layers above
//! (world, step) lay out their arrays by them; each is re-exported where it is used.

/// Most tracks a listener's personal library can hold (the hot loop keeps libraries in
/// fixed arrays of this length). Real listeners keep hundreds of tracks in playlists and
/// libraries; 64 lets a library reach past the few that fill a day, at 768 bytes a listener.
pub const MAX_LIBRARY_SLOTS: usize = 64;

/// Most fandoms a scenario may declare (fandom indices fit a `u8` beside the "no fandom"
/// marker `u8::MAX`).
pub const MAX_FANDOMS: usize = 254;

/// Most media tie-ins a scenario may declare (one soundtrack pick each per listener-day).
pub const MAX_TIE_INS: usize = 16;
