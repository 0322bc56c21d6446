//! Every list beside the servers, over real TCP: each pages as its API pages, has the keys and
//! types of the recorded bodies (or of the SDK where none is recorded), writes money as units
//! and nanos of one sign, lists what the servers use, and answers a test's 403 or 500 where
//! and only where it was set.

mod common;

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::net::SocketAddr;
use std::path::PathBuf;

use common::*;
use scaleway_simulator::{Product, ProductCounts, ReferenceFault, Resource, SimulatorConfig};
use serde_json::Value;

async fn start_fleet(zones: &[&str], servers_per_zone: usize, products: usize) -> Running {
    start_with(SimulatorConfig {
        zones: zones.iter().map(|z| (*z).to_owned()).collect(),
        servers_per_zone,
        token: TOKEN.to_owned(),
        transition: TRANSITION,
        products: ProductCounts::all(products),
        ..SimulatorConfig::default()
    })
    .await
}

/// The path of `kind`'s list in `zone`.
fn path(kind: Resource, zone: &str) -> String {
    kind.path().replace("{zone}", zone)
}

/// What reading a whole list found: its items and the total every page announced.
struct Whole {
    items: Vec<Value>,
    totals: BTreeSet<u64>,
    pages: usize,
}

/// Every item of the list at `list`, read a page of `size` at a time the way its API pages:
/// until `total_count` items were seen, or in one read for an unpaged list.
async fn read_whole(addr: SocketAddr, kind: Resource, list: &str, size: u64) -> Whole {
    let sep = if list.contains('?') { '&' } else { '?' };
    let mut whole = Whole {
        items: Vec::new(),
        totals: BTreeSet::new(),
        pages: 0,
    };
    let key = kind_key(kind);
    for page in 1.. {
        let r = get(addr, &format!("{list}{sep}page={page}&page_size={size}")).await;
        assert_eq!(r.status, 200, "{list}: {}", r.text());
        let body = r.json();
        whole.pages += 1;
        whole
            .items
            .extend(body[key].as_array().unwrap().iter().cloned());
        let total = body["total_count"]
            .as_u64()
            .unwrap_or(whole.items.len() as u64);
        whole.totals.insert(total);
        if body.get("total_count").is_none() || whole.items.len() as u64 >= total {
            break;
        }
    }
    whole
}

/// Every item of `kind`'s list in `zone`, read by pages of 100.
async fn all(addr: SocketAddr, kind: Resource, zone: &str) -> Vec<Value> {
    read_whole(addr, kind, &path(kind, zone), 100).await.items
}

/// The list's key in its body.
fn kind_key(kind: Resource) -> &'static str {
    match kind {
        Resource::BlockVolume => "volumes",
        Resource::BlockVolumeType => "volume_types",
        Resource::ElasticMetalOffer | Resource::DediboxOffer => "offers",
        Resource::AppleSiliconServerType => "server_types",
    }
}

/// An item's id as its list writes it (a volume type's is its type, a server type's its
/// name).
fn id_of(item: &Value) -> String {
    match item
        .get("id")
        .or_else(|| item.get("type"))
        .or_else(|| item.get("name"))
    {
        Some(Value::String(s)) => s.clone(),
        Some(other) => other.to_string(),
        None => panic!("no id: {item}"),
    }
}

#[tokio::test]
async fn a_list_longer_than_a_page_is_read_whole_by_following_its_paging() {
    let s = start_fleet(&["fr-par-1"], 150, 12).await;
    for kind in Resource::ALL {
        let zone = "fr-par-1";
        let list = path(kind, zone);
        let mut expected = s.sim.resource_ids(kind, zone);
        // Pages small enough that even the shortest list (two volume types) takes several.
        let size = (expected.len() as u64 / 3).max(1);
        let whole = read_whole(s.addr, kind, &list, size).await;
        if kind == Resource::ElasticMetalOffer {
            // The default listing is the hourly offers.
            let hourly: BTreeSet<String> = whole.items.iter().map(id_of).collect();
            expected.retain(|id| hourly.contains(id));
        }
        let seen: Vec<String> = whole.items.iter().map(id_of).collect();
        assert_eq!(seen, expected, "{kind:?}: every item once, in order");
        assert_eq!(
            whole.totals,
            BTreeSet::from([expected.len() as u64]),
            "{kind:?}: every page announced the total"
        );
        if kind == Resource::AppleSiliconServerType {
            assert_eq!(whole.pages, 1, "server types come whole whatever is asked");
        } else {
            assert!(
                whole.pages > 1,
                "{kind:?} was read in {} pages",
                whole.pages
            );
        }
    }
}

