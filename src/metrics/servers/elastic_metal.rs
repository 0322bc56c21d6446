//! The families of Elastic Metal servers: `scaleway_elastic_metal_server_…`.

use super::super::descriptors::{AnyDescriptor, Descriptor, SERVER_LABELS};
use super::super::writer::Writer;
use super::{
    created_family, info_family, ip_family, labels, own_family, state_family, tag_family, with,
    write_addresses, write_seconds, write_states, write_tags,
};
use crate::inventory::{ElasticMetalDetail, Snapshot};
use crate::product::{Product, Spec};

const ELASTIC_METAL: Product = Product::ElasticMetal;
const SPEC: &Spec = ELASTIC_METAL.spec();

pub const INFO: Descriptor<6> =
    info_family!(SPEC, "", ["offer_name", "project_id", "organization_id"]);
pub const STATE: Descriptor<4> = state_family!(SPEC);
pub const PING_UP: Descriptor<3> = own_family!(SPEC,
    "ping_up",
    "1 when Scaleway's ping of the Elastic Metal server says up, 0 down; no series when it does not know.",
    &SERVER_LABELS
);
pub const CREATED: Descriptor<3> = created_family!(SPEC);
pub const TAG: Descriptor<4> = tag_family!(SPEC);
pub const IP: Descriptor<5> = ip_family!(SPEC, "", ["address", "family"]);

/// Every family of Elastic Metal, in the order of the exposition.
pub const FAMILIES: &[AnyDescriptor] = &[
    INFO.erase(),
    STATE.erase(),
    PING_UP.erase(),
    CREATED.erase(),
    TAG.erase(),
    IP.erase(),
];

pub(super) fn render(out: &mut Writer, snapshot: &Snapshot) {
    let servers = || snapshot.servers_of(ELASTIC_METAL);
    out.family(&INFO);
    for (zone, s) in servers() {
        let extra = [s.server_type.as_str(), &s.project_id, &s.organization_id];
        out.sample(&INFO, with(zone, s, extra), 1);
    }
    write_states(out, &STATE, ELASTIC_METAL, servers());
    out.family(&PING_UP);
    for (zone, s, d) in snapshot.servers_with::<ElasticMetalDetail>() {
        if let Some(up) = d.ping_up {
            out.sample(&PING_UP, labels(zone, s), u8::from(up));
        }
    }
    write_seconds(out, &CREATED, servers().map(|(z, s)| (z, s, s.created)));
    write_tags(out, &TAG, servers());
    write_addresses(out, &IP, servers());
}
