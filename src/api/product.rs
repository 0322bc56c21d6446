//! The Scaleway server products: where each lists its servers, how it pages, which zones it
//! serves, and what its "up" state is (docs/api-notes.md#products).

use std::fmt;

/// A Scaleway server product, as `--scaleway.product` and the `product` label name it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, clap::ValueEnum)]
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
    pub const ALL: [Product; 4] = [
        Product::Instance,
        Product::ElasticMetal,
        Product::AppleSilicon,
        Product::Dedibox,
    ];

    /// The `product` label value and `--scaleway.product` spelling.
    pub const fn label(self) -> &'static str {
        match self {
            Product::Instance => "instance",
            Product::ElasticMetal => "elastic-metal",
            Product::AppleSilicon => "apple-silicon",
            Product::Dedibox => "dedibox",
        }
    }

    /// The product a label names; `None` for anything else.
    pub fn from_label(label: &str) -> Option<Product> {
        Product::ALL.into_iter().find(|p| p.label() == label)
    }

    /// The product's name in prose.
    pub fn title(self) -> &'static str {
        match self {
            Product::Instance => "Instances",
            Product::ElasticMetal => "Elastic Metal",
            Product::AppleSilicon => "Apple silicon",
            Product::Dedibox => "Dedibox",
        }
    }

    /// The zones Scaleway's SDK lists for the product today. A zone given with
    /// `--scaleway.zone` that is in none of these lists is polled for every product (a zone
    /// newer than this release); one that is known for some product but not this one is not.
    pub const fn zones(self) -> &'static [&'static str] {
        match self {
            Product::Instance => &[
                "fr-par-1", "fr-par-2", "fr-par-3", "nl-ams-1", "nl-ams-2", "nl-ams-3", "pl-waw-1",
                "pl-waw-2", "pl-waw-3", "it-mil-1",
            ],
            Product::ElasticMetal => &[
                "fr-par-1", "fr-par-2", "nl-ams-1", "nl-ams-2", "pl-waw-2", "pl-waw-3",
            ],
            // The SDK names fr-par-3 only; every server ever recorded lives in fr-par-1.
            Product::AppleSilicon => &["fr-par-1", "fr-par-3"],
            Product::Dedibox => &["fr-par-1", "fr-par-2", "nl-ams-1"],
        }
    }

    /// True when `zone` is a zone this release knows for some product, but not for this one:
    /// asking would only get the gateway's "unknown service".
    pub fn known_absent_from(self, zone: &str) -> bool {
        let known = Product::ALL.iter().any(|p| p.zones().contains(&zone));
        known && !self.zones().contains(&zone)
    }

    /// The path of the servers list of `zone`, after the API base URL.
    pub fn servers_path(self, zone: &str) -> String {
        match self {
            Product::Instance => format!("/instance/v1/zones/{zone}/servers"),
            Product::ElasticMetal => format!("/baremetal/v1/zones/{zone}/servers"),
            Product::AppleSilicon => format!("/apple-silicon/v1alpha1/zones/{zone}/servers"),
            Product::Dedibox => format!("/dedibox/v1/zones/{zone}/servers"),
        }
    }

    /// The name of the page-size parameter: the Instance API's own, or the one of the APIs
    /// generated later, which also give their total in the body.
    pub fn page_size_parameter(self) -> &'static str {
        match self {
            Product::Instance => "per_page",
            _ => "page_size",
        }
    }

    /// The state a server of the product is in when it serves: `running` or `ready`.
    pub const fn up_state(self) -> &'static str {
        match self {
            Product::Instance => "running",
            _ => "ready",
        }
    }

    /// The IAM permission set that lets a key list the product's servers.
    pub fn permission_set(self) -> &'static str {
        match self {
            Product::Instance => "InstancesReadOnly",
            Product::ElasticMetal => "ElasticMetalReadOnly",
            Product::AppleSilicon => "AppleSiliconReadOnly",
            Product::Dedibox => "DediboxReadOnly",
        }
    }
}

impl fmt::Display for Product {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.label())
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
}
