//! [`Client`]: one Scaleway API base URL, its key, paging and the body cap.
//!
//! Every request is counted in `scaleway_exporter_api_requests_total` by product, zone,
//! endpoint and outcome (the HTTP status, `error` or `timeout`), once its body is read. The reference
//! data (server-type catalog, projects) is read in `client/reference.rs`.

mod reference;

use std::sync::Arc;
use std::time::Duration;

use bytes::{Bytes, BytesMut};
use prometheus::IntCounterVec;
use reqwest::header::{HeaderMap, HeaderValue};
use tokio::time::Instant;

use super::error::{decode_error, transport_error};
use super::rate_limit::{self, RateLimiter};
use super::retry::{retry_after, retry_delay, MAX_ATTEMPTS};
use super::{
    model, ApiError, ApiFlavor, Endpoint, Limits, Product, DEFAULT_BODY_LIMIT, MAX_PAGES, PER_PAGE,
};
use crate::secret::TokenSource;

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
    /// `scaleway_exporter_api_requests_total{product, zone, endpoint, code}`.
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
    /// (pages shift while paging) are handed twice: the inventory keeps one. Returns the
    /// largest total a page announced (`X-Total-Count`), `None` when none did: fewer
    /// distinct servers than that means a server may have been skipped while the pages
    /// shifted (docs/api-notes.md#a-server-missed-when-a-deletion-shifts-the-pages).
    pub async fn list_servers(
        &self,
        zone: &str,
        deadline: Instant,
        mut each: impl FnMut(model::Server),
    ) -> Result<Option<u64>, ApiError> {
        let base = match self.flavor {
            ApiFlavor::Instance => format!("{}/instance/v1/zones/{zone}/servers", self.api_url),
            ApiFlavor::Legacy => format!("{}/servers", self.api_url),
        };
        // The total of a servers list is only in the `X-Total-Count` header.
        self.list_all(
            zone,
            Endpoint::Servers(Product::Instance),
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

    /// Every server of `zone` of a product other than Instances, all pages read, each handed
    /// to `each` as its page is parsed. These APIs page with `page_size` and say their total
    /// in the body; the return is as for [`Client::list_servers`].
    pub async fn list_product_servers<S>(
        &self,
        product: Product,
        zone: &str,
        deadline: Instant,
        mut each: impl FnMut(S),
    ) -> Result<Option<u64>, ApiError>
    where
        S: serde::de::DeserializeOwned,
    {
        let base = format!("{}{}", self.api_url, product.servers_path(zone));
        let size = product.page_size_parameter();
        self.list_all(
            zone,
            Endpoint::Servers(product),
            deadline,
            |page| format!("{base}?page={page}&{size}={PER_PAGE}"),
            |body: model::ProductPage<S>, _| {
                let count = body.servers.len();
                body.servers.into_iter().for_each(&mut each);
                (count, body.total_count)
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
    /// how many there were and what total the API announced. Returns the largest total
    /// announced by any page.
    async fn list_all<P>(
        &self,
        zone: &str,
        endpoint: Endpoint,
        deadline: Instant,
        url_of_page: impl Fn(usize) -> String,
        mut consume: impl FnMut(P, Option<u64>) -> (usize, Option<u64>),
    ) -> Result<Option<u64>, ApiError>
    where
        P: serde::de::DeserializeOwned,
    {
        let mut read = 0;
        let mut largest_total: Option<u64> = None;
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
            largest_total = largest_total.max(total);
            if is_last_page(page, count, read, total) {
                return Ok(largest_total);
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
            .with_label_values(&[endpoint.product_label(), zone, endpoint.label(), code])
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
