//! Retries: which errors are worth another attempt, and how long to wait before it.

use std::time::Duration;

use rand::Rng as _;
use reqwest::header::HeaderMap;

use super::ApiError;

/// Attempts of one request (the first included) for errors worth retrying.
pub(super) const MAX_ATTEMPTS: u32 = 4;
/// First backoff; doubled on each retry, then "full jitter" picks a delay below it.
const BACKOFF_BASE: Duration = Duration::from_millis(500);
const BACKOFF_MAX: Duration = Duration::from_secs(8);

/// `Retry-After` as seconds or as an HTTP date.
pub(super) fn retry_after(headers: &HeaderMap) -> Option<Duration> {
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
pub(super) fn retry_delay(error: &ApiError, attempt: u32) -> Duration {
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
    use reqwest::header::HeaderValue;

    use super::*;
    use crate::api::Endpoint;

    #[test]
    fn backoff_is_jittered_below_a_doubling_ceiling_and_retry_after_wins() {
        let error = ApiError::Timeout {
            endpoint: Endpoint::Servers(crate::product::Product::Instance),
        };
        for attempt in 1..=6 {
            let ceiling = BACKOFF_BASE
                .saturating_mul(1 << (attempt - 1))
                .min(BACKOFF_MAX);
            assert!(retry_delay(&error, attempt) <= ceiling);
        }
        let limited = ApiError::Status {
            endpoint: Endpoint::Servers(crate::product::Product::Instance),
            status: 429,
            kind: None,
            message: None,
            retry_after: Some(Duration::from_secs(7)),
        };
        assert_eq!(retry_delay(&limited, 1), Duration::from_secs(7));
    }

    #[test]
    pub(super) fn retry_after_reads_seconds_and_http_dates() {
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
