//! The workbook command run for real, against the tiny fixture workbook in
//! `tests/fixture`: what a reader sees on a fresh clone, half way through a chapter, after
//! a reset, and what verify says about a chapter that is solved in the exercise file.

use std::path::{Path, PathBuf};
use std::process::Command;

/// A fresh copy of the fixture, so tests can change files without touching each other.
fn fixture(name: &str) -> PathBuf {
    let copy = Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("fixture-{name}"));
    let _ = std::fs::remove_dir_all(&copy);
    copy_dir(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixture"),
        &copy,
    );
    copy
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            if entry.file_name() != "target" {
                copy_dir(&entry.path(), &target);
            }
        } else {
            std::fs::copy(entry.path(), target).unwrap();
        }
    }
}

/// `cargo workbook ARGS` on `root`, ready to run.
fn command(root: &Path, args: &[&str]) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_workbook"));
    command
        .args(args)
        .env("WORKBOOK_ROOT", root)
        // A build directory per copy: cargo names build outputs by the package's place in
        // its workspace, so copies sharing one would reuse each other's stale builds.
        .env("CARGO_TARGET_DIR", root.join("target"))
        .env_remove("NO_COLOR");
    command
}

/// Runs `cargo workbook ARGS` on `root`; returns (success, stdout).
fn workbook(root: &Path, args: &[&str]) -> (bool, String) {
    let output = command(root, args)
        .output()
        .expect("run the workbook command");
    (
        output.status.success(),
        String::from_utf8(output.stdout).unwrap(),
    )
}

/// Solves exercise 1.1 in the fixture's exercise file, the way a reader would.
fn solve_first_exercise(root: &Path) {
    let lib = root.join("chapters/01-adding/src/lib.rs");
    let text = std::fs::read_to_string(&lib).unwrap();
    std::fs::write(&lib, text.replace("todo!(\"add a and b\")", "a + b")).unwrap();
}

#[test]
fn a_fresh_clone_shows_nothing_done_and_points_at_the_first_exercise() {
    let root = fixture("fresh");
    let (_, stdout) = workbook(&root, &[]);
    insta::assert_snapshot!(stdout);
}

#[test]
fn a_half_done_chapter_shows_its_progress_and_the_next_exercise() {
    let root = fixture("half-done");
    solve_first_exercise(&root);
    let (_, stdout) = workbook(&root, &[]);
    insta::assert_snapshot!(stdout);
}

#[test]
fn check_lists_exercises_and_shows_the_failure_and_hint_of_the_next_one() {
    let root = fixture("check");
    solve_first_exercise(&root);
    let (success, stdout) = workbook(&root, &["check", "1"]);
    assert!(
        !success,
        "check of an unfinished chapter exits with failure"
    );
    insta::assert_snapshot!(stdout);
}

#[test]
fn check_stops_a_test_that_never_ends_and_names_it() {
    let root = fixture("endless");
    let lib = root.join("chapters/01-adding/src/lib.rs");
    let text = std::fs::read_to_string(&lib).unwrap();
    // A solution that loops forever on one input: adds_zero never finishes.
    let endless = "if b == 0 {\n        loop {\n            std::hint::spin_loop();\n        }\n    }\n    a + b";
    std::fs::write(&lib, text.replace("todo!(\"add a and b\")", endless)).unwrap();
    let output = command(&root, &["check", "1"])
        .env("WORKBOOK_RUN_LIMIT", "3")
        .output()
        .expect("run the workbook command");
    assert!(!output.status.success());
    insta::assert_snapshot!(String::from_utf8(output.stdout).unwrap());
}

#[test]
fn reset_puts_a_chapter_back_to_unsolved() {
    let root = fixture("reset");
    solve_first_exercise(&root);
    let (success, stdout) = workbook(&root, &["reset", "1", "--yes"]);
    assert!(success);
    assert_eq!(stdout, "Chapter 1 is back to its unsolved state.\n");
    let reset = std::fs::read_to_string(root.join("chapters/01-adding/src/lib.rs")).unwrap();
    let committed = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixture/chapters/01-adding/src/lib.rs"),
    )
    .unwrap();
    assert_eq!(reset, committed);
}

