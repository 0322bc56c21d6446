//! The command line as clap sees it: every flag with its environment twin.
//!
//! Each subcommand takes only the flags it uses: the groups below (`ApiArgs`, `PollArgs`, ...)
//! are flattened into each command that uses them, never global. What clap cannot check
//! (zones, URL, paths, the key) is checked by [`super::ExporterConfigBuilder::build`], which
//! gives the [`super::ExporterConfig`] the program runs with.

use std::path::PathBuf;
use std::time::Duration;

use clap::builder::{PossibleValue, PossibleValuesParser, TypedValueParser};
use clap::parser::ValueSource;
use clap::{ArgMatches, Args, FromArgMatches as _, Parser, Subcommand, ValueEnum};

use crate::api::ApiFlavor;
use crate::product::Product;

use super::simulate_cli::parse_server_count;
pub use super::simulate_cli::{DemoProductArgs, SimulateProductArgs, MAX_SIMULATED_SERVERS};

const ENV_HELP: &str = "\
The API secret key is read from the file named by --scaleway.secret-key-file, or from
SCW_SECRET_KEY, or else from a profile of the scw CLI's config file (SCW_CONFIG_PATH, or
~/.config/scw/config.yaml): --scaleway.profile, or the file's active one. It is never
accepted as a flag value, so it never shows in a process list.

These flags are the exporter's. Each subcommand takes only the flags it uses:
`scaleway_exporter <COMMAND> --help` lists them.";

/// `--web.listen-address` when none is given.
pub const DEFAULT_LISTEN_ADDRESS: &str = ":10059";
/// `--web.telemetry-path` when none is given.
pub const DEFAULT_TELEMETRY_PATH: &str = "/metrics";
/// The longest duration any flag takes. Past it a duration is a typo (`60y` for `60s`), and
/// a deadline that far away overflows the clock.
pub const MAX_DURATION: Duration = Duration::from_secs(365 * 24 * 3600);
/// The fewest API requests a second `--scaleway.rate-limit` takes: one every 1000 s.
pub const MIN_RATE: f64 = 0.001;
#[derive(Debug, Parser)]
#[command(
    name = "scaleway_exporter",
    version = crate::build_info::VERSION_LINE,
    about = "Prometheus exporter and inventory monitor for Scaleway servers",
    after_help = ENV_HELP,
    // The exporter's flags go without a subcommand; a subcommand's flags go after it.
    args_conflicts_with_subcommands = true
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Option<Command>,
    #[command(flatten)]
    pub exporter: ExporterArgs,
}

impl Cli {
    /// The command line from clap's matches, with what only the matches tell: whether the
    /// API URL is the default, which a profile's `api_url` then replaces.
    pub fn from_matches(matches: &ArgMatches) -> Result<Cli, clap::Error> {
        let mut cli = Cli::from_arg_matches(matches)?;
        cli.exporter.api.api_url_defaulted =
            matches.value_source("api_url") == Some(ValueSource::DefaultValue);
        Ok(cli)
    }
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run the built-in API simulator on loopback and the exporter against it (no token needed).
    #[cfg(feature = "demo")]
    Demo(DemoArgs),
    /// Run the API simulator alone, for tests, benchmarks and the end-to-end suite.
    #[cfg(feature = "demo")]
    Simulate(SimulateArgs),
    /// Ask the exporter on --web.listen-address for /healthz; exit 0 if it answers 200, else 1
    /// (the container HEALTHCHECK: the image has no curl).
    Health(HealthArgs),
}

/// The flags of the exporter itself, given without a subcommand.
#[derive(Debug, Args, Clone)]
pub struct ExporterArgs {
    #[command(flatten)]
    pub api: ApiArgs,
    #[command(flatten)]
    pub limits: LimitArgs,
    #[command(flatten)]
    pub poll: PollArgs,
    #[command(flatten)]
    pub web: WebArgs,
    #[command(flatten)]
    pub log: LogArgs,
}

