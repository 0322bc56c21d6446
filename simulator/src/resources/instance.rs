//! Instance IPs, volumes and snapshots (`/instance/v1/zones/{zone}/ips|volumes|snapshots`),
//! as the Python API writes them: spaced, keys in the recorded order.
//!
//! The servers' own are taken from the servers: an attached IP has the server's IP id and
//! address (an IPv6 its `/64` prefix, `address` null), an attached volume the id, name and
//! size of the server's `l_ssd`/`b_ssd` entry, and each names its server. When the server
//! goes, its volumes go with it and its static IPs stay, detached (a dynamic IP is released);
//! until then a volume says `available`, even while its server is being deleted. Then come
//! what nobody uses: detached IPs (routed IPv4 and IPv6, and a `nat` IP that says `attached`
//! with no server, as 2023 bodies did), unattached `b_ssd` and `l_ssd` volumes, and
//! snapshots up to a year old.

use rand::rngs::StdRng;
use rand::Rng;
use serde::Serialize;

use super::billing::Billable;
use super::draw::{age, later, named, Today};
use super::store::{by_date, Listed};
use crate::fleet::{
    hostname_of, ipv4, ipv6, pick, FleetCtx, LocalVolume, PublicIp, Server, ServerRef, Volume,
    ZoneCtx, STOPPED,
};
use crate::json::{instance_date, spaced, uuid};

/// Salts of the zone's streams ([`ZoneCtx::stream`]): one per server for its IPs, one for
/// each kind of leftover.
const SERVER_IPS: u64 = 1 << 40;
const DETACHED_IPS: u64 = 2 << 40;
const UNATTACHED_VOLUMES: u64 = 3 << 40;
const SNAPSHOTS: u64 = 4 << 40;

/// What the lists and the bill need of a generated server, taken while it is generated.
pub(crate) struct ServerLinks {
    idx: usize,
    server: ServerRef,
    organization: String,
    project: String,
    routed: bool,
    public_ips: Vec<PublicIp>,
    /// Its `l_ssd` and `b_ssd` entries.
    volumes: Vec<LocalVolume>,
    commercial_type: &'static str,
    /// Running or about to (a `stopped` server is not billed).
    billed: bool,
}

impl ServerLinks {
    /// Server `idx` of its zone.
    pub(crate) fn of(server: &Server, idx: usize) -> ServerLinks {
        let volumes = server
            .volumes
            .0
            .iter()
            .filter_map(|(_, v)| match v {
                Volume::Local(v) if matches!(v.volume_type, "l_ssd" | "b_ssd") => Some(v.clone()),
                _ => None,
            })
            .collect();
        ServerLinks {
            idx,
            server: ServerRef {
                id: server.id.clone(),
                name: server.name.clone(),
            },
            organization: server.organization.clone(),
            project: server.project.clone(),
            routed: server.routed_ip_enabled,
            public_ips: server.public_ips.clone(),
            volumes,
            commercial_type: server.commercial_type,
            billed: server.state != STOPPED,
        }
    }
}

/// An IP as the list shows it.
#[derive(Serialize)]
struct Ip<'a> {
    id: &'a str,
    address: Option<&'a str>,
    prefix: Option<String>,
    reverse: Option<String>,
    server: Option<&'a ServerRef>,
    organization: &'a str,
    project: &'a str,
    zone: &'a str,
    #[serde(rename = "type")]
    kind: &'static str,
    state: &'static str,
    tags: &'a [String],
    ipam_id: &'a str,
}

/// A volume as the list shows it: a server's entry without `boot`.
#[derive(Serialize)]
struct ListedVolume<'a> {
    id: &'a str,
    name: &'a str,
    volume_type: &'static str,
    export_uri: Option<()>,
    organization: &'a str,
    project: &'a str,
    server: Option<&'a ServerRef>,
    size: u64,
    state: &'static str,
    creation_date: &'a str,
    modification_date: &'a str,
    tags: &'a [String],
    zone: &'a str,
}

impl<'a> ListedVolume<'a> {
    /// A server's entry, attached to `server`.
    fn of(v: &'a LocalVolume, server: &'a ServerRef) -> Self {
        ListedVolume {
            id: &v.id,
            name: &v.name,
            volume_type: v.volume_type,
            export_uri: None,
            organization: &v.organization,
            project: &v.project,
            server: Some(server),
            size: v.size,
            state: v.state,
            creation_date: &v.creation_date,
            modification_date: &v.modification_date,
            tags: &v.tags,
            zone: &v.zone,
        }
    }
}

/// What a snapshot needs of the volume it was taken from.
struct Base<'a> {
    id: &'a str,
    name: &'a str,
    volume_type: &'static str,
    size: u64,
    organization: &'a str,
    project: &'a str,
}

impl<'a> From<&'a ListedVolume<'a>> for Base<'a> {
    fn from(v: &'a ListedVolume<'a>) -> Self {
        Base {
            id: v.id,
            name: v.name,
            volume_type: v.volume_type,
            size: v.size,
            organization: v.organization,
            project: v.project,
        }
    }
}

