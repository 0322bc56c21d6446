//! Elastic Metal servers into inventory [`Server`]s.

use super::{dedup, public_addresses, unix_seconds, Detail, ElasticMetalDetail, Server};
use crate::api::model;
use crate::product::{Product, State};

impl From<model::ElasticMetalServer> for Server {
    fn from(server: model::ElasticMetalServer) -> Self {
        let ping_up = match server.ping_status.as_deref() {
            Some("ping_status_up") => Some(true),
            Some("ping_status_down") => Some(false),
            _ => None,
        };
        Server {
            state: State::from_api(Product::ElasticMetal, server.status.as_deref()),
            addresses: public_addresses(server.ips.iter().map(|ip| ip.address.as_str())),
            id: server.id,
            name: server.name,
            server_type: server.offer_name,
            project_id: server.project_id,
            organization_id: server.organization_id,
            created: server.created_at.as_deref().and_then(unix_seconds),
            tags: dedup(server.tags),
            detail: Detail::ElasticMetal(ElasticMetalDetail {
                ping_up,
                offer_id: server.offer_id,
            }),
            state_since: None,
        }
    }
}
