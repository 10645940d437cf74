//! The crate's layers only look down.
//!
//! What it checks, over every `.rs` file under `src/` (tests inside them included):
//!
//! 1. Every `crate::NAME` in code (not in comments) names a top-level module at the same
//!    layer or below the file's own, in the order of [`LAYERS`]. `use crate::{a, b}` groups
//!    are read too. The binary (`main.rs`, `cli*`) may use anything.
//! 2. Within a folder, files do not import each other in a loop: an edge A → B is
//!    `super::B` in sibling file A (`mod.rs` excluded, since a parent naturally uses its
//!    children and they use it back).
//!
//! A failure names the file, the line and the two layers.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// Top-level modules from the bottom up; a module may use those at its rank or below.
const LAYERS: &[&[&str]] = &[
    // Foundations: errors, ids, the seed tree.
    &["error", "ids", "rng"],
    // Chart rules (plain data) and their compilation: pure functions of plays.
    &["chart", "payout"],
    // What the user declared, validated.
    &["scenario"],
    // A replicate world generated from a scenario.
    &["world"],
    // Pure measures of plays, charts and counts.
    &["metrics"],
    // What a recommender sees and decides.
    &["policy"],
    // One simulated day: the hot loop.
    &["step"],
    // One run; many runs.
    &["run"],
    &["batch"],
    // Exporters that read results, never simulation state.
    &["plot"],
    &["report"],
    &["output"],
    // Sweeps: many runs streamed to a directory, through the layers below.
    &["sweep"],
    // The crate root and the binary: a thin shell over everything.
    &["lib", "main", "cli"],
];

fn rank(module: &str) -> usize {
    LAYERS
        .iter()
        .position(|layer| layer.contains(&module))
        .unwrap_or_else(|| panic!("module `{module}` has no layer in tests/layers.rs"))
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// The top-level module a file belongs to (`src/policy/x.rs` → `policy`).
fn module_of(src: &Path, file: &Path) -> String {
    let rel = file.strip_prefix(src).unwrap();
    let first = rel
        .components()
        .next()
        .unwrap()
        .as_os_str()
        .to_string_lossy();
    first.trim_end_matches(".rs").to_owned()
}

/// The code of a line, without its comment.
fn code(line: &str) -> &str {
    let trimmed = line.trim_start();
    if trimmed.starts_with("//") {
        return "";
    }
    line.split(" //").next().unwrap_or(line)
}

/// Modules named as `crate::NAME` on a line, with `use crate::{a, b::c}` groups.
fn crate_refs(line: &str) -> Vec<String> {
    let mut names = Vec::new();
    let mut rest = line;
    while let Some(at) = rest.find("crate::") {
        let after = &rest[at + "crate::".len()..];
        if let Some(group) = after.strip_prefix('{') {
            let inner = group.split('}').next().unwrap_or("");
            for item in inner.split(',') {
                let name: String = item
                    .trim()
                    .chars()
                    .take_while(|c| c.is_alphanumeric() || *c == '_')
                    .collect();
                if !name.is_empty() {
                    names.push(name);
                }
            }
        } else {
            let name: String = after
                .chars()
                .take_while(|c| c.is_alphanumeric() || *c == '_')
                .collect();
            // `crate::Scenario` etc. are the crate root's re-exports.
            if name.chars().next().is_some_and(char::is_lowercase) {
                names.push(name);
            }
        }
        rest = after;
    }
    names
}

#[test]
fn modules_import_only_from_their_layer_or_below() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    rust_files(&src, &mut files);
    files.sort();
    let mut upward = Vec::new();
    for file in &files {
        let own = module_of(&src, file);
        let own_rank = rank(&own);
        let text = std::fs::read_to_string(file).unwrap();
        for (n, line) in text.lines().enumerate() {
            for used in crate_refs(code(line)) {
                if rank(&used) > own_rank {
                    upward.push(format!(
                        "{}:{}: `{own}` uses `{used}`, a layer above it",
                        file.strip_prefix(&src).unwrap().display(),
                        n + 1
                    ));
                }
            }
        }
    }
    assert!(
        upward.is_empty(),
        "imports that point up:\n{}",
        upward.join("\n")
    );
}

#[test]
fn sibling_files_do_not_import_each_other_in_a_loop() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    rust_files(&src, &mut files);
    let mut by_dir: BTreeMap<PathBuf, Vec<PathBuf>> = BTreeMap::new();
    for file in files {
        if file
            .file_name()
            .is_some_and(|n| n != "mod.rs" && n != "lib.rs" && n != "main.rs")
        {
            by_dir
                .entry(file.parent().unwrap().to_owned())
                .or_default()
                .push(file);
        }
    }
    let mut loops = Vec::new();
    for (dir, files) in by_dir {
        let stem = |f: &PathBuf| f.file_stem().unwrap().to_string_lossy().into_owned();
        let names: BTreeSet<String> = files.iter().map(stem).collect();
        let mut edges: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
        for file in &files {
            let text = std::fs::read_to_string(file).unwrap();
            for line in text.lines().map(code) {
                let mut rest = line;
                while let Some(at) = rest.find("super::") {
                    let after = &rest[at + "super::".len()..];
                    let name: String = after
                        .chars()
                        .take_while(|c| c.is_alphanumeric() || *c == '_')
                        .collect();
                    if names.contains(&name) && name != stem(file) {
                        edges.entry(stem(file)).or_default().insert(name);
                    }
                    rest = after;
                }
            }
        }
        // A loop exists if some file reaches itself.
        for start in &names {
            let mut seen = BTreeSet::new();
            let mut stack: Vec<&String> = edges.get(start).into_iter().flatten().collect();
            while let Some(next) = stack.pop() {
                if next == start {
                    loops.push(format!("{}: {start} reaches itself", dir.display()));
                    break;
                }
                if seen.insert(next) {
                    stack.extend(edges.get(next).into_iter().flatten());
                }
            }
        }
    }
    assert!(loops.is_empty(), "import loops:\n{}", loops.join("\n"));
}

#[test]
fn the_checker_sees_what_it_must() {
    assert_eq!(crate_refs("use crate::policy::{A, B};"), ["policy"]);
    assert_eq!(
        crate_refs("use crate::{batch, world::World};"),
        ["batch", "world"]
    );
    assert_eq!(
        crate_refs("let x = crate::step::MAX; // crate::run"),
        ["step", "run"]
    );
    assert_eq!(
        code("let x = crate::step::MAX; // crate::run"),
        "let x = crate::step::MAX;"
    );
    assert_eq!(code("    /// see crate::batch"), "");
    assert!(rank("policy") > rank("scenario") && rank("step") > rank("policy"));
}
