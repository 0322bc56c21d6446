//! The real binary: start-up errors are one line and exit code 2; a refused key is one
//! clear log line; SIGTERM ends the process cleanly within five seconds.

use std::io::{BufRead as _, BufReader};
use std::net::TcpListener;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use wiremock::matchers::any;
use wiremock::{Mock, MockServer, ResponseTemplate};

const BINARY: &str = env!("CARGO_BIN_EXE_scaleway_exporter");

/// Runs the binary with a clean environment plus `env`, and returns (exit code, stderr lines).
fn run(args: &[&str], env: &[(&str, &str)]) -> (i32, Vec<String>) {
    let output = Command::new(BINARY)
        .args(args)
        .env_clear()
        .envs(env.iter().copied())
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr)
        .lines()
        .map(str::to_owned)
        .collect();
    (output.status.code().unwrap_or(-1), stderr)
}

fn assert_one_line_exit_2(args: &[&str], env: &[(&str, &str)], expected: &str) {
    let (code, lines) = run(args, env);
    assert_eq!(code, 2, "{args:?}: {lines:?}");
    assert_eq!(lines.len(), 1, "{args:?}: {lines:?}");
    assert!(lines[0].starts_with("scaleway_exporter: "), "{lines:?}");
    assert!(
        lines[0].contains(expected),
        "{args:?}: {lines:?} should say {expected:?}"
    );
}

#[test]
fn a_missing_token_ends_the_start_with_exit_code_2_and_one_line() {
    assert_one_line_exit_2(
        &[],
        &[],
        "no API secret key: set SCW_SECRET_KEY or --scaleway.secret-key-file",
    );
}

#[test]
fn a_bad_duration_ends_the_start_with_exit_code_2_and_one_line() {
    assert_one_line_exit_2(
        &["--poll.interval", "5 parsecs"],
        &[("SCW_SECRET_KEY", "k")],
        "--poll.interval",
    );
    assert_one_line_exit_2(
        &[],
        &[
            ("SCW_SECRET_KEY", "k"),
            ("SCW_EXPORTER_POLL_TIMEOUT", "soon"),
        ],
        "soon",
    );
}

#[test]
fn a_malformed_zone_ends_the_start_with_exit_code_2_and_one_line() {
    assert_one_line_exit_2(
        &[],
        &[
            ("SCW_SECRET_KEY", "k"),
            ("SCW_EXPORTER_ZONES", "fr-par-1,paris"),
        ],
        "malformed zone \"paris\": expected the form xx-yyy-N",
    );
}

#[test]
fn an_unreadable_key_file_ends_the_start_with_exit_code_2_and_one_line() {
    assert_one_line_exit_2(
        &["--scaleway.secret-key-file", "/nonexistent/scw-key"],
        &[],
        "cannot read the secret key file /nonexistent/scw-key",
    );
}

#[test]
fn an_unknown_flag_ends_the_start_with_exit_code_2_and_one_line() {
    assert_one_line_exit_2(
        &["--scaleway.secret-key", "abc"],
        &[("SCW_SECRET_KEY", "k")],
        "--scaleway.secret-key",
    );
}

#[test]
fn help_names_every_environment_twin_and_exits_0() {
    let output = Command::new(BINARY).arg("--help").output().unwrap();
    assert!(output.status.success());
    let help = String::from_utf8_lossy(&output.stdout);
    for env in [
        "SCW_SECRET_KEY",
        "SCW_SECRET_KEY_FILE",
        "SCW_API_URL",
        "SCW_EXPORTER_API_FLAVOR",
        "SCW_EXPORTER_ZONES",
        "SCW_EXPORTER_POLL_INTERVAL",
        "SCW_EXPORTER_POLL_TIMEOUT",
        "SCW_EXPORTER_LISTEN_ADDRESS",
        "SCW_EXPORTER_TELEMETRY_PATH",
        "SCW_EXPORTER_WEB_CONFIG_FILE",
        "SCW_EXPORTER_LOG_LEVEL",
        "SCW_EXPORTER_LOG_FORMAT",
    ] {
        assert!(help.contains(env), "--help lacks {env}");
    }
}

