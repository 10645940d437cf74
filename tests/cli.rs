//! The command line: exit codes, error messages, `check`, `new`, `--out` safety and
//! what `run` prints.

mod common;

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use common::{
    RESULT_FILES, chartsim, entries, manifest, partial_leftovers, run_scenario, run_tiny, tiny,
    tiny_path, tiny_text, tiny_with, write_file,
};

/// Writes `text` as a scenario, runs it, and checks that it is refused with exit code 2,
/// a message naming the file and every one of `mentions`, and no output left behind.
fn assert_run_refuses(text: &str, mentions: &[&str]) {
    let tmp = tempfile::tempdir().unwrap();
    let scenario = write_file(tmp.path(), "bad.toml", text);
    let out = tmp.path().join("out");
    let outcome = run_scenario(&scenario, &out, &[]);
    outcome
        .assert_user_error()
        .assert_stderr_mentions(&[&scenario.display().to_string()])
        .assert_stderr_mentions(mentions);
    assert!(outcome.stdout.is_empty(), "stdout: {}", outcome.stdout);
    assert_no_output(tmp.path(), &out);
}

fn assert_no_output(parent: &Path, out: &Path) {
    assert!(!out.exists(), "{} was created", out.display());
    assert!(
        partial_leftovers(parent).is_empty(),
        "{:?}",
        entries(parent)
    );
}

// ---------------------------------------------------------------- invalid scenarios

#[test]
fn unknown_top_level_key_is_refused() {
    assert_run_refuses(&format!("colour = 1\n{}", tiny_text()), &["colour"]);
}

#[test]
fn zero_listeners_is_refused_with_the_allowed_range() {
    assert_run_refuses(
        &tiny_with("listeners = 3_000", "listeners = 0"),
        &["listeners", "must be between", "got 0"],
    );
}

#[test]
fn negative_population_share_is_refused_with_its_key_path() {
    assert_run_refuses(
        &tiny_with("population_share = 0.30", "population_share = -1"),
        &["regions[0].population_share", "-1"],
    );
}

#[test]
fn genre_from_an_unknown_region_is_refused() {
    // Genres in file order: uk-pop, country (origin "US"), ...
    assert_run_refuses(
        &tiny_with(r#"origin = "US""#, r#"origin = "FR""#),
        &["genres[1].origin", "FR"],
    );
}

#[test]
fn unknown_policy_scorer_is_refused() {
    // Policies in file order: popularity, content, random.
    assert_run_refuses(
        &tiny_with(r#"scorer = "content""#, r#"scorer = "oracle""#),
        &["policies[1].scorer", "oracle"],
    );
}

#[test]
fn unknown_chart_rule_set_is_refused() {
    // KR is the third region; its second rule set becomes unknown.
    assert_run_refuses(
        &tiny_with(
            r#"chart_rules = ["melon", "raw"]"#,
            r#"chart_rules = ["melon", "billboard"]"#,
        ),
        &["regions[2].chart_rules[1]", "billboard"],
    );
}

#[test]
fn toml_syntax_error_is_refused_with_its_line() {
    let text = tiny_with("days = 56", "days = = 56");
    let line = 1 + text
        .lines()
        .position(|l| l.starts_with("days = = 56"))
        .unwrap();
    assert_run_refuses(&text, &[&format!("line {line}"), "days"]);
}

#[test]
fn missing_scenario_file_is_refused() {
    let tmp = tempfile::tempdir().unwrap();
    let missing = tmp.path().join("no-such-scenario.toml");
    let out = tmp.path().join("out");
    run_scenario(&missing, &out, &[])
        .assert_user_error()
        .assert_stderr_mentions(&["cannot read scenario", &missing.display().to_string()]);
    assert_no_output(tmp.path(), &out);
}

#[test]
fn missing_scenario_file_states_the_os_error_once() {
    let tmp = tempfile::tempdir().unwrap();
    let missing = tmp.path().join("no-such-scenario.toml");
    let os_error = std::fs::read_to_string(&missing).unwrap_err().to_string();
    let outcome = run_scenario(&missing, &tmp.path().join("out"), &[]);
    outcome.assert_user_error();
    assert_eq!(
        outcome.stderr.matches(&os_error).count(),
        1,
        "the OS error should appear once in:\n{}",
        outcome.stderr
    );
}

// ---------------------------------------------------------------- check and new

#[test]
fn check_accepts_the_tiny_scenario() {
    let outcome = chartsim([Path::new("check"), &tiny_path()]);
    outcome.assert_success();
    assert!(outcome.stdout.contains("ok"), "stdout: {}", outcome.stdout);
    assert!(outcome.stdout.contains(&tiny_path().display().to_string()));
}

#[test]
fn every_shipped_scenario_passes_check() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut files: Vec<PathBuf> = ["scenarios", "benches/peer"]
        .iter()
        .flat_map(|dir| std::fs::read_dir(root.join(dir)).unwrap())
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "toml"))
        .collect();
    files.sort();
    assert!(files.len() >= 3, "{files:?}");
    for file in &files {
        let outcome = chartsim([Path::new("check"), file]);
        outcome.assert_success();
        assert!(outcome.stdout.contains("ok"), "{}", file.display());
    }
}

