//! Apple silicon: `GET /apple-silicon/v1alpha1/zones/{zone}/servers`, `{"total_count",
//! "servers"}`.
//!
//! Every server body holds `sudo_password`, `vnc_url` (with the same password in it) and, for
//! a CI runner, `runner_configuration.token`. None of them is declared here, so serde skips
//! them unread: no log line, metric or page can show what the exporter never holds.

use serde::Deserialize;

use super::null_as_default;

#[derive(Debug, Clone, Deserialize)]
pub struct AppleSiliconServer {
    pub id: String,
    #[serde(default, deserialize_with = "null_as_default")]
    pub name: String,
    /// The commercial type (`M2-M`).
    #[serde(default, rename = "type", deserialize_with = "null_as_default")]
    pub server_type: String,
    #[serde(default, deserialize_with = "null_as_default")]
    pub organization_id: String,
    #[serde(default, deserialize_with = "null_as_default")]
    pub project_id: String,
    #[serde(default)]
    pub status: Option<String>,
    /// The one public IPv4 address.
    #[serde(default, deserialize_with = "null_as_default")]
    pub ip: String,
    #[serde(default)]
    pub created_at: Option<String>,
    /// The earliest the server may be deleted (Apple's 24-hour minimum lease).
    #[serde(default)]
    pub deletable_at: Option<String>,
    /// Absent before 2025.
    #[serde(default)]
    pub os: Option<AppleSiliconOs>,
    /// Absent before December 2025.
    #[serde(default, deserialize_with = "null_as_default")]
    pub tags: Vec<String>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct AppleSiliconOs {
    /// `macos-sequoia-15.6`.
    #[serde(default, deserialize_with = "null_as_default")]
    pub name: String,
}
