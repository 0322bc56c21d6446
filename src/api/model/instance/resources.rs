//! What an Instance zone holds beside its servers (docs/api-notes.md#leftovers): its volumes
//! (`GET /instance/v1/zones/{zone}/volumes`), flexible IPs (`…/ips`) and snapshots
//! (`…/snapshots`). Each list is `{"<key>": [...]}` with its total in `X-Total-Count`.

use serde::Deserialize;

use super::super::{lenient_size, null_as_default, Listed};

/// `{"id", "name"}` of what an item points at: a server, a base volume.
#[serde_with::apply(_ => #[serde(default, deserialize_with = "null_as_default")])]
#[derive(Debug, Clone, Default, Deserialize)]
pub struct Reference {
    pub id: String,
    pub name: String,
}

#[serde_with::apply(_ => #[serde(default, deserialize_with = "null_as_default")])]
#[derive(Debug, Clone, Deserialize)]
pub struct InstanceVolume {
    #[serde_with(skip_apply)]
    pub id: String,
    pub name: String,
    /// `l_ssd`, `b_ssd`, `scratch`, `sbs_volume`, ...
    pub volume_type: String,
    pub project: String,
    /// The server that holds it; `null` for a volume no server holds.
    pub server: Option<Reference>,
    #[serde_with(skip_apply)]
    #[serde(default, deserialize_with = "lenient_size")]
    pub size: Option<u64>,
    /// `available`, ...; `migrating` was recorded though the SDK does not name it.
    pub state: String,
    pub creation_date: Option<String>,
    pub modification_date: Option<String>,
}

impl Listed for InstanceVolume {
    const KEY: &'static str = "volumes";
}

#[serde_with::apply(_ => #[serde(default, deserialize_with = "null_as_default")])]
#[derive(Debug, Clone, Deserialize)]
pub struct InstanceIp {
    #[serde_with(skip_apply)]
    pub id: String,
    /// An IPv4 address; `null` for a `routed_ipv6`, whose value is its `prefix`.
    pub address: Option<String>,
    /// A CIDR, for `routed_ipv6`; `null` for IPv4.
    pub prefix: Option<String>,
    /// `routed_ipv4`, `routed_ipv6`, or the `nat` recorded until 2024.
    #[serde(rename = "type")]
    pub ip_type: String,
    /// `attached`, `detached`, ... A `nat` IP says `attached` with no server: whether it is
    /// attached is told by `server`, not by this.
    pub state: String,
    pub project: String,
    pub server: Option<Reference>,
}

impl Listed for InstanceIp {
    const KEY: &'static str = "ips";
}

#[serde_with::apply(_ => #[serde(default, deserialize_with = "null_as_default")])]
#[derive(Debug, Clone, Deserialize)]
pub struct InstanceSnapshot {
    #[serde_with(skip_apply)]
    pub id: String,
    pub name: String,
    pub volume_type: String,
    #[serde_with(skip_apply)]
    #[serde(default, deserialize_with = "lenient_size")]
    pub size: Option<u64>,
    pub state: String,
    pub project: String,
    /// The volume it was taken of.
    pub base_volume: Option<Reference>,
    pub creation_date: Option<String>,
}

impl Listed for InstanceSnapshot {
    const KEY: &'static str = "snapshots";
}
