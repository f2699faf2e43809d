//! What a reader sees: the progress table, the next step, and one chapter's check.
//! Everything here is a pure function of the manifest, the test results and the files
//! found for each exercise (by `layout`), so the exact text is snapshot-tested.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use crate::cargo_test::Run;
use crate::manifest::{Chapter, Exercise};
use crate::style::Style;

/// Where a chapter stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Status {
    NotStarted,
    InProgress,
    Done,
    /// It does not compile, or its tests did not finish.
    Broken,
    /// In the curriculum, not written yet.
    Planned,
}

/// A chapter and, for a written chapter, what its tests gave.
pub struct ChapterResult<'a> {
    pub chapter: &'a Chapter,
    pub run: Option<Run>,
    /// For each exercise's function, the file (from the workspace root) that declares it.
    pub files: BTreeMap<String, String>,
}

impl ChapterResult<'_> {
    pub fn passing(&self) -> usize {
        let Some(run) = &self.run else { return 0 };
        self.chapter
            .exercises
            .iter()
            .flat_map(|e| &e.tests)
            .filter(|t| run.passed(t))
            .count()
    }

    /// The chapter's tests that exist on this system. A few tests are for one operating
    /// system only (`#[cfg(target_os = "linux")]`); elsewhere they are not counted.
    pub fn total(&self) -> usize {
        match &self.run {
            Some(run) if run.broken.is_none() => self
                .chapter
                .exercises
                .iter()
                .flat_map(|e| &e.tests)
                .filter(|t| run.outcomes.contains_key(*t))
                .count(),
            _ => self.chapter.test_count(),
        }
    }

    pub fn status(&self) -> Status {
        match &self.run {
            None => Status::Planned,
            Some(run) if run.broken.is_some() => Status::Broken,
            Some(_) => match self.passing() {
                0 => Status::NotStarted,
                n if n == self.total() => Status::Done,
                _ => Status::InProgress,
            },
        }
    }

    /// The tests of an exercise that ran, and how many of them passed.
    fn exercise_score(&self, exercise: &Exercise) -> (usize, usize) {
        let Some(run) = self.run.as_ref().filter(|r| r.broken.is_none()) else {
            return (0, exercise.tests.len());
        };
        let ran: Vec<&String> = exercise
            .tests
            .iter()
            .filter(|t| run.outcomes.contains_key(*t))
            .collect();
        let passed = ran.iter().filter(|t| run.passed(t)).count();
        (passed, ran.len())
    }

    /// Is every test of this exercise that runs on this system passing?
    pub fn exercise_done(&self, exercise: &Exercise) -> bool {
        let (passed, ran) = self.exercise_score(exercise);
        ran > 0 && passed == ran
    }

    /// Does every failing test of this exercise still stop at a `todo!()`? Then the
    /// reader has not tried it yet.
    pub fn untried(&self, exercise: &Exercise) -> bool {
        let Some(run) = &self.run else { return true };
        exercise
            .tests
            .iter()
            .filter(|t| run.outcomes.contains_key(*t) && !run.passed(t))
            .all(|t| {
                run.messages
                    .get(t)
                    .is_none_or(|m| m.contains("not yet implemented"))
            })
    }

    pub fn first_open_exercise(&self) -> Option<&Exercise> {
        self.chapter
            .exercises
            .iter()
            .find(|e| !self.exercise_done(e))
    }
}

fn status_text(status: Status, style: Style) -> String {
    match status {
        Status::NotStarted => "not started".to_string(),
        Status::InProgress => style.busy("in progress"),
        Status::Done => style.good("done"),
        Status::Broken => style.bad("does not build"),
        Status::Planned => style.dim("coming later"),
    }
}

/// The table of every chapter and the next step, in the chapter numbered `current` (the
/// one the reader last worked on) if it is not done yet.
pub fn overview(results: &[ChapterResult], current: Option<u32>, style: Style) -> String {
    let mut out = String::new();
    writeln!(
        out,
        "{}\n",
        style.bold("Socket to WebSocket: your progress")
    )
    .unwrap();
    writeln!(
        out,
        "  {:>2}  {:<46} {:>7}  status",
        "#", "chapter", "tests"
    )
    .unwrap();
    for result in results {
        let chapter = result.chapter;
        let tests = match result.status() {
            Status::Planned => "-".to_string(),
            _ => format!("{}/{}", result.passing(), result.total()),
        };
        writeln!(
            out,
            "  {:>2}  {:<46} {:>7}  {}",
            chapter.number,
            chapter.title,
            tests,
            status_text(result.status(), style)
        )
        .unwrap();
    }
    out.push('\n');
    out.push_str(&next_step(results, current, style));
    out
}

