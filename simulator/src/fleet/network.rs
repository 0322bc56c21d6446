//! A generated server's place on the network: public addresses, routed or private IPv4, a
//! Private Network interface, its placement and security groups, the node it runs on.

use rand::Rng;

use super::server::Identity;
use super::*;

/// The network fields of a server, named as in [`Server`].
pub(super) struct Network {
    pub dynamic_ip_required: bool,
    pub public_ips: Vec<PublicIp>,
    pub routed_ip_enabled: bool,
    pub enable_ipv6: bool,
    pub private_ip: Option<String>,
    pub private_nics: Vec<PrivateNic>,
    pub placement_group: Option<PlacementGroup>,
    pub security_group: SecurityGroup,
    pub location: Location,
    pub mac_address: String,
}

impl ZoneCtx {
    /// The network of server `id` (created at `created`, Unix microseconds): a Kapsule node
    /// always has a dynamic IPv4 and a Private Network.
    pub(super) fn network(
        &self,
        fleet: &FleetCtx,
        who: &Identity,
        id: &str,
        created: i64,
        rng: &mut StdRng,
    ) -> Network {
        let dynamic = who.kapsule || rng.random_bool(0.3);
        let public_ips = public_ips(who.kapsule, dynamic, rng);
        let routed_ip_enabled = rng.random_range(0..100) < 85;
        let private_ip = (!routed_ip_enabled).then(|| {
            format!(
                "10.{}.{}.{}",
                rng.random_range(64..80),
                rng.random::<u8>(),
                rng.random_range(2..254)
            )
        });
        let private_nics = if rng.random_range(0..100) < 12 || who.kapsule {
            vec![self.private_nic(id, created, rng)]
        } else {
            Vec::new()
        };
        let placement_group = (rng.random_range(0..100) < 3).then(|| {
            self.placement_groups[rng.random_range(0..self.placement_groups.len())].clone()
        });
        let security_group = if rng.random_range(0..100) < 80 {
            self.security_groups[who.project].clone()
        } else {
            let extras = &self.security_groups[fleet.projects.len()..];
            extras[rng.random_range(0..extras.len())].clone()
        };
        let has_v6 = public_ips.iter().any(|ip| ip.family == "inet6");
        Network {
            dynamic_ip_required: dynamic,
            enable_ipv6: has_v6 && !routed_ip_enabled,
            public_ips,
            routed_ip_enabled,
            private_ip,
            private_nics,
            placement_group,
            security_group,
            location: self.location(rng),
            mac_address: format!(
                "de:00:0{}:{:02x}:{:02x}:{:02x}",
                rng.random_range(0..2),
                rng.random::<u8>(),
                rng.random::<u8>(),
                rng.random::<u8>()
            ),
        }
    }

    /// An interface on one of the zone's Private Networks, added a little after the server.
    fn private_nic(&self, server_id: &str, created: i64, rng: &mut StdRng) -> PrivateNic {
        let nic_created = instance_date(from_micros(
            created + rng.random_range(1_000_000..60_000_000),
        ));
        PrivateNic {
            id: uuid(rng),
            private_network_id: self.private_networks
                [rng.random_range(0..self.private_networks.len())]
            .clone(),
            server_id: server_id.to_owned(),
            mac_address: format!(
                "02:00:00:{:02x}:{:02x}:{:02x}",
                rng.random::<u8>(),
                rng.random::<u8>(),
                rng.random::<u8>()
            ),
            state: "available",
            creation_date: nic_created.clone(),
            modification_date: nic_created,
            zone: self.zone.clone(),
            tags: Vec::new(),
            ipam_ip_ids: vec![uuid(rng), uuid(rng)],
        }
    }

    /// The hypervisor the server runs on.
    fn location(&self, rng: &mut StdRng) -> Location {
        Location {
            zone_id: self.zone.clone(),
            platform_id: rng.random_range(10..40).to_string(),
            cluster_id: rng.random_range(1..60).to_string(),
            hypervisor_id: rng.random_range(100..2200).to_string(),
            node_id: rng.random_range(1..64).to_string(),
        }
    }
}

/// Public addresses as real servers show them: none, one IPv4, an IPv4 and an IPv6, or two
/// static IPv4 (one manual); a Kapsule node has exactly one. The roll is drawn either way.
fn public_ips(kapsule: bool, dynamic: bool, rng: &mut StdRng) -> Vec<PublicIp> {
    match rng.random_range(0..100) {
        _ if kapsule => vec![ipv4(rng, dynamic, "dhcp")],
        0..20 => Vec::new(),
        20..80 => vec![ipv4(rng, dynamic, "dhcp")],
        80..92 => vec![ipv4(rng, dynamic, "dhcp"), ipv6(rng)],
        _ => vec![ipv4(rng, false, "dhcp"), ipv4(rng, false, "manual")],
    }
}
