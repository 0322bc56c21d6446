//! The serde model of what the API sends, one module per product: only the fields the exporter reads, each as
//! tolerant as the real data requires (docs/api-notes.md#how-the-parser-reads-the-server-object).
//!
//! Every field but `id` may be absent or `null`: each struct says so once, with
//! `serde_with::apply` giving its fields `null_as_default`. The servers of the APIs generated
//! after the Instance API share four fields (`organization_id`, `project_id`, `status`,
//! `created_at`), declared in each rather than flattened from one struct: `serde(flatten)`
//! would buffer every field the model does not declare, Apple silicon's passwords included,
//! where undeclared fields are now skipped unread.
//!
//! Rules, all from real responses: unknown fields are ignored (fields come and go over the
//! years); every field but `id` may be absent or `null` and then takes its default; `volumes`
//! is a map keyed by stringified indexes that may come in any order; sizes are `u64` and a
//! size that is not a non-negative integer reads as unknown instead of failing the page;
//! the 2014 API says `"running": true|false` instead of `state`. One rule is a precaution
//! rather than a recording: a size sent as a string of digits is read as its number.

mod account;
mod apple_silicon;
mod billing;
mod block;
mod catalog;
mod dedibox;
mod elastic_metal;
mod flexible_ip;
mod instance;
mod money;
mod page;

use serde::{Deserialize, Deserializer};

pub use account::*;
pub use apple_silicon::{AppleSiliconOs, AppleSiliconServer};
pub use billing::Consumption;
pub use block::*;
pub use catalog::*;
pub use dedibox::{DediboxInterface, DediboxIp, DediboxOffer, DediboxServer};
pub use elastic_metal::{ElasticMetalIp, ElasticMetalOffer, ElasticMetalServer};
pub use flexible_ip::FlexibleIp;
pub use instance::*;
pub use money::Money;
pub use page::{Listed, Page};

/// One page of a servers list, of any product: `{"servers": [...]}`, with `total_count` in
/// the body for the APIs generated after the Instance API (Elastic Metal, Apple silicon,
/// Dedibox), whose total is in the `X-Total-Count` header instead. The legacy `GET /servers`
/// has the same envelope.
#[derive(Debug, Deserialize)]
#[serde(bound = "S: Deserialize<'de>")]
pub struct ServersPage<S = Server> {
    #[serde(default)]
    pub total_count: Option<u64>,
    /// `null` is an empty list; a page without the key is not a servers list at all, and
    /// stays an error (docs/api-notes.md#null-fields).
    #[serde(deserialize_with = "null_as_default")]
    pub servers: Vec<S>,
}

/// The JSON error body of the API: `type` and `message` when present (docs/api-notes.md#error-bodies).
#[derive(Debug, Default, Deserialize)]
pub struct ErrorBody {
    #[serde(default, rename = "type")]
    pub kind: Option<String>,
    #[serde(default)]
    pub message: Option<String>,
}

impl ErrorBody {
    /// Reads an error body, or `None` when it is not a JSON object (the 429 is empty, a 502
    /// from a proxy is HTML).
    pub fn parse(body: &[u8]) -> Option<ErrorBody> {
        serde_json::from_slice::<ErrorBody>(body).ok()
    }
}

/// Deserializes `null` as the type's default, for fields the API sends as `null` at times.
pub(crate) fn null_as_default<'de, D, T>(deserializer: D) -> Result<T, D::Error>
where
    D: Deserializer<'de>,
    T: Default + Deserialize<'de>,
{
    Ok(Option::<T>::deserialize(deserializer)?.unwrap_or_default())
}

/// A size in bytes, or `None` when the value is not a whole number that fits a `u64`. A
/// string of ASCII digits (`"20000000000"`, as protobuf's JSON writes 64-bit integers) is
/// read as the number it spells; any other text, a float or a negative number is unknown.
/// Only a value of another JSON type altogether (a list, an object) fails the page.
pub(crate) fn lenient_size<'de, D>(deserializer: D) -> Result<Option<u64>, D::Error>
where
    D: Deserializer<'de>,
{
    deserializer.deserialize_any(SizeVisitor)
}

struct SizeVisitor;

impl<'de> serde::de::Visitor<'de> for SizeVisitor {
    type Value = Option<u64>;

    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("a size in bytes, as a number or a string of digits")
    }

    fn visit_u64<E>(self, value: u64) -> Result<Self::Value, E> {
        Ok(Some(value))
    }

    fn visit_i64<E>(self, value: i64) -> Result<Self::Value, E> {
        Ok(u64::try_from(value).ok())
    }

    fn visit_f64<E>(self, _: f64) -> Result<Self::Value, E> {
        Ok(None)
    }

    fn visit_str<E>(self, text: &str) -> Result<Self::Value, E> {
        if text.is_empty() || !text.bytes().all(|b| b.is_ascii_digit()) {
            return Ok(None);
        }
        Ok(text.parse().ok())
    }

    fn visit_bool<E>(self, _: bool) -> Result<Self::Value, E> {
        Ok(None)
    }

    fn visit_none<E>(self) -> Result<Self::Value, E> {
        Ok(None)
    }

    fn visit_unit<E>(self) -> Result<Self::Value, E> {
        Ok(None)
    }
}
