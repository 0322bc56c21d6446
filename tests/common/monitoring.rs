//! The monitoring assets shipped beside the code, as files: the Grafana dashboards in
//! `dashboards/`, the Prometheus rule files in `alerts/` and their unit tests in `alerts/tests/`.
//! Shared by the lint of those assets and by the end-to-end test that runs them.

use std::fs;
use std::path::{Path, PathBuf};

use serde_json::Value;

pub use super::files::{read, root};

/// The path relative to the crate root, for messages and for `all_exprs`.
pub fn relative(path: &Path) -> String {
    path.strip_prefix(root())
        .unwrap_or(path)
        .display()
        .to_string()
}

/// Files directly in `dir` (relative to the crate root) whose extension is one of `extensions`,
/// sorted so messages come in a stable order.
pub fn files_in(dir: &str, extensions: &[&str]) -> Vec<PathBuf> {
    let dir = root().join(dir);
    let entries = fs::read_dir(&dir).unwrap_or_else(|e| panic!("read {}: {e}", dir.display()));
    let mut files: Vec<PathBuf> = entries
        .map(|entry| entry.expect("directory entry").path())
        .filter(|path| {
            path.is_file()
                && path
                    .extension()
                    .and_then(|ext| ext.to_str())
                    .is_some_and(|ext| extensions.contains(&ext))
        })
        .collect();
    files.sort();
    files
}

pub struct Dashboard {
    /// The path relative to the crate root, for messages.
    pub file: String,
    pub json: Value,
}

pub fn dashboards() -> Vec<Dashboard> {
    let files = files_in("dashboards", &["json"]);
    assert!(!files.is_empty(), "no dashboards/*.json");
    files
        .iter()
        .map(|path| Dashboard {
            file: relative(path),
            json: serde_json::from_str(&read(path))
                .unwrap_or_else(|e| panic!("{} is not valid JSON: {e}", relative(path))),
        })
        .collect()
}

/// Every panel of a dashboard, rows and the panels nested in collapsed rows included.
pub fn all_panels(dashboard: &Value) -> Vec<&Value> {
    fn walk<'a>(panels: &'a Value, out: &mut Vec<&'a Value>) {
        for panel in panels.as_array().into_iter().flatten() {
            out.push(panel);
            if let Some(nested) = panel.get("panels") {
                walk(nested, out);
            }
        }
    }
    let mut out = Vec::new();
    walk(&dashboard["panels"], &mut out);
    out
}

pub fn targets(panel: &Value) -> impl Iterator<Item = &Value> {
    panel["targets"].as_array().into_iter().flatten()
}

/// A panel's name in messages: its title, or its id when it has none.
pub fn panel_name(panel: &Value) -> String {
    match panel["title"].as_str() {
        Some(title) if !title.trim().is_empty() => format!("panel {title:?}"),
        _ => format!("panel id {}", panel["id"]),
    }
}

pub fn variables(dashboard: &Value) -> impl Iterator<Item = &Value> {
    dashboard["templating"]["list"]
        .as_array()
        .into_iter()
        .flatten()
}

/// A query variable's query: a string in old dashboards, `{"query": ...}` since Grafana 10.
pub fn variable_query(variable: &Value) -> Option<&str> {
    variable["query"]
        .as_str()
        .or_else(|| variable["query"]["query"].as_str())
}

/// The rule files: the YAML files directly in `alerts/` (the tests are in `alerts/tests/`).
pub fn rule_files() -> Vec<PathBuf> {
    let files = files_in("alerts", &["yml", "yaml"]);
    assert!(!files.is_empty(), "no alerts/*.yml");
    files
}

pub fn test_files() -> Vec<PathBuf> {
    let files = files_in("alerts/tests", &["yml", "yaml"]);
    assert!(!files.is_empty(), "no alerts/tests/*.yml");
    files
}
