//! The runbook base URL is one setting (alerts/README.md, "The runbook base URL"): every
//! `runbook_url` of every copy of the rules is that base, `#`, and a section of docs/runbook.md,
//! and the two documents that name the base name the same one. `scripts/set-runbook-base.sh`
//! moves every copy at once, and leaves them agreeing.
//!
//! The copies: the rule file and the expected annotations of its unit tests (alerts/), the
//! PrometheusRule generated from it (deploy/kubernetes/), and whatever rule file the Compose
//! example holds (today none: it mounts alerts/scaleway.rules.yml itself). Read as text, one
//! `runbook_url:` a line, as the files are written.

#[path = "common/markdown.rs"]
mod markdown;

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

use markdown::markdown_anchors;

/// The documents that name the base, in backticks.
const DOCUMENTS: [&str; 2] = ["alerts/README.md", "docs/runbook.md"];

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn read(path: &Path) -> String {
    fs::read_to_string(path).unwrap_or_else(|e| panic!("read {}: {e}", path.display()))
}

/// The YAML files under `dir` (relative to `base`), in subfolders too, sorted.
fn yaml_files(base: &Path, dir: &str) -> Vec<PathBuf> {
    fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
        let Ok(entries) = fs::read_dir(dir) else {
            return;
        };
        for entry in entries.flatten() {
            let path = entry.path();
            if path.is_dir() {
                walk(&path, out);
            } else if path
                .extension()
                .is_some_and(|ext| ext == "yml" || ext == "yaml")
            {
                out.push(path);
            }
        }
    }
    let mut out = Vec::new();
    walk(&base.join(dir), &mut out);
    out.sort();
    out
}

/// Every file under `base` that may hold a copy of the rules or of their runbook URLs.
fn rule_copies(base: &Path) -> Vec<PathBuf> {
    let mut files = yaml_files(base, "alerts");
    files.push(base.join("deploy/kubernetes/prometheusrule.yaml"));
    files.extend(yaml_files(base, "examples/compose"));
    files
}

/// Every `runbook_url:` value of `text`, quotes removed; comment lines skipped.
fn runbook_urls_in(text: &str) -> Vec<String> {
    text.lines()
        .map(str::trim_start)
        .filter(|line| !line.starts_with('#'))
        .filter_map(|line| line.strip_prefix("runbook_url:"))
        .map(|value| {
            value
                .trim()
                .trim_matches(|c| c == '\'' || c == '"')
                .to_string()
        })
        .collect()
}

/// Each runbook URL under `base`, by the file (relative to `base`) that holds it.
fn runbook_urls(base: &Path) -> BTreeMap<String, Vec<String>> {
    rule_copies(base)
        .into_iter()
        .filter_map(|path| {
            let urls = runbook_urls_in(&read(&path));
            let file = path
                .strip_prefix(base)
                .unwrap_or(&path)
                .display()
                .to_string();
            (!urls.is_empty()).then_some((file, urls))
        })
        .collect()
}

/// The anchors of the runbook's headings.
fn runbook_sections(base: &Path) -> BTreeSet<String> {
    markdown_anchors(&read(&base.join("docs/runbook.md")))
}

