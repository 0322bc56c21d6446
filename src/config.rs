//! The command line: every flag has an environment twin, as DESIGN.md fixes them.
//!
//! Parsing happens in two steps. clap turns `argv` and the environment into [`Cli`]; then
//! [`ExporterArgs::resolve`] checks what clap cannot (zones, URL, paths, the token) and gives
//! an [`ExporterConfig`] that the rest of the program trusts. Either step's error is one line
//! and exit code 2 (see `main.rs`).

use std::fmt;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime};

use clap::{Args, Parser, Subcommand, ValueEnum};

/// The zones of the Instance API polled when none is given (DESIGN.md, FACTS.md §1).
pub const DEFAULT_ZONES: &[&str] = &[
    "fr-par-1", "fr-par-2", "fr-par-3", "nl-ams-1", "nl-ams-2", "nl-ams-3", "pl-waw-1", "pl-waw-2",
    "pl-waw-3", "it-mil-1",
];

/// The zone label used with the legacy API when none is given: the legacy API was Paris only
/// until 2016, and `par1` is what its `location.zone_id` says.
pub const DEFAULT_LEGACY_ZONE: &str = "par1";

const ENV_HELP: &str = "\
The API secret key is read from SCW_SECRET_KEY or from the file named by
--scaleway.secret-key-file; it is never accepted as a flag value, so it never shows
in a process list.";

#[derive(Debug, Parser)]
#[command(
    name = "scaleway_exporter",
    version = crate::build_info::VERSION_LINE,
    about = "Prometheus exporter and inventory monitor for Scaleway servers",
    after_help = ENV_HELP
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Option<Command>,
    #[command(flatten)]
    pub exporter: ExporterArgs,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run the built-in API simulator on loopback and the exporter against it (no token needed).
    Demo(DemoArgs),
    /// Run the API simulator alone, for tests, benchmarks and the end-to-end suite.
    Simulate(SimulateArgs),
    /// Ask the exporter on --web.listen-address for /healthz; exit 0 if it answers 200, else 1
    /// (the container HEALTHCHECK: the image has no curl).
    Health(HealthArgs),
}

