//! [`Snapshot`]: every polled zone of every product at one moment, and how a poll makes the
//! next one.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::{Duration, SystemTime};

use super::carry::{self, carry_state_since};
use super::{
    Bill, BlockSizes, PriceItems, ProductDetail, Project, ResourceState, Server, VolumeSizes,
    ZoneCatalog, ZonePoll,
};
use crate::api::ApiError;
use crate::product::{PriceList, Product, ProductZone, Resource};

/// Why a zone's poll failed: what the API answered, or a fault of the exporter's own (a
/// panic while polling it, caught at the zone's boundary), which fails that zone's poll and
/// no other.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum PollError {
    #[error(transparent)]
    Api(#[from] ApiError),
    #[error("internal error: {0}")]
    Internal(String),
}

impl PollError {
    /// The API's answer, when the API answered.
    pub fn api(&self) -> Option<&ApiError> {
        match self {
            PollError::Api(error) => Some(error),
            PollError::Internal(_) => None,
        }
    }

    /// The HTTP status the API answered, when it did.
    pub fn status(&self) -> Option<u16> {
        self.api().and_then(ApiError::status)
    }
}

/// The outcome of a zone's last poll.
#[derive(Debug, Clone, PartialEq)]
pub struct PollResult {
    /// When the poll ended.
    pub at: SystemTime,
    pub duration: Duration,
    /// `None` on success; why it failed otherwise.
    pub error: Option<PollError>,
}

/// A zone of a product as the snapshot knows it.
#[derive(Debug, Clone, Default)]
pub struct ZoneState {
    /// The servers of the last successful poll; shared between snapshots until replaced.
    pub servers: Arc<Vec<Server>>,
    /// The last poll, successful or not; `None` before the first one ends.
    pub last_poll: Option<PollResult>,
    /// When the last successful poll ended.
    pub last_success: Option<SystemTime>,
    /// The Block Storage sizes of the last poll that got as far as them (Instance zones);
    /// `None` before one. A failed poll of the zone leaves it as it was.
    pub volume_sizes: Option<VolumeSizes>,
    /// The sizes of the zone's last good Block Storage read (empty before one), given to
    /// `sbs_volume`s while Block Storage fails.
    pub block_sizes: Arc<BlockSizes>,
    /// Servers of `servers` that the last listing did not have, kept because that listing
    /// was short (see [`Snapshot::record_poll`]): id -> how many short listings in a row
    /// missed it. Empty after a complete listing.
    pub carried: Arc<BTreeMap<String, u32>>,
    /// What the zone holds beside its servers, by resource, as of each one's last read; a
    /// resource not read yet (or not read with this zone's product) is absent.
    pub resources: BTreeMap<Resource, ResourceState>,
}

impl ZoneState {
    /// Servers of the zone's last successful poll.
    pub fn server_count(&self) -> usize {
        self.servers.len()
    }

    pub fn last_poll_succeeded(&self) -> bool {
        self.last_poll.as_ref().is_some_and(|p| p.error.is_none())
    }

    /// Why the last poll failed; `None` when it succeeded or has not ended yet.
    pub fn last_error(&self) -> Option<&PollError> {
        self.last_poll.as_ref()?.error.as_ref()
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

    /// The zone after a successful poll: its servers replaced (with those a short listing
    /// missed kept), their state's start carried over.
    fn succeeded(&mut self, poll: ZonePoll, at: SystemTime) {
        let ZonePoll {
            mut servers,
            complete,
            volume_sizes,
            block_sizes,
            resources,
        } = poll;
        for (resource, read) in resources {
            let state = ResourceState::after(self.resources.get(&resource), resource, read);
            self.resources.insert(resource, state);
        }
        if let Some(fresh) = block_sizes {
            self.block_sizes = Arc::new(fresh);
        } else if matches!(volume_sizes, VolumeSizes::Failed(_)) {
            self.block_sizes.apply(&mut servers);
        }
        let mut carried = BTreeMap::new();
        if !complete {
            (servers, carried) = carry::keep_missing(&self.servers, &self.carried, servers);
        }
        self.volume_sizes = Some(volume_sizes);
        self.servers = Arc::new(carry_state_since(&self.servers, servers, at));
        self.carried = Arc::new(carried);
        self.last_success = Some(at);
    }
}

/// The whole inventory at one moment: every zone of every product polled, polled or not yet.
#[derive(Debug, Clone, Default)]
pub struct Snapshot {
    /// Every (product, zone) polled. A product left out (its key may not read it) or a zone
    /// it turned out not to serve has no entry.
    zones: BTreeMap<ProductZone, ZoneState>,
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
    /// Each zone's lists of prices as of their last good read (`inventory/prices.rs`).
    pub prices: Arc<BTreeMap<(PriceList, String), PriceItems>>,
    /// This month's bill of the fleet's organizations as of its last good read.
    pub bill: Arc<Bill>,
    /// Whether the last read of each reference (`types`, `projects`, a price list, `billing`)
    /// succeeded, by reference and zone (empty for what has none).
    pub reference_success: Arc<BTreeMap<(&'static str, String), bool>>,
}

impl Snapshot {
    /// A snapshot of the (product, zone) pairs to poll, none polled yet; the products that
    /// have none are not selected.
    pub fn of(targets: impl IntoIterator<Item = ProductZone>) -> Self {
        let mut snapshot = Snapshot::default();
        for target in targets {
            snapshot.enabled.insert(target.product, true);
            snapshot.zones.entry(target).or_default();
        }
        snapshot
    }

