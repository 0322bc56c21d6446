//! Paging as the real APIs do it: `page` and a page size from the query, and the Instance
//! API's `X-Total-Count` and `Link` headers.

use axum::http::{header, HeaderValue};
use axum::response::Response;

use std::ops::Range;

use super::{InvalidArguments, MAX_PAGE_SIZE};

/// `page` (default 1) and the page size (default 50, at most 100) from a raw query string.
#[cfg(test)]
pub(crate) fn paging(query: Option<&str>, size_name: &str) -> Result<(u64, u64), InvalidArguments> {
    let (page, size) = paging_sized(query, size_name)?;
    Ok((page, size.unwrap_or(super::DEFAULT_PAGE_SIZE)))
}

/// `page` (default 1) and the page size if the query gives one (at most 100).
pub(crate) fn paging_sized(
    query: Option<&str>,
    size_name: &str,
) -> Result<(u64, Option<u64>), InvalidArguments> {
    let mut page = 1;
    let mut size = None;
    for pair in query
        .unwrap_or_default()
        .split('&')
        .filter(|p| !p.is_empty())
    {
        let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
        if key == "page" {
            page = match value.parse::<u64>() {
                Ok(n) if n >= 1 => n,
                _ => {
                    return Err(InvalidArguments::one(
                        "page",
                        "must be a positive integer".to_owned(),
                    ))
                }
            };
        } else if key == size_name {
            size = match value.parse::<u64>() {
                Ok(n) if (1..=MAX_PAGE_SIZE).contains(&n) => Some(n),
                Ok(n) if n > MAX_PAGE_SIZE => {
                    return Err(InvalidArguments::one(
                        size_name,
                        format!("must be lower or equal to {MAX_PAGE_SIZE}"),
                    ))
                }
                _ => {
                    let help =
                        format!("must be a positive integer lower or equal to {MAX_PAGE_SIZE}");
                    return Err(InvalidArguments::one(size_name, help));
                }
            };
        }
    }
    Ok((page, size))
}

/// The positions page `page` (from 1) of `size` items covers in a list of `len`: empty past
/// the end, however large the page number.
pub(crate) fn window(page: u64, size: u64, len: usize) -> Range<usize> {
    let start = usize::try_from((page - 1).saturating_mul(size)).map_or(len, |s| s.min(len));
    let end = usize::try_from(size).map_or(len, |size| start.saturating_add(size).min(len));
    start..end
}

/// `X-Total-Count` and the relative `Link` header rooted at `/servers` (docs/api-notes.md#the-link-header):
/// `first`/`previous` past page 1, `next` before the last, `last` always (page 0 when empty),
/// comma-separated without spaces.
pub(crate) fn paging_headers(
    response: &mut Response,
    root: &str,
    page: u64,
    per_page: u64,
    total: u64,
    extra: &str,
) {
    let link = link_header_at(root, page, per_page, total, extra);
    let headers = response.headers_mut();
    headers.insert("x-total-count", HeaderValue::from(total));
    if let Ok(v) = HeaderValue::from_str(&link) {
        headers.insert(header::LINK, v);
    }
}

/// The `Link` of a list rooted at `root` (the API writes the legacy root, not the URL asked):
/// `first`/`previous` past page 1, `next` before the last, `last` always, no space after the
/// commas.
pub(crate) fn link_header_at(
    root: &str,
    page: u64,
    per_page: u64,
    total: u64,
    extra: &str,
) -> String {
    let last = total.div_ceil(per_page);
    let url =
        |p: u64, rel: &str| format!("<{root}?page={p}&per_page={per_page}{extra}>; rel=\"{rel}\"");
    let mut parts = Vec::with_capacity(4);
    if page > 1 {
        parts.push(url(1, "first"));
        parts.push(url((page - 1).min(last.max(1)), "previous"));
    }
    if page < last {
        parts.push(url(page + 1, "next"));
    }
    parts.push(url(last, "last"));
    parts.join(",")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn link_header_uses_the_real_relative_form() {
        assert_eq!(
            link_header_at("/servers", 1, 100, 250, ""),
            r#"</servers?page=2&per_page=100>; rel="next",</servers?page=3&per_page=100>; rel="last""#
        );
        assert_eq!(
            link_header_at("/servers", 2, 100, 250, ""),
            concat!(
                r#"</servers?page=1&per_page=100>; rel="first","#,
                r#"</servers?page=1&per_page=100>; rel="previous","#,
                r#"</servers?page=3&per_page=100>; rel="next","#,
                r#"</servers?page=3&per_page=100>; rel="last""#
            )
        );
        assert_eq!(
            link_header_at("/servers", 1, 50, 0, ""),
            r#"</servers?page=0&per_page=50>; rel="last""#
        );
        assert_eq!(
            link_header_at("/servers", 1, 50, 28, "&order=creation_date_desc"),
            r#"</servers?page=1&per_page=50&order=creation_date_desc>; rel="last""#
        );
    }

    #[test]
    fn paging_accepts_defaults_and_refuses_nonsense() {
        assert_eq!(paging(None, "per_page").ok(), Some((1, 50)));
        assert_eq!(
            paging(Some("page=3&per_page=100&order=x"), "per_page").ok(),
            Some((3, 100))
        );
        assert!(paging(Some("page=0"), "per_page").is_err());
        assert!(paging(Some("page=abc"), "per_page").is_err());
        assert!(paging(Some("page=-1"), "per_page").is_err());
        assert!(paging(Some("per_page=101"), "per_page").is_err());
        assert!(paging(Some("per_page=0"), "per_page").is_err());
        assert!(paging(Some("page_size=101"), "page_size").is_err());
        assert_eq!(
            paging(Some("page=18446744073709551615"), "per_page").ok(),
            Some((u64::MAX, 50))
        );
    }
}
