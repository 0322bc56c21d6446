//! Instance servers (and the legacy API's, same model) into inventory [`Server`]s.

use std::collections::HashSet;

use super::maintenance::maintenances_from_api;
use super::{unix_seconds, Address, BlockSizes, Family, Scope, Server, State, Volume};
use crate::api::model;

/// Builds one zone's servers from its listing, page by page: each id once (the first
/// listing wins; pages shift while paging), then `sbs_volume` sizes from the Block Storage
/// list once it is known.
#[derive(Debug, Default)]
pub struct FleetBuilder {
    seen: HashSet<String>,
    servers: Vec<Server>,
}

impl FleetBuilder {
    pub fn add(&mut self, server: model::Server) {
        if self.seen.insert(server.id.clone()) {
            self.servers.push(server_from_api(server));
        }
    }

    /// True when a volume has no size that the Block Storage list could give.
    pub fn needs_block_sizes(&self) -> bool {
        self.servers
            .iter()
            .flat_map(|s| &s.volumes)
            .any(|v| v.size.is_none() && v.volume_type == "sbs_volume")
    }

    /// The servers, with sizes (and names, where the server object has none) of the
    /// volumes that the Block Storage list knows.
    pub fn finish(self, block_volumes: &[model::BlockVolume]) -> Vec<Server> {
        self.finish_with(&BlockSizes::from_api(block_volumes))
    }

    /// [`FleetBuilder::finish`] with the sizes of a Block Storage read already indexed.
    pub fn finish_with(mut self, sizes: &BlockSizes) -> Vec<Server> {
        sizes.apply(&mut self.servers);
        self.servers
    }
}

/// One zone's whole listing into servers, as [`FleetBuilder`] does it page by page.
pub fn servers_from_api(
    listing: Vec<model::Server>,
    block_volumes: &[model::BlockVolume],
) -> Vec<Server> {
    let mut fleet = FleetBuilder::default();
    listing.into_iter().for_each(|server| fleet.add(server));
    fleet.finish(block_volumes)
}

fn server_from_api(server: model::Server) -> Server {
    let state = State::from_api(server.state.as_deref(), server.running);
    let addresses = addresses(&server);
    let mut volumes: Vec<(String, model::Volume)> = server.volumes.into_iter().collect();
    volumes.sort_by(|(a, _), (b, _)| volume_key_order(a, b));
    let volumes = volumes
        .into_iter()
        .map(|(index, volume)| Volume {
            size: volume.size,
            id: volume.id,
            index,
            volume_type: volume.volume_type,
            name: volume.name,
        })
        .collect();
    Server {
        id: server.id,
        name: server.name,
        commercial_type: server.commercial_type,
        arch: server.arch,
        image_name: server.image.map(|image| image.name).unwrap_or_default(),
        project_id: server.project,
        organization_id: server.organization,
        state,
        created: server.creation_date.as_deref().and_then(unix_seconds),
        modified: server.modification_date.as_deref().and_then(unix_seconds),
        volumes,
        tags: dedup(server.tags),
        addresses,
        boot_type: server.boot_type,
        maintenances: maintenances_from_api(server.maintenances),
        end_of_service: server.end_of_service,
        state_since: None,
    }
}

/// Numeric keys in numeric order ("2" before "10"), then any other key in text order.
fn volume_key_order(a: &str, b: &str) -> std::cmp::Ordering {
    match (a.parse::<u64>(), b.parse::<u64>()) {
        (Ok(a), Ok(b)) => a.cmp(&b),
        (Ok(_), Err(_)) => std::cmp::Ordering::Less,
        (Err(_), Ok(_)) => std::cmp::Ordering::Greater,
        (Err(_), Err(_)) => a.cmp(b),
    }
}

/// Tags in API order, each once: a repeated tag would be a duplicate series.
pub(super) fn dedup(items: Vec<String>) -> Vec<String> {
    let mut seen = HashSet::with_capacity(items.len());
    items
        .into_iter()
        .filter(|item| seen.insert(item.clone()))
        .collect()
}

