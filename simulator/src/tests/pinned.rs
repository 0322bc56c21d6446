//! The generated fleet, pinned. Every server, volume and product body is a pure function of
//! the seed (and what a fleet leaves behind, of the seed and the day it is dated from), and
//! the exporter's golden exposition and e2e tests are written against those bytes: a
//! refactor of the generators must draw from each rng in the same order and write the same
//! bytes. Each part of the fleet is digested apart, so a failure names the part.

use super::*;

/// FNV-1a over bytes: stable across Rust releases (std's hashers promise no such thing).
fn digest(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |h, &b| {
        (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    })
}

/// 2026-12-07T10:30:00Z: the day leftovers are dated back from, half an hour into the hour
/// the bill counts to.
const STARTED: u64 = 1_796_639_400;

/// Several zones (each product serves some of them, Apple silicon only two), a few hundred
/// servers of each kind, and a transition no test outlives, so nothing settles on the wall
/// clock while the pages are read.
fn fleet(seed: u64) -> Simulator {
    let started = std::time::UNIX_EPOCH + Duration::from_secs(STARTED);
    Simulator::new_at(
        SimulatorConfig {
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
        },
        started,
    )
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

/// One digest per list beside the servers (Block volumes are the fleet's): every zone's
/// whole list as the API writes it, Elastic Metal offers of both periods, the bill of the
/// month so far.
fn list_digests(sim: &Simulator) -> Vec<(&'static str, u64)> {
    let zones = sim.config().zones.clone();
    let whole = crate::resources::Asked {
        page: 1,
        size: Some(1_000_000),
    };
    let mut parts = Vec::new();
    for kind in Resource::ALL {
        if kind == Resource::BlockVolume {
            continue;
        }
        let mut bytes = Vec::new();
        let zones = if kind.is_zoned() {
            zones.clone()
        } else {
            vec![String::new()]
        };
        let monthly = kind == Resource::ElasticMetalOffer;
        let queries = [None]
            .into_iter()
            .chain(monthly.then_some(Some("subscription_period=monthly")));
        for zone in &zones {
            for query in queries.clone() {
                let page = sim
                    .resource_page(kind, zone, query, whole)
                    .map(|(body, _)| body);
                bytes.extend(page.unwrap_or_default());
            }
        }
        parts.push((kind.label(), digest(&bytes)));
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
            ("block volumes", 0x9beb_9bc5_46b1_20ae),
            ("elastic-metal", 0xb7c1_6ec2_e9e2_a057),
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
            ("block volumes", 0x5ec7_9bf6_0a16_2d4a),
            ("elastic-metal", 0xfcdc_e843_84bf_6315),
            ("apple-silicon", 0x9dc6_4831_7983_254b),
            ("dedibox", 0x8c90_ae94_f69b_6fe7),
        ]
    );
}

#[test]
fn the_lists_of_a_seed_are_what_they_were() {
    assert_eq!(
        list_digests(&fleet(42)),
        [
            ("block-snapshot", 0x5a4d_57c0_656c_1c8f),
            ("block-volume-type", 0x3031_c3f3_3a1c_b184),
            ("instance-volume", 0x5cbc_3933_c512_4a21),
            ("instance-ip", 0x4de3_6eec_d0c9_0d2c),
            ("instance-snapshot", 0x6028_f845_700a_9adf),
            ("flexible-ip", 0x3548_33c2_c36d_98e0),
            ("elastic-metal-offer", 0x0cbc_8461_012f_30a4),
            ("dedibox-offer", 0xda6d_d1c3_dae6_72d0),
            ("apple-silicon-server-type", 0x88d0_1daa_ab91_76f6),
            ("billing-consumption", 0x7a51_2e84_622c_2d7e),
        ]
    );
    assert_eq!(
        list_digests(&fleet(7)),
        [
            ("block-snapshot", 0x9a2b_a769_a588_c2c0),
            ("block-volume-type", 0x3031_c3f3_3a1c_b184),
            ("instance-volume", 0xa585_246f_c2c2_5e61),
            ("instance-ip", 0xb4a7_e542_11e3_05e8),
            ("instance-snapshot", 0xb7a2_f89f_6c6f_1bc4),
            ("flexible-ip", 0xeadb_3901_7001_6537),
            ("elastic-metal-offer", 0x0cbc_8461_012f_30a4),
            ("dedibox-offer", 0xda6d_d1c3_dae6_72d0),
            ("apple-silicon-server-type", 0x88d0_1daa_ab91_76f6),
            ("billing-consumption", 0x56e5_b0e4_1468_4ba5),
        ]
    );
}
