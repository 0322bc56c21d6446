//! A generated server's volumes: a root (local or Block), a GPU type's scratch, a few extras,
//! the boot flag, the key order, and the servers whose volumes were all detached. Block
//! volumes come with the Block Storage object behind their `sbs_volume` entry.

use rand::Rng;

use super::server::Dates;
use super::*;

impl Image {
    /// The snapshot a root Block volume made from this image starts from, if it has one.
    pub(super) fn root_snapshot(&self) -> Option<&str> {
        (self.root_volume.volume_type == "sbs_snapshot").then_some(self.root_volume.id.as_str())
    }
}

/// What every volume of one server repeats: the server, its owner, its zone and dates.
pub(super) struct Attachment<'a> {
    pub server: ServerRef,
    pub organization: &'a str,
    pub project: &'a str,
    pub zone: &'a str,
    pub dates: Dates,
    /// The server's `creation_date`, which its local volumes share.
    pub creation_date: &'a str,
    /// The snapshot a root Block volume is made from: the image's, when it has one.
    pub root_snapshot: Option<&'a str>,
}

impl Attachment<'_> {
    /// An `l_ssd`, `b_ssd` or `scratch` entry: a full object with a size.
    fn local(
        &self,
        rng: &mut StdRng,
        volume_type: &'static str,
        name: String,
        size: u64,
    ) -> Volume {
        Volume::Local(LocalVolume {
            boot: false,
            id: uuid(rng),
            name,
            volume_type,
            export_uri: None,
            organization: self.organization.to_owned(),
            project: self.project.to_owned(),
            server: self.server.clone(),
            size,
            state: "available",
            creation_date: self.creation_date.to_owned(),
            modification_date: self.creation_date.to_owned(),
            tags: Vec::new(),
            zone: self.zone.to_owned(),
        })
    }

    /// An `sbs_volume` entry, in one of the key sets seen for them (with state and zone,
    /// without state, bare), and the Block volume it points at.
    fn sbs(&self, rng: &mut StdRng, root: bool) -> (Volume, BlockVolume) {
        let block = self.block(rng, root);
        let (state, zone) = match rng.random_range(0..100) {
            0..75 => (Some("available"), Some(self.zone.to_owned())),
            75..93 => (None, Some(self.zone.to_owned())),
            _ => (None, None),
        };
        let entry = Volume::Sbs(SbsVolume {
            boot: false,
            volume_type: "sbs_volume",
            id: block.id.clone(),
            state,
            zone,
        });
        (entry, block)
    }

    /// The Block Storage object of an attached volume: the root is named after the server
    /// and made from the image's snapshot; an extra has a made-up name and size.
    fn block(&self, rng: &mut StdRng, root: bool) -> BlockVolume {
        let volume_id = uuid(rng);
        let (volume_type, perf_iops) = sbs_class(rng);
        let attached_at = block_date(from_micros(self.dates.created));
        BlockVolume {
            created_at: attached_at.clone(),
            id: volume_id,
            kms_key_id: None,
            last_detached_at: None,
            name: if root {
                format!("{} root", self.server.name)
            } else {
                format!("vol-{}-{}", pick(rng, ADJECTIVES), pick(rng, SCIENTISTS))
            },
            parent_snapshot_id: self.root_snapshot.filter(|_| root).map(str::to_owned),
            project_id: self.project.to_owned(),
            references: vec![BlockReference {
                created_at: attached_at,
                id: uuid(rng),
                product_resource_id: self.server.id.clone(),
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
            updated_at: block_date(from_micros(self.dates.modified)),
            zone: self.zone.to_owned(),
        }
    }
}

/// The server's `volumes` map and the Block volumes behind its `sbs_volume` entries.
pub(super) fn draw_volumes(
    at: &Attachment<'_>,
    commercial_type: &CommercialType,
    image_name: &str,
    state: &str,
    rng: &mut StdRng,
) -> (VolumeMap, Vec<BlockVolume>) {
    let mut vols: Vec<Volume> = Vec::new();
    let mut blocks = Vec::new();
    let mut sbs = |rng: &mut StdRng, root: bool| {
        let (entry, block) = at.sbs(rng, root);
        blocks.push(block);
        entry
    };
    match commercial_type.local_root_gb {
        Some(gb) if rng.random_bool(0.5) => {
            vols.push(at.local(rng, "l_ssd", image_name.to_owned(), gb * GB));
        }
        _ => vols.push(sbs(rng, true)),
    }
    if let Some(scratch) = commercial_type.scratch {
        let name = "autogenerated scratch volume".to_owned();
        vols.push(at.local(rng, "scratch", name, scratch));
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
            vols.push(at.local(rng, "b_ssd", format!("Volume-{}", n + 1), size));
        } else {
            vols.push(sbs(rng, false));
        }
    }
    mark_boot(&mut vols, rng);
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
            b.last_detached_at = Some(block_date(from_micros(at.dates.modified)));
        }
    }
    (VolumeMap(volumes), blocks)
}

/// The boot flag is usually false everywhere, sometimes true on "0", rarely on "1".
fn mark_boot(vols: &mut [Volume], rng: &mut StdRng) {
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
}
