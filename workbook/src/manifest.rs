//! `workbook.toml`: every chapter, its exercises in order, the tests that check each one,
//! graded hints per exercise and the book section that explains it.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::Deserialize;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Manifest {
    #[serde(rename = "chapter")]
    pub chapters: Vec<Chapter>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Chapter {
    pub number: u32,
    /// Folder name under `chapters/`, `solutions/` and `tests/`, e.g. `01-creating-sockets`.
    pub slug: String,
    pub title: String,
    /// The chapter's page under `book/src/`.
    pub page: String,
    /// A chapter in the curriculum that has no exercises yet.
    #[serde(default)]
    pub planned: bool,
    #[serde(default, rename = "exercise")]
    pub exercises: Vec<Exercise>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Exercise {
    /// `1.3`: chapter and position.
    pub id: String,
    pub title: String,
    /// The function the reader writes, to point at in the exercise file; several are
    /// separated by commas (`"get_all, list"`).
    pub function: String,
    /// The heading in the chapter's book page that explains this exercise.
    pub section: String,
    /// Names of the tests (as `cargo test` prints them) that check this exercise.
    pub tests: Vec<String>,
    /// Graded hints: a nudge first, the near-answer last. `check` shows one level at a
    /// time; the book shows each in its own folded block.
    pub hints: Vec<String>,
}

impl Manifest {
    pub fn load(root: &Path) -> Result<Manifest, String> {
        let path = root.join("workbook.toml");
        let text = std::fs::read_to_string(&path)
            .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
        toml::from_str(&text).map_err(|e| format!("{} is not valid: {e}", path.display()))
    }

    pub fn chapter(&self, number: u32) -> Result<&Chapter, String> {
        self.chapters
            .iter()
            .find(|c| c.number == number)
            .ok_or_else(|| format!("there is no chapter {number} in workbook.toml"))
    }

    /// Mistakes in the manifest itself: a missing hint, an exercise with no test, a test
    /// claimed twice, chapters out of order.
    pub fn problems(&self) -> Vec<String> {
        let mut problems = Vec::new();
        for (i, chapter) in self.chapters.iter().enumerate() {
            let n = chapter.number;
            if n as usize != i + 1 {
                problems.push(format!("chapter {n} is listed in place {}", i + 1));
            }
            if chapter.planned != chapter.exercises.is_empty() {
                problems.push(format!(
                    "chapter {n}: a planned chapter has no exercises and a written one has some"
                ));
            }
            let mut claimed: BTreeMap<&str, &str> = BTreeMap::new();
            for (j, exercise) in chapter.exercises.iter().enumerate() {
                let id = &exercise.id;
                if *id != format!("{n}.{}", j + 1) {
                    problems.push(format!(
                        "chapter {n}: exercise {id} should be {n}.{}",
                        j + 1
                    ));
                }
                if exercise.hints.is_empty() || exercise.hints.iter().any(|h| h.trim().is_empty()) {
                    problems.push(format!("exercise {id} has no hint, or an empty hint level"));
                }
                if exercise.tests.is_empty() {
                    problems.push(format!("exercise {id} names no test"));
                }
                for test in &exercise.tests {
                    if let Some(other) = claimed.insert(test, id) {
                        problems.push(format!("test {test} is claimed by {other} and {id}"));
                    }
                }
            }
        }
        problems
    }
}

impl Exercise {
    /// The functions of this exercise, in the order the manifest names them.
    pub fn functions(&self) -> impl Iterator<Item = &str> {
        self.function
            .split(',')
            .map(str::trim)
            .filter(|f| !f.is_empty())
    }
}

impl Chapter {
    pub fn exercise_dir(&self, root: &Path) -> PathBuf {
        root.join("chapters").join(&self.slug)
    }

    pub fn solution_dir(&self, root: &Path) -> PathBuf {
        root.join("solutions").join(&self.slug)
    }

    pub fn exercise_package(&self) -> String {
        format!("chapter-{}", self.number)
    }

    pub fn solution_package(&self) -> String {
        format!("solution-{}", self.number)
    }

    /// Which exercise claims a test, if any.
    pub fn owner_of(&self, test: &str) -> Option<&Exercise> {
        self.exercises
            .iter()
            .find(|e| e.tests.iter().any(|t| t == test))
    }

    pub fn test_count(&self) -> usize {
        self.exercises.iter().map(|e| e.tests.len()).sum()
    }
}
