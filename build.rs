//! Records the git revision and the compiler version for `scaleway_exporter_build_info`, and
//! renders `docs/runbook.md` to the HTML that `/runbook` serves.
//!
//! Cargo reruns this script, and so recompiles the crate, when a file it was told to watch
//! changes, and on every build when such a file does not exist. So it watches only files
//! that exist: the runbook, and the files the revision is read from: the HEAD of this checkout,
//! the ref HEAD names (or, while that ref is only packed, the folder its file would be written
//! to), and `packed-refs` if there is one. A git worktree has its own git dir (`.git` is a file
//! there) and shares the refs of the main checkout: both come from `git rev-parse`. Outside git,
//! or when `SCALEWAY_EXPORTER_REVISION` is set (the container build), only the variable is
//! watched for the revision.
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::process::Command;

use pulldown_cmark::{CowStr, Event, Options, Parser, Tag, TagEnd};

#[path = "build/github_anchor.rs"]
mod github_anchor;
use github_anchor::github_anchor;

fn output(cmd: &str, args: &[&str]) -> Option<String> {
    let out = Command::new(cmd).args(args).output().ok()?;
    if !out.status.success() {
        return None;
    }
    let text = String::from_utf8(out.stdout).ok()?.trim().to_owned();
    (!text.is_empty()).then_some(text)
}

fn main() {
    println!("cargo:rerun-if-env-changed=SCALEWAY_EXPORTER_REVISION");
    let revision = match std::env::var("SCALEWAY_EXPORTER_REVISION") {
        Ok(revision) => revision,
        Err(_) => {
            let revision = output("git", &["rev-parse", "--short=12", "HEAD"]);
            if revision.is_some() {
                for path in files_the_revision_is_read_from() {
                    println!("cargo:rerun-if-changed={}", path.display());
                }
            }
            revision.unwrap_or_else(|| "unknown".to_owned())
        }
    };
    let rustc = std::env::var("RUSTC").unwrap_or_else(|_| "rustc".to_owned());
    let rustc_version = output(&rustc, &["--version"])
        .and_then(|v| v.split_whitespace().nth(1).map(str::to_owned))
        .unwrap_or_else(|| "unknown".to_owned());
    println!("cargo:rustc-env=SCALEWAY_EXPORTER_REVISION={revision}");
    println!("cargo:rustc-env=SCALEWAY_EXPORTER_RUSTC_VERSION={rustc_version}");
    write_runbook();
}

/// `docs/runbook.md` as HTML, in `$OUT_DIR/runbook.html`: the body of the `/runbook` page.
fn write_runbook() {
    let source = "docs/runbook.md";
    println!("cargo:rerun-if-changed={source}");
    let markdown = std::fs::read_to_string(source)
        .unwrap_or_else(|e| panic!("{source}: {e}: /runbook serves it"));
    let out = PathBuf::from(std::env::var_os("OUT_DIR").expect("cargo sets OUT_DIR"));
    std::fs::write(out.join("runbook.html"), runbook_html(&markdown)).expect("write runbook.html");
}

/// The runbook rendered as GitHub renders it (tables included), each heading with the id
/// GitHub gives it, so that `#scalewayservernotrunning` and the runbook's own links land
/// where they do on GitHub. A link to another file of the repository is kept as its text: the
/// exporter serves no other file.
fn runbook_html(markdown: &str) -> String {
    let events: Vec<Event> = Parser::new_ext(markdown, Options::ENABLE_TABLES).collect();
    let mut seen: HashMap<String, usize> = HashMap::new();
    let mut kept_links = Vec::new();
    let mut out = Vec::with_capacity(events.len());
    for (at, event) in events.iter().enumerate() {
        match event {
            Event::Start(Tag::Heading {
                level,
                classes,
                attrs,
                ..
            }) => {
                let anchor = github_anchor(&heading_text(&events[at + 1..]));
                let count = seen.entry(anchor.clone()).or_insert(0);
                let id = match *count {
                    0 => anchor,
                    n => format!("{anchor}-{n}"),
                };
                *count += 1;
                out.push(Event::Start(Tag::Heading {
                    level: *level,
                    id: Some(CowStr::from(id)),
                    classes: classes.clone(),
                    attrs: attrs.clone(),
                }));
            }
            Event::Start(Tag::Link { dest_url, .. }) => {
                let served = dest_url.starts_with('#') || dest_url.contains("://");
                kept_links.push(served);
                if served {
                    out.push(event.clone());
                }
            }
            Event::End(TagEnd::Link) => {
                if kept_links.pop().unwrap_or(true) {
                    out.push(event.clone());
                }
            }
            other => out.push(other.clone()),
        }
    }
    let mut html = String::with_capacity(markdown.len() * 2);
    pulldown_cmark::html::push_html(&mut html, out.into_iter());
    html
}

/// The text of the heading that starts just before `events`.
fn heading_text(events: &[Event]) -> String {
    let mut text = String::new();
    for event in events {
        match event {
            Event::End(TagEnd::Heading(_)) => break,
            Event::Text(t) | Event::Code(t) => text.push_str(t),
            _ => {}
        }
    }
    text
}

/// The files (and at most one folder) whose change can change `git rev-parse HEAD`, each
/// one that exists.
fn files_the_revision_is_read_from() -> Vec<PathBuf> {
    let Some(dirs) = output("git", &["rev-parse", "--git-dir", "--git-common-dir"]) else {
        return Vec::new();
    };
    // Relative to the current directory, the package root, as git prints them.
    let root = PathBuf::from(std::env::var_os("CARGO_MANIFEST_DIR").unwrap_or_default());
    let mut lines = dirs.lines().map(|line| root.join(line));
    let Some(git_dir) = lines.next() else {
        return Vec::new();
    };
    let common_dir = lines.next().unwrap_or_else(|| git_dir.clone());

    let head = git_dir.join("HEAD");
    let mut watched = vec![head.clone()];
    let reference = std::fs::read_to_string(&head)
        .ok()
        .and_then(|text| text.trim().strip_prefix("ref: ").map(str::to_owned));
    if let Some(reference) = reference {
        // Branches live in the common dir; the few per-worktree refs in the git dir.
        let file = [&git_dir, &common_dir]
            .into_iter()
            .map(|dir| dir.join(&reference))
            .find(|file| file.is_file());
        match file {
            Some(file) => watched.push(file),
            // Packed only: the next commit writes the file, in this folder.
            None => watched.extend(nearest_existing_folder(&common_dir.join(&reference))),
        }
    }
    let packed = common_dir.join("packed-refs");
    if packed.is_file() {
        watched.push(packed);
    }
    watched.dedup();
    watched
}

/// The folder `file` would be written in, or its nearest ancestor that exists.
fn nearest_existing_folder(file: &Path) -> Option<PathBuf> {
    file.ancestors()
        .skip(1)
        .find(|dir| dir.is_dir())
        .map(Path::to_path_buf)
}
