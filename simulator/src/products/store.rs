//! Where the product servers live: per product and zone, each server as the API writes it,
//! with the transition in flight, settled lazily on the simulator's clock.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use tokio::time::Instant;

use super::{apple_silicon, dedibox, elastic_metal, GenCtx, Product, ProductAction};
use crate::fleet::FleetCtx;
use crate::json::{block_date, splitmix64};
use crate::SimulatorConfig;

/// Every product server, behind the simulator's one lock.
pub(crate) struct Products {
    pub(super) zones: Vec<ProductZone>,
    pub(super) forbidden: [bool; 4],
    pub(super) churn_rng: StdRng,
}

pub(super) struct ProductZone {
    pub(super) product: Product,
    pub(super) zone: String,
    /// Oldest first: the default listing order.
    pub(super) items: Vec<Item>,
    pub(super) index: HashMap<String, usize>,
    /// Ids of servers with a transition in flight.
    pub(super) pending: Vec<String>,
}

pub(super) struct Item {
    pub(super) id: String,
    pub(super) body: Body,
    pub(super) pending: Option<Pending>,
    /// The list item, compact, ready to copy into a page.
    pub(super) json: Box<[u8]>,
}

pub(super) struct Pending {
    pub(super) deadline: Instant,
    pub(super) then: &'static str,
}

/// A server in its API shape: generated (typed, keys in field order) or inserted by a test.
pub(super) enum Body {
    ElasticMetal(Box<elastic_metal::Server>),
    AppleSilicon(Box<apple_silicon::Server>),
    Dedibox(Box<dedibox::Server>),
    Raw(Box<serde_json::Value>),
}

impl Body {
    pub(super) fn status(&self) -> String {
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

    pub(super) fn set_status(&mut self, status: &str, when: &str) {
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
    pub(super) fn list_item(&self) -> Vec<u8> {
        match self {
            Body::Dedibox(s) => crate::json::compact(&s.summary()),
            other => other.detail(),
        }
    }

    /// What get-one answers.
    pub(super) fn detail(&self) -> Vec<u8> {
        match self {
            Body::ElasticMetal(s) => crate::json::compact(s),
            Body::AppleSilicon(s) => crate::json::compact(s),
            Body::Dedibox(s) => crate::json::compact(&s.detail()),
            Body::Raw(v) => crate::json::compact(v),
        }
    }
}

impl Item {
    pub(super) fn new(id: String, body: Body) -> Self {
        let json = body.list_item().into_boxed_slice();
        Item {
            id,
            body,
            pending: None,
            json,
        }
    }
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

    pub(super) fn zone_mut(&mut self, product: Product, zone: &str) -> Option<&mut ProductZone> {
        self.zones.iter_mut().find(|z| z.is(product, zone))
    }

    pub(super) fn zone_or_create(&mut self, product: Product, zone: &str) -> &mut ProductZone {
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
    pub(super) fn new(product: Product, zone: &str) -> Self {
        ProductZone {
            product,
            zone: zone.to_owned(),
            items: Vec::new(),
            index: HashMap::new(),
            pending: Vec::new(),
        }
    }

    pub(super) fn is(&self, product: Product, zone: &str) -> bool {
        self.product == product && self.zone == zone
    }

    pub(super) fn push(&mut self, item: Item) {
        // A second server with the same id replaces nothing: the index points at the newest.
        self.index.insert(item.id.clone(), self.items.len());
        self.items.push(item);
    }

    pub(super) fn item_mut(&mut self, id: &str) -> Option<&mut Item> {
        let pos = *self.index.get(id)?;
        self.items.get_mut(pos)
    }

    /// Resolves transitions whose deadline has passed.
    pub(super) fn settle(&mut self, now: Instant, wall: DateTime<Utc>) {
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
pub(super) fn transition(
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
