//! The layers hold: the architecture as a test. It reads every source file under `src/`, works
//! out what each module imports (from `use` trees and inline `crate::…` paths), and fails on an
//! import that breaks the layering in ARCHITECTURE.md or on a cycle between top-level modules or
//! between the domain's rooms. GraphQL rooms may name each other's object types (`Session.meetings`
//! and `Meeting.session`): the schema is a graph, and those references carry no logic.

use std::{
    collections::{BTreeMap, BTreeSet},
    path::{Path, PathBuf},
};

/// Crates of the web edge: only `app` (HTTP) and `graphql` (the schema) may use them.
const WEB: &[&str] = &[
    "async_graphql",
    "async_graphql_axum",
    "axum",
    "tower",
    "tower_http",
    "http",
    "hyper",
];

/// Which top-level modules each layer may import. Anything not listed is refused, so a new
/// dependency between layers is a decision made here, not an accident.
const MAY_IMPORT: &[(&str, &[&str])] = &[
    ("error", &[]),
    ("db", &["error"]),
    ("telemetry", &[]),
    ("auth", &["error"]),
    ("domain", &["error", "auth", "db"]),
    ("graphql", &["domain", "error", "auth", "telemetry"]),
    (
        "app",
        &["graphql", "domain", "error", "auth", "db", "telemetry"],
    ),
    ("config", &["app", "auth", "domain"]),
    ("cli", &["app", "config", "db", "domain", "graphql"]),
];

/// External crates a layer must not use.
fn forbidden_crates(layer: &str) -> Vec<&'static str> {
    match layer {
        "error" | "db" | "auth" | "domain" => WEB.to_vec(),
        // The schema reads and writes through the domain, never the database directly.
        "graphql" => vec![
            "sea_orm",
            "axum",
            "async_graphql_axum",
            "tower",
            "tower_http",
        ],
        _ => Vec::new(),
    }
}

/// One source file: its module path (`["domain", "matching", "engine"]`) and text.
struct Source {
    file: String,
    module: Vec<String>,
    text: String,
}

fn module_of(relative: &Path) -> Vec<String> {
    let mut parts: Vec<String> = relative
        .with_extension("")
        .iter()
        .map(|p| p.to_string_lossy().into_owned())
        .collect();
    if matches!(parts.as_slice(), [only] if only == "lib" || only == "main") {
        parts.clear();
    }
    parts
}

fn sources(root: &Path) -> Vec<Source> {
    let mut out = Vec::new();
    let mut stack = vec![root.to_path_buf()];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).expect("read src") {
            let path: PathBuf = entry.expect("entry").path();
            if path.is_dir() {
                stack.push(path);
            } else if path.extension().is_some_and(|e| e == "rs") {
                let relative = path.strip_prefix(root).expect("under src");
                out.push(Source {
                    file: relative.display().to_string(),
                    module: module_of(relative),
                    text: std::fs::read_to_string(&path).expect("read source"),
                });
            }
        }
    }
    out.sort_by(|a, b| a.file.cmp(&b.file));
    out
}

/// The text without comments (doc comments name crates in prose) and string literals.
fn code_only(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for line in text.lines() {
        let mut in_string = false;
        let mut prev = ' ';
        let mut kept = String::new();
        let chars: Vec<char> = line.chars().collect();
        let mut i = 0;
        while i < chars.len() {
            let c = chars[i];
            if !in_string && c == '/' && chars.get(i + 1) == Some(&'/') {
                break;
            }
            if c == '"' && prev != '\\' {
                in_string = !in_string;
            } else if !in_string {
                kept.push(c);
            }
            prev = c;
            i += 1;
        }
        out.push_str(&kept);
        out.push('\n');
    }
    out
}

