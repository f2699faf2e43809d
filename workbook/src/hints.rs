//! How far into each exercise's graded hints the reader has gone. `check` shows the first
//! level; `cargo workbook hint N.M` shows one more each time it is asked; `reset N`
//! forgets a chapter's levels. Kept in `target/workbook/hints`, one `id level` per line.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use crate::manifest::Exercise;

pub struct Levels {
    path: PathBuf,
    /// The highest hint level shown so far, per exercise id.
    seen: BTreeMap<String, usize>,
}

impl Levels {
    /// What the reader has seen; a missing or unreadable file means nothing yet.
    pub fn load(root: &Path) -> Levels {
        let path = crate::runs::state_dir(root).join("hints");
        let text = std::fs::read_to_string(&path).unwrap_or_default();
        let seen = text
            .lines()
            .filter_map(|line| {
                let (id, level) = line.split_once(' ')?;
                Some((id.to_string(), level.trim().parse().ok()?))
            })
            .collect();
        Levels { path, seen }
    }

    pub fn seen(&self, exercise: &Exercise) -> usize {
        self.seen.get(&exercise.id).copied().unwrap_or(0)
    }

    /// The level `check` shows: the first while the exercise is untouched (its tests still
    /// stop at `todo!()`), else the highest the reader has asked for.
    pub fn for_check(&self, exercise: &Exercise, untried: bool) -> usize {
        let last = exercise.hints.len();
        if untried {
            1
        } else {
            self.seen(exercise).clamp(1, last)
        }
    }

    /// The level `hint N.M` shows: one more than seen so far, the last one again at the end.
    pub fn next(&self, exercise: &Exercise) -> usize {
        (self.seen(exercise) + 1).min(exercise.hints.len())
    }

    /// Remembers that `level` was shown.
    pub fn shown(&mut self, exercise: &Exercise, level: usize) {
        let seen = self.seen.entry(exercise.id.clone()).or_default();
        *seen = (*seen).max(level);
    }

    /// Forgets the levels of chapter `number`'s exercises.
    pub fn forget_chapter(&mut self, number: u32) {
        let prefix = format!("{number}.");
        self.seen.retain(|id, _| !id.starts_with(&prefix));
    }

    /// Writes the levels back. Remembering is a convenience: a failure to write is not
    /// worth stopping the command for, so it is ignored.
    pub fn save(&self) {
        let text: String = self
            .seen
            .iter()
            .map(|(id, level)| format!("{id} {level}\n"))
            .collect();
        let _ = std::fs::create_dir_all(self.path.parent().unwrap());
        let _ = std::fs::write(&self.path, text);
    }
}
