//! The schedule: [`Poller::poll_once`] polls every zone concurrently and publishes the next
//! snapshot and its encoded exposition; [`Poller::run`] only calls it on an interval.
//!
//! Zones are independent: each one runs under its own `--poll.timeout` deadline, and a
//! failed zone keeps its last good servers while the others are replaced. One iteration
//! ends when every zone has ended, and iterations never overlap (a lock serialises callers
//! of `poll_once`), so a zone is never polled twice at a time.
//!
//! Only a zone's servers list fails it: its Block Storage read is best effort
//! (docs/design.md#block-storage-is-best-effort). The log lines of a poll are written once
//! every zone has ended, so that zones failing for one cause share one line.

use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;
use std::time::{Duration, SystemTime};

use tokio::sync::watch;
use tokio::task::JoinSet;
use tokio::time::Instant;

use crate::api::ApiFlavor;
use crate::api::{ApiError, Client};
use crate::inventory::{
    listing_is_complete, BlockSizes, FleetBuilder, Snapshot, VolumeSizes, ZonePoll,
};
use crate::metrics::{self, Exposition, OwnMetrics};

/// What `/metrics` and the landing page serve: a snapshot and its encoding, made together.
#[derive(Debug)]
pub struct Published {
    pub snapshot: Arc<Snapshot>,
    pub exposition: Exposition,
}

pub struct Poller {
    client: Client,
    zones: Vec<String>,
    timeout: Duration,
    own_metrics: OwnMetrics,
    published: watch::Sender<Arc<Published>>,
    /// Held for a whole `poll_once`: a second caller waits for the first to end.
    polling: tokio::sync::Mutex<()>,
}

impl Poller {
    /// A poller of `zones` whose first publication is the empty snapshot, so `/metrics`
    /// answers from the first moment.
    pub fn new(
        client: Client,
        zones: Vec<String>,
        timeout: Duration,
        own_metrics: OwnMetrics,
    ) -> Self {
        let snapshot = Snapshot::new(&zones);
        let exposition = metrics::exposition(&snapshot, &own_metrics, None);
        let (published, _) = watch::channel(Arc::new(Published {
            snapshot: Arc::new(snapshot),
            exposition,
        }));
        Poller {
            client,
            zones,
            timeout,
            own_metrics,
            published,
            polling: tokio::sync::Mutex::new(()),
        }
    }

    /// A receiver of every publication, for the HTTP side.
    pub fn subscribe(&self) -> watch::Receiver<Arc<Published>> {
        self.published.subscribe()
    }

    /// The latest publication.
    pub fn latest(&self) -> Arc<Published> {
        self.published.borrow().clone()
    }

    /// Polls every zone once, concurrently, each under the poll timeout; then publishes the
    /// next snapshot. Returns what it published.
    pub async fn poll_once(&self) -> Arc<Published> {
        let _one_at_a_time = self.polling.lock().await;
        let mut polls = JoinSet::new();
        // Which zone each task polls, for the log line of a task that panics.
        let mut zone_of_task = HashMap::new();
        for zone in &self.zones {
            let client = self.client.clone();
            let zone = zone.clone();
            let timeout = self.timeout;
            let task = polls.spawn({
                let zone = zone.clone();
                async move {
                    let started = Instant::now();
                    let outcome = poll_zone(&client, &zone, started + timeout).await;
                    (zone, outcome, started.elapsed(), SystemTime::now())
                }
            });
            zone_of_task.insert(task.id(), zone);
        }
        let previous = self.latest().snapshot.clone();
        let mut polled = Vec::with_capacity(self.zones.len());
        while let Some(joined) = polls.join_next().await {
            match joined {
                Ok((zone, outcome, duration, at)) => polled.push(Polled {
                    zone,
                    outcome,
                    duration,
                    at,
                }),
                Err(error) => {
                    // A poll task only ends abnormally if it panicked: that zone keeps its data.
                    let zone = zone_of_task.get(&error.id()).map_or("", String::as_str);
                    if previous
                        .zones
                        .get(zone)
                        .is_some_and(|z| z.last_success.is_some())
                    {
                        tracing::error!(zone, error = %error, "zone poll task ended abnormally; its zone keeps its last data");
                    } else {
                        tracing::error!(zone, error = %error, "zone poll task ended abnormally; its zone has no data yet");
                    }
                }
            }
        }
        // Zones end in any order; the log lines and the snapshot do not depend on it.
        polled.sort_by(|a, b| a.zone.cmp(&b.zone));
        log_poll(&polled, &previous);
        let mut next = (*previous).clone();
        for Polled {
            zone,
            outcome,
            duration,
            at,
        } in polled
        {
            next = next.with_zone_poll(&zone, outcome.map_err(|e| e.to_string()), at, duration);
        }
        if !previous.all_polled() && next.all_polled() {
            let failed_zones = next
                .zones
                .values()
                .filter(|z| !z.last_poll_succeeded())
                .count();
            tracing::info!(
                servers = next.server_count(),
                zones = next.zones.len(),
                failed_zones,
                "first poll complete"
            );
        }
        self.publish(next).await
    }

