//! The reference data beside the servers, over real TCP against the simulator: the Instance
//! server-type catalog of each zone (every page, only the types the fleet uses) and the
//! project names of the fleet's organizations. Both are read at start and then at most
//! hourly, best effort: a failure keeps the last answer and never fails a zone.

use std::collections::BTreeSet;
use std::time::Duration;

use scaleway_simulator::ReferenceFault;

/// Moves tokio's clock (the one the poller's hour is measured on) past `by`, then lets it run
/// again, so that the next poll's requests over real TCP run on a live clock.
use crate::common::*;

async fn let_time_pass(by: Duration) {
    tokio::time::pause();
    tokio::time::advance(by).await;
    tokio::time::resume();
}

const PAST_THE_HOUR: Duration = Duration::from_secs(3601);

async fn started(zones: &[&str]) -> (TestApi, TestExporter) {
    let api = start_simulator(simulator_config(zones, 30)).await;
    let exporter = start_exporter(&exporter_config(&api.url, zones, TEST_KEY)).await;
    (api, exporter)
}

/// The commercial types of a zone's servers, as `scaleway_server_info` says them.
fn types_in_use(metrics: &Exposition, zone: &str) -> BTreeSet<String> {
    metrics
        .select("scaleway_server_info", &[("zone", zone)])
        .iter()
        .map(|s| s.labels["commercial_type"].clone())
        .collect()
}

fn types_exported(metrics: &Exposition, family: &str, zone: &str) -> BTreeSet<String> {
    metrics
        .select(family, &[("zone", zone)])
        .iter()
        .map(|s| s.labels["commercial_type"].clone())
        .collect()
}

fn warn_lines(logs: &CapturedLogs, says: &str) -> usize {
    logs.lines()
        .iter()
        .filter(|line| line.contains("WARN") && line.contains(says))
        .count()
}

#[tokio::test]
async fn every_page_of_a_zones_catalog_is_read_and_only_the_types_its_servers_use_are_exported() {
    let (api, exporter) = started(&["fr-par-1", "pl-waw-1"]).await;
    exporter.poller.poll_once().await;
    let metrics = exporter.scrape().await;
    // 136 types at 100 a page in fr-par-1, 40 in pl-waw-1.
    assert_eq!(api.simulator.catalog_requests(), 3);
    assert_eq!(
        metrics.value(
            "scaleway_exporter_api_requests_total",
            &[("zone", "fr-par-1"), ("endpoint", "types"), ("code", "200")]
        ),
        2.0
    );
    let catalog = api.simulator.catalog_types("fr-par-1");
    let used = types_in_use(&metrics, "fr-par-1");
    assert!(
        used.iter().any(|t| !catalog[..100].contains(t)),
        "a type the fleet uses is past the first page: {used:?}"
    );
    for family in [
        "scaleway_instance_type_cpus",
        "scaleway_instance_type_memory_bytes",
        "scaleway_instance_type_gpus",
        "scaleway_instance_type_hourly_price_euros",
    ] {
        for zone in ["fr-par-1", "pl-waw-1"] {
            assert_eq!(
                types_exported(&metrics, family, zone),
                types_in_use(&metrics, zone),
                "{family} in {zone}"
            );
        }
    }
    // The fleet's types, as the simulator's catalog describes them.
    assert!(used.contains("DEV1-S"), "the seeded fleet's commonest type");
    let dev = [("zone", "fr-par-1"), ("commercial_type", "DEV1-S")];
    assert_eq!(metrics.value("scaleway_instance_type_cpus", &dev), 2.0);
    assert_eq!(
        metrics.value("scaleway_instance_type_memory_bytes", &dev),
        2.0 * 1024.0 * 1024.0 * 1024.0
    );
    assert_eq!(metrics.value("scaleway_instance_type_gpus", &dev), 0.0);
    assert!(
        metrics
            .select(
                "scaleway_instance_type_cpus",
                &[("commercial_type", "GP1-VIZ")]
            )
            .is_empty(),
        "a type no server uses has no series"
    );
}

