//! API model -> inventory snapshot: pure functions, no I/O.
//!
//! A [`Snapshot`] is immutable: each poll builds a new one from the previous one and the
//! zones it polled, and publishes it whole. The metrics are a function of it alone, so a
//! server gone from the API is gone from `/metrics` with no bookkeeping.

use std::time::SystemTime;

mod block;
mod carry;
mod catalog;
mod instance;
mod maintenance;
mod product;
mod snapshot;

pub use block::{BlockSizes, VolumeSizes, ZonePoll};
#[cfg(test)]
use carry::carry_state_since;
pub use carry::{listing_is_complete, CARRY_LIMIT};
pub use catalog::{catalog_from_api, projects_from_api, Project, ServerType, ZoneCatalog};
pub use instance::{servers_from_api, FleetBuilder};
pub use maintenance::Maintenance;
pub use product::{state_of, states, Detail, ProductFleet, ProductServer};
pub use snapshot::{PollResult, Snapshot, ZoneState};

/// The states the metrics name (docs/api-notes.md#server-states); anything else the API says is [`State::Unknown`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum State {
    Running,
    Stopped,
    StoppedInPlace,
    Starting,
    Stopping,
    Locked,
    Unknown,
}

impl State {
    pub const ALL: [State; 7] = [
        State::Running,
        State::Stopped,
        State::StoppedInPlace,
        State::Starting,
        State::Stopping,
        State::Locked,
        State::Unknown,
    ];

    /// The API's spelling, which is also the `state` label value.
    pub fn as_str(self) -> &'static str {
        match self {
            State::Running => "running",
            State::Stopped => "stopped",
            State::StoppedInPlace => "stopped in place",
            State::Starting => "starting",
            State::Stopping => "stopping",
            State::Locked => "locked",
            State::Unknown => "unknown",
        }
    }

    /// The state a label names (`stopped in place`), for filters; `None` for anything else.
    pub fn from_label(label: &str) -> Option<State> {
        State::ALL.into_iter().find(|state| state.as_str() == label)
    }

    pub fn from_api(state: Option<&str>, running: Option<bool>) -> State {
        match (state, running) {
            (Some(state), _) => match state {
                "running" => State::Running,
                "stopped" => State::Stopped,
                // The spelling of Scaleway's Python SDK (docs/api-notes.md#stopped-in-place-and-stopped_in_place).
                "stopped in place" | "stopped_in_place" => State::StoppedInPlace,
                "starting" => State::Starting,
                "stopping" => State::Stopping,
                "locked" => State::Locked,
                _ => State::Unknown,
            },
            // The 2014 Online Labs API: a boolean instead of a state.
            (None, Some(true)) => State::Running,
            (None, Some(false)) => State::Stopped,
            (None, None) => State::Unknown,
        }
    }
}

/// One server as the metrics see it: the fields the metrics export, already normalised.
#[derive(Debug, Clone, PartialEq)]
pub struct Server {
    pub id: String,
    pub name: String,
    pub commercial_type: String,
    pub arch: String,
    /// Empty when the server has no image (`image: null`).
    pub image_name: String,
    pub project_id: String,
    pub organization_id: String,
    pub state: State,
    /// Unix seconds; `None` when the API gave no parseable date.
    pub created: Option<f64>,
    pub modified: Option<f64>,
    /// In index order ("0", "1", ..., "10").
    pub volumes: Vec<Volume>,
    pub tags: Vec<String>,
    pub addresses: Vec<Address>,
    /// `local`, `rescue`, ... as the API says; empty when it says nothing (2014 API).
    pub boot_type: String,
    /// One per distinct reason, in API order.
    pub maintenances: Vec<Maintenance>,
    /// The server's own `end_of_service`; false when absent (before 2025).
    pub end_of_service: bool,
    /// Since when the server is in `state`, as seen by this exporter; set when a snapshot
    /// takes the server in ([`Snapshot::with_poll`]), `None` before.
    pub state_since: Option<StateSince>,
}

