//! Block Storage's volume types with their prices (`/block/v1 …/volume-types`), compact,
//! in the SDK's field order (none was ever recorded): `pricing` is per GB per hour.

use serde::Serialize;

use super::store::Listed;
use crate::json::compact;
use crate::prices::{Money, BLOCK_TYPES, SNAPSHOT_PER_GB_HOUR};

/// A volume type as `…/volume-types` lists it (the SDK's field order).
#[derive(Serialize)]
struct VolumeType<'a> {
    #[serde(rename = "type")]
    kind: &'static str,
    pricing: Money,
    snapshot_pricing: Money,
    specs: Specs,
    zone: &'a str,
}

/// The SDK's `VolumeSpecifications`, in its field order.
#[derive(Serialize)]
struct Specs {
    perf_iops: u32,
    class: &'static str,
}

/// The zone's volume types: what a GB of volume, and of its snapshots, costs per hour.
pub(crate) fn volume_types(zone: &str) -> Vec<Listed> {
    BLOCK_TYPES
        .iter()
        .map(|&(kind, perf_iops, pricing)| {
            let body = VolumeType {
                kind,
                pricing,
                snapshot_pricing: SNAPSHOT_PER_GB_HOUR,
                specs: Specs {
                    perf_iops,
                    class: "sbs",
                },
                zone,
            };
            Listed::new(kind.to_owned(), compact(&body))
        })
        .collect()
}
