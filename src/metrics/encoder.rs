//! Snapshot -> exposition text, and its gzip (pure). The reference families (server-type
//! catalog, projects) are written by `encoder/reference.rs`.

mod reference;

use std::io::Write as _;

use bytes::Bytes;
use prometheus::Encoder as _;

use super::descriptors::*;
use super::products::render_products;
use super::writer::{unix, Writer};
use super::OwnMetrics;
use crate::inventory::{Server, Snapshot, State};
/// The encoded body of `/metrics`, plain and gzipped; clones share the bytes.
#[derive(Debug, Clone)]
pub struct Exposition {
    pub text: Bytes,
    pub gzip: Bytes,
    pub series: usize,
}

/// Encodes the snapshot and the exporter's own metrics, and gzips the result. The
/// previous exposition, when there is one, sizes the buffers: a fleet changes little from
/// one poll to the next, and a buffer that doubles while it is written costs its size
/// again in memory at the worst moment.
pub fn exposition(
    snapshot: &Snapshot,
    own: &OwnMetrics,
    previous: Option<&Exposition>,
) -> Exposition {
    let text_hint = previous.map_or(0, |p| p.text.len() + p.text.len() / 16);
    let (text, series) = render_with_capacity(snapshot, own, text_hint);
    let gzip_hint = previous.map_or(text.len() / 6, |p| p.gzip.len() + p.gzip.len() / 16);
    let gzip = gzip(text.as_bytes(), gzip_hint);
    Exposition {
        text: Bytes::from(fit(text.into_bytes())),
        gzip: Bytes::from(fit(gzip)),
        series,
    }
}

/// Gives back the spare capacity of a buffer whose estimate was far off: the published
/// bytes live until the next poll.
fn fit(mut buffer: Vec<u8>) -> Vec<u8> {
    if buffer.capacity() > buffer.len() + buffer.len() / 8 {
        buffer.shrink_to_fit();
    }
    buffer
}

fn gzip(text: &[u8], capacity: usize) -> Vec<u8> {
    // Level 1: at 10,000 servers it compresses 23 MB in a seventh of the default level's
    // time for a body 15% larger (scripts/bench.sh, docs/performance.md).
    let mut encoder =
        flate2::write::GzEncoder::new(Vec::with_capacity(capacity), flate2::Compression::fast());
    encoder
        .write_all(text)
        .expect("writing to a Vec cannot fail");
    encoder.finish().expect("writing to a Vec cannot fail")
}

/// The exposition text and its number of series.
pub fn render(snapshot: &Snapshot, own: &OwnMetrics) -> (String, usize) {
    render_with_capacity(snapshot, own, 0)
}