/// Flags of the exporter itself; `demo` uses them too (its API URL and token are its own).
#[derive(Debug, Args, Clone)]
pub struct ExporterArgs {
    /// File holding the API secret key (Docker and Kubernetes secrets); re-read when it changes.
    #[arg(
        global = true,
        long = "scaleway.secret-key-file",
        env = "SCW_SECRET_KEY_FILE",
        value_name = "PATH"
    )]
    pub secret_key_file: Option<PathBuf>,

    /// Base URL of the Scaleway API.
    #[arg(
        global = true,
        long = "scaleway.api-url",
        env = "SCW_API_URL",
        default_value = "https://api.scaleway.com",
        value_name = "URL"
    )]
    pub api_url: String,

    /// Which API to poll: the Instance API, or the pre-2019 Online Labs / Scaleway `/servers`.
    #[arg(
        global = true,
        long = "scaleway.api-flavor",
        env = "SCW_EXPORTER_API_FLAVOR",
        value_enum,
        default_value_t = ApiFlavor::Instance
    )]
    pub api_flavor: ApiFlavor,

    /// Zone to poll (repeatable; all zones by default). With `legacy`, the one zone label to use.
    #[arg(
        global = true,
        long = "scaleway.zone",
        env = "SCW_EXPORTER_ZONES",
        value_delimiter = ',',
        value_name = "ZONE"
    )]
    pub zones: Vec<String>,

    /// Time between two polls (humantime: 30s, 2m, 1h).
    #[arg(
        global = true,
        long = "poll.interval",
        env = "SCW_EXPORTER_POLL_INTERVAL",
        default_value = "60s",
        value_parser = parse_duration,
        value_name = "DURATION"
    )]
    pub poll_interval: Duration,

    /// Deadline for one zone's poll, retries included.
    #[arg(
        global = true,
        long = "poll.timeout",
        env = "SCW_EXPORTER_POLL_TIMEOUT",
        default_value = "30s",
        value_parser = parse_duration,
        value_name = "DURATION"
    )]
    pub poll_timeout: Duration,

    /// Address to serve on: `:PORT` for every interface, or `HOST:PORT`.
    #[arg(
        global = true,
        long = "web.listen-address",
        env = "SCW_EXPORTER_LISTEN_ADDRESS",
        default_value = ":10059",
        value_name = "ADDRESS"
    )]
    pub listen_address: String,

    /// Path under which the metrics are served.
    #[arg(
        global = true,
        long = "web.telemetry-path",
        env = "SCW_EXPORTER_TELEMETRY_PATH",
        default_value = "/metrics",
        value_name = "PATH"
    )]
    pub telemetry_path: String,

    /// TLS and basic auth configuration, in the Prometheus exporter-toolkit format.
    #[arg(
        global = true,
        long = "web.config.file",
        env = "SCW_EXPORTER_WEB_CONFIG_FILE",
        value_name = "PATH"
    )]
    pub web_config_file: Option<PathBuf>,

    /// Least severe log level written.
    #[arg(
        global = true,
        long = "log.level",
        env = "SCW_EXPORTER_LOG_LEVEL",
        value_enum,
        default_value_t = LogLevel::Info
    )]
    pub log_level: LogLevel,

    /// Log line format.
    #[arg(
        global = true,
        long = "log.format",
        env = "SCW_EXPORTER_LOG_FORMAT",
        value_enum,
        default_value_t = LogFormat::Logfmt
    )]
    pub log_format: LogFormat,

    /// Largest API response body read (bytes, or with KiB, MiB, GiB); a larger one fails the poll.
    #[arg(
        global = true,
        long = "scaleway.max-body-size",
        env = "SCW_EXPORTER_MAX_BODY_SIZE",
        default_value = "64MiB",
        value_parser = parse_byte_size,
        value_name = "SIZE"
    )]
    pub max_body_size: usize,

    /// Most API requests per second, all zones together (retries included).
    #[arg(
        global = true,
        long = "scaleway.rate-limit",
        env = "SCW_EXPORTER_RATE_LIMIT",
        default_value = "20",
        value_parser = parse_rate,
        value_name = "PER_SECOND"
    )]
    pub rate_limit: f64,
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
    #[arg(long = "servers-per-zone", default_value_t = 25, value_name = "N")]
    pub servers_per_zone: usize,
    /// Seed of the generated fleet: the same seed gives the same fleet.
    #[arg(long = "seed", default_value_t = 42)]
    pub seed: u64,
    /// How long the starting and stopping states last.
    #[arg(long = "transition", default_value = "3s", value_parser = parse_duration, value_name = "DURATION")]
    pub transition: Duration,
    /// Change one server's state this often (poweroff, poweron, ...); off when absent.
    #[arg(long = "churn-interval", value_parser = parse_duration, value_name = "DURATION")]
    pub churn_interval: Option<Duration>,
}

#[derive(Debug, Args, Clone)]
pub struct HealthArgs {
    /// Give up and report unhealthy after this long.
    #[arg(long = "health.timeout", default_value = "3s", value_parser = parse_duration, value_name = "DURATION")]
    pub timeout: Duration,
}

