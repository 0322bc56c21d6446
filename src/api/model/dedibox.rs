//! Dedibox: `GET /dedibox/v1/zones/{zone}/servers`, `{"total_count", "servers"}` of server
//! summaries. No recording of it exists: the shape is that of Scaleway's SDK, whose ids are
//! integers, whose list items have no tags, and whose addresses hang under network
//! interfaces (docs/api-notes.md#dedibox).

use serde::{Deserialize, Deserializer};

use super::null_as_default;

#[derive(Debug, Clone, Deserialize)]
pub struct DediboxServer {
    /// An integer in the API; kept as its decimal text, the `server_id` label.
    #[serde(deserialize_with = "integer_or_text")]
    pub id: String,
    #[serde(default, deserialize_with = "null_as_default")]
    pub hostname: String,
    #[serde(default, deserialize_with = "null_as_default")]
    pub organization_id: String,
    #[serde(default, deserialize_with = "null_as_default")]
    pub project_id: String,
    #[serde(default, deserialize_with = "null_as_default")]
    pub datacenter_name: String,
    #[serde(default, deserialize_with = "null_as_default")]
    pub offer_name: String,
    #[serde(default)]
    pub status: Option<String>,
    #[serde(default)]
    pub created_at: Option<String>,
    /// When the server's term ends.
    #[serde(default)]
    pub expired_at: Option<String>,
    #[serde(default, deserialize_with = "null_as_default")]
    pub interfaces: Vec<DediboxInterface>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct DediboxInterface {
    /// `normal`, `ipmi` (the BMC's own port), `virtual` or `unknown`.
    #[serde(default, rename = "type", deserialize_with = "null_as_default")]
    pub kind: String,
    #[serde(default, deserialize_with = "null_as_default")]
    pub ips: Vec<DediboxIp>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct DediboxIp {
    #[serde(default, deserialize_with = "null_as_default")]
    pub address: String,
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
