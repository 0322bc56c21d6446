//! Instance servers (and the legacy API's, same model) into inventory [`Server`]s.

use super::maintenance::maintenances_from_api;
use super::{
    dedup, unix_seconds, Address, BlockSizes, Detail, Family, Fleet, InstanceDetail, Scope, Server,
    Volume,
};
use crate::api::model;
use crate::product::{InstanceState, State};

/// One zone's whole listing into servers, as [`Fleet`] does it page by page, with the
/// `sbs_volume` sizes (and names) the Block Storage list gives.
pub fn servers_from_api(
    listing: Vec<model::Server>,
    block_volumes: &[model::BlockVolume],
) -> Vec<Server> {
    let mut fleet = Fleet::default();
    listing.into_iter().for_each(|server| fleet.add(server));
    BlockSizes::from_api(block_volumes).apply(fleet.servers_mut());
    fleet.finish()
}

/// The state of what the API says: `state`, or in the 2014 Online Labs API a `running`
/// boolean instead.
fn state_of(state: Option<&str>, running: Option<bool>) -> InstanceState {
    match (state, running) {
        (Some(state), _) => InstanceState::from_api(state),
        (None, Some(true)) => InstanceState::Running,
        (None, Some(false)) => InstanceState::Stopped,
        (None, None) => InstanceState::Unknown,
    }
}

impl From<model::Server> for Server {
    fn from(server: model::Server) -> Self {
        let state = State::Instance(state_of(server.state.as_deref(), server.running));
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
            state,
            server_type: server.commercial_type,
            project_id: server.project,
            organization_id: server.organization,
            created: server.creation_date.as_deref().and_then(unix_seconds),
            tags: dedup(server.tags),
            addresses,
            detail: Detail::Instance(InstanceDetail {
                arch: server.arch,
                image_name: server.image.map(|image| image.name).unwrap_or_default(),
                modified: server.modification_date.as_deref().and_then(unix_seconds),
                volumes,
                boot_type: server.boot_type,
                maintenances: maintenances_from_api(server.maintenances),
                end_of_service: server.end_of_service,
            }),
            state_since: None,
        }
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

/// Instance servers from the JSON of a servers page, for the crate's unit tests.
#[cfg(test)]
pub(crate) fn servers_from_json(json: &str) -> Vec<Server> {
    let page: model::ServersPage = serde_json::from_str(json).expect("page parses");
    servers_from_api(page.servers, &[])
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

    fn parse_page(json: &str) -> Vec<model::Server> {
        serde_json::from_str::<model::ServersPage>(json)
            .expect("page parses")
            .servers
    }

    #[test]
    fn every_named_state_maps_to_itself_and_the_2014_boolean_to_running_or_stopped() {
        for state in InstanceState::ALL {
            assert_eq!(state_of(Some(state.label()), None), *state);
        }
        assert_eq!(state_of(Some("hibernating"), None), InstanceState::Unknown);
        assert_eq!(state_of(None, None), InstanceState::Unknown);
        assert_eq!(state_of(None, Some(true)), InstanceState::Running);
        assert_eq!(state_of(None, Some(false)), InstanceState::Stopped);
        assert_eq!(
            state_of(Some("starting"), Some(false)),
            InstanceState::Starting,
            "the state wins over the boolean"
        );
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
            ..model::BlockVolume::default()
        }];
        let servers = servers_from_api(page.clone(), &block);
        assert_eq!(servers[0].volumes()[0].size, Some(10_000_000_000));
        assert_eq!(servers[0].volumes()[0].name, "data");
        let without_block = servers_from_api(page, &[]);
        assert_eq!(without_block[0].volumes()[0].size, None);
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
