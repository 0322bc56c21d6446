//! The poll's log lines: one per product and cause, written once every zone has ended.

use std::collections::{BTreeMap, BTreeSet};
use std::time::Duration;

use super::target::not_served;
use super::Polled;
use crate::api::ApiError;
use crate::inventory::{Items, ReadOutcome, Snapshot, ZonePoll, ZoneState};
use crate::product::{Product, ProductZone, Resource};

/// Zones that share one log line: the same message for the same cause.
#[derive(Default)]
struct Group<'a> {
    zones: Vec<&'a str>,
    /// The first zone's error as it is, for a line of one zone.
    error: String,
    /// The error with the zone's name replaced by `{zone}`, for a line of several (a
    /// connection error quotes the URL, which names the zone).
    common_error: String,
    servers: usize,
    duration: Duration,
}

impl<'a> Group<'a> {
    fn add(&mut self, zone: &'a str, error: String, servers: usize, duration: Duration) {
        if self.zones.is_empty() {
            self.common_error = error.replace(zone, "{zone}");
            self.error = error;
        }
        self.zones.push(zone);
        self.servers += servers;
        self.duration = self.duration.max(duration);
    }

    /// The error of the line: the zone's own for one zone, the shared text for several.
    fn error(&self) -> &str {
        if self.zones.len() == 1 {
            &self.error
        } else {
            &self.common_error
        }
    }

    fn duration_ms(&self) -> u64 {
        millis(self.duration)
    }
}

/// Groups `(zone, kind, error)` by kind and by the error's text with the zone's name taken out,
/// so that ten zones failing for one cause make one line, and two causes two.
fn group_by_cause<'a, K: Ord>(
    items: impl IntoIterator<Item = (&'a str, K, String, usize, Duration)>,
) -> BTreeMap<(K, String), Group<'a>> {
    let mut groups: BTreeMap<(K, String), Group<'a>> = BTreeMap::new();
    for (zone, kind, error, servers, duration) in items {
        let cause = error.replace(zone, "{zone}");
        groups
            .entry((kind, cause))
            .or_default()
            .add(zone, error, servers, duration);
    }
    groups
}

/// One line per zone of the group, or one line naming them all: `zone` for one, `zones` (a
/// comma-separated list) for several. The message is fixed; values and the error are fields.
macro_rules! log_group {
    ($level:ident, $product:expr, $group:expr, $message:literal $(, $field:ident = $value:expr)* $(; $($arg:expr),+)? $(,)?) => {{
        let group = &$group;
        let product = $product.label();
        if let [zone] = group.zones.as_slice() {
            tracing::$level!(product, zone, $($field = $value,)* $message $(, $($arg),+)?);
        } else {
            tracing::$level!(product, zones = group.zones.join(",").as_str(), $($field = $value,)* $message $(, $($arg),+)?);
        }
    }};
}

/// The log lines of one poll, product by product. The products in `left_out` have their own
/// line (the poller's), and no other.
pub(super) fn log_poll(polled: &[Polled], previous: &Snapshot, left_out: &[Product]) {
    for product in Product::ALL {
        if left_out.contains(&product) {
            continue;
        }
        let mine: Vec<&Polled> = polled
            .iter()
            .filter(|p| p.target.product == product)
            .collect();
        if !mine.is_empty() {
            log_failures(product, &mine, previous);
            log_successes(product, &mine, previous);
        }
        log_resources(&mine, previous);
    }
}

/// One line when every zone has been polled once, with what the fleet is.
pub(super) fn log_first_poll(previous: &Snapshot, next: &Snapshot) {
    if previous.all_polled() || !next.all_polled() {
        return;
    }
    let pairs: Vec<_> = next.zones().collect();
    let distinct = |of: fn(&ProductZone) -> &str| {
        pairs
            .iter()
            .map(|(pz, _)| of(pz))
            .collect::<BTreeSet<_>>()
            .len()
    };
    tracing::info!(
        servers = next.server_count(),
        products = distinct(|pz| pz.product.label()),
        zones = distinct(|pz| pz.zone.as_str()),
        product_zones = pairs.len(),
        failed_product_zones = pairs
            .iter()
            .filter(|(_, z)| !z.last_poll_succeeded())
            .count(),
        "first poll complete"
    );
}

