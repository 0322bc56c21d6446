//! Every recorded real response (docs/api-notes.md#recorded-responses) is read correctly: the bodies
//! parse into the exporter's model, every server comes out once with its state and sizes,
//! and every real error becomes a typed error with the API's status, type and message.
//! Elastic Metal and Apple silicon bodies read through the same models the poller uses, with
//! their states, addresses and tags exact and Apple silicon's credentials left unread; the
//! gateway's 501 and IAM's 403 do to the poll what docs/design.md#products says.
//!
//! The corpus is not part of the project: these tests read it from the folder named by
//! `SCALEWAY_API_CORPUS` (`.ci/run` sets it), and are ignored otherwise.

use std::path::PathBuf;
use std::time::Duration;

use scaleway_exporter::api::model::{
    AppleSiliconServer, BlockVolumesPage, ElasticMetalServer, ProjectsPage, ServerTypesPage,
    ServersPage,
};
use scaleway_exporter::api::{ApiError, ApiFlavor, Client};
use scaleway_exporter::inventory::{
    servers_from_api, unix_seconds, AppleSiliconDetail, DediboxDetail, Detail, ElasticMetalDetail,
    InstanceDetail, Server, Snapshot, ZonePoll,
};
use scaleway_exporter::metrics::{render, OwnMetrics};
use scaleway_exporter::poller::{poll_target, Poller};
use scaleway_exporter::product::{Product, ProductZone, State};
use scaleway_exporter::{SecretKey, TokenSource};
use serde::Deserialize;
use serde_json::Value;

/// What only an Instance says of itself.
fn instance(server: &Server) -> &InstanceDetail {
    server.detail().expect("an Instance")
}

const IGNORE_REASON: &str = "needs the shared API corpus: set SCALEWAY_API_CORPUS";

fn corpus_files(prefixes: &[&str]) -> Vec<(String, String)> {
    let dir = PathBuf::from(std::env::var("SCALEWAY_API_CORPUS").expect(IGNORE_REASON));
    let mut files: Vec<(String, String)> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|entry| entry.unwrap().path())
        .filter(|path| path.extension().is_some_and(|ext| ext == "json"))
        .filter_map(|path| {
            let name = path.file_name()?.to_str()?.to_owned();
            prefixes
                .iter()
                .any(|p| name.starts_with(p))
                .then(|| (name, std::fs::read_to_string(&path).unwrap()))
        })
        .collect();
    files.sort();
    files
}

/// The bodies of a subfolder of the corpus (`instance-types`, `account`), by file name.
fn corpus_folder(folder: &str) -> Vec<(String, String)> {
    let dir =
        PathBuf::from(std::env::var("SCALEWAY_API_CORPUS").expect(IGNORE_REASON)).join(folder);
    let mut files: Vec<(String, String)> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|entry| entry.unwrap().path())
        .filter(|path| path.extension().is_some_and(|ext| ext == "json"))
        .map(|path| {
            let name = path.file_name().unwrap().to_string_lossy().into_owned();
            (name, std::fs::read_to_string(&path).unwrap())
        })
        .collect();
    files.sort();
    files
}

/// The server objects of a body, as raw JSON: a list, or a GET-one `{"server": ...}`.
fn raw_servers(body: &Value) -> Option<Vec<Value>> {
    if let Some(list) = body.get("servers") {
        return Some(list.as_array().unwrap().clone());
    }
    body.get("server").map(|one| vec![one.clone()])
}

