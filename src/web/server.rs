//! The HTTP server: accepts on a bound listener, over plain TCP or TLS, with the limits that
//! keep a misbehaving client from taking the exporter down.
//!
//! `axum::serve` has no header-read timeout and no bound on connections, so connections are
//! served here with hyper's HTTP/1 builder directly:
//!
//! - a client that opens a connection and sends its headers a byte at a time (slowloris) is
//!   cut off after [`ServerLimits::header_read_timeout`]; a TLS handshake gets the same time;
//! - request heads are read into at most [`ServerLimits::max_header_bytes`] (a bigger head
//!   is answered 431 and closed); no handler reads a request body;
//! - at most [`ServerLimits::max_connections`] connections are served at once: past it the
//!   server stops accepting, and new clients wait in the kernel's backlog until a slot frees.
//!
//! On shutdown it stops accepting, asks every connection to finish its request in flight,
//! and waits for them for at most [`DRAIN_TIMEOUT`].

use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::server::graceful::GracefulShutdown;
use hyper_util::service::TowerToHyperService;
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::Semaphore;

/// How long in-flight requests may take to finish after a shutdown signal, so the process
/// exits within five seconds of SIGTERM.
pub const DRAIN_TIMEOUT: Duration = Duration::from_millis(4500);

/// Bounds on what one client may cost.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ServerLimits {
    /// Time a client has to send a request's head (and to finish a TLS handshake).
    pub header_read_timeout: Duration,
    /// Bytes a request head may take; hyper's floor is 8 KiB.
    pub max_header_bytes: usize,
    /// Connections served at once.
    pub max_connections: usize,
}

/// hyper refuses a smaller read buffer.
const MIN_HEADER_BYTES: usize = 8 * 1024;

impl Default for ServerLimits {
    /// A Prometheus scrape sends a few hundred bytes of head at once and keeps one connection
    /// per target; these leave room for many scrapers, browsers and probes, and none for a
    /// client that trickles.
    fn default() -> Self {
        ServerLimits {
            header_read_timeout: Duration::from_secs(10),
            max_header_bytes: 16 * 1024,
            max_connections: 512,
        }
    }
}

/// Serves `router` on `listener` until `shutdown`, over TLS when `tls` is given.
pub async fn serve(
    listener: TcpListener,
    router: Router,
    tls: Option<Arc<rustls::ServerConfig>>,
    limits: ServerLimits,
    shutdown: impl Future<Output = ()> + Send,
) -> std::io::Result<()> {
    let acceptor = tls.map(tokio_rustls::TlsAcceptor::from);
    let slots = Arc::new(Semaphore::new(limits.max_connections.max(1)));
    let graceful = GracefulShutdown::new();
    let mut http = hyper::server::conn::http1::Builder::new();
    http.timer(TokioTimer::new())
        .header_read_timeout(limits.header_read_timeout)
        .max_buf_size(limits.max_header_bytes.max(MIN_HEADER_BYTES));
    let http = Arc::new(http);
    tokio::pin!(shutdown);
    loop {
        let slot = tokio::select! {
            _ = &mut shutdown => break,
            slot = slots.clone().acquire_owned() => slot.expect("the semaphore is never closed"),
        };
        let stream = tokio::select! {
            _ = &mut shutdown => break,
            accepted = listener.accept() => match accepted {
                Ok((stream, _peer)) => stream,
                Err(error) => {
                    // Out of file descriptors, or a connection reset before it was accepted:
                    // wait a little rather than spin, and go on.
                    tracing::debug!(%error, "accept failed");
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    continue;
                }
            },
        };
        let service = TowerToHyperService::new(router.clone());
        let watcher = graceful.watcher();
        let http = http.clone();
        let acceptor = acceptor.clone();
        let handshake_timeout = limits.header_read_timeout;
        tokio::spawn(async move {
            let _slot = slot;
            let _ = stream.set_nodelay(true);
            match acceptor {
                None => {
                    let connection = http.serve_connection(TokioIo::new(stream), service);
                    let _ = watcher.watch(connection).await;
                }
                Some(acceptor) => {
                    let Some(stream) = handshake(&acceptor, stream, handshake_timeout).await else {
                        return;
                    };
                    let connection = http.serve_connection(TokioIo::new(stream), service);
                    let _ = watcher.watch(connection).await;
                }
            }
        });
    }
    drop(listener);
    match tokio::time::timeout(DRAIN_TIMEOUT, graceful.shutdown()).await {
        Ok(()) => {}
        Err(_) => {
            tracing::warn!("requests still in flight after the drain timeout; closing them");
        }
    }
    Ok(())
}

/// A TLS handshake under the header-read timeout; a failed one is a debug line (scanners and
/// clients that do not trust the certificate make them all day).
async fn handshake(
    acceptor: &tokio_rustls::TlsAcceptor,
    stream: TcpStream,
    timeout: Duration,
) -> Option<tokio_rustls::server::TlsStream<TcpStream>> {
    let peer = stream.peer_addr().ok();
    match tokio::time::timeout(timeout, acceptor.accept(stream)).await {
        Ok(Ok(stream)) => Some(stream),
        Ok(Err(error)) => {
            tracing::debug!(?peer, %error, "TLS handshake failed");
            None
        }
        Err(_) => {
            tracing::debug!(?peer, "TLS handshake timed out");
            None
        }
    }
}
