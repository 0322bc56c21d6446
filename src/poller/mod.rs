//! The schedule: [`Poller::poll_once`] polls every zone concurrently and publishes the next
//! snapshot with its encoded exposition and pages; [`Poller::run`] only calls it on an
//! interval.
//!
//! Zones are independent: each one runs under its own `--poll.timeout` deadline, and a
//! failed zone keeps its last good servers while the others are replaced. One iteration
//! ends when every zone has ended, and iterations never overlap (a lock serialises callers
//! of `poll_once`), so a zone is never polled twice at a time.
//!
//! Only a zone's servers list fails it: its Block Storage read is best effort
//! (docs/design.md#block-storage-is-best-effort). The log lines of a poll are written once
//! every zone has ended, so that zones failing for one cause share one line.

mod log;
mod reference;

use std::collections::HashMap;
use std::sync::Arc;
use std::time::{Duration, SystemTime};

use bytes::Bytes;
use tokio::sync::watch;
use tokio::task::JoinSet;
use tokio::time::Instant;

use crate::api::ApiFlavor;
use crate::api::{ApiError, Client};
use crate::inventory::{
    listing_is_complete, BlockSizes, FleetBuilder, Snapshot, VolumeSizes, ZonePoll,
};
use crate::metrics::{self, Exposition, OwnMetrics};

/// What `/metrics`, the landing page and `/inventory.json` serve: a snapshot and its
/// encodings, made together.
#[derive(Debug)]
pub struct Published {
    pub snapshot: Arc<Snapshot>,
    pub exposition: Exposition,
    /// Empty unless the poller was given a [`PageEncoder`] ([`Poller::encode_pages_with`]).
    pub pages: Pages,
}

/// A body encoded once per poll, plain and gzipped; clones share the bytes.
#[derive(Debug, Clone, Default)]
pub struct Encoded {
    pub plain: Bytes,
    pub gzip: Bytes,
}

/// A body encoded once per poll and kept only gzipped: its plain text is as large as the
/// fleet, and most clients accept gzip; a plain request is inflated as it is sent.
#[derive(Debug, Clone, Default)]
pub struct Gzipped {
    pub gzip: Bytes,
    pub plain_len: u64,
}

/// What the landing page and `/inventory.json` serve, unfiltered, to every request until the
/// next poll, encoded with the exposition so that no number of clients makes memory grow.
#[derive(Debug, Clone, Default)]
pub struct Pages {
    /// The landing page from its fleet section to its end (the part above it is rendered
    /// per request: it holds the ages of the zones' polls).
    pub landing_fleet: Encoded,
    pub inventory_json: Gzipped,
}

/// Renders the [`Pages`] of a snapshot (the previous ones size the buffers). The web side
/// renders them; the exporter hands its function to the poller, which does not import it.
pub type PageEncoder = Arc<dyn Fn(&Snapshot, Option<&Pages>) -> Pages + Send + Sync>;

pub struct Poller {
    client: Client,
    zones: Vec<String>,
    timeout: Duration,
    own_metrics: OwnMetrics,
    encode_pages: Option<PageEncoder>,
    published: watch::Sender<Arc<Published>>,
    /// Held for a whole `poll_once`: a second caller waits for the first to end.
    polling: tokio::sync::Mutex<()>,
    /// When each server-type catalog and each organization's projects are due
    /// (`poller/reference.rs`).
    reference: reference::Reference,
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
            pages: Pages::default(),
        }));
        Poller {
            client,
            zones,
            timeout,
            own_metrics,
            encode_pages: None,
            published,
            polling: tokio::sync::Mutex::new(()),
            reference: reference::Reference::default(),
        }
    }

    /// Encodes the pages with `encode` at every publication, this first one included.
    pub fn encode_pages_with(mut self, encode: PageEncoder) -> Self {
        let first = self.latest();
        self.published.send_replace(Arc::new(Published {
            pages: encode(&first.snapshot, None),
            snapshot: first.snapshot.clone(),
            exposition: first.exposition.clone(),
        }));
        self.encode_pages = Some(encode);
        self
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
        log::log_poll(&polled, &previous);
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
        // Best effort, after the zones: the organizations are those of their servers.
        let next = self
            .reference
            .refresh(&self.client, next, self.timeout)
            .await;
        self.publish(next).await
    }

    /// Encodes the exposition and the pages off the async worker threads (the one CPU-heavy
    /// step), then swaps.
    async fn publish(&self, snapshot: Snapshot) -> Arc<Published> {
        let own = self.own_metrics.clone();
        let encode_pages = self.encode_pages.clone();
        let previous = self.latest();
        let published = tokio::task::spawn_blocking(move || {
            let exposition = metrics::exposition(&snapshot, &own, Some(&previous.exposition));
            let pages = encode_pages.map_or_else(Pages::default, |encode| {
                encode(&snapshot, Some(&previous.pages))
            });
            drop(previous);
            Arc::new(Published {
                snapshot: Arc::new(snapshot),
                exposition,
                pages,
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
