//! What a zone holds beside its servers, and may leave behind still billed: volumes, flexible
//! IPs and snapshots (docs/design.md#leftovers). Each [`Resource`] of the API model becomes
//! items of one of three kinds, whatever API it comes from, so that the metrics and the
//! dashboards read "volumes", "IPs" and "snapshots" once. Each read is best effort: a failed
//! one keeps the zone's last good items and fails nothing else.

use std::sync::Arc;

use super::{unix_seconds, Family};
use crate::api::{model, ApiError};
use crate::product::{Kind, Resource};

/// A volume of a zone: of Block Storage (every one), or of Instances (those no server holds).
#[derive(Debug, Clone, PartialEq)]
pub struct VolumeItem {
    pub id: String,
    pub name: String,
    /// `sbs_5k`, `l_ssd`, `b_ssd`, ...
    pub volume_type: String,
    pub status: String,
    pub project_id: String,
    /// Bytes; `None` when the API gave no readable size.
    pub size: Option<u64>,
    /// Held by a server (a Block reference, an Instance `server`).
    pub attached: bool,
    /// When it was last detached, Unix seconds, when the API says (Block Storage only).
    pub detached: Option<f64>,
    pub created: Option<f64>,
}

/// A flexible IP of a zone, of Instances or of Elastic Metal.
#[derive(Debug, Clone, PartialEq)]
pub struct IpItem {
    pub id: String,
    /// The address, or the prefix of a routed IPv6 (a CIDR).
    pub address: String,
    pub family: Family,
    /// `routed_ipv4`, `routed_ipv6`, `nat` (Instances), `flexible` (Elastic Metal).
    pub ip_type: String,
    pub project_id: String,
    /// The server it points at; empty when none.
    pub server_id: String,
}

impl IpItem {
    /// Pointing at a server. A `nat` IP may say `attached` with no server: it is not.
    pub fn attached(&self) -> bool {
        !self.server_id.is_empty()
    }
}

/// A snapshot of a zone, of Block Storage or of Instances.
#[derive(Debug, Clone, PartialEq)]
pub struct SnapshotItem {
    pub id: String,
    pub name: String,
    /// The snapshotted volume's type (`l_ssd`, `sbs_15k`), or its class when that is gone.
    pub snapshot_type: String,
    pub status: String,
    pub project_id: String,
    pub size: Option<u64>,
    pub created: Option<f64>,
    /// The volume it was taken of; empty once that volume is deleted.
    pub volume_id: String,
}

/// The items of one resource of a zone.
#[derive(Debug, Clone, PartialEq)]
pub enum Items {
    Volumes(Vec<VolumeItem>),
    Ips(Vec<IpItem>),
    Snapshots(Vec<SnapshotItem>),
}

impl Items {
    /// No items of `resource`'s kind.
    pub fn none(resource: Resource) -> Items {
        match resource.kind() {
            Kind::Volume => Items::Volumes(Vec::new()),
            Kind::Ip => Items::Ips(Vec::new()),
            Kind::Snapshot => Items::Snapshots(Vec::new()),
        }
    }

