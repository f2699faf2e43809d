//! Checks of the book that mdbook itself does not make: every chapter has its page in
//! SUMMARY.md, every exercise's section exists, every `{{#include}}` and its anchor resolve.

use std::path::Path;

use crate::layout;
use crate::manifest::{Chapter, Manifest};

/// `(title, link)` for each entry of SUMMARY.md; a draft chapter has an empty link.
pub fn summary_entries(summary: &str) -> Vec<(String, String)> {
    summary
        .lines()
        .filter_map(|line| {
            let open = line.find('[')?;
            let close = open + line[open..].find("](")?;
            let end = close + line[close..].find(')')?;
            Some((
                line[open + 1..close].to_string(),
                line[close + 2..end].to_string(),
            ))
        })
        .collect()
}

/// Problems with the chapter pages and their listing in SUMMARY.md.
pub fn chapter_problems(root: &Path, manifest: &Manifest, only: Option<u32>) -> Vec<String> {
    let src = root.join("book/src");
    let summary = match std::fs::read_to_string(src.join("SUMMARY.md")) {
        Ok(text) => text,
        Err(e) => return vec![format!("cannot read book/src/SUMMARY.md: {e}")],
    };
    let entries = summary_entries(&summary);
    let mut problems = Vec::new();
    for chapter in manifest
        .chapters
        .iter()
        .filter(|c| only.is_none_or(|n| n == c.number))
    {
        let listed = entries.iter().any(|(_, link)| *link == chapter.page);
        if chapter.planned {
            let draft = entries
                .iter()
                .any(|(title, link)| link.is_empty() && title.contains(&chapter.title));
            if !listed && !draft {
                problems.push(format!(
                    "chapter {} \"{}\" is not in SUMMARY.md, not even as a draft",
                    chapter.number, chapter.title
                ));
            }
            continue;
        }
        if !listed {
            problems.push(format!(
                "SUMMARY.md does not link chapter {}'s page {}",
                chapter.number, chapter.page
            ));
        }
        match std::fs::read_to_string(src.join(&chapter.page)) {
            Ok(page) => problems.extend(section_problems(chapter, &page)),
            Err(e) => problems.push(format!("cannot read book/src/{}: {e}", chapter.page)),
        }
        problems.extend(test_section_problems(root, chapter));
    }
    problems
}

/// The workbook's one convention for book sections in tests: a test file names its page
/// once (`const BOOK: Book = Book::page("ch04-byte-streams.md");`) and each section it
/// points at once, as a constant at the top of the file
/// (`const PARTIAL_READS: Section = BOOK.section("4.2 Partial reads");`). Each such section
/// must be a heading of that page, so a failure never sends a reader to a section that
/// is not there.
pub fn test_section_problems(root: &Path, chapter: &Chapter) -> Vec<String> {
    let dir = root.join("tests").join(&chapter.slug);
    let mut problems = Vec::new();
    for relative in layout::rust_files(&dir) {
        let shown = format!("tests/{}/{}", chapter.slug, relative.display());
        let Ok(text) = std::fs::read_to_string(dir.join(&relative)) else {
            continue;
        };
        let style_to_fix = SECTION_STYLE_TO_FIX.contains(&shown.as_str());
        for (line, problem) in sections_in_test_file(&text, |page| {
            std::fs::read_to_string(root.join("book/src").join(page)).ok()
        }) {
            if style_to_fix && problem.is_style() {
                continue;
            }
            problems.push(format!("{shown}:{line}: {}", problem.text()));
        }
    }
    problems
}

/// Test files not yet brought to the convention (sections as constants), while
/// issue 10 is open: their sections must still be headings of the page. Empty
/// this list as each file is converted.
const SECTION_STYLE_TO_FIX: &[&str] = &[];

/// What is wrong with one section a test names.
#[derive(Debug, PartialEq)]
enum SectionProblem {
    /// Against the convention: not a constant, or not the heading written out.
    Style(String),
    /// The section does not exist: not a heading of its page, or no page.
    Missing(String),
}

impl SectionProblem {
    fn is_style(&self) -> bool {
        matches!(self, SectionProblem::Style(_))
    }

    fn text(&self) -> &str {
        match self {
            SectionProblem::Style(text) | SectionProblem::Missing(text) => text,
        }
    }
}

