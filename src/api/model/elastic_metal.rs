//! Elastic Metal: `GET /baremetal/v1/zones/{zone}/servers`, `{"total_count", "servers"}`.
//!
//! Only what the metrics read is declared. `user_data` (cloud-init, which may embed secrets)
//! and `rescue_server` (its password) are not, so they are never even deserialized.

use serde::Deserialize;

use super::null_as_default;

#[derive(Debug, Clone, Deserialize)]
pub struct ElasticMetalServer {
    pub id: String,
    #[serde(default, deserialize_with = "null_as_default")]
    pub name: String,
    #[serde(default, deserialize_with = "null_as_default")]
    pub organization_id: String,
    /// Absent before October 2020.
    #[serde(default, deserialize_with = "null_as_default")]
    pub project_id: String,
    #[serde(default)]
    pub status: Option<String>,
    /// The commercial offer (`EM-B112X-SSD`); absent before April 2022.
    #[serde(default, deserialize_with = "null_as_default")]
    pub offer_name: String,
    #[serde(default)]
    pub created_at: Option<String>,
    #[serde(default, deserialize_with = "null_as_default")]
    pub tags: Vec<String>,
    /// An IPv4 and an IPv6 in either order, or none while delivering.
    #[serde(default, deserialize_with = "null_as_default")]
    pub ips: Vec<ElasticMetalIp>,
    /// `ping_status_up`, `ping_status_down` or `ping_status_unknown`.
    #[serde(default)]
    pub ping_status: Option<String>,
    /// `normal` or `rescue`.
    #[serde(default, deserialize_with = "null_as_default")]
    pub boot_type: String,
}

#[derive(Debug, Clone, Deserialize)]
pub struct ElasticMetalIp {
    #[serde(default, deserialize_with = "null_as_default")]
    pub address: String,
}