/// The first chapter that is not done, from the current one on (then from the start), and
/// what to do about it.
fn next_step(results: &[ChapterResult], current: Option<u32>, style: Style) -> String {
    let open = |r: &&ChapterResult| !matches!(r.status(), Status::Done | Status::Planned);
    let from_current =
        current.and_then(|n| results.iter().filter(|r| r.chapter.number >= n).find(open));
    let next = from_current.or_else(|| results.iter().find(open));
    let Some(result) = next else {
        return format!(
            "{} Every written chapter is done. More chapters are on the way; read ahead in the book.\n",
            style.good("Well done!")
        );
    };
    let chapter = result.chapter;
    let mut out = String::new();
    if result.status() == Status::Broken {
        writeln!(
            out,
            "{} chapter {} does not build or its tests did not finish. Run `cargo workbook check {}` to see why.",
            style.bad("Next:"),
            chapter.number,
            chapter.number
        )
        .unwrap();
        return out;
    }
    let exercise = result
        .first_open_exercise()
        .expect("a chapter that is not done has an open exercise");
    writeln!(
        out,
        "{} exercise {} \"{}\"",
        style.bold("Next:"),
        exercise.id,
        exercise.title
    )
    .unwrap();
    out.push_str(&where_to_work(result, exercise));
    out
}

fn where_to_work(result: &ChapterResult, exercise: &Exercise) -> String {
    let chapter = result.chapter;
    // An exercise may have several functions, possibly in several files: one line each file.
    let mut places: Vec<(String, Vec<&str>)> = Vec::new();
    for function in exercise.functions() {
        let file = result
            .files
            .get(function)
            .cloned()
            .unwrap_or_else(|| format!("chapters/{}/src/", chapter.slug));
        match places.iter_mut().find(|(f, _)| *f == file) {
            Some((_, functions)) => functions.push(function),
            None => places.push((file, vec![function])),
        }
    }
    let mut out = String::new();
    for (file, functions) in places {
        let functions: Vec<String> = functions.iter().map(|f| format!("fn {f}")).collect();
        writeln!(out, "  edit   {file}  ({})", functions.join(", ")).unwrap();
    }
    writeln!(
        out,
        "  read   book/src/{}, section \"{}\"",
        chapter.page, exercise.section
    )
    .unwrap();
    writeln!(
        out,
        "  check  cargo workbook check {}   (or: cargo test -p {})",
        chapter.number,
        chapter.exercise_package()
    )
    .unwrap();
    out
}

/// One chapter, exercise by exercise, with the failure of the first open one and its hint
/// at level `hint_level` (from 1).
pub fn check(result: &ChapterResult, hint_level: usize, style: Style) -> String {
    let chapter = result.chapter;
    let mut out = String::new();
    if result.run.is_none() {
        writeln!(
            out,
            "Chapter {}, {}, is not written yet.",
            chapter.number, chapter.title
        )
        .unwrap();
        return out;
    }
    writeln!(
        out,
        "{}: {} of {} tests pass\n",
        style.bold(&format!("Chapter {}, {}", chapter.number, chapter.title)),
        result.passing(),
        result.total()
    )
    .unwrap();
    let Some(run) = &result.run else {
        return out;
    };
    if let Some(broken) = &run.broken {
        writeln!(
            out,
            "{}\n{broken}",
            style.bad("The chapter does not build or did not finish:")
        )
        .unwrap();
        // After a timeout, the tests that had reported nothing are the ones still running.
        let unfinished: Vec<&str> = chapter
            .exercises
            .iter()
            .flat_map(|e| &e.tests)
            .filter(|t| !run.outcomes.contains_key(*t))
            .map(String::as_str)
            .collect();
        if !run.outcomes.is_empty() && !unfinished.is_empty() {
            writeln!(
                out,
                "\nstill running when it was stopped: {}",
                unfinished.join(", ")
            )
            .unwrap();
        }
        return out;
    }
    let first_open = result.first_open_exercise().map(|e| &e.id);
    for exercise in &chapter.exercises {
        let (passing, ran) = result.exercise_score(exercise);
        let mark = if result.exercise_done(exercise) {
            style.good("done ")
        } else {
            "to do".to_string()
        };
        let pointer = if Some(&exercise.id) == first_open {
            "  <- next"
        } else {
            ""
        };
        writeln!(
            out,
            "  {mark}  {:<5} {:<40} {passing}/{ran}{pointer}",
            exercise.id, exercise.title,
        )
        .unwrap();
    }
    out.push('\n');
    let Some(exercise) = result.first_open_exercise() else {
        writeln!(
            out,
            "{} Every exercise of chapter {} passes.",
            style.good("Done!"),
            chapter.number
        )
        .unwrap();
        return out;
    };
    writeln!(
        out,
        "{} exercise {} \"{}\"",
        style.bold("Next:"),
        exercise.id,
        exercise.title
    )
    .unwrap();
    // Tests that fail with the same message (an unsolved `todo!()`, typically) are shown
    // together, the message once.
    let mut failures: Vec<(Vec<&str>, String)> = Vec::new();
    let failing = exercise
        .tests
        .iter()
        .filter(|t| run.outcomes.contains_key(*t) && !run.passed(t));
    for test in failing {
        let message = run
            .messages
            .get(test)
            .map_or_else(|| "(no message)".to_string(), |m| without_thread_name(m));
        match failures.iter_mut().find(|(_, m)| *m == message) {
            Some((tests, _)) => tests.push(test),
            None => failures.push((vec![test], message)),
        }
    }
    for (tests, message) in failures {
        let label = if tests.len() == 1 {
            "failing test:"
        } else {
            "failing tests:"
        };
        writeln!(out, "\n{} {}", style.bad(label), tests.join(", ")).unwrap();
        out.push_str(&indent(&message));
    }
    out.push('\n');
    out.push_str(&hint(exercise, hint_level, style));
    out.push('\n');
    out.push_str(&where_to_work(result, exercise));
    out
}

