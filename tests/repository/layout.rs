//! The shape of the source tree, held as docs/design.md describes it: data flows one way, so
//! no two modules import each other; no file of `src/` is longer than a sitting's read; and
//! the fake API is reached only from the subcommands that run it.
//!
//! Imports are read as text: every `crate::…` and `super::…` path of a file, with the
//! brace groups of `use` declarations expanded one level.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// Longest file allowed under `src/`, unit tests included.
const MAX_LINES: usize = 500;

fn src() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("src")
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// `src/web/pages/fleet.rs` -> `["web", "pages", "fleet"]`; `mod.rs` names its folder;
/// `lib.rs` and `main.rs` are the crate root.
fn module_of(file: &Path) -> Vec<String> {
    let relative = file.strip_prefix(src()).unwrap();
    let mut parts: Vec<String> = relative
        .iter()
        .map(|p| p.to_string_lossy().trim_end_matches(".rs").to_owned())
        .collect();
    if matches!(
        parts.last().map(String::as_str),
        Some("mod" | "lib" | "main")
    ) {
        parts.pop();
    }
    parts
}

fn is_ident_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '_'
}

/// The module paths a file names, absolute from the crate root.
fn references(file: &Path, text: &str) -> BTreeSet<Vec<String>> {
    let own = module_of(file);
    let mut out = BTreeSet::new();
    let code: String = text
        .lines()
        .filter(|line| !line.trim_start().starts_with("//"))
        .collect::<Vec<_>>()
        .join("\n");
    let bytes: Vec<char> = code.chars().collect();
    let mut i = 0;
    while i < bytes.len() {
        let at_word_start = i == 0 || !is_ident_char(bytes[i - 1]) && bytes[i - 1] != ':';
        let rest: String = bytes[i..bytes.len().min(i + 7)].iter().collect();
        let root = if at_word_start && rest.starts_with("crate::") {
            Some((Vec::new(), 7))
        } else if at_word_start && rest.starts_with("super::") {
            // One level up from the file's module (a `mod.rs` already stands for its folder).
            let mut base = own.clone();
            base.pop();
            Some((base, 7))
        } else {
            None
        };
        let Some((mut path, skip)) = root else {
            i += 1;
            continue;
        };
        i += skip;
        // Further `super::` hops.
        while bytes[i..].starts_with(&['s', 'u', 'p', 'e', 'r', ':', ':']) {
            path.pop();
            i += 7;
        }
        let mut groups: Vec<Vec<String>> = Vec::new();
        loop {
            if i < bytes.len() && bytes[i] == '{' {
                // `use super::{a, b::c}`: each first segment of the group.
                let close = bytes[i..].iter().position(|&c| c == '}').map(|p| p + i);
                let inner: String = bytes[i + 1..close.unwrap_or(bytes.len())].iter().collect();
                for item in inner.split(',') {
                    let first: String = item
                        .trim()
                        .chars()
                        .take_while(|&c| is_ident_char(c))
                        .collect();
                    if !first.is_empty() && first != "self" {
                        let mut p = path.clone();
                        p.push(first);
                        groups.push(p);
                    }
                }
                i = close.unwrap_or(bytes.len());
                break;
            }
            let segment: String = bytes[i..]
                .iter()
                .take_while(|&&c| is_ident_char(c))
                .collect();
            if segment.is_empty() {
                break;
            }
            i += segment.len();
            path.push(segment);
            if bytes[i..].starts_with(&[':', ':']) {
                i += 2;
            } else {
                break;
            }
        }
        if groups.is_empty() {
            out.insert(path);
        } else {
            out.extend(groups);
        }
    }
    out
}

/// The module a referenced path lands in: the longest known module that prefixes it.
fn resolve(path: &[String], modules: &BTreeSet<Vec<String>>) -> Option<Vec<String>> {
    (1..=path.len())
        .rev()
        .map(|n| path[..n].to_vec())
        .find(|candidate| modules.contains(candidate))
}

