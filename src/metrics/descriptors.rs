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
///
/// `N` is its number of labels, so a sample of it takes exactly `N` label values, by
/// position, in the order of `labels` (as Prometheus client_golang's
/// `MustNewConstMetric(desc, type, value, labels...)`): a value missing or too many is a
/// compile error, and no call site spells a label name.
#[derive(Debug, Clone, Copy)]
pub struct Descriptor<const N: usize> {
    pub name: &'static str,
    pub help: &'static str,
    pub kind: Kind,
    pub labels: &'static [&'static str; N],
}

impl<const N: usize> Descriptor<N> {
    /// The same family with its number of labels erased, for the table of every family.
    pub const fn erase(&self) -> AnyDescriptor {
        AnyDescriptor {
            name: self.name,
            help: self.help,
            kind: self.kind,
            labels: self.labels,
        }
    }
}

/// A [`Descriptor`] of any number of labels, as [`DESCRIPTORS`] lists it.
#[derive(Debug, Clone, Copy)]
pub struct AnyDescriptor {
    pub name: &'static str,
    pub help: &'static str,
    pub kind: Kind,
    pub labels: &'static [&'static str],
}

/// The labels of every per-server family, first and in this order. Names are not unique;
/// `server_id` is.
pub const SERVER_LABELS: [&str; 3] = ["zone", "server_id", "name"];