    pub fn len(&self) -> usize {
        match self {
            Items::Volumes(items) => items.len(),
            Items::Ips(items) => items.len(),
            Items::Snapshots(items) => items.len(),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// What became of a resource's read at its zone's last poll that got as far as it.
#[derive(Debug, Clone, PartialEq)]
pub enum ReadOutcome {
    Read,
    /// The service is not in the zone (Block Storage: 404 or 501): nothing to read.
    NotServed(ApiError),
    /// The read failed: the items are those of the last good read (none before one).
    Failed(ApiError),
}

impl ReadOutcome {
    /// `scaleway_exporter_resource_success`: read, or nothing to read.
    pub fn success(&self) -> bool {
        !matches!(self, ReadOutcome::Failed(_))
    }
}

/// A resource of a zone, as the snapshot knows it.
#[derive(Debug, Clone, PartialEq)]
pub struct ResourceState {
    /// The items of the last good read; shared between snapshots until replaced.
    pub items: Arc<Items>,
    pub outcome: ReadOutcome,
}

impl ResourceState {
    /// The state after a read: fresh items replace the last, a zone that does not have the
    /// service has none, a failure keeps them.
    pub(super) fn after(
        before: Option<&ResourceState>,
        resource: Resource,
        read: Result<Items, ApiError>,
    ) -> ResourceState {
        let last = || before.map_or_else(|| Arc::new(Items::none(resource)), |b| b.items.clone());
        match read {
            Ok(items) => ResourceState {
                items: Arc::new(items),
                outcome: ReadOutcome::Read,
            },
            Err(error) if resource.may_be_absent() && matches!(error.status(), Some(404 | 501)) => {
                ResourceState {
                    items: Arc::new(Items::none(resource)),
                    outcome: ReadOutcome::NotServed(error),
                }
            }
            Err(error) => ResourceState {
                items: last(),
                outcome: ReadOutcome::Failed(error),
            },
        }
    }
}

fn seconds(date: Option<&str>) -> Option<f64> {
    date.and_then(unix_seconds)
}

impl From<model::BlockVolume> for VolumeItem {
    fn from(v: model::BlockVolume) -> Self {
        VolumeItem {
            attached: !v.references.is_empty(),
            detached: seconds(v.last_detached_at.as_deref()),
            created: seconds(v.created_at.as_deref()),
            id: v.id,
            name: v.name,
            volume_type: v.volume_type,
            status: v.status,
            project_id: v.project_id,
            size: v.size,
        }
    }
}

impl From<model::InstanceVolume> for VolumeItem {
    fn from(v: model::InstanceVolume) -> Self {
        VolumeItem {
            attached: v.server.is_some(),
            detached: None,
            created: seconds(v.creation_date.as_deref()),
            id: v.id,
            name: v.name,
            volume_type: v.volume_type,
            status: v.state,
            project_id: v.project,
            size: v.size,
        }
    }
}

impl From<model::InstanceIp> for IpItem {
    fn from(ip: model::InstanceIp) -> Self {
        let address = ip.address.or(ip.prefix).unwrap_or_default();
        IpItem {
            family: Family::of(&address),
            address,
            ip_type: ip.ip_type,
            project_id: ip.project,
            server_id: ip.server.map(|s| s.id).unwrap_or_default(),
            id: ip.id,
        }
    }
}

impl From<model::FlexibleIp> for IpItem {
    fn from(ip: model::FlexibleIp) -> Self {
        IpItem {
            family: Family::of(&ip.ip_address),
            address: ip.ip_address,
            ip_type: "flexible".to_owned(),
            project_id: ip.project_id,
            server_id: ip.server_id.unwrap_or_default(),
            id: ip.id,
        }
    }
}

impl From<model::BlockSnapshot> for SnapshotItem {
    fn from(s: model::BlockSnapshot) -> Self {
        let (snapshot_type, volume_id) = match s.parent_volume {
            Some(parent) => (parent.volume_type, parent.id),
            None => (s.class, String::new()),
        };
        SnapshotItem {
            created: seconds(s.created_at.as_deref()),
            id: s.id,
            name: s.name,
            snapshot_type,
            status: s.status,
            project_id: s.project_id,
            size: s.size,
            volume_id,
        }
    }
}

impl From<model::InstanceSnapshot> for SnapshotItem {
    fn from(s: model::InstanceSnapshot) -> Self {
        SnapshotItem {
            created: seconds(s.creation_date.as_deref()),
            id: s.id,
            name: s.name,
            snapshot_type: s.volume_type,
            status: s.state,
            project_id: s.project,
            size: s.size,
            volume_id: s.base_volume.map(|v| v.id).unwrap_or_default(),
        }
    }
}

/// Items from what the API listed: Instance volumes that a server holds are left out (they
/// are its server's volumes); every other item is kept, each id once.
pub fn volumes_from(listed: Vec<VolumeItem>, keep_attached: bool) -> Items {
    let mut seen = std::collections::HashSet::new();
    let items = listed
        .into_iter()
        .filter(|v| keep_attached || !v.attached)
        .filter(|v| seen.insert(v.id.clone()))
        .collect();
    Items::Volumes(items)
}

/// IPs from what the API listed, each id once.
pub fn ips_from(listed: Vec<IpItem>) -> Items {
    let mut seen = std::collections::HashSet::new();
    Items::Ips(
        listed
            .into_iter()
            .filter(|i| seen.insert(i.id.clone()))
            .collect(),
    )
}

/// Snapshots from what the API listed, each id once.
pub fn snapshots_from(listed: Vec<SnapshotItem>) -> Items {
    let mut seen = std::collections::HashSet::new();
    Items::Snapshots(
        listed
            .into_iter()
            .filter(|s| seen.insert(s.id.clone()))
            .collect(),
    )
}
