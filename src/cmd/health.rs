//! `scaleway_exporter health`: asks a running exporter's `/healthz` and exits 0 or 1.
//!
//! It exists for the container `HEALTHCHECK`: the runtime image has no shell and no curl.
//! It reads the same `--web.listen-address` (or `SCW_EXPORTER_LISTEN_ADDRESS`) as the
//! exporter it checks, so the one environment of a container configures both, and GETs
//! `/healthz` with the crate's HTTP client (reqwest, rustls). When the same
//! `--web.config.file` turns TLS on, the request is HTTPS, without checking the certificate:
//! the check asks its own process on loopback whether it is alive (`/healthz` needs no
//! password). It has no client certificate to send: with `RequireAnyClientCert` or
//! `RequireAndVerifyClientCert` it cannot pass (docs/security.md says to probe the port
//! instead).

use std::net::{Ipv4Addr, Ipv6Addr, SocketAddr};
use std::path::Path;
use std::time::Duration;

use crate::config::ListenAddress;

/// Why the check failed, in words for the one line the command prints.
#[derive(Debug, thiserror::Error)]
pub enum HealthError {
    #[error("cannot connect to {address}: {reason}")]
    Connect { address: String, reason: String },
    #[error("{url} did not answer within {timeout}")]
    Timeout { url: String, timeout: String },
    #[error("{url}: {reason}")]
    Exchange { url: String, reason: String },
    #[error("{url} answered {status_line:?}, not 200")]
    NotOk { url: String, status_line: String },
}

/// Where to reach an exporter that listens on `listen`: `:PORT` and the unspecified
/// addresses (`0.0.0.0`, `[::]`) mean this host, so they become loopback.
pub fn target(listen: &ListenAddress) -> String {
    match listen {
        ListenAddress::AllInterfaces(port) => format!("127.0.0.1:{port}"),
        ListenAddress::Host(address) => match address.parse::<SocketAddr>() {
            Ok(SocketAddr::V4(a)) if a.ip().is_unspecified() => {
                SocketAddr::from((Ipv4Addr::LOCALHOST, a.port())).to_string()
            }
            Ok(SocketAddr::V6(a)) if a.ip().is_unspecified() => {
                SocketAddr::from((Ipv6Addr::LOCALHOST, a.port())).to_string()
            }
            _ => address.clone(),
        },
    }
}

/// GETs `/healthz` on `address` (`HOST:PORT`), over TLS when `tls`; `Ok` on a 200 within
/// `timeout`.
pub async fn check(address: &str, timeout: Duration, tls: bool) -> Result<(), HealthError> {
    let url = format!("{}://{address}/healthz", if tls { "https" } else { "http" });
    let exchange = |e: &reqwest::Error| HealthError::Exchange {
        url: url.clone(),
        reason: innermost(e),
    };
    let client = reqwest::Client::builder()
        // The exporter is on this host: an HTTP(S)_PROXY in the environment must not
        // make the check fail, or pass, while the exporter is fine, or not.
        .no_proxy()
        // Only a 200 from `/healthz` itself is healthy.
        .redirect(reqwest::redirect::Policy::none())
        .timeout(timeout)
        .user_agent(format!(
            "scaleway_exporter-health/{}",
            crate::build_info::VERSION
        ))
        // The question is liveness of the process on loopback, not its identity: the
        // certificate is often self-signed or from a private CA, and names a host rather
        // than 127.0.0.1, so it is taken as it comes.
        .danger_accept_invalid_certs(tls)
        .build()
        .map_err(|e| exchange(&e))?;
    let response = client.get(&url).send().await.map_err(|e| {
        if e.is_timeout() {
            HealthError::Timeout {
                url: url.clone(),
                timeout: humantime::format_duration(timeout).to_string(),
            }
        } else if e.is_connect() {
            HealthError::Connect {
                address: address.to_owned(),
                reason: innermost(&e),
            }
        } else {
            exchange(&e)
        }
    })?;
    if response.status() == reqwest::StatusCode::OK {
        Ok(())
    } else {
        Err(HealthError::NotOk {
            url,
            status_line: format!("{:?} {}", response.version(), response.status()),
        })
    }
}

/// The root cause of a request's failure (`Connection refused (os error 111)`, a TLS
/// alert), rather than reqwest's own "error sending request for url".
fn innermost(error: &reqwest::Error) -> String {
    let mut cause: &dyn std::error::Error = error;
    while let Some(source) = cause.source() {
        cause = source;
    }
    cause.to_string()
}

/// The `health` subcommand: prints one line, exits 0 when healthy, 1 when not, and 2 when
/// the listen address or the web config is bad (a configuration error, like the exporter's).
pub fn main(
    listen_address: &str,
    timeout: Duration,
    web_config_file: Option<&Path>,
) -> std::process::ExitCode {
    use std::process::ExitCode;
    let listen = match ListenAddress::parse(listen_address) {
        Ok(listen) => listen,
        Err(reason) => {
            eprintln!("scaleway_exporter: bad --web.listen-address {listen_address:?}: {reason}");
            return ExitCode::from(2);
        }
    };
    let tls = match web_config_file.map(serves_tls) {
        None => false,
        Some(Ok(tls)) => tls,
        Some(Err(reason)) => {
            eprintln!("scaleway_exporter: {reason}");
            return ExitCode::from(2);
        }
    };
    let runtime = match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(e) => {
            eprintln!("scaleway_exporter: health check failed: cannot start the runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    let address = target(&listen);
    match runtime.block_on(check(&address, timeout, tls)) {
        Ok(()) => {
            let scheme = if tls { "https" } else { "http" };
            println!("healthy: {scheme}://{address}/healthz answered 200");
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("scaleway_exporter: health check failed: {e}");
            ExitCode::FAILURE
        }
    }
}

/// Whether the web config turns TLS on; its certificates are the exporter's business.
fn serves_tls(path: &Path) -> Result<bool, String> {
    crate::config::read_web_config(path)
        .map(|file| file.serves_tls())
        .map_err(|error| error.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_port_alone_or_an_unspecified_host_is_checked_on_loopback() {
        assert_eq!(
            target(&ListenAddress::AllInterfaces(10059)),
            "127.0.0.1:10059"
        );
        assert_eq!(
            target(&ListenAddress::Host("0.0.0.0:9100".into())),
            "127.0.0.1:9100"
        );
        assert_eq!(
            target(&ListenAddress::Host("[::]:9100".into())),
            "[::1]:9100"
        );
        assert_eq!(
            target(&ListenAddress::Host("10.0.0.7:10059".into())),
            "10.0.0.7:10059"
        );
        assert_eq!(
            target(&ListenAddress::Host("exporter.internal:10059".into())),
            "exporter.internal:10059"
        );
    }
}
