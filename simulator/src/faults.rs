//! Faults of a product's servers list: what the API, or whatever stands in front of it (a
//! gateway, a proxy), may answer on its worst day, and what the exporter must survive. A test
//! sets one per (product, zone) ([`Simulator::set_fault`]); [`Chaos`] (`simulate
//! --chaos-interval`) moves one at random from pair to pair. `http::fault_answers` writes
//! each on the wire. Only the lists are faulted: get-one and actions answer as usual, so a
//! demo's churn goes on.

use std::collections::HashMap;
use std::fmt;
use std::sync::Mutex;

use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use tokio::sync::Notify;

use crate::json::splitmix64;
use crate::{Product, Simulator};

/// What a product's servers list answers in a zone instead of its servers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Fault {
    /// 429 with `Retry-After: 18446744073709551615`: a wait no clock can add.
    RetryAfterHuge,
    /// 429 with an HTTP-date `Retry-After` in year 9999.
    RetryAfterYear9999,
    /// 500 with the API's `server_error` body.
    InternalError,
    /// 502 with the HTML page a proxy in front writes.
    BadGatewayHtml,
    /// 503 with the gateway's plain-text body.
    Unavailable,
    /// 403 `permissions_denied`, IAM's answer to a key whose policy lacks the product.
    PermissionDenied,
    /// The request is read and nothing is answered while the fault lasts (an hour at most).
    Hang,
    /// The head announces the whole page, half of it is sent, then the connection ends.
    ResetMidBody,
    /// A complete 200 whose JSON stops half-way.
    TruncatedJson,
    /// A 200 whose `servers` is an object (the server-type catalog's shape), not a list.
    WrongShape,
    /// The zone's page, with a total a trillion above the truth (`X-Total-Count` for
    /// Instance, `total_count` for the others).
    TotalLies,
    /// A 200 of [`OVERSIZED_BYTES`] with its `Content-Length`: past the exporter's default
    /// 64 MiB cap, which it can refuse on the head.
    OversizedDeclared,
    /// The same body chunked, without a length: the client finds out by reading.
    OversizedChunked,
    /// Every page is full of servers never listed before, and the total says a billion.
    /// (A zone with no servers has nothing to copy: its one page is empty.)
    EndlessPages,
}

/// The size of an oversized body: 65 MiB, one past the exporter's default cap.
pub const OVERSIZED_BYTES: usize = 65 * 1024 * 1024;

impl Fault {
    /// Every fault, in the order of the enum.
    pub const ALL: [Fault; 14] = [
        Fault::RetryAfterHuge,
        Fault::RetryAfterYear9999,
        Fault::InternalError,
        Fault::BadGatewayHtml,
        Fault::Unavailable,
        Fault::PermissionDenied,
        Fault::Hang,
        Fault::ResetMidBody,
        Fault::TruncatedJson,
        Fault::WrongShape,
        Fault::TotalLies,
        Fault::OversizedDeclared,
        Fault::OversizedChunked,
        Fault::EndlessPages,
    ];

    /// The fault's name in logs: `retry-after-huge`, `hang`, ...
    pub const fn label(self) -> &'static str {
        match self {
            Fault::RetryAfterHuge => "retry-after-huge",
            Fault::RetryAfterYear9999 => "retry-after-year-9999",
            Fault::InternalError => "internal-error",
            Fault::BadGatewayHtml => "bad-gateway-html",
            Fault::Unavailable => "unavailable",
            Fault::PermissionDenied => "permission-denied",
            Fault::Hang => "hang",
            Fault::ResetMidBody => "reset-mid-body",
            Fault::TruncatedJson => "truncated-json",
            Fault::WrongShape => "wrong-shape",
            Fault::TotalLies => "total-lies",
            Fault::OversizedDeclared => "oversized-declared",
            Fault::OversizedChunked => "oversized-chunked",
            Fault::EndlessPages => "endless-pages",
        }
    }
}

