//! The catalogs, a pure function of their zone: Elastic Metal offers (`/baremetal/v1 …/offers`),
//! Dedibox offers (`/dedibox/v1 …/offers`), Apple silicon server types (`/apple-silicon/v1alpha1
//! …/server-types`) and Block volume types, priced from `crate::prices`.
//!
//! Elastic Metal: an offer sold both ways is two offers, the hourly one pointing at its
//! monthly twin (`monthly_offer_id`); exactly one of `price_per_hour` and `price_per_month` is
//! set; a monthly offer's `fee` is one month. Keys in the recorded order. Dedibox: the SDK's
//! `Offer` (never recorded): integer ids, `pricing`, `server_info` for a server, the failover
//! IP offer's `failover_ip_info`. Apple silicon: the recorded shape, no price.

use std::collections::BTreeMap;

use serde::Serialize;

use super::store::Listed;
use super::{block, Resource};
use crate::json::{compact, fnv1a};
use crate::prices::{
    DediboxOffer, MetalOffer, MetalOptionKind, Money, DEDIBOX_FAILOVER_IP, DEDIBOX_OFFERS, FREE,
    METAL_OFFERS, METAL_OPTIONS,
};
use crate::products::{dedibox_datacenters, AppleSiliconOs};

/// The list of a catalog kind in `zone` (empty for a kind that is not a catalog).
pub(crate) fn catalog(kind: Resource, zone: &str) -> Vec<Listed> {
    match kind {
        Resource::BlockVolumeType => block::volume_types(zone),
        Resource::ElasticMetalOffer => metal_offers(zone),
        Resource::DediboxOffer => dedibox_offers(zone),
        Resource::AppleSiliconServerType => server_types(),
        _ => Vec::new(),
    }
}

/// A stock level of an item in a zone: mostly some, sometimes low or none, the same for a
/// given zone and item.
fn stock<'a>(zone: &str, item: &str, levels: [&'a str; 3]) -> &'a str {
    match fnv1a(&format!("{zone}/{item}")) % 6 {
        0 => levels[2],
        1 => levels[1],
        _ => levels[0],
    }
}

// ------------------------------------------------------------------------------------------
// Elastic Metal
// ------------------------------------------------------------------------------------------

#[derive(Serialize)]
struct MetalOfferBody<'a> {
    id: &'a str,
    name: &'a str,
    stock: &'a str,
    bandwidth: u64,
    max_bandwidth: u64,
    commercial_range: &'a str,
    disks: Vec<MetalDisk>,
    enable: bool,
    cpus: [MetalCpu; 1],
    memories: [MetalMemory; 1],
    quota_name: String,
    price_per_hour: Option<Money>,
    price_per_month: Option<Money>,
    persistent_memories: [(); 0],
    raid_controllers: [(); 0],
    incompatible_os_ids: [(); 0],
    subscription_period: &'static str,
    operation_path: &'static str,
    fee: Money,
    options: Vec<OptionBody>,
    private_bandwidth: u64,
    shared_bandwidth: bool,
    tags: &'static [&'static str],
    gpus: [(); 0],
    monthly_offer_id: Option<&'a str>,
    zone: &'a str,
}

#[derive(Serialize)]
struct MetalDisk {
    capacity: u64,
    #[serde(rename = "type")]
    kind: &'static str,
}

#[derive(Serialize)]
struct MetalCpu {
    name: &'static str,
    core_count: u32,
    thread_count: u32,
    frequency: u32,
    benchmark: String,
}

#[derive(Serialize)]
struct MetalMemory {
    capacity: u64,
    #[serde(rename = "type")]
    kind: &'static str,
    frequency: u32,
    is_ecc: bool,
}

/// An option as an offer lists it: one of its kinds' objects is set.
#[derive(Serialize)]
struct OptionBody {
    id: &'static str,
    name: &'static str,
    price: Money,
    enabled: bool,
    subscription_period: &'static str,
    manageable: bool,
    os_id: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    license: Option<OsRef>,
    #[serde(skip_serializing_if = "Option::is_none")]
    public_bandwidth: Option<Bandwidth>,
    #[serde(skip_serializing_if = "Option::is_none")]
    private_network: Option<Bandwidth>,
    #[serde(skip_serializing_if = "Option::is_none")]
    remote_access: Option<Empty>,
    #[serde(skip_serializing_if = "Option::is_none")]
    certification: Option<Empty>,
}

