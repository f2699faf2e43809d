//! Where the workbook keeps things: which files belong to a chapter. Every search of the
//! disk goes through here, so the other modules work on what these functions return.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use crate::manifest::Chapter;

/// Every `.rs` file under `dir`, as paths relative to it, sorted.
pub fn rust_files(dir: &Path) -> Vec<PathBuf> {
    files_ending(dir, "rs")
}

/// Every insta snapshot file (`.snap`) under `dir`, as paths relative to it, sorted;
/// build folders (`target`) and the command's fixture workbook are not looked into.
pub fn snapshot_files(dir: &Path) -> Vec<PathBuf> {
    files_ending(dir, "snap")
}

/// Every file under `dir`, whatever its kind, as paths relative to it, sorted: what a
/// chapter's test run depends on, what `watch` looks at.
pub fn all_files(dir: &Path) -> Vec<PathBuf> {
    files_ending(dir, "")
}

/// Files whose name ends in `.extension`, or every file for an empty `extension`.
fn files_ending(dir: &Path, extension: &str) -> Vec<PathBuf> {
    let mut files = Vec::new();
    collect(dir, dir, extension, &mut files);
    files.sort();
    files
}

fn collect(base: &Path, dir: &Path, extension: &str, files: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            if !path.ends_with("target") && !path.ends_with("tests/fixture") {
                collect(base, &path, extension, files);
            }
        } else if extension.is_empty() || path.extension().is_some_and(|e| e == extension) {
            files.push(path.strip_prefix(base).unwrap().to_path_buf());
        }
    }
}

/// Finds, for each exercise, the source file under the chapter's `src/` that declares its
/// function, as a path from the workspace root.
pub fn exercise_files(root: &Path, chapter: &Chapter) -> BTreeMap<String, String> {
    let src = chapter.exercise_dir(root).join("src");
    let sources: Vec<(String, String)> = rust_files(&src)
        .into_iter()
        .filter_map(|relative| {
            let text = std::fs::read_to_string(src.join(&relative)).ok()?;
            let shown = format!("chapters/{}/src/{}", chapter.slug, relative.display());
            Some((shown, text))
        })
        .collect();
    chapter
        .exercises
        .iter()
        .flat_map(|exercise| exercise.functions())
        .filter_map(|function| {
            // `Decoder::decode` is declared as `fn decode` inside an impl block.
            let name = function.rsplit("::").next().unwrap_or_default();
            let declaration = format!("fn {name}");
            let declares = |text: &str| {
                text.match_indices(&declaration).any(|(at, _)| {
                    let next = text[at + declaration.len()..].chars().next();
                    matches!(next, Some('(' | '<'))
                })
            };
            // `echo::serve` is in echo.rs, even when chat.rs has a `fn serve` too.
            let module = function.rsplit_once("::").map(|(module, _)| module);
            let in_module = |file: &str| module.is_some_and(|m| is_module_file(file, m));
            let (file, _) = sources
                .iter()
                .find(|(file, text)| in_module(file) && declares(text))
                .or_else(|| sources.iter().find(|(_, text)| declares(text)))?;
            Some((function.to_string(), file.clone()))
        })
        .collect()
}

/// Where each `todo!` inside an exercise's function is, as `chapters/x/src/y.rs:LINE`
/// (the location a test's panic names), and the id of that exercise. A test that panics
/// there waits for that exercise, whichever exercise the test checks.
pub fn exercise_todos(root: &Path, chapter: &Chapter) -> BTreeMap<String, String> {
    let files = exercise_files(root, chapter);
    let mut todos = BTreeMap::new();
    for exercise in &chapter.exercises {
        for function in exercise.functions() {
            let Some(file) = files.get(function) else {
                continue;
            };
            let Ok(text) = std::fs::read_to_string(root.join(file)) else {
                continue;
            };
            let name = function.rsplit("::").next().unwrap_or_default();
            for line in todo_lines(&text, name) {
                todos.insert(format!("{file}:{line}"), exercise.id.clone());
            }
        }
    }
    todos
}

