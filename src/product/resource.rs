//! [`Resource`]: what a fleet holds beside its servers and may leave behind, still billed
//! (docs/api-notes.md#leftovers): volumes, flexible IPs and snapshots, each read in the zones
//! of the product that owns it, best effort.

use std::fmt;

use super::listing::{
    Listing, BLOCK_SNAPSHOTS, BLOCK_VOLUMES, FLEXIBLE_IPS, INSTANCE_IPS, INSTANCE_SNAPSHOTS,
    INSTANCE_VOLUMES,
};
use super::Product;

/// A kind of resource read beside the servers of a zone.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Resource {
    /// Block Storage volumes: every one, attached or not (they also give the `sbs_volume`
    /// sizes of the Instance servers).
    BlockVolumes,
    /// Instance volumes that no server holds.
    InstanceVolumes,
    /// Instance flexible IPs, attached or not.
    InstanceIps,
    /// Elastic Metal flexible IPs, attached or not.
    FlexibleIps,
    BlockSnapshots,
    InstanceSnapshots,
}

/// What a resource is, whatever the API it comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Volume,
    Ip,
    Snapshot,
}

impl Resource {
    pub const ALL: [Resource; 6] = [
        Resource::BlockVolumes,
        Resource::InstanceVolumes,
        Resource::InstanceIps,
        Resource::FlexibleIps,
        Resource::BlockSnapshots,
        Resource::InstanceSnapshots,
    ];

    /// The `resource` label of `scaleway_exporter_resource_success`, and the `endpoint` label
    /// of the API requests that read it.
    pub const fn label(self) -> &'static str {
        match self {
            Resource::BlockVolumes => "block_volumes",
            Resource::InstanceVolumes => "instance_volumes",
            Resource::InstanceIps => "instance_ips",
            Resource::FlexibleIps => "flexible_ips",
            Resource::BlockSnapshots => "block_snapshots",
            Resource::InstanceSnapshots => "instance_snapshots",
        }
    }

    /// What it is, in prose.
    pub const fn title(self) -> &'static str {
        match self {
            Resource::BlockVolumes => "Block Storage volumes",
            Resource::InstanceVolumes => "Instance volumes",
            Resource::InstanceIps => "Instance flexible IPs",
            Resource::FlexibleIps => "Elastic Metal flexible IPs",
            Resource::BlockSnapshots => "Block Storage snapshots",
            Resource::InstanceSnapshots => "Instance snapshots",
        }
    }

    /// Where it is listed, how the list pages, and who may read it.
    pub const fn listing(self) -> &'static Listing {
        match self {
            Resource::BlockVolumes => &BLOCK_VOLUMES,
            Resource::InstanceVolumes => &INSTANCE_VOLUMES,
            Resource::InstanceIps => &INSTANCE_IPS,
            Resource::FlexibleIps => &FLEXIBLE_IPS,
            Resource::BlockSnapshots => &BLOCK_SNAPSHOTS,
            Resource::InstanceSnapshots => &INSTANCE_SNAPSHOTS,
        }
    }

    /// The product in whose zones it is read, once that product's servers list answered:
    /// Block Storage beside Instances (the product that uses it), flexible IPs beside
    /// Elastic Metal.
    pub const fn read_with(self) -> Product {
        match self {
            Resource::FlexibleIps => Product::ElasticMetal,
            _ => Product::Instance,
        }
    }

    /// The `product` label of its API requests.
    pub const fn product_label(self) -> &'static str {
        self.read_with().label()
    }

    pub const fn kind(self) -> Kind {
        match self {
            Resource::BlockVolumes | Resource::InstanceVolumes => Kind::Volume,
            Resource::InstanceIps | Resource::FlexibleIps => Kind::Ip,
            Resource::BlockSnapshots | Resource::InstanceSnapshots => Kind::Snapshot,
        }
    }

    /// The resources read beside `product`'s servers.
    pub fn read_with_product(product: Product) -> impl Iterator<Item = Resource> {
        Resource::ALL
            .into_iter()
            .filter(move |r| r.read_with() == product)
    }

    /// True when a 404 or a 501 says the service is not in the zone (Block Storage, which
    /// Scaleway's SDK does not list in every Instance zone), rather than a wrong URL.
    pub const fn may_be_absent(self) -> bool {
        matches!(self, Resource::BlockVolumes | Resource::BlockSnapshots)
    }
}

impl fmt::Display for Resource {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.label())
    }
}
