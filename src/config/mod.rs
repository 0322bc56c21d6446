//! The command line: every flag has an environment twin, as DESIGN.md fixes them.
//!
//! Parsing happens in two steps. clap turns `argv` and the environment into [`Cli`]; then
//! [`ExporterArgs::resolve`] checks what clap cannot (zones, URL, paths, the token) and gives
//! an [`ExporterConfig`] that the rest of the program trusts. Either step's error is one line
//! and exit code 2 (see `main.rs`).

mod cli;
mod listen;
mod telemetry_path;

use std::path::{Path, PathBuf};
use std::time::Duration;

use crate::api::{ApiFlavor, Limits};
use crate::secret::{SecretError, SecretKey, TokenSource};
use crate::web::WebConfig;

pub use cli::parse_byte_size;
pub use cli::{
    Cli, Command, DemoArgs, ExporterArgs, HealthArgs, LogFormat, LogLevel, SimulateArgs,
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
    pub telemetry_path: TelemetryPath,
    /// `--scaleway.max-body-size` and `--scaleway.rate-limit`.
    pub api_limits: Limits,
    /// `--web.config.file`, loaded: TLS, basic auth, headers.
    pub web_config: Option<WebConfig>,
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
        let telemetry_path = TelemetryPath::new(&self.telemetry_path).map_err(|reason| {
            ConfigError::BadTelemetryPath {
                path: self.telemetry_path.clone(),
                reason,
            }
        })?;
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
            telemetry_path,
            api_limits: self.api_limits(),
            web_config,
        })
    }

    /// What the API client may ask and read, from the flags.
    pub fn api_limits(&self) -> Limits {
        Limits {
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
        assert_eq!(config.token.current().expose(), "tok-3f1c-distinctive");
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
