//! Benchmarks of one listener-day's choice sampling: `choice_sample/<items>/<method>`.

use criterion::{BenchmarkId, Criterion, criterion_group, criterion_main};
use rand::SeedableRng;

use chartsim::rng::SimRng;
use chartsim::step::{Channel, ChoiceSet, MAX_CHOICES};

fn choice_sample(c: &mut Criterion) {
    let mut group = c.benchmark_group("choice_sample");
    for items in [16usize, 30, 60] {
        let mut set = ChoiceSet::default();
        for i in 0..items {
            // utilities spread over a few units, like a real choice set
            set.push(
                i as u32,
                Channel::Slate,
                ((i * 7919) % 13) as f32 * 0.4 - 2.0,
            );
        }
        let mut rng = SimRng::seed_from_u64(1);
        let mut counts = [0u32; MAX_CHOICES + 1];
        group.bench_function(BenchmarkId::new(items.to_string(), "27_draws"), |b| {
            b.iter(|| set.sample(27, 0.5, &mut rng, &mut counts))
        });
    }
    group.finish();
}

criterion_group!(benches, choice_sample);
criterion_main!(benches);
