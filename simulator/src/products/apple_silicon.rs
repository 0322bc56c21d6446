//! Apple silicon (`/apple-silicon/v1alpha1`) servers in the 2026 shape: keys in the SDK's
//! field order (which the 2021 bodies follow) without `kext_enabled`, never seen in a real
//! body. Every body carries the server's credentials in clear, as the real API sends them:
//! `sudo_password`, the same password in `vnc_url`, and a CI `runner_configuration.token` on
//! servers with a runner. Each contains [`super::SECRET_MARKER`].
//!
//! States: mostly `ready`; some `starting` (not yet `delivered`, settles to `ready`), some
//! caught in a `reboot` or a `reinstall`, a few `error`. Actions: `reboot`, `reinstall`
//! ([`TRANSITIONS`]).

use rand::rngs::StdRng;
use rand::Rng;
use serde::Serialize;

use super::{
    after, docker_name, pick, secret, tags, uuid, GenCtx, Product, ProductAction, Transition,
};
use crate::json::block_date;
use crate::Mix;

#[derive(Serialize)]
pub(super) struct Server {
    pub id: String,
    #[serde(rename = "type")]
    kind: &'static str,
    name: String,
    project_id: String,
    organization_id: String,
    ip: String,
    vnc_url: String,
    ssh_username: &'static str,
    sudo_password: String,
    vnc_port: u32,
    os: Os,
    pub status: String,
    created_at: String,
    updated_at: String,
    deletable_at: String,
    deletion_scheduled: bool,
    zone: String,
    delivered: bool,
    vpc_status: &'static str,
    commitment: Option<Commitment>,
    public_bandwidth_bps: u64,
    runner_configuration: Option<RunnerConfiguration>,
    tags: Vec<String>,
    applied_runner_configuration_ids: Vec<String>,
}

/// What every macOS image says of itself: a server's `os` starts with it, a server type's
/// `default_os` is just that.
#[derive(Serialize)]
pub(crate) struct OsBase {
    id: &'static str,
    name: &'static str,
    label: &'static str,
    image_url: &'static str,
    family: &'static str,
    is_beta: bool,
    version: &'static str,
    xcode_version: &'static str,
    compatible_server_types: &'static [&'static str],
}

impl OsBase {
    /// Image `i` of [`OSES`], Tahoe still in beta.
    pub(crate) fn of(i: usize) -> OsBase {
        let (id, name, label, family, version, xcode) = OSES[i];
        OsBase {
            id,
            name,
            label,
            image_url: image_url(family),
            family,
            is_beta: family == "Tahoe",
            version,
            xcode_version: xcode,
            compatible_server_types: COMPATIBLE_TYPES,
        }
    }
}

#[derive(Serialize)]
struct Os {
    #[serde(flatten)]
    base: OsBase,
    release_notes_url: &'static str,
    description: &'static str,
    tags: [&'static str; 3],
    supported_server_types: [(); 0],
}

#[derive(Serialize)]
struct Commitment {
    #[serde(rename = "type")]
    kind: &'static str,
    cancelled: bool,
}

#[derive(Serialize)]
struct RunnerConfiguration {
    name: String,
    url: String,
    token: String,
    provider: &'static str,
}

impl Server {
    /// The server's type and project: what the bill charges.
    pub(super) fn billed(&self) -> (&'static str, &str) {
        (self.kind, &self.project_id)
    }

