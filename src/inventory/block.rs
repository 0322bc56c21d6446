//! Block Storage sizes of `sbs_volume`s: what one read of a zone's list says
//! ([`BlockSizes`]), and what became of the read at a zone's poll ([`VolumeSizes`],
//! [`ZonePoll`]). The read is best effort: none of its outcomes fails the zone
//! (docs/design.md#block-storage-is-best-effort).

use std::collections::HashMap;

use super::{Detail, Items, Server};
use crate::api::{model, ApiError};
use crate::product::Resource;

/// What one read of a zone's Block Storage list says of its volumes: size and name by volume
/// id. A zone keeps the last good one, for the polls where Block Storage fails.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct BlockSizes(HashMap<String, (Option<u64>, String)>);

impl BlockSizes {
    pub fn from_api(block_volumes: &[model::BlockVolume]) -> Self {
        Self::of(
            block_volumes
                .iter()
                .map(|v| (v.id.as_str(), v.size, v.name.as_str())),
        )
    }

    /// The sizes and names of these volumes (id, size, name), by id.
    pub fn of<'a>(volumes: impl Iterator<Item = (&'a str, Option<u64>, &'a str)>) -> Self {
        BlockSizes(
            volumes
                .map(|(id, size, name)| (id.to_owned(), (size, name.to_owned())))
                .collect(),
        )
    }

    /// True when a volume of `servers` has no size that the Block Storage list could give.
    pub fn needed_by(servers: &[Server]) -> bool {
        servers
            .iter()
            .flat_map(Server::volumes)
            .any(|v| v.size.is_none() && v.volume_type == "sbs_volume")
    }

    /// Gives each volume it knows, and whose server object says none, its size and name.
    pub fn apply(&self, servers: &mut [Server]) {
        if self.0.is_empty() {
            return;
        }
        let volumes = servers.iter_mut().flat_map(|s| match &mut s.detail {
            Detail::Instance(instance) => instance.volumes.as_mut_slice(),
            _ => &mut [],
        });
        for volume in volumes {
            if let Some((size, name)) = self.0.get(volume.id.as_str()) {
                volume.size = volume.size.or(*size);
                if volume.name.is_empty() {
                    volume.name.clone_from(name);
                }
            }
        }
    }
}

/// What became of the Block Storage sizes at a zone's poll.
#[derive(Debug, Clone, PartialEq)]
pub enum VolumeSizes {
    /// No volume needed them: none is an `sbs_volume` without a size, or the API is legacy.
    NotNeeded,
    /// Read at this poll.
    Read,
    /// Block Storage does not serve the zone (HTTP 404 or 501): there is nothing to read,
    /// and its `sbs_volume`s have no size.
    NotServed(ApiError),
    /// The read failed: the sizes are those of the zone's last good read, if any.
    Failed(ApiError),
}

impl VolumeSizes {
    /// True when the sizes are as good as this poll could make them.
    pub fn success(&self) -> bool {
        !matches!(self, VolumeSizes::Failed { .. })
    }
}

/// A zone's successful poll: its servers, whether their listing is complete, and what became
/// of their Block Storage sizes.
#[derive(Debug, Clone)]
pub struct ZonePoll {
    /// Each id once, in API order.
    pub servers: Vec<Server>,
    /// False when the listing has fewer distinct servers than a page announced: the snapshot
    /// then keeps the servers it missed (docs/design.md#a-server-missed-while-paging).
    pub complete: bool,
    pub volume_sizes: VolumeSizes,
    /// The zone's Block Storage sizes, when this poll read them.
    pub block_sizes: Option<BlockSizes>,
    /// What was read beside the servers (volumes, flexible IPs, snapshots), each read on its
    /// own, best effort.
    pub resources: Vec<(Resource, Result<Items, ApiError>)>,
}

/// The poll of a complete listing whose servers needed no Block Storage read.
impl From<Vec<Server>> for ZonePoll {
    fn from(servers: Vec<Server>) -> Self {
        ZonePoll {
            servers,
            complete: true,
            volume_sizes: VolumeSizes::NotNeeded,
            block_sizes: None,
            resources: Vec::new(),
        }
    }
}

