//! Apple silicon: `GET /apple-silicon/v1alpha1/zones/{zone}/servers`, `{"total_count",
//! "servers"}`.
//!
//! Every server body holds `sudo_password`, `vnc_url` (with the same password in it) and, for
//! a CI runner, `runner_configuration.token`. None of them is declared here, so serde skips
//! them unread: no log line, metric or page can show what the exporter never holds.

use serde::Deserialize;

use super::null_as_default;

#[serde_with::apply(_ => #[serde(default, deserialize_with = "null_as_default")])]
#[derive(Debug, Clone, Deserialize)]
pub struct AppleSiliconServer {
    #[serde_with(skip_apply)]
    pub id: String,
    pub organization_id: String,
    pub project_id: String,
    pub status: Option<String>,
    pub created_at: Option<String>,
    pub name: String,
    /// The commercial type (`M2-M`).
    #[serde(rename = "type")]
    pub server_type: String,
    /// The one public IPv4 address.
    pub ip: String,
    /// The earliest the server may be deleted (Apple's 24-hour minimum lease).
    pub deletable_at: Option<String>,
    /// Absent before 2025.
    pub os: Option<AppleSiliconOs>,
    /// Absent before December 2025.
    pub tags: Vec<String>,
}

#[serde_with::apply(_ => #[serde(default, deserialize_with = "null_as_default")])]
#[derive(Debug, Clone, Deserialize)]
pub struct AppleSiliconOs {
    /// `macos-sequoia-15.6`.
    pub name: String,
}
