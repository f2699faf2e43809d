//! `cargo workbook mutants N`: do chapter N's tests catch wrong solutions? cargo-mutants
//! changes the reference solution one small edit at a time (`+` into `-`, a body into
//! `Default::default()`) and runs the tests on each change, a "mutant". A mutant the tests
//! do not notice is a wrong solution a reader could hand in and see pass.
//!
//! Some mutants cannot be caught, because they change nothing a caller can observe (an
//! "equivalent" mutant). Each of those is listed with its reason in
//! `solutions/NN-topic/mutants.toml`:
//!
//! ```toml
//! [[equivalent]]
//! mutant = "src/lib.rs: replace > with >= in send_ping"
//! reason = "..."
//! ```
//!
//! `mutant` is a line of cargo-mutants' `missed.txt`, its path from the solution folder;
//! the line and column may be left out (they move with every edit above them).
//!
//! Given code is not mutated: a source file that is the same in `chapters/NN-topic/` and
//! `solutions/NN-topic/` is code the reader is handed, not code they write, so no mutant
//! of it is a wrong solution a reader could hand in. Those files are listed, not counted.

use std::path::{Path, PathBuf};
use std::process::Command;

use serde::Deserialize;

use crate::manifest::Chapter;

/// The share of viable mutants the tests must catch.
const GOAL: f64 = 0.95;

/// What one run of cargo-mutants gave: its listings, one mutant per line.
#[derive(Debug, Default)]
pub struct Outcomes {
    pub caught: Vec<String>,
    pub missed: Vec<String>,
    pub timeout: Vec<String>,
    pub unviable: Vec<String>,
}

