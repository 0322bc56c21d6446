//! Dedibox (`/dedibox/v1`) servers. No real body was ever recorded: the shapes are the SDK's,
//! in its field order. Ids are integers. A list item is a `ServerSummary` (no tags, `os_id`
//! instead of the OS), get-one the detailed `Server` (offer, location, OS, tags, ...). IPs
//! hang off network interfaces, `version` lower case (`ipv4`, `ipv6`); servers with a BMC also
//! have an `ipmi` interface with a private address.
//!
//! States: mostly `ready`; some `stopped`, `installing` (settles to `ready`), some caught
//! `busy` in a `reboot`, `delivering`, `error`, `rescue`, `locked`. Actions: `stop`, `start`,
//! `reboot`, each `busy` while it runs ([`TRANSITIONS`]).

use rand::rngs::StdRng;
use rand::Rng;
use serde::Serialize;

use super::{after, pick, tags, GenCtx, Product, ProductAction, Transition};
use crate::fleet::ANCHOR_MICROS;
use crate::json::{block_date, fnv1a, from_micros};
use crate::prices::{Money, DEDIBOX_OFFERS, DEDIBOX_OFFERS_DRAWN};
use crate::Mix;

pub(super) struct Server {
    pub id: u64,
    datacenter_name: &'static str,
    organization_id: String,
    project_id: String,
    hostname: String,
    rebooted_at: Option<String>,
    created_at: String,
    updated_at: String,
    expired_at: Option<String>,
    offer: Offer,
    pub status: String,
    rack: String,
    room: String,
    abuse_contact: String,
    os: Option<Os>,
    interfaces: Vec<Interface>,
    zone: String,
    level: Option<Level>,
    has_bmc: bool,
    tags: Vec<String>,
    is_outsourced: bool,
    ipv6_slaac: bool,
    qinq: bool,
    rpn_version: Option<u32>,
    is_rpnv2_member: bool,
    is_hds: bool,
}

/// `ServerSummary`, as a list shows a server.
#[derive(Serialize)]
pub(super) struct Summary<'a> {
    id: u64,
    datacenter_name: &'a str,
    organization_id: &'a str,
    project_id: &'a str,
    hostname: &'a str,
    created_at: &'a str,
    updated_at: &'a str,
    expired_at: Option<&'a str>,
    offer_id: u64,
    offer_name: &'a str,
    status: &'a str,
    os_id: Option<u64>,
    interfaces: &'a [Interface],
    zone: &'a str,
    level: Option<&'a Level>,
    is_outsourced: bool,
    qinq: bool,
    rpn_version: Option<u32>,
    is_hds: bool,
}

/// `Server`, as get-one answers it.
#[derive(Serialize)]
pub(super) struct Detail<'a> {
    id: u64,
    organization_id: &'a str,
    project_id: &'a str,
    hostname: &'a str,
    rebooted_at: Option<&'a str>,
    created_at: &'a str,
    updated_at: &'a str,
    expired_at: Option<&'a str>,
    offer: &'a Offer,
    status: &'a str,
    location: Location<'a>,
    abuse_contact: &'a str,
    os: Option<&'a Os>,
    interfaces: &'a [Interface],
    zone: &'a str,
    options: [(); 0],
    level: Option<&'a Level>,
    has_bmc: bool,
    rescue_os: Option<()>,
    tags: &'a [String],
    is_outsourced: bool,
    ipv6_slaac: bool,
    qinq: bool,
    is_rpnv2_member: bool,
    is_hds: bool,
}

#[derive(Serialize)]
struct Location<'a> {
    rack: &'a str,
    room: &'a str,
    datacenter_name: &'a str,
}

#[derive(Serialize)]
struct Offer {
    id: u64,
    name: &'static str,
    catalog: &'static str,
    payment_frequency: &'static str,
    pricing: Money,
    offer_id: Option<u64>,
}

