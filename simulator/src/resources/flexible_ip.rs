//! Elastic Metal flexible IPs (`/flexible-ip/v1alpha1/zones/{zone}/fips`), compact, keys in
//! the recorded order: a bare IPv4 or an IPv6 `/64` in CIDR form. One in three of the zone's
//! Elastic Metal servers has one (`attached`, `server_id` the server, in its project); a few
//! more wait on no server (`ready`, `server_id` null), some with a virtual MAC address.

use chrono::{DateTime, Utc};
use rand::rngs::StdRng;
use rand::Rng;
use serde::Serialize;

use super::billing::Billable;
use super::draw::{later, Today};
use super::store::{by_date, Listed};
use crate::fleet::{FleetCtx, ZoneCtx};
use crate::json::{block_date, compact, uuid};
use crate::products::MetalServer;

/// Salt of the zone's stream ([`ZoneCtx::stream`]).
const FLEXIBLE_IPS: u64 = 7 << 40;

#[derive(Serialize)]
struct FlexibleIp<'a> {
    id: String,
    organization_id: &'a str,
    project_id: &'a str,
    description: &'static str,
    updated_at: String,
    created_at: String,
    status: &'static str,
    tags: Vec<&'static str>,
    ip_address: String,
    server_id: Option<&'a str>,
    reverse: String,
    mac_address: Option<MacAddress<'a>>,
    zone: &'a str,
}

/// The SDK's `MACAddress`, in its field order.
#[derive(Serialize)]
struct MacAddress<'a> {
    id: String,
    mac_address: String,
    mac_type: &'static str,
    status: &'static str,
    updated_at: String,
    created_at: String,
    zone: &'a str,
}

/// The zone's flexible IPs, oldest first, and what the bill counts.
pub(crate) struct FlexibleIps {
    pub items: Vec<Listed>,
    pub billed: Vec<(String, Billable)>,
}

/// Who holds an IP: a server of the zone, or a project alone.
struct Holder<'a> {
    organization_id: &'a str,
    project_id: &'a str,
    server_id: Option<&'a str>,
}

/// The flexible IPs of a zone whose Elastic Metal servers are `metal`.
pub(crate) fn generate(
    ctx: &ZoneCtx,
    fleet: &FleetCtx,
    today: Today,
    metal: &[MetalServer],
) -> FlexibleIps {
    let mut rng = ctx.stream(FLEXIBLE_IPS);
    let mut holders: Vec<Holder<'_>> = metal
        .iter()
        .step_by(3)
        .map(|s| Holder {
            organization_id: &s.organization_id,
            project_id: &s.project_id,
            server_id: Some(&s.id),
        })
        .collect();
    for _ in 0..2 + ctx.slots() / 50 {
        let project = &fleet.projects[fleet.pick_project(&mut rng)];
        holders.push(Holder {
            organization_id: &project.organization,
            project_id: &project.id,
            server_id: None,
        });
    }
    let mut made = Vec::new();
    let mut billed = Vec::new();
    for holder in &holders {
        let v6 = rng.random_range(0..100) < 25;
        let created = today.days_ago(&mut rng, 2..900);
        let ip = flexible_ip(&mut rng, ctx, holder, v6, created);
        billed.push((holder.project_id.to_owned(), Billable::FlexibleIp { v6 }));
        made.push((
            ip.created_at.clone(),
            Listed::new(ip.id.clone(), compact(&ip)),
        ));
    }
    FlexibleIps {
        items: by_date(made, false),
        billed,
    }
}

fn flexible_ip<'a>(
    rng: &mut StdRng,
    ctx: &'a ZoneCtx,
    holder: &Holder<'a>,
    v6: bool,
    created: DateTime<Utc>,
) -> FlexibleIp<'a> {
    let (ip_address, reverse) = if v6 {
        let (a, b) = (rng.random_range(0x700..0x7ff), rng.random::<u16>());
        (
            format!("2001:bc8:{a:x}:{b:x}::/64"),
            format!("2001-bc8-{a:x}-{b:x}--.rev.poneytelecom.eu."),
        )
    } else {
        let (c, d) = (rng.random_range(100..160), rng.random_range(2..255));
        (
            format!("51.159.{c}.{d}"),
            format!("51-159-{c}-{d}.rev.poneytelecom.eu."),
        )
    };
    let updated = later(created, rng, 30 * 86_400);
    let mac = (holder.server_id.is_none() && rng.random_range(0..100) < 30)
        .then(|| mac_address(rng, ctx, updated));
    FlexibleIp {
        id: uuid(rng),
        organization_id: holder.organization_id,
        project_id: holder.project_id,
        description: if rng.random_range(0..100) < 30 {
            "managed by terraform"
        } else {
            ""
        },
        updated_at: block_date(updated),
        created_at: block_date(created),
        status: if holder.server_id.is_some() {
            "attached"
        } else {
            "ready"
        },
        tags: if rng.random_range(0..100) < 20 {
            vec!["env=prod"]
        } else {
            Vec::new()
        },
        ip_address,
        server_id: holder.server_id,
        reverse,
        mac_address: mac,
        zone: &ctx.zone,
    }
}

/// A virtual MAC address made for the IP (for a virtual machine behind it).
fn mac_address<'a>(rng: &mut StdRng, ctx: &'a ZoneCtx, at: DateTime<Utc>) -> MacAddress<'a> {
    let b: [u8; 3] = rng.random();
    MacAddress {
        id: uuid(rng),
        mac_address: format!("52:54:00:{:02x}:{:02x}:{:02x}", b[0], b[1], b[2]),
        mac_type: "kvm",
        status: "ready",
        updated_at: block_date(at),
        created_at: block_date(at),
        zone: &ctx.zone,
    }
}
