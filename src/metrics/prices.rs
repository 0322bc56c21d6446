//! The families of what the fleet costs (docs/design.md#prices-and-the-bill): the prices of
//! what its servers and volumes use, as published, each with its currency; which subscription
//! each Elastic Metal server is on; and this month's bill per project and category. Prices
//! are written exactly as the API's integer units and nanos say (`0.077`, never a float's
//! approximation of it), and only for what the fleet uses. Pure, like the others.

use std::collections::BTreeSet;

use super::descriptors::{per_server, Descriptor, Kind};
use super::writer::Writer;
use crate::inventory::{
    Bill, DediboxDetail, ElasticMetalDetail, Items, OfferPrice, PriceItems, Snapshot,
};
use crate::product::{PriceList, Product, Resource};

const PUBLISHED: &str = " Read at most hourly; only what a server or a volume of the zone uses.";

pub const EM_HOURLY: Descriptor<3> = Descriptor {
    name: "scaleway_elastic_metal_offer_hourly_price",
    help: const_format::concatcp!(
        "Price of the Elastic Metal offer billed by the hour, per hour, in its currency.",
        PUBLISHED
    ),
    kind: Kind::Gauge,
    labels: &["zone", "offer_name", "currency"],
};
pub const EM_MONTHLY: Descriptor<3> = Descriptor {
    name: "scaleway_elastic_metal_offer_monthly_price",
    help: const_format::concatcp!(
        "Price of the Elastic Metal offer billed by the month, per month, in its currency.",
        PUBLISHED
    ),
    kind: Kind::Gauge,
    labels: &["zone", "offer_name", "currency"],
};
pub const EM_SUBSCRIPTION: Descriptor<4> = Descriptor {
    name: "scaleway_elastic_metal_server_subscription_info",
    help: "Which of its offer's prices the Elastic Metal server is billed by (hourly or monthly), value 1; no series when its offer is not among the zone's offers read. Cached from the last successful poll of its zone.",
    kind: Kind::Gauge,
    labels: &per_server(["subscription_period"]),
};
pub const DEDIBOX_PRICE: Descriptor<4> = Descriptor {
    name: "scaleway_dedibox_offer_price",
    help: const_format::concatcp!("Price of the Dedibox offer, per month (payment_frequency monthly) or once (oneshot), in its currency.", PUBLISHED),
    kind: Kind::Gauge,
    labels: &["zone", "offer_name", "payment_frequency", "currency"],
};
pub const BLOCK_VOLUME_PRICE: Descriptor<3> = Descriptor {
    name: "scaleway_block_volume_type_price_per_gigabyte_hour",
    help: const_format::concatcp!("Price of a Block Storage volume of the type, per GB (10^9 bytes) and hour, in its currency.", PUBLISHED),
    kind: Kind::Gauge,
    labels: &["zone", "type", "currency"],
};
pub const BLOCK_SNAPSHOT_PRICE: Descriptor<3> = Descriptor {
    name: "scaleway_block_snapshot_price_per_gigabyte_hour",
    help: const_format::concatcp!("Price of a Block Storage snapshot of a volume of the type, per GB (10^9 bytes) and hour, in its currency.", PUBLISHED),
    kind: Kind::Gauge,
    labels: &["zone", "type", "currency"],
};
pub const BILL: Descriptor<4> = Descriptor {
    name: "scaleway_billing_consumption_euros",
    help: "What the project consumed in the category this month so far, in euros, as the bill says (billing_period is the month, YYYY-MM). Read at most hourly; rows in other currencies are left out.",
    kind: Kind::Gauge,
    labels: &["project_id", "project_name", "category", "billing_period"],
};

/// Every family of this module, in the order of the exposition.
pub const FAMILIES: &[super::AnyDescriptor] = &[
    EM_HOURLY.erase(),
    EM_MONTHLY.erase(),
    EM_SUBSCRIPTION.erase(),
    DEDIBOX_PRICE.erase(),
    BLOCK_VOLUME_PRICE.erase(),
    BLOCK_SNAPSHOT_PRICE.erase(),
    BILL.erase(),
];

pub(super) fn render(out: &mut Writer, snapshot: &Snapshot) {
    render_elastic_metal(out, snapshot);
    render_dedibox(out, snapshot);
    render_block(out, snapshot);
    render_bill(out, &snapshot.bill, snapshot);
}

/// A zone's offers of `list`, when read.
fn offers<'a>(snapshot: &'a Snapshot, list: PriceList, zone: &str) -> &'a [OfferPrice] {
    match snapshot.prices.get(&(list, zone.to_owned())) {
        Some(PriceItems::Offers(offers)) => offers,
        _ => &[],
    }
}

