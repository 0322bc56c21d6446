//! Elastic Metal: `GET /baremetal/v1/zones/{zone}/servers`, `{"total_count", "servers"}`.
//!
//! Only what the metrics read is declared. `user_data` (cloud-init, which may embed secrets)
//! and `rescue_server` (its password) are not, so they are never even deserialized.

use serde::Deserialize;

use super::null_as_default;

#[serde_with::apply(_ => #[serde(default, deserialize_with = "null_as_default")])]
#[derive(Debug, Clone, Deserialize)]
pub struct ElasticMetalServer {
    #[serde_with(skip_apply)]
    pub id: String,
    pub organization_id: String,
    /// Absent before October 2020.
    pub project_id: String,
    pub status: Option<String>,
    pub created_at: Option<String>,
    pub name: String,
    /// The commercial offer (`EM-B112X-SSD`); absent before April 2022.
    pub offer_name: String,
    /// The offer the server is billed by: an hourly one or its monthly twin.
    pub offer_id: String,
    pub tags: Vec<String>,
    /// An IPv4 and an IPv6 in either order, or none while delivering.
    pub ips: Vec<ElasticMetalIp>,
    /// `ping_status_up`, `ping_status_down` or `ping_status_unknown`.
    pub ping_status: Option<String>,
    /// `normal` or `rescue`.
    pub boot_type: String,
}

#[serde_with::apply(_ => #[serde(default, deserialize_with = "null_as_default")])]
#[derive(Debug, Clone, Deserialize)]
pub struct ElasticMetalIp {
    pub address: String,
}

/// One offer of `GET /baremetal/v1/zones/{zone}/offers`: hourly or monthly, never both (the
/// other price is `null`); an hourly offer names its monthly twin (docs/api-notes.md#prices).
#[serde_with::apply(_ => #[serde(default, deserialize_with = "null_as_default")])]
#[derive(Debug, Clone, Deserialize)]
pub struct ElasticMetalOffer {
    #[serde_with(skip_apply)]
    pub id: String,
    pub name: String,
    pub price_per_hour: Option<super::Money>,
    pub price_per_month: Option<super::Money>,
    /// `hourly`, `monthly`, or `unknown_subscription_period` (2021), absent before.
    pub subscription_period: String,
    pub monthly_offer_id: Option<String>,
}

impl super::Listed for ElasticMetalOffer {
    const KEY: &'static str = "offers";
}
