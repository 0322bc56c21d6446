//! The two mixes of [`Mix`]: the demo's fleet is mostly up, and stays so as it churns.

use super::*;

const ZONES: [&str; 3] = ["fr-par-1", "fr-par-2", "nl-ams-1"];
/// Each product's up state.
const UP: [(Product, &str); 4] = [
    (Product::Instance, "running"),
    (Product::ElasticMetal, "ready"),
    (Product::AppleSilicon, "ready"),
    (Product::Dedibox, "ready"),
];

fn fleet(mix: Mix) -> Simulator {
    Simulator::new(SimulatorConfig {
        zones: ZONES.iter().map(|z| (*z).to_owned()).collect(),
        servers_per_zone: 200,
        products: ProductCounts::all(100),
        transition: Duration::from_secs(3),
        mix,
        ..SimulatorConfig::default()
    })
}

/// The share of servers of `product` not in its up state, as it is now (transitions in
/// flight count as not up).
fn share_not_up(sim: &Simulator, product: Product) -> f64 {
    let up = UP.iter().find(|(p, _)| *p == product).unwrap().1;
    let (mut all, mut down) = (0, 0);
    for zone in ZONES {
        let states: Vec<Option<String>> = if product == Product::Instance {
            sim.server_ids(zone)
                .iter()
                .map(|id| sim.server_state(zone, id))
                .collect()
        } else {
            sim.product_server_ids(product, zone)
                .iter()
                .map(|id| sim.product_server_state(product, zone, id))
                .collect()
        };
        all += states.len();
        down += states.iter().filter(|s| s.as_deref() != Some(up)).count();
    }
    assert!(all > 0, "{product:?} has no server");
    down as f64 / all as f64
}

#[test]
fn the_demo_fleet_starts_with_a_few_percent_of_servers_not_up() {
    let lifelike = fleet(Mix::Lifelike);
    let varied = fleet(Mix::Varied);
    for (product, _) in UP {
        let share = share_not_up(&lifelike, product);
        assert!((0.01..0.08).contains(&share), "{product:?}: {share}");
        // Tests keep every state in numbers.
        let share = share_not_up(&varied, product);
        assert!(share >= 0.1, "{product:?} varied: {share}");
    }
    // Only the states differ: the same servers, by id.
    assert_eq!(
        lifelike.server_ids("fr-par-1"),
        varied.server_ids("fr-par-1")
    );
}

#[test]
fn the_demo_fleet_stays_mostly_up_however_long_it_churns() {
    let sim = fleet(Mix::Lifelike);
    // Far more changes than the fleet has servers: the share has reached its balance.
    for _ in 0..3000 {
        sim.churn_once();
        sim.advance_clock(sim.config().transition);
    }
    for (product, _) in UP {
        let share = share_not_up(&sim, product);
        assert!(share < 0.10, "{product:?}: {share}");
    }
}
