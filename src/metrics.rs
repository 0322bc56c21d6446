//! Snapshot -> encoded exposition (text format 0.0.4), once per poll.
//!
//! The fleet's series are a pure function of the [`Snapshot`]: a server gone from the API
//! has no series by construction. They are written straight into one buffer (at 10,000
//! servers there are some 200,000 series, and building a registry of them on every poll
//! would cost more than reading the API). The exporter's own counters and the process
//! metrics live in a `prometheus` registry and are appended after them. The body is then
//! gzipped once, so a scrape only hands out shared bytes.

use std::fmt::Write as _;
use std::io::Write as _;
use std::time::SystemTime;

use bytes::Bytes;
use prometheus::{Encoder as _, IntCounterVec, IntGaugeVec, Opts, Registry};

use crate::build_info;
use crate::inventory::{Server, Snapshot, State};

/// The kind of a metric family, as `# TYPE` says it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Gauge,
    Counter,
}

impl Kind {
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Gauge => "gauge",
            Kind::Counter => "counter",
        }
    }
}

/// One metric family the exporter emits: the single source of its name, help and labels.
#[derive(Debug, Clone, Copy)]
pub struct Descriptor {
    pub name: &'static str,
    pub help: &'static str,
    pub kind: Kind,
    pub labels: &'static [&'static str],
}

const SERVER_LABELS: [&str; 3] = ["zone", "server_id", "name"];

pub const SERVER_INFO: Descriptor = Descriptor {
    name: "scaleway_server_info",
    help:
        "Descriptive labels of a server, value 1. Cached from the last successful poll of its zone.",
    kind: Kind::Gauge,
    labels: &[
        "zone",
        "server_id",
        "name",
        "commercial_type",
        "arch",
        "image_name",
        "project_id",
        "organization_id",
    ],
};
pub const SERVER_STATE: Descriptor = Descriptor {
    name: "scaleway_server_state",
    help: "1 for the server's current state, 0 for the six others. Cached from the last successful poll of its zone.",
    kind: Kind::Gauge,
    labels: &["zone", "server_id", "name", "state"],
};
pub const SERVER_CREATED: Descriptor = Descriptor {
    name: "scaleway_server_created_timestamp_seconds",
    help: "Creation date of the server, in Unix seconds. Cached from the last successful poll of its zone.",
    kind: Kind::Gauge,
    labels: &SERVER_LABELS,
};
pub const SERVER_MODIFIED: Descriptor = Descriptor {
    name: "scaleway_server_modified_timestamp_seconds",
    help: "Last modification date of the server, in Unix seconds. Cached from the last successful poll of its zone.",
    kind: Kind::Gauge,
    labels: &SERVER_LABELS,
};
pub const VOLUME_SIZE: Descriptor = Descriptor {
    name: "scaleway_server_volume_size_bytes",
    help: "Size of a volume attached to the server, in bytes (no series when the size is unknown). Cached from the last successful poll of its zone.",
    kind: Kind::Gauge,
    labels: &["zone", "server_id", "name", "volume_id", "volume_index", "volume_type", "volume_name"],
};
pub const SERVER_TAG: Descriptor = Descriptor {
    name: "scaleway_server_tag_info",
    help: "One series of value 1 per tag of the server. Cached from the last successful poll of its zone.",
    kind: Kind::Gauge,
    labels: &["zone", "server_id", "name", "tag"],
};
pub const SERVER_IP: Descriptor = Descriptor {
    name: "scaleway_server_ip_info",
    help: "One series of value 1 per address of the server. Cached from the last successful poll of its zone.",
    kind: Kind::Gauge,
    labels: &["zone", "server_id", "name", "address", "family", "scope"],
};
pub const POLL_SUCCESS: Descriptor = Descriptor {
    name: "scaleway_exporter_poll_success",
    help: "1 if the zone's last poll succeeded, 0 if it failed (its servers' series are then those of its last successful poll).",
    kind: Kind::Gauge,
    labels: &["zone"],
};
pub const LAST_SUCCESS: Descriptor = Descriptor {
    name: "scaleway_exporter_last_success_timestamp_seconds",
    help: "When the zone's last successful poll ended, in Unix seconds.",
    kind: Kind::Gauge,
    labels: &["zone"],
};
pub const POLL_DURATION: Descriptor = Descriptor {
    name: "scaleway_exporter_poll_duration_seconds",
    help: "How long the zone's last poll took, retries included, in seconds.",
    kind: Kind::Gauge,
    labels: &["zone"],
};
pub const API_REQUESTS: Descriptor = Descriptor {
    name: "scaleway_exporter_api_requests_total",
    help: "Requests sent to the Scaleway API, by zone, endpoint and outcome (HTTP status, error or timeout). As of the last poll.",
    kind: Kind::Counter,
    labels: &["zone", "endpoint", "code"],
};
pub const BUILD_INFO: Descriptor = Descriptor {
    name: "scaleway_exporter_build_info",
    help: "Version, git revision and compiler of the running exporter, value 1.",
    kind: Kind::Gauge,
    labels: &["version", "revision", "rustc_version"],
};

