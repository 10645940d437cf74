//! Policy tests that need the whole recommender: collaborative filtering learns planted
//! communities, and slates obey the scenario's rules end to end.

use chartsim::batch::replicate_key;
use chartsim::ids::{RegionId, TrackId};
use chartsim::policy::{
    DayContext, LibraryView, PolicySpec, Recommender, Retrain, Scorer, Similarity, SlateRequest,
    SlateScratch,
};
use chartsim::rng::{SeedKey, SimRng};
use chartsim::scenario::Scenario;
use chartsim::step::ListenerState;
use chartsim::world::{MAX_LIBRARY_SLOTS, World};
use rand::{RngExt, SeedableRng};

/// Tracks of community A are 0..COMMUNITY, of community B COMMUNITY..2·COMMUNITY.
const COMMUNITY: u32 = 200;

fn state(library: &[u32]) -> ListenerState {
    let mut s = ListenerState {
        library: [0; MAX_LIBRARY_SLOTS],
        familiarity: [0.0; MAX_LIBRARY_SLOTS],
        satiation: [0.0; MAX_LIBRARY_SLOTS],
        library_len: 0,
        last_active: 0,
        profile: [0.0; 4],
    };
    for &t in library {
        s.save(t, 3, MAX_LIBRARY_SLOTS);
    }
    s
}

/// 2,000 listeners, half in each community: each holds 9 random tracks of their own
/// community and 1 random track of the other (noise).
fn planted_states(rng: &mut SimRng) -> Vec<ListenerState> {
    (0..2_000u32)
        .map(|l| {
            let own = if l < 1_000 { 0 } else { COMMUNITY };
            let other = COMMUNITY - own;
            let mut library = Vec::new();
            while library.len() < 9 {
                let t = own + rng.random_range(0..COMMUNITY);
                if !library.contains(&t) {
                    library.push(t);
                }
            }
            library.push(other + rng.random_range(0..COMMUNITY));
            state(&library)
        })
        .collect()
}

/// Share of the recommended tracks that belong to the querying listener's community, over
/// 200 fresh listeners (100 per community) holding 5 tracks of their community each.
fn in_community_share(similarity: Similarity) -> f64 {
    let mut scenario = Scenario::default_scenario();
    scenario.listeners = 100;
    let world = World::generate(&scenario, replicate_key(&scenario, 0));
    let n_tracks = world.catalogue.len();
    assert!(n_tracks > 2 * COMMUNITY as usize);
    let mut rng = SeedKey::root(7).rng();
    let states = planted_states(&mut rng);
    let spec = PolicySpec::new(
        "cf",
        Scorer::Collaborative {
            retrain: Retrain::Weekly,
            similarity,
            neighbours: 20,
        },
    );
    let mut recommender = Recommender::new(&spec);
    let zeros = vec![0u32; scenario.regions.len() * n_tracks];
    recommender.prepare_day(&DayContext {
        day: 0,
        released: n_tracks,
        window_streams: &zeros,
        recent_streams: &zeros,
        n_tracks,
        n_regions: scenario.regions.len(),
        world: &world,
        slate_size: 10,
        library_size: 10,
        listeners: &states,
    });
    let (mut inside, mut total) = (0usize, 0usize);
    let mut scratch = SlateScratch::default();
    let mut slate = Vec::new();
    for q in 0..200u32 {
        let own = if q < 100 { 0 } else { COMMUNITY };
        let library: Vec<u32> = (0..5).map(|k| own + (q * 7 + k * 31) % COMMUNITY).collect();
        let request = SlateRequest {
            region: RegionId(0),
            profile: &[0.0; 4],
            library: LibraryView::new(&library),
            familiarity: &[],
        };
        let mut slate_rng = SimRng::seed_from_u64(u64::from(q));
        recommender.fill_slate(
            &world,
            &request,
            10,
            &mut slate_rng,
            &mut scratch,
            &mut slate,
        );
        assert_eq!(slate.len(), 10);
        for t in &slate {
            assert!(!library.contains(&t.0), "recommended a library track");
        }
        let community = |t: &TrackId| (own..own + COMMUNITY).contains(&t.0);
        inside += slate.iter().filter(|t| community(t)).count();
        total += slate.len();
    }
    inside as f64 / total as f64
}

/// Collaborative filtering learns only from plays: on a planted two-community world it
/// recommends tracks co-played within the listener's community. Chance is 1/2 between the
/// two communities (and 200/catalogue ≈ 3% for a uniform pick from the whole catalogue);
/// each library's one cross-community track is noise the model has to see through.
#[test]
fn collaborative_filtering_learns_planted_communities() {
    for similarity in [Similarity::Cooccurrence, Similarity::Cosine] {
        let share = in_community_share(similarity);
        println!("{similarity:?}: {share:.3} of recommendations in the listener's community");
        assert!(share > 0.95, "{similarity:?}: only {share:.3} in-community");
    }
}
