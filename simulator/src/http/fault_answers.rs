//! What a faulted servers list sends ([`crate::Fault`]), written as the API, its gateway or a
//! proxy in front would: statuses with their real bodies, and bodies that lie, stop short or
//! never end.

use std::time::Duration;

use axum::body::{Body, Bytes};
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::Response;
use futures_util::{stream, StreamExt as _};
use serde_json::Value;

use super::errors::{permission_denied, SERVER_ERROR};
use super::paging::paging_headers;
use super::reply;
use crate::faults::OVERSIZED_BYTES;
use crate::json::{splitmix64, uuid_from_bits};
use crate::{Fault, Product, Shape, Simulator};

/// The longest a hanging answer waits when its fault is not ended: past any poll's deadline.
const HANG_AT_MOST: Duration = Duration::from_secs(3600);
/// `u64::MAX` seconds: the `Retry-After` that overflowed `Instant + Duration`.
const HUGE_RETRY_AFTER: &str = "18446744073709551615";
const RETRY_AFTER_9999: &str = "Fri, 31 Dec 9999 23:59:59 GMT";
/// What a lying total adds to the truth.
const LIE: u64 = 1_000_000_000_000;
/// The total of a list whose pages never end.
const ENDLESS_TOTAL: u64 = 1_000_000_000;
/// nginx's own 502 page, as a proxy in front of the API writes it.
const BAD_GATEWAY_HTML: &str = "<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n<center><h1>502 Bad Gateway</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n";
/// Envoy's 503 when the service behind the gateway is down.
const UNAVAILABLE: &str =
    "upstream connect error or disconnect/reset before headers. reset reason: connection failure";
/// The server-type catalog's shape (`servers` is an object) where a list is expected.
const WRONG_SHAPE_SPACED: &str =
    r#"{"servers": {"DEV1-S": {"hourly_price": 0.0088, "ncpus": 2, "ram": 2147483648}}}"#;
const WRONG_SHAPE_COMPACT: &str =
    r#"{"total_count":1,"servers":{"DEV1-S":{"hourly_price":0.0088,"ncpus":2,"ram":2147483648}}}"#;
/// How an oversized body is sent: this much at a time, from one static buffer.
static FILLER: [u8; 64 * 1024] = [b'x'; 64 * 1024];

/// The list a request asks for: whose, which page, in which order.
pub(crate) struct Asked<'a> {
    pub(crate) product: Product,
    pub(crate) zone: &'a str,
    pub(crate) page: u64,
    pub(crate) size: u64,
    pub(crate) newest_first: bool,
}

/// How a page's body goes on the wire.
#[derive(Clone, Copy)]
enum Send {
    Whole,
    /// A complete response of the first half (its length says so).
    Half,
    /// The whole length announced, half sent, then the connection ends.
    HalfThenReset,
}

/// The answer of a faulted list; `None` when the pair has no fault.
pub(crate) async fn answer(sim: &Simulator, asked: &Asked<'_>) -> Option<Response> {
    let fault = sim.fault(asked.product, asked.zone)?;
    let ok = |body: Vec<u8>, total: u64, send: Send| listed(sim, asked, body, total, send);
    Some(match fault {
        Fault::RetryAfterHuge => rate_limited(sim, HUGE_RETRY_AFTER),
        Fault::RetryAfterYear9999 => rate_limited(sim, RETRY_AFTER_9999),
        Fault::InternalError => reply(
            sim,
            StatusCode::INTERNAL_SERVER_ERROR,
            SERVER_ERROR.to_vec(),
        ),
        Fault::BadGatewayHtml => text(sim, StatusCode::BAD_GATEWAY, "text/html", BAD_GATEWAY_HTML),
        Fault::Unavailable => unavailable(sim),
        Fault::PermissionDenied => permission_denied(sim, "server"),
        Fault::Hang => {
            sim.hang_while_faulted(asked.product, asked.zone, HANG_AT_MOST)
                .await;
            // No one reads this: the client gave up at its deadline.
            unavailable(sim)
        }
        Fault::ResetMidBody => {
            let (body, total) = healthy(sim, asked);
            ok(body, total, Send::HalfThenReset)
        }
        Fault::TruncatedJson => {
            let (body, total) = healthy(sim, asked);
            ok(body, total, Send::Half)
        }
        Fault::WrongShape => {
            let body = match asked.product {
                Product::Instance => WRONG_SHAPE_SPACED,
                _ => WRONG_SHAPE_COMPACT,
            };
            ok(body.as_bytes().to_vec(), 1, Send::Whole)
        }
        Fault::TotalLies => {
            let (body, total) = healthy(sim, asked);
            ok(body, total.saturating_add(LIE), Send::Whole)
        }
        Fault::OversizedDeclared => oversized(sim, false),
        Fault::OversizedChunked => oversized(sim, true),
        Fault::EndlessPages => ok(endless_page(sim, asked), ENDLESS_TOTAL, Send::Whole),
    })
}

