//! Every recorded real response (docs/api-notes.md#recorded-responses) is read correctly: the bodies
//! parse into the exporter's model, every server comes out once with its state and sizes,
//! and every real error becomes a typed error with the API's status, type and message.
//!
//! The corpus is not part of the project: these tests read it from the folder named by
//! `SCALEWAY_API_CORPUS` (`.ci/run` sets it), and are ignored otherwise.

use std::path::PathBuf;
use std::time::Duration;

use scaleway_exporter::api::model::{BlockVolumesPage, ProjectsPage, ServerTypesPage, ServersPage};
use scaleway_exporter::api::ApiFlavor;
use scaleway_exporter::api::{ApiError, Client};
use scaleway_exporter::inventory::{servers_from_api, Snapshot, State};
use scaleway_exporter::metrics::{render, OwnMetrics};
use scaleway_exporter::poller::poll_zone;
use scaleway_exporter::{SecretKey, TokenSource};
use serde_json::Value;

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
                server.state.as_str(),
                expected_state,
                "{name}: {}",
                server.id
            );
            assert_ne!(
                server.state,
                State::Unknown,
                "{name}: every recorded state is a known one"
            );
            let raw_volumes = raw["volumes"].as_object().unwrap();
            assert_eq!(
                server.volumes.len(),
                raw_volumes.len(),
                "{name}: every volume"
            );
            for volume in &server.volumes {
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
                server.end_of_service,
                raw.get("end_of_service").and_then(Value::as_bool) == Some(true),
                "{name}: end_of_service"
            );
            assert_eq!(
                server.boot_type,
                raw.get("boot_type").and_then(Value::as_str).unwrap_or(""),
                "{name}: boot_type"
            );
            let raw_maintenances = raw.get("maintenances").and_then(Value::as_array);
            assert_eq!(
                server.maintenances.len(),
                raw_maintenances.map_or(0, Vec::len),
                "{name}: maintenances"
            );
        }
        servers_read += fleet.len();
        let snapshot = Snapshot::new(&["fr-par-1".to_owned()]).with_poll(
            "fr-par-1",
            Ok(fleet),
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
    let snapshot = Snapshot::new(&["fr-par-1".to_owned()]).with_poll(
        "fr-par-1",
        Ok(fleet),
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
    assert!(page.volumes.iter().all(|v| v.size == Some(10_000_000_000)));
    assert!(page.volumes.iter().all(|v| v.volume_type == "sbs_5k"));
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
        OwnMetrics::new().api_requests,
    )
    .unwrap();
    // Far past the last retry (the backoff of every attempt adds up to a few seconds): the
    // answers end the poll, never the deadline, however slow the machine. Every attempt gets
    // the same recorded answer, so the error is that answer.
    let deadline = tokio::time::Instant::now() + Duration::from_secs(60);
    let error = poll_zone(&client, "fr-par-1", deadline)
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
        OwnMetrics::new().api_requests,
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
