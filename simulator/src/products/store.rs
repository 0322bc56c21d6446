//! Where the product servers live: per product and zone, each server as the API writes it,
//! with the transition in flight, settled lazily on the simulator's clock.

use chrono::{DateTime, Utc};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use tokio::time::Instant;

use super::elastic_metal::MetalServer;
use super::{apple_silicon, dedibox, elastic_metal, GenCtx, Product};
use crate::fleet::FleetCtx;
use crate::json::{block_date, splitmix64};
use crate::resources::Billable;
use crate::servers::{Held, Pending, Servers};
use crate::world::World;
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
    /// Oldest first: the default listing order. A change in flight ends in a status.
    pub(super) servers: Servers<Item>,
}

pub(super) struct Item {
    pub(super) id: String,
    pub(super) body: Body,
    pub(super) pending: Option<Pending<&'static str>>,
    /// The list item, compact, ready to copy into a page.
    pub(super) json: Box<[u8]>,
}

impl Held for Item {
    type Then = &'static str;

    fn id(&self) -> &str {
        &self.id
    }

    fn pending(&mut self) -> &mut Option<Pending<&'static str>> {
        &mut self.pending
    }
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
            Body::Raw(v) => crate::json::text(v, "status").to_owned(),
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
    /// Generates every product's servers. Those caught in a transition are in one the caller
    /// times ([`Products::land_all_at`]).
    pub(crate) fn generate(fleet: &FleetCtx, config: &SimulatorConfig) -> Products {
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
                    let (item, then) = generated(product, &ctx, idx);
                    let id = item.id.clone();
                    pz.servers.push(item);
                    if let Some(then) = then {
                        pz.servers.begin(&id, Instant::now(), then);
                    }
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

    /// Every generated transition lands at `deadline`.
    pub(crate) fn land_all_at(&mut self, deadline: Instant) {
        for zone in &mut self.zones {
            zone.servers.land_all_at(deadline);
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
        self.zones.iter().any(|z| !z.servers.all().is_empty())
    }

    /// The generated Elastic Metal servers of `zone`, oldest first.
    pub(crate) fn metal_servers(&self, zone: &str) -> Vec<MetalServer> {
        self.zones
            .iter()
            .filter(|z| z.is(Product::ElasticMetal, zone))
            .flat_map(|z| z.servers.all())
            .filter_map(|item| match &item.body {
                Body::ElasticMetal(s) => Some(s.facts()),
                _ => None,
            })
            .collect()
    }

    /// What the bill charges of the generated servers: (zone, project, what).
    pub(crate) fn billed(&self) -> Vec<(String, String, Billable)> {
        let mut out = Vec::new();
        for z in &self.zones {
            for item in z.servers.all() {
                let (project, what) = match &item.body {
                    Body::ElasticMetal(s) => {
                        let m = s.facts();
                        if !m.billed {
                            continue;
                        }
                        let what = Billable::Metal {
                            offer: m.offer,
                            monthly: m.monthly,
                        };
                        (m.project_id, what)
                    }
                    Body::AppleSilicon(s) => {
                        let (kind, project) = s.billed();
                        (project.to_owned(), Billable::AppleSilicon(kind))
                    }
                    _ => continue,
                };
                out.push((z.zone.clone(), project, what));
            }
        }
        out
    }

    /// A seeded roll in `0..100`, for churn to choose between Instance and the products.
    pub(crate) fn roll(&mut self) -> u32 {
        self.churn_rng.random_range(0..100)
    }
}

impl World {
    /// A product's zone as a read must see it, every transition due by now landed (as
    /// [`World::settled`] for Instance), and the clocks they landed on.
    pub(super) fn settled_product(
        &mut self,
        product: Product,
        zone: &str,
    ) -> Option<(&mut ProductZone, Instant, DateTime<Utc>)> {
        let (now, wall) = self.clocks();
        let z = self.products.zone_mut(product, zone)?;
        z.settle(now, wall);
        Some((z, now, wall))
    }
}

impl ProductZone {
    pub(super) fn new(product: Product, zone: &str) -> Self {
        ProductZone {
            product,
            zone: zone.to_owned(),
            servers: Servers::default(),
        }
    }

    pub(super) fn is(&self, product: Product, zone: &str) -> bool {
        self.product == product && self.zone == zone
    }

    /// Resolves transitions whose deadline has passed.
    pub(super) fn settle(&mut self, now: Instant, wall: DateTime<Utc>) {
        for (pos, then, when) in self.servers.due(now, wall) {
            let item = self.servers.at_mut(pos);
            item.body.set_status(then, &block_date(when));
            item.json = item.body.list_item().into_boxed_slice();
        }
    }
}

/// Server `idx` of a product's zone, and the status it settles in when generated
/// mid-transition.
fn generated(product: Product, ctx: &GenCtx<'_>, idx: usize) -> (Item, Option<&'static str>) {
    let (id, body, then) = match product {
        Product::ElasticMetal => {
            let (s, then) = elastic_metal::generate(ctx, idx);
            (s.id.clone(), Body::ElasticMetal(Box::new(s)), then)
        }
        Product::AppleSilicon => {
            let (s, then) = apple_silicon::generate(ctx, idx);
            (s.id.clone(), Body::AppleSilicon(Box::new(s)), then)
        }
        Product::Dedibox | Product::Instance => {
            let (s, then) = dedibox::generate(ctx, idx);
            (s.id.to_string(), Body::Dedibox(Box::new(s)), then)
        }
    };
    (Item::new(id, body), then)
}