// ------------------------------------------------------------------------------------------
// Shapes
// ------------------------------------------------------------------------------------------

/// Every key path of a body with the JSON types seen there (`null` apart).
fn shape(value: &Value, prefix: &str, out: &mut BTreeMap<String, BTreeSet<&'static str>>) {
    let kind = match value {
        Value::Null => "null",
        Value::Bool(_) => "bool",
        Value::Number(n) if n.is_f64() => "float",
        Value::Number(_) => "integer",
        Value::String(_) => "string",
        Value::Array(_) => "array",
        Value::Object(_) => "object",
    };
    out.entry(prefix.to_owned()).or_default().insert(kind);
    match value {
        Value::Object(map) => {
            for (key, v) in map {
                shape(v, &format!("{prefix}.{key}"), out);
            }
        }
        Value::Array(items) => items
            .iter()
            .for_each(|v| shape(v, &format!("{prefix}[]"), out)),
        _ => {}
    }
}

/// The recorded items of a list: every file of `folder` whose name starts with `prefix`,
/// list bodies split into their items (`key`), get-one bodies as they are. `None` when the
/// corpus is absent (the check is then skipped, as the exporter's are).
fn recorded(folder: &str, prefix: &str, key: &str) -> Option<Vec<Value>> {
    let dir = PathBuf::from(std::env::var_os("SCALEWAY_API_CORPUS")?).join(folder);
    let mut items = Vec::new();
    for entry in std::fs::read_dir(dir).ok()?.flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        if !name.starts_with(prefix) {
            continue;
        }
        let body: Value =
            serde_json::from_str(&std::fs::read_to_string(entry.path()).ok()?).ok()?;
        match body.get(key) {
            Some(Value::Array(list)) => items.extend(list.iter().cloned()),
            _ => items.push(body),
        }
    }
    Some(items)
}

/// Generated items have the top-level keys of the newest recorded one, and at every key path
/// the types the recordings show there (a path recorded only as null takes any type).
fn assert_recorded_shape(kind: Resource, generated: &[Value], recorded: &[Value]) {
    let newest = recorded
        .iter()
        .max_by_key(|b| b.as_object().unwrap().len())
        .unwrap();
    let keys = |v: &Value| {
        v.as_object()
            .unwrap()
            .keys()
            .cloned()
            .collect::<BTreeSet<_>>()
    };
    let (mut real, mut ours) = (BTreeMap::new(), BTreeMap::new());
    recorded.iter().for_each(|b| shape(b, "", &mut real));
    generated.iter().for_each(|b| shape(b, "", &mut ours));
    assert!(!generated.is_empty(), "{kind:?}: nothing generated");
    for item in generated {
        assert_eq!(keys(item), keys(newest), "{kind:?}: {item}");
    }
    for (path, types) in &ours {
        let seen = real
            .get(path)
            .unwrap_or_else(|| panic!("{kind:?}: {path} is in no recorded body"));
        let seen: BTreeSet<_> = seen.iter().filter(|t| **t != "null").collect();
        for t in types.iter().filter(|t| **t != "null") {
            assert!(
                seen.is_empty() || seen.contains(t),
                "{kind:?}: {path} is {t}, recorded {seen:?}"
            );
        }
    }
}

