//! The fleet as both views list it: one [`FleetRow`] per server, whatever its product.
//!
//! The table, the summary, the filters and the JSON read rows only, never a product's own
//! server type, except the JSON's product-specific fields ([`RowDetail`]). A product is
//! added here: a [`PRODUCTS`] entry, a [`RowDetail`] variant, and its servers in
//! [`fleet_rows`]; the filters, the summary and the table then show it unchanged.

use crate::api::Product;
use crate::inventory::{
    states, Address, ProductServer, Server, Snapshot, StateSince, Volume, ZoneState,
};

/// A product as the pages name it (the `product` label and `--scaleway.product` value),
/// with its states' labels and the one of them in which a server is up.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ProductInfo {
    pub product: Product,
    pub label: &'static str,
    /// Every state label of the product, in the order the legend and the form show them.
    pub states: &'static [&'static str],
    /// The state in which a server is up; any other is "not running" on the pages.
    pub up_state: &'static str,
}

const fn info(product: Product) -> ProductInfo {
    ProductInfo {
        product,
        label: product.label(),
        states: states(product),
        up_state: product.up_state(),
    }
}

/// The products the pages know, in the order they list them.
pub const PRODUCTS: [ProductInfo; 4] = [
    info(Product::Instance),
    info(Product::ElasticMetal),
    info(Product::AppleSilicon),
    info(Product::Dedibox),
];

/// The products the snapshot polls, in [`PRODUCTS`] order: the values `?product=` accepts,
/// and the products the legend and the form show.
pub fn polled_products(snapshot: &Snapshot) -> Vec<ProductInfo> {
    PRODUCTS
        .into_iter()
        .filter(|p| snapshot.enabled.get(&p.product).copied().unwrap_or(false))
        .collect()
}

/// Every state label of every polled product, each once, in [`PRODUCTS`] order: the values
/// `?state=` accepts.
pub fn state_labels(snapshot: &Snapshot) -> Vec<&'static str> {
    let mut labels: Vec<&'static str> = Vec::new();
    let products = polled_products(snapshot);
    for label in products.iter().flat_map(|p| p.states.iter().copied()) {
        if !labels.contains(&label) {
            labels.push(label);
        }
    }
    labels
}

/// One server of any product, as the table, the summary, the filters and the JSON see it.
#[derive(Debug, Clone, Copy)]
pub struct FleetRow<'a> {
    /// [`ProductInfo::label`].
    pub product: &'static str,
    pub zone: &'a str,
    pub id: &'a str,
    pub name: &'a str,
    /// The state's label, as the metrics spell it (`stopped in place`).
    pub state: &'static str,
    /// Whether `state` is the product's up state ([`ProductInfo::up_state`]).
    pub up: bool,
    /// The commercial type (Instances) or offer (the others).
    pub server_type: &'a str,
    /// Since when the server is in its state, as seen by this exporter.
    pub since: Option<StateSince>,
    pub tags: &'a [String],
    pub addresses: &'a [Address],
    /// Empty for a product whose servers list no volumes.
    pub volumes: &'a [Volume],
    /// The product's own fields, for the JSON.
    pub detail: RowDetail<'a>,
}

/// What a row's product has beyond the common fields.
#[derive(Debug, Clone, Copy)]
pub enum RowDetail<'a> {
    Instance(&'a Server),
    Other(&'a ProductServer),
}

/// Every server of the snapshot as a row, in no particular order.
pub fn fleet_rows(snapshot: &Snapshot) -> impl Iterator<Item = FleetRow<'_>> {
    snapshot.each_zone().flat_map(|(_, zone, state)| {
        let instances = state.servers.iter().map(move |s| instance_row(zone, s));
        let others = state.others.iter().map(move |s| product_row(zone, s));
        instances.chain(others)
    })
}

fn product_row<'a>(zone: &'a str, server: &'a ProductServer) -> FleetRow<'a> {
    FleetRow {
        product: server.product().label(),
        zone,
        id: &server.id,
        name: &server.name,
        state: server.state,
        up: server.is_up(),
        server_type: &server.server_type,
        since: server.state_since,
        tags: &server.tags,
        addresses: &server.addresses,
        volumes: &[],
        detail: RowDetail::Other(server),
    }
}

fn instance_row<'a>(zone: &'a str, server: &'a Server) -> FleetRow<'a> {
    FleetRow {
        product: Product::Instance.label(),
        zone,
        id: &server.id,
        name: &server.name,
        state: server.state.as_str(),
        up: server.state.as_str() == Product::Instance.up_state(),
        server_type: &server.commercial_type,
        since: server.state_since,
        tags: &server.tags,
        addresses: &server.addresses,
        volumes: &server.volumes,
        detail: RowDetail::Instance(server),
    }
}

/// Every product and zone the snapshot polls, with or without servers, in order.
pub fn product_zones(snapshot: &Snapshot) -> impl Iterator<Item = (&'static str, &str)> {
    snapshot
        .each_zone()
        .map(|(product, zone, _)| (product.label(), zone))
}

/// Every product's zone the snapshot polls, with its state, in order.
pub fn zone_states(snapshot: &Snapshot) -> impl Iterator<Item = (&'static str, &str, &ZoneState)> {
    snapshot
        .each_zone()
        .map(|(product, zone, state)| (product.label(), zone, state))
}

/// The zones the snapshot knows (polled or not), each once, in order: the values `?zone=`
/// accepts.
pub fn zone_labels(snapshot: &Snapshot) -> Vec<&str> {
    let mut zones: Vec<&str> = snapshot.each_zone().map(|(_, zone, _)| zone).collect();
    zones.sort_unstable();
    zones.dedup();
    zones
}

/// True when no zone has ever been polled successfully though at least one has been tried:
/// the key or the API URL is most likely wrong.
pub fn never_succeeded(snapshot: &Snapshot) -> bool {
    snapshot
        .each_zone()
        .all(|(_, _, z)| z.last_success.is_none())
        && snapshot.each_zone().any(|(_, _, z)| z.last_poll.is_some())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::inventory::State;

    #[test]
    fn every_state_label_is_listed_once_and_each_product_has_its_up_state() {
        let instance: Vec<&str> = State::ALL.iter().map(|s| s.as_str()).collect();
        assert_eq!(PRODUCTS[0].states, instance.as_slice());
        let every =
            Snapshot::of_targets(&crate::api::Product::ALL.map(|p| (p, "fr-par-1".to_owned())));
        let labels = state_labels(&every);
        for state in PRODUCTS.iter().flat_map(|p| p.states.iter()) {
            assert_eq!(labels.iter().filter(|l| *l == state).count(), 1, "{state}");
        }
        for product in PRODUCTS {
            assert!(product.states.contains(&product.up_state), "{product:?}");
        }
    }
}