#[test]
fn check_refuses_an_invalid_scenario() {
    let tmp = tempfile::tempdir().unwrap();
    let bad = write_file(
        tmp.path(),
        "bad.toml",
        &tiny_with("listeners = 3_000", "listeners = 0"),
    );
    let outcome = chartsim([Path::new("check"), &bad]);
    outcome.assert_user_error().assert_stderr_mentions(&[
        &bad.display().to_string(),
        "listeners",
        "must be between",
    ]);
    assert!(!outcome.stdout.contains("ok"), "stdout: {}", outcome.stdout);
}

#[test]
fn check_refuses_a_missing_file() {
    let tmp = tempfile::tempdir().unwrap();
    let missing = tmp.path().join("missing.toml");
    chartsim([Path::new("check"), &missing])
        .assert_user_error()
        .assert_stderr_mentions(&[&missing.display().to_string()]);
}

#[test]
fn new_prints_a_scenario_that_passes_check() {
    let new = chartsim(["new"]);
    new.assert_success();
    assert!(!new.stdout.trim().is_empty());
    let tmp = tempfile::tempdir().unwrap();
    let path = write_file(tmp.path(), "new.toml", &new.stdout);
    let check = chartsim([Path::new("check"), &path]);
    check.assert_success();
    assert!(check.stdout.contains("ok"), "stdout: {}", check.stdout);
}

// ---------------------------------------------------------------- --out and options

#[test]
fn out_refuses_a_non_empty_directory_that_is_not_a_result() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("mine");
    std::fs::create_dir(&out).unwrap();
    let notes = write_file(&out, "notes.txt", "my notes\n");
    run_scenario(&tiny_path(), &out, &[])
        .assert_user_error()
        .assert_stderr_mentions(&[&out.display().to_string()]);
    assert_eq!(std::fs::read_to_string(&notes).unwrap(), "my notes\n");
    assert_eq!(entries(&out), ["notes.txt"]);
    assert!(partial_leftovers(tmp.path()).is_empty());
}

#[test]
fn out_refuses_an_existing_file() {
    let tmp = tempfile::tempdir().unwrap();
    let file = write_file(tmp.path(), "results", "not a directory\n");
    run_scenario(&tiny_path(), &file, &[]).assert_user_error();
    assert_eq!(std::fs::read_to_string(&file).unwrap(), "not a directory\n");
    assert!(partial_leftovers(tmp.path()).is_empty());
}

#[test]
fn out_accepts_an_empty_directory() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("empty");
    std::fs::create_dir(&out).unwrap();
    run_tiny(&out, &["--replicates", "1"]);
    assert_eq!(entries(&out), RESULT_FILES);
}

