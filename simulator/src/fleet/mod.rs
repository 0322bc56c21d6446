//! The seeded fleet: API-shaped models and the generator that fills them.
//!
//! Every server is a pure function of `(seed, zone, index)`: its own rng is seeded from those
//! three, so the simulator keeps only the serialised bytes and the few fields that actions change,
//! and regenerates the rest when a server must be re-rendered (state change, legacy view).
//! The mix of types, volumes, states, tags and nulls follows the real responses (docs/api-notes.md in the exporter's repository).
//!
//! `model.rs` holds the API-shaped types, `catalog.rs` the commercial types and their
//! weights, `server.rs` the generation of one server (its identity, state and image), with
//! `volumes.rs` its volumes and `network.rs` its addresses and groups, `specials.rs` the few
//! servers chosen to carry a maintenance, a rescue boot or an end-of-service type.

use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

mod catalog;
mod model;
mod network;
mod server;
mod specials;
mod volumes;

use super::json::{block_date, fnv1a, from_micros, instance_date, splitmix64, uuid};
use crate::Mix;

/// 2026-08-01T00:00:00Z: every generated date is before it, so the fleet is deterministic
/// and in the past.
pub(crate) const ANCHOR_MICROS: i64 = 1_785_542_400_000_000;
/// Creation dates spread over the three years before the anchor.
const WINDOW_MICROS: i64 = 3 * 365 * 86_400 * 1_000_000;
const DAY_MICROS: i64 = 86_400 * 1_000_000;
const GB: u64 = 1_000_000_000;

pub(crate) use catalog::*;
pub(crate) use model::*;
pub(crate) use specials::Special;

// ------------------------------------------------------------------------------------------
// States and allowed actions: the lists are the ones real servers show
// (docs/api-notes.md#server-states).
// ------------------------------------------------------------------------------------------

pub(crate) const RUNNING: &str = "running";
pub(crate) const STOPPED: &str = "stopped";
pub(crate) const STOPPED_IN_PLACE: &str = "stopped in place";
pub(crate) const STARTING: &str = "starting";
pub(crate) const STOPPING: &str = "stopping";
pub(crate) const TERMINATING: &str = "terminating";

/// What `allowed_actions` shows for a (state, state_detail) pair, as recorded on real servers.
pub(crate) fn allowed_actions(state: &str, detail: &str) -> &'static [&'static str] {
    match (state, detail) {
        (STOPPING, TERMINATING) => &[],
        (RUNNING, _) => &["poweroff", "terminate", "reboot", "stop_in_place", "backup"],
        (STOPPED, _) => &["poweron", "backup"],
        (STOPPED_IN_PLACE, _) => &["poweron", "poweroff", "terminate", "reboot", "backup"],
        (STARTING, _) | (STOPPING, _) => &["stop_in_place", "backup"],
        _ => &[],
    }
}

/// `location` is null while a server has no node: stopped, or still allocating one.
pub(crate) fn has_location(state: &str, detail: &str) -> bool {
    !(state == STOPPED || (state == STARTING && detail == "allocating node"))
}

// ------------------------------------------------------------------------------------------
// Fleet-wide and per-zone context
// ------------------------------------------------------------------------------------------

/// A project and the organization that owns it.
#[derive(Clone, Debug)]
pub(crate) struct Project {
    pub organization: String,
    pub id: String,
}

/// Things shared by every zone: organizations and projects.
#[derive(Debug)]
pub(crate) struct FleetCtx {
    pub seed: u64,
    /// Which states servers start in, and where maintenances are dated from.
    pub mix: Mix,
    /// Maintenances start a few weeks after this: the anchor ([`Mix::Varied`]), or the start
    /// of the day the simulator starts ([`Mix::Lifelike`]), so the demo's are ahead of now.
    pub maintenance_from_micros: i64,
    pub projects: Vec<Project>,
    /// The owner of public images (Scaleway's own organization in the real API).
    pub images_org: String,
}

