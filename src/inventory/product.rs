//! Elastic Metal, Apple silicon and Dedibox servers into inventory [`ProductServer`]s.
//!
//! The three APIs were generated from one toolchain and share their conventions (a `status`
//! enum, `created_at`, tags on two of them), so one type holds their servers, and
//! [`Detail`] what only one product has.

use std::collections::HashSet;

use super::instance::dedup;
use super::{unix_seconds, Address, Family, Scope, StateSince};
use crate::api::{model, Product};

/// The states the metrics name for each product, the API's spellings; anything else is
/// `unknown` (docs/api-notes.md#product-states).
pub const fn states(product: Product) -> &'static [&'static str] {
    match product {
        Product::Instance => &[
            "running",
            "stopped",
            "stopped in place",
            "starting",
            "stopping",
            "locked",
            "unknown",
        ],
        Product::ElasticMetal => &[
            "unknown",
            "delivering",
            "ready",
            "stopping",
            "stopped",
            "starting",
            "error",
            "deleting",
            "locked",
            "out_of_stock",
            "ordered",
            "resetting",
            "migrating",
        ],
        Product::AppleSilicon => &[
            "ready",
            "starting",
            "error",
            "rebooting",
            "updating",
            "locking",
            "locked",
            "unlocking",
            "reinstalling",
            "busy",
            "unknown",
        ],
        Product::Dedibox => &[
            "unknown",
            "delivering",
            "installing",
            "ready",
            "stopped",
            "error",
            "locked",
            "rescue",
            "busy",
        ],
    }
}

/// The state label of what the API says: the product's own spelling when it names one of
/// its states, `unknown` for anything else (Apple silicon's `unknown_status`, an empty or a
/// missing status, a state newer than this release).
pub fn state_of(product: Product, status: Option<&str>) -> &'static str {
    let known = states(product);
    status
        .and_then(|status| known.iter().find(|state| **state == status))
        .copied()
        .unwrap_or("unknown")
}

/// A server of Elastic Metal, Apple silicon or Dedibox, as the metrics see it.
#[derive(Debug, Clone, PartialEq)]
pub struct ProductServer {
    /// A UUID; Dedibox's is a number, as its decimal text.
    pub id: String,
    /// Dedibox: the hostname.
    pub name: String,
    /// One of [`states`] of its product.
    pub state: &'static str,
    /// Elastic Metal and Dedibox: the offer (`EM-B112X-SSD`); Apple silicon: the type (`M2-M`).
    pub server_type: String,
    pub project_id: String,
    pub organization_id: String,
    /// Unix seconds; `None` when the API gave no parseable date.
    pub created: Option<f64>,
    /// Each once, in API order; Dedibox lists have none.
    pub tags: Vec<String>,
    pub addresses: Vec<Address>,
    pub detail: Detail,
    /// As for Instance servers ([`super::Server::state_since`]).
    pub state_since: Option<StateSince>,
}

/// What one product alone says of its servers.
#[derive(Debug, Clone, PartialEq)]
pub enum Detail {
    ElasticMetal {
        /// Scaleway's ping of the machine: `None` when it says `unknown`.
        ping_up: Option<bool>,
    },
    AppleSilicon {
        /// The `name` of its `os` object; empty when absent.
        os_name: String,
        /// The earliest the server may be deleted, Unix seconds.
        deletable: Option<f64>,
    },
    Dedibox {
        datacenter: String,
        /// When the server's term ends, Unix seconds.
        expiration: Option<f64>,
    },
}

impl ProductServer {
    pub fn product(&self) -> Product {
        match self.detail {
            Detail::ElasticMetal { .. } => Product::ElasticMetal,
            Detail::AppleSilicon { .. } => Product::AppleSilicon,
            Detail::Dedibox { .. } => Product::Dedibox,
        }
    }

    /// True when the server is in its product's up state (`ready`).
    pub fn is_up(&self) -> bool {
        self.state == self.product().up_state()
    }
}

impl From<model::ElasticMetalServer> for ProductServer {
    fn from(server: model::ElasticMetalServer) -> Self {
        let ping_up = match server.ping_status.as_deref() {
            Some("ping_status_up") => Some(true),
            Some("ping_status_down") => Some(false),
            _ => None,
        };
        ProductServer {
            state: state_of(Product::ElasticMetal, server.status.as_deref()),
            addresses: public(server.ips.iter().map(|ip| ip.address.as_str())),
            id: server.id,
            name: server.name,
            server_type: server.offer_name,
            project_id: server.project_id,
            organization_id: server.organization_id,
            created: server.created_at.as_deref().and_then(unix_seconds),
            tags: dedup(server.tags),
            detail: Detail::ElasticMetal { ping_up },
            state_since: None,
        }
    }
}