    /// Encodes off the async worker threads (it is the one CPU-heavy step), then swaps.
    async fn publish(&self, snapshot: Snapshot) -> Arc<Published> {
        let own = self.own_metrics.clone();
        let previous = self.latest();
        let published = tokio::task::spawn_blocking(move || {
            let exposition = metrics::exposition(&snapshot, &own, Some(&previous.exposition));
            drop(previous);
            Arc::new(Published {
                snapshot: Arc::new(snapshot),
                exposition,
            })
        })
        .await
        .expect("encoding a snapshot does not panic");
        self.published.send_replace(published.clone());
        published
    }

    /// Polls now, then every `interval`, until `shutdown` resolves.
    pub async fn run(
        self: Arc<Self>,
        interval: Duration,
        shutdown: impl std::future::Future<Output = ()>,
    ) {
        let mut ticker = tokio::time::interval(interval);
        ticker.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        tokio::pin!(shutdown);
        loop {
            tokio::select! {
                _ = &mut shutdown => return,
                _ = ticker.tick() => {
                    tokio::select! {
                        _ = &mut shutdown => return,
                        _ = self.poll_once() => {}
                    }
                }
            }
        }
    }
}

/// One zone: every page of servers, then the Block Storage volumes when an `sbs_volume`
/// needs its size. Only the servers list fails the zone's poll: Block Storage is best effort,
/// and what became of it is in [`ZonePoll::volume_sizes`]. The poll says whether the listing
/// is complete, so the snapshot can keep the servers a short one missed.
pub async fn poll_zone(
    client: &Client,
    zone: &str,
    deadline: Instant,
) -> Result<ZonePoll, ApiError> {
    let mut fleet = FleetBuilder::default();
    let announced = client
        .list_servers(zone, deadline, |server| fleet.add(server))
        .await?;
    let mut poll = if client.flavor() != ApiFlavor::Instance || !fleet.needs_block_sizes() {
        ZonePoll::without_block(fleet.finish(&[]))
    } else {
        match client.list_block_volumes(zone, deadline).await {
            Ok(volumes) => {
                let sizes = BlockSizes::from_api(&volumes);
                ZonePoll {
                    servers: fleet.finish_with(&sizes),
                    complete: true,
                    volume_sizes: VolumeSizes::Read,
                    block_sizes: Some(sizes),
                }
            }
            Err(error) => {
                let volume_sizes = if block_not_served(&error) {
                    VolumeSizes::NotServed {
                        error: error.to_string(),
                    }
                } else {
                    VolumeSizes::Failed {
                        error: error.to_string(),
                        cause: error.code_label(),
                    }
                };
                ZonePoll {
                    servers: fleet.finish(&[]),
                    complete: true,
                    volume_sizes,
                    block_sizes: None,
                }
            }
        }
    };
    poll.complete = listing_is_complete(poll.servers.len(), announced);
    if !poll.complete {
        tracing::debug!(
            zone,
            servers = poll.servers.len(),
            announced,
            "zone listing shorter than the total the API announced; servers it missed are kept from the last poll"
        );
    }
    Ok(poll)
}

