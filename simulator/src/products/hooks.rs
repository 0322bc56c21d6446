//! The simulator's product methods: the test hooks (forbid a product, insert a raw server,
//! read a state, apply an action) and what the HTTP layer and churn call.

use rand::Rng;

use super::{Body, Item, Product, ProductAction, ProductActionError};
use crate::http::window;
use crate::json::block_date;
use crate::{Action, Mix, Simulator};

impl Simulator {
    /// While `forbidden`, every endpoint of `product` (list, get-one, actions; Instance
    /// included) answers `403` with IAM's body for a key whose policy lacks the product:
    /// `{"details":[{"action":"read","resource":"server"}],"message":"insufficient permissions","type":"permissions_denied"}`.
    pub fn set_product_forbidden(&self, product: Product, forbidden: bool) {
        self.world().products.forbidden[product.index()] = forbidden;
    }

    /// Whether [`Simulator::set_product_forbidden`] forbids `product`.
    pub fn product_forbidden(&self, product: Product) -> bool {
        self.world().products.forbidden[product.index()]
    }

    /// Adds a raw server object (already in the product's API shape) at the end of the zone's
    /// listing (the newest), served as given (keys sorted) in lists and get-one; actions and
    /// churn change its `status` and `updated_at`. Its id is its `"id"` (string or number),
    /// else a fresh one is given. Returns the id. A zone the product does not serve keeps
    /// answering `501`. For Instance, this is [`Simulator::insert_server`].
    pub fn insert_product_server(
        &self,
        product: Product,
        zone: &str,
        server: serde_json::Value,
    ) -> String {
        let id = match server.get("id") {
            Some(serde_json::Value::String(s)) => s.clone(),
            Some(serde_json::Value::Number(n)) => n.to_string(),
            _ if product == Product::Dedibox => (self.next_counter() % 1_000_000_000).to_string(),
            _ => self.fresh_uuid(),
        };
        if product == Product::Instance {
            let mut server = server;
            if let Some(obj) = server.as_object_mut() {
                obj.entry("id").or_insert_with(|| id.clone().into());
            }
            self.insert_server(zone, server);
            return id;
        }
        // The body says its id, as the API's always do: a number for Dedibox.
        let mut server = server;
        if let Some(obj) = server.as_object_mut() {
            obj.entry("id").or_insert_with(|| match id.parse::<u64>() {
                Ok(n) if product == Product::Dedibox => n.into(),
                _ => id.clone().into(),
            });
        }
        let mut world = self.world();
        world
            .products
            .zone_or_create(product, zone)
            .servers
            .push(Item::new(id.clone(), Body::Raw(Box::new(server))));
        id
    }

    /// The ids of a product's servers in a zone, in listing order (Instance: newest first;
    /// the others: oldest first). Dedibox ids are integers, given here as decimal strings.
    pub fn product_server_ids(&self, product: Product, zone: &str) -> Vec<String> {
        if product == Product::Instance {
            return self.server_ids(zone);
        }
        match self.world().settled_product(product, zone) {
            Some((z, ..)) => z.servers.all().iter().map(|i| i.id.clone()).collect(),
            None => Vec::new(),
        }
    }

    /// The `status` (Instance: `state`) the API would show for a server, `None` if there is
    /// no such server.
    pub fn product_server_state(&self, product: Product, zone: &str, id: &str) -> Option<String> {
        if product == Product::Instance {
            return self.server_state(zone, id);
        }
        let mut world = self.world();
        let (z, ..) = world.settled_product(product, zone)?;
        Some(z.servers.get(id)?.body.status())
    }

    /// The server as get-one answers it (Dedibox: the detailed `Server`, not the list's
    /// summary), `None` if there is no such server.
    pub fn product_server_json(
        &self,
        product: Product,
        zone: &str,
        id: &str,
    ) -> Option<serde_json::Value> {
        if product == Product::Instance {
            return self.server_json(zone, id);
        }
        let bytes = self.product_detail(product, zone, id)?;
        serde_json::from_slice(&bytes).ok()
    }

    /// Applies an action with the HTTP endpoint's rules. Instance maps `start`, `stop`,
    /// `reboot` to `poweron`, `poweroff`, `reboot`.
    pub fn apply_product_action(
        &self,
        product: Product,
        zone: &str,
        id: &str,
        action: ProductAction,
    ) -> Result<(), ProductActionError> {
        if product == Product::Instance {
            let instance_action = match action {
                ProductAction::Start => Action::Poweron,
                ProductAction::Stop => Action::Poweroff,
                ProductAction::Reboot => Action::Reboot,
                ProductAction::Reinstall => {
                    return Err(ProductActionError::Unsupported { product, action })
                }
            };
            return self
                .apply_action(zone, id, instance_action)
                .map_err(|e| match e {
                    crate::ActionError::NotAllowed { state, .. } => {
                        ProductActionError::NotAllowed { action, state }
                    }
                    _ => ProductActionError::UnknownServer {
                        product,
                        zone: zone.to_owned(),
                        id: id.to_owned(),
                    },
                });
        }
        self.product_act(product, zone, id, action).map(|_| ())
    }

