//! The other Scaleway servers: Elastic Metal, Apple silicon and Dedibox.
//!
//! The three APIs are Go services and share one convention, unlike Instance: compact JSON with
//! keys in protobuf field order, `…Z` dates, `page`/`page_size` paging (at most 100, 50 when
//! absent: the real default is not observable) with the total in the body
//! (`{"total_count":N,"servers":[…]}`, no `X-Total-Count` or `Link`), oldest server first
//! (`order_by=created_at_asc`, the default; `created_at_desc` reverses), and get-one answering
//! the bare object, without an envelope.
//!
//! - `elastic_metal`: `/baremetal/v1`, servers as the 2025 API writes them (`install`, two IPs
//!   in either order, `options`, `protected`, `user_data` in base64 on some, `rescue_server`
//!   null). Actions `start`, `stop`, `reboot` answer the server, already in its next state.
//! - `apple_silicon`: `/apple-silicon/v1alpha1`, the 2026 shape with its secrets in every body,
//!   list items included: `sudo_password`, `vnc_url` (`vnc://m1:<password>@<ip>:59010`) and, on
//!   some servers, `runner_configuration.token`. Actions `reboot`, `reinstall` answer the server.
//! - `dedibox`: `/dedibox/v1`, integer ids; list items are the SDK's `ServerSummary` (no tags),
//!   get-one its detailed `Server`. Actions `start`, `stop`, `reboot` answer `204` and no body
//!   (the SDK reads nothing back).
//! - `http`: the routes and their checks (key, zone form, served zone, forbidden product).
//! - `hooks`: the [`Simulator`](crate::Simulator) methods tests use (forbid a product, insert
//!   a raw server, read a state, apply an action) and churn.
//!
//! Each product serves a fixed set of zones ([`Product::served_zones`]); any other well-formed
//! zone answers the gateway's `501 {"message":"unknown service"}`. Generated servers live in
//! the zones of [`crate::SimulatorConfig::zones`] the product serves, as many per zone as
//! [`crate::SimulatorConfig::products`] says. Every secret value contains [`SECRET_MARKER`]
//! (base64 ones [`SECRET_MARKER_BASE64`]), so a test can prove a client never shows them.
//!
//! Transitions are lazy, on the Instance clock: an action stores the target state and a
//! deadline one `transition` away, resolved when the zone is next read.

mod apple_silicon;
mod dedibox;
mod elastic_metal;
mod hooks;
pub(crate) mod http;

use std::collections::HashMap;
use std::fmt;

use chrono::{DateTime, Utc};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use tokio::time::Instant;

use crate::fleet::{FleetCtx, ADJECTIVES, ANCHOR_MICROS, SCIENTISTS};
use crate::json::{block_date, fnv1a, from_micros, splitmix64, uuid_from_bits};
use crate::SimulatorConfig;

/// Part of every simulated secret (Apple silicon `sudo_password`, the password in `vnc_url`,
/// `runner_configuration.token`, and the password inside Elastic Metal `user_data`): a page
/// that contains it shows a secret.
pub const SECRET_MARKER: &str = "SIMULATED-SECRET";

/// What every base64 secret (Elastic Metal `user_data`) contains: the encoding of
/// [`SECRET_MARKER`]'s first 15 bytes, which the simulator places on a 3-byte boundary.
pub const SECRET_MARKER_BASE64: &str = "U0lNVUxBVEVELVNFQ1JF";

/// A Scaleway server product. Labels are the exporter's `product` label values.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Product {
    Instance,
    ElasticMetal,
    AppleSilicon,
    Dedibox,
}

impl Product {
    /// Every product, Instance first.
    pub const ALL: [Product; 4] = [
        Product::Instance,
        Product::ElasticMetal,
        Product::AppleSilicon,
        Product::Dedibox,
    ];

