//! `cargo workbook`: where you stand and what to do next.
//!
//! ```text
//! cargo workbook              progress of every chapter and the next step
//! cargo workbook check N      chapter N exercise by exercise, with a hint
//! cargo workbook hint [N.M]   the next hint level of the next exercise (or of N.M)
//! cargo workbook watch [N]    check again whenever a file under chapters/ changes
//! cargo workbook reset N      put chapter N's exercises back to their unsolved state
//! cargo workbook verify       maintainers: the whole workbook, as CI checks it
//! cargo workbook generate N   maintainers: write chapter N's exercises from its solution
//! cargo workbook mutants N    maintainers: how many mutants of solution-N the tests catch
//! cargo workbook new N slug "Title"   maintainers: start chapter N, verified from the start
//! ```

mod book;
mod cargo_test;
mod generate;
mod hints;
mod imports;
mod layout;
mod manifest;
mod mutants;
mod progress;
mod runs;
mod scaffold;
mod style;
mod verify;
mod watch;

use std::io::{BufRead, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use manifest::{Chapter, Manifest};
use progress::ChapterResult;
use style::Style;

const USAGE: &str = "usage:
  cargo workbook              your progress in every chapter and the next step
  cargo workbook check N      chapter N exercise by exercise, with a hint for the next one
  cargo workbook hint [N.M]   the next level of the next exercise's hints (or of N.M's)
  cargo workbook watch [N]    check chapter N (or the one you work on) at every change; q quits
  cargo workbook reset N      put chapter N's exercises back to unsolved (asks first; --yes skips)
  cargo workbook verify [N]   maintainers: check the whole workbook (or chapter N) as CI does
  cargo workbook generate [N] maintainers: write the chapter crates from the solutions
  cargo workbook new N slug \"Title\"
                              maintainers: start chapter N (solution, tests, page, manifest)
  cargo workbook mutants N [--from DIR]
                              maintainers: run cargo-mutants on solution-N (or read the
                              output in DIR) and list the survivors not explained";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let root = workbook_root();
    let manifest = match Manifest::load(&root) {
        Ok(manifest) => manifest,
        Err(problem) => return fail(&problem),
    };
    let style = Style::for_stdout();
    let result = match args.as_slice() {
        [] => overview(&root, &manifest, style),
        ["check", n] => chapter(&manifest, n).and_then(|c| check(&root, c, style)),
        ["hint"] => next_hint(&root, &manifest, style),
        ["hint", id] => hint(&root, &manifest, id, style),
        ["watch"] => watch::watch(&root, &manifest, None, style),
        ["watch", n] => {
            chapter(&manifest, n).and_then(|c| watch::watch(&root, &manifest, Some(c), style))
        }
        ["mutants", n] => chapter(&manifest, n).and_then(|c| mutants::mutants(&root, c, None)),
        ["mutants", n, "--from", dir] => {
            chapter(&manifest, n).and_then(|c| mutants::mutants(&root, c, Some(Path::new(dir))))
        }
        ["reset", n] => chapter(&manifest, n).and_then(|c| reset(&root, c, false)),
        ["reset", n, "--yes"] | ["reset", "--yes", n] => {
            chapter(&manifest, n).and_then(|c| reset(&root, c, true))
        }
        ["verify"] => verify(&root, &manifest, None, style),
        ["verify", n] => number(n).and_then(|n| verify(&root, &manifest, Some(n), style)),
        ["generate"] => manifest
            .chapters
            .iter()
            .filter(|c| !c.planned)
            .try_for_each(|c| generate_chapter(&root, c)),
        ["generate", n] => chapter(&manifest, n).and_then(|c| generate_chapter(&root, c)),
        ["new", n, slug, title] => number(n).and_then(|n| new_chapter(&root, n, slug, title)),
        ["help" | "--help" | "-h"] => {
            println!("{USAGE}");
            Ok(())
        }
        _ => Err(format!("unknown command `{}`\n\n{USAGE}", args.join(" "))),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(problem) => fail(&problem),
    }
}

/// Prints to stdout; a reader who pipes into `head` closes the pipe early, which is not
/// an error worth a panic.
fn show(text: &str) {
    let _ = std::io::stdout().lock().write_all(text.as_bytes());
}

fn fail(problem: &str) -> ExitCode {
    eprintln!("cargo workbook: {problem}");
    ExitCode::FAILURE
}

