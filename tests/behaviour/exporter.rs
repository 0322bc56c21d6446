//! The exporter against the simulator over real TCP: what a user of `/metrics` sees.

use std::collections::{BTreeSet, HashMap};

use scaleway_exporter::api::ApiFlavor;

use crate::common::*;

fn a_server_in_state(api: &TestApi, zone: &str, state: &str) -> String {
    api.simulator
        .server_ids(zone)
        .into_iter()
        .find(|id| api.simulator.server_state(zone, id).as_deref() == Some(state))
        .unwrap_or_else(|| panic!("no {state} server in {zone}"))
}

#[tokio::test]
async fn more_than_a_hundred_servers_in_a_zone_are_all_exported_once() {
    let api = start_simulator(simulator_config(&["fr-par-1"], 250)).await;
    let exporter = start_exporter(&exporter_config(&api.url, &["fr-par-1"], TEST_KEY)).await;
    exporter.poller.poll_once().await;
    let metrics = exporter.scrape().await;
    let exported = metrics.server_ids("fr-par-1");
    let expected: BTreeSet<String> = api.simulator.server_ids("fr-par-1").into_iter().collect();
    assert_eq!(exported.len(), 250);
    assert_eq!(exported.iter().cloned().collect::<BTreeSet<_>>(), expected);
    assert_eq!(
        metrics.value("scaleway_exporter_poll_success", &[("zone", "fr-par-1")]),
        1.0
    );
    assert_eq!(
        metrics.value(
            "scaleway_exporter_api_requests_total",
            &[
                ("zone", "fr-par-1"),
                ("endpoint", "servers"),
                ("code", "200")
            ]
        ),
        3.0,
        "three pages of 100"
    );
}

#[tokio::test]
async fn a_server_listed_twice_while_paging_is_exported_once() {
    let api = start_simulator(simulator_config(&["fr-par-1"], 150)).await;
    api.simulator.set_page_shift("fr-par-1", true);
    let exporter = start_exporter(&exporter_config(&api.url, &["fr-par-1"], TEST_KEY)).await;
    exporter.poller.poll_once().await;
    let metrics = exporter.scrape().await;
    let exported = metrics.server_ids("fr-par-1");
    let unique: BTreeSet<&String> = exported.iter().collect();
    assert_eq!(unique.len(), exported.len(), "every server once");
    assert_eq!(
        metrics.value("scaleway_exporter_poll_success", &[("zone", "fr-par-1")]),
        1.0
    );
}

#[tokio::test]
async fn a_server_deleted_while_the_pages_are_read_makes_no_other_server_vanish() {
    let api = start_simulator(simulator_config(&["fr-par-1"], 150)).await;
    let exporter = start_exporter(&exporter_config(&api.url, &["fr-par-1"], TEST_KEY)).await;
    let ids = |metrics: &Exposition| -> BTreeSet<String> {
        metrics.server_ids("fr-par-1").into_iter().collect()
    };
    exporter.poller.poll_once().await;
    let before = ids(&exporter.scrape().await);
    assert_eq!(before.len(), 150);

    // The newest server, first on page 1, is deleted once page 1 is read: every later server
    // moves up one place, and the first of page 2 slips onto page 1, already read.
    let listed = api.simulator.server_ids("fr-par-1");
    let (deleted, slipped) = (&listed[0], &listed[100]);
    api.simulator.delete_after_page("fr-par-1", 1, deleted);
    exporter.poller.poll_once().await;
    let metrics = exporter.scrape().await;
    assert_eq!(
        ids(&metrics),
        before,
        "{slipped}, skipped by the shift, is still exported"
    );
    assert!(metrics.state_of("fr-par-1", slipped).is_some());
    assert_eq!(
        metrics.value("scaleway_exporter_poll_success", &[("zone", "fr-par-1")]),
        1.0
    );

    // The next listing is complete: the deleted server is gone, and only it.
    exporter.poller.poll_once().await;
    let mut expected = before.clone();
    expected.remove(deleted);
    assert_eq!(ids(&exporter.scrape().await), expected);
}

