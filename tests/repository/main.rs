//! What the repository holds beside the code, checked as the tools that read it would: the
//! generated docs, the source tree's layout, the dashboards and alert rules, the mixin they
//! come from, the runbook links, the Dockerfile, the compose example, the Kubernetes
//! manifests and the Helm chart. Apart from the behaviour tests (`tests/behaviour/`): these
//! change with the files, not with what the exporter does.
//!
//! `cargo test --test repository helm::` runs one subject; `UPDATE_GENERATED=1 cargo test
//! --test repository docs::` rewrites the generated docs. The tests that need a tool (helm,
//! kubectl, jsonnet, promtool, a release build) are ignored unless asked for with
//! `--include-ignored`, as `.ci/run` does.

#[path = "../common/mod.rs"]
mod common;

mod compose;
mod dashboards_lint;
mod dockerfile;
mod docs;
mod helm;
mod kubernetes;
mod layout;
mod mixin;
mod runbook_urls;
