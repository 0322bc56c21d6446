//! # scaleway_exporter
//!
//! A Prometheus exporter and inventory monitor for Scaleway (formerly Online Labs) servers.
//!
//! # Layout
//!
//! Data flows one way: config -> API client -> poller -> snapshot -> encoded body -> HTTP.
//!
//! - [`config`]: the command line and its environment twins, validated into an
//!   [`config::ExporterConfig`]; the token as a [`config::SecretKey`] that never prints.
//! - [`api`]: the HTTP client of the Scaleway API (auth, paging, retries, typed errors) and,
//!   in [`api::model`], the serde model of what the API sends, tolerant of every quirk of
//!   the real data.
//! - [`inventory`]: the API model turned into an immutable [`inventory::Snapshot`] (pure).
//! - [`poller`]: [`poller::Poller::poll_once`] polls every zone once and publishes the next
//!   snapshot with its encoding; `run` only schedules it.
//! - [`metrics`]: snapshot -> exposition text and gzip, once per poll (pure); the metric
//!   descriptors DESIGN.md fixes.
//! - [`http`]: the router: `/metrics`, `/`, `/inventory.json`, `/healthz`, `/readyz`.
//! - [`inventory_page`]: the fleet as an HTML table on `/` and as `/inventory.json`, filtered
//!   by zone and state (pure).
//! - [`exporter`]: assembly of the above, and serving with a bounded graceful shutdown.
//! - [`server`]: the accept loop: plain TCP or TLS, header-read timeout, bounded request
//!   heads and connections.
//! - [`web_config`] and [`tls`]: `--web.config.file` (exporter-toolkit format): basic auth,
//!   response headers, and the rustls configuration.
//! - [`simulator`]: a fake Scaleway API behind `demo`, `simulate` and the tests.
//! - [`demo`]: the `demo` and `simulate` subcommands.
//! - [`help`]: `--help` with the flags grouped by prefix, each with its environment twin.
//! - [`health`]: the `health` subcommand, the container HEALTHCHECK's probe of `/healthz`.
//! - [`logging`], [`build_info`]: log setup, and what this binary is.

pub mod api;
pub mod build_info;
pub mod config;
pub mod demo;
pub mod exporter;
pub mod health;
pub mod help;
pub mod http;
pub mod inventory;
pub mod inventory_page;
pub mod logging;
pub mod metrics;
pub mod poller;
pub mod server;
pub mod simulator;
pub mod tls;
pub mod web_config;
