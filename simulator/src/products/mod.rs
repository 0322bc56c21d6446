//! The other Scaleway servers: Elastic Metal, Apple silicon and Dedibox.
//!
//! The three APIs are Go services and share one convention, unlike Instance: compact JSON with
//! keys in protobuf field order, `…Z` dates, `page`/`page_size` paging (at most 100, 50 when
//! absent: the real default is not observable) with the total in the body
//! (`{"total_count":N,"servers":[…]}`, no `X-Total-Count` or `Link`), oldest server first
//! (`order_by=created_at_asc`, the default; `created_at_desc` reverses), and get-one answering
//! the bare object, without an envelope.
//!
//! - `elastic_metal`: `/baremetal/v1`, servers as the 2025 API writes them (`install`, two IPs
//!   in either order, `options`, `protected`, `user_data` in base64 on some, `rescue_server`
//!   null). Actions `start`, `stop`, `reboot` answer the server, already in its next state.
//! - `apple_silicon`: `/apple-silicon/v1alpha1`, the 2026 shape with its secrets in every body,
//!   list items included: `sudo_password`, `vnc_url` (`vnc://m1:<password>@<ip>:59010`) and, on
//!   some servers, `runner_configuration.token`. Actions `reboot`, `reinstall` answer the server.
//! - `dedibox`: `/dedibox/v1`, integer ids; list items are the SDK's `ServerSummary` (no tags),
//!   get-one its detailed `Server`. Actions `start`, `stop`, `reboot` answer `204` and no body
//!   (the SDK reads nothing back).
//! - `generate`: what generating a zone's servers needs (seeded randomness, dates, projects,
//!   names, tags, secrets).
//! - `store`: where the servers live, per product and zone, with their transitions.
//! - `http`: the routes and their checks (key, zone form, served zone, forbidden product).
//! - `hooks`: the [`Simulator`](crate::Simulator) methods tests use (forbid a product, insert
//!   a raw server, read a state, apply an action) and churn.
//!
//! Each product serves a fixed set of zones ([`Product::served_zones`]); any other well-formed
//! zone answers the gateway's `501 {"message":"unknown service"}`. Generated servers live in
//! the zones of [`crate::SimulatorConfig::zones`] the product serves, as many per zone as
//! [`crate::SimulatorConfig::products`] says. Every secret value contains [`SECRET_MARKER`]
//! (base64 ones [`SECRET_MARKER_BASE64`]), so a test can prove a client never shows them.
//!
//! Transitions are lazy, as Instance's are ([`crate::servers`]), on the same clock. What each
//! action does is a table of [`Transition`]s in the product's module.

mod apple_silicon;
mod dedibox;
mod elastic_metal;
mod generate;
mod hooks;
pub(crate) mod http;
mod store;

use std::fmt;

pub(crate) use apple_silicon::OsBase as AppleSiliconOs;
pub(crate) use dedibox::datacenters as dedibox_datacenters;
pub(crate) use elastic_metal::MetalServer;
use generate::{after, base64, docker_name, pick, secret, tags, uuid, GenCtx};
pub(crate) use store::Products;
use store::{Body, Item};

/// Part of every simulated secret (Apple silicon `sudo_password`, the password in `vnc_url`,
/// `runner_configuration.token`, and the password inside Elastic Metal `user_data`): a page
/// that contains it shows a secret.
pub const SECRET_MARKER: &str = "SIMULATED-SECRET";

/// What every base64 secret (Elastic Metal `user_data`) contains: the encoding of
/// [`SECRET_MARKER`]'s first 15 bytes, which the simulator places on a 3-byte boundary.
pub const SECRET_MARKER_BASE64: &str = "U0lNVUxBVEVELVNFQ1JF";

/// A Scaleway server product. Labels are the exporter's `product` label values.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Product {
    Instance,
    ElasticMetal,
    AppleSilicon,
    Dedibox,
}

impl Product {
    /// Every product, Instance first.
    pub const ALL: [Product; 4] = [
        Product::Instance,
        Product::ElasticMetal,
        Product::AppleSilicon,
        Product::Dedibox,
    ];

