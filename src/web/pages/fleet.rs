//! The fleet on the landing page (an HTML table) and at `/inventory.json`: every server of
//! the latest snapshot, those not running first, filterable by zone and state with query
//! parameters (`/?zone=fr-par-1&state=stopped`). No JavaScript: a form of two selects.
//!
//! Everything here is a pure function of a snapshot, a filter and the time; the handlers in
//! `web/mod.rs` only call it. Every text from the API goes through [`escape_html`]: a server
//! name may hold `<`, `&`, quotes or a newline.

use std::cmp::Reverse;
use std::fmt::Write as _;
use std::time::{Duration, SystemTime};

use chrono::{DateTime, SecondsFormat, Utc};
use serde::{Deserialize, Serialize};

use super::escape_html;
use crate::inventory::{Server, Snapshot, State, StateSince, Volume};

/// The most rows the HTML table shows; a page of 10,000 rows helps no one and costs
/// megabytes per view. The JSON has them all; the filters narrow the table.
pub const MAX_HTML_ROWS: usize = 500;

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

/// The CSS of the fleet section, for the page's `<style>`.
pub const STYLE: &str = "\
form{margin:1em 0}select,button{font:inherit;margin-right:.5em}\
table.fleet td{vertical-align:top}table.fleet td:nth-child(-n+5){white-space:nowrap}\
tr.not-running{background:#fff4f4}tr.not-running td:first-child{border-left:4px solid #cf222e}\
td.state.not-running{color:#cf222e;font-weight:bold}td.state.running{color:#1a7f37}\
td.since.bounded::before{content:\"\\2265\\00a0\"}\
.muted{color:#666}ul.cell{margin:0;padding:0;list-style:none}\
code{background:#f3f3f3;padding:0 .2em}";

/// The fleet section of the landing page: the filter form and the table.
pub fn fleet_html(snapshot: &Snapshot, query: &FleetQuery, now: SystemTime) -> String {
    let mut html = String::with_capacity(16 * 1024);
    html.push_str("<h2 id=\"fleet\">Fleet</h2>\n");
    let filter = query.filter();
    filter_form(&mut html, snapshot, query);
    let filter = match filter {
        Ok(filter) => filter,
        Err(e) => {
            let _ = writeln!(
                html,
                "<p class=\"failed\">{}</p>",
                escape_html(&e.to_string())
            );
            return html;
        }
    };
    let rows = rows(snapshot, &filter);
    let not_running = rows
        .iter()
        .filter(|(_, s)| s.state != State::Running)
        .count();
    let _ = writeln!(
        html,
        "<p id=\"fleet-summary\">{} of {} servers shown, {} not running. \
<a href=\"/inventory.json{}\">This list as JSON</a>.</p>",
        rows.len(),
        snapshot.server_count(),
        not_running,
        escape_html(&query_string(&filter)),
    );
    if rows.len() > MAX_HTML_ROWS {
        let _ = writeln!(
            html,
            "<p class=\"muted\">The table shows the first {MAX_HTML_ROWS} (those not running come first); \
filter by zone or state, or read the JSON, for the others.</p>"
        );
    }
    html.push_str(
        "<table class=\"fleet\"><thead><tr><th>name</th><th>zone</th><th>state</th><th>since</th>\
<th>type</th><th>volumes</th><th>tags</th><th>addresses</th></tr></thead><tbody>\n",
    );
    for (zone, server) in rows.iter().take(MAX_HTML_ROWS) {
        server_row(&mut html, zone, server, now);
    }
    html.push_str("</tbody></table>\n");
    html.push_str(
        "<p class=\"muted\">Since: when this exporter first saw the server in its state, to \
within a poll interval; &ge; marks a state the server was already in when this exporter \
first saw it (after a restart, or a new server), which began then or earlier.</p>\n",
    );
    html
}

fn filter_form(html: &mut String, snapshot: &Snapshot, query: &FleetQuery) {
    let chosen_zone = query.zone.as_deref().unwrap_or("");
    let chosen_state = query.state.as_deref().unwrap_or("");
    html.push_str("<form method=\"get\" action=\"/#fleet\"><label>zone <select name=\"zone\"><option value=\"\">all</option>");
    for zone in snapshot.zones.keys() {
        option(html, zone, chosen_zone == zone);
    }
    html.push_str(
        "</select></label> <label>state <select name=\"state\"><option value=\"\">all</option>",
    );
    for state in State::ALL {
        option(html, state.as_str(), chosen_state == state.as_str());
    }
    html.push_str("</select></label> <button type=\"submit\">Filter</button> <a href=\"/#fleet\">clear</a></form>\n");
}

fn option(html: &mut String, value: &str, selected: bool) {
    let value = escape_html(value);
    let selected = if selected { " selected" } else { "" };
    let _ = write!(html, "<option value=\"{value}\"{selected}>{value}</option>");
}