    /// `instance`, `elastic-metal`, `apple-silicon`, `dedibox`.
    pub const fn label(self) -> &'static str {
        match self {
            Product::Instance => "instance",
            Product::ElasticMetal => "elastic-metal",
            Product::AppleSilicon => "apple-silicon",
            Product::Dedibox => "dedibox",
        }
    }

    /// The product of a label, `None` for an unknown one.
    pub fn from_label(label: &str) -> Option<Product> {
        Product::ALL.into_iter().find(|p| p.label() == label)
    }

    /// The zones the product serves; `None` for Instance, which answers in every well-formed
    /// zone. Elastic Metal and Dedibox: their SDK's `Zones()`. Apple silicon: `fr-par-3` (its
    /// SDK's only zone) and `fr-par-1`, where every real server was recorded.
    pub const fn served_zones(self) -> Option<&'static [&'static str]> {
        match self {
            Product::Instance => None,
            Product::ElasticMetal => Some(&[
                "fr-par-1", "fr-par-2", "nl-ams-1", "nl-ams-2", "pl-waw-2", "pl-waw-3",
            ]),
            Product::AppleSilicon => Some(&["fr-par-1", "fr-par-3"]),
            Product::Dedibox => Some(&["fr-par-1", "fr-par-2", "nl-ams-1"]),
        }
    }

    /// Whether the product answers in `zone` (any zone for Instance).
    pub fn serves(self, zone: &str) -> bool {
        self.served_zones()
            .is_none_or(|zones| zones.contains(&zone))
    }

    /// The API's path up to the zone: `/baremetal/v1` for Elastic Metal.
    pub const fn api_path(self) -> &'static str {
        match self {
            Product::Instance => "/instance/v1",
            Product::ElasticMetal => "/baremetal/v1",
            Product::AppleSilicon => "/apple-silicon/v1alpha1",
            Product::Dedibox => "/dedibox/v1",
        }
    }

    /// The actions the product's API has, as `POST …/servers/{id}/{action}` paths.
    pub const fn actions(self) -> &'static [ProductAction] {
        match self {
            Product::Instance | Product::ElasticMetal | Product::Dedibox => &[
                ProductAction::Start,
                ProductAction::Stop,
                ProductAction::Reboot,
            ],
            Product::AppleSilicon => &[ProductAction::Reboot, ProductAction::Reinstall],
        }
    }

    fn index(self) -> usize {
        self as usize
    }
}

impl fmt::Display for Product {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.label())
    }
}

/// How many servers of each product the simulator generates in each zone it serves (among
/// [`SimulatorConfig::zones`]). All zero by default.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct ProductCounts {
    pub elastic_metal: usize,
    pub apple_silicon: usize,
    pub dedibox: usize,
}

impl ProductCounts {
    /// The same count for the three products.
    pub const fn all(per_zone: usize) -> Self {
        ProductCounts {
            elastic_metal: per_zone,
            apple_silicon: per_zone,
            dedibox: per_zone,
        }
    }

    /// The count of one product (Instance: 0, its count is `servers_per_zone`).
    pub fn get(&self, product: Product) -> usize {
        match product {
            Product::Instance => 0,
            Product::ElasticMetal => self.elastic_metal,
            Product::AppleSilicon => self.apple_silicon,
            Product::Dedibox => self.dedibox,
        }
    }
}

/// An action of the Elastic Metal, Apple silicon or Dedibox API, named as in its path.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ProductAction {
    Start,
    Stop,
    Reboot,
    Reinstall,
}

impl ProductAction {
    /// The last segment of the action's path.
    pub const fn as_str(self) -> &'static str {
        match self {
            ProductAction::Start => "start",
            ProductAction::Stop => "stop",
            ProductAction::Reboot => "reboot",
            ProductAction::Reinstall => "reinstall",
        }
    }

    /// The action of a path segment.
    pub fn parse(name: &str) -> Option<ProductAction> {
        [
            ProductAction::Start,
            ProductAction::Stop,
            ProductAction::Reboot,
            ProductAction::Reinstall,
        ]
        .into_iter()
        .find(|a| a.as_str() == name)
    }
}

