//! The Instance API: the servers of `GET /instance/v1/zones/{zone}/servers` and of the legacy
//! `GET /servers` (same envelope, [`super::ServersPage`]), and the Block Storage volumes list that gives `sbs_volume` sizes.

use std::collections::BTreeMap;

use serde::Deserialize;

use super::{lenient_size, null_as_default};

#[derive(Debug, Clone, Deserialize)]
pub struct Server {
    pub id: String,
    #[serde(default, deserialize_with = "null_as_default")]
    pub name: String,
    #[serde(default, deserialize_with = "null_as_default")]
    pub organization: String,
    /// Absent before July 2020.
    #[serde(default, deserialize_with = "null_as_default")]
    pub project: String,
    /// Absent in the 2014 API.
    #[serde(default, deserialize_with = "null_as_default")]
    pub commercial_type: String,
    #[serde(default, deserialize_with = "null_as_default")]
    pub arch: String,
    /// `null` when the server boots from a volume or its image was deleted.
    #[serde(default)]
    pub image: Option<Image>,
    /// Absent in the 2014 API, which has `running` instead.
    #[serde(default)]
    pub state: Option<String>,
    /// The 2014 Online Labs API: `true` for running, `false` for stopped.
    #[serde(default)]
    pub running: Option<bool>,
    #[serde(default)]
    pub creation_date: Option<String>,
    #[serde(default)]
    pub modification_date: Option<String>,
    /// A map keyed `"0"`, `"1"`, ... in any order; `{}` happens.
    #[serde(default, deserialize_with = "null_as_default")]
    pub volumes: BTreeMap<String, Volume>,
    #[serde(default, deserialize_with = "null_as_default")]
    pub tags: Vec<String>,
    /// Deprecated: the first public address only, or `null`.
    #[serde(default)]
    pub public_ip: Option<PublicIp>,
    /// Every public address (since 2023); `[]` when none.
    #[serde(default, deserialize_with = "null_as_default")]
    pub public_ips: Vec<PublicIp>,
    #[serde(default)]
    pub private_ip: Option<String>,
    /// Deprecated IPv6 block, `null` on most servers.
    #[serde(default)]
    pub ipv6: Option<Ipv6>,
    /// `local`, `rescue` or `bootscript`; absent in the 2014 API
    /// (docs/api-notes.md#maintenances-end-of-service-and-boot-type).
    #[serde(default, deserialize_with = "null_as_default")]
    pub boot_type: String,
    /// Planned maintenances, `[]` on nearly every server; absent in the 2014 API. The SDK
    /// lists pointers (`[]*ServerMaintenance`), so a `null` entry is read, then skipped.
    #[serde(default, deserialize_with = "null_as_default")]
    pub maintenances: Vec<Option<Maintenance>>,
    /// True when the server's commercial type has reached end of service; absent before 2025.
    #[serde(default, deserialize_with = "null_as_default")]
    pub end_of_service: bool,
}

/// One entry of `maintenances` (`ServerMaintenance` in the Go SDK: `reason`, `start_date`).
#[derive(Debug, Clone, Deserialize)]
pub struct Maintenance {
    #[serde(default, deserialize_with = "null_as_default")]
    pub reason: String,
    /// RFC 3339; `null` when no start is planned yet.
    #[serde(default)]
    pub start_date: Option<String>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct Image {
    #[serde(default, deserialize_with = "null_as_default")]
    pub name: String,
}

#[derive(Debug, Clone, Deserialize)]
pub struct Volume {
    #[serde(default, deserialize_with = "null_as_default")]
    pub id: String,
    #[serde(default, deserialize_with = "null_as_default")]
    pub volume_type: String,
    /// Absent on `sbs_volume` entries.
    #[serde(default, deserialize_with = "null_as_default")]
    pub name: String,
    /// Bytes; absent on `sbs_volume` entries (their size comes from the Block Storage API).
    #[serde(default, deserialize_with = "lenient_size")]
    pub size: Option<u64>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct PublicIp {
    #[serde(default, deserialize_with = "null_as_default")]
    pub address: String,
    /// `inet` or `inet6`; absent on the deprecated `public_ip` before 2023.
    #[serde(default)]
    pub family: Option<String>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct Ipv6 {
    #[serde(default, deserialize_with = "null_as_default")]
    pub address: String,
}

/// One page of `GET /block/v1/zones/{zone}/volumes`.
#[derive(Debug, Deserialize)]
pub struct BlockVolumesPage {
    #[serde(default)]
    pub total_count: Option<u64>,
    /// `null` is an empty list; a missing key stays an error, as for servers.
    #[serde(deserialize_with = "null_as_default")]
    pub volumes: Vec<BlockVolume>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct BlockVolume {
    pub id: String,
    #[serde(default, deserialize_with = "null_as_default")]
    pub name: String,
    #[serde(default, deserialize_with = "lenient_size")]
    pub size: Option<u64>,
    /// `sbs_5k`, `sbs_15k`, ...
    #[serde(default, rename = "type", deserialize_with = "null_as_default")]
    pub volume_type: String,
}
