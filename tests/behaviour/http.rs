//! The HTTP endpoints over real TCP: metrics (plain and gzip), landing page, health, readiness,
//! and the golden exposition of a fixed fleet.

use std::io::Read as _;

use wiremock::matchers::{method, path, query_param};
use wiremock::{Mock, MockServer, ResponseTemplate};

use crate::common::*;

const TOKEN: &str = "70c5c1e0-fa0d-4157-a1c7-5ec2e75ec2e7";

fn fixture(name: &str) -> String {
    std::fs::read_to_string(format!(
        "{}/tests/fixtures/{name}",
        env!("CARGO_MANIFEST_DIR")
    ))
    .unwrap()
}

/// An exporter of `zones` against [`fixture_api`], not yet polled; keep the API alive.
async fn fixture_exporter(zones: &[&str]) -> (MockServer, TestExporter) {
    let api = fixture_api().await;
    let config = exporter_config_builder(&api.uri(), zones, TOKEN)
        .products([])
        .build()
        .unwrap();
    let exporter = start_exporter(&config).await;
    (api, exporter)
}

/// A fake API serving the quirky fixture fleet of every product in fr-par-1 (hostile names,
/// repeated tags, states no release knows, the Apple silicon secrets) and nothing in
/// nl-ams-1, where Apple silicon is not asked (it is known not to be there).
async fn fixture_api() -> MockServer {
    let api = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/instance/v1/zones/fr-par-1/servers"))
        .respond_with(
            ResponseTemplate::new(200)
                .insert_header("X-Total-Count", "4")
                .set_body_raw(fixture("servers-quirks.json"), "application/json"),
        )
        .mount(&api)
        .await;
    Mock::given(method("GET"))
        .and(path("/block/v1/zones/fr-par-1/volumes"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_raw(fixture("block-volumes.json"), "application/json"),
        )
        .mount(&api)
        .await;
    // The catalog: a null price, an integer one, and a type no server uses (no series).
    for zone in ["fr-par-1", "nl-ams-1"] {
        Mock::given(method("GET"))
            .and(path(format!("/instance/v1/zones/{zone}/products/servers")))
            .respond_with(
                ResponseTemplate::new(200)
                    .insert_header("X-Total-Count", "4")
                    .set_body_raw(fixture("server-types.json"), "application/json"),
            )
            .mount(&api)
            .await;
    }
    Mock::given(method("GET"))
        .and(path("/account/v3/projects"))
        .and(query_param("organization_id", "0rg-0001"))
        .respond_with(
            ResponseTemplate::new(200).set_body_raw(fixture("projects.json"), "application/json"),
        )
        .mount(&api)
        .await;
    for (base, fixture_name) in [
        ("/baremetal/v1", "elastic-metal-quirks.json"),
        ("/apple-silicon/v1alpha1", "apple-silicon-quirks.json"),
        ("/dedibox/v1", "dedibox-quirks.json"),
    ] {
        Mock::given(method("GET"))
            .and(path(format!("{base}/zones/fr-par-1/servers")))
            .respond_with(
                ResponseTemplate::new(200).set_body_raw(fixture(fixture_name), "application/json"),
            )
            .mount(&api)
            .await;
        Mock::given(method("GET"))
            .and(path(format!("{base}/zones/nl-ams-1/servers")))
            .respond_with(
                ResponseTemplate::new(200)
                    .set_body_raw(r#"{"total_count":0,"servers":[]}"#, "application/json"),
            )
            .mount(&api)
            .await;
    }
    Mock::given(method("GET"))
        .and(path("/instance/v1/zones/nl-ams-1/servers"))
        .respond_with(
            ResponseTemplate::new(200)
                .insert_header("X-Total-Count", "0")
                .set_body_raw(r#"{"servers": []}"#, "application/json"),
        )
        .mount(&api)
        .await;
    mount_leftovers_and_prices(&api).await;
    api
}

/// What fr-par-1 holds beside its servers (a volume, an IP and a snapshot of each kind, held
/// and left behind), the prices of what it uses and of what it does not, and the bill; empty
/// lists in nl-ams-1.
async fn mount_leftovers_and_prices(api: &MockServer) {
    let lists: [(&str, &str, &str, bool); 9] = [
        ("/instance/v1", "volumes", "instance-volumes.json", true),
        ("/instance/v1", "ips", "instance-ips.json", true),
        ("/instance/v1", "snapshots", "instance-snapshots.json", true),
        ("/block/v1", "snapshots", "block-snapshots.json", false),
        ("/block/v1", "volume-types", "volume-types.json", false),
        ("/flexible-ip/v1alpha1", "fips", "fips.json", false),
        ("/dedibox/v1", "offers", "dedibox-offers.json", false),
        (
            "/baremetal/v1",
            "offers",
            "elastic-metal-offers-hourly.json",
            false,
        ),
        ("/block/v1", "volumes", "", false),
    ];
    for (base, list, file, instance_paging) in lists {
        let key = match list {
            "fips" => "flexible_ips",
            "volume-types" => "volume_types",
            other => other,
        };
        let empty = format!(r#"{{"total_count":0,"{key}":[]}}"#);
        for zone in ["fr-par-1", "nl-ams-1"] {
            let body = match (zone, file) {
                ("fr-par-1", "") => continue, // mounted with the servers
                ("fr-par-1", file) => fixture(&format!("leftovers/{file}")),
                _ => empty.clone(),
            };
            let items = serde_json::from_str::<serde_json::Value>(&body).unwrap()[key]
                .as_array()
                .map_or(0, Vec::len);
            let mut answer = ResponseTemplate::new(200).set_body_raw(body, "application/json");
            if instance_paging {
                answer = answer.insert_header("X-Total-Count", items.to_string().as_str());
            }
            let monthly = (list == "offers" && base == "/baremetal/v1" && zone == "fr-par-1")
                .then(|| fixture("leftovers/elastic-metal-offers-monthly.json"));
            if let Some(monthly) = monthly {
                Mock::given(method("GET"))
                    .and(path(format!("{base}/zones/{zone}/{list}")))
                    .and(query_param("subscription_period", "monthly"))
                    .respond_with(
                        ResponseTemplate::new(200).set_body_raw(monthly, "application/json"),
                    )
                    .with_priority(1)
                    .mount(api)
                    .await;
            }
            Mock::given(method("GET"))
                .and(path(format!("{base}/zones/{zone}/{list}")))
                .respond_with(answer)
                .mount(api)
                .await;
        }
    }
    Mock::given(method("GET"))
        .and(path("/billing/v2beta1/consumptions"))
        .and(query_param("organization_id", "0rg-0001"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_raw(fixture("leftovers/consumptions.json"), "application/json"),
        )
        .mount(api)
        .await;
}

/// The exposition without what changes from run to run: process metrics, poll times and
/// durations, the build's revision, and the month billed.
fn stable_part(text: &str) -> String {
    text.lines()
        .filter(|line| !line.contains("process_"))
        .map(|line| {
            if line.starts_with("scaleway_exporter_last_success_timestamp_seconds{")
                || line.starts_with("scaleway_exporter_poll_duration_seconds{")
            {
                let (series, _) = line.rsplit_once(' ').unwrap();
                format!("{series} <varies>")
            } else if line.contains("billing_period=\"") {
                let month = line.split("billing_period=\"").nth(1).unwrap_or("");
                line.replacen(&month[..7.min(month.len())], "<this month>", 1)
            } else if line.starts_with("scaleway_exporter_build_info{") {
                "scaleway_exporter_build_info{<this build>} 1".to_owned()
            } else {
                line.to_owned()
            }
        })
        .collect::<Vec<_>>()
        .join("\n")
        + "\n"
}

#[tokio::test]
async fn the_exposition_of_a_fixed_fleet_matches_the_golden_file() {
    let (_api, exporter) = fixture_exporter(&["fr-par-1", "nl-ams-1"]).await;
    exporter.poller.poll_once().await;
    let got = stable_part(&exporter.scrape().await.text);
    for secret in ["SECRET-SUDO", "SECRET-RUNNER-TOKEN", "U0VDUkVULURBVEE="] {
        assert!(!got.contains(secret), "the fixtures' {secret} is exported");
    }
    let golden_path = format!("{}/tests/golden/metrics.txt", env!("CARGO_MANIFEST_DIR"));
    if std::env::var_os("UPDATE_GOLDEN").is_some() {
        std::fs::write(&golden_path, &got).unwrap();
    }
    let want =
        std::fs::read_to_string(&golden_path).expect("golden file; UPDATE_GOLDEN=1 writes it");
    assert_eq!(
        got, want,
        "the exposition changed; review, then UPDATE_GOLDEN=1 cargo test --test behaviour http::"
    );
}

#[tokio::test]
#[ignore = "needs promtool (Debian package prometheus)"]
async fn promtool_finds_no_problem_in_the_exposition() {
    let (_api, exporter) = fixture_exporter(&["fr-par-1", "nl-ams-1"]).await;
    exporter.poller.poll_once().await;
    let text = exporter.scrape().await.text;
    let mut child = std::process::Command::new("promtool")
        .args(["check", "metrics"])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("promtool is installed");
    std::io::Write::write_all(&mut child.stdin.take().unwrap(), text.as_bytes()).unwrap();
    let output = child.wait_with_output().unwrap();
    let said = format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(
        output.status.success() && said.trim().is_empty(),
        "promtool check metrics:\n{said}"
    );
}

#[tokio::test]
async fn metrics_are_gzipped_when_asked_and_decompress_to_the_plain_body() {
    let (_api, exporter) = fixture_exporter(&["fr-par-1"]).await;
    exporter.poller.poll_once().await;
    let client = reqwest::Client::new();
    let plain = client
        .get(format!("{}/metrics", exporter.url))
        .send()
        .await
        .unwrap();
    assert_eq!(
        plain.headers()["content-type"],
        "text/plain; version=0.0.4; charset=utf-8"
    );
    assert!(plain.headers().get("content-encoding").is_none());
    let plain = plain.text().await.unwrap();
    let zipped = client
        .get(format!("{}/metrics", exporter.url))
        .header("Accept-Encoding", "gzip")
        .send()
        .await
        .unwrap();
    assert_eq!(zipped.headers()["content-encoding"], "gzip");
    let bytes = zipped.bytes().await.unwrap();
    assert!(bytes.len() < plain.len());
    let mut unzipped = String::new();
    flate2::read::GzDecoder::new(&bytes[..])
        .read_to_string(&mut unzipped)
        .unwrap();
    assert_eq!(unzipped, plain);
}

#[tokio::test]
async fn readyz_waits_for_every_zone_of_every_product_and_healthz_answers_from_the_start() {
    let (_api, exporter) = fixture_exporter(&["fr-par-1", "nl-ams-1"]).await;
    let client = reqwest::Client::new();
    let ready = client
        .get(format!("{}/readyz", exporter.url))
        .send()
        .await
        .unwrap();
    assert_eq!(ready.status(), 503);
    assert_eq!(
        ready.text().await.unwrap(),
        "waiting for the first poll of: fr-par-1, nl-ams-1, elastic-metal/fr-par-1, \
         elastic-metal/nl-ams-1, apple-silicon/fr-par-1, dedibox/fr-par-1, dedibox/nl-ams-1\n",
        "Instance zones by name, the others' as product/zone; Apple silicon is not in nl-ams-1"
    );
    assert_eq!(
        client
            .get(format!("{}/healthz", exporter.url))
            .send()
            .await
            .unwrap()
            .status(),
        200
    );
    let before = exporter.scrape().await;
    assert!(
        before.text.contains("scaleway_exporter_build_info"),
        "/metrics answers before the first poll"
    );

    exporter.poller.poll_once().await;
    assert_eq!(
        client
            .get(format!("{}/readyz", exporter.url))
            .send()
            .await
            .unwrap()
            .status(),
        200
    );
}

#[tokio::test]
async fn the_landing_page_shows_the_version_each_zone_and_a_link_to_the_metrics() {
    let (_api, exporter) = fixture_exporter(&["fr-par-1", "nl-ams-1"]).await;
    let page = get_text(&exporter.url).await;
    assert!(page.contains("not yet polled"));
    exporter.poller.poll_once().await;
    let page = get_text(&format!("{}/", exporter.url)).await;
    assert!(page.contains(scaleway_exporter::build_info::VERSION));
    assert!(page.contains(r#"<a href="/metrics">/metrics</a>"#));
    assert!(
        page.contains("<td>fr-par-1</td><td>4</td><td class=\"ok\">ok</td>"),
        "{page}"
    );
    assert!(page.contains("<td>nl-ams-1</td><td>0</td>"), "{page}");
    assert!(page.contains(" ago</td>"));
}

#[tokio::test]
async fn the_token_never_appears_in_metrics_or_on_the_landing_page() {
    let api = MockServer::start().await;
    // An API that echoes the key back in its error message must not make us repeat it.
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(401).set_body_raw(
            format!(r#"{{"type":"denied_authentication","message":"key {TOKEN} is not valid"}}"#),
            "application/json",
        ))
        .mount(&api)
        .await;
    let exporter = start_exporter(&exporter_config(&api.uri(), &["fr-par-1"], TOKEN)).await;
    exporter.poller.poll_once().await;
    let metrics = exporter.scrape().await.text;
    let landing = get_text(&exporter.url).await;
    assert!(!metrics.contains(TOKEN) && !landing.contains(TOKEN));
    assert!(
        landing.contains("key &lt;redacted&gt; is not valid"),
        "{landing}"
    );
}

#[tokio::test]
async fn unknown_paths_are_404() {
    let (_api, exporter) = fixture_exporter(&["fr-par-1"]).await;
    let response = reqwest::get(format!("{}/nope", exporter.url))
        .await
        .unwrap();
    assert_eq!(response.status(), 404);
}

/// The router's fallback answers 404: each reserved path must answer something else, or the
/// list the telemetry path is checked against names a path the router no longer serves.
#[tokio::test]
async fn every_path_the_telemetry_path_may_not_take_is_a_page_of_the_exporter() {
    let exporter =
        start_exporter(&exporter_config("http://127.0.0.1:9", &["fr-par-1"], TOKEN)).await;
    let status = |path: &str| {
        let url = format!("{}{path}", exporter.url);
        async move { reqwest::get(url).await.unwrap().status().as_u16() }
    };
    assert_eq!(status("/not-a-page").await, 404);
    for path in scaleway_exporter::config::RESERVED_PATHS {
        assert_ne!(status(path).await, 404, "{path}");
    }
}
