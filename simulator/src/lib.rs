//! A fake Scaleway API that speaks the real shapes, for `demo`, `simulate`, tests and benchmarks.
//!
//! - `fleet`: the seeded, deterministic fleet (servers and Block volumes, as real accounts show them).
//! - `legacy`: the same servers in the pre-2019 `/servers` shapes.
//! - `http`: the axum router (auth, paging headers, errors as the real API writes them).
//! - `json`: Python-style JSON, UUID-shaped ids, the two date forms.
//! - `servers`: a zone's servers of one product, found by id, with their changes in flight
//!   (every product's actions are lazy the same way).
//! - `world`: each zone's Instance servers and volumes as the simulator holds them, and the
//!   clock transitions settle on.
//! - `answers`: what the routes send, read from the world: pages, bodies, actions' tasks.
//! - `faults`: what a servers list answers on the API's worst day, per (product, zone), and
//!   chaos, which moves one fault at random from pair to pair.
//! - `products`: Elastic Metal, Apple silicon and Dedibox servers (their own shapes, zones,
//!   actions and secrets), and the test hooks that cover every [`Product`].
//! - `resources`: every other list, one [`Resource`] each: what the fleet leaves behind
//!   (volumes, IPs, snapshots), the catalogs with their prices, the bill.
//! - `prices`: the simulator's price table, read by the catalogs and the bill.
//!
//! State lives behind one mutex. Each server keeps its serialised JSON, so a page is a copy
//! of bytes whatever the fleet size; a server is re-rendered only when its state changes.
//! Actions are lazy, for every product alike (`servers`): they store a target state and a
//! deadline, resolved whenever the zone is next read.

// Functions a reader can hold: at most the threshold of the repository's clippy.toml.
#![warn(clippy::too_many_lines)]

mod account;
mod action;
mod answers;
mod catalog;
mod faults;
mod fleet;
mod http;
mod json;
mod legacy;
mod prices;
mod products;
mod resources;
mod servers;
mod world;

use std::fmt;
use std::future::Future;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, SystemTime};

use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use tokio::time::Instant;

pub(crate) use answers::{Shape, Task};
use fleet::{FleetCtx, RUNNING, STOPPED, STOPPED_IN_PLACE};
use json::{splitmix64, uuid_from_bits};
use world::{BlockEntry, Entry, Origin, World, Zone};

pub use action::{Action, ActionError};
pub use catalog::ReferenceFault;
pub use faults::{Chaos, Fault, FaultEvent, OVERSIZED_BYTES};
pub use products::{
    Product, ProductAction, ProductActionError, ProductCounts, SECRET_MARKER, SECRET_MARKER_BASE64,
};
pub use resources::Resource;

/// 128 bits as a UUID v4 (version and variant forced): the shape of a Scaleway secret key,
/// for a generated key the simulator accepts (`demo`).
pub use json::uuid_from_bits as uuid_v4;

/// How the simulator is set up.
#[derive(Clone, Debug)]
pub struct SimulatorConfig {
    /// Zones that hold servers; any other well-formed zone answers an empty list.
    pub zones: Vec<String>,
    /// Servers generated in each zone at start; what they leave behind (unattached volumes,
    /// detached IPs, snapshots) grows with it, a few in every zone at the least.
    pub servers_per_zone: usize,
    /// Same seed, same fleet, byte for byte (ids, names, dates included; with
    /// [`Mix::Lifelike`], the maintenances' start dates follow the day the simulator starts).
    pub seed: u64,
    /// The only `X-Auth-Token` accepted.
    pub token: String,
    /// How long `starting`/`stopping` (and a reboot) last before the target state.
    pub transition: Duration,
    /// Elastic Metal, Apple silicon and Dedibox servers in each zone of `zones` the product
    /// serves (none by default).
    pub products: ProductCounts,
    /// The states the fleet starts in and churns through, and the maintenances' dates.
    pub mix: Mix,
}

/// How the generated fleet looks and moves: what tests need, or what an operator's first look
/// at the demo should show.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Mix {
    /// About one server in four not in its up state at start, churn that stops servers as
    /// often as it starts them, maintenances on fixed dates: every state in numbers, and the
    /// same fleet on every run (tests, `simulate`, benchmarks).
    #[default]
    Varied,
    /// A few percent of servers not up at start, churn that keeps it so (it reboots far more
    /// often than it stops), and maintenances dated a few days to weeks from the day the
    /// simulator starts (`demo`).
    Lifelike,
}

impl Default for SimulatorConfig {
    fn default() -> Self {
        SimulatorConfig {
            zones: vec!["fr-par-1".to_owned(), "nl-ams-1".to_owned()],
            servers_per_zone: 25,
            seed: 42,
            token: "00000000-0000-4000-8000-000000000000".to_owned(),
            transition: Duration::from_secs(3),
            products: ProductCounts::default(),
            mix: Mix::Varied,
        }
    }
}

