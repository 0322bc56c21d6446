//! Where the lists live: per zone (in the world's [`Zone`], beside its servers, under the
//! simulator's one lock), each item written once in its API's style. A catalog (offers,
//! volume types, server types) is made the first time its zone is read; what a fleet leaves
//! behind is made with the fleet ([`fill_zone`]), and is empty in a zone the simulator was
//! not configured with.

use super::billing::{Bill, Billable};
use super::{block, catalogs, flexible_ip, instance, Resource, ServerLinks, Today};
use crate::fleet::FleetCtx;
use crate::products::{MetalServer, Products};
use crate::world::Zone;

/// One item of a list, as its API writes it.
#[derive(Clone, Debug)]
pub(crate) struct Listed {
    pub id: String,
    /// The Instance server the item belongs to (its IPs and volumes): it leaves with it.
    pub owner: Option<String>,
    /// What the kind's query filter matches (an Elastic Metal offer's subscription period).
    pub facet: String,
    pub json: Box<[u8]>,
    /// What the item becomes once its owner has gone (a static IP, detached); `None`: it
    /// goes with it.
    pub orphan: Option<Box<[u8]>>,
}

impl Listed {
    pub(crate) fn new(id: String, json: Vec<u8>) -> Self {
        Listed {
            id,
            owner: None,
            facet: String::new(),
            json: json.into_boxed_slice(),
            orphan: None,
        }
    }

    pub(crate) fn owned_by(mut self, owner: Option<String>) -> Self {
        self.owner = owner;
        self
    }

    pub(crate) fn with_facet(mut self, facet: &str) -> Self {
        facet.clone_into(&mut self.facet);
        self
    }
}

/// Items made with their creation dates (in the API's form), in listing order: oldest first
/// (the Go services' default), or newest first (the Instance API's).
pub(crate) fn by_date(mut made: Vec<(String, Listed)>, newest_first: bool) -> Vec<Listed> {
    made.sort_by(|a, b| a.0.cmp(&b.0));
    if newest_first {
        made.reverse();
    }
    made.into_iter().map(|(_, item)| item).collect()
}

/// A zone's lists, by [`Resource::index`]; `None` until made.
#[derive(Default)]
pub(crate) struct Lists {
    lists: Vec<Option<Vec<Listed>>>,
}

impl Lists {
    /// The zone's list of `kind`, made on first use: a catalog from its zone, any other
    /// empty (its leftovers, when the zone has any, were set by [`fill_zone`]).
    pub(crate) fn get(&mut self, kind: Resource, zone: &str) -> &mut Vec<Listed> {
        if self.lists.len() <= kind.index() {
            self.lists.resize_with(Resource::ALL.len(), || None);
        }
        self.lists[kind.index()].get_or_insert_with(|| catalogs::catalog(kind, zone))
    }

    pub(crate) fn set(&mut self, kind: Resource, items: Vec<Listed>) {
        if self.lists.len() <= kind.index() {
            self.lists.resize_with(Resource::ALL.len(), || None);
        }
        self.lists[kind.index()] = Some(items);
    }

    /// Instance server `owner` has gone: what hung off it goes too, or stays as it becomes.
    pub(crate) fn owner_gone(&mut self, owner: &str) {
        for list in self.lists.iter_mut().flatten() {
            list.retain_mut(|item| {
                if item.owner.as_deref() != Some(owner) {
                    return true;
                }
                item.owner = None;
                match item.orphan.take() {
                    Some(json) => {
                        item.json = json;
                        true
                    }
                    None => false,
                }
            });
        }
    }
}

/// What filling a zone needs beside the zone itself.
struct FillCtx<'a> {
    pub fleet: &'a FleetCtx,
    pub today: Today,
    /// The zone's Instance servers, oldest first, as generated.
    pub links: &'a [ServerLinks],
    /// The zone's Elastic Metal servers.
    pub metal: &'a [MetalServer],
}

/// Fills every generated zone (`links[i]` are `zones[i]`'s servers) and returns the bill
/// of the whole fleet: Instance, Elastic Metal and Apple silicon servers, and what they
/// leave behind.
pub(crate) fn fill_world(
    zones: &mut [Zone],
    links: &[Vec<ServerLinks>],
    fleet: &FleetCtx,
    today: Today,
    products: &Products,
) -> Bill {
    let mut bill = Bill::default();
    for (zone, links) in zones.iter_mut().zip(links) {
        let metal = products.metal_servers(&zone.ctx.zone);
        let ctx = FillCtx {
            fleet,
            today,
            links,
            metal: &metal,
        };
        let billed = fill_zone(zone, &ctx);
        let name = &zone.ctx.zone;
        bill.add_all(billed.into_iter().map(|(p, what)| (name.clone(), p, what)));
    }
    bill.add_all(products.billed());
    bill
}

/// Makes what a generated zone leaves behind: Instance IPs, volumes and snapshots, Block
/// volumes nobody uses and Block snapshots, flexible IPs. Returns what the bill counts.
fn fill_zone(zone: &mut Zone, ctx: &FillCtx<'_>) -> Vec<(String, Billable)> {
    let instance = instance::lists(&zone.ctx, ctx.fleet, ctx.today, ctx.links);
    let mut billed = instance.billed;
    zone.lists.set(Resource::InstanceIp, instance.ips);
    zone.lists.set(Resource::InstanceVolume, instance.volumes);
    zone.lists
        .set(Resource::InstanceSnapshot, instance.snapshots);
    zone.add_block_volumes(block::unattached(&zone.ctx, ctx.fleet, ctx.today));
    let snapshots = block::snapshots(&zone.ctx, ctx.fleet, ctx.today, &zone.volumes);
    billed.extend(snapshots.billed);
    zone.lists.set(Resource::BlockSnapshot, snapshots.items);
    billed.extend(block::billed_volumes(&zone.volumes));
    if Resource::FlexibleIp.serves(&zone.ctx.zone) {
        let fips = flexible_ip::generate(&zone.ctx, ctx.fleet, ctx.today, ctx.metal);
        billed.extend(fips.billed);
        zone.lists.set(Resource::FlexibleIp, fips.items);
    }
    billed
}
