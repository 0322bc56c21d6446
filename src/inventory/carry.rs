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

use super::{Server, StateSince};

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
pub(super) fn keep_missing(
    before: &[Server],
    before_carried: &BTreeMap<String, u32>,
    mut listed: Vec<Server>,
) -> (Vec<Server>, BTreeMap<String, u32>) {
    let ids: HashSet<&str> = listed.iter().map(|s| s.id.as_str()).collect();
    let mut carried = BTreeMap::new();
    let mut kept = Vec::new();
    for server in before {
        if ids.contains(server.id.as_str()) {
            continue;
        }
        let missed = before_carried.get(&server.id).copied().unwrap_or(0) + 1;
        if missed <= CARRY_LIMIT {
            carried.insert(server.id.clone(), missed);
            kept.push(server.clone());
        }
    }
    listed.extend(kept);
    (listed, carried)
}

/// The servers of a zone's new poll, each with its [`StateSince`] carried over from
/// `previous` (the zone's servers of the last successful poll) when its state is the same,
/// or set to `at` when it changed or the server is new.
pub(super) fn carry_state_since(
    previous: &[Server],
    next: Vec<Server>,
    at: SystemTime,
) -> Vec<Server> {
    let before: HashMap<&str, &Server> = previous.iter().map(|s| (s.id.as_str(), s)).collect();
    next.into_iter()
        .map(|mut server| {
            let since = match before.get(server.id.as_str()) {
                Some(old) if old.state == server.state => old.state_since.unwrap_or(StateSince {
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
            server.state_since = Some(since);
            server
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use std::time::{Duration, SystemTime};

    use super::*;
    use crate::inventory::instance::servers_from_json;
    use crate::inventory::{Snapshot, ZonePoll};
    use crate::product::{InstanceState, Product, ProductZone, State};

    const INSTANCE: Product = Product::Instance;

    fn servers(ids: &[&str]) -> Vec<Server> {
        let listed: Vec<String> = ids.iter().map(|id| format!(r#"{{"id":"{id}"}}"#)).collect();
        servers_from_json(&format!(r#"{{"servers":[{}]}}"#, listed.join(",")))
    }

    fn server_in(id: &str, state: &str) -> Server {
        servers_from_json(&format!(
            r#"{{"servers":[{{"id":"{id}","state":"{state}"}}]}}"#
        ))
        .remove(0)
    }

    fn zone(snapshot: &Snapshot) -> &crate::inventory::ZoneState {
        snapshot.zone(INSTANCE, "z").unwrap()
    }

    fn ids(snapshot: &Snapshot) -> Vec<&str> {
        zone(snapshot)
            .servers
            .iter()
            .map(|s| s.id.as_str())
            .collect()
    }

    fn empty() -> Snapshot {
        Snapshot::of([ProductZone::new(INSTANCE, "z")])
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
                ..ZonePoll::from(servers(ids))
            };
            snapshot
                .clone()
                .with_poll(INSTANCE, "z", Ok(listing), t + step, step)
        };
        let first = poll(&empty(), &["a", "b", "c"], true);
        let short = poll(&first, &["a", "c"], false);
        assert_eq!(ids(&short), ["a", "c", "b"]);
        assert_eq!(zone(&short).carried.get("b"), Some(&1));
        assert!(zone(&short).last_poll_succeeded());

        let mut again = short.clone();
        for _ in 1..CARRY_LIMIT {
            again = poll(&again, &["a", "c"], false);
            assert_eq!(ids(&again), ["a", "c", "b"]);
        }
        let dropped = poll(&again, &["a", "c"], false);
        assert_eq!(ids(&dropped), ["a", "c"]);
        assert!(zone(&dropped).carried.is_empty());

        let listed_again = poll(&poll(&short, &["a", "b", "c"], false), &["a", "c"], false);
        assert_eq!(
            zone(&listed_again).carried.get("b"),
            Some(&1),
            "a server listed again starts its count afresh"
        );
        let complete = poll(&short, &["a", "c"], true);
        assert_eq!(
            ids(&complete),
            ["a", "c"],
            "a complete listing has the last word"
        );
        assert!(zone(&complete).carried.is_empty());
    }

    #[test]
    fn a_carried_server_keeps_its_state_since() {
        let t = SystemTime::UNIX_EPOCH + Duration::from_secs(100);
        let first = empty().with_poll(
            INSTANCE,
            "z",
            Ok(servers(&["a", "b"]).into()),
            t,
            Duration::ZERO,
        );
        let short = ZonePoll {
            complete: false,
            ..ZonePoll::from(servers(&["a"]))
        };
        let later = t + Duration::from_secs(60);
        let next = first.with_poll(INSTANCE, "z", Ok(short), later, Duration::ZERO);
        let b = zone(&next).servers.iter().find(|s| s.id == "b").unwrap();
        assert_eq!(b.state_since.map(|s| s.at), Some(t));
    }

    #[test]
    fn state_since_is_kept_while_the_state_holds_and_reset_when_it_changes() {
        let t = |s: u64| SystemTime::UNIX_EPOCH + Duration::from_secs(s);
        let first = carry_state_since(&[], vec![server_in("a", "running")], t(100));
        assert_eq!(
            first[0].state_since,
            Some(StateSince {
                at: t(100),
                observed_change: false
            })
        );
        let same = carry_state_since(&first, vec![server_in("a", "running")], t(160));
        assert_eq!(same[0].state_since, first[0].state_since);
        let stopped = carry_state_since(&same, vec![server_in("a", "stopped")], t(220));
        assert_eq!(stopped[0].state, State::Instance(InstanceState::Stopped));
        assert_eq!(
            stopped[0].state_since,
            Some(StateSince {
                at: t(220),
                observed_change: true
            })
        );
        let still = carry_state_since(&stopped, vec![server_in("a", "stopped")], t(280));
        assert_eq!(still[0].state_since, stopped[0].state_since);
    }

    #[test]
    fn a_server_first_seen_is_in_its_state_since_at_least_that_poll() {
        let t = SystemTime::UNIX_EPOCH + Duration::from_secs(500);
        let known = carry_state_since(&[], vec![server_in("a", "running")], t);
        let next = carry_state_since(
            &known,
            vec![server_in("a", "running"), server_in("b", "starting")],
            t + Duration::from_secs(60),
        );
        assert_eq!(
            next[1].state_since,
            Some(StateSince {
                at: t + Duration::from_secs(60),
                observed_change: false
            })
        );
    }
}