#[test]
fn reset_without_yes_asks_and_changes_nothing_on_no() {
    let root = fixture("reset-no");
    solve_first_exercise(&root);
    let lib = root.join("chapters/01-adding/src/lib.rs");
    let before = std::fs::read_to_string(&lib).unwrap();
    let (success, stdout) = workbook(&root, &["reset", "1"]); // stdin is empty: no answer
    assert!(success);
    assert!(stdout.ends_with("Nothing changed.\n"), "{stdout}");
    assert_eq!(std::fs::read_to_string(&lib).unwrap(), before);
}

/// Verify's lines without their timings.
fn verify_lines(stdout: &str) -> String {
    stdout
        .lines()
        .map(|line| match line.rfind(" (") {
            Some(at) if line.ends_with(" s)") => &line[..at],
            _ => line,
        })
        .collect::<Vec<_>>()
        .join("\n")
}

#[test]
fn verify_passes_a_consistent_chapter() {
    let root = fixture("verify-ok");
    let (success, stdout) = workbook(&root, &["verify", "1"]);
    assert!(success, "{stdout}");
    insta::assert_snapshot!(verify_lines(&stdout));
}

#[test]
fn verify_catches_a_solved_exercise_a_test_nobody_claims_a_stale_hint_a_wide_listing() {
    let root = fixture("verify-bad");
    solve_first_exercise(&root);
    let lib = root.join("chapters/01-adding/src/lib.rs");
    let text = std::fs::read_to_string(&lib).unwrap();
    // A doc comment the book includes, wider than its column.
    let wide = format!("/// Exercise 1.1 {}", "is too wide".repeat(8));
    std::fs::write(&lib, text.replace("/// Exercise 1.1", &wide)).unwrap();
    let manifest = root.join("workbook.toml");
    let text = std::fs::read_to_string(&manifest).unwrap();
    std::fs::write(
        &manifest,
        text.replace("tests = [\"doubles\"]", "tests = [\"halves\"]"),
    )
    .unwrap();
    let page = root.join("book/src/ch01-adding.md");
    let text = std::fs::read_to_string(&page).unwrap();
    std::fs::write(&page, text.replace("Use the `+` operator.", "Use plus.")).unwrap();
    let (success, stdout) = workbook(&root, &["verify", "1"]);
    assert!(!success);
    insta::assert_snapshot!(verify_lines(&stdout));
}

#[test]
fn an_unknown_command_prints_usage() {
    let root = fixture("usage");
    let output = command(&root, &["frobnicate"]).output().unwrap();
    assert!(!output.status.success());
    insta::assert_snapshot!(String::from_utf8(output.stderr).unwrap());
}

#[test]
fn new_scaffolds_a_chapter_that_verify_passes_from_the_start() {
    let root = fixture("new");
    let (success, stdout) = workbook(&root, &["new", "2", "subtracting", "Subtracting numbers"]);
    assert!(success, "{stdout}");
    insta::assert_snapshot!(stdout);
    let read = |path: &str| std::fs::read_to_string(root.join(path)).unwrap();
    insta::assert_snapshot!(
        "new_chapter_cargo_toml",
        read("chapters/02-subtracting/Cargo.toml")
    );
    insta::assert_snapshot!("new_chapter_page", read("book/src/ch02-subtracting.md"));
    assert!(
        read("book/src/SUMMARY.md").contains("- [2. Subtracting numbers](ch02-subtracting.md)"),
        "the draft line became a link"
    );
    let (success, stdout) = workbook(&root, &["verify", "2"]);
    assert!(success, "{stdout}");
    insta::assert_snapshot!("new_chapter_verifies", verify_lines(&stdout));
}

#[test]
fn new_refuses_a_chapter_that_is_written_already() {
    let root = fixture("new-written");
    let output = command(&root, &["new", "1", "adding", "Adding numbers"])
        .output()
        .unwrap();
    assert!(!output.status.success());
    let stderr = String::from_utf8(output.stderr).unwrap();
    assert_eq!(
        stderr,
        "cargo workbook: chapter 1 is written already in workbook.toml\n"
    );
}

#[test]
fn verify_catches_a_chapter_cargo_toml_that_drifted_from_the_solutions() {
    let root = fixture("verify-cargo-toml");
    let manifest = root.join("chapters/01-adding/Cargo.toml");
    let text = std::fs::read_to_string(&manifest).unwrap();
    std::fs::write(&manifest, text.replace("autotests = false\n", "")).unwrap();
    let (success, stdout) = workbook(&root, &["verify", "1"]);
    assert!(!success);
    assert!(
        stdout.contains(
            "chapters/01-adding/Cargo.toml differs from what the solution's generates \
             (run `cargo workbook generate 1`)"
        ),
        "{stdout}"
    );
}

