//! A page of any list, written as its API writes it ([`Paging`]): the Instance API's spaced
//! body with `X-Total-Count` and `Link`, the Go services' compact body with `total_count`
//! first or last, or one body with every item.

use axum::http::StatusCode;
use axum::response::Response;

use super::{Paging, Spec};
use crate::http::{paging_headers, reply, window};
use crate::Simulator;

/// Which page a request asked for: `size` is `None` when the query gave none.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Asked {
    pub page: u64,
    pub size: Option<u64>,
}

impl Asked {
    /// The page size the list uses: the asked one, else the list's default (every item, for
    /// a list that comes whole without one).
    fn size(self, spec: &Spec, total: usize) -> u64 {
        let whole = (total as u64).max(1);
        match (self.size, spec.paging) {
            (Some(size), Paging::Headers { .. } | Paging::Body { .. }) => size,
            (None, Paging::Headers { default, .. }) => default,
            (
                None,
                Paging::Body {
                    whole_by_default: true,
                    ..
                },
            )
            | (_, Paging::Unpaged) => whole,
            (None, Paging::Body { .. }) => crate::http::DEFAULT_PAGE_SIZE,
        }
    }
}

/// The positions of the items the page shows, among `total`.
pub(crate) fn shown(spec: &Spec, asked: Asked, total: usize) -> std::ops::Range<usize> {
    match spec.paging {
        Paging::Unpaged => 0..total,
        _ => window(asked.page, asked.size(spec, total), total),
    }
}

/// The body of a page holding `items` of a list of `total`, with `tail` (more top-level
/// keys, each after a comma) after the total.
pub(crate) fn body<'a>(
    spec: &Spec,
    items: impl Iterator<Item = &'a [u8]>,
    total: usize,
    tail: &str,
) -> Vec<u8> {
    let key = spec.key;
    let (open, separator, close) = match spec.paging {
        Paging::Headers { .. } => (format!("{{\"{key}\": ["), ", ", "]}".to_owned()),
        Paging::Body {
            total_first: true, ..
        } => (
            format!("{{\"total_count\":{total},\"{key}\":["),
            ",",
            format!("]{tail}}}"),
        ),
        Paging::Body { .. } => (
            format!("{{\"{key}\":["),
            ",",
            format!("],\"total_count\":{total}{tail}}}"),
        ),
        Paging::Unpaged => (format!("{{\"{key}\":["), ",", "]}".to_owned()),
    };
    let mut out = open.into_bytes();
    for (n, item) in items.enumerate() {
        if n > 0 {
            out.extend_from_slice(separator.as_bytes());
        }
        out.extend_from_slice(item);
    }
    out.extend_from_slice(close.as_bytes());
    out
}

/// The response: the body, and the Instance API's headers for a list of `total`.
pub(crate) fn respond(
    sim: &Simulator,
    spec: &Spec,
    asked: Asked,
    total: usize,
    body: Vec<u8>,
) -> Response {
    let mut response = reply(sim, StatusCode::OK, body);
    if let Paging::Headers { root, .. } = spec.paging {
        let size = asked.size(spec, total);
        // The trailing `&` every recorded Link of these lists has.
        paging_headers(&mut response, root, asked.page, size, total as u64, "&");
    }
    response
}

/// The first value of `name` in a raw query string, `+` and `%XX` decoded.
pub(crate) fn query_value(query: Option<&str>, name: &str) -> Option<String> {
    let raw = query?
        .split('&')
        .find_map(|pair| pair.strip_prefix(name)?.strip_prefix('='))?;
    let bytes = raw.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let escaped = (bytes[i] == b'%')
            .then(|| bytes.get(i + 1..i + 3))
            .flatten()
            .and_then(|hex| u8::from_str_radix(std::str::from_utf8(hex).ok()?, 16).ok());
        match (bytes[i], escaped) {
            (_, Some(b)) => {
                out.push(b);
                i += 3;
            }
            (b'+', None) => {
                out.push(b' ');
                i += 1;
            }
            (b, None) => {
                out.push(b);
                i += 1;
            }
        }
    }
    String::from_utf8(out).ok()
}
