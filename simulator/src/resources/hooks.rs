//! The simulator's methods over every [`Resource`]: the page the HTTP layer sends, and the
//! test hooks (a fault per kind and zone, a raw item, what is served, how often it was
//! asked).

use axum::response::Response;
use serde_json::Value;

use super::billing::Period;
use super::page::{body, query_value, shown, Asked};
use super::store::Listed;
use super::{Paging, Resource};
use crate::http::{fault_reply, InvalidArguments, Refused};
use crate::world::BlockEntry;
use crate::{json, BlockFault, ReferenceFault, Simulator};

impl Simulator {
    /// While `Some`, the list of `kind` in `zone` answers `fault` (IAM's 403 in the API's own
    /// words, or a 500) instead of its items; `None` heals it. The bill, global, is at zone
    /// `""`. For Block volumes this is [`Simulator::set_block_fault`]'s fault of the zone
    /// (which also covers one volume's endpoint).
    pub fn set_resource_fault(&self, kind: Resource, zone: &str, fault: Option<ReferenceFault>) {
        let mut world = self.world();
        if kind == Resource::BlockVolume {
            let z = world.zone_or_create(&self.shared.fleet, zone);
            z.block_fault = fault.map(|f| match f {
                ReferenceFault::PermissionDenied => BlockFault::PermissionDenied,
                ReferenceFault::InternalError => BlockFault::InternalError,
            });
            return;
        }
        let key = (kind, zone.to_owned());
        match fault {
            Some(fault) => world.resource_faults.insert(key, fault),
            None => world.resource_faults.remove(&key),
        };
    }

    /// Adds a raw item (already in the API's shape) to the list of `kind` in `zone` (`""` for
    /// the bill): at the top of an Instance list, at the end of the others, served as given.
    /// Its id is its `"id"` (string or number), else a fresh one; an Elastic Metal offer is
    /// listed by its `subscription_period`. Returns the id. For Block volumes this is
    /// [`Simulator::insert_block_volume`].
    pub fn insert_resource(&self, kind: Resource, zone: &str, item: Value) -> String {
        let id = match item.get("id") {
            Some(Value::String(s)) => s.clone(),
            Some(Value::Number(n)) => n.to_string(),
            _ => self.fresh_uuid(),
        };
        if kind == Resource::BlockVolume {
            self.insert_block_volume(zone, item);
            return id;
        }
        let spec = kind.spec();
        let facet = spec
            .filter
            .and_then(|(param, _)| item.get(param)?.as_str().map(str::to_owned))
            .unwrap_or_default();
        let bytes = match spec.style() {
            crate::http::Style::Spaced => json::spaced(&item),
            crate::http::Style::Compact => json::compact(&item),
        };
        let listed = Listed::new(id.clone(), bytes).with_facet(&facet);
        let mut world = self.world();
        if kind == Resource::BillingConsumption {
            world.bill.extra.push(listed);
            return id;
        }
        let list = world
            .zone_or_create(&self.shared.fleet, zone)
            .lists
            .get(kind, zone);
        match spec.paging {
            Paging::Headers { .. } => list.insert(0, listed),
            _ => list.push(listed),
        }
        id
    }

    /// The ids of every item of `kind` in `zone` (`""` for the bill), in listing order:
    /// Elastic Metal offers of both periods (hourly first); the bill's rows of the current
    /// period by their `sku`.
    pub fn resource_ids(&self, kind: Resource, zone: &str) -> Vec<String> {
        self.with_items(kind, zone, |items| {
            items.iter().map(|i| i.id.clone()).collect()
        })
    }

    /// Every item of `kind` in `zone` (`""` for the bill), as the list serves it, in the
    /// order of [`Simulator::resource_ids`].
    pub fn resources(&self, kind: Resource, zone: &str) -> Vec<Value> {
        self.with_items(kind, zone, |items| {
            items
                .iter()
                .filter_map(|i| serde_json::from_slice(&i.json).ok())
                .collect()
        })
    }

    /// Requests sent to the list of `kind` so far, every zone and page, answered or refused
    /// by a fault (Block volumes: one volume's endpoint too).
    pub fn resource_requests(&self, kind: Resource) -> u64 {
        self.shared.resource_requests[kind.index()].load(std::sync::atomic::Ordering::Relaxed)
    }

    /// Counts a request to `kind`'s list in `zone` and answers its fault, if a test set one.
    pub(crate) fn resource_checks(&self, kind: Resource, zone: &str) -> Result<(), Refused> {
        self.shared.resource_requests[kind.index()]
            .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let world = self.world();
        let refusal: Option<Response> = if kind == Resource::BlockVolume {
            let fault = world.zone(zone).and_then(|z| z.block_fault);
            drop(world);
            fault.map(|f| crate::http::block_fault(self, f))
        } else {
            let fault = world.resource_faults.get(&(kind, zone.to_owned())).copied();
            drop(world);
            let spec = kind.spec();
            fault.map(|f| fault_reply(self, f, spec.denied, spec.style()))
        };
        refusal.map_or(Ok(()), |r| Err(r.into()))
    }