impl fmt::Display for ProductAction {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Why [`Simulator::apply_product_action`](crate::Simulator::apply_product_action) refused an action.
#[derive(Debug, thiserror::Error)]
pub enum ProductActionError {
    #[error("{product} does not serve zone {zone}")]
    NotServed { product: Product, zone: String },
    #[error("{product} server {id} not found in zone {zone}")]
    UnknownServer {
        product: Product,
        zone: String,
        id: String,
    },
    #[error("{product} has no {action} action")]
    Unsupported {
        product: Product,
        action: ProductAction,
    },
    #[error("action {action} is not allowed while the server is {state}")]
    NotAllowed {
        action: ProductAction,
        state: String,
    },
}

// ------------------------------------------------------------------------------------------
// State
// ------------------------------------------------------------------------------------------

/// Every product server, behind the simulator's one lock.
pub(crate) struct Products {
    zones: Vec<ProductZone>,
    forbidden: [bool; 4],
    churn_rng: StdRng,
}

struct ProductZone {
    product: Product,
    zone: String,
    /// Oldest first: the default listing order.
    items: Vec<Item>,
    index: HashMap<String, usize>,
    /// Ids of servers with a transition in flight.
    pending: Vec<String>,
}

struct Item {
    id: String,
    body: Body,
    pending: Option<Pending>,
    /// The list item, compact, ready to copy into a page.
    json: Box<[u8]>,
}

struct Pending {
    deadline: Instant,
    then: &'static str,
}

/// A server in its API shape: generated (typed, keys in field order) or inserted by a test.
enum Body {
    ElasticMetal(Box<elastic_metal::Server>),
    AppleSilicon(Box<apple_silicon::Server>),
    Dedibox(Box<dedibox::Server>),
    Raw(Box<serde_json::Value>),
}

impl Body {
    fn status(&self) -> String {
        match self {
            Body::ElasticMetal(s) => s.status.clone(),
            Body::AppleSilicon(s) => s.status.clone(),
            Body::Dedibox(s) => s.status.clone(),
            Body::Raw(v) => v
                .get("status")
                .and_then(|s| s.as_str())
                .unwrap_or_default()
                .to_owned(),
        }
    }

    fn set_status(&mut self, status: &str, when: &str) {
        match self {
            Body::ElasticMetal(s) => s.set_status(status, when),
            Body::AppleSilicon(s) => s.set_status(status, when),
            Body::Dedibox(s) => s.set_status(status, when),
            Body::Raw(v) => {
                if let Some(obj) = v.as_object_mut() {
                    obj.insert("status".into(), status.into());
                    obj.insert("updated_at".into(), when.into());
                }
            }
        }
    }

    /// What a list shows of the server.
    fn list_item(&self) -> Vec<u8> {
        match self {
            Body::Dedibox(s) => crate::json::compact(&s.summary()),
            other => other.detail(),
        }
    }

    /// What get-one answers.
    fn detail(&self) -> Vec<u8> {
        match self {
            Body::ElasticMetal(s) => crate::json::compact(s),
            Body::AppleSilicon(s) => crate::json::compact(s),
            Body::Dedibox(s) => crate::json::compact(&s.detail()),
            Body::Raw(v) => crate::json::compact(v),
        }
    }
}

impl Item {
    fn new(id: String, body: Body) -> Self {
        let json = body.list_item().into_boxed_slice();
        Item {
            id,
            body,
            pending: None,
            json,
        }
    }
}

/// What generation needs to know about a zone.
pub(crate) struct GenCtx<'a> {
    pub fleet: &'a FleetCtx,
    pub zone: &'a str,
    pub count: usize,
}