#[derive(Debug, Args, Clone)]
pub struct DemoArgs {
    /// Zones of the simulated account (comma list).
    #[arg(
        long = "demo.zones",
        value_delimiter = ',',
        default_value = "fr-par-1,nl-ams-1,pl-waw-1",
        value_name = "ZONE"
    )]
    pub zones: Vec<String>,
    /// Servers generated in each zone.
    #[arg(long = "demo.servers-per-zone", default_value_t = 40, value_name = "N")]
    pub servers_per_zone: usize,
    /// Change one server's state this often, so dashboards and alerts have something to show.
    #[arg(long = "demo.churn-interval", default_value = "30s", value_parser = parse_duration, value_name = "DURATION")]
    pub churn_interval: Duration,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ApiFlavor {
    /// `GET /instance/v1/zones/{zone}/servers` and the Block Storage volumes list.
    Instance,
    /// `GET /servers`, the Online Labs (2014) and Scaleway (until 2019) API.
    Legacy,
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
    if duration.is_zero() {
        return Err("must be longer than zero".to_owned());
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
    if bytes == 0 {
        return Err("must be more than zero".to_owned());
    }
    Ok(bytes)
}

fn parse_rate(text: &str) -> Result<f64, String> {
    let rate: f64 = text
        .trim()
        .parse()
        .map_err(|_| "expected requests per second, such as 10 or 0.5".to_owned())?;
    if !rate.is_finite() || rate <= 0.0 {
        return Err("must be a number of requests per second above zero".to_owned());
    }
    Ok(rate)
}

/// A configuration error found after clap's parsing: one line, exit code 2.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error(
        "no API secret key: set SCW_SECRET_KEY or --scaleway.secret-key-file (or run `scaleway_exporter demo`)"
    )]
    MissingToken,
    #[error("the API secret key in {source_name} is empty")]
    EmptyToken { source_name: String },
    #[error("cannot read the secret key file {path}: {reason}")]
    UnreadableTokenFile { path: PathBuf, reason: String },
    #[error("malformed zone {zone:?}: expected the form xx-yyy-N, such as fr-par-1")]
    MalformedZone { zone: String },
    #[error("malformed legacy zone label {zone:?}: expected letters and digits, such as par1")]
    MalformedLegacyZone { zone: String },
    #[error("the legacy API has no zones: give at most one --scaleway.zone, the label to use (got {count})")]
    TooManyLegacyZones { count: usize },
    #[error("bad --scaleway.api-url {url:?}: {reason}")]
    BadApiUrl { url: String, reason: String },
    #[error("bad --web.listen-address {address:?}: expected :PORT or HOST:PORT")]
    BadListenAddress { address: String },
    #[error(
        "bad --web.telemetry-path {path:?}: must start with / and not be /, /healthz or /readyz"
    )]
    BadTelemetryPath { path: String },
    #[error("--poll.timeout ({timeout}) must not be longer than --poll.interval ({interval})")]
    TimeoutLongerThanInterval { timeout: String, interval: String },
    #[error("cannot read the web config file {path}: {reason}")]
    UnreadableWebConfig { path: PathBuf, reason: String },
    #[error("bad web config file {path}: {reason}")]
    BadWebConfig { path: PathBuf, reason: String },
}

/// A validated configuration: what the exporter runs with.
#[derive(Debug, Clone)]
pub struct ExporterConfig {
    pub token: TokenSource,
    /// Base URL without a trailing slash.
    pub api_url: String,
    pub api_flavor: ApiFlavor,
    /// Zones to poll (instance) or the one zone label (legacy); never empty.
    pub zones: Vec<String>,
    pub poll_interval: Duration,
    pub poll_timeout: Duration,
    pub listen_address: ListenAddress,
    pub telemetry_path: String,
    /// `--scaleway.max-body-size` and `--scaleway.rate-limit`.
    pub api_limits: crate::api::Limits,
    /// `--web.config.file`, loaded: TLS, basic auth, headers.
    pub web_config: Option<crate::web_config::WebConfig>,
}

fn load_web_config(path: &Path) -> Result<crate::web_config::WebConfig, ConfigError> {
    std::fs::metadata(path).map_err(|e| ConfigError::UnreadableWebConfig {
        path: path.to_owned(),
        reason: e.to_string(),
    })?;
    crate::web_config::WebConfig::load(path).map_err(|reason| ConfigError::BadWebConfig {
        path: path.to_owned(),
        // One line, whatever the YAML parser wrote.
        reason: reason.split_whitespace().collect::<Vec<_>>().join(" "),
    })
}

/// Where to listen, kept as text until bind time so that host names resolve then.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ListenAddress {
    /// `:PORT`: every interface, IPv6 and IPv4.
    AllInterfaces(u16),
    /// `HOST:PORT`.
    Host(String),
}

