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

use crate::common::child_log::address_in_log;
use crate::common::monitoring::{
    all_panels, dashboards, read, rule_files, targets, variable_query,
};
use crate::common::{simulator_config, start_simulator, TestApi};
use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::post;
use axum::{Json, Router};
use scaleway_simulator::{Product, ProductAction, ProductCounts};
use serde_json::{json, Value};
use tempfile::TempDir;

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
    let shipped = shipped_alert_names();
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
    let exporter_alerts = inbox.not_about_servers();
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
async fn the_cost_panels_price_the_running_servers_of_a_fixed_fleet_at_the_catalog_price() {
    let mut stack = Processes::new();
    let http = reqwest::Client::new();
    let api = start_simulator(simulator_config(&ZONES, 0)).await;

    // Two projects the Account API lists, with different names, and one it does not list
    // (the key may not read it): that one is shown by its id.
    let listed: Vec<(String, String, String)> = {
        let mut seen = Vec::new();
        for project in api.simulator.project_names() {
            if !seen
                .iter()
                .any(|(_, _, name): &(String, String, String)| *name == project.2)
            {
                seen.push(project);
            }
        }
        seen.into_iter().take(2).collect()
    };
    assert_eq!(
        listed.len(),
        2,
        "the simulator lists two projects with distinct names"
    );
    let (org_a, project_a, name_a) = listed[0].clone();
    let (org_b, project_b, name_b) = listed[1].clone();
    let unlisted = "0b5e7a11-0000-4000-8000-00000000beef".to_owned();

    // (zone, commercial type, state, organization, project)
    let fleet = [
        ("fr-par-1", "DEV1-S", "running", &org_a, &project_a),
        ("fr-par-1", "PRO2-XS", "running", &org_b, &project_b),
        ("fr-par-1", "GP1-S", "stopped", &org_a, &project_a),
        ("nl-ams-1", "PLAY2-NANO", "running", &org_b, &project_b),
        ("nl-ams-1", "L4-1-24G", "stopped", &org_b, &project_b),
        ("nl-ams-1", "DEV1-M", "running", &org_a, &unlisted),
    ];
    let mut want_total = 0.0;
    let mut want_zone: BTreeMap<String, f64> = BTreeMap::new();
    let mut want_project: BTreeMap<String, f64> = BTreeMap::new();
    for (n, (zone, commercial_type, state, organization, project)) in fleet.iter().enumerate() {
        api.simulator.insert_server(
            zone,
            json!({
                "id": format!("c0575e7e-0000-4000-8000-{n:012}"),
                "name": format!("priced-{n}"),
                "state": state,
                "commercial_type": commercial_type,
                "organization": organization,
                "project": project,
                "volumes": {},
            }),
        );
        let price = catalog_hourly_price(&http, &api, zone, commercial_type).await;
        if *state == "running" {
            want_total += price;
            *want_zone.entry(zone.to_string()).or_default() += price;
            let shown = if **project == project_a {
                name_a.clone()
            } else if **project == project_b {
                name_b.clone()
            } else {
                project.to_string()
            };
            *want_project.entry(shown).or_default() += price;
        }
    }
    assert!(want_total > 0.0);

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

    // The panels' own queries, from the dashboard, with the variables as Grafana fills them.
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
    let query = |title: &str, ref_id: &str| {
        variables.fill_in(&panel_expr("scaleway-cost.json", title, ref_id))
    };
    let per_hour = query("Fleet cost per hour", "A");
    let per_month = query("Fleet cost per month", "A");
    let by_zone = query("Cost by zone", "A");
    let by_project = query("Cost by project", "A");
    let monthly_by_project = query("Cost by project", "B");

    // Prometheus sums in its own order: equal to the last bits of a double.
    let close = |got: f64, want: f64| (got - want).abs() <= 1e-9 * want.abs().max(1.0);
    let per_label = |result: &[Value], label: &str| -> BTreeMap<String, f64> {
        result
            .iter()
            .map(|series| {
                let value = series["value"][1]
                    .as_str()
                    .and_then(|v| v.parse().ok())
                    .unwrap_or(f64::NAN);
                (
                    series["metric"][label].as_str().unwrap_or("").to_owned(),
                    value,
                )
            })
            .collect()
    };
    let same = |got: &BTreeMap<String, f64>, want: &BTreeMap<String, f64>| {
        got.len() == want.len()
            && want
                .iter()
                .all(|(k, w)| got.get(k).is_some_and(|g| close(*g, *w)))
    };
    stack
        .eventually("the hourly cost of the running servers", || async {
            let result = instant_query(&http, &prometheus, &per_hour).await?;
            let got = per_label(&result, "");
            match got.get("") {
                Some(got) if close(*got, want_total) => Ok(()),
                _ => Err(format!("got {result:?}, want {want_total}")),
            }
        })
        .await;
    let month = instant_query(&http, &prometheus, &per_month).await.unwrap();
    let month = per_label(&month, "");
    assert!(
        month
            .get("")
            .is_some_and(|got| close(*got, 730.0 * want_total)),
        "per month: got {month:?}, want 730 x {want_total}"
    );
    let zones = per_label(
        &instant_query(&http, &prometheus, &by_zone).await.unwrap(),
        "zone",
    );
    assert!(
        same(&zones, &want_zone),
        "by zone: got {zones:?}, want {want_zone:?}"
    );
    let projects = per_label(
        &instant_query(&http, &prometheus, &by_project)
            .await
            .unwrap(),
        "project_name",
    );
    assert!(
        same(&projects, &want_project),
        "by project: got {projects:?}, want {want_project:?}"
    );
    let monthly: BTreeMap<String, f64> = want_project
        .iter()
        .map(|(k, v)| (k.clone(), 730.0 * v))
        .collect();
    let got_monthly = per_label(
        &instant_query(&http, &prometheus, &monthly_by_project)
            .await
            .unwrap(),
        "project_name",
    );
    assert!(
        same(&got_monthly, &monthly),
        "by project per month: got {got_monthly:?}, want {monthly:?}"
    );
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

    /// Every alert notified that is not about a server (the exporter's own alerts).
    fn not_about_servers(&self) -> Vec<Value> {
        self.alerts
            .lock()
            .unwrap()
            .iter()
            .filter(|alert| alert["labels"].get("server_id").is_none())
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

/// The alert names of the shipped rule files.
fn shipped_alert_names() -> Vec<String> {
    let names: Vec<String> = rule_files()
        .iter()
        .flat_map(|path| {
            read(path)
                .lines()
                .filter_map(|line| line.trim_start().strip_prefix("- alert:"))
                .map(|name| name.trim().to_owned())
                .collect::<Vec<_>>()
        })
        .collect();
    assert!(!names.is_empty(), "no alert in alerts/*.yml");
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
