//! The serde model of what the API sends, one module per product: only the fields the exporter reads, each as
//! tolerant as the real data requires (docs/api-notes.md#how-the-parser-reads-the-server-object).
//!
//! Rules, all from real responses: unknown fields are ignored (fields come and go over the
//! years); every field but `id` may be absent or `null` and then takes its default; `volumes`
//! is a map keyed by stringified indexes that may come in any order; sizes are `u64` and a
//! size that is not a non-negative integer reads as unknown instead of failing the page;
//! the 2014 API says `"running": true|false` instead of `state`.

mod instance;

use serde::{Deserialize, Deserializer};

pub use instance::*;

/// Deserializes `null` as the type's default, for fields the API sends as `null` at times.
pub(crate) fn null_as_default<'de, D, T>(deserializer: D) -> Result<T, D::Error>
where
    D: Deserializer<'de>,
    T: Default + Deserialize<'de>,
{
    Ok(Option::<T>::deserialize(deserializer)?.unwrap_or_default())
}

/// A size in bytes, or `None` when the value is not an integer that fits a `u64`.
pub(crate) fn lenient_size<'de, D>(deserializer: D) -> Result<Option<u64>, D::Error>
where
    D: Deserializer<'de>,
{
    let value = Option::<serde_json::Number>::deserialize(deserializer)?;
    Ok(value.and_then(|n| n.as_u64()))
}
