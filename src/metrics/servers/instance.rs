//! The families of Instances: `scaleway_server_…`, the first the exporter had.

use super::super::descriptors::{per_server, AnyDescriptor, Descriptor, SERVER_LABELS};
use super::super::writer::Writer;
use super::{
    created_family, info_family, ip_family, labels, own_family, state_family, tag_family, with,
    write_seconds, write_states, write_tags,
};
use crate::inventory::{InstanceDetail, Snapshot};
use crate::product::{Product, Spec};

const INSTANCE: Product = Product::Instance;
const SPEC: &Spec = INSTANCE.spec();

pub const INFO: Descriptor<9> = info_family!(
    SPEC,
    "",
    [
        "commercial_type",
        "arch",
        "image_name",
        "project_id",
        "organization_id",
        "boot_type",
    ]
);
pub const STATE: Descriptor<4> = state_family!(SPEC);
pub const CREATED: Descriptor<3> = created_family!(SPEC);
pub const MODIFIED: Descriptor<3> = own_family!(
    SPEC,
    "modified_timestamp_seconds",
    "Last modification date of the server, in Unix seconds.",
    &SERVER_LABELS
);
pub const VOLUME_SIZE: Descriptor<7> = own_family!(
    SPEC,
    "volume_size_bytes",
    "Size of a volume attached to the server, in bytes (no series when the size is unknown).",
    &per_server(["volume_id", "volume_index", "volume_type", "volume_name"])
);
pub const TAG: Descriptor<4> = tag_family!(SPEC);
pub const IP: Descriptor<6> = ip_family!(SPEC, "", ["address", "family", "scope"]);
pub const MAINTENANCE: Descriptor<4> = own_family!(
    SPEC,
    "maintenance_info",
    "One series of value 1 per maintenance scheduled on the server, one per distinct reason.",
    &per_server(["reason"])
);
pub const MAINTENANCE_START: Descriptor<4> = own_family!(SPEC,
    "maintenance_start_timestamp_seconds",
    "Start of a maintenance scheduled on the server, in Unix seconds, the earliest when a reason repeats (no series when the API gives none).",
    &per_server(["reason"])
);
pub const END_OF_SERVICE: Descriptor<3> = own_family!(SPEC,
    "end_of_service",
    "1 when the server's commercial type has reached end of service, as the server itself says, else 0.",
    &SERVER_LABELS
);

/// Every family of Instances, in the order of the exposition.
pub const FAMILIES: &[AnyDescriptor] = &[
    INFO.erase(),
    STATE.erase(),
    CREATED.erase(),
    MODIFIED.erase(),
    VOLUME_SIZE.erase(),
    TAG.erase(),
    IP.erase(),
    MAINTENANCE.erase(),
    MAINTENANCE_START.erase(),
    END_OF_SERVICE.erase(),
];

pub(super) fn render(out: &mut Writer, snapshot: &Snapshot) {
    let each = || snapshot.servers_with::<InstanceDetail>();
    out.family(&INFO);
    for (zone, s, d) in each() {
        let extra = [
            s.server_type.as_str(),
            &d.arch,
            &d.image_name,
            &s.project_id,
            &s.organization_id,
            &d.boot_type,
        ];
        out.sample(&INFO, with(zone, s, extra), 1);
    }
    write_states(out, &STATE, INSTANCE, snapshot.servers_of(INSTANCE));
    write_seconds(out, &CREATED, each().map(|(z, s, _)| (z, s, s.created)));
    write_seconds(out, &MODIFIED, each().map(|(z, s, d)| (z, s, d.modified)));
    out.family(&VOLUME_SIZE);
    for (zone, s, d) in each() {
        for v in &d.volumes {
            if let Some(size) = v.size {
                let extra = [v.id.as_str(), &v.index, &v.volume_type, &v.name];
                out.sample(&VOLUME_SIZE, with(zone, s, extra), size);
            }
        }
    }
    write_tags(out, &TAG, snapshot.servers_of(INSTANCE));
    out.family(&IP);
    for (zone, s) in snapshot.servers_of(INSTANCE) {
        for ip in &s.addresses {
            let extra = [ip.address.as_str(), ip.family.as_str(), ip.scope.as_str()];
            out.sample(&IP, with(zone, s, extra), 1);
        }
    }
    render_maintenances(out, snapshot);
    out.family(&END_OF_SERVICE);
    for (zone, s, d) in each() {
        let value = u8::from(d.end_of_service);
        out.sample(&END_OF_SERVICE, labels(zone, s), value);
    }
}

/// The maintenances scheduled on each server, and their start when the API gives one.
fn render_maintenances(out: &mut Writer, snapshot: &Snapshot) {
    let each = || snapshot.servers_with::<InstanceDetail>();
    out.family(&MAINTENANCE);
    for (zone, s, d) in each() {
        for m in &d.maintenances {
            out.sample(&MAINTENANCE, with(zone, s, [&m.reason]), 1);
        }
    }
    out.family(&MAINTENANCE_START);
    for (zone, s, d) in each() {
        for m in &d.maintenances {
            if let Some(start) = m.start {
                out.sample(&MAINTENANCE_START, with(zone, s, [&m.reason]), start);
            }
        }
    }
}
