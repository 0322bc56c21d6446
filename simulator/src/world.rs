//! The simulated world: each zone's servers (their JSON and what actions change), Block
//! volumes, the transitions in flight and the clock they settle on.

use std::collections::HashMap;
use std::time::Duration;

use chrono::{DateTime, Utc};
use tokio::time::Instant;

use crate::fleet::{
    allowed_actions, has_location, BlockVolume, FleetCtx, Server, Volume, ZoneCtx, RUNNING,
    STARTING, STOPPED, STOPPED_IN_PLACE, STOPPING, TERMINATING,
};
use crate::json::{self, block_date, instance_date};
use crate::resources::{Bill, Lists, ServerLinks};
use crate::servers::{Held, Pending, Servers};
use crate::{products, Action, BlockFault, ReferenceFault, Resource};

pub(crate) struct World {
    pub(crate) zones: Vec<Zone>,
    /// Added to the clock by `advance_clock` (tests without tokio's `test-util`).
    pub(crate) skew: Duration,
    /// The wall clock's start when a test gave one ([`crate::Simulator::new_at`]), and the
    /// moment it was given: the wall clock runs on from there.
    pub(crate) origin: Option<(DateTime<Utc>, Instant)>,
    pub(crate) products: products::Products,
    /// What the fleet is billed, hour by hour.
    pub(crate) bill: Bill,
    /// The faults tests set on resource lists, by kind and zone (`""` for the bill).
    pub(crate) resource_faults: HashMap<(Resource, String), ReferenceFault>,
}

pub(crate) struct Zone {
    pub(crate) ctx: ZoneCtx,
    /// The listing (newest first) walks them backwards.
    pub(crate) servers: Servers<Entry>,
    pub(crate) volumes: Vec<BlockEntry>,
    /// Block volume id → position in `volumes`.
    pub(crate) volume_index: HashMap<String, usize>,
    pub(crate) page_shift: bool,
    /// What `/block/v1` answers for the zone instead of its volumes.
    pub(crate) block_fault: Option<BlockFault>,
    /// A server to delete once a page of the list is served (`delete_after_page`).
    pub(crate) delete_after_page: Option<(u64, String)>,
    /// The zone's other lists: IPs, Instance volumes, snapshots, catalogs.
    pub(crate) lists: Lists,
}

/// One server: its serialised JSON plus what actions change.
pub(crate) struct Entry {
    pub(crate) id: String,
    pub(crate) name: String,
    pub(crate) origin: Origin,
    pub(crate) state: String,
    pub(crate) detail: String,
    pub(crate) modified: String,
    pub(crate) pending: Option<Pending<Then>>,
    pub(crate) json: Box<[u8]>,
}

impl Held for Entry {
    type Then = Then;

    fn id(&self) -> &str {
        &self.id
    }

    fn pending(&mut self) -> &mut Option<Pending<Then>> {
        &mut self.pending
    }
}

pub(crate) enum Origin {
    /// Regenerated from the seed when it must be re-rendered.
    Generated(usize),
    /// Inserted by a test, already in API shape.
    Raw(Box<serde_json::Value>),
}

#[derive(Clone, Copy)]
pub(crate) enum Then {
    Settle(&'static str, &'static str),
    Remove,
}

// Nearly every volume is generated: boxing them would only add an allocation each.
#[allow(clippy::large_enum_variant)]
pub(crate) enum BlockEntry {
    Generated(BlockVolume),
    Raw(serde_json::Value),
}

