//! The command line: every flag has an environment twin, as DESIGN.md fixes them.
//!
//! Parsing happens in two steps. clap turns `argv` and the environment into [`Cli`]; then
//! [`ExporterConfigBuilder::build`] checks what clap cannot (zones, URL, paths, the token)
//! and gives an [`ExporterConfig`] that the rest of the program trusts. The builder is the
//! only way to an `ExporterConfig`: the command line, the demo, the tests and the benchmarks
//! all go through the same checks. `cmd::start::parse_command_line` does both steps for
//! `main`; either step's error is one line and exit code 2.

mod cli;
mod listen;
mod telemetry_path;

use std::path::{Path, PathBuf};
use std::time::Duration;

use crate::api::{ApiFlavor, Limits};
use crate::secret::{SecretError, SecretKey, TokenSource};
use crate::web::WebConfig;

pub use cli::{
    parse_byte_size, ApiArgs, Cli, Command, DemoArgs, ExporterArgs, HealthArgs, LimitArgs, LogArgs,
    LogFormat, LogLevel, PollArgs, SimulateArgs, WebArgs, DEFAULT_LISTEN_ADDRESS,
    DEFAULT_TELEMETRY_PATH, MAX_DURATION, MAX_SIMULATED_SERVERS, MIN_RATE,
};
pub use listen::ListenAddress;
pub use telemetry_path::{TelemetryPath, RESERVED_PATHS};

/// The zones of the Instance API polled when none is given (DESIGN.md, FACTS.md §1).
pub const DEFAULT_ZONES: &[&str] = &[
    "fr-par-1", "fr-par-2", "fr-par-3", "nl-ams-1", "nl-ams-2", "nl-ams-3", "pl-waw-1", "pl-waw-2",
    "pl-waw-3", "it-mil-1",
];

/// The zone label used with the legacy API when none is given: the legacy API was Paris only
/// until 2016, and `par1` is what its `location.zone_id` says.
pub const DEFAULT_LEGACY_ZONE: &str = "par1";

/// `--poll.interval` and `--poll.timeout` when none is given (the command line's defaults).
pub const DEFAULT_POLL_INTERVAL: Duration = Duration::from_secs(60);
pub const DEFAULT_POLL_TIMEOUT: Duration = Duration::from_secs(30);

/// What the user gave cannot run: one line on standard error, exit code 2.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error(
        "no API secret key: set SCW_SECRET_KEY or --scaleway.secret-key-file (or run `scaleway_exporter demo`)"
    )]
    MissingToken,
    #[error(transparent)]
    Secret(#[from] SecretError),
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
    #[error("bad --web.telemetry-path {path:?}: {reason}")]
    BadTelemetryPath { path: String, reason: String },
    #[error("bad {flag} ({value}): {reason}")]
    BadValue {
        flag: &'static str,
        value: String,
        reason: String,
    },
    #[error("--poll.timeout ({timeout}) must not be longer than --poll.interval ({interval})")]
    TimeoutLongerThanInterval { timeout: String, interval: String },
    #[error("cannot read the web config file {path}: {reason}")]
    UnreadableWebConfig { path: PathBuf, reason: String },
    #[error("bad web config file {path}: {reason}")]
    BadWebConfig { path: PathBuf, reason: String },
    #[error("cannot listen on {address}: {reason}; choose another with {flag}")]
    CannotListen {
        address: String,
        reason: String,
        /// The flag that sets the address: `--web.listen-address`, or simulate's own.
        flag: &'static str,
    },
}

impl ConfigError {
    /// A listener could not be had on `address`, set by `flag`.
    pub fn cannot_listen(
        address: impl std::fmt::Display,
        flag: &'static str,
        error: &std::io::Error,
    ) -> Self {
        use std::io::ErrorKind;
        let reason = match error.kind() {
            ErrorKind::AddrInUse => "address already in use".to_owned(),
            ErrorKind::PermissionDenied => "permission denied".to_owned(),
            ErrorKind::AddrNotAvailable => "no such address on this host".to_owned(),
            _ => error.to_string(),
        };
        ConfigError::CannotListen {
            address: address.to_string(),
            reason,
            flag,
        }
    }
}

/// A validated configuration: what the exporter runs with. Only
/// [`ExporterConfigBuilder::build`] makes one, so every one has passed its checks.
#[derive(Debug, Clone)]
pub struct ExporterConfig {
    token: TokenSource,
    api_url: String,
    api_flavor: ApiFlavor,
    zones: Vec<String>,
    poll_interval: Duration,
    poll_timeout: Duration,
    listen_address: ListenAddress,
    telemetry_path: TelemetryPath,
    api_limits: Limits,
    web_config: Option<WebConfig>,
}

