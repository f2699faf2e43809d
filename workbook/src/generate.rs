//! Exercise files are made from the solution, never written by hand.
//!
//! In a solution, the code the reader is to write sits between two marker lines:
//!
//! ```text
//!     // BEGIN SOLUTION: create an IPv4 stream socket that speaks TCP
//!     Socket::new(Domain::IPV4, Type::STREAM, Some(Protocol::TCP))
//!     // END SOLUTION
//! ```
//!
//! In the exercise the block becomes `todo!("create an IPv4 stream socket that speaks TCP")`
//! at the same indentation. A block whose BEGIN line has no task (`// BEGIN SOLUTION`) is
//! dropped: that is how solution-only helpers stay out of the exercise.

use std::path::{Path, PathBuf};

use crate::layout;
use crate::manifest::Chapter;

const BEGIN: &str = "// BEGIN SOLUTION";
const END: &str = "// END SOLUTION";

/// The exercise text for one solution file, or what is wrong with its markers.
pub fn exercise_from_solution(solution: &str) -> Result<String, String> {
    let mut out = String::with_capacity(solution.len());
    let mut open: Option<usize> = None;
    for (index, line) in solution.lines().enumerate() {
        let number = index + 1;
        let trimmed = line.trim_start();
        if let Some(after) = trimmed.strip_prefix(BEGIN) {
            if let Some(start) = open {
                return Err(format!(
                    "line {number}: BEGIN SOLUTION inside the block opened on line {start}"
                ));
            }
            open = Some(number);
            let task = after.strip_prefix(':').map(str::trim).unwrap_or("");
            if !after.is_empty() && !after.starts_with(':') {
                return Err(format!("line {number}: write `{BEGIN}: task` with a colon"));
            }
            if !task.is_empty() {
                let indent = &line[..line.len() - trimmed.len()];
                out.push_str(&todo_call(indent, &escape_task(task)));
            }
        } else if trimmed.starts_with(END) {
            if open.take().is_none() {
                return Err(format!("line {number}: END SOLUTION without a BEGIN"));
            }
        } else if open.is_none() {
            out.push_str(line);
            out.push('\n');
        }
    }
    match open {
        Some(start) => Err(format!("line {start}: BEGIN SOLUTION is never closed")),
        None => Ok(out),
    }
}

/// `todo!("task")` at `indent`, laid out as rustfmt would: on one line when it fits in
/// 100 columns, else with the message on a line of its own.
fn todo_call(indent: &str, task: &str) -> String {
    let one_line = format!("{indent}todo!(\"{task}\")\n");
    if one_line.trim_end().chars().count() <= 100 {
        one_line
    } else {
        format!("{indent}todo!(\n{indent}    \"{task}\"\n{indent})\n")
    }
}

/// The task as the text of a `todo!` format string: quotes and backslashes escaped,
/// braces doubled so `{` is shown, not taken as a placeholder.
fn escape_task(task: &str) -> String {
    task.replace('\\', "\\\\")
        .replace('"', "\\\"")
        .replace('{', "{{")
        .replace('}', "}}")
}

/// How many exercise blocks (with a task) a solution file holds.
pub fn task_count(solution: &str) -> usize {
    solution
        .lines()
        .filter(|l| l.trim_start().starts_with(&format!("{BEGIN}:")))
        .count()
}

/// The exercise sources a chapter should have: (path relative to `src/`, text).
pub fn expected_exercise_files(solution_src: &Path) -> Result<Vec<(PathBuf, String)>, String> {
    layout::rust_files(solution_src)
        .into_iter()
        .map(|relative| {
            let path = solution_src.join(&relative);
            let text = std::fs::read_to_string(&path)
                .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
            let exercise =
                exercise_from_solution(&text).map_err(|e| format!("{}: {e}", path.display()))?;
            Ok((relative, exercise))
        })
        .collect()
}

/// The line of the solution's `[lib]` table that only the solution needs.
const LIB_COMMENT: &str =
    "# Same library name as the reader's crate, so one set of tests compiles against both.";

