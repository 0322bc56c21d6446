//! Apple silicon servers into inventory [`Server`]s. Their secrets are not in the model, so
//! they never reach here.

use super::{dedup, public_addresses, unix_seconds, AppleSiliconDetail, Detail, Server};
use crate::api::model;
use crate::product::{Product, State};

impl From<model::AppleSiliconServer> for Server {
    fn from(server: model::AppleSiliconServer) -> Self {
        Server {
            state: State::from_api(Product::AppleSilicon, server.status.as_deref()),
            addresses: public_addresses(std::iter::once(server.ip.as_str())),
            id: server.id,
            name: server.name,
            server_type: server.server_type,
            project_id: server.project_id,
            organization_id: server.organization_id,
            created: server.created_at.as_deref().and_then(unix_seconds),
            tags: dedup(server.tags),
            detail: Detail::AppleSilicon(AppleSiliconDetail {
                os_name: server.os.map(|os| os.name).unwrap_or_default(),
                deletable: server.deletable_at.as_deref().and_then(unix_seconds),
            }),
            state_since: None,
        }
    }
}