#[tokio::test]
async fn a_type_without_a_price_has_no_price_series_and_an_integer_price_is_read() {
    let (api, exporter) = started(&["fr-par-1"]).await;
    for (id, commercial_type) in [
        ("5e7e7e7e-0000-4000-8000-00000000f1a1", "GP1-VIZ"),
        ("5e7e7e7e-0000-4000-8000-00000000f1a2", "L40S-2-48G"),
    ] {
        api.simulator.insert_server(
            "fr-par-1",
            serde_json::json!({"id": id, "name": "typed", "state": "running",
                "commercial_type": commercial_type, "volumes": {}}),
        );
    }
    exporter.poller.poll_once().await;
    let metrics = exporter.scrape().await;
    let viz = [("zone", "fr-par-1"), ("commercial_type", "GP1-VIZ")];
    assert_eq!(metrics.value("scaleway_instance_type_cpus", &viz), 10.0);
    assert!(metrics
        .select("scaleway_instance_type_hourly_price_euros", &viz)
        .is_empty());
    let l40s = [("zone", "fr-par-1"), ("commercial_type", "L40S-2-48G")];
    assert_eq!(
        metrics.value("scaleway_instance_type_hourly_price_euros", &l40s),
        3.0
    );
    assert_eq!(metrics.value("scaleway_instance_type_gpus", &l40s), 2.0);
}

#[tokio::test]
async fn the_catalog_and_the_projects_are_read_again_only_once_the_hour_has_passed() {
    let (api, exporter) = started(&["fr-par-1", "nl-ams-1"]).await;
    exporter.poller.poll_once().await;
    let (types, projects) = (
        api.simulator.catalog_requests(),
        api.simulator.projects_requests(),
    );
    assert_eq!(types, 4, "two pages in each zone");
    assert!(projects >= 1);
    exporter.poller.poll_once().await;
    let_time_pass(Duration::from_secs(3500)).await;
    exporter.poller.poll_once().await;
    assert_eq!(
        api.simulator.catalog_requests(),
        types,
        "cached within the hour"
    );
    assert_eq!(api.simulator.projects_requests(), projects);
    let_time_pass(Duration::from_secs(101)).await;
    exporter.poller.poll_once().await;
    assert_eq!(api.simulator.catalog_requests(), 2 * types);
    assert_eq!(api.simulator.projects_requests(), 2 * projects);
}

#[tokio::test]
async fn a_failed_catalog_read_keeps_the_last_types_fails_no_zone_and_is_said_once() {
    let (logs, _guard) = CapturedLogs::start();
    let (api, exporter) = started(&["fr-par-1", "nl-ams-1"]).await;
    exporter.poller.poll_once().await;
    let before = exporter.scrape().await;
    let exported = types_exported(&before, "scaleway_instance_type_cpus", "fr-par-1");
    assert!(!exported.is_empty());

    api.simulator
        .set_catalog_fault(Some(ReferenceFault::InternalError));
    let_time_pass(PAST_THE_HOUR).await;
    exporter.poller.poll_once().await;
    exporter.poller.poll_once().await;
    let during = exporter.scrape().await;
    for zone in ["fr-par-1", "nl-ams-1"] {
        assert_eq!(
            during.value("scaleway_exporter_poll_success", &[("zone", zone)]),
            1.0
        );
    }
    assert_eq!(
        types_exported(&during, "scaleway_instance_type_cpus", "fr-par-1"),
        exported,
        "the last good catalog is kept"
    );
    assert_eq!(
        warn_lines(&logs, "server-type catalog read failed"),
        1,
        "one line for both zones and both polls: {:#?}",
        logs.lines()
    );
    assert!(
        during
            .select(
                "scaleway_exporter_api_requests_total",
                &[("endpoint", "types"), ("code", "500")]
            )
            .len()
            == 2
    );

    api.simulator.set_catalog_fault(None);
    let failed_requests = api.simulator.catalog_requests();
    exporter.poller.poll_once().await;
    assert!(
        api.simulator.catalog_requests() > failed_requests,
        "a failed read is tried again at the next poll"
    );
    assert!(logs
        .lines()
        .iter()
        .any(|line| line.contains("server-type catalog read again")));
}

