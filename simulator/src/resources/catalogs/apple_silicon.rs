//! Apple silicon server types (`/apple-silicon/v1alpha1 …/server-types`): the recorded shape,
//! no price.

use serde::Serialize;

use crate::json::compact;
use crate::products::AppleSiliconOs;
use crate::resources::store::Listed;

#[derive(Serialize)]
struct ServerType {
    name: &'static str,
    cpu: AppleCpu,
    disk: Capacity,
    memory: Capacity,
    stock: &'static str,
    minimum_lease_duration: &'static str,
    default_os: AppleSiliconOs,
    gpu: Gpu,
    network: Network,
}

#[derive(Serialize)]
struct AppleCpu {
    name: &'static str,
    core_count: u32,
    frequency: u64,
}

#[derive(Serialize)]
struct Capacity {
    capacity: u64,
    #[serde(rename = "type")]
    kind: &'static str,
}

#[derive(Serialize)]
struct Gpu {
    count: u32,
}

#[derive(Serialize)]
struct Network {
    public_bandwidth_bps: u64,
    supported_bandwidth: Vec<u64>,
}

/// (name, chip, cores, GHz tenths, disk GB, memory GB, memory type, GPU cores, up to Gbps,
/// stock): the simulator's description of each type.
type TypeRow = (
    &'static str,
    &'static str,
    u32,
    u64,
    u64,
    u64,
    &'static str,
    u32,
    u64,
    &'static str,
);

const SERVER_TYPES: &[TypeRow] = &[
    (
        "M1-M",
        "Apple M1",
        8,
        32,
        256,
        8,
        "LPDDR4X",
        8,
        1,
        "high_stock",
    ),
    (
        "M2-M",
        "Apple M2",
        8,
        35,
        256,
        16,
        "LPDDR5",
        10,
        1,
        "high_stock",
    ),
    (
        "M2-L",
        "Apple M2 Pro",
        10,
        35,
        512,
        32,
        "LPDDR5",
        16,
        1,
        "low_stock",
    ),
    (
        "M4-S",
        "Apple M4",
        10,
        44,
        256,
        16,
        "LPDDR5X",
        10,
        1,
        "high_stock",
    ),
    (
        "M4-M",
        "Apple M4",
        10,
        44,
        512,
        24,
        "LPDDR5X",
        10,
        10,
        "high_stock",
    ),
    (
        "M4-L",
        "Apple M4 Pro",
        12,
        45,
        1024,
        48,
        "LPDDR5X",
        16,
        10,
        "low_stock",
    ),
    (
        "M4-XL",
        "Apple M4 Pro",
        14,
        45,
        2048,
        64,
        "LPDDR5X",
        20,
        10,
        "no_stock",
    ),
];

/// Every server type (those of the generated servers and `M4-XL`), the same in each zone.
pub(super) fn server_types() -> Vec<Listed> {
    SERVER_TYPES
        .iter()
        .map(
            |&(ty, chip, cores, ghz10, disk, memory, memory_type, gpus, gbps, stock)| {
                let body = ServerType {
                    name: ty,
                    cpu: AppleCpu {
                        name: chip,
                        core_count: cores,
                        frequency: ghz10 * 100_000_000,
                    },
                    disk: Capacity {
                        capacity: disk * 1_000_000_000,
                        kind: "SSD",
                    },
                    memory: Capacity {
                        capacity: memory * 1_000_000_000,
                        kind: memory_type,
                    },
                    stock,
                    minimum_lease_duration: "86400s",
                    // The first image, Sequoia, the one every recorded type offers.
                    default_os: AppleSiliconOs::of(0),
                    gpu: Gpu { count: gpus },
                    network: Network {
                        public_bandwidth_bps: gbps * 1_000_000_000,
                        supported_bandwidth: (1..=gbps).map(|g| g * 1_000_000_000).collect(),
                    },
                };
                Listed::new(ty.to_owned(), compact(&body))
            },
        )
        .collect()
}