impl ListenAddress {
    pub fn parse(text: &str) -> Option<Self> {
        if let Some(port) = text.strip_prefix(':') {
            return port.parse().ok().map(ListenAddress::AllInterfaces);
        }
        let (host, port) = text.rsplit_once(':')?;
        if host.is_empty() || port.parse::<u16>().is_err() {
            return None;
        }
        Some(ListenAddress::Host(text.to_owned()))
    }

    /// Binds the address; `:PORT` takes the dual-stack `[::]` and falls back to `0.0.0.0`
    /// on hosts without IPv6.
    pub async fn bind(&self) -> std::io::Result<tokio::net::TcpListener> {
        match self {
            ListenAddress::AllInterfaces(port) => {
                let v6 = SocketAddr::from(([0u16; 8], *port));
                match tokio::net::TcpListener::bind(v6).await {
                    Ok(listener) => Ok(listener),
                    Err(_) => {
                        tokio::net::TcpListener::bind(SocketAddr::from(([0; 4], *port))).await
                    }
                }
            }
            ListenAddress::Host(address) => tokio::net::TcpListener::bind(address.as_str()).await,
        }
    }
}

impl fmt::Display for ListenAddress {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ListenAddress::AllInterfaces(port) => write!(f, ":{port}"),
            ListenAddress::Host(address) => f.write_str(address),
        }
    }
}

/// True for a zone of the form `xx-yyy-N` (fr-par-1, pl-waw-3), so that new zones work
/// without a release.
pub fn is_valid_zone(zone: &str) -> bool {
    let parts: Vec<&str> = zone.split('-').collect();
    matches!(parts.as_slice(), [country, city, number]
        if country.len() == 2 && country.bytes().all(|b| b.is_ascii_lowercase())
        && city.len() == 3 && city.bytes().all(|b| b.is_ascii_lowercase())
        && !number.is_empty() && number.len() <= 3 && number.bytes().all(|b| b.is_ascii_digit()))
}

fn is_valid_legacy_zone(zone: &str) -> bool {
    !zone.is_empty()
        && zone.len() <= 32
        && zone
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
}

impl ExporterArgs {
    /// Checks what clap cannot and reads the token. `env_token` is `SCW_SECRET_KEY`.
    pub fn resolve(&self, env_token: Option<String>) -> Result<ExporterConfig, ConfigError> {
        let zones = self.resolve_zones()?;
        let api_url = resolve_api_url(&self.api_url)?;
        let listen_address = ListenAddress::parse(&self.listen_address).ok_or_else(|| {
            ConfigError::BadListenAddress {
                address: self.listen_address.clone(),
            }
        })?;
        let path = &self.telemetry_path;
        if !path.starts_with('/') || ["/", "/healthz", "/readyz"].contains(&path.as_str()) {
            return Err(ConfigError::BadTelemetryPath { path: path.clone() });
        }
        if self.poll_timeout > self.poll_interval {
            return Err(ConfigError::TimeoutLongerThanInterval {
                timeout: humantime::format_duration(self.poll_timeout).to_string(),
                interval: humantime::format_duration(self.poll_interval).to_string(),
            });
        }
        let web_config = match &self.web_config_file {
            Some(path) => Some(load_web_config(path)?),
            None => None,
        };
        let token = match &self.secret_key_file {
            Some(path) => TokenSource::from_file(path)?,
            None => {
                let token = env_token.ok_or(ConfigError::MissingToken)?;
                TokenSource::fixed(SecretKey::new(&token, "SCW_SECRET_KEY")?)
            }
        };
        Ok(ExporterConfig {
            token,
            api_url,
            api_flavor: self.api_flavor,
            zones,
            poll_interval: self.poll_interval,
            poll_timeout: self.poll_timeout,
            listen_address,
            telemetry_path: self.telemetry_path.clone(),
            api_limits: self.api_limits(),
            web_config,
        })
    }

    /// What the API client may ask and read, from the flags.
    pub fn api_limits(&self) -> crate::api::Limits {
        crate::api::Limits {
            max_body_size: self.max_body_size,
            requests_per_second: self.rate_limit,
        }
    }