/// A failure is logged at every poll, but zones that fail for the same cause share one line;
/// a zone the product turns out not to serve gets one line.
fn log_failures(product: Product, polled: &[&Polled], previous: &Snapshot) {
    let mut unserved = Vec::new();
    let failures = polled.iter().filter_map(|p| {
        let error = p.outcome.as_ref().err()?;
        let zone = p.target.zone.as_str();
        if not_served(error) {
            unserved.push(zone);
            return None;
        }
        let kept = previous
            .zone(product, zone)
            .filter(|z| z.last_success.is_some());
        let servers = kept.map_or(0, ZoneState::server_count);
        Some((zone, kept.is_some(), error.to_string(), servers, p.duration))
    });
    for ((kept, _), group) in group_by_cause(failures) {
        // The error's text carries the operator's hint ("check SCW_SECRET_KEY ...").
        if kept {
            log_group!(
                warn,
                product,
                group,
                "zone poll failed; serving the servers of its last successful poll",
                duration_ms = group.duration_ms(),
                kept_servers = group.servers,
                error = group.error()
            );
        } else {
            log_group!(
                warn,
                product,
                group,
                "zone poll failed; it has had no successful poll yet, so it has no servers to serve",
                duration_ms = group.duration_ms(),
                error = group.error()
            );
        }
    }
    if !unserved.is_empty() {
        tracing::info!(
            product = product.label(),
            zones = unserved.join(",").as_str(),
            "the product does not serve these zones (the API answered 501 unknown service); they are left out for this run"
        );
    }
}

/// A zone that succeeds after failing gets one line (zones together); the rest is debug.
fn log_successes(product: Product, polled: &[&Polled], previous: &Snapshot) {
    let mut recovered = Group::default();
    for p in polled {
        let Ok(ZonePoll { servers, .. }) = &p.outcome else {
            continue;
        };
        let zone = p.target.zone.as_str();
        let failing_before = previous
            .zone(product, zone)
            .is_some_and(|z| z.last_poll.is_some() && !z.last_poll_succeeded());
        if failing_before {
            recovered.add(zone, String::new(), servers.len(), p.duration);
        } else {
            tracing::debug!(
                product = product.label(),
                zone,
                servers = servers.len(),
                duration_ms = millis(p.duration),
                "zone polled"
            );
        }
    }
    if !recovered.zones.is_empty() {
        log_group!(
            info,
            product,
            recovered,
            "zone poll succeeded after failing",
            servers = recovered.servers,
            duration_ms = recovered.duration_ms()
        );
    }
}

