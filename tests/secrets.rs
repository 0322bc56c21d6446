//! The API secret key: used, rotated, never shown. Each test uses a key distinctive enough
//! that finding it anywhere is a leak.

mod common;

use std::process::{Command, Stdio};
use std::time::{Duration, SystemTime};

use common::child_log::{ChildLog, KillOnDrop, START_WAIT};
use common::*;
use scaleway_exporter::api::ApiFlavor;
use scaleway_exporter::api::Client;
use scaleway_exporter::metrics::OwnMetrics;
use scaleway_exporter::{SecretKey, TokenSource};
use wiremock::matchers::{header, method};
use wiremock::{Mock, MockServer, ResponseTemplate};

const BINARY: &str = env!("CARGO_BIN_EXE_scaleway_exporter");
const SECRET: &str = "5ec7e7d1-d157-4c7e-a9f0-1ea4ed0c0de5";
/// The key before and after a rotation, and the one a file holds before it is emptied.
const OLD_KEY: &str = "01d0c0de-0000-4000-8000-0000000001d0";
const NEW_KEY: &str = "0e30c0de-0000-4000-8000-000000000e30";
const GOOD_KEY: &str = "600dc0de-0000-4000-8000-00000000600d";

fn servers_page() -> ResponseTemplate {
    ResponseTemplate::new(200)
        .insert_header("X-Total-Count", "1")
        .set_body_json(serde_json::json!({"servers": [{"id": "s1", "state": "running"}]}))
}

fn refused() -> ResponseTemplate {
    ResponseTemplate::new(401).set_body_raw(
        r#"{"message":"authentication is denied","method":"api_key","reason":"not_found","type":"denied_authentication"}"#,
        "application/json",
    )
}

/// Rewrites the key file and moves its modification time, as a secret manager does.
fn rotate(path: &std::path::Path, key: &str) {
    std::fs::write(path, format!("{key}\n")).unwrap();
    std::fs::File::options()
        .write(true)
        .open(path)
        .unwrap()
        .set_modified(SystemTime::now() + Duration::from_secs(2))
        .unwrap();
}

#[tokio::test]
async fn a_rotated_key_file_is_used_at_the_next_poll_without_a_restart() {
    let api = MockServer::start().await;
    let accepts = |key: &'static str| {
        Mock::given(method("GET"))
            .and(header("X-Auth-Token", key))
            .respond_with(servers_page())
            .with_priority(1)
    };
    accepts(OLD_KEY).mount(&api).await;
    Mock::given(method("GET"))
        .respond_with(refused())
        .with_priority(2)
        .mount(&api)
        .await;
    let dir = tempfile::tempdir().unwrap();
    let key_file = dir.path().join("scw_secret_key");
    std::fs::write(&key_file, format!("{OLD_KEY}\n")).unwrap();
    let config = exporter_config_with_token(
        &api.uri(),
        &["fr-par-1"],
        TokenSource::from_file(&key_file).unwrap(),
    )
    .build()
    .unwrap();
    let exporter = start_exporter(&config).await;
    let success = |p: &std::sync::Arc<scaleway_exporter::poller::Published>| {
        p.snapshot.zones["fr-par-1"].last_poll_succeeded()
    };
    assert!(success(&exporter.poller.poll_once().await));

    // The key is rotated in the console: the API accepts only the new one from now on.
    api.reset().await;
    accepts(NEW_KEY).mount(&api).await;
    Mock::given(method("GET"))
        .respond_with(refused())
        .with_priority(2)
        .mount(&api)
        .await;
    assert!(!success(&exporter.poller.poll_once().await));

    rotate(&key_file, NEW_KEY);
    assert!(success(&exporter.poller.poll_once().await));
    let metrics = exporter.scrape().await;
    assert_eq!(
        metrics.value("scaleway_exporter_poll_success", &[("zone", "fr-par-1")]),
        1.0
    );
}

