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
    /// Each `todo!` inside an exercise's function, as `chapters/x/src/y.rs:LINE`, and the
    /// id of that exercise.
    pub todos: BTreeMap<String, String>,
}

/// A test that failed only because it ran into another exercise's `todo!()`.
pub struct Wait<'a> {
    /// The exercise whose `todo!()` it reached.
    pub exercise: &'a Exercise,
    /// Where, as `src/y.rs:LINE` under the chapter's folder.
    pub location: String,
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

    /// The `todo!()` of another exercise that this failing test of `exercise` ran into,
    /// if it panicked at one and at none of `exercise`'s own. Any other failure is the
    /// exercise's own: where a bug is cannot be told from its message.
    fn test_waits(&self, exercise: &Exercise, test: &str) -> Option<Wait<'_>> {
        let message = self.run.as_ref()?.messages.get(test)?;
        let owners: Vec<(&String, &str)> = todo_panics(message)
            .into_iter()
            .filter_map(|at| Some((self.todos.get(at)?, at)))
            .collect();
        if owners.iter().any(|(id, _)| **id == exercise.id) {
            return None;
        }
        let (id, at) = owners.first()?;
        let prefix = format!("chapters/{}/", self.chapter.slug);
        Some(Wait {
            exercise: self.chapter.exercises.iter().find(|e| e.id == **id)?,
            location: at.strip_prefix(&prefix).unwrap_or(at).to_string(),
        })
    }

    /// What an unfinished exercise waits for, when each of its failing tests fails only
    /// in other exercises' `todo!()`s: the first of those exercises (in the chapter's
    /// order). None when the exercise is done or any of its tests fails in its own way.
    pub fn waits_for(&self, exercise: &Exercise) -> Option<Wait<'_>> {
        let run = self.run.as_ref().filter(|r| r.broken.is_none())?;
        let position = |wait: &Wait| {
            let exercises = &self.chapter.exercises;
            exercises.iter().position(|e| e.id == wait.exercise.id)
        };
        let mut first: Option<Wait> = None;
        let failing = exercise
            .tests
            .iter()
            .filter(|t| run.outcomes.contains_key(*t) && !run.passed(t));
        for test in failing {
            let wait = self.test_waits(exercise, test)?;
            if first.as_ref().is_none_or(|f| position(&wait) < position(f)) {
                first = Some(wait);
            }
        }
        first
    }

    /// The exercise to work on: the first that is neither done nor only waiting for
    /// another one's `todo!()`. When every unfinished exercise waits, the one they wait
    /// for (followed along: 13.1 waits for 13.2, which waits for 13.6).
    pub fn next_exercise(&self) -> Option<&Exercise> {
        let mut open = self
            .chapter
            .exercises
            .iter()
            .filter(|e| !self.exercise_done(e));
        if let Some(free) = open.clone().find(|e| self.waits_for(e).is_none()) {
            return Some(free);
        }
        let mut next = open.next()?;
        let mut seen = vec![&next.id];
        while let Some(wait) = self.waits_for(next) {
            let target = wait.exercise;
            if seen.contains(&&target.id) || self.exercise_done(target) {
                break;
            }
            seen.push(&target.id);
            next = target;
        }
        Some(next)
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

/// The first chapter that is not done, from the one numbered `current` on (then from
/// the start): where the next step is.
pub fn next_chapter<'r, 'a>(
    results: &'r [ChapterResult<'a>],
    current: Option<u32>,
) -> Option<&'r ChapterResult<'a>> {
    let open = |r: &&ChapterResult| !matches!(r.status(), Status::Done | Status::Planned);
    let from_current =
        current.and_then(|n| results.iter().filter(|r| r.chapter.number >= n).find(open));
    from_current.or_else(|| results.iter().find(open))
}

