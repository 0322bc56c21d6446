//! The HTTP server against clients that misbehave, over real TCP: a client that trickles
//! its headers (slowloris) or sends nothing, a request head larger than allowed, more
//! connections than allowed.

use std::time::Duration;

use scaleway_exporter::exporter::Exporter;
use scaleway_exporter::web::server::{self, ServerLimits};
use scaleway_exporter::Shutdown;
use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};
use tokio::net::{TcpListener, TcpStream};

use crate::common;
use crate::common::*;

struct Served {
    addr: std::net::SocketAddr,
    _api: TestApi,
    _stop: tokio::sync::watch::Sender<bool>,
}

async fn serve_with(limits: ServerLimits) -> Served {
    let api = start_simulator(simulator_config(&["fr-par-1"], 2)).await;
    let exporter = Exporter::new(&exporter_config(&api.url, &["fr-par-1"], TEST_KEY)).unwrap();
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let (stop, shutdown) = Shutdown::new();
    tokio::spawn(server::serve(
        listener,
        exporter.router,
        None,
        limits,
        shutdown.wait(),
    ));
    Served {
        addr,
        _api: api,
        _stop: stop,
    }
}

/// True once the server has closed `stream` (end of file or reset).
async fn closed_within(stream: &mut TcpStream, wait: Duration) -> bool {
    let mut buf = [0u8; 1024];
    let deadline = tokio::time::Instant::now() + wait;
    loop {
        match tokio::time::timeout_at(deadline, stream.read(&mut buf)).await {
            Err(_) => return false,
            Ok(Ok(0)) | Ok(Err(_)) => return true,
            Ok(Ok(_)) => continue, // a 408 or similar before the close
        }
    }
}

#[tokio::test]
async fn a_client_that_trickles_its_headers_is_cut_off_after_the_header_read_timeout() {
    let served = serve_with(ServerLimits {
        header_read_timeout: Duration::from_millis(500),
        ..ServerLimits::default()
    })
    .await;
    let mut stream = TcpStream::connect(served.addr).await.unwrap();
    stream
        .write_all(b"GET /metrics HTTP/1.1\r\nHost: x\r\n")
        .await
        .unwrap();
    let mut cut_off = false;
    // A header byte every 100 ms would keep a naive server waiting for ever.
    for _ in 0..40 {
        if stream.write_all(b"X").await.is_err() {
            cut_off = true;
            break;
        }
        if closed_within(&mut stream, Duration::from_millis(100)).await {
            cut_off = true;
            break;
        }
    }
    assert!(
        cut_off,
        "still connected after 4s of trickling, 8 times the timeout"
    );
}

#[tokio::test]
async fn a_client_that_connects_and_sends_nothing_is_cut_off_too() {
    let served = serve_with(ServerLimits {
        header_read_timeout: Duration::from_millis(500),
        ..ServerLimits::default()
    })
    .await;
    let mut stream = TcpStream::connect(served.addr).await.unwrap();
    assert!(closed_within(&mut stream, Duration::from_secs(5)).await);
}

#[tokio::test]
async fn a_request_head_larger_than_allowed_is_refused_with_431() {
    let served = serve_with(ServerLimits {
        max_header_bytes: 16 * 1024,
        ..ServerLimits::default()
    })
    .await;
    let url = format!("http://{}/metrics", served.addr);
    let response = reqwest::Client::new()
        .get(&url)
        .header("X-Padding", "p".repeat(64 * 1024))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 431);
    let normal = reqwest::get(&url).await.unwrap();
    assert_eq!(normal.status(), 200, "the server goes on serving");
}

#[tokio::test]
async fn connections_past_the_bound_wait_until_a_slot_frees() {
    // The two held connections send nothing: a header read timeout longer than any test
    // keeps their slots held however slow the machine, so the third can only be served
    // once a slot is given back.
    let served = serve_with(ServerLimits {
        max_connections: 2,
        header_read_timeout: Duration::from_secs(3600),
        ..ServerLimits::default()
    })
    .await;
    let first = TcpStream::connect(served.addr).await.unwrap();
    let second = TcpStream::connect(served.addr).await.unwrap();
    let url = format!("http://{}/healthz", served.addr);
    let third = tokio::spawn(async move { reqwest::get(url).await.map(|r| r.status()) });
    // Time for a server that ignored the bound to answer; a slow machine can only make this
    // check pass when it should not, never fail when it should pass.
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert!(
        !third.is_finished(),
        "a third connection is not served while two are held"
    );
    drop(first);
    let status = tokio::time::timeout(Duration::from_secs(5), third)
        .await
        .expect("served once a slot freed")
        .unwrap()
        .unwrap();
    assert_eq!(status, 200);
    drop(second);
}

/// Out of file descriptors (`ulimit -n` low, more clients than descriptors), the exporter
/// cannot accept: it says so at warn level, once for a burst rather than twenty times a
/// second, and serves again as soon as the clients leave.
#[tokio::test]
async fn out_of_file_descriptors_the_exporter_warns_once_and_serves_again_when_clients_leave() {
    use common::child_log::{ChildLog, KillOnDrop};
    use std::process::{Command, Stdio};

    let binary = env!("CARGO_BIN_EXE_scaleway_exporter");
    let mut child = KillOnDrop(
        Command::new("sh")
            .arg("-c")
            .arg("ulimit -n 40 && exec \"$0\" \"$@\"")
            .arg(binary)
            .args(["--scaleway.zone=fr-par-1", "--scaleway.product=instance"])
            .arg("--web.listen-address=127.0.0.1:0")
            .env_clear()
            .env("SCW_SECRET_KEY", TEST_KEY)
            .env("SCW_API_URL", "http://127.0.0.1:9")
            .stderr(Stdio::piped())
            .spawn()
            .unwrap(),
    );
    let mut log = ChildLog::read(child.0.stderr.take().unwrap());
    let address = log.address("exporter starting").await;
    let mut clients = Vec::new();
    for _ in 0..80 {
        clients.push(TcpStream::connect(&address).await.unwrap());
    }
    let warned = log
        .wait_for("cannot accept connections", Duration::from_secs(10))
        .await;
    assert!(warned.contains("level=warn"), "{warned}");
    tokio::time::sleep(Duration::from_millis(500)).await;
    drop(clients);
    let client = reqwest::Client::new();
    let mut served = false;
    for _ in 0..100 {
        let answer = client
            .get(format!("http://{address}/healthz"))
            .timeout(Duration::from_secs(2))
            .send()
            .await;
        if answer.is_ok_and(|a| a.status() == 200) {
            served = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(
        served,
        "no answer once the clients left:\n{}",
        log.lines.join("\n")
    );
    let said = log
        .lines
        .iter()
        .filter(|l| l.contains("cannot accept connections"))
        .count();
    assert_eq!(said, 1, "{}", log.lines.join("\n"));
}