/// The workspace this command works on: `WORKBOOK_ROOT` if set (the command's own tests
/// use a fixture workspace), else the folder above this crate.
fn workbook_root() -> PathBuf {
    match std::env::var_os("WORKBOOK_ROOT") {
        Some(root) => PathBuf::from(root),
        None => Path::new(env!("CARGO_MANIFEST_DIR"))
            .parent()
            .unwrap()
            .to_path_buf(),
    }
}

fn number(text: &str) -> Result<u32, String> {
    text.parse()
        .map_err(|_| format!("`{text}` is not a chapter number\n\n{USAGE}"))
}

fn chapter<'a>(manifest: &'a Manifest, text: &str) -> Result<&'a Chapter, String> {
    manifest.chapter(number(text)?)
}

/// What a chapter's tests give, as cheaply as possible: nothing for a planned chapter;
/// when `quick`, every test failing for a chapter the reader has not touched (no build
/// needed); the last run if nothing it depends on changed since; else a new run.
fn run_chapter<'a>(root: &Path, chapter: &'a Chapter, quick: bool) -> ChapterResult<'a> {
    let run = (!chapter.planned).then(|| {
        if quick && runs::untouched(root, chapter) {
            return runs::not_started(chapter);
        }
        let fingerprint = runs::fingerprint(root, chapter);
        if let Some(run) = runs::cached(root, chapter, &fingerprint) {
            return run;
        }
        eprintln!("running the tests of chapter {} ...", chapter.number);
        let run = cargo_test::build_and_run(root, &chapter.exercise_package());
        // Taken again: the build may have written Cargo.lock.
        runs::keep(root, chapter, &runs::fingerprint(root, chapter), &run);
        run
    });
    ChapterResult {
        chapter,
        run,
        files: layout::exercise_files(root, chapter),
        todos: layout::exercise_todos(root, chapter),
    }
}

/// The chapter whose exercise files the reader changed last, if any.
fn current_chapter<'a>(root: &Path, manifest: &'a Manifest) -> Option<&'a Chapter> {
    manifest
        .chapters
        .iter()
        .filter_map(|c| Some((runs::last_worked_on(root, c)?, c)))
        .max_by_key(|(modified, _)| *modified)
        .map(|(_, c)| c)
}

/// Every chapter's results, as cheaply as possible, and the chapter worked on last.
fn run_all<'a>(root: &Path, manifest: &'a Manifest) -> (Vec<ChapterResult<'a>>, Option<u32>) {
    let results = manifest
        .chapters
        .iter()
        .map(|c| run_chapter(root, c, true))
        .collect();
    (results, current_chapter(root, manifest).map(|c| c.number))
}

fn overview(root: &Path, manifest: &Manifest, style: Style) -> Result<(), String> {
    let (results, current) = run_all(root, manifest);
    show(&progress::overview(&results, current, style));
    Ok(())
}

fn check(root: &Path, chapter: &Chapter, style: Style) -> Result<(), String> {
    let (view, status) = check_view(root, chapter, style);
    show(&view);
    match status {
        progress::Status::Done => Ok(()),
        _ => Err(format!("chapter {} is not done yet", chapter.number)),
    }
}

/// The check of one chapter, and where it stands. Showing a hint level counts as seen.
fn check_view(root: &Path, chapter: &Chapter, style: Style) -> (String, progress::Status) {
    let result = run_chapter(root, chapter, false);
    let mut levels = hints::Levels::load(root);
    let mut level = 1;
    let built = result.run.as_ref().is_some_and(|r| r.broken.is_none());
    if let Some(exercise) = result.next_exercise().filter(|_| built) {
        level = levels.for_check(exercise, result.untried(exercise));
        levels.shown(exercise, level);
        levels.save();
    }
    (progress::check(&result, level, style), result.status())
}

/// `hint N.M`: the next level of an exercise's hints, remembered for `check`.
fn hint(root: &Path, manifest: &Manifest, id: &str, style: Style) -> Result<(), String> {
    let (n, _) = id
        .split_once('.')
        .ok_or_else(|| format!("`{id}` is not an exercise: write it as N.M, like 1.3"))?;
    let chapter = chapter(manifest, n)?;
    let exercise = chapter
        .exercises
        .iter()
        .find(|e| e.id == id)
        .ok_or_else(|| format!("chapter {n} has no exercise {id}"))?;
    let heading = format!("Exercise {id} \"{}\"", exercise.title);
    show_hint(root, chapter, exercise, &heading, style);
    Ok(())
}

