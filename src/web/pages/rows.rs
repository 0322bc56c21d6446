//! The fleet as both views list it: one [`FleetRow`] per server, whatever its product.
//!
//! The table, the summary, the filters and the JSON read rows only; the JSON alone reads the
//! product's own fields, from the row's server. What a product is (its label, its states,
//! its up state) comes from [`crate::product`]: a new product shows in the filters, the
//! summary and the table unchanged.

use crate::inventory::{Address, Server, Snapshot, StateSince, Volume, ZoneState};
use crate::product::Product;

/// The products the snapshot polls, in [`Product::ALL`] order: the values `?product=`
/// accepts, and the products the legend and the form show.
pub fn polled_products(snapshot: &Snapshot) -> Vec<Product> {
    Product::ALL
        .into_iter()
        .filter(|p| snapshot.enabled.get(p).copied().unwrap_or(false))
        .collect()
}

/// How the page says "not in its product's up state": `not running` when every polled
/// product is up when running (Instances alone), `not ready` when every one is up when ready,
/// `not up` for a mix of both (or none).
pub fn not_up(snapshot: &Snapshot) -> &'static str {
    let products = polled_products(snapshot);
    let all_up_when = |state: &str| {
        !products.is_empty() && products.iter().all(|p| p.up_state().label() == state)
    };
    if all_up_when("running") {
        "not running"
    } else if all_up_when("ready") {
        "not ready"
    } else {
        "not up"
    }
}

/// Every state label of every polled product, each once, in [`Product::ALL`] order: the
/// values `?state=` accepts.
pub fn state_labels(snapshot: &Snapshot) -> Vec<&'static str> {
    let mut labels: Vec<&'static str> = Vec::new();
    let products = polled_products(snapshot);
    for label in products.iter().flat_map(|p| p.states()).map(|s| s.label()) {
        if !labels.contains(&label) {
            labels.push(label);
        }
    }
    labels
}

/// One server of any product, as the table, the summary, the filters and the JSON see it.
#[derive(Debug, Clone, Copy)]
pub struct FleetRow<'a> {
    /// The product's label.
    pub product: &'static str,
    pub zone: &'a str,
    pub id: &'a str,
    pub name: &'a str,
    /// The state's label, as the metrics spell it (`stopped in place`).
    pub state: &'static str,
    /// Whether the server is in its product's up state.
    pub up: bool,
    /// The commercial type (Instances) or offer (the others).
    pub server_type: &'a str,
    /// Since when the server is in its state, as seen by this exporter.
    pub since: Option<StateSince>,
    pub tags: &'a [String],
    pub addresses: &'a [Address],
    /// Empty for a product whose servers list no volumes.
    pub volumes: &'a [Volume],
    /// The server itself, for the JSON's product fields.
    pub server: &'a Server,
}

/// Every server of the snapshot as a row, in no particular order.
pub fn fleet_rows(snapshot: &Snapshot) -> impl Iterator<Item = FleetRow<'_>> {
    snapshot.servers().map(|(zone, server)| FleetRow {
        product: server.product().label(),
        zone,
        id: &server.id,
        name: &server.name,
        state: server.state.label(),
        up: server.is_up(),
        server_type: &server.server_type,
        since: server.state_since,
        tags: &server.tags,
        addresses: &server.addresses,
        volumes: server.volumes(),
        server,
    })
}

/// Every product and zone the snapshot polls, with or without servers, in order.
pub fn product_zones(snapshot: &Snapshot) -> impl Iterator<Item = (&'static str, &str)> {
    snapshot
        .zones()
        .map(|(target, _)| (target.product.label(), target.zone.as_str()))
}

/// Every product's zone the snapshot polls, with its state, in order.
pub fn zone_states(snapshot: &Snapshot) -> impl Iterator<Item = (&'static str, &str, &ZoneState)> {
    snapshot
        .zones()
        .map(|(target, state)| (target.product.label(), target.zone.as_str(), state))
}

/// The zones the snapshot knows (polled or not), each once, in order: the values `?zone=`
/// accepts.
pub fn zone_labels(snapshot: &Snapshot) -> Vec<&str> {
    let mut zones: Vec<&str> = snapshot.zones().map(|(t, _)| t.zone.as_str()).collect();
    zones.sort_unstable();
    zones.dedup();
    zones
}

/// True when no zone has ever been polled successfully though at least one has been tried:
/// the key or the API URL is most likely wrong.
pub fn never_succeeded(snapshot: &Snapshot) -> bool {
    snapshot.zones().all(|(_, z)| z.last_success.is_none())
        && snapshot.zones().any(|(_, z)| z.last_poll.is_some())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::product::ProductZone;

    #[test]
    fn every_state_label_is_listed_once() {
        let every = Snapshot::of(Product::ALL.map(|p| ProductZone::new(p, "fr-par-1")));
        let labels = state_labels(&every);
        for state in Product::ALL.iter().flat_map(|p| p.states()) {
            let label = state.label();
            assert_eq!(labels.iter().filter(|l| **l == label).count(), 1, "{label}");
        }
    }
}
