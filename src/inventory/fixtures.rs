//! Snapshots for the crate's unit tests, built from API bodies as the poller builds them, so
//! that the metrics and the pages are tested on what the inventory makes of real shapes.

use std::time::{Duration, SystemTime};

pub(crate) use super::instance::servers_from_json;
use super::{catalog_from_api, Project, Server, Snapshot};
use crate::api::{model, ApiError, Endpoint};
use crate::product::{Product, ProductZone};

/// A failed Instance poll whose error's text ends with `reason`.
pub fn failure(reason: &str) -> ApiError {
    ApiError::Transport {
        endpoint: Endpoint::Servers(Product::Instance),
        reason: reason.to_owned(),
    }
}

/// When the fixtures' polls ended.
pub fn polled_at() -> SystemTime {
    SystemTime::UNIX_EPOCH + Duration::from_secs(1_800_000_000)
}

/// fr-par-1 with one server of each product, each with every field its families read, the
/// zone's catalog and the project's name.
pub fn one_of_every_kind() -> Snapshot {
    let instance = servers_from_json(
        r#"{"servers":[{"id":"s-1","name":"web","commercial_type":"DEV1-S",
        "arch":"x86_64","image":{"name":"Ubuntu"},"project":"p","organization":"o",
        "state":"running","creation_date":"2026-07-20T14:35:34Z",
        "modification_date":"2026-07-21T14:35:34Z","tags":["prod"],
        "volumes":{"0":{"id":"v-1","volume_type":"l_ssd","name":"root","size":10}},
        "public_ips":[{"address":"51.15.0.1","family":"inet"}],"boot_type":"rescue",
        "maintenances":[{"reason":"reboot","start_date":"2026-09-01T00:00:00Z"}],
        "end_of_service":true}]}"#,
    );
    let types: model::ServerTypesPage = serde_json::from_str(
        r#"{"servers":{"DEV1-S":{"ncpus":2,"ram":2147483648,"gpu":0,"hourly_price":0.0088}}}"#,
    )
    .unwrap();
    let mut snapshot = Snapshot::of([ProductZone::new(Product::Instance, "fr-par-1")])
        .with_poll(
            Product::Instance,
            "fr-par-1",
            Ok(instance.into()),
            polled_at(),
            Duration::from_millis(250),
        )
        .with_catalog("fr-par-1", catalog_from_api(types.servers), polled_at())
        .with_projects(vec![Project {
            organization_id: "o".into(),
            id: "p".into(),
            name: "web".into(),
        }]);
    for server in others_of_every_kind() {
        let product = server.product();
        snapshot.record_poll(
            product,
            "fr-par-1",
            Ok(vec![server].into()),
            polled_at(),
            Duration::ZERO,
        );
    }
    snapshot
}

/// A server of Elastic Metal, Apple silicon and Dedibox, each with every field its families
/// read.
fn others_of_every_kind() -> Vec<Server> {
    let em: model::ElasticMetalServer = serde_json::from_str(
        r#"{"id":"em-1","name":"metal","status":"ready","offer_name":"EM-A115X-SSD",
        "project_id":"p","organization_id":"o","created_at":"2026-07-20T14:35:34Z",
        "tags":["prod"],"ips":[{"address":"51.15.0.2","version":"IPv4"}],
        "ping_status":"ping_status_up"}"#,
    )
    .unwrap();
    let mac: model::AppleSiliconServer = serde_json::from_str(
        r#"{"id":"as-1","name":"mac","status":"ready","type":"M2-M","project_id":"p",
        "organization_id":"o","ip":"62.210.0.1","created_at":"2026-07-20T14:35:34Z",
        "deletable_at":"2026-07-21T14:35:34Z","os":{"name":"macos-sequoia-15.6"},
        "tags":["ci"]}"#,
    )
    .unwrap();
    let dedibox: model::DediboxServer = serde_json::from_str(
        r#"{"id":42,"hostname":"sd-42","status":"ready","offer_name":"Start-2-M-SATA",
        "datacenter_name":"DC5","project_id":"p","organization_id":"o",
        "expired_at":"2027-07-20T14:35:34Z",
        "interfaces":[{"type":"normal","ips":[{"address":"51.159.0.1","version":"ipv4"}]}]}"#,
    )
    .unwrap();
    vec![em.into(), mac.into(), dedibox.into()]
}
