//! The pre-zone API (`GET /servers`, docs/api-notes.md#legacy-2014-running-boolean-and-the-2018-form): the same fleet rendered in the 2016-2018
//! Scaleway shape, or in the 2014 Online Labs shape (`"running": bool`).

use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use serde::ser::{SerializeMap, Serializer};
use serde::Serialize;

use super::fleet::{
    BlockVolume, EmptyMap, Image, Location, Maintenance, SecurityGroup, Server, ServerRef, Volume,
    RUNNING,
};
use super::json::fnv1a;

/// `fr-par-1` → `par1`, `nl-ams-1` → `ams1`: the legacy region names.
pub(crate) fn legacy_zone_id(zone: &str) -> String {
    let mut parts = zone.split('-').skip(1);
    match (parts.next(), parts.next()) {
        (Some(city), Some(n)) => format!("{city}{n}"),
        _ => zone.to_owned(),
    }
}

/// The 2018 catalogue had other names; map today's types onto plausible old ones.
fn legacy_commercial_type(current: &str) -> &'static str {
    match current {
        "DEV1-S" => "START1-S",
        "DEV1-M" => "START1-M",
        "DEV1-L" => "START1-L",
        "PLAY2-PICO" | "PLAY2-NANO" | "STARDUST1-S" => "START1-XS",
        "PLAY2-MICRO" | "PRO2-XXS" => "VC1S",
        "PRO2-XS" | "POP2-2C-8G" | "POP2-HM-2C-16G" => "VC1M",
        "PRO2-S" | "POP2-4C-16G" => "VC1L",
        "GP1-XS" => "X64-15GB",
        "GP1-S" => "X64-30GB",
        "COPARM1-2C-8G" | "COPARM1-4C-16G" => "ARM64-4GB",
        _ => "X64-60GB",
    }
}

#[derive(Serialize)]
struct LegacyIp<'a> {
    dynamic: bool,
    id: &'a str,
    address: &'a str,
}

#[derive(Serialize)]
struct LegacyRootVolume<'a> {
    size: u64,
    id: &'a str,
    volume_type: &'static str,
    name: &'a str,
}

#[derive(Serialize)]
struct LegacyImage<'a> {
    default_bootscript: Option<()>,
    creation_date: &'a str,
    name: &'a str,
    modification_date: &'a str,
    organization: &'a str,
    extra_volumes: EmptyMap,
    arch: &'static str,
    id: &'a str,
    root_volume: LegacyRootVolume<'a>,
    public: bool,
}

#[derive(Serialize)]
struct LegacyVolume<'a> {
    size: u64,
    state: &'static str,
    name: &'a str,
    modification_date: &'a str,
    organization: &'a str,
    export_uri: String,
    creation_date: &'a str,
    id: &'a str,
    volume_type: &'static str,
    server: &'a ServerRef,
}

struct Map<V>(Vec<V>);

impl<V: Serialize> Serialize for Map<V> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut map = s.serialize_map(Some(self.0.len()))?;
        for (i, v) in self.0.iter().enumerate() {
            map.serialize_entry(&i.to_string(), v)?;
        }
        map.end()
    }
}

/// The 2016-2018 `cp-par1` shape (legacy-03): no `zone`, `project` or `public_ips`.
#[derive(Serialize)]
struct Legacy2018<'a> {
    maintenances: &'a [Maintenance],
    state_detail: &'a str,
    image: Option<LegacyImage<'a>>,
    creation_date: &'a str,
    public_ip: Option<LegacyIp<'a>>,
    private_ip: Option<String>,
    id: &'a str,
    dynamic_ip_required: bool,
    modification_date: &'a str,
    enable_ipv6: bool,
    hostname: &'a str,
    state: &'a str,
    bootscript: Option<()>,
    location: Option<Location>,
    boot_type: &'static str,
    ipv6: Option<()>,
    commercial_type: &'static str,
    tags: &'a [String],
    arch: &'static str,
    extra_networks: Vec<()>,
    name: &'a str,
    volumes: Map<LegacyVolume<'a>>,
    security_group: &'a SecurityGroup,
    organization: &'a str,
}

