//! Checks of the book that mdbook itself does not make: every chapter has its page in
//! SUMMARY.md, every exercise's section exists, every `{{#include}}` and its anchor resolve.

use std::path::Path;

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
    }
    problems
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
    fn finds_include_directives() {
        let page = "text\n```rust\n{{#include ../../a.rs:one}}\n```\n{{#rustdoc_include b.rs}}";
        assert_eq!(
            includes(page),
            vec![(3, "../../a.rs:one".to_string()), (5, "b.rs".to_string())]
        );
    }
}