    fn resolve_zones(&self) -> Result<Vec<String>, ConfigError> {
        // Trim and drop empty entries: `SCW_EXPORTER_ZONES="fr-par-1, nl-ams-1,"` is a typo, not an error.
        let mut zones: Vec<String> = Vec::new();
        for zone in self
            .zones
            .iter()
            .map(|z| z.trim())
            .filter(|z| !z.is_empty())
        {
            if !zones.iter().any(|known| known == zone) {
                zones.push(zone.to_owned());
            }
        }
        match self.api_flavor {
            ApiFlavor::Instance => {
                if let Some(zone) = zones.iter().find(|zone| !is_valid_zone(zone)) {
                    return Err(ConfigError::MalformedZone { zone: zone.clone() });
                }
                if zones.is_empty() {
                    zones = DEFAULT_ZONES.iter().map(|z| (*z).to_owned()).collect();
                }
            }
            ApiFlavor::Legacy => {
                if zones.len() > 1 {
                    return Err(ConfigError::TooManyLegacyZones { count: zones.len() });
                }
                if let Some(zone) = zones.iter().find(|zone| !is_valid_legacy_zone(zone)) {
                    return Err(ConfigError::MalformedLegacyZone { zone: zone.clone() });
                }
                if zones.is_empty() {
                    zones.push(DEFAULT_LEGACY_ZONE.to_owned());
                }
            }
        }
        Ok(zones)
    }
}

fn resolve_api_url(text: &str) -> Result<String, ConfigError> {
    let bad = |reason: &str| ConfigError::BadApiUrl {
        url: text.to_owned(),
        reason: reason.to_owned(),
    };
    let url = reqwest::Url::parse(text).map_err(|e| bad(&e.to_string()))?;
    if !matches!(url.scheme(), "http" | "https") {
        return Err(bad("the scheme must be http or https"));
    }
    if url.query().is_some() || url.fragment().is_some() {
        return Err(bad("a base URL takes no query or fragment"));
    }
    Ok(text.trim_end_matches('/').to_owned())
}

/// The API secret key. It has no `Display`, its `Debug` is redacted, and the only way to the
/// text is [`SecretKey::expose`], called where the header is built.
#[derive(Clone, PartialEq, Eq)]
pub struct SecretKey(Arc<str>);

impl SecretKey {
    /// Trims surrounding white space (files end with a newline); an empty key is an error.
    pub fn new(text: &str, source_name: &str) -> Result<Self, ConfigError> {
        let trimmed = text.trim();
        if trimmed.is_empty() {
            return Err(ConfigError::EmptyToken {
                source_name: source_name.to_owned(),
            });
        }
        Ok(SecretKey(Arc::from(trimmed)))
    }

    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for SecretKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("SecretKey(<redacted>)")
    }
}

/// Where the key comes from. A file is re-read when it changes (its modification time, size
/// or inode: a Kubernetes secret is swapped by a symlink, an editor writes a new file), so a
/// rotated key is used without a restart.
#[derive(Debug, Clone)]
pub struct TokenSource(Arc<TokenInner>);

#[derive(Debug)]
enum TokenInner {
    Fixed(SecretKey),
    File {
        path: PathBuf,
        cached: Mutex<(Option<FileStamp>, SecretKey)>,
    },
}

/// What tells that a file changed without reading it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct FileStamp {
    modified: Option<SystemTime>,
    len: u64,
    inode: u64,
}

impl FileStamp {
    fn of(path: &Path) -> std::io::Result<FileStamp> {
        let metadata = std::fs::metadata(path)?;
        #[cfg(unix)]
        let inode = std::os::unix::fs::MetadataExt::ino(&metadata);
        #[cfg(not(unix))]
        let inode = 0;
        Ok(FileStamp {
            modified: metadata.modified().ok(),
            len: metadata.len(),
            inode,
        })
    }
}

impl TokenSource {
    pub fn fixed(key: SecretKey) -> Self {
        TokenSource(Arc::new(TokenInner::Fixed(key)))
    }

    pub fn from_file(path: &Path) -> Result<Self, ConfigError> {
        let (stamp, key) = read_token_file(path)?;
        Ok(TokenSource(Arc::new(TokenInner::File {
            path: path.to_owned(),
            cached: Mutex::new((Some(stamp), key)),
        })))
    }