impl ExporterConfig {
    /// A configuration polling `api_url` with `token`; everything else defaults as on the
    /// command line until set.
    pub fn builder(api_url: impl Into<String>, token: TokenSource) -> ExporterConfigBuilder {
        ExporterConfigBuilder {
            token,
            api_url: api_url.into(),
            api_flavor: ApiFlavor::Instance,
            zones: Vec::new(),
            poll_interval: DEFAULT_POLL_INTERVAL,
            poll_timeout: DEFAULT_POLL_TIMEOUT,
            listen_address: DEFAULT_LISTEN_ADDRESS.to_owned(),
            telemetry_path: DEFAULT_TELEMETRY_PATH.to_owned(),
            api_limits: Limits::default(),
            web_config_file: None,
        }
    }

    pub fn token(&self) -> &TokenSource {
        &self.token
    }

    /// Base URL without a trailing slash.
    pub fn api_url(&self) -> &str {
        &self.api_url
    }

    pub fn api_flavor(&self) -> ApiFlavor {
        self.api_flavor
    }

    /// Zones to poll (instance) or the one zone label (legacy); never empty.
    pub fn zones(&self) -> &[String] {
        &self.zones
    }

    pub fn poll_interval(&self) -> Duration {
        self.poll_interval
    }

    /// Never longer than [`Self::poll_interval`].
    pub fn poll_timeout(&self) -> Duration {
        self.poll_timeout
    }

    pub fn listen_address(&self) -> &ListenAddress {
        &self.listen_address
    }

    pub fn telemetry_path(&self) -> &TelemetryPath {
        &self.telemetry_path
    }

    /// `--scaleway.max-body-size` and `--scaleway.rate-limit`.
    pub fn api_limits(&self) -> &Limits {
        &self.api_limits
    }

    /// `--web.config.file`, loaded: TLS, basic auth, headers.
    pub fn web_config(&self) -> Option<&WebConfig> {
        self.web_config.as_ref()
    }
}

/// The settings of an [`ExporterConfig`] as given, checked by [`Self::build`].
#[derive(Debug, Clone)]
#[must_use]
pub struct ExporterConfigBuilder {
    token: TokenSource,
    api_url: String,
    api_flavor: ApiFlavor,
    zones: Vec<String>,
    poll_interval: Duration,
    poll_timeout: Duration,
    listen_address: String,
    telemetry_path: String,
    api_limits: Limits,
    web_config_file: Option<PathBuf>,
}

impl ExporterConfigBuilder {
    pub fn api_flavor(mut self, flavor: ApiFlavor) -> Self {
        self.api_flavor = flavor;
        self
    }

    /// Zones to poll; none means every zone (instance) or `par1` (legacy).
    pub fn zones<Z: Into<String>>(mut self, zones: impl IntoIterator<Item = Z>) -> Self {
        self.zones = zones.into_iter().map(Into::into).collect();
        self
    }

    pub fn poll_interval(mut self, interval: Duration) -> Self {
        self.poll_interval = interval;
        self
    }

    pub fn poll_timeout(mut self, timeout: Duration) -> Self {
        self.poll_timeout = timeout;
        self
    }

    /// `:PORT` or `HOST:PORT`.
    pub fn listen_address(mut self, address: impl Into<String>) -> Self {
        self.listen_address = address.into();
        self
    }

    pub fn telemetry_path(mut self, path: impl Into<String>) -> Self {
        self.telemetry_path = path.into();
        self
    }

    pub fn max_body_size(mut self, bytes: usize) -> Self {
        self.api_limits.max_body_size = bytes;
        self
    }

    pub fn rate_limit(mut self, requests_per_second: f64) -> Self {
        self.api_limits.requests_per_second = requests_per_second;
        self
    }

    /// The web config file, loaded and checked by [`Self::build`].
    pub fn web_config_file(mut self, path: Option<impl Into<PathBuf>>) -> Self {
        self.web_config_file = path.map(Into::into);
        self
    }

