//! `--web.config.file`: the fixtures' verdicts (ours, and promtool's when installed), then
//! TLS, client certificates, basic auth and headers over real TCP, and a real Prometheus
//! scraping the exporter over TLS with basic auth.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Duration;

use scaleway_exporter::exporter::Exporter;
use scaleway_exporter::web::WebConfig;
use scaleway_exporter::Shutdown;
use tokio::net::TcpListener;

use crate::common::child_log::{ChildLog, KillOnDrop};
use crate::common::pki::Pki;
use crate::common::*;

const BINARY: &str = env!("CARGO_BIN_EXE_scaleway_exporter");
const KINDS: [&str; 3] = ["good", "bad", "stricter"];

/// The fixtures of `kind`, copied next to freshly made certificates (the fixtures name
/// `server.crt`, `ca.crt`, ... relative to themselves).
fn laid_out_fixtures(dir: &Path) -> Vec<(&'static str, String, PathBuf)> {
    Pki::generate(dir);
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/web-config");
    let mut all = Vec::new();
    for kind in KINDS {
        let mut names: Vec<_> = std::fs::read_dir(root.join(kind))
            .unwrap()
            .map(|entry| entry.unwrap().file_name().into_string().unwrap())
            .collect();
        names.sort();
        for name in names {
            let copy = dir.join(format!("{kind}-{name}"));
            std::fs::copy(root.join(kind).join(&name), &copy).unwrap();
            all.push((kind, name, copy));
        }
    }
    assert!(all.len() >= 40, "fixtures found: {}", all.len());
    all
}

#[test]
fn good_fixtures_load_and_bad_or_stricter_ones_are_refused_with_a_reason() {
    let dir = tempfile::tempdir().unwrap();
    for (kind, name, path) in laid_out_fixtures(dir.path()) {
        let verdict = WebConfig::load(&path);
        match (kind, verdict) {
            ("good", Err(error)) => panic!("good/{name} refused: {error}"),
            ("bad" | "stricter", Ok(_)) => panic!("{kind}/{name} accepted"),
            (_, Err(error)) => assert!(!error.to_string().trim().is_empty(), "{kind}/{name}"),
            _ => {}
        }
    }
}

#[test]
#[ignore = "needs promtool (Debian package prometheus)"]
fn promtool_check_web_config_gives_the_same_verdicts_except_where_we_are_stricter() {
    let dir = tempfile::tempdir().unwrap();
    for (kind, name, path) in laid_out_fixtures(dir.path()) {
        let output = Command::new("promtool")
            .args(["check", "web-config"])
            .arg(&path)
            .output()
            .expect("promtool runs");
        let promtool_accepts = output.status.success();
        let expected = kind != "bad";
        assert_eq!(
            promtool_accepts,
            expected,
            "{kind}/{name}: promtool says {}{}",
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        );
        assert_eq!(
            WebConfig::load(&path).is_ok(),
            kind == "good",
            "{kind}/{name}"
        );
    }
}

#[test]
fn a_bad_web_config_ends_the_start_with_exit_code_2_and_one_line() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("web.yml");
    std::fs::write(&path, "tls_server_config:\n  cert_flie: server.crt\n").unwrap();
    let output = Command::new(BINARY)
        .env_clear()
        .env("SCW_SECRET_KEY", TEST_KEY)
        .arg("--web.config.file")
        .arg(&path)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(2), "{stderr}");
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(
        stderr.starts_with(&format!(
            "scaleway_exporter: bad web config file {}",
            path.display()
        )),
        "{stderr}"
    );
    assert!(stderr.contains("unknown field `cert_flie`"), "{stderr}");
}

/// An exporter serving `web_config` (a YAML text, next to the test certificates) on a
/// loopback port, against the simulator.
struct Secured {
    url: String,
    pki: Pki,
    _dir: tempfile::TempDir,
    _api: TestApi,
    _stop: tokio::sync::watch::Sender<bool>,
}

