//! A failed poll of one zone keeps its last good servers, and leaves the other zones alone; a
//! failed Block Storage read fails no zone; and the log lines say each once.

use scaleway_exporter::product::Product;
use std::collections::BTreeMap;

use scaleway_exporter::inventory::VolumeSizes;
use scaleway_simulator::BlockFault;
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

use crate::common::faulty_api::{server, Fault, FaultyApi};
use crate::common::*;

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
    let zone = &published
        .snapshot
        .zone(Product::Instance, "fr-par-1")
        .unwrap();
    let error = zone.last_error().unwrap().to_string();
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

/// The `sbs_volume` size series of a zone, by volume id.
fn sbs_sizes(metrics: &Exposition, zone: &str) -> BTreeMap<String, f64> {
    metrics
        .select(
            "scaleway_server_volume_size_bytes",
            &[("zone", zone), ("volume_type", "sbs_volume")],
        )
        .into_iter()
        .map(|s| (s.labels["volume_id"].clone(), s.value))
        .collect()
}

fn warnings(logs: &CapturedLogs) -> Vec<String> {
    logs.lines()
        .into_iter()
        .filter(|l| l.contains(" WARN ") || l.contains(" ERROR "))
        .collect()
}

/// A key made with InstancesReadOnly alone gets 403 from Block Storage in every zone. The
/// exporter still publishes every zone's servers and states, with no sbs size it never read,
/// says so in `volume_sizes_success`, and in one warn line for the whole run of failures
/// rather than one per zone per poll; again only once it has recovered and fails anew.
#[tokio::test]
async fn a_key_without_block_storage_read_publishes_every_zone_and_warns_once() {
    let zones = ["fr-par-1", "nl-ams-1"];
    let api = start_simulator(simulator_config(&zones, 30)).await;
    for zone in zones {
        api.simulator
            .set_block_fault(zone, Some(BlockFault::PermissionDenied));
    }
    let exporter = start_exporter(&exporter_config(&api.url, &zones, TEST_KEY)).await;
    let running = api
        .simulator
        .server_ids("fr-par-1")
        .into_iter()
        .find(|id| api.simulator.server_state("fr-par-1", id).as_deref() == Some("running"))
        .unwrap();

    let (logs, guard) = CapturedLogs::start();
    exporter.poller.poll_once().await;
    api.act("fr-par-1", &running, "poweroff").await;
    api.finish_transitions();
    exporter.poller.poll_once().await;
    exporter.poller.poll_once().await;
    drop(guard);

    let metrics = exporter.scrape().await;
    for zone in zones {
        let health = |name: &str| metrics.value(name, &[("zone", zone)]);
        assert_eq!(health("scaleway_exporter_poll_success"), 1.0, "{zone}");
        assert_eq!(
            health("scaleway_exporter_volume_sizes_success"),
            0.0,
            "{zone}"
        );
        assert!(health("scaleway_exporter_last_success_timestamp_seconds") > 1.7e9);
        assert_eq!(metrics.server_ids(zone).len(), 30, "{zone}: every server");
        assert_eq!(
            sbs_sizes(&metrics, zone),
            BTreeMap::new(),
            "{zone}: no size before a good read"
        );
        assert_eq!(
            metrics.value(
                "scaleway_exporter_api_requests_total",
                &[("zone", zone), ("endpoint", "volumes"), ("code", "403")]
            ),
            3.0,
            "{zone}: one request a poll, not retried"
        );
    }
    assert!(
        !metrics
            .select("scaleway_server_volume_size_bytes", &[("zone", "fr-par-1")])
            .is_empty(),
        "the sizes the server objects give are still there"
    );
    assert_eq!(
        metrics.state_of("fr-par-1", &running).as_deref(),
        Some("stopped"),
        "states are fresh"
    );
    let warned = warnings(&logs);
    assert_eq!(warned.len(), 1, "one line over three polls: {warned:#?}");
    assert!(warned[0].contains("BlockStorageReadOnly"), "{}", warned[0]);
    assert!(
        warned[0].contains("zones=\"fr-par-1,nl-ams-1\""),
        "{}",
        warned[0]
    );

    for zone in zones {
        api.simulator.set_block_fault(zone, None);
    }
    let (logs, guard) = CapturedLogs::start();
    exporter.poller.poll_once().await;
    drop(guard);
    let metrics = exporter.scrape().await;
    for zone in zones {
        assert_eq!(
            metrics.value("scaleway_exporter_volume_sizes_success", &[("zone", zone)]),
            1.0
        );
        assert!(
            !sbs_sizes(&metrics, zone).is_empty(),
            "{zone}: read at last"
        );
    }
    let lines = said(&logs);
    assert_eq!(lines.len(), 1, "{lines:#?}");
    assert!(
        lines[0].contains(" INFO ") && lines[0].contains("Block Storage volumes read again"),
        "{}",
        lines[0]
    );

    api.simulator
        .set_block_fault("nl-ams-1", Some(BlockFault::PermissionDenied));
    let (logs, guard) = CapturedLogs::start();
    exporter.poller.poll_once().await;
    exporter.poller.poll_once().await;
    drop(guard);
    let warned = warnings(&logs);
    assert_eq!(warned.len(), 1, "fails anew: {warned:#?}");
    assert!(warned[0].contains("zones=\"nl-ams-1\""), "{}", warned[0]);
}

