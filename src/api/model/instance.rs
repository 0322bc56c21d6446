//! The Instance API: the servers of `GET /instance/v1/zones/{zone}/servers` and of the legacy
//! `GET /servers` (same envelope, [`super::ServersPage`]); the zone's volumes, flexible IPs
//! and snapshots are in `instance/resources.rs`.

use std::collections::BTreeMap;

use serde::Deserialize;

use super::{lenient_size, null_as_default};

#[serde_with::apply(_ => #[serde(default, deserialize_with = "null_as_default")])]
#[derive(Debug, Clone, Deserialize)]
pub struct Server {
    #[serde_with(skip_apply)]
    pub id: String,
    pub name: String,
    pub organization: String,
    /// Absent before July 2020.
    pub project: String,
    /// Absent in the 2014 API.
    pub commercial_type: String,
    pub arch: String,
    /// `null` when the server boots from a volume or its image was deleted.
    pub image: Option<Image>,
    /// Absent in the 2014 API, which has `running` instead.
    pub state: Option<String>,
    /// The 2014 Online Labs API: `true` for running, `false` for stopped.
    pub running: Option<bool>,
    pub creation_date: Option<String>,
    pub modification_date: Option<String>,
    /// A map keyed `"0"`, `"1"`, ... in any order; `{}` happens.
    pub volumes: BTreeMap<String, Volume>,
    pub tags: Vec<String>,
    /// Deprecated: the first public address only, or `null`.
    pub public_ip: Option<PublicIp>,
    /// Every public address (since 2023); `[]` when none.
    pub public_ips: Vec<PublicIp>,
    pub private_ip: Option<String>,
    /// Deprecated IPv6 block, `null` on most servers.
    pub ipv6: Option<Ipv6>,
    /// `local`, `rescue` or `bootscript`; absent in the 2014 API
    /// (docs/api-notes.md#maintenances-end-of-service-and-boot-type).
    pub boot_type: String,
    /// Planned maintenances, `[]` on nearly every server; absent in the 2014 API. The SDK
    /// lists pointers (`[]*ServerMaintenance`), so a `null` entry is read, then skipped.
    pub maintenances: Vec<Option<Maintenance>>,
    /// True when the server's commercial type has reached end of service; absent before 2025.
    pub end_of_service: bool,
}

/// One entry of `maintenances` (`ServerMaintenance` in the Go SDK: `reason`, `start_date`).
#[serde_with::apply(_ => #[serde(default, deserialize_with = "null_as_default")])]
#[derive(Debug, Clone, Deserialize)]
pub struct Maintenance {
    pub reason: String,
    /// RFC 3339; `null` when no start is planned yet.
    pub start_date: Option<String>,
}

#[serde_with::apply(_ => #[serde(default, deserialize_with = "null_as_default")])]
#[derive(Debug, Clone, Deserialize)]
pub struct Image {
    pub name: String,
}

#[serde_with::apply(_ => #[serde(default, deserialize_with = "null_as_default")])]
#[derive(Debug, Clone, Deserialize)]
pub struct Volume {
    pub id: String,
    pub volume_type: String,
    /// Absent on `sbs_volume` entries.
    pub name: String,
    /// Bytes; absent on `sbs_volume` entries (their size comes from the Block Storage API).
    #[serde_with(skip_apply)]
    #[serde(default, deserialize_with = "lenient_size")]
    pub size: Option<u64>,
}

#[serde_with::apply(_ => #[serde(default, deserialize_with = "null_as_default")])]
#[derive(Debug, Clone, Deserialize)]
pub struct PublicIp {
    pub address: String,
    /// `inet` or `inet6`; absent on the deprecated `public_ip` before 2023.
    pub family: Option<String>,
}

#[serde_with::apply(_ => #[serde(default, deserialize_with = "null_as_default")])]
#[derive(Debug, Clone, Deserialize)]
pub struct Ipv6 {
    pub address: String,
}

#[path = "instance/resources.rs"]
mod resources;
pub use resources::*;