async fn secured(web_config: &str) -> Secured {
    let dir = tempfile::tempdir().unwrap();
    let pki = Pki::generate(dir.path());
    let path = dir.path().join("web.yml");
    std::fs::write(&path, web_config).unwrap();
    let api = start_simulator(simulator_config(&["fr-par-1"], 3)).await;
    let config = exporter_config_builder(&api.url, &["fr-par-1"], TEST_KEY)
        .web_config_file(Some(&path))
        .build()
        .unwrap();
    let exporter = Exporter::new(&config).unwrap();
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    let (stop, shutdown) = Shutdown::new();
    tokio::spawn(exporter.serve(listener, shutdown.wait()));
    Secured {
        url: format!("https://localhost:{port}"),
        pki,
        _dir: dir,
        _api: api,
        _stop: stop,
    }
}

fn bcrypt_of(password: &str) -> String {
    bcrypt::hash(password, 4).unwrap()
}

#[tokio::test]
async fn metrics_over_tls_need_the_right_user_and_password_and_carry_the_configured_headers() {
    let server = secured(&format!(
        "tls_server_config:\n  cert_file: server.crt\n  key_file: server.key\n\
         basic_auth_users:\n  prometheus: '{}'\n\
         http_server_config:\n  headers:\n    X-Frame-Options: deny\n    Strict-Transport-Security: max-age=31536000\n",
        bcrypt_of("s3cret")
    ))
    .await;
    let client = server.pki.client(None);
    let metrics = format!("{}/metrics", server.url);

    let ok = client
        .get(&metrics)
        .basic_auth("prometheus", Some("s3cret"))
        .send()
        .await
        .unwrap();
    assert_eq!(ok.status(), 200);
    assert_eq!(ok.headers()["x-frame-options"], "deny");
    assert_eq!(
        ok.headers()["strict-transport-security"],
        "max-age=31536000"
    );
    assert!(ok
        .text()
        .await
        .unwrap()
        .contains("scaleway_exporter_build_info"));

    for (user, password) in [
        (None, None),
        (Some("prometheus"), Some("wrong")),
        (Some("mallory"), Some("s3cret")),
        (Some("prometheus"), None),
    ] {
        let mut request = client.get(&metrics);
        if let Some(user) = user {
            request = request.basic_auth(user, password);
        }
        let refused = request.send().await.unwrap();
        assert_eq!(refused.status(), 401, "{user:?} {password:?}");
        assert_eq!(refused.headers()["www-authenticate"], "Basic");
        assert_eq!(
            refused.headers()["x-frame-options"],
            "deny",
            "a refusal carries the headers too"
        );
    }
    for path in ["/", "/readyz", "/inventory.json", "/runbook", "/nope"] {
        let status = client
            .get(format!("{}{path}", server.url))
            .send()
            .await
            .unwrap()
            .status();
        assert_eq!(status, 401, "{path} asks for credentials too");
    }
    let liveness = client
        .get(format!("{}/healthz", server.url))
        .send()
        .await
        .unwrap();
    assert_eq!(liveness.status(), 200, "/healthz says only ok, to anyone");
    let plain = reqwest::get(format!("{}/metrics", server.url.replace("https", "http"))).await;
    assert!(
        plain.is_err() || !plain.unwrap().status().is_success(),
        "no metrics over plain HTTP"
    );
}

#[tokio::test]
async fn require_and_verify_client_cert_serves_only_clients_with_a_certificate_from_the_ca() {
    let server = secured(
        "tls_server_config:\n  cert_file: server.crt\n  key_file: server.key\n  \
         client_auth_type: RequireAndVerifyClientCert\n  client_ca_file: ca.crt\n",
    )
    .await;
    let metrics = format!("{}/metrics", server.url);
    let with_ca_cert = server.pki.client(Some((
        &server.pki.client_cert_pem,
        &server.pki.client_key_pem,
    )));
    assert_eq!(
        with_ca_cert.get(&metrics).send().await.unwrap().status(),
        200
    );
    assert!(
        server.pki.client(None).get(&metrics).send().await.is_err(),
        "no certificate"
    );
    let stranger = server.pki.client(Some((
        &server.pki.stranger_cert_pem,
        &server.pki.stranger_key_pem,
    )));
    assert!(
        stranger.get(&metrics).send().await.is_err(),
        "a certificate from no known CA"
    );
}