#[derive(Serialize)]
struct Snapshot<'a> {
    id: String,
    name: String,
    volume_type: &'static str,
    creation_date: String,
    modification_date: String,
    organization: &'a str,
    project: &'a str,
    size: u64,
    state: &'static str,
    base_volume: BaseVolume<'a>,
    tags: [(); 0],
    zone: &'a str,
    error_details: Option<()>,
}

#[derive(Serialize)]
struct BaseVolume<'a> {
    id: &'a str,
    name: &'a str,
}

/// Who an IP belongs to: its server (if any), project and zone.
struct Owner<'a> {
    server: Option<&'a ServerRef>,
    organization: &'a str,
    project: &'a str,
    zone: &'a str,
}

/// An IP in its list's shape. The Instance API says `routed_ipv4`/`routed_ipv6` for a
/// routed server's IPs and `nat` for the others' IPv4.
fn ip_body<'a>(
    ip: &'a PublicIp,
    owner: &Owner<'a>,
    kind: &'static str,
    state: &'static str,
    reverse: Option<String>,
) -> Ip<'a> {
    let v6 = ip.family == "inet6";
    Ip {
        id: &ip.id,
        address: (!v6).then_some(ip.address.as_str()),
        // The server shows `<prefix>::1`, its gateway `<prefix>::`: the IP is the `/64`.
        prefix: v6.then(|| format!("{}/64", ip.gateway.as_deref().unwrap_or("::"))),
        reverse,
        server: owner.server,
        organization: owner.organization,
        project: owner.project,
        zone: owner.zone,
        kind,
        state,
        tags: &ip.tags,
        ipam_id: ip.ipam_id.as_deref().unwrap_or(&ip.id),
    }
}

fn ip_billable(ip: &PublicIp) -> Billable {
    Billable::InstanceIp {
        v6: ip.family == "inet6",
    }
}

/// A zone's three Instance lists, in listing order, and what the bill counts of them.
pub(crate) struct InstanceLists {
    pub ips: Vec<Listed>,
    pub volumes: Vec<Listed>,
    pub snapshots: Vec<Listed>,
    pub billed: Vec<(String, Billable)>,
}

/// The lists of a zone whose servers are `links` (oldest first).
pub(crate) fn lists(
    ctx: &ZoneCtx,
    fleet: &FleetCtx,
    today: Today,
    links: &[ServerLinks],
) -> InstanceLists {
    let mut billed = Vec::new();
    let mut ips = detached_ips(ctx, fleet, &mut billed);
    for s in links.iter().rev() {
        server_ips(ctx, s, &mut ips);
        for ip in &s.public_ips {
            billed.push((s.project.clone(), ip_billable(ip)));
        }
        if s.billed {
            let what = Billable::Instance(s.commercial_type);
            billed.push((s.project.clone(), what));
        }
    }
    let leftovers = unattached_volumes(ctx, fleet, today);
    let mut volumes: Vec<ListedVolume<'_>> = leftovers.iter().map(Unattached::listed).collect();
    for s in links {
        volumes.extend(s.volumes.iter().map(|v| ListedVolume::of(v, &s.server)));
    }
    // Newest first, as the recorded lists are.
    volumes.sort_by(|a, b| b.creation_date.cmp(a.creation_date));
    let snapshots = snapshots(ctx, fleet, today, &volumes, &mut billed);
    let owner = |v: &ListedVolume<'_>| v.server.map(|s| s.id.clone());
    InstanceLists {
        ips,
        volumes: volumes
            .iter()
            .map(|v| Listed::new(v.id.to_owned(), spaced(v)).owned_by(owner(v)))
            .collect(),
        snapshots,
        billed,
    }
}

/// Server `s`'s IPs, attached: a static one stays, detached, when the server goes.
fn server_ips(ctx: &ZoneCtx, s: &ServerLinks, ips: &mut Vec<Listed>) {
    let mut rng = ctx.stream(SERVER_IPS + s.idx as u64);
    let mut owner = Owner {
        server: Some(&s.server),
        organization: &s.organization,
        project: &s.project,
        zone: &ctx.zone,
    };
    for ip in &s.public_ips {
        let kind = match (ip.family == "inet6", s.routed) {
            (true, _) => "routed_ipv6",
            (false, true) => "routed_ipv4",
            (false, false) => "nat",
        };
        let reverse = (ip.family == "inet" && rng.random_range(0..100) < 8)
            .then(|| format!("{}.example.net", hostname_of(&s.server.name)));
        owner.server = Some(&s.server);
        let attached = spaced(&ip_body(ip, &owner, kind, "attached", reverse.clone()));
        let mut item = Listed::new(ip.id.clone(), attached).owned_by(Some(s.server.id.clone()));
        if !ip.dynamic {
            owner.server = None;
            item.orphan = Some(spaced(&ip_body(ip, &owner, kind, "detached", reverse)).into());
        }
        ips.push(item);
    }
}

