//! Every list beside the servers, over real TCP: each pages as its API pages, has the keys and
//! types of the recorded bodies (or of the SDK where none is recorded), writes money as units
//! and nanos of one sign, agrees with the servers it names, and answers a test's 403 or 500
//! where and only where it was set.

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
/// the Instance API by following `Link: rel="next"`, the others until `total_count` items
/// were seen, an unpaged list in one read.
async fn read_whole(addr: SocketAddr, kind: Resource, list: &str, size: u64) -> Whole {
    let sep = if list.contains('?') { '&' } else { '?' };
    let instance = list.starts_with("/instance/");
    let size_name = if instance { "per_page" } else { "page_size" };
    let mut whole = Whole {
        items: Vec::new(),
        totals: BTreeSet::new(),
        pages: 0,
    };
    let key = kind_key(kind);
    for page in 1.. {
        let r = get(addr, &format!("{list}{sep}page={page}&{size_name}={size}")).await;
        assert_eq!(r.status, 200, "{list}: {}", r.text());
        let body = r.json();
        whole.pages += 1;
        whole
            .items
            .extend(body[key].as_array().unwrap().iter().cloned());
        let total = match r.header("x-total-count") {
            Some(total) => total.parse().unwrap(),
            None => body["total_count"]
                .as_u64()
                .unwrap_or(whole.items.len() as u64),
        };
        whole.totals.insert(total);
        let more = match r.header("link") {
            Some(link) => link.contains("rel=\"next\""),
            None => body.get("total_count").is_some() && (whole.items.len() as u64) < total,
        };
        if !more {
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
        Resource::BlockVolume | Resource::InstanceVolume => "volumes",
        Resource::BlockSnapshot | Resource::InstanceSnapshot => "snapshots",
        Resource::BlockVolumeType => "volume_types",
        Resource::InstanceIp => "ips",
        Resource::FlexibleIp => "flexible_ips",
        Resource::ElasticMetalOffer | Resource::DediboxOffer => "offers",
        Resource::AppleSiliconServerType => "server_types",
        Resource::BillingConsumption => "consumptions",
    }
}

/// The zone a kind is read in by these tests (`""` for the bill).
fn zone_of(kind: Resource) -> &'static str {
    match kind {
        Resource::BillingConsumption => "",
        _ => "fr-par-1",
    }
}

