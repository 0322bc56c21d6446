//! [`PriceList`]: where the prices of what a fleet runs are published, per zone, beside the
//! Instance type catalog (docs/api-notes.md#prices). Read at most hourly, best effort, like
//! the catalog.

use std::fmt;

use super::listing::{Listing, BLOCK_VOLUME_TYPES, DEDIBOX_OFFERS, ELASTIC_METAL_OFFERS};
use super::Product;

/// A list of prices of one zone.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum PriceList {
    /// Elastic Metal's offers, hourly and monthly.
    ElasticMetalOffers,
    /// Dedibox's offers, monthly or one-shot.
    DediboxOffers,
    /// Block Storage's volume types: per GB and hour, for volumes and their snapshots.
    BlockVolumeTypes,
}

impl PriceList {
    pub const ALL: [PriceList; 3] = [
        PriceList::ElasticMetalOffers,
        PriceList::DediboxOffers,
        PriceList::BlockVolumeTypes,
    ];

    /// The `reference` label of `scaleway_exporter_reference_success`, and the `endpoint`
    /// label of its API requests.
    pub const fn label(self) -> &'static str {
        match self {
            PriceList::ElasticMetalOffers => "elastic_metal_offers",
            PriceList::DediboxOffers => "dedibox_offers",
            PriceList::BlockVolumeTypes => "block_volume_types",
        }
    }

    pub const fn listing(self) -> &'static Listing {
        match self {
            PriceList::ElasticMetalOffers => &ELASTIC_METAL_OFFERS,
            PriceList::DediboxOffers => &DEDIBOX_OFFERS,
            PriceList::BlockVolumeTypes => &BLOCK_VOLUME_TYPES,
        }
    }

    /// The product in whose zones it is read, once that product's servers answered.
    pub const fn read_with(self) -> Product {
        match self {
            PriceList::ElasticMetalOffers => Product::ElasticMetal,
            PriceList::DediboxOffers => Product::Dedibox,
            PriceList::BlockVolumeTypes => Product::Instance,
        }
    }

    pub const fn title(self) -> &'static str {
        match self {
            PriceList::ElasticMetalOffers => "Elastic Metal offers",
            PriceList::DediboxOffers => "Dedibox offers",
            PriceList::BlockVolumeTypes => "Block Storage volume types",
        }
    }
}

impl fmt::Display for PriceList {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.label())
    }
}
