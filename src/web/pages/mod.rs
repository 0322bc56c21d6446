//! The pages: the landing page, and the fleet as an HTML table and as JSON (pure).
//!
//! The fleet is every server of the latest snapshot as product-neutral rows, those not
//! running first, summarised by product, zone and state, and filterable with query
//! parameters (`/?zone=fr-par-1&state=stopped,starting&up=false`). Everything here
//! is a pure function of a snapshot, a filter and the time. [`encode_pages`] renders the
//! unfiltered views once per poll (the poller calls it); the handlers in `web/views.rs`
//! serve them, and render a filtered view per request.
//!
//! The HTML is written with maud's `html!`, which escapes every `(expression)` it
//! interpolates, in text and attribute values alike (`&`, `<`, `>`, `"`); `'` needs no
//! escaping, since maud puts every attribute in double quotes. JSON is written by serde.
//!
//! - `rows`: [`rows::FleetRow`], one server of any product as the views list it, and the
//!   products the pages know; a product is added there.
//! - `filter`: the query parameters, checked, and the rows they keep, in order.
//! - `summary`: the counts by product, zone and state.
//! - `fleet`: the fleet section of the landing page (summary, form, legend, table).
//! - `json`: `/inventory.json`.
//! - `landing`: the landing page around the fleet section.

use std::io::BufWriter;
use std::time::SystemTime;

use bytes::Bytes;
use chrono::{DateTime, SecondsFormat, Utc};

use crate::compress::{fit, gzip, GzipStream};
use crate::inventory::Snapshot;
use crate::published::{Encoded, Gzipped, Pages};

mod filter;
mod fleet;
mod json;
mod landing;
mod rows;
mod summary;

pub use filter::{Filter, FleetQuery};
pub use fleet::fleet_html;
pub use json::{error_json, inventory_json};
pub use landing::{landing_head, landing_page, LANDING_TAIL};

/// A time as both views write it: RFC 3339, UTC, to the second.
fn rfc3339(at: SystemTime) -> String {
    DateTime::<Utc>::from(at).to_rfc3339_opts(SecondsFormat::Secs, true)
}

