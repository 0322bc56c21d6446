//! The fleet on the landing page: the summary by product, zone and state, the filter form,
//! the legend and the table of servers, those not running first. No JavaScript: a form of
//! checkboxes. The table stops at [`MAX_HTML_ROWS`], and says so; `/inventory.json` has
//! every server.
//!
//! Written with maud's `html!`, which escapes every `(expression)` it interpolates, in
//! element text and attribute values alike: a server name may hold `<`, `&`, quotes or a
//! newline, and no call site has to remember it. `PreEscaped` holds only constants of this
//! file (an entity), never a text from the API or the request.

use std::time::{Duration, SystemTime};

use maud::{html, Markup, PreEscaped};

use super::filter::{rows, Filter, FleetQuery};
use super::rfc3339;
use super::rows::{not_up, polled_products, state_labels, zone_labels, FleetRow};
use super::summary::{summarize, summary_html};
use crate::inventory::{Snapshot, Volume};

/// The most rows the HTML table shows; a page of 10,000 rows helps no one and costs
/// megabytes per view. The JSON has them all; the filters narrow the table.
pub const MAX_HTML_ROWS: usize = 500;

/// The CSS of the fleet section, for the page's `<style>`.
pub const STYLE: &str = "\
form.filters{margin:1em 0}form.filters fieldset{display:inline-block;border:1px solid #ccc;\
margin:0 .5em .5em 0;padding:.2em .6em;vertical-align:top}\
form.filters label{white-space:nowrap;margin-right:.6em}select,button{font:inherit}\
.scroll{overflow-x:auto;max-width:100%}\
table.fleet td{vertical-align:top}table.fleet td:nth-child(-n+6){white-space:nowrap}\
td.volumes{white-space:nowrap;max-width:14em;overflow:hidden;text-overflow:ellipsis}\
td.addresses span{white-space:nowrap}td.tags{min-width:9em}table.fleet{font-size:.9em}table.summary td,table.summary th{white-space:nowrap}\
tr.not-running{background:#fff4f4}tr.not-running td:first-child{border-left:4px solid #cf222e}\
.state.not-running,td.not-running a{color:#cf222e;font-weight:bold}.state.up{color:#1a7f37}\
td.since.bounded::before{content:\"\\2265\\00a0\"}\
.legend .swatch{display:inline-block;width:.8em;height:.8em;vertical-align:middle;\
margin-right:.2em}.swatch.up{background:#1a7f37}.swatch.not-running{background:#cf222e}\
table.summary tfoot td{font-weight:bold}\
.muted{color:#666}code{background:#f3f3f3;padding:0 .2em}";

/// The fleet section of the landing page: the summary, the filter form, then the legend and
/// the table (or, for a refused filter, the one sentence that says why), with ages as of
/// `now` and saying so. Unfiltered, it is rendered once per poll ([`super::encode_pages`]),
/// so `now` is then the end of the poll.
pub fn fleet_html(snapshot: &Snapshot, query: &FleetQuery, now: SystemTime) -> Markup {
    let (filter, refused) = query.parse(snapshot);
    let summary = summarize(snapshot);
    html! {
        h2 id="fleet" { "Fleet" } "\n"
        div class="scroll" { (summary_html(&summary)) }
        (form(snapshot, &filter))
        @match refused {
            Some(refused) => { p class="failed" id="filter-error" { (refused) } "\n" }
            None => { (table(snapshot, &filter, summary.total.servers, now)) }
        }
    }
}

