//! `cargo workbook new N slug "Title"`: a new chapter that `verify N` passes from the
//! start, with one placeholder exercise to replace by the real ones.
//!
//! It writes the solution crate, its test file, the book page and the chapter's block in
//! `workbook.toml`, turns the SUMMARY.md draft line into a link, and then generates the
//! chapter crate from the solution, as `generate` does.

use std::path::{Path, PathBuf};

use crate::manifest::Chapter;

/// What `new` was asked for, with the names every file derives from it.
pub struct NewChapter {
    pub number: u32,
    /// `07-event-loop-mio`: the folder under `chapters/`, `solutions/` and `tests/`.
    pub slug: String,
    pub title: String,
}

impl NewChapter {
    /// `slug` may come with or without its two-digit number (`event-loop-mio`).
    pub fn new(number: u32, slug: &str, title: &str) -> Result<NewChapter, String> {
        let prefix = format!("{number:02}-");
        let slug = if slug.starts_with(&prefix) {
            slug.to_string()
        } else {
            format!("{prefix}{slug}")
        };
        let topic = &slug[prefix.len()..];
        let valid = !topic.is_empty()
            && topic
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-');
        if !valid {
            return Err(format!(
                "the slug `{slug}` should be lowercase words joined by `-`, like `{prefix}event-loop`"
            ));
        }
        if title.trim().is_empty() {
            return Err("the chapter needs a title".into());
        }
        Ok(NewChapter {
            number,
            slug,
            title: title.trim().to_string(),
        })
    }

    /// `ch07-event-loop-mio.md`
    pub fn page(&self) -> String {
        format!("ch{}.md", self.slug)
    }

    /// `event_loop_mio`: the test program's name and file.
    fn test_name(&self) -> String {
        self.slug[3..].replace('-', "_")
    }

    /// The chapter in a description: `Non-blocking I/O` becomes `non-blocking I/O`, an
    /// acronym such as `UDP datagrams` stays.
    fn topic(&self) -> String {
        let first_word = self.title.split_whitespace().next().unwrap_or_default();
        if first_word.chars().filter(|c| c.is_alphabetic()).count() > 1
            && first_word.chars().all(|c| !c.is_lowercase())
        {
            return self.title.clone();
        }
        let mut chars = self.title.chars();
        let first = chars.next().unwrap_or_default();
        first.to_lowercase().chain(chars).collect()
    }

    /// `7.1 A first exercise`: the one section every file below agrees on.
    fn first_section(&self) -> String {
        format!("{}.1 A first exercise", self.number)
    }

    /// Every file to write (path from the workspace root, text), the chapter crate aside.
    fn files(&self) -> Vec<(PathBuf, String)> {
        let (slug, name) = (&self.slug, self.test_name());
        vec![
            (
                PathBuf::from(format!("solutions/{slug}/Cargo.toml")),
                self.solution_manifest(),
            ),
            (
                PathBuf::from(format!("solutions/{slug}/src/lib.rs")),
                self.solution_lib(),
            ),
            (
                PathBuf::from(format!("tests/{slug}/{name}.rs")),
                self.test_file(),
            ),
            (
                PathBuf::from(format!("book/src/{}", self.page())),
                self.book_page(),
            ),
        ]
    }

    fn solution_manifest(&self) -> String {
        let (n, slug, name) = (self.number, &self.slug, self.test_name());
        let topic = self.topic();
        format!(
            r#"[package]
name = "solution-{n}"
description = "Reference solution for chapter {n}: {topic}."
version = "0.1.0"
edition.workspace = true
rust-version.workspace = true
publish.workspace = true
license.workspace = true
autotests = false

[lib]
# Same library name as the reader's crate, so one set of tests compiles against both.
name = "chapter_{n}"
doc = false

[dependencies]

[dev-dependencies]
support.workspace = true

[[test]]
name = "{name}"
path = "../../tests/{slug}/{name}.rs"

[lints]
workspace = true
"#
        )
    }

    fn solution_lib(&self) -> String {
        let (n, title, page) = (self.number, &self.title, self.page());
        format!(
            r#"//! Chapter {n}: {title}.
//!
//! Read `book/src/{page}`, replace each `todo` placeholder below with your code,
//! and check your work with `cargo test -p chapter-{n}`.

// ANCHOR: answer
/// Exercise {n}.1: a placeholder, to be replaced by the chapter's first exercise.
pub fn answer() -> u32 {{
    // BEGIN SOLUTION: return the answer, 42
    42
    // END SOLUTION
}}
// ANCHOR_END: answer
"#
        )
    }

