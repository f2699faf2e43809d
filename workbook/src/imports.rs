//! Which modules of a crate import which, to find modules that import each other.
//!
//! Two modules that use each other are one module cut in two: a reader cannot read either
//! first. The check reads `crate::name` paths in each file of a crate's `src/` (one level
//! of modules, as the chapters have) and reports every cycle, `lib.rs` aside: the root
//! declares and re-exports every module, which is not an import.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use crate::layout;

/// `module -> modules it names with crate::`, for the top-level modules of `src`.
pub fn graph(src: &Path) -> BTreeMap<String, BTreeSet<String>> {
    let files: Vec<(String, String)> = layout::rust_files(src)
        .into_iter()
        .filter_map(|relative| {
            let module = relative.components().next()?.as_os_str().to_str()?;
            let module = module.strip_suffix(".rs").unwrap_or(module).to_string();
            let text = std::fs::read_to_string(src.join(&relative)).ok()?;
            Some((module, text))
        })
        .filter(|(module, _)| module != "lib" && module != "main")
        .collect();
    let modules: BTreeSet<String> = files.iter().map(|(m, _)| m.clone()).collect();
    let mut graph: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for (module, text) in &files {
        let entry = graph.entry(module.clone()).or_default();
        for (at, _) in text.match_indices("crate::") {
            let name: String = text[at + "crate::".len()..]
                .chars()
                .take_while(|c| c.is_alphanumeric() || *c == '_')
                .collect();
            if name != *module && modules.contains(&name) {
                entry.insert(name);
            }
        }
        // `use crate::{a, b::C};`
        for (at, _) in text.match_indices("crate::{") {
            let inside = &text[at + "crate::{".len()..];
            let inside = &inside[..inside.find('}').unwrap_or(inside.len())];
            for name in inside
                .split(',')
                .filter_map(|part| part.trim().split([':', ' ']).next().map(str::to_string))
            {
                if name != *module && modules.contains(&name) {
                    entry.insert(name);
                }
            }
        }
    }
    graph
}

/// Each cycle once, as the modules along it: `["close", "error"]`.
pub fn cycles(graph: &BTreeMap<String, BTreeSet<String>>) -> Vec<Vec<String>> {
    let mut found: Vec<Vec<String>> = Vec::new();
    for start in graph.keys() {
        let mut path = vec![start.clone()];
        walk(graph, start, &mut path, &mut found);
    }
    found
}

/// Depth-first from the last module of `path`, recording a cycle back to its first
/// module when that first module is the smallest name on it (so each cycle counts once).
fn walk(
    graph: &BTreeMap<String, BTreeSet<String>>,
    at: &str,
    path: &mut Vec<String>,
    found: &mut Vec<Vec<String>>,
) {
    for next in graph.get(at).into_iter().flatten() {
        if *next == path[0] {
            found.push(path.clone());
        } else if next > &path[0] && !path.contains(next) {
            path.push(next.clone());
            walk(graph, next, path, found);
            path.pop();
        }
    }
}

/// Sources whose cycle is known and being fixed (chapter 12's close.rs and
/// error.rs, for issue 10). Empty this list when it is.
const CYCLES_TO_FIX: &[&str] = &[];

/// Problems for a crate's `src/`: every cycle among its modules.
pub fn cycle_problems(src: &Path, shown: &str) -> Vec<String> {
    if CYCLES_TO_FIX.contains(&shown) {
        return Vec::new();
    }
    cycles(&graph(src))
        .into_iter()
        .map(|cycle| {
            let files: Vec<String> = cycle.iter().map(|m| format!("{m}.rs")).collect();
            format!(
                "{shown}: {} import each other in a circle ({} -> {}); move what they share \
                 into one of them, or into a module both use",
                files.join(", "),
                files.join(" -> "),
                files[0]
            )
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn edges(list: &[(&str, &[&str])]) -> BTreeMap<String, BTreeSet<String>> {
        list.iter()
            .map(|(m, to)| (m.to_string(), to.iter().map(|t| t.to_string()).collect()))
            .collect()
    }

    #[test]
    fn finds_each_cycle_once() {
        let graph = edges(&[
            ("close", &["error"]),
            ("error", &["close"]),
            ("connection", &["close", "error"]),
            ("a", &["b"]),
            ("b", &["c"]),
            ("c", &["a"]),
        ]);
        assert_eq!(
            cycles(&graph),
            vec![
                vec!["a".to_string(), "b".into(), "c".into()],
                vec!["close".to_string(), "error".into()],
            ]
        );
    }

    #[test]
    fn reads_crate_paths_and_grouped_imports() {
        let dir = std::env::temp_dir().join(format!("workbook-imports-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(dir.join("lib.rs"), "mod a; mod b; mod c;").unwrap();
        std::fs::write(
            dir.join("a.rs"),
            "use crate::{b::B, c};\n/// [`crate::Thing`]",
        )
        .unwrap();
        std::fs::write(dir.join("b.rs"), "fn f() -> crate::a::A { todo!() }").unwrap();
        std::fs::write(dir.join("c.rs"), "").unwrap();
        let graph = graph(&dir);
        std::fs::remove_dir_all(&dir).unwrap();
        assert_eq!(
            graph,
            edges(&[("a", &["b", "c"]), ("b", &["a"]), ("c", &[])])
        );
        assert_eq!(cycles(&graph), vec![vec!["a".to_string(), "b".into()]]);
    }
}