/// `(line number, problem)` for each section in a test file that breaks the convention
/// or is not a heading of its page; `page_text` reads a page of the book by file name.
fn sections_in_test_file(
    text: &str,
    page_text: impl Fn(&str) -> Option<String>,
) -> Vec<(usize, SectionProblem)> {
    let lines: Vec<&str> = text.lines().collect();
    // `const NAME: Book = Book::page("file.md");`
    let books: Vec<(&str, &str)> = lines
        .iter()
        .filter_map(|line| {
            let rest = line.trim().strip_prefix("const ")?;
            let (name, rest) = rest.split_once(": Book = Book::page(\"")?;
            Some((name.trim(), rest.split('"').next()?))
        })
        .collect();
    let mut problems = Vec::new();
    for (index, line) in lines.iter().enumerate() {
        for (at, _) in line.match_indices(".section(") {
            if !line[at..].starts_with(".section(\"") {
                problems.push((
                    index + 1,
                    SectionProblem::Style(
                        "write the heading itself here, in a `const ...: Section = \
                         BOOK.section(\"N.M Heading\")` at the top of the file"
                            .to_string(),
                    ),
                ));
                continue;
            }
            let receiver: String = line[..at]
                .chars()
                .rev()
                .take_while(|c| c.is_alphanumeric() || *c == '_')
                .collect::<Vec<_>>()
                .into_iter()
                .rev()
                .collect();
            let heading = line[at + ".section(\"".len()..]
                .split('"')
                .next()
                .unwrap_or_default();
            let number = index + 1;
            let previous = index.checked_sub(1).map_or("", |i| lines[i].trim());
            let is_const = line.trim().starts_with("const ")
                || (previous.starts_with("const ") && previous.ends_with('='));
            if !is_const {
                problems.push((
                    number,
                    SectionProblem::Style(format!(
                        "name the section \"{heading}\" once, as a `const ...: Section` at \
                         the top of the file, and use that constant here"
                    )),
                ));
            }
            let Some((_, page)) = books.iter().find(|(name, _)| *name == receiver) else {
                problems.push((
                    number,
                    SectionProblem::Missing(format!(
                        "`{receiver}` is not a `const {receiver}: Book = \
                         Book::page(..)` of this file"
                    )),
                ));
                continue;
            };
            let missing = match page_text(page) {
                None => Some(format!("cannot read book/src/{page}")),
                Some(text) if !headings(&text).contains(&heading) => {
                    Some(format!("book/src/{page} has no heading \"{heading}\""))
                }
                Some(_) => None,
            };
            if let Some(missing) = missing {
                problems.push((number, SectionProblem::Missing(missing)));
            }
        }
    }
    problems
}

/// Every exercise's section must be a heading of its chapter's page, and the page must
/// show every hint level `cargo workbook check` can show.
fn section_problems(chapter: &Chapter, page: &str) -> Vec<String> {
    let headings = headings(page);
    let page_words = words(page);
    let mut problems = Vec::new();
    for exercise in &chapter.exercises {
        if !headings.contains(&exercise.section.as_str()) {
            problems.push(format!(
                "exercise {}: book/src/{} has no heading \"{}\"",
                exercise.id, chapter.page, exercise.section
            ));
        }
        for (level, hint) in exercise.hints.iter().enumerate() {
            if !page_words.contains(&words(hint)) {
                problems.push(format!(
                    "exercise {}: book/src/{} does not show hint {} from workbook.toml word for word",
                    exercise.id,
                    chapter.page,
                    level + 1
                ));
            }
        }
    }
    problems
}

/// The headings of a page (`## 4.1 Reading`), without their `#`s. Lines inside fenced
/// code blocks are code, even when they start with `#` (`#[derive(Debug)]`).
pub fn headings(page: &str) -> Vec<&str> {
    let mut fence: Option<&str> = None;
    let mut found = Vec::new();
    for line in page.lines() {
        let trimmed = line.trim_start();
        let marker = ["```", "~~~"].into_iter().find(|m| trimmed.starts_with(m));
        match (fence, marker) {
            (None, Some(marker)) => fence = Some(marker),
            (Some(open), Some(marker)) if open == marker => fence = None,
            (None, None) if line.starts_with('#') => {
                found.push(line.trim_start_matches('#').trim());
            }
            _ => {}
        }
    }
    found
}