impl FleetCtx {
    pub fn new(seed: u64, mix: Mix) -> Self {
        let mut rng = StdRng::seed_from_u64(splitmix64(seed ^ 0x5ca1_e0a1));
        let main_org = uuid(&mut rng);
        let side_org = uuid(&mut rng);
        // The default project of an organization has the organization's id (as in the corpus).
        let projects = vec![
            Project {
                organization: main_org.clone(),
                id: main_org.clone(),
            },
            Project {
                organization: main_org.clone(),
                id: uuid(&mut rng),
            },
            Project {
                organization: main_org,
                id: uuid(&mut rng),
            },
            Project {
                organization: side_org.clone(),
                id: side_org,
            },
        ];
        let maintenance_from_micros = match mix {
            Mix::Varied => ANCHOR_MICROS,
            Mix::Lifelike => {
                let now = chrono::Utc::now().timestamp_micros();
                now - now.rem_euclid(DAY_MICROS)
            }
        };
        FleetCtx {
            seed,
            mix,
            maintenance_from_micros,
            projects,
            images_org: uuid(&mut rng),
        }
    }

    /// Projects by weight: most servers live in the main organization's default project.
    pub(crate) fn pick_project(&self, rng: &mut StdRng) -> usize {
        match rng.random_range(0..100) {
            0..55 => 0,
            55..75 => 1,
            75..85 => 2,
            _ => 3,
        }
    }
}

/// A Kapsule cluster whose node pools put servers in this zone.
#[derive(Debug)]
struct Cluster {
    id: String,
    name: String,
    project: usize,
    pools: Vec<Pool>,
}

#[derive(Debug)]
struct Pool {
    id: String,
    name: String,
    commercial_type: &'static str,
}

/// Everything in a zone that servers share (images, security groups, clusters...).
#[derive(Debug)]
pub(crate) struct ZoneCtx {
    pub zone: String,
    key: u64,
    /// How many servers the zone started with: creation dates are spread over that many slots.
    slots: usize,
    images: Vec<Image>,
    /// One default security group per project (index as in `FleetCtx::projects`), then extras.
    security_groups: Vec<SecurityGroup>,
    clusters: Vec<Cluster>,
    private_networks: Vec<String>,
    placement_groups: Vec<PlacementGroup>,
}

struct ImageSpec {
    name: &'static str,
    arch: &'static str,
    sbs: bool,
}

const IMAGES: &[ImageSpec] = &[
    ImageSpec {
        name: "Ubuntu 24.04 Noble Numbat",
        arch: "x86_64",
        sbs: true,
    },
    ImageSpec {
        name: "Ubuntu 22.04 Jammy Jellyfish",
        arch: "x86_64",
        sbs: true,
    },
    ImageSpec {
        name: "Debian 12 (Bookworm)",
        arch: "x86_64",
        sbs: true,
    },
    ImageSpec {
        name: "Rocky Linux 9",
        arch: "x86_64",
        sbs: true,
    },
    ImageSpec {
        name: "Ubuntu 20.04 Focal Fossa",
        arch: "x86_64",
        sbs: false,
    },
    ImageSpec {
        name: "Ubuntu 24.04 Noble Numbat",
        arch: "arm64",
        sbs: true,
    },
    ImageSpec {
        name: "Debian 12 (Bookworm)",
        arch: "arm64",
        sbs: true,
    },
    ImageSpec {
        name: "Ubuntu Noble GPU OS 13 passthrough",
        arch: "x86_64",
        sbs: true,
    },
];
const GPU_IMAGE: usize = 7;