pub(crate) fn transition_of(action: Action, state: &str) -> (&'static str, &'static str, Then) {
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
pub(crate) fn apply_status(server: &mut Server, entry: &Entry) {
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
pub(crate) fn render(fleet: &FleetCtx, ctx: &ZoneCtx, entry: &mut Entry) -> Box<[u8]> {
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
    pub(crate) fn clocks(&self) -> (Instant, DateTime<Utc>) {
        let now = Instant::now();
        let wall = match self.origin {
            Some((at, since)) => at + chrono::Duration::from_std(now - since).unwrap_or_default(),
            None => Utc::now(),
        };
        let skew = chrono::Duration::from_std(self.skew).unwrap_or_default();
        (now + self.skew, wall + skew)
    }

    /// Zone `name` as a read must see it, every transition due by now landed (reads are
    /// what land lazy transitions), and the clocks they landed on.
    pub(crate) fn settled(
        &mut self,
        fleet: &FleetCtx,
        name: &str,
    ) -> Option<(&mut Zone, Instant, DateTime<Utc>)> {
        let (now, wall) = self.clocks();
        let z = self.zone_mut(name)?;
        z.settle(fleet, now, wall);
        Some((z, now, wall))
    }

    pub(crate) fn zone(&self, name: &str) -> Option<&Zone> {
        self.zones.iter().find(|z| z.ctx.zone == name)
    }

    pub(crate) fn zone_mut(&mut self, name: &str) -> Option<&mut Zone> {
        self.zones.iter_mut().find(|z| z.ctx.zone == name)
    }

    pub(crate) fn zone_or_create(&mut self, fleet: &FleetCtx, name: &str) -> &mut Zone {
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
    pub(crate) fn empty(ctx: ZoneCtx) -> Self {
        Zone {
            ctx,
            servers: Servers::default(),
            volumes: Vec::new(),
            volume_index: HashMap::new(),
            page_shift: false,
            block_fault: None,
            delete_after_page: None,
            lists: Lists::default(),
        }
    }

    /// Generates `count` servers, and what the zone's other lists need of each in `links`.
    /// Those caught starting or stopping are in a transition the caller times
    /// ([`Servers::land_all_at`]) once the whole fleet is built.
    pub(crate) fn generate(
        fleet: &FleetCtx,
        name: &str,
        count: usize,
        links: &mut Vec<ServerLinks>,
    ) -> Self {
        let mut zone = Zone::empty(ZoneCtx::new(fleet, name, count));
        let mut blocks = Vec::new();
        zone.servers = Servers::with_capacity(count);
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
            links.push(ServerLinks::of(&server, idx));
            // Caught starting after a poweron from stopped, or stopping after a poweroff.
            let then = match entry.state.as_str() {
                STARTING => Some(transition_of(Action::Poweron, STOPPED).2),
                STOPPING => Some(transition_of(Action::Poweroff, RUNNING).2),
                _ => None,
            };
            let id = entry.id.clone();
            zone.servers.push(entry);
            if let Some(then) = then {
                zone.servers.begin(&id, Instant::now(), then);
            }
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

    /// Resolves transitions whose deadline has passed; a terminated server goes, its Block
    /// volumes stay, detached.
    pub(crate) fn settle(&mut self, fleet: &FleetCtx, now: Instant, wall: DateTime<Utc>) {
        let mut removed = Vec::new();
        for (pos, then, when) in self.servers.due(now, wall) {
            match then {
                Then::Settle(state, detail) => {
                    let entry = self.servers.at_mut(pos);
                    entry.state = state.to_owned();
                    entry.detail = detail.to_owned();
                    entry.modified = instance_date(when);
                    entry.json = render(fleet, &self.ctx, entry);
                }
                Then::Remove => removed.push((pos, when)),
            }
        }
        if removed.is_empty() {
            return;
        }
        for (entry, when) in self.servers.remove_at(removed) {
            self.gone(fleet, &entry, when);
        }
    }

    /// What a deleted server leaves: its Block volumes, detached; its static IPs, detached;
    /// nothing of its local volumes.
    fn gone(&mut self, fleet: &FleetCtx, entry: &Entry, when: DateTime<Utc>) {
        for volume_id in self.sbs_volume_ids(fleet, entry) {
            self.detach(&volume_id, when);
        }
        self.lists.owner_gone(&entry.id);
    }

    /// Adds Block volumes to the zone's list, which stays in creation order.
    pub(crate) fn add_block_volumes(&mut self, volumes: Vec<BlockVolume>) {
        self.volumes
            .extend(volumes.into_iter().map(BlockEntry::Generated));
        let created = |v: &BlockEntry| match v {
            BlockEntry::Generated(b) => b.created_at.clone(),
            BlockEntry::Raw(r) => json::text(r, "created_at").to_owned(),
        };
        // Stable: volumes created at the same moment keep their order.
        self.volumes.sort_by_cached_key(created);
        self.volume_index.clear();
        for (pos, v) in self.volumes.iter().enumerate() {
            let id = match v {
                BlockEntry::Generated(b) => &b.id,
                BlockEntry::Raw(r) => json::text(r, "id"),
            };
            if !id.is_empty() {
                self.volume_index.insert(id.to_owned(), pos);
            }
        }
    }

    /// Deletes server `id` now, as a terminate that completes: its Block volumes stay,
    /// detached. Nothing happens when there is no such server.
    pub(crate) fn remove(&mut self, fleet: &FleetCtx, id: &str, when: DateTime<Utc>) {
        let Some(entry) = self.servers.remove(id) else {
            return;
        };
        self.gone(fleet, &entry, when);
    }

    /// The Block volumes behind a server's `sbs_volume` entries.
    pub(crate) fn sbs_volume_ids(&self, fleet: &FleetCtx, entry: &Entry) -> Vec<String> {
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
    pub(crate) fn detach(&mut self, volume_id: &str, when: DateTime<Utc>) {
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
