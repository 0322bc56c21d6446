//! The real binary: start-up errors are one line and exit code 2; a refused key is one
//! clear log line; SIGTERM ends the process cleanly within five seconds. And, in-process,
//! any command line at all either starts or is refused in one line: never a panic.

use std::collections::BTreeSet;
use std::io::{BufRead as _, BufReader};
use std::net::TcpListener;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use proptest::prelude::*;
#[cfg(feature = "demo")]
use scaleway_exporter::cmd::demo;
use scaleway_exporter::cmd::help;
use scaleway_exporter::cmd::start::{parse_command_line, Invocation};
use scaleway_exporter::config::Environment;
use scaleway_exporter::{Exporter, ListenAddress};

use wiremock::matchers::any;
use wiremock::{Mock, MockServer, ResponseTemplate};

#[cfg(feature = "demo")]
use crate::common;
use crate::common::TEST_KEY;

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

/// A home directory whose `~/.config/scw/config.yaml` holds `text` (mode 0600, as the
/// `scw` CLI writes it), and that file's path.
fn scw_home(text: &str) -> (tempfile::TempDir, String) {
    use std::os::unix::fs::PermissionsExt as _;
    let home = tempfile::tempdir().unwrap();
    let path = home.path().join(".config/scw/config.yaml");
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(&path, text).unwrap();
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o600)).unwrap();
    (home, path.display().to_string())
}

const PROFILE_KEY: &str = "9f0f1100-d157-4c70-8000-5ec7e7000000";

#[test]
fn a_profile_that_cannot_serve_ends_the_start_with_exit_code_2_and_one_line_naming_file_and_profile(
) {
    let good = format!(
        "secret_key: {PROFILE_KEY}\nactive_profile: prod\nprofiles:\n  prod: {{}}\n  dev: {{}}\n"
    );
    for (text, args, env, says) in [
        (
            good.as_str(),
            &["--scaleway.profile=staging"][..],
            &[][..],
            "no profile \"staging\" in the scw config file {path}; it has default, dev, prod",
        ),
        (
            &good,
            &[],
            &[("SCW_PROFILE", "staging")],
            "no profile \"staging\" in the scw config file {path}",
        ),
        (
            "active_profile: gone\n",
            &[],
            &[],
            "no profile \"gone\" (its active_profile) in the scw config file {path}",
        ),
        (
            &format!("secret_key: \"{PROFILE_KEY}\n"),
            &[],
            &[],
            "bad scw config file {path}, read for its active profile: not YAML: ",
        ),
        (
            &format!("profiles:\n  prod:\n  secret_key: {PROFILE_KEY}\n"),
            &["--scaleway.profile=prod"],
            &[],
            "bad scw config file {path}, read for profile \"prod\": profile \"secret_key\" is a string, not a mapping",
        ),
        (
            "profiles:\n  nokey:\n    api_url: http://127.0.0.1:9\n",
            &["--scaleway.profile=nokey"],
            &[],
            "profile \"nokey\" of the scw config file {path} has no secret_key",
        ),
        (
            &format!("secret_key: {PROFILE_KEY}\napi_url: api.example.com\n"),
            &[],
            &[],
            "bad api_url \"api.example.com\" in profile \"default\" of the scw config file {path}",
        ),
    ] {
        let (home, path) = scw_home(text);
        let mut env = env.to_vec();
        env.push(("HOME", home.path().to_str().unwrap()));
        let (code, lines) = run(args, &env);
        assert_eq!(code, 2, "{text:?} {args:?}: {lines:?}");
        assert_eq!(lines.len(), 1, "{lines:?}");
        let says = says.replace("{path}", &path);
        assert!(lines[0].contains(&says), "{lines:?} should say {says:?}");
        assert!(!lines[0].contains(PROFILE_KEY), "{lines:?}");
    }
}

#[test]
fn a_named_profile_without_a_config_file_ends_the_start_with_exit_code_2_and_one_line() {
    let home = tempfile::tempdir().unwrap();
    let home = home.path().to_str().unwrap();
    assert_one_line_exit_2(
        &["--scaleway.profile=prod"],
        &[("HOME", home)],
        &format!(
            "cannot read the scw config file {home}/.config/scw/config.yaml for profile \"prod\": \
             it does not exist; run `scw init`"
        ),
    );
    // With no profile named, a missing file is not used: the key is what is missing.
    assert_one_line_exit_2(
        &[],
        &[("HOME", home)],
        &format!(
            "or run `scw init` to write the scw CLI's config file {home}/.config/scw/config.yaml, \
             whose active profile then serves (--scaleway.profile picks another)"
        ),
    );
}

