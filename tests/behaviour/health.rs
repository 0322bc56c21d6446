//! `scaleway_exporter health`, the container HEALTHCHECK: the real binary against a real
//! exporter and against listeners that misbehave, all over TCP on loopback.

use std::process::{Command, Output};
use std::time::{Duration, Instant};

use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};
use tokio::net::TcpListener;

use crate::common::*;

const BINARY: &str = env!("CARGO_BIN_EXE_scaleway_exporter");

/// Runs `scaleway_exporter health` with a clean environment plus `env`, off the runtime's
/// threads so the servers under test keep answering.
async fn health(args: &[&str], env: &[(&str, &str)]) -> Output {
    let args: Vec<String> = args.iter().map(|a| (*a).to_owned()).collect();
    let env: Vec<(String, String)> = env
        .iter()
        .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
        .collect();
    tokio::task::spawn_blocking(move || {
        Command::new(BINARY)
            .arg("health")
            .args(args)
            .env_clear()
            .envs(env)
            .output()
            .unwrap()
    })
    .await
    .unwrap()
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

async fn running_exporter() -> (TestApi, TestExporter) {
    let api = start_simulator(simulator_config(&["fr-par-1"], 2)).await;
    let exporter = start_exporter(&exporter_config(
        &api.url,
        &["fr-par-1"],
        api.simulator.token(),
    ))
    .await;
    (api, exporter)
}

fn host_port(url: &str) -> &str {
    url.trim_start_matches("http://")
}

fn port_of(url: &str) -> &str {
    host_port(url).rsplit_once(':').unwrap().1
}

#[tokio::test(flavor = "multi_thread")]
async fn a_running_exporter_is_healthy_by_flag_by_environment_and_by_port_alone() {
    let (_api, exporter) = running_exporter().await;
    let address = host_port(&exporter.url).to_owned();

    let by_flag = health(&["--web.listen-address", &address], &[]).await;
    assert_eq!(by_flag.status.code(), Some(0), "{}", stderr(&by_flag));
    assert_eq!(
        String::from_utf8_lossy(&by_flag.stdout).trim(),
        format!("healthy: http://{address}/healthz answered 200")
    );

    let by_env = health(&[], &[("SCW_EXPORTER_LISTEN_ADDRESS", &address)]).await;
    assert_eq!(by_env.status.code(), Some(0), "{}", stderr(&by_env));

    // `:PORT` is what the container sets: the check goes to loopback.
    let port_alone = format!(":{}", port_of(&exporter.url));
    let by_port = health(&["--web.listen-address", &port_alone], &[]).await;
    assert_eq!(by_port.status.code(), Some(0), "{}", stderr(&by_port));
}

#[tokio::test(flavor = "multi_thread")]
async fn nothing_listening_is_unhealthy_with_one_line_that_says_so() {
    // A socket bound but not listening: connections to its port are refused, and no other
    // test can take the port while it is held (a port bound then closed could be).
    let held = tokio::net::TcpSocket::new_v4().unwrap();
    held.bind("127.0.0.1:0".parse().unwrap()).unwrap();
    let port = held.local_addr().unwrap().port();
    let output = health(&["--web.listen-address", &format!("127.0.0.1:{port}")], &[]).await;
    assert_eq!(output.status.code(), Some(1));
    let said = stderr(&output);
    assert_eq!(said.lines().count(), 1, "{said}");
    assert!(
        said.starts_with(&format!(
            "scaleway_exporter: health check failed: cannot connect to 127.0.0.1:{port}"
        )),
        "{said}"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn an_answer_other_than_200_is_unhealthy() {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap().to_string();
    tokio::spawn(async move {
        while let Ok((mut socket, _)) = listener.accept().await {
            let mut request = [0u8; 1024];
            let _ = socket.read(&mut request).await;
            let _ = socket
                .write_all(b"HTTP/1.1 503 Service Unavailable\r\nContent-Length: 0\r\n\r\n")
                .await;
        }
    });
    let output = health(&["--web.listen-address", &address], &[]).await;
    assert_eq!(output.status.code(), Some(1));
    assert!(
        stderr(&output).contains("answered \"HTTP/1.1 503 Service Unavailable\", not 200"),
        "{}",
        stderr(&output)
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_listener_that_never_answers_is_unhealthy_once_the_timeout_passes() {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap().to_string();
    tokio::spawn(async move {
        let mut held = Vec::new();
        while let Ok((socket, _)) = listener.accept().await {
            held.push(socket);
        }
    });
    let started = Instant::now();
    let output = health(
        &[
            "--web.listen-address",
            &address,
            "--health.timeout",
            "300ms",
        ],
        &[],
    )
    .await;
    assert_eq!(output.status.code(), Some(1));
    assert!(
        stderr(&output).contains("did not answer within 300ms"),
        "{}",
        stderr(&output)
    );
    // Not a timing target: only that the check gives up instead of hanging the HEALTHCHECK.
    assert!(started.elapsed() < Duration::from_secs(30));
}

#[tokio::test(flavor = "multi_thread")]
async fn a_malformed_listen_address_is_a_configuration_error() {
    let output = health(&["--web.listen-address", "10059"], &[]).await;
    assert_eq!(output.status.code(), Some(2));
    assert!(
        stderr(&output).contains("bad --web.listen-address \"10059\""),
        "{}",
        stderr(&output)
    );
}