    /// A product's zone, if it is polled.
    pub fn zone(&self, product: Product, zone: &str) -> Option<&ZoneState> {
        self.zones.get(&ProductZone::new(product, zone))
    }

    /// Every polled zone of every product, by product, then zone.
    pub fn zones(&self) -> impl Iterator<Item = (&ProductZone, &ZoneState)> {
        self.zones.iter()
    }

    /// Every polled zone of `product`, in order.
    pub fn zones_of(&self, product: Product) -> impl Iterator<Item = (&str, &ZoneState)> {
        self.zones
            .range(ProductZone::new(product, "")..)
            .take_while(move |(target, _)| target.product == product)
            .map(|(target, state)| (target.zone.as_str(), state))
    }

    /// Every server of every product, with its zone.
    pub fn servers(&self) -> impl Iterator<Item = (&str, &Server)> {
        self.zones
            .iter()
            .flat_map(|(target, state)| state.servers.iter().map(|s| (target.zone.as_str(), s)))
    }

    /// Every server of `product`, with its zone; none when the product is not polled.
    pub fn servers_of(&self, product: Product) -> impl Iterator<Item = (&str, &Server)> {
        self.zones_of(product)
            .flat_map(|(zone, state)| state.servers.iter().map(move |s| (zone, s)))
    }

    /// Every server of the product whose detail is `D`, with its zone and that detail.
    pub fn servers_with<D: ProductDetail>(&self) -> impl Iterator<Item = (&str, &Server, &D)> {
        self.servers_of(D::PRODUCT)
            .filter_map(|(zone, s)| Some((zone, s, D::of(&s.detail)?)))
    }

    /// True once every zone has been polled at least once, successfully or not.
    pub fn all_polled(&self) -> bool {
        self.zones.values().all(|zone| zone.last_poll.is_some())
    }

    /// Servers of every product.
    pub fn server_count(&self) -> usize {
        self.zones.values().map(ZoneState::server_count).sum()
    }

    /// Takes out a product's zone: the product does not serve it.
    pub fn remove_zone(&mut self, product: Product, zone: &str) {
        self.zones.remove(&ProductZone::new(product, zone));
    }

    /// Leaves a product out: none of its zones, `enabled` false.
    pub fn leave_out(&mut self, product: Product) {
        self.zones.retain(|target, _| target.product != product);
        self.enabled.insert(product, false);
    }

    /// Records a zone's poll. A successful one replaces the zone's servers, a failed one
    /// keeps them and records the failure. With it comes what became of the Block Storage
    /// sizes: a fresh read replaces the zone's last good one; a failed read gives the
    /// `sbs_volume`s the sizes of the last good one (none before one). A short listing
    /// (fewer distinct servers than the API announced: the pages shifted while they were
    /// read) also keeps the zone's servers that it misses, each for at most
    /// [`CARRY_LIMIT`](super::CARRY_LIMIT) short listings in a row, so a server skipped by
    /// the shift does not vanish for a poll (docs/design.md#a-server-missed-while-paging).
    /// A zone not in the snapshot is added.
    pub fn record_poll(
        &mut self,
        product: Product,
        zone: &str,
        outcome: Result<ZonePoll, PollError>,
        at: SystemTime,
        duration: Duration,
    ) {
        let state = self
            .zones
            .entry(ProductZone::new(product, zone))
            .or_default();
        let error = match outcome {
            Ok(poll) => {
                state.succeeded(poll, at);
                None
            }
            Err(error) => Some(error),
        };
        state.last_poll = Some(PollResult {
            at,
            duration,
            error,
        });
    }

