//! [`Snapshot`]: every polled zone of every product at one moment, and how a poll makes the
//! next one.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::{Duration, SystemTime};

use super::carry::{self, carry_state_since};
use super::{BlockSizes, ProductServer, Project, Server, VolumeSizes, ZoneCatalog, ZonePoll};
use crate::api::Product;

/// The outcome of a zone's last poll.
#[derive(Debug, Clone, PartialEq)]
pub struct PollResult {
    /// When the poll ended.
    pub at: SystemTime,
    pub duration: Duration,
    /// `None` on success; the error in words otherwise.
    pub error: Option<String>,
}

/// A zone of a product as the snapshot knows it.
#[derive(Debug, Clone, Default)]
pub struct ZoneState {
    /// Instance servers of the last successful poll; shared between snapshots until
    /// replaced. Empty in the zones of other products.
    pub servers: Arc<Vec<Server>>,
    /// Servers of the last successful poll of another product's zone; empty in Instance
    /// zones.
    pub others: Arc<Vec<ProductServer>>,
    /// The last poll, successful or not; `None` before the first one ends.
    pub last_poll: Option<PollResult>,
    /// When the last successful poll ended.
    pub last_success: Option<SystemTime>,
    /// The Block Storage sizes of the last poll that got as far as them; `None` before one.
    /// A failed poll of the zone leaves it as it was.
    pub volume_sizes: Option<VolumeSizes>,
    /// The sizes of the zone's last good Block Storage read (empty before one), given to
    /// `sbs_volume`s while Block Storage fails.
    pub block_sizes: Arc<BlockSizes>,
    /// Servers of `servers` that the last listing did not have, kept because that listing
    /// was short (see [`Snapshot::with_zone_poll`]): id -> how many short listings in a row
    /// missed it. Empty after a complete listing.
    pub carried: Arc<BTreeMap<String, u32>>,
}

impl ZoneState {
    pub fn last_poll_succeeded(&self) -> bool {
        self.last_poll.as_ref().is_some_and(|p| p.error.is_none())
    }

    /// `scaleway_exporter_volume_sizes_success`: true when the last poll succeeded and its
    /// Block Storage sizes were read or not needed; `None` before the first poll ends.
    pub fn volume_sizes_succeeded(&self) -> Option<bool> {
        self.last_poll.as_ref()?;
        Some(
            self.last_poll_succeeded()
                && self.volume_sizes.as_ref().is_none_or(VolumeSizes::success),
        )
    }
}

/// The whole inventory at one moment: every configured zone of every polled product,
/// polled or not yet.
#[derive(Debug, Clone, Default)]
pub struct Snapshot {
    /// The Instance zones (the legacy API's one zone label included).
    pub zones: BTreeMap<String, ZoneState>,
    /// The zones of the other products polled. A product left out (its key may not read it)
    /// or a zone it turned out not to serve has no entry.
    pub products: BTreeMap<Product, BTreeMap<String, ZoneState>>,
    /// Every product selected, and whether it is polled (true) or was left out because its key
    /// may not read it (false): `scaleway_exporter_product_enabled`. A product not selected has
    /// no entry, so nothing alerts about it.
    pub enabled: BTreeMap<Product, bool>,
    /// Each Instance zone's server-type catalog as of its last good read; a zone not read
    /// yet is absent. Carried from snapshot to snapshot (`inventory/catalog.rs`).
    pub catalog: Arc<BTreeMap<String, ZoneCatalog>>,
    /// The projects of the fleet's organizations as of their last good read, in
    /// (organization, id) order. Carried from snapshot to snapshot.
    pub projects: Arc<Vec<Project>>,
}

impl Snapshot {
    /// A snapshot of Instance zones alone, none polled yet.
    pub fn new(zones: &[String]) -> Self {
        let targets: Vec<(Product, String)> = zones
            .iter()
            .map(|zone| (Product::Instance, zone.clone()))
            .collect();
        Snapshot::of_targets(&targets)
    }

    /// A snapshot of the (product, zone) pairs to poll, none polled yet; the products that
    /// have none are not selected.
    pub fn of_targets(targets: &[(Product, String)]) -> Self {
        let mut snapshot = Snapshot::default();
        for (product, zone) in targets {
            snapshot.enabled.insert(*product, true);
            snapshot.zone_entry(*product, zone);
        }
        snapshot
    }

    /// A product's zone, if it is polled.
    pub fn zone(&self, product: Product, zone: &str) -> Option<&ZoneState> {
        match product {
            Product::Instance => self.zones.get(zone),
            other => self.products.get(&other)?.get(zone),
        }
    }

    fn zone_entry(&mut self, product: Product, zone: &str) -> &mut ZoneState {
        let zones = match product {
            Product::Instance => &mut self.zones,
            other => self.products.entry(other).or_default(),
        };
        zones.entry(zone.to_owned()).or_default()
    }