/// Every path a file imports or names, as segments (`crate`, `super`, `self` resolved against
/// the file's module; external crates left as they are).
fn imported_paths(module: &[String], code: &str) -> Vec<Vec<String>> {
    let mut paths = Vec::new();
    // `use` trees, expanded: `use a::{b, c::{d}};` → a::b, a::c::d.
    let mut rest = code;
    while let Some(at) = find_use(rest) {
        let after = &rest[at..];
        let end = after.find(';').unwrap_or(after.len());
        let tree: String = after[..end]
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ");
        let tree = tree
            .trim_start_matches("pub ")
            .trim_start_matches("use ")
            .to_owned();
        expand(&tree, &mut Vec::new(), &mut paths);
        rest = &after[end.min(after.len())..];
    }
    // Inline paths such as `crate::domain::Patch` or `async_graphql::Error`.
    let bytes: Vec<char> = code.chars().collect();
    let mut i = 0;
    while i < bytes.len() {
        let starts_word = i == 0
            || !(bytes[i - 1].is_alphanumeric() || bytes[i - 1] == '_' || bytes[i - 1] == ':');
        if starts_word && (bytes[i].is_alphabetic() || bytes[i] == '_') {
            let mut j = i;
            let mut segments = Vec::new();
            loop {
                let start = j;
                while j < bytes.len() && (bytes[j].is_alphanumeric() || bytes[j] == '_') {
                    j += 1;
                }
                segments.push(bytes[start..j].iter().collect::<String>());
                if j + 2 < bytes.len()
                    && bytes[j] == ':'
                    && bytes[j + 1] == ':'
                    && (bytes[j + 2].is_alphabetic() || bytes[j + 2] == '_')
                {
                    j += 2;
                } else {
                    break;
                }
            }
            if segments.len() > 1 {
                paths.push(segments);
            }
            i = j.max(i + 1);
        } else {
            i += 1;
        }
    }
    paths
        .into_iter()
        .filter_map(|p| resolve(module, p))
        .collect()
}

fn find_use(text: &str) -> Option<usize> {
    let mut from = 0;
    while let Some(pos) = text[from..].find("use ") {
        let at = from + pos;
        let before = text[..at].chars().last();
        if before.is_none_or(|c| c.is_whitespace() || c == ';' || c == '{' || c == '}') {
            return Some(at);
        }
        from = at + 4;
    }
    None
}

/// Expands one use tree into full paths.
fn expand(tree: &str, prefix: &mut Vec<String>, out: &mut Vec<Vec<String>>) {
    let tree = tree.trim();
    if let Some(open) = tree.find('{') {
        let head = tree[..open].trim_end_matches("::").trim();
        let inner = &tree[open + 1..tree.rfind('}').unwrap_or(tree.len())];
        let base = prefix.len();
        prefix.extend(
            head.split("::")
                .filter(|s| !s.is_empty())
                .map(str::to_owned),
        );
        for part in split_top(inner) {
            expand(&part, prefix, out);
        }
        prefix.truncate(base);
    } else {
        let path = tree.split(" as ").next().unwrap_or(tree).trim();
        if path.is_empty() {
            return;
        }
        let mut full = prefix.clone();
        full.extend(
            path.split("::")
                .map(|s| s.trim().to_owned())
                .filter(|s| s != "self" || prefix.is_empty()),
        );
        out.push(full);
    }
}

/// Splits `a, b::{c, d}, e` at top-level commas.
fn split_top(inner: &str) -> Vec<String> {
    let (mut parts, mut depth, mut current) = (Vec::new(), 0, String::new());
    for c in inner.chars() {
        match c {
            '{' => depth += 1,
            '}' => depth -= 1,
            ',' if depth == 0 => {
                parts.push(std::mem::take(&mut current));
                continue;
            }
            _ => {}
        }
        current.push(c);
    }
    parts.push(current);
    parts.into_iter().filter(|p| !p.trim().is_empty()).collect()
}

/// `crate::x`, `super::x`, `self::x` as absolute module paths inside the crate (prefixed
/// `crate`), external paths unchanged.
fn resolve(module: &[String], path: Vec<String>) -> Option<Vec<String>> {
    let mut base: Vec<String> = match path.first().map(String::as_str) {
        Some("crate") => return Some(path),
        Some("self") => module.to_vec(),
        Some("super") => module.to_vec(),
        _ => return Some(path),
    };
    let mut segments = path.into_iter().peekable();
    while let Some(s) = segments.peek() {
        match s.as_str() {
            "self" => {}
            "super" => {
                base.pop()?;
            }
            _ => break,
        }
        segments.next();
    }
    let mut full = vec!["crate".to_owned()];
    full.extend(base);
    full.extend(segments);
    Some(full)
}

