//! GitHub's anchor for a Markdown heading, shared by `build.rs` (the ids of the `/runbook`
//! page) and the tests that check links into docs/runbook.md, so that a link that works on
//! GitHub works on the served page.

/// Lower case, punctuation dropped (letters, digits, `-` and `_` kept), spaces turned into
/// dashes.
pub fn github_anchor(heading: &str) -> String {
    heading
        .trim()
        .to_lowercase()
        .chars()
        .filter_map(|c| match c {
            ' ' => Some('-'),
            c if c.is_alphanumeric() || c == '-' || c == '_' => Some(c),
            _ => None,
        })
        .collect()
}