/// The first chapter that is not done, from the current one on (then from the start), and
/// what to do about it.
fn next_step(results: &[ChapterResult], current: Option<u32>, style: Style) -> String {
    let Some(result) = next_chapter(results, current) else {
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
        .next_exercise()
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
    let next = result.next_exercise().map(|e| &e.id);
    for exercise in &chapter.exercises {
        let (passing, ran) = result.exercise_score(exercise);
        let mark = if result.exercise_done(exercise) {
            style.good("done ")
        } else {
            "to do".to_string()
        };
        let pointer = if Some(&exercise.id) == next {
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
    let notes = waiting_notes(result);
    if !notes.is_empty() {
        out.push('\n');
        out.push_str(&notes);
    }
    out.push('\n');
    let Some(exercise) = result.next_exercise() else {
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
        let message = match result.test_waits(exercise, test) {
            Some(wait) => format!(
                "it reaches {}'s todo!() ({}): do {} to see it run",
                wait.exercise.id, wait.location, wait.exercise.id
            ),
            None => run
                .messages
                .get(test)
                .map_or_else(|| "(no message)".to_string(), |m| without_thread_name(m)),
        };
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

/// One line for the unfinished exercises whose tests only fail in other exercises'
/// `todo!()`s, those that wait for the same one together:
/// `13.1: its tests reach 13.2's todo!() (src/websocket/io.rs:64): do 13.2 to see them run`.
fn waiting_notes(result: &ChapterResult) -> String {
    let mut groups: Vec<(Vec<&str>, Wait)> = Vec::new();
    for exercise in &result.chapter.exercises {
        let Some(wait) = result.waits_for(exercise) else {
            continue;
        };
        let same = |w: &Wait| w.exercise.id == wait.exercise.id && w.location == wait.location;
        match groups.iter_mut().find(|(_, w)| same(w)) {
            Some((ids, _)) => ids.push(&exercise.id),
            None => groups.push((vec![&exercise.id], wait)),
        }
    }
    let mut out = String::new();
    for (ids, wait) in groups {
        let whose = if ids.len() == 1 { "its" } else { "their" };
        writeln!(
            out,
            "  {}: {whose} tests reach {}'s todo!() ({}): do {} to see them run",
            ids.join(", "),
            wait.exercise.id,
            wait.location,
            wait.exercise.id
        )
        .unwrap();
    }
    out
}

/// The locations (`file:line`) of the `todo!()`s a test's output shows a panic at:
/// `panicked at chapters/x/src/y.rs:64:9:` followed by `not yet implemented`.
fn todo_panics(message: &str) -> Vec<&str> {
    let lines: Vec<&str> = message.lines().collect();
    lines
        .windows(2)
        .filter(|pair| pair[1].starts_with("not yet implemented"))
        .filter_map(|pair| {
            let (_, at) = pair[0].split_once("panicked at ")?;
            let (file_line, column) = at.trim_end_matches(':').rsplit_once(':')?;
            column
                .bytes()
                .all(|b| b.is_ascii_digit())
                .then_some(file_line)
        })
        .collect()
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

    /// A chapter whose tests run a whole connection, so a test of one exercise can run
    /// into the `todo!()` of another.
    const CONNECTION: &str = r#"
        [[chapter]]
        number = 3
        slug = "03-conn"
        title = "Connection"
        page = "ch03-conn.md"
        [[chapter.exercise]]
        id = "3.1"
        title = "Accept"
        function = "accept"
        section = "3.1 Accept"
        tests = ["echoes", "times_out"]
        hints = ["Accept nudge.", "Accept answer."]
        [[chapter.exercise]]
        id = "3.2"
        title = "Read"
        function = "read_in"
        section = "3.2 Read"
        tests = ["reads"]
        hints = ["Read nudge.", "Read answer."]
        [[chapter.exercise]]
        id = "3.3"
        title = "Close"
        function = "close"
        section = "3.3 Close"
        tests = ["closes"]
        hints = ["Close nudge."]
    "#;

    const SERVER_TODO: &str = "chapters/03-conn/src/server.rs:9";
    const READ_TODO: &str = "chapters/03-conn/src/io.rs:64";
    const CLOSE_TODO: &str = "chapters/03-conn/src/close.rs:20";

    /// A panic a test's output shows: `(thread, location, message)`.
    type Panic<'a> = (&'a str, &'a str, &'a str);

    /// What `cargo test` prints when each named test fails with the given panics and
    /// every other test passes.
    fn cargo_output(failures: &[(&str, &[Panic])]) -> String {
        let mut out = String::from("running 4 tests\n");
        for test in ["echoes", "times_out", "reads", "closes"] {
            let failed = failures.iter().any(|(t, _)| *t == test);
            let result = if failed { "FAILED" } else { "ok" };
            out.push_str(&format!("test {test} ... {result}\n"));
        }
        out.push_str("\nfailures:\n\n");
        for (test, panics) in failures {
            out.push_str(&format!("---- {test} stdout ----\n\n"));
            for (thread, at, message) in *panics {
                out.push_str(&format!(
                    "thread '{thread}' (77) panicked at {at}:9:\n{message}\n"
                ));
            }
            out.push_str("note: run with `RUST_BACKTRACE=1` environment variable\n\n");
        }
        out.push_str("\ntest result: FAILED. 0 passed; 4 failed\n");
        out
    }

    fn connection_result<'a>(manifest: &'a Manifest, output: &str) -> ChapterResult<'a> {
        let todos = [
            (SERVER_TODO, "3.1"),
            (READ_TODO, "3.2"),
            (CLOSE_TODO, "3.3"),
        ];
        ChapterResult {
            chapter: &manifest.chapters[0],
            run: Some(crate::cargo_test::parse(output)),
            files: BTreeMap::new(),
            todos: todos
                .iter()
                .map(|(at, id)| (at.to_string(), id.to_string()))
                .collect(),
        }
    }

    const TODO: &str = "not yet implemented: the rest";
    const SERVER: &str = "tokio-runtime-worker";

    #[test]
    fn a_test_that_runs_into_another_exercise_s_todo_waits_for_it() {
        let manifest: Manifest = toml::from_str(CONNECTION).unwrap();
        // 3.1 is solved: its tests now reach 3.2's todo!() in the server task, then fail
        // in the test itself.
        let output = cargo_output(&[
            (
                "echoes",
                &[
                    (SERVER, READ_TODO, TODO),
                    ("echoes", "tests/03-conn/conn.rs:40", "no echo: reset"),
                ],
            ),
            ("times_out", &[(SERVER, READ_TODO, TODO)]),
            ("reads", &[("reads", READ_TODO, TODO)]),
            ("closes", &[("closes", CLOSE_TODO, TODO)]),
        ]);
        let result = connection_result(&manifest, &output);
        assert_eq!(result.next_exercise().unwrap().id, "3.2");
        insta::assert_snapshot!(check(&result, 1, Style::PLAIN), @r#"
        Chapter 3, Connection: 0 of 4 tests pass

          to do  3.1   Accept                                   0/2
          to do  3.2   Read                                     0/1  <- next
          to do  3.3   Close                                    0/1

          3.1: its tests reach 3.2's todo!() (src/io.rs:64): do 3.2 to see them run

        Next: exercise 3.2 "Read"

        failing test: reads
          panicked at chapters/03-conn/src/io.rs:64:9:
          not yet implemented: the rest

        Hint 1 of 2:
          Read nudge.
          (more: `cargo workbook hint 3.2` shows hint 2)

          edit   chapters/03-conn/src/  (fn read_in)
          read   book/src/ch03-conn.md, section "3.2 Read"
          check  cargo workbook check 3   (or: cargo test -p chapter-3)
        "#);
    }

    #[test]
    fn a_failure_that_is_not_a_todo_stays_with_its_exercise() {
        let manifest: Manifest = toml::from_str(CONNECTION).unwrap();
        // A bug in 3.1 (an assertion fails) while the other test waits for 3.2.
        let output = cargo_output(&[
            (
                "echoes",
                &[("echoes", "tests/03-conn/conn.rs:40", "wrong echo")],
            ),
            ("times_out", &[(SERVER, READ_TODO, TODO)]),
            ("reads", &[("reads", READ_TODO, TODO)]),
            ("closes", &[("closes", CLOSE_TODO, TODO)]),
        ]);
        let result = connection_result(&manifest, &output);
        assert_eq!(result.next_exercise().unwrap().id, "3.1");
        let view = check(&result, 1, Style::PLAIN);
        assert!(view.contains("Accept nudge."), "{view}");
        assert!(!view.contains("its tests reach"), "{view}");
    }

    #[test]
    fn a_test_that_reaches_its_own_todo_is_its_own() {
        let manifest: Manifest = toml::from_str(CONNECTION).unwrap();
        // Unsolved, the test of 3.1 stops at 3.1's todo!() first, then at 3.2's.
        let output = cargo_output(&[
            (
                "echoes",
                &[(SERVER, SERVER_TODO, TODO), (SERVER, READ_TODO, TODO)],
            ),
            ("times_out", &[(SERVER, SERVER_TODO, TODO)]),
            ("reads", &[("reads", READ_TODO, TODO)]),
            ("closes", &[("closes", CLOSE_TODO, TODO)]),
        ]);
        let result = connection_result(&manifest, &output);
        assert_eq!(result.next_exercise().unwrap().id, "3.1");
        assert!(
            result
                .waits_for(&manifest.chapters[0].exercises[0])
                .is_none()
        );
    }

    #[test]
    fn when_every_unfinished_exercise_waits_next_is_the_one_waited_for() {
        let manifest: Manifest = toml::from_str(CONNECTION).unwrap();
        // 3.2 is done; 3.1's tests wait for 3.3's todo!(), and 3.3's for 3.1's.
        let output = cargo_output(&[
            ("echoes", &[(SERVER, CLOSE_TODO, TODO)]),
            ("times_out", &[(SERVER, CLOSE_TODO, TODO)]),
            ("closes", &[(SERVER, SERVER_TODO, TODO)]),
        ]);
        let result = connection_result(&manifest, &output);
        assert_eq!(result.next_exercise().unwrap().id, "3.3");
        let view = check(&result, 1, Style::PLAIN);
        assert!(view.contains("Close nudge."), "{view}");
        assert!(
            view.contains("failing test: closes\n  it reaches 3.1's todo!() (src/server.rs:9)"),
            "{view}"
        );
    }

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
            todos: BTreeMap::new(),
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
                todos: BTreeMap::new(),
            },
            ChapterResult {
                chapter: &manifest.chapters[1],
                run: Some(second),
                files: BTreeMap::new(),
                todos: BTreeMap::new(),
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
            todos: BTreeMap::new(),
        };
        assert_eq!((result.passing(), result.total()), (1, 1));
        assert_eq!(result.status(), Status::Done);
    }
}