/// Text with every run of white space made one space, so line breaks do not matter.
fn words(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// A page that quotes a failing stub (`panicked at chapters/.../x.rs:12:5`) must point at
/// a `todo!` there: the quote goes stale when the exercise file changes.
pub fn quoted_location_problems(root: &Path) -> Vec<String> {
    let mut problems = Vec::new();
    for (name, text) in pages(root) {
        for (line, location) in stub_locations(&text) {
            if let Err(problem) = points_at_todo(root, &location) {
                problems.push(format!("book/src/{name}:{line}: {location}: {problem}"));
            }
        }
    }
    problems
}

/// `(line number, "chapters/x/src/y.rs:12:5")` for each quoted location in a page.
fn stub_locations(text: &str) -> Vec<(usize, String)> {
    let mut found = Vec::new();
    for (index, line) in text.lines().enumerate() {
        for (at, _) in line.match_indices("chapters/") {
            let rest = &line[at..];
            let end = rest
                .find(|c: char| !(c.is_ascii_alphanumeric() || "/_-.:".contains(c)))
                .unwrap_or(rest.len());
            let location = rest[..end].trim_end_matches([':', '.']);
            let parts: Vec<&str> = location.rsplitn(3, ':').collect();
            let is_location = parts.len() == 3
                && parts[2].ends_with(".rs")
                && parts[..2]
                    .iter()
                    .all(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()));
            if is_location {
                found.push((index + 1, location.to_string()));
            }
        }
    }
    found
}

fn points_at_todo(root: &Path, location: &str) -> Result<(), String> {
    let mut parts = location.rsplitn(3, ':');
    let column: usize = parts.next().unwrap().parse().unwrap();
    let line: usize = parts.next().unwrap().parse().unwrap();
    let file = parts.next().unwrap();
    let text =
        std::fs::read_to_string(root.join(file)).map_err(|e| format!("cannot read it: {e}"))?;
    let at = text
        .lines()
        .nth(line.saturating_sub(1))
        .and_then(|l| l.get(column.saturating_sub(1)..));
    match at {
        Some(rest) if rest.starts_with("todo!") => Ok(()),
        _ => {
            Err("no todo! starts there (run the test on the stub and copy the new location)".into())
        }
    }
}

/// Every page of the book: `(file name, text)`, sorted by name.
fn pages(root: &Path) -> Vec<(String, String)> {
    let mut paths: Vec<_> = std::fs::read_dir(root.join("book/src"))
        .map(|d| d.flatten().map(|e| e.path()).collect())
        .unwrap_or_default();
    paths.retain(|p| p.extension().is_some_and(|e| e == "md"));
    paths.sort();
    paths
        .into_iter()
        .map(|p| {
            let name = p.file_name().unwrap().to_string_lossy().into_owned();
            (name, std::fs::read_to_string(&p).unwrap_or_default())
        })
        .collect()
}

/// Every `{{#include file}}` or `{{#include file:anchor}}` in every page must resolve.
pub fn include_problems(root: &Path) -> Vec<String> {
    let src = root.join("book/src");
    let mut problems = Vec::new();
    for (name, text) in pages(root) {
        for (line, target) in includes(&text) {
            if let Err(problem) = resolve(&src, &target) {
                problems.push(format!(
                    "book/src/{name}:{line}: {{{{#include {target}}}}}: {problem}"
                ));
            }
        }
        for (line, opening, target) in typed_openings(&text) {
            let file = target.split_once(':').map_or(target.as_str(), |(f, _)| f);
            let Ok(included) = std::fs::read_to_string(src.join(file)) else {
                continue; // reported above
            };
            if !included.lines().any(|l| l.trim_end() == opening) {
                problems.push(format!(
                    "book/src/{name}:{line}: `{opening}` is typed around an include \
                     of {file}, which has no such line (renamed?)"
                ));
            }
        }
    }
    problems
}

/// An include from inside a block (a method of an `impl`) keeps its indentation, so
/// the page types the block's first line above it and `}` below: `(line number, that
/// first line, the include's target)` for each, so that it can be checked against the
/// file.
fn typed_openings(text: &str) -> Vec<(usize, String, String)> {
    let lines: Vec<&str> = text.lines().collect();
    let mut found = Vec::new();
    for (index, pair) in lines.windows(2).enumerate() {
        let (opening, next) = (pair[0], pair[1]);
        if !opening.trim_end().ends_with('{') || opening.contains("{{#") {
            continue;
        }
        if let Some((_, target)) = includes(next).into_iter().next() {
            found.push((index + 1, opening.trim_end().to_string(), target));
        }
    }
    found
}

/// `(line number, "path[:anchor]")` of each include directive in a page.
fn includes(text: &str) -> Vec<(usize, String)> {
    let mut found = Vec::new();
    for (index, line) in text.lines().enumerate() {
        let mut rest = line;
        while let Some(start) = rest.find("{{#") {
            let after = &rest[start + 3..];
            let Some(end) = after.find("}}") else { break };
            let directive = &after[..end];
            for keyword in ["include ", "rustdoc_include "] {
                if let Some(target) = directive.strip_prefix(keyword) {
                    found.push((index + 1, target.trim().to_string()));
                }
            }
            rest = &after[end + 2..];
        }
    }
    found
}

