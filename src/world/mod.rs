//! A simulated world: genres placed in taste space, a catalogue, and listeners.
//!
//! A world is generated once per replicate and then shared read-only by every policy run
//! on it, which is what makes policy comparisons paired (common random numbers).
//!
//! **Layer.** Generated from a [`Scenario`] and the seed tree; imports nothing above them.

mod catalogue;
mod discovery;
mod fans;
mod listeners;
mod taste;

pub use catalogue::{Artists, Catalogue, Label, Tracks};
pub use discovery::Discovery;
pub use fans::{Fans, MAX_DEVOTION, MAX_FANDOMS, NO_FANDOM};
pub use listeners::{Listeners, apportion};
pub use taste::{TASTE_DIMS, Taste, dist2, unit_f32};

use crate::rng::{Purpose, SeedKey};
use crate::scenario::Scenario;

pub use crate::scenario::limits::MAX_LIBRARY_SLOTS;

/// Everything fixed about one replicate world.
#[derive(Clone, Debug)]
pub struct World {
    /// Genre centres in taste space, indexed by genre.
    pub genre_centres: Vec<Taste>,
    /// Artists and tracks.
    pub catalogue: Catalogue,
    /// Listeners.
    pub listeners: Listeners,
    /// Listeners per region.
    pub listeners_by_region: Vec<u32>,
    /// Fandom membership of every listener.
    pub fans: Fans,
    /// Seed for breaking ties between equally ranked tracks (a popularity ranking before
    /// anything was played): the same for every policy on this world, so comparisons stay
    /// paired, and different across worlds, so no track gets the same head start in each.
    pub tie_break_seed: u64,
    /// How listeners come across tracks outside recommendation and charts.
    pub discovery: Discovery,
}

impl World {
    /// Whether the streaming platform owns any artist (label `platform`), which is when
    /// the platform's shares are measured.
    pub fn has_platform(&self) -> bool {
        self.catalogue
            .artists
            .label
            .contains(&crate::scenario::Label::Platform)
    }

    /// Generates the world of one replicate; `replicate_key` is that replicate's seed node.
    pub fn generate(scenario: &Scenario, replicate_key: SeedKey) -> Self {
        let key = replicate_key.purpose(Purpose::World);
        // A catalogue shared by every world (and the genre map it lives in) comes from the
        // master seed instead of the replicate's.
        let catalogue_key = if scenario.catalogue.shared_across_worlds {
            SeedKey::root(scenario.seed).purpose(Purpose::World)
        } else {
            key
        };
        let mut rng = catalogue_key.child(0).rng();
        let genre_centres: Vec<Taste> = scenario
            .genres
            .iter()
            .map(|_| taste::on_sphere(&mut rng, scenario.taste.genre_spread))
            .collect();
        let catalogue = Catalogue::generate(scenario, &genre_centres, catalogue_key.child(1));
        let listeners = Listeners::generate(scenario, &genre_centres, key.child(2));
        let listeners_by_region = listeners.count_by_region(scenario.regions.len());
        let fans = Fans::generate(scenario, &listeners, key.child(4));
        let tie_break_seed = key.child(5).seed();
        let discovery = Discovery::new(&catalogue, scenario.catalogue.prior_popularity);
        Self {
            genre_centres,
            catalogue,
            listeners,
            listeners_by_region,
            fans,
            tie_break_seed,
            discovery,
        }
    }
}
