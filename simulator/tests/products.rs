//! Elastic Metal, Apple silicon and Dedibox over real TCP on port 0: paging with the total in
//! the body, the gateway's 501 for a zone a product does not serve, IAM's 403 for a forbidden
//! product, actions that move states, secrets where the real API puts them, and bodies with
//! the keys of the real ones.

mod common;

use std::collections::BTreeSet;
use std::path::PathBuf;

use common::*;
use scaleway_simulator::{
    Product, ProductCounts, SimulatorConfig, SECRET_MARKER, SECRET_MARKER_BASE64,
};
use serde_json::Value;

const FORBIDDEN: &str = r#"{"details":[{"action":"read","resource":"server"}],"message":"insufficient permissions","type":"permissions_denied"}"#;

async fn start_products(zones: &[&str], per_zone: usize) -> Running {
    start_with(SimulatorConfig {
        zones: zones.iter().map(|z| (*z).to_owned()).collect(),
        servers_per_zone: 1,
        token: TOKEN.to_owned(),
        transition: TRANSITION,
        products: ProductCounts::all(per_zone),
        ..SimulatorConfig::default()
    })
    .await
}

fn servers_path(product: Product, zone: &str) -> String {
    format!("{}/zones/{zone}/servers", product.api_path())
}

/// The first page of 100 of a product's servers in `zone`, as JSON.
async fn first_page(addr: std::net::SocketAddr, product: Product, zone: &str) -> Value {
    let path = format!("{}?page_size=100", servers_path(product, zone));
    get(addr, &path).await.json()
}

const PRODUCTS: [Product; 3] = [
    Product::ElasticMetal,
    Product::AppleSilicon,
    Product::Dedibox,
];

#[tokio::test]
async fn a_zone_of_150_servers_comes_in_two_pages_of_100_with_the_total_in_the_body() {
    let s = start_products(&["fr-par-1"], 150).await;
    for product in PRODUCTS {
        let mut seen = Vec::new();
        for page in 1..=3 {
            let path = format!(
                "{}?page={page}&page_size=100",
                servers_path(product, "fr-par-1")
            );
            let r = get(s.addr, &path).await;
            assert_eq!(r.status, 200, "{product}: {}", r.text());
            assert_eq!(r.header("x-total-count"), None);
            assert_eq!(r.header("link"), None);
            assert!(r.text().starts_with("{\"total_count\":150,\"servers\":["));
            let body = r.json();
            let servers = body["servers"].as_array().unwrap();
            assert_eq!(
                servers.len(),
                [100, 50, 0][page - 1],
                "{product} page {page}"
            );
            seen.extend(servers.iter().map(|s| s["id"].to_string()));
        }
        let unique: BTreeSet<&String> = seen.iter().collect();
        assert_eq!(unique.len(), 150, "{product}: every server exactly once");
        let expected: Vec<String> = s.sim.product_server_ids(product, "fr-par-1");
        let seen_plain: Vec<String> = seen
            .iter()
            .map(|v| v.trim_matches('"').to_owned())
            .collect();
        assert_eq!(seen_plain, expected, "{product}: oldest first");
    }
}

#[tokio::test]
async fn an_inserted_zone_of_150_servers_pages_the_same_way() {
    let s = start_products(&["fr-par-1"], 0).await;
    for n in 0..150 {
        s.sim.insert_product_server(
            Product::ElasticMetal,
            "nl-ams-2",
            serde_json::json!({"id": format!("00000000-0000-4000-8000-{n:012}"), "name": format!("bm-{n}"), "status": "ready"}),
        );
    }
    let first = first_page(s.addr, Product::ElasticMetal, "nl-ams-2").await;
    let second = get(
        s.addr,
        &format!(
            "{}?page=2&page_size=100",
            servers_path(Product::ElasticMetal, "nl-ams-2")
        ),
    )
    .await
    .json();
    assert_eq!(first["total_count"], 150);
    assert_eq!(first["servers"].as_array().unwrap().len(), 100);
    assert_eq!(second["servers"].as_array().unwrap().len(), 50);
    assert_eq!(second["servers"][49]["name"], "bm-149");
}