fn resolve(src: &Path, target: &str) -> Result<(), String> {
    let (file, anchor) = match target.split_once(':') {
        Some((file, anchor)) => (file, Some(anchor)),
        None => (target, None),
    };
    let text =
        std::fs::read_to_string(src.join(file)).map_err(|e| format!("cannot read {file}: {e}"))?;
    let Some(anchor) = anchor else { return Ok(()) };
    let is_line_range = anchor.chars().all(|c| c.is_ascii_digit() || c == ':');
    if is_line_range {
        return Ok(());
    }
    let has = |marker: &str| {
        text.lines()
            .any(|l| l.trim_end().ends_with(&format!("{marker}: {anchor}")))
    };
    match (has("ANCHOR"), has("ANCHOR_END")) {
        (true, true) => Ok(()),
        (false, _) => Err(format!("{file} has no `ANCHOR: {anchor}`")),
        (true, false) => Err(format!("{file} has no `ANCHOR_END: {anchor}`")),
    }
}

/// The widest line a listing may have. mdBook's column is 750 px wide; its code font
/// (Source Code Pro, 14 px) takes 8.4 px a character, so after the block's padding about
/// 86 characters show without sideways scrolling at 1280 px (measured in Chromium). 80
/// leaves room for the copy button and for fallback fonts that are a little wider.
pub const LISTING_WIDTH: usize = 80;

/// Included files whose wide lines are known and not fixed yet (paths from the repository
/// root). Their lines are counted and named in a note, but do not fail `verify`. Fix the
/// lines, then remove the file from this list; the goal is an empty list.
const WIDE_LISTINGS_TO_FIX: &[&str] = &[];

/// Every line a page includes must fit the book's column ([`LISTING_WIDTH`]).
pub fn listing_width_problems(root: &Path) -> Vec<String> {
    let src = root.join("book/src");
    let mut problems = Vec::new();
    let mut known = std::collections::BTreeSet::new();
    let mut known_lines = 0;
    for (name, text) in pages(root) {
        for (line, target) in includes(&text) {
            let (file, range) = match target.split_once(':') {
                Some((file, range)) => (file, Some(range)),
                None => (target.as_str(), None),
            };
            let Ok(included) = std::fs::read_to_string(src.join(file)) else {
                continue; // include_problems reports it
            };
            let wide: Vec<String> = included_lines(&included, range)
                .into_iter()
                .filter(|(_, text)| text.chars().count() > LISTING_WIDTH)
                .map(|(number, text)| {
                    format!("line {number} ({} characters)", text.chars().count())
                })
                .collect();
            if wide.is_empty() {
                continue;
            }
            let from_root = file.trim_start_matches("../");
            if WIDE_LISTINGS_TO_FIX.contains(&from_root) {
                known.insert(from_root.to_string());
                known_lines += wide.len();
                continue;
            }
            problems.push(format!(
                "book/src/{name}:{line}: {{{{#include {target}}}}}: lines wider than \
                 {LISTING_WIDTH} characters, which the book shows only by \
                 scrolling sideways: {}",
                wide.join(", ")
            ));
        }
    }
    if !known.is_empty() {
        println!(
            "note: {known_lines} wide lines in the {} files of \
             WIDE_LISTINGS_TO_FIX (workbook/src/book.rs) are not counted yet; \
             empty that list to see them",
            known.len()
        );
    }
    problems
}

