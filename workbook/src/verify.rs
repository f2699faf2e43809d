//! `cargo workbook verify`: everything a maintainer (and CI) must know before a change lands.
//!
//! For each written chapter: the exercise files match what the solution generates, the
//! manifest claims exactly the tests that exist, every test passes on the solution and
//! fails on the unsolved exercise, within a deadline. Then the book, formatting, lints.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::time::Instant;

use crate::cargo_test::{self, BUILD_LIMIT, Outcome};
use crate::manifest::{Chapter, Manifest};
use crate::{book, style::Style};
use crate::{generate, layout};

/// Counts checks and prints each as it finishes.
struct Report {
    style: Style,
    passed: usize,
    failed: usize,
}

impl Report {
    fn record(&mut self, name: &str, problems: Vec<String>, started: Instant) {
        let seconds = started.elapsed().as_secs_f32();
        if problems.is_empty() {
            self.passed += 1;
            println!("{} {name} ({seconds:.1} s)", self.style.good("ok  "));
        } else {
            self.failed += 1;
            println!("{} {name} ({seconds:.1} s)", self.style.bad("FAIL"));
            for problem in problems {
                for (i, line) in problem.lines().enumerate() {
                    println!("       {}{line}", if i == 0 { "- " } else { "  " });
                }
            }
        }
    }
}

pub struct Options {
    /// Only this chapter's checks, and no workspace-wide ones.
    pub chapter: Option<u32>,
}

pub fn verify(root: &Path, manifest: &Manifest, options: &Options, style: Style) -> bool {
    let mut report = Report {
        style,
        passed: 0,
        failed: 0,
    };
    let started = Instant::now();
    report.record("workbook.toml is complete", manifest.problems(), started);

    let chapters = manifest
        .chapters
        .iter()
        .filter(|c| !c.planned && options.chapter.is_none_or(|n| n == c.number));
    for chapter in chapters {
        verify_chapter(root, chapter, &mut report);
    }

    let started = Instant::now();
    let mut problems = book::chapter_problems(root, manifest, options.chapter);
    problems.extend(book::include_problems(root));
    problems.extend(book::quoted_location_problems(root));
    report.record(
        "the book lists every chapter; sections and includes resolve",
        problems,
        started,
    );
    let started = Instant::now();
    let name = format!(
        "listings fit the book's column ({} characters)",
        book::LISTING_WIDTH
    );
    report.record(&name, book::listing_width_problems(root), started);

    if options.chapter.is_none() {
        let started = Instant::now();
        report.record(
            "the workbook tools' own tests pass",
            tool_tests(root),
            started,
        );
        let packages = lint_packages(manifest);
        let started = Instant::now();
        report.record(
            "rustfmt: solutions, tests and tools",
            rustfmt(root, &packages),
            started,
        );
        let started = Instant::now();
        report.record(
            "clippy -D warnings: solutions, tests and tools",
            clippy(root, &packages),
            started,
        );
        let started = Instant::now();
        report.record(
            "mdbook builds the book without warnings",
            mdbook(root),
            started,
        );
        if root.join("fuzz/Cargo.toml").exists() {
            let started = Instant::now();
            let name = "the fuzz targets build (cargo check)";
            report.record(name, fuzz_targets(root), started);
        }
    }

    println!(
        "\nverify: {} passed, {} failed",
        report.passed, report.failed
    );
    report.failed == 0
}

fn verify_chapter(root: &Path, chapter: &Chapter, report: &mut Report) {
    let n = chapter.number;
    let started = Instant::now();
    report.record(
        &format!("chapter {n}: exercise files and Cargo.toml match the solution"),
        drift(root, chapter),
        started,
    );

    let started = Instant::now();
    let tests = match cargo_test::list(root, &chapter.solution_package(), BUILD_LIMIT) {
        Ok(tests) => tests,
        Err(problem) => {
            report.record(
                &format!("chapter {n}: the solution's tests build"),
                vec![problem],
                started,
            );
            return;
        }
    };
    report.record(
        &format!("chapter {n}: every test belongs to one exercise"),
        claim_problems(chapter, &tests),
        started,
    );

    let started = Instant::now();
    let references = SnapshotReferences::new(root, &chapter.solution_package());
    let solved =
        cargo_test::build_and_run_with_env(root, &chapter.solution_package(), &references.env());
    report.record(
        &format!("chapter {n}: every test passes on the solution"),
        outcome_problems(&tests, &solved, Outcome::Passed, "solution"),
        started,
    );
    if solved.broken.is_none() {
        let started = Instant::now();
        let snapshots = root.join("tests").join(&chapter.slug);
        report.record(
            &format!("chapter {n}: every snapshot file belongs to a test"),
            references.unreferenced(root, &[snapshots]),
            started,
        );
    }

    let started = Instant::now();
    let unsolved = cargo_test::build_and_run(root, &chapter.exercise_package());
    report.record(
        &format!("chapter {n}: every test fails on the unsolved exercise"),
        outcome_problems(&tests, &unsolved, Outcome::Failed, "unsolved exercise"),
        started,
    );
}

