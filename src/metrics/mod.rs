//! Snapshot -> encoded exposition (text format 0.0.4), once per poll.
//!
//! The fleet's series are a pure function of the [`Snapshot`](crate::Snapshot): a server gone from the API
//! has no series by construction. They are written straight into one buffer (at 10,000
//! servers there are some 200,000 series, and building a registry of them on every poll
//! would cost more than reading the API). The exporter's own counters and the process
//! metrics live in a `prometheus` registry and are appended after them. The body is then
//! gzipped once, so a scrape only hands out shared bytes.
//!
//! - `descriptors`: every family's name, type, labels and help, in one table; a sample
//!   gives its label values by position, as many as the family has labels.
//! - `encoder`: snapshot -> text and gzip (pure).
//! - `prices`: what the fleet costs: the prices of what it uses, and this month's bill.
//! - `resources`: the families of what the zones hold beside their servers (volumes,
//!   flexible IPs, snapshots).
//! - `servers`: the families of each product's servers, one module per product, named and
//!   worded from the product's facts.
//! - `writer`: the text format, one family header and one sample at a time.
//! - `own`: the exporter's own counters, build info and process metrics.
//!   `encoder/reference.rs` writes the server-type catalog and project families.

mod descriptors;
mod encoder;
mod own;
mod prices;
mod resources;
mod servers;
mod writer;

pub use descriptors::{AnyDescriptor, Descriptor, Kind, SERVER_LABELS};
pub use encoder::{exposition, render, Exposition};
pub use own::OwnMetrics;
pub use writer::escape_label_value;

/// Every family the exporter defines, in the order of the exposition: each product's
/// servers', the reference families, the exporter's own.
pub fn descriptors() -> impl Iterator<Item = &'static AnyDescriptor> {
    use servers::{APPLE_SILICON, DEDIBOX, ELASTIC_METAL, INSTANCE};
    [
        INSTANCE,
        ELASTIC_METAL,
        APPLE_SILICON,
        DEDIBOX,
        resources::FAMILIES,
        descriptors::REFERENCE,
        prices::FAMILIES,
        descriptors::EXPORTER,
    ]
    .into_iter()
    .flatten()
}