/// What changed in the reads beside the servers at this poll, and the log lines it makes.
#[derive(Default)]
struct ResourceLines<'a> {
    /// (permission set, zone, resource, error) of refusals that began.
    refused: Vec<(&'static str, &'a str, Resource, String)>,
    /// (resource, zone, error) of other failures that began or changed cause.
    failed: Vec<(Resource, &'a str, String)>,
    /// (resource, zone) of a service found not to be in the zone.
    not_served: Vec<(Resource, &'a str)>,
    /// (resource, zone) read again after failing.
    read_again: Vec<(Resource, &'a str)>,
}

/// The reads beside the servers (volumes, flexible IPs, snapshots; Block Storage among them,
/// which gives the `sbs_volume` sizes) fail the same way poll after poll (a key without a
/// permission set gets 403 in every zone, every minute) and fail no zone: a line when a
/// failure begins or changes cause, refusals of one permission set together, one when a
/// resource is read again, one when a zone turns out not to have the service.
/// `scaleway_exporter_resource_success` and `..._volume_sizes_success` say the rest.
fn log_resources(polled: &[&Polled], previous: &Snapshot) {
    let mut lines = ResourceLines::default();
    for p in polled {
        let Ok(poll) = &p.outcome else { continue };
        let (product, zone) = (p.target.product, p.target.zone.as_str());
        for (resource, read) in &poll.resources {
            let was = previous
                .zone(product, zone)
                .and_then(|z| z.resources.get(resource))
                .map(|state| &state.outcome);
            lines.note(*resource, zone, read, was);
        }
    }
    lines.write();
}

impl<'a> ResourceLines<'a> {
    fn note(
        &mut self,
        resource: Resource,
        zone: &'a str,
        read: &Result<Items, ApiError>,
        was: Option<&ReadOutcome>,
    ) {
        let absent =
            |e: &ApiError| resource.may_be_absent() && matches!(e.status(), Some(404 | 501));
        match (read, was) {
            (Err(error), Some(ReadOutcome::NotServed(_))) if absent(error) => {}
            (Err(error), _) if absent(error) => self.not_served.push((resource, zone)),
            (Err(error), Some(ReadOutcome::Failed(before)))
                if error.code_label() == before.code_label() => {}
            (Err(error), _) if error.status() == Some(403) => {
                let set = resource.listing().permission_set;
                self.refused.push((set, zone, resource, error.to_string()));
            }
            (Err(error), _) => self.failed.push((resource, zone, error.to_string())),
            (Ok(_), Some(ReadOutcome::Failed(_))) => self.read_again.push((resource, zone)),
            (Ok(_), _) => {}
        }
    }

    fn write(self) {
        let mut refused: BTreeMap<&str, (BTreeSet<&str>, BTreeSet<Resource>, String)> =
            BTreeMap::new();
        for (set, zone, resource, error) in self.refused {
            let entry = refused.entry(set).or_default();
            entry.0.insert(zone);
            entry.1.insert(resource);
            entry.2 = error;
        }
        for (set, (zones, resources, error)) in refused {
            let titles: Vec<&str> = resources.iter().map(|r| r.title()).collect();
            tracing::warn!(
                zones = join(&zones).as_str(),
                error,
                "the key may not read {}: add the IAM permission set {set}; servers are still published, and what the key may not read keeps its last good read (none before one)",
                titles.join(", ")
            );
        }
        for ((resource, _), group) in by_resource(self.failed) {
            log_group!(warn, resource.read_with(), group,
                "{} list failed; servers are still published, with the last good read (none before one)",
                error = group.error(); resource.title());
        }
        for ((resource, _), group) in by_resource(
            self.not_served
                .into_iter()
                .map(|(r, z)| (r, z, String::new())),
        ) {
            log_group!(info, resource.read_with(), group,
                "the zone does not have {}; nothing of it to read there"; resource.title());
        }
        for ((resource, _), group) in by_resource(
            self.read_again
                .into_iter()
                .map(|(r, z)| (r, z, String::new())),
        ) {
            log_group!(info, resource.read_with(), group, "{} read again"; resource.title());
        }
    }
}

/// Groups (resource, zone, error) by resource and cause (the error with the zone taken out).
fn by_resource<'a>(
    items: impl IntoIterator<Item = (Resource, &'a str, String)>,
) -> BTreeMap<(Resource, String), Group<'a>> {
    group_by_cause(
        items
            .into_iter()
            .map(|(resource, zone, error)| (zone, resource, error, 0, Duration::ZERO)),
    )
}

fn join(items: &BTreeSet<&str>) -> String {
    items.iter().copied().collect::<Vec<_>>().join(",")
}

/// Milliseconds, for a log field.
fn millis(duration: Duration) -> u64 {
    u64::try_from(duration.as_millis()).unwrap_or(u64::MAX)
}