/// A 404 or 501 from Block Storage, when the servers list of the same zone at the same base
/// URL has just answered: the service is not in this zone (the gateway's 501 "unknown
/// service"), not a wrong URL. Scaleway's SDK lists no Block Storage in it-mil-1, whose
/// servers have `sbs_volume`s, while recorded answers say it serves it: asking tells.
fn block_not_served(error: &ApiError) -> bool {
    matches!(
        error,
        ApiError::Status {
            status: 404 | 501,
            ..
        }
    )
}

/// One zone's poll, as it ended.
struct Polled {
    zone: String,
    outcome: Result<ZonePoll, ApiError>,
    duration: Duration,
    at: SystemTime,
}

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
    ($level:ident, $group:expr, $message:literal $(, $field:ident = $value:expr)* $(,)?) => {{
        let group = &$group;
        if let [zone] = group.zones.as_slice() {
            tracing::$level!(zone, $($field = $value,)* $message);
        } else {
            tracing::$level!(zones = group.zones.join(",").as_str(), $($field = $value,)* $message);
        }
    }};
}

/// The log lines of one poll. A failure is logged at every poll, but zones that fail for the
/// same cause share one line; a zone that succeeds after failing gets one line; the rest is
/// debug.
fn log_poll(polled: &[Polled], previous: &Snapshot) {
    let before = |zone: &str| previous.zones.get(zone);
    let failures = polled.iter().filter_map(|p| {
        let error = p.outcome.as_ref().err()?;
        let kept = before(&p.zone).filter(|z| z.last_success.is_some());
        Some((
            p.zone.as_str(),
            kept.is_some(),
            error.to_string(),
            kept.map_or(0, |z| z.servers.len()),
            p.duration,
        ))
    });
    for ((kept, _), group) in group_by_cause(failures) {
        // The error's text carries the operator's hint ("check SCW_SECRET_KEY ...").
        if kept {
            log_group!(
                warn,
                group,
                "zone poll failed; serving the servers of its last successful poll",
                duration_ms = group.duration_ms(),
                kept_servers = group.servers,
                error = group.error()
            );
        } else {
            log_group!(
                warn,
                group,
                "zone poll failed; it has had no successful poll yet, so it has no servers to serve",
                duration_ms = group.duration_ms(),
                error = group.error()
            );
        }
    }

    let mut recovered = Group::default();
    for p in polled {
        let Ok(ZonePoll { servers, .. }) = &p.outcome else {
            continue;
        };
        let failing_before =
            before(&p.zone).is_some_and(|z| z.last_poll.is_some() && !z.last_poll_succeeded());
        if failing_before {
            recovered.add(&p.zone, String::new(), servers.len(), p.duration);
        } else {
            let duration_ms = p.duration.as_millis() as u64;
            tracing::debug!(
                zone = p.zone,
                servers = servers.len(),
                duration_ms,
                "zone polled"
            );
        }
    }
    if !recovered.zones.is_empty() {
        log_group!(
            info,
            recovered,
            "zone poll succeeded after failing",
            servers = recovered.servers,
            duration_ms = recovered.duration_ms()
        );
    }
    log_volume_sizes(polled, previous);
}

/// Block Storage fails the same way poll after poll (a key without `BlockStorageReadOnly`
/// gets 403 in every zone, every minute), and fails no zone: a line when a zone's failure
/// begins or changes cause, one when its sizes are read again, one when a zone turns out not
/// to have the service. `scaleway_exporter_volume_sizes_success` says the rest.
fn log_volume_sizes(polled: &[Polled], previous: &Snapshot) {
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
            log_group!(warn, group, "Block Storage refused the key: sbs volume sizes need the IAM permission set BlockStorageReadOnly; servers are still published",
                error = group.error());
        } else {
            log_group!(warn, group, "Block Storage volume list failed; servers are still published, with the sbs volume sizes of the last good read",
                error = group.error());
        }
    }
    for (_, group) in group_by_cause(not_served) {
        log_group!(
            info,
            group,
            "Block Storage does not serve the zone; its sbs volumes have no size",
            error = group.error()
        );
    }
    if !read_again.zones.is_empty() {
        log_group!(info, read_again, "Block Storage volume sizes read again");
    }
}