#[test]
fn out_replaces_an_earlier_result_directory() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out");
    run_tiny(&out, &["--replicates", "1", "--seed", "1"]);
    assert_eq!(manifest(&out)["master_seed"], 1);
    // The same scenario again replaces it without a word.
    run_tiny(&out, &["--replicates", "1", "--seed", "1"]);
    // A different one only when asked.
    run_scenario(&tiny_path(), &out, &["--replicates", "1", "--seed", "2"])
        .assert_user_error()
        .assert_stderr_mentions(&["different scenario", "seed: 1 there, 2 now", "--force"]);
    assert_eq!(manifest(&out)["master_seed"], 1);
    run_tiny(&out, &["--replicates", "1", "--seed", "2", "--force"]);
    assert_eq!(manifest(&out)["master_seed"], 2);
    assert_eq!(entries(&out), RESULT_FILES);
    assert_eq!(entries(tmp.path()), ["out"]);
}

#[test]
fn zero_threads_is_refused() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out");
    run_scenario(&tiny_path(), &out, &["--threads", "0"])
        .assert_user_error()
        .assert_stderr_mentions(&["--threads"]);
    assert_no_output(tmp.path(), &out);
}

#[test]
fn zero_replicates_is_refused() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out");
    run_scenario(&tiny_path(), &out, &["--replicates", "0"])
        .assert_user_error()
        .assert_stderr_mentions(&["--replicates"]);
    assert_no_output(tmp.path(), &out);
}

// ---------------------------------------------------------------- what run prints

#[test]
fn quiet_run_prints_nothing() {
    let tmp = tempfile::tempdir().unwrap();
    let outcome = run_scenario(
        &tiny_path(),
        &tmp.path().join("out"),
        &["--replicates", "1"],
    );
    outcome.assert_success();
    assert_eq!(outcome.stdout, "");
    assert_eq!(outcome.stderr, "");
}

#[test]
fn run_prints_a_table_naming_every_policy() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out");
    let outcome = chartsim([
        Path::new("run"),
        &tiny_path(),
        Path::new("--out"),
        &out,
        Path::new("--replicates"),
        Path::new("1"),
    ]);
    outcome.assert_success();
    for name in tiny::POLICIES.iter().chain(&tiny::METRIC_REGIONS) {
        assert!(
            outcome
                .stdout
                .lines()
                .any(|l| l.split_whitespace().next() == Some(name)),
            "no table line starts with {name:?}:\n{}",
            outcome.stdout
        );
    }
    assert!(outcome.stdout.contains(&out.display().to_string()));
    assert_eq!(entries(&out), RESULT_FILES);
}