#[tokio::test]
async fn a_zone_a_product_does_not_serve_answers_the_gateways_501() {
    let s = start_products(&["fr-par-1", "pl-waw-1"], 3).await;
    for (product, zone) in [
        (Product::ElasticMetal, "pl-waw-1"),
        (Product::ElasticMetal, "fr-par-3"),
        (Product::AppleSilicon, "fr-par-2"),
        (Product::AppleSilicon, "nl-ams-1"),
        (Product::Dedibox, "nl-ams-2"),
        (Product::Dedibox, "pl-waw-2"),
    ] {
        for path in [
            servers_path(product, zone),
            format!("{}/some-id", servers_path(product, zone)),
        ] {
            let r = get(s.addr, &path).await;
            assert_eq!(r.status, 501, "{path}");
            assert_eq!(r.text(), r#"{"message":"unknown service"}"#);
            assert_eq!(r.header("content-type"), Some("application/json"));
        }
    }
    // A served zone without generated servers is an empty list, not an error.
    let r = get(s.addr, &servers_path(Product::AppleSilicon, "fr-par-3")).await;
    assert_eq!(r.status, 200);
    assert_eq!(r.text(), r#"{"total_count":0,"servers":[]}"#);
}

#[tokio::test]
async fn a_wrong_key_or_a_malformed_zone_is_refused_before_anything_else() {
    let s = start_products(&["fr-par-1"], 2).await;
    for product in PRODUCTS {
        for token in [Some("wrong"), None] {
            let r = request(
                s.addr,
                "GET",
                &servers_path(product, "fr-par-1"),
                token,
                None,
            )
            .await;
            assert_eq!(r.status, 401);
            assert_eq!(r.text(), DENIED);
        }
        let r = request(
            s.addr,
            "POST",
            &format!("{}/1/reboot", servers_path(product, "fr-par-1")),
            Some("wrong"),
            Some("{}"),
        )
        .await;
        assert_eq!(r.status, 401);
        let r = get(s.addr, &servers_path(product, "PAR1")).await;
        assert_eq!(r.status, 400);
        assert_eq!(r.json()["type"], "invalid_arguments");
        let r = get(
            s.addr,
            &format!("{}?page_size=101", servers_path(product, "fr-par-1")),
        )
        .await;
        assert_eq!(r.status, 400);
    }
}

#[tokio::test]
async fn a_forbidden_product_answers_iams_403_on_every_endpoint_and_only_that_product() {
    let s = start_products(&["fr-par-1"], 2).await;
    for product in Product::ALL {
        s.sim.set_product_forbidden(product, true);
        let id = s.sim.product_server_ids(product, "fr-par-1")[0].clone();
        let base = servers_path(product, "fr-par-1");
        let action = if product == Product::Instance {
            format!("{base}/{id}/action")
        } else {
            format!("{base}/{id}/reboot")
        };
        for r in [
            get(s.addr, &base).await,
            get(s.addr, &format!("{base}/{id}")).await,
            post(s.addr, &action, r#"{"action":"reboot"}"#).await,
        ] {
            assert_eq!(r.status, 403, "{product}");
            assert_eq!(r.text(), FORBIDDEN);
        }
        for other in Product::ALL.into_iter().filter(|p| *p != product) {
            let r = get(s.addr, &servers_path(other, "fr-par-1")).await;
            assert_eq!(r.status, 200, "{other} while {product} is forbidden");
        }
        s.sim.set_product_forbidden(product, false);
        assert_eq!(get(s.addr, &base).await.status, 200);
    }
}

#[tokio::test]
async fn get_one_is_the_bare_object_and_a_missing_server_the_products_own_answer() {
    let s = start_products(&["fr-par-1"], 3).await;
    for product in PRODUCTS {
        let id = s.sim.product_server_ids(product, "fr-par-1")[1].clone();
        let r = get(
            s.addr,
            &format!("{}/{id}", servers_path(product, "fr-par-1")),
        )
        .await;
        assert_eq!(r.status, 200);
        let body = r.json();
        assert_eq!(body["id"].to_string().trim_matches('"'), id, "{product}");
        assert_eq!(body["zone"], "fr-par-1");
        assert!(body.get("server").is_none());
        assert!(
            !r.text().contains(": ") && !r.text().contains(", "),
            "compact"
        );
    }
    let missing = |product| format!("{}/424242", servers_path(product, "fr-par-1"));
    let r = get(s.addr, &missing(Product::AppleSilicon)).await;
    assert_eq!((r.status, r.text()), (403, FORBIDDEN));
    for product in [Product::ElasticMetal, Product::Dedibox] {
        let r = get(s.addr, &missing(product)).await;
        assert_eq!(r.status, 404);
        assert_eq!(r.json()["type"], "not_found");
        assert_eq!(r.json()["resource_id"], "424242");
    }
}

/// The first server of `product` in `zone` whose state is `state`.
fn first_in(s: &Running, product: Product, zone: &str, state: &str) -> String {
    s.sim
        .product_server_ids(product, zone)
        .into_iter()
        .find(|id| s.sim.product_server_state(product, zone, id).as_deref() == Some(state))
        .unwrap_or_else(|| panic!("no {state} {product} server"))
}

/// Each product's actions over HTTP: the state they take, the state the server shows during
/// the transition and after it, and the status they answer (Dedibox: 204, no body).
#[rustfmt::skip]
const ACTIONS: [(Product, &str, &str, &str, &str, u16); 8] = [
    (Product::ElasticMetal, "stop", "ready", "stopping", "stopped", 200),
    (Product::ElasticMetal, "start", "stopped", "starting", "ready", 200),
    (Product::ElasticMetal, "reboot", "ready", "stopping", "ready", 200),
    (Product::AppleSilicon, "reboot", "ready", "rebooting", "ready", 200),
    (Product::AppleSilicon, "reinstall", "ready", "reinstalling", "ready", 200),
    (Product::Dedibox, "stop", "ready", "busy", "stopped", 204),
    (Product::Dedibox, "start", "stopped", "busy", "ready", 204),
    (Product::Dedibox, "reboot", "ready", "busy", "ready", 204),
];

#[tokio::test]
async fn actions_over_http_move_states_until_the_clock_ends_them() {
    let s = start_products(&["fr-par-1"], 40).await;
    s.sim.advance_clock(TRANSITION);
    for (product, action, from, during, after, status) in ACTIONS {
        let id = first_in(&s, product, "fr-par-1", from);
        let path = format!("{}/{id}/{action}", servers_path(product, "fr-par-1"));
        let r = post(s.addr, &path, "{}").await;
        assert_eq!(r.status, status, "{product} {action}: {}", r.text());
        if status == 200 {
            assert_eq!(
                r.json()["status"],
                during,
                "{product} {action} answers the server"
            );
        } else {
            assert!(r.body.is_empty());
        }
        let state = || s.sim.product_server_state(product, "fr-par-1", &id);
        assert_eq!(state().as_deref(), Some(during));
        let again = post(s.addr, &path, "{}").await;
        assert_eq!(again.status, 409, "{product} {action} twice");
        assert_eq!(again.json()["type"], "transient_state");
        s.sim.advance_clock(TRANSITION);
        assert_eq!(state().as_deref(), Some(after), "{product} {action}");
        assert_eq!(listed_status(&s, product, &id).await, after);
    }
}

/// The `status` the list shows for server `id` of fr-par-1.
async fn listed_status(s: &Running, product: Product, id: &str) -> Value {
    let listed = get(
        s.addr,
        &format!("{}?page_size=100", servers_path(product, "fr-par-1")),
    )
    .await
    .json();
    listed["servers"]
        .as_array()
        .unwrap()
        .iter()
        .find(|v| v["id"].to_string().trim_matches('"') == id)
        .map(|v| v["status"].clone())
        .unwrap()
}

#[tokio::test]
async fn an_action_the_product_lacks_is_not_found() {
    let s = start_products(&["fr-par-1"], 1).await;
    let r = post(
        s.addr,
        &format!(
            "{}/x/reinstall",
            servers_path(Product::ElasticMetal, "fr-par-1")
        ),
        "{}",
    )
    .await;
    assert_eq!(r.status, 404, "Elastic Metal has no reinstall");
}

#[tokio::test]
async fn apple_silicon_bodies_carry_their_secrets_and_elastic_metal_some_user_data() {
    let s = start_products(&["fr-par-1"], 40).await;
    let list = first_page(s.addr, Product::AppleSilicon, "fr-par-1").await;
    let servers = list["servers"].as_array().unwrap();
    let mut runners = 0;
    for server in servers {
        let password = server["sudo_password"].as_str().unwrap();
        assert!(password.contains(SECRET_MARKER));
        assert_eq!(server["ssh_username"], "m1");
        let ip = server["ip"].as_str().unwrap();
        assert_eq!(
            server["vnc_url"].as_str().unwrap(),
            format!("vnc://m1:{password}@{ip}:59010")
        );
        if let Some(token) = server["runner_configuration"]["token"].as_str() {
            assert!(token.contains(SECRET_MARKER));
            runners += 1;
        }
    }
    assert!(
        runners > 0 && runners < servers.len(),
        "a runner token on some servers"
    );
    let em = first_page(s.addr, Product::ElasticMetal, "fr-par-1").await;
    let user_data: Vec<&str> = em["servers"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|s| s["user_data"].as_str())
        .collect();
    assert!(!user_data.is_empty());
    assert!(user_data.iter().all(|u| u.contains(SECRET_MARKER_BASE64)));
    assert!(em["servers"]
        .as_array()
        .unwrap()
        .iter()
        .all(|s| s["rescue_server"].is_null()));
    let dedibox = get(s.addr, &servers_path(Product::Dedibox, "fr-par-1")).await;
    assert!(!dedibox.text().contains(SECRET_MARKER));
}

#[tokio::test]
async fn elastic_metal_ips_come_in_either_order_and_dedibox_versions_are_lower_case() {
    let s = start_products(&["fr-par-1"], 60).await;
    let em = first_page(s.addr, Product::ElasticMetal, "fr-par-1").await;
    let firsts: BTreeSet<String> = em["servers"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|s| s["ips"][0]["version"].as_str().map(str::to_owned))
        .collect();
    assert_eq!(
        firsts,
        BTreeSet::from(["IPv4".to_owned(), "IPv6".to_owned()])
    );
    let db = first_page(s.addr, Product::Dedibox, "fr-par-1").await;
    let versions: BTreeSet<String> = db["servers"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|s| s["interfaces"].as_array().unwrap().clone())
        .flat_map(|i| i["ips"].as_array().unwrap().clone())
        .map(|ip| ip["version"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(
        versions,
        BTreeSet::from(["ipv4".to_owned(), "ipv6".to_owned()])
    );
    assert!(db["servers"][0]["id"].is_u64());
    assert!(
        db["servers"][0].get("tags").is_none(),
        "no tags in a Dedibox list item"
    );
}

// ------------------------------------------------------------------------------------------
// The generated bodies against the real ones
// ------------------------------------------------------------------------------------------

/// The recorded bodies of one product, or `None` (with a note) when the corpus is absent.
fn corpus_bodies(folder: &str) -> Option<Vec<Value>> {
    let dir = std::env::var_os("SCALEWAY_API_CORPUS")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from("../../shared/scaleway-api-corpus"));
    let Ok(entries) = std::fs::read_dir(dir.join(folder)) else {
        println!(
            "note: no API corpus at {}: shape check skipped",
            dir.display()
        );
        return None;
    };
    let mut bodies = Vec::new();
    for entry in entries.flatten() {
        let text = std::fs::read_to_string(entry.path()).ok()?;
        let body: Value = serde_json::from_str(&text).ok()?;
        match body.get("servers") {
            Some(Value::Array(list)) => bodies.extend(list.iter().cloned()),
            _ => bodies.push(body),
        }
    }
    Some(bodies)
}

/// Every key path of a body: `ips[].address`, `install.partitioning_schema.disks[].device`.
fn key_paths(value: &Value, prefix: &str, out: &mut BTreeSet<String>) {
    match value {
        Value::Object(map) => {
            for (key, v) in map {
                let path = if prefix.is_empty() {
                    key.clone()
                } else {
                    format!("{prefix}.{key}")
                };
                out.insert(path.clone());
                key_paths(v, &path, out);
            }
        }
        Value::Array(items) => {
            for v in items {
                key_paths(v, &format!("{prefix}[]"), out);
            }
        }
        _ => {}
    }
}

fn top_keys(body: &Value) -> Vec<String> {
    body.as_object().unwrap().keys().cloned().collect()
}

async fn generated_bodies(s: &Running, product: Product) -> Vec<Value> {
    let list = get(
        s.addr,
        &format!("{}?page_size=100", servers_path(product, "fr-par-1")),
    )
    .await
    .json();
    list["servers"].as_array().unwrap().clone()
}

#[tokio::test]
async fn generated_elastic_metal_bodies_have_the_keys_of_the_real_ones_in_their_order() {
    let Some(real) = corpus_bodies("elastic-metal") else {
        return;
    };
    let s = start_products(&["fr-par-1"], 80).await;
    let generated = generated_bodies(&s, Product::ElasticMetal).await;
    let (mut real_paths, mut generated_paths) = (BTreeSet::new(), BTreeSet::new());
    real.iter().for_each(|b| key_paths(b, "", &mut real_paths));
    generated
        .iter()
        .for_each(|b| key_paths(b, "", &mut generated_paths));
    assert_eq!(generated_paths, real_paths);
    // The newest recorded shape has every top-level key; serde_json sorts keys, so the order
    // is checked on the raw text.
    let newest = real
        .iter()
        .max_by_key(|b| b.as_object().unwrap().len())
        .unwrap();
    let raw = get(s.addr, &servers_path(Product::ElasticMetal, "fr-par-1")).await;
    let first = raw.text();
    assert_eq!(
        RECORDED_ORDER
            .iter()
            .map(|k| (*k).to_owned())
            .collect::<BTreeSet<_>>(),
        top_keys(newest).into_iter().collect::<BTreeSet<_>>()
    );
    let mut at = 0;
    for key in RECORDED_ORDER {
        let needle = format!("\"{key}\":");
        let found = first[at..]
            .find(&needle)
            .unwrap_or_else(|| panic!("{key} out of order"));
        at += found + needle.len();
    }
    for body in &generated {
        assert_eq!(
            top_keys(body).into_iter().collect::<BTreeSet<_>>(),
            top_keys(newest).into_iter().collect::<BTreeSet<_>>()
        );
    }
}

/// The key order of the recorded Elastic Metal bodies.
const RECORDED_ORDER: [&str; 21] = [
    "id",
    "organization_id",
    "name",
    "description",
    "updated_at",
    "created_at",
    "status",
    "offer_id",
    "install",
    "tags",
    "ips",
    "domain",
    "boot_type",
    "ping_status",
    "project_id",
    "options",
    "offer_name",
    "rescue_server",
    "protected",
    "user_data",
    "zone",
];

#[tokio::test]
async fn generated_apple_silicon_bodies_have_the_keys_of_the_2026_body() {
    let Some(real) = corpus_bodies("apple-silicon") else {
        return;
    };
    let s = start_products(&["fr-par-1"], 40).await;
    let newest = real
        .iter()
        .max_by_key(|b| b.as_object().unwrap().len())
        .unwrap();
    let mut real_paths = BTreeSet::new();
    real.iter().for_each(|b| key_paths(b, "", &mut real_paths));
    // Null in every recording, filled here: the SDK's `RunnerConfiguration`.
    for key in ["name", "url", "token", "provider"] {
        real_paths.insert(format!("runner_configuration.{key}"));
    }
    let mut generated_paths = BTreeSet::new();
    for body in generated_bodies(&s, Product::AppleSilicon).await {
        assert_eq!(
            top_keys(&body).into_iter().collect::<BTreeSet<_>>(),
            top_keys(newest).into_iter().collect::<BTreeSet<_>>()
        );
        key_paths(&body, "", &mut generated_paths);
    }
    assert_eq!(generated_paths, real_paths);
}