/// Block Storage's own 429s and 500s fail neither the zone nor its servers: the servers and
/// their states are fresh, the sbs volumes keep the sizes of the last good read, and a volume
/// that read never saw has no size series until the next good one.
#[tokio::test]
async fn a_block_storage_429_or_500_keeps_the_last_good_sizes_and_fresh_servers() {
    let zone = "fr-par-1";
    let api = start_simulator(simulator_config(&[zone], 40)).await;
    let config = exporter_config_builder(&api.url, &[zone], TEST_KEY)
        .poll_timeout(std::time::Duration::from_secs(2))
        .build()
        .unwrap();
    let exporter = start_exporter(&config).await;
    exporter.poller.poll_once().await;
    let good = sbs_sizes(&exporter.scrape().await, zone);
    assert!(!good.is_empty(), "the simulated fleet has sbs volumes");

    // Since that read: a server powered off, and a new one on a new sbs volume.
    let running = api
        .simulator
        .server_ids(zone)
        .into_iter()
        .find(|id| api.simulator.server_state(zone, id).as_deref() == Some("running"))
        .unwrap();
    api.act(zone, &running, "poweroff").await;
    api.finish_transitions();
    api.simulator.insert_server(
        zone,
        serde_json::json!({"id": "new-server", "name": "new", "state": "running", "tags": [],
            "volumes": {"0": {"boot": false, "id": "new-volume", "volume_type": "sbs_volume"}}}),
    );
    api.simulator.insert_block_volume(
        zone,
        serde_json::json!({"id": "new-volume", "name": "new-data", "size": 50_000_000_000u64,
            "type": "sbs_5k", "zone": zone}),
    );

    let (logs, guard) = CapturedLogs::start();
    for (fault, code) in [
        (BlockFault::RateLimited, "HTTP 429"),
        (BlockFault::InternalError, "HTTP 500"),
    ] {
        api.simulator.set_block_fault(zone, Some(fault));
        exporter.poller.poll_once().await;
        let metrics = exporter.scrape().await;
        let health = |name: &str| metrics.value(name, &[("zone", zone)]);
        assert_eq!(health("scaleway_exporter_poll_success"), 1.0, "{code}");
        assert_eq!(
            health("scaleway_exporter_volume_sizes_success"),
            0.0,
            "{code}"
        );
        assert_eq!(metrics.state_of(zone, &running).as_deref(), Some("stopped"));
        assert!(metrics.server_ids(zone).contains(&"new-server".to_owned()));
        assert_eq!(
            sbs_sizes(&metrics, zone),
            good,
            "{code}: the last good read's sizes, and none for the volume it never saw"
        );
    }
    drop(guard);
    let warned = warnings(&logs);
    assert_eq!(warned.len(), 2, "one line per cause: {warned:#?}");
    assert!(warned[0].contains("HTTP 429"), "{}", warned[0]);
    assert!(warned[1].contains("HTTP 500"), "{}", warned[1]);
    assert!(
        warned
            .iter()
            .all(|l| l.contains("servers are still published")),
        "{warned:#?}"
    );

    api.simulator.set_block_fault(zone, None);
    exporter.poller.poll_once().await;
    let metrics = exporter.scrape().await;
    assert_eq!(
        metrics.value("scaleway_exporter_volume_sizes_success", &[("zone", zone)]),
        1.0
    );
    assert_eq!(
        sbs_sizes(&metrics, zone).get("new-volume"),
        Some(&50_000_000_000.0)
    );
}

