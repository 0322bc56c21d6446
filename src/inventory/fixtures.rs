//! Snapshots for the crate's unit tests, built from API bodies as the poller builds them, so
//! that the metrics and the pages are tested on what the inventory makes of real shapes.

use std::time::{Duration, SystemTime};

pub(crate) use super::instance::servers_from_json;
use super::{
    block_volume_types, catalog_from_api, dedibox_offers, elastic_metal_offers, ips_from,
    snapshots_from, volumes_from, Bill, Items, Project, Server, Snapshot, ZonePoll,
};
use crate::api::{model, ApiError, Endpoint};
use crate::product::{PriceList, Product, ProductZone, Resource};

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
    let instance_poll = ZonePoll {
        resources: instance_resources(),
        ..ZonePoll::from(instance)
    };
    let mut snapshot = Snapshot::of([ProductZone::new(Product::Instance, "fr-par-1")])
        .with_poll(
            Product::Instance,
            "fr-par-1",
            Ok(instance_poll),
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
    with_prices_and_bill(snapshot)
}

/// The snapshot with the prices of what it uses and a bill, as the reference poller reads
/// them.
fn with_prices_and_bill(snapshot: Snapshot) -> Snapshot {
    fn parse<T: serde::de::DeserializeOwned>(json: &str) -> T {
        serde_json::from_str(json).unwrap()
    }
    let em = parse(
        r#"[{"id":"em-hourly","name":"EM-A115X-SSD","price_per_hour":{"currency_code":"EUR","units":0,"nanos":77000000},"monthly_offer_id":"em-monthly"},
            {"id":"em-monthly","name":"EM-A115X-SSD","price_per_month":{"currency_code":"EUR","units":49,"nanos":990000000}}]"#,
    );
    let dedibox = parse(
        r#"[{"id":7,"name":"Start-2-M-SATA","payment_frequency":"monthly","pricing":{"currency_code":"EUR","units":15,"nanos":990000000}}]"#,
    );
    let block = parse(
        r#"[{"type":"sbs_5k","pricing":{"currency_code":"EUR","units":0,"nanos":118000},"snapshot_pricing":{"currency_code":"EUR","units":0,"nanos":45000}}]"#,
    );
    let rows = parse(
        r#"[{"value":{"currency_code":"EUR","units":12,"nanos":340000000},"project_id":"p","category_name":"Compute"}]"#,
    );
    let mut snapshot = snapshot
        .with_prices(
            PriceList::ElasticMetalOffers,
            "fr-par-1",
            elastic_metal_offers(em),
        )
        .with_prices(
            PriceList::DediboxOffers,
            "fr-par-1",
            dedibox_offers(dedibox),
        )
        .with_prices(
            PriceList::BlockVolumeTypes,
            "fr-par-1",
            block_volume_types(block),
        )
        .with_bill(Bill::from_rows("2026-12", rows).0);
    snapshot.reference_success = std::sync::Arc::new(
        [
            (("types", "fr-par-1".to_owned()), true),
            (("billing", String::new()), true),
        ]
        .into(),
    );
    snapshot
}

/// One of each thing an Instance zone holds beside its servers, each with every field its
/// families read.
fn instance_resources() -> Vec<(Resource, Result<Items, ApiError>)> {
    fn parse<T: serde::de::DeserializeOwned>(json: &str) -> T {
        serde_json::from_str(json).unwrap()
    }
    let block: model::BlockVolume = parse(
        r#"{"id":"bv-1","name":"data","type":"sbs_5k","size":10000000000,"status":"available",
        "project_id":"p","references":[],"last_detached_at":"2026-07-20T14:35:34Z",
        "created_at":"2026-07-01T00:00:00Z"}"#,
    );
    let ip: model::InstanceIp = parse(
        r#"{"id":"ip-1","address":"51.15.0.9","prefix":null,"type":"routed_ipv4",
        "state":"detached","project":"p","server":null}"#,
    );
    let snapshot: model::BlockSnapshot = parse(
        r#"{"id":"bs-1","name":"nightly","parent_volume":{"id":"bv-1","name":"data","type":"sbs_5k"},
        "size":10000000000,"project_id":"p","status":"available","class":"sbs",
        "created_at":"2026-01-01T00:00:00Z"}"#,
    );
    vec![
        (
            Resource::BlockVolumes,
            Ok(volumes_from(vec![block.into()], true)),
        ),
        (Resource::InstanceIps, Ok(ips_from(vec![ip.into()]))),
        (
            Resource::BlockSnapshots,
            Ok(snapshots_from(vec![snapshot.into()])),
        ),
    ]
}

/// A server of Elastic Metal, Apple silicon and Dedibox, each with every field its families
/// read.
fn others_of_every_kind() -> Vec<Server> {
    let em: model::ElasticMetalServer = serde_json::from_str(
        r#"{"id":"em-1","name":"metal","status":"ready","offer_name":"EM-A115X-SSD",
        "project_id":"p","organization_id":"o","created_at":"2026-07-20T14:35:34Z",
        "tags":["prod"],"ips":[{"address":"51.15.0.2","version":"IPv4"}],
        "ping_status":"ping_status_up","offer_id":"em-hourly"}"#,
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
        r#"{"id":42,"hostname":"sd-42","status":"ready","offer_name":"Start-2-M-SATA","offer_id":7,
        "datacenter_name":"DC5","project_id":"p","organization_id":"o",
        "expired_at":"2027-07-20T14:35:34Z",
        "interfaces":[{"type":"normal","ips":[{"address":"51.159.0.1","version":"ipv4"}]}]}"#,
    )
    .unwrap();
    vec![em.into(), mac.into(), dedibox.into()]
}
