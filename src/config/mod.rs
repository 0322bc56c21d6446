//! The command line: every flag has an environment twin (docs/configuration.md).
//!
//! Parsing happens in two steps. clap turns `argv` and the environment into [`Cli`]; then
//! [`ExporterArgs::resolve`] finds the key (`credentials.rs`: the environment, else a
//! profile of the `scw` CLI's file, read by `scw_file.rs`) and
//! [`ExporterConfigBuilder::build`] checks what clap cannot (zones, URL, paths, the token)
//! and gives an [`ExporterConfig`] that the rest of the program trusts. The builder is the
//! only way to an `ExporterConfig`: the command line, the demo, the tests and the benchmarks
//! all go through the same checks. `cmd::start::parse_command_line` does both steps for
//! `main`; either step's error is one line and exit code 2.

mod builder;
mod checks;
mod cli;
mod credentials;
mod listen;
mod scw_file;
mod simulate_cli;
mod telemetry_path;
mod web_file;

use std::path::{Path, PathBuf};
use std::time::Duration;

use crate::api::{ApiFlavor, Limits};
use crate::product::{Product, ProductZone};
use crate::secret::{SecretError, TokenSource};

pub use builder::ExporterConfigBuilder;
pub use checks::{is_valid_zone, read_web_config};
pub use cli::{
    parse_byte_size, ApiArgs, Cli, Command, DemoArgs, ExporterArgs, HealthArgs, LimitArgs, LogArgs,
    LogFormat, LogLevel, PollArgs, ServeArgs, SimulateArgs, WebArgs, DEFAULT_LISTEN_ADDRESS,
    DEFAULT_TELEMETRY_PATH, MAX_DURATION, MAX_SIMULATED_SERVERS, MIN_RATE,
};
pub use credentials::{Environment, KeySource, Notice, ProfileError, Which};
pub use listen::ListenAddress;
pub use scw_file::SearchPath;
pub use telemetry_path::{TelemetryPath, RESERVED_PATHS};
pub use web_file::{
    check_bcrypt_hash, parse as parse_web_config, BadBcryptHash, ClientAuth, TlsSettings,
    TlsVersion, WebConfigFile, WebFileError, GO_CIPHER_SUITES, GO_CURVES, SETTABLE_HEADERS,
};