#[test]
#[ignore = "needs the shared API corpus: set SCALEWAY_API_CORPUS"]
fn every_real_and_legacy_servers_body_is_read_server_by_server() {
    let files = corpus_files(&["real-", "legacy-"]);
    let mut bodies = 0;
    let mut servers_read = 0;
    for (name, text) in files
        .iter()
        .filter(|(name, _)| !name.starts_with("real-err-"))
    {
        let raw: Value = serde_json::from_str(text).unwrap();
        let Some(raw_list) = raw_servers(&raw) else {
            continue;
        };
        bodies += 1;
        let page: ServersPage = serde_json::from_value(serde_json::json!({ "servers": raw_list }))
            .unwrap_or_else(|e| panic!("{name}: {e}"));
        let fleet = servers_from_api(page.servers, &[]);
        let unique_ids: std::collections::HashSet<&str> =
            raw_list.iter().map(|s| s["id"].as_str().unwrap()).collect();
        assert_eq!(fleet.len(), unique_ids.len(), "{name}: every server once");
        for (server, raw) in fleet.iter().zip(&raw_list) {
            assert_eq!(
                server.id,
                raw["id"].as_str().unwrap(),
                "{name}: API order kept"
            );
            let expected_state = match (
                raw.get("state").and_then(Value::as_str),
                raw.get("running").and_then(Value::as_bool),
            ) {
                (Some(state), _) => state.to_owned(),
                (None, Some(true)) => "running".to_owned(),
                (None, Some(false)) => "stopped".to_owned(),
                (None, None) => "unknown".to_owned(),
            };
            assert_eq!(
                server.state.label(),
                expected_state,
                "{name}: {}",
                server.id
            );
            assert_ne!(
                server.state,
                State::unknown(Product::Instance),
                "{name}: every recorded state is a known one"
            );
            let raw_volumes = raw["volumes"].as_object().unwrap();
            assert_eq!(
                server.volumes().len(),
                raw_volumes.len(),
                "{name}: every volume"
            );
            for volume in server.volumes() {
                let raw_size = raw_volumes[&volume.index]
                    .get("size")
                    .and_then(Value::as_u64);
                assert_eq!(volume.size, raw_size, "{name}: size of {}", volume.id);
            }
            let raw_tags = raw["tags"].as_array().map_or(0, Vec::len);
            assert_eq!(server.tags.len(), raw_tags, "{name}: tags");
            if let Some(ips) = raw.get("public_ips").and_then(Value::as_array) {
                for ip in ips {
                    let address = ip["address"].as_str().unwrap();
                    assert!(
                        server.addresses.iter().any(|a| a.address == address),
                        "{name}: {address}"
                    );
                }
            }
            assert!(
                server.created.is_some() || raw.get("creation_date").is_none(),
                "{name}: creation date"
            );
            assert_eq!(
                instance(server).end_of_service,
                raw.get("end_of_service").and_then(Value::as_bool) == Some(true),
                "{name}: end_of_service"
            );
            assert_eq!(
                instance(server).boot_type,
                raw.get("boot_type").and_then(Value::as_str).unwrap_or(""),
                "{name}: boot_type"
            );
            let raw_maintenances = raw.get("maintenances").and_then(Value::as_array);
            assert_eq!(
                instance(server).maintenances.len(),
                raw_maintenances.map_or(0, Vec::len),
                "{name}: maintenances"
            );
        }
        servers_read += fleet.len();
        let snapshot = Snapshot::default().with_poll(
            Product::Instance,
            "fr-par-1",
            Ok(fleet.into()),
            std::time::SystemTime::now(),
            Duration::ZERO,
        );
        let (text, series) = render(&snapshot, &OwnMetrics::new());
        assert!(series > 0 && text.ends_with('\n'), "{name}: renders");
    }
    assert!(
        bodies >= 14,
        "read {bodies} bodies: is the corpus complete?"
    );
    assert!(servers_read >= 50, "read {servers_read} servers");
}

/// The one recorded server body that says `"end_of_service": true` (a `START1-S`, answered
/// to its creation) exports it as 1.
#[test]
#[ignore = "needs the shared API corpus: set SCALEWAY_API_CORPUS"]
fn the_recorded_end_of_service_server_is_exported_as_end_of_service() {
    let files = corpus_files(&["real-19-"]);
    assert_eq!(files.len(), 1, "real-19 is in the corpus");
    let raw: Value = serde_json::from_str(&files[0].1).unwrap();
    let listing = serde_json::json!({ "servers": raw_servers(&raw).unwrap() });
    let page: ServersPage = serde_json::from_value(listing).unwrap();
    let fleet = servers_from_api(page.servers, &[]);
    let snapshot = Snapshot::default().with_poll(
        Product::Instance,
        "fr-par-1",
        Ok(fleet.into()),
        std::time::SystemTime::now(),
        Duration::ZERO,
    );
    let (text, _) = render(&snapshot, &OwnMetrics::new());
    let id = raw["server"]["id"].as_str().unwrap();
    let name = raw["server"]["name"].as_str().unwrap();
    assert!(
        text.contains(&format!(
            "scaleway_server_end_of_service{{zone=\"fr-par-1\",server_id=\"{id}\",name=\"{name}\"}} 1\n"
        )),
        "{text}"
    );
    assert!(text.contains(",boot_type=\"local\"} 1\n"));
    assert!(!text.contains("scaleway_server_maintenance_info{"));
}

#[test]
#[ignore = "needs the shared API corpus: set SCALEWAY_API_CORPUS"]
fn the_real_block_storage_list_gives_sizes_to_sbs_volumes() {
    let files = corpus_files(&["real-13-"]);
    assert_eq!(files.len(), 1);
    let page: BlockVolumesPage = serde_json::from_str(&files[0].1).unwrap();
    assert_eq!(page.total_count, Some(2));
    assert!(page.items.iter().all(|v| v.size == Some(10_000_000_000)));
    assert!(page.items.iter().all(|v| v.volume_type == "sbs_5k"));
}

