//! The HTTP client of the Scaleway API: authentication, paging, retries, typed errors.
//!
//! Every request is counted in `scaleway_exporter_api_requests_total` by zone, endpoint and
//! outcome (the HTTP status, `error` or `timeout`), once its body is read. Every request runs
//! under the poll's deadline, retries included, so a zone's poll never outlives
//! `--poll.timeout`.

pub mod model;
pub mod rate_limit;

use std::sync::Arc;
use std::time::Duration;

use bytes::{Bytes, BytesMut};
use prometheus::IntCounterVec;
use rand::Rng;
use reqwest::header::{HeaderMap, HeaderValue};
use tokio::time::Instant;

use crate::config::{ApiFlavor, TokenSource};
use rate_limit::RateLimiter;

/// Servers per page: the most the API gives (FACTS.md §2).
pub const PER_PAGE: usize = 100;
/// Pages read at most for one list: 100,000 servers a zone. A list that goes on past it is
/// an API that never says "last page", and the poll fails rather than spin.
pub const MAX_PAGES: usize = 1_000;
/// The largest response body read, by default (`--scaleway.max-body-size`): a full page of
/// 100 servers is about 200 KB, so this only stops a runaway or hostile answer.
pub const DEFAULT_BODY_LIMIT: usize = 64 * 1024 * 1024;

/// How much the client may ask of the API, and read from it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Limits {
    /// `--scaleway.max-body-size`: the largest response body read, in bytes.
    pub max_body_size: usize,
    /// `--scaleway.rate-limit`: requests per second, all zones together.
    pub requests_per_second: f64,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_body_size: DEFAULT_BODY_LIMIT,
            requests_per_second: rate_limit::DEFAULT_REQUESTS_PER_SECOND,
        }
    }
}
/// Attempts of one request (the first included) for errors worth retrying.
const MAX_ATTEMPTS: u32 = 4;
/// First backoff; doubled on each retry, then "full jitter" picks a delay below it.
const BACKOFF_BASE: Duration = Duration::from_millis(500);
const BACKOFF_MAX: Duration = Duration::from_secs(8);

/// The two endpoints polled, as the `endpoint` label says them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Endpoint {
    Servers,
    Volumes,
}

impl Endpoint {
    pub fn label(self) -> &'static str {
        match self {
            Endpoint::Servers => "servers",
            Endpoint::Volumes => "volumes",
        }
    }
}

impl std::fmt::Display for Endpoint {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.label())
    }
}

/// Why a request failed, in words an operator can act on. Never carries the token.
#[derive(Debug, Clone, thiserror::Error)]
pub enum ApiError {
    #[error("{endpoint} request answered HTTP {status}{detail}{hint}", detail = describe(kind, message), hint = status_hint(*status))]
    Status {
        endpoint: Endpoint,
        status: u16,
        /// The API's `type`, when the body was JSON.
        kind: Option<String>,
        /// The API's `message`, when the body was JSON.
        message: Option<String>,
        /// `Retry-After`, when the API sent one.
        retry_after: Option<Duration>,
    },
    #[error("{endpoint} request timed out (--poll.timeout)")]
    Timeout { endpoint: Endpoint },
    #[error("{endpoint} request not sent: the client-side rate limit (--scaleway.rate-limit) has no slot before --poll.timeout")]
    Throttled { endpoint: Endpoint },
    #[error("{endpoint} request failed: {reason}")]
    Transport { endpoint: Endpoint, reason: String },
    #[error("{endpoint} response could not be read: it is not the expected JSON{content_type}: {reason}", content_type = content_type_note(content_type))]
    Decode {
        endpoint: Endpoint,
        /// The response's `Content-Type`: `text/html` says a proxy or a maintenance page
        /// answered instead of the API.
        content_type: Option<String>,
        reason: String,
    },
    #[error("{endpoint} response is larger than {limit} bytes (--scaleway.max-body-size)")]
    TooLarge { endpoint: Endpoint, limit: usize },
    #[error("{endpoint} list did not end after {pages} pages of {PER_PAGE}: the API keeps announcing more")]
    TooManyPages { endpoint: Endpoint, pages: usize },
}

fn content_type_note(content_type: &Option<String>) -> String {
    match content_type {
        Some(content_type) => format!(" (Content-Type {content_type})"),
        None => String::new(),
    }
}