/// Every family the exporter defines, in the order of the exposition.
pub const DESCRIPTORS: &[Descriptor] = &[
    SERVER_INFO,
    SERVER_STATE,
    SERVER_CREATED,
    SERVER_MODIFIED,
    VOLUME_SIZE,
    SERVER_TAG,
    SERVER_IP,
    POLL_SUCCESS,
    LAST_SUCCESS,
    POLL_DURATION,
    API_REQUESTS,
    BUILD_INFO,
];

/// The exporter's own metrics that are not a function of the snapshot: the API request
/// counter (the client increments it), the build info and the process metrics.
#[derive(Clone)]
pub struct OwnMetrics {
    registry: Registry,
    /// `scaleway_exporter_api_requests_total`, handed to the API client.
    pub api_requests: IntCounterVec,
}

impl OwnMetrics {
    pub fn new() -> Self {
        let registry = Registry::new();
        let api_requests = IntCounterVec::new(
            Opts::new(API_REQUESTS.name, API_REQUESTS.help),
            API_REQUESTS.labels,
        )
        .expect("a valid counter definition");
        let build = IntGaugeVec::new(
            Opts::new(BUILD_INFO.name, BUILD_INFO.help),
            BUILD_INFO.labels,
        )
        .expect("a valid gauge definition");
        build
            .with_label_values(&[
                build_info::VERSION,
                build_info::REVISION,
                build_info::RUSTC_VERSION,
            ])
            .set(1);
        registry
            .register(Box::new(api_requests.clone()))
            .expect("registered once");
        registry.register(Box::new(build)).expect("registered once");
        #[cfg(target_os = "linux")]
        registry
            .register(Box::new(
                prometheus::process_collector::ProcessCollector::for_self(),
            ))
            .expect("registered once");
        OwnMetrics {
            registry,
            api_requests,
        }
    }
}