#[derive(Serialize)]
struct Os {
    id: u64,
    name: &'static str,
    #[serde(rename = "type")]
    kind: &'static str,
    version: &'static str,
    arch: &'static str,
    allow_custom_partitioning: bool,
    allow_ssh_keys: bool,
    requires_user: bool,
    requires_admin_password: bool,
    requires_panel_password: bool,
    allowed_filesystems: [&'static str; 2],
    requires_license: bool,
    license_offers: [(); 0],
    max_partitions: Option<u32>,
    display_name: &'static str,
    password_regex: &'static str,
    panel_password_regex: Option<&'static str>,
    requires_valid_hostname: Option<bool>,
    hostname_regex: Option<&'static str>,
    hostname_max_length: u32,
    released_at: Option<&'static str>,
}

#[derive(Serialize)]
struct Level {
    offer_id: u32,
    level: &'static str,
}

#[derive(Serialize)]
struct Interface {
    card_id: u64,
    device_id: u64,
    mac: String,
    #[serde(rename = "type")]
    kind: &'static str,
    ips: Vec<Ip>,
}

#[derive(Serialize)]
struct Ip {
    ip_id: u64,
    address: String,
    reverse: String,
    version: &'static str,
    cidr: u32,
    netmask: String,
    semantic: &'static str,
    gateway: String,
    status: &'static str,
}

impl Server {
    pub(super) fn set_status(&mut self, status: &str, when: &str) {
        if self.status == "busy" && status == "ready" {
            self.rebooted_at = Some(when.to_owned());
        }
        status.clone_into(&mut self.status);
        when.clone_into(&mut self.updated_at);
    }

    pub(super) fn summary(&self) -> Summary<'_> {
        Summary {
            id: self.id,
            datacenter_name: self.datacenter_name,
            organization_id: &self.organization_id,
            project_id: &self.project_id,
            hostname: &self.hostname,
            created_at: &self.created_at,
            updated_at: &self.updated_at,
            expired_at: self.expired_at.as_deref(),
            offer_id: self.offer.id,
            offer_name: self.offer.name,
            status: &self.status,
            os_id: self.os.as_ref().map(|os| os.id),
            interfaces: &self.interfaces,
            zone: &self.zone,
            level: self.level.as_ref(),
            is_outsourced: self.is_outsourced,
            qinq: self.qinq,
            rpn_version: self.rpn_version,
            is_hds: self.is_hds,
        }
    }

    pub(super) fn detail(&self) -> Detail<'_> {
        Detail {
            id: self.id,
            organization_id: &self.organization_id,
            project_id: &self.project_id,
            hostname: &self.hostname,
            rebooted_at: self.rebooted_at.as_deref(),
            created_at: &self.created_at,
            updated_at: &self.updated_at,
            expired_at: self.expired_at.as_deref(),
            offer: &self.offer,
            status: &self.status,
            location: Location {
                rack: &self.rack,
                room: &self.room,
                datacenter_name: self.datacenter_name,
            },
            abuse_contact: &self.abuse_contact,
            os: self.os.as_ref(),
            interfaces: &self.interfaces,
            zone: &self.zone,
            options: [],
            level: self.level.as_ref(),
            has_bmc: self.has_bmc,
            rescue_os: None,
            tags: &self.tags,
            is_outsourced: self.is_outsourced,
            ipv6_slaac: self.ipv6_slaac,
            qinq: self.qinq,
            is_rpnv2_member: self.is_rpnv2_member,
            is_hds: self.is_hds,
        }
    }
}

/// (id, name, version, display name).
const OSES: &[(u64, &str, &str, &str)] = &[
    (
        511,
        "ubuntu",
        "24.04 LTS (Noble Numbat)",
        "Ubuntu 24.04 LTS",
    ),
    (496, "debian", "12 (Bookworm)", "Debian 12"),
    (507, "almalinux", "9", "AlmaLinux 9"),
    (488, "proxmox", "8", "Proxmox VE 8"),
];

