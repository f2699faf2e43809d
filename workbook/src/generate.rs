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

    #[test]
    fn task_count_counts_only_blocks_with_a_task() {
        assert_eq!(
            task_count("// BEGIN SOLUTION: a\n// END SOLUTION\n// BEGIN SOLUTION\n"),
            1
        );
    }
}