impl Outcomes {
    /// Keeps only the mutants `keep` says yes to, in every listing.
    fn retain(&mut self, keep: impl Fn(&str) -> bool) {
        for list in [
            &mut self.caught,
            &mut self.missed,
            &mut self.timeout,
            &mut self.unviable,
        ] {
            list.retain(|m| keep(m));
        }
    }
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct Explained {
    #[serde(default)]
    equivalent: Vec<Equivalent>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Equivalent {
    mutant: String,
    reason: String,
}

/// Runs cargo-mutants on solution-N (or reads the output it left in `from`), prints the
/// score and the survivors, and fails when a survivor is not explained or the score is
/// under the goal.
pub fn mutants(root: &Path, chapter: &Chapter, from: Option<&Path>) -> Result<(), String> {
    if chapter.planned {
        return Err(format!("chapter {} is not written yet", chapter.number));
    }
    let given = given_files(root, chapter);
    let output = match from {
        Some(dir) => dir.to_path_buf(),
        None => run(root, chapter, &given)?,
    };
    let mut outcomes = read_outcomes(&output)?;
    // A run made by hand may have mutated given code: leave those mutants out here too.
    outcomes.retain(|m| !given.iter().any(|g| mutant_file(chapter, m) == g.as_str()));
    let file = chapter.solution_dir(root).join("mutants.toml");
    let explained = read_explained(&file)?;
    let shown_file = format!("solutions/{}/mutants.toml", chapter.slug);
    let (mut text, ok) = report(chapter, &outcomes, &explained, &shown_file);
    if !given.is_empty() {
        text.push_str(&format!(
            "\nnot mutated: given code, the same in chapters/ and solutions/ ({}):\n",
            given.len()
        ));
        for file in &given {
            text.push_str(&format!("  {file}\n"));
        }
    }
    crate::show(&text);
    if ok {
        Ok(())
    } else {
        Err(format!(
            "chapter {}'s tests let mutants through (listed above)",
            chapter.number
        ))
    }
}

/// The solution's source files (paths from the solution folder, `src/echo.rs`) that are
/// byte for byte the same as the chapter's: code the reader is given, not code they write.
fn given_files(root: &Path, chapter: &Chapter) -> Vec<String> {
    let solution = chapter.solution_dir(root);
    let exercise = chapter.exercise_dir(root);
    let mut files = Vec::new();
    let mut folders = vec![solution.join("src")];
    while let Some(folder) = folders.pop() {
        let Ok(entries) = std::fs::read_dir(&folder) else {
            continue;
        };
        for entry in entries.flatten() {
            let path = entry.path();
            if path.is_dir() {
                folders.push(path);
                continue;
            }
            let Ok(relative) = path.strip_prefix(&solution) else {
                continue;
            };
            let same = match (std::fs::read(&path), std::fs::read(exercise.join(relative))) {
                (Ok(a), Ok(b)) => a == b,
                _ => false,
            };
            if same && path.extension().is_some_and(|e| e == "rs") {
                files.push(relative.to_string_lossy().replace('\\', "/"));
            }
        }
    }
    files.sort();
    files
}

/// The file of a mutant line, from the solution folder: `src/lib.rs`.
fn mutant_file(chapter: &Chapter, mutant: &str) -> String {
    let place = from_solution(chapter, mutant);
    let end = place.find(':').unwrap_or(place.len());
    place[..end].to_string()
}

/// Runs `cargo mutants -p solution-N`, its output in `target/workbook/mutants-N`.
fn run(root: &Path, chapter: &Chapter, given: &[String]) -> Result<PathBuf, String> {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let installed = Command::new(&cargo)
        .args(["mutants", "--version"])
        .current_dir(root)
        .output()
        .is_ok_and(|o| o.status.success());
    if !installed {
        return Err("cargo-mutants is not installed. Install it with\n\n    \
             cargo install --locked cargo-mutants\n\nthen run this again."
            .into());
    }
    let output = crate::runs::state_dir(root).join(format!("mutants-{}", chapter.number));
    let package = chapter.solution_package();
    eprintln!("cargo mutants --package {package} (this takes minutes) ...");
    let mut command = Command::new(&cargo);
    command.args(["mutants", "--package", &package, "--no-shuffle", "--output"]);
    command.arg(&output);
    for file in given {
        command
            .arg("--exclude")
            .arg(format!("solutions/{}/{file}", chapter.slug));
    }
    let status = command
        .current_dir(root)
        .status()
        .map_err(|e| format!("cannot start cargo mutants: {e}"))?;
    // cargo-mutants exits 0 when every mutant was caught, 2 when some were missed, 3 when
    // some timed out; 4 means the tests fail even without a mutant.
    match status.code() {
        Some(0 | 2 | 3) => Ok(output),
        Some(4) => Err(format!(
            "the tests of {package} fail on the unchanged solution: fix that first"
        )),
        _ => Err(format!("cargo mutants failed ({status})")),
    }
}

/// Reads `caught.txt`, `missed.txt`, `timeout.txt` and `unviable.txt` from `dir` or from
/// `dir/mutants.out`; a listing cargo-mutants did not write is empty.
pub fn read_outcomes(dir: &Path) -> Result<Outcomes, String> {
    let nested = dir.join("mutants.out");
    let dir = if nested.is_dir() {
        nested
    } else {
        dir.to_path_buf()
    };
    if !dir.join("caught.txt").is_file() && !dir.join("missed.txt").is_file() {
        return Err(format!(
            "{} holds no output of cargo-mutants (caught.txt, missed.txt)",
            dir.display()
        ));
    }
    let list = |name: &str| -> Vec<String> {
        std::fs::read_to_string(dir.join(name))
            .unwrap_or_default()
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty())
            .map(str::to_string)
            .collect()
    };
    Ok(Outcomes {
        caught: list("caught.txt"),
        missed: list("missed.txt"),
        timeout: list("timeout.txt"),
        unviable: list("unviable.txt"),
    })
}

fn read_explained(file: &Path) -> Result<Explained, String> {
    match std::fs::read_to_string(file) {
        Ok(text) => {
            toml::from_str(&text).map_err(|e| format!("{} is not valid: {e}", file.display()))
        }
        Err(_) => Ok(Explained::default()),
    }
}

/// A mutant as the solution folder sees it: `solutions/01-x/src/lib.rs:3:5: replace ...`
/// becomes `src/lib.rs:3:5: replace ...`.
fn from_solution(chapter: &Chapter, mutant: &str) -> String {
    let prefix = format!("solutions/{}/", chapter.slug);
    mutant.strip_prefix(&prefix).unwrap_or(mutant).to_string()
}

/// The mutant without its line and column, which move with every edit above them:
/// `src/lib.rs:3:5: replace + with - in add` becomes `src/lib.rs: replace + with - in add`.
fn without_position(mutant: &str) -> String {
    let Some((place, what)) = mutant.split_once(": ") else {
        return mutant.to_string();
    };
    let mut parts = place.rsplitn(3, ':');
    let (column, line, file) = (parts.next(), parts.next(), parts.next());
    let numbers = |p: Option<&str>| p.is_some_and(|p| p.bytes().all(|b| b.is_ascii_digit()));
    match file {
        Some(file) if numbers(column) && numbers(line) => format!("{file}: {what}"),
        _ => mutant.to_string(),
    }
}

/// The score and the survivors, and whether the chapter meets the goal with every
/// survivor explained.
fn report(
    chapter: &Chapter,
    outcomes: &Outcomes,
    explained: &Explained,
    file: &str,
) -> (String, bool) {
    let caught = outcomes.caught.len() + outcomes.timeout.len();
    let viable = caught + outcomes.missed.len();
    let mut out = format!(
        "{}: {} mutants\n  caught     {:>4}\n  timed out  {:>4}  (counts as caught)\n  \
         missed     {:>4}\n  unviable   {:>4}  (did not build; not counted)\n",
        chapter.solution_package(),
        viable + outcomes.unviable.len(),
        outcomes.caught.len(),
        outcomes.timeout.len(),
        outcomes.missed.len(),
        outcomes.unviable.len(),
    );
    let key = |m: &str| without_position(&from_solution(chapter, m));
    let reason = |mutant: &str| {
        explained
            .equivalent
            .iter()
            .find(|e| key(&e.mutant) == key(mutant))
    };
    let (known, unknown): (Vec<&String>, Vec<&String>) =
        outcomes.missed.iter().partition(|m| reason(m).is_some());
    // The mutation score: an equivalent mutant is the same program as the solution
    // (or differs only where no test can reach), so no test could catch it, and it is
    // left out of what the tests must catch. Both numbers are shown.
    let catchable = viable - known.len();
    let share = |of: usize| {
        if of == 0 {
            1.0
        } else {
            caught as f64 / of as f64
        }
    };
    let score = share(catchable);
    out.push_str(&format!(
        "caught {caught} of {viable} viable mutants: {:.1}%\n",
        share(viable) * 100.0
    ));
    out.push_str(&format!(
        "caught {caught} of {catchable} that a test can catch ({} explained as \
         equivalent): {:.1}% (the goal is at least {:.0}%)\n",
        known.len(),
        score * 100.0,
        GOAL * 100.0
    ));
    if !known.is_empty() {
        out.push_str(&format!(
            "\nmissed, explained in {file} ({}):\n",
            known.len()
        ));
        for mutant in &known {
            let why = reason(mutant).map(|e| e.reason.trim()).unwrap_or_default();
            out.push_str(&format!(
                "  {}\n    {why}\n",
                from_solution(chapter, mutant)
            ));
        }
    }
    if !unknown.is_empty() {
        out.push_str(&format!("\nmissed, not explained ({}):\n", unknown.len()));
        for mutant in &unknown {
            out.push_str(&format!("  {}\n", from_solution(chapter, mutant)));
        }
        out.push_str(&format!(
            "Add a test that catches each of these; if no test can (the change is not \
             visible to any caller),\nlist it in {file} with the reason.\n"
        ));
    }
    let stale: Vec<&Equivalent> = explained
        .equivalent
        .iter()
        .filter(|e| !outcomes.missed.iter().any(|m| key(m) == key(&e.mutant)))
        .collect();
    if !stale.is_empty() {
        out.push_str(&format!(
            "\nin {file} but not missed in this run (remove them if the tests catch them now):\n"
        ));
        for entry in stale {
            out.push_str(&format!("  {}\n", entry.mutant));
        }
    }
    (out, unknown.is_empty() && score >= GOAL)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_position_is_left_out_but_not_a_colon_of_the_description() {
        assert_eq!(
            without_position("src/lib.rs:3:5: replace + with - in add"),
            "src/lib.rs: replace + with - in add"
        );
        assert_eq!(
            without_position("src/lib.rs: replace <impl Display for E>::fmt -> fmt::Result"),
            "src/lib.rs: replace <impl Display for E>::fmt -> fmt::Result"
        );
    }
}
