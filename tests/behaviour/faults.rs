//! Every way the API can misbehave, over real TCP: the exporter stays up, `/metrics` keeps
//! answering, the faulty zone keeps its last good servers with `poll_success` 0, the other
//! zone goes on updating, the request counter says what came back, one log line says what
//! went wrong, and the next good poll heals the zone.
//!
//! One test per fault, all through [`a_fault_is_survived`]; each case reads as its table row.

use std::time::Duration;

use crate::common::faulty_api::{server, Fault, FaultyApi};
use crate::common::*;

const PARIS: &str = "fr-par-1";
const AMSTERDAM: &str = "nl-ams-1";
const BODY_CAP: usize = 64 * 1024;

/// How many requests a fault draws within one poll.
#[derive(Debug, Clone, Copy)]
enum Drawn {
    /// Not retried.
    Once,
    /// Retried with backoff until the poll's deadline: two requests at least.
    Retried,
    Exactly(usize),
}

struct Case {
    fault: Fault,
    /// The `code` label the requests are counted under.
    code: &'static str,
    drawn: Drawn,
    /// What the log line and the landing page say.
    says: &'static str,
    poll_timeout: Duration,
}

fn case(fault: Fault, code: &'static str, drawn: Drawn, says: &'static str) -> Case {
    Case {
        fault,
        code,
        drawn,
        says,
        poll_timeout: Duration::from_secs(2),
    }
}

fn status(status: u16, content_type: Option<&'static str>, body: &str) -> Fault {
    Fault::Status {
        status,
        content_type,
        body: body.to_owned(),
        retry_after: None,
    }
}

