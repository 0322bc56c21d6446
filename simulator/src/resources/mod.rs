//! Everything the simulator lists besides servers: what a fleet leaves behind (volumes, IPs,
//! snapshots), what it costs (offers, volume types, server types) and the bill.
//!
//! Each kind is one entry of [`Resource`] and one row of its [`Spec`] (path, list key,
//! paging, zones, IAM's resource name, query filter): the routes, the paging, the checks,
//! the faults and the test hooks are written once for all of them (`http`, `page`, `hooks`).
//! What differs is where the items come from:
//!
//! - `instance`: Instance volumes and IPs derived from the zone's servers (the same ids,
//!   addresses and names), plus unattached ones, and Instance snapshots;
//! - `block`: Block volumes nobody uses (added to the zone's Block list) and Block snapshots,
//!   and the volume types with their prices;
//! - `flexible_ip`: Elastic Metal flexible IPs, some on the zone's Elastic Metal servers;
//! - `catalogs`: Elastic Metal and Dedibox offers, Apple silicon server types and Block
//!   volume types, the prices of `crate::prices`;
//! - `billing`: this month's consumption, computed from the fleet's prices by the hour.
//!
//! Leftovers are dated from the simulator's *today* (the UTC day it was built on, or the one
//! [`crate::Simulator::new_at`] gives), so a demo shows volumes detached days ago and
//! snapshots older than 90 days whatever the date; each is drawn from an rng of its own,
//! which leaves every server, Block volume and product server of the seed as it was.

mod billing;
mod block;
mod catalogs;
mod draw;
mod flexible_ip;
mod hooks;
pub(crate) mod http;
mod instance;
mod page;
mod store;

pub(crate) use billing::{Bill, Billable};
pub(crate) use draw::Today;
pub(crate) use instance::ServerLinks;
#[cfg(test)]
pub(crate) use page::Asked;
pub(crate) use store::{fill_world, Lists};

use crate::http::Style;
use crate::Product;

/// A kind of resource the simulator lists, besides servers. Labels name them in test output.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Resource {
    /// `GET /block/v1/zones/{zone}/volumes`: the servers' Block volumes and unattached ones.
    BlockVolume,
    /// `GET /block/v1/zones/{zone}/snapshots`.
    BlockSnapshot,
    /// `GET /block/v1/zones/{zone}/volume-types`: prices per GB per hour.
    BlockVolumeType,
    /// `GET /instance/v1/zones/{zone}/volumes`: the servers' `l_ssd`/`b_ssd` and unattached ones.
    InstanceVolume,
    /// `GET /instance/v1/zones/{zone}/ips`: the servers' public IPs and detached ones.
    InstanceIp,
    /// `GET /instance/v1/zones/{zone}/snapshots`.
    InstanceSnapshot,
    /// `GET /flexible-ip/v1alpha1/zones/{zone}/fips`: Elastic Metal flexible IPs.
    FlexibleIp,
    /// `GET /baremetal/v1/zones/{zone}/offers`: hourly offers, or monthly ones when asked.
    ElasticMetalOffer,
    /// `GET /dedibox/v1/zones/{zone}/offers`.
    DediboxOffer,
    /// `GET /apple-silicon/v1alpha1/zones/{zone}/server-types`: no price, no paging.
    AppleSiliconServerType,
    /// `GET /billing/v2beta1/consumptions`: global, its zone is `""`.
    BillingConsumption,
}

/// How a list pages, as its real API does.
#[derive(Clone, Copy, Debug)]
pub(crate) enum Paging {
    /// The Instance API: `per_page` (this many when absent), the total in `X-Total-Count`, a
    /// `Link` rooted at `root` with the trailing `&` every recorded one has.
    Headers { default: u64, root: &'static str },
    /// The Go services: `page_size` (50 when absent, or every item at once when
    /// `whole_by_default`, as the bill came), `total_count` in the body, first or last.
    Body {
        total_first: bool,
        whole_by_default: bool,
    },
    /// Every item in one body without a total (Apple silicon server types).
    Unpaged,
}

/// What the API of a kind is: one row per [`Resource`].
#[derive(Debug)]
pub(crate) struct Spec {
    /// The list's path, `{zone}` where the zone goes (none for a global list).
    pub path: &'static str,
    /// The list's key in the body.
    pub key: &'static str,
    pub paging: Paging,
    /// The zones the API answers in (`None`: every well-formed zone): the product's, or the
    /// flexible IPs' own.
    pub zones: Option<&'static [&'static str]>,
    /// What IAM's 403 names as the resource: recorded for Instance IPs (`compute_ips`),
    /// Block volumes and snapshots; the others written the same way.
    pub denied: &'static str,
    /// A query parameter the list filters on (matched against an item's facet), and what an
    /// absent one (or the enum's `unknown_…` value) selects.
    pub filter: Option<(&'static str, &'static str)>,
}

/// Flexible IPs' zones (their SDK's `Zones()`).
const FLEXIBLE_IP_ZONES: &[&str] = &[
    "fr-par-1", "fr-par-2", "nl-ams-1", "nl-ams-2", "pl-waw-2", "pl-waw-3",
];

impl Spec {
    /// The Instance API writes spaced Python JSON, the Go services compact JSON.
    pub(crate) fn style(&self) -> Style {
        match self.paging {
            Paging::Headers { .. } => Style::Spaced,
            _ => Style::Compact,
        }
    }
}

