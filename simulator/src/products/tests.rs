use std::time::Duration;

use rand::rngs::StdRng;
use rand::SeedableRng;

use super::*;
use crate::{Simulator, SimulatorConfig};

fn sim(zones: &[&str], counts: ProductCounts) -> Simulator {
    Simulator::new(SimulatorConfig {
        zones: zones.iter().map(|z| (*z).to_owned()).collect(),
        servers_per_zone: 2,
        products: counts,
        transition: Duration::from_secs(60),
        ..SimulatorConfig::default()
    })
}

#[test]
fn base64_matches_the_standard_alphabet_and_padding() {
    assert_eq!(base64(b""), "");
    assert_eq!(base64(b"f"), "Zg==");
    assert_eq!(base64(b"fo"), "Zm8=");
    assert_eq!(base64(b"foo"), "Zm9v");
    assert_eq!(base64(b"foobar"), "Zm9vYmFy");
    assert_eq!(
        base64(&SECRET_MARKER.as_bytes()[..15]),
        SECRET_MARKER_BASE64
    );
}

#[test]
fn every_user_data_carries_the_base64_marker() {
    let mut rng = StdRng::seed_from_u64(1);
    for _ in 0..20 {
        let data = elastic_metal::user_data(&mut rng);
        assert!(data.starts_with("I2Nsb3VkLWNvbmZpZw"), "{data}");
        assert!(data.contains(SECRET_MARKER_BASE64), "{data}");
    }
}

#[test]
fn products_fill_only_the_configured_zones_they_serve() {
    let s = sim(&["fr-par-1", "fr-par-3", "pl-waw-1"], ProductCounts::all(4));
    assert_eq!(
        s.product_server_ids(Product::ElasticMetal, "fr-par-1")
            .len(),
        4
    );
    assert_eq!(
        s.product_server_ids(Product::ElasticMetal, "fr-par-3")
            .len(),
        0
    );
    assert_eq!(
        s.product_server_ids(Product::AppleSilicon, "fr-par-1")
            .len(),
        4
    );
    assert_eq!(
        s.product_server_ids(Product::AppleSilicon, "fr-par-3")
            .len(),
        4
    );
    assert_eq!(s.product_server_ids(Product::Dedibox, "fr-par-1").len(), 4);
    assert_eq!(s.product_server_ids(Product::Dedibox, "pl-waw-1").len(), 0);
    // Instance is unchanged by product counts.
    assert_eq!(s.product_server_ids(Product::Instance, "pl-waw-1").len(), 2);
}

#[test]
fn default_config_has_no_product_servers() {
    let s = sim(&["fr-par-1"], ProductCounts::default());
    for product in [
        Product::ElasticMetal,
        Product::AppleSilicon,
        Product::Dedibox,
    ] {
        assert!(s.product_server_ids(product, "fr-par-1").is_empty());
    }
}

#[test]
fn the_same_seed_gives_the_same_product_bodies() {
    let a = sim(&["fr-par-1"], ProductCounts::all(6));
    let b = sim(&["fr-par-1"], ProductCounts::all(6));
    for product in [
        Product::ElasticMetal,
        Product::AppleSilicon,
        Product::Dedibox,
    ] {
        assert_eq!(
            a.product_page(product, "fr-par-1", 1, 100, false),
            b.product_page(product, "fr-par-1", 1, 100, false),
            "{product}"
        );
    }
}

#[test]
fn labels_round_trip_and_instance_serves_everywhere() {
    for product in Product::ALL {
        assert_eq!(Product::from_label(product.label()), Some(product));
    }
    assert_eq!(Product::from_label("baremetal"), None);
    assert!(Product::Instance.serves("it-mil-1"));
    assert!(!Product::Dedibox.serves("nl-ams-2"));
    assert!(Product::AppleSilicon.serves("fr-par-3"));
}

#[tokio::test(start_paused = true)]
async fn an_elastic_metal_stop_settles_after_the_transition_on_paused_time() {
    let s = sim(&["fr-par-2"], ProductCounts::all(30));
    tokio::time::advance(Duration::from_secs(61)).await;
    let ids = s.product_server_ids(Product::ElasticMetal, "fr-par-2");
    let id = ids
        .iter()
        .find(|id| {
            s.product_server_state(Product::ElasticMetal, "fr-par-2", id)
                .as_deref()
                == Some("ready")
        })
        .expect("a ready server");
    s.apply_product_action(Product::ElasticMetal, "fr-par-2", id, ProductAction::Stop)
        .unwrap();
    let state = |s: &Simulator| s.product_server_state(Product::ElasticMetal, "fr-par-2", id);
    assert_eq!(state(&s).as_deref(), Some("stopping"));
    assert!(matches!(
        s.apply_product_action(Product::ElasticMetal, "fr-par-2", id, ProductAction::Start),
        Err(ProductActionError::NotAllowed { .. })
    ));
    tokio::time::advance(Duration::from_secs(59)).await;
    assert_eq!(state(&s).as_deref(), Some("stopping"));
    tokio::time::advance(Duration::from_secs(1)).await;
    assert_eq!(state(&s).as_deref(), Some("stopped"));
}