/// Which API, with which key: the exporter's only (the demo brings its own API and key).
#[derive(Debug, Args, Clone)]
pub struct ApiArgs {
    /// File holding the API secret key (Docker and Kubernetes secrets); re-read when it changes.
    #[arg(
        long = "scaleway.secret-key-file",
        env = "SCW_SECRET_KEY_FILE",
        value_name = "PATH"
    )]
    pub secret_key_file: Option<PathBuf>,

    /// Profile of the `scw` CLI's config file whose `secret_key`, `api_url` and
    /// `default_organization_id` serve when the key, `SCW_API_URL` and
    /// `SCW_DEFAULT_ORGANIZATION_ID` are not given (the file's `active_profile` by default).
    #[arg(long = "scaleway.profile", env = "SCW_PROFILE", value_name = "NAME")]
    pub profile: Option<String>,

    /// Base URL of the Scaleway API.
    #[arg(
        long = "scaleway.api-url",
        env = "SCW_API_URL",
        default_value = "https://api.scaleway.com",
        value_name = "URL"
    )]
    pub api_url: String,

    /// `api_url` is clap's default, as only [`Cli::from_matches`] tells (else false: given).
    #[arg(skip)]
    pub api_url_defaulted: bool,

    /// Which API to poll: the Instance API, or the pre-2019 Online Labs / Scaleway `/servers`.
    #[arg(
        long = "scaleway.api-flavor",
        env = "SCW_EXPORTER_API_FLAVOR",
        value_parser = api_flavor_parser(),
        default_value_t = ApiFlavor::Instance
    )]
    pub api_flavor: ApiFlavor,

    /// Zone to poll (repeatable; all zones by default). With `legacy`, the one zone label to use.
    #[arg(
        long = "scaleway.zone",
        env = "SCW_EXPORTER_ZONES",
        value_delimiter = ',',
        value_name = "ZONE"
    )]
    pub zones: Vec<String>,

    #[arg(
        long = "scaleway.product",
        help = products_help(),
        env = "SCW_EXPORTER_PRODUCTS",
        value_delimiter = ',',
        value_parser = parse_product,
        value_name = "PRODUCT"
    )]
    pub products: Vec<Product>,
}

/// What the API client may ask and read: the exporter's and the demo's.
#[derive(Debug, Args, Clone)]
pub struct LimitArgs {
    /// Largest API response body read (bytes, or with KiB, MiB, GiB); a larger one fails the poll.
    #[arg(
        long = "scaleway.max-body-size",
        env = "SCW_EXPORTER_MAX_BODY_SIZE",
        default_value = "64MiB",
        value_parser = parse_byte_size,
        value_name = "SIZE"
    )]
    pub max_body_size: usize,

    /// Most API requests per second, all zones together (retries included).
    #[arg(
        long = "scaleway.rate-limit",
        env = "SCW_EXPORTER_RATE_LIMIT",
        default_value = "20",
        value_parser = parse_rate,
        value_name = "PER_SECOND"
    )]
    pub rate_limit: f64,
}

/// The schedule: the exporter's and the demo's.
#[derive(Debug, Args, Clone)]
pub struct PollArgs {
    /// Time between two polls (humantime: 30s, 2m, 1h).
    #[arg(
        long = "poll.interval",
        env = "SCW_EXPORTER_POLL_INTERVAL",
        default_value = "60s",
        value_parser = parse_duration,
        value_name = "DURATION"
    )]
    pub interval: Duration,

    /// Deadline for one zone's poll, retries included; at most the poll interval. Default: 30s,
    /// or the poll interval when that is shorter.
    #[arg(
        long = "poll.timeout",
        env = "SCW_EXPORTER_POLL_TIMEOUT",
        value_parser = parse_duration,
        value_name = "DURATION"
    )]
    pub timeout: Option<Duration>,
}

/// Where and how the pages are served: the exporter's and the demo's.
#[derive(Debug, Args, Clone)]
pub struct WebArgs {
    #[command(flatten)]
    pub serve: ServeArgs,

    /// Path under which the metrics are served.
    #[arg(
        long = "web.telemetry-path",
        env = "SCW_EXPORTER_TELEMETRY_PATH",
        default_value = DEFAULT_TELEMETRY_PATH,
        value_name = "PATH"
    )]
    pub telemetry_path: String,
}

/// Where and how the exporter serves: the exporter's and the demo's, and `health`'s, which
/// asks there the way it serves (`:PORT` and `0.0.0.0` mean loopback; HTTPS when the web
/// config turns TLS on).
#[derive(Debug, Args, Clone)]
pub struct ServeArgs {
    /// Address to serve on: `:PORT` for every interface, or `HOST:PORT`.
    #[arg(
        long = "web.listen-address",
        env = "SCW_EXPORTER_LISTEN_ADDRESS",
        default_value = DEFAULT_LISTEN_ADDRESS,
        value_name = "ADDRESS"
    )]
    pub listen_address: String,

    /// TLS and basic auth configuration, in the Prometheus exporter-toolkit format.
    #[arg(
        long = "web.config.file",
        env = "SCW_EXPORTER_WEB_CONFIG_FILE",
        value_name = "PATH"
    )]
    pub web_config_file: Option<PathBuf>,
}

