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
