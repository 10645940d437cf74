//! Benchmarks of filling slates: `slate/<policy>/<catalogue tracks>`.
//!
//! A world of 30,000 listeners is generated at two catalogue sizes (the default 6,120 tracks
//! and ten times that); listeners start from their initial libraries, and windows of plays
//! are synthetic (track t has `t mod 97` streams), which exercises the rankings without a
//! warm-up. The recommender's day is prepared outside the timed closure (the collaborative
//! model is trained there); each iteration fills the slates of 1,000 listeners, so the time
//! per slate is the reported time / 1,000. A slate's cost should not grow with the
//! catalogue. `slate_prepare/collaborative/<tracks>` times one day's preparation including
//! a refit of the collaborative model.

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use rand::SeedableRng;

use chartsim::batch::replicate_key;
use chartsim::ids::TrackId;
use chartsim::policy::{
    DayContext, LibraryView, PolicySpec, PopularityScope, Recommender, Retrain, Rule, Scorer,
    Similarity, SlateRequest, SlateScratch,
};
use chartsim::rng::{Purpose, SimRng};
use chartsim::scenario::Scenario;
use chartsim::step::{ListenerState, initial_states};
use chartsim::world::World;

const SLATES: usize = 1_000;

fn policies() -> Vec<PolicySpec> {
    let popularity = Scorer::Popularity {
        scope: PopularityScope::Regional,
        window_days: 7,
    };
    let collaborative = Scorer::Collaborative {
        retrain: Retrain::Weekly,
        similarity: Similarity::Cooccurrence,
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
            },
        ),
        PolicySpec::new("content", Scorer::Content),
        PolicySpec::new("collaborative", collaborative.clone()),
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
    ]
}

struct Setup {
    scenario: Scenario,
    world: World,
    states: Vec<ListenerState>,
    windows: Vec<u32>,
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
    Setup {
        scenario,
        world,
        states,
        windows,
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
    }
}

fn slates(c: &mut Criterion) {
    let mut group = c.benchmark_group("slate");
    group.sample_size(20);
    group.throughput(Throughput::Elements(SLATES as u64));
    for back in [3_000u32, 30_000] {
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
                            region: s.world.listeners.region()[l * 29],
                            profile: &state.profile,
                            library: LibraryView::new(state.library()),
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
        let spec = &policies()[4];
        assert_eq!(spec.name, "collaborative");
        let mut recommender = Recommender::new(spec);
        group.bench_function(BenchmarkId::new("collaborative", &label), |b| {
            // Day 7 is a retraining day.
            b.iter(|| recommender.prepare_day(&context(&s, 7)))
        });
    }
    group.finish();
}

criterion_group!(benches, slates);
criterion_main!(benches);