/// The page the list would answer without the fault, and its true total.
fn healthy(sim: &Simulator, asked: &Asked<'_>) -> (Vec<u8>, u64) {
    match asked.product {
        Product::Instance => {
            let out = sim.servers_page(asked.zone, asked.page, asked.size, Shape::Current);
            (out.body, out.total)
        }
        product => {
            let body = sim.product_page(
                product,
                asked.zone,
                asked.page,
                asked.size,
                asked.newest_first,
            );
            let total = body_total(&body).unwrap_or(0);
            (body, total)
        }
    }
}

/// A 200 of the list with `total` announced where the product announces it: Instance in
/// `X-Total-Count` and `Link`, the others in the body's `total_count`.
fn listed(sim: &Simulator, asked: &Asked<'_>, body: Vec<u8>, total: u64, send: Send) -> Response {
    let mut body = match asked.product {
        Product::Instance => body,
        _ => with_total(&body, total),
    };
    let mut response = match send {
        Send::Whole => reply(sim, StatusCode::OK, body),
        Send::Half => {
            body.truncate(body.len() / 2);
            reply(sim, StatusCode::OK, body)
        }
        Send::HalfThenReset => {
            let length = HeaderValue::from(body.len());
            let mut response = reply(sim, StatusCode::OK, Vec::new());
            *response.body_mut() = half_then_reset(body);
            response
                .headers_mut()
                .insert(header::CONTENT_LENGTH, length);
            response
        }
    };
    if asked.product == Product::Instance {
        let order = "&order=creation_date_desc";
        paging_headers(
            &mut response,
            "/servers",
            asked.page,
            asked.size,
            total,
            order,
        );
    }
    response
}

/// The `total_count` a product's page starts with (`{"total_count":N,...`).
fn body_total(body: &[u8]) -> Option<u64> {
    let rest = body.strip_prefix(b"{\"total_count\":")?;
    let digits = rest.iter().take_while(|b| b.is_ascii_digit()).count();
    std::str::from_utf8(&rest[..digits]).ok()?.parse().ok()
}

/// A product's page with `total` in place of the `total_count` it starts with.
fn with_total(body: &[u8], total: u64) -> Vec<u8> {
    const PREFIX: &[u8] = b"{\"total_count\":";
    let Some(rest) = body.strip_prefix(PREFIX) else {
        return body.to_vec();
    };
    let digits = rest.iter().take_while(|b| b.is_ascii_digit()).count();
    let mut out = PREFIX.to_vec();
    out.extend_from_slice(total.to_string().as_bytes());
    out.extend_from_slice(&rest[digits..]);
    out
}

/// Half of `body`, a pause for the client to read it, then an error: hyper ends the
/// connection short of the length it announced.
fn half_then_reset(body: Vec<u8>) -> Body {
    let half = body.len() / 2;
    let half = Bytes::from(body).slice(..half);
    let end = stream::once(async {
        tokio::time::sleep(Duration::from_millis(50)).await;
        Err(std::io::Error::new(
            std::io::ErrorKind::ConnectionReset,
            "the fault ends the connection mid-body",
        ))
    });
    Body::from_stream(stream::iter([Ok(half)]).chain(end))
}

