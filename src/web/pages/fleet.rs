//! The fleet on the landing page: the filter form and the table of servers, those not
//! running first. No JavaScript: a form of two selects. The table stops at
//! [`MAX_HTML_ROWS`]; `/inventory.json` has every server.
//!
//! Written with maud's `html!`, which escapes every `(expression)` it interpolates, in
//! element text and attribute values alike: a server name may hold `<`, `&`, quotes or a
//! newline, and no call site has to remember it. `PreEscaped` holds only constants of this
//! file (an entity), never a text from the API or the request.

use std::time::{Duration, SystemTime};

use maud::{html, Markup, PreEscaped};

use super::filter::{rows, FleetQuery};
use super::rfc3339;
use crate::inventory::{Server, Snapshot, State};

/// The most rows the HTML table shows; a page of 10,000 rows helps no one and costs
/// megabytes per view. The JSON has them all; the filters narrow the table.
pub const MAX_HTML_ROWS: usize = 500;

/// The CSS of the fleet section, for the page's `<style>`.
pub const STYLE: &str = "\
form{margin:1em 0}select,button{font:inherit;margin-right:.5em}\
table.fleet td{vertical-align:top}table.fleet td:nth-child(-n+5){white-space:nowrap}\
tr.not-running{background:#fff4f4}tr.not-running td:first-child{border-left:4px solid #cf222e}\
td.state.not-running{color:#cf222e;font-weight:bold}td.state.running{color:#1a7f37}\
td.since.bounded::before{content:\"\\2265\\00a0\"}\
.muted{color:#666}ul.cell{margin:0;padding:0;list-style:none}\
code{background:#f3f3f3;padding:0 .2em}";

/// The fleet section of the landing page: the filter form, then the table (or, for a bad
/// filter, what is wrong with it), with ages as of `now` and saying so. Unfiltered, it is
/// rendered once per poll ([`super::encode_pages`]), so `now` is then the end of the poll.
pub fn fleet_html(snapshot: &Snapshot, query: &FleetQuery, now: SystemTime) -> Markup {
    let filter = match query.filter() {
        Ok(filter) => filter,
        Err(e) => {
            return html! {
                (heading_and_form(snapshot, query))
                p class="failed" { (e) } "\n"
            }
        }
    };
    let rows = rows(snapshot, &filter);
    let not_running = rows
        .iter()
        .filter(|(_, s)| s.state != State::Running)
        .count();
    html! {
        (heading_and_form(snapshot, query))
        p id="fleet-summary" {
            (rows.len()) " of " (snapshot.server_count()) " servers shown, "
            (not_running) " not running. "
            a href={ "/inventory.json" (filter.query_string()) } { "This list as JSON" } "."
        } "\n"
        @if rows.len() > MAX_HTML_ROWS {
            p class="muted" {
                "The table shows the first " (MAX_HTML_ROWS) " (those not running come first); \
                 filter by zone or state, or read the JSON, for the others."
            } "\n"
        }
        table class="fleet" {
            thead { tr {
                th { "name" } th { "zone" } th { "state" } th { "since" }
                th { "type" } th { "volumes" } th { "tags" } th { "addresses" }
            } }
            tbody {
                "\n"
                @for (zone, server) in rows.iter().take(MAX_HTML_ROWS) {
                    (server_row(zone, server, now)) "\n"
                }
            }
        } "\n"
        p class="muted" {
            "Ages as of " time id="fleet-as-of" datetime=(rfc3339(now)) { (rfc3339(now)) } ". "
            "Since: when this exporter first saw the server in its state, to within a poll \
             interval; " (PreEscaped("&ge;")) " marks a state the server was already in when \
             this exporter first saw it (after a restart, or a new server), which began then \
             or earlier."
        } "\n"
    }
}

fn heading_and_form(snapshot: &Snapshot, query: &FleetQuery) -> Markup {
    let chosen_zone = query.zone.as_deref().unwrap_or("");
    let chosen_state = query.state.as_deref().unwrap_or("");
    html! {
        h2 id="fleet" { "Fleet" } "\n"
        form method="get" action="/#fleet" {
            label {
                "zone "
                select name="zone" {
                    option value="" { "all" }
                    @for zone in snapshot.zones.keys() {
                        option value=(zone) selected[chosen_zone == zone] { (zone) }
                    }
                }
            }
            " "
            label {
                "state "
                select name="state" {
                    option value="" { "all" }
                    @for state in State::ALL {
                        option value=(state.as_str()) selected[chosen_state == state.as_str()] {
                            (state.as_str())
                        }
                    }
                }
            }
            " " button type="submit" { "Filter" }
            " " a href="/#fleet" { "clear" }
        } "\n"
    }
}