fn render_elastic_metal(out: &mut Writer, snapshot: &Snapshot) {
    let list = PriceList::ElasticMetalOffers;
    // The offers a zone's servers are on, by name (both of its prices are exported): the name
    // the server gives, or that of the offer its id names (a server may give no name).
    let used = |zone: &str| -> BTreeSet<&str> {
        let zone_offers = offers(snapshot, list, zone);
        snapshot
            .servers_with::<ElasticMetalDetail>()
            .filter(|(z, _, _)| *z == zone)
            .flat_map(|(_, s, d)| {
                let by_id = zone_offers
                    .iter()
                    .find(|o| !d.offer_id.is_empty() && o.id == d.offer_id)
                    .map(|o| o.name.as_str());
                [Some(s.server_type.as_str()), by_id]
            })
            .flatten()
            .collect()
    };
    for (family, period) in [
        (&EM_HOURLY, crate::inventory::Period::Hour),
        (&EM_MONTHLY, crate::inventory::Period::Month),
    ] {
        out.family(family);
        for (zone, _) in snapshot.zones_of(Product::ElasticMetal) {
            let used = used(zone);
            for offer in offers(snapshot, list, zone) {
                if offer.period == period && used.contains(offer.name.as_str()) {
                    let labels = [zone, &offer.name, &offer.price.currency_code];
                    out.sample(family, labels, &offer.price);
                }
            }
        }
    }
    out.family(&EM_SUBSCRIPTION);
    for (zone, s, d) in snapshot.servers_with::<ElasticMetalDetail>() {
        let offer = offers(snapshot, list, zone)
            .iter()
            .find(|o| !d.offer_id.is_empty() && o.id == d.offer_id);
        if let Some(offer) = offer {
            let labels = [zone, s.id.as_str(), &s.name, offer.period.label()];
            out.sample(&EM_SUBSCRIPTION, labels, 1);
        }
    }
}

fn render_dedibox(out: &mut Writer, snapshot: &Snapshot) {
    out.family(&DEDIBOX_PRICE);
    for (zone, _) in snapshot.zones_of(Product::Dedibox) {
        let used: Vec<(&str, &str)> = snapshot
            .servers_with::<DediboxDetail>()
            .filter(|(z, _, _)| *z == zone)
            .map(|(_, s, d)| (d.offer_id.as_str(), s.server_type.as_str()))
            .collect();
        for offer in offers(snapshot, PriceList::DediboxOffers, zone) {
            let uses = |(id, name): &(&str, &str)| {
                if id.is_empty() {
                    *name == offer.name
                } else {
                    *id == offer.id
                }
            };
            if used.iter().any(uses) {
                let labels = [
                    zone,
                    offer.name.as_str(),
                    offer.period.label(),
                    &offer.price.currency_code,
                ];
                out.sample(&DEDIBOX_PRICE, labels, &offer.price);
            }
        }
    }
}

/// The volume types the zone's Block volumes and snapshots use.
fn block_types_used<'a>(
    snapshot: &'a Snapshot,
    zone: &str,
) -> (BTreeSet<&'a str>, BTreeSet<&'a str>) {
    let (mut volumes, mut snapshots) = (BTreeSet::new(), BTreeSet::new());
    let Some(state) = snapshot.zone(Product::Instance, zone) else {
        return (volumes, snapshots);
    };
    for (resource, read) in &state.resources {
        match (resource, read.items.as_ref()) {
            (Resource::BlockVolumes, Items::Volumes(items)) => {
                volumes.extend(items.iter().map(|v| v.volume_type.as_str()));
            }
            (Resource::BlockSnapshots, Items::Snapshots(items)) => {
                snapshots.extend(items.iter().map(|s| s.snapshot_type.as_str()));
            }
            _ => {}
        }
    }
    (volumes, snapshots)
}

fn render_block(out: &mut Writer, snapshot: &Snapshot) {
    let each = || {
        snapshot
            .zones_of(Product::Instance)
            .filter_map(|(zone, _)| {
                match snapshot
                    .prices
                    .get(&(PriceList::BlockVolumeTypes, zone.to_owned()))
                {
                    Some(PriceItems::VolumeTypes(types)) => Some((zone, types)),
                    _ => None,
                }
            })
    };
    out.family(&BLOCK_VOLUME_PRICE);
    for (zone, types) in each() {
        let (used, _) = block_types_used(snapshot, zone);
        for t in types
            .iter()
            .filter(|t| used.contains(t.volume_type.as_str()))
        {
            if let Some(price) = &t.volume {
                let labels = [zone, t.volume_type.as_str(), &price.currency_code];
                out.sample(&BLOCK_VOLUME_PRICE, labels, price);
            }
        }
    }
    out.family(&BLOCK_SNAPSHOT_PRICE);
    for (zone, types) in each() {
        let (_, used) = block_types_used(snapshot, zone);
        for t in types
            .iter()
            .filter(|t| used.contains(t.volume_type.as_str()))
        {
            if let Some(price) = &t.snapshot {
                let labels = [zone, t.volume_type.as_str(), &price.currency_code];
                out.sample(&BLOCK_SNAPSHOT_PRICE, labels, price);
            }
        }
    }
}

fn render_bill(out: &mut Writer, bill: &Bill, snapshot: &Snapshot) {
    out.family(&BILL);
    for ((project_id, category), nanos) in &bill.euros {
        let name = snapshot
            .projects
            .iter()
            .find(|p| &p.id == project_id)
            .map_or("", |p| p.name.as_str());
        let labels = [project_id.as_str(), name, category, &bill.period];
        out.sample(&BILL, labels, Bill::amount(*nanos));
    }
}
