//! Everything the simulator lists besides servers: the Block volumes, and what things cost
//! (offers, volume types, server types).
//!
//! Each kind is one entry of [`Resource`] and one row of its [`Spec`] (path, list key,
//! paging, zones, IAM's resource name, query filter): the routes, the paging, the checks,
//! the faults and the test hooks are written once for all of them (`http`, `page`, `hooks`).
//! What differs is where the items come from:
//!
//! - Block volumes: the zone's, beside its servers (`crate::world`);
//! - `catalogs`: Elastic Metal and Dedibox offers, Apple silicon server types and Block
//!   volume types (`block`), the prices of `crate::prices`.

mod block;
mod catalogs;
mod hooks;
pub(crate) mod http;
mod page;
mod store;

#[cfg(test)]
pub(crate) use page::Asked;
pub(crate) use store::Lists;

use crate::http::Style;
use crate::Product;

/// A kind of resource the simulator lists, besides servers. Labels name them in test output.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Resource {
    /// `GET /block/v1/zones/{zone}/volumes`: the servers' Block volumes and unattached ones.
    BlockVolume,
    /// `GET /block/v1/zones/{zone}/volume-types`: prices per GB per hour.
    BlockVolumeType,
    /// `GET /baremetal/v1/zones/{zone}/offers`: hourly offers, or monthly ones when asked.
    ElasticMetalOffer,
    /// `GET /dedibox/v1/zones/{zone}/offers`.
    DediboxOffer,
    /// `GET /apple-silicon/v1alpha1/zones/{zone}/server-types`: no price, no paging.
    AppleSiliconServerType,
}

/// How a list pages, as its real API does.
#[derive(Clone, Copy, Debug)]
pub(crate) enum Paging {
    /// The Go services: `page_size` (50 when absent), `total_count` in the body, first or
    /// last.
    Body { total_first: bool },
    /// Every item in one body without a total (Apple silicon server types).
    Unpaged,
}

/// What the API of a kind is: one row per [`Resource`].
#[derive(Debug)]
pub(crate) struct Spec {
    /// The list's path, `{zone}` where the zone goes.
    pub path: &'static str,
    /// The list's key in the body.
    pub key: &'static str,
    pub paging: Paging,
    /// The zones the API answers in (`None`: every well-formed zone): the product's.
    pub zones: Option<&'static [&'static str]>,
    /// What IAM's 403 names as the resource: recorded for Block volumes, the others written
    /// the same way.
    pub denied: &'static str,
    /// A query parameter the list filters on (matched against an item's facet), and what an
    /// absent one (or the enum's `unknown_…` value) selects.
    pub filter: Option<(&'static str, &'static str)>,
}

impl Spec {
    /// The Go services write compact JSON.
    pub(crate) fn style(&self) -> Style {
        Style::Compact
    }
}

impl Resource {
    /// Every kind, in the order of the enum.
    pub const ALL: [Resource; 5] = [
        Resource::BlockVolume,
        Resource::BlockVolumeType,
        Resource::ElasticMetalOffer,
        Resource::DediboxOffer,
        Resource::AppleSiliconServerType,
    ];

    /// `block-volume`, `elastic-metal-offer`, `apple-silicon-server-type`…
    pub const fn label(self) -> &'static str {
        match self {
            Resource::BlockVolume => "block-volume",
            Resource::BlockVolumeType => "block-volume-type",
            Resource::ElasticMetalOffer => "elastic-metal-offer",
            Resource::DediboxOffer => "dedibox-offer",
            Resource::AppleSiliconServerType => "apple-silicon-server-type",
        }
    }

    /// The list's path, with `{zone}` where the zone goes.
    pub fn path(self) -> &'static str {
        self.spec().path
    }

    /// The zones the kind's API answers in; `None` for every well-formed zone.
    pub fn served_zones(self) -> Option<&'static [&'static str]> {
        self.spec().zones
    }

    /// Whether the kind's API answers in `zone`.
    pub fn serves(self, zone: &str) -> bool {
        self.served_zones()
            .is_none_or(|zones| zones.contains(&zone))
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
static SPECS: [Spec; 5] = [
    Spec {
        path: "/block/v1/zones/{zone}/volumes",
        key: "volumes",
        paging: Paging::Body { total_first: true },
        zones: None,
        denied: "volume",
        filter: None,
    },
    Spec {
        path: "/block/v1/zones/{zone}/volume-types",
        key: "volume_types",
        paging: Paging::Body { total_first: false },
        zones: None,
        denied: "volume_type",
        filter: None,
    },
    Spec {
        path: "/baremetal/v1/zones/{zone}/offers",
        key: "offers",
        paging: Paging::Body { total_first: true },
        zones: Product::ElasticMetal.served_zones(),
        denied: "offer",
        filter: Some(("subscription_period", "hourly")),
    },
    Spec {
        path: "/dedibox/v1/zones/{zone}/offers",
        key: "offers",
        paging: Paging::Body { total_first: true },
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
];

#[cfg(test)]
mod tests;