fn outcome_problems(
    tests: &[String],
    run: &cargo_test::Run,
    wanted: Outcome,
    on: &str,
) -> Vec<String> {
    let mut problems: Vec<String> = run.broken.iter().cloned().collect();
    let ran_to_the_end = run.broken.is_none();
    problems.extend(
        tests
            .iter()
            .filter_map(|test| match run.outcomes.get(test) {
                Some(outcome) if *outcome == wanted => None,
                Some(Outcome::Passed) => Some(format!(
                    "{test} passes on the {on}: it checks nothing the reader writes"
                )),
                Some(Outcome::Failed) => Some(match run.messages.get(test) {
                    Some(message) => format!("{test} fails on the {on}:\n{message}"),
                    None => format!("{test} fails on the {on}"),
                }),
                Some(Outcome::Ignored) => Some(format!("{test} is ignored; every test must run")),
                None if ran_to_the_end => Some(format!("{test} did not run on the {on}")),
                None if !run.outcomes.is_empty() => {
                    Some(format!("{test} had not finished on the {on}"))
                }
                None => None,
            }),
    );
    problems
}

/// The committed exercise files and the chapter's Cargo.toml must be exactly what the
/// solution generates.
pub fn drift(root: &Path, chapter: &Chapter) -> Vec<String> {
    let solution_src = chapter.solution_dir(root).join("src");
    let exercise_src = chapter.exercise_dir(root).join("src");
    let expected = match generate::expected_exercise_files(&solution_src) {
        Ok(files) => files,
        Err(problem) => return vec![problem],
    };
    let mut problems = Vec::new();
    let tasks: usize = layout::rust_files(&solution_src)
        .iter()
        .filter_map(|f| std::fs::read_to_string(solution_src.join(f)).ok())
        .map(|text| generate::task_count(&text))
        .sum();
    if tasks < chapter.exercises.len() {
        problems.push(format!(
            "the solution marks {tasks} BEGIN SOLUTION blocks for {} exercises: every exercise needs one",
            chapter.exercises.len()
        ));
    }
    for (relative, text) in &expected {
        let path = exercise_src.join(relative);
        match std::fs::read_to_string(&path) {
            Ok(actual) if actual == *text => {}
            Ok(_) => problems.push(format!(
                "{} differs from what the solution generates (run `cargo workbook generate {}`)",
                shown(root, &path),
                chapter.number
            )),
            Err(_) => problems.push(format!("{} is missing", shown(root, &path))),
        }
    }
    let manifest = chapter.exercise_dir(root).join("Cargo.toml");
    match generate::expected_chapter_manifest(chapter, root) {
        Err(problem) => problems.push(problem),
        Ok(text) => match std::fs::read_to_string(&manifest) {
            Ok(actual) if actual == text => {}
            Ok(_) => problems.push(format!(
                "{} differs from what the solution's generates (run `cargo workbook generate {}`)",
                shown(root, &manifest),
                chapter.number
            )),
            Err(_) => problems.push(format!("{} is missing", shown(root, &manifest))),
        },
    }
    let wanted: BTreeSet<_> = expected.iter().map(|(p, _)| p.clone()).collect();
    for extra in layout::rust_files(&exercise_src) {
        if !wanted.contains(&extra) {
            problems.push(format!(
                "{} has no counterpart in the solution",
                shown(root, &exercise_src.join(extra))
            ));
        }
    }
    problems
}

fn shown(root: &Path, path: &Path) -> String {
    path.strip_prefix(root)
        .unwrap_or(path)
        .display()
        .to_string()
}

/// Each test must be claimed by exactly one exercise, and each claimed test must exist.
pub fn claim_problems(chapter: &Chapter, tests: &[String]) -> Vec<String> {
    let mut problems = Vec::new();
    let mut seen = BTreeSet::new();
    for test in tests {
        if !seen.insert(test) {
            problems.push(format!(
                "two test files define a test named {test}; names must be unique in a chapter"
            ));
        }
        if chapter.owner_of(test).is_none() {
            problems.push(format!(
                "test {test} is claimed by no exercise in workbook.toml"
            ));
        }
    }
    for exercise in &chapter.exercises {
        for test in &exercise.tests {
            if !seen.contains(test) {
                problems.push(format!(
                    "exercise {} names test {test}, which does not exist",
                    exercise.id
                ));
            }
        }
    }
    problems
}

fn lint_packages(manifest: &Manifest) -> Vec<String> {
    let mut packages: Vec<String> = manifest
        .chapters
        .iter()
        .filter(|c| !c.planned)
        .map(Chapter::solution_package)
        .collect();
    packages.push("workbook".into());
    packages.push("test-support".into());
    packages
}