fn render_with_capacity(snapshot: &Snapshot, own: &OwnMetrics, capacity: usize) -> (String, usize) {
    // Without a previous body to go by: about 2 KB of series per server.
    let capacity = if capacity > 0 {
        capacity
    } else {
        snapshot.server_count() * 2048 + 8192
    };
    let mut out = Writer {
        text: String::with_capacity(capacity),
        series: 0,
    };
    let each_server = || {
        snapshot.zones.iter().flat_map(|(zone, state)| {
            state
                .servers
                .iter()
                .map(move |server| (zone.as_str(), server))
        })
    };

    out.family(&SERVER_INFO);
    for (zone, s) in each_server() {
        let extra = [
            s.commercial_type.as_str(),
            &s.arch,
            &s.image_name,
            &s.project_id,
            &s.organization_id,
            &s.boot_type,
        ];
        out.sample(&SERVER_INFO, server_and(zone, s, extra), 1);
    }
    out.family(&SERVER_STATE);
    for (zone, s) in each_server() {
        for state in State::ALL {
            out.sample(
                &SERVER_STATE,
                server_and(zone, s, [state.as_str()]),
                u8::from(s.state == state),
            );
        }
    }
    for (descriptor, field) in [
        (
            &SERVER_CREATED,
            (|s: &Server| s.created) as fn(&Server) -> Option<f64>,
        ),
        (&SERVER_MODIFIED, |s: &Server| s.modified),
    ] {
        out.family(descriptor);
        for (zone, s) in each_server() {
            if let Some(seconds) = field(s) {
                out.sample(descriptor, server_values(zone, s), seconds);
            }
        }
    }
    out.family(&VOLUME_SIZE);
    for (zone, s) in each_server() {
        for volume in &s.volumes {
            if let Some(size) = volume.size {
                let extra = [
                    volume.id.as_str(),
                    &volume.index,
                    &volume.volume_type,
                    &volume.name,
                ];
                out.sample(&VOLUME_SIZE, server_and(zone, s, extra), size);
            }
        }
    }
    out.family(&SERVER_TAG);
    for (zone, s) in each_server() {
        for tag in &s.tags {
            out.sample(&SERVER_TAG, server_and(zone, s, [tag]), 1);
        }
    }
    out.family(&SERVER_IP);
    for (zone, s) in each_server() {
        for ip in &s.addresses {
            let extra = [ip.address.as_str(), ip.family.as_str(), ip.scope.as_str()];
            out.sample(&SERVER_IP, server_and(zone, s, extra), 1);
        }
    }
    out.family(&SERVER_MAINTENANCE);
    for (zone, s) in each_server() {
        for m in &s.maintenances {
            out.sample(&SERVER_MAINTENANCE, server_and(zone, s, [&m.reason]), 1);
        }
    }
    out.family(&SERVER_MAINTENANCE_START);
    for (zone, s) in each_server() {
        for m in &s.maintenances {
            if let Some(start) = m.start {
                let values = server_and(zone, s, [&m.reason]);
                out.sample(&SERVER_MAINTENANCE_START, values, start);
            }
        }
    }
    out.family(&SERVER_END_OF_SERVICE);
    for (zone, s) in each_server() {
        let value = u8::from(s.end_of_service);
        out.sample(&SERVER_END_OF_SERVICE, server_values(zone, s), value);
    }

    render_products(&mut out, snapshot);
    reference::render(snapshot, &mut out);

    out.family(&POLL_SUCCESS);
    for (product, zone, state) in snapshot.each_zone() {
        if state.last_poll.is_some() {
            let success = u8::from(state.last_poll_succeeded());
            out.sample(&POLL_SUCCESS, [product.label(), zone], success);
        }
    }
    out.family(&LAST_SUCCESS);
    for (product, zone, state) in snapshot.each_zone() {
        // 0 until the zone's first success: a zone that never succeeds is as stale as can be,
        // and an absent series would hide it from `time() - ... > 900`.
        let at = state.last_success.map_or(0.0, unix);
        out.sample(&LAST_SUCCESS, [product.label(), zone], at);
    }
    out.family(&POLL_DURATION);
    for (product, zone, state) in snapshot.each_zone() {
        if let Some(poll) = &state.last_poll {
            let seconds = poll.duration.as_secs_f64();
            out.sample(&POLL_DURATION, [product.label(), zone], seconds);
        }
    }
    out.family(&VOLUME_SIZES_SUCCESS);
    for (zone, state) in &snapshot.zones {
        if let Some(success) = state.volume_sizes_succeeded() {
            out.sample(&VOLUME_SIZES_SUCCESS, [zone], u8::from(success));
        }
    }
    out.family(&PRODUCT_ENABLED);
    for (product, enabled) in &snapshot.enabled {
        out.sample(&PRODUCT_ENABLED, [product.label()], u8::from(*enabled));
    }

    let families = own.registry.gather();
    out.series += families.iter().map(|f| f.get_metric().len()).sum::<usize>();
    let mut own_text = Vec::new();
    prometheus::TextEncoder::new()
        .encode(&families, &mut own_text)
        .expect("encoding to a Vec cannot fail");
    out.text
        .push_str(std::str::from_utf8(&own_text).expect("the text encoder writes UTF-8"));
    (out.text, out.series)
}

/// The values of [`SERVER_LABELS`] for a server, in their order.
fn server_values<'a>(zone: &'a str, s: &'a Server) -> [&'a str; SERVER_LABELS.len()] {
    [zone, &s.id, &s.name]
}

/// The values of [`SERVER_LABELS`] followed by a family's own: `N`, the family's number of
/// labels, must be their sum, or the build fails.
fn server_and<'a, const EXTRA: usize, const N: usize>(
    zone: &'a str,
    s: &'a Server,
    extra: [&'a str; EXTRA],
) -> [&'a str; N] {
    const { assert!(N == SERVER_LABELS.len() + EXTRA) };
    let mut values = [""; N];
    let (server, rest) = values.split_at_mut(SERVER_LABELS.len());
    server.copy_from_slice(&server_values(zone, s));
    rest.copy_from_slice(&extra);
    values
}

#[cfg(test)]
mod tests {
    use std::time::SystemTime;

    use super::*;
    use crate::metrics::escape_label_value;

    #[test]
    fn label_values_escape_backslash_quote_and_newline_and_keep_unicode() {
        let mut out = String::new();
        escape_label_value(&mut out, "a\\b \"c\"\nd – é 東京");
        assert_eq!(out, "a\\\\b \\\"c\\\"\\nd – é 東京");
    }