/// `(line number, text)` of the lines an include shows: an anchor's lines without the
/// anchor markers, a line range `a:b` (either end may be left out; one number is one
/// line), or the whole file.
fn included_lines<'a>(text: &'a str, range: Option<&str>) -> Vec<(usize, &'a str)> {
    let numbered = text.lines().enumerate().map(|(i, l)| (i + 1, l));
    let is_marker = |l: &str| l.contains("ANCHOR:") || l.contains("ANCHOR_END:");
    let Some(range) = range else {
        return numbered.collect();
    };
    if !range.chars().all(|c| c.is_ascii_digit() || c == ':') {
        let mut inside = false;
        let mut lines = Vec::new();
        for (number, line) in numbered {
            let marker = line.trim_end();
            if marker.ends_with(&format!("ANCHOR_END: {range}")) {
                inside = false;
            } else if marker.ends_with(&format!("ANCHOR: {range}")) {
                inside = true;
            } else if inside && !is_marker(line) {
                lines.push((number, line));
            }
        }
        return lines;
    }
    let number = |s: &str| s.parse::<usize>().ok();
    let (first, last) = match range.split_once(':') {
        Some((a, b)) => (number(a).unwrap_or(1), number(b).unwrap_or(usize::MAX)),
        None => (
            number(range).unwrap_or(1),
            number(range).unwrap_or(usize::MAX),
        ),
    };
    numbered
        .filter(|(n, _)| (first..=last).contains(n))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_links_and_drafts_from_summary() {
        let entries =
            summary_entries("# Summary\n\n[Intro](intro.md)\n- [1. One](ch01.md)\n- [2. Two]()\n");
        assert_eq!(
            entries,
            vec![
                ("Intro".into(), "intro.md".into()),
                ("1. One".into(), "ch01.md".into()),
                ("2. Two".into(), String::new()),
            ]
        );
    }

    #[test]
    fn sections_in_tests_are_constants_and_headings_of_their_page() {
        let test = r#"
const BOOK: Book = Book::page("ch04.md");
const PARTIAL: Section = BOOK.section("4.2 Partial reads");
const LONG_NAME_THAT_RUSTFMT_WRAPS: Section =
    BOOK.section("4.3 Framing");
const MISSING: Section = BOOK.section("4.9 Not there");
fn a_test() {
    expect_eq(1, 1, "one", BOOK.section("4.2 Partial reads"));
    let read = OTHER.section("4.2 Partial reads");
    let heading = BOOK.section(HEADING);
}
"#;
        let page = |name: &str| {
            (name == "ch04.md").then(|| "# 4\n## 4.2 Partial reads\n## 4.3 Framing\n".to_string())
        };
        let problems = sections_in_test_file(test, page);
        let lines: Vec<usize> = problems.iter().map(|(line, _)| *line).collect();
        assert_eq!(lines, vec![6, 8, 9, 9, 10], "{problems:#?}");
        assert_eq!(
            problems[0].1,
            SectionProblem::Missing("book/src/ch04.md has no heading \"4.9 Not there\"".into())
        );
        assert!(problems[1].1.is_style());
        assert!(problems[3].1.text().contains("`OTHER` is not a"));
        assert!(problems[4].1.is_style());
    }

    #[test]
    fn headings_skip_fenced_code() {
        let page = "# 1. One\n\n```rust\n#[derive(Debug)]\n# hidden line\n```\n## 1.1 Two\n~~~\n# not either\n~~~\n";
        assert_eq!(headings(page), vec!["1. One", "1.1 Two"]);
    }

    #[test]
    fn finds_quoted_stub_locations() {
        let page = "thread 't' panicked at chapters/01-x/src/lib.rs:14:5:\nsee chapters/01-x/src/ and chapters/a.rs:3";
        assert_eq!(
            stub_locations(page),
            vec![(1, "chapters/01-x/src/lib.rs:14:5".to_string())]
        );
    }

    #[test]
    fn finds_the_block_openings_typed_above_includes() {
        let page = "```rust\nimpl Connection {\n{{#include ../a.rs:send}}\n}\n```\n\
                    {{#include b.rs}}\n";
        assert_eq!(
            typed_openings(page),
            [(
                2,
                "impl Connection {".to_string(),
                "../a.rs:send".to_string()
            )]
        );
    }

    #[test]
    fn finds_include_directives() {
        let page = "text\n```rust\n{{#include ../../a.rs:one}}\n```\n{{#rustdoc_include b.rs}}";
        assert_eq!(
            includes(page),
            vec![(3, "../../a.rs:one".to_string()), (5, "b.rs".to_string())]
        );
    }

    #[test]
    fn included_lines_follow_anchors_and_ranges() {
        let file = "a\n// ANCHOR: x\nb\n// ANCHOR: y\nc\n// ANCHOR_END: y\n// ANCHOR_END: x\nd";
        let texts = |range| -> Vec<&str> {
            included_lines(file, range)
                .into_iter()
                .map(|(_, text)| text)
                .collect()
        };
        assert_eq!(texts(Some("x")), ["b", "c"]);
        assert_eq!(texts(Some("y")), ["c"]);
        assert_eq!(texts(Some("8")), ["d"]);
        assert_eq!(texts(Some("7:")), ["// ANCHOR_END: x", "d"]);
        assert_eq!(texts(Some(":1")), ["a"]);
        assert_eq!(texts(None).len(), 8);
        assert_eq!(included_lines(file, Some("y")), [(5, "c")]);
    }
}