impl ImageSpec {
    /// The zone's public image of this spec: its root is a Block snapshot, or (older
    /// images) a 10 GB `unified` volume.
    fn image(&self, fleet: &FleetCtx, zone: &str, rng: &mut StdRng) -> Image {
        let created = ANCHOR_MICROS - rng.random_range(30 * DAY_MICROS..400 * DAY_MICROS);
        let created = instance_date(from_micros(created));
        let root_volume = if self.sbs {
            RootVolume {
                volume_type: "sbs_snapshot",
                id: uuid(rng),
                size: 0,
                name: String::new(),
            }
        } else {
            RootVolume {
                volume_type: "unified",
                id: uuid(rng),
                size: 10 * GB,
                name: self.name.to_owned(),
            }
        };
        Image {
            id: uuid(rng),
            name: self.name.to_owned(),
            organization: fleet.images_org.clone(),
            project: fleet.images_org.clone(),
            root_volume,
            extra_volumes: EmptyMap,
            public: true,
            arch: self.arch,
            creation_date: created.clone(),
            modification_date: created,
            default_bootscript: None,
            from_server: "",
            state: "available",
            tags: Vec::new(),
            zone: zone.to_owned(),
        }
    }
}

/// One default security group per project (in `FleetCtx::projects` order), then the extras
/// some servers pick instead.
fn security_groups(fleet: &FleetCtx, rng: &mut StdRng) -> Vec<SecurityGroup> {
    let mut groups: Vec<SecurityGroup> = fleet
        .projects
        .iter()
        .map(|_| SecurityGroup {
            id: uuid(rng),
            name: "Default security group".to_owned(),
        })
        .collect();
    for name in ["web-public", "k8s-nodes", "internal-only"] {
        groups.push(SecurityGroup {
            id: uuid(rng),
            name: name.to_owned(),
        });
    }
    groups
}

impl Cluster {
    /// Cluster `c` of a zone: `prod` (two pools, first project) or `staging` (one pool,
    /// second project).
    fn draw(c: usize, rng: &mut StdRng) -> Cluster {
        let pool_names: &[&str] = if c == 0 {
            &["default", "workers"]
        } else {
            &["default"]
        };
        let pool_types = ["POP2-2C-8G", "PRO2-S", "DEV1-M"];
        Cluster {
            id: uuid(rng),
            name: if c == 0 {
                "prod".to_owned()
            } else {
                "staging".to_owned()
            },
            project: c,
            pools: pool_names
                .iter()
                .map(|name| Pool {
                    id: uuid(rng),
                    name: (*name).to_owned(),
                    commercial_type: pool_types[rng.random_range(0..pool_types.len())],
                })
                .collect(),
        }
    }
}

/// Placement group `i` of a zone (`pg-db`, then `pg-front`), in the main project.
fn placement_group(fleet: &FleetCtx, zone: &str, i: usize, rng: &mut StdRng) -> PlacementGroup {
    PlacementGroup {
        id: uuid(rng),
        name: format!("pg-{}", if i == 0 { "db" } else { "front" }),
        organization: fleet.projects[0].organization.clone(),
        project: fleet.projects[0].id.clone(),
        tags: Vec::new(),
        policy_mode: "optional",
        policy_type: if i == 0 {
            "max_availability"
        } else {
            "low_latency"
        },
        policy_respected: false,
        zone: zone.to_owned(),
    }
}

impl ZoneCtx {
    /// The zone's shared things, drawn from the zone's own rng in a fixed order (images,
    /// security groups, clusters, Private Networks, placement groups): a new one goes last.
    pub fn new(fleet: &FleetCtx, zone: &str, slots: usize) -> Self {
        let key = splitmix64(fleet.seed ^ fnv1a(zone));
        let mut rng = StdRng::seed_from_u64(key ^ 0x00c7_0000);
        ZoneCtx {
            zone: zone.to_owned(),
            key,
            slots: slots.max(1),
            images: IMAGES
                .iter()
                .map(|spec| spec.image(fleet, zone, &mut rng))
                .collect(),
            security_groups: security_groups(fleet, &mut rng),
            clusters: (0..2).map(|c| Cluster::draw(c, &mut rng)).collect(),
            private_networks: (0..3).map(|_| uuid(&mut rng)).collect(),
            placement_groups: (0..2)
                .map(|i| placement_group(fleet, zone, i, &mut rng))
                .collect(),
        }
    }