/// What the Block Storage API answers for a zone's volumes, instead of them, while a test
/// says so ([`Simulator::set_block_fault`]). Each is the body the real service writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BlockFault {
    /// 403 `permissions_denied`: a key whose IAM policy lacks `BlockStorageReadOnly`.
    PermissionDenied,
    /// 429 from the gateway's rate limiter: an empty body, `X-Envoy-Ratelimited: true`.
    RateLimited,
    /// 500 `server_error`: the service failed on its side.
    InternalError,
    /// 501 `{"message":"unknown service"}`: the gateway's answer for a service that does not
    /// serve the zone.
    NotServed,
}

/// The simulator: cheap to clone, every clone sees the same fleet.
#[derive(Clone)]
pub struct Simulator {
    shared: Arc<Shared>,
}

struct Shared {
    config: SimulatorConfig,
    fleet: FleetCtx,
    world: Mutex<World>,
    /// Drives `churn_once`, seeded so a demo replays the same story.
    churn_rng: Mutex<StdRng>,
    /// Feeds `X-Request-Id` and task ids.
    counter: AtomicU64,
    /// `/servers` in the 2014 Online Labs form instead of the 2018 one.
    legacy_running_bool: AtomicBool,
    /// The server-type catalog's and the projects' faults and request counts (tests).
    catalog: catalog::Hooks,
    projects: catalog::Hooks,
    /// What the servers lists answer instead of their servers (tests, chaos).
    faults: faults::Faults,
    /// Requests to each [`Resource`]'s list, by [`Resource::index`].
    resource_requests: [AtomicU64; Resource::ALL.len()],
}

impl fmt::Debug for Simulator {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Not the token: logs may print this.
        let config = &self.shared.config;
        f.debug_struct("Simulator")
            .field("zones", &config.zones)
            .field("servers_per_zone", &config.servers_per_zone)
            .field("seed", &config.seed)
            .field("transition", &config.transition)
            .finish_non_exhaustive()
    }
}

impl Simulator {
    /// Generates the fleet (every zone, every server, what they leave behind) and returns
    /// the simulator. Leftovers are dated back from today.
    pub fn new(config: SimulatorConfig) -> Self {
        Simulator::build(config, None)
    }

    /// The same simulator as if it were started at `now`: leftovers are dated back from that
    /// day, and the wall clock (dates of actions, the bill's hours) runs on from `now`. For
    /// tests that pin dates, ages and totals.
    pub fn new_at(config: SimulatorConfig, now: SystemTime) -> Self {
        Simulator::build(config, Some(chrono::DateTime::<chrono::Utc>::from(now)))
    }

    fn build(config: SimulatorConfig, at: Option<chrono::DateTime<chrono::Utc>>) -> Self {
        let fleet = FleetCtx::new(config.seed, config.mix);
        let mut zones = Vec::with_capacity(config.zones.len());
        let mut links = Vec::with_capacity(config.zones.len());
        for name in &config.zones {
            if zones.iter().any(|z: &Zone| z.ctx.zone == *name) {
                continue;
            }
            let mut zone_links = Vec::new();
            zones.push(Zone::generate(
                &fleet,
                name,
                config.servers_per_zone,
                &mut zone_links,
            ));
            links.push(zone_links);
        }
        // Servers caught in a transition finish it one transition after the Instance fleet
        // is ready (a 50,000-server fleet takes a while to build in a debug build).
        let settle_at = Instant::now() + config.transition;
        for zone in &mut zones {
            zone.servers.land_all_at(settle_at);
        }
        let mut products = products::Products::generate(&fleet, &config);
        products.land_all_at(settle_at);
        let today = resources::Today::of(at.unwrap_or_else(chrono::Utc::now));
        let bill = resources::fill_world(&mut zones, &links, &fleet, today, &products);
        let churn_rng = StdRng::seed_from_u64(splitmix64(config.seed ^ 0xc4u64));
        Simulator {
            shared: Arc::new(Shared {
                fleet,
                world: Mutex::new(World {
                    zones,
                    skew: Duration::ZERO,
                    origin: at.map(|at| (at, Instant::now())),
                    products,
                    bill,
                    resource_faults: std::collections::HashMap::new(),
                }),
                churn_rng: Mutex::new(churn_rng),
                counter: AtomicU64::new(splitmix64(config.seed)),
                legacy_running_bool: AtomicBool::new(false),
                catalog: catalog::Hooks::default(),
                projects: catalog::Hooks::default(),
                faults: faults::Faults::default(),
                resource_requests: Default::default(),
                config,
            }),
        }
    }

