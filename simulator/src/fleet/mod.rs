//! The seeded fleet: API-shaped models and the generator that fills them.
//!
//! Every server is a pure function of `(seed, zone, index)`: its own rng is seeded from those
//! three, so the simulator keeps only the serialised bytes and the few fields that actions change,
//! and regenerates the rest when a server must be re-rendered (state change, legacy view).
//! The mix of types, volumes, states, tags and nulls follows the real responses (docs/api-notes.md in the exporter's repository).

use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

mod catalog;
mod model;
mod specials;

use super::json::{block_date, fnv1a, from_micros, instance_date, splitmix64, uuid};

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
    pub projects: Vec<Project>,
    /// The owner of public images (Scaleway's own organization in the real API).
    pub images_org: String,
}

impl FleetCtx {
    pub fn new(seed: u64) -> Self {
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
        FleetCtx {
            seed,
            projects,
            images_org: uuid(&mut rng),
        }
    }

    /// Projects by weight: most servers live in the main organization's default project.
    fn pick_project(&self, rng: &mut StdRng) -> usize {
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

impl ZoneCtx {
    pub fn new(fleet: &FleetCtx, zone: &str, slots: usize) -> Self {
        let key = splitmix64(fleet.seed ^ fnv1a(zone));
        let mut rng = StdRng::seed_from_u64(key ^ 0x00c7_0000);
        let images = IMAGES
            .iter()
            .map(|spec| {
                let created = ANCHOR_MICROS - rng.random_range(30 * DAY_MICROS..400 * DAY_MICROS);
                let created = instance_date(from_micros(created));
                let root_volume = if spec.sbs {
                    RootVolume {
                        volume_type: "sbs_snapshot",
                        id: uuid(&mut rng),
                        size: 0,
                        name: String::new(),
                    }
                } else {
                    RootVolume {
                        volume_type: "unified",
                        id: uuid(&mut rng),
                        size: 10 * GB,
                        name: spec.name.to_owned(),
                    }
                };
                Image {
                    id: uuid(&mut rng),
                    name: spec.name.to_owned(),
                    organization: fleet.images_org.clone(),
                    project: fleet.images_org.clone(),
                    root_volume,
                    extra_volumes: EmptyMap,
                    public: true,
                    arch: spec.arch,
                    creation_date: created.clone(),
                    modification_date: created,
                    default_bootscript: None,
                    from_server: "",
                    state: "available",
                    tags: Vec::new(),
                    zone: zone.to_owned(),
                }
            })
            .collect();
        let mut security_groups: Vec<SecurityGroup> = fleet
            .projects
            .iter()
            .map(|_| SecurityGroup {
                id: uuid(&mut rng),
                name: "Default security group".to_owned(),
            })
            .collect();
        for name in ["web-public", "k8s-nodes", "internal-only"] {
            security_groups.push(SecurityGroup {
                id: uuid(&mut rng),
                name: name.to_owned(),
            });
        }
        let clusters = (0..2)
            .map(|c| {
                let pool_names: &[&str] = if c == 0 {
                    &["default", "workers"]
                } else {
                    &["default"]
                };
                let pool_types = ["POP2-2C-8G", "PRO2-S", "DEV1-M"];
                Cluster {
                    id: uuid(&mut rng),
                    name: if c == 0 {
                        "prod".to_owned()
                    } else {
                        "staging".to_owned()
                    },
                    project: c,
                    pools: pool_names
                        .iter()
                        .map(|name| Pool {
                            id: uuid(&mut rng),
                            name: (*name).to_owned(),
                            commercial_type: pool_types[rng.random_range(0..pool_types.len())],
                        })
                        .collect(),
                }
            })
            .collect();
        let private_networks = (0..3).map(|_| uuid(&mut rng)).collect();
        let placement_groups = (0..2)
            .map(|i| PlacementGroup {
                id: uuid(&mut rng),
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
            })
            .collect();
        ZoneCtx {
            zone: zone.to_owned(),
            key,
            slots: slots.max(1),
            images,
            security_groups,
            clusters,
            private_networks,
            placement_groups,
        }
    }

    /// The rng of server `idx` of this zone.
    fn server_rng(&self, idx: usize) -> StdRng {
        StdRng::seed_from_u64(splitmix64(
            self.key ^ splitmix64(idx as u64 ^ 0x5e4e_0000_0000),
        ))
    }

    /// Block volumes that belong to no server ("a few unattached ones").
    pub fn unattached_volumes(&self, fleet: &FleetCtx, count: usize) -> Vec<BlockVolume> {
        let mut rng = StdRng::seed_from_u64(self.key ^ 0xb10c_0000);
        (0..count)
            .map(|_| {
                let created = ANCHOR_MICROS - rng.random_range(DAY_MICROS..WINDOW_MICROS);
                let detached = created + rng.random_range(0..DAY_MICROS * 30);
                let project = &fleet.projects[fleet.pick_project(&mut rng)];
                let (volume_type, perf_iops) = sbs_class(&mut rng);
                BlockVolume {
                    created_at: block_date(from_micros(created)),
                    id: uuid(&mut rng),
                    kms_key_id: None,
                    last_detached_at: rng
                        .random_bool(0.6)
                        .then(|| block_date(from_micros(detached))),
                    name: format!(
                        "vol-{}-{}",
                        pick(&mut rng, ADJECTIVES),
                        pick(&mut rng, SCIENTISTS)
                    ),
                    parent_snapshot_id: None,
                    project_id: project.id.clone(),
                    references: Vec::new(),
                    size: sbs_size(&mut rng),
                    specs: BlockSpecs {
                        class: "sbs",
                        perf_iops,
                    },
                    status: "available",
                    tags: Vec::new(),
                    volume_type,
                    updated_at: block_date(from_micros(detached)),
                    zone: self.zone.clone(),
                }
            })
            .collect()
    }

    /// Server `idx` of the zone (0 = the oldest), with the Block volumes behind its
    /// `sbs_volume` entries. `location` is always filled here; callers hide it by state.
    pub fn generate(&self, fleet: &FleetCtx, idx: usize) -> Generated {
        let mut rng = self.server_rng(idx);
        let special = Special::of(idx);
        let zone = self.zone.clone();
        let id = uuid(&mut rng);

        // Creation dates grow with the index, so index order is creation order.
        let slot = WINDOW_MICROS / self.slots as i64;
        let created =
            ANCHOR_MICROS - WINDOW_MICROS + slot * idx as i64 + rng.random_range(0..slot.max(1));
        let age = (ANCHOR_MICROS - created).max(1);
        let modified = created + rng.random_range(0..age.min(200 * DAY_MICROS));
        let creation_date = instance_date(from_micros(created));
        let modification_date = instance_date(from_micros(modified));

        // Identity: a Kapsule node, or a hand-made server.
        let kube = (rng.random_range(0..100) < 12).then(|| {
            let c = &self.clusters[rng.random_range(0..self.clusters.len())];
            let p = &c.pools[rng.random_range(0..c.pools.len())];
            (c, p)
        });
        let (name, mut tags, commercial_type, project_idx) = match kube {
            Some((cluster, pool)) => {
                let name = format!(
                    "scw-{}-{}-{:08x}",
                    cluster.name,
                    pool.name,
                    rng.random::<u32>()
                );
                let tags = vec![
                    format!("kapsule={}", cluster.id),
                    format!("pool={}", pool.id),
                    format!("pool-name={}", pool.name),
                    "runtime=containerd".to_owned(),
                ];
                (
                    name,
                    tags,
                    commercial_type_spec(pool.commercial_type),
                    cluster.project,
                )
            }
            None => (
                server_name(&mut rng),
                server_tags(&mut rng),
                specials::commercial_type(special, pick_commercial_type(&mut rng)),
                fleet.pick_project(&mut rng),
            ),
        };
        if rng.random_range(0..100) < 4 {
            tags.push("alerting=off".to_owned());
        }
        let hostname = hostname_of(&name);
        let project = &fleet.projects[project_idx];
        let organization = project.organization.clone();

        // State, as the fleet is first seen.
        let (state, state_detail) = match rng.random_range(0..100) {
            0..45 => (RUNNING, "booted"),
            45..72 => (RUNNING, "booting kernel"),
            72..85 => (STOPPED, ""),
            85..92 => (STOPPED_IN_PLACE, "stopped in place"),
            92..96 => (STARTING, "allocating node"),
            _ => (STOPPING, "stopping"),
        };

        // Image: usually one of the zone's public images; null when booted from a volume.
        let image = if rng.random_range(0..100) < 5 {
            None
        } else {
            let i = if commercial_type.scratch.is_some() {
                GPU_IMAGE
            } else {
                let same_arch: Vec<usize> = (0..GPU_IMAGE)
                    .filter(|&i| IMAGES[i].arch == commercial_type.arch)
                    .collect();
                same_arch[rng.random_range(0..same_arch.len())]
            };
            Some(self.images[i].clone())
        };
        let image_name = image
            .as_ref()
            .map_or("Ubuntu 22.04 Jammy Jellyfish", |i| i.name.as_str());

        // Volumes.
        let server_ref = ServerRef {
            id: id.clone(),
            name: name.clone(),
        };
        let local = |rng: &mut StdRng, volume_type, name: String, size| {
            Volume::Local(LocalVolume {
                boot: false,
                id: uuid(rng),
                name,
                volume_type,
                export_uri: None,
                organization: organization.clone(),
                project: project.id.clone(),
                server: server_ref.clone(),
                size,
                state: "available",
                creation_date: creation_date.clone(),
                modification_date: creation_date.clone(),
                tags: Vec::new(),
                zone: zone.clone(),
            })
        };
        let mut blocks = Vec::new();
        let mut sbs = |rng: &mut StdRng, root: bool| {
            let volume_id = uuid(rng);
            let (volume_type, perf_iops) = sbs_class(rng);
            let attached_at = block_date(from_micros(created));
            blocks.push(BlockVolume {
                created_at: attached_at.clone(),
                id: volume_id.clone(),
                kms_key_id: None,
                last_detached_at: None,
                name: if root {
                    format!("{name} root")
                } else {
                    format!("vol-{}-{}", pick(rng, ADJECTIVES), pick(rng, SCIENTISTS))
                },
                parent_snapshot_id: if root {
                    image
                        .as_ref()
                        .filter(|i| i.root_volume.volume_type == "sbs_snapshot")
                        .map(|i| i.root_volume.id.clone())
                } else {
                    None
                },
                project_id: project.id.clone(),
                references: vec![BlockReference {
                    created_at: attached_at.clone(),
                    id: uuid(rng),
                    product_resource_id: id.clone(),
                    product_resource_type: "instance_server",
                    status: "attached",
                    reference_type: "exclusive",
                }],
                size: if root {
                    [10, 20, 20, 40, 50, 100][rng.random_range(0..6)] * GB
                } else {
                    sbs_size(rng)
                },
                specs: BlockSpecs {
                    class: "sbs",
                    perf_iops,
                },
                status: "in_use",
                tags: Vec::new(),
                volume_type,
                updated_at: block_date(from_micros(modified)),
                zone: zone.clone(),
            });
            // Key sets seen for sbs entries: with state and zone, without state, bare.
            let (state, zone_field) = match rng.random_range(0..100) {
                0..75 => (Some("available"), Some(zone.clone())),
                75..93 => (None, Some(zone.clone())),
                _ => (None, None),
            };
            Volume::Sbs(SbsVolume {
                boot: false,
                volume_type: "sbs_volume",
                id: volume_id,
                state,
                zone: zone_field,
            })
        };
        let mut vols: Vec<Volume> = Vec::new();
        match commercial_type.local_root_gb {
            Some(gb) if rng.random_bool(0.5) => {
                vols.push(local(&mut rng, "l_ssd", image_name.to_owned(), gb * GB));
            }
            _ => vols.push(sbs(&mut rng, true)),
        }
        if let Some(scratch) = commercial_type.scratch {
            vols.push(local(
                &mut rng,
                "scratch",
                "autogenerated scratch volume".to_owned(),
                scratch,
            ));
        }
        let extras = match rng.random_range(0..100) {
            0..70 => 0,
            70..94 => 1,
            94..98 => 2,
            _ => 3,
        };
        for n in 0..extras {
            if vols.len() >= 4 {
                break;
            }
            if rng.random_range(0..100) < 30 {
                let size = [10, 25, 50, 100, 250, 500][rng.random_range(0..6)] * GB;
                vols.push(local(&mut rng, "b_ssd", format!("Volume-{}", n + 1), size));
            } else {
                vols.push(sbs(&mut rng, false));
            }
        }
        // The boot flag is usually false everywhere, sometimes true on "0", rarely on "1".
        let boot_at = match rng.random_range(0..100) {
            0..80 => None,
            80..95 => Some(0),
            _ => Some(1),
        };
        if let Some(b) = boot_at.filter(|&b| b < vols.len()) {
            match &mut vols[b] {
                Volume::Local(v) => v.boot = true,
                Volume::Sbs(v) => v.boot = true,
            }
        }
        let mut volumes: Vec<(String, Volume)> = vols
            .into_iter()
            .enumerate()
            .map(|(i, v)| (i.to_string(), v))
            .collect();
        if volumes.len() > 1 && rng.random_range(0..100) < 10 {
            volumes.reverse();
        }
        // A stopped server whose volumes were all detached shows `{}` (real-11); its Block
        // volumes stay, detached.
        if state == STOPPED && rng.random_range(0..100) < 8 {
            volumes.clear();
            for b in &mut blocks {
                b.status = "available";
                b.references.clear();
                b.last_detached_at = Some(block_date(from_micros(modified)));
            }
        }

        // Network.
        let dynamic = kube.is_some() || rng.random_bool(0.3);
        let public_ips = match rng.random_range(0..100) {
            _ if kube.is_some() => vec![ipv4(&mut rng, dynamic, "dhcp")],
            0..20 => Vec::new(),
            20..80 => vec![ipv4(&mut rng, dynamic, "dhcp")],
            80..92 => vec![ipv4(&mut rng, dynamic, "dhcp"), ipv6(&mut rng)],
            _ => vec![
                ipv4(&mut rng, false, "dhcp"),
                ipv4(&mut rng, false, "manual"),
            ],
        };
        let routed_ip_enabled = rng.random_range(0..100) < 85;
        let private_ip = (!routed_ip_enabled).then(|| {
            format!(
                "10.{}.{}.{}",
                rng.random_range(64..80),
                rng.random::<u8>(),
                rng.random_range(2..254)
            )
        });
        let private_nics = if rng.random_range(0..100) < 12 || kube.is_some() {
            let nic_created = instance_date(from_micros(
                created + rng.random_range(1_000_000..60_000_000),
            ));
            vec![PrivateNic {
                id: uuid(&mut rng),
                private_network_id: self.private_networks
                    [rng.random_range(0..self.private_networks.len())]
                .clone(),
                server_id: id.clone(),
                mac_address: format!(
                    "02:00:00:{:02x}:{:02x}:{:02x}",
                    rng.random::<u8>(),
                    rng.random::<u8>(),
                    rng.random::<u8>()
                ),
                state: "available",
                creation_date: nic_created.clone(),
                modification_date: nic_created,
                zone: zone.clone(),
                tags: Vec::new(),
                ipam_ip_ids: vec![uuid(&mut rng), uuid(&mut rng)],
            }]
        } else {
            Vec::new()
        };
        let placement_group = (rng.random_range(0..100) < 3).then(|| {
            self.placement_groups[rng.random_range(0..self.placement_groups.len())].clone()
        });
        let security_group = if rng.random_range(0..100) < 80 {
            self.security_groups[project_idx].clone()
        } else {
            let extras = &self.security_groups[fleet.projects.len()..];
            extras[rng.random_range(0..extras.len())].clone()
        };
        let location = Location {
            zone_id: zone.clone(),
            platform_id: rng.random_range(10..40).to_string(),
            cluster_id: rng.random_range(1..60).to_string(),
            hypervisor_id: rng.random_range(100..2200).to_string(),
            node_id: rng.random_range(1..64).to_string(),
        };
        let mac_address = format!(
            "de:00:0{}:{:02x}:{:02x}:{:02x}",
            rng.random_range(0..2),
            rng.random::<u8>(),
            rng.random::<u8>(),
            rng.random::<u8>()
        );
        let has_v6 = public_ips.iter().any(|ip| ip.family == "inet6");
        let server = Server {
            dns: format!("{id}.pub.instances.scw.cloud"),
            id,
            name,
            arch: commercial_type.arch,
            commercial_type: commercial_type.name,
            boot_type: specials::boot_type(special),
            organization,
            project: project.id.clone(),
            hostname,
            image,
            volumes: VolumeMap(volumes),
            tags,
            state: state.to_owned(),
            protected: rng.random_range(0..100) < 8,
            state_detail: state_detail.to_owned(),
            public_ip: public_ips.first().cloned(),
            public_ips,
            mac_address,
            routed_ip_enabled,
            ipv6: None,
            extra_networks: Vec::new(),
            dynamic_ip_required: dynamic,
            enable_ipv6: has_v6 && !routed_ip_enabled,
            private_ip,
            creation_date,
            modification_date,
            bootscript: None,
            security_group,
            // Always filled here: the simulator hides it by state when rendering.
            location: Some(location),
            maintenances: specials::maintenances(special, self.key, idx),
            allowed_actions: allowed_actions(state, state_detail),
            placement_group,
            private_nics,
            zone,
            filesystems: Vec::new(),
            end_of_service: is_end_of_service(commercial_type.name),
        };
        Generated { server, blocks }
    }
}

/// A generated server and the Block volumes behind its `sbs_volume` entries.
pub(crate) struct Generated {
    pub server: Server,
    pub blocks: Vec<BlockVolume>,
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
        let fleet = FleetCtx::new(7);
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
