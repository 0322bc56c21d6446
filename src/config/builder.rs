//! [`ExporterConfigBuilder`]: the one way to an [`ExporterConfig`], every setting checked.

use std::path::PathBuf;
use std::time::Duration;

use super::checks::{read_web_config, resolve_api_url, resolve_targets, resolve_zones};
use super::TelemetryPath;
use super::{
    cli, ConfigError, ExporterConfig, ListenAddress, DEFAULT_LISTEN_ADDRESS, DEFAULT_POLL_INTERVAL,
    DEFAULT_POLL_TIMEOUT, DEFAULT_TELEMETRY_PATH,
};
use crate::api::{ApiFlavor, Limits};
use crate::product::Product;
use crate::secret::is_uuid;
use crate::secret::TokenSource;

/// The settings of an [`ExporterConfig`] as given, checked by [`Self::build`].
#[derive(Debug, Clone)]
#[must_use]
pub struct ExporterConfigBuilder {
    token: TokenSource,
    api_url: String,
    api_flavor: ApiFlavor,
    zones: Vec<String>,
    products: Vec<Product>,
    poll_interval: Duration,
    /// None: the default, [`DEFAULT_POLL_TIMEOUT`] or the interval when that is shorter.
    poll_timeout: Option<Duration>,
    listen_address: String,
    telemetry_path: String,
    api_limits: Limits,
    web_config_file: Option<PathBuf>,
    default_organization_id: Option<String>,
}

impl ExporterConfigBuilder {
    /// Every setting as the command line defaults it (see [`ExporterConfig::builder`]).
    pub(super) fn new(api_url: String, token: TokenSource) -> Self {
        ExporterConfigBuilder {
            token,
            api_url,
            api_flavor: ApiFlavor::Instance,
            zones: Vec::new(),
            products: Vec::new(),
            poll_interval: DEFAULT_POLL_INTERVAL,
            poll_timeout: None,
            listen_address: DEFAULT_LISTEN_ADDRESS.to_owned(),
            telemetry_path: DEFAULT_TELEMETRY_PATH.to_owned(),
            api_limits: Limits::default(),
            web_config_file: None,
            default_organization_id: None,
        }
    }

    pub fn api_flavor(mut self, flavor: ApiFlavor) -> Self {
        self.api_flavor = flavor;
        self
    }

    /// Zones to poll; none means every zone (instance) or `par1` (legacy).
    pub fn zones<Z: Into<String>>(mut self, zones: impl IntoIterator<Item = Z>) -> Self {
        self.zones = zones.into_iter().map(Into::into).collect();
        self
    }

    /// Products to poll, each whatever it answers; none means every product the key may
    /// read (Instances alone with the legacy API).
    pub fn products(mut self, products: impl IntoIterator<Item = Product>) -> Self {
        self.products = products.into_iter().collect();
        self
    }

    pub fn poll_interval(mut self, interval: Duration) -> Self {
        self.poll_interval = interval;
        self
    }

    /// The deadline of one zone's poll; `None` (the command line without `--poll.timeout`)
    /// follows a poll interval shorter than [`DEFAULT_POLL_TIMEOUT`], so that
    /// `--poll.interval=10s` alone is accepted.
    pub fn poll_timeout(mut self, timeout: impl Into<Option<Duration>>) -> Self {
        self.poll_timeout = timeout.into();
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

    /// The organization whose projects the key sees by default: a UUID.
    pub fn default_organization_id(mut self, id: Option<impl Into<String>>) -> Self {
        self.default_organization_id = id.map(Into::into);
        self
    }

    /// Checks every setting; the first that cannot run is the error.
    pub fn build(self) -> Result<ExporterConfig, ConfigError> {
        let zones = resolve_zones(self.api_flavor, &self.zones)?;
        let (targets, named_products) = resolve_targets(
            self.api_flavor,
            &self.products,
            &zones,
            self.zones.is_empty(),
        )?;
        let api_url = resolve_api_url(&self.api_url)?;
        let listen_address = ListenAddress::parse(&self.listen_address).map_err(|reason| {
            ConfigError::BadListenAddress {
                address: self.listen_address.clone(),
                reason,
            }
        })?;
        let telemetry_path = TelemetryPath::new(&self.telemetry_path).map_err(|reason| {
            ConfigError::BadTelemetryPath {
                path: self.telemetry_path.clone(),
                reason,
            }
        })?;
        let poll_timeout = poll_timeout(self.poll_interval, self.poll_timeout)?;
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
        if let Some(id) = self
            .default_organization_id
            .as_deref()
            .filter(|id| !is_uuid(id))
        {
            return Err(ConfigError::BadValue {
                flag: "default organization id",
                value: id.to_owned(),
                reason: "expected a UUID".to_owned(),
            });
        }
        let web_config = match &self.web_config_file {
            Some(path) => Some((path.clone(), read_web_config(path)?)),
            None => None,
        };
        Ok(ExporterConfig {
            token: self.token,
            api_url,
            api_flavor: self.api_flavor,
            zones,
            targets,
            named_products,
            poll_interval: self.poll_interval,
            poll_timeout,
            listen_address,
            telemetry_path,
            api_limits: self.api_limits,
            web_config,
            default_organization_id: self.default_organization_id,
        })
    }
}

/// The poll timeout: the one given, or [`DEFAULT_POLL_TIMEOUT`] cut to a shorter interval;
/// refused when either duration cannot run or the timeout outlasts the interval.
fn poll_timeout(interval: Duration, given: Option<Duration>) -> Result<Duration, ConfigError> {
    let timeout = given.unwrap_or(DEFAULT_POLL_TIMEOUT.min(interval));
    for (flag, duration) in [("--poll.interval", interval), ("--poll.timeout", timeout)] {
        cli::check_duration(duration).map_err(|reason| ConfigError::BadValue {
            flag,
            value: humantime::format_duration(duration).to_string(),
            reason,
        })?;
    }
    if timeout > interval {
        return Err(ConfigError::TimeoutLongerThanInterval {
            timeout: humantime::format_duration(timeout).to_string(),
            interval: humantime::format_duration(interval).to_string(),
        });
    }
    Ok(timeout)
}

#[cfg(test)]
mod tests {
    use super::*;

    const fn secs(n: u64) -> Duration {
        Duration::from_secs(n)
    }

    #[test]
    fn a_poll_interval_below_30s_alone_is_accepted_and_the_timeout_follows_it() {
        assert_eq!(poll_timeout(secs(10), None).unwrap(), secs(10));
        assert_eq!(poll_timeout(secs(60), None).unwrap(), DEFAULT_POLL_TIMEOUT);
        assert_eq!(poll_timeout(secs(10), Some(secs(4))).unwrap(), secs(4));
        assert!(matches!(
            poll_timeout(secs(10), Some(secs(30))),
            Err(ConfigError::TimeoutLongerThanInterval { .. })
        ));
    }
}