/// The zones of the Instance API polled when none is given (docs/api-notes.md#zones-and-endpoints).
pub const DEFAULT_ZONES: &[&str] = Product::Instance.zones();

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
        "no API secret key: set SCW_SECRET_KEY or --scaleway.secret-key-file, or run `scw init` \
         to write the scw CLI's config file{}, whose active profile then serves \
         (--scaleway.profile picks another); or try `scaleway_exporter demo`",
        scw_config.as_ref().map_or(" (with HOME set)".into(), |p| format!(" {}", p.display()))
    )]
    MissingToken {
        /// Where the `scw` CLI's file was looked for (none without `HOME`).
        scw_config: Option<PathBuf>,
    },
    #[error(transparent)]
    Secret(#[from] SecretError),
    #[error(transparent)]
    Profile(#[from] ProfileError),
    #[error("malformed zone {zone:?}: expected the form xx-yyy-N, such as fr-par-1")]
    MalformedZone { zone: String },
    #[error("malformed legacy zone label {zone:?}: expected letters and digits, such as par1")]
    MalformedLegacyZone { zone: String },
    #[error("the legacy API knows Instances only: --scaleway.product={product} needs --scaleway.api-flavor=instance")]
    LegacyProduct { product: Product },
    #[error("--scaleway.product={product} is served in none of the zones given with --scaleway.zone; its zones are {zones}")]
    ProductWithoutZone { product: Product, zones: String },
    #[error("the legacy API has no zones: give at most one --scaleway.zone, the label to use (got {count})")]
    TooManyLegacyZones { count: usize },
    #[error("bad --scaleway.api-url {url:?}: {reason}")]
    BadApiUrl { url: String, reason: String },
    #[error("bad --web.listen-address {address:?}: {reason}")]
    BadListenAddress { address: String, reason: String },
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
    /// The web config file at `path` is refused: one line, whatever the YAML parser wrote.
    pub fn bad_web_config(path: &Path, reason: &dyn std::fmt::Display) -> Self {
        let reason = reason.to_string();
        ConfigError::BadWebConfig {
            path: path.to_owned(),
            reason: collapse_whitespace(&reason),
        }
    }

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

/// `text` on one line: every run of white space, line breaks included, as one space. A
/// parser's multi-line message then fits the one line of a refusal.
pub fn collapse_whitespace(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// A validated configuration: what the exporter runs with. Only
/// [`ExporterConfigBuilder::build`] makes one, so every one has passed its checks.
#[derive(Debug, Clone)]
pub struct ExporterConfig {
    token: TokenSource,
    api_url: String,
    api_flavor: ApiFlavor,
    zones: Vec<String>,
    targets: Vec<ProductZone>,
    named_products: Vec<Product>,
    poll_interval: Duration,
    poll_timeout: Duration,
    listen_address: ListenAddress,
    telemetry_path: TelemetryPath,
    api_limits: Limits,
    web_config: Option<(PathBuf, WebConfigFile)>,
    default_organization_id: Option<String>,
}

impl ExporterConfig {
    /// A configuration polling `api_url` with `token`; everything else defaults as on the
    /// command line until set.
    pub fn builder(api_url: impl Into<String>, token: TokenSource) -> ExporterConfigBuilder {
        ExporterConfigBuilder::new(api_url.into(), token)
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

    /// Zones given or defaulted (instance), or the one zone label (legacy); never empty.
    pub fn zones(&self) -> &[String] {
        &self.zones
    }

    /// Every (product, zone) pair to poll: each selected product in its own zones, or in
    /// the zones given that are not known to lack it.
    pub fn targets(&self) -> &[ProductZone] {
        &self.targets
    }

    /// The products named with `--scaleway.product`: polled whatever they answer. Empty
    /// when none was named (every product the key may read).
    pub fn named_products(&self) -> &[Product] {
        &self.named_products
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

    /// `--web.config.file`, read and checked: TLS, basic auth, headers; its path.
    pub fn web_config(&self) -> Option<&(PathBuf, WebConfigFile)> {
        self.web_config.as_ref()
    }

    /// `SCW_DEFAULT_ORGANIZATION_ID`, else the profile's `default_organization_id`: a UUID.
    pub fn default_organization_id(&self) -> Option<&str> {
        self.default_organization_id.as_deref()
    }
}

/// The exporter's configuration from the command line, and what to say of it at start.
#[derive(Debug)]
pub struct Resolved {
    pub config: ExporterConfig,
    /// Where the key came from, for the start line.
    pub key_source: KeySource,
    /// What to warn about the `scw` CLI's file, once.
    pub notices: Vec<Notice>,
}

impl ExporterArgs {
    /// Finds the key, from `env` or a profile of the `scw` CLI's file, and builds the
    /// configuration.
    pub fn resolve(&self, env: &Environment) -> Result<Resolved, ConfigError> {
        let credentials = credentials::resolve(&self.api, env)?;
        let config = ExporterConfig::builder(credentials.api_url, credentials.token)
            .default_organization_id(credentials.default_organization_id)
            .api_flavor(self.api.api_flavor)
            .zones(&self.api.zones)
            .products(self.api.products.iter().copied())
            .max_body_size(self.limits.max_body_size)
            .rate_limit(self.limits.rate_limit)
            .poll_interval(self.poll.interval)
            .poll_timeout(self.poll.timeout)
            .listen_address(&self.web.serve.listen_address)
            .telemetry_path(&self.web.telemetry_path)
            .web_config_file(self.web.serve.web_config_file.as_ref())
            .build()?;
        Ok(Resolved {
            config,
            key_source: credentials.key_source,
            notices: credentials.notices,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::secret::SecretKey;
    use clap::CommandFactory as _;

    /// A key of the shape of a Scaleway secret key, as `SecretKey::new` requires.
    const KEY: &str = "c0ff1ce0-0000-4000-8000-00000000c0de";

    /// The exporter's flags as `main` parses them.
    struct Args(ExporterArgs);

    impl Args {
        /// With `key` as `SCW_SECRET_KEY`, and no `scw` config file.
        fn resolve(&self, key: Option<String>) -> Result<ExporterConfig, ConfigError> {
            let env = Environment::with_secret_key(key);
            self.0.resolve(&env).map(|resolved| resolved.config)
        }
    }

    fn args(argv: &[&str]) -> Args {
        let mut full = vec!["scaleway_exporter"];
        full.extend_from_slice(argv);
        let matches = Cli::command().try_get_matches_from(full).expect("parses");
        Args(Cli::from_matches(&matches).expect("parses").exporter)
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
        let config = args(&[]).resolve(Some(KEY.into())).unwrap();
        assert_eq!(config.zones().len(), 10);
        assert_eq!(config.zones()[0], "fr-par-1");
    }

    #[test]
    fn a_malformed_zone_is_refused_with_the_expected_form() {
        let err = args(&["--scaleway.zone", "fr-par-1", "--scaleway.zone", "paris"])
            .resolve(Some(KEY.into()))
            .unwrap_err();
        assert_eq!(
            err.to_string(),
            "malformed zone \"paris\": expected the form xx-yyy-N, such as fr-par-1"
        );
    }

    #[test]
    fn legacy_flavor_takes_one_zone_label_and_defaults_to_par1() {
        let config = args(&["--scaleway.api-flavor", "legacy"])
            .resolve(Some(KEY.into()))
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
        .resolve(Some(KEY.into()))
        .unwrap_err();
        assert!(matches!(err, ConfigError::TooManyLegacyZones { count: 2 }));
    }

    #[test]
    fn a_missing_token_is_refused() {
        assert!(matches!(
            args(&[]).resolve(None),
            Err(ConfigError::MissingToken { scw_config: None })
        ));
        assert!(matches!(
            args(&[]).resolve(Some("  \n".into())),
            Err(ConfigError::Secret(SecretError::Empty { .. }))
        ));
    }

    #[test]
    fn the_token_never_shows_in_debug_output() {
        let config = args(&[]).resolve(Some(KEY.into())).unwrap();
        let shown = format!("{config:?}");
        assert!(!shown.contains(KEY), "{shown}");
        assert_eq!(config.token().current().expose(), KEY);
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
            .resolve(Some(KEY.into()))
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
                    .resolve(Some(KEY.into()))
                    .is_err(),
                "{bad}"
            );
        }
    }

    #[test]
    fn a_poll_timeout_longer_than_the_interval_is_refused() {
        let err = args(&["--poll.interval", "10s", "--poll.timeout", "30s"])
            .resolve(Some(KEY.into()))
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
                .resolve(Some(KEY.into()))
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
            TokenSource::fixed(SecretKey::new(KEY, "test").unwrap()),
        )
    }

    #[test]
    fn the_builder_defaults_are_the_command_line_defaults() {
        let built = builder().build().unwrap();
        let parsed = args(&[]).resolve(Some(KEY.into())).unwrap();
        assert_eq!(built.zones(), parsed.zones());
        assert_eq!(built.api_flavor(), parsed.api_flavor());
        assert_eq!(built.poll_interval(), parsed.poll_interval());
        assert_eq!(built.poll_timeout(), parsed.poll_timeout());
        assert_eq!(built.listen_address(), parsed.listen_address());
        assert_eq!(built.telemetry_path(), parsed.telemetry_path());
        assert_eq!(built.api_limits(), parsed.api_limits());
        assert!(built.web_config().is_none());
        assert_eq!(built.default_organization_id(), None);
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
        assert!(refused(builder().default_organization_id(Some("acme"))).contains("a UUID"));
        assert!(
            refused(builder().web_config_file(Some("/nonexistent/web.yml")))
                .starts_with("cannot read the web config file /nonexistent/web.yml")
        );
        assert!(refused(ExporterConfig::builder(
            "api.scaleway.com",
            TokenSource::fixed(SecretKey::new(KEY, "test").unwrap())
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
