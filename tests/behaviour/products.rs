//! Elastic Metal, Apple silicon and Dedibox, polled over real TCP from the simulator: every
//! page read, every state mapped, tags and addresses exact, secrets never shown, a product
//! the key may not read left out unless named, and a zone a product does not serve never a
//! failed poll.

use scaleway_exporter::product::{Product, State};
use scaleway_simulator::{
    Product as SimProduct, ProductCounts, SECRET_MARKER, SECRET_MARKER_BASE64,
};
use serde_json::json;

use crate::common::*;

const PRODUCTS: [(Product, SimProduct, &str); 3] = [
    (
        Product::ElasticMetal,
        SimProduct::ElasticMetal,
        "scaleway_elastic_metal_server",
    ),
    (
        Product::AppleSilicon,
        SimProduct::AppleSilicon,
        "scaleway_apple_silicon_server",
    ),
    (
        Product::Dedibox,
        SimProduct::Dedibox,
        "scaleway_dedibox_server",
    ),
];

/// The products other than Instances.
const OTHERS: [Product; 3] = [
    Product::ElasticMetal,
    Product::AppleSilicon,
    Product::Dedibox,
];

/// A simulator whose fr-par-1 holds `per_zone` servers of each of the three products.
async fn api_with_products(per_zone: usize) -> TestApi {
    let mut config = simulator_config(&["fr-par-1"], 0);
    config.products = ProductCounts::all(per_zone);
    start_simulator(config).await
}

async fn exporter_of(api: &TestApi, zones: &[&str], products: &[Product]) -> TestExporter {
    let config = exporter_config_builder(&api.url, zones, TEST_KEY)
        .products(products.iter().copied())
        .build()
        .unwrap();
    start_exporter(&config).await
}

#[tokio::test]
async fn every_page_of_a_zone_of_more_than_a_hundred_servers_is_read_for_every_product() {
    let api = api_with_products(150).await;
    let exporter = exporter_of(&api, &["fr-par-1"], &OTHERS).await;
    exporter.poller.poll_once().await;
    let metrics = exporter.scrape().await;
    for (product, sim, family) in PRODUCTS {
        let info = metrics.select(&format!("{family}_info"), &[("zone", "fr-par-1")]);
        let mut exported: Vec<&str> = info
            .iter()
            .map(|s| s.labels["server_id"].as_str())
            .collect();
        exported.sort_unstable();
        let mut listed = api.simulator.product_server_ids(sim, "fr-par-1");
        listed.sort_unstable();
        assert_eq!(exported, listed, "{product}");
        assert_eq!(exported.len(), 150, "{product}");
        assert_eq!(
            metrics.value(
                "scaleway_exporter_poll_success",
                &[("product", product.label()), ("zone", "fr-par-1")]
            ),
            1.0
        );
        let requests = metrics.value(
            "scaleway_exporter_api_requests_total",
            &[
                ("product", product.label()),
                ("zone", "fr-par-1"),
                ("endpoint", "servers"),
                ("code", "200"),
            ],
        );
        assert_eq!(requests, 2.0, "{product}: pages of 100 and 50");
    }
}

#[tokio::test]
async fn every_state_of_every_product_is_exported_as_itself_and_a_new_one_as_unknown() {
    let api = api_with_products(0).await;
    let mut expected = Vec::new();
    for (product, sim, family) in PRODUCTS {
        let states: Vec<&str> = product.states().iter().map(|s| s.label()).collect();
        for state in states.iter().chain(&["hibernating"]) {
            let body = match sim {
                SimProduct::Dedibox => json!({"hostname": format!("sd-{state}"), "status": state}),
                _ => json!({"name": format!("srv-{state}"), "status": state}),
            };
            let id = api.simulator.insert_product_server(sim, "fr-par-1", body);
            let label = if states.contains(state) {
                *state
            } else {
                "unknown"
            };
            expected.push((family, id, label, states.len()));
        }
    }
    let exporter = exporter_of(&api, &["fr-par-1"], &OTHERS).await;
    exporter.poller.poll_once().await;
    let metrics = exporter.scrape().await;
    for (family, id, label, count) in expected {
        let series = metrics.select(&format!("{family}_state"), &[("server_id", &id)]);
        assert_eq!(series.len(), count, "{family} {id}: one series per state");
        let current: Vec<&str> = series
            .iter()
            .filter(|s| s.value == 1.0)
            .map(|s| s.labels["state"].as_str())
            .collect();
        assert_eq!(current, [label], "{family} {id}");
    }
}

