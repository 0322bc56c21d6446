//! Elastic Metal (`/baremetal/v1`) servers, as the 2025 API writes them: keys in the order of
//! the real bodies, two IPs (IPv4 and IPv6, in either order) once an address is assigned,
//! `install` null when no OS was asked for, `user_data` base64 or null.
//!
//! States: mostly `ready`; some `stopped`, `delivering`, `ordered`, `error`, `deleting`, and
//! a few caught in a `start` or a `stop`. Actions: `stop`, `start`, `reboot` ([`TRANSITIONS`]).

use rand::rngs::StdRng;
use rand::Rng;
use serde::Serialize;

use super::{
    after, base64, docker_name, pick, secret, tags, uuid, GenCtx, Product, ProductAction,
    Transition,
};
use crate::json::block_date;
use crate::prices::{metal_offer, MetalOffer, METAL_OFFERS, PRIVATE_NETWORK_OPTION_ID};
use crate::Mix;

#[derive(Serialize)]
pub(super) struct Server {
    pub id: String,
    organization_id: String,
    name: String,
    description: String,
    updated_at: String,
    created_at: String,
    pub status: String,
    offer_id: String,
    install: Option<Install>,
    tags: Vec<String>,
    ips: Vec<Ip>,
    domain: String,
    boot_type: &'static str,
    ping_status: &'static str,
    project_id: String,
    options: Vec<ServerOption>,
    offer_name: &'static str,
    rescue_server: Option<()>,
    protected: bool,
    user_data: Option<String>,
    zone: String,
}

#[derive(Serialize)]
struct Install {
    os_id: &'static str,
    hostname: String,
    ssh_key_ids: Vec<String>,
    status: &'static str,
    user: &'static str,
    service_user: &'static str,
    service_url: &'static str,
    partitioning_schema: Schema,
}

#[derive(Serialize)]
struct Schema {
    disks: Vec<Disk>,
    raids: Vec<Raid>,
    filesystems: Vec<Filesystem>,
    zfs: Zfs,
}

#[derive(Serialize)]
struct Disk {
    device: &'static str,
    partitions: Vec<Partition>,
}

#[derive(Serialize)]
struct Partition {
    label: &'static str,
    number: u32,
    size: u64,
    use_all_available_space: bool,
}

#[derive(Serialize)]
struct Raid {
    name: &'static str,
    level: &'static str,
    devices: [&'static str; 2],
}

#[derive(Serialize)]
struct Filesystem {
    device: &'static str,
    format: &'static str,
    mountpoint: &'static str,
}

#[derive(Serialize)]
struct Zfs {
    pools: [(); 0],
}

#[derive(Serialize)]
struct Ip {
    id: String,
    address: String,
    reverse: String,
    version: &'static str,
    reverse_status: &'static str,
    reverse_status_message: &'static str,
}

#[derive(Serialize)]
struct ServerOption {
    id: &'static str,
    name: &'static str,
    status: &'static str,
    manageable: bool,
    expires_at: Option<()>,
    private_network: PrivateNetwork,
}

#[derive(Serialize)]
struct PrivateNetwork {
    bandwidth_in_bps: u64,
}

impl Server {
    pub(super) fn set_status(&mut self, status: &str, when: &str) {
        status.clone_into(&mut self.status);
        when.clone_into(&mut self.updated_at);
    }

