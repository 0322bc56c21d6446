//! A fake Scaleway API that speaks the real shapes, for `demo`, `simulate`, tests and benchmarks.
//!
//! - `fleet`: the seeded, deterministic fleet (servers and Block volumes, as real accounts show them).
//! - `legacy`: the same servers in the pre-2019 `/servers` shapes.
//! - `http`: the axum router (auth, paging headers, errors as the real API writes them).
//! - `json`: Python-style JSON, UUID-shaped ids, the two date forms.
//! - `products`: Elastic Metal, Apple silicon and Dedibox servers (their own shapes, zones,
//!   actions and secrets), and the test hooks that cover every [`Product`].
//!
//! State lives behind one mutex. Each server keeps its serialised JSON, so a page is a copy
//! of bytes whatever the fleet size; a server is re-rendered only when its state changes.
//! Actions are lazy: they store a target state and a deadline (`tokio::time::Instant`, so
//! `tokio::time::pause()` works), resolved whenever the zone is next read.

mod account;
mod action;
mod catalog;
mod fleet;
mod http;
mod json;
mod legacy;
mod products;

use std::collections::HashMap;
use std::fmt;
use std::future::Future;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use chrono::{DateTime, Utc};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use serde::Serialize;
use tokio::time::Instant;

use fleet::{
    allowed_actions, has_location, BlockVolume, FleetCtx, Server, Volume, ZoneCtx, RUNNING,
    STARTING, STOPPED, STOPPED_IN_PLACE, STOPPING, TERMINATING,
};
use json::{block_date, instance_date, splitmix64, uuid_from_bits};

pub use action::{Action, ActionError};
pub use catalog::ReferenceFault;
pub use products::{
    Product, ProductAction, ProductActionError, ProductCounts, SECRET_MARKER, SECRET_MARKER_BASE64,
};

/// 128 bits as a UUID v4 (version and variant forced): the shape of a Scaleway secret key,
/// for a generated key the simulator accepts (`demo`).
pub use json::uuid_from_bits as uuid_v4;

/// How the simulator is set up.
#[derive(Clone, Debug)]
pub struct SimulatorConfig {
    /// Zones that hold servers; any other well-formed zone answers an empty list.
    pub zones: Vec<String>,
    /// Servers generated in each zone at start.
    pub servers_per_zone: usize,
    /// Same seed, same fleet, byte for byte (ids, names, dates included).
    pub seed: u64,
    /// The only `X-Auth-Token` accepted.
    pub token: String,
    /// How long `starting`/`stopping` (and a reboot) last before the target state.
    pub transition: Duration,
    /// Elastic Metal, Apple silicon and Dedibox servers in each zone of `zones` the product
    /// serves (none by default).
    pub products: ProductCounts,
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
}

struct World {
    zones: Vec<Zone>,
    /// Added to the clock by `advance_clock` (tests without tokio's `test-util`).
    skew: Duration,
    products: products::Products,
}

struct Zone {
    ctx: ZoneCtx,
    /// Oldest first; the listing (newest first) walks it backwards.
    servers: Vec<Entry>,
    /// id → position in `servers`.
    index: HashMap<String, usize>,
    /// Ids of servers with a transition in flight.
    pending: Vec<String>,
    volumes: Vec<BlockEntry>,
    /// Block volume id → position in `volumes`.
    volume_index: HashMap<String, usize>,
    page_shift: bool,
    /// What `/block/v1` answers for the zone instead of its volumes.
    block_fault: Option<BlockFault>,
    /// A server to delete once a page of the list is served (`delete_after_page`).
    delete_after_page: Option<(u64, String)>,
}

/// One server: its serialised JSON plus what actions change.
struct Entry {
    id: String,
    name: String,
    origin: Origin,
    state: String,
    detail: String,
    modified: String,
    pending: Option<Pending>,
    json: Box<[u8]>,
}

enum Origin {
    /// Regenerated from the seed when it must be re-rendered.
    Generated(usize),
    /// Inserted by a test, already in API shape.
    Raw(Box<serde_json::Value>),
}

struct Pending {
    deadline: Instant,
    then: Then,
}

#[derive(Clone, Copy)]
enum Then {
    Settle(&'static str, &'static str),
    Remove,
}

