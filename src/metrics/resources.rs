//! The families of what the zones hold beside their servers: volumes, flexible IPs and
//! snapshots, whatever API each comes from (docs/design.md#leftovers). Pure, like the others.
//!
//! A Block Storage volume is in `scaleway_volume_*` whether it is attached or not, and an
//! attached `sbs_volume` also stays in its server's `scaleway_server_volume_size_bytes`: a cost
//! query sums one or the other, never both. Instance volumes are here only when no server
//! holds them (those a server holds are its server's volumes).

use super::descriptors::{Descriptor, Kind};
use super::writer::Writer;
use crate::inventory::{Items, Snapshot};
use crate::product::ProductZone;

/// `zone` and the id of the item, first in every family here.
const VOLUME_LABELS: [&str; 2] = ["zone", "volume_id"];
const SNAPSHOT_LABELS: [&str; 2] = ["zone", "snapshot_id"];
const AS_OF: &str = " As of the zone's last good read of it.";

pub const VOLUME_INFO: Descriptor<7> = Descriptor {
    name: "scaleway_volume_info",
    help: const_format::concatcp!("Descriptive labels of a volume, value 1: every Block Storage volume, and the Instance volumes no server holds; attached says whether a server holds it.", AS_OF),
    kind: Kind::Gauge,
    labels: &["zone", "volume_id", "name", "type", "status", "project_id", "attached"],
};
pub const VOLUME_SIZE: Descriptor<2> = Descriptor {
    name: "scaleway_volume_size_bytes",
    help: const_format::concatcp!(
        "Size of the volume, in bytes (no series when unknown).",
        AS_OF
    ),
    kind: Kind::Gauge,
    labels: &VOLUME_LABELS,
};
pub const VOLUME_DETACHED: Descriptor<2> = Descriptor {
    name: "scaleway_volume_detached_timestamp_seconds",
    help: const_format::concatcp!("When the volume was last detached, in Unix seconds (Block Storage only; no series before its first detach).", AS_OF),
    kind: Kind::Gauge,
    labels: &VOLUME_LABELS,
};
pub const VOLUME_CREATED: Descriptor<2> = Descriptor {
    name: "scaleway_volume_created_timestamp_seconds",
    help: const_format::concatcp!("Creation date of the volume, in Unix seconds.", AS_OF),
    kind: Kind::Gauge,
    labels: &VOLUME_LABELS,
};
pub const IP_INFO: Descriptor<9> = Descriptor {
    name: "scaleway_ip_info",
    help: const_format::concatcp!("One series of value 1 per flexible IP (Instances' and Elastic Metal's), with the server it points at (server_id empty when none); attached says whether it points at one.", AS_OF),
    kind: Kind::Gauge,
    labels: &["zone", "ip_id", "address", "family", "type", "product", "project_id", "server_id", "attached"],
};
pub const SNAPSHOT_INFO: Descriptor<7> = Descriptor {
    name: "scaleway_snapshot_info",
    help: const_format::concatcp!("Descriptive labels of a snapshot (Block Storage's and Instances'), value 1; volume_id is the volume it was taken of, empty once that is deleted.", AS_OF),
    kind: Kind::Gauge,
    labels: &["zone", "snapshot_id", "name", "type", "status", "project_id", "volume_id"],
};
pub const SNAPSHOT_SIZE: Descriptor<2> = Descriptor {
    name: "scaleway_snapshot_size_bytes",
    help: const_format::concatcp!(
        "Size of the snapshot, in bytes (no series when unknown).",
        AS_OF
    ),
    kind: Kind::Gauge,
    labels: &SNAPSHOT_LABELS,
};
pub const SNAPSHOT_CREATED: Descriptor<2> = Descriptor {
    name: "scaleway_snapshot_created_timestamp_seconds",
    help: const_format::concatcp!("Creation date of the snapshot, in Unix seconds.", AS_OF),
    kind: Kind::Gauge,
    labels: &SNAPSHOT_LABELS,
};

