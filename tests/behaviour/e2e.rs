//! End to end: the shipped alert rules and dashboards, run by a real Prometheus and Alertmanager
//! against the real exporter binary polling the simulator.
//!
//! The simulator runs in this process; the exporter, Prometheus and Alertmanager are child
//! processes on loopback ports, and Alertmanager's webhook receiver is a small HTTP server in
//! this process. Prometheus scrapes every second and loads the shipped rule files with every
//! `for:` cut to a few seconds (the expressions as shipped), so an alert goes from a server
//! powered off to a notification in about ten seconds.
//!
//! Every child is killed when the test ends, pass or fail; their output goes to files that are
//! printed when it fails. Every wait is bounded.

use std::collections::BTreeMap;
use std::future::Future;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::post;
use axum::{Json, Router};
use scaleway_simulator::{Product, ProductAction, ProductCounts, Resource, Simulator};
use serde_json::{json, Value};
use tempfile::TempDir;

use crate::common::child_log::address_in_log;
use crate::common::monitoring::{
    all_panels, dashboards, read, rule_files, targets, variable_query,
};
use crate::common::{serve_simulator, simulator_config, start_simulator, TestApi};

const EXPORTER: &str = env!("CARGO_BIN_EXE_scaleway_exporter");
const PROMETHEUS: &str = "/usr/bin/prometheus";
const ALERTMANAGER: &str = "/usr/bin/prometheus-alertmanager";