impl fmt::Display for Fault {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.label())
    }
}

/// The faults in force, and a signal when they change (a hanging answer waits on it).
#[derive(Default)]
pub(crate) struct Faults {
    set: Mutex<HashMap<(Product, String), Fault>>,
    changed: Notify,
}

impl Faults {
    fn get(&self, product: Product, zone: &str) -> Option<Fault> {
        let set = self.set.lock().unwrap_or_else(|e| e.into_inner());
        // Nearly always empty: no allocation for the key on a healthy simulator.
        if set.is_empty() {
            return None;
        }
        set.get(&(product, zone.to_owned())).copied()
    }
}

impl Simulator {
    /// While `Some`, `product`'s servers list in `zone` answers `fault` instead of its
    /// servers; `None` heals it. Get-one and actions are not faulted.
    pub fn set_fault(&self, product: Product, zone: &str, fault: Option<Fault>) {
        let faults = &self.shared.faults;
        {
            let mut set = faults.set.lock().unwrap_or_else(|e| e.into_inner());
            let key = (product, zone.to_owned());
            match fault {
                Some(fault) => set.insert(key, fault),
                None => set.remove(&key),
            };
        }
        faults.changed.notify_waiters();
    }

    /// The fault `product`'s servers list answers in `zone`, if any.
    pub fn fault(&self, product: Product, zone: &str) -> Option<Fault> {
        self.shared.faults.get(product, zone)
    }

    /// Until `product`'s list in `zone` no longer hangs, or `at_most` has passed.
    pub(crate) async fn hang_while_faulted(
        &self,
        product: Product,
        zone: &str,
        at_most: std::time::Duration,
    ) {
        let until = tokio::time::Instant::now() + at_most;
        loop {
            // Registered before the check, so a change between the two still wakes it.
            let changed = self.shared.faults.changed.notified();
            if self.fault(product, zone) != Some(Fault::Hang) {
                return;
            }
            if tokio::time::timeout_at(until, changed).await.is_err() {
                return;
            }
        }
    }
}

/// One fault on one pair, as chaos starts or ends it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FaultEvent {
    pub product: Product,
    pub zone: String,
    pub fault: Fault,
}

/// A seeded sequence of faults, one at a time, each on a random (product, zone) that holds
/// servers: a caller ends the current one ([`Chaos::end`], which it logs) before it starts
/// the next ([`Chaos::start`]). The next pair is never the one just faulted (when there are
/// two or more), so the end of every fault is followed by at least one healthy interval, in
/// which the pair's recovery can be seen.
pub struct Chaos {
    rng: StdRng,
    pairs: Vec<(Product, String)>,
    current: Option<FaultEvent>,
    last: Option<(Product, String)>,
}

impl Chaos {
    /// The pairs of `sim` that hold servers: Instance in every configured zone, each other
    /// product in the configured zones it serves when it has servers there.
    pub fn new(sim: &Simulator, seed: u64) -> Chaos {
        let config = sim.config();
        let mut pairs: Vec<(Product, String)> = Vec::new();
        for product in Product::ALL {
            let count = match product {
                Product::Instance => config.servers_per_zone,
                other => config.products.get(other),
            };
            for zone in &config.zones {
                let pair = (product, zone.clone());
                if count > 0 && product.serves(zone) && !pairs.contains(&pair) {
                    pairs.push(pair);
                }
            }
        }
        Chaos {
            rng: StdRng::seed_from_u64(splitmix64(seed ^ 0xfa17)),
            pairs,
            current: None,
            last: None,
        }
    }

    /// The pairs chaos picks from.
    pub fn pairs(&self) -> &[(Product, String)] {
        &self.pairs
    }

    /// Heals the pair of the fault in force, if any, and says which it was.
    pub fn end(&mut self, sim: &Simulator) -> Option<FaultEvent> {
        let ended = self.current.take()?;
        sim.set_fault(ended.product, &ended.zone, None);
        Some(ended)
    }

