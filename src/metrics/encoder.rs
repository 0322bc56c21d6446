//! Snapshot -> exposition text, and its gzip (pure). The reference families (server-type
//! catalog, projects) are written by `encoder/reference.rs`.

mod reference;

use bytes::Bytes;
use prometheus::Encoder as _;

use super::descriptors::*;
use super::servers;
use super::writer::{unix, Writer};
use super::OwnMetrics;
use crate::build_info;
use crate::compress::{fit, gzip};
use crate::inventory::Snapshot;

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
    servers::render(&mut out, snapshot);
    reference::render(snapshot, &mut out);
    render_polls(&mut out, snapshot);
    render_own(&mut out, own);
    out.family(&BUILD_INFO);
    let build = [
        build_info::VERSION,
        build_info::REVISION,
        build_info::RUSTC_VERSION,
    ];
    out.sample(&BUILD_INFO, build, 1);
    (out.text, out.series)
}

/// The exporter's own families that the snapshot says: each zone's last poll, and the
/// products polled.
fn render_polls(out: &mut Writer, snapshot: &Snapshot) {
    out.family(&POLL_SUCCESS);
    for (target, state) in snapshot.zones() {
        if state.last_poll.is_some() {
            let success = u8::from(state.last_poll_succeeded());
            out.sample(
                &POLL_SUCCESS,
                [target.product.label(), &target.zone],
                success,
            );
        }
    }
    out.family(&LAST_SUCCESS);
    for (target, state) in snapshot.zones() {
        // 0 until the zone's first success: a zone that never succeeds is as stale as can be,
        // and an absent series would hide it from `time() - ... > 900`.
        let at = state.last_success.map_or(0.0, unix);
        out.sample(&LAST_SUCCESS, [target.product.label(), &target.zone], at);
    }
    out.family(&POLL_DURATION);
    for (target, state) in snapshot.zones() {
        if let Some(poll) = &state.last_poll {
            let seconds = poll.duration.as_secs_f64();
            out.sample(
                &POLL_DURATION,
                [target.product.label(), &target.zone],
                seconds,
            );
        }
    }
    out.family(&VOLUME_SIZES_SUCCESS);
    for (zone, state) in snapshot.zones_of(crate::product::Product::Instance) {
        if let Some(success) = state.volume_sizes_succeeded() {
            out.sample(&VOLUME_SIZES_SUCCESS, [zone], u8::from(success));
        }
    }
    out.family(&PRODUCT_ENABLED);
    for (product, enabled) in &snapshot.enabled {
        out.sample(&PRODUCT_ENABLED, [product.label()], u8::from(*enabled));
    }
}

/// The families of the `prometheus` registry: the process metrics and the API request
/// counter, as its text encoder writes them.
fn render_own(out: &mut Writer, own: &OwnMetrics) {
    let families = own.registry.gather();
    out.series += families.iter().map(|f| f.get_metric().len()).sum::<usize>();
    let mut own_text = Vec::new();
    prometheus::TextEncoder::new()
        .encode(&families, &mut own_text)
        .expect("encoding to a Vec cannot fail");
    out.text
        .push_str(std::str::from_utf8(&own_text).expect("the text encoder writes UTF-8"));
}

#[cfg(test)]
mod tests {
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
        let snapshot = crate::inventory::fixtures::one_of_every_kind();
        let own = OwnMetrics::new();
        own.count_request("instance", "fr-par-1", "servers", "200");
        let (text, series) = render(&snapshot, &own);
        let mut seen = 0;
        for family in crate::metrics::descriptors() {
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
                if family.name == API_REQUESTS.name {
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

    #[test]
    fn an_empty_snapshot_still_says_what_the_exporter_is() {
        let zone = crate::product::ProductZone::new(crate::product::Product::Instance, "fr-par-1");
        let (text, _) = render(&Snapshot::of([zone]), &OwnMetrics::new());
        assert!(text.contains("# TYPE scaleway_server_state gauge"));
        assert!(text.contains("scaleway_exporter_build_info{"));
        assert!(
            !text.contains("scaleway_exporter_poll_success{"),
            "no poll yet"
        );
    }
}