    fn test_file(&self) -> String {
        let (n, title, page) = (self.number, &self.title, self.page());
        let section = self.first_section();
        format!(
            r#"//! Chapter {n}: {title}. The checks, in the order of the book's sections.

use chapter_{n}::answer;
use support::{{Book, Section, expect_eq}};

const BOOK: Book = Book::page("{page}");
const FIRST_EXERCISE: Section = BOOK.section("{section}");

#[test]
fn answer_is_42() {{
    expect_eq(answer(), 42, "answer()", FIRST_EXERCISE);
}}
"#
        )
    }

    fn hints(&self) -> [&'static str; 2] {
        [
            "A nudge first: what to look at.",
            "The near-answer last: return 42.",
        ]
    }

    fn book_page(&self) -> String {
        let (n, title, slug) = (self.number, &self.title, &self.slug);
        let section = self.first_section();
        let [nudge, near] = self.hints();
        format!(
            r#"# {n}. {title}

Why this chapter matters, and what the reader builds in it.

## {section}

```rust,ignore
{{{{#include ../../chapters/{slug}/src/lib.rs:answer}}}}
```

Check your work with `cargo test -p chapter-{n}`.

<details>
<summary>Hint 1</summary>

{nudge}

</details>

<details>
<summary>Hint 2</summary>

{near}

</details>
"#
        )
    }

    /// The chapter's block in `workbook.toml`.
    fn manifest_block(&self) -> String {
        let (n, slug, title, page) = (self.number, &self.slug, &self.title, self.page());
        let section = self.first_section();
        let [nudge, near] = self.hints();
        format!(
            r#"[[chapter]]
number = {n}
slug = "{slug}"
title = "{title}"
page = "{page}"

[[chapter.exercise]]
id = "{n}.1"
title = "A first exercise"
function = "answer"
section = "{section}"
tests = ["answer_is_42"]
hints = ["""
{nudge}
""", """
{near}
"""]
"#
        )
    }
}

/// Writes everything but the chapter crate, which the caller generates from the solution
/// once the manifest knows the chapter. Returns the paths written, from the root.
pub fn write(root: &Path, new: &NewChapter) -> Result<Vec<PathBuf>, String> {
    let manifest_path = root.join("workbook.toml");
    let manifest = read(&manifest_path)?;
    let manifest = with_chapter_block(&manifest, new)?;
    let taken: Vec<String> = ["chapters", "solutions", "tests"]
        .iter()
        .map(|dir| format!("{dir}/{}", new.slug))
        .chain([format!("book/src/{}", new.page())])
        .filter(|path| root.join(path).exists())
        .collect();
    if !taken.is_empty() {
        return Err(format!(
            "these exist already: {}. `new` writes a chapter from nothing; align a hand-made \
             one with `cargo workbook generate {n}` and `cargo workbook verify {n}`",
            taken.join(", "),
            n = new.number
        ));
    }
    let summary_path = root.join("book/src/SUMMARY.md");
    let summary = with_summary_link(&read(&summary_path)?, new);

    let mut written = Vec::new();
    for (relative, text) in new.files() {
        let path = root.join(&relative);
        std::fs::create_dir_all(path.parent().unwrap())
            .and_then(|()| std::fs::write(&path, text))
            .map_err(|e| format!("cannot write {}: {e}", path.display()))?;
        written.push(relative);
    }
    std::fs::write(&manifest_path, manifest).map_err(|e| format!("cannot write: {e}"))?;
    std::fs::write(&summary_path, summary).map_err(|e| format!("cannot write: {e}"))?;
    written.push("workbook.toml".into());
    written.push("book/src/SUMMARY.md".into());
    Ok(written)
}

fn read(path: &Path) -> Result<String, String> {
    std::fs::read_to_string(path).map_err(|e| format!("cannot read {}: {e}", path.display()))
}

