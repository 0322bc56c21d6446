//! The generated fleet, pinned. Every server, volume and product body is a pure function of
//! the seed, and the exporter's golden exposition and e2e tests are written against those
//! bytes: a refactor of the generators must draw from each rng in the same order and write
//! the same bytes. Each part of the fleet is digested apart, so a failure names the part.

use super::*;

/// FNV-1a over bytes: stable across Rust releases (std's hashers promise no such thing).
fn digest(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |h, &b| {
        (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    })
}

/// Several zones (each product serves some of them, Apple silicon only two), a few hundred
/// servers of each kind, and a transition no test outlives, so nothing settles on the wall
/// clock while the pages are read.
fn fleet(seed: u64) -> Simulator {
    Simulator::new(SimulatorConfig {
        zones: ["fr-par-1", "fr-par-2", "fr-par-3", "nl-ams-1", "pl-waw-2"]
            .map(str::to_owned)
            .to_vec(),
        servers_per_zone: 300,
        seed,
        transition: Duration::from_secs(3600),
        products: ProductCounts {
            elastic_metal: 200,
            apple_silicon: 150,
            dedibox: 250,
        },
        ..SimulatorConfig::default()
    })
}

/// One digest per part of the fleet: the Instance list in each shape, the Block volumes, each
/// product's list and every one of its get-one bodies.
fn digests(sim: &Simulator) -> Vec<(&'static str, u64)> {
    let zones = sim.config().zones.clone();
    let mut parts = Vec::new();
    for (name, shape) in [
        ("instance", Shape::Current),
        ("legacy 2018", Shape::Legacy2018),
        ("legacy 2014", Shape::Legacy2014),
    ] {
        let mut bytes = Vec::new();
        for zone in &zones {
            for page in 1..=4 {
                bytes.extend(sim.servers_page(zone, page, 100, shape).body);
            }
        }
        parts.push((name, digest(&bytes)));
    }
    let volumes: Vec<u8> = zones
        .iter()
        .flat_map(|zone| sim.volumes_page(zone, 1, 1_000_000))
        .collect();
    parts.push(("block volumes", digest(&volumes)));
    for product in [
        Product::ElasticMetal,
        Product::AppleSilicon,
        Product::Dedibox,
    ] {
        let mut bytes = Vec::new();
        for zone in &zones {
            bytes.extend(sim.product_page(product, zone, 1, 1_000, false));
            for id in sim.product_server_ids(product, zone) {
                bytes.extend(sim.product_detail(product, zone, &id).unwrap_or_default());
            }
        }
        parts.push((product.label(), digest(&bytes)));
    }
    parts
}

#[test]
fn the_generated_fleet_of_a_seed_is_what_it_was() {
    assert_eq!(
        digests(&fleet(42)),
        [
            ("instance", 0x25b9_01be_9998_68e4),
            ("legacy 2018", 0x0d7a_d270_d3c3_2a6c),
            ("legacy 2014", 0xe826_20e2_cbb0_584f),
            ("block volumes", 0x93dc_8246_d71d_061f),
            ("elastic-metal", 0x99e4_a825_ebd2_662d),
            ("apple-silicon", 0xafe9_3672_5731_49d1),
            ("dedibox", 0x46df_fb61_e3fe_d35b),
        ]
    );
    assert_eq!(
        digests(&fleet(7)),
        [
            ("instance", 0x12ea_3baa_6092_3a06),
            ("legacy 2018", 0xca79_8e2b_b74a_264e),
            ("legacy 2014", 0x8036_3b46_0111_a9a9),
            ("block volumes", 0xb66d_0c7d_9203_303b),
            ("elastic-metal", 0xadda_a8db_ab0e_4973),
            ("apple-silicon", 0x9dc6_4831_7983_254b),
            ("dedibox", 0x8c90_ae94_f69b_6fe7),
        ]
    );
}