#[tokio::test]
async fn require_any_client_cert_takes_any_certificate_but_not_none() {
    let server = secured(
        "tls_server_config:\n  cert_file: server.crt\n  key_file: server.key\n  \
         client_auth_type: RequireAnyClientCert\n",
    )
    .await;
    let metrics = format!("{}/metrics", server.url);
    let stranger = server.pki.client(Some((
        &server.pki.stranger_cert_pem,
        &server.pki.stranger_key_pem,
    )));
    assert_eq!(stranger.get(&metrics).send().await.unwrap().status(), 200);
    assert!(server.pki.client(None).get(&metrics).send().await.is_err());
}

#[tokio::test]
async fn a_renewed_certificate_is_served_without_a_restart() {
    let server =
        secured("tls_server_config:\n  cert_file: server.crt\n  key_file: server.key\n").await;
    let metrics = format!("{}/metrics", server.url);
    assert_eq!(
        server
            .pki
            .client(None)
            .get(&metrics)
            .send()
            .await
            .unwrap()
            .status(),
        200
    );
    // cert-manager writes a new pair from a new CA: clients of the old CA stop trusting us,
    // clients of the new one start.
    let renewed = tempfile::tempdir().unwrap();
    let new_pki = Pki::generate(renewed.path());
    for name in ["server.crt", "server.key"] {
        std::fs::copy(renewed.path().join(name), server.pki.dir.join(name)).unwrap();
        std::fs::File::options()
            .write(true)
            .open(server.pki.dir.join(name))
            .unwrap()
            .set_modified(std::time::SystemTime::now() + Duration::from_secs(2))
            .unwrap();
    }
    assert_eq!(
        new_pki
            .client(None)
            .get(&metrics)
            .send()
            .await
            .unwrap()
            .status(),
        200
    );
    assert!(server.pki.client(None).get(&metrics).send().await.is_err());
}

