//! One generated server: its type, image, volumes, addresses, tags, state and nulls, drawn
//! from its own seeded rng in the proportions of real responses.
//!
//! Each part is drawn by a function of its own, in a fixed order: the same seed must give the
//! same bytes, so a new draw goes after the others, never between two of them.

use rand::Rng;

use super::volumes::{draw_volumes, Attachment};
use super::*;

/// When a server was created and last modified, in Unix microseconds.
#[derive(Clone, Copy)]
pub(super) struct Dates {
    pub created: i64,
    pub modified: i64,
}

impl Dates {
    /// Creation dates grow with the index, so index order is creation order.
    fn draw(rng: &mut StdRng, slots: usize, idx: usize) -> Dates {
        let slot = WINDOW_MICROS / slots as i64;
        let created =
            ANCHOR_MICROS - WINDOW_MICROS + slot * idx as i64 + rng.random_range(0..slot.max(1));
        let age = (ANCHOR_MICROS - created).max(1);
        let modified = created + rng.random_range(0..age.min(200 * DAY_MICROS));
        Dates { created, modified }
    }
}

/// Who a server is: a Kapsule node of one of the zone's pools, or a hand-made server.
pub(super) struct Identity {
    pub kapsule: bool,
    pub name: String,
    pub tags: Vec<String>,
    pub commercial_type: CommercialType,
    /// Index in `FleetCtx::projects`.
    pub project: usize,
}

/// The states a server starts in, by a draw in 0..100: (the draw's bound, state, detail).
type StateMix = [(u32, &'static str, &'static str); 6];

/// About one server in four not running: every state in numbers, for tests.
const VARIED_STATES: StateMix = [
    (45, RUNNING, "booted"),
    (72, RUNNING, "booting kernel"),
    (85, STOPPED, ""),
    (92, STOPPED_IN_PLACE, "stopped in place"),
    (96, STARTING, "allocating node"),
    (100, STOPPING, "stopping"),
];

/// 5 in 100 not running: the demo.
const LIFELIKE_STATES: StateMix = [
    (60, RUNNING, "booted"),
    (95, RUNNING, "booting kernel"),
    (97, STOPPED, ""),
    (98, STOPPED_IN_PLACE, "stopped in place"),
    (99, STARTING, "allocating node"),
    (100, STOPPING, "stopping"),
];

/// The state and `state_detail` the fleet is first seen in: one draw in either mix, so the rest
/// of the server is the same in both.
fn first_state(mix: Mix, rng: &mut StdRng) -> (&'static str, &'static str) {
    let draw: u32 = rng.random_range(0..100);
    let states = match mix {
        Mix::Varied => &VARIED_STATES,
        Mix::Lifelike => &LIFELIKE_STATES,
    };
    let (_, state, detail) = *states
        .iter()
        .find(|(below, _, _)| draw < *below)
        .expect("the last bound is 100");
    (state, detail)
}