const ZONES: [&str; 2] = ["fr-par-1", "nl-ams-1"];
/// Enough servers for every kind of series the dashboards show, and for a running server
/// tagged `alerting=off` (the seed of `simulator_config` is fixed, so the fleet is too).
const SERVERS_PER_ZONE: usize = 40;
/// Elastic Metal, Apple silicon and Dedibox servers in each zone of [`ZONES`] they serve: every
/// product has servers for the dashboards, and Elastic Metal a ready one to stop.
const PRODUCT_SERVERS_PER_ZONE: usize = 4;
/// The job name the shipped rules select.
const JOB: &str = "scaleway";
/// Prometheus's scrape and rule evaluation interval, and the exporter's poll interval.
const SCRAPE_INTERVAL: Duration = Duration::from_secs(1);
/// What every `for:` of the shipped rules longer than this is cut to.
const SHORT_FOR: Duration = Duration::from_secs(5);
/// The longest any one step may take before the test fails.
const WAIT: Duration = Duration::from_secs(60);
const POLL: Duration = Duration::from_millis(250);
/// Where every child listens: a port the system picks when the child binds, which the child
/// then logs (a port picked here and handed over could be taken by another test first).
const ANY_PORT: &str = "127.0.0.1:0";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs prometheus and prometheus-alertmanager (Debian packages)"]
async fn alerts_for_a_stopped_instance_and_elastic_metal_server_reach_the_receiver_and_resolve_and_every_dashboard_query_returns_data(
) {
    let started = Instant::now();
    let mut stack = Processes::new();
    let http = reqwest::Client::new();

    let mut simulated = simulator_config(&ZONES, SERVERS_PER_ZONE);
    simulated.products = ProductCounts::all(PRODUCT_SERVERS_PER_ZONE);
    let api = start_simulator(simulated).await;
    let (zone, server_id) = a_running_server(&api, false)
        .expect("the simulated fleet has a running server without alerting=off");
    let (metal_zone, metal_id) = a_ready_elastic_metal_server(&api).expect(
        "the simulated fleet has a ready Elastic Metal server without alerting=off; change PRODUCT_SERVERS_PER_ZONE",
    );
    let (exempt_zone, exempt_id) = a_running_server(&api, true).expect(
        "the simulated fleet has a running server tagged alerting=off; change SERVERS_PER_ZONE",
    );
    let inbox = start_receiver().await;

    let exporter = stack.start_exporter(&api).await;
    let alertmanager = stack.start_alertmanager(&inbox.url).await;
    let prometheus = stack.start_prometheus(&exporter, Some(&alertmanager)).await;
    for ready in [
        format!("{exporter}/readyz"),
        format!("{alertmanager}/-/ready"),
        format!("{prometheus}/-/ready"),
    ] {
        stack
            .eventually(&format!("{ready} to answer 200"), || get_ok(&http, &ready))
            .await;
    }
    let scraping = Instant::now();
    let shipped = shipped_alert_names(None);
    stack
        .eventually("Prometheus to load the shipped alerting rules", || {
            loaded_alert_names(&http, &prometheus, &shipped)
        })
        .await;
    let running = format!(
        r#"scaleway_server_state{{job="{JOB}", server_id="{server_id}", state="running"}} == 1"#
    );
    stack
        .eventually("Prometheus to scrape the server as running", || {
            instant_query(&http, &prometheus, &running)
        })
        .await;
    // The key reads every product, so the exporter polls them all and leaves none out: the
    // silence of ScalewayExporterProductDisabled below is then the rule's doing.
    let every_product_polled = format!(
        r#"count(scaleway_exporter_product_enabled{{job="{JOB}"}} == 1) == {}"#,
        Product::ALL.len()
    );
    stack
        .eventually("the exporter to poll every product", || {
            instant_query(&http, &prometheus, &every_product_polled)
        })
        .await;
    let metal_ready = format!(
        r#"scaleway_elastic_metal_server_state{{job="{JOB}", server_id="{metal_id}", state="ready"}} == 1"#
    );
    stack
        .eventually(
            "Prometheus to scrape the Elastic Metal server as ready",
            || instant_query(&http, &prometheus, &metal_ready),
        )
        .await;

    // Off: the server's alert fires. The exempt server goes off too, and must stay silent.
    api.act(&zone, &server_id, "poweroff").await;
    api.act(&exempt_zone, &exempt_id, "poweroff").await;
    api.simulator
        .apply_product_action(
            Product::ElasticMetal,
            &metal_zone,
            &metal_id,
            ProductAction::Stop,
        )
        .expect("a ready Elastic Metal server stops");
    api.finish_transitions();
    let powered_off = Instant::now();
    let firing = stack
        .eventually(
            "a firing ScalewayServerNotRunning for the stopped server",
            || inbox.find(NOT_RUNNING, &server_id, "firing"),
        )
        .await;
    let fired_after = powered_off.elapsed();
    assert_eq!(firing["labels"]["zone"], zone.as_str(), "{firing:#}");
    assert_eq!(firing["labels"]["job"], JOB, "{firing:#}");
    assert_eq!(firing["labels"]["severity"], "critical", "{firing:#}");
    assert!(
        firing["labels"]["name"]
            .as_str()
            .is_some_and(|name| !name.is_empty()),
        "{firing:#}"
    );
    assert!(
        firing["labels"].get("state").is_none(),
        "the state label is emptied so the alert survives state changes: {firing:#}"
    );
    for annotation in ["summary", "description", "runbook_url"] {
        assert!(
            firing["annotations"][annotation]
                .as_str()
                .is_some_and(|text| !text.trim().is_empty()),
            "no {annotation}: {firing:#}"
        );
    }
    let description = firing["annotations"]["description"].as_str().unwrap();
    for part in [server_id.as_str(), zone.as_str(), r#"state is "stopped""#] {
        assert!(
            description.contains(part),
            "the description should name {part:?}: {description}"
        );
    }

    // The Elastic Metal server's own alert, with its product's labels and state.
    let metal_firing = stack
        .eventually(
            "a firing ScalewayElasticMetalServerNotReady for the stopped server",
            || inbox.find(METAL_NOT_READY, &metal_id, "firing"),
        )
        .await;
    assert_eq!(
        metal_firing["labels"]["zone"],
        metal_zone.as_str(),
        "{metal_firing:#}"
    );
    assert_eq!(metal_firing["labels"]["job"], JOB, "{metal_firing:#}");
    assert_eq!(
        metal_firing["labels"]["severity"], "critical",
        "{metal_firing:#}"
    );
    let metal_name = api
        .simulator
        .product_server_json(Product::ElasticMetal, &metal_zone, &metal_id)
        .and_then(|server| server["name"].as_str().map(str::to_owned))
        .expect("the Elastic Metal server has a name");
    assert_eq!(
        metal_firing["labels"]["name"],
        metal_name.as_str(),
        "{metal_firing:#}"
    );
    assert!(
        metal_firing["labels"].get("state").is_none(),
        "the state label is emptied so the alert survives state changes: {metal_firing:#}"
    );
    let metal_description = metal_firing["annotations"]["description"]
        .as_str()
        .unwrap_or_default();
    for part in [
        metal_id.as_str(),
        metal_zone.as_str(),
        r#"state is "stopped""#,
    ] {
        assert!(
            metal_description.contains(part),
            "the description should name {part:?}: {metal_firing:#}"
        );
    }
    assert!(
        metal_firing["annotations"]["runbook_url"]
            .as_str()
            .is_some_and(|url| url.ends_with("#scalewayelasticmetalservernotready")),
        "{metal_firing:#}"
    );

    // On again: the resolved notifications arrive.
    api.act(&zone, &server_id, "poweron").await;
    api.simulator
        .apply_product_action(
            Product::ElasticMetal,
            &metal_zone,
            &metal_id,
            ProductAction::Start,
        )
        .expect("a stopped Elastic Metal server starts");
    api.finish_transitions();
    let powered_on = Instant::now();
    stack
        .eventually("a resolved ScalewayServerNotRunning for the server", || {
            inbox.find(NOT_RUNNING, &server_id, "resolved")
        })
        .await;
    let resolved_after = powered_on.elapsed();
    stack
        .eventually(
            "a resolved ScalewayElasticMetalServerNotReady for the server",
            || inbox.find(METAL_NOT_READY, &metal_id, "resolved"),
        )
        .await;
    // The exempt server was seen not running as long as the other one, so its silence is the
    // exemption's doing.
    let exempt_stopped = format!(
        r#"scaleway_server_state{{job="{JOB}", server_id="{exempt_id}", state="running"}} == 0"#
    );
    stack
        .eventually("Prometheus to see the exempt server not running", || {
            instant_query(&http, &prometheus, &exempt_stopped)
        })
        .await;
    let exempt_alerts = inbox.about(NOT_RUNNING, &exempt_id);
    assert!(
        exempt_alerts.is_empty(),
        "the server tagged alerting=off, off for {:?} now, was alerted on: {exempt_alerts:#?}",
        powered_off.elapsed()
    );

    // The exporter was healthy throughout: none of its own alerts may have left Prometheus.
    // (The fleet's leftovers raise theirs: they are not the exporter's.)
    let exporter_alerts = inbox.named(&shipped_alert_names(Some("scaleway-exporter")));
    assert!(
        exporter_alerts.is_empty(),
        "alerts about a healthy exporter: {exporter_alerts:#?}"
    );

    // Every query of every dashboard, its variables filled in as Grafana would.
    // The range covers the scrapes so far, whole seconds, as in a dashboard set to
    // "last N seconds": every rate has several samples by now.
    let range = Duration::from_secs(scraping.elapsed().as_secs());
    let queries = run_every_dashboard_query(&http, &prometheus, range).await;

    eprintln!(
        "e2e: alert notified {fired_after:.1?} after the poweroff (`for:` {SHORT_FOR:?}), \
         resolved {resolved_after:.1?} after the poweron, {queries} dashboard queries \
         answered with data; {:.1?} in all",
        started.elapsed()
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs prometheus (Debian package)"]
async fn the_cost_panels_price_a_fixed_fleet_of_every_product_at_the_simulators_own_prices() {
    let mut stack = Processes::new();
    let http = reqwest::Client::new();
    let mut config = simulator_config(&ZONES, 0);
    config.products = PRICED_PRODUCTS;
    let api = serve_simulator(Simulator::new_at(config, middle_of_this_hour())).await;
    insert_priced_instances(&api);
    let want = Expected::of(&http, &api).await;
    for product in PRICED {
        assert!(
            want.priced.iter().any(|p| p.product == product),
            "the fixed fleet has nothing of {product} priced; change PRICED_PRODUCTS"
        );
    }

    let exporter = stack.start_exporter(&api).await;
    let prometheus = stack.start_prometheus(&exporter, None).await;
    for ready in [
        format!("{exporter}/readyz"),
        format!("{prometheus}/-/ready"),
    ] {
        stack
            .eventually(&format!("{ready} to answer 200"), || get_ok(&http, &ready))
            .await;
    }
    let panels = CostPanels { http, prometheus };
    check_the_estimate(&mut stack, &panels, &want).await;
    check_what_is_left_behind(&panels, &want).await;
    check_the_bill(&mut stack, &panels, &want).await;
    check_the_leftover_alerts(&mut stack, &panels, &want).await;
}

/// Elastic Metal, Apple silicon and Dedibox servers of the fixed fleet, in each zone of
/// [`ZONES`]: enough for Elastic Metal servers billed by the hour, by the month, and not yet
/// delivered (the seed is fixed, so the fleet is too).
const PRICED_PRODUCTS: ProductCounts = ProductCounts {
    elastic_metal: 6,
    apple_silicon: 2,
    dedibox: 3,
};

/// The `product` of the cost dashboard's sums, as its queries name them.
const PRICED: [&str; 5] = [
    "Instances",
    "Elastic Metal",
    "Dedibox",
    "Block Storage volumes",
    "Block Storage snapshots",
];

/// Now, with its minutes set to 30: the simulator's bill counts whole hours since the 1st of
/// the month, so a simulator started there keeps its bill for the half hour a test may take.
fn middle_of_this_hour() -> std::time::SystemTime {
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs();
    std::time::UNIX_EPOCH + Duration::from_secs(now / 3600 * 3600 + 1800)
}

/// Instance servers of known types, states and projects: two projects the Account API lists,
/// with different names, and one it does not list (the key may not read it), shown by its id.
/// One runs on a Block volume of its own, which the estimate counts once, as a Block volume.
fn insert_priced_instances(api: &TestApi) {
    let listed: Vec<(String, String)> = {
        let mut seen: Vec<(String, String, String)> = Vec::new();
        for project in api.simulator.project_names() {
            if !seen.iter().any(|(_, _, name)| *name == project.2) {
                seen.push(project);
            }
        }
        seen.into_iter().take(2).map(|(o, p, _)| (o, p)).collect()
    };
    assert_eq!(listed.len(), 2, "two projects with distinct names");
    let unlisted = (
        "0b5e7a11-0000-4000-8000-00000000beef",
        "0b5e7a11-0000-4000-8000-00000000beef",
    );
    let (a, b) = (&listed[0], &listed[1]);
    // (zone, commercial type, state, (organization, project))
    let fleet = [
        (
            "fr-par-1",
            "DEV1-S",
            "running",
            (a.0.as_str(), a.1.as_str()),
        ),
        (
            "fr-par-1",
            "PRO2-XS",
            "running",
            (b.0.as_str(), b.1.as_str()),
        ),
        ("fr-par-1", "GP1-S", "stopped", (a.0.as_str(), a.1.as_str())),
        (
            "nl-ams-1",
            "PLAY2-NANO",
            "running",
            (b.0.as_str(), b.1.as_str()),
        ),
        (
            "nl-ams-1",
            "L4-1-24G",
            "stopped",
            (b.0.as_str(), b.1.as_str()),
        ),
        ("nl-ams-1", "DEV1-M", "running", (a.0.as_str(), unlisted.1)),
        (
            "fr-par-1",
            "DEV1-L",
            "running",
            (a.0.as_str(), a.1.as_str()),
        ),
    ];
    for (n, (zone, commercial_type, state, (organization, project))) in fleet.iter().enumerate() {
        let on_block = n + 1 == fleet.len();
        let volume = format!("b10c0000-0000-4000-8000-{n:012}");
        api.simulator.insert_server(
            zone,
            json!({
                "id": format!("c0575e7e-0000-4000-8000-{n:012}"),
                "name": format!("priced-{n}"),
                "state": state,
                "commercial_type": commercial_type,
                "organization": organization,
                "project": project,
                "volumes": if on_block {
                    json!({"0": {"id": volume, "boot": true, "volume_type": "sbs_volume"}})
                } else {
                    json!({})
                },
            }),
        );
        if on_block {
            api.simulator.insert_block_volume(
                zone,
                json!({"id": volume, "name": "priced-root", "type": "sbs_15k",
                    "size": 40_000_000_000u64, "project_id": project, "status": "in_use",
                    "created_at": "2026-01-02T03:04:05Z", "zone": zone,
                    "references": [{"product_resource_type": "instance_server",
                        "product_resource_id": format!("c0575e7e-0000-4000-8000-{n:012}"),
                        "type": "exclusive", "status": "attached"}]}),
            );
        }
    }
}

// ---------------------------------------------------------------------------------------------
// What the cost dashboard must show, from what the simulator serves
// ---------------------------------------------------------------------------------------------

/// One thing the fleet pays for, at the simulator's own price.
struct Priced {
    /// The `product` of the dashboard's sums ([`PRICED`]).
    product: &'static str,
    zone: String,
    project: String,
    /// Euros an hour.
    hourly: f64,
}

/// A volume or a snapshot the dashboard lists under "Left behind".
struct Leftover {
    /// What its age is counted from, in Unix seconds: its last detach, or its creation.
    since: f64,
    /// Euros a month, when a price covers it.
    monthly: Option<f64>,
    /// A snapshot an image is made of.
    in_use: bool,
}

/// What the cost dashboard must answer for the fleet the simulator serves, computed here from
/// the simulator's own lists and prices (money as units and nanos, sizes in bytes).
#[derive(Default)]
struct Expected {
    priced: Vec<Priced>,
    /// Volumes attached to no server, by id.
    unattached_volumes: BTreeMap<String, Leftover>,
    snapshots: BTreeMap<String, Leftover>,
    /// IPs pointing at no server, by id.
    unattached_ips: Vec<String>,
    /// Every IP, Instance and Elastic Metal, pointing at a server or not.
    ips: usize,
    apple_silicon_servers: usize,
    /// This month's bill so far, by project and category.
    bill: BTreeMap<(String, String), f64>,
    /// The name of every project the Account API lists, by id.
    names: BTreeMap<String, String>,
}

/// The organizations the servers of every product belong to, in every zone of [`ZONES`].
fn server_organizations(api: &TestApi) -> std::collections::BTreeSet<String> {
    let mut organizations = std::collections::BTreeSet::new();
    for zone in ZONES {
        for id in api.simulator.server_ids(zone) {
            let server = api.simulator.server_json(zone, &id).unwrap();
            organizations.insert(server["organization"].as_str().unwrap().to_owned());
        }
        for product in [
            Product::ElasticMetal,
            Product::AppleSilicon,
            Product::Dedibox,
        ] {
            for id in api.simulator.product_server_ids(product, zone) {
                let server = api
                    .simulator
                    .product_server_json(product, zone, &id)
                    .unwrap();
                organizations.insert(server["organization_id"].as_str().unwrap().to_owned());
            }
        }
    }
    organizations
}

/// `{currency_code, units, nanos}` in euros.
fn euros(money: &Value) -> Option<f64> {
    assert!(
        money.is_null() || money["currency_code"] == "EUR",
        "{money}"
    );
    Some(money["units"].as_f64()? + money["nanos"].as_f64()? / 1e9)
}

/// An RFC 3339 date in Unix seconds, to the microsecond.
fn unix(date: &Value) -> Option<f64> {
    let date = chrono::DateTime::parse_from_rfc3339(date.as_str()?).ok()?;
    Some(date.timestamp_micros() as f64 / 1e6)
}

const HOURS_PER_MONTH: f64 = 730.0;
const GB: f64 = 1e9;

impl Expected {
    async fn of(http: &reqwest::Client, api: &TestApi) -> Expected {
        // The exporter asks the Account and Billing APIs of the organizations its servers
        // belong to (docs/metrics.md): a project of another organization, even one with
        // volumes or snapshots left behind, is shown by its id and has no bill.
        let organizations = server_organizations(api);
        let projects = api.simulator.project_names();
        let read = |project: &str| {
            projects
                .iter()
                .any(|(org, id, _)| id == project && organizations.contains(org))
        };
        let mut want = Expected {
            names: projects
                .iter()
                .filter(|(_, id, _)| read(id))
                .map(|(_, id, name)| (id.clone(), name.clone()))
                .collect(),
            ..Expected::default()
        };
        for zone in ZONES {
            want.instances(http, api, zone).await;
            want.elastic_metal(api, zone);
            want.dedibox(api, zone);
            want.block_volumes(api, zone);
            want.block_snapshots(api, zone);
            want.instance_leftovers(api, zone);
            want.apple_silicon_servers += api
                .simulator
                .product_server_ids(Product::AppleSilicon, zone)
                .len();
        }
        for row in api.simulator.resources(Resource::BillingConsumption, "") {
            let project = row["project_id"].as_str().unwrap();
            if !read(project) {
                continue;
            }
            let key = (
                project.to_owned(),
                row["category_name"].as_str().unwrap().to_owned(),
            );
            *want.bill.entry(key).or_default() += euros(&row["value"]).unwrap();
        }
        want
    }

    fn price(&mut self, product: &'static str, zone: &str, project: &Value, hourly: f64) {
        self.priced.push(Priced {
            product,
            zone: zone.to_owned(),
            project: project.as_str().unwrap().to_owned(),
            hourly,
        });
    }

    /// Running Instance servers, at their type's catalog price.
    async fn instances(&mut self, http: &reqwest::Client, api: &TestApi, zone: &str) {
        for id in api.simulator.server_ids(zone) {
            let server = api.simulator.server_json(zone, &id).unwrap();
            if server["state"] == "running" {
                let commercial_type = server["commercial_type"].as_str().unwrap();
                let price = catalog_hourly_price(http, api, zone, commercial_type).await;
                self.price("Instances", zone, &server["project"], price);
            }
        }
    }

    /// Elastic Metal servers delivered, at the price of the offer their `offer_id` names: an
    /// hourly offer's by the hour, a monthly one's by the month over 730 hours.
    fn elastic_metal(&mut self, api: &TestApi, zone: &str) {
        let offers = api.simulator.resources(Resource::ElasticMetalOffer, zone);
        for id in api
            .simulator
            .product_server_ids(Product::ElasticMetal, zone)
        {
            let server = api
                .simulator
                .product_server_json(Product::ElasticMetal, zone, &id)
                .unwrap();
            let status = server["status"].as_str().unwrap();
            if ["ordered", "delivering", "out_of_stock"].contains(&status) {
                continue;
            }
            let offer = offers
                .iter()
                .find(|o| o["id"] == server["offer_id"])
                .unwrap();
            let hourly = euros(&offer["price_per_hour"])
                .or_else(|| euros(&offer["price_per_month"]).map(|m| m / HOURS_PER_MONTH))
                .unwrap();
            self.price("Elastic Metal", zone, &server["project_id"], hourly);
        }
    }

    /// Dedibox servers but those being delivered, at their offer's monthly price over 730 hours.
    fn dedibox(&mut self, api: &TestApi, zone: &str) {
        let offers = api.simulator.resources(Resource::DediboxOffer, zone);
        for id in api.simulator.product_server_ids(Product::Dedibox, zone) {
            let server = api
                .simulator
                .product_server_json(Product::Dedibox, zone, &id)
                .unwrap();
            if server["status"] == "delivering" {
                continue;
            }
            let offer = offers
                .iter()
                .find(|o| o["id"] == server["offer"]["id"] && o["payment_frequency"] == "monthly")
                .unwrap();
            let hourly = euros(&offer["pricing"]).unwrap() / HOURS_PER_MONTH;
            self.price("Dedibox", zone, &server["project_id"], hourly);
        }
    }

    /// Every Block volume, attached or not, by the GB at its type's price.
    fn block_volumes(&mut self, api: &TestApi, zone: &str) {
        let types = api.simulator.resources(Resource::BlockVolumeType, zone);
        for volume in api.simulator.resources(Resource::BlockVolume, zone) {
            let kind = types.iter().find(|t| t["type"] == volume["type"]).unwrap();
            let gigabytes = volume["size"].as_f64().unwrap() / GB;
            let hourly = gigabytes * euros(&kind["pricing"]).unwrap();
            self.price("Block Storage volumes", zone, &volume["project_id"], hourly);
            if volume["references"].as_array().unwrap().is_empty() {
                let since =
                    unix(&volume["last_detached_at"]).or_else(|| unix(&volume["created_at"]));
                let leftover = Leftover {
                    since: since.unwrap(),
                    monthly: Some(HOURS_PER_MONTH * hourly),
                    in_use: false,
                };
                self.unattached_volumes
                    .insert(volume["id"].as_str().unwrap().to_owned(), leftover);
            }
        }
    }

    /// Block snapshots by the GB at the snapshot price of their volume's type; one whose
    /// volume is gone at the highest snapshot price of the types the zone's others have.
    fn block_snapshots(&mut self, api: &TestApi, zone: &str) {
        let types = api.simulator.resources(Resource::BlockVolumeType, zone);
        let snapshot_price = |kind: &Value| {
            let found = types.iter().find(|t| t["type"] == *kind)?;
            euros(&found["snapshot_pricing"])
        };
        let snapshots = api.simulator.resources(Resource::BlockSnapshot, zone);
        let zone_price = snapshots
            .iter()
            .filter_map(|s| snapshot_price(&s["parent_volume"]["type"]))
            .fold(None, |max: Option<f64>, p| {
                Some(max.map_or(p, |m| m.max(p)))
            });
        for snapshot in &snapshots {
            let price = match &snapshot["parent_volume"] {
                Value::Null => zone_price,
                parent => snapshot_price(&parent["type"]),
            };
            let hourly = price.map(|p| p * snapshot["size"].as_f64().unwrap() / GB);
            if let Some(hourly) = hourly {
                self.price(
                    "Block Storage snapshots",
                    zone,
                    &snapshot["project_id"],
                    hourly,
                );
            }
            let leftover = Leftover {
                since: unix(&snapshot["created_at"]).unwrap(),
                monthly: hourly.map(|h| HOURS_PER_MONTH * h),
                in_use: snapshot["status"] == "in_use",
            };
            self.snapshots
                .insert(snapshot["id"].as_str().unwrap().to_owned(), leftover);
        }
    }

    /// Instance volumes no server holds, Instance snapshots and IPs pointing at no server:
    /// listed, dated, never priced.
    fn instance_leftovers(&mut self, api: &TestApi, zone: &str) {
        let unpriced = |date: &Value| Leftover {
            since: unix(date).unwrap(),
            monthly: None,
            in_use: false,
        };
        for volume in api.simulator.resources(Resource::InstanceVolume, zone) {
            if volume["server"].is_null() {
                let id = volume["id"].as_str().unwrap().to_owned();
                self.unattached_volumes
                    .insert(id, unpriced(&volume["creation_date"]));
            }
        }
        for snapshot in api.simulator.resources(Resource::InstanceSnapshot, zone) {
            let id = snapshot["id"].as_str().unwrap().to_owned();
            self.snapshots
                .insert(id, unpriced(&snapshot["creation_date"]));
        }
        let ips = api.simulator.resources(Resource::InstanceIp, zone);
        let fips = api.simulator.resources(Resource::FlexibleIp, zone);
        self.ips += ips.len() + fips.len();
        let free = ips.iter().filter(|ip| ip["server"].is_null());
        let free_fips = fips.iter().filter(|ip| ip["server_id"].is_null());
        for ip in free.chain(free_fips) {
            self.unattached_ips
                .push(ip["id"].as_str().unwrap().to_owned());
        }
    }

    /// The priced things' hourly cost summed by `key`.
    fn hourly_by(&self, key: impl Fn(&Priced) -> String) -> BTreeMap<String, f64> {
        let mut sums = BTreeMap::new();
        for priced in &self.priced {
            *sums.entry(key(priced)).or_default() += priced.hourly;
        }
        sums
    }

    /// The bill summed by project.
    fn billed_by_project(&self) -> BTreeMap<String, f64> {
        let mut sums = BTreeMap::new();
        for ((project, _), euros) in &self.bill {
            *sums.entry(project.clone()).or_default() += euros;
        }
        sums
    }

    /// A project as the dashboard names it: its listed name, or its id.
    fn shown(&self, project: &str) -> String {
        self.names
            .get(project)
            .cloned()
            .unwrap_or_else(|| project.to_owned())
    }
}

/// Each value times `by`.
fn times(values: &BTreeMap<String, f64>, by: f64) -> BTreeMap<String, f64> {
    values.iter().map(|(k, v)| (k.clone(), v * by)).collect()
}

/// `{"": value}`: the answer of a query of one series without labels.
fn one(value: f64) -> BTreeMap<String, f64> {
    BTreeMap::from([(String::new(), value)])
}

// ---------------------------------------------------------------------------------------------
// The cost dashboard's own queries, asked of Prometheus
// ---------------------------------------------------------------------------------------------

/// The panels of `dashboards/scaleway-cost.json`, their variables filled in as Grafana fills
/// them for "All", asked of a Prometheus.
struct CostPanels {
    http: reqwest::Client,
    prometheus: String,
}

impl CostPanels {
    /// The query `ref_id` of the panel `title`, ready to send.
    fn query(title: &str, ref_id: &str) -> String {
        let variables = Variables {
            template: BTreeMap::from([
                ("job".to_owned(), all_values_regex(&[JOB.to_owned()])),
                (
                    "zone".to_owned(),
                    all_values_regex(&ZONES.map(str::to_owned)),
                ),
            ]),
            range: Duration::from_secs(60),
            interval: SCRAPE_INTERVAL,
        };
        variables.fill_in(&panel_expr("scaleway-cost.json", title, ref_id))
    }

    /// The answer of the query at `at` (Unix milliseconds; now when `None`), one value per value of
    /// the labels `by`, joined with `/` (`""` for a series without them).
    async fn values(
        &self,
        title: &str,
        ref_id: &str,
        by: &[&str],
        at: Option<u64>,
    ) -> Result<BTreeMap<String, f64>, String> {
        let mut params = vec![("query", Self::query(title, ref_id))];
        params.extend(at.map(|at| ("time", format!("{}.{:03}", at / 1000, at % 1000))));
        let data = prometheus_api(&self.http, &self.prometheus, "/api/v1/query", &params).await?;
        let result = non_empty(&data["result"], &format!("{title:?} {ref_id}"))?;
        let mut values = BTreeMap::new();
        for series in result {
            let key: Vec<&str> = by
                .iter()
                .map(|label| series["metric"][label].as_str().unwrap_or(""))
                .collect();
            let value = series["value"][1].as_str().and_then(|v| v.parse().ok());
            let previous = values.insert(key.join("/"), value.unwrap_or(f64::NAN));
            if previous.is_some() {
                return Err(format!("{title:?} {ref_id}: {key:?} twice"));
            }
        }
        Ok(values)
    }

    /// Whether the query answers `want`, to the last bits of a double (Prometheus sums in its
    /// own order); the differences otherwise.
    async fn answers(
        &self,
        (title, ref_id): (&str, &str),
        by: &[&str],
        at: Option<u64>,
        want: &BTreeMap<String, f64>,
    ) -> Result<(), String> {
        let got = self.values(title, ref_id, by, at).await?;
        let close = |g: f64, w: f64| (g - w).abs() <= 1e-9 * w.abs().max(1.0);
        let wrong: Vec<String> = want
            .keys()
            .chain(got.keys().filter(|k| !want.contains_key(*k)))
            .filter(|k| !matches!((got.get(*k), want.get(*k)), (Some(g), Some(w)) if close(*g, *w)))
            .map(|k| format!("{k}: got {:?}, want {:?}", got.get(k), want.get(k)))
            .collect();
        if wrong.is_empty() {
            Ok(())
        } else {
            Err(format!("{title:?} {ref_id}:\n  {}", wrong.join("\n  ")))
        }
    }
}

/// A query of the cost dashboard (its panel's title and the query's refId), the labels that
/// key its answer, and the answer wanted.
type Check<'a> = ((&'a str, &'a str), &'a [&'a str], BTreeMap<String, f64>);

/// Now, in Unix milliseconds, Prometheus's precision. A query at now is at or after every
/// scrape so far: a query at the whole second before could miss the first scrape with data.
fn now_millis() -> u64 {
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap();
    u64::try_from(now.as_millis()).unwrap()
}

/// What PromQL's `time()` is at `at` (Unix milliseconds).
fn prometheus_time(at: u64) -> f64 {
    at as f64 / 1000.0
}

/// What PromQL's `(day_of_month() - 1) * 24 + hour() + minute() / 60` is at `at` (Unix
/// milliseconds).
fn hours_this_month(at: u64) -> f64 {
    use chrono::{Datelike, Timelike};
    let at = chrono::DateTime::from_timestamp_millis(i64::try_from(at).unwrap()).unwrap();
    f64::from(at.day() - 1) * 24.0 + f64::from(at.hour()) + f64::from(at.minute()) / 60.0
}

/// The totals per hour and per month, by product, zone and project. The first check waits for
/// every price to be read; the others then answer at once.
async fn check_the_estimate(stack: &mut Processes, panels: &CostPanels, want: &Expected) {
    let by_product = want.hourly_by(|p| p.product.to_owned());
    let total: f64 = by_product.values().sum();
    stack
        .eventually("the estimate of every product", || {
            panels.answers(("Cost by product", "A"), &["product"], None, &by_product)
        })
        .await;
    let by_zone = want.hourly_by(|p| p.zone.clone());
    let by_project = want.hourly_by(|p| format!("{}/{}", p.project, want.shown(&p.project)));
    let month = HOURS_PER_MONTH;
    let checks: [Check; 8] = [
        (("Cost by product", "B"), &["product"], times(&by_product, month)),
        (("Estimated cost per hour", "A"), &[], one(total)),
        (("Estimated cost per month", "A"), &[], one(month * total)),
        (("Cost by zone", "A"), &["zone"], by_zone.clone()),
        (("Cost by zone", "B"), &["zone"], times(&by_zone, month)),
        (("Cost by project", "A"), &["project_id", "project_name"], by_project.clone()),
        (("Cost by project", "B"), &["project_id", "project_name"], times(&by_project, month)),
        (
            ("Left out of the estimate", "A"),
            &["what"],
            BTreeMap::from([
                (
                    "Apple silicon servers (no API publishes their price)".to_owned(),
                    want.apple_silicon_servers as f64,
                ),
                (
                    "IPs, Instance and Elastic Metal (no API publishes their price)".to_owned(),
                    want.ips as f64,
                ),
                (
                    "Volumes with no price (Instance b_ssd, l_ssd; a size or type unknown)".to_owned(),
                    want.unattached_volumes.values().filter(|v| v.monthly.is_none()).count() as f64,
                ),
                (
                    "Snapshots with no price (Instance snapshots; Block ones of a zone with no snapshot price)".to_owned(),
                    want.snapshots.values().filter(|s| s.monthly.is_none()).count() as f64,
                ),
            ]),
        ),
    ];
    // The project names are read apart from the prices, one organization at a time.
    for (panel, by, values) in &checks {
        stack
            .eventually(&format!("{panel:?}"), || {
                panels.answers(*panel, by, None, values)
            })
            .await;
    }
}

/// The "Left behind" row: what the unattached volumes and the snapshots cost a month, each
/// and in all, how old each is, and the IPs pointing at no server.
async fn check_what_is_left_behind(panels: &CostPanels, want: &Expected) {
    let monthly = |items: &BTreeMap<String, Leftover>| -> BTreeMap<String, f64> {
        items
            .iter()
            .filter_map(|(id, item)| Some((id.clone(), item.monthly?)))
            .collect()
    };
    let volumes = monthly(&want.unattached_volumes);
    let snapshots = monthly(&want.snapshots);
    let ips: BTreeMap<String, f64> = want
        .unattached_ips
        .iter()
        .map(|ip| (ip.clone(), 1.0))
        .collect();
    let checks: [Check; 6] = [
        (
            ("Unattached volumes per month", "A"),
            &[],
            one(volumes.values().sum()),
        ),
        (
            ("Snapshots per month", "A"),
            &[],
            one(snapshots.values().sum()),
        ),
        (
            ("IPs pointing at no server", "A"),
            &[],
            one(ips.len() as f64),
        ),
        (("Unattached volumes", "C"), &["volume_id"], volumes),
        (("Snapshots", "C"), &["snapshot_id"], snapshots),
        (("Unattached IPs", "A"), &["ip_id"], ips),
    ];
    for (panel, by, values) in &checks {
        let answer = panels.answers(*panel, by, None, values).await;
        assert!(answer.is_ok(), "{}", answer.unwrap_err());
    }
    // Ages, at a time of the test's choosing.
    let at = now_millis();
    let ages = |items: &BTreeMap<String, Leftover>| -> BTreeMap<String, f64> {
        items
            .iter()
            .map(|(id, item)| (id.clone(), prometheus_time(at) - item.since))
            .collect()
    };
    for (panel, by, values) in [
        (
            ("Unattached volumes", "B"),
            "volume_id",
            ages(&want.unattached_volumes),
        ),
        (("Snapshots", "B"), "snapshot_id", ages(&want.snapshots)),
    ] {
        let answer = panels.answers(panel, &[by], Some(at), &values).await;
        assert!(answer.is_ok(), "{}", answer.unwrap_err());
    }
}

/// The bill beside the estimate: what each project was billed this month, in all and by
/// category, and the estimate of the hours of the month so far.
async fn check_the_bill(stack: &mut Processes, panels: &CostPanels, want: &Expected) {
    let billed = want.billed_by_project();
    let total = one(billed.values().sum());
    stack
        .eventually("the bill", || {
            panels.answers(("Billed this month", "A"), &[], None, &total)
        })
        .await;
    let named = |values: BTreeMap<String, f64>| -> BTreeMap<String, f64> {
        values
            .into_iter()
            .map(|(project, v)| (format!("{project}/{}", want.shown(&project)), v))
            .collect()
    };
    let by_category = want
        .bill
        .iter()
        .map(|((project, category), v)| (format!("{project}/{category}"), *v))
        .collect();
    let by_project = ["project_id", "project_name"];
    for (panel, by, values) in [
        (
            ("Billed and estimated by project", "A"),
            &by_project[..],
            named(billed),
        ),
        (
            ("Billed this month by category", "A"),
            &["project_id", "category"][..],
            by_category,
        ),
    ] {
        let answer = panels.answers(panel, by, None, &values).await;
        assert!(answer.is_ok(), "{}", answer.unwrap_err());
    }
    // The estimate of the month so far: per hour, times the hours since the 1st at 00:00 UTC.
    let at = now_millis();
    let hours = hours_this_month(at);
    let estimated = want.hourly_by(|p| p.project.clone());
    let total: f64 = estimated.values().sum();
    for (panel, by, values) in [
        (
            ("Estimated this month so far", "A"),
            &[][..],
            one(hours * total),
        ),
        (
            ("Billed and estimated by project", "B"),
            &by_project[..],
            named(times(&estimated, hours)),
        ),
    ] {
        let answer = panels.answers(panel, by, Some(at), &values).await;
        assert!(answer.is_ok(), "{}", answer.unwrap_err());
    }
}

/// The leftover alerts of the shipped rules (their `for` cut short) fire for the volumes, IPs
/// and snapshots the test finds left behind, and no other.
async fn check_the_leftover_alerts(stack: &mut Processes, panels: &CostPanels, want: &Expected) {
    let now = prometheus_time(now_millis());
    let old = |items: &BTreeMap<String, Leftover>, days: f64| -> Vec<String> {
        let mut ids: Vec<String> = items
            .iter()
            .filter(|(_, item)| !item.in_use && now - item.since > days * 86_400.0)
            .map(|(id, _)| id.clone())
            .collect();
        ids.sort();
        ids
    };
    let mut ips = want.unattached_ips.clone();
    ips.sort();
    for (alert, label, ids) in [
        (
            "ScalewayVolumeUnattached",
            "volume_id",
            old(&want.unattached_volumes, 7.0),
        ),
        ("ScalewayFlexibleIpUnattached", "ip_id", ips),
        (
            "ScalewaySnapshotOld",
            "snapshot_id",
            old(&want.snapshots, 90.0),
        ),
    ] {
        assert!(
            !ids.is_empty(),
            "the fixed fleet leaves nothing behind for {alert}"
        );
        stack
            .eventually(&format!("{alert} for {} leftovers", ids.len()), || {
                firing(panels, alert, label, &ids)
            })
            .await;
    }
}

/// Ok when the alerts `alert` firing in Prometheus are those of `ids` (the values of `label`).
async fn firing(
    panels: &CostPanels,
    alert: &str,
    label: &str,
    ids: &[String],
) -> Result<(), String> {
    let data = prometheus_api(&panels.http, &panels.prometheus, "/api/v1/alerts", &[]).await?;
    let mut got: Vec<String> = data["alerts"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|a| a["labels"]["alertname"] == alert && a["state"] == "firing")
        .map(|a| a["labels"][label].as_str().unwrap_or("").to_owned())
        .collect();
    got.sort();
    if got == ids {
        Ok(())
    } else {
        Err(format!("firing for {got:?}, want {ids:?}"))
    }
}

/// The hourly price of `commercial_type` in the zone's catalog, as the API lists it (paged).
async fn catalog_hourly_price(
    http: &reqwest::Client,
    api: &TestApi,
    zone: &str,
    commercial_type: &str,
) -> f64 {
    for page in 1..=20 {
        let body = http
            .get(format!(
                "{}/instance/v1/zones/{zone}/products/servers?page={page}&per_page=100",
                api.url
            ))
            .header("X-Auth-Token", api.simulator.token())
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        let body: Value = serde_json::from_str(&body).expect("the catalog answers JSON");
        let types = body["servers"].as_object().cloned().unwrap_or_default();
        if types.is_empty() {
            break;
        }
        if let Some(price) = types
            .get(commercial_type)
            .and_then(|t| t["hourly_price"].as_f64())
        {
            return price;
        }
    }
    panic!("{commercial_type} has no hourly price in the catalog of {zone}")
}

/// The expression of the target `ref_id` of the panel titled `title` in `dashboards/<file>`.
fn panel_expr(file: &str, title: &str, ref_id: &str) -> String {
    let path = format!("dashboards/{file}");
    let dashboard = dashboards()
        .into_iter()
        .find(|d| d.file == path)
        .unwrap_or_else(|| panic!("no {path}"));
    let expr = all_panels(&dashboard.json)
        .into_iter()
        .filter(|panel| panel["title"] == title)
        .flat_map(targets)
        .find(|target| target["refId"] == ref_id)
        .and_then(|target| target["expr"].as_str())
        .map(str::to_owned);
    expr.unwrap_or_else(|| panic!("{path}: no panel {title:?} with a target {ref_id}"))
}

const NOT_RUNNING: &str = "ScalewayServerNotRunning";
const METAL_NOT_READY: &str = "ScalewayElasticMetalServerNotReady";

// =============================================================================================
// The fleet
// =============================================================================================

/// A ready Elastic Metal server (zone, id) not tagged `alerting=off`.
fn a_ready_elastic_metal_server(api: &TestApi) -> Option<(String, String)> {
    ZONES.iter().find_map(|zone| {
        api.simulator
            .product_server_ids(Product::ElasticMetal, zone)
            .into_iter()
            .find_map(|id| {
                let server = api
                    .simulator
                    .product_server_json(Product::ElasticMetal, zone, &id)?;
                let exempt = server["tags"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .any(|tag| tag == "alerting=off");
                (server["status"] == "ready" && !exempt).then(|| (zone.to_string(), id))
            })
    })
}

/// A running server (zone, id), tagged `alerting=off` or not as asked.
fn a_running_server(api: &TestApi, exempt: bool) -> Option<(String, String)> {
    ZONES.iter().find_map(|zone| {
        api.simulator.server_ids(zone).into_iter().find_map(|id| {
            let server = api.simulator.server_json(zone, &id)?;
            let tagged = server["tags"]
                .as_array()
                .into_iter()
                .flatten()
                .any(|tag| tag == "alerting=off");
            (server["state"] == "running" && tagged == exempt).then(|| (zone.to_string(), id))
        })
    })
}

// =============================================================================================
// The webhook receiver
// =============================================================================================

/// Every alert Alertmanager has notified to the receiver, in order of arrival.
#[derive(Clone)]
struct Inbox {
    url: String,
    alerts: Arc<Mutex<Vec<Value>>>,
}

async fn start_receiver() -> Inbox {
    let alerts = Arc::new(Mutex::new(Vec::new()));
    let app = Router::new()
        .route("/alerts", post(receive))
        .with_state(alerts.clone());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/alerts", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await });
    Inbox { url, alerts }
}

/// One webhook notification (Alertmanager's format, version 4): its alerts, each with its own
/// `status`, `labels` and `annotations`.
async fn receive(
    State(alerts): State<Arc<Mutex<Vec<Value>>>>,
    Json(notification): Json<Value>,
) -> StatusCode {
    let received = notification["alerts"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    alerts.lock().unwrap().extend(received);
    StatusCode::OK
}

impl Inbox {
    /// Every `alertname` notified about the server.
    fn about(&self, alertname: &str, server_id: &str) -> Vec<Value> {
        self.alerts
            .lock()
            .unwrap()
            .iter()
            .filter(|alert| {
                alert["labels"]["alertname"] == alertname
                    && alert["labels"]["server_id"] == server_id
            })
            .cloned()
            .collect()
    }

    /// Every alert notified whose name is one of `names`.
    fn named(&self, names: &[String]) -> Vec<Value> {
        self.alerts
            .lock()
            .unwrap()
            .iter()
            .filter(|alert| {
                names
                    .iter()
                    .any(|name| alert["labels"]["alertname"] == **name)
            })
            .cloned()
            .collect()
    }

    /// The first `alertname` about the server with the given status.
    async fn find(&self, alertname: &str, server_id: &str, status: &str) -> Result<Value, String> {
        let about = self.about(alertname, server_id);
        about
            .iter()
            .find(|alert| alert["status"] == status)
            .cloned()
            .ok_or_else(|| {
                let all = self.alerts.lock().unwrap();
                let names: Vec<String> = all
                    .iter()
                    .map(|a| {
                        format!(
                            "{} {} {}",
                            a["labels"]["alertname"], a["labels"]["server_id"], a["status"]
                        )
                    })
                    .collect();
                format!("received so far: {names:?}")
            })
    }
}

// =============================================================================================
// The processes
// =============================================================================================

/// The child processes of the test and their files (configs, storage, output), in a
/// temporary directory. Dropping it kills every child, and prints their output when the test
/// is failing.
struct Processes {
    dir: TempDir,
    children: Vec<(&'static str, Child)>,
}

impl Processes {
    fn new() -> Self {
        Processes {
            dir: tempfile::tempdir().unwrap(),
            children: Vec::new(),
        }
    }

    fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    fn write(&self, name: &str, contents: &str) -> PathBuf {
        let path = self.path(name);
        std::fs::write(&path, contents).unwrap();
        path
    }

    /// Starts `program` with nothing of this process's environment but `env`, its standard
    /// output and error going to `<name>.stdout` and `<name>.stderr`.
    fn spawn(&mut self, name: &'static str, program: &str, args: &[String], env: &[(&str, &str)]) {
        let output = |stream: &str| {
            Stdio::from(std::fs::File::create(self.path(&format!("{name}.{stream}"))).unwrap())
        };
        let child = Command::new(program)
            .args(args)
            .env_clear()
            .envs(env.iter().copied())
            .current_dir(self.dir.path())
            .stdin(Stdio::null())
            .stdout(output("stdout"))
            .stderr(output("stderr"))
            .spawn()
            .unwrap_or_else(|e| panic!("cannot start {program}: {e}"));
        self.children.push((name, child));
    }

    /// The real exporter binary, polling the simulator every second. Returns its base URL.
    async fn start_exporter(&mut self, api: &TestApi) -> String {
        self.spawn(
            "exporter",
            EXPORTER,
            &[
                "--poll.interval=1s".to_owned(),
                "--poll.timeout=1s".to_owned(),
                format!("--web.listen-address={ANY_PORT}"),
            ],
            &[
                ("SCW_API_URL", &api.url),
                ("SCW_SECRET_KEY", api.simulator.token()),
                ("SCW_EXPORTER_ZONES", &ZONES.join(",")),
            ],
        );
        let address = self.logged_address("exporter", "exporter starting").await;
        format!("http://{address}")
    }

    /// Alertmanager, without clustering, sending every group to the receiver at once and
    /// again when it resolves. Returns its base URL.
    async fn start_alertmanager(&mut self, receiver_url: &str) -> String {
        // One group per server, so another server's alert never delays or hides this one's.
        let config = self.write(
            "alertmanager.yml",
            &format!(
                r#"route:
  receiver: test
  group_by: [alertname, zone, server_id]
  group_wait: 1s
  group_interval: 1s
  repeat_interval: 1h
receivers:
  - name: test
    webhook_configs:
      - url: {receiver_url}
        send_resolved: true
"#
            ),
        );
        let storage = self.path("alertmanager-data");
        self.spawn(
            "alertmanager",
            ALERTMANAGER,
            &[
                format!("--config.file={}", config.display()),
                format!("--storage.path={}", storage.display()),
                format!("--web.listen-address={ANY_PORT}"),
                "--cluster.listen-address=".to_owned(),
            ],
            &[],
        );
        let address = self.logged_address("alertmanager", "Listening on").await;
        format!("http://{address}")
    }

    /// Prometheus scraping the exporter as job `scaleway` every second, with the shipped rules
    /// (`for:` shortened), alerting to Alertmanager when there is one. Returns its base URL.
    async fn start_prometheus(&mut self, exporter: &str, alertmanager: Option<&str>) -> String {
        let mut rule_paths = Vec::new();
        for shipped in rule_files() {
            let name = shipped.file_name().unwrap().to_str().unwrap();
            rule_paths.push(self.write(name, &with_short_for(&read(&shipped), SHORT_FOR)));
        }
        let rule_files_yaml: String = rule_paths
            .iter()
            .map(|path| format!("  - {}\n", path.display()))
            .collect();
        let seconds = SCRAPE_INTERVAL.as_secs();
        let alerting = match alertmanager {
            Some(alertmanager) => format!(
                "alerting:\n  alertmanagers:\n    - static_configs:\n        - targets: [\"{}\"]\n",
                host_port(alertmanager)
            ),
            None => String::new(),
        };
        let config = self.write(
            "prometheus.yml",
            &format!(
                r#"global:
  scrape_interval: {seconds}s
  scrape_timeout: {seconds}s
  evaluation_interval: {seconds}s
rule_files:
{rule_files_yaml}{alerting}scrape_configs:
  - job_name: {JOB}
    static_configs:
      - targets: ["{exporter}"]
"#,
                exporter = host_port(exporter),
            ),
        );
        let storage = self.path("prometheus-data");
        self.spawn(
            "prometheus",
            PROMETHEUS,
            &[
                format!("--config.file={}", config.display()),
                format!("--storage.tsdb.path={}", storage.display()),
                format!("--web.listen-address={ANY_PORT}"),
            ],
            &[],
        );
        let address = self.logged_address("prometheus", "Listening on").await;
        format!("http://{address}")
    }

    /// The address the child `name` logs that it listens on, in the line with `marker` of its
    /// standard error: every child binds [`ANY_PORT`] and says which port it got.
    async fn logged_address(&mut self, name: &str, marker: &str) -> String {
        let log = self.path(&format!("{name}.stderr"));
        self.eventually(&format!("{name} to log the address it listens on"), || {
            let text = std::fs::read_to_string(&log).unwrap_or_default();
            let found = address_in_log(&text, marker)
                .ok_or_else(|| format!("no {marker:?} line with an address in {}", log.display()));
            async move { found }
        })
        .await
    }

    /// Panics if a child has exited: everything after would only time out.
    fn assert_all_running(&mut self) {
        for (name, child) in &mut self.children {
            if let Ok(Some(status)) = child.try_wait() {
                panic!("{name} exited early: {status}");
            }
        }
    }

    /// Polls `probe` every 250 ms until it succeeds, for at most a minute; panics with the
    /// last reason it gave otherwise, or as soon as a child exits.
    async fn eventually<T, F, Fut>(&mut self, what: &str, mut probe: F) -> T
    where
        F: FnMut() -> Fut,
        Fut: Future<Output = Result<T, String>>,
    {
        let deadline = Instant::now() + WAIT;
        loop {
            self.assert_all_running();
            match probe().await {
                Ok(found) => return found,
                Err(why) if Instant::now() >= deadline => {
                    panic!("gave up after {WAIT:?} waiting for {what}: {why}")
                }
                Err(_) => tokio::time::sleep(POLL).await,
            }
        }
    }
}

impl Drop for Processes {
    fn drop(&mut self) {
        for (_, child) in &mut self.children {
            let _ = child.kill();
            let _ = child.wait();
        }
        if std::thread::panicking() {
            for (name, _) in &self.children {
                for stream in ["stdout", "stderr"] {
                    let path = self.path(&format!("{name}.{stream}"));
                    let text = std::fs::read_to_string(&path).unwrap_or_default();
                    eprintln!("----- {name} {stream} -----\n{text}");
                }
            }
        }
    }
}

fn host_port(url: &str) -> &str {
    url.trim_start_matches("http://")
}

/// The rule file with every `for:` longer than `short` cut to it. Nothing else changes: the
/// expressions, labels and annotations stay as shipped.
fn with_short_for(rules: &str, short: Duration) -> String {
    let mut shortened = 0;
    let mut out: String = rules
        .lines()
        .map(|line| {
            let trimmed = line.trim_start();
            let indent = &line[..line.len() - trimmed.len()];
            let wait = trimmed
                .strip_prefix("for:")
                .and_then(|value| humantime::parse_duration(value.trim()).ok());
            match wait {
                Some(wait) if wait > short => {
                    shortened += 1;
                    format!("{indent}for: {}s\n", short.as_secs())
                }
                _ => format!("{line}\n"),
            }
        })
        .collect();
    assert!(shortened > 0, "no `for:` to shorten in the rules");
    if !rules.ends_with('\n') {
        out.pop();
    }
    out
}

/// The alert names of the shipped rule files, of the rule group `group` or of all.
fn shipped_alert_names(group: Option<&str>) -> Vec<String> {
    let mut names = Vec::new();
    for path in rule_files() {
        let mut in_group = None;
        for line in read(&path).lines().map(str::trim_start) {
            if let Some(name) = line.strip_prefix("- name:") {
                in_group = Some(name.trim().to_owned());
            } else if let Some(alert) = line.strip_prefix("- alert:") {
                if group.is_none() || in_group.as_deref() == group {
                    names.push(alert.trim().to_owned());
                }
            }
        }
    }
    assert!(!names.is_empty(), "no alert of {group:?} in alerts/*.yml");
    names
}

// =============================================================================================
// Prometheus's HTTP API
// =============================================================================================

async fn get_ok(http: &reqwest::Client, url: &str) -> Result<(), String> {
    match http.get(url).send().await {
        Ok(response) if response.status().is_success() => Ok(()),
        Ok(response) => Err(format!("status {}", response.status())),
        Err(e) => Err(e.to_string()),
    }
}

/// `data` of a Prometheus API answer whose status is `success`.
async fn prometheus_api(
    http: &reqwest::Client,
    prometheus: &str,
    path: &str,
    params: &[(&str, String)],
) -> Result<Value, String> {
    let response = http
        .get(format!("{prometheus}{path}"))
        .query(params)
        .send()
        .await
        .map_err(|e| e.to_string())?;
    let text = response.text().await.map_err(|e| e.to_string())?;
    let body: Value = serde_json::from_str(&text).map_err(|e| format!("{e}: {text}"))?;
    if body["status"] != "success" {
        return Err(format!("{path} {params:?}: {body}"));
    }
    Ok(body["data"].clone())
}

/// The series of an instant query at the current time; an error when there are none.
async fn instant_query(
    http: &reqwest::Client,
    prometheus: &str,
    expr: &str,
) -> Result<Vec<Value>, String> {
    let data = prometheus_api(http, prometheus, "/api/v1/query", &[("query", expr.into())]).await?;
    non_empty(&data["result"], expr)
}

fn non_empty(result: &Value, what: &str) -> Result<Vec<Value>, String> {
    match result.as_array() {
        Some(items) if !items.is_empty() => Ok(items.clone()),
        _ => Err(format!("no data for {what}")),
    }
}

async fn loaded_alert_names(
    http: &reqwest::Client,
    prometheus: &str,
    want: &[String],
) -> Result<(), String> {
    let data = prometheus_api(
        http,
        prometheus,
        "/api/v1/rules",
        &[("type", "alert".into())],
    )
    .await?;
    let loaded: Vec<&str> = data["groups"]
        .as_array()
        .into_iter()
        .flatten()
        .flat_map(|group| group["rules"].as_array().into_iter().flatten())
        .filter_map(|rule| rule["name"].as_str())
        .collect();
    let missing: Vec<&String> = want
        .iter()
        .filter(|name| !loaded.contains(&name.as_str()))
        .collect();
    if missing.is_empty() {
        Ok(())
    } else {
        Err(format!("loaded {loaded:?}, missing {missing:?}"))
    }
}

// =============================================================================================
// Dashboards, run as Grafana runs them
// =============================================================================================

/// The values Grafana puts in place of a dashboard's variables.
struct Variables {
    /// Template variables (`job`, `zone`), as the regex Grafana writes for "All".
    template: BTreeMap<String, String>,
    /// The dashboard's time range.
    range: Duration,
    /// The step of a range query, `$__interval`.
    interval: Duration,
}

impl Variables {
    /// `expr` with every variable replaced. Panics on a variable it does not know, rather than
    /// sending Prometheus a query it would reject for a reason that is not the dashboard's.
    fn fill_in(&self, expr: &str) -> String {
        // Grafana: max($__interval + scrape interval, 4 * scrape interval), with the data
        // source's scrape interval set to Prometheus's.
        let rate_interval = (self.interval + SCRAPE_INTERVAL).max(4 * SCRAPE_INTERVAL);
        let seconds = |d: Duration| format!("{}s", d.as_secs());
        let millis = |d: Duration| d.as_millis().to_string();
        // Longest names first: `$__range` is a prefix of `$__range_s`.
        let mut builtins = vec![
            ("$__rate_interval".to_owned(), seconds(rate_interval)),
            ("$__interval_ms".to_owned(), millis(self.interval)),
            ("$__interval".to_owned(), seconds(self.interval)),
            ("$__range_ms".to_owned(), millis(self.range)),
            ("$__range_s".to_owned(), self.range.as_secs().to_string()),
            ("$__range".to_owned(), seconds(self.range)),
        ];
        for (name, value) in &self.template {
            builtins.push((format!("${{{name}}}"), value.clone()));
            builtins.push((format!("${name}"), value.clone()));
        }
        builtins.sort_by_key(|(name, _)| std::cmp::Reverse(name.len()));
        let mut filled = expr.to_owned();
        for (name, value) in &builtins {
            filled = filled.replace(name.as_str(), value);
        }
        assert!(
            !filled.contains('$'),
            "a variable the test does not fill in: {expr:?} -> {filled:?}"
        );
        filled
    }
}

/// What Grafana sends for a multi-value variable set to All (no custom all value): every value,
/// regex-escaped, as one alternation. The backslashes are doubled for the PromQL string.
fn all_values_regex(values: &[String]) -> String {
    let escaped: Vec<String> = values
        .iter()
        .map(|value| {
            value
                .chars()
                .map(|c| {
                    if r"\^$*+?.()|{}[]/".contains(c) {
                        format!(r"\\{c}")
                    } else {
                        c.to_string()
                    }
                })
                .collect()
        })
        .collect();
    match escaped.as_slice() {
        [one] => one.clone(),
        _ => format!("({})", escaped.join("|")),
    }
}

/// `label_values(selector, label)` as (selector, label).
fn label_values_query(query: &str) -> Option<(&str, &str)> {
    let inside = query
        .trim()
        .strip_prefix("label_values(")?
        .strip_suffix(')')?;
    let (selector, label) = inside.rsplit_once(',')?;
    Some((selector.trim(), label.trim()))
}

/// Runs every variable query and every panel query of every dashboard against Prometheus, as
/// Grafana would with its time range set to `range` back from now, and asserts each returns
/// data. Returns how many queries ran.
async fn run_every_dashboard_query(
    http: &reqwest::Client,
    prometheus: &str,
    range: Duration,
) -> usize {
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs_f64();
    let mut ran = 0;
    let mut problems = Vec::new();
    for dashboard in dashboards() {
        let mut variables = Variables {
            template: BTreeMap::new(),
            range,
            // Grafana's step for a range of minutes is the data source's scrape interval.
            interval: SCRAPE_INTERVAL,
        };
        // Template variables in order: each may use the ones before it, as in Grafana.
        for variable in dashboard.json["templating"]["list"]
            .as_array()
            .into_iter()
            .flatten()
            .filter(|v| v["type"] == "query")
        {
            let name = variable["name"].as_str().unwrap().to_owned();
            let query = variable_query(variable).unwrap_or_default();
            let (selector, label) = label_values_query(query).unwrap_or_else(|| {
                panic!(
                    "{}: variable {name}: not label_values(selector, label): {query:?}",
                    dashboard.file
                )
            });
            let selector = variables.fill_in(selector);
            let data = prometheus_api(
                http,
                prometheus,
                &format!("/api/v1/label/{label}/values"),
                &[("match[]", selector.clone())],
            )
            .await;
            ran += 1;
            let values: Vec<String> = match data {
                Ok(data) => data
                    .as_array()
                    .into_iter()
                    .flatten()
                    .filter_map(|v| v.as_str().map(str::to_owned))
                    .collect(),
                Err(e) => panic!("{}: variable {name}: {e}", dashboard.file),
            };
            assert!(
                !values.is_empty(),
                "{}: variable {name}: no value for {query:?}",
                dashboard.file
            );
            variables.template.insert(name, all_values_regex(&values));
        }
        for panel in all_panels(&dashboard.json) {
            for target in targets(panel) {
                let Some(expr) = target["expr"].as_str() else {
                    continue;
                };
                let filled = variables.fill_in(expr);
                let what = format!(
                    "{} {:?} {}",
                    dashboard.file, panel["title"], target["refId"]
                );
                let answer = if target["instant"] == true {
                    prometheus_api(
                        http,
                        prometheus,
                        "/api/v1/query",
                        &[("query", filled.clone()), ("time", now.to_string())],
                    )
                    .await
                } else {
                    let start = now - variables.range.as_secs_f64();
                    prometheus_api(
                        http,
                        prometheus,
                        "/api/v1/query_range",
                        &[
                            ("query", filled.clone()),
                            ("start", start.to_string()),
                            ("end", now.to_string()),
                            ("step", variables.interval.as_secs().to_string()),
                        ],
                    )
                    .await
                };
                ran += 1;
                match answer.and_then(|data| non_empty(&data["result"], &filled)) {
                    Ok(_) => {}
                    Err(e) => problems.push(format!("{what}: {e}")),
                }
            }
        }
    }
    assert!(
        problems.is_empty(),
        "dashboard queries without data:\n  {}",
        problems.join("\n  ")
    );
    ran
}

// =============================================================================================
// The helpers themselves (these need nothing installed)
// =============================================================================================

#[test]
fn shortening_the_for_changes_only_the_for_lines_longer_than_the_short_one() {
    let rules = "\
      - alert: A
        expr: up == 0
        for: 10m
        labels:
          severity: critical
      - alert: B
        expr: |
          x > 900
        # for: 5m in a comment stays
        for: 0m
";
    let want = rules.replacen("for: 10m", "for: 5s", 1);
    assert_eq!(with_short_for(rules, Duration::from_secs(5)), want);
}

#[test]
fn variables_are_filled_in_as_grafana_fills_them() {
    let variables = Variables {
        template: BTreeMap::from([
            ("job".to_owned(), all_values_regex(&["scaleway".to_owned()])),
            (
                "zone".to_owned(),
                all_values_regex(&["fr-par-1".to_owned(), "a.b".to_owned()]),
            ),
        ]),
        range: Duration::from_secs(30),
        interval: Duration::from_secs(2),
    };
    assert_eq!(
        variables.fill_in(
            r#"rate(x{job=~"$job", zone=~"${zone}"}[$__rate_interval]) / $__range_s + y[$__range] + z[$__interval]"#
        ),
        r#"rate(x{job=~"scaleway", zone=~"(fr-par-1|a\\.b)"}[4s]) / 30 + y[30s] + z[2s]"#
    );
    assert_eq!(
        label_values_query(r#"label_values(up{job=~"$job"}, zone)"#),
        Some((r#"up{job=~"$job"}"#, "zone"))
    );
}

#[test]
#[should_panic(expected = "a variable the test does not fill in")]
fn an_unknown_variable_is_reported_not_sent() {
    Variables {
        template: BTreeMap::new(),
        range: Duration::from_secs(30),
        interval: Duration::from_secs(1),
    }
    .fill_in("x[$__unknown]");
}
