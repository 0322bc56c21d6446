//! API model -> inventory snapshot: pure functions, no I/O.
//!
//! A [`Snapshot`] is immutable once published: each poll builds the next one from the
//! previous one and the zones it polled, and publishes it whole. The metrics are a function of it alone, so a
//! server gone from the API is gone from `/metrics` with no bookkeeping.

use std::time::SystemTime;

mod apple_silicon;
mod block;
mod carry;
mod catalog;
mod dedibox;
mod elastic_metal;
#[cfg(test)]
pub(crate) mod fixtures;
mod fleet;
mod instance;
mod maintenance;
mod prices;
mod resources;
mod snapshot;

pub use block::{BlockSizes, VolumeSizes, ZonePoll};
pub use carry::{listing_is_complete, CARRY_LIMIT};
pub use catalog::{catalog_from_api, projects_from_api, Project, ServerType, ZoneCatalog};
pub use fleet::Fleet;
pub use instance::servers_from_api;
pub use maintenance::Maintenance;
pub use prices::{
    block_volume_types, dedibox_offers, elastic_metal_offers, Bill, OfferPrice, Period, PriceItems,
    VolumeTypePrice,
};
pub use resources::{
    ips_from, snapshots_from, volumes_from, IpItem, Items, ReadOutcome, ResourceState,
    SnapshotItem, VolumeItem,
};
pub use snapshot::{PollError, PollResult, Snapshot, ZoneState};

use crate::product::{Product, State};

/// One server of any product as the metrics and the pages see it: what every product says
/// of its servers, normalised, and in [`Detail`] what only its product says.
#[derive(Debug, Clone, PartialEq)]
pub struct Server {
    /// A UUID; Dedibox's is a number, as its decimal text.
    pub id: String,
    /// Dedibox: the hostname.
    pub name: String,
    /// A state of the server's product; anything the API says that the product does not name
    /// is its `unknown`.
    pub state: State,
    /// The commercial type (Instances: `DEV1-S`, Apple silicon: `M2-M`) or offer (Elastic
    /// Metal: `EM-B112X-SSD`, Dedibox: `Start-2-M-SATA`).
    pub server_type: String,
    pub project_id: String,
    pub organization_id: String,
    /// Unix seconds; `None` when the API gave no parseable date.
    pub created: Option<f64>,
    /// Each once, in API order; Dedibox lists have none.
    pub tags: Vec<String>,
    /// Each once, in API order.
    pub addresses: Vec<Address>,
    pub detail: Detail,
    /// Since when the server is in `state`, as seen by this exporter; set when a snapshot
    /// takes the server in, `None` before.
    pub state_since: Option<StateSince>,
}

impl Server {
    /// The product the server belongs to.
    pub fn product(&self) -> Product {
        self.state.product()
    }

    /// True when the server is in its product's up state (`running`, `ready`).
    pub fn is_up(&self) -> bool {
        self.state.is_up()
    }

    /// Its product's own detail, when it is of type `D`.
    pub fn detail<D: ProductDetail>(&self) -> Option<&D> {
        D::of(&self.detail)
    }

    /// Its volumes, in index order; none for a product whose servers list none.
    pub fn volumes(&self) -> &[Volume] {
        match &self.detail {
            Detail::Instance(instance) => &instance.volumes,
            _ => &[],
        }
    }
}

/// What one product alone says of its servers.
#[derive(Debug, Clone, PartialEq)]
pub enum Detail {
    Instance(InstanceDetail),
    ElasticMetal(ElasticMetalDetail),
    AppleSilicon(AppleSiliconDetail),
    Dedibox(DediboxDetail),
}

#[derive(Debug, Clone, PartialEq)]
pub struct InstanceDetail {
    pub arch: String,
    /// Empty when the server has no image (`image: null`).
    pub image_name: String,
    /// Unix seconds of `modification_date`.
    pub modified: Option<f64>,
    /// In index order ("0", "1", ..., "10").
    pub volumes: Vec<Volume>,
    /// `local`, `rescue`, ... as the API says; empty when it says nothing (2014 API).
    pub boot_type: String,
    /// One per distinct reason, in API order.
    pub maintenances: Vec<Maintenance>,
    /// The server's own `end_of_service`; false when absent (before 2025).
    pub end_of_service: bool,
}