/// Hint `level` (from 1) of an exercise, and how to see the next one.
pub fn hint(exercise: &Exercise, level: usize, style: Style) -> String {
    let count = exercise.hints.len();
    let level = level.clamp(1, count);
    let title = if count == 1 {
        "Hint:".to_string()
    } else {
        format!("Hint {level} of {count}:")
    };
    let mut out = format!(
        "{}\n{}",
        style.bold(&title),
        indent(exercise.hints[level - 1].trim())
    );
    if level < count {
        writeln!(
            out,
            "  (more: `cargo workbook hint {}` shows hint {})",
            exercise.id,
            level + 1
        )
        .unwrap();
    }
    out
}

/// `thread 'name' panicked at file:line:` becomes `panicked at file:line:`: the test
/// names are listed above the message, and without them equal messages can be shown once.
fn without_thread_name(message: &str) -> String {
    if let Some(rest) = message.strip_prefix("thread '")
        && let Some(at) = rest.find("' panicked at ")
    {
        return rest[at + 2..].to_string();
    }
    message.to_string()
}

fn indent(text: &str) -> String {
    text.lines().map(|l| format!("  {l}\n")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::manifest::Manifest;

    const MANIFEST: &str = r#"
        [[chapter]]
        number = 1
        slug = "01-x"
        title = "First"
        page = "ch01-x.md"
        [[chapter.exercise]]
        id = "1.1"
        title = "Only"
        function = "only"
        section = "1.1 Only"
        tests = ["works", "works_on_linux_only"]
        hints = ["Do it."]
    "#;

    #[test]
    fn a_chapter_that_does_not_build_says_so_and_points_at_check() {
        let manifest: Manifest = toml::from_str(MANIFEST).unwrap();
        let run = Run {
            broken: Some("error[E0308]: mismatched types".into()),
            ..Run::default()
        };
        let result = ChapterResult {
            chapter: &manifest.chapters[0],
            run: Some(run),
            files: BTreeMap::new(),
        };
        insta::assert_snapshot!(overview(&[result], None, Style::PLAIN), @r#"
        Socket to WebSocket: your progress

           #  chapter                                          tests  status
           1  First                                              0/2  does not build

        Next: chapter 1 does not build or its tests did not finish. Run `cargo workbook check 1` to see why.
        "#);
    }

    #[test]
    fn next_points_into_the_chapter_last_worked_on() {
        let two_chapters = format!(
            "{MANIFEST}{}",
            r#"
            [[chapter]]
            number = 2
            slug = "02-y"
            title = "Second"
            page = "ch02-y.md"
            [[chapter.exercise]]
            id = "2.1"
            title = "Half"
            function = "half"
            section = "2.1 Half"
            tests = ["second_works"]
            hints = ["Nudge.", "Answer."]
            [[chapter.exercise]]
            id = "2.2"
            title = "Other half"
            function = "other"
            section = "2.2 Other"
            tests = ["other_works"]
            hints = ["Nudge.", "Answer."]
            "#
        );
        let manifest: Manifest = toml::from_str(&two_chapters).unwrap();
        let passed = crate::cargo_test::Outcome::Passed;
        let failed = crate::cargo_test::Outcome::Failed;
        let mut second = Run::default();
        second.outcomes.insert("second_works".into(), passed);
        second.outcomes.insert("other_works".into(), failed);
        let results = [
            ChapterResult {
                chapter: &manifest.chapters[0],
                run: Some(crate::runs::not_started(&manifest.chapters[0])),
                files: BTreeMap::new(),
            },
            ChapterResult {
                chapter: &manifest.chapters[1],
                run: Some(second),
                files: BTreeMap::new(),
            },
        ];
        let next = |current| {
            let all = overview(&results, current, Style::PLAIN);
            all.lines()
                .find(|l| l.starts_with("Next:"))
                .unwrap()
                .to_string()
        };
        assert_eq!(next(Some(2)), "Next: exercise 2.2 \"Other half\"");
        // Nothing worked on yet: the first open chapter.
        assert_eq!(next(None), "Next: exercise 1.1 \"Only\"");
    }

    #[test]
    fn a_test_for_another_system_does_not_count() {
        let manifest: Manifest = toml::from_str(MANIFEST).unwrap();
        let mut run = Run::default();
        run.outcomes
            .insert("works".into(), crate::cargo_test::Outcome::Passed);
        let result = ChapterResult {
            chapter: &manifest.chapters[0],
            run: Some(run),
            files: BTreeMap::new(),
        };
        assert_eq!((result.passing(), result.total()), (1, 1));
        assert_eq!(result.status(), Status::Done);
    }
}
