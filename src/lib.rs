//! # scaleway_exporter
//!
//! A Prometheus exporter and inventory monitor for Scaleway (formerly Online Labs) servers.
//!
//! # Layout
//!
//! Data flows one way: config -> API client -> poller -> snapshot -> encoded bodies -> web.
//! Nothing flows back, and nothing here imports the fake API (the `scaleway_simulator`
//! crate), which only `cmd::demo` and `cmd::simulate` use, behind the `demo` feature.
//! docs/design.md tells the why of each part.
//!
//! - [`config`]: the command line and its environment twins (`config/cli.rs`), validated
//!   once into an [`ExporterConfig`], which only its builder makes (`config/builder.rs`,
//!   `config/checks.rs`); the key, the API URL and
//!   the organization from the environment, else from a profile of the `scw` CLI's config
//!   file (`config/credentials.rs`, `config/scw_file.rs`); the listen address
//!   (`config/listen.rs`).
//! - `secret.rs`: the API key as a [`SecretKey`] that never prints, and the [`TokenSource`]
//!   that re-reads a key file when it changes.
//! - [`api`]: the HTTP client of the Scaleway API (auth, paging, retries, rate limit, typed
//!   errors); [`api::Product`], the four server products (Instances, Elastic Metal, Apple
//!   silicon, Dedibox: their paths, zones and up states); and, in [`api::model`], the serde
//!   model of what each product's API sends.
//! - [`inventory`]: the API model turned into an immutable [`Snapshot`] (pure): Instance
//!   servers (`inventory/instance.rs`), the other products' (`inventory/product.rs`), how a
//!   poll makes the next snapshot (`inventory/snapshot.rs`).
//! - [`poller`]: [`Poller::poll_once`] polls every (product, zone) pair once and publishes
//!   the next snapshot with its encodings; `run` only schedules it. After the zones, `poller/reference.rs`
//!   reads the server-type catalogs and project names when they are an hour old.
//! - [`metrics`]: the metric descriptors (the one table of names and labels), and the
//!   encoders (Instances in `metrics/encoder.rs`, the other products in
//!   `metrics/products.rs`): snapshot -> exposition text and gzip, once per poll (pure).
//! - [`web`]: the router (`/metrics`, `/`, `/inventory.json`, `/healthz`, `/readyz`), the
//!   accept loop, TLS, `--web.config.file`, basic auth, the telemetry path
//!   (`web/telemetry_path.rs`), and the HTML and JSON pages (encoded once per poll by a
//!   function the exporter hands to the poller; filtered views bounded).
//! - [`exporter`]: assembly of the above, and serving with a bounded graceful shutdown; a
//!   poller that ends before shutdown ends `serve` with an error.
//! - [`cmd`]: the `demo`, `simulate` and `health` subcommands, `--help`, and `cmd::start`,
//!   `argv` to the one of them to run (or to the one line that says why not).
//! - [`logging`], [`build_info`], `shutdown.rs`: log setup, what this binary is, and the
//!   [`Shutdown`] signal that stops every task.
//!
//! Modules are public where the tests and the binary need their parts; `secret` and
//! `shutdown` are private, their one type each re-exported here.

pub mod api;
pub mod build_info;
pub mod cmd;
pub mod config;
pub mod exporter;
pub mod inventory;
pub mod logging;
pub mod metrics;
pub mod poller;
mod secret;
mod shutdown;
pub mod web;

pub use config::{ExporterConfig, ListenAddress};
pub use exporter::Exporter;
pub use inventory::Snapshot;
pub use poller::Poller;
pub use secret::{SecretKey, TokenSource};
pub use shutdown::Shutdown;