/// `?zone=...&state=...` for a link to the same view (percent-encoded).
fn query_string(filter: &Filter) -> String {
    let mut pairs = Vec::new();
    if let Some(zone) = &filter.zone {
        pairs.push(format!("zone={}", percent_encode(zone)));
    }
    if let Some(state) = filter.state {
        pairs.push(format!("state={}", percent_encode(state.as_str())));
    }
    if pairs.is_empty() {
        String::new()
    } else {
        format!("?{}", pairs.join("&"))
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

fn server_row(html: &mut String, zone: &str, server: &Server, now: SystemTime) {
    let running = server.state == State::Running;
    let class = if running { "running" } else { "not-running" };
    let _ = write!(
        html,
        "<tr class=\"{class}\" data-zone=\"{}\" data-state=\"{}\" data-server-id=\"{}\">",
        escape_html(zone),
        server.state.as_str(),
        escape_html(&server.id),
    );
    let _ = write!(
        html,
        "<td title=\"{}\">{}</td><td>{}</td>",
        escape_html(&server.id),
        escape_html(&server.name),
        escape_html(zone)
    );
    let _ = write!(
        html,
        "<td class=\"state {class}\">{}</td>",
        server.state.as_str()
    );
    match server.state_since {
        Some(since) => {
            let bounded = if since.observed_change {
                ""
            } else {
                " bounded"
            };
            let _ = write!(
                html,
                "<td class=\"since{bounded}\" title=\"{}\">{}</td>",
                rfc3339(since.at),
                age(now, since.at)
            );
        }
        None => html.push_str("<td class=\"since\">-</td>"),
    }
    let _ = write!(html, "<td>{}</td>", escape_html(&server.commercial_type));
    html.push_str("<td><ul class=\"cell\">");
    for volume in &server.volumes {
        let _ = write!(
            html,
            "<li>{} <span class=\"muted\">({}, {})</span></li>",
            escape_html(if volume.name.is_empty() {
                &volume.id
            } else {
                &volume.name
            }),
            escape_html(&volume.volume_type),
            volume
                .size
                .map_or_else(|| "size unknown".to_owned(), human_size)
        );
    }
    html.push_str("</ul></td><td>");
    let tags: Vec<String> = server
        .tags
        .iter()
        .map(|tag| format!("<code>{}</code>", escape_html(tag)))
        .collect();
    html.push_str(&tags.join(" "));
    html.push_str("</td><td><ul class=\"cell\">");
    for address in &server.addresses {
        let _ = write!(
            html,
            "<li>{} <span class=\"muted\">({})</span></li>",
            escape_html(&address.address),
            address.scope.as_str()
        );
    }
    html.push_str("</ul></td></tr>\n");
}

/// Sizes as Scaleway states them, in decimal units (a "20 GB" volume is 20,000,000,000 bytes).
pub fn human_size(bytes: u64) -> String {
    const UNITS: [&str; 5] = ["B", "kB", "MB", "GB", "TB"];
    let mut value = bytes as f64;
    let mut unit = 0;
    while value >= 1000.0 && unit < UNITS.len() - 1 {
        value /= 1000.0;
        unit += 1;
    }
    if unit == 0 || value.fract() == 0.0 {
        format!("{value:.0} {}", UNITS[unit])
    } else {
        format!("{value:.1} {}", UNITS[unit])
    }
}

fn age(now: SystemTime, at: SystemTime) -> String {
    let seconds = now.duration_since(at).unwrap_or(Duration::ZERO).as_secs();
    // Minutes are precise enough past an hour, and shorter to read.
    let shown = if seconds >= 3600 {
        seconds - seconds % 60
    } else {
        seconds
    };
    format!(
        "{} ago",
        humantime::format_duration(Duration::from_secs(shown))
    )
}

fn rfc3339(at: SystemTime) -> String {
    DateTime::<Utc>::from(at).to_rfc3339_opts(SecondsFormat::Secs, true)
}

fn rfc3339_from_unix(seconds: f64) -> Option<String> {
    DateTime::<Utc>::from_timestamp(seconds.floor() as i64, 0)
        .map(|d| d.to_rfc3339_opts(SecondsFormat::Secs, true))
}

/// `/inventory.json`: the zones' poll status and the filtered servers, in the table's order.
#[derive(Debug, Serialize)]
pub struct InventoryJson<'a> {
    pub generated_at: String,
    pub zones: Vec<ZoneJson<'a>>,
    pub servers: Vec<ServerJson<'a>>,
}

#[derive(Debug, Serialize)]
pub struct ZoneJson<'a> {
    pub zone: &'a str,
    pub servers: usize,
    pub last_poll_at: Option<String>,
    pub last_poll_ok: Option<bool>,
    pub last_poll_error: Option<&'a str>,
    pub last_success_at: Option<String>,
}