fn table(snapshot: &Snapshot, filter: &Filter, total: usize, now: SystemTime) -> Markup {
    let rows = rows(snapshot, filter);
    let matching = rows.len();
    let shown = matching.min(MAX_HTML_ROWS);
    let not_running = rows.iter().filter(|row| !row.up).count();
    let not_up = not_up(snapshot);
    let json = format!("/inventory.json{}", filter.query_string());
    html! {
        p id="fleet-shown" {
            @if shown < matching {
                strong { (shown) " of " (matching) " shown" }
                @if *filter != Filter::default() { " (of " (total) " servers)" }
                ", " (not_running) " " (not_up) ": the table stops at " (MAX_HTML_ROWS)
                " rows, those " (not_up) " first. To see the rest, narrow it with the filters \
                 above, or read all " (matching) " in " a href=(json) { (json) } "."
            } @else if *filter == Filter::default() {
                "All " (total) " servers shown, " (not_running) " " (not_up) ". "
                a href=(json) { "This list as JSON" } "."
            } @else {
                (matching) " of " (total) " servers match the filter, all shown, "
                (not_running) " " (not_up) ". "
                a href=(json) { "This list as JSON" } "."
            }
        } "\n"
        (legend(snapshot))
        div class="scroll" {
            table class="fleet" {
                thead { tr {
                    th { "product" } th { "name" } th { "zone" } th { "state" } th { "since" }
                    th { "type" } th { "volumes" } th { "tags" } th { "addresses" }
                } }
                tbody {
                    "\n"
                    @for row in rows.iter().take(MAX_HTML_ROWS) {
                        (server_row(row, now)) "\n"
                    }
                }
            }
        } "\n"
        p class="muted" {
            "Ages as of " time id="fleet-as-of" datetime=(rfc3339(now)) { (rfc3339(now)) } "."
        } "\n"
    }
}

/// What the colours and marks of the table mean, above it: each polled product's up state
/// once, in green; every other state is not up, in red.
fn legend(snapshot: &Snapshot) -> Markup {
    let products = polled_products(snapshot);
    let mut up: Vec<(&str, Vec<&str>)> = Vec::new();
    for product in &products {
        let state = product.up_state().label();
        match up.iter_mut().find(|(s, _)| *s == state) {
            Some((_, titles)) => titles.push(product.title()),
            None => up.push((state, vec![product.title()])),
        }
    }
    html! {
        p class="legend" id="legend" {
            span class="swatch up" {}
            @for (i, (state, titles)) in up.iter().enumerate() {
                @if i > 0 { ", " }
                span class="state up" { (state) }
                @if products.len() > 1 { " (" (titles.join(", ")) ")" }
            }
            ": up. " span class="swatch not-running" {}
            "Any other state: " (not_up(snapshot)) ", listed first, with a red bar. "
            "Since: when this exporter first saw the server in its state, to within a poll \
             interval; " (PreEscaped("&ge;")) " marks a state the server was already in when \
             this exporter first saw it (after a restart, or a new server), which began then \
             or earlier. Volumes and addresses: hover for details."
        } "\n"
    }
}

fn form(snapshot: &Snapshot, filter: &Filter) -> Markup {
    let box_ = |name: &'static str, value: &str, checked: bool| {
        html! {
            label { input type="checkbox" name=(name) value=(value) checked[checked]; " " (value) }
            " "
        }
    };
    html! {
        form class="filters" method="get" action="/#fleet" {
            fieldset { legend { "product" }
                @for product in polled_products(snapshot) {
                    (box_("product", product.label(), filter.products.contains(product.label())))
                }
            }
            fieldset { legend { "zone" }
                @for zone in zone_labels(snapshot) {
                    (box_("zone", zone, filter.zones.contains(zone)))
                }
            }
            fieldset { legend { "state" }
                @for state in state_labels(snapshot) {
                    (box_("state", state, filter.states.contains(state)))
                }
            }
            fieldset { legend { "up" }
                select name="up" {
                    option value="" { "all" }
                    option value="false" selected[filter.up == Some(false)] { (not_up(snapshot)) }
                    option value="true" selected[filter.up == Some(true)] { "up" }
                }
            }
            " " button type="submit" { "Filter" }
            " " a href="/#fleet" { "clear" }
        } "\n"
        p class="muted" {
            "A box left blank is all of them. In the URL, as on " code { "/inventory.json" } ": "
            code { "product" } ", " code { "zone" } ", " code { "state" } " and " code { "up" }
            ", each repeated or as a comma list (" code { "?state=stopped,starting" } "), in any \
             case, " code { "_" } " for a space; " code { "up=false" } " keeps the servers not \
             running. A value that names nothing is refused (400), saying what is accepted."
        } "\n"
    }
}