impl Default for OwnMetrics {
    fn default() -> Self {
        Self::new()
    }
}

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
    // time for a body 15% larger (bench/run.sh, docs/performance.md).
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
        out.sample(
            SERVER_INFO.name,
            &[
                ("zone", zone),
                ("server_id", &s.id),
                ("name", &s.name),
                ("commercial_type", &s.commercial_type),
                ("arch", &s.arch),
                ("image_name", &s.image_name),
                ("project_id", &s.project_id),
                ("organization_id", &s.organization_id),
            ],
            1,
        );
    }
    out.family(&SERVER_STATE);
    for (zone, s) in each_server() {
        for state in State::ALL {
            out.sample(
                SERVER_STATE.name,
                &[
                    ("zone", zone),
                    ("server_id", &s.id),
                    ("name", &s.name),
                    ("state", state.as_str()),
                ],
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
                out.sample(descriptor.name, &server_labels(zone, s), seconds);
            }
        }
    }
    out.family(&VOLUME_SIZE);
    for (zone, s) in each_server() {
        for volume in &s.volumes {
            if let Some(size) = volume.size {
                out.sample(
                    VOLUME_SIZE.name,
                    &[
                        ("zone", zone),
                        ("server_id", &s.id),
                        ("name", &s.name),
                        ("volume_id", &volume.id),
                        ("volume_index", &volume.index),
                        ("volume_type", &volume.volume_type),
                        ("volume_name", &volume.name),
                    ],
                    size,
                );
            }
        }
    }
    out.family(&SERVER_TAG);
    for (zone, s) in each_server() {
        for tag in &s.tags {
            out.sample(
                SERVER_TAG.name,
                &[
                    ("zone", zone),
                    ("server_id", &s.id),
                    ("name", &s.name),
                    ("tag", tag),
                ],
                1,
            );
        }
    }
    out.family(&SERVER_IP);
    for (zone, s) in each_server() {
        for ip in &s.addresses {
            out.sample(
                SERVER_IP.name,
                &[
                    ("zone", zone),
                    ("server_id", &s.id),
                    ("name", &s.name),
                    ("address", &ip.address),
                    ("family", ip.family.as_str()),
                    ("scope", ip.scope.as_str()),
                ],
                1,
            );
        }
    }

    out.family(&POLL_SUCCESS);
    for (zone, state) in &snapshot.zones {
        if state.last_poll.is_some() {
            out.sample(
                POLL_SUCCESS.name,
                &[("zone", zone)],
                u8::from(state.last_poll_succeeded()),
            );
        }
    }
    out.family(&LAST_SUCCESS);
    for (zone, state) in &snapshot.zones {
        if let Some(at) = state.last_success {
            out.sample(LAST_SUCCESS.name, &[("zone", zone)], unix(at));
        }
    }
    out.family(&POLL_DURATION);
    for (zone, state) in &snapshot.zones {
        if let Some(poll) = &state.last_poll {
            out.sample(
                POLL_DURATION.name,
                &[("zone", zone)],
                poll.duration.as_secs_f64(),
            );
        }
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

fn server_labels<'a>(zone: &'a str, s: &'a Server) -> [(&'static str, &'a str); 3] {
    [("zone", zone), ("server_id", &s.id), ("name", &s.name)]
}

fn unix(at: SystemTime) -> f64 {
    at.duration_since(SystemTime::UNIX_EPOCH)
        .map(|d| d.as_secs_f64())
        .unwrap_or(0.0)
}

struct Writer {
    text: String,
    series: usize,
}

impl Writer {
    fn family(&mut self, descriptor: &Descriptor) {
        let _ = writeln!(
            self.text,
            "# HELP {} {}",
            descriptor.name,
            escape_help(descriptor.help)
        );
        let _ = writeln!(
            self.text,
            "# TYPE {} {}",
            descriptor.name,
            descriptor.kind.as_str()
        );
    }

    fn sample(&mut self, name: &str, labels: &[(&str, &str)], value: impl std::fmt::Display) {
        self.series += 1;
        self.text.push_str(name);
        self.text.push('{');
        for (i, (label, value)) in labels.iter().enumerate() {
            if i > 0 {
                self.text.push(',');
            }
            self.text.push_str(label);
            self.text.push_str("=\"");
            escape_label_value(&mut self.text, value);
            self.text.push('"');
        }
        let _ = writeln!(self.text, "}} {value}");
    }
}

/// Label values escape backslash, double quote and line feed (text format 0.0.4); any
/// other character, non-ASCII included, is written as UTF-8.
pub fn escape_label_value(out: &mut String, value: &str) {
    if !value.contains(['\\', '"', '\n']) {
        out.push_str(value);
        return;
    }
    for c in value.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '"' => out.push_str("\\\""),
            '\n' => out.push_str("\\n"),
            c => out.push(c),
        }
    }
}

/// HELP text escapes backslash and line feed.
fn escape_help(help: &str) -> String {
    help.replace('\\', "\\\\").replace('\n', "\\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn label_values_escape_backslash_quote_and_newline_and_keep_unicode() {
        let mut out = String::new();
        escape_label_value(&mut out, "a\\b \"c\"\nd – é 東京");
        assert_eq!(out, "a\\\\b \\\"c\\\"\\nd – é 東京");
    }

    #[test]
    fn every_descriptor_is_named_in_the_exporters_namespace_with_base_units() {
        for d in DESCRIPTORS {
            assert!(d.name.starts_with("scaleway_"), "{}", d.name);
            assert_eq!(
                d.name.ends_with("_total"),
                d.kind == Kind::Counter,
                "{}",
                d.name
            );
            assert!(d.help.ends_with('.'), "{}", d.name);
        }
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
