//! What is published at every poll, for the web side to serve: a snapshot and its
//! encodings, made together off the async threads and swapped whole. The poller publishes;
//! the web side only reads. Neither knows the other: this module is what they share.

use std::sync::Arc;

use bytes::Bytes;

use crate::inventory::Snapshot;
use crate::metrics::Exposition;

/// What `/metrics`, the landing page and `/inventory.json` serve until the next poll.
#[derive(Debug)]
pub struct Published {
    pub snapshot: Arc<Snapshot>,
    pub exposition: Exposition,
    /// Empty unless the poller was given a [`PageEncoder`].
    pub pages: Pages,
}

/// A body encoded once per poll, plain and gzipped; clones share the bytes.
#[derive(Debug, Clone, Default)]
pub struct Encoded {
    pub plain: Bytes,
    pub gzip: Bytes,
}

/// A body encoded once per poll and kept only gzipped: its plain text is as large as the
/// fleet, and most clients accept gzip; a plain request is inflated as it is sent.
#[derive(Debug, Clone, Default)]
pub struct Gzipped {
    pub gzip: Bytes,
    pub plain_len: u64,
}

/// What the landing page and `/inventory.json` serve, unfiltered, to every request until the
/// next poll, encoded with the exposition so that no number of clients makes memory grow.
#[derive(Debug, Clone, Default)]
pub struct Pages {
    /// The landing page from its fleet section to its end (the part above it is rendered
    /// per request: it holds the ages of the zones' polls).
    pub landing_fleet: Encoded,
    pub inventory_json: Gzipped,
}

/// Renders the [`Pages`] of a snapshot (the previous ones size the buffers). The web side
/// renders them; the exporter hands its function to the poller, which does not import it.
pub type PageEncoder = Arc<dyn Fn(&Snapshot, Option<&Pages>) -> Pages + Send + Sync>;