/// What the chapter crate has instead of the solution's `[lints] workspace = true`. Cargo
/// does not let a crate add to the workspace's lints, so they are spelled out here.
const CHAPTER_LINTS: &str = "[lints.rust]
# Like the solutions (the workspace's lints): no exercise needs unsafe code.
unsafe_code = \"forbid\"
# An unsolved exercise leaves imports, parameters and helpers unused. That is expected
# while you work, so the compiler does not warn about it here.
unused = \"allow\"
";

/// The chapter crate's `Cargo.toml`, made from the solution's: the package name and
/// description, no `doc = false`, paths that point back into the solution's folder, and
/// lints that allow what an unsolved exercise leaves unused.
///
/// `single_file`: the exercises are all in `src/lib.rs` (the description says so).
pub fn chapter_manifest(
    solution: &str,
    number: u32,
    slug: &str,
    single_file: bool,
) -> Result<String, String> {
    let solution_name = format!("name = \"solution-{number}\"");
    let prefix = format!("description = \"Reference solution for chapter {number}: ");
    let mut out = String::with_capacity(solution.len());
    let (mut named, mut described, mut linted) = (false, false, false);
    let mut table = "";
    let mut lines = solution.lines().peekable();
    while let Some(line) = lines.next() {
        if line.starts_with('[') {
            table = line.trim();
        }
        if table == "[package]" && line == solution_name && !named {
            named = true;
            out.push_str(&format!("name = \"chapter-{number}\"\n"));
        } else if let Some(topic) = line
            .strip_prefix(&prefix)
            .and_then(|rest| rest.strip_suffix(".\""))
            .filter(|_| table == "[package]")
        {
            described = true;
            let files = if single_file {
                "src/lib.rs"
            } else {
                "the files under src/"
            };
            out.push_str(&format!(
                "description = \"Chapter {number}: {topic}. Your exercises: edit {files}.\"\n"
            ));
        } else if table == "[lib]" && (line == LIB_COMMENT || line == "doc = false") {
            // Only the solution needs these.
        } else if let Some(path) = line
            .strip_prefix("path = \"")
            .filter(|path| !path.starts_with("../"))
        {
            out.push_str(&format!("path = \"../../solutions/{slug}/{path}\n"));
        } else if line == "[lints]" && lines.peek() == Some(&"workspace = true") {
            lines.next();
            linted = true;
            out.push_str(CHAPTER_LINTS);
        } else {
            out.push_str(line);
            out.push('\n');
        }
    }
    let missing = [
        (named, format!("`{solution_name}` in [package]")),
        (described, format!("`{prefix}<topic>.\"` in [package]")),
        (linted, "`[lints]` with `workspace = true`".to_string()),
    ];
    let missing: Vec<String> = missing
        .into_iter()
        .filter(|(found, _)| !found)
        .map(|(_, what)| what)
        .collect();
    if missing.is_empty() {
        Ok(out)
    } else {
        Err(format!(
            "solutions/{slug}/Cargo.toml: the chapter's Cargo.toml is made from it, and it \
             lacks {}",
            missing.join(", ")
        ))
    }
}