/// The detached IPs of a zone, and a `nat` IP that says `attached` with no server.
fn detached_ips(
    ctx: &ZoneCtx,
    fleet: &FleetCtx,
    billed: &mut Vec<(String, Billable)>,
) -> Vec<Listed> {
    let mut rng = ctx.stream(DETACHED_IPS);
    let count = 2 + ctx.slots() / 30;
    (0..count)
        .map(|n| {
            let project = &fleet.projects[fleet.pick_project(&mut rng)];
            let (ip, kind, state) = match n % 4 {
                1 => (ipv6(&mut rng), "routed_ipv6", "detached"),
                2 => (ipv4(&mut rng, false, "dhcp"), "nat", "attached"),
                _ => (ipv4(&mut rng, false, "dhcp"), "routed_ipv4", "detached"),
            };
            billed.push((project.id.clone(), ip_billable(&ip)));
            let owner = Owner {
                server: None,
                organization: &project.organization,
                project: &project.id,
                zone: &ctx.zone,
            };
            Listed::new(
                ip.id.clone(),
                spaced(&ip_body(&ip, &owner, kind, state, None)),
            )
        })
        .collect()
}

/// A volume no server holds: detached days to months ago (its last modification), created
/// up to a year before that.
struct Unattached {
    id: String,
    name: String,
    volume_type: &'static str,
    organization: String,
    project: String,
    size: u64,
    created: String,
    modified: String,
    zone: String,
}

impl Unattached {
    fn listed(&self) -> ListedVolume<'_> {
        ListedVolume {
            id: &self.id,
            name: &self.name,
            volume_type: self.volume_type,
            export_uri: None,
            organization: &self.organization,
            project: &self.project,
            server: None,
            size: self.size,
            state: "available",
            creation_date: &self.created,
            modification_date: &self.modified,
            tags: &[],
            zone: &self.zone,
        }
    }
}

fn unattached_volumes(ctx: &ZoneCtx, fleet: &FleetCtx, today: Today) -> Vec<Unattached> {
    let mut rng = ctx.stream(UNATTACHED_VOLUMES);
    (0..1 + ctx.slots() / 40)
        .map(|n| {
            let project = &fleet.projects[fleet.pick_project(&mut rng)];
            let detached = today.days_ago(&mut rng, age(n, 1..21, 21..240));
            let created = detached - chrono::Duration::days(rng.random_range(1..365));
            Unattached {
                id: uuid(&mut rng),
                name: named("vol", &mut rng),
                volume_type: if rng.random_range(0..100) < 70 {
                    "b_ssd"
                } else {
                    "l_ssd"
                },
                organization: project.organization.clone(),
                project: project.id.clone(),
                size: [10, 25, 50, 100, 250][rng.random_range(0..5)] * 1_000_000_000,
                created: instance_date(created),
                modified: instance_date(detached),
                zone: ctx.zone.clone(),
            }
        })
        .collect()
}

/// Snapshots of the zone's volumes (some of which may go later), from days to a year old:
/// every other one older than 90 days.
fn snapshots(
    ctx: &ZoneCtx,
    fleet: &FleetCtx,
    today: Today,
    volumes: &[ListedVolume<'_>],
    billed: &mut Vec<(String, Billable)>,
) -> Vec<Listed> {
    let mut rng = ctx.stream(SNAPSHOTS);
    let gone = gone_volume(ctx, fleet, &mut rng);
    let gone = gone.listed();
    let made: Vec<(String, Listed)> = (0..1 + ctx.slots() / 30)
        .map(|n| {
            let base = match volumes.len() {
                0 => Base::from(&gone),
                len => Base::from(&volumes[rng.random_range(0..len)]),
            };
            let created = today.days_ago(&mut rng, age(n, 3..85, 95..365));
            let snapshot = Snapshot {
                id: uuid(&mut rng),
                name: if rng.random_bool(0.5) {
                    named("snp", &mut rng)
                } else {
                    format!("{}-{}", base.name, created.format("%Y%m%d"))
                },
                volume_type: base.volume_type,
                creation_date: instance_date(created),
                modification_date: instance_date(later(created, &mut rng, 120)),
                organization: base.organization,
                project: base.project,
                size: base.size,
                state: "available",
                base_volume: BaseVolume {
                    id: base.id,
                    name: base.name,
                },
                tags: [],
                zone: &ctx.zone,
                error_details: None,
            };
            billed.push((
                base.project.to_owned(),
                Billable::InstanceSnapshot(base.size),
            ));
            let item = Listed::new(snapshot.id.clone(), spaced(&snapshot));
            (snapshot.creation_date, item)
        })
        .collect();
    by_date(made, true)
}

/// A volume deleted long ago, for a zone without any: what its snapshots name.
fn gone_volume(ctx: &ZoneCtx, fleet: &FleetCtx, rng: &mut StdRng) -> Unattached {
    let project = &fleet.projects[0];
    Unattached {
        id: uuid(rng),
        name: pick(
            rng,
            &["Ubuntu 22.04 Jammy Jellyfish", "Debian 12 (Bookworm)"],
        )
        .to_owned(),
        volume_type: "l_ssd",
        organization: project.organization.clone(),
        project: project.id.clone(),
        size: 20_000_000_000,
        created: String::new(),
        modified: String::new(),
        zone: ctx.zone.clone(),
    }
}