    /// The token the simulator accepts.
    pub fn token(&self) -> &str {
        &self.shared.config.token
    }

    /// The configuration it was built with.
    pub fn config(&self) -> &SimulatorConfig {
        &self.shared.config
    }

    /// Every endpoint: Instance servers (list, get, action), Block volumes, legacy `/servers`,
    /// the servers of Elastic Metal, Apple silicon and Dedibox (list, get, actions), and the
    /// list of every [`Resource`].
    pub fn router(&self) -> axum::Router {
        http::router(self.clone())
    }

    /// Serves until `shutdown` resolves (graceful).
    pub async fn serve(
        self,
        listener: tokio::net::TcpListener,
        shutdown: impl Future<Output = ()> + Send + 'static,
    ) -> std::io::Result<()> {
        axum::serve(listener, self.router())
            .with_graceful_shutdown(shutdown)
            .await
    }

    /// Current server ids of a zone (terminated ones gone), in listing order (newest first).
    pub fn server_ids(&self, zone: &str) -> Vec<String> {
        let mut world = self.world();
        match world.settled(&self.shared.fleet, zone) {
            Some((z, ..)) => z.servers.all().iter().rev().map(|e| e.id.clone()).collect(),
            None => Vec::new(),
        }
    }

    /// The state string the API would show for a server, `None` if there is no such server.
    pub fn server_state(&self, zone: &str, id: &str) -> Option<String> {
        let mut world = self.world();
        let (z, ..) = world.settled(&self.shared.fleet, zone)?;
        Some(z.servers.get(id)?.state.clone())
    }

    /// The `state_detail` the API would show for a server.
    pub fn server_state_detail(&self, zone: &str, id: &str) -> Option<String> {
        let mut world = self.world();
        let (z, ..) = world.settled(&self.shared.fleet, zone)?;
        Some(z.servers.get(id)?.detail.clone())
    }

    /// The server object as `GET .../servers/{id}` returns it (without the envelope).
    pub fn server_json(&self, zone: &str, id: &str) -> Option<serde_json::Value> {
        let bytes = self.server_bytes(zone, id)?;
        serde_json::from_slice(&bytes).ok()
    }

    /// Applies an action, with the same rules as the HTTP endpoint.
    pub fn apply_action(&self, zone: &str, id: &str, action: Action) -> Result<(), ActionError> {
        self.act(zone, id, action).map(|_| ())
    }

    /// Adds a raw server object (already in API shape) at the top of the zone's listing.
    /// Its bytes are served as given until an action changes its state. An unknown zone is
    /// created.
    pub fn insert_server(&self, zone: &str, server: serde_json::Value) {
        let mut world = self.world();
        let z = world.zone_or_create(&self.shared.fleet, zone);
        let id = server
            .get("id")
            .and_then(|v| v.as_str())
            .map(str::to_owned)
            .unwrap_or_else(|| uuid_from_bits(u128::from(self.next_counter())));
        let name = server
            .get("name")
            .and_then(|v| v.as_str())
            .unwrap_or_default()
            .to_owned();
        let state = match (server.get("state"), server.get("running")) {
            (Some(serde_json::Value::String(s)), _) => s.clone(),
            (_, Some(serde_json::Value::Bool(true))) => RUNNING.to_owned(),
            (_, Some(serde_json::Value::Bool(false))) => STOPPED.to_owned(),
            _ => String::new(),
        };
        let text = |key: &str| {
            server
                .get(key)
                .and_then(|v| v.as_str())
                .unwrap_or_default()
                .to_owned()
        };
        let entry = Entry {
            detail: text("state_detail"),
            modified: text("modification_date"),
            json: json::spaced(&server).into_boxed_slice(),
            id,
            name,
            origin: Origin::Raw(Box::new(server)),
            state,
            pending: None,
        };
        z.servers.push(entry);
    }

    /// Adds a raw Block Storage volume object to the zone's `/block/v1` list.
    pub fn insert_block_volume(&self, zone: &str, volume: serde_json::Value) {
        let mut world = self.world();
        let z = world.zone_or_create(&self.shared.fleet, zone);
        if let Some(id) = volume.get("id").and_then(|v| v.as_str()) {
            z.volume_index.insert(id.to_owned(), z.volumes.len());
        }
        z.volumes.push(BlockEntry::Raw(volume));
    }

    /// While on, every page after the first starts with the last server of the previous page
    /// (as when a server is created while a client pages), so one server is listed twice per
    /// page boundary; `X-Total-Count` then counts the server that pushed the list down.
    pub fn set_page_shift(&self, zone: &str, on: bool) {
        let mut world = self.world();
        let z = world.zone_or_create(&self.shared.fleet, zone);
        z.page_shift = on;
    }