#[derive(Serialize)]
struct OsRef {
    os_id: &'static str,
}

#[derive(Serialize)]
struct Bandwidth {
    bandwidth_in_bps: u64,
}

#[derive(Serialize)]
struct Empty {}

/// The os id an option that is no licence carries.
const NO_OS: &str = "00000000-0000-0000-0000-000000000000";

fn options() -> Vec<OptionBody> {
    METAL_OPTIONS
        .iter()
        .map(|o| {
            let mut body = OptionBody {
                id: o.id,
                name: o.name,
                price: o.price,
                enabled: false,
                subscription_period: if o.monthly { "monthly" } else { "hourly" },
                manageable: !o.monthly,
                os_id: NO_OS,
                license: None,
                public_bandwidth: None,
                private_network: None,
                remote_access: None,
                certification: None,
            };
            match o.kind {
                MetalOptionKind::PrivateNetwork(bps) => {
                    body.private_network = Some(Bandwidth {
                        bandwidth_in_bps: bps,
                    });
                }
                MetalOptionKind::PublicBandwidth(bps) => {
                    body.public_bandwidth = Some(Bandwidth {
                        bandwidth_in_bps: bps,
                    });
                }
                MetalOptionKind::RemoteAccess => body.remote_access = Some(Empty {}),
                MetalOptionKind::Certification => body.certification = Some(Empty {}),
                MetalOptionKind::License(os_id) => {
                    body.os_id = os_id;
                    body.license = Some(OsRef { os_id });
                }
            }
            body
        })
        .collect()
}

/// One of an offer's two ways of being sold.
fn metal_offer_body<'a>(
    offer: &'a MetalOffer,
    zone: &'a str,
    (id, price): (&'a str, Money),
    monthly: bool,
) -> MetalOfferBody<'a> {
    let (count, capacity, disk_type) = offer.disks;
    let (cpu, cores, threads, mhz) = offer.cpu;
    MetalOfferBody {
        id,
        name: offer.name,
        stock: stock(zone, offer.name, ["available", "low", "empty"]),
        bandwidth: offer.bandwidth,
        max_bandwidth: offer.bandwidth.max(1_000_000_000) * 10,
        commercial_range: offer.range,
        disks: (0..count)
            .map(|_| MetalDisk {
                capacity,
                kind: disk_type,
            })
            .collect(),
        enable: true,
        cpus: [MetalCpu {
            name: cpu,
            core_count: cores,
            thread_count: threads,
            frequency: mhz,
            benchmark: (threads * mhz / 4).to_string(),
        }],
        memories: [MetalMemory {
            capacity: offer.memory.0,
            kind: offer.memory.1,
            frequency: if offer.memory.1 == "DDR3" { 1600 } else { 3200 },
            is_ecc: true,
        }],
        quota_name: offer.name.replace('-', "_"),
        price_per_hour: (!monthly).then_some(price),
        price_per_month: monthly.then_some(price),
        persistent_memories: [],
        raid_controllers: [],
        incompatible_os_ids: [],
        subscription_period: if monthly { "monthly" } else { "hourly" },
        operation_path: "",
        fee: if monthly { price } else { FREE },
        options: options(),
        private_bandwidth: 1_000_000_000,
        shared_bandwidth: true,
        tags: if disk_type == "NVMe" {
            &["install-system-v2", "cloud-init"]
        } else {
            &[]
        },
        gpus: [],
        monthly_offer_id: offer.monthly.filter(|_| !monthly).map(|(id, _)| id),
        zone,
    }
}

/// Every offer of the zone, each way it is sold, cheapest first in each.
fn metal_offers(zone: &str) -> Vec<Listed> {
    let mut out = Vec::new();
    for monthly in [false, true] {
        let mut priced: Vec<(i128, Listed)> = METAL_OFFERS
            .iter()
            .filter_map(|offer| {
                let way = if monthly { offer.monthly } else { offer.hourly }?;
                let body = metal_offer_body(offer, zone, way, monthly);
                let item = Listed::new(way.0.to_owned(), compact(&body))
                    .with_facet(body.subscription_period);
                Some((way.1.total_nanos(), item))
            })
            .collect();
        priced.sort_by_key(|(price, _)| *price);
        out.extend(priced.into_iter().map(|(_, item)| item));
    }
    out
}

