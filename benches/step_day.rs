//! Benchmarks of the hot loop: one simulated day for every listener.
//!
//! Named `step_day/<listeners>/<policy>`. The world is generated and warmed up (one week
//! simulated) outside the timed closure; each iteration simulates one more day.

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};

use chartsim::batch::replicate_key;
use chartsim::run::caps_for;
use chartsim::scenario::Scenario;
use chartsim::step::Simulation;
use chartsim::world::World;

fn step_day(c: &mut Criterion) {
    let mut group = c.benchmark_group("step_day");
    group.sample_size(10);
    for listeners in [100_000u32, 1_000_000] {
        let mut scenario = Scenario::default_scenario();
        scenario.listeners = listeners;
        let key = replicate_key(&scenario, 0);
        let world = World::generate(&scenario, key);
        let caps = caps_for(&scenario);
        // Streams per day ≈ listeners × streams_per_day (before the outside option).
        let streams = f64::from(listeners) * scenario.listening.streams_per_day;
        group.throughput(Throughput::Elements(streams as u64));
        for policy in &scenario.policies {
            let mut sim = Simulation::new(&scenario, &world, policy, key, &caps);
            for _ in 0..7 {
                sim.step_day();
            }
            let label = format!("{}k", listeners / 1_000);
            group.bench_function(BenchmarkId::new(label, &policy.name), |b| {
                b.iter(|| sim.step_day())
            });
        }
    }
    group.finish();
}

criterion_group!(benches, step_day);
criterion_main!(benches);
