//! One generated server: its type, image, volumes, addresses, tags, state and nulls, drawn
//! from its own seeded rng in the proportions of real responses.

use rand::Rng;

use super::*;

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

impl ZoneCtx {
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

        // State, as the fleet is first seen: one draw either way, so the rest of the server
        // is the same in both mixes.
        let draw: u32 = rng.random_range(0..100);
        let mix = match fleet.mix {
            Mix::Varied => &VARIED_STATES,
            Mix::Lifelike => &LIFELIKE_STATES,
        };
        let (_, state, state_detail) = *mix
            .iter()
            .find(|(below, _, _)| draw < *below)
            .expect("the last bound is 100");

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
            maintenances: specials::maintenances(special, fleet, self.key, idx),
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