    /// [`Snapshot::record_poll`], as a builder.
    pub fn with_poll(
        mut self,
        product: Product,
        zone: &str,
        outcome: Result<ZonePoll, PollError>,
        at: SystemTime,
        duration: Duration,
    ) -> Snapshot {
        self.record_poll(product, zone, outcome, at, duration);
        self
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::Endpoint;
    use crate::inventory::instance::servers_from_json;

    const INSTANCE: Product = Product::Instance;

    fn boom() -> ApiError {
        ApiError::Transport {
            endpoint: Endpoint::Servers(INSTANCE),
            reason: "boom".into(),
        }
    }

    fn at(seconds: u64) -> SystemTime {
        SystemTime::UNIX_EPOCH + Duration::from_secs(seconds)
    }

    fn paris() -> Snapshot {
        Snapshot::of([ProductZone::new(INSTANCE, "fr-par-1")])
    }

    fn poll(snapshot: Snapshot, json: &str, seconds: u64) -> Snapshot {
        let servers = servers_from_json(json);
        snapshot.with_poll(
            INSTANCE,
            "fr-par-1",
            Ok(servers.into()),
            at(seconds),
            Duration::ZERO,
        )
    }

    fn fail(snapshot: Snapshot, seconds: u64) -> Snapshot {
        snapshot.with_poll(
            INSTANCE,
            "fr-par-1",
            Err(boom().into()),
            at(seconds),
            Duration::ZERO,
        )
    }

    #[test]
    fn a_failed_poll_keeps_the_zones_servers_and_a_good_one_replaces_them() {
        let first = poll(paris(), r#"{"servers":[{"id":"a"}]}"#, 100);
        let failed = fail(first, 160);
        let zone = failed.zone(INSTANCE, "fr-par-1").unwrap();
        assert_eq!(zone.server_count(), 1);
        assert!(!zone.last_poll_succeeded());
        assert_eq!(zone.last_error(), Some(&PollError::Api(boom())));
        assert_eq!(zone.last_success, Some(at(100)));
        let emptied = poll(failed, r#"{"servers":[]}"#, 220);
        let zone = emptied.zone(INSTANCE, "fr-par-1").unwrap();
        assert_eq!(zone.server_count(), 0);
        assert!(zone.last_poll_succeeded());
    }

    #[test]
    fn a_failed_poll_keeps_state_since_and_the_next_good_one_carries_it() {
        let stopped = r#"{"servers":[{"id":"a","state":"stopped"}]}"#;
        let back = poll(fail(poll(paris(), stopped, 100), 160), stopped, 220);
        let since = back.zone(INSTANCE, "fr-par-1").unwrap().servers[0]
            .state_since
            .unwrap();
        assert_eq!(since.at, at(100));
    }

    #[test]
    fn the_zones_and_servers_of_a_product_are_read_apart_from_the_others() {
        let targets = [
            ProductZone::new(INSTANCE, "nl-ams-1"),
            ProductZone::new(Product::Dedibox, "fr-par-1"),
            ProductZone::new(INSTANCE, "fr-par-1"),
        ];
        let snapshot = poll(Snapshot::of(targets), r#"{"servers":[{"id":"a"}]}"#, 100);
        let zones: Vec<String> = snapshot.zones().map(|(t, _)| t.to_string()).collect();
        assert_eq!(zones, ["fr-par-1", "nl-ams-1", "dedibox/fr-par-1"]);
        let instance: Vec<&str> = snapshot.zones_of(INSTANCE).map(|(z, _)| z).collect();
        assert_eq!(instance, ["fr-par-1", "nl-ams-1"]);
        assert_eq!(snapshot.servers_of(INSTANCE).count(), 1);
        assert_eq!(snapshot.servers_of(Product::Dedibox).count(), 0);
        assert_eq!(snapshot.servers_of(Product::ElasticMetal).count(), 0);
        assert!(!snapshot.all_polled());
        let mut left = snapshot.clone();
        left.leave_out(Product::Dedibox);
        left.remove_zone(INSTANCE, "nl-ams-1");
        assert!(
            left.all_polled(),
            "only fr-par-1 is left, and it was polled"
        );
        assert!(!left.enabled[&Product::Dedibox]);
        assert!(left.enabled[&INSTANCE]);
    }
}
