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

/// A [`Descriptor`] of any number of labels, as [`crate::metrics::descriptors`] lists it.
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
pub(super) const fn per_server<const N: usize, const EXTRA: usize>(
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
pub const RESOURCE_SUCCESS: Descriptor<2> = Descriptor {
    name: "scaleway_exporter_resource_success",
    help: "1 if the zone's last poll read the resource (volumes, flexible IPs or snapshots of a product), or found the service absent from the zone; 0 if the read failed (its items are then those of the last good read; none before one). Absent before the zone's first successful poll.",
    kind: Kind::Gauge,
    labels: &["resource", "zone"],
};
pub const REFERENCE_SUCCESS: Descriptor<2> = Descriptor {
    name: "scaleway_exporter_reference_success",
    help: "1 if the last read of the reference data succeeded: the server-type catalog (types) or a list of prices (elastic_metal_offers, dedibox_offers, block_volume_types) of the zone, the projects or the bill (billing; zone empty); 0 if it failed (its values are then those of the last good read). Read at most hourly; absent before the first read.",
    kind: Kind::Gauge,
    labels: &["reference", "zone"],
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

/// The reference families, after the servers' in the exposition.
pub const REFERENCE: &[AnyDescriptor] = &[
    TYPE_CPUS.erase(),
    TYPE_MEMORY.erase(),
    TYPE_GPUS.erase(),
    TYPE_PRICE.erase(),
    PROJECT_INFO.erase(),
];

/// The exporter's own families, last in the exposition.
pub const EXPORTER: &[AnyDescriptor] = &[
    POLL_SUCCESS.erase(),
    LAST_SUCCESS.erase(),
    POLL_DURATION.erase(),
    VOLUME_SIZES_SUCCESS.erase(),
    RESOURCE_SUCCESS.erase(),
    REFERENCE_SUCCESS.erase(),
    PRODUCT_ENABLED.erase(),
    API_REQUESTS.erase(),
    BUILD_INFO.erase(),
];

#[cfg(test)]
mod tests {
    use super::*;
    use crate::metrics::descriptors;

    #[test]
    fn every_descriptor_is_named_in_the_exporters_namespace_with_base_units() {
        for d in descriptors() {
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
