//! A failed poll of one zone keeps its last good servers, and leaves the other zones alone.

mod common;

use common::*;
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

fn page(ids: &[&str], state: &str) -> ResponseTemplate {
    let servers: Vec<serde_json::Value> = ids
        .iter()
        .map(|id| serde_json::json!({"id": id, "name": format!("srv-{id}"), "state": state, "volumes": {}, "tags": []}))
        .collect();
    ResponseTemplate::new(200)
        .insert_header("X-Total-Count", ids.len().to_string().as_str())
        .set_body_json(serde_json::json!({ "servers": servers }))
}

#[tokio::test]
async fn a_failed_zone_keeps_its_last_good_servers_while_another_zone_goes_on_updating() {
    let api = MockServer::start().await;
    let paris = "/instance/v1/zones/fr-par-1/servers";
    let amsterdam = "/instance/v1/zones/nl-ams-1/servers";
    Mock::given(method("GET"))
        .and(path(paris))
        .respond_with(page(&["p1", "p2"], "running"))
        .up_to_n_times(1)
        .with_priority(1)
        .mount(&api)
        .await;
    Mock::given(method("GET")).and(path(paris))
        .respond_with(ResponseTemplate::new(401).set_body_raw(
            r#"{"message":"authentication is denied","method":"api_key","reason":"not_found","type":"denied_authentication"}"#,
            "application/json"))
        .with_priority(2).mount(&api).await;
    Mock::given(method("GET"))
        .and(path(amsterdam))
        .respond_with(page(&["a1", "a2", "a3"], "running"))
        .up_to_n_times(1)
        .with_priority(1)
        .mount(&api)
        .await;
    Mock::given(method("GET"))
        .and(path(amsterdam))
        .respond_with(page(&["a1"], "stopped"))
        .with_priority(2)
        .mount(&api)
        .await;

    let exporter = start_exporter(&exporter_config(
        &api.uri(),
        &["fr-par-1", "nl-ams-1"],
        TEST_KEY,
    ))
    .await;
    exporter.poller.poll_once().await;
    let first = exporter.scrape().await;
    let paris_success = first.value(
        "scaleway_exporter_last_success_timestamp_seconds",
        &[("zone", "fr-par-1")],
    );

    exporter.poller.poll_once().await;
    let second = exporter.scrape().await;
    assert_eq!(
        second.value("scaleway_exporter_poll_success", &[("zone", "fr-par-1")]),
        0.0
    );
    assert_eq!(
        second.server_ids("fr-par-1"),
        ["p1", "p2"],
        "the failed zone keeps its servers"
    );
    assert_eq!(
        second.state_of("fr-par-1", "p1").as_deref(),
        Some("running")
    );
    assert_eq!(
        second.value(
            "scaleway_exporter_last_success_timestamp_seconds",
            &[("zone", "fr-par-1")]
        ),
        paris_success,
        "the last success stays the last success"
    );
    assert_eq!(
        second.value("scaleway_exporter_poll_success", &[("zone", "nl-ams-1")]),
        1.0
    );
    assert_eq!(
        second.server_ids("nl-ams-1"),
        ["a1"],
        "the healthy zone is replaced"
    );
    assert_eq!(
        second.state_of("nl-ams-1", "a1").as_deref(),
        Some("stopped")
    );
}

#[tokio::test]
async fn a_body_that_is_not_the_servers_list_fails_the_poll_and_keeps_the_data() {
    let api = MockServer::start().await;
    let paris = "/instance/v1/zones/fr-par-1/servers";
    Mock::given(method("GET"))
        .and(path(paris))
        .respond_with(page(&["p1"], "running"))
        .up_to_n_times(1)
        .with_priority(1)
        .mount(&api)
        .await;
    Mock::given(method("GET"))
        .and(path(paris))
        .respond_with(
            ResponseTemplate::new(200).set_body_raw("<html>maintenance</html>", "text/html"),
        )
        .with_priority(2)
        .mount(&api)
        .await;
    let exporter = start_exporter(&exporter_config(&api.uri(), &["fr-par-1"], TEST_KEY)).await;
    exporter.poller.poll_once().await;
    let published = exporter.poller.poll_once().await;
    let zone = &published.snapshot.zones["fr-par-1"];
    let error = zone.last_poll.as_ref().unwrap().error.clone().unwrap();
    assert!(
        error.starts_with("servers response could not be read"),
        "{error}"
    );
    let metrics = exporter.scrape().await;
    assert_eq!(
        metrics.value("scaleway_exporter_poll_success", &[("zone", "fr-par-1")]),
        0.0
    );
    assert_eq!(metrics.server_ids("fr-par-1"), ["p1"]);
}

#[tokio::test]
async fn a_block_storage_failure_fails_the_zone_and_says_which_endpoint() {
    let api = MockServer::start().await;
    Mock::given(method("GET")).and(path("/instance/v1/zones/fr-par-1/servers"))
        .respond_with(ResponseTemplate::new(200).insert_header("X-Total-Count", "1").set_body_json(serde_json::json!({
            "servers": [{"id": "s1", "state": "running", "volumes": {"0": {"id": "v1", "volume_type": "sbs_volume"}}}]
        })))
        .mount(&api).await;
    Mock::given(method("GET")).and(path("/block/v1/zones/fr-par-1/volumes"))
        .respond_with(ResponseTemplate::new(403).set_body_raw(
            r#"{"message": "insufficient permissions", "type": "permissions_denied", "details": [{"resource": "block_volumes", "action": "read"}]}"#,
            "application/json"))
        .mount(&api).await;
    let exporter = start_exporter(&exporter_config(&api.uri(), &["fr-par-1"], TEST_KEY)).await;
    let published = exporter.poller.poll_once().await;
    let error = published.snapshot.zones["fr-par-1"]
        .last_poll
        .as_ref()
        .unwrap()
        .error
        .clone()
        .unwrap();
    assert_eq!(
        error,
        "volumes request answered HTTP 403 (permissions_denied: insufficient permissions): \
         the key lacks a permission; it needs InstancesReadOnly and BlockStorageReadOnly"
    );
    let metrics = exporter.scrape().await;
    assert_eq!(
        metrics.value(
            "scaleway_exporter_api_requests_total",
            &[("endpoint", "volumes"), ("code", "403")]
        ),
        1.0
    );
}