/// Since when a server is in its current state, as seen by this exporter. The API does not
/// say: `modification_date` also moves when a tag or a volume changes, and stays put on
/// some state changes, so the exporter keeps its own record, carried from snapshot to
/// snapshot.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StateSince {
    /// The end of the first successful poll that saw the server in this state.
    pub at: SystemTime,
    /// True when this exporter saw the server in another state before `at`, so the change
    /// happened between the previous successful poll and `at`. False when the server was
    /// already in this state the first time this exporter saw it (after a restart, or a new
    /// server): the state began at `at` or earlier.
    pub observed_change: bool,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Volume {
    pub id: String,
    /// The key in the API's `volumes` map.
    pub index: String,
    pub volume_type: String,
    pub name: String,
    /// Bytes; `None` when neither the server object nor the Block Storage API knows it.
    pub size: Option<u64>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Family {
    Inet,
    Inet6,
}

impl Family {
    pub fn as_str(self) -> &'static str {
        match self {
            Family::Inet => "inet",
            Family::Inet6 => "inet6",
        }
    }

    fn of(address: &str) -> Family {
        if address.contains(':') {
            Family::Inet6
        } else {
            Family::Inet
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    Public,
    Private,
}

impl Scope {
    pub fn as_str(self) -> &'static str {
        match self {
            Scope::Public => "public",
            Scope::Private => "private",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Address {
    pub address: String,
    pub family: Family,
    pub scope: Scope,
}

/// RFC 3339 (`2026-08-11T09:17:01.059214+00:00`, or with `Z`) to Unix seconds.
pub fn unix_seconds(text: &str) -> Option<f64> {
    let date = chrono::DateTime::parse_from_rfc3339(text).ok()?;
    Some(date.timestamp() as f64 + f64::from(date.timestamp_subsec_micros()) / 1e6)
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::instance::parse_page;
    use super::*;

    #[test]
    fn every_named_state_maps_to_itself_and_anything_else_is_unknown() {
        for state in State::ALL {
            if state != State::Unknown {
                assert_eq!(State::from_api(Some(state.as_str()), None), state);
            }
        }
        assert_eq!(State::from_api(Some("hibernating"), None), State::Unknown);
        assert_eq!(State::from_api(Some(""), None), State::Unknown);
        assert_eq!(State::from_api(None, None), State::Unknown);
    }

    #[test]
    fn the_instance_states_of_the_product_table_are_those_of_state() {
        let labels: Vec<&str> = State::ALL.iter().map(|s| s.as_str()).collect();
        assert_eq!(states(crate::api::Product::Instance), labels.as_slice());
    }

    #[test]
    fn the_2014_running_boolean_means_running_or_stopped() {
        assert_eq!(State::from_api(None, Some(true)), State::Running);
        assert_eq!(State::from_api(None, Some(false)), State::Stopped);
        assert_eq!(
            State::from_api(Some("starting"), Some(false)),
            State::Starting
        );
    }

    #[test]
    fn dates_with_offsets_and_microseconds_become_unix_seconds() {
        assert_eq!(
            unix_seconds("2026-08-11T09:17:01.059214+00:00"),
            Some(1_786_439_821.059214)
        );
        assert_eq!(unix_seconds("2026-07-20T14:35:34Z"), Some(1_784_558_134.0));
        assert_eq!(unix_seconds("yesterday"), None);
    }

    fn server_in(id: &str, state: &str) -> Server {
        let page = parse_page(&format!(
            r#"{{"servers":[{{"id":"{id}","state":"{state}"}}]}}"#
        ));
        servers_from_api(page, &[]).remove(0)
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

    #[test]
    fn a_failed_poll_keeps_state_since_and_the_next_good_one_carries_it() {
        let zones = vec!["fr-par-1".to_owned()];
        let t = |s: u64| SystemTime::UNIX_EPOCH + Duration::from_secs(s);
        let snap = Snapshot::new(&zones).with_poll(
            "fr-par-1",
            Ok(vec![server_in("a", "stopped")]),
            t(100),
            Duration::ZERO,
        );
        let failed = snap.with_poll("fr-par-1", Err("boom".into()), t(160), Duration::ZERO);
        let back = failed.with_poll(
            "fr-par-1",
            Ok(vec![server_in("a", "stopped")]),
            t(220),
            Duration::ZERO,
        );
        let since = back.zones["fr-par-1"].servers[0].state_since.unwrap();
        assert_eq!(since.at, t(100));
    }

    #[test]
    fn state_labels_parse_back_to_their_state() {
        for state in State::ALL {
            assert_eq!(State::from_label(state.as_str()), Some(state));
        }
        assert_eq!(State::from_label("stopped_in_place"), None);
    }

    #[test]
    fn a_failed_poll_keeps_the_zones_servers_and_a_good_one_replaces_them() {
        let zones = vec!["fr-par-1".to_owned()];
        let first = servers_from_api(parse_page(r#"{"servers":[{"id":"a"}]}"#), &[]);
        let t = SystemTime::UNIX_EPOCH + Duration::from_secs(100);
        let snap = Snapshot::new(&zones).with_poll("fr-par-1", Ok(first), t, Duration::ZERO);
        let failed = snap.with_poll("fr-par-1", Err("boom".into()), t, Duration::ZERO);
        let zone = &failed.zones["fr-par-1"];
        assert_eq!(zone.servers.len(), 1);
        assert!(!zone.last_poll_succeeded());
        assert_eq!(zone.last_success, Some(t));
        let emptied = failed.with_poll("fr-par-1", Ok(vec![]), t, Duration::ZERO);
        assert_eq!(emptied.zones["fr-par-1"].servers.len(), 0);
        assert!(emptied.zones["fr-par-1"].last_poll_succeeded());
    }
}
