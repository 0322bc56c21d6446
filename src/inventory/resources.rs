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

#[cfg(test)]
mod tests {
    use super::*;

    fn parsed<T: serde::de::DeserializeOwned>(json: &str) -> T {
        serde_json::from_str(json).expect("the test's JSON parses")
    }

    #[test]
    fn a_nat_ip_that_says_attached_with_no_server_is_not_attached() {
        let ip: IpItem = parsed::<model::InstanceIp>(
            r#"{"id":"i","address":"51.15.0.1","prefix":null,"server":null,"project":"p",
                "type":"nat","state":"attached"}"#,
        )
        .into();
        assert!(!ip.attached());
        assert_eq!(ip.family, Family::Inet);
        let held: IpItem = parsed::<model::InstanceIp>(
            r#"{"id":"j","address":"51.15.0.2","server":{"id":"s","name":"web"},
                "project":"p","type":"routed_ipv4","state":"attached"}"#,
        )
        .into();
        assert!(held.attached());
        assert_eq!(held.server_id, "s");
    }

    #[test]
    fn a_routed_ipv6_without_address_is_its_prefix() {
        let ip: IpItem = parsed::<model::InstanceIp>(
            r#"{"id":"i","address":null,"prefix":"2001:bc8:710:7074::/64","server":null,
                "project":"p","type":"routed_ipv6","state":"detached"}"#,
        )
        .into();
        assert_eq!(ip.address, "2001:bc8:710:7074::/64");
        assert_eq!(ip.family, Family::Inet6);
        let flexible: IpItem = parsed::<model::FlexibleIp>(
            r#"{"id":"f","ip_address":"2001:bc8:702:6b7::/64","server_id":null,"project_id":"p"}"#,
        )
        .into();
        assert_eq!(
            (flexible.family, flexible.attached()),
            (Family::Inet6, false)
        );
    }

    #[test]
    fn a_block_volume_is_attached_by_its_references_and_keeps_its_detach_date() {
        let free: VolumeItem = parsed::<model::BlockVolume>(
            r#"{"id":"v","name":"data","type":"sbs_5k","size":20000000000,"project_id":"p",
                "references":[],"status":"available","created_at":"2026-01-02T00:00:00Z",
                "last_detached_at":"2026-02-01T00:00:00Z"}"#,
        )
        .into();
        assert!(!free.attached);
        assert_eq!(free.detached, Some(1_769_904_000.0));
        assert_eq!(free.size, Some(20_000_000_000));
        let held: VolumeItem = parsed::<model::BlockVolume>(
            r#"{"id":"w","type":"sbs_15k","status":"in_use","last_detached_at":null,
                "references":[{"product_resource_type":"instance_server","type":"exclusive","status":"attached"}]}"#,
        )
        .into();
        assert!(held.attached);
        assert_eq!(held.detached, None);
    }

    #[test]
    fn instance_volumes_a_server_holds_are_left_out_and_block_ones_kept() {
        let volume = |id: &str, attached: bool| VolumeItem {
            id: id.to_owned(),
            name: String::new(),
            volume_type: "b_ssd".to_owned(),
            status: "available".to_owned(),
            project_id: "p".to_owned(),
            size: Some(1),
            attached,
            detached: None,
            created: None,
        };
        let listed = || {
            vec![
                volume("held", true),
                volume("free", false),
                volume("free", false),
            ]
        };
        let ids = |items: Items| match items {
            Items::Volumes(v) => v.into_iter().map(|v| v.id).collect::<Vec<_>>(),
            other => panic!("volumes expected, got {other:?}"),
        };
        assert_eq!(ids(volumes_from(listed(), false)), ["free"]);
        assert_eq!(ids(volumes_from(listed(), true)), ["held", "free"]);
    }

    #[test]
    fn a_snapshot_whose_volume_is_deleted_keeps_its_class_and_no_volume() {
        let orphan: SnapshotItem = parsed::<model::BlockSnapshot>(
            r#"{"id":"s","name":"before-upgrade","parent_volume":null,"size":10000000000,
                "project_id":"p","created_at":"2025-06-01T10:00:00Z","status":"available","class":"sbs"}"#,
        )
        .into();
        assert_eq!(
            (orphan.snapshot_type.as_str(), orphan.volume_id.as_str()),
            ("sbs", "")
        );
        assert_eq!(orphan.created, Some(1_748_772_000.0));
    }
}