    /// Starts a random fault on a random pair other than the last one faulted; `None` when
    /// there is no pair. A fault still in force (a caller that did not end it) is healed first.
    pub fn start(&mut self, sim: &Simulator) -> Option<FaultEvent> {
        self.end(sim);
        let choices: Vec<&(Product, String)> = self
            .pairs
            .iter()
            .filter(|pair| self.pairs.len() < 2 || Some(*pair) != self.last.as_ref())
            .collect();
        if choices.is_empty() {
            return None;
        }
        let (product, zone) = choices[self.rng.random_range(0..choices.len())].clone();
        self.last = Some((product, zone.clone()));
        let fault = Fault::ALL[self.rng.random_range(0..Fault::ALL.len())];
        sim.set_fault(product, &zone, Some(fault));
        let event = FaultEvent {
            product,
            zone,
            fault,
        };
        self.current = Some(event.clone());
        Some(event)
    }
}

#[cfg(test)]
mod tests {
    use std::collections::HashSet;

    use super::*;
    use crate::{ProductCounts, SimulatorConfig};

    fn sim() -> Simulator {
        Simulator::new(SimulatorConfig {
            zones: ["fr-par-1", "fr-par-3", "nl-ams-1"]
                .map(str::to_owned)
                .to_vec(),
            servers_per_zone: 2,
            products: ProductCounts {
                elastic_metal: 1,
                apple_silicon: 1,
                dedibox: 0,
            },
            ..SimulatorConfig::default()
        })
    }

    #[test]
    fn chaos_picks_from_the_pairs_that_hold_servers() {
        let chaos = Chaos::new(&sim(), 1);
        let pairs: Vec<(Product, &str)> = chaos
            .pairs()
            .iter()
            .map(|(p, z)| (*p, z.as_str()))
            .collect();
        assert_eq!(
            pairs,
            [
                (Product::Instance, "fr-par-1"),
                (Product::Instance, "fr-par-3"),
                (Product::Instance, "nl-ams-1"),
                (Product::ElasticMetal, "fr-par-1"),
                (Product::ElasticMetal, "nl-ams-1"),
                (Product::AppleSilicon, "fr-par-1"),
                (Product::AppleSilicon, "fr-par-3"),
            ]
        );
    }

    #[test]
    fn chaos_holds_one_fault_at_a_time_never_twice_on_a_pair_and_shows_every_kind() {
        let sim = sim();
        let mut chaos = Chaos::new(&sim, 7);
        let mut kinds = HashSet::new();
        let mut last: Option<FaultEvent> = None;
        for _ in 0..500 {
            let ended = chaos.end(&sim);
            assert_eq!(ended, last);
            let started = chaos.start(&sim).expect("pairs to fault");
            if let Some(last) = &last {
                assert!((last.product, &last.zone) != (started.product, &started.zone));
                assert_eq!(sim.fault(last.product, &last.zone), None, "healed");
            }
            let faulted = chaos
                .pairs()
                .iter()
                .filter(|(p, z)| sim.fault(*p, z).is_some())
                .count();
            assert_eq!(faulted, 1);
            assert_eq!(
                sim.fault(started.product, &started.zone),
                Some(started.fault)
            );
            kinds.insert(started.fault);
            last = Some(started);
        }
        assert_eq!(kinds.len(), Fault::ALL.len());
        chaos.end(&sim);
        assert!(chaos
            .pairs()
            .iter()
            .all(|(p, z)| sim.fault(*p, z).is_none()));
    }

    #[test]
    fn the_same_seed_plays_the_same_chaos() {
        let play = |seed| {
            let sim = sim();
            let mut chaos = Chaos::new(&sim, seed);
            (0..50).map(|_| chaos.start(&sim)).collect::<Vec<_>>()
        };
        assert_eq!(play(3), play(3));
        assert_ne!(play(3), play(4));
    }
}
