//! The HTTP client of the Scaleway API: authentication, paging, retries, typed errors.
//!
//! Every request is counted in `scaleway_exporter_api_requests_total` by zone, endpoint and
//! outcome (the HTTP status, `error` or `timeout`), once its body is read. Every request runs
//! under the poll's deadline, retries included, so a zone's poll never outlives
//! `--poll.timeout`.
//!
//! - `client`: [`Client`], one API base URL: auth header, paging, the body cap.
//! - `error`: [`ApiError`], what went wrong in words an operator can act on.
//! - `retry`: which errors are retried, and how long to wait.
//! - `rate_limit`: the client-side request rate, shared by every zone.
//! - [`model`]: the serde model of what the API sends, one module per product.
//!
//! What it reads of each product (paths, paging, permission sets) comes from
//! [`crate::product`].

mod client;
mod error;
pub mod model;
mod rate_limit;
mod retry;

pub use client::{query_value, Client, RequestDone, RequestObserver};
pub use error::ApiError;

use crate::product::{Listing, PriceList, Product, Resource, CONSUMPTIONS, PROJECTS, SERVER_TYPES};

/// Which API is polled.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ApiFlavor {
    /// `GET /instance/v1/zones/{zone}/servers` and the Block Storage volumes list.
    Instance,
    /// `GET /servers`, the Online Labs (2014) and Scaleway (until 2019) API.
    Legacy,
}

impl ApiFlavor {
    pub const ALL: [ApiFlavor; 2] = [ApiFlavor::Instance, ApiFlavor::Legacy];

    /// The `--scaleway.api-flavor` spelling.
    pub const fn label(self) -> &'static str {
        match self {
            ApiFlavor::Instance => "instance",
            ApiFlavor::Legacy => "legacy",
        }
    }
}

impl std::fmt::Display for ApiFlavor {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.label())
    }
}

/// Servers per page: the most the API gives (docs/api-notes.md#paging-with-x-total-count-instances).
pub const PER_PAGE: usize = 100;
/// Pages read at most for one list: 100,000 servers a zone. A list that goes on past it is
/// an API that never says "last page", and the poll fails rather than spin.
pub const MAX_PAGES: usize = 1_000;
/// The largest response body read, by default (`--scaleway.max-body-size`): a full page of
/// 100 servers is about 200 KB, so this only stops a runaway or hostile answer.
pub const DEFAULT_BODY_LIMIT: usize = 64 * 1024 * 1024;

/// How much the client may ask of the API, and read from it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Limits {
    /// `--scaleway.max-body-size`: the largest response body read, in bytes.
    pub max_body_size: usize,
    /// `--scaleway.rate-limit`: requests per second, all zones together.
    pub requests_per_second: f64,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_body_size: DEFAULT_BODY_LIMIT,
            requests_per_second: rate_limit::DEFAULT_REQUESTS_PER_SECOND,
        }
    }
}

/// The endpoints polled: a product's servers list, what its zones hold beside them (volumes,
/// flexible IPs, snapshots), and the reference data.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Endpoint {
    Servers(Product),
    Resource(Resource),
    /// The Instance server-type catalog, `GET /instance/v1/zones/{zone}/products/servers`.
    Types,
    /// The projects of an organization, `GET /account/v3/projects` (no zone).
    Projects,
    /// A zone's list of prices: offers, volume types.
    Prices(PriceList),
    /// This month's consumption of an organization, `GET /billing/v2beta1/consumptions`
    /// (no zone).
    Billing,
}

impl Endpoint {
    /// The `endpoint` label: `servers` for every product (the `product` label tells them
    /// apart).
    pub fn label(self) -> &'static str {
        match self {
            Endpoint::Servers(_) => "servers",
            // `volumes` since the Block Storage sizes were read alone: the label stays.
            Endpoint::Resource(Resource::BlockVolumes) => "volumes",
            Endpoint::Resource(resource) => resource.label(),
            Endpoint::Types => "types",
            Endpoint::Projects => "projects",
            Endpoint::Prices(PriceList::BlockVolumeTypes) => "volume_types",
            Endpoint::Prices(_) => "offers",
            Endpoint::Billing => "consumptions",
        }
    }

    /// Where the endpoint lists, how it pages, and who may read it.
    pub fn listing(self) -> &'static Listing {
        match self {
            Endpoint::Servers(product) => product.servers(),
            Endpoint::Resource(resource) => resource.listing(),
            Endpoint::Types => &SERVER_TYPES,
            Endpoint::Projects => &PROJECTS,
            Endpoint::Prices(list) => list.listing(),
            Endpoint::Billing => &CONSUMPTIONS,
        }
    }

    /// The `product` label of the request: Block Storage and the type catalog serve
    /// Instances, flexible IPs Elastic Metal; projects belong to no product, and count under
    /// `account`.
    pub fn product_label(self) -> &'static str {
        match self {
            Endpoint::Servers(product) => product.label(),
            Endpoint::Resource(resource) => resource.product_label(),
            Endpoint::Types => Product::Instance.label(),
            Endpoint::Prices(list) => list.read_with().label(),
            Endpoint::Projects => "account",
            Endpoint::Billing => "billing",
        }
    }
}

/// In error messages: `servers` for Instances, as before there were other products, and
/// `elastic-metal servers` for the others.
impl std::fmt::Display for Endpoint {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Endpoint::Servers(product) if *product != Product::Instance => {
                write!(f, "{product} servers")
            }
            _ => f.write_str(self.label()),
        }
    }
}
