//! Block Storage beyond the servers' volumes: volumes nobody uses (added to the zone's
//! `/block/v1 …/volumes`), snapshots (`…/snapshots`) and the volume types with their prices
//! (`…/volume-types`), compact, keys in the recorded order (the SDK's where none is recorded).
//!
//! An unattached volume is `available` with no references; a quarter were never attached
//! (`last_detached_at` null), the others were detached days to months ago. A snapshot's
//! `parent_volume` is one of the zone's volumes as it was when the snapshot was listed, or
//! null once the volume is gone; one in five is `in_use`, linked by an Instance image.

use rand::Rng;
use serde::Serialize;

use super::billing::Billable;
use super::draw::{age, later, named, Today};
use super::store::{by_date, Listed};
use crate::fleet::{sbs_size, BlockVolume, FleetCtx, ZoneCtx};
use crate::json::{block_date, compact, uuid};
use crate::prices::{Money, BLOCK_TYPES, SNAPSHOT_PER_GB_HOUR};
use crate::world::BlockEntry;

/// Salts of the zone's streams ([`ZoneCtx::stream`]).
const UNATTACHED: u64 = 5 << 40;
const SNAPSHOTS: u64 = 6 << 40;

/// Volumes of the zone nobody uses, dated from `today`.
pub(crate) fn unattached(ctx: &ZoneCtx, fleet: &FleetCtx, today: Today) -> Vec<BlockVolume> {
    let mut rng = ctx.stream(UNATTACHED);
    (0..2 + ctx.slots() / 50)
        .map(|n| {
            let project = &fleet.projects[fleet.pick_project(&mut rng)];
            let never_attached = n % 4 == 2;
            let last = today.days_ago(&mut rng, age(n, 1..21, 21..120));
            let created = if never_attached {
                last
            } else {
                last - chrono::Duration::days(rng.random_range(1..300))
            };
            let updated = later(last, &mut rng, 30);
            let detached = (!never_attached).then(|| block_date(last));
            let dates = [block_date(created), block_date(updated)];
            ctx.available_volume(project, dates, &mut rng, |_| detached)
        })
        .collect()
}

/// What the bill counts of the zone's Block volumes (generated ones; a test's raw volume
/// is not billed).
pub(crate) fn billed_volumes(volumes: &[BlockEntry]) -> Vec<(String, Billable)> {
    volumes
        .iter()
        .filter_map(|v| match v {
            BlockEntry::Generated(b) => Some((
                b.project_id.clone(),
                Billable::BlockVolume(b.volume_type, b.size),
            )),
            BlockEntry::Raw(_) => None,
        })
        .collect()
}

#[derive(Serialize)]
struct Snapshot<'a> {
    id: String,
    name: String,
    parent_volume: Option<ParentVolume<'a>>,
    size: u64,
    project_id: &'a str,
    created_at: String,
    updated_at: String,
    references: Vec<Reference>,
    status: &'static str,
    tags: [(); 0],
    class: &'static str,
    zone: &'a str,
    public: bool,
}

#[derive(Serialize)]
struct ParentVolume<'a> {
    id: &'a str,
    name: &'a str,
    #[serde(rename = "type")]
    kind: &'static str,
    status: &'static str,
}

/// An Instance image's link to the snapshot it boots from.
#[derive(Serialize)]
struct Reference {
    id: String,
    product_resource_type: &'static str,
    product_resource_id: String,
    created_at: String,
    #[serde(rename = "type")]
    kind: &'static str,
    status: &'static str,
}

/// A zone's snapshots, oldest first (the API's default order), and what the bill counts.
pub(crate) struct Snapshots {
    pub items: Vec<Listed>,
    pub billed: Vec<(String, Billable)>,
}

/// Snapshots of the zone's volumes, from days to a year old (every other one older than 90
/// days); one in three of a volume since deleted.
pub(crate) fn snapshots(
    ctx: &ZoneCtx,
    fleet: &FleetCtx,
    today: Today,
    volumes: &[BlockEntry],
) -> Snapshots {
    let mut rng = ctx.stream(SNAPSHOTS);
    let parents: Vec<&BlockVolume> = volumes
        .iter()
        .filter_map(|v| match v {
            BlockEntry::Generated(b) => Some(b),
            BlockEntry::Raw(_) => None,
        })
        .collect();
    let mut made = Vec::new();
    let mut billed = Vec::new();
    for n in 0..2 + ctx.slots() / 20 {
        let parent = (n % 3 != 2 && !parents.is_empty())
            .then(|| parents[rng.random_range(0..parents.len())]);
        let project = match parent {
            Some(p) => p.project_id.as_str(),
            None => &fleet.projects[fleet.pick_project(&mut rng)].id,
        };
        let size = parent.map_or_else(|| sbs_size(&mut rng), |p| p.size);
        let created = today.days_ago(&mut rng, age(n, 2..85, 95..365));
        let in_use = n % 5 == 4;
        let snapshot = Snapshot {
            id: uuid(&mut rng),
            name: match parent {
                Some(p) if rng.random_bool(0.5) => format!("{}-snapshot", p.name),
                _ => named("snp", &mut rng),
            },
            parent_volume: parent.map(|p| ParentVolume {
                id: &p.id,
                name: &p.name,
                kind: p.volume_type,
                status: p.status,
            }),
            size,
            project_id: project,
            created_at: block_date(created),
            updated_at: block_date(later(created, &mut rng, 60)),
            references: if in_use {
                vec![image_link(&mut rng, created)]
            } else {
                Vec::new()
            },
            status: if in_use { "in_use" } else { "available" },
            tags: [],
            class: "sbs",
            zone: &ctx.zone,
            public: false,
        };
        billed.push((project.to_owned(), Billable::BlockSnapshot(size)));
        made.push((
            snapshot.created_at.clone(),
            Listed::new(snapshot.id.clone(), compact(&snapshot)),
        ));
    }
    Snapshots {
        items: by_date(made, false),
        billed,
    }
}

/// The link an Instance image made from the snapshot holds on it.
fn image_link(
    rng: &mut rand::rngs::StdRng,
    snapshot_created: chrono::DateTime<chrono::Utc>,
) -> Reference {
    Reference {
        id: uuid(rng),
        product_resource_type: "instance_image",
        product_resource_id: uuid(rng),
        created_at: block_date(later(snapshot_created, rng, 3600)),
        kind: "link",
        status: "attached",
    }
}

/// A volume type as `…/volume-types` lists it (the SDK's field order).
#[derive(Serialize)]
struct VolumeType<'a> {
    #[serde(rename = "type")]
    kind: &'static str,
    pricing: Money,
    snapshot_pricing: Money,
    specs: Specs,
    zone: &'a str,
}

/// The SDK's `VolumeSpecifications`, in its field order.
#[derive(Serialize)]
struct Specs {
    perf_iops: u32,
    class: &'static str,
}

/// The zone's volume types: what a GB of volume, and of its snapshots, costs per hour.
pub(crate) fn volume_types(zone: &str) -> Vec<Listed> {
    BLOCK_TYPES
        .iter()
        .map(|&(kind, perf_iops, pricing)| {
            let body = VolumeType {
                kind,
                pricing,
                snapshot_pricing: SNAPSHOT_PER_GB_HOUR,
                specs: Specs {
                    perf_iops,
                    class: "sbs",
                },
                zone,
            };
            Listed::new(kind.to_owned(), compact(&body))
        })
        .collect()
}