#[derive(Serialize)]
struct ImageRef<'a> {
    id: &'a str,
    name: &'a str,
}

#[derive(Serialize)]
struct Legacy2014Volume<'a> {
    export_uri: Option<String>,
    id: &'a str,
    name: &'a str,
    organization: &'a str,
    server: &'a ServerRef,
    size: u64,
    volume_type: &'static str,
}

/// The 2014 Online Labs shape (legacy-01/02): `running` instead of `state`.
#[derive(Serialize)]
struct Legacy2014<'a> {
    dynamic_public_ip: bool,
    id: &'a str,
    image: Option<ImageRef<'a>>,
    name: &'a str,
    organization: &'a str,
    private_ip: Option<String>,
    public_ip: Option<LegacyIp<'a>>,
    running: bool,
    tags: &'a [String],
    volumes: Map<Legacy2014Volume<'a>>,
}

/// One volume as the legacy API knew it: `(id, name, size, type, dates)`. `sbs_volume` entries
/// become `l_ssd` with their Block size; scratch volumes did not exist and are left out.
struct Flat<'a> {
    id: &'a str,
    name: &'a str,
    size: u64,
    volume_type: &'static str,
    creation_date: &'a str,
    modification_date: &'a str,
}

fn flatten<'a>(server: &'a Server, blocks: &'a [BlockVolume]) -> Vec<Flat<'a>> {
    let mut entries: Vec<(usize, Flat<'a>)> = Vec::new();
    for (key, volume) in &server.volumes.0 {
        let order = key.parse::<usize>().unwrap_or(usize::MAX);
        match volume {
            Volume::Local(v) if v.volume_type == "scratch" => {}
            Volume::Local(v) => entries.push((
                order,
                Flat {
                    id: &v.id,
                    name: &v.name,
                    size: v.size,
                    volume_type: if v.volume_type == "b_ssd" {
                        "b_ssd"
                    } else {
                        "l_ssd"
                    },
                    creation_date: &v.creation_date,
                    modification_date: &v.modification_date,
                },
            )),
            Volume::Sbs(v) => {
                let block = blocks.iter().find(|b| b.id == v.id);
                entries.push((
                    order,
                    Flat {
                        id: &v.id,
                        name: block.map_or("Volume", |b| b.name.as_str()),
                        size: block.map_or(20_000_000_000, |b| b.size),
                        volume_type: "l_ssd",
                        creation_date: &server.creation_date,
                        modification_date: &server.creation_date,
                    },
                ))
            }
        }
    }
    entries.sort_by_key(|(order, _)| *order);
    entries.into_iter().map(|(_, f)| f).collect()
}

/// A private address for servers that had none in today's shape (every 2014-2018 server had one).
fn private_ip(server: &Server) -> String {
    server.private_ip.clone().unwrap_or_else(|| {
        let h = fnv1a(&server.id);
        format!(
            "10.{}.{}.{}",
            1 + (h % 60),
            (h >> 8) & 0xff,
            2 + ((h >> 16) % 250)
        )
    })
}

/// The first public IPv4: the pre-zone API knew one address a server.
fn legacy_ip(server: &Server) -> Option<LegacyIp<'_>> {
    server
        .public_ips
        .iter()
        .find(|ip| ip.family == "inet")
        .map(|ip| LegacyIp {
            dynamic: ip.dynamic,
            id: &ip.id,
            address: &ip.address,
        })
}

/// An image as the 2016-2018 API wrote it: its root an `l_ssd`, of 10 GB where today's
/// image gives no size.
fn legacy_image(i: &Image) -> LegacyImage<'_> {
    LegacyImage {
        default_bootscript: None,
        creation_date: &i.creation_date,
        name: &i.name,
        modification_date: &i.modification_date,
        organization: &i.organization,
        extra_volumes: EmptyMap,
        arch: i.arch,
        id: &i.id,
        root_volume: LegacyRootVolume {
            size: if i.root_volume.size == 0 {
                10_000_000_000
            } else {
                i.root_volume.size
            },
            id: &i.root_volume.id,
            volume_type: "l_ssd",
            name: &i.name,
        },
        public: true,
    }
}