/// Every address once: `public_ips` (since 2023), else the deprecated `public_ip`, the
/// deprecated `ipv6` block, and `private_ip`.
fn addresses(server: &model::Server) -> Vec<Address> {
    let mut out: Vec<Address> = Vec::new();
    let mut push = |address: &str, family: Option<&str>, scope: Scope| {
        if address.is_empty() || out.iter().any(|a| a.address == address) {
            return;
        }
        let family = match family {
            Some("inet") => Family::Inet,
            Some("inet6") => Family::Inet6,
            _ => Family::of(address),
        };
        out.push(Address {
            address: address.to_owned(),
            family,
            scope,
        });
    };
    for ip in &server.public_ips {
        push(&ip.address, ip.family.as_deref(), Scope::Public);
    }
    if let Some(ip) = &server.public_ip {
        push(&ip.address, ip.family.as_deref(), Scope::Public);
    }
    if let Some(ipv6) = &server.ipv6 {
        push(&ipv6.address, Some("inet6"), Scope::Public);
    }
    if let Some(private) = &server.private_ip {
        push(private, None, Scope::Private);
    }
    out
}

/// One page of servers from its JSON, for the tests of the inventory.
#[cfg(test)]
pub(super) fn parse_page(json: &str) -> Vec<model::Server> {
    serde_json::from_str::<model::ServersPage>(json)
        .expect("page parses")
        .servers
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn volumes_come_out_in_numeric_index_order() {
        let mut keys = vec!["10", "1", "x", "0", "2"];
        keys.sort_by(|a, b| volume_key_order(a, b));
        assert_eq!(keys, ["0", "1", "2", "10", "x"]);
    }

    #[test]
    fn a_server_listed_twice_is_kept_once() {
        let page = parse_page(
            r#"{"servers":[{"id":"a","name":"one"},{"id":"b"},{"id":"a","name":"one again"}]}"#,
        );
        let servers = servers_from_api(page, &[]);
        assert_eq!(servers.len(), 2);
        assert_eq!(servers[0].name, "one");
    }

    #[test]
    fn sbs_volume_sizes_and_names_come_from_the_block_list() {
        let page = parse_page(
            r#"{"servers":[{"id":"s","volumes":{"0":{"boot":false,"id":"v1","volume_type":"sbs_volume"}}}]}"#,
        );
        let block = vec![model::BlockVolume {
            id: "v1".into(),
            name: "data".into(),
            size: Some(10_000_000_000),
            volume_type: "sbs_5k".into(),
        }];
        let servers = servers_from_api(page.clone(), &block);
        assert_eq!(servers[0].volumes[0].size, Some(10_000_000_000));
        assert_eq!(servers[0].volumes[0].name, "data");
        let without_block = servers_from_api(page, &[]);
        assert_eq!(without_block[0].volumes[0].size, None);
    }

    #[test]
    fn addresses_come_from_public_ips_then_the_deprecated_fields_each_once() {
        let page = parse_page(
            r#"{"servers":[{"id":"s",
                "public_ip":{"address":"51.15.1.2","dynamic":false,"id":"x"},
                "public_ips":[{"address":"51.15.1.2","family":"inet"},{"address":"2001:bc8::1","family":"inet6"}],
                "private_ip":"10.1.2.3","ipv6":null}]}"#,
        );
        let servers = servers_from_api(page, &[]);
        let got: Vec<(&str, &str, &str)> = servers[0]
            .addresses
            .iter()
            .map(|a| (a.address.as_str(), a.family.as_str(), a.scope.as_str()))
            .collect();
        assert_eq!(
            got,
            [
                ("51.15.1.2", "inet", "public"),
                ("2001:bc8::1", "inet6", "public"),
                ("10.1.2.3", "inet", "private")
            ]
        );
    }
}
