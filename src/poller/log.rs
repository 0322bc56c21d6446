//! The poll's log lines: one per product and cause, written once every zone has ended.

use std::collections::BTreeMap;
use std::time::Duration;

use super::{not_served, Polled};
use crate::api::Product;
use crate::inventory::{Snapshot, VolumeSizes, ZonePoll, ZoneState};

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
        self.duration.as_millis() as u64
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
    ($level:ident, $product:expr, $group:expr, $message:literal $(, $field:ident = $value:expr)* $(,)?) => {{
        let group = &$group;
        let product = $product.label();
        if let [zone] = group.zones.as_slice() {
            tracing::$level!(product, zone, $($field = $value,)* $message);
        } else {
            tracing::$level!(product, zones = group.zones.join(",").as_str(), $($field = $value,)* $message);
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
        let mine: Vec<&Polled> = polled.iter().filter(|p| p.product == product).collect();
        if !mine.is_empty() {
            log_product(product, &mine, previous);
        }
    }
}

/// A failure is logged at every poll, but zones that fail for the same cause share one line;
/// a zone that succeeds after failing gets one line, and so does a zone the product turns out
/// not to serve; the rest is debug.
fn log_product(product: Product, polled: &[&Polled], previous: &Snapshot) {
    let before = |zone: &str| previous.zone(product, zone);
    let mut unserved = Vec::new();
    let failures = polled.iter().filter_map(|p| {
        let error = p.outcome.as_ref().err()?;
        if not_served(error) {
            unserved.push(p.zone.as_str());
            return None;
        }
        let kept = before(&p.zone).filter(|z| z.last_success.is_some());
        Some((
            p.zone.as_str(),
            kept.is_some(),
            error.to_string(),
            kept.map_or(0, ZoneState::server_count),
            p.duration,
        ))
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
    let mut recovered = Group::default();
    for p in polled {
        let Ok(ZonePoll {
            servers, others, ..
        }) = &p.outcome
        else {
            continue;
        };
        let failing_before =
            before(&p.zone).is_some_and(|z| z.last_poll.is_some() && !z.last_poll_succeeded());
        if failing_before {
            recovered.add(
                &p.zone,
                String::new(),
                servers.len() + others.len(),
                p.duration,
            );
        } else {
            let duration_ms = p.duration.as_millis() as u64;
            tracing::debug!(
                product = product.label(),
                zone = p.zone,
                servers = servers.len() + others.len(),
                duration_ms,
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
    if product == Product::Instance {
        log_volume_sizes(polled, previous);
    }
}

/// Block Storage fails the same way poll after poll (a key without `BlockStorageReadOnly`
/// gets 403 in every zone, every minute), and fails no zone: a line when a zone's failure
/// begins or changes cause, one when its sizes are read again, one when a zone turns out not
/// to have the service. `scaleway_exporter_volume_sizes_success` says the rest.
fn log_volume_sizes(polled: &[&Polled], previous: &Snapshot) {
    let mut failed = Vec::new();
    let mut not_served = Vec::new();
    let mut read_again = Group::default();
    for p in polled {
        let Ok(poll) = &p.outcome else { continue };
        let was = previous
            .zones
            .get(&p.zone)
            .and_then(|z| z.volume_sizes.as_ref());
        let zone = p.zone.as_str();
        match (&poll.volume_sizes, was) {
            (VolumeSizes::Failed { cause, .. }, Some(VolumeSizes::Failed { cause: was, .. }))
                if cause == was => {}
            (VolumeSizes::Failed { error, cause }, _) => {
                failed.push((zone, cause == "403", error.clone(), 0, p.duration));
            }
            (VolumeSizes::NotServed { .. }, Some(VolumeSizes::NotServed { .. })) => {}
            (VolumeSizes::NotServed { error }, _) => {
                not_served.push((zone, (), error.clone(), 0, p.duration));
            }
            (VolumeSizes::Read, Some(VolumeSizes::Failed { .. })) => {
                read_again.add(zone, String::new(), 0, p.duration);
            }
            (VolumeSizes::Read | VolumeSizes::NotNeeded, _) => {}
        }
    }
    for ((denied, _), group) in group_by_cause(failed) {
        if denied {
            log_group!(warn, Product::Instance, group, "Block Storage refused the key: sbs volume sizes need the IAM permission set BlockStorageReadOnly; servers are still published",
                error = group.error());
        } else {
            log_group!(warn, Product::Instance, group, "Block Storage volume list failed; servers are still published, with the sbs volume sizes of the last good read",
                error = group.error());
        }
    }
    for (_, group) in group_by_cause(not_served) {
        log_group!(
            info,
            Product::Instance,
            group,
            "Block Storage does not serve the zone; its sbs volumes have no size",
            error = group.error()
        );
    }
    if !read_again.zones.is_empty() {
        log_group!(
            info,
            Product::Instance,
            read_again,
            "Block Storage volume sizes read again"
        );
    }
}