    /// Every family of the table is written, and each of its samples has the descriptor's
    /// label names, in its order: the values a call site gives by position land under the
    /// right names. (The count is checked when built: `Descriptor<N>` takes `[&str; N]`.)
    #[test]
    fn every_family_is_rendered_with_the_label_names_of_its_descriptor() {
        let page = r#"{"servers":[{"id":"s-1","name":"web","commercial_type":"DEV1-S",
            "arch":"x86_64","image":{"name":"Ubuntu"},"project":"p","organization":"o",
            "state":"running","creation_date":"2026-07-20T14:35:34Z",
            "modification_date":"2026-07-21T14:35:34Z","tags":["prod"],
            "volumes":{"0":{"id":"v-1","volume_type":"l_ssd","name":"root","size":10}},
            "public_ips":[{"address":"51.15.0.1","family":"inet"}],"boot_type":"rescue",
            "maintenances":[{"reason":"reboot","start_date":"2026-09-01T00:00:00Z"}],
            "end_of_service":true}]}"#;
        let servers = serde_json::from_str::<crate::api::model::ServersPage>(page)
            .unwrap()
            .servers;
        let zones = ["fr-par-1".to_owned()];
        let snapshot = Snapshot::new(&zones).with_poll(
            "fr-par-1",
            Ok(crate::inventory::servers_from_api(servers, &[])),
            SystemTime::UNIX_EPOCH + std::time::Duration::from_secs(1_800_000_000),
            std::time::Duration::from_millis(250),
        );
        let types: crate::api::model::ServerTypesPage = serde_json::from_str(
            r#"{"servers":{"DEV1-S":{"ncpus":2,"ram":2147483648,"gpu":0,"hourly_price":0.0088}}}"#,
        )
        .unwrap();
        let mut snapshot = snapshot
            .with_catalog(
                "fr-par-1",
                crate::inventory::catalog_from_api(types.servers),
                SystemTime::UNIX_EPOCH,
            )
            .with_projects(vec![crate::inventory::Project {
                organization_id: "o".into(),
                id: "p".into(),
                name: "web".into(),
            }]);
        let at = SystemTime::UNIX_EPOCH + std::time::Duration::from_secs(1_800_000_000);
        for (product, server) in products_of_every_kind() {
            snapshot = snapshot.with_product_poll(
                product,
                "fr-par-1",
                Ok(crate::inventory::ZonePoll::of_product(vec![server])),
                at,
                std::time::Duration::ZERO,
            );
        }
        let own = OwnMetrics::new();
        own.api_requests
            .with_label_values(&["instance", "fr-par-1", "servers", "200"])
            .inc();
        let (text, series) = render(&snapshot, &own);
        let mut seen = 0;
        for family in DESCRIPTORS {
            assert!(
                text.contains(&format!(
                    "# TYPE {} {}\n",
                    family.name,
                    family.kind.as_str()
                )),
                "{}",
                family.name
            );
            let samples: Vec<&str> = text
                .lines()
                .filter(|line| line.starts_with(&format!("{}{{", family.name)))
                .collect();
            assert!(!samples.is_empty(), "no sample of {}", family.name);
            for sample in samples {
                let mut names: Vec<&str> = sample[family.name.len() + 1..]
                    .split("\",")
                    .map(|pair| pair.split('=').next().unwrap())
                    .collect();
                let mut expected = family.labels.to_vec();
                if [API_REQUESTS.name, BUILD_INFO.name].contains(&family.name) {
                    // The `prometheus` registry writes label names sorted.
                    names.sort_unstable();
                    expected.sort_unstable();
                }
                assert_eq!(names, expected, "{sample}");
                seen += 1;
            }
        }
        assert!(seen <= series, "{seen} samples, {series} series");
    }

    /// A server of each other product with every field its families read.
    fn products_of_every_kind() -> Vec<(crate::api::Product, crate::inventory::ProductServer)> {
        use crate::api::{model, Product};
        let em: model::ElasticMetalServer = serde_json::from_str(
            r#"{"id":"em-1","name":"metal","status":"ready","offer_name":"EM-A115X-SSD",
            "project_id":"p","organization_id":"o","created_at":"2026-07-20T14:35:34Z",
            "tags":["prod"],"ips":[{"address":"51.15.0.2","version":"IPv4"}],
            "ping_status":"ping_status_up"}"#,
        )
        .unwrap();
        let mac: model::AppleSiliconServer = serde_json::from_str(
            r#"{"id":"as-1","name":"mac","status":"ready","type":"M2-M","project_id":"p",
            "organization_id":"o","ip":"62.210.0.1","created_at":"2026-07-20T14:35:34Z",
            "deletable_at":"2026-07-21T14:35:34Z","os":{"name":"macos-sequoia-15.6"},
            "tags":["ci"]}"#,
        )
        .unwrap();
        let dedibox: model::DediboxServer = serde_json::from_str(
            r#"{"id":42,"hostname":"sd-42","status":"ready","offer_name":"Start-2-M-SATA",
            "datacenter_name":"DC5","project_id":"p","organization_id":"o",
            "expired_at":"2027-07-20T14:35:34Z",
            "interfaces":[{"type":"normal","ips":[{"address":"51.159.0.1","version":"ipv4"}]}]}"#,
        )
        .unwrap();
        vec![
            (Product::ElasticMetal, em.into()),
            (Product::AppleSilicon, mac.into()),
            (Product::Dedibox, dedibox.into()),
        ]
    }

    #[test]
    fn an_empty_snapshot_still_says_what_the_exporter_is() {
        let (text, _) = render(&Snapshot::new(&["fr-par-1".to_owned()]), &OwnMetrics::new());
        assert!(text.contains("# TYPE scaleway_server_state gauge"));
        assert!(text.contains("scaleway_exporter_build_info{"));
        assert!(
            !text.contains("scaleway_exporter_poll_success{"),
            "no poll yet"
        );
    }
}
