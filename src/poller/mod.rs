//! The schedule: [`Poller::poll_once`] polls every zone of every product concurrently and
//! publishes the next snapshot with its encoded exposition and pages; [`Poller::run`] only
//! calls it on an interval.
//!
//! (product, zone) pairs are independent: each one runs under its own `--poll.timeout`
//! deadline, and a failed one keeps its last good servers while the others are replaced. One
//! iteration ends when every pair has ended, and iterations never overlap (a lock serialises
//! callers of `poll_once`), so a pair is never polled twice at a time. What is polled is what
//! the last snapshot holds: a zone a product turns out not to serve (the gateway's 501), or a
//! product the key may not read when it was not named (403 in every zone at its first poll),
//! leaves the snapshot, and so the poll (docs/design.md#products).
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

use crate::api::{model, ApiError, ApiFlavor, Client, Product};
use crate::inventory::{
    listing_is_complete, BlockSizes, FleetBuilder, ProductFleet, ProductServer, Snapshot,
    VolumeSizes, ZonePoll,
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
    /// Products named with `--scaleway.product`: never left out, whatever they answer.
    named: Vec<Product>,
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
    /// A poller of Instance `zones` whose first publication is the empty snapshot, so
    /// `/metrics` answers from the first moment.
    pub fn new(
        client: Client,
        zones: Vec<String>,
        timeout: Duration,
        own_metrics: OwnMetrics,
    ) -> Self {
        let targets = zones.into_iter().map(|z| (Product::Instance, z)).collect();
        Self::of_targets(
            client,
            targets,
            vec![Product::Instance],
            timeout,
            own_metrics,
        )
    }

    /// A poller of (product, zone) pairs. The products of `named` are polled whatever they
    /// answer; any other is left out when its key may not read it.
    pub fn of_targets(
        client: Client,
        targets: Vec<(Product, String)>,
        named: Vec<Product>,
        timeout: Duration,
        own_metrics: OwnMetrics,
    ) -> Self {
        let snapshot = Snapshot::of_targets(&targets);
        let exposition = metrics::exposition(&snapshot, &own_metrics, None);
        let (published, _) = watch::channel(Arc::new(Published {
            snapshot: Arc::new(snapshot),
            exposition,
            pages: Pages::default(),
        }));
        Poller {
            client,
            named,
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

    /// Polls every (product, zone) pair once, concurrently, each under the poll timeout;
    /// then publishes the next snapshot. Returns what it published.
    pub async fn poll_once(&self) -> Arc<Published> {
        let _one_at_a_time = self.polling.lock().await;
        let previous = self.latest().snapshot.clone();
        let targets: Vec<(Product, String)> = previous
            .each_zone()
            .map(|(product, zone, _)| (product, zone.to_owned()))
            .collect();
        let mut polls = JoinSet::new();
        // Which pair each task polls, for the log line of a task that panics.
        let mut target_of_task = HashMap::new();
        for (product, zone) in &targets {
            let client = self.client.clone();
            let (product, zone) = (*product, zone.clone());
            let timeout = self.timeout;
            let task = polls.spawn({
                let zone = zone.clone();
                async move {
                    let started = Instant::now();
                    let outcome = poll_target(&client, product, &zone, started + timeout).await;
                    (product, zone, outcome, started.elapsed(), SystemTime::now())
                }
            });
            target_of_task.insert(task.id(), (product, zone));
        }
        let mut polled = Vec::with_capacity(targets.len());
        while let Some(joined) = polls.join_next().await {
            match joined {
                Ok((product, zone, outcome, duration, at)) => polled.push(Polled {
                    product,
                    zone,
                    outcome,
                    duration,
                    at,
                }),
                Err(error) => {
                    // A poll task only ends abnormally if it panicked: that zone keeps its data.
                    let (product, zone) = target_of_task
                        .get(&error.id())
                        .map_or((Product::Instance, ""), |(p, z)| (*p, z.as_str()));
                    let kept = previous
                        .zone(product, zone)
                        .is_some_and(|z| z.last_success.is_some());
                    let product = product.label();
                    if kept {
                        tracing::error!(product, zone, error = %error, "zone poll task ended abnormally; its zone keeps its last data");
                    } else {
                        tracing::error!(product, zone, error = %error, "zone poll task ended abnormally; its zone has no data yet");
                    }
                }
            }
        }
        // Pairs end in any order; the log lines and the snapshot do not depend on it.
        polled.sort_by(|a, b| (a.product, &a.zone).cmp(&(b.product, &b.zone)));
        let left_out = self.left_out(&polled, &previous);
        log::log_poll(&polled, &previous, &left_out);
        let mut next = (*previous).clone();
        for product in &left_out {
            next = next.without_product(*product);
        }
        for Polled {
            product,
            zone,
            outcome,
            duration,
            at,
        } in polled
        {
            if next.zone(product, &zone).is_none() {
                continue;
            }
            if outcome.as_ref().err().is_some_and(not_served) {
                next = next.without_zone(product, &zone);
                continue;
            }
            next = next.with_product_poll(
                product,
                &zone,
                outcome.map_err(|e| e.to_string()),
                at,
                duration,
            );
        }
        if !previous.all_polled() && next.all_polled() {
            let failed_zones = next
                .each_zone()
                .filter(|(_, _, z)| !z.last_poll_succeeded())
                .count();
            tracing::info!(
                servers = next.server_count(),
                zones = next.each_zone().count(),
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

    /// The products to leave out after this poll: not named, polled for the first time, and
    /// refused (403) in every zone. One info line each names the permission set to add: the
    /// key's owner chose what it may read, so it is a note, not a warning.
    fn left_out(&self, polled: &[Polled], previous: &Snapshot) -> Vec<Product> {
        let mut out = Vec::new();
        for product in Product::ALL {
            if self.named.contains(&product) {
                continue;
            }
            let first_poll = previous
                .each_zone()
                .filter(|(p, _, _)| *p == product)
                .all(|(_, _, zone)| zone.last_poll.is_none());
            let mut outcomes = polled.iter().filter(|p| p.product == product).peekable();
            if !first_poll || outcomes.peek().is_none() {
                continue;
            }
            if outcomes.all(|p| matches!(&p.outcome, Err(ApiError::Status { status: 403, .. }))) {
                out.push(product);
            }
        }
        // A key that may read nothing at all is a key to fix, not a fleet of none: every
        // product stays, and its polls fail (and alert) as they should.
        let polled_products = previous.enabled.values().filter(|on| **on).count();
        if out.len() == polled_products {
            return Vec::new();
        }
        for product in &out {
            tracing::info!(
                product = product.label(),
                permission_set = product.permission_set(),
                "the key may not read this product in any zone, so it is left out for this run; add the IAM permission set {} to poll it, or name the products to poll with --scaleway.product",
                product.permission_set()
            );
        }
        out
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

/// One product's zone: [`poll_zone`] for Instances, every page of servers for the others.
pub async fn poll_target(
    client: &Client,
    product: Product,
    zone: &str,
    deadline: Instant,
) -> Result<ZonePoll, ApiError> {
    match product {
        Product::Instance => poll_zone(client, zone, deadline).await,
        Product::ElasticMetal => {
            poll_product::<model::ElasticMetalServer>(client, product, zone, deadline).await
        }
        Product::AppleSilicon => {
            poll_product::<model::AppleSiliconServer>(client, product, zone, deadline).await
        }
        Product::Dedibox => {
            poll_product::<model::DediboxServer>(client, product, zone, deadline).await
        }
    }
}

/// Every page of a product's servers in `zone`, read as `S`, the product's model.
async fn poll_product<S>(
    client: &Client,
    product: Product,
    zone: &str,
    deadline: Instant,
) -> Result<ZonePoll, ApiError>
where
    S: serde::de::DeserializeOwned + Into<ProductServer>,
{
    let mut fleet = ProductFleet::default();
    let announced = client
        .list_product_servers(product, zone, deadline, |server: S| fleet.add(server))
        .await?;
    let servers = fleet.finish();
    Ok(ZonePoll {
        complete: listing_is_complete(servers.len(), announced),
        ..ZonePoll::of_product(servers)
    })
}

/// The API gateway's answer for a product that is not in a zone: `501 unknown service`.
fn not_served(error: &ApiError) -> bool {
    matches!(error, ApiError::Status { status: 501, .. })
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
                    others: Vec::new(),
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
                    others: Vec::new(),
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

/// One product zone's poll, as it ended.
struct Polled {
    product: Product,
    zone: String,
    outcome: Result<ZonePoll, ApiError>,
    duration: Duration,
    at: SystemTime,
}