/// `hint`: the next hint level of the exercise that `cargo workbook` calls next.
fn next_hint(root: &Path, manifest: &Manifest, style: Style) -> Result<(), String> {
    let (results, current) = run_all(root, manifest);
    let result = progress::next_chapter(&results, current)
        .ok_or("every written chapter is done: there is no next exercise to give a hint for")?;
    let n = result.chapter.number;
    if result.status() == progress::Status::Broken {
        return Err(format!(
            "chapter {n} does not build or its tests did not finish; \
             `cargo workbook check {n}` shows why"
        ));
    }
    let exercise = result
        .next_exercise()
        .ok_or_else(|| format!("chapter {n} has no exercise left to do"))?;
    let heading = format!("Next: exercise {} \"{}\"", exercise.id, exercise.title);
    show_hint(root, result.chapter, exercise, &heading, style);
    Ok(())
}

/// Shows, under `heading`, one more level of an exercise's hints than seen so far.
fn show_hint(
    root: &Path,
    chapter: &Chapter,
    exercise: &manifest::Exercise,
    heading: &str,
    style: Style,
) {
    let mut levels = hints::Levels::load(root);
    let level = levels.next(exercise);
    levels.shown(exercise, level);
    levels.save();
    let mut out = format!("{heading}\n\n");
    out.push_str(&progress::hint(exercise, level, style));
    if level == exercise.hints.len() {
        out.push_str(&format!(
            "  (the last hint; the reference is in solutions/{}/src/)\n",
            chapter.slug
        ));
    }
    show(&out);
}

fn reset(root: &Path, chapter: &Chapter, confirmed: bool) -> Result<(), String> {
    if chapter.planned {
        return Err(format!("chapter {} is not written yet", chapter.number));
    }
    let target = chapter.exercise_dir(root).join("src");
    if !confirmed {
        print!(
            "This replaces your work in {} with the unsolved exercises. Continue? [y/N] ",
            target.strip_prefix(root).unwrap_or(&target).display()
        );
        std::io::stdout().flush().ok();
        let mut answer = String::new();
        std::io::stdin().lock().read_line(&mut answer).ok();
        if !matches!(answer.trim(), "y" | "Y" | "yes") {
            println!("Nothing changed.");
            return Ok(());
        }
    }
    write_exercise_files(root, chapter)?;
    let mut levels = hints::Levels::load(root);
    levels.forget_chapter(chapter.number);
    levels.save();
    println!("Chapter {} is back to its unsolved state.", chapter.number);
    Ok(())
}

/// Scaffolds chapter `n`, then generates its chapter crate as `generate` would.
fn new_chapter(root: &Path, n: u32, slug: &str, title: &str) -> Result<(), String> {
    let new = scaffold::NewChapter::new(n, slug, title)?;
    let written = scaffold::write(root, &new)?;
    let manifest = Manifest::load(root)?;
    let chapter = manifest.chapter(n)?;
    generate_chapter(root, chapter)?;
    show(&scaffold::next_steps(chapter, &written));
    Ok(())
}

/// The chapter crate, made from the solution: its exercise files and its Cargo.toml.
fn generate_chapter(root: &Path, chapter: &Chapter) -> Result<(), String> {
    let manifest = generate::expected_chapter_manifest(chapter, root)?;
    write(&chapter.exercise_dir(root).join("Cargo.toml"), &manifest)?;
    write_exercise_files(root, chapter)
}

/// The exercise files only: `reset` leaves the reader's Cargo.toml as it is (the book
/// suggests changing a dependency there to build on the reader's own earlier chapter).
fn write_exercise_files(root: &Path, chapter: &Chapter) -> Result<(), String> {
    let files = generate::expected_exercise_files(&chapter.solution_dir(root).join("src"))?;
    let target = chapter.exercise_dir(root).join("src");
    for (relative, text) in files {
        write(&target.join(relative), &text)?;
    }
    Ok(())
}

fn write(path: &Path, text: &str) -> Result<(), String> {
    std::fs::create_dir_all(path.parent().unwrap())
        .and_then(|()| std::fs::write(path, text))
        .map_err(|e| format!("cannot write {}: {e}", path.display()))
}

fn verify(
    root: &Path,
    manifest: &Manifest,
    chapter: Option<u32>,
    style: Style,
) -> Result<(), String> {
    let options = verify::Options { chapter };
    if verify::verify(root, manifest, &options, style) {
        Ok(())
    } else {
        Err("verify found problems (listed above)".into())
    }
}