    /// Checks every setting; the first that cannot run is the error.
    pub fn build(self) -> Result<ExporterConfig, ConfigError> {
        let zones = resolve_zones(self.api_flavor, &self.zones)?;
        let api_url = resolve_api_url(&self.api_url)?;
        let listen_address = ListenAddress::parse(&self.listen_address).ok_or_else(|| {
            ConfigError::BadListenAddress {
                address: self.listen_address.clone(),
            }
        })?;
        let telemetry_path = TelemetryPath::new(&self.telemetry_path).map_err(|reason| {
            ConfigError::BadTelemetryPath {
                path: self.telemetry_path.clone(),
                reason,
            }
        })?;
        for (flag, duration) in [
            ("--poll.interval", self.poll_interval),
            ("--poll.timeout", self.poll_timeout),
        ] {
            cli::check_duration(duration).map_err(|reason| ConfigError::BadValue {
                flag,
                value: humantime::format_duration(duration).to_string(),
                reason,
            })?;
        }
        if self.poll_timeout > self.poll_interval {
            return Err(ConfigError::TimeoutLongerThanInterval {
                timeout: humantime::format_duration(self.poll_timeout).to_string(),
                interval: humantime::format_duration(self.poll_interval).to_string(),
            });
        }
        let Limits {
            max_body_size,
            requests_per_second,
        } = self.api_limits;
        cli::check_body_size(max_body_size).map_err(|reason| ConfigError::BadValue {
            flag: "--scaleway.max-body-size",
            value: max_body_size.to_string(),
            reason,
        })?;
        cli::check_rate(requests_per_second).map_err(|reason| ConfigError::BadValue {
            flag: "--scaleway.rate-limit",
            value: format!("{requests_per_second:?}"),
            reason,
        })?;
        let web_config = match &self.web_config_file {
            Some(path) => Some(load_web_config(path)?),
            None => None,
        };
        Ok(ExporterConfig {
            token: self.token,
            api_url,
            api_flavor: self.api_flavor,
            zones,
            poll_interval: self.poll_interval,
            poll_timeout: self.poll_timeout,
            listen_address,
            telemetry_path,
            api_limits: self.api_limits,
            web_config,
        })
    }
}

fn load_web_config(path: &Path) -> Result<WebConfig, ConfigError> {
    std::fs::metadata(path).map_err(|e| ConfigError::UnreadableWebConfig {
        path: path.to_owned(),
        reason: e.to_string(),
    })?;
    WebConfig::load(path).map_err(|reason| ConfigError::BadWebConfig {
        path: path.to_owned(),
        // One line, whatever the YAML parser wrote.
        reason: reason.split_whitespace().collect::<Vec<_>>().join(" "),
    })
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
    /// Reads the key (`env_token` is `SCW_SECRET_KEY`) and builds the configuration.
    pub fn resolve(&self, env_token: Option<String>) -> Result<ExporterConfig, ConfigError> {
        let token = match &self.api.secret_key_file {
            Some(path) => TokenSource::from_file(path)?,
            None => {
                let token = env_token.ok_or(ConfigError::MissingToken)?;
                TokenSource::fixed(SecretKey::new(&token, "SCW_SECRET_KEY")?)
            }
        };
        ExporterConfig::builder(&self.api.api_url, token)
            .api_flavor(self.api.api_flavor)
            .zones(&self.api.zones)
            .max_body_size(self.limits.max_body_size)
            .rate_limit(self.limits.rate_limit)
            .poll_interval(self.poll.interval)
            .poll_timeout(self.poll.timeout)
            .listen_address(&self.web.listen_address)
            .telemetry_path(&self.web.telemetry_path)
            .web_config_file(self.web.web_config_file.as_ref())
            .build()
    }
}