    pub(super) fn set_status(&mut self, status: &str, when: &str) {
        status.clone_into(&mut self.status);
        when.clone_into(&mut self.updated_at);
        if status == "ready" {
            self.delivered = true;
        }
    }
}

/// The server types servers are drawn from (the server-types list has these and `M4-XL`).
pub(crate) const TYPES: &[&str] = &["M1-M", "M2-M", "M2-L", "M4-S", "M4-M", "M4-L"];

/// What every macOS image says it runs on.
const COMPATIBLE_TYPES: &[&str] = &["M2-M", "M2-L", "M4-S", "M4-M", "M4-L", "M4-XL", "M1-M"];

/// (id, name, label, family, version, xcode): the first is the recorded Sequoia image.
const OSES: &[(&str, &str, &str, &str, &str, &str)] = &[
    (
        "61b842ab-b655-4d3c-a065-f7db5e9fb971",
        "macos-sequoia-15.6",
        "macOS Sequoia 15.6",
        "Sequoia",
        "15.6.1",
        "16",
    ),
    (
        "8f1d5a3e-2c4b-4e6f-9a1b-3c5d7e9f1a2b",
        "macos-sonoma-14.7",
        "macOS Sonoma 14.7",
        "Sonoma",
        "14.7.6",
        "15",
    ),
    (
        "c2a4e6f8-1b3d-4f5a-8c7e-9d1f3b5a7c9e",
        "macos-tahoe-26.0",
        "macOS Tahoe 26.0",
        "Tahoe",
        "26.0.1",
        "26",
    ),
];

/// Server `idx` of the zone, and the state it settles in when generated mid-transition.
pub(super) fn generate(ctx: &GenCtx<'_>, idx: usize) -> (Server, Option<&'static str>) {
    let mut rng = ctx.rng(Product::AppleSilicon, idx);
    let id = uuid(&mut rng);
    let (organization_id, project_id) = ctx.project(&mut rng);
    let created = ctx.created(&mut rng, idx);
    let (status, then) = first_status(ctx.fleet.mix, rng.random_range(0..100));
    let ip = format!(
        "{}.{}",
        pick(&mut rng, &["62.210.193", "195.154.249", "51.159.120"]),
        rng.random_range(2..255)
    );
    let password = secret(&mut rng);
    let os = os(&mut rng);
    let runner = (rng.random_range(0..100) < 25).then(|| runner(&mut rng));
    let applied = match runner {
        Some(_) => vec![uuid(&mut rng)],
        None => Vec::new(),
    };
    let name = match rng.random_range(0..10) {
        0..5 => format!("mac-{}", docker_name(&mut rng)),
        5..7 => format!("cli-as-{}", docker_name(&mut rng)),
        _ => format!("xcode-builder-{:02}", rng.random_range(1..20)),
    };
    let server = Server {
        kind: pick(&mut rng, TYPES),
        name,
        project_id,
        organization_id,
        vnc_url: format!("vnc://m1:{password}@{ip}:59010"),
        ip,
        ssh_username: "m1",
        sudo_password: password,
        vnc_port: 59010,
        os,
        status: status.to_owned(),
        updated_at: after(created, &mut rng, 7 * 86_400),
        created_at: block_date(created),
        deletable_at: block_date(created + chrono::Duration::hours(24)),
        deletion_scheduled: false,
        zone: ctx.zone.to_owned(),
        delivered: status != "starting",
        vpc_status: pick(&mut rng, &["vpc_disabled", "vpc_disabled", "vpc_enabled"]),
        commitment: commitment(&mut rng),
        public_bandwidth_bps: 1_000_000_000,
        runner_configuration: runner,
        tags: tags(&mut rng),
        applied_runner_configuration_ids: applied,
        id,
    };
    (server, then)
}

/// One of the macOS images, Tahoe still in beta.
fn os(rng: &mut StdRng) -> Os {
    Os {
        base: OsBase::of(rng.random_range(0..OSES.len())),
        release_notes_url: "",
        description: "",
        tags: ["macos", "apple", "apple-license"],
        supported_server_types: [],
    }
}

/// The picture the console shows for a macOS family.
fn image_url(family: &str) -> &'static str {
    match family {
        "Sequoia" => {
            "https://scw-apple-silicon.s3.fr-par.scw.cloud/scw-console/os/macos-sequoia.png"
        }
        "Sonoma" => "https://scw-apple-silicon.s3.fr-par.scw.cloud/scw-console/os/macos-sonoma.png",
        _ => "https://scw-apple-silicon.s3.fr-par.scw.cloud/scw-console/os/macos-tahoe.png",
    }
}

/// A GitHub Actions runner, its registration token a secret.
fn runner(rng: &mut StdRng) -> RunnerConfiguration {
    RunnerConfiguration {
        name: format!("runner-{}", docker_name(rng)),
        url: format!(
            "https://github.com/{}",
            pick(rng, &["acme-corp", "example-org", "mobile-team"])
        ),
        token: format!("{}-runner", secret(rng)),
        provider: "github",
    }
}

/// No commitment, a monthly one, or (one in ten) a null `commitment`.
fn commitment(rng: &mut StdRng) -> Option<Commitment> {
    let kind = match rng.random_range(0..10) {
        0..6 => "none",
        6..9 => "renewed_monthly",
        _ => return None,
    };
    Some(Commitment {
        kind,
        cancelled: false,
    })
}

const REBOOT: Transition = Transition::new(ProductAction::Reboot, &["ready"], "rebooting", "ready");
const REINSTALL: Transition = Transition::new(
    ProductAction::Reinstall,
    &["ready", "error"],
    "reinstalling",
    "ready",
);

/// Every action of the API and what it does.
pub(super) const TRANSITIONS: &[Transition] = &[REBOOT, REINSTALL];

/// The status a server is generated in, by a draw in 0..100, and the one it settles in.
fn first_status(mix: Mix, draw: u32) -> (&'static str, Option<&'static str>) {
    match mix {
        Mix::Varied => match draw {
            0..84 => ("ready", None),
            84..89 => ("starting", Some("ready")),
            89..93 => REBOOT.caught(),
            93..96 => REINSTALL.caught(),
            96..99 => ("error", None),
            _ => ("ready", None),
        },
        // 4 in 100 not ready.
        Mix::Lifelike => match draw {
            0..96 => ("ready", None),
            96..98 => REBOOT.caught(),
            98 => ("starting", Some("ready")),
            _ => ("error", None),
        },
    }
}
