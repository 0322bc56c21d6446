//! What the routes send: a zone's page of servers or volumes, one server's or volume's body,
//! and an action's task, read from (or, for an action, written to) the world.

use std::sync::atomic::Ordering;

use serde::Serialize;

use crate::fleet::allowed_actions;
use crate::json::{self, instance_date};
use crate::world::{apply_status, render, transition_of, BlockEntry, Origin};
use crate::{legacy, Action, ActionError, Simulator};

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
    pub(crate) id: String,
    description: &'static str,
    status: &'static str,
    href_from: String,
    href_result: String,
    started_at: String,
    terminated_at: Option<()>,
    progress: u32,
    zone: String,
}

impl Simulator {
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
        let (z, ..) = world.settled(&self.shared.fleet, zone)?;
        Some(z.servers.get(id)?.json.to_vec())
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
        let fleet = &self.shared.fleet;
        let Some((z, _, wall)) = world.settled(fleet, zone) else {
            return PageOut {
                body: b"{\"servers\": []}".to_vec(),
                total: 0,
            };
        };
        let listing = z.servers.all();
        let len = listing.len() as u64;
        let shifted = z.page_shift && page > 1;
        let (start, end, total) = if shifted {
            let start = (page - 1).saturating_mul(per_page) - 1;
            (start, start.saturating_add(per_page), len + 1)
        } else {
            let start = (page - 1).saturating_mul(per_page);
            (start, start.saturating_add(per_page), len)
        };
        let (start, end) = (start.min(len) as usize, end.min(len) as usize);
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
    #[cfg(test)]
    pub(crate) fn volumes_page(&self, zone: &str, page: u64, page_size: u64) -> Vec<u8> {
        let asked = crate::resources::Asked {
            page,
            size: Some(page_size),
        };
        self.block_page(zone, asked).0
    }

    /// Runs an action; the task is what the HTTP endpoint answers.
    pub(crate) fn act(&self, zone: &str, id: &str, action: Action) -> Result<Task, ActionError> {
        let mut world = self.world();
        let transition = self.shared.config.transition;
        let fleet = &self.shared.fleet;
        let (z, now, wall) = world
            .settled(fleet, zone)
            .ok_or_else(|| ActionError::UnknownZone(zone.to_owned()))?;
        let entry = z
            .servers
            .get_mut(id)
            .ok_or_else(|| ActionError::UnknownServer {
                zone: zone.to_owned(),
                id: id.to_owned(),
            })?;
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
        entry.json = render(fleet, &z.ctx, entry);
        z.servers.begin(id, now + transition, then);
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