#[tokio::test]
async fn a_key_file_emptied_by_mistake_keeps_the_last_good_key_and_says_so_once() {
    let api = MockServer::start().await;
    Mock::given(method("GET"))
        .and(header("X-Auth-Token", GOOD_KEY))
        .respond_with(servers_page())
        .mount(&api)
        .await;
    let dir = tempfile::tempdir().unwrap();
    let key_file = dir.path().join("key");
    std::fs::write(&key_file, GOOD_KEY).unwrap();
    let config = exporter_config_with_token(
        &api.uri(),
        &["fr-par-1"],
        TokenSource::from_file(&key_file).unwrap(),
    )
    .build()
    .unwrap();
    let exporter = start_exporter(&config).await;
    rotate(&key_file, "");
    let (logs, _guard) = CapturedLogs::start();
    for _ in 0..3 {
        let published = exporter.poller.poll_once().await;
        assert!(published.snapshot.zones["fr-par-1"].last_poll_succeeded());
    }
    let warnings: Vec<String> = logs
        .lines()
        .into_iter()
        .filter(|l| l.contains("keeping the previous secret key"))
        .collect();
    assert_eq!(warnings.len(), 1, "{warnings:#?}");
    assert!(warnings[0].contains("is empty"), "{}", warnings[0]);
}

#[tokio::test]
async fn a_key_file_rotated_to_what_cannot_be_a_secret_key_keeps_the_last_good_key_and_says_so_once(
) {
    let api = MockServer::start().await;
    Mock::given(method("GET"))
        .and(header("X-Auth-Token", GOOD_KEY))
        .respond_with(servers_page())
        .with_priority(1)
        .mount(&api)
        .await;
    Mock::given(method("GET"))
        .respond_with(refused())
        .with_priority(2)
        .mount(&api)
        .await;
    let dir = tempfile::tempdir().unwrap();
    let key_file = dir.path().join("key");
    std::fs::write(&key_file, GOOD_KEY).unwrap();
    let config = exporter_config_with_token(
        &api.uri(),
        &["fr-par-1"],
        TokenSource::from_file(&key_file).unwrap(),
    )
    .build()
    .unwrap();
    let exporter = start_exporter(&config).await;
    let access_key = "SCW0123456789ABCDEFG";
    let two_lines = format!("{GOOD_KEY}\n{NEW_KEY}");
    for (rotated_to, says) in [
        (access_key, "looks like an access key"),
        (two_lines.as_str(), "holds a line break"),
    ] {
        rotate(&key_file, rotated_to);
        let (logs, _guard) = CapturedLogs::start();
        for _ in 0..3 {
            let published = exporter.poller.poll_once().await;
            assert!(
                published.snapshot.zones["fr-par-1"].last_poll_succeeded(),
                "rotated to {says:?}: the good key is still sent"
            );
        }
        let warnings: Vec<String> = logs
            .lines()
            .into_iter()
            .filter(|l| l.contains("keeping the previous secret key"))
            .collect();
        assert_eq!(warnings.len(), 1, "{warnings:#?}");
        assert!(warnings[0].contains(says), "{}", warnings[0]);
        let leaks: Vec<String> = logs
            .lines()
            .into_iter()
            .filter(|l| l.contains(access_key) || l.contains(GOOD_KEY) || l.contains(NEW_KEY))
            .collect();
        assert!(leaks.is_empty(), "{leaks:#?}");
    }
}

