//! Snapshot -> exposition, streamed into its gzip (pure): the plain text is never held
//! whole, only a buffer of it on its way to the compressor. The reference families
//! (server-type catalog, projects) are written by `encoder/reference.rs`.

mod reference;

use std::io::{Read as _, Write};

use bytes::Bytes;
use prometheus::Encoder as _;

use super::descriptors::*;
use super::writer::{unix, Writer};
use super::OwnMetrics;
use super::{prices, resources, servers};
use crate::build_info;
use crate::compress::GzipStream;
use crate::inventory::Snapshot;

/// The encoded body of `/metrics`, kept gzipped only (a client that does not accept gzip
/// gets it inflated as it is sent); clones share the bytes.
#[derive(Debug, Clone, Default)]
pub struct Exposition {
    pub gzip: Bytes,
    /// The length of the plain text, for the `Content-Length` of a plain scrape.
    pub plain_len: u64,
    pub series: usize,
}

impl Exposition {
    /// The plain text, inflated whole: for tests and tools, not for serving.
    pub fn text(&self) -> String {
        let mut text = String::new();
        let mut decoder = flate2::read::GzDecoder::new(&self.gzip[..]);
        decoder
            .read_to_string(&mut text)
            .expect("the encoder wrote one whole gzip member of UTF-8");
        text
    }
}

/// Encodes the snapshot and the exporter's own metrics straight into gzip. The previous
/// exposition, when there is one, sizes the buffer: a fleet changes little from one poll to
/// the next, and a buffer that doubles while it is written costs its size again at the
/// worst moment.
pub fn exposition(
    snapshot: &Snapshot,
    own: &OwnMetrics,
    previous: Option<&Exposition>,
) -> Exposition {
    // Without a previous body to go by: about 300 bytes of gzip per server.
    let capacity = previous.map_or(snapshot.server_count() * 300 + 8192, |p| {
        p.gzip.len() + p.gzip.len() / 16
    });
    let mut stream = GzipStream::new(capacity);
    let series = write(snapshot, own, &mut stream).expect("writing to memory cannot fail");
    let (gzip, plain_len) = stream.finish();
    Exposition {
        gzip: Bytes::from(gzip),
        plain_len,
        series,
    }
}

/// The exposition text and its number of series, whole: for tests and tools.
pub fn render(snapshot: &Snapshot, own: &OwnMetrics) -> (String, usize) {
    let mut text = Vec::new();
    let series = write(snapshot, own, &mut text).expect("writing to a Vec cannot fail");
    let text = String::from_utf8(text).expect("the writer writes UTF-8");
    (text, series)
}

/// Writes every family into `sink`; the number of series.
fn write(snapshot: &Snapshot, own: &OwnMetrics, sink: &mut dyn Write) -> std::io::Result<usize> {
    let mut out = Writer::new(sink);
    servers::render(&mut out, snapshot);
    resources::render(&mut out, snapshot);
    reference::render(snapshot, &mut out);
    prices::render(&mut out, snapshot);
    render_polls(&mut out, snapshot);
    render_own(&mut out, own);
    out.family(&BUILD_INFO);
    let build = [
        build_info::VERSION,
        build_info::REVISION,
        build_info::RUSTC_VERSION,
    ];
    out.sample(&BUILD_INFO, build, 1);
    out.finish()
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
    out.family(&RESOURCE_SUCCESS);
    for (target, state) in snapshot.zones() {
        for (resource, read) in &state.resources {
            let success = u8::from(read.outcome.success());
            out.sample(&RESOURCE_SUCCESS, [resource.label(), &target.zone], success);
        }
    }
    out.family(&REFERENCE_SUCCESS);
    for ((reference, zone), success) in snapshot.reference_success.iter() {
        out.sample(
            &REFERENCE_SUCCESS,
            [reference, zone.as_str()],
            u8::from(*success),
        );
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
    // Its families are valid by construction (registered once, each under its own name).
    if prometheus::TextEncoder::new()
        .encode(&families, &mut own_text)
        .is_ok()
    {
        out.raw(&own_text);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::metrics::escape_label_value;

    #[test]
    fn label_values_escape_backslash_quote_and_newline_and_keep_unicode() {
        let mut out = Vec::new();
        escape_label_value(&mut out, "a\\b \"c\"\nd – é 東京");
        assert_eq!(
            String::from_utf8(out).unwrap(),
            "a\\\\b \\\"c\\\"\\nd – é 東京"
        );
    }

    #[test]
    fn the_gzipped_exposition_inflates_to_the_text_and_its_length() {
        let snapshot = crate::inventory::fixtures::one_of_every_kind();
        let own = OwnMetrics::new();
        let exposition = exposition(&snapshot, &own, None);
        let text = exposition.text();
        assert_eq!(text.len() as u64, exposition.plain_len);
        let (rendered, series) = render(&snapshot, &own);
        let strip = |text: &str| -> Vec<String> {
            text.lines()
                .filter(|l| !l.starts_with("process_"))
                .map(str::to_owned)
                .collect()
        };
        assert_eq!(strip(&text), strip(&rendered));
        assert_eq!(series, exposition.series);
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