#[tokio::test]
async fn every_list_has_the_keys_and_types_of_the_recorded_bodies() {
    let s = start_fleet(&["fr-par-1"], 200, 30).await;
    let cases = [
        (Resource::BlockVolume, "leftovers", "real-blk-vol-0"),
        (Resource::ElasticMetalOffer, "prices", "real-bm-offer-"),
        (Resource::AppleSiliconServerType, "prices", "real-as-types-"),
    ];
    for (kind, folder, prefix) in cases {
        let Some(real) = recorded(folder, prefix, kind_key(kind)) else {
            println!("note: SCALEWAY_API_CORPUS unset: shapes are not compared");
            return;
        };
        let zone = "fr-par-1";
        let mut ours = all(s.addr, kind, zone).await;
        if kind == Resource::ElasticMetalOffer {
            let monthly = format!("{}?subscription_period=monthly", path(kind, zone));
            ours.extend(read_whole(s.addr, kind, &monthly, 100).await.items);
        }
        assert_recorded_shape(kind, &ours, &real);
    }
}

/// The keys of an item, sorted.
fn keys(item: &Value) -> Vec<&str> {
    let mut keys: Vec<&str> = item
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    keys.sort_unstable();
    keys
}

#[tokio::test]
async fn unrecorded_lists_have_the_fields_the_sdk_names() {
    let s = start_fleet(&["fr-par-1"], 5, 3).await;
    let types = get(s.addr, &path(Resource::BlockVolumeType, "fr-par-1"))
        .await
        .json();
    for t in types["volume_types"].as_array().unwrap() {
        assert_eq!(
            keys(t),
            ["pricing", "snapshot_pricing", "specs", "type", "zone"]
        );
        assert_eq!(keys(&t["specs"]), ["class", "perf_iops"]);
        assert!(t["specs"]["perf_iops"].is_u64());
    }
    let offers = get(s.addr, &path(Resource::DediboxOffer, "fr-par-1"))
        .await
        .json();
    let offers = offers["offers"].as_array().unwrap();
    assert!(offers.iter().any(|o| o.get("failover_ip_info").is_some()));
    for offer in offers {
        assert!(offer["id"].is_u64(), "integer ids: {offer}");
        assert!(matches!(
            offer["payment_frequency"].as_str(),
            Some("monthly" | "oneshot")
        ));
        let Some(info) = offer.get("server_info") else {
            continue;
        };
        assert_eq!(
            keys(info),
            [
                "available_options",
                "bandwidth",
                "commercial_range",
                "connectivity",
                "cpus",
                "disks",
                "memories",
                "onetime_fees",
                "persistent_memories",
                "raid_controllers",
                "rpn_version",
                "stock",
                "stock_by_datacenter",
            ]
        );
        assert_eq!(
            keys(&info["cpus"][0]),
            ["core_count", "frequency", "name", "thread_count"]
        );
        assert_eq!(
            keys(&info["memories"][0]),
            ["capacity", "frequency", "is_ecc", "type"]
        );
        assert!(matches!(
            info["stock"].as_str(),
            Some("empty" | "low" | "available")
        ));
        if let Some(fee) = info["onetime_fees"].as_object() {
            assert_eq!(fee["payment_frequency"], "oneshot");
        }
    }
}

// ------------------------------------------------------------------------------------------
// Money
// ------------------------------------------------------------------------------------------

/// Every money object in a body.
fn money<'a>(value: &'a Value, out: &mut Vec<&'a Value>) {
    match value {
        Value::Object(map) if map.contains_key("currency_code") => out.push(value),
        Value::Object(map) => map.values().for_each(|v| money(v, out)),
        Value::Array(items) => items.iter().for_each(|v| money(v, out)),
        _ => {}
    }
}

#[tokio::test]
async fn money_is_integer_units_and_nanos_of_one_sign() {
    let s = start_fleet(&["fr-par-1"], 60, 6).await;
    let mut bodies = Vec::new();
    for kind in Resource::ALL {
        bodies.push(get(s.addr, &path(kind, "fr-par-1")).await.json());
    }
    let monthly = path(Resource::ElasticMetalOffer, "fr-par-1") + "?subscription_period=monthly";
    bodies.push(get(s.addr, &monthly).await.json());
    let mut found = Vec::new();
    bodies.iter().for_each(|b| money(b, &mut found));
    assert!(found.len() > 100, "{} money objects", found.len());
    for m in found {
        assert_eq!(keys(m), ["currency_code", "nanos", "units"], "{m}");
        assert_eq!(m["currency_code"], "EUR");
        let (units, nanos) = (m["units"].as_i64().unwrap(), m["nanos"].as_i64().unwrap());
        assert!(nanos.abs() < 1_000_000_000, "{m}");
        assert!(units.signum() * nanos.signum() >= 0, "one sign: {m}");
    }
}