// Nearly every volume is generated: boxing them would only add an allocation each.
#[allow(clippy::large_enum_variant)]
enum BlockEntry {
    Generated(BlockVolume),
    Raw(serde_json::Value),
}

/// A page of a list, ready to send.
pub(crate) struct PageOut {
    pub body: Vec<u8>,
    /// What `X-Total-Count` says.
    pub total: u64,
}

/// Which rendering a server list uses.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum Shape {
    Current,
    Legacy2018,
    Legacy2014,
}

/// What an accepted action returns (the `task` object).
#[derive(Serialize)]
pub(crate) struct Task {
    id: String,
    description: &'static str,
    status: &'static str,
    href_from: String,
    href_result: String,
    started_at: String,
    terminated_at: Option<()>,
    progress: u32,
    zone: String,
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
    /// Generates the fleet (every zone, every server) and returns the simulator.
    pub fn new(config: SimulatorConfig) -> Self {
        let fleet = FleetCtx::new(config.seed);
        let mut zones = Vec::with_capacity(config.zones.len());
        for name in &config.zones {
            if zones.iter().any(|z: &Zone| z.ctx.zone == *name) {
                continue;
            }
            zones.push(Zone::generate(&fleet, name, config.servers_per_zone));
        }
        // Servers caught starting or stopping finish one transition after the fleet is ready
        // (a 50,000-server fleet takes a while to build in a debug build).
        let settle_at = Instant::now() + config.transition;
        for zone in &mut zones {
            for id in &zone.pending {
                if let Some(p) = zone
                    .index
                    .get(id)
                    .and_then(|&pos| zone.servers[pos].pending.as_mut())
                {
                    p.deadline = settle_at;
                }
            }
        }
        let products = products::Products::generate(&fleet, &config, settle_at);
        let churn_rng = StdRng::seed_from_u64(splitmix64(config.seed ^ 0xc4u64));
        Simulator {
            shared: Arc::new(Shared {
                fleet,
                world: Mutex::new(World {
                    zones,
                    skew: Duration::ZERO,
                    products,
                }),
                churn_rng: Mutex::new(churn_rng),
                counter: AtomicU64::new(splitmix64(config.seed)),
                legacy_running_bool: AtomicBool::new(false),
                catalog: catalog::Hooks::default(),
                projects: catalog::Hooks::default(),
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
    /// and the servers of Elastic Metal, Apple silicon and Dedibox (list, get, actions).
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
        let (now, wall) = world.clocks();
        let fleet = &self.shared.fleet;
        match world.zone_mut(zone) {
            Some(z) => {
                z.settle(fleet, now, wall);
                z.servers.iter().rev().map(|e| e.id.clone()).collect()
            }
            None => Vec::new(),
        }
    }

    /// The state string the API would show for a server, `None` if there is no such server.
    pub fn server_state(&self, zone: &str, id: &str) -> Option<String> {
        let mut world = self.world();
        let (now, wall) = world.clocks();
        let z = world.zone_mut(zone)?;
        z.settle(&self.shared.fleet, now, wall);
        let pos = *z.index.get(id)?;
        Some(z.servers[pos].state.clone())
    }

    /// The `state_detail` the API would show for a server.
    pub fn server_state_detail(&self, zone: &str, id: &str) -> Option<String> {
        let mut world = self.world();
        let (now, wall) = world.clocks();
        let z = world.zone_mut(zone)?;
        z.settle(&self.shared.fleet, now, wall);
        let pos = *z.index.get(id)?;
        Some(z.servers[pos].detail.clone())
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
            id: id.clone(),
            name,
            origin: Origin::Raw(Box::new(server)),
            state,
            pending: None,
        };
        z.servers.push(entry);
        z.index.insert(id, z.servers.len() - 1);
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

    /// The fault the zone's Block Storage endpoints answer, if any.
    pub(crate) fn block_fault(&self, zone: &str) -> Option<BlockFault> {
        self.world().zone(zone).and_then(|z| z.block_fault)
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
                let (now, wall) = world.clocks();
                let Some(z) = world.zone_mut(&zone) else {
                    continue;
                };
                z.settle(&self.shared.fleet, now, wall);
                if z.servers.is_empty() {
                    continue;
                }
                let e = &z.servers[(pick % z.servers.len() as u64) as usize];
                if e.pending.is_some() {
                    continue;
                }
                let action = match e.state.as_str() {
                    RUNNING if roll < 40 => Action::Poweroff,
                    RUNNING if roll < 70 => Action::Reboot,
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

    pub(crate) fn shape_for_legacy(&self) -> Shape {
        if self.shared.legacy_running_bool.load(Ordering::Relaxed) {
            Shape::Legacy2014
        } else {
            Shape::Legacy2018
        }
    }

    /// The first configured zone: the one the legacy `/servers` shows.
    pub(crate) fn legacy_zone(&self) -> Option<String> {
        self.shared.config.zones.first().cloned()
    }

    pub(crate) fn server_bytes(&self, zone: &str, id: &str) -> Option<Vec<u8>> {
        let mut world = self.world();
        let (now, wall) = world.clocks();
        let z = world.zone_mut(zone)?;
        z.settle(&self.shared.fleet, now, wall);
        let pos = *z.index.get(id)?;
        Some(z.servers[pos].json.to_vec())
    }

    /// One page of a zone's servers, newest first. An unknown zone is an empty list.
    pub(crate) fn servers_page(
        &self,
        zone: &str,
        page: u64,
        per_page: u64,
        shape: Shape,
    ) -> PageOut {
        let mut world = self.world();
        let (now, wall) = world.clocks();
        let fleet = &self.shared.fleet;
        let Some(z) = world.zone_mut(zone) else {
            return PageOut {
                body: b"{\"servers\": []}".to_vec(),
                total: 0,
            };
        };
        z.settle(fleet, now, wall);
        let len = z.servers.len() as u64;
        let shifted = z.page_shift && page > 1;
        let (start, end, total) = if shifted {
            let start = (page - 1).saturating_mul(per_page) - 1;
            (start, start.saturating_add(per_page), len + 1)
        } else {
            let start = (page - 1).saturating_mul(per_page);
            (start, start.saturating_add(per_page), len)
        };
        let (start, end) = (start.min(len) as usize, end.min(len) as usize);
        let listing = &z.servers;
        let picked = (start..end).map(|k| &listing[listing.len() - 1 - k]);
        let mut body = Vec::with_capacity(32 + (end - start) * 2600);
        body.extend_from_slice(b"{\"servers\": [");
        for (n, entry) in picked.enumerate() {
            if n > 0 {
                body.extend_from_slice(b", ");
            }
            match (shape, &entry.origin) {
                (Shape::Current, _) | (_, Origin::Raw(_)) => body.extend_from_slice(&entry.json),
                (_, Origin::Generated(idx)) => {
                    let g = z.ctx.generate(fleet, *idx);
                    let mut server = g.server;
                    apply_status(&mut server, entry);
                    if shape == Shape::Legacy2014 {
                        legacy::render_2014(&server, &g.blocks, &mut body);
                    } else {
                        legacy::render_2018(&server, &g.blocks, &mut body);
                    }
                }
            }
        }
        body.extend_from_slice(b"]}");
        if z.delete_after_page
            .as_ref()
            .is_some_and(|(after, _)| *after == page)
        {
            if let Some((_, id)) = z.delete_after_page.take() {
                z.remove(fleet, &id, wall);
            }
        }
        PageOut { body, total }
    }

    /// One Block volume, compact, as `GET /block/v1/zones/{zone}/volumes/{id}` returns it.
    pub(crate) fn volume_bytes(&self, zone: &str, id: &str) -> Option<Vec<u8>> {
        let world = self.world();
        let z = world.zone(zone)?;
        match z.volumes.get(*z.volume_index.get(id)?)? {
            BlockEntry::Generated(b) => Some(json::compact(b)),
            BlockEntry::Raw(r) => Some(json::compact(r)),
        }
    }

    /// One page of a zone's Block volumes (oldest first), `{"total_count":N,"volumes":[...]}`
    /// in the compact Go style of the Block API.
    pub(crate) fn volumes_page(&self, zone: &str, page: u64, page_size: u64) -> Vec<u8> {
        let world = self.world();
        let Some(z) = world.zone(zone) else {
            return b"{\"total_count\":0,\"volumes\":[]}".to_vec();
        };
        let len = z.volumes.len() as u64;
        let start = (page - 1).saturating_mul(page_size);
        let end = start.saturating_add(page_size).min(len) as usize;
        let start = start.min(len) as usize;
        let mut body = format!("{{\"total_count\":{len},\"volumes\":[").into_bytes();
        for (n, volume) in z.volumes[start..end].iter().enumerate() {
            if n > 0 {
                body.push(b',');
            }
            match volume {
                BlockEntry::Generated(b) => body.extend_from_slice(&json::compact(b)),
                BlockEntry::Raw(r) => body.extend_from_slice(&json::compact(r)),
            }
        }
        body.extend_from_slice(b"]}");
        body
    }

    /// Runs an action; the task is what the HTTP endpoint answers.
    pub(crate) fn act(&self, zone: &str, id: &str, action: Action) -> Result<Task, ActionError> {
        let mut world = self.world();
        let (now, wall) = world.clocks();
        let transition = self.shared.config.transition;
        let fleet = &self.shared.fleet;
        let z = world
            .zone_mut(zone)
            .ok_or_else(|| ActionError::UnknownZone(zone.to_owned()))?;
        z.settle(fleet, now, wall);
        let pos = *z.index.get(id).ok_or_else(|| ActionError::UnknownServer {
            zone: zone.to_owned(),
            id: id.to_owned(),
        })?;
        let entry = &mut z.servers[pos];
        if !allowed_actions(&entry.state, &entry.detail).contains(&action.as_str()) {
            return Err(ActionError::NotAllowed {
                action,
                state: entry.state.clone(),
            });
        }
        let (state, detail, then) = transition_of(action, &entry.state);
        entry.state = state.to_owned();
        entry.detail = detail.to_owned();
        entry.modified = instance_date(wall);
        entry.pending = Some(Pending {
            deadline: now + transition,
            then,
        });
        entry.json = render(fleet, &z.ctx, entry);
        if !z.pending.iter().any(|p| p == id) {
            z.pending.push(id.to_owned());
        }
        tracing::debug!(
            zone,
            server_id = id,
            action = action.as_str(),
            state,
            "simulated action"
        );
        drop(world);
        Ok(Task {
            id: self.fresh_uuid(),
            description: action.task_description(),
            status: "pending",
            href_from: format!("/servers/{id}/action"),
            href_result: format!("/servers/{id}"),
            started_at: instance_date(wall),
            terminated_at: None,
            progress: 0,
            zone: zone.to_owned(),
        })
    }
}

/// The intermediate state an action puts a server in, and what it becomes after the transition
/// (recorded sequences: docs/api-notes.md#server-states).
fn transition_of(action: Action, state: &str) -> (&'static str, &'static str, Then) {
    match (action, state) {
        (Action::Poweron, STOPPED) => (
            STARTING,
            "allocating node",
            Then::Settle(RUNNING, "booting kernel"),
        ),
        (Action::Poweron, _) => (
            STARTING,
            "starting",
            Then::Settle(RUNNING, "booting kernel"),
        ),
        (Action::Poweroff, _) => (STOPPING, "stopping", Then::Settle(STOPPED, "")),
        (Action::StopInPlace, _) => (
            STOPPING,
            "stopping in place",
            Then::Settle(STOPPED_IN_PLACE, "stopped in place"),
        ),
        (Action::Reboot, RUNNING) => (RUNNING, "rebooting", Then::Settle(RUNNING, "booted")),
        (Action::Reboot, _) => (
            STARTING,
            "starting",
            Then::Settle(RUNNING, "booting kernel"),
        ),
        (Action::Terminate, _) => (STOPPING, TERMINATING, Then::Remove),
    }
}

/// Writes an entry's state into a regenerated server.
fn apply_status(server: &mut Server, entry: &Entry) {
    server.state.clone_from(&entry.state);
    server.state_detail.clone_from(&entry.detail);
    server.modification_date.clone_from(&entry.modified);
    server.allowed_actions = allowed_actions(&entry.state, &entry.detail);
    if !has_location(&entry.state, &entry.detail) {
        server.location = None;
    }
    if entry.state == STOPPING && entry.detail == TERMINATING {
        for (_, v) in &mut server.volumes.0 {
            if let Volume::Local(v) = v {
                v.state = "deleting";
            }
        }
    }
}

/// The entry's JSON for its current state.
fn render(fleet: &FleetCtx, ctx: &ZoneCtx, entry: &mut Entry) -> Box<[u8]> {
    match &mut entry.origin {
        Origin::Generated(idx) => {
            let mut server = ctx.generate(fleet, *idx).server;
            apply_status(&mut server, entry);
            json::spaced(&server).into_boxed_slice()
        }
        Origin::Raw(value) => {
            if let Some(obj) = value.as_object_mut() {
                if obj.contains_key("running") && !obj.contains_key("state") {
                    obj.insert("running".into(), (entry.state == RUNNING).into());
                } else {
                    obj.insert("state".into(), entry.state.clone().into());
                    obj.insert("state_detail".into(), entry.detail.clone().into());
                    let allowed: Vec<serde_json::Value> =
                        allowed_actions(&entry.state, &entry.detail)
                            .iter()
                            .map(|&a| a.into())
                            .collect();
                    obj.insert("allowed_actions".into(), allowed.into());
                }
                obj.insert("modification_date".into(), entry.modified.clone().into());
            }
            json::spaced(&**value).into_boxed_slice()
        }
    }
}

impl World {
    /// The monotonic clock (for deadlines) and the wall clock (for dates), both skewed.
    fn clocks(&self) -> (Instant, DateTime<Utc>) {
        let wall = Utc::now() + chrono::Duration::from_std(self.skew).unwrap_or_default();
        (Instant::now() + self.skew, wall)
    }

    fn zone(&self, name: &str) -> Option<&Zone> {
        self.zones.iter().find(|z| z.ctx.zone == name)
    }

    fn zone_mut(&mut self, name: &str) -> Option<&mut Zone> {
        self.zones.iter_mut().find(|z| z.ctx.zone == name)
    }

    fn zone_or_create(&mut self, fleet: &FleetCtx, name: &str) -> &mut Zone {
        let pos = match self.zones.iter().position(|z| z.ctx.zone == name) {
            Some(pos) => pos,
            None => {
                self.zones.push(Zone::empty(ZoneCtx::new(fleet, name, 1)));
                self.zones.len() - 1
            }
        };
        &mut self.zones[pos]
    }
}

impl Zone {
    fn empty(ctx: ZoneCtx) -> Self {
        Zone {
            ctx,
            servers: Vec::new(),
            index: HashMap::new(),
            pending: Vec::new(),
            volumes: Vec::new(),
            volume_index: HashMap::new(),
            page_shift: false,
            block_fault: None,
            delete_after_page: None,
        }
    }

    /// Generates `count` servers; those caught starting or stopping get a transition whose
    /// deadline the caller sets once the whole fleet is built.
    fn generate(fleet: &FleetCtx, name: &str, count: usize) -> Self {
        let settle_at = Instant::now();
        let mut zone = Zone::empty(ZoneCtx::new(fleet, name, count));
        let mut blocks = Vec::new();
        zone.servers.reserve(count);
        for idx in 0..count {
            let g = zone.ctx.generate(fleet, idx);
            let mut entry = Entry {
                id: g.server.id.clone(),
                name: g.server.name.clone(),
                origin: Origin::Generated(idx),
                state: g.server.state.clone(),
                detail: g.server.state_detail.clone(),
                modified: g.server.modification_date.clone(),
                pending: None,
                json: Box::default(),
            };
            let mut server = g.server;
            apply_status(&mut server, &entry);
            entry.json = json::spaced(&server).into_boxed_slice();
            let then = match entry.state.as_str() {
                STARTING => Some(Then::Settle(RUNNING, "booting kernel")),
                STOPPING => Some(Then::Settle(STOPPED, "")),
                _ => None,
            };
            if let Some(then) = then {
                entry.pending = Some(Pending {
                    deadline: settle_at,
                    then,
                });
                zone.pending.push(entry.id.clone());
            }
            zone.index.insert(entry.id.clone(), idx);
            zone.servers.push(entry);
            blocks.extend(g.blocks);
        }
        blocks.extend(zone.ctx.unattached_volumes(fleet, 3 + count / 25));
        blocks.sort_by(|a, b| a.created_at.cmp(&b.created_at));
        for (pos, b) in blocks.iter().enumerate() {
            zone.volume_index.insert(b.id.clone(), pos);
        }
        zone.volumes = blocks.into_iter().map(BlockEntry::Generated).collect();
        zone
    }

    /// Resolves transitions whose deadline has passed.
    fn settle(&mut self, fleet: &FleetCtx, now: Instant, wall: DateTime<Utc>) {
        if self.pending.is_empty() {
            return;
        }
        let mut still = Vec::new();
        let mut removed: Vec<(usize, DateTime<Utc>)> = Vec::new();
        for id in std::mem::take(&mut self.pending) {
            let Some(&pos) = self.index.get(&id) else {
                continue;
            };
            let entry = &mut self.servers[pos];
            let deadline = match &entry.pending {
                Some(p) if p.deadline <= now => p.deadline,
                Some(_) => {
                    still.push(id);
                    continue;
                }
                None => continue,
            };
            let Some(p) = entry.pending.take() else {
                continue;
            };
            // The date the state changed: the deadline, on the wall clock.
            let when = wall - chrono::Duration::from_std(now - deadline).unwrap_or_default();
            match p.then {
                Then::Settle(state, detail) => {
                    entry.state = state.to_owned();
                    entry.detail = detail.to_owned();
                    entry.modified = instance_date(when);
                    entry.json = render(fleet, &self.ctx, entry);
                }
                Then::Remove => removed.push((pos, when)),
            }
        }
        self.pending = still;
        if removed.is_empty() {
            return;
        }
        removed.sort_by_key(|(pos, _)| std::cmp::Reverse(*pos));
        for (pos, when) in removed {
            let entry = self.servers.remove(pos);
            for volume_id in self.sbs_volume_ids(fleet, &entry) {
                self.detach(&volume_id, when);
            }
        }
        self.reindex();
    }

    /// Deletes server `id` now, as a terminate that completes: its Block volumes stay,
    /// detached. Nothing happens when there is no such server.
    fn remove(&mut self, fleet: &FleetCtx, id: &str, when: DateTime<Utc>) {
        let Some(&pos) = self.index.get(id) else {
            return;
        };
        let entry = self.servers.remove(pos);
        for volume_id in self.sbs_volume_ids(fleet, &entry) {
            self.detach(&volume_id, when);
        }
        self.pending.retain(|pending| pending != id);
        self.reindex();
    }

    fn reindex(&mut self) {
        self.index = self
            .servers
            .iter()
            .enumerate()
            .map(|(pos, e)| (e.id.clone(), pos))
            .collect();
    }

    /// The Block volumes behind a server's `sbs_volume` entries.
    fn sbs_volume_ids(&self, fleet: &FleetCtx, entry: &Entry) -> Vec<String> {
        match &entry.origin {
            Origin::Generated(idx) => self
                .ctx
                .generate(fleet, *idx)
                .blocks
                .into_iter()
                .map(|b| b.id)
                .collect(),
            Origin::Raw(value) => value
                .get("volumes")
                .and_then(|v| v.as_object())
                .map(|vols| {
                    vols.values()
                        .filter(|v| {
                            v.get("volume_type").and_then(|t| t.as_str()) == Some("sbs_volume")
                        })
                        .filter_map(|v| v.get("id").and_then(|i| i.as_str()).map(str::to_owned))
                        .collect()
                })
                .unwrap_or_default(),
        }
    }

    /// A terminated server's Block volume stays, available and without references.
    fn detach(&mut self, volume_id: &str, when: DateTime<Utc>) {
        let Some(&pos) = self.volume_index.get(volume_id) else {
            return;
        };
        let date = block_date(when);
        match &mut self.volumes[pos] {
            BlockEntry::Generated(b) => {
                b.status = "available";
                b.references.clear();
                b.last_detached_at = Some(date.clone());
                b.updated_at = date;
            }
            BlockEntry::Raw(v) => {
                if let Some(obj) = v.as_object_mut() {
                    obj.insert("status".into(), "available".into());
                    obj.insert("references".into(), serde_json::Value::Array(Vec::new()));
                    obj.insert("last_detached_at".into(), date.clone().into());
                    obj.insert("updated_at".into(), date.into());
                }
            }
        }
    }
}

#[cfg(test)]
mod tests;
