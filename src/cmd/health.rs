//! `scaleway_exporter health`: asks a running exporter's `/healthz` and exits 0 or 1.
//!
//! It exists for the container `HEALTHCHECK`: the runtime image has no shell and no curl.
//! It reads the same `--web.listen-address` (or `SCW_EXPORTER_LISTEN_ADDRESS`) as the
//! exporter it checks, so the one environment of a container configures both. The request
//! is plain HTTP/1.1 over a TCP stream: no proxy variable, nothing that could make the check
//! fail while the exporter is fine. When the same `--web.config.file` turns TLS on, the
//! stream is TLS, without checking the certificate: the check asks its own process on
//! loopback whether it is alive (`/healthz` needs no password).

use std::net::{Ipv4Addr, Ipv6Addr, SocketAddr};
use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use tokio::io::{AsyncRead, AsyncReadExt as _, AsyncWrite, AsyncWriteExt as _};
use tokio::net::TcpStream;

use crate::config::ListenAddress;

/// The longest status line and headers read from the answer; `/healthz` answers far less.
const MAX_ANSWER_BYTES: usize = 4096;

/// Why the check failed, in words for the one line the command prints.
#[derive(Debug, thiserror::Error)]
pub enum HealthError {
    #[error("cannot resolve {address}: {reason}")]
    Resolve { address: String, reason: String },
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
    match tokio::time::timeout(timeout, exchange(address, &url, tls)).await {
        Ok(result) => result,
        Err(_) => Err(HealthError::Timeout {
            url,
            timeout: humantime::format_duration(timeout).to_string(),
        }),
    }
}

async fn exchange(address: &str, url: &str, tls: bool) -> Result<(), HealthError> {
    let addresses: Vec<SocketAddr> = tokio::net::lookup_host(address)
        .await
        .map_err(|e| HealthError::Resolve {
            address: address.to_owned(),
            reason: e.to_string(),
        })?
        .collect();
    let mut last_error = None;
    let mut stream = None;
    for candidate in &addresses {
        match TcpStream::connect(candidate).await {
            Ok(connected) => {
                stream = Some(connected);
                break;
            }
            Err(e) => last_error = Some(e.to_string()),
        }
    }
    let stream = stream.ok_or_else(|| HealthError::Connect {
        address: address.to_owned(),
        reason: last_error.unwrap_or_else(|| "no address".to_owned()),
    })?;
    if !tls {
        return ask(stream, address, url).await;
    }
    let connector =
        tokio_rustls::TlsConnector::from(Arc::new(crate::web::loopback_client_config()));
    let host = address
        .rsplit_once(':')
        .map_or(address, |(host, _)| host)
        .trim_start_matches('[')
        .trim_end_matches(']')
        .to_owned();
    let server_name = rustls::pki_types::ServerName::try_from(host)
        .unwrap_or_else(|_| rustls::pki_types::ServerName::try_from("localhost").expect("a name"));
    let stream =
        connector
            .connect(server_name, stream)
            .await
            .map_err(|e| HealthError::Exchange {
                url: url.to_owned(),
                reason: format!("TLS handshake: {e}"),
            })?;
    ask(stream, address, url).await
}

/// Sends the request on `stream` and reads the status line.
async fn ask(
    mut stream: impl AsyncRead + AsyncWrite + Unpin,
    address: &str,
    url: &str,
) -> Result<(), HealthError> {
    let exchange_error = |e: std::io::Error| HealthError::Exchange {
        url: url.to_owned(),
        reason: e.to_string(),
    };
    let request = format!(
        "GET /healthz HTTP/1.1\r\nHost: {address}\r\nUser-Agent: scaleway_exporter-health/{}\r\nAccept: */*\r\nConnection: close\r\n\r\n",
        crate::build_info::VERSION
    );
    stream
        .write_all(request.as_bytes())
        .await
        .map_err(exchange_error)?;
    let mut answer = Vec::with_capacity(256);
    let mut buffer = [0u8; 512];
    // The status line is all the check needs: read until it is complete, or the answer ends.
    while !answer.contains(&b'\n') && answer.len() < MAX_ANSWER_BYTES {
        let read = stream.read(&mut buffer).await.map_err(exchange_error)?;
        if read == 0 {
            break;
        }
        answer.extend_from_slice(&buffer[..read]);
    }
    let status_line = String::from_utf8_lossy(&answer)
        .lines()
        .next()
        .unwrap_or("")
        .trim_end()
        .to_owned();
    if status_line.is_empty() {
        return Err(HealthError::Exchange {
            url: url.to_owned(),
            reason: "the connection closed without an answer".to_owned(),
        });
    }
    if is_ok_status(&status_line) {
        Ok(())
    } else {
        Err(HealthError::NotOk {
            url: url.to_owned(),
            status_line,
        })
    }
}

/// The `health` subcommand: prints one line, exits 0 when healthy, 1 when not, and 2 when
/// the listen address or the web config is bad (a configuration error, like the exporter's).
pub fn main(
    listen_address: &str,
    timeout: Duration,
    web_config_file: Option<&Path>,
) -> std::process::ExitCode {
    use std::process::ExitCode;
    let Some(listen) = ListenAddress::parse(listen_address) else {
        eprintln!(
            "scaleway_exporter: bad --web.listen-address {listen_address:?}: expected :PORT or HOST:PORT"
        );
        return ExitCode::from(2);
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
    let text = std::fs::read_to_string(path)
        .map_err(|e| format!("cannot read the web config file {}: {e}", path.display()))?;
    let dir = path.parent().unwrap_or(Path::new("."));
    crate::web::parse_web_config(&text, dir)
        .map(|parsed| parsed.tls.is_some())
        .map_err(|reason| {
            let reason = reason
                .to_string()
                .split_whitespace()
                .collect::<Vec<_>>()
                .join(" ");
            format!("bad web config file {}: {reason}", path.display())
        })
}

/// True for `HTTP/1.0 200 ...` or `HTTP/1.1 200 ...`.
fn is_ok_status(status_line: &str) -> bool {
    let mut parts = status_line.split_whitespace();
    matches!(
        (parts.next(), parts.next()),
        (Some("HTTP/1.1" | "HTTP/1.0"), Some("200"))
    )
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

    #[test]
    fn only_a_200_status_line_is_healthy() {
        assert!(is_ok_status("HTTP/1.1 200 OK"));
        assert!(is_ok_status("HTTP/1.0 200"));
        assert!(!is_ok_status("HTTP/1.1 503 Service Unavailable"));
        assert!(!is_ok_status("HTTP/1.1 2000 OK"));
        assert!(!is_ok_status("SSH-2.0-OpenSSH_9.2"));
    }
}
