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
//! - [`product`]: what the exporter knows of each Scaleway server product (Instances,
//!   Elastic Metal, Apple silicon, Dedibox), in one place: label, zones, typed states and
//!   the up state, IAM permission set, list path and paging, metric prefix and wording.
//!   Every other module derives what it says of a product from here.
//! - [`config`]: the command line and its environment twins (`config/cli.rs`), validated
//!   once into an [`ExporterConfig`], which only its builder makes (`config/builder.rs`,
//!   `config/checks.rs`); the key, the API URL and
//!   the organization from the environment, else from a profile of the `scw` CLI's config
//!   file (`config/credentials.rs`, `config/scw_file.rs`); the listen address
//!   (`config/listen.rs`), the telemetry path (`config/telemetry_path.rs`) and the web
//!   config file, read and checked as plain data (`config/web_file.rs`).
//! - `secret.rs`: the API key as a [`SecretKey`] that never prints, and the [`TokenSource`]
//!   that re-reads a key file when it changes.
//! - [`api`]: the HTTP client of the Scaleway API (auth, paging, retries, rate limit, typed
//!   errors), which reports each request to an observer and knows nothing of Prometheus;
//!   and, in [`api::model`], the serde model of what each product's API sends.
//! - [`inventory`]: the API model turned into an immutable [`Snapshot`] (pure): one
//!   [`inventory::Server`] type for every product, whose product-only fields sit in a
//!   per-product [`inventory::Detail`] (one module per product); one map of zones keyed by
//!   (product, zone); how a poll makes the next snapshot (`inventory/snapshot.rs`).
//! - [`metrics`]: the metric descriptors, each product's families in a module of its own
//!   (`metrics/servers/`), and the encoder: snapshot -> exposition text and gzip, once per
//!   poll (pure).
//! - [`published`]: what is published per poll (the snapshot and its encodings), the one
//!   thing the poller and the web side share.
//! - [`poller`]: [`Poller::poll_once`] polls every (product, zone) pair once
//!   (`poller/target.rs`) and publishes the next snapshot with its encodings; `run` only
//!   schedules it. Beside each zone's servers it reads the volumes, IPs and snapshots the
//!   zone holds. After the zones, `poller/reference/` reads the server-type catalogs, the
//!   project names, the price lists and the bill when they are an hour old.
//! - [`web`]: the router (`/metrics`, `/`, `/inventory.json`, `/healthz`, `/readyz`), the
//!   accept loop, and what serves the web config file (rustls, basic auth, headers); the
//!   HTML and JSON pages (encoded once per poll by a function the exporter hands to the
//!   poller; filtered views bounded).
//! - [`exporter`]: assembly of the above, and serving with a bounded graceful shutdown; a
//!   poller that ends before shutdown ends `serve` with an error.
//! - [`cmd`]: the `demo`, `simulate` and `health` subcommands, `--help`, and `cmd::start`,
//!   `argv` to the one of them to run (or to the one line that says why not).
//! - [`logging`], [`build_info`], `shutdown.rs`, `compress.rs`, [`allocator`]: log setup,
//!   what this binary is, the [`Shutdown`] signal that stops every task, gzip as every body
//!   uses it, and what the exporter asks of glibc's malloc.
//!
//! Modules are public where the tests and the binary need their parts; `secret` and
//! `shutdown` are private, their one type each re-exported here.

#![warn(clippy::too_many_lines)]

pub mod allocator;
pub mod api;
pub mod build_info;
pub mod cmd;
mod compress;
pub mod config;
pub mod exporter;
pub mod inventory;
pub mod logging;
pub mod metrics;
pub mod poller;
pub mod product;
pub mod published;
mod secret;
mod shutdown;
pub mod web;

pub use config::{ExporterConfig, ListenAddress};
pub use exporter::Exporter;
pub use inventory::Snapshot;
pub use poller::Poller;
pub use secret::{KeyChange, SecretKey, TokenSource};
pub use shutdown::Shutdown;