/// The base of every runbook URL under `base`; panics naming each URL that is not
/// `<base>#<a section of docs/runbook.md>`.
fn bases(base: &Path) -> BTreeSet<String> {
    let sections = runbook_sections(base);
    let mut bases = BTreeSet::new();
    let mut problems = Vec::new();
    let urls = runbook_urls(base);
    assert!(
        urls.keys().any(|f| f.starts_with("deploy/")),
        "no runbook_url in the PrometheusRule"
    );
    for (file, urls) in &urls {
        for url in urls {
            match url.split_once('#') {
                Some((start, anchor)) if sections.contains(anchor) => {
                    bases.insert(start.to_string());
                }
                _ => problems.push(format!(
                    "{file}: {url} is not <base>#<a section of docs/runbook.md>"
                )),
            }
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
    bases
}

/// The one base every copy uses, and that both documents name; panics otherwise.
fn the_one_base(base: &Path) -> String {
    let bases = bases(base);
    let [one] = bases.iter().collect::<Vec<_>>()[..] else {
        panic!(
            "the copies of the rules use {} runbook bases: {bases:?}",
            bases.len()
        );
    };
    for document in DOCUMENTS {
        let text = read(&base.join(document));
        assert!(
            text.contains(&format!("`{one}`")),
            "{document} does not name the runbook base `{one}`"
        );
    }
    one.clone()
}

#[test]
fn every_copy_of_the_rules_links_to_the_one_base_the_documents_name() {
    let base = the_one_base(root());
    assert!(base.starts_with("https://"), "{base} is not an https URL");
    // The Compose example holds no copy that could drift: it mounts the rule file itself.
    let compose = read(&root().join("examples/compose/compose.yaml"));
    assert!(compose.contains("../../alerts/scaleway.rules.yml:"));
}

#[test]
fn every_alert_of_every_copy_links_to_its_own_section() {
    for (file, urls) in runbook_urls(root()) {
        if file.starts_with("alerts/tests/") {
            continue; // expected annotations, checked by promtool against the rules
        }
        let text = read(&root().join(&file));
        let alerts: Vec<String> = text
            .lines()
            .filter_map(|l| l.trim_start().strip_prefix("- alert:"))
            .map(|name| name.trim().to_lowercase())
            .collect();
        let anchors: Vec<String> = urls
            .iter()
            .map(|u| u.split_once('#').map_or("", |(_, a)| a).to_string())
            .collect();
        assert_eq!(anchors, alerts, "{file}: the anchors, alert by alert");
    }
}

/// A copy of the files the script rewrites, in a temporary checkout.
fn scratch_checkout() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let files = rule_copies(root())
        .into_iter()
        .chain(DOCUMENTS.iter().map(|d| root().join(d)))
        .chain(["scripts/set-runbook-base.sh", "scripts/lib.sh"].map(|s| root().join(s)));
    for from in files {
        let to = dir.path().join(from.strip_prefix(root()).unwrap());
        fs::create_dir_all(to.parent().unwrap()).unwrap();
        fs::copy(&from, &to).unwrap();
    }
    dir
}

fn set_runbook_base(checkout: &Path, url: &str) -> std::process::Output {
    Command::new("bash")
        .arg(checkout.join("scripts/set-runbook-base.sh"))
        .arg(url)
        .env("ROOT", checkout)
        .output()
        .expect("bash runs")
}

#[test]
fn the_script_moves_every_copy_and_both_documents_to_a_new_base() {
    let checkout = scratch_checkout();
    let old = the_one_base(checkout.path());
    let new = "https://git.example.com/ops/scaleway_exporter/-/blob/main/docs/runbook.md";
    let output = set_runbook_base(checkout.path(), new);
    assert!(output.status.success(), "{output:?}");

    assert_eq!(the_one_base(checkout.path()), new);
    for path in rule_copies(checkout.path()) {
        assert!(
            !read(&path).contains(&old),
            "{} still names {old}",
            path.display()
        );
    }
    // Only the base moved: the same alerts, in the same files, link to the same sections.
    let anchors = |base: &Path| -> BTreeMap<String, Vec<String>> {
        runbook_urls(base)
            .into_iter()
            .map(|(file, urls)| {
                let anchors = urls
                    .iter()
                    .map(|u| u.replacen(&old, "", 1).replacen(new, "", 1));
                (file, anchors.collect())
            })
            .collect()
    };
    assert_eq!(anchors(checkout.path()), anchors(root()));
}

#[test]
fn the_script_refuses_a_base_that_would_break_the_links_and_changes_nothing() {
    let checkout = scratch_checkout();
    let before = runbook_urls(checkout.path());
    for bad in [
        "https://wiki.example.com/runbook#top",
        "wiki.example.com/runbook",
        "https://wiki.example.com/run book",
    ] {
        let output = set_runbook_base(checkout.path(), bad);
        assert_eq!(output.status.code(), Some(1), "{bad}: {output:?}");
        assert!(!output.stderr.is_empty(), "{bad}: no message");
    }
    assert_eq!(runbook_urls(checkout.path()), before);
}