#[tokio::test]
#[ignore = "needs the shared API corpus: set SCALEWAY_API_CORPUS"]
async fn every_real_error_response_becomes_a_typed_error_with_its_status_type_and_message() {
    let files = corpus_files(&["real-err-"]);
    assert!(files.len() >= 10, "found {} error files", files.len());
    // All at once: a retryable status is asked for again (with backoff) until the attempts
    // run out, so the files take the time of one instead of the sum.
    let mut checks = tokio::task::JoinSet::new();
    for (name, text) in files {
        checks.spawn(an_error_response_is_typed(name, text));
    }
    while let Some(done) = checks.join_next().await {
        if let Err(failed) = done {
            std::panic::resume_unwind(failed.into_panic());
        }
    }
}

async fn an_error_response_is_typed(name: String, text: String) {
    let recorded: Value = serde_json::from_str(&text).unwrap();
    let status = recorded["status_code"].as_u64().unwrap() as u16;
    let body = recorded["body_raw"].as_str().unwrap().to_owned();
    let mut response =
        wiremock::ResponseTemplate::new(status).set_body_raw(body.clone(), "application/json");
    if body.is_empty() {
        response = wiremock::ResponseTemplate::new(status);
    }
    let server = wiremock::MockServer::start().await;
    wiremock::Mock::given(wiremock::matchers::any())
        .respond_with(response)
        .mount(&server)
        .await;
    let client = Client::new(
        &server.uri(),
        ApiFlavor::Instance,
        TokenSource::fixed(SecretKey::new("c0a9c0de-0000-4000-8000-00000000c0a9", "test").unwrap()),
    )
    .unwrap();
    // Far past the last retry (the backoff of every attempt adds up to a few seconds): the
    // answers end the poll, never the deadline, however slow the machine. Every attempt gets
    // the same recorded answer, so the error is that answer.
    let deadline = tokio::time::Instant::now() + Duration::from_secs(60);
    let error = poll_target(&client, Product::Instance, "fr-par-1", deadline)
        .await
        .expect_err(&name);
    let expected: Value = serde_json::from_str(&body).unwrap_or(Value::Null);
    match error {
        ApiError::Status {
            status: got,
            kind,
            message,
            ..
        } => {
            assert_eq!(got, status, "{name}");
            assert_eq!(
                kind.as_deref(),
                expected.get("type").and_then(Value::as_str),
                "{name}"
            );
            assert_eq!(
                message.as_deref(),
                expected.get("message").and_then(Value::as_str),
                "{name}"
            );
        }
        other => panic!("{name}: expected a status error, got {other}"),
    }
}

#[test]
#[ignore = "needs the shared API corpus: set SCALEWAY_API_CORPUS"]
fn every_recorded_catalog_page_is_read_type_by_type_with_its_numbers() {
    let files = corpus_folder("instance-types");
    assert!(files.len() >= 4, "found {} catalog pages", files.len());
    let mut types = 0;
    for (name, text) in &files {
        let raw: Value = serde_json::from_str(text).unwrap();
        let raw = raw["servers"].as_object().unwrap();
        let page: ServerTypesPage =
            serde_json::from_str(text).unwrap_or_else(|e| panic!("{name}: {e}"));
        assert_eq!(page.servers.len(), raw.len(), "{name}: every type");
        for (commercial_type, t) in &page.servers {
            let r = &raw[commercial_type];
            assert_eq!(t.ncpus, r["ncpus"].as_u64(), "{name}: {commercial_type}");
            assert_eq!(t.ram, r["ram"].as_u64(), "{name}: {commercial_type}");
            assert_eq!(t.gpu, r["gpu"].as_u64(), "{name}: {commercial_type}");
            assert_eq!(
                t.hourly_price,
                r["hourly_price"].as_f64(),
                "{name}: {commercial_type}"
            );
            assert_eq!(
                t.end_of_service,
                r["end_of_service"].as_bool().unwrap_or(false),
                "{name}: {commercial_type}"
            );
        }
        types += page.servers.len();
    }
    assert_eq!(types, 41 + 136, "fr-par-3 whole, fr-par-1 in three pages");
}

