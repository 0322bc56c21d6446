//! What a fleet leaves behind, over real TCP against the simulator: every page of every
//! volume, IP and snapshot list read, each item exported once, a refusal said once per
//! permission set, and a failure keeping the last good items without failing the zone.

use scaleway_simulator::{ProductCounts, ReferenceFault, Resource as Sim};
use serde_json::Value;

use crate::common::*;

const ZONE: &str = "fr-par-1";

/// The simulator's resources of a zone that the exporter reads, with the `resource` label
/// of `scaleway_exporter_resource_success` of each.
const LEFTOVERS: [(Sim, &str); 6] = [
    (Sim::BlockVolume, "block_volumes"),
    (Sim::BlockSnapshot, "block_snapshots"),
    (Sim::InstanceVolume, "instance_volumes"),
    (Sim::InstanceIp, "instance_ips"),
    (Sim::InstanceSnapshot, "instance_snapshots"),
    (Sim::FlexibleIp, "flexible_ips"),
];

async fn api(servers: usize) -> TestApi {
    let mut config = simulator_config(&[ZONE, "nl-ams-1"], servers);
    config.products = ProductCounts::all(3);
    start_simulator(config).await
}

async fn exporter(api: &TestApi) -> TestExporter {
    let config = exporter_config_builder(&api.url, &[ZONE, "nl-ams-1"], TEST_KEY)
        .products([])
        .build()
        .unwrap();
    start_exporter(&config).await
}

/// Copies of the first item of `kind` in `zone` under new ids, free of any server, until
/// the list is `len` long: more than one page of 100.
fn grow(api: &TestApi, kind: Sim, zone: &str, len: usize) {
    let items = api.simulator.resources(kind, zone);
    let model = items.first().expect("the simulated zone has one").clone();
    for n in items.len()..len {
        let mut item = model.clone();
        item["id"] = Value::String(scaleway_simulator::uuid_v4(0xf00d_0000 + n as u128));
        for (field, free) in [
            ("server", Value::Null),
            ("server_id", Value::Null),
            ("references", Value::Array(vec![])),
        ] {
            if item.get(field).is_some() {
                item[field] = free;
            }
        }
        api.simulator.insert_resource(kind, zone, item);
    }
}

fn ids(metrics: &Exposition, family: &str, id: &str) -> Vec<String> {
    metrics
        .select(family, &[("zone", ZONE)])
        .iter()
        .map(|s| s.labels[id].clone())
        .collect()
}

fn simulated_ids(api: &TestApi, kinds: &[Sim], keep: impl Fn(&Value) -> bool) -> Vec<String> {
    kinds
        .iter()
        .flat_map(|kind| api.simulator.resources(*kind, ZONE))
        .filter(|item| keep(item))
        .map(|item| match &item["id"] {
            Value::String(s) => s.clone(),
            other => other.to_string(),
        })
        .collect()
}

fn sorted<T: Ord + Clone>(items: &[T]) -> Vec<T> {
    let mut items = items.to_vec();
    items.sort();
    items
}

#[tokio::test]
async fn every_page_of_every_leftover_list_is_read_and_each_item_exported_once() {
    let api = api(120).await;
    for (kind, _) in LEFTOVERS {
        grow(&api, kind, ZONE, 230);
    }
    let exporter = exporter(&api).await;
    exporter.poller.poll_once().await;
    let metrics = exporter.scrape().await;

    for (_, label) in LEFTOVERS {
        let success = [("resource", label), ("zone", ZONE)];
        assert_eq!(
            metrics.value("scaleway_exporter_resource_success", &success),
            1.0,
            "{label}"
        );
    }
    let no_server = |item: &Value| item["server"].is_null();
    let mut volumes = simulated_ids(&api, &[Sim::BlockVolume], |_| true);
    volumes.extend(simulated_ids(&api, &[Sim::InstanceVolume], no_server));
    let ips = simulated_ids(&api, &[Sim::InstanceIp, Sim::FlexibleIp], |_| true);
    let snapshots = simulated_ids(&api, &[Sim::BlockSnapshot, Sim::InstanceSnapshot], |_| true);
    for (family, id, want) in [
        ("scaleway_volume_info", "volume_id", &volumes),
        ("scaleway_ip_info", "ip_id", &ips),
        ("scaleway_snapshot_info", "snapshot_id", &snapshots),
    ] {
        let got = ids(&metrics, family, id);
        assert!(want.len() > 230, "{family}: {} items", want.len());
        assert_eq!(sorted(&got), sorted(want), "{family}: each item once");
    }
}

