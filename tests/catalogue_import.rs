//! `[catalogue] from = "tracks.csv"`: importing real artists and tracks from a CSV file.

mod common;

use chartsim::scenario::{Override, ScenarioText};
use common::{
    Table, assert_same_tables, chartsim, manifest, read_bytes, run_scenario, tiny_with, write_file,
};

/// Three tracks by two artists in the tiny scenario's genres.
const CSV: &str = "artist,title,genre,region,label,appeal,release_day\n\
                   Harbour Lights,Northern Line,uk-pop,UK,independent,0.5,-100\n\
                   Harbour Lights,Tidewater,uk-pop,UK,independent,1.5,14\n\
                   Seoul Signal,Neon Bloom,k-pop,KR,major,2.0,0\n";

fn importing(csv_name: &str) -> String {
    tiny_with(
        "[catalogue]\n",
        &format!("[catalogue]\nfrom = \"{csv_name}\"\n"),
    )
}

#[test]
fn imported_tracks_join_the_catalogue_and_the_manifest_holds_them() {
    let tmp = tempfile::tempdir().unwrap();
    let csv = write_file(tmp.path(), "tracks.csv", CSV);
    let scenario = write_file(tmp.path(), "imported.toml", &importing("tracks.csv"));
    chartsim(["check", scenario.to_str().unwrap()]).assert_success();
    let out = tmp.path().join("out");
    run_scenario(&scenario, &out, &[]).assert_success();
    let tracks = String::from_utf8(read_bytes(&out, "tracks.csv")).unwrap();
    for title in ["Northern Line", "Tidewater", "Neon Bloom"] {
        assert!(tracks.contains(title), "{title} is not in tracks.csv");
    }
    // The rows are in the manifest's scenario, so the run repeats without the file.
    let recorded = manifest(&out);
    let text = recorded["scenario_toml"].as_str().unwrap();
    assert!(!text.contains("from = "), "{text}");
    assert_eq!(
        recorded["scenario"]["releases"].as_array().unwrap().len(),
        3
    );
    std::fs::remove_file(csv).unwrap();
    let again = tmp.path().join("again");
    chartsim([
        "run",
        "--manifest",
        out.join("manifest.json").to_str().unwrap(),
        "--out",
        again.to_str().unwrap(),
        "--quiet",
    ])
    .assert_success();
    let tables = ["metrics.csv", "charts.csv", "summary.csv", "tracks.csv"];
    assert_same_tables(&out, &again, &tables);
}

#[test]
fn a_bad_row_is_refused_with_the_file_row_and_column() {
    let tmp = tempfile::tempdir().unwrap();
    for (csv, mentions) in [
        (
            CSV.replace("k-pop,KR,major,2.0,0", "jazz,KR,major,2.0,0"),
            &["tracks.csv", "row 4, column 'genre'", "jazz"][..],
        ),
        (
            CSV.replace("1.5,14", "1.5,soon"),
            &["row 3, column 'release_day'", "soon"][..],
        ),
        // Past the end of the 56-day run: caught by validation, still named by row.
        (
            CSV.replace("1.5,14", "1.5,400"),
            &["row 3, column 'release_day'", "got 400"][..],
        ),
    ] {
        write_file(tmp.path(), "tracks.csv", &csv);
        let scenario = write_file(tmp.path(), "imported.toml", &importing("tracks.csv"));
        let out = tmp.path().join("out");
        run_scenario(&scenario, &out, &[])
            .assert_user_error()
            .assert_stderr_mentions(mentions);
        assert!(!out.exists());
    }
    let scenario = write_file(tmp.path(), "missing.toml", &importing("nowhere.csv"));
    chartsim(["check", scenario.to_str().unwrap()])
        .assert_user_error()
        .assert_stderr_mentions(&["nowhere.csv"]);
}

#[test]
fn the_shipped_example_catalogue_loads_into_the_default_world() {
    let set = Override::parse("catalogue.from=scenarios/catalogue-example.csv").unwrap();
    let scenario = ScenarioText::load(None, &[set])
        .unwrap()
        .validate()
        .unwrap();
    assert_eq!(scenario.releases.len(), 15);
    assert_eq!(scenario.artists.len(), 10);
    assert!(scenario.releases.iter().any(|r| r.christmas));
}

#[test]
fn a_wholly_imported_catalogue_runs_without_generated_tracks() {
    let tmp = tempfile::tempdir().unwrap();
    write_file(tmp.path(), "tracks.csv", CSV);
    let text = tiny_with(
        "[catalogue]\nback_catalogue_tracks = 600\nnew_tracks_per_week = 20\n",
        "[catalogue]\nfrom = \"tracks.csv\"\nback_catalogue_tracks = 0\nnew_tracks_per_week = 0\n",
    );
    let scenario = write_file(tmp.path(), "imported-only.toml", &text);
    chartsim(["check", scenario.to_str().unwrap()]).assert_success();
    let out = tmp.path().join("out");
    run_scenario(&scenario, &out, &[]).assert_success();

    // Every track of the run is one of the file's three, and each appears once in `all`.
    let tracks = Table::read(&out, "tracks.csv");
    let region = tracks.col("region");
    let title = tracks.col("title");
    let mut all: Vec<&str> = tracks
        .rows
        .iter()
        .filter(|r| &r[region] == "all")
        .map(|r| &r[title])
        .collect();
    all.sort_unstable();
    let replicates_times_policies = all.len() / 3;
    assert!(replicates_times_policies >= 1, "{all:?}");
    for chunk in all.chunks(replicates_times_policies) {
        assert!(chunk.iter().all(|t| *t == chunk[0]), "{all:?}");
    }
    let mut titles: Vec<&str> = all.clone();
    titles.dedup();
    assert_eq!(titles, ["Neon Bloom", "Northern Line", "Tidewater"]);
    // Listeners hear them: the released tracks carry streams.
    let streams: f64 = tracks.parsed::<f64>("streams").iter().sum();
    assert!(streams > 0.0, "no streams of an imported-only catalogue");

    // Nothing at all is still refused, naming the keys.
    let empty = text.replace("from = \"tracks.csv\"\n", "");
    let scenario = write_file(tmp.path(), "empty.toml", &empty);
    chartsim(["check", scenario.to_str().unwrap()])
        .assert_user_error()
        .assert_stderr_mentions(&["catalogue", "got 0"]);
}