/// Prices recorded as a JSON integer (`L4-4-24G`, 2024-2026) and as `null` (`GP1-VIZ`):
/// a real entry with either still reads, the integer as euros, the null as no price.
#[test]
#[ignore = "needs the shared API corpus: set SCALEWAY_API_CORPUS"]
fn a_real_catalog_entry_reads_with_an_integer_or_a_null_price() {
    let files = corpus_folder("instance-types");
    let raw: Value = serde_json::from_str(&files[0].1).unwrap();
    let (name, entry) = raw["servers"].as_object().unwrap().iter().next().unwrap();
    for (price, expected) in [(serde_json::json!(3), Some(3.0)), (Value::Null, None)] {
        let mut entry = entry.clone();
        entry["hourly_price"] = price.clone();
        entry["monthly_price"] = price;
        let body = serde_json::json!({ "servers": { name.clone(): entry } });
        let page: ServerTypesPage = serde_json::from_value(body).unwrap();
        assert_eq!(page.servers[name].hourly_price, expected);
    }
}

/// The API gives 50 types a page whatever `per_page` asks for here (the recorded pages are
/// served as recorded): every page is read until `X-Total-Count`, 136.
#[tokio::test]
#[ignore = "needs the shared API corpus: set SCALEWAY_API_CORPUS"]
async fn the_three_recorded_pages_of_fifty_make_one_catalog_of_136_types() {
    let pages: Vec<(String, String)> = corpus_folder("instance-types")
        .into_iter()
        .filter(|(name, _)| name.contains("fr-par-1-page-"))
        .collect();
    assert_eq!(pages.len(), 3);
    let server = wiremock::MockServer::start().await;
    for (n, (_, body)) in pages.iter().enumerate() {
        wiremock::Mock::given(wiremock::matchers::path(
            "/instance/v1/zones/fr-par-1/products/servers",
        ))
        .and(wiremock::matchers::query_param("page", (n + 1).to_string()))
        .respond_with(
            wiremock::ResponseTemplate::new(200)
                .insert_header("X-Total-Count", "136")
                .set_body_raw(body.clone(), "application/json"),
        )
        .expect(1)
        .mount(&server)
        .await;
    }
    let client = Client::new(
        &server.uri(),
        ApiFlavor::Instance,
        TokenSource::fixed(SecretKey::new("c0a9c0de-0000-4000-8000-00000000c0a9", "test").unwrap()),
    )
    .unwrap();
    let deadline = tokio::time::Instant::now() + Duration::from_secs(30);
    let types = client
        .list_server_types("fr-par-1", deadline)
        .await
        .unwrap();
    assert_eq!(types.len(), 136);
    assert!(types["START1-S"].end_of_service, "a type of the last page");
    assert_eq!(
        types["L4-1-24G"].gpu,
        Some(1),
        "a GPU type of the first page"
    );
}

#[test]
#[ignore = "needs the shared API corpus: set SCALEWAY_API_CORPUS"]
fn the_recorded_projects_list_gives_every_project_with_its_free_text_name() {
    let files = corpus_folder("account");
    assert!(!files.is_empty());
    for (name, text) in &files {
        let page: ProjectsPage =
            serde_json::from_str(text).unwrap_or_else(|e| panic!("{name}: {e}"));
        assert_eq!(page.total_count, Some(page.projects.len() as u64), "{name}");
        let projects = scaleway_exporter::inventory::projects_from_api(page.projects);
        assert_eq!(
            Some(projects.len() as u64),
            serde_json::from_str::<Value>(text).unwrap()["total_count"].as_u64()
        );
        assert!(projects.iter().any(|p| p.name.contains(' ')), "{name}");
        assert!(
            projects
                .iter()
                .any(|p| p.name == "default" && p.id == p.organization_id),
            "{name}: the default project has the organization's id"
        );
    }
}

// ------------------------------------------------------------------------------------------
// Elastic Metal, Apple silicon and the zone a product does not serve
// ------------------------------------------------------------------------------------------

/// The server objects of a product body, as raw JSON: a list `{"total_count", "servers"}`, or
/// a GET-one body, which is the bare server object.
fn product_servers(body: &Value) -> Vec<Value> {
    match body.get("servers") {
        Some(list) => list.as_array().unwrap().clone(),
        None => vec![body.clone()],
    }
}

/// Reads a product body the way the exporter does: a list through `ServersPage<S>` (its
/// `total_count` checked against its length), a GET-one body as `S` itself.
fn product_body_read<S>(name: &str, text: &str) -> Vec<Server>
where
    S: serde::de::DeserializeOwned + Into<Server>,
{
    let raw: Value = serde_json::from_str(text).unwrap();
    if raw.get("servers").is_some() {
        let page: ServersPage<S> =
            serde_json::from_str(text).unwrap_or_else(|e| panic!("{name}: {e}"));
        assert_eq!(
            page.total_count,
            Some(page.servers.len() as u64),
            "{name}: the total is in the body"
        );
        page.servers.into_iter().map(Into::into).collect()
    } else {
        let one: S = serde_json::from_str(text).unwrap_or_else(|e| panic!("{name}: {e}"));
        vec![one.into()]
    }
}