/// [`SERVER_LABELS`] followed by a family's own labels. `N`, the descriptor's count, must
/// be their sum: a wrong count fails the build.
const fn per_server<const N: usize, const EXTRA: usize>(
    extra: [&'static str; EXTRA],
) -> [&'static str; N] {
    assert!(
        N == SERVER_LABELS.len() + EXTRA,
        "a per-server family has the server labels and its own"
    );
    let mut all = [""; N];
    let mut i = 0;
    while i < N {
        all[i] = if i < SERVER_LABELS.len() {
            SERVER_LABELS[i]
        } else {
            extra[i - SERVER_LABELS.len()]
        };
        i += 1;
    }
    all
}

pub const SERVER_INFO: Descriptor<9> = Descriptor {
    name: "scaleway_server_info",
    help:
        "Descriptive labels of a server, value 1. Cached from the last successful poll of its zone.",
    kind: Kind::Gauge,
    labels: &per_server([
        "commercial_type",
        "arch",
        "image_name",
        "project_id",
        "organization_id",
        "boot_type",
    ]),
};
pub const SERVER_STATE: Descriptor<4> = Descriptor {
    name: "scaleway_server_state",
    help: "1 for the server's current state, 0 for the six others. Cached from the last successful poll of its zone.",
    kind: Kind::Gauge,
    labels: &per_server(["state"]),
};
pub const SERVER_CREATED: Descriptor<3> = Descriptor {
    name: "scaleway_server_created_timestamp_seconds",
    help: "Creation date of the server, in Unix seconds. Cached from the last successful poll of its zone.",
    kind: Kind::Gauge,
    labels: &SERVER_LABELS,
};
pub const SERVER_MODIFIED: Descriptor<3> = Descriptor {
    name: "scaleway_server_modified_timestamp_seconds",
    help: "Last modification date of the server, in Unix seconds. Cached from the last successful poll of its zone.",
    kind: Kind::Gauge,
    labels: &SERVER_LABELS,
};
pub const VOLUME_SIZE: Descriptor<7> = Descriptor {
    name: "scaleway_server_volume_size_bytes",
    help: "Size of a volume attached to the server, in bytes (no series when the size is unknown). Cached from the last successful poll of its zone.",
    kind: Kind::Gauge,
    labels: &per_server(["volume_id", "volume_index", "volume_type", "volume_name"]),
};
pub const SERVER_TAG: Descriptor<4> = Descriptor {
    name: "scaleway_server_tag_info",
    help: "One series of value 1 per tag of the server. Cached from the last successful poll of its zone.",
    kind: Kind::Gauge,
    labels: &per_server(["tag"]),
};
pub const SERVER_IP: Descriptor<6> = Descriptor {
    name: "scaleway_server_ip_info",
    help: "One series of value 1 per address of the server. Cached from the last successful poll of its zone.",
    kind: Kind::Gauge,
    labels: &per_server(["address", "family", "scope"]),
};
pub const SERVER_MAINTENANCE: Descriptor<4> = Descriptor {
    name: "scaleway_server_maintenance_info",
    help: "One series of value 1 per maintenance scheduled on the server, one per distinct reason. Cached from the last successful poll of its zone.",
    kind: Kind::Gauge,
    labels: &per_server(["reason"]),
};
pub const SERVER_MAINTENANCE_START: Descriptor<4> = Descriptor {
    name: "scaleway_server_maintenance_start_timestamp_seconds",
    help: "Start of a maintenance scheduled on the server, in Unix seconds, the earliest when a reason repeats (no series when the API gives none). Cached from the last successful poll of its zone.",
    kind: Kind::Gauge,
    labels: &per_server(["reason"]),
};
pub const SERVER_END_OF_SERVICE: Descriptor<3> = Descriptor {
    name: "scaleway_server_end_of_service",
    help: "1 when the server's commercial type has reached end of service, as the server itself says, else 0. Cached from the last successful poll of its zone.",
    kind: Kind::Gauge,
    labels: &SERVER_LABELS,
};
/// A family of another product's servers: `scaleway_{product}_server_...`, cached like the
/// Instance ones.
macro_rules! product_family {
    ($const:ident, $n:literal, $name:literal, $help:literal, $labels:expr) => {
        pub const $const: Descriptor<$n> = Descriptor {
            name: $name,
            help: concat!($help, " Cached from the last successful poll of its zone."),
            kind: Kind::Gauge,
            labels: $labels,
        };
    };
}

product_family!(
    EM_INFO,
    6,
    "scaleway_elastic_metal_server_info",
    "Descriptive labels of an Elastic Metal server, value 1.",
    &per_server(["offer_name", "project_id", "organization_id"])
);
product_family!(
    EM_STATE,
    4,
    "scaleway_elastic_metal_server_state",
    "1 for the Elastic Metal server's current state, 0 for the twelve others.",
    &per_server(["state"])
);
product_family!(EM_PING_UP, 3, "scaleway_elastic_metal_server_ping_up",
    "1 when Scaleway's ping of the Elastic Metal server says up, 0 down; no series when it does not know.",
    &SERVER_LABELS);
product_family!(
    EM_CREATED,
    3,
    "scaleway_elastic_metal_server_created_timestamp_seconds",
    "Creation date of the Elastic Metal server, in Unix seconds.",
    &SERVER_LABELS
);
product_family!(
    EM_TAG,
    4,
    "scaleway_elastic_metal_server_tag_info",
    "One series of value 1 per tag of the Elastic Metal server.",
    &per_server(["tag"])
);
product_family!(
    EM_IP,
    5,
    "scaleway_elastic_metal_server_ip_info",
    "One series of value 1 per address of the Elastic Metal server.",
    &per_server(["address", "family"])
);
product_family!(
    AS_INFO,
    7,
    "scaleway_apple_silicon_server_info",
    "Descriptive labels of an Apple silicon server, value 1.",
    &per_server(["type", "os_name", "project_id", "organization_id"])
);
product_family!(
    AS_STATE,
    4,
    "scaleway_apple_silicon_server_state",
    "1 for the Apple silicon server's current state, 0 for the ten others.",
    &per_server(["state"])
);
product_family!(
    AS_CREATED,
    3,
    "scaleway_apple_silicon_server_created_timestamp_seconds",
    "Creation date of the Apple silicon server, in Unix seconds.",
    &SERVER_LABELS
);
product_family!(
    AS_DELETABLE,
    3,
    "scaleway_apple_silicon_server_deletable_timestamp_seconds",
    "The earliest the Apple silicon server may be deleted (its minimum lease), in Unix seconds.",
    &SERVER_LABELS
);
product_family!(
    AS_TAG,
    4,
    "scaleway_apple_silicon_server_tag_info",
    "One series of value 1 per tag of the Apple silicon server.",
    &per_server(["tag"])
);
product_family!(
    AS_IP,
    5,
    "scaleway_apple_silicon_server_ip_info",
    "One series of value 1 per address of the Apple silicon server.",
    &per_server(["address", "family"])
);
product_family!(
    DEDIBOX_INFO,
    7,
    "scaleway_dedibox_server_info",
    "Descriptive labels of a Dedibox server (name is its hostname, server_id its number), value 1.",
    &per_server(["offer_name", "datacenter", "project_id", "organization_id"])
);
product_family!(
    DEDIBOX_STATE,
    4,
    "scaleway_dedibox_server_state",
    "1 for the Dedibox server's current state, 0 for the eight others.",
    &per_server(["state"])
);
product_family!(
    DEDIBOX_EXPIRATION,
    3,
    "scaleway_dedibox_server_expiration_timestamp_seconds",
    "When the Dedibox server's term ends, in Unix seconds, when the API gives it.",
    &SERVER_LABELS
);
product_family!(
    DEDIBOX_IP,
    5,
    "scaleway_dedibox_server_ip_info",
    "One series of value 1 per address of the Dedibox server (its BMC's excepted).",
    &per_server(["address", "family"])
);

/// Labels of the server-type catalog families: no per-server labels, a dashboard joins
/// them to `scaleway_server_info` on these two.
const TYPE_LABELS: [&str; 2] = ["zone", "commercial_type"];

pub const TYPE_CPUS: Descriptor<2> = Descriptor {
    name: "scaleway_instance_type_cpus",
    help: "vCPUs of the commercial type. Read at most hourly from the zone's server-type catalog; only types a server of the zone uses.",
    kind: Kind::Gauge,
    labels: &TYPE_LABELS,
};
pub const TYPE_MEMORY: Descriptor<2> = Descriptor {
    name: "scaleway_instance_type_memory_bytes",
    help: "RAM of the commercial type, in bytes. Read at most hourly from the zone's server-type catalog; only types a server of the zone uses.",
    kind: Kind::Gauge,
    labels: &TYPE_LABELS,
};
pub const TYPE_GPUS: Descriptor<2> = Descriptor {
    name: "scaleway_instance_type_gpus",
    help: "GPUs of the commercial type (0 when none). Read at most hourly from the zone's server-type catalog; only types a server of the zone uses.",
    kind: Kind::Gauge,
    labels: &TYPE_LABELS,
};
pub const TYPE_PRICE: Descriptor<2> = Descriptor {
    name: "scaleway_instance_type_hourly_price_euros",
    help: "List price of the commercial type, in euros an hour (no series when the catalog gives none). Read at most hourly from the zone's server-type catalog; only types a server of the zone uses.",
    kind: Kind::Gauge,
    labels: &TYPE_LABELS,
};
pub const PROJECT_INFO: Descriptor<3> = Descriptor {
    name: "scaleway_project_info",
    help: "One series of value 1 per project of the fleet's organizations (and the default one) that the key may read. Read at most hourly.",
    kind: Kind::Gauge,
    labels: &["project_id", "project_name", "organization_id"],
};

pub const POLL_SUCCESS: Descriptor<2> = Descriptor {
    name: "scaleway_exporter_poll_success",
    help: "1 if the last poll of the product's zone succeeded, 0 if it failed (its servers' series are then those of its last successful poll).",
    kind: Kind::Gauge,
    labels: &["product", "zone"],
};
pub const LAST_SUCCESS: Descriptor<2> = Descriptor {
    name: "scaleway_exporter_last_success_timestamp_seconds",
    help: "When the last successful poll of the product's zone ended, in Unix seconds; 0 until its first success.",
    kind: Kind::Gauge,
    labels: &["product", "zone"],
};
pub const POLL_DURATION: Descriptor<2> = Descriptor {
    name: "scaleway_exporter_poll_duration_seconds",
    help: "How long the last poll of the product's zone took, retries included, in seconds.",
    kind: Kind::Gauge,
    labels: &["product", "zone"],
};
pub const VOLUME_SIZES_SUCCESS: Descriptor<1> = Descriptor {
    name: "scaleway_exporter_volume_sizes_success",
    help: "1 if the zone's last poll read the Block Storage sizes of its sbs volumes, or needed none (none is size-less, or Block Storage does not serve the zone); 0 if its poll failed or the read failed (the sizes are then those of the last good read; none before one).",
    kind: Kind::Gauge,
    labels: &["zone"],
};
pub const PRODUCT_ENABLED: Descriptor<1> = Descriptor {
    name: "scaleway_exporter_product_enabled",
    help: "1 if the product is polled; 0 if it was left out for the run because the key may not read it in any zone at the first poll. No series for a product not selected with --scaleway.product.",
    kind: Kind::Gauge,
    labels: &["product"],
};
pub const API_REQUESTS: Descriptor<4> = Descriptor {
    name: "scaleway_exporter_api_requests_total",
    help: "Requests sent to the Scaleway API, by product, zone, endpoint and outcome (HTTP status, error or timeout). As of the last poll.",
    kind: Kind::Counter,
    labels: &["product", "zone", "endpoint", "code"],
};
pub const BUILD_INFO: Descriptor<3> = Descriptor {
    name: "scaleway_exporter_build_info",
    help: "Version, git revision and compiler of the running exporter, value 1.",
    kind: Kind::Gauge,
    labels: &["version", "revision", "rustc_version"],
};

/// Every family the exporter defines, in the order of the exposition.
pub const DESCRIPTORS: &[AnyDescriptor] = &[
    SERVER_INFO.erase(),
    SERVER_STATE.erase(),
    SERVER_CREATED.erase(),
    SERVER_MODIFIED.erase(),
    VOLUME_SIZE.erase(),
    SERVER_TAG.erase(),
    SERVER_IP.erase(),
    SERVER_MAINTENANCE.erase(),
    SERVER_MAINTENANCE_START.erase(),
    SERVER_END_OF_SERVICE.erase(),
    EM_INFO.erase(),
    EM_STATE.erase(),
    EM_PING_UP.erase(),
    EM_CREATED.erase(),
    EM_TAG.erase(),
    EM_IP.erase(),
    AS_INFO.erase(),
    AS_STATE.erase(),
    AS_CREATED.erase(),
    AS_DELETABLE.erase(),
    AS_TAG.erase(),
    AS_IP.erase(),
    DEDIBOX_INFO.erase(),
    DEDIBOX_STATE.erase(),
    DEDIBOX_EXPIRATION.erase(),
    DEDIBOX_IP.erase(),
    TYPE_CPUS.erase(),
    TYPE_MEMORY.erase(),
    TYPE_GPUS.erase(),
    TYPE_PRICE.erase(),
    PROJECT_INFO.erase(),
    POLL_SUCCESS.erase(),
    LAST_SUCCESS.erase(),
    POLL_DURATION.erase(),
    VOLUME_SIZES_SUCCESS.erase(),
    PRODUCT_ENABLED.erase(),
    API_REQUESTS.erase(),
    BUILD_INFO.erase(),
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
