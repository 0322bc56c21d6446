//! [`Client`]: one Scaleway API base URL, its key, paging and the body cap.
//!
//! Every request is reported once its body is read ([`RequestObserver`]), with its outcome
//! (the HTTP status, `error` or `timeout`): the exporter counts them in
//! `scaleway_exporter_api_requests_total`. The reference data (server-type catalog,
//! projects) is read in `client/reference.rs`.

mod reference;

pub use reference::query_value;

use std::sync::Arc;
use std::time::Duration;

use bytes::{Bytes, BytesMut};
use reqwest::header::{HeaderMap, HeaderValue};
use serde::de::DeserializeOwned;
use tokio::time::Instant;

use super::error::{decode_error, transport_error};
use super::rate_limit::{self, RateLimiter};
use super::retry::{retry_after, retry_delay, MAX_ATTEMPTS};
use super::{
    model, ApiError, ApiFlavor, Endpoint, Limits, DEFAULT_BODY_LIMIT, MAX_PAGES, PER_PAGE,
};
use crate::product::{Product, Resource, Total};
use crate::secret::TokenSource;

/// A request that ended, as the client reports it: its endpoint, its zone (empty for the
/// projects, which have none) and its outcome, the `code` label (an HTTP status, `error` or
/// `timeout`).
#[derive(Debug, Clone, Copy)]
pub struct RequestDone<'a> {
    pub endpoint: Endpoint,
    pub zone: &'a str,
    pub code: &'a str,
}

/// Told of every request the client sends, once its outcome is known.
pub type RequestObserver = Arc<dyn Fn(RequestDone<'_>) + Send + Sync>;

/// What a list call brings back besides the body.
struct Page {
    body: Bytes,
    /// `X-Total-Count`, when present and a number.
    total_count: Option<u64>,
    content_type: Option<String>,
}

/// A client of one Scaleway API base URL.
#[derive(Clone)]
pub struct Client {
    http: reqwest::Client,
    api_url: String,
    flavor: ApiFlavor,
    token: TokenSource,
    /// Told of every request; none by default.
    observer: Option<RequestObserver>,
    body_limit: usize,
    /// Shared by the clones that poll each zone, so the limit holds for all of them.
    limiter: Arc<RateLimiter>,
}

impl std::fmt::Debug for Client {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Client")
            .field("api_url", &self.api_url)
            .field("flavor", &self.flavor)
            .field("token", &self.token)
            .field("body_limit", &self.body_limit)
            .finish_non_exhaustive()
    }
}

