//! The fleet's filter: the query parameters of `/` and `/inventory.json`
//! (`?zone=fr-par-1&state=stopped`), checked, and the servers it keeps, in the order both
//! views list them.

use std::cmp::Reverse;
use std::fmt::Write as _;

use serde::Deserialize;

use crate::inventory::{Server, Snapshot, State};

/// The query parameters of `/` and `/inventory.json`, as sent by the form.
#[derive(Debug, Default, Deserialize)]
pub struct FleetQuery {
    pub zone: Option<String>,
    pub state: Option<String>,
}

/// A validated filter: `None` matches everything.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Filter {
    pub zone: Option<String>,
    pub state: Option<State>,
}

/// A state filter that names no state: the page says which ones exist.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "unknown state {given:?} in the filter: expected one of {}",
    known_states()
)]
pub struct BadFilter {
    pub given: String,
}

fn known_states() -> String {
    State::ALL
        .iter()
        .map(|s| s.as_str())
        .collect::<Vec<_>>()
        .join(", ")
}

impl FleetQuery {
    /// Empty values (the form's "all") match everything; a state must be one of the seven.
    pub fn filter(&self) -> Result<Filter, BadFilter> {
        let non_empty = |value: &Option<String>| {
            value
                .as_deref()
                .map(str::trim)
                .filter(|v| !v.is_empty())
                .map(str::to_owned)
        };
        let state = match non_empty(&self.state) {
            None => None,
            Some(label) => Some(State::from_label(&label).ok_or(BadFilter { given: label })?),
        };
        Ok(Filter {
            zone: non_empty(&self.zone),
            state,
        })
    }
}

impl Filter {
    fn matches(&self, zone: &str, server: &Server) -> bool {
        self.zone.as_deref().is_none_or(|z| z == zone)
            && self.state.is_none_or(|s| s == server.state)
    }

    /// `?zone=...&state=...` for a link to the same view (percent-encoded).
    pub fn query_string(&self) -> String {
        let mut pairs = Vec::new();
        if let Some(zone) = &self.zone {
            pairs.push(format!("zone={}", percent_encode(zone)));
        }
        if let Some(state) = self.state {
            pairs.push(format!("state={}", percent_encode(state.as_str())));
        }
        if pairs.is_empty() {
            String::new()
        } else {
            format!("?{}", pairs.join("&"))
        }
    }
}

fn percent_encode(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for byte in text.bytes() {
        if byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'_' | b'.' | b'~') {
            out.push(byte as char);
        } else {
            let _ = write!(out, "%{byte:02X}");
        }
    }
    out
}

/// The servers the filter keeps, not running first, then by zone, name and id.
pub fn rows<'a>(snapshot: &'a Snapshot, filter: &Filter) -> Vec<(&'a str, &'a Server)> {
    let mut rows: Vec<(&str, &Server)> = snapshot
        .zones
        .iter()
        .flat_map(|(zone, state)| state.servers.iter().map(move |s| (zone.as_str(), s)))
        .filter(|(zone, server)| filter.matches(zone, server))
        .collect();
    rows.sort_by(|(zone_a, a), (zone_b, b)| {
        (Reverse(a.state != State::Running), *zone_a, &a.name, &a.id).cmp(&(
            Reverse(b.state != State::Running),
            *zone_b,
            &b.name,
            &b.id,
        ))
    });
    rows
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::web::pages::tests::{query, snapshot_of};

    #[test]
    fn servers_not_running_come_first() {
        let snapshot = snapshot_of(
            r#"{"servers":[{"id":"1","name":"a","state":"running"},{"id":"2","name":"b","state":"stopped"},
                {"id":"3","name":"c","state":"running"},{"id":"4","name":"d","state":"locked"}]}"#,
        );
        let order: Vec<&str> = rows(&snapshot, &Filter::default())
            .iter()
            .map(|(_, s)| s.id.as_str())
            .collect();
        assert_eq!(order, ["2", "4", "1", "3"]);
    }

    #[test]
    fn filters_keep_one_zone_or_one_state_and_refuse_an_unknown_state() {
        let snapshot = snapshot_of(
            r#"{"servers":[{"id":"1","state":"running"},{"id":"2","state":"stopped in place"}]}"#,
        );
        let by_state = query(None, Some("stopped in place")).filter().unwrap();
        assert_eq!(rows(&snapshot, &by_state).len(), 1);
        let other_zone = query(Some("nl-ams-1"), None).filter().unwrap();
        assert!(rows(&snapshot, &other_zone).is_empty());
        let all = query(Some(""), Some("")).filter().unwrap();
        assert_eq!(all, Filter::default());
        let err = query(None, Some("asleep")).filter().unwrap_err();
        assert_eq!(
            err.to_string(),
            "unknown state \"asleep\" in the filter: expected one of running, stopped, stopped in place, starting, stopping, locked, unknown"
        );
    }

    #[test]
    fn the_query_string_is_percent_encoded() {
        let filter = query(Some("nl-ams-1"), Some("stopped in place"))
            .filter()
            .unwrap();
        assert_eq!(
            filter.query_string(),
            "?zone=nl-ams-1&state=stopped%20in%20place"
        );
        assert_eq!(Filter::default().query_string(), "");
    }
}