#[derive(Debug, Serialize)]
pub struct ServerJson<'a> {
    pub zone: &'a str,
    pub id: &'a str,
    pub name: &'a str,
    pub state: &'static str,
    pub running: bool,
    /// See [`StateSince`]: as seen by this exporter.
    pub state_since: Option<String>,
    pub state_change_observed: Option<bool>,
    pub commercial_type: &'a str,
    pub arch: &'a str,
    pub image_name: &'a str,
    pub project_id: &'a str,
    pub organization_id: &'a str,
    pub created_at: Option<String>,
    pub modified_at: Option<String>,
    pub volumes: Vec<VolumeJson<'a>>,
    pub tags: &'a [String],
    pub addresses: Vec<AddressJson<'a>>,
}

#[derive(Debug, Serialize)]
pub struct VolumeJson<'a> {
    pub id: &'a str,
    pub index: &'a str,
    pub volume_type: &'a str,
    pub name: &'a str,
    pub size_bytes: Option<u64>,
}

#[derive(Debug, Serialize)]
pub struct AddressJson<'a> {
    pub address: &'a str,
    pub family: &'static str,
    pub scope: &'static str,
}

/// The JSON view of the snapshot through `filter`.
pub fn inventory_json<'a>(
    snapshot: &'a Snapshot,
    filter: &Filter,
    now: SystemTime,
) -> InventoryJson<'a> {
    let zones = snapshot
        .zones
        .iter()
        .map(|(zone, state)| ZoneJson {
            zone,
            servers: state.servers.len(),
            last_poll_at: state.last_poll.as_ref().map(|p| rfc3339(p.at)),
            last_poll_ok: state.last_poll.as_ref().map(|p| p.error.is_none()),
            last_poll_error: state.last_poll.as_ref().and_then(|p| p.error.as_deref()),
            last_success_at: state.last_success.map(rfc3339),
        })
        .collect();
    let servers = rows(snapshot, filter)
        .into_iter()
        .map(|(zone, s)| server_json(zone, s))
        .collect();
    InventoryJson {
        generated_at: rfc3339(now),
        zones,
        servers,
    }
}

fn server_json<'a>(zone: &'a str, s: &'a Server) -> ServerJson<'a> {
    ServerJson {
        zone,
        id: &s.id,
        name: &s.name,
        state: s.state.as_str(),
        running: s.state == State::Running,
        state_since: s.state_since.map(|since: StateSince| rfc3339(since.at)),
        state_change_observed: s.state_since.map(|since| since.observed_change),
        commercial_type: &s.commercial_type,
        arch: &s.arch,
        image_name: &s.image_name,
        project_id: &s.project_id,
        organization_id: &s.organization_id,
        created_at: s.created.and_then(rfc3339_from_unix),
        modified_at: s.modified.and_then(rfc3339_from_unix),
        volumes: s.volumes.iter().map(volume_json).collect(),
        tags: &s.tags,
        addresses: s
            .addresses
            .iter()
            .map(|a| AddressJson {
                address: &a.address,
                family: a.family.as_str(),
                scope: a.scope.as_str(),
            })
            .collect(),
    }
}

