//! The landing page: what the exporter is, each zone's last poll, then the fleet table.

use std::fmt::Write as _;
use std::time::{Duration, SystemTime};

use super::fleet;
use crate::build_info;
use crate::poller::Published;

/// The landing page: what the exporter is, each zone's last poll, then `fleet` (the table
/// of servers from [`fleet`]).
pub fn landing_page(
    published: &Published,
    telemetry_path: &str,
    now: SystemTime,
    fleet: &str,
) -> String {
    let mut html = String::with_capacity(4096);
    let path = escape_html(telemetry_path);
    let _ = write!(
        html,
        r#"<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>Scaleway exporter</title>
<style>body{{font-family:sans-serif;margin:2em}}table{{border-collapse:collapse}}td,th{{border:1px solid #ccc;padding:.3em .6em;text-align:left}}.ok{{color:#1a7f37}}.failed{{color:#cf222e}}{fleet_style}</style>
</head><body>
<h1>Scaleway exporter</h1>
<p>Version {version} (revision {revision}, rustc {rustc}). Metrics: <a href="{path}">{path}</a> &middot; <a href="/inventory.json">/inventory.json</a> &middot; <a href="/healthz">/healthz</a> &middot; <a href="/readyz">/readyz</a></p>
<p>{servers} servers, {series} series in the last encoding.</p>
<table><thead><tr><th>zone</th><th>servers</th><th>last poll</th><th>age</th><th>last success</th><th>duration</th></tr></thead><tbody>
"#,
        version = escape_html(build_info::VERSION),
        revision = escape_html(build_info::REVISION),
        rustc = escape_html(build_info::RUSTC_VERSION),
        servers = published.snapshot.server_count(),
        series = published.exposition.series,
        fleet_style = fleet::STYLE,
    );
    for (name, zone) in &published.snapshot.zones {
        let (result, age, duration) = match &zone.last_poll {
            None => (
                "<td>not yet polled</td>".to_owned(),
                "-".to_owned(),
                "-".to_owned(),
            ),
            Some(poll) => {
                let result = match &poll.error {
                    None => r#"<td class="ok">ok</td>"#.to_owned(),
                    Some(error) => {
                        format!(r#"<td class="failed">failed: {}</td>"#, escape_html(error))
                    }
                };
                (
                    result,
                    age_text(now, poll.at),
                    format!("{:.2}s", poll.duration.as_secs_f64()),
                )
            }
        };
        let last_success = zone
            .last_success
            .map_or_else(|| "never".to_owned(), |at| age_text(now, at));
        let _ = writeln!(
            html,
            "<tr><td>{}</td><td>{}</td>{result}<td>{age}</td><td>{last_success}</td><td>{duration}</td></tr>",
            escape_html(name),
            zone.servers.len(),
        );
    }
    html.push_str("</tbody></table>\n");
    html.push_str(fleet);
    html.push_str("</body></html>\n");
    html
}

fn age_text(now: SystemTime, at: SystemTime) -> String {
    let age = now.duration_since(at).unwrap_or(Duration::ZERO);
    format!(
        "{} ago",
        humantime::format_duration(Duration::from_secs(age.as_secs()))
    )
}

/// Escapes text for HTML element content and attribute values.
pub fn escape_html(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn html_escaping_covers_markup_and_quotes() {
        assert_eq!(
            escape_html(r#"<a href="x">'&'</a>"#),
            "&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;"
        );
    }
}