impl Resource {
    /// Every kind, in the order of the enum.
    pub const ALL: [Resource; 11] = [
        Resource::BlockVolume,
        Resource::BlockSnapshot,
        Resource::BlockVolumeType,
        Resource::InstanceVolume,
        Resource::InstanceIp,
        Resource::InstanceSnapshot,
        Resource::FlexibleIp,
        Resource::ElasticMetalOffer,
        Resource::DediboxOffer,
        Resource::AppleSiliconServerType,
        Resource::BillingConsumption,
    ];

    /// `block-volume`, `instance-ip`, `elastic-metal-offer`, `billing-consumption`…
    pub const fn label(self) -> &'static str {
        match self {
            Resource::BlockVolume => "block-volume",
            Resource::BlockSnapshot => "block-snapshot",
            Resource::BlockVolumeType => "block-volume-type",
            Resource::InstanceVolume => "instance-volume",
            Resource::InstanceIp => "instance-ip",
            Resource::InstanceSnapshot => "instance-snapshot",
            Resource::FlexibleIp => "flexible-ip",
            Resource::ElasticMetalOffer => "elastic-metal-offer",
            Resource::DediboxOffer => "dedibox-offer",
            Resource::AppleSiliconServerType => "apple-silicon-server-type",
            Resource::BillingConsumption => "billing-consumption",
        }
    }

    /// The list's path, with `{zone}` where the zone goes.
    pub fn path(self) -> &'static str {
        self.spec().path
    }

    /// The zones the kind's API answers in; `None` for every well-formed zone (and for the
    /// global bill).
    pub fn served_zones(self) -> Option<&'static [&'static str]> {
        self.spec().zones
    }

    /// Whether the kind's API answers in `zone`.
    pub fn serves(self, zone: &str) -> bool {
        self.served_zones()
            .is_none_or(|zones| zones.contains(&zone))
    }

    /// Whether the list has a zone in its path (all but the bill).
    pub fn is_zoned(self) -> bool {
        self.spec().path.contains("{zone}")
    }

    pub(crate) fn index(self) -> usize {
        self as usize
    }

    /// The kind's row of the table.
    pub(crate) fn spec(self) -> &'static Spec {
        &SPECS[self.index()]
    }
}

/// One row per [`Resource`], in its order: every fact about a kind's API, in one place.
static SPECS: [Spec; 11] = [
    Spec {
        path: "/block/v1/zones/{zone}/volumes",
        key: "volumes",
        paging: Paging::Body {
            total_first: true,
            whole_by_default: false,
        },
        zones: None,
        denied: "volume",
        filter: None,
    },
    Spec {
        path: "/block/v1/zones/{zone}/snapshots",
        key: "snapshots",
        paging: Paging::Body {
            total_first: false,
            whole_by_default: false,
        },
        zones: None,
        denied: "snapshot",
        filter: None,
    },
    Spec {
        path: "/block/v1/zones/{zone}/volume-types",
        key: "volume_types",
        paging: Paging::Body {
            total_first: false,
            whole_by_default: false,
        },
        zones: None,
        denied: "volume_type",
        filter: None,
    },
    Spec {
        path: "/instance/v1/zones/{zone}/volumes",
        key: "volumes",
        paging: Paging::Headers {
            default: 100,
            root: "/volumes",
        },
        zones: None,
        denied: "compute_volumes",
        filter: None,
    },
    Spec {
        path: "/instance/v1/zones/{zone}/ips",
        key: "ips",
        paging: Paging::Headers {
            default: 50,
            root: "/ips",
        },
        zones: None,
        denied: "compute_ips",
        filter: None,
    },
    Spec {
        path: "/instance/v1/zones/{zone}/snapshots",
        key: "snapshots",
        paging: Paging::Headers {
            default: 50,
            root: "/snapshots",
        },
        zones: None,
        denied: "compute_snapshots",
        filter: None,
    },
    Spec {
        path: "/flexible-ip/v1alpha1/zones/{zone}/fips",
        key: "flexible_ips",
        paging: Paging::Body {
            total_first: true,
            whole_by_default: false,
        },
        zones: Some(FLEXIBLE_IP_ZONES),
        denied: "flexible_ip",
        filter: None,
    },
    Spec {
        path: "/baremetal/v1/zones/{zone}/offers",
        key: "offers",
        paging: Paging::Body {
            total_first: true,
            whole_by_default: false,
        },
        zones: Product::ElasticMetal.served_zones(),
        denied: "offer",
        filter: Some(("subscription_period", "hourly")),
    },
    Spec {
        path: "/dedibox/v1/zones/{zone}/offers",
        key: "offers",
        paging: Paging::Body {
            total_first: true,
            whole_by_default: false,
        },
        zones: Product::Dedibox.served_zones(),
        denied: "offer",
        filter: None,
    },
    Spec {
        path: "/apple-silicon/v1alpha1/zones/{zone}/server-types",
        key: "server_types",
        paging: Paging::Unpaged,
        zones: Product::AppleSilicon.served_zones(),
        denied: "server_type",
        filter: None,
    },
    Spec {
        path: "/billing/v2beta1/consumptions",
        key: "consumptions",
        paging: Paging::Body {
            total_first: false,
            whole_by_default: true,
        },
        zones: None,
        denied: "consumption",
        filter: None,
    },
];

#[cfg(test)]
mod tests;
