//! What the exporter does, as its users meet it: the real binary and the library over real
//! TCP on loopback, against the simulator, a wiremock server or a fake API that misbehaves
//! on purpose. One test binary, one module per subject (each says what it covers), one set of
//! helpers (`tests/common/`): a change links this binary once, not one per subject.
//!
//! `cargo test --test behaviour faults::` runs one subject. The tests that need Prometheus,
//! promtool or Alertmanager (Debian packages) are ignored unless asked for with
//! `--include-ignored`, as `.ci/run` does.

#[path = "../common/mod.rs"]
mod common;

mod abuse;
mod cli;
mod corpus;
mod e2e;
mod exporter;
mod failures;
mod faults;
mod health;
mod http;
mod inventory;
mod landing;
mod leftovers;
mod maintenance;
mod parsing;
mod prices;
mod products;
mod properties;
mod reference;
mod retries;
mod secrets;
mod supervision;
mod web_config;
