//! A seeded mutation fuzzer over the shipped scenarios.
//!
//! Each case takes a shipped scenario, applies one to three mutations at random key paths
//! (a hostile value — negative, zero, huge, NaN, infinite, the wrong kind, an array where
//! a table belongs — or a plausible one, a number scaled or negated; a deleted key or
//! array entry, a duplicated entry, or an unknown key) and asserts that:
//!
//! - validation never panics: a mutant is either accepted or refused with a message;
//! - an accepted mutant, shrunk to a tiny world, runs and writes its result directory
//!   without panicking, and no table holds NaN or an infinity.
//!
//! CI runs a bounded number of cases; maintainers run more with, e.g.,
//! `CHARTSIM_FUZZ_CASES=20000 CHARTSIM_FUZZ_RUNS=1000 cargo test --release --test fuzz`.
//! The generator is seeded, so a failure repeats.

use std::sync::atomic::{AtomicUsize, Ordering};

use proptest::prelude::*;
use proptest::test_runner::{Config, RngSeed, TestRunner};
use toml::{Table, Value};

use chartsim::Scenario;
use chartsim::batch::run_batch;
use chartsim::output::{Manifest, prepare, write_results};

const SHIPPED: [(&str, &str); 4] = [
    ("default", include_str!("../scenarios/default.toml")),
    ("golden", include_str!("../scenarios/golden.toml")),
    ("policies", include_str!("../scenarios/policies.toml")),
    ("tiny", include_str!("data/tiny.toml")),
];

fn cases(var: &str, default: u32) -> u32 {
    std::env::var(var)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

fn runner(cases: u32, seed: u64) -> TestRunner {
    TestRunner::new(Config {
        cases,
        rng_seed: RngSeed::Fixed(seed),
        failure_persistence: None,
        max_shrink_iters: 200,
        ..Config::default()
    })
}

/// Hostile values a user (or a typo) might put anywhere.
fn hostile(i: usize) -> Value {
    let table = |pairs: &[(&str, Value)]| {
        Value::Table(
            pairs
                .iter()
                .map(|(k, v)| ((*k).to_owned(), v.clone()))
                .collect(),
        )
    };
    match i % 22 {
        0 => Value::Integer(-1),
        1 => Value::Integer(0),
        2 => Value::Integer(1),
        3 => Value::Integer(3),
        4 => Value::Integer(i64::from(i32::MAX) + 1),
        5 => Value::Integer(i64::MAX),
        6 => Value::Float(1e308),
        7 => Value::Float(-1e308),
        8 => Value::Float(f64::NAN),
        9 => Value::Float(f64::INFINITY),
        10 => Value::Float(1e-9),
        11 => Value::Float(0.5),
        12 => Value::Float(-0.5),
        13 => Value::String(String::new()),
        14 => Value::String("none".into()),
        15 => Value::String("UK".into()),
        16 => Value::Boolean(true),
        17 => Value::Array(vec![]),
        18 => Value::Array(vec![Value::Float(1.0), Value::Float(2.0)]),
        19 => table(&[]),
        20 => table(&[("a", Value::Integer(1))]),
        _ => Value::Array(vec![table(&[])]),
    }
}

/// Every key path of a document, tables and arrays included, in a stable order.
fn paths(value: &Value, prefix: &mut Vec<Step>, out: &mut Vec<Vec<Step>>) {
    match value {
        Value::Table(t) => {
            for (k, v) in t {
                prefix.push(Step::Key(k.clone()));
                out.push(prefix.clone());
                paths(v, prefix, out);
                prefix.pop();
            }
        }
        Value::Array(a) => {
            for (i, v) in a.iter().enumerate() {
                prefix.push(Step::Index(i));
                out.push(prefix.clone());
                paths(v, prefix, out);
                prefix.pop();
            }
        }
        _ => {}
    }
}

#[derive(Clone, Debug)]
enum Step {
    Key(String),
    Index(usize),
}

/// One mutation: which path (modulo the number of paths), what to do, which value.
#[derive(Clone, Debug)]
struct Mutation {
    path: usize,
    action: u8,
    value: usize,
}

fn mutation() -> impl Strategy<Value = Mutation> {
    (any::<usize>(), 0u8..10, 0usize..22).prop_map(|(path, action, value)| Mutation {
        path,
        action,
        value,
    })
}

/// The container holding the last step of `path`.
fn parent_mut<'a>(root: &'a mut Value, path: &[Step]) -> Option<&'a mut Value> {
    let mut here = root;
    for step in &path[..path.len() - 1] {
        here = match (here, step) {
            (Value::Table(t), Step::Key(k)) => t.get_mut(k)?,
            (Value::Array(a), Step::Index(i)) => a.get_mut(*i)?,
            _ => return None,
        };
    }
    Some(here)
}

/// A plausible change of `old`: a number scaled (×0, ×0.1, ×0.5, ×2, ×10, negated), a
/// flag flipped; anything else stays.
fn perturbed(old: &Value, i: usize) -> Value {
    const FACTORS: [f64; 6] = [0.0, 0.1, 0.5, 2.0, 10.0, -1.0];
    let factor = FACTORS[i % FACTORS.len()];
    match old {
        Value::Integer(v) => Value::Integer((*v as f64 * factor).round() as i64),
        Value::Float(v) => Value::Float(v * factor),
        Value::Boolean(b) => Value::Boolean(!b),
        // Strings name things (regions, genres, rules): keep them; tables and arrays
        // change by losing or duplicating entries instead.
        other => other.clone(),
    }
}

