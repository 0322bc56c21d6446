//! Planned maintenances, end of service and the boot type, from the API to `/metrics`, over
//! real TCP against the simulator.
//!
//! No recorded Instance body has a non-empty `maintenances` or `boot_type: "rescue"`: the
//! servers inserted here are built from the Go SDK's types (`ServerMaintenance {reason,
//! start_date}` with a nullable start, in a list of pointers; `BootType` local, bootscript,
//! rescue), as are the simulator's own few.

use std::collections::BTreeMap;

use serde_json::{json, Value};

use crate::common::*;

const ZONE: &str = "fr-par-1";

async fn polled(api: &TestApi) -> Exposition {
    let exporter = start_exporter(&exporter_config(&api.url, &[ZONE], TEST_KEY)).await;
    exporter.poller.poll_once().await;
    exporter.scrape().await
}

/// `reason` -> value of `family` for one server.
fn by_reason(metrics: &Exposition, family: &str, server_id: &str) -> BTreeMap<String, f64> {
    metrics
        .select(family, &[("zone", ZONE), ("server_id", server_id)])
        .iter()
        .map(|s| (s.labels["reason"].clone(), s.value))
        .collect()
}

fn unix_seconds(rfc3339: &str) -> f64 {
    let at = chrono::DateTime::parse_from_rfc3339(rfc3339).expect("an RFC 3339 date");
    at.timestamp_micros() as f64 / 1e6
}

#[tokio::test]
async fn every_server_of_the_seeded_fleet_exports_its_maintenances_end_of_service_and_boot_type() {
    let api = start_simulator(simulator_config(&[ZONE], 50)).await;
    let metrics = polled(&api).await;
    let (mut dated, mut undated, mut rescue, mut ended) = (0, 0, 0, 0);
    for id in api.simulator.server_ids(ZONE) {
        let server = api.simulator.server_json(ZONE, &id).unwrap();
        let mut reasons = BTreeMap::new();
        let mut starts = BTreeMap::new();
        for m in server["maintenances"].as_array().unwrap() {
            let reason = m["reason"].as_str().unwrap().to_owned();
            reasons.insert(reason.clone(), 1.0);
            match m["start_date"].as_str() {
                Some(start) => {
                    starts.insert(reason, unix_seconds(start));
                    dated += 1;
                }
                None => undated += 1,
            }
        }
        let info = "scaleway_server_maintenance_info";
        let start = "scaleway_server_maintenance_start_timestamp_seconds";
        assert_eq!(by_reason(&metrics, info, &id), reasons, "{id}");
        assert_eq!(by_reason(&metrics, start, &id), starts, "{id}");

        let end_of_service = server["end_of_service"].as_bool().unwrap();
        ended += usize::from(end_of_service);
        let labels = [("zone", ZONE), ("server_id", id.as_str())];
        assert_eq!(
            metrics.value("scaleway_server_end_of_service", &labels),
            f64::from(u8::from(end_of_service)),
            "{id}"
        );

        let boot_type = server["boot_type"].as_str().unwrap();
        rescue += usize::from(boot_type == "rescue");
        let with_boot = [
            ("zone", ZONE),
            ("server_id", id.as_str()),
            ("boot_type", boot_type),
        ];
        assert_eq!(metrics.value("scaleway_server_info", &with_boot), 1.0);
    }
    assert!(dated > 0 && undated > 0, "{dated} dated, {undated} undated");
    assert!(rescue > 0 && ended > 0, "{rescue} in rescue, {ended} ended");
}

#[tokio::test]
async fn one_reason_listed_twice_is_one_series_starting_at_the_earliest_of_its_starts() {
    let api = start_simulator(simulator_config(&[ZONE], 3)).await;
    api.simulator.insert_server(
        ZONE,
        json!({"id": "11111111-2222-4333-8444-000000000001", "name": "twice", "state": "running",
        "maintenances": [
            {"reason": "reboot", "start_date": "2026-09-03T02:00:00.000000+00:00"},
            {"reason": "reboot", "start_date": "2026-09-01T02:00:00.000000+00:00"},
            {"reason": "reboot", "start_date": null},
            {"reason": "disk", "start_date": null}
        ]}),
    );
    let metrics = polled(&api).await;
    let id = "11111111-2222-4333-8444-000000000001";
    let info = by_reason(&metrics, "scaleway_server_maintenance_info", id);
    assert_eq!(
        info,
        BTreeMap::from([("disk".into(), 1.0), ("reboot".into(), 1.0)])
    );
    let starts = by_reason(
        &metrics,
        "scaleway_server_maintenance_start_timestamp_seconds",
        id,
    );
    assert_eq!(
        starts,
        BTreeMap::from([("reboot".into(), unix_seconds("2026-09-01T02:00:00Z"))])
    );
}