/// The log: every subcommand that runs for a while (not `health`, which prints one line).
#[derive(Debug, Args, Clone)]
pub struct LogArgs {
    /// Least severe log level written.
    #[arg(
        long = "log.level",
        env = "SCW_EXPORTER_LOG_LEVEL",
        value_enum,
        value_name = "LOG_LEVEL",
        default_value_t = LogLevel::Info
    )]
    pub level: LogLevel,

    /// Log line format.
    #[arg(
        long = "log.format",
        env = "SCW_EXPORTER_LOG_FORMAT",
        value_enum,
        value_name = "LOG_FORMAT",
        default_value_t = LogFormat::Logfmt
    )]
    pub format: LogFormat,
}

#[derive(Debug, Args, Clone)]
pub struct SimulateArgs {
    /// Address the simulator listens on.
    #[arg(
        long = "listen-address",
        default_value = "127.0.0.1:10060",
        value_name = "ADDRESS"
    )]
    pub listen_address: String,
    /// Zones of the simulated account (comma list).
    #[arg(
        long = "zones",
        value_delimiter = ',',
        default_value = "fr-par-1,nl-ams-1",
        value_name = "ZONE"
    )]
    pub zones: Vec<String>,
    /// Servers generated in each zone.
    #[arg(long = "servers-per-zone", default_value_t = 25, value_parser = parse_server_count, value_name = "N")]
    pub servers_per_zone: usize,
    #[command(flatten)]
    pub products: SimulateProductArgs,
    /// Seed of the generated fleet: the same seed gives the same fleet.
    #[arg(long = "seed", default_value_t = 42)]
    pub seed: u64,
    /// How long the starting and stopping states last.
    #[arg(long = "transition", default_value = "3s", value_parser = parse_duration, value_name = "DURATION")]
    pub transition: Duration,
    /// Change one server's state this often (poweroff, poweron, ...); off when absent.
    #[arg(long = "churn-interval", value_parser = parse_duration, value_name = "DURATION")]
    pub churn_interval: Option<Duration>,
    /// End the current fault and start a random one (seeded by --seed) in a random (product,
    /// zone) with servers this often: a 429 with a Retry-After no clock holds, a 5xx, a hang,
    /// a body cut short, oversized or endless, ...; each start and end is one log line. Off
    /// when absent.
    #[arg(long = "chaos-interval", value_parser = parse_duration, value_name = "DURATION")]
    pub chaos_interval: Option<Duration>,
    #[command(flatten)]
    pub log: LogArgs,
}

/// `health` asks the exporter that the same flags (or environment) configure.
#[derive(Debug, Args, Clone)]
pub struct HealthArgs {
    #[command(flatten)]
    pub serve: ServeArgs,
    /// Give up and report unhealthy after this long.
    #[arg(long = "health.timeout", default_value = "3s", value_parser = parse_duration, value_name = "DURATION")]
    pub timeout: Duration,
}

#[derive(Debug, Args, Clone)]
pub struct DemoArgs {
    #[command(flatten)]
    pub limits: LimitArgs,
    #[command(flatten)]
    pub poll: PollArgs,
    #[command(flatten)]
    pub web: WebArgs,
    #[command(flatten)]
    pub log: LogArgs,
    /// Zones of the simulated account (comma list).
    #[arg(
        long = "demo.zones",
        value_delimiter = ',',
        default_value = "fr-par-1,nl-ams-1,pl-waw-1",
        value_name = "ZONE"
    )]
    pub zones: Vec<String>,
    /// Servers generated in each zone.
    #[arg(long = "demo.servers-per-zone", default_value_t = 40, value_parser = parse_server_count, value_name = "N")]
    pub servers_per_zone: usize,
    #[command(flatten)]
    pub products: DemoProductArgs,
    /// Change one server's state this often, so dashboards and alerts have something to show.
    #[arg(long = "demo.churn-interval", default_value = "30s", value_parser = parse_duration, value_name = "DURATION")]
    pub churn_interval: Duration,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum LogLevel {
    Error,
    Warn,
    Info,
    Debug,
    Trace,
}

