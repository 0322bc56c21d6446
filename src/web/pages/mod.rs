//! The pages: the landing page, and the fleet as an HTML table and as JSON (pure).
//!
//! The fleet is every server of the latest snapshot, those not running first, filterable by
//! zone and state with query parameters (`/?zone=fr-par-1&state=stopped`). Everything here
//! is a pure function of a snapshot, a filter and the time; the handlers in `web/mod.rs`
//! only call it.
//!
//! - `filter`: the query parameters, checked, and the rows they keep, in order.
//! - `fleet`: the fleet section of the landing page (the form and the table).
//! - `json`: `/inventory.json`.
//! - `landing`: the landing page around the fleet section.

use std::time::SystemTime;

use chrono::{DateTime, SecondsFormat, Utc};

mod filter;
mod fleet;
mod json;
mod landing;

pub use filter::FleetQuery;
pub use fleet::fleet_html;
pub use json::inventory_json;
pub use landing::{escape_html, landing_page};

/// A time as both views write it: RFC 3339, UTC, to the second.
fn rfc3339(at: SystemTime) -> String {
    DateTime::<Utc>::from(at).to_rfc3339_opts(SecondsFormat::Secs, true)
}

#[cfg(test)]
pub(crate) mod tests {
    use std::time::{Duration, SystemTime};

    use super::*;
    use crate::api::model;
    use crate::inventory::{servers_from_api, Snapshot};

    /// The time the pages are rendered at in these tests: 600 s after the poll.
    pub const NOW: Duration = Duration::from_secs(1_600);

    /// Two zones, `fr-par-1` polled at 1,000 s with the servers of `json` (a servers page),
    /// `nl-ams-1` not yet polled.
    pub fn snapshot_of(json: &str) -> Snapshot {
        let page: model::ServersPage = serde_json::from_str(json).unwrap();
        let servers = servers_from_api(page.servers, &[]);
        Snapshot::new(&["fr-par-1".to_owned(), "nl-ams-1".to_owned()]).with_poll(
            "fr-par-1",
            Ok(servers),
            SystemTime::UNIX_EPOCH + Duration::from_secs(1_000),
            Duration::ZERO,
        )
    }

    pub fn query(zone: Option<&str>, state: Option<&str>) -> FleetQuery {
        FleetQuery {
            zone: zone.map(str::to_owned),
            state: state.map(str::to_owned),
        }
    }
}