#[tokio::test]
async fn a_refused_key_is_one_clear_log_line_and_sigterm_exits_0_within_five_seconds() {
    let api = MockServer::start().await;
    Mock::given(any())
        .respond_with(ResponseTemplate::new(401).set_body_raw(
            r#"{"message":"authentication is denied","method":"api_key","reason":"not_found","type":"denied_authentication"}"#,
            "application/json",
        ))
        .mount(&api)
        .await;
    let secret = "d1571nc7-5ec2-e7k3-y000-000000000000";
    let mut child = Command::new(BINARY)
        .env_clear()
        .env("SCW_SECRET_KEY", secret)
        .env("SCW_API_URL", api.uri())
        .env("SCW_EXPORTER_ZONES", "fr-par-1")
        .env("SCW_EXPORTER_LISTEN_ADDRESS", "127.0.0.1:0")
        .env("SCW_EXPORTER_LOG_LEVEL", "trace")
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let stderr = child.stderr.take().unwrap();
    let reader = std::thread::spawn(move || {
        let mut lines = Vec::new();
        for line in BufReader::new(stderr).lines() {
            let line = line.unwrap();
            let done = line.contains("zone poll failed");
            lines.push(line);
            if done {
                break;
            }
        }
        lines
    });
    let lines = tokio::task::spawn_blocking(move || reader.join().unwrap())
        .await
        .unwrap();
    let failure = lines.last().unwrap();
    assert!(failure.contains("level=warn"), "{failure}");
    assert!(failure.contains("zone=fr-par-1"), "{failure}");
    assert!(
        failure.contains("HTTP 401 (denied_authentication: authentication is denied)"),
        "{failure}"
    );
    assert!(failure.contains("check SCW_SECRET_KEY"), "{failure}");
    assert!(
        lines.iter().all(|line| !line.contains(secret)),
        "the key is in the log: {lines:?}"
    );

    let asked = Instant::now();
    Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .unwrap();
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        assert!(
            asked.elapsed() < Duration::from_secs(5),
            "still running 5s after SIGTERM"
        );
        std::thread::sleep(Duration::from_millis(20));
    };
    assert_eq!(status.code(), Some(0));
}

#[test]
fn help_groups_the_flags_and_starts_with_the_version() {
    let output = Command::new(BINARY)
        .arg("--help")
        .env_clear()
        .env("SCW_API_URL", "http://value-from-the-environment")
        .output()
        .unwrap();
    assert!(output.status.success());
    let help = String::from_utf8_lossy(&output.stdout);
    assert!(
        help.starts_with(&format!(
            "scaleway_exporter {}",
            scaleway_exporter::build_info::VERSION_LINE
        )),
        "{help}"
    );
    let position = |heading: &str| {
        help.find(&format!("\n{heading}:\n"))
            .unwrap_or_else(|| panic!("no {heading} group in:\n{help}"))
    };
    let groups = [
        position("Scaleway API"),
        position("Polling"),
        position("HTTP server"),
        position("Logging"),
    ];
    assert!(groups.windows(2).all(|w| w[0] < w[1]), "{groups:?}");
    let polling = &help[groups[1]..groups[2]];
    assert!(polling.contains("--poll.interval"), "{polling}");
    assert!(
        polling.contains("[env: SCW_EXPORTER_POLL_INTERVAL]"),
        "{polling}"
    );
    assert!(polling.contains("[default: 60s]"), "{polling}");
    // Twins are named, not the values the environment holds.
    assert!(!help.contains("value-from-the-environment"), "{help}");
}

#[test]
fn version_names_the_revision_and_the_compiler() {
    let output = Command::new(BINARY).arg("--version").output().unwrap();
    assert!(output.status.success());
    assert_eq!(
        String::from_utf8_lossy(&output.stdout).trim(),
        format!(
            "scaleway_exporter {}",
            scaleway_exporter::build_info::VERSION_LINE
        )
    );
}

#[test]
fn a_telemetry_path_the_router_cannot_take_ends_the_start_with_exit_code_2_and_one_line() {
    for (path, says) in [
        (
            "/inventory.json",
            "/inventory.json is a page of the exporter already",
        ),
        ("/*x", "a segment that starts with '*' is route syntax"),
        ("/a{b", "'{' is route syntax"),
        ("/{x}", "'{' is route syntax"),
    ] {
        assert_one_line_exit_2(
            &[&format!("--web.telemetry-path={path}")],
            &[("SCW_SECRET_KEY", "k")],
            &format!("bad --web.telemetry-path {path:?}: {says}"),
        );
    }
}

#[cfg(feature = "demo")]
#[test]
fn the_demo_checks_its_telemetry_path_as_the_exporter_does() {
    assert_one_line_exit_2(
        &[
            "demo",
            "--web.telemetry-path=/",
            "--web.listen-address=127.0.0.1:0",
        ],
        &[],
        "bad --web.telemetry-path \"/\": / is a page of the exporter already",
    );
    // The environment twin too.
    assert_one_line_exit_2(
        &["demo", "--web.listen-address=127.0.0.1:0"],
        &[("SCW_EXPORTER_TELEMETRY_PATH", "/healthz")],
        "bad --web.telemetry-path \"/healthz\"",
    );
}