// ------------------------------------------------------------------------------------------
// Dedibox
// ------------------------------------------------------------------------------------------

/// The SDK's `Offer`: exactly one of the `…_info` objects says what is sold.
#[derive(Serialize)]
struct DediboxOfferBody {
    id: u64,
    name: String,
    catalog: &'static str,
    payment_frequency: &'static str,
    pricing: Money,
    offer_id: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    server_info: Option<ServerInfo>,
    #[serde(skip_serializing_if = "Option::is_none")]
    failover_ip_info: Option<FailoverIpInfo>,
}

/// The SDK's `OfferServerInfo`, in its field order.
#[derive(Serialize)]
struct ServerInfo {
    bandwidth: u64,
    stock: &'static str,
    commercial_range: &'static str,
    disks: Vec<DediboxDisk>,
    cpus: [DediboxCpu; 1],
    memories: [MetalMemory; 1],
    persistent_memories: [(); 0],
    raid_controllers: [RaidController; 1],
    available_options: [(); 0],
    rpn_version: Option<u32>,
    connectivity: u64,
    onetime_fees: Option<Box<DediboxOfferBody>>,
    stock_by_datacenter: BTreeMap<&'static str, &'static str>,
}

#[derive(Serialize)]
struct DediboxDisk {
    capacity: u64,
    #[serde(rename = "type")]
    kind: &'static str,
}

#[derive(Serialize)]
struct DediboxCpu {
    name: &'static str,
    core_count: u32,
    thread_count: u32,
    frequency: u32,
}

