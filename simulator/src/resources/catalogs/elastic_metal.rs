//! Elastic Metal offers (`/baremetal/v1 …/offers`): an offer sold both ways is two offers, the
//! hourly one pointing at its monthly twin (`monthly_offer_id`); exactly one of `price_per_hour`
//! and `price_per_month` is set; a monthly offer's `fee` is one month. Keys in the recorded order.

use serde::Serialize;

use super::{stock, MetalMemory};
use crate::json::compact;
use crate::prices::{MetalOffer, MetalOptionKind, Money, FREE, METAL_OFFERS, METAL_OPTIONS};
use crate::resources::store::Listed;

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
pub(super) fn metal_offers(zone: &str) -> Vec<Listed> {
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
