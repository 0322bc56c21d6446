//! The families of Apple silicon servers: `scaleway_apple_silicon_server_…`.

use super::super::descriptors::{AnyDescriptor, Descriptor, SERVER_LABELS};
use super::super::writer::Writer;
use super::{
    created_family, info_family, ip_family, own_family, state_family, tag_family, with,
    write_addresses, write_seconds, write_states, write_tags,
};
use crate::inventory::{AppleSiliconDetail, Snapshot};
use crate::product::{Product, Spec};

const APPLE_SILICON: Product = Product::AppleSilicon;
const SPEC: &Spec = APPLE_SILICON.spec();

pub const INFO: Descriptor<7> = info_family!(
    SPEC,
    "",
    ["type", "os_name", "project_id", "organization_id"]
);
pub const STATE: Descriptor<4> = state_family!(SPEC);
pub const CREATED: Descriptor<3> = created_family!(SPEC);
pub const DELETABLE: Descriptor<3> =
    own_family!(SPEC,
    "deletable_timestamp_seconds",
    "The earliest the Apple silicon server may be deleted (its minimum lease), in Unix seconds.",
    &SERVER_LABELS
);
pub const TAG: Descriptor<4> = tag_family!(SPEC);
pub const IP: Descriptor<5> = ip_family!(SPEC, "", ["address", "family"]);

/// Every family of Apple silicon, in the order of the exposition.
pub const FAMILIES: &[AnyDescriptor] = &[
    INFO.erase(),
    STATE.erase(),
    CREATED.erase(),
    DELETABLE.erase(),
    TAG.erase(),
    IP.erase(),
];

pub(super) fn render(out: &mut Writer, snapshot: &Snapshot) {
    let servers = || snapshot.servers_of(APPLE_SILICON);
    let each = || snapshot.servers_with::<AppleSiliconDetail>();
    out.family(&INFO);
    for (zone, s, d) in each() {
        let extra = [
            s.server_type.as_str(),
            &d.os_name,
            &s.project_id,
            &s.organization_id,
        ];
        out.sample(&INFO, with(zone, s, extra), 1);
    }
    write_states(out, &STATE, APPLE_SILICON, servers());
    write_seconds(out, &CREATED, servers().map(|(z, s)| (z, s, s.created)));
    write_seconds(out, &DELETABLE, each().map(|(z, s, d)| (z, s, d.deletable)));
    write_tags(out, &TAG, servers());
    write_addresses(out, &IP, servers());
}