#[tokio::test]
async fn tags_and_addresses_are_exported_exactly_and_dedibox_names_are_hostnames() {
    let api = api_with_products(0).await;
    let em = api.simulator.insert_product_server(
        SimProduct::ElasticMetal,
        "fr-par-1",
        json!({"name": "metal \"1\"", "status": "ready", "tags": ["env=prod", "alerting=off", "env=prod"],
               "ips": [{"address": "2001:bc8::1", "version": "IPv6"}, {"address": "51.15.0.9", "version": "IPv4"}],
               "ping_status": "ping_status_down"}),
    );
    let mac = api.simulator.insert_product_server(
        SimProduct::AppleSilicon,
        "fr-par-1",
        json!({"name": "mac", "status": "ready", "ip": "62.210.0.7", "tags": ["ci:runner"]}),
    );
    let dedibox = api.simulator.insert_product_server(
        SimProduct::Dedibox,
        "fr-par-1",
        json!({"hostname": "sd-7", "status": "ready", "interfaces": [
            {"type": "normal", "ips": [{"address": "51.159.1.1", "version": "ipv4"}]},
            {"type": "ipmi", "ips": [{"address": "10.1.1.1", "version": "ipv4"}]}]}),
    );
    let exporter = exporter_of(&api, &["fr-par-1"], &OTHERS).await;
    exporter.poller.poll_once().await;
    let metrics = exporter.scrape().await;
    let labels = |family: &str, id: &str, label: &str| -> Vec<String> {
        metrics
            .select(family, &[("server_id", id)])
            .iter()
            .map(|s| s.labels[label].clone())
            .collect()
    };
    assert_eq!(
        labels("scaleway_elastic_metal_server_tag_info", &em, "tag"),
        ["env=prod", "alerting=off"]
    );
    assert_eq!(
        labels("scaleway_elastic_metal_server_ip_info", &em, "family"),
        ["inet6", "inet"]
    );
    assert_eq!(
        labels("scaleway_elastic_metal_server_info", &em, "name"),
        ["metal \"1\""]
    );
    assert_eq!(
        metrics.value(
            "scaleway_elastic_metal_server_ping_up",
            &[("server_id", &em)]
        ),
        0.0
    );
    assert_eq!(
        labels("scaleway_apple_silicon_server_ip_info", &mac, "address"),
        ["62.210.0.7"]
    );
    assert_eq!(
        labels("scaleway_apple_silicon_server_tag_info", &mac, "tag"),
        ["ci:runner"]
    );
    assert_eq!(
        labels("scaleway_dedibox_server_ip_info", &dedibox, "address"),
        ["51.159.1.1"],
        "the BMC's address is not the server's"
    );
    assert_eq!(
        labels("scaleway_dedibox_server_info", &dedibox, "name"),
        ["sd-7"]
    );
}

#[tokio::test]
async fn apple_silicon_passwords_and_elastic_metal_user_data_are_shown_nowhere() {
    let (logs, _guard) = CapturedLogs::start_at(tracing::Level::DEBUG);
    let api = api_with_products(3).await;
    let exporter = exporter_of(
        &api,
        &["fr-par-1"],
        &[Product::ElasticMetal, Product::AppleSilicon],
    )
    .await;
    exporter.poller.poll_once().await;
    let mac = &api
        .simulator
        .product_server_ids(SimProduct::AppleSilicon, "fr-par-1")[0];
    let body = api
        .simulator
        .product_server_json(SimProduct::AppleSilicon, "fr-par-1", mac)
        .unwrap()
        .to_string();
    assert!(
        body.contains(SECRET_MARKER),
        "the simulator's bodies carry the secrets: {body}"
    );
    for path in [
        "/metrics",
        "/",
        "/inventory.json",
        "/?product=apple-silicon",
    ] {
        let text = get_text(&format!("{}{path}", exporter.url)).await;
        assert!(text.contains(mac.as_str()), "{path} lists the Mac");
        if path.starts_with("/?") {
            assert!(
                text.contains("<td>apple-silicon</td><td title="),
                "{path}: the product column"
            );
        }
        for secret in [
            SECRET_MARKER,
            SECRET_MARKER_BASE64,
            "vnc://",
            "sudo_password",
        ] {
            assert!(!text.contains(secret), "{path} shows {secret}");
        }
    }
    let logged = logs.lines().join("\n");
    assert!(!logged.contains(SECRET_MARKER) && !logged.contains(SECRET_MARKER_BASE64));
}