impl GenCtx<'_> {
    /// The rng of server `idx`: a pure function of (seed, product, zone, idx).
    fn rng(&self, product: Product, idx: usize) -> StdRng {
        let key =
            splitmix64(self.fleet.seed ^ fnv1a(self.zone) ^ fnv1a(product.label()).rotate_left(17));
        StdRng::seed_from_u64(splitmix64(key ^ idx as u64))
    }

    /// Creation dates: spread over the two years before the anchor, in index order, so the
    /// oldest-first listing is index order.
    fn created(&self, rng: &mut StdRng, idx: usize) -> DateTime<Utc> {
        const WINDOW: i64 = 2 * 365 * 86_400 * 1_000_000;
        let slot = WINDOW / (self.count as i64 + 1);
        let at = ANCHOR_MICROS - WINDOW + slot * (idx as i64 + 1);
        from_micros(at - rng.random_range(0..slot.max(2) / 2))
    }

    /// The project (and its organization) a server belongs to.
    fn project(&self, rng: &mut StdRng) -> (String, String) {
        let projects = &self.fleet.projects;
        let p = &projects[match rng.random_range(0..100) {
            0..60 => 0,
            60..85 => 1,
            _ => 2 % projects.len(),
        }];
        (p.organization.clone(), p.id.clone())
    }
}

/// A date some seconds after `t`, in the Go services' form.
fn after(t: DateTime<Utc>, rng: &mut StdRng, max_secs: i64) -> String {
    block_date(t + chrono::Duration::microseconds(rng.random_range(1..max_secs * 1_000_000)))
}

fn pick<'a>(rng: &mut StdRng, items: &[&'a str]) -> &'a str {
    items[rng.random_range(0..items.len())]
}

fn docker_name(rng: &mut StdRng) -> String {
    format!("{}-{}", pick(rng, ADJECTIVES), pick(rng, SCIENTISTS))
}

fn uuid(rng: &mut StdRng) -> String {
    uuid_from_bits(rng.random::<u128>())
}

/// A simulated secret: [`SECRET_MARKER`] and 16 hex digits.
fn secret(rng: &mut StdRng) -> String {
    format!("{SECRET_MARKER}-{:016x}", rng.random::<u64>())
}

/// Tags as people put them on dedicated servers: often none.
fn tags(rng: &mut StdRng) -> Vec<String> {
    if rng.random_range(0..100) < 55 {
        return Vec::new();
    }
    let pool = [
        "env=prod",
        "env=staging",
        "team:platform",
        "team:data",
        "k8s",
        "backup",
        "gpu",
        "ci",
    ];
    let mut tags: Vec<String> = Vec::new();
    for _ in 0..rng.random_range(1..4) {
        let tag = pick(rng, &pool).to_owned();
        if !tags.contains(&tag) {
            tags.push(tag);
        }
    }
    tags
}

