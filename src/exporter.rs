//! Assembly: a validated configuration becomes a poller and a router, served until shutdown.

use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use tokio::net::TcpListener;
use tokio::sync::Notify;

use crate::api::Client;
use crate::config::ExporterConfig;
use crate::metrics::OwnMetrics;
use crate::poller::Poller;
use crate::web::server::{self, ServerLimits};
use crate::web::{self, AppState};

/// Why the exporter could not be assembled.
#[derive(Debug, thiserror::Error)]
pub enum ExporterError {
    /// reqwest could not build its client: its TLS backend or the system's resolver
    /// configuration failed to load.
    #[error("cannot build the HTTP client of the Scaleway API")]
    HttpClient(#[source] reqwest::Error),
}

/// The exporter's parts, built but not yet running: tests drive `poller.poll_once()`
/// themselves and serve `router` on a port-0 listener.
pub struct Exporter {
    pub poller: Arc<Poller>,
    /// The routes, behind basic auth and with the configured headers when the web config
    /// asks for them.
    pub router: Router,
    pub poll_interval: Duration,
    /// TLS from `--web.config.file`; plain HTTP when `None`.
    pub tls: Option<Arc<rustls::ServerConfig>>,
    pub server_limits: ServerLimits,
}

impl Exporter {
    pub fn new(config: &ExporterConfig) -> Result<Self, ExporterError> {
        let own_metrics = OwnMetrics::new();
        let client = Client::new(
            config.api_url(),
            config.api_flavor(),
            config.token().clone(),
            own_metrics.api_requests.clone(),
        )
        .map_err(ExporterError::HttpClient)?
        .with_limits(config.api_limits());
        let poller = Arc::new(Poller::new(
            client,
            config.zones().to_vec(),
            config.poll_timeout(),
            own_metrics,
        ));
        let router = web::router(AppState {
            published: poller.subscribe(),
            telemetry_path: config.telemetry_path().clone(),
        });
        let (router, tls) = match config.web_config() {
            Some(web) => (web.protect(router), web.tls.clone()),
            None => (router, None),
        };
        Ok(Exporter {
            poller,
            router,
            poll_interval: config.poll_interval(),
            tls,
            server_limits: ServerLimits::default(),
        })
    }

    /// Polls on schedule and serves on `listener` until `shutdown` resolves; then stops
    /// accepting, lets in-flight requests finish for up to [`DRAIN_TIMEOUT`](crate::web::server::DRAIN_TIMEOUT), and returns.
    ///
    /// The poller runs on a thread and runtime of its own: parsing hundreds of pages and
    /// rebuilding the fleet never delays a scrape waiting on the runtime that serves HTTP.
    pub async fn serve(
        self,
        listener: TcpListener,
        shutdown: impl Future<Output = ()> + Send,
    ) -> std::io::Result<()> {
        let stop = Arc::new(Notify::new());
        let poller = {
            let (poller, stop, interval) = (self.poller.clone(), stop.clone(), self.poll_interval);
            let runtime = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .thread_name("poller")
                .build()?;
            std::thread::Builder::new()
                .name("poller".to_owned())
                .spawn(move || {
                    runtime.block_on(poller.run(interval, async move { stop.notified().await }));
                    // Do not wait for an encode in flight: the process is stopping.
                    runtime.shutdown_background();
                })?
        };
        let result = server::serve(
            listener,
            self.router,
            self.tls,
            self.server_limits,
            shutdown,
        )
        .await;
        stop.notify_one();
        let _ = tokio::task::spawn_blocking(move || poller.join()).await;
        result
    }
}

/// Serves `router` over plain HTTP with the default limits until `shutdown`, then drains
/// for at most [`DRAIN_TIMEOUT`](crate::web::server::DRAIN_TIMEOUT).
pub async fn serve_router(
    listener: TcpListener,
    router: Router,
    shutdown: impl Future<Output = ()> + Send,
) -> std::io::Result<()> {
    server::serve(listener, router, None, ServerLimits::default(), shutdown).await
}
