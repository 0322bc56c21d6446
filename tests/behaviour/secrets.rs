//! The API secret key: used, rotated, never shown. Each test uses a key distinctive enough
//! that finding it anywhere is a leak.

use scaleway_exporter::product::Product;
use std::process::{Command, Stdio};
use std::time::{Duration, SystemTime};

use scaleway_exporter::api::ApiFlavor;
use scaleway_exporter::api::Client;
use scaleway_exporter::{SecretKey, TokenSource};
use wiremock::matchers::{header, method};
use wiremock::{Mock, MockServer, ResponseTemplate};

use crate::common::child_log::{ChildLog, KillOnDrop, START_WAIT};
use crate::common::*;

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

/// An exporter of `api`'s fr-par-1 whose key is read from a file first holding `key`: the
/// file's folder (removed when dropped), the file, and the exporter.
async fn exporter_with_key_file(
    api: &MockServer,
    key: &str,
) -> (tempfile::TempDir, std::path::PathBuf, TestExporter) {
    let dir = tempfile::tempdir().unwrap();
    let key_file = dir.path().join("scw_secret_key");
    std::fs::write(&key_file, key).unwrap();
    let config = exporter_config_with_token(
        &api.uri(),
        &["fr-par-1"],
        TokenSource::from_file(&key_file).unwrap(),
    )
    .build()
    .unwrap();
    let exporter = start_exporter(&config).await;
    (dir, key_file, exporter)
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
    let (_dir, key_file, exporter) = exporter_with_key_file(&api, &format!("{OLD_KEY}\n")).await;
    let success = |p: &std::sync::Arc<scaleway_exporter::published::Published>| {
        p.snapshot
            .zone(Product::Instance, "fr-par-1")
            .unwrap()
            .last_poll_succeeded()
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
    let (_dir, key_file, exporter) = exporter_with_key_file(&api, GOOD_KEY).await;
    rotate(&key_file, "");
    let (logs, _guard) = CapturedLogs::start();
    for _ in 0..3 {
        let published = exporter.poller.poll_once().await;
        assert!(published
            .snapshot
            .zone(Product::Instance, "fr-par-1")
            .unwrap()
            .last_poll_succeeded());
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
    let (_dir, key_file, exporter) = exporter_with_key_file(&api, GOOD_KEY).await;
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
                published
                    .snapshot
                    .zone(Product::Instance, "fr-par-1")
                    .unwrap()
                    .last_poll_succeeded(),
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

// The `scw` CLI's config file: a home directory holding `.config/scw/config.yaml`, and the
// real binary with nothing else in its environment.

const TOP_KEY: &str = "70900000-d157-4c70-8000-5ec7e7000001";
const PROD_KEY: &str = "9a0d0000-d157-4c70-8000-5ec7e7000002";
const DEV_KEY: &str = "de000000-d157-4c70-8000-5ec7e7000003";
const KEYS: [&str; 3] = [TOP_KEY, PROD_KEY, DEV_KEY];

/// A config file as `scw init` and `scw config profile` write it, whose profiles poll
/// `api_url`: the top level, `prod` (active) and `dev`.
fn scw_config(api_url: &str) -> String {
    format!(
        "access_key: SCW1234567890ABCDEFG\nsecret_key: {TOP_KEY}\napi_url: {api_url}\n\
         default_organization_id: 6170692e-7363-616c-6577-61792e636f6d\n\
         default_region: nl-ams\ndefault_zone: nl-ams-1\nactive_profile: prod\nprofiles:\n  \
         prod:\n    secret_key: {PROD_KEY}\n  dev:\n    access_key: SCW234567890ABCDEFGH\n    \
         secret_key: {DEV_KEY}\n"
    )
}

/// `text` written at `path` with `mode`, its directories made.
fn write_with_mode(path: &std::path::Path, text: &str, mode: u32) {
    use std::os::unix::fs::PermissionsExt as _;
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, text).unwrap();
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode)).unwrap();
}

/// A home directory whose `~/.config/scw/config.yaml` holds `text`, as the CLI writes it (0600).
fn scw_home(text: &str) -> (tempfile::TempDir, String) {
    let home = tempfile::tempdir().unwrap();
    let path = home.path().join(".config/scw/config.yaml");
    write_with_mode(&path, text, 0o600);
    (home, path.display().to_string())
}

/// An API that answers every list with one server, whatever the key.
async fn open_api() -> MockServer {
    let api = MockServer::start().await;
    reopen(&api).await;
    api
}

/// `api` as [`open_api`] made it, with no request received yet.
async fn reopen(api: &MockServer) {
    api.reset().await;
    Mock::given(method("GET"))
        .respond_with(servers_page())
        .mount(api)
        .await;
}