/// [`product_body_read`], with what every product's server has in common with its raw JSON
/// checked: id, name, product, the state as the API spells it, project. Each server comes
/// with its raw JSON.
fn recorded_servers<S>(product: Product, name: &str, text: &str) -> (Vec<Server>, Vec<Value>)
where
    S: serde::de::DeserializeOwned + Into<Server>,
{
    let raw = product_servers(&serde_json::from_str(text).unwrap());
    let fleet = product_body_read::<S>(name, text);
    assert_eq!(fleet.len(), raw.len(), "{name}: every server");
    for (server, raw) in fleet.iter().zip(&raw) {
        let what = format!("{name}: {}", server.id);
        assert_eq!(server.id, raw["id"].as_str().unwrap(), "{what}");
        assert_eq!(server.name, raw["name"].as_str().unwrap(), "{what}");
        assert_eq!(server.product(), product, "{what}");
        assert_eq!(
            server.state.label(),
            raw["status"].as_str().unwrap(),
            "{what}"
        );
        assert_eq!(
            server.project_id,
            raw["project_id"].as_str().unwrap(),
            "{what}"
        );
    }
    (fleet, raw)
}

/// The addresses of a server as (address, family label), in order.
fn addresses(server: &Server) -> Vec<(String, &'static str)> {
    server
        .addresses
        .iter()
        .map(|a| (a.address.clone(), a.family.as_str()))
        .collect()
}

fn strings(raw: &Value) -> Vec<String> {
    raw.as_array()
        .map(|items| {
            items
                .iter()
                .map(|i| i.as_str().unwrap().to_owned())
                .collect()
        })
        .unwrap_or_default()
}

/// A snapshot holding one product's zone, polled with `servers`.
fn snapshot_of(product: Product, servers: Vec<Server>) -> Snapshot {
    Snapshot::default().with_poll(
        product,
        "fr-par-1",
        Ok(ZonePoll::from(servers)),
        std::time::SystemTime::now(),
        Duration::ZERO,
    )
}

#[test]
#[ignore = "needs the shared API corpus: set SCALEWAY_API_CORPUS"]
fn every_recorded_elastic_metal_body_reads_with_its_state_offer_addresses_tags_and_ping() {
    let files = corpus_folder("elastic-metal");
    assert!(
        files.len() >= 7,
        "found {} Elastic Metal bodies",
        files.len()
    );
    let mut states_seen = std::collections::BTreeSet::new();
    let mut ipv6_first = 0;
    let mut servers_read = 0;
    for (name, text) in &files {
        let (fleet, raw) =
            recorded_servers::<ElasticMetalServer>(Product::ElasticMetal, name, text);
        for (server, raw) in fleet.iter().zip(&raw) {
            let what = format!("{name}: {}", server.id);
            assert!(
                server.state != State::unknown(Product::ElasticMetal),
                "{what}: every recorded status is a named state"
            );
            states_seen.insert(server.state.label());
            assert_eq!(server.is_up(), server.state.label() == "ready", "{what}");
            assert_eq!(
                server.server_type,
                raw["offer_name"].as_str().unwrap(),
                "{what}"
            );
            assert_eq!(
                server.organization_id,
                raw["organization_id"].as_str().unwrap(),
                "{what}"
            );
            assert_eq!(server.tags, strings(&raw["tags"]), "{what}: tags exact");
            let expected: Vec<(String, &str)> = raw["ips"]
                .as_array()
                .unwrap()
                .iter()
                .map(|ip| {
                    let family = match ip["version"].as_str().unwrap() {
                        "IPv4" => "inet",
                        "IPv6" => "inet6",
                        other => panic!("{what}: version {other}"),
                    };
                    (ip["address"].as_str().unwrap().to_owned(), family)
                })
                .collect();
            assert_eq!(
                addresses(server),
                expected,
                "{what}: addresses in API order"
            );
            if expected.first().is_some_and(|(_, f)| *f == "inet6") {
                ipv6_first += 1;
            }
            let ping_up = match raw["ping_status"].as_str().unwrap() {
                "ping_status_up" => Some(true),
                "ping_status_down" => Some(false),
                "ping_status_unknown" => None,
                other => panic!("{what}: ping_status {other}"),
            };
            assert_eq!(
                server.detail::<ElasticMetalDetail>().map(|d| d.ping_up),
                Some(ping_up),
                "{what}"
            );
            assert_eq!(
                server.created,
                unix_seconds(raw["created_at"].as_str().unwrap()),
                "{what}"
            );
            assert!(server.created.is_some(), "{what}: creation date");
        }
        servers_read += fleet.len();
        let (exposition, _) = render(
            &snapshot_of(Product::ElasticMetal, fleet),
            &OwnMetrics::new(),
        );
        for server in &raw {
            let id = server["id"].as_str().unwrap();
            let status = server["status"].as_str().unwrap();
            assert!(
                exposition.contains(&format!(
                    "scaleway_elastic_metal_server_state{{zone=\"fr-par-1\",server_id=\"{id}\",name=\"{}\",state=\"{status}\"}} 1\n",
                    server["name"].as_str().unwrap()
                )),
                "{name}: {id} is exported in {status}"
            );
        }
    }
    let expected_states: std::collections::BTreeSet<&str> =
        ["ordered", "delivering", "ready", "error", "deleting"].into();
    assert_eq!(states_seen, expected_states);
    assert!(
        ipv6_first >= 3,
        "bodies with the IPv6 address first: {ipv6_first}"
    );
    assert!(servers_read >= 8, "read {servers_read} servers");
}

