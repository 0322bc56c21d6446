//! [`ApiError`]: why a request failed, with a hint for the operator.

use std::time::Duration;

use super::{Endpoint, PER_PAGE};
use crate::product::Resource;

/// Why a request failed, in words an operator can act on. Never carries the token.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ApiError {
    #[error("{endpoint} request answered HTTP {status}{detail}{hint}", detail = describe(kind, message), hint = status_hint(*endpoint, *status))]
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
    /// The list's last page announced far fewer items than its pages held: it changed while
    /// it was read beyond what servers created or deleted meanwhile explain (an API that
    /// paged on without end, then healed), so what was read is not the list.
    #[error("{endpoint} list changed while it was read: its pages held {read} items, its last page announced {announced}")]
    ListChanged {
        endpoint: Endpoint,
        read: usize,
        announced: u64,
    },
    /// The API asked to wait (`Retry-After`) longer than what is left of the poll's deadline:
    /// the attempt ends at once rather than sleep past it.
    #[error("{error}; it asked to wait {} before retrying (Retry-After), longer than what is left of the poll (--poll.timeout)", humantime::format_duration(*wait))]
    WaitPastDeadline {
        error: Box<ApiError>,
        wait: Duration,
    },
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

fn status_hint(endpoint: Endpoint, status: u16) -> String {
    let hint = match (endpoint, status) {
        (_, 401) => {
            "the secret key was refused; check SCW_SECRET_KEY, the key file or the scw \
             profile (key_source in the start line says which)"
        }
        (_, 403) => return format!(": {}", missing_permission(endpoint)),
        // The servers list of the zone answered just before, at the same base URL.
        (Endpoint::Resource(resource), 404 | 501) if resource.may_be_absent() => {
            "Block Storage does not serve this zone"
        }
        (_, 404) => "check --scaleway.api-url and --scaleway.zone",
        (_, 501) => "the API does not serve this zone",
        (_, 429) => "rate limited by the API",
        (_, 500..=599) => "the API failed on its side",
        _ => return String::new(),
    };
    format!(": {hint}")
}

/// What a 403 means for the endpoint: the permission set that reads it, and what it serves.
fn missing_permission(endpoint: Endpoint) -> String {
    let set = endpoint.listing().permission_set;
    let needs = match endpoint {
        Endpoint::Servers(_) => format!("it needs {set}"),
        Endpoint::Resource(Resource::BlockVolumes) => {
            format!("sbs volume sizes and Block Storage volumes need {set}")
        }
        Endpoint::Resource(resource) => {
            format!("{} need {set}", resource.label().replace('_', " "))
        }
        Endpoint::Types => format!("the server-type catalog needs {set}"),
        Endpoint::Projects => format!("project names need {set} on the organization"),
        Endpoint::Prices(list) => format!("{} need {set}", list.title()),
        Endpoint::Billing => format!("the bill needs {set} on the organization"),
    };
    format!("the key lacks a permission; {needs}")
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
            ApiError::Decode { .. }
            | ApiError::TooManyPages { .. }
            | ApiError::ListChanged { .. } => "error".to_owned(),
            ApiError::WaitPastDeadline { error, .. } => error.code_label(),
        }
    }

    /// The HTTP status the API answered, when it answered one.
    pub fn status(&self) -> Option<u16> {
        match self {
            ApiError::Status { status, .. } => Some(*status),
            ApiError::WaitPastDeadline { error, .. } => error.status(),
            _ => None,
        }
    }

    /// This error, when a retry would wait `wait`, longer than the deadline leaves: a wait the
    /// API asked for is named; the client's own backoff is not (the error alone says it).
    pub(super) fn waited_past_deadline(self, wait: Duration) -> ApiError {
        match &self {
            ApiError::Status {
                retry_after: Some(asked),
                ..
            } if *asked == wait => ApiError::WaitPastDeadline {
                error: Box::new(self),
                wait,
            },
            _ => self,
        }
    }

    /// The same error with every echo of `secret` replaced, for errors that quote what the
    /// API sent: an API (or a proxy) that echoes the key must not make us log it. An echo is
    /// the whole key as a token of its own ([`redact_text`]); the same letters inside a
    /// longer word are not the key and stay.
    pub(super) fn redact(self, secret: &str) -> ApiError {
        let clean = |text: String| redact_text(&text, secret);
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

    /// 429, 5xx, timeouts and transport errors may pass; 4xx, 501 (a service that is not in
    /// the zone: it will not be there in a second) and unreadable bodies will not.
    pub(super) fn is_retryable(&self) -> bool {
        match self {
            ApiError::Status { status, .. } => *status == 429 || (*status >= 500 && *status != 501),
            ApiError::Timeout { .. } | ApiError::Transport { .. } => true,
            ApiError::Decode { .. }
            | ApiError::TooLarge { .. }
            | ApiError::TooManyPages { .. }
            | ApiError::ListChanged { .. }
            | ApiError::Throttled { .. }
            | ApiError::WaitPastDeadline { .. } => false,
        }
    }
}