/// Edges between sibling modules (children of the same parent), and between top-level
/// modules through any of their descendants: `web::pages::landing -> poller` is an edge
/// `web -> poller`. A child naming its parent (`super::Endpoint`) is not an edge: the
/// parent holds what its children share.
fn sibling_edges() -> BTreeMap<Vec<String>, BTreeSet<Vec<String>>> {
    let mut files = Vec::new();
    rust_files(&src(), &mut files);
    let modules: BTreeSet<Vec<String>> = files.iter().map(|f| module_of(f)).collect();
    let mut edges: BTreeMap<Vec<String>, BTreeSet<Vec<String>>> = BTreeMap::new();
    for file in &files {
        let from = module_of(file);
        if from.is_empty() {
            continue; // lib.rs and main.rs wire everything
        }
        let text = std::fs::read_to_string(file).unwrap();
        for reference in references(file, &text) {
            let Some(to) = resolve(&reference, &modules) else {
                continue;
            };
            // The first level where the two paths part: those two are siblings.
            let common = from.iter().zip(&to).take_while(|(a, b)| a == b).count();
            if common == from.len() || common == to.len() {
                continue; // into its own descendant, or up to an ancestor
            }
            edges
                .entry(from[..=common].to_vec())
                .or_default()
                .insert(to[..=common].to_vec());
        }
    }
    edges
}

fn find_cycle(edges: &BTreeMap<Vec<String>, BTreeSet<Vec<String>>>) -> Option<Vec<String>> {
    fn visit(
        node: &Vec<String>,
        edges: &BTreeMap<Vec<String>, BTreeSet<Vec<String>>>,
        stack: &mut Vec<Vec<String>>,
        done: &mut BTreeSet<Vec<String>>,
    ) -> Option<Vec<String>> {
        if let Some(start) = stack.iter().position(|n| n == node) {
            let mut cycle: Vec<String> = stack[start..].iter().map(|n| n.join("::")).collect();
            cycle.push(node.join("::"));
            return Some(cycle);
        }
        if done.contains(node) {
            return None;
        }
        stack.push(node.clone());
        for next in edges.get(node).into_iter().flatten() {
            if let Some(cycle) = visit(next, edges, stack, done) {
                return Some(cycle);
            }
        }
        stack.pop();
        done.insert(node.clone());
        None
    }
    let mut done = BTreeSet::new();
    edges
        .keys()
        .find_map(|node| visit(node, edges, &mut Vec::new(), &mut done))
}

#[test]
fn no_two_modules_import_each_other_directly_or_through_others() {
    let edges = sibling_edges();
    assert!(
        !edges.is_empty(),
        "the import reader found no imports at all"
    );
    if let Some(cycle) = find_cycle(&edges) {
        panic!("import cycle: {}", cycle.join(" -> "));
    }
}

#[test]
fn a_cycle_through_three_modules_is_found() {
    let node = |name: &str| vec![name.to_owned()];
    let mut edges = BTreeMap::new();
    edges.insert(node("a"), BTreeSet::from([node("b")]));
    edges.insert(node("b"), BTreeSet::from([node("c")]));
    edges.insert(node("c"), BTreeSet::from([node("a")]));
    assert_eq!(
        find_cycle(&edges),
        Some(vec!["a".into(), "b".into(), "c".into(), "a".into()])
    );
    edges.insert(node("c"), BTreeSet::new());
    assert_eq!(find_cycle(&edges), None);
}

#[test]
fn data_flows_from_the_api_to_the_web_and_never_back() {
    let edges = sibling_edges();
    let imports = |from: &str, to: &str| {
        edges
            .get(&vec![from.to_owned()])
            .is_some_and(|targets| targets.contains(&vec![to.to_owned()]))
    };
    for (from, to) in [
        ("api", "inventory"),
        ("api", "poller"),
        ("api", "metrics"),
        ("api", "web"),
        ("api", "config"),
        ("inventory", "poller"),
        ("inventory", "metrics"),
        ("inventory", "web"),
        ("metrics", "poller"),
        ("metrics", "web"),
        ("poller", "web"),
        ("published", "poller"),
        ("published", "web"),
        // The web side reads what is published, never the poller that publishes it.
        ("web", "poller"),
        ("web", "cmd"),
        // config holds what the user gave, parsed; what serves it is built by web.
        ("config", "web"),
        ("secret", "config"),
        // What the pages and the metrics say of a product comes from src/product/, not
        // from the API client that reads it.
        ("web", "api"),
        ("metrics", "api"),
    ] {
        assert!(!imports(from, to), "{from} must not import {to}");
    }
    for other in [
        "api",
        "config",
        "inventory",
        "metrics",
        "poller",
        "web",
        "published",
    ] {
        assert!(
            !imports("product", other),
            "product must not import {other}"
        );
    }
    assert!(imports("poller", "api"), "the reader sees poller -> api");
    assert!(imports("web", "config"), "the reader sees web -> config");
}