/// The datacenters of a zone Dedibox serves.
pub(crate) fn datacenters(zone: &str) -> &'static [&'static str] {
    match zone {
        "fr-par-1" => &["DC2", "DC3"],
        "fr-par-2" => &["DC5"],
        "nl-ams-1" => &["AMS1"],
        _ => &["DC3"],
    }
}

/// The datacenter of a server: drawn where the zone has several.
fn datacenter(zone: &str, rng: &mut StdRng) -> &'static str {
    match datacenters(zone) {
        [one] => one,
        several => pick(rng, several),
    }
}

fn os(rng: &mut StdRng) -> Os {
    let (id, name, version, display_name) = OSES[rng.random_range(0..OSES.len())];
    Os {
        id,
        name,
        kind: "server",
        version,
        arch: "amd64",
        allow_custom_partitioning: true,
        allow_ssh_keys: true,
        requires_user: true,
        requires_admin_password: false,
        requires_panel_password: false,
        allowed_filesystems: ["ext4", "xfs"],
        requires_license: false,
        license_offers: [],
        max_partitions: None,
        display_name,
        password_regex: "",
        panel_password_regex: None,
        requires_valid_hostname: Some(true),
        hostname_regex: None,
        hostname_max_length: 63,
        released_at: None,
    }
}

fn mac(rng: &mut StdRng) -> String {
    let b: [u8; 3] = rng.random();
    format!("00:08:a2:{:02x}:{:02x}:{:02x}", b[0], b[1], b[2])
}

/// Server `idx` of the zone, and the state it settles in when generated mid-transition.
pub(super) fn generate(ctx: &GenCtx<'_>, idx: usize) -> (Server, Option<&'static str>) {
    let mut rng = ctx.rng(Product::Dedibox, idx);
    // Ids grow with creation, as a sequence does.
    let id =
        100_000 + (fnv1a(ctx.zone) % 64) * 10_000_000 + idx as u64 * 37 + rng.random_range(0..37);
    let (organization_id, project_id) = ctx.project(&mut rng);
    let created = ctx.created(&mut rng, idx);
    let (status, then) = first_status(ctx.fleet.mix, rng.random_range(0..100));
    let offer = offer(&mut rng);
    let installed = !matches!(status, "delivering" | "installing");
    let hostname = format!("sd-{id}");
    let (ips, ipv6) = public_ips(id, &hostname, &mut rng);
    let mut interfaces = vec![Interface {
        card_id: id * 2,
        device_id: id * 2 + 1,
        mac: mac(&mut rng),
        kind: "normal",
        ips,
    }];
    let has_bmc = rng.random_range(0..100) < 50;
    if has_bmc {
        interfaces.push(ipmi(id, &mut rng));
    }
    let expires = ANCHOR_MICROS + rng.random_range(1..365) * 86_400 * 1_000_000;
    let datacenter_name = datacenter(ctx.zone, &mut rng);
    let server = Server {
        datacenter_name,
        organization_id,
        project_id,
        rebooted_at: (rng.random_range(0..100) < 60)
            .then(|| after(created, &mut rng, 200 * 86_400)),
        updated_at: after(created, &mut rng, 30 * 86_400),
        created_at: block_date(created),
        expired_at: (rng.random_range(0..100) < 85).then(|| block_date(from_micros(expires))),
        offer,
        status: status.to_owned(),
        rack: format!("{}", rng.random_range(1..60)),
        room: format!("s{}", rng.random_range(1..5)),
        abuse_contact: "abuse@example.com".to_owned(),
        os: installed.then(|| os(&mut rng)),
        interfaces,
        zone: ctx.zone.to_owned(),
        level: Some(Level {
            offer_id: 20,
            level: pick(&mut rng, &["basic", "basic", "business"]),
        }),
        has_bmc,
        tags: tags(&mut rng),
        is_outsourced: false,
        ipv6_slaac: ipv6,
        qinq: false,
        rpn_version: (rng.random_range(0..100) < 20).then_some(2),
        is_rpnv2_member: false,
        is_hds: false,
        hostname,
        id,
    };
    (server, then)
}