fn describe(kind: &Option<String>, message: &Option<String>) -> String {
    match (kind, message) {
        (Some(kind), Some(message)) => format!(" ({kind}: {message})"),
        (Some(kind), None) => format!(" ({kind})"),
        (None, Some(message)) => format!(" ({message})"),
        (None, None) => String::new(),
    }
}

fn status_hint(status: u16) -> &'static str {
    match status {
        401 => ": the secret key was refused; check SCW_SECRET_KEY or the key file",
        403 => ": the key lacks a permission; it needs InstancesReadOnly and BlockStorageReadOnly",
        404 => ": check --scaleway.api-url and --scaleway.zone",
        429 => ": rate limited by the API",
        500..=599 => ": the API failed on its side",
        _ => "",
    }
}

impl ApiError {
    /// The `code` label of `scaleway_exporter_api_requests_total` for this outcome.
    pub fn code_label(&self) -> String {
        match self {
            ApiError::Status { status, .. } => status.to_string(),
            ApiError::Timeout { .. } => "timeout".to_owned(),
            ApiError::Transport { .. } | ApiError::TooLarge { .. } | ApiError::Throttled { .. } => {
                "error".to_owned()
            }
            // A body that does not parse still came with a status: counted as such when read.
            ApiError::Decode { .. } | ApiError::TooManyPages { .. } => "error".to_owned(),
        }
    }

    /// The same error with every occurrence of `secret` replaced, for errors that quote
    /// what the API sent: an API (or a proxy) that echoes the key must not make us log it.
    fn redact(self, secret: &str) -> ApiError {
        let clean = |text: String| text.replace(secret, "<redacted>");
        match self {
            ApiError::Status {
                endpoint,
                status,
                kind,
                message,
                retry_after,
            } => ApiError::Status {
                endpoint,
                status,
                kind: kind.map(clean),
                message: message.map(clean),
                retry_after,
            },
            ApiError::Transport { endpoint, reason } => ApiError::Transport {
                endpoint,
                reason: clean(reason),
            },
            ApiError::Decode {
                endpoint,
                content_type,
                reason,
            } => ApiError::Decode {
                endpoint,
                content_type: content_type.map(clean),
                reason: clean(reason),
            },
            other => other,
        }
    }

    /// 429, 5xx, timeouts and transport errors may pass; 4xx and unreadable bodies will not.
    fn is_retryable(&self) -> bool {
        match self {
            ApiError::Status { status, .. } => *status == 429 || *status >= 500,
            ApiError::Timeout { .. } | ApiError::Transport { .. } => true,
            ApiError::Decode { .. }
            | ApiError::TooLarge { .. }
            | ApiError::TooManyPages { .. }
            | ApiError::Throttled { .. } => false,
        }
    }
}

/// What a list call brings back besides the body.
struct Page {
    body: Bytes,
    /// `X-Total-Count`, when present and a number.
    total_count: Option<u64>,
    content_type: Option<String>,
}

/// A client of one Scaleway API base URL.
#[derive(Debug, Clone)]
pub struct Client {
    http: reqwest::Client,
    api_url: String,
    flavor: ApiFlavor,
    token: TokenSource,
    /// `scaleway_exporter_api_requests_total{zone, endpoint, code}`.
    requests: IntCounterVec,
    body_limit: usize,
    /// Shared by the clones that poll each zone, so the limit holds for all of them.
    limiter: Arc<RateLimiter>,
}

impl Client {
    pub fn new(
        api_url: &str,
        flavor: ApiFlavor,
        token: TokenSource,
        requests: IntCounterVec,
    ) -> Result<Self, reqwest::Error> {
        let http = reqwest::Client::builder()
            .user_agent(concat!("scaleway_exporter/", env!("CARGO_PKG_VERSION")))
            .connect_timeout(Duration::from_secs(10))
            .pool_idle_timeout(Duration::from_secs(90))
            .build()?;
        Ok(Client {
            http,
            api_url: api_url.trim_end_matches('/').to_owned(),
            flavor,
            token,
            requests,
            body_limit: DEFAULT_BODY_LIMIT,
            limiter: Arc::new(RateLimiter::new(rate_limit::DEFAULT_REQUESTS_PER_SECOND)),
        })
    }

    /// The same client with other limits (a new rate limiter, shared by its clones).
    pub fn with_limits(mut self, limits: &Limits) -> Self {
        self.body_limit = limits.max_body_size;
        self.limiter = Arc::new(RateLimiter::new(limits.requests_per_second));
        self
    }