/// The manifest with the chapter's planned block replaced by a written one, or the block
/// added at the end when it is the next chapter.
fn with_chapter_block(manifest: &str, new: &NewChapter) -> Result<String, String> {
    let lines: Vec<&str> = manifest.lines().collect();
    let number_line = format!("number = {}", new.number);
    // A block: `[[chapter]]` and the lines up to the first blank one.
    let start = lines.iter().enumerate().position(|(i, line)| {
        *line == "[[chapter]]" && lines.get(i + 1).is_some_and(|next| *next == number_line)
    });
    let mut out = String::with_capacity(manifest.len() + 512);
    match start {
        Some(start) => {
            let end = (start..lines.len())
                .find(|&i| lines[i].trim().is_empty())
                .unwrap_or(lines.len());
            if !lines[start..end].contains(&"planned = true") {
                return Err(format!(
                    "chapter {} is written already in workbook.toml",
                    new.number
                ));
            }
            for line in &lines[..start] {
                out.push_str(line);
                out.push('\n');
            }
            out.push_str(&new.manifest_block());
            for line in &lines[end..] {
                out.push_str(line);
                out.push('\n');
            }
        }
        None => {
            let chapters = lines.iter().filter(|l| **l == "[[chapter]]").count();
            if new.number as usize != chapters + 1 {
                return Err(format!(
                    "workbook.toml has {chapters} chapters and no planned chapter {}: \
                     a new chapter is a planned one or the next one",
                    new.number
                ));
            }
            out.push_str(manifest.trim_end());
            out.push_str("\n\n");
            out.push_str(&new.manifest_block());
        }
    }
    Ok(out)
}

/// SUMMARY.md with the chapter's draft line (`- [7. Title]()`) turned into a link, or the
/// link added at the end when there is no draft.
fn with_summary_link(summary: &str, new: &NewChapter) -> String {
    let link = format!("- [{}. {}]({})", new.number, new.title, new.page());
    let draft_start = format!("- [{}. ", new.number);
    let mut found = false;
    let mut out: Vec<String> = summary
        .lines()
        .map(|line| {
            if !found && line.starts_with(&draft_start) && line.trim_end().ends_with("]()") {
                found = true;
                link.clone()
            } else {
                line.to_string()
            }
        })
        .collect();
    if !found {
        out.push(link);
    }
    out.join("\n") + "\n"
}

/// What to do next, printed after the files are written.
pub fn next_steps(chapter: &Chapter, written: &[PathBuf]) -> String {
    let n = chapter.number;
    let mut out = format!("Chapter {n} \"{}\" is ready to fill in:\n", chapter.title);
    for path in written {
        out.push_str(&format!("  wrote {}\n", path.display()));
    }
    out.push_str(&format!(
        "  generated chapters/{}/ from the solution\n\n\
         It has one placeholder exercise, {n}.1, that `cargo workbook verify {n}` passes.\n\
         Replace it: write the solution (mark the reader's part with BEGIN/END SOLUTION),\n\
         its tests and the book page, list the exercises in workbook.toml, then run\n\
         `cargo fmt -p solution-{n} && cargo workbook generate {n} && cargo workbook verify {n}`.\n",
        chapter.slug
    ));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn seven() -> NewChapter {
        NewChapter::new(7, "event-loop-mio", "Non-blocking I/O and an event loop").unwrap()
    }

    #[test]
    fn names_come_from_the_number_and_slug() {
        let new = seven();
        assert_eq!(new.slug, "07-event-loop-mio");
        assert_eq!(new.page(), "ch07-event-loop-mio.md");
        assert_eq!(new.test_name(), "event_loop_mio");
        assert_eq!(new.topic(), "non-blocking I/O and an event loop");
        let udp = NewChapter::new(6, "06-udp", "UDP datagrams").unwrap();
        assert_eq!(udp.topic(), "UDP datagrams");
        assert!(NewChapter::new(7, "Event Loop", "x").is_err());
    }

    #[test]
    fn a_planned_block_is_replaced_and_the_rest_kept() {
        let manifest = "# top\n\n[[chapter]]\nnumber = 7\nslug = \"07-x\"\ntitle = \"X\"\npage = \"ch07-x.md\"\nplanned = true\n\n# Part III\n\n[[chapter]]\nnumber = 8\n";
        let out = with_chapter_block(manifest, &seven()).unwrap();
        assert!(out.starts_with("# top\n\n[[chapter]]\nnumber = 7\nslug = \"07-event-loop-mio\""));
        assert!(
            out.ends_with("\"\"\"]\n\n# Part III\n\n[[chapter]]\nnumber = 8\n"),
            "{out}"
        );
        assert!(!out.contains("planned"));
        assert!(
            with_chapter_block(&out, &seven()).is_err(),
            "written already"
        );
    }

    #[test]
    fn the_draft_line_becomes_a_link() {
        let summary = "# Part II\n\n- [7. Old title]()\n- [8. Async]()\n";
        assert_eq!(
            with_summary_link(summary, &seven()),
            "# Part II\n\n- [7. Non-blocking I/O and an event loop](ch07-event-loop-mio.md)\n- [8. Async]()\n"
        );
    }
}