#[test]
#[ignore = "needs the shared API corpus: set SCALEWAY_API_CORPUS"]
fn every_recorded_apple_silicon_body_reads_and_its_credentials_never_reach_the_inventory() {
    let files = corpus_folder("apple-silicon");
    assert!(
        files.len() >= 4,
        "found {} Apple silicon bodies",
        files.len()
    );
    let mut states_seen = std::collections::BTreeSet::new();
    let mut with_os = 0;
    let mut with_credentials = 0;
    for (name, text) in &files {
        let (fleet, raw) =
            recorded_servers::<AppleSiliconServer>(Product::AppleSilicon, name, text);
        for (server, raw) in fleet.iter().zip(&raw) {
            let what = format!("{name}: {}", server.id);
            assert_ne!(
                server.state,
                State::unknown(Product::AppleSilicon),
                "{what}"
            );
            states_seen.insert(server.state.label());
            assert_eq!(server.server_type, raw["type"].as_str().unwrap(), "{what}");
            assert_eq!(server.tags, strings(&raw["tags"]), "{what}: tags exact");
            assert_eq!(
                addresses(server),
                [(raw["ip"].as_str().unwrap().to_owned(), "inet")],
                "{what}: its one IPv4 address"
            );
            let os_name = raw["os"]["name"].as_str().unwrap_or("").to_owned();
            with_os += usize::from(!os_name.is_empty());
            let deletable = unix_seconds(raw["deletable_at"].as_str().unwrap());
            assert!(deletable.is_some(), "{what}: deletable_at");
            assert_eq!(
                server.detail::<AppleSiliconDetail>(),
                Some(&AppleSiliconDetail { os_name, deletable }),
                "{what}"
            );
            assert!(server.created.is_some(), "{what}: creation date");
            if raw.get("vnc_url").is_some() {
                with_credentials += 1;
            }
        }
        // The recorded passwords are replaced in the corpus by one marker: neither it nor
        // the names of the fields that hold them reach the model, the inventory or /metrics.
        for model in &raw {
            let parsed = AppleSiliconServer::deserialize(model).unwrap();
            let debug = format!("{parsed:?}");
            assert!(!debug.contains("REDACTED-IN-CORPUS"), "{name}: {debug}");
        }
        let debug = format!("{fleet:?}");
        for secret in ["REDACTED-IN-CORPUS", "vnc", "sudo"] {
            assert!(!debug.contains(secret), "{name}: {secret} in {debug}");
        }
        let (exposition, _) = render(
            &snapshot_of(Product::AppleSilicon, fleet),
            &OwnMetrics::new(),
        );
        assert!(!exposition.contains("REDACTED-IN-CORPUS"), "{name}");
    }
    let expected_states: std::collections::BTreeSet<&str> =
        ["starting", "ready", "rebooting"].into();
    assert_eq!(states_seen, expected_states);
    assert_eq!(with_os, 1, "only the 2026 body has an os");
    assert!(
        with_credentials >= 3,
        "the bodies carry their (redacted) credentials"
    );
}

/// Serves one recorded error envelope's status and exact body.
fn recorded_answer(file: &str) -> (u16, String) {
    let files = corpus_files(&[file]);
    assert_eq!(files.len(), 1, "{file} is in the corpus");
    let recorded: Value = serde_json::from_str(&files[0].1).unwrap();
    (
        recorded["status_code"].as_u64().unwrap() as u16,
        recorded["body_raw"].as_str().unwrap().to_owned(),
    )
}

fn client_of(server: &wiremock::MockServer) -> Client {
    Client::new(
        &server.uri(),
        ApiFlavor::Instance,
        TokenSource::fixed(SecretKey::new("c0a9c0de-0000-4000-8000-00000000c0a9", "test").unwrap()),
    )
    .unwrap()
}