impl LogLevel {
    pub fn as_str(self) -> &'static str {
        match self {
            LogLevel::Error => "error",
            LogLevel::Warn => "warn",
            LogLevel::Info => "info",
            LogLevel::Debug => "debug",
            LogLevel::Trace => "trace",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum LogFormat {
    Logfmt,
    Json,
}

fn parse_duration(text: &str) -> Result<Duration, String> {
    let duration =
        humantime::parse_duration(text).map_err(|e| format!("{e} (examples: 30s, 2m, 1h30m)"))?;
    check_duration(duration)
}

/// What every duration flag must be, from the command line or from
/// [`super::ExporterConfigBuilder`].
pub(crate) fn check_duration(duration: Duration) -> Result<Duration, String> {
    if duration.is_zero() {
        return Err("must be longer than zero".to_owned());
    }
    if duration > MAX_DURATION {
        return Err("must be at most 365 days".to_owned());
    }
    Ok(duration)
}

/// `1048576`, `512KiB`, `64MiB`, `1GiB` (also `KB`, `MB`, `GB` as powers of 1000).
pub fn parse_byte_size(text: &str) -> Result<usize, String> {
    let text = text.trim();
    let split = text
        .find(|c: char| !c.is_ascii_digit())
        .unwrap_or(text.len());
    let (digits, unit) = text.split_at(split);
    let unit_size: u64 = match unit.trim() {
        "" | "B" => 1,
        "KiB" => 1 << 10,
        "MiB" => 1 << 20,
        "GiB" => 1 << 30,
        "KB" => 1_000,
        "MB" => 1_000_000,
        "GB" => 1_000_000_000,
        other => {
            return Err(format!(
                "unknown unit {other:?} (examples: 1048576, 512KiB, 64MiB)"
            ))
        }
    };
    let count: u64 = digits.parse().map_err(|_| {
        "expected a whole number of bytes (examples: 1048576, 512KiB, 64MiB)".to_owned()
    })?;
    let bytes = count
        .checked_mul(unit_size)
        .and_then(|bytes| usize::try_from(bytes).ok())
        .ok_or_else(|| "too large".to_owned())?;
    check_body_size(bytes)
}

/// What `--scaleway.max-body-size` must be, from the command line or from the builder.
pub(crate) fn check_body_size(bytes: usize) -> Result<usize, String> {
    if bytes == 0 {
        return Err("must be more than zero".to_owned());
    }
    Ok(bytes)
}

/// `--scaleway.api-flavor`: each flavor by its label, with what it polls.
fn api_flavor_parser() -> impl TypedValueParser<Value = ApiFlavor> {
    let what = |flavor: ApiFlavor| match flavor {
        ApiFlavor::Instance => {
            "`GET /instance/v1/zones/{zone}/servers` and the Block Storage volumes list"
        }
        ApiFlavor::Legacy => "`GET /servers`, the Online Labs (2014) and Scaleway (until 2019) API",
    };
    let values = ApiFlavor::ALL.map(|flavor| PossibleValue::new(flavor.label()).help(what(flavor)));
    PossibleValuesParser::new(values).map(|label| {
        ApiFlavor::ALL
            .into_iter()
            .find(|flavor| flavor.label() == label)
            .unwrap_or(ApiFlavor::Instance)
    })
}

/// `--scaleway.product`: the products by label.
fn products_help() -> String {
    let labels: Vec<&str> = Product::ALL.iter().map(|p| p.label()).collect();
    format!(
        "Product to poll (repeatable): {}. Every product the key may read by default; a \
         product named is polled even when refused.",
        labels.join(", ")
    )
}

/// A product's label, with the spaces of a comma list (`instance, dedibox`) around it.
fn parse_product(text: &str) -> Result<Product, String> {
    Product::from_label(text.trim()).ok_or_else(|| {
        let labels: Vec<&str> = Product::ALL.iter().map(|p| p.label()).collect();
        format!("expected one of {}", labels.join(", "))
    })
}

fn parse_rate(text: &str) -> Result<f64, String> {
    let rate: f64 = text
        .trim()
        .parse()
        .map_err(|_| "expected requests per second, such as 10 or 0.5".to_owned())?;
    check_rate(rate)
}

/// What `--scaleway.rate-limit` must be, from the command line or from the builder: below
/// [`MIN_RATE`] the wait for one request outgrows any deadline.
pub(crate) fn check_rate(rate: f64) -> Result<f64, String> {
    if !rate.is_finite() || rate <= 0.0 {
        return Err("must be a number of requests per second above zero".to_owned());
    }
    if rate < MIN_RATE {
        return Err(format!(
            "must be at least {MIN_RATE} (one request every 1000 s)"
        ));
    }
    Ok(rate)
}

#[cfg(test)]
#[path = "cli_tests.rs"]
mod tests;