#[tokio::test]
async fn the_health_subcommand_speaks_tls_when_the_web_config_asks_for_it() {
    let server = secured(&format!(
        "tls_server_config:\n  cert_file: server.crt\n  key_file: server.key\n\
         basic_auth_users:\n  prometheus: '{}'\n",
        bcrypt_of("s3cret")
    ))
    .await;
    let port = server.url.rsplit(':').next().unwrap().to_owned();
    let web_config = server.pki.dir.join("web.yml");
    let output = tokio::task::spawn_blocking(move || {
        Command::new(BINARY)
            .env_clear()
            .arg("health")
            .arg(format!("--web.listen-address=127.0.0.1:{port}"))
            .arg("--web.config.file")
            .arg(web_config)
            .output()
            .unwrap()
    })
    .await
    .unwrap();
    assert_eq!(
        output.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(String::from_utf8_lossy(&output.stdout).starts_with("healthy: https://127.0.0.1:"));
}

#[tokio::test]
#[ignore = "needs prometheus (Debian package prometheus)"]
async fn a_real_prometheus_scrapes_the_exporter_over_tls_with_basic_auth() {
    let dir = tempfile::tempdir().unwrap();
    Pki::generate(dir.path());
    let web = dir.path().join("web.yml");
    std::fs::write(
        &web,
        format!(
            "tls_server_config:\n  cert_file: server.crt\n  key_file: server.key\n\
             basic_auth_users:\n  prometheus: '{}'\n",
            bcrypt_of("s3cret")
        ),
    )
    .unwrap();
    let api = start_simulator(simulator_config(&["fr-par-1"], 5)).await;
    let mut exporter = KillOnDrop(
        Command::new(BINARY)
            .env_clear()
            .env("SCW_SECRET_KEY", TEST_KEY)
            .env("SCW_API_URL", &api.url)
            .env("SCW_EXPORTER_ZONES", "fr-par-1")
            .env("SCW_EXPORTER_LISTEN_ADDRESS", "127.0.0.1:0")
            .env("SCW_EXPORTER_WEB_CONFIG_FILE", &web)
            .stderr(Stdio::piped())
            .spawn()
            .unwrap(),
    );
    let mut exporter_log = ChildLog::read(exporter.0.stderr.take().unwrap());
    let address = exporter_log.address("exporter starting").await;

    std::fs::write(
        dir.path().join("prometheus.yml"),
        format!(
            "global:\n  scrape_interval: 1s\nscrape_configs:\n\
             - job_name: scaleway\n  scheme: https\n  tls_config:\n    ca_file: {ca}\n    server_name: localhost\n  \
               basic_auth:\n    username: prometheus\n    password: s3cret\n  static_configs:\n  - targets: ['{address}']\n\
             - job_name: wrong-password\n  scheme: https\n  tls_config:\n    ca_file: {ca}\n    server_name: localhost\n  \
               basic_auth:\n    username: prometheus\n    password: guess\n  static_configs:\n  - targets: ['{address}']\n",
            ca = dir.path().join("ca.crt").display()
        ),
    )
    .unwrap();
    let mut prometheus = KillOnDrop(
        Command::new("prometheus")
            .arg(format!(
                "--config.file={}",
                dir.path().join("prometheus.yml").display()
            ))
            .arg(format!(
                "--storage.tsdb.path={}",
                dir.path().join("data").display()
            ))
            .arg("--web.listen-address=127.0.0.1:0")
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .expect("prometheus runs"),
    );
    let mut prometheus_log = ChildLog::read(prometheus.0.stderr.take().unwrap());
    let prometheus_address = prometheus_log.address("Listening on").await;

    let query = |expr: &str| {
        let url = format!("http://{prometheus_address}/api/v1/query");
        let expr = expr.to_owned();
        async move {
            let response = reqwest::Client::new()
                .get(url)
                .query(&[("query", expr)])
                .send()
                .await
                .ok()?;
            let body: serde_json::Value =
                serde_json::from_str(&response.text().await.ok()?).ok()?;
            let value = body["data"]["result"][0]["value"][1].as_str()?.to_owned();
            Some(value)
        }
    };
    let mut seen = (None, None, None);
    for _ in 0..120 {
        seen = (
            query("up{job=\"scaleway\"}").await,
            query("up{job=\"wrong-password\"}").await,
            query("count(scaleway_server_info{job=\"scaleway\"})").await,
        );
        if seen.0.as_deref() == Some("1")
            && seen.1.as_deref() == Some("0")
            && seen.2.as_deref() == Some("5")
        {
            break;
        }
        tokio::time::sleep(Duration::from_millis(500)).await;
    }
    drop(prometheus);
    drop(exporter);
    assert_eq!(
        seen,
        (Some("1".into()), Some("0".into()), Some("5".into())),
        "(up with the password, up with a wrong one, servers scraped)"
    );
}

/// What of a web config cannot be served as written, though it does not stop the start, is
/// said in the exporter's own log: these warnings were once written before the log was set
/// up, and the real binary dropped them.
#[tokio::test]
async fn the_binary_logs_each_web_config_setting_it_cannot_honour() {
    let dir = tempfile::tempdir().unwrap();
    Pki::generate(dir.path());
    let unreadable_hash = format!("$2z$10${}", "a".repeat(53));
    let cases = [
        (
            "  cipher_suites: [TLS_RSA_WITH_AES_128_CBC_SHA]\n",
            vec![
                "cipher suite not available in rustls; skipped",
                "serving TLS 1.3 only",
            ],
        ),
        (
            "  curve_preferences: [CurveP521, X25519]\n  min_version: TLS10\n",
            vec![
                "curve not available in rustls; skipped",
                "min_version below TLS12",
            ],
        ),
    ];
    for (tls, expected) in cases {
        let path = dir.path().join("web.yml");
        let text = format!(
            "tls_server_config:\n  cert_file: server.crt\n  key_file: server.key\n{tls}\
             basic_auth_users:\n  odd: '{unreadable_hash}'\n"
        );
        std::fs::write(&path, text).unwrap();
        let mut child = KillOnDrop(
            Command::new(BINARY)
                .env_clear()
                .env("SCW_SECRET_KEY", TEST_KEY)
                .env("SCW_API_URL", "http://127.0.0.1:9")
                .args(["--scaleway.zone=fr-par-1", "--scaleway.product=instance"])
                .args(["--web.listen-address=127.0.0.1:0", "--web.config.file"])
                .arg(&path)
                .stderr(Stdio::piped())
                .spawn()
                .unwrap(),
        );
        let mut log = ChildLog::read(child.0.stderr.take().unwrap());
        log.wait_for("exporter starting", Duration::from_secs(10))
            .await;
        for said in expected.iter().chain(&["the user cannot log in"]) {
            let line = log
                .lines
                .iter()
                .find(|line| line.contains(said))
                .unwrap_or_else(|| panic!("{said:?} not in {:#?}", log.lines));
            assert!(line.contains("level=warn"), "{line}");
        }
    }
}