/// `text` with each echo of `secret` replaced by `<redacted>`. An echo is the key, in any
/// ASCII case, with no letter, digit or `_` right before or after it: "key KEY is unknown",
/// `"KEY"`, `token=KEY&` and a percent-encoded `%22KEY%22` are echoes, while with a key `ok`
/// the word "lookup" is not one. Scanning goes on after a match that is no echo, so an echo
/// that overlaps it is still found.
pub(crate) fn redact_text(text: &str, secret: &str) -> String {
    if secret.is_empty() {
        return text.to_owned();
    }
    // ASCII lower-casing keeps every byte offset, so positions in `haystack` are in `text`.
    let haystack = text.to_ascii_lowercase();
    let needle = secret.to_ascii_lowercase();
    let mut out = String::with_capacity(text.len());
    let (mut copied, mut from) = (0, 0);
    while let Some(found) = haystack[from..].find(&needle) {
        let start = from + found;
        let end = start + needle.len();
        if is_token_start(&text[..start]) && !text[end..].starts_with(is_word_char) {
            out.push_str(&text[copied..start]);
            out.push_str("<redacted>");
            copied = end;
            from = end;
        } else {
            from = start + text[start..].chars().next().map_or(1, char::len_utf8);
        }
    }
    out.push_str(&text[copied..]);
    out
}

fn is_word_char(c: char) -> bool {
    c.is_alphanumeric() || c == '_'
}

/// True when a token may start after `before`: at the start, after a character that is not
/// part of a word, or after a percent-encoded byte (`%22`, `%3D`), which an echo in a URL has.
fn is_token_start(before: &str) -> bool {
    let bytes = before.as_bytes();
    if let [.., b'%', high, low] = bytes {
        if high.is_ascii_hexdigit() && low.is_ascii_hexdigit() {
            return true;
        }
    }
    !before.chars().next_back().is_some_and(is_word_char)
}

pub(super) fn transport_error(endpoint: Endpoint, error: &reqwest::Error) -> ApiError {
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

pub(super) fn decode_error(
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
#[cfg(test)]
mod tests {
    use super::*;
    use crate::product::Product;

    #[test]
    fn errors_say_the_status_the_api_type_and_message_and_what_to_check() {
        let error = ApiError::Status {
            endpoint: Endpoint::Servers(Product::Instance),
            status: 401,
            kind: Some("denied_authentication".into()),
            message: Some("authentication is denied".into()),
            retry_after: None,
        };
        assert_eq!(
            error.to_string(),
            "servers request answered HTTP 401 (denied_authentication: authentication is denied): \
             the secret key was refused; check SCW_SECRET_KEY, the key file or the scw profile \
             (key_source in the start line says which)"
        );
        assert_eq!(error.code_label(), "401");
        assert!(!error.is_retryable());
    }

    #[test]
    fn a_403_names_the_permission_of_the_endpoint_and_a_501_says_the_zone_lacks_the_service() {
        let status = |endpoint, status| {
            ApiError::Status {
                endpoint,
                status,
                kind: None,
                message: None,
                retry_after: None,
            }
            .to_string()
        };
        assert_eq!(
            status(Endpoint::Servers(Product::Instance), 403),
            "servers request answered HTTP 403: the key lacks a permission; it needs InstancesReadOnly"
        );
        assert_eq!(
            status(Endpoint::Resource(Resource::BlockVolumes), 403),
            "volumes request answered HTTP 403: the key lacks a permission; sbs volume sizes and Block Storage volumes need BlockStorageReadOnly"
        );
        for code in [404, 501] {
            assert_eq!(
                status(Endpoint::Resource(Resource::BlockVolumes), code),
                format!(
                    "volumes request answered HTTP {code}: Block Storage does not serve this zone"
                )
            );
        }
        assert_eq!(
            status(Endpoint::Projects, 403),
            "projects request answered HTTP 403: the key lacks a permission; project names need \
             ProjectReadOnly on the organization"
        );
        assert_eq!(
            status(Endpoint::Types, 403),
            "types request answered HTTP 403: the key lacks a permission; the server-type catalog \
             needs InstancesReadOnly"
        );
        assert_eq!(
            status(Endpoint::Servers(Product::Instance), 501),
            "servers request answered HTTP 501: the API does not serve this zone"
        );
    }

    #[test]
    fn redaction_replaces_echoes_of_the_whole_key_and_leaves_longer_words_whole() {
        let error = ApiError::Status {
            endpoint: Endpoint::Servers(Product::Instance),
            status: 401,
            kind: Some("ok".into()),
            message: Some("lookup of ok failed: \"ok\", token=OK&x, okay, ok_1, book".into()),
            retry_after: None,
        };
        let ApiError::Status { kind, message, .. } = error.redact("ok") else {
            unreachable!()
        };
        assert_eq!(kind.as_deref(), Some("<redacted>"));
        assert_eq!(
            message.as_deref(),
            Some(
                "lookup of <redacted> failed: \"<redacted>\", token=<redacted>&x, okay, ok_1, book"
            )
        );
        let key = "5ec7e7d1-d157-4c7e-a9f0-1ea4ed0c0de5";
        for (echo, redacted) in [
            (format!("key {key} is unknown"), "key <redacted> is unknown"),
            (format!("<html>{key}</html>"), "<html><redacted></html>"),
            (format!("?q=%22{key}%22"), "?q=%22<redacted>%22"),
            (format!("{}!", key.to_uppercase()), "<redacted>!"),
        ] {
            assert_eq!(redact_text(&echo, key), redacted, "{echo}");
        }
    }

    #[test]
    fn rate_limits_and_server_errors_are_retried_and_client_errors_are_not() {
        let status = |status| ApiError::Status {
            endpoint: Endpoint::Resource(Resource::BlockVolumes),
            status,
            kind: None,
            message: None,
            retry_after: None,
        };
        for code in [429, 500, 502, 503] {
            assert!(status(code).is_retryable(), "{code}");
        }
        for code in [400, 401, 403, 404, 501] {
            assert!(!status(code).is_retryable(), "{code}");
        }
        assert!(ApiError::Timeout {
            endpoint: Endpoint::Servers(Product::Instance)
        }
        .is_retryable());
    }
}
