//! The HTTP side: `/metrics`, the landing page with the fleet, `/inventory.json`, `/healthz`
//! and `/readyz`.
//!
//! Handlers only read the latest publication: a scrape copies a reference to bytes encoded
//! at poll time, whatever the fleet size.

use std::fmt::Write as _;
use std::sync::Arc;
use std::time::{Duration, SystemTime};

use axum::extract::{Query, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{Html, IntoResponse, Json, Response};
use axum::routing::get;
use axum::Router;
use tokio::sync::watch;

use crate::build_info;
use crate::inventory_page::{self, FleetQuery};
use crate::poller::Published;

/// The exposition's content type (text format 0.0.4).
pub const CONTENT_TYPE_TEXT: &str = "text/plain; version=0.0.4; charset=utf-8";

#[derive(Clone)]
pub struct AppState {
    /// The latest snapshot and its encoded body, swapped by the poller.
    pub published: watch::Receiver<Arc<Published>>,
    /// `--web.telemetry-path`, linked from the landing page.
    pub telemetry_path: String,
}

pub fn router(state: AppState) -> Router {
    Router::new()
        .route(&state.telemetry_path.clone(), get(metrics))
        .route("/", get(landing))
        .route("/inventory.json", get(inventory_json))
        .route("/healthz", get(healthz))
        .route("/readyz", get(readyz))
        .fallback(not_found)
        .with_state(state)
}

async fn metrics(State(state): State<AppState>, headers: HeaderMap) -> Response {
    let published = state.published.borrow().clone();
    let exposition = &published.exposition;
    let mut response_headers = HeaderMap::new();
    response_headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static(CONTENT_TYPE_TEXT),
    );
    response_headers.insert(header::VARY, HeaderValue::from_static("Accept-Encoding"));
    if accepts_gzip(&headers) {
        response_headers.insert(header::CONTENT_ENCODING, HeaderValue::from_static("gzip"));
        (response_headers, exposition.gzip.clone()).into_response()
    } else {
        (response_headers, exposition.text.clone()).into_response()
    }
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

async fn healthz() -> &'static str {
    "ok\n"
}

async fn readyz(State(state): State<AppState>) -> Response {
    let published = state.published.borrow().clone();
    let waiting: Vec<&str> = published
        .snapshot
        .zones
        .iter()
        .filter(|(_, zone)| zone.last_poll.is_none())
        .map(|(name, _)| name.as_str())
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

async fn landing(State(state): State<AppState>, Query(query): Query<FleetQuery>) -> Response {
    let published = state.published.borrow().clone();
    let now = SystemTime::now();
    let fleet = inventory_page::fleet_html(&published.snapshot, &query, now);
    let status = match query.filter() {
        Ok(_) => StatusCode::OK,
        Err(_) => StatusCode::BAD_REQUEST,
    };
    let page = landing_page(&published, &state.telemetry_path, now, &fleet);
    (status, Html(page)).into_response()
}

async fn inventory_json(
    State(state): State<AppState>,
    Query(query): Query<FleetQuery>,
) -> Response {
    let published = state.published.borrow().clone();
    match query.filter() {
        Ok(filter) => Json(inventory_page::inventory_json(
            &published.snapshot,
            &filter,
            SystemTime::now(),
        ))
        .into_response(),
        Err(e) => (StatusCode::BAD_REQUEST, format!("{e}\n")).into_response(),
    }
}

/// The landing page: what the exporter is, each zone's last poll, then `fleet` (the table
/// of servers from [`inventory_page`]).
fn landing_page(
    published: &Published,
    telemetry_path: &str,
    now: SystemTime,
    fleet: &str,
) -> String {
    let mut html = String::with_capacity(4096);
    let path = escape_html(telemetry_path);
    let _ = write!(
        html,
        r#"<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>Scaleway exporter</title>
<style>body{{font-family:sans-serif;margin:2em}}table{{border-collapse:collapse}}td,th{{border:1px solid #ccc;padding:.3em .6em;text-align:left}}.ok{{color:#1a7f37}}.failed{{color:#cf222e}}{fleet_style}</style>
</head><body>
<h1>Scaleway exporter</h1>
<p>Version {version} (revision {revision}, rustc {rustc}). Metrics: <a href="{path}">{path}</a> &middot; <a href="/inventory.json">/inventory.json</a> &middot; <a href="/healthz">/healthz</a> &middot; <a href="/readyz">/readyz</a></p>
<p>{servers} servers, {series} series in the last encoding.</p>
<table><thead><tr><th>zone</th><th>servers</th><th>last poll</th><th>age</th><th>last success</th><th>duration</th></tr></thead><tbody>
"#,
        version = escape_html(build_info::VERSION),
        revision = escape_html(build_info::REVISION),
        rustc = escape_html(build_info::RUSTC_VERSION),
        servers = published.snapshot.server_count(),
        series = published.exposition.series,
        fleet_style = inventory_page::STYLE,
    );
    for (name, zone) in &published.snapshot.zones {
        let (result, age, duration) = match &zone.last_poll {
            None => (
                "<td>not yet polled</td>".to_owned(),
                "-".to_owned(),
                "-".to_owned(),
            ),
            Some(poll) => {
                let result = match &poll.error {
                    None => r#"<td class="ok">ok</td>"#.to_owned(),
                    Some(error) => {
                        format!(r#"<td class="failed">failed: {}</td>"#, escape_html(error))
                    }
                };
                (
                    result,
                    age_text(now, poll.at),
                    format!("{:.2}s", poll.duration.as_secs_f64()),
                )
            }
        };
        let last_success = zone
            .last_success
            .map_or_else(|| "never".to_owned(), |at| age_text(now, at));
        let _ = writeln!(
            html,
            "<tr><td>{}</td><td>{}</td>{result}<td>{age}</td><td>{last_success}</td><td>{duration}</td></tr>",
            escape_html(name),
            zone.servers.len(),
        );
    }
    html.push_str("</tbody></table>\n");
    html.push_str(fleet);
    html.push_str("</body></html>\n");
    html
}

fn age_text(now: SystemTime, at: SystemTime) -> String {
    let age = now.duration_since(at).unwrap_or(Duration::ZERO);
    format!(
        "{} ago",
        humantime::format_duration(Duration::from_secs(age.as_secs()))
    )
}

/// Escapes text for HTML element content and attribute values.
pub fn escape_html(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
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

    #[test]
    fn html_escaping_covers_markup_and_quotes() {
        assert_eq!(
            escape_html(r#"<a href="x">'&'</a>"#),
            "&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;"
        );
    }
}