/// The unfiltered pages of `snapshot`, as of `now`: the landing page from its fleet section
/// to its end, plain and gzipped, and `/inventory.json`, gzipped only (written straight into
/// the compressor, so its plain text, 8 MB at 10,000 servers, is never held). Called once per
/// poll, off the async threads; `previous` sizes the buffers.
pub fn encode_pages(snapshot: &Snapshot, now: SystemTime, previous: Option<&Pages>) -> Pages {
    let grown = |len: usize| len + len / 16;
    let mut fleet = fleet_html(snapshot, &FleetQuery::default(), now).into_string();
    fleet.push_str(LANDING_TAIL);
    let fleet_gzip = previous.map_or(fleet.len() / 6, |p| grown(p.landing_fleet.gzip.len()));
    let gzip = gzip(fleet.as_bytes(), fleet_gzip);
    let landing_fleet = Encoded {
        plain: Bytes::from(fit(fleet.into_bytes())),
        gzip: Bytes::from(fit(gzip)),
    };

    // About 160 bytes of gzip a server (for 790 of JSON) without a previous body to go by.
    let json_gzip = previous.map_or(snapshot.server_count() * 170 + 1024, |p| {
        grown(p.inventory_json.gzip.len())
    });
    let mut json = BufWriter::with_capacity(64 * 1024, GzipStream::new(json_gzip));
    serde_json::to_writer(
        &mut json,
        &inventory_json(snapshot, &Filter::default(), now),
    )
    .expect("writing to memory cannot fail");
    let (gzip, plain_len) = json
        .into_inner()
        .map_err(|e| e.into_error())
        .expect("writing to memory cannot fail")
        .finish();
    Pages {
        landing_fleet,
        inventory_json: Gzipped {
            gzip: Bytes::from(gzip),
            plain_len,
        },
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use std::time::{Duration, SystemTime};

    use super::*;
    use crate::inventory::fixtures::{failure, servers_from_json};
    use crate::inventory::Snapshot;
    use crate::product::{Product, ProductZone};

    const INSTANCE: Product = Product::Instance;

    /// The time the pages are rendered at in these tests: 600 s after the poll.
    pub const NOW: Duration = Duration::from_secs(1_600);

    /// Two zones, `fr-par-1` polled at 1,000 s with the servers of `json` (a servers page),
    /// `nl-ams-1` not yet polled.
    pub fn snapshot_of(json: &str) -> Snapshot {
        let zones = ["fr-par-1", "nl-ams-1"].map(|z| ProductZone::new(INSTANCE, z));
        Snapshot::of(zones).with_poll(
            INSTANCE,
            "fr-par-1",
            Ok(servers_from_json(json).into()),
            SystemTime::UNIX_EPOCH + Duration::from_secs(1_000),
            Duration::ZERO,
        )
    }

    /// A query of these pairs, as the URL would send them.
    pub fn query(pairs: &[(&str, &str)]) -> FleetQuery {
        FleetQuery::new(
            pairs
                .iter()
                .map(|(name, value)| ((*name).to_owned(), (*value).to_owned()))
                .collect(),
        )
    }

    /// A text as an operator could type it into a server's name, tags or type, or as an
    /// API could echo it back in an error: markup, an ampersand, quotes and a newline.
    fn hostile(field: &str) -> String {
        format!("<script>{field}</script> & \"q\"\n'{field}'")
    }

    /// [`hostile`] as it must appear in the HTML, written out by hand.
    fn escaped(field: &str) -> String {
        format!("&lt;script&gt;{field}&lt;/script&gt; &amp; &quot;q&quot;\n'{field}'")
    }

    /// A landing page whose every text is [`hostile`]: a zone that answered with one
    /// server, and fr-par-1 failing with a hostile error, rendered with `query`.
    fn hostile_landing(query: &FleetQuery) -> String {
        use std::sync::Arc;

        use crate::metrics::Exposition;
        use crate::published::Published;

        let zone = hostile("zone");
        let page = serde_json::json!({"servers": [{
            "id": hostile("id"),
            "name": hostile("name"),
            "state": "stopped",
            "commercial_type": hostile("type"),
            "image": {"name": hostile("image")},
            "tags": [hostile("tag"), "plain"],
            "volumes": {"0": {"id": "v", "name": hostile("volume"),
                              "volume_type": hostile("volume type"), "size": 20_000_000_000u64}},
        }]});
        let at = SystemTime::UNIX_EPOCH + Duration::from_secs(1_000);
        let zones = ["fr-par-1", &zone].map(|z| ProductZone::new(INSTANCE, z));
        let servers = servers_from_json(&page.to_string());
        let error = Err(failure(&hostile("error")).into());
        let snapshot = Snapshot::of(zones)
            .with_poll(INSTANCE, &zone, Ok(servers.into()), at, Duration::ZERO)
            .with_poll(INSTANCE, "fr-par-1", error, at, Duration::ZERO);
        let published = Published {
            snapshot: Arc::new(snapshot),
            exposition: Exposition::default(),
            pages: Default::default(),
        };
        let now = SystemTime::UNIX_EPOCH + NOW;
        let fleet = fleet_html(&published.snapshot, query, now);
        landing_page(&published, &hostile("path"), now, fleet)
    }

    #[test]
    fn hostile_texts_render_escaped_in_every_place_the_landing_page_shows_them() {
        let render = hostile_landing;
        let html = render(&FleetQuery::default());
        assert!(!html.contains("<script"), "{html}");
        let (zone, id) = (escaped("zone"), escaped("id"));
        for expected in [
            // The telemetry path, in the link and its text.
            format!("<a href=\"{0}\">{0}</a>", escaped("path")),
            // The zone table, with a poll's error text.
            format!("<tr><td>instance</td><td>{zone}</td><td>1</td><td class=\"ok\">ok</td>"),
            format!(
                "<td class=\"failed\">failed: servers request failed: {}</td>",
                escaped("error")
            ),
            // The filter form's boxes.
            format!("<input type=\"checkbox\" name=\"zone\" value=\"{zone}\"> {zone}</label>"),
            // The summary: its row and links.
            format!("data-product=\"instance\" data-zone=\"{zone}\" data-servers=\"1\""),
            format!("<td>{zone}</td><td><a href=\"/?product=instance&amp;zone=%3Cscript%3Ezone"),
            // The fleet row: attributes and cells.
            format!("<tr class=\"not-running\" data-product=\"instance\" data-zone=\"{zone}\" data-state=\"stopped\" data-server-id=\"{id}\">"),
            format!("<td title=\"{id}\">{}</td><td>{zone}</td>", escaped("name")),
            format!("<td>{}</td>", escaped("type")),
            format!(
                "<td class=\"volumes\" title=\"0: {}, {1}, 20 GB, id v\">0: 20 GB {1}</td>",
                escaped("volume"),
                escaped("volume type")
            ),
            format!("<code>{}</code> <code>plain</code>", escaped("tag")),
        ] {
            assert!(html.contains(&expected), "{expected:?} in {html}");
        }
        // The image name is not on the page (only in /inventory.json); neither is any of
        // its text unescaped.
        assert!(!html.contains("image</script>"), "{html}");

        // A zone chosen in the form, and a state that is none: the zone stays checked,
        // and the refusal quotes the state escaped.
        let html = render(&query(&[
            ("zone", &hostile("zone")),
            ("state", &hostile("state")),
        ]));
        assert!(!html.contains("<script"), "{html}");
        assert!(
            html.contains(&format!(
                "<input type=\"checkbox\" name=\"zone\" value=\"{zone}\" checked> {zone}</label>"
            )),
            "{html}"
        );
        assert!(
            html.contains(
                r#"<p class="failed" id="filter-error">filter state=&quot;&lt;script&gt;state&lt;/script&gt; &amp; \&quot;q\&quot;\n'state'&quot; refused: state is one of"#
            ),
            "{html}"
        );
    }
}
