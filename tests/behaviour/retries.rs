//! Retries and rate limits over real TCP: what is retried and what is not, `Retry-After`,
//! the poll's deadline over everything, the client-side rate limit, one poll at a time.

use scaleway_exporter::product::Product;
use std::time::{Duration, Instant};

use crate::common::faulty_api::{server, Fault, FaultyApi};
use crate::common::*;

const PARIS: &str = "fr-par-1";

fn limited(retry_after: &'static str) -> Fault {
    Fault::Status {
        status: 429,
        content_type: None,
        body: String::new(),
        retry_after: Some(retry_after),
    }
}

fn unavailable() -> Fault {
    Fault::Status {
        status: 503,
        content_type: Some("application/json"),
        body: r#"{"message":"upstream request timeout"}"#.to_owned(),
        retry_after: None,
    }
}

async fn one_zone_api() -> FaultyApi {
    let api = FaultyApi::start().await;
    api.set_servers(PARIS, vec![server("p1", "running")]);
    api
}

fn counted(metrics: &Exposition, code: &str) -> f64 {
    metrics.value(
        "scaleway_exporter_api_requests_total",
        &[("zone", PARIS), ("endpoint", "servers"), ("code", code)],
    )
}

#[tokio::test]
async fn a_429_is_retried_once_retry_after_has_passed_and_the_poll_succeeds() {
    let api = one_zone_api().await;
    api.fail_next(PARIS, limited("1"), 1);
    let config = exporter_config_builder(&api.url, &[PARIS], TEST_KEY)
        .poll_timeout(Duration::from_secs(5))
        .build()
        .unwrap();
    let exporter = start_exporter(&config).await;
    exporter.poller.poll_once().await;
    let metrics = exporter.scrape().await;
    assert_eq!(
        metrics.value("scaleway_exporter_poll_success", &[("zone", PARIS)]),
        1.0
    );
    assert_eq!(
        (counted(&metrics, "429"), counted(&metrics, "200")),
        (1.0, 1.0)
    );
    let received = api.received(PARIS);
    let waited = received[1].at - received[0].at;
    assert!(
        waited >= Duration::from_secs(1),
        "the retry came {waited:?} after the 429 that asked for 1s"
    );
}

#[tokio::test]
async fn a_retry_after_past_the_poll_timeout_is_not_waited_for() {
    let api = one_zone_api().await;
    api.set_fault(PARIS, limited("3600"));
    let config = exporter_config_builder(&api.url, &[PARIS], TEST_KEY)
        .poll_timeout(Duration::from_secs(5))
        .build()
        .unwrap();
    let exporter = start_exporter(&config).await;
    let published = exporter.poller.poll_once().await;
    let poll = published
        .snapshot
        .zone(Product::Instance, PARIS)
        .unwrap()
        .last_poll
        .clone()
        .unwrap();
    assert!(poll.error.is_some());
    assert_eq!(
        api.received(PARIS).len(),
        1,
        "no retry that could not happen in time"
    );
    assert!(
        poll.duration < Duration::from_secs(5),
        "gave up at once instead of sleeping to the deadline: {:?}",
        poll.duration
    );
}

#[tokio::test]
async fn server_errors_that_pass_are_retried_within_the_same_poll() {
    let api = one_zone_api().await;
    api.fail_next(PARIS, unavailable(), 2);
    let config = exporter_config_builder(&api.url, &[PARIS], TEST_KEY)
        .poll_timeout(Duration::from_secs(10))
        .build()
        .unwrap();
    let exporter = start_exporter(&config).await;
    exporter.poller.poll_once().await;
    let metrics = exporter.scrape().await;
    assert_eq!(
        metrics.value("scaleway_exporter_poll_success", &[("zone", PARIS)]),
        1.0
    );
    assert_eq!(
        (counted(&metrics, "503"), counted(&metrics, "200")),
        (2.0, 1.0)
    );
}

#[tokio::test]
async fn retries_and_hangs_never_outlive_the_poll_timeout() {
    for fault in [unavailable(), Fault::Hang, limited("1")] {
        let api = one_zone_api().await;
        api.set_fault(PARIS, fault.clone());
        let config = exporter_config_builder(&api.url, &[PARIS], TEST_KEY)
            .poll_timeout(Duration::from_millis(1500))
            .build()
            .unwrap();
        let exporter = start_exporter(&config).await;
        let published = exporter.poller.poll_once().await;
        let poll = published
            .snapshot
            .zone(Product::Instance, PARIS)
            .unwrap()
            .last_poll
            .clone()
            .unwrap();
        assert!(poll.error.is_some(), "{fault:?}");
        // The deadline is a contract, not a performance target. The slack is for a loaded
        // scheduler (250 ms was overrun there); a retry loop that ignored the deadline would
        // run its four attempts a second apart under `Retry-After: 1`, past 3 s.
        assert!(
            poll.duration < Duration::from_millis(1500 + 750),
            "{fault:?}: the poll took {:?}",
            poll.duration
        );
    }
}

