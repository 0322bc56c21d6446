//! The faults of a servers list over real TCP: each answers on the wire what it says, for
//! Instance and for the Go services alike, in its (product, zone) only, until it is healed.

mod common;

use std::collections::HashSet;
use std::net::SocketAddr;
use std::time::Duration;

use common::*;
use scaleway_simulator::{Fault, Product, ProductCounts, SimulatorConfig, OVERSIZED_BYTES};
use serde_json::Value;
use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};
use tokio::net::TcpStream;

const INSTANCE: &str = "/instance/v1/zones/fr-par-1/servers?page=1&per_page=100";
const DEDIBOX: &str = "/dedibox/v1/zones/fr-par-1/servers?page=1&page_size=100";
const ELASTIC_METAL: &str = "/baremetal/v1/zones/fr-par-1/servers?page=1&page_size=100";

async fn fleet() -> Running {
    start_with(SimulatorConfig {
        servers_per_zone: 30,
        token: TOKEN.to_owned(),
        transition: TRANSITION,
        products: ProductCounts::all(5),
        ..SimulatorConfig::default()
    })
    .await
}

/// Every byte a GET receives until the connection ends, cleanly or not.
async fn raw_get(addr: SocketAddr, path: &str) -> Vec<u8> {
    let mut stream = TcpStream::connect(addr).await.unwrap();
    let head = format!(
        "GET {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\nX-Auth-Token: {TOKEN}\r\n\r\n"
    );
    stream.write_all(head.as_bytes()).await.unwrap();
    let mut raw = Vec::new();
    let mut buffer = vec![0u8; 64 * 1024];
    loop {
        match stream.read(&mut buffer).await {
            Ok(0) | Err(_) => return raw,
            Ok(n) => raw.extend_from_slice(&buffer[..n]),
        }
    }
}

fn head_and_body(raw: &[u8]) -> (String, &[u8]) {
    let split = raw.windows(4).position(|w| w == b"\r\n\r\n").unwrap();
    let head = String::from_utf8_lossy(&raw[..split]).to_lowercase();
    (head, &raw[split + 4..])
}

#[tokio::test]
async fn each_status_fault_answers_its_status_with_the_real_headers_and_body() {
    let s = fleet().await;
    for (product, path) in [(Product::Instance, INSTANCE), (Product::Dedibox, DEDIBOX)] {
        let fault = |f| s.sim.set_fault(product, "fr-par-1", Some(f));
        fault(Fault::RetryAfterHuge);
        let huge = get(s.addr, path).await;
        assert_eq!(huge.status, 429);
        assert_eq!(huge.header("retry-after"), Some("18446744073709551615"));
        assert_eq!(huge.header("x-envoy-ratelimited"), Some("true"));
        fault(Fault::RetryAfterYear9999);
        let date = get(s.addr, path).await;
        assert_eq!(date.status, 429);
        assert_eq!(
            date.header("retry-after"),
            Some("Fri, 31 Dec 9999 23:59:59 GMT")
        );
        fault(Fault::InternalError);
        let error = get(s.addr, path).await;
        assert_eq!(error.status, 500);
        assert_eq!(
            error.text(),
            r#"{"message":"Internal error","type":"server_error"}"#
        );
        fault(Fault::BadGatewayHtml);
        let html = get(s.addr, path).await;
        assert_eq!(html.status, 502);
        assert_eq!(html.header("content-type"), Some("text/html"));
        assert!(html.text().contains("<h1>502 Bad Gateway</h1>"));
        fault(Fault::Unavailable);
        let down = get(s.addr, path).await;
        assert_eq!(down.status, 503);
        assert_eq!(down.header("content-type"), Some("text/plain"));
        assert!(down.text().starts_with("upstream connect error"));
        fault(Fault::PermissionDenied);
        let denied = get(s.addr, path).await;
        assert_eq!(denied.status, 403);
        assert_eq!(denied.json()["type"], "permissions_denied");
    }
}

#[tokio::test]
async fn a_fault_holds_its_own_list_only_and_healing_brings_the_servers_back() {
    let s = fleet().await;
    let healthy = get(s.addr, INSTANCE).await.json();
    let id = healthy["servers"][0]["id"].as_str().unwrap().to_owned();
    s.sim
        .set_fault(Product::Instance, "fr-par-1", Some(Fault::InternalError));
    assert_eq!(
        s.sim.fault(Product::Instance, "fr-par-1"),
        Some(Fault::InternalError)
    );
    assert_eq!(get(s.addr, INSTANCE).await.status, 500);
    for untouched in [
        "/instance/v1/zones/nl-ams-1/servers".to_owned(),
        format!("/instance/v1/zones/fr-par-1/servers/{id}"),
        DEDIBOX.to_owned(),
        ELASTIC_METAL.to_owned(),
    ] {
        assert_eq!(get(s.addr, &untouched).await.status, 200, "{untouched}");
    }
    s.sim.set_fault(Product::Instance, "fr-par-1", None);
    assert_eq!(s.sim.fault(Product::Instance, "fr-par-1"), None);
    assert_eq!(get(s.addr, INSTANCE).await.json(), healthy);
}

#[tokio::test]
async fn a_hanging_list_answers_nothing_until_its_fault_ends() {
    let s = fleet().await;
    s.sim
        .set_fault(Product::ElasticMetal, "fr-par-1", Some(Fault::Hang));
    let addr = s.addr;
    let mut waiting = tokio::spawn(async move { raw_get(addr, ELASTIC_METAL).await });
    let silent = tokio::time::timeout(Duration::from_millis(500), &mut waiting).await;
    assert!(silent.is_err(), "no byte while the fault lasts");
    s.sim.set_fault(Product::ElasticMetal, "fr-par-1", None);
    let raw = tokio::time::timeout(Duration::from_secs(5), waiting)
        .await
        .expect("the answer comes once the fault ends")
        .unwrap();
    assert!(raw.starts_with(b"HTTP/1.1 503"));
}