#[test]
fn a_bad_duration_ends_the_start_with_exit_code_2_and_one_line() {
    assert_one_line_exit_2(
        &["--poll.interval", "5 parsecs"],
        &[("SCW_SECRET_KEY", TEST_KEY)],
        "--poll.interval",
    );
    assert_one_line_exit_2(
        &[],
        &[
            ("SCW_SECRET_KEY", TEST_KEY),
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
            ("SCW_SECRET_KEY", TEST_KEY),
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

/// Like [`assert_one_line_exit_2`], and the line does not repeat the key that was refused.
/// A key that is wrongly accepted fails the test in ten seconds rather than hang it: the
/// exporter would then run, on a port of its own, against a closed API.
fn assert_key_refused(args: &[&str], env: &[(&str, &str)], key: &str, expected: &str) {
    let mut child = Command::new(BINARY)
        .args(args)
        .env_clear()
        .envs(env.iter().copied())
        .env("SCW_EXPORTER_LISTEN_ADDRESS", "127.0.0.1:0")
        .env("SCW_API_URL", "http://127.0.0.1:9")
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let started = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break Some(status);
        }
        if started.elapsed() > Duration::from_secs(10) {
            child.kill().unwrap();
            child.wait().unwrap();
            break None;
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    let mut stderr = String::new();
    std::io::Read::read_to_string(&mut child.stderr.take().unwrap(), &mut stderr).unwrap();
    let lines: Vec<&str> = stderr.lines().collect();
    let status = status.unwrap_or_else(|| panic!("the key was accepted: {lines:?}"));
    assert_eq!(status.code(), Some(2), "{lines:?}");
    assert_eq!(lines.len(), 1, "{lines:?}");
    assert!(lines[0].starts_with("scaleway_exporter: "), "{lines:?}");
    assert!(
        lines[0].contains(expected),
        "{lines:?} should say {expected:?}"
    );
    assert!(
        key.lines()
            .filter(|part| part.len() > 3)
            .all(|part| !lines[0].contains(part)),
        "the refusal repeats the key: {lines:?}"
    );
}

#[test]
fn a_key_of_two_lines_ends_the_start_with_exit_code_2_and_one_line() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("scw_secret_key");
    let two_lines = format!("{TEST_KEY}\nSCW0123456789ABCDEFG\n");
    std::fs::write(&path, &two_lines).unwrap();
    let path = path.to_str().unwrap();
    assert_key_refused(
        &["--scaleway.secret-key-file", path],
        &[],
        two_lines.trim(),
        &format!(
            "the API secret key in {path} holds a line break, which an HTTP header cannot carry: \
             give the secret key alone, on one line"
        ),
    );
    assert_key_refused(
        &[],
        &[("SCW_SECRET_KEY", &two_lines)],
        two_lines.trim(),
        "the API secret key in SCW_SECRET_KEY holds a line break",
    );
    let bell = format!("{TEST_KEY}\u{7}");
    assert_key_refused(
        &[],
        &[("SCW_SECRET_KEY", &bell)],
        TEST_KEY,
        "the API secret key in SCW_SECRET_KEY holds a control character",
    );
}

#[test]
fn an_access_key_given_as_the_secret_key_ends_the_start_with_exit_code_2_and_one_line() {
    for access_key in [
        "SCW0123456789ABCDEFG".to_owned(),
        format!("SCW0123456789ABCDEFG@{TEST_KEY}"),
    ] {
        assert_key_refused(
            &[],
            &[("SCW_SECRET_KEY", &access_key)],
            &access_key,
            "the API secret key in SCW_SECRET_KEY looks like an access key (SCW followed by 17 \
             characters), not a secret key: give the secret key of the same API key, a UUID",
        );
    }
}

#[test]
fn a_key_that_is_not_a_uuid_ends_the_start_with_exit_code_2_and_one_line() {
    for (key, says) in [
        ("k".to_owned(), "got 1 character"),
        (TEST_KEY.replace('-', ""), "got 32 characters"),
        (format!("{TEST_KEY}0"), "got 37 characters"),
        (
            format!("\"{TEST_KEY}\""),
            "got 38 characters (a UUID in quotes: give it without them)",
        ),
    ] {
        assert_key_refused(
            &[],
            &[("SCW_SECRET_KEY", &key)],
            &key,
            &format!(
                "the API secret key in SCW_SECRET_KEY is not a Scaleway secret key: expected a \
                 UUID (xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx), {says}"
            ),
        );
    }
}

#[cfg(feature = "demo")]
#[tokio::test]
async fn the_demo_makes_a_key_the_exporter_accepts_and_polls_with_it() {
    use common::child_log::{ChildLog, KillOnDrop};
    let mut child = KillOnDrop(
        Command::new(BINARY)
            .args([
                "demo",
                "--web.listen-address=127.0.0.1:0",
                "--demo.zones=fr-par-1",
                "--demo.servers-per-zone=3",
            ])
            .env_clear()
            .stderr(Stdio::piped())
            .spawn()
            .unwrap(),
    );
    let mut log = ChildLog::read(child.0.stderr.take().unwrap());
    let address = log.address("demo running").await;
    let deadline = Instant::now() + common::child_log::START_WAIT;
    loop {
        let text = common::get_text(&format!("http://{address}/metrics")).await;
        let metrics = common::Exposition::parse(&text);
        let success = metrics.select("scaleway_exporter_poll_success", &[("zone", "fr-par-1")]);
        if success.first().is_some_and(|sample| sample.value == 1.0) {
            break;
        }
        assert!(Instant::now() < deadline, "the demo never polled: {text}");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

#[test]
fn an_unknown_flag_ends_the_start_with_exit_code_2_and_one_line() {
    assert_one_line_exit_2(
        &["--scaleway.secret-key", "abc"],
        &[("SCW_SECRET_KEY", TEST_KEY)],
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
    let secret = "d1571c7e-5ec2-4e7a-9000-00000000d157";
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
        ("/runbook", "/runbook is a page of the exporter already"),
        ("/*x", "a segment that starts with '*' is route syntax"),
        ("/a{b", "'{' is route syntax"),
        ("/{x}", "'{' is route syntax"),
    ] {
        assert_one_line_exit_2(
            &[&format!("--web.telemetry-path={path}")],
            &[("SCW_SECRET_KEY", TEST_KEY)],
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
            ("SCW_SECRET_KEY", TEST_KEY),
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
        &[("SCW_SECRET_KEY", TEST_KEY)],
        "invalid value 'verbose' for '--log.level <LOG_LEVEL>'; possible values: error, warn, info, debug, trace",
    );
}

#[test]
fn a_misspelt_flag_is_refused_with_the_flag_it_resembles() {
    assert_one_line_exit_2(
        &["--poll.intervall=5s"],
        &[("SCW_SECRET_KEY", TEST_KEY)],
        "unexpected argument '--poll.intervall' found; did you mean '--poll.interval'?",
    );
}

#[test]
fn a_key_given_as_a_flag_is_refused_with_where_the_key_goes_and_not_repeated() {
    let (code, lines) = run(&[&format!("--scaleway.secret-key={TEST_KEY}")], &[]);
    assert_eq!(code, 2, "{lines:?}");
    assert_eq!(lines.len(), 1, "{lines:?}");
    assert!(
        lines[0].contains("set SCW_SECRET_KEY, or --scaleway.secret-key-file"),
        "{lines:?}"
    );
    assert!(!lines[0].contains(TEST_KEY), "{lines:?}");
}

#[test]
fn an_api_url_without_a_scheme_is_refused_with_https_suggested() {
    assert_one_line_exit_2(
        &["--scaleway.api-url=api.scaleway.com"],
        &[("SCW_SECRET_KEY", TEST_KEY)],
        "bad --scaleway.api-url \"api.scaleway.com\": no scheme; did you mean https://api.scaleway.com?",
    );
}

/// Every long flag of every command, and a few that are no flag at all.
fn every_flag() -> Vec<String> {
    let command = help::command();
    let mut flags: BTreeSet<String> = std::iter::once(&command)
        .chain(command.get_subcommands())
        .flat_map(|c| c.get_arguments())
        .filter_map(|arg| arg.get_long())
        .map(str::to_owned)
        .collect();
    flags.extend(["scaleway.secret-key", "poll.intervall", "token"].map(String::from));
    flags.into_iter().collect()
}

/// Values `--long` takes, so that a command line often gets as far as building the router.
fn accepted_values(long: &str) -> Vec<&'static str> {
    match long {
        "web.telemetry-path" => vec!["/metrics", "/a/b:c", "/m%C3%A9trics"],
        "web.listen-address" | "listen-address" => vec!["127.0.0.1:0", ":10059"],
        "poll.interval"
        | "poll.timeout"
        | "demo.churn-interval"
        | "health.timeout"
        | "transition"
        | "churn-interval"
        | "chaos-interval" => vec!["1s", "60s", "365days"],
        "scaleway.zone" | "demo.zones" | "zones" => vec!["fr-par-1", "nl-ams-1,pl-waw-2", ""],
        "scaleway.api-url" => vec!["http://127.0.0.1:9", "https://api.scaleway.com/"],
        "scaleway.api-flavor" => vec!["instance", "legacy"],
        "scaleway.profile" => vec!["default", "prod", ""],
        "scaleway.max-body-size" => vec!["1", "64MiB", "18446744073709551615"],
        "scaleway.rate-limit" => vec!["0.001", "1e300"],
        "log.level" => vec!["debug"],
        "log.format" => vec!["json"],
        "demo.servers-per-zone"
        | "servers-per-zone"
        | "elastic-metal-servers-per-zone"
        | "apple-silicon-servers-per-zone"
        | "dedibox-servers-per-zone"
        | "demo.elastic-metal-servers-per-zone"
        | "demo.apple-silicon-servers-per-zone"
        | "demo.dedibox-servers-per-zone" => vec!["0", "100000"],
        "seed" => vec!["18446744073709551615"],
        _ => vec!["/nonexistent/file"],
    }
}

/// Values that broke, or could break, what `--long` feeds: route syntax and the exporter's
/// own pages for a path, numbers past every range for a number or a duration.
fn hostile_values(long: &str) -> Vec<&'static str> {
    match long {
        "web.telemetry-path" => vec![
            "/",
            "/inventory.json",
            "/healthz",
            "/readyz",
            "/runbook",
            "/*x",
            "/a{b",
            "/{x}",
            "/:id",
            "/{*rest}",
            "/a}",
            "/{}",
            "//",
            "/a b",
            "/é",
            "/%",
            "/?",
            "",
        ],
        "scaleway.api-url" => vec![
            "api.scaleway.com",
            "localhost:8080",
            "http://",
            "ftp://x",
            "http://a b",
        ],
        "web.listen-address" | "listen-address" => {
            vec![":99999", ":", "[::1", "host:", "0.0.0.0:-1"]
        }
        _ => vec![
            "0",
            "-1",
            "NaN",
            "inf",
            "1e-300",
            "18446744073709551616",
            "18446744073709551615s",
            "99999999999999999999999GiB",
            "366days",
            "500000000y",
        ],
    }
}

/// Values `--long` takes or that broke it, any text at all, route syntax, huge numbers.
fn flag_value(long: &str) -> impl Strategy<Value = String> {
    prop_oneof![
        3 => prop::sample::select(accepted_values(long)).prop_map(String::from),
        2 => prop::sample::select(hostile_values(long)).prop_map(String::from),
        1 => prop::arbitrary::any::<String>(),
        1 => "/?[{}*:?#%/ .a-zé0-9]{0,10}",
        1 => "[0-9]{1,40}(s|ms|h|d|y|years|KiB|MiB|GiB|KB|e300|e-300)?",
    ]
}

/// The long flags `subcommand` takes (the exporter's for none, or for `help`).
fn own_flags(subcommand: &str) -> Vec<String> {
    let command = help::command();
    let command = command.find_subcommand(subcommand).unwrap_or(&command);
    help::user_flags(command)
        .filter_map(|arg| arg.get_long())
        .map(str::to_owned)
        .collect()
}

/// The program name, maybe a subcommand (or `help`), then up to four flags with values:
/// mostly the subcommand's own flags, sometimes any command's or none's.
fn command_line() -> impl Strategy<Value = Vec<String>> {
    prop_oneof![
        3 => Just(""),
        2 => Just("demo"),
        1 => Just("health"),
        1 => Just("simulate"),
        1 => prop::sample::select(vec!["help", "--help", "--version"]),
    ]
    .prop_flat_map(|subcommand| {
        let flag = prop_oneof![
            4 => prop::sample::select(own_flags(subcommand)),
            1 => prop::sample::select(every_flag()),
        ]
        .prop_flat_map(|long| {
            let value = flag_value(&long);
            (Just(long), value, prop::arbitrary::any::<bool>())
        });
        (Just(subcommand), prop::collection::vec(flag, 0..5))
    })
    .prop_map(|(subcommand, flags)| {
        let mut argv = vec!["scaleway_exporter".to_owned()];
        if !subcommand.is_empty() {
            argv.push(subcommand.to_owned());
        }
        for (flag, value, joined) in flags {
            if joined {
                argv.push(format!("--{flag}={value}"));
            } else {
                argv.push(format!("--{flag}"));
                argv.push(value);
            }
        }
        argv
    })
}

/// A refusal is one line: exit code 2 and that line on standard error.
fn assert_one_line(line: &str) -> Result<(), TestCaseError> {
    prop_assert!(!line.is_empty());
    prop_assert!(!line.chars().any(char::is_control), "{line:?}");
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    /// What `main` does with a command line, short of serving: parse, check, and build the
    /// router (where axum panicked on a bad route). Whatever the flags and values, that
    /// starts (exit 0 on SIGTERM) or is refused in one line (exit 2); it never panics (101).
    #[test]
    fn any_command_line_starts_or_is_refused_in_one_line(
        argv in command_line(),
        key in prop_oneof![
            4 => Just(Some(TEST_KEY.to_owned())),
            1 => prop::option::of(prop::arbitrary::any::<String>()),
        ],
    ) {
        // No HOME: no `scw` config file is read, whatever the machine holds.
        match parse_command_line(&argv, &Environment::with_secret_key(key)) {
            Err(refused) => assert_one_line(&refused.to_string())?,
            Ok(Invocation::Exporter { config, .. }) => {
                Exporter::new(&config).expect("a checked configuration builds");
            }
            #[cfg(feature = "demo")]
            Ok(Invocation::Demo(args)) => {
                match demo::exporter_config(&args, "http://127.0.0.1:9", TEST_KEY) {
                    Ok(config) => {
                        Exporter::new(&config).expect("a checked configuration builds");
                    }
                    Err(refused) => assert_one_line(&refused.to_string())?,
                }
            }
            Ok(Invocation::Health(args)) => {
                // What `health` does before it connects.
                let _ = ListenAddress::parse(&args.serve.listen_address);
            }
            #[cfg(feature = "demo")]
            Ok(Invocation::Simulate(_)) => {}
            Ok(Invocation::Show(_)) => {}
        }
    }
}

#[test]
fn a_listen_address_says_whether_its_shape_or_its_port_is_wrong() {
    let key = [("SCW_SECRET_KEY", TEST_KEY)];
    assert_one_line_exit_2(
        &["--web.listen-address=:99999"],
        &key,
        "bad --web.listen-address \":99999\": port 99999 is out of range (0 to 65535)",
    );
    assert_one_line_exit_2(
        &["--web.listen-address=10059"],
        &key,
        "bad --web.listen-address \"10059\": expected :PORT or HOST:PORT",
    );
    assert_one_line_exit_2(
        &["health", "--web.listen-address=:70000"],
        &[],
        "bad --web.listen-address \":70000\": port 70000 is out of range (0 to 65535)",
    );
}

/// `simulate`'s log lines are its own: the churn shared with `demo` logs under its own
/// target, not the demo's.
#[cfg(feature = "demo")]
#[tokio::test]
async fn simulate_logs_its_churn_under_no_target_of_the_demo() {
    use common::child_log::{ChildLog, KillOnDrop};
    let mut child = KillOnDrop(
        Command::new(BINARY)
            .args([
                "simulate",
                "--listen-address=127.0.0.1:0",
                "--zones=fr-par-1",
                "--servers-per-zone=5",
                "--churn-interval=50ms",
            ])
            .env_clear()
            .stderr(Stdio::piped())
            .spawn()
            .unwrap(),
    );
    let mut log = ChildLog::read(child.0.stderr.take().unwrap());
    let changed = log
        .wait_for("simulator changed a server", common::child_log::START_WAIT)
        .await;
    assert!(changed.contains("cmd::churn"), "{changed}");
    assert!(!changed.contains("cmd::demo"), "{changed}");
}
