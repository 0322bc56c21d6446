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
mod target;
#[cfg(test)]
mod tests;

use std::collections::HashMap;
use std::sync::Arc;
use std::time::{Duration, SystemTime};

use tokio::sync::watch;
use tokio::task::JoinSet;
use tokio::time::Instant;

pub use target::poll_target;

use crate::api::Client;
use crate::inventory::{PollError, Snapshot, ZonePoll};
use crate::metrics::{self, OwnMetrics};
use crate::product::{Product, ProductZone};
use crate::published::{PageEncoder, Pages, Published};

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
    /// A poller of (product, zone) pairs whose first publication is the empty snapshot, so
    /// `/metrics` answers from the first moment. The products of `named` are polled whatever
    /// they answer; any other is left out when its key may not read it.
    pub fn new(
        client: Client,
        targets: Vec<ProductZone>,
        named: Vec<Product>,
        timeout: Duration,
        own_metrics: OwnMetrics,
    ) -> Self {
        let snapshot = Snapshot::of(targets);
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
        self.client.refresh_key().await;
        let previous = self.latest().snapshot.clone();
        let polled = self.poll_every_target(&previous).await;
        let left_out = self.left_out(&polled, &previous);
        log::log_poll(&polled, &previous, &left_out);
        let mut next = (*previous).clone();
        for product in &left_out {
            next.leave_out(*product);
        }
        for Polled {
            target,
            outcome,
            duration,
            at,
        } in polled
        {
            let ProductZone { product, zone } = target;
            if next.zone(product, &zone).is_none() {
                continue;
            }
            match outcome {
                Err(error) if target::not_served(&error) => next.remove_zone(product, &zone),
                outcome => next.record_poll(product, &zone, outcome, at, duration),
            }
        }
        log::log_first_poll(&previous, &next);
        // Best effort, after the zones: the organizations are those of their servers.
        let next = self
            .reference
            .refresh(&self.client, next, self.timeout)
            .await;
        self.publish(next).await
    }

    /// Every target of `previous` polled concurrently, each under its own deadline; in
    /// (product, zone) order, whatever order they ended in. Whatever panics while polling one
    /// target fails that target's poll ("internal error") and no other: its last good servers
    /// are kept, it has a `poll_success` of 0 like any failed poll, and the next poll tries
    /// it again.
    async fn poll_every_target(&self, previous: &Snapshot) -> Vec<Polled> {
        let mut polls = JoinSet::new();
        // Which pair each task polls, and since when, for a task that panics.
        let mut started_tasks = HashMap::new();
        for (target, _) in previous.zones() {
            let client = self.client.clone();
            let timeout = self.timeout;
            let polled = target.clone();
            let started = Instant::now();
            let task = polls.spawn(async move {
                let deadline = started + timeout;
                let outcome = poll_target(&client, polled.product, &polled.zone, deadline).await;
                Polled {
                    target: polled,
                    outcome: outcome.map_err(PollError::Api),
                    duration: started.elapsed(),
                    at: SystemTime::now(),
                }
            });
            started_tasks.insert(task.id(), (target.clone(), started));
        }
        let mut polled = Vec::with_capacity(started_tasks.len());
        while let Some(joined) = polls.join_next().await {
            match joined {
                Ok(done) => polled.push(done),
                Err(error) => {
                    let Some((target, started)) = started_tasks.remove(&error.id()) else {
                        continue;
                    };
                    // Only a panic ends a task early: the set is never aborted.
                    let message = match error.try_into_panic() {
                        Ok(panic) => panic_message(panic.as_ref()).to_owned(),
                        Err(error) => error.to_string(),
                    };
                    polled.push(Polled {
                        target,
                        outcome: Err(PollError::Internal(message)),
                        duration: started.elapsed(),
                        at: SystemTime::now(),
                    });
                }
            }
        }
        polled.sort_by(|a, b| a.target.cmp(&b.target));
        polled
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
                .zones_of(product)
                .all(|(_, zone)| zone.last_poll.is_none());
            let mut outcomes = polled
                .iter()
                .filter(|p| p.target.product == product)
                .peekable();
            if !first_poll || outcomes.peek().is_none() {
                continue;
            }
            if outcomes.all(|p| p.outcome.as_ref().err().and_then(PollError::status) == Some(403)) {
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
    /// step), swaps, and gives the memory freed back to the system.
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
        drop(self.published.send_replace(published.clone()));
        // What the poll read and the last encodings are freed by now: glibc would keep them.
        tokio::task::spawn_blocking(crate::allocator::trim)
            .await
            .ok();
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

/// What a panic carried: its message when it is text.
pub(crate) fn panic_message(panic: &(dyn std::any::Any + Send)) -> &str {
    panic
        .downcast_ref::<&str>()
        .copied()
        .or_else(|| panic.downcast_ref::<String>().map(String::as_str))
        .unwrap_or("a panic without a message")
}

/// One product zone's poll, as it ended.
struct Polled {
    target: ProductZone,
    outcome: Result<ZonePoll, PollError>,
    duration: Duration,
    at: SystemTime,
}