    pub fn flavor(&self) -> ApiFlavor {
        self.flavor
    }

    /// Every server of `zone`, in API order, all pages read, each handed to `each` as its
    /// page is parsed, so the whole listing is never held at once. Servers listed twice
    /// (pages shift while paging) are handed twice: the inventory keeps one.
    pub async fn list_servers(
        &self,
        zone: &str,
        deadline: Instant,
        mut each: impl FnMut(model::Server),
    ) -> Result<(), ApiError> {
        let base = match self.flavor {
            ApiFlavor::Instance => format!("{}/instance/v1/zones/{zone}/servers", self.api_url),
            ApiFlavor::Legacy => format!("{}/servers", self.api_url),
        };
        // The total of a servers list is only in the `X-Total-Count` header.
        self.list_all(
            zone,
            Endpoint::Servers,
            deadline,
            |page| format!("{base}?page={page}&per_page={PER_PAGE}"),
            |body: model::ServersPage, header_total| {
                let count = body.servers.len();
                body.servers.into_iter().for_each(&mut each);
                (count, header_total)
            },
        )
        .await
    }

    /// Every Block Storage volume of `zone` (where `sbs_volume` sizes live).
    pub async fn list_block_volumes(
        &self,
        zone: &str,
        deadline: Instant,
    ) -> Result<Vec<model::BlockVolume>, ApiError> {
        let base = format!("{}/block/v1/zones/{zone}/volumes", self.api_url);
        let mut volumes = Vec::new();
        // The Block Storage API says its total in the body.
        self.list_all(
            zone,
            Endpoint::Volumes,
            deadline,
            |page| format!("{base}?page={page}&page_size={PER_PAGE}"),
            |body: model::BlockVolumesPage, _| {
                let count = body.volumes.len();
                volumes.extend(body.volumes);
                (count, body.total_count)
            },
        )
        .await?;
        Ok(volumes)
    }

    /// Reads pages 1, 2, ... until [`is_last_page`] says the list is complete. `consume`
    /// takes a parsed page and the `X-Total-Count` header, keeps the page's items, and says
    /// how many there were and what total the API announced.
    async fn list_all<P>(
        &self,
        zone: &str,
        endpoint: Endpoint,
        deadline: Instant,
        url_of_page: impl Fn(usize) -> String,
        mut consume: impl FnMut(P, Option<u64>) -> (usize, Option<u64>),
    ) -> Result<(), ApiError>
    where
        P: serde::de::DeserializeOwned,
    {
        let mut read = 0;
        for page in 1..=MAX_PAGES {
            let response = self
                .get(zone, endpoint, &url_of_page(page), deadline)
                .await?;
            let parsed: P = serde_json::from_slice(&response.body).map_err(|e| {
                decode_error(endpoint, response.content_type.clone(), &e)
                    .redact(self.token.current().expose())
            })?;
            let (count, total) = consume(parsed, response.total_count);
            read += count;
            if is_last_page(page, count, read, total) {
                return Ok(());
            }
        }
        Err(ApiError::TooManyPages {
            endpoint,
            pages: MAX_PAGES,
        })
    }

    /// One GET with retries, under `deadline`.
    async fn get(
        &self,
        zone: &str,
        endpoint: Endpoint,
        url: &str,
        deadline: Instant,
    ) -> Result<Page, ApiError> {
        let mut attempt = 0;
        // The error that made us retry: when the deadline then cuts a retry short, that
        // error is the poll's cause, not the deadline.
        let mut cause: Option<ApiError> = None;
        loop {
            attempt += 1;
            if self.limiter.acquire(deadline).await.is_err() {
                return Err(cause.unwrap_or(ApiError::Throttled { endpoint }));
            }
            let error = match self.get_once(zone, endpoint, url, deadline).await {
                Ok(page) => return Ok(page),
                Err(ApiError::Timeout { .. }) if Instant::now() >= deadline => {
                    return Err(cause.unwrap_or(ApiError::Timeout { endpoint }));
                }
                Err(error) => error,
            };
            if !error.is_retryable() || attempt >= MAX_ATTEMPTS {
                return Err(error);
            }
            let wait = retry_delay(&error, attempt);
            if Instant::now() + wait >= deadline {
                return Err(error);
            }
            tracing::debug!(zone, %endpoint, attempt, wait_ms = wait.as_millis() as u64, error = %error, "retrying");
            cause = Some(error);
            tokio::time::sleep(wait).await;
        }
    }