/// The 2016-2018 rendering of a server (state already applied).
pub(crate) fn render_2018(server: &Server, blocks: &[BlockVolume], out: &mut Vec<u8>) {
    let server_ref = ServerRef {
        id: server.id.clone(),
        name: server.name.clone(),
    };
    let flat = flatten(server, blocks);
    let image = server.image.as_ref().map(legacy_image);
    let volumes = flat
        .iter()
        .enumerate()
        .map(|(n, f)| LegacyVolume {
            size: f.size,
            state: "available",
            name: f.name,
            modification_date: f.modification_date,
            organization: &server.organization,
            export_uri: format!("device://dev/vd{}", char::from(b'a' + (n % 26) as u8)),
            creation_date: f.creation_date,
            id: f.id,
            volume_type: f.volume_type,
            server: &server_ref,
        })
        .collect();
    let location = server.location.as_ref().map(|l| Location {
        zone_id: legacy_zone_id(&server.zone),
        ..l.clone()
    });
    let legacy = Legacy2018 {
        maintenances: &server.maintenances,
        state_detail: &server.state_detail,
        image,
        creation_date: &server.creation_date,
        public_ip: legacy_ip(server),
        private_ip: Some(private_ip(server)),
        id: &server.id,
        dynamic_ip_required: server.dynamic_ip_required,
        modification_date: &server.modification_date,
        enable_ipv6: false,
        hostname: &server.hostname,
        state: &server.state,
        bootscript: None,
        location,
        boot_type: server.boot_type,
        ipv6: None,
        commercial_type: legacy_commercial_type(server.commercial_type),
        tags: &server.tags,
        arch: server.arch,
        extra_networks: Vec::new(),
        name: &server.name,
        volumes: Map(volumes),
        security_group: &server.security_group,
        organization: &server.organization,
    };
    super::json::spaced_into(out, &legacy);
}

/// The 2014 Online Labs rendering: `running: bool`, `dynamic_public_ip`, `image: {id, name}`,
/// `l_ssd`/`l_hdd` volumes with `nbd://` export URIs.
pub(crate) fn render_2014(server: &Server, blocks: &[BlockVolume], out: &mut Vec<u8>) {
    let server_ref = ServerRef {
        id: server.id.clone(),
        name: server.name.clone(),
    };
    let mut rng = StdRng::seed_from_u64(fnv1a(&server.id));
    let node = format!(
        "10.1.{}.{}",
        rng.random_range(0..16),
        rng.random_range(2..250)
    );
    let volumes = flatten(server, blocks)
        .iter()
        .enumerate()
        .map(|(n, f)| Legacy2014Volume {
            export_uri: (server.state == RUNNING).then(|| format!("nbd://{node}:{}", 4200 + n)),
            id: f.id,
            name: f.name,
            organization: &server.organization,
            server: &server_ref,
            size: f.size,
            // Spinning disks were the cheap option for data volumes.
            volume_type: if n > 0 && rng.random_bool(0.5) {
                "l_hdd"
            } else {
                "l_ssd"
            },
        })
        .collect();
    let legacy = Legacy2014 {
        dynamic_public_ip: server.dynamic_ip_required,
        id: &server.id,
        image: server.image.as_ref().map(|i| ImageRef {
            id: &i.id,
            name: &i.name,
        }),
        name: &server.name,
        organization: &server.organization,
        private_ip: (server.state == RUNNING).then(|| private_ip(server)),
        public_ip: legacy_ip(server),
        running: server.state == RUNNING,
        tags: &server.tags,
        volumes: Map(volumes),
    };
    super::json::spaced_into(out, &legacy);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn legacy_zone_ids_drop_the_country() {
        assert_eq!(legacy_zone_id("fr-par-1"), "par1");
        assert_eq!(legacy_zone_id("nl-ams-1"), "ams1");
        assert_eq!(legacy_zone_id("weird"), "weird");
    }
}