    /// What the flexible IPs and the bill need of the server.
    pub(super) fn facts(&self) -> MetalServer {
        let offer = metal_offer(self.offer_name);
        MetalServer {
            id: self.id.clone(),
            organization_id: self.organization_id.clone(),
            project_id: self.project_id.clone(),
            offer: self.offer_name,
            monthly: offer
                .and_then(|o| o.monthly)
                .is_some_and(|(id, _)| id == self.offer_id),
            // Billed from delivery on, whatever its power state.
            billed: !matches!(self.status.as_str(), "ordered" | "delivering" | "error"),
        }
    }
}

/// An Elastic Metal server as the flexible IPs and the bill see it.
pub(crate) struct MetalServer {
    pub id: String,
    pub organization_id: String,
    pub project_id: String,
    pub offer: &'static str,
    /// Paid by the month (its offer id is the monthly twin's).
    pub monthly: bool,
    pub billed: bool,
}

/// The offer a server is on (drawn by name from [`METAL_OFFERS`]) and its root partition's
/// size. Whether it pays by the hour or by the month is drawn apart ([`offer_id`]).
fn offer(rng: &mut StdRng) -> (&'static MetalOffer, u64) {
    let (name, root) = match rng.random_range(0..10) {
        0..6 => ("EM-I215E-NVME", 1_915_003_863_040),
        6..8 => ("EM-B220E-NVME", 1_915_003_863_040),
        _ => ("EM-B112X-SSD", 955_630_223_360),
    };
    // The names are the table's own: a missing one is a typo the tests catch at once.
    let offer = metal_offer(name).unwrap_or(&METAL_OFFERS[0]);
    (offer, root)
}

/// The id of the offer the server pays by: the monthly twin for about a third of the servers
/// (drawn from `later`, an rng of their own), the hourly offer for the others, or whichever
/// of the two the offer is sold as.
fn offer_id(offer: &MetalOffer, later: &mut StdRng) -> String {
    let monthly = later.random_range(0..100) < 35;
    let (first, second) = if monthly {
        (offer.monthly, offer.hourly)
    } else {
        (offer.hourly, offer.monthly)
    };
    first
        .or(second)
        .map(|(id, _)| id.to_owned())
        .unwrap_or_default()
}

/// The two-disk RAID 1 layout every recorded install shows.
fn schema(root: u64) -> Schema {
    let part = |label, number, size| Partition {
        label,
        number,
        size,
        use_all_available_space: false,
    };
    Schema {
        disks: vec![
            Disk {
                device: "/dev/nvme0n1",
                partitions: vec![
                    part("uefi", 1, 536_870_912),
                    part("swap", 2, 4_294_967_296),
                    part("boot", 3, 536_870_912),
                    part("root", 4, root),
                ],
            },
            Disk {
                device: "/dev/nvme1n1",
                partitions: vec![
                    part("swap", 1, 4_294_967_296),
                    part("boot", 2, 536_870_912),
                    part("root", 3, root),
                ],
            },
        ],
        raids: vec![
            Raid {
                name: "/dev/md0",
                level: "raid_level_1",
                devices: ["/dev/nvme0n1p3", "/dev/nvme1n1p2"],
            },
            Raid {
                name: "/dev/md1",
                level: "raid_level_1",
                devices: ["/dev/nvme0n1p4", "/dev/nvme1n1p3"],
            },
        ],
        filesystems: vec![
            Filesystem {
                device: "/dev/nvme0n1p1",
                format: "fat32",
                mountpoint: "/boot/efi",
            },
            Filesystem {
                device: "/dev/md0",
                format: "ext4",
                mountpoint: "/boot",
            },
            Filesystem {
                device: "/dev/md1",
                format: "ext4",
                mountpoint: "/",
            },
        ],
        zfs: Zfs { pools: [] },
    }
}

/// cloud-init with a password, base64: the password starts on a 3-byte boundary, so the
/// encoding contains [`super::SECRET_MARKER_BASE64`].
pub(super) fn user_data(rng: &mut StdRng) -> String {
    let text = format!(
        "#cloud-config\nchpasswd:\n  expire: false\n  users:\n  - name: support\n    type: text\n    password: {}\n",
        secret(rng)
    );
    base64(text.as_bytes())
}

/// Server `idx` of the zone, and the state it settles in when generated mid-transition.
pub(super) fn generate(ctx: &GenCtx<'_>, idx: usize) -> (Server, Option<&'static str>) {
    let mut rng = ctx.rng(Product::ElasticMetal, idx);
    let id = uuid(&mut rng);
    let (organization_id, project_id) = ctx.project(&mut rng);
    let created = ctx.created(&mut rng, idx);
    let (status, then) = first_status(ctx.fleet.mix, rng.random_range(0..100));
    let delivered = !matches!(status, "ordered" | "delivering" | "error");
    let domain = if delivered {
        format!("{id}.{}.baremetal.scw.cloud", ctx.zone)
    } else {
        String::new()
    };
    let ips = if status == "ordered" || delivered {
        ips(&domain, delivered, &mut rng)
    } else {
        Vec::new()
    };
    let (offer, root) = offer(&mut rng);
    let name = name(&mut rng);
    let install = (rng.random_range(0..100) < 75).then(|| install(&name, status, root, &mut rng));
    let ping_status = ping_status(status, &mut rng);
    let options = if delivered && rng.random_range(0..100) < 20 {
        vec![private_network_option()]
    } else {
        Vec::new()
    };
    let server = Server {
        organization_id,
        description: if rng.random_range(0..100) < 15 {
            "managed by terraform".to_owned()
        } else {
            String::new()
        },
        updated_at: after(created, &mut rng, 30 * 86_400),
        created_at: block_date(created),
        status: status.to_owned(),
        offer_id: offer_id(offer, &mut ctx.later_rng(Product::ElasticMetal, idx)),
        install,
        tags: tags(&mut rng),
        ips,
        domain,
        boot_type: "normal",
        ping_status,
        project_id,
        options,
        offer_name: offer.name,
        rescue_server: None,
        protected: rng.random_range(0..100) < 10,
        user_data: (rng.random_range(0..100) < 30).then(|| user_data(&mut rng)),
        zone: ctx.zone.to_owned(),
        name,
        id,
    };
    (server, then)
}

/// An IPv4 and an IPv6, in either order, their reverse the server's domain (active once
/// delivered).
fn ips(domain: &str, delivered: bool, rng: &mut StdRng) -> Vec<Ip> {
    let reverse_status = if delivered { "active" } else { "unknown" };
    let third = rng.random_range(100..112);
    let mut ips = vec![
        Ip {
            id: uuid(rng),
            address: format!("195.154.{third}.{}", rng.random_range(2..255)),
            reverse: domain.to_owned(),
            version: "IPv4",
            reverse_status,
            reverse_status_message: "",
        },
        Ip {
            id: uuid(rng),
            address: format!(
                "2001:bc8:1201:a{:02x}:b683:51ff:fe0f:{:x}",
                rng.random_range(0x10..0x30),
                rng.random::<u16>()
            ),
            reverse: domain.to_owned(),
            version: "IPv6",
            reverse_status,
            reverse_status_message: "",
        },
    ];
    if rng.random_range(0..2) == 0 {
        ips.reverse();
    }
    ips
}

/// Names as the console, the CLI and people give them.
fn name(rng: &mut StdRng) -> String {
    match rng.random_range(0..10) {
        0..5 => format!("em-{}", docker_name(rng)),
        5..7 => format!("cli-bm-{}", docker_name(rng)),
        _ => format!(
            "{}-{:02}",
            pick(
                rng,
                &[
                    "k8s-node",
                    "db-primary",
                    "db-replica",
                    "ci-runner",
                    "storage"
                ]
            ),
            rng.random_range(1..20)
        ),
    }
}

/// The OS install of a server in `status`: still to do before delivery, failed with it.
fn install(name: &str, status: &str, root: u64, rng: &mut StdRng) -> Install {
    Install {
        os_id: pick(
            rng,
            &[
                "96e5f0f2-d216-4de2-8a15-68730d877885",
                "03b7f4ba-a6a1-4305-984e-b54fafbf1681",
            ],
        ),
        hostname: if rng.random_range(0..2) == 0 {
            name.to_owned()
        } else {
            String::new()
        },
        ssh_key_ids: (0..rng.random_range(1..4)).map(|_| uuid(rng)).collect(),
        status: match status {
            "ordered" | "delivering" => "to_install",
            "error" => "error",
            _ if rng.random_range(0..100) < 5 => "installing",
            _ => "completed",
        },
        user: "ubuntu",
        service_user: "",
        service_url: "",
        partitioning_schema: schema(root),
    }
}

/// Mostly up when ready, either way when stopped, unknown otherwise.
fn ping_status(status: &str, rng: &mut StdRng) -> &'static str {
    match status {
        "ready" => pick(
            rng,
            &[
                "ping_status_up",
                "ping_status_up",
                "ping_status_up",
                "ping_status_unknown",
            ],
        ),
        "stopped" | "stopping" => pick(rng, &["ping_status_up", "ping_status_down"]),
        _ => "ping_status_unknown",
    }
}