#[tokio::test]
async fn reasons_with_quotes_backslashes_and_newlines_are_escaped_and_read_back_whole() {
    let api = start_simulator(simulator_config(&[ZONE], 3)).await;
    let hostile = "kernel \"CVE\" fix \\ part 1\nthen reboot} 1\n# TYPE evil gauge";
    api.simulator.insert_server(
        ZONE,
        json!({"id": "11111111-2222-4333-8444-000000000002", "name": "hostile", "state": "running",
            "maintenances": [{"reason": hostile, "start_date": "2026-09-01T02:00:00Z"}]}),
    );
    let metrics = polled(&api).await;
    let id = "11111111-2222-4333-8444-000000000002";
    assert_eq!(
        by_reason(&metrics, "scaleway_server_maintenance_info", id),
        BTreeMap::from([(hostile.to_owned(), 1.0)])
    );
    assert!(metrics
        .text
        .contains(r#"reason="kernel \"CVE\" fix \\ part 1\nthen reboot} 1\n# TYPE evil gauge"}"#));
    assert!(!metrics.text.contains("\n# TYPE evil"));
}

#[tokio::test]
async fn end_of_service_is_1_when_true_and_0_when_false_null_or_absent() {
    let api = start_simulator(simulator_config(&[ZONE], 3)).await;
    let cases: [(&str, Option<Value>, f64); 4] = [
        (
            "11111111-2222-4333-8444-0000000000e1",
            Some(json!(true)),
            1.0,
        ),
        (
            "11111111-2222-4333-8444-0000000000e2",
            Some(json!(false)),
            0.0,
        ),
        (
            "11111111-2222-4333-8444-0000000000e3",
            Some(Value::Null),
            0.0,
        ),
        ("11111111-2222-4333-8444-0000000000e4", None, 0.0),
    ];
    for (id, field, _) in &cases {
        let mut server = json!({"id": id, "name": id, "state": "running"});
        if let Some(field) = field {
            server["end_of_service"] = field.clone();
        }
        api.simulator.insert_server(ZONE, server);
    }
    let metrics = polled(&api).await;
    for (id, field, want) in cases {
        let got = metrics.value(
            "scaleway_server_end_of_service",
            &[("zone", ZONE), ("server_id", id)],
        );
        assert_eq!(got, want, "end_of_service {field:?}");
    }
}

#[tokio::test]
async fn boot_type_is_a_label_of_server_info_as_the_api_says_and_empty_when_absent() {
    let api = start_simulator(simulator_config(&[ZONE], 3)).await;
    let cases = [
        (
            "11111111-2222-4333-8444-0000000000b1",
            Some("rescue"),
            "rescue",
        ),
        (
            "11111111-2222-4333-8444-0000000000b2",
            Some("local"),
            "local",
        ),
        (
            "11111111-2222-4333-8444-0000000000b3",
            Some("bootscript"),
            "bootscript",
        ),
        ("11111111-2222-4333-8444-0000000000b4", None, ""),
    ];
    for (id, boot_type, _) in cases {
        let mut server = json!({"id": id, "name": id, "state": "running"});
        if let Some(boot_type) = boot_type {
            server["boot_type"] = boot_type.into();
        }
        api.simulator.insert_server(ZONE, server);
    }
    let metrics = polled(&api).await;
    for (id, _, want) in cases {
        let info = metrics.select("scaleway_server_info", &[("server_id", id)]);
        assert_eq!(info.len(), 1, "{id}");
        assert_eq!(info[0].labels["boot_type"], want, "{id}");
    }
}

#[tokio::test]
async fn the_2018_legacy_api_gives_maintenances_and_boot_type_and_the_2014_one_neither() {
    use scaleway_exporter::api::ApiFlavor;
    let api = start_simulator(simulator_config(&[ZONE], 10)).await;
    let config = exporter_config_builder(&api.url, &["par1"], TEST_KEY)
        .api_flavor(ApiFlavor::Legacy)
        .build()
        .unwrap();
    let exporter = start_exporter(&config).await;
    for running_bool in [false, true] {
        api.simulator.set_legacy_running_bool(running_bool);
        exporter.poller.poll_once().await;
        let metrics = exporter.scrape().await;
        let info = metrics.select("scaleway_server_info", &[("zone", "par1")]);
        assert_eq!(info.len(), 10);
        let boot_types: Vec<&str> = info
            .iter()
            .map(|s| s.labels["boot_type"].as_str())
            .collect();
        let maintenances = metrics.select("scaleway_server_maintenance_info", &[]);
        if running_bool {
            assert!(boot_types.iter().all(|b| b.is_empty()), "{boot_types:?}");
            assert!(maintenances.is_empty(), "{maintenances:?}");
        } else {
            assert!(boot_types.contains(&"rescue") && boot_types.contains(&"local"));
            assert!(!maintenances.is_empty());
        }
        let ended = metrics.select("scaleway_server_end_of_service", &[("zone", "par1")]);
        assert_eq!(ended.len(), 10);
        assert!(
            ended.iter().all(|s| s.value == 0.0),
            "no end_of_service before 2025"
        );
    }
}