fn package_args(packages: &[String]) -> Vec<&str> {
    packages
        .iter()
        .flat_map(|p| ["--package", p.as_str()])
        .collect()
}

/// Which snapshot files a test run read, as insta records them when
/// `INSTA_SNAPSHOT_REFERENCES_FILE` names a file: a snapshot that no test reads is an
/// orphan (a renamed or deleted test, a test run from the wrong folder) and must go.
struct SnapshotReferences {
    file: PathBuf,
}

impl SnapshotReferences {
    fn new(root: &Path, run: &str) -> Self {
        let file = root.join(format!("target/workbook/snapshot-references-{run}.txt"));
        let _ = std::fs::create_dir_all(file.parent().unwrap());
        let _ = std::fs::remove_file(&file);
        SnapshotReferences { file }
    }

    fn env(&self) -> [(&'static str, &Path); 1] {
        [("INSTA_SNAPSHOT_REFERENCES_FILE", self.file.as_path())]
    }

    /// The `.snap` files under `dirs` that the run did not read.
    fn unreferenced(&self, root: &Path, dirs: &[PathBuf]) -> Vec<String> {
        let read: BTreeSet<PathBuf> = std::fs::read_to_string(&self.file)
            .unwrap_or_default()
            .lines()
            .filter_map(|line| std::fs::canonicalize(line).ok())
            .collect();
        dirs.iter()
            .flat_map(|dir| {
                layout::snapshot_files(dir)
                    .into_iter()
                    .map(move |file| dir.join(file))
            })
            .filter(|file| std::fs::canonicalize(file).map_or(true, |file| !read.contains(&file)))
            .map(|file| {
                format!(
                    "{} is read by no test: delete it (or restore its test)",
                    shown(root, &file)
                )
            })
            .collect()
    }
}

fn tool_tests(root: &Path) -> Vec<String> {
    // All features: the support crate's mio and tokio helpers are tested too.
    let args = [
        "test",
        "--package",
        "workbook",
        "--package",
        "test-support",
        "--all-features",
    ];
    let references = SnapshotReferences::new(root, "tools");
    let run = cargo_test::cargo_with_env(root, &args, &[], BUILD_LIMIT, &references.env());
    let mut problems = command_problems(run);
    if problems.is_empty() {
        let dirs = [root.join("workbook"), root.join("tests/support")];
        problems.extend(references.unreferenced(root, &dirs));
    }
    problems
}

fn rustfmt(root: &Path, packages: &[String]) -> Vec<String> {
    let mut args = vec!["fmt"];
    args.extend(package_args(packages));
    command_problems(cargo_test::cargo(root, &args, &["--check"], BUILD_LIMIT))
}

fn clippy(root: &Path, packages: &[String]) -> Vec<String> {
    let mut args = vec!["clippy", "--all-targets", "--all-features"];
    args.extend(package_args(packages));
    command_problems(cargo_test::cargo(
        root,
        &args,
        &["-D", "warnings"],
        BUILD_LIMIT,
    ))
}

/// The fuzz targets run on nightly only, so CI cannot fuzz; it can at least make sure
/// they still compile against the chapters' current API.
fn fuzz_targets(root: &Path) -> Vec<String> {
    let args = ["check", "--manifest-path", "fuzz/Cargo.toml", "--bins"];
    command_problems(cargo_test::cargo(root, &args, &[], BUILD_LIMIT))
}

fn mdbook(root: &Path) -> Vec<String> {
    let output = std::process::Command::new("mdbook")
        .args(["build", "book"])
        .current_dir(root)
        .output();
    match output {
        Err(e) => vec![format!(
            "cannot run mdbook ({e}); install it with `cargo install --locked mdbook`"
        )],
        Ok(output) => {
            let stderr = String::from_utf8_lossy(&output.stderr);
            let warnings: Vec<&str> = stderr
                .lines()
                .filter(|l| l.contains("WARN") || l.contains("ERROR"))
                .collect();
            if !output.status.success() {
                vec![format!(
                    "mdbook build failed:\n{}",
                    cargo_test::tail(&stderr, 25)
                )]
            } else if !warnings.is_empty() {
                vec![format!("mdbook warned:\n{}", warnings.join("\n"))]
            } else {
                Vec::new()
            }
        }
    }
}

fn command_problems(result: Result<cargo_test::Output, String>) -> Vec<String> {
    match result {
        Ok(output) if output.success => Vec::new(),
        Ok(output) => vec![format!(
            "{}{}\n{}",
            output
                .timed_out
                .map(|limit| format!("stopped after {} s\n", limit.as_secs()))
                .unwrap_or_default(),
            cargo_test::tail(&output.stdout, 20),
            cargo_test::tail(&output.stderr, 40)
        )],
        Err(problem) => vec![problem],
    }
}