/// The "Private Network" option, as every recorded one shows it.
fn private_network_option() -> ServerOption {
    ServerOption {
        id: PRIVATE_NETWORK_OPTION_ID,
        name: "Private Network",
        status: "option_status_enable",
        manageable: true,
        expires_at: None,
        private_network: PrivateNetwork {
            bandwidth_in_bps: 0,
        },
    }
}

const STOP: Transition = Transition::new(ProductAction::Stop, &["ready"], "stopping", "stopped");
const START: Transition = Transition::new(ProductAction::Start, &["stopped"], "starting", "ready");
/// The recorded sequence: a rebooting server shows `stopping`.
const REBOOT: Transition = Transition::new(ProductAction::Reboot, &["ready"], "stopping", "ready");

/// Every action of the API and what it does.
pub(super) const TRANSITIONS: &[Transition] = &[STOP, START, REBOOT];

/// The status a server is generated in, by a draw in 0..100, and the one it settles in.
fn first_status(mix: Mix, draw: u32) -> (&'static str, Option<&'static str>) {
    match mix {
        Mix::Varied => match draw {
            0..78 => ("ready", None),
            78..84 => ("stopped", None),
            84..87 => ("delivering", None),
            87..89 => ("ordered", None),
            89..91 => ("error", None),
            91..93 => ("deleting", None),
            93..96 => START.caught(),
            _ => STOP.caught(),
        },
        // 5 in 100 not ready.
        Mix::Lifelike => match draw {
            0..95 => ("ready", None),
            95..97 => ("stopped", None),
            97 => ("delivering", None),
            98 => START.caught(),
            _ => STOP.caught(),
        },
    }
}
