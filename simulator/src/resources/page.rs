//! A page of any list, written as its API writes it ([`Paging`]): the Go services' compact
//! body with `total_count` first or last, or one body with every item.

use super::{Paging, Spec};
use crate::http::window;

/// Which page a request asked for: `size` is `None` when the query gave none.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Asked {
    pub page: u64,
    pub size: Option<u64>,
}

impl Asked {
    /// The page size the list uses: the asked one, else the list's default.
    fn size(self) -> u64 {
        self.size.unwrap_or(crate::http::DEFAULT_PAGE_SIZE)
    }
}

/// The positions of the items the page shows, among `total`.
pub(crate) fn shown(spec: &Spec, asked: Asked, total: usize) -> std::ops::Range<usize> {
    match spec.paging {
        Paging::Unpaged => 0..total,
        Paging::Body { .. } => window(asked.page, asked.size(), total),
    }
}

/// The body of a page holding `items` of a list of `total`.
pub(crate) fn body<'a>(
    spec: &Spec,
    items: impl Iterator<Item = &'a [u8]>,
    total: usize,
) -> Vec<u8> {
    let key = spec.key;
    let (open, close) = match spec.paging {
        Paging::Body { total_first: true } => (
            format!("{{\"total_count\":{total},\"{key}\":["),
            "]}".to_owned(),
        ),
        Paging::Body { .. } => (
            format!("{{\"{key}\":["),
            format!("],\"total_count\":{total}}}"),
        ),
        Paging::Unpaged => (format!("{{\"{key}\":["), "]}".to_owned()),
    };
    let mut out = open.into_bytes();
    for (n, item) in items.enumerate() {
        if n > 0 {
            out.push(b',');
        }
        out.extend_from_slice(item);
    }
    out.extend_from_slice(close.as_bytes());
    out
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