#[cfg(test)]
mod tests {
    use std::time::{Duration, SystemTime};

    use super::*;
    use crate::api::Endpoint;
    use crate::inventory::instance::servers_from_json;
    use crate::inventory::Snapshot;
    use crate::product::Product;

    const INSTANCE: Product = Product::Instance;

    fn failed() -> VolumeSizes {
        VolumeSizes::Failed(ApiError::Status {
            endpoint: Endpoint::Resource(crate::product::Resource::BlockVolumes),
            status: 500,
            kind: None,
            message: None,
            retry_after: None,
        })
    }

    /// A server in fr-par-1 with an sbs volume of each id, none with a size.
    fn sbs(ids: &[&str]) -> Vec<Server> {
        let volumes: Vec<String> = ids
            .iter()
            .enumerate()
            .map(|(i, id)| format!(r#""{i}":{{"id":"{id}","volume_type":"sbs_volume"}}"#))
            .collect();
        servers_from_json(&format!(
            r#"{{"servers":[{{"id":"s","volumes":{{{}}}}}]}}"#,
            volumes.join(",")
        ))
    }

    fn poll(
        snapshot: Snapshot,
        servers: Vec<Server>,
        volume_sizes: VolumeSizes,
        block_sizes: Option<BlockSizes>,
    ) -> Snapshot {
        let poll = ZonePoll {
            volume_sizes,
            block_sizes,
            ..ZonePoll::from(servers)
        };
        let at = SystemTime::UNIX_EPOCH + Duration::from_secs(100);
        snapshot.with_poll(INSTANCE, "fr-par-1", Ok(poll), at, Duration::ZERO)
    }

    fn zone(snapshot: &Snapshot) -> &crate::inventory::ZoneState {
        snapshot.zone(INSTANCE, "fr-par-1").unwrap()
    }

    fn sizes(snapshot: &Snapshot) -> Vec<Option<u64>> {
        zone(snapshot).servers[0]
            .volumes()
            .iter()
            .map(|v| v.size)
            .collect()
    }

    #[test]
    fn a_failed_block_read_gives_sbs_volumes_the_last_good_sizes_and_none_before_one() {
        let paris = || Snapshot::of([crate::product::ProductZone::new(INSTANCE, "fr-par-1")]);
        let never = poll(paris(), sbs(&["v1"]), failed(), None);
        assert_eq!(sizes(&never), [None], "none before a good read");
        assert_eq!(zone(&never).volume_sizes_succeeded(), Some(false));
        assert!(zone(&never).last_poll_succeeded());

        let read = BlockSizes::from_api(&[model::BlockVolume {
            id: "v1".into(),
            name: "data".into(),
            size: Some(7),
            volume_type: "sbs_5k".into(),
            ..model::BlockVolume::default()
        }]);
        let good = poll(never, sbs(&["v1"]), VolumeSizes::Read, Some(read));
        assert_eq!(zone(&good).volume_sizes_succeeded(), Some(true));
        let kept = poll(good, sbs(&["v1", "v2"]), failed(), None);
        assert_eq!(sizes(&kept), [Some(7), None], "v2 was not in the good read");
        assert_eq!(zone(&kept).servers[0].volumes()[0].name, "data");
        assert_eq!(zone(&kept).volume_sizes_succeeded(), Some(false));

        let error = ApiError::Timeout {
            endpoint: Endpoint::Servers(INSTANCE),
        };
        let at = SystemTime::UNIX_EPOCH;
        let zone_failed =
            kept.with_poll(INSTANCE, "fr-par-1", Err(error.into()), at, Duration::ZERO);
        assert_eq!(zone(&zone_failed).volume_sizes_succeeded(), Some(false));
        assert_eq!(
            zone(&zone_failed).volume_sizes,
            Some(failed()),
            "a failed zone poll leaves the Block outcome as it was"
        );
        assert_eq!(zone(&paris()).volume_sizes_succeeded(), None);
    }
}
