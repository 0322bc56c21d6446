//! Assembly: a validated configuration becomes a poller and a router, served until shutdown,
//! or until the poller ends, which ends the process with an error.

use std::future::Future;
use std::panic::AssertUnwindSafe;
use std::sync::Arc;
use std::time::{Duration, SystemTime};

use axum::Router;
use tokio::net::TcpListener;
use tokio::sync::oneshot;

use crate::api::{Client, RequestDone, RequestObserver};
use crate::config::{ConfigError, ExporterConfig};
use crate::metrics::OwnMetrics;
use crate::poller::{panic_message, Poller};
use crate::shutdown::Shutdown;
use crate::web::server::{self, ServerLimits};
use crate::web::{self, AppState, FilteredViews, Liveness, WebConfig, WebNotice};

/// Why the exporter could not be assembled.
#[derive(Debug, thiserror::Error)]
pub enum ExporterError {
    /// reqwest could not build its client: its TLS backend or the system's resolver
    /// configuration failed to load.
    #[error("cannot build the HTTP client of the Scaleway API")]
    HttpClient(#[source] reqwest::Error),
    /// What the web config file names cannot be served with (a certificate that does not
    /// load): a configuration error, one line and exit code 2, as the file's own checks.
    #[error(transparent)]
    Config(#[from] ConfigError),
}

/// Why [`Exporter::serve`] ended other than by its shutdown. Each message holds the error it
/// wraps, so it is not also its `source()` (a chain would print it twice).
#[derive(Debug, thiserror::Error)]
pub enum ServeError {
    /// The poller's thread or runtime could not be started.
    #[error("cannot start the poller: {0}")]
    PollerStart(std::io::Error),
    /// The web side failed.
    #[error("cannot serve: {0}")]
    Web(std::io::Error),
    /// The poller ended (a panic, or a return) before shutdown. It has been logged; `/metrics`
    /// would have stayed frozen, so the process stops, to be restarted.
    #[error("the poller ended before shutdown: {0}")]
    PollerEnded(String),
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
    /// What `/healthz` tells of the poller; [`Exporter::serve`] marks it ended.
    pub liveness: Liveness,
}

impl Exporter {
    pub fn new(config: &ExporterConfig) -> Result<Self, ExporterError> {
        let own_metrics = OwnMetrics::new();
        let client = client(config, &own_metrics)?;
        let poller = Poller::new(
            client,
            config.targets().to_vec(),
            config.named_products().to_vec(),
            config.poll_timeout(),
            own_metrics,
        )
        .with_default_organization(config.default_organization_id())
        .encode_pages_with(Arc::new(|snapshot, previous| {
            web::encode_pages(snapshot, SystemTime::now(), previous)
        }));
        let poller = Arc::new(poller);
        let liveness = Liveness::default();
        let router = web::router(AppState {
            published: poller.subscribe(),
            telemetry_path: config.telemetry_path().clone(),
            liveness: liveness.clone(),
            filtered_views: FilteredViews::default(),
        });
        let (router, tls) = match config.web_config() {
            Some((path, file)) => {
                let web = WebConfig::build(file)
                    .map_err(|reason| ConfigError::bad_web_config(path, &reason))?;
                web.notices.iter().for_each(WebNotice::log);
                (web.protect(router), web.tls.clone())
            }
            None => (router, None),
        };
        Ok(Exporter {
            poller,
            router,
            poll_interval: config.poll_interval(),
            tls,
            server_limits: ServerLimits::default(),
            liveness,
        })
    }

    /// Polls on schedule and serves on `listener` until `shutdown` resolves; then stops
    /// accepting, lets in-flight requests finish for up to [`DRAIN_TIMEOUT`](crate::web::server::DRAIN_TIMEOUT), and returns.
    ///
    /// The poller runs on a thread and runtime of its own: parsing hundreds of pages and
    /// rebuilding the fleet never delays a scrape waiting on the runtime that serves HTTP.
    /// Should it end before `shutdown` (a panic, or a return), `/healthz` answers 503, one
    /// error line is logged, the web side stops as on shutdown, and this returns
    /// [`ServeError::PollerEnded`]: an exporter whose data no longer changes is restarted
    /// rather than left to serve it.
    ///
    /// [`DRAIN_TIMEOUT`]: server::DRAIN_TIMEOUT
    pub async fn serve(
        self,
        listener: TcpListener,
        shutdown: impl Future<Output = ()> + Send,
    ) -> Result<(), ServeError> {
        let (poller, interval) = (self.poller.clone(), self.poll_interval);
        self.serve_with_poller(listener, shutdown, move |stop| {
            poller.run(interval, stop.wait())
        })
        .await
    }

    /// [`Exporter::serve`] with `poll` in place of the poller's schedule: it runs on the
    /// poller's thread and is supervised the same way, until `stop` fires. For tests that
    /// make the poller end.
    #[doc(hidden)]
    pub async fn serve_with_poller<P, F>(
        self,
        listener: TcpListener,
        shutdown: impl Future<Output = ()> + Send,
        poll: P,
    ) -> Result<(), ServeError>
    where
        P: FnOnce(Shutdown) -> F + Send + 'static,
        F: Future<Output = ()>,
    {
        let (stop_poller, poller_stop) = Shutdown::new();
        let mut poller_ended = spawn_poller(move || poll(poller_stop))?;
        let (stop_web, web_stop) = Shutdown::new();
        let web_stop = web_stop.wait();
        let web = server::serve(
            listener,
            self.router,
            self.tls,
            self.server_limits,
            async move {
                tokio::select! {
                    _ = shutdown => {}
                    _ = web_stop => {}
                }
            },
        );
        tokio::pin!(web);
        tokio::select! {
            result = &mut web => {
                let _ = stop_poller.send(true);
                let _ = poller_ended.await;
                result.map_err(ServeError::Web)
            }
            ended = &mut poller_ended => {
                // `/healthz` needs no password: it says how the poller ended, not its panic's
                // message, which the log line and the error carry.
                let (how, reason) = match ended {
                    Ok(Ok(())) => ("it returned", "it returned".to_owned()),
                    Ok(Err(message)) => ("it panicked", format!("it panicked: {message}")),
                    Err(_) => ("its thread ended", "its thread ended abnormally".to_owned()),
                };
                self.liveness.end(how);
                tracing::error!(
                    reason = %reason,
                    "the poller ended before shutdown; stopping the exporter, so that it is restarted"
                );
                let _ = stop_web.send(true);
                let _ = web.await;
                Err(ServeError::PollerEnded(reason))
            }
        }
    }
}

/// The API client of `config`, each of whose requests `own_metrics` counts.
pub fn client(config: &ExporterConfig, own_metrics: &OwnMetrics) -> Result<Client, ExporterError> {
    let counted = own_metrics.clone();
    let observer: RequestObserver = Arc::new(move |done: RequestDone<'_>| {
        let endpoint = done.endpoint;
        counted.count_request(
            endpoint.product_label(),
            done.zone,
            endpoint.label(),
            done.code,
        );
    });
    Ok(Client::new(
        config.api_url(),
        config.api_flavor(),
        config.token().clone(),
    )
    .map_err(ExporterError::HttpClient)?
    .with_limits(config.api_limits())
    .observed_by(observer))
}

/// Runs `run` on a thread and current-thread runtime of its own. The receiver resolves when
/// it ends: `Ok` when it returned, the panic's message when it panicked.
fn spawn_poller<P, F>(run: P) -> Result<oneshot::Receiver<Result<(), String>>, ServeError>
where
    P: FnOnce() -> F + Send + 'static,
    F: Future<Output = ()>,
{
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .thread_name("poller")
        .build()
        .map_err(ServeError::PollerStart)?;
    let (ended, poller_ended) = oneshot::channel();
    std::thread::Builder::new()
        .name("poller".to_owned())
        .spawn(move || {
            let outcome = std::panic::catch_unwind(AssertUnwindSafe(|| runtime.block_on(run())));
            // Do not wait for an encode in flight: the process is stopping.
            runtime.shutdown_background();
            let _ = ended.send(outcome.map_err(|panic| panic_message(panic.as_ref()).to_owned()));
        })
        .map_err(ServeError::PollerStart)?;
    Ok(poller_ended)
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