#[tokio::test]
async fn a_product_the_key_may_not_read_is_left_out_unless_named_and_then_fails() {
    for (product, sim, _) in PRODUCTS {
        let api = api_with_products(2).await;
        api.simulator.set_product_forbidden(sim, true);

        let (logs, _guard) = CapturedLogs::start();
        let config = exporter_config_builder(&api.url, &["fr-par-1"], TEST_KEY)
            .products([])
            .build()
            .unwrap();
        let unnamed = start_exporter(&config).await;
        unnamed.poller.poll_once().await;
        let metrics = unnamed.scrape().await;
        for other in Product::ALL {
            assert_eq!(
                metrics.value(
                    "scaleway_exporter_product_enabled",
                    &[("product", other.label())]
                ),
                if other == product { 0.0 } else { 1.0 },
                "{product}: {other}"
            );
        }
        assert!(metrics
            .select(
                "scaleway_exporter_poll_success",
                &[("product", product.label())]
            )
            .is_empty());
        let ready = reqwest::get(format!("{}/readyz", unnamed.url))
            .await
            .unwrap();
        assert_eq!(ready.status(), 200, "{product} left out is not waited for");
        let warned = || {
            logs.lines()
                .into_iter()
                .filter(|l| l.contains(product.permission_set()))
                .count()
        };
        assert_eq!(warned(), 1, "{product}: {:?}", logs.lines());
        // A note, not a warning: the key's owner chose what it may read.
        let said = logs
            .lines()
            .into_iter()
            .find(|l| l.contains(product.permission_set()))
            .unwrap();
        assert!(said.contains(" INFO "), "{said}");
        assert!(
            !logs.lines().iter().any(|l| l.contains("zone poll failed")),
            "{product}: the one line says it all: {:?}",
            logs.lines()
        );
        unnamed.poller.poll_once().await;
        assert_eq!(warned(), 1, "{product} is not asked again");

        let named = exporter_of(&api, &["fr-par-1"], &[product]).await;
        named.poller.poll_once().await;
        let metrics = named.scrape().await;
        assert_eq!(
            metrics.value(
                "scaleway_exporter_poll_success",
                &[("product", product.label()), ("zone", "fr-par-1")]
            ),
            0.0,
            "{product} named is polled, and its 403 is a failed poll"
        );
        assert_eq!(
            metrics.value(
                "scaleway_exporter_product_enabled",
                &[("product", product.label())]
            ),
            1.0
        );
    }
}

#[tokio::test]
async fn a_product_not_selected_has_no_enabled_series_so_nothing_alerts_about_it() {
    let api = api_with_products(1).await;
    let exporter = exporter_of(&api, &["fr-par-1"], &[Product::Instance]).await;
    exporter.poller.poll_once().await;
    let metrics = exporter.scrape().await;
    let enabled: Vec<(String, f64)> = metrics
        .select("scaleway_exporter_product_enabled", &[])
        .iter()
        .map(|s| (s.labels["product"].clone(), s.value))
        .collect();
    assert_eq!(enabled, [("instance".to_owned(), 1.0)]);
}

#[tokio::test]
async fn a_key_that_may_read_no_product_leaves_none_out_and_every_poll_fails() {
    let api = api_with_products(1).await;
    for product in SimProduct::ALL {
        api.simulator.set_product_forbidden(product, true);
    }
    let config = exporter_config_builder(&api.url, &["fr-par-1"], TEST_KEY)
        .products([])
        .build()
        .unwrap();
    let exporter = start_exporter(&config).await;
    exporter.poller.poll_once().await;
    let metrics = exporter.scrape().await;
    for product in Product::ALL {
        assert_eq!(
            metrics.value(
                "scaleway_exporter_poll_success",
                &[("product", product.label()), ("zone", "fr-par-1")]
            ),
            0.0,
            "{product}: a key to fix alerts rather than exports an empty fleet"
        );
    }
}