/// The inventory turns the API's model into a snapshot and keeps the API's errors typed until
/// they are shown; everything else it knows of a product comes from `src/product/`.
#[test]
fn the_inventory_reads_only_the_model_and_the_errors_of_the_api() {
    let mut files = Vec::new();
    rust_files(&src().join("inventory"), &mut files);
    let allowed = ["model", "ApiError", "Endpoint"];
    for file in files {
        let text = std::fs::read_to_string(&file).unwrap();
        for reference in references(&file, &text) {
            if reference.first().map(String::as_str) != Some("api") {
                continue;
            }
            let item = reference.get(1).map_or("", String::as_str);
            assert!(
                allowed.contains(&item),
                "{} imports api::{item}",
                file.display()
            );
        }
    }
}

/// The API client reports each request to an observer: it knows nothing of Prometheus, nor
/// of the command line.
#[test]
fn the_api_client_knows_neither_prometheus_nor_clap() {
    let mut files = Vec::new();
    rust_files(&src().join("api"), &mut files);
    for file in files {
        let text = std::fs::read_to_string(&file).unwrap();
        for line in text.lines().filter(|l| !l.trim_start().starts_with("//")) {
            for crate_name in ["prometheus::", "clap::"] {
                assert!(
                    !line.contains(crate_name),
                    "{} uses {crate_name}: {line}",
                    file.display()
                );
            }
        }
    }
}

#[test]
fn the_reader_sees_imports_of_every_form() {
    let file = src().join("web").join("pages").join("landing.rs");
    let found = references(
        &file,
        "use super::{fleet, other::Thing};\nuse crate::poller::Published;\nlet x = crate::build_info::VERSION;\n// crate::commented::Out\nuse super::super::server;",
    );
    let paths: Vec<String> = found.iter().map(|p| p.join("::")).collect();
    for expected in [
        "web::pages::fleet",
        "web::pages::other",
        "poller::Published",
        "build_info::VERSION",
        "web::server",
    ] {
        assert!(
            paths.contains(&expected.to_owned()),
            "{expected} in {paths:?}"
        );
    }
    assert!(!paths.iter().any(|p| p.contains("commented")), "{paths:?}");
}

#[test]
fn no_file_of_src_is_longer_than_a_sittings_read() {
    let mut files = Vec::new();
    rust_files(&src(), &mut files);
    let mut long: Vec<String> = files
        .iter()
        .filter_map(|file| {
            let lines = std::fs::read_to_string(file).unwrap().lines().count();
            (lines > MAX_LINES).then(|| format!("{} ({lines} lines)", file.display()))
        })
        .collect();
    long.sort();
    assert!(long.is_empty(), "over {MAX_LINES} lines: {long:?}");
}

#[test]
fn only_the_demo_and_simulate_subcommands_reach_the_fake_api() {
    let mut files = Vec::new();
    rust_files(&src(), &mut files);
    let allowed = ["demo.rs", "simulate.rs", "churn.rs"].map(|f| src().join("cmd").join(f));
    for file in files {
        let text = std::fs::read_to_string(&file).unwrap();
        let code = text
            .lines()
            .filter(|line| !line.trim_start().starts_with("//"));
        if code
            .into_iter()
            .any(|line| line.contains("scaleway_simulator"))
        {
            assert!(
                allowed.contains(&file),
                "{} uses the simulator crate",
                file.display()
            );
        }
    }
}