#[derive(Debug, Clone, PartialEq)]
pub struct ElasticMetalDetail {
    /// Scaleway's ping of the machine: `None` when it says `unknown`.
    pub ping_up: Option<bool>,
    /// The offer it is billed by, hourly or monthly; empty when the API says none.
    pub offer_id: String,
}

#[derive(Debug, Clone, PartialEq)]
pub struct AppleSiliconDetail {
    /// The `name` of its `os` object; empty when absent.
    pub os_name: String,
    /// The earliest the server may be deleted, Unix seconds.
    pub deletable: Option<f64>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct DediboxDetail {
    pub datacenter: String,
    /// The offer it is billed by; empty when the API says none.
    pub offer_id: String,
    /// When the server's term ends, Unix seconds.
    pub expiration: Option<f64>,
}

/// A product's own detail type, to read the servers of that product with it
/// ([`Snapshot::servers_with`]).
pub trait ProductDetail: 'static {
    const PRODUCT: Product;
    /// The detail, when it is of this type.
    fn of(detail: &Detail) -> Option<&Self>;
}

macro_rules! product_detail {
    ($($detail:ident => $variant:ident),* $(,)?) => {$(
        impl ProductDetail for $detail {
            const PRODUCT: Product = Product::$variant;
            fn of(detail: &Detail) -> Option<&Self> {
                match detail {
                    Detail::$variant(own) => Some(own),
                    _ => None,
                }
            }
        }
    )*};
}

product_detail!(
    InstanceDetail => Instance,
    ElasticMetalDetail => ElasticMetal,
    AppleSiliconDetail => AppleSilicon,
    DediboxDetail => Dedibox,
);

/// Since when a server is in its current state, as seen by this exporter. The API does not
/// say: `modification_date` also moves when a tag or a volume changes, and stays put on
/// some state changes, so the exporter keeps its own record, carried from snapshot to
/// snapshot.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StateSince {
    /// The end of the first successful poll that saw the server in this state.
    pub at: SystemTime,
    /// True when this exporter saw the server in another state before `at`, so the change
    /// happened between the previous successful poll and `at`. False when the server was
    /// already in this state the first time this exporter saw it (after a restart, or a new
    /// server): the state began at `at` or earlier.
    pub observed_change: bool,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Volume {
    pub id: String,
    /// The key in the API's `volumes` map.
    pub index: String,
    pub volume_type: String,
    pub name: String,
    /// Bytes; `None` when neither the server object nor the Block Storage API knows it.
    pub size: Option<u64>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Family {
    Inet,
    Inet6,
}

impl Family {
    pub fn as_str(self) -> &'static str {
        match self {
            Family::Inet => "inet",
            Family::Inet6 => "inet6",
        }
    }

    fn of(address: &str) -> Family {
        if address.contains(':') {
            Family::Inet6
        } else {
            Family::Inet
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    Public,
    Private,
}

impl Scope {
    pub fn as_str(self) -> &'static str {
        match self {
            Scope::Public => "public",
            Scope::Private => "private",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Address {
    pub address: String,
    pub family: Family,
    pub scope: Scope,
}

/// RFC 3339 (`2026-08-11T09:17:01.059214+00:00`, or with `Z`) to Unix seconds.
pub fn unix_seconds(text: &str) -> Option<f64> {
    let date = chrono::DateTime::parse_from_rfc3339(text).ok()?;
    Some(date.timestamp() as f64 + f64::from(date.timestamp_subsec_micros()) / 1e6)
}

/// Tags in API order, each once: a repeated tag would be a duplicate series.
fn dedup(items: Vec<String>) -> Vec<String> {
    let mut seen = std::collections::HashSet::with_capacity(items.len());
    items
        .into_iter()
        .filter(|item| seen.insert(item.clone()))
        .collect()
}

/// Each public address once, with its family from its form (the APIs spell it `IPv4`,
/// `ipv4` or not at all).
fn public_addresses<'a>(addresses: impl Iterator<Item = &'a str>) -> Vec<Address> {
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
    fn dates_with_offsets_and_microseconds_become_unix_seconds() {
        assert_eq!(
            unix_seconds("2026-08-11T09:17:01.059214+00:00"),
            Some(1_786_439_821.059214)
        );
        assert_eq!(unix_seconds("2026-07-20T14:35:34Z"), Some(1_784_558_134.0));
        assert_eq!(unix_seconds("yesterday"), None);
    }
}