/// Standard base64 with padding (the JSON form of protobuf `bytes`).
fn base64(bytes: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let b = [
            chunk[0],
            chunk.get(1).copied().unwrap_or(0),
            chunk.get(2).copied().unwrap_or(0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for k in 0..4 {
            if k <= chunk.len() {
                out.push(char::from(ALPHABET[((n >> (18 - 6 * k)) & 63) as usize]));
            } else {
                out.push('=');
            }
        }
    }
    out
}

impl Products {
    /// Generates every product's servers; those caught in a transition settle at `settle_at`.
    pub(crate) fn generate(
        fleet: &FleetCtx,
        config: &SimulatorConfig,
        settle_at: Instant,
    ) -> Products {
        let mut zones = Vec::new();
        for product in [
            Product::ElasticMetal,
            Product::AppleSilicon,
            Product::Dedibox,
        ] {
            let count = config.products.get(product);
            if count == 0 {
                continue;
            }
            for zone in &config.zones {
                if !product.serves(zone) || zones.iter().any(|z: &ProductZone| z.is(product, zone))
                {
                    continue;
                }
                let ctx = GenCtx { fleet, zone, count };
                let mut pz = ProductZone::new(product, zone);
                for idx in 0..count {
                    let (body, then) = match product {
                        Product::ElasticMetal => {
                            let (s, then) = elastic_metal::generate(&ctx, idx);
                            (Body::ElasticMetal(Box::new(s)), then)
                        }
                        Product::AppleSilicon => {
                            let (s, then) = apple_silicon::generate(&ctx, idx);
                            (Body::AppleSilicon(Box::new(s)), then)
                        }
                        Product::Dedibox | Product::Instance => {
                            let (s, then) = dedibox::generate(&ctx, idx);
                            (Body::Dedibox(Box::new(s)), then)
                        }
                    };
                    let id = match &body {
                        Body::ElasticMetal(s) => s.id.clone(),
                        Body::AppleSilicon(s) => s.id.clone(),
                        Body::Dedibox(s) => s.id.to_string(),
                        Body::Raw(_) => String::new(),
                    };
                    let mut item = Item::new(id, body);
                    if let Some(then) = then {
                        item.pending = Some(Pending {
                            deadline: settle_at,
                            then,
                        });
                        pz.pending.push(item.id.clone());
                    }
                    pz.push(item);
                }
                zones.push(pz);
            }
        }
        Products {
            zones,
            forbidden: [false; 4],
            churn_rng: StdRng::seed_from_u64(splitmix64(config.seed ^ 0xc4c4)),
        }
    }

    fn zone_mut(&mut self, product: Product, zone: &str) -> Option<&mut ProductZone> {
        self.zones.iter_mut().find(|z| z.is(product, zone))
    }

    fn zone_or_create(&mut self, product: Product, zone: &str) -> &mut ProductZone {
        let pos = match self.zones.iter().position(|z| z.is(product, zone)) {
            Some(pos) => pos,
            None => {
                self.zones.push(ProductZone::new(product, zone));
                self.zones.len() - 1
            }
        };
        &mut self.zones[pos]
    }

    /// Whether any product server exists (churn leaves products alone otherwise).
    pub(crate) fn has_servers(&self) -> bool {
        self.zones.iter().any(|z| !z.items.is_empty())
    }

    /// A seeded roll in `0..100`, for churn to choose between Instance and the products.
    pub(crate) fn roll(&mut self) -> u32 {
        self.churn_rng.random_range(0..100)
    }
}

impl ProductZone {
    fn new(product: Product, zone: &str) -> Self {
        ProductZone {
            product,
            zone: zone.to_owned(),
            items: Vec::new(),
            index: HashMap::new(),
            pending: Vec::new(),
        }
    }

    fn is(&self, product: Product, zone: &str) -> bool {
        self.product == product && self.zone == zone
    }

    fn push(&mut self, item: Item) {
        // A second server with the same id replaces nothing: the index points at the newest.
        self.index.insert(item.id.clone(), self.items.len());
        self.items.push(item);
    }

    fn item_mut(&mut self, id: &str) -> Option<&mut Item> {
        let pos = *self.index.get(id)?;
        self.items.get_mut(pos)
    }

    /// Resolves transitions whose deadline has passed.
    fn settle(&mut self, now: Instant, wall: DateTime<Utc>) {
        if self.pending.is_empty() {
            return;
        }
        let mut still = Vec::new();
        for id in std::mem::take(&mut self.pending) {
            let Some(&pos) = self.index.get(&id) else {
                continue;
            };
            let item = &mut self.items[pos];
            match &item.pending {
                Some(p) if p.deadline <= now => {
                    let when =
                        wall - chrono::Duration::from_std(now - p.deadline).unwrap_or_default();
                    let then = p.then;
                    item.pending = None;
                    item.body.set_status(then, &block_date(when));
                    item.json = item.body.list_item().into_boxed_slice();
                }
                Some(_) => still.push(id),
                None => {}
            }
        }
        self.pending = still;
    }
}

/// The intermediate state an action puts a server in and the state it ends in, or `None`
/// when the server's state does not take the action.
fn transition(
    product: Product,
    action: ProductAction,
    state: &str,
) -> Option<(&'static str, &'static str)> {
    match product {
        Product::ElasticMetal => elastic_metal::transition(action, state),
        Product::AppleSilicon => apple_silicon::transition(action, state),
        Product::Dedibox => dedibox::transition(action, state),
        Product::Instance => None,
    }
}

#[cfg(test)]
mod tests;