#[derive(Serialize)]
struct RaidController {
    model: &'static str,
    raid_level: [&'static str; 3],
}

#[derive(Serialize)]
struct FailoverIpInfo {
    onetime_fees: Option<Box<DediboxOfferBody>>,
}

/// A one-off fee, itself an offer paid once (`oneshot`); none when it is free.
fn setup_fee(id: u64, name: &str, pricing: Money) -> Option<Box<DediboxOfferBody>> {
    (pricing != FREE).then(|| {
        Box::new(DediboxOfferBody {
            id: id + 100_000,
            name: format!("{name} setup"),
            catalog: "default",
            payment_frequency: "oneshot",
            pricing,
            offer_id: None,
            server_info: None,
            failover_ip_info: None,
        })
    })
}

fn server_info(offer: &DediboxOffer, zone: &str) -> ServerInfo {
    let (count, capacity, kind) = offer.disks;
    let (name, core_count, thread_count, frequency) = offer.cpu;
    let levels = ["available", "low", "empty"];
    ServerInfo {
        bandwidth: 1_000_000_000,
        stock: stock(zone, offer.name, levels),
        commercial_range: offer.range,
        disks: (0..count).map(|_| DediboxDisk { capacity, kind }).collect(),
        cpus: [DediboxCpu {
            name,
            core_count,
            thread_count,
            frequency,
        }],
        memories: [MetalMemory {
            capacity: offer.memory.0,
            kind: offer.memory.1,
            frequency: 2400,
            is_ecc: offer.range != "start",
        }],
        persistent_memories: [],
        raid_controllers: [RaidController {
            model: "Software RAID",
            raid_level: ["raid0", "raid1", "raid5"],
        }],
        available_options: [],
        rpn_version: (offer.range == "pro").then_some(2),
        connectivity: 1_000_000_000,
        onetime_fees: setup_fee(offer.id, offer.name, Money::eur(offer.setup_euros, 0)),
        stock_by_datacenter: dedibox_datacenters(zone)
            .iter()
            .map(|dc| (*dc, stock(zone, &format!("{}/{dc}", offer.name), levels)))
            .collect(),
    }
}

/// The zone's server offers (the servers' among them) and its failover IP offer.
fn dedibox_offers(zone: &str) -> Vec<Listed> {
    let mut bodies: Vec<DediboxOfferBody> = DEDIBOX_OFFERS
        .iter()
        .map(|offer| DediboxOfferBody {
            id: offer.id,
            name: offer.name.to_owned(),
            catalog: "default",
            payment_frequency: "monthly",
            pricing: offer.pricing(),
            offer_id: None,
            server_info: Some(server_info(offer, zone)),
            failover_ip_info: None,
        })
        .collect();
    let (id, name, pricing, fee) = DEDIBOX_FAILOVER_IP;
    bodies.push(DediboxOfferBody {
        id,
        name: name.to_owned(),
        catalog: "default",
        payment_frequency: "monthly",
        pricing,
        offer_id: None,
        server_info: None,
        failover_ip_info: Some(FailoverIpInfo {
            onetime_fees: setup_fee(id, name, fee),
        }),
    });
    bodies
        .iter()
        .map(|b| Listed::new(b.id.to_string(), compact(b)))
        .collect()
}

// ------------------------------------------------------------------------------------------
// Apple silicon
// ------------------------------------------------------------------------------------------

#[derive(Serialize)]
struct ServerType {
    name: &'static str,
    cpu: AppleCpu,
    disk: Capacity,
    memory: Capacity,
    stock: &'static str,
    minimum_lease_duration: &'static str,
    default_os: AppleSiliconOs,
    gpu: Gpu,
    network: Network,
}

#[derive(Serialize)]
struct AppleCpu {
    name: &'static str,
    core_count: u32,
    frequency: u64,
}

#[derive(Serialize)]
struct Capacity {
    capacity: u64,
    #[serde(rename = "type")]
    kind: &'static str,
}

#[derive(Serialize)]
struct Gpu {
    count: u32,
}

#[derive(Serialize)]
struct Network {
    public_bandwidth_bps: u64,
    supported_bandwidth: Vec<u64>,
}

/// (name, chip, cores, GHz tenths, disk GB, memory GB, memory type, GPU cores, up to Gbps,
/// stock): the simulator's description of each type.
type TypeRow = (
    &'static str,
    &'static str,
    u32,
    u64,
    u64,
    u64,
    &'static str,
    u32,
    u64,
    &'static str,
);

const SERVER_TYPES: &[TypeRow] = &[
    (
        "M1-M",
        "Apple M1",
        8,
        32,
        256,
        8,
        "LPDDR4X",
        8,
        1,
        "high_stock",
    ),
    (
        "M2-M",
        "Apple M2",
        8,
        35,
        256,
        16,
        "LPDDR5",
        10,
        1,
        "high_stock",
    ),
    (
        "M2-L",
        "Apple M2 Pro",
        10,
        35,
        512,
        32,
        "LPDDR5",
        16,
        1,
        "low_stock",
    ),
    (
        "M4-S",
        "Apple M4",
        10,
        44,
        256,
        16,
        "LPDDR5X",
        10,
        1,
        "high_stock",
    ),
    (
        "M4-M",
        "Apple M4",
        10,
        44,
        512,
        24,
        "LPDDR5X",
        10,
        10,
        "high_stock",
    ),
    (
        "M4-L",
        "Apple M4 Pro",
        12,
        45,
        1024,
        48,
        "LPDDR5X",
        16,
        10,
        "low_stock",
    ),
    (
        "M4-XL",
        "Apple M4 Pro",
        14,
        45,
        2048,
        64,
        "LPDDR5X",
        20,
        10,
        "no_stock",
    ),
];

/// Every server type (those of the generated servers and `M4-XL`), the same in each zone.
fn server_types() -> Vec<Listed> {
    SERVER_TYPES
        .iter()
        .map(
            |&(ty, chip, cores, ghz10, disk, memory, memory_type, gpus, gbps, stock)| {
                let body = ServerType {
                    name: ty,
                    cpu: AppleCpu {
                        name: chip,
                        core_count: cores,
                        frequency: ghz10 * 100_000_000,
                    },
                    disk: Capacity {
                        capacity: disk * 1_000_000_000,
                        kind: "SSD",
                    },
                    memory: Capacity {
                        capacity: memory * 1_000_000_000,
                        kind: memory_type,
                    },
                    stock,
                    minimum_lease_duration: "86400s",
                    // The first image, Sequoia, the one every recorded type offers.
                    default_os: AppleSiliconOs::of(0),
                    gpu: Gpu { count: gpus },
                    network: Network {
                        public_bandwidth_bps: gbps * 1_000_000_000,
                        supported_bandwidth: (1..=gbps).map(|g| g * 1_000_000_000).collect(),
                    },
                };
                Listed::new(ty.to_owned(), compact(&body))
            },
        )
        .collect()
}