    /// The key to use now. A file that became unreadable or empty keeps the last good key,
    /// and says so once per change of the file rather than on every request.
    pub fn current(&self) -> SecretKey {
        match &*self.0 {
            TokenInner::Fixed(key) => key.clone(),
            TokenInner::File { path, cached } => {
                let mut cached = cached
                    .lock()
                    .unwrap_or_else(|poisoned| poisoned.into_inner());
                let stamp = FileStamp::of(path).ok();
                if stamp != cached.0 {
                    match read_token_file(path) {
                        Ok((fresh_stamp, fresh_key)) => {
                            if fresh_key != cached.1 {
                                tracing::info!(path = %path.display(), "secret key file changed; using the new key");
                            }
                            *cached = (Some(fresh_stamp), fresh_key);
                        }
                        Err(e) => {
                            tracing::warn!(error = %e, "keeping the previous secret key");
                            cached.0 = stamp;
                        }
                    }
                }
                cached.1.clone()
            }
        }
    }
}

fn read_token_file(path: &Path) -> Result<(FileStamp, SecretKey), ConfigError> {
    let unreadable = |e: std::io::Error| ConfigError::UnreadableTokenFile {
        path: path.to_owned(),
        reason: e.to_string(),
    };
    let stamp = FileStamp::of(path).map_err(unreadable)?;
    let text = std::fs::read_to_string(path).map_err(unreadable)?;
    let key = SecretKey::new(&text, &path.display().to_string())?;
    Ok((stamp, key))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(argv: &[&str]) -> ExporterArgs {
        let mut full = vec!["scaleway_exporter"];
        full.extend_from_slice(argv);
        Cli::try_parse_from(full).expect("parses").exporter
    }

    #[test]
    fn zones_of_the_form_xx_yyy_n_are_valid_and_others_are_not() {
        for zone in ["fr-par-1", "pl-waw-3", "it-mil-1", "us-nyc-12"] {
            assert!(is_valid_zone(zone), "{zone}");
        }
        for zone in [
            "par1",
            "fr-par",
            "FR-PAR-1",
            "fr-par-x",
            "fr-paris-1",
            "fr-par-1-2",
            "",
        ] {
            assert!(!is_valid_zone(zone), "{zone}");
        }
    }

    #[test]
    fn all_ten_zones_are_polled_when_none_is_given() {
        let config = args(&[]).resolve(Some("k".into())).unwrap();
        assert_eq!(config.zones.len(), 10);
        assert_eq!(config.zones[0], "fr-par-1");
    }

    #[test]
    fn a_malformed_zone_is_refused_with_the_expected_form() {
        let err = args(&["--scaleway.zone", "fr-par-1", "--scaleway.zone", "paris"])
            .resolve(Some("k".into()))
            .unwrap_err();
        assert_eq!(
            err.to_string(),
            "malformed zone \"paris\": expected the form xx-yyy-N, such as fr-par-1"
        );
    }

    #[test]
    fn legacy_flavor_takes_one_zone_label_and_defaults_to_par1() {
        let config = args(&["--scaleway.api-flavor", "legacy"])
            .resolve(Some("k".into()))
            .unwrap();
        assert_eq!(config.zones, vec!["par1"]);
        let err = args(&[
            "--scaleway.api-flavor",
            "legacy",
            "--scaleway.zone",
            "par1",
            "--scaleway.zone",
            "ams1",
        ])
        .resolve(Some("k".into()))
        .unwrap_err();
        assert!(matches!(err, ConfigError::TooManyLegacyZones { count: 2 }));
    }

    #[test]
    fn a_missing_token_is_refused() {
        assert!(matches!(
            args(&[]).resolve(None),
            Err(ConfigError::MissingToken)
        ));
        assert!(matches!(
            args(&[]).resolve(Some("  \n".into())),
            Err(ConfigError::EmptyToken { .. })
        ));
    }

    #[test]
    fn the_token_never_shows_in_debug_output() {
        let config = args(&[])
            .resolve(Some("tok-3f1c-distinctive".into()))
            .unwrap();
        let shown = format!("{config:?}");
        assert!(!shown.contains("tok-3f1c-distinctive"), "{shown}");
        assert_eq!(config.token.current().expose(), "tok-3f1c-distinctive");
    }

    #[test]
    fn the_token_file_is_reread_when_it_changes() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("key");
        std::fs::write(&path, "first-key\n").unwrap();
        let source = TokenSource::from_file(&path).unwrap();
        assert_eq!(source.current().expose(), "first-key");
        std::fs::write(&path, "second-key\n").unwrap();
        // Make the change visible even on file systems with coarse timestamps.
        let later = SystemTime::now() + Duration::from_secs(5);
        std::fs::File::options()
            .write(true)
            .open(&path)
            .unwrap()
            .set_modified(later)
            .unwrap();
        assert_eq!(source.current().expose(), "second-key");
    }

    #[test]
    fn an_unreadable_token_file_is_refused_with_its_path() {
        let err = args(&["--scaleway.secret-key-file", "/nonexistent/key"])
            .resolve(None)
            .unwrap_err();
        assert!(err
            .to_string()
            .starts_with("cannot read the secret key file /nonexistent/key"));
    }

    #[test]
    fn byte_sizes_take_plain_bytes_and_binary_or_decimal_units() {
        assert_eq!(parse_byte_size("1048576"), Ok(1 << 20));
        assert_eq!(parse_byte_size("64MiB"), Ok(64 << 20));
        assert_eq!(parse_byte_size("512KiB"), Ok(512 << 10));
        assert_eq!(parse_byte_size("2MB"), Ok(2_000_000));
        for bad in [
            "",
            "0",
            "12 parsecs",
            "-1",
            "1.5MiB",
            "99999999999999999999GiB",
        ] {
            assert!(parse_byte_size(bad).is_err(), "{bad}");
        }
        assert_eq!(parse_rate("0.5"), Ok(0.5));
        for bad in ["0", "-3", "NaN", "inf", "fast"] {
            assert!(parse_rate(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn durations_must_be_positive_humantime() {
        assert_eq!(parse_duration("90s").unwrap(), Duration::from_secs(90));
        assert!(parse_duration("5x").is_err());
        assert!(parse_duration("0s").is_err());
        let err =
            Cli::try_parse_from(["scaleway_exporter", "--poll.interval", "soon"]).unwrap_err();
        assert_eq!(err.kind(), clap::error::ErrorKind::ValueValidation);
    }

    #[test]
    fn listen_addresses_take_a_port_alone_or_a_host_and_port() {
        assert_eq!(
            ListenAddress::parse(":10059"),
            Some(ListenAddress::AllInterfaces(10059))
        );
        assert_eq!(
            ListenAddress::parse("127.0.0.1:0"),
            Some(ListenAddress::Host("127.0.0.1:0".into()))
        );
        assert_eq!(
            ListenAddress::parse("[::1]:9"),
            Some(ListenAddress::Host("[::1]:9".into()))
        );
        for bad in ["10059", ":port", "host:", ":99999"] {
            assert_eq!(ListenAddress::parse(bad), None, "{bad}");
        }
    }

    #[test]
    fn api_urls_must_be_http_and_lose_their_trailing_slash() {
        let config = args(&["--scaleway.api-url", "http://127.0.0.1:8080/"])
            .resolve(Some("k".into()))
            .unwrap();
        assert_eq!(config.api_url, "http://127.0.0.1:8080");
        for bad in ["ftp://x", "not a url", "http://x/?a=b"] {
            assert!(
                args(&["--scaleway.api-url", bad])
                    .resolve(Some("k".into()))
                    .is_err(),
                "{bad}"
            );
        }
    }

    #[test]
    fn a_poll_timeout_longer_than_the_interval_is_refused() {
        let err = args(&["--poll.interval", "10s", "--poll.timeout", "30s"])
            .resolve(Some("k".into()))
            .unwrap_err();
        assert!(matches!(err, ConfigError::TimeoutLongerThanInterval { .. }));
    }
}