#[test]
fn verify_refuses_a_snapshot_file_that_no_test_reads() {
    let root = fixture("verify-orphan-snapshot");
    let snapshots = root.join("tests/01-adding/snapshots");
    std::fs::create_dir_all(&snapshots).unwrap();
    std::fs::write(
        snapshots.join("adding__a_test_since_renamed.snap"),
        "---\n---\n1\n",
    )
    .unwrap();
    let (success, stdout) = workbook(&root, &["verify", "1"]);
    assert!(!success);
    assert!(
        verify_lines(&stdout).contains(
            "FAIL chapter 1: every snapshot file belongs to a test\n       \
             - tests/01-adding/snapshots/adding__a_test_since_renamed.snap is read by no \
             test: delete it (or restore its test)"
        ),
        "{stdout}"
    );
}

/// Runs `cargo workbook ARGS` on `root`; returns (stdout, stderr), whatever the exit.
fn workbook_out_err(root: &Path, args: &[&str]) -> (String, String) {
    let output = command(root, args)
        .output()
        .expect("run the workbook command");
    (
        String::from_utf8(output.stdout).unwrap(),
        String::from_utf8(output.stderr).unwrap(),
    )
}

#[test]
fn a_fresh_clone_builds_nothing_to_show_progress() {
    let root = fixture("fresh-no-build");
    let (stdout, stderr) = workbook_out_err(&root, &[]);
    assert!(
        !stderr.contains("running the tests"),
        "an untouched chapter needs no test run, but stderr says:\n{stderr}"
    );
    assert!(
        !root.join("target/debug").exists(),
        "nothing should have been built"
    );
    assert!(stdout.contains("0/3  not started"), "{stdout}");
}

#[test]
fn a_chapter_unchanged_since_its_last_run_is_not_run_again() {
    let root = fixture("cached");
    solve_first_exercise(&root);
    let (first, stderr) = workbook_out_err(&root, &[]);
    assert!(
        stderr.contains("running the tests of chapter 1"),
        "{stderr}"
    );
    let (second, stderr) = workbook_out_err(&root, &[]);
    assert!(
        !stderr.contains("running the tests"),
        "the second run should reuse the first:\n{stderr}"
    );
    assert_eq!(first, second);
    // A change to the chapter runs it again.
    let lib = root.join("chapters/01-adding/src/lib.rs");
    let text = std::fs::read_to_string(&lib).unwrap();
    std::fs::write(&lib, text.replace("todo!(\"double a\")", "add(a, a)")).unwrap();
    let (third, stderr) = workbook_out_err(&root, &[]);
    assert!(
        stderr.contains("running the tests of chapter 1"),
        "{stderr}"
    );
    assert!(third.contains("3/3  done"), "{third}");
}

#[test]
fn hints_come_one_level_at_a_time_and_reset_forgets_them() {
    let root = fixture("hints");
    let mut seen = String::new();
    let mut step = |title: &str, args: &[&str]| {
        let (stdout, _) = workbook_out_err(&root, args);
        seen.push_str(&format!(
            "==== {title}: cargo workbook {}\n",
            args.join(" ")
        ));
        // Only the hint part of check: the rest is another test's snapshot.
        let shown = match stdout.find("Hint") {
            Some(at) => &stdout[at..],
            None => &stdout,
        };
        seen.push_str(shown);
    };
    step("a fresh chapter shows the first level", &["check", "1"]);
    step("hint shows the next level", &["hint", "1.1"]);
    step("and the next", &["hint", "1.1"]);
    step("the last one stays", &["hint", "1.1"]);
    step(
        "an untried exercise shows level 1 in check",
        &["check", "1"],
    );
    let lib = root.join("chapters/01-adding/src/lib.rs");
    let text = std::fs::read_to_string(&lib).unwrap();
    std::fs::write(&lib, text.replace("todo!(\"add a and b\")", "a * b")).unwrap();
    step(
        "after a try, check shows the level reached",
        &["check", "1"],
    );
    step("reset forgets the levels", &["reset", "1", "--yes"]);
    step("so hint starts again", &["hint", "1.1"]);
    insta::assert_snapshot!(seen);
}

