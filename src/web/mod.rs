//! The HTTP side: `/metrics`, the landing page with the fleet, `/inventory.json`, `/healthz`,
//! `/readyz` and `/runbook`.
//!
//! - `server`: the accept loop (plain TCP or TLS), bounds on heads, time and connections.
//! - `tls`, `config`, `auth`: what serves `--web.config.file` (read and checked by `config`):
//!   rustls, the response headers, basic auth;
//!   `error`: why a web config is refused.
//! - `pages`: the landing page and the fleet as HTML and JSON (pure), and their encoding
//!   once per poll; `views`: their handlers; `body`: bodies of shared bytes, spliced gzip;
//!   `runbook`: the runbook of this version, rendered at build time.
//!
//! Handlers only read the latest publication: a scrape, the landing page and
//! `/inventory.json` copy a reference to bytes encoded at poll time, whatever the fleet size.

use std::sync::Arc;

use axum::extract::State;
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use tokio::sync::watch;

mod auth;
mod body;
mod config;
mod error;
mod pages;
mod runbook;
pub mod server;
mod tls;
mod views;

pub use auth::BasicAuth;
pub use config::{WebConfig, WebNotice};
pub use error::WebConfigError;
pub use pages::encode_pages;
pub use views::FilteredViews;

use crate::config::TelemetryPath;
use crate::published::Published;

/// The exposition's content type (text format 0.0.4).
pub const CONTENT_TYPE_TEXT: &str = "text/plain; version=0.0.4; charset=utf-8";

#[derive(Clone)]
pub struct AppState {
    /// The latest snapshot and its encoded body, swapped by the poller.
    pub published: watch::Receiver<Arc<Published>>,
    /// `--web.telemetry-path`, linked from the landing page; checked, so the route cannot panic.
    pub telemetry_path: TelemetryPath,
    /// Whether the poller still runs, for `/healthz`.
    pub liveness: Liveness,
    /// The bound on views built per request.
    pub filtered_views: FilteredViews,
}

/// Whether the poller still runs, as `/healthz` and `/readyz` tell it. The exporter marks it
/// ended, with how ("it panicked"), when it sees the poller end before shutdown; it never
/// comes back. `/healthz` needs no password, so the how is all it says.
#[derive(Clone, Debug, Default)]
pub struct Liveness(Arc<watch::Sender<Option<Arc<str>>>>);

impl Liveness {
    /// Marks the poller ended; the first `how` given is kept.
    pub fn end(&self, how: &str) {
        self.0.send_if_modified(|ended| {
            let first = ended.is_none();
            if first {
                *ended = Some(how.into());
            }
            first
        });
    }

    /// How the poller ended, if it has.
    pub fn ended(&self) -> Option<Arc<str>> {
        self.0.borrow().clone()
    }

    /// Resolves once the poller is marked ended, with how.
    pub async fn wait_ended(&self) -> Arc<str> {
        let mut ended = self.0.subscribe();
        let reason = ended
            .wait_for(Option::is_some)
            .await
            .expect("the sender lives in self");
        reason.clone().expect("waited for Some")
    }
}

pub fn router(state: AppState) -> Router {
    Router::new()
        .route(state.telemetry_path.as_str(), get(metrics))
        .route("/", get(views::landing))
        .route("/inventory.json", get(views::inventory_json))
        .route("/healthz", get(healthz))
        .route("/readyz", get(readyz))
        .route("/runbook", get(runbook::runbook))
        .fallback(not_found)
        .with_state(state)
}

async fn metrics(State(state): State<AppState>, headers: HeaderMap) -> Response {
    let published = state.published.borrow().clone();
    let exposition = &published.exposition;
    views::gzipped(
        CONTENT_TYPE_TEXT,
        &exposition.gzip,
        exposition.plain_len,
        &headers,
    )
}

/// True when `Accept-Encoding` names `gzip` (or `*`) with a non-zero quality.
pub fn accepts_gzip(headers: &HeaderMap) -> bool {
    headers
        .get_all(header::ACCEPT_ENCODING)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|value| value.split(','))
        .any(|item| {
            let mut parts = item.split(';');
            let coding = parts.next().unwrap_or("").trim();
            let quality = parts
                .filter_map(|p| p.trim().strip_prefix("q="))
                .filter_map(|q| q.trim().parse::<f32>().ok())
                .next()
                .unwrap_or(1.0);
            (coding.eq_ignore_ascii_case("gzip") || coding == "*") && quality > 0.0
        })
}

/// 200 while the poller runs. Once it has ended, the process is stopping (to be restarted):
/// 503, saying so, to whoever asks meanwhile.
async fn healthz(State(state): State<AppState>) -> Response {
    match state.liveness.ended() {
        None => (StatusCode::OK, "ok\n").into_response(),
        Some(how) => poller_ended(&how),
    }
}

fn poller_ended(how: &str) -> Response {
    let body = format!("the poller has ended ({how}); the exporter is stopping, see its log\n");
    (StatusCode::SERVICE_UNAVAILABLE, body).into_response()
}

async fn readyz(State(state): State<AppState>) -> Response {
    if let Some(how) = state.liveness.ended() {
        return poller_ended(&how);
    }
    let published = state.published.borrow().clone();
    let waiting: Vec<String> = published
        .snapshot
        .zones()
        .filter(|(_, zone)| zone.last_poll.is_none())
        .map(|(target, _)| target.to_string())
        .collect();
    if waiting.is_empty() {
        (StatusCode::OK, "ready\n").into_response()
    } else {
        let body = format!("waiting for the first poll of: {}\n", waiting.join(", "));
        (StatusCode::SERVICE_UNAVAILABLE, body).into_response()
    }
}

async fn not_found() -> (StatusCode, &'static str) {
    (
        StatusCode::NOT_FOUND,
        "not found; the metrics are on the telemetry path, see /\n",
    )
}

#[cfg(test)]
mod tests {
    use axum::http::HeaderValue;

    use super::*;

    fn with_encoding(value: &'static str) -> HeaderMap {
        let mut headers = HeaderMap::new();
        headers.insert(header::ACCEPT_ENCODING, HeaderValue::from_static(value));
        headers
    }

    #[test]
    fn gzip_is_sent_when_accepted_and_not_when_refused() {
        assert!(accepts_gzip(&with_encoding("gzip")));
        assert!(accepts_gzip(&with_encoding("deflate, GZIP;q=0.5")));
        assert!(accepts_gzip(&with_encoding("*")));
        assert!(!accepts_gzip(&with_encoding("gzip;q=0")));
        assert!(!accepts_gzip(&with_encoding("identity")));
        assert!(!accepts_gzip(&HeaderMap::new()));
    }
}