#[tokio::test]
async fn the_key_is_in_no_log_line_at_trace_level_even_when_the_api_echoes_it_back() {
    let api = MockServer::start().await;
    for format in ["logfmt", "json"] {
        api.reset().await;
        // An API that quotes the key back in every place an error could be built from: a JSON
        // error message, a body of the wrong shape, an HTML page, a header.
        let echoes = [
            ResponseTemplate::new(401)
                .insert_header(
                    "WWW-Authenticate",
                    format!("Token realm=\"{SECRET}\"").as_str(),
                )
                .set_body_raw(
                    format!(
                        r#"{{"type":"denied_authentication","message":"key {SECRET} is unknown"}}"#
                    ),
                    "application/json",
                ),
            ResponseTemplate::new(200)
                .set_body_raw(format!(r#"{{"servers": "{SECRET}"}}"#), "application/json"),
            ResponseTemplate::new(200).set_body_raw(format!("<html>{SECRET}</html>"), "text/html"),
            ResponseTemplate::new(503).set_body_raw(
                format!(r#"{{"message":"upstream said {SECRET}"}}"#),
                "application/json",
            ),
        ];
        for (priority, echo) in echoes.into_iter().enumerate() {
            Mock::given(method("GET"))
                .respond_with(echo)
                .up_to_n_times(1)
                .with_priority(priority as u8 + 1)
                .mount(&api)
                .await;
        }
        Mock::given(method("GET"))
            .respond_with(refused())
            .with_priority(10)
            .mount(&api)
            .await;
        let mut child = KillOnDrop(
            Command::new(BINARY)
                .env_clear()
                .env("SCW_SECRET_KEY", SECRET)
                .env("SCW_API_URL", api.uri())
                .env("SCW_EXPORTER_ZONES", "fr-par-1")
                .env("SCW_EXPORTER_LISTEN_ADDRESS", "127.0.0.1:0")
                .env("SCW_EXPORTER_LOG_LEVEL", "trace")
                .env("SCW_EXPORTER_LOG_FORMAT", format)
                .env("SCW_EXPORTER_POLL_INTERVAL", "1s")
                .env("SCW_EXPORTER_POLL_TIMEOUT", "1s")
                .stderr(Stdio::piped())
                .spawn()
                .unwrap(),
        );
        let mut log = ChildLog::read(child.0.stderr.take().unwrap());
        let address = log.address("exporter starting").await;
        // Four failed polls: every echo, then the plain refusal.
        for _ in 0..4 {
            log.wait_for("zone poll failed", START_WAIT).await;
        }
        let lines = log.lines.clone();
        let url = format!("http://{address}");
        let metrics = get_text(&format!("{url}/metrics")).await;
        let landing = get_text(&url).await;
        drop(child);

        assert!(
            lines.len() > 10,
            "{format}: trace logs were written: {lines:#?}"
        );
        let leaks: Vec<&String> = lines.iter().filter(|l| l.contains(SECRET)).collect();
        assert!(
            leaks.is_empty(),
            "{format}: the key is in the log: {leaks:#?}"
        );
        assert!(
            lines
                .iter()
                .any(|l| l.contains("key <redacted> is unknown")),
            "{format}: the echo was seen and redacted: {lines:#?}"
        );
        assert!(
            !metrics.contains(SECRET),
            "{format}: the key is in /metrics"
        );
        assert!(
            !landing.contains(SECRET),
            "{format}: the key is on the landing page"
        );
    }
}

#[tokio::test]
async fn every_value_that_holds_the_key_debug_prints_without_it_so_no_panic_message_can_show_it() {
    let config = exporter_config("http://127.0.0.1:9", &["fr-par-1"], SECRET);
    let client = Client::new(
        config.api_url(),
        ApiFlavor::Instance,
        config.token().clone(),
        OwnMetrics::new().api_requests,
    )
    .unwrap();
    let key = SecretKey::new(SECRET, "test").unwrap();
    for shown in [
        format!("{config:?}"),
        format!("{config:#?}"),
        format!("{client:?}"),
        format!("{:?}", config.token()),
        format!("{key:?}"),
    ] {
        assert!(!shown.contains(SECRET), "{shown}");
    }
    let panic = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        panic!("poll failed with {config:?}")
    }))
    .unwrap_err();
    let message = panic.downcast_ref::<String>().unwrap();
    assert!(message.contains("SecretKey(<redacted>)") && !message.contains(SECRET));
}

#[test]
fn no_flag_takes_the_key_so_it_never_shows_in_a_process_list() {
    let help = Command::new(BINARY).arg("--help").output().unwrap();
    let help = String::from_utf8_lossy(&help.stdout);
    let key_flags: Vec<&str> = help
        .split_whitespace()
        .filter(|word| word.starts_with("--") && word.contains("key"))
        .collect();
    assert!(
        key_flags
            .iter()
            .all(|flag| flag.starts_with("--scaleway.secret-key-file")),
        "{key_flags:?}"
    );
    let joined = format!("--scaleway.secret-key={SECRET}");
    for args in [vec!["--scaleway.secret-key", SECRET], vec![joined.as_str()]] {
        let output = Command::new(BINARY)
            .env_clear()
            .args(&args)
            .output()
            .unwrap();
        assert_eq!(output.status.code(), Some(2));
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(
            !stderr.contains(SECRET),
            "a key given as a flag is not repeated: {stderr}"
        );
    }
}