/// `text` as the landing page writes it: escaped the way the HTML template escapes text.
fn as_html_text(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

fn requests_counted(metrics: &Exposition, code: &str) -> f64 {
    metrics
        .select(
            "scaleway_exporter_api_requests_total",
            &[("zone", PARIS), ("endpoint", "servers"), ("code", code)],
        )
        .first()
        .map_or(0.0, |s| s.value)
}

async fn a_fault_is_survived(case: Case) {
    let api = FaultyApi::start().await;
    api.set_servers(
        PARIS,
        vec![server("p1", "running"), server("p2", "running")],
    );
    api.set_servers(AMSTERDAM, vec![server("a1", "running")]);
    let config = exporter_config_builder(&api.url, &[PARIS, AMSTERDAM], TEST_KEY)
        .poll_timeout(case.poll_timeout)
        .max_body_size(BODY_CAP)
        .rate_limit(10_000.0)
        .build()
        .unwrap();
    let exporter = start_exporter(&config).await;
    exporter.poller.poll_once().await;
    let healthy = exporter.scrape().await;
    let last_success = healthy.value(
        "scaleway_exporter_last_success_timestamp_seconds",
        &[("zone", PARIS)],
    );
    let counted_before = requests_counted(&healthy, case.code);
    let timeouts_before = requests_counted(&healthy, "timeout");

    api.set_fault(PARIS, case.fault.clone());
    api.set_servers(
        AMSTERDAM,
        vec![server("a1", "stopped"), server("a2", "running")],
    );
    let requests_before = api.received(PARIS).len();
    let (logs, _guard) = CapturedLogs::start();
    let (_, during) = tokio::join!(exporter.poller.poll_once(), async {
        tokio::time::sleep(Duration::from_millis(20)).await;
        reqwest::get(format!("{}/metrics", exporter.url)).await
    });
    assert_eq!(
        during.unwrap().status(),
        200,
        "/metrics answers during the poll"
    );

    let metrics = exporter.scrape().await;
    let zone = [("zone", PARIS)];
    assert_eq!(metrics.value("scaleway_exporter_poll_success", &zone), 0.0);
    assert_eq!(
        metrics.server_ids(PARIS),
        ["p1", "p2"],
        "the zone keeps its servers"
    );
    assert_eq!(metrics.state_of(PARIS, "p1").as_deref(), Some("running"));
    assert_eq!(
        metrics.value("scaleway_exporter_last_success_timestamp_seconds", &zone),
        last_success
    );
    assert_eq!(
        metrics.value("scaleway_exporter_poll_success", &[("zone", AMSTERDAM)]),
        1.0,
        "the other zone is untouched"
    );
    assert_eq!(metrics.server_ids(AMSTERDAM), ["a1", "a2"]);
    assert_eq!(
        metrics.state_of(AMSTERDAM, "a1").as_deref(),
        Some("stopped")
    );

    let drawn = api.received(PARIS).len() - requests_before;
    match case.drawn {
        Drawn::Once => assert_eq!(drawn, 1, "not retried"),
        Drawn::Retried => assert!(drawn >= 2, "retried: {drawn} requests"),
        Drawn::Exactly(n) => assert_eq!(drawn, n),
    }
    let counted = requests_counted(&metrics, case.code) - counted_before;
    match case.drawn {
        // The last retry may still be in flight when the poll's deadline passes: that one
        // is counted as a timeout, however fast or slow the machine is.
        Drawn::Retried if case.code != "timeout" => {
            let timed_out = requests_counted(&metrics, "timeout") - timeouts_before;
            assert!(timed_out <= 1.0, "at most the last retry times out");
            assert_eq!(
                counted + timed_out,
                drawn as f64,
                "every request counted under code {} (or the last as a timeout)",
                case.code
            );
        }
        _ => assert_eq!(
            counted, drawn as f64,
            "every request counted under code {}",
            case.code
        ),
    }

    let lines = logs.lines();
    let failures: Vec<&String> = lines
        .iter()
        .filter(|l| l.contains("WARN") || l.contains("ERROR"))
        .collect();
    assert_eq!(
        failures.len(),
        1,
        "one line says what went wrong: {lines:#?}"
    );
    assert!(failures[0].contains("zone=\"fr-par-1\"") || failures[0].contains("zone=fr-par-1"));
    assert!(
        failures[0].contains(case.says),
        "{:?} should say {:?}",
        failures[0],
        case.says
    );
    let landing = get_text(&exporter.url).await;
    assert!(
        landing.contains(&as_html_text(case.says)),
        "the landing page says it too"
    );

    api.heal(PARIS);
    api.set_servers(
        PARIS,
        vec![server("p1", "stopped"), server("p3", "running")],
    );
    exporter.poller.poll_once().await;
    let healed = exporter.scrape().await;
    assert_eq!(healed.value("scaleway_exporter_poll_success", &zone), 1.0);
    assert_eq!(healed.server_ids(PARIS), ["p1", "p3"]);
    assert_eq!(healed.state_of(PARIS, "p1").as_deref(), Some("stopped"));
}

macro_rules! faults {
    ($($name:ident: $case:expr;)*) => {$(
        #[tokio::test]
        async fn $name() {
            a_fault_is_survived($case).await;
        }
    )*};
}

faults! {
    a_401_with_its_real_body_is_not_retried_and_says_the_key_was_refused: case(
        status(401, Some("application/json"), r#"{"message":"authentication is denied","method":"api_key","reason":"not_found","type":"denied_authentication"}"#),
        "401", Drawn::Once,
        "HTTP 401 (denied_authentication: authentication is denied): the secret key was refused");
    a_403_with_its_real_body_is_not_retried_and_names_the_permissions_needed: case(
        status(403, Some("application/json"), r#"{"message": "insufficient permissions", "type": "permissions_denied", "details": [{"resource": "instance_servers", "action": "read"}]}"#),
        "403", Drawn::Once,
        "HTTP 403 (permissions_denied: insufficient permissions): the key lacks a permission; it needs InstancesReadOnly");
    a_404_is_not_retried_and_points_at_the_url: case(
        status(404, Some("application/json"), r#"{"type": "not_found", "message": "resource is not found"}"#),
        "404", Drawn::Once,
        "HTTP 404 (not_found: resource is not found): check --scaleway.api-url");
    a_429_with_an_empty_body_and_no_retry_after_is_retried: case(
        status(429, None, ""),
        "429", Drawn::Retried, "HTTP 429: rate limited by the API");
    a_429_with_retry_after_is_retried: case(
        Fault::Status { status: 429, content_type: None, body: String::new(), retry_after: Some("1") },
        "429", Drawn::Retried, "HTTP 429: rate limited by the API");
    a_500_with_its_real_body_is_retried: case(
        status(500, Some("application/json"), r#"{"type": "server_error", "message": "Internal error"}"#),
        "500", Drawn::Retried, "HTTP 500 (server_error: Internal error): the API failed on its side");
    a_502_with_an_html_body_is_retried: case(
        status(502, Some("text/html"), "<html><body><h1>502 Bad Gateway</h1></body></html>"),
        "502", Drawn::Retried, "HTTP 502: the API failed on its side");
    a_503_with_its_real_json_body_is_retried: case(
        status(503, Some("application/json"), r#"{"message":"upstream connect error or disconnect/reset before headers. reset reason: remote connection failure"}"#),
        "503", Drawn::Retried, "HTTP 503 (upstream connect error or disconnect/reset before headers");
    a_response_that_hangs_past_the_timeout_is_counted_as_a_timeout: case(
        Fault::Hang, "timeout", Drawn::Once, "servers request timed out (--poll.timeout)");
    a_connection_reset_in_the_middle_of_the_body_is_retried: case(
        Fault::ResetMidBody, "error", Drawn::Retried, "servers request failed: error decoding response body");
    truncated_json_is_not_the_servers_list: case(
        Fault::TruncatedJson, "200", Drawn::Once,
        "servers response could not be read: it is not the expected JSON (Content-Type application/json): EOF while parsing");
    json_of_the_wrong_shape_is_not_the_servers_list: case(
        Fault::Body { content_type: "application/json", body: r#"{"servers": {"id": "p1"}}"#.to_owned() },
        "200", Drawn::Once,
        "servers response could not be read: it is not the expected JSON (Content-Type application/json): invalid type: map, expected a sequence");
    a_200_with_an_html_page_says_it_was_html: case(
        Fault::Body { content_type: "text/html; charset=utf-8", body: "<!DOCTYPE html><html><body>Scheduled maintenance</body></html>".to_owned() },
        "200", Drawn::Once,
        "servers response could not be read: it is not the expected JSON (Content-Type text/html; charset=utf-8)");
    a_body_over_the_cap_with_a_length_is_refused_before_it_is_read: case(
        Fault::Oversized { bytes: 4 * BODY_CAP, chunked: false }, "error", Drawn::Once,
        "servers response is larger than 65536 bytes (--scaleway.max-body-size)");
    a_chunked_body_over_the_cap_is_cut_off_once_the_cap_is_passed: case(
        Fault::Oversized { bytes: 4 * BODY_CAP, chunked: true }, "error", Drawn::Once,
        "servers response is larger than 65536 bytes (--scaleway.max-body-size)");
    pages_that_never_end_stop_at_the_page_bound: Case {
        poll_timeout: Duration::from_secs(60),
        ..case(Fault::EndlessPages, "200", Drawn::Exactly(scaleway_exporter::api::MAX_PAGES),
            "servers list did not end after 1000 pages of 100: the API keeps announcing more")
    };
}

#[tokio::test]
async fn an_api_that_refuses_connections_fails_every_zone_and_they_heal_when_it_is_back() {
    let api = FaultyApi::start().await;
    api.set_servers(PARIS, vec![server("p1", "running")]);
    api.set_servers(AMSTERDAM, vec![server("a1", "running")]);
    let config = exporter_config_builder(&api.url, &[PARIS, AMSTERDAM], TEST_KEY)
        .poll_timeout(Duration::from_secs(2))
        .build()
        .unwrap();
    let exporter = start_exporter(&config).await;
    exporter.poller.poll_once().await;

    api.stop_listening();
    let (logs, guard) = CapturedLogs::start();
    exporter.poller.poll_once().await;
    drop(guard);
    let metrics = exporter.scrape().await;
    for (zone, id) in [(PARIS, "p1"), (AMSTERDAM, "a1")] {
        assert_eq!(
            metrics.value("scaleway_exporter_poll_success", &[("zone", zone)]),
            0.0
        );
        assert_eq!(metrics.server_ids(zone), [id]);
        let errors = metrics.value(
            "scaleway_exporter_api_requests_total",
            &[("zone", zone), ("endpoint", "servers"), ("code", "error")],
        );
        assert!(
            errors >= 2.0,
            "{zone}: connection errors are retried: {errors}"
        );
    }
    let failures: Vec<String> = logs
        .lines()
        .into_iter()
        .filter(|l| l.contains("WARN"))
        .collect();
    // One cause, so one line that names both zones (and the URL of neither).
    assert_eq!(
        failures.len(),
        1,
        "one line for the two zones: {failures:#?}"
    );
    assert!(failures[0].contains("Connection refused"), "{failures:#?}");
    assert!(
        failures[0].contains("zones=\"fr-par-1,nl-ams-1\""),
        "{failures:#?}"
    );
    assert!(
        failures[0].contains("/zones/{zone}/servers"),
        "{failures:#?}"
    );

    api.listen_again().await;
    exporter.poller.poll_once().await;
    let healed = exporter.scrape().await;
    for zone in [PARIS, AMSTERDAM] {
        assert_eq!(
            healed.value("scaleway_exporter_poll_success", &[("zone", zone)]),
            1.0
        );
    }
}

#[tokio::test]
async fn metrics_answer_from_the_last_snapshot_while_a_poll_hangs() {
    let api = FaultyApi::start().await;
    api.set_servers(PARIS, vec![server("p1", "running")]);
    // Longer than the test: the poll cannot end before the scrape, however slow the machine.
    let config = exporter_config_builder(&api.url, &[PARIS], TEST_KEY)
        .poll_interval(Duration::from_secs(3600))
        .poll_timeout(Duration::from_secs(3600))
        .build()
        .unwrap();
    let exporter = start_exporter(&config).await;
    exporter.poller.poll_once().await;
    api.set_fault(PARIS, Fault::Hang);
    let asked_before = api.received(PARIS).len();
    let poll = exporter.poller.poll_once();
    tokio::pin!(poll);
    let scraped = tokio::select! {
        _ = &mut poll => panic!("the poll ended before the scrape"),
        scraped = async {
            // Scrape once the hanging request is in flight: the event, not a guess at its time.
            let deadline = tokio::time::Instant::now() + Duration::from_secs(30);
            while api.received(PARIS).len() == asked_before {
                assert!(
                    tokio::time::Instant::now() < deadline,
                    "the poll sent no request in 30s"
                );
                tokio::time::sleep(Duration::from_millis(10)).await;
            }
            exporter.scrape().await
        } => scraped,
    };
    assert_eq!(
        scraped.value("scaleway_exporter_poll_success", &[("zone", PARIS)]),
        1.0,
        "the scrape got the last snapshot without waiting for the poll"
    );
    assert_eq!(scraped.server_ids(PARIS), ["p1"]);
    // The poll would hang until its timeout: the test ends it by dropping it.
}

#[tokio::test]
async fn a_total_that_lies_high_does_not_make_the_exporter_wait_for_servers_that_never_come() {
    let api = FaultyApi::start().await;
    let fleet: Vec<_> = (0..150)
        .map(|i| server(&format!("s{i:03}"), "running"))
        .collect();
    api.set_servers(PARIS, fleet);
    api.set_fault(PARIS, Fault::TotalCount(1_000));
    let exporter = start_exporter(&exporter_config(&api.url, &[PARIS], TEST_KEY)).await;
    exporter.poller.poll_once().await;
    let metrics = exporter.scrape().await;
    assert_eq!(
        metrics.value("scaleway_exporter_poll_success", &[("zone", PARIS)]),
        1.0
    );
    assert_eq!(metrics.server_ids(PARIS).len(), 150);
    assert_eq!(
        api.received(PARIS).len(),
        2,
        "the short second page ends the list"
    );
}

#[tokio::test]
async fn a_total_that_always_lies_high_keeps_a_deleted_server_for_a_bounded_number_of_polls() {
    let api = FaultyApi::start().await;
    let fleet = |ids: &[&str]| ids.iter().map(|id| server(id, "running")).collect();
    api.set_servers(PARIS, fleet(&["s1", "s2", "s3"]));
    // Every listing is short of the announced total, so none can say a server is gone.
    api.set_fault(PARIS, Fault::TotalCount(1_000));
    let exporter = start_exporter(&exporter_config(&api.url, &[PARIS], TEST_KEY)).await;
    exporter.poller.poll_once().await;
    api.set_servers(PARIS, fleet(&["s1", "s3"]));
    let limit = scaleway_exporter::inventory::CARRY_LIMIT;
    for poll in 1..=limit {
        exporter.poller.poll_once().await;
        let mut exported = exporter.scrape().await.server_ids(PARIS);
        exported.sort();
        assert_eq!(
            exported,
            ["s1", "s2", "s3"],
            "short listing {poll} of {limit}"
        );
    }
    exporter.poller.poll_once().await;
    let metrics = exporter.scrape().await;
    let mut exported = metrics.server_ids(PARIS);
    exported.sort();
    assert_eq!(
        exported,
        ["s1", "s3"],
        "dropped after {limit} short listings"
    );
    assert_eq!(
        metrics.value("scaleway_exporter_poll_success", &[("zone", PARIS)]),
        1.0
    );
}

#[tokio::test]
async fn a_total_that_lies_low_does_not_cut_the_list_short() {
    let api = FaultyApi::start().await;
    let fleet: Vec<_> = (0..250)
        .map(|i| server(&format!("s{i:03}"), "running"))
        .collect();
    api.set_servers(PARIS, fleet);
    api.set_fault(PARIS, Fault::TotalCount(50));
    let exporter = start_exporter(&exporter_config(&api.url, &[PARIS], TEST_KEY)).await;
    exporter.poller.poll_once().await;
    let metrics = exporter.scrape().await;
    assert_eq!(
        metrics.value("scaleway_exporter_poll_success", &[("zone", PARIS)]),
        1.0
    );
    assert_eq!(
        metrics.server_ids(PARIS).len(),
        250,
        "every server, past the total"
    );
    assert_eq!(api.received(PARIS).len(), 3);
}

#[tokio::test]
async fn pages_that_end_announcing_far_fewer_servers_than_they_held_fail_the_poll_and_publish_none_of_them(
) {
    let api = FaultyApi::start().await;
    let fleet = || vec![server("s1", "running"), server("s2", "running")];
    api.set_servers(PARIS, fleet());
    let exporter = start_exporter(&exporter_config(&api.url, &[PARIS], TEST_KEY)).await;
    exporter.poller.poll_once().await;
    // An API that pages on without end for five pages of a hundred servers, then heals: the
    // sixth page of the true list is empty and announces two servers.
    api.fail_next(PARIS, Fault::EndlessPages, 5);
    exporter.poller.poll_once().await;
    let metrics = exporter.scrape().await;
    assert_eq!(
        metrics.value("scaleway_exporter_poll_success", &[("zone", PARIS)]),
        0.0
    );
    assert_eq!(
        metrics.server_ids(PARIS),
        ["s1", "s2"],
        "none of the 500 servers that do not exist, the last good ones instead"
    );
    let landing = get_text(&exporter.url).await;
    assert!(
        landing.contains(
            "servers list changed while it was read: its pages held 500 items, its last page announced 2"
        ),
        "the landing page says why"
    );

    exporter.poller.poll_once().await;
    let healed = exporter.scrape().await;
    assert_eq!(
        healed.value("scaleway_exporter_poll_success", &[("zone", PARIS)]),
        1.0
    );
    assert_eq!(healed.server_ids(PARIS), ["s1", "s2"]);
}
