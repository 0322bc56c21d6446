//! Dedibox: `GET /dedibox/v1/zones/{zone}/servers`, `{"total_count", "servers"}` of server
//! summaries. No recording of it exists: the shape is that of Scaleway's SDK, whose ids are
//! integers, whose list items have no tags, and whose addresses hang under network
//! interfaces (docs/api-notes.md#dedibox).

use serde::{Deserialize, Deserializer};

use super::null_as_default;

#[serde_with::apply(_ => #[serde(default, deserialize_with = "null_as_default")])]
#[derive(Debug, Clone, Deserialize)]
pub struct DediboxServer {
    /// An integer in the API; kept as its decimal text, the `server_id` label.
    #[serde_with(skip_apply)]
    #[serde(deserialize_with = "integer_or_text")]
    pub id: String,
    pub organization_id: String,
    pub project_id: String,
    pub status: Option<String>,
    pub created_at: Option<String>,
    pub hostname: String,
    pub datacenter_name: String,
    pub offer_name: String,
    /// An integer in the API, as its decimal text; empty when absent.
    #[serde_with(skip_apply)]
    #[serde(default, deserialize_with = "optional_integer_or_text")]
    pub offer_id: String,
    /// When the server's term ends.
    pub expired_at: Option<String>,
    pub interfaces: Vec<DediboxInterface>,
}

#[serde_with::apply(_ => #[serde(default, deserialize_with = "null_as_default")])]
#[derive(Debug, Clone, Deserialize)]
pub struct DediboxInterface {
    /// `normal`, `ipmi` (the BMC's own port), `virtual` or `unknown`.
    #[serde(rename = "type")]
    pub kind: String,
    pub ips: Vec<DediboxIp>,
}

#[serde_with::apply(_ => #[serde(default, deserialize_with = "null_as_default")])]
#[derive(Debug, Clone, Deserialize)]
pub struct DediboxIp {
    pub address: String,
}

/// One offer of `GET /dedibox/v1/zones/{zone}/offers` (the SDK's shape: no recording of it
/// exists).
#[serde_with::apply(_ => #[serde(default, deserialize_with = "null_as_default")])]
#[derive(Debug, Clone, Deserialize)]
pub struct DediboxOffer {
    #[serde_with(skip_apply)]
    #[serde(deserialize_with = "integer_or_text")]
    pub id: String,
    pub name: String,
    /// `monthly` or `oneshot`.
    pub payment_frequency: String,
    pub pricing: Option<super::Money>,
}

impl super::Listed for DediboxOffer {
    const KEY: &'static str = "offers";
}

/// [`integer_or_text`], with `null` as empty.
fn optional_integer_or_text<'de, D>(deserializer: D) -> Result<String, D::Error>
where
    D: Deserializer<'de>,
{
    #[derive(Deserialize)]
    struct Wrapped(#[serde(deserialize_with = "integer_or_text")] String);
    Ok(Option::<Wrapped>::deserialize(deserializer)?
        .map(|w| w.0)
        .unwrap_or_default())
}

/// A JSON integer, or a string (as protobuf's JSON writes 64-bit integers), as text.
fn integer_or_text<'de, D>(deserializer: D) -> Result<String, D::Error>
where
    D: Deserializer<'de>,
{
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum Id {
        Number(u64),
        Text(String),
    }
    Ok(match Id::deserialize(deserializer)? {
        Id::Number(n) => n.to_string(),
        Id::Text(text) => text,
    })
}