/// A key whose policy has InstancesReadOnly alone: Block Storage and the flexible IPs refuse
/// it in every zone, every poll. The servers are whole; one line per permission set says
/// what to grant, once for the run's three polls.
#[tokio::test]
async fn a_refused_leftover_list_gives_one_warn_line_per_permission_set_and_fails_no_zone() {
    let api = api(20).await;
    let refused = [Sim::BlockVolume, Sim::BlockSnapshot, Sim::FlexibleIp];
    for zone in [ZONE, "nl-ams-1"] {
        for kind in refused {
            let fault = Some(ReferenceFault::PermissionDenied);
            api.simulator.set_resource_fault(kind, zone, fault);
        }
    }
    let exporter = exporter(&api).await;
    let (logs, guard) = CapturedLogs::start();
    for _ in 0..3 {
        exporter.poller.poll_once().await;
    }
    drop(guard);

    let metrics = exporter.scrape().await;
    for zone in [ZONE, "nl-ams-1"] {
        let health = |name: &str, more: &[(&str, &str)]| {
            let mut with = vec![("zone", zone)];
            with.extend_from_slice(more);
            metrics.value(name, &with)
        };
        assert_eq!(
            health("scaleway_exporter_poll_success", &[("product", "instance")]),
            1.0
        );
        for (_, label) in LEFTOVERS {
            let refused = ["block_volumes", "block_snapshots", "flexible_ips"].contains(&label);
            let want = if refused { 0.0 } else { 1.0 };
            let got = health("scaleway_exporter_resource_success", &[("resource", label)]);
            assert_eq!(got, want, "{zone} {label}");
        }
    }
    assert!(metrics
        .select("scaleway_snapshot_size_bytes", &[("zone", ZONE)])
        .iter()
        .all(|s| !s.labels["snapshot_id"].is_empty()));
    let warned: Vec<String> = logs
        .lines()
        .into_iter()
        .filter(|l| l.contains(" WARN "))
        .collect();
    assert_eq!(warned.len(), 2, "{warned:#?}");
    let line = |set: &str| {
        warned
            .iter()
            .find(|l| l.contains(set))
            .unwrap_or_else(|| panic!("no line names {set}: {warned:#?}"))
    };
    let block = line("BlockStorageReadOnly");
    assert!(
        block.contains("Block Storage volumes, Block Storage snapshots"),
        "{block}"
    );
    assert!(block.contains("zones=\"fr-par-1,nl-ams-1\""), "{block}");
    assert!(line("ElasticMetalReadOnly").contains("Elastic Metal flexible IPs"));
}

/// An Instance IPs list that fails (its own 500s) keeps the IPs of the last good read: an IP
/// created since is not there, none is lost, the zone's servers are fresh. One line says the
/// failure began, one that the list is read again; then the new IP shows.
#[tokio::test]
async fn a_failed_leftover_read_keeps_the_last_good_items_until_it_is_read_again() {
    let api = api(20).await;
    let exporter = exporter(&api).await;
    exporter.poller.poll_once().await;
    let first = sorted(&ids(&exporter.scrape().await, "scaleway_ip_info", "ip_id"));
    assert!(!first.is_empty());

    api.simulator
        .set_resource_fault(Sim::InstanceIp, ZONE, Some(ReferenceFault::InternalError));
    grow(
        &api,
        Sim::InstanceIp,
        ZONE,
        api.simulator.resources(Sim::InstanceIp, ZONE).len() + 1,
    );
    let (logs, guard) = CapturedLogs::start();
    exporter.poller.poll_once().await;
    exporter.poller.poll_once().await;
    drop(guard);
    let metrics = exporter.scrape().await;
    assert_eq!(sorted(&ids(&metrics, "scaleway_ip_info", "ip_id")), first);
    let success = |m: &Exposition, resource: &str| {
        m.value(
            "scaleway_exporter_resource_success",
            &[("resource", resource), ("zone", ZONE)],
        )
    };
    assert_eq!(success(&metrics, "instance_ips"), 0.0);
    assert_eq!(success(&metrics, "instance_volumes"), 1.0);
    assert_eq!(
        metrics.value(
            "scaleway_exporter_poll_success",
            &[("product", "instance"), ("zone", ZONE)]
        ),
        1.0
    );
    let warned: Vec<String> = logs
        .lines()
        .into_iter()
        .filter(|l| l.contains(" WARN "))
        .collect();
    assert_eq!(warned.len(), 1, "{warned:#?}");
    assert!(
        warned[0].contains("Instance flexible IPs list failed"),
        "{}",
        warned[0]
    );

    api.simulator
        .set_resource_fault(Sim::InstanceIp, ZONE, None);
    let (logs, guard) = CapturedLogs::start();
    exporter.poller.poll_once().await;
    drop(guard);
    let metrics = exporter.scrape().await;
    assert_eq!(success(&metrics, "instance_ips"), 1.0);
    assert_eq!(
        ids(&metrics, "scaleway_ip_info", "ip_id").len(),
        first.len() + 1
    );
    let said: Vec<String> = logs
        .lines()
        .into_iter()
        .filter(|l| l.contains(" INFO "))
        .collect();
    assert!(
        said.iter()
            .any(|l| l.contains("Instance flexible IPs read again")),
        "{said:#?}"
    );
}

/// The dates the dashboards age leftovers by are the API's own, to the second.
#[tokio::test]
async fn a_detached_volume_and_a_snapshot_carry_the_dates_the_api_gives() {
    let api = api(40).await;
    let exporter = exporter(&api).await;
    exporter.poller.poll_once().await;
    let metrics = exporter.scrape().await;
    let detached = api
        .simulator
        .resources(Sim::BlockVolume, ZONE)
        .into_iter()
        .find(|v| v["last_detached_at"].is_string())
        .expect("the simulated zone has a volume detached once");
    let seconds = |date: &Value| {
        chrono::DateTime::parse_from_rfc3339(date.as_str().unwrap())
            .unwrap()
            .timestamp() as f64
    };
    let id = detached["id"].as_str().unwrap();
    assert_eq!(
        metrics
            .value(
                "scaleway_volume_detached_timestamp_seconds",
                &[("zone", ZONE), ("volume_id", id)]
            )
            .floor(),
        seconds(&detached["last_detached_at"])
    );
    let snapshot = &api.simulator.resources(Sim::InstanceSnapshot, ZONE)[0];
    assert_eq!(
        metrics
            .value(
                "scaleway_snapshot_created_timestamp_seconds",
                &[
                    ("zone", ZONE),
                    ("snapshot_id", snapshot["id"].as_str().unwrap())
                ]
            )
            .floor(),
        seconds(&snapshot["creation_date"])
    );
}