fn volume_json(v: &Volume) -> VolumeJson<'_> {
    VolumeJson {
        id: &v.id,
        index: &v.index,
        volume_type: &v.volume_type,
        name: &v.name,
        size_bytes: v.size,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::model;
    use crate::inventory::servers_from_api;

    fn snapshot_of(json: &str) -> Snapshot {
        let page: model::ServersPage = serde_json::from_str(json).unwrap();
        let servers = servers_from_api(page.servers, &[]);
        Snapshot::new(&["fr-par-1".to_owned(), "nl-ams-1".to_owned()]).with_poll(
            "fr-par-1",
            Ok(servers),
            SystemTime::UNIX_EPOCH + Duration::from_secs(1_000),
            Duration::ZERO,
        )
    }

    fn query(zone: Option<&str>, state: Option<&str>) -> FleetQuery {
        FleetQuery {
            zone: zone.map(str::to_owned),
            state: state.map(str::to_owned),
        }
    }

    const NOW: Duration = Duration::from_secs(1_600);

    #[test]
    fn names_with_markup_quotes_and_newlines_are_escaped_everywhere() {
        let snapshot = snapshot_of(
            r#"{"servers":[{"id":"x\"><script>","name":"<b>web</b> & \"db\"\n'two'","state":"stopped",
                "tags":["<i>t</i>"],"commercial_type":"DEV1-S<","volumes":{"0":{"id":"v","name":"a&b","volume_type":"l_ssd","size":20000000000}}}]}"#,
        );
        let html = fleet_html(
            &snapshot,
            &FleetQuery::default(),
            SystemTime::UNIX_EPOCH + NOW,
        );
        assert!(!html.contains("<b>web"), "{html}");
        assert!(!html.contains("<script>"), "{html}");
        assert!(!html.contains("<i>t"), "{html}");
        assert!(html.contains("&lt;b&gt;web&lt;/b&gt; &amp; &quot;db&quot;\n&#39;two&#39;"));
        assert!(html.contains("data-server-id=\"x&quot;&gt;&lt;script&gt;\""));
        assert!(html.contains("DEV1-S&lt;"));
        assert!(html.contains("a&amp;b <span class=\"muted\">(l_ssd, 20 GB)</span>"));
    }

    #[test]
    fn servers_not_running_come_first_and_are_marked() {
        let snapshot = snapshot_of(
            r#"{"servers":[{"id":"1","name":"a","state":"running"},{"id":"2","name":"b","state":"stopped"},
                {"id":"3","name":"c","state":"running"},{"id":"4","name":"d","state":"locked"}]}"#,
        );
        let order: Vec<&str> = rows(&snapshot, &Filter::default())
            .iter()
            .map(|(_, s)| s.id.as_str())
            .collect();
        assert_eq!(order, ["2", "4", "1", "3"]);
        let html = fleet_html(
            &snapshot,
            &FleetQuery::default(),
            SystemTime::UNIX_EPOCH + NOW,
        );
        assert!(html.contains(
            "<tr class=\"not-running\" data-zone=\"fr-par-1\" data-state=\"stopped\" data-server-id=\"2\">"
        ));
        assert!(html.contains("4 of 4 servers shown, 2 not running."));
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
        let html = fleet_html(
            &snapshot,
            &query(None, Some("<asleep>")),
            SystemTime::UNIX_EPOCH + NOW,
        );
        assert!(
            html.contains("unknown state &quot;&lt;asleep&gt;&quot;"),
            "{html}"
        );
    }

    #[test]
    fn the_form_keeps_the_chosen_filter_selected() {
        let snapshot = snapshot_of(r#"{"servers":[]}"#);
        let html = fleet_html(
            &snapshot,
            &query(Some("nl-ams-1"), Some("stopped in place")),
            SystemTime::UNIX_EPOCH + NOW,
        );
        assert!(html.contains("<option value=\"nl-ams-1\" selected>nl-ams-1</option>"));
        assert!(html.contains("<option value=\"stopped in place\" selected>"));
        assert!(
            html.contains("href=\"/inventory.json?zone=nl-ams-1&amp;state=stopped%20in%20place\"")
        );
    }

    #[test]
    fn since_shows_the_age_and_marks_a_state_found_at_first_sight() {
        let snapshot = snapshot_of(r#"{"servers":[{"id":"1","state":"running"}]}"#);
        let html = fleet_html(
            &snapshot,
            &FleetQuery::default(),
            SystemTime::UNIX_EPOCH + NOW,
        );
        assert!(
            html.contains(
                "<td class=\"since bounded\" title=\"1970-01-01T00:16:40Z\">10m ago</td>"
            ),
            "{html}"
        );
    }

    #[test]
    fn sizes_read_in_decimal_units() {
        assert_eq!(human_size(20_000_000_000), "20 GB");
        assert_eq!(human_size(1_500_000_000_000), "1.5 TB");
        assert_eq!(human_size(999), "999 B");
        assert_eq!(human_size(u64::MAX), "18446744.1 TB");
    }

    #[test]
    fn the_json_carries_every_field_of_the_table() {
        let snapshot = snapshot_of(
            r#"{"servers":[{"id":"1","name":"n","state":"stopped","tags":["a"],
                "public_ips":[{"address":"51.15.1.2","family":"inet"}],
                "volumes":{"0":{"id":"v","volume_type":"l_ssd","size":10}},
                "creation_date":"2026-07-20T14:35:34Z"}]}"#,
        );
        let json = serde_json::to_value(inventory_json(
            &snapshot,
            &Filter::default(),
            SystemTime::UNIX_EPOCH + NOW,
        ))
        .unwrap();
        let server = &json["servers"][0];
        assert_eq!(server["state"], "stopped");
        assert_eq!(server["running"], false);
        assert_eq!(server["state_since"], "1970-01-01T00:16:40Z");
        assert_eq!(server["state_change_observed"], false);
        assert_eq!(server["volumes"][0]["size_bytes"], 10);
        assert_eq!(server["tags"][0], "a");
        assert_eq!(server["addresses"][0]["scope"], "public");
        assert_eq!(server["created_at"], "2026-07-20T14:35:34Z");
        assert_eq!(json["zones"][1]["zone"], "nl-ams-1");
        assert_eq!(json["zones"][1]["last_poll_ok"], serde_json::Value::Null);
    }
}
