//! What the exporter knows of each Scaleway server product, in one place: its label, its
//! zones, its states and the one in which a server is up, the IAM permission set that reads
//! it, where its servers are listed and how that list pages, and the prefix and wording of
//! its metric families (docs/api-notes.md#products). The API client, the inventory, the
//! metrics, the pages and the command line derive what they say of a product from here.
//!
//! - `spec`: [`Spec`], a product's facts, one constant per product.
//! - `state`: the states of each product as types ([`State`]).
//! - `listing`: [`Listing`], where a list of the API is and how it pages, for the servers
//!   and for what the exporter reads beside them.
//! - `resource`: [`Resource`], what a fleet holds beside its servers (volumes, flexible IPs,
//!   snapshots), each read in the zones of the product that owns it.

mod listing;
mod price_list;
mod resource;
mod spec;
mod state;

use std::fmt;

pub use listing::{Listing, Total, BLOCK_VOLUMES, CONSUMPTIONS, PROJECTS, SERVER_TYPES};
pub use price_list::PriceList;
pub use resource::{Kind, Resource};
pub use spec::Spec;
pub use state::{AppleSiliconState, DediboxState, ElasticMetalState, InstanceState, State};

/// A Scaleway server product, as `--scaleway.product` and the `product` label name it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Product {
    /// Instances: `/instance/v1` (and the legacy API).
    Instance,
    /// Elastic Metal: `/baremetal/v1`.
    ElasticMetal,
    /// Apple silicon (Mac mini): `/apple-silicon/v1alpha1`.
    AppleSilicon,
    /// Dedibox: `/dedibox/v1`.
    Dedibox,
}

impl Product {
    /// Every product, in the order of the exposition and the pages.
    pub const ALL: [Product; 4] = [
        Product::Instance,
        Product::ElasticMetal,
        Product::AppleSilicon,
        Product::Dedibox,
    ];

    /// Everything the exporter knows of the product.
    pub const fn spec(self) -> &'static Spec {
        match self {
            Product::Instance => &spec::INSTANCE,
            Product::ElasticMetal => &spec::ELASTIC_METAL,
            Product::AppleSilicon => &spec::APPLE_SILICON,
            Product::Dedibox => &spec::DEDIBOX,
        }
    }

    /// The `product` label value and `--scaleway.product` spelling.
    pub const fn label(self) -> &'static str {
        self.spec().label
    }

    /// The product a label names; `None` for anything else.
    pub fn from_label(label: &str) -> Option<Product> {
        Product::ALL.into_iter().find(|p| p.label() == label)
    }

    /// The product's name in prose.
    pub const fn title(self) -> &'static str {
        self.spec().title
    }

    /// The zones Scaleway's SDK lists for the product today.
    pub const fn zones(self) -> &'static [&'static str] {
        self.spec().zones
    }

    /// True when `zone` is a zone this release knows for some product, but not for this one:
    /// asking would only get the gateway's "unknown service". A zone no product knows (newer
    /// than this release) is asked of every product.
    pub fn known_absent_from(self, zone: &str) -> bool {
        let known = Product::ALL.iter().any(|p| p.zones().contains(&zone));
        known && !self.zones().contains(&zone)
    }

    /// Every state of the product, in the order the metrics write them.
    pub const fn states(self) -> &'static [State] {
        self.spec().states
    }

    /// The state a server of the product is in when it serves: `running` or `ready`.
    pub const fn up_state(self) -> State {
        self.spec().up
    }

    /// The IAM permission set that lets a key list the product's servers.
    pub const fn permission_set(self) -> &'static str {
        self.spec().servers.permission_set
    }

    /// Where the product's servers are listed, and how that list pages.
    pub const fn servers(self) -> &'static Listing {
        &self.spec().servers
    }
}

impl fmt::Display for Product {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.label())
    }
}

/// A zone of a product: what is polled, and what the snapshot keys its zones by. Ordered by
/// product, then zone.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ProductZone {
    pub product: Product,
    pub zone: String,
}

impl ProductZone {
    pub fn new(product: Product, zone: impl Into<String>) -> Self {
        ProductZone {
            product,
            zone: zone.into(),
        }
    }
}

/// `fr-par-1` for an Instance zone (as before there were other products),
/// `elastic-metal/fr-par-1` for the others.
impl fmt::Display for ProductZone {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.product {
            Product::Instance => f.write_str(&self.zone),
            other => write!(f, "{other}/{}", self.zone),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_label_names_its_product_and_nothing_else_does() {
        for product in Product::ALL {
            assert_eq!(Product::from_label(product.label()), Some(product));
        }
        assert_eq!(Product::from_label("baremetal"), None);
        assert_eq!(Product::from_label("Instance"), None);
    }

    #[test]
    fn a_zone_is_absent_only_when_some_product_knows_it_and_this_one_does_not() {
        assert!(Product::Dedibox.known_absent_from("pl-waw-1"));
        assert!(!Product::Dedibox.known_absent_from("fr-par-2"));
        assert!(
            !Product::Dedibox.known_absent_from("fr-par-9"),
            "a zone newer than this release is asked"
        );
        assert!(Product::AppleSilicon.known_absent_from("fr-par-2"));
        assert!(!Product::Instance.known_absent_from("it-mil-1"));
    }

    #[test]
    fn every_product_has_an_unknown_state_and_its_up_state_among_its_states() {
        for product in Product::ALL {
            let states = product.states();
            assert!(states.contains(&product.up_state()), "{product}");
            assert!(states.contains(&State::unknown(product)), "{product}");
            assert!(states.iter().all(|s| s.product() == product), "{product}");
        }
    }

    #[test]
    fn a_product_zone_shows_an_instance_zone_bare_and_another_with_its_product() {
        assert_eq!(
            ProductZone::new(Product::Instance, "fr-par-1").to_string(),
            "fr-par-1"
        );
        assert_eq!(
            ProductZone::new(Product::Dedibox, "fr-par-1").to_string(),
            "dedibox/fr-par-1"
        );
    }
}