// ------------------------------------------------------------------------------------------
// Prices
// ------------------------------------------------------------------------------------------

#[tokio::test]
async fn elastic_metal_offers_are_hourly_by_default_monthly_when_asked_and_carry_the_servers() {
    let s = start_fleet(&["fr-par-1"], 1, 60).await;
    let list = path(Resource::ElasticMetalOffer, "fr-par-1");
    let hourly = get(s.addr, &list).await.json()["offers"]
        .as_array()
        .unwrap()
        .clone();
    let also_hourly = get(
        s.addr,
        &format!("{list}?subscription_period=unknown_subscription_period"),
    )
    .await
    .json();
    assert_eq!(also_hourly["offers"].as_array().unwrap(), &hourly);
    let monthly = get(s.addr, &format!("{list}?subscription_period=monthly"))
        .await
        .json()["offers"]
        .as_array()
        .unwrap()
        .clone();
    let monthly_ids: HashMap<&str, &str> = monthly
        .iter()
        .map(|o| (o["id"].as_str().unwrap(), o["name"].as_str().unwrap()))
        .collect();
    for o in &hourly {
        assert_eq!(o["subscription_period"], "hourly");
        assert!(
            o["price_per_hour"].is_object() && o["price_per_month"].is_null(),
            "{o}"
        );
        assert_eq!(o["fee"]["units"], 0);
        if let Some(twin) = o["monthly_offer_id"].as_str() {
            assert_eq!(monthly_ids[twin], o["name"], "twins share a name");
        }
    }
    for o in &monthly {
        assert!(
            o["price_per_hour"].is_null() && o["price_per_month"].is_object(),
            "{o}"
        );
        assert!(o["monthly_offer_id"].is_null());
    }
    let all: HashMap<&str, &Value> = hourly
        .iter()
        .chain(&monthly)
        .map(|o| (o["id"].as_str().unwrap(), o))
        .collect();
    let mut periods = BTreeSet::new();
    for id in s.sim.product_server_ids(Product::ElasticMetal, "fr-par-1") {
        let server = s
            .sim
            .product_server_json(Product::ElasticMetal, "fr-par-1", &id)
            .unwrap();
        let offer = all[server["offer_id"].as_str().unwrap()];
        assert_eq!(offer["name"], server["offer_name"]);
        periods.insert(offer["subscription_period"].as_str().unwrap().to_owned());
    }
    assert_eq!(
        periods,
        BTreeSet::from(["hourly".to_owned(), "monthly".to_owned()])
    );
}

#[tokio::test]
async fn dedibox_and_apple_silicon_servers_are_on_listed_offers_and_types() {
    let s = start_fleet(&["fr-par-1"], 1, 40).await;
    let offers = get(s.addr, &path(Resource::DediboxOffer, "fr-par-1"))
        .await
        .json();
    let offers: HashMap<u64, &Value> = offers["offers"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| (o["id"].as_u64().unwrap(), o))
        .collect();
    for id in s.sim.product_server_ids(Product::Dedibox, "fr-par-1") {
        let server = s
            .sim
            .product_server_json(Product::Dedibox, "fr-par-1", &id)
            .unwrap();
        let listed = offers[&server["offer"]["id"].as_u64().unwrap()];
        assert_eq!(listed["name"], server["offer"]["name"]);
        assert_eq!(listed["pricing"], server["offer"]["pricing"]);
    }
    let types = get(
        s.addr,
        &format!(
            "{}?page_size=1",
            path(Resource::AppleSiliconServerType, "fr-par-1")
        ),
    )
    .await;
    assert!(
        !types.text().contains("price"),
        "the API publishes no price"
    );
    let types = types.json();
    assert!(types.get("total_count").is_none());
    let names: BTreeSet<&str> = types["server_types"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["name"].as_str().unwrap())
        .collect();
    for id in s.sim.product_server_ids(Product::AppleSilicon, "fr-par-1") {
        let server = s
            .sim
            .product_server_json(Product::AppleSilicon, "fr-par-1", &id)
            .unwrap();
        assert!(
            names.contains(server["type"].as_str().unwrap()),
            "{}",
            server["type"]
        );
    }
}