/// The chapter crate's `Cargo.toml` as [`chapter_manifest`] makes it from the solution's.
pub fn expected_chapter_manifest(chapter: &Chapter, root: &Path) -> Result<String, String> {
    let solution_dir = chapter.solution_dir(root);
    let path = solution_dir.join("Cargo.toml");
    let text = std::fs::read_to_string(&path)
        .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    let single_file = layout::rust_files(&solution_dir.join("src")) == [PathBuf::from("lib.rs")];
    chapter_manifest(&text, chapter.number, &chapter.slug, single_file)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_marked_body_becomes_todo_at_its_indentation() {
        let solution = "fn f() -> u8 {\n    // BEGIN SOLUTION: return \"one\" as {1}\n    1\n    // END SOLUTION\n}\n";
        insta::assert_snapshot!(exercise_from_solution(solution).unwrap(), @r#"
        fn f() -> u8 {
            todo!("return \"one\" as {{1}}")
        }
        "#);
    }

    #[test]
    fn a_long_task_gets_a_line_of_its_own_as_rustfmt_would_put_it() {
        let task = "x".repeat(90);
        let solution = format!("    // BEGIN SOLUTION: {task}\n    1\n    // END SOLUTION\n");
        assert_eq!(
            exercise_from_solution(&solution).unwrap(),
            format!("    todo!(\n        \"{task}\"\n    )\n")
        );
    }

    #[test]
    fn a_block_without_a_task_is_dropped() {
        let solution = "a\n// BEGIN SOLUTION\nfn helper() {}\n// END SOLUTION\nb\n";
        assert_eq!(exercise_from_solution(solution).unwrap(), "a\nb\n");
    }

    #[test]
    fn broken_markers_are_reported_with_their_line() {
        assert_eq!(
            exercise_from_solution("// BEGIN SOLUTION: x\n// BEGIN SOLUTION: y\n"),
            Err("line 2: BEGIN SOLUTION inside the block opened on line 1".into())
        );
        assert_eq!(
            exercise_from_solution("x\n// END SOLUTION\n"),
            Err("line 2: END SOLUTION without a BEGIN".into())
        );
        assert_eq!(
            exercise_from_solution("// BEGIN SOLUTION: x\n"),
            Err("line 1: BEGIN SOLUTION is never closed".into())
        );
        assert_eq!(
            exercise_from_solution("// BEGIN SOLUTIONS\n// END SOLUTION\n"),
            Err("line 1: write `// BEGIN SOLUTION: task` with a colon".into())
        );
    }

    const SOLUTION_MANIFEST: &str = r#"[package]
name = "solution-3"
description = "Reference solution for chapter 3: echo."
version = "0.1.0"

[lib]
# Same library name as the reader's crate, so one set of tests compiles against both.
name = "chapter_3"
doc = false

[[example]]
name = "echo-server"
path = "examples/echo_server.rs"

[[test]]
name = "echo"
path = "../../tests/03-echo/echo.rs"

[lints]
workspace = true
"#;

    #[test]
    fn the_chapter_manifest_is_the_solutions_renamed_with_lints_for_stubs() {
        let made = chapter_manifest(SOLUTION_MANIFEST, 3, "03-echo", false).unwrap();
        insta::assert_snapshot!(made, @r#"
        [package]
        name = "chapter-3"
        description = "Chapter 3: echo. Your exercises: edit the files under src/."
        version = "0.1.0"

        [lib]
        name = "chapter_3"

        [[example]]
        name = "echo-server"
        path = "../../solutions/03-echo/examples/echo_server.rs"

        [[test]]
        name = "echo"
        path = "../../tests/03-echo/echo.rs"

        [lints.rust]
        # Like the solutions (the workspace's lints): no exercise needs unsafe code.
        unsafe_code = "forbid"
        # An unsolved exercise leaves imports, parameters and helpers unused. That is expected
        # while you work, so the compiler does not warn about it here.
        unused = "allow"
        "#);
    }

    #[test]
    fn a_solution_manifest_without_what_is_replaced_is_refused() {
        let broken = SOLUTION_MANIFEST
            .replace("Reference solution for", "Solution of")
            .replace("[lints]\nworkspace = true\n", "");
        let problem = chapter_manifest(&broken, 3, "03-echo", true).unwrap_err();
        assert!(problem.contains("description = "), "{problem}");
        assert!(
            problem.contains("`[lints]` with `workspace = true`"),
            "{problem}"
        );
        assert!(!problem.contains("name = "), "{problem}");
    }

    #[test]
    fn task_count_counts_only_blocks_with_a_task() {
        assert_eq!(
            task_count("// BEGIN SOLUTION: a\n// END SOLUTION\n// BEGIN SOLUTION\n"),
            1
        );
    }
}