/// Every family of this module, in the order of the exposition.
pub const FAMILIES: &[super::AnyDescriptor] = &[
    VOLUME_INFO.erase(),
    VOLUME_SIZE.erase(),
    VOLUME_DETACHED.erase(),
    VOLUME_CREATED.erase(),
    IP_INFO.erase(),
    SNAPSHOT_INFO.erase(),
    SNAPSHOT_SIZE.erase(),
    SNAPSHOT_CREATED.erase(),
];

/// Every zone's items of one kind, with their zone and the product they were read with.
fn each(snapshot: &Snapshot) -> impl Iterator<Item = (&ProductZone, &Items)> {
    snapshot.zones().flat_map(|(target, zone)| {
        zone.resources
            .values()
            .map(move |state| (target, state.items.as_ref()))
    })
}

pub(super) fn render(out: &mut Writer, snapshot: &Snapshot) {
    render_volumes(out, snapshot);
    out.family(&IP_INFO);
    for (target, items) in each(snapshot) {
        let Items::Ips(ips) = items else { continue };
        for ip in ips {
            let attached = if ip.attached() { "true" } else { "false" };
            let values = [
                target.zone.as_str(),
                &ip.id,
                &ip.address,
                ip.family.as_str(),
                &ip.ip_type,
                target.product.label(),
                &ip.project_id,
                &ip.server_id,
                attached,
            ];
            out.sample(&IP_INFO, values, 1);
        }
    }
    render_snapshots(out, snapshot);
}

fn render_volumes(out: &mut Writer, snapshot: &Snapshot) {
    let volumes = || {
        each(snapshot).flat_map(|(target, items)| {
            match items {
                Items::Volumes(volumes) => volumes.as_slice(),
                _ => &[],
            }
            .iter()
            .map(move |v| (target.zone.as_str(), v))
        })
    };
    out.family(&VOLUME_INFO);
    for (zone, v) in volumes() {
        let attached = if v.attached { "true" } else { "false" };
        let values = [
            zone,
            &v.id,
            &v.name,
            &v.volume_type,
            &v.status,
            &v.project_id,
            attached,
        ];
        out.sample(&VOLUME_INFO, values, 1);
    }
    // Sizes as the integers they are: a u64 past 2^53 would lose digits as a float.
    out.family(&VOLUME_SIZE);
    for (zone, v) in volumes() {
        if let Some(size) = v.size {
            out.sample(&VOLUME_SIZE, [zone, &v.id], size);
        }
    }
    for (family, field) in [
        (
            &VOLUME_DETACHED,
            (|v| v.detached) as fn(&crate::inventory::VolumeItem) -> Option<f64>,
        ),
        (&VOLUME_CREATED, |v| v.created),
    ] {
        out.family(family);
        for (zone, v) in volumes() {
            if let Some(value) = field(v) {
                out.sample(family, [zone, &v.id], value);
            }
        }
    }
}

fn render_snapshots(out: &mut Writer, snapshot: &Snapshot) {
    let snapshots = || {
        each(snapshot).flat_map(|(target, items)| {
            match items {
                Items::Snapshots(snapshots) => snapshots.as_slice(),
                _ => &[],
            }
            .iter()
            .map(move |s| (target.zone.as_str(), s))
        })
    };
    out.family(&SNAPSHOT_INFO);
    for (zone, s) in snapshots() {
        let values = [
            zone,
            &s.id,
            &s.name,
            &s.snapshot_type,
            &s.status,
            &s.project_id,
            &s.volume_id,
        ];
        out.sample(&SNAPSHOT_INFO, values, 1);
    }
    out.family(&SNAPSHOT_SIZE);
    for (zone, s) in snapshots() {
        if let Some(size) = s.size {
            out.sample(&SNAPSHOT_SIZE, [zone, &s.id], size);
        }
    }
    out.family(&SNAPSHOT_CREATED);
    for (zone, s) in snapshots() {
        if let Some(created) = s.created {
            out.sample(&SNAPSHOT_CREATED, [zone, &s.id], created);
        }
    }
}
