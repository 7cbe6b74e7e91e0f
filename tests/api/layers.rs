//! The shape of the source a newcomer relies on: the top-level modules of `src/` import each
//! other one way (values at the bottom; features above; read models, the web and the command
//! line on top; mail a leaf the features register with), and no file grows past what one
//! feature needs. Read from the source itself, so a new `use crate::...` that closes a loop
//! fails here with the modules and files that make it.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// Lines above which a file is several features.
const MAX_LINES: usize = 800;

/// Modules that must not import the ones listed (beyond what the no-cycle rule implies):
/// the bottom layers stay free of the web and of the features.
const FORBIDDEN: &[(&str, &[&str])] = &[
    ("values", &["*"]),
    ("config", &["http", "i18n", "mail", "db"]),
    ("i18n", &["http"]),
    ("db", &["http"]),
    (
        "mail",
        &[
            "http",
            "letters",
            "signatures",
            "updates",
            "invites",
            "members",
            "partners",
            "staff",
            "export",
            "read",
        ],
    ),
];

fn source_files(dir: &Path, found: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).expect("read src") {
        let path = entry.expect("dir entry").path();
        if path.is_dir() {
            source_files(&path, found);
        } else if path.extension().is_some_and(|ext| ext == "rs") {
            found.push(path);
        }
    }
}

/// The source without comments and without its unit tests (`#[cfg(test)] mod tests` at the
/// end of a file): test code may reach anywhere.
fn code_of(text: &str) -> String {
    let text = text.split("#[cfg(test)]\nmod tests").next().unwrap_or("");
    text.lines()
        .map(|line| match line.find("//") {
            Some(at) => &line[..at],
            None => line,
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// The top-level modules a piece of code names through `crate::`.
fn imports(code: &str, modules: &BTreeSet<String>) -> BTreeSet<String> {
    let mut named = BTreeSet::new();
    let mut rest = code;
    while let Some(at) = rest.find("crate::") {
        rest = &rest[at + "crate::".len()..];
        if let Some(group) = rest.strip_prefix('{') {
            let end = group.find('}').unwrap_or(group.len());
            for part in group[..end].split(',') {
                let head: String = part
                    .trim()
                    .chars()
                    .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                    .collect();
                if modules.contains(&head) {
                    named.insert(head);
                }
            }
        } else {
            let head: String = rest
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                .collect();
            if modules.contains(&head) {
                named.insert(head);
            }
        }
    }
    named
}

struct Graph {
    /// module -> module it imports -> files that do
    edges: BTreeMap<String, BTreeMap<String, BTreeSet<String>>>,
}

fn graph() -> Graph {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut modules = BTreeSet::new();
    for entry in std::fs::read_dir(&src).expect("read src") {
        let path = entry.expect("dir entry").path();
        let name = path
            .file_stem()
            .and_then(|stem| stem.to_str())
            .unwrap_or_default()
            .to_owned();
        if name != "lib" && name != "main" && !name.is_empty() {
            modules.insert(name);
        }
    }
    let mut files = Vec::new();
    source_files(&src, &mut files);
    let mut edges: BTreeMap<String, BTreeMap<String, BTreeSet<String>>> = BTreeMap::new();
    for file in files {
        let relative = file.strip_prefix(&src).expect("under src");
        let top = relative
            .components()
            .next()
            .and_then(|c| c.as_os_str().to_str())
            .unwrap_or_default()
            .trim_end_matches(".rs")
            .to_owned();
        if !modules.contains(&top) {
            continue;
        }
        let text = std::fs::read_to_string(&file).expect("read source");
        for imported in imports(&code_of(&text), &modules) {
            if imported != top {
                edges
                    .entry(top.clone())
                    .or_default()
                    .entry(imported)
                    .or_default()
                    .insert(relative.display().to_string());
            }
        }
    }
    Graph { edges }
}

impl Graph {
    /// A path of imports from `from` back to `to`, if there is one.
    fn path(&self, from: &str, to: &str) -> Option<Vec<String>> {
        let mut seen = BTreeSet::new();
        let mut stack = vec![(from.to_owned(), vec![from.to_owned()])];
        while let Some((at, path)) = stack.pop() {
            if at == to {
                return Some(path);
            }
            if !seen.insert(at.clone()) {
                continue;
            }
            for next in self.edges.get(&at).into_iter().flat_map(|e| e.keys()) {
                let mut longer = path.clone();
                longer.push(next.clone());
                stack.push((next.clone(), longer));
            }
        }
        None
    }
}

#[test]
fn the_top_level_modules_import_each_other_one_way() {
    let graph = graph();
    let mut cycles = Vec::new();
    for (from, targets) in &graph.edges {
        for (to, files) in targets {
            if let Some(back) = graph.path(to, from) {
                cycles.push(format!(
                    "{from} -> {to} (in {}) and back: {}",
                    files.iter().cloned().collect::<Vec<_>>().join(", "),
                    back.join(" -> ")
                ));
            }
        }
    }
    assert!(
        cycles.is_empty(),
        "import cycles among the modules of src/:\n{}",
        cycles.join("\n")
    );
}

#[test]
fn the_bottom_layers_import_nothing_above_them() {
    let graph = graph();
    let mut wrong = Vec::new();
    for (module, forbidden) in FORBIDDEN {
        for (imported, files) in graph.edges.get(*module).into_iter().flatten() {
            if forbidden.contains(&"*") || forbidden.contains(&imported.as_str()) {
                wrong.push(format!("{module} imports {imported} in {files:?}"));
            }
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

#[test]
fn no_source_file_is_several_features_long() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    source_files(&src, &mut files);
    let mut long: Vec<String> = files
        .iter()
        .filter_map(|file| {
            let lines = std::fs::read_to_string(file).ok()?.lines().count();
            (lines > MAX_LINES).then(|| format!("{} ({lines} lines)", file.display()))
        })
        .collect();
    long.sort();
    assert!(
        long.is_empty(),
        "files over {MAX_LINES} lines (split them by feature):\n{}",
        long.join("\n")
    );
}