/// For Instance and Dedibox in fr-par-1: the list's path and its healthy first page, then
/// `fault` set on it.
async fn pages_then(s: &Running, fault: Fault) -> Vec<(&'static str, Vec<u8>)> {
    let mut pages = Vec::new();
    for (product, path) in [(Product::Instance, INSTANCE), (Product::Dedibox, DEDIBOX)] {
        pages.push((path, get(s.addr, path).await.body));
        s.sim.set_fault(product, "fr-par-1", Some(fault));
    }
    pages
}

#[tokio::test]
async fn reset_mid_body_sends_half_of_the_page_it_announced_then_ends_the_connection() {
    let s = fleet().await;
    for (path, page) in pages_then(&s, Fault::ResetMidBody).await {
        let raw = raw_get(s.addr, path).await;
        let (head, body) = head_and_body(&raw);
        assert!(head.starts_with("http/1.1 200"), "{head}");
        let length = format!("content-length: {}", page.len());
        assert!(head.contains(&length), "{head}");
        assert_eq!(body, &page[..page.len() / 2]);
    }
}

#[tokio::test]
async fn truncated_json_is_a_complete_response_of_half_a_page() {
    let s = fleet().await;
    for (path, page) in pages_then(&s, Fault::TruncatedJson).await {
        let cut = get(s.addr, path).await;
        assert_eq!(cut.status, 200);
        assert_eq!(cut.body, &page[..page.len() / 2]);
        assert!(serde_json::from_slice::<Value>(&cut.body).is_err());
    }
}

#[tokio::test]
async fn wrong_shape_lists_the_servers_as_an_object() {
    let s = fleet().await;
    for (product, path) in [
        (Product::Instance, INSTANCE),
        (Product::ElasticMetal, ELASTIC_METAL),
    ] {
        s.sim
            .set_fault(product, "fr-par-1", Some(Fault::WrongShape));
        let wrong = get(s.addr, path).await;
        assert_eq!(wrong.status, 200);
        assert!(wrong.json()["servers"].is_object(), "{}", wrong.text());
    }
}

#[tokio::test]
async fn a_lying_total_is_a_trillion_above_the_truth_beside_the_true_page() {
    let s = fleet().await;
    let page = get(s.addr, INSTANCE).await;
    s.sim
        .set_fault(Product::Instance, "fr-par-1", Some(Fault::TotalLies));
    let lie = get(s.addr, INSTANCE).await;
    assert_eq!(lie.header("x-total-count"), Some("1000000000030"));
    assert!(lie.header("link").unwrap().contains("page=10000000001&"));
    assert_eq!(lie.body, page.body);

    let page = get(s.addr, DEDIBOX).await.json();
    s.sim
        .set_fault(Product::Dedibox, "fr-par-1", Some(Fault::TotalLies));
    let lie = get(s.addr, DEDIBOX).await.json();
    assert_eq!(lie["total_count"], 1_000_000_000_005_u64);
    assert_eq!(lie["servers"], page["servers"]);
}

#[tokio::test]
async fn oversized_bodies_are_65_mib_with_their_length_or_chunked() {
    let s = fleet().await;
    let fault = |f| s.sim.set_fault(Product::AppleSilicon, "fr-par-1", Some(f));
    let path = "/apple-silicon/v1alpha1/zones/fr-par-1/servers";
    fault(Fault::OversizedDeclared);
    let declared = get(s.addr, path).await;
    assert_eq!(declared.status, 200);
    assert_eq!(
        declared.header("content-length"),
        Some(OVERSIZED_BYTES.to_string().as_str())
    );
    assert_eq!(declared.body.len(), OVERSIZED_BYTES);
    fault(Fault::OversizedChunked);
    let chunked = get(s.addr, path).await;
    assert_eq!(chunked.header("transfer-encoding"), Some("chunked"));
    assert_eq!(chunked.header("content-length"), None);
    assert_eq!(chunked.body.len(), OVERSIZED_BYTES);
    assert!(chunked.body.starts_with(br#"{"servers":[],"padding":"xxx"#));
    assert!(chunked.body.ends_with(br#"xxx"}"#));
}

#[tokio::test]
async fn endless_pages_are_full_of_servers_never_listed_before_under_a_total_of_a_billion() {
    let s = fleet().await;
    for (product, first) in [(Product::Instance, INSTANCE), (Product::Dedibox, DEDIBOX)] {
        s.sim
            .set_fault(product, "fr-par-1", Some(Fault::EndlessPages));
        let mut ids = HashSet::new();
        for page in [1, 2, 500] {
            let path = first.replace("page=1&", &format!("page={page}&"));
            let reply = get(s.addr, &path).await;
            let body = reply.json();
            let servers = body["servers"].as_array().unwrap();
            assert_eq!(servers.len(), 100, "page {page} is full");
            for server in servers {
                assert!(
                    ids.insert(server["id"].to_string()),
                    "{} twice",
                    server["id"]
                );
            }
            match product {
                Product::Instance => {
                    assert_eq!(reply.header("x-total-count"), Some("1000000000"));
                }
                _ => assert_eq!(body["total_count"], 1_000_000_000),
            }
        }
    }
}
