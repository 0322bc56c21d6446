//! Assembly: a validated configuration becomes a poller and a router, served until shutdown.

use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use tokio::net::TcpListener;
use tokio::sync::Notify;

use crate::api::Client;
use crate::config::ExporterConfig;
use crate::http::{self, AppState};
use crate::metrics::OwnMetrics;
use crate::poller::Poller;

/// How long in-flight requests may take to finish after a shutdown signal, so the process
/// exits within five seconds of SIGTERM.
pub const DRAIN_TIMEOUT: Duration = Duration::from_millis(4500);

/// The exporter's parts, built but not yet running: tests drive `poller.poll_once()`
/// themselves and serve `router` on a port-0 listener.
pub struct Exporter {
    pub poller: Arc<Poller>,
    pub router: Router,
    pub poll_interval: Duration,
}

impl Exporter {
    pub fn new(config: &ExporterConfig) -> anyhow::Result<Self> {
        let own_metrics = OwnMetrics::new();
        let client = Client::new(
            &config.api_url,
            config.api_flavor,
            config.token.clone(),
            own_metrics.api_requests.clone(),
        )?;
        let poller = Arc::new(Poller::new(
            client,
            config.zones.clone(),
            config.poll_timeout,
            own_metrics,
        ));
        let router = http::router(AppState {
            published: poller.subscribe(),
            telemetry_path: config.telemetry_path.clone(),
        });
        Ok(Exporter {
            poller,
            router,
            poll_interval: config.poll_interval,
        })
    }

    /// Polls on schedule and serves on `listener` until `shutdown` resolves; then stops
    /// accepting, lets in-flight requests finish for up to [`DRAIN_TIMEOUT`], and returns.
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
        let result = serve_router(listener, self.router, shutdown).await;
        stop.notify_one();
        let _ = tokio::task::spawn_blocking(move || poller.join()).await;
        result
    }
}

/// Serves `router` until `shutdown`, then drains for at most [`DRAIN_TIMEOUT`].
pub async fn serve_router(
    listener: TcpListener,
    router: Router,
    shutdown: impl Future<Output = ()> + Send,
) -> std::io::Result<()> {
    let draining = Arc::new(Notify::new());
    let server = axum::serve(listener, router).with_graceful_shutdown({
        let draining = draining.clone();
        async move { draining.notified().await }
    });
    let server = std::future::IntoFuture::into_future(server);
    tokio::pin!(server);
    tokio::select! {
        result = &mut server => return result,
        _ = shutdown => {}
    }
    draining.notify_one();
    match tokio::time::timeout(DRAIN_TIMEOUT, server).await {
        Ok(result) => result,
        Err(_) => {
            tracing::warn!("requests still in flight after the drain timeout; closing them");
            Ok(())
        }
    }
}