#[tokio::test]
async fn a_zone_an_api_does_not_serve_answers_the_gateways_501() {
    let s = start_fleet(&["fr-par-1"], 1, 0).await;
    for (kind, zone) in [
        (Resource::ElasticMetalOffer, "fr-par-3"),
        (Resource::DediboxOffer, "nl-ams-2"),
        (Resource::AppleSiliconServerType, "nl-ams-1"),
    ] {
        let r = get(s.addr, &path(kind, zone)).await;
        assert_eq!(r.status, 501, "{kind:?} in {zone}");
        assert_eq!(r.text(), r#"{"message":"unknown service"}"#);
    }
    for kind in [Resource::BlockVolume, Resource::BlockVolumeType] {
        assert_eq!(
            get(s.addr, &path(kind, "it-mil-1")).await.status,
            200,
            "{kind:?}"
        );
    }
}

// ------------------------------------------------------------------------------------------
// Hooks
// ------------------------------------------------------------------------------------------

#[tokio::test]
async fn a_forbidden_or_failing_kind_answers_403_or_500_in_its_zone_only() {
    let s = start_fleet(&["fr-par-1", "nl-ams-1"], 10, 3).await;
    for kind in Resource::ALL {
        let zone = "fr-par-1";
        let list = path(kind, zone);
        let healthy = get(s.addr, &list).await;
        s.sim
            .set_resource_fault(kind, zone, Some(ReferenceFault::PermissionDenied));
        let denied = get(s.addr, &list).await;
        assert_eq!(denied.status, 403, "{kind:?}");
        assert_eq!(denied.json()["type"], "permissions_denied", "{kind:?}");
        assert_eq!(denied.json()["details"][0]["action"], "read", "{kind:?}");
        let other = if kind.serves("nl-ams-1") {
            "nl-ams-1"
        } else {
            "fr-par-3"
        };
        assert_eq!(
            get(s.addr, &path(kind, other)).await.status,
            200,
            "{kind:?}: another zone"
        );
        s.sim
            .set_resource_fault(kind, zone, Some(ReferenceFault::InternalError));
        let failed = get(s.addr, &list).await;
        assert_eq!(failed.status, 500, "{kind:?}");
        assert_eq!(failed.json()["type"], "server_error");
        s.sim.set_resource_fault(kind, zone, None);
        let healed = get(s.addr, &list).await;
        assert_eq!(healed.status, 200);
        assert_eq!(healed.body, healthy.body, "{kind:?} healed");
    }
    assert_eq!(
        get(s.addr, "/instance/v1/zones/fr-par-1/servers")
            .await
            .status,
        200
    );
}

#[tokio::test]
async fn an_inserted_item_is_served_as_given_and_requests_are_counted() {
    let s = start_fleet(&["fr-par-1"], 3, 1).await;
    for kind in Resource::ALL {
        let zone = "fr-par-1";
        let before = s.sim.resource_requests(kind);
        let item = serde_json::json!({
            "id": format!("raw-{}", kind.label()),
            "subscription_period": "hourly",
            "note": "naïve \"quoted\"",
        });
        let id = s.sim.insert_resource(kind, zone, item.clone());
        assert_eq!(id, format!("raw-{}", kind.label()));
        assert!(s.sim.resource_ids(kind, zone).contains(&id), "{kind:?}");
        let whole = read_whole(s.addr, kind, &path(kind, zone), 100).await;
        assert!(whole.items.contains(&item), "{kind:?}: served as given");
        assert_eq!(
            s.sim.resource_requests(kind),
            before + whole.pages as u64,
            "{kind:?}"
        );
    }
}
