//! The families of Dedibox servers: `scaleway_dedibox_server_…` (no tags: Dedibox lists
//! have none).

use super::super::descriptors::{AnyDescriptor, Descriptor, SERVER_LABELS};
use super::super::writer::Writer;
use super::{
    info_family, ip_family, own_family, state_family, with, write_addresses, write_seconds,
    write_states,
};
use crate::inventory::{DediboxDetail, Snapshot};
use crate::product::{Product, Spec};

const DEDIBOX: Product = Product::Dedibox;
const SPEC: &Spec = DEDIBOX.spec();

pub const INFO: Descriptor<7> = info_family!(
    SPEC,
    " (name is its hostname, server_id its number)",
    ["offer_name", "datacenter", "project_id", "organization_id"]
);
pub const STATE: Descriptor<4> = state_family!(SPEC);
pub const EXPIRATION: Descriptor<3> = own_family!(
    SPEC,
    "expiration_timestamp_seconds",
    "When the Dedibox server's term ends, in Unix seconds, when the API gives it.",
    &SERVER_LABELS
);
pub const IP: Descriptor<5> = ip_family!(SPEC, " (its BMC's excepted)", ["address", "family"]);

/// Every family of Dedibox, in the order of the exposition.
pub const FAMILIES: &[AnyDescriptor] =
    &[INFO.erase(), STATE.erase(), EXPIRATION.erase(), IP.erase()];

pub(super) fn render(out: &mut Writer, snapshot: &Snapshot) {
    let each = || snapshot.servers_with::<DediboxDetail>();
    out.family(&INFO);
    for (zone, s, d) in each() {
        let extra = [
            s.server_type.as_str(),
            &d.datacenter,
            &s.project_id,
            &s.organization_id,
        ];
        out.sample(&INFO, with(zone, s, extra), 1);
    }
    write_states(out, &STATE, DEDIBOX, snapshot.servers_of(DEDIBOX));
    write_seconds(
        out,
        &EXPIRATION,
        each().map(|(z, s, d)| (z, s, d.expiration)),
    );
    write_addresses(out, &IP, snapshot.servers_of(DEDIBOX));
}
