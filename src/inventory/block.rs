//! Block Storage sizes of `sbs_volume`s: what one read of a zone's list says
//! ([`BlockSizes`]), and what became of the read at a zone's poll ([`VolumeSizes`],
//! [`ZonePoll`]). The read is best effort: none of its outcomes fails the zone
//! (docs/design.md#block-storage-is-best-effort).

use std::collections::HashMap;

use super::{ProductServer, Server};
use crate::api::model;

/// What one read of a zone's Block Storage list says of its volumes: size and name by volume
/// id. A zone keeps the last good one, for the polls where Block Storage fails.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct BlockSizes(HashMap<String, (Option<u64>, String)>);

impl BlockSizes {
    pub fn from_api(block_volumes: &[model::BlockVolume]) -> Self {
        BlockSizes(
            block_volumes
                .iter()
                .map(|v| (v.id.clone(), (v.size, v.name.clone())))
                .collect(),
        )
    }

    /// Gives each volume it knows, and whose server object says none, its size and name.
    pub fn apply(&self, servers: &mut [Server]) {
        if self.0.is_empty() {
            return;
        }
        for volume in servers.iter_mut().flat_map(|s| &mut s.volumes) {
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
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum VolumeSizes {
    /// No volume needed them: none is an `sbs_volume` without a size, or the API is legacy.
    NotNeeded,
    /// Read at this poll.
    Read,
    /// Block Storage does not serve the zone (HTTP 404 or 501): there is nothing to read,
    /// and its `sbs_volume`s have no size.
    NotServed { error: String },
    /// The read failed: the sizes are those of the zone's last good read, if any. `cause`
    /// is coarse (the HTTP status, `timeout` or `error`), so that a failure is logged when it
    /// begins or changes, not at every poll.
    Failed { error: String, cause: String },
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
    /// Instance servers, each id once, in API order.
    pub servers: Vec<Server>,
    /// Servers of another product, each id once, in API order.
    pub others: Vec<ProductServer>,
    /// False when the listing has fewer distinct servers than a page announced: the snapshot
    /// then keeps the servers it missed (docs/design.md#a-server-missed-while-paging).
    pub complete: bool,
    pub volume_sizes: VolumeSizes,
    /// The zone's Block Storage sizes, when this poll read them.
    pub block_sizes: Option<BlockSizes>,
}

impl ZonePoll {
    /// The poll of a zone of a product other than Instances.
    pub fn of_product(others: Vec<ProductServer>) -> Self {
        ZonePoll {
            servers: Vec::new(),
            others,
            complete: true,
            volume_sizes: VolumeSizes::NotNeeded,
            block_sizes: None,
        }
    }

    /// A poll whose servers needed no Block Storage read.
    pub fn without_block(servers: Vec<Server>) -> Self {
        ZonePoll {
            servers,
            others: Vec::new(),
            complete: true,
            volume_sizes: VolumeSizes::NotNeeded,
            block_sizes: None,
        }
    }
}

#[cfg(test)]
mod tests {
    use std::time::{Duration, SystemTime};

    use super::*;
    use crate::inventory::{servers_from_api, Snapshot};

    fn parse_page(json: &str) -> Vec<model::Server> {
        serde_json::from_str::<model::ServersPage>(json)
            .expect("page parses")
            .servers
    }

    #[test]
    fn a_failed_block_read_gives_sbs_volumes_the_last_good_sizes_and_none_before_one() {
        let zones = vec!["fr-par-1".to_owned()];
        let t = SystemTime::UNIX_EPOCH + Duration::from_secs(100);
        let sbs = |ids: &[&str]| {
            let volumes: Vec<String> = ids
                .iter()
                .enumerate()
                .map(|(i, id)| format!(r#""{i}":{{"id":"{id}","volume_type":"sbs_volume"}}"#))
                .collect();
            servers_from_api(
                parse_page(&format!(
                    r#"{{"servers":[{{"id":"s","volumes":{{{}}}}}]}}"#,
                    volumes.join(",")
                )),
                &[],
            )
        };
        let failed = || VolumeSizes::Failed {
            error: "volumes request answered HTTP 500".into(),
            cause: "500".into(),
        };
        let poll = |servers, volume_sizes, block_sizes| {
            Ok(ZonePoll {
                servers,
                others: Vec::new(),
                complete: true,
                volume_sizes,
                block_sizes,
            })
        };
        let sizes = |snapshot: &Snapshot| -> Vec<Option<u64>> {
            let zone = &snapshot.zones["fr-par-1"];
            zone.servers[0].volumes.iter().map(|v| v.size).collect()
        };

        let never = Snapshot::new(&zones).with_zone_poll(
            "fr-par-1",
            poll(sbs(&["v1"]), failed(), None),
            t,
            Duration::ZERO,
        );
        assert_eq!(sizes(&never), [None], "none before a good read");
        assert_eq!(
            never.zones["fr-par-1"].volume_sizes_succeeded(),
            Some(false)
        );
        assert!(never.zones["fr-par-1"].last_poll_succeeded());

        let read = BlockSizes::from_api(&[model::BlockVolume {
            id: "v1".into(),
            name: "data".into(),
            size: Some(7),
            volume_type: "sbs_5k".into(),
        }]);
        let good = never.with_zone_poll(
            "fr-par-1",
            poll(sbs(&["v1"]), VolumeSizes::Read, Some(read)),
            t,
            Duration::ZERO,
        );
        assert_eq!(good.zones["fr-par-1"].volume_sizes_succeeded(), Some(true));
        let kept = good.with_zone_poll(
            "fr-par-1",
            poll(sbs(&["v1", "v2"]), failed(), None),
            t,
            Duration::ZERO,
        );
        assert_eq!(sizes(&kept), [Some(7), None], "v2 was not in the good read");
        assert_eq!(kept.zones["fr-par-1"].servers[0].volumes[0].name, "data");
        assert_eq!(kept.zones["fr-par-1"].volume_sizes_succeeded(), Some(false));

        let zone_failed = kept.with_zone_poll("fr-par-1", Err("boom".into()), t, Duration::ZERO);
        assert_eq!(
            zone_failed.zones["fr-par-1"].volume_sizes_succeeded(),
            Some(false)
        );
        assert_eq!(
            zone_failed.zones["fr-par-1"].volume_sizes,
            Some(failed()),
            "a failed zone poll leaves the Block outcome as it was"
        );
        assert_eq!(
            Snapshot::new(&zones).zones["fr-par-1"].volume_sizes_succeeded(),
            None
        );
    }
}
