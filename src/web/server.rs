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
//! A failed accept that passes (out of file descriptors, a connection reset before it was
//! accepted) is a warning, at most one line every ten seconds, and the loop goes on; any
//! other means the listener is broken, and [`serve`] returns it.
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

/// Serves `router` on `listener` until `shutdown`, over TLS when `tls` is given; an error
/// when the listener itself fails.
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
    let mut accept_errors = AcceptErrors::default();
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
                Err(error) if !is_transient(&error) => return Err(error),
                Err(error) => {
                    // Out of file descriptors, or a connection reset before it was accepted:
                    // say so, wait a little rather than spin, and go on.
                    accept_errors.failed(&error);
                    tokio::time::sleep(ACCEPT_RETRY).await;
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

/// The wait after a failed accept, before the next.
const ACCEPT_RETRY: Duration = Duration::from_millis(50);
/// At most one line about failed accepts this often: out of file descriptors, the loop fails
/// twenty times a second.
const ACCEPT_WARN_EVERY: Duration = Duration::from_secs(10);

/// Failed accepts, said at warn level at most once every [`ACCEPT_WARN_EVERY`], with how
/// many there were since the last line.
#[derive(Default)]
struct AcceptErrors {
    last_said: Option<tokio::time::Instant>,
    unsaid: u64,
}

impl AcceptErrors {
    fn failed(&mut self, error: &std::io::Error) {
        self.unsaid += 1;
        let now = tokio::time::Instant::now();
        if self
            .last_said
            .is_some_and(|at| now.duration_since(at) < ACCEPT_WARN_EVERY)
        {
            return;
        }
        tracing::warn!(
            %error,
            failed_accepts = self.unsaid,
            "cannot accept connections (at most one line every 10s); serving the ones open, and accepting again as soon as it can"
        );
        self.last_said = Some(now);
        self.unsaid = 0;
    }
}

/// An accept error that passes (out of file descriptors or memory, a connection gone before
/// it was accepted); any other means the listener itself is broken, and serving ends.
fn is_transient(error: &std::io::Error) -> bool {
    use std::io::ErrorKind;
    if matches!(
        error.kind(),
        ErrorKind::ConnectionAborted
            | ErrorKind::ConnectionReset
            | ErrorKind::Interrupted
            | ErrorKind::WouldBlock
            | ErrorKind::TimedOut
            | ErrorKind::OutOfMemory
    ) {
        return true;
    }
    matches!(
        error.raw_os_error(),
        Some(
            libc::EMFILE | libc::ENFILE | libc::ENOBUFS | libc::ENOMEM | libc::EPROTO | libc::EPERM
        ) | Some(libc::ENETDOWN | libc::ENETUNREACH | libc::EHOSTUNREACH | libc::EHOSTDOWN)
            | Some(libc::ENOPROTOOPT | libc::EOPNOTSUPP)
    )
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
