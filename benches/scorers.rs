//! Benchmarks of filling slates: `slate/<policy>/<catalogue tracks>`.
//!
//! A world of 30,000 listeners is generated at three catalogue sizes (the default 6,120
//! tracks, and back catalogues ten and a hundred times larger: 33,120 and 303,120 tracks);
//! listeners start from their initial libraries, and windows of plays are synthetic (track
//! t has `t mod 97` streams), which exercises the rankings without a warm-up. The
//! recommender's day is prepared outside the timed closure (the collaborative model is
//! trained there); each iteration fills the slates of 1,000 listeners, so the time per slate
//! is the reported time / 1,000. A slate's work must not grow with the catalogue (its time
//! still grows a little once the data it reads falls out of cache).
//! `slate_prepare/<model>/<tracks>` times one day's preparation including a (warm) refit of
//! the collaborative model: item-item co-occurrence or matrix factorisation with 8 (the
//! default) or 16 factors; `retrain/<model>/100k` the same for 100,000 listeners.

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use rand::SeedableRng;

use chartsim::batch::replicate_key;
use chartsim::ids::TrackId;
use chartsim::policy::{
    CollaborativeModel, DayContext, Factorisation, LibraryView, PolicySpec, PopularityScope,
    Recommender, Retrain, Rule, Scorer, Similarity, SlateRequest, SlateScratch,
};
use chartsim::rng::{Purpose, SimRng};
use chartsim::scenario::Scenario;
use chartsim::step::{ListenerState, Market, initial_states};
use chartsim::world::World;

const SLATES: usize = 1_000;

fn policies() -> Vec<PolicySpec> {
    let popularity = Scorer::Popularity {
        scope: PopularityScope::Regional,
        window_days: 7,
        random_slots: 0,
    };
    let collaborative = Scorer::Collaborative {
        retrain: Retrain::Weekly,
        model: CollaborativeModel::ItemItem {
            similarity: Similarity::Cooccurrence,
        },
        neighbours: 20,
    };
    vec![
        PolicySpec::new("random", Scorer::Random),
        PolicySpec::new("popularity", popularity.clone()),
        PolicySpec::new(
            "trending",
            Scorer::Popularity {
                scope: PopularityScope::Trending,
                window_days: 7,
                random_slots: 0,
            },
        ),
        PolicySpec::new("content", Scorer::Content),
        PolicySpec::new("ideal", Scorer::Ideal),
        PolicySpec::new("collaborative", collaborative.clone()),
        PolicySpec::new("factorisation", factorisation(8)),
        PolicySpec::new("factorisation_f16", factorisation(16)),
        PolicySpec::new(
            "editorial",
            Scorer::Editorial {
                playlist_length: 50,
                local_share: 0.4,
                new_artist_share: 0.2,
            },
        ),
        PolicySpec::new(
            "paid_promotion",
            Scorer::PaidPromotion {
                base: Box::new(popularity.clone()),
                share: 0.2,
                major_weight: 4.0,
            },
        ),
        PolicySpec::new("popularity+local_quota", popularity.clone()).with_rule(Rule::LocalQuota {
            share: 0.4,
            new_talent_share: 0.5,
        }),
        PolicySpec::new("content+mmr", Scorer::Content).with_rule(Rule::Mmr { lambda: 0.5 }),
        PolicySpec::new("content+calibrated", Scorer::Content)
            .with_rule(Rule::Calibrated { lambda: 0.5 }),
        PolicySpec::new("popularity+discount", popularity)
            .with_rule(Rule::PopularityDiscount { alpha: 1.0 }),
        PolicySpec::new("collaborative+local_quota", collaborative).with_rule(Rule::LocalQuota {
            share: 0.4,
            new_talent_share: 0.5,
        }),
        PolicySpec::new("factorisation+local_quota", factorisation(8)).with_rule(
            Rule::LocalQuota {
                share: 0.4,
                new_talent_share: 0.5,
            },
        ),
    ]
}

/// Collaborative filtering by matrix factorisation with `factors` factors, the other
/// settings at their scenario defaults.
fn factorisation(factors: u32) -> Scorer {
    Scorer::Collaborative {
        retrain: Retrain::Weekly,
        model: CollaborativeModel::Factorisation(Factorisation {
            factors,
            regularisation: 1.0,
            confidence: 40.0,
            sweeps: 1,
        }),
        neighbours: 20,
    }
}

struct Setup {
    scenario: Scenario,
    world: World,
    states: Vec<ListenerState>,
    windows: Vec<u32>,
    /// Day 14's utility terms (no plays recorded, so no social proof).
    market: Market,
}

