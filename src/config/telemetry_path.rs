//! `--web.telemetry-path`: a path the router can serve the metrics on.
//!
//! axum 0.8 panics when a route is bad: route syntax (`{name}` and `{*rest}` captures, a
//! segment that starts with `:` or `*` as axum 0.7 wrote captures) or a path that another
//! route already serves. And a route that no request can name (a space, a `?`, a non-ASCII
//! letter: the router compares the raw, percent-encoded path) starts fine and answers 404
//! forever. [`TelemetryPath::new`] refuses all of these, so the router is built only from a
//! path that it takes as plain text and that a scraper can ask for.

use std::fmt;

/// The paths the web side serves besides the telemetry path ([`crate::web::router`]): keep
/// in step (a test of `tests/behaviour/http.rs` asks each of them).
pub const RESERVED_PATHS: &[&str] = &["/", "/inventory.json", "/healthz", "/readyz", "/runbook"];

/// A path the metrics can be served on: it starts with `/`, is none of [`RESERVED_PATHS`],
/// holds no route syntax, and holds only what may stand in a URL path as it is sent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TelemetryPath(String);

impl TelemetryPath {
    /// The path, or why it cannot be one (a reason to follow `bad --web.telemetry-path "…": `).
    pub fn new(path: &str) -> Result<Self, String> {
        if !path.starts_with('/') {
            return Err("must start with /".to_owned());
        }
        if RESERVED_PATHS.contains(&path) {
            return Err(format!(
                "{path} is a page of the exporter already; choose another path, such as /metrics"
            ));
        }
        for segment in path.split('/') {
            if let Some(first @ (':' | '*')) = segment.chars().next() {
                return Err(format!(
                    "a segment that starts with {first:?} is route syntax, not a path"
                ));
            }
        }
        let bytes = path.as_bytes();
        for (at, c) in path.char_indices() {
            match c {
                '{' | '}' | '*' => {
                    return Err(format!("{c:?} is route syntax, not part of a path"));
                }
                '?' | '#' => {
                    return Err(format!(
                        "{c:?} would start a query or a fragment; a path has none"
                    ));
                }
                '%' => {
                    let escape = bytes.get(at + 1..at + 3);
                    if !escape.is_some_and(|hex| hex.iter().all(u8::is_ascii_hexdigit)) {
                        return Err("a % must begin a %XX escape".to_owned());
                    }
                }
                c if is_path_char(c) => {}
                c => {
                    return Err(format!(
                        "{c:?} cannot stand in a URL path as it is sent; write it %-escaped"
                    ));
                }
            }
        }
        Ok(TelemetryPath(path.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// RFC 3986's `pchar` and `/`, less `%` (an escape, checked apart) and `*` (route syntax).
fn is_path_char(c: char) -> bool {
    c.is_ascii_alphanumeric()
        || matches!(
            c,
            '/' | '-'
                | '.'
                | '_'
                | '~'
                | '!'
                | '$'
                | '&'
                | '\''
                | '('
                | ')'
                | '+'
                | ','
                | ';'
                | '='
                | ':'
                | '@'
        )
}

impl fmt::Display for TelemetryPath {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_paths_are_taken_as_they_are() {
        for good in [
            "/metrics",
            "/metrics/",
            "/prometheus/metrics",
            "/a-b_c.d~e",
            "/m%C3%A9triques",
            "/v1:metrics",
            "/x@y",
            "/healthz/",
            "/metrics.json",
        ] {
            assert_eq!(TelemetryPath::new(good).unwrap().as_str(), good);
        }
    }

    #[test]
    fn the_pages_of_the_exporter_are_refused() {
        for reserved in RESERVED_PATHS {
            let reason = TelemetryPath::new(reserved).unwrap_err();
            assert!(reason.contains("is a page of the exporter"), "{reason}");
        }
    }

    #[test]
    fn route_syntax_is_refused() {
        for syntax in [
            "/{x}", "/a{b", "/b}", "/{*rest}", "/*x", "/a/*", "/:id", "/a/:b", "/{{x}}", "/a*b",
        ] {
            let reason = TelemetryPath::new(syntax).unwrap_err();
            assert!(reason.contains("route syntax"), "{syntax}: {reason}");
        }
    }

    #[test]
    fn what_a_request_cannot_name_is_refused() {
        for (bad, says) in [
            ("", "must start with /"),
            ("metrics", "must start with /"),
            ("/my metrics", "%-escaped"),
            ("/métriques", "%-escaped"),
            ("/a\nb", "%-escaped"),
            ("/metrics?x=1", "query"),
            ("/metrics#top", "fragment"),
            ("/100%", "%XX"),
            ("/%zz", "%XX"),
            ("/%4", "%XX"),
        ] {
            let reason = TelemetryPath::new(bad).unwrap_err();
            assert!(reason.contains(says), "{bad:?}: {reason}");
        }
    }
}