fn resolve_zones(flavor: ApiFlavor, given: &[String]) -> Result<Vec<String>, ConfigError> {
    // Trim and drop empty entries: `SCW_EXPORTER_ZONES="fr-par-1, nl-ams-1,"` is a typo, not an error.
    let mut zones: Vec<String> = Vec::new();
    for zone in given.iter().map(|z| z.trim()).filter(|z| !z.is_empty()) {
        if !zones.iter().any(|known| known == zone) {
            zones.push(zone.to_owned());
        }
    }
    match flavor {
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

fn resolve_api_url(text: &str) -> Result<String, ConfigError> {
    let bad = |reason: &str| ConfigError::BadApiUrl {
        url: text.to_owned(),
        reason: reason.to_owned(),
    };
    // The URL parser drops white space and control characters that the client's requests,
    // built from this text, would then choke on.
    if text.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err(bad("a URL holds no white space"));
    }
    // `api.scaleway.com` does not parse, and `localhost:8080` parses as the scheme `localhost`.
    if !text.contains("://") {
        return Err(bad(&format!(
            "no scheme; did you mean {}?",
            with_scheme(text)
        )));
    }
    let url = reqwest::Url::parse(text).map_err(|e| bad(&e.to_string()))?;
    if !matches!(url.scheme(), "http" | "https") {
        return Err(bad("the scheme must be http or https"));
    }
    if url.query().is_some() || url.fragment().is_some() {
        return Err(bad("a base URL takes no query or fragment"));
    }
    Ok(text.trim_end_matches('/').to_owned())
}

/// `text` with the scheme it most likely lacks: `http://` on loopback (the simulator, a
/// test), else `https://`, as the real API speaks.
fn with_scheme(text: &str) -> String {
    let host = text.trim_start_matches('/');
    let loopback = ["localhost", "127.", "[::1]"]
        .iter()
        .any(|prefix| host.starts_with(prefix));
    format!("{}://{host}", if loopback { "http" } else { "https" })
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::Parser as _;

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
        assert_eq!(config.zones().len(), 10);
        assert_eq!(config.zones()[0], "fr-par-1");
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
        assert_eq!(config.zones(), ["par1"]);
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
            Err(ConfigError::Secret(SecretError::Empty { .. }))
        ));
    }

    #[test]
    fn the_token_never_shows_in_debug_output() {
        let config = args(&[])
            .resolve(Some("tok-3f1c-distinctive".into()))
            .unwrap();
        let shown = format!("{config:?}");
        assert!(!shown.contains("tok-3f1c-distinctive"), "{shown}");
        assert_eq!(config.token().current().expose(), "tok-3f1c-distinctive");
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
    fn api_urls_must_be_http_and_lose_their_trailing_slash() {
        let config = args(&["--scaleway.api-url", "http://127.0.0.1:8080/"])
            .resolve(Some("k".into()))
            .unwrap();
        assert_eq!(config.api_url(), "http://127.0.0.1:8080");
        for bad in [
            "ftp://x",
            "not a url",
            "http://x/?a=b",
            "http://exa\nmple.com",
            " http://x",
        ] {
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

    #[test]
    fn a_url_without_a_scheme_gets_one_suggested() {
        for (given, suggested) in [
            ("api.scaleway.com", "https://api.scaleway.com"),
            ("api.scaleway.com:443/", "https://api.scaleway.com:443/"),
            ("localhost:8080", "http://localhost:8080"),
            ("127.0.0.1:8080", "http://127.0.0.1:8080"),
        ] {
            let err = args(&["--scaleway.api-url", given])
                .resolve(Some("k".into()))
                .unwrap_err();
            assert_eq!(
                err.to_string(),
                format!("bad --scaleway.api-url {given:?}: no scheme; did you mean {suggested}?")
            );
        }
    }

    fn builder() -> ExporterConfigBuilder {
        ExporterConfig::builder(
            "http://127.0.0.1:9",
            TokenSource::fixed(SecretKey::new("k", "test").unwrap()),
        )
    }

    #[test]
    fn the_builder_defaults_are_the_command_line_defaults() {
        let built = builder().build().unwrap();
        let parsed = args(&[]).resolve(Some("k".into())).unwrap();
        assert_eq!(built.zones(), parsed.zones());
        assert_eq!(built.api_flavor(), parsed.api_flavor());
        assert_eq!(built.poll_interval(), parsed.poll_interval());
        assert_eq!(built.poll_timeout(), parsed.poll_timeout());
        assert_eq!(built.listen_address(), parsed.listen_address());
        assert_eq!(built.telemetry_path(), parsed.telemetry_path());
        assert_eq!(built.api_limits(), parsed.api_limits());
        assert!(built.web_config().is_none());
    }

    #[test]
    fn the_builder_refuses_what_the_command_line_refuses() {
        let refused = |builder: ExporterConfigBuilder| builder.build().unwrap_err().to_string();
        assert!(
            refused(builder().telemetry_path("/inventory.json")).contains("a page of the exporter")
        );
        assert!(refused(builder().telemetry_path("/{x}")).contains("route syntax"));
        assert!(refused(builder().zones(["paris"])).starts_with("malformed zone"));
        assert!(refused(builder().listen_address("10059")).starts_with("bad --web.listen-address"));
        assert!(refused(builder().poll_timeout(Duration::from_secs(120)))
            .contains("must not be longer"));
        assert!(refused(builder().poll_interval(Duration::ZERO)).contains("longer than zero"));
        assert!(refused(
            builder()
                .poll_interval(MAX_DURATION * 2)
                .poll_timeout(Duration::from_secs(1))
        )
        .contains("at most 365 days"));
        assert!(refused(builder().rate_limit(1e-300)).starts_with("bad --scaleway.rate-limit"));
        assert!(refused(builder().rate_limit(f64::NAN)).starts_with("bad --scaleway.rate-limit"));
        assert!(refused(builder().max_body_size(0)).starts_with("bad --scaleway.max-body-size"));
        assert!(
            refused(builder().web_config_file(Some("/nonexistent/web.yml")))
                .starts_with("cannot read the web config file /nonexistent/web.yml")
        );
        assert!(refused(ExporterConfig::builder(
            "api.scaleway.com",
            TokenSource::fixed(SecretKey::new("k", "test").unwrap())
        ))
        .contains("did you mean https://api.scaleway.com?"));
    }

    #[test]
    fn a_busy_port_says_which_flag_moves_it() {
        let error = std::io::Error::from(std::io::ErrorKind::AddrInUse);
        let listen = ListenAddress::parse(":10059").unwrap();
        assert_eq!(
            ConfigError::cannot_listen(&listen, "--web.listen-address", &error).to_string(),
            "cannot listen on :10059: address already in use; choose another with --web.listen-address"
        );
    }
}