    /// Every polled zone of every product: the Instance ones first, then by product and zone.
    pub fn each_zone(&self) -> impl Iterator<Item = (Product, &str, &ZoneState)> {
        let instance = self
            .zones
            .iter()
            .map(|(zone, state)| (Product::Instance, zone.as_str(), state));
        let others = self.products.iter().flat_map(|(product, zones)| {
            zones
                .iter()
                .map(move |(zone, state)| (*product, zone.as_str(), state))
        });
        instance.chain(others)
    }

    /// Every server of a product other than Instances, with its zone.
    pub fn product_servers(&self) -> impl Iterator<Item = (&str, &ProductServer)> {
        self.products
            .keys()
            .flat_map(|product| self.servers_of(*product))
    }

    /// Every server of `product` (not Instances: their servers are in [`Self::zones`]), with
    /// its zone; none when the product is not polled.
    pub fn servers_of(&self, product: Product) -> impl Iterator<Item = (&str, &ProductServer)> {
        self.products.get(&product).into_iter().flat_map(|zones| {
            zones.iter().flat_map(|(zone, state)| {
                state
                    .others
                    .iter()
                    .map(move |server| (zone.as_str(), server))
            })
        })
    }

    /// True once every zone has been polled at least once, successfully or not.
    pub fn all_polled(&self) -> bool {
        self.each_zone()
            .all(|(_, _, zone)| zone.last_poll.is_some())
    }

    /// Servers of every product.
    pub fn server_count(&self) -> usize {
        self.each_zone()
            .map(|(_, _, zone)| zone.servers.len() + zone.others.len())
            .sum()
    }

    /// The next snapshot without a product's zone: the product does not serve it.
    pub fn without_zone(&self, product: Product, zone: &str) -> Snapshot {
        let mut next = self.clone();
        match product {
            Product::Instance => {
                next.zones.remove(zone);
            }
            other => {
                if let Some(zones) = next.products.get_mut(&other) {
                    zones.remove(zone);
                }
            }
        }
        next
    }

    /// The next snapshot with a product left out: none of its zones, `enabled` false.
    pub fn without_product(&self, product: Product) -> Snapshot {
        let mut next = self.clone();
        match product {
            Product::Instance => next.zones.clear(),
            other => {
                next.products.remove(&other);
            }
        }
        next.enabled.insert(product, false);
        next
    }

    /// The next snapshot: a successful poll replaces the zone's servers, a failed one keeps
    /// them and records the failure.
    pub fn with_poll(
        &self,
        zone: &str,
        outcome: Result<Vec<Server>, String>,
        at: SystemTime,
        duration: Duration,
    ) -> Snapshot {
        self.with_zone_poll(zone, outcome.map(ZonePoll::without_block), at, duration)
    }

    /// [`Snapshot::with_poll`] with what became of the Block Storage sizes: a fresh read
    /// replaces the zone's last good one; a failed read gives the `sbs_volume`s the sizes of
    /// the last good one (none before one). A short listing (fewer distinct servers than the
    /// API announced: the pages shifted while they were read) also keeps the zone's servers
    /// that it misses, each for at most [`CARRY_LIMIT`](super::CARRY_LIMIT) short listings in a row, so a server
    /// skipped by the shift does not vanish for a poll
    /// (docs/design.md#a-server-missed-while-paging).
    pub fn with_zone_poll(
        &self,
        zone: &str,
        outcome: Result<ZonePoll, String>,
        at: SystemTime,
        duration: Duration,
    ) -> Snapshot {
        self.with_product_poll(Product::Instance, zone, outcome, at, duration)
    }

    /// [`Snapshot::with_zone_poll`] for a zone of any product.
    pub fn with_product_poll(
        &self,
        product: Product,
        zone: &str,
        outcome: Result<ZonePoll, String>,
        at: SystemTime,
        duration: Duration,
    ) -> Snapshot {
        let mut next = self.clone();
        let state = next.zone_entry(product, zone);
        match outcome {
            Ok(ZonePoll {
                mut servers,
                mut others,
                complete,
                volume_sizes,
                block_sizes,
            }) => {
                if let Some(fresh) = block_sizes {
                    state.block_sizes = Arc::new(fresh);
                } else if matches!(volume_sizes, VolumeSizes::Failed { .. }) {
                    state.block_sizes.apply(&mut servers);
                }
                let mut carried = BTreeMap::new();
                if !complete {
                    let (more, missed) =
                        carry::keep_missing(&state.servers, &state.carried, servers);
                    servers = more;
                    carried = missed;
                    let (more, missed) = carry::keep_missing(&state.others, &state.carried, others);
                    others = more;
                    carried.extend(missed);
                }
                state.volume_sizes = Some(volume_sizes);
                state.servers = Arc::new(carry_state_since(&state.servers, servers, at));
                state.others = Arc::new(carry_state_since(&state.others, others, at));
                state.carried = Arc::new(carried);
                state.last_success = Some(at);
                state.last_poll = Some(PollResult {
                    at,
                    duration,
                    error: None,
                });
            }
            Err(error) => {
                state.last_poll = Some(PollResult {
                    at,
                    duration,
                    error: Some(error),
                });
            }
        }
        next
    }
}