impl From<model::AppleSiliconServer> for ProductServer {
    fn from(server: model::AppleSiliconServer) -> Self {
        ProductServer {
            state: state_of(Product::AppleSilicon, server.status.as_deref()),
            addresses: public(std::iter::once(server.ip.as_str())),
            id: server.id,
            name: server.name,
            server_type: server.server_type,
            project_id: server.project_id,
            organization_id: server.organization_id,
            created: server.created_at.as_deref().and_then(unix_seconds),
            tags: dedup(server.tags),
            detail: Detail::AppleSilicon {
                os_name: server.os.map(|os| os.name).unwrap_or_default(),
                deletable: server.deletable_at.as_deref().and_then(unix_seconds),
            },
            state_since: None,
        }
    }
}

impl From<model::DediboxServer> for ProductServer {
    fn from(server: model::DediboxServer) -> Self {
        // The BMC's own port is how Scaleway reaches the machine, not an address it serves on.
        let addresses = public(
            server
                .interfaces
                .iter()
                .filter(|interface| interface.kind != "ipmi")
                .flat_map(|interface| &interface.ips)
                .map(|ip| ip.address.as_str()),
        );
        ProductServer {
            state: state_of(Product::Dedibox, server.status.as_deref()),
            addresses,
            id: server.id,
            name: server.hostname,
            server_type: server.offer_name,
            project_id: server.project_id,
            organization_id: server.organization_id,
            created: server.created_at.as_deref().and_then(unix_seconds),
            tags: Vec::new(),
            detail: Detail::Dedibox {
                datacenter: server.datacenter_name,
                expiration: server.expired_at.as_deref().and_then(unix_seconds),
            },
            state_since: None,
        }
    }
}

/// Builds one product zone's servers from its listing, page by page: each id once (the
/// first listing wins; pages shift while paging).
#[derive(Debug, Default)]
pub struct ProductFleet {
    seen: HashSet<String>,
    servers: Vec<ProductServer>,
}

impl ProductFleet {
    pub fn add(&mut self, server: impl Into<ProductServer>) {
        let server = server.into();
        if self.seen.insert(server.id.clone()) {
            self.servers.push(server);
        }
    }

    pub fn finish(self) -> Vec<ProductServer> {
        self.servers
    }
}

/// Each address once, with its family from its form (the APIs spell it `IPv4`, `ipv4` or
/// not at all).
fn public<'a>(addresses: impl Iterator<Item = &'a str>) -> Vec<Address> {
    let mut out: Vec<Address> = Vec::new();
    for address in addresses {
        if address.is_empty() || out.iter().any(|a| a.address == address) {
            continue;
        }
        out.push(Address {
            address: address.to_owned(),
            family: Family::of(address),
            scope: Scope::Public,
        });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_named_state_of_a_product_maps_to_itself_and_anything_else_is_unknown() {
        for product in Product::ALL {
            for state in states(product) {
                assert_eq!(state_of(product, Some(state)), *state);
            }
            assert!(states(product).contains(&"unknown"), "{product}");
            assert!(states(product).contains(&product.up_state()), "{product}");
            assert_eq!(state_of(product, Some("hibernating")), "unknown");
            assert_eq!(state_of(product, None), "unknown");
        }
        assert_eq!(
            state_of(Product::AppleSilicon, Some("unknown_status")),
            "unknown"
        );
        assert_eq!(
            state_of(Product::ElasticMetal, Some("Ready")),
            "unknown",
            "the APIs' enums are lower case"
        );
    }

    #[test]
    fn a_dedibox_integer_id_is_its_decimal_text_and_its_bmc_port_is_not_an_address() {
        let server: model::DediboxServer = serde_json::from_str(
            r#"{"id":123456,"hostname":"sd-123456","status":"ready","interfaces":[
                {"type":"normal","ips":[{"address":"51.15.0.1","version":"ipv4"},{"address":"2001:bc8::1","version":"ipv6"}]},
                {"type":"ipmi","ips":[{"address":"10.0.0.9","version":"ipv4"}]}]}"#,
        )
        .unwrap();
        let server = ProductServer::from(server);
        assert_eq!(server.id, "123456");
        assert_eq!(server.name, "sd-123456");
        let addresses: Vec<(&str, &str)> = server
            .addresses
            .iter()
            .map(|a| (a.address.as_str(), a.family.as_str()))
            .collect();
        assert_eq!(addresses, [("51.15.0.1", "inet"), ("2001:bc8::1", "inet6")]);
    }
}
