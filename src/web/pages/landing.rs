//! The landing page: what the exporter is, a banner while no zone has ever been polled
//! successfully, each zone's last poll, then the fleet.
//! The part above the fleet table is rendered per request, since it says how long ago each
//! zone was polled; the fleet table is the same for every request until the next poll.
//!
//! Written with maud's `html!`, which escapes every `(expression)`: a poll's error text
//! quotes what the API sent. `PreEscaped` holds only this crate's constants (the CSS, an
//! entity) and the fleet section, which is itself maud markup.

use std::time::{Duration, SystemTime};

use std::collections::BTreeMap;

use maud::{html, Markup, PreEscaped, DOCTYPE};

use super::fleet;
use super::rows::{never_succeeded, zone_states};
use crate::build_info;
use crate::inventory::{Snapshot, ZoneState};
use crate::published::Published;

/// The CSS of the page, before the fleet section's.
const STYLE: &str = "body{font-family:sans-serif;margin:2em}table{border-collapse:collapse}\
td,th{border:1px solid #ccc;padding:.3em .6em;text-align:left}.ok{color:#1a7f37}\
table.zones td:not(.failed),table.zones th{white-space:nowrap}\
.failed{color:#cf222e;overflow-wrap:anywhere}\
.banner{border:2px solid #cf222e;background:#fff4f4;padding:.2em 1em;margin:1em 0}\
@media (max-width:600px){body{margin:.5em}}";

const MIDDOT: PreEscaped<&str> = PreEscaped(" &middot; ");

/// What closes the page after the fleet section.
pub const LANDING_TAIL: &str = "</body></html>\n";

/// The landing page: [`landing_head`], then `fleet` (the section from
/// [`fleet::fleet_html`]), then [`LANDING_TAIL`].
pub fn landing_page(
    published: &Published,
    telemetry_path: &str,
    now: SystemTime,
    fleet: Markup,
) -> String {
    let mut page = landing_head(published, telemetry_path, now);
    page.push_str(&fleet.into_string());
    page.push_str(LANDING_TAIL);
    page
}

/// The page up to its fleet section: what the exporter is, and each zone's last poll with
/// its age at `now`. It is rendered per request (a few KB); the fleet section below it is
/// encoded once per poll.
pub fn landing_head(published: &Published, telemetry_path: &str, now: SystemTime) -> String {
    let head = html! {
        head {
            meta charset="utf-8";
            meta name="viewport" content="width=device-width, initial-scale=1";
            title { "Scaleway exporter" } "\n"
            style { (PreEscaped(STYLE)) (PreEscaped(fleet::STYLE)) } "\n"
        }
    };
    let body = html! {
        "\n"
        h1 { "Scaleway exporter" } "\n"
        p {
            "Version " (build_info::VERSION) " (revision " (build_info::REVISION)
            ", rustc " (build_info::RUSTC_VERSION) ")."
        } "\n"
        p {
            "Metrics: " a href=(telemetry_path) { (telemetry_path) } ". Also served: "
            a href="/inventory.json" { "/inventory.json" }
            (MIDDOT) a href="/healthz" { "/healthz" }
            (MIDDOT) a href="/readyz" { "/readyz" }
            (MIDDOT) a href="/runbook" { "/runbook" } " (what to do when an alert fires)."
        } "\n"
        p {
            (published.snapshot.server_count()) " servers, "
            (published.exposition.series) " series in the last encoding."
        } "\n"
        @if never_succeeded(&published.snapshot) { (banner(&published.snapshot)) }
        div class="scroll" { table class="zones" {
            thead { tr {
                th { "product" } th { "zone" } th { "servers" } th { "last poll" } th { "age" }
                th { "last success" } th { "duration" }
            } }
            tbody {
                "\n"
                @for (product, name, zone) in zone_states(&published.snapshot) {
                    (zone_row(product, name, zone, now)) "\n"
                }
            }
        } } "\n"
    };
    // The open `<html>` and `<body>` are closed by LANDING_TAIL, after the fleet section.
    let mut page = html! { (DOCTYPE) "\n" }.into_string();
    page.push_str("<html lang=\"en\">");
    page.push_str(&head.into_string());
    page.push_str("<body>");
    page.push_str(&body.into_string());
    page
}

/// Said above all else while no zone has ever answered: the page would otherwise show an
/// empty fleet as if there were no servers. Zones that failed for the same reason share a
/// line.
fn banner(snapshot: &Snapshot) -> Markup {
    let mut errors: BTreeMap<String, Vec<&str>> = BTreeMap::new();
    for (_, name, zone) in zone_states(snapshot) {
        if let Some(error) = zone.last_error() {
            errors.entry(error.to_string()).or_default().push(name);
        }
    }
    html! {
        div class="banner" id="never-polled" role="alert" {
            p { strong {
                "No zone has been polled successfully yet: check --scaleway.api-url and the key."
            } }
            ul {
                @for (error, zones) in &errors {
                    li { (zones.join(", ")) ": " span class="failed" { (error) } }
                }
            }
        } "\n"
    }
}

fn zone_row(product: &str, name: &str, zone: &ZoneState, now: SystemTime) -> Markup {
    let last_success = zone
        .last_success
        .map_or_else(|| "never".to_owned(), |at| age_text(now, at));
    html! {
        tr {
            td { (product) }
            td { (name) }
            td { (zone.server_count()) }
            @match &zone.last_poll {
                None => {
                    td { "not yet polled" }
                    td { "-" }
                    td { (last_success) }
                    td { "-" }
                }
                Some(poll) => {
                    @match &poll.error {
                        None => { td class="ok" { "ok" } }
                        Some(error) => { td class="failed" { "failed: " (error) } }
                    }
                    td { (age_text(now, poll.at)) }
                    td { (last_success) }
                    td { (duration_text(poll.duration)) }
                }
            }
        }
    }
}

/// A poll's duration: milliseconds below a second (a poll of the simulator takes a few),
/// seconds with two decimals above.
fn duration_text(duration: Duration) -> String {
    match duration.as_millis() {
        0 => "< 1 ms".to_owned(),
        ms @ 1..=999 => format!("{ms} ms"),
        _ => format!("{:.2} s", duration.as_secs_f64()),
    }
}

fn age_text(now: SystemTime, at: SystemTime) -> String {
    let age = now.duration_since(at).unwrap_or(Duration::ZERO);
    format!(
        "{} ago",
        humantime::format_duration(Duration::from_secs(age.as_secs()))
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_poll_duration_is_said_in_milliseconds_below_a_second_and_in_seconds_above() {
        let said = |ms: u64| duration_text(Duration::from_micros(ms * 1000 + 400));
        assert_eq!(duration_text(Duration::from_micros(300)), "< 1 ms");
        assert_eq!(said(3), "3 ms");
        assert_eq!(said(999), "999 ms");
        assert_eq!(said(1_234), "1.23 s");
    }
}
