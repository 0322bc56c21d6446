//! The catalogs, a pure function of their zone, priced from `crate::prices`: Elastic Metal
//! offers, Dedibox offers and Apple silicon server types, a module each (each says its shape);
//! Block volume types come from `super::block`.

mod apple_silicon;
mod dedibox;
mod elastic_metal;

use serde::Serialize;

use super::store::Listed;
use super::{block, Resource};
use crate::json::fnv1a;

/// The list of a catalog kind in `zone` (empty for a kind that is not a catalog).
pub(crate) fn catalog(kind: Resource, zone: &str) -> Vec<Listed> {
    match kind {
        Resource::BlockVolumeType => block::volume_types(zone),
        Resource::ElasticMetalOffer => elastic_metal::metal_offers(zone),
        Resource::DediboxOffer => dedibox::dedibox_offers(zone),
        Resource::AppleSiliconServerType => apple_silicon::server_types(),
        _ => Vec::new(),
    }
}

/// A stock level of an item in a zone: mostly some, sometimes low or none, the same for a
/// given zone and item.
fn stock<'a>(zone: &str, item: &str, levels: [&'a str; 3]) -> &'a str {
    match fnv1a(&format!("{zone}/{item}")) % 6 {
        0 => levels[2],
        1 => levels[1],
        _ => levels[0],
    }
}

/// A memory module as Elastic Metal offers list it; Dedibox's `server_info` uses the same shape.
#[derive(Serialize)]
struct MetalMemory {
    capacity: u64,
    #[serde(rename = "type")]
    kind: &'static str,
    frequency: u32,
    is_ecc: bool,
}