/// An item's id as its list writes it (a bill row has none: its `sku`).
fn id_of(item: &Value) -> String {
    match item
        .get("id")
        .or_else(|| item.get("sku"))
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
        let zone = zone_of(kind);
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

#[tokio::test]
async fn instance_lists_page_with_their_own_default_size_and_the_recorded_link() {
    let s = start_fleet(&["fr-par-1"], 150, 0).await;
    for (kind, default) in [
        (Resource::InstanceIp, 50),
        (Resource::InstanceVolume, 100),
        (Resource::InstanceSnapshot, 50),
    ] {
        let r = get(s.addr, &path(kind, "fr-par-1")).await;
        let total: usize = r.header("x-total-count").unwrap().parse().unwrap();
        let shown = r.json()[kind_key(kind)].as_array().unwrap().len();
        assert_eq!(shown, total.min(default), "{kind:?}");
        let root = kind.path().rsplit('/').next().unwrap();
        let last = total.div_ceil(default);
        let link = r.header("link").unwrap();
        assert!(
            link.ends_with(&format!(
                "</{root}?page={last}&per_page={default}&>; rel=\"last\""
            )),
            "{kind:?}: {link}"
        );
        assert!(
            r.text()
                .starts_with(&format!("{{\"{}\": [", kind_key(kind))),
            "spaced"
        );
        assert!(
            r.json().get("total_count").is_none(),
            "the total is a header"
        );
    }
    for kind in [
        Resource::BlockSnapshot,
        Resource::FlexibleIp,
        Resource::DediboxOffer,
    ] {
        let r = get(s.addr, &path(kind, "fr-par-1")).await;
        assert_eq!(r.header("x-total-count"), None, "{kind:?}");
        assert_eq!(r.header("link"), None, "{kind:?}");
        assert!(r.json()["total_count"].is_u64(), "{kind:?}");
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
            // Instance get-one bodies come in an envelope named after the resource.
            _ => items.push(body.get("volume").cloned().unwrap_or(body)),
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
        (Resource::InstanceIp, "leftovers", "real-ip-0"),
        (Resource::InstanceVolume, "leftovers", "real-vol-0"),
        (Resource::InstanceSnapshot, "leftovers", "real-inst-snap-"),
        (Resource::BlockVolume, "leftovers", "real-blk-vol-0"),
        (Resource::BlockSnapshot, "leftovers", "real-blk-snap-"),
        (Resource::FlexibleIp, "leftovers", "real-fip-"),
        (Resource::ElasticMetalOffer, "prices", "real-bm-offer-"),
        (Resource::AppleSiliconServerType, "prices", "real-as-types-"),
        (Resource::BillingConsumption, "billing", "real-billing-01"),
    ];
    for (kind, folder, prefix) in cases {
        let Some(real) = recorded(folder, prefix, kind_key(kind)) else {
            println!("note: SCALEWAY_API_CORPUS unset: shapes are not compared");
            return;
        };
        let zone = zone_of(kind);
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
        bodies.push(get(s.addr, &path(kind, zone_of(kind))).await.json());
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
// Consistency with the servers
// ------------------------------------------------------------------------------------------

/// Every Instance server of a zone, by id.
async fn servers(addr: SocketAddr, zone: &str) -> HashMap<String, Value> {
    let whole = read_whole_servers(addr, zone).await;
    whole
        .into_iter()
        .map(|s| (s["id"].as_str().unwrap().to_owned(), s))
        .collect()
}

async fn read_whole_servers(addr: SocketAddr, zone: &str) -> Vec<Value> {
    let mut out = Vec::new();
    for page in 1.. {
        let r = get(
            addr,
            &format!("/instance/v1/zones/{zone}/servers?page={page}&per_page=100"),
        )
        .await;
        let list = r.json()["servers"].as_array().unwrap().clone();
        if list.is_empty() {
            return out;
        }
        out.extend(list);
    }
    out
}

/// Whether an IP of the list is the public IP `public` of a server: the same id, and the
/// same address (an IPv6 the `/64` that holds it).
fn same_ip(ip: &Value, public: &Value) -> bool {
    let address = public["address"].as_str().unwrap();
    ip["id"] == public["id"]
        && match ip["prefix"].as_str() {
            Some(prefix) => address.starts_with(prefix.trim_end_matches("/64")),
            None => ip["address"].as_str() == Some(address),
        }
}

#[tokio::test]
async fn every_attached_ip_and_volume_is_one_its_server_lists() {
    let s = start_fleet(&["fr-par-1", "nl-ams-1"], 120, 0).await;
    for zone in ["fr-par-1", "nl-ams-1"] {
        let servers = servers(s.addr, zone).await;
        let ips = all(s.addr, Resource::InstanceIp, zone).await;
        for ip in ips.iter().filter(|ip| !ip["server"].is_null()) {
            let server = &servers[ip["server"]["id"].as_str().unwrap()];
            assert_eq!(ip["server"]["name"], server["name"]);
            assert!(
                server["public_ips"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .any(|p| same_ip(ip, p)),
                "{ip}"
            );
        }
        // And the other way round: every public IP of a server is listed, attached to it.
        for server in servers.values() {
            for public in server["public_ips"].as_array().unwrap() {
                let listed = ips.iter().find(|ip| same_ip(ip, public)).expect("listed");
                assert_eq!(listed["server"]["id"], server["id"]);
                assert_eq!(listed["state"], "attached");
            }
        }
        let volumes = all(s.addr, Resource::InstanceVolume, zone).await;
        for volume in &volumes {
            let Some(owner) = volume["server"]["id"].as_str() else {
                assert_eq!(volume["state"], "available");
                continue;
            };
            let entries = servers[owner]["volumes"].as_object().unwrap();
            let entry = entries
                .values()
                .find(|v| v["id"] == volume["id"])
                .expect("the server lists it");
            for key in ["name", "size", "volume_type", "creation_date"] {
                assert_eq!(entry[key], volume[key], "{key}");
            }
        }
        let attached = volumes.iter().filter(|v| !v["server"].is_null()).count();
        let local = servers
            .values()
            .flat_map(|s| s["volumes"].as_object().unwrap().values())
            .filter(|v| matches!(v["volume_type"].as_str(), Some("l_ssd" | "b_ssd")))
            .count();
        assert_eq!(
            attached, local,
            "every l_ssd and b_ssd of a server is listed"
        );
        assert!(volumes.len() > attached, "and some nobody holds");
    }
}

#[tokio::test]
async fn flexible_ips_and_snapshots_name_what_exists() {
    let s = start_fleet(&["fr-par-1"], 80, 9).await;
    let metal: BTreeSet<String> = s
        .sim
        .product_server_ids(Product::ElasticMetal, "fr-par-1")
        .into_iter()
        .collect();
    let fips = all(s.addr, Resource::FlexibleIp, "fr-par-1").await;
    let attached: Vec<&Value> = fips.iter().filter(|f| !f["server_id"].is_null()).collect();
    assert_eq!(attached.len(), 3, "one in three of the 9 servers");
    for fip in &fips {
        let on = fip["server_id"].as_str();
        assert_eq!(
            fip["status"],
            if on.is_some() { "attached" } else { "ready" }
        );
        assert!(on.is_none_or(|id| metal.contains(id)), "{fip}");
        let address = fip["ip_address"].as_str().unwrap();
        assert!(
            address.ends_with("::/64") || address.parse::<std::net::Ipv4Addr>().is_ok(),
            "{address}"
        );
    }
    let blocks: BTreeSet<String> = s
        .sim
        .resource_ids(Resource::BlockVolume, "fr-par-1")
        .into_iter()
        .collect();
    let snapshots = all(s.addr, Resource::BlockSnapshot, "fr-par-1").await;
    assert!(snapshots.iter().any(|s| s["parent_volume"].is_null()));
    assert!(snapshots.iter().any(|s| s["status"] == "in_use"));
    for snapshot in &snapshots {
        if let Some(parent) = snapshot["parent_volume"]["id"].as_str() {
            assert!(blocks.contains(parent), "{snapshot}");
        }
        let linked = snapshot["references"]
            .as_array()
            .unwrap()
            .iter()
            .any(|r| r["product_resource_type"] == "instance_image");
        assert_eq!(linked, snapshot["status"] == "in_use");
    }
}

#[tokio::test]
async fn a_terminated_server_leaves_its_static_ips_detached_and_takes_its_local_volumes() {
    let s = start_fleet(&["fr-par-1"], 120, 0).await;
    let servers = read_whole_servers(s.addr, "fr-par-1").await;
    let doomed = servers
        .iter()
        .find(|s| {
            s["state"] == "running"
                && s["public_ips"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .any(|ip| ip["dynamic"] == false)
                && s["volumes"]
                    .as_object()
                    .unwrap()
                    .values()
                    .any(|v| v["volume_type"] == "l_ssd")
        })
        .expect("a running server with a static IP and a local volume");
    let id = doomed["id"].as_str().unwrap();
    let r = act(s.addr, "fr-par-1", id, "terminate").await;
    assert_eq!(r.status, 202);
    s.sim.advance_clock(TRANSITION);
    let ips = s.sim.resources(Resource::InstanceIp, "fr-par-1");
    for public in doomed["public_ips"].as_array().unwrap() {
        let listed = ips.iter().find(|ip| ip["id"] == public["id"]);
        match public["dynamic"].as_bool().unwrap() {
            true => assert!(listed.is_none(), "a dynamic IP is released"),
            false => {
                let ip = listed.expect("a static IP stays");
                assert!(ip["server"].is_null());
                assert_eq!(ip["state"], "detached");
            }
        }
    }
    let volumes = s.sim.resource_ids(Resource::InstanceVolume, "fr-par-1");
    for v in doomed["volumes"].as_object().unwrap().values() {
        assert!(
            !volumes.contains(&v["id"].as_str().unwrap().to_owned()),
            "{v}"
        );
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
        (Resource::FlexibleIp, "pl-waw-1"),
        (Resource::ElasticMetalOffer, "fr-par-3"),
        (Resource::DediboxOffer, "nl-ams-2"),
        (Resource::AppleSiliconServerType, "nl-ams-1"),
    ] {
        let r = get(s.addr, &path(kind, zone)).await;
        assert_eq!(r.status, 501, "{kind:?} in {zone}");
        assert_eq!(r.text(), r#"{"message":"unknown service"}"#);
    }
    for kind in [
        Resource::InstanceIp,
        Resource::BlockSnapshot,
        Resource::BlockVolumeType,
    ] {
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
        let zone = zone_of(kind);
        let list = path(kind, zone);
        let healthy = get(s.addr, &list).await;
        s.sim
            .set_resource_fault(kind, zone, Some(ReferenceFault::PermissionDenied));
        let denied = get(s.addr, &list).await;
        assert_eq!(denied.status, 403, "{kind:?}");
        assert_eq!(denied.json()["type"], "permissions_denied", "{kind:?}");
        assert_eq!(denied.json()["details"][0]["action"], "read", "{kind:?}");
        if kind.is_zoned() {
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
        }
        s.sim
            .set_resource_fault(kind, zone, Some(ReferenceFault::InternalError));
        let failed = get(s.addr, &list).await;
        assert_eq!(failed.status, 500, "{kind:?}");
        assert_eq!(failed.json()["type"], "server_error");
        s.sim.set_resource_fault(kind, zone, None);
        let healed = get(s.addr, &list).await;
        assert_eq!(healed.status, 200);
        if kind != Resource::BillingConsumption {
            assert_eq!(healed.body, healthy.body, "{kind:?} healed");
        }
    }
    assert_eq!(
        get(s.addr, "/instance/v1/zones/fr-par-1/servers")
            .await
            .status,
        200
    );
}

#[tokio::test]
async fn the_instance_api_and_block_storage_refuse_in_their_own_recorded_words() {
    let s = start_fleet(&["fr-par-1"], 3, 0).await;
    for (kind, body) in [
        (
            Resource::InstanceIp,
            r#"{"message": "insufficient permissions", "type": "permissions_denied", "details": [{"resource": "compute_ips", "action": "read"}]}"#,
        ),
        (
            Resource::BlockSnapshot,
            r#"{"details":[{"action":"read","resource":"snapshot"}],"message":"insufficient permissions","type":"permissions_denied"}"#,
        ),
    ] {
        let denied = Some(ReferenceFault::PermissionDenied);
        s.sim.set_resource_fault(kind, "fr-par-1", denied);
        assert_eq!(get(s.addr, &path(kind, "fr-par-1")).await.text(), body);
    }
}

#[tokio::test]
async fn an_inserted_item_is_served_as_given_and_requests_are_counted() {
    let s = start_fleet(&["fr-par-1"], 3, 1).await;
    for kind in Resource::ALL {
        let zone = zone_of(kind);
        let before = s.sim.resource_requests(kind);
        let item = serde_json::json!({
            "id": format!("raw-{}", kind.label()),
            "sku": format!("raw-{}", kind.label()),
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
    let ips = get(s.addr, &path(Resource::InstanceIp, "fr-par-1"))
        .await
        .json();
    assert_eq!(
        ips["ips"][0]["id"], "raw-instance-ip",
        "at the top of an Instance list"
    );
}

// ------------------------------------------------------------------------------------------
// The demo
// ------------------------------------------------------------------------------------------

/// Days between an API date (either form) and now.
fn age_in_days(date: &str) -> i64 {
    let then = chrono::DateTime::parse_from_rfc3339(date).unwrap();
    (chrono::Utc::now() - then.to_utc()).num_days()
}

#[tokio::test]
async fn the_demo_fleet_leaves_volumes_ips_and_snapshots_behind_in_every_zone() {
    // The demo's own configuration: three zones, 40 servers and 3 of each product in each.
    let s = start_fleet(&["fr-par-1", "nl-ams-1", "pl-waw-1"], 40, 3).await;
    for zone in ["fr-par-1", "nl-ams-1", "pl-waw-1"] {
        let blocks = s.sim.resources(Resource::BlockVolume, zone);
        let detached: Vec<i64> = blocks
            .iter()
            .filter(|v| v["status"] == "available")
            .filter_map(|v| v["last_detached_at"].as_str().map(age_in_days))
            .collect();
        assert!(
            detached.iter().any(|&d| (0..=21).contains(&d)),
            "{zone}: detached days to weeks ago: {detached:?}"
        );
        let ips = s.sim.resources(Resource::InstanceIp, zone);
        assert!(
            ips.iter().filter(|ip| ip["server"].is_null()).count() >= 2,
            "{zone}: unattached IPs"
        );
        let volumes = s.sim.resources(Resource::InstanceVolume, zone);
        assert!(
            volumes.iter().any(|v| v["server"].is_null()),
            "{zone}: an unattached Instance volume"
        );
        let snapshots: Vec<i64> = s
            .sim
            .resources(Resource::BlockSnapshot, zone)
            .iter()
            .map(|s| age_in_days(s["created_at"].as_str().unwrap()))
            .chain(
                s.sim
                    .resources(Resource::InstanceSnapshot, zone)
                    .iter()
                    .map(|s| age_in_days(s["creation_date"].as_str().unwrap())),
            )
            .collect();
        assert!(
            snapshots.iter().any(|&d| d > 90) && snapshots.iter().any(|&d| d < 90),
            "{zone}: {snapshots:?}"
        );
        assert!(
            snapshots.iter().all(|&d| (1..=366).contains(&d)),
            "{zone}: {snapshots:?}"
        );
    }
}
