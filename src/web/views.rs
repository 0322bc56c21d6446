//! The handlers of `/` and `/inventory.json`.
//!
//! Unfiltered, both serve bytes encoded once per poll ([`crate::published::Pages`]), gzipped when
//! the client accepts it: a request costs a reference to them, whatever the fleet size and
//! however many clients ask. `/inventory.json` is kept only gzipped: a client that does not
//! accept gzip gets it inflated piece by piece as it is sent. The landing page adds its head, a few KB rendered per request
//! (the zones' poll ages), in front of the shared fleet section, and splices its gzip the
//! same way (`body.rs`).
//!
//! A filtered view (`?product=`, `?zone=`, `?state=`, `?up=`, see `pages/filter.rs`) is
//! rendered per request, and is as large as the
//! servers it keeps. [`FilteredViews`] bounds how many are built or being sent at once; a
//! request that finds none free within [`FilteredViews::wait`] is answered 503 with
//! `Retry-After`.

use std::sync::Arc;
use std::time::{Duration, SystemTime};

use axum::body::Body;
use axum::extract::{Query, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use bytes::Bytes;
use tokio::sync::Semaphore;

use super::body::{gzip_with_head, Inflated, SharedBody};
use super::pages::{self, Filter, FleetQuery};
use super::{accepts_gzip, AppState};
use crate::compress::gzip;
use crate::published::{Encoded, Published};

const HTML: &str = "text/html; charset=utf-8";
const JSON: &str = "application/json";

/// The bound on filtered views built per request.
#[derive(Clone, Debug)]
pub struct FilteredViews {
    permits: Arc<Semaphore>,
    /// How long a request waits for a permit before it is answered 503.
    pub wait: Duration,
}

impl FilteredViews {
    /// Filtered views built or being sent at once. Each is as large as its servers (8 MB of
    /// JSON for 10,000), and a client that reads slowly keeps its permit: two keep the worst
    /// case within a container's memory limit, and a person filtering the page seldom waits.
    pub const PERMITS: usize = 2;
    /// Longer than a filtered view at 10,000 servers takes to build.
    pub const WAIT: Duration = Duration::from_secs(1);

    pub fn new(permits: usize, wait: Duration) -> Self {
        FilteredViews {
            permits: Arc::new(Semaphore::new(permits)),
            wait,
        }
    }

    /// The semaphore, for a test that takes its permits.
    pub fn permits(&self) -> &Arc<Semaphore> {
        &self.permits
    }
}

impl Default for FilteredViews {
    fn default() -> Self {
        FilteredViews::new(Self::PERMITS, Self::WAIT)
    }
}

pub async fn landing(
    State(state): State<AppState>,
    Query(pairs): Query<Vec<(String, String)>>,
    headers: HeaderMap,
) -> Response {
    let published = state.published.borrow().clone();
    let path = state.telemetry_path.as_str().to_owned();
    let query = FleetQuery::new(pairs);
    match query.filter(&published.snapshot) {
        Ok(filter) if filter == Filter::default() => {
            let head = pages::landing_head(&published, &path, SystemTime::now());
            with_shared_tail(head, &published.pages.landing_fleet, &headers)
        }
        Ok(_) => {
            let gzip = accepts_gzip(&headers);
            filtered(&state, HTML, gzip, move || {
                let now = SystemTime::now();
                let fleet = pages::fleet_html(&published.snapshot, &query, now);
                pages::landing_page(&published, &path, now, fleet).into_bytes()
            })
            .await
        }
        // The page says what is wrong with the filter, above no table: small.
        Err(_) => {
            let now = SystemTime::now();
            let fleet = pages::fleet_html(&published.snapshot, &query, now);
            let page = pages::landing_page(&published, &path, now, fleet);
            (
                StatusCode::BAD_REQUEST,
                [(header::CONTENT_TYPE, HTML)],
                page,
            )
                .into_response()
        }
    }
}

pub async fn inventory_json(
    State(state): State<AppState>,
    Query(pairs): Query<Vec<(String, String)>>,
    headers: HeaderMap,
) -> Response {
    let published: Arc<Published> = state.published.borrow().clone();
    match FleetQuery::new(pairs).filter(&published.snapshot) {
        Ok(filter) if filter == Filter::default() => {
            let json = &published.pages.inventory_json;
            gzipped(JSON, &json.gzip, json.plain_len, &headers)
        }
        Ok(filter) => {
            let gzip = accepts_gzip(&headers);
            filtered(&state, JSON, gzip, move || {
                let json = pages::inventory_json(&published.snapshot, &filter, SystemTime::now());
                serde_json::to_vec(&json).expect("serialising to a Vec cannot fail")
            })
            .await
        }
        Err(refused) => (
            StatusCode::BAD_REQUEST,
            [(header::CONTENT_TYPE, JSON)],
            pages::error_json(&refused),
        )
            .into_response(),
    }
}

/// A body kept only gzipped: its bytes as they are to a client that accepts gzip, inflated
/// piece by piece as it is sent to one that does not (never the whole text in memory).
pub(super) fn gzipped(
    content_type: &'static str,
    gzip: &Bytes,
    plain_len: u64,
    request: &HeaderMap,
) -> Response {
    let accepted = accepts_gzip(request);
    let body = if accepted {
        Body::new(SharedBody::new([gzip.clone()]))
    } else {
        Body::new(Inflated::new(gzip.clone(), plain_len))
    };
    (headers_for(content_type, accepted), body).into_response()
}

fn headers_for(content_type: &'static str, gzip: bool) -> HeaderMap {
    let mut headers = HeaderMap::new();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    headers.insert(header::VARY, HeaderValue::from_static("Accept-Encoding"));
    if gzip {
        headers.insert(header::CONTENT_ENCODING, HeaderValue::from_static("gzip"));
    }
    headers
}

/// The landing page: its head rendered for this request, then the shared fleet section.
fn with_shared_tail(head: String, tail: &Encoded, request: &HeaderMap) -> Response {
    if accepts_gzip(request) {
        if let Some(chunks) = gzip_with_head(head.as_bytes(), &tail.gzip) {
            let body = Body::new(SharedBody::new(chunks));
            return (headers_for(HTML, true), body).into_response();
        }
    }
    let body = Body::new(SharedBody::new([Bytes::from(head), tail.plain.clone()]));
    (headers_for(HTML, false), body).into_response()
}

/// A view built for this request by `render`, off the async threads, once a permit of
/// [`FilteredViews`] is free; the permit is held until the body is sent.
async fn filtered(
    state: &AppState,
    content_type: &'static str,
    gzip_it: bool,
    render: impl FnOnce() -> Vec<u8> + Send + 'static,
) -> Response {
    let views = &state.filtered_views;
    let permit = match tokio::time::timeout(views.wait, views.permits.clone().acquire_owned()).await
    {
        Ok(Ok(permit)) => permit,
        Ok(Err(_)) | Err(_) => return busy(),
    };
    let built = tokio::task::spawn_blocking(move || {
        let plain = render();
        if gzip_it {
            gzip(&plain, plain.len() / 6)
        } else {
            plain
        }
    })
    .await;
    match built {
        Ok(bytes) => {
            let body = Body::new(SharedBody::built(Bytes::from(bytes), permit));
            (headers_for(content_type, gzip_it), body).into_response()
        }
        Err(error) => {
            tracing::error!(%error, "rendering a filtered view failed");
            StatusCode::INTERNAL_SERVER_ERROR.into_response()
        }
    }
}

fn busy() -> Response {
    (
        StatusCode::SERVICE_UNAVAILABLE,
        [(header::RETRY_AFTER, "1")],
        "busy: as many filtered views as are built at once are being built or sent; retry in \
         a second, or ask for the unfiltered view (no filter), which is always served\n",
    )
        .into_response()
}