    async fn get_once(
        &self,
        zone: &str,
        endpoint: Endpoint,
        url: &str,
        deadline: Instant,
    ) -> Result<Page, ApiError> {
        let token = self.token.current();
        let outcome = tokio::time::timeout_at(deadline, async {
            let mut auth =
                HeaderValue::from_str(token.expose()).map_err(|_| ApiError::Transport {
                    endpoint,
                    reason:
                        "the secret key holds characters that are not allowed in an HTTP header"
                            .to_owned(),
                })?;
            auth.set_sensitive(true);
            let response = self
                .http
                .get(url)
                .header("X-Auth-Token", auth)
                .header(reqwest::header::ACCEPT, "application/json")
                .send()
                .await
                .map_err(|e| transport_error(endpoint, &e))?;
            let status = response.status().as_u16();
            let headers = response.headers().clone();
            let body = read_body(response, endpoint, self.body_limit).await?;
            Ok::<_, ApiError>((status, headers, body))
        })
        .await;
        let (status, headers, body) = match outcome {
            Err(_elapsed) => {
                let error = ApiError::Timeout { endpoint };
                self.count(zone, endpoint, &error.code_label());
                return Err(error);
            }
            Ok(Err(error)) => {
                self.count(zone, endpoint, &error.code_label());
                return Err(error.redact(token.expose()));
            }
            Ok(Ok(response)) => response,
        };
        self.count(zone, endpoint, &status.to_string());
        if (200..300).contains(&status) {
            return Ok(Page {
                body,
                total_count: header_u64(&headers, "x-total-count"),
                content_type: headers
                    .get(reqwest::header::CONTENT_TYPE)
                    .and_then(|value| value.to_str().ok())
                    .map(str::to_owned),
            });
        }
        let parsed = model::ErrorBody::parse(&body).unwrap_or_default();
        Err(ApiError::Status {
            endpoint,
            status,
            kind: parsed.kind,
            message: parsed.message,
            retry_after: retry_after(&headers),
        }
        .redact(token.expose()))
    }

    fn count(&self, zone: &str, endpoint: Endpoint, code: &str) {
        self.requests
            .with_label_values(&[zone, endpoint.label(), code])
            .inc();
    }
}

/// True when the page just read is the last one. A short page always ends the list; a full
/// page ends it only when `X-Total-Count` says so and has not been exceeded (a total that
/// lies low is caught by reading on until a short page).
fn is_last_page(page: usize, count: usize, read_so_far: usize, total: Option<u64>) -> bool {
    if count < PER_PAGE {
        return true;
    }
    match total {
        Some(total) => (page * PER_PAGE) as u64 >= total && read_so_far as u64 <= total,
        None => false,
    }
}

async fn read_body(
    mut response: reqwest::Response,
    endpoint: Endpoint,
    limit: usize,
) -> Result<Bytes, ApiError> {
    if response
        .content_length()
        .is_some_and(|len| len > limit as u64)
    {
        return Err(ApiError::TooLarge { endpoint, limit });
    }
    let mut body = BytesMut::new();
    while let Some(chunk) = response
        .chunk()
        .await
        .map_err(|e| transport_error(endpoint, &e))?
    {
        if body.len() + chunk.len() > limit {
            return Err(ApiError::TooLarge { endpoint, limit });
        }
        body.extend_from_slice(&chunk);
    }
    Ok(body.freeze())
}

fn transport_error(endpoint: Endpoint, error: &reqwest::Error) -> ApiError {
    // reqwest's Display says "error sending request for url (...)"; the causes say why.
    let mut reason = error.to_string();
    let mut source = std::error::Error::source(error);
    while let Some(cause) = source {
        reason.push_str(": ");
        reason.push_str(&cause.to_string());
        source = cause.source();
    }
    if error.is_timeout() {
        return ApiError::Timeout { endpoint };
    }
    ApiError::Transport { endpoint, reason }
}

fn decode_error(
    endpoint: Endpoint,
    content_type: Option<String>,
    error: &serde_json::Error,
) -> ApiError {
    ApiError::Decode {
        endpoint,
        content_type,
        reason: error.to_string(),
    }
}

fn header_u64(headers: &HeaderMap, name: &str) -> Option<u64> {
    headers.get(name)?.to_str().ok()?.trim().parse().ok()
}