    /// `instance`, `elastic-metal`, `apple-silicon`, `dedibox`.
    pub const fn label(self) -> &'static str {
        match self {
            Product::Instance => "instance",
            Product::ElasticMetal => "elastic-metal",
            Product::AppleSilicon => "apple-silicon",
            Product::Dedibox => "dedibox",
        }
    }

    /// The product of a label, `None` for an unknown one.
    pub fn from_label(label: &str) -> Option<Product> {
        Product::ALL.into_iter().find(|p| p.label() == label)
    }

    /// The zones the product serves; `None` for Instance, which answers in every well-formed
    /// zone. Elastic Metal and Dedibox: their SDK's `Zones()`. Apple silicon: `fr-par-3` (its
    /// SDK's only zone) and `fr-par-1`, where every real server was recorded.
    pub const fn served_zones(self) -> Option<&'static [&'static str]> {
        match self {
            Product::Instance => None,
            Product::ElasticMetal => Some(&[
                "fr-par-1", "fr-par-2", "nl-ams-1", "nl-ams-2", "pl-waw-2", "pl-waw-3",
            ]),
            Product::AppleSilicon => Some(&["fr-par-1", "fr-par-3"]),
            Product::Dedibox => Some(&["fr-par-1", "fr-par-2", "nl-ams-1"]),
        }
    }

    /// Whether the product answers in `zone` (any zone for Instance).
    pub fn serves(self, zone: &str) -> bool {
        self.served_zones()
            .is_none_or(|zones| zones.contains(&zone))
    }

    /// Every server status of the product's API, as Scaleway's Go SDK enumerates them (the
    /// Instance API's `state`, the others' `status`): what the simulator may answer, and
    /// nothing else.
    pub const fn statuses(self) -> &'static [&'static str] {
        match self {
            Product::Instance => &[
                "running",
                "stopped",
                "stopped in place",
                "starting",
                "stopping",
                "locked",
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
                "unknown_status",
                "starting",
                "ready",
                "error",
                "rebooting",
                "updating",
                "locking",
                "locked",
                "unlocking",
                "reinstalling",
                "busy",
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

    /// The API's path up to the zone: `/baremetal/v1` for Elastic Metal.
    pub const fn api_path(self) -> &'static str {
        match self {
            Product::Instance => "/instance/v1",
            Product::ElasticMetal => "/baremetal/v1",
            Product::AppleSilicon => "/apple-silicon/v1alpha1",
            Product::Dedibox => "/dedibox/v1",
        }
    }

    /// Whether the product's API has `action` (`POST …/servers/{id}/{action}`): for Instance,
    /// those [`crate::Simulator::apply_product_action`] maps to its own actions.
    pub fn has_action(self, action: ProductAction) -> bool {
        match self {
            Product::Instance => action != ProductAction::Reinstall,
            _ => self.transitions().iter().any(|t| t.action == action),
        }
    }

    fn index(self) -> usize {
        self as usize
    }

    /// What the product's actions do (none for Instance, whose actions are its own).
    fn transitions(self) -> &'static [Transition] {
        match self {
            Product::Instance => &[],
            Product::ElasticMetal => elastic_metal::TRANSITIONS,
            Product::AppleSilicon => apple_silicon::TRANSITIONS,
            Product::Dedibox => dedibox::TRANSITIONS,
        }
    }

    /// What `action` does to a server in `status`; `None` when the status does not take it.
    fn transition(self, action: ProductAction, status: &str) -> Option<&'static Transition> {
        self.transitions()
            .iter()
            .find(|t| t.action == action && t.from.contains(&status))
    }
}

/// What an action does to a server: the statuses it is taken from, the status the server
/// shows while it runs, and the one it ends in.
pub(super) struct Transition {
    action: ProductAction,
    from: &'static [&'static str],
    during: &'static str,
    then: &'static str,
}

impl Transition {
    const fn new(
        action: ProductAction,
        from: &'static [&'static str],
        during: &'static str,
        then: &'static str,
    ) -> Self {
        Transition {
            action,
            from,
            during,
            then,
        }
    }

    /// A server generated in the middle of this action: the status it shows and the one it
    /// settles in.
    const fn caught(&self) -> (&'static str, Option<&'static str>) {
        (self.during, Some(self.then))
    }
}

impl fmt::Display for Product {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.label())
    }
}

/// How many servers of each product the simulator generates in each zone it serves (among
/// [`crate::SimulatorConfig::zones`]). All zero by default.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct ProductCounts {
    pub elastic_metal: usize,
    pub apple_silicon: usize,
    pub dedibox: usize,
}

impl ProductCounts {
    /// The same count for the three products.
    pub const fn all(per_zone: usize) -> Self {
        ProductCounts {
            elastic_metal: per_zone,
            apple_silicon: per_zone,
            dedibox: per_zone,
        }
    }

    /// The count of one product (Instance: 0, its count is `servers_per_zone`).
    pub fn get(&self, product: Product) -> usize {
        match product {
            Product::Instance => 0,
            Product::ElasticMetal => self.elastic_metal,
            Product::AppleSilicon => self.apple_silicon,
            Product::Dedibox => self.dedibox,
        }
    }
}

/// An action of the Elastic Metal, Apple silicon or Dedibox API, named as in its path.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ProductAction {
    Start,
    Stop,
    Reboot,
    Reinstall,
}

impl ProductAction {
    /// The last segment of the action's path.
    pub const fn as_str(self) -> &'static str {
        match self {
            ProductAction::Start => "start",
            ProductAction::Stop => "stop",
            ProductAction::Reboot => "reboot",
            ProductAction::Reinstall => "reinstall",
        }
    }

    /// The action of a path segment.
    pub fn parse(name: &str) -> Option<ProductAction> {
        [
            ProductAction::Start,
            ProductAction::Stop,
            ProductAction::Reboot,
            ProductAction::Reinstall,
        ]
        .into_iter()
        .find(|a| a.as_str() == name)
    }
}

impl fmt::Display for ProductAction {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Why [`Simulator::apply_product_action`](crate::Simulator::apply_product_action) refused an action.
#[derive(Debug, thiserror::Error)]
pub enum ProductActionError {
    #[error("{product} does not serve zone {zone}")]
    NotServed { product: Product, zone: String },
    #[error("{product} server {id} not found in zone {zone}")]
    UnknownServer {
        product: Product,
        zone: String,
        id: String,
    },
    #[error("{product} has no {action} action")]
    Unsupported {
        product: Product,
        action: ProductAction,
    },
    #[error("action {action} is not allowed while the server is {state}")]
    NotAllowed {
        action: ProductAction,
        state: String,
    },
}

#[cfg(test)]
mod tests;