#[tokio::test]
async fn a_key_that_may_not_read_projects_gets_one_warn_line_for_the_run_and_no_project_info() {
    let (logs, _guard) = CapturedLogs::start();
    let (api, exporter) = started(&["fr-par-1", "nl-ams-1"]).await;
    api.simulator
        .set_projects_fault(Some(ReferenceFault::PermissionDenied));
    exporter.poller.poll_once().await;
    let refused = api.simulator.projects_requests();
    assert!(refused >= 1);
    exporter.poller.poll_once().await;
    assert_eq!(
        api.simulator.projects_requests(),
        refused,
        "a refusal waits the hour"
    );
    let_time_pass(PAST_THE_HOUR).await;
    exporter.poller.poll_once().await;
    assert!(api.simulator.projects_requests() > refused);
    let metrics = exporter.scrape().await;
    assert!(metrics.select("scaleway_project_info", &[]).is_empty());
    for zone in ["fr-par-1", "nl-ams-1"] {
        assert_eq!(
            metrics.value("scaleway_exporter_poll_success", &[("zone", zone)]),
            1.0
        );
    }
    assert!(!metrics
        .select(
            "scaleway_exporter_api_requests_total",
            &[("endpoint", "projects"), ("code", "403")]
        )
        .is_empty());
    let warned: Vec<String> = logs
        .lines()
        .into_iter()
        .filter(|line| line.contains("WARN") && line.contains("project"))
        .collect();
    assert_eq!(warned.len(), 1, "{warned:#?}");
    assert!(warned[0].contains("ProjectReadOnly"), "{}", warned[0]);
}

#[tokio::test]
async fn every_project_of_the_fleets_organizations_and_of_the_default_one_is_named() {
    let api = start_simulator(simulator_config(&["fr-par-1"], 40)).await;
    let default_organization = "d3fa0170-0000-4000-8000-0000000000d0";
    let config = exporter_config_builder(&api.url, &["fr-par-1"], TEST_KEY)
        .default_organization_id(Some(default_organization))
        .build()
        .unwrap();
    let exporter = start_exporter(&config).await;
    exporter.poller.poll_once().await;
    let metrics = exporter.scrape().await;
    let organizations: BTreeSet<String> = metrics
        .select("scaleway_server_info", &[])
        .iter()
        .map(|s| s.labels["organization_id"].clone())
        .collect();
    let expected: BTreeSet<(String, String, String)> = api
        .simulator
        .project_names()
        .into_iter()
        .filter(|(org, _, _)| organizations.contains(org))
        .collect();
    let got: BTreeSet<(String, String, String)> = metrics
        .select("scaleway_project_info", &[])
        .iter()
        .map(|s| {
            (
                s.labels["organization_id"].clone(),
                s.labels["project_id"].clone(),
                s.labels["project_name"].clone(),
            )
        })
        .collect();
    assert_eq!(got, expected);
    assert!(got.iter().any(|(_, _, name)| name.contains('"')));
    assert!(got
        .iter()
        .any(|(org, id, name)| org == id && name == "default"));
    assert_eq!(
        api.simulator.projects_requests() as usize,
        organizations.len() + 1,
        "one request per organization, the default one included"
    );
    assert_eq!(
        metrics.value(
            "scaleway_exporter_api_requests_total",
            &[("zone", ""), ("endpoint", "projects"), ("code", "200")]
        ),
        (organizations.len() + 1) as f64
    );
}