/// `Retry-After` as seconds or as an HTTP date.
fn retry_after(headers: &HeaderMap) -> Option<Duration> {
    let text = headers
        .get(reqwest::header::RETRY_AFTER)?
        .to_str()
        .ok()?
        .trim();
    if let Ok(seconds) = text.parse::<u64>() {
        return Some(Duration::from_secs(seconds));
    }
    let date = chrono::DateTime::parse_from_rfc2822(text).ok()?;
    let wait = date.signed_duration_since(chrono::Utc::now());
    Some(wait.to_std().unwrap_or(Duration::ZERO))
}

/// The wait before retry number `attempt`: the API's `Retry-After` when it sent one,
/// exponential backoff with full jitter otherwise.
fn retry_delay(error: &ApiError, attempt: u32) -> Duration {
    if let ApiError::Status {
        retry_after: Some(wait),
        ..
    } = error
    {
        return *wait;
    }
    let ceiling = BACKOFF_BASE
        .saturating_mul(1 << (attempt - 1).min(16))
        .min(BACKOFF_MAX);
    rand::rng().random_range(Duration::ZERO..=ceiling)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_short_page_ends_the_list_whatever_the_total_says() {
        assert!(is_last_page(1, 3, 3, Some(3)));
        assert!(is_last_page(1, 0, 0, Some(0)));
        assert!(
            is_last_page(2, 40, 140, Some(500)),
            "a total that lies high"
        );
        assert!(is_last_page(1, 7, 7, None));
    }

    #[test]
    fn a_full_page_ends_the_list_only_when_the_total_is_reached_honestly() {
        assert!(is_last_page(2, 100, 200, Some(200)));
        assert!(!is_last_page(1, 100, 100, Some(250)));
        assert!(
            !is_last_page(1, 100, 100, Some(50)),
            "a total that lies low"
        );
        assert!(!is_last_page(1, 100, 100, None));
    }

    #[test]
    fn errors_say_the_status_the_api_type_and_message_and_what_to_check() {
        let error = ApiError::Status {
            endpoint: Endpoint::Servers,
            status: 401,
            kind: Some("denied_authentication".into()),
            message: Some("authentication is denied".into()),
            retry_after: None,
        };
        assert_eq!(
            error.to_string(),
            "servers request answered HTTP 401 (denied_authentication: authentication is denied): \
             the secret key was refused; check SCW_SECRET_KEY or the key file"
        );
        assert_eq!(error.code_label(), "401");
        assert!(!error.is_retryable());
    }

    #[test]
    fn rate_limits_and_server_errors_are_retried_and_client_errors_are_not() {
        let status = |status| ApiError::Status {
            endpoint: Endpoint::Volumes,
            status,
            kind: None,
            message: None,
            retry_after: None,
        };
        for code in [429, 500, 502, 503] {
            assert!(status(code).is_retryable(), "{code}");
        }
        for code in [400, 401, 403, 404] {
            assert!(!status(code).is_retryable(), "{code}");
        }
        assert!(ApiError::Timeout {
            endpoint: Endpoint::Servers
        }
        .is_retryable());
    }

    #[test]
    fn backoff_is_jittered_below_a_doubling_ceiling_and_retry_after_wins() {
        let error = ApiError::Timeout {
            endpoint: Endpoint::Servers,
        };
        for attempt in 1..=6 {
            let ceiling = BACKOFF_BASE
                .saturating_mul(1 << (attempt - 1))
                .min(BACKOFF_MAX);
            assert!(retry_delay(&error, attempt) <= ceiling);
        }
        let limited = ApiError::Status {
            endpoint: Endpoint::Servers,
            status: 429,
            kind: None,
            message: None,
            retry_after: Some(Duration::from_secs(7)),
        };
        assert_eq!(retry_delay(&limited, 1), Duration::from_secs(7));
    }

    #[test]
    fn retry_after_reads_seconds_and_http_dates() {
        let mut headers = HeaderMap::new();
        headers.insert("retry-after", HeaderValue::from_static("12"));
        assert_eq!(retry_after(&headers), Some(Duration::from_secs(12)));
        headers.insert(
            "retry-after",
            HeaderValue::from_static("Wed, 21 Oct 2015 07:28:00 GMT"),
        );
        assert_eq!(
            retry_after(&headers),
            Some(Duration::ZERO),
            "a date in the past"
        );
        headers.insert("retry-after", HeaderValue::from_static("soon"));
        assert_eq!(retry_after(&headers), None);
    }
}