fn setup(back_catalogue: u32) -> Setup {
    let mut scenario = Scenario::default_scenario();
    scenario.catalogue.back_catalogue_tracks = back_catalogue;
    let key = replicate_key(&scenario, 0);
    let world = World::generate(&scenario, key);
    let states = initial_states(&scenario, &world, key.purpose(Purpose::World).child(3));
    let windows = (0..scenario.regions.len() * world.catalogue.len())
        .map(|i| (i % 97) as u32)
        .collect();
    let mut market = Market::new(&world, scenario.regions.len(), 7, 7);
    market.prepare_terms(&scenario, &world, 14, world.catalogue.released(14));
    Setup {
        scenario,
        world,
        states,
        windows,
        market,
    }
}

fn context<'a>(s: &'a Setup, day: i32) -> DayContext<'a> {
    DayContext {
        day,
        released: s.world.catalogue.released(day),
        window_streams: &s.windows,
        recent_streams: &s.windows,
        n_tracks: s.world.catalogue.len(),
        n_regions: s.scenario.regions.len(),
        world: &s.world,
        slate_size: 10,
        library_size: 10,
        listeners: &s.states,
        terms: s.market.all_terms(),
        taste_weight: s.scenario.utility.taste as f32,
    }
}

fn slates(c: &mut Criterion) {
    let mut group = c.benchmark_group("slate");
    group.sample_size(20);
    group.throughput(Throughput::Elements(SLATES as u64));
    for back in [3_000u32, 30_000, 300_000] {
        let s = setup(back);
        let label = s.world.catalogue.len().to_string();
        for spec in policies() {
            let mut recommender = Recommender::new(&spec);
            // Day 14: trending has a window before last to compare with.
            for day in [7, 14] {
                recommender.prepare_day(&context(&s, day));
            }
            let mut scratch = SlateScratch::default();
            let mut slate: Vec<TrackId> = Vec::new();
            let mut rng = SimRng::seed_from_u64(1);
            group.bench_function(BenchmarkId::new(&spec.name, &label), |b| {
                b.iter(|| {
                    let mut shown = 0;
                    for l in 0..SLATES {
                        let state = &s.states[l * 29];
                        let request = SlateRequest {
                            listener: chartsim::ids::ListenerId((l * 29) as u32),
                            region: s.world.listeners.region()[l * 29],
                            profile: &state.profile,
                            library: LibraryView::new(state.library()),
                            history: &state.history(),
                            familiarity: &state.familiarity[..state.library().len()],
                        };
                        recommender.fill_slate(
                            &s.world,
                            &request,
                            10,
                            &mut rng,
                            &mut scratch,
                            &mut slate,
                        );
                        shown += slate.len();
                    }
                    shown
                })
            });
        }
    }
    group.finish();

    let mut group = c.benchmark_group("slate_prepare");
    group.sample_size(10);
    for back in [3_000u32, 30_000] {
        let s = setup(back);
        let label = s.world.catalogue.len().to_string();
        for name in ["collaborative", "factorisation", "factorisation_f16"] {
            let spec = policies().into_iter().find(|p| p.name == name).unwrap();
            let mut recommender = Recommender::new(&spec);
            // The first fit (more sweeps) happens here; the timed ones are warm refits.
            recommender.prepare_day(&context(&s, 0));
            group.bench_function(BenchmarkId::new(name, &label), |b| {
                // Day 7 is a retraining day.
                b.iter(|| recommender.prepare_day(&context(&s, 7)))
            });
        }
    }
    group.finish();

    // A warm refit of the factorisation for 100,000 listeners (default catalogue).
    let mut group = c.benchmark_group("retrain");
    group.sample_size(10);
    let mut s = setup(3_000);
    s.scenario.listeners = 100_000;
    let key = replicate_key(&s.scenario, 0);
    s.world = World::generate(&s.scenario, key);
    s.states = initial_states(&s.scenario, &s.world, key.purpose(Purpose::World).child(3));
    for name in ["collaborative", "factorisation", "factorisation_f16"] {
        let spec = policies().into_iter().find(|p| p.name == name).unwrap();
        let mut recommender = Recommender::new(&spec);
        recommender.prepare_day(&context(&s, 0));
        group.bench_function(BenchmarkId::new(name, "100k"), |b| {
            b.iter(|| recommender.prepare_day(&context(&s, 7)))
        });
    }
    group.finish();
}

criterion_group!(benches, slates);
criterion_main!(benches);