fn server_row(zone: &str, server: &Server, now: SystemTime) -> Markup {
    let class = if server.state == State::Running {
        "running"
    } else {
        "not-running"
    };
    html! {
        tr class=(class) data-zone=(zone) data-state=(server.state.as_str())
            data-server-id=(server.id) {
            td title=(server.id) { (server.name) }
            td { (zone) }
            td class={ "state " (class) } { (server.state.as_str()) }
            @match server.state_since {
                Some(since) => {
                    td class={ "since" @if !since.observed_change { " bounded" } }
                        title=(rfc3339(since.at)) { (age(now, since.at)) }
                }
                None => { td class="since" { "-" } }
            }
            td { (server.commercial_type) }
            td { ul class="cell" {
                @for volume in &server.volumes {
                    li {
                        (if volume.name.is_empty() { &volume.id } else { &volume.name })
                        " "
                        span class="muted" {
                            "(" (volume.volume_type) ", "
                            (volume.size.map_or_else(|| "size unknown".to_owned(), human_size))
                            ")"
                        }
                    }
                }
            } }
            td {
                @for (i, tag) in server.tags.iter().enumerate() {
                    @if i > 0 { " " }
                    code { (tag) }
                }
            }
            td { ul class="cell" {
                @for address in &server.addresses {
                    li {
                        (address.address) " "
                        span class="muted" { "(" (address.scope.as_str()) ")" }
                    }
                }
            } }
        }
    }
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::web::pages::tests::{query, snapshot_of, NOW};

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
        )
        .into_string();
        assert!(!html.contains("<b>web"), "{html}");
        assert!(!html.contains("<script>"), "{html}");
        assert!(!html.contains("<i>t"), "{html}");
        // maud leaves `'` as it is: every attribute it writes is in double quotes.
        assert!(html.contains("&lt;b&gt;web&lt;/b&gt; &amp; &quot;db&quot;\n'two'"));
        assert!(html.contains("data-server-id=\"x&quot;&gt;&lt;script&gt;\""));
        assert!(html.contains("DEV1-S&lt;"));
        assert!(html.contains("a&amp;b <span class=\"muted\">(l_ssd, 20 GB)</span>"));
    }

    #[test]
    fn servers_not_running_are_marked() {
        let snapshot = snapshot_of(
            r#"{"servers":[{"id":"1","name":"a","state":"running"},{"id":"2","name":"b","state":"stopped"},
                {"id":"3","name":"c","state":"running"},{"id":"4","name":"d","state":"locked"}]}"#,
        );
        let html = fleet_html(
            &snapshot,
            &FleetQuery::default(),
            SystemTime::UNIX_EPOCH + NOW,
        )
        .into_string();
        assert!(html.contains(
            "<tr class=\"not-running\" data-zone=\"fr-par-1\" data-state=\"stopped\" data-server-id=\"2\">"
        ));
        assert!(html.contains("4 of 4 servers shown, 2 not running."));
    }

    #[test]
    fn an_unknown_state_is_said_escaped_above_no_table() {
        let snapshot = snapshot_of(r#"{"servers":[{"id":"1","state":"running"}]}"#);
        let html = fleet_html(
            &snapshot,
            &query(None, Some("<asleep>")),
            SystemTime::UNIX_EPOCH + NOW,
        )
        .into_string();
        assert!(
            html.contains("unknown state &quot;&lt;asleep&gt;&quot;"),
            "{html}"
        );
        assert!(!html.contains("<table"), "{html}");
    }

    #[test]
    fn the_form_keeps_the_chosen_filter_selected() {
        let snapshot = snapshot_of(r#"{"servers":[]}"#);
        let html = fleet_html(
            &snapshot,
            &query(Some("nl-ams-1"), Some("stopped in place")),
            SystemTime::UNIX_EPOCH + NOW,
        )
        .into_string();
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
        )
        .into_string();
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
}
