//! Dedibox servers into inventory [`Server`]s: the hostname is the name, the integer id its
//! decimal text, and the addresses those of its network interfaces but the BMC's.

use super::{public_addresses, unix_seconds, DediboxDetail, Detail, Server};
use crate::api::model;
use crate::product::{Product, State};

impl From<model::DediboxServer> for Server {
    fn from(server: model::DediboxServer) -> Self {
        // The BMC's own port is how Scaleway reaches the machine, not an address it serves on.
        let addresses = public_addresses(
            server
                .interfaces
                .iter()
                .filter(|interface| interface.kind != "ipmi")
                .flat_map(|interface| &interface.ips)
                .map(|ip| ip.address.as_str()),
        );
        Server {
            state: State::from_api(Product::Dedibox, server.status.as_deref()),
            addresses,
            id: server.id,
            name: server.hostname,
            server_type: server.offer_name,
            project_id: server.project_id,
            organization_id: server.organization_id,
            created: server.created_at.as_deref().and_then(unix_seconds),
            tags: Vec::new(),
            detail: Detail::Dedibox(DediboxDetail {
                datacenter: server.datacenter_name,
                offer_id: server.offer_id,
                expiration: server.expired_at.as_deref().and_then(unix_seconds),
            }),
            state_since: None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_dedibox_integer_id_is_its_decimal_text_and_its_bmc_port_is_not_an_address() {
        let server: model::DediboxServer = serde_json::from_str(
            r#"{"id":123456,"hostname":"sd-123456","status":"ready","interfaces":[
                {"type":"normal","ips":[{"address":"51.15.0.1","version":"ipv4"},{"address":"2001:bc8::1","version":"ipv6"}]},
                {"type":"ipmi","ips":[{"address":"10.0.0.9","version":"ipv4"}]}]}"#,
        )
        .unwrap();
        let server = Server::from(server);
        assert_eq!(server.id, "123456");
        assert_eq!(server.name, "sd-123456");
        assert_eq!(server.product(), Product::Dedibox);
        assert!(server.is_up());
        let addresses: Vec<(&str, &str)> = server
            .addresses
            .iter()
            .map(|a| (a.address.as_str(), a.family.as_str()))
            .collect();
        assert_eq!(addresses, [("51.15.0.1", "inet"), ("2001:bc8::1", "inet6")]);
    }
}
