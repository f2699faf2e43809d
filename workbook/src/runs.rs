//! Test runs without waiting: a chapter the reader has not touched needs no build, and a
//! chapter unchanged since its last run reuses that run's result.
//!
//! Everything this command remembers lives under `target/workbook/` (untracked, like the
//! rest of `target/`): `runs/chapter-N.toml` here, the hint levels in `hints.rs`.

use std::collections::BTreeMap;
use std::hash::{DefaultHasher, Hash, Hasher};
use std::path::{Path, PathBuf};
use std::time::SystemTime;

use serde::{Deserialize, Serialize};

use crate::cargo_test::{Outcome, Run};
use crate::generate;
use crate::layout;
use crate::manifest::Chapter;

/// Where the command keeps what it remembers between runs.
pub fn state_dir(root: &Path) -> PathBuf {
    root.join("target").join("workbook")
}

/// Are the chapter's exercise files exactly what `generate` makes from the solution? Then
/// the reader has not started it, and every test would fail on a `todo!()`.
pub fn untouched(root: &Path, chapter: &Chapter) -> bool {
    let src = chapter.exercise_dir(root).join("src");
    let Ok(expected) = generate::expected_exercise_files(&chapter.solution_dir(root).join("src"))
    else {
        return false;
    };
    let same_files = layout::rust_files(&src).len() == expected.len();
    same_files
        && expected.iter().all(|(relative, text)| {
            std::fs::read_to_string(src.join(relative)).is_ok_and(|actual| actual == *text)
        })
}

/// What a run of an untouched chapter would show: every test failing, none run.
pub fn not_started(chapter: &Chapter) -> Run {
    let outcomes = chapter
        .exercises
        .iter()
        .flat_map(|e| &e.tests)
        .map(|test| (test.clone(), Outcome::Failed))
        .collect();
    Run {
        outcomes,
        ..Run::default()
    }
}

/// When the reader last changed one of the chapter's exercise files, if they changed any.
pub fn last_worked_on(root: &Path, chapter: &Chapter) -> Option<SystemTime> {
    if chapter.planned || untouched(root, chapter) {
        return None;
    }
    let src = chapter.exercise_dir(root).join("src");
    layout::rust_files(&src)
        .iter()
        .filter_map(|f| {
            std::fs::metadata(src.join(f))
                .and_then(|m| m.modified())
                .ok()
        })
        .max()
}

/// A digest of everything a chapter's test run depends on: its exercise crate and any
/// other chapter crate its Cargo.toml names (a reader may build on their own earlier
/// chapter), its tests, the support crate, every solution (later chapters use earlier
/// ones), the workspace's manifests, and this command's own build (a new command may read
/// runs differently).
pub fn fingerprint(root: &Path, chapter: &Chapter) -> String {
    let mut hasher = DefaultHasher::new();
    let mut parts = vec![
        chapter.exercise_dir(root),
        root.join("tests").join(&chapter.slug),
        root.join("tests/support"),
        root.join("solutions"),
        root.join("Cargo.toml"),
        root.join("Cargo.lock"),
    ];
    parts.extend(chapters_named_by(root, chapter));
    for part in parts {
        hash_tree(&part, &mut hasher);
    }
    let built = std::env::current_exe()
        .and_then(std::fs::metadata)
        .and_then(|m| m.modified())
        .ok();
    built.hash(&mut hasher);
    format!("{:016x}", hasher.finish())
}

/// The folders of the other chapter crates that this chapter's Cargo.toml mentions.
fn chapters_named_by(root: &Path, chapter: &Chapter) -> Vec<PathBuf> {
    let manifest = chapter.exercise_dir(root).join("Cargo.toml");
    let text = std::fs::read_to_string(manifest).unwrap_or_default();
    let text: Vec<&str> = text
        .lines()
        .filter(|line| !line.trim_start().starts_with('#'))
        .collect();
    let text = text.join("\n");
    let Ok(entries) = std::fs::read_dir(root.join("chapters")) else {
        return Vec::new();
    };
    let mut named: Vec<PathBuf> = entries
        .flatten()
        .filter(|e| e.file_name() != chapter.slug.as_str())
        .filter(|e| text.contains(&format!("/{}", e.file_name().to_string_lossy())))
        .map(|e| e.path())
        .collect();
    named.sort();
    named
}

/// Hashes the names and contents of every file under `path` (a file or a folder), in a
/// fixed order; build output folders are skipped.
fn hash_tree(path: &Path, hasher: &mut DefaultHasher) {
    let files = if path.is_file() {
        vec![path.to_path_buf()]
    } else {
        layout::all_files(path)
            .iter()
            .map(|f| path.join(f))
            .collect()
    };
    for file in files {
        file.hash(hasher);
        std::fs::read(&file).unwrap_or_default().hash(hasher);
    }
}

#[derive(Serialize, Deserialize)]
struct Saved {
    fingerprint: String,
    outcomes: BTreeMap<String, Outcome>,
    messages: BTreeMap<String, String>,
}

fn saved_path(root: &Path, chapter: &Chapter) -> PathBuf {
    state_dir(root)
        .join("runs")
        .join(format!("chapter-{}.toml", chapter.number))
}

/// The last run of the chapter, if nothing it depends on has changed since.
pub fn cached(root: &Path, chapter: &Chapter, fingerprint: &str) -> Option<Run> {
    let text = std::fs::read_to_string(saved_path(root, chapter)).ok()?;
    let saved: Saved = toml::from_str(&text).ok()?;
    (saved.fingerprint == fingerprint).then_some(Run {
        outcomes: saved.outcomes,
        messages: saved.messages,
        broken: None,
    })
}

/// Keeps a finished run for next time. A run that did not build or did not finish is not
/// kept: it may have been stopped by something outside the chapter (a busy machine).
pub fn keep(root: &Path, chapter: &Chapter, fingerprint: &str, run: &Run) {
    if run.broken.is_some() {
        return;
    }
    let saved = Saved {
        fingerprint: fingerprint.to_string(),
        outcomes: run.outcomes.clone(),
        messages: run.messages.clone(),
    };
    let path = saved_path(root, chapter);
    if let Ok(text) = toml::to_string(&saved) {
        // Remembering is a convenience: failing to write only costs a run next time.
        let _ = std::fs::create_dir_all(path.parent().unwrap());
        let _ = std::fs::write(path, text);
    }
}