/// The lines (from 1) of the `todo!`s in the bodies of every `fn name` in `text`.
fn todo_lines(text: &str, name: &str) -> Vec<usize> {
    let declaration = format!("fn {name}");
    let mut lines = Vec::new();
    for (at, _) in text.match_indices(&declaration) {
        let after = &text[at + declaration.len()..];
        if !after.starts_with(['(', '<']) {
            continue;
        }
        // The body starts at the first `{` of the signature; a `;` first means no body.
        let Some(open) = after
            .find(['{', ';'])
            .filter(|&i| after[i..].starts_with('{'))
        else {
            continue;
        };
        let start = at + declaration.len() + open;
        let body = &text[start..start + body_length(&text[start..])];
        for (offset, _) in body.match_indices("todo!") {
            lines.push(text[..start + offset].matches('\n').count() + 1);
        }
    }
    lines
}

/// The length of the block that `text` starts with (at its `{`), up to its matching `}`
/// (or the end of the text). Braces inside strings, characters and `//` comments do not
/// count.
fn body_length(text: &str) -> usize {
    let bytes = text.as_bytes();
    let mut depth = 0;
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'{' => depth += 1,
            b'}' => {
                depth -= 1;
                if depth == 0 {
                    return i + 1;
                }
            }
            b'"' => {
                i += 1;
                while i < bytes.len() && bytes[i] != b'"' {
                    i += if bytes[i] == b'\\' { 2 } else { 1 };
                }
            }
            // '{' or '}': a lifetime (`'a`) has no closing quote two bytes on.
            b'\'' if bytes.get(i + 2) == Some(&b'\'') => i += 2,
            b'/' if bytes.get(i + 1) == Some(&b'/') => {
                while i < bytes.len() && bytes[i] != b'\n' {
                    i += 1;
                }
            }
            _ => {}
        }
        i += 1;
    }
    bytes.len()
}

/// Whether `file` (a path ending in `src/…rs`) is the file of `module`
/// (`echo`, `experiment::pool`): `src/echo.rs` or `src/experiment/pool/mod.rs`.
fn is_module_file(file: &str, module: &str) -> bool {
    let Some((_, relative)) = file.rsplit_once("src/") else {
        return false;
    };
    let path = module.replace("::", "/");
    relative == format!("{path}.rs") || relative == format!("{path}/mod.rs")
}

#[cfg(test)]
mod tests {
    use super::{is_module_file, todo_lines};

    #[test]
    fn finds_the_todos_in_a_function_s_body_only() {
        let text = "\
impl Reader {
    fn read<'a>(&mut self, buf: &'a mut [u8]) -> Result<(), String> {
        let brace = '}';
        // a } in a comment
        todo!(\"read {} \\\" }\")
    }

    fn write(&mut self) {
        todo!()
    }
}
trait Later {
    fn read(&self);
}
";
        assert_eq!(todo_lines(text, "read"), [5]);
        assert_eq!(todo_lines(text, "write"), [9]);
        assert_eq!(todo_lines(text, "rea"), [] as [usize; 0]);
    }

    #[test]
    fn a_function_s_module_names_its_file() {
        let chat = "chapters/08-async-with-tokio/src/chat.rs";
        let echo = "chapters/08-async-with-tokio/src/echo.rs";
        let pool = "chapters/08-async-with-tokio/src/experiment/pool.rs";
        let mod_rs = "chapters/08-async-with-tokio/src/experiment/mod.rs";
        assert!(is_module_file(echo, "echo"));
        assert!(!is_module_file(chat, "echo"));
        assert!(is_module_file(pool, "experiment::pool"));
        assert!(is_module_file(mod_rs, "experiment"));
        assert!(!is_module_file(echo, "Decoder"));
    }
}