    /// While `Some`, the zone's Block Storage endpoints (the volumes list and one volume)
    /// answer `fault` instead of its volumes; `None` heals them.
    pub fn set_block_fault(&self, zone: &str, fault: Option<BlockFault>) {
        let mut world = self.world();
        let z = world.zone_or_create(&self.shared.fleet, zone);
        z.block_fault = fault;
    }

    /// Once, right after page `page` of the zone's servers list is served, server `id` is
    /// deleted (as a terminate that completes at that moment): every later server moves up
    /// one place, so when `id` was on a page already read, the first server of the next page
    /// slips onto that page and a client paging on never sees it. `X-Total-Count` says one
    /// less from then on.
    pub fn delete_after_page(&self, zone: &str, page: u64, id: &str) {
        let mut world = self.world();
        let z = world.zone_or_create(&self.shared.fleet, zone);
        z.delete_after_page = Some((page, id.to_owned()));
    }

    /// `GET /servers` answers in the 2014 Online Labs form (`"running": bool`) when on, in the
    /// 2016-2018 form (`"state"`) when off (the default).
    pub fn set_legacy_running_bool(&self, on: bool) {
        self.shared.legacy_running_bool.store(on, Ordering::Relaxed);
    }

    /// Moves the simulator's clock forward (for tests that cannot use `tokio::time::pause()`).
    pub fn advance_clock(&self, by: Duration) {
        let mut world = self.world();
        world.skew += by;
    }

    /// Demo churn: picks a server (seeded) and applies a plausible action. Returns a line for
    /// the log, or `None` when no server could take an action. When product servers exist,
    /// one churn in four moves one of them instead.
    pub fn churn_once(&self) -> Option<String> {
        let roll = {
            let mut world = self.world();
            let products = &mut world.products;
            products.has_servers().then(|| products.roll())
        };
        if roll.is_some_and(|r| r < 25) {
            if let Some(change) = self.churn_product_once() {
                return Some(change);
            }
        }
        let zones = self.shared.config.zones.clone();
        if zones.is_empty() {
            return None;
        }
        for _ in 0..32 {
            let (zone, pick, roll) = {
                let mut rng = self
                    .shared
                    .churn_rng
                    .lock()
                    .unwrap_or_else(|e| e.into_inner());
                (
                    zones[rng.random_range(0..zones.len())].clone(),
                    rng.random::<u64>(),
                    rng.random_range(0..100),
                )
            };
            let candidate = {
                let mut world = self.world();
                let Some((z, ..)) = world.settled(&self.shared.fleet, &zone) else {
                    continue;
                };
                let Some(e) = z.servers.idle_at(pick) else {
                    continue;
                };
                // Lifelike: a running server is stopped 5 times in 100 and rebooted otherwise,
                // and a stopped one started, so about 5% stay down however long the demo runs
                // (Varied stops 70 in 100: about 40% down in the long run).
                let (poweroff, reboot) = match self.shared.config.mix {
                    Mix::Varied => (40, 70),
                    Mix::Lifelike => (3, 98),
                };
                let action = match e.state.as_str() {
                    RUNNING if roll < poweroff => Action::Poweroff,
                    RUNNING if roll < reboot => Action::Reboot,
                    RUNNING => Action::StopInPlace,
                    STOPPED | STOPPED_IN_PLACE => Action::Poweron,
                    _ => continue,
                };
                (e.id.clone(), e.name.clone(), e.state.clone(), action)
            };
            let (id, name, state, action) = candidate;
            if self.apply_action(&zone, &id, action).is_ok() {
                return Some(format!("{zone}: {action} {name:?} ({id}), was {state}"));
            }
        }
        None
    }

    // --------------------------------------------------------------------------------------
    // Internals used by the HTTP layer
    // --------------------------------------------------------------------------------------

    fn world(&self) -> MutexGuard<'_, World> {
        // A panic while holding the lock cannot leave a half-written entry that matters more
        // than refusing every later request would.
        self.shared.world.lock().unwrap_or_else(|e| e.into_inner())
    }

    fn next_counter(&self) -> u64 {
        splitmix64(self.shared.counter.fetch_add(1, Ordering::Relaxed))
    }

    /// A fresh UUID-shaped id (request ids, task ids).
    pub(crate) fn fresh_uuid(&self) -> String {
        let hi = self.next_counter();
        let lo = self.next_counter();
        uuid_from_bits((u128::from(hi) << 64) | u128::from(lo))
    }
}

/// The intermediate state an action puts a server in, and what it becomes after the transition
/// (recorded sequences: docs/api-notes.md#server-states).
#[cfg(test)]
mod tests;
