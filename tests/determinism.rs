//! Results depend only on the scenario and the seed: not on the number of worker threads,
//! not on how the seed was given, and not on how many other replicates were run.

mod common;

use common::{
    Table, assert_same_tables, manifest, read_bytes, run_scenario, run_tiny, tiny, tiny_with,
    write_file,
};

const TABLES: [&str; 3] = ["metrics.csv", "charts.csv", "summary.csv"];

#[test]
fn tables_are_identical_whatever_the_thread_count() {
    let tmp = tempfile::tempdir().unwrap();
    let (one, two, two_again) = (
        tmp.path().join("a"),
        tmp.path().join("b"),
        tmp.path().join("c"),
    );
    run_tiny(&one, &["--threads", "1"]);
    run_tiny(&two, &["--threads", "2"]);
    run_tiny(&two_again, &["--threads", "2"]);
    assert_same_tables(&one, &two, &TABLES);
    assert_same_tables(&two, &two_again, &TABLES);
}

#[test]
fn a_different_seed_gives_different_metrics() {
    let tmp = tempfile::tempdir().unwrap();
    let (a, b) = (tmp.path().join("a"), tmp.path().join("b"));
    run_tiny(&a, &["--replicates", "1"]);
    run_tiny(&b, &["--replicates", "1", "--seed", "43"]);
    assert!(
        read_bytes(&a, "metrics.csv") != read_bytes(&b, "metrics.csv"),
        "seeds 42 and 43 gave byte-identical metrics.csv"
    );
}

#[test]
fn seed_option_is_equivalent_to_seed_in_the_scenario_file() {
    let tmp = tempfile::tempdir().unwrap();
    let seven = write_file(
        tmp.path(),
        "seven.toml",
        &tiny_with("seed = 42", "seed = 7"),
    );
    let (by_option, by_file) = (tmp.path().join("option"), tmp.path().join("file"));
    run_tiny(&by_option, &["--seed", "7"]);
    run_scenario(&seven, &by_file, &[]).assert_success();
    assert_same_tables(&by_option, &by_file, &TABLES);
    assert_eq!(
        manifest(&by_option)["replicate_seeds"],
        manifest(&by_file)["replicate_seeds"]
    );
}

#[test]
fn more_replicates_leave_the_earlier_replicates_unchanged() {
    // Replicate r's world comes from its own node of the seed tree and run ids are
    // `replicate × policies + policy`, so the first two replicates of a three-replicate
    // batch are exactly the two-replicate batch.
    let tmp = tempfile::tempdir().unwrap();
    let (two, three) = (tmp.path().join("two"), tmp.path().join("three"));
    run_tiny(&two, &[]);
    run_tiny(&three, &["--replicates", "3"]);

    let seeds_two = manifest(&two)["replicate_seeds"]
        .as_array()
        .unwrap()
        .clone();
    let seeds_three = manifest(&three)["replicate_seeds"]
        .as_array()
        .unwrap()
        .clone();
    assert_eq!(seeds_two.len(), tiny::REPLICATES);
    assert_eq!(seeds_three[..tiny::REPLICATES], seeds_two[..]);

    for file in ["metrics.csv", "charts.csv"] {
        let small = Table::read(&two, file);
        let large = Table::read(&three, file);
        assert_eq!(small.headers, large.headers);
        let replicate = large.col("replicate");
        let earlier: Vec<_> = large
            .rows
            .iter()
            .filter(|r| r[replicate].parse::<usize>().unwrap() < tiny::REPLICATES)
            .cloned()
            .collect();
        assert!(
            earlier == small.rows,
            "{file}: replicates 0 and 1 differ between --replicates 2 and --replicates 3"
        );
    }
}