/// Scaleway's SDK lists no Block Storage in it-mil-1, whose servers have `sbs_volume`s. The
/// exporter still asks; a 501 "unknown service" (or a 404) means the zone has no Block
/// Storage: not a failure, no size, one info line for the run, and no retry.
#[tokio::test]
async fn a_zone_where_block_storage_is_not_served_is_not_a_failure() {
    let zone = "it-mil-1";
    let api = start_simulator(simulator_config(&[zone], 30)).await;
    api.simulator
        .set_block_fault(zone, Some(BlockFault::NotServed));
    let exporter = start_exporter(&exporter_config(&api.url, &[zone], TEST_KEY)).await;
    let (logs, guard) = CapturedLogs::start();
    exporter.poller.poll_once().await;
    exporter.poller.poll_once().await;
    drop(guard);
    let metrics = exporter.scrape().await;
    let health = |name: &str| metrics.value(name, &[("zone", zone)]);
    assert_eq!(health("scaleway_exporter_poll_success"), 1.0);
    assert_eq!(health("scaleway_exporter_volume_sizes_success"), 1.0);
    assert_eq!(metrics.server_ids(zone).len(), 30);
    assert_eq!(sbs_sizes(&metrics, zone), BTreeMap::new());
    assert_eq!(
        metrics.value(
            "scaleway_exporter_api_requests_total",
            &[("zone", zone), ("endpoint", "volumes"), ("code", "501")]
        ),
        2.0,
        "asked once a poll, not retried"
    );
    assert_eq!(warnings(&logs), Vec::<String>::new());
    let not_served: Vec<String> = said(&logs)
        .into_iter()
        .filter(|l| l.contains("the zone does not have Block Storage volumes"))
        .collect();
    assert_eq!(not_served.len(), 1, "{not_served:#?}");
    assert!(not_served[0].contains(" INFO "), "{}", not_served[0]);
}

#[tokio::test]
async fn a_block_storage_404_is_a_zone_without_block_storage_too() {
    let api = MockServer::start().await;
    Mock::given(method("GET")).and(path("/instance/v1/zones/fr-par-1/servers"))
        .respond_with(ResponseTemplate::new(200).insert_header("X-Total-Count", "1").set_body_json(serde_json::json!({
            "servers": [{"id": "s1", "state": "running", "volumes": {"0": {"id": "v1", "volume_type": "sbs_volume"}}}]
        })))
        .mount(&api).await;
    Mock::given(method("GET"))
        .and(path("/block/v1/zones/fr-par-1/volumes"))
        .respond_with(ResponseTemplate::new(404).set_body_raw(
            r#"{"message":"Not Found","type":"not_found"}"#,
            "application/json",
        ))
        .mount(&api)
        .await;
    let exporter = start_exporter(&exporter_config(&api.uri(), &["fr-par-1"], TEST_KEY)).await;
    let published = exporter.poller.poll_once().await;
    let zone = &published
        .snapshot
        .zone(Product::Instance, "fr-par-1")
        .unwrap();
    assert!(zone.last_poll_succeeded());
    let Some(VolumeSizes::NotServed(error)) = &zone.volume_sizes else {
        panic!("{:?}", zone.volume_sizes);
    };
    assert_eq!(
        error.to_string(),
        "volumes request answered HTTP 404 (not_found: Not Found): \
         Block Storage does not serve this zone"
    );
    let metrics = exporter.scrape().await;
    assert_eq!(
        metrics.value(
            "scaleway_exporter_volume_sizes_success",
            &[("zone", "fr-par-1")]
        ),
        1.0
    );
    assert_eq!(metrics.server_ids("fr-par-1"), ["s1"]);
}