fn server_row(row: &FleetRow, now: SystemTime) -> Markup {
    let class = if row.up { "up" } else { "not-running" };
    html! {
        tr class=(class) data-product=(row.product) data-zone=(row.zone) data-state=(row.state)
            data-server-id=(row.id) {
            td { (row.product) }
            td title=(row.id) { (row.name) }
            td { (row.zone) }
            td class={ "state " (class) } { (row.state) }
            @match row.since {
                Some(since) => {
                    td class={ "since" @if !since.observed_change { " bounded" } }
                        title=(rfc3339(since.at)) { (age(now, since.at)) }
                }
                None => { td class="since" { "-" } }
            }
            td { (row.server_type) }
            td class="volumes" title=(volume_details(row.volumes)) {
                (volume_line(row.volumes))
            }
            td class="tags" {
                @for (i, tag) in row.tags.iter().enumerate() {
                    @if i > 0 { " " }
                    code { (tag) }
                }
            }
            td class="addresses" {
                @for (i, address) in row.addresses.iter().enumerate() {
                    @if i > 0 { ", " }
                    span title={ (address.scope.as_str()) " " (address.family.as_str()) } {
                        (address.address)
                    }
                }
            }
        }
    }
}

/// The volumes on one line: `0: 20 GB l_ssd, 1: 100 GB sbs_volume`.
fn volume_line(volumes: &[Volume]) -> String {
    let mut line = String::new();
    for (i, volume) in volumes.iter().enumerate() {
        if i > 0 {
            line.push_str(", ");
        }
        let size = volume.size.map_or_else(|| "?".to_owned(), human_size);
        line.push_str(&format!("{}: {size} {}", volume.index, volume.volume_type));
    }
    line
}