#[tokio::test]
async fn sbs_volume_sizes_come_from_the_block_storage_api() {
    let api = start_simulator(simulator_config(&["fr-par-1"], 60)).await;
    let exporter = start_exporter(&exporter_config(&api.url, &["fr-par-1"], TEST_KEY)).await;
    exporter.poller.poll_once().await;
    let metrics = exporter.scrape().await;

    let block = reqwest::Client::new()
        .get(format!(
            "{}/block/v1/zones/fr-par-1/volumes?page=1&page_size=100",
            api.url
        ))
        .header("X-Auth-Token", TEST_KEY)
        .send()
        .await
        .unwrap()
        .bytes()
        .await
        .unwrap();
    let block: serde_json::Value = serde_json::from_slice(&block).unwrap();
    let sizes: HashMap<&str, f64> = block["volumes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| (v["id"].as_str().unwrap(), v["size"].as_f64().unwrap()))
        .collect();
    let sbs = metrics.select(
        "scaleway_server_volume_size_bytes",
        &[("volume_type", "sbs_volume")],
    );
    assert!(!sbs.is_empty(), "the simulated fleet has sbs volumes");
    for sample in sbs {
        assert_eq!(
            Some(&sample.value),
            sizes.get(sample.labels["volume_id"].as_str()),
            "{sample:?}"
        );
    }
    assert!(
        metrics.value(
            "scaleway_exporter_api_requests_total",
            &[
                ("zone", "fr-par-1"),
                ("endpoint", "volumes"),
                ("code", "200")
            ]
        ) >= 1.0
    );
}

#[tokio::test]
async fn a_server_powered_off_through_the_action_endpoint_shows_stopped_after_the_next_poll() {
    let api = start_simulator(simulator_config(&["fr-par-1"], 20)).await;
    let exporter = start_exporter(&exporter_config(&api.url, &["fr-par-1"], TEST_KEY)).await;
    let id = a_server_in_state(&api, "fr-par-1", "running");
    exporter.poller.poll_once().await;
    assert_eq!(
        exporter.scrape().await.state_of("fr-par-1", &id).as_deref(),
        Some("running")
    );

    api.act("fr-par-1", &id, "poweroff").await;
    exporter.poller.poll_once().await;
    assert_eq!(
        exporter.scrape().await.state_of("fr-par-1", &id).as_deref(),
        Some("stopping")
    );

    api.finish_transitions();
    exporter.poller.poll_once().await;
    let metrics = exporter.scrape().await;
    assert_eq!(
        metrics.state_of("fr-par-1", &id).as_deref(),
        Some("stopped")
    );
    assert_eq!(
        metrics
            .select("scaleway_server_state", &[("server_id", &id)])
            .len(),
        7,
        "one series per state, six of them 0"
    );
}

#[tokio::test]
async fn a_terminated_server_has_no_series_after_the_next_poll() {
    let api = start_simulator(simulator_config(&["fr-par-1"], 20)).await;
    let exporter = start_exporter(&exporter_config(&api.url, &["fr-par-1"], TEST_KEY)).await;
    let id = a_server_in_state(&api, "fr-par-1", "running");
    exporter.poller.poll_once().await;
    assert!(exporter.scrape().await.text.contains(&id));

    api.act("fr-par-1", &id, "terminate").await;
    api.finish_transitions();
    exporter.poller.poll_once().await;
    let metrics = exporter.scrape().await;
    assert!(
        !metrics.text.contains(&id),
        "no series names the terminated server"
    );
    assert_eq!(metrics.server_ids("fr-par-1").len(), 19);
}

#[tokio::test]
async fn a_wrong_token_gives_poll_success_0_and_counts_the_401() {
    let api = start_simulator(simulator_config(&["fr-par-1"], 5)).await;
    let exporter = start_exporter(&exporter_config(&api.url, &["fr-par-1"], WRONG_KEY)).await;
    exporter.poller.poll_once().await;
    let metrics = exporter.scrape().await;
    assert_eq!(
        metrics.value("scaleway_exporter_poll_success", &[("zone", "fr-par-1")]),
        0.0
    );
    assert_eq!(
        metrics.value(
            "scaleway_exporter_api_requests_total",
            &[
                ("zone", "fr-par-1"),
                ("endpoint", "servers"),
                ("code", "401")
            ]
        ),
        1.0,
        "a 401 is not retried"
    );
    assert_eq!(
        metrics.value(
            "scaleway_exporter_last_success_timestamp_seconds",
            &[("zone", "fr-par-1")]
        ),
        0.0,
        "no success yet"
    );
    assert!(metrics.server_ids("fr-par-1").is_empty());
    let landing = get_text(&exporter.url).await;
    assert!(
        landing.contains("HTTP 401"),
        "the landing page says why: {landing}"
    );
}

#[tokio::test]
async fn zones_are_polled_independently_and_each_reports_its_own_health() {
    let api = start_simulator(simulator_config(&["fr-par-1", "nl-ams-1"], 30)).await;
    let exporter = start_exporter(&exporter_config(
        &api.url,
        &["fr-par-1", "nl-ams-1", "pl-waw-2"],
        TEST_KEY,
    ))
    .await;
    exporter.poller.poll_once().await;
    let metrics = exporter.scrape().await;
    for zone in ["fr-par-1", "nl-ams-1", "pl-waw-2"] {
        assert_eq!(
            metrics.value("scaleway_exporter_poll_success", &[("zone", zone)]),
            1.0,
            "{zone}"
        );
        assert!(metrics.value("scaleway_exporter_poll_duration_seconds", &[("zone", zone)]) >= 0.0);
        assert!(
            metrics.value(
                "scaleway_exporter_last_success_timestamp_seconds",
                &[("zone", zone)]
            ) > 1.7e9
        );
    }
    assert_eq!(metrics.server_ids("fr-par-1").len(), 30);
    assert_eq!(metrics.server_ids("nl-ams-1").len(), 30);
    assert!(
        metrics.server_ids("pl-waw-2").is_empty(),
        "an empty zone is a successful poll"
    );
}

#[tokio::test]
async fn every_server_has_one_info_series_seven_state_series_and_its_dates() {
    let api = start_simulator(simulator_config(&["fr-par-1"], 40)).await;
    let exporter = start_exporter(&exporter_config(&api.url, &["fr-par-1"], TEST_KEY)).await;
    // Servers generated starting or stopping stay so: the simulator's clock does not move
    // during the test (common::TRANSITION), so the exported state is the simulator's.
    exporter.poller.poll_once().await;
    let metrics = exporter.scrape().await;
    for id in api.simulator.server_ids("fr-par-1") {
        let with = [("zone", "fr-par-1"), ("server_id", id.as_str())];
        assert_eq!(metrics.select("scaleway_server_info", &with).len(), 1);
        assert_eq!(metrics.select("scaleway_server_state", &with).len(), 7);
        assert_eq!(
            metrics.state_of("fr-par-1", &id),
            api.simulator.server_state("fr-par-1", &id),
            "{id}"
        );
        assert!(metrics.value("scaleway_server_created_timestamp_seconds", &with) > 1.0e9);
        assert!(metrics.value("scaleway_server_modified_timestamp_seconds", &with) > 1.0e9);
    }
    assert!(!metrics.select("scaleway_server_tag_info", &[]).is_empty());
    assert!(!metrics
        .select("scaleway_server_ip_info", &[("family", "inet6")])
        .is_empty());
    assert!(!metrics
        .select("scaleway_server_ip_info", &[("family", "inet")])
        .is_empty());
}

#[tokio::test]
async fn the_legacy_flavor_reads_the_servers_endpoint_under_the_configured_zone_label() {
    let api = start_simulator(simulator_config(&["fr-par-1"], 12)).await;
    let config = exporter_config_builder(&api.url, &["par1"], TEST_KEY)
        .api_flavor(ApiFlavor::Legacy)
        .build()
        .unwrap();
    let exporter = start_exporter(&config).await;
    exporter.poller.poll_once().await;
    let metrics = exporter.scrape().await;
    assert_eq!(
        metrics.value("scaleway_exporter_poll_success", &[("zone", "par1")]),
        1.0
    );
    assert_eq!(metrics.server_ids("par1").len(), 12);

    api.simulator.set_legacy_running_bool(true);
    exporter.poller.poll_once().await;
    let metrics = exporter.scrape().await;
    assert_eq!(metrics.server_ids("par1").len(), 12);
    for id in metrics.server_ids("par1") {
        let state = metrics.state_of("par1", &id).unwrap();
        assert!(
            state == "running" || state == "stopped",
            "the 2014 boolean: {state}"
        );
    }
}