/// A zone that has never succeeded is as stale as can be: its last success reads 0, before its
/// first poll and after every failed one, so `time() - last_success > 900` can fire for an
/// exporter misconfigured from its first minute. Its first success replaces the 0.
#[tokio::test]
async fn a_zone_that_never_succeeded_has_a_last_success_of_0_until_its_first_success() {
    let api = MockServer::start().await;
    let paris = "/instance/v1/zones/fr-par-1/servers";
    Mock::given(method("GET")).and(path(paris))
        .respond_with(ResponseTemplate::new(401).set_body_raw(
            r#"{"message":"authentication is denied","method":"api_key","reason":"not_found","type":"denied_authentication"}"#,
            "application/json"))
        .up_to_n_times(2)
        .with_priority(1)
        .mount(&api).await;
    Mock::given(method("GET"))
        .and(path(paris))
        .respond_with(page(&["p1"], "running"))
        .with_priority(2)
        .mount(&api)
        .await;
    let exporter = start_exporter(&exporter_config(&api.uri(), &["fr-par-1"], TEST_KEY)).await;
    let last_success = |metrics: &Exposition| {
        metrics.value(
            "scaleway_exporter_last_success_timestamp_seconds",
            &[("zone", "fr-par-1")],
        )
    };

    assert_eq!(
        last_success(&exporter.scrape().await),
        0.0,
        "before any poll"
    );
    for poll in 1..=2 {
        exporter.poller.poll_once().await;
        let metrics = exporter.scrape().await;
        assert_eq!(
            metrics.value("scaleway_exporter_poll_success", &[("zone", "fr-par-1")]),
            0.0
        );
        assert_eq!(last_success(&metrics), 0.0, "after failed poll {poll}");
    }
    exporter.poller.poll_once().await;
    assert!(last_success(&exporter.scrape().await) > 1.7e9);
}

/// The WARN and INFO lines the exporter wrote (DEBUG and the test's own are left out).
fn said(logs: &CapturedLogs) -> Vec<String> {
    logs.lines()
        .into_iter()
        .filter(|l| l.contains(" WARN ") || l.contains(" INFO ") || l.contains(" ERROR "))
        .collect()
}

const DENIED_401: &str = r#"{"message":"authentication is denied","method":"api_key","reason":"not_found","type":"denied_authentication"}"#;

fn refused_key() -> Fault {
    Fault::Status {
        status: 401,
        content_type: Some("application/json"),
        body: DENIED_401.to_owned(),
        retry_after: None,
    }
}

