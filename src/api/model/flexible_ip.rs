//! Elastic Metal's flexible IPs: `GET /flexible-ip/v1alpha1/zones/{zone}/fips`,
//! `{"total_count", "flexible_ips": [...]}` (docs/api-notes.md#leftovers).

use serde::Deserialize;

use super::{null_as_default, Listed};

#[serde_with::apply(_ => #[serde(default, deserialize_with = "null_as_default")])]
#[derive(Debug, Clone, Deserialize)]
pub struct FlexibleIp {
    #[serde_with(skip_apply)]
    pub id: String,
    /// A bare IPv4 (`195.154.141.4`), or an IPv6 CIDR (`2001:bc8:702:6b7::/64`).
    pub ip_address: String,
    /// `ready`, `attached`, `updating`, `detaching`, ...
    pub status: String,
    pub project_id: String,
    /// The Elastic Metal server it is attached to; `null` when none.
    pub server_id: Option<String>,
}

impl Listed for FlexibleIp {
    const KEY: &'static str = "flexible_ips";
}
