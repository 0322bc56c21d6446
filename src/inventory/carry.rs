//! A listing that came out short, and the servers of the last poll it missed
//! (docs/design.md#a-server-missed-while-paging).
//!
//! The servers list is read page by page, newest first. A server deleted while the pages are
//! read pulls every later server up by one place, so the first server of the next page slips
//! onto a page already read and is not listed at all. The listing then has fewer distinct
//! servers than the total the API announced. Such a listing is short: a server it misses may
//! still exist, so the zone keeps it from the last poll, until a complete listing says it is
//! gone. And how a server's [`StateSince`] follows it from poll to poll.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::time::SystemTime;

use super::{ProductServer, Server, StateSince};

/// How many short listings in a row may miss a server before it is dropped all the same. A
/// server skipped by a shift is listed again at the next poll, almost always complete; a
/// deleted one is never listed again. The bound keeps an API whose total always lies high
/// from keeping deleted servers forever, and a deleted server's series from outliving
/// `ScalewayServerNotRunning`'s five minutes at the default interval.
pub const CARRY_LIMIT: u32 = 2;

/// Whether a listing of `distinct` servers can be trusted to hold them all: false when it has
/// fewer than the largest total a page announced. With no total, nothing says a server was
/// missed: the listing is complete.
pub fn listing_is_complete(distinct: usize, announced: Option<u64>) -> bool {
    announced.is_none_or(|total| distinct as u64 >= total)
}

/// `listed`, then each server of `before` that a short listing missed and that has been
/// missed fewer than [`CARRY_LIMIT`] times in a row, as it was; and the count of short
/// listings that missed each server kept.
pub(super) fn keep_missing<S: Tracked>(
    before: &[S],
    before_carried: &BTreeMap<String, u32>,
    mut listed: Vec<S>,
) -> (Vec<S>, BTreeMap<String, u32>) {
    let ids: HashSet<&str> = listed.iter().map(|s| s.id()).collect();
    let mut carried = BTreeMap::new();
    let mut kept = Vec::new();
    for server in before {
        if ids.contains(server.id()) {
            continue;
        }
        let missed = before_carried.get(server.id()).copied().unwrap_or(0) + 1;
        if missed <= CARRY_LIMIT {
            carried.insert(server.id().to_owned(), missed);
            kept.push(server.clone());
        }
    }
    listed.extend(kept);
    (listed, carried)
}

/// A server of any product, as far as the snapshot follows it from poll to poll.
pub(crate) trait Tracked: Clone {
    fn id(&self) -> &str;
    fn same_state(&self, other: &Self) -> bool;
    fn state_since(&self) -> Option<StateSince>;
    fn set_state_since(&mut self, since: StateSince);
}

/// Both server types follow their state the same way.
macro_rules! tracked {
    ($($server:ty),*) => {$(
        impl Tracked for $server {
            fn id(&self) -> &str {
                &self.id
            }
            fn same_state(&self, other: &Self) -> bool {
                self.state == other.state
            }
            fn state_since(&self) -> Option<StateSince> {
                self.state_since
            }
            fn set_state_since(&mut self, since: StateSince) {
                self.state_since = Some(since);
            }
        }
    )*};
}

tracked!(Server, ProductServer);

/// The servers of a zone's new poll, each with its [`StateSince`] carried over from
/// `previous` (the zone's servers of the last successful poll) when its state is the same,
/// or set to `at` when it changed or the server is new.
pub(crate) fn carry_state_since<S: Tracked>(
    previous: &[S],
    next: Vec<S>,
    at: SystemTime,
) -> Vec<S> {
    let before: HashMap<&str, &S> = previous.iter().map(|s| (s.id(), s)).collect();
    next.into_iter()
        .map(|mut server| {
            let since = match before.get(server.id()) {
                Some(old) if old.same_state(&server) => old.state_since().unwrap_or(StateSince {
                    at,
                    observed_change: false,
                }),
                Some(_) => StateSince {
                    at,
                    observed_change: true,
                },
                None => StateSince {
                    at,
                    observed_change: false,
                },
            };
            server.set_state_since(since);
            server
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use std::time::{Duration, SystemTime};

    use super::*;
    use crate::api::model;
    use crate::inventory::{servers_from_api, Server, Snapshot, ZonePoll};

    fn servers(ids: &[&str]) -> Vec<Server> {
        let listing = ids
            .iter()
            .map(|id| serde_json::from_str::<model::Server>(&format!(r#"{{"id":"{id}"}}"#)))
            .collect::<Result<Vec<_>, _>>()
            .unwrap();
        servers_from_api(listing, &[])
    }

    fn ids(snapshot: &Snapshot) -> Vec<&str> {
        snapshot.zones["z"]
            .servers
            .iter()
            .map(|s| s.id.as_str())
            .collect()
    }

    #[test]
    fn a_listing_is_short_when_it_has_fewer_distinct_servers_than_announced() {
        assert!(listing_is_complete(2, Some(2)));
        assert!(listing_is_complete(2, Some(1)));
        assert!(listing_is_complete(2, None));
        assert!(!listing_is_complete(2, Some(3)));
    }

    #[test]
    fn a_server_missed_by_short_listings_is_kept_at_most_carry_limit_times_in_a_row() {
        let t = SystemTime::UNIX_EPOCH;
        let step = Duration::from_secs(60);
        let poll = |snapshot: &Snapshot, ids: &[&str], complete: bool| {
            let listing = ZonePoll {
                complete,
                ..ZonePoll::without_block(servers(ids))
            };
            snapshot.with_zone_poll("z", Ok(listing), t + step, step)
        };
        let first = poll(&Snapshot::new(&["z".to_owned()]), &["a", "b", "c"], true);
        let short = poll(&first, &["a", "c"], false);
        assert_eq!(ids(&short), ["a", "c", "b"]);
        assert_eq!(short.zones["z"].carried.get("b"), Some(&1));
        assert!(short.zones["z"].last_poll_succeeded());

        let mut again = short.clone();
        for _ in 1..CARRY_LIMIT {
            again = poll(&again, &["a", "c"], false);
            assert_eq!(ids(&again), ["a", "c", "b"]);
        }
        let dropped = poll(&again, &["a", "c"], false);
        assert_eq!(ids(&dropped), ["a", "c"]);
        assert!(dropped.zones["z"].carried.is_empty());

        let listed_again = poll(&poll(&short, &["a", "b", "c"], false), &["a", "c"], false);
        assert_eq!(
            listed_again.zones["z"].carried.get("b"),
            Some(&1),
            "a server listed again starts its count afresh"
        );
        let complete = poll(&short, &["a", "c"], true);
        assert_eq!(
            ids(&complete),
            ["a", "c"],
            "a complete listing has the last word"
        );
        assert!(complete.zones["z"].carried.is_empty());
    }

    #[test]
    fn a_carried_server_keeps_its_state_since() {
        let t = SystemTime::UNIX_EPOCH + Duration::from_secs(100);
        let zones = ["z".to_owned()];
        let first =
            Snapshot::new(&zones).with_poll("z", Ok(servers(&["a", "b"])), t, Duration::ZERO);
        let short = ZonePoll {
            complete: false,
            ..ZonePoll::without_block(servers(&["a"]))
        };
        let later = t + Duration::from_secs(60);
        let next = first.with_zone_poll("z", Ok(short), later, Duration::ZERO);
        let b = next.zones["z"]
            .servers
            .iter()
            .find(|s| s.id == "b")
            .unwrap();
        assert_eq!(b.state_since.map(|s| s.at), Some(t));
    }
}