/// Ten zones refused for one cause are one line that names them, not ten; another cause in
/// the same poll is a line of its own. A zone that never succeeded is not said to keep
/// servers it never had.
#[tokio::test]
async fn zones_that_fail_for_one_cause_in_one_poll_share_one_line_that_names_them() {
    let api = FaultyApi::start().await;
    let refused = ["fr-par-1", "fr-par-2", "nl-ams-1", "pl-waw-1"];
    for zone in refused {
        api.set_fault(zone, refused_key());
    }
    api.set_fault(
        "it-mil-1",
        Fault::Status {
            status: 403,
            content_type: Some("application/json"),
            body: r#"{"message": "insufficient permissions", "type": "permissions_denied", "details": [{"resource": "instance_servers", "action": "read"}]}"#.to_owned(),
            retry_after: None,
        },
    );
    let zones = ["fr-par-1", "fr-par-2", "nl-ams-1", "pl-waw-1", "it-mil-1"];
    let exporter = start_exporter(&exporter_config(&api.url, &zones, TEST_KEY)).await;

    let (logs, guard) = CapturedLogs::start();
    exporter.poller.poll_once().await;
    drop(guard);
    let lines = said(&logs);
    let warnings: Vec<&String> = lines.iter().filter(|l| l.contains(" WARN ")).collect();
    assert_eq!(warnings.len(), 2, "one line per cause: {lines:#?}");
    let refused_line = warnings
        .iter()
        .find(|l| l.contains("HTTP 401"))
        .expect("the 401 line");
    assert!(
        refused_line.contains("zones=\"fr-par-1,fr-par-2,nl-ams-1,pl-waw-1\""),
        "{refused_line}"
    );
    let denied_line = warnings
        .iter()
        .find(|l| l.contains("HTTP 403"))
        .expect("the 403 line");
    assert!(denied_line.contains("zone=\"it-mil-1\""), "{denied_line}");
    for line in &warnings {
        assert!(line.contains("no successful poll yet"), "{line}");
        assert!(
            !line.contains("serving the servers") && !line.contains("kept_servers"),
            "none were kept: {line}"
        );
    }
}

/// An operator reads when the exporter has seen its whole fleet once, and when a failing zone
/// is back, each in one line with the counts as fields.
#[tokio::test]
async fn the_first_complete_poll_and_a_zone_back_from_failing_each_say_so_in_one_line() {
    let api = FaultyApi::start().await;
    api.set_servers(
        "fr-par-1",
        vec![server("p1", "running"), server("p2", "running")],
    );
    api.set_servers(
        "nl-ams-1",
        vec![
            server("a1", "running"),
            server("a2", "stopped"),
            server("a3", "running"),
        ],
    );
    let exporter = start_exporter(&exporter_config(
        &api.url,
        &["fr-par-1", "nl-ams-1"],
        TEST_KEY,
    ))
    .await;

    let (logs, guard) = CapturedLogs::start();
    exporter.poller.poll_once().await;
    drop(guard);
    let lines = said(&logs);
    let complete: Vec<&String> = lines
        .iter()
        .filter(|l| l.contains("first poll complete"))
        .collect();
    assert_eq!(complete.len(), 1, "said once: {lines:#?}");
    assert!(complete[0].contains(" INFO "), "{}", complete[0]);
    assert!(
        complete[0].contains("servers=5 products=1 zones=2 product_zones=2 failed_product_zones=0"),
        "{}",
        complete[0]
    );
    assert_eq!(warnings(&logs), Vec::<String>::new(), "nothing failed");

    api.set_fault("fr-par-1", refused_key());
    let (logs, guard) = CapturedLogs::start();
    exporter.poller.poll_once().await;
    drop(guard);
    let lines = said(&logs);
    assert_eq!(lines.len(), 1, "only the failure: {lines:#?}");
    assert!(
        lines[0].contains("serving the servers of its last successful poll")
            && lines[0].contains("kept_servers=2"),
        "{}",
        lines[0]
    );

    api.heal("fr-par-1");
    let (logs, guard) = CapturedLogs::start();
    exporter.poller.poll_once().await;
    drop(guard);
    let lines = said(&logs);
    assert_eq!(lines.len(), 1, "{lines:#?}");
    assert!(lines[0].contains(" INFO "), "{}", lines[0]);
    assert!(
        lines[0].contains("zone poll succeeded after failing"),
        "{}",
        lines[0]
    );
    assert!(
        lines[0].contains("zone=\"fr-par-1\"") && lines[0].contains("servers=2"),
        "{}",
        lines[0]
    );

    let (logs, guard) = CapturedLogs::start();
    exporter.poller.poll_once().await;
    drop(guard);
    assert_eq!(said(&logs), Vec::<String>::new(), "a healthy poll is quiet");
}