/// What `sources` break: layering violations, forbidden crates, and module cycles.
fn violations(sources: &[Source]) -> Vec<String> {
    let may: BTreeMap<&str, &[&str]> = MAY_IMPORT.iter().copied().collect();
    let mut found = Vec::new();
    // Edges between modules two levels deep (`domain::needs`), for the cycle check.
    let mut edges: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for source in sources {
        let Some(layer) = source.module.first().map(String::as_str) else {
            continue;
        };
        // Inline test modules (`#[cfg(test)] mod tests { use super::*; … }`) are not part of
        // the layering.
        let text = source
            .text
            .split("#[cfg(test)]\nmod ")
            .next()
            .unwrap_or_default();
        let code = code_only(text);
        let forbidden = forbidden_crates(layer);
        let allowed = may.get(layer);
        for path in imported_paths(&source.module, &code) {
            let first = path[0].as_str();
            if forbidden.contains(&first) {
                found.push(format!(
                    "{}: the {layer} layer uses `{}`",
                    source.file,
                    path.join("::")
                ));
            }
            if first != "crate" || path.len() < 2 {
                continue;
            }
            let target = path[1].as_str();
            if target != layer {
                match allowed {
                    Some(list) if !list.contains(&target) => found.push(format!(
                        "{}: the {layer} layer imports `{}`",
                        source.file,
                        path.join("::")
                    )),
                    None => found.push(format!(
                        "{}: `{layer}` has no entry in MAY_IMPORT",
                        source.file
                    )),
                    _ => {}
                }
            }
            let (from, to) = (node(&source.module), node(&path[1..]));
            if from != to && sources.iter().any(|s| node(&s.module) == to) {
                edges.entry(from).or_default().insert(to);
            }
        }
    }
    found.extend(cycles(&edges));
    found.sort();
    found.dedup();
    found
}

/// A module as the cycle check sees it: the domain's rooms (`domain::needs`), else the
/// top-level module (`graphql`, `app`).
fn node(path: &[String]) -> String {
    let depth = if path.first().is_some_and(|p| p == "domain") {
        2
    } else {
        1
    };
    path.iter()
        .take(depth)
        .cloned()
        .collect::<Vec<_>>()
        .join("::")
}

/// Every cycle in the module graph, each named once.
fn cycles(edges: &BTreeMap<String, BTreeSet<String>>) -> Vec<String> {
    let mut found = BTreeSet::new();
    for start in edges.keys() {
        let mut stack = vec![(start.clone(), vec![start.clone()])];
        while let Some((node, path)) = stack.pop() {
            for next in edges.get(&node).into_iter().flatten() {
                if next == start {
                    let mut cycle = path.clone();
                    let min = cycle
                        .iter()
                        .enumerate()
                        .min_by_key(|(_, m)| (*m).clone())
                        .map_or(0, |(i, _)| i);
                    cycle.rotate_left(min);
                    found.insert(format!("cycle: {} → {}", cycle.join(" → "), cycle[0]));
                } else if !path.contains(next) && next > start {
                    let mut longer = path.clone();
                    longer.push(next.clone());
                    stack.push((next.clone(), longer));
                }
            }
        }
    }
    found.into_iter().collect()
}

#[test]
fn the_layers_hold_and_modules_form_no_cycle() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let found = violations(&sources(&root));
    assert!(
        found.is_empty(),
        "architecture violations:\n{}",
        found.join("\n")
    );
}

/// The check bites: a domain file that imports async-graphql, a GraphQL file that builds a
/// query, and two domain modules that import each other are all reported.
#[test]
fn the_check_reports_what_breaks_the_layers() {
    let file = |file: &str, text: &str| Source {
        file: file.to_owned(),
        module: module_of(Path::new(file)),
        text: text.to_owned(),
    };
    let found = violations(&[
        file(
            "domain/needs.rs",
            "use async_graphql::Object;\nuse super::deals::Deal;\n/// async_graphql in prose is fine\n",
        ),
        file(
            "domain/deals.rs",
            "pub fn f() { crate::domain::needs::g() }\n",
        ),
        file(
            "graphql/needs.rs",
            "use sea_orm::{EntityTrait as _, QueryFilter};\n",
        ),
        file(
            "domain/text.rs",
            "use crate::{graphql::Mode, error::AppError};\n",
        ),
    ]);
    assert_eq!(
        found,
        [
            "cycle: domain::deals → domain::needs → domain::deals",
            "domain/needs.rs: the domain layer uses `async_graphql::Object`",
            "domain/text.rs: the domain layer imports `crate::graphql::Mode`",
            "graphql/needs.rs: the graphql layer uses `sea_orm::EntityTrait`",
            "graphql/needs.rs: the graphql layer uses `sea_orm::QueryFilter`",
        ],
        "{found:#?}"
    );
}
