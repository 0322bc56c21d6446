//! Dedibox offers (`/dedibox/v1 …/offers`), the SDK's `Offer` (never recorded): integer ids,
//! `pricing`, `server_info` for a server, the failover IP offer's `failover_ip_info`.

use std::collections::BTreeMap;

use serde::Serialize;

use super::{stock, MetalMemory};
use crate::json::compact;
use crate::prices::{DediboxOffer, Money, DEDIBOX_FAILOVER_IP, DEDIBOX_OFFERS, FREE};
use crate::products::dedibox_datacenters;
use crate::resources::store::Listed;

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
pub(super) fn dedibox_offers(zone: &str) -> Vec<Listed> {
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
