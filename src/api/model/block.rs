//! Block Storage: `GET /block/v1/zones/{zone}/volumes` (which also gives the `sbs_volume`
//! sizes of the Instance servers) and `…/snapshots`; each `{"<key>": [...], "total_count"}`
//! (docs/api-notes.md#leftovers).

use serde::Deserialize;

use super::{lenient_size, null_as_default, Listed};

/// A page of Block Storage volumes.
pub type BlockVolumesPage = super::Page<BlockVolume>;

#[serde_with::apply(_ => #[serde(default, deserialize_with = "null_as_default")])]
#[derive(Debug, Clone, Default, Deserialize)]
pub struct BlockVolume {
    #[serde_with(skip_apply)]
    pub id: String,
    pub name: String,
    #[serde_with(skip_apply)]
    #[serde(default, deserialize_with = "lenient_size")]
    pub size: Option<u64>,
    /// `sbs_5k`, `sbs_15k`, ...
    #[serde(rename = "type")]
    pub volume_type: String,
    /// `available`, `in_use`, `creating`, ...
    pub status: String,
    pub project_id: String,
    /// What holds it: an Instance server's `exclusive` reference while attached; `[]` for a
    /// volume nothing holds.
    pub references: Vec<BlockReference>,
    /// `null` until its first detach.
    pub last_detached_at: Option<String>,
    pub created_at: Option<String>,
}

#[serde_with::apply(_ => #[serde(default, deserialize_with = "null_as_default")])]
#[derive(Debug, Clone, Default, Deserialize)]
pub struct BlockReference {
    /// `instance_server`, `instance_image`, ...
    pub product_resource_type: String,
    pub product_resource_id: String,
    /// `attached`, `attaching`, `detaching`, `error`, ...
    pub status: String,
}

impl Listed for BlockVolume {
    const KEY: &'static str = "volumes";
}

#[serde_with::apply(_ => #[serde(default, deserialize_with = "null_as_default")])]
#[derive(Debug, Clone, Deserialize)]
pub struct BlockSnapshot {
    #[serde_with(skip_apply)]
    pub id: String,
    pub name: String,
    /// `null` once the volume is deleted.
    pub parent_volume: Option<ParentVolume>,
    #[serde_with(skip_apply)]
    #[serde(default, deserialize_with = "lenient_size")]
    pub size: Option<u64>,
    pub project_id: String,
    pub status: String,
    /// `sbs`, ...
    pub class: String,
    pub created_at: Option<String>,
}

#[serde_with::apply(_ => #[serde(default, deserialize_with = "null_as_default")])]
#[derive(Debug, Clone, Default, Deserialize)]
pub struct ParentVolume {
    pub id: String,
    pub name: String,
    #[serde(rename = "type")]
    pub volume_type: String,
}

impl Listed for BlockSnapshot {
    const KEY: &'static str = "snapshots";
}

/// One type of `GET /block/v1/zones/{zone}/volume-types`: its price per GB and hour, for a
/// volume and for a snapshot of one (the SDK's shape: no recording of it exists).
#[serde_with::apply(_ => #[serde(default, deserialize_with = "null_as_default")])]
#[derive(Debug, Clone, Deserialize)]
pub struct BlockVolumeType {
    #[serde(rename = "type")]
    pub volume_type: String,
    pub pricing: Option<super::Money>,
    pub snapshot_pricing: Option<super::Money>,
}

impl Listed for BlockVolumeType {
    const KEY: &'static str = "volume_types";
}