/// Each volume's name, id, type and size, a line each, for the cell's title.
fn volume_details(volumes: &[Volume]) -> String {
    let lines: Vec<String> = volumes
        .iter()
        .map(|volume| {
            let name = if volume.name.is_empty() {
                "(no name)"
            } else {
                &volume.name
            };
            let size = volume
                .size
                .map_or_else(|| "size unknown".to_owned(), human_size);
            format!(
                "{}: {name}, {}, {size}, id {}",
                volume.index, volume.volume_type, volume.id
            )
        })
        .collect();
    lines.join("\n")
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
        assert!(html.contains(
            "<td class=\"volumes\" title=\"0: a&amp;b, l_ssd, 20 GB, id v\">0: 20 GB l_ssd</td>"
        ));
    }

    #[test]
    fn the_legend_names_each_up_state_once_and_says_not_up_for_a_mix_of_products() {
        let mut snapshot = snapshot_of(r#"{"servers":[{"id":"1","state":"stopped"}]}"#);
        for product in crate::product::Product::ALL {
            snapshot.enabled.insert(product, true);
        }
        let html = fleet_html(
            &snapshot,
            &FleetQuery::default(),
            SystemTime::UNIX_EPOCH + NOW,
        )
        .into_string();
        assert!(
            html.contains(
                "<span class=\"state up\">running</span> (Instances), \
                 <span class=\"state up\">ready</span> (Elastic Metal, Apple silicon, Dedibox): up."
            ),
            "{html}"
        );
        assert!(
            html.contains("Any other state: not up, listed first"),
            "{html}"
        );
        assert!(html.contains("All 1 servers shown, 1 not up."), "{html}");
        assert!(html.contains(">not up</th>"), "{html}");
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
            "<tr class=\"not-running\" data-product=\"instance\" data-zone=\"fr-par-1\" data-state=\"stopped\" data-server-id=\"2\">"
        ));
        assert!(html.contains("<td class=\"state up\">running</td>"));
        assert!(
            html.contains("All 4 servers shown, 2 not running."),
            "{html}"
        );
        // The legend says which state is up and which are not.
        assert!(
            html.contains("<span class=\"state up\">running</span>: up."),
            "{html}"
        );
        assert!(
            html.contains("Any other state: not running, listed first, with a red bar."),
            "{html}"
        );
    }

    #[test]
    fn an_unknown_state_is_said_escaped_above_no_table() {
        let snapshot = snapshot_of(r#"{"servers":[{"id":"1","state":"running"}]}"#);
        let html = fleet_html(
            &snapshot,
            &query(&[("state", "<asleep>")]),
            SystemTime::UNIX_EPOCH + NOW,
        )
        .into_string();
        assert!(
            html.contains("filter state=&quot;&lt;asleep&gt;&quot; refused"),
            "{html}"
        );
        assert!(!html.contains("<table class=\"fleet\""), "{html}");
    }

    #[test]
    fn the_form_keeps_the_chosen_filter_checked() {
        let snapshot = snapshot_of(r#"{"servers":[]}"#);
        let html = fleet_html(
            &snapshot,
            &query(&[
                ("zone", "nl-ams-1"),
                ("state", "Stopped_In_Place,starting"),
                ("up", "false"),
            ]),
            SystemTime::UNIX_EPOCH + NOW,
        )
        .into_string();
        assert!(
            html.contains("value=\"nl-ams-1\" checked> nl-ams-1"),
            "{html}"
        );
        assert!(html.contains("value=\"fr-par-1\"> fr-par-1"), "{html}");
        assert!(
            html.contains("value=\"stopped in place\" checked>"),
            "{html}"
        );
        assert!(html.contains("value=\"starting\" checked>"), "{html}");
        assert!(html.contains("<option value=\"false\" selected>not running</option>"));
        assert!(html.contains(
            "href=\"/inventory.json?zone=nl-ams-1&amp;state=starting&amp;state=stopped%20in%20place&amp;up=false\""
        ), "{html}");
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
    fn volumes_read_on_one_line_with_their_details_in_the_title() {
        let snapshot = snapshot_of(
            r#"{"servers":[{"id":"1","state":"running","volumes":{
                "0":{"id":"a","name":"root","volume_type":"l_ssd","size":20000000000},
                "1":{"id":"b","volume_type":"sbs_volume"}}}]}"#,
        );
        let html = fleet_html(
            &snapshot,
            &FleetQuery::default(),
            SystemTime::UNIX_EPOCH + NOW,
        )
        .into_string();
        assert!(html.contains(
            "<td class=\"volumes\" title=\"0: root, l_ssd, 20 GB, id a\n1: (no name), sbs_volume, size unknown, id b\">0: 20 GB l_ssd, 1: ? sbs_volume</td>"
        ), "{html}");
    }

    #[test]
    fn past_the_cap_the_table_says_how_many_it_shows_and_how_to_see_the_rest() {
        let servers: Vec<String> = (0..MAX_HTML_ROWS + 20)
            .map(|i| {
                format!(
                    r#"{{"id":"{i}","state":"{}"}}"#,
                    if i % 10 == 0 { "stopped" } else { "running" }
                )
            })
            .collect();
        let snapshot = snapshot_of(&format!(r#"{{"servers":[{}]}}"#, servers.join(",")));
        let now = SystemTime::UNIX_EPOCH + NOW;
        let html = fleet_html(&snapshot, &FleetQuery::default(), now).into_string();
        assert_eq!(
            html.matches(" data-server-id=").count(),
            MAX_HTML_ROWS,
            "rows"
        );
        assert!(
            html.contains(
                "<strong>500 of 520 shown</strong>, 52 not running: the table stops at 500 rows"
            ),
            "{html}"
        );
        assert!(
            html.contains("or read all 520 in <a href=\"/inventory.json\">"),
            "{html}"
        );
        // Filtered, the link keeps the filter.
        let html = fleet_html(&snapshot, &query(&[("up", "true")]), now).into_string();
        assert!(
            html.contains("468 of 520 servers match the filter, all shown"),
            "{html}"
        );
        assert!(html.contains("<a href=\"/inventory.json?up=true\">This list as JSON</a>"));
    }

    #[test]
    fn sizes_read_in_decimal_units() {
        assert_eq!(human_size(20_000_000_000), "20 GB");
        assert_eq!(human_size(1_500_000_000_000), "1.5 TB");
        assert_eq!(human_size(999), "999 B");
        assert_eq!(human_size(u64::MAX), "18446744.1 TB");
    }
}
