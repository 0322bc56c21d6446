//! Headings of Markdown documents as GitHub anchors them, for the tests that check links
//! into docs/runbook.md.

use std::collections::{BTreeMap, BTreeSet};

#[path = "../../build/github_anchor.rs"]
mod github_anchor;
pub use github_anchor::github_anchor;

/// The anchors of a Markdown document's headings, outside code fences; a repeated heading gets
/// `-1`, `-2`... as on GitHub.
pub fn markdown_anchors(markdown: &str) -> BTreeSet<String> {
    let mut anchors = BTreeSet::new();
    let mut seen: BTreeMap<String, usize> = BTreeMap::new();
    let mut in_fence = false;
    for line in markdown.lines() {
        let trimmed = line.trim_start();
        if trimmed.starts_with("```") || trimmed.starts_with("~~~") {
            in_fence = !in_fence;
            continue;
        }
        if in_fence {
            continue;
        }
        let hashes = trimmed.chars().take_while(|&c| c == '#').count();
        if (1..=6).contains(&hashes) && trimmed[hashes..].starts_with(' ') {
            let anchor = github_anchor(trimmed[hashes..].trim_end_matches('#'));
            let count = seen.entry(anchor.clone()).or_insert(0);
            anchors.insert(match *count {
                0 => anchor,
                n => format!("{anchor}-{n}"),
            });
            *count += 1;
        }
    }
    anchors
}
