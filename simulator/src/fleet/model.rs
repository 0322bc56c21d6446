//! The current Instance API's shapes, with fields in the order the API sends them.

use serde::ser::{SerializeMap, Serializer};
use serde::Serialize;

/// A server object as `GET /instance/v1/zones/{zone}/servers` returns it (2026 shape).
#[derive(Serialize, Clone, Debug)]
pub(crate) struct Server {
    pub id: String,
    pub name: String,
    pub arch: &'static str,
    pub commercial_type: &'static str,
    pub boot_type: &'static str,
    pub organization: String,
    pub project: String,
    pub hostname: String,
    pub image: Option<Image>,
    pub volumes: VolumeMap,
    pub tags: Vec<String>,
    pub state: String,
    pub protected: bool,
    pub state_detail: String,
    pub public_ip: Option<PublicIp>,
    pub public_ips: Vec<PublicIp>,
    pub mac_address: String,
    pub routed_ip_enabled: bool,
    pub ipv6: Option<()>,
    pub extra_networks: Vec<String>,
    pub dynamic_ip_required: bool,
    pub enable_ipv6: bool,
    pub private_ip: Option<String>,
    pub creation_date: String,
    pub modification_date: String,
    pub bootscript: Option<()>,
    pub security_group: SecurityGroup,
    pub location: Option<Location>,
    pub maintenances: Vec<Maintenance>,
    pub allowed_actions: &'static [&'static str],
    pub placement_group: Option<PlacementGroup>,
    pub private_nics: Vec<PrivateNic>,
    pub zone: String,
    pub filesystems: Vec<()>,
    pub end_of_service: bool,
    pub dns: String,
}

/// A planned maintenance (`ServerMaintenance` in the Go SDK).
#[derive(Serialize, Clone, Debug, PartialEq, Eq)]
pub(crate) struct Maintenance {
    pub reason: String,
    pub start_date: Option<String>,
}

#[derive(Serialize, Clone, Debug)]
pub(crate) struct Image {
    pub id: String,
    pub name: String,
    pub organization: String,
    pub project: String,
    pub root_volume: RootVolume,
    pub extra_volumes: EmptyMap,
    pub public: bool,
    pub arch: &'static str,
    pub creation_date: String,
    pub modification_date: String,
    pub default_bootscript: Option<()>,
    pub from_server: &'static str,
    pub state: &'static str,
    pub tags: Vec<String>,
    pub zone: String,
}

#[derive(Serialize, Clone, Debug)]
pub(crate) struct RootVolume {
    pub volume_type: &'static str,
    pub id: String,
    pub size: u64,
    pub name: String,
}

/// `{}`.
#[derive(Clone, Copy, Debug, Default)]
pub(crate) struct EmptyMap;

impl Serialize for EmptyMap {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_map(Some(0))?.end()
    }
}

/// The `volumes` map, serialised in the stored key order (the API does not sort: `"1"` can
/// come before `"0"`).
#[derive(Clone, Debug, Default)]
pub(crate) struct VolumeMap(pub Vec<(String, Volume)>);

impl Serialize for VolumeMap {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut map = s.serialize_map(Some(self.0.len()))?;
        for (k, v) in &self.0 {
            map.serialize_entry(k, v)?;
        }
        map.end()
    }
}

#[derive(Serialize, Clone, Debug)]
#[serde(untagged)]
pub(crate) enum Volume {
    Local(LocalVolume),
    Sbs(SbsVolume),
}

/// `l_ssd`, `b_ssd` and `scratch` entries: full objects with a size.
#[derive(Serialize, Clone, Debug)]
pub(crate) struct LocalVolume {
    pub boot: bool,
    pub id: String,
    pub name: String,
    pub volume_type: &'static str,
    pub export_uri: Option<()>,
    pub organization: String,
    pub project: String,
    pub server: ServerRef,
    pub size: u64,
    pub state: &'static str,
    pub creation_date: String,
    pub modification_date: String,
    pub tags: Vec<String>,
    pub zone: String,
}

/// `sbs_volume` entries: no size, and sometimes no state or zone either (docs/api-notes.md#sbs_volume-without-size-and-the-block-storage-list).
#[derive(Serialize, Clone, Debug)]
pub(crate) struct SbsVolume {
    pub boot: bool,
    pub volume_type: &'static str,
    pub id: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub state: Option<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub zone: Option<String>,
}

#[derive(Serialize, Clone, Debug)]
pub(crate) struct ServerRef {
    pub id: String,
    pub name: String,
}

#[derive(Serialize, Clone, Debug)]
pub(crate) struct PublicIp {
    pub id: String,
    pub address: String,
    pub dynamic: bool,
    pub gateway: Option<String>,
    pub netmask: &'static str,
    pub family: &'static str,
    pub provisioning_mode: &'static str,
    pub tags: Vec<String>,
    pub state: &'static str,
    pub ipam_id: Option<String>,
}

#[derive(Serialize, Clone, Debug)]
pub(crate) struct SecurityGroup {
    pub id: String,
    pub name: String,
}

#[derive(Serialize, Clone, Debug)]
pub(crate) struct Location {
    pub zone_id: String,
    pub platform_id: String,
    pub cluster_id: String,
    pub hypervisor_id: String,
    pub node_id: String,
}

#[derive(Serialize, Clone, Debug)]
pub(crate) struct PlacementGroup {
    pub id: String,
    pub name: String,
    pub organization: String,
    pub project: String,
    pub tags: Vec<String>,
    pub policy_mode: &'static str,
    pub policy_type: &'static str,
    pub policy_respected: bool,
    pub zone: String,
}

#[derive(Serialize, Clone, Debug)]
pub(crate) struct PrivateNic {
    pub id: String,
    pub private_network_id: String,
    pub server_id: String,
    pub mac_address: String,
    pub state: &'static str,
    pub creation_date: String,
    pub modification_date: String,
    pub zone: String,
    pub tags: Vec<String>,
    pub ipam_ip_ids: Vec<String>,
}

/// A Block Storage volume (`GET /block/v1/zones/{zone}/volumes`), keys in the alphabetical
/// order the Go gateway emits, dates with `Z`.
#[derive(Serialize, Clone, Debug)]
pub(crate) struct BlockVolume {
    pub created_at: String,
    pub id: String,
    pub kms_key_id: Option<()>,
    pub last_detached_at: Option<String>,
    pub name: String,
    pub parent_snapshot_id: Option<String>,
    pub project_id: String,
    pub references: Vec<BlockReference>,
    pub size: u64,
    pub specs: BlockSpecs,
    pub status: &'static str,
    pub tags: Vec<String>,
    #[serde(rename = "type")]
    pub volume_type: &'static str,
    pub updated_at: String,
    pub zone: String,
}

#[derive(Serialize, Clone, Debug)]
pub(crate) struct BlockReference {
    pub created_at: String,
    pub id: String,
    pub product_resource_id: String,
    pub product_resource_type: &'static str,
    pub status: &'static str,
    #[serde(rename = "type")]
    pub reference_type: &'static str,
}

#[derive(Serialize, Clone, Debug)]
pub(crate) struct BlockSpecs {
    pub class: &'static str,
    pub perf_iops: u32,
}
