//! The simulator's methods over every [`Resource`]: the page the HTTP layer sends, and the
//! test hooks (a fault per kind and zone, a raw item, what is served, how often it was
//! asked).

use axum::response::Response;
use serde_json::Value;

use super::page::{body, query_value, shown, Asked};
use super::store::Listed;
use super::Resource;
use crate::http::{fault_reply, Refused};
use crate::world::BlockEntry;
use crate::{json, BlockFault, ReferenceFault, Simulator};

impl Simulator {
    /// While `Some`, the list of `kind` in `zone` answers `fault` (IAM's 403 in the API's own
    /// words, or a 500) instead of its items; `None` heals it. For Block volumes this is [`Simulator::set_block_fault`]'s fault of the zone
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

    /// Adds a raw item (already in the API's shape) at the end of the list of `kind` in
    /// `zone`, served as given.
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
        let listed = Listed::new(id.clone(), json::compact(&item)).with_facet(&facet);
        let mut world = self.world();
        let z = world.zone_or_create(&self.shared.fleet, zone);
        z.lists.get(kind, zone).push(listed);
        id
    }

    /// The ids of every item of `kind` in `zone`, in listing order: Elastic Metal offers of
    /// both periods (hourly first), a volume type by its type, a server type by its name.
    pub fn resource_ids(&self, kind: Resource, zone: &str) -> Vec<String> {
        self.with_items(kind, zone, |items| {
            items.iter().map(|i| i.id.clone()).collect()
        })
    }

    /// Every item of `kind` in `zone`, as the list serves it, in the order of
    /// [`Simulator::resource_ids`].
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
            fault.map(|f| fault_reply(self, f, spec.denied))
        };
        refusal.map_or(Ok(()), |r| Err(r.into()))
    }

    /// Every item of `kind` in `zone`, as `read` sees them.
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
            _ => match world.settled(&self.shared.fleet, zone) {
                Some((z, ..)) => read(z.lists.get(kind, zone)),
                None => read(&super::catalogs::catalog(kind, zone)),
            },
        }
    }

    /// The body of a page of `kind` in `zone`: the items the query's filter selects (an
    /// Elastic Metal offer's period), paged as the API pages.
    pub(crate) fn resource_page(
        &self,
        kind: Resource,
        zone: &str,
        query: Option<&str>,
        asked: Asked,
    ) -> Vec<u8> {
        let spec = kind.spec();
        if kind == Resource::BlockVolume {
            return self.block_page(zone, asked);
        }
        let wanted = spec.filter.map(|(param, absent)| {
            query_value(query, param)
                .filter(|v| !v.starts_with("unknown_"))
                .unwrap_or_else(|| absent.to_owned())
        });
        self.with_items(kind, zone, |items| {
            let picked: Vec<&Listed> = items
                .iter()
                .filter(|i| wanted.as_deref().is_none_or(|w| i.facet == w))
                .collect();
            let range = shown(spec, asked, picked.len());
            let page = picked[range].iter().map(|i| &*i.json);
            body(spec, page, picked.len())
        })
    }
}

impl Simulator {
    /// A page of the zone's Block volumes (oldest first): only the page's volumes are
    /// written, as a list of tens of thousands is read a page at a time.
    pub(crate) fn block_page(&self, zone: &str, asked: Asked) -> Vec<u8> {
        let spec = Resource::BlockVolume.spec();
        let mut world = self.world();
        // A read lands the zone's transitions: a terminated server's volumes are detached.
        let settled = world.settled(&self.shared.fleet, zone);
        let volumes = settled.map_or(&[][..], |(z, ..)| &z.volumes[..]);
        let written: Vec<Vec<u8>> = volumes[shown(spec, asked, volumes.len())]
            .iter()
            .map(|v| block_listed(v).json.into_vec())
            .collect();
        body(spec, written.iter().map(Vec::as_slice), volumes.len())
    }
}

/// A Block volume as its list writes it.
fn block_listed(volume: &BlockEntry) -> Listed {
    match volume {
        BlockEntry::Generated(b) => Listed::new(b.id.clone(), json::compact(b)),
        BlockEntry::Raw(r) => Listed::new(json::text(r, "id").to_owned(), json::compact(r)),
    }
}