/// The exporter with only `env` in its environment (and one zone, a loopback port, a poll
/// every second), and its log.
fn exporter_with(env: &[(&str, &str)], args: &[&str]) -> (KillOnDrop, ChildLog) {
    let mut child = KillOnDrop(
        Command::new(BINARY)
            .env_clear()
            .env("SCW_EXPORTER_ZONES", "fr-par-1")
            .env("SCW_EXPORTER_LISTEN_ADDRESS", "127.0.0.1:0")
            .env("SCW_EXPORTER_POLL_INTERVAL", "1s")
            .env("SCW_EXPORTER_POLL_TIMEOUT", "1s")
            .envs(env.iter().copied())
            .args(args)
            .stderr(Stdio::piped())
            .spawn()
            .unwrap(),
    );
    let log = ChildLog::read(child.0.stderr.take().unwrap());
    (child, log)
}

/// The `X-Auth-Token` of each of the first `count` requests `api` receives.
async fn tokens(api: &MockServer, count: usize) -> Vec<String> {
    let deadline = tokio::time::Instant::now() + START_WAIT;
    loop {
        let received = api.received_requests().await.unwrap_or_default();
        if received.len() >= count {
            return received
                .iter()
                .take(count)
                .map(|r| r.headers["x-auth-token"].to_str().unwrap().to_owned())
                .collect();
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "{} requests after {START_WAIT:?}",
            received.len()
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

/// The token of the first request of the exporter run with `env` and `args`, and its start
/// line; no line it logged holds a key.
async fn first_poll(api: &MockServer, env: &[(&str, &str)], args: &[&str]) -> (String, String) {
    let (child, mut log) = exporter_with(env, args);
    let start = log.wait_for("exporter starting", START_WAIT).await;
    let token = tokens(api, 1).await.remove(0);
    drop(child);
    for line in &log.lines {
        assert!(
            KEYS.iter().all(|key| !line.contains(key)),
            "a key is in the log: {line}"
        );
    }
    (token, start)
}

#[tokio::test]
async fn with_no_variable_the_active_profile_of_the_scw_config_file_polls_its_api_url() {
    let api = open_api().await;
    let (home, path) = scw_home(&scw_config(&api.uri()));
    let home = home.path().to_str().unwrap();
    let (token, start) = first_poll(&api, &[("HOME", home)], &[]).await;
    assert_eq!(token, PROD_KEY);
    assert!(start.contains("key_source=\"profile prod\""), "{start}");
    assert!(start.contains(&format!("key_path={path}")), "{start}");
    assert!(start.contains(&format!("api={}", api.uri())), "{start}");
}

#[tokio::test]
async fn a_profile_named_by_flag_or_by_scw_profile_replaces_the_active_one() {
    let api = open_api().await;
    let (home, _) = scw_home(&scw_config(&api.uri()));
    let home = home.path().to_str().unwrap();
    for (env, args, key, name) in [
        (
            vec![("HOME", home)],
            vec!["--scaleway.profile=dev"],
            DEV_KEY,
            "dev",
        ),
        (
            vec![("HOME", home), ("SCW_PROFILE", "dev")],
            vec![],
            DEV_KEY,
            "dev",
        ),
        (
            vec![("HOME", home), ("SCW_PROFILE", "dev")],
            vec!["--scaleway.profile=default"],
            TOP_KEY,
            "default",
        ),
    ] {
        reopen(&api).await;
        let (token, start) = first_poll(&api, &env, &args).await;
        assert_eq!(token, key, "{env:?} {args:?}");
        assert!(
            start.contains(&format!("key_source=\"profile {name}\"")),
            "{start}"
        );
    }
}

#[tokio::test]
async fn scw_secret_key_and_the_key_file_come_before_any_profile() {
    let api = open_api().await;
    let (home, _) = scw_home(&scw_config(&api.uri()));
    let key_file = home.path().join("scw_secret_key");
    std::fs::write(&key_file, format!("{SECRET}\n")).unwrap();
    let home = home.path().to_str().unwrap();
    let (token, start) = first_poll(
        &api,
        &[
            ("HOME", home),
            ("SCW_SECRET_KEY", SECRET),
            ("SCW_PROFILE", "dev"),
        ],
        &[],
    )
    .await;
    assert_eq!(token, SECRET);
    assert!(start.contains("key_source=environment"), "{start}");
    assert!(!start.contains("key_path="), "{start}");
    assert!(!start.contains(SECRET), "{start}");

    reopen(&api).await;
    let flag = format!("--scaleway.secret-key-file={}", key_file.display());
    let (token, start) = first_poll(
        &api,
        &[("HOME", home), ("SCW_SECRET_KEY", "not-this")],
        &[&flag],
    )
    .await;
    assert_eq!(token, SECRET);
    assert!(start.contains("key_source=file"), "{start}");
    assert!(
        start.contains(&format!("key_path={}", key_file.display())),
        "{start}"
    );
    assert!(!start.contains(SECRET), "{start}");
}

#[tokio::test]
async fn scw_api_url_comes_before_the_profiles_api_url() {
    let profiles_api = open_api().await;
    let api = open_api().await;
    let (home, _) = scw_home(&scw_config(&profiles_api.uri()));
    let home = home.path().to_str().unwrap();
    for (env, args) in [
        (
            vec![("HOME", home), ("SCW_API_URL", api.uri().as_str())],
            vec![],
        ),
        (
            vec![("HOME", home)],
            vec![format!("--scaleway.api-url={}", api.uri())],
        ),
    ] {
        reopen(&api).await;
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let (token, start) = first_poll(&api, &env, &args).await;
        // The key is still the profile's: each setting on its own.
        assert_eq!(token, PROD_KEY);
        assert!(start.contains(&format!("api={}", api.uri())), "{start}");
    }
    assert!(profiles_api.received_requests().await.unwrap().is_empty());
}

#[tokio::test]
async fn xdg_config_home_and_scw_config_path_say_where_the_file_is() {
    let api = open_api().await;
    // A file under HOME that must not be read: its key is none of those expected.
    let (home, _) = scw_home(&format!("secret_key: wrong-file\napi_url: {}\n", api.uri()));
    let xdg = tempfile::tempdir().unwrap();
    write_with_mode(
        &xdg.path().join("scw/config.yaml"),
        &scw_config(&api.uri()),
        0o600,
    );
    let custom = xdg.path().join("elsewhere/scw.yaml");
    write_with_mode(
        &custom,
        &scw_config(&api.uri()).replace("active_profile: prod", "active_profile: dev"),
        0o600,
    );
    let home = home.path().to_str().unwrap();
    let xdg_home = xdg.path().to_str().unwrap();
    let custom = custom.to_str().unwrap();
    for (env, key, path) in [
        (
            vec![("HOME", home), ("XDG_CONFIG_HOME", xdg_home)],
            PROD_KEY,
            format!("{xdg_home}/scw/config.yaml"),
        ),
        (
            vec![
                ("HOME", home),
                ("XDG_CONFIG_HOME", xdg_home),
                ("SCW_CONFIG_PATH", custom),
            ],
            DEV_KEY,
            custom.to_owned(),
        ),
    ] {
        reopen(&api).await;
        let (token, start) = first_poll(&api, &env, &[]).await;
        assert_eq!(token, key, "{env:?}");
        assert!(start.contains(&format!("key_path={path}")), "{start}");
    }
}

#[tokio::test]
async fn a_config_file_open_to_group_or_others_is_used_and_warned_about_once() {
    let api = open_api().await;
    let (home, path) = scw_home(&scw_config(&api.uri()));
    write_with_mode(std::path::Path::new(&path), &scw_config(&api.uri()), 0o644);
    let (child, mut log) = exporter_with(&[("HOME", home.path().to_str().unwrap())], &[]);
    log.wait_for("exporter starting", START_WAIT).await;
    // Three polls: the warning is the start's, not each poll's.
    assert_eq!(tokens(&api, 3).await, [PROD_KEY; 3]);
    drop(child);
    let warnings: Vec<&String> = log
        .lines
        .iter()
        .filter(|l| l.contains("open to group or others"))
        .collect();
    assert_eq!(warnings.len(), 1, "{:#?}", log.lines);
    assert!(warnings[0].contains("level=warn"), "{}", warnings[0]);
    assert!(
        warnings[0].contains(&format!("path={path}")),
        "{}",
        warnings[0]
    );
    assert!(warnings[0].contains("mode=0644"), "{}", warnings[0]);
}

#[tokio::test]
async fn with_the_key_in_the_environment_a_broken_config_file_is_skipped_with_one_warning() {
    let api = open_api().await;
    // Not YAML, with a key in it that an error message must not quote.
    let (home, path) = scw_home(&format!(
        "secret_key: \"{PROD_KEY}\napi_url: {}\n",
        api.uri()
    ));
    let (child, mut log) = exporter_with(
        &[
            ("HOME", home.path().to_str().unwrap()),
            ("SCW_SECRET_KEY", SECRET),
            ("SCW_API_URL", &api.uri()),
        ],
        &[],
    );
    let start = log.wait_for("exporter starting", START_WAIT).await;
    assert_eq!(tokens(&api, 1).await, [SECRET]);
    drop(child);
    assert!(start.contains("key_source=environment"), "{start}");
    let skipped: Vec<&String> = log
        .lines
        .iter()
        .filter(|l| l.contains("scw config file not used"))
        .collect();
    assert_eq!(skipped.len(), 1, "{:#?}", log.lines);
    assert!(skipped[0].contains("level=warn"), "{}", skipped[0]);
    assert!(skipped[0].contains(&path), "{}", skipped[0]);
    assert!(skipped[0].contains("not YAML"), "{}", skipped[0]);
    assert!(
        log.lines
            .iter()
            .all(|l| !l.contains(PROD_KEY) && !l.contains(SECRET)),
        "{:#?}",
        log.lines
    );
}