fn apply(doc: &mut Value, m: &Mutation, gentle: bool) {
    let mut all = Vec::new();
    paths(doc, &mut Vec::new(), &mut all);
    if all.is_empty() {
        return;
    }
    let path = &all[m.path % all.len()];
    let Some(parent) = parent_mut(doc, path) else {
        return;
    };
    let last = path.last().expect("paths are not empty");
    match (parent, last) {
        // Mostly replace; sometimes delete; sometimes add an unknown key beside.
        (Value::Table(t), Step::Key(k)) => match m.action {
            0 => {
                t.remove(k);
            }
            1 => {
                t.insert(format!("{k}_typo"), hostile(m.value));
            }
            _ => {
                let new = match t.get(k) {
                    Some(old) if gentle => perturbed(old, m.value),
                    _ => hostile(m.value),
                };
                t.insert(k.clone(), new);
            }
        },
        (Value::Array(a), Step::Index(i)) => match m.action {
            0 => {
                a.remove(*i);
            }
            1 => {
                let copy = a[*i].clone();
                a.push(copy);
            }
            _ => {
                a[*i] = if gentle {
                    perturbed(&a[*i], m.value)
                } else {
                    hostile(m.value)
                }
            }
        },
        _ => {}
    }
}

fn mutant(scenario: usize, mutations: &[Mutation], gentle: bool) -> String {
    let mut doc = Value::Table(
        SHIPPED[scenario % SHIPPED.len()]
            .1
            .parse::<Table>()
            .unwrap(),
    );
    for m in mutations {
        apply(&mut doc, m, gentle);
    }
    toml::to_string(&doc).expect("a TOML value serialises")
}

fn case() -> impl Strategy<Value = (usize, Vec<Mutation>)> {
    (0..SHIPPED.len(), prop::collection::vec(mutation(), 1..4))
}

/// One gentle mutation, so that most mutants are valid and get run.
fn runnable_case() -> impl Strategy<Value = (usize, Vec<Mutation>)> {
    (0..SHIPPED.len(), prop::collection::vec(mutation(), 1..2))
}

#[test]
fn check_never_panics_on_mutated_scenarios() {
    let refused = AtomicUsize::new(0);
    runner(cases("CHARTSIM_FUZZ_CASES", 3_000), 11)
        .run(&case(), |(scenario, mutations)| {
            let text = mutant(scenario, &mutations, scenario % 2 == 0);
            if let Err(e) = Scenario::from_toml_str(&text, "mutant") {
                refused.fetch_add(1, Ordering::Relaxed);
                let message = e.to_string();
                prop_assert!(message.contains("mutant"), "{message}");
                prop_assert!(message.len() < 2_000, "{message}");
            }
            Ok(())
        })
        .unwrap();
    let refused = refused.load(Ordering::Relaxed);
    eprintln!("fuzz: {refused} mutants refused with a message, none panicked");
    // The mutations must actually bite.
    assert!(refused > 0);
}

/// The mutant with its world shrunk to a few hundred listeners and tracks and one
/// replicate, if that is still valid.
fn shrunk(text: &str) -> Option<Scenario> {
    let mut doc: Table = text.parse().ok()?;
    let cap = |doc: &mut Table, key: &str, most: i64| {
        if let Some(Value::Integer(v)) = doc.get_mut(key) {
            *v = (*v).min(most);
        }
    };
    cap(&mut doc, "listeners", 300);
    doc.insert("replicates".into(), Value::Integer(1));
    if let Some(Value::Table(catalogue)) = doc.get_mut("catalogue") {
        cap(catalogue, "back_catalogue_tracks", 300);
        cap(catalogue, "new_tracks_per_week", 10);
    }
    if let Some(Value::Table(listening)) = doc.get_mut("listening")
        && let Some(Value::Float(v)) = listening.get_mut("streams_per_day")
    {
        *v = v.min(20.0);
    }
    let mut scenario = Scenario::from_toml_str(&toml::to_string(&doc).ok()?, "shrunk").ok()?;
    // Days stay (events refer to them), but a long run of a tiny world is not needed.
    scenario.policies.truncate(4);
    Some(scenario)
}

#[test]
fn accepted_mutants_run_without_panics_or_non_finite_numbers() {
    let ran = AtomicUsize::new(0);
    let tmp = tempfile::tempdir().unwrap();
    runner(cases("CHARTSIM_FUZZ_RUNS", 60), 12)
        .run(&runnable_case(), |(scenario, mutations)| {
            let Some(scenario) = shrunk(&mutant(scenario, &mutations, true)) else {
                return Ok(());
            };
            let n = ran.fetch_add(1, Ordering::Relaxed);
            let batch = run_batch(&scenario, &|| {});
            let out = tmp.path().join(format!("run-{n}"));
            let (staging, _) = prepare(&out, &scenario, false).unwrap();
            write_results(staging, &out, &scenario, &batch, &Manifest::default()).unwrap();
            for table in ["metrics.csv", "charts.csv", "summary.csv", "tracks.csv"] {
                let text = std::fs::read_to_string(out.join(table)).unwrap();
                for (line, row) in text.lines().enumerate() {
                    for cell in row.split(',') {
                        let bad = matches!(cell, "NaN" | "inf" | "-inf");
                        prop_assert!(!bad, "{table} line {}: {row}", line + 1);
                    }
                }
            }
            std::fs::remove_dir_all(&out).unwrap();
            Ok(())
        })
        .unwrap();
    eprintln!("fuzz: {} accepted mutants ran", ran.load(Ordering::Relaxed));
    assert!(
        ran.load(Ordering::Relaxed) >= 20,
        "only {} mutants were accepted and ran",
        ran.load(Ordering::Relaxed)
    );
}
