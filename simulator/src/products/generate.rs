//! What generating a product's servers needs: the zone's context (seeded randomness, dates,
//! projects) and the small pickers every product uses.

use chrono::{DateTime, Utc};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

use super::{Product, SECRET_MARKER};
use crate::fleet::{FleetCtx, ADJECTIVES, ANCHOR_MICROS, SCIENTISTS};
use crate::json::{block_date, fnv1a, from_micros, splitmix64, uuid_from_bits};

/// What generation needs to know about a zone.
pub(crate) struct GenCtx<'a> {
    pub fleet: &'a FleetCtx,
    pub zone: &'a str,
    pub count: usize,
}

impl GenCtx<'_> {
    /// The rng of server `idx`: a pure function of (seed, product, zone, idx).
    pub(super) fn rng(&self, product: Product, idx: usize) -> StdRng {
        StdRng::seed_from_u64(splitmix64(self.key(product) ^ idx as u64))
    }

    /// A second rng of server `idx`, for what was added to the product after its servers'
    /// bodies were pinned: drawing from it leaves [`GenCtx::rng`]'s sequence, and so every
    /// earlier field, as it was. (The salt sits far above any index, so the two never meet.)
    pub(super) fn later_rng(&self, product: Product, idx: usize) -> StdRng {
        StdRng::seed_from_u64(splitmix64(
            self.key(product) ^ idx as u64 ^ 0x1a7e_0000_0000_0000,
        ))
    }

    fn key(&self, product: Product) -> u64 {
        splitmix64(self.fleet.seed ^ fnv1a(self.zone) ^ fnv1a(product.label()).rotate_left(17))
    }

    /// Creation dates: spread over the two years before the anchor, in index order, so the
    /// oldest-first listing is index order.
    pub(super) fn created(&self, rng: &mut StdRng, idx: usize) -> DateTime<Utc> {
        const WINDOW: i64 = 2 * 365 * 86_400 * 1_000_000;
        let slot = WINDOW / (self.count as i64 + 1);
        let at = ANCHOR_MICROS - WINDOW + slot * (idx as i64 + 1);
        from_micros(at - rng.random_range(0..slot.max(2) / 2))
    }

    /// The project (and its organization) a server belongs to.
    pub(super) fn project(&self, rng: &mut StdRng) -> (String, String) {
        let projects = &self.fleet.projects;
        let p = &projects[match rng.random_range(0..100) {
            0..60 => 0,
            60..85 => 1,
            _ => 2 % projects.len(),
        }];
        (p.organization.clone(), p.id.clone())
    }
}

/// A date some seconds after `t`, in the Go services' form.
pub(super) fn after(t: DateTime<Utc>, rng: &mut StdRng, max_secs: i64) -> String {
    block_date(t + chrono::Duration::microseconds(rng.random_range(1..max_secs * 1_000_000)))
}

pub(super) fn pick<'a>(rng: &mut StdRng, items: &[&'a str]) -> &'a str {
    items[rng.random_range(0..items.len())]
}

pub(super) fn docker_name(rng: &mut StdRng) -> String {
    format!("{}-{}", pick(rng, ADJECTIVES), pick(rng, SCIENTISTS))
}

pub(super) fn uuid(rng: &mut StdRng) -> String {
    uuid_from_bits(rng.random::<u128>())
}

/// A simulated secret: [`SECRET_MARKER`] and 16 hex digits.
pub(super) fn secret(rng: &mut StdRng) -> String {
    format!("{SECRET_MARKER}-{:016x}", rng.random::<u64>())
}

/// Tags as people put them on dedicated servers: often none.
pub(super) fn tags(rng: &mut StdRng) -> Vec<String> {
    if rng.random_range(0..100) < 55 {
        return Vec::new();
    }
    let pool = [
        "env=prod",
        "env=staging",
        "team:platform",
        "team:data",
        "k8s",
        "backup",
        "gpu",
        "ci",
    ];
    let mut tags: Vec<String> = Vec::new();
    for _ in 0..rng.random_range(1..4) {
        let tag = pick(rng, &pool).to_owned();
        if !tags.contains(&tag) {
            tags.push(tag);
        }
    }
    tags
}

/// Standard base64 with padding (the JSON form of protobuf `bytes`).
pub(super) fn base64(bytes: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let b = [
            chunk[0],
            chunk.get(1).copied().unwrap_or(0),
            chunk.get(2).copied().unwrap_or(0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for k in 0..4 {
            if k <= chunk.len() {
                out.push(char::from(ALPHABET[((n >> (18 - 6 * k)) & 63) as usize]));
            } else {
                out.push('=');
            }
        }
    }
    out
}
