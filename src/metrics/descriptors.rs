//! The metric families: the one place that names them, their labels and their help.

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

#[cfg(test)]
mod tests {
    use super::*;

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
}