/// The gateway's 429, its `Retry-After` saying `wait`.
fn rate_limited(sim: &Simulator, wait: &'static str) -> Response {
    let mut response = reply(sim, StatusCode::TOO_MANY_REQUESTS, Vec::new());
    let headers = response.headers_mut();
    headers.remove(header::CONTENT_TYPE);
    headers.insert("x-envoy-ratelimited", HeaderValue::from_static("true"));
    headers.insert(header::RETRY_AFTER, HeaderValue::from_static(wait));
    response
}

fn unavailable(sim: &Simulator) -> Response {
    text(
        sim,
        StatusCode::SERVICE_UNAVAILABLE,
        "text/plain",
        UNAVAILABLE,
    )
}

fn text(sim: &Simulator, status: StatusCode, kind: &'static str, body: &str) -> Response {
    let mut response = reply(sim, status, body.as_bytes().to_vec());
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(kind));
    response
}

/// A 200 of [`OVERSIZED_BYTES`] of JSON (an empty list and a padding string), streamed from
/// one static buffer; with its `Content-Length` unless `chunked`.
fn oversized(sim: &Simulator, chunked: bool) -> Response {
    const HEAD: &[u8] = b"{\"servers\":[],\"padding\":\"";
    const TAIL: &[u8] = b"\"}";
    let padding = OVERSIZED_BYTES - HEAD.len() - TAIL.len();
    let chunks = std::iter::once(Bytes::from_static(HEAD))
        .chain((0..padding / FILLER.len()).map(|_| Bytes::from_static(&FILLER)))
        .chain(std::iter::once(Bytes::from_static(
            &FILLER[..padding % FILLER.len()],
        )))
        .chain(std::iter::once(Bytes::from_static(TAIL)))
        .map(Ok::<_, std::io::Error>);
    let mut response = reply(sim, StatusCode::OK, Vec::new());
    *response.body_mut() = Body::from_stream(stream::iter(chunks));
    if !chunked {
        let length = HeaderValue::from(OVERSIZED_BYTES);
        response
            .headers_mut()
            .insert(header::CONTENT_LENGTH, length);
    }
    response
}

/// Page `asked.page` of a list that never ends: `asked.size` servers copied from the zone's
/// first page, each under an id of its own, so no two pages list the same server.
fn endless_page(sim: &Simulator, asked: &Asked<'_>) -> Vec<u8> {
    let first = Asked {
        page: 1,
        size: 100,
        ..*asked
    };
    let (body, _) = healthy(sim, &first);
    let servers = serde_json::from_slice::<Value>(&body)
        .ok()
        .and_then(|v| v.get("servers")?.as_array().cloned())
        .unwrap_or_default();
    let page: Vec<Value> = if servers.is_empty() {
        Vec::new()
    } else {
        (0..asked.size)
            .map(|n| renamed(&servers[(n as usize) % servers.len()], asked.page, n))
            .collect()
    };
    let list = serde_json::to_string(&page).unwrap_or_else(|_| "[]".to_owned());
    let body = match asked.product {
        Product::Instance => format!("{{\"servers\": {list}}}"),
        _ => format!("{{\"total_count\":{ENDLESS_TOTAL},\"servers\":{list}}}"),
    };
    body.into_bytes()
}

/// `server` under the id of copy `n` of page `page`: a UUID, or for Dedibox's integer ids a
/// number above every real one.
fn renamed(server: &Value, page: u64, n: u64) -> Value {
    let mut copy = server.clone();
    let seed = splitmix64(page.wrapping_mul(1_000).wrapping_add(n) ^ 0xe11d_1e55);
    let id = match copy.get("id") {
        Some(Value::String(_)) => {
            let bits = (u128::from(seed) << 64) | u128::from(splitmix64(seed));
            Value::from(uuid_from_bits(bits))
        }
        Some(Value::Number(_)) => {
            Value::from(ENDLESS_TOTAL.saturating_add(page.saturating_mul(1_000).saturating_add(n)))
        }
        _ => return copy,
    };
    copy["id"] = id;
    copy
}