#[cfg(feature = "demo")]
#[test]
fn a_flag_a_subcommand_does_not_use_ends_the_start_with_exit_code_2_and_one_line() {
    for (args, expected) in [
        (
            ["demo", "--scaleway.api-url=http://127.0.0.1:9"],
            "unexpected argument '--scaleway.api-url' found; `demo` does not take it, the exporter does",
        ),
        (
            ["demo", "--scaleway.zone=fr-par-1"],
            "unexpected argument '--scaleway.zone' found; `demo` does not take it, the exporter does",
        ),
        (
            ["simulate", "--scaleway.secret-key-file=/run/secrets/key"],
            "unexpected argument '--scaleway.secret-key-file' found; `simulate` does not take it",
        ),
        (
            ["health", "--poll.interval=5s"],
            "unexpected argument '--poll.interval' found; `health` does not take it, the exporter and `demo` do",
        ),
        (
            ["--poll.interval=5s", "demo"],
            "'--poll.interval <DURATION>' cannot go before the subcommand 'demo'",
        ),
    ] {
        assert_one_line_exit_2(&args, &[], expected);
    }
}

#[test]
fn health_reads_only_the_environment_twins_of_its_own_flags() {
    let closed = {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        listener.local_addr().unwrap()
    };
    // A variable of the exporter's that health does not use does not stop it; its own
    // twin is read: it asks the (closed) port it names.
    let (code, lines) = run(
        &["health", "--health.timeout=2s"],
        &[
            ("SCW_EXPORTER_POLL_INTERVAL", "not a duration"),
            ("SCW_EXPORTER_LISTEN_ADDRESS", &closed.to_string()),
        ],
    );
    assert_eq!(code, 1, "{lines:?}");
    assert_eq!(lines.len(), 1, "{lines:?}");
    assert!(
        lines[0].contains(&format!("cannot connect to {closed}")),
        "{lines:?}"
    );
}

/// A port the test holds for as long as it lives: the binary finds it busy, with no race.
fn busy_port() -> (TcpListener, String) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let address = listener.local_addr().unwrap().to_string();
    (listener, address)
}

#[test]
fn a_busy_port_ends_the_exporter_with_exit_code_2_and_one_line() {
    let (_held, address) = busy_port();
    assert_one_line_exit_2(
        &[&format!("--web.listen-address={address}")],
        &[
            ("SCW_SECRET_KEY", "k"),
            ("SCW_API_URL", "http://127.0.0.1:9"),
        ],
        &format!(
            "scaleway_exporter: cannot listen on {address}: address already in use; choose another with --web.listen-address"
        ),
    );
}

#[cfg(feature = "demo")]
#[test]
fn a_busy_port_ends_demo_and_simulate_with_exit_code_2_and_one_line() {
    let (_held, address) = busy_port();
    assert_one_line_exit_2(
        &["demo", &format!("--web.listen-address={address}")],
        &[],
        &format!(
            "scaleway_exporter: cannot listen on {address}: address already in use; choose another with --web.listen-address"
        ),
    );
    assert_one_line_exit_2(
        &["simulate", &format!("--listen-address={address}")],
        &[],
        &format!(
            "scaleway_exporter: cannot listen on {address}: address already in use; choose another with --listen-address"
        ),
    );
}

#[test]
fn a_value_outside_the_list_is_refused_with_the_possible_values() {
    assert_one_line_exit_2(
        &["--log.level=verbose"],
        &[("SCW_SECRET_KEY", "k")],
        "invalid value 'verbose' for '--log.level <LOG_LEVEL>'; possible values: error, warn, info, debug, trace",
    );
}

#[test]
fn a_misspelt_flag_is_refused_with_the_flag_it_resembles() {
    assert_one_line_exit_2(
        &["--poll.intervall=5s"],
        &[("SCW_SECRET_KEY", "k")],
        "unexpected argument '--poll.intervall' found; did you mean '--poll.interval'?",
    );
}

#[test]
fn a_key_given_as_a_flag_is_refused_with_where_the_key_goes_and_not_repeated() {
    let (code, lines) = run(&["--scaleway.secret-key=tok-3f1c-distinctive"], &[]);
    assert_eq!(code, 2, "{lines:?}");
    assert_eq!(lines.len(), 1, "{lines:?}");
    assert!(
        lines[0].contains("set SCW_SECRET_KEY, or --scaleway.secret-key-file"),
        "{lines:?}"
    );
    assert!(!lines[0].contains("tok-3f1c-distinctive"), "{lines:?}");
}

#[test]
fn an_api_url_without_a_scheme_is_refused_with_https_suggested() {
    assert_one_line_exit_2(
        &["--scaleway.api-url=api.scaleway.com"],
        &[("SCW_SECRET_KEY", "k")],
        "bad --scaleway.api-url \"api.scaleway.com\": no scheme; did you mean https://api.scaleway.com?",
    );
}