/// One of the offers, paid monthly.
fn offer(rng: &mut StdRng) -> Offer {
    let offer = &DEDIBOX_OFFERS[rng.random_range(0..DEDIBOX_OFFERS_DRAWN)];
    Offer {
        id: offer.id,
        name: offer.name,
        catalog: "default",
        payment_frequency: "monthly",
        pricing: offer.pricing(),
        offer_id: None,
    }
}

/// The public interface's addresses of server `id`: an IPv4 and, on some (`true`), an
/// IPv6, in either order.
fn public_ips(id: u64, hostname: &str, rng: &mut StdRng) -> (Vec<Ip>, bool) {
    let third = rng.random::<u8>();
    let last = rng.random_range(2..255);
    let mut ips = vec![Ip {
        ip_id: 400_000 + id * 3,
        address: format!("163.172.{third}.{last}"),
        reverse: format!("{hostname}.dedibox.fr"),
        version: "ipv4",
        cidr: 24,
        netmask: "255.255.255.0".to_owned(),
        semantic: "proxad",
        gateway: format!("163.172.{third}.1"),
        status: "ready",
    }];
    let ipv6 = rng.random_range(0..100) < 40;
    if ipv6 {
        ips.push(Ip {
            ip_id: 400_001 + id * 3,
            address: format!(
                "2001:bc8:{:x}:{:x}::1",
                rng.random_range(0x600..0x700),
                rng.random::<u16>()
            ),
            reverse: String::new(),
            version: "ipv6",
            cidr: 56,
            netmask: "ffff:ffff:ffff:ff00::".to_owned(),
            semantic: "public",
            gateway: "fe80::1".to_owned(),
            status: "ready",
        });
    }
    if rng.random_range(0..2) == 0 {
        ips.reverse();
    }
    (ips, ipv6)
}

/// The BMC's interface of server `id`, on a private address.
fn ipmi(id: u64, rng: &mut StdRng) -> Interface {
    Interface {
        card_id: id * 2,
        device_id: id * 2 + 2,
        mac: mac(rng),
        kind: "ipmi",
        ips: vec![Ip {
            ip_id: 400_002 + id * 3,
            address: format!(
                "10.{}.{}.{}",
                rng.random_range(16..32),
                rng.random::<u8>(),
                rng.random_range(2..255)
            ),
            reverse: String::new(),
            version: "ipv4",
            cidr: 24,
            netmask: "255.255.255.0".to_owned(),
            semantic: "ipmi",
            gateway: String::new(),
            status: "ready",
        }],
    }
}

const STOP: Transition = Transition::new(ProductAction::Stop, &["ready"], "busy", "stopped");
const START: Transition = Transition::new(ProductAction::Start, &["stopped"], "busy", "ready");
const REBOOT: Transition = Transition::new(ProductAction::Reboot, &["ready"], "busy", "ready");

/// Every action of the API and what it does.
pub(super) const TRANSITIONS: &[Transition] = &[STOP, START, REBOOT];

/// The status a server is generated in, by a draw in 0..100, and the one it settles in.
fn first_status(mix: Mix, draw: u32) -> (&'static str, Option<&'static str>) {
    match mix {
        Mix::Varied => match draw {
            0..80 => ("ready", None),
            80..86 => ("stopped", None),
            86..89 => ("installing", Some("ready")),
            89..92 => REBOOT.caught(),
            92..94 => ("delivering", None),
            94..96 => ("error", None),
            96..98 => ("rescue", None),
            _ => ("locked", None),
        },
        // 5 in 100 not ready.
        Mix::Lifelike => match draw {
            0..95 => ("ready", None),
            95..97 => ("stopped", None),
            97 => REBOOT.caught(),
            98 => ("installing", Some("ready")),
            _ => ("rescue", None),
        },
    }
}