/// The gateway's recorded `501 {"message":"unknown service"}` (Elastic Metal's v1 in fr-par-1,
/// 2021) is read as "this product is not in this zone": asked once, never again that run, and
/// the zone leaves the snapshot instead of failing; the other zone is polled as usual.
#[tokio::test]
#[ignore = "needs the shared API corpus: set SCALEWAY_API_CORPUS"]
async fn the_recorded_501_unknown_service_leaves_the_zone_out_instead_of_failing_it() {
    let (status, body) = recorded_answer("real-err-501-");
    assert_eq!(status, 501);
    assert_eq!(body, r#"{"message":"unknown service"}"#);
    let listed = corpus_folder("elastic-metal")
        .into_iter()
        .find(|(name, _)| name.starts_with("real-bm-01-"))
        .unwrap()
        .1;
    let server = wiremock::MockServer::start().await;
    wiremock::Mock::given(wiremock::matchers::path(
        "/baremetal/v1/zones/fr-par-1/servers",
    ))
    .respond_with(
        wiremock::ResponseTemplate::new(status).set_body_raw(body.clone(), "application/json"),
    )
    .expect(2)
    .mount(&server)
    .await;
    wiremock::Mock::given(wiremock::matchers::path(
        "/baremetal/v1/zones/fr-par-2/servers",
    ))
    .respond_with(wiremock::ResponseTemplate::new(200).set_body_raw(listed, "application/json"))
    .mount(&server)
    .await;
    let client = client_of(&server);

    // What the API client makes of it: the status and message, once (a 501 is not retried).
    let deadline = tokio::time::Instant::now() + Duration::from_secs(30);
    match poll_target(&client, Product::ElasticMetal, "fr-par-1", deadline).await {
        Err(ApiError::Status {
            status: 501,
            kind: None,
            message,
            ..
        }) => assert_eq!(message.as_deref(), Some("unknown service")),
        other => panic!("expected the 501, got {other:?}"),
    }

    // What the poller makes of it: one more request at the first poll, none at the second.
    let targets = ["fr-par-1", "fr-par-2"]
        .map(|zone| ProductZone::new(Product::ElasticMetal, zone))
        .to_vec();
    let poller = Poller::new(
        client,
        targets,
        vec![Product::ElasticMetal],
        Duration::from_secs(30),
        OwnMetrics::new(),
    );
    for _ in 0..2 {
        let published = poller.poll_once().await;
        let snapshot = &published.snapshot;
        assert!(snapshot.zone(Product::ElasticMetal, "fr-par-1").is_none());
        let served = snapshot.zone(Product::ElasticMetal, "fr-par-2").unwrap();
        assert!(served.last_poll_succeeded());
        assert_eq!(snapshot.servers().count(), 3);
        let text = published.exposition.text();
        assert!(
            text.contains(
                "scaleway_exporter_poll_success{product=\"elastic-metal\",zone=\"fr-par-2\"} 1\n"
            ),
            "{text}"
        );
        assert!(!text.contains("zone=\"fr-par-1\""), "{text}");
    }
}

/// IAM's recorded 403 body (`permissions_denied`, recorded for Apple silicon) in every zone of
/// a product nobody named leaves the product out at the first poll; the others stay.
#[tokio::test]
#[ignore = "needs the shared API corpus: set SCALEWAY_API_CORPUS"]
async fn the_recorded_iam_403_in_every_zone_leaves_an_unnamed_product_out() {
    let (status, body) = recorded_answer("real-err-403-apple-silicon-");
    assert_eq!(status, 403);
    let server = wiremock::MockServer::start().await;
    wiremock::Mock::given(wiremock::matchers::path_regex(
        "^/apple-silicon/v1alpha1/zones/[a-z0-9-]+/servers$",
    ))
    .respond_with(wiremock::ResponseTemplate::new(status).set_body_raw(body, "application/json"))
    .mount(&server)
    .await;
    wiremock::Mock::given(wiremock::matchers::path(
        "/baremetal/v1/zones/fr-par-2/servers",
    ))
    .respond_with(
        wiremock::ResponseTemplate::new(200)
            .set_body_raw(r#"{"total_count":0, "servers":[]}"#, "application/json"),
    )
    .mount(&server)
    .await;
    let targets = vec![
        ProductZone::new(Product::ElasticMetal, "fr-par-2"),
        ProductZone::new(Product::AppleSilicon, "fr-par-1"),
        ProductZone::new(Product::AppleSilicon, "fr-par-3"),
    ];
    let poller = Poller::new(
        client_of(&server),
        targets,
        Vec::new(),
        Duration::from_secs(30),
        OwnMetrics::new(),
    );
    let published = poller.poll_once().await;
    let snapshot = &published.snapshot;
    assert!(!snapshot.enabled[&Product::AppleSilicon]);
    assert!(snapshot.enabled[&Product::ElasticMetal]);
    assert!(snapshot.zone(Product::AppleSilicon, "fr-par-1").is_none());
    let text = published.exposition.text();
    assert!(
        text.contains("scaleway_exporter_product_enabled{product=\"apple-silicon\"} 0\n"),
        "{text}"
    );
}

/// The simulator's pages, read by the exporter's own client, fill the same fields of the
/// inventory as the recorded bodies do: a field the real API fills that the simulator leaves
/// empty (or the other way round) would make the demo and the tests show what production
/// never does.
#[tokio::test]
#[ignore = "needs the shared API corpus: set SCALEWAY_API_CORPUS"]
async fn a_simulated_page_fills_the_same_inventory_fields_as_the_recorded_bodies() {
    let config = scaleway_simulator::SimulatorConfig {
        zones: vec!["fr-par-1".to_owned()],
        servers_per_zone: 0,
        seed: 7,
        token: "c0a9c0de-0000-4000-8000-00000000c0a9".to_owned(),
        products: scaleway_simulator::ProductCounts::all(60),
        ..scaleway_simulator::SimulatorConfig::default()
    };
    let simulator = scaleway_simulator::Simulator::new(config);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let (_stop, shutdown) = scaleway_exporter::Shutdown::new();
    tokio::spawn(simulator.serve(listener, shutdown.wait()));
    let client = Client::new(
        &url,
        ApiFlavor::Instance,
        TokenSource::fixed(SecretKey::new("c0a9c0de-0000-4000-8000-00000000c0a9", "test").unwrap()),
    )
    .unwrap();
    // Apple silicon tags are `[]` in every recording (the key is there since December 2025);
    // the simulator tags some servers so that the tag series have something to show.
    for (product, folder, beyond_recordings) in [
        (Product::ElasticMetal, "elastic-metal", &[][..]),
        (Product::AppleSilicon, "apple-silicon", &["tags"][..]),
    ] {
        let mut recorded = Vec::new();
        for (name, text) in corpus_folder(folder) {
            recorded.extend(match product {
                Product::ElasticMetal => product_body_read::<ElasticMetalServer>(&name, &text),
                _ => product_body_read::<AppleSiliconServer>(&name, &text),
            });
        }
        let deadline = tokio::time::Instant::now() + Duration::from_secs(30);
        let simulated = poll_target(&client, product, "fr-par-1", deadline)
            .await
            .unwrap()
            .servers;
        assert_eq!(simulated.len(), 60, "{product}");
        let mut expected = filled_fields(&recorded);
        expected.extend(beyond_recordings.iter().map(|f| (*f).to_owned()));
        assert_eq!(
            filled_fields(&simulated),
            expected,
            "{product}: fields filled in some server (simulated, then recorded)"
        );
        for server in &simulated {
            assert_eq!(server.product(), product, "{product}: {}", server.state);
        }
    }
}

/// The names of the inventory fields that some server of `fleet` fills, with the address
/// families seen.
fn filled_fields(fleet: &[Server]) -> std::collections::BTreeSet<String> {
    let mut out = std::collections::BTreeSet::new();
    for server in fleet {
        let mut fill = |field: &str, filled: bool| {
            if filled {
                out.insert(field.to_owned());
            }
        };
        fill("name", !server.name.is_empty());
        fill("type", !server.server_type.is_empty());
        fill("project_id", !server.project_id.is_empty());
        fill("organization_id", !server.organization_id.is_empty());
        fill("created", server.created.is_some());
        fill("tags", !server.tags.is_empty());
        for address in &server.addresses {
            fill(&format!("address {}", address.family.as_str()), true);
        }
        match &server.detail {
            Detail::Instance(_) => {}
            Detail::ElasticMetal(ElasticMetalDetail { ping_up, offer_id }) => {
                fill("ping_up", ping_up.is_some());
                fill("offer_id", !offer_id.is_empty());
            }
            Detail::AppleSilicon(AppleSiliconDetail { os_name, deletable }) => {
                fill("os_name", !os_name.is_empty());
                fill("deletable", deletable.is_some());
            }
            Detail::Dedibox(DediboxDetail {
                datacenter,
                expiration,
                offer_id,
            }) => {
                fill("offer_id", !offer_id.is_empty());
                fill("datacenter", !datacenter.is_empty());
                fill("expiration", expiration.is_some());
            }
        }
    }
    out
}