#[test]
fn hint_without_an_exercise_gives_the_next_one_s() {
    let root = fixture("hint-next");
    let (first, _) = workbook_out_err(&root, &["hint"]);
    assert!(
        first.starts_with("Next: exercise 1.1 \"Add two numbers\"\n\nHint 1 of 3:"),
        "{first}"
    );
    let (second, _) = workbook_out_err(&root, &["hint"]);
    assert!(second.contains("Hint 2 of 3:"), "{second}");
    solve_first_exercise(&root);
    let (after, _) = workbook_out_err(&root, &["hint"]);
    assert!(
        after.starts_with("Next: exercise 1.2 \"Double a number\"\n\nHint:"),
        "{after}"
    );
    let lib = root.join("chapters/01-adding/src/lib.rs");
    let text = std::fs::read_to_string(&lib).unwrap();
    std::fs::write(&lib, text.replace("todo!(\"double a\")", "add(a, a)")).unwrap();
    let (done, stderr) = workbook_out_err(&root, &["hint"]);
    assert_eq!(done, "");
    assert!(stderr.contains("every written chapter is done"), "{stderr}");
}

#[test]
fn a_solved_exercise_whose_tests_reach_another_s_todo_waits_for_it() {
    let root = fixture("waits");
    // 1.1 solved, but through 1.2's function, which is still a todo!().
    let lib = root.join("chapters/01-adding/src/lib.rs");
    let text = std::fs::read_to_string(&lib).unwrap();
    let solved = "let _ = double(0);\n    a + b";
    std::fs::write(&lib, text.replace("todo!(\"add a and b\")", solved)).unwrap();
    let (_, stdout) = workbook(&root, &["check", "1"]);
    assert!(
        stdout.contains(
            "  1.1: its tests reach 1.2's todo!() (src/lib.rs:9): do 1.2 to see them run\n"
        ),
        "{stdout}"
    );
    assert!(
        stdout.contains("Next: exercise 1.2 \"Double a number\""),
        "{stdout}"
    );
    assert!(
        !stdout.contains("Which operator"),
        "no hint of 1.1: {stdout}"
    );
    let (_, overview) = workbook(&root, &[]);
    assert!(
        overview.contains("Next: exercise 1.2 \"Double a number\""),
        "{overview}"
    );
}

#[test]
fn hint_names_a_missing_exercise() {
    let root = fixture("hint-missing");
    let output = command(&root, &["hint", "1.9"]).output().unwrap();
    assert!(!output.status.success());
    assert_eq!(
        String::from_utf8(output.stderr).unwrap(),
        "cargo workbook: chapter 1 has no exercise 1.9\n"
    );
}

#[test]
fn mutants_reports_the_score_and_the_survivors_not_explained() {
    let root = fixture("mutants");
    let sample = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/mutants-sample");
    let output = command(&root, &["mutants", "1", "--from", sample.to_str().unwrap()])
        .output()
        .unwrap();
    assert!(
        !output.status.success(),
        "a survivor that is not explained fails the check"
    );
    insta::assert_snapshot!(String::from_utf8(output.stdout).unwrap());
}

#[test]
fn watch_checks_again_when_a_file_changes_and_quits_on_q() {
    use std::io::{BufRead, BufReader, Write};
    use std::sync::mpsc;
    use std::time::Duration;

    let root = fixture("watch");
    let mut child = command(&root, &["watch", "1"])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let (lines, receive) = mpsc::channel();
    let stdout = child.stdout.take().unwrap();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines() {
            let _ = lines.send(line.unwrap_or_default());
        }
    });
    // Everything watch printed until the next "watching" line, within a deadline.
    let next_view = || -> String {
        let mut view = String::new();
        loop {
            match receive.recv_timeout(Duration::from_secs(120)) {
                Ok(line) => {
                    view.push_str(&line);
                    view.push('\n');
                    if line.starts_with("watching chapters/") {
                        return view;
                    }
                }
                Err(_) => panic!("watch showed no check view within 120 s; so far:\n{view}"),
            }
        }
    };
    let first = next_view();
    solve_first_exercise(&root);
    let second = next_view();
    child.stdin.as_mut().unwrap().write_all(b"q").unwrap();
    let deadline = std::time::Instant::now() + Duration::from_secs(10);
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if std::time::Instant::now() > deadline {
            let _ = child.kill();
            panic!("watch did not quit within 10 s of q");
        }
        std::thread::sleep(Duration::from_millis(50));
    };
    assert!(status.success());
    insta::assert_snapshot!(format!("{first}==== after solving 1.1:\n{second}"));
}