#[test]
fn advance_clock_ends_apple_silicon_and_dedibox_transitions() {
    let s = sim(&["fr-par-1"], ProductCounts::all(30));
    s.advance_clock(Duration::from_secs(61));
    for (product, action, during, after) in [
        (
            Product::AppleSilicon,
            ProductAction::Reboot,
            "rebooting",
            "ready",
        ),
        (
            Product::AppleSilicon,
            ProductAction::Reinstall,
            "reinstalling",
            "ready",
        ),
        (Product::Dedibox, ProductAction::Stop, "busy", "stopped"),
        (Product::Dedibox, ProductAction::Reboot, "busy", "ready"),
    ] {
        let id = s
            .product_server_ids(product, "fr-par-1")
            .into_iter()
            .find(|id| s.product_server_state(product, "fr-par-1", id).as_deref() == Some("ready"))
            .expect("a ready server");
        s.apply_product_action(product, "fr-par-1", &id, action)
            .unwrap();
        assert_eq!(
            s.product_server_state(product, "fr-par-1", &id).as_deref(),
            Some(during)
        );
        s.advance_clock(Duration::from_secs(60));
        assert_eq!(
            s.product_server_state(product, "fr-par-1", &id).as_deref(),
            Some(after),
            "{product} {action}"
        );
    }
}

#[test]
fn servers_generated_mid_transition_settle_where_it_ends() {
    let s = sim(&["fr-par-1"], ProductCounts::all(200));
    // What each product's servers are first seen in, and what they become.
    let caught = [
        (Product::ElasticMetal, "starting", "ready"),
        (Product::ElasticMetal, "stopping", "stopped"),
        (Product::AppleSilicon, "starting", "ready"),
        (Product::AppleSilicon, "rebooting", "ready"),
        (Product::AppleSilicon, "reinstalling", "ready"),
        (Product::Dedibox, "installing", "ready"),
        (Product::Dedibox, "busy", "ready"),
    ];
    let state = |product, id: &str| s.product_server_state(product, "fr-par-1", id);
    let servers: Vec<_> = caught
        .iter()
        .map(|&(product, first, then)| {
            let ids: Vec<String> = s
                .product_server_ids(product, "fr-par-1")
                .into_iter()
                .filter(|id| state(product, id).as_deref() == Some(first))
                .collect();
            assert!(!ids.is_empty(), "some {product} server is {first}");
            (product, ids, first, then)
        })
        .collect();
    s.advance_clock(Duration::from_secs(30));
    for (product, ids, first, _) in &servers {
        for id in ids {
            assert_eq!(state(*product, id).as_deref(), Some(*first), "{product}");
        }
    }
    s.advance_clock(Duration::from_secs(30));
    for (product, ids, first, then) in &servers {
        for id in ids {
            assert_eq!(
                state(*product, id).as_deref(),
                Some(*then),
                "{product} {first}"
            );
        }
    }
}

#[test]
fn actions_a_product_lacks_or_zones_it_does_not_serve_are_refused() {
    let s = sim(&["fr-par-1"], ProductCounts::all(2));
    let id = &s.product_server_ids(Product::ElasticMetal, "fr-par-1")[0];
    assert!(matches!(
        s.apply_product_action(
            Product::ElasticMetal,
            "fr-par-1",
            id,
            ProductAction::Reinstall
        ),
        Err(ProductActionError::Unsupported { .. })
    ));
    assert!(matches!(
        s.apply_product_action(Product::Dedibox, "pl-waw-1", "1", ProductAction::Start),
        Err(ProductActionError::NotServed { .. })
    ));
    assert!(matches!(
        s.apply_product_action(Product::Dedibox, "fr-par-1", "1", ProductAction::Start),
        Err(ProductActionError::UnknownServer { .. })
    ));
}

#[test]
fn inserted_raw_servers_take_actions_and_keep_their_other_fields() {
    let s = sim(&["fr-par-1"], ProductCounts::default());
    let id = s.insert_product_server(
        Product::Dedibox,
        "fr-par-1",
        serde_json::json!({"id": 4242, "hostname": "<script>", "status": "ready"}),
    );
    assert_eq!(id, "4242");
    s.apply_product_action(Product::Dedibox, "fr-par-1", &id, ProductAction::Stop)
        .unwrap();
    let body = s
        .product_server_json(Product::Dedibox, "fr-par-1", &id)
        .unwrap();
    assert_eq!(body["status"], "busy");
    assert_eq!(body["hostname"], "<script>");
    assert_eq!(body["id"], 4242);
}

#[test]
fn churn_moves_product_servers_too() {
    let s = sim(&["fr-par-1"], ProductCounts::all(10));
    s.advance_clock(Duration::from_secs(61));
    let changes: Vec<String> = (0..40).filter_map(|_| s.churn_once()).collect();
    assert!(
        changes.iter().any(|c| c.contains("elastic-metal")
            || c.contains("apple-silicon")
            || c.contains("dedibox")),
        "{changes:?}"
    );
}

#[test]
fn every_status_the_simulator_answers_is_one_its_api_enumerates() {
    let zones = ["fr-par-1", "fr-par-2", "nl-ams-1", "fr-par-3"];
    let s = sim(&zones, ProductCounts::all(300));
    for product in [
        Product::ElasticMetal,
        Product::AppleSilicon,
        Product::Dedibox,
    ] {
        let mut seen = std::collections::BTreeSet::new();
        for zone in zones {
            for id in s.product_server_ids(product, zone) {
                let status = s.product_server_state(product, zone, &id).unwrap();
                assert!(
                    product.statuses().contains(&status.as_str()),
                    "{product}: {status}"
                );
                seen.insert(status);
            }
        }
        assert!(seen.len() > 2, "{product}: {seen:?}");
    }
}