#[test]
fn closed_stdout_is_not_an_error() {
    // `chartsim run | head -0`: the table cannot be written, yet the run succeeded.
    let tmp = tempfile::tempdir().unwrap();
    let out: PathBuf = tmp.path().join("out");
    let mut child = Command::new(env!("CARGO_BIN_EXE_chartsim"))
        .arg("run")
        .arg(tiny_path())
        .arg("--out")
        .arg(&out)
        .args(["--replicates", "1"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    drop(child.stdout.take()); // close the read end before anything is printed
    let output = child.wait_with_output().unwrap();
    assert!(
        output.status.success(),
        "exit {:?}, stderr: {}",
        output.status.code(),
        String::from_utf8_lossy(&output.stderr)
    );
    assert_eq!(entries(&out), RESULT_FILES);
}

/// A named artist and two releases, appended to the tiny scenario by the story tests.
const STORY: &str = r#"
[[artists]]
name = "Group"
genre = "k-pop"

[[releases]]
title = "Lead"
artist = "Group"
day = 10
"#;

#[test]
fn story_tables_refer_to_what_exists() {
    let with = |extra: &str| format!("{}\n{STORY}\n{extra}", tiny_text());
    assert_run_refuses(
        &with("[[fandoms]]\nname = \"fans\"\nartist = \"Nobody\"\n"),
        &["fandoms[0].artist", "Nobody", "\"Group\""],
    );
    assert_run_refuses(
        &with("[[fandoms]]\nname = \"fans\"\nartist = \"Group\"\ndevotion_shape = 1.0\n"),
        &["fandoms[0].devotion_shape", "greater than 1"],
    );
    assert_run_refuses(
        &with("[[fandoms]]\nname = \"fans\"\nartist = \"Group\"\nmembership = { FR = 0.1 }\n"),
        &["fandoms[0].membership.FR", "\"UK\""],
    );
    assert_run_refuses(
        &with("[[tie_ins]]\nname = \"Film\"\nday = 20\nreleases = [\"Lead\", \"Missing\"]\n"),
        &["tie_ins[0].releases[1]", "Missing"],
    );
    assert_run_refuses(
        &with("[[switches]]\nday = 14\npolicy = \"content\"\nregion = \"UK\"\n"),
        &["switches[0]", "either"],
    );
    assert_run_refuses(
        &with("[[releases]]\ntitle = \"Lead\"\nartist = \"Group\"\nday = 3\n"),
        &["releases[1].title", "duplicate"],
    );
    assert_run_refuses(
        &format!(
            "{}\n[[artists]]\nname = \"Solo\"\ngenre = \"pop\"\n",
            tiny_text()
        ),
        &["artists[0].region", "global"],
    );
}

#[test]
fn set_overrides_a_key_and_bad_overrides_are_refused() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out");
    run_scenario(&tiny_path(), &out, &["--set", "listening.slate_size=-1"])
        .assert_user_error()
        .assert_stderr_mentions(&["listening.slate_size"]);
    assert_no_output(tmp.path(), &out);
    run_scenario(&tiny_path(), &out, &["--set", "policies[7].name=x"])
        .assert_user_error()
        .assert_stderr_mentions(&["policies[7]", "past the end"]);
    run_scenario(
        &tiny_path(),
        &out,
        &["--set", "replicates=1", "--set", "days=21"],
    )
    .assert_success();
    let manifest = std::fs::read_to_string(out.join("manifest.json")).unwrap();
    assert!(manifest.contains("\"replicates\": 1") && manifest.contains("\"days\": 21"));
}

#[test]
fn a_matrix_factorisation_policy_runs_from_the_command_line_and_bad_keys_are_refused() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out");
    let mf = [
        "--set",
        "policies[1].scorer=\"collaborative\"",
        "--set",
        "policies[1].model=\"factorisation\"",
        "--set",
        "policies[1].retrain=\"daily\"",
    ];
    let mut bad = mf.to_vec();
    bad.extend(["--set", "policies[1].factors=1"]);
    run_scenario(&tiny_path(), &out, &bad)
        .assert_user_error()
        .assert_stderr_mentions(&["policies[1].factors", "2"]);
    assert_no_output(tmp.path(), &out);
    let mut wrong_model = mf.to_vec();
    wrong_model.extend(["--set", "policies[1].similarity=\"cosine\""]);
    run_scenario(&tiny_path(), &out, &wrong_model)
        .assert_user_error()
        .assert_stderr_mentions(&["policies[1].similarity"]);
    run_scenario(&tiny_path(), &out, &mf).assert_success();
    let manifest = std::fs::read_to_string(out.join("manifest.json")).unwrap();
    assert!(manifest.contains("factorisation"), "{manifest}");
    let metrics = std::fs::read_to_string(out.join("metrics.csv")).unwrap();
    assert!(metrics.lines().skip(1).any(|l| l.contains(",content,")));
}

#[test]
fn a_region_named_all_is_refused() {
    assert_run_refuses(
        &tiny_with("name = \"UK\"", "name = \"all\""),
        &["regions[0].name", "all-regions rows"],
    );
}

#[test]
fn a_none_policy_takes_no_curation_rules() {
    assert_run_refuses(
        &format!(
            "{}\n[[policies]]\nname = \"nothing\"\nscorer = \"none\"\ncuration = [{{ rule = \"mmr\" }}]\n",
            tiny_text()
        ),
        &["policies[3].curation", "recommends nothing"],
    );
}