#[tokio::test]
async fn the_rate_limit_paces_requests_across_every_zone() {
    let zones = [
        "fr-par-1", "fr-par-2", "fr-par-3", "nl-ams-1", "nl-ams-2", "nl-ams-3", "pl-waw-1",
        "pl-waw-2", "pl-waw-3", "it-mil-1",
    ];
    let api = FaultyApi::start().await;
    let config = exporter_config_builder(&api.url, &zones, TEST_KEY)
        .rate_limit(4.0)
        .build()
        .unwrap();
    let exporter = start_exporter(&config).await;
    let poll_started = Instant::now();
    exporter.poller.poll_once().await;
    let mut times: Vec<_> = api.all_received().into_iter().map(|r| r.at).collect();
    times.sort();
    assert_eq!(times.len(), 10, "one request per zone");
    // A burst of four at once, then one every 250 ms: request n (from 0) cannot be sent, so
    // cannot arrive, before (n - 3) x 250 ms after the poll began. Measured from the poll's
    // start, not from the first arrival: a late first arrival (a loaded machine) must not
    // make the later ones look early.
    for (n, at) in times.iter().enumerate().skip(4) {
        let earliest = Duration::from_millis(250 * (n as u64 - 3) - 5);
        assert!(
            at.duration_since(poll_started) >= earliest,
            "request {n} came {:?} after the poll began",
            at.duration_since(poll_started)
        );
    }
}

#[tokio::test]
async fn a_zone_is_never_polled_twice_at_a_time() {
    let api = one_zone_api().await;
    api.set_delay(Duration::from_millis(300));
    let exporter = start_exporter(&exporter_config(&api.url, &[PARIS], TEST_KEY)).await;
    let (first, second) = tokio::join!(exporter.poller.poll_once(), exporter.poller.poll_once());
    assert!(first
        .snapshot
        .zone(Product::Instance, PARIS)
        .unwrap()
        .last_poll_succeeded());
    assert!(second
        .snapshot
        .zone(Product::Instance, PARIS)
        .unwrap()
        .last_poll_succeeded());
    assert_eq!(api.received(PARIS).len(), 2, "both polls ran");
    assert_eq!(api.max_in_flight(PARIS), 1, "one after the other");
}

#[tokio::test]
async fn a_retry_cut_short_by_the_deadline_reports_the_error_that_caused_it() {
    let api = one_zone_api().await;
    api.set_fault(PARIS, Fault::Hang);
    api.fail_next(PARIS, unavailable(), 1);
    let config = exporter_config_builder(&api.url, &[PARIS], TEST_KEY)
        .poll_timeout(Duration::from_millis(1500))
        .build()
        .unwrap();
    let exporter = start_exporter(&config).await;
    let published = exporter.poller.poll_once().await;
    let error = published
        .snapshot
        .zone(Product::Instance, PARIS)
        .unwrap()
        .last_poll
        .as_ref()
        .and_then(|poll| poll.error.as_ref())
        .expect("the poll failed")
        .to_string();
    assert!(
        error.starts_with("servers request answered HTTP 503"),
        "the 503 is the cause, not the deadline that ended its retry: {error}"
    );
    let metrics = exporter.scrape().await;
    assert_eq!(
        (counted(&metrics, "503"), counted(&metrics, "timeout")),
        (1.0, 1.0)
    );
}

/// A gateway or a proxy may send any `Retry-After`: the largest number of seconds there is
/// once panicked the zone's task (an instant plus that wait overflows), and the zone lost its
/// `poll_success` series for good. It is a failed poll, at once, that names the wait asked
/// for, for every product.
#[tokio::test]
async fn a_retry_after_too_large_for_any_clock_fails_the_poll_at_once_and_names_the_wait() {
    use wiremock::matchers::path;
    use wiremock::{Mock, MockServer, ResponseTemplate};

    let api = MockServer::start().await;
    for servers in [
        "/instance/v1/zones/fr-par-1/servers",
        "/baremetal/v1/zones/fr-par-1/servers",
    ] {
        Mock::given(path(servers))
            .respond_with(
                ResponseTemplate::new(429).insert_header("Retry-After", "18446744073709551615"),
            )
            .mount(&api)
            .await;
    }
    let config = exporter_config_builder(&api.uri(), &[PARIS], TEST_KEY)
        .products([Product::Instance, Product::ElasticMetal])
        .poll_timeout(Duration::from_secs(5))
        .build()
        .unwrap();
    let exporter = start_exporter(&config).await;
    let started = Instant::now();
    let published = exporter.poller.poll_once().await;
    assert!(started.elapsed() < Duration::from_secs(5), "no wait at all");
    let metrics = exporter.scrape().await;
    for product in [Product::Instance, Product::ElasticMetal] {
        let zone = published.snapshot.zone(product, PARIS).unwrap();
        let error = zone.last_error().expect("a failed poll").to_string();
        assert!(
            error.contains("HTTP 429")
                && error.contains("it asked to wait 584542046090years")
                && error.contains("--poll.timeout"),
            "{product}: {error}"
        );
        assert_eq!(
            metrics.value(
                "scaleway_exporter_poll_success",
                &[("product", product.label()), ("zone", PARIS)]
            ),
            0.0,
            "{product}"
        );
    }
    let ready = reqwest::get(format!("{}/readyz", exporter.url))
        .await
        .unwrap();
    assert_eq!(ready.status(), 200, "every pair was polled, if in vain");
}