    /// The rng of server `idx` of this zone.
    fn server_rng(&self, idx: usize) -> StdRng {
        StdRng::seed_from_u64(splitmix64(
            self.key ^ splitmix64(idx as u64 ^ 0x5e4e_0000_0000),
        ))
    }

    /// How many servers the zone was generated with (at least one).
    pub(crate) fn slots(&self) -> usize {
        self.slots
    }

    /// An rng of the zone's own for `salt`, apart from every stream the servers, their
    /// volumes and the zone's shared things are drawn from (what was added later draws here,
    /// so the fleet of a seed stays what it was).
    pub(crate) fn stream(&self, salt: u64) -> StdRng {
        StdRng::seed_from_u64(splitmix64(
            self.key ^ splitmix64(salt ^ 0x1ef7_0000_0000_0000),
        ))
    }

    /// Block volumes that belong to no server ("a few unattached ones").
    pub fn unattached_volumes(&self, fleet: &FleetCtx, count: usize) -> Vec<BlockVolume> {
        let mut rng = StdRng::seed_from_u64(self.key ^ 0xb10c_0000);
        (0..count)
            .map(|_| {
                let created = ANCHOR_MICROS - rng.random_range(DAY_MICROS..WINDOW_MICROS);
                let detached =
                    block_date(from_micros(created + rng.random_range(0..DAY_MICROS * 30)));
                let project = &fleet.projects[fleet.pick_project(&mut rng)];
                let once_detached =
                    |rng: &mut StdRng| rng.random_bool(0.6).then(|| detached.clone());
                let created = block_date(from_micros(created));
                self.available_volume(
                    project,
                    [created, detached.clone()],
                    &mut rng,
                    once_detached,
                )
            })
            .collect()
    }

    /// A Block volume of `project` nobody uses, created and last updated at `dates`, last
    /// detached when `detached` says (drawing from `rng` or not): its class, id, detach date,
    /// name and size drawn from `rng` in that order.
    pub(crate) fn available_volume(
        &self,
        project: &Project,
        dates: [String; 2],
        rng: &mut StdRng,
        detached: impl FnOnce(&mut StdRng) -> Option<String>,
    ) -> BlockVolume {
        let [created_at, updated_at] = dates;
        let (volume_type, perf_iops) = sbs_class(rng);
        BlockVolume {
            created_at,
            id: uuid(rng),
            kms_key_id: None,
            last_detached_at: detached(rng),
            name: format!("vol-{}-{}", pick(rng, ADJECTIVES), pick(rng, SCIENTISTS)),
            parent_snapshot_id: None,
            project_id: project.id.clone(),
            references: Vec::new(),
            size: sbs_size(rng),
            specs: BlockSpecs {
                class: "sbs",
                perf_iops,
            },
            status: "available",
            tags: Vec::new(),
            volume_type,
            updated_at,
            zone: self.zone.clone(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hostnames_are_lowercased_and_dashed() {
        assert_eq!(hostname_of("Scaleway Instance"), "scaleway-instance");
        assert_eq!(hostname_of("db_primary-01"), "db-primary-01");
    }

    #[test]
    fn allowed_actions_follow_the_recorded_lists() {
        assert_eq!(allowed_actions(STOPPED, ""), ["poweron", "backup"]);
        assert!(allowed_actions(STOPPING, TERMINATING).is_empty());
        assert!(allowed_actions(RUNNING, "rebooting").contains(&"poweroff"));
    }

    #[test]
    fn a_server_is_a_pure_function_of_seed_zone_and_index() {
        let fleet = FleetCtx::new(7, Mix::Varied);
        let zone = ZoneCtx::new(&fleet, "fr-par-1", 10);
        let a = super::super::json::spaced(&zone.generate(&fleet, 3).server);
        let b = super::super::json::spaced(&zone.generate(&fleet, 3).server);
        assert_eq!(a, b);
        let other = ZoneCtx::new(&fleet, "nl-ams-1", 10);
        assert_ne!(
            a,
            super::super::json::spaced(&other.generate(&fleet, 3).server)
        );
    }
}