impl ZoneCtx {
    /// Server `idx` of the zone (0 = the oldest), with the Block volumes behind its
    /// `sbs_volume` entries. `location` is always filled here; callers hide it by state.
    pub fn generate(&self, fleet: &FleetCtx, idx: usize) -> Generated {
        let mut rng = self.server_rng(idx);
        let special = Special::of(idx);
        let id = uuid(&mut rng);
        let dates = Dates::draw(&mut rng, self.slots, idx);
        let who = self.identity(fleet, special, &mut rng);
        let project = &fleet.projects[who.project];
        let (state, state_detail) = first_state(fleet.mix, &mut rng);
        let image = self.image(&who.commercial_type, &mut rng);
        let creation_date = instance_date(from_micros(dates.created));
        let attachment = Attachment {
            server: ServerRef {
                id: id.clone(),
                name: who.name.clone(),
            },
            organization: &project.organization,
            project: &project.id,
            zone: &self.zone,
            dates,
            creation_date: &creation_date,
            root_snapshot: image.as_ref().and_then(Image::root_snapshot),
        };
        let image_name = image
            .as_ref()
            .map_or("Ubuntu 22.04 Jammy Jellyfish", |i| i.name.as_str());
        let (volumes, blocks) = draw_volumes(
            &attachment,
            &who.commercial_type,
            image_name,
            state,
            &mut rng,
        );
        let network = self.network(fleet, &who, &id, dates.created, &mut rng);
        let server = Server {
            dns: format!("{id}.pub.instances.scw.cloud"),
            arch: who.commercial_type.arch,
            commercial_type: who.commercial_type.name,
            boot_type: specials::boot_type(special),
            organization: project.organization.clone(),
            project: project.id.clone(),
            hostname: hostname_of(&who.name),
            image,
            volumes,
            state: state.to_owned(),
            protected: rng.random_range(0..100) < 8,
            state_detail: state_detail.to_owned(),
            creation_date,
            modification_date: instance_date(from_micros(dates.modified)),
            maintenances: specials::maintenances(special, fleet, self.key, idx),
            allowed_actions: allowed_actions(state, state_detail),
            zone: self.zone.clone(),
            end_of_service: is_end_of_service(who.commercial_type.name),
            id,
            name: who.name,
            tags: who.tags,
            public_ip: network.public_ips.first().cloned(),
            public_ips: network.public_ips,
            mac_address: network.mac_address,
            routed_ip_enabled: network.routed_ip_enabled,
            ipv6: None,
            extra_networks: Vec::new(),
            dynamic_ip_required: network.dynamic_ip_required,
            enable_ipv6: network.enable_ipv6,
            private_ip: network.private_ip,
            bootscript: None,
            security_group: network.security_group,
            // Always filled here: the simulator hides it by state when rendering.
            location: Some(network.location),
            placement_group: network.placement_group,
            private_nics: network.private_nics,
            filesystems: Vec::new(),
        };
        Generated { server, blocks }
    }

    /// A Kapsule node (12%), named and tagged by its cluster and pool, or a hand-made server
    /// of a weighted type and project; a few of either kind tagged `alerting=off`.
    fn identity(&self, fleet: &FleetCtx, special: Option<Special>, rng: &mut StdRng) -> Identity {
        let kube = (rng.random_range(0..100) < 12).then(|| {
            let c = &self.clusters[rng.random_range(0..self.clusters.len())];
            let p = &c.pools[rng.random_range(0..c.pools.len())];
            (c, p)
        });
        let mut identity = match kube {
            Some((cluster, pool)) => Identity {
                kapsule: true,
                name: format!(
                    "scw-{}-{}-{:08x}",
                    cluster.name,
                    pool.name,
                    rng.random::<u32>()
                ),
                tags: vec![
                    format!("kapsule={}", cluster.id),
                    format!("pool={}", pool.id),
                    format!("pool-name={}", pool.name),
                    "runtime=containerd".to_owned(),
                ],
                commercial_type: commercial_type_spec(pool.commercial_type),
                project: cluster.project,
            },
            None => Identity {
                kapsule: false,
                name: server_name(rng),
                tags: server_tags(rng),
                commercial_type: specials::commercial_type(special, pick_commercial_type(rng)),
                project: fleet.pick_project(rng),
            },
        };
        if rng.random_range(0..100) < 4 {
            identity.tags.push("alerting=off".to_owned());
        }
        identity
    }

    /// Usually one of the zone's public images of the type's architecture (the GPU image for
    /// GPU types); null when booted from a volume.
    fn image(&self, commercial_type: &CommercialType, rng: &mut StdRng) -> Option<Image> {
        if rng.random_range(0..100) < 5 {
            return None;
        }
        let i = if commercial_type.scratch.is_some() {
            GPU_IMAGE
        } else {
            let same_arch: Vec<usize> = (0..GPU_IMAGE)
                .filter(|&i| IMAGES[i].arch == commercial_type.arch)
                .collect();
            same_arch[rng.random_range(0..same_arch.len())]
        };
        Some(self.images[i].clone())
    }
}

/// A generated server and the Block volumes behind its `sbs_volume` entries.
pub(crate) struct Generated {
    pub server: Server,
    pub blocks: Vec<BlockVolume>,
}
