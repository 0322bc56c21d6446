//! `/runbook`: the runbook of this version, `docs/runbook.md` rendered to HTML by `build.rs`,
//! each heading with the anchor GitHub gives it. Every alert's section is a heading named after
//! the alert, so the mixin's default `runbook_url`, `http://<instance>/runbook#<alert in lower
//! case>`, lands on it. The page is the same for the whole run: it is built and gzipped once,
//! and inflated as it is sent to a client that does not accept gzip.

use std::sync::LazyLock;

use axum::http::HeaderMap;
use axum::response::Response;
use bytes::Bytes;
use maud::{html, PreEscaped, DOCTYPE};

use super::views::gzipped;
use crate::build_info;
use crate::compress::gzip;

/// The runbook's body, from `build.rs`.
const BODY: &str = include_str!(concat!(env!("OUT_DIR"), "/runbook.html"));

const STYLE: &str = "body{font-family:sans-serif;margin:2em;max-width:60em;line-height:1.4}\
table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:.3em .6em;text-align:left}\
pre{background:#f6f8fa;padding:.6em;overflow-x:auto}code{background:#f6f8fa}\
h2{border-bottom:1px solid #ccc;margin-top:2em}:target{background:#fff8c5}\
@media (max-width:600px){body{margin:.5em}}";

/// The page, kept gzipped only, as every body of the exporter.
struct Page {
    gzip: Bytes,
    plain_len: u64,
}

static PAGE: LazyLock<Page> = LazyLock::new(|| {
    let html = html! {
        (DOCTYPE) "\n"
        html lang="en" {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                title { "scaleway_exporter runbook" }
                style { (PreEscaped(STYLE)) }
            }
            body {
                p {
                    a href="/" { "Scaleway exporter" } " " (build_info::VERSION)
                    " (revision " (build_info::REVISION) "): the runbook of this version."
                }
                (PreEscaped(BODY))
            }
        }
    }
    .into_string();
    Page {
        gzip: Bytes::from(gzip(html.as_bytes(), html.len() / 3)),
        plain_len: html.len() as u64,
    }
});

pub(super) async fn runbook(headers: HeaderMap) -> Response {
    gzipped(
        "text/html; charset=utf-8",
        &PAGE.gzip,
        PAGE.plain_len,
        &headers,
    )
}