#[tokio::test]
async fn a_zone_a_product_does_not_serve_is_left_out_and_never_a_failed_poll() {
    let (logs, _guard) = CapturedLogs::start();
    let api = api_with_products(1).await;
    // nl-ams-9 is in no product's list: every product is asked. The simulator's Instances
    // answer an empty list there; the other products answer 501 unknown service.
    let exporter = exporter_of(&api, &["fr-par-1", "nl-ams-9"], &Product::ALL).await;
    exporter.poller.poll_once().await;
    exporter.poller.poll_once().await;
    let metrics = exporter.scrape().await;
    let failed: Vec<String> = metrics
        .select("scaleway_exporter_poll_success", &[])
        .iter()
        .filter(|s| s.value != 1.0)
        .map(|s| format!("{}/{}", s.labels["product"], s.labels["zone"]))
        .collect();
    assert!(failed.is_empty(), "{failed:?}");
    for product in OTHERS {
        assert!(metrics
            .select(
                "scaleway_exporter_poll_success",
                &[("product", product.label()), ("zone", "nl-ams-9")]
            )
            .is_empty());
        assert_eq!(
            metrics.value(
                "scaleway_exporter_api_requests_total",
                &[
                    ("product", product.label()),
                    ("zone", "nl-ams-9"),
                    ("code", "501")
                ]
            ),
            1.0,
            "{product} is asked once, then left out of the zone"
        );
        let said = logs
            .lines()
            .into_iter()
            .filter(|l| l.contains("does not serve") && l.contains(product.label()))
            .count();
        assert_eq!(said, 1, "{product}: {:?}", logs.lines());
    }
    assert_eq!(
        metrics.value(
            "scaleway_exporter_poll_success",
            &[("product", "instance"), ("zone", "nl-ams-9")]
        ),
        1.0
    );
    let ready = reqwest::get(format!("{}/readyz", exporter.url))
        .await
        .unwrap();
    assert_eq!(ready.status(), 200);
    // A zone known to lack a product is not even asked; named with no zone it serves, the
    // product is refused at start.
    let config = exporter_config_builder(&api.url, &["pl-waw-1"], TEST_KEY)
        .products([])
        .build()
        .unwrap();
    let products: Vec<Product> = config.targets().iter().map(|t| t.product).collect();
    assert_eq!(
        products,
        [Product::Instance],
        "pl-waw-1 has no Elastic Metal, Mac or Dedibox"
    );
    let refused = exporter_config_builder(&api.url, &["pl-waw-1"], TEST_KEY)
        .products([Product::AppleSilicon])
        .build()
        .unwrap_err();
    assert_eq!(
        refused.to_string(),
        "--scaleway.product=apple-silicon is served in none of the zones given with --scaleway.zone; its zones are fr-par-1, fr-par-3"
    );
}

/// A failed zone's warning says how many servers it keeps serving, whatever its product: the
/// count once read 0 for every product but Instances.
#[tokio::test]
async fn a_failed_zone_of_any_product_logs_how_many_servers_it_keeps() {
    let api = api_with_products(4).await;
    let exporter = exporter_of(&api, &["fr-par-1"], &OTHERS).await;
    exporter.poller.poll_once().await;
    for (product, sim, _) in PRODUCTS {
        api.simulator.set_product_forbidden(sim, true);
        let (logs, guard) = CapturedLogs::start();
        exporter.poller.poll_once().await;
        drop(guard);
        api.simulator.set_product_forbidden(sim, false);
        let line = logs
            .lines()
            .into_iter()
            .find(|line| line.contains(&format!("product=\"{product}\"")))
            .unwrap_or_else(|| panic!("{product}: no line in {:?}", logs.lines()));
        assert!(
            line.contains("serving the servers of its last successful poll")
                && line.contains("kept_servers=4"),
            "{line}"
        );
    }
}

/// The simulator keeps its own list of each product's zones and statuses (a fake never shares
/// facts with the code it tests): the two agree zone for zone and state for state, so the
/// demo and the tests show every state the exporter names, and nothing it does not.
#[test]
fn the_simulator_and_the_exporter_agree_on_each_products_zones_and_states() {
    for (product, sim) in Product::ALL.into_iter().zip(SimProduct::ALL) {
        assert_eq!(product.label(), sim.label());
        match sim.served_zones() {
            Some(zones) => assert_eq!(zones, product.zones(), "{product}"),
            None => assert!(product.zones().iter().all(|z| sim.serves(z)), "{product}"),
        }
        let mut simulated: Vec<State> = sim
            .statuses()
            .iter()
            .map(|status| State::from_api(product, Some(status)))
            .collect();
        simulated.push(State::unknown(product));
        for state in product.states() {
            assert!(
                simulated.contains(state),
                "{product}: {state} never simulated"
            );
        }
        for state in &simulated {
            assert!(product.states().contains(state), "{product}: {state}");
        }
        let named = sim
            .statuses()
            .iter()
            .filter(|status| State::from_api(product, Some(status)) != State::unknown(product))
            .count();
        assert_eq!(
            named + 1,
            product.states().len(),
            "{product}: one status each"
        );
    }
}
