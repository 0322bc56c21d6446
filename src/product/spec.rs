//! [`Spec`]: the facts of one product, and the four products' own.

use super::listing::{Listing, Total};
use super::state::{AppleSiliconState, DediboxState, ElasticMetalState, InstanceState, State};

/// What the exporter knows of one product.
#[derive(Debug)]
pub struct Spec {
    /// The `product` label value and `--scaleway.product` spelling.
    pub label: &'static str,
    /// The product's name in prose: `Elastic Metal`.
    pub title: &'static str,
    /// One of its servers in the metrics' help: `Elastic Metal server`; `server` for
    /// Instances, whose families came first and say `scaleway_server_...`.
    pub server_noun: &'static str,
    /// The same with its article: `an Elastic Metal server`.
    pub a_server: &'static str,
    /// The zones Scaleway's SDK lists for the product today. A zone given with
    /// `--scaleway.zone` that is in no product's list is polled for every product (a zone
    /// newer than this release); one that is known for some product but not this one is not.
    pub zones: &'static [&'static str],
    /// Where its servers are listed, how the list pages, and who may read it.
    pub servers: Listing,
    /// The start of the names of its servers' metric families.
    pub metric_prefix: &'static str,
    /// Every state, in the order the metrics write them; anything else the API says is the
    /// product's `unknown`.
    pub states: &'static [State],
    /// The state in which a server serves.
    pub up: State,
}

pub(super) const INSTANCE: Spec = Spec {
    label: "instance",
    title: "Instances",
    server_noun: "server",
    a_server: "a server",
    zones: &[
        "fr-par-1", "fr-par-2", "fr-par-3", "nl-ams-1", "nl-ams-2", "nl-ams-3", "pl-waw-1",
        "pl-waw-2", "pl-waw-3", "it-mil-1",
    ],
    servers: Listing {
        path: "/instance/v1/zones/{zone}/servers",
        page_size: "per_page",
        total: Total::Header,
        permission_set: "InstancesReadOnly",
    },
    metric_prefix: "scaleway_server_",
    states: InstanceState::STATES,
    up: State::Instance(InstanceState::Running),
};

pub(super) const ELASTIC_METAL: Spec = Spec {
    label: "elastic-metal",
    title: "Elastic Metal",
    server_noun: "Elastic Metal server",
    a_server: "an Elastic Metal server",
    zones: &[
        "fr-par-1", "fr-par-2", "nl-ams-1", "nl-ams-2", "pl-waw-2", "pl-waw-3",
    ],
    servers: Listing {
        path: "/baremetal/v1/zones/{zone}/servers",
        page_size: "page_size",
        total: Total::Body,
        permission_set: "ElasticMetalReadOnly",
    },
    metric_prefix: "scaleway_elastic_metal_server_",
    states: ElasticMetalState::STATES,
    up: State::ElasticMetal(ElasticMetalState::Ready),
};

pub(super) const APPLE_SILICON: Spec = Spec {
    label: "apple-silicon",
    title: "Apple silicon",
    server_noun: "Apple silicon server",
    a_server: "an Apple silicon server",
    // The SDK names fr-par-3 only; every server ever recorded lives in fr-par-1.
    zones: &["fr-par-1", "fr-par-3"],
    servers: Listing {
        path: "/apple-silicon/v1alpha1/zones/{zone}/servers",
        page_size: "page_size",
        total: Total::Body,
        permission_set: "AppleSiliconReadOnly",
    },
    metric_prefix: "scaleway_apple_silicon_server_",
    states: AppleSiliconState::STATES,
    up: State::AppleSilicon(AppleSiliconState::Ready),
};

pub(super) const DEDIBOX: Spec = Spec {
    label: "dedibox",
    title: "Dedibox",
    server_noun: "Dedibox server",
    a_server: "a Dedibox server",
    zones: &["fr-par-1", "fr-par-2", "nl-ams-1"],
    servers: Listing {
        path: "/dedibox/v1/zones/{zone}/servers",
        page_size: "page_size",
        total: Total::Body,
        permission_set: "DediboxReadOnly",
    },
    metric_prefix: "scaleway_dedibox_server_",
    states: DediboxState::STATES,
    up: State::Dedibox(DediboxState::Ready),
};