    /// One page of a product's servers: `{"total_count":N,"servers":[…]}`.
    pub(crate) fn product_page(
        &self,
        product: Product,
        zone: &str,
        page: u64,
        page_size: u64,
        newest_first: bool,
    ) -> Vec<u8> {
        let mut world = self.world();
        let Some((z, ..)) = world.settled_product(product, zone) else {
            return b"{\"total_count\":0,\"servers\":[]}".to_vec();
        };
        let items = z.servers.all();
        let mut body = format!("{{\"total_count\":{},\"servers\":[", items.len()).into_bytes();
        for (n, k) in window(page, page_size, items.len()).enumerate() {
            if n > 0 {
                body.push(b',');
            }
            let pos = if newest_first { items.len() - 1 - k } else { k };
            body.extend_from_slice(&items[pos].json);
        }
        body.extend_from_slice(b"]}");
        body
    }

    /// What get-one answers for a server.
    pub(crate) fn product_detail(&self, product: Product, zone: &str, id: &str) -> Option<Vec<u8>> {
        let mut world = self.world();
        let (z, ..) = world.settled_product(product, zone)?;
        Some(z.servers.get(id)?.body.detail())
    }

    /// Runs an action; the server's get-one body after it.
    pub(crate) fn product_act(
        &self,
        product: Product,
        zone: &str,
        id: &str,
        action: ProductAction,
    ) -> Result<Vec<u8>, ProductActionError> {
        if !product.has_action(action) {
            return Err(ProductActionError::Unsupported { product, action });
        }
        if !product.serves(zone) {
            return Err(ProductActionError::NotServed {
                product,
                zone: zone.to_owned(),
            });
        }
        let transition_for = self.shared.config.transition;
        let mut world = self.world();
        let unknown = || ProductActionError::UnknownServer {
            product,
            zone: zone.to_owned(),
            id: id.to_owned(),
        };
        let (z, now, wall) = world.settled_product(product, zone).ok_or_else(unknown)?;
        let item = z.servers.get_mut(id).ok_or_else(unknown)?;
        let state = item.body.status();
        let transition = match (&item.pending, product.transition(action, &state)) {
            (None, Some(t)) => t,
            _ => return Err(ProductActionError::NotAllowed { action, state }),
        };
        item.body.set_status(transition.during, &block_date(wall));
        item.json = item.body.list_item().into_boxed_slice();
        let detail = item.body.detail();
        z.servers.begin(id, now + transition_for, transition.then);
        tracing::debug!(
            product = product.label(),
            zone,
            server_id = id,
            action = action.as_str(),
            state = transition.during,
            "simulated action"
        );
        Ok(detail)
    }

    /// Demo churn on the product servers: one seeded, plausible action. `None` when there
    /// are no product servers, or none could take an action this time.
    pub(crate) fn churn_product_once(&self) -> Option<String> {
        for _ in 0..16 {
            let (product, zone, id, state, action) = {
                let mut world = self.world();
                let (now, wall) = world.clocks();
                let products = &mut world.products;
                if !products.has_servers() {
                    return None;
                }
                let (zi, pick, roll) = {
                    let rng = &mut products.churn_rng;
                    (
                        rng.random_range(0..products.zones.len()),
                        rng.random::<u64>(),
                        rng.random_range(0..100),
                    )
                };
                let z = &mut products.zones[zi];
                z.settle(now, wall);
                let Some(item) = z.servers.idle_at(pick) else {
                    continue;
                };
                let state = item.body.status();
                // Lifelike stops 5 ready servers in 100 (Varied 50) and starts every stopped one,
                // so about 5% stay down however long the demo runs.
                let stop = match self.shared.config.mix {
                    Mix::Varied => 50,
                    Mix::Lifelike => 5,
                };
                let action = match (z.product, state.as_str()) {
                    (Product::AppleSilicon, "ready") if roll < 80 => ProductAction::Reboot,
                    (Product::AppleSilicon, "ready") => ProductAction::Reinstall,
                    (_, "ready") if roll < stop => ProductAction::Stop,
                    (_, "ready") => ProductAction::Reboot,
                    (_, "stopped") => ProductAction::Start,
                    _ => continue,
                };
                (z.product, z.zone.clone(), item.id.clone(), state, action)
            };
            if self.product_act(product, &zone, &id, action).is_ok() {
                return Some(format!("{zone}: {product} {action} {id}, was {state}"));
            }
        }
        None
    }
}