impl Client {
    pub fn new(
        api_url: &str,
        flavor: ApiFlavor,
        token: TokenSource,
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
            observer: None,
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

    /// The same client, telling `observer` of every request.
    pub fn observed_by(mut self, observer: RequestObserver) -> Self {
        self.observer = Some(observer);
        self
    }

    pub fn flavor(&self) -> ApiFlavor {
        self.flavor
    }

    /// Reads the key file again if it changed (blocking I/O; once per poll, off the async
    /// threads): the requests then use the new key.
    pub async fn refresh_key(&self) {
        let token = self.token.clone();
        if let Ok(Some(change)) = tokio::task::spawn_blocking(move || token.refresh()).await {
            change.log();
        }
    }

    /// Every server of `product` in `zone`, in API order, all pages read, each read as `S`
    /// (the product's model) and handed to `each` as its page is parsed, so the whole
    /// listing is never held at once. Servers listed twice (pages shift while paging) are
    /// handed twice: the inventory keeps one. Returns the largest total a page announced
    /// (`X-Total-Count` or `total_count`, as the product says it), `None` when none did:
    /// fewer distinct servers than that means a server may have been skipped while the
    /// pages shifted (docs/api-notes.md#a-server-missed-when-a-deletion-shifts-the-pages).
    /// A listing that held more than a page of servers beyond the total its last page
    /// announced changed under the client ([`ApiError::ListChanged`]): it fails.
    pub async fn list_servers<S: DeserializeOwned>(
        &self,
        product: Product,
        zone: &str,
        deadline: Instant,
        mut each: impl FnMut(S),
    ) -> Result<Option<u64>, ApiError> {
        let path = match self.flavor {
            ApiFlavor::Instance => product.servers().path_in(zone),
            // The legacy API knows Instances only (the configuration refuses the others).
            ApiFlavor::Legacy => "/servers".to_owned(),
        };
        let endpoint = Endpoint::Servers(product);
        let totals = self
            .list_all(
                zone,
                endpoint,
                &path,
                deadline,
                |body: model::ServersPage<S>| {
                    let count = body.servers.len();
                    body.servers.into_iter().for_each(&mut each);
                    (count, body.total_count)
                },
            )
            .await?;
        totals.unchanged(endpoint)?;
        Ok(totals.largest)
    }

    /// Every item of `resource` in `zone`, all pages read, as `T`, its model.
    pub async fn list<T: model::Listed>(
        &self,
        resource: Resource,
        zone: &str,
        deadline: Instant,
    ) -> Result<Vec<T>, ApiError> {
        let endpoint = Endpoint::Resource(resource);
        self.list_at(endpoint, zone, &endpoint.listing().path_in(zone), deadline)
            .await
    }

    /// Every item of the list at `path` (after the base URL; it may hold a query), all pages
    /// read, as `T`; requests are counted under `endpoint` and `zone` (empty for a list
    /// without one).
    pub async fn list_at<T: model::Listed>(
        &self,
        endpoint: Endpoint,
        zone: &str,
        path: &str,
        deadline: Instant,
    ) -> Result<Vec<T>, ApiError> {
        let mut items = Vec::new();
        self.list_all(zone, endpoint, path, deadline, |page: model::Page<T>| {
            let count = page.items.len();
            items.extend(page.items);
            (count, page.total_count)
        })
        .await?;
        Ok(items)
    }

    /// Reads pages 1, 2, ... of `path` (which may hold a query already) until
    /// [`is_last_page`] says the list is complete. `consume` takes a parsed page, keeps its
    /// items, and says how many there were and the total the body announced, if any; the
    /// endpoint's listing says whether the total is read from there or from
    /// `X-Total-Count`. Returns what was read and the totals announced.
    async fn list_all<P: DeserializeOwned>(
        &self,
        zone: &str,
        endpoint: Endpoint,
        path: &str,
        deadline: Instant,
        mut consume: impl FnMut(P) -> (usize, Option<u64>),
    ) -> Result<Totals, ApiError> {
        let mut totals = Totals::default();
        for page in 1..=MAX_PAGES {
            let (parsed, header_total) = self.page(zone, endpoint, path, page, deadline).await?;
            let (count, body_total) = consume(parsed);
            let total = match endpoint.listing().total {
                Total::Header => header_total,
                Total::Body => body_total,
            };
            totals.read = totals.read.saturating_add(count);
            totals.largest = totals.largest.max(total);
            totals.last = total;
            if is_last_page(page, count, totals.read, total) {
                return Ok(totals);
            }
        }
        Err(ApiError::TooManyPages {
            endpoint,
            pages: MAX_PAGES,
        })
    }

    /// Page `page` of `path`, parsed as `P`, with its `X-Total-Count`.
    async fn page<P: DeserializeOwned>(
        &self,
        zone: &str,
        endpoint: Endpoint,
        path: &str,
        page: usize,
        deadline: Instant,
    ) -> Result<(P, Option<u64>), ApiError> {
        let separator = if path.contains('?') { '&' } else { '?' };
        let size = endpoint.listing().page_size;
        let url = format!(
            "{}{path}{separator}page={page}&{size}={PER_PAGE}",
            self.api_url
        );
        let response = self.get(zone, endpoint, &url, deadline).await?;
        let parsed = serde_json::from_slice(&response.body).map_err(|e| {
            decode_error(endpoint, response.content_type.clone(), &e)
                .redact(self.token.current().expose())
        })?;
        Ok((parsed, response.total_count))
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
            // A wait of any length, `Retry-After: 18446744073709551615` included, is compared
            // with what is left of the deadline, never added to an instant.
            let left = deadline.saturating_duration_since(Instant::now());
            if wait >= left {
                return Err(error.waited_past_deadline(wait));
            }
            let wait_ms = u64::try_from(wait.as_millis()).unwrap_or(u64::MAX);
            tracing::debug!(zone, %endpoint, attempt, wait_ms, error = %error, "retrying");
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
        if let Some(observer) = &self.observer {
            observer(RequestDone {
                endpoint,
                zone,
                code,
            });
        }
    }
}

/// True when the page just read is the last one. A short page always ends the list; a full
/// page ends it only when `X-Total-Count` says so and has not been exceeded (a total that
/// lies low is caught by reading on until a short page).
/// What a listing read, beside its items.
#[derive(Debug, Default)]
struct Totals {
    /// Items read on every page, those listed twice counted twice.
    read: usize,
    /// The largest total a page announced.
    largest: Option<u64>,
    /// The total the last page announced.
    last: Option<u64>,
}

impl Totals {
    /// Fails when the total fell by more than a page while the list was read, and the pages
    /// held more than a page of items beyond the last total. Servers created while the pages
    /// are read are listed twice, and servers deleted meanwhile were read before they went: a
    /// poll sees a few, not a page of them. Thousands more than the list holds, as when an
    /// API pages on without end and then heals, mean what was read is not the list. A total
    /// that lies low on every page is no change: the pages read past it are the list.
    fn unchanged(&self, endpoint: Endpoint) -> Result<(), ApiError> {
        let beyond = |total: u64, count: u64| count > total.saturating_add(PER_PAGE as u64);
        match (self.last, self.largest) {
            (Some(total), Some(largest))
                if beyond(total, largest) && beyond(total, self.read as u64) =>
            {
                Err(ApiError::ListChanged {
                    endpoint,
                    read: self.read,
                    announced: total,
                })
            }
            _ => Ok(()),
        }
    }
}

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

fn header_u64(headers: &HeaderMap, name: &str) -> Option<u64> {
    headers.get(name)?.to_str().ok()?.trim().parse().ok()
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
}