    /// Every item of `kind` in `zone`, as `read` sees them (the bill's current rows).
    fn with_items<T>(&self, kind: Resource, zone: &str, read: impl FnOnce(&[Listed]) -> T) -> T {
        let mut world = self.world();
        match kind {
            Resource::BlockVolume => {
                let items: Vec<Listed> = world
                    .settled(&self.shared.fleet, zone)
                    .map(|(z, ..)| z.volumes.iter().map(block_listed).collect())
                    .unwrap_or_default();
                read(&items)
            }
            Resource::BillingConsumption => {
                let now = world.clocks().1;
                let hours = Period::parse(None, now).map_or(0, |p| p.hours);
                read(&world.bill.rows(hours, &|_, _| true))
            }
            // A read lands the zone's transitions: a server terminated by now has left.
            _ => match world.settled(&self.shared.fleet, zone) {
                Some((z, ..)) => read(z.lists.get(kind, zone)),
                None => read(&super::catalogs::catalog(kind, zone)),
            },
        }
    }

    /// The body of a page of `kind` in `zone` and the list's total: the items the query's
    /// filter selects (an Elastic Metal offer's period; the bill's period, organization,
    /// project and category), paged as the API pages.
    pub(crate) fn resource_page(
        &self,
        kind: Resource,
        zone: &str,
        query: Option<&str>,
        asked: Asked,
    ) -> Result<(Vec<u8>, usize), InvalidArguments> {
        let spec = kind.spec();
        match kind {
            Resource::BillingConsumption => return self.bill_page(query, asked),
            Resource::BlockVolume => return Ok(self.block_page(zone, asked)),
            _ => {}
        }
        let wanted = spec.filter.map(|(param, absent)| {
            query_value(query, param)
                .filter(|v| !v.starts_with("unknown_"))
                .unwrap_or_else(|| absent.to_owned())
        });
        Ok(self.with_items(kind, zone, |items| {
            let picked: Vec<&Listed> = items
                .iter()
                .filter(|i| wanted.as_deref().is_none_or(|w| i.facet == w))
                .collect();
            let range = shown(spec, asked, picked.len());
            let page = picked[range].iter().map(|i| &*i.json);
            (body(spec, page, picked.len(), ""), picked.len())
        }))
    }

    /// A page of the bill of the query's `billing_period` (the current one when absent).
    fn bill_page(
        &self,
        query: Option<&str>,
        asked: Asked,
    ) -> Result<(Vec<u8>, usize), InvalidArguments> {
        let spec = Resource::BillingConsumption.spec();
        let period_name = query_value(query, "billing_period");
        let organization = query_value(query, "organization_id");
        let project = query_value(query, "project_id");
        let category = query_value(query, "category_name");
        let projects = &self.shared.fleet.projects;
        let keep = |p: &str, c: &str| {
            let owner = projects.iter().find(|fp| fp.id == p);
            project.as_deref().is_none_or(|x| x == p)
                && category.as_deref().is_none_or(|x| x == c)
                && organization
                    .as_deref()
                    .is_none_or(|o| owner.is_none_or(|fp| fp.organization == o))
        };
        let world = self.world();
        let period = Period::parse(period_name.as_deref(), world.clocks().1).ok_or_else(|| {
            InvalidArguments::one("billing_period", "must be in the YYYY-MM format".to_owned())
        })?;
        let rows = world.bill.rows(period.hours, &keep);
        drop(world);
        // A discount is said only of the whole bill: there is none to say.
        let tail = format!(
            ",\"total_discount_untaxed_value\":0.0,\"updated_at\":\"{}\"",
            period.updated_at
        );
        let range = shown(spec, asked, rows.len());
        let page = rows[range].iter().map(|i| &*i.json);
        Ok((body(spec, page, rows.len(), &tail), rows.len()))
    }
}

impl Simulator {
    /// A page of the zone's Block volumes (oldest first): only the page's volumes are
    /// written, as a list of tens of thousands is read a page at a time.
    pub(crate) fn block_page(&self, zone: &str, asked: Asked) -> (Vec<u8>, usize) {
        let spec = Resource::BlockVolume.spec();
        let mut world = self.world();
        // A read lands the zone's transitions: a terminated server's volumes are detached.
        let settled = world.settled(&self.shared.fleet, zone);
        let volumes = settled.map_or(&[][..], |(z, ..)| &z.volumes[..]);
        let written: Vec<Vec<u8>> = volumes[shown(spec, asked, volumes.len())]
            .iter()
            .map(|v| block_listed(v).json.into_vec())
            .collect();
        let page = body(spec, written.iter().map(Vec::as_slice), volumes.len(), "");
        (page, volumes.len())
    }
}

/// A Block volume as its list writes it.
fn block_listed(volume: &BlockEntry) -> Listed {
    match volume {
        BlockEntry::Generated(b) => Listed::new(b.id.clone(), json::compact(b)),
        BlockEntry::Raw(r) => Listed::new(json::text(r, "id").to_owned(), json::compact(r)),
    }
}
